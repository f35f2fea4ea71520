/* stft.h — centred short-time Fourier transform magnitudes, librosa.stft defaults.
 *
 * Periodic Hann window of n_fft samples, hop `hop`, centred frames: the signal is
 * zero padded by n_fft/2 on each side (pad_mode 'constant'), so a signal of n samples
 * has 1 + n/hop frames and frame t covers samples [t*hop - n_fft/2, t*hop + n_fft/2).
 * FFTW3 in double precision (as librosa's NumPy FFT), magnitudes rounded to float32;
 * one plan per object, reused for every frame. */
#ifndef SV_STFT_H
#define SV_STFT_H
#include <stddef.h>

typedef struct Stft Stft;

Stft *new_stft(int n_fft, int hop);
void del_stft(Stft *s);
int stft_nbins(const Stft *s);             /* n_fft/2 + 1 */
size_t stft_nframes(const Stft *s, size_t n); /* 1 + n/hop */
/* |X| (float32) of frame t of x[0..n), zero padded outside: mag[nbins]. */
void stft_frame(Stft *s, const float *x, size_t n, size_t t, float *mag);
/* |X| of one already assembled frame of n_fft samples (window applied here). */
void stft_frame_raw(Stft *s, const float *frame, float *mag);

#endif
