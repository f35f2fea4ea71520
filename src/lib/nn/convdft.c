/* convdft.c — wide one-channel convolutions through the DFT (see convdft.h).
 *
 * A row x of N = W values has the real spectrum X (N numbers: the real parts of
 * bins 0..N/2, the imaginary parts of bins 1..(N-1)/2).  The correlation of x with
 * a kernel row w, y[p] = sum_j x[p + j] w[j], is circular over N for the valid
 * positions p < P = W - kw + 1 (p + j < N), so its spectrum is X[k] V[k] with
 * V[k] = sum_j w[j] e^(2 pi i k j / N).  The kh rows of the kernel are summed on
 * the spectra: Z = sum_i X_(h + i - pb) V_i per output channel, and y = G Z with G
 * the inverse transform restricted to the P positions.  Before G, up to CD_LEVELS
 * radix-2 steps (butterflies, vectorised over the channels) split Z into spectra
 * of N / 2, N / 4 ..., each the transform of the positions p = p0 (mod 2, 4 ...),
 * and G is one smaller matrix per part: half the products at each step.  The
 * maximum over the positions is taken as the parts' values are computed, CD_SLICE
 * channels at a time (in cache).  The first step is taken with the products
 * (spectra_fold, a block of CD_RB rows and CD_LANE channels at a time, the block's
 * spectra going through the other steps while in L1: fold_blocks), and when the parts are CD_NL long the last two with G, on
 * spectra held in registers (part_quad). */
#include "nn/convdft.h"
#include "core/hot.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CD_ROWS 8     /* output rows per block */
#define CD_LANE 16    /* output channels per register block (O is padded to it) */
#define CD_LEVELS 4   /* radix-2 steps before the inverse transform's products */
#define CD_SLICE 64   /* channels taken through the inverse transform together */
#define CD_NL 6       /* the parts' size kept in registers (96 bands: 96 >> 4) */
#define CD_RB 4       /* output rows per register block of spectra_fold (divides CD_ROWS) */

struct ConvDft {
	unsigned kh, kw, O, Op, W, P, N, nre, nim;
	unsigned L, nl;                 /* radix-2 steps taken, the parts' size N >> L */
	unsigned off[(1 << CD_LEVELS) + 1]; /* part j: rows off[j].. of G and of y */
	float *F;     /* [N][N]: x . F is the spectrum of x */
	float *V;     /* [kh][N][Op]: the kernel rows' spectra */
	float *V2;    /* [kh][N][Op]: bin k's Im - Re at row k, Re + Im at row N/2 + k */
	float *G;     /* [P][nl]: the parts' inverse transforms at their positions */
	float *tw;    /* step l: (cos, sin) of 2 pi k / (N >> l), k <= (N >> l) / 4 */
};

/* the angle 2 pi a b / N, reduced exactly first */
static double
angle(unsigned a, unsigned b, unsigned N)
{
	return 2.0 * M_PI * (double)((unsigned long)a * b % N) / N;
}

/* entry q of a real spectrum of n: its bin, and whether it is the imaginary part */
static unsigned
bin(unsigned n, unsigned q, int *im)
{
	*im = q >= n / 2 + 1;
	return *im ? q - n / 2 : q;
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
			k = bin(c->N, q, &im);
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

/* V2 from V: the differences and sums of fold_gauss's three products */
static void
kernel_gauss(ConvDft *c)
{
	unsigned i, k, o, h = c->N / 2;

	for (i = 0; i < c->kh; i++)
		for (k = 1; k <= c->nim && k < h; k++)
			for (o = 0; o < c->Op; o++) {
				size_t q = (size_t)i * c->N, re = (q + k) * c->Op + o,
				    im = (q + h + k) * c->Op + o;
				c->V2[re] = c->V[im] - c->V[re];
				c->V2[im] = c->V[re] + c->V[im];
			}
}

/* the parts' inverse transforms: part j holds positions p0 + m 2^L, p0 the L bits
 * of j reversed (the parity taken at step l is bit L - 1 - l of j) */
static void
inverse_parts(ConvDft *c)
{
	unsigned j, l, p0, m, q, k, r = 0, s = 1u << c->L;
	int im;

	for (j = 0; j < s; j++) {
		for (p0 = 0, l = 0; l < c->L; l++)
			p0 |= (j >> (c->L - 1 - l) & 1) << l;
		c->off[j] = r;
		for (m = 0; p0 + m * s < c->P; m++, r++)
			for (q = 0; q < c->nl; q++) {
				double f;
				k = bin(c->nl, q, &im);
				f = im || (k && 2 * k != c->nl) ? 2.0 : 1.0;
				c->G[(size_t)r * c->nl + q] = (float)(f / c->N *
				    (im ? -sin(angle(k, m, c->nl)) : cos(angle(k, m, c->nl))));
			}
	}
	c->off[s] = r;
}

ConvDft *
new_conv_dft(const float *w, unsigned kh, unsigned kw, unsigned O, unsigned W)
{
	ConvDft *c = ecalloc(1, sizeof *c);
	unsigned n, q, k, l;
	int im;
	float *t;

	c->kh = kh, c->kw = kw, c->O = O, c->W = W, c->N = W, c->P = W - kw + 1;
	c->Op = (O + CD_LANE - 1) / CD_LANE * CD_LANE;
	c->nre = W / 2 + 1, c->nim = (W - 1) / 2;
	for (c->L = 0; c->L < CD_LEVELS && W % (4u << c->L) == 0; c->L++)
		;
	c->nl = W >> c->L;
	c->F = ecalloc((size_t)W * W, sizeof *c->F);
	c->V = ecalloc((size_t)kh * W * c->Op, sizeof *c->V);
	c->V2 = ecalloc((size_t)kh * W * c->Op, sizeof *c->V2);
	c->G = ecalloc((size_t)c->P * c->nl, sizeof *c->G);
	c->tw = t = ecalloc(2 * (size_t)W, sizeof *c->tw);
	for (q = 0; q < W; q++) {
		k = bin(W, q, &im);
		for (n = 0; n < W; n++)
			c->F[(size_t)n * W + q] = (float)(im ? -sin(angle(k, n, W)) : cos(angle(k, n, W)));
	}
	for (l = 0; l < c->L; l++)
		for (n = W >> l, k = 0; k <= n / 4; k++)
			*t++ = (float)cos(angle(k, 1, n)), *t++ = (float)sin(angle(k, 1, n));
	inverse_parts(c);
	kernel_spectra(c, w);
	kernel_gauss(c);
	return c;
}

/* Z's floats in conv_dft_do: a block's (fold_blocks) or all the rows' */
static size_t
z_floats(const ConvDft *c)
{
	return c->L ? (size_t)c->N * CD_SLICE : (size_t)c->N * CD_ROWS * c->Op;
}

size_t
conv_dft_work(const ConvDft *c)
{
	return (size_t)(CD_ROWS + c->kh - 1) * c->N + z_floats(c) + 2 * (size_t)c->N * CD_SLICE +
	    2 * (size_t)CD_ROWS * c->Op + 2 * CD_SLICE + (size_t)(CD_ROWS + c->kh - 1) * (c->N / 2 + 1);
}

/* CD_LANE floats: GCC's and Clang's vector extension, one register (AVX-512) or a
 * few, whichever clone of the HOT functions runs; loaded and stored by memcpy */
typedef float Lane __attribute__((vector_size(CD_LANE * sizeof(float))));
typedef int Mask __attribute__((vector_size(CD_LANE * sizeof(int))));

/* X[r] = x[r] . F for the n rows of x: the rows' spectra, summed in a fixed order
 * (the same bits whichever rows a call covers) */
HOT static void
row_spectra(const ConvDft *c, const float *restrict x, unsigned n, float *restrict X)
{
	unsigned r, j, q;

	for (r = 0; r < n; r++, x += c->W, X += c->N) {
		for (q = 0; q < c->N; q++)
			X[q] = x[0] * c->F[q];
		for (j = 1; j < c->W; j++)
			for (q = 0; q < c->N; q++)
				X[q] += x[j] * c->F[(size_t)j * c->N + q];
	}
}

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

/* the sums of spectra_fold for one pair of bins k, kb = N/2 - k and CD_RB rows from
 * x (the spectrum of the first row's first tap; rows n apart) on the CD_LANE
 * channels of v (V_0 at the channels; taps n Op apart): a (bin k) and b (bin kb).
 * edge: k may be 0 or N/4 (called with a constant: the other case has no tests) */
static inline void
fold_sums(const ConvDft *c, const float *x, const float *v, unsigned k, int edge,
    Lane *ar, Lane *ai, Lane *br, Lane *bi)
{
	int two = !edge || c->N / 2 - k != k;
	unsigned n = c->N, h = n / 2, kb = h - k, i, r;
	size_t qa = (size_t)(h + k) * c->Op, qb = (size_t)kb * c->Op,
	    qc = (size_t)(kb < h ? h + kb : kb) * c->Op;

	for (r = 0; r < CD_RB; r++)
		ar[r] = ai[r] = br[r] = bi[r] = (Lane){0};
	for (i = 0; i < c->kh; i++, x += n, v += (size_t)n * c->Op) {
		Lane v0, v1, w0, w1;
		memcpy(&v0, v + (size_t)k * c->Op, sizeof v0);
		memcpy(&v1, v + qa, sizeof v1);
		memcpy(&w0, v + qb, sizeof w0);
		memcpy(&w1, v + qc, sizeof w1);
		for (r = 0; r < CD_RB; r++) {
			const float *xr = x + (size_t)r * n;
			float a = xr[k], ia = !edge || k ? xr[h + k] : 0.0f;
			ar[r] += a * v0 - ia * v1;
			ai[r] += a * v1 + ia * v0;
			if (two) {
				float b = xr[kb], ib = !edge || kb < h ? xr[h + kb] : 0.0f;
				br[r] += b * w0 - ib * w1;
				bi[r] += b * w1 + ib * w0;
			}
		}
	}
}

/* fold_sums for 0 < k < N/4 by three products a complex product (Gauss): with
 * x = a + i b, v = c + i d: p1 = (a + b) c, p2 = a (d - c), p3 = b (c + d) summed
 * over the taps, Re = p1 - p3, Im = p1 + p2.  xs: the rows' a + b at bin k
 * (rows h + 1 apart, h = N/2); v2: V2 at the channels */
static inline void
fold_gauss(const ConvDft *c, const float *x, const float *xs, const float *v,
    const float *v2, unsigned k, Lane *ar, Lane *ai, Lane *br, Lane *bi)
{
	unsigned n = c->N, h = n / 2, kb = h - k, i, r;
	size_t op = c->Op;
	Lane p1[CD_RB], p2[CD_RB], p3[CD_RB], q1[CD_RB], q2[CD_RB], q3[CD_RB];

	for (r = 0; r < CD_RB; r++)
		p1[r] = p2[r] = p3[r] = q1[r] = q2[r] = q3[r] = (Lane){0};
	for (i = 0; i < c->kh; i++, x += n, xs += h + 1, v += n * op, v2 += n * op) {
		Lane v0, vd, vs, w0, wd, ws;
		memcpy(&v0, v + k * op, sizeof v0);
		memcpy(&vd, v2 + k * op, sizeof vd);
		memcpy(&vs, v2 + (h + k) * op, sizeof vs);
		memcpy(&w0, v + kb * op, sizeof w0);
		memcpy(&wd, v2 + kb * op, sizeof wd);
		memcpy(&ws, v2 + (h + kb) * op, sizeof ws);
		for (r = 0; r < CD_RB; r++) {
			const float *xr = x + (size_t)r * n, *sr = xs + (size_t)r * (h + 1);
			p1[r] += sr[k] * v0;
			p2[r] += xr[k] * vd;
			p3[r] += xr[h + k] * vs;
			q1[r] += sr[kb] * w0;
			q2[r] += xr[kb] * wd;
			q3[r] += xr[h + kb] * ws;
		}
	}
	for (r = 0; r < CD_RB; r++) {
		ar[r] = p1[r] - p3[r], ai[r] = p1[r] + p2[r];
		br[r] = q1[r] - q3[r], bi[r] = q1[r] + q2[r];
	}
}

/* spectra_product and fold's first step in one pass (L >= 1), for the CD_RB
 * output rows from X (the spectrum of the first one's first tap) and the CD_LANE
 * channels from o0: Z [N][CD_RB][CD_LANE] holds D0 (rows 0..N/2-1) and D1 (rows
 * N/2..N-1) (XS: fold_gauss's xs).  X has rows of zeros (or any finite values)
 * past the last output row */
HOT static void
spectra_fold(const ConvDft *c, const float *X, const float *XS, unsigned o0, float *Z)
{
	unsigned n = c->N, h = n / 2, k, kb, r;
	size_t ld = CD_RB * CD_LANE;

	for (k = 0; k <= n / 4; k++) {
		float cw = c->tw[2 * k], sw = c->tw[2 * k + 1];
		Lane ar[CD_RB], ai[CD_RB], br[CD_RB], bi[CD_RB], d0, e0, d1, e1;
		kb = h - k;
		if (k == 0 || kb == k)
			fold_sums(c, X, c->V + o0, k, 1, ar, ai, br, bi);
		else
			fold_gauss(c, X, XS, c->V + o0, c->V2 + o0, k, ar, ai, br, bi);
		for (r = 0; r < CD_RB; r++) {
			float *z = Z + (size_t)r * CD_LANE;
			Lane a = ar[r], ia = ai[r], b = br[r], ib = bi[r];
			if (k == 0) { /* both real */
				d0 = a + b, d1 = a - b;
			} else if (kb == k) { /* the same bin: 2 Re, -2 Im */
				d0 = a + a, d1 = -(ia + ia);
			} else {
				Lane dr = a - b, di = ia + ib;
				d0 = a + b;
				e0 = ia - ib;
				d1 = dr * cw - di * sw;
				e1 = dr * sw + di * cw;
				memcpy(z + (n / 4 + k) * ld, &e0, sizeof e0);
				memcpy(z + (h + n / 4 + k) * ld, &e1, sizeof e1);
			}
			memcpy(z + k * ld, &d0, sizeof d0);
			memcpy(z + (h + k) * ld, &d1, sizeof d1);
		}
	}
}

/* one radix-2 step: the real spectrum S of n (n / 4 whole; row stride ls) of len
 * channels -> D0, D1 of n / 2 (row stride ld), those of the even and the odd
 * positions: D_e[k] = (S[k] + (-1)^e conj(S[n/2 - k])) e^(2 pi i k e / n) for
 * k <= n / 4 (tw: its cos, sin) */
HOT static void
fold(const float *restrict S, size_t ls, unsigned n, size_t len, const float *restrict tw,
    float *restrict D0, float *restrict D1, size_t ld)
{
	unsigned h = n / 2, k;
	size_t i;

	for (k = 0; k <= n / 4; k++) {
		const float *restrict ar = S + k * ls, *restrict br = S + (h - k) * ls;
		const float *restrict ai = S + (h + k) * ls, *restrict bi = k ? S + (n - k) * ls : S;
		float *restrict d0 = D0 + k * ld, *restrict d1 = D1 + k * ld;
		float *restrict e0 = D0 + (n / 4 + k) * ld, *restrict e1 = D1 + (n / 4 + k) * ld;
		float c = tw[2 * k], s = tw[2 * k + 1];
		if (k == 0) /* both real */
			for (i = 0; i < len; i++)
				d0[i] = ar[i] + br[i], d1[i] = ar[i] - br[i];
		else if (k == n / 4) /* the same bin: 2 Re, -2 Im */
			for (i = 0; i < len; i++)
				d0[i] = ar[i] + ar[i], d1[i] = -(ai[i] + ai[i]);
		else
			for (i = 0; i < len; i++) {
				float dr = ar[i] - br[i], di = ai[i] + bi[i];
				d0[i] = ar[i] + br[i];
				e0[i] = ai[i] - bi[i];
				d1[i] = dr * c - di * s;
				e1[i] = dr * s + di * c;
			}
	}
}

/* h, l: the larger and the smaller of themselves and *y (*y where first) */
static inline void
keep(const Lane *y, Lane *h, Lane *l, int first)
{
	Mask m;

	if (first) {
		*h = *l = *y;
		return;
	}
	m = *y > *h;
	*h = (Lane)(((Mask)*y & m) | ((Mask)*h & ~m));
	m = *y < *l;
	*l = (Lane)(((Mask)*y & m) | ((Mask)*l & ~m));
}

/* part_extremes on CD_LANE channels with nl CD_NL, the part's spectrum d held in
 * registers (two rows of G at a time; the same sums in the same order) */
static inline void
part_rows6(const float *restrict G, unsigned rows, const Lane *d, Lane *h, Lane *l,
    int first)
{
	Lane y0, y1;
	unsigned r, q;

	for (r = 0; r + 1 < rows; r += 2) {
		const float *g0 = G + (size_t)r * CD_NL, *g1 = g0 + CD_NL;
		y0 = g0[0] * d[0];
		y1 = g1[0] * d[0];
		for (q = 1; q < CD_NL; q++) {
			y0 += g0[q] * d[q];
			y1 += g1[q] * d[q];
		}
		keep(&y0, h, l, first && r == 0);
		keep(&y1, h, l, 0);
	}
	if (r < rows) {
		const float *g0 = G + (size_t)r * CD_NL;
		y0 = g0[0] * d[0];
		for (q = 1; q < CD_NL; q++)
			y0 += g0[q] * d[q];
		keep(&y0, h, l, first && r == 0);
	}
}

/* part_rows6 on the part D [CD_NL][.] (row stride ld) loaded from memory */
static inline void
part_lanes6(const float *restrict G, unsigned rows, const float *restrict D, size_t ld,
    Lane *h, Lane *l, int first)
{
	Lane d[CD_NL];
	unsigned q;

	for (q = 0; q < CD_NL; q++)
		memcpy(&d[q], D + q * ld, sizeof d[q]);
	part_rows6(G, rows, d, h, l, first);
}

/* fold's arithmetic on one lane of a spectrum s of n (a constant): d0, d1 (the
 * same operations in the same order) */
static inline __attribute__((always_inline)) void
fold_lanes(const Lane *s, unsigned n, const float *tw, Lane *d0, Lane *d1)
{
	unsigned h = n / 2, k;

	d0[0] = s[0] + s[h], d1[0] = s[0] - s[h];
	for (k = 1; k < n / 4; k++) {
		Lane dr = s[k] - s[h - k], di = s[h + k] + s[n - k];
		d0[k] = s[k] + s[h - k];
		d0[n / 4 + k] = s[h + k] - s[n - k];
		d1[k] = dr * tw[2 * k] - di * tw[2 * k + 1];
		d1[n / 4 + k] = dr * tw[2 * k + 1] + di * tw[2 * k];
	}
	d0[n / 4] = s[n / 4] + s[n / 4];
	d1[n / 4] = -(s[h + n / 4] + s[h + n / 4]);
}

/* the last two radix-2 steps and part_extremes in one pass: the spectrum S
 * [4 CD_NL][len] (row stride ls) of the parts 4 j .. 4 j + 3 (tw: the first step's
 * twiddles, the second's after them) split in registers, then their rows of G;
 * *first as part_extremes's, cleared once a part had rows */
HOT static void
part_quad(const ConvDft *c, const float *restrict S, size_t ls, size_t len,
    const float *tw, unsigned j, float *restrict hi, float *restrict lo, int *first)
{
	const float *tw2 = tw + 2 * (CD_NL + 1);
	unsigned p, q, rows[4], f0 = (unsigned)*first;
	size_t i;

	for (p = 0; p < 4; p++) {
		rows[p] = c->off[4 * j + p + 1] - c->off[4 * j + p];
		if (rows[p])
			*first = 0;
	}
	for (i = 0; i < len; i += CD_LANE) {
		Lane s[4 * CD_NL], d[4 * CD_NL], h, l;
		int f = (int)f0;
		memcpy(&h, hi + i, sizeof h);
		memcpy(&l, lo + i, sizeof l);
		for (q = 0; q < 4 * CD_NL; q++)
			memcpy(&s[q], S + q * ls + i, sizeof s[q]);
		fold_lanes(s, 4 * CD_NL, tw, d, d + 2 * CD_NL);
		fold_lanes(d, 2 * CD_NL, tw2, s, s + CD_NL);
		fold_lanes(d + 2 * CD_NL, 2 * CD_NL, tw2, s + 2 * CD_NL, s + 3 * CD_NL);
		for (p = 0; p < 4; p++)
			if (rows[p]) {
				part_rows6(c->G + (size_t)c->off[4 * j + p] * CD_NL, rows[p],
				    s + p * CD_NL, &h, &l, f);
				f = 0;
			}
		memcpy(hi + i, &h, sizeof h);
		memcpy(lo + i, &l, sizeof l);
	}
}

/* over the rows r of G (nl wide) of a part D [nl][len] (row stride ld, len a
 * multiple of CD_LANE): hi, lo = the largest and smallest of G_r D so far (first:
 * the first rows) */
HOT static void
part_extremes(const float *restrict G, unsigned rows, unsigned nl, const float *restrict D,
    size_t ld, size_t len, float *restrict hi, float *restrict lo, int first)
{
	unsigned r, q;
	size_t i;

	for (i = 0; i < len; i += CD_LANE) {
		Lane h, l, y, d;
		memcpy(&h, hi + i, sizeof h);
		memcpy(&l, lo + i, sizeof l);
		if (nl == CD_NL)
			part_lanes6(G, rows, D + i, ld, &h, &l, first);
		else
			for (r = 0; r < rows; r++) {
				const float *g = G + (size_t)r * nl;
				memcpy(&d, D + i, sizeof d);
				y = g[0] * d;
				for (q = 1; q < nl; q++) {
					memcpy(&d, D + q * ld + i, sizeof d);
					y += g[q] * d;
				}
				keep(&y, &h, &l, first && r == 0);
			}
		memcpy(hi + i, &h, sizeof h);
		memcpy(lo + i, &l, sizeof l);
	}
}

/* hi, lo [len] = the extremes over the P positions of the channels Z [N][len]
 * (row stride ld); B: 2 CD_SLICE N floats of scratch */
static void
extremes(const ConvDft *c, const float *Z, size_t ld, size_t len, float *B, float *hi,
    float *lo)
{
	const float *tw = c->tw, *src = Z;
	float *dst = B, *other = B + (size_t)c->N * CD_SLICE;
	/* steps through memory: the last two are part_quad's when the parts are CD_NL */
	unsigned l, j, n = c->N, last = c->L >= 3 && c->nl == CD_NL ? c->L - 2 : c->L;
	size_t ls = ld;
	int first = 1;

	if (c->L) /* the first step done by spectra_fold */
		tw += 2 * (n / 4 + 1), n /= 2;
	for (l = !!c->L; l < last; l++, tw += 2 * (n / 4 + 1), n /= 2) {
		for (j = 0; j < 1u << l; j++)
			fold(src + j * n * ls, ls, n, len, tw, dst + 2 * j * (n / 2) * len,
			    dst + (2 * j + 1) * (n / 2) * len, len);
		src = dst, ls = len;
		dst = other, other = (float *)src;
	}
	if (last < c->L) {
		for (j = 0; j < 1u << last; j++)
			part_quad(c, src + j * n * ls, ls, len, tw, j, hi, lo, &first);
		return;
	}
	for (j = 0; j < 1u << c->L; j++)
		if (c->off[j + 1] > c->off[j]) {
			part_extremes(c->G + (size_t)c->off[j] * c->nl, c->off[j + 1] - c->off[j],
			    c->nl, src + j * c->nl * ls, ls, len, hi, lo, first);
			first = 0;
		}
}

/* out[r][o] = s max(0, max_p y + b) + t (the smallest y when s < 0: the result is
 * monotonic in y), from hi, lo [nb][Op] */
static void
pool(const ConvDft *c, unsigned nb, const float *b, const float *s, const float *t,
    float *out, size_t ldo, const float *hi, const float *lo)
{
	unsigned r, o;

	for (r = 0; r < nb; r++, out += ldo)
		for (o = 0; o < c->O; o++) {
			float v = (s[o] >= 0 ? hi[r * c->Op + o] : lo[r * c->Op + o]) + b[o];
			out[o] = s[o] * (v > 0 ? v : 0) + t[o];
		}
}

/* hi, lo [nb][Op] (L >= 1): block by block of CD_RB rows and CD_LANE channels,
 * the products and the steps in cache (Z: N CD_SLICE floats; B, eh, el:
 * extremes's scratch and results) */
static void
fold_blocks(const ConvDft *c, const float *X, float *XS, unsigned nb, float *Z, float *B,
    float *eh, float *el, float *hi, float *lo)
{
	unsigned o0, r0, r, k, h = c->N / 2, nx = (nb + CD_RB - 1) / CD_RB * CD_RB + c->kh - 1;

	for (r = 0; r < nx; r++) /* fold_gauss's a + b */
		for (k = 1; k < h; k++)
			XS[(size_t)r * (h + 1) + k] = X[(size_t)r * c->N + k] + X[(size_t)r * c->N + h + k];

	_Static_assert(CD_SLICE == CD_RB * CD_LANE, "a block is one slice");
	for (o0 = 0; o0 < c->Op; o0 += CD_LANE)
		for (r0 = 0; r0 < nb; r0 += CD_RB) {
			spectra_fold(c, X + (size_t)r0 * c->N, XS + (size_t)r0 * (h + 1), o0, Z);
			extremes(c, Z, CD_SLICE, CD_SLICE, B, eh, el);
			for (r = r0; r < r0 + CD_RB && r < nb; r++) {
				memcpy(hi + (size_t)r * c->Op + o0, eh + (r - r0) * CD_LANE,
				    CD_LANE * sizeof *hi);
				memcpy(lo + (size_t)r * c->Op + o0, el + (r - r0) * CD_LANE,
				    CD_LANE * sizeof *lo);
			}
		}
}

void
conv_dft_do(const ConvDft *c, const float *x, unsigned H, unsigned h0, unsigned h1,
    const float *b, const float *s, const float *t, float *out, size_t ldo, float *work)
{
	unsigned nx = CD_ROWS + c->kh - 1, h, nb;
	float *X = work, *Z = X + (size_t)nx * c->N, *B = Z + z_floats(c),
	    *hi = B + 2 * (size_t)c->N * CD_SLICE, *lo = hi + (size_t)CD_ROWS * c->Op,
	    *eh = lo + (size_t)CD_ROWS * c->Op, *el = eh + CD_SLICE;
	size_t i, ld;

	for (h = h0; h < h1; h += nb) {
		long y0 = (long)h - (long)((c->kh - 1) / 2), a, e;
		nb = h1 - h < CD_ROWS ? h1 - h : CD_ROWS;
		a = y0 < 0 ? 0 : y0;
		e = y0 + nb + c->kh - 1 < (long)H ? y0 + nb + c->kh - 1 : (long)H;
		memset(X, 0, (size_t)((nb + CD_RB - 1) / CD_RB * CD_RB + c->kh - 1) * c->N *
		    sizeof *X);
		if (e > a)
			row_spectra(c, x + (size_t)a * c->W, (unsigned)(e - a), X + (size_t)(a - y0) * c->N);
		if (c->L) {
			fold_blocks(c, X, el + CD_SLICE, nb, Z, B, eh, el, hi, lo);
		} else {
			spectra_product(c, X, nb, Z);
			ld = (size_t)nb * c->Op;
			for (i = 0; i < ld; i += CD_SLICE)
				extremes(c, Z + i, ld, ld - i < CD_SLICE ? ld - i : CD_SLICE, B, hi + i,
				    lo + i);
		}
		pool(c, nb, b, s, t, out + (size_t)(h - h0) * ldo, ldo, hi, lo);
	}
}

void
del_conv_dft(ConvDft *c)
{
	if (!c)
		return;
	free(c->F);
	free(c->V);
	free(c->V2);
	free(c->G);
	free(c->tw);
	free(c);
}
