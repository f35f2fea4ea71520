/* songtempo.c — whole-song tempo in bounded memory (see songtempo.h). */
#include "feat/songtempo.h"
#include "dsp/beat.h"
#include "feat/feature.h"
#include "dsp/mel.h"
#include "dsp/onset.h"
#include "dsp/stft.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBINS (FEAT_NFFT / 2 + 1)
#define HALF (FEAT_NFFT / 2)
#define BATCH 8

struct SongTempo {
	double sr;
	Stft *stft;
	MelBank *mel;
	float *buf;        /* padded signal from padded index base */
	size_t len, cap, base;
	size_t t;          /* next frame */
	size_t ns;         /* frames stored */
	size_t nsamples;
	float *mem;        /* first MEMFRAMES dB frames */
	FILE *spill;       /* the rest */
	size_t memframes;  /* SONGTEMPO_MEMFRAMES, or $SV_FEAT_MEMFRAMES (tests) */
	float max;
	int failed;        /* the spill file failed (printed): the song's tempo is lost */
	int nb;            /* power frames batched for mel_apply_n */
	float pw[BATCH][NBINS], db[BATCH][FEAT_NMELS];
};

static void
reset(SongTempo *g)
{
	g->len = HALF; /* the centring pad */
	memset(g->buf, 0, HALF * sizeof *g->buf);
	g->base = 0;
	g->t = g->ns = 0;
	g->nsamples = 0;
	g->nb = 0;
	g->max = -INFINITY;
	g->failed = 0;
	if (g->spill) {
		fclose(g->spill);
		g->spill = NULL;
	}
}

SongTempo *
new_songtempo(double sr)
{
	SongTempo *g = ecalloc(1, sizeof *g);
	const char *env;

	g->sr = sr;
	g->stft = new_stft(FEAT_NFFT, FEAT_HOP);
	g->mel = new_melbank(sr, FEAT_NFFT, FEAT_NMELS);
	g->cap = 4 * FEAT_NFFT;
	g->buf = emallocarray(g->cap, sizeof *g->buf);
	g->memframes = SONGTEMPO_MEMFRAMES;
	if ((env = getenv("SV_FEAT_MEMFRAMES")) && atol(env) > 0 && atol(env) < SONGTEMPO_MEMFRAMES)
		g->memframes = (size_t)atol(env);
	g->mem = emallocarray(g->memframes * FEAT_NMELS, sizeof *g->mem);
	reset(g);
	return g;
}

void
del_songtempo(SongTempo *g)
{
	if (!g)
		return;
	if (g->spill)
		fclose(g->spill);
	del_stft(g->stft);
	del_melbank(g->mel);
	free(g->buf);
	free(g->mem);
	free(g);
}

/* one dB frame into memory or the spill file; on a spill failure, a message and
 * g->failed (later frames are dropped) */
static void
store(SongTempo *g, const float *db)
{
	if (g->ns < g->memframes) {
		memcpy(g->mem + g->ns++ * FEAT_NMELS, db, FEAT_NMELS * sizeof *db);
		return;
	}
	g->ns++;
	if (g->failed)
		return;
	if (!g->spill && !(g->spill = util_tmpfile())) {
		weprintf("tmpfile:");
		g->failed = 1;
	} else if (fwrite(db, sizeof *db, FEAT_NMELS, g->spill) != FEAT_NMELS) {
		weprintf("tmpfile: write error:");
		g->failed = 1;
	}
}

/* the batched power frames to dB mel frames, stored */
static void
flush_batch(SongTempo *g)
{
	int i, k;

	mel_apply_n(g->mel, g->pw[0], (size_t)g->nb, g->db[0]);
	for (i = 0; i < g->nb; i++) {
		float *m = g->db[i];
		for (k = 0; k < FEAT_NMELS; k++) {
			m[k] = mel_power_to_db(m[k]);
			if (m[k] > g->max)
				g->max = m[k];
		}
		store(g, m);
	}
	g->nb = 0;
}

static void
frames(SongTempo *g)
{
	size_t off;
	int k;

	while (g->t * FEAT_HOP + FEAT_NFFT <= g->base + g->len) {
		float *p = g->pw[g->nb];
		stft_frame_raw(g->stft, g->buf + (g->t * FEAT_HOP - g->base), p);
		for (k = 0; k < NBINS; k++)
			p[k] *= p[k];
		g->t++;
		if (++g->nb == BATCH)
			flush_batch(g);
	}
	off = g->t * FEAT_HOP - g->base; /* drop samples no later frame needs */
	if (off > g->len)
		off = g->len;
	memmove(g->buf, g->buf + off, (g->len - off) * sizeof *g->buf);
	g->len -= off;
	g->base += off;
}

static void
append(SongTempo *g, const float *x, size_t n)
{
	size_t chunk;

	while (n) {
		chunk = g->cap - g->len;
		if (chunk > n)
			chunk = n;
		if (x)
			memcpy(g->buf + g->len, x, chunk * sizeof *x);
		else
			memset(g->buf + g->len, 0, chunk * sizeof *x);
		g->len += chunk;
		if (x)
			x += chunk;
		n -= chunk;
		frames(g);
	}
}

int
songtempo_add(SongTempo *g, const float *x, size_t n)
{
	g->nsamples += n;
	append(g, x, n);
	return g->failed ? -1 : 0;
}

size_t
songtempo_samples(const SongTempo *g)
{
	return g->nsamples;
}

/* dB frame i, floored; 0, or -1 after a message when the spill file cannot be read */
static int
getframe(SongTempo *g, size_t i, float fl, float *out)
{
	int k;

	if (i < g->memframes) {
		memcpy(out, g->mem + i * FEAT_NMELS, FEAT_NMELS * sizeof *out);
	} else if (fread(out, sizeof *out, FEAT_NMELS, g->spill) != FEAT_NMELS) {
		weprintf("tmpfile: read error");
		return -1;
	}
	for (k = 0; k < FEAT_NMELS; k++)
		if (out[k] < fl)
			out[k] = fl;
	return 0;
}

/* beat_track's envelope of the T stored frames floored at fl into env[T]:
 * env[t] = median(max(0, S[t-2] - S[t-3])), t >= 3; 0, or -1 after a message */
static int
envelope(SongTempo *g, size_t T, float fl, float *env)
{
	float a[FEAT_NMELS], b[FEAT_NMELS], tmp[FEAT_NMELS], *prev = a, *cur = b, *sw;
	size_t t;

	if (g->spill && fseek(g->spill, 0, SEEK_SET)) {
		weprintf("tmpfile: seek:");
		return -1;
	}
	for (t = 0; t + 2 < T; t++) {
		if (getframe(g, t, fl, cur))
			return -1;
		if (t >= 1)
			env[t + 2] = onset_median1(prev, cur, FEAT_NMELS, tmp);
		sw = prev;
		prev = cur;
		cur = sw;
	}
	return 0;
}

double
songtempo_finish(SongTempo *g)
{
	size_t T;
	float *env;
	double tempo = -1;

	if (g->nsamples == 0) {
		reset(g);
		return 0;
	}
	append(g, NULL, HALF); /* the trailing centring pad */
	flush_batch(g);
	T = g->t;
	env = ecalloc(T, sizeof *env);
	if (!g->failed && !envelope(g, T, (float)((double)g->max - 80.0), env))
		tempo = beat_tempo(env, T, g->sr, FEAT_HOP);
	free(env);
	reset(g);
	return tempo;
}
