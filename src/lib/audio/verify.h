/* verify.h — is a compressed audio file complete and intact?  Decoders are
 * forgiving: libvorbis drops an Ogg page whose checksum fails, mpg123 stops at a
 * frame cut short, and both return a shorter song without an error.  A truncated
 * download is the common case of a failed fetch, so new_audio() walks the
 * container first:
 *
 *   Ogg (Vorbis, Opus, FLAC)  every page present (capture pattern, consecutive
 *                             sequence numbers), complete, with a valid CRC-32;
 *                             every logical stream ends with an end-of-stream page.
 *                             The last granule position gives the stated length.
 *   MP3                       frame headers walked from the first frame to the end
 *                             (ID3v2, ID3v1, APE tags skipped); the last frame must
 *                             be complete, and a Xing/Info frame count must be met.
 *
 * Other formats are left to the decoder (FLAC's STREAMINFO, WAV's data size: see
 * audio.c).  The file is read once, sequentially, with pread (the offset of fd is
 * not moved); memory is bounded (one buffer). */
#ifndef SV_VERIFY_H
#define SV_VERIFY_H

enum { VERIFY_NONE, VERIFY_OGG, VERIFY_MP3 };

typedef struct Verify {
	int kind;             /* VERIFY_NONE: neither Ogg nor MP3 (nothing checked) */
	char damage[200];     /* "" when intact, else what is wrong */
	long long samples;    /* Ogg: samples per channel the container states, -1 unknown */
	double rate;          /* ... at this rate (Opus: 48000) */
} Verify;

/* Check the file open on fd (a regular file; anything else is left unchecked).
 * Ogg is recognised by its first bytes; the MP3 walk runs only when mp3 is
 * non-zero (the decoder said so: frame syncs occur by chance in other data).
 * 0: *v says what was found; -1: the file could not be read (errno set).
 * Never prints. */
int verify_fd(int fd, int mp3, Verify *v);

#endif
