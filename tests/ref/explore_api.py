"""explore_api.py — explore(1)'s HTTP API against the database it serves.

  explore_api.py BASE_URL DB AUDIODIR PID

Every endpoint's JSON is compared with the same rows read here with sqlite3;
bad parameters give 400, missing songs 404, both with a JSON error; path
traversal attempts (raw, percent-encoded, double-encoded, through a symbolic
link) never return the target file; 200 concurrent requests all succeed and the
server holds no more open descriptors afterwards than before.  Prints one line
per check, exits 1 on the first failure.
"""
import http.client
import json
import os
import sqlite3
import struct
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

BASE, DB, AUDIO, PID = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
U = urllib.parse.urlsplit(BASE)
db = sqlite3.connect(DB)


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (": " + str(detail)[:600] if not cond else ""))
    if not cond:
        raise SystemExit(1)


def get(path, method="GET"):
    """(status, content type, body bytes) of a raw request path (sent as is)"""
    c = http.client.HTTPConnection(U.hostname, U.port, timeout=30)
    c.putrequest(method, path, skip_accept_encoding=True)
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type", ""), body


def getj(path):
    s, t, b = get(path)
    return s, json.loads(b) if t.startswith("application/json") else None


def rows(sql, *a):
    cur = db.execute(sql, a)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur]


def close(a, b):
    """JSON values equal, floats to float32 print precision"""
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return a == b


def endpoints():
    s, j = getj("/songs")
    check("/songs = songs", s == 200 and j["songs"] == rows(
        "SELECT song_id, song_name, artist_id, artist_name FROM songs ORDER BY song_id"), s)
    s, j = getj("/songs?q=caf%C3%A9")
    check("/songs?q= finds the non-ASCII title", s == 200 and [r["song_id"] for r in j["songs"]] == ["s00002"], j)
    s, j = getj("/songs?q=s001&limit=3")
    check("/songs?limit=3: the first 3 matches by id", s == 200 and [r["song_id"] for r in j["songs"]] ==
          [r["song_id"] for r in rows("SELECT song_id FROM songs WHERE instr(song_id, 's001') "
                                      "ORDER BY song_id LIMIT 3")], j)
    s, j = getj("/song?id=s00001")
    want = rows("SELECT algorithm, kmeans_cluster_id, kmeans_distance, gmm_cluster_id, gmm_probabilities, "
                "hier_level1_id, hier_level2_id, dbscan_cluster_id, confidence FROM song_clusters "
                "WHERE song_id = 's00001' ORDER BY algorithm")
    check("/song?id= song, clusters, labels, audio", s == 200 and close(j["clusters"], want)
          and j["song"][0]["song_name"] == "</script><script>alert(2)</script>"
          and j["labels"][0]["label"] == "classical" and j["audio"] == "/audio/s00001.wav", j)
    s, j = getj("/song?id=s00002")
    check("/song of a song whose audio file is gone: audio \"\"", s == 200 and j["audio"] == "", j)
    for path, m, d in (("/projections?method=pca&dims=2", "pca", 2),
                       ("/embeddings?red=musicnn&dataset=msd&metodo=pca&dimensiones=2", "pca", 2)):
        s, j = getj(path)
        want = rows("SELECT song_id, x, y FROM projections WHERE method = ? AND dims = ? ORDER BY song_id", m, d)
        check(path, s == 200 and j["method"] == m and j["dims"] == d and close(j["points"], want), s)
    s, j = getj("/taggrams?red=musicnn&dataset=msd&id=s00004")
    blob, shape = db.execute("SELECT taggram_data, taggram_shape FROM embeddings WHERE song_id = 's00004'").fetchone()
    vals = list(struct.unpack("<%df" % (len(blob) // 4), blob))
    check("/taggrams?id= tags and the BLOB's values", s == 200 and j["tags"] == ["rock", "pop", "jazz", "electronic"]
          and j["songs"][0]["shape"] == shape and close(j["songs"][0]["taggram"], vals), j)
    s, j = getj("/taggrams")
    check("/taggrams: every song", s == 200 and len(j["songs"]) == db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
    s, j = getj("/clusters?algorithm=kmeans")
    want = rows("SELECT song_id, kmeans_cluster_id AS cluster, kmeans_distance AS distance, confidence "
                "FROM song_clusters WHERE algorithm = 'kmeans' ORDER BY song_id")
    check("/clusters?algorithm=kmeans", s == 200 and close(j["songs"], want), s)
    for sid in ("s00000", "s00007"):
        s, j = getj("/neighbors?id=" + sid)
        want = rows("SELECT n.rank, n.neighbor_id, s.song_name, s.artist_name, n.similarity FROM song_neighbors n "
                    "LEFT JOIN songs s ON s.song_id = n.neighbor_id WHERE n.song_id = ? AND n.metric = ? "
                    "ORDER BY n.rank", sid, j["metric"] if j else "")
        check("/neighbors?id=%s = stored rows (%d)" % (sid, len(want)), s == 200 and want and close(j["neighbors"], want), j)
    s, j = getj("/audios")
    files = sorted(f for f in os.listdir(AUDIO) if f.endswith(".wav"))
    check("/audios lists the songs' files", s == 200 and [a["file"] for a in j["audios"]] == files, j)
    s, j = getj("/api")
    check("/api lists the endpoints", s == 200 and len(j["endpoints"]) == 9)
    s, t, b = get("/audio/s00003.wav")
    check("/audio/NAME serves the file", s == 200 and t == "audio/wav"
          and b == open(os.path.join(AUDIO, "s00003.wav"), "rb").read(), (s, t))
    s, t, b = get("/")
    check("/ serves the page", s == 200 and t.startswith("text/html") and b"songvec-data" in b, (s, t))


def bad_requests():
    cases = [("/projections?method=umap&dims=2", 400), ("/projections?method=pca&dims=4", 400),
             ("/projections?method=pca", 400), ("/projections?method=P%27;DROP&dims=2", 400),
             ("/projections?method=pca&dims=3", 404),
             ("/clusters?algorithm=kmeans%27%20OR%201=1--", 400), ("/clusters", 400),
             ("/neighbors?id=nosuch", 404), ("/neighbors", 400), ("/neighbors?id=s00000&metric=l7", 400),
             ("/song?id=nosuch", 404), ("/song?id=s00000&id=s00001", 400), ("/songs?x=1", 400),
             ("/songs?limit=0", 400), ("/songs?limit=2x", 400), ("/songs?limit=-1", 400),
             ("/taggrams?red=vggish", 400), ("/taggrams?dataset=mtt", 400), ("/taggrams?id=nosuch", 404),
             ("/nosuch", 404), ("/audio/nosuch.wav", 404)]
    for path, want in cases:
        s, j = getj(path)
        check("%s -> %d JSON error" % (path, want), s == want and j and j.get("status") == want
              and isinstance(j.get("error"), str), (s, j))
    s, t, b = get("/songs", "POST")
    check("POST -> 405", s == 405)
    n = db.execute("SELECT count(*) FROM songs").fetchone()[0]
    check("database unchanged", n == len(rows("SELECT song_id FROM songs")))


def traversal():
    secret = open("/etc/passwd", "rb").read()
    link = os.path.join(AUDIO, "escape.wav")
    if not os.path.lexists(link):
        os.symlink("/etc/passwd", link)
    paths = ["/audio/../../etc/passwd", "/audio/..%2F..%2Fetc%2Fpasswd", "/audio/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
             "/audio/%252e%252e%252fetc%252fpasswd", "/audio/..%5C..%5Cetc%5Cpasswd", "/audio/.%2e/.%2e/etc/passwd",
             "/audio//etc/passwd", "/audio/%2Fetc%2Fpasswd", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
             "/audio/escape.wav", "/audio/.", "/audio/..", "/audio/%00"]
    for p in paths:
        s, t, b = get(p)
        check("traversal %s -> %d, not the file" % (p, s), s in (400, 403, 404) and secret not in b
              and b"root:" not in b, (s, b[:80]))
    os.unlink(link)


def fds():
    return len(os.listdir("/proc/%d/fd" % PID))


def concurrent():
    base = fds()
    paths = ["/songs", "/song?id=s00005", "/neighbors?id=s00003", "/clusters?algorithm=kmeans",
             "/projections?method=pca&dims=2", "/taggrams?id=s00001", "/audio/s00004.wav", "/audios", "/", "/songs?q=s001&limit=3"]
    t = time.time()
    with ThreadPoolExecutor(200) as ex:
        res = list(ex.map(lambda i: get(paths[i % len(paths)])[0], range(200)))
    dt = time.time() - t
    bad = [s for s in res if s != 200]
    check("200 concurrent requests in %.1f s, all 200" % dt, not bad, bad)
    for _ in range(50):
        if fds() <= base:
            break
        time.sleep(0.1)
    check("no leaked connections (descriptors %d -> %d)" % (base, fds()), fds() <= base)


if __name__ == "__main__":
    endpoints()
    bad_requests()
    traversal()
    concurrent()
