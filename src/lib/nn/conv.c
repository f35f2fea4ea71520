/* conv.c — shared network layers on sgemm (see conv.h). */
#include "nn/conv.h"
#include "core/hot.h"
#include "core/pool.h"

#include <cblas.h>
#include <string.h>


typedef struct {
	void (*fn)(void *, int);
	void *arg;
} Part;

static void
part_block(void *p, size_t b, int tid)
{
	Part *q = p;

	q->fn(q->arg, (int)b);
}

void
conv_parallel(int nt, void (*fn)(void *arg, int t), void *arg)
{
	Part q = {fn, arg};

	pool_run(nt, (size_t)nt, part_block, &q);
}

void
conv_dense(const float *in, size_t B, unsigned nin, const float *w, int wtrans,
    const float *b, unsigned j0, unsigned j1, unsigned nout, int relu, float *out)
{
	size_t r;
	unsigned j;

	if (j1 <= j0)
		return;
	if (wtrans)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, j1 - j0, nin, 1.0f, in,
		    nin, w + (size_t)j0 * nin, nin, 0.0f, out + j0, nout);
	else
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, j1 - j0, nin, 1.0f, in,
		    nin, w + j0, nout, 0.0f, out + j0, nout);
	for (r = 0; r < B; r++) {
		float *o = out + r * nout;
		for (j = j0; j < j1; j++) {
			float v = o[j] + b[j];
			o[j] = relu && v < 0 ? 0 : v;
		}
	}
}

/* conv_column's register blocks: CC_LANES lanes of CC_LANE floats span the width
 * (CONV_COLW), CC_F outputs a block */
#define CC_LANE 16
#define CC_LANES (CONV_COLW / CC_LANE)
#define CC_F 4

typedef float CLane __attribute__((vector_size(CC_LANE * sizeof(float))));
typedef int CMask __attribute__((vector_size(CC_LANE * sizeof(int))));

/* *m = the larger of *m and y, lane by lane (vectors through pointers: no
 * vector ABI for the baseline clone) */
static inline __attribute__((always_inline)) void
lane_max(CLane *m, const CLane *y)
{
	CMask g = *y > *m;

	*m = (CLane)(((CMask)*y & g) | ((CMask)*m & ~g));
}

/* the largest of the CC_LANE (16) floats of *m: halves, quarters ... folded by
 * shuffles (the maximum is exact in any order); *m is overwritten */
static inline __attribute__((always_inline)) float
lane_top(CLane *m)
{
	CLane y;

	_Static_assert(CC_LANE == 16, "lane_top folds 16 lanes");
	y = __builtin_shufflevector(*m, *m, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5,
	    6, 7);
	lane_max(m, &y);
	y = __builtin_shufflevector(*m, *m, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10,
	    11);
	lane_max(m, &y);
	y = __builtin_shufflevector(*m, *m, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12,
	    13);
	lane_max(m, &y);
	y = __builtin_shufflevector(*m, *m, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15,
	    14);
	lane_max(m, &y);
	return (*m)[0];
}

/* y = s max(0, (the extreme of a over the width) + b) + t for nf outputs: the
 * largest value, the smallest when s < 0 (the largest of the values with their
 * sign bits flipped, flipped back) */
static inline __attribute__((always_inline)) void
column_pool(CLane a[][CC_LANES], unsigned nf, const float *b, const float *s,
    const float *t, float *out)
{
	CLane m, y;
	CMask sg;
	unsigned f, v;

#pragma GCC unroll 8
	for (f = 0; f < nf; f++) {
		float e;
		sg = (CMask){0} + (s[f] < 0 ? (int)0x80000000u : 0);
		m = (CLane)((CMask)a[f][0] ^ sg);
#pragma GCC unroll 8
		for (v = 1; v < CC_LANES; v++) {
			y = (CLane)((CMask)a[f][v] ^ sg);
			lane_max(&m, &y);
		}
		e = lane_top(&m);
		e = (s[f] < 0 ? -e : e) + b[f];
		out[f] = s[f] * (e > 0 ? e : 0) + t[f];
	}
}

/* nf (a constant, 1..CC_F) outputs from o of one row: base (or zeros) plus the
 * taps k0..k1-1 of w [kh][O] on the rows xr, xr + W ... (the frames of taps k0..),
 * in tap order; into sum (the outputs' CONV_COLW values each) or, pooled, out */
static inline __attribute__((always_inline)) void
column_block(const float *xr, const float *w, unsigned k0, unsigned k1, unsigned O,
    unsigned o, unsigned nf, const float *base, float *sum, const float *b,
    const float *s, const float *t, float *out)
{
	CLane a[CC_F][CC_LANES], x;
	unsigned k, f, v;

#pragma GCC unroll 8
	for (f = 0; f < nf; f++)
#pragma GCC unroll 8
		for (v = 0; v < CC_LANES; v++)
			if (base)
				memcpy(&a[f][v], base + ((size_t)(o + f) * CC_LANES + v) * CC_LANE,
				    sizeof x);
			else
				a[f][v] = (CLane){0};
	for (k = k0; k < k1; k++, xr += CONV_COLW) {
		const float *wk = w + (size_t)k * O + o;
#pragma GCC unroll 8
		for (v = 0; v < CC_LANES; v++) {
			memcpy(&x, xr + v * CC_LANE, sizeof x);
#pragma GCC unroll 8
			for (f = 0; f < nf; f++)
				a[f][v] += x * wk[f];
		}
	}
	if (!sum) {
		column_pool(a, nf, b + o, s + o, t + o, out + o);
		return;
	}
#pragma GCC unroll 8
	for (f = 0; f < nf; f++)
#pragma GCC unroll 8
		for (v = 0; v < CC_LANES; v++)
			memcpy(sum + ((size_t)(o + f) * CC_LANES + v) * CC_LANE, &a[f][v], sizeof x);
}

/* one row of conv_column: the outputs in blocks of CC_F, then the rest */
static inline __attribute__((always_inline)) void
column_row(const float *xr, const float *w, unsigned k0, unsigned k1, unsigned O,
    const float *base, float *sum, const float *b, const float *s, const float *t,
    float *out)
{
	unsigned o;

	for (o = 0; o + CC_F <= O; o += CC_F)
		column_block(xr, w, k0, k1, O, o, CC_F, base, sum, b, s, t, out);
	if (O - o == 3) /* constants: the accumulators stay in registers */
		column_block(xr, w, k0, k1, O, o, 3, base, sum, b, s, t, out);
	else if (O - o == 2)
		column_block(xr, w, k0, k1, O, o, 2, base, sum, b, s, t, out);
	else if (O - o == 1)
		column_block(xr, w, k0, k1, O, o, 1, base, sum, b, s, t, out);
}

HOT void
conv_column(const float *x, unsigned a, unsigned e, unsigned h0, unsigned h1,
    const float *w, unsigned kh, unsigned O, const float *base, float *sum,
    const float *b, const float *s, const float *t, float *out, size_t ldo)
{
	unsigned pb = (kh - 1) / 2, h, k0, k1;
	size_t ls = (size_t)O * CONV_COLW;

	for (h = h0; h < h1; h++) {
		const float *br = base ? base + (h - h0) * ls : NULL;
		k0 = a + pb > h ? a + pb - h : 0;
		k1 = e + pb > h ? (e + pb - h < kh ? e + pb - h : kh) : 0;
		if (k1 < k0)
			k1 = k0;
		column_row(k1 > k0 ? x + ((size_t)h + k0 - pb) * CONV_COLW : x, w, k0, k1, O, br,
		    sum ? sum + (h - h0) * ls : NULL, b, s, t, out + (h - h0) * ldo);
	}
}

void
conv_bn_relu(float *y, size_t H, unsigned O, const float *b, const float *s, const float *t)
{
	size_t h;
	unsigned o;

	for (h = 0; h < H; h++, y += O)
		for (o = 0; o < O; o++) {
			float v = y[o] + b[o];
			y[o] = s[o] * (v > 0 ? v : 0) + t[o];
		}
}

void
conv_time_sum(const float *xp, size_t ldx, unsigned H, unsigned C, const float *w,
    unsigned kh, unsigned cw, unsigned O, int acc, float *out)
{
	unsigned d;

	for (d = 0; d < kh; d++)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, H, O, C, 1.0f,
		    xp + d * ldx, ldx, w + (size_t)d * cw * O, O, d || acc ? 1.0f : 0.0f, out, O);
}

void
conv_time(const float *xp, unsigned H, unsigned C, const float *w, unsigned kh,
    unsigned O, const float *b, const float *s, const float *t, float *out)
{
	conv_time_sum(xp, C, H, C, w, kh, C, O, 0, out);
	conv_bn_relu(out, H, O, b, s, t);
}
