/* tfidf.c — scikit-learn's TfidfVectorizer, sparse inside (see tfidf.h). */
#include "ml/tfidf.h"
#include "core/dtable.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct TfidfCorpus {
	int nmin, nmax;
	Terms *terms;          /* every n-gram seen, numbered on first sight */
	Tokens *tok;
	uint32_t *id, *cnt;    /* documents as rows of (term, count) */
	size_t nnz, nzcap;
	size_t *ptr;           /* document i: entries ptr[i] .. ptr[i+1] */
	size_t ndoc, ptrcap;
	size_t *df, *tf;       /* per term: documents holding it, total count */
	size_t *last, *pos;    /* per term: last document + 1, its entry there */
	size_t termcap;
	long *map;             /* after tfidf_fit: term -> vocabulary index or -1 */
};

/* Exits only when memory runs out. */
TfidfCorpus *
new_tfidf_corpus(int nmin, int nmax)
{
	TfidfCorpus *c = ecalloc(1, sizeof *c);

	c->nmin = nmin;
	c->nmax = nmax;
	c->terms = new_terms();
	c->tok = new_tokens();
	c->ptrcap = 64;
	c->ptr = ecalloc(c->ptrcap, sizeof *c->ptr);
	return c;
}

void
del_tfidf_corpus(TfidfCorpus *c)
{
	if (!c)
		return;
	del_terms(c->terms);
	del_tokens(c->tok);
	free(c->id);
	free(c->cnt);
	free(c->ptr);
	free(c->df);
	free(c->tf);
	free(c->last);
	free(c->pos);
	free(c->map);
	free(c);
}

/* This function can't fail. */
size_t
tfidf_corpus_docs(const TfidfCorpus *c)
{
	return c->ndoc;
}

/* count one occurrence of term id in the document being added */
static void
corpus_count(TfidfCorpus *c, size_t id)
{
	size_t n;

	if (id >= c->termcap) {
		n = c->termcap ? 2 * c->termcap : 4096;
		c->df = ereallocarray(c->df, n, sizeof *c->df);
		c->tf = ereallocarray(c->tf, n, sizeof *c->tf);
		c->last = ereallocarray(c->last, n, sizeof *c->last);
		c->pos = ereallocarray(c->pos, n, sizeof *c->pos);
		memset(c->df + c->termcap, 0, (n - c->termcap) * sizeof *c->df);
		memset(c->tf + c->termcap, 0, (n - c->termcap) * sizeof *c->tf);
		memset(c->last + c->termcap, 0, (n - c->termcap) * sizeof *c->last);
		c->termcap = n;
	}
	c->tf[id]++;
	if (c->last[id] == c->ndoc + 1) {
		c->cnt[c->pos[id]]++;
		return;
	}
	if (c->nnz == c->nzcap) {
		c->nzcap = c->nzcap ? 2 * c->nzcap : 65536;
		c->id = ereallocarray(c->id, c->nzcap, sizeof *c->id);
		c->cnt = ereallocarray(c->cnt, c->nzcap, sizeof *c->cnt);
	}
	c->last[id] = c->ndoc + 1;
	c->pos[id] = c->nnz;
	c->df[id]++;
	c->id[c->nnz] = (uint32_t)id;
	c->cnt[c->nnz++] = 1;
}

int
tfidf_corpus_add(TfidfCorpus *c, const char *text, size_t len)
{
	size_t bad, i, glen;
	int k;
	const char *g;

	if (tokens_do(c->tok, text, len, &bad) < 0)
		return -1;
	for (k = c->nmin; k <= c->nmax; k++)
		for (i = 0; i + k <= c->tok->n; i++) {
			g = tokens_gram(c->tok, i, k, &glen);
			corpus_count(c, terms_add(c->terms, g, glen));
		}
	if (c->ndoc + 2 > c->ptrcap) {
		c->ptrcap *= 2;
		c->ptr = ereallocarray(c->ptr, c->ptrcap, sizeof *c->ptr);
	}
	c->ptr[++c->ndoc] = c->nnz;
	return 0;
}

/* numpy's DOUBLE_LT: NaN sorts last */
static int
np_less(double a, double b)
{
	return a < b || (b != b && a == a);
}

/* numpy's aheapsort_ on idx[0..n) */
static void
np_aheapsort(const double *v, size_t *idx, size_t n)
{
	size_t *a = idx - 1, i, j, l, tmp;

	for (l = n >> 1; l > 0; --l) {
		tmp = a[l];
		for (i = l, j = l << 1; j <= n;) {
			if (j < n && np_less(v[a[j]], v[a[j + 1]]))
				j++;
			if (!np_less(v[tmp], v[a[j]]))
				break;
			a[i] = a[j];
			i = j;
			j += j;
		}
		a[i] = tmp;
	}
	for (; n > 1;) {
		tmp = a[n];
		a[n] = a[1];
		n--;
		for (i = 1, j = 2; j <= n;) {
			if (j < n && np_less(v[a[j]], v[a[j + 1]]))
				j++;
			if (!np_less(v[tmp], v[a[j]]))
				break;
			a[i] = a[j];
			i = j;
			j += j;
		}
		a[i] = tmp;
	}
}

#define SWAP(a, b) do { size_t t_ = (a); (a) = (b); (b) = t_; } while (0)

/* one partition of numpy's aquicksort_: median of three, pivot parked at pr - 1;
 * returns the pivot's final place */
static size_t *
np_partition(const double *v, size_t *pl, size_t *pr)
{
	size_t *pm = pl + ((pr - pl) >> 1), *pi = pl, *pj = pr - 1;
	double vp;

	if (np_less(v[*pm], v[*pl]))
		SWAP(*pm, *pl);
	if (np_less(v[*pr], v[*pm]))
		SWAP(*pr, *pm);
	if (np_less(v[*pm], v[*pl]))
		SWAP(*pm, *pl);
	vp = v[*pm];
	SWAP(*pm, *pj);
	for (;;) {
		do
			++pi;
		while (np_less(v[*pi], vp));
		do
			--pj;
		while (np_less(vp, v[*pj]));
		if (pi >= pj)
			break;
		SWAP(*pi, *pj);
	}
	SWAP(*pi, *(pr - 1));
	return pi;
}

/* This function can't fail. */
void
tfidf_np_argsort(const double *v, size_t *idx, size_t n)
{
	size_t *pl = idx, *pr = idx + n - 1, *stack[128], **sp = stack, *pi, *pj, *pk, vi, u;
	int depth[64], *dp = depth, cdepth = 0;
	double vp;

	for (u = 0; u < n; u++)
		idx[u] = u;
	if (n < 2)
		return;
	for (u = n; u >>= 1;)
		cdepth++;
	cdepth *= 2;
	for (;;) {
		if (cdepth < 0) {
			np_aheapsort(v, pl, (size_t)(pr - pl + 1));
			goto pop;
		}
		while (pr - pl > 15) { /* numpy's SMALL_QUICKSORT */
			pi = np_partition(v, pl, pr);
			if (pi - pl < pr - pi) { /* the larger side waits on the stack */
				*sp++ = pi + 1;
				*sp++ = pr;
				pr = pi - 1;
			} else {
				*sp++ = pl;
				*sp++ = pi - 1;
				pl = pi + 1;
			}
			*dp++ = --cdepth;
		}
		for (pi = pl + 1; pi <= pr; ++pi) { /* insertion sort */
			vi = *pi;
			vp = v[vi];
			for (pj = pi, pk = pi - 1; pj > pl && np_less(vp, v[*pk]);)
				*pj-- = *pk--;
			*pj = vi;
		}
pop:
		if (sp == stack)
			break;
		pr = *--sp;
		pl = *--sp;
		cdepth = *--dp;
	}
}

static const TfidfCorpus *sort_corpus; /* qsort has no context argument */

static int
cmp_term(const void *a, const void *b)
{
	return strcmp(terms_str(sort_corpus->terms, *(const size_t *)a),
	    terms_str(sort_corpus->terms, *(const size_t *)b));
}

/* a model holding the terms order[0..n) of the corpus (kept[] set), idf from df */
static Tfidf *
new_model(TfidfCorpus *c, const size_t *order, const unsigned char *kept, size_t n)
{
	Tfidf *m = ecalloc(1, sizeof *m);
	size_t i, t;

	m->nmin = c->nmin;
	m->nmax = c->nmax;
	m->terms = new_terms();
	for (i = 0; i < n; i++)
		m->v += kept[i];
	m->idf = ecalloc(m->v, sizeof *m->idf);
	c->map = ereallocarray(c->map, terms_count(c->terms), sizeof *c->map);
	for (t = 0; t < terms_count(c->terms); t++)
		c->map[t] = -1;
	for (i = 0; i < n; i++) {
		if (!kept[i])
			continue;
		t = order[i];
		c->map[t] = (long)terms_add(m->terms, terms_str(c->terms, t), terms_len(c->terms, t));
		m->idf[c->map[t]] = log(((double)c->ndoc + 1) / ((double)c->df[t] + 1)) + 1;
	}
	return m;
}

/* sklearn's _limit_features on the sorted terms: kept[i] for order[i] */
static size_t
limit(const TfidfCorpus *c, const size_t *order, size_t n, double lo, double hi,
    size_t maxf, unsigned char *kept)
{
	size_t i, j, nk = 0, *idx, *where;
	double *negtf;

	for (i = 0; i < n; i++) {
		kept[i] = c->df[order[i]] <= hi && c->df[order[i]] >= lo;
		nk += kept[i];
	}
	if (!maxf || nk <= maxf)
		return nk;
	negtf = ecalloc(nk, sizeof *negtf);
	where = ecalloc(nk, sizeof *where);
	idx = ecalloc(nk, sizeof *idx);
	for (i = j = 0; i < n; i++)
		if (kept[i]) {
			negtf[j] = -(double)c->tf[order[i]];
			where[j++] = i;
		}
	tfidf_np_argsort(negtf, idx, nk);
	memset(kept, 0, n);
	for (j = 0; j < maxf; j++)
		kept[where[idx[j]]] = 1;
	free(negtf);
	free(where);
	free(idx);
	return maxf;
}

Tfidf *
tfidf_fit(TfidfCorpus *c, const TfidfLimits *lim, const char *name)
{
	size_t n = terms_count(c->terms), i, *order;
	double hi = lim->max_count ? lim->max_df : lim->max_df * (double)c->ndoc;
	double lo = lim->min_count ? lim->min_df : lim->min_df * (double)c->ndoc;
	unsigned char *kept;
	Tfidf *m = NULL;

	if (!c->ndoc) {
		weprintf("%s: no song has text: nothing to fit", name);
		return NULL;
	}
	if (!n) {
		weprintf("%s: empty vocabulary: no text has a word of two or more letters or digits", name);
		return NULL;
	}
	if (hi < lo) {
		weprintf("%s: max_df (-D) corresponds to fewer documents than min_df (-d)", name);
		return NULL;
	}
	order = ecalloc(n, sizeof *order);
	kept = ecalloc(n, 1);
	for (i = 0; i < n; i++)
		order[i] = i;
	sort_corpus = c;
	qsort(order, n, sizeof *order, cmp_term);
	if (!limit(c, order, n, lo, hi, lim->max_features, kept))
		weprintf("%s: after pruning, no terms remain: try a lower min_df (-d) or a higher max_df (-D)", name);
	else
		m = new_model(c, order, kept, n);
	free(order);
	free(kept);
	return m;
}

/* This function can't fail. */
void
tfidf_corpus_row(const TfidfCorpus *c, const Tfidf *m, size_t i, float *out)
{
	size_t e;
	long k;
	double v, sum = 0;

	memset(out, 0, m->v * sizeof *out);
	for (e = c->ptr[i]; e < c->ptr[i + 1]; e++)
		if ((k = c->map[c->id[e]]) >= 0) {
			v = c->cnt[e] * m->idf[k];
			sum += v * v;
		}
	if (sum == 0)
		return;
	sum = sqrt(sum);
	for (e = c->ptr[i]; e < c->ptr[i + 1]; e++)
		if ((k = c->map[c->id[e]]) >= 0)
			out[k] = (float)(c->cnt[e] * m->idf[k] / sum);
}

int
tfidf_do(Tfidf *m, const char *text, size_t len, float *out)
{
	size_t bad, i, glen, nt = 0, j;
	long k;
	int n;
	double sum = 0, v;
	const char *g;

	if (!m->tok) {
		m->tok = new_tokens();
		m->cnt = ecalloc(m->v, sizeof *m->cnt);
		m->touched = ecalloc(m->v, sizeof *m->touched);
	}
	if (tokens_do(m->tok, text, len, &bad) < 0)
		return -1;
	memset(out, 0, m->v * sizeof *out);
	for (n = m->nmin; n <= m->nmax; n++)
		for (i = 0; i + n <= m->tok->n; i++) {
			g = tokens_gram(m->tok, i, n, &glen);
			if ((k = terms_find(m->terms, g, glen)) < 0)
				continue;
			if (m->cnt[k] == 0)
				m->touched[nt++] = (size_t)k;
			m->cnt[k]++;
		}
	for (j = 0; j < nt; j++) {
		v = m->cnt[m->touched[j]] * m->idf[m->touched[j]];
		sum += v * v;
	}
	sum = sqrt(sum);
	for (j = 0; j < nt; j++) {
		k = (long)m->touched[j];
		out[k] = (float)(m->cnt[k] * m->idf[k] / sum);
		m->cnt[k] = 0;
	}
	return 0;
}

void
del_tfidf(Tfidf *m)
{
	if (!m)
		return;
	del_terms(m->terms);
	free(m->idf);
	del_tokens(m->tok);
	free(m->touched);
	free(m->cnt);
	free(m);
}

/* Errors are left to fshut(). */
void
tfidf_save(const Tfidf *m, FILE *fp)
{
	size_t i;

	fprintf(fp, "#songvec dim=1 model=tfidf ngram=%d:%d terms=%zu\n#key\tidf\n", m->nmin,
	    m->nmax, m->v);
	for (i = 0; i < m->v; i++)
		dtable_put_row(fp, terms_str(m->terms, i), &m->idf[i], 1);
}

/* the n-gram range from the "#songvec ... ngram=A:B" first line; -1 after a message */
static int
load_ngram(const char *path, int *nmin, int *nmax)
{
	FILE *fp = fopen(path, "r");
	char line[256], *p;

	if (!fp) {
		weprintf("%s:", path);
		return -1;
	}
	p = fgets(line, sizeof line, fp) ? strstr(line, " ngram=") : NULL;
	fclose(fp);
	if (!p || sscanf(p, " ngram=%d:%d", nmin, nmax) != 2 || *nmin < 1 || *nmax < *nmin ||
	    *nmax > TFIDF_MAXN) {
		weprintf("%s: not a tfidf model (no valid ngram=MIN:MAX on its first line)", path);
		return -1;
	}
	return 0;
}

/* the checks of a loaded table: 0, or -1 after a message */
static int
check_model(const DTable *t, const char *path)
{
	size_t i;

	if (!t->model || strcmp(t->model, "tfidf")) {
		weprintf("%s: not a tfidf model (model=%s)", path, t->model ? t->model : "missing");
		return -1;
	}
	if (t->d != 1 || !t->n) {
		weprintf("%s: corrupt tfidf model: %s", path, t->n ? "more than one value per term" : "no terms");
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		if (!(t->v[i] >= 1) || !isfinite(t->v[i])) {
			weprintf("%s: corrupt tfidf model: term %zu ('%s'): idf %g (expected >= 1)", path,
			    i + 1, t->keys[i], t->v[i]);
			return -1;
		}
		if (i && strcmp(t->keys[i - 1], t->keys[i]) >= 0) {
			weprintf("%s: corrupt tfidf model: term %zu ('%s') is out of order or repeated",
			    path, i + 1, t->keys[i]);
			return -1;
		}
	}
	return 0;
}

Tfidf *
tfidf_load(const char *path)
{
	DTable t;
	Tfidf *m;
	int nmin, nmax;
	size_t i;

	if (load_ngram(path, &nmin, &nmax) || dtable_load(path, &t))
		return NULL;
	if (check_model(&t, path)) {
		del_dtable(&t);
		return NULL;
	}
	m = ecalloc(1, sizeof *m);
	m->nmin = nmin;
	m->nmax = nmax;
	m->v = t.n;
	m->terms = new_terms();
	m->idf = ecalloc(m->v, sizeof *m->idf);
	for (i = 0; i < t.n; i++) {
		terms_add(m->terms, t.keys[i], strlen(t.keys[i]));
		m->idf[i] = t.v[i];
	}
	del_dtable(&t);
	return m;
}
