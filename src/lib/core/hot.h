/* hot.h — HOT marks a hot loop's function: compiled at -O3 and cloned for AVX-512
 * and AVX2 beside the baseline, the clone chosen at load time for the CPU at hand
 * (GCC's target_clones), whatever -march the rest of the build uses.  The clones
 * give the same bits: the build is ISO C (-std=c11: no fma contraction) and no
 * clone reassociates, so the order of operations is the source's.  Plain functions
 * with other compilers, off x86-64, and in the sanitizer build (ASan and load-time
 * ifunc resolvers do not mix).
 *
 *	HOT static void add_row(double *restrict acc, const float *restrict x, size_t d) */
#ifndef SV_HOT_H
#define SV_HOT_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define HOT __attribute__((target_clones("avx512f", "avx2", "default"), optimize("O3")))
#else
#define HOT
#endif

#endif
