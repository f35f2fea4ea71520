/* dataset — index a folder of genre sub-folders, split it (stratified), extract
 * features for it through a cache. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/progress.h"
#include "core/util.h"
#include "data/cache.h"
#include "data/dataset.h"
#include "data/labels.h"
#include "data/split.h"

static const char SYNOPSIS[] =
    "[-bcHJq] [-C CACHEDIR] [-f FRACTION] [-j JOBS] [-n SET] [-s SEED] "
    "index|split|extract [dir|file] [-- command [arg ...]]";

typedef struct Opt {
	int decode_all, json, hash, jobs;
	double frac;
	uint64_t seed;
	const char *set, *cachedir;
} Opt;

static void
finish(FILE *fp)
{
	if (fshut(fp, "<stdout>"))
		exit(1);
}

/* index DIR */
static int
do_index(const char *dir, const Opt *o)
{
	char *cols[4] = { "path", (char *)o->set, "label", "duration" }, lab[32], dur[32];
	char *f[4], *root;
	Dataset ds;
	Labels l;
	size_t i;

	if (dataset_scan(dir, o->decode_all, &ds) < 0)
		return 1;
	root = realpath(dir, NULL);
	labels_init(&l, "<index>", o->set, root ? root : dir, cols, 4);
	free(root);
	for (i = 0; i < ds.n; i++) {
		snprintf(lab, sizeof lab, "%zu", ds.songs[i].genre);
		snprintf(dur, sizeof dur, "%.3f", ds.songs[i].duration);
		f[0] = ds.songs[i].path, f[1] = ds.genres[ds.songs[i].genre], f[2] = lab, f[3] = dur;
		labels_add(&l, f);
	}
	for (i = 0; i < ds.nskip; i++)
		weprintf("%s/%s: skipped: %s", dir, ds.skip_path[i], ds.skip_why[i]);
	if (o->json) {
		labels_write_json(stdout, &l, ds.skip_path, ds.skip_why, ds.nskip);
	} else {
		labels_write(stdout, &l);
		for (i = 0; i < ds.nskip; i++)
			printf("# skipped: %s: %s\n", ds.skip_path[i], ds.skip_why[i]);
	}
	finish(stdout);
	if (ds.nskip)
		weprintf("%s: %zu songs in %zu genres; %zu files skipped", dir, ds.n, ds.ngenres,
		    ds.nskip);
	del_labels(&l);
	del_dataset(&ds);
	return 0;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* the class index of every row (-1: no label); *k classes in *classes */
static int *
encode(const Labels *l, const char ***classes, size_t *k)
{
	int *y = ereallocarray(NULL, l->n, sizeof *y);
	const char *v, **hit;
	size_t i;

	*classes = labels_classes(l, k);
	for (i = 0; i < l->n; i++) {
		v = labels_field(l, i, l->ilabel);
		hit = *v ? bsearch(&v, *classes, *k, sizeof **classes, by_str) : NULL;
		y[i] = hit ? (int)(hit - *classes) : -1;
	}
	return y;
}

static int
split_error(int rc, const Labels *l, const char **classes, size_t k, size_t n, const Opt *o)
{
	switch (rc) {
	case SPLIT_SMALL_CLASS:
		weprintf("%s: %s '%s' has only 1 song: a stratified split needs at least 2 of each",
		    l->name, l->set, classes[k]);
		break;
	case SPLIT_TRAIN_SMALL:
	case SPLIT_VAL_SMALL:
		weprintf("%s: %zu songs, %zu %ss: -f %g leaves fewer %s songs than %ss",
		    l->name, n, k, l->set, o->frac, rc == SPLIT_VAL_SMALL ? "validation" : "training",
		    l->set);
		break;
	default:
		weprintf("%s: %zu songs: -f %g leaves no %s song", l->name, n, o->frac,
		    o->frac < 0.5 ? "validation" : "training");
	}
	return 1;
}

/* split [file]: a split column (train / val) added to the table */
static int
do_split(const char *in, const Opt *o)
{
	const char **classes;
	Labels l;
	size_t k, i, m = 0, bad = 0;
	int *y, *yy, rc;
	unsigned char *val;
	char **col;

	if (labels_load(in, &l) < 0)
		return 1;
	y = encode(&l, &classes, &k);
	yy = ereallocarray(NULL, l.n, sizeof *yy);
	for (i = 0; i < l.n; i++)
		if (y[i] >= 0)
			yy[m++] = y[i];
	val = ecalloc(m ? m : 1, 1);
	rc = split_stratified(yy, m, k, o->frac, o->seed, val, &bad);
	if (rc != SPLIT_OK) {
		split_error(rc, &l, classes, rc == SPLIT_SMALL_CLASS ? bad : k, m, o);
	} else {
		col = ereallocarray(NULL, l.n, sizeof *col);
		for (m = i = 0; i < l.n; i++)
			col[i] = y[i] < 0 ? "" : val[m++] ? "val" : "train";
		labels_set_column(&l, "split", col);
		free(col);
		if (o->json)
			labels_write_json(stdout, &l, NULL, NULL, 0);
		else
			labels_write(stdout, &l);
		finish(stdout);
	}
	free(y), free(yy), free(val), free(classes);
	del_labels(&l);
	return rc == SPLIT_OK ? 0 : 1;
}

/* extract [file] -- command ...: the records of every song, through the cache */
static int
do_extract(const char *in, char *const *cmd, int ncmd, const Opt *o, int binary)
{
	CacheOpt co = { .hash_content = o->hash, .jobs = o->jobs };
	char *dir = o->cachedir ? estrdup(o->cachedir) : cache_default_dir();
	CacheStats st;
	VWriter *w;
	Labels l;
	int rc;

	co.dir = dir;
	if (labels_load(in, &l) < 0) {
		free(dir);
		return 1;
	}
	w = new_vwriter(stdout, "<stdout>", binary);
	rc = cache_extract(&l, NULL, cmd, ncmd, &co, w, &st);
	if (del_vwriter(w))
		rc = -1;
	if (rc >= 0)
		weprintf("%s: %lu songs: %lu from the cache (%s), %lu computed, %lu failed", l.name,
		    (unsigned long)l.n, st.hits, dir, st.computed, st.failed);
	del_labels(&l);
	free(dir);
	return rc ? 1 : 0;
}

int
main(int argc, char **argv)
{
	Opt o = { .frac = 0.2, .set = "genre", .jobs = 1 };
	char **cmd = NULL;
	int c, i, ncmd = 0, quiet = 0, binary = 0;
	const char *verb, *in;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	for (i = 1; i < argc; i++) /* the command after "--" is not ours to parse */
		if (!strcmp(argv[i], "--")) {
			cmd = argv + i + 1;
			ncmd = argc - i - 1;
			argv[i] = NULL;
			argc = i;
			break;
		}
	while ((c = getopt(argc, argv, "bcC:f:Hj:Jn:qs:")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 'c': o.decode_all = 1; break;
		case 'C': o.cachedir = optarg; break;
		case 'f': o.frac = estrtod(optarg, 1e-9, 1 - 1e-9, 'f'); break;
		case 'H': o.hash = 1; break;
		case 'j': o.jobs = (int)estrtol(optarg, 1, 256, 'j'); break;
		case 'J': o.json = 1; break;
		case 'n': o.set = optarg; break;
		case 'q': quiet = 1; break;
		case 's': o.seed = (uint64_t)estrtol(optarg, 0, LONG_MAX, 's'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	progress_quiet(quiet);
	if (optind >= argc || argc - optind > 2 || !*o.set || strpbrk(o.set, " \t\n\r"))
		util_usage(SYNOPSIS);
	verb = argv[optind];
	in = optind + 1 < argc ? argv[optind + 1] : "-";
	if (!strcmp(verb, "index") && optind + 1 < argc && !cmd)
		return do_index(in, &o);
	if (!strcmp(verb, "split") && !cmd)
		return do_split(in, &o);
	if (!strcmp(verb, "extract") && cmd && ncmd > 0)
		return do_extract(in, cmd, ncmd, &o, binary);
	util_usage(SYNOPSIS);
}
