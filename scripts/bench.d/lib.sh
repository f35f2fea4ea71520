# scripts/bench.d/lib.sh — helpers for bench parts (sourced).
#   median_time N CMD   run the sh -c string CMD N times, print the median wall time (s)
#   cpu_time N CMD      the median CPU time (user+sys, s) of CMD and its children
#   peak_rss CMD        print the peak RSS in MB of CMD (GNU time)
median_time() {
	_n=$1; shift
	_i=0
	: > "$BENCH_TMP/.times"
	while [ $_i -lt "$_n" ]; do
		_s=$(date +%s.%N)
		sh -c "$*" > /dev/null 2>&1 || { echo "bench: command failed: $*" >&2; return 1; }
		_e=$(date +%s.%N)
		echo "$_e - $_s" | bc -l >> "$BENCH_TMP/.times"
		_i=$((_i + 1))
	done
	sort -g "$BENCH_TMP/.times" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4f\n", m}'
}
peak_rss() {
	/usr/bin/time -f '%M' -o "$BENCH_TMP/.rss" sh -c "$*" > /dev/null 2>&1
	awk '{printf "%.1f\n", $1/1024}' "$BENCH_TMP/.rss"
}
cpu_time() {
	_i=0; : > "$BENCH_TMP/.cpu"
	while [ $_i -lt "$1" ]; do
		/usr/bin/time -f '%U %S' -o "$BENCH_TMP/.t1" sh -c "$2" > /dev/null 2>&1 || return 1
		awk '{print $1 + $2}' "$BENCH_TMP/.t1" >> "$BENCH_TMP/.cpu"
		_i=$((_i + 1))
	done
	sort -g "$BENCH_TMP/.cpu" | awk '{a[NR]=$1} END {printf "%.4f\n", a[int((NR+1)/2)]}'
}
