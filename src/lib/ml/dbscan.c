/* dbscan.c — DBSCAN on the engine's range queries (see dbscan.h). */
#include "ml/dbscan.h"
#include "ml/knn.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define DBSCAN_PAIRS (1u << 25) /* neighbour pairs kept from pass 1 (256 MiB) */

typedef struct Pass {
	size_t min_samples;
	unsigned char *core;
	size_t *count;      /* neighbours of each point, itself excluded */
	size_t *pair;       /* the pairs of pass 1, or NULL on overflow */
	size_t npair, cappair;
	int overflow;
	size_t *parent;     /* union-find over the core points */
	size_t *edge;       /* pairs (border point, core neighbour) */
	size_t nedge, capedge;
} Pass;

static size_t
find(size_t *parent, size_t i)
{
	size_t r = i, t;

	while (parent[r] != r)
		r = parent[r];
	while (parent[i] != r) { /* path compression */
		t = parent[i];
		parent[i] = r;
		i = t;
	}
	return r;
}

static void
join(size_t *parent, size_t a, size_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static void
add_edge(Pass *p, size_t border, size_t core)
{
	if (p->nedge == p->capedge) {
		p->capedge = p->capedge ? 2 * p->capedge : 1024;
		p->edge = ereallocarray(p->edge, p->capedge, 2 * sizeof *p->edge);
	}
	p->edge[2 * p->nedge] = border;
	p->edge[2 * p->nedge++ + 1] = core;
}

/* pass 1: neighbour counts; the pairs are kept while they fit the budget */
static int
count_pairs(void *ctx, const long *i, const long *j, size_t n)
{
	Pass *p = ctx;
	size_t q;

	for (q = 0; q < n; q++) {
		p->count[i[q]]++;
		p->count[j[q]]++;
	}
	if (p->overflow)
		return 0;
	if (p->npair + n > DBSCAN_PAIRS) {
		p->overflow = 1; /* pass 2 will find them again */
		free(p->pair);
		p->pair = NULL;
		return 0;
	}
	if (p->npair + n > p->cappair) {
		p->cappair = p->npair + n > 2 * p->cappair ? p->npair + n : 2 * p->cappair;
		p->pair = ereallocarray(p->pair, p->cappair, 2 * sizeof *p->pair);
	}
	for (q = 0; q < n; q++) {
		p->pair[2 * (p->npair + q)] = (size_t)i[q];
		p->pair[2 * (p->npair + q) + 1] = (size_t)j[q];
	}
	p->npair += n;
	return 0;
}

/* one pair of neighbours, core flags known: core points joined, border points keep
 * their core neighbours */
static void
link_pair(Pass *p, size_t a, size_t b)
{
	if (p->core[a] && p->core[b])
		join(p->parent, a, b);
	else if (p->core[a])
		add_edge(p, b, a);
	else if (p->core[b])
		add_edge(p, a, b);
}

/* pass 2 (when the pairs did not fit) */
static int
link_pairs(void *ctx, const long *i, const long *j, size_t n)
{
	size_t q;

	for (q = 0; q < n; q++)
		link_pair(ctx, (size_t)i[q], (size_t)j[q]);
	return 0;
}

/* clusters numbered by their first core point; border points the lowest cluster of
 * their core neighbours */
static void
number(Pass *p, size_t n, long *label, DbscanStats *st)
{
	long *root = ereallocarray(NULL, n ? n : 1, sizeof *root), c;
	size_t i, b;

	memset(st, 0, sizeof *st);
	for (i = 0; i < n; i++)
		root[i] = label[i] = -1;
	for (i = 0; i < n; i++)
		if (p->core[i]) {
			size_t r = find(p->parent, i);
			if (root[r] < 0)
				root[r] = (long)st->clusters++;
			label[i] = root[r];
			st->core++;
		}
	for (i = 0; i < p->nedge; i++) {
		b = p->edge[2 * i];
		c = label[p->edge[2 * i + 1]];
		if (label[b] < 0 || c < label[b])
			label[b] = c;
	}
	for (i = 0; i < n; i++)
		if (!p->core[i])
			*(label[i] < 0 ? &st->noise : &st->border) += 1;
	free(root);
}

void
dbscan_do(const float *x, size_t n, size_t d, const DbscanOpt *o, long *label,
    unsigned char *core, DbscanStats *st)
{
	Pass p = { .min_samples = o->min_samples, .core = core };
	Knn *kn = new_knn(x, n, d, o->metric, o->nthreads);
	/* cosine distance 1 - s <= eps: similarity s >= 1 - eps */
	double e = o->metric == KNN_COSINE ? 1 - o->eps : o->eps;
	size_t i;

	p.count = ecalloc(n ? n : 1, sizeof *p.count);
	p.parent = ereallocarray(NULL, n ? n : 1, sizeof *p.parent);
	knn_pairs(kn, e, count_pairs, &p);
	for (i = 0; i < n; i++) {
		p.parent[i] = i;
		core[i] = p.count[i] + 1 >= o->min_samples; /* sklearn counts the point itself */
	}
	if (p.overflow)
		knn_pairs(kn, e, link_pairs, &p);
	for (i = 0; i < p.npair && !p.overflow; i++)
		link_pair(&p, p.pair[2 * i], p.pair[2 * i + 1]);
	number(&p, n, label, st);
	free(p.count);
	free(p.pair);
	free(p.parent);
	free(p.edge);
	del_knn(kn);
}
