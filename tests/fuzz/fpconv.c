/* tests/fuzz/fpconv.c — libFuzzer harness for the number parser (core/fpconv.c):
 * any bytes as a TSV line of values.  Every value fpconv_fields_f takes must be
 * a whole field that strtof reads to the same bits, it must stop at the start of
 * a field, and fpconv_parse_f must agree with strtof on every field's number.
 * Built and run by `make fuzz` (tests/fuzz/run). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fpconv.h"

#define MAXV 64 /* values taken per call: runs end at the limit too */

/* the field [p, end) (NUL at end) parsed by fpconv_parse_f and by strtof: aborts
 * when both read the same bytes to different floats (NaN payloads aside) */
static void
one(const char *p, const char *end)
{
	char *e;
	const char *r;
	float f, g;
	int ov;

	g = strtof(p, &e);
	r = fpconv_parse_f(p, end, &f, &ov);
	if (r && r == e && memcmp(&f, &g, 4) && !(f != f && g != g))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), *p, *t, *nul;
	const char *next, *end;
	float v[MAXV], g;
	size_t n, i;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if ((nul = memchr(line, '\0', size)))
		size = (size_t)(nul - line); /* the reader refuses NULs before parsing */
	end = line + size;
	for (p = line; p < end;) {
		n = fpconv_fields_f(p, end, v, MAXV, &next);
		for (i = 0; i < n; i++, p = t + 1) {
			if (!(t = memchr(p, '\t', (size_t)(end - p))))
				abort(); /* a value taken from the last field */
			*t = '\0';
			g = strtof(p, &nul);
			if (nul != t || memcmp(&g, &v[i], 4))
				abort();
			*t = '\t';
		}
		if (next != p)
			abort();
		if (!(t = memchr(p, '\t', (size_t)(end - p))))
			t = (char *)end;
		*t = '\0';
		one(p, t);
		if (t < end)
			*t = '\t';
		p = t + 1;
	}
	free(line);
	return 0;
}
