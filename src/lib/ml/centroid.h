/* centroid.h — group centroids: the mean vector of each group of songs (a genre, an
 * artist, a cluster), every song's similarity to every centroid, the nearest one as
 * a prediction, and the mean similarity of pairs of songs within and between groups.
 *
 * Labels are the caller's (a labels table, data/labels.h, or a column of the
 * stream); a song without a label takes no part in the centroids.
 * Groups are the distinct labels in strcmp order, numbered 0..G-1.
 *
 * Similarities are those of the engine (knn.h): cosine (to the centroid = the mean
 * of the raw vectors) or inner product.  The mean similarity of the pairs between
 * groups a and b is exact in double without visiting the pairs: for cosine
 * (sum of u over a) . (sum of u over b) / (n_a n_b) with u = x / ||x||, within a
 * group over its n_a (n_a - 1) ordered pairs of distinct songs
 * (||sum u||^2 - sum ||u||^2) / (n_a (n_a - 1)); the same on x for the inner product. */
#ifndef SV_CENTROID_H
#define SV_CENTROID_H
#include <stddef.h>

typedef struct Centroids {
	size_t g, d;
	int metric;          /* KNN_COSINE or KNN_INNER */
	char **name;         /* g group names, sorted */
	size_t *count;       /* songs per group */
	double *c;           /* g x d centroids (means) */
	double *u;           /* g x d: sums of u (see above) */
	double *uu;          /* g: sums of ||u||^2 */
} Centroids;

/* The centroids of the n rows of x (n x d) whose lab[i] is not NULL.  Exits only
 * when memory runs out; g is 0 when no row has a label. */
Centroids *new_centroids(const float *x, size_t n, size_t d, const char *const *lab,
    int metric);
/* The group named s, or -1. */
long centroid_group(const Centroids *c, const char *s);
/* The similarity of x to every centroid (sim[0..g)); returns the nearest group (the
 * lower on equal similarities).  This function can't fail. */
size_t centroid_scores(const Centroids *c, const float *x, double *sim);
/* The g x g mean similarities of pairs of songs (row a, column b), NaN for a group
 * of one song on the diagonal; *intra and *inter: the same over all pairs within
 * one group and between two groups.  This function can't fail. */
void centroid_table(const Centroids *c, double *table, double *intra, double *inter);
void del_centroids(Centroids *c);

#endif
