/* part.h — reading a decoded file in parts: the records segment(1) and feat(1)
 * cut a file into. */
#ifndef SV_PART_H
#define SV_PART_H
#include <stddef.h>

#include "audio/audio.h"

/* Read up to want samples (0: the rest of the file) into *buf, which holds *cap
 * samples (grown as needed when want is 0; else *cap >= want).  Returns the count
 * (0 at the end of the file), or -1 when decoding failed (audio_read printed why).
 * Exits only when memory runs out. */
long part_read(AudioIn *a, float **buf, size_t *cap, long want);

#endif
