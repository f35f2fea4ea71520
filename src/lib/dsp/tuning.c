/* tuning.c — librosa 0.10.1 estimate_tuning (piptrack + pitch_tuning), streamed, for
 * any bins_per_octave (see tuning.h).  The one implementation: chroma_stft's
 * tuning_estimate_power (chroma.c) is a loop over tuning_frame().
 *
 * Types follow librosa/NumPy 1.24 exactly where they decide a comparison: the
 * spectrogram, threshold, magnitudes, pitches and residuals are float32; the
 * parabolic shift is computed in float64 (numba types `2 * x` and `/ 2` on float32
 * as float64) and stored as float32; histogram edges are float64
 * (np.linspace(-0.5, 0.5, 101)) and compared with the float32 residuals widened. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/tuning.h"
#include "core/util.h"

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
	/* fft_frequencies = np.fft.rfftfreq(n_fft, 1/sr): i * (1 / (n_fft * (1/sr))) */
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
	tu->z = emallocarray(tu->nb, sizeof *tu->z);
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

/* np.max of a frame: NaN if any is NaN (4 lanes) */
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

void
tuning_frame(Tuning *tu, const float *x)
{
	int nb = tu->nb, i;
	float mx, ref, *z = tu->z;

	if (tu->i1 <= tu->i0)
		return;
	mx = framemax(x, (size_t)nb);
	if (isnan(mx))
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

/* np.mod for float32 with positive divisor 1 */
static float
mod1(float a)
{
	float m = fmodf(a, 1.0f);

	if (m != 0 && m < 0)
		m += 1.0f;
	else if (m == 0)
		m = 0.0f; /* copysign(0, 1) */
	return m;
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
	/* pitch_tuning: histogram of residuals, bins np.linspace(-0.5, 0.5, 101) */
	for (j = 0; j < 100; j++) {
		counts[j] = 0;
		edges[j] = j * 0.01 + -0.5;
	}
	edges[100] = 0.5;
	n = 0;
	for (i = 0; i < np; i++) {
		float f = tu->pk[i].pitch, m;
		double rd;

		if (!(tu->pk[i].mag >= thr && f > 0))
			continue;
		m = mod1((float)bpo * log2f(f / 27.5f));
		if (m >= 0.5f)
			m -= 1.0f;
		rd = m;
		if (!(rd >= edges[0] && rd <= edges[100]))
			continue; /* outside the histogram range (NaN) */
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
		return 0; /* librosa warns: empty frequency set */
	best = 0;
	for (j = 1; j < 100; j++)
		if (counts[j] > counts[best])
			best = j;
	return edges[best];
}

double
tuning_estimate_power(const float *S, size_t nframes, int n_fft, double sr)
{
	size_t nb = (size_t)n_fft / 2 + 1, t;
	Tuning *tu;
	double r;

	if (n_fft < 2 || nframes == 0)
		return 0;
	tu = new_tuning(sr, n_fft);
	for (t = 0; t < nframes; t++)
		tuning_frame(tu, S + t * nb);
	r = tuning_finish(tu, 12);
	del_tuning(tu);
	return r;
}
