#!/bin/sh
# 45-kmeans — kmeans and elbow against scikit-learn 1.2.1 with the same thread count
# (OMP_NUM_THREADS/OPENBLAS_NUM_THREADS for sklearn, -j for ours), same data (make_blobs,
# float32, binary songvec stream).  sklearn is timed inside Python around fit() only
# (no interpreter start, no loading); ours is the whole command, loading and output
# included.  Wall-time medians of 3 and CPU time (user+sys; sklearn: process_time)
# medians of 3: on a loaded machine the CPU-time ratio is the steadier one.
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
H="$PY $TOP/tests/ref/kmeans_bench.py"
J=${BENCH_THREADS:-$(nproc)}
export OMP_NUM_THREADS=$J OPENBLAS_NUM_THREADS=$J
D=$BENCH_TMP/km
mkdir -p "$D"
$H gen 100000 128 8 1 "$D/big.vec" || exit 1
$H gen 20000 130 6 2 "$D/mid.vec" || exit 1
mb=$(awk "BEGIN{printf \"%.1f\", $(wc -c < "$D/big.vec")/1048576}")

med3() { sort -g | sed -n 2p; }
# ours: median wall and median cpu of 3
ours() {
	for _i in 1 2 3; do
		/usr/bin/time -f '%e %U %S' -o "$D/t" sh -c "$*" > /dev/null 2>&1 || { echo "bench: failed: $*" >&2; return 1; }
		cat "$D/t"
	done > "$D/ours"
	ow=$(awk '{print $1}' "$D/ours" | med3)
	oc=$(awk '{print $2 + $3}' "$D/ours" | med3)
}
# sklearn: median wall, inertia, median cpu of 3
theirs() {
	for _i in 1 2 3; do $H "$@" || return 1; done > "$D/theirs"
	pw=$(awk '{print $1}' "$D/theirs" | med3)
	pc=$(awk '{print $3}' "$D/theirs" | med3)
	pi=$(awk 'NR==1{print $2}' "$D/theirs")
}
ratio() { awk "BEGIN{printf \"%.2f\", $1/$2}"; }

echo "kmeans: 100000 x 128 float32 (${mb} MB), k=8, n_init 10, $J threads"
ours "kmeans -q -b -k 8 -n 10 -s 1 -j $J < '$D/big.vec'"
ci=$(kmeans -k 8 -n 10 -s 1 -j $J < "$D/big.vec" 2>&1 >/dev/null | sed -n 's/.*inertia \([^,]*\),.*/\1/p')
theirs kmeans "$D/big.vec" 8 10
echo "  songvec kmeans  wall ${ow}s  cpu ${oc}s  inertia $ci"
echo "  sklearn fit     wall ${pw}s  cpu ${pc}s  inertia $pi"
echo "  speed-up wall x$(ratio "$pw" "$ow")  cpu x$(ratio "$pc" "$oc")  inertia ratio $(awk "BEGIN{printf \"%.6f\", $ci/$pi}")"
rss=$(peak_rss "kmeans -q -b -k 8 -n 10 -s 1 -j $J < '$D/big.vec'")
echo "  peak RSS ${rss} MB = x$(ratio "$rss" "$mb") the input (float32 data held once)"

echo "elbow: 20000 x 130, k=2..15, n_init 10, $J threads"
ours "elbow -q -k 2:15 -s 1 -j $J < '$D/mid.vec'"
theirs elbow "$D/mid.vec" 2 15
echo "  songvec elbow   wall ${ow}s  cpu ${oc}s"
echo "  sklearn loop    wall ${pw}s  cpu ${pc}s"
echo "  speed-up wall x$(ratio "$pw" "$ow")  cpu x$(ratio "$pc" "$oc")"
s=$(median_time 1 "elbow -S -q -k 2:15 -s 1 -j $J < '$D/mid.vec'")
echo "  elbow -S (adds silhouette + Davies-Bouldin for the 14 k, n=20000): ${s}s"
