/* scaler.c — NaN fill, min-max scaling and group weights (see scaler.h). */
#include "ml/scaler.h"
#include "core/dtable.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const ROWS[] = { "min", "max", "fill", "lo", "hi", "weight" };

void
scaler_init(Scaler *s, size_t d, double lo, double hi, char *const *cols)
{
	size_t j;

	memset(s, 0, sizeof *s);
	s->d = d;
	s->min = ecalloc(d, sizeof(double));
	s->max = ecalloc(d, sizeof(double));
	s->fill = ecalloc(d, sizeof(double));
	s->lo = ecalloc(d, sizeof(double));
	s->hi = ecalloc(d, sizeof(double));
	s->weight = ecalloc(d, sizeof(double));
	s->scale = ecalloc(d, sizeof(double));
	s->off = ecalloc(d, sizeof(double));
	for (j = 0; j < d; j++) {
		s->lo[j] = lo;
		s->hi[j] = hi;
		s->weight[j] = 1;
	}
	if (cols) {
		s->cols = ecalloc(d, sizeof *s->cols);
		for (j = 0; j < d; j++)
			s->cols[j] = estrdup(cols[j]);
	}
}

void
scaler_fit(Scaler *s, const Matrix *m)
{
	size_t i, j, d = s->d;
	double *sum = ecalloc(d, sizeof(double));
	size_t *cnt = ecalloc(d, sizeof(size_t));
	const float *row;
	double v;

	for (j = 0; j < d; j++) {
		s->min[j] = INFINITY;
		s->max[j] = -INFINITY;
	}
	for (i = 0; i < m->n; i++) {
		row = m->x + i * d;
		for (j = 0; j < d; j++) {
			v = row[j];
			if (!isfinite(v))
				continue;
			sum[j] += v;
			cnt[j]++;
			if (v < s->min[j])
				s->min[j] = v;
			if (v > s->max[j])
				s->max[j] = v;
		}
	}
	for (j = 0; j < d; j++) {
		if (cnt[j]) {
			s->fill[j] = (float)(sum[j] / (double)cnt[j]);
		} else {
			s->fill[j] = 0;
			s->min[j] = s->max[j] = 0;
		}
	}
	free(sum);
	free(cnt);
	scaler_prepare(s);
}

void
scaler_prepare(Scaler *s)
{
	size_t j;
	double range;

	for (j = 0; j < s->d; j++) {
		range = s->max[j] - s->min[j];
		if (range < 10 * DBL_EPSILON) /* sklearn's _handle_zeros_in_scale */
			range = 1;
		s->scale[j] = (s->hi[j] - s->lo[j]) / range;
		s->off[j] = s->lo[j] - s->min[j] * s->scale[j];
	}
}

void
scaler_do(const Scaler *s, float *x, int clip, ScalerCount *c)
{
	size_t j;
	double v;

	for (j = 0; j < s->d; j++) {
		v = x[j];
		if (!isfinite(v)) {
			if (c) {
				if (isnan(v))
					c->nan++;
				else
					c->inf++;
				c->percol[j]++;
			}
			v = s->fill[j];
		}
		v = v * s->scale[j] + s->off[j];
		if (clip) {
			if (v < s->lo[j])
				v = s->lo[j];
			if (v > s->hi[j])
				v = s->hi[j];
		}
		x[j] = (float)(v * s->weight[j]);
	}
}

void
del_scaler(Scaler *s)
{
	size_t j;

	if (s->cols)
		for (j = 0; j < s->d; j++)
			free(s->cols[j]);
	free(s->cols);
	free(s->min);
	free(s->max);
	free(s->fill);
	free(s->lo);
	free(s->hi);
	free(s->weight);
	free(s->scale);
	free(s->off);
	memset(s, 0, sizeof *s);
}

void
scaler_count_init(ScalerCount *c, size_t d)
{
	c->nan = c->inf = 0;
	c->percol = ecalloc(d, sizeof(size_t));
}

void
scaler_count_report(ScalerCount *c, size_t d, const char *name)
{
	size_t j, ncol = 0;

	for (j = 0; j < d; j++)
		ncol += c->percol[j] > 0;
	if (c->nan + c->inf)
		weprintf("%s: replaced %zu non-finite value%s (%zu NaN, %zu infinite) in %zu column%s",
		    name, c->nan + c->inf, c->nan + c->inf == 1 ? "" : "s", c->nan, c->inf, ncol,
		    ncol == 1 ? "" : "s");
	free(c->percol);
	c->percol = NULL;
}

void
scaler_save(const Scaler *s, FILE *fp)
{
	const double *rows[6];
	size_t k;

	rows[0] = s->min;
	rows[1] = s->max;
	rows[2] = s->fill;
	rows[3] = s->lo;
	rows[4] = s->hi;
	rows[5] = s->weight;
	dtable_put_header(fp, s->d, "weight", s->cols, 6);
	for (k = 0; k < 6; k++)
		dtable_put_row(fp, ROWS[k], rows[k], s->d);
}

/* The six rows of a weight model, each once (dtable refuses repeats), nothing
 * else, every value finite, weights >= 0.  0, or -1 after a message. */
static int
scaler_rows(const DTable *t, const char *path, const double *r[6])
{
	size_t k, j, i;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < 6 && strcmp(t->keys[i], ROWS[k]); k++)
			;
		if (k == 6) {
			weprintf("%s: corrupt weight model: unknown row '%s'", path, t->keys[i]);
			return -1;
		}
	}
	for (k = 0; k < 6; k++) {
		if (!(r[k] = dtable_row(t, ROWS[k]))) {
			weprintf("%s: corrupt weight model: no '%s' row", path, ROWS[k]);
			return -1;
		}
		for (j = 0; j < t->d; j++)
			if (!isfinite(r[k][j])) {
				weprintf("%s: corrupt weight model: '%s' value %zu is not finite", path, ROWS[k], j + 1);
				return -1;
			}
	}
	for (j = 0; j < t->d; j++)
		if (r[5][j] < 0) {
			weprintf("%s: corrupt weight model: weight %zu is negative (%g)", path, j + 1,
			    r[5][j]);
			return -1;
		}
	return 0;
}

int
scaler_load(Scaler *s, const char *path)
{
	DTable t;
	const double *r[6];
	size_t j;

	if (dtable_load(path, &t))
		return -1;
	if (!t.model || strcmp(t.model, "weight")) {
		weprintf("%s: not a weight model (model=%s)", path, t.model ? t.model : "missing");
		goto bad;
	}
	if (scaler_rows(&t, path, r))
		goto bad;
	scaler_init(s, t.d, 0, 0, t.cols);
	for (j = 0; j < t.d; j++) {
		s->min[j] = r[0][j];
		s->max[j] = r[1][j];
		s->fill[j] = r[2][j];
		s->lo[j] = r[3][j];
		s->hi[j] = r[4][j];
		s->weight[j] = r[5][j];
		if (!(s->min[j] <= s->max[j]) || !(s->lo[j] < s->hi[j])) {
			weprintf("%s: corrupt weight model: column %zu has min > max or lo >= hi", path, j + 1);
			del_scaler(s);
			goto bad;
		}
	}
	del_dtable(&t);
	scaler_prepare(s);
	return 0;
bad:
	del_dtable(&t);
	return -1;
}
