/* classify — train, apply, evaluate and explain genre classifiers on vector
 * streams labelled by a labels table (dataset(1)). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/matrix.h"
#include "core/pool.h"
#include "core/stats.h"
#include "core/util.h"
#include "core/vwriter.h"
#include "data/labels.h"
#include "data/split.h"
#include "ml/blas.h"
#include "ml/classifier.h"
#include "ml/evaluate.h"

static const char SYNOPSIS[] =
    "[-bgPqtz] [-a logreg|xgboost] [-c MATRIX] [-C C] [-d DIGITS] [-e TOL] [-j THREADS] "
    "[-k FOLDS] [-l LABELS] [-m MODEL] [-n COUNT] [-p NAME=VALUE] [-r ROUNDS] [-s SEED] "
    "[-S SPLIT] [-x MAXITER] train|apply|eval|cv|explain|boundary [file]";

typedef struct Opt {
	ClfOpt clf;
	const char *labels, *model, *matrix, *split;
	int binary, global, probs, quiet, tsv, digits, folds, count, seedset;
	long seed;
} Opt;

/* the labelled records of a stream: rows of m, their class, their labels row */
typedef struct Set {
	Matrix m;
	Labels l;
	size_t n, k;          /* records used, classes */
	size_t *row;          /* their rows in m */
	int *y;               /* their classes */
	char **classes;       /* k names (owned when not a model's) */
	int own_classes;
} Set;

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when row i of the labels belongs to the split asked for */
static int
in_split(const Labels *l, size_t i, const char *split)
{
	if (!split || !strcmp(split, "all") || l->isplit < 0)
		return 1;
	return !strcmp(labels_field(l, i, l->isplit), split);
}

/* the default split for a verb: train for training, val for scoring, when the
 * table has a split column */
static const char *
default_split(const Opt *o, const Labels *l, const char *verb)
{
	if (o->split)
		return o->split;
	if (l->isplit < 0)
		return NULL;
	return strcmp(verb, "eval") ? "train" : "val";
}

/* "FILE: genre 'x' is not a class of the model (a, b, c)"; returns -1 */
static int
unknown_label(const Labels *l, const char *lab, const Classifier *c)
{
	size_t i, len = 16;
	char *list;

	for (i = 0; i < c->k && i < 10; i++)
		len += strlen(c->classes[i]) + 2;
	list = ecalloc(1, len);
	for (i = 0; i < c->k && i < 10; i++) {
		strcat(list, i ? ", " : "");
		strcat(list, c->classes[i]);
	}
	if (c->k > 10)
		strcat(list, ", ...");
	weprintf("%s: %s '%s' is not a class of the model (%s)", l->name, l->set, lab, list);
	free(list);
	return -1;
}

static void
del_set(Set *s)
{
	size_t i;

	del_matrix(&s->m);
	del_labels(&s->l);
	if (s->own_classes)
		for (i = 0; i < s->k; i++)
			free(s->classes[i]);
	if (s->own_classes)
		free(s->classes);
	free(s->row), free(s->y);
}

/* classes of the model, or the sorted distinct labels of the chosen rows */
static int
set_classes(Set *s, const Classifier *c, const char **lab)
{
	size_t i, j, k = 0;
	long ci;
	char **v;

	if (c) {
		s->classes = c->classes, s->k = c->k;
		for (i = 0; i < s->n; i++) {
			if ((ci = clf_class(c, lab[i])) < 0)
				return unknown_label(&s->l, lab[i], c);
			s->y[i] = (int)ci;
		}
		return 0;
	}
	v = ereallocarray(NULL, s->n, sizeof *v);
	memcpy(v, lab, s->n * sizeof *v);
	qsort(v, s->n, sizeof *v, by_str);
	for (i = 0; i < s->n; i++)
		if (k == 0 || strcmp(v[k - 1], v[i]))
			v[k++] = v[i];
	s->classes = ecalloc(k, sizeof *s->classes);
	for (j = 0; j < k; j++)
		s->classes[j] = estrdup(v[j]);
	s->k = k, s->own_classes = 1;
	for (i = 0; i < s->n; i++)
		s->y[i] = (int)(((char **)bsearch(&lab[i], v, k, sizeof *v, by_str)) - v);
	free(v);
	return 0;
}

/* the records of path with a label in the split; -1 after a message */
static int
load_set(const char *path, const Opt *o, const char *verb, const Classifier *c, Set *s)
{
	const char **lab, *split, *v;
	size_t i, nolabel = 0;
	long r;

	memset(s, 0, sizeof *s);
	if (!o->labels) {
		weprintf("%s needs a labels table (-l LABELS)", verb);
		exit(2);
	}
	if (labels_load(o->labels, &s->l) < 0)
		return -1;
	if (s->l.ilabel < 0) {
		weprintf("%s: no %s column", s->l.name, s->l.set);
		return -1;
	}
	if (matrix_load_nonempty(path, &s->m, "empty input: no records") < 0)
		return -1;
	split = default_split(o, &s->l, verb);
	s->row = ereallocarray(NULL, s->m.n, sizeof *s->row);
	s->y = ereallocarray(NULL, s->m.n, sizeof *s->y);
	lab = ereallocarray(NULL, s->m.n, sizeof *lab);
	for (i = 0; i < s->m.n; i++) {
		r = labels_find_record(&s->l, matrix_key(&s->m, i));
		v = r < 0 ? "" : labels_field(&s->l, (size_t)r, s->l.ilabel);
		if (!*v)
			nolabel++;
		else if (in_split(&s->l, (size_t)r, split))
			s->row[s->n] = i, lab[s->n++] = v;
	}
	if (nolabel && !o->quiet)
		weprintf("%s: %zu of %zu records have no %s in %s: not used", s->m.name, nolabel,
		    s->m.n, s->l.set, s->l.name);
	if (s->n == 0) {
		weprintf("%s: no record with a %s%s%s", s->m.name, s->l.set, split ? " in split " : "",
		    split ? split : "");
		free(lab);
		return -1;
	}
	r = set_classes(s, c, lab);
	free(lab);
	return (int)r;
}

/* the rows of s (or of the subset idx[0..n)) as one n x d block */
static float *
gather(const Set *s, const size_t *idx, size_t n)
{
	float *x = ereallocarray(NULL, n ? n : 1, s->m.d * sizeof *x);
	size_t i, r;

	for (i = 0; i < n; i++) {
		r = idx ? idx[i] : i;
		r = s->row ? s->row[r] : r;
		memcpy(x + i * s->m.d, s->m.x + r * s->m.d, s->m.d * sizeof *x);
	}
	return x;
}

static void
check_write(FILE *fp)
{
	if (fshut(fp, "<stdout>"))
		exit(1);
}

/* train: fit on the labelled records of the training split, save the model */
static int
do_train(const char *in, Opt *o)
{
	Classifier *c;
	Set s;
	float *x;
	size_t i;

	if (!o->model)
		util_usage(SYNOPSIS);
	if (load_set(in, o, "train", NULL, &s) < 0)
		exit(1);
	if (s.k < 2)
		eprintf("%s: only one %s ('%s') among the training records: nothing to tell apart",
		    s.l.name, s.l.set, s.classes[0]);
	for (i = 0; i < s.k; i++)
		if (s.classes[i][0] == '@' || s.classes[i][0] == '#')
			eprintf("%s: %s '%s': a class name cannot start with '@' or '#'", s.l.name,
			    s.l.set, s.classes[i]);
	if (o->clf.kind == CLF_LOGREG && matrix_check_finite(&s.m))
		exit(1);
	x = gather(&s, NULL, s.n);
	if (!(c = clf_train(x, s.n, s.m.d, s.y, s.k, s.classes, s.l.set, s.m.cols, &o->clf)))
		exit(1);
	free(x);
	if (c->kind == CLF_LOGREG && !c->lr->converged)
		weprintf("warning: lbfgs did not converge in %d iterations (raise -x, or "
		    "standardise with -z)", c->lr->n_iter);
	if (!o->quiet)
		fprintf(stderr, "%s: %s: %zu songs, %zu dimensions, %zu classes%s%d %s\n", argv0,
		    c->kind == CLF_LOGREG ? "logreg" : "xgboost", s.n, s.m.d, s.k, ": ",
		    c->kind == CLF_LOGREG ? c->lr->n_iter : xgb_rounds(c->xgb),
		    c->kind == CLF_LOGREG ? "iterations" : "rounds");
	if (clf_save(c, o->model) < 0)
		exit(1);
	del_clf(c);
	del_set(&s);
	return 0;
}

/* the model of -m; exits 1 when it cannot be loaded */
static Classifier *
model(const Opt *o)
{
	Classifier *c;

	if (!o->model)
		util_usage(SYNOPSIS);
	if (!(c = clf_load(o->model)))
		exit(1);
	return c;
}

/* up to cap records of r into chunk (dimension checked against c); the count,
 * 0 at the end, -1 after a message */
static long
read_chunk(VReader *r, Matrix *chunk, size_t cap, const Classifier *c, const Opt *o)
{
	int e = 1;

	matrix_clear(chunk);
	chunk->d = c->d;
	while (chunk->n < cap && (e = vreader_next(r)) > 0) {
		if (r->n != c->d)
			return vreader_error(r, "dimension %zu does not match the model's %zu (%s)",
			    r->n, c->d, o->model);
		matrix_push(chunk, r->key, r->val);
	}
	if (e < 0)
		return -1;
	if (!chunk->name)
		chunk->name = estrdup(r->name);
	if (chunk->n && c->kind == CLF_LOGREG && matrix_check_finite(chunk))
		return -1;
	return (long)chunk->n;
}

/* the true label of a record for apply's table ("" when unknown); exits 1 when
 * it is not a class of the model */
static const char *
truth(const Labels *l, const char *key, const Classifier *c)
{
	long r = l->n ? labels_find_record(l, key) : -1;
	const char *v = r < 0 ? "" : labels_field(l, (size_t)r, l->ilabel);

	if (*v && clf_class(c, v) < 0) {
		unknown_label(l, v, c);
		exit(1);
	}
	return v;
}

/* one line of the predictions table */
static void
put_prediction(const Classifier *c, const Labels *l, const char *key, const double *p)
{
	size_t best, sec;
	double margin;

	best = eval_top2(p, c->k, &sec, &margin);
	printf("%s\t", key);
	if (l->n)
		printf("%s\t", truth(l, key, c));
	printf("%s\t%.9g\t%s\t%.9g\n", c->classes[best], p[best], c->classes[sec], margin);
}

static void
prediction_header(const Classifier *c, const Labels *l)
{
	printf("#songvec labels set=%s\n#key\t", c->set);
	if (l->n)
		printf("%s\t", c->set);
	printf("predicted\tprobability\tsecond\tmargin\n");
}

/* apply: predictions for every record, streamed in chunks */
static int
do_apply(const char *in, const Opt *o)
{
	Classifier *c = model(o);
	Labels l = { 0 };
	Matrix chunk = { 0 };
	VReader *r;
	VWriter *w = NULL;
	double *p = ereallocarray(NULL, 4096, c->k * sizeof *p);
	float *pf = ereallocarray(NULL, c->k, sizeof *pf);
	long n, i, j;
	int started = 0;

	if (o->labels && labels_load(o->labels, &l) < 0)
		exit(1);
	if (!(r = new_vreader(in)))
		exit(1);
	if (o->probs) { /* the header goes out with the first record */
		w = new_vwriter(stdout, "<stdout>", o->binary);
		if (vwriter_header(w, (unsigned)c->k, 0, (unsigned)c->k, c->classes))
			exit(1);
	}
	while ((n = read_chunk(r, &chunk, 4096, c, o)) > 0) {
		if (!w && !started++)
			prediction_header(c, &l);
		if (clf_proba(c, chunk.x, chunk.n, p) < 0)
			exit(1);
		for (i = 0; i < n; i++) {
			if (!w) {
				put_prediction(c, &l, matrix_key(&chunk, i), p + i * c->k);
				continue;
			}
			for (j = 0; j < (long)c->k; j++)
				pf[j] = (float)p[i * c->k + j];
			if (vwriter_write(w, matrix_key(&chunk, i), pf, c->k))
				exit(1);
		}
	}
	if (n < 0)
		exit(1);
	if (!w && !started)
		prediction_header(c, &l);
	if (w && del_vwriter(w))
		exit(1);
	check_write(stdout);
	del_vreader(r), del_matrix(&chunk), del_labels(&l), del_clf(c);
	free(p), free(pf);
	return 0;
}

/* predictions for the rows idx[0..n) of s (all rows: idx NULL) */
static int *
predict(const Classifier *c, const Set *s, const size_t *idx, size_t n, double **probs)
{
	float *x = gather(s, idx, n);
	double *p = ereallocarray(NULL, n ? n : 1, c->k * sizeof *p), m;
	int *yp = ereallocarray(NULL, n ? n : 1, sizeof *yp);
	size_t i, sec;

	if (clf_proba(c, x, n, p) < 0)
		exit(1);
	for (i = 0; i < n; i++)
		yp[i] = (int)eval_top2(p + i * c->k, c->k, &sec, &m);
	free(x);
	if (probs)
		*probs = p;
	else
		free(p);
	return yp;
}

/* -c FILE: the confusion matrix as a stream, one record per true class */
static void
write_matrix(const char *path, const Set *s, const int *yp, const Opt *o)
{
	FILE *fp = efopen_out(path);
	double *cm = ecalloc(s->k * s->k, sizeof *cm);
	float *row = ecalloc(s->k, sizeof *row);
	VWriter *w = new_vwriter(fp, path, o->binary);
	size_t t, j;

	eval_confusion(s->y, yp, s->n, s->k, cm);
	if (vwriter_header(w, (unsigned)s->k, 0, (unsigned)s->k, s->classes))
		exit(1);
	for (t = 0; t < s->k; t++) {
		for (j = 0; j < s->k; j++)
			row[j] = (float)cm[t * s->k + j];
		if (vwriter_write(w, s->classes[t], row, s->k))
			exit(1);
	}
	if (del_vwriter(w) || fclose_out(fp, path, 0))
		exit(1);
	free(cm), free(row);
}

/* eval: the classification report of the labelled records of the split */
static int
do_eval(const char *in, const Opt *o)
{
	Classifier *c = model(o);
	Report r;
	Set s;
	int *yp;

	if (load_set(in, o, "eval", c, &s) < 0)
		exit(1);
	yp = predict(c, &s, NULL, s.n, NULL);
	eval_report(s.y, yp, s.n, s.k, &r);
	if (r.undefined && !o->quiet)
		weprintf("warning: precision or recall of a class is 0/0, reported as 0 "
		    "(sklearn's zero_division)");
	if (o->tsv)
		eval_print_tsv(stdout, &r, s.classes);
	else
		eval_print(stdout, &r, s.classes, o->digits);
	check_write(stdout);
	if (o->matrix)
		write_matrix(o->matrix, &s, yp, o);
	del_report(&r), free(yp), del_set(&s), del_clf(c);
	return 0;
}

/* one fold: train on the others, score this one; v[3]: accuracy, macro and
 * weighted F1 */
static void
cv_fold(const Set *s, const int *fold, int f, const Opt *o, double *v)
{
	size_t *tr = ecalloc(s->n, sizeof *tr), *te = ecalloc(s->n, sizeof *te), ntr = 0, nte = 0, i;
	int *ytr = ecalloc(s->n, sizeof *ytr), *yte = ecalloc(s->n, sizeof *yte), *yp;
	Classifier *c;
	float *x;
	Report r;

	for (i = 0; i < s->n; i++) {
		if (fold[i] == f)
			yte[nte] = s->y[i], te[nte++] = i;
		else
			ytr[ntr] = s->y[i], tr[ntr++] = i;
	}
	x = gather(s, tr, ntr);
	if (!(c = clf_train(x, ntr, s->m.d, ytr, s->k, s->classes, s->l.set, s->m.cols, &o->clf)))
		exit(1);
	free(x);
	yp = predict(c, s, te, nte, NULL);
	eval_report(yte, yp, nte, s->k, &r);
	v[0] = r.accuracy, v[1] = r.macro[2], v[2] = r.weighted[2];
	del_report(&r), del_clf(c);
	free(tr), free(te), free(ytr), free(yte), free(yp);
}

/* cv: stratified k-fold cross-validation; a record per fold, then mean and std */
static int
do_cv(const char *in, Opt *o)
{
	static char *cols[] = { "accuracy", "macro_f1", "weighted_f1" };
	double *v, mean[3], std[3], col[64], dev[64];
	size_t minclass, j;
	int *fold, f;
	float out[3];
	char key[32];
	Progress *pg;
	VWriter *w;
	Set s;

	if (load_set(in, o, "train", NULL, &s) < 0)
		exit(1);
	if (o->clf.kind == CLF_LOGREG && matrix_check_finite(&s.m))
		exit(1);
	fold = ecalloc(s.n, sizeof *fold);
	if (split_folds(s.y, s.n, s.k, o->folds, o->seedset, (uint64_t)o->seed, fold, &minclass))
		eprintf("%s: -k %d: more folds than records of every %s", s.m.name, o->folds, s.l.set);
	if (minclass < (size_t)o->folds && !o->quiet)
		weprintf("warning: the smallest %s has %zu records, fewer than -k %d", s.l.set, minclass,
		    o->folds);
	v = ecalloc((size_t)o->folds * 3, sizeof *v);
	w = new_vwriter(stdout, "<stdout>", o->binary);
	if (vwriter_header(w, 3, 0, 3, cols))
		exit(1);
	o->clf.progress = pg = new_progress("folds", (unsigned long)o->folds);
	for (f = 0; f < o->folds; f++) {
		cv_fold(&s, fold, f, o, v + 3 * f);
		progress_do(pg, (unsigned long)f + 1);
		for (j = 0; j < 3; j++)
			out[j] = (float)v[3 * f + j];
		snprintf(key, sizeof key, "fold%d", f + 1);
		if (vwriter_write(w, key, out, 3))
			exit(1);
	}
	del_progress(pg);
	o->clf.progress = NULL;
	for (j = 0; j < 3; j++) {
		for (f = 0; f < o->folds; f++)
			col[f] = v[3 * f + j];
		stats_np_meanstd64(col, (size_t)o->folds, dev, &mean[j], &std[j]);
		out[j] = (float)mean[j];
	}
	if (vwriter_write(w, "mean", out, 3))
		exit(1);
	for (j = 0; j < 3; j++)
		out[j] = (float)std[j];
	if (vwriter_write(w, "std", out, 3) || del_vwriter(w))
		exit(1);
	if (!o->quiet)
		fprintf(stderr, "%s: %d-fold accuracy %.4f ± %.4f, macro F1 %.4f ± %.4f\n", argv0,
		    o->folds, mean[0], std[0], mean[1], std[1]);
	free(v), free(fold), del_set(&s);
	return 0;
}

static const double *sort_margin;

static int
by_margin(const void *a, const void *b)
{
	double x = sort_margin[*(const size_t *)a], y = sort_margin[*(const size_t *)b];

	if (x != y)
		return x < y ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* boundary: the COUNT records with the smallest margin between their two most
 * likely classes */
static int
do_boundary(const char *in, const Opt *o)
{
	Classifier *c = model(o);
	Labels l = { 0 };
	Set s = { 0 };
	double *p, *margin;
	size_t i, *ord, sec;

	if (o->labels && labels_load(o->labels, &l) < 0)
		exit(1);
	if (matrix_load_nonempty(in, &s.m, "empty input: no records") < 0)
		exit(1);
	if (s.m.d != c->d)
		eprintf("%s: dimension %zu does not match the model's %zu (%s)", s.m.name, s.m.d,
		    c->d, o->model);
	if (c->kind == CLF_LOGREG && matrix_check_finite(&s.m))
		exit(1);
	s.n = s.m.n;
	free(predict(c, &s, NULL, s.n, &p));
	margin = ecalloc(s.n, sizeof *margin);
	ord = ecalloc(s.n, sizeof *ord);
	for (i = 0; i < s.n; i++) {
		eval_top2(p + i * c->k, c->k, &sec, &margin[i]);
		ord[i] = i;
	}
	sort_margin = margin;
	qsort(ord, s.n, sizeof *ord, by_margin);
	prediction_header(c, &l);
	for (i = 0; i < s.n && i < (size_t)o->count; i++)
		put_prediction(c, &l, matrix_key(&s.m, ord[i]), p + ord[i] * c->k);
	check_write(stdout);
	free(p), free(margin), free(ord);
	del_matrix(&s.m), del_labels(&l), del_clf(c);
	return 0;
}

/* explain's column names: the features then "bias" */
static char **
feature_names(const Classifier *c)
{
	char **v = ecalloc(c->d + 1, sizeof *v), buf[32];
	size_t j;

	for (j = 0; j < c->d; j++) {
		snprintf(buf, sizeof buf, "f%zu", j);
		v[j] = estrdup(c->cols ? c->cols[j] : buf);
	}
	v[c->d] = estrdup("bias");
	return v;
}

/* contribution of feature j (j == d: the bias) to class cl's margin for song i of
 * a chunk of contributions (kk classes each) */
static float
contrib(const Classifier *c, const float *ct, size_t i, size_t cl, size_t j)
{
	size_t dd = c->d + 1;

	if (c->k == 2) /* one margin, class 1's: class 0's is its negative */
		return cl == 1 ? ct[i * dd + j] : -ct[i * dd + j];
	return ct[(i * c->k + cl) * dd + j];
}

/* -g: mean |contribution| per feature and class, then over the classes */
static void
write_global(const Classifier *c, const double *sum, unsigned long n, const Opt *o)
{
	char **fn = feature_names(c), **cols = ecalloc(c->k + 1, sizeof *cols);
	float *v = ecalloc(c->k + 1, sizeof *v);
	VWriter *w = new_vwriter(stdout, "<stdout>", o->binary);
	size_t j, cl;
	double all;

	for (cl = 0; cl < c->k; cl++)
		cols[cl] = c->classes[cl];
	cols[c->k] = "all";
	if (vwriter_header(w, (unsigned)c->k + 1, 0, (unsigned)c->k + 1, cols))
		exit(1);
	for (j = 0; j < c->d; j++) {
		for (all = 0, cl = 0; cl < c->k; cl++) {
			v[cl] = (float)(sum[cl * c->d + j] / (double)n);
			all += sum[cl * c->d + j] / (double)n;
		}
		v[c->k] = (float)(all / (double)c->k);
		if (vwriter_write(w, fn[j], v, c->k + 1))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
	for (j = 0; j <= c->d; j++)
		free(fn[j]);
	free(fn), free(cols), free(v);
}

/* explain: per song, each feature's TreeSHAP contribution to the margin of the
 * predicted class; with -g, the mean |contribution| over all songs */
static int
do_explain(const char *in, const Opt *o)
{
	Classifier *c = model(o);
	size_t kk = c->k == 2 ? 1 : c->k, dd = c->d + 1, j, cl, sec;
	float *ct = ereallocarray(NULL, 1024, kk * dd * sizeof *ct), *v = ecalloc(dd, sizeof *v);
	double *p = ereallocarray(NULL, 1024, c->k * sizeof *p), m;
	double *sum = ecalloc(c->k * c->d, sizeof *sum);
	char **fn = feature_names(c);
	unsigned long total = 0;
	Matrix chunk = { 0 };
	VWriter *w = NULL;
	VReader *r;
	long n, i;

	if (c->kind != CLF_XGB)
		eprintf("%s: explain needs an xgboost model (train with -a xgboost)", o->model);
	if (!(r = new_vreader(in)))
		exit(1);
	if (!o->global) {
		w = new_vwriter(stdout, "<stdout>", o->binary);
		if (vwriter_header(w, (unsigned)dd, 0, (unsigned)dd, fn))
			exit(1);
	}
	while ((n = read_chunk(r, &chunk, 1024, c, o)) > 0) {
		if (clf_contribs(c, chunk.x, chunk.n, ct) < 0 || clf_proba(c, chunk.x, chunk.n, p) < 0)
			exit(1);
		for (i = 0; i < n; i++, total++) {
			for (cl = 0; o->global && cl < c->k; cl++)
				for (j = 0; j < c->d; j++)
					sum[cl * c->d + j] += fabs(contrib(c, ct, (size_t)i, cl, j));
			if (o->global)
				continue;
			cl = eval_top2(p + i * c->k, c->k, &sec, &m);
			for (j = 0; j < dd; j++)
				v[j] = contrib(c, ct, (size_t)i, cl, j);
			if (vwriter_write(w, matrix_key(&chunk, i), v, dd))
				exit(1);
		}
	}
	if (n < 0)
		exit(1);
	if (o->global)
		write_global(c, sum, total ? total : 1, o);
	else if (del_vwriter(w))
		exit(1);
	for (j = 0; j < dd; j++)
		free(fn[j]);
	free(fn), free(ct), free(v), free(p), free(sum);
	del_vreader(r), del_matrix(&chunk), del_clf(c);
	return 0;
}

/* -j: the thread count (0: one per core, or 1 under GNU parallel) */
static int
threads(int j)
{
	long n;

	if (j > 0)
		return j;
	if (getenv("PARALLEL_SEQ") || getenv("PARALLEL_PID"))
		return 1;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n <= POOL_MAX ? (int)n : 1;
}

/* xgboost's parameters: seed and nthread from -s and -j, then the -p ones */
static void
xgb_params(Opt *o, char **user, int nuser, int nt)
{
	char buf[64];
	int i;

	o->clf.params = ecalloc((size_t)nuser + 2, sizeof *o->clf.params);
	o->clf.npar = 0;
	if (o->seedset) {
		snprintf(buf, sizeof buf, "seed=%ld", o->seed);
		o->clf.params[o->clf.npar++] = estrdup(buf);
	}
	snprintf(buf, sizeof buf, "nthread=%d", nt);
	o->clf.params[o->clf.npar++] = estrdup(buf);
	for (i = 0; i < nuser; i++)
		o->clf.params[o->clf.npar++] = estrdup(user[i]);
}

static void
parse_algorithm(Opt *o, const char *a)
{
	if (!strcmp(a, "logreg"))
		o->clf.kind = CLF_LOGREG;
	else if (!strcmp(a, "xgboost"))
		o->clf.kind = CLF_XGB;
	else {
		weprintf("-a: unknown classifier '%s' (logreg, xgboost)", a);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	Opt o = { .digits = 2, .folds = 5, .count = 10 };
	char **user = ecalloc((size_t)argc, sizeof *user);
	int c, nuser = 0, j = 0, i, rc;
	const char *verb, *in;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	clf_defaults(&o.clf);
	while ((c = getopt(argc, argv, "a:bc:C:d:e:gj:k:l:m:n:p:Pqr:s:S:tx:z")) != -1) {
		switch (c) {
		case 'a': parse_algorithm(&o, optarg); break;
		case 'b': o.binary = 1; break;
		case 'c': o.matrix = optarg; break;
		case 'C': o.clf.lr.C = estrtod(optarg, 1e-300, 1e300, 'C'); break;
		case 'd': o.digits = (int)estrtol(optarg, 0, 17, 'd'); break;
		case 'e': o.clf.lr.tol = estrtod(optarg, 0, 1e300, 'e'); break;
		case 'g': o.global = 1; break;
		case 'j': j = (int)estrtol(optarg, 0, POOL_MAX, 'j'); break;
		case 'k': o.folds = (int)estrtol(optarg, 2, 64, 'k'); break;
		case 'l': o.labels = optarg; break;
		case 'm': o.model = optarg; break;
		case 'n': o.count = (int)estrtol(optarg, 1, INT_MAX, 'n'); break;
		case 'p': user[nuser++] = optarg; break;
		case 'P': o.probs = 1; break;
		case 'q': o.quiet = 1; break;
		case 'r': o.clf.rounds = (int)estrtol(optarg, 1, 1000000, 'r'); break;
		case 's': o.seed = estrtol(optarg, 0, LONG_MAX, 's'); o.seedset = 1; break;
		case 'S': o.split = optarg; break;
		case 't': o.tsv = 1; break;
		case 'x': o.clf.lr.max_iter = (int)estrtol(optarg, 1, 100000000, 'x'); break;
		case 'z': o.clf.standardize = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (optind >= argc || argc - optind > 2)
		util_usage(SYNOPSIS);
	verb = argv[optind];
	in = optind + 1 < argc ? argv[optind + 1] : "-";
	progress_quiet(o.quiet);
	blas_single(); /* logreg parallelises over blocks of rows itself */
	o.clf.lr.nthreads = threads(j);
	xgb_params(&o, user, nuser, o.clf.lr.nthreads);
	free(user);
	if (!strcmp(verb, "train"))
		rc = do_train(in, &o);
	else if (!strcmp(verb, "apply"))
		rc = do_apply(in, &o);
	else if (!strcmp(verb, "eval"))
		rc = do_eval(in, &o);
	else if (!strcmp(verb, "cv"))
		rc = do_cv(in, &o);
	else if (!strcmp(verb, "explain"))
		rc = do_explain(in, &o);
	else if (!strcmp(verb, "boundary"))
		rc = do_boundary(in, &o);
	else {
		weprintf("unknown command '%s' (train, apply, eval, cv, explain, boundary)", verb);
		util_usage(SYNOPSIS);
	}
	for (i = 0; i < o.clf.npar; i++)
		free(o.clf.params[i]);
	free(o.clf.params);
	return rc;
}
