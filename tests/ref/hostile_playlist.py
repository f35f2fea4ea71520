#!/usr/bin/python3
"""hostile_playlist.py BASEURL OUT.csv — a playlist CSV export written by someone
hostile or careless (tests/hostile.test).  Prints the song ids that must be stored,
one per line; the other rows must be reported as bad entries.

Valid rows carry shell syntax ($(...), backticks, ;, |, quotes), leading '-',
newlines and tabs in titles, a 1 MB title, non-ASCII UTF-8; invalid rows carry a
newline, '/', a leading '.' or '#', 1 MB, invalid UTF-8 in the id or the title, a
file:// URL and an option as the URL."""
import csv
import io
import sys

base, out = sys.argv[1], sys.argv[2]
clips = ['stk-xeon6.ogg', 'stk-egypt.ogg', 'stk-lava.ogg', 'stk-subsea.ogg']
good = [
    ('$(touch PWNED1)', '$(touch PWNED2)', '`touch PWNED3`'),
    ('a;b|c&d', 'x"; touch PWNED4; echo "', "'q' $HOME"),
    ('-rf', '--exec=touch PWNED5', '-'),
    ('He said "hi"', 'two\nlines\tand a tab', 'Zoë'),
    ('big', 'x' * (1 << 20), 'A' * 1000),
    ('é-ünï', 'Ça `ls`', 'Ñ'),
    ('back\\slash', '$PATH ${IFS} %s %n', '|| exit'),
]
bad = [
    ('x\ny', 'newline in the id', 'a', None),
    ('y' * (1 << 20), 'a 1 MB id', 'a', None),
    (b'inv\xffid'.decode('latin-1'), 'invalid UTF-8 id', 'a', None),
    ('badtitle', b'caf\xe9'.decode('latin-1'), 'a', None),
    ('../etc', 'dot', 'a', None),
    ('a/b', 'slash', 'a', None),
    ('#hash', 'comment', 'a', None),
    ('fileurl', 'file URL', 'a', 'file:///etc/passwd'),
    ('opturl', 'option URL', 'a', '--exec=touch PWNED6'),
]
buf = io.StringIO(newline='')
w = csv.writer(buf, lineterminator='\r\n')
w.writerow(['Track ID', 'Track Name', 'Artist Name(s)', 'URL'])
rows = [(i, n, a, base + '/' + clips[k % len(clips)]) for k, (i, n, a) in enumerate(good)]
rows += [(i, n, a, u if u else base + '/' + clips[0]) for i, n, a, u in bad]
rows.insert(3, rows[0])  # an exact repetition: skipped without a word
for r in rows:
    w.writerow(r)
text = buf.getvalue().encode('utf-8')
# the invalid bytes stay invalid: latin-1 round trip for the two bad rows
text = text.replace('inv\xffid'.encode('utf-8'), b'inv\xffid')
text = text.replace('caf\xe9'.encode('utf-8'), b'caf\xe9')
open(out, 'wb').write(text)
for i, _, _ in good:
    print(i)
