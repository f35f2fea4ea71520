/* unit test for src/lib/ml/groups.c: the [NAME=]COLUMNS*WEIGHT syntax (what is
 * refused), half-open ranges with open ends, single indices, name patterns, later
 * groups overriding earlier ones, the errors of groups_resolve, the default seed
 * groups.  Diagnostics go to stderr as usual.  "not ok N what" per failure; exit 1
 * on any. */
#include <stdlib.h>
#include <string.h>

#include "ml/groups.h"
#include "core/util.h"
#include "../unit.h"

/* the weights of spec over d columns named cols (NULL: none): 0, or -1 when the
 * spec or its resolution fails */
static int
weights(const char *spec, size_t d, char *const *cols, double *w)
{
	Groups gs = { 0, NULL };
	int rc = groups_parse(&gs, spec, "-g") || groups_resolve(&gs, d, cols, w, "test");

	del_groups(&gs);
	return rc ? -1 : 0;
}

static int
same(const double *w, const double *want, size_t d)
{
	size_t j;

	for (j = 0; j < d; j++)
		if (w[j] != want[j])
			return 0;
	return 1;
}

static void
syntax(void)
{
	static const char *const bad[] = {
		"3:5", "3:5*", "3:5*x", "3:5*-1", "3:5*inf", "3:5*nan", "=3:5*2", "a=*2", "*2",
		"3:5*2 x",
	};
	static const char *const good[] = {
		"3:5*2", " 3:5 * 2 ", "a=3:5*0", "a = mfcc_* * 1.5", "0*1e-3", "3:5*2,,1*3",
	};
	Groups gs = { 0, NULL };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		check(groups_parse(&gs, bad[i], "-g") < 0, "'%s' is refused", bad[i]);
		del_groups(&gs);
	}
	for (i = 0; i < sizeof good / sizeof *good; i++) {
		check(groups_parse(&gs, good[i], "-g") == 0, "'%s' parses", good[i]);
		del_groups(&gs);
	}
	groups_parse(&gs, "a = mfcc_* * 1.5,2:4*3", "-g");
	check(gs.n == 2 && !strcmp(gs.g[0].name, "a") && !strcmp(gs.g[0].sel, "mfcc_*") &&
	    gs.g[0].w == 1.5 && !strcmp(gs.g[1].name, "2:4") && gs.g[1].w == 3,
	    "names, selections (the last '*' splits) and weights");
	del_groups(&gs);
}

static void
resolve(void)
{
	char *cols[6] = { "rms", "mfcc_0", "mfcc_1", "zcr", "mfcc_2", "tempo" };
	double w[6];

	check(!weights("1:3*2", 6, NULL, w) && same(w, (double[]){ 1, 2, 2, 1, 1, 1 }, 6),
	    "LO:HI is half open");
	check(!weights(":2*3,4:*5", 6, NULL, w) && same(w, (double[]){ 3, 3, 1, 1, 5, 5 }, 6),
	    "open ends: the first column, one past the last");
	check(!weights("5*0", 6, NULL, w) && same(w, (double[]){ 1, 1, 1, 1, 1, 0 }, 6),
	    "a single index");
	check(!weights("mfcc_**0.5", 6, cols, w) && same(w, (double[]){ 1, 0.5, 0.5, 1, 0.5, 1 }, 6),
	    "a name pattern");
	check(!weights("0:6*2,mfcc_?*0.5,4*7", 6, cols, w) &&
	    same(w, (double[]){ 2, 0.5, 0.5, 2, 7, 2 }, 6), "later groups override earlier ones");
	check(weights("4:7*2", 6, NULL, w) < 0, "a range past the last column is an error");
	check(weights("3:3*2", 6, NULL, w) < 0, "an empty range is an error");
	check(weights("6*2", 6, NULL, w) < 0, "an index past the last column is an error");
	check(weights("mfcc_**2", 6, NULL, w) < 0, "a pattern without column names is an error");
	check(weights("chroma*2", 6, cols, w) < 0, "a pattern matching nothing is an error");
}

static void
seed_default(void)
{
	Groups gs = { 0, NULL };
	double w[GROUPS_SEED_DIM];
	size_t j;
	int ok;

	groups_default(&gs);
	ok = !groups_resolve(&gs, GROUPS_SEED_DIM, NULL, w, "test");
	for (j = 0; j < GROUPS_SEED_DIM; j++)
		ok &= w[j] == (j < 3 ? 1 : j < 11 ? 1.1 : j < 31 ? 0.85 : j < 83 ? 1.05 : j < 95 ? 1 : 1.2);
	check(ok, "the seed groups of DESIGN section 3");
	del_groups(&gs);
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	syntax();
	resolve();
	seed_default();
	return unit_done();
}
