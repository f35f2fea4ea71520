/* tuning.c — streamed librosa estimate_tuning with any bins_per_octave (see tuning.h).
 *
 * Types follow librosa/NumPy 1.24 where they decide a comparison (as chroma.c, which
 * does the same for chroma_stft's power spectrogram and 12 bins per octave): the
 * spectrogram, threshold, magnitudes, pitches and residuals are float32; the
 * parabolic shift is computed in float64 and stored as float32; histogram edges are
 * float64 (np.linspace(-0.5, 0.5, 101)). */
#include <math.h>
#include <stdlib.h>

#include "tuning.h"
#include "util.h"

struct peak {
	float pitch, mag;
};

struct Tuning {
	double sr;
	int n_fft, nb;
	int i0, i1;              /* bins in [150, min(4000, sr/2)) Hz: i0 .. i1-1 */
	float *z;
	struct peak *pk;
	size_t np, cap;
};

Tuning *
new_tuning(double sr, int n_fft)
{
	Tuning *tu = ecalloc(1, sizeof *tu);
	double bin_hz = 1.0 / (n_fft * (1.0 / sr)), hi = fmin(4000.0, sr / 2);
	int i;

	tu->sr = sr;
	tu->n_fft = n_fft;
	tu->nb = n_fft / 2 + 1;
	tu->i0 = tu->i1 = 0;
	for (i = 0; i < tu->nb; i++) {
		double f = i * bin_hz;
		if (150.0 <= f && f < hi) {
			if (!tu->i1)
				tu->i0 = i;
			tu->i1 = i + 1;
		}
	}
	if (tu->i0 < 1) /* bin 0 is never a local max (150 Hz > 0 anyway) */
		tu->i0 = 1;
	tu->z = emalloc(tu->nb * sizeof *tu->z);
	return tu;
}

void
del_tuning(Tuning *tu)
{
	if (!tu)
		return;
	free(tu->z);
	free(tu->pk);
	free(tu);
}

void
tuning_frame(Tuning *tu, const float *x)
{
	int nb = tu->nb, i, nan = 0;
	float mx = x[0], ref, *z = tu->z;

	if (tu->i1 <= tu->i0)
		return;
	for (i = 0; i < nb; i++) {
		if (x[i] > mx)
			mx = x[i];
		nan |= x[i] != x[i];
	}
	if (nan)
		return; /* np.max is NaN: nothing exceeds the threshold */
	ref = 0.1f * mx;
	for (i = tu->i0 - 1; i < tu->i1 + 1 && i < nb; i++)
		z[i] = x[i] > ref ? x[i] : 0.0f;
	for (i = tu->i0; i < tu->i1; i++) {
		float avg, shift = 0;
		int lm = i + 1 < nb ? z[i] > z[i - 1] && z[i] >= z[i + 1] : z[i] > z[i - 1];

		if (!lm)
			continue;
		if (i + 1 < nb) {
			double a = (double)(x[i + 1] + x[i - 1]) - 2 * (double)x[i];
			double b = (double)(x[i + 1] - x[i - 1]) / 2;
			shift = fabs(b) >= fabs(a) ? 0.0f : (float)(-b / a);
			avg = (x[i + 1] - x[i - 1]) / 2.0f;
		} else {
			avg = x[i] - x[i - 1];
		}
		if (tu->np == tu->cap) {
			tu->cap = tu->cap ? 2 * tu->cap : 1024;
			tu->pk = ereallocarray(tu->pk, tu->cap, sizeof *tu->pk);
		}
		tu->pk[tu->np].pitch = (float)(((double)i + (double)shift) * tu->sr / tu->n_fft);
		tu->pk[tu->np].mag = x[i] + 0.5f * avg * shift;
		tu->np++;
	}
}

static int
cmpf(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

double
tuning_finish(Tuning *tu, int bpo)
{
	size_t i, n = 0, np = tu->np;
	float *mags, thr = 0;
	long counts[100];
	double edges[101];
	int j, best;

	tu->np = 0;
	/* threshold = np.median(mag[pitch > 0]) (float32) */
	mags = ereallocarray(NULL, np ? np : 1, sizeof *mags);
	for (i = 0; i < np; i++)
		if (tu->pk[i].pitch > 0)
			mags[n++] = tu->pk[i].mag;
	if (n) {
		qsort(mags, n, sizeof *mags, cmpf);
		thr = n % 2 ? mags[n / 2] : (mags[n / 2 - 1] + mags[n / 2]) / 2.0f;
	}
	free(mags);
	for (j = 0; j < 100; j++) {
		counts[j] = 0;
		edges[j] = j * 0.01 + -0.5;
	}
	edges[100] = 0.5;
	n = 0;
	for (i = 0; i < np; i++) {
		float f = tu->pk[i].pitch, r, m;
		double rd;

		if (!(tu->pk[i].mag >= thr && f > 0))
			continue;
		r = (float)bpo * log2f(f / 27.5f);
		m = fmodf(r, 1.0f); /* np.mod(r, 1.0) */
		if (m < 0)
			m += 1.0f;
		if (m >= 0.5f)
			m -= 1.0f;
		rd = m;
		if (!(rd >= edges[0] && rd <= edges[100]))
			continue;
		j = (int)floor((rd + 0.5) * 100);
		j = j < 0 ? 0 : j > 99 ? 99 : j;
		while (j > 0 && rd < edges[j])
			j--;
		while (j < 99 && rd >= edges[j + 1])
			j++;
		counts[j]++;
		n++;
	}
	if (n == 0)
		return 0;
	best = 0;
	for (j = 1; j < 100; j++)
		if (counts[j] > counts[best])
			best = j;
	return edges[best];
}
