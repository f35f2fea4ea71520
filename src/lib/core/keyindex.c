/* keyindex.c — records by key (see keyindex.h). */
#include "core/keyindex.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct Entry {
	const char *key;
	size_t i;
} Entry;

struct KeyIndex {
	Entry *e;
	size_t n;
};

/* by key, then by record: equal keys end up next to each other, first one first */
static int
cmp_entry(const void *pa, const void *pb)
{
	const Entry *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

KeyIndex *
new_keyindex(const Matrix *m)
{
	KeyIndex *ki = ecalloc(1, sizeof *ki);
	size_t i;

	ki->n = m->n;
	ki->e = ereallocarray(NULL, m->n ? m->n : 1, sizeof *ki->e);
	for (i = 0; i < m->n; i++) {
		ki->e[i].key = matrix_key(m, i);
		ki->e[i].i = i;
	}
	qsort(ki->e, ki->n, sizeof *ki->e, cmp_entry);
	for (i = 1; i < ki->n; i++)
		if (!strcmp(ki->e[i].key, ki->e[i - 1].key)) {
			weprintf("%s: record %zu (%s): duplicate key (also record %zu)", m->name,
			    ki->e[i].i + 1, ki->e[i].key, ki->e[i - 1].i + 1);
			del_keyindex(ki);
			return NULL;
		}
	return ki;
}

long
keyindex_find(const KeyIndex *ki, const char *key)
{
	size_t lo = 0, hi = ki->n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(ki->e[mid].key, key);
		if (!c)
			return (long)ki->e[mid].i;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void
del_keyindex(KeyIndex *ki)
{
	if (!ki)
		return;
	free(ki->e);
	free(ki);
}
