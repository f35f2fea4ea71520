/* unit test for src/lib/core/stats.c: NumPy 1.24's float32 and float64 reductions
 * bit for bit (the expected bits are np.sum, np.mean, np.std of the same arrays,
 * computed once with NumPy 1.24.2; the sequential sums beside them show where the
 * pairwise order matters), percentiles as np.percentile, the selection, the NaN
 * handling.  "not ok N what" per failure; exit 1 on any. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "core/util.h"
#include "../unit.h"

static uint32_t
bits32(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static uint64_t
bits64(double f)
{
	uint64_t u;

	memcpy(&u, &f, 8);
	return u;
}

/* x[i] = 1 / (i + 1) in float32: np.sum, the sequential float32 sum, np.mean, np.std */
static const struct { size_t n; uint32_t sum, seq, mean, std; } F32[] = {
	{ 1, 0x3f800000, 0x3f800000, 0x3f800000, 0x00000000 },
	{ 7, 0x4025f160, 0x4025f160, 0x3ebda625, 0x3e8fb261 },
	{ 8, 0x402df160, 0x402df160, 0x3eadf160, 0x3e8cb158 },
	{ 9, 0x40350dd2, 0x40350dd2, 0x3ea0efd7, 0x3e89a722 },
	{ 16, 0x40585dde, 0x40585ddd, 0x3e585dde, 0x3e6ec862 },
	{ 127, 0x40ad9c59, 0x40ad9c58, 0x3d2efa4e, 0x3dd76f64 },
	{ 128, 0x40addc58, 0x40addc58, 0x3d2ddc58, 0x3dd6af28 },
	{ 129, 0x40ae1bda, 0x40ae1bd9, 0x3d2cc255, 0x3dd5f0f8 },
	{ 200, 0x40bc18d6, 0x40bc18d7, 0x3cf0c3a1, 0x3daf695b },
	{ 1000, 0x40ef88fc, 0x40ef890a, 0x3bf548b0, 0x3d23382d },
	{ 4097, 0x410e5359, 0x410e535d, 0x3b0e4a74, 0x3ca32ae8 },
};

/* x[i] = 0.1 i + 1/3 in float64: np.sum, the sequential sum, np.mean, np.std */
static const struct { size_t n; uint64_t sum, seq, mean, std; } F64[] = {
	{ 1, 0x3fd5555555555555, 0x3fd5555555555555, 0x3fd5555555555555, 0 },
	{ 7, 0x4011bbbbbbbbbbbc, 0x4011bbbbbbbbbbbc, 0x3fe4444444444445, 0x3fc9999999999999 },
	{ 8, 0x4015ddddddddddde, 0x4015ddddddddddde, 0x3fe5ddddddddddde, 0x3fcd54178e8830d6 },
	{ 9, 0x401a666666666666, 0x401a666666666666, 0x3fe7777777777777, 0x3fd08654a2d4f6db },
	{ 129, 0x408b24cccccccccc, 0x408b24cccccccccc, 0x401aeeeeeeeeeeee, 0x400dca56432dd39c },
	{ 1000, 0x40e88d6aaaaaaaab, 0x40e88d6aaaaaaaa3, 0x4049244444444445, 0x403cde146a88c889 },
	{ 4097, 0x4129a5de88888889, 0x4129a5de88888867, 0x4069a44444444445, 0x405d914af14079fd },
};

static void
numpy32(void)
{
	float x[4097], seq;
	size_t t, i, n;

	for (i = 0; i < 4097; i++)
		x[i] = 1.0f / ((float)i + 1);
	for (t = 0; t < sizeof F32 / sizeof *F32; t++) {
		n = F32[t].n;
		for (seq = 0, i = 0; i < n; i++)
			seq += x[i];
		check(bits32(seq) == F32[t].seq, "n=%zu: the table's sequential float32 sum", n);
		check(bits32(stats_np_sum32(x, n)) == F32[t].sum, "np.sum float32 n=%zu: %08x, numpy %08x",
		    n, bits32(stats_np_sum32(x, n)), F32[t].sum);
		check(bits32(stats_np_mean32(x, n)) == F32[t].mean, "np.mean float32 n=%zu", n);
		check(bits32(stats_np_std32(x, n)) == F32[t].std, "np.std float32 n=%zu", n);
	}
	check(stats_np_sum32(x, 0) == 0 && !signbit(stats_np_sum32(x, 0)), "empty float32 sum is +0");
}

static void
numpy64(void)
{
	double x[4097], d[4097], seq, mean, std;
	size_t t, i, n;

	for (i = 0; i < 4097; i++)
		x[i] = (double)i * 0.1 + 1.0 / 3;
	for (t = 0; t < sizeof F64 / sizeof *F64; t++) {
		n = F64[t].n;
		for (seq = 0, i = 0; i < n; i++)
			seq += x[i];
		check(bits64(seq) == F64[t].seq, "n=%zu: the table's sequential float64 sum", n);
		check(bits64(stats_np_sum64(x, n)) == F64[t].sum, "np.sum float64 n=%zu", n);
		check(bits64(stats_np_mean64(x, n)) == F64[t].mean, "np.mean float64 n=%zu", n);
		stats_np_meanstd64(x, n, d, &mean, &std);
		check(bits64(mean) == F64[t].mean && bits64(std) == F64[t].std,
		    "np.mean, np.std float64 n=%zu", n);
	}
}

/* np.percentile([1, 2, 3, 4], p), method 'linear' */
static void
percentile(void)
{
	static const struct { double p; uint64_t v; } P[] = {
		{ 0, 0x3ff0000000000000 }, { 10, 0x3ff4cccccccccccd }, { 25, 0x3ffc000000000000 },
		{ 50, 0x4004000000000000 }, { 90, 0x400d99999999999a }, { 100, 0x4010000000000000 },
		{ 33.3, 0x3ffffbe76c8b4395 },
	};
	double a[] = { 4, 2, 1, 3 }, b[] = { NAN, 2, NAN, 1 };
	size_t t;

	stats_sort(a, 4);
	check(a[0] == 1 && a[1] == 2 && a[2] == 3 && a[3] == 4, "stats_sort");
	for (t = 0; t < sizeof P / sizeof *P; t++)
		check(bits64(stats_percentile(a, 4, P[t].p)) == P[t].v, "np.percentile p=%g: %.17g", P[t].p,
		    stats_percentile(a, 4, P[t].p));
	check(isnan(stats_percentile(a, 0, 50)), "percentile of nothing is NaN");
	check(stats_percentile(a, 1, 73) == 1, "percentile of one value is the value");
	stats_sort(b, 4);
	check(b[0] == 1 && b[1] == 2 && isnan(b[2]) && isnan(b[3]), "stats_sort puts NaN last");
	b[0] = NAN, b[1] = 5, b[2] = NAN, b[3] = 6;
	check(stats_dropnan(b, 4) == 2 && b[0] == 5 && b[1] == 6, "stats_dropnan keeps the order");
	check(isnan(stats_mean(b, 0)) && isnan(stats_std(b, 0)), "mean and std of nothing are NaN");
	check(stats_mean(b, 2) == 5.5 && stats_std(b, 2) == 0.5, "mean 5.5, std 0.5");
	b[1] = NAN;
	check(isnan(stats_mean(b, 2)), "NaN propagates through stats_mean");
}

static int
cmpf(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* stats_select_k: a[k] the k-th smallest, smaller ones before, larger after */
static void
select_k(void)
{
	float a[300], s[300];
	uint32_t r = 7;
	size_t n, k, i;
	int ok;

	for (n = 1; n <= 300; n += n < 20 ? 1 : 37) {
		for (k = 0; k < n; k += 1 + n / 7) {
			for (i = 0; i < n; i++) {
				r = r * 1103515245 + 12345;
				a[i] = (float)(r >> 20 & 15); /* many ties */
			}
			memcpy(s, a, n * sizeof *a);
			qsort(s, n, sizeof *s, cmpf);
			stats_select_k(a, n, k);
			ok = a[k] == s[k];
			for (i = 0; i < n; i++)
				if ((i < k && a[i] > a[k]) || (i > k && a[i] < a[k]))
					ok = 0;
			check(ok, "select k=%zu of n=%zu", k, n);
		}
	}
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	numpy32();
	numpy64();
	percentile();
	select_k();
	return unit_done();
}
