/* mfcc.c — MFCCs as librosa (see mfcc.h). */
#include "dsp/mfcc.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>

void
mfcc_compute(const float *S, size_t T, int nmels, int nmfcc, float *out)
{
	static double *basis; /* [rows][cols], grown to the largest request */
	static int rows, cols;
	size_t t;
	int k, n;

	if (nmels != cols || nmfcc > rows) {
		free(basis);
		basis = ereallocarray(NULL, (size_t)nmfcc * nmels, sizeof *basis);
		for (k = 0; k < nmfcc; k++)
			for (n = 0; n < nmels; n++)
				basis[k * nmels + n] = cos(M_PI * k * (2 * n + 1) / (2.0 * nmels)) *
				    sqrt((k ? 2.0 : 1.0) / nmels);
		rows = nmfcc;
		cols = nmels;
	}
	for (t = 0; t < T; t++) {
		const float *s = S + t * nmels;
		for (k = 0; k < nmfcc; k++) {
			const double *b = basis + k * nmels;
			double acc = 0, ref = k ? s[0] : 0;
			for (n = 0; n < nmels; n++)
				acc += b[n] * (s[n] - ref);
			out[k * T + t] = (float)acc;
		}
	}
}
