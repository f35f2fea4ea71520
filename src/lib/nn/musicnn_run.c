/* musicnn_run.c — patches, networks and aggregation for musicnn(1) (see musicnn_run.h). */
#include "nn/musicnn_run.h"
#include "nn/musicnn_front.h"
#include "core/key.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct MusicnnMood musicnn_moods[MR_NMOOD] = {
	{"danceability-musicnn-msd-2", "danceability", "danceable", 0},
	{"mood_happy-musicnn-msd-2", "mood_happy", "happy", 0},
	{"mood_sad-musicnn-msd-2", "mood_sad", "sad", 1},
	{"mood_relaxed-musicnn-msd-2", "mood_relaxed", "relaxed", 1},
	{"mood_aggressive-musicnn-msd-2", "mood_aggressive", "aggressive", 0},
};

const char *const musicnn_tags[50] = {
	"rock", "pop", "alternative", "indie", "electronic", "female vocalists", "dance",
	"00s", "alternative rock", "jazz", "beautiful", "metal", "chillout", "male vocalists",
	"classic rock", "soul", "indie rock", "Mellow", "electronica", "80s", "folk", "90s",
	"chill", "instrumental", "punk", "oldies", "blues", "hard rock", "ambient", "acoustic",
	"experimental", "female vocalist", "guitar", "Hip-Hop", "70s", "party", "country",
	"easy listening", "sexy", "catchy", "funk", "electro", "heavy metal",
	"Progressive rock", "60s", "rnb", "indie pop", "sad", "House", "happy",
};

struct MusicnnRun {
	MusicnnNet *tagger, *moods[MR_NMOOD];
	unsigned what, hop, ncols;
	int agg, topn;
	VWriter *out;
	FILE *text;
	char *cols[MR_MAXCOLS];
	char *key;
	float *frames;           /* the record's mel frames */
	size_t nframes, cap;
	float *tags, *emb, *cls; /* a batch's outputs */
	float row[MR_MAXCOLS];
	char *song;              /* MR_SONG: the song being summed */
	double sum[MR_MAXCOLS];
	size_t nsum;
	unsigned long npatches;
	double cpu;
	char *kbuf;
	size_t kcap;
	int failed;
};

static char *
column(const char *fmt, const char *s, unsigned i)
{
	char buf[64];

	snprintf(buf, sizeof buf, fmt, s, i);
	return estrdup(buf);
}

MusicnnRun *
new_musicnn_run(MusicnnNet *tagger, MusicnnNet *const *moods, unsigned what, int agg,
    unsigned hop, VWriter *out, FILE *text, int topn)
{
	MusicnnRun *r = ecalloc(1, sizeof *r);
	unsigned i;

	r->tagger = tagger;
	for (i = 0; moods && i < MR_NMOOD; i++)
		r->moods[i] = moods[i];
	r->what = what;
	r->agg = agg;
	r->hop = hop;
	r->out = out;
	r->text = text;
	r->topn = topn;
	if (what & MR_TAGS)
		for (i = 0; i < 50; i++)
			r->cols[r->ncols++] = estrdup(musicnn_tags[i]);
	if (what & MR_EMB)
		for (i = 0; i < MN_EMB; i++)
			r->cols[r->ncols++] = column("%sembedding%u", "", i);
	if (what & MR_MOODS)
		for (i = 0; i < MR_NMOOD; i++)
			r->cols[r->ncols++] = estrdup(musicnn_moods[i].column);
	r->tags = ereallocarray(NULL, (size_t)MR_BATCH * 50, sizeof *r->tags);
	r->emb = ereallocarray(NULL, (size_t)MR_BATCH * MN_EMB, sizeof *r->emb);
	r->cls = ereallocarray(NULL, (size_t)MR_BATCH * MR_NMOOD * 2, sizeof *r->cls);
	return r;
}

unsigned
musicnn_run_columns(const MusicnnRun *r, char *const **names)
{
	*names = r->cols;
	return r->ncols;
}

void
musicnn_run_open(MusicnnRun *r, const char *key)
{
	free(r->key);
	r->key = estrdup(key);
	r->nframes = 0;
}

void
musicnn_run_frame(void *ctx, const float *mel)
{
	MusicnnRun *r = ctx;

	if (r->nframes == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->frames = ereallocarray(r->frames, r->cap, MN_BANDS * sizeof *r->frames);
	}
	memcpy(r->frames + r->nframes++ * MN_BANDS, mel, MN_BANDS * sizeof *mel);
}

/* "key<TAB>top tags[; moods]" of a row, for people */
static void
text_row(MusicnnRun *r, const char *key, const float *row)
{
	unsigned idx[50], i, j, n = r->what & MR_TAGS ? 50 : 0, k;
	const float *moods = row + n + (r->what & MR_EMB ? MN_EMB : 0);

	for (i = 0; i < n; i++) { /* insertion sort by activation, stable */
		for (j = i; j > 0 && row[idx[j - 1]] < row[i]; j--)
			idx[j] = idx[j - 1];
		idx[j] = i;
	}
	fprintf(r->text, "%s\t", key);
	k = (unsigned)r->topn < n ? (unsigned)r->topn : n;
	for (i = 0; i < k; i++)
		fprintf(r->text, "%s%s %.2f", i ? ", " : "", musicnn_tags[idx[i]], row[idx[i]]);
	for (i = 0; r->what & MR_MOODS && i < MR_NMOOD; i++)
		fprintf(r->text, "%s%s %.2f", i ? ", " : k ? "; " : "", musicnn_moods[i].word,
		    moods[i]);
	fputc('\n', r->text);
}

/* one output row; a failure is remembered for musicnn_run_close/flush */
static void
emit(MusicnnRun *r, const char *key, const float *row)
{
	if (r->failed)
		return;
	if (!r->out)
		text_row(r, key, row);
	else if (vwriter_write(r->out, key, row, r->ncols))
		r->failed = 1;
}

static void
emit_mean(MusicnnRun *r, const char *key)
{
	unsigned j;

	if (!r->nsum)
		return;
	for (j = 0; j < r->ncols; j++)
		r->row[j] = (float)(r->sum[j] / r->nsum);
	emit(r, key, r->row);
	memset(r->sum, 0, sizeof r->sum);
	r->nsum = 0;
}

/* the row of patch i of the batch into r->row */
static void
patch_row(MusicnnRun *r, size_t i)
{
	unsigned n = 0, k;

	if (r->what & MR_TAGS)
		for (k = 0; k < 50; k++)
			r->row[n++] = r->tags[i * 50 + k];
	if (r->what & MR_EMB)
		for (k = 0; k < MN_EMB; k++)
			r->row[n++] = r->emb[i * MN_EMB + k];
	if (r->what & MR_MOODS)
		for (k = 0; k < MR_NMOOD; k++)
			r->row[n++] = r->cls[(i * MR_NMOOD + k) * 2 + musicnn_moods[k].positive];
}

/* the networks on the batch's nb patches, then their rows (first: index of the
 * batch's first patch in the record) */
static void
run_batch(MusicnnRun *r, size_t nb, size_t first)
{
	clock_t c0 = clock();
	size_t i;
	unsigned j, k;
	float two[MR_BATCH * 2];

	const float *x = r->frames + first * r->hop * MN_BANDS;

	if (r->what & (MR_TAGS | MR_EMB))
		musicnn_net_do(r->tagger, x, nb, r->hop, r->tags, r->what & MR_EMB ? r->emb : NULL);
	for (k = 0; r->what & MR_MOODS && k < MR_NMOOD; k++) {
		musicnn_net_do(r->moods[k], x, nb, r->hop, two, NULL);
		for (i = 0; i < nb; i++)
			for (j = 0; j < 2; j++)
				r->cls[(i * MR_NMOOD + k) * 2 + j] = two[i * 2 + j];
	}
	r->cpu += (double)(clock() - c0) / CLOCKS_PER_SEC;
	r->npatches += nb;
	for (i = 0; i < nb; i++) {
		patch_row(r, i);
		if (r->agg == MR_PATCH) {
			size_t need = strlen(r->key) + 24;
			if (need > r->kcap)
				r->kbuf = erealloc(r->kbuf, r->kcap = need);
			snprintf(r->kbuf, r->kcap, "%s.%zu", r->key, first + i);
			emit(r, r->kbuf, r->row);
			continue;
		}
		for (j = 0; j < r->ncols; j++)
			r->sum[j] += r->row[j];
		r->nsum++;
	}
}

/* MR_SONG: a record of another song than the one being summed ends that one */
static void
song_switch(MusicnnRun *r)
{
	size_t n = key_song_len(r->key);

	if (r->song && key_same_song(r->song, r->key))
		return;
	if (r->song)
		emit_mean(r, r->song);
	free(r->song);
	r->song = emalloc(n + 1);
	memcpy(r->song, r->key, n);
	r->song[n] = 0;
}

int
musicnn_run_close(MusicnnRun *r, int *padded, int *none)
{
	size_t np, first, nb;

	*none = r->nframes == 0;
	*padded = !*none && r->nframes < MN_FRAMES;
	if (r->agg == MR_SONG)
		song_switch(r);
	if (*padded) { /* zero frames up to one patch */
		static const float zero[MN_BANDS];
		while (r->nframes < MN_FRAMES)
			musicnn_run_frame(r, zero);
	}
	np = *none ? 0 : (r->nframes - MN_FRAMES) / r->hop + 1;
	for (first = 0; first < np; first += nb) {
		nb = np - first < MR_BATCH ? np - first : MR_BATCH;
		run_batch(r, nb, first);
	}
	if (r->agg == MR_RECORD)
		emit_mean(r, r->key);
	return r->failed ? -1 : 0;
}

int
musicnn_run_flush(MusicnnRun *r)
{
	if (r->agg == MR_SONG && r->song)
		emit_mean(r, r->song);
	return r->failed ? -1 : 0;
}

unsigned long
musicnn_run_stats(const MusicnnRun *r, double *cpu)
{
	*cpu = r->cpu;
	return r->npatches;
}

void
del_musicnn_run(MusicnnRun *r)
{
	unsigned i;

	if (!r)
		return;
	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->key);
	free(r->frames);
	free(r->tags);
	free(r->emb);
	free(r->cls);
	free(r->song);
	free(r->kbuf);
	free(r);
}
