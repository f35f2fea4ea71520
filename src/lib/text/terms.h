/* terms.h — a set of byte strings numbered in order of arrival (a vocabulary):
 * an arena of NUL-terminated copies and an open-addressing hash table (FNV-1a,
 * linear probing, kept at most half full).
 *
 *	Terms *t = new_terms();
 *	size_t id = terms_add(t, "love you", 8);   // 0, 1, 2, ... on first sight
 *	long j = terms_find(t, "love you", 8);     // id, or -1
 *	const char *s = terms_str(t, id);
 *	del_terms(t); */
#ifndef SV_TERMS_H
#define SV_TERMS_H
#include <stddef.h>

typedef struct Terms Terms;

/* These exit only when memory runs out. */
Terms *new_terms(void);
size_t terms_add(Terms *t, const char *s, size_t len);
/* This function can't fail. */
long terms_find(const Terms *t, const char *s, size_t len);
const char *terms_str(const Terms *t, size_t id);
size_t terms_len(const Terms *t, size_t id);
size_t terms_count(const Terms *t);
/* NULL is a no-op. */
void del_terms(Terms *t);

#endif
