/* musicnn_front.h — the MusiCNN mel front end, as Essentia's TensorflowPredictMusiCNN
 * computes it (FrameCutter + TensorflowInputMusiCNN), streaming.
 *
 * 16 kHz mono samples -> frames of 512 samples every 256, cut as Essentia's FrameCutter
 * with its defaults (startFromZero false): frame k covers samples [256 k - 256,
 * 256 k + 256), zero outside the signal, and the last frame is the first whose centre
 * 256 k is at or past the end, so n > 0 samples give ceil(n / 256) + 1 frames (none
 * for n = 0).  Each frame: symmetric Hann window (0.5 - 0.5 cos(2 pi i / 511), not
 * normalised), power of a 512-point FFT (257 bins; FFTW, double, planned in
 * new_musicnn_front: call it before starting threads), 96 triangular Slaney-mel bands
 * from 0 to 8000 Hz with "unit_tri" normalisation (Essentia's MelBands, filter bank
 * built in float32 as Essentia builds it), then log10(1 + 10000 x).  Frames are
 * float32, 96 values. */
#ifndef SV_MUSICNN_FRONT_H
#define SV_MUSICNN_FRONT_H
#include <stddef.h>

#define MF_RATE 16000
#define MF_FRAME 512
#define MF_HOP 256
#define MF_NBIN 257
#define MF_NMEL 96

typedef struct MusicnnFront MusicnnFront;
/* called for each mel frame (MF_NMEL floats, valid during the call) */
typedef void (*MfEmit)(void *ctx, const float *mel);

/* This function can't fail (allocation failures exit). */
MusicnnFront *new_musicnn_front(void);
/* start a new signal (drops buffered samples) */
void musicnn_front_reset(MusicnnFront *f);
/* feed n samples; emit() runs for every frame that lies wholly inside them */
void musicnn_front_push(MusicnnFront *f, const float *x, size_t n, MfEmit emit, void *ctx);
/* end of the signal: emit() runs for the remaining, zero-padded frames */
void musicnn_front_end(MusicnnFront *f, MfEmit emit, void *ctx);
/* samples fed since the last reset */
size_t musicnn_front_nsamples(const MusicnnFront *f);
void del_musicnn_front(MusicnnFront *f);

#endif
