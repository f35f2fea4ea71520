/* seed.h — the 95-d seed song vector (dims 0..94 of songvec's 223-d layout, DESIGN §3)
 * from per-segment feature vectors (feature.h) and the song's whole signal.
 *
 * Stats are [mean, std (population), min, max] across segments in float64; the
 * per-segment tempo stats use only segments with rms >= 0.01 (NaN when none). */
#ifndef SV_SEED_H
#define SV_SEED_H
#include <stddef.h>

#define SEED_DIM 95

typedef struct Seed Seed;

extern const char *const seed_cols[SEED_DIM];

/* Exits only when memory runs out. */
Seed *new_seed(double sr);
/* NULL is a no-op. */
void del_seed(Seed *s);
/* One segment: its FEAT_SEGDIM values (feature_segment); the samples go to
 * seed_add_audio().  Exits only when memory runs out. */
void seed_add_segment(Seed *s, const double *seg);
/* Samples of the whole song, in order (global tempo and duration).  0, or -1 after
 * a message when the tempo's spill file fails (songtempo.h). */
int seed_add_audio(Seed *s, const float *x, size_t n);
/* Segments added so far for the current song.  This function can't fail. */
size_t seed_nsegments(const Seed *s);
/* The song vector into out[SEED_DIM]; resets for the next song.  0, or -1 when the
 * tempo's spill file failed (printed). */
int seed_finish(Seed *s, double *out);

#endif
