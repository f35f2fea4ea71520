/* fpconv.h — numbers as text, exactly and fast: the one decimal parser and the one
 * float printer of every TSV reader and writer (songvec(5), NUMBERS).
 *
 * Parsing is correctly rounded (as strtof/strtod in the C locale) and ignores the
 * locale: [+|-] digits [. digits] [e|E [+|-] digits], also nan, nan(...), inf and
 * infinity in any case.  No leading space, no hexadecimal floats.
 * Printing gives the shortest digits that read back to the same float32, laid out as
 * printf's %.9g lays out its digits; nan (any payload, any sign), inf, -inf, -0.
 *
 *	char buf[FPCONV_FLOAT_MAX];
 *	size_t n = fpconv_ftoa(buf, f);                 // not NUL-terminated
 *	const char *e = fpconv_parse_f(p, end, &f, &ov); // NULL: no number at p
 *	n = fpconv_fields_f(p, end, v, max, &next);      // "1.5\t2\t..." fast
 *
 * Parsing takes two fast paths of its own: for the commonest numbers (digits
 * and a dot in 16 bytes) the digits read 16 at a time with SSSE3 (builds for
 * x86-64-v2 and up) and one multiplication, what lands within a few ulps of a
 * float midpoint left to the next; for the common case (up to 15-16 digits and a
 * decimal exponent within +-22) Clinger's exact double arithmetic, with the one
 * case where rounding twice could differ detected; and Debian's fast_float for
 * the rest.  Printing uses Debian's Dragonbox for the digits.
 * Both libraries are C++ headers behind a small shim (fpconv_cxx.cc); the
 * syntax and the layout are ours. */
#ifndef SV_FPCONV_H
#define SV_FPCONV_H
#include <stddef.h>

#define FPCONV_FLOAT_MAX 16 /* bytes of the longest float: -1.17549435e-38 */

/* Writes the spelling of f at buf (at most FPCONV_FLOAT_MAX bytes, no NUL) and
 * returns its length.  Cannot fail. */
size_t fpconv_ftoa(char *buf, float f);
/* The longest number at [p, end) (the syntax above) into *f; returns the end of the
 * number, or NULL when none starts at p.  *overflow is set to 1 when a finite
 * literal is out of range (*f is then ±inf), else 0.  Cannot fail otherwise. */
const char *fpconv_parse_f(const char *p, const char *end, float *f, int *overflow);
/* The same for a double. */
const char *fpconv_parse_d(const char *p, const char *end, double *d, int *overflow);
/* The leading run of tab-ended fields of [p, end) that are plain decimals
 * ([-]digits[.digits], under 16 bytes after the sign, at least 16 bytes before
 * end, not within a few ulps of a float midpoint) into v[0..), at most max of
 * them: the common case of a TSV record at twice fpconv_parse_f's speed, each
 * value as fpconv_parse_f gives it.  Returns how many; *next is the start of the
 * first field not parsed (the last field, the one before end, never is).
 * Cannot fail. */
size_t fpconv_fields_f(const char *p, const char *end, float *v, size_t max,
    const char **next);
/* 1 when [p, end) starts as a hexadecimal float ("0x", "-0X1p3"), for messages. */
int fpconv_is_hex(const char *p, const char *end);

#endif
