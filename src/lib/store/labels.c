/* labels.c (store) — labels tables into song_labels (see store/labels.h). */
#include "store/labels.h"
#include "store/batch.h"
#include "store/dbint.h"
#include "core/key.h"
#include "core/util.h"
#include "data/labels.h"
#include "fetch/playlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char PUT[] =
    "INSERT INTO song_labels(song_id, label_set, label, split, predicted, probability) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(song_id, label_set) DO UPDATE SET "
    "label=coalesce(excluded.label, label), split=coalesce(excluded.split, split), "
    "predicted=coalesce(excluded.predicted, predicted), "
    "probability=coalesce(excluded.probability, probability)";

static void
bind_field(sqlite3_stmt *st, int i, const char *v)
{
	if (*v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* one row of the table; 0, or -1 after a message */
static int
put_row(Db *db, sqlite3_stmt *st, const Labels *l, size_t i, const LoadOpt *o)
{
	const char *key = labels_field(l, i, 0), *p = labels_field(l, i, l->iprob), *why;
	char *id = o->pathkeys ? key_from_path(key) : (char *)key, *end;
	double prob = 0;
	int rc = -1;

	if ((why = key_id_problem(id))) {
		weprintf("%s:%lu: %s: '%s'", l->name, l->line[i], why, id);
		goto out;
	}
	if (*p) {
		errno = 0;
		prob = strtod(p, &end);
		if (*end || errno || !(prob >= 0 && prob <= 1)) {
			weprintf("%s:%lu: probability '%s' is not a number in [0, 1]", l->name,
			    l->line[i], p);
			goto out;
		}
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, l->set, -1, SQLITE_STATIC);
	bind_field(st, 3, labels_field(l, i, l->ilabel));
	bind_field(st, 4, labels_field(l, i, l->isplit));
	bind_field(st, 5, labels_field(l, i, l->ipred));
	if (*p)
		sqlite3_bind_double(st, 6, prob);
	else
		sqlite3_bind_null(st, 6);
	rc = db_step_done(db, st, "song_labels");
out:
	if (id != key)
		free(id);
	return rc;
}

int
load_labels(Db *db, const char *path, LoadOpt *o)
{
	sqlite3_stmt *st;
	Labels l;
	Batch b;
	size_t i;
	int rc = 0;

	if (labels_load(path, &l) < 0)
		return 1;
	if (!(st = db_prepare(db, PUT))) {
		del_labels(&l);
		return 1;
	}
	if (batch_begin(&b, db, l.name, o->batch))
		rc = 1;
	for (i = 0; rc == 0 && i < l.n; i++)
		if (put_row(db, st, &l, i, o) < 0 || batch_record(&b, i + 1))
			rc = batch_abort(&b);
	if (rc == 0 && batch_commit(&b))
		rc = batch_abort(&b);
	sqlite3_finalize(st);
	del_labels(&l);
	return rc;
}
