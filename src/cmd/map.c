/* map — maps of a collection: t-SNE (scikit-learn 1.2's TSNE), UMAP (umap-learn
 * 0.5) or PCA in 2-D or 3-D, one `key x y [z]` record per input record; UMAP and
 * PCA maps can be saved (-m) and new songs placed into them (-a).  The work is in
 * src/lib/ml/ (tsne.c, umap.c, pca.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/matrix.h"
#include "core/pool.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vwriter.h"
#include "ml/blas.h"
#include "ml/mapnn.h"
#include "ml/pca.h"
#include "ml/tsne.h"
#include "ml/umap.h"

static const char SYNOPSIS[] =
    "[-bq] [-M tsne|umap|pca] [-k dims] [-d euclidean|cosine] [-s seed] [-j threads] "
    "[-p perplexity] [-x iterations] [-g exact|bh] [-t theta] [-n neighbors] [-e epochs] "
    "[-D min_dist] [-i init] [-m model] [-a model] [file]";

enum { M_TSNE, M_UMAP, M_PCA };
static const char *const method_names[] = { "tsne", "umap", "pca" };
static const char *const col_prefix[] = { "tsne", "umap", "pc" };

typedef struct Opt {
	int method, dims, metric, binary, quiet, nthreads, fitopt;
	const char *init, *model_out, *model_in, *in;
	TsneOpt t;
	UmapOpt u;
} Opt;

/* write n records of dims values from float or double rows */
static void
write_map(const Matrix *m, const float *f, const double *dv, int dims, const char *prefix,
    int binary)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	char *cols[3], buf[3][16];
	float v[3];
	size_t i;
	int k;

	for (k = 0; k < dims; k++) {
		snprintf(buf[k], sizeof buf[k], "%s%d", prefix, k + 1);
		cols[k] = buf[k];
	}
	if (vwriter_header(w, (unsigned)dims, 0, (unsigned)dims, cols))
		exit(1);
	for (i = 0; i < m->n; i++) {
		for (k = 0; k < dims; k++)
			v[k] = f ? f[i * dims + k] : (float)dv[i * dims + k];
		if (vwriter_write(w, matrix_key(m, i), v, (size_t)dims))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
}

/* the input: finite, distinct points, enough of them for the method */
static int
load_points(const Opt *o, Matrix *m)
{
	size_t a, b, need = 0;

	if (matrix_load_nonempty(o->in, m, "empty input: nothing to map"))
		return -1;
	if (matrix_check_finite(m))
		goto fail;
	if (mapnn_duplicate(m->x, m->n, m->d, &a, &b)) {
		weprintf("%s: records %zu (%s) and %zu (%s) are the same point: a map needs distinct "
		    "points (remove the duplicates)", m->name, a + 1, matrix_key(m, a), b + 1, matrix_key(m, b));
		goto fail;
	}
	if (o->method == M_TSNE && (double)m->n <= 3 * o->t.perplexity) {
		weprintf("%s: %zu points: t-SNE with perplexity %g needs more than 3 x perplexity "
		    "(lower -p)", m->name, m->n, o->t.perplexity);
		goto fail;
	}
	if (o->method == M_UMAP && m->n <= (size_t)o->u.n_neighbors) {
		weprintf("%s: %zu points: UMAP with %d neighbours needs more points than neighbours "
		    "(lower -n)", m->name, m->n, o->u.n_neighbors);
		goto fail;
	}
	need = o->method == M_PCA ? 2 : 0;
	if (m->n < need || m->d < (size_t)o->dims) {
		weprintf("%s: %zu points of dimension %zu: too few for a %d-D map", m->name, m->n, m->d, o->dims);
		goto fail;
	}
	return 0;
fail:
	del_matrix(m);
	return -1;
}

/* flush and close a model file; a write error removes it and exits 1 */
static void
close_model(FILE *fp, const char *path)
{
	int failed = fshut(fp, path);

	if (fclose_out(fp, path, failed) || failed)
		exit(1);
}

static int
run_tsne(const Opt *o, const Matrix *m)
{
	double *y = ereallocarray(NULL, m->n, (size_t)o->dims * sizeof *y);
	TsneInfo info;

	if (tsne_fit(m->x, m->n, m->d, &o->t, y, &info)) {
		free(y);
		return 1;
	}
	if (!o->quiet) {
		fprintf(stderr, "%s: t-SNE %d-D (", argv0, o->dims);
		if (info.exact)
			fprintf(stderr, "exact");
		else
			fprintf(stderr, "Barnes-Hut, theta %g", o->t.theta);
		fprintf(stderr, "), perplexity %g: KL divergence %.9g after %d iterations, learning rate %g\n",
		    o->t.perplexity, info.kl, info.n_iter + 1, info.learning_rate);
	}
	write_map(m, NULL, y, o->dims, col_prefix[M_TSNE], o->binary);
	free(y);
	return 0;
}

/* the fitted UMAP map into a model file */
static void
save_umap(const Opt *o, const Matrix *m, float *emb, const UmapInfo *info)
{
	UmapModel mo = { m->n, m->d, o->dims, o->u.n_neighbors, o->u.metric, o->u.n_epochs,
	    info->a, info->b, m->x, emb, NULL, m->cols };
	FILE *fp = efopen_out(o->model_out);
	size_t i;

	mo.keys = ereallocarray(NULL, m->n, sizeof *mo.keys);
	for (i = 0; i < m->n; i++)
		mo.keys[i] = (char *)matrix_key(m, i);
	umap_save(&mo, fp);
	free(mo.keys);
	close_model(fp, o->model_out);
}

static int
run_umap(const Opt *o, const Matrix *m)
{
	float *emb = ereallocarray(NULL, m->n, (size_t)o->dims * sizeof *emb);
	UmapInfo info;

	if (umap_fit(m->x, m->n, m->d, &o->u, emb, &info)) {
		free(emb);
		return 1;
	}
	if (info.init_failed)
		weprintf("warning: spectral initialisation failed: random initial map");
	if (info.isolated)
		weprintf("warning: %zu points have no neighbour within reach: their map coordinates are NaN",
		    info.isolated);
	if (!o->quiet)
		fprintf(stderr, "%s: UMAP %d-D, %d neighbours, min_dist %g (a %.9g, b %.9g): %d epochs over "
		    "%zu edges, %zu connected component%s\n", argv0, o->dims, o->u.n_neighbors, o->u.min_dist,
		    info.a, info.b, info.n_epochs, info.edges / 2, info.ncomp, info.ncomp == 1 ? "" : "s");
	if (o->model_out)
		save_umap(o, m, emb, &info);
	write_map(m, emb, NULL, o->dims, col_prefix[M_UMAP], o->binary);
	free(emb);
	return 0;
}

static int
run_pca(const Opt *o, Matrix *m)
{
	PcaModel pm;
	FILE *fp;
	double v = 0;
	size_t k;

	if (pca_fit(&pm, m, 0.5, (size_t)o->dims, 0))
		return 1;
	for (k = 0; k < pm.k; k++)
		v += pm.var[k];
	if (!o->quiet)
		fprintf(stderr, "%s: PCA %d-D: %.4g %% of the variance\n", argv0, o->dims, 100 * v / pm.total);
	if (o->model_out) {
		fp = efopen_out(o->model_out);
		pca_save(&pm, fp);
		close_model(fp, o->model_out);
	}
	write_map(m, m->x, NULL, o->dims, col_prefix[M_PCA], o->binary);
	del_pca(&pm);
	return 0;
}

/* the model= of a songvec table's first line ("" when none); NULL after a message */
static char *
model_kind(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	char line[256], *p;

	if (!fp) {
		weprintf("%s:", path);
		return NULL;
	}
	buf[0] = 0;
	if (fgets(line, sizeof line, fp) && !strncmp(line, "#songvec", 8) && (p = strstr(line, "model=")))
		snprintf(buf, len, "%.*s", (int)strcspn(p + 6, " \t\n"), p + 6);
	fclose(fp);
	return buf;
}

/* the points to place: finite, of the model's dimension d; 0, or -1 (m freed) */
static int
load_new(const Opt *o, size_t d, Matrix *m)
{
	if (matrix_load_nonempty(o->in, m, "empty input: nothing to place"))
		return -1;
	if (matrix_check_finite(m)) {
		del_matrix(m);
		return -1;
	}
	if (m->d != d) {
		weprintf("%s: dimension %zu does not match the model's %zu (%s)", m->name, m->d, d,
		    o->model_in);
		del_matrix(m);
		return -1;
	}
	return 0;
}

static int
apply_umap(const Opt *o)
{
	UmapModel um;
	Matrix m;
	float *out;

	if (umap_load(&um, o->model_in))
		return 1;
	if (load_new(o, um.d, &m)) {
		del_umap(&um);
		return 1;
	}
	out = ereallocarray(NULL, m.n, (size_t)um.dims * sizeof *out);
	umap_transform(&um, m.x, m.n, &o->u, out);
	write_map(&m, out, NULL, um.dims, col_prefix[M_UMAP], o->binary);
	free(out);
	del_umap(&um);
	del_matrix(&m);
	return 0;
}

static int
apply_pca(const Opt *o)
{
	PcaModel pm;
	Matrix m;
	float *out;

	if (pca_load(&pm, o->model_in))
		return 1;
	if (pm.k < 1 || pm.k > 3) {
		weprintf("%s: a PCA model of %zu components is no 1-, 2- or 3-D map (see pca -a)",
		    o->model_in, pm.k);
		del_pca(&pm);
		return 1;
	}
	if (load_new(o, pm.d, &m)) {
		del_pca(&pm);
		return 1;
	}
	out = ereallocarray(NULL, m.n, pm.k * sizeof *out);
	pca_apply(&pm, m.x, m.n, out);
	write_map(&m, out, NULL, (int)pm.k, col_prefix[M_PCA], o->binary);
	free(out);
	del_pca(&pm);
	del_matrix(&m);
	return 0;
}

/* -a: place the input into a saved UMAP or PCA map */
static int
apply(const Opt *o)
{
	char kind[32];

	if (!model_kind(o->model_in, kind, sizeof kind))
		return 1;
	if (!strcmp(kind, "umap"))
		return apply_umap(o);
	if (!strcmp(kind, "pca"))
		return apply_pca(o);
	weprintf("%s: not a UMAP or PCA map (model=%s): only those can place new points",
	    o->model_in, kind[0] ? kind : "none");
	return 1;
}

/* -M, -d, -g, -i values; exits 2 on an unknown one */
static int
pick(const char *v, const char *const *names, int n, int opt, const char *what)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return i;
	weprintf("-%c: invalid value '%s' (%s)", opt, v, what);
	exit(2);
}

/* method-specific options: t-SNE's p, x, g, t; UMAP's n, e, D */
static void
check_options(const Opt *o, const char *given)
{
	const char *p;

	for (p = given; *p; p++) {
		if (strchr("pxgt", *p) && o->method != M_TSNE)
			weprintf("-%c applies to t-SNE (-M tsne)", *p), util_usage(SYNOPSIS);
		if (strchr("neD", *p) && o->method != M_UMAP)
			weprintf("-%c applies to UMAP (-M umap)", *p), util_usage(SYNOPSIS);
		if (*p == 'i' && o->method == M_PCA)
			weprintf("-i applies to t-SNE and UMAP"), util_usage(SYNOPSIS);
	}
	if (o->model_in && o->fitopt) {
		weprintf("-a places points into a saved map: -M, -k, -d, -m and the fit options belong to fitting");
		util_usage(SYNOPSIS);
	}
	if (o->model_out && o->method == M_TSNE) {
		weprintf("-m: t-SNE cannot place new points, so it saves no model (use -M umap or -M pca)");
		util_usage(SYNOPSIS);
	}
}

/* copy the shared settings into the methods' options */
static void
settle(Opt *o)
{
	static const char *const tinit[] = { "pca", "random" }, *const uinit[] = { "spectral", "random" };

	o->t.dims = o->u.dims = o->dims;
	o->t.metric = o->u.metric = o->metric;
	o->t.nthreads = o->u.nthreads = o->nthreads;
	if (o->init && o->method == M_TSNE)
		o->t.init = pick(o->init, tinit, 2, 'i', "pca or random for t-SNE");
	if (o->init && o->method == M_UMAP)
		o->u.init = pick(o->init, uinit, 2, 'i', "spectral or random for UMAP");
}

static void
parse(Opt *o, int argc, char **argv)
{
	static const char *const metrics[] = { "euclidean", "cosine" }, *const grads[] = { "exact", "bh" };
	char given[32] = "";
	uint64_t seed;
	int c;

	while ((c = getopt(argc, argv, "a:bD:d:e:g:i:j:k:M:m:n:p:qs:t:x:")) != -1) {
		if (strchr("pxgtneDi", c) && strlen(given) < sizeof given - 1)
			given[strlen(given)] = (char)c;
		o->fitopt |= strchr("MkdmpxgtneDi", c) != NULL;
		switch (c) {
		case 'a': o->model_in = optarg; break;
		case 'b': o->binary = 1; break;
		case 'D': o->u.min_dist = estrtod(optarg, 0, 1e6, 'D'); break;
		case 'd': o->metric = pick(optarg, metrics, 2, 'd', "euclidean or cosine") ? KNN_COSINE : KNN_EUCLIDEAN; break;
		case 'e': o->u.n_epochs = (int)estrtol(optarg, 1, 1000000, 'e'); break;
		case 'g': o->t.method = pick(optarg, grads, 2, 'g', "exact or bh") ? TSNE_BH : TSNE_EXACT; break;
		case 'i': o->init = optarg; break;
		case 'j': o->nthreads = (int)estrtol(optarg, 1, POOL_MAX, 'j'); break;
		case 'k': o->dims = (int)estrtol(optarg, 1, 3, 'k'); break;
		case 'M': o->method = pick(optarg, method_names, 3, 'M', "tsne, umap or pca"); break;
		case 'm': o->model_out = optarg; break;
		case 'n': o->u.n_neighbors = (int)estrtol(optarg, 2, 1000, 'n'); break;
		case 'p': o->t.perplexity = estrtod(optarg, 1, 1000, 'p'); break;
		case 'q': o->quiet = 1; break;
		case 's': seed = (uint64_t)estrtol(optarg, 0, 0x7fffffffffffffffL, 's'); o->t.seed = o->u.seed = seed; break;
		case 't': o->t.theta = estrtod(optarg, 0, 1, 't'); break;
		case 'x': o->t.max_iter = (int)estrtol(optarg, 250, 100000000, 'x'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (optind < argc)
		o->in = argv[optind];
	check_options(o, given);
	settle(o);
}

int
main(int argc, char **argv)
{
	Opt o = { .method = M_UMAP, .dims = 2, .metric = KNN_EUCLIDEAN, .in = "-" };
	Matrix m;
	int rc;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	tsne_defaults(&o.t);
	umap_defaults(&o.u);
	o.nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o.nthreads < 1 || getenv("PARALLEL_SEQ"))
		o.nthreads = 1;
	parse(&o, argc, argv);
	progress_quiet(o.quiet);
	blas_threads(1); /* the kNN engine runs one sgemm per thread of its own */
	if (o.model_in)
		return apply(&o);
	if (o.model_out && !strcmp(o.model_out, "-"))
		eprintf("-m: the model goes to a file, the map to standard output");
	if (load_points(&o, &m))
		return 1;
	rc = o.method == M_TSNE ? run_tsne(&o, &m) : o.method == M_UMAP ? run_umap(&o, &m) : run_pca(&o, &m);
	del_matrix(&m);
	return rc;
}
