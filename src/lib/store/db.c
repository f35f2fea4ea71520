/* db.c — the songvec SQLite database: schema, loading, artist profiles, export. */
#include "store/db.h"
#include "store/dbint.h"
#include "core/json.h"
#include "core/util.h"
#include "core/vwriter.h"

#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Background checkpoints: after each commit a second connection, in its own thread,
 * copies the committed WAL frames into the database file while this connection goes
 * on with the next batch (the copy would otherwise stall the load). */
typedef struct Ckpt {
	sqlite3 *h;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pending, stop, started;
} Ckpt;

struct Db {
	Ckpt ck;
	sqlite3 *h;
	char *path;
	int intx;
	long dim;          /* dimension of the stored vectors; -1 unknown, 0 none yet */
	sqlite3_stmt *song, *pl, *plsong, *cl, *has, *col;
	char *json;
	size_t jsoncap;
	float *tmp;
	size_t tmpcap;
};

/* DESIGN §6 */
static const char SCHEMA_BASE[] =
    "CREATE TABLE IF NOT EXISTS songs_from_playlists (song_id TEXT PRIMARY KEY, artist_id TEXT,\n"
    "  song_name TEXT, artist_name TEXT);\n"
    "CREATE TABLE IF NOT EXISTS songs (song_id TEXT PRIMARY KEY, artist_id TEXT,\n"
    "  feature_vector TEXT /* JSON array */, song_name TEXT, artist_name TEXT,\n"
    "  feature_blob BLOB /* float32 little-endian, same values */);\n"
    "CREATE TABLE IF NOT EXISTS artists_vector (artist_id TEXT PRIMARY KEY,\n"
    "  feature_vector TEXT /* JSON array, mean of the artist's songs */, song_count INTEGER);\n"
    "CREATE TABLE IF NOT EXISTS song_clusters (song_id TEXT NOT NULL,\n"
    "  algorithm TEXT CHECK(algorithm IN ('kmeans','gmm','hierarchical','dbscan')),\n"
    "  kmeans_cluster_id INT, kmeans_distance REAL, gmm_cluster_id INT,\n"
    "  gmm_probabilities TEXT, hier_level1_id INT, hier_level2_id INT,\n"
    "  dbscan_cluster_id INT, confidence REAL,\n"
    "  created_at TEXT DEFAULT CURRENT_TIMESTAMP,\n"
    "  PRIMARY KEY (song_id, algorithm), FOREIGN KEY (song_id) REFERENCES songs(song_id));\n"
    "CREATE INDEX IF NOT EXISTS songs_artist_id ON songs(artist_id);\n"
    "CREATE TABLE IF NOT EXISTS songvec_columns (idx INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";

/* DESIGN §8: labels of songs, one row per label set (store/labels.c) */
static const char SCHEMA_LABELS[] =
    "CREATE TABLE IF NOT EXISTS song_labels (song_id TEXT NOT NULL, label_set TEXT NOT NULL,\n"
    "  label TEXT, split TEXT, predicted TEXT, probability REAL,\n"
    "  PRIMARY KEY (song_id, label_set));\n";
/* DESIGN §8, loaded by store/embeddings.c: a song's rows of a model's output as
 * float32 BLOBs with their shapes, plus mood_data/mood_shape and the stream's column
 * names */
static const char SCHEMA_EMBEDDINGS[] =
    "CREATE TABLE IF NOT EXISTS embeddings (song_id TEXT NOT NULL, model TEXT NOT NULL,\n"
    "  dataset TEXT NOT NULL, embedding_data BLOB, embedding_shape TEXT,\n"
    "  taggram_data BLOB, taggram_shape TEXT, created_at TEXT DEFAULT CURRENT_TIMESTAMP,\n"
    "  mood_data BLOB, mood_shape TEXT, PRIMARY KEY (song_id, model, dataset));\n"
    "CREATE TABLE IF NOT EXISTS embedding_columns (model TEXT NOT NULL,\n"
    "  dataset TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL,\n"
    "  PRIMARY KEY (model, dataset, idx));\n";
/* DESIGN §8: maps of the collection (map(1), pca(1)), loaded by projections.c */
static const char SCHEMA_PROJECTIONS[] =
    "CREATE TABLE IF NOT EXISTS projections (song_id TEXT NOT NULL, method TEXT NOT NULL,\n"
    "  dims INT NOT NULL, x REAL, y REAL, z REAL,\n"
    "  created_at TEXT DEFAULT CURRENT_TIMESTAMP,\n"
    "  PRIMARY KEY (song_id, method, dims), FOREIGN KEY (song_id) REFERENCES songs(song_id));\n";
/* DESIGN §8: knn(1)'s neighbour lists (store/neighbors.c), of songs and of artists */
static const char SCHEMA_NEIGHBORS[] =
    "CREATE TABLE IF NOT EXISTS song_neighbors (song_id TEXT NOT NULL, rank INT NOT NULL,\n"
    "  neighbor_id TEXT NOT NULL, similarity REAL, metric TEXT,\n"
    "  PRIMARY KEY (song_id, metric, rank));\n"
    "CREATE TABLE IF NOT EXISTS artist_neighbors (artist_id TEXT NOT NULL, rank INT NOT NULL,\n"
    "  neighbor_id TEXT NOT NULL, similarity REAL, metric TEXT,\n"
    "  PRIMARY KEY (artist_id, metric, rank));\n";

/* Each table of the second stage (DESIGN §8) gets its own string here, added by
 * the module that loads it, and a line in SCHEMAS. */
/* DESIGN §8; store/lyrics.c */
static const char SCHEMA_LYRICS[] =
    "CREATE TABLE IF NOT EXISTS lyrics (song_id TEXT PRIMARY KEY, source TEXT, text TEXT);\n";

/* dbload -r: clustering results of several runs (k's) side by side, song_clusters
 * keeping the latest; store/clusterruns.c */
static const char SCHEMA_CLUSTER_RUNS[] =
    "CREATE TABLE IF NOT EXISTS song_cluster_runs (song_id TEXT NOT NULL, run TEXT NOT NULL,\n"
    "  algorithm TEXT NOT NULL, k INT, cluster_id INT, distance REAL, probabilities TEXT,\n"
    "  level2_id INT, confidence REAL, assigned INT NOT NULL DEFAULT 0,\n"
    "  created_at TEXT DEFAULT CURRENT_TIMESTAMP,\n"
    "  PRIMARY KEY (song_id, run, algorithm), FOREIGN KEY (song_id) REFERENCES songs(song_id));\n"
    "CREATE INDEX IF NOT EXISTS song_cluster_runs_run ON song_cluster_runs(run, algorithm);\n";

static const char *const SCHEMAS[] = {
	SCHEMA_BASE,
	SCHEMA_LABELS,
	SCHEMA_EMBEDDINGS,
	SCHEMA_LYRICS,
	SCHEMA_PROJECTIONS,
	SCHEMA_NEIGHBORS,
	SCHEMA_CLUSTER_RUNS,
};

int
db_fail(Db *db, const char *what)
{
	weprintf("%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
	return -1;
}

int
db_exec(Db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		weprintf("%s: %s", db->path, msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
db_prepare(Db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_fail(db, "prepare");
		return NULL;
	}
	return st;
}

sqlite3 *
db_sqlite(Db *db)
{
	return db->h;
}

const char *
db_path(const Db *db)
{
	return db->path;
}

/* 1 if the table has a column of that name, 0 if not, -1 after a message */
static int
has_column(Db *db, const char *table, const char *name)
{
	sqlite3_stmt *st;
	char sql[128];
	int found = 0;

	snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "schema");
	while (sqlite3_step(st) == SQLITE_ROW)
		if (!strcmp((const char *)sqlite3_column_text(st, 1), name))
			found = 1;
	sqlite3_finalize(st);
	return found;
}

/* a fingerprint of SCHEMAS (FNV-1a, 31 bits), kept in PRAGMA user_version by
 * create_schema: a database that has it needs no write transaction to open, so a
 * reader (dbload export upstream of a dbload that holds the write lock) never
 * waits for a writer.  This function can't fail. */
static int
schema_fingerprint(void)
{
	unsigned long h = 2166136261UL;
	const char *c;
	size_t i;

	for (i = 0; i < sizeof SCHEMAS / sizeof *SCHEMAS; i++)
		for (c = SCHEMAS[i]; *c; c++)
			h = ((h ^ (unsigned char)*c) * 16777619UL) & 0xffffffffUL;
	return (int)(h & 0x7fffffff) | 1;
}

/* 1 when the database's user_version is the schema's fingerprint, 0 when not, -1
 * after a message */
static int
schema_current(Db *db)
{
	sqlite3_stmt *q = db_prepare(db, "PRAGMA user_version");
	int v = -1;

	if (!q)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	else
		db_fail(db, "PRAGMA user_version");
	sqlite3_finalize(q);
	return v < 0 ? -1 : v == schema_fingerprint();
}

/* every table of SCHEMAS, the columns added since, the fingerprint; in one write
 * transaction; 0, or -1 after a message (rolled back) */
static int
create_schema(Db *db)
{
	char pragma[64];
	size_t i;
	int e;

	if (db_exec(db, "BEGIN IMMEDIATE"))
		return -1;
	for (i = 0; i < sizeof SCHEMAS / sizeof *SCHEMAS; i++)
		if (db_exec(db, SCHEMAS[i]))
			goto fail;
	if ((e = has_column(db, "songs", "feature_blob")) < 0)
		goto fail;
	if (!e && db_exec(db, "ALTER TABLE songs ADD COLUMN feature_blob BLOB"))
		goto fail;
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", schema_fingerprint());
	if (db_exec(db, pragma) || db_exec(db, "COMMIT"))
		goto fail;
	return 0;
fail:
	db_exec(db, "ROLLBACK");
	return -1;
}

static int
init_schema(Db *db, int timeout_ms)
{
	char *msg = NULL;
	int rc, waited = 0, e;

	/* journal_mode=WAL needs a moment alone with the file when it changes it */
	for (;;) {
		rc = sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, &msg);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_free(msg);
		msg = NULL;
		if (waited >= timeout_ms)
			break;
		sqlite3_sleep(20);
		waited += 20;
	}
	if (rc != SQLITE_OK) {
		weprintf("%s: %s", db->path, msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	if (db_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;"))
		return -1;
	if ((e = schema_current(db)) < 0)
		return -1;
	if (!e && create_schema(db))
		return -1;
	/* artists whose songs change in this transaction, for update_artists(); (the
	 * upsert's conflict clause would override an OR IGNORE here, hence NOT EXISTS) */
	return db_exec(db, "CREATE TEMP TABLE touched (artist_id TEXT PRIMARY KEY);\n"
	    "CREATE TEMP TRIGGER touched_ins AFTER INSERT ON songs WHEN NEW.artist_id IS NOT NULL\n"
	    "BEGIN INSERT INTO touched SELECT NEW.artist_id WHERE NOT EXISTS\n"
	    "  (SELECT 1 FROM touched WHERE artist_id = NEW.artist_id); END;\n"
	    "CREATE TEMP TRIGGER touched_upd AFTER UPDATE OF artist_id, feature_vector, feature_blob ON songs\n"
	    "BEGIN INSERT INTO touched SELECT OLD.artist_id WHERE OLD.artist_id IS NOT NULL AND\n"
	    "  NOT EXISTS (SELECT 1 FROM touched WHERE artist_id = OLD.artist_id);\n"
	    "INSERT INTO touched SELECT NEW.artist_id WHERE NEW.artist_id IS NOT NULL AND\n"
	    "  NOT EXISTS (SELECT 1 FROM touched WHERE artist_id = NEW.artist_id); END;\n"
	    "CREATE TEMP TRIGGER touched_del AFTER DELETE ON songs WHEN OLD.artist_id IS NOT NULL\n"
	    "BEGIN INSERT INTO touched SELECT OLD.artist_id WHERE NOT EXISTS\n"
	    "  (SELECT 1 FROM touched WHERE artist_id = OLD.artist_id); END;");
}

/* The last connection to close a WAL database normally takes the EXCLUSIVE lock
 * to checkpoint and delete the log: a reader opening at that moment without a
 * busy timeout (the sqlite3 shell) fails with "database is locked" (28 % of the
 * reads of a shell polling while one dbload per song loads, 0.8 % with this).
 * Our connections never do: the checkpoint thread and del_db's PASSIVE
 * checkpoint copy the log instead, which readers never wait for.  Cannot fail. */
static void
no_ckpt_on_close(sqlite3 *h)
{
	sqlite3_db_config(h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
}

Db *
new_db(const char *path, int timeout_ms)
{
	Db *db = ecalloc(1, sizeof *db);

	db->path = estrdup(path);
	/* one connection used by one thread: no memory statistics, no connection mutex
	 * (the config call fails harmlessly once SQLite is initialised) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		weprintf("%s: cannot open database: %s", path, db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, timeout_ms);
	no_ckpt_on_close(db->h);
	if (init_schema(db, timeout_ms))
		goto fail;
	db->song = db_prepare(db, "INSERT INTO songs(song_id, artist_id, feature_vector, song_name, "
	    "artist_name, feature_blob) "
	    "SELECT ?1, p.artist_id, ?2, p.song_name, p.artist_name, ?3 "
	    "FROM (SELECT 1) LEFT JOIN songs_from_playlists p ON p.song_id=?1 WHERE true "
	    "ON CONFLICT(song_id) DO UPDATE SET artist_id=excluded.artist_id, "
	    "feature_vector=excluded.feature_vector, song_name=excluded.song_name, "
	    "artist_name=excluded.artist_name, feature_blob=excluded.feature_blob");
	db->pl = db_prepare(db, "INSERT INTO songs_from_playlists(song_id, artist_id, song_name, artist_name) "
	    "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(song_id) DO UPDATE SET artist_id=excluded.artist_id, "
	    "song_name=excluded.song_name, artist_name=excluded.artist_name");
	db->plsong = db_prepare(db, "UPDATE songs SET artist_id=?2, song_name=?3, artist_name=?4 "
	    "WHERE song_id=?1");
	db->cl = db_prepare(db, "INSERT INTO song_clusters(song_id, algorithm, kmeans_cluster_id, "
	    "kmeans_distance, gmm_cluster_id, gmm_probabilities, hier_level1_id, hier_level2_id, "
	    "dbscan_cluster_id, confidence, created_at) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CURRENT_TIMESTAMP) "
	    "ON CONFLICT(song_id, algorithm) DO UPDATE SET "
	    "kmeans_cluster_id=excluded.kmeans_cluster_id, kmeans_distance=excluded.kmeans_distance, "
	    "gmm_cluster_id=excluded.gmm_cluster_id, gmm_probabilities=excluded.gmm_probabilities, "
	    "hier_level1_id=excluded.hier_level1_id, hier_level2_id=excluded.hier_level2_id, "
	    "dbscan_cluster_id=excluded.dbscan_cluster_id, confidence=excluded.confidence, "
	    "created_at=excluded.created_at");
	db->has = db_prepare(db, "SELECT 1 FROM songs WHERE song_id=?1");
	db->col = db_prepare(db, "INSERT OR REPLACE INTO songvec_columns(idx, name) VALUES(?1, ?2)");
	if (!db->song || !db->pl || !db->plsong || !db->cl || !db->has || !db->col)
		goto fail;
	db->dim = -1;
	return db;
fail:
	del_db(db);
	return NULL;
}

static void *
ckpt_main(void *arg)
{
	Ckpt *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->pending && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (!c->pending)
			break;
		c->pending = 0;
		pthread_mutex_unlock(&c->mu);
		/* PASSIVE: copies what it can, never waits; errors only mean "later" */
		sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* a batch was committed: let the checkpoint thread copy it */
static void
ckpt_kick(Db *db)
{
	Ckpt *c = &db->ck;

	if (!c->started) {
		if (sqlite3_open_v2(db->path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
		    NULL) != SQLITE_OK) {
			sqlite3_close(c->h); /* no background copy: this connection checkpoints */
			c->h = NULL;
			c->started = -1;
			return;
		}
		no_ckpt_on_close(c->h);
		pthread_mutex_init(&c->mu, NULL);
		pthread_cond_init(&c->cv, NULL);
		if (pthread_create(&c->th, NULL, ckpt_main, c)) {
			sqlite3_close(c->h);
			c->h = NULL;
			c->started = -1;
			return;
		}
		c->started = 1;
		sqlite3_exec(db->h, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
	}
	if (c->started < 0)
		return;
	pthread_mutex_lock(&c->mu);
	c->pending = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void
ckpt_stop(Ckpt *c)
{
	if (c->started <= 0)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	sqlite3_close(c->h);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	c->started = 0;
}

void
del_db(Db *db)
{
	if (!db)
		return;
	ckpt_stop(&db->ck);
	/* what the log still holds goes to the database file, without the EXCLUSIVE
	 * lock of a checkpoint on close (see no_ckpt_on_close) */
	if (db->h)
		sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	sqlite3_finalize(db->song);
	sqlite3_finalize(db->pl);
	sqlite3_finalize(db->plsong);
	sqlite3_finalize(db->cl);
	sqlite3_finalize(db->has);
	sqlite3_finalize(db->col);
	if (db->h && sqlite3_close(db->h) != SQLITE_OK)
		weprintf("%s: close: %s", db->path, sqlite3_errmsg(db->h));
	free(db->path);
	free(db->json);
	free(db->tmp);
	free(db);
}

int
db_begin(Db *db)
{
	if (db_exec(db, "BEGIN IMMEDIATE"))
		return -1;
	db->intx = 1;
	db->dim = -1; /* another writer may have stored the first vectors meanwhile */
	return 0;
}

void
db_rollback(Db *db)
{
	if (db->intx)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(db->h, "DELETE FROM temp.touched", NULL, NULL, NULL);
	db->intx = 0;
}

int
db_step_done(Db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, what);
	return 0;
}

/* a stored vector: the blob when present, else the JSON text; NULL if neither parses */
static const float *
row_vector(Db *db, sqlite3_stmt *st, int blobcol, int jsoncol, size_t *n)
{
	const void *b = blobcol >= 0 ? sqlite3_column_blob(st, blobcol) : NULL;
	int bl = blobcol >= 0 ? sqlite3_column_bytes(st, blobcol) : 0;
	const char *j;
	size_t i;

	if (b && bl % 4 == 0) {
		*n = bl / 4;
		if (*n > db->tmpcap) {
			db->tmpcap = *n;
			db->tmp = ereallocarray(db->tmp, *n, sizeof(float));
		}
		memcpy(db->tmp, b, bl);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		for (i = 0; i < *n; i++) {
			uint32_t u;
			memcpy(&u, db->tmp + i, 4);
			u = __builtin_bswap32(u);
			memcpy(db->tmp + i, &u, 4);
		}
#endif
		(void)i;
		return db->tmp;
	}
	j = (const char *)sqlite3_column_text(st, jsoncol);
	if (!j || json_parse_floats(j, &db->tmp, n, &db->tmpcap))
		return NULL;
	return db->tmp;
}

/* The artists touched in this transaction: *list (malloc'd ids, *nl of them; NULL
 * when none); 0, or -1 after a message. */
static int
touched_artists(Db *db, char ***list, size_t *nl)
{
	sqlite3_stmt *ids;
	size_t cap = 0;

	*list = NULL;
	*nl = 0;
	if (!(ids = db_prepare(db, "SELECT artist_id FROM temp.touched")))
		return -1;
	while (sqlite3_step(ids) == SQLITE_ROW) {
		if (*nl == cap) {
			cap = cap ? 2 * cap : 64;
			*list = ereallocarray(*list, cap, sizeof **list);
		}
		(*list)[(*nl)++] = estrdup((const char *)sqlite3_column_text(ids, 0));
	}
	sqlite3_finalize(ids);
	return 0;
}

/* The per-column sums and counts of the finite values of one artist's songs
 * (sel bound to the artist): a->sum, a->cnt over a->dim columns; the number of
 * songs, or -1 after a message (a vector that does not parse, dimensions that
 * differ). */
typedef struct ArtistSum {
	size_t dim;
	double *sum;
	long *cnt;
} ArtistSum;

static long
artist_sum(Db *db, sqlite3_stmt *sel, const char *artist, ArtistSum *a)
{
	const float *v;
	long count = 0;
	size_t j, n;

	while (sqlite3_step(sel) == SQLITE_ROW) {
		if (!(v = row_vector(db, sel, 1, 2, &n))) {
			weprintf("%s: song '%s': feature_vector is not a JSON array of numbers",
			    db->path, sqlite3_column_text(sel, 0));
			return -1;
		}
		if (count == 0) {
			a->dim = n;
			a->sum = ereallocarray(a->sum, n, sizeof *a->sum);
			a->cnt = ereallocarray(a->cnt, n, sizeof *a->cnt);
			memset(a->sum, 0, n * sizeof *a->sum);
			memset(a->cnt, 0, n * sizeof *a->cnt);
		} else if (n != a->dim) {
			weprintf("%s: artist '%s': songs with %zu and %zu values", db->path, artist,
			    a->dim, n);
			return -1;
		}
		for (j = 0; j < n; j++)
			if (isfinite(v[j])) {
				a->sum[j] += v[j];
				a->cnt[j]++;
			}
		count++;
	}
	return count;
}

/* The artist's mean vector (of count songs) into artists_vector; 0, or -1 after a
 * message.  mean: a->dim floats of scratch. */
static int
put_artist(Db *db, sqlite3_stmt *put, const char *artist, const ArtistSum *a, long count,
    float *mean)
{
	size_t j;

	for (j = 0; j < a->dim; j++)
		mean[j] = a->cnt[j] ? (float)(a->sum[j] / a->cnt[j]) : NAN;
	json_reserve(&db->json, &db->jsoncap, a->dim);
	json_floats(db->json, mean, a->dim);
	sqlite3_bind_text(put, 1, artist, -1, SQLITE_STATIC);
	sqlite3_bind_text(put, 2, db->json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(put, 3, count);
	return db_step_done(db, put, "artists_vector");
}

/* artist profiles for every artist touched in this transaction: the mean of their
 * songs when they have DB_ARTIST_MIN or more, else none; 0, or -1 after a message */
static int
update_artists(Db *db)
{
	sqlite3_stmt *sel = NULL, *put = NULL, *del = NULL;
	ArtistSum a = { 0, NULL, NULL };
	size_t nl, i;
	char **list;
	float *mean = NULL;
	long count;
	int rc = -1;

	if (touched_artists(db, &list, &nl))
		return -1;
	if (!nl)
		return 0;
	sel = db_prepare(db, "SELECT song_id, feature_blob, feature_vector FROM songs WHERE artist_id=?1");
	put = db_prepare(db, "INSERT INTO artists_vector(artist_id, feature_vector, song_count) "
	    "VALUES(?1, ?2, ?3) ON CONFLICT(artist_id) DO UPDATE SET "
	    "feature_vector=excluded.feature_vector, song_count=excluded.song_count");
	del = db_prepare(db, "DELETE FROM artists_vector WHERE artist_id=?1");
	if (!sel || !put || !del)
		goto out;
	for (i = 0; i < nl; i++) {
		sqlite3_bind_text(sel, 1, list[i], -1, SQLITE_STATIC);
		count = artist_sum(db, sel, list[i], &a);
		sqlite3_reset(sel);
		if (count < 0)
			goto out;
		if (count >= DB_ARTIST_MIN) {
			mean = ereallocarray(mean, a.dim, sizeof *mean);
			if (put_artist(db, put, list[i], &a, count, mean))
				goto out;
		} else {
			sqlite3_bind_text(del, 1, list[i], -1, SQLITE_STATIC);
			if (db_step_done(db, del, "artists_vector"))
				goto out;
		}
	}
	rc = db_exec(db, "DELETE FROM temp.touched");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	for (i = 0; i < nl; i++)
		free(list[i]);
	free(list);
	free(a.sum);
	free(a.cnt);
	free(mean);
	return rc;
}

int
db_commit(Db *db)
{
	if (update_artists(db))
		return -1;
	if (db_exec(db, "COMMIT"))
		return -1;
	db->intx = 0;
	ckpt_kick(db);
	return 0;
}

int
db_put_playlist(Db *db, const Song *s)
{
	sqlite3_stmt *st[2] = { db->pl, db->plsong };
	int i;

	for (i = 0; i < 2; i++) {
		sqlite3_bind_text(st[i], 1, s->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[i], 2, s->artist_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[i], 3, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st[i], 4, s->artist, -1, SQLITE_STATIC);
		if (db_step_done(db, st[i], i ? "songs" : "songs_from_playlists"))
			return -1;
	}
	return 0;
}

static long
stored_dim(Db *db)
{
	sqlite3_stmt *st;
	long d = 0;

	st = db_prepare(db, "SELECT coalesce(length(feature_blob)/4, json_array_length(feature_vector)) "
	    "FROM songs LIMIT 1");
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		d = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return d;
}

int
db_put_song(Db *db, const char *id, const float *v, size_t n, const char *json, size_t jlen,
    size_t *dim_out)
{
	if (db->dim < 0 && (db->dim = stored_dim(db)) < 0)
		return -1;
	if (db->dim > 0 && (size_t)db->dim != n) {
		*dim_out = db->dim;
		return 1;
	}
	db->dim = n;
	if (!json) {
		json_reserve(&db->json, &db->jsoncap, n);
		jlen = json_floats(db->json, v, n);
		json = db->json;
	}
	sqlite3_bind_text(db->song, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->song, 2, json, jlen, SQLITE_STATIC);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "feature_blob is little-endian: add a byte swap here"
#endif
	sqlite3_bind_blob(db->song, 3, v, n * sizeof(float), SQLITE_STATIC);
	return db_step_done(db, db->song, "songs");
}

int
db_put_columns(Db *db, unsigned n, char *const *names)
{
	unsigned i;

	if (db_exec(db, "DELETE FROM songvec_columns"))
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(db->col, 1, i);
		sqlite3_bind_text(db->col, 2, names[i], -1, SQLITE_STATIC);
		if (db_step_done(db, db->col, "songvec_columns"))
			return -1;
	}
	return 0;
}

int
db_has_row(Db *db, sqlite3_stmt *st, const char *id, const char *what)
{
	int rc;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, what);
	return rc == SQLITE_ROW;
}

int
db_has_song(Db *db, const char *id)
{
	return db_has_row(db, db->has, id, "songs");
}

static int
is_int(float f)
{
	return isfinite(f) && f == floorf(f) && fabsf(f) < 2e9f;
}

/* Bind the algorithm's columns of song_clusters (parameters 3..10) from v[0..n);
 * 0, or 2 with *why when the record does not fit the algorithm. */
static int
bind_cluster(Db *db, sqlite3_stmt *st, const char *alg, const float *v, size_t n,
    const char **why)
{
	size_t k;
	float best;

	if (!strcmp(alg, "kmeans")) {
		if (n < 2 || n > 3)
			return *why = "kmeans records need cluster, distance[, confidence]", 2;
		sqlite3_bind_int64(st, 3, (long)v[0]);
		sqlite3_bind_double(st, 4, v[1]);
		if (n == 3)
			sqlite3_bind_double(st, 10, v[2]);
	} else if (!strcmp(alg, "gmm")) {
		sqlite3_bind_int64(st, 5, (long)v[0]);
		if (n > 1) {
			json_reserve(&db->json, &db->jsoncap, n);
			json_floats(db->json, v + 1, n - 1);
			sqlite3_bind_text(st, 6, db->json, -1, SQLITE_STATIC);
			for (best = v[1], k = 2; k < n; k++)
				best = v[k] > best ? v[k] : best;
			sqlite3_bind_double(st, 10, best);
		}
	} else if (!strcmp(alg, "hierarchical")) {
		if (n > 2 || (n == 2 && !is_int(v[1])))
			return *why = "hierarchical records need level1[, level2] (integers)", 2;
		sqlite3_bind_int64(st, 7, (long)v[0]);
		if (n == 2)
			sqlite3_bind_int64(st, 8, (long)v[1]);
	} else if (!strcmp(alg, "dbscan")) {
		if (n > 2)
			return *why = "dbscan records need cluster[, confidence]", 2;
		sqlite3_bind_int64(st, 9, (long)v[0]);
		if (n == 2)
			sqlite3_bind_double(st, 10, v[1]);
	} else {
		return *why = "unknown algorithm", 2;
	}
	return 0;
}

int
db_put_cluster(Db *db, const char *id, const char *alg, const float *v, size_t n, const char **why)
{
	sqlite3_stmt *st = db->cl;
	int rc, i;
	size_t k;

	if ((rc = db_has_song(db, id)) < 0)
		return -1;
	if (!rc)
		return 1;
	if (n < 1 || !is_int(v[0])) {
		*why = "the first value (cluster id) must be an integer";
		return 2;
	}
	for (k = 1; k < n; k++)
		if (!isfinite(v[k])) {
			*why = "values must be finite";
			return 2;
		}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, alg, -1, SQLITE_STATIC);
	for (i = 3; i <= 10; i++)
		sqlite3_bind_null(st, i);
	if (bind_cluster(db, st, alg, v, n, why)) {
		sqlite3_clear_bindings(st);
		return 2;
	}
	return db_step_done(db, st, "song_clusters");
}

static void
put_field(FILE *fp, const unsigned char *s)
{
	for (; s && *s; s++)
		putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

int
db_todo(Db *db, FILE *out, const char *outname)
{
	sqlite3_stmt *st;
	int rc, i;

	st = db_prepare(db, "SELECT p.song_id, p.song_name, p.artist_name, p.artist_id "
	    "FROM songs_from_playlists p "
	    "WHERE NOT EXISTS (SELECT 1 FROM songs s WHERE s.song_id=p.song_id) ORDER BY p.rowid");
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 4; i++) {
			if (i)
				putc('\t', out);
			put_field(out, sqlite3_column_text(st, i));
		}
		if (putc('\n', out) == EOF)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, "todo");
	return fshut(out, outname);
}

/* column names stored for dimension dim, or NULL */
static char **
load_columns(Db *db, size_t dim, unsigned *ncols)
{
	sqlite3_stmt *st;
	char **c = NULL;
	size_t n = 0;

	*ncols = 0;
	if (!(st = db_prepare(db, "SELECT name FROM songvec_columns ORDER BY idx")))
		return NULL;
	c = ecalloc(dim ? dim : 1, sizeof *c);
	while (sqlite3_step(st) == SQLITE_ROW && n < dim + 1) {
		if (n < dim)
			c[n] = estrdup((const char *)sqlite3_column_text(st, 0));
		n++;
	}
	sqlite3_finalize(st);
	if (n == dim && dim) {
		*ncols = dim;
		return c;
	}
	while (n-- > 0)
		if (n < dim)
			free(c[n]);
	free(c);
	return NULL;
}

/* The first row's dimension and stored column names to the sink; 0, or the
 * sink's -1. */
static int
export_header(Db *db, const DbSink *s, size_t dim)
{
	unsigned ncols, i;
	char **cols = load_columns(db, dim, &ncols);
	int rc = s->header(s->ctx, dim, ncols, cols);

	for (i = 0; i < ncols; i++)
		free(cols[i]);
	free(cols);
	return rc;
}

int
db_export_rows(Db *db, int artists, const DbSink *s)
{
	sqlite3_stmt *st;
	DbRow row;
	size_t dim = 0;
	int rc, first = 1, ret = -1;

	/* one read transaction: a consistent snapshot while writers go on */
	if (db_exec(db, "BEGIN"))
		return -1;
	st = db_prepare(db, artists
	    ? "SELECT artist_id, NULL, feature_vector, artist_id, NULL, NULL FROM artists_vector "
	      "ORDER BY artist_id"
	    : "SELECT song_id, feature_blob, feature_vector, artist_id, song_name, artist_name "
	      "FROM songs ORDER BY song_id");
	if (!st)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.id = (const char *)sqlite3_column_text(st, 0);
		row.artist_id = (const char *)sqlite3_column_text(st, 3);
		row.song_name = (const char *)sqlite3_column_text(st, 4);
		row.artist_name = (const char *)sqlite3_column_text(st, 5);
		if (!(row.v = row_vector(db, st, artists ? -1 : 1, 2, &row.n))) {
			weprintf("%s: %s '%s': feature_vector is not a JSON array of numbers", db->path,
			    artists ? "artist" : "song", row.id);
			goto out;
		}
		if (first && export_header(db, s, dim = row.n))
			goto out;
		if (!first && row.n != dim) {
			weprintf("%s: %s '%s': %zu values, the first row has %zu", db->path,
			    artists ? "artist" : "song", row.id, row.n, dim);
			goto out;
		}
		first = 0;
		if (s->row(s->ctx, &row))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "export");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	return ret;
}

/* the stream sink of db_export: the header and the records through a VWriter */
static int
vw_header(void *ctx, size_t dim, unsigned ncols, char *const *cols)
{
	return vwriter_header(ctx, dim, 0, ncols, cols);
}

static int
vw_row(void *ctx, const DbRow *r)
{
	return vwriter_write(ctx, r->id, r->v, r->n);
}

int
db_export(Db *db, int artists, VWriter *w)
{
	DbSink s = { vw_header, vw_row, w };

	return db_export_rows(db, artists, &s);
}
