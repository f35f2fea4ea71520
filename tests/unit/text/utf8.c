/* unit test for src/lib/text/utf8.c, unicode.c and tokens.c: the strict decoder's
 * verdict on every overlong, surrogate, out-of-range and truncated form; encode /
 * decode round trips over every scalar value; str.lower()'s special cases (dotted I,
 * final sigma with case-ignorable characters between); the token rule (runs of two
 * or more word characters).  Prints "not ok N what" lines; exit 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/tokens.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "../unit.h"

static int
valid(const char *s, size_t n)
{
	size_t bad;

	return utf8_decode(s, n, NULL, &bad) >= 0;
}

static void
decoder(void)
{
	static const struct { const char *s; size_t n; int ok; } t[] = {
		{ "a", 1, 1 }, { "\xc3\xa9", 2, 1 }, { "\xc0\x80", 2, 0 }, { "\xc1\xbf", 2, 0 },
		{ "\xe0\x9f\xbf", 3, 0 }, { "\xe0\xa0\x80", 3, 1 }, { "\xed\x9f\xbf", 3, 1 },
		{ "\xed\xa0\x80", 3, 0 }, { "\xed\xbf\xbf", 3, 0 }, { "\xee\x80\x80", 3, 1 },
		{ "\xf0\x8f\xbf\xbf", 4, 0 }, { "\xf0\x90\x80\x80", 4, 1 },
		{ "\xf4\x8f\xbf\xbf", 4, 1 }, { "\xf4\x90\x80\x80", 4, 0 }, { "\xf5\x80\x80\x80", 4, 0 },
		{ "\xe2\x82", 2, 0 }, { "\x80", 1, 0 }, { "\xff", 1, 0 }, { "\xc3\x28", 2, 0 },
	};
	size_t i, bad;
	uint32_t c, got[2];
	char buf[4];

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		char what[64];

		snprintf(what, sizeof what, "utf8 case %zu: expected %s", i, t[i].ok ? "valid" : "invalid");
		check(valid(t[i].s, t[i].n) == t[i].ok, what);
	}
	check(utf8_decode("ab\xff", 3, NULL, &bad) < 0 && bad == 2, "bad offset");
	for (c = 0; c <= 0x10FFFF; c++) {
		size_t n;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = utf8_encode(c, buf);
		if (utf8_decode(buf, n, got, &bad) != 1 || got[0] != c) {
			check(0, "encode/decode round trip");
			break;
		}
	}
}

static size_t
lower(const char *s, char *out)
{
	uint32_t in[64], lo[128];
	size_t bad, n, m, i, k = 0;

	n = (size_t)utf8_decode(s, strlen(s), in, &bad);
	m = unicode_lower(in, n, lo);
	for (i = 0; i < m; i++)
		k += utf8_encode(lo[i], out + k);
	out[k] = 0;
	return k;
}

static void
lowercase(void)
{
	static const char *const t[][2] = {
		{ "ABC", "abc" }, { "\xc4\xb0", "i\xcc\x87" },                  /* İ -> i + U+0307 */
		{ "\xce\x9f\xce\x94\xce\x9f\xce\xa3", "\xce\xbf\xce\xb4\xce\xbf\xcf\x82" }, /* ΟΔΟΣ */
		{ "\xce\xa3", "\xcf\x83" },                                     /* Σ alone: σ */
		{ "\xce\xa3\xce\x91", "\xcf\x83\xce\xb1" },                     /* ΣΑ: σα */
		{ "A\xce\xa3'", "a\xcf\x82'" },                                 /* ' is ignorable */
		{ "A\xce\xa3'B", "a\xcf\x83'b" },
		{ "\xe1\xba\x9e", "\xc3\x9f" },                                 /* ẞ -> ß */
	};
	char out[256], what[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		lower(t[i][0], out);
		snprintf(what, sizeof what, "lower case %zu", i);
		check(!strcmp(out, t[i][1]), what);
	}
	check(unicode_isword('_') && unicode_isword(0x4E2D) && unicode_isword(0x2163) &&
	    !unicode_isword(0x301) && !unicode_isword(0x266A) && !unicode_isword(' '),
	    "word characters");
}

static void
tokens(void)
{
	Tokens *t = new_tokens();
	size_t bad, len;
	const char *g;

	check(tokens_do(t, "I a-bc de_f, X\xc3\xa9!", 16, &bad) == 3, "three tokens");
	g = tokens_gram(t, 0, 2, &len);
	check(len == 7 && !memcmp(g, "bc de_f", 7), "bigram bc de_f");
	g = tokens_gram(t, 1, 2, &len);
	check(len == 8 && !memcmp(g, "de_f x\xc3\xa9", 8), "bigram de_f xé");
	check(tokens_do(t, "ok\xff", 3, &bad) < 0 && bad == 2, "not UTF-8");
	del_tokens(t);
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	decoder();
	lowercase();
	tokens();
	return unit_done();
}
