/* mel.h — librosa.filters.mel (Slaney scale, norm='slaney') and power_to_db.
 *
 * The bank is stored sparsely (each band's nonzero bin range); weights are float32
 * computed exactly as librosa does (float64 ramps rounded to float32, then the
 * float64 Slaney area normalisation, rounded again). */
#ifndef SV_MEL_H
#define SV_MEL_H
#include <stddef.h>

typedef struct MelBank MelBank;

/* librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=nmels) (fmin 0, fmax sr/2).
 * Exits only when memory runs out. */
MelBank *new_melbank(double sr, int n_fft, int nmels);
/* NULL is a no-op. */
void del_melbank(MelBank *m);
/* mel[m] = sum_k w[m][k] * power[k] for one frame. */
void mel_apply(const MelBank *m, const float *power, float *mel);
/* mel_apply on nf frames: power[nf][nbins] -> mel[nf][nmels], the same sums (four
 * frames per SSE lane set, each lane adding in mel_apply's order). */
void mel_apply_n(MelBank *m, const float *power, size_t nf, float *mel);

/* 10*log10(max(1e-10, x)) in float32, as librosa.power_to_db (ref 1) before its
 * top_db floor.  Values at the amin clamp give NumPy's float32 result,
 * -100.000008 (NumPy's vectorised log10f returns -10.000001 for 1e-10f). */
float mel_power_to_db(float x);
/* In place: x[i] = max(x[i], max(x) - top_db); returns the floor applied. */
float mel_db_floor(float *x, size_t n, float top_db);

#endif
