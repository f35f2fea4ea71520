/* vcat — concatenate songvec streams and convert between TSV and binary. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "core/vstream.h"

static const char SYNOPSIS[] = "[-bt] [file ...]";

int
main(int argc, char **argv)
{
	VReader *r;
	VWriter *w;
	int c, binary = 0, i, nin, rc = 0, e, first = 1;
	char *stdin_only[] = { "-" };
	char **in;

	sv_init(argc, argv);
	sv_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "bt")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 't': binary = 0; break;
		default: usage_exit(SYNOPSIS);
		}
	}
	nin = argc - optind;
	in = argv + optind;
	if (nin == 0) {
		nin = 1;
		in = stdin_only;
	}
	w = vw_open(stdout, "<stdout>", binary);
	for (i = 0; i < nin; i++) {
		if (!(r = vr_open(in[i]))) {
			rc = 1;
			continue;
		}
		if (first) {
			vw_header(w, r->dim, r->rate, r->ncols, r->cols);
			first = 0;
		} else if (r->dim != w->dim) {
			weprintf("%s: dimension %u differs from the first input's %u", r->name, r->dim, w->dim);
			vr_close(r);
			rc = 1;
			continue;
		}
		while ((e = vr_next(r)) > 0)
			vw_write(w, r->key, r->val, r->n);
		if (e < 0)
			rc = 1;
		vr_close(r);
	}
	vw_close(w);
	return rc;
}
