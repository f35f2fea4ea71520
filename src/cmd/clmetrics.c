/* clmetrics — how good a clustering is: silhouette, Davies-Bouldin and
 * Calinski-Harabasz on the data, and agreement with given labels (adjusted Rand,
 * NMI, AMI, homogeneity, completeness, V-measure, purity), as sklearn.metrics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/agreement.h"
#include "ml/metrics.h"
#include "core/matrix.h"
#include "core/util.h"

static const char SYNOPSIS[] =
    "[-q] [-c COLUMN] [-n SAMPLE] [-s SEED] [-j THREADS] [-t TRUTH] labels [data]";

typedef struct Entry {
	const char *key, *label;
} Entry;

static int
entrycmp(const void *p, const void *q)
{
	return strcmp(((const Entry *)p)->key, ((const Entry *)q)->key);
}

static int
strpcmp(const void *p, const void *q)
{
	return strcmp(*(char *const *)p, *(char *const *)q);
}

static int
longcmp(const void *p, const void *q)
{
	long a = *(const long *)p, b = *(const long *)q;

	return (a > b) - (a < b);
}

/* The value column of the labels stream: -c NAME or a 1-based number. */
static size_t
pick_column(const Matrix *m, const char *col)
{
	size_t j;
	char *end;
	long v;

	if (!col)
		return 0;
	for (j = 0; m->cols && j < m->d; j++)
		if (!strcmp(m->cols[j], col))
			return j;
	v = strtol(col, &end, 10);
	if (end == col || *end || v < 1 || (size_t)v > m->d)
		eprintf("%s: -c %s: no such column (a name of the stream or 1..%zu)", m->name, col, m->d);
	return (size_t)v - 1;
}

/* cluster ids of the labels stream, numbered 0 .. *k - 1 in increasing order */
static int *
read_clusters(const Matrix *m, size_t col, size_t *k)
{
	long *v = emalloc(m->n * sizeof(long)), *u = emalloc(m->n * sizeof(long)), *p;
	int *lab = emalloc(m->n * sizeof(int));
	size_t i, nu = 0;
	float f;

	for (i = 0; i < m->n; i++) {
		f = m->x[i * m->d + col];
		if (!isfinite(f) || f != floorf(f) || fabsf(f) > 2e9f)
			eprintf("%s: record %zu (%s): field %zu: '%.9g' is not a cluster id (an integer)",
			    m->name, i + 1, matrix_key(m, i), col + 2, f);
		v[i] = u[i] = (long)f;
	}
	qsort(u, m->n, sizeof(long), longcmp);
	for (i = 0; i < m->n; i++)
		if (!nu || u[i] != u[nu - 1])
			u[nu++] = u[i];
	for (i = 0; i < m->n; i++) {
		p = bsearch(&v[i], u, nu, sizeof(long), longcmp);
		lab[i] = (int)(p - u);
	}
	*k = nu;
	free(v), free(u);
	return lab;
}

/* TRUTH: "key<TAB>label" lines ('#' lines skipped), into sorted entries. */
static Entry *
read_truth(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "r");
	Entry *e = NULL;
	size_t cap = 0, len = 0, i;
	unsigned long line = 0;
	char *s = NULL, *tab, *end;
	ssize_t got;

	if (!fp)
		eprintf("%s:", path);
	*n = 0;
	for (; (got = getline(&s, &len, fp)) >= 0; s = NULL, len = 0) {
		line++;
		if (got && s[got - 1] == '\n')
			s[--got] = 0;
		if (s[0] == '#' || s[0] == 0) {
			free(s);
			continue;
		}
		if (!(tab = strchr(s, '\t')))
			eprintf("%s:%lu: no label after the key", path, line);
		*tab = 0;
		if ((end = strchr(tab + 1, '\t')))
			*end = 0;
		if (*n == cap)
			e = ereallocarray(e, cap = cap ? 2 * cap : 256, sizeof *e);
		e[*n].key = s, e[(*n)++].label = tab + 1;
	}
	if (ferror(fp))
		eprintf("%s: read error:", path);
	fclose(fp);
	free(s);
	qsort(e, *n, sizeof *e, entrycmp);
	for (i = 1; i < *n; i++)
		if (!strcmp(e[i].key, e[i - 1].key))
			eprintf("%s: key '%s' has two labels", path, e[i].key);
	return e;
}

/* the class of every record of the labels stream, numbered 0 .. *k - 1 */
static int *
read_classes(const char *path, const Matrix *m, size_t *k)
{
	size_t ne, i, j, nu = 0;
	char **u = emalloc(m->n * sizeof(char *)), **p;
	Entry *e = read_truth(path, &ne), key, *hit;
	int *lab = emalloc(m->n * sizeof(int));
	const char **lbl = emalloc(m->n * sizeof(char *));

	for (i = 0; i < m->n; i++) {
		key.key = matrix_key(m, i);
		if (!(hit = bsearch(&key, e, ne, sizeof *e, entrycmp)))
			eprintf("%s: no label for record %zu (%s) of %s", path, i + 1, key.key, m->name);
		lbl[i] = u[i] = (char *)hit->label;
	}
	qsort(u, m->n, sizeof(char *), strpcmp);
	for (i = 0; i < m->n; i++)
		if (!nu || strcmp(u[i], u[nu - 1]))
			u[nu++] = u[i];
	for (i = 0; i < m->n; i++) {
		p = bsearch(&lbl[i], u, nu, sizeof(char *), strpcmp);
		lab[i] = (int)(p - u);
	}
	*k = nu;
	for (j = 0; j < ne; j++)
		free((char *)e[j].key);
	free(e), free(u), free(lbl);
	return lab;
}

static void
put(const char *name, double v, int quiet)
{
	if (isnan(v) && !quiet)
		weprintf("warning: %s undefined: it needs 2 to n - 1 clusters", name);
	printf("%s\t%.17g\n", name, v);
}

/* silhouette, Davies-Bouldin, Calinski-Harabasz of the labels on data */
static void
internal(const char *path, const Matrix *lm, const int *lab, size_t k, size_t sample,
    uint64_t seed, int nt, int quiet)
{
	Matrix m;
	size_t i;
	double sil;

	if (matrix_load_nonempty(path, &m, "empty input: no records") || matrix_check_finite(&m))
		exit(1);
	if (m.n != lm->n)
		eprintf("%s: %zu records, but %zu in %s", m.name, m.n, lm->n, lm->name);
	for (i = 0; i < m.n; i++)
		if (strcmp(matrix_key(&m, i), matrix_key(lm, i)))
			eprintf("%s: record %zu (%s): %s has '%s' there: give the records in the same order",
			    m.name, i + 1, matrix_key(&m, i), lm->name, matrix_key(lm, i));
	if (sample && sample < m.n) {
		sil = metrics_silhouette_sampled(m.x, m.n, m.d, lab, k, sample, seed, nt, NULL);
		if (!quiet)
			fprintf(stderr, "%s: silhouette of a sample of %zu records (-s %llu)\n", argv0,
			    sample, (unsigned long long)seed);
	} else {
		sil = metrics_silhouette(m.x, m.n, m.d, lab, k, nt);
	}
	put("silhouette", sil, quiet);
	put("davies_bouldin", metrics_davies_bouldin(m.x, m.n, m.d, lab, k), quiet);
	put("calinski_harabasz", metrics_calinski_harabasz(m.x, m.n, m.d, lab, k), quiet);
	del_matrix(&m);
}

/* agreement of the labels with the classes of TRUTH */
static void
external(const char *truth, const Matrix *lm, const int *lab, size_t k)
{
	Agreement a;
	size_t r;
	int *cls = read_classes(truth, lm, &r);
	double h, c, v;

	new_agreement(&a, cls, r, lab, k, lm->n);
	put("ari", agreement_ari(&a), 1);
	put("nmi", agreement_nmi(&a), 1);
	put("ami", agreement_ami(&a), 1);
	agreement_vmeasure(&a, &h, &c, &v);
	put("homogeneity", h, 1);
	put("completeness", c, 1);
	put("v_measure", v, 1);
	put("purity", agreement_purity(&a), 1);
	del_agreement(&a);
	free(cls);
}

int
main(int argc, char **argv)
{
	Matrix lm;
	const char *col = NULL, *truth = NULL;
	int c, quiet = 0, nt = 1, *lab;
	size_t sample = 0, k;
	uint64_t seed = 0;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "c:j:n:qs:t:")) != -1) {
		switch (c) {
		case 'c': col = optarg; break;
		case 'j': nt = (int)estrtol(optarg, 1, 256, 'j'); break;
		case 'n': sample = (size_t)estrtol(optarg, 2, 1L << 40, 'n'); break;
		case 'q': quiet = 1; break;
		case 's': seed = (uint64_t)estrtol(optarg, 0, 0x7fffffffffffffffL, 's'); break;
		case 't': truth = optarg; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind < 1 || argc - optind > 2 || (argc - optind == 1 && !truth))
		util_usage(SYNOPSIS);
	if (matrix_load_nonempty(argv[optind], &lm, "empty input: no records"))
		return 1;
	lab = read_clusters(&lm, pick_column(&lm, col), &k);
	if (argc - optind == 2)
		internal(argv[optind + 1], &lm, lab, k, sample, seed, nt, quiet);
	if (truth)
		external(truth, &lm, lab, k);
	if (fshut(stdout, "<stdout>"))
		return 1;
	free(lab);
	del_matrix(&lm);
	return 0;
}
