/* blas.h — OpenBLAS set-up shared by the BLAS-heavy tools (vggish, pca, kmeans, elbow).
 *
 * Call blas_init(argc, argv) FIRST in main (before util_init, before any other work
 * and before reading stdin), then blas_threads(n) once the -j option is parsed:
 *
 *	int main(int argc, char **argv) {
 *		blas_init(argc, argv);      // may re-exec the program (see below)
 *		util_init(argc, argv);
 *		... getopt: case 'j': nthreads = estrtol(optarg, 0, 1024, 'j'); ...
 *		blas_threads(nthreads);     // 0 = automatic policy
 *		if (verbose) blas_report(stderr);
 *
 * Core type.  OpenBLAS (Debian 0.3.21, DYNAMIC_ARCH) picks its kernels when the
 * library is loaded.  On some CPUs with AVX-512 it does not recognise (e.g. AMD
 * Zen 5) it falls back to Haswell/Zen kernels that run sgemm at about half speed.
 * blas_init() detects that case: OPENBLAS_CORETYPE unset, the CPU and OS support
 * AVX-512F (cpuid + xgetbv), the library is DYNAMIC_ARCH and openblas_get_corename()
 * is not an AVX-512 core (SkylakeX, Cooperlake, SapphireRapids).  It then sets
 * OPENBLAS_CORETYPE=SkylakeX and re-executes /proc/self/exe with the same argv (the
 * variable is only read at load time).  The environment variable SV_BLAS_REEXEC
 * marks the second run so it can never loop.  A user-set OPENBLAS_CORETYPE is always
 * respected.  Nothing has been read from stdin at that point, so pipes survive.
 *
 * Threads.  blas_threads(n): n > 0 uses n threads.  n == 0 is the automatic
 * policy: OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) when set, else 1 thread when the
 * program runs under GNU parallel (PARALLEL_SEQ or PARALLEL_PID in the environment:
 * parallel already runs one process per core, more threads would oversubscribe),
 * else OpenBLAS's default (one per core). */
#ifndef SV_BLAS_H
#define SV_BLAS_H
#include <stdio.h>

void blas_init(int argc, char **argv);
/* set the thread count (0 = automatic, see above); returns the count in use.  When
 * that count is 1, OpenBLAS's server threads are stopped as well: started when the
 * library loads, each spins (sched_yield) for some 2^28 cycles waiting for work
 * that, at one thread, never comes (OpenBLAS starts them again if a later call
 * asks for more threads).  Cannot fail. */
int blas_threads(int n);
/* blas_threads(1), for a tool whose threads are its own; returns 1 */
int blas_single(void);
/* OpenBLAS on the calling thread alone, for a network whose threads split the work
 * themselves.  Sets the count only when it is not 1 already: OpenBLAS 0.3.21 starts
 * its server threads again (spinning) when set, even to the one thread blas_threads
 * left it at.  Cannot fail. */
void blas_caller_only(void);
/* "blas: OpenBLAS 0.3.21 ... core SkylakeX (chosen: ...), N threads (reason)" */
void blas_report(FILE *fp);
/* the core name in use and how it was chosen ("detected", "OPENBLAS_CORETYPE",
 * "forced SkylakeX for AVX-512") */
const char *blas_corename(void);
const char *blas_coresource(void);

#endif
