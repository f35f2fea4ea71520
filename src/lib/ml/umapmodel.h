/* umapmodel.h — a fitted UMAP map and its file: a songvec TSV table (core/dtable.h,
 * model=umap) with one row per fitted point (its key, its d input values, its
 * dims map coordinates) and the parameters on a line of their own:
 *	#umap neighbors=15 metric=euclidean dims=2 epochs=0 a=1.57... b=0.89...
 * (epochs 0: by size).  Values are written %.17g: they read back exactly. */
#ifndef SV_UMAPMODEL_H
#define SV_UMAPMODEL_H
#include <stddef.h>
#include <stdio.h>

/* A fitted map: what transform needs. */
typedef struct UmapModel {
	size_t n, d;
	int dims, n_neighbors, metric, n_epochs;
	double a, b;
	float *x;              /* n x d fitted data */
	float *emb;            /* n x dims their map */
	char **keys;           /* n keys (may be NULL) */
	char **cols;           /* d input column names, or NULL */
} UmapModel;

/* Write m to fp; write errors are caught by fshut on fp. */
void umap_save(const UmapModel *m, FILE *fp);
/* 0, or -1 after "prog: FILE: ..." */
int umap_load(UmapModel *m, const char *path);
void del_umap(UmapModel *m);

#endif
