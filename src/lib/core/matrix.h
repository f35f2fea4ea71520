/* matrix.h — a whole vector stream in memory: n records x d float32 values,
 * row-major, stored once (keys in one arena).  For the tools that need every
 * record at once (weight fit, pca fit, kmeans, elbow). */
#ifndef SV_MATRIX_H
#define SV_MATRIX_H
#include <stddef.h>

#include "core/vstream.h"

typedef struct Matrix {
	size_t n, d;     /* records, dimension */
	float *x;        /* n*d values, row i at x + i*d */
	char *keybuf;    /* keys, NUL-separated */
	size_t *keyoff;  /* key i at keybuf + keyoff[i] */
	char **cols;     /* d column names, or NULL */
	double rate;     /* from the stream header (0 = none) */
	char *name;      /* input name for diagnostics */
	/* private */
	size_t cap, keylen, keycap;
} Matrix;

/* Read every remaining record of r into m (m zeroed first).  Fixed-dimension
 * streams only.  0 ok, -1 error (message printed, m freed). */
int mat_read(VReader *r, Matrix *m);
/* vr_open + mat_read + vr_close ("-" = stdin). */
int mat_load(const char *path, Matrix *m);
const char *mat_key(const Matrix *m, size_t i);
/* Append one row (copies key and values). */
void mat_push(Matrix *m, const char *key, const float *v);
void mat_free(Matrix *m);

#endif
