/* spin.c — scripts/bench.d/30-vggish.sh's parallelism probe: the wall time of a
 * fixed CPU loop (two copies at once tell how many cores are really there). */
#include <stdio.h>
#include <time.h>
int main(void) { struct timespec a, b; volatile double x = 0; long i;
	clock_gettime(CLOCK_MONOTONIC, &a); for (i = 0; i < 200000000; i++) x += 1e-9;
	clock_gettime(CLOCK_MONOTONIC, &b); printf("%.4f\n", b.tv_sec - a.tv_sec + 1e-9 * (b.tv_nsec - a.tv_nsec)); return 0; }
