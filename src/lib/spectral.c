/* spectral.c — centroid, bandwidth, rolloff, zcr, rms (see spectral.h). */
#include "spectral.h"

#include <math.h>

void
sv_spectral(const float *S, int nbins, double binhz, double *centroid,
    double *bandwidth, double *rolloff)
{
	double sum = 0, fs = 0, c, bw = 0, d;
	float cum = 0, thr;
	int k;

	for (k = 0; k < nbins; k++) {
		sum += S[k];
		fs += k * binhz * S[k];
	}
	if (!(sum > 0)) {
		*centroid = *bandwidth = *rolloff = 0;
		return;
	}
	c = fs / sum;
	for (k = 0; k < nbins; k++) {
		d = k * binhz - c;
		bw += S[k] * d * d;
	}
	*centroid = c;
	*bandwidth = sqrt(bw / sum);
	/* np.cumsum in float32, threshold 0.85 (as float32) * total */
	for (k = 0; k < nbins; k++)
		cum += S[k];
	thr = 0.85f * cum;
	cum = 0;
	for (k = 0; k < nbins; k++) {
		cum += S[k];
		if (cum >= thr)
			break;
	}
	if (k == nbins)
		k = nbins - 1;
	*rolloff = k * binhz;
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

double
sv_zcr(const float *x, size_t n, size_t t, int n_fft, int hop)
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
sv_rms(const float *x, size_t n, size_t t, int n_fft, int hop)
{
	long start = (long)(t * hop) - n_fft / 2, i, lo, hi;
	double s = 0;

	lo = start < 0 ? 0 : start;
	hi = start + n_fft < (long)n ? start + n_fft : (long)n;
	for (i = lo; i < hi; i++)
		s += (double)x[i] * x[i];
	return sqrtf((float)(s / n_fft));
}
