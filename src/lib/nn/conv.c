/* conv.c — shared network layers on sgemm (see conv.h). */
#include "nn/conv.h"
#include "core/hot.h"
#include "core/pool.h"

#include <cblas.h>
#include <float.h>
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

/* rows of the image per GEMM: about CF_ROWS im2col rows (positions) each */
#define CF_ROWS 512

size_t
conv_front_work(unsigned kmax, unsigned nout, unsigned H, unsigned W)
{
	return (size_t)CF_ROWS * kmax + (size_t)CF_ROWS * nout + (size_t)(H + kmax) * W;
}

/* im2col of rows h0..h0+nh-1 and kernel rows i0..i1-1: a[(h - h0) * P + p][(i - i0) *
 * kw + j] = x[h + i - pb][p + j] (zero outside the rows of x) */
HOT static void
im2col(const float *x, unsigned H, unsigned W, unsigned kh, unsigned kw, unsigned h0,
    unsigned nh, unsigned i0, unsigned i1, float *a)
{
	unsigned P = W - kw + 1, K = (i1 - i0) * kw, pb = (kh - 1) / 2, h, p, i;

	for (h = h0; h < h0 + nh; h++)
		for (i = i0; i < i1; i++) {
			int y = (int)h + (int)i - (int)pb;
			float *r = a + (size_t)(h - h0) * P * K + (i - i0) * kw;
			if (y < 0 || y >= (int)H) {
				for (p = 0; p < P; p++)
					memset(r + (size_t)p * K, 0, kw * sizeof *r);
				continue;
			}
			for (p = 0; p < P; p++)
				memcpy(r + (size_t)p * K, x + (size_t)y * W + p, kw * sizeof *r);
		}
}

/* a kernel one column wide (kw 1): im2col rows are columns of x, so x is first
 * transposed into xt [W][H + kh - 1] with the padding rows as zeros; then
 * a[(h - h0) * W + p][i - i0] = xt[p][h + i] for kernel rows i0 <= i < i1 */
HOT static void
im2col_column(const float *xt, unsigned H, unsigned W, unsigned kh, unsigned h0,
    unsigned nh, unsigned i0, unsigned i1, float *a)
{
	size_t ld = H + kh - 1, k = i1 - i0;
	unsigned h, p;

	for (h = h0; h < h0 + nh; h++)
		for (p = 0; p < W; p++)
			memcpy(a + ((size_t)(h - h0) * W + p) * k, xt + p * ld + h + i0, k * sizeof *a);
}

HOT static void
transpose_pad(const float *x, unsigned H, unsigned W, unsigned kh, float *xt)
{
	size_t ld = H + kh - 1, pb = (kh - 1) / 2;
	unsigned h, p;

	memset(xt, 0, ld * W * sizeof *xt);
	for (h = 0; h < H; h++)
		for (p = 0; p < W; p++)
			xt[p * ld + pb + h] = x[(size_t)h * W + p];
}

/* out[h][o] from the products c[(h - h0) * P + p][o]: y = s max(0, c + b) + t is
 * monotonic in c (increasing when s >= 0), so its maximum over p is taken at the
 * largest (smallest when s < 0) product */
HOT static void
pool_width(const float *c, unsigned nh, unsigned P, unsigned O, const float *b,
    const float *s, const float *t, float *out, size_t ldo)
{
	float hi[1024], lo[1024];
	unsigned h, p, o;

	for (h = 0; h < nh; h++, out += ldo) {
		const float *r = c + (size_t)h * P * O;
		for (o = 0; o < O; o++)
			hi[o] = lo[o] = r[o];
		for (p = 1; p < P; p++)
			for (o = 0; o < O; o++) {
				float v = r[(size_t)p * O + o];
				hi[o] = v > hi[o] ? v : hi[o];
				lo[o] = v < lo[o] ? v : lo[o];
			}
		for (o = 0; o < O; o++) {
			float v = (s[o] >= 0 ? hi[o] : lo[o]) + b[o];
			out[o] = s[o] * (v > 0 ? v : 0) + t[o];
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

/* the largest (smallest when s < 0) of the CC_LANE floats of *m */
static inline __attribute__((always_inline)) float
lane_extreme(const CLane *m, float s)
{
	float e = (*m)[0];
	unsigned i;

	for (i = 1; i < CC_LANE; i++)
		e = s >= 0 ? ((*m)[i] > e ? (*m)[i] : e) : ((*m)[i] < e ? (*m)[i] : e);
	return e;
}

/* y = s max(0, (the extreme of a over the width) + b) + t for nf outputs */
static inline __attribute__((always_inline)) void
column_pool(CLane a[][CC_LANES], unsigned nf, const float *b, const float *s,
    const float *t, float *out)
{
	CLane m;
	CMask g;
	unsigned f, v;

#pragma GCC unroll 8
	for (f = 0; f < nf; f++) {
		float y;
		m = a[f][0];
#pragma GCC unroll 8
		for (v = 1; v < CC_LANES; v++) {
			g = s[f] >= 0 ? a[f][v] > m : a[f][v] < m;
			m = (CLane)(((CMask)a[f][v] & g) | ((CMask)m & ~g));
		}
		y = lane_extreme(&m, s[f]) + b[f];
		out[f] = s[f] * (y > 0 ? y : 0) + t[f];
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
conv_front(const float *x, unsigned H, unsigned W, unsigned h0, unsigned h1,
    const float *w, unsigned kh, unsigned kw, unsigned O, const float *b, const float *s,
    const float *t, float *out, size_t ldo, float *work)
{
	unsigned P = W - kw + 1, step = CF_ROWS / P ? CF_ROWS / P : 1, pb = (kh - 1) / 2, h,
	    nh, i0, i1;
	float *a = work, *c = work + (size_t)CF_ROWS * kh * kw, *xt = c + (size_t)CF_ROWS * O;

	if (kw == 1)
		transpose_pad(x, H, W, kh, xt);
	for (h = h0; h < h1; h += nh) {
		nh = h1 - h < step ? h1 - h : step;
		/* the kernel rows that reach a row of x from some row of the block: the
		 * others meet only the zero padding */
		i0 = h + nh - 1 < pb ? pb - (h + nh - 1) : 0;
		i1 = H + pb - h < kh ? H + pb - h : kh;
		if (kw == 1)
			im2col_column(xt, H, W, kh, h, nh, i0, i1, a);
		else
			im2col(x, H, W, kh, kw, h, nh, i0, i1, a);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (size_t)nh * P, O,
		    (i1 - i0) * kw, 1.0f, a, (i1 - i0) * kw, w + (size_t)i0 * kw * O, O, 0.0f, c, O);
		pool_width(c, nh, P, O, b, s, t, out + (size_t)(h - h0) * ldo, ldo);
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
