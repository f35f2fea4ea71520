# 10-pipeline: decoding, resampling and `segment | feat -m seed` end to end, in
# x real time, on a 3-minute 44.1 kHz stereo input (stk-xeon6.wav six times, made
# with sox) as WAV, Ogg Vorbis (q4) and MP3 (192k); the resampler table (speed and
# how far the end-to-end seed dims land from librosa's golden of stk-xeon6.wav);
# librosa (load with res_type='polyphase', soxr being absent, + the same features)
# on the same input; peak RSS of the pipeline on a 60-minute input.
# CPU time (user+sys of every process of the pipeline, median of 5) is the 1-core
# figure; wall time lets the two processes of the pipe overlap on 2 cores.  The
# machine is shared, so compare ratios.
. "$TOP/scripts/bench.d/lib.sh"
B=$TOP/bin
A=$AUDIO
G=$GOLDEN
for t in segment feat; do
	[ -x "$B/$t" ] || { echo "pipeline: bin/$t not built"; exit 1; }
done
x() { echo "$1 / $2" | bc -l; }

W=$BENCH_TMP/long.wav
sox "$A/stk-xeon6.wav" "$A/stk-xeon6.wav" "$A/stk-xeon6.wav" "$A/stk-xeon6.wav" \
	"$A/stk-xeon6.wav" "$A/stk-xeon6.wav" "$W" || { echo "pipeline: sox failed"; exit 1; }
ffmpeg -nostdin -v error -y -i "$W" -c:a libvorbis -q:a 4 "$BENCH_TMP/long.ogg" &&
	ffmpeg -nostdin -v error -y -i "$W" -c:a libmp3lame -b:a 192k "$BENCH_TMP/long.mp3" ||
	{ echo "pipeline: ffmpeg failed"; exit 1; }
dur=$(soxi -D "$W")
echo "input: $dur s, 44.1 kHz stereo; CPU s (1 core) and x real time; wall s on 2 cores"
printf '%-9s %16s %16s %16s %9s %10s %9s\n' input 'decode (-r 0)' 'decode+resample' \
	'end to end' 'e2e wall' 'e2e/decode' 'wall/dec'
for f in long.wav long.ogg long.mp3; do
	in=$BENCH_TMP/$f
	d=$(cpu_time 5 "$B/segment -r 0 '$in'") || exit 1
	r=$(cpu_time 5 "$B/segment '$in'") || exit 1
	e=$(OPENBLAS_NUM_THREADS=1 cpu_time 5 "$B/segment '$in' | $B/feat -m seed") || exit 1
	dw=$(median_time 5 "$B/segment -r 0 '$in'") || exit 1
	ew=$(OPENBLAS_NUM_THREADS=1 median_time 5 "$B/segment '$in' | $B/feat -m seed") || exit 1
	printf '%-9s %7.3f %6.0fx %7.3f %6.0fx %7.3f %6.0fx %8.3f %9.2fx %8.2fx\n' "$f" \
		"$d" "$(x "$dur" "$d")" "$r" "$(x "$dur" "$r")" "$e" "$(x "$dur" "$e")" "$ew" \
		"$(x "$e" "$d")" "$(x "$ew" "$dw")"
done

echo "resamplers (segment -q, 3-min WAV; error: worst scaled error of the 95 seed dims"
echo "of stk-xeon6.wav end to end vs librosa's golden, golden/README.md rule; tempo:"
echo "tempo dims off the golden's grid value)"
printf '%-8s %8s %8s   %s\n' quality 'CPU s' 'x RT' 'error, tempo mismatches'
for q in hq vhq best medium fastest; do
	s=$(cpu_time 3 "$B/segment -q $q '$W'") || exit 1
	err=$($B/segment -q $q "$A/stk-xeon6.wav" | $B/feat -m seed |
		/usr/bin/python3 "$TOP/tests/ref/seed_compare.py" "$G/stk-xeon6.wav.seed223.tsv" report)
	printf '%-8s %8.3f %7.0fx   %s\n' "$q" "$s" "$(x "$dur" "$s")" "$err"
done

e=$(OPENBLAS_NUM_THREADS=1 cpu_time 3 "$B/segment '$W' | $B/feat -m seed") || exit 1
p=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 \
	"$TOP/tests/ref/librosa-python" "$TOP/tests/ref/pipeline_librosa.py" "$W" 2> /dev/null | tail -n 1)
set -- $p
if [ $# -eq 2 ]; then
	printf 'librosa on the 3-min WAV: load %.3f s + features = %.3f s CPU; songvec %.3f s: %.1fx faster\n' \
		"$1" "$2" "$e" "$(x "$2" "$e")"
else
	echo "librosa reference failed"
fi

# 60 minutes: the 3-min WAV 20 times (635 MB of WAV); RSS of each process of the pipe
H=$BENCH_TMP/hour.wav
set --
i=0
while [ $i -lt 20 ]; do set -- "$@" "$W"; i=$((i + 1)); done
sox "$@" "$H" || { echo "pipeline: sox failed"; exit 1; }
s0=$(date +%s.%N)
OPENBLAS_NUM_THREADS=1 sh -c "/usr/bin/time -f %M -o '$BENCH_TMP/seg.rss' $B/segment '$H' |
	/usr/bin/time -f %M -o '$BENCH_TMP/feat.rss' $B/feat -m seed > /dev/null"
s1=$(date +%s.%N)
sr=$(awk '{printf "%.1f", $1 / 1024}' "$BENCH_TMP/seg.rss")
fr=$(awk '{printf "%.1f", $1 / 1024}' "$BENCH_TMP/feat.rss")
printf '60-min input: wall %.2f s (%.0fx real time); peak RSS segment %s MB + feat %s MB = %.1f MB\n' \
	"$(echo "$s1 - $s0" | bc -l)" "$(echo "3600 / ($s1 - $s0)" | bc -l)" "$sr" "$fr" "$(echo "$sr + $fr" | bc -l)"
rm -f "$H"
