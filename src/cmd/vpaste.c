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

/* "A: ends after N records; B has more (record N+1 'KEY')": b has a record
 * where a ended; returns -1 */
static int
ends_early(const VReader *a, const VReader *b, unsigned long rec)
{
	weprintf("%s: ends after %lu records; %s has more (record %lu '%s')", a->name, rec,
	    b->name, rec + 1, b->key);
	return -1;
}

/* Record rec of every input, joined into *v (n values); 1: a joined record, 0: all
 * ended together, -1 after a message (an input ends early, keys differ, a read
 * error). */
static int
next_joined(VReader **r, int nin, unsigned long rec, float **v, size_t *cap, size_t *n)
{
	int e0, e, i;

	if ((e0 = vreader_next(r[0])) < 0)
		return -1;
	*n = 0;
	if (e0 > 0)
		*n = append(v, cap, 0, r[0]->val, r[0]->n);
	for (i = 1; i < nin; i++) {
		if ((e = vreader_next(r[i])) < 0)
			return -1;
		if (e0 == 0 && e > 0)
			return ends_early(r[0], r[i], rec);
		if (e0 > 0 && e == 0)
			return ends_early(r[i], r[0], rec);
		if (e > 0 && strcmp(r[i]->key, r[0]->key))
			return vreader_error(r[i], "key '%s' does not match '%s' in %s", r[i]->key,
			    r[0]->key, r[0]->name);
		if (e > 0)
			*n = append(v, cap, *n, r[i]->val, r[i]->n);
	}
	return e0;
}

int
main(int argc, char **argv)
{
	VReader **r;
	VWriter *w;
	float *v = NULL;
	size_t n, cap = 0;
	int binary, nin, i, e, rc = 0, nstdin = 0;
	unsigned long rec;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	binary = util_bt_options(argc, argv, SYNOPSIS);
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
	for (rec = 0; (e = next_joined(r, nin, rec, &v, &cap, &n)) > 0; rec++)
		if (vwriter_write(w, r[0]->key, v, n))
			exit(1);
	rc = e < 0;
	if (del_vwriter(w))
		exit(1);
done:
	for (i = 0; i < nin; i++)
		del_vreader(r[i]);
	free(r);
	free(v);
	return rc;
}
