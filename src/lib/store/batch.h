/* batch.h — loading a stream into the database in transactions of N records, and
 * saying exactly what was kept when something goes wrong (dbload(1)'s -n).
 *
 *	Batch b;
 *	if (batch_begin(&b, db, name, n)) ...           // BEGIN IMMEDIATE
 *	for each record r: put it; if (batch_record(&b, recno)) goto fail;
 *	if (batch_commit(&b)) goto fail;                // the last batch
 *	...
 * fail:	return batch_abort(&b);                 // rolls back, prints, returns 1 */
#ifndef SV_BATCH_H
#define SV_BATCH_H

#include "store/db.h"

typedef struct Batch {
	Db *db;
	const char *name;     /* the input, for the messages */
	long size;            /* records per transaction; 0: one transaction */
	unsigned long committed, inbatch, first;
} Batch;

/* 0, or -1 after a message (the database is busy beyond the timeout, ...). */
int batch_begin(Batch *b, Db *db, const char *name, long size);
/* Record recno is stored: commits and begins the next transaction every size
 * records.  0, or -1 after a message. */
int batch_record(Batch *b, unsigned long recno);
/* Commit the open transaction: 0, or -1 after a message. */
int batch_commit(Batch *b);
/* Roll back the open transaction and say which records stay committed; returns 1
 * (the exit status of a data error). */
int batch_abort(Batch *b);

#endif
