/* terms.c — a numbered set of strings (see terms.h). */
#include "text/terms.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct Terms {
	char *arena;          /* the strings, NUL-terminated */
	size_t used, cap;
	size_t *off, *len;    /* string id at arena + off[id] */
	uint64_t *hash;       /* and its hash */
	size_t n, ncap;
	long *slot;           /* hash table of ids, -1 = empty */
	size_t nslot;         /* a power of two */
};

static uint64_t
fnv1a(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Exits only when memory runs out. */
Terms *
new_terms(void)
{
	Terms *t = ecalloc(1, sizeof *t);
	size_t i;

	t->nslot = 1024;
	t->slot = ecalloc(t->nslot, sizeof *t->slot);
	for (i = 0; i < t->nslot; i++)
		t->slot[i] = -1;
	return t;
}

/* the slot holding s, or the empty slot where it belongs */
static size_t
probe(const Terms *t, const char *s, size_t len, uint64_t h)
{
	size_t i = h & (t->nslot - 1);
	long id;

	while ((id = t->slot[i]) >= 0) {
		if (t->hash[id] == h && t->len[id] == len && !memcmp(t->arena + t->off[id], s, len))
			break;
		i = (i + 1) & (t->nslot - 1);
	}
	return i;
}

static void
grow(Terms *t)
{
	size_t i, j;

	free(t->slot);
	t->nslot *= 2;
	t->slot = ecalloc(t->nslot, sizeof *t->slot);
	for (i = 0; i < t->nslot; i++)
		t->slot[i] = -1;
	for (i = 0; i < t->n; i++) {
		j = t->hash[i] & (t->nslot - 1);
		while (t->slot[j] >= 0)
			j = (j + 1) & (t->nslot - 1);
		t->slot[j] = (long)i;
	}
}

/* Exits only when memory runs out. */
size_t
terms_add(Terms *t, const char *s, size_t len)
{
	uint64_t h = fnv1a(s, len);
	size_t i = probe(t, s, len, h);

	if (t->slot[i] >= 0)
		return (size_t)t->slot[i];
	if (t->n == t->ncap) {
		t->ncap = t->ncap ? 2 * t->ncap : 256;
		t->off = ereallocarray(t->off, t->ncap, sizeof *t->off);
		t->len = ereallocarray(t->len, t->ncap, sizeof *t->len);
		t->hash = ereallocarray(t->hash, t->ncap, sizeof *t->hash);
	}
	if (t->used + len + 1 > t->cap) {
		t->cap = 2 * (t->used + len + 1) + 4096;
		t->arena = erealloc(t->arena, t->cap);
	}
	memcpy(t->arena + t->used, s, len);
	t->arena[t->used + len] = 0;
	t->off[t->n] = t->used;
	t->len[t->n] = len;
	t->hash[t->n] = h;
	t->used += len + 1;
	t->slot[i] = (long)t->n;
	if (++t->n * 2 > t->nslot)
		grow(t);
	return t->n - 1;
}

/* This function can't fail. */
long
terms_find(const Terms *t, const char *s, size_t len)
{
	return t->slot[probe(t, s, len, fnv1a(s, len))];
}

/* These cannot fail (id < terms_count). */
const char *
terms_str(const Terms *t, size_t id)
{
	return t->arena + t->off[id];
}

size_t
terms_len(const Terms *t, size_t id)
{
	return t->len[id];
}

size_t
terms_count(const Terms *t)
{
	return t->n;
}

void
del_terms(Terms *t)
{
	if (!t)
		return;
	free(t->arena);
	free(t->off);
	free(t->len);
	free(t->hash);
	free(t->slot);
	free(t);
}
