/* vggish_front.h — the VGGish log-mel front end (vggish_input.waveform_to_examples
 * and mel_features.py of the AudioSet VGGish release), streaming.
 *
 * 16 kHz mono samples -> frames of 400 samples every 160 (no centring, no padding:
 * 1 + floor((n - 400) / 160) frames), periodic Hann window, |rfft| with 512 points
 * (FFTW, double, planned once in new_vggish_front: call it before starting threads)
 * (257 bins), times the 257 x 64 HTK mel matrix of spectrogram_to_mel_matrix
 * (125-7500 Hz, bin 0 zeroed), log(mel + 0.01); every 96 consecutive frames
 * (non-overlapping) form one 96 x 64 example; a final partial example is dropped.
 * Computed in double precision like the numpy original; examples are float32,
 * row-major [frame][band]. */
#ifndef SV_VGGISH_FRONTEND_H
#define SV_VGGISH_FRONTEND_H
#include <stddef.h>

#define VF_RATE 16000
#define VF_WIN 400
#define VF_HOP 160
#define VF_NFFT 512
#define VF_NBIN 257
#define VF_NMEL 64
#define VF_FRAMES 96
#define VF_EXAMPLE (VF_FRAMES * VF_NMEL)   /* floats per example */
#define VF_MINSAMPLES (VF_WIN + (VF_FRAMES - 1) * VF_HOP) /* 15600: one example */

typedef struct VggishFront VggishFront;
/* called for each completed example (VF_EXAMPLE floats, valid during the call) */
typedef void (*VfEmit)(void *ctx, const float *example);

VggishFront *new_vggish_front(void);
/* start a new signal (drops buffered samples and a partial example) */
void vggish_front_reset(VggishFront *f);
/* feed n samples; emit() runs for every completed example */
void vggish_front_push(VggishFront *f, const float *x, size_t n, VfEmit emit, void *ctx);
/* samples fed since the last reset */
size_t vggish_front_nsamples(const VggishFront *f);
void del_vggish_front(VggishFront *f);

#endif
