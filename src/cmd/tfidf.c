/* tfidf — TF-IDF vectors of the text of each song (lyrics), equal to scikit-learn's
 * TfidfVectorizer(ngram_range=(1, 2)): fit a vocabulary (and write every song's
 * vector), or apply a saved one.  The work is in src/lib/ml/tfidf.c. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dtable.h"
#include "core/util.h"
#include "core/vwriter.h"
#include "ml/tfidf.h"
#include "text/textline.h"

static const char SYNOPSIS[] =
    "[-bx] [-a model | -m model] [-D max_df] [-d min_df] [-M max_features] [-n min:max] [file]";

/* the records of a fit, in input order */
typedef struct Songs {
	char **key;
	long *doc;          /* corpus document, -1: no text */
	size_t n, cap, notext;
} Songs;

/* -d / -D: an integer >= 1 is a document count, a real in [0, 1] a proportion */
static void
parse_df(const char *s, int opt, double *v, int *count)
{
	*count = s[0] && strspn(s, "0123456789") == strlen(s);
	if (*count)
		*v = (double)estrtol(s, 1, 1000000000, opt);
	else
		*v = estrtod(s, 0, 1, opt);
}

static void
parse_ngram(const char *s, int *nmin, int *nmax)
{
	char c;

	if (sscanf(s, "%d:%d%c", nmin, nmax, &c) != 2 || *nmin < 1 || *nmax < *nmin ||
	    *nmax > TFIDF_MAXN) {
		weprintf("-n: invalid n-gram range '%s' (expected MIN:MAX with 1 <= MIN <= MAX <= %d)",
		    s, TFIDF_MAXN);
		exit(2);
	}
}

/* the header: dimension = vocabulary size, column names = the terms */
static VWriter *
open_out(const Tfidf *m, int binary)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	char **cols = ecalloc(m->v, sizeof *cols);
	size_t i;

	for (i = 0; i < m->v; i++)
		cols[i] = (char *)terms_str(m->terms, i);
	if (vwriter_header(w, (unsigned)m->v, 0, (unsigned)m->v, cols))
		exit(1);
	free(cols);
	return w;
}

static void
report_notext(const char *name, size_t n, int exclude, int fit)
{
	if (n)
		weprintf("%s: %zu song%s without text: %s%s", name, n, n == 1 ? "" : "s",
		    exclude ? "left out" : "zero vectors", fit ? " (not counted in the fit)" : "");
}

/* apply a saved model line by line; exit status */
static int
apply(const char *model, const char *in, int binary, int exclude)
{
	Tfidf *m;
	TextLine *r;
	VWriter *w;
	float *out;
	size_t notext = 0;
	int e;

	if (!(m = tfidf_load(model)))
		return 1;
	if (!(r = new_textline(in))) {
		del_tfidf(m);
		return 1;
	}
	w = open_out(m, binary);
	out = ecalloc(m->v, sizeof *out);
	while ((e = textline_next(r)) > 0) {
		if (!r->hastext) {
			notext++;
			if (exclude)
				continue;
			memset(out, 0, m->v * sizeof *out);
		} else if (tfidf_do(m, r->text, r->len, out)) {
			e = textline_error(r, "not UTF-8 text");
			break;
		}
		if (vwriter_write(w, r->key, out, m->v))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
	if (e == 0)
		report_notext(r->name, notext, exclude, 0);
	free(out);
	del_textline(r);
	del_tfidf(m);
	return e < 0;
}

/* every record into s and c; 0, or -1 after a message */
static int
read_all(const char *in, Songs *s, TfidfCorpus *c, char **name)
{
	TextLine *r;
	int e;

	if (!(r = new_textline(in)))
		return -1;
	while ((e = textline_next(r)) > 0) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 256;
			s->key = ereallocarray(s->key, s->cap, sizeof *s->key);
			s->doc = ereallocarray(s->doc, s->cap, sizeof *s->doc);
		}
		s->key[s->n] = estrdup(r->key);
		s->doc[s->n] = r->hastext ? (long)tfidf_corpus_docs(c) : -1;
		s->notext += !r->hastext;
		s->n++;
		if (r->hastext && tfidf_corpus_add(c, r->text, r->len)) {
			e = textline_error(r, "not UTF-8 text");
			break;
		}
	}
	if (!e && !s->n)
		e = -1, weprintf("%s: empty input: no songs", r->name);
	*name = estrdup(r->name);
	del_textline(r);
	return e < 0 ? -1 : 0;
}

/* fit, save, write every song; exit status */
static int
fit(const char *in, const char *model, int binary, int exclude, int nmin, int nmax,
    const TfidfLimits *lim)
{
	Songs s = { 0 };
	TfidfCorpus *c = new_tfidf_corpus(nmin, nmax);
	FILE *mfp = model ? efopen_out(model) : NULL;
	Tfidf *m = NULL;
	VWriter *w;
	char *name = NULL;
	float *out;
	size_t i;
	int rc = 1;

	if (read_all(in, &s, c, &name) || !(m = tfidf_fit(c, lim, name)))
		goto out;
	if (m->v > DT_MAXROWS) {
		weprintf("%s: vocabulary of %zu terms exceeds %u: limit it with -M (or -d)", name,
		    m->v, DT_MAXROWS);
		goto out;
	}
	if (mfp) {
		tfidf_save(m, mfp);
		if (fshut(mfp, model))
			goto out;
	}
	w = open_out(m, binary);
	out = ecalloc(m->v, sizeof *out);
	for (i = 0; i < s.n; i++) {
		if (s.doc[i] < 0 && exclude)
			continue;
		if (s.doc[i] < 0)
			memset(out, 0, m->v * sizeof *out);
		else
			tfidf_corpus_row(c, m, (size_t)s.doc[i], out);
		if (vwriter_write(w, s.key[i], out, m->v))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
	free(out);
	report_notext(name, s.notext, exclude, 1);
	rc = 0;
out:
	if (mfp && fclose_out(mfp, model, rc))
		rc = 1;
	for (i = 0; i < s.n; i++)
		free(s.key[i]);
	free(s.key);
	free(s.doc);
	free(name);
	del_tfidf(m);
	del_tfidf_corpus(c);
	return rc;
}

int
main(int argc, char **argv)
{
	TfidfLimits lim = { .min_df = 1, .max_df = 1.0, .min_count = 1, .max_count = 0 };
	const char *model_in = NULL, *model_out = NULL, *in = "-";
	int c, binary = 0, exclude = 0, fitopt = 0, nmin = 1, nmax = 2;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "a:bD:d:M:m:n:x")) != -1) {
		switch (c) {
		case 'a': model_in = optarg; break;
		case 'b': binary = 1; break;
		case 'D': parse_df(optarg, 'D', &lim.max_df, &lim.max_count); fitopt = 1; break;
		case 'd': parse_df(optarg, 'd', &lim.min_df, &lim.min_count); fitopt = 1; break;
		case 'M': lim.max_features = (size_t)estrtol(optarg, 1, DT_MAXROWS, 'M'); fitopt = 1; break;
		case 'm': model_out = optarg; fitopt = 1; break;
		case 'n': parse_ngram(optarg, &nmin, &nmax); fitopt = 1; break;
		case 'x': exclude = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (optind < argc)
		in = argv[optind];
	if (model_in && fitopt) {
		weprintf("-a applies a saved model: -D, -d, -M, -m and -n belong to fitting");
		util_usage(SYNOPSIS);
	}
	if (model_in)
		return apply(model_in, in, binary, exclude);
	return fit(in, model_out, binary, exclude, nmin, nmax, &lim);
}
