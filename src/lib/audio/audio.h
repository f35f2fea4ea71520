/* audio.h — decode any audio file to mono float at a chosen rate, streaming.
 *
 * libsndfile decodes (WAV, FLAC, Ogg Vorbis, Opus, MP3, ...); when it cannot open a
 * file that ffmpeg can (e.g. some Opus files with libsndfile 1.2.0), new_audio falls
 * back to an ffmpeg child process, as librosa falls back to audioread.  Channels are
 * averaged (librosa's mono); libsoxr (or libsamplerate) converts to the requested
 * rate.  Memory is bounded: audio_read() returns blocks. */
#ifndef SV_AUDIO_H
#define SV_AUDIO_H
#include <stddef.h>

typedef struct AudioIn AudioIn;

/* Resampler quality for new_audio(): libsamplerate converter types
 * (SRC_SINC_BEST_QUALITY ...), or libsoxr's presets.  AQ_DEFAULT is libsoxr "HQ",
 * librosa's default resampler (res_type 'soxr_hq'): bit-identical samples. */
enum { AQ_DEFAULT = -1, AQ_SOXR_HQ = 100, AQ_SOXR_VHQ = 101 };

/* new_audio_flags() flags */
enum { AUDIO_DAMAGED_OK = 1 };

/* Open PATH ("-" = stdin).  rate: output sample rate (0 = the file's own rate).
 * quality: a libsamplerate converter (SRC_SINC_BEST_QUALITY ...) or AQ_DEFAULT.
 * NULL after a message "prog: PATH: ..." when the file cannot be decoded, when its
 * rate is outside VS_MINRATE..VS_MAXRATE (vreader.h), or when it is damaged:
 * truncated or corrupt, as the container walk (verify.h), the header's length or
 * the decoder's errors tell; audio_read() returns -1 for what is only found at
 * the end.  Names reach ffmpeg as file: URLs, with only file and pipe allowed. */
AudioIn *new_audio(const char *path, double rate, int quality);
/* The same; flags AUDIO_DAMAGED_OK: a damaged file is a warning ("prog: PATH:
 * warning: ...") and what can be decoded is returned. */
AudioIn *new_audio_flags(const char *path, double rate, int quality, int flags);
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
/* Read n samples (fewer at the end of the file) into *buf, which holds *cap; with
 * n 0 the whole rest, *buf grown (ereallocarray) as needed.  The count, 0 at the
 * end, -1 on a decoding error (message printed).  For cutting segments. */
long audio_read_block(AudioIn *a, float **buf, size_t *cap, long n);
void del_audio(AudioIn *a);

/* What an operand of a tool that reads both is: 1 a record stream (songvec(5);
 * "-" always), 0 an audio file, -1 after a message (cannot be read; a folder:
 * "prog: PATH: is a directory: name its audio files, or give the folder to
 * songvec-folder(1)"). */
int audio_input_kind(const char *path);

#endif
