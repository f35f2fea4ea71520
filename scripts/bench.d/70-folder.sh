# 70-folder: what songvec-folder adds to the analysis on a folder of N files (links
# to four 3-second clips in N/4 artist folders): the first run (scan, tags, every
# song analysed, fits), a run again with nothing new (scan with the tags cached,
# import, fits) and the same with the tags cache removed (every file's tags read
# by ffprobe again).  Wall seconds, median of 3; the per-file figures say how much
# of a re-run is the glue.  The machine is shared: compare the ratios.
. "$TOP/scripts/bench.d/lib.sh"
B=$TOP/bin
for t in dbload segment feat weight pca kmeans elbow; do
	[ -x "$B/$t" ] || { echo "folder: bin/$t not built"; exit 1; }
done
N=40
M=$BENCH_TMP/folder
mkdir -p "$M/clips" || exit 1
set -- stk-lava stk-egypt stk-subsea stk-hacienda
for c; do
	ffmpeg -v error -nostdin -i "file:$AUDIO/$c.ogg" -t 3 "file:$M/clips/$c.ogg" < /dev/null ||
		{ echo "folder: ffmpeg failed"; exit 1; }
done
i=0
while [ $i -lt $N ]; do
	c=$1
	shift
	set -- "$@" "$c"
	mkdir -p "$M/music/artist $((i % (N / 4)))" &&
		ln -s "$M/clips/$c.ogg" "$M/music/artist $((i % (N / 4)))/song $i.ogg" || exit 1
	i=$((i + 1))
done
F="$TOP/scripts/songvec-folder -k 4 -o '$M/out' '$M/music'"
s=$(date +%s.%N)
sh -c "$F" > /dev/null 2>&1 || { echo "folder: songvec-folder failed"; exit 1; }
first=$(echo "$(date +%s.%N) - $s" | bc -l)
again=$(median_time 3 "$F") || exit 1
fresh=$(median_time 3 "rm -rf '$M/out/tags.cache' && $F") || exit 1
echo "songvec-folder on $N files (3 s clips), wall s, median of 3:"
printf '  first run (all analysed)    %7.2f s  %6.0f ms a file\n' "$first" "$(echo "$first * 1000 / $N" | bc -l)"
printf '  again, nothing new          %7.2f s  %6.0f ms a file\n' "$again" "$(echo "$again * 1000 / $N" | bc -l)"
printf '  again, tags read again      %7.2f s  %6.0f ms a file\n' "$fresh" "$(echo "$fresh * 1000 / $N" | bc -l)"
printf '  tags cache: re-run %.1fx faster; a re-run costs %.0f %% of the first run\n' \
	"$(echo "$fresh / $again" | bc -l)" "$(echo "$again * 100 / $first" | bc -l)"
