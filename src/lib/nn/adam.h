/* adam.h — the Adam optimiser as PyTorch 1.13's torch.optim.Adam (defaults: no
 * weight decay, no amsgrad), over one vector of float32 parameters:
 *	m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *	p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * with the same float32 operations in the same order (AVX-512 / AVX when the CPU has
 * them, the same bits; SV_ADAM_GENERIC set in the environment forces plain C). */
#ifndef SV_ADAM_H
#define SV_ADAM_H
#include <stddef.h>

typedef struct Adam {
	size_t n;
	double lr, b1, b2, eps;
	long step;
	float *m, *v;
} Adam;

/* lr, betas (0.9, 0.999), eps 1e-8.  Exits only when memory runs out. */
void adam_init(Adam *a, size_t n, double lr);
/* One update of p[0..n) from the gradient g.  Can't fail. */
void adam_do(Adam *a, float *p, const float *g);
void del_adam(Adam *a);

#endif
