/* classifier.c — logreg or xgboost behind one model file (see classifier.h). */
#include "ml/classifier.h"
#include "ml/zscore.h"
#include "core/dtable.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
clf_defaults(ClfOpt *o)
{
	memset(o, 0, sizeof *o);
	o->kind = CLF_LOGREG;
	logreg_defaults(&o->lr);
	o->rounds = 100;
}

static char **
copy_names(char *const *v, size_t n)
{
	char **c;
	size_t i;

	if (!v)
		return NULL;
	c = ecalloc(n ? n : 1, sizeof *c);
	for (i = 0; i < n; i++)
		c[i] = estrdup(v[i]);
	return c;
}

static void
free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* the rows as doubles, standardised when the model says so */
static double *
rows_double(const Classifier *c, const float *x, size_t n)
{
	double *v = ereallocarray(NULL, n ? n : 1, (c->d ? c->d : 1) * sizeof *v);
	size_t i;

	for (i = 0; i < n * c->d; i++)
		v[i] = x[i];
	if (c->mean)
		for (i = 0; i < n; i++)
			zscore_do(c->mean, c->scale, v + i * c->d, c->d);
	return v;
}

/* the rows as xgboost sees them: float32, standardised when the model says so */
static float *
rows_float(const Classifier *c, const float *x, size_t n)
{
	double *v = rows_double(c, x, n);
	float *f = ereallocarray(NULL, n ? n : 1, (c->d ? c->d : 1) * sizeof *f);
	size_t i;

	for (i = 0; i < n * c->d; i++)
		f[i] = (float)v[i];
	free(v);
	return f;
}

static Classifier *
new_clf(int kind, size_t d, size_t k, const char *set, char *const *classes, char *const *cols)
{
	Classifier *c = ecalloc(1, sizeof *c);

	c->kind = kind;
	c->d = d;
	c->k = k;
	c->set = estrdup(set);
	c->classes = copy_names(classes, k);
	c->cols = copy_names(cols, d);
	return c;
}

Classifier *
clf_train(const float *x, size_t n, size_t d, const int *y, size_t k, char *const *classes,
    const char *set, char *const *cols, const ClfOpt *o)
{
	Classifier *c = new_clf(o->kind, d, k, set, classes, cols);
	double *v;
	float *f, *fy;
	size_t i;

	if (o->standardize) { /* fitted on these (the training) rows only */
		v = rows_double(c, x, n);
		c->mean = ecalloc(d ? d : 1, sizeof *c->mean);
		c->scale = ecalloc(d ? d : 1, sizeof *c->scale);
		zscore_fit(v, n, d, c->mean, c->scale);
		free(v);
	}
	if (c->kind == CLF_LOGREG) {
		v = rows_double(c, x, n);
		c->lr = logreg_fit(v, n, d, y, k, &o->lr);
		free(v);
		return c;
	}
	f = rows_float(c, x, n);
	fy = ereallocarray(NULL, n ? n : 1, sizeof *fy);
	for (i = 0; i < n; i++)
		fy[i] = (float)y[i];
	c->xgb = xgb_train(f, n, d, fy, k, o->rounds, o->params, o->npar, o->progress);
	free(f), free(fy);
	if (!c->xgb) {
		del_clf(c);
		return NULL;
	}
	return c;
}

int
clf_proba(const Classifier *c, const float *x, size_t n, double *out)
{
	double *v;
	float *f;
	size_t i;
	int rc;

	if (c->kind == CLF_LOGREG) {
		v = rows_double(c, x, n);
		for (i = 0; i < n; i++)
			logreg_proba(c->lr, v + i * c->d, out + i * c->k);
		free(v);
		return 0;
	}
	f = rows_float(c, x, n);
	rc = xgb_proba(c->xgb, f, n, c->d, out);
	free(f);
	return rc;
}

int
clf_contribs(const Classifier *c, const float *x, size_t n, float *out)
{
	float *f;
	int rc;

	if (c->kind != CLF_XGB) {
		weprintf("contributions need an xgboost model (-a xgboost)");
		return -1;
	}
	f = rows_float(c, x, n);
	rc = xgb_contribs(c->xgb, f, n, c->d, out);
	free(f);
	return rc;
}

long
clf_class(const Classifier *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->k; i++)
		if (!strcmp(c->classes[i], name))
			return (long)i;
	return -1;
}

void
del_clf(Classifier *c)
{
	if (!c)
		return;
	free(c->set);
	free_names(c->classes, c->k);
	free_names(c->cols, c->d);
	free(c->mean), free(c->scale);
	del_logreg(c->lr);
	del_xgb(c->xgb);
	free(c);
}

static void
put_row(FILE *fp, const char *key, const double *v, size_t n, double last)
{
	size_t j;

	fputs(key, fp);
	for (j = 0; j < n; j++)
		fprintf(fp, "\t%.17g", v[j]);
	fprintf(fp, "\t%.17g\n", last);
}

static int
save_logreg(const Classifier *c, const char *path)
{
	FILE *fp = efopen_out(path);
	size_t i, dd = c->d + 1;

	fprintf(fp, "#songvec dim=%zu model=logreg set=%s classes=%zu standardize=%d\n", dd,
	    c->set, c->k, c->mean != NULL);
	if (c->cols) {
		fputs("#key", fp);
		for (i = 0; i < c->d; i++)
			fprintf(fp, "\t%s", c->cols[i]);
		fputs("\tintercept\n", fp);
	}
	if (c->mean) {
		put_row(fp, "@mean", c->mean, c->d, 0);
		put_row(fp, "@scale", c->scale, c->d, 1);
	}
	for (i = 0; i < c->k; i++)
		put_row(fp, c->classes[i], c->lr->w + i * dd, c->d, c->lr->w[i * dd + c->d]);
	return fclose_out(fp, path, ferror(fp));
}

/* "a b c" of n doubles */
static char *
join_doubles(const double *v, size_t n)
{
	char *s = ecalloc(n ? n : 1, 26), *p = s;
	size_t i;

	for (i = 0; i < n; i++)
		p += sprintf(p, i ? " %.17g" : "%.17g", v[i]);
	return s;
}

static char *
join_names(char *const *v, size_t n)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	s = emalloc(len);
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(s, "\t");
		strcat(s, v[i]);
	}
	return s;
}

static int
save_xgb(const Classifier *c, const char *path)
{
	char *cl = join_names(c->classes, c->k), *co = c->cols ? join_names(c->cols, c->d) : NULL;
	char dim[32], *mean = NULL, *scale = NULL;
	int rc;

	snprintf(dim, sizeof dim, "%zu", c->d);
	rc = xgb_set_attr(c->xgb, "songvec_set", c->set) | xgb_set_attr(c->xgb, "songvec_classes", cl) |
	    xgb_set_attr(c->xgb, "songvec_dim", dim);
	if (co)
		rc |= xgb_set_attr(c->xgb, "songvec_columns", co);
	if (c->mean) {
		mean = join_doubles(c->mean, c->d);
		scale = join_doubles(c->scale, c->d);
		rc |= xgb_set_attr(c->xgb, "songvec_mean", mean) |
		    xgb_set_attr(c->xgb, "songvec_scale", scale);
	}
	free(cl), free(co), free(mean), free(scale);
	return rc ? -1 : xgb_save(c->xgb, path);
}

int
clf_save(const Classifier *c, const char *path)
{
	return c->kind == CLF_LOGREG ? save_logreg(c, path) : save_xgb(c, path);
}

/* the value of "name=" on a "#songvec ..." line, or NULL */
static char *
meta_value(const char *line, const char *name)
{
	size_t n = strlen(name), len;
	const char *p;
	char *v;

	for (p = line; (p = strstr(p, name)); p++)
		if ((p == line || p[-1] == ' ') && p[n] == '=') {
			len = strcspn(p + n + 1, " \t\n");
			v = emalloc(len + 1);
			memcpy(v, p + n + 1, len);
			v[len] = '\0';
			return v;
		}
	return NULL;
}

static Classifier *
load_logreg(const char *path, const char *first)
{
	char *set = meta_value(first, "set");
	Classifier *c = NULL;
	DTable t;
	long im, is;
	size_t i, k = 0, dd;

	if (dtable_load(path, &t) < 0) {
		free(set);
		return NULL;
	}
	im = dtable_find(&t, "@mean"), is = dtable_find(&t, "@scale");
	dd = t.d;
	if (!set || !t.model || strcmp(t.model, "logreg") || dd < 2 || (im < 0) != (is < 0) ||
	    t.n - (im >= 0) - (is >= 0) < 2) {
		weprintf("%s: not a classify model (logreg table with @mean/@scale and 2+ classes)",
		    path);
		goto out;
	}
	c = new_clf(CLF_LOGREG, dd - 1, t.n - (im >= 0) - (is >= 0), set, NULL, NULL);
	c->classes = ecalloc(c->k, sizeof *c->classes);
	c->lr = new_logreg(c->d, c->k);
	for (i = 0; i < t.n; i++) {
		if ((long)i == im || (long)i == is)
			continue;
		c->classes[k] = estrdup(t.keys[i]);
		memcpy(c->lr->w + k++ * dd, t.v + i * dd, dd * sizeof *t.v);
	}
	if (im >= 0) {
		c->mean = ecalloc(c->d, sizeof *c->mean);
		c->scale = ecalloc(c->d, sizeof *c->scale);
		memcpy(c->mean, t.v + im * dd, c->d * sizeof *c->mean);
		memcpy(c->scale, t.v + is * dd, c->d * sizeof *c->scale);
	}
	if (t.cols)
		c->cols = copy_names(t.cols, c->d);
out:
	free(set);
	del_dtable(&t);
	return c;
}

/* split s at tabs into n names; NULL unless there are exactly n */
static char **
split_names(const char *s, size_t n)
{
	size_t i, m = 1, len;
	const char *p;
	char **v;

	for (p = s; *p; p++)
		m += *p == '\t';
	if (m != n)
		return NULL;
	v = ecalloc(n, sizeof *v);
	for (i = 0, p = s; i < n; i++, p += len + 1) {
		len = strcspn(p, "\t");
		v[i] = emalloc(len + 1);
		memcpy(v[i], p, len);
		v[i][len] = '\0';
	}
	return v;
}

static double *
split_doubles(const char *s, size_t n)
{
	double *v = ecalloc(n ? n : 1, sizeof *v);
	char *end;
	size_t i;

	for (i = 0; i < n; i++, s = end) {
		errno = 0;
		v[i] = strtod(s, &end);
		if (end == s || errno) {
			free(v);
			return NULL;
		}
	}
	return v;
}

static Classifier *
load_xgb(const char *path, const char *buf, size_t len)
{
	Xgb *x = xgb_load_buffer(buf, len, path);
	char *set, *cl, *dim, *co, *mean, *scale;
	Classifier *c = NULL;
	unsigned long d = 0;
	size_t k = 1;

	if (!x)
		return NULL;
	set = xgb_get_attr(x, "songvec_set"), cl = xgb_get_attr(x, "songvec_classes");
	dim = xgb_get_attr(x, "songvec_dim"), co = xgb_get_attr(x, "songvec_columns");
	mean = xgb_get_attr(x, "songvec_mean"), scale = xgb_get_attr(x, "songvec_scale");
	if (cl)
		for (const char *p = cl; *p; p++)
			k += *p == '\t';
	if (!set || !cl || !dim || sscanf(dim, "%lu", &d) != 1 || d == 0 || k < 2 ||
	    !mean != !scale) {
		weprintf("%s: an xgboost model without songvec's attributes (train it with classify)",
		    path);
		del_xgb(x);
		goto out;
	}
	c = new_clf(CLF_XGB, d, k, set, NULL, NULL);
	c->xgb = x;
	xgb_set_classes(x, k);
	c->classes = split_names(cl, k);
	c->cols = co ? split_names(co, d) : NULL;
	if (mean && (!(c->mean = split_doubles(mean, d)) || !(c->scale = split_doubles(scale, d)))) {
		weprintf("%s: bad songvec_mean / songvec_scale attributes", path);
		del_clf(c);
		c = NULL;
	}
out:
	free(set), free(cl), free(dim), free(co), free(mean), free(scale);
	return c;
}

/* the whole file; NULL after a message */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 65536, n = 0, r;
	char *buf;

	if (!fp) {
		weprintf("%s:", path);
		return NULL;
	}
	buf = emalloc(cap + 1);
	while ((r = fread(buf + n, 1, cap - n, fp)) > 0)
		if ((n += r) == cap)
			buf = erealloc(buf, (cap *= 2) + 1);
	if (ferror(fp)) {
		weprintf("%s: read error", path);
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

Classifier *
clf_load(const char *path)
{
	size_t len;
	char *buf = slurp(path, &len), *nl;
	Classifier *c = NULL;

	if (!buf)
		return NULL;
	if (len && buf[0] == '{') {
		c = load_xgb(path, buf, len);
	} else if (!strncmp(buf, "#songvec ", 9)) {
		if ((nl = strchr(buf, '\n')))
			*nl = '\0';
		c = load_logreg(path, buf);
	} else {
		weprintf("%s: not a classify model", path);
	}
	free(buf);
	return c;
}
