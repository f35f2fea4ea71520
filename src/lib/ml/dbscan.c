/* dbscan.c — DBSCAN on the engine's range queries (see dbscan.h). */
#include "ml/dbscan.h"
#include "ml/knn.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct Pass {
	size_t min_samples;
	unsigned char *core;
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

/* query i's neighbours (reference order): its core flag, then its links to the
 * points before it, whose flags are known (the relation is symmetric) */
static int
visit(void *ctx, size_t i, const long *idx, const float *score, size_t n)
{
	Pass *p = ctx;
	size_t r, j, cnt = n;
	int self = 0;

	(void)score;
	for (r = 0; r < n; r++)
		self |= (size_t)idx[r] == i;
	cnt += !self; /* sklearn counts the point itself whatever the rounding */
	p->core[i] = cnt >= p->min_samples;
	for (r = 0; r < n && (j = (size_t)idx[r]) < i; r++) {
		if (p->core[i] && p->core[j])
			join(p->parent, i, j);
		else if (p->core[j])
			add_edge(p, i, j);
		else if (p->core[i])
			add_edge(p, j, i);
	}
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
	Pass p = { o->min_samples, core, NULL, NULL, 0, 0 };
	Knn *kn = new_knn(x, n, d, o->metric, o->nthreads);
	size_t i;

	p.parent = ereallocarray(NULL, n ? n : 1, sizeof *p.parent);
	for (i = 0; i < n; i++)
		p.parent[i] = i;
	/* cosine distance 1 - s <= eps: similarity s >= 1 - eps */
	knn_range(kn, x, n, o->metric == KNN_COSINE ? 1 - o->eps : o->eps, visit, &p);
	number(&p, n, label, st);
	free(p.parent);
	free(p.edge);
	del_knn(kn);
}
