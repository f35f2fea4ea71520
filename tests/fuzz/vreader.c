/* tests/fuzz/vreader.c — libFuzzer harness for the stream reader (core/vreader.c):
 * any bytes as a stream, TSV or binary.  Every record the reader accepts must be
 * accepted by the writer too (one key alphabet, core/key.h), in both encodings.
 * Built and run by `make fuzz` (tests/fuzz/run). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in = fmemopen((void *)data, size, "rb"), *out;
	char *buf = NULL;
	size_t len = 0;
	VReader *r;
	VWriter *w;
	int e;

	argv0 = "fuzz-vreader";
	if (!in || !(r = new_vreader_fp(in, "fuzz"))) {
		if (in)
			fclose(in);
		return 0;
	}
	out = open_memstream(&buf, &len);
	w = new_vwriter(out, "mem", size & 1);
	if (vwriter_header(w, r->dim, r->rate, r->ncols, r->cols))
		abort(); /* the reader accepted names or a rate the writer refuses */
	while ((e = vreader_next(r)) > 0)
		if (vwriter_write(w, r->key, r->val, r->n))
			abort(); /* the reader accepted a key the writer refuses */
	if (del_vwriter(w))
		abort();
	fclose(out);
	free(buf);
	del_vreader(r);
	fclose(in);
	return 0;
}
