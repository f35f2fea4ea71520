/* fpconv.c — numbers as text (see fpconv.h): the syntax around fast_float and the
 * layout around Dragonbox's digits. */
#include "core/fpconv.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSSE3__
#include <tmmintrin.h>
#endif

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

#ifdef __SSSE3__
#define WINDOW 16 /* bytes the window path looks at: one SSE register */

/* every byte x (-128..127); cannot fail.  (_mm_set1_epi8 of a variable went
 * through the stack, a byte store then a wider load: a stall.) */
static __m128i
splat8(int x)
{
	return _mm_shuffle_epi8(_mm_cvtsi32_si128(x), _mm_setzero_si128());
}

/* The digits of the vector v (bytes '0'..'9' and others) whose first len bytes are
 * nd digits with a dot before digit dot (dot == WINDOW: none) as an integer;
 * cannot fail.  One shuffle takes the dot out and moves the digits to the top
 * (zeros below them, leading zeros), then pairs, quads and octets of digits are
 * summed by multiply-adds (Mula's and Lemire's SIMD number parsing). */
static inline uint64_t
window_digits(__m128i v, int nd, int dot)
{
	__m128i k, src, q;
	uint64_t u;

	/* byte j takes digit k = j - (16 - nd) (negative: zero), found at k + (k >= dot) */
	k = _mm_sub_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
	    splat8(WINDOW - nd));
	src = _mm_sub_epi8(k, _mm_cmpgt_epi8(k, splat8(dot - 1)));
	q = _mm_shuffle_epi8(_mm_sub_epi8(v, _mm_set1_epi8('0')), src);
	q = _mm_maddubs_epi16(q, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
	    10, 1));
	q = _mm_madd_epi16(q, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
	q = _mm_packs_epi32(q, q);
	q = _mm_madd_epi16(q, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
	u = (uint64_t)_mm_cvtsi128_si64(q);
	return (u & 0xffffffffu) * 100000000u + (u >> 32);
}

/* 10^-0 .. 10^-15 rounded to doubles (relative error <= 2^-53) */
static const double p10inv[] = {
	1e-0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12,
	1e-13, 1e-14, 1e-15
};
#define NEAR 4 /* ulps of a double around a float midpoint left to clinger_f */

/* The digit and dot bits of the WINDOW bytes at p; cannot fail */
static inline __m128i
window_masks(const char *p, unsigned *dm, unsigned *om)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));

	*dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
	*om = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
	return v;
}

/* clinger_f's case without an exponent, branch-free on the digits: the len bytes
 * at p (len < WINDOW, WINDOW bytes readable) are digits[.digits] (or digits. or
 * .digits), negated when neg.  A multiplication by 10^-k (a double within 2^-53
 * of it) instead of clinger_f's division: the product y is within 2^-52 of the
 * exact value x, under NEAR ulps of y, so x and y round to the same float unless
 * y is that close to a float midpoint (then clinger_f decides).  The value is
 * within 1e-15..1e16.  Returns 1 with *f set, or 0 to leave the number to
 * clinger_f (not that syntax, more than 2^53, near a midpoint). */
static inline int
window_value(const char *p, int len, int neg, float *f)
{
	unsigned dm, om, want = (1u << len) - 1;
	__m128i v = window_masks(p, &dm, &om);
	int nd, dot;
	uint64_t m, u;
	double y;

	om &= want;
	nd = len - (om != 0);
	if (((dm | om) & want) != want || (om & (om - 1)) || nd <= 0)
		return 0;
	dot = om ? __builtin_ctz(om) : WINDOW;
	if ((m = window_digits(v, nd, dot)) > MANT_EXACT)
		return 0;
	y = (double)m * p10inv[om ? len - dot - 1 : 0];
	memcpy(&u, &y, 8);
	if ((u & 0x1fffffffu) - (MIDPOINT - NEAR) <= 2 * NEAR)
		return 0;
	*f = (float)(neg ? -y : y);
	return 1;
}

/* window_value on the number at s: [-]digits[.digits] ending inside the WINDOW
 * bytes after the sign, all of them in [s, end).  Returns the end of the number,
 * or NULL to leave it to clinger_f (an exponent, longer, as window_value). */
static const char *
window_f(const char *s, const char *end, float *f)
{
	int neg, len;
	unsigned dm, om;

	if (end - s <= WINDOW)
		return NULL;
	neg = *s == '-';
	s += neg;
	window_masks(s, &dm, &om);
	len = __builtin_ctz(~(dm | om)); /* <= WINDOW: bits 16..31 of ~ are set */
	if (len == WINDOW || (s[len] | 0x20) == 'e' || !window_value(s, len, neg, f))
		return NULL;
	return s + len;
}

/* the tab bits of the 64 bytes at b; cannot fail */
static uint64_t
tabs64(const char *b)
{
	const __m128i t = _mm_set1_epi8('\t');
	uint64_t m[4];
	int i;

	for (i = 0; i < 4; i++)
		m[i] = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(t,
		    _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * i))));
	return m[0] | m[1] << 16 | m[2] << 32 | m[3] << 48;
}

/* The field [p, t) by window_value (WINDOW bytes readable after its sign): 1 with
 * *f set, 0 when it is not on that path.  Cannot fail. */
static inline int
field_f(const char *p, const char *t, const char *end, float *f)
{
	int neg = *p == '-';

	p += neg;
	if (t - p < 1 || t - p >= WINDOW || end - p < WINDOW)
		return 0;
	return window_value(p, (int)(t - p), neg, f);
}

size_t
fpconv_fields_f(const char *p, const char *end, float *v, size_t max, const char **next)
{
	const char *blk = p, *t;
	uint64_t tabs;
	size_t n = 0;

	if (end - p < 64) {
		*next = p;
		return 0;
	}
	/* the tabs found 64 bytes at a time ahead of the numbers: the next field's
	 * start never waits for this one's digits */
	for (tabs = tabs64(blk); n < max; n++, p = t + 1) {
		while (!tabs) {
			if ((blk += 64) >= end)
				goto out;
			tabs = end - blk >= 64 ? tabs64(blk) : tabs64(end - 64) >> (64 - (end - blk));
		}
		t = blk + __builtin_ctzll(tabs);
		tabs &= tabs - 1;
		if (!field_f(p, t, end, &v[n]))
			break;
	}
out:
	*next = p;
	return n;
}
#else
/* no SSSE3 in this build (-march): clinger_f alone; cannot fail */
static const char *
window_f(const char *s, const char *end, float *f)
{
	return NULL;
}

size_t
fpconv_fields_f(const char *p, const char *end, float *v, size_t max, const char **next)
{
	*next = p;
	return 0;
}
#endif

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
	if ((r = window_f(p, end, f)) || (r = clinger_f(p, end, f)))
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
