/* part.c — a decoded file in parts (see part.h). */
#include "audio/part.h"
#include "core/util.h"

long
part_read(AudioIn *a, float **buf, size_t *cap, long want)
{
	long got = 0, n;

	for (;;) {
		if (!want && got == (long)*cap) {
			*cap *= 2;
			*buf = ereallocarray(*buf, *cap, sizeof **buf);
		}
		n = audio_read(a, *buf + got, (long)*cap - got);
		if (n < 0)
			return -1;
		if (n == 0)
			return got;
		got += n;
		if (want && got == want)
			return got;
	}
}
