/* musicnn_run.h — from mel frames to output rows (musicnn(1)): patches, the
 * networks, per-record and per-song means, the columns and the top-tags text.
 *
 * The caller opens a record, feeds its mel frames (musicnn_run_frame, an MfEmit),
 * closes it.  A record's frames are held until it closes (96 floats per 16 ms of
 * audio); its patches of 187 frames start every hop frames while a whole patch fits
 * (frames after the last whole patch are left out, as Essentia's lastPatchMode
 * "discard"); a record of fewer than 187 frames (but at least one) gets one patch,
 * its frames followed by zero frames (essentia.js's zeroPadding), and a warning.
 * Patches go through the networks in batches of MR_BATCH.
 *
 * Columns, in this order, of the outputs selected (MR_TAGS | MR_EMB | MR_MOODS):
 * the 50 MSD tag activations named by their tags, the 200-d embedding
 * (embedding0..embedding199), the five classifiers' positive-class probabilities
 * (danceability, mood_happy, mood_sad, mood_relaxed, mood_aggressive).  Keys: a patch "<record>.<m>"; with
 * MR_RECORD a record's mean of its patches is keyed like the record; with MR_SONG
 * consecutive records whose keys agree up to the last '#' form a song whose row is
 * the mean over all its patches (no row when none has a patch). */
#ifndef SV_MUSICNN_RUN_H
#define SV_MUSICNN_RUN_H
#include <stdio.h>
#include "nn/musicnn_net.h"
#include "core/vwriter.h"

enum { MR_TAGS = 1, MR_EMB = 2, MR_MOODS = 4 };
enum { MR_PATCH, MR_RECORD, MR_SONG };
#define MR_NMOOD 5
#define MR_BATCH 32
#define MR_MAXCOLS (50 + MN_EMB + MR_NMOOD)

/* the classifiers in column order: model folder, column name, the word -t writes,
 * and which of their two outputs is the positive class (from the essentia.js demo) */
extern const struct MusicnnMood {
	const char *dir, *column, *word;
	int positive;
} musicnn_moods[MR_NMOOD];
/* the 50 MSD tags in the tagger's output order (musicnn's configuration.py) */
extern const char *const musicnn_tags[50];

typedef struct MusicnnRun MusicnnRun;

/* tagger: msd-musicnn-1 (needed for MR_TAGS, MR_EMB); moods: the five classifiers
 * in musicnn_moods order (needed for MR_MOODS).  out: where rows go, or NULL with
 * text: then the top topn tags (and the moods) of each row are written there as
 * "key<TAB>tag 0.47, tag 0.25, ...[; danceable 0.71, ...]". */
MusicnnRun *new_musicnn_run(MusicnnNet *tagger, MusicnnNet *const *moods, unsigned what,
    int agg, unsigned hop, VWriter *out, FILE *text, int topn);
/* the columns (n, names valid while r lives) */
unsigned musicnn_run_columns(const MusicnnRun *r, char *const **names);
void musicnn_run_open(MusicnnRun *r, const char *key);
/* an MfEmit: ctx is the MusicnnRun */
void musicnn_run_frame(void *ctx, const float *mel);
/* end of the record: runs its patches, writes its rows.  0, or -1 once any write
 * has failed (printed; nothing more is written).  *padded is set to 1 when the
 * record was shorter than one patch and was zero-padded, *none when it had no
 * frame at all. */
int musicnn_run_close(MusicnnRun *r, int *padded, int *none);
/* write the last song: 0, or -1 as musicnn_run_close */
int musicnn_run_flush(MusicnnRun *r);
/* patches run, and CPU seconds in the networks */
unsigned long musicnn_run_stats(const MusicnnRun *r, double *cpu);
void del_musicnn_run(MusicnnRun *r);

#endif
