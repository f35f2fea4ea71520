#!/bin/sh
# 35-musicnn — MusiCNN on Essentia's real models (../shared/models): songs per CPU
# second and x real time per core for the tagger alone and with the five mood
# classifiers, at Essentia's patch hop (93, overlapping patches) and at 187
# (essentia.js's non-overlapping patches); the ratio against @tensorflow/tfjs (pure
# JavaScript, the oracle of tests/musicnn.test) per patch on the same patches; the
# front end against essentia.js.  Times are CPU seconds (user + sys, medians of 3):
# other processes share these 2 cores.
. "$TOP/scripts/bench.d/lib.sh"
M=${SONGVEC_MUSICNN_MODELS:-$SHARED/models}
A=$AUDIO
B=$TOP/bin/musicnn
ORACLE="env NODE_PATH=$TOP/build/npm/node_modules node $TOP/tests/ref/musicnn_oracle.js"
cd "$BENCH_TMP" || exit 1
if [ ! -f "$M/msd-musicnn-1/model.json" ]; then
	echo "musicnn: skipped: no models in $M"
	exit 0
fi
unset PARALLEL_SEQ PARALLEL_PID OPENBLAS_NUM_THREADS

# 4 songs of 30 s at 16 kHz, one record each: 120 s
segment -r 16000 -l 0 -t "$A/stk-xeon6.ogg" "$A/stk-egypt.ogg" "$A/stk-lava.ogg" \
	"$A/stk-subsea.ogg" > in.tsv 2>/dev/null || exit 1
vcat -b in.tsv > in.bin
SECS=120 SONGS=4
med() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
cpu3() {
	for i in 1 2 3; do
		/usr/bin/time -f '%U %S' -o t.txt sh -c "$1" > /dev/null 2>&1 || { echo "bench: failed: $1" >&2; return 1; }
		awk '{print $1 + $2}' t.txt
	done | med
}
r() { echo "$1 / $2" | bc -l | xargs printf %.1f; }

echo "input: $SONGS songs, $SECS s at 16 kHz (CPU s, medians of 3; machine load $(cut -d' ' -f1 /proc/loadavg))"
for hop in 93 187; do
	np=$("$B" -q -M "$M" -p $hop in.bin | grep -vc '^#')
	t=$(cpu3 "$B -M $M -j 1 -p $hop -m tags,embedding in.bin")
	a=$(cpu3 "$B -M $M -j 1 -p $hop -m all in.bin")
	echo "hop $hop ($np patches): tagger $t s = $(r $SONGS $t) songs per CPU second, $(r $SECS $t)x real time per core (goal >= 200x); with the 5 classifiers $a s = $(r $SONGS $a) songs/CPU s, $(r $SECS $a)x"
	eval "T$hop=$t NP$hop=$np"
done

if cmp -s "$TOP/tests/ref/npm/package-lock.json" "$TOP/build/npm/.installed-lock"; then
	"$B" -m mel in.bin > mel.tsv
	head -1 in.tsv > one.tsv && grep -m1 -v '^#' in.tsv >> one.tsv
	"$B" -m mel one.tsv > onemel.tsv
	# tfjs: 3 patches minus the model load (0 patches), per patch
	t0=$(cpu3 "$ORACLE net $M/msd-musicnn-1 187 0 < onemel.tsv")
	t3=$(cpu3 "$ORACLE net $M/msd-musicnn-1 187 3 < onemel.tsv")
	tj=$(echo "($t3 - $t0) / 3" | bc -l)
	c187=$(echo "$T187 / $NP187" | bc -l) c93=$(echo "$T93 / $NP93" | bc -l)
	echo "tfjs 4.22 (pure JS) per patch: $(printf %.3f "$tj") CPU s ($(r 2.99 "$tj")x real time per core at hop 187); C per patch: $(printf %.4f "$c187") s at hop 187 ($(r "$tj" "$c187")x faster), $(printf %.4f "$c93") s at hop 93 ($(r "$tj" "$c93")x)"
	fc=$(cpu3 "$B -m mel in.bin")
	fe=$(cpu3 "$ORACLE mel < in.tsv")
	echo "front end on $SECS s: C $fc s, essentia.js $fe s ($(r "$fe" "$fc")x)"
else
	echo "tfjs and essentia.js: skipped (npm packages not in build/npm: make deps)"
fi
