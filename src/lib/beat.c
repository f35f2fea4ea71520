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
 * here, so the library needs no double-precision FFTW. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beat.h"
#include "util.h"

/* radix-2 complex FFT of size n (power of two), split real/imaginary arrays */
struct fft {
	int n, logn;
	int *rev;		/* bit reversal */
	double *tw;		/* per stage twiddles: stage of half-size h at tw[2*(h-1) ..]:
				 * cos at [2(h-1) + 2k], sin at [2(h-1) + 2k + 1] */
};

static void
fft_init(struct fft *f, int n)
{
	int i, h, logn = 0;

	while ((1 << logn) < n)
		logn++;
	f->n = n;
	f->logn = logn;
	f->rev = ereallocarray(NULL, n, sizeof *f->rev);
	f->tw = ereallocarray(NULL, 2 * (size_t)n, sizeof *f->tw);
	for (i = 0; i < n; i++) {
		int r = 0, b;
		for (b = 0; b < logn; b++)
			if (i & (1 << b))
				r |= 1 << (logn - 1 - b);
		f->rev[i] = r;
	}
	for (h = 1; h < n; h <<= 1) {
		int k;
		for (k = 0; k < h; k++) {
			double a = -M_PI * k / h;
			f->tw[2 * (h - 1) + 2 * k] = cos(a);
			f->tw[2 * (h - 1) + 2 * k + 1] = sin(a);
		}
	}
}

static void
fft_free(struct fft *f)
{
	free(f->rev);
	free(f->tw);
}

/* in place; input in natural order, output in natural order */
static void
fft_run(const struct fft *f, double *restrict re, double *restrict im)
{
	int n = f->n, i, h;

	for (i = 0; i < n; i++) {
		int j = f->rev[i];
		if (i < j) {
			double t = re[i]; re[i] = re[j]; re[j] = t;
			t = im[i]; im[i] = im[j]; im[j] = t;
		}
	}
	/* first stage: trivial twiddles */
	for (i = 0; i < n; i += 2) {
		double ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1];
		re[i] = ar + br; im[i] = ai + bi;
		re[i + 1] = ar - br; im[i + 1] = ai - bi;
	}
	for (h = 2; h < n; h <<= 1) {
		const double *tw = f->tw + 2 * (h - 1);
		for (i = 0; i < n; i += 2 * h) {
			double *ar = re + i, *ai = im + i, *br = re + i + h, *bi = im + i + h;
			int k;
			for (k = 0; k < h; k++) {
				double c = tw[2 * k], s = tw[2 * k + 1];
				double tr = br[k] * c - bi[k] * s;
				double ti = br[k] * s + bi[k] * c;
				br[k] = ar[k] - tr; bi[k] = ai[k] - ti;
				ar[k] += tr; ai[k] += ti;
			}
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
	double *win = NULL, *re = NULL, *im = NULL, *acc = NULL, *ring = NULL;
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

	for (t = 0; t < n; t += 2) {
		int two = t + 1 < n;
		double e0a = 0, e0b = 0;
		for (k = 0; k < W; k++) {
			double a = ring[t + k] * win[k];
			double b = two ? ring[t + 1 + k] * win[k] : 0;
			re[k] = a;
			im[k] = b;
			e0a += a * a;
			e0b += b * b;
		}
		memset(re + W, 0, (N - W) * sizeof *re);
		memset(im + W, 0, (N - W) * sizeof *im);
		if (!(e0a >= DBL_MIN) && !(e0b >= DBL_MIN))
			continue;
		fft_run(&f, re, im);
		{
			double wa = e0a >= DBL_MIN ? 0.25 / e0a : 0;
			double wb = e0b >= DBL_MIN ? 0.25 / e0b : 0;
			for (k = 0; k < L; k++) {
				int m = (N - k) & (N - 1);
				/* A = (X_k + conj X_m)/2, B = (X_k - conj X_m)/(2i) */
				double sr_ = re[k] + re[m], si = im[k] - im[m];
				double dr = re[k] - re[m], di = im[k] + im[m];
				acc[k] += wa * (sr_ * sr_ + si * si) + wb * (dr * dr + di * di);
			}
		}
	}

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
			/* cos(2 pi ph / N) from the twiddle table of the last stage */
			double c = f.tw[2 * (N / 2 - 1) + 2 * (ph & (N / 2 - 1))];
			if (ph >= N / 2)
				c = -c;
			s += 2 * acc[k] * c;
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
	tempo = best == 0 ? 0 : 60.0 * sr / ((double)hop * best);
	free(win);
	free(re);
	free(im);
	free(acc);
	free(ring);
	fft_free(&f);
	return tempo;
}
