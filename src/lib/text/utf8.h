/* utf8.h — strict UTF-8 (as Python's str.decode('utf-8')): no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence. */
#ifndef SV_UTF8_H
#define SV_UTF8_H
#include <stddef.h>
#include <stdint.h>

/* Decode s[0..n) into out (room for n code points; NULL: only check).  Returns the number of code
 * points, or -1 when s is not UTF-8: *bad is then the offset of the first byte of
 * the bad sequence.  NUL bytes decode as U+0000 (callers that want text reject
 * them).  Cannot fail otherwise. */
long utf8_decode(const char *s, size_t n, uint32_t *out, size_t *bad);
/* Encode c (a scalar value) into buf (4 bytes of room); returns the byte count.
 * This function can't fail. */
size_t utf8_encode(uint32_t c, char *buf);

#endif
