#!/usr/bin/python3
"""tfidf oracle: scikit-learn 1.2.1's TfidfVectorizer on the text lines tfidf(1)
reads (key<TAB>text, \\n \\t \\r \\\\ escapes, key alone = no text).

  tfidf_oracle.py gen N SEED > texts.txt     random lyrics-like texts (Unicode, ties)
  tfidf_oracle.py unicode N SEED > texts.txt  random code points of every plane,
      with the final-sigma and dotted-I cases
  tfidf_oracle.py ties N SEED > texts.txt     words used once or twice: max_features
      ties everywhere
  tfidf_oracle.py check TEXTS OUT MODEL [sklearn options as k=v ...] [excluded=1]
      OUT: tfidf's TSV output of a fit, MODEL its -m file; compares the vocabulary
      (equal), idf and every vector (1e-6 absolute).  Songs without text must be zero
      vectors (or absent with excluded=1) and are not part of sklearn's fit.
  tfidf_oracle.py apply TEXTS MODEL OUT   sklearn transform with the model's
      vocabulary and idf against tfidf -a's output (1e-6)
"""
import random
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

TOL = 1e-6


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in "ntr\\":
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def read_texts(path):
    rows = []
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.endswith("\r"):
                line = line[:-1]
            if not line or line.startswith("#"):
                continue
            key, tab, text = line.partition("\t")
            rows.append((key, unescape(text) if tab else ""))
    return rows


def read_stream(path):
    cols, keys, vals = None, [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#key\t"):
            cols = line.split("\t")[1:]
        elif line.startswith("#"):
            continue
        else:
            f = line.split("\t")
            keys.append(f[0])
            vals.append([float(x) for x in f[1:]])
    return cols, keys, np.array(vals, dtype=np.float64)


def read_model(path):
    terms, idf = [], []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            continue
        t, v = line.rstrip("\n").split("\t")
        terms.append(t)
        idf.append(float(v))
    return terms, np.array(idf)


WORDS = ["love", "night", "baby", "heart", "fire", "dance", "la", "oh", "you", "me",
         "Straße", "ÉTÉ", "naïve", "ΣΟΦΙΑ", "ΟΔΟΣ", "İstanbul", "ǅemal", "ﬁre", "東京",
         "café", "x²", "٣٤", "don't", "rock'n'roll", "a_b", "__", "Ⅻ", "ꙮꙮ"]


def gen(n, seed):
    rnd = random.Random(seed)
    for i in range(n):
        k = rnd.randrange(0, 40)
        if i % 17 == 5:
            print("song%03d" % i)            # no text
            continue
        lines = []
        for _ in range(rnd.randrange(1, 6)):
            ws = [rnd.choice(WORDS) for _ in range(rnd.randrange(1, 9))]
            sep = rnd.choice([" ", "  ", ", ", "! ", "\t", " - "])
            lines.append(sep.join(ws) + rnd.choice(["", ".", "?", " ♪"]))
        text = "\n".join(lines) if k else "I a ! ?"   # a text with no token
        esc = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
        print("song%03d\t%s" % (i, esc))


def unicode(n, seed):
    r = random.Random(seed)
    pool = [c for c in range(0x20, 0x110000)
            if not 0xD800 <= c <= 0xDFFF and c not in (0x5C, 0x7F)]
    plain = [ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789      "]
    special = [0x3A3, 0x130, 0x345, 0x2BC, 0x307, 0x1F88, 0xDF, 0xFB01, 0x10400, 0x1E9E,
               0x3C2, 0x2126, 0x212A, 0x85, 0x2028]
    for i in range(n):
        s = []
        for _ in range(r.randrange(1, 30)):
            u = r.random()
            pick = pool if u < 0.3 else special if u < 0.5 else plain
            s.append(chr(r.choice(pick)))
        print("u%d\t%s" % (i, "".join(s)))


def ties(n, seed):
    r = random.Random(seed)
    for i in range(n):
        print("s%d\t%s" % (i, " ".join("w%d" % r.randrange(4 * n // 3) for _ in range(r.randrange(1, 5)))))


def vectorizer(opts):
    kw = {"ngram_range": (1, 2)}
    for o in opts:
        k, v = o.split("=")
        if k == "ngram_range":
            a, b = v.split(":")
            kw[k] = (int(a), int(b))
        elif k in ("min_df", "max_df"):
            kw[k] = int(v) if v.isdigit() else float(v)
        elif k == "max_features":
            kw[k] = int(v)
    return TfidfVectorizer(**kw)


def compare(name, got, want):
    if got.shape != want.shape:
        sys.exit("%s: shape %s, expected %s" % (name, got.shape, want.shape))
    err = np.max(np.abs(got - want)) if got.size else 0.0
    if not err <= TOL:
        i = np.unravel_index(np.argmax(np.abs(got - want)), got.shape)
        sys.exit("%s: max error %.3g at %s (got %r, sklearn %r)" % (name, err, i, got[i], want[i]))
    return err


def check(texts, out, model, opts):
    excluded = "excluded=1" in opts
    rows = read_texts(texts)
    docs = [(k, t) for k, t in rows if t]
    v = vectorizer(opts)
    x = v.fit_transform([t for _, t in docs]).toarray()
    vocab = sorted(v.vocabulary_, key=v.vocabulary_.get)
    terms, idf = read_model(model)
    if terms != vocab:
        bad = [(i, a, b) for i, (a, b) in enumerate(zip(terms, vocab)) if a != b][:3]
        sys.exit("vocabulary differs: %d terms vs sklearn's %d; first differences %r"
                 % (len(terms), len(vocab), bad))
    e1 = compare("idf", idf, v.idf_)
    cols, keys, got = read_stream(out)
    if cols != vocab:
        sys.exit("column names are not the vocabulary")
    want_keys = [k for k, t in rows if t or not excluded]
    if keys != want_keys:
        sys.exit("keys differ from the input's")
    want = np.zeros((len(want_keys), len(vocab)))
    pos = {k: i for i, (k, _) in enumerate(docs)}
    for i, k in enumerate(want_keys):
        if k in pos:
            want[i] = x[pos[k]]
    e2 = compare("vectors", got, want)
    print("%d songs (%d with text), %d terms: idf max error %.2g, vectors %.2g"
          % (len(rows), len(docs), len(vocab), e1, e2))


def apply(texts, model, out):
    terms, idf = read_model(model)
    rows = read_texts(texts)
    v = TfidfVectorizer(ngram_range=(1, 2), vocabulary=terms)
    v.fit([""])          # the vocabulary is fixed; idf replaced below
    v.idf_ = idf
    x = v.transform([t for _, t in rows]).toarray()
    _, keys, got = read_stream(out)
    if keys != [k for k, _ in rows]:
        sys.exit("keys differ")
    e = compare("vectors", got, x)
    print("%d songs, %d terms: max error %.2g" % (len(rows), len(terms), e))


def main():
    a = sys.argv[1:]
    if a[0] == "gen":
        gen(int(a[1]), int(a[2]))
    elif a[0] == "unicode":
        unicode(int(a[1]), int(a[2]))
    elif a[0] == "ties":
        ties(int(a[1]), int(a[2]))
    elif a[0] == "check":
        check(a[1], a[2], a[3], a[4:])
    elif a[0] == "apply":
        apply(a[1], a[2], a[3])
    else:
        sys.exit(__doc__)


main()
