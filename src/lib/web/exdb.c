/* exdb.c — read-only database access of the explorer (see exdb.h). */
#include "web/exdb.h"
#include "core/json.h"
#include "core/util.h"

#include <math.h>
#include <string.h>

#define EXDB_BUSY_MS 5000 /* how long a reader waits for a writer's checkpoint */

sqlite3 *
exdb_open(const char *path, int quiet)
{
	sqlite3 *h = NULL;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (!quiet)
			weprintf("%s: %s", path, h ? sqlite3_errmsg(h) : "cannot open");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, EXDB_BUSY_MS);
	if (sqlite3_exec(h, "PRAGMA query_only=1", NULL, NULL, NULL) != SQLITE_OK) {
		if (!quiet)
			weprintf("%s: %s", path, sqlite3_errmsg(h));
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

sqlite3_stmt *
exdb_prepare(sqlite3 *h, const char *sql, int quiet)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		if (!quiet)
			weprintf("%s: %s", sqlite3_db_filename(h, "main"), sqlite3_errmsg(h));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* 1 when the table exists, 0 when not (or on an error) */
static int
has_table(sqlite3 *h, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	st = exdb_prepare(h, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", 1);
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int
exdb_tables(sqlite3 *h, ExTables *t, int quiet)
{
	if (!has_table(h, "songs")) {
		if (!quiet)
			weprintf("%s: not a songvec database (no table songs): load songs with dbload",
			    sqlite3_db_filename(h, "main"));
		return -1;
	}
	t->projections = has_table(h, "projections");
	t->clusters = has_table(h, "song_clusters");
	t->labels = has_table(h, "song_labels");
	t->embeddings = has_table(h, "embeddings") && has_table(h, "embedding_columns");
	t->neighbors = has_table(h, "song_neighbors");
	t->artists = has_table(h, "artists_vector");
	t->columns = has_table(h, "songvec_columns");
	return 0;
}

const char *
exdb_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

void
exdb_json(FILE *fp, sqlite3_stmt *st, int i)
{
	char buf[32];
	double d;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		fprintf(fp, "%lld", (long long)sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		d = sqlite3_column_double(st, i);
		if (!isfinite(d)) {
			fputs("null", fp);
			break;
		}
		snprintf(buf, sizeof buf, "%.9g", d);
		fputs(buf, fp);
		break;
	case SQLITE_NULL:
		fputs("null", fp);
		break;
	default:
		json_string(fp, exdb_text(st, i));
	}
}
