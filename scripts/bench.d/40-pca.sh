#!/bin/sh
# 40-pca — weight and pca against scikit-learn on 100 000 x 223 song-like vectors.
# C: whole commands (read a binary stream, fit, write a binary stream).
# Python: MinMaxScaler / PCA(n_components=0.93, svd_solver='full') fit_transform in
# process, data already in memory as float64 (I/O not counted: favours Python).
# Same BLAS thread count for both (OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = NT).
. "$TOP/scripts/bench.d/lib.sh"
N=${PCA_BENCH_N:-100000}
REPS=${PCA_BENCH_REPS:-3}
NT=${PCA_BENCH_THREADS:-$(nproc)}
export OPENBLAS_NUM_THREADS=$NT OMP_NUM_THREADS=$NT MKL_NUM_THREADS=$NT
PY=/usr/bin/python3
REF=$TOP/tests/ref
D=$BENCH_TMP/pca
mkdir -p "$D"

$PY "$REF/pca_gen.py" song "$N" 223 7 "$D/song.vec" || exit 1
weight -b "$D/song.vec" > "$D/weighted.vec" || exit 1
k_c=$(pca -b -j "$NT" "$D/weighted.vec" | vcat | sed -n 's/^#songvec dim=//p')

t_wc=$(median_time "$REPS" "weight -b '$D/song.vec' > /dev/null") || exit 1
t_pc=$(median_time "$REPS" "pca -b -j $NT '$D/weighted.vec' > /dev/null") || exit 1
t_pa=$(median_time "$REPS" "pca -b -j $NT -m '$D/m' '$D/weighted.vec' > /dev/null && pca -b -j $NT -a '$D/m' '$D/weighted.vec' > /dev/null") || exit 1
rss=$(peak_rss "pca -b -j $NT '$D/weighted.vec'")
py=$(cd "$REF" && $PY pca_bench.py "$D/weighted.vec" "$REPS") || exit 1
t_wp=$(echo "$py" | awk '$1 == "minmax" {print $2}')
t_pp=$(echo "$py" | awk '$1 == "pca" {print $2}')
k_p=$(echo "$py" | awk '$1 == "pca" {print $3}')

echo "data: $N x 223 float32 ($(du -m "$D/song.vec" | cut -f1) MB binary), $NT BLAS threads, medians of $REPS"
printf '%-44s %8s s\n' "weight (C, read+fit+write)" "$t_wc"
printf '%-44s %8s s\n' "MinMaxScaler.fit_transform (in memory)" "$t_wp"
printf '%-44s %8s x\n' "  ratio sklearn / weight" "$(echo "$t_wp / $t_wc" | bc -l | xargs printf '%.2f')"
printf '%-44s %8s s  (k=%s, peak RSS %s MB)\n' "pca -v 0.93 (C, read+fit+transform+write)" "$t_pc" "$k_c" "$rss"
printf '%-44s %8s s\n' "pca fit+save, then -a apply (C)" "$t_pa"
printf '%-44s %8s s  (k=%s)\n' "PCA(0.93, 'full').fit_transform (in memory)" "$t_pp" "$k_p"
printf '%-44s %8s x\n' "  ratio sklearn / pca" "$(echo "$t_pp / $t_pc" | bc -l | xargs printf '%.2f')"
[ "$k_c" = "$k_p" ] || { echo "pca: k=$k_c but sklearn keeps $k_p" >&2; exit 1; }
