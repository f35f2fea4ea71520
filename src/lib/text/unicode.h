/* unicode.h — the character classes and the lowercasing of Python 3 strings, so text
 * is tokenised as scikit-learn does it (the tables: unitab.h, Unicode 14.0.0).
 *
 *	unicode_isword(c)           re's \w for str patterns (alphanumeric or '_')
 *	unicode_lower(s, n, out)    str.lower() of s[0..n): full mappings (U+0130 gives
 *	                            two code points) and the final sigma rule */
#ifndef SV_UNICODE_H
#define SV_UNICODE_H
#include <stddef.h>
#include <stdint.h>

/* These cannot fail. */
int unicode_isword(uint32_t c);
int unicode_iscased(uint32_t c);
int unicode_isignorable(uint32_t c);
/* The lowercase of s[0..n) into out, which has room for 2*n code points; returns
 * the number written. */
size_t unicode_lower(const uint32_t *s, size_t n, uint32_t *out);

#endif
