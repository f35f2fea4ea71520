/* agglo.c — the merge tree of agglomerative clustering, sorted and numbered as
 * scipy and sklearn number it, and sklearn's cuts of it (see agglo.h). */
#include "ml/agglo.h"
#include "ml/agglochain.h"
#include "ml/dvec.h"
#include "core/progress.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static const char *names[] = { "ward", "complete", "average", "single" };

int
agglo_parse_linkage(const char *name)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *
agglo_linkage_name(int linkage)
{
	return linkage >= 0 && linkage < 4 ? names[linkage] : "?";
}

/* Stable sort of m merges by distance (numpy's mergesort). */
static void
sort_merges(AggloMerge *z, size_t m)
{
	AggloMerge *tmp;
	size_t w, lo, mid, hi, i, j, o;

	if (m < 2)
		return;
	tmp = ereallocarray(NULL, m, sizeof *tmp);
	for (w = 1; w < m; w *= 2) {
		for (lo = 0; lo < m; lo += 2 * w) {
			mid = lo + w < m ? lo + w : m;
			hi = lo + 2 * w < m ? lo + 2 * w : m;
			for (i = lo, j = mid, o = lo; o < hi; o++)
				tmp[o] = j >= hi || (i < mid && z[i].dist <= z[j].dist) ? z[i++] : z[j++];
		}
		memcpy(z, tmp, m * sizeof *tmp);
	}
	free(tmp);
}

static size_t
uf_find(size_t *parent, size_t x)
{
	size_t root = x, t;

	while (parent[root] != root)
		root = parent[root];
	while (parent[x] != root) {
		t = parent[x];
		parent[x] = root;
		x = t;
	}
	return root;
}

/* Node numbers by union-find over the sorted merges: scipy's label (children as
 * (smaller, larger)) or, ordered = 0, sklearn's _single_linkage_label (as found). */
static void
relabel(AggloMerge *z, size_t n, int ordered)
{
	size_t *parent = ereallocarray(NULL, 2 * n - 1, sizeof(size_t));
	size_t *size = ereallocarray(NULL, 2 * n - 1, sizeof(size_t)), i, a, b, t;

	for (i = 0; i < 2 * n - 1; i++)
		parent[i] = i, size[i] = 1;
	for (i = 0; i + 1 < n; i++) {
		a = uf_find(parent, z[i].a);
		b = uf_find(parent, z[i].b);
		if (ordered && a > b)
			t = a, a = b, b = t;
		z[i].a = a, z[i].b = b;
		z[i].size = size[n + i] = size[a] + size[b];
		parent[a] = parent[b] = n + i;
	}
	free(parent), free(size);
}

int
agglo_tree(const float *x, size_t n, size_t d, int linkage, int nthreads, const char *name,
    AggloMerge *z)
{
	double *xd = ereallocarray(NULL, n, (d ? d : 1) * sizeof(double));
	Progress *p;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		dvec_from_float(xd + i * d, x + i * d, d);
	p = new_progress("merges", n - 1);
	if (linkage == AGGLO_WARD)
		agglochain_ward(xd, n, d, p, z);
	else if (linkage == AGGLO_SINGLE)
		agglochain_mst(xd, n, d, p, z);
	else
		rc = agglochain_matrix(xd, n, d, linkage, nthreads, name, p, z);
	del_progress(p);
	free(xd);
	if (rc)
		return -1;
	sort_merges(z, n - 1);
	relabel(z, n, linkage != AGGLO_SINGLE);
	return 0;
}

/* ---- cuts ---- */

/* Python's heapq on negated node numbers (_siftdown, _siftup of Lib/heapq.py), so
 * the clusters come out in sklearn's order. */
static void
heap_siftdown(long *h, size_t start, size_t pos)
{
	long item = h[pos];
	size_t parent;

	while (pos > start) {
		parent = (pos - 1) >> 1;
		if (!(item < h[parent]))
			break;
		h[pos] = h[parent];
		pos = parent;
	}
	h[pos] = item;
}

static void
heap_siftup(long *h, size_t end, size_t pos)
{
	size_t start = pos, child = 2 * pos + 1;
	long item = h[pos];

	while (child < end) {
		if (child + 1 < end && !(h[child] < h[child + 1]))
			child++;
		h[pos] = h[child];
		pos = child;
		child = 2 * pos + 1;
	}
	h[pos] = item;
	heap_siftdown(h, start, pos);
}

/* label every record under node with lab (an explicit stack: trees are deep) */
static void
mark(const AggloMerge *z, size_t n, size_t node, int lab, int *labels, size_t *stack)
{
	size_t top = 0;

	stack[top++] = node;
	while (top) {
		node = stack[--top];
		if (node < n) {
			labels[node] = lab;
			continue;
		}
		stack[top++] = z[node - n].a;
		stack[top++] = z[node - n].b;
	}
}

void
agglo_cut(const AggloMerge *z, size_t n, size_t k, int *labels)
{
	long *heap = ereallocarray(NULL, (k + 1), sizeof(long)), c;
	size_t *stack = ereallocarray(NULL, n, sizeof(size_t)), len = 1, i;
	const AggloMerge *m;

	if (n == 1) {
		labels[0] = 0;
		free(heap), free(stack);
		return;
	}
	heap[0] = -(long)(2 * n - 2); /* the root */
	for (i = 0; i + 1 < k; i++) {
		m = &z[(size_t)(-heap[0]) - n];
		heap[len++] = -(long)m->a; /* heappush */
		heap_siftdown(heap, 0, len - 1);
		c = -(long)m->b; /* heappushpop: the split node leaves */
		if (heap[0] < c) {
			heap[0] = c;
			heap_siftup(heap, len, 0);
		}
	}
	for (i = 0; i < len; i++)
		mark(z, n, (size_t)(-heap[i]), (int)i, labels, stack);
	free(heap), free(stack);
}

size_t
agglo_nclusters(const AggloMerge *z, size_t n, double t)
{
	size_t i, c = 1;

	for (i = 0; i + 1 < n; i++)
		c += z[i].dist >= t;
	return c;
}
