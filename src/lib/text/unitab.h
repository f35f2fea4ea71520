/* unitab.h — Unicode property tables generated from Python's unicodedata by
 * scripts/gen-unitab (unitab.c; regenerate, never edit).  Range tables are sorted,
 * disjoint, inclusive [lo, hi] pairs; unitab_lower is sorted (code point, its
 * one-code-point lowercase).  Read them through unicode.h. */
#ifndef SV_UNITAB_H
#define SV_UNITAB_H
#include <stddef.h>
#include <stdint.h>

extern const char unitab_version[];          /* the Unicode version, "14.0.0" */
extern const uint32_t unitab_word[][2];      /* re's \w: alphanumeric or '_' */
extern const size_t unitab_word_n;
extern const uint32_t unitab_ignorable[][2]; /* Case_Ignorable */
extern const size_t unitab_ignorable_n;
extern const uint32_t unitab_cased[][2];     /* Cased (not ignorable) */
extern const size_t unitab_cased_n;
extern const uint32_t unitab_lower[][2];     /* str.lower(), one code point */
extern const size_t unitab_lower_n;

#endif
