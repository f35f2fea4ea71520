/* vggish_front.c — VGGish log-mel examples (see vggish_front.h). */
#include "nn/vggish_front.h"
#include "core/util.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct VggishFront {
	double win[VF_WIN];
	double mel[VF_NBIN][VF_NMEL];     /* spectrogram_to_mel_matrix, [bin][band] */
	int lo[VF_NMEL], hi[VF_NMEL];     /* nonzero bin range of each band */
	fftw_plan plan;                   /* 512-point real FFT, in -> out */
	double *in;                       /* [VF_NFFT], zero beyond VF_WIN */
	fftw_complex *out;                /* [VF_NBIN] */
	float buf[VF_WIN];                /* samples of the next, incomplete frame */
	size_t nbuf;
	size_t nsamples;
	float ex[VF_EXAMPLE];
	int nframe;                       /* frames in ex */
};

static double
hz_to_mel(double f)
{
	return 1127.0 * log(1.0 + f / 700.0);
}

/* numpy.linspace(a, b, n)[i] */
static double
linspace(double a, double b, int n, int i)
{
	return i == n - 1 ? b : i * ((b - a) / (n - 1)) + a;
}

VggishFront *
new_vggish_front(void)
{
	VggishFront *f = ecalloc(1, sizeof *f);
	double lo = hz_to_mel(125.0), hi = hz_to_mel(7500.0);
	double binmel[VF_NBIN];
	int i, k, b;

	for (i = 0; i < VF_WIN; i++) /* periodic Hann */
		f->win[i] = 0.5 - 0.5 * cos(2 * M_PI / VF_WIN * i);
	for (k = 0; k < VF_NBIN; k++)
		binmel[k] = hz_to_mel(linspace(0.0, VF_RATE / 2.0, VF_NBIN, k));
	for (b = 0; b < VF_NMEL; b++) {
		double l = linspace(lo, hi, VF_NMEL + 2, b);
		double c = linspace(lo, hi, VF_NMEL + 2, b + 1);
		double u = linspace(lo, hi, VF_NMEL + 2, b + 2);

		f->lo[b] = VF_NBIN;
		f->hi[b] = 0;
		for (k = 1; k < VF_NBIN; k++) { /* row 0 (DC) stays zero */
			double ls = (binmel[k] - l) / (c - l), us = (u - binmel[k]) / (u - c);
			double v = fmax(0.0, fmin(ls, us));

			f->mel[k][b] = v;
			if (v > 0) {
				if (k < f->lo[b])
					f->lo[b] = k;
				f->hi[b] = k + 1;
			}
		}
	}
	/* FFTW (double, as numpy's rfft): planned once (FFTW_ESTIMATE does not touch the
	 * arrays); FFTW's planner is not thread-safe, so this runs before any thread
	 * starts; fftw_execute of the plan is */
	f->in = fftw_alloc_real(VF_NFFT);
	f->out = fftw_alloc_complex(VF_NBIN);
	if (!f->in || !f->out)
		eprintf("out of memory");
	memset(f->in, 0, VF_NFFT * sizeof *f->in);
	f->plan = fftw_plan_dft_r2c_1d(VF_NFFT, f->in, f->out, FFTW_ESTIMATE);
	if (!f->plan)
		eprintf("cannot plan a %d-point FFT (FFTW)", VF_NFFT);
	return f;
}

void
vggish_front_reset(VggishFront *f)
{
	f->nbuf = 0;
	f->nsamples = 0;
	f->nframe = 0;
}

size_t
vggish_front_nsamples(const VggishFront *f)
{
	return f->nsamples;
}

/* one frame of VF_WIN samples -> one row of 64 log-mel values */
static void
frame(VggishFront *f, const float *x, float *out)
{
	double mag[VF_NBIN];
	int i, b, k;

	for (i = 0; i < VF_WIN; i++) /* in[VF_WIN..VF_NFFT) stay zero */
		f->in[i] = (double)x[i] * f->win[i];
	fftw_execute(f->plan);
	for (k = 0; k < VF_NBIN; k++)
		mag[k] = sqrt(f->out[k][0] * f->out[k][0] + f->out[k][1] * f->out[k][1]);
	for (b = 0; b < VF_NMEL; b++) {
		double s = 0;
		for (k = f->lo[b]; k < f->hi[b]; k++)
			s += mag[k] * f->mel[k][b];
		out[b] = (float)log(s + 0.01);
	}
}

static void
add_frame(VggishFront *f, const float *x, VfEmit emit, void *ctx)
{
	frame(f, x, f->ex + (size_t)f->nframe * VF_NMEL);
	if (++f->nframe == VF_FRAMES) {
		emit(ctx, f->ex);
		f->nframe = 0;
	}
}

void
vggish_front_push(VggishFront *f, const float *x, size_t n, VfEmit emit, void *ctx)
{
	size_t take, i = 0;

	f->nsamples += n;
	while (i < n) {
		/* frames entirely inside x, once buf is empty */
		if (f->nbuf == 0) {
			while (n - i >= VF_WIN) {
				add_frame(f, x + i, emit, ctx);
				i += VF_HOP;
			}
		}
		take = VF_WIN - f->nbuf;
		if (take > n - i)
			take = n - i;
		memcpy(f->buf + f->nbuf, x + i, take * sizeof *x);
		f->nbuf += take;
		i += take;
		if (f->nbuf == VF_WIN) {
			add_frame(f, f->buf, emit, ctx);
			/* keep the overlap; the next frame starts VF_HOP later */
			memmove(f->buf, f->buf + VF_HOP, (VF_WIN - VF_HOP) * sizeof *f->buf);
			f->nbuf = VF_WIN - VF_HOP;
		}
	}
}

void
del_vggish_front(VggishFront *f)
{
	if (!f)
		return;
	fftw_destroy_plan(f->plan);
	fftw_free(f->in);
	fftw_free(f->out);
	free(f);
}
