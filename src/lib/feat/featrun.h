/* featrun.h — feat(1)'s modes: what becomes of each audio record or audio file.
 *
 *   FR_SEGMENT  one FEAT_SEGDIM vector per record (feature.h)
 *   FR_FRAMES   one FEAT_FRAMEDIM vector per STFT frame, keyed KEY@t
 *   FR_MEL      the 128 dB mel bands per frame, keyed KEY@t
 *   FR_SEED     one SEED_DIM vector per song (seed.h): records SONG#i are gathered
 *               until the song key (before the last '#') changes
 *   FR_FULL     one PROFILE_DIM vector per record (profile.h)
 *
 * Vectors go to the VWriter as float32.  The analysers are made for one sample rate
 * and remade (after flushing the pending song) when it changes. */
#ifndef SV_FEATRUN_H
#define SV_FEATRUN_H
#include <stddef.h>

#include "audio/audio.h"
#include "core/vreader.h"
#include "core/vwriter.h"

enum { FR_SEGMENT, FR_FRAMES, FR_MEL, FR_SEED, FR_FULL };

/* returned when writing failed, to the VWriter or to the song tempo's spill file
 * (the message is printed): stop */
#define FR_EIO (-2)

typedef struct FeatRun FeatRun;

/* The mode named s ("segment", "frames", "mel", "seed", "full"), or -1. */
int featrun_mode(const char *s);
/* Output dimension and column names of a mode. */
unsigned featrun_dim(int mode);
char *const *featrun_cols(int mode);

FeatRun *new_featrun(int mode, VWriter *w);
/* Writes the pending song (seed mode), frees; 0 or FR_EIO. */
int del_featrun(FeatRun *r);
/* The sample rate of the records that follow (writes the pending song when it
 * changes); 0 or FR_EIO. */
int featrun_rate(FeatRun *r, double sr);
/* One audio record of a stream (n >= 1).  0; -1 on a data error (featrun_error());
 * FR_EIO. */
int featrun_record(FeatRun *r, const char *key, const float *x, size_t n);
/* A decoded audio file, song key `key`, cut into records of `seconds` (0: one
 * record) as segment(1) does: a final part under 1 s is dropped, unless it is the
 * whole file (then an error).  Seed mode feeds the whole signal to the song tempo
 * and writes the song's vector.  Diagnostics name `path`; -1 on error (printed),
 * FR_EIO. */
int featrun_audio(FeatRun *r, AudioIn *a, const char *path, const char *key, double seconds);
const char *featrun_error(const FeatRun *r);

#endif
