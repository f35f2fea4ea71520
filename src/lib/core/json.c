/* json.c — float arrays and strings in JSON (see json.h). */
#include "core/json.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define P10MIN (-64)
/* 1e-64 .. 1e64, correctly rounded by the compiler */
static const double p10tab[] = {
	1e-64, 1e-63, 1e-62, 1e-61, 1e-60, 1e-59, 1e-58, 1e-57, 1e-56, 1e-55, 1e-54, 1e-53,
	1e-52, 1e-51, 1e-50, 1e-49, 1e-48, 1e-47, 1e-46, 1e-45, 1e-44, 1e-43, 1e-42, 1e-41,
	1e-40, 1e-39, 1e-38, 1e-37, 1e-36, 1e-35, 1e-34, 1e-33, 1e-32, 1e-31, 1e-30, 1e-29,
	1e-28, 1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17,
	1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4,
	1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26,
	1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39, 1e40,
	1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49, 1e50, 1e51, 1e52, 1e53, 1e54,
	1e55, 1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63, 1e64
};
static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";
#define p10(k) p10tab[(k) - P10MIN]

/* The 9 significant decimal digits of a (finite, > 0; f its float32 bits' source)
 * rounded as printf's %.9e: dg[0..9), the number without trailing zeros returned
 * (>= 1), *e the decimal exponent */
static int
digits9(double a, float f, char *dg, int *e)
{
	uint64_t d;
	uint32_t bits, lo;
	int be, nd, x;

	memcpy(&bits, &f, 4);
	if ((bits >> 23 & 0xff) != 0)
		be = (int)(bits >> 23 & 0xff) - 126; /* a in [2^(be-1), 2^be) */
	else
		frexp(a, &be); /* subnormal */
	*e = ((be - 1) * 78913) >> 18; /* floor((be - 1) log10 2), arithmetic shift */
	if (a >= p10(*e + 1))
		(*e)++;
	else if (a < p10(*e))
		(*e)--;
	d = (uint64_t)nearbyint(a * p10(8 - *e)); /* [1e8, 1e9) up to rounding; ties to even */
	if (d >= 1000000000u) {
		d = (d + 5) / 10;
		(*e)++;
	} else if (d < 100000000u) {
		d = (uint64_t)nearbyint(a * p10(9 - *e));
		(*e)--;
	}
	/* 9 digits: d = hi * 10^4 + lo, then two digits at a time */
	lo = (uint32_t)(d % 10000);
	x = (int)(d / 10000);
	dg[0] = '0' + x / 10000;
	x %= 10000;
	memcpy(dg + 1, digits2 + 2 * (x / 100), 2);
	memcpy(dg + 3, digits2 + 2 * (x % 100), 2);
	memcpy(dg + 5, digits2 + 2 * (lo / 100), 2);
	memcpy(dg + 7, digits2 + 2 * (lo % 100), 2);
	for (nd = 9; nd > 1 && dg[nd - 1] == '0'; nd--)
		;
	return nd;
}

/* The nd digits dg with decimal exponent e at p as %.9g lays them out; returns the
 * end */
static char *
layout(char *p, const char *dg, int nd, int e)
{
	int i, x;

	if (e < -4 || e >= 9) { /* d.ddde+XX */
		*p++ = dg[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, dg + 1, nd - 1);
			p += nd - 1;
		}
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		x = e < 0 ? -e : e;
		if (x >= 100)
			*p++ = '0' + x / 100;
		*p++ = '0' + x / 10 % 10;
		*p++ = '0' + x % 10;
	} else if (e >= 0) {
		for (i = 0; i <= e; i++)
			*p++ = i < nd ? dg[i] : '0';
		if (nd > e + 1) {
			*p++ = '.';
			memcpy(p, dg + e + 1, nd - e - 1);
			p += nd - e - 1;
		}
	} else {
		*p++ = '0';
		*p++ = '.';
		for (i = 0; i < -e - 1; i++)
			*p++ = '0';
		memcpy(p, dg, nd);
		p += nd;
	}
	return p;
}

size_t
json_float(char *buf, float f)
{
	double a = f;
	char *p = buf, dg[10];
	int e, nd;

	if (!isfinite(a)) {
		memcpy(buf, "null", 4);
		return 4;
	}
	if (signbit(a)) {
		*p++ = '-';
		a = -a;
	}
	if (a == 0) {
		*p++ = '0';
		return p - buf;
	}
	nd = digits9(a, f, dg, &e);
	return layout(p, dg, nd, e) - buf;
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
	char *end;
	float f;

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
			f = strtof(s, &end);
			if (end == s)
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
