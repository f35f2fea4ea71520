/* vggish_net.c — VGGish forward pass on OpenBLAS (see vggish_net.h). */
#include "vggish_net.h"
#include "vggish_frontend.h"
#include "util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the data-movement loops: vectorised for the CPU at hand (AVX-512, AVX2 or the
 * baseline), whatever -march the rest of the build uses */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HOT __attribute__((optimize("O3"), target_clones("avx512f", "avx2", "default")))
#else
#define HOT
#endif

#define NCONV 6
#define GROUP 4          /* examples per convolution GEMM */
#define FC1_IN (6 * 4 * 512)
#define FC_HID 4096

static const struct {
	const char *w, *b;
	unsigned cin, cout, h, w_, pool;
} conv[NCONV] = {
	{"features.0.weight", "features.0.bias", 1, 64, 96, 64, 1},
	{"features.3.weight", "features.3.bias", 64, 128, 48, 32, 1},
	{"features.6.weight", "features.6.bias", 128, 256, 24, 16, 0},
	{"features.8.weight", "features.8.bias", 256, 256, 24, 16, 1},
	{"features.11.weight", "features.11.bias", 256, 512, 12, 8, 0},
	{"features.13.weight", "features.13.bias", 512, 512, 12, 8, 1},
};
static const struct {
	const char *w, *b;
	unsigned in, out;
} fc[3] = {
	{"embeddings.0.weight", "embeddings.0.bias", FC1_IN, FC_HID},
	{"embeddings.2.weight", "embeddings.2.bias", FC_HID, FC_HID},
	{"embeddings.4.weight", "embeddings.4.bias", FC_HID, VN_DIM},
};

struct VggishNet {
	const float *cw[NCONV], *cb[NCONV], *fw[3], *fb[3]; /* conv: [out][kh][kw][in] */
	float *wu[NCONV];   /* Winograd kernels U = G g G^T, [16][out][in] (layers 1..5) */
	float *wv, *wm;     /* transformed inputs [16][tiles][in], products [16][tiles][out] */
	const float *pca_v, *pca_m;
	int final_relu;
	float *col;      /* im2col buffer */
	float *a, *b;    /* activations, [C][g][H][W] */
	float *fcin;     /* [VN_BATCH][12288] */
	float *h1, *h2;  /* [VN_BATCH][4096] */
};

double
vggish_net_flops(int winograd)
{
	double f = 0, c;
	int i;

	for (i = 0; i < NCONV; i++) {
		c = 2.0 * conv[i].cout * conv[i].cin * 9 * conv[i].h * conv[i].w_;
		f += winograd && i > 0 ? c * 16 / 36 : c; /* 16 products per 2x2 tile, not 36 */
	}
	for (i = 0; i < 3; i++)
		f += 2.0 * fc[i].in * fc[i].out;
	return f;
}

/* Winograd F(2x2, 3x3) (Lavin & Gray 2016): a 3x3 convolution computed on 2x2 output
 * tiles as Y = A^T [(G g G^T) .* (B^T d B)] A, 16 multiplications per tile and
 * channel pair instead of 36; the 16 element-wise products over channels are 16
 * GEMMs.  Same function as the direct convolution, different rounding (a few ulp). */
HOT static void
winograd_kernels1(const float *w, float *u, unsigned o, unsigned cin, size_t plane)
{
	unsigned c, i;

#pragma GCC ivdep
	for (c = 0; c < cin; c++) {
		double g[9], t[12];
		for (i = 0; i < 9; i++)
			g[i] = w[((size_t)o * 9 + i) * cin + c];
		for (i = 0; i < 3; i++) { /* G g, column i */
			t[i] = g[i];
			t[3 + i] = 0.5 * (g[i] + g[3 + i] + g[6 + i]);
			t[6 + i] = 0.5 * (g[i] - g[3 + i] + g[6 + i]);
			t[9 + i] = g[6 + i];
		}
		for (i = 0; i < 4; i++) { /* (G g) G^T, row i */
			float *q = u + (size_t)4 * i * plane + (size_t)o * cin + c;
			q[0] = (float)t[3 * i];
			q[plane] = (float)(0.5 * (t[3 * i] + t[3 * i + 1] + t[3 * i + 2]));
			q[2 * plane] = (float)(0.5 * (t[3 * i] - t[3 * i + 1] + t[3 * i + 2]));
			q[3 * plane] = (float)t[3 * i + 2];
		}
	}
}

/* U[k][o][c] = (G g G^T)[k] of every 3x3 kernel (computed in double) */
static float *
winograd_kernels(const float *w, unsigned cout, unsigned cin)
{
	float *u = ereallocarray(NULL, (size_t)16 * cout * cin, sizeof(float));
	unsigned o;

	for (o = 0; o < cout; o++)
		winograd_kernels1(w, u, o, cin, (size_t)cout * cin);
	return u;
}

/* V[k][tile][c] = (B^T d B)[k] of the 4x4 input patch of each 2x2 output tile */
HOT static void
winograd_in(const float *in, float *v, unsigned C, unsigned g, unsigned H, unsigned W)
{
	unsigned TH = H / 2, TW = W / 2, e, ty, tx, c, i;
	size_t T = (size_t)g * TH * TW, plane = T * C, tile = 0;
	static const float zero[512];
	const float *p[4][4];

	for (e = 0; e < g; e++)
		for (ty = 0; ty < TH; ty++)
			for (tx = 0; tx < TW; tx++, tile++) {
				for (i = 0; i < 16; i++) {
					int y = 2 * (int)ty - 1 + (int)(i / 4), x = 2 * (int)tx - 1 + (int)(i % 4);
					p[i / 4][i % 4] = y < 0 || y >= (int)H || x < 0 || x >= (int)W ? zero :
					    in + (((size_t)e * H + y) * W + x) * C;
				}
				float *q = v + tile * C;
#pragma GCC ivdep
				for (c = 0; c < C; c++) {
					float d[16], b[16];
					for (i = 0; i < 16; i++)
						d[i] = p[i / 4][i % 4][c];
					for (i = 0; i < 4; i++) { /* B^T d, column i */
						b[i] = d[i] - d[8 + i];
						b[4 + i] = d[4 + i] + d[8 + i];
						b[8 + i] = d[8 + i] - d[4 + i];
						b[12 + i] = d[4 + i] - d[12 + i];
					}
					for (i = 0; i < 4; i++) { /* (B^T d) B, row i */
						q[(4 * i) * plane + c] = b[4 * i] - b[4 * i + 2];
						q[(4 * i + 1) * plane + c] = b[4 * i + 1] + b[4 * i + 2];
						q[(4 * i + 2) * plane + c] = b[4 * i + 2] - b[4 * i + 1];
						q[(4 * i + 3) * plane + c] = b[4 * i + 1] - b[4 * i + 3];
					}
				}
			}
}

/* Y = A^T M A per tile and channel, + bias, ReLU; pooled (max of the 2x2 tile) when
 * pool, else written to the four output positions */
HOT static void
winograd_out(const float *m, float *out, const float *bias, unsigned C, unsigned g,
    unsigned H, unsigned W, int pool)
{
	unsigned TH = H / 2, TW = W / 2, e, ty, tx, c, j;
	size_t T = (size_t)g * TH * TW, plane = T * C, tile = 0;

	for (e = 0; e < g; e++)
		for (ty = 0; ty < TH; ty++)
			for (tx = 0; tx < TW; tx++, tile++) {
				const float *q = m + tile * C;
				float *o0 = pool ? out + tile * C : out + (((size_t)e * H + 2 * ty) * W + 2 * tx) * C;
				float *o1 = o0 + (size_t)W * C;
#pragma GCC ivdep
				for (c = 0; c < C; c++) {
					float t[2][4], y00, y01, y10, y11, v;
					for (j = 0; j < 4; j++) { /* A^T M */
						float m0 = q[(size_t)j * plane + c], m1 = q[(size_t)(4 + j) * plane + c];
						float m2 = q[(size_t)(8 + j) * plane + c], m3 = q[(size_t)(12 + j) * plane + c];
						t[0][j] = m0 + m1 + m2;
						t[1][j] = m1 - m2 - m3;
					}
					y00 = t[0][0] + t[0][1] + t[0][2];
					y01 = t[0][1] - t[0][2] - t[0][3];
					y10 = t[1][0] + t[1][1] + t[1][2];
					y11 = t[1][1] - t[1][2] - t[1][3];
					if (pool) {
						v = y00 > y01 ? y00 : y01;
						v = v > y10 ? v : y10;
						v = (v > y11 ? v : y11) + bias[c];
						o0[c] = v > 0 ? v : 0;
					} else {
						v = y00 + bias[c], o0[c] = v > 0 ? v : 0;
						v = y01 + bias[c], o0[C + c] = v > 0 ? v : 0;
						v = y10 + bias[c], o1[c] = v > 0 ? v : 0;
						v = y11 + bias[c], o1[C + c] = v > 0 ? v : 0;
					}
				}
			}
}

VggishNet *
new_vggish_net(const Weights *w, int final_relu, int pca)
{
	VggishNet *n = ecalloc(1, sizeof *n);
	size_t maxcol = 0, maxact = 0, maxv = 0, maxm = 0, s;
	unsigned d[4];
	int i;

	n->final_relu = final_relu;
	for (i = 0; i < NCONV; i++) {
		d[0] = conv[i].cout, d[1] = d[2] = 3, d[3] = conv[i].cin;
		if (!(n->cw[i] = weights_get(w, conv[i].w, 4, d)))
			goto fail;
		if (!(n->cb[i] = weights_get(w, conv[i].b, 1, d)))
			goto fail;
		s = (size_t)conv[i].cin * 9 * conv[i].h * conv[i].w_;
		if (s > maxcol)
			maxcol = s;
		s = (size_t)conv[i].cout * conv[i].h * conv[i].w_;
		if (s > maxact)
			maxact = s;
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
	for (i = 1; i < NCONV; i++) {
		n->wu[i] = winograd_kernels(n->cw[i], conv[i].cout, conv[i].cin);
		s = (size_t)4 * conv[i].h * conv[i].w_ * conv[i].cin;
		if (s > maxv)
			maxv = s;
		s = (size_t)4 * conv[i].h * conv[i].w_ * conv[i].cout;
		if (s > maxm)
			maxm = s;
	}
	n->wv = ereallocarray(NULL, maxv * GROUP, sizeof(float));
	n->wm = ereallocarray(NULL, maxm * GROUP, sizeof(float));
	maxcol = (size_t)9 * conv[0].h * conv[0].w_; /* im2col for the first layer only */
	n->col = ereallocarray(NULL, maxcol * GROUP, sizeof(float));
	n->a = ereallocarray(NULL, maxact * GROUP, sizeof(float));
	n->b = ereallocarray(NULL, maxact * GROUP, sizeof(float));
	n->fcin = ereallocarray(NULL, (size_t)VN_BATCH * FC1_IN, sizeof(float));
	n->h1 = ereallocarray(NULL, (size_t)VN_BATCH * FC_HID, sizeof(float));
	n->h2 = ereallocarray(NULL, (size_t)VN_BATCH * FC_HID, sizeof(float));
	return n;
fail:
	free(n);
	return NULL;
}

/* the first layer (one channel): through a zero-padded copy, no branches */
HOT static void
im2col1(const float *in, float *col, unsigned g, unsigned H, unsigned W, float *pad)
{
	unsigned e, y, x, kh, kw, PW = W + 2;

	memset(pad, 0, (size_t)(H + 2) * PW * sizeof *pad);
	for (e = 0; e < g; e++) {
		for (y = 0; y < H; y++)
			memcpy(pad + (size_t)(y + 1) * PW + 1, in + ((size_t)e * H + y) * W, W * sizeof *pad);
		for (y = 0; y < H; y++)
			for (x = 0; x < W; x++, col += 9)
				for (kh = 0; kh < 3; kh++)
					for (kw = 0; kw < 3; kw++)
						col[kh * 3 + kw] = pad[(size_t)(y + kh) * PW + x + kw];
	}
}

/* NHWC: out[e][y][x][c] = relu(max of the 2x2 block of in + bias[c]) */
HOT static void
pool_bias_relu(const float *in, float *out, const float *bias, unsigned C, unsigned g,
    unsigned H, unsigned W)
{
	unsigned e, y, x, c, H2 = H / 2, W2 = W / 2;
	size_t row = (size_t)W * C;

	for (e = 0; e < g; e++)
		for (y = 0; y < H2; y++)
			for (x = 0; x < W2; x++, out += C) {
				const float *p = in + ((size_t)e * H + 2 * y) * row + (size_t)2 * x * C;
				const float *q = p + C, *r = p + row, *t = r + C;
				for (c = 0; c < C; c++) {
					float m = p[c] > q[c] ? p[c] : q[c];
					float m2 = r[c] > t[c] ? r[c] : t[c];
					m = (m > m2 ? m : m2) + bias[c];
					out[c] = m > 0 ? m : 0;
				}
			}
}

/* convolutions of g examples, NHWC; the last pooled [g][6][4][512] goes to fcin,
 * which is torchvggish's flatten order */
static void
conv_group(VggishNet *n, const float *ex, unsigned g, float *fcin)
{
	const float *in = ex;
	unsigned i;
	size_t N;

	for (i = 0; i < NCONV; i++) {
		unsigned C = conv[i].cin, H = conv[i].h, W = conv[i].w_, K = C * 9, k;
		unsigned O = conv[i].cout;
		float *dst = i == NCONV - 1 ? fcin : n->a; /* the input is consumed first */

		if (i == 0) { /* one input channel: im2col + one GEMM */
			N = (size_t)g * H * W;
			im2col1(in, n->col, g, H, W, n->b);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, O, K, 1.0f,
			    n->col, K, n->cw[i], K, 0.0f, n->b, O);
			pool_bias_relu(n->b, n->a, n->cb[i], O, g, H, W);
		} else {
			N = (size_t)g * (H / 2) * (W / 2); /* tiles */
			winograd_in(in, n->wv, C, g, H, W);
			for (k = 0; k < 16; k++)
				cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, O, C, 1.0f,
				    n->wv + k * N * C, C, n->wu[i] + (size_t)k * O * C, C, 0.0f,
				    n->wm + k * N * O, O);
			winograd_out(n->wm, dst, n->cb[i], O, g, H, W, conv[i].pool);
		}
		in = n->a;
	}
}

/* rows [B][out] = in [B][in] . W^T + b, ReLU when relu */
static void
dense(const float *in, unsigned B, const float *w, const float *b, unsigned nin, unsigned nout,
    float *out, int relu)
{
	unsigned r, j;

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, nout, nin, 1.0f, in, nin, w, nin,
	    0.0f, out, nout);
	for (r = 0; r < B; r++)
		for (j = 0; j < nout; j++) {
			float v = out[(size_t)r * nout + j] + b[j];
			out[(size_t)r * nout + j] = relu && v < 0 ? 0 : v;
		}
}

void
vggish_net_do(VggishNet *n, const float *ex, size_t cnt, float *emb)
{
	size_t done, e, B;
	unsigned g;

	for (done = 0; done < cnt; done += B) {
		B = cnt - done < VN_BATCH ? cnt - done : VN_BATCH;
		for (e = 0; e < B; e += g) {
			g = B - e < GROUP ? B - e : GROUP;
			conv_group(n, ex + (done + e) * VF_EXAMPLE, g, n->fcin + e * FC1_IN);
		}
		dense(n->fcin, B, n->fw[0], n->fb[0], FC1_IN, FC_HID, n->h1, 1);
		dense(n->h1, B, n->fw[1], n->fb[1], FC_HID, FC_HID, n->h2, 1);
		dense(n->h2, B, n->fw[2], n->fb[2], FC_HID, VN_DIM, emb + done * VN_DIM, n->final_relu);
	}
}

void
vggish_postprocess(const VggishNet *n, const float *emb, float *out)
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
		free(n->wu[i]);
	free(n->wv);
	free(n->wm);
	free(n->col);
	free(n->a);
	free(n->b);
	free(n->fcin);
	free(n->h1);
	free(n->h2);
	free(n);
}
