/* vstream.h — the songvec record stream (songvec(5)): TSV and binary encodings.
 *
 * A stream is a header (dimension, sample rate, column names) and records
 * (key, float32 values).  Readers detect the encoding from the first bytes and
 * accept concatenated streams (`cat a.vec b.vec`, GNU parallel output) when
 * their headers agree.  Writers emit the header lazily with the first record.
 *
 * Errors: vr_next() returns -1 after printing "prog: FILE: record N: ..." (binary)
 * or "prog: FILE:LINE: record N: ..." (TSV).  Write errors are fatal (exit 1). */
#ifndef SV_VSTREAM_H
#define SV_VSTREAM_H
#include <stddef.h>
#include <stdio.h>

#define VS_MAGIC "\0SVB"
#define VS_VERSION 1u
#define VS_MAXKEY 4096u            /* bytes in a key or a column name */
#define VS_MAXVALS (1u << 28)      /* values in one record (1 GiB of float32) */
#define VS_MAXCOLS (1u << 20)

typedef struct VReader {
	FILE *fp;
	char *name;          /* file name for diagnostics ("<stdin>" for -) */
	int binary;          /* encoding detected */
	unsigned dim;        /* values per record; 0 = variable length */
	double rate;         /* sample rate of audio records; 0 = none */
	unsigned ncols;      /* column names present (0 or dim) */
	char **cols;
	unsigned long recno; /* number of the current record, from 1 */
	unsigned long lineno;/* TSV line of the current record */
	char *key;           /* current record */
	float *val;
	size_t n;
	/* private */
	size_t keycap, cap;
	char *line;
	size_t linecap;
	int pending;         /* TSV: a record line is buffered in line */
	int ownfp;
	int dimknown;        /* dim fixed by a header or the first record */
} VReader;

/* Open a file ("-" = stdin).  Reads the header.  NULL (message printed) on error. */
VReader *vr_open(const char *path);
VReader *vr_fdopen(FILE *fp, const char *name);
/* 1: a record is in r->key/val/n; 0: end of stream; -1: error (message printed). */
int vr_next(VReader *r);
void vr_close(VReader *r);
/* Index of a column name, or -1. */
int vr_colindex(const VReader *r, const char *name);
/* Print "prog: FILE[:LINE]: record N: msg" and return -1. */
int vr_error(VReader *r, const char *fmt, ...);
/* The same for a record read earlier (e.g. by a read-ahead thread): its own
 * record number and TSV line. */
int vr_error_at(const VReader *r, unsigned long recno, unsigned long lineno, const char *fmt, ...);

/* 1 when the first bytes of a file look like a vector stream (binary magic or text),
 * 0 when they look like something else (e.g. audio). */
int vs_sniff(const unsigned char *buf, size_t n);
/* vs_sniff() on the first bytes of a file; -1 if it cannot be read (errno set). */
int vs_sniff_path(const char *path);

typedef struct VWriter {
	FILE *fp;
	char *name;
	int binary;
	unsigned dim;
	double rate;
	unsigned ncols;
	char **cols;
	int header_done;
} VWriter;

/* binary: 1 for the binary encoding, 0 for TSV. */
VWriter *vw_open(FILE *fp, const char *name, int binary);
/* Describe the stream; call before the first vw_write.  cols may be NULL. */
void vw_header(VWriter *w, unsigned dim, double rate, unsigned ncols, char *const *cols);
/* Write one record; exits 1 on a write error or a bad key. */
void vw_write(VWriter *w, const char *key, const float *v, size_t n);
/* Write the header if nothing was written, flush; exits 1 on a write error. */
void vw_close(VWriter *w);

#endif
