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

/* 10^0 .. 10^22: exact in a double */
static const double p10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};
#define P10MAX 22
#define MIDPOINT 0x10000000u /* the 29 bits of a double below a float's: halfway */
#define MANT_EXACT (1ull << 53) /* integers a double holds exactly */
#define MAXDIGITS 19             /* decimal digits a uint64_t holds */
#define MAXEXP 10000             /* |exponent| beyond which the exact path decides */

/* The digits at *s (advanced past them) appended to *m (wrapping past 19
 * digits: the caller refuses those); returns how many.  (Eight digits at a time
 * in one 64-bit word measured slower on %.9g numbers: their runs are short.) */
static int
digits(const char **s, const char *end, uint64_t *m)
{
	const char *p = *s;

	for (; p < end && (unsigned)(*p - '0') < 10; p++)
		*m = *m * 10 + (uint64_t)(*p - '0');
	end = *s;
	*s = p;
	return (int)(p - end);
}

/* The common case at memory speed: [-]digits[.digits][(e|E)[+|-]digits] with
 * m (all digits as an integer) <= 2^53 and |exponent| <= 22.  m and 10^|e| are
 * exact doubles, so one division or multiplication gives the double nearest the
 * exact value x (Clinger).  Rounding that double to float32 gives the float
 * nearest x unless the double is exactly a midpoint between two floats (every
 * float midpoint is a double, and rounding is monotonic, so x and the double are
 * on the same side of every other midpoint): that case is left to the exact
 * path.  The value is within 1e-22..9e37: no float32 underflow or overflow.
 * Returns the end of the number, or NULL to leave the number to the exact path. */
static const char *
clinger_f(const char *s, const char *end, float *f)
{
	uint64_t m = 0, u;
	int neg = 0, nd, nf = 0, e = 0, x = 0, xneg = 0;
	double d;

	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	nd = digits(&s, end, &m);
	if (s < end && *s == '.') {
		s++;
		nf = digits(&s, end, &m);
	}
	if (nd + nf == 0 || nd + nf > MAXDIGITS || m > MANT_EXACT)
		return NULL;
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '-' || *s == '+'))
			xneg = *s++ == '-';
		if (s == end || (unsigned)(*s - '0') >= 10)
			return NULL; /* "1e", "1e+": the number ends before the e */
		for (; s < end && (unsigned)(*s - '0') < 10 && x < MAXEXP; s++)
			x = x * 10 + (*s - '0');
	}
	e = (xneg ? -x : x) - nf;
	if (e < -P10MAX || e > P10MAX)
		return NULL;
	d = e < 0 ? (double)m / p10[-e] : (double)m * p10[e];
	memcpy(&u, &d, 8);
	if ((u & 0x1fffffffu) == MIDPOINT)
		return NULL;
	*f = (float)(neg ? -d : d);
	return s;
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
	if (!(p = plus(p, end)))
		return NULL;
	if ((r = clinger_f(p, end, f)))
		return r;
	if (!(r = fpconv_cxx_parse_f(p, end, f)))
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
