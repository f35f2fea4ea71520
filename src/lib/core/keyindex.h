/* keyindex.h — finding records by key: the keys of a Matrix sorted once, looked up
 * by binary search (no hash table: n log n to build, log n a look-up, 16 bytes a
 * key).  Duplicate keys are an error, so a key names one record.
 *
 *	KeyIndex *ki = new_keyindex(&m);       // NULL: a duplicate (message printed)
 *	long i = keyindex_find(ki, "song");    // -1 when absent
 *	del_keyindex(ki); */
#ifndef SV_KEYINDEX_H
#define SV_KEYINDEX_H

#include "core/matrix.h"

typedef struct KeyIndex KeyIndex;

/* Index the keys of m (m must outlive the index).  NULL after "prog: NAME: record N
 * (KEY): duplicate key (also record M)"; exits only when memory runs out. */
KeyIndex *new_keyindex(const Matrix *m);
/* The record of key, or -1.  This function can't fail. */
long keyindex_find(const KeyIndex *ki, const char *key);
/* NULL is a no-op. */
void del_keyindex(KeyIndex *ki);

#endif
