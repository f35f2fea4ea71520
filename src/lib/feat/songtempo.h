/* songtempo.h — the tempo of a whole song, streamed (librosa beat_track on the
 * whole signal), in bounded memory.
 *
 * beat_track's onset envelope is the median over bands of the dB mel spectrogram's
 * positive differences, and power_to_db floors that spectrogram at (max over the
 * WHOLE song) - 80 dB, which is unknown until the end.  So the unfloored dB mel
 * frames (128 floats, 512 bytes each) are kept: the first SONGTEMPO_MEMFRAMES in
 * memory (4 MiB), the rest spilled to an unlinked file in $TMPDIR (util_tmpfile); at the end the envelope is
 * computed with the final floor (exact) and passed to beat_tempo().  RAM stays
 * O(4 MiB + 4 bytes per frame): a 60-minute song uses ~5 MiB and ~75 MiB of tmpfile.
 * $SV_FEAT_MEMFRAMES (1..8191) lowers the in-memory part, for testing the spill. */
#ifndef SV_SONGTEMPO_H
#define SV_SONGTEMPO_H
#include <stddef.h>

#define SONGTEMPO_MEMFRAMES 8192

typedef struct SongTempo SongTempo;

/* Exits only when memory runs out. */
SongTempo *new_songtempo(double sr);
/* NULL is a no-op. */
void del_songtempo(SongTempo *g);
/* Append samples of the current song (centred STFT frames are computed as soon as
 * they are complete).  0, or -1 after a message when the spill file cannot be
 * written (a full disk): the song's tempo is lost, songtempo_finish says -1. */
int songtempo_add(SongTempo *g, const float *x, size_t n);
/* Samples added since the last finish.  This function can't fail. */
size_t songtempo_samples(const SongTempo *g);
/* Tempo (BPM) of everything added since the last finish; resets for the next song.
 * 0 samples give 0; -1 when the spill file failed (a message was printed). */
double songtempo_finish(SongTempo *g);

#endif
