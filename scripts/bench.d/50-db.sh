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
cat > "$BENCH_TMP/gen.py" <<'PY'
import struct, sys
import numpy as np
n, d, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
X = (np.random.default_rng(1).standard_normal((n, d)) * 10).astype("<f4")
with open(out, "wb") as f:
    f.write(b"\0SVB" + struct.pack("<IIdI", 1, d, 0.0, 0))
    for i in range(n):
        k = b"song%07d" % i
        f.write(struct.pack("<I", len(k)) + k + struct.pack("<I", d) + X[i].tobytes())
PY
cat > "$BENCH_TMP/ref.py" <<'PY'
# the Python way: read the same binary stream, json.dumps each vector, executemany
import json, sqlite3, struct, sys
import numpy as np
cmd, db = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
if cmd == "load":
    con.execute("CREATE TABLE IF NOT EXISTS songs (song_id TEXT PRIMARY KEY, artist_id TEXT, "
                "feature_vector TEXT, song_name TEXT, artist_name TEXT)")
    buf = open(sys.argv[3], "rb").read()
    dim = struct.unpack_from("<I", buf, 8)[0]
    off, rows = 24, []
    while off < len(buf):
        kl = struct.unpack_from("<I", buf, off)[0]; off += 4
        key = buf[off:off + kl].decode(); off += kl
        n = struct.unpack_from("<I", buf, off)[0]; off += 4
        v = np.frombuffer(buf, "<f4", n, off); off += 4 * n
        rows.append((key, json.dumps([float(x) for x in v])))
    with con:
        con.executemany("INSERT INTO songs(song_id, feature_vector) VALUES(?, ?) "
                        "ON CONFLICT(song_id) DO UPDATE SET feature_vector=excluded.feature_vector", rows)
else:
    keys, vecs = [], []
    for k, fv in con.execute("SELECT song_id, feature_vector FROM songs ORDER BY song_id"):
        keys.append(k); vecs.append(json.loads(fv))
    X = np.asarray(vecs, dtype=np.float32)
    sys.stdout.write("%d %d\n" % X.shape)
PY
/usr/bin/python3 "$BENCH_TMP/gen.py" "$N" "$D" "$BENCH_TMP/big.bin" || { echo "db: generator failed"; exit 1; }
r() { echo "scale=0; $1 / $2" | bc -l; }
x() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

echo "input: $N songs x $D dims (binary stream, $(($(wc -c < "$BENCH_TMP/big.bin") / 1000000)) MB); median of 3, fresh database each run"
c=$(median_time 3 "rm -f $BENCH_TMP/c.db*; $B/dbload -d $BENCH_TMP/c.db songs $BENCH_TMP/big.bin") || exit 1
cb=$(median_time 3 "rm -f $BENCH_TMP/c.db*; $B/dbload -d $BENCH_TMP/c.db -n 10000 songs $BENCH_TMP/big.bin") || exit 1
p=$(median_time 3 "rm -f $BENCH_TMP/p.db*; /usr/bin/python3 $BENCH_TMP/ref.py load $BENCH_TMP/p.db $BENCH_TMP/big.bin") || exit 1
printf '%-34s %8s %12s\n' step 'time s' 'songs/s'
printf '%-34s %8.3f %12s\n' "dbload songs (C)" "$c" "$(r "$N" "$c")"
printf '%-34s %8.3f %12s\n' "dbload -n 10000 songs (C, batches)" "$cb" "$(r "$N" "$cb")"
printf '%-34s %8.3f %12s\n' "python sqlite3 + json.dumps" "$p" "$(r "$N" "$p")"
echo "insert: C is $(x "$p" "$c")x (one transaction), $(x "$p" "$cb")x (batches) the Python reference (goal: >= 50000 songs/s)"

eb=$(median_time 3 "$B/dbload -d $BENCH_TMP/c.db -b export") || exit 1
et=$(median_time 3 "$B/dbload -d $BENCH_TMP/c.db export") || exit 1
pe=$(median_time 3 "/usr/bin/python3 $BENCH_TMP/ref.py export $BENCH_TMP/p.db") || exit 1
printf '%-34s %8.3f %12s\n' "dbload -b export (C, binary)" "$eb" "$(r "$N" "$eb")"
printf '%-34s %8.3f %12s\n' "dbload export (C, TSV %.9g)" "$et" "$(r "$N" "$et")"
printf '%-34s %8.3f %12s\n' "python json.loads -> numpy" "$pe" "$(r "$N" "$pe")"
echo "export: binary is $(x "$pe" "$eb")x, TSV $(x "$pe" "$et")x the Python reference"

# 8 writers on one database (GNU parallel), batches of 1000
if command -v parallel > /dev/null; then
	$B/dbload -d "$BENCH_TMP/c.db" -b export > /dev/null
	i=0
	while [ $i -lt 8 ]; do
		/usr/bin/python3 -c "
import sys
b = open('$BENCH_TMP/big.bin', 'rb').read(); hdr = b[:24]; rec = 4 + 11 + 4 + 4 * $D
n = ($N + 7) // 8; s = 24 + $i * n * rec
sys.stdout.buffer.write(hdr + b[s:s + n * rec])" > "$BENCH_TMP/part$i.bin"
		i=$((i + 1))
	done
	w=$(median_time 3 "rm -f $BENCH_TMP/w.db*; $B/dbload -d $BENCH_TMP/w.db init; ls $BENCH_TMP/part*.bin | parallel -j8 $B/dbload -d $BENCH_TMP/w.db -n 1000 songs {}") || exit 1
	printf '%-34s %8.3f %12s\n' "8 parallel writers (-n 1000)" "$w" "$(r "$N" "$w")"
fi
rm -f "$BENCH_TMP"/*.db* "$BENCH_TMP"/part*.bin

# make demo without the dependency installation: scripts/demo on a fresh output dir
if [ -x "$B/segment" ] && [ -x "$B/kmeans" ]; then
	d=$(median_time 3 "rm -rf $BENCH_TMP/demo; sh $TOP/scripts/demo -o $BENCH_TMP/demo") || exit 1
	echo "make demo (scripts/demo, $(ls "$SHARED/audio" | grep -cE '\.(wav|ogg|flac|mp3|opus)$') clips, $(nproc) cores): $d s"
fi
