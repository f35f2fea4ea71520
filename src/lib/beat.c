/* beat.c — librosa 0.10.1 beat_track tempo (feature.rhythm.tempo with its defaults)
 * on a precomputed onset envelope.
 *
 * librosa: tempogram = per frame t, x_t = hann(W) * padded_env[t .. t+W-1] (the
 * envelope padded by W/2 linear-ramp samples each side), r_t = autocorrelation of
 * x_t (lags 0..W-1), r_t / max|r_t|; tg = mean over t; tempo = bpms[argmax(log1p(1e6 tg)
 * + logprior)].
 *
 * The max of an autocorrelation is its lag-0 value, so tg = (1/n) sum_t r_t / r_t[0],
 * and since the autocorrelation is linear in the power spectrum,
 *     sum_t r_t / r_t[0] = IFFT( sum_t |FFT(x_t)|^2 / r_t[0] ).
 * So each frame costs one forward FFT and the weighted power spectrum is accumulated
 * (O(N) memory); one inverse transform at the end.  Two frames share one complex FFT
 * (frame a in the real part, frame b in the imaginary part).  Everything is in double,
 * as librosa (float32 envelope times float64 window); the FFT is a small radix-2 one
 * here, so the library needs no double-precision FFTW.
 *
 * Corner cases: an all-zero envelope (and n = 0) gives 0 as beat_track; so does a
 * non-finite one (librosa raises) or a window under one frame (sr * 8 < hop); a
 * one-frame window gives inf, librosa's bpms[0]. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beat.h"
#include "util.h"

/* Complex FFT of size n = 4^a or 2 * 4^a, split real/imaginary arrays, decimation in
 * frequency (radix-4 stages, then one radix-2 stage if needed), no reordering: the
 * output X[k] is at position pos[k].  The first stage skips the zero padding. */
struct fft {
	int n, nst;		/* size, number of radix-4 stages */
	int *pos;		/* pos[k]: where X[k] ends up */
	double *tw;		/* per radix-4 stage of size L (q = L/4): w^j, w^2j, w^3j
				 * (re, im) for j < q, w = exp(-2 pi i / L), 6q doubles */
};

static int
fft_pos(int k, int n)
{
	if (n == 1)
		return 0;
	if (n == 2)
		return k;
	return (k % 4) * (n / 4) + fft_pos(k / 4, n / 4);
}

static void
fft_init(struct fft *f, int n)
{
	int k, L, off = 0;

	f->n = n;
	f->nst = 0;
	for (L = n; L >= 4; L /= 4)
		f->nst++;
	f->pos = ereallocarray(NULL, n, sizeof *f->pos);
	f->tw = ereallocarray(NULL, 2 * (size_t)n + 8, sizeof *f->tw);
	for (k = 0; k < n; k++)
		f->pos[k] = fft_pos(k, n);
	for (L = n; L >= 4; L /= 4) {
		int q = L / 4, j, m;
		for (m = 1; m <= 3; m++)
			for (j = 0; j < q; j++) {
				double a = -2 * M_PI * (double)((long)m * j % L) / L;
				f->tw[off + 2 * (m - 1) * q + j] = cos(a);
				f->tw[off + (2 * (m - 1) + 1) * q + j] = sin(a);
			}
		off += 6 * q;
	}
}

static void
fft_free(struct fft *f)
{
	free(f->pos);
	free(f->tw);
}

/* one radix-4 DIF butterfly group; y1..y3 multiplied by the twiddles.  Two j at a
 * time with GCC/Clang vector extensions (q is a power of 4, >= 4 here). */
typedef double v2d __attribute__((vector_size(16)));

static inline v2d
ld(const double *p)
{
	v2d v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline void
st(double *p, v2d v)
{
	memcpy(p, &v, sizeof v);
}

static void
r4_block(double *restrict re, double *restrict im, int q, const double *restrict tw)
{
	const double *w1r = tw, *w1i = tw + q, *w2r = tw + 2 * q, *w2i = tw + 3 * q;
	const double *w3r = tw + 4 * q, *w3i = tw + 5 * q;
	double *r0 = re, *r1 = re + q, *r2 = re + 2 * q, *r3 = re + 3 * q;
	double *i0 = im, *i1 = im + q, *i2 = im + 2 * q, *i3 = im + 3 * q;
	int j;

	for (j = 0; j < q; j += 2) {
		v2d ar = ld(r0 + j), ai = ld(i0 + j), br = ld(r1 + j), bi = ld(i1 + j);
		v2d cr = ld(r2 + j), ci = ld(i2 + j), dr = ld(r3 + j), di = ld(i3 + j);
		v2d t0r = ar + cr, t0i = ai + ci;
		v2d t1r = ar - cr, t1i = ai - ci;
		v2d t2r = br + dr, t2i = bi + di;
		/* t3 = -i (b - d) */
		v2d t3r = bi - di, t3i = dr - br;
		v2d y1r = t1r + t3r, y1i = t1i + t3i;
		v2d y2r = t0r - t2r, y2i = t0i - t2i;
		v2d y3r = t1r - t3r, y3i = t1i - t3i;
		v2d c1 = ld(w1r + j), s1 = ld(w1i + j), c2 = ld(w2r + j), s2 = ld(w2i + j);
		v2d c3 = ld(w3r + j), s3 = ld(w3i + j);
		st(r0 + j, t0r + t2r);
		st(i0 + j, t0i + t2i);
		st(r1 + j, y1r * c1 - y1i * s1);
		st(i1 + j, y1r * s1 + y1i * c1);
		st(r2 + j, y2r * c2 - y2i * s2);
		st(i2 + j, y2r * s2 + y2i * c2);
		st(r3 + j, y3r * c3 - y3i * s3);
		st(i3 + j, y3r * s3 + y3i * c3);
	}
}

/* in place; only re/im[0 .. nz-1] may be nonzero on input; the rest must be 0 up to
 * fft_zend(n, nz) (beyond it is not read) */
static int
fft_zend(int n, int nz)
{
	return n >= 16 && nz <= n / 2 ? n / 2 : n;
}

static void
fft_run(const struct fft *f, double *restrict re, double *restrict im, int nz)
{
	int n = f->n, L = n, off = 0, s;

	for (s = 0; s < f->nst; s++) {
		int q = L / 4, g;
		if (s == 0 && n >= 16 && nz <= 2 * q) {
			/* c = d = 0 (and [nz, 2q) zeroed by the caller):
			 * y0 = a + b, y1 = a - i b, y2 = a - b, y3 = a + i b */
			const double *tw = f->tw;
			int j;
			for (j = 0; j < q; j += 2) {
				v2d ar = ld(re + j), ai = ld(im + j);
				v2d br = ld(re + j + q), bi = ld(im + j + q);
				v2d y1r = ar + bi, y1i = ai - br;
				v2d y2r = ar - br, y2i = ai - bi;
				v2d y3r = ar - bi, y3i = ai + br;
				v2d c1 = ld(tw + j), s1 = ld(tw + q + j);
				v2d c2 = ld(tw + 2 * q + j), s2 = ld(tw + 3 * q + j);
				v2d c3 = ld(tw + 4 * q + j), s3 = ld(tw + 5 * q + j);
				st(re + j, ar + br);
				st(im + j, ai + bi);
				st(re + j + q, y1r * c1 - y1i * s1);
				st(im + j + q, y1r * s1 + y1i * c1);
				st(re + j + 2 * q, y2r * c2 - y2i * s2);
				st(im + j + 2 * q, y2r * s2 + y2i * c2);
				st(re + j + 3 * q, y3r * c3 - y3i * s3);
				st(im + j + 3 * q, y3r * s3 + y3i * c3);
			}
		} else if (q == 1) {
			/* last stage: no twiddles */
			for (g = 0; g < n; g += 4) {
				double *r = re + g, *i = im + g;
				double t0r = r[0] + r[2], t0i = i[0] + i[2];
				double t1r = r[0] - r[2], t1i = i[0] - i[2];
				double t2r = r[1] + r[3], t2i = i[1] + i[3];
				double t3r = i[1] - i[3], t3i = r[3] - r[1];
				r[0] = t0r + t2r; i[0] = t0i + t2i;
				r[1] = t1r + t3r; i[1] = t1i + t3i;
				r[2] = t0r - t2r; i[2] = t0i - t2i;
				r[3] = t1r - t3r; i[3] = t1i - t3i;
			}
		} else {
			for (g = 0; g < n; g += L)
				r4_block(re + g, im + g, q, f->tw + off);
		}
		off += 6 * q;
		L = q;
	}
	if (L == 2) {
		int g;
		for (g = 0; g < n; g += 2) {
			double ar = re[g], ai = im[g], br = re[g + 1], bi = im[g + 1];
			re[g] = ar + br; im[g] = ai + bi;
			re[g + 1] = ar - br; im[g + 1] = ai - bi;
		}
	}
}

/* win_length = time_to_frames(8.0, sr, hop) = int(8 * sr) // hop */
static int
ac_frames(double sr, int hop)
{
	double s = floor(8.0 * sr);

	if (!(s >= 0) || hop <= 0 || s / hop > 1e6)
		return 0;
	return (int)((long long)s / hop);
}

/* padded envelope value at padded index j (0 .. n + 2*half - 1): np.pad linear_ramp */
static double
padded(const float *env, size_t n, int half, size_t j)
{
	float v;

	if (j < (size_t)half)
		v = (float)((double)j * ((double)env[0] / half));
	else if (j - half < n)
		v = env[j - half];
	else
		v = (float)((double)(n + 2 * (size_t)half - 1 - j) * ((double)env[n - 1] / half));
	return v;
}

double
sv_tempo(const float *env, size_t n, double sr, int hop)
{
	int W, half, N, L, k, l, best;
	size_t i, t;
	double *win = NULL, *re = NULL, *im = NULL, *acc = NULL, *ring = NULL, *ctab = NULL;
	int zend;
	double score, bestscore, tempo = 0;
	int maxidx;
	struct fft f;
	int any = 0;

	for (i = 0; i < n; i++) {
		if (!isfinite(env[i]))
			return 0;
		if (env[i] != 0)
			any = 1;
	}
	if (!any)
		return 0;	/* beat_track: no onsets */
	W = ac_frames(sr, hop);
	if (W < 1)
		return 0;
	half = W / 2;
	for (N = 1; N < 2 * W - 1; N <<= 1)
		;
	L = N / 2 + 1;
	fft_init(&f, N);
	win = ereallocarray(NULL, W, sizeof *win);
	re = ereallocarray(NULL, N, sizeof *re);
	im = ereallocarray(NULL, N, sizeof *im);
	acc = ecalloc(L, sizeof *acc);
	/* the padded envelope in double: O(n), like the input */
	ring = ereallocarray(NULL, n + 2 * (size_t)half, sizeof *ring);
	/* scipy.signal.get_window('hann', W, fftbins=True) */
	for (k = 0; k < W; k++)
		win[k] = 0.5 + 0.5 * cos(k * (2 * M_PI / W) + (-M_PI));
	for (i = 0; i < n + 2 * (size_t)half; i++)
		ring[i] = padded(env, n, half, i);

	zend = fft_zend(N, W);
	for (t = 0; t < n; t += 2) {
		int two = t + 1 < n;
		double e0a = 0, e0b = 0;
		{
			v2d sa = {0, 0}, sb = {0, 0};
			const double *pa = ring + t, *pb = ring + t + (two ? 1 : 0);
			for (k = 0; k + 2 <= W; k += 2) {
				v2d w = ld(win + k), a = ld(pa + k) * w, b = ld(pb + k) * w;
				st(re + k, a);
				st(im + k, b);
				sa += a * a;
				sb += b * b;
			}
			for (; k < W; k++) {
				re[k] = pa[k] * win[k];
				im[k] = pb[k] * win[k];
				e0a += re[k] * re[k];
				e0b += im[k] * im[k];
			}
			e0a += sa[0] + sa[1];
			e0b += sb[0] + sb[1];
			if (!two) {
				memset(im, 0, W * sizeof *im);
				e0b = 0;
			}
		}
		if (zend > W) {
			memset(re + W, 0, (zend - W) * sizeof *re);
			memset(im + W, 0, (zend - W) * sizeof *im);
		}
		if (!(e0a >= DBL_MIN) && !(e0b >= DBL_MIN))
			continue;
		fft_run(&f, re, im, W);
		{
			double wa = e0a >= DBL_MIN ? 0.25 / e0a : 0;
			double wb = e0b >= DBL_MIN ? 0.25 / e0b : 0;
			for (k = 0; k < L; k++) {
				int pk = f.pos[k], m = f.pos[(N - k) & (N - 1)];
				/* A = (X_k + conj X_m)/2, B = (X_k - conj X_m)/(2i) */
				double sr_ = re[pk] + re[m], si = im[pk] - im[m];
				double dr = re[pk] - re[m], di = im[pk] + im[m];
				acc[k] += wa * (sr_ * sr_ + si * si) + wb * (dr * dr + di * di);
			}
		}
	}

	ctab = ereallocarray(NULL, N, sizeof *ctab);
	for (k = 0; k < N; k++)
		ctab[k] = cos(2 * M_PI * k / N);
	/* tg[l] = (1/n) IFFT(acc)[l]; acc is real and even.  bpms as
	 * tempo_frequencies: 60 sr / (hop l), bpms[0] = inf; lags before the first
	 * one under max_tempo get a prior of -inf */
	maxidx = -1;
	for (l = 1; l < W; l++)
		if (60.0 * sr / ((double)hop * l) < 320.0) {
			maxidx = l;
			break;
		}
	if (maxidx < 0)
		maxidx = 0;	/* np.argmax of all False */
	best = 0;
	bestscore = -INFINITY;
	for (l = 0; l < W; l++) {
		double s = acc[0] + ((l & 1) ? -acc[N / 2] : acc[N / 2]);
		double tg, bpm, d, lp;
		for (k = 1; k < N / 2; k++) {
			int ph = (int)(((long)k * l) & (N - 1));
			s += 2 * acc[k] * ctab[ph];
		}
		tg = s / N / (double)n;
		bpm = l == 0 ? INFINITY : 60.0 * sr / ((double)hop * l);
		d = (log2(bpm) - log2(120.0)) / 1.0;
		lp = l < maxidx ? -INFINITY : -0.5 * (d * d);
		score = log1p(1e6 * tg) + lp;
		if (l == 0 || score > bestscore || (isnan(score) && !isnan(bestscore))) {
			bestscore = score;
			best = l;
		}
		if (isnan(bestscore))
			break;
	}
	/* bpms[0] = inf: only when no lag scores (a window of one frame), as librosa */
	tempo = best == 0 ? INFINITY : 60.0 * sr / ((double)hop * best);
	free(win);
	free(re);
	free(im);
	free(acc);
	free(ring);
	free(ctab);
	fft_free(&f);
	return tempo;
}
