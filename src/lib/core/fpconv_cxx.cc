/* fpconv_cxx.cc — the C++ shim of fpconv.c: Debian's header libraries fast_float
 * (correctly rounded decimal to binary, Lemire's algorithm with an exact fallback)
 * and Dragonbox (shortest round-trip binary to decimal, Jeon's algorithm), exposed
 * as three C functions.  Nothing here allocates or throws. */
#include <cstdint>
#include <fast_float/fast_float.h>
#include <dragonbox/dragonbox.h>

extern "C" {
const char *fpconv_cxx_parse_f(const char *p, const char *end, float *f);
const char *fpconv_cxx_parse_d(const char *p, const char *end, double *d);
uint32_t fpconv_cxx_shortest_f(float f, int *exp10);
}

/* The end of the number at p, or NULL when none starts there.  Cannot fail. */
const char *
fpconv_cxx_parse_f(const char *p, const char *end, float *f)
{
	fast_float::from_chars_result r = fast_float::from_chars(p, end, *f);

	return r.ec == std::errc() ? r.ptr : nullptr;
}

/* The same for a double.  Cannot fail. */
const char *
fpconv_cxx_parse_d(const char *p, const char *end, double *d)
{
	fast_float::from_chars_result r = fast_float::from_chars(p, end, *d);

	return r.ec == std::errc() ? r.ptr : nullptr;
}

/* |f| = significand * 10^*exp10 with the fewest digits that read back as f (the
 * closest such when several), trailing zeros removed.  f finite and nonzero;
 * cannot fail. */
uint32_t
fpconv_cxx_shortest_f(float f, int *exp10)
{
	auto d = jkj::dragonbox::to_decimal(f, jkj::dragonbox::policy::sign::ignore,
	    jkj::dragonbox::policy::trailing_zero::remove);

	*exp10 = d.exponent;
	return d.significand;
}
