/* vae.h — a dense variational autoencoder on OpenBLAS, layer for layer the PyTorch
 * module of tests/ref/vae_ref.py:
 *
 *	encoder  [x, onehot(label)] -> Linear+ReLU (h1) -> ... -> Linear+ReLU (hn)
 *	         -> Linear (mu, z values) and Linear (logvar, z values)
 *	latent   z = mu + exp(logvar / 2) * eps,  eps ~ N(0, 1)  (reparameterisation)
 *	decoder  [z, onehot(label)] -> Linear+ReLU (hn) -> ... -> Linear+ReLU (h1)
 *	         -> Linear (x^, d values)
 *	loss     per song: sum (x^ - x)^2 + beta KL,
 *	         KL = -1/2 sum (1 + logvar - mu^2 - exp(logvar));
 *	         a mini-batch's loss is the mean over its songs.
 *
 * The label part (k one-hot values) is absent when k = 0 (a plain VAE).  Parameters
 * and their gradients live in two arenas (np floats each) in the order of the layers
 * above, weight (out x in, nn.Linear's layout) then bias.  A model file is a songvec
 * weight file (weights.h): tensors "vae.config", "vae.labels" (when k > 0),
 * "enc.I.weight/bias", "enc.mu.*", "enc.logvar.*", "dec.I.*", "dec.out.*".
 * Batches are row-major; a Vae holds the activations of the last batch. */
#ifndef SV_VAE_H
#define SV_VAE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nn/adam.h"
#include "nn/dense.h"

#define VAE_MAXH 8        /* hidden layers per side */
#define VAE_LABELMAX 64   /* bytes of a label name in a model file, NUL included */
#define VAE_FORMAT 1      /* first value of vae.config */

typedef struct VaeConfig {
	unsigned d;               /* input dimension */
	unsigned z;               /* latent dimension */
	unsigned k;               /* labels (one-hot width); 0: not conditioned */
	unsigned nh;              /* hidden layers per side (0..VAE_MAXH) */
	unsigned h[VAE_MAXH];     /* encoder hidden sizes; the decoder mirrors them */
	double beta;              /* weight of the KL term */
} VaeConfig;

/* sums over the songs of a batch */
typedef struct VaeLoss {
	double recon, kl;
} VaeLoss;

typedef struct Vae {
	VaeConfig c;
	size_t np;                /* parameters */
	float *p, *g;             /* parameters, gradients */
	Dense enc[VAE_MAXH], mu, lv, dec[VAE_MAXH], out;
	/* the encoder's input columns [sparse, d + k) reach the first hidden layer as
	 * sparse rows (dense.h) when sparse < d + k (vaefit sets it; d + k: none) */
	unsigned sparse;
	/* private: activations and scratch for up to bcap songs */
	size_t bcap, wmax;
	float *ein, *eh[VAE_MAXH], *emu, *elv, *z, *din, *dh[VAE_MAXH], *xhat;
	float *t1, *t2, *t3;
	DenseSparse sp;
	float *gs;                /* gradient blocks of a fused step (DENSE_BLOCK, wmax) */
	Adam *opt;                /* the optimiser of the step under way, or NULL */
} Vae;

/* A network of that shape, parameters zero.  Exits only when memory runs out. */
Vae *new_vae(const VaeConfig *c);
/* PyTorch's default nn.Linear initialisation, U(-1/sqrt(in), 1/sqrt(in)) for weights
 * and biases, from the generator of core/rng.h.  Can't fail. */
void vae_init(Vae *v, uint64_t seed);
void del_vae(Vae *v);

/* The latent means of b songs (x: b x d; lab: b labels in 0..k-1, or NULL when
 * k = 0) into mu (b x z).  Can't fail. */
void vae_encode(Vae *v, const float *x, const int *lab, size_t b, float *mu);
/* The reconstructions of b latent vectors (b x z) into xhat (b x d).  Can't fail. */
void vae_decode(Vae *v, const float *z, const int *lab, size_t b, float *xhat);
/* One training batch: forward with the noise eps (b x z), the loss sums into *l, and
 * the gradient of the batch's mean loss into v->g; or, with an optimiser a (over the
 * np parameters), its step (adam_begin, adam_part) taken layer by layer during the
 * backward pass, v->g left as it was.  Exits only when memory runs out. */
void vae_step(Vae *v, const float *x, const int *lab, const float *eps, size_t b, Adam *a,
    VaeLoss *l);
/* The loss sums of b songs with z = mu (no noise): the evaluation of a fit. */
void vae_eval(Vae *v, const float *x, const int *lab, size_t b, VaeLoss *l);

/* Save with the label names (k of them, or NULL); 0, or -1 after a message. */
int vae_save(const Vae *v, char *const *labels, FILE *fp, const char *path);
/* Load a model; its labels (k strings, malloc'd) into *labels.  NULL after a message
 * naming the file and the problem. */
Vae *vae_load(const char *path, char ***labels);

#endif
