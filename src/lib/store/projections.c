/* projections.c — map coordinates into the projections table (see projections.h,
 * load.h). */
#include "store/projections.h"
#include "core/key.h"
#include "store/batch.h"
#include "store/dbint.h"
#include "store/load.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *
projections_method(const char *col1)
{
	if (!col1)
		return NULL;
	if (!strcmp(col1, "tsne1"))
		return "tsne";
	if (!strcmp(col1, "umap1"))
		return "umap";
	if (!strcmp(col1, "pc1"))
		return "pca";
	return NULL;
}

const char *
projections_bad_method(const char *m)
{
	size_t n = strlen(m);

	if (n < 1 || n > 32)
		return "a method name has 1 to 32 characters";
	if (strspn(m, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return "a method name is lower-case letters, digits, '_' and '-'";
	return NULL;
}

/* one record: 0, 1 (the song is not in songs), 2 (bad dimension), -1 (database) */
static int
put(Db *db, sqlite3_stmt *st, const char *id, const char *method, const float *v, size_t n)
{
	size_t k;
	int rc;

	if (n < 1 || n > 3)
		return 2;
	if ((rc = db_has_song(db, id)) <= 0)
		return rc < 0 ? -1 : 1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, method, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)n);
	for (k = 0; k < 3; k++) {
		if (k < n && isfinite(v[k]))
			sqlite3_bind_double(st, 4 + (int)k, v[k]);
		else
			sqlite3_bind_null(st, 4 + (int)k);
	}
	return db_step_done(db, st, "projections");
}

/* the method: -m, else from the column names; NULL after a message */
static const char *
which_method(const VReader *r, const LoadOpt *o)
{
	const char *m = o->method ? o->method : projections_method(r->ncols ? r->cols[0] : NULL);

	if (!m)
		weprintf("%s: which map is this? the columns are not tsne1.., umap1.. or pc1..: "
		    "name the method with -m", r->name);
	return m;
}

/* one input into projections; 0, or 1 after a message (its batch rolled back) */
static int
load_map(Db *db, const char *path, LoadOpt *o)
{
	static const char sql[] = "INSERT INTO projections(song_id, method, dims, x, y, z, created_at) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, CURRENT_TIMESTAMP) ON CONFLICT(song_id, method, dims) "
	    "DO UPDATE SET x=excluded.x, y=excluded.y, z=excluded.z, created_at=excluded.created_at";
	sqlite3_stmt *st = NULL;
	const char *method;
	char *id, *own = NULL;
	VReader *r;
	Batch b;
	int e;

	if (!(r = new_vreader(path)))
		return 1;
	if (!(method = which_method(r, o)) || !(st = db_prepare(db, sql)) ||
	    batch_begin(&b, db, r->name, o->batch)) {
		del_vreader(r);
		sqlite3_finalize(st);
		return 1;
	}
	while ((e = vreader_next(r)) > 0) {
		if (!(id = load_song_id(r, r->key, r->recno, r->lineno, o, &own)))
			goto fail;
		e = put(db, st, id, method, r->val, r->n);
		if (e == 1)
			vreader_error(r, "song '%s' is not in the songs table", id);
		else if (e == 2)
			vreader_error(r, "%zu values: a map has 1, 2 or 3 coordinates", r->n);
		free(own);
		own = NULL;
		if (e || batch_record(&b, r->recno))
			goto fail;
	}
	if (e < 0 || batch_commit(&b))
		goto fail;
	sqlite3_finalize(st);
	del_vreader(r);
	return 0;
fail:
	free(own);
	e = batch_abort(&b);
	sqlite3_finalize(st);
	del_vreader(r);
	return e;
}

int
load_projections(Db *db, const char *path, LoadOpt *o)
{
	struct KeySet *all = o->seen; /* a song is in many maps: repeats count per input */
	int rc;

	o->seen = new_keyset();
	o->ninput++;
	rc = load_map(db, path, o);
	del_keyset(o->seen);
	o->seen = all;
	return rc;
}
