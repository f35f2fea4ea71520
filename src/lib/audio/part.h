/* part.h — a decoded file cut into records, as segment(1) does and feat(1) does
 * with audio files: parts of `seconds` (0: the whole file in one), the last one
 * kept when it holds at least minlen samples (else dropped), a file shorter than
 * minlen an error (when cutting), an empty file an error.
 *
 *	Parts *p = new_parts(a, path, rate, seconds, minlen);
 *	while ((n = parts_next(p, &x, &keep)) > 0)
 *		if (keep) ... a record of x[0..n) ... else ... the dropped tail ...
 *	del_parts(p);                        // n < 0: a message was printed */
#ifndef SV_PART_H
#define SV_PART_H
#include <stddef.h>

#include "audio/audio.h"

typedef struct Parts Parts;

/* Parts of a (decoding at rate; path names it in messages).  Exits only when
 * memory runs out. */
Parts *new_parts(AudioIn *a, const char *path, double rate, double seconds, long minlen);
/* The next part, x[0..n) valid until the next call: returns n, *keep 1 for a record
 * and 0 for a final part too short to keep; 0 at the end; -1 after a message
 * ("PATH: too short (S s): a segment needs at least 1 s", "PATH: no audio
 * samples", or the decoder's). */
long parts_next(Parts *p, const float **x, int *keep);
/* Records returned so far.  This function can't fail. */
unsigned long parts_count(const Parts *p);
/* NULL is a no-op; the AudioIn stays the caller's. */
void del_parts(Parts *p);

#endif
