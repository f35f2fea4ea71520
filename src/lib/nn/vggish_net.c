/* vggish_net.c — VGGish forward pass on OpenBLAS (see vggish_net.h). */
#include "nn/vggish_net.h"
#include "nn/conv.h"
#include "nn/vggish_front.h"
#include "ml/blas.h"
#include "core/hot.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


/* 16 floats, unaligned loads and stores through it are allowed */
typedef float v16 __attribute__((vector_size(64), aligned(4), may_alias));
typedef int i16 __attribute__((vector_size(64)));

/* a > b ? a : b, lane by lane (a macro: a function returning a vector would change
 * the ABI with the target) */
#define vmax(a, b) __extension__({ v16 a_ = (a), b_ = (b); i16 m_ = a_ > b_; \
	(v16)(((i16)a_ & m_) | ((i16)b_ & ~m_)); })

#define NCONV 6
#define G 32             /* examples per convolution group (per thread) */
#define FC1_IN (6 * 4 * 512)
#define FC_HID 4096
#define ACT1 (24 * 16 * 128) /* activations of one example after layers 1 and 4 */
#define ACT3 (12 * 8 * 256)   /* after layer 3 */
#define SMALL (8 * 24 * 16 * 256) /* a chunk's activations inside a stage */

/* m: Winograd output tile F(m x m, 3x3) (layers 1..5); ce: examples per chunk, so
 * that a chunk has T = ce * H/m * W/m = 192 tiles: each GEMM packs its kernel matrix
 * once per call (about a cycle per element, amortised over T tiles) while the
 * chunk's transformed inputs and products stay a few MB.  The layers run in stages
 * (0+1, 2+3, 4+5, see conv_group) so the largest activations are only a chunk's. */
/* u: the optional tensor of the weight file holding the layer's Winograd kernels
 * [a][a][out][in] (U below; "winograd4" for F(4x4)): shared through the mapping
 * instead of computed into every process at start-up */
static const struct {
	const char *w, *b, *u;
	unsigned cin, cout, h, w_, pool, m, ce;
} conv[NCONV] = {
	{"features.0.weight", "features.0.bias", NULL, 1, 64, 96, 64, 1, 0, 2},
	{"features.3.weight", "features.3.bias", "features.3.winograd4", 64, 128, 48, 32, 1, 4, 2},
	{"features.6.weight", "features.6.bias", "features.6.winograd4", 128, 256, 24, 16, 0, 4, 8},
	{"features.8.weight", "features.8.bias", "features.8.winograd4", 256, 256, 24, 16, 1, 4, 8},
	{"features.11.weight", "features.11.bias", "features.11.winograd4", 256, 512, 12, 8, 0, 4, G},
	{"features.13.weight", "features.13.bias", "features.13.winograd4", 512, 512, 12, 8, 1, 4, G},
};
static const struct {
	const char *w, *b;
	unsigned in, out;
} fc[3] = {
	{"embeddings.0.weight", "embeddings.0.bias", FC1_IN, FC_HID},
	{"embeddings.2.weight", "embeddings.2.bias", FC_HID, FC_HID},
	{"embeddings.4.weight", "embeddings.4.bias", FC_HID, VN_DIM},
};

typedef struct {
	float *a, *b;    /* activations of a group, NHWC [G][H][W][C]: ACT1, ACT3 per example */
	float *s;        /* activations of a chunk inside a stage (SMALL) */
	float *v, *m;    /* transformed inputs [a*a][T][in], products [a*a][T][out] */
	float *pad;      /* the first layer's zero-padded input */
} Work;

struct VggishNet {
	const float *cw[NCONV], *cb[NCONV], *fw[3], *fb[3]; /* conv: [out][kh][kw][in] */
	const float *wu[NCONV]; /* Winograd kernels U = G g G^T, [a*a][out][in] (layers 1..5) */
	float *wuown[NCONV];    /* ... when computed here (the weight file has none) */
	int nstored;            /* layers whose U is the weight file's */
	float w0[9 * 64];   /* first layer, [tap][out] */
	const float *pca_v, *pca_m;
	int final_relu, nt;
	Work *work;      /* one per thread */
	float *fcin;     /* [VN_BATCH][12288] */
	float *h1, *h2;  /* [VN_BATCH][4096] */
};

static unsigned
tiles(int i)
{
	return conv[i].h / conv[i].m * (conv[i].w_ / conv[i].m);
}

int
vggish_net_stored_kernels(const VggishNet *n, size_t *computed)
{
	size_t b = 0;
	int i;

	for (i = 1; i < NCONV; i++)
		if (n->wuown[i])
			b += (size_t)(conv[i].m + 2) * (conv[i].m + 2) * conv[i].cout * conv[i].cin * sizeof(float);
	*computed = b;
	return n->nstored;
}

double
vggish_net_flops(int winograd)
{
	double f = 0, c, a;
	int i;

	for (i = 0; i < NCONV; i++) {
		c = 2.0 * conv[i].cout * conv[i].cin * 9 * conv[i].h * conv[i].w_;
		a = conv[i].m + 2.0; /* a*a products per m*m tile, not 9*m*m */
		f += winograd && conv[i].m ? c * a * a / (9.0 * conv[i].m * conv[i].m) : c;
	}
	for (i = 0; i < 3; i++)
		f += 2.0 * fc[i].in * fc[i].out;
	return f;
}

/* Winograd F(m x m, 3x3) (Lavin & Gray 2016): a 3x3 convolution computed on m x m
 * output tiles as Y = A^T [(G g G^T) .* (B^T d B)] A with a = m + 2, a*a
 * multiplications per tile and channel pair instead of 9*m*m; the element-wise
 * products summed over channels are a*a GEMMs.  Same function as the direct
 * convolution, different rounding (checked against torch: see tests/vggish.test).
 * Every layer here uses F(4x4): points 0, +-1, +-2 (the kernel transform in double). */
static const double G4[6][3] = {
	{1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
	{1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};

/* kernel o for all input channels: u[k][o][c] = (G g G^T)[k], in double, loops over
 * c innermost (rows of w and of u are contiguous in c) */
HOT static void
winograd_kernels1(const float *w, float *u, unsigned o, unsigned cin, size_t plane,
    unsigned a, const double (*gm)[3])
{
	static _Thread_local double t[6][3][512]; /* G g */
	const float *r = w + (size_t)o * 9 * cin;
	unsigned c, i, j;

	for (i = 0; i < a; i++)
		for (j = 0; j < 3; j++) {
			double g0 = gm[i][0], g1 = gm[i][1], g2 = gm[i][2];
			for (c = 0; c < cin; c++)
				t[i][j][c] = g0 * r[j * cin + c] + g1 * r[(3 + j) * cin + c] +
				    g2 * r[(6 + j) * cin + c];
		}
	for (i = 0; i < a; i++)
		for (j = 0; j < a; j++) {
			double g0 = gm[j][0], g1 = gm[j][1], g2 = gm[j][2];
			float *q = u + (size_t)(i * a + j) * plane + (size_t)o * cin;
			for (c = 0; c < cin; c++)
				q[c] = (float)(t[i][0][c] * g0 + t[i][1][c] * g1 + t[i][2][c] * g2);
		}
}

/* U[k][o][c] = (G g G^T)[k] of every 3x3 kernel */
static float *
winograd_kernels(const float *w, unsigned cout, unsigned cin, unsigned m)
{
	unsigned a = m + 2;
	float *u = ereallocarray(NULL, (size_t)a * a * cout * cin, sizeof(float));
	unsigned o;

	for (o = 0; o < cout; o++)
		winograd_kernels1(w, u, o, cin, (size_t)cout * cin, a, G4);
	return u;
}

/* a stored U: that tensor when its shape is right and it is the transform of the
 * layer's kernels (checked on three output channels, to float32 rounding: another
 * converter may round differently), NULL after a message otherwise */
static const float *
stored_kernels(const Weights *w, int i, const float *cw)
{
	unsigned a = conv[i].m + 2, cin = conv[i].cin, cout = conv[i].cout;
	unsigned d[4] = {a, a, cout, cin}, o[3] = {0, cout / 2, cout - 1}, j, k, c;
	size_t plane = (size_t)cout * cin;
	const float *u = weights_get(w, conv[i].u, 4, d);
	float *t;
	double big = 0, diff = 0;

	if (!u)
		return NULL;
	t = ereallocarray(NULL, (size_t)a * a * cin, sizeof *t);
	for (j = 0; j < 3; j++) {
		winograd_kernels1(cw + (size_t)o[j] * 9 * cin, t, 0, cin, cin, a, G4);
		for (k = 0; k < a * a; k++)
			for (c = 0; c < cin; c++) {
				float x = t[(size_t)k * cin + c], y = u[k * plane + (size_t)o[j] * cin + c];
				big = fmax(big, fabs(x));
				diff = fmax(diff, fabs((double)x - y));
			}
	}
	free(t);
	if (!(diff <= 1e-5 * big)) {
		weprintf("%s: tensor '%s' is not the Winograd transform of '%s' "
		    "(rewrite the file with vggish-convert; see vggish-weights(5))",
		    weights_name(w), conv[i].u, conv[i].w);
		return NULL;
	}
	return u;
}

/* the input patch of tile (e, ty, tx): a x a pointers, zero outside the image */
static void
patch(const float **p, unsigned a, unsigned m, const float *in, unsigned e, unsigned ty,
    unsigned tx, unsigned C, unsigned H, unsigned W, const float *zero)
{
	unsigned i;

	for (i = 0; i < a * a; i++) {
		int y = (int)(m * ty) - 1 + (int)(i / a), x = (int)(m * tx) - 1 + (int)(i % a);
		p[i] = y < 0 || y >= (int)H || x < 0 || x >= (int)W ? zero :
		    in + (((size_t)e * H + y) * W + x) * C;
	}
}

static const float zero[512];

/* the 1-D F(4,3) input transform B^T d of 6 values (rows or columns of a patch) */
#define BT4(d0, d1, d2, d3, d4, d5, r0, r1, r2, r3, r4, r5) do { \
	r0 = 4 * (d0) - 5 * (d2) + (d4); \
	r1 = (d3) + (d4) - 4 * ((d1) + (d2)); \
	r2 = 4 * ((d1) - (d2)) + (d4) - (d3); \
	r3 = 2 * ((d3) - (d1)) + (d4) - (d2); \
	r4 = 2 * ((d1) - (d3)) + (d4) - (d2); \
	r5 = 4 * (d1) - 5 * (d3) + (d5); \
} while (0)

/* F(4x4): V[k][tile][c] = (B^T d B)[k] of the 6x6 input patch of each 4x4 output tile,
 * B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0;
 * 0 4 0 -5 0 1]; 16 channels at a time (C is a multiple of 16) */
HOT static void
winograd_in4(const float *in, float *v, unsigned C, unsigned g, unsigned H, unsigned W)
{
	unsigned TH = H / 4, TW = W / 4, e, ty, tx, c, i;
	size_t T = (size_t)g * TH * TW, plane = T * C, tile = 0;
	const float *p[36];

	for (e = 0; e < g; e++)
		for (ty = 0; ty < TH; ty++)
			for (tx = 0; tx < TW; tx++, tile++) {
				patch(p, 6, 4, in, e, ty, tx, C, H, W, zero);
				float *q = v + tile * C;
				for (c = 0; c < C; c += 16) {
					v16 b[36];
					for (i = 0; i < 6; i++) /* B^T d, column i */
						BT4(*(const v16 *)(p[i] + c), *(const v16 *)(p[6 + i] + c),
						    *(const v16 *)(p[12 + i] + c), *(const v16 *)(p[18 + i] + c),
						    *(const v16 *)(p[24 + i] + c), *(const v16 *)(p[30 + i] + c),
						    b[i], b[6 + i], b[12 + i], b[18 + i], b[24 + i], b[30 + i]);
					for (i = 0; i < 6; i++) { /* (B^T d) B, row i */
						float *r = q + 6 * i * plane + c;
						BT4(b[6 * i], b[6 * i + 1], b[6 * i + 2], b[6 * i + 3], b[6 * i + 4],
						    b[6 * i + 5], *(v16 *)r, *(v16 *)(r + plane), *(v16 *)(r + 2 * plane),
						    *(v16 *)(r + 3 * plane), *(v16 *)(r + 4 * plane),
						    *(v16 *)(r + 5 * plane));
					}
				}
			}
}

/* the 1-D F(4,3) output transform A^T m of 6 values */
#define AT4(m0, m1, m2, m3, m4, m5, r0, r1, r2, r3) do { \
	v16 s12 = (m1) + (m2), d12 = (m1) - (m2), s34 = (m3) + (m4), d34 = (m3) - (m4); \
	r0 = (m0) + s12 + s34; \
	r1 = d12 + 2 * d34; \
	r2 = s12 + 4 * s34; \
	r3 = d12 + 8 * d34 + (m5); \
} while (0)

/* F(4x4): Y = A^T M A, A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1],
 * + bias, ReLU; pooled to 2x2 when pool, else the 16 output positions */
HOT static void
winograd_out4(const float *m, float *out, const float *bias, unsigned C, unsigned g,
    unsigned H, unsigned W, int pool)
{
	unsigned TH = H / 4, TW = W / 4, e, ty, tx, c, i, j;
	size_t T = (size_t)g * TH * TW, plane = T * C, tile = 0;
	const v16 zv = {0};

	for (e = 0; e < g; e++)
		for (ty = 0; ty < TH; ty++)
			for (tx = 0; tx < TW; tx++, tile++) {
				const float *q = m + tile * C;
				float *o[4] = {0};
				if (pool)
					for (i = 0; i < 2; i++)
						o[i] = out + (((size_t)e * (H / 2) + 2 * ty + i) * (W / 2) + 2 * tx) * C;
				else
					for (i = 0; i < 4; i++)
						o[i] = out + (((size_t)e * H + 4 * ty + i) * W + 4 * tx) * C;
				for (c = 0; c < C; c += 16) {
					v16 t[4][6], y[4][4], bv = *(const v16 *)(bias + c), v, w;

					for (j = 0; j < 6; j++) { /* A^T M, column j */
						const float *r = q + j * plane + c;
						AT4(*(const v16 *)r, *(const v16 *)(r + 6 * plane),
						    *(const v16 *)(r + 12 * plane), *(const v16 *)(r + 18 * plane),
						    *(const v16 *)(r + 24 * plane), *(const v16 *)(r + 30 * plane),
						    t[0][j], t[1][j], t[2][j], t[3][j]);
					}
					for (i = 0; i < 4; i++) /* (A^T M) A, row i */
						AT4(t[i][0], t[i][1], t[i][2], t[i][3], t[i][4], t[i][5],
						    y[i][0], y[i][1], y[i][2], y[i][3]);
					if (pool) {
						for (i = 0; i < 2; i++)
							for (j = 0; j < 2; j++) {
								v = vmax(y[2 * i][2 * j], y[2 * i][2 * j + 1]);
								w = vmax(y[2 * i + 1][2 * j], y[2 * i + 1][2 * j + 1]);
								*(v16 *)(o[i] + j * C + c) = vmax(vmax(v, w) + bv, zv);
							}
					} else {
						for (i = 0; i < 4; i++)
							for (j = 0; j < 4; j++) {
								*(v16 *)(o[i] + j * C + c) = vmax(y[i][j] + bv, zv);
							}
					}
				}
			}
}

/* the first layer (one input channel, 64 outputs) directly, with bias, ReLU and
 * pooling: out[e][y][x][c] = relu(max of the 2x2 block of the convolution + bias) */
HOT static void
conv_first(const float *in, float *out, const float *w0, const float *bias, unsigned g,
    float *pad)
{
	enum { H = 96, W = 64, PW = W + 2, O = 64 };
	unsigned e, y, x, c, k, i;
	const v16 zv = {0};

	memset(pad, 0, (size_t)(H + 2) * PW * sizeof *pad);
	for (e = 0; e < g; e++) {
		for (y = 0; y < H; y++)
			memcpy(pad + (size_t)(y + 1) * PW + 1, in + ((size_t)e * H + y) * W, W * sizeof *pad);
		for (y = 0; y < H; y += 2)
			for (x = 0; x < W; x += 2, out += O)
				for (c = 0; c < O; c += 16) {
					v16 acc[4], v, w;
					for (i = 0; i < 4; i++) {
						const float *p = pad + (size_t)(y + i / 2) * PW + x + i % 2;
						acc[i] = p[0] * *(const v16 *)(w0 + c);
						for (k = 1; k < 9; k++)
							acc[i] += p[(k / 3) * PW + k % 3] * *(const v16 *)(w0 + k * O + c);
					}
					v = vmax(acc[0], acc[1]);
					w = vmax(acc[2], acc[3]);
					*(v16 *)(out + c) = vmax(vmax(v, w) + *(const v16 *)(bias + c), zv);
				}
	}
}

VggishNet *
new_vggish_net(const Weights *w, int final_relu, int pca, int nthreads)
{
	VggishNet *n = ecalloc(1, sizeof *n);
	size_t maxv = 0, maxm = 0, s;
	unsigned d[4], a, k, c;
	int i, t;

	n->final_relu = final_relu;
	for (i = 0; i < NCONV; i++) {
		d[0] = conv[i].cout, d[1] = d[2] = 3, d[3] = conv[i].cin;
		if (!(n->cw[i] = weights_get(w, conv[i].w, 4, d)))
			goto fail;
		if (!(n->cb[i] = weights_get(w, conv[i].b, 1, d)))
			goto fail;
		if (conv[i].u && weights_has(w, conv[i].u)) {
			if (!(n->wu[i] = stored_kernels(w, i, n->cw[i])))
				goto fail;
			n->nstored++;
		}
	}
	for (i = 0; i < 3; i++) {
		d[0] = fc[i].out, d[1] = fc[i].in;
		if (!(n->fw[i] = weights_get(w, fc[i].w, 2, d)))
			goto fail;
		if (!(n->fb[i] = weights_get(w, fc[i].b, 1, d)))
			goto fail;
	}
	if (pca) {
		d[0] = d[1] = VN_DIM;
		if (!(n->pca_v = weights_get(w, "pca_eigen_vectors", 2, d)) ||
		    !(n->pca_m = weights_get(w, "pca_means", 1, d)))
			goto fail;
	}
	for (k = 0; k < 9; k++)
		for (c = 0; c < 64; c++)
			n->w0[k * 64 + c] = n->cw[0][c * 9 + k];
	for (i = 1; i < NCONV; i++) {
		if (!n->wu[i])
			n->wu[i] = n->wuown[i] =
			    winograd_kernels(n->cw[i], conv[i].cout, conv[i].cin, conv[i].m);
		a = conv[i].m + 2;
		s = (size_t)a * a * conv[i].ce * tiles(i) * conv[i].cin;
		if (s > maxv)
			maxv = s;
		s = (size_t)a * a * conv[i].ce * tiles(i) * conv[i].cout;
		if (s > maxm)
			maxm = s;
	}
	/* OpenBLAS runs on the calling thread; the threads here split the examples
	 * (convolutions) and the output columns (fully connected layers) */
	n->nt = nthreads < 1 ? 1 : nthreads;
	blas_caller_only();
	n->work = ecalloc(n->nt, sizeof *n->work);
	for (t = 0; t < n->nt; t++) {
		n->work[t].a = ereallocarray(NULL, (size_t)ACT1 * G, sizeof(float));
		n->work[t].b = ereallocarray(NULL, (size_t)ACT3 * G, sizeof(float));
		n->work[t].s = ereallocarray(NULL, SMALL, sizeof(float));
		n->work[t].v = ereallocarray(NULL, maxv, sizeof(float));
		n->work[t].m = ereallocarray(NULL, maxm, sizeof(float));
		n->work[t].pad = ereallocarray(NULL, 98 * 66, sizeof(float));
	}
	n->fcin = ereallocarray(NULL, (size_t)VN_BATCH * FC1_IN, sizeof(float));
	n->h1 = ereallocarray(NULL, (size_t)VN_BATCH * FC_HID, sizeof(float));
	n->h2 = ereallocarray(NULL, (size_t)VN_BATCH * FC_HID, sizeof(float));
	return n;
fail:
	free(n);
	return NULL;
}

/* layer i (1..5) on cg <= conv[i].ce examples, NHWC in -> out */
static void
wino_layer(VggishNet *n, Work *wk, int i, const float *in, unsigned cg, float *out)
{
	unsigned C = conv[i].cin, H = conv[i].h, W = conv[i].w_, O = conv[i].cout;
	unsigned m = conv[i].m, a2 = (m + 2) * (m + 2), k;
	size_t N = (size_t)cg * tiles(i);

	winograd_in4(in, wk->v, C, cg, H, W);
	for (k = 0; k < a2; k++)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, O, C, 1.0f,
		    wk->v + k * N * C, C, n->wu[i] + (size_t)k * O * C, C, 0.0f,
		    wk->m + k * N * O, O);
	winograd_out4(wk->m, out, n->cb[i], O, cg, H, W, conv[i].pool);
}

/* convolutions of g <= G examples, NHWC, in three stages: layers 0+1 in chunks of 2
 * examples (-> a), 2+3 in chunks of 8 (-> b), 4+5 on the group (-> a -> fcin); the
 * last pooled [g][6][4][512] goes to fcin, torchvggish's flatten order */
static void
conv_group(VggishNet *n, Work *wk, const float *ex, unsigned g, float *fcin)
{
	unsigned s, cg;

	for (s = 0; s < g; s += cg) {
		cg = g - s < conv[1].ce ? g - s : conv[1].ce;
		conv_first(ex + s * VF_EXAMPLE, wk->s, n->w0, n->cb[0], cg, wk->pad);
		wino_layer(n, wk, 1, wk->s, cg, wk->a + s * ACT1);
	}
	for (s = 0; s < g; s += cg) {
		cg = g - s < conv[2].ce ? g - s : conv[2].ce;
		wino_layer(n, wk, 2, wk->a + s * ACT1, cg, wk->s);
		wino_layer(n, wk, 3, wk->s, cg, wk->b + s * ACT3);
	}
	wino_layer(n, wk, 4, wk->b, g, wk->a);
	wino_layer(n, wk, 5, wk->a, g, fcin);
}

/* a parallel section: fn(net, t, arg) for the nt shares t = 0..nt-1 (share t uses
 * work[t]), on the shared fork/join (nn/conv.h) */
typedef struct {
	VggishNet *n;
	void (*fn)(VggishNet *, int, void *);
	void *arg;
} Part;

static void
part_share(void *p, int t)
{
	Part *q = p;

	q->fn(q->n, t, q->arg);
}

static void
parallel(VggishNet *n, void (*fn)(VggishNet *, int, void *), void *arg)
{
	Part q = {n, fn, arg};

	conv_parallel(n->nt, part_share, &q);
}

typedef struct {
	const float *ex;
	size_t B;
} ConvArg;

/* thread t: its share of the batch's examples, in groups of G */
static void
conv_part(VggishNet *n, int t, void *p)
{
	ConvArg *c = p;
	size_t e0 = c->B * t / n->nt, e1 = c->B * (t + 1) / n->nt, e;
	unsigned g;

	for (e = e0; e < e1; e += g) {
		g = e1 - e < G ? e1 - e : G;
		conv_group(n, &n->work[t], c->ex + e * VF_EXAMPLE, g, n->fcin + e * FC1_IN);
	}
}

typedef struct {
	const float *in;
	unsigned B, layer;
	float *out;
	int relu;
} DenseArg;

/* rows [B][out] = in [B][in] . W^T + b, ReLU when relu; thread t: its share of the
 * output columns (multiples of 16) */
static void
dense_part(VggishNet *n, int t, void *p)
{
	DenseArg *d = p;
	unsigned nout = fc[d->layer].out;
	unsigned j0 = nout / 16 * t / n->nt * 16, j1 = nout / 16 * (t + 1) / n->nt * 16;

	conv_dense(d->in, d->B, fc[d->layer].in, n->fw[d->layer], 1, n->fb[d->layer], j0, j1,
	    nout, d->relu, d->out);
}

void
vggish_net_do(VggishNet *n, const float *ex, size_t cnt, float *emb)
{
	size_t done, B;
	ConvArg c;
	DenseArg d;

	for (done = 0; done < cnt; done += B) {
		B = cnt - done < VN_BATCH ? cnt - done : VN_BATCH;
		c = (ConvArg){ex + done * VF_EXAMPLE, B};
		parallel(n, conv_part, &c);
		d = (DenseArg){n->fcin, B, 0, n->h1, 1};
		parallel(n, dense_part, &d);
		d = (DenseArg){n->h1, B, 1, n->h2, 1};
		parallel(n, dense_part, &d);
		d = (DenseArg){n->h2, B, 2, emb + done * VN_DIM, n->final_relu};
		parallel(n, dense_part, &d);
	}
}

void
vggish_net_postprocess(const VggishNet *n, const float *emb, float *out)
{
	double c[VN_DIM], p;
	int i, j;

	for (j = 0; j < VN_DIM; j++)
		c[j] = (double)emb[j] - n->pca_m[j];
	for (i = 0; i < VN_DIM; i++) {
		p = 0;
		for (j = 0; j < VN_DIM; j++)
			p += (double)n->pca_v[i * VN_DIM + j] * c[j];
		p = p < -2.0 ? -2.0 : p > 2.0 ? 2.0 : p;
		out[i] = (float)(unsigned)((p + 2.0) * (255.0 / 4.0));
	}
}

void
del_vggish_net(VggishNet *n)
{
	if (!n)
		return;
	for (int i = 1; i < NCONV; i++)
		free(n->wuown[i]);
	for (int t = 0; t < n->nt; t++) {
		free(n->work[t].a);
		free(n->work[t].b);
		free(n->work[t].s);
		free(n->work[t].v);
		free(n->work[t].m);
		free(n->work[t].pad);
	}
	free(n->work);
	free(n->fcin);
	free(n->h1);
	free(n->h2);
	free(n);
}
