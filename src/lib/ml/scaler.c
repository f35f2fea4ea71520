/* scaler.c — NaN fill, min-max scaling and group weights (see scaler.h). */
#include "ml/scaler.h"
#include "core/dtable.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const ROWS[] = { "min", "max", "fill", "lo", "hi", "weight" };
static const char *const SROWS[] = { "mean", "sd", "fill", "weight" }; /* standard */

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
	s->mean = ecalloc(d, sizeof(double));
	s->sd = ecalloc(d, sizeof(double));
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

/* column j's mean and population variance over its finite values: sklearn's two
 * passes, the second corrected by the rounding error of the first; 0 values when
 * none is finite */
static void
mean_var(const Matrix *m, size_t j, double *mean, double *var, size_t *cnt)
{
	size_t i, n = 0;
	double sum = 0, t, c = 0, sq = 0, v;

	for (i = 0; i < m->n; i++)
		if (isfinite(v = m->x[i * m->d + j]))
			sum += v, n++;
	*cnt = n;
	*mean = *var = 0;
	if (!n)
		return;
	t = sum / (double)n;
	for (i = 0; i < m->n; i++)
		if (isfinite(v = m->x[i * m->d + j])) {
			c += v - t;
			sq += (v - t) * (v - t);
		}
	*mean = t;
	*var = (sq - c * c / (double)n) / (double)n;
}

void
scaler_fit_standard(Scaler *s, const Matrix *m)
{
	size_t j, n;
	double var, bound;

	s->standard = 1;
	for (j = 0; j < s->d; j++) {
		mean_var(m, j, &s->mean[j], &var, &n);
		s->fill[j] = s->mean[j]; /* a NaN becomes exactly 0 */
		/* sklearn's _is_constant_feature, then _handle_zeros_in_scale */
		bound = (double)n * DBL_EPSILON * var + pow((double)n * s->mean[j] * DBL_EPSILON, 2);
		s->sd[j] = var <= bound ? 1 : sqrt(var);
	}
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
		if (s->standard) {
			x[j] = (float)((v - s->mean[j]) / s->sd[j] * s->weight[j]);
			continue;
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
	free(s->mean);
	free(s->sd);
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
	size_t k, n = s->standard ? 4 : 6;

	if (s->standard) {
		rows[0] = s->mean, rows[1] = s->sd, rows[2] = s->fill, rows[3] = s->weight;
	} else {
		rows[0] = s->min, rows[1] = s->max, rows[2] = s->fill;
		rows[3] = s->lo, rows[4] = s->hi, rows[5] = s->weight;
	}
	dtable_put_header(fp, s->d, s->standard ? "standard" : "weight", s->cols, n);
	for (k = 0; k < n; k++)
		dtable_put_row(fp, s->standard ? SROWS[k] : ROWS[k], rows[k], s->d);
}

/* The n named rows of a model table (weight: ROWS, standard: SROWS), each once
 * (dtable refuses repeats), nothing else, every value finite, weights (the last
 * row) >= 0.  0, or -1 after a message. */
static int
scaler_rows(const DTable *t, const char *path, const char *const *names, size_t n,
    const double **r)
{
	size_t k, j, i;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < n && strcmp(t->keys[i], names[k]); k++)
			;
		if (k == n) {
			weprintf("%s: corrupt %s model: unknown row '%s'", path, t->model, t->keys[i]);
			return -1;
		}
	}
	for (k = 0; k < n; k++) {
		if (!(r[k] = dtable_row(t, names[k]))) {
			weprintf("%s: corrupt %s model: no '%s' row", path, t->model, names[k]);
			return -1;
		}
		for (j = 0; j < t->d; j++)
			if (!isfinite(r[k][j])) {
				weprintf("%s: corrupt %s model: '%s' value %zu is not finite", path,
				    t->model, names[k], j + 1);
				return -1;
			}
	}
	for (j = 0; j < t->d; j++)
		if (r[n - 1][j] < 0) {
			weprintf("%s: corrupt %s model: weight %zu is negative (%g)", path, t->model,
			    j + 1, r[n - 1][j]);
			return -1;
		}
	return 0;
}

/* fill s from the rows of a model=weight (min-max) or model=standard table; -1
 * after a message */
static int
model_values(Scaler *s, const DTable *t, const char *path, int standard, const double **r)
{
	size_t j;

	scaler_init(s, t->d, 0, 0, t->cols);
	s->standard = standard;
	for (j = 0; j < t->d; j++) {
		if (standard) {
			s->mean[j] = r[0][j], s->sd[j] = r[1][j], s->fill[j] = r[2][j];
			s->weight[j] = r[3][j];
			s->lo[j] = 0, s->hi[j] = 1;
		} else {
			s->min[j] = r[0][j], s->max[j] = r[1][j], s->fill[j] = r[2][j];
			s->lo[j] = r[3][j], s->hi[j] = r[4][j], s->weight[j] = r[5][j];
		}
		if (standard ? !(s->sd[j] > 0) : !(s->min[j] <= s->max[j]) || !(s->lo[j] < s->hi[j])) {
			weprintf(standard ? "%s: corrupt standard model: column %zu has sd <= 0" :
			    "%s: corrupt weight model: column %zu has min > max or lo >= hi", path, j + 1);
			del_scaler(s);
			return -1;
		}
	}
	return 0;
}

int
scaler_load(Scaler *s, const char *path)
{
	DTable t;
	const double *r[6];
	int standard;

	if (dtable_load(path, &t))
		return -1;
	standard = t.model && !strcmp(t.model, "standard");
	if (!t.model || (strcmp(t.model, "weight") && !standard)) {
		weprintf("%s: not a weight model (model=%s)", path, t.model ? t.model : "missing");
		goto bad;
	}
	if (scaler_rows(&t, path, standard ? SROWS : ROWS, standard ? 4 : 6, r) ||
	    model_values(s, &t, path, standard, r))
		goto bad;
	del_dtable(&t);
	scaler_prepare(s);
	return 0;
bad:
	del_dtable(&t);
	return -1;
}
