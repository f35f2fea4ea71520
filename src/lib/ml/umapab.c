/* umapab.c — fitting UMAP's a, b (see umapab.h). */
#include "ml/umapab.h"

#include <math.h>
#include <stddef.h>

#define AB_POINTS 300
#define AB_MAXIT 1000

/* sum of squared residuals at (a, b); with jtj, jtr when not NULL */
static double
residuals(double spread, double md, double a, double b, double jtj[3], double jtr[2])
{
	double s = 0, x, y, p, f, r, da, db;
	int i;

	if (jtj)
		jtj[0] = jtj[1] = jtj[2] = jtr[0] = jtr[1] = 0;
	for (i = 0; i < AB_POINTS; i++) {
		x = 3 * spread * i / (AB_POINTS - 1);
		y = x < md ? 1 : exp(-(x - md) / spread);
		p = x > 0 ? pow(x, 2 * b) : 0;
		f = 1 / (1 + a * p);
		r = f - y;
		s += r * r;
		if (!jtj)
			continue;
		da = -p * f * f;
		db = x > 0 ? -a * p * 2 * log(x) * f * f : 0;
		jtj[0] += da * da;
		jtj[1] += da * db;
		jtj[2] += db * db;
		jtr[0] += da * r;
		jtr[1] += db * r;
	}
	return s;
}

int
umap_find_ab(double spread, double min_dist, double *pa, double *pb)
{
	double a = 1, b = 1, lam = 1e-3, s, sn, jtj[3], jtr[2], m00, m11, det, da, db;
	int it;

	s = residuals(spread, min_dist, a, b, jtj, jtr);
	for (it = 0; it < AB_MAXIT; it++) {
		m00 = jtj[0] * (1 + lam);
		m11 = jtj[2] * (1 + lam);
		det = m00 * m11 - jtj[1] * jtj[1];
		if (det == 0)
			break;
		da = -(m11 * jtr[0] - jtj[1] * jtr[1]) / det;
		db = -(m00 * jtr[1] - jtj[1] * jtr[0]) / det;
		sn = residuals(spread, min_dist, a + da, b + db, NULL, NULL);
		if (sn < s) {
			a += da;
			b += db;
			lam /= 10;
			if (fabs(da) <= 1e-14 * fabs(a) && fabs(db) <= 1e-14 * fabs(b))
				break;
			s = residuals(spread, min_dist, a, b, jtj, jtr);
		} else {
			lam *= 10;
			if (lam > 1e16)
				break;
		}
	}
	*pa = a;
	*pb = b;
	return it < AB_MAXIT && isfinite(a) && isfinite(b) ? 0 : -1;
}
