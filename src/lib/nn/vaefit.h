/* vaefit.h — training a VAE (vae.h) with Adam (adam.h) on mini-batches.
 *
 * Each epoch shuffles the songs (Fisher-Yates with core/rng.h, stream 1 of the
 * seed) and cuts them into batches of `batch` songs (the last one smaller, as a
 * PyTorch DataLoader with shuffle=True); each batch is one Adam step on its mean
 * loss, with eps drawn from N(0, 1) (stream 2 of the seed).  Same seed, same result.
 *
 * Two test hooks make a run comparable with another implementation: `noise`, a
 * stream of z-value records read one per song and step instead of drawing eps, and
 * `order`, a file that receives the song indices (0-based) of every batch, one line
 * per step. */
#ifndef SV_VAEFIT_H
#define SV_VAEFIT_H
#include <stdint.h>
#include <stdio.h>

#include "core/vreader.h"
#include "nn/vae.h"

typedef struct VaeFitOpt {
	unsigned epochs, batch;
	double lr;                 /* Adam's learning rate */
	uint64_t seed;
	FILE *curve;               /* loss curve TSV, or NULL */
	const char *curvename;
	int perstep;               /* curve: one line per step instead of per epoch */
	VReader *noise;            /* test hook, or NULL */
	FILE *order;               /* test hook, or NULL */
	const char *ordername;
} VaeFitOpt;

/* Train v on the n rows of x (n x d; labels lab, or NULL when v->c.k = 0).
 * 0, or -1 after a message (the noise stream ended or is malformed, a write error on
 * the curve or the order file). */
int vae_fit(Vae *v, const float *x, const int *lab, size_t n, const VaeFitOpt *o);
/* The loss sums over all n songs with z = mu, in batches.  Can't fail. */
void vae_fit_eval(Vae *v, const float *x, const int *lab, size_t n, VaeLoss *l);

#endif
