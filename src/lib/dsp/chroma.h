/* chroma.h — librosa 0.10.1 chroma_stft pieces: tuning estimation and the chroma
 * filter bank.
 *
 * Spectrograms here are frame-major: frame t is S[t*nbins .. t*nbins+nbins-1],
 * nbins = n_fft/2 + 1, S = |STFT|^2 (power), as chroma_stft passes to
 * estimate_tuning(S=S, sr=sr, bins_per_octave=12) (piptrack, threshold 0.1,
 * pitches where magnitude >= median, resolution 0.01). */
#ifndef SV_CHROMA_H
#define SV_CHROMA_H
#include <stddef.h>

/* librosa.estimate_tuning(S=S, sr=sr, n_fft=n_fft, bins_per_octave=12), in
 * fractions of a bin (-0.5 .. 0.5).  Empty pitch set gives 0 (as librosa, which warns). */
double sv_estimate_tuning(const float *S, size_t nframes, int n_fft, double sr);

/* librosa.filters.chroma(sr=sr, n_fft=n_fft, tuning=tuning, n_chroma=12) into
 * fb[12 * nbins] (row c = chroma class c, starting at C), float32 as librosa. */
void sv_chroma_fb(float *fb, double sr, int n_fft, double tuning);

#endif
