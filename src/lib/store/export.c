/* export.c — songs and artist profiles as CSV or JSON lines (see export.h). */
#include "store/export.h"
#include "core/fpconv.h"
#include "core/json.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* what the sinks share: the output and the kind of row */
typedef struct Out {
	FILE *fp;
	int artists;
	unsigned dim;
	int headed;          /* the CSV header row is out */
} Out;

int
export_format(const char *s)
{
	static const char *const names[] = { "tsv", "binary", "csv", "jsonl" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* One CSV field as RFC 4180 wants it: quoted, with quotes doubled, when it holds
 * a comma, a quote, CR or LF (or starts or ends with a space, which some readers
 * strip).  Cannot fail (errors stick in fp). */
static void
csv_field(FILE *fp, const char *s)
{
	size_t n = strlen(s);

	if (!strpbrk(s, ",\"\r\n") && n && s[0] != ' ' && s[n - 1] != ' ') {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

/* The header row: the id column, then the stored names or f0..fN-1. */
static void
csv_head(Out *o, unsigned ncols, char *const *cols)
{
	unsigned i;

	fputs(o->artists ? "artist_id" : "song_id", o->fp);
	for (i = 0; i < o->dim; i++) {
		putc(',', o->fp);
		if (ncols)
			csv_field(o->fp, cols[i]);
		else
			fprintf(o->fp, "f%u", i);
	}
	putc('\n', o->fp);
	o->headed = 1;
}

/* The DbSink callbacks of the two formats: 0, or -1 when a write failed (the
 * error sticks in the stream; export_table's fshut names it). */
static int
csv_header(void *ctx, size_t dim, unsigned ncols, char *const *cols)
{
	Out *o = ctx;

	o->dim = (unsigned)dim;
	csv_head(o, ncols, cols);
	return 0;
}

static int
csv_row(void *ctx, const DbRow *r)
{
	Out *o = ctx;
	char num[FPCONV_FLOAT_MAX];
	size_t i;

	csv_field(o->fp, r->id);
	for (i = 0; i < r->n; i++) {
		putc(',', o->fp);
		fwrite(num, 1, fpconv_ftoa(num, r->v[i]), o->fp); /* nan as in the stream */
	}
	putc('\n', o->fp);
	return ferror(o->fp) ? -1 : 0;
}

/* "name":"value" (null when absent) and a comma.  Cannot fail. */
static void
json_member(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, "\"%s\":", name);
	if (value)
		json_string(fp, value);
	else
		fputs("null", fp);
	putc(',', fp);
}

static int
jsonl_header(void *ctx, size_t dim, unsigned ncols, char *const *cols)
{
	return 0;
}

static int
jsonl_row(void *ctx, const DbRow *r)
{
	Out *o = ctx;

	putc('{', o->fp);
	if (o->artists) {
		json_member(o->fp, "artist_id", r->id);
	} else {
		json_member(o->fp, "song_id", r->id);
		json_member(o->fp, "artist_id", r->artist_id);
		json_member(o->fp, "song_name", r->song_name);
		json_member(o->fp, "artist_name", r->artist_name);
	}
	fputs("\"vector\":", o->fp);
	json_put_floats(o->fp, r->v, r->n);
	fputs("}\n", o->fp);
	return ferror(o->fp) ? -1 : 0;
}

int
export_table(Db *db, int artists, int format, FILE *out, const char *outname)
{
	Out o = { .fp = out, .artists = artists };
	DbSink csv = { csv_header, csv_row, &o }, jsonl = { jsonl_header, jsonl_row, &o };
	int rc;

	if (format == EXPORT_JSONL)
		rc = db_export_rows(db, artists, &jsonl);
	else
		rc = db_export_rows(db, artists, &csv);
	if (format == EXPORT_CSV && !o.headed && !rc)
		csv_head(&o, 0, NULL); /* an empty table: the id column alone */
	if (fshut(out, outname)) /* a failed write ended the export: say why */
		rc = -1;
	return rc;
}
