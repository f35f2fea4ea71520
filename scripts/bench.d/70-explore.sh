#!/bin/sh
# 70-explore — explore(1) on a large generated collection (EXPLORE_BENCH_N songs,
# 200 000 by default: tests/ref/pca_gen.py song vectors, 223-d; no map stored, so
# the page's PCA-2 is computed over every song): the report with the default
# sample (-n 20000) and with every song (-n 0), wall and CPU time (medians of 3;
# on a loaded machine the CPU time is the steadier), size and peak RSS; the server's first page load (curl) and its RSS afterwards; the
# sampled page's load in headless Chromium when it starts.  No reference: there
# is no Python explorer of the same page; absolute times on this machine.
. "$TOP/scripts/bench.d/lib.sh"
N=${EXPLORE_BENCH_N:-200000}
PY=/usr/bin/python3
D=$BENCH_TMP/explore
mkdir -p "$D"
rm -f "$D/music.db"
(cd "$TOP/tests/ref" && $PY pca_gen.py song "$N" 223 11 "$D/songs.vec") || exit 1
vcat "$D/songs.vec" | awk -F '\t' '!/^#/ { printf "%s\tSong %d\tArtist %d\n", $1, NR, NR % 5000 }' \
	> "$D/playlist.tsv" || exit 1
t_load=$(median_time 1 "dbload -d '$D/music.db' import '$D/playlist.tsv' && dbload -d '$D/music.db' songs '$D/songs.vec'") || exit 1

t_rep=$(median_time 3 "explore -d '$D/music.db' report > '$D/sample.html'") || exit 1
c_rep=$(cpu_time 3 "explore -d '$D/music.db' report") || exit 1
rss_rep=$(peak_rss "explore -d '$D/music.db' report")
t_all=$(median_time 3 "explore -d '$D/music.db' -n 0 report > '$D/all.html'") || exit 1
c_all=$(cpu_time 3 "explore -d '$D/music.db' -n 0 report") || exit 1
rss_all=$(peak_rss "explore -d '$D/music.db' -n 0 report")
mb() { awk "BEGIN{printf \"%.1f\", $(wc -c < "$1")/1048576}"; }

explore -q -d "$D/music.db" -p 0 serve 2> "$D/serve.log" &
pid=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's#^explore: serving http://127.0.0.1:\([0-9]*\)/$#\1#p' "$D/serve.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { kill "$pid"; echo "bench: explore serve did not start" >&2; exit 1; }
t_first=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/")
t_api=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/songs?q=r0199&limit=30")
rss_srv=$(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
kill -TERM "$pid"
wait "$pid"

echo "data: $N songs x 223 (dbload import + songs: ${t_load} s), no map stored (PCA-2 computed)"
echo "report -n 20000 (default): ${t_rep} s wall, ${c_rep} s CPU, $(mb "$D/sample.html") MB, peak RSS ${rss_rep} MB"
echo "report -n 0 (all songs):   ${t_all} s wall, ${c_all} s CPU, $(mb "$D/all.html") MB, peak RSS ${rss_all} MB"
echo "serve: first page ${t_first} s, /songs?q=&limit=30 ${t_api} s, server peak RSS ${rss_srv} MB"
if $PY "$TOP/tests/ref/explore_browser.py" probe > /dev/null 2>&1; then
	$PY "$TOP/tests/ref/explore_browser.py" sample "file://$D/sample.html" "$D/music.db" \
	    "$D/sample.png" 20000 | sed -n 's/^ok   points drawn = the sample (20000), loaded in \(.*\) s$/chromium: sampled report (20000 points) ready in \1 s/p'
else
	echo "chromium: skip (headless Chromium does not start)"
fi
