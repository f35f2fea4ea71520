/* recommend.c — MMR re-ranking and radio playlists (see recommend.h). */
#include "ml/recommend.h"
#include "core/rng.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* an engine score as a similarity: larger is nearer */
static double
as_sim(const Knn *kn, double s)
{
	return knn_metric_of(kn) == KNN_EUCLIDEAN ? -s : s;
}

/* similarity of reference r to the vector v */
static double
sim_to(const Knn *kn, const RecVec *v, size_t r)
{
	return as_sim(kn, knn_score(kn, v->x, v->sq, r));
}

static double
sqnorm(const float *x, size_t d)
{
	double s = 0;
	size_t j;

	for (j = 0; j < d; j++)
		s += (double)x[j] * x[j];
	return s;
}

size_t
mmr_select(const Knn *kn, const float *ref, const long *cand, const float *rel,
    size_t nc, size_t k, double lambda, size_t *out, double *mmr)
{
	double *red = ecalloc(nc ? nc : 1, sizeof *red), best, v;
	char *taken = ecalloc(nc ? nc : 1, 1);
	size_t j, c, bc, d = knn_dim(kn);
	RecVec s;

	for (j = 0; j < k && j < nc; j++) {
		for (bc = nc, best = -INFINITY, c = 0; c < nc; c++) {
			if (taken[c])
				continue;
			v = lambda * as_sim(kn, rel[c]) - (1 - lambda) * (j ? red[c] : 0);
			if (bc == nc || v > best) /* strict: ties to the more relevant */
				bc = c, best = v;
		}
		taken[bc] = 1;
		out[j] = bc;
		if (mmr)
			mmr[j] = best;
		s.x = ref + (size_t)cand[bc] * d;
		s.sq = sqnorm(s.x, d);
		for (c = 0; c < nc; c++)
			if (!taken[c] && (v = sim_to(kn, &s, (size_t)cand[c]), j == 0 || v > red[c]))
				red[c] = v;
	}
	free(red);
	free(taken);
	return j;
}

/* one step: the unplayed candidates nearest to cur (at most want), nearest first */
static size_t
radio_candidates(const Knn *kn, const RecVec *cur, const char *played, size_t nplayed,
    size_t want, long *cand, float *rel, long *idx, float *sc)
{
	size_t n = knn_size(kn), kq = nplayed + want < n ? nplayed + want : n, r, nc = 0;

	knn_query(kn, cur->x, 1, kq, NULL, idx, sc);
	for (r = 0; r < kq && nc < want; r++)
		if (idx[r] >= 0 && !played[idx[r]]) {
			cand[nc] = idx[r];
			rel[nc++] = sc[r];
		}
	return nc;
}

/* the MMR scores of the candidates against the songs played before the current */
static void
radio_mmr(const Knn *kn, const RadioOpt *o, const long *cand, const float *rel, size_t nc,
    const RecVec *before, size_t nbefore, double *score)
{
	size_t c, p;
	double red, v;

	for (c = 0; c < nc; c++) {
		for (red = -INFINITY, p = 0; p < nbefore; p++)
			if ((v = sim_to(kn, &before[p], (size_t)cand[c])) > red)
				red = v;
		score[c] = o->lambda * as_sim(kn, rel[c]) - (1 - o->lambda) * (nbefore ? red : 0);
	}
}

/* the position in cand of the next song: the best score, or one of the width best */
static size_t
radio_pick(const double *score, size_t nc, size_t width, Rng *rng, size_t *order)
{
	size_t c, p, w = width < nc ? width : nc, t;

	for (c = 0; c < nc; c++) /* insertion sort of positions by score, stable */
		for (order[c] = c, p = c; p > 0 && score[order[p]] > score[order[p - 1]]; p--)
			t = order[p], order[p] = order[p - 1], order[p - 1] = t;
	return order[w > 1 ? rng_below(rng, w) : 0];
}

/* the scratch of a walk */
typedef struct Walk {
	char *played;
	RecVec *before;
	long *cand, *idx;
	float *rel, *sc;
	double *score;
	size_t *order;
} Walk;

static void
new_walk(Walk *w, size_t n, size_t nvec, size_t want)
{
	w->played = ecalloc(n ? n : 1, 1);
	w->before = ecalloc(nvec, sizeof *w->before);
	w->cand = ecalloc(want, sizeof *w->cand);
	w->rel = ecalloc(want, sizeof *w->rel);
	w->score = ecalloc(want, sizeof *w->score);
	w->order = ecalloc(want, sizeof *w->order);
	w->idx = ecalloc(n ? n : 1, sizeof *w->idx);
	w->sc = ecalloc(n ? n : 1, sizeof *w->sc);
}

static void
del_walk(Walk *w)
{
	free(w->played);
	free(w->before);
	free(w->cand);
	free(w->rel);
	free(w->score);
	free(w->order);
	free(w->idx);
	free(w->sc);
}

int
radio_do(const Knn *kn, const float *ref, const float *seeds, size_t ns,
    const long *seedref, const RadioOpt *o, long *song, float *sim)
{
	size_t n = knn_size(kn), d = knn_dim(kn), nplayed = 0, nbefore = 0, i, p, nc, c;
	size_t want = o->width > (o->mmr ? o->pool : 1) ? o->width : o->mmr ? o->pool : 1;
	RecVec cur;
	Walk w;
	Rng rng;

	new_walk(&w, n, ns + o->len, want);
	for (i = 0; i < ns; i++)
		if (seedref[i] >= 0 && !w.played[seedref[i]])
			w.played[seedref[i]] = 1, nplayed++;
	if (n - nplayed < o->len) {
		del_walk(&w);
		return -1;
	}
	rng_seed(&rng, o->seed, 0);
	for (i = 0; i + 1 < ns; i++)
		w.before[nbefore++] = (RecVec){ seeds + i * d, sqnorm(seeds + i * d, d) };
	cur = (RecVec){ seeds + (ns - 1) * d, sqnorm(seeds + (ns - 1) * d, d) };
	for (p = 0; p < o->len; p++) {
		nc = radio_candidates(kn, &cur, w.played, nplayed, want, w.cand, w.rel, w.idx, w.sc);
		if (o->mmr)
			radio_mmr(kn, o, w.cand, w.rel, nc, w.before, nbefore, w.score);
		else
			for (c = 0; c < nc; c++)
				w.score[c] = as_sim(kn, w.rel[c]);
		c = radio_pick(w.score, nc, o->width, &rng, w.order);
		song[p] = w.cand[c];
		sim[p] = w.rel[c];
		w.played[song[p]] = 1;
		nplayed++;
		w.before[nbefore++] = cur;
		cur = (RecVec){ ref + (size_t)song[p] * d, sqnorm(ref + (size_t)song[p] * d, d) };
	}
	del_walk(&w);
	return 0;
}
