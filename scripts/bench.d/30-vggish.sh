#!/bin/sh
# 30-vggish — the VGGish network: GFLOP/s next to the machine's sgemm peak measured in
# the same run (a C probe at a large square size and at the network's own GEMM
# shapes), speed vs the torch reference (same weights, input, thread count), x real
# time per core end to end, and memory (weights shared through mmap).
# Times are CPU seconds where noted: other processes share these 2 cores.
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
B=$TOP/bin/vggish
A=$AUDIO
cd "$BENCH_TMP" || exit 1

# weights: the test suite's cache when present, else generated here (~360 MB; and
# without the Winograd kernels, as files written before them, ~290 MB)
W=$(ls "$TOP"/build/vggish-test/*/old.svw 2>/dev/null | head -1)
if [ -n "$W" ]; then
	SD=$(dirname "$W")/sd.pth WOLD=$W W=$(dirname "$W")/w.svw
else
	$PY "$TOP/tests/ref/vggish_gen.py" sd.pth &&
		"$TOP/scripts/vggish-convert" -p "$TOP/tests/data/vggish/vggish_pca_params.npz" -o w.svw sd.pth &&
		"$TOP/scripts/vggish-convert" -K -o old.svw w.svw || exit 1
	W=$BENCH_TMP/w.svw SD=$BENCH_TMP/sd.pth WOLD=$BENCH_TMP/old.svw
fi
export SONGVEC_VGGISH_WEIGHTS=$W
unset PARALLEL_SEQ PARALLEL_PID OPENBLAS_NUM_THREADS

# input: 4 clips of 30 s at 16 kHz = 120 s, 120 examples; the same samples for both
CLIPS="$A/stk-xeon6.ogg $A/stk-egypt.ogg $A/stk-lava.ogg $A/stk-subsea.ogg"
segment -r 16000 $CLIPS > in.bin 2>/dev/null || exit 1
vcat in.bin > in.tsv
SECS=120

# sgemm probe (CPU time, one thread): row-major A[M,K] . B[N,K]^T as vggish calls it
cc -O2 `pkg-config --cflags openblas` "$TOP/scripts/bench.d/sgemm-probe.c" -o probe `pkg-config --libs openblas` || exit 1
med3() { sort -g | sed -n 2p; }
probe() { for i in 1 2 3; do ./probe "$@"; done | med3; }

SQ=$(probe 2048 2048 2048 1)
# the network's GEMMs per example (M N K count-per-example): layers 1-5 are 36
# Winograd F(4x4) GEMMs per chunk of 2, 8, 8, 32, 32 examples (192 tiles x out x in),
# the fully connected layers one per batch (120 examples here)
SHAPES="192 128 64 18
192 256 128 4.5
192 256 256 4.5
192 512 256 1.125
192 512 512 1.125
120 4096 12288 0.008333333
120 4096 4096 0.008333333
120 128 4096 0.008333333"
echo "$SHAPES" | while read -r m n k per; do
	echo "$m $n $k $per $(probe "$m" "$n" "$k" 1)"
done > shapes.txt
SHAPE=$(awk '{f = 2 * $1 * $2 * $3 * $4; F += f; T += f / $5} END {printf "%.1f", F / T}' shapes.txt)

# available parallelism right now: two copies of a CPU loop, alone and concurrently
# (other virtual machines share the host: 2 cores are not always 2 cores)
cc -O1 "$TOP/scripts/bench.d/spin.c" -o spin || exit 1
par() { S1=$(./spin); S2=$( (./spin & ./spin & wait) | sort -g | tail -1); echo "2 * $S1 / $S2" | bc -l | xargs printf '%.2f\n'; }

med() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
N=5
# the network alone (vggish -v: wall and CPU seconds of the network), N runs of each
# thread count interleaved with torch's (same weights, same examples, same threads)
: > c1.txt; : > c2.txt; : > t1.txt; : > t2.txt; : > par.txt
i=0
while [ $i -lt $N ]; do
	par >> par.txt
	$B -v -j 1 in.bin 2>&1 >/dev/null | sed -n 's/.*examples; network \([0-9.]*\) s, [0-9.]* GFLOP\/s; CPU \([0-9.]*\) s.*/\1 \2/p' >> c1.txt
	$B -v -j 2 in.bin 2>&1 >/dev/null | sed -n 's/.*examples; network \([0-9.]*\) s, [0-9.]* GFLOP\/s; CPU \([0-9.]*\) s.*/\1 \2/p' >> c2.txt
	$PY "$TOP/tests/ref/vggish_ref.py" time "$SD" in.tsv 1 | cut -d' ' -f2,3 >> t1.txt
	$PY "$TOP/tests/ref/vggish_ref.py" time "$SD" in.tsv 2 | cut -d' ' -f2,3 >> t2.txt
	i=$((i + 1))
done
paste -d' ' c1.txt c2.txt | awk '{print $1 / $3}' > sc.txt
for f in c1 c2 t1 t2; do
	eval "${f}w=\$(cut -d' ' -f1 $f.txt | med)"
	eval "${f}c=\$(cut -d' ' -f2 $f.txt | med)"
done
FD=1.727791104  # GFLOP per example, direct convolutions (vggish_net_flops(0))
# computed GFLOP per example: FD x the ratio of vggish -v's two rates
FA=$($B -v -j 1 in.bin 2>&1 >/dev/null | sed -n 's/.*CPU [0-9.]* s, \([0-9.]*\) GFLOP\/s per CPU second.*computed: \([0-9.]*\).*/\2 \/ \1/p')
FA=$(echo "$FD * $FA" | bc -l)
r() { echo "$1 / $2" | bc -l | xargs printf %.2f; }
echo "sgemm peak, 1 thread (CPU time): ${SQ} GFLOP/s at 2048^3; ${SHAPE} GFLOP/s at the network's own GEMM shapes (FLOP-weighted)"
awk '{printf "  shape %6d x %4d x %5d: %6.1f GFLOP/s\n", $1, $2, $3, $5}' shapes.txt
echo "available parallelism of the 2 cores, measured with two CPU loops in each round: median $(med < par.txt) (min $(sort -g par.txt | head -1), max $(sort -g par.txt | tail -1))"
echo "network on 120 examples, medians of $N runs (wall s / CPU s):"
echo "  C -j 1: $c1w / $c1c;  C -j 2: $c2w / $c2c;  torch 1 thread: $t1w / $t1c;  torch 2 threads: $t2w / $t2c"
echo "  1 thread: C $(r $t1w $c1w)x faster than torch (wall), $(r $t1c $c1c)x (CPU) (goal >= 2x)"
echo "  2 threads: C $(r $t2w $c2w)x faster than torch (wall), $(r $t2c $c2c)x (CPU)"
echo "  -j 2 vs -j 1: C $(r $c1w $c2w)x (wall; median of the per-round ratios $(med < sc.txt | xargs printf %.2f), max $(sort -g sc.txt | tail -1 | xargs printf %.2f)), torch $(r $t1w $t2w)x"
echo "  C GFLOP/s per CPU second, 1 thread: $(echo "120 * $FD / $c1c" | bc -l | xargs printf %.1f) counting the direct convolutions ($(echo "100 * 120 * $FD / $c1c / $SQ" | bc -l | xargs printf %.0f) % of the square sgemm peak), $(echo "120 * $FA / $c1c" | bc -l | xargs printf %.1f) actually computed (Winograd F(4x4) does $(r $FD $FA)x fewer operations)"
echo "  torch: $(echo "120 * $FD / $t1c" | bc -l | xargs printf %.1f) GFLOP/s per CPU second (oneDNN convolutions)"

# end to end, one thread (process CPU time: user + system, medians of N): records from
# segment, and audio files decoded by vggish
cpu_med() { i=0; while [ $i -lt $N ]; do /usr/bin/time -f '%e %U %S' -o t.txt sh -c "$1" >/dev/null 2>&1; awk '{print $1, $2 + $3}' t.txt; i=$((i + 1)); done > e.txt; echo "$(cut -d' ' -f1 e.txt | med) $(cut -d' ' -f2 e.txt | med)"; }
set -- $(cpu_med "$B -j 1 in.bin"); E1W=$1 E1C=$2
set -- $(cpu_med "$B -j 1 $CLIPS"); E2W=$1 E2C=$2
set -- $(cpu_med "$B -j 2 $CLIPS"); E3W=$1 E3C=$2
echo "end to end ($SECS s of audio), medians of $N: 16 kHz records -j 1 $E1W s wall, $E1C s CPU = $(r $SECS $E1C)x real time per core"
echo "  .ogg files -j 1: $E2W s wall, $E2C s CPU = $(r $SECS $E2C)x real time per core; -j 2: $E3W s wall ($(r $SECS $E3W)x real time), $E3C s CPU"

# memory: peak RSS of one process; for two concurrent processes, from /proc/PID/smaps:
# resident memory outside the weight mapping (private to the process), and the weight
# mapping's resident and shared parts; with the Winograd kernels in the weight file
# (shared) and without them (computed into each process)
RSS=$(peak_rss "$B -j 1 in.bin")
mem2() {
	WN=$(basename "$1")
	SONGVEC_VGGISH_WEIGHTS=$1 $B -j 1 in.bin > /dev/null & p1=$!
	SONGVEC_VGGISH_WEIGHTS=$1 $B -j 1 in.bin > /dev/null & p2=$!
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
}
mem2 "$W"
echo "memory: peak RSS $RSS MB with the $(($(wc -c < "$W") / 1000000)) MB weights mapped; two concurrent processes: at most $OTHER MB each beyond the weights (goal < 100); weight mapping resident/shared (MB): $WSH"
mem2 "$WOLD"
echo "  a weight file without the Winograd kernels ($(($(wc -c < "$WOLD") / 1000000)) MB, kernels computed into each process): at most $OTHER MB each beyond the weights"
# start-up: a run on no input (map and check the weights, set up the network)
ST=$(median_time 15 "SONGVEC_VGGISH_WEIGHTS=$W $B -j 1 /dev/null")
STO=$(median_time 15 "SONGVEC_VGGISH_WEIGHTS=$WOLD $B -j 1 /dev/null")
echo "start-up (no input, medians of 15, wall s): $ST with the kernels in the weight file, $STO computing them"
