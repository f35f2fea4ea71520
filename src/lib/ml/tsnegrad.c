/* tsnegrad.c — KL(P || Q) and its gradient, exact and Barnes-Hut (see tsnegrad.h). */
#include "ml/tsnegrad.h"
#include "core/pool.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRAD_BLOCK 64 /* points per block of work */

typedef struct Job {
	TsneObj *o;
	const double *y;
	double *grad;
	double z;        /* BH: the normalisation, once known */
	int error;
} Job;

static size_t
nblocks(size_t n)
{
	return (n + GRAD_BLOCK - 1) / GRAD_BLOCK;
}

void
tsnegrad_init(TsneObj *o, size_t n, int dims, const float *pd, const TsneP *ps, double theta,
    int nthreads)
{
	memset(o, 0, sizeof *o);
	o->n = n;
	o->dims = dims;
	o->dof = dims > 2 ? dims - 1 : 1;
	o->pd = pd;
	o->ps = ps;
	o->exag = 1;
	o->theta = theta;
	o->nthreads = nthreads < 1 ? 1 : nthreads;
	o->neg = ereallocarray(NULL, n ? n : 1, (size_t)dims * sizeof *o->neg);
	o->part = ereallocarray(NULL, nblocks(n) ? nblocks(n) : 1, 2 * sizeof *o->part);
	if (!pd)
		o->tree = new_sptree(dims);
}

void
tsnegrad_free(TsneObj *o)
{
	del_sptree(o->tree);
	free(o->neg);
	free(o->part);
	memset(o, 0, sizeof *o);
}

/* exact: rows of block b; grad gets sum p w diff, neg sum w^2 diff, part[2b] Z */
static void
exact_block(void *arg, size_t b, int tid)
{
	Job *j = arg;
	TsneObj *o = j->o;
	size_t n = o->n, i, l, e = (b + 1) * GRAD_BLOCK < n ? (b + 1) * GRAD_BLOCK : n;
	int dims = o->dims, k;
	double z = 0, d[3], d2, w, pw, a[3], r[3];

	for (i = b * GRAD_BLOCK; i < e; i++) {
		const double *yi = j->y + i * dims;
		const float *pi = o->pd + i * n;
		for (k = 0; k < dims; k++)
			a[k] = r[k] = 0;
		for (l = 0; l < n; l++) {
			if (l == i)
				continue;
			d2 = 0;
			for (k = 0; k < dims; k++) {
				d[k] = yi[k] - j->y[l * dims + k];
				d2 += d[k] * d[k];
			}
			w = sptree_kernel(d2, o->dims);
			z += w;
			pw = (double)pi[l] * o->exag * w;
			w *= w;
			for (k = 0; k < dims; k++) {
				a[k] += pw * d[k];
				r[k] += w * d[k];
			}
		}
		for (k = 0; k < dims; k++) {
			j->grad[i * dims + k] = a[k];
			o->neg[i * dims + k] = r[k];
		}
	}
	o->part[2 * b] = z;
}

/* exact KL of the rows of block b, once Z is known: part[2b + 1] */
static void
exact_kl_block(void *arg, size_t b, int tid)
{
	Job *j = arg;
	TsneObj *o = j->o;
	size_t n = o->n, i, l, e = (b + 1) * GRAD_BLOCK < n ? (b + 1) * GRAD_BLOCK : n;
	int dims = o->dims, k;
	double kl = 0, d2, q, p, t;

	for (i = b * GRAD_BLOCK; i < e; i++)
		for (l = i + 1; l < n; l++) {
			d2 = 0;
			for (k = 0; k < dims; k++) {
				t = j->y[i * dims + k] - j->y[l * dims + k];
				d2 += t * t;
			}
			q = fmax(sptree_kernel(d2, o->dims) / j->z, DBL_EPSILON);
			p = (double)o->pd[i * n + l] * o->exag;
			kl += p * log(fmax(p, DBL_EPSILON) / q);
		}
	o->part[2 * b + 1] = 2 * kl;
}

/* Barnes-Hut repulsion of the points of block b (in tree order, in groups of
 * nearby points): part[2b] their Z */
static void
bh_neg_block(void *arg, size_t b, int tid)
{
	Job *j = arg;
	TsneObj *o = j->o;
	size_t n = o->n, t, g, e = (b + 1) * GRAD_BLOCK < n ? (b + 1) * GRAD_BLOCK : n, l;
	double z = 0, sq[SPTREE_GROUP];

	for (t = b * GRAD_BLOCK; t < e; t += SPTREE_GROUP) {
		g = e - t < SPTREE_GROUP ? e - t : SPTREE_GROUP;
		sptree_repulsion_group(o->tree, t, t + g, o->theta, o->neg, sq);
		for (l = 0; l < g; l++)
			z += sq[l];
	}
	o->part[2 * b] = z;
}

/* row i's KL terms sum p log(max(p, FLT_MIN) / max(q, FLT_MIN)) */
static double
row_kl(const Job *j, size_t i, const double *yi, int dims)
{
	const TsneP *P = j->o->ps;
	double kl = 0, d2, t, p;
	size_t m;
	int k;

	for (m = P->ptr[i]; m < P->ptr[i + 1]; m++) {
		for (d2 = 0, k = 0; k < dims; k++) {
			t = yi[k] - j->y[(size_t)P->col[m] * dims + k];
			d2 += t * t;
		}
		p = (double)P->val[m] * j->o->exag;
		kl += p * log(fmax(p, FLT_MIN) / fmax(sptree_kernel(d2, j->o->dims) / j->z, FLT_MIN));
	}
	return kl;
}

/* the attraction of rows i0 .. i1 for a fixed dimension D (loops unrolled) */
#define ATTRACTION(D)								\
	const TsneP *P = j->o->ps;						\
	double kl = 0, d[3], d2, w, p, a[3], ex = j->o->exag;			\
	size_t i, m;								\
	int k;									\
										\
	for (i = i0; i < i1; i++) {						\
		const double *yi = j->y + i * D;				\
		for (k = 0; k < D; k++)						\
			a[k] = 0;						\
		for (m = P->ptr[i]; m < P->ptr[i + 1]; m++) {			\
			const double *yl = j->y + (size_t)P->col[m] * D;	\
			for (d2 = 0, k = 0; k < D; k++) {			\
				d[k] = yi[k] - yl[k];				\
				d2 += d[k] * d[k];				\
			}							\
			w = sptree_kernel(d2, D);					\
			p = (double)P->val[m] * ex * w;				\
			for (k = 0; k < D; k++)					\
				a[k] += p * d[k];				\
		}								\
		if (j->error) /* every 50 iterations: the KL terms */		\
			kl += row_kl(j, i, yi, D);				\
		for (k = 0; k < D; k++)						\
			j->grad[i * D + k] = a[k];				\
	}									\
	return kl;

static double
attraction1(Job *j, size_t i0, size_t i1)
{
	ATTRACTION(1)
}

/* the hot loop compiled for AVX-512 and AVX2 too (chosen at load time) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__((target_clones("avx512f", "avx2", "default"), optimize("O3")))
#else
#define HOT
#endif

typedef double V8d __attribute__((vector_size(64)));

/* ATTRACTION(2), the entries of a row 8 at a time (SIMD; 8 partial sums, added
 * in a fixed order) */
HOT static double
attraction2(Job *j, size_t i0, size_t i1)
{
	const TsneP *P = j->o->ps;
	double kl = 0, ex = j->o->exag, a[2], t0, t1, w;
	V8d d0, d1, p, s0, s1;
	size_t i, m, e, l;

	for (i = i0; i < i1; i++) {
		const double *yi = j->y + i * 2, *yl;
		s0 = s1 = (V8d){ 0 };
		for (m = P->ptr[i], e = P->ptr[i + 1]; m + 8 <= e; m += 8) {
			for (l = 0; l < 8; l++) {
				yl = j->y + (size_t)P->col[m + l] * 2;
				d0[l] = yi[0] - yl[0];
				d1[l] = yi[1] - yl[1];
				p[l] = (double)P->val[m + l] * ex;
			}
			p *= 1 / (1 + (d0 * d0 + d1 * d1));
			s0 += p * d0;
			s1 += p * d1;
		}
		for (a[0] = a[1] = 0, l = 0; l < 8; l++) {
			a[0] += s0[l];
			a[1] += s1[l];
		}
		for (; m < e; m++) {
			yl = j->y + (size_t)P->col[m] * 2;
			t0 = yi[0] - yl[0];
			t1 = yi[1] - yl[1];
			w = (double)P->val[m] * ex * sptree_kernel(t0 * t0 + t1 * t1, 2);
			a[0] += w * t0;
			a[1] += w * t1;
		}
		if (j->error) /* every 50 iterations: the KL terms */
			kl += row_kl(j, i, yi, 2);
		j->grad[i * 2] = a[0];
		j->grad[i * 2 + 1] = a[1];
	}
	return kl;
}

static double
attraction3(Job *j, size_t i0, size_t i1)
{
	ATTRACTION(3)
}

/* Barnes-Hut attraction of the rows of block b into grad; part[2b + 1] their KL */
static void
bh_pos_block(void *arg, size_t b, int tid)
{
	Job *j = arg;
	size_t n = j->o->n, i0 = b * GRAD_BLOCK, i1 = (b + 1) * GRAD_BLOCK < n ? (b + 1) * GRAD_BLOCK : n;
	int dims = j->o->dims;

	j->o->part[2 * b + 1] = dims == 2 ? attraction2(j, i0, i1) : dims == 3 ? attraction3(j, i0, i1) :
	    attraction1(j, i0, i1);
}

/* sum of part[2b + which] over the blocks, in block order */
static double
psum(const TsneObj *o, int which)
{
	double s = 0;
	size_t b;

	for (b = 0; b < nblocks(o->n); b++)
		s += o->part[2 * b + which];
	return s;
}

double
tsnegrad_do(TsneObj *o, const double *y, double *grad, int error)
{
	Job j = { o, y, grad, 0, error };
	size_t nb = nblocks(o->n), i;
	double c = 2 * (o->dof + 1) / o->dof, kl = NAN;

	if (o->pd) {
		pool_run(o->nthreads, nb, exact_block, &j);
		j.z = psum(o, 0);
		if (error) {
			pool_run(o->nthreads, nb, exact_kl_block, &j);
			kl = psum(o, 1);
		}
	} else {
		sptree_build(o->tree, y, o->n);
		pool_run(o->nthreads, nb, bh_neg_block, &j);
		j.z = psum(o, 0);
		pool_run(o->nthreads, nb, bh_pos_block, &j);
		if (error)
			kl = psum(o, 1);
	}
	for (i = 0; i < o->n * (size_t)o->dims; i++)
		grad[i] = c * (grad[i] - o->neg[i] / j.z);
	return kl;
}
