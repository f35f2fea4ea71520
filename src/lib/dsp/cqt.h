/* cqt.h — librosa 0.10.1 constant-Q transform magnitudes (librosa.cqt, i.e. vqt with
 * gamma 0) folded into pitch classes as chroma_cqt does.
 *
 * What librosa.feature.chroma_cqt(y=y, sr=sr) computes, step by step:
 * fmin = C1 (32.70 Hz) x 2^(tuning/bpo); n_octaves x bpo geometric bins; relative
 * bandwidths alpha from the log-frequency spacing, Q = 1/alpha, filter lengths
 * Q sr / f; early downsampling when the top filter is far below Nyquist (never at
 * 22050 Hz); then for each octave, top first: a Hann-windowed complex exponential
 * per bin (L1-normalised, centred in a power-of-two FFT frame, scaled by
 * length/n_fft), its FFT kept where it holds 99 % of the row's L1 mass (sparsity
 * 0.01), applied to a centred rectangular-window STFT of the current signal
 * (hop / 2^octave, zero padding), then the signal is halved by libsoxr HQ exactly
 * as librosa.resample(res_type='soxr_hq', scale=True) via python-soxr.  Responses
 * are scaled by 1/sqrt(length) and the magnitudes summed over librosa's
 * cq_to_chroma map (bpo/12 adjacent bins per class, centred).
 * Precision follows librosa: FFTs in double rounded to complex64, filter products
 * in complex64. */
#ifndef SV_CQT_H
#define SV_CQT_H
#include <stddef.h>

typedef struct Cqt Cqt;

#define CQT_ERROR ((size_t)-1) /* cqt_chroma failed: cqt_error() says why */

/* NULL if the top filter would exceed the Nyquist frequency (sample rates below
 * ~8.6 kHz for 7 octaves at 36 bins); exits only when memory runs out. */
Cqt *new_cqt(double sr, int hop, int n_octaves, int bpo, double tuning);
/* NULL is a no-op. */
void del_cqt(Cqt *q);
/* Un-normalised chromagram of x[0..n): *chroma = malloc'd [T][12] (frame-major),
 * returns T (1 + n/hop normally: the fewest frames over the octaves).  Returns 0
 * if n is too short for early downsampling (n < the downsampling factor), and
 * CQT_ERROR when libsoxr cannot resample (*chroma NULL in both cases). */
size_t cqt_chroma(Cqt *q, const float *x, size_t n, float **chroma);
/* What the last cqt_chroma returning CQT_ERROR failed on. */
const char *cqt_error(const Cqt *q);

#endif
