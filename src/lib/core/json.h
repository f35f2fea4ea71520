/* json.h — the JSON bits the database and the error logs need: float arrays
 * (feature vectors) and escaped strings.
 *
 * Arrays are written with the fewest digits that read back as the same float32
 * (fpconv_ftoa, as in TSV); NaN and infinities are written as null (JSON has
 * no NaN) and read back as NaN. */
#ifndef SV_JSON_H
#define SV_JSON_H
#include <stddef.h>
#include <stdio.h>

/* Bytes json_floats() may need for n values (including the NUL). */
#define JSON_FLOATS_MAX(n) ((n) * 18 + 3)

/* Grow *buf (*cap bytes) to at least JSON_FLOATS_MAX(n) bytes, for json_floats of
 * n values; exits only when memory runs out. */
void json_reserve(char **buf, size_t *cap, size_t n);
/* Write "[v0,v1,...]" into buf (JSON_FLOATS_MAX(n) bytes); returns its length. */
size_t json_floats(char *buf, const float *v, size_t n);
/* One float as fpconv_ftoa spells it, into buf (>= 18 bytes, no NUL); returns
 * length.  Cannot fail. */
size_t json_float(char *buf, float f);
/* Parse a JSON array of numbers/nulls into *v (grown as needed, *cap values);
 * sets *n.  Returns 0, or -1 when s is not such an array; exits only when
 * memory runs out. */
int json_parse_floats(const char *s, float **v, size_t *n, size_t *cap);
/* Write "[v0,v1,...]" to fp: NaN and infinities as null, -0 as -0.0 (which
 * readers such as python's json would otherwise read as the integer 0).  Errors
 * stick in fp. */
void json_put_floats(FILE *fp, const float *v, size_t n);
/* Write s as a JSON string (quotes, escapes; invalid UTF-8 bytes become U+FFFD). */
void json_string(FILE *fp, const char *s);

#endif
