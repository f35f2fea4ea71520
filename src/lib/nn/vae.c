/* vae.c — a dense (conditional) VAE: layers, passes, loss, model files (see vae.h). */
#include "nn/vae.h"
#include "nn/weights.h"
#include "nn/weightsout.h"
#include "core/hot.h"
#include "core/rng.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* widths of the encoder's layer i input (i = nh: the mu/logvar layers) */
static unsigned
enc_in(const VaeConfig *c, unsigned i)
{
	return i == 0 ? c->d + c->k : c->h[i - 1];
}

/* decoder layer i maps dec_in(i) -> dec_in(i + 1); i = nh is the output layer */
static unsigned
dec_in(const VaeConfig *c, unsigned i)
{
	return i == 0 ? c->z + c->k : c->h[c->nh - i];
}

static unsigned
dec_out(const VaeConfig *c, unsigned i)
{
	return i == c->nh ? c->d : dec_in(c, i + 1);
}

/* every layer in arena order; n set to their count */
static Dense **
layers(Vae *v, Dense **l, unsigned *n)
{
	unsigned i, k = 0;

	for (i = 0; i < v->c.nh; i++)
		l[k++] = &v->enc[i];
	l[k++] = &v->mu;
	l[k++] = &v->lv;
	for (i = 0; i < v->c.nh; i++)
		l[k++] = &v->dec[i];
	l[k++] = &v->out;
	*n = k;
	return l;
}

/* bind the layers to the arenas in order; returns the parameter count */
static size_t
bind(Vae *v, int alloc)
{
	const VaeConfig *c = &v->c;
	unsigned in[2 * VAE_MAXH + 3], out[2 * VAE_MAXH + 3], i, n = 0;
	Dense *l[2 * VAE_MAXH + 3];
	size_t np = 0;

	for (i = 0; i < c->nh; i++)
		in[n] = enc_in(c, i), out[n++] = c->h[i];
	in[n] = enc_in(c, c->nh), out[n++] = c->z;
	in[n] = enc_in(c, c->nh), out[n++] = c->z;
	for (i = 0; i <= c->nh; i++)
		in[n] = dec_in(c, i), out[n++] = dec_out(c, i);
	layers(v, l, &n);
	for (i = 0; i < n; i++) {
		if (alloc)
			dense_bind(l[i], in[i], out[i], v->p + np, v->g + np);
		np += dense_size(in[i], out[i]);
		if (in[i] > v->wmax)
			v->wmax = in[i];
		if (out[i] > v->wmax)
			v->wmax = out[i];
	}
	return np;
}

/* Exits only when memory runs out. */
Vae *
new_vae(const VaeConfig *c)
{
	Vae *v = ecalloc(1, sizeof *v);

	v->c = *c;
	v->sparse = c->d + c->k;
	v->np = bind(v, 0);
	v->p = ecalloc(v->np, sizeof *v->p);
	v->g = ecalloc(v->np, sizeof *v->g);
	bind(v, 1);
	v->gs = ecalloc(v->wmax > DENSE_BLOCK ? v->wmax : DENSE_BLOCK, sizeof *v->gs);
	return v;
}

/* This function can't fail. */
void
vae_init(Vae *v, uint64_t seed)
{
	Dense *l[2 * VAE_MAXH + 3];
	unsigned n, i;
	size_t j, cnt;
	double bound;
	Rng r;

	rng_seed(&r, seed, 0);
	layers(v, l, &n);
	for (i = 0; i < n; i++) {
		bound = 1 / sqrt((double)l[i]->in);
		cnt = dense_size(l[i]->in, l[i]->out);
		for (j = 0; j < cnt; j++) /* weights then biases: contiguous */
			l[i]->w[j] = (float)((2 * rng_uniform(&r) - 1) * bound);
	}
}

static void
free_acts(Vae *v)
{
	unsigned i;

	free(v->ein);
	free(v->emu);
	free(v->elv);
	free(v->z);
	free(v->din);
	free(v->xhat);
	free(v->t1);
	free(v->t2);
	free(v->t3);
	for (i = 0; i < v->c.nh; i++) {
		free(v->eh[i]);
		free(v->dh[i]);
	}
}

void
del_vae(Vae *v)
{
	if (!v)
		return;
	free_acts(v);
	del_dense_sparse(&v->sp);
	free(v->gs);
	free(v->p);
	free(v->g);
	free(v);
}

/* room for the activations of b songs */
static void
reserve(Vae *v, size_t b)
{
	const VaeConfig *c = &v->c;
	unsigned i;

	if (b <= v->bcap)
		return;
	free_acts(v);
	v->bcap = b;
	v->ein = ecalloc(b, (c->d + c->k) * sizeof(float));
	v->emu = ecalloc(b, c->z * sizeof(float));
	v->elv = ecalloc(b, c->z * sizeof(float));
	v->z = ecalloc(b, c->z * sizeof(float));
	v->din = ecalloc(b, (c->z + c->k) * sizeof(float));
	v->xhat = ecalloc(b, c->d * sizeof(float));
	v->t1 = ecalloc(b, v->wmax * sizeof(float));
	v->t2 = ecalloc(b, v->wmax * sizeof(float));
	v->t3 = ecalloc(b, v->wmax * sizeof(float));
	for (i = 0; i < c->nh; i++) {
		v->eh[i] = ecalloc(b, c->h[i] * sizeof(float));
		v->dh[i] = ecalloc(b, dec_out(c, i) * sizeof(float));
	}
}

/* dst rows = [src row (w values), one-hot of lab (k values)] */
static void
join(float *dst, const float *src, unsigned w, const int *lab, unsigned k, size_t b)
{
	size_t i;

	for (i = 0; i < b; i++) {
		memcpy(dst + i * (w + k), src + i * w, w * sizeof *dst);
		if (k) {
			memset(dst + i * (w + k) + w, 0, k * sizeof *dst);
			dst[i * (w + k) + w + lab[i]] = 1;
		}
	}
}

/* the encoder on b songs: v->emu, v->elv */
static void
encoder(Vae *v, const float *x, const int *lab, size_t b)
{
	const float *in;
	unsigned i;

	reserve(v, b);
	in = v->ein;
	join(v->ein, x, v->c.d, lab, v->c.k, b);
	for (i = 0; i < v->c.nh; i++) {
		if (i == 0 && v->sparse < v->c.d + v->c.k) {
			v->sp.from = v->sparse;
			dense_sparse_build(&v->sp, v->ein, b, v->c.d + v->c.k);
			dense_forward_sparse(&v->enc[0], v->ein, &v->sp, b, v->eh[0], 1);
		} else {
			dense_forward(&v->enc[i], in, b, v->eh[i], 1);
		}
		in = v->eh[i];
	}
	dense_forward(&v->mu, in, b, v->emu, 0);
	dense_forward(&v->lv, in, b, v->elv, 0);
}

/* the decoder on b latent vectors: v->xhat */
static void
decoder(Vae *v, const float *z, const int *lab, size_t b)
{
	const float *in = v->din;
	unsigned i;

	join(v->din, z, v->c.z, lab, v->c.k, b);
	for (i = 0; i < v->c.nh; i++) {
		dense_forward(&v->dec[i], in, b, v->dh[i], 1);
		in = v->dh[i];
	}
	dense_forward(&v->out, in, b, v->xhat, 0);
}

void
vae_encode(Vae *v, const float *x, const int *lab, size_t b, float *mu)
{
	encoder(v, x, lab, b);
	memcpy(mu, v->emu, b * v->c.z * sizeof *mu);
}

void
vae_decode(Vae *v, const float *z, const int *lab, size_t b, float *xhat)
{
	reserve(v, b);
	decoder(v, z, lab, b);
	memcpy(xhat, v->xhat, b * v->c.d * sizeof *xhat);
}

/* sum of (a - b)^2: each square in float32, summed in double in 8 partial sums */
HOT static double
sqerr(const float *a, const float *b, size_t n)
{
	double acc[8] = { 0 };
	size_t i, k;
	float e;

	for (i = 0; i + 8 <= n; i += 8)
		for (k = 0; k < 8; k++) {
			e = a[i + k] - b[i + k];
			acc[k] += (double)(e * e);
		}
	for (k = 0; i < n; i++, k++) {
		e = a[i] - b[i];
		acc[k] += (double)(e * e);
	}
	return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* the loss sums of the batch in v (v->xhat against x, v->emu, v->elv) */
static void
loss(const Vae *v, const float *x, size_t b, VaeLoss *l)
{
	size_t i, nz = b * v->c.z;
	double r = sqerr(v->xhat, x, b * v->c.d), k = 0;

	for (i = 0; i < nz; i++)
		k += (double)(1 + v->elv[i] - v->emu[i] * v->emu[i] - expf(v->elv[i]));
	l->recon = r;
	l->kl = -0.5 * k;
}

/* a block of updated parameters, for dense_backward_update */
static void
update(void *ctx, float *p, const float *g, size_t n)
{
	Vae *v = ctx;

	adam_part(v->opt, (size_t)(p - v->p), p, g, n);
}

/* one layer's backward pass (s: the split first layer), with the step when fused */
static void
back(Vae *v, const Dense *l, const float *x, DenseSparse *s, const float *dy, size_t b,
    float *dx)
{
	if (v->opt)
		dense_backward_update(l, x, s, dy, b, dx, v->gs, update, v);
	else if (s)
		dense_backward_sparse(l, x, s, dy, b);
	else
		dense_backward(l, x, dy, b, dx);
}

/* decoder backward from dL/dx^ in t1; leaves dL/dz in t1 (b x (z + k) rows) */
static void
decoder_back(Vae *v, size_t b)
{
	unsigned i = v->c.nh;
	float *dy = v->t1, *dx = v->t2, *tmp;

	back(v, &v->out, i ? v->dh[i - 1] : v->din, NULL, dy, b, dx);
	while (i-- > 0) {
		tmp = dy, dy = dx, dx = tmp;
		dense_relu_mask(dy, v->dh[i], b * v->dec[i].out);
		back(v, &v->dec[i], i ? v->dh[i - 1] : v->din, NULL, dy, b, dx);
	}
	if (dx != v->t1)
		memcpy(v->t1, dx, b * (v->c.z + v->c.k) * sizeof *dx);
}

/* encoder backward from dL/dmu in t2 and dL/dlogvar in t3 */
static void
encoder_back(Vae *v, size_t b)
{
	unsigned i = v->c.nh;
	const float *in = i ? v->eh[i - 1] : v->ein;
	size_t j, n;
	float *dy = v->t1, *dx = v->t2, *tmp;

	back(v, &v->mu, in, NULL, v->t2, b, i ? v->t1 : NULL);
	back(v, &v->lv, in, NULL, v->t3, b, i ? v->t2 : NULL);
	if (!i)
		return;
	n = b * v->c.h[i - 1];
	for (j = 0; j < n; j++)
		v->t1[j] += v->t2[j];
	while (i-- > 0) {
		dense_relu_mask(dy, v->eh[i], b * v->c.h[i]);
		if (i == 0 && v->sparse < v->c.d + v->c.k)
			back(v, &v->enc[0], v->ein, &v->sp, dy, b, NULL);
		else
			back(v, &v->enc[i], i ? v->eh[i - 1] : v->ein, NULL, dy, b, i ? dx : NULL);
		tmp = dy, dy = dx, dx = tmp;
	}
}

void
vae_step(Vae *v, const float *x, const int *lab, const float *eps, size_t b, Adam *a,
    VaeLoss *l)
{
	const VaeConfig *c = &v->c;
	size_t i, j, nd = b * c->d;
	float s, inv = 1.0f / (float)b, kb = (float)(c->beta / (double)b), dz, sd;

	encoder(v, x, lab, b);
	for (i = 0; i < b * c->z; i++)
		v->z[i] = v->emu[i] + eps[i] * expf(0.5f * v->elv[i]);
	decoder(v, v->z, lab, b);
	loss(v, x, b, l);
	s = 2 * inv;
	for (i = 0; i < nd; i++)
		v->t1[i] = s * (v->xhat[i] - x[i]);
	if ((v->opt = a))
		adam_begin(a);
	decoder_back(v, b);
	for (i = 0; i < b; i++) /* t1 rows are z + k wide: the latent part */
		for (j = 0; j < c->z; j++) {
			size_t q = i * c->z + j;

			dz = v->t1[i * (c->z + c->k) + j];
			sd = expf(0.5f * v->elv[q]);
			v->t2[q] = dz + kb * v->emu[q];
			v->t3[q] = dz * eps[q] * sd * 0.5f + kb * -0.5f * (1 - expf(v->elv[q]));
		}
	encoder_back(v, b);
	v->opt = NULL;
}

void
vae_eval(Vae *v, const float *x, const int *lab, size_t b, VaeLoss *l)
{
	encoder(v, x, lab, b);
	decoder(v, v->emu, lab, b);
	loss(v, x, b, l);
}

#define HINT "train one with 'vae train -m FILE' (see vae(1))"
#define NCONF (6 + VAE_MAXH)

/* "enc.0", "enc.mu", ..., "dec.out": the tensor name prefix of layer i */
static void
layer_name(const VaeConfig *c, unsigned i, char *buf, size_t n)
{
	if (i < c->nh)
		snprintf(buf, n, "enc.%u", i);
	else if (i == c->nh)
		snprintf(buf, n, "enc.mu");
	else if (i == c->nh + 1)
		snprintf(buf, n, "enc.logvar");
	else if (i < 2 * c->nh + 2)
		snprintf(buf, n, "dec.%u", i - c->nh - 2);
	else
		snprintf(buf, n, "dec.out");
}

int
vae_save(const Vae *v, char *const *labels, FILE *fp, const char *path)
{
	WeightsOut *o = new_weightsout();
	Dense *l[2 * VAE_MAXH + 3];
	float conf[NCONF] = { VAE_FORMAT, v->c.d, v->c.z, v->c.k, v->c.nh, (float)v->c.beta };
	float *lab;
	unsigned n, i, dims[2];
	char name[64];
	size_t j;
	int rc;

	for (i = 0; i < v->c.nh; i++)
		conf[6 + i] = (float)v->c.h[i];
	dims[0] = NCONF;
	weightsout_add(o, "vae.config", 1, dims, conf);
	if (v->c.k) {
		lab = ecalloc((size_t)v->c.k * VAE_LABELMAX, sizeof *lab);
		for (i = 0; i < v->c.k; i++)
			for (j = 0; j < VAE_LABELMAX - 1 && labels[i][j]; j++)
				lab[i * VAE_LABELMAX + j] = (unsigned char)labels[i][j];
		dims[0] = v->c.k, dims[1] = VAE_LABELMAX;
		weightsout_add(o, "vae.labels", 2, dims, lab);
		free(lab);
	}
	layers((Vae *)v, l, &n);
	for (i = 0; i < n; i++) {
		layer_name(&v->c, i, name, sizeof name - 8);
		dims[0] = l[i]->out, dims[1] = l[i]->in;
		strcat(name, ".weight");
		weightsout_add(o, name, 2, dims, l[i]->w);
		strcpy(strrchr(name, '.'), ".bias");
		weightsout_add(o, name, 1, dims, l[i]->b);
	}
	rc = weightsout_write(o, fp, path);
	del_weightsout(o);
	return rc;
}

/* the configuration tensor into c; 0, or -1 after a message */
static int
load_config(const Weights *w, const char *path, VaeConfig *c)
{
	unsigned dims[1] = { NCONF }, i;
	const float *f;

	if (!weights_has(w, "vae.config")) {
		weprintf("%s: not a VAE model (no vae.config tensor)", path);
		return -1;
	}
	if (!(f = weights_get(w, "vae.config", 1, dims)))
		return -1;
	if (f[0] != VAE_FORMAT) {
		weprintf("%s: VAE model format %g, this build reads %d", path, f[0], VAE_FORMAT);
		return -1;
	}
	memset(c, 0, sizeof *c);
	c->d = (unsigned)f[1], c->z = (unsigned)f[2], c->k = (unsigned)f[3], c->nh = (unsigned)f[4];
	c->beta = f[5];
	for (i = 0; i < c->nh && i < VAE_MAXH; i++)
		c->h[i] = (unsigned)f[6 + i];
	for (i = 0; i < c->nh && i < VAE_MAXH && c->h[i] >= 1; i++)
		;
	if (c->d < 1 || c->z < 1 || c->nh > VAE_MAXH || i < c->nh || !(c->beta >= 0) ||
	    c->d != f[1] || c->z != f[2] || c->k != f[3]) {
		weprintf("%s: corrupt VAE model (bad vae.config)", path);
		return -1;
	}
	return 0;
}

/* the label names; NULL after a message */
static char **
load_labels(const Weights *w, unsigned k)
{
	unsigned dims[2] = { k, VAE_LABELMAX }, i, j;
	const float *f = weights_get(w, "vae.labels", 2, dims);
	char **lab;

	if (!f)
		return NULL;
	lab = ecalloc(k, sizeof *lab);
	for (i = 0; i < k; i++) {
		lab[i] = ecalloc(VAE_LABELMAX, 1);
		for (j = 0; j < VAE_LABELMAX - 1; j++)
			lab[i][j] = (char)(unsigned char)f[i * VAE_LABELMAX + j];
	}
	return lab;
}

Vae *
vae_load(const char *path, char ***labels)
{
	Weights *w = new_weights_for(path, "VAE model", HINT);
	Dense *l[2 * VAE_MAXH + 3];
	const float *wt, *bs;
	unsigned n, i, dims[2];
	char name[64];
	VaeConfig c;
	Vae *v = NULL;

	*labels = NULL;
	if (!w || load_config(w, path, &c) || (c.k && !(*labels = load_labels(w, c.k))))
		goto out;
	v = new_vae(&c);
	layers(v, l, &n);
	for (i = 0; i < n; i++) {
		layer_name(&c, i, name, sizeof name - 8);
		strcat(name, ".weight");
		dims[0] = l[i]->out, dims[1] = l[i]->in;
		wt = weights_get(w, name, 2, dims);
		strcpy(strrchr(name, '.'), ".bias");
		if (!wt || !(bs = weights_get(w, name, 1, dims))) {
			del_vae(v);
			v = NULL;
			goto out;
		}
		memcpy(l[i]->w, wt, (size_t)dims[0] * dims[1] * sizeof *wt);
		memcpy(l[i]->b, bs, dims[0] * sizeof *bs);
	}
out:
	del_weights(w);
	return v;
}
