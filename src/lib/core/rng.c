/* rng.c — xoshiro256** seeded by splitmix64 (see rng.h). */
#include "core/rng.h"

#include <math.h>

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* This function can't fail. */
void
rng_seed(Rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	int i;

	splitmix64(&s);
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&s);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* This function can't fail. */
uint64_t
rng_next(Rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* This function can't fail. */
double
rng_uniform(Rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* This function can't fail. */
uint64_t
rng_below(Rng *r, uint64_t n)
{
	uint64_t lim, v;

	if (n <= 1)
		return 0;
	lim = -n % n; /* 2^64 mod n: reject the first lim values */
	do
		v = rng_next(r);
	while (v < lim);
	return v % n;
}

/* This function can't fail. */
double
rng_normal(Rng *r)
{
	double u1, u2;

	do
		u1 = rng_uniform(r);
	while (u1 <= 0);
	u2 = rng_uniform(r);
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}
