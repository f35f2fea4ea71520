#!/bin/sh
# 55-maps — map (t-SNE, UMAP) against scikit-learn 1.2.1 TSNE and umap-learn 0.5 on
# make_blobs(10000, 50, centers=10), one thread each (map -j 1; OMP_NUM_THREADS,
# OPENBLAS_NUM_THREADS, NUMBA_NUM_THREADS=1 for the references), one run each (a
# t-SNE reference run takes minutes).  References are timed inside Python around
# fit_transform (no interpreter start, no loading); umap-learn after a warm-up fit,
# so numba's compilation (printed as "cold") is not counted against it; ours is the
# whole command, loading and output included.  CPU time = user + sys (Python:
# process_time), the steadier figure on a loaded machine.  Quality alongside:
# trustworthiness (10 neighbours) and t-SNE's final KL divergence.
# BENCH_MAPS=tsne or umap runs only that half (default: both); BENCH_MAP_N sets n.
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
H="$PY $TOP/tests/ref/map_bench.py"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1
D=$BENCH_TMP/maps
mkdir -p "$D"
N=${BENCH_MAP_N:-10000}
$PY "$TOP/tests/ref/map_oracle.py" blobs "$N" 50 10 1 > "$D/x.tsv" || exit 1
ratio() { awk "BEGIN{printf \"%.2f\", $1/$2}"; }

# ours: "wall cpu" of one run, stderr kept
ours() {
	/usr/bin/time -f '%e %U %S' -o "$D/t" sh -c "$*" 2> "$D/err" ||
		{ echo "bench: failed: $*" >&2; cat "$D/err" >&2; return 1; }
	awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$D/t"
}

echo "maps: make_blobs $N x 50, 10 centres, one thread each (machine shared: same-run ratios)"
MAPS=${BENCH_MAPS:-tsne umap}
case " $MAPS " in *" tsne "*)
	set -- $(ours "map -j 1 -M tsne '$D/x.tsv' > '$D/tsne.tsv'") || exit 1
	tw=$1 tc=$2
	tkl=$(sed -n 's/.*KL divergence \([^ ]*\) .*/\1/p' "$D/err")
	ttr=$($H trust "$D/x.tsv" "$D/tsne.tsv")
	set -- $($H tsne "$D/x.tsv") || exit 1
	sw=$2 sc=$4 skl=$6 str=$8
	echo "  t-SNE   songvec map  wall ${tw}s  cpu ${tc}s  KL $tkl  trust $ttr"
	echo "          sklearn TSNE wall ${sw}s  cpu ${sc}s  KL $skl  trust $str"
	echo "          speed-up wall x$(ratio "$sw" "$tw")  cpu x$(ratio "$sc" "$tc")  KL ratio $(ratio "$tkl" "$skl")  trust diff $(awk "BEGIN{printf \"%+.4f\", $ttr - $str}")"
	;;
esac

case " $MAPS " in *" umap "*)
	set -- $(ours "map -j 1 -M umap '$D/x.tsv' > '$D/umap.tsv'") || exit 1
	uw=$1 uc=$2
	utr=$($H trust "$D/x.tsv" "$D/umap.tsv")
	set -- $($H umap "$D/x.tsv") || exit 1
	lw=$2 lc=$4 ltr=$6 cold=$8
	echo "  UMAP    songvec map  wall ${uw}s  cpu ${uc}s  trust $utr"
	echo "          umap-learn   wall ${lw}s  cpu ${lc}s  trust $ltr  (cold, numba compiling: ${cold}s more wall)"
	echo "          speed-up wall x$(ratio "$lw" "$uw")  cpu x$(ratio "$lc" "$uc")  trust diff $(awk "BEGIN{printf \"%+.4f\", $utr - $ltr}")"
	;;
esac
