/* part.c — a decoded file cut into records (see part.h). */
#include "audio/part.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>

struct Parts {
	AudioIn *a;
	const char *path;
	double rate;
	long seglen, minlen;  /* samples per part (0: all), the least kept */
	float *buf;
	size_t cap;
	unsigned long nrec;
	int done;
};

Parts *
new_parts(AudioIn *a, const char *path, double rate, double seconds, long minlen)
{
	Parts *p = ecalloc(1, sizeof *p);

	p->a = a;
	p->path = path;
	p->rate = rate;
	p->seglen = seconds > 0 ? (long)llround(seconds * rate) : 0;
	p->minlen = minlen;
	p->cap = p->seglen ? (size_t)p->seglen : 1 << 16;
	p->buf = ereallocarray(NULL, p->cap, sizeof *p->buf);
	return p;
}

/* Read the next part into p->buf (audio_read_block): the count, 0 at the end,
 * -1 when decoding failed (printed). */
static long
read_part(Parts *p)
{
	return audio_read_block(p->a, &p->buf, &p->cap, p->seglen);
}

long
parts_next(Parts *p, const float **x, int *keep)
{
	long got;

	if (p->done)
		return 0;
	*keep = 1;
	if ((got = read_part(p)) < 0) {
		p->done = 1;
		return -1;
	}
	*x = p->buf; /* after read_part: it may move the buffer */
	if (got == 0) {
		p->done = 1;
		if (p->nrec)
			return 0;
		weprintf("%s: no audio samples", p->path);
		return -1;
	}
	if (p->seglen && got < p->seglen && got < p->minlen && p->nrec > 0) {
		p->done = 1; /* a tail too short to keep */
		*keep = 0;
		return got;
	}
	if (p->seglen && got < p->minlen) { /* the whole file is shorter */
		weprintf("%s: too short (%.3f s): a segment needs at least 1 s", p->path,
		    got / p->rate);
		p->done = 1;
		return -1;
	}
	p->nrec++;
	if (got < p->seglen || !p->seglen)
		p->done = 1;
	return got;
}

unsigned long
parts_count(const Parts *p)
{
	return p->nrec;
}

void
del_parts(Parts *p)
{
	if (!p)
		return;
	free(p->buf);
	free(p);
}
