/* fpconv.c — numbers as text (see fpconv.h): the syntax around fast_float and the
 * layout around Dragonbox's digits. */
#include "core/fpconv.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* fpconv_cxx.cc */
const char *fpconv_cxx_parse_f(const char *p, const char *end, float *f);
const char *fpconv_cxx_parse_d(const char *p, const char *end, double *d);
uint32_t fpconv_cxx_shortest_f(float f, int *exp10);

#define SCI_BELOW (-4) /* %g: d.ddde-XX below this decimal exponent ... */
#define SCI_FROM 9     /* ... and from this one (the precision of %.9g) */

static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* number of decimal digits of v; cannot fail */
static int
ndigits(uint32_t v)
{
	int n = 1;

	for (; v >= 100; v /= 100)
		n += 2;
	return n + (v >= 10);
}

/* the nd digits of v (v < 10^nd) at p, two at a time from the right; cannot fail */
static void
put_digits(char *p, uint32_t v, int nd)
{
	for (; nd >= 2; nd -= 2, v /= 100)
		memcpy(p + nd - 2, digits2 + 2 * (v % 100), 2);
	if (nd)
		p[0] = (char)('0' + v);
}

/* The nd digits dg with decimal exponent e (of the first digit) at p as %.9g lays
 * them out; returns the end.  Cannot fail. */
static char *
layout(char *p, const char *dg, int nd, int e)
{
	int i, x;

	if (e < SCI_BELOW || e >= SCI_FROM) { /* d.ddde+XX */
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
			*p++ = (char)('0' + x / 100);
		*p++ = (char)('0' + x / 10 % 10);
		*p++ = (char)('0' + x % 10);
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
fpconv_ftoa(char *buf, float f)
{
	uint32_t bits, sig;
	char *p = buf, dg[10];
	int e, nd;

	memcpy(&bits, &f, 4);
	if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu)) {
		memcpy(buf, "nan", 3);
		return 3;
	}
	if (bits >> 31)
		*p++ = '-';
	if ((bits & 0x7fffffffu) == 0x7f800000u) {
		memcpy(p, "inf", 3);
		return (size_t)(p + 3 - buf);
	}
	if (!(bits & 0x7fffffffu)) {
		*p++ = '0';
		return (size_t)(p - buf);
	}
	sig = fpconv_cxx_shortest_f(f, &e);
	nd = ndigits(sig);
	put_digits(dg, sig, nd);
	return (size_t)(layout(p, dg, nd, e + nd - 1) - buf);
}

/* [p, end) after the sign: a leading '+' skipped, NULL for "+-" and "++" (the
 * parser takes a '-' itself).  Cannot fail. */
static const char *
plus(const char *p, const char *end)
{
	if (p < end && *p == '+') {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			return NULL;
	}
	return p;
}

/* 1 when the number at p spells digits (not inf or nan); cannot fail */
static int
finite_literal(const char *p)
{
	if (*p == '-')
		p++;
	return *p == '.' || (*p >= '0' && *p <= '9');
}

const char *
fpconv_parse_f(const char *p, const char *end, float *f, int *overflow)
{
	const char *r;

	*overflow = 0;
	if (!(p = plus(p, end)) || !(r = fpconv_cxx_parse_f(p, end, f)))
		return NULL;
	*overflow = isinf(*f) && finite_literal(p);
	return r;
}

const char *
fpconv_parse_d(const char *p, const char *end, double *d, int *overflow)
{
	const char *r;

	*overflow = 0;
	if (!(p = plus(p, end)) || !(r = fpconv_cxx_parse_d(p, end, d)))
		return NULL;
	*overflow = isinf(*d) && finite_literal(p);
	return r;
}

int
fpconv_is_hex(const char *p, const char *end)
{
	if (p < end && (*p == '+' || *p == '-'))
		p++;
	return end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
}
