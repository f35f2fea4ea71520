/* stft.c — centred STFT magnitudes (see stft.h).
 *
 * Precision: librosa computes the FFT in float64 (NumPy's pocketfft) and rounds the
 * spectrum to complex64.  A float32 FFT's rounding noise sits ~1e-7 below the
 * frame's largest bin in EVERY bin, which is enough to move the spectral bandwidth of
 * a pure tone by 15 % (sine440: 13.5 Hz instead of 11.6 Hz).  So the transform runs
 * in double precision with FFTW3 (libfftw3), then is rounded to float32 as librosa
 * does. */
#include "dsp/stft.h"
#include "dsp/fft.h"
#include "core/util.h"

#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct Stft {
	int n_fft, hop, nbins;
	double *win;         /* periodic Hann, scipy.signal.get_window('hann', n, fftbins=True) */
	double *in;
	fftw_complex *out;
	fftw_plan plan;
};

Stft *
new_stft(int n_fft, int hop)
{
	Stft *s = ecalloc(1, sizeof *s);
	int i;

	s->n_fft = n_fft;
	s->hop = hop;
	s->nbins = n_fft / 2 + 1;
	s->win = emallocarray(n_fft, sizeof *s->win);
	/* scipy general_cosine: fac = linspace(-pi, pi, n+1); w = 0.5 + 0.5 cos(fac) */
	for (i = 0; i < n_fft; i++) {
		double fac = -M_PI + i * (2 * M_PI / n_fft);
		s->win[i] = 0.5 + 0.5 * cos(fac);
	}
	s->in = fft_real(n_fft);
	s->out = fft_complex(s->nbins);
	s->plan = fftw_plan_dft_r2c_1d(n_fft, s->in, s->out, FFTW_ESTIMATE);
	return s;
}

void
del_stft(Stft *s)
{
	if (!s)
		return;
	fftw_destroy_plan(s->plan);
	fftw_free(s->in);
	fftw_free(s->out);
	free(s->win);
	free(s);
}

int
stft_nbins(const Stft *s)
{
	return s->nbins;
}

size_t
stft_nframes(const Stft *s, size_t n)
{
	return 1 + n / (size_t)s->hop;
}

/* |X| of the FFT output as float32 (complex64, as librosa stores it), then
 * (float)sqrt((double)re*re + (double)im*im): np.abs rounded the same way.  The
 * SSE3 version (x86-64-v2) does exactly these operations, two bins at a time. */
static void
mags_scalar(const fftw_complex *out, int nb, float *mag)
{
	int k;
	float re, im;

	for (k = 0; k < nb; k++) {
		re = (float)out[k][0];
		im = (float)out[k][1];
		mag[k] = (float)sqrt((double)re * re + (double)im * im);
	}
}

static void
mags_sse(const fftw_complex *out, int nb, float *mag)
{
	int k;

	for (k = 0; k + 2 <= nb; k += 2) {
		__m128d a = _mm_loadu_pd(out[k]), b = _mm_loadu_pd(out[k + 1]);
		a = _mm_cvtps_pd(_mm_cvtpd_ps(a)); /* round re, im to float32 */
		b = _mm_cvtps_pd(_mm_cvtpd_ps(b));
		a = _mm_sqrt_pd(_mm_hadd_pd(_mm_mul_pd(a, a), _mm_mul_pd(b, b)));
		_mm_storel_pi((__m64 *)(mag + k), _mm_cvtpd_ps(a));
	}
	mags_scalar(out + k, nb - k, mag + k);
}

/* in[i] = win[i] * x[i], i in [0, n) (float widened to double) */
static void
window_sse(const double *win, const float *x, int n, double *in)
{
	int i;

	for (i = 0; i + 4 <= n; i += 4) {
		__m128 v = _mm_loadu_ps(x + i);
		_mm_storeu_pd(in + i, _mm_mul_pd(_mm_loadu_pd(win + i), _mm_cvtps_pd(v)));
		_mm_storeu_pd(in + i + 2, _mm_mul_pd(_mm_loadu_pd(win + i + 2),
		    _mm_cvtps_pd(_mm_movehl_ps(v, v))));
	}
	for (; i < n; i++)
		in[i] = win[i] * x[i];
}

/* window x[off+lo .. off+hi) (zeros outside) into the FFT input, transform, |X| in float32 */
static void
transform(Stft *s, const float *x, long off, int lo, int hi, float *mag)
{
	int i;

	for (i = 0; i < lo; i++)
		s->in[i] = 0;
	window_sse(s->win + lo, x + off + lo, hi - lo, s->in + lo);
	for (i = hi; i < s->n_fft; i++)
		s->in[i] = 0;
	fftw_execute(s->plan);
	mags_sse(s->out, s->nbins, mag);
}

void
stft_frame(Stft *s, const float *x, size_t n, size_t t, float *mag)
{
	long start = (long)(t * s->hop) - s->n_fft / 2;
	long lo = start < 0 ? -start : 0;
	long hi = (long)n - start < s->n_fft ? (long)n - start : s->n_fft;

	if (hi < lo)
		hi = lo;
	transform(s, x, start, (int)lo, (int)hi, mag);
}

void
stft_frame_raw(Stft *s, const float *frame, float *mag)
{
	transform(s, frame, 0, 0, s->n_fft, mag);
}
