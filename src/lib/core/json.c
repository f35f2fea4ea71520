/* json.c — float arrays and strings in JSON (see json.h). */
#include "core/json.h"
#include "core/fpconv.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t
json_float(char *buf, float f)
{
	if (!isfinite(f)) {
		memcpy(buf, "null", 4);
		return 4;
	}
	return fpconv_ftoa(buf, f);
}

void
json_reserve(char **buf, size_t *cap, size_t n)
{
	if (n < SIZE_MAX / 18 && JSON_FLOATS_MAX(n) <= *cap)
		return;
	*buf = ereallocarray(*buf, n + 1, 18); /* >= JSON_FLOATS_MAX(n), checked */
	*cap = (n + 1) * 18;
}

size_t
json_floats(char *buf, const float *v, size_t n)
{
	char *p = buf;
	size_t i;

	*p++ = '[';
	for (i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		p += json_float(p, v[i]);
	}
	*p++ = ']';
	*p = 0;
	return p - buf;
}

static const char *
ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

int
json_parse_floats(const char *s, float **v, size_t *n, size_t *cap)
{
	const char *end, *stop = s + strlen(s);
	float f;
	int ov;

	*n = 0;
	s = ws(s);
	if (*s++ != '[')
		return -1;
	s = ws(s);
	if (*s == ']')
		return *ws(s + 1) ? -1 : 0;
	for (;;) {
		s = ws(s);
		if (!strncmp(s, "null", 4)) {
			f = NAN;
			s += 4;
		} else {
			/* numbers; also NaN, Infinity, -Infinity as Python's json writes them */
			if (!(*s == '-' || (*s >= '0' && *s <= '9') || !strncmp(s, "NaN", 3) ||
			    !strncmp(s, "Infinity", 8)))
				return -1;
			if (!(end = fpconv_parse_f(s, stop, &f, &ov)))
				return -1;
			s = end;
		}
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 256;
			*v = ereallocarray(*v, *cap, sizeof **v);
		}
		(*v)[(*n)++] = f;
		s = ws(s);
		if (*s == ']')
			return *ws(s + 1) ? -1 : 0;
		if (*s++ != ',')
			return -1;
	}
}

/* length of a valid UTF-8 sequence at s, or 0 */
static int
utf8len(const unsigned char *s)
{
	int n, i;
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

void
json_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	putc('"', fp);
	while (*s) {
		switch (*s) {
		case '"': fputs("\\\"", fp); s++; continue;
		case '\\': fputs("\\\\", fp); s++; continue;
		case '\n': fputs("\\n", fp); s++; continue;
		case '\r': fputs("\\r", fp); s++; continue;
		case '\t': fputs("\\t", fp); s++; continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(fp, "\\u%04x", *s++);
			continue;
		}
		if (!(n = utf8len(s))) {
			fputs("\xef\xbf\xbd", fp);
			s++;
			continue;
		}
		fwrite(s, 1, n, fp);
		s += n;
	}
	putc('"', fp);
}

/* "[v0,...]" on fp, -0 as -0.0 (see json.h).  Cannot fail (errors stick in fp). */
void
json_put_floats(FILE *fp, const float *v, size_t n)
{
	char num[FPCONV_FLOAT_MAX];
	size_t i;

	putc('[', fp);
	for (i = 0; i < n; i++) {
		if (i)
			putc(',', fp);
		if (!isfinite(v[i]))
			fputs("null", fp);
		else if (v[i] == 0 && signbit(v[i]))
			fputs("-0.0", fp);
		else
			fwrite(num, 1, fpconv_ftoa(num, v[i]), fp);
	}
	putc(']', fp);
}
