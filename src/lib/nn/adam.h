/* adam.h — the Adam optimiser as PyTorch 1.13's torch.optim.Adam (defaults: no
 * weight decay, no amsgrad), over one vector of float32 parameters:
 *	m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *	p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * with the same float32 operations in the same order (AVX-512 / AVX when the CPU has
 * them, the same bits; SV_ADAM_GENERIC set in the environment forces plain C). */
#ifndef SV_ADAM_H
#define SV_ADAM_H
#include <stddef.h>

/* one step's float32 scalars (adam_begin) */
typedef struct AdamCoef {
	float b1, c1, b2, c2, bc2s, eps, neg;
} AdamCoef;

typedef struct Adam {
	size_t n;
	double lr, b1, b2, eps;
	long step;
	float *m, *v;
	AdamCoef k;               /* private: the scalars of the current step */
	int simd;                 /* private: 16, 8 or 0 lanes (adam_begin) */
} Adam;

/* lr, betas (0.9, 0.999), eps 1e-8.  Exits only when memory runs out. */
void adam_init(Adam *a, size_t n, double lr);
/* One update of p[0..n) from the gradient g: adam_begin, then adam_part over all of
 * it.  Can't fail. */
void adam_do(Adam *a, float *p, const float *g);
/* A step in parts: adam_begin starts the next step; adam_part updates elements
 * [off, off + n) of the vector, p[0..n) being those parameters and g[0..n) their
 * gradient.  Every element once per step, in any order: the same bits as adam_do.
 * Neither can fail. */
void adam_begin(Adam *a);
void adam_part(const Adam *a, size_t off, float *p, const float *g, size_t n);
void del_adam(Adam *a);

#endif
