/* spectral.h — per-frame spectral and time-domain features, librosa 0.10.1 defaults.
 *
 * Spectral features take one STFT magnitude frame S[nbins] (|X|, power 1) with bin
 * frequencies f_k = k*sr/n_fft.  Time-domain features take the whole signal and a
 * frame index (frames of n_fft samples at hop, centred). */
#ifndef SV_SPECTRAL_H
#define SV_SPECTRAL_H
#include <stddef.h>

/* centroid = sum f*S / sum S; bandwidth = sqrt(sum (S/sum S) (f - centroid)^2);
 * rolloff = frequency of the first bin whose float32 cumulative sum reaches
 * 0.85 of the total.  All-zero frames give 0. */
void spectral_frame(const float *S, int nbins, double binhz, double *centroid,
    double *bandwidth, double *rolloff);
/* librosa.feature.zero_crossing_rate: edge padding, |x| <= 1e-10 counts as 0,
 * 0 counts as positive, the first sample of a frame never counts. */
double spectral_zcr(const float *x, size_t n, size_t t, int n_fft, int hop);
/* librosa.feature.rms: sqrt(mean x^2) over zero-padded frames (no window). */
float spectral_rms(const float *x, size_t n, size_t t, int n_fft, int hop);

/* Both for frames 0 .. T-1 at once (the same values, a pass over x for zcr,
 * four frames' sums at a time for rms). */
void spectral_zcr_all(const float *x, size_t n, size_t T, int n_fft, int hop, double *zcr);
void spectral_rms_all(const float *x, size_t n, size_t T, int n_fft, int hop, float *rms);

#endif
