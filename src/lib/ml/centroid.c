/* centroid.c — group centroids and their similarity tables (see centroid.h). */
#include "ml/centroid.h"
#include "ml/knn.h"
#include "core/stats.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the distinct labels, sorted */
static void
centroid_names(Centroids *c, const char *const *lab, size_t n)
{
	const char **all = ecalloc(n ? n : 1, sizeof *all);
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (lab[i])
			all[m++] = lab[i];
	qsort(all, m, sizeof *all, cmp_str);
	c->name = ecalloc(m ? m : 1, sizeof *c->name);
	for (i = 0; i < m; i++)
		if (!c->g || strcmp(all[i], c->name[c->g - 1]))
			c->name[c->g++] = estrdup(all[i]);
	free(all);
}

long
centroid_group(const Centroids *c, const char *s)
{
	size_t lo = 0, hi = c->g, mid;
	int r;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (!(r = strcmp(c->name[mid], s)))
			return (long)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* add row x to group a: the sums of the mean and of u */
static void
centroid_add(Centroids *c, double *sum, size_t a, const float *x)
{
	double nx = 0, w;
	size_t j, d = c->d;

	for (j = 0; j < d; j++)
		nx += (double)x[j] * x[j];
	w = c->metric == KNN_COSINE ? (nx > 0 ? 1 / sqrt(nx) : 0) : 1;
	for (j = 0; j < d; j++) {
		sum[a * d + j] += x[j];
		c->u[a * d + j] += w * x[j];
	}
	c->uu[a] += w * w * nx;
	c->count[a]++;
}

Centroids *
new_centroids(const float *x, size_t n, size_t d, const char *const *lab, int metric)
{
	Centroids *c = ecalloc(1, sizeof *c);
	size_t i, j, g;

	c->d = d;
	c->metric = metric;
	centroid_names(c, lab, n);
	g = c->g ? c->g : 1;
	c->count = ecalloc(g, sizeof *c->count);
	c->c = ecalloc(g, (d ? d : 1) * sizeof *c->c);
	c->u = ecalloc(g, (d ? d : 1) * sizeof *c->u);
	c->uu = ecalloc(g, sizeof *c->uu);
	for (i = 0; i < n; i++)
		if (lab[i])
			centroid_add(c, c->c, (size_t)centroid_group(c, lab[i]), x + i * d);
	for (i = 0; i < c->g; i++)
		for (j = 0; j < d; j++)
			c->c[i * d + j] /= c->count[i];
	return c;
}

size_t
centroid_scores(const Centroids *c, const float *x, double *sim)
{
	double xy, xx = 0, cc;
	size_t a, j, best = 0, d = c->d;

	for (j = 0; j < d; j++)
		xx += (double)x[j] * x[j];
	for (a = 0; a < c->g; a++) {
		for (xy = 0, cc = 0, j = 0; j < d; j++) {
			xy += x[j] * c->c[a * d + j];
			cc += c->c[a * d + j] * c->c[a * d + j];
		}
		sim[a] = c->metric == KNN_INNER ? xy : xx > 0 && cc > 0 ? xy / sqrt(xx * cc) : 0;
		if (sim[a] > sim[best])
			best = a;
	}
	return best;
}

void
centroid_table(const Centroids *c, double *table, double *intra, double *inter)
{
	double ip = 0, in = 0, xp = 0, xn = 0, v, np;
	size_t a, b, g = c->g, d = c->d;

	for (a = 0; a < g; a++)
		for (b = 0; b < g; b++) {
			v = stats_dot64(c->u + a * d, c->u + b * d, d);
			if (a != b) {
				table[a * g + b] = v / ((double)c->count[a] * c->count[b]);
				xp += v;
				xn += (double)c->count[a] * c->count[b];
				continue;
			}
			np = (double)c->count[a] * (c->count[a] - 1);
			table[a * g + a] = np > 0 ? (v - c->uu[a]) / np : NAN;
			ip += v - c->uu[a];
			in += np;
		}
	*intra = in > 0 ? ip / in : NAN;
	*inter = xn > 0 ? xp / xn : NAN;
}

void
del_centroids(Centroids *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->g; i++)
		free(c->name[i]);
	free(c->name);
	free(c->count);
	free(c->c);
	free(c->u);
	free(c->uu);
	free(c);
}
