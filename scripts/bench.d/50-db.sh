# 50-db: dbload insert and export rates on 100 000 songs x 223 dims (binary stream),
# against a Python reference doing the same work (sqlite3 module, json.dumps of the
# float32 values, one transaction, WAL) on the same input in the same run; 8 parallel
# writers; total time of scripts/demo (what `make demo` runs after `make deps all`).
. "$TOP/scripts/bench.d/lib.sh"
B=$TOP/bin
for t in dbload; do
	[ -x "$B/$t" ] || { echo "db: bin/$t not built"; exit 1; }
done
N=${DB_BENCH_SONGS:-100000}
D=223
PYB="/usr/bin/python3 $TOP/tests/ref/db_bench.py"
$PYB gen "$N" "$D" "$BENCH_TMP/big.bin" || { echo "db: generator failed"; exit 1; }
r() { echo "scale=0; $1 / $2" | bc -l; }
x() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

echo "input: $N songs x $D dims (binary stream, $(($(wc -c < "$BENCH_TMP/big.bin") / 1000000)) MB); median of 3, fresh database each run"
c=$(median_time 3 "rm -f $BENCH_TMP/c.db*; $B/dbload -d $BENCH_TMP/c.db songs $BENCH_TMP/big.bin") || exit 1
cb=$(median_time 3 "rm -f $BENCH_TMP/c.db*; $B/dbload -d $BENCH_TMP/c.db -n 10000 songs $BENCH_TMP/big.bin") || exit 1
p=$(median_time 3 "rm -f $BENCH_TMP/p.db*; $PYB load $BENCH_TMP/p.db $BENCH_TMP/big.bin") || exit 1
printf '%-34s %8s %12s\n' step 'time s' 'songs/s'
printf '%-34s %8.3f %12s\n' "dbload songs (C)" "$c" "$(r "$N" "$c")"
printf '%-34s %8.3f %12s\n' "dbload -n 10000 songs (C, batches)" "$cb" "$(r "$N" "$cb")"
printf '%-34s %8.3f %12s\n' "python sqlite3 + json.dumps" "$p" "$(r "$N" "$p")"
echo "insert: C is $(x "$p" "$c")x (one transaction), $(x "$p" "$cb")x (batches) the Python reference (goal: >= 50000 songs/s)"

eb=$(median_time 3 "$B/dbload -d $BENCH_TMP/c.db -b export") || exit 1
et=$(median_time 3 "$B/dbload -d $BENCH_TMP/c.db export") || exit 1
pe=$(median_time 3 "$PYB export $BENCH_TMP/p.db") || exit 1
printf '%-34s %8.3f %12s\n' "dbload -b export (C, binary)" "$eb" "$(r "$N" "$eb")"
printf '%-34s %8.3f %12s\n' "dbload export (C, TSV %.9g)" "$et" "$(r "$N" "$et")"
printf '%-34s %8.3f %12s\n' "python json.loads -> numpy" "$pe" "$(r "$N" "$pe")"
echo "export: binary is $(x "$pe" "$eb")x, TSV $(x "$pe" "$et")x the Python reference"

# 8 writers on one database (GNU parallel), batches of 1000
if command -v parallel > /dev/null; then
	$B/dbload -d "$BENCH_TMP/c.db" -b export > /dev/null
	i=0
	while [ $i -lt 8 ]; do
		$PYB part "$BENCH_TMP/big.bin" $D $N $i "$BENCH_TMP/part$i.bin"
		i=$((i + 1))
	done
	w=$(median_time 3 "rm -f $BENCH_TMP/w.db*; $B/dbload -d $BENCH_TMP/w.db init; ls $BENCH_TMP/part*.bin | parallel -j8 $B/dbload -d $BENCH_TMP/w.db -n 1000 songs {}") || exit 1
	printf '%-34s %8.3f %12s\n' "8 parallel writers (-n 1000)" "$w" "$(r "$N" "$w")"
fi
rm -f "$BENCH_TMP"/*.db* "$BENCH_TMP"/part*.bin

# make demo without the dependency installation: scripts/demo on a fresh output dir
if [ -x "$B/segment" ] && [ -x "$B/kmeans" ]; then
	d=$(median_time 3 "rm -rf $BENCH_TMP/demo; sh $TOP/scripts/demo -o $BENCH_TMP/demo") || exit 1
	echo "make demo (scripts/demo, $(ls "$AUDIO" | grep -cE '\.(wav|ogg|flac|mp3|opus)$') clips, $(nproc) cores): $d s"
fi
