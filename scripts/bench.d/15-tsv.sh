#!/bin/sh
# 15-tsv — the TSV encoding (core/fpconv, vreader, vwriter) against numpy and
# scikit-learn, and against songvec before it (the commit TSV_BENCH_BASE, built here
# into the bench folder: the %.9g printer and the strtof reader).
# Data: 100 000 x 223 song-like vectors (pca_gen.py), written as TSV by the old vcat
# (%.9g, what users' files look like), and 100 000 x 128 blobs for kmeans.
# Ours: whole commands, /usr/bin/time wall and user+sys; Python: timed in process
# from the first byte read to the last written (no interpreter start: favours it).
# Wall times on a loaded machine are noisy: the CPU-time ratios are the steadier.
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
REF=$TOP/tests/ref
BASE=${TSV_BENCH_BASE:-baefb0a}
REPS=${TSV_BENCH_REPS:-3}
NT=${TSV_BENCH_THREADS:-$(nproc)}
export OPENBLAS_NUM_THREADS=$NT OMP_NUM_THREADS=$NT
D=$BENCH_TMP/tsv
mkdir -p "$D/old"

# the baseline tools, built from the old commit's tree
git -C "$TOP" archive "$BASE" | tar -x -C "$D/old" &&
	make -C "$D/old" -j2 bin/vcat bin/pca bin/kmeans > "$D/old/build.log" 2>&1 ||
	{ echo "tsv: cannot build $BASE (see $D/old/build.log)" >&2; exit 1; }
OLD=$D/old/bin

(cd "$REF" && $PY pca_gen.py song 100000 223 7 "$D/song.vec") || exit 1
"$OLD/vcat" "$D/song.vec" > "$D/song.tsv" || exit 1
(cd "$REF" && $PY kmeans_bench.py gen 100000 128 8 1 "$D/km.vec") || exit 1
"$OLD/vcat" "$D/km.vec" > "$D/km.tsv" || exit 1
mb=$(du -m "$D/song.tsv" | cut -f1)

med() { sort -g | awk '{a[NR] = $1} END {printf "%.3f", a[int((NR + 1) / 2)]}'; }
# run CMD REPS times: "median-wall median-cpu"
ours() {
	: > "$D/runs"
	for _i in $(seq "$REPS"); do
		/usr/bin/time -f '%e %U %S' -o "$D/t" sh -c "$1" > /dev/null 2>&1 ||
			{ echo "bench: failed: $1" >&2; return 1; }
		cat "$D/t" >> "$D/runs"
	done
	echo "$(awk '{print $1}' "$D/runs" | med) $(awk '{print $2 + $3}' "$D/runs" | med)"
}
theirs() {
	: > "$D/runs"
	for _i in $(seq "$REPS"); do
		(cd "$REF" && $PY tsv_bench.py "$@") >> "$D/runs" || return 1
	done
	echo "$(awk '{print $1}' "$D/runs" | med) $(awk '{print $2}' "$D/runs" | med) $(awk 'NR == 1 {print $3}' "$D/runs")"
}
ratio() { awk "BEGIN{printf \"%.1f\", $1 / $2}"; }
line() { # what, ours "wall cpu", reference name, theirs "wall cpu"
	set -- "$1" $2 "$3" $4
	printf '  %-34s wall %7.2fs cpu %7.2fs | %-18s wall %7.2fs cpu %7.2fs | x%s wall, x%s cpu\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6" "$(ratio "$5" "$2")" "$(ratio "$6" "$3")"
}

echo "data: 100000 x 223 float32, ${mb} MB of %.9g TSV; medians of $REPS; base $BASE"
new=$(ours "vcat -b '$D/song.tsv'") || exit 1
old=$(ours "'$OLD/vcat' -b '$D/song.tsv'") || exit 1
np=$(theirs loadtxt "$D/song.tsv") || exit 1
line "vcat -b (TSV -> binary)" "$new" "numpy.loadtxt" "$np"
line "" "$new" "old vcat -b" "$old"
vcat "$D/song.vec" > "$D/new.tsv" && vcat -b "$D/new.tsv" | cmp -s - "$D/song.vec" ||
	{ echo "tsv: the new TSV does not read back bit-identical" >&2; exit 1; }
new=$(ours "vcat '$D/song.vec'") || exit 1
old=$(ours "'$OLD/vcat' '$D/song.vec'") || exit 1
line "vcat (binary -> TSV)" "$new" "old vcat" "$old"
echo "  TSV size: $(du -m "$D/new.tsv" | cut -f1) MB shortest round-trip, ${mb} MB %.9g; read back bit-identical"

REPS=1
new=$(ours "pca -v 0.93 -j $NT '$D/song.tsv'") || exit 1
old=$(ours "'$OLD/pca' -v 0.93 -j $NT '$D/song.tsv'") || exit 1
sk=$(theirs pca "$D/song.tsv" "$D/sk.tsv") || exit 1
echo "pca -v 0.93, TSV in and out, end to end ($NT threads; sklearn keeps k=${sk##* })"
line "pca -v 0.93 (TSV)" "$new" "sklearn loadtxt+PCA" "$sk"
line "" "$new" "old pca" "$old"
new=$(ours "kmeans -k 8 -n 10 -s 0 -j $NT '$D/km.tsv'") || exit 1
old=$(ours "'$OLD/kmeans' -k 8 -n 10 -s 0 -j $NT '$D/km.tsv'") || exit 1
sk=$(theirs kmeans "$D/km.tsv" "$D/sk.tsv") || exit 1
echo "kmeans -k 8 -n 10 on 100000 x 128, TSV in and out, end to end ($NT threads)"
line "kmeans -k 8 (TSV)" "$new" "sklearn loadtxt+KM" "$sk"
line "" "$new" "old kmeans" "$old"
