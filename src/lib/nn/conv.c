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
