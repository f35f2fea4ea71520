/* knn — nearest neighbours of songs: similar songs, diverse recommendations (MMR),
 * radio playlists and group centroids, on the exact engine of ml/knn.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fpconv.h"
#include "core/keyindex.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vwriter.h"
#include "data/labels.h"
#include "ml/ann.h"
#include "ml/blas.h"
#include "ml/centroid.h"
#include "ml/knn.h"
#include "ml/recommend.h"

static const char SYNOPSIS[] =
    "[-bqv] [-k K] [-d cosine|euclidean|inner] [-r REFS] [-l LAMBDA] [-n POOL] "
    "[-p LENGTH] [-w WIDTH] [-s SEED] [-c LABELS | -C COLUMN] [-T TABLE] "
    "[-a ANN] [-j THREADS] [file]";

#define CHUNK 4096 /* queries per call of the engine (bounds the result buffers) */

typedef struct Opt {
	size_t k, pool, len, width;
	int metric, binary, quiet, verbose, nt, kset, mmr;
	double lambda;
	uint64_t seed;
	const char *refs, *in, *labels, *column, *table, *ann;
} Opt;

typedef struct Data {
	Matrix ref, qry;      /* qry.n == 0: the queries are the references */
	const Matrix *q;      /* the queries: &qry or &ref */
	char **reflab, **qlab;/* -C: the labels of each row */
	KeyIndex *ki;
	long *self;           /* the reference that is query i (by key), or -1 */
	size_t avail;         /* references a query can get: n, or n - 1 if one is itself */
} Data;

/* ---- input ---- */

/* -C: take column spec (a name, or a 1-based value number) out of m; its values,
 * as text, become the labels.  -1 after a message. */
static int
strip_column(Matrix *m, const char *spec, char ***lab)
{
	long c = -1;
	size_t i, j, o = 0;
	char buf[32], *end;

	for (j = 0; m->cols && j < m->d && c < 0; j++)
		if (!strcmp(m->cols[j], spec))
			c = (long)j;
	if (c < 0 && (c = strtol(spec, &end, 10) - 1, *end || end == spec || c < 0 || (size_t)c >= m->d)) {
		weprintf("%s: -C %s: no such column (a name or a number in 1..%zu)", m->name, spec, m->d);
		return -1;
	}
	*lab = ecalloc(m->n ? m->n : 1, sizeof **lab);
	for (i = 0; i < m->n; i++) {
		buf[fpconv_ftoa(buf, m->x[i * m->d + (size_t)c])] = '\0';
		(*lab)[i] = estrdup(buf);
		for (j = 0; j < m->d; j++)
			if (j != (size_t)c)
				m->x[o++] = m->x[i * m->d + j];
	}
	if (m->cols) {
		free(m->cols[c]);
		memmove(m->cols + c, m->cols + c + 1, (m->d - (size_t)c - 1) * sizeof *m->cols);
	}
	m->d--;
	return 0;
}

/* finite values, and under cosine no zero vector: 0, or -1 after a message */
static int
check_values(const Matrix *m, int metric)
{
	long z;

	if (matrix_check_finite(m))
		return -1;
	if (metric == KNN_COSINE && (z = knn_zero_row(m->x, m->n, m->d)) >= 0) {
		weprintf("%s: record %ld (%s): zero vector: it has no cosine similarity "
		    "(drop it, or use -d euclidean)", m->name, z + 1, matrix_key(m, (size_t)z));
		return -1;
	}
	return 0;
}

/* load one stream: not empty, -C applied, values checked.  -1 after a message. */
static int
load_stream(const char *path, Matrix *m, char ***lab, const Opt *o, const char *what)
{
	char empty[64];

	snprintf(empty, sizeof empty, "empty input: no %s", what);
	if (matrix_load_nonempty(path, m, empty))
		return -1;
	if (m->d == 0 || (o->column && m->d == 1)) {
		weprintf("%s: records of dimension %zu: nothing to compare", m->name,
		    o->column ? m->d - 1 : m->d);
		return -1;
	}
	if ((o->column && strip_column(m, o->column, lab)) || check_values(m, o->metric))
		return -1;
	return 0;
}

static void del_data(Data *dt);
static int read_data(Data *dt, const Opt *o);

/* the references and the queries, checked against each other; -1 after a message
 * (dt freed) */
static int
load_data(Data *dt, const Opt *o)
{
	if (read_data(dt, o)) {
		del_data(dt);
		return -1;
	}
	return 0;
}

/* load_data's work */
static int
read_data(Data *dt, const Opt *o)
{
	size_t i;

	memset(dt, 0, sizeof *dt);
	if (load_stream(o->refs ? o->refs : o->in, &dt->ref, &dt->reflab, o,
	    o->refs ? "references" : "records"))
		return -1;
	dt->q = &dt->ref;
	if (o->refs) {
		if (load_stream(o->in, &dt->qry, &dt->qlab, o, "queries"))
			return -1;
		if (dt->qry.d != dt->ref.d) {
			weprintf("%s: record 1 (%s): dimension %zu does not match the references' "
			    "%zu (%s)", dt->qry.name, matrix_key(&dt->qry, 0), dt->qry.d, dt->ref.d,
			    dt->ref.name);
			return -1;
		}
		dt->q = &dt->qry;
	}
	if (!(dt->ki = new_keyindex(&dt->ref)))
		return -1;
	dt->self = ecalloc(dt->q->n, sizeof *dt->self);
	dt->avail = dt->ref.n;
	for (i = 0; i < dt->q->n; i++)
		if ((dt->self[i] = o->refs ? keyindex_find(dt->ki, matrix_key(dt->q, i)) : (long)i) >= 0)
			dt->avail = dt->ref.n - 1;
	return 0;
}

/* k (or the MMR pool) against the references a query can have: -1 after a message */
static int
check_k(const Data *dt, size_t k, const char *what)
{
	size_t i;

	if (k <= dt->avail)
		return 0;
	if (dt->avail == dt->ref.n) {
		weprintf("%s: %s=%zu exceeds the number of references (%zu)", dt->ref.name, what, k,
		    dt->ref.n);
		return -1;
	}
	for (i = 0; dt->self[i] < 0; i++)
		;
	weprintf("%s: record %zu (%s): %s=%zu, but the query is one of the %zu references: "
	    "%zu others", dt->q->name, i + 1, matrix_key(dt->q, i), what, k, dt->ref.n, dt->avail);
	return -1;
}

static void
del_data(Data *dt)
{
	size_t i;

	for (i = 0; dt->reflab && i < dt->ref.n; i++)
		free(dt->reflab[i]);
	for (i = 0; dt->qlab && i < dt->qry.n; i++)
		free(dt->qlab[i]);
	free(dt->reflab);
	free(dt->qlab);
	free(dt->self);
	del_keyindex(dt->ki);
	del_matrix(&dt->ref);
	del_matrix(&dt->qry);
}

/* ---- neighbours and MMR ---- */

static const char *
score_name(int metric)
{
	return metric == KNN_EUCLIDEAN ? "distance" : "similarity";
}

static void
table_header(const Opt *o, const char *mode, const char *c1, const char *c2, const char *c3)
{
	printf("#knn %smetric=%s %s=%zu", mode, knn_metric_name(o->metric), o->len ? "length" : "k",
	    o->len ? o->len : o->k);
	if (o->mmr)
		printf(" lambda=%.9g pool=%zu", o->lambda, o->pool);
	printf("\n#%s\t%s\t%s\t%s\n", c1, c2, c3, score_name(o->metric));
}

/* one row of a neighbour or radio table; the score spelt as every float is
 * (songvec(5)).  Cannot fail. */
static void
put_pair(const char *a, size_t rank, const char *b, float score)
{
	char buf[FPCONV_FLOAT_MAX];

	printf("%s\t%zu\t%s\t%.*s\n", a, rank, b, (int)fpconv_ftoa(buf, score), buf);
}

/* the rows of one chunk of queries (q0..q0+nq): k neighbours each, or the k chosen
 * by MMR among the pool */
static void
write_chunk(const Data *dt, const Knn *kn, const Opt *o, size_t q0, size_t nq,
    const long *idx, const float *sc, size_t *pick)
{
	size_t i, j, nk = o->mmr ? o->pool : o->k, got;

	for (i = 0; i < nq; i++) {
		const long *ix = idx + i * nk;
		const float *s = sc + i * nk;
		if (o->mmr)
			got = mmr_select(kn, dt->ref.x, ix, s, nk, o->k, o->lambda, pick, NULL);
		else
			for (got = o->k, j = 0; j < got; j++)
				pick[j] = j;
		for (j = 0; j < got; j++)
			if (ix[pick[j]] >= 0) /* an approximate index may find fewer */
				put_pair(matrix_key(dt->q, q0 + i), j + 1,
				    matrix_key(&dt->ref, (size_t)ix[pick[j]]), s[pick[j]]);
	}
}

static int
run_neighbours(const Data *dt, const Knn *kn, const Ann *ann, const Opt *o)
{
	size_t nk = o->mmr ? o->pool : o->k, q0, nq, n = dt->q->n;
	long *idx = ereallocarray(NULL, CHUNK, nk * sizeof *idx);
	float *sc = ereallocarray(NULL, CHUNK, nk * sizeof *sc);
	size_t *pick = ecalloc(o->k, sizeof *pick);
	Progress *pg = new_progress("queries", n);

	table_header(o, "", "query", "rank", "neighbor");
	for (q0 = 0; q0 < n; q0 += nq) {
		nq = n - q0 < CHUNK ? n - q0 : CHUNK;
		if (ann && ann_query(ann, dt->q->x + q0 * dt->q->d, nq, nk, dt->self + q0, idx, sc))
			exit(1);
		if (!ann)
			knn_query(kn, dt->q->x + q0 * dt->q->d, nq, nk, dt->self + q0, idx, sc);
		write_chunk(dt, kn, o, q0, nq, idx, sc, pick);
		progress_do(pg, q0 + nq);
		if (ferror(stdout))
			break;
	}
	del_progress(pg);
	free(idx);
	free(sc);
	free(pick);
	return fshut(stdout, "<stdout>") ? 1 : 0;
}

/* ---- radio ---- */

/* the references that are seeds (distinct) */
static size_t
seeds_in_refs(const Data *dt)
{
	char *in = ecalloc(dt->ref.n, 1);
	size_t i, n = 0;

	for (i = 0; i < dt->q->n; i++)
		if (dt->self[i] >= 0 && !in[dt->self[i]])
			in[dt->self[i]] = 1, n++;
	free(in);
	return n;
}

static int
run_radio(const Data *dt, const Knn *kn, const Opt *o)
{
	RadioOpt ro = { o->len, o->pool, o->width, o->mmr, o->lambda, o->seed };
	long *song = ecalloc(o->len, sizeof *song);
	float *sim = ecalloc(o->len, sizeof *sim);
	const char *prev;
	size_t p;

	if (radio_do(kn, dt->ref.x, dt->q->x, dt->q->n, dt->self, &ro, song, sim)) {
		weprintf("%s: a playlist of %zu songs, but references left besides the seeds: %zu",
		    dt->ref.name, o->len, dt->ref.n - seeds_in_refs(dt));
		free(song);
		free(sim);
		return 1;
	}
	table_header(o, "radio ", "previous", "position", "song");
	prev = matrix_key(dt->q, dt->q->n - 1);
	for (p = 0; p < o->len; p++) {
		put_pair(prev, p + 1, matrix_key(&dt->ref, (size_t)song[p]), sim[p]);
		prev = matrix_key(&dt->ref, (size_t)song[p]);
	}
	free(song);
	free(sim);
	return fshut(stdout, "<stdout>") ? 1 : 0;
}

/* ---- group centroids ---- */

/* the labels of the rows of m: from the -C column or the -c file (NULL: none) */
static const char **
row_labels(const Matrix *m, char **collab, const Labels *file)
{
	const char **lab = ecalloc(m->n ? m->n : 1, sizeof *lab);
	size_t i;

	for (i = 0; i < m->n; i++)
		lab[i] = collab ? collab[i] : labels_label(file, matrix_key(m, i));
	return lab;
}

/* -T: one record per group: its song count and mean similarity to each group */
static int
write_table(const Centroids *c, const Opt *o, double *intra, double *inter)
{
	FILE *fp = efopen_out(o->table);
	VWriter *w = new_vwriter(fp, o->table, o->binary);
	double *t = ecalloc(c->g * c->g, sizeof *t);
	float *v = ecalloc(c->g + 1, sizeof *v);
	char **cols = ecalloc(c->g + 1, sizeof *cols);
	size_t a, b;
	int bad;

	centroid_table(c, t, intra, inter);
	cols[0] = "songs";
	memcpy(cols + 1, c->name, c->g * sizeof *cols);
	bad = vwriter_header(w, (unsigned)c->g + 1, 0, (unsigned)c->g + 1, cols);
	for (a = 0; a < c->g && !bad; a++) {
		v[0] = (float)c->count[a];
		for (b = 0; b < c->g; b++)
			v[b + 1] = (float)t[a * c->g + b];
		bad = vwriter_write(w, c->name[a], v, c->g + 1);
	}
	bad = del_vwriter(w) || bad;
	bad = fclose_out(fp, o->table, bad) || bad;
	free(t);
	free(v);
	free(cols);
	return bad ? 1 : 0;
}

/* one record per query: its label and predicted group (numbers, -1: none) and its
 * similarity to each centroid; counts the agreements */
static int
write_scores(const Data *dt, const Centroids *c, const Opt *o, const char **qlab,
    size_t *agree, size_t *labelled)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", o->binary);
	double *sim = ecalloc(c->g, sizeof *sim);
	float *v = ecalloc(c->g + 2, sizeof *v);
	char **cols = ecalloc(c->g + 2, sizeof *cols);
	size_t i, a, best;
	long lab;
	int bad;

	cols[0] = "label";
	cols[1] = "predicted";
	memcpy(cols + 2, c->name, c->g * sizeof *cols);
	bad = vwriter_header(w, (unsigned)c->g + 2, 0, (unsigned)c->g + 2, cols);
	for (i = 0; i < dt->q->n && !bad; i++) {
		best = centroid_scores(c, dt->q->x + i * dt->q->d, sim);
		lab = qlab[i] ? centroid_group(c, qlab[i]) : -1;
		*labelled += lab >= 0;
		*agree += lab >= 0 && (size_t)lab == best;
		v[0] = (float)lab;
		v[1] = (float)best;
		for (a = 0; a < c->g; a++)
			v[a + 2] = (float)sim[a];
		bad = vwriter_write(w, matrix_key(dt->q, i), v, c->g + 2);
	}
	bad = del_vwriter(w) || bad;
	free(sim);
	free(v);
	free(cols);
	return bad;
}

static int
run_centroids(const Data *dt, const Opt *o)
{
	Labels file = { 0 }, *lf = NULL;
	const char **rlab, **qlab;
	Centroids *c;
	size_t agree = 0, labelled = 0;
	double intra = NAN, inter = NAN;
	int rc = 1;

	if (o->labels && labels_load(o->labels, lf = &file) < 0)
		return 1;
	rlab = row_labels(&dt->ref, dt->reflab, lf);
	qlab = dt->q == &dt->ref ? rlab : row_labels(dt->q, dt->qlab, lf);
	c = new_centroids(dt->ref.x, dt->ref.n, dt->ref.d, rlab, o->metric);
	if (c->g == 0)
		weprintf("%s: no reference has a label%s%s", dt->ref.name, o->labels ? " in " : "",
		    o->labels ? o->labels : "");
	else if (!write_scores(dt, c, o, qlab, &agree, &labelled) && !(o->table &&
	    write_table(c, o, &intra, &inter)))
		rc = 0;
	if (rc || o->quiet)
		goto out;
	fprintf(stderr, "%s: %zu groups; nearest centroid = label for %zu of %zu labelled songs "
	    "(agreement %.9g)\n", argv0, c->g, agree, labelled, labelled ? (double)agree / labelled : NAN);
	if (o->table)
		fprintf(stderr, "%s: mean %s of pairs of songs: %.9g within groups, %.9g between groups\n",
		    argv0, score_name(o->metric), intra, inter);
out:
	if (qlab != rlab)
		free(qlab);
	free(rlab);
	del_centroids(c);
	del_labels(lf);
	return rc;
}

/* ---- options ---- */


static void
usage_error(const char *msg)
{
	weprintf("%s", msg);
	util_usage(SYNOPSIS);
}

static void
parse(int argc, char **argv, Opt *o)
{
	int c;

	while ((c = getopt(argc, argv, "a:bC:c:d:j:k:l:n:p:qr:s:T:vw:")) != -1) {
		switch (c) {
		case 'a': o->ann = optarg; break;
		case 'b': o->binary = 1; break;
		case 'C': o->column = optarg; break;
		case 'c': o->labels = optarg; break;
		case 'd':
			if ((o->metric = knn_metric(optarg)) < 0)
				usage_error("-d: unknown metric (cosine, euclidean or inner)");
			break;
		case 'j': o->nt = (int)estrtol(optarg, 0, 256, 'j'); break;
		case 'k': o->k = (size_t)estrtol(optarg, 1, 1L << 30, 'k'); o->kset = 1; break;
		case 'l': o->lambda = estrtod(optarg, 0, 1, 'l'); o->mmr = 1; break;
		case 'n': o->pool = (size_t)estrtol(optarg, 1, 1L << 30, 'n'); break;
		case 'p': o->len = (size_t)estrtol(optarg, 1, 1L << 30, 'p'); break;
		case 'q': o->quiet = 1; break;
		case 'r': o->refs = optarg; break;
		case 's': o->seed = (uint64_t)estrtol(optarg, 0, 0x7fffffffffffffffL, 's'); break;
		case 'T': o->table = optarg; break;
		case 'v': o->verbose = 1; break;
		case 'w': o->width = (size_t)estrtol(optarg, 1, 1L << 30, 'w'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (optind < argc)
		o->in = argv[optind];
}

/* the combinations of modes that make sense */
static void
check_modes(Opt *o)
{
	int cent = o->labels || o->column;

	if (o->labels && o->column)
		usage_error("-c and -C: labels come from a file or from a column, not both");
	if (o->table && !cent)
		usage_error("-T: the table of groups needs labels (-c or -C)");
	if (cent && (o->len || o->mmr || o->ann || o->kset))
		usage_error("-c, -C: group centroids take none of -k, -l, -p, -a");
	if (cent && o->metric == KNN_EUCLIDEAN)
		usage_error("-c, -C: centroid similarities are cosine or inner products");
	if (o->len && !o->refs)
		usage_error("-p: a playlist needs the songs to choose from (-r REFS)");
	if (o->len && (o->ann || o->kset))
		usage_error("-p: a playlist takes neither -k nor -a");
	if (o->width && !o->len)
		usage_error("-w: only for playlists (-p)");
	if (o->pool && !o->mmr)
		usage_error("-n: the candidate pool is MMR's (-l)");
	if (o->pool && o->pool < o->k && !o->len)
		usage_error("-n: the pool must hold at least k candidates");
	if (o->refs && !strcmp(o->refs, "-") && !strcmp(o->in, "-"))
		usage_error("-r -: the queries cannot come from standard input too");
	if (!o->width)
		o->width = 1;
}

int
main(int argc, char **argv)
{
	Opt o = { .k = 10, .metric = KNN_COSINE, .in = "-" };
	Data dt;
	Knn *kn = NULL;
	Ann *ann = NULL;
	int rc;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	parse(argc, argv, &o);
	check_modes(&o);
	progress_quiet(o.quiet);
	o.nt = blas_threads(o.nt);
	if (o.verbose)
		blas_report(stderr);
	blas_threads(1); /* the engine's threads are the pool's: OpenBLAS runs on each */
	if (load_data(&dt, &o))
		return 1;
	if (o.labels || o.column) {
		rc = run_centroids(&dt, &o);
		del_data(&dt);
		return rc;
	}
	if (o.mmr && !o.pool)
		o.pool = o.len ? 20 : o.k * 5 > 20 ? o.k * 5 : 20;
	if (o.mmr && !o.len && o.pool > dt.avail)
		o.pool = dt.avail > o.k ? dt.avail : o.k;
	if (!o.len && check_k(&dt, o.k, "k")) {
		del_data(&dt);
		return 1;
	}
	kn = new_knn(dt.ref.x, dt.ref.n, dt.ref.d, o.metric, o.nt);
	if (o.ann && !(ann = new_ann(o.ann, kn, dt.ref.x, o.nt, o.seed, o.verbose))) {
		del_knn(kn);
		del_data(&dt);
		return 1;
	}
	rc = o.len ? run_radio(&dt, kn, &o) : run_neighbours(&dt, kn, ann, &o);
	del_ann(ann);
	del_knn(kn);
	del_data(&dt);
	return rc;
}
