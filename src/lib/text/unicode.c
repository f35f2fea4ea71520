/* unicode.c — character classes and lowercasing as Python 3 (see unicode.h). */
#include "text/unicode.h"
#include "text/unitab.h"

/* 1 when c lies in one of the n sorted ranges r */
static int
in_ranges(const uint32_t (*r)[2], size_t n, uint32_t c)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c < r[mid][0])
			hi = mid;
		else if (c > r[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* This function can't fail. */
int
unicode_isword(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '_';
	return in_ranges(unitab_word, unitab_word_n, c);
}

/* This function can't fail. */
int
unicode_iscased(uint32_t c)
{
	return in_ranges(unitab_cased, unitab_cased_n, c);
}

/* This function can't fail. */
int
unicode_isignorable(uint32_t c)
{
	return in_ranges(unitab_ignorable, unitab_ignorable_n, c);
}

/* the one-code-point lowercase of c (c itself when it has none) */
static uint32_t
lower1(uint32_t c)
{
	size_t lo = 0, hi = unitab_lower_n, mid;

	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c < unitab_lower[mid][0])
			hi = mid;
		else if (c > unitab_lower[mid][0])
			lo = mid + 1;
		else
			return unitab_lower[mid][1];
	}
	return c;
}

/* CPython's handle_capital_sigma: U+03A3 at i is final (U+03C2) when a cased letter
 * precedes it and none follows it, case-ignorable characters skipped both ways */
static uint32_t
sigma(const uint32_t *s, size_t n, size_t i)
{
	size_t j = i;
	int final;

	while (j > 0 && unicode_isignorable(s[j - 1]))
		j--;
	final = j > 0 && unicode_iscased(s[j - 1]);
	if (final) {
		for (j = i + 1; j < n && unicode_isignorable(s[j]); j++)
			;
		final = j == n || !unicode_iscased(s[j]);
	}
	return final ? 0x3C2 : 0x3C3;
}

/* This function can't fail. */
size_t
unicode_lower(const uint32_t *s, size_t n, uint32_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == 0x130) { /* LATIN CAPITAL LETTER I WITH DOT ABOVE */
			out[k++] = 'i';
			out[k++] = 0x307;
		} else if (s[i] == 0x3A3) {
			out[k++] = sigma(s, n, i);
		} else {
			out[k++] = lower1(s[i]);
		}
	}
	return k;
}
