#!/usr/bin/python3
"""Checks of tests/ytfetch.test on what ytfetch wrote.

  ytfetch_check.py audio RATE CHANNELS KIND SECONDS FILE...
      every FILE has that sample rate and channel count, KIND as its subtype
      (e.g. PCM_16) or its format (e.g. FLAC), and lasts SECONDS (within 0.05 s;
      '-': any length)
  ytfetch_check.py errlog FILE
      the error log of the test's first run: one JSON object per line with
      exactly time, song, stage, message (non-empty); the stages of the four
      failing songs; the 404 and the 960-s duration named in their messages
Exit 1 (an assertion) on a failed check."""
import json
import sys

import soundfile as sf


def audio(rate, channels, kind, seconds, files):
    for f in files:
        i = sf.info(f)
        assert (i.samplerate, i.channels) == (rate, channels), (f, i)
        assert kind in (i.subtype, i.format), (f, i)
        if seconds is not None:
            assert abs(i.frames / rate - seconds) < 0.05, (f, i.frames)


def errlog(path):
    rows = [json.loads(line) for line in open(path)]
    got = {r['song']: r['stage'] for r in rows}
    assert got == {'long': 'duration', 'missing': 'download', 'text': 'convert', 'fake': 'convert'}, got
    assert all(set(r) == {'time', 'song', 'stage', 'message'} and r['message'] for r in rows), rows
    assert '404' in [r for r in rows if r['song'] == 'missing'][0]['message']
    assert '960' in [r for r in rows if r['song'] == 'long'][0]['message']


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == 'audio':
        audio(int(a[0]), int(a[1]), a[2], None if a[3] == '-' else float(a[3]), a[4:])
    elif cmd == 'errlog':
        errlog(a[0])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
