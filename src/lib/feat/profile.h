/* profile.h — the 634-d whole-file profile of DESIGN §4, as librosa 0.10.1 computes
 * it on a whole signal (no segments):
 *
 *   mfcc_mean0..19, mfcc_std0..19, mfcc_delta_mean0..19   20 MFCCs (ref 1, top_db 80)
 *       and librosa.feature.delta (width 9, Savitzky-Golay order 1, mode 'interp')
 *   chroma_cqt_mean0..11, chroma_cqt_std0..11             chroma_cqt (cqt.h; tuning
 *       estimated at 36 bins per octave, tuning.h), inf-norm per frame
 *   centroid, rolloff, bandwidth: _mean, _std
 *   contrast_mean0..6, contrast_std0..6                   spectral_contrast (6 bands
 *       from 200 Hz, quantile 0.02, power_to_db of peaks and valleys)
 *   flatness_mean                                          spectral_flatness (power 2,
 *       amin 1e-10)
 *   zcr_mean, zcr_std, tempo (beat_track), rms_mean, rms_std
 *   tonnetz_mean0..5, tonnetz_std0..5                      tonnetz of the chroma_cqt
 *   mel_mean0..127, mel_p25_0..127, mel_p50_0..127, mel_p75_0..127
 *       power_to_db(melspectrogram, ref=np.max) (floor max - 80 dB) per band: mean and
 *       25/50/75th percentiles (NumPy 'linear' interpolation)
 *
 * Every frame feature uses the centred 2048-point STFT at hop 512; stats over frames
 * are NumPy's (float32 pairwise sums for float32 features, float64 for centroid,
 * rolloff, bandwidth, zcr, contrast and tonnetz; population stds).
 * Memory: the signal (4 bytes per sample) and ~1.2 KB per frame (dB mel frames,
 * tuning peaks, per-frame features). */
#ifndef SV_PROFILE_H
#define SV_PROFILE_H
#include <stddef.h>

#define PROFILE_DIM 634
#define PROFILE_MINSAMPLES 4096 /* 9 frames: delta's width in mode 'interp' */

typedef struct Profile Profile;

/* The 634 column names, in order. */
const char *const *profile_cols(void);
Profile *new_profile(double sr);
void del_profile(Profile *p);
/* The profile of x[0..n) into out[PROFILE_DIM].  Returns -1 when n is below
 * PROFILE_MINSAMPLES or the sample rate is 12800 Hz or less (librosa's
 * spectral_contrast refuses a band starting above Nyquist; the CQT's top filter,
 * ~4.3 kHz, would fail below ~8.6 kHz too); profile_error() then says why. */
int profile_do(Profile *p, const float *x, size_t n, double *out);
const char *profile_error(const Profile *p);

#endif
