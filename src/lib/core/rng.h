/* rng.h — the one random generator: xoshiro256** (Blackman & Vigna), seeded by
 * splitmix64 from (seed, stream), so independent streams (one per k-means run, per
 * thread, per epoch) come from one user seed (-s SEED).  Same numbers on every
 * machine; not numpy's.
 *
 *	Rng r; rng_seed(&r, seed, 0);
 *	double u = rng_uniform(&r);          // [0, 1)
 *	uint64_t i = rng_below(&r, n);       // [0, n) */
#ifndef SV_RNG_H
#define SV_RNG_H
#include <stdint.h>

typedef struct Rng { uint64_t s[4]; } Rng;

/* These cannot fail. */
void rng_seed(Rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(Rng *r);
double rng_uniform(Rng *r);              /* [0, 1), 53 bits */
uint64_t rng_below(Rng *r, uint64_t n);  /* uniform in [0, n), unbiased; 0 when n <= 1 */
double rng_normal(Rng *r);               /* standard normal (Box-Muller, one value per call) */

#endif
