/* onset.c — onset strength envelopes and onset counting (see onset.h). */
#include "dsp/onset.h"
#include "core/stats.h"
#include "core/util.h"

#include <math.h>
#include <float.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

float
onset_mean1(const float *prev, const float *cur, int nmels)
{
	float s = 0, d;
	int b;

	for (b = 0; b < nmels; b++) {
		d = cur[b] - prev[b];
		s += d > 0 ? d : 0;
	}
	return s / (float)nmels;
}

float
onset_median1(const float *prev, const float *cur, int nmels, float *tmp)
{
	/* max(0, d) is 0 in about half the bands: select among the positive ones
	 * only, the zeros being the smallest values (order statistics are values, so
	 * the result is the same as selecting among all) */
	int b, np = 0, nz, k = nmels / 2;
	float a, c, d;

	for (b = 0; b < nmels; b++) {
		d = cur[b] - prev[b];
		tmp[np] = d;
		np += d > 0;
	}
	nz = nmels - np;
	if (k < nz) {
		a = 0;
	} else {
		stats_select_k(tmp, (size_t)np, (size_t)(k - nz));
		a = tmp[k - nz];
	}
	if (nmels % 2)
		return a;
	/* the (k-1)-th smallest: the largest of the lower half */
	if (k - 1 < nz)
		c = 0;
	else
		for (c = tmp[0], b = 1; b < k - nz; b++)
			if (tmp[b] > c)
				c = tmp[b];
	return (a + c) / 2.0f;
}

void
onset_env(const float *S, size_t T, int nmels, float *env)
{
	size_t t;

	for (t = 0; t < T; t++)
		env[t] = t < 3 ? 0 : onset_mean1(S + (t - 3) * nmels, S + (t - 2) * nmels, nmels);
}

void
onset_env_median(const float *S, size_t T, int nmels, float *env)
{
	float *tmp = emallocarray(nmels, sizeof *tmp);
	size_t t;

	for (t = 0; t < T; t++)
		env[t] = t < 3 ? 0 : onset_median1(S + (t - 3) * nmels, S + (t - 2) * nmels, nmels, tmp);
	free(tmp);
}

/* np.mean of float32 x[a..b) (short: sequential float32 sum as NumPy for n < 8) */
static float
mean32(const float *x, long a, long b)
{
	double s = 0;
	long i;

	for (i = a; i < b; i++)
		s += x[i];
	return (float)(s / (b - a));
}

/* peak_pick's windows in frames (librosa's defaults, seconds times sr/hop, floored,
 * then rounded up by valid_int) and threshold */
typedef struct PeakPick {
	long pre_max, post_max, pre_avg, post_avg, wait;
} PeakPick;

#define PEAK_DELTA 0.07 /* onset_detect's threshold above the local mean */

static PeakPick
peak_windows(double sr, int hop)
{
	PeakPick w;

	w.pre_max = (long)ceil(floor(0.03 * sr / hop));
	w.post_max = (long)ceil(floor(0.00 * sr / hop) + 1);
	w.pre_avg = (long)ceil(floor(0.10 * sr / hop));
	w.post_avg = (long)ceil(floor(0.10 * sr / hop) + 1);
	w.wait = (long)ceil(floor(0.03 * sr / hop));
	return w;
}

/* x = (env - min) / (max + FLT_MIN), onset_detect's normalisation; 0 when that
 * leaves nothing to pick (all zero, or a non-finite value) */
static int
normalise(const float *env, long n, float *x)
{
	float mn = env[0], mx = -INFINITY;
	int any = 0;
	long i;

	for (i = 1; i < n; i++)
		if (env[i] < mn)
			mn = env[i];
	for (i = 0; i < n; i++) {
		x[i] = env[i] - mn;
		if (x[i] > mx)
			mx = x[i];
	}
	for (i = 0; i < n; i++) {
		x[i] /= mx + FLT_MIN;
		if (x[i] != 0)
			any = 1;
		if (!isfinite(x[i]))
			return 0;
	}
	return any;
}

/* 1 when x[i] is a peak of peak_pick: the maximum of its window and at least delta
 * above the moving mean around it */
static int
is_peak(const float *x, long n, long i, const PeakPick *w)
{
	/* maximum_filter1d(size pre_max+post_max, origin ceil((pre-post)/2), cval min):
	 * window [i - pre_max, i + post_max - 1] */
	long size = w->pre_max + w->post_max;
	long origin = (long)ceil(0.5 * (w->pre_max - w->post_max));
	long lo = i - size / 2 - origin, hi = lo + size - 1, a, b, j;
	float mxwin = -INFINITY, avg;

	if (x[i] == 0)
		return 0;
	for (j = lo; j <= hi; j++) {
		float v = j < 0 || j >= n ? 0 /* cval = min = 0 */ : x[j];
		if (v > mxwin)
			mxwin = v;
	}
	if (x[i] != mxwin)
		return 0;
	/* moving mean over [i - pre_avg, i + post_avg), truncated at the ends */
	a = i - w->pre_avg < 0 ? 0 : i - w->pre_avg;
	b = i + w->post_avg > n ? n : i + w->post_avg;
	if (i - w->pre_avg >= 0 && i + w->post_avg <= n) {
		/* uniform_filter1d: double running sum over the full window */
		double s = 0;
		for (j = a; j < b; j++)
			s += x[j];
		avg = (float)(s / (b - a));
	} else {
		avg = mean32(x, a, b);
	}
	return x[i] >= avg + (float)PEAK_DELTA;
}

size_t
onset_count(const float *env, size_t T, double sr, int hop)
{
	PeakPick w = peak_windows(sr, hop);
	long n = (long)T, i, last = -(w.wait + 1);
	size_t count = 0;
	float *x;

	if (n == 0)
		return 0;
	x = emallocarray(n, sizeof *x);
	if (normalise(env, n, x))
		for (i = 0; i < n; i++)
			if (is_peak(x, n, i, &w) && i > last + w.wait) {
				count++;
				last = i;
			}
	free(x);
	return count;
}
