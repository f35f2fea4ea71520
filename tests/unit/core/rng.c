/* unit test for src/lib/core/rng.c: the generator is xoshiro256** seeded by
 * splitmix64 as rng.h says (the expected outputs come from a separate Python
 * implementation of the published algorithms), so every -s SEED means the same
 * numbers on every machine and in every release; rng_below and rng_uniform stay in
 * range and look uniform.  "not ok N what" per failure; exit 1 on any. */
#include <math.h>
#include <stdint.h>

#include "core/rng.h"
#include "core/util.h"
#include "../unit.h"

static const struct { uint64_t seed, stream, out[4]; } SEQ[] = {
	{ 0, 0, { 0x422ea740d0977210, 0xe062b061b42e2928, 0x5a071fc5930841b6, 0x01334ef8ed3cc2bd } },
	{ 1, 0, { 0xf9d20113ec80c6d5, 0xd16e236e5cdc6563, 0x68a40f278366062a, 0x8fee6a914b3be91c } },
	{ 1, 1, { 0x03dcc20952818737, 0x8ea31bbd3bb4e14c, 0xf4205de16c4f5c9e, 0xd0c59f246be3350a } },
	{ 12345, 7, { 0x30cf42410c839998, 0xf69dadd3484da135, 0xb2ef5faa8a5a64e7, 0xa1bfcd37f84cb95a } },
	{ 0x7fffffffffffffff, 3,
	  { 0x7c28665271ea3fa4, 0xd3228aeff7eab36e, 0x4b402cde57953d1c, 0x2eaea260b37dc838 } },
};

static void
known(void)
{
	size_t t;
	int i;
	Rng r;

	for (t = 0; t < sizeof SEQ / sizeof *SEQ; t++) {
		rng_seed(&r, SEQ[t].seed, SEQ[t].stream);
		for (i = 0; i < 4; i++) {
			uint64_t v = rng_next(&r);
			check(v == SEQ[t].out[i], "seed %llu stream %llu output %d: %016llx",
			    (unsigned long long)SEQ[t].seed, (unsigned long long)SEQ[t].stream, i,
			    (unsigned long long)v);
		}
	}
}

static void
ranges(void)
{
	unsigned long hist[10] = { 0 }, below[7] = { 0 };
	double u, s = 0, s2 = 0;
	int i, ok = 1, okb = 1;
	Rng r;

	rng_seed(&r, 42, 0);
	for (i = 0; i < 100000; i++) {
		u = rng_uniform(&r);
		if (!(u >= 0 && u < 1))
			ok = 0;
		else
			hist[(int)(u * 10)]++;
	}
	check(ok, "rng_uniform in [0, 1)");
	for (i = 0; i < 10; i++)
		check(hist[i] > 9500 && hist[i] < 10500, "rng_uniform decile %d: %lu of 100000", i, hist[i]);
	for (i = 0; i < 70000; i++) {
		uint64_t b = rng_below(&r, 7);
		if (b >= 7)
			okb = 0;
		else
			below[b]++;
	}
	check(okb, "rng_below(7) in [0, 7)");
	for (i = 0; i < 7; i++)
		check(below[i] > 9500 && below[i] < 10500, "rng_below(7) = %d: %lu of 70000", i, below[i]);
	check(rng_below(&r, 0) == 0 && rng_below(&r, 1) == 0, "rng_below(0), rng_below(1) are 0");
	check(rng_below(&r, UINT64_MAX) < UINT64_MAX, "rng_below(2^64 - 1) in range");
	for (i = 0; i < 100000; i++) {
		u = rng_normal(&r);
		s += u;
		s2 += u * u;
	}
	check(isfinite(s) && fabs(s / 100000) < 0.02 && fabs(s2 / 100000 - 1) < 0.02,
	    "rng_normal: mean %g, variance %g", s / 100000, s2 / 100000);
}

static void
streams(void)
{
	Rng a, b;

	rng_seed(&a, 9, 0);
	rng_seed(&b, 9, 1);
	check(rng_next(&a) != rng_next(&b), "streams 0 and 1 of one seed differ");
	rng_seed(&a, 9, 5);
	rng_seed(&b, 9, 5);
	check(rng_next(&a) == rng_next(&b) && rng_next(&a) == rng_next(&b), "one seed, one stream: one sequence");
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	known();
	ranges();
	streams();
	return unit_done();
}
