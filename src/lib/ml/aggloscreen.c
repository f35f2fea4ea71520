/* aggloscreen.c — float32 screens for the nearest-neighbour scans (see
 * aggloscreen.h). */
#include "ml/aggloscreen.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void
aggloscreen_init(AggloScreen *S, const double *x, size_t n, size_t d, size_t rows)
{
	size_t i;

	memset(S, 0, sizeof *S);
	S->n = n, S->d = d;
	S->f = ereallocarray(NULL, n, (d ? d : 1) * sizeof(float));
	S->err = ecalloc(n, sizeof(double));
	S->t = ereallocarray(NULL, n, sizeof(float));
	S->shrink = 1 - 2 * DVEC_F32_ERR(d);
	S->set = ecalloc(n, sizeof(unsigned long));
	S->nrows = rows;
	S->who = ecalloc(rows ? rows : 1, sizeof(size_t));
	S->when = ecalloc(rows ? rows : 1, sizeof(unsigned long));
	S->row = ecalloc(rows ? rows : 1, sizeof(float *));
	for (i = 0; i < rows; i++) {
		S->row[i] = ereallocarray(NULL, n, sizeof(float));
		S->who[i] = SIZE_MAX;
	}
	for (i = 0; i < n; i++)
		aggloscreen_set(S, i, x + i * d);
}

void
aggloscreen_set(AggloScreen *S, size_t i, const double *c)
{
	size_t f, d = S->d;
	double e = 0, t;

	for (f = 0; f < d; f++) {
		S->f[i * d + f] = (float)c[f];
		t = c[f] - (double)S->f[i * d + f];
		e += t * t;
	}
	/* slack for the rounding of this sum; 0 stays 0 (exact copies) */
	S->err[i] = sqrt(e) * (1 + 1e-6);
	S->emax = S->err[i] > S->emax ? S->err[i] : S->emax;
	S->set[i] = ++S->clock;
}

/* a kept scan of x still valid for x itself, or the least recently made one
 * (*hit = 0) */
static size_t
kept_row(const AggloScreen *S, size_t x, int *hit)
{
	size_t r, old = 0;

	for (r = 0; r < S->nrows; r++) {
		if (S->who[r] == x && S->when[r] >= S->set[x]) {
			*hit = 1;
			return r;
		}
		if (S->when[r] < S->when[old])
			old = r;
	}
	*hit = 0;
	return old;
}

void
aggloscreen_scan(AggloScreen *S, size_t x, const size_t *idx, size_t cnt)
{
	size_t q, r, i;
	int hit;
	float *row;

	if (!S->nrows) {
		dvec_sqdist_f32_idx(S->f + x * S->d, S->f, idx, cnt, S->d, S->t);
		return;
	}
	r = kept_row(S, x, &hit);
	row = S->row[r];
	if (!hit) {
		dvec_sqdist_f32_idx(S->f + x * S->d, S->f, idx, cnt, S->d, S->t);
		for (q = 0; q < cnt; q++)
			row[idx[q]] = S->t[q];
	} else {
		for (q = 0; q < cnt; q++) {
			i = idx[q];
			if (S->set[i] > S->when[r]) /* set since: computed again */
				row[i] = dvec_sqdist_f32(S->f + x * S->d, S->f + i * S->d, S->d);
			S->t[q] = row[i];
		}
	}
	S->who[r] = x;
	S->when[r] = ++S->clock;
}

void
del_aggloscreen(AggloScreen *S)
{
	size_t r;

	for (r = 0; r < S->nrows; r++)
		free(S->row[r]);
	free(S->f), free(S->err), free(S->t), free(S->set), free(S->who), free(S->when), free(S->row);
	memset(S, 0, sizeof *S);
}
