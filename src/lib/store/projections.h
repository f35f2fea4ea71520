/* projections.h — the projections table (DESIGN §8): one row per song, map method
 * and dimension, its coordinates x, y, z (NULL beyond the map's dimension).  The
 * loader is load_projections (load.h); this is the table's own access. */
#ifndef SV_PROJECTIONS_H
#define SV_PROJECTIONS_H
#include <stddef.h>

#include "store/db.h"

/* The method of a stream from its first column name: tsne1 -> "tsne", umap1 ->
 * "umap", pc1 -> "pca" (the names map(1) and pca(1) write); NULL otherwise. */
const char *projections_method(const char *col1);
/* A valid method name ([a-z0-9_-], 1 to 32 characters): NULL, or what is wrong. */
const char *projections_bad_method(const char *m);

#endif
