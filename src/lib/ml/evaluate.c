/* evaluate.c — classification_report, confusion matrix, margins (see evaluate.h). */
#include "ml/evaluate.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static double
ratio(double a, double b, int *undefined)
{
	if (b == 0) {
		*undefined = 1;
		return 0;
	}
	return a / b;
}

void
eval_report(const int *yt, const int *yp, size_t n, size_t k, Report *r)
{
	unsigned long *tp = ecalloc(k, sizeof *tp), *ps = ecalloc(k, sizeof *ps);
	unsigned long *ts = ecalloc(k, sizeof *ts), ok = 0, w = 0;
	size_t i, c, j;
	double p, q, den;

	memset(r, 0, sizeof *r);
	for (i = 0; i < n; i++) {
		ts[yt[i]]++, ps[yp[i]]++;
		if (yt[i] == yp[i])
			tp[yt[i]]++, ok++;
	}
	r->cls = ecalloc(k, sizeof *r->cls);
	for (c = 0; c < k; c++)
		if (ts[c] || ps[c])
			r->cls[r->n++] = c;
	r->prec = ecalloc(r->n, sizeof *r->prec);
	r->rec = ecalloc(r->n, sizeof *r->rec);
	r->f1 = ecalloc(r->n, sizeof *r->f1);
	r->support = ecalloc(r->n, sizeof *r->support);
	for (j = 0; j < r->n; j++) {
		c = r->cls[j];
		p = r->prec[j] = ratio((double)tp[c], (double)ps[c], &r->undefined);
		q = r->rec[j] = ratio((double)tp[c], (double)ts[c], &r->undefined);
		den = p + q;
		r->f1[j] = den == 0 ? 0 : (2 * p) * q / den;
		r->support[j] = ts[c];
		r->macro[0] += p, r->macro[1] += q, r->macro[2] += r->f1[j];
		r->weighted[0] += p * ts[c], r->weighted[1] += q * ts[c];
		r->weighted[2] += r->f1[j] * ts[c];
		w += ts[c];
	}
	for (j = 0; j < 3; j++) {
		r->macro[j] /= (double)(r->n ? r->n : 1);
		r->weighted[j] = w ? r->weighted[j] / (double)w : 0;
	}
	r->total = n;
	r->accuracy = n ? (double)ok / (double)n : 0;
	free(tp), free(ps), free(ts);
}

void
del_report(Report *r)
{
	free(r->cls), free(r->prec), free(r->rec), free(r->f1), free(r->support);
	memset(r, 0, sizeof *r);
}

/* characters of a UTF-8 string (Python's len) */
static size_t
ulen(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
rjust(FILE *fp, const char *s, size_t width)
{
	size_t n = ulen(s);

	while (n++ < width)
		fputc(' ', fp);
	fputs(s, fp);
}

static void
row(FILE *fp, const char *name, size_t width, const double *v, int digits, unsigned long sup)
{
	rjust(fp, name, width);
	fprintf(fp, "  %9.*f %9.*f %9.*f %9lu\n", digits, v[0], digits, v[1], digits, v[2], sup);
}

void
eval_print(FILE *fp, const Report *r, char *const *names, int digits)
{
	size_t width = strlen("weighted avg"), j;
	double v[3];

	for (j = 0; j < r->n; j++)
		if (ulen(names[r->cls[j]]) > width)
			width = ulen(names[r->cls[j]]);
	if ((size_t)digits > width)
		width = (size_t)digits;
	rjust(fp, "", width);
	fprintf(fp, "  %9s %9s %9s %9s\n\n", "precision", "recall", "f1-score", "support");
	for (j = 0; j < r->n; j++) {
		v[0] = r->prec[j], v[1] = r->rec[j], v[2] = r->f1[j];
		row(fp, names[r->cls[j]], width, v, digits, r->support[j]);
	}
	fputc('\n', fp);
	rjust(fp, "accuracy", width);
	fprintf(fp, "  %9s %9s %9.*f %9lu\n", "", "", digits, r->accuracy, r->total);
	row(fp, "macro avg", width, r->macro, digits, r->total);
	row(fp, "weighted avg", width, r->weighted, digits, r->total);
}

void
eval_print_tsv(FILE *fp, const Report *r, char *const *names)
{
	size_t j;

	fputs("#class\tprecision\trecall\tf1-score\tsupport\n", fp);
	for (j = 0; j < r->n; j++)
		fprintf(fp, "%s\t%.17g\t%.17g\t%.17g\t%lu\n", names[r->cls[j]], r->prec[j], r->rec[j],
		    r->f1[j], r->support[j]);
	fprintf(fp, "accuracy\t\t\t%.17g\t%lu\n", r->accuracy, r->total);
	fprintf(fp, "macro avg\t%.17g\t%.17g\t%.17g\t%lu\n", r->macro[0], r->macro[1], r->macro[2],
	    r->total);
	fprintf(fp, "weighted avg\t%.17g\t%.17g\t%.17g\t%lu\n", r->weighted[0], r->weighted[1],
	    r->weighted[2], r->total);
}

void
eval_confusion(const int *yt, const int *yp, size_t n, size_t k, double *cm)
{
	size_t i;

	memset(cm, 0, k * k * sizeof *cm);
	for (i = 0; i < n; i++)
		cm[(size_t)yt[i] * k + (size_t)yp[i]]++;
}

size_t
eval_top2(const double *p, size_t k, size_t *second, double *margin)
{
	size_t c, best = 0, sec = k > 1 ? 1 : 0;

	for (c = 1; c < k; c++)
		if (p[c] > p[best])
			best = c;
	sec = best == 0 ? (k > 1 ? 1 : 0) : 0;
	for (c = 0; c < k; c++)
		if (c != best && p[c] > p[sec])
			sec = c;
	*second = sec;
	*margin = k > 1 ? p[best] - p[sec] : 1;
	return best;
}
