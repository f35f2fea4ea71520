/* prefetch.h — read a vector stream in a second thread, ahead of the consumer, and
 * format each record's values as JSON there (json_floats), so that parsing and
 * formatting overlap with the database work of the main thread. */
#ifndef SV_PREFETCH_H
#define SV_PREFETCH_H
#include <stddef.h>

#include "core/vreader.h"

typedef struct PRec {
	char *key;
	float *val;
	size_t n;
	char *json;           /* "[v0,...]" (json.h), jlen bytes */
	size_t jlen;
	unsigned long recno, lineno; /* as r->recno, r->lineno when it was read */
} PRec;

typedef struct Prefetch Prefetch;

/* Start reading r (which the caller keeps and closes after del_prefetch).  When
 * the thread cannot be started, prefetch_next reads in the caller's thread (the
 * same records, without the overlap).  Exits only when memory runs out. */
Prefetch *new_prefetch(VReader *r);
/* 1: *rec holds the next record (valid until the next call); 0: end; -1: the
 * reader failed (its message is printed). */
int prefetch_next(Prefetch *p, PRec **rec);
/* Stop the reader thread and free everything; NULL is a no-op. */
void del_prefetch(Prefetch *p);

#endif
