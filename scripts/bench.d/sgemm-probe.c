/* sgemm-probe.c — scripts/bench.d/30-vggish.sh's GEMM probe: GFLOP/s (CPU time) of
 * row-major A[M,K] . B[N,K]^T, as vggish calls cblas_sgemm, repeated for 0.7 s.
 *	sgemm-probe M N K THREADS */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
int main(int argc, char **argv) {
	int M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]), reps = 0;
	float *a = malloc(4L * M * K), *b = malloc(4L * K * N), *c = malloc(4L * M * N);
	double t0, t;
	long i;
	openblas_set_num_threads(atoi(argv[4]));
	for (i = 0; i < (long)M * K; i++) a[i] = 1e-3f * (i % 7);
	for (i = 0; i < (long)K * N; i++) b[i] = 1e-3f * (i % 5);
#define G cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1, a, K, b, K, 0, c, N)
	G;
	t0 = cpu();
	do { G; reps++; } while ((t = cpu() - t0) < 0.7);
	printf("%.1f\n", 2.0 * M * N * K * reps / t / 1e9);
	return 0;
}
