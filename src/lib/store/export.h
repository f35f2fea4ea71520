/* export.h — `dbload export` and `dbload artists` in formats other programs
 * read directly (dbload(1), FORMATS): CSV with a header row (RFC 4180 quoting,
 * for pandas.read_csv and spreadsheets) and JSON lines (one object per row).
 * Numbers are spelled as in the stream (fpconv.h: the shortest digits that read
 * back as the same float32); NaN is "nan" in CSV and null in JSON, where -0 is
 * written -0.0 (python's json reads -0 as the integer 0). */
#ifndef SV_EXPORT_H
#define SV_EXPORT_H
#include <stdio.h>

#include "store/db.h"

/* Output formats of dbload -f: the stream's two encodings, then the tables. */
enum { EXPORT_TSV, EXPORT_BINARY, EXPORT_CSV, EXPORT_JSONL };

/* The format named s (tsv, binary, csv, jsonl), or -1.  Cannot fail. */
int export_format(const char *s);
/* Songs (artists = 0) or artist profiles (1) as CSV or JSON lines on out.
 * 0, or -1 after a message (a database or a write error: "prog: outname: write
 * error: ..."). */
int export_table(Db *db, int artists, int format, FILE *out, const char *outname);

#endif
