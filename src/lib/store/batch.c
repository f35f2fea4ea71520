/* batch.c — transactions of N records with exact messages (see batch.h). */
#include "store/batch.h"
#include "core/util.h"

int
batch_begin(Batch *b, Db *db, const char *name, long size)
{
	*b = (Batch){ .db = db, .name = name, .size = size };
	return db_begin(db);
}

int
batch_record(Batch *b, unsigned long recno)
{
	if (!b->inbatch++)
		b->first = recno;
	if (b->size > 0 && b->inbatch >= (unsigned long)b->size) {
		if (db_commit(b->db))
			return -1;
		b->committed = recno;
		b->inbatch = 0;
		return db_begin(b->db);
	}
	return 0;
}

int
batch_commit(Batch *b)
{
	return db_commit(b->db);
}

int
batch_abort(Batch *b)
{
	db_rollback(b->db);
	if (b->committed)
		weprintf("%s: batch rolled back (records %lu..); records 1..%lu are committed",
		    b->name, b->inbatch ? b->first : b->committed + 1, b->committed);
	else
		weprintf("%s: rolled back, nothing written", b->name);
	return 1;
}
