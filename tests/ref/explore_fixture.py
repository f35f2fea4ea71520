"""explore_fixture.py — a collection for explore(1)'s tests, written as the files
the toolkit loads (tests/explore.test puts them into a database with dbload):

  explore_fixture.py DIR N SEED

DIR/playlist.tsv   song_id, name, artist (ytfetch's list format); some titles are
                   hostile or non-ASCII: '<img src=x onerror=alert(1)>',
                   '</script><script>alert(2)</script>', 'Café “ü” 日本 & <b>'
DIR/songs.vec      5 named feature columns per song, in 4 separated blobs
DIR/genre.tsv      a labels table (set=genre) from the blobs
DIR/musicnn.vec    a musicnn-like stream: 4 tags, 2 embedding values, danceability
DIR/audio/         a short WAV for every song but the 3rd one (audio missing)
DIR/elbow.tsv      an elbow(1)-like curve
"""
import os
import struct
import sys
import wave

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import write_tsv  # noqa: E402

COLS = ["duration_sec", "global_bpm", "spectral_centroid_mean", "rms_mean", "loudness_mean"]
TAGS = ["rock", "pop", "jazz", "electronic"]
GENRES = ["blues", "classical", "disco", "metal"]
HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>",
           "Café “ü” 日本 & <b>bold</b>"]


def songs(n, rng):
    ids = ["s%05d" % i for i in range(n)]
    names = ["Song %d" % i for i in range(n)]
    names[0], names[1], names[2] = HOSTILE
    artists = ["Artist %d" % (i % max(1, n // 6)) for i in range(n)]
    artists[1] = "Bart & <Kelsey>"
    return ids, names, artists


def write_wav(path, rng):
    x = (rng.standard_normal(800) * 3000).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(x.tobytes())


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(seed)
    ids, names, artists = songs(n, rng)
    blob = np.arange(n) % 4
    centres = rng.normal(0, 10, (4, len(COLS)))
    X = (centres[blob] + rng.normal(0, 1, (n, len(COLS)))).astype(np.float32)
    os.makedirs(os.path.join(out, "audio"), exist_ok=True)
    with open(os.path.join(out, "playlist.tsv"), "w", encoding="utf-8") as f:
        for i in range(n):
            f.write("%s\t%s\t%s\n" % (ids[i], names[i], artists[i]))
    write_tsv(os.path.join(out, "songs.vec"), ids, X, COLS)
    with open(os.path.join(out, "genre.tsv"), "w") as f:
        f.write("#songvec labels set=genre\n#key\tgenre\n")
        for i in range(n):
            f.write("%s\t%s\n" % (ids[i], GENRES[blob[i]]))
    T = rng.uniform(0, 1, (n, len(TAGS) + 3)).astype(np.float32)
    T[:, 0] = (blob == 0) * 0.8 + 0.1
    write_tsv(os.path.join(out, "musicnn.vec"), ids, T, TAGS + ["embedding0", "embedding1", "danceability"])
    for i in range(n):
        if i != 2 and i < 50:
            write_wav(os.path.join(out, "audio", ids[i] + ".wav"), rng)
    with open(os.path.join(out, "elbow.tsv"), "w") as f:
        f.write("# knee=4\n#songvec dim=1\n#key\tinertia\n")
        for k in range(2, 11):
            f.write("%d\t%.6g\n" % (k, 1000.0 / k ** 1.5))


if __name__ == "__main__":
    main()
