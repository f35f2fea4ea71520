/* tfidf.h — TF-IDF vectors of texts, equal to scikit-learn 1.2's
 * TfidfVectorizer(ngram_range=(nmin, nmax), min_df, max_df, max_features) with its
 * other defaults: lowercase, token_pattern r"(?u)\b\w\w+\b" (text/tokens.h), raw
 * counts (sublinear_tf off), smooth idf = ln((1 + n) / (1 + df)) + 1, rows scaled to
 * unit l2 norm.  The vocabulary is sorted by term (code point order); min_df/max_df
 * prune by document frequency and max_features keeps the most frequent terms over the
 * corpus, ties broken as numpy's argsort (introsort) breaks them in sklearn.
 *
 * Inside everything is sparse (a document is a list of (term, count)); vectors come
 * out dense, one float per vocabulary term (the stream's dimension).
 *
 *	TfidfCorpus *c = new_tfidf_corpus(1, 2);
 *	tfidf_corpus_add(c, text, len);              // every document with text
 *	Tfidf *m = tfidf_fit(c, &limits, name);      // NULL: empty vocabulary, ...
 *	tfidf_corpus_row(c, m, i, out);              // the i-th document's vector
 *	tfidf_do(m, text, len, out);                 // any other text
 *
 * A model is saved as a dtable (model=tfidf): one row per term, in vocabulary order,
 * its idf; the header carries ngram=NMIN:NMAX. */
#ifndef SV_TFIDF_H
#define SV_TFIDF_H
#include <stddef.h>
#include <stdio.h>

#include "text/terms.h"
#include "text/tokens.h"

#define TFIDF_MAXN 8          /* longest n-gram */

/* min_df / max_df: a document count when *_count is set, else a proportion */
typedef struct TfidfLimits {
	double min_df, max_df;
	int min_count, max_count;
	size_t max_features;  /* 0: no limit */
} TfidfLimits;

typedef struct TfidfCorpus TfidfCorpus;

typedef struct Tfidf {
	size_t v;             /* vocabulary size */
	int nmin, nmax;       /* n-gram range */
	Terms *terms;         /* term -> index, in vocabulary order */
	double *idf;          /* v values */
	/* private: scratch of tfidf_do */
	Tokens *tok;
	size_t *touched;
	double *cnt;
} Tfidf;

/* These exit only when memory runs out. */
TfidfCorpus *new_tfidf_corpus(int nmin, int nmax);
/* Add a document (valid UTF-8, see textline.h); 0, or -1 when it is not UTF-8. */
int tfidf_corpus_add(TfidfCorpus *c, const char *text, size_t len);
size_t tfidf_corpus_docs(const TfidfCorpus *c);
void del_tfidf_corpus(TfidfCorpus *c);

/* Fit the vocabulary and idf on the corpus.  NULL after "prog: NAME: ..." when no
 * document has a token, when max_df counts fewer documents than min_df, or when
 * pruning leaves no term. */
Tfidf *tfidf_fit(TfidfCorpus *c, const TfidfLimits *lim, const char *name);
/* The vector of corpus document i (m->v floats).  Can't fail. */
void tfidf_corpus_row(const TfidfCorpus *c, const Tfidf *m, size_t i, float *out);
/* The vector of a text (m->v floats); 0, or -1 when it is not UTF-8. */
int tfidf_do(Tfidf *m, const char *text, size_t len, float *out);
/* Save (errors left to fshut) and load (NULL after a message). */
void tfidf_save(const Tfidf *m, FILE *fp);
Tfidf *tfidf_load(const char *path);
void del_tfidf(Tfidf *m);

/* numpy 1.24's argsort(kind='quicksort') of v[0..n) into idx: its introsort, so ties
 * come out in numpy's order.  Exposed for the unit test.  Can't fail. */
void tfidf_np_argsort(const double *v, size_t *idx, size_t n);

#endif
