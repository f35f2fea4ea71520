/* weight — clean, min-max scale (or standardise) and weight the columns of a vector
 * stream (clustering preprocessing, songvec DESIGN §3).  The real work is in
 * src/lib/ml/scaler.c (arithmetic, model file) and src/lib/ml/groups.c (group weights). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/groups.h"
#include "core/matrix.h"
#include "ml/scaler.h"
#include "core/dtable.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] =
    "[-bcz] [-a model | -m model] [-G file | -G none] [-g groups] [-r lo:hi] [file]";

static void
parse_range(const char *s, double *lo, double *hi)
{
	char *end;
	const char *colon = strchr(s, ':');

	if (!colon)
		goto bad;
	*lo = strtod(s, &end);
	if (end != colon || end == s)
		goto bad;
	*hi = strtod(colon + 1, &end);
	if (*end || end == colon + 1 || !(*lo < *hi) || !(*hi - *lo < 1e300) || !(*lo > -1e300))
		goto bad;
	return;
bad:
	weprintf("-r: invalid range '%s' (expected LO:HI with LO < HI)", s);
	exit(2);
}

/* apply a saved scaler record by record */
static int
apply(const char *model, const char *in, int binary, int clip)
{
	Scaler s;
	VReader *r;
	VWriter *w;
	ScalerCount cnt;
	int e;

	if (scaler_load(&s, model))
		return 1;
	if (!(r = new_vreader(in))) {
		del_scaler(&s);
		return 1;
	}
	if (r->dimknown && r->dim != s.d) {
		weprintf("%s: dimension %u does not match the model's %zu (%s)", r->name, r->dim, s.d, model);
		del_vreader(r);
		del_scaler(&s);
		return 1;
	}
	if (dtable_match_cols(model, s.cols, r->name, r->ncols ? r->cols : NULL, s.d)) {
		del_vreader(r);
		del_scaler(&s);
		return 1;
	}
	w = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(w, s.d, 0, r->ncols ? r->ncols : (s.cols ? s.d : 0), r->ncols ? r->cols : s.cols))
		exit(1);
	scaler_count_init(&cnt, s.d);
	while ((e = vreader_next(r)) > 0) {
		scaler_do(&s, r->val, clip, &cnt);
		if (vwriter_write(w, r->key, r->val, r->n))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
	scaler_count_report(&cnt, s.d, r->name);
	del_vreader(r);
	del_scaler(&s);
	return e < 0;
}

/* The groups: the -g lists' syntax first (a usage error: exit 2), then -G FILE
 * ("none": no default groups) and the -g lists after it.  0, or 1 after a message
 * (the file). */
static int
build_groups(Groups *gs, char **gspec, int ng, const char *gfile)
{
	int i;

	for (i = 0; i < ng; i++)
		if (groups_parse(gs, gspec[i], "-g"))
			exit(2);
	del_groups(gs);
	if (gfile && strcmp(gfile, "none") && groups_file(gs, gfile)) {
		del_groups(gs);
		return 1;
	}
	for (i = 0; i < ng; i++) /* -g after -G */
		groups_parse(gs, gspec[i], "-g");
	return 0;
}

/* the scaled records of m on stdout; exits 1 on a write error */
static void
write_scaled(const Scaler *s, Matrix *m, int clip, int binary)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	ScalerCount cnt;
	size_t i;

	if (vwriter_header(w, m->d, 0, m->cols ? m->d : 0, m->cols))
		exit(1);
	scaler_count_init(&cnt, m->d);
	for (i = 0; i < m->n; i++) {
		scaler_do(s, m->x + i * m->d, clip, &cnt);
		if (vwriter_write(w, matrix_key(m, i), m->x + i * m->d, m->d))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
	scaler_count_report(&cnt, m->d, m->name);
}

/* fit the scaler on in (groups gs, output range lo..hi, or standardised); the
 * model to model_out; 0, or 1 after a message */
static int
fit(const char *in, Groups *gs, int gdefault, double lo, double hi, int clip,
    int standard, const char *model_out, int binary)
{
	FILE *mfp = model_out ? efopen_out(model_out) : NULL;
	Matrix m;
	Scaler s;
	int rc = 0;

	if (matrix_load_nonempty(in, &m, "empty input: nothing to fit")) {
		rc = 1;
		goto out;
	}
	scaler_init(&s, m.d, lo, hi, m.cols);
	if (gdefault && !gs->n && m.d == GROUPS_SEED_DIM)
		groups_default(gs);
	if (groups_resolve(gs, m.d, m.cols, s.weight, m.name)) {
		rc = 1;
		goto out2;
	}
	if (standard)
		scaler_fit_standard(&s, &m);
	else
		scaler_fit(&s, &m);
	if (mfp) {
		scaler_save(&s, mfp);
		if (fshut(mfp, model_out)) {
			rc = 1;
			goto out2;
		}
	}
	write_scaled(&s, &m, clip, binary);
out2:
	del_scaler(&s);
out:
	if (mfp && fclose_out(mfp, model_out, rc))
		rc = 1;
	del_matrix(&m);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *model_in = NULL, *model_out = NULL, *gfile = NULL, *in = "-";
	double lo = 1, hi = 10;
	int c, binary = 0, clip = 0, fitopt = 0, rc, ng = 0, standard = 0, range = 0;
	char **gspec = ecalloc(argc, sizeof(char *));
	Groups gs = { 0, NULL };

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "a:bcG:g:m:r:z")) != -1) {
		switch (c) {
		case 'a': model_in = optarg; break;
		case 'b': binary = 1; break;
		case 'c': clip = 1; break;
		case 'G': gfile = optarg; fitopt = 1; break;
		case 'g': gspec[ng++] = optarg; fitopt = 1; break;
		case 'm': model_out = optarg; fitopt = 1; break;
		case 'r': parse_range(optarg, &lo, &hi); fitopt = range = 1; break;
		case 'z': standard = 1; fitopt = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (optind < argc)
		in = argv[optind];
	if (standard && (range || clip)) {
		weprintf("-z standardises: -r and -c belong to min-max scaling");
		util_usage(SYNOPSIS);
	}
	if (model_in) {
		free(gspec);
		if (fitopt) {
			weprintf("-a applies a saved model: -G, -g, -m, -r and -z belong to fitting");
			util_usage(SYNOPSIS);
		}
		return apply(model_in, in, binary, clip);
	}
	rc = build_groups(&gs, gspec, ng, gfile);
	free(gspec);
	if (!rc)
		rc = fit(in, &gs, !gfile, lo, hi, clip, standard, model_out, binary);
	del_groups(&gs);
	return rc;
}
