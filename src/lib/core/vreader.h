/* vreader.h — reading the songvec record stream (songvec(5)): TSV and binary.
 *
 * A stream is a header (dimension, sample rate, column names) and records
 * (key, float32 values).  The reader detects the encoding from the first bytes and
 * accepts concatenated streams (`cat a.vec b.vec`, GNU parallel output) when
 * their headers agree.  The writer is vwriter.h.
 *
 *	VReader *r = new_vreader(path);          // NULL after a message
 *	while ((e = vreader_next(r)) > 0)
 *		... r->key, r->val[0 .. r->n) ...
 *	del_vreader(r);                          // e < 0: a message was printed
 *
 * Errors are printed as "prog: FILE: record N: ..." (binary) or
 * "prog: FILE:LINE: record N: ..." (TSV); the reader never exits. */
#ifndef SV_VREADER_H
#define SV_VREADER_H
#include <stddef.h>
#include <stdio.h>

#define VS_MAGIC "\0SVB"
#define VS_VERSION 1u
#define VS_MAXKEY 4096u            /* bytes in a key or a column name */
#define VS_MAXVALS (1u << 28)      /* values in one record (1 GiB of float32) */
#define VS_MAXCOLS (1u << 20)
#define VS_MINRATE 1000.0          /* sample rates of audio records, Hz (0 = none) */
#define VS_MAXRATE 1000000.0

typedef struct VReader {
	FILE *fp;
	char *name;          /* file name for diagnostics ("<stdin>" for -) */
	int binary;          /* encoding detected */
	unsigned dim;        /* values per record; 0 = variable length */
	int dimknown;        /* dim fixed by a header or the first record */
	double rate;         /* sample rate of audio records; 0 = none */
	unsigned ncols;      /* column names present (0 or dim) */
	char **cols;
	unsigned long recno; /* number of the current record, from 1 */
	unsigned long lineno;/* TSV line of the current record */
	char *key;           /* current record */
	float *val;
	size_t n;
	struct VReaderBuf *priv; /* the reader's own buffers */
} VReader;

/* Open a file ("-" = stdin) and read its header.  NULL (message printed) on error. */
VReader *new_vreader(const char *path);
/* The same on an open file (not closed by del_vreader), read from its current
 * position; the reader reads the descriptor itself (large read(2) calls), so
 * until del_vreader the FILE is the reader's alone, and a pipe must not have
 * been read through stdio before. */
VReader *new_vreader_fp(FILE *fp, const char *name);
/* 1: a record is in r->key/val/n; 0: end of stream; -1: error (message printed). */
int vreader_next(VReader *r);
/* Closes what new_vreader opened and frees r; NULL is a no-op. */
void del_vreader(VReader *r);
/* Index of a column name, or -1. */
int vreader_colindex(const VReader *r, const char *name);
/* Print "prog: FILE[:LINE]: record N: msg" and return -1. */
int vreader_error(VReader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 0 when the current record is audio at rate Hz; else -1 after "prog: FILE: record
 * N: no sample rate: not an audio record stream (prog reads R Hz records, e.g.
 * segment -r R)" or "...: audio records at X Hz, prog needs R Hz (resample with
 * segment -r R)". */
int vreader_audio_rate(VReader *r, double rate);
/* 0 when the header announces audio records (dimension 0, a sample rate); else
 * -1 after "prog: FILE: empty input (expected audio records, e.g. from segment)"
 * when the input had no byte at all (an empty stdin, segment failed upstream) or
 * "prog: FILE: not an audio record stream (...)".  For tools that need audio
 * records before anything else (feat); the filters (vggish, musicnn) keep an
 * empty stream an empty result. */
int vreader_audio_header(VReader *r);
/* The same for a record read earlier (e.g. by a read-ahead thread): its own
 * record number and TSV line. */
int vreader_error_at(const VReader *r, unsigned long recno, unsigned long lineno,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The plain record lines (a key, then dim values; no header, comment, CR or
 * anything vreader_next would take apart or complain about) that come next in a
 * TSV stream, up to VS_BULK bytes of them (from a pipe with nothing more for
 * now, the whole lines come so far: a slow producer is not waited for), parsed
 * in VB_PIECES pieces on up to nthreads threads.  The rows of piece p are
 * b->piece[p].n of them, in stream order: values at val + i*dim, key i at
 * keys + koff[i] (NUL-terminated).  r moves past them as if vreader_next had
 * read them (record and line numbers included); the first line that is not
 * plain is left to vreader_next.  Returns the rows taken, 0 for none (binary,
 * variable-length or nothing plain next: call vreader_next).  Exits only when
 * memory runs out. */
#define VS_BULK (4u << 20)
#define VB_PIECES 8
typedef struct VBulkPiece {
	size_t n, cap, klen, kcap;
	float *val;
	char *keys;
	size_t *koff;
	const char *s, *e, *stop; /* the lines given it, where it stopped */
	unsigned dim;
} VBulkPiece;
typedef struct VBulk {
	size_t npiece;
	VBulkPiece piece[VB_PIECES];
} VBulk;
size_t vreader_bulk(VReader *r, int nthreads, VBulk *b);
/* Frees the buffers of b (a zeroed VBulk is an empty one). */
void del_vbulk(VBulk *b);

/* 1 when the first bytes of a file look like a vector stream (binary magic or text),
 * 0 when they look like something else (e.g. audio). */
int vreader_sniff(const unsigned char *buf, size_t n);
/* vreader_sniff() on the first bytes of a file; -1 if it cannot be read (errno set). */
int vreader_sniff_path(const char *path);

#endif
