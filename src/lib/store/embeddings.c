/* embeddings.c — the embeddings table (see embeddings.h). */
#include "store/embeddings.h"
#include "store/batch.h"
#include "store/dbint.h"
#include "core/key.h"
#include "core/util.h"
#include "core/vreader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { P_EMB, P_TAG, P_MOOD, NPART };

/* which part a column of that name belongs to */
static int
part_of(const char *c)
{
	if (!strncmp(c, "embedding", 9) && c[9] >= '0' && c[9] <= '9')
		return P_EMB;
	if (!strcmp(c, "danceability") || !strncmp(c, "mood_", 5))
		return P_MOOD;
	return P_TAG;
}

typedef struct {
	char *song;              /* the song being gathered */
	float *v[NPART];         /* its rows, part by part */
	size_t n[NPART], cap[NPART], rows;
	unsigned width[NPART], dim;
	int *part;               /* part of each column */
	sqlite3_stmt *put;
} Gather;

/* the current song into the table: 0, or -1 after a message */
static int
put_song(Db *db, Gather *g, const char *model, const char *dataset)
{
	char shape[NPART][48];
	int p;

	if (sqlite3_bind_text(g->put, 1, g->song, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(g->put, 2, model, -1, SQLITE_STATIC) ||
	    sqlite3_bind_text(g->put, 3, dataset, -1, SQLITE_STATIC))
		return db_fail(db, "embeddings");
	for (p = 0; p < NPART; p++) {
		if (!g->width[p])
			continue; /* stays NULL */
		if (g->rows == 1)
			snprintf(shape[p], sizeof shape[p], "%u", g->width[p]);
		else
			snprintf(shape[p], sizeof shape[p], "%zu,%u", g->rows, g->width[p]);
		/* float32 little-endian: the machine's layout (x86-64, aarch64) */
		if (sqlite3_bind_blob64(g->put, 4 + 2 * p, g->v[p], g->n[p] * sizeof(float),
		    SQLITE_STATIC) || sqlite3_bind_text(g->put, 5 + 2 * p, shape[p], -1, SQLITE_TRANSIENT))
			return db_fail(db, "embeddings");
	}
	return db_step_done(db, g->put, "embeddings");
}

/* the stream's column names for model/dataset: stored when none are, else they
 * must be the same; 0, 1 when they differ (printed), -1 on error */
static int
put_columns(Db *db, const VReader *r, const char *model, const char *dataset)
{
	sqlite3_stmt *q = db_prepare(db, "SELECT idx, name FROM embedding_columns "
	    "WHERE model = ?1 AND dataset = ?2 ORDER BY idx");
	sqlite3_stmt *ins = db_prepare(db, "INSERT INTO embedding_columns VALUES (?1, ?2, ?3, ?4)");
	unsigned n = 0, j;
	int e = 0;

	if (!q || !ins)
		goto out;
	sqlite3_bind_text(q, 1, model, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, dataset, -1, SQLITE_STATIC);
	while ((e = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 1);
		if (n >= r->ncols || !name || strcmp(name, r->cols[n])) {
			weprintf("%s: columns differ from those of model '%s', dataset '%s' in %s",
			    r->name, model, dataset, db_path(db));
			e = 1;
			goto out;
		}
		n++;
	}
	if (e != SQLITE_DONE || (n && n != r->ncols)) {
		e = e != SQLITE_DONE ? db_fail(db, "embedding_columns") : 1;
		if (e == 1)
			weprintf("%s: columns differ from those of model '%s', dataset '%s' in %s",
			    r->name, model, dataset, db_path(db));
		goto out;
	}
	e = 0;
	for (j = 0; !n && j < r->ncols && !e; j++) {
		sqlite3_bind_text(ins, 1, model, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, dataset, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, (int)j);
		sqlite3_bind_text(ins, 4, r->cols[j], -1, SQLITE_STATIC);
		e = db_step_done(db, ins, "embedding_columns");
	}
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return !q || !ins ? -1 : e;
}

/* the first record fixes the layout: the parts' widths and the columns stored */
static int
setup(Db *db, VReader *r, Gather *g, const LoadOpt *o)
{
	unsigned j;
	int e;

	g->dim = r->ncols ? r->ncols : (unsigned)r->n;
	if (r->ncols && (e = put_columns(db, r, o->model, o->dataset)))
		return -1;
	g->part = ecalloc(g->dim ? g->dim : 1, sizeof *g->part);
	for (j = 0; j < g->dim; j++)
		g->width[g->part[j] = r->ncols ? part_of(r->cols[j]) : P_EMB]++;
	g->put = db_prepare(db, "INSERT INTO embeddings (song_id, model, dataset, "
	    "embedding_data, embedding_shape, taggram_data, taggram_shape, mood_data, "
	    "mood_shape) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	    "ON CONFLICT (song_id, model, dataset) DO UPDATE SET "
	    "embedding_data = ?4, embedding_shape = ?5, taggram_data = ?6, taggram_shape = ?7, "
	    "mood_data = ?8, mood_shape = ?9, created_at = CURRENT_TIMESTAMP");
	return g->put ? 0 : -1;
}

/* one row of values into the song's parts */
static void
gather_row(Gather *g, const float *v)
{
	unsigned j;
	int p;

	for (p = 0; p < NPART; p++)
		if (g->n[p] + g->width[p] > g->cap[p]) {
			g->cap[p] = 2 * (g->n[p] + g->width[p]);
			g->v[p] = ereallocarray(g->v[p], g->cap[p], sizeof *g->v[p]);
		}
	for (j = 0; j < g->dim; j++)
		g->v[g->part[j]][g->n[g->part[j]]++] = v[j];
	g->rows++;
}

/* the song id of a record: its key up to the last '#' (-p: as a path); NULL after
 * a message when it is not a valid id */
static char *
row_song(VReader *r, const LoadOpt *o)
{
	size_t n = key_song_len(r->key);
	char *s = emalloc(n + 1), *id;
	const char *why;

	memcpy(s, r->key, n);
	s[n] = 0;
	if (o->pathkeys) {
		id = key_from_path(s);
		free(s);
		s = id;
	}
	if ((why = key_id_problem(s))) {
		vreader_error(r, "%s: '%s'", why, s);
		free(s);
		return NULL;
	}
	return s;
}

int
load_embeddings(Db *db, const char *path, LoadOpt *o)
{
	VReader *r = new_vreader(path);
	Gather g = {0};
	Batch b;
	char *id = NULL;
	int e = 0, p, rc = 1;

	if (!r)
		return 1;
	if (batch_begin(&b, db, r->name, o->batch))
		goto out;
	while ((e = vreader_next(r)) > 0) {
		if (!g.part && setup(db, r, &g, o))
			goto fail;
		if (r->n != g.dim) {
			vreader_error(r, "%zu values, expected %u", r->n, g.dim);
			goto fail;
		}
		if (!(id = row_song(r, o)))
			goto fail;
		if (g.song && strcmp(g.song, id)) {
			if (put_song(db, &g, o->model, o->dataset) || batch_record(&b, r->recno - 1))
				goto fail;
			free(g.song);
			g.song = NULL;
		}
		if (!g.song) {
			g.song = id;
			g.rows = 0;
			memset(g.n, 0, sizeof g.n);
		} else {
			free(id);
		}
		id = NULL;
		gather_row(&g, r->val);
	}
	if (e < 0 || (g.song && put_song(db, &g, o->model, o->dataset)) || batch_commit(&b))
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = batch_abort(&b);
out:
	free(id);
	free(g.song);
	free(g.part);
	for (p = 0; p < NPART; p++)
		free(g.v[p]);
	sqlite3_finalize(g.put);
	del_vreader(r);
	return rc;
}

/* the stored column names (NULL, 0 when none) */
static char **
get_columns(Db *db, const char *model, const char *dataset, unsigned *n)
{
	sqlite3_stmt *q = db_prepare(db, "SELECT name FROM embedding_columns "
	    "WHERE model = ?1 AND dataset = ?2 ORDER BY idx");
	char **c = NULL;

	*n = 0;
	if (!q)
		return NULL;
	sqlite3_bind_text(q, 1, model, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, dataset, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		c = ereallocarray(c, *n + 1, sizeof *c);
		c[(*n)++] = estrdup((const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	return c;
}

/* rows and width of a shape "n" or "k,n" (0 when NULL); -1 when malformed */
static int
shape(const char *s, size_t *rows, unsigned *w)
{
	unsigned long a, b;
	char c;

	*rows = 0;
	*w = 0;
	if (!s)
		return 0;
	if (sscanf(s, "%lu,%lu%c", &a, &b, &c) == 2)
		return *rows = a, *w = (unsigned)b, 0;
	if (sscanf(s, "%lu%c", &a, &c) == 1)
		return *rows = 1, *w = (unsigned)a, 0;
	return -1;
}

/* one table row back as its stream rows, columns in stream order (part: each
 * column's part, from the stored names) */
static int
export_song(Db *db, sqlite3_stmt *q, VWriter *w, const int *part, unsigned dim, float *row)
{
	const char *song = (const char *)sqlite3_column_text(q, 0);
	const float *v[NPART];
	size_t rows[NPART], k, nrows = 0, at[NPART];
	unsigned wd[NPART], j;
	char key[4096];
	int p;

	for (p = 0; p < NPART; p++) {
		if (shape((const char *)sqlite3_column_text(q, 2 + 2 * p), &rows[p], &wd[p]) ||
		    (size_t)sqlite3_column_bytes(q, 1 + 2 * p) != rows[p] * wd[p] * sizeof(float) ||
		    (nrows && rows[p] && rows[p] != nrows)) {
			weprintf("%s: embeddings row of song '%s': a BLOB and its shape disagree",
			    db_path(db), song);
			return -1;
		}
		v[p] = sqlite3_column_blob(q, 1 + 2 * p);
		nrows = rows[p] ? rows[p] : nrows;
	}
	for (k = 0; k < nrows; k++) {
		memset(at, 0, sizeof at);
		for (j = 0; j < dim; j++) {
			p = part[j];
			if (at[p] >= wd[p]) {
				weprintf("%s: embeddings row of song '%s' does not fit the stored "
				    "columns", db_path(db), song);
				return -1;
			}
			memcpy(&row[j], v[p] + k * wd[p] + at[p]++, sizeof *row);
		}
		for (p = 0; p < NPART; p++)
			if (at[p] != wd[p]) {
				weprintf("%s: embeddings row of song '%s' does not fit the stored "
				    "columns", db_path(db), song);
				return -1;
			}
		if (nrows == 1)
			snprintf(key, sizeof key, "%s", song);
		else
			snprintf(key, sizeof key, "%s.%zu", song, k);
		if (vwriter_write(w, key, row, dim))
			return -1;
	}
	return 0;
}

int
db_export_embeddings(Db *db, const char *model, const char *dataset, VWriter *w)
{
	sqlite3_stmt *q = db_prepare(db, "SELECT song_id, embedding_data, embedding_shape, "
	    "taggram_data, taggram_shape, mood_data, mood_shape FROM embeddings "
	    "WHERE model = ?1 AND dataset = ?2 ORDER BY rowid");
	unsigned ncols, dim = 0, j, wd;
	char **cols = get_columns(db, model, dataset, &ncols);
	int *part = NULL, e, rc = -1;
	float *row = NULL;
	size_t rows;

	if (!q)
		goto out;
	sqlite3_bind_text(q, 1, model, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, dataset, -1, SQLITE_STATIC);
	while ((e = sqlite3_step(q)) == SQLITE_ROW) {
		if (!part) { /* without names, all embedding: its width from the first row */
			if (shape((const char *)sqlite3_column_text(q, 2), &rows, &wd))
				wd = 0;
			dim = ncols ? ncols : wd;
			part = ecalloc(dim ? dim : 1, sizeof *part);
			for (j = 0; j < ncols; j++)
				part[j] = part_of(cols[j]);
			row = ereallocarray(NULL, dim ? dim : 1, sizeof *row);
			if (vwriter_header(w, dim, 0, ncols, cols))
				goto out;
		}
		if (export_song(db, q, w, part, dim, row))
			goto out;
	}
	if (e != SQLITE_DONE) {
		db_fail(db, "embeddings");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	for (j = 0; j < ncols; j++)
		free(cols[j]);
	free(cols);
	free(part);
	free(row);
	return rc;
}
