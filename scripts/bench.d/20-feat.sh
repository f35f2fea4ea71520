# 20-feat: feature extraction throughput (x real time, single core) of `feat -m seed`
# on 22050 Hz mono WAV (no decoding cost to speak of), next to librosa 0.10.1
# computing the same seed features (CPU seconds, numba warmed up) on the same input in the same run.  The machine
# is shared (2 cores, others compiling), so CPU time (user+sys, median of 5) is the
# figure to compare; wall time is shown too.  feat runs OpenBLAS on one thread itself.
. "$TOP/scripts/bench.d/lib.sh"
A=$AUDIO
F=$TOP/bin/feat
[ -x "$F" ] || { echo "feat: bin/feat not built"; exit 1; }
LONG=$BENCH_TMP/feat-long.wav
# a few-minute input: the two 30 s music clips, four times over (4 minutes)
sox "$A/stk-xeon6.22k.wav" "$A/stk-egypt.22k.wav" "$A/stk-xeon6.22k.wav" "$A/stk-egypt.22k.wav" \
	"$A/stk-xeon6.22k.wav" "$A/stk-egypt.22k.wav" "$A/stk-xeon6.22k.wav" "$A/stk-egypt.22k.wav" \
	"$LONG" 2> /dev/null || { echo "feat: sox failed"; exit 1; }
printf '%-16s %6s %8s %8s %8s %9s %8s\n' input audio_s 'wall s' 'cpu s' 'xRT cpu' 'librosa' ratio
for in in "$A/stk-xeon6.22k.wav" "$A/stk-egypt.22k.wav" "$LONG"; do
	dur=$(soxi -D "$in")
	w=$(median_time 5 "$F -m seed '$in'") || exit 1
	t=$(cpu_time 5 "$F -m seed '$in'") || exit 1
	p=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 \
		"$TOP/tests/ref/librosa-python" "$TOP/tests/ref/feat_librosa_seed.py" "$in" 2> /dev/null | tail -n 1)
	[ -n "$p" ] || p=nan
	printf '%-16s %6.0f %8.3f %8.3f %8.0f %9s %7.0fx\n' "$(basename "$in" .wav)" "$dur" "$w" "$t" \
		"$(echo "$dur / $t" | bc -l)" "$p" "$(echo "$p / $t" | bc -l)"
done
echo "peak RSS feat -m seed (4 min): $(peak_rss "$F -m seed '$LONG'") MB"
# The pipeline goal: `segment SONG | feat -m seed` on a 3-minute 44.1 kHz stereo Vorbis
# song (the six stk clips) within 1.3x the CPU of decoding alone (segment > /dev/null).
# CPU time (both processes), median of 5: one song per core under GNU parallel.
S=$TOP/bin/segment
if [ -x "$S" ]; then
	SONG=$BENCH_TMP/feat-song3.ogg
	_i=0 _parts=
	for c in "$A"/stk-*.ogg; do
		sox "$c" -r 44100 -c 2 "$BENCH_TMP/feat-p$_i.wav" 2> /dev/null && _parts="$_parts $BENCH_TMP/feat-p$_i.wav"
		_i=$((_i + 1))
	done
	# shellcheck disable=SC2086
	sox $_parts -C 5 "$SONG" 2> /dev/null && rm -f $_parts
	dur=$(soxi -D "$SONG")
	d=$(cpu_time 5 "$S '$SONG' > /dev/null") || exit 1
	e=$(cpu_time 5 "$S '$SONG' | $F -m seed") || exit 1
	printf 'pipeline (%.0f s Vorbis 44.1 kHz stereo): decode %.3f s cpu (%.0fx RT), decode | feat -m seed %.3f s cpu (%.0fx RT): %.2fx decoding (goal 1.3x)\n' \
		"$dur" "$d" "$(echo "$dur / $d" | bc -l)" "$e" "$(echo "$dur / $e" | bc -l)" "$(echo "$e / $d" | bc -l)"
fi
# full profile (634-d, whole file, chroma_cqt + tonnetz included) on the 30 s clips:
# `feat -m full` against tests/ref/full_librosa.py (librosa 0.10.1, soxr via ctypes),
# CPU seconds, median of 5 (librosa: one run after a numba warm-up)
printf '%-16s %6s %8s %8s %8s %9s %8s\n' 'full: input' audio_s 'wall s' 'cpu s' 'xRT cpu' 'librosa' ratio
for in in "$A/stk-xeon6.22k.wav" "$A/stk-egypt.22k.wav"; do
	dur=$(soxi -D "$in")
	w=$(median_time 5 "$F -m full '$in'") || exit 1
	t=$(cpu_time 5 "$F -m full '$in'") || exit 1
	p=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 \
		"$TOP/tests/ref/librosa-python" "$TOP/tests/ref/full_librosa.py" -t "$in" 2> /dev/null | tail -n 1)
	[ -n "$p" ] || p=nan
	printf '%-16s %6.0f %8.3f %8.3f %8.0f %9s %7.0fx\n' "$(basename "$in" .wav)" "$dur" "$w" "$t" \
		"$(echo "$dur / $t" | bc -l)" "$p" "$(echo "$p / $t" | bc -l)"
done
echo "peak RSS feat -m full (4 min): $(peak_rss "$F -m full '$LONG'") MB"
