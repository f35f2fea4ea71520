/* stft.c — centred STFT magnitudes (see stft.h).
 *
 * Precision: librosa computes the FFT in float64 (NumPy's pocketfft) and rounds the
 * spectrum to complex64.  A float32 FFT's rounding noise sits ~1e-7 below the
 * frame's largest bin in EVERY bin, which is enough to move the spectral bandwidth of
 * a pure tone by 15 % (sine440: 13.5 Hz instead of 11.6 Hz).  So the transform runs
 * in double precision with FFTW3 (libfftw3), then is rounded to float32 as librosa
 * does.  config.mk links only libfftw3f, so the double library is loaded with
 * dlopen("libfftw3.so.3") (same package, libfftw3-double3); should it be missing,
 * the float FFTW plan is used and a pure tone's bandwidth is approximate. */
#include "stft.h"
#include "util.h"

#include <dlfcn.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int tried, ok;
	__typeof__(fftw_plan_dft_r2c_1d) *plan;
	__typeof__(fftw_execute) *execute;
	__typeof__(fftw_destroy_plan) *destroy;
	__typeof__(fftw_malloc) *alloc;
	__typeof__(fftw_free) *free;
} d64;

static int
load64(void)
{
	void *h;

	if (d64.tried)
		return d64.ok;
	d64.tried = 1;
	if (getenv("SV_FFT_FLOAT") || !(h = dlopen("libfftw3.so.3", RTLD_NOW | RTLD_LOCAL)))
		return 0;
	*(void **)&d64.plan = dlsym(h, "fftw_plan_dft_r2c_1d");
	*(void **)&d64.execute = dlsym(h, "fftw_execute");
	*(void **)&d64.destroy = dlsym(h, "fftw_destroy_plan");
	*(void **)&d64.alloc = dlsym(h, "fftw_malloc");
	*(void **)&d64.free = dlsym(h, "fftw_free");
	d64.ok = d64.plan && d64.execute && d64.destroy && d64.alloc && d64.free;
	return d64.ok; /* the handle stays open for the life of the process */
}

struct Stft {
	int n_fft, hop, nbins, dbl;
	double *win;         /* periodic Hann, scipy.signal.get_window('hann', n, fftbins=True) */
	/* double path */
	double *in;
	fftw_complex *out;
	fftw_plan plan;
	/* float fallback */
	float *inf;
	fftwf_complex *outf;
	fftwf_plan planf;
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
	s->dbl = load64();
	if (s->dbl) {
		s->in = d64.alloc(n_fft * sizeof(double));
		s->out = d64.alloc(s->nbins * sizeof(fftw_complex));
		if (!s->in || !s->out)
			eprintf("out of memory");
		s->plan = d64.plan(n_fft, s->in, s->out, FFTW_ESTIMATE);
	} else {
		s->inf = fftwf_alloc_real(n_fft);
		s->outf = fftwf_alloc_complex(s->nbins);
		if (!s->inf || !s->outf)
			eprintf("out of memory");
		s->planf = fftwf_plan_dft_r2c_1d(n_fft, s->inf, s->outf, FFTW_ESTIMATE);
	}
	return s;
}

void
del_stft(Stft *s)
{
	if (!s)
		return;
	if (s->dbl) {
		d64.destroy(s->plan);
		d64.free(s->in);
		d64.free(s->out);
	} else {
		fftwf_destroy_plan(s->planf);
		fftwf_free(s->inf);
		fftwf_free(s->outf);
	}
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

	if (s->dbl) {
		for (i = 0; i < lo; i++)
			s->in[i] = 0;
		for (i = lo; i < hi; i++)
			s->in[i] = s->win[i] * x[off + i];
		for (i = hi; i < s->n_fft; i++)
			s->in[i] = 0;
		d64.execute(s->plan);
		for (k = 0; k < s->nbins; k++) {
			re = (float)s->out[k][0]; /* complex64, as librosa stores it */
			im = (float)s->out[k][1];
			mag[k] = (float)sqrt((double)re * re + (double)im * im);
		}
		return;
	}
	for (i = 0; i < lo; i++)
		s->inf[i] = 0;
	for (i = lo; i < hi; i++)
		s->inf[i] = (float)(s->win[i] * x[off + i]);
	for (i = hi; i < s->n_fft; i++)
		s->inf[i] = 0;
	fftwf_execute(s->planf);
	for (k = 0; k < s->nbins; k++) {
		re = s->outf[k][0];
		im = s->outf[k][1];
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
