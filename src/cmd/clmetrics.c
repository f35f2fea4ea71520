/* clmetrics — how good a clustering is: silhouette, Davies-Bouldin and
 * Calinski-Harabasz on the data, and agreement with given labels (adjusted Rand,
 * NMI, AMI, homogeneity, completeness, V-measure, purity), as sklearn.metrics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/agreement.h"
#include "ml/blas.h"
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

/* The value column of the labels stream: -c NAME or a 1-based number; -1 after
 * a message when there is no such column. */
static long
pick_column(const Matrix *m, const char *col)
{
	size_t j;
	char *end;
	long v;

	if (!col)
		return 0;
	for (j = 0; m->cols && j < m->d; j++)
		if (!strcmp(m->cols[j], col))
			return (long)j;
	v = strtol(col, &end, 10);
	if (end == col || *end || v < 1 || (size_t)v > m->d) {
		weprintf("%s: -c %s: no such column (a name of the stream or 1..%zu)", m->name, col, m->d);
		return -1;
	}
	return v - 1;
}

/* cluster ids of the labels stream, numbered 0 .. *k - 1 in increasing order;
 * NULL after a message when one is not an integer */
static int *
read_clusters(const Matrix *m, size_t col, size_t *k)
{
	long *v, *u, *p;
	int *lab;
	size_t i, nu = 0;
	float f;

	for (i = 0; i < m->n; i++) {
		f = m->x[i * m->d + col];
		if (!isfinite(f) || f != floorf(f) || fabsf(f) > 2e9f) {
			weprintf("%s: record %zu (%s): field %zu: '%.9g' is not a cluster id (an integer)",
			    m->name, i + 1, matrix_key(m, i), col + 2, f);
			return NULL;
		}
	}
	v = ereallocarray(NULL, m->n, sizeof(long)), u = ereallocarray(NULL, m->n, sizeof(long));
	lab = ereallocarray(NULL, m->n, sizeof(int));
	for (i = 0; i < m->n; i++)
		v[i] = u[i] = (long)m->x[i * m->d + col];
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

static void
free_entries(Entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((char *)e[i].key);
	free(e);
}

/* TRUTH: "key<TAB>label" lines ('#' lines skipped), into sorted entries; NULL
 * after a message. */
static Entry *
read_truth(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "r");
	Entry *e = NULL;
	size_t cap = 0, len = 0, i;
	unsigned long line = 0;
	char *s = NULL, *tab, *end;
	ssize_t got;

	*n = 0;
	if (!fp) {
		weprintf("%s:", path);
		return NULL;
	}
	for (; (got = getline(&s, &len, fp)) >= 0; s = NULL, len = 0) {
		line++;
		if (got && s[got - 1] == '\n')
			s[--got] = 0;
		if (s[0] == '#' || s[0] == 0) {
			free(s);
			continue;
		}
		if (!(tab = strchr(s, '\t'))) {
			weprintf("%s:%lu: no label after the key", path, line);
			goto bad;
		}
		*tab = 0;
		if ((end = strchr(tab + 1, '\t')))
			*end = 0;
		if (*n == cap)
			e = ereallocarray(e, cap = cap ? 2 * cap : 256, sizeof *e);
		e[*n].key = s, e[(*n)++].label = tab + 1;
	}
	free(s), s = NULL;
	if (ferror(fp)) {
		weprintf("%s: read error:", path);
		goto bad;
	}
	fclose(fp);
	qsort(e, *n, sizeof *e, entrycmp);
	for (i = 1; i < *n; i++)
		if (!strcmp(e[i].key, e[i - 1].key)) {
			weprintf("%s: key '%s' has two labels", path, e[i].key);
			free_entries(e, *n);
			return NULL;
		}
	return e;
bad:
	free(s);
	fclose(fp);
	free_entries(e, *n);
	return NULL;
}

/* the class of every record of the labels stream, numbered 0 .. *k - 1; NULL
 * after a message */
static int *
read_classes(const char *path, const Matrix *m, size_t *k)
{
	size_t ne, i, nu = 0;
	char **u, **p;
	Entry *e = read_truth(path, &ne), key, *hit;
	int *lab = NULL;
	const char **lbl;

	if (!e)
		return NULL;
	u = ereallocarray(NULL, m->n, sizeof(char *));
	lbl = ereallocarray(NULL, m->n, sizeof(char *));
	for (i = 0; i < m->n; i++) {
		key.key = matrix_key(m, i);
		if (!(hit = bsearch(&key, e, ne, sizeof *e, entrycmp))) {
			weprintf("%s: no label for record %zu (%s) of %s", path, i + 1, key.key, m->name);
			goto out;
		}
		lbl[i] = u[i] = (char *)hit->label;
	}
	qsort(u, m->n, sizeof(char *), strpcmp);
	for (i = 0; i < m->n; i++)
		if (!nu || strcmp(u[i], u[nu - 1]))
			u[nu++] = u[i];
	lab = ereallocarray(NULL, m->n, sizeof(int));
	for (i = 0; i < m->n; i++) {
		p = bsearch(&lbl[i], u, nu, sizeof(char *), strpcmp);
		lab[i] = (int)(p - u);
	}
	*k = nu;
out:
	free_entries(e, ne);
	free(u), free(lbl);
	return lab;
}

static void
put(const char *name, double v, int quiet)
{
	if (isnan(v) && !quiet)
		weprintf("warning: %s undefined: it needs 2 to n - 1 clusters", name);
	printf("%s\t%.17g\n", name, v);
}

/* the data records: the labels' records, in the same order; -1 after a message */
static int
same_records(const Matrix *m, const Matrix *lm)
{
	size_t i;

	if (m->n != lm->n) {
		weprintf("%s: %zu records, but %zu in %s", m->name, m->n, lm->n, lm->name);
		return -1;
	}
	for (i = 0; i < m->n; i++)
		if (strcmp(matrix_key(m, i), matrix_key(lm, i))) {
			weprintf("%s: record %zu (%s): %s has '%s' there: give the records in the same order",
			    m->name, i + 1, matrix_key(m, i), lm->name, matrix_key(lm, i));
			return -1;
		}
	return 0;
}

/* silhouette, Davies-Bouldin, Calinski-Harabasz of the labels on data; -1 after a
 * message */
static int
internal(const char *path, const Matrix *lm, const int *lab, size_t k, size_t sample,
    uint64_t seed, int nt, int quiet)
{
	Matrix m;
	double sil;

	if (matrix_load_finite(path, &m, "empty input: no records"))
		return -1;
	if (same_records(&m, lm)) {
		del_matrix(&m);
		return -1;
	}
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
	return 0;
}

/* agreement of the labels with the classes of TRUTH; -1 after a message */
static int
external(const char *truth, const Matrix *lm, const int *lab, size_t k)
{
	Agreement a;
	size_t r;
	int *cls = read_classes(truth, lm, &r);
	double h, c, v;

	if (!cls)
		return -1;
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
	return 0;
}

int
main(int argc, char **argv)
{
	Matrix lm;
	const char *col = NULL, *truth = NULL;
	int c, quiet = 0, nt = 1, *lab = NULL, rc = 1;
	size_t sample = 0, k;
	long column;
	uint64_t seed = 0;

	blas_init(argc, argv);
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
	blas_threads(1); /* threads come from the pool; OpenBLAS runs inside them */
	if (matrix_load_nonempty(argv[optind], &lm, "empty input: no records"))
		return 1;
	if ((column = pick_column(&lm, col)) < 0 || !(lab = read_clusters(&lm, (size_t)column, &k)))
		goto out;
	if (argc - optind == 2 && internal(argv[optind + 1], &lm, lab, k, sample, seed, nt, quiet))
		goto out;
	if (truth && external(truth, &lm, lab, k))
		goto out;
	rc = fshut(stdout, "<stdout>") ? 1 : 0;
out:
	free(lab);
	del_matrix(&lm);
	return rc;
}
