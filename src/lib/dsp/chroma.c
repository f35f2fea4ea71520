/* chroma.c — librosa 0.10.1 chroma_stft pieces: estimate_tuning on a power
 * spectrogram at 12 bins per octave (a loop over tuning.c, the one piptrack /
 * pitch_tuning implementation), and filters.chroma. */
#include <math.h>
#include <stdlib.h>

#include "dsp/chroma.h"
#include "dsp/tuning.h"
#include "core/util.h"

void
chroma_filterbank(float *fb, double sr, int n_fft, double tuning)
{
	int nb = n_fft / 2 + 1, i, c;
	double *frq = ereallocarray(NULL, n_fft, sizeof *frq);
	double *bw = ereallocarray(NULL, n_fft, sizeof *bw);
	double a440 = 440.0 * pow(2.0, tuning / 12), step = sr / n_fft;

	/* frequencies = np.linspace(0, sr, n_fft, endpoint=False)[1:] */
	for (i = 1; i < n_fft; i++)
		frq[i] = 12 * log2((i * step) / (a440 / 16));
	frq[0] = frq[1] - 1.5 * 12;
	for (i = 0; i + 1 < n_fft; i++)
		bw[i] = fmax(frq[i + 1] - frq[i], 1.0);
	bw[n_fft - 1] = 1;
	for (i = 0; i < nb; i++) {
		double w[12], len = 0, oct;
		for (c = 0; c < 12; c++) {
			double d = frq[i] - c + 6 + 120, m = fmod(d, 12);
			if (m != 0 && m < 0)
				m += 12;
			d = m - 6;
			d = 2 * d / bw[i];
			w[c] = exp(-0.5 * (d * d));
		}
		for (c = 0; c < 12; c++)
			len += w[c] * w[c];
		len = sqrt(len);
		if (len < 2.2250738585072014e-308)
			len = 1;
		oct = (frq[i] / 12 - 5.0) / 2;
		oct = exp(-0.5 * (oct * oct));
		for (c = 0; c < 12; c++)
			fb[(size_t)c * nb + i] = (float)(w[(c + 3) % 12] / len * oct);
	}
	free(frq);
	free(bw);
}

float
chroma_inf_norm(const float *v, int n)
{
	float m = 0;
	int i;

	for (i = 0; i < n; i++)
		if (fabsf(v[i]) > m)
			m = fabsf(v[i]);
	return m < 1.17549435e-38f ? 1 : m;
}
