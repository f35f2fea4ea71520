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

size_t
onset_count(const float *env, size_t T, double sr, int hop)
{
	/* librosa defaults, in frames: 0.03*sr//hop etc., rounded up by valid_int */
	long pre_max = (long)ceil(floor(0.03 * sr / hop));
	long post_max = (long)ceil(floor(0.00 * sr / hop) + 1);
	long pre_avg = (long)ceil(floor(0.10 * sr / hop));
	long post_avg = (long)ceil(floor(0.10 * sr / hop) + 1);
	long wait = (long)ceil(floor(0.03 * sr / hop));
	long n = (long)T, i, j, last, a, b;
	float mn, mx, *x, mxwin, avg;
	size_t count = 0;
	int any = 0;

	last = -(wait + 1);
	if (n == 0)
		return 0;
	x = emallocarray(n, sizeof *x);
	mn = env[0];
	for (i = 1; i < n; i++)
		if (env[i] < mn)
			mn = env[i];
	mx = -INFINITY;
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
			any = 0, i = n;
	}
	if (!any) {
		free(x);
		return 0;
	}
	for (i = 0; i < n; i++) {
		/* maximum_filter1d(size pre_max+post_max, origin ceil((pre-post)/2), cval min):
		 * window [i - pre_max, i + post_max - 1] */
		long size = pre_max + post_max;
		long origin = (long)ceil(0.5 * (pre_max - post_max));
		long lo = i - size / 2 - origin, hi = lo + size - 1;

		if (x[i] == 0)
			continue;
		mxwin = -INFINITY;
		for (j = lo; j <= hi; j++) {
			float v = j < 0 || j >= n ? 0 /* cval = min = 0 */ : x[j];
			if (v > mxwin)
				mxwin = v;
		}
		if (x[i] != mxwin)
			continue;
		/* moving mean over [i - pre_avg, i + post_avg), truncated at the ends */
		a = i - pre_avg < 0 ? 0 : i - pre_avg;
		b = i + post_avg > n ? n : i + post_avg;
		if (i - pre_avg >= 0 && i + post_avg <= n) {
			/* uniform_filter1d: double running sum over the full window */
			double s = 0;
			for (j = a; j < b; j++)
				s += x[j];
			avg = (float)(s / (b - a));
		} else {
			avg = mean32(x, a, b);
		}
		if (!(x[i] >= avg + (float)0.07))
			continue;
		if (i > last + wait) {
			count++;
			last = i;
		}
	}
	free(x);
	return count;
}
