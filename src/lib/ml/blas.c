/* blas.c — OpenBLAS core-type and thread set-up (see blas.h). */
#include "ml/blas.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define REEXEC_MARK "SV_BLAS_REEXEC"

/* OpenBLAS's own (pthread builds): joins its server threads, which it starts
 * again on demand; weak, so other BLAS libraries link without it */
extern int blas_thread_shutdown_(void) __attribute__((weak));

static const char *threads_why = "OpenBLAS default";
static int threads_n;

/* AVX-512F usable: CPU flag and the OS saves the opmask/ZMM state (XCR0 bits 5-7) */
static int
have_avx512f(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) /* OSXSAVE */
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	if (!(b & (1u << 16)))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	(void)hi;
	return (lo & 0xe6) == 0xe6;
#else
	return 0;
#endif
}

static int
avx512_core(const char *name)
{
	return !strcasecmp(name, "skylakex") || !strcasecmp(name, "cooperlake") ||
	    !strcasecmp(name, "sapphirerapids");
}

const char *
blas_corename(void)
{
	const char *s = openblas_get_corename();

	return s ? s : "unknown";
}

const char *
blas_coresource(void)
{
	const char *mark = getenv(REEXEC_MARK);

	if (mark && *mark)
		return "forced SkylakeX: AVX-512 CPU that OpenBLAS did not detect";
	if (getenv("OPENBLAS_CORETYPE") && *getenv("OPENBLAS_CORETYPE"))
		return "OPENBLAS_CORETYPE";
	return "detected by OpenBLAS";
}

void
blas_init(int argc, char **argv)
{
	const char *cfg;
	char *mark;

	(void)argc;
	mark = getenv(REEXEC_MARK);
	if (mark && *mark == '1') { /* second run: keep the marker for -v, never loop */
		return;
	}
	if (getenv("OPENBLAS_CORETYPE") && *getenv("OPENBLAS_CORETYPE"))
		return;
	cfg = openblas_get_config();
	if (!cfg || !strstr(cfg, "DYNAMIC_ARCH"))
		return;
	if (!have_avx512f() || avx512_core(blas_corename()))
		return;
	if (setenv("OPENBLAS_CORETYPE", "SkylakeX", 1) || setenv(REEXEC_MARK, "1", 1))
		return;
	fflush(NULL);
	execv("/proc/self/exe", argv);
	/* exec failed (no /proc): carry on with the slower kernels */
	unsetenv("OPENBLAS_CORETYPE");
	unsetenv(REEXEC_MARK);
}

static int
env_threads(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 1024)
		return 0;
	return (int)v;
}

int
blas_threads(int n)
{
	if (n > 0) {
		threads_why = "-j";
	} else if ((n = env_threads("OPENBLAS_NUM_THREADS")) > 0) {
		threads_why = "OPENBLAS_NUM_THREADS";
	} else if ((n = env_threads("OMP_NUM_THREADS")) > 0) {
		threads_why = "OMP_NUM_THREADS";
	} else if (getenv("PARALLEL_SEQ") || getenv("PARALLEL_PID")) {
		n = 1;
		threads_why = "running under GNU parallel";
	} else {
		n = 0;
		threads_why = "one per core";
	}
	if (n > 0)
		openblas_set_num_threads(n);
	threads_n = openblas_get_num_threads();
	/* at one thread the server threads started at load only spin: stop them */
	if (threads_n == 1 && blas_thread_shutdown_)
		blas_thread_shutdown_();
	return threads_n;
}

int
blas_single(void)
{
	return blas_threads(1);
}

void
blas_caller_only(void)
{
	if (openblas_get_num_threads() != 1)
		openblas_set_num_threads(1);
}

void
blas_report(FILE *fp)
{
	const char *cfg = openblas_get_config();

	if (!threads_n)
		threads_n = openblas_get_num_threads();
	fprintf(fp, "blas: %s; core %s (%s); %d thread%s (%s)\n", cfg ? cfg : "OpenBLAS",
	    blas_corename(), blas_coresource(), threads_n, threads_n == 1 ? "" : "s",
	    threads_why);
}
