/* vaefit.c — mini-batch training of a VAE (see vaefit.h). */
#include "nn/vaefit.h"
#include "nn/adam.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct Run {
	Vae *v;
	const VaeFitOpt *o;
	const float *x;
	const int *lab;
	size_t n;
	size_t *perm;
	float *xb, *eps;
	int *lb;
	Adam adam;
	Rng shuffle, noise;
	unsigned long step;
	unsigned *col;        /* batch column j is data column col[j] */
	int moved;            /* some column is not in its place */
} Run;

/* Columns with fewer than 1 in SPARSE_DENSITY non-zero values (TF-IDF terms) are
 * cheaper as row lists than through sgemm; the path pays off from SPARSE_MIN such
 * columns */
#define SPARSE_DENSITY 16
#define SPARSE_MIN 32

/* put the sparse columns of x last: r->col, and v->sparse = the dense count */
static void
plan_columns(Run *r)
{
	unsigned d = r->v->c.d, j, nd = 0, ns;
	size_t i, *nz = ecalloc(d, sizeof *nz);

	for (i = 0; i < r->n; i++)
		for (j = 0; j < d; j++)
			nz[j] += r->x[i * d + j] != 0;
	for (j = 0; j < d; j++)
		if (nz[j] * SPARSE_DENSITY >= r->n)
			r->col[nd++] = j;
	ns = nd;
	for (j = 0; j < d; j++)
		if (nz[j] * SPARSE_DENSITY < r->n)
			r->col[ns++] = j;
	free(nz);
	if (d - nd < SPARSE_MIN || !r->v->c.nh)
		for (j = 0, nd = d; j < d; j++)
			r->col[j] = j;
	r->v->sparse = nd < d ? nd : d + r->v->c.k;
	for (j = 0; j < d && r->col[j] == j; j++)
		;
	r->moved = j < d;
}

/* reorder the columns of the first layer and the rows of the output layer as the
 * batches' columns (inverse: back to the data's order) */
static void
permute(Run *r, int inverse)
{
	Vae *v = r->v;
	unsigned d = v->c.d, in = d + v->c.k, j, o;
	float *tmp = ecalloc(in > v->out.in ? in : v->out.in, sizeof *tmp);
	float *ow = ecalloc((size_t)d * v->out.in, sizeof *ow), *ob = ecalloc(d, sizeof *ob);
	Dense *l = v->c.nh ? &v->enc[0] : &v->mu;

	for (o = 0; o < l->out; o++) {
		float *w = l->w + (size_t)o * in;

		memcpy(tmp, w, in * sizeof *tmp);
		for (j = 0; j < d; j++)
			w[inverse ? r->col[j] : j] = tmp[inverse ? j : r->col[j]];
	}
	memcpy(ow, v->out.w, (size_t)d * v->out.in * sizeof *ow);
	memcpy(ob, v->out.b, d * sizeof *ob);
	for (j = 0; j < d; j++) {
		unsigned to = inverse ? r->col[j] : j, from = inverse ? j : r->col[j];

		memcpy(v->out.w + (size_t)to * v->out.in, ow + (size_t)from * v->out.in,
		    v->out.in * sizeof *ow);
		v->out.b[to] = ob[from];
	}
	free(tmp);
	free(ow);
	free(ob);
}

/* eps for b songs: from the hook stream or the generator; 0, or -1 after a message */
static int
draw(Run *r, size_t b)
{
	unsigned z = r->v->c.z;
	size_t i, j;
	int e;

	if (!r->o->noise) {
		for (i = 0; i < b * z; i++)
			r->eps[i] = (float)rng_normal(&r->noise);
		return 0;
	}
	for (i = 0; i < b; i++) {
		if ((e = vreader_next(r->o->noise)) <= 0)
			return e < 0 ? -1 : vreader_error(r->o->noise, "noise stream ended at step %lu", r->step + 1);
		if (r->o->noise->n != z)
			return vreader_error(r->o->noise, "%zu noise values, the latent has %u", r->o->noise->n, z);
		for (j = 0; j < z; j++)
			r->eps[i * z + j] = r->o->noise->val[j];
	}
	return 0;
}

/* gather the songs perm[0..b) into the batch buffers; the order hook */
static int
gather(Run *r, const size_t *perm, size_t b)
{
	unsigned d = r->v->c.d, j;
	size_t i;

	for (i = 0; i < b; i++) {
		const float *src = r->x + perm[i] * d;

		if (!r->moved)
			memcpy(r->xb + i * d, src, d * sizeof *src);
		else
			for (j = 0; j < d; j++)
				r->xb[i * d + j] = src[r->col[j]];
		if (r->lab)
			r->lb[i] = r->lab[perm[i]];
		if (r->o->order)
			fprintf(r->o->order, "%s%zu", i ? " " : "", perm[i]);
	}
	if (r->o->order) {
		fputc('\n', r->o->order);
		if (ferror(r->o->order))
			return fshut(r->o->order, r->o->ordername);
	}
	return 0;
}

/* one epoch; its loss sums into *sum; 0, or -1 after a message */
static int
epoch(Run *r, unsigned ep, VaeLoss *sum)
{
	const VaeFitOpt *o = r->o;
	size_t i, j, t, b;
	VaeLoss l;

	for (i = r->n - 1; i > 0; i--) {
		j = (size_t)rng_below(&r->shuffle, i + 1);
		t = r->perm[i], r->perm[i] = r->perm[j], r->perm[j] = t;
	}
	sum->recon = sum->kl = 0;
	for (i = 0; i < r->n; i += b) {
		b = r->n - i < o->batch ? r->n - i : o->batch;
		if (gather(r, r->perm + i, b) || draw(r, b))
			return -1;
		vae_step(r->v, r->xb, r->lab ? r->lb : NULL, r->eps, b, &r->adam, &l);
		r->step++;
		sum->recon += l.recon;
		sum->kl += l.kl;
		if (o->curve && o->perstep)
			fprintf(o->curve, "%lu\t%u\t%.9g\t%.9g\t%.9g\n", r->step, ep + 1,
			    (l.recon + r->v->c.beta * l.kl) / b, l.recon / b, l.kl / b);
	}
	if (o->curve && !o->perstep)
		fprintf(o->curve, "%u\t%.9g\t%.9g\t%.9g\n", ep + 1,
		    (sum->recon + r->v->c.beta * sum->kl) / r->n, sum->recon / r->n, sum->kl / r->n);
	if (o->curve && ferror(o->curve))
		return fshut(o->curve, o->curvename);
	return 0;
}

int
vae_fit(Vae *v, const float *x, const int *lab, size_t n, const VaeFitOpt *o)
{
	Run r = { .v = v, .o = o, .x = x, .lab = lab, .n = n };
	Progress *p = new_progress("epochs", o->epochs);
	VaeLoss sum;
	unsigned e;
	size_t i;
	int rc = 0;

	r.perm = ecalloc(n, sizeof *r.perm);
	for (i = 0; i < n; i++)
		r.perm[i] = i;
	r.xb = ecalloc(o->batch, v->c.d * sizeof *r.xb);
	r.eps = ecalloc(o->batch, v->c.z * sizeof *r.eps);
	r.lb = ecalloc(o->batch, sizeof *r.lb);
	r.col = ecalloc(v->c.d, sizeof *r.col);
	plan_columns(&r);
	permute(&r, 0);
	if (v->sparse < v->c.d + v->c.k) { /* the first layer's sparse columns, transposed */
		dense_split(&v->enc[0], v->sparse, 1);
		memset(v->enc[0].dw, 0, dense_size(v->enc[0].in, v->enc[0].out) * sizeof(float));
		v->sp.ntouched = 0;
	}
	adam_init(&r.adam, v->np, o->lr);
	rng_seed(&r.shuffle, o->seed, 1);
	rng_seed(&r.noise, o->seed, 2);
	if (o->curve)
		fputs(o->perstep ? "#step\tepoch\tloss\trecon\tkl\n" : "#epoch\tloss\trecon\tkl\n", o->curve);
	for (e = 0; e < o->epochs && !rc; e++) {
		rc = epoch(&r, e, &sum);
		progress_do(p, e + 1);
	}
	del_progress(p);
	if (v->sparse < v->c.d + v->c.k)
		dense_split(&v->enc[0], v->sparse, 0);
	permute(&r, 1);
	v->sparse = v->c.d + v->c.k;
	free(r.col);
	del_adam(&r.adam);
	free(r.perm);
	free(r.xb);
	free(r.eps);
	free(r.lb);
	return rc;
}

void
vae_fit_eval(Vae *v, const float *x, const int *lab, size_t n, VaeLoss *l)
{
	size_t i, b, chunk = 256;
	VaeLoss s;

	l->recon = l->kl = 0;
	for (i = 0; i < n; i += b) {
		b = n - i < chunk ? n - i : chunk;
		vae_eval(v, x + i * v->c.d, lab ? lab + i : NULL, b, &s);
		l->recon += s.recon;
		l->kl += s.kl;
	}
}
