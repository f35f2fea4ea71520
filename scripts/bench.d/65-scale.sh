#!/bin/sh
# 65-scale — the steps that do not fan out (issue 20): weight, pca -v 0.93 and
# kmeans -k 8 (n_init 10) over all songs at once, on synthetic song vectors
# (make_blobs, 128 dims, float32 binary stream), at 100 000 songs and, unless
# SCALE_BENCH_BIG=0, at 1 000 000.  Wall time (one run: each fit is long enough),
# CPU time and peak RSS of the whole command; the README's scaling section quotes
# these.  BENCH_THREADS sets the BLAS/pool threads (default: all cores).
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
J=${BENCH_THREADS:-$(nproc)}
export OPENBLAS_NUM_THREADS=$J
D=$BENCH_TMP/scale
mkdir -p "$D"
SIZES=100000
[ "${SCALE_BENCH_BIG:-1}" = 0 ] || SIZES="$SIZES 1000000"

# one command: "wall cpu rss_MB" of the sh -c string $1
measure() {
	/usr/bin/time -f '%e %U %S %M' -o "$D/t" sh -c "$1" > /dev/null 2> "$D/err" ||
		{ echo "bench: failed: $1" >&2; sed 's/^/  /' "$D/err" >&2; return 1; }
	awk '{printf "%.2fs wall  %.2fs cpu  %.0f MB peak RSS\n", $1, $2 + $3, $4 / 1024}' "$D/t"
}
for n in $SIZES; do
	$PY "$TOP/tests/ref/kmeans_bench.py" gen "$n" 128 8 1 "$D/x.vec" || exit 1
	mb=$(awk "BEGIN{printf \"%.0f\", $(wc -c < "$D/x.vec")/1048576}")
	echo "$n songs x 128 dims (float32 stream ${mb} MB), $J threads"
	weight -b -G none "$D/x.vec" > "$D/w.vec" || exit 1
	pca -b -j "$J" -v 0.93 "$D/w.vec" > "$D/r.vec" || exit 1
	k=$(vcat "$D/r.vec" | sed -n '1s/^#songvec dim=\([0-9]*\).*/\1/p')
	echo "  weight                 $(measure "weight -b -G none '$D/x.vec'")" || exit 1
	echo "  pca -v 0.93 (${k} comps)  $(measure "pca -b -j $J -v 0.93 '$D/w.vec'")" || exit 1
	echo "  kmeans -k 8 -n 10      $(measure "kmeans -q -b -k 8 -n 10 -s 1 -j $J '$D/r.vec'")" || exit 1
	rm -f "$D/x.vec" "$D/w.vec" "$D/r.vec"
done
