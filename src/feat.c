/* feat — librosa-compatible handcrafted features of audio records or audio files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/audio.h"
#include "lib/feature.h"
#include "lib/profile.h"
#include "lib/seed.h"
#include "lib/util.h"
#include "lib/vstream.h"

static const char SYNOPSIS[] =
	"[-bt] [-l seconds] [-m segment|frames|mel|seed|full] [-r rate] [file ...]";

enum { M_SEGMENT, M_FRAMES, M_MEL, M_SEED, M_FULL };

static int mode = M_SEGMENT;
static VWriter *w;
static Feat *feat;
static Seed *seed;
static Profile *prof;  /* full mode */
static double cur_sr;
static char *song;      /* seed mode: key of the song being accumulated */
static char *keybuf;

static void
flush_song(void)
{
	double v[SEED_DIM];
	float o[SEED_DIM];
	int i;

	if (!song)
		return;
	seed_finish(seed, v);
	for (i = 0; i < SEED_DIM; i++)
		o[i] = (float)v[i];
	vw_write(w, song, o, SEED_DIM);
	free(song);
	song = NULL;
}

static void
set_rate(double sr)
{
	if (feat && sr == cur_sr)
		return;
	flush_song();
	del_feat(feat);
	del_seed(seed);
	del_profile(prof);
	feat = new_feat(sr);
	seed = mode == M_SEED ? new_seed(sr) : NULL;
	prof = mode == M_FULL ? new_profile(sr) : NULL;
	cur_sr = sr;
}

/* The 634-d profile of one record (full mode); -1 on a data error. */
static int
full_record(const char *key, const float *x, size_t n)
{
	double v[PROFILE_DIM];
	float o[PROFILE_DIM];
	int i;

	if (profile_do(prof, x, n, v) < 0)
		return -1; /* the caller reports profile_error() */
	for (i = 0; i < PROFILE_DIM; i++)
		o[i] = (float)v[i];
	vw_write(w, key, o, PROFILE_DIM);
	return 0;
}

/* Features of one audio record.  whole: seed mode, the song's signal is fed
 * separately (audio files) rather than from the records.  -1 on a data error. */
static int
record(const char *key, const float *x, size_t n, int feed_audio)
{
	double seg[FEAT_SEGDIM];
	float o[FEAT_SEGDIM > FEAT_FRAMEDIM ? FEAT_SEGDIM : FEAT_FRAMEDIM];
	size_t t, len;
	char *hash;
	int i;

	if (mode == M_FULL)
		return full_record(key, x, n);
	if (mode == M_SEED) {
		len = (hash = strrchr(key, '#')) ? (size_t)(hash - key) : strlen(key);
		if (song && (strlen(song) != len || strncmp(song, key, len)))
			flush_song();
		if (!song) {
			song = emalloc(len + 1);
			memcpy(song, key, len);
			song[len] = 0;
		}
	}
	feat_analyze(feat, x, n, mode == M_MEL ? FEAT_MELONLY : FEAT_ALL);
	switch (mode) {
	case M_SEGMENT:
		feat_segment(feat, seg);
		for (i = 0; i < FEAT_SEGDIM; i++)
			o[i] = (float)seg[i];
		vw_write(w, key, o, FEAT_SEGDIM);
		break;
	case M_SEED:
		feat_segment(feat, seg);
		seed_add_segment(seed, seg);
		if (feed_audio)
			seed_add_audio(seed, x, n);
		break;
	default:
		keybuf = erealloc(keybuf, strlen(key) + 24);
		for (t = 0; t < feat->T; t++) {
			sprintf(keybuf, "%s@%zu", key, t);
			if (mode == M_MEL) {
				vw_write(w, keybuf, feat->meldb + t * FEAT_NMELS, FEAT_NMELS);
			} else {
				feat_frame(feat, t, o);
				vw_write(w, keybuf, o, FEAT_FRAMEDIM);
			}
		}
	}
	return 0;
}

static int
do_stream(const char *path)
{
	VReader *r;
	int e;

	if (!(r = vr_open(path)))
		return -1;
	if (r->dim != 0 || !(r->rate > 0)) {
		if (r->dim != 0)
			weprintf("%s: not an audio record stream (dimension %u, expected 0)", r->name, r->dim);
		else
			weprintf("%s: not an audio record stream (no sample rate in its header)", r->name);
		vr_close(r);
		return -1;
	}
	set_rate(r->rate);
	while ((e = vr_next(r)) > 0) {
		if (r->n == 0) {
			vr_error(r, "empty audio record '%s'", r->key);
			e = -1;
			break;
		}
		if (record(r->key, r->val, r->n, 1) < 0) {
			vr_error(r, "'%s': %s", r->key, profile_error(prof));
			e = -1;
			break;
		}
	}
	vr_close(r);
	return e < 0 ? -1 : 0;
}

/* Song key of a path, as segment(1) makes it: file name without directory and
 * extension. */
static char *
song_key(const char *path)
{
	const char *b = strrchr(path, '/');
	char *k, *dot;

	k = estrdup(b ? b + 1 : path);
	if ((dot = strrchr(k, '.')) && dot != k)
		*dot = '\0';
	return k;
}

/* Decode an audio file and cut it into records as `segment -l seconds` does. */
static int
do_audio(const char *path, double rate, double seconds)
{
	AudioIn *a;
	float *buf;
	char *key = song_key(path), *rk;
	long seglen, minlen, n = 0, got;
	unsigned long nseg = 0;
	size_t cap;
	int rc = 0;

	if (!*key || strlen(key) + 24 > VS_MAXKEY || strpbrk(key, "\t\n")) {
		weprintf("%s: unusable song key '%s'", path, key);
		free(key);
		return -1;
	}
	if (!(a = audio_open(path, rate, AQ_DEFAULT))) {
		free(key);
		return -1;
	}
	set_rate(audio_rate(a));
	seglen = seconds > 0 ? (long)llround(seconds * cur_sr) : 0;
	minlen = (long)ceil(cur_sr);
	cap = seglen ? (size_t)seglen : 1 << 16;
	buf = ereallocarray(NULL, cap, sizeof *buf);
	rk = emalloc(strlen(key) + 24);
	for (;;) {
		got = 0;
		for (;;) {
			if (!seglen && got == (long)cap) {
				cap *= 2;
				buf = ereallocarray(buf, cap, sizeof *buf);
			}
			n = audio_read(a, buf + got, (long)cap - got);
			if (n <= 0)
				break;
			got += n;
			if (seglen && got == seglen)
				break;
		}
		if (n < 0) {
			rc = -1;
			break;
		}
		if (mode == M_SEED && got > 0)
			seed_add_audio(seed, buf, (size_t)got); /* the whole signal, tail included */
		if (got == 0 || (seglen && got < seglen && got < minlen && nseg > 0))
			break;
		if (seglen && got < minlen) {
			weprintf("%s: too short (%.3f s): a segment needs at least 1 s", path, got / cur_sr);
			rc = -1;
			break;
		}
		if (mode == M_FULL && !seglen) /* a whole-file profile is keyed by the song */
			strcpy(rk, key), nseg++;
		else
			sprintf(rk, "%s#%lu", key, nseg++);
		if (record(rk, buf, (size_t)got, 0) < 0) {
			weprintf("%s: %s", path, profile_error(prof));
			rc = -1;
			break;
		}
		if (got < seglen || !seglen)
			break;
	}
	if (rc == 0 && nseg == 0) {
		weprintf("%s: no audio samples", path);
		rc = -1;
	}
	if (mode == M_SEED) {
		if (rc == 0)
			flush_song();
		else if (song) { /* drop the half-read song */
			double v[SEED_DIM];
			seed_finish(seed, v);
			free(song);
			song = NULL;
		}
	}
	free(rk);
	free(buf);
	free(key);
	audio_close(a);
	return rc;
}

int
main(int argc, char **argv)
{
	static char *names[FEAT_NMELS];
	char *stdin_only[] = { "-" }, **in;
	const char *const *cols;
	double rate = 22050, seconds = -1;
	int c, binary = 0, nin, i, rc = 0, dim, isrec;

	sv_init(argc, argv);
	sv_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "bl:m:r:t")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 't': binary = 0; break;
		case 'l': seconds = estrtod(optarg, 0, 1e7, 'l'); break;
		case 'r': rate = estrtod(optarg, 1000, 1e6, 'r'); break;
		case 'm':
			if (!strcmp(optarg, "segment")) mode = M_SEGMENT;
			else if (!strcmp(optarg, "frames")) mode = M_FRAMES;
			else if (!strcmp(optarg, "mel")) mode = M_MEL;
			else if (!strcmp(optarg, "seed")) mode = M_SEED;
			else if (!strcmp(optarg, "full")) mode = M_FULL;
			else {
				weprintf("-m: invalid value '%s' (expected segment, frames, mel, seed or full)", optarg);
				usage_exit(SYNOPSIS);
			}
			break;
		default: usage_exit(SYNOPSIS);
		}
	}
	if (seconds < 0)
		seconds = mode == M_FRAMES || mode == M_MEL || mode == M_FULL ? 0 : 10;
	nin = argc - optind;
	in = argv + optind;
	if (nin == 0) {
		nin = 1;
		in = stdin_only;
	}
	switch (mode) {
	case M_SEGMENT: dim = FEAT_SEGDIM; cols = feat_segcols; break;
	case M_FRAMES: dim = FEAT_FRAMEDIM; cols = feat_framecols; break;
	case M_SEED: dim = SEED_DIM; cols = seed_cols; break;
	case M_FULL: dim = PROFILE_DIM; cols = profile_cols(); break;
	default:
		dim = FEAT_NMELS;
		for (i = 0; i < FEAT_NMELS; i++) {
			names[i] = emalloc(8);
			sprintf(names[i], "mel%d", i);
		}
		cols = (const char *const *)names;
	}
	w = vw_open(stdout, "<stdout>", binary);
	vw_header(w, dim, 0, dim, (char *const *)cols);
	for (i = 0; i < nin; i++) {
		isrec = !strcmp(in[i], "-") ? 1 : vs_sniff_path(in[i]);
		if (isrec < 0) {
			weprintf("%s:", in[i]);
			rc = 1;
		} else if (isrec ? do_stream(in[i]) : do_audio(in[i], rate, seconds)) {
			rc = 1;
		}
	}
	flush_song();
	vw_close(w);
	del_feat(feat);
	del_seed(seed);
	del_profile(prof);
	free(song);
	free(keybuf);
	if (mode == M_MEL)
		for (i = 0; i < FEAT_NMELS; i++)
			free(names[i]);
	return rc;
}
