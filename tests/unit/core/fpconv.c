/* fpconv.c — unit test of core/fpconv: every float32 printed reads back
 * bit-identical (random bit patterns and the edges: subnormals, FLT_MIN, FLT_MAX,
 * -0, NaN payloads), the spelling is the shortest (one digit fewer does not read
 * back), random and near-halfway decimal strings (both on fpconv's fast path and
 * off it, and exact midpoints) parse as glibc's strtof/strtod in the C locale,
 * the syntax edges (signs, space, hex, overflow), and fpconv_fields_f's runs of
 * TSV fields (as strtof, stopping at the start of a field it does not take). */
#include "core/fpconv.h"
#include "core/rng.h"
#include "../unit.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef NRANDOM
#define NRANDOM 500000 /* random bit patterns, random strings */
#endif
#define PAD "\t0123456789abcdef" /* after a number: room for a window */

static float
from_bits(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static uint32_t
bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

/* digits of the spelling s without leading and trailing zeros; cannot fail */
static int
significant_digits(const char *s)
{
	char dg[32];
	int n = 0;

	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && (n || *s != '0'))
			dg[n++] = *s;
	while (n > 1 && dg[n - 1] == '0')
		n--;
	return n;
}

/* f printed, read back by fpconv and by strtof; 0 when both are f (NaN: nan) and
 * one digit fewer (correctly rounded, %.*e) does not read back */
static int
roundtrip(float f, char *s)
{
	char buf[64];
	size_t n = fpconv_ftoa(s, f);
	float g, h;
	int ov, nd;
	const char *e;

	s[n] = '\0';
	e = fpconv_parse_f(s, s + n, &g, &ov);
	h = strtof(s, NULL);
	if (!e || e != s + n || ov || n > FPCONV_FLOAT_MAX)
		return -1;
	if (isnan(f))
		return strcmp(s, "nan") || !isnan(g) || !isnan(h) ? -1 : 0;
	if (bits(g) != bits(f) || bits(h) != bits(f))
		return -1;
	if (f == 0 || isinf(f))
		return 0;
	nd = significant_digits(s);
	snprintf(buf, sizeof buf, "%.*e", nd >= 2 ? nd - 2 : 0, (double)f);
	return nd >= 2 && strtof(buf, NULL) == f ? -1 : 0;
}

static void
test_print_edges(void)
{
	static const struct { float f; const char *s; } t[] = {
		{ 0.1f, "0.1" }, { 1e9f, "1e+09" }, { 3e8f, "300000000" }, { 123456789.f, "123456790" },
		{ -0.0f, "-0" }, { 0.0f, "0" }, { 1e-45f, "1e-45" }, { FLT_MAX, "3.4028235e+38" },
		{ FLT_MIN, "1.1754944e-38" }, { 0.0001f, "0.0001" }, { 0.00001f, "1e-05" },
		{ 100.f, "100" }, { -1.5f, "-1.5" }, { INFINITY, "inf" }, { -INFINITY, "-inf" },
		{ 0.3f, "0.3" }, { 2.5e-5f, "2.5e-05" }, { 1.17549421e-38f, "1.1754942e-38" },
	};
	char s[64];
	size_t i, n;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		n = fpconv_ftoa(s, t[i].f);
		s[n] = '\0';
		check(!strcmp(s, t[i].s), "ftoa(%.9g) = '%s', expected '%s'", t[i].f, s, t[i].s);
	}
	n = fpconv_ftoa(s, from_bits(0xffc00001u));
	check(n == 3 && !memcmp(s, "nan", 3), "negative NaN with a payload prints nan");
}

static void
test_roundtrip(void)
{
	static const uint32_t edge[] = {
		0, 0x80000000u, 1, 0x80000001u, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0xff7fffffu,
		0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u, 0xffffffffu, 0x3f800000u,
		0x3f7fffffu, 0x4b7fffffu, 0x4c000000u, 0x33800000u,
	};
	char s[64];
	size_t i;
	Rng r;
	int bad = 0;

	for (i = 0; i < sizeof edge / sizeof edge[0]; i++)
		check(!roundtrip(from_bits(edge[i]), s), "edge 0x%08x printed '%s'", edge[i], s);
	rng_seed(&r, 12, 0);
	for (i = 0; i < NRANDOM && bad < 10; i++) {
		uint32_t u = (uint32_t)rng_next(&r);
		if (i % 4 == 0)
			u &= 0x807fffffu; /* subnormals and zeros often */
		if (roundtrip(from_bits(u), s)) {
			check(0, "0x%08x printed '%s' does not read back or is not shortest", u, s);
			bad++;
		}
	}
	check(bad == 0, "%d random float32 bit patterns round-trip", NRANDOM);
}

/* a random decimal string: sign, 1..25 digits, maybe a dot, maybe an exponent */
static size_t
random_decimal(Rng *r, char *s)
{
	size_t n = 0, nd = 1 + rng_below(r, 25), dot = rng_below(r, nd + 2), i;

	if (rng_below(r, 3) == 0)
		s[n++] = rng_below(r, 2) ? '-' : '+';
	for (i = 0; i < nd; i++) {
		if (i == dot)
			s[n++] = '.';
		s[n++] = (char)('0' + rng_below(r, 10));
	}
	if (rng_below(r, 2))
		n += (size_t)sprintf(s + n, "e%d", (int)rng_below(r, 120) - 70);
	s[n] = '\0';
	return n;
}

static void
test_parse_random(void)
{
	char s[128 + sizeof PAD];
	size_t i, n;
	Rng r;
	float f, g;
	double d, dd;
	int ov, bad = 0;
	const char *e;

	rng_seed(&r, 12, 1);
	for (i = 0; i < NRANDOM && bad < 10; i++) {
		if (i % 4 == 1) { /* halfway between two floats, and a hair off it */
			float a = from_bits((uint32_t)rng_next(&r) & 0x7f7fffffu);
			double mid = ((double)a + (double)nextafterf(a, INFINITY)) / 2;
			n = (size_t)snprintf(s, sizeof s, "%.*e", (int)(rng_below(&r, 3) ? 60 : 17), mid);
		} else if (i % 4 == 3) { /* the same where the fast path works: 1e-6..1e7, <= 15 digits */
			float a = from_bits((107u + (uint32_t)rng_below(&r, 44)) << 23 |
			    ((uint32_t)rng_next(&r) & 0x7fffffu));
			double mid = ((double)a + (double)nextafterf(a, INFINITY)) / 2;
			n = (size_t)snprintf(s, sizeof s, "%.*e", 7 + (int)rng_below(&r, 8), mid);
		} else if (i % 8 == 2) { /* integers from 2^24: many are exact midpoints */
			n = (size_t)snprintf(s, sizeof s, "%llu", (1ull << 24) + rng_below(&r, 1ull << 34));
		} else {
			n = random_decimal(&r, s);
		}
		e = fpconv_parse_f(s, s + n, &f, &ov);
		g = strtof(s, NULL);
		if (!e || e != s + n || bits(f) != bits(g)) {
			check(0, "'%s': fpconv %.9g, strtof %.9g", s, f, g);
			bad++;
		}
		memcpy(s + n, PAD, sizeof PAD); /* room for the 16-byte window path */
		e = fpconv_parse_f(s, s + n + sizeof PAD - 1, &f, &ov);
		if (!e || e != s + n || bits(f) != bits(g)) {
			check(0, "'%.*s' padded: fpconv %.9g, strtof %.9g", (int)n, s, f, g);
			bad++;
		}
		s[n] = '\0';
		e = fpconv_parse_d(s, s + n, &d, &ov);
		dd = strtod(s, NULL);
		if (!e || e != s + n || memcmp(&d, &dd, 8)) {
			check(0, "'%s': fpconv %.17g, strtod %.17g", s, d, dd);
			bad++;
		}
	}
	check(bad == 0, "%d random decimal strings parse as strtof and strtod", NRANDOM);
}

/* a field for test_fields: mostly what fpconv_fields_f takes (plain decimals of
 * 1..17 characters, near float midpoints, exact midpoints), else anything */
static size_t
random_field(Rng *r, char *s)
{
	float a;
	double mid;
	int k = (int)rng_below(r, 8);

	if (k < 3) { /* near a midpoint of 1e-6..1e7, in 15 characters or fewer */
		a = from_bits((107u + (uint32_t)rng_below(r, 44)) << 23 |
		    ((uint32_t)rng_next(r) & 0x7fffffu));
		mid = ((double)a + (double)nextafterf(a, INFINITY)) / 2;
		snprintf(s, 64, "%s%.*f", rng_below(r, 4) ? "" : "-", (int)rng_below(r, 16), mid);
		s[rng_below(r, 2) ? 15 : 17] = '\0';
	} else if (k == 3) { /* odd integers from 2^24: exact midpoints, maybe with ".0" */
		snprintf(s, 64, "%llu%s", (1ull << 24) + 2 * rng_below(r, 1ull << 26) + 1,
		    rng_below(r, 2) ? "" : ".0");
	} else if (k < 6) {
		snprintf(s, 64, "%.9g", from_bits((uint32_t)rng_next(r)));
	} else {
		return random_decimal(r, s);
	}
	return strlen(s);
}

/* The values fpconv_fields_f gives for the fields f[j..nf) of a line ending at end
 * and where it stops, checked against strtof; returns the count or -1 (checked). */
static long
fields_run(char **f, size_t j, size_t nf, const char *end, size_t max)
{
	float v[256], g;
	const char *next;
	size_t i, n = fpconv_fields_f(f[j], end, v, max, &next);
	char *e;

	if (j + n >= nf || next != f[j + n] || n > max) {
		check(0, "fields %zu..%zu: %zu taken, stopped at %d", j, nf, n, (int)(next - f[j]));
		return -1;
	}
	for (i = 0; i < n; i++) {
		g = strtof(f[j + i], &e);
		if (*e != '\t' || bits(g) != bits(v[i]) || isinf(g)) {
			check(0, "field '%.*s': %.9g, strtof %.9g", (int)(f[j + i + 1] - f[j + i] - 1),
			    f[j + i], v[i], g);
			return -1;
		}
	}
	return (long)n;
}

/* lines of random fields, read as vreader does (runs by fpconv_fields_f, a field
 * it leaves skipped): every value it gives is strtof's, it takes only whole
 * numeric fields and stops at the start of a field; and it takes nearly all of
 * a line of %.9g numbers */
static void
test_fields(void)
{
	char line[8192], *f[257];
	float v[256];
	size_t i, j, nf, len, n;
	const char *next;
	long k;
	Rng r;
	int bad = 0;

	rng_seed(&r, 12, 2);
	for (i = 0; i < NRANDOM / 50 && bad < 10; i++) {
		for (nf = 1 + rng_below(&r, 256), len = 0, j = 0; j < nf; j++) {
			f[j] = line + len;
			len += random_field(&r, line + len);
			line[len++] = '\t';
		}
		f[nf] = line + len;
		line[--len] = '\0';
		for (j = 0; j < nf && bad < 10; j += (size_t)k + 1)
			if ((k = fields_run(f, j, nf, line + len, 1 + rng_below(&r, 256))) < 0)
				bad++;
	}
	check(bad == 0, "%d lines of random fields parse as strtof", NRANDOM / 50);
	for (len = 0, j = 0; j < 200; j++)
		len += (size_t)sprintf(line + len, "%.9g\t",
		    from_bits(0x3f800000u + 0x9e3779u * (uint32_t)j % 0x4800000u)); /* 1..1024 */
	line[--len] = '\0';
	n = fpconv_fields_f(line, line + len, v, 256, &next);
	check(n >= 195, "%zu of 200 %%.9g fields on the fast path", n);
}

static void
test_syntax(void)
{
	static const struct { const char *s; int used, ov; } t[] = {
		{ "1", 1, 0 }, { "+1", 2, 0 }, { "-1", 2, 0 }, { "+-1", -1, 0 }, { "++1", -1, 0 },
		{ " 1", -1, 0 }, { "", -1, 0 }, { ".", -1, 0 }, { "-", -1, 0 }, { "1e", 1, 0 },
		{ "1e+", 1, 0 }, { ".5", 2, 0 }, { "5.", 2, 0 }, { "0x10", 1, 0 }, { "nan", 3, 0 },
		{ "-nan", 4, 0 }, { "NaN", 3, 0 }, { "inf", 3, 0 }, { "-inf", 4, 0 },
		{ "Infinity", 8, 0 }, { "1e39", 4, 1 }, { "-1e39", 5, 1 }, { "1e-50", 5, 0 },
		{ "1\t2", 1, 0 }, { "1,5", 1, 0 }, { "3.4028235e38", 12, 0 }, { "3.40282356e38", 13, 0 },
		{ "3.40282357e38", 13, 1 },
	};
	size_t i, n;
	float f;
	int ov;
	const char *e;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		n = strlen(t[i].s);
		e = fpconv_parse_f(t[i].s, t[i].s + n, &f, &ov);
		check(t[i].used < 0 ? !e : e == t[i].s + t[i].used && ov == t[i].ov,
		    "'%s': used %d overflow %d, expected %d %d", t[i].s, e ? (int)(e - t[i].s) : -1,
		    e ? ov : 0, t[i].used, t[i].ov);
	}
	check(fpconv_is_hex("0x1p3", "0x1p3" + 5) && fpconv_is_hex("-0X1", "-0X1" + 4) &&
	    !fpconv_is_hex("01", "01" + 2), "hexadecimal floats recognised for messages");
}

int
main(void)
{
	test_print_edges();
	test_syntax();
	test_roundtrip();
	test_parse_random();
	test_fields();
	return unit_done();
}
