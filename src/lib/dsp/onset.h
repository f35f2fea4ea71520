/* onset.h — librosa.onset.onset_strength and onset_detect (librosa 0.10.1 defaults).
 *
 * Input: the dB mel spectrogram S, frame-major (frame t is S[t*nmels ..]), after
 * power_to_db's floor.  env[t] = aggregate over bands of max(0, S[t-2] - S[t-3])
 * for t >= 3, env[0..2] = 0 (lag 1, centring shift n_fft/(2 hop) = 2): T values. */
#ifndef SV_ONSET_H
#define SV_ONSET_H
#include <stddef.h>

/* Mean over bands (float32, bands summed in order as NumPy does). */
void onset_env(const float *S, size_t T, int nmels, float *env);
/* Median over bands (beat_track's envelope). */
void onset_env_median(const float *S, size_t T, int nmels, float *env);
/* One frame of either envelope from the two previous dB frames (t >= 3). */
float onset_mean1(const float *prev, const float *cur, int nmels);
float onset_median1(const float *prev, const float *cur, int nmels, float *tmp);
/* len(onset_detect(onset_envelope=env, sr=sr, hop_length=hop)): normalised to
 * [0,1], peak_pick with librosa's windows in seconds turned into frames here
 * (pre_max 0.03 s, post_max 0 s + 1, pre_avg 0.1 s, post_avg 0.1 s + 1, wait
 * 0.03 s; at 22050 Hz, hop 512: 1, 1, 4, 5, 1), delta 0.07.  Exits only when
 * memory runs out. */
size_t onset_count(const float *env, size_t T, double sr, int hop);

#endif
