/* vwriter.h — writing the songvec record stream (songvec(5)): TSV (shortest
 * round-trip numbers, fpconv.h) or binary.
 * The header is written lazily with the first record (or by del_vwriter).
 *
 *	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
 *	if (vwriter_header(w, dim, rate, ncols, cols)) ...   // bad column name
 *	if (vwriter_write(w, key, v, n)) ...                 // write error, bad key
 *	if (del_vwriter(w)) ...                              // flush failed (full disk)
 *
 * Nothing here exits: every error is printed once and returned as -1; a write
 * error sticks (every later call returns -1). */
#ifndef SV_VWRITER_H
#define SV_VWRITER_H
#include <stddef.h>
#include <stdio.h>

#include "core/vreader.h" /* VS_* format constants */

typedef struct VWriter {
	FILE *fp;
	char *name;
	int binary;
	unsigned dim;
	double rate;
	unsigned ncols;
	char **cols;
	int header_done;
	int failed;          /* a write failed (printed) */
	char *line;          /* TSV: the record being spelled, written at once */
	size_t linecap;      /* of line, in units of FPCONV_FLOAT_MAX + 1 bytes */
} VWriter;

/* binary: 1 for the binary encoding, 0 for TSV.  Cannot fail (but for memory). */
VWriter *new_vwriter(FILE *fp, const char *name, int binary);
/* Describe the stream; call before the first vwriter_write.  cols may be NULL.
 * -1 after a message when a column name is invalid. */
int vwriter_header(VWriter *w, unsigned dim, double rate, unsigned ncols, char *const *cols)
    __attribute__((warn_unused_result));
/* Write one record: 0, or -1 after a message. */
int vwriter_write(VWriter *w, const char *key, const float *v, size_t n)
    __attribute__((warn_unused_result));
/* Header if nothing was written, flush, free; 0, or -1 when any write failed. */
int del_vwriter(VWriter *w) __attribute__((warn_unused_result));

#endif
