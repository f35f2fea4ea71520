/* spectral.h — UMAP's spectral initialisation, as umap-learn 0.5's spectral_layout:
 * the eigenvectors of the normalised Laplacian L = I - D^-1/2 W D^-1/2 of the fuzzy
 * graph for its 2nd .. (dim + 1)th smallest eigenvalues.
 *
 * Solver (Debian's umap-learn calls ARPACK through scipy's eigsh; here no ARPACK):
 * up to SPECTRAL_DENSE points, the dense L and LAPACKE_dsyevr; beyond, the largest
 * eigenpairs of D^-1/2 W D^-1/2 with its known top eigenvector D^1/2 1 projected
 * out, by thick-restart Lanczos (lanczos.h) from the all-ones start vector (as
 * umap-learn's v0), residual tolerance 1e-6.  The eigenvectors are unit vectors;
 * their signs (arbitrary in ARPACK too) and, within clusters of nearly equal
 * eigenvalues, their mixing may differ from umap-learn's.
 *
 * A graph of several connected components is laid out as umap-learn's
 * multi_component_layout: the components' positions from a spectral embedding of
 * their centroids (sklearn's SpectralEmbedding of exp(-distance^2), dense) when
 * there are more than 2 dim of them, else +-unit vectors; each component's own
 * spectral layout scaled to half the distance to the nearest other component
 * (random within that range for components of fewer than 2 dim points). */
#ifndef SV_SPECTRAL_H
#define SV_SPECTRAL_H
#include <stddef.h>

#include "core/rng.h"
#include "ml/fuzzy.h"

#define SPECTRAL_DENSE 256

/* The n x dim initial layout (init) of graph g over the data x (n x d rows, for the
 * centroids; metric KNN_EUCLIDEAN or KNN_COSINE).  0, or -1 when an eigensolver
 * failed (init then holds umap-learn's fallback: uniform on [-10, 10] from r).
 * *ncomp gets the number of connected components.  Exits only when memory runs
 * out. */
int spectral_layout(const FuzzyGraph *g, const float *x, size_t d, int metric, int dim, Rng *r,
    double *init, size_t *ncomp);

#endif
