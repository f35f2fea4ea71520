/* tuning.h — librosa 0.10.1 estimate_tuning(y=y, sr=sr, bins_per_octave=bpo),
 * streamed frame by frame, for any bins_per_octave (chroma_cqt uses 36; below:
 * tuning_estimate_power, chroma_stft's 12 on the power spectrogram, loops over it).
 *
 * librosa computes piptrack on the MAGNITUDE spectrogram |STFT(y)| (n_fft 2048,
 * hop 512, when given y) — unlike chroma_stft, which passes the power spectrogram
 * (tuning_estimate_power).  Peaks: local maxima of the frame thresholded at 0.1 x its max, bins
 * in [150, min(4000, sr/2)) Hz, parabolic interpolation; threshold = median of the
 * peak magnitudes over the whole signal; tuning = histogram peak (0.01-bin
 * resolution) of the residuals of bpo * log2(f / 27.5) mod 1.  So the peaks of the
 * whole signal are kept (8 bytes each) until tuning_finish(). */
#ifndef SV_TUNING_H
#define SV_TUNING_H
#include <stddef.h>

typedef struct Tuning Tuning;

Tuning *new_tuning(double sr, int n_fft);
void del_tuning(Tuning *tu);
/* One magnitude frame S[n_fft/2 + 1] (float32, as librosa). */
void tuning_frame(Tuning *tu, const float *S);
/* The estimate in fractions of a bin (-0.5 .. 0.5); 0 when no peak was found
 * (librosa warns "Trying to estimate tuning from empty frequency set").  Resets. */
double tuning_finish(Tuning *tu, int bpo);

/* librosa.estimate_tuning(S=S, sr=sr, n_fft=n_fft, bins_per_octave=12), in
 * fractions of a bin, as chroma_stft calls it on the POWER spectrogram S, frame-major
 * (frame t is S[t*nbins ..], nbins = n_fft/2 + 1; piptrack, threshold 0.1, pitches
 * where magnitude >= median, resolution 0.01):
 * -0.5 .. 0.5.  Empty pitch set gives 0 (as librosa, which warns). */
double tuning_estimate_power(const float *S, size_t nframes, int n_fft, double sr);

#endif
