#!/bin/sh
# 45-kmeans — kmeans and elbow against scikit-learn 1.2.1 with the same thread count
# (OMP_NUM_THREADS/OPENBLAS_NUM_THREADS for sklearn, -j for ours), same data (make_blobs,
# float32, binary songvec stream).  sklearn is timed inside Python around fit() only
# (no interpreter start, no loading); ours is the whole command, loading included.
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

echo "kmeans: 100000 x 128 float32 (${mb} MB), k=8, n_init 10, $J threads"
c=$(median_time 3 "kmeans -q -b -k 8 -n 10 -s 1 -j $J < '$D/big.vec' > /dev/null")
ci=$(kmeans -k 8 -n 10 -s 1 -j $J < "$D/big.vec" 2>&1 >/dev/null | sed -n 's/.*inertia \([^,]*\),.*/\1/p')
p1=$($H kmeans "$D/big.vec" 8 10); p2=$($H kmeans "$D/big.vec" 8 10); p3=$($H kmeans "$D/big.vec" 8 10)
p=$(printf '%s\n%s\n%s\n' "${p1% *}" "${p2% *}" "${p3% *}" | sort -g | sed -n 2p)
echo "  songvec kmeans  median ${c}s  inertia $ci"
echo "  sklearn fit     median ${p}s  inertia ${p1#* }"
echo "  speed-up x$(awk "BEGIN{printf \"%.2f\", $p/$c}")  inertia ratio $(awk "BEGIN{printf \"%.6f\", $ci/${p1#* }}")"
rss=$(peak_rss "kmeans -q -b -k 8 -n 10 -s 1 -j $J < '$D/big.vec' > /dev/null")
echo "  peak RSS ${rss} MB = x$(awk "BEGIN{printf \"%.2f\", $rss/$mb}") the input (float32 data held once)"

echo "elbow: 20000 x 130, k=2..15, n_init 10, $J threads"
c=$(median_time 3 "elbow -q -k 2:15 -s 1 -j $J < '$D/mid.vec' > /dev/null")
p1=$($H elbow "$D/mid.vec" 2 15); p2=$($H elbow "$D/mid.vec" 2 15); p3=$($H elbow "$D/mid.vec" 2 15)
p=$(printf '%s\n%s\n%s\n' "${p1% *}" "${p2% *}" "${p3% *}" | sort -g | sed -n 2p)
echo "  songvec elbow   median ${c}s"
echo "  sklearn loop    median ${p}s"
echo "  speed-up x$(awk "BEGIN{printf \"%.2f\", $p/$c}")"
s=$(median_time 1 "elbow -S -q -k 2:15 -s 1 -j $J < '$D/mid.vec' > /dev/null")
echo "  elbow -S (silhouette + Davies-Bouldin for 14 k, n=20000): ${s}s"
