# 30-rhythm — beat_tempo (dsp/beat.c) and tuning_estimate_power (dsp/tuning.c) against librosa
# 0.10.1 on the same inputs: a 15-minute envelope (38 750 frames, what librosa can
# hold in memory comfortably: its tempogram is 344 x n float64), a 60-minute one
# (155 000 frames, C only) and a 431-frame (10 s) power spectrogram.  CPU times,
# medians; the C driver is tests/unit/dsp/rhythm.c built here with -O2.
. "$TOP/scripts/bench.d/lib.sh"
CC=${CC:-cc}
LIBS=$(pkg-config --libs sndfile samplerate fftw3 fftw3f sqlite3 openblas lapacke)
U=$BENCH_TMP/unit_rhythm_opt
$CC -O2 -march=x86-64-v2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$TOP/src/lib" \
	-o "$U" "$TOP/tests/unit/dsp/rhythm.c" "$TOP/build/libsongvec.a" $LIBS -lpthread -lm ||
	{ echo "30-rhythm: cannot build the driver" >&2; exit 1; }
WAV=$AUDIO/stk-xeon6.22k.wav
N15=38750
PY=$("$TOP/tests/ref/librosa-python" "$TOP/tests/ref/rhythm_bench.py" "$BENCH_TMP" "$WAV" $N15) ||
	{ echo "30-rhythm: librosa reference failed" >&2; exit 1; }
py_tempo=$(echo "$PY" | awk '$1 == "py_tempo" {print $2}')
py_tuning=$(echo "$PY" | awk '$1 == "py_tuning" {print $2}')
c15=$("$U" time-tempo "$BENCH_TMP/env.f32" $N15 5 | sed 's/.*median \([0-9.]*\) s.*/\1/')
c60=$("$U" time-tempo "$BENCH_TMP/env.f32" 155000 3)
ctun=$("$U" time-tuning "$BENCH_TMP/S.f32" 431 2048 21 | sed 's/.*median \([0-9.]*\) s.*/\1/')
echo "tempo, 15-min envelope ($N15 frames): C $c15 s, librosa $py_tempo s, speedup $(echo "$py_tempo / $c15" | bc -l | cut -c1-6)x"
echo "tempo, 60-min envelope: $c60"
echo "estimate_tuning, 431 frames: C $ctun s, librosa $py_tuning s, speedup $(echo "$py_tuning / $ctun" | bc -l | cut -c1-6)x"
