/* elbow — k-means inertia for a range of k (the elbow curve), its knee, and
 * optionally the silhouette and Davies–Bouldin scores of each clustering. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/blas.h"
#include "ml/kmeans.h"
#include "core/matrix.h"
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

int
main(int argc, char **argv)
{
	KMeansOpt o;
	KMeans *km;
	Matrix m;
	VWriter *w;
	const char *in = "-";
	char *cols[] = { "inertia", "silhouette", "davies_bouldin" }, key[32];
	int c, binary = 0, quiet = 0, nt = 0, metrics = 0, kneeonly = 0, rc = 0;
	size_t kmin = 2, kmax = 15, nk, j, f;
	double *kx, *iner, *sil = NULL, *db = NULL;
	float *mean = NULL, v[3];
	int **labels = NULL;
	size_t *ks;
	long knee;

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
		case 'k': parse_range(optarg, &kmin, &kmax); break;
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

	if (matrix_load_nonempty(in, &m, "empty input: no records"))
		return 1;
	if (matrix_check_finite(&m)) {
		del_matrix(&m);
		return 1;
	}
	if (kmax > m.n)
		eprintf("%s: k=%zu exceeds the number of records (%zu)", m.name, kmax, m.n);
	nk = kmax - kmin + 1;
	kx = emallocarray(nk, sizeof(double));
	iner = emallocarray(nk, sizeof(double));
	ks = emallocarray(nk, sizeof(size_t));
	if (metrics) {
		labels = ecalloc(nk, sizeof(int *));
		sil = emallocarray(nk, sizeof(double));
		db = emallocarray(nk, sizeof(double));
	}
	for (j = 0; j < nk; j++) {
		o.k = ks[j] = kmin + j;
		o.premean = mean; /* centre the data once, on the first k */
		km = new_kmeans(m.x, m.n, m.d, &o);
		kmeans_do(km);
		if (!mean) {
			mean = emallocarray(m.d, sizeof(float));
			for (f = 0; f < m.d; f++)
				mean[f] = km->mean[f];
		}
		if (km->distinct < km->k)
			weprintf("warning: k=%zu: %zu distinct clusters found (duplicate points?)",
			    km->k, km->distinct);
		kx[j] = (double)ks[j];
		iner[j] = km->inertia;
		if (metrics) {
			labels[j] = km->labels;
			km->labels = NULL;
			db[j] = metrics_davies_bouldin(m.x, m.n, m.d, labels[j], ks[j]);
		}
		del_kmeans(km);
	}
	if (metrics)
		metrics_silhouette_multi(m.x, m.n, m.d, nk, (const int *const *)labels, ks, nt, sil);
	knee = metrics_knee(kx, iner, nk);
	if (kneeonly) {
		if (knee < 0) {
			weprintf("no knee: the inertia curve over k=%zu..%zu has no point above its chord",
			    kmin, kmax);
			rc = 1;
		} else {
			printf("%zu\n", ks[knee]);
			if (fshut(stdout, "<stdout>"))
				rc = 1;
		}
	} else {
		if (!binary) {
			if (knee >= 0)
				printf("# knee=%zu\n", ks[knee]);
			else
				printf("# knee=none\n");
		}
		w = new_vwriter(stdout, "<stdout>", binary);
		if (vwriter_header(w, metrics ? 3 : 1, 0, metrics ? 3 : 1, cols))
			exit(1);
		for (j = 0; j < nk; j++) {
			snprintf(key, sizeof key, "%zu", ks[j]);
			v[0] = (float)iner[j];
			if (metrics) {
				v[1] = (float)sil[j];
				v[2] = (float)db[j];
			}
			if (vwriter_write(w, key, v, metrics ? 3 : 1))
				exit(1);
		}
		if (del_vwriter(w))
			exit(1);
	}
	if (!quiet && knee >= 0 && !kneeonly)
		fprintf(stderr, "%s: knee at k=%zu\n", argv0, ks[knee]);
	if (metrics)
		for (j = 0; j < nk; j++)
			free(labels[j]);
	free(labels), free(sil), free(db), free(kx), free(iner), free(ks), free(mean);
	del_matrix(&m);
	return rc;
}
