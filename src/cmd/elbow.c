/* elbow — k-means inertia for a range of k (the elbow curve), its knee, and
 * optionally the silhouette and Davies–Bouldin scores of each clustering. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/blas.h"
#include "ml/kmeans.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "ml/metrics.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] =
    "[-bKqSv] [-k KMIN:KMAX] [-n NINIT] [-i kmeans++|random] [-x MAXITER] [-e TOL] "
    "[-s SEED] [-j THREADS] [file]";

static void
parse_range(const char *s, size_t *lo, size_t *hi)
{
	const char *arg = s;
	char *end;
	long a, b;

	a = strtol(s, &end, 10);
	if (end == s || *end != ':')
		goto bad;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || a < 1 || b < a || b > (1L << 24))
		goto bad;
	*lo = (size_t)a;
	*hi = (size_t)b;
	return;
bad:
	weprintf("-k: invalid value '%s' (KMIN:KMAX with 1 <= KMIN <= KMAX)", arg);
	util_usage(SYNOPSIS);
}

/* The curve: inertia (and with -S the two scores) of each k in kmin..kmax. */
typedef struct Curve {
	size_t kmin, kmax, nk;
	size_t *ks;
	double *kx, *iner, *sil, *db; /* sil, db: NULL without -S */
	long knee;                    /* index into ks, -1: none */
} Curve;

/* k-means for every k of the curve (kmin..kmax set) on m (centred once, on the
 * first k), and the knee; with metrics, the Davies-Bouldin index per k and the
 * silhouettes of all labelings in one pass.  Exits only when memory runs out. */
static void
fit_curve(Curve *cv, Matrix *m, KMeansOpt *o, int metrics, int nt)
{
	size_t j, nk = cv->nk = cv->kmax - cv->kmin + 1;
	int **labels = metrics ? ecalloc(nk, sizeof(int *)) : NULL;
	float *mean = NULL;
	KMeans *km;
	Progress *pg = new_progress("k values", nk);

	cv->kx = emallocarray(nk, sizeof(double));
	cv->iner = emallocarray(nk, sizeof(double));
	cv->ks = emallocarray(nk, sizeof(size_t));
	if (metrics) {
		cv->sil = emallocarray(nk, sizeof(double));
		cv->db = emallocarray(nk, sizeof(double));
	}
	for (j = 0; j < cv->nk; j++) {
		o->k = cv->ks[j] = cv->kmin + j;
		o->premean = mean; /* centre the data once, on the first k */
		o->progress = pg;
		km = new_kmeans(m->x, m->n, m->d, o);
		kmeans_do(km);
		if (!mean) {
			mean = emallocarray(m->d, sizeof(float));
			memcpy(mean, km->mean, m->d * sizeof(float));
		}
		if (km->distinct < km->k)
			weprintf("warning: k=%zu: %zu distinct clusters found (duplicate points?)",
			    km->k, km->distinct);
		cv->kx[j] = (double)cv->ks[j];
		cv->iner[j] = km->inertia;
		if (metrics) {
			labels[j] = km->labels;
			km->labels = NULL;
			cv->db[j] = metrics_davies_bouldin(m->x, m->n, m->d, labels[j], cv->ks[j]);
		}
		del_kmeans(km);
		progress_do(pg, j + 1);
	}
	del_progress(pg);
	if (metrics)
		metrics_silhouette_multi(m->x, m->n, m->d, cv->nk, (const int *const *)labels,
		    cv->ks, nt, cv->sil);
	cv->knee = metrics_knee(cv->kx, cv->iner, cv->nk);
	for (j = 0; metrics && j < cv->nk; j++)
		free(labels[j]);
	free(labels);
	free(mean);
}

/* -K: the knee's k on stdout; 0, or 1 after a message (no knee, write error) */
static int
print_knee(const Curve *cv)
{
	if (cv->knee < 0) {
		weprintf("no knee: the inertia curve over k=%zu..%zu has no point above its chord",
		    cv->kmin, cv->kmax);
		return 1;
	}
	printf("%zu\n", cv->ks[cv->knee]);
	return fshut(stdout, "<stdout>") ? 1 : 0;
}

/* the curve as a stream (after a "# knee=" line in TSV); exits 1 on a write error */
static void
print_curve(const Curve *cv, int binary)
{
	static char *cols[] = { "inertia", "silhouette", "davies_bouldin" };
	unsigned nv = cv->sil ? 3 : 1;
	char key[32];
	VWriter *w;
	float v[3];
	size_t j;

	if (!binary) {
		if (cv->knee >= 0)
			printf("# knee=%zu\n", cv->ks[cv->knee]);
		else
			printf("# knee=none\n");
	}
	w = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(w, nv, 0, nv, cols))
		exit(1);
	for (j = 0; j < cv->nk; j++) {
		snprintf(key, sizeof key, "%zu", cv->ks[j]);
		v[0] = (float)cv->iner[j];
		if (cv->sil) {
			v[1] = (float)cv->sil[j];
			v[2] = (float)cv->db[j];
		}
		if (vwriter_write(w, key, v, nv))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
}

int
main(int argc, char **argv)
{
	KMeansOpt o;
	Matrix m;
	Curve cv = { .kmin = 2, .kmax = 15 };
	const char *in = "-";
	int c, binary = 0, quiet = 0, nt = 0, metrics = 0, kneeonly = 0, rc = 0;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	kmeans_defaults(&o);
	while ((c = getopt(argc, argv, "be:i:j:Kk:n:qSs:vx:")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 'e': o.tol = estrtod(optarg, 0, 1e300, 'e'); break;
		case 'i':
			if (kmeans_parse_init(&o, optarg))
				util_usage(SYNOPSIS);
			break;
		case 'j': nt = (int)estrtol(optarg, 0, 256, 'j'); break;
		case 'K': kneeonly = 1; break;
		case 'k': parse_range(optarg, &cv.kmin, &cv.kmax); break;
		case 'n': o.n_init = (int)estrtol(optarg, 1, 1000000, 'n'); break;
		case 'q': quiet = 1; break;
		case 'S': metrics = 1; break;
		case 's': o.seed = (uint64_t)estrtol(optarg, 0, 0x7fffffffffffffffL, 's'); break;
		case 'v': o.verbose = 1; break;
		case 'x': o.max_iter = (int)estrtol(optarg, 1, 100000000, 'x'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (optind < argc)
		in = argv[optind];
	nt = kmeans_threads(&o, nt);
	progress_quiet(quiet);
	matrix_progress("rows read");
	matrix_read_threads(nt);
	if (matrix_load_nonempty(in, &m, "empty input: no records"))
		return 1;
	if (matrix_check_finite(&m)) {
		del_matrix(&m);
		return 1;
	}
	if (cv.kmax > m.n)
		eprintf("%s: k=%zu exceeds the number of records (%zu)", m.name, cv.kmax, m.n);
	fit_curve(&cv, &m, &o, metrics, nt);
	if (kneeonly)
		rc = print_knee(&cv);
	else
		print_curve(&cv, binary);
	if (!quiet && cv.knee >= 0 && !kneeonly)
		fprintf(stderr, "%s: knee at k=%zu\n", argv0, cv.ks[cv.knee]);
	free(cv.sil), free(cv.db), free(cv.kx), free(cv.iner), free(cv.ks);
	del_matrix(&m);
	return rc;
}
