/* mel.c — Slaney mel filter bank and power_to_db (see mel.h). */
#include "dsp/mel.h"
#include "core/util.h"

#include <immintrin.h>
#include <math.h>
#include <stdlib.h>

struct MelBank {
	int nmels, nbins;
	int *lo, *len;   /* band m covers bins lo[m] .. lo[m]+len[m]-1 */
	float **w;       /* w[m][0..len[m]) */
	float *tp;       /* scratch: 4 power frames interleaved, [nbins][4] */
};

/* the Slaney scale: linear below 1 kHz, logarithmic above */
#define F_SP (200.0 / 3)                  /* Hz per mel, linear part */
#define MIN_LOG_HZ 1000.0
#define MIN_LOG_MEL (MIN_LOG_HZ / F_SP)
#define LOGSTEP (log(6.4) / 27.0)

static double
hz_to_mel(double f)
{
	if (f >= MIN_LOG_HZ)
		return MIN_LOG_MEL + log(f / MIN_LOG_HZ) / LOGSTEP;
	return f / F_SP;
}

static double
mel_to_hz(double m)
{
	if (m >= MIN_LOG_MEL)
		return MIN_LOG_HZ * exp(LOGSTEP * (m - MIN_LOG_MEL));
	return F_SP * m;
}

MelBank *
new_melbank(double sr, int n_fft, int nmels)
{
	MelBank *m = ecalloc(1, sizeof *m);
	int nb = n_fft / 2 + 1, i, k, lo, hi;
	double *mel_f = emallocarray(nmels + 2, sizeof *mel_f);
	double *fft_f = emallocarray(nb, sizeof *fft_f);
	double minm = hz_to_mel(0.0), maxm = hz_to_mel(sr / 2), step, val;
	float *row = emallocarray(nb, sizeof *row);

	m->nmels = nmels;
	m->nbins = nb;
	m->lo = ecalloc(nmels, sizeof *m->lo);
	m->len = ecalloc(nmels, sizeof *m->len);
	m->w = ecalloc(nmels, sizeof *m->w);
	/* np.linspace(min_mel, max_mel, nmels + 2): i*step + start, last = stop */
	step = (maxm - minm) / (nmels + 1);
	for (i = 0; i < nmels + 2; i++)
		mel_f[i] = mel_to_hz(i == nmels + 1 ? maxm : i * step + minm);
	/* np.fft.rfftfreq(n_fft, 1/sr) */
	val = 1.0 / (n_fft * (1.0 / sr));
	for (k = 0; k < nb; k++)
		fft_f[k] = k * val;
	for (i = 0; i < nmels; i++) {
		double fd0 = mel_f[i + 1] - mel_f[i], fd1 = mel_f[i + 2] - mel_f[i + 1];
		double enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);

		lo = -1;
		hi = -1;
		for (k = 0; k < nb; k++) {
			double lower = -(mel_f[i] - fft_f[k]) / fd0;
			double upper = (mel_f[i + 2] - fft_f[k]) / fd1;
			double w = fmax(0, fmin(lower, upper));
			float w32 = (float)w;

			row[k] = (float)((double)w32 * enorm);
			if (row[k] != 0) {
				if (lo < 0)
					lo = k;
				hi = k;
			}
		}
		if (lo < 0)
			lo = hi = 0;
		m->lo[i] = lo;
		m->len[i] = hi - lo + 1;
		m->w[i] = emallocarray(m->len[i], sizeof(float));
		for (k = lo; k <= hi; k++)
			m->w[i][k - lo] = row[k];
	}
	m->tp = emallocarray(4 * (size_t)nb, sizeof *m->tp);
	free(row);
	free(mel_f);
	free(fft_f);
	return m;
}

void
del_melbank(MelBank *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->nmels; i++)
		free(m->w[i]);
	free(m->w);
	free(m->lo);
	free(m->len);
	free(m->tp);
	free(m);
}

void
mel_apply(const MelBank *m, const float *power, float *mel)
{
	int i, k;

	for (i = 0; i < m->nmels; i++) {
		const float *w = m->w[i], *p = power + m->lo[i];
		float s = 0;

		for (k = 0; k < m->len[i]; k++)
			s += w[k] * p[k];
		mel[i] = s;
	}
}

void
mel_apply_n(MelBank *m, const float *power, size_t nf, float *mel)
{
	size_t f;
	int nb = m->nbins, nm = m->nmels, i, k;
	float *tp = m->tp, o[4];

	for (f = 0; f + 4 <= nf; f += 4) {
		const float *p0 = power + f * nb, *p1 = p0 + nb, *p2 = p1 + nb, *p3 = p2 + nb;
		for (k = 0; k + 4 <= nb; k += 4) { /* tp[k][lane] = frame f+lane, bin k */
			__m128 a = _mm_loadu_ps(p0 + k), b = _mm_loadu_ps(p1 + k);
			__m128 c = _mm_loadu_ps(p2 + k), d = _mm_loadu_ps(p3 + k);
			_MM_TRANSPOSE4_PS(a, b, c, d);
			_mm_storeu_ps(tp + 4 * k, a);
			_mm_storeu_ps(tp + 4 * k + 4, b);
			_mm_storeu_ps(tp + 4 * k + 8, c);
			_mm_storeu_ps(tp + 4 * k + 12, d);
		}
		for (; k < nb; k++) {
			tp[4 * k] = p0[k];
			tp[4 * k + 1] = p1[k];
			tp[4 * k + 2] = p2[k];
			tp[4 * k + 3] = p3[k];
		}
		for (i = 0; i < nm; i++) {
			const float *w = m->w[i], *p = tp + 4 * m->lo[i];
			__m128 s = _mm_setzero_ps();
			for (k = 0; k < m->len[i]; k++)
				s = _mm_add_ps(s, _mm_mul_ps(_mm_set1_ps(w[k]), _mm_loadu_ps(p + 4 * k)));
			_mm_storeu_ps(o, s);
			mel[f * nm + i] = o[0];
			mel[(f + 1) * nm + i] = o[1];
			mel[(f + 2) * nm + i] = o[2];
			mel[(f + 3) * nm + i] = o[3];
		}
	}
	for (; f < nf; f++)
		mel_apply(m, power + f * nb, mel + f * nm);
}

float
mel_power_to_db(float x)
{
	if (!(x > 1e-10f))
		return -100.000008f; /* float32 10*log10(1e-10f) as NumPy computes it */
	return (float)(10.0 * log10((double)x));
}

float
mel_db_floor(float *x, size_t n, float top_db)
{
	float mx = -INFINITY, fl;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] > mx)
			mx = x[i];
	fl = (float)((double)mx - top_db); /* NumPy: float64 scalar, cast back */
	for (i = 0; i < n; i++)
		if (x[i] < fl)
			x[i] = fl;
	return fl;
}
