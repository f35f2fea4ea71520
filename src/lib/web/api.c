/* api.c — the explorer's JSON endpoints (see api.h).  No SQL is built from
 * request text: every value is a bound parameter, every statement a constant. */
#include "web/api.h"
#include "web/exdata.h"
#include "web/exdb.h"
#include "store/projections.h"
#include "core/json.h"
#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_VALUE 1024 /* bytes of a parameter value */

typedef struct Ctx {
	sqlite3 *h;
	const ApiReq *r;
	FILE *fp;         /* the answer, replaced by the error unless the status is 200 */
	ExTables t;
	char msg[512];    /* the error message otherwise */
} Ctx;

typedef struct Endpoint {
	const char *path;
	int (*fn)(Ctx *c);
	const char *params[5];
	const char *doc;
} Endpoint;

int
api_error(FILE *fp, int status, const char *msg)
{
	fputs("{\"error\":", fp);
	json_string(fp, msg);
	fprintf(fp, ",\"status\":%d}\n", status);
	return status;
}

/* keep a formatted error message for api_do; returns status */
static int __attribute__((format(printf, 3, 4)))
fail(Ctx *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	return status;
}

static int
db_error(Ctx *c)
{
	return fail(c, 500, "database: %s", sqlite3_errmsg(c->h));
}

/* the value of parameter name (the first of name and alias given), or NULL */
static const char *
arg(Ctx *c, const char *name, const char *alias)
{
	int i;

	for (i = 0; i < c->r->narg; i++)
		if (!strcmp(c->r->arg[i].key, name) || (alias && !strcmp(c->r->arg[i].key, alias)))
			return c->r->arg[i].val ? c->r->arg[i].val : "";
	return NULL;
}

/* 0 when r's parameters are allowed by e, each once; else the 400 written */
static int
check_params(Ctx *c, const Endpoint *e)
{
	int i, j, known;

	if (c->r->toomany)
		return fail(c, 400, "too many parameters (at most %d)", API_MAXARGS);
	for (i = 0; i < c->r->narg; i++) {
		const char *k = c->r->arg[i].key, *v = c->r->arg[i].val;

		for (known = 0, j = 0; e->params[j]; j++)
			known |= !strcmp(e->params[j], k);
		if (!known)
			return fail(c, 400, "unknown parameter '%.64s' for %s", k, e->path);
		for (j = 0; j < i; j++)
			if (!strcmp(c->r->arg[j].key, k))
				return fail(c, 400, "parameter '%.64s' given twice", k);
		if (v && strlen(v) > MAX_VALUE)
			return fail(c, 400, "parameter '%.64s' is longer than %d bytes", k, MAX_VALUE);
	}
	return 0;
}

/* the rows of st as [{column name: value, ...}, ...]; 0 or -1 (database error) */
static int
write_rows(Ctx *c, sqlite3_stmt *st)
{
	int rc, k, n = sqlite3_column_count(st), first = 1;

	fputc('[', c->fp);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs(first ? "{" : ",{", c->fp);
		first = 0;
		for (k = 0; k < n; k++) {
			fputs(k ? "," : "", c->fp);
			json_string(c->fp, sqlite3_column_name(st, k));
			fputc(':', c->fp);
			exdb_json(c->fp, st, k);
		}
		fputc('}', c->fp);
	}
	fputc(']', c->fp);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* prepare sql, bind the non-NULL texts a[0..n) as ?1.., write its rows as the
 * value of key (after a comma unless first); 0, or the status written */
static int
query_rows(Ctx *c, const char *key, const char *sql, const char *const *a, int n)
{
	sqlite3_stmt *st = exdb_prepare(c->h, sql, 1);
	int i, rc;

	if (!st)
		return db_error(c);
	for (i = 0; i < n; i++)
		if (a[i])
			sqlite3_bind_text(st, i + 1, a[i], -1, SQLITE_STATIC);
	fprintf(c->fp, "\"%s\":", key);
	rc = write_rows(c, st);
	sqlite3_finalize(st);
	return rc ? db_error(c) : 0;
}

/* 1 when the query (bound to the texts a[0..n)) has a row, 0 not, -1 error */
static int
exists(Ctx *c, const char *sql, const char *const *a, int n)
{
	sqlite3_stmt *st = exdb_prepare(c->h, sql, 1);
	int i, rc;

	if (!st)
		return -1;
	for (i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, a[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* the song named by parameter id: 0, or the 400/404 written */
static int
need_song(Ctx *c, const char **id)
{
	int e;

	if (!(*id = arg(c, "id", NULL)) || !**id)
		return fail(c, 400, "missing parameter 'id' (a song id)");
	if ((e = exists(c, "SELECT 1 FROM songs WHERE song_id = ?", id, 1)) < 0)
		return db_error(c);
	return e ? 0 : fail(c, 404, "no song '%.200s'", *id);
}

static int ep_index(Ctx *c);

/* the limit parameter: 0 and *n (-1: none), or the 400 written */
static int
limit_arg(Ctx *c, long long *n)
{
	const char *v = arg(c, "limit", NULL);
	char *end;

	*n = -1;
	if (!v)
		return 0;
	errno = 0;
	*n = strtoll(v, &end, 10);
	if (!*v || *end || errno || *n < 1 || *v == '+')
		return fail(c, 400, "limit: invalid value '%.16s' (a positive integer)", v);
	return 0;
}

static int
ep_songs(Ctx *c)
{
	const char *q = arg(c, "q", NULL);
	sqlite3_stmt *st;
	long long limit;
	int rc;

	if ((rc = limit_arg(c, &limit)))
		return rc;
	st = exdb_prepare(c->h, "SELECT song_id, song_name, artist_id, artist_name FROM songs "
	    "WHERE ?1 IS NULL OR instr(lower(song_id), lower(?1)) OR instr(lower(song_name), lower(?1)) "
	    "OR instr(lower(artist_name), lower(?1)) ORDER BY song_id LIMIT ?2", 1);
	if (!st)
		return db_error(c);
	if (q)
		sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit);
	fputs("{\"songs\":", c->fp);
	rc = write_rows(c, st);
	sqlite3_finalize(st);
	fputs("}\n", c->fp);
	return rc ? db_error(c) : 200;
}

static int
ep_song(Ctx *c)
{
	char name[AUDIO_NAME_MAX + 1];
	const char *id;
	int rc;

	if ((rc = need_song(c, &id)))
		return rc;
	fputc('{', c->fp);
	rc = query_rows(c, "song", "SELECT song_id, song_name, artist_id, artist_name FROM songs "
	    "WHERE song_id = ?", &id, 1);
	if (!rc && c->t.clusters) {
		fputc(',', c->fp);
		rc = query_rows(c, "clusters", "SELECT algorithm, kmeans_cluster_id, kmeans_distance, "
		    "gmm_cluster_id, gmm_probabilities, hier_level1_id, hier_level2_id, dbscan_cluster_id, "
		    "confidence FROM song_clusters WHERE song_id = ? ORDER BY algorithm", &id, 1);
	}
	if (!rc && c->t.labels) {
		fputc(',', c->fp);
		rc = query_rows(c, "labels", "SELECT label_set, label, split, predicted, probability "
		    "FROM song_labels WHERE song_id = ? ORDER BY label_set", &id, 1);
	}
	if (rc)
		return rc;
	fputs(",\"audio\":", c->fp);
	if (!c->r->audio)
		fputs("null", c->fp);
	else if (audiodir_find(c->r->audio, id, name))
		audiodir_json_url(c->fp, "/audio/", name);
	else
		fputs("\"\"", c->fp);
	fputs("}\n", c->fp);
	return 200;
}

static const char *const PROJECTION_SQL[3] = {
	"SELECT song_id, x FROM projections WHERE method = ?1 AND dims = ?2 ORDER BY song_id",
	"SELECT song_id, x, y FROM projections WHERE method = ?1 AND dims = ?2 ORDER BY song_id",
	"SELECT song_id, x, y, z FROM projections WHERE method = ?1 AND dims = ?2 ORDER BY song_id",
};

/* red/dataset of /embeddings and /taggrams: 0 when stored (or not given), else 400/404 */
static int
check_model(Ctx *c, const char *model, const char *dataset)
{
	const char *a[2] = { model, dataset };
	int e;

	if (!model && !dataset)
		return 0;
	if (!c->t.embeddings)
		return fail(c, 404, "no model outputs stored: run musicnn and dbload embeddings");
	if (model && (e = exists(c, "SELECT 1 FROM embeddings WHERE model = ?", a, 1)) <= 0)
		return e < 0 ? db_error(c) : fail(c, 400, "unknown model (red) '%.64s'", model);
	if (dataset && (e = exists(c, model ? "SELECT 1 FROM embeddings WHERE dataset = ?2 AND model = ?1"
	    : "SELECT 1 FROM embeddings WHERE dataset = ?1", model ? a : a + 1, model ? 2 : 1)) <= 0)
		return e < 0 ? db_error(c) : fail(c, 400, "unknown dataset '%.64s'", dataset);
	return 0;
}

static int
ep_projections(Ctx *c)
{
	const char *m = arg(c, "method", "metodo"), *ds = arg(c, "dims", "dimensiones"), *why;
	const char *a[2] = { m, ds };
	int e, rc;

	if (!m || !ds)
		return fail(c, 400, "missing parameter '%s' (method=pca|tsne|umap&dims=1..3)", m ? "dims" : "method");
	if ((why = projections_bad_method(m)))
		return fail(c, 400, "method: %s", why);
	if (strlen(ds) != 1 || ds[0] < '1' || ds[0] > '3')
		return fail(c, 400, "dims: invalid value '%.16s' (1, 2 or 3)", ds);
	if ((rc = check_model(c, arg(c, "red", NULL), arg(c, "dataset", NULL))))
		return rc;
	if (!c->t.projections)
		return fail(c, 404, "no maps stored: run map (or pca -k 2) and dbload projections");
	if ((e = exists(c, "SELECT 1 FROM projections WHERE method = ?", a, 1)) <= 0)
		return e < 0 ? db_error(c) : fail(c, 400, "unknown method '%s' (no such map stored)", m);
	if ((e = exists(c, "SELECT 1 FROM projections WHERE method = ?1 AND dims = ?2", a, 2)) <= 0)
		return e < 0 ? db_error(c) : fail(c, 404, "no %s-D %s map stored", ds, m);
	fputs("{\"method\":", c->fp);
	json_string(c->fp, m);
	fprintf(c->fp, ",\"dims\":%c,", ds[0]);
	rc = query_rows(c, "points", PROJECTION_SQL[ds[0] - '1'], a, 2);
	fputs("}\n", c->fp);
	return rc ? rc : 200;
}

/* the tag names of model/dataset as "tags":[...]; 0 or the status */
static int
write_tag_names(Ctx *c, const char *model, const char *dataset)
{
	sqlite3_stmt *st = exdb_prepare(c->h, "SELECT name FROM embedding_columns "
	    "WHERE model = ? AND dataset = ? ORDER BY idx", 1);
	int first = 1, rc;

	if (!st)
		return db_error(c);
	sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dataset, -1, SQLITE_STATIC);
	fputs("\"tags\":[", c->fp);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (exdata_is_tag(exdb_text(st, 0))) {
			fputs(first ? "" : ",", c->fp);
			first = 0;
			exdb_json(c->fp, st, 0);
		}
	fputs("],", c->fp);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(c);
}

/* one row's taggram BLOB as a JSON array of its float32 values */
static void
put_blob(FILE *fp, const void *blob, int nb)
{
	size_t n = blob && nb > 0 ? (size_t)nb / 4 : 0, cap = 0;
	float *v = ecalloc(n ? n : 1, sizeof *v);
	char *buf = NULL;

	if (n)
		memcpy(v, blob, n * 4);
	json_reserve(&buf, &cap, n);
	json_floats(buf, v, n);
	fputs(buf, fp);
	free(buf);
	free(v);
}

static int
ep_taggrams(Ctx *c)
{
	const char *model = arg(c, "red", "model"), *ds = arg(c, "dataset", NULL), *id = arg(c, "id", NULL);
	sqlite3_stmt *st;
	int rc, first = 1;

	model = model ? model : "musicnn";
	ds = ds ? ds : "msd";
	if ((rc = check_model(c, model, ds)) || (id && (rc = need_song(c, &id))))
		return rc;
	st = exdb_prepare(c->h, "SELECT song_id, taggram_shape, taggram_data FROM embeddings "
	    "WHERE model = ?1 AND dataset = ?2 AND (?3 IS NULL OR song_id = ?3) ORDER BY song_id", 1);
	if (!st)
		return db_error(c);
	fputs("{\"model\":", c->fp);
	json_string(c->fp, model);
	fputs(",\"dataset\":", c->fp);
	json_string(c->fp, ds);
	fputc(',', c->fp);
	if ((rc = write_tag_names(c, model, ds)))
		return sqlite3_finalize(st), rc;
	sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ds, -1, SQLITE_STATIC);
	if (id)
		sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	fputs("\"songs\":[", c->fp);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs(first ? "{\"song_id\":" : ",{\"song_id\":", c->fp);
		first = 0;
		exdb_json(c->fp, st, 0);
		fputs(",\"shape\":", c->fp);
		exdb_json(c->fp, st, 1);
		fputs(",\"taggram\":", c->fp);
		put_blob(c->fp, sqlite3_column_blob(st, 2), sqlite3_column_bytes(st, 2));
		fputc('}', c->fp);
	}
	fputs("]}\n", c->fp);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(c);
	return id && first ? fail(c, 404, "no taggram of song '%.200s'", id) : 200;
}

/* the columns of song_clusters each algorithm fills (dbload(1) clusters) */
static const char *const CLUSTER_SQL[][2] = {
	{ "kmeans", "SELECT song_id, kmeans_cluster_id AS cluster, kmeans_distance AS distance, "
	  "confidence FROM song_clusters WHERE algorithm = 'kmeans' ORDER BY song_id" },
	{ "gmm", "SELECT song_id, gmm_cluster_id AS cluster, gmm_probabilities AS probabilities, "
	  "confidence FROM song_clusters WHERE algorithm = 'gmm' ORDER BY song_id" },
	{ "hierarchical", "SELECT song_id, hier_level1_id AS level1, hier_level2_id AS level2, "
	  "confidence FROM song_clusters WHERE algorithm = 'hierarchical' ORDER BY song_id" },
	{ "dbscan", "SELECT song_id, dbscan_cluster_id AS cluster, confidence FROM song_clusters "
	  "WHERE algorithm = 'dbscan' ORDER BY song_id" },
};

static int
ep_clusters(Ctx *c)
{
	const char *a = arg(c, "algorithm", NULL);
	size_t i;
	int rc;

	if (!a)
		return fail(c, 400, "missing parameter 'algorithm' (kmeans, gmm, hierarchical, dbscan)");
	for (i = 0; i < sizeof CLUSTER_SQL / sizeof *CLUSTER_SQL; i++)
		if (!strcmp(a, CLUSTER_SQL[i][0]))
			break;
	if (i == sizeof CLUSTER_SQL / sizeof *CLUSTER_SQL)
		return fail(c, 400, "algorithm: invalid value '%.64s' (kmeans, gmm, hierarchical, dbscan)", a);
	if (!c->t.clusters)
		return fail(c, 404, "no clusters stored: run kmeans (gmm, hclust, dbscan) and dbload clusters");
	fprintf(c->fp, "{\"algorithm\":\"%s\",", CLUSTER_SQL[i][0]);
	rc = query_rows(c, "songs", CLUSTER_SQL[i][1], NULL, 0);
	fputs("}\n", c->fp);
	return rc ? rc : 200;
}

static int
ep_neighbors(Ctx *c)
{
	const char *id, *m = arg(c, "metric", NULL), *a[2];
	sqlite3_stmt *st;
	char metric[64];
	int rc;

	if ((rc = need_song(c, &id)))
		return rc;
	if (!c->t.neighbors)
		return fail(c, 404, "no neighbours stored: run knn and dbload neighbors");
	st = exdb_prepare(c->h, "SELECT metric FROM song_neighbors WHERE ?1 IS NULL OR metric = ?1 "
	    "GROUP BY metric ORDER BY metric <> 'cosine', metric LIMIT 1", 1);
	if (!st)
		return db_error(c);
	if (m)
		sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	snprintf(metric, sizeof metric, "%s", rc == SQLITE_ROW ? exdb_text(st, 0) : "");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc != SQLITE_DONE ? db_error(c) : m ? fail(c, 400, "metric: no neighbours stored "
		    "for '%.64s'", m) : fail(c, 404, "no neighbours stored: run knn and dbload neighbors");
	a[0] = id;
	a[1] = metric;
	fputs("{\"song_id\":", c->fp);
	json_string(c->fp, id);
	fputs(",\"metric\":", c->fp);
	json_string(c->fp, metric);
	fputc(',', c->fp);
	rc = query_rows(c, "neighbors", "SELECT n.rank, n.neighbor_id, s.song_name, s.artist_name, "
	    "n.similarity FROM song_neighbors n LEFT JOIN songs s ON s.song_id = n.neighbor_id "
	    "WHERE n.song_id = ?1 AND n.metric = ?2 ORDER BY n.rank", a, 2);
	fputs("}\n", c->fp);
	return rc ? rc : 200;
}

static int
ep_audios(Ctx *c)
{
	char name[AUDIO_NAME_MAX + 1];
	sqlite3_stmt *st;
	int rc, first = 1;

	if (!c->r->audio)
		return fail(c, 404, "no audio folder: start the server with -A DIR");
	if (!(st = exdb_prepare(c->h, "SELECT song_id FROM songs ORDER BY song_id", 1)))
		return db_error(c);
	fputs("{\"audios\":[", c->fp);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!audiodir_find(c->r->audio, exdb_text(st, 0), name))
			continue;
		fputs(first ? "{\"song_id\":" : ",{\"song_id\":", c->fp);
		first = 0;
		exdb_json(c->fp, st, 0);
		fputs(",\"file\":", c->fp);
		json_string(c->fp, name);
		fputs(",\"url\":", c->fp);
		audiodir_json_url(c->fp, "/audio/", name);
		fputc('}', c->fp);
	}
	fputs("]}\n", c->fp);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 200 : db_error(c);
}

static const Endpoint ENDPOINTS[] = {
	{ "/api", ep_index, { NULL }, "this list" },
	{ "/songs", ep_songs, { "q", "limit", NULL },
	  "songs by id; q: a substring of id, name or artist; limit: at most that many" },
	{ "/song", ep_song, { "id", NULL }, "one song with its clusters, labels and audio URL" },
	{ "/projections", ep_projections, { "method", "dims", NULL }, "a stored map" },
	{ "/embeddings", ep_projections, { "red", "dataset", "metodo", "dimensiones", NULL },
	  "a stored map, seed 004's names (red, dataset: a stored model output)" },
	{ "/taggrams", ep_taggrams, { "red", "model", "dataset", "id", NULL },
	  "tag names and taggrams (musicnn, msd by default)" },
	{ "/clusters", ep_clusters, { "algorithm", NULL }, "kmeans, gmm, hierarchical or dbscan" },
	{ "/neighbors", ep_neighbors, { "id", "metric", NULL }, "a song's stored neighbours" },
	{ "/audios", ep_audios, { NULL }, "songs with an audio file in the folder" },
};
#define NENDPOINTS (sizeof ENDPOINTS / sizeof *ENDPOINTS)

static int
ep_index(Ctx *c)
{
	size_t i;
	int j;

	fputs("{\"endpoints\":[", c->fp);
	for (i = 0; i < NENDPOINTS; i++) {
		fprintf(c->fp, "%s{\"path\":\"%s\",\"params\":[", i ? "," : "", ENDPOINTS[i].path);
		for (j = 0; ENDPOINTS[i].params[j]; j++)
			fprintf(c->fp, "%s\"%s\"", j ? "," : "", ENDPOINTS[i].params[j]);
		fputs("],\"doc\":", c->fp);
		json_string(c->fp, ENDPOINTS[i].doc);
		fputc('}', c->fp);
	}
	fputs("]}\n", c->fp);
	return 200;
}

int
api_do(sqlite3 *h, const ApiReq *r, FILE *fp)
{
	Ctx c = { .h = h, .r = r, .fp = fp };
	const Endpoint *e = NULL;
	size_t i;
	int status;

	for (i = 0; i < NENDPOINTS && !e; i++)
		if (!strcmp(r->path, ENDPOINTS[i].path))
			e = &ENDPOINTS[i];
	if (!e)
		return api_error(fp, 404, "no such endpoint (see /api)");
	if (!(status = check_params(&c, e))) {
		if (exdb_tables(h, &c.t, 1))
			status = fail(&c, 500, "not a songvec database (no table songs)");
		else
			status = e->fn(&c);
	}
	if (fflush(fp))
		status = fail(&c, 500, "cannot write the answer: %s", strerror(errno));
	if (status != 200) {
		rewind(fp);
		if (ftruncate(fileno(fp), 0))
			return 500;
		api_error(fp, status, c.msg);
	}
	return status;
}
