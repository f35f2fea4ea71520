/* beat.h — tempo as librosa.beat.beat_track(y, sr) reports it (librosa 0.10.1).
 *
 * Input: the onset envelope beat_track builds itself, i.e.
 * onset_strength(y, sr, aggregate=np.median) — median over the 128 dB mel bands of
 * max(0, S[:,t] - S[:,t-1]), shifted and cut to T frames (see onset.h); 
 * hop 512.  Tempo: autocorrelation tempogram (ac_size 8 s -> 344-frame Hann windows,
 * centred, envelope padded with linear ramps), max-normalised per frame, averaged
 * over time, argmax of log1p(1e6*tg) + log-normal prior (start_bpm 120, std 1 octave)
 * over lags with BPM < max_tempo 320.  An all-zero envelope gives 0.
 *
 * Memory is O(n + window): the tempogram is accumulated, never stored whole, so a
 * 60-minute song's envelope (155 000 frames) is fine. */
#ifndef SV_BEAT_H
#define SV_BEAT_H
#include <stddef.h>

/* Tempo in BPM of an onset envelope of n frames (sample rate sr, hop length hop). */
double beat_tempo(const float *env, size_t n, double sr, int hop);

#endif
