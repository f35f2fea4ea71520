/* matrix.h — a whole vector stream in memory: n records x d float32 values,
 * row-major, stored once (keys in one arena).  For the tools that need every
 * record at once (weight fit, pca fit, kmeans, elbow). */
#ifndef SV_MATRIX_H
#define SV_MATRIX_H
#include <stddef.h>

#include "core/vreader.h"

typedef struct Matrix {
	size_t n, d;     /* records, dimension */
	float *x;        /* n*d values, row i at x + i*d */
	char **cols;     /* d column names, or NULL */
	double rate;     /* from the stream header (0 = none) */
	char *name;      /* input name for diagnostics */
	struct MatrixBuf *priv; /* matrix.c's own: the keys, the capacity */
} Matrix;

/* Read every remaining record of r into m (m zeroed first).  Fixed-dimension
 * streams only; the records read so far as a progress line (core/progress.h)
 * after matrix_progress.  0 ok, -1 error (message printed, m freed). */
int matrix_read(VReader *r, Matrix *m);
/* From now on, matrix_read shows its records as "what N" (e.g. "rows read"): for
 * the tools that read a whole stream before a fit.  This function can't fail. */
void matrix_progress(const char *what);
/* From now on, matrix_read parses the plain lines of TSV streams on up to n
 * threads (vreader_bulk; 1, the default: record by record).  Same matrix, same
 * messages either way.  This function can't fail. */
void matrix_read_threads(int n);
/* new_vreader + matrix_read + del_vreader ("-" = stdin); 0, or -1 after a message
 * (m zeroed). */
int matrix_load(const char *path, Matrix *m);
/* matrix_load, then an error when the stream holds no record:
 * "prog: NAME: <empty>" (e.g. "empty input: nothing to fit").  0, or -1 after a
 * message (m freed). */
int matrix_load_nonempty(const char *path, Matrix *m, const char *empty);
/* matrix_load_nonempty, then matrix_check_finite: the whole stream, finite, for a
 * fit.  0, or -1 after a message (m freed). */
int matrix_load_finite(const char *path, Matrix *m, const char *empty);
/* 0 when every value is finite; -1 after "prog: NAME: record N (KEY): field F:
 * NaN value (clean the data, e.g. with weight)" for the first one that is not. */
int matrix_check_finite(const Matrix *m);
/* The key of row i.  This function can't fail. */
const char *matrix_key(const Matrix *m, size_t i);
/* Append one row of m->d values (copies key and values; a zeroed Matrix with d set
 * is an empty one).  Exits only when memory runs out. */
void matrix_push(Matrix *m, const char *key, const float *v);
/* Remove every row, keeping the buffers for the next ones.  Can't fail. */
void matrix_clear(Matrix *m);
/* Free everything and zero m. */
void del_matrix(Matrix *m);

#endif
