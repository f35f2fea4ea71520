/* tests/fuzz/audio.c — libFuzzer harness for the decoder entry (audio/audio.c,
 * libsndfile and the container walk audio/verify.c): any bytes as an audio file,
 * decoded to the end at the file's rate and resampled to 22050 Hz, and walked as
 * Ogg and as MP3.  ffmpeg is kept out of reach (PATH), so the fallback fails fast.
 * Built and run by `make fuzz`. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "audio/audio.h"
#include "audio/verify.h"
#include "core/util.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setenv("PATH", "/nonexistent", 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static float buf[4096];
	char path[64];
	AudioIn *a;
	Verify v;
	int fd;

	argv0 = "fuzz-audio";
	if ((fd = memfd_create("fuzz", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	verify_fd(fd, 0, &v);
	verify_fd(fd, 1, &v);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if ((a = new_audio_flags(path, size & 1 ? 22050 : 0, AQ_DEFAULT, AUDIO_DAMAGED_OK))) {
		while (audio_read(a, buf, sizeof buf / sizeof *buf) > 0)
			;
		del_audio(a);
	}
	close(fd);
	return 0;
}
