/* musicnn_front.c — Essentia's MusiCNN mel frames (see musicnn_front.h). */
#include "nn/musicnn_front.h"
#include "core/util.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct MusicnnFront {
	float win[MF_FRAME];
	float coef[MF_NMEL][MF_NBIN];     /* the filter bank, [band][bin] */
	int lo[MF_NMEL], hi[MF_NMEL];     /* bins lo..hi (inclusive) of each band */
	fftw_plan plan;                   /* 512-point real FFT, in -> out */
	double *in;                       /* [MF_FRAME] */
	fftw_complex *out;                /* [MF_NBIN] */
	float buf[MF_FRAME];              /* the next frame: its first nbuf samples */
	size_t nbuf;
	size_t nsamples;
	size_t nframes;                   /* frames emitted since the reset */
};

/* Essentia's hz2melSlaney and mel2hzSlaney (essentiamath.h) in float32 (Real) */
static float
hz2mel(float hz)
{
	const float lin = 3 / 200., minmel = 1000.0f * lin, step = log(6.4) / 27.0;

	return hz < 1000.0f ? hz * lin : minmel + logf(hz / 1000.0f) / step;
}

static float
mel2hz(float mel)
{
	const float lin = 3 / 200., minmel = 1000.0f * lin, step = log(6.4) / 27.0;

	return mel < minmel ? mel / lin : 1000.0f * expf((mel - minmel) * step);
}

/* MelBands::calculateFilterFrequencies + TriangularBands::createFilters with
 * numberBands 96, 0..8000 Hz, weighting linear, normalize unit_tri */
static void
filter_bank(MusicnnFront *f)
{
	float fr[MF_NMEL + 2], lo = hz2mel(0.0f), hi = hz2mel(MF_RATE / 2.0f);
	float inc = (hi - lo) / (MF_NMEL + 1), mel = lo, scale = (MF_RATE / 2.0) / (MF_NBIN - 1);
	int i, j;

	for (i = 0; i < MF_NMEL + 2; i++) {
		fr[i] = mel2hz(mel);
		mel += inc; /* accumulated in float, as Essentia does */
	}
	for (i = 0; i < MF_NMEL; i++) {
		float s1 = fr[i + 1] - fr[i], s2 = fr[i + 2] - fr[i + 1], w = (s1 + s2) / 2.0f;

		f->lo[i] = (int)ceilf(fr[i] / scale);
		f->hi[i] = (int)floorf(fr[i + 2] / scale);
		if (f->hi[i] > MF_NBIN - 1)
			f->hi[i] = MF_NBIN - 1;
		for (j = f->lo[i]; j <= f->hi[i]; j++) {
			float b = j * scale;
			float c = b < fr[i + 1] ? (b - fr[i]) / s1 : (fr[i + 2] - b) / s2;
			f->coef[i][j] = c / w;
		}
	}
}

MusicnnFront *
new_musicnn_front(void)
{
	MusicnnFront *f = ecalloc(1, sizeof *f);
	int i;

	for (i = 0; i < MF_FRAME; i++) /* Windowing: hann, symmetric, not normalised */
		f->win[i] = 0.5 - 0.5 * cos((2.0 * M_PI * i) / (MF_FRAME - 1.0));
	filter_bank(f);
	/* FFTW's planner is not thread-safe: planned here, before any thread starts;
	 * fftw_execute of the plan is */
	f->in = fftw_alloc_real(MF_FRAME);
	f->out = fftw_alloc_complex(MF_NBIN);
	if (!f->in || !f->out)
		eprintf("out of memory");
	f->plan = fftw_plan_dft_r2c_1d(MF_FRAME, f->in, f->out, FFTW_ESTIMATE);
	if (!f->plan)
		eprintf("cannot plan a %d-point FFT (FFTW)", MF_FRAME);
	musicnn_front_reset(f);
	return f;
}

void
musicnn_front_reset(MusicnnFront *f)
{
	/* frame 0 starts 256 samples before the signal: its first half is zeros */
	memset(f->buf, 0, sizeof f->buf);
	f->nbuf = MF_FRAME - MF_HOP;
	f->nsamples = 0;
	f->nframes = 0;
}

/* the mel frame of buf (MF_FRAME samples) */
static void
frame(MusicnnFront *f, const float *x, MfEmit emit, void *ctx)
{
	float mel[MF_NMEL];
	double p[MF_NBIN];
	int i, j;

	for (i = 0; i < MF_FRAME; i++)
		f->in[i] = (double)(x[i] * f->win[i]); /* Essentia: a float32 product */
	fftw_execute(f->plan);
	for (j = 0; j < MF_NBIN; j++)
		p[j] = f->out[j][0] * f->out[j][0] + f->out[j][1] * f->out[j][1];
	for (i = 0; i < MF_NMEL; i++) {
		double s = 0;
		for (j = f->lo[i]; j <= f->hi[i]; j++)
			s += p[j] * f->coef[i][j];
		mel[i] = (float)log10(1.0 + 10000.0 * s);
	}
	f->nframes++;
	emit(ctx, mel);
}

void
musicnn_front_push(MusicnnFront *f, const float *x, size_t n, MfEmit emit, void *ctx)
{
	size_t k;

	f->nsamples += n;
	while (n > 0) {
		k = MF_FRAME - f->nbuf < n ? MF_FRAME - f->nbuf : n;
		memcpy(f->buf + f->nbuf, x, k * sizeof *x);
		f->nbuf += k;
		x += k;
		n -= k;
		if (f->nbuf == MF_FRAME) {
			frame(f, f->buf, emit, ctx);
			memmove(f->buf, f->buf + MF_HOP, (MF_FRAME - MF_HOP) * sizeof *f->buf);
			f->nbuf = MF_FRAME - MF_HOP;
		}
	}
}

void
musicnn_front_end(MusicnnFront *f, MfEmit emit, void *ctx)
{
	/* frames k = 0 .. ceil(n / 256): those not yet emitted are zero-padded */
	size_t last = (f->nsamples + MF_HOP - 1) / MF_HOP, k;

	if (f->nsamples == 0)
		return;
	for (k = f->nframes; k <= last; k++) {
		memset(f->buf + f->nbuf, 0, (MF_FRAME - f->nbuf) * sizeof *f->buf);
		frame(f, f->buf, emit, ctx);
		memmove(f->buf, f->buf + MF_HOP, (MF_FRAME - MF_HOP) * sizeof *f->buf);
		f->nbuf = f->nbuf > MF_HOP ? f->nbuf - MF_HOP : 0;
	}
	f->nframes = last + 1;
}

size_t
musicnn_front_nsamples(const MusicnnFront *f)
{
	return f->nsamples;
}

void
del_musicnn_front(MusicnnFront *f)
{
	if (!f)
		return;
	fftw_destroy_plan(f->plan);
	fftw_free(f->in);
	fftw_free(f->out);
	free(f);
}
