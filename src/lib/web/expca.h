/* expca.h — the explorer's computed map: when the database stores no 2-D map, the
 * PCA-2 of the songs' vectors, computed on the fly and never stored (the explorer
 * is read-only).  The fit streams the songs table (ml/pca.h's pca_fit_source: the
 * d x d covariance and one block of rows in memory, whatever the collection's
 * size), so the numbers are those of `dbload export | pca -k 2`: the same rows
 * (the songs with a vector, by id), the same components and signs. */
#ifndef SV_EXPCA_H
#define SV_EXPCA_H
#include <sqlite3.h>
#include <stddef.h>

/* The PCA-2 coordinates of the songs id[0..n) (sorted by strcmp, a subset of the
 * songs) into x[0..n) and y[0..n), NaN for a song without a vector.  The fit is
 * over every song with a vector.  0, or -1 after a message on stderr (a database
 * error, vectors of different lengths, a value not finite, fewer than 2 songs
 * with vectors, no variance): then no map can be computed. */
int expca_map(sqlite3 *h, char *const *id, size_t n, float *x, float *y);

#endif
