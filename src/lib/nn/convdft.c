/* convdft.c — wide one-channel convolutions through the DFT (see convdft.h).
 *
 * A row x of N = W values has the real spectrum X (N numbers: the real parts of
 * bins 0..N/2, the imaginary parts of bins 1..(N-1)/2).  The correlation of x with
 * a kernel row w, y[p] = sum_j x[p + j] w[j], is circular over N for the valid
 * positions p < P = W - kw + 1 (p + j < N), so its spectrum is X[k] V[k] with
 * V[k] = sum_j w[j] e^(2 pi i k j / N).  The kh rows of the kernel are summed on
 * the spectra: Z = sum_i X_(h + i - pb) V_i per output channel, and y = G Z with G
 * the inverse transform restricted to the P positions. */
#include "nn/convdft.h"
#include "core/hot.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CD_ROWS 8     /* output rows per block */
#define CD_LANE 16    /* output channels per register block (O is padded to it) */

struct ConvDft {
	unsigned kh, kw, O, Op, W, P, N, nre, nim;
	float *F;     /* [N][N]: x . F is the spectrum of x */
	float *V;     /* [kh][N][Op]: the kernel rows' spectra */
	float *G;     /* [P][N]: G Z is y at the valid positions */
};

/* the angle 2 pi a b / N, reduced exactly first */
static double
angle(unsigned a, unsigned b, unsigned N)
{
	return 2.0 * M_PI * (double)((unsigned long)a * b % N) / N;
}

/* spectrum entry q: its bin, and whether it is the imaginary part */
static unsigned
bin(const ConvDft *c, unsigned q, int *im)
{
	*im = q >= c->nre;
	return *im ? q - c->nre + 1 : q;
}

static void
kernel_spectra(ConvDft *c, const float *w)
{
	double *cs = ecalloc(2 * (size_t)c->N + c->O, sizeof *cs), *sn = cs + c->N,
	    *v = sn + c->N;
	unsigned i, q, j, o, k;
	int im;

	for (j = 0; j < c->N; j++)
		cs[j] = cos(angle(j, 1, c->N)), sn[j] = sin(angle(j, 1, c->N));
	for (i = 0; i < c->kh; i++)
		for (q = 0; q < c->N; q++) {
			k = bin(c, q, &im);
			memset(v, 0, c->O * sizeof *v);
			for (j = 0; j < c->kw; j++) {
				const float *wr = w + ((size_t)i * c->kw + j) * c->O;
				double f = (im ? sn : cs)[(unsigned long)k * j % c->N];
				for (o = 0; o < c->O; o++)
					v[o] += wr[o] * f;
			}
			for (o = 0; o < c->O; o++)
				c->V[((size_t)i * c->N + q) * c->Op + o] = (float)v[o];
		}
	free(cs);
}

ConvDft *
new_conv_dft(const float *w, unsigned kh, unsigned kw, unsigned O, unsigned W)
{
	ConvDft *c = ecalloc(1, sizeof *c);
	unsigned n, q, p, k;
	int im;

	c->kh = kh, c->kw = kw, c->O = O, c->W = W, c->N = W, c->P = W - kw + 1;
	c->Op = (O + CD_LANE - 1) / CD_LANE * CD_LANE;
	c->nre = W / 2 + 1, c->nim = (W - 1) / 2;
	c->F = ecalloc((size_t)W * W, sizeof *c->F);
	c->V = ecalloc((size_t)kh * W * c->Op, sizeof *c->V);
	c->G = ecalloc((size_t)c->P * W, sizeof *c->G);
	for (q = 0; q < W; q++) {
		k = bin(c, q, &im);
		for (n = 0; n < W; n++)
			c->F[(size_t)n * W + q] = (float)(im ? -sin(angle(k, n, W)) : cos(angle(k, n, W)));
		for (p = 0; p < c->P; p++) {
			double f = im || (k && 2 * k != W) ? 2.0 : 1.0;
			c->G[(size_t)p * W + q] = (float)(f / W *
			    (im ? -sin(angle(k, p, W)) : cos(angle(k, p, W))));
		}
	}
	kernel_spectra(c, w);
	return c;
}

size_t
conv_dft_work(const ConvDft *c)
{
	return (size_t)(CD_ROWS + c->kh - 1) * c->N + (size_t)c->N * CD_ROWS * c->Op +
	    (size_t)c->P * CD_ROWS * c->Op + 2 * (size_t)CD_ROWS * c->Op;
}

/* CD_LANE floats: GCC's and Clang's vector extension, one register (AVX-512) or a
 * few, whichever clone of the HOT functions runs; loaded and stored by memcpy */
typedef float Lane __attribute__((vector_size(CD_LANE * sizeof(float))));

/* Z[q][r][o] (r < nb) = sum_i X[r + i] V_i, complex per bin, from the spectra X
 * [nb + kh - 1][N] of the rows around the nb output rows */
HOT static void
spectra_product(const ConvDft *c, const float *X, unsigned nb, float *Z)
{
	unsigned q, r, i, o0, qi;

	for (q = 0; q < c->nre; q++) {
		int im = q >= 1 && q <= c->nim;
		qi = im ? c->nre + q - 1 : q;
		for (r = 0; r < nb; r++)
			for (o0 = 0; o0 < c->Op; o0 += CD_LANE) {
				Lane ar = {0}, ai = {0};
				for (i = 0; i < c->kh; i++) {
					const float *x = X + (size_t)(r + i) * c->N;
					float xr = x[q], xi = im ? x[qi] : 0.0f;
					Lane vr, vi;
					memcpy(&vr, c->V + ((size_t)i * c->N + q) * c->Op + o0, sizeof vr);
					memcpy(&vi, c->V + ((size_t)i * c->N + qi) * c->Op + o0, sizeof vi);
					ar += xr * vr - xi * vi;
					ai += xr * vi + xi * vr;
				}
				memcpy(Z + ((size_t)q * nb + r) * c->Op + o0, &ar, sizeof ar);
				if (im)
					memcpy(Z + ((size_t)qi * nb + r) * c->Op + o0, &ai, sizeof ai);
			}
	}
}

/* out[r][o] = s max(0, max_p Y[p][r][o] + b) + t (the smallest Y when s < 0: y is
 * monotonic in Y) */
HOT static void
pool(const ConvDft *c, const float *Y, unsigned nb, const float *b, const float *s,
    const float *t, float *out, size_t ldo, float *hi, float *lo)
{
	size_t n = (size_t)nb * c->Op, i;
	unsigned p, r, o;

	memcpy(hi, Y, n * sizeof *hi);
	memcpy(lo, Y, n * sizeof *lo);
	for (p = 1; p < c->P; p++) {
		const float *y = Y + p * n;
		for (i = 0; i < n; i++) {
			hi[i] = y[i] > hi[i] ? y[i] : hi[i];
			lo[i] = y[i] < lo[i] ? y[i] : lo[i];
		}
	}
	for (r = 0; r < nb; r++, out += ldo)
		for (o = 0; o < c->O; o++) {
			float v = (s[o] >= 0 ? hi[r * c->Op + o] : lo[r * c->Op + o]) + b[o];
			out[o] = s[o] * (v > 0 ? v : 0) + t[o];
		}
}

void
conv_dft_do(const ConvDft *c, const float *x, unsigned H, unsigned h0, unsigned h1,
    const float *b, const float *s, const float *t, float *out, size_t ldo, float *work)
{
	unsigned nx = CD_ROWS + c->kh - 1, h, nb;
	float *X = work, *Z = X + (size_t)nx * c->N, *Y = Z + (size_t)c->N * CD_ROWS * c->Op,
	    *hi = Y + (size_t)c->P * CD_ROWS * c->Op, *lo = hi + (size_t)CD_ROWS * c->Op;

	for (h = h0; h < h1; h += nb) {
		long y0 = (long)h - (long)((c->kh - 1) / 2), a, e;
		nb = h1 - h < CD_ROWS ? h1 - h : CD_ROWS;
		a = y0 < 0 ? 0 : y0;
		e = y0 + nb + c->kh - 1 < (long)H ? y0 + nb + c->kh - 1 : (long)H;
		memset(X, 0, (size_t)(nb + c->kh - 1) * c->N * sizeof *X);
		if (e > a)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(e - a), c->N, c->W,
			    1.0f, x + (size_t)a * c->W, c->W, c->F, c->N, 0.0f, X + (size_t)(a - y0) * c->N,
			    c->N);
		spectra_product(c, X, nb, Z);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c->P, nb * c->Op, c->N, 1.0f,
		    c->G, c->N, Z, nb * c->Op, 0.0f, Y, nb * c->Op);
		pool(c, Y, nb, b, s, t, out + (size_t)(h - h0) * ldo, ldo, hi, lo);
	}
}

void
del_conv_dft(ConvDft *c)
{
	if (!c)
		return;
	free(c->F);
	free(c->V);
	free(c->G);
	free(c);
}
