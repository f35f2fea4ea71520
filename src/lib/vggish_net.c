/* vggish_net.c — VGGish forward pass on OpenBLAS (see vggish_net.h). */
#include "vggish_net.h"
#include "vggish_frontend.h"
#include "util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	const float *pca_v, *pca_m;
	int final_relu;
	float *col;      /* im2col buffer */
	float *a, *b;    /* activations, [C][g][H][W] */
	float *fcin;     /* [VN_BATCH][12288] */
	float *h1, *h2;  /* [VN_BATCH][4096] */
};

double
vggish_net_flops(void)
{
	double f = 0;
	int i;

	for (i = 0; i < NCONV; i++)
		f += 2.0 * conv[i].cout * conv[i].cin * 9 * conv[i].h * conv[i].w_;
	for (i = 0; i < 3; i++)
		f += 2.0 * fc[i].in * fc[i].out;
	return f;
}

VggishNet *
new_vggish_net(const Weights *w, int final_relu, int pca)
{
	VggishNet *n = ecalloc(1, sizeof *n);
	size_t maxcol = 0, maxact = 0, s;
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
static void
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

/* NHWC im2col: col[(e,y,x)][(kh*3+kw)*C + c] = in[e][y+kh-1][x+kw-1][c] (0 outside) */
static void
im2col(const float *in, float *col, unsigned C, unsigned g, unsigned H, unsigned W)
{
	unsigned e, y, x, kh, kw;
	int sy, sx;

	for (e = 0; e < g; e++)
		for (y = 0; y < H; y++)
			for (x = 0; x < W; x++)
				for (kh = 0; kh < 3; kh++) {
					sy = (int)y + (int)kh - 1;
					for (kw = 0; kw < 3; kw++, col += C) {
						sx = (int)x + (int)kw - 1;
						if (sy < 0 || sy >= (int)H || sx < 0 || sx >= (int)W) {
							memset(col, 0, C * sizeof *col);
						} else {
							const float *s = in + (((size_t)e * H + sy) * W + sx) * C;
							memcpy(col, s, C * sizeof *col);
						}
					}
				}
}

/* NHWC: out[e][y][x][c] = relu(max of the 2x2 block of in + bias[c]) */
static void
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

/* rows of len: a[r][i] = relu(a[r][i] + bias[i]) */
static void
bias_relu(float *a, const float *bias, size_t rows, size_t len)
{
	size_t r, i;

	for (r = 0; r < rows; r++, a += len)
		for (i = 0; i < len; i++) {
			float v = a[i] + bias[i];
			a[i] = v > 0 ? v : 0;
		}
}

/* convolutions of g examples, NHWC; the last pooled [g][6][4][512] goes to fcin,
 * which is torchvggish's flatten order */
static void
conv_group(VggishNet *n, const float *ex, unsigned g, float *fcin)
{
	const float *in = ex;
	float *out;
	unsigned i;
	size_t N;

	for (i = 0; i < NCONV; i++) {
		unsigned C = conv[i].cin, H = conv[i].h, W = conv[i].w_, K = C * 9;

		N = (size_t)g * H * W;
		if (C == 1)
			im2col1(in, n->col, g, H, W, n->b);
		else
			im2col(in, n->col, C, g, H, W);
		out = conv[i].pool ? n->b : n->a;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, conv[i].cout, K, 1.0f,
		    n->col, K, n->cw[i], K, 0.0f, out, conv[i].cout);
		if (conv[i].pool)
			pool_bias_relu(n->b, i == NCONV - 1 ? fcin : n->a, n->cb[i], conv[i].cout, g, H, W);
		else
			bias_relu(n->a, n->cb[i], N, conv[i].cout);
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
	free(n->col);
	free(n->a);
	free(n->b);
	free(n->fcin);
	free(n->h1);
	free(n->h2);
	free(n);
}
