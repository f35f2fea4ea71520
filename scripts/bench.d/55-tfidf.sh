#!/bin/sh
# 55-tfidf — tfidf against scikit-learn 1.2.1 TfidfVectorizer(ngram_range=(1, 2),
# max_features=2000) on 20 000 lyrics-like texts (tests/ref/tfidf_oracle.py gen).
# sklearn: fit_transform in process on the texts already in memory, sparse output
# (favours Python: no reading, no dense output); ours: the whole command, reading the
# text lines and writing the dense binary stream.  Medians of 3.
. "$TOP/scripts/bench.d/lib.sh"
PY=/usr/bin/python3
D=$BENCH_TMP/tfidf
mkdir -p "$D"
$PY "$TOP/tests/ref/tfidf_oracle.py" gen 20000 9 > "$D/texts.tsv" || exit 1
t_c=$(median_time 3 "tfidf -b -M 2000 '$D/texts.tsv' > /dev/null") || exit 1
t_p=$($PY -c "
import sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
docs = []
for line in open(sys.argv[1], encoding='utf-8'):
    k, tab, t = line.rstrip('\n').partition('\t')
    if t:
        docs.append(t.replace('\\\\n', '\n').replace('\\\\t', '\t'))
ts = []
for _ in range(3):
    t0 = time.perf_counter()
    TfidfVectorizer(ngram_range=(1, 2), max_features=2000).fit_transform(docs)
    ts.append(time.perf_counter() - t0)
print('%.4f' % sorted(ts)[1])
" "$D/texts.tsv") || exit 1
dim=$(tfidf -M 2000 "$D/texts.tsv" 2>/dev/null | sed -n '1s/^#songvec dim=//p')
echo "tfidf: 20000 texts ($(du -k "$D/texts.tsv" | cut -f1) kB), unigrams + bigrams, max_features 2000 ($dim terms), medians of 3"
printf '  songvec tfidf (read, fit, write dense binary)  %8s s\n' "$t_c"
printf '  sklearn fit_transform (in memory, sparse)       %8s s\n' "$t_p"
printf '  speed-up x%.2f\n' "$(echo "$t_p / $t_c" | bc -l)"
