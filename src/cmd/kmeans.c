/* kmeans — cluster a vector stream with k-means (scikit-learn 1.2.1 Lloyd), or
 * assign it to the clusters of a saved model. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/blas.h"
#include "ml/kmeans.h"
#include "core/dtable.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] =
    "[-bqv] [-k K] [-n NINIT] [-i kmeans++|random] [-I CENTERS] [-x MAXITER] [-e TOL] "
    "[-s SEED] [-j THREADS] [-m MODEL] [-a MODEL] [file]";

static char *outcols[] = { "cluster", "distance", "confidence" };

static int
load(const char *path, Matrix *m, const char *what)
{
	char empty[64];

	snprintf(empty, sizeof empty, "empty input: no %s", what);
	return matrix_load_finite(path, m, empty);
}

/* -m: the centres as a model table (dtable.h): rows 0..K-1, model=kmeans, rows=K */
static void
write_model(const char *path, const KMeans *km, char **cols)
{
	FILE *fp = efopen_out(path);
	double *row = ecalloc(km->d, sizeof *row);
	char key[32];
	size_t j, i;

	dtable_put_header(fp, km->d, "kmeans", cols, km->k);
	for (j = 0; j < km->k; j++) {
		snprintf(key, sizeof key, "%zu", j);
		for (i = 0; i < km->d; i++)
			row[i] = km->centers[j * km->d + i];
		dtable_put_row(fp, key, row, km->d);
	}
	free(row);
	if (fshut(fp, path) || fclose_out(fp, path, 0))
		exit(1);
}

/* -a: a model written by -m (or, from before model=, a TSV stream of centres):
 * model=kmeans when named, rows keyed 0..K-1 in order, every value finite and a
 * float32.  0 with the centres in m, or -1 after a message. */
static int
load_model(const char *path, Matrix *m)
{
	DTable t;
	char key[32];
	size_t j, i;
	double v;
	float *row;

	memset(m, 0, sizeof *m);
	if (dtable_load(path, &t))
		return -1;
	row = ecalloc(t.d, sizeof *row);
	m->d = t.d;
	if (t.model && strcmp(t.model, "kmeans")) {
		weprintf("%s: not a kmeans model (model=%s)", path, t.model);
		goto bad;
	}
	if (t.n == 0) {
		weprintf("%s: no centres in the model", path);
		goto bad;
	}
	for (j = 0; j < t.n; j++) {
		snprintf(key, sizeof key, "%zu", j);
		if (strcmp(t.keys[j], key)) {
			weprintf("%s: corrupt kmeans model: row %zu is '%s', expected '%s'", path, j + 1,
			    t.keys[j], key);
			goto bad;
		}
		for (i = 0; i < t.d; i++)
			if (!isfinite(v = t.v[j * t.d + i]) || fabs(v) > FLT_MAX) {
				weprintf("%s: corrupt kmeans model: centre %zu, value %zu is not a finite "
				    "float", path, j, i + 1);
				goto bad;
			} else {
				row[i] = (float)v;
			}
		matrix_push(m, t.keys[j], row);
	}
	m->name = estrdup(path);
	m->cols = t.cols;
	t.cols = NULL;
	free(row);
	del_dtable(&t);
	return 0;
bad:
	free(row);
	del_dtable(&t);
	del_matrix(m);
	return -1;
}

static void
write_rows(VWriter *w, const Matrix *m, size_t n0, size_t n, const int *lab, const float *dist,
    const float *conf)
{
	size_t i;
	float v[3];

	for (i = 0; i < n; i++) {
		v[0] = (float)lab[i];
		v[1] = dist[i];
		v[2] = conf[i];
		if (vwriter_write(w, matrix_key(m, n0 + i), v, 3))
			exit(1);
	}
}

/* -a: stream the input in chunks against the model's centres */
static int
assign(const char *modelpath, const char *in, int binary, int nt)
{
	Matrix model, chunk;
	VReader *r;
	VWriter *w;
	int e = 1, *lab;
	float *dist, *conf;
	size_t cap = 4096, done = 0;
	Progress *pg;

	if (load_model(modelpath, &model))
		return 1;
	if (!(r = new_vreader(in)) ||
	    dtable_match_cols(modelpath, model.cols, r->name, r->ncols ? r->cols : NULL, model.d)) {
		del_vreader(r);
		del_matrix(&model);
		return 1;
	}
	lab = emallocarray(cap, sizeof(int));
	dist = emallocarray(cap, sizeof(float));
	conf = emallocarray(cap, sizeof(float));
	w = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(w, 3, 0, 3, outcols))
		exit(1);
	memset(&chunk, 0, sizeof chunk);
	pg = new_progress("rows assigned", 0);
	while (e > 0) {
		matrix_clear(&chunk);
		while (chunk.n < cap && (e = vreader_next(r)) > 0) {
			if (r->n != model.d) {
				vreader_error(r, "dimension %zu does not match the model's %zu (%s)", r->n,
				    model.d, model.name);
				e = -1;
				break;
			}
			chunk.d = model.d;
			matrix_push(&chunk, r->key, r->val);
		}
		if (e < 0)
			break;
		if (chunk.name == NULL)
			chunk.name = estrdup(r->name);
		if (matrix_check_finite(&chunk)) {
			e = -1;
			break;
		}
		kmeans_assign(chunk.x, chunk.n, model.d, model.x, model.n, nt, lab, dist, conf);
		write_rows(w, &chunk, 0, chunk.n, lab, dist, conf);
		progress_do(pg, done += chunk.n);
	}
	del_progress(pg);
	if (e == 0) /* on an error, no header either: stdout stays empty */
		if (del_vwriter(w))
			exit(1);
	del_vreader(r);
	del_matrix(&chunk);
	del_matrix(&model);
	free(lab), free(dist), free(conf);
	if (e < 0)
		exit(1);
	return 0;
}

/* -I: the initial centres, k of them (-k, when given, must agree); o->init_centers
 * points into init.  0, or 1 after a message. */
static int
load_init(const char *path, Matrix *init, const Matrix *m, KMeansOpt *o, int kset)
{
	if (load(path, init, "centres in the initial centres file"))
		return 1;
	if (init->d != m->d)
		eprintf("%s: dimension %zu does not match the data's %zu", init->name, init->d, m->d);
	if (kset && init->n != o->k)
		eprintf("%s: %zu centres, but -k %zu", init->name, init->n, o->k);
	o->k = init->n;
	o->init = KM_GIVEN;
	o->init_centers = init->x;
	return 0;
}

/* fit, then every record's cluster, distance and confidence on stdout */
static int
fit(const char *in, const char *initfile, const char *modelout, KMeansOpt *o, int kset,
    int binary, int quiet, int nt)
{
	KMeans *km;
	Matrix m, init;
	VWriter *w;
	float *dist, *conf;

	if (load(in, &m, "records"))
		return 1;
	if (initfile && load_init(initfile, &init, &m, o, kset)) {
		del_matrix(&m);
		return 1;
	}
	if (o->k > m.n)
		eprintf("%s: k=%zu exceeds the number of records (%zu)", m.name, o->k, m.n);
	km = new_kmeans(m.x, m.n, m.d, o); /* progress: runs; iterations */
	kmeans_do(km);
	if (km->distinct < km->k)
		weprintf("warning: %zu distinct clusters found, fewer than k=%zu (duplicate points?)",
		    km->distinct, km->k);
	if (!quiet)
		fprintf(stderr, "%s: k=%zu: inertia %.9g, %d iterations (best of %d runs: run %d)\n",
		    argv0, km->k, km->inertia, km->n_iter, km->o.n_init, km->best_run + 1);
	if (modelout)
		write_model(modelout, km, m.cols);
	dist = emallocarray(m.n, sizeof(float));
	conf = emallocarray(m.n, sizeof(float));
	kmeans_measure(m.x, m.n, m.d, km->ccenters, km->k, nt, km->labels, dist, conf);
	w = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(w, 3, 0, 3, outcols))
		exit(1);
	write_rows(w, &m, 0, m.n, km->labels, dist, conf);
	if (del_vwriter(w))
		exit(1);
	free(dist);
	free(conf);
	del_kmeans(km);
	if (initfile)
		del_matrix(&init);
	del_matrix(&m);
	return 0;
}

int
main(int argc, char **argv)
{
	KMeansOpt o;
	const char *modelout = NULL, *modelin = NULL, *initfile = NULL, *in = "-";
	int c, binary = 0, quiet = 0, nt = 0, kset = 0;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	kmeans_defaults(&o);
	while ((c = getopt(argc, argv, "a:be:I:i:j:k:m:n:qs:vx:")) != -1) {
		switch (c) {
		case 'a': modelin = optarg; break;
		case 'b': binary = 1; break;
		case 'e': o.tol = estrtod(optarg, 0, 1e300, 'e'); break;
		case 'I': initfile = optarg; break;
		case 'i':
			if (kmeans_parse_init(&o, optarg))
				util_usage(SYNOPSIS);
			break;
		case 'j': nt = (int)estrtol(optarg, 0, 256, 'j'); break;
		case 'k': o.k = (size_t)estrtol(optarg, 1, 1L << 24, 'k'); kset = 1; break;
		case 'm': modelout = optarg; break;
		case 'n': o.n_init = (int)estrtol(optarg, 1, 1000000, 'n'); break;
		case 'q': quiet = 1; break;
		case 's': o.seed = (uint64_t)estrtol(optarg, 0, 0x7fffffffffffffffL, 's'); break;
		case 'v': o.verbose = 1; break;
		case 'x': o.max_iter = (int)estrtol(optarg, 1, 100000000, 'x'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1 || (modelin && (modelout || initfile || kset)))
		util_usage(SYNOPSIS);
	if (optind < argc)
		in = argv[optind];
	nt = kmeans_threads(&o, nt);
	if (o.verbose)
		fprintf(stderr, "%s: %d worker thread%s, OpenBLAS single-threaded in each\n", argv0, nt,
		    nt == 1 ? "" : "s");
	progress_quiet(quiet);
	matrix_progress("rows read");
	matrix_read_threads(nt);
	if (modelin)
		return assign(modelin, in, binary, nt);
	return fit(in, initfile, modelout, &o, kset, binary, quiet, nt);
}
