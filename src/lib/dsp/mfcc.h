/* mfcc.h — librosa.feature.mfcc from a dB mel spectrogram (DCT-II, ortho). */
#ifndef SV_MFCC_H
#define SV_MFCC_H
#include <stddef.h>

/* librosa.feature.mfcc(S=S, n_mfcc=nmfcc) of dB mel frames S[T][nmels]
 * (frame-major): the orthonormal DCT-II in float64, stored float32 into
 * out[nmfcc][T] (band-major).  Rows k >= 1 are taken over S - S[0], so that a
 * constant frame (silence) gives exactly 0 as scipy's FFT-based DCT does. */
void mfcc_compute(const float *S, size_t T, int nmels, int nmfcc, float *out);

#endif
