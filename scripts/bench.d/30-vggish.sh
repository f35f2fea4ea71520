#!/bin/sh
# 30-vggish — the VGGish network: GFLOP/s next to the machine's sgemm peak measured in
# the same run (a C probe at a large square size and at the network's own GEMM
# shapes), speed vs the torch reference (same weights, input, thread count), x real
# time per core end to end, and memory (weights shared through mmap).
# Times are CPU seconds where noted: other processes share these 2 cores.
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
B=$TOP/bin/vggish
A=$SHARED/audio
cd "$BENCH_TMP" || exit 1

# weights: the test suite's cache when present, else generated here (~290 MB)
W=$(ls "$TOP"/build/vggish-test/*/w.svw 2>/dev/null | head -1)
if [ -n "$W" ]; then
	SD=$(dirname "$W")/sd.pth
else
	$PY "$TOP/tests/ref/vggish_gen.py" sd.pth &&
		"$TOP/scripts/vggish-convert" -p "$SHARED/vggish/vggish_pca_params.npz" -o w.svw sd.pth || exit 1
	W=$BENCH_TMP/w.svw SD=$BENCH_TMP/sd.pth
fi
export SONGVEC_VGGISH_WEIGHTS=$W
unset PARALLEL_SEQ PARALLEL_PID OPENBLAS_NUM_THREADS

# input: 4 clips of 30 s at 16 kHz = 120 s, 120 examples; the same samples for both
CLIPS="$A/stk-xeon6.ogg $A/stk-egypt.ogg $A/stk-lava.ogg $A/stk-subsea.ogg"
segment -r 16000 $CLIPS > in.bin 2>/dev/null || exit 1
vcat in.bin > in.tsv
SECS=120

# sgemm probe (CPU time, one thread): row-major A[M,K] . B[N,K]^T as vggish calls it
cat > probe.c <<'PROBE'
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
PROBE
cc -O2 `pkg-config --cflags openblas` probe.c -o probe `pkg-config --libs openblas` || exit 1
med3() { sort -g | sed -n 2p; }
probe() { for i in 1 2 3; do ./probe "$@"; done | med3; }

SQ=$(probe 2048 2048 2048 1)
# the network's GEMMs per group of 4 examples (first convolution: im2col; the others:
# 16 Winograd GEMMs, tiles x out x in) and per batch of 256 (fc): M N K count-per-example
SHAPES="24576 64 9 0.25
1536 128 64 4
384 256 128 4
384 256 256 4
96 512 256 4
96 512 512 4
256 4096 12288 0.00390625
256 4096 4096 0.00390625
256 128 4096 0.00390625"
echo "$SHAPES" | while read -r m n k per; do
	echo "$m $n $k $per $(probe "$m" "$n" "$k" 1)"
done > shapes.txt
SHAPE=$(awk '{f = 2 * $1 * $2 * $3 * $4; F += f; T += f / $5} END {printf "%.1f", F / T}' shapes.txt)

# the network, one thread: GFLOP/s per CPU second and wall seconds (median of 3)
for i in 1 2 3; do
	$B -v -j 1 in.bin 2>&1 >/dev/null | sed -n 's/.*examples; network \([0-9.]*\) s, [0-9.]* GFLOP\/s; CPU \([0-9.]*\) s, \([0-9.]*\) GFLOP.*computed: \([0-9.]*\).*/\3 \1 \2 \4/p'
done | sort -g > net1.txt
NET=$(sed -n 2p net1.txt | cut -d' ' -f1)
NETA=$(sed -n 2p net1.txt | cut -d' ' -f4)
NETW1=$(cut -d' ' -f2 net1.txt | sort -g | sed -n 2p)
NETC1=$(cut -d' ' -f3 net1.txt | sort -g | sed -n 2p)
for i in 1 2 3; do
	$B -v -j 2 in.bin 2>&1 >/dev/null | sed -n 's/.*examples; network \([0-9.]*\) s.*/\1/p'
done | med3 > net2.txt
NETW2=$(cat net2.txt)

echo "sgemm peak, 1 thread (CPU time): ${SQ} GFLOP/s at 2048^3; ${SHAPE} GFLOP/s at the network's own GEMM shapes (FLOP-weighted)"
awk '{printf "  shape %6d x %4d x %5d: %6.1f GFLOP/s\n", $1, $2, $3, $5}' shapes.txt
echo "vggish network, 1 thread: $NET GFLOP/s per CPU second counting the direct convolution's operations = $(echo "100 * $NET / $SQ" | bc -l | xargs printf %.0f) % of the square sgemm peak (goal >= 75 %)"
echo "  (Winograd F(2x2,3x3) computes fewer: $NETA GFLOP/s of arithmetic actually done = $(echo "100 * $NETA / $SQ" | bc -l | xargs printf %.0f) % of peak)"

# torch reference: same weights, same examples, same thread count (network only, wall)
for i in 1 2 3; do $PY "$TOP/tests/ref/vggish_ref.py" time "$SD" in.tsv 1; done > t1.txt
T1=$(cut -d' ' -f2 t1.txt | med3)
TC1=$(cut -d' ' -f3 t1.txt | med3)
T2=$(for i in 1 2 3; do $PY "$TOP/tests/ref/vggish_ref.py" time "$SD" in.tsv 2 | cut -d' ' -f2; done | med3)
echo "network on 120 examples, 1 thread: C wall $NETW1 s, CPU $NETC1 s; torch wall $T1 s, CPU $TC1 s: C $(echo "$T1 / $NETW1" | bc -l | xargs printf %.2f)x faster (wall), $(echo "$TC1 / $NETC1" | bc -l | xargs printf %.2f)x (CPU) (goal >= 2x)"
echo "  (torch: $(echo "120 * 1.727791104 / $TC1" | bc -l | xargs printf %.0f) GFLOP/s per CPU second, oneDNN convolutions)"
echo "network, 2 threads: C $NETW2 s, torch $T2 s: C $(echo "$T2 / $NETW2" | bc -l | xargs printf %.2f)x faster; 2-thread scaling C $(echo "$NETW1 / $NETW2" | bc -l | xargs printf %.2f)x"

# end to end, one thread: records from segment, and audio files decoded by vggish
E1=$(median_time 3 "$B -j 1 in.bin")
E2=$(median_time 3 "$B -j 1 $CLIPS")
echo "end to end, 1 thread: 16 kHz records $E1 s = $(echo "$SECS / $E1" | bc -l | xargs printf %.1f)x real time per core; .ogg files $E2 s = $(echo "$SECS / $E2" | bc -l | xargs printf %.1f)x"

# memory: peak RSS of one process; for two concurrent processes, from /proc/PID/smaps:
# resident memory outside the weight mapping (private to the process), and the weight
# mapping's resident and shared parts
RSS=$(peak_rss "$B -j 1 in.bin")
WN=$(basename "$W")
$B -j 1 in.bin > /dev/null & p1=$!
$B -j 1 in.bin > /dev/null & p2=$!
: > mem.txt
while kill -0 $p1 2>/dev/null && kill -0 $p2 2>/dev/null; do
	for p in $p1 $p2; do
		awk -v w="$WN" '/^[0-9a-f]+-[0-9a-f]+ /{inw = (index($0, w) > 0); next}
			/^Rss:/{if (inw) wr += $2; else o += $2}
			/^Shared_Clean:/{if (inw) ws += $2}
			END {if (o) printf "%.1f %.1f %.1f\n", o / 1024, wr / 1024, ws / 1024}' /proc/$p/smaps 2>/dev/null >> mem.txt
	done
	sleep 0.2
done
wait
OTHER=$(sort -g mem.txt | tail -1 | cut -d' ' -f1)
WSH=$(sort -k3 -g mem.txt | tail -1 | cut -d' ' -f2,3)
echo "memory: peak RSS $RSS MB with the $(($(wc -c < "$W") / 1000000)) MB weights mapped; two concurrent processes: at most $OTHER MB each beyond the weights (goal < 100); weight mapping resident/shared (MB): $WSH"
