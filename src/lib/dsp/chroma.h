/* chroma.h — librosa 0.10.1 chroma_stft pieces: the chroma filter bank and the
 * normalisation of chroma frames.  Its tuning estimate on the power spectrogram is
 * tuning_estimate_power (tuning.h). */
#ifndef SV_CHROMA_H
#define SV_CHROMA_H
#include <stddef.h>

/* librosa.filters.chroma(sr=sr, n_fft=n_fft, tuning=tuning, n_chroma=12) into
 * fb[12 * nbins] (row c = chroma class c, starting at C), float32 as librosa. */
void chroma_filterbank(float *fb, double sr, int n_fft, double tuning);

/* librosa util.normalize(norm=inf)'s divisor of v[0..n): max |v|, or 1 below
 * FLT_MIN (chroma normalisation). */
float chroma_inf_norm(const float *v, int n);

#endif
