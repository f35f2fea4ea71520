/* stft.c — centred STFT magnitudes (see stft.h).
 *
 * Precision: librosa computes the FFT in float64 (NumPy's pocketfft) and rounds the
 * spectrum to complex64.  A float32 FFT's rounding noise sits ~1e-7 below the
 * frame's largest bin in EVERY bin, which is enough to move the spectral bandwidth of
 * a pure tone by 15 % (sine440: 13.5 Hz instead of 11.6 Hz).  So the transform runs
 * in double precision with FFTW3 (libfftw3), then is rounded to float32 as librosa
 * does. */
#include "stft.h"
#include "util.h"

#include <fftw3.h>
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
	s->win = emalloc(n_fft * sizeof *s->win);
	/* scipy general_cosine: fac = linspace(-pi, pi, n+1); w = 0.5 + 0.5 cos(fac) */
	for (i = 0; i < n_fft; i++) {
		double fac = -M_PI + i * (2 * M_PI / n_fft);
		s->win[i] = 0.5 + 0.5 * cos(fac);
	}
	s->in = fftw_alloc_real(n_fft);
	s->out = fftw_alloc_complex(s->nbins);
	if (!s->in || !s->out)
		eprintf("out of memory");
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

/* window x[off+lo .. off+hi) (zeros outside) into the FFT input, transform, |X| in float32 */
static void
transform(Stft *s, const float *x, long off, int lo, int hi, float *mag)
{
	int i, k;
	float re, im;

	for (i = 0; i < lo; i++)
		s->in[i] = 0;
	for (i = lo; i < hi; i++)
		s->in[i] = s->win[i] * x[off + i];
	for (i = hi; i < s->n_fft; i++)
		s->in[i] = 0;
	fftw_execute(s->plan);
	for (k = 0; k < s->nbins; k++) {
		re = (float)s->out[k][0]; /* complex64, as librosa stores it */
		im = (float)s->out[k][1];
		mag[k] = (float)sqrt((double)re * re + (double)im * im);
	}
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
