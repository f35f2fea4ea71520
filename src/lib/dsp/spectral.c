/* spectral.c — centroid, bandwidth, rolloff, zcr, rms (see spectral.h). */
#include "dsp/spectral.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void
spectral_frame(const float *S, int nbins, double binhz, double *centroid,
    double *bandwidth, double *rolloff)
{
	double sum = 0, fs = 0, c, bw = 0, d;
	float cum = 0, thr;
	int k, roll = -1;

	/* the three running sums are independent chains: one pass */
	for (k = 0; k < nbins; k++) {
		sum += S[k];
		fs += k * binhz * S[k];
		cum += S[k]; /* np.cumsum in float32 */
	}
	if (!(sum > 0)) {
		*centroid = *bandwidth = *rolloff = 0;
		return;
	}
	c = fs / sum;
	/* threshold 0.85 (as float32) * total; the first bin whose float32 cumulative
	 * sum reaches it, found while summing the bandwidth */
	thr = 0.85f * cum;
	cum = 0;
	for (k = 0; k < nbins; k++) {
		d = k * binhz - c;
		bw += S[k] * d * d;
		cum += S[k];
		if (roll < 0 && cum >= thr)
			roll = k;
	}
	*centroid = c;
	*bandwidth = sqrt(bw / sum);
	*rolloff = (roll < 0 ? nbins - 1 : roll) * binhz;
}

static float
edge(const float *x, size_t n, long i)
{
	if (i < 0)
		return x[0];
	if (i >= (long)n)
		return x[n - 1];
	return x[i];
}

static int
neg(float v)
{
	if (fabsf(v) <= 1e-10f)
		return 0;
	return signbit(v) != 0;
}

/* neg() without branches: the sign bit, unless |v| <= 1e-10 (compared as the
 * ordered integer patterns of non-negative floats; NaN is never tiny) */
static unsigned
negbit(float v)
{
	uint32_t u, tiny;

	memcpy(&u, &v, sizeof u);
	memcpy(&tiny, &(float){ 1e-10f }, sizeof tiny);
	return (u >> 31) & ((u & 0x7fffffffu) > tiny);
}

double
spectral_zcr(const float *x, size_t n, size_t t, int n_fft, int hop)
{
	long start = (long)(t * hop) - n_fft / 2, i;
	int prev, cur, count = 0;

	prev = neg(edge(x, n, start));
	for (i = 1; i < n_fft; i++) {
		cur = neg(edge(x, n, start + i));
		count += cur != prev;
		prev = cur;
	}
	return (double)count / n_fft;
}

float
spectral_rms(const float *x, size_t n, size_t t, int n_fft, int hop)
{
	long start = (long)(t * hop) - n_fft / 2, i, lo, hi;
	double s = 0;

	lo = start < 0 ? 0 : start;
	hi = start + n_fft < (long)n ? start + n_fft : (long)n;
	for (i = lo; i < hi; i++)
		s += (double)x[i] * x[i];
	return sqrtf((float)(s / n_fft));
}

void
spectral_zcr_all(const float *x, size_t n, size_t T, int n_fft, int hop, double *zcr)
{
	/* crossings c[j] = neg(x[j]) != neg(x[j-1]), j >= 1; edge padding adds none.
	 * Frame t counts those with j in [start+1, start+n_fft-1] ∩ [1, n-1], i.e.
	 * P(b) - P(a-1) with P(j) = c[1] + ... + c[j], kept at multiples of hop (Q)
	 * and completed from the nearer one (nothing to complete when hop divides
	 * n_fft/2: then a - 1 and b + 1 are multiples of hop). */
	size_t nq = n / (size_t)hop + 1, q, j, t;
	unsigned *Q = emallocarray(nq, sizeof *Q), run = 0;

	Q[0] = 0;
	for (q = 1; q < nq; q++) { /* Q[q] = P(q * hop) */
		size_t hi = q * hop < n ? q * hop + 1 : n;
		for (j = (q - 1) * hop + 1; j < hi; j++)
			run += negbit(x[j]) ^ negbit(x[j - 1]);
		Q[q] = run;
	}
	for (t = 0; t < T; t++) {
		long start = (long)(t * hop) - n_fft / 2, a, b, ends[2];
		unsigned P[2];
		int e;

		a = start + 1 > 1 ? start + 1 : 1;
		b = start + n_fft - 1 < (long)n - 1 ? start + n_fft - 1 : (long)n - 1;
		if (b < a) {
			zcr[t] = 0;
			continue;
		}
		ends[0] = a - 1;
		ends[1] = b;
		for (e = 0; e < 2; e++) { /* P(ends[e]), from the nearer Q */
			size_t je = (size_t)ends[e];
			q = je / (size_t)hop;
			if (je - q * hop > (size_t)hop / 2 && (q + 1) * hop < n) {
				P[e] = Q[q + 1];
				for (j = (q + 1) * hop; j > je; j--)
					P[e] -= negbit(x[j]) ^ negbit(x[j - 1]);
			} else {
				P[e] = Q[q];
				for (j = q * hop + 1; j <= je; j++)
					P[e] += negbit(x[j]) ^ negbit(x[j - 1]);
			}
		}
		zcr[t] = (double)(P[1] - P[0]) / n_fft;
	}
	free(Q);
}

void
spectral_rms_all(const float *x, size_t n, size_t T, int n_fft, int hop, float *rms)
{
	size_t t = 0;
	long i;

	/* four whole frames at once: four independent sums, each in spectral_rms's order */
	for (; t < T; t++) {
		long start = (long)(t * hop) - n_fft / 2;
		if (start >= 0 && t + 4 <= T && start + 3L * hop + n_fft <= (long)n) {
			const float *p0 = x + start, *p1 = p0 + hop, *p2 = p1 + hop, *p3 = p2 + hop;
			double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
			for (i = 0; i < n_fft; i++) {
				s0 += (double)p0[i] * p0[i];
				s1 += (double)p1[i] * p1[i];
				s2 += (double)p2[i] * p2[i];
				s3 += (double)p3[i] * p3[i];
			}
			rms[t] = sqrtf((float)(s0 / n_fft));
			rms[t + 1] = sqrtf((float)(s1 / n_fft));
			rms[t + 2] = sqrtf((float)(s2 / n_fft));
			rms[t + 3] = sqrtf((float)(s3 / n_fft));
			t += 3;
		} else {
			rms[t] = spectral_rms(x, n, t, n_fft, hop);
		}
	}
}
