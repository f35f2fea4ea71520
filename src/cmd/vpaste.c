/* vpaste — join streams side by side, record by record (keys must match). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] = "[-bt] file1 file2 ...";

/* Output header: dimensions add up (0 if any input is variable-length); names are
 * kept when every input names its columns; the rate when all inputs agree. */
static void
set_header(VWriter *w, VReader **r, int nin)
{
	unsigned dim = 0, j, k = 0;
	double rate = r[0]->rate;
	int i, named = 1, fixed = 1;
	char **cols = NULL;

	for (i = 0; i < nin; i++) {
		if (!r[i]->dim)
			fixed = 0;
		if (!r[i]->ncols)
			named = 0;
		if (r[i]->rate != rate)
			rate = 0;
		dim += r[i]->dim;
	}
	if (!fixed)
		dim = 0, named = 0;
	if (named) {
		cols = ecalloc(dim, sizeof *cols);
		for (i = 0; i < nin; i++)
			for (j = 0; j < r[i]->ncols; j++)
				cols[k++] = r[i]->cols[j];
	}
	if (vwriter_header(w, dim, rate, named ? dim : 0, cols))
		exit(1);
	free(cols);
}

static size_t
append(float **v, size_t *cap, size_t n, const float *x, size_t m)
{
	if (n + m > *cap) {
		*cap = 2 * (n + m);
		*v = ereallocarray(*v, *cap, sizeof **v);
	}
	if (m)
		memcpy(*v + n, x, m * sizeof **v);
	return n + m;
}

int
main(int argc, char **argv)
{
	VReader **r;
	VWriter *w;
	float *v = NULL;
	size_t n, cap = 0;
	int c, binary = 0, nin, i, e, e0, rc = 0, nstdin = 0;
	unsigned long rec;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "bt")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 't': binary = 0; break;
		default: util_usage(SYNOPSIS);
		}
	}
	nin = argc - optind;
	if (nin < 2)
		util_usage(SYNOPSIS);
	for (i = optind; i < argc; i++)
		nstdin += !strcmp(argv[i], "-");
	if (nstdin > 1) {
		weprintf("stdin (-) can be given only once");
		exit(2);
	}
	r = ecalloc(nin, sizeof *r);
	for (i = 0; i < nin; i++)
		if (!(r[i] = new_vreader(argv[optind + i])))
			rc = 1;
	if (rc)
		goto done;
	w = new_vwriter(stdout, "<stdout>", binary);
	set_header(w, r, nin);
	for (rec = 0; !rc; rec++) {
		if ((e0 = vreader_next(r[0])) < 0) {
			rc = 1;
			break;
		}
		n = 0;
		if (e0 > 0)
			n = append(&v, &cap, 0, r[0]->val, r[0]->n);
		for (i = 1; i < nin && !rc; i++) {
			if ((e = vreader_next(r[i])) < 0) {
				rc = 1;
			} else if (e0 == 0 && e > 0) {
				weprintf("%s: ends after %lu records; %s has more (record %lu '%s')",
					r[0]->name, rec, r[i]->name, rec + 1, r[i]->key);
				rc = 1;
			} else if (e0 > 0 && e == 0) {
				weprintf("%s: ends after %lu records; %s has more (record %lu '%s')",
					r[i]->name, rec, r[0]->name, rec + 1, r[0]->key);
				rc = 1;
			} else if (e > 0 && strcmp(r[i]->key, r[0]->key)) {
				vreader_error(r[i], "key '%s' does not match '%s' in %s", r[i]->key,
					r[0]->key, r[0]->name);
				rc = 1;
			} else if (e > 0) {
				n = append(&v, &cap, n, r[i]->val, r[i]->n);
			}
		}
		if (rc || e0 == 0)
			break;
		if (vwriter_write(w, r[0]->key, v, n))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
done:
	for (i = 0; i < nin; i++)
		del_vreader(r[i]);
	free(r);
	free(v);
	return rc;
}
