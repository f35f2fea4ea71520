/* dbload — load song lists, song vectors and clusters into the songvec SQLite
 * database, list what is left to do, export vectors back as a stream. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/key.h"
#include "core/util.h"
#include "core/vwriter.h"
#include "store/clusterruns.h"
#include "store/db.h"
#include "store/embeddings.h"
#include "store/export.h"
#include "store/load.h"
#include "store/labels.h"
#include "store/lyrics.h"
#include "store/projections.h"
#include "store/neighbors.h"

static const char SYNOPSIS[] =
    "[-bNp] [-a algorithm] [-d db] [-e errlog] [-f format] [-k k] [-m model] [-n batch] "
    "[-r run] [-w seconds] command [file ...]";

static int
out_init(Db *db, int binary)
{
	return 0;
}

static int
out_todo(Db *db, int binary)
{
	return db_todo(db, stdout, "<stdout>") ? 1 : 0;
}

/* format: an EXPORT_* format (store/export.h) */
static int
out_export(Db *db, int format, int artists)
{
	VWriter *w;
	int rc;

	if (format >= EXPORT_CSV)
		return export_table(db, artists, format, stdout, "<stdout>") ? 1 : 0;
	w = new_vwriter(stdout, "<stdout>", format == EXPORT_BINARY);
	rc = db_export(db, artists, w) ? 1 : 0;

	if (del_vwriter(w))
		exit(1);
	return rc;
}

static LoadOpt opt = { .algorithm = "kmeans", .model = "musicnn", .dataset = "msd" };

static int
out_embeddings(Db *db, int binary)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	int rc = db_export_embeddings(db, opt.model, opt.dataset, w) ? 1 : 0;

	if (del_vwriter(w))
		exit(1);
	return rc;
}

static int
out_songs(Db *db, int format)
{
	return out_export(db, format, 0);
}

static int
out_artists(Db *db, int format)
{
	return out_export(db, format, 1);
}

static int
out_text(Db *db, int binary)
{
	return lyrics_export(db, stdout, "<stdout>") ? 1 : 0;
}

/* A command loads its inputs (load) or takes none and writes to stdout (out). */
typedef struct Command {
	const char *name;
	int (*load)(Db *db, const char *path, LoadOpt *o);
	int (*out)(Db *db, int binary);
} Command;

static const Command commands[] = {
	{ "init", NULL, out_init },
	{ "import", load_import, NULL },
	{ "songs", load_songs, NULL },
	{ "clusters", load_clusters, NULL },
	{ "labels", load_labels, NULL },
	{ "projections", load_projections, NULL },
	{ "neighbors", load_neighbors, NULL },
	{ "artist-neighbors", load_artist_neighbors, NULL },
	{ "todo", NULL, out_todo },
	{ "export", NULL, out_songs },
	{ "artists", NULL, out_artists },
	{ "embeddings", load_embeddings, NULL },
	{ "export-embeddings", NULL, out_embeddings },
	{ "lyrics", load_lyrics, NULL },
	{ "text", NULL, out_text },
};

#define NELEM(a) (sizeof (a) / sizeof *(a))

static const Command *
find_command(const char *cmd)
{
	size_t i;

	for (i = 0; i < NELEM(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return &commands[i];
	fflush(stdout);
	fprintf(stderr, "%s: unknown command '%s' (", argv0, cmd);
	for (i = 0; i < NELEM(commands); i++)
		fprintf(stderr, "%s%s", i ? ", " : "", commands[i].name);
	fprintf(stderr, ")\n");
	util_usage(SYNOPSIS);
}

static int
valid_algorithm(const char *a)
{
	return !strcmp(a, "kmeans") || !strcmp(a, "gmm") || !strcmp(a, "hierarchical") ||
	    !strcmp(a, "dbscan");
}

/* -m into o: for embeddings model[:dataset], for projections the method (checked
 * by method_arg once the command is known); a bad value is a usage error (exits 2) */
static void
model_arg(LoadOpt *o, char *arg)
{
	char *colon;

	o->method = estrdup(arg);
	o->model = arg;
	if ((colon = strchr(arg, ':'))) {
		*colon = 0;
		o->dataset = colon + 1;
	}
	if (!*o->model || !*o->dataset) {
		weprintf("-m: invalid value (expected model or model:dataset)");
		util_usage(SYNOPSIS);
	}
}

/* projections: -m names a method (projections_bad_method), else exit 2 */
static void
method_arg(const Command *cm, const LoadOpt *o)
{
	const char *why;

	if (cm->load == load_projections && o->method && (why = projections_bad_method(o->method))) {
		weprintf("-m: invalid method '%s' (%s)", o->method, why);
		exit(2);
	}
}

/* -f for a command: only export and artists take csv and jsonl (exit 2 else);
 * -b is -f binary.  Returns the EXPORT_* format. */
static int
format_arg(const Command *cm, const char *f, int binary)
{
	int format = f ? export_format(f) : binary ? EXPORT_BINARY : EXPORT_TSV;

	if (format < 0) {
		weprintf("-f: invalid value '%s' (expected tsv, binary, csv or jsonl)", f);
		util_usage(SYNOPSIS);
	}
	if (f && binary && format != EXPORT_BINARY) {
		weprintf("-b and -f %s: choose one format", f);
		util_usage(SYNOPSIS);
	}
	if (format >= EXPORT_CSV && cm->out != out_songs && cm->out != out_artists) {
		weprintf("-f %s: only for export and artists", f);
		util_usage(SYNOPSIS);
	}
	return format;
}

/* -r, -k, -N: a valid run name, the others only with it, for clusters only; else
 * exit 2 */
static void
run_args(const Command *cm, const LoadOpt *o, int kset)
{
	const char *why;

	if (!o->run && (kset || o->newonly)) {
		weprintf("-k and -N name the k and the mode of a run: they need -r run");
		util_usage(SYNOPSIS);
	}
	if (o->run && cm->load != load_clusters) {
		weprintf("-r: runs are for the clusters command");
		util_usage(SYNOPSIS);
	}
	if (o->run && (why = clusterruns_bad_run(o->run))) {
		weprintf("-r: invalid run name '%s' (%s)", o->run, why);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	LoadOpt o = opt;
	const Command *cm;
	const char *dbpath = "songvec.db", *cmd, *format = NULL;
	char **in;
	int c, i, nin, rc = 0, binary = 0, kset = 0;
	long wait = 600;
	Db *db;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "a:bd:e:f:k:m:Nn:pr:w:")) != -1) {
		switch (c) {
		case 'a':
			if (!valid_algorithm(o.algorithm = optarg)) {
				weprintf("-a: unknown algorithm '%s' (kmeans, gmm, hierarchical, dbscan)", optarg);
				exit(2);
			}
			break;
		case 'b': binary = 1; break;
		case 'd': dbpath = optarg; break;
		case 'e': o.errpath = optarg; break;
		case 'f': format = optarg; break;
		case 'k': o.k = estrtol(optarg, 1, 1L << 24, 'k'); kset = 1; break;
		case 'm': model_arg(&o, optarg); break;
		case 'N': o.newonly = 1; break;
		case 'n': o.batch = estrtol(optarg, 0, 1000000000, 'n'); break;
		case 'p': o.pathkeys = 1; break;
		case 'r': o.run = optarg; break;
		case 'w': wait = estrtol(optarg, 0, 86400, 'w'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	opt = o;
	if (optind >= argc)
		util_usage(SYNOPSIS);
	cmd = argv[optind++];
	cm = find_command(cmd);
	method_arg(cm, &o);
	run_args(cm, &o, kset);
	binary = format_arg(cm, format, binary);
	if (cm->out && argc > optind) {
		weprintf("%s: takes no file arguments", cmd);
		util_usage(SYNOPSIS);
	}
	in = util_operands(argc, argv, &nin);
	if (o.errpath && !(o.errlog = fopen(o.errpath, "a")))
		eprintf("%s:", o.errpath);
	if (!(db = new_db(dbpath, (int)(wait * 1000))))
		return 1;
	o.seen = new_keyset();
	if (cm->out)
		rc = cm->out(db, binary);
	for (i = 0; cm->load && i < nin && !rc; i++)
		rc = cm->load(db, in[i], &o);
	del_db(db);
	del_keyset(o.seen);
	free((char *)o.method);
	if (o.errlog && fclose(o.errlog))
		eprintf("%s: write error:", o.errpath);
	return rc;
}
