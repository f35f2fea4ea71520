/* dense.h — a fully connected layer y = x W^T + b on OpenBLAS, in PyTorch's layout
 * (W is out x in, row-major, like nn.Linear.weight), with its backward pass.  The
 * layer owns no memory: its parameters and gradients point into the caller's arrays
 * (one arena per network, so an optimiser sees one vector).  Batches are row-major,
 * b rows. */
#ifndef SV_DENSE_H
#define SV_DENSE_H
#include <stddef.h>

typedef struct Dense {
	unsigned in, out;
	float *w, *b;        /* out*in weights, out biases */
	float *dw, *db;      /* their gradients (overwritten by dense_backward) */
} Dense;

/* The parameters a layer needs: out*in + out.  This function can't fail. */
size_t dense_size(unsigned in, unsigned out);
/* Point l's parameters at p and gradients at g (dense_size floats each). */
void dense_bind(Dense *l, unsigned in, unsigned out, float *p, float *g);
/* y[b][out] = x[b][in] W^T + b, then max(0, y) when relu.  Can't fail. */
void dense_forward(const Dense *l, const float *x, size_t b, float *y, int relu);
/* From dy[b][out] (the gradient at the layer's output, after the ReLU mask has been
 * applied by the caller): l->dw = dy^T x, l->db = column sums of dy, and dx[b][in] =
 * dy W unless dx is NULL.  Can't fail. */
void dense_backward(const Dense *l, const float *x, const float *dy, size_t b, float *dx);
/* dy *= (y > 0): the ReLU's backward pass in place.  Can't fail. */
void dense_relu_mask(float *dy, const float *y, size_t n);

/* Sparse input columns.  When the columns [from, in) of the input are mostly zeros
 * (TF-IDF terms, one-hot labels), a layer can multiply only their non-zero values.
 * Its weights are then stored split (dense_split): columns [0, from) as an
 * out x from row-major block for sgemm, then the other columns transposed, one row
 * of out weights per input column, so that each non-zero input value adds one
 * contiguous row to the output (and its gradient one row to dw).  The sums come
 * out in another order than sgemm's; nothing else changes. */
typedef struct DenseSparse {
	unsigned from;          /* first sparse column */
	size_t *ptr;            /* batch row i: entries ptr[i] .. ptr[i+1] */
	unsigned *idx;          /* column - from */
	float *val;
	size_t cap, rows;
	unsigned *touched, *now;/* the dw rows the last backward pass wrote, this one's */
	size_t *cptr, ccols, ccap; /* the same entries by column */
	unsigned *crow;         /* their batch rows */
	float *cval;
	unsigned long *gen;     /* per dw row: the pass that last wrote it */
	unsigned long pass;
	size_t ntouched, nrows;
} DenseSparse;

/* Rearrange l's weights into the split layout above (split = 1) or back to
 * nn.Linear's (0).  Exits only when memory runs out. */
void dense_split(Dense *l, unsigned from, int split);
/* The non-zero values of columns [s->from, in) of x (b rows) into s.  Exits only
 * when memory runs out. */
void dense_sparse_build(DenseSparse *s, const float *x, size_t b, unsigned in);
/* dense_forward and dense_backward (without dx) on a split layer.  The gradient
 * rows of the sparse columns are written only where a batch has non-zero values,
 * and cleared where the previous batch had some: dw must be all zero when s is new.
 * Exit only when memory runs out. */
void dense_forward_sparse(const Dense *l, const float *x, const DenseSparse *s, size_t b,
    float *y, int act);
void dense_backward_sparse(const Dense *l, const float *x, DenseSparse *s,
    const float *dy, size_t b);
void del_dense_sparse(DenseSparse *s);

/* A backward pass fused with the optimiser's step, so that each gradient is used
 * while it is in cache and never stored in l->dw: the parameters go in blocks of
 * about DENSE_BLOCK values to up(ctx, p, g, n) (p: n parameters of l, g: their
 * gradient), every parameter once, as soon as its gradient is complete and its old
 * value used.  dx as dense_backward's (a plain layer; NULL when s is given); with s
 * the layer is split and s built (dense_sparse_build) for x.  The dx sums come out in
 * another order.  g: scratch for DENSE_BLOCK, in and out floats, whichever is the
 * most.  Exits only when memory runs out. */
#define DENSE_BLOCK 65536
typedef void DenseUpdate(void *ctx, float *p, const float *g, size_t n);
void dense_backward_update(const Dense *l, const float *x, DenseSparse *s, const float *dy,
    size_t b, float *dx, float *g, DenseUpdate *up, void *ctx);

#endif
