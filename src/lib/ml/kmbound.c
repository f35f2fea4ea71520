/* kmbound.c — rigorous bounds for k-means's Lloyd passes (see kmbound.h). */
#include "ml/kmbound.h"
#include "core/hot.h"

#include <float.h>
#include <math.h>

void
kmbound_init(KmBound *kb, size_t d, size_t k, size_t G)
{
	double m = (double)d + 2, u = ldexp(1, -24);

	kb->g = m * u < 0.25 ? 2 * m * u / (1 - m * u) : INFINITY;
	kb->eta = (4 * (double)d + 16) * ldexp(1, -149);
	kb->rel = ((double)d + 16) * ldexp(1, -51);
	kb->vmax = FLT_MAX / 8;
	kb->k = k;
	kb->G = G < 1 ? 1 : G > k ? k : G;
	kb->gs = (k + kb->G - 1) / kb->G;
	kb->G = (k + kb->gs - 1) / kb->gs; /* no empty group */
}

HOT double
kmbound_norm(const float *v, size_t d)
{
	double s[4] = { 0, 0, 0, 0 };
	size_t f, j;

	for (f = 0; f + 4 <= d; f += 4)
		for (j = 0; j < 4; j++)
			s[j] += (double)v[f + j] * v[f + j];
	for (; f < d; f++)
		s[0] += (double)v[f] * v[f];
	return sqrt((s[0] + s[1]) + (s[2] + s[3]));
}

double
kmbound_cmax(const KmBound *kb, const float *c, size_t d)
{
	double m = 0, t;
	size_t j;

	for (j = 0; j < kb->k; j++) {
		t = kmbound_norm(c + j * d, d);
		m = t > m || t != t ? t : m;
	}
	return m * (1 + kb->rel);
}

void
kmbound_drifts(const KmBound *kb, const float *cold, const float *cnew, size_t d,
    double *drift, double *gdrift)
{
	double s, t;
	size_t j, f, g;

	for (g = 0; g < kb->G; g++)
		gdrift[g] = 0;
	for (j = 0; j < kb->k; j++) {
		s = 0;
		for (f = 0; f < d; f++) {
			t = (double)cnew[j * d + f] - cold[j * d + f];
			s += t * t;
		}
		drift[j] = sqrt(s) * (1 + kb->rel);
		g = j / kb->gs;
		gdrift[g] = drift[j] > gdrift[g] || drift[j] != drift[j] ? drift[j] : gdrift[g];
	}
}

/* a float >= x (x >= 0 or NaN): the float rounding (2^-24 relative, 2^-150 below
 * FLT_MIN) more than covered.  No branches here and below: selects only, every
 * operation done on every lane (no sqrt of a negative), so the loops vectorise
 * (kmbound.o is built with -fno-trapping-math: no exception flags to keep). */
static inline float
up(double x)
{
	return (float)(x * (1 + 0x1p-22) + 0x1p-148);
}

/* a float in [0, x] (0 for NaN) */
static inline float
down(double x)
{
	double t = x * (1 - 0x1p-22) - 0x1p-148;

	t = t > 0 ? t : 0;
	return (float)(t < FLT_MAX ? t : FLT_MAX);
}

/* E of kmbound.h for a row of norm xn: INFINITY when a value might overflow */
static inline double
err(const KmBound *kb, double xn, double cmax)
{
	double m = (2 * xn * (1 + kb->rel) * cmax + cmax * cmax) * (1 + kb->rel);
	double e = (kb->g * m + kb->eta) * (1 + kb->rel);

	return m < kb->vmax ? e : INFINITY;
}

HOT void
kmbound_keep(const KmBound *kb, size_t m, const double *xn, const int *lab,
    const double *drift, const double *gdrift, double cmax, int *restrict keep,
    float *restrict u, float *restrict l, size_t ls)
{
	double uu, ll, E, gd, rel = kb->rel;
	size_t i0, i, c, g;
	float lm[256], *lg;

	for (i0 = 0; i0 < m; i0 += c) {
		c = m - i0 < 256 ? m - i0 : 256;
		for (i = 0; i < c; i++)
			lm[i] = INFINITY;
		for (g = 0; g < kb->G; g++) {
			lg = l + g * ls + i0;
			gd = gdrift[g];
			for (i = 0; i < c; i++) {
				lg[i] = down(((double)lg[i] - gd) * (1 - rel));
				lm[i] = lg[i] < lm[i] ? lg[i] : lm[i];
			}
		}
		for (i = 0; i < c; i++) {
			E = err(kb, xn[i0 + i], cmax);
			u[i0 + i] = up(((double)u[i0 + i] + drift[lab[i0 + i]]) * (1 + rel));
			uu = u[i0 + i];
			ll = lm[i];
			keep[i0 + i] &= (uu * uu + 2 * E) * (1 + rel) < ll * ll * (1 - rel);
		}
	}
}

/* l from the least value mn of a group (but the label's) for rows of x2 =
 * ||x||^2 (to within rel) and error E: FLT_MAX for none (INFINITY) */
static inline float
lower(double mn, double E, double x2, double rel)
{
	double t = mn - E + x2 * (1 - rel);

	t -= (fabs(mn) + E + x2) * rel;
	t = t > 0 ? t : 0;
	return mn < INFINITY ? down(sqrt(t) * (1 - rel)) : FLT_MAX;
}

HOT void
kmbound_fresh(const KmBound *kb, size_t m, const double *xn, double cmax, const int *lab,
    const float *v, size_t rs, size_t cs, float *restrict u, float *restrict l, size_t ls)
{
	double x2[KMBOUND_ROWS], E[KMBOUND_ROWS], t, rel = kb->rel;
	float mn[KMBOUND_ROWS], w;
	size_t i, j, g, hi;

	for (i = 0; i < m; i++) /* the gather apart: the loop below vectorises */
		mn[i] = v[i * rs + (size_t)lab[i] * cs];
	for (i = 0; i < m; i++) {
		E[i] = err(kb, xn[i], cmax);
		x2[i] = xn[i] * xn[i] * (1 + rel);
		t = (double)mn[i] + E[i] + x2[i];
		t += (fabs((double)mn[i]) + E[i] + x2[i]) * rel;
		t = t <= 0 ? 0 : t; /* NaN stays NaN: never a bound */
		u[i] = up(sqrt(t) * (1 + rel));
		x2[i] = xn[i] * xn[i] * (1 - rel);
	}
	for (g = 0; g < kb->G; g++) {
		for (i = 0; i < m; i++)
			mn[i] = INFINITY;
		hi = (g + 1) * kb->gs < kb->k ? (g + 1) * kb->gs : kb->k;
		for (j = g * kb->gs; j < hi; j++)
			for (i = 0; i < m; i++) {
				w = v[i * rs + j * cs];
				mn[i] = (int)j != lab[i] && w < mn[i] ? w : mn[i];
			}
		for (i = 0; i < m; i++)
			l[g * ls + i] = lower(mn[i], E[i], x2[i], rel);
	}
}
