/* featrun.c — feat(1)'s per-mode work on records and audio files (see featrun.h). */
#include "feat/featrun.h"
#include "feat/feature.h"
#include "feat/profile.h"
#include "feat/seed.h"
#include "core/key.h"
#include "core/util.h"
#include "core/vwriter.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct FeatRun {
	int mode;
	VWriter *w;
	double sr;
	Feat *feat;
	Seed *seed;
	Profile *prof;    /* full mode */
	char *song;       /* seed mode: key of the song being accumulated */
	char *keybuf;
};

static const char *const modes[] = { "segment", "frames", "mel", "seed", "full" };
static char *melcols[FEAT_NMELS];

int
featrun_mode(const char *s)
{
	int i;

	for (i = 0; i < (int)(sizeof modes / sizeof *modes); i++)
		if (!strcmp(s, modes[i]))
			return i;
	return -1;
}

unsigned
featrun_dim(int mode)
{
	switch (mode) {
	case FR_SEGMENT: return FEAT_SEGDIM;
	case FR_FRAMES: return FEAT_FRAMEDIM;
	case FR_SEED: return SEED_DIM;
	case FR_FULL: return PROFILE_DIM;
	default: return FEAT_NMELS;
	}
}

char *const *
featrun_cols(int mode)
{
	int i;

	switch (mode) {
	case FR_SEGMENT: return (char *const *)feat_segcols;
	case FR_FRAMES: return (char *const *)feat_framecols;
	case FR_SEED: return (char *const *)seed_cols;
	case FR_FULL: return (char *const *)profile_cols();
	}
	if (!melcols[0])
		for (i = 0; i < FEAT_NMELS; i++) {
			melcols[i] = emalloc(8);
			sprintf(melcols[i], "mel%d", i);
		}
	return melcols;
}

FeatRun *
new_featrun(int mode, VWriter *w)
{
	FeatRun *r = ecalloc(1, sizeof *r);

	r->mode = mode;
	r->w = w;
	return r;
}

/* write a double vector as float32; 0 or FR_EWRITE */
static int
put(FeatRun *r, const char *key, const double *v, int n)
{
	float o[PROFILE_DIM];
	int i;

	for (i = 0; i < n; i++)
		o[i] = (float)v[i];
	return vwriter_write(r->w, key, o, (size_t)n) ? FR_EWRITE : 0;
}

/* seed mode: write the pending song's vector (write: 0 drops it); 0 or FR_EWRITE */
static int
end_song(FeatRun *r, int write)
{
	double v[SEED_DIM];
	int rc = 0;

	if (!r->song)
		return 0;
	seed_finish(r->seed, v);
	if (write)
		rc = put(r, r->song, v, SEED_DIM);
	free(r->song);
	r->song = NULL;
	return rc;
}

int
del_featrun(FeatRun *r)
{
	int rc;

	if (!r)
		return 0;
	rc = end_song(r, 1);
	del_feature(r->feat);
	del_seed(r->seed);
	del_profile(r->prof);
	free(r->keybuf);
	free(r);
	return rc;
}

int
featrun_rate(FeatRun *r, double sr)
{
	if ((r->feat || r->prof) && sr == r->sr)
		return 0;
	if (end_song(r, 1))
		return FR_EWRITE;
	del_feature(r->feat);
	del_seed(r->seed);
	del_profile(r->prof);
	r->feat = r->mode != FR_FULL ? new_feature(sr) : NULL;
	r->seed = r->mode == FR_SEED ? new_seed(sr) : NULL;
	r->prof = r->mode == FR_FULL ? new_profile(sr) : NULL;
	r->sr = sr;
	return 0;
}

const char *
featrun_error(const FeatRun *r)
{
	return r->prof ? profile_error(r->prof) : "";
}

/* Features of one record; feed_audio: seed mode, give the samples to the song's
 * tempo too (records; files feed their whole signal themselves). */
static int
record(FeatRun *r, const char *key, const float *x, size_t n, int feed_audio)
{
	double v[PROFILE_DIM];
	float o[FEAT_FRAMEDIM];
	size_t t, len;
	const Feat *f = r->feat;

	switch (r->mode) {
	case FR_FULL:
		if (profile_do(r->prof, x, n, v) < 0)
			return -1;
		return put(r, key, v, PROFILE_DIM);
	case FR_SEED:
		len = key_song_len(key);
		if (r->song && (strlen(r->song) != len || strncmp(r->song, key, len)))
			if (end_song(r, 1))
				return FR_EWRITE;
		if (!r->song) {
			r->song = emalloc(len + 1);
			memcpy(r->song, key, len);
			r->song[len] = 0;
		}
		feature_analyze(r->feat, x, n, FEAT_ALL);
		feature_segment(f, v);
		seed_add_segment(r->seed, v);
		if (feed_audio)
			seed_add_audio(r->seed, x, n);
		return 0;
	case FR_SEGMENT:
		feature_analyze(r->feat, x, n, FEAT_ALL);
		feature_segment(f, v);
		return put(r, key, v, FEAT_SEGDIM);
	}
	feature_analyze(r->feat, x, n, r->mode == FR_MEL ? FEAT_MELONLY : FEAT_ALL);
	r->keybuf = erealloc(r->keybuf, strlen(key) + 24);
	for (t = 0; t < f->T; t++) {
		sprintf(r->keybuf, "%s@%zu", key, t);
		if (r->mode == FR_MEL) {
			if (vwriter_write(r->w, r->keybuf, f->meldb + t * FEAT_NMELS, FEAT_NMELS))
				return FR_EWRITE;
		} else {
			feature_frame(f, t, o);
			if (vwriter_write(r->w, r->keybuf, o, FEAT_FRAMEDIM))
				return FR_EWRITE;
		}
	}
	return 0;
}

int
featrun_record(FeatRun *r, const char *key, const float *x, size_t n)
{
	return record(r, key, x, n, 1);
}

int
featrun_audio(FeatRun *r, AudioIn *a, const char *path, const char *key, double seconds)
{
	float *buf;
	char *rk;
	long seglen, minlen, got;
	unsigned long nseg = 0;
	size_t cap;
	int rc = 0;

	if (featrun_rate(r, audio_rate(a)))
		return FR_EWRITE;
	seglen = seconds > 0 ? (long)llround(seconds * r->sr) : 0;
	minlen = (long)ceil(r->sr);
	cap = seglen ? (size_t)seglen : 1 << 16;
	buf = ereallocarray(NULL, cap, sizeof *buf);
	rk = emalloc(strlen(key) + 24);
	for (;;) {
		if ((got = audio_read_block(a, &buf, &cap, seglen)) < 0) {
			rc = -1;
			break;
		}
		if (r->mode == FR_SEED && got > 0)
			seed_add_audio(r->seed, buf, (size_t)got); /* the whole signal, tail included */
		if (got == 0 || (seglen && got < seglen && got < minlen && nseg > 0))
			break;
		if (seglen && got < minlen) {
			weprintf("%s: too short (%.3f s): a segment needs at least 1 s", path, got / r->sr);
			rc = -1;
			break;
		}
		if (r->mode == FR_FULL && !seglen) /* a whole-file profile is keyed by the song */
			strcpy(rk, key), nseg++;
		else
			sprintf(rk, "%s#%lu", key, nseg++);
		if ((rc = record(r, rk, buf, (size_t)got, 0)) < 0) {
			if (rc != FR_EWRITE)
				weprintf("%s: %s", path, featrun_error(r));
			break;
		}
		if (got < seglen || !seglen)
			break;
	}
	if (rc == 0 && nseg == 0) {
		weprintf("%s: no audio samples", path);
		rc = -1;
	}
	if (r->mode == FR_SEED && end_song(r, rc == 0)) /* a half-read song is dropped */
		rc = FR_EWRITE;
	free(rk);
	free(buf);
	return rc;
}
