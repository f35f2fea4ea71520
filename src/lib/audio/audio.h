/* audio.h — decode any audio file to mono float at a chosen rate, streaming.
 *
 * libsndfile decodes (WAV, FLAC, Ogg Vorbis, Opus, MP3, ...); when it cannot open a
 * file that ffmpeg can (e.g. some Opus files with libsndfile 1.2.0), new_audio falls
 * back to an ffmpeg child process, as librosa falls back to audioread.  Channels are
 * averaged (librosa's mono); libsoxr (or libsamplerate) converts to the requested
 * rate.  Memory is bounded: audio_read() returns blocks. */
#ifndef SV_AUDIO_H
#define SV_AUDIO_H

typedef struct AudioIn AudioIn;

/* Resampler quality for new_audio(): libsamplerate converter types
 * (SRC_SINC_BEST_QUALITY ...), or libsoxr's presets.  AQ_DEFAULT is libsoxr "HQ",
 * librosa's default resampler (res_type 'soxr_hq'): bit-identical samples. */
enum { AQ_DEFAULT = -1, AQ_SOXR_HQ = 100, AQ_SOXR_VHQ = 101 };

/* Open PATH ("-" = stdin).  rate: output sample rate (0 = the file's own rate).
 * quality: a libsamplerate converter (SRC_SINC_BEST_QUALITY ...) or AQ_DEFAULT.
 * NULL after a message "prog: PATH: ..." when the file cannot be decoded. */
AudioIn *new_audio(const char *path, double rate, int quality);
/* Output rate, the file's original rate and channel count. */
double audio_rate(const AudioIn *a);
double audio_inrate(const AudioIn *a);
int audio_channels(const AudioIn *a);
/* Frames at the input rate the header announces (exact for WAV and FLAC, an
 * estimate for Ogg and MP3), -1 when unknown (files decoded by ffmpeg) or not to
 * be trusted (a WAV header announcing more than the file holds). */
long long audio_frames(const AudioIn *a);
/* Read up to n mono samples at the output rate.  Returns the count, 0 at the end,
 * -1 on a decoding error (message printed, e.g. a truncated file). */
long audio_read(AudioIn *a, float *buf, long n);
void del_audio(AudioIn *a);

#endif
