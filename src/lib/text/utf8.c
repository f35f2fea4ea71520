/* utf8.c — strict UTF-8 decoding and encoding (see utf8.h). */
#include "text/utf8.h"

/* the length of the valid sequence at s[0..n) and its code point in *c, or 0 */
static size_t
seq(const unsigned char *s, size_t n, uint32_t *c)
{
	size_t len, i;
	uint32_t v, min;

	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, v = s[0] & 0x1F, min = 0x80;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, v = s[0] & 0x0F, min = 0x800;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, v = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*c = v;
	return len;
}

long
utf8_decode(const char *s, size_t n, uint32_t *out, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0, len;

	uint32_t c;

	while (i < n) {
		if (!(len = seq(p + i, n - i, &c))) {
			*bad = i;
			return -1;
		}
		if (out)
			out[k] = c;
		i += len;
		k++;
	}
	return (long)k;
}

size_t
utf8_encode(uint32_t c, char *buf)
{
	unsigned char *b = (unsigned char *)buf;

	if (c < 0x80) {
		b[0] = c;
		return 1;
	}
	if (c < 0x800) {
		b[0] = 0xC0 | c >> 6;
		b[1] = 0x80 | (c & 0x3F);
		return 2;
	}
	if (c < 0x10000) {
		b[0] = 0xE0 | c >> 12;
		b[1] = 0x80 | (c >> 6 & 0x3F);
		b[2] = 0x80 | (c & 0x3F);
		return 3;
	}
	b[0] = 0xF0 | c >> 18;
	b[1] = 0x80 | (c >> 12 & 0x3F);
	b[2] = 0x80 | (c >> 6 & 0x3F);
	b[3] = 0x80 | (c & 0x3F);
	return 4;
}
