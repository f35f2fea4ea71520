/* unit test for src/lib/core/vreader.c and vwriter.c: exact round trips in both
 * encodings, concatenated streams, and every truncation of a binary stream giving an
 * error (never a crash or a silent partial record).  "not ok N what" per failure;
 * exit 1 on any. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"
#include "../unit.h"


static uint32_t rng = 12345;
static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

#define NREC 50
#define DIM 7

static float vals[NREC][DIM];

static FILE *
write_stream(int binary, int copies)
{
	FILE *fp = tmpfile();
	char key[32];
	char *cols[DIM] = { "a", "b", "c", "d", "e", "f", "g" };
	int c, i;
	VWriter *w;

	for (c = 0; c < copies; c++) {
		w = new_vwriter(fp, "tmp", binary);
		check(!vwriter_header(w, DIM, 22050, DIM, cols), "vwriter_header");
		for (i = 0; i < NREC; i++) {
			snprintf(key, sizeof key, "song%d#%d", c, i);
			check(!vwriter_write(w, key, vals[i], DIM), "vwriter_write");
		}
		check(!del_vwriter(w), "del_vwriter"); /* flushes; fp stays open */
	}
	rewind(fp);
	return fp;
}

static int
same(float a, float b)
{
	return (isnan(a) && isnan(b)) || !memcmp(&a, &b, sizeof a);
}

static void
roundtrip(int binary, int copies)
{
	FILE *fp = write_stream(binary, copies);
	VReader *r = new_vreader_fp(fp, "tmp");
	int i = 0, e, ok = 1, j;

	check(r != NULL, "open");
	if (!r)
		return;
	check(r->binary == binary, "encoding detected");
	check(r->dim == DIM && r->ncols == DIM && r->rate == 22050, "header");
	while ((e = vreader_next(r)) > 0) {
		for (j = 0; j < DIM; j++)
			ok &= same(r->val[j], vals[i % NREC][j]);
		i++;
	}
	check(e == 0, "clean end");
	check(i == NREC * copies, "record count");
	check(ok, "%s values exact%s", binary ? "binary" : "tsv", binary ? "" : " (%.9g)");
	del_vreader(r);
	fclose(fp);
}

int
main(int argc, char **argv)
{
	int i, j, e;
	long len, cut;
	FILE *fp, *part;
	char *buf;
	VReader *r;
	uint32_t u;

	util_init(argc, argv);
	for (i = 0; i < NREC; i++)
		for (j = 0; j < DIM; j++) {
			u = next();
			memcpy(&vals[i][j], &u, 4); /* any bit pattern: subnormals, nan, inf */
		}
	vals[0][0] = -0.0f;
	vals[0][1] = INFINITY;
	vals[0][2] = -INFINITY;
	roundtrip(1, 1);
	roundtrip(0, 1);
	roundtrip(1, 3); /* cat a.vec b.vec c.vec */
	roundtrip(0, 3);

	/* every truncation of a binary stream: an error or a clean end at a record boundary */
	fp = write_stream(1, 1);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	buf = malloc(len);
	if (fread(buf, 1, len, fp) != (size_t)len)
		return 1;
	fclose(fp);
	freopen("/dev/null", "w", stderr);
	for (cut = 0; cut < len; cut++) {
		int n = 0;
		part = tmpfile();
		fwrite(buf, 1, cut, part);
		rewind(part);
		r = new_vreader_fp(part, "cut");
		if (r) {
			while ((e = vreader_next(r)) > 0)
				n++;
			/* a clean end is only allowed exactly at a record boundary */
			if (e == 0)
				check(n < NREC, "truncated stream ends early");
			del_vreader(r);
		}
		fclose(part);
	}
	free(buf);
	return unit_done();
}
