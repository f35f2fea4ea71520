#!/bin/sh
# 60-vae — vae train against the PyTorch reference (tests/ref/vae_ref.py: the same
# network, loss, Adam and batch size; python3-torch 1.13) on ONE thread each
# (vae -j 1; torch.set_num_threads(1), OMP/OPENBLAS_NUM_THREADS=1).  Two shapes of
# seed 001's VAE: audio (5000 standardised 223-d song vectors, H 256,128, z 32) and
# hybrid (2000 songs of 223 audio dims + 2000 TF-IDF dims at 2 % non-zero, H 512,256,
# z 32); batch 64.  torch: its training loop only, timed in process (no start-up,
# no loading, no evaluation: favours torch).  Ours: whole commands, per epoch as
# (t(E epochs) - t(1 epoch)) / (E - 1), so loading, the final evaluation and the
# model file cancel out.  Medians of 3 interleaved rounds, wall and CPU time (on a
# loaded machine the CPU-time ratio is the steadier one); the final ELBO per song of
# both, as a sanity check (they differ in initialisation and noise).
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
R="$PY $TOP/tests/ref/vae_ref.py"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
D=$BENCH_TMP/vae
mkdir -p "$D"
ROUNDS=${VAE_BENCH_ROUNDS:-3}

$R sparse 5000 223 0 1 "$D/audio.tsv" || exit 1
$R sparse 2000 223 2000 2 "$D/hybrid.tsv" || exit 1
vcat -b "$D/audio.tsv" > "$D/audio.vec" && vcat -b "$D/hybrid.tsv" > "$D/hybrid.vec" || exit 1

med() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# ours: "wall cpu" of a whole train command
ours() {
	/usr/bin/time -f '%e %U %S' -o "$D/t" vae -q -j 1 "$@" > /dev/null 2> "$D/err" ||
		{ echo "bench: vae failed: $(cat "$D/err")" >&2; return 1; }
	awk '{print $1, $2 + $3}' "$D/t"
}

# one shape: NAME DATA EPOCHS H
shape() {
	name=$1 data=$2 ep=$3 h=$4
	: > "$D/o"; : > "$D/p"
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		a=$(ours -e "$ep" -H "$h" -z 32 -m "$D/m" train "$D/$data.vec") || return 1
		b=$(ours -e 1 -H "$h" -z 32 -m "$D/m1" train "$D/$data.vec") || return 1
		echo "$a $b $ep" | awk '{printf "%.6f %.6f\n", ($1 - $3) / ($5 - 1), ($2 - $4) / ($5 - 1)}' >> "$D/o"
		$R fit "$D/$data.tsv" "$ep" 64 "$h" 32 1 0.001 1 >> "$D/p" || return 1
		r=$((r + 1))
	done
	ow=$(awk '{print $1}' "$D/o" | med); oc=$(awk '{print $2}' "$D/o" | med)
	pw=$(awk '{print $8}' "$D/p" | med); pc=$(awk '{print $10}' "$D/p" | med)
	vae -q -j 1 -e "$ep" -H "$h" -z 32 -m "$D/m" train "$D/$data.vec" 2>/dev/null
	oe=$(vae -j 1 -e "$ep" -H "$h" -z 32 -m "$D/m" train "$D/$data.vec" 2>&1 | sed -n 's/.*recon \([^,]*\), KL \([^,]*\),.*/\1 \2/p' | awk '{printf "%.4g", -($1 + $2)}')
	pe=$(awk 'NR == 1 {printf "%.4g", $2}' "$D/p")
	printf '%s: %s, H %s, z 32, batch 64, %s epochs, 1 thread, medians of %s\n' "$name" "$5" "$h" "$ep" "$ROUNDS"
	printf '  songvec vae   per epoch  wall %8.4fs  cpu %8.4fs   (%6.2f epochs/s cpu)  ELBO %s\n' "$ow" "$oc" "$(echo "1 / $oc" | bc -l)" "$oe"
	printf '  PyTorch 1.13  per epoch  wall %8.4fs  cpu %8.4fs   (%6.2f epochs/s cpu)  ELBO %s\n' "$pw" "$pc" "$(echo "1 / $pc" | bc -l)" "$pe"
	printf '  speed-up      wall x%.2f  cpu x%.2f\n' "$(echo "$pw / $ow" | bc -l)" "$(echo "$pc / $oc" | bc -l)"
}

shape audio audio 8 256,128 "5000 x 223 standardised" || exit 1
shape hybrid hybrid 4 512,256 "2000 x 2223 (223 audio + 2000 TF-IDF at 2 %)" || exit 1
