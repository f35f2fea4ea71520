/* exdata.c — the explorer's document from the database (see exdata.h).
 *
 * Every per-song array is written by walking a query ordered by song_id alongside
 * the sorted song ids (a merge, no look-up tables), so memory stays bounded by
 * one song's rows whatever the collection's size. */
#include "web/exdata.h"
#include "web/exdb.h"
#include "web/expca.h"
#include "core/json.h"
#include "core/util.h"
#include "core/vreader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_FEATURES "duration_sec,global_bpm,spectral_centroid_mean,rms_mean,loudness_mean"
#define TAG_SCALE 1000 /* tag activations are written as integers 0..TAG_SCALE */

typedef struct Doc {
	sqlite3 *h;
	FILE *fp;
	const ExOpt *o;
	ExTables t;
	size_t n, total;   /* songs in the document, in the database */
	char **id;       /* the song ids, sorted */
	size_t nfeat;
	long *feat;      /* column index of each chosen feature */
	char **featname;
} Doc;

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A query ordered by song_id (column 0), walked alongside the song ids. */
typedef struct Walk {
	sqlite3_stmt *st;
	int rc;
} Walk;

static void
walk_begin(Walk *w, sqlite3_stmt *st)
{
	sqlite3_reset(st);
	w->st = st;
	w->rc = sqlite3_step(st);
}

static void
walk_step(Walk *w)
{
	w->rc = sqlite3_step(w->st);
}

/* 1 when the current row is song id's (rows of smaller ids are skipped) */
static int
walk_at(Walk *w, const char *id)
{
	int c = 1;

	while (w->rc == SQLITE_ROW && (c = strcmp(exdb_text(w->st, 0), id)) < 0)
		w->rc = sqlite3_step(w->st);
	return w->rc == SQLITE_ROW && c == 0;
}

/* 0 when the walk ended cleanly, else -1 after a message */
static int
walk_end(Doc *d, Walk *w)
{
	while (w->rc == SQLITE_ROW)
		w->rc = sqlite3_step(w->st);
	if (w->rc == SQLITE_DONE)
		return 0;
	if (!d->o->quiet)
		weprintf("%s: %s", sqlite3_db_filename(d->h, "main"), sqlite3_errmsg(d->h));
	return -1;
}

static void
put_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.7g", v);
	else
		fputs("null", fp);
}

/* Write [x0,x1,...] with one entry per song: put() when the walk is at the song's
 * rows (put consumes them), none otherwise; then end the walk.  0 or -1. */
typedef void (*PutRows)(Doc *d, Walk *w, const char *id, const void *arg);

static int
walk_songs(Doc *d, sqlite3_stmt *st, PutRows put, const void *arg, const char *none)
{
	Walk w;
	size_t i;

	walk_begin(&w, st);
	fputc('[', d->fp);
	for (i = 0; i < d->n; i++) {
		if (i)
			fputc(',', d->fp);
		if (walk_at(&w, d->id[i]))
			put(d, &w, d->id[i], arg);
		else
			fputs(none, d->fp);
	}
	fputc(']', d->fp);
	return walk_end(d, &w);
}

/* one song's value: column *(const int *)arg of its row */
static void
put_column(Doc *d, Walk *w, const char *id, const void *arg)
{
	exdb_json(d->fp, w->st, *(const int *)arg);
	walk_step(w);
}

/* [column col of each song's row, or null]; 0 or -1 after a message */
static int
column_array(Doc *d, sqlite3_stmt *st, int col)
{
	return walk_songs(d, st, put_column, &col, "null");
}

unsigned long long
exdata_sample_key(const char *id)
{
	unsigned long long x = 0xcbf29ce484222325ULL;

	for (; *id; id++)
		x = (x ^ (unsigned char)*id) * 0x100000001b3ULL;
	return x;
}

/* SQL songvec_sample_key(id): exdata_sample_key as a signed integer of the same order */
static void
sql_sample_key(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const unsigned char *id = sqlite3_value_text(argv[0]);
	unsigned long long x = exdata_sample_key(id ? (const char *)id : "");

	sqlite3_result_int64(cx, (sqlite3_int64)(x ^ 0x8000000000000000ULL));
}

/* the number of songs into d->total; 0 or -1 after a message */
static int
count_songs(Doc *d)
{
	sqlite3_stmt *st = exdb_prepare(d->h, "SELECT count(*) FROM songs", d->o->quiet);
	int rc;

	if (!st)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		d->total = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (!d->o->quiet)
		weprintf("%s: %s", sqlite3_db_filename(d->h, "main"), sqlite3_errmsg(d->h));
	return -1;
}

/* the song ids into d, sorted: all, or the sample of d->o->max (exdata.h); 0 or -1
 * after a message */
static int
load_ids(Doc *d)
{
	size_t cap = 0, max = d->o->max;
	sqlite3_stmt *st;
	int rc;

	if (count_songs(d))
		return -1;
	if (max && d->total > max) {
		sqlite3_create_function(d->h, "songvec_sample_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
		    NULL, sql_sample_key, NULL, NULL);
		st = exdb_prepare(d->h, "SELECT song_id FROM songs ORDER BY songvec_sample_key(song_id), "
		    "song_id LIMIT ?", d->o->quiet);
		if (st)
			sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	} else {
		st = exdb_prepare(d->h, "SELECT song_id FROM songs ORDER BY song_id", d->o->quiet);
	}
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->n == cap) {
			cap = cap ? 2 * cap : 1024;
			d->id = ereallocarray(d->id, cap, sizeof *d->id);
		}
		d->id[d->n++] = estrdup(exdb_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		if (d->n)
			qsort(d->id, d->n, sizeof *d->id, cmp_id);
		return 0;
	}
	if (!d->o->quiet)
		weprintf("%s: %s", sqlite3_db_filename(d->h, "main"), sqlite3_errmsg(d->h));
	return -1;
}

/* the column index of name in songvec_columns, -1 when absent */
static long
column_index(Doc *d, sqlite3_stmt *st, const char *name)
{
	long idx = -1;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		idx = (long)sqlite3_column_int64(st, 0);
	return idx;
}

/* The chosen features (o->features, or those of the default list the database
 * has).  0, or -1 after a message (a name asked for and not stored). */
static int
choose_features(Doc *d)
{
	const char *list = d->o->features ? d->o->features : DEFAULT_FEATURES;
	char *copy, *name, *save = NULL;
	sqlite3_stmt *st;
	long idx;
	int rc = 0;

	if (!d->t.columns)
		return d->o->features ? (weprintf("-f: the database has no column names"), -1) : 0;
	if (!(st = exdb_prepare(d->h, "SELECT idx FROM songvec_columns WHERE name = ?", d->o->quiet)))
		return -1;
	copy = estrdup(list);
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if ((idx = column_index(d, st, name)) < 0) {
			if (d->o->features) {
				weprintf("-f: no column '%s' in the database's songs", name);
				rc = -1;
				break;
			}
			continue;
		}
		d->feat = ereallocarray(d->feat, d->nfeat + 1, sizeof *d->feat);
		d->featname = ereallocarray(d->featname, d->nfeat + 1, sizeof *d->featname);
		d->feat[d->nfeat] = idx;
		d->featname[d->nfeat++] = estrdup(name);
	}
	free(copy);
	sqlite3_finalize(st);
	return rc;
}

/* value i of a float32 little-endian blob of nb bytes, NaN past its end */
static double
blob_value(const void *blob, int nb, long i)
{
	float f;

	if (!blob || i < 0 || (i + 1) * 4 > nb)
		return NAN;
	memcpy(&f, (const char *)blob + 4 * i, 4);
	return f;
}

/* one song's chosen features from its feature_blob (column 1) */
static void
put_features(Doc *d, Walk *w, const char *id, const void *arg)
{
	size_t j;

	fputc('[', d->fp);
	for (j = 0; j < d->nfeat; j++) {
		fputs(j ? "," : "", d->fp);
		put_num(d->fp, blob_value(sqlite3_column_blob(w->st, 1), sqlite3_column_bytes(w->st, 1), d->feat[j]));
	}
	fputc(']', d->fp);
	walk_step(w);
}

/* "features": the chosen columns of each song's vector; 0 or -1 */
static int
write_features(Doc *d)
{
	sqlite3_stmt *st;
	size_t j;
	int rc;

	fputs("\"features\":{\"names\":[", d->fp);
	for (j = 0; j < d->nfeat; j++) {
		fputs(j ? "," : "", d->fp);
		json_string(d->fp, d->featname[j]);
	}
	fputs("],\"values\":", d->fp);
	if (!(st = exdb_prepare(d->h, "SELECT song_id, feature_blob FROM songs ORDER BY song_id", d->o->quiet)))
		return -1;
	rc = walk_songs(d, st, put_features, NULL, "[]");
	fputc('}', d->fp);
	sqlite3_finalize(st);
	return rc;
}

/* the audio URL of each song: the file's, "" when missing, null without a folder */
static void
write_audio(Doc *d)
{
	char name[AUDIO_NAME_MAX + 1];
	size_t i;

	fputs("\"audio\":[", d->fp);
	for (i = 0; i < d->n; i++) {
		fputs(i ? "," : "", d->fp);
		if (!d->o->audio)
			fputs("null", d->fp);
		else if (audiodir_find(d->o->audio, d->id[i], name))
			audiodir_json_url(d->fp, d->o->audiourl, name);
		else
			fputs("\"\"", d->fp);
	}
	fputc(']', d->fp);
}

/* "songs": ids, names, artists, audio; 0 or -1 */
static int
write_songs(Doc *d)
{
	static const char *const KEYS[] = { "id", "name", "artist", "artist_id" };
	sqlite3_stmt *st;
	int k, rc = 0;

	st = exdb_prepare(d->h, "SELECT song_id, song_id, song_name, artist_name, artist_id "
	    "FROM songs ORDER BY song_id", d->o->quiet);
	if (!st)
		return -1;
	fputs("\"songs\":{", d->fp);
	for (k = 0; k < 4 && !rc; k++) {
		fprintf(d->fp, "\"%s\":", KEYS[k]);
		rc = column_array(d, st, k + 1);
		fputc(',', d->fp);
	}
	sqlite3_finalize(st);
	write_audio(d);
	fputs("},", d->fp);
	return rc;
}

/* the PCA-2 map computed from the songs' vectors (none when it cannot be) */
static void
write_computed_map(Doc *d)
{
	float *x = ecalloc(d->n ? d->n : 1, sizeof *x), *y = ecalloc(d->n ? d->n : 1, sizeof *y);

	if (!expca_map(d->h, d->id, d->n, x, y)) {
		fputs("{\"method\":\"pca\",\"computed\":true,\"x\":", d->fp);
		json_put_floats(d->fp, x, d->n);
		fputs(",\"y\":", d->fp);
		json_put_floats(d->fp, y, d->n);
		fputc('}', d->fp);
	}
	free(x);
	free(y);
}

/* "maps": every stored 2-D projection, UMAP first, then t-SNE, PCA, others; the
 * computed PCA-2 when none is stored */
static int
write_maps(Doc *d)
{
	sqlite3_stmt *m, *st = NULL;
	int rc = 0, first = 1;

	fputs("\"maps\":[", d->fp);
	if (!d->t.projections) {
		write_computed_map(d);
		return fputs("],", d->fp), 0;
	}
	m = exdb_prepare(d->h, "SELECT method FROM projections WHERE dims = 2 GROUP BY method "
	    "ORDER BY CASE method WHEN 'umap' THEN 0 WHEN 'tsne' THEN 1 WHEN 'pca' THEN 2 "
	    "ELSE 3 END, method", d->o->quiet);
	if (m)
		st = exdb_prepare(d->h, "SELECT song_id, x, y FROM projections "
		    "WHERE method = ? AND dims = 2 ORDER BY song_id", d->o->quiet);
	if (!m || !st) {
		sqlite3_finalize(m);
		return -1;
	}
	while (!rc && sqlite3_step(m) == SQLITE_ROW) {
		fputs(first ? "{\"method\":" : ",{\"method\":", d->fp);
		first = 0;
		json_string(d->fp, exdb_text(m, 0));
		sqlite3_bind_text(st, 1, exdb_text(m, 0), -1, SQLITE_TRANSIENT);
		fputs(",\"x\":", d->fp);
		rc = column_array(d, st, 1);
		fputs(",\"y\":", d->fp);
		rc = rc ? rc : column_array(d, st, 2);
		fputc('}', d->fp);
	}
	if (!rc && first)
		write_computed_map(d);
	fputs("],", d->fp);
	sqlite3_finalize(st);
	sqlite3_finalize(m);
	return rc;
}

/* One cluster colouring: its name, the column of song_clusters with the cluster
 * and the one with the score that ranks a cluster's typical songs. */
typedef struct ClusterCol {
	const char *name, *algorithm, *cluster, *score, *score_name;
} ClusterCol;

static const ClusterCol CLUSTER_COLS[] = {
	{ "k-means", "kmeans", "kmeans_cluster_id", "kmeans_distance", "distance" },
	{ "GMM", "gmm", "gmm_cluster_id", "confidence", "confidence" },
	{ "hierarchical, level 1", "hierarchical", "hier_level1_id", "confidence", "confidence" },
	{ "hierarchical, level 2", "hierarchical", "hier_level2_id", "confidence", "confidence" },
	{ "DBSCAN", "dbscan", "dbscan_cluster_id", "confidence", "confidence" },
};

/* one colouring object of c when the algorithm has rows; 0 or -1 */
static int
write_cluster_col(Doc *d, const ClusterCol *c, int *first)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc;

	/* the column names come from CLUSTER_COLS, never from input */
	snprintf(sql, sizeof sql, "SELECT song_id, %s, %s FROM song_clusters "
	    "WHERE algorithm = ? ORDER BY song_id", c->cluster, c->score);
	if (!(st = exdb_prepare(d->h, sql, d->o->quiet)))
		return -1;
	sqlite3_bind_text(st, 1, c->algorithm, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 1) == SQLITE_NULL) {
		sqlite3_finalize(st);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
	}
	fprintf(d->fp, "%s{\"name\":\"%s\",\"kind\":\"cluster\",\"algorithm\":\"%s\","
	    "\"score_name\":\"%s\",\"values\":", *first ? "" : ",", c->name, c->algorithm,
	    c->score_name);
	*first = 0;
	rc = column_array(d, st, 1);
	fputs(",\"score\":", d->fp);
	rc = rc ? rc : column_array(d, st, 2);
	fputc('}', d->fp);
	sqlite3_finalize(st);
	return rc;
}

/* Label colourings: for each label set its labels (column "label"), and the
 * classifier's predictions ("predicted") when there are some; the classes sorted,
 * each song's value the index of its class.  SQL per column, fixed here. */
static const char *const LABEL_CLASSES[2] = {
	"SELECT DISTINCT label FROM song_labels WHERE label_set = ? AND label IS NOT NULL "
	"ORDER BY label",
	"SELECT DISTINCT predicted FROM song_labels WHERE label_set = ? AND predicted IS NOT NULL "
	"ORDER BY predicted",
};
static const char *const LABEL_VALUES[2] = {
	"SELECT l.song_id, c.i FROM song_labels l JOIN (SELECT label, row_number() OVER "
	"(ORDER BY label) - 1 AS i FROM (SELECT DISTINCT label FROM song_labels WHERE label_set = ?1 "
	"AND label IS NOT NULL)) c ON c.label = l.label WHERE l.label_set = ?1 ORDER BY l.song_id",
	"SELECT l.song_id, c.i FROM song_labels l JOIN (SELECT predicted, row_number() OVER "
	"(ORDER BY predicted) - 1 AS i FROM (SELECT DISTINCT predicted FROM song_labels WHERE "
	"label_set = ?1 AND predicted IS NOT NULL)) c ON c.predicted = l.predicted "
	"WHERE l.label_set = ?1 ORDER BY l.song_id",
};

/* the colouring of label set `set`, column k (0 label, 1 predicted); 0 or -1 */
static int
write_label_col(Doc *d, const char *set, int k, int *first)
{
	sqlite3_stmt *cl = exdb_prepare(d->h, LABEL_CLASSES[k], d->o->quiet), *st = NULL;
	int rc = 0, nc = 0;

	if (cl)
		st = exdb_prepare(d->h, LABEL_VALUES[k], d->o->quiet);
	if (!cl || !st) {
		sqlite3_finalize(cl);
		return -1;
	}
	sqlite3_bind_text(cl, 1, set, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 1, set, -1, SQLITE_STATIC);
	while (sqlite3_step(cl) == SQLITE_ROW) {
		if (!nc++) {
			fputs(*first ? "{\"name\":" : ",{\"name\":", d->fp);
			*first = 0;
			json_string(d->fp, set);
			fprintf(d->fp, ",\"kind\":\"%s\",\"classes\":[", k ? "predicted" : "label");
		} else {
			fputc(',', d->fp);
		}
		exdb_json(d->fp, cl, 0);
	}
	if (nc) {
		fputs("],\"values\":", d->fp);
		rc = column_array(d, st, 1);
		fputc('}', d->fp);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(cl);
	return rc;
}

/* "colourings": clusters of each algorithm, then labels; 0 or -1 */
static int
write_colourings(Doc *d)
{
	sqlite3_stmt *sets;
	size_t i;
	int rc = 0, first = 1;

	fputs("\"colourings\":[", d->fp);
	for (i = 0; d->t.clusters && !rc && i < sizeof CLUSTER_COLS / sizeof *CLUSTER_COLS; i++)
		rc = write_cluster_col(d, &CLUSTER_COLS[i], &first);
	if (d->t.labels && !rc) {
		sets = exdb_prepare(d->h, "SELECT DISTINCT label_set FROM song_labels ORDER BY label_set",
		    d->o->quiet);
		if (!sets)
			return -1;
		while (!rc && sqlite3_step(sets) == SQLITE_ROW) {
			rc = write_label_col(d, exdb_text(sets, 0), 0, &first);
			rc = rc ? rc : write_label_col(d, exdb_text(sets, 0), 1, &first);
		}
		sqlite3_finalize(sets);
	}
	fputs("],", d->fp);
	return rc;
}

int
exdata_is_tag(const char *name)
{
	size_t n = strlen("embedding");

	if (!strncmp(name, "embedding", n) && name[n] && strspn(name + n, "0123456789") == strlen(name + n))
		return 0;
	return strcmp(name, "danceability") && strncmp(name, "mood_", 5);
}

/* the tag names of the model into "names"; their number, or -1 */
static long
write_tag_names(Doc *d)
{
	sqlite3_stmt *st = exdb_prepare(d->h, "SELECT name FROM embedding_columns "
	    "WHERE model = ? AND dataset = ? ORDER BY idx", d->o->quiet);
	long nt = 0;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, d->o->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->o->dataset, -1, SQLITE_STATIC);
	fputs("\"names\":[", d->fp);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (exdata_is_tag(exdb_text(st, 0))) {
			fputs(nt++ ? "," : "", d->fp);
			exdb_json(d->fp, st, 0);
		}
	fputs("],", d->fp);
	sqlite3_finalize(st);
	return nt;
}

/* a song's taggram (rows x nt floats) as the mean of its rows, 0..TAG_SCALE */
static void
put_taggram(FILE *fp, const void *blob, int nb, long nt)
{
	long rows = nb / 4 / nt, r, j;
	double s;

	if (!blob || rows < 1 || (long)nb != rows * nt * 4) {
		fputs("null", fp);
		return;
	}
	fputc('[', fp);
	for (j = 0; j < nt; j++) {
		for (s = 0, r = 0; r < rows; r++)
			s += blob_value(blob, nb, r * nt + j);
		s = s / (double)rows;
		fprintf(fp, "%s%.0f", j ? "," : "", isfinite(s) ? fmin(fmax(s, 0), 1) * TAG_SCALE : 0);
	}
	fputc(']', fp);
}

/* one song's taggram: blob column 1, *(const long *)arg tags (none: null) */
static void
put_tags(Doc *d, Walk *w, const char *id, const void *arg)
{
	long nt = *(const long *)arg;

	if (nt > 0)
		put_taggram(d->fp, sqlite3_column_blob(w->st, 1), sqlite3_column_bytes(w->st, 1), nt);
	else
		fputs("null", d->fp);
	walk_step(w);
}

/* "tags": the taggrams of o->model/o->dataset, or null; 0 or -1 */
static int
write_tags(Doc *d)
{
	sqlite3_stmt *st;
	long nt;
	int rc;

	if (!d->t.embeddings)
		return fputs("\"tags\":null,", d->fp), 0;
	fputs("\"tags\":{\"model\":", d->fp);
	json_string(d->fp, d->o->model);
	fputs(",\"dataset\":", d->fp);
	json_string(d->fp, d->o->dataset);
	fputc(',', d->fp);
	if ((nt = write_tag_names(d)) < 0)
		return -1;
	st = exdb_prepare(d->h, "SELECT song_id, taggram_data FROM embeddings "
	    "WHERE model = ? AND dataset = ? ORDER BY song_id", d->o->quiet);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, d->o->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->o->dataset, -1, SQLITE_STATIC);
	fputs("\"values\":", d->fp);
	rc = walk_songs(d, st, put_tags, &nt, "null");
	fputs("},", d->fp);
	sqlite3_finalize(st);
	return rc;
}

/* the neighbour metric: o->metric if stored, else cosine or the first stored;
 * copied to out (64 bytes); 1 found, 0 none stored, -1 asked for and absent */
static int
pick_metric(Doc *d, char *out)
{
	sqlite3_stmt *st = exdb_prepare(d->h, "SELECT metric FROM song_neighbors GROUP BY metric "
	    "ORDER BY metric = ? DESC, metric <> 'cosine', metric", d->o->quiet);
	int found = 0;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, d->o->metric ? d->o->metric : "cosine", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, 64, "%s", exdb_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	if (d->o->metric && (!found || strcmp(out, d->o->metric))) {
		if (!d->o->quiet)
			weprintf("-m: no neighbours stored for metric '%s'", d->o->metric);
		return -1;
	}
	return found;
}

/* one song's neighbour rows: [[index or id, similarity], ...] */
static void
put_neighbors(Doc *d, Walk *w, const char *id, const void *arg)
{
	const char *nb;
	char **hit;
	int k = 0;

	fputc('[', d->fp);
	while (walk_at(w, id)) {
		nb = exdb_text(w->st, 1);
		hit = bsearch(&nb, d->id, d->n, sizeof *d->id, cmp_id);
		fputs(k++ ? ",[" : "[", d->fp);
		if (hit)
			fprintf(d->fp, "%zu", (size_t)(hit - d->id));
		else
			json_string(d->fp, nb);
		fputc(',', d->fp);
		exdb_json(d->fp, w->st, 2);
		fputc(']', d->fp);
		walk_step(w);
	}
	fputc(']', d->fp);
}

/* "neighbors": the stored lists of one metric, or null; 0 or -1 */
static int
write_neighbors(Doc *d)
{
	sqlite3_stmt *st;
	char metric[64];
	int rc;

	if (!d->t.neighbors && d->o->metric) {
		if (!d->o->quiet)
			weprintf("-m: no neighbours stored for metric '%s'", d->o->metric);
		return -1;
	}
	if (!d->t.neighbors || (rc = pick_metric(d, metric)) == 0)
		return fputs("\"neighbors\":null,", d->fp), 0;
	if (rc < 0)
		return -1;
	st = exdb_prepare(d->h, "SELECT song_id, neighbor_id, similarity FROM song_neighbors "
	    "WHERE metric = ? ORDER BY song_id, rank", d->o->quiet);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
	fputs("\"neighbors\":{\"metric\":", d->fp);
	json_string(d->fp, metric);
	fputs(",\"lists\":", d->fp);
	rc = walk_songs(d, st, put_neighbors, NULL, "null");
	fputs("},", d->fp);
	sqlite3_finalize(st);
	return rc;
}

/* "artists": the stored profiles, the chosen features of each; 0 or -1 */
static int
write_artists(Doc *d)
{
	sqlite3_stmt *st;
	float *v = NULL;
	size_t nv = 0, cap = 0, j;
	int first = 1;

	fputs("\"artists\":[", d->fp);
	if (!d->t.artists)
		return fputs("],", d->fp), 0;
	st = exdb_prepare(d->h, "SELECT a.artist_id, (SELECT artist_name FROM songs s WHERE "
	    "s.artist_id = a.artist_id LIMIT 1), a.song_count, a.feature_vector "
	    "FROM artists_vector a ORDER BY a.artist_id", d->o->quiet);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs(first ? "{\"id\":" : ",{\"id\":", d->fp);
		first = 0;
		exdb_json(d->fp, st, 0);
		fputs(",\"name\":", d->fp);
		exdb_json(d->fp, st, 1);
		fputs(",\"songs\":", d->fp);
		exdb_json(d->fp, st, 2);
		fputs(",\"profile\":[", d->fp);
		if (json_parse_floats(exdb_text(st, 3), &v, &nv, &cap))
			nv = 0;
		for (j = 0; j < d->nfeat; j++) {
			fputs(j ? "," : "", d->fp);
			put_num(d->fp, d->feat[j] < (long)nv ? v[d->feat[j]] : NAN);
		}
		fputs("]}", d->fp);
	}
	fputs("],", d->fp);
	free(v);
	sqlite3_finalize(st);
	return 0;
}

/* "elbow": elbow(1)'s curve from o->elbow (key k, first value the inertia) */
static int
write_elbow(Doc *d)
{
	VReader *r;
	int e, first = 1;

	if (!d->o->elbow)
		return fputs("\"elbow\":null", d->fp), 0;
	if (!(r = new_vreader(d->o->elbow)))
		return -1;
	fputs("\"elbow\":[", d->fp);
	while ((e = vreader_next(r)) > 0) {
		if (r->n < 1)
			continue;
		fprintf(d->fp, "%s[%ld,", first ? "" : ",", strtol(r->key, NULL, 10));
		put_num(d->fp, r->val[0]);
		fputc(']', d->fp);
		first = 0;
	}
	fputc(']', d->fp);
	del_vreader(r);
	return e < 0 ? -1 : 0;
}

static void
free_doc(Doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->id[i]);
	for (i = 0; i < d->nfeat; i++)
		free(d->featname[i]);
	free(d->id);
	free(d->feat);
	free(d->featname);
}

int
exdata_write(sqlite3 *h, FILE *fp, const ExOpt *o)
{
	Doc d = { .h = h, .fp = fp, .o = o };
	int rc = -1;

	if (exdb_tables(h, &d.t, o->quiet) || load_ids(&d) || choose_features(&d))
		goto out;
	fprintf(fp, "{\"total\":%zu,", d.total);
	if (write_songs(&d) || write_maps(&d) || write_colourings(&d) || write_tags(&d) ||
	    write_neighbors(&d) || write_features(&d))
		goto out;
	fputc(',', fp);
	if (write_artists(&d) || write_elbow(&d))
		goto out;
	fputc('}', fp);
	rc = 0;
out:
	free_doc(&d);
	return rc;
}
