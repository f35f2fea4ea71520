/* unit test for src/lib/nn/dense.c and adam.c: the split layout with sparse columns
 * gives the dense layer's outputs and gradients (to 1e-5 of the largest value: only
 * the order of the sums differs), over several batches with different non-zero columns (the
 * gradient rows of the previous batch must be cleared); dense_split round trips bit
 * for bit; Adam's AVX-512/AVX pass equals the plain loop bit for bit; the backward
 * pass fused with Adam (dense_backward_update, several blocks) gives the parameters
 * and dx of a backward pass followed by adam_do (to 1e-5).  Prints
 * "not ok N what" lines; exit 1 on failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/util.h"
#include "nn/adam.h"
#include "nn/dense.h"
#include "../unit.h"

/* the largest difference relative to the largest |b|: sums in another order differ
 * by rounding, which near zero is large relative to the value itself */
static double
maxrel(const float *a, const float *b, size_t n)
{
	double m = 0, top = 1e-30, e;
	size_t i;

	for (i = 0; i < n; i++)
		if (fabs(b[i]) > top)
			top = fabs(b[i]);
	for (i = 0; i < n; i++)
		if ((e = fabs((double)a[i] - b[i]) / top) > m)
			m = e;
	return m;
}

#define IN 300
#define FROM 40
#define OUT 33
#define B 17

static void
sparse(void)
{
	size_t np = dense_size(IN, OUT), i, j, pass;
	float *p = ecalloc(np, sizeof *p), *g = ecalloc(np, sizeof *g), *p2, *g2, *split, *back;
	float *x = ecalloc(B * IN, sizeof *x), *y = ecalloc(B * OUT, sizeof *y);
	float *y2 = ecalloc(B * OUT, sizeof *y2), *dy = ecalloc(B * OUT, sizeof *dy);
	Dense d, s;
	DenseSparse sp = { .from = FROM };
	Rng r;

	rng_seed(&r, 7, 0);
	for (i = 0; i < np; i++)
		p[i] = (float)(2 * rng_uniform(&r) - 1);
	p2 = ecalloc(np, sizeof *p2), g2 = ecalloc(np, sizeof *g2);
	memcpy(p2, p, np * sizeof *p);
	dense_bind(&d, IN, OUT, p, g);
	dense_bind(&s, IN, OUT, p2, g2);
	dense_split(&s, FROM, 1);
	back = ecalloc(np, sizeof *back);
	memcpy(back, p2, np * sizeof *back);
	split = back;
	for (pass = 0; pass < 4; pass++) {
		for (i = 0; i < B * IN; i++) /* dense columns, then 3 % non-zero */
			x[i] = i % IN < FROM ? (float)rng_normal(&r) :
			    rng_uniform(&r) < 0.03 ? (float)rng_uniform(&r) : 0;
		for (i = 0; i < B * OUT; i++)
			dy[i] = (float)rng_normal(&r);
		dense_forward(&d, x, B, y, 1);
		dense_sparse_build(&sp, x, B, IN);
		dense_forward_sparse(&s, x, &sp, B, y2, 1);
		check(maxrel(y2, y, B * OUT) < 1e-5, "sparse forward = dense forward");
		dense_backward(&d, x, dy, B, NULL);
		dense_backward_sparse(&s, x, &sp, dy, B);
		memcpy(back, g2, np * sizeof *back); /* gradients back to nn.Linear's layout */
		{
			Dense t;

			dense_bind(&t, IN, OUT, back, NULL);
			dense_split(&t, FROM, 0);
		}
		check(maxrel(back, g, np) < 1e-5, "sparse gradients = dense gradients");
	}
	memcpy(back, p2, np * sizeof *back);
	dense_bind(&s, IN, OUT, back, NULL);
	dense_split(&s, FROM, 0);
	for (j = 0; j < np && back[j] == p[j]; j++)
		;
	check(j == np, "dense_split round trip");
	(void)split;
	del_dense_sparse(&sp);
	free(p), free(g), free(p2), free(g2), free(back), free(x), free(y), free(y2), free(dy);
}

static void
adam(void)
{
	size_t n = 1003, i, step;
	float *p1 = ecalloc(n, sizeof *p1), *p2 = ecalloc(n, sizeof *p2), *g = ecalloc(n, sizeof *g);
	Adam a1, a2;
	Rng r;

	rng_seed(&r, 3, 0);
	for (i = 0; i < n; i++)
		p1[i] = p2[i] = (float)rng_normal(&r);
	adam_init(&a1, n, 1e-3);
	adam_init(&a2, n, 1e-3);
	for (step = 0; step < 20; step++) {
		for (i = 0; i < n; i++)
			g[i] = (float)(rng_normal(&r) * (i % 7 ? 1 : 1e-6));
		unsetenv("SV_ADAM_GENERIC");
		adam_do(&a1, p1, g);
		setenv("SV_ADAM_GENERIC", "1", 1);
		adam_do(&a2, p2, g);
	}
	check(!memcmp(p1, p2, n * sizeof *p1) && !memcmp(a1.m, a2.m, n * sizeof *p1) &&
	    !memcmp(a1.v, a2.v, n * sizeof *p1), "Adam: vector pass = plain loop, bit for bit");
	del_adam(&a1);
	del_adam(&a2);
	free(p1), free(p2), free(g);
}

/* the update hook: Adam over the block at its offset in the arena p0 */
typedef struct Hook {
	Adam *a;
	float *p0;
	size_t calls, seen;
} Hook;

static void
hook(void *ctx, float *p, const float *g, size_t n)
{
	Hook *h = ctx;

	adam_part(h->a, (size_t)(p - h->p0), p, g, n);
	h->calls++;
	h->seen += n;
}

/* one layer of `in` inputs (the split one when from < in) through 3 steps both ways */
static void
fused(unsigned in, unsigned from, unsigned out)
{
	size_t np = dense_size(in, out), i, step;
	float *p = ecalloc(np, sizeof *p), *g = ecalloc(np, sizeof *g), *p2 = ecalloc(np, sizeof *p2);
	float *x = ecalloc(B * in, sizeof *x), *dy = ecalloc(B * out, sizeof *dy);
	float *dx = ecalloc(B * in, sizeof *dx), *dx2 = ecalloc(B * in, sizeof *dx2);
	float *gs = ecalloc(DENSE_BLOCK + in + out, sizeof *gs);
	DenseSparse sp = { .from = from }, sp2 = { .from = from };
	Adam a, a2;
	Hook h = { &a2, p2, 0, 0 };
	Dense d, d2;
	Rng r;

	rng_seed(&r, 11, 0);
	for (i = 0; i < np; i++)
		p[i] = p2[i] = (float)(2 * rng_uniform(&r) - 1);
	dense_bind(&d, in, out, p, g);
	dense_bind(&d2, in, out, p2, NULL);
	adam_init(&a, np, 1e-2);
	adam_init(&a2, np, 1e-2);
	for (step = 0; step < 3; step++) {
		for (i = 0; i < B * in; i++)
			x[i] = i % in < from ? (float)rng_normal(&r) :
			    rng_uniform(&r) < 0.05 ? (float)rng_uniform(&r) : 0;
		for (i = 0; i < B * out; i++)
			dy[i] = (float)rng_normal(&r);
		if (from < in) {
			dense_sparse_build(&sp, x, B, in);
			dense_sparse_build(&sp2, x, B, in);
			dense_backward_sparse(&d, x, &sp, dy, B);
		} else {
			dense_backward(&d, x, dy, B, dx);
		}
		adam_do(&a, p, g);
		adam_begin(&a2);
		dense_backward_update(&d2, x, from < in ? &sp2 : NULL, dy, B,
		    from < in ? NULL : dx2, gs, hook, &h);
		if (from == in)
			check(maxrel(dx2, dx, B * in) < 1e-5, "fused backward: dx (in %u)", in);
	}
	check(h.seen == 3 * np && h.calls > 6, "fused backward: every parameter once a step, in blocks");
	check(maxrel(p2, p, np) < 1e-5, "fused backward + Adam = backward, then Adam (in %u, from %u)",
	    in, from);
	del_dense_sparse(&sp);
	del_dense_sparse(&sp2);
	del_adam(&a);
	del_adam(&a2);
	free(p), free(g), free(p2), free(x), free(dy), free(dx), free(dx2), free(gs);
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	sparse();
	adam();
	fused(700, 700, 300);  /* a plain layer, 93 rows a block */
	fused(3000, 40, 300);  /* a split one: the sparse rows in blocks too */
	return unit_done();
}
