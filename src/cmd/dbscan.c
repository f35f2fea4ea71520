/* dbscan — cluster a vector stream with DBSCAN (scikit-learn 1.2.1), one record per
 * song: cluster (-1 for noise) and core flag, for dbload -a dbscan clusters. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/matrix.h"
#include "core/util.h"
#include "core/vwriter.h"
#include "ml/blas.h"
#include "ml/dbscan.h"
#include "ml/knn.h"

static const char SYNOPSIS[] =
    "[-bqv] [-e EPS] [-n MINSAMPLES] [-d euclidean|cosine] [-j THREADS] [file]";

static char *outcols[] = { "cluster", "core" };

/* the data: not empty, finite, and under cosine no zero vector */
static void
load(const char *in, Matrix *m, int metric)
{
	long z;

	if (matrix_load_nonempty(in, m, "empty input: no records") || matrix_check_finite(m))
		exit(1);
	if (metric == KNN_COSINE && (z = knn_zero_row(m->x, m->n, m->d)) >= 0)
		eprintf("%s: record %ld (%s): zero vector: it has no cosine distance "
		    "(drop it, or use -d euclidean)", m->name, z + 1, matrix_key(m, (size_t)z));
}

static void
write_rows(const Matrix *m, const long *label, const unsigned char *core, int binary)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	float v[2];
	size_t i;

	if (vwriter_header(w, 2, 0, 2, outcols))
		exit(1);
	for (i = 0; i < m->n; i++) {
		v[0] = (float)label[i];
		v[1] = core[i];
		if (vwriter_write(w, matrix_key(m, i), v, 2))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
}

int
main(int argc, char **argv)
{
	DbscanOpt o = { 0.5, 5, KNN_EUCLIDEAN, 0 };
	DbscanStats st;
	Matrix m;
	const char *in = "-";
	int c, binary = 0, quiet = 0, verbose = 0;
	long *label;
	unsigned char *core;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "bd:e:j:n:qv")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 'd':
			o.metric = knn_metric(optarg);
			if (o.metric != KNN_EUCLIDEAN && o.metric != KNN_COSINE) {
				weprintf("-d: unknown metric '%s' (euclidean or cosine)", optarg);
				util_usage(SYNOPSIS);
			}
			break;
		case 'e': o.eps = estrtod(optarg, 1e-300, 1e300, 'e'); break;
		case 'j': o.nthreads = (int)estrtol(optarg, 0, 256, 'j'); break;
		case 'n': o.min_samples = (size_t)estrtol(optarg, 1, 1L << 40, 'n'); break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (optind < argc)
		in = argv[optind];
	o.nthreads = blas_threads(o.nthreads);
	if (verbose)
		blas_report(stderr);
	blas_threads(1); /* the engine's threads are the pool's */
	load(in, &m, o.metric);
	label = ecalloc(m.n, sizeof *label);
	core = ecalloc(m.n, 1);
	dbscan_do(m.x, m.n, m.d, &o, label, core, &st);
	if (st.clusters == 0)
		weprintf("warning: every point is noise (eps %.9g too small, or min_samples %zu too "
		    "large?)", o.eps, o.min_samples);
	if (!quiet)
		fprintf(stderr, "%s: eps %.9g, min_samples %zu: %zu clusters; %zu core, %zu border, "
		    "%zu noise points\n", argv0, o.eps, o.min_samples, st.clusters, st.core, st.border,
		    st.noise);
	write_rows(&m, label, core, binary);
	free(label);
	free(core);
	del_matrix(&m);
	return 0;
}
