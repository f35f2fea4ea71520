/* hclust — agglomerative (hierarchical) clustering (scikit-learn 1.2.1
 * AgglomerativeClustering): two cuts of the merge tree per record, and the tree
 * itself in scipy's linkage format. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/agglo.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] =
    "[-bq] [-l ward|complete|average|single] [-k K1[:K2] | -t T1[:T2]] [-T TREE] "
    "[-j THREADS] [file]";

/* "A" or "A:B" into a[0], a[1] (a[1] = a[0] when absent); 0, or -1 if malformed */
static int
parse_pair(const char *s, double *a)
{
	char *end;

	a[0] = strtod(s, &end);
	a[1] = a[0];
	if (end != s && *end == ':')
		a[1] = strtod(end + 1, &end);
	return end == s || *end ? -1 : 0;
}

/* the cut counts from -k or -t: level 1 (coarse) <= level 2 (fine) */
static int
levels(const AggloMerge *z, const Matrix *m, const double *k, const double *t, size_t *lev)
{
	size_t j;

	for (j = 0; j < 2; j++) {
		lev[j] = t ? agglo_nclusters(z, m->n, t[j]) : (size_t)k[j];
		if (lev[j] > m->n) {
			weprintf("%s: k=%zu exceeds the number of records (%zu)", m->name, lev[j], m->n);
			return -1;
		}
	}
	return 0;
}

static void
write_tree(const char *path, const AggloMerge *z, size_t n, int binary)
{
	static char *cols[] = { "child1", "child2", "distance", "size" };
	FILE *fp = efopen_out(path);
	VWriter *w = new_vwriter(fp, path, binary);
	char key[32];
	float v[4];
	size_t i;
	int bad = vwriter_header(w, 4, 0, 4, cols);

	for (i = 0; !bad && i + 1 < n; i++) {
		snprintf(key, sizeof key, "%zu", n + i);
		v[0] = (float)(z[i].a < z[i].b ? z[i].a : z[i].b); /* scipy: smaller first */
		v[1] = (float)(z[i].a < z[i].b ? z[i].b : z[i].a);
		v[2] = (float)z[i].dist;
		v[3] = (float)z[i].size;
		bad = vwriter_write(w, key, v, 4);
	}
	bad |= del_vwriter(w);
	if (fclose_out(fp, path, bad) || bad)
		exit(1);
}

static void
write_labels(const Matrix *m, const int *l1, const int *l2, int two, int binary)
{
	static char *cols[] = { "level1", "level2" };
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	size_t i;
	float v[2];

	if (vwriter_header(w, two ? 2 : 1, 0, two ? 2 : 1, cols))
		exit(1);
	for (i = 0; i < m->n; i++) {
		v[0] = (float)l1[i], v[1] = (float)l2[i];
		if (vwriter_write(w, matrix_key(m, i), v, two ? 2 : 1))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
}

typedef struct Cli {
	const char *in, *treeout;
	int binary, linkage, nt, two, haveT;
	double k[2], t[2];
} Cli;

static void
options(int argc, char **argv, Cli *c)
{
	int ch, havek = 0;

	memset(c, 0, sizeof *c);
	c->in = "-", c->linkage = AGGLO_WARD, c->nt = 1, c->k[0] = c->k[1] = 2;
	while ((ch = getopt(argc, argv, "bj:k:l:qT:t:")) != -1) {
		switch (ch) {
		case 'b': c->binary = 1; break;
		case 'j': c->nt = (int)estrtol(optarg, 1, 256, 'j'); break;
		case 'k':
			if (parse_pair(optarg, c->k) || c->k[0] < 1 || c->k[1] < c->k[0] || c->k[1] > 1e9 ||
			    c->k[0] != (size_t)c->k[0] || c->k[1] != (size_t)c->k[1]) {
				weprintf("-k: invalid value '%s' (K1[:K2], integers, 1 <= K1 <= K2)", optarg);
				util_usage(SYNOPSIS);
			}
			havek = 1, c->two = strchr(optarg, ':') != NULL;
			break;
		case 'l':
			if ((c->linkage = agglo_parse_linkage(optarg)) < 0) {
				weprintf("-l: invalid value '%s' (ward, complete, average or single)", optarg);
				util_usage(SYNOPSIS);
			}
			break;
		case 'q': progress_quiet(1); break;
		case 'T': c->treeout = optarg; break;
		case 't':
			if (parse_pair(optarg, c->t) || !(c->t[0] >= 0) || !(c->t[1] <= c->t[0])) {
				weprintf("-t: invalid value '%s' (T1[:T2], distances, T1 >= T2 >= 0)", optarg);
				util_usage(SYNOPSIS);
			}
			c->haveT = 1, c->two = strchr(optarg, ':') != NULL;
			break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1 || (havek && c->haveT))
		util_usage(SYNOPSIS);
	if (optind < argc)
		c->in = argv[optind];
}

int
main(int argc, char **argv)
{
	Cli c;
	Matrix m;
	AggloMerge *z;
	int *l1, *l2;
	size_t lev[2];

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	options(argc, argv, &c);
	if (matrix_load_finite(c.in, &m, "empty input: no records"))
		return 1;
	if (m.n < 2) {
		weprintf("%s: 1 record: nothing to merge", m.name);
		del_matrix(&m);
		return 1;
	}
	z = ecalloc(m.n - 1, sizeof *z);
	if (agglo_tree(m.x, m.n, m.d, c.linkage, c.nt, m.name, z) ||
	    levels(z, &m, c.k, c.haveT ? c.t : NULL, lev)) {
		free(z);
		del_matrix(&m);
		return 1;
	}
	l1 = ereallocarray(NULL, m.n, sizeof(int));
	l2 = ereallocarray(NULL, m.n, sizeof(int));
	agglo_cut(z, m.n, lev[0], l1);
	agglo_cut(z, m.n, lev[1], l2);
	if (c.treeout)
		write_tree(c.treeout, z, m.n, c.binary);
	write_labels(&m, l1, l2, c.two, c.binary);
	free(l1), free(l2), free(z);
	del_matrix(&m);
	return 0;
}
