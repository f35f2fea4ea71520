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
 * So each frame costs one forward real FFT (FFTW, double precision) and the weighted
 * power spectrum is accumulated (O(N) memory); one inverse transform (a DCT-I, as
 * the accumulated spectrum is real and even) at the end.  Everything is in double,
 * as librosa (float32 envelope times float64 window).  N is the smallest 2^a or
 * 3 * 2^a >= 2W - 1: any N >= 2W - 1 gives the same linear autocorrelation, and
 * these sizes are FFTW's fastest (librosa's own 2W - 1, 687 = 3 * 229 at 22050 Hz,
 * has a large prime factor, FFTW's slow case).  Plans are made per call with FFTW_ESTIMATE (FFTW_MEASURE costs
 * more planning time than it saves even on a 60-minute envelope); the FFTW planner
 * is not thread-safe, so beat_tempo must not run while another thread creates or
 * destroys FFTW plans (unless fftw_make_planner_thread_safe() was called).
 *
 * Corner cases: an all-zero envelope (and n = 0) gives 0 as beat_track; so does a
 * non-finite one (librosa raises) or a window under one frame (sr * 8 < hop); a
 * one-frame window gives inf, librosa's bpms[0]. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/beat.h"
#include "dsp/fft.h"
#include "core/util.h"

#define AC_SIZE 8.0      /* seconds of the autocorrelation window (ac_size) */
#define MAX_TEMPO 320.0  /* BPM */
#define START_BPM 120.0  /* the log-normal prior's centre ... */
#define STD_BPM 1.0      /* ... and its standard deviation in octaves */

/* win_length = time_to_frames(ac_size, sr, hop) = int(8 * sr) // hop */
static int
ac_frames(double sr, int hop)
{
	double s = floor(AC_SIZE * sr);

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

/* the transform size: the smallest N >= 2W - 1 (no circular wrap over lags 0..W-1)
 * of the form 2^a or 3 * 2^a (even), the sizes FFTW_ESTIMATE plans fastest */
static int
fft_size(int W)
{
	int m = 2 * W - 1, p;

	for (p = 2; p < m; p <<= 1)
		if (p >= 4 && p / 2 * 3 >= m)
			return p / 2 * 3;
	return p;
}

/* 1 when env[0..n) is finite and not all zero; else beat_track's tempo is 0 */
static int
has_onsets(const float *env, size_t n)
{
	int any = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(env[i]))
			return 0;
		if (env[i] != 0)
			any = 1;
	}
	return any;
}

/* The autocorrelation tempogram of one envelope, summed over its frames: window
 * win[W], the padded envelope ring[n + 2*half], a frame x[N] and its spectrum
 * X[L], the accumulated weighted power spectrum acc[L] and its inverse ac[L]. */
typedef struct Acf {
	int W, half, N, L;
	double *win, *ring, *x, *acc, *ac;
	fftw_complex *X;
	fftw_plan fwd, inv;
} Acf;

/* Buffers and plans for window W over env[0..n); exits only when memory runs out. */
static void
acf_init(Acf *a, const float *env, size_t n, int W)
{
	size_t i;
	int k;

	a->W = W;
	a->half = W / 2;
	a->N = fft_size(W);
	a->L = a->N / 2 + 1;
	a->win = ereallocarray(NULL, W, sizeof *a->win);
	/* the padded envelope in double: O(n), like the input */
	a->ring = ereallocarray(NULL, n + 2 * (size_t)a->half, sizeof *a->ring);
	a->x = fft_real(a->N);
	a->X = fft_complex(a->L);
	a->acc = fft_real(a->L);
	a->ac = fft_real(a->L);
	/* FFTW_ESTIMATE leaves the arrays alone */
	a->fwd = fftw_plan_dft_r2c_1d(a->N, a->x, a->X, FFTW_ESTIMATE);
	a->inv = fftw_plan_r2r_1d(a->L, a->acc, a->ac, FFTW_REDFT00, FFTW_ESTIMATE);
	memset(a->x, 0, a->N * sizeof *a->x);	/* [W, N) stays zero */
	memset(a->acc, 0, a->L * sizeof *a->acc);
	/* scipy.signal.get_window('hann', W, fftbins=True) */
	for (k = 0; k < W; k++)
		a->win[k] = 0.5 + 0.5 * cos(k * (2 * M_PI / W) + (-M_PI));
	for (i = 0; i < n + 2 * (size_t)a->half; i++)
		a->ring[i] = padded(env, n, a->half, i);
}

static void
acf_free(Acf *a)
{
	fftw_destroy_plan(a->fwd);
	fftw_destroy_plan(a->inv);
	fftw_free(a->x);
	fftw_free(a->X);
	fftw_free(a->acc);
	fftw_free(a->ac);
	free(a->win);
	free(a->ring);
}

/* acc += |FFT(x_t)|^2 / r_t[0] for frame t (x_t = window times the padded envelope
 * from t); frames with r_t[0] = 0 (or subnormal) add nothing */
static void
acf_frame(Acf *a, size_t t)
{
	const double *p = a->ring + t, *win = a->win;
	double *x = a->x, *acc = a->acc, e0, e1 = 0, e2 = 0, e3 = 0, e4 = 0, w;
	const fftw_complex *X = a->X;
	int k, W = a->W;

	/* four partial sums: independent additions */
	for (k = 0; k + 4 <= W; k += 4) {
		x[k] = p[k] * win[k];
		x[k + 1] = p[k + 1] * win[k + 1];
		x[k + 2] = p[k + 2] * win[k + 2];
		x[k + 3] = p[k + 3] * win[k + 3];
		e1 += x[k] * x[k];
		e2 += x[k + 1] * x[k + 1];
		e3 += x[k + 2] * x[k + 2];
		e4 += x[k + 3] * x[k + 3];
	}
	for (; k < W; k++) {
		x[k] = p[k] * win[k];
		e1 += x[k] * x[k];
	}
	e0 = (e1 + e2) + (e3 + e4);
	if (!(e0 >= DBL_MIN))
		return;
	fftw_execute(a->fwd);
	w = 1 / e0;
	for (k = 0; k < a->L; k++)
		acc[k] += w * (X[k][0] * X[k][0] + X[k][1] * X[k][1]);
}

/* The lag (0..W-1) of the largest log1p(1e6 tg) + log-normal prior, tg[l] =
 * ac[l] / N / n the mean normalised tempogram.  bpms as tempo_frequencies:
 * 60 sr / (hop l), bpms[0] = inf; lags before the first one under max_tempo get a
 * prior of -inf.  This function can't fail. */
static int
best_lag(const Acf *a, size_t n, double sr, int hop)
{
	int l, best = 0, maxidx = -1;
	double score, bestscore = -INFINITY;

	for (l = 1; l < a->W; l++)
		if (60.0 * sr / ((double)hop * l) < MAX_TEMPO) {
			maxidx = l;
			break;
		}
	if (maxidx < 0)
		maxidx = 0;	/* np.argmax of all False */
	for (l = 0; l < a->W; l++) {
		double tg = a->ac[l] / a->N / (double)n;
		double bpm = l == 0 ? INFINITY : 60.0 * sr / ((double)hop * l);
		double d = (log2(bpm) - log2(START_BPM)) / STD_BPM;
		double lp = l < maxidx ? -INFINITY : -0.5 * (d * d);
		score = log1p(1e6 * tg) + lp;
		if (l == 0 || score > bestscore || (isnan(score) && !isnan(bestscore))) {
			bestscore = score;
			best = l;
		}
		if (isnan(bestscore))
			break;
	}
	return best;
}

double
beat_tempo(const float *env, size_t n, double sr, int hop)
{
	Acf a;
	size_t t;
	int W, best;

	if (!has_onsets(env, n))
		return 0;	/* beat_track: no onsets */
	W = ac_frames(sr, hop);
	if (W < 1)
		return 0;
	if (W == 1)
		return INFINITY;	/* only lag 0: librosa's bpms[0] */
	acf_init(&a, env, n, W);
	for (t = 0; t < n; t++)
		acf_frame(&a, t);
	/* tg[l] = (1/n) IFFT(acc)[l]; acc is real and even, so the inverse is a DCT-I:
	 * ac[l] = acc[0] + (-1)^l acc[N/2] + 2 sum_{0<k<N/2} acc[k] cos(2 pi k l / N) */
	fftw_execute(a.inv);
	best = best_lag(&a, n, sr, hop);
	acf_free(&a);
	/* bpms[0] = inf: only when no lag scores, as librosa */
	return best == 0 ? INFINITY : 60.0 * sr / ((double)hop * best);
}
