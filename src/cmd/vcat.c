/* vcat — concatenate songvec streams and convert between TSV and binary. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] = "[-bt] [file ...]";

int
main(int argc, char **argv)
{
	VReader *r;
	VWriter *w;
	int i, nin, rc = 0, e, first = 1;
	char **in;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	w = new_vwriter(stdout, "<stdout>", util_bt_options(argc, argv, SYNOPSIS));
	in = util_operands(argc, argv, &nin);
	for (i = 0; i < nin; i++) {
		if (!(r = new_vreader(in[i]))) {
			rc = 1;
			continue;
		}
		if (first) {
			if (vwriter_header(w, r->dim, r->rate, r->ncols, r->cols))
				exit(1);
			first = 0;
		} else if (r->dim != w->dim) {
			weprintf("%s: dimension %u differs from the first input's %u", r->name, r->dim, w->dim);
			del_vreader(r);
			rc = 1;
			continue;
		}
		while ((e = vreader_next(r)) > 0)
			if (vwriter_write(w, r->key, r->val, r->n))
				exit(1);
		if (e < 0)
			rc = 1;
		del_vreader(r);
	}
	if (del_vwriter(w))
		exit(1);
	return rc;
}
