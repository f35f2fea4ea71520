/* aggloscreen.c — float32 screens for the nearest-neighbour scans (see
 * aggloscreen.h). */
#include "ml/aggloscreen.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
aggloscreen_init(AggloScreen *S, const double *x, size_t n, size_t d)
{
	size_t i;

	memset(S, 0, sizeof *S);
	S->n = n, S->d = d;
	S->f = emalloc(n * (d ? d : 1) * sizeof(float));
	S->err = ecalloc(n, sizeof(double));
	S->t = emalloc(n * sizeof(float));
	S->shrink = 1 - 2 * DVEC_F32_ERR(d);
	for (i = 0; i < n; i++)
		aggloscreen_set(S, i, x + i * d);
}

void
aggloscreen_set(AggloScreen *S, size_t i, const double *c)
{
	size_t f, d = S->d;
	double e = 0, t;

	for (f = 0; f < d; f++) {
		S->f[i * d + f] = (float)c[f];
		t = c[f] - (double)S->f[i * d + f];
		e += t * t;
	}
	/* slack for the rounding of this sum; 0 stays 0 (exact copies) */
	S->err[i] = sqrt(e) * (1 + 1e-6);
	S->emax = S->err[i] > S->emax ? S->err[i] : S->emax;
}

void
aggloscreen_scan(AggloScreen *S, size_t x, const size_t *idx, size_t cnt)
{
	dvec_sqdist_f32_idx(S->f + x * S->d, S->f, idx, cnt, S->d, S->t);
}

void
del_aggloscreen(AggloScreen *S)
{
	free(S->f), free(S->err), free(S->t);
	memset(S, 0, sizeof *S);
}
