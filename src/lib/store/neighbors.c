/* neighbors.c — knn(1)'s neighbour lists into the database (see neighbors.h). */
#include "store/neighbors.h"
#include "store/batch.h"
#include "store/dbint.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* one table's statements */
typedef struct Nb {
	Db *db;
	const char *name, *table, *what;   /* the input; song_neighbors; "song" */
	sqlite3_stmt *del, *ins, *has;
	char metric[32];
	char *last;                         /* the query whose rows were cleared */
	unsigned long line;
} Nb;

static int
nb_prepare(Nb *nb, int artists)
{
	char sql[256];
	const char *t = artists ? "artist_neighbors" : "song_neighbors", *id = artists ? "artist_id" : "song_id";

	nb->table = t;
	nb->what = artists ? "artist" : "song";
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE %s=?1 AND metric=?2", t, id);
	if (!(nb->del = db_prepare(nb->db, sql)))
		return -1;
	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO %s(%s, rank, neighbor_id, similarity, metric) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)", t, id);
	if (!(nb->ins = db_prepare(nb->db, sql)))
		return -1;
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s=?1", artists ? "artists_vector" : "songs", id);
	return (nb->has = db_prepare(nb->db, sql)) ? 0 : -1;
}

/* 1 when id is in songs (artists_vector), 0 when not, -1 on error */
static int
nb_known(Nb *nb, const char *id)
{
	return db_has_row(nb->db, nb->has, id, nb->table);
}

/* the header line "#knn [radio ]metric=M ..." (other '#' lines are skipped) */
static int
nb_header(Nb *nb, const char *s)
{
	const char *m = strstr(s, " metric=");
	size_t n;

	if (strncmp(s, "#knn ", 5))
		return 0;
	if (!strncmp(s, "#knn radio ", 11)) {
		weprintf("%s:%lu: a radio playlist, not neighbour lists", nb->name, nb->line);
		return -1;
	}
	if (!m || (n = strcspn(m + 8, " \t\n")) == 0 || n >= sizeof nb->metric) {
		weprintf("%s:%lu: no metric=NAME in the #knn header", nb->name, nb->line);
		return -1;
	}
	memcpy(nb->metric, m + 8, n);
	nb->metric[n] = 0;
	return 0;
}

/* split a line into exactly n tab-separated fields; -1 when the count differs */
static int
split(char *s, char **f, int n)
{
	int i = 0;

	s[strcspn(s, "\r\n")] = 0;
	for (f[i++] = s; (s = strchr(s, '\t')); f[i++] = ++s) {
		*s = 0;
		if (i == n)
			return -1;
	}
	return i == n ? 0 : -1;
}

/* a query's first row: it and its neighbour are known, its old rows go */
static int
nb_clear(Nb *nb, const char *q)
{
	int e;

	if ((e = nb_known(nb, q)) <= 0) {
		if (!e)
			weprintf("%s:%lu: %s '%s' is not in the database", nb->name, nb->line, nb->what, q);
		return -1;
	}
	free(nb->last);
	nb->last = estrdup(q);
	sqlite3_bind_text(nb->del, 1, q, -1, SQLITE_STATIC);
	sqlite3_bind_text(nb->del, 2, nb->metric, -1, SQLITE_STATIC);
	return db_step_done(nb->db, nb->del, nb->table);
}

/* one line query<TAB>rank<TAB>neighbor<TAB>score */
static int
nb_row(Nb *nb, char *s)
{
	char *f[4], *end;
	long rank;
	double sc;
	int e;

	if (split(s, f, 4)) {
		weprintf("%s:%lu: expected query<TAB>rank<TAB>neighbor<TAB>score (a knn(1) table)",
		    nb->name, nb->line);
		return -1;
	}
	errno = 0;
	rank = strtol(f[1], &end, 10);
	if (*end || end == f[1] || rank < 1 || errno) {
		weprintf("%s:%lu: rank '%s': expected an integer from 1", nb->name, nb->line, f[1]);
		return -1;
	}
	sc = strtod(f[3], &end);
	if (*end || end == f[3] || !isfinite(sc)) {
		weprintf("%s:%lu: score '%s': expected a finite number", nb->name, nb->line, f[3]);
		return -1;
	}
	if ((!nb->last || strcmp(nb->last, f[0])) && nb_clear(nb, f[0]))
		return -1;
	if ((e = nb_known(nb, f[2])) <= 0) {
		if (!e)
			weprintf("%s:%lu: neighbor '%s' is not in the database", nb->name, nb->line, f[2]);
		return -1;
	}
	sqlite3_bind_text(nb->ins, 1, f[0], -1, SQLITE_STATIC);
	sqlite3_bind_int64(nb->ins, 2, rank);
	sqlite3_bind_text(nb->ins, 3, f[2], -1, SQLITE_STATIC);
	sqlite3_bind_double(nb->ins, 4, sc);
	sqlite3_bind_text(nb->ins, 5, nb->metric, -1, SQLITE_STATIC);
	return db_step_done(nb->db, nb->ins, nb->table);
}

/* every line of fp in batches */
static int
nb_load(Nb *nb, FILE *fp, long batch)
{
	Batch b;
	char *s = NULL;
	size_t sz = 0;
	int rc = 0;

	if (batch_begin(&b, nb->db, nb->name, batch))
		return 1;
	while (getline(&s, &sz, fp) > 0) {
		nb->line++;
		if (*s == '#' ? nb_header(nb, s) : nb_row(nb, s) || batch_record(&b, nb->line)) {
			rc = batch_abort(&b);
			break;
		}
	}
	if (!rc && ferror(fp)) {
		weprintf("%s: read error:", nb->name);
		rc = batch_abort(&b);
	}
	if (!rc && batch_commit(&b))
		rc = batch_abort(&b);
	free(s);
	return rc;
}

static int
load_table(Db *db, const char *path, const LoadOpt *o, int artists)
{
	FILE *fp = util_open_in(path, "neighbours");
	Nb nb = { .db = db, .name = strcmp(path, "-") ? path : "<stdin>", .metric = "cosine" };
	int rc = 1;

	if (!fp) {
		weprintf("%s:", path);
		return 1;
	}
	if (!nb_prepare(&nb, artists))
		rc = nb_load(&nb, fp, o->batch);
	sqlite3_finalize(nb.del);
	sqlite3_finalize(nb.ins);
	sqlite3_finalize(nb.has);
	free(nb.last);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int
load_neighbors(Db *db, const char *path, LoadOpt *o)
{
	return load_table(db, path, o, 0);
}

int
load_artist_neighbors(Db *db, const char *path, LoadOpt *o)
{
	return load_table(db, path, o, 1);
}
