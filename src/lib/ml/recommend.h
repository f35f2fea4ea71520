/* recommend.h — recommendations on the nearest-neighbour engine (knn.h): diverse
 * lists by Maximal Marginal Relevance and "radio" playlists.
 *
 * MMR (Carbonell & Goldstein, SIGIR 1998): from the candidates R retrieved for a
 * query Q (its nearest references), choose one at a time
 *	argmax over D in R \ S of  lambda Sim1(D, Q) - (1 - lambda) max over D' in S of Sim2(D, D')
 * where S holds what was chosen before (the max over an empty S is 0, so the first
 * choice is the most relevant).  Sim1 and Sim2 are the engine's metric, as a
 * similarity: cosine or inner product, or minus the Euclidean distance.  Equal
 * scores go to the more relevant candidate.
 *
 * Radio: from seed songs (played first, in order), a playlist of songs never played
 * before, each next one the nearest unplayed reference to the current song, or with
 * MMR the unplayed candidate (among the pool nearest to the current song) of best
 * lambda Sim(D, current) - (1 - lambda) max Sim(D, P) over the songs P played before
 * the current one.  With width > 1 the next song is drawn uniformly from the width
 * best (rng.h, from the seed), else the walk is deterministic. */
#ifndef SV_RECOMMEND_H
#define SV_RECOMMEND_H
#include <stddef.h>
#include <stdint.h>

#include "ml/knn.h"

/* A vector the choices must differ from: coordinates and squared norm. */
typedef struct RecVec {
	const float *x;
	double sq;
} RecVec;

/* MMR: choose k of the nc candidates cand[] (reference indices, nearest first; rel[]
 * their engine scores against the query).  out[j] is the position in cand of the
 * j-th choice, mmr[j] (when not NULL) its MMR score.  Returns the number chosen,
 * min(k, nc).  This function can't fail (but for memory). */
size_t mmr_select(const Knn *kn, const float *ref, const long *cand, const float *rel,
    size_t nc, size_t k, double lambda, size_t *out, double *mmr);

typedef struct RadioOpt {
	size_t len;      /* songs to add */
	size_t pool;     /* MMR candidates per step */
	size_t width;    /* draw among this many best (1: the best) */
	int mmr;         /* choose by MMR with lambda */
	double lambda;
	uint64_t seed;
} RadioOpt;

/* The playlist after ns seeds (rows of seeds, ns x d; seedref[i] the reference that
 * is seed i, or -1): song[p] the reference at position p, sim[p] its engine score
 * against the song before it.  Returns 0, or -1 when fewer than len references are
 * left unplayed (nothing written). */
int radio_do(const Knn *kn, const float *ref, const float *seeds, size_t ns,
    const long *seedref, const RadioOpt *o, long *song, float *sim);

#endif
