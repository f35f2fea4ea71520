/* chroma.c — librosa 0.10.1 estimate_tuning (piptrack + pitch_tuning) on a power
 * spectrogram, and filters.chroma.
 *
 * Types follow librosa/NumPy 1.24 exactly where they decide a comparison: the
 * spectrogram, threshold, gradient, magnitudes, pitches and residuals are float32;
 * the parabolic shift is computed in float64 (numba types `2 * x` and `/ 2` on
 * float32 as float64) and stored as float32; histogram edges are float64
 * (np.linspace(-0.5, 0.5, 101)) and compared with the float32 residuals widened. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chroma.h"
#include "util.h"

struct peak {
	float pitch, mag;
};

static int
cmpf(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* np.mod for float32 with positive divisor 1 */
static float
mod1(float a)
{
	float m = fmodf(a, 1.0f);

	if (m != 0 && m < 0)
		m += 1.0f;
	else if (m == 0)
		m = 0.0f;	/* copysign(0, 1) */
	return m;
}

/* np.max of a frame: NaN if any is NaN */
typedef float v4sf __attribute__((vector_size(16)));
typedef int v4si __attribute__((vector_size(16)));

static float
framemax(const float *x, size_t n)
{
	size_t i = 0;
	float mx = x[0];
	int nan = 0;

	if (n >= 8) {
		v4sf m, v;
		v4si bad = {0, 0, 0, 0};
		memcpy(&m, x, sizeof m);
		for (i = 0; i + 4 <= n; i += 4) {
			v4si gt;
			memcpy(&v, x + i, sizeof v);
			gt = v > m;
			m = (v4sf)(((v4si)v & gt) | ((v4si)m & ~gt));
			bad |= v != v;
		}
		nan = bad[0] | bad[1] | bad[2] | bad[3];
		mx = m[0];
		if (m[1] > mx) mx = m[1];
		if (m[2] > mx) mx = m[2];
		if (m[3] > mx) mx = m[3];
	}
	for (; i < n; i++) {
		if (x[i] > mx)
			mx = x[i];
		nan |= x[i] != x[i];
	}
	return nan ? NAN : mx;
}

double
sv_estimate_tuning(const float *S, size_t nframes, int n_fft, double sr)
{
	size_t nb = (size_t)n_fft / 2 + 1, t, i, i0, i1, np_ = 0, cap = 0, nsel;
	struct peak *pk = NULL;
	float *z = NULL, *mags = NULL, thr;
	unsigned char *mask;
	double lo = 150.0, hi = fmin(4000.0, sr / 2), bin_hz;
	long counts[100];
	double edges[101];
	int j, best;

	if (n_fft < 2 || nframes == 0)
		return 0;
	/* fft_frequencies = np.fft.rfftfreq(n_fft, 1/sr): i * (1 / (n_fft * (1/sr))) */
	bin_hz = 1.0 / (n_fft * (1.0 / sr));
	mask = emalloc(nb);
	for (i = 0; i < nb; i++) {
		double f = (double)i * bin_hz;
		mask[i] = lo <= f && f < hi;
	}
	/* bins in [lo, hi), and the neighbours localmax looks at */
	for (i0 = 1; i0 < nb && !mask[i0]; i0++)
		;
	for (i1 = nb; i1 > i0 && !mask[i1 - 1]; i1--)
		;
	z = ereallocarray(NULL, nb, sizeof *z);
	for (t = 0; t < nframes; t++) {
		const float *x = S + t * nb;
		float mx = framemax(x, nb), ref;
		if (isnan(mx))
			continue;	/* np.max is NaN: nothing exceeds ref */
		ref = 0.1f * mx;
		for (i = i0 - 1; i < i1 + 1 && i < nb; i++)
			z[i] = x[i] > ref ? x[i] : 0.0f;
		for (i = i0; i < i1; i++) {
			int lm;
			if (!mask[i])
				continue;
			if (i + 1 < nb)
				lm = z[i] > z[i - 1] && z[i] >= z[i + 1];
			else
				lm = z[i] > z[i - 1];
			if (!lm)
				continue;
			{
				float avg, shift = 0, dskew;
				double p;
				if (i + 1 < nb) {
					double a = (double)(x[i + 1] + x[i - 1]) - 2 * (double)x[i];
					double b = (double)(x[i + 1] - x[i - 1]) / 2;
					shift = fabs(b) >= fabs(a) ? 0.0f : (float)(-b / a);
					avg = (x[i + 1] - x[i - 1]) / 2.0f;
				} else {
					avg = x[i] - x[i - 1];
				}
				dskew = 0.5f * avg * shift;
				p = ((double)i + (double)shift) * sr / n_fft;
				if (np_ == cap) {
					cap = cap ? 2 * cap : 256;
					pk = ereallocarray(pk, cap, sizeof *pk);
				}
				pk[np_].pitch = (float)p;
				pk[np_].mag = x[i] + dskew;
				np_++;
			}
		}
	}
	free(z);
	free(mask);

	/* threshold = np.median(mag[pitch > 0]) (float32) */
	mags = ereallocarray(NULL, np_ ? np_ : 1, sizeof *mags);
	nsel = 0;
	for (i = 0; i < np_; i++)
		if (pk[i].pitch > 0)
			mags[nsel++] = pk[i].mag;
	thr = 0;
	if (nsel) {
		qsort(mags, nsel, sizeof *mags, cmpf);
		if (nsel % 2)
			thr = mags[nsel / 2];
		else
			thr = (mags[nsel / 2 - 1] + mags[nsel / 2]) / 2.0f;
	}
	free(mags);

	/* pitch_tuning: histogram of residuals, bins np.linspace(-0.5, 0.5, 101) */
	for (j = 0; j < 100; j++) {
		counts[j] = 0;
		edges[j] = j * 0.01 + -0.5;
	}
	edges[100] = 0.5;
	nsel = 0;
	for (i = 0; i < np_; i++) {
		float f = pk[i].pitch, r;
		double rd;
		if (!(pk[i].mag >= thr && f > 0))
			continue;
		r = (float)12 * log2f(f / 27.5f);
		r = mod1(r);
		if (r >= 0.5f)
			r -= 1.0f;
		rd = r;
		if (!(rd >= edges[0] && rd <= edges[100]))
			continue;	/* outside the histogram range (NaN) */
		j = (int)floor((rd + 0.5) * 100);
		if (j < 0)
			j = 0;
		if (j > 99)
			j = 99;
		while (j > 0 && rd < edges[j])
			j--;
		while (j < 99 && rd >= edges[j + 1])
			j++;
		counts[j]++;
		nsel++;
	}
	free(pk);
	if (nsel == 0)
		return 0;	/* librosa warns: empty frequency set */
	best = 0;
	for (j = 1; j < 100; j++)
		if (counts[j] > counts[best])
			best = j;
	return edges[best];
}

void
sv_chroma_fb(float *fb, double sr, int n_fft, double tuning)
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
