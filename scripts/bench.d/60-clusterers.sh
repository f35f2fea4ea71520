#!/bin/sh
# 60-clusterers — gmm, hclust and clmetrics against scikit-learn 1.2.1 on 20 000 x 64
# float32 records, same thread count (OMP_NUM_THREADS/OPENBLAS_NUM_THREADS for
# sklearn, -j for ours).  sklearn is timed inside Python around the fit or the
# scores only (no interpreter start, no loading); ours is the whole command, reading
# the binary stream and writing the result included.  CPU time = user + sys (sklearn:
# process_time); on a loaded machine the CPU ratio is the steadier one.
#   gmm: overlapping anisotropic clusters (8 blobs through a random linear map),
#     k=8, every covariance type, both sides from the same k-means start (-I, sklearn
#     KMeans(init=...)): the same EM iterations, which are printed; medians of 3.
#     Also well separated blobs (k=12, full): the bounded E-step's case.
#   hclust: AgglomerativeClustering(8, linkage) for each linkage, one run each
#     (sklearn takes 20-45 s each, and 3.2 GB for the matrix linkages).
#   clmetrics: silhouette (full), Davies-Bouldin, Calinski-Harabasz, ARI, NMI,
#     AMI, V-measure of k-means labels; medians of 3.
# BENCH_CL=gmm, hclust or clmetrics (or a list of them) runs only those parts;
# BENCH_CL_LINKAGES="complete average" only those linkages.
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
B="$PY $TOP/tests/ref/clusterers_bench.py"
J=${BENCH_THREADS:-$(nproc)}
R=${BENCH_CL_REPS:-3}
PARTS=" ${BENCH_CL:-gmm hclust clmetrics} "
want() { case $PARTS in *" $1 "*) return 0;; esac; return 1; }
export OMP_NUM_THREADS=$J OPENBLAS_NUM_THREADS=$J
D=$BENCH_TMP/cl
mkdir -p "$D"
$B gen 20000 64 8 1 0.6 "$D/mix.vec" || exit 1
$B init "$D/mix.vec" 8 3 "$D/mix.init" || exit 1
$PY "$TOP/tests/ref/kmeans_bench.py" gen 20000 64 8 1 "$D/blobs.vec" || exit 1
$B init "$D/blobs.vec" 12 3 "$D/blobs.init" || exit 1

med() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { awk "BEGIN{printf \"%.1f\", $1/$2}"; }
# ours CMD...: "wall cpu peak-RSS-MB" of one run (stdout discarded), to the
# microsecond (rtime.py; GNU time cut gmm's 35 ms runs to 0.03 s)
ours() {
	$PY "$TOP/scripts/bench.d/rtime.py" "$*" "$D/err" "$D/t" ||
		{ echo "bench: failed: $*" >&2; cat "$D/err" >&2; return 1; }
	awk '{printf "%s %s %.0f\n", $1, $2 + $3, $4 / 1024}' "$D/t"
}
# line NAME FILE: medians of the "wall cpu" lines of ours (FILE.o) and sklearn's (FILE.p)
line() {
	ow=$(cut -d' ' -f1 "$2.o" | med); oc=$(cut -d' ' -f2 "$2.o" | med)
	pw=$(cut -d' ' -f1 "$2.p" | med); pc=$(cut -d' ' -f2 "$2.p" | med)
	printf '  %-22s sklearn wall %7.3fs cpu %7.3fs | songvec wall %6.3fs cpu %6.3fs | x%s wall, x%s cpu%s\n' \
		"$1" "$pw" "$pc" "$ow" "$oc" "$(ratio "$pw" "$ow")" "$(ratio "$pc" "$oc")" "${3:-}"
}

# gmm_rounds NAME DATA INIT COV: R rounds of sklearn and ours from the same start
gmm_rounds() {
	: > "$D/g.o"; : > "$D/g.p"
	i=0
	while [ $i -lt "$R" ]; do
		$B gmm "$2" "$3" $4 > "$D/py" || return 1
		awk '{print $1, $2}' "$D/py" >> "$D/g.p"
		ours "gmm -b -j $J -c $4 -I '$3' < '$2'" >> "$D/g.o" || return 1
		i=$((i + 1))
	done
	it=$(sed -n 's/.*, \([0-9]*\) EM iterations.*/\1/p' "$D/err")
	line "$1" "$D/g" " ($it EM iterations; sklearn $(cut -d' ' -f3 "$D/py"))"
}
if want gmm; then
echo "gmm: 20000 x 64, 8 overlapping clusters, k=8, the same k-means start, $J threads, medians of $R"
for c in full tied diag spherical; do
	gmm_rounds $c "$D/mix.vec" "$D/mix.init" $c || exit 1
done
gmm_rounds "full, separated, k=12" "$D/blobs.vec" "$D/blobs.init" full || exit 1
fi

want hclust &&
echo "hclust: 20000 x 64 (the overlapping set), 8 clusters, $J threads, one run each"
want hclust && for l in ${BENCH_CL_LINKAGES:-ward complete average single}; do
	$B agglo "$D/mix.vec" 8 $l > "$D/h$l.p" || exit 1
	ours "hclust -q -b -j $J -l $l -k 8 < '$D/mix.vec'" > "$D/h$l.o" || exit 1
	line "$l" "$D/h$l" " (peak RSS $(cut -d' ' -f3 "$D/h$l.o") MB)"
done

want clmetrics || exit 0
echo "clmetrics: 20000 x 64, k-means labels (k=8) vs noisy labels, $J threads, medians of $R"
kmeans -q -k 8 -s 1 < "$D/mix.vec" > "$D/km.tsv" || exit 1
awk -F'\t' '!/^#/ {srand(NR); print $1 "\t" (rand() < 0.3 ? int(rand() * 8) : $2)}' "$D/km.tsv" > "$D/truth.tsv"
: > "$D/m.o"; : > "$D/m.p"
i=0
while [ $i -lt "$R" ]; do
	$B metrics "$D/mix.vec" "$D/km.tsv" "$D/truth.tsv" >> "$D/m.p" || exit 1
	ours "clmetrics -j $J -t '$D/truth.tsv' '$D/km.tsv' '$D/mix.vec'" >> "$D/m.o" || exit 1
	i=$((i + 1))
done
line "all scores" "$D/m"
