/* dbload — load song lists, song vectors and clusters into the songvec SQLite
 * database, list what is left to do, export vectors back as a stream. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "core/vwriter.h"
#include "store/db.h"
#include "store/load.h"
#include "store/neighbors.h"

static const char SYNOPSIS[] =
    "[-bp] [-a algorithm] [-d db] [-n batch] [-w seconds] command [file ...]";

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

static int
out_export(Db *db, int binary, int artists)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	int rc = db_export(db, artists, w) ? 1 : 0;

	if (del_vwriter(w))
		exit(1);
	return rc;
}

static int
out_songs(Db *db, int binary)
{
	return out_export(db, binary, 0);
}

static int
out_artists(Db *db, int binary)
{
	return out_export(db, binary, 1);
}

/* A command loads its inputs (load) or takes none and writes to stdout (out). */
typedef struct Command {
	const char *name;
	int (*load)(Db *db, const char *path, const LoadOpt *o);
	int (*out)(Db *db, int binary);
} Command;

static const Command commands[] = {
	{ "init", NULL, out_init },
	{ "import", load_import, NULL },
	{ "songs", load_songs, NULL },
	{ "clusters", load_clusters, NULL },
	{ "neighbors", load_neighbors, NULL },
	{ "artist-neighbors", load_artist_neighbors, NULL },
	{ "todo", NULL, out_todo },
	{ "export", NULL, out_songs },
	{ "artists", NULL, out_artists },
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

int
main(int argc, char **argv)
{
	LoadOpt o = { .algorithm = "kmeans" };
	const Command *cm;
	const char *dbpath = "songvec.db", *cmd;
	char **in;
	int c, i, nin, rc = 0, binary = 0;
	long wait = 600;
	Db *db;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "a:bd:n:pw:")) != -1) {
		switch (c) {
		case 'a':
			if (!valid_algorithm(o.algorithm = optarg)) {
				weprintf("-a: unknown algorithm '%s' (kmeans, gmm, hierarchical, dbscan)", optarg);
				exit(2);
			}
			break;
		case 'b': binary = 1; break;
		case 'd': dbpath = optarg; break;
		case 'n': o.batch = estrtol(optarg, 0, 1000000000, 'n'); break;
		case 'p': o.pathkeys = 1; break;
		case 'w': wait = estrtol(optarg, 0, 86400, 'w'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (optind >= argc)
		util_usage(SYNOPSIS);
	cmd = argv[optind++];
	cm = find_command(cmd);
	if (cm->out && argc > optind) {
		weprintf("%s: takes no file arguments", cmd);
		util_usage(SYNOPSIS);
	}
	in = util_operands(argc, argv, &nin);
	if (!(db = new_db(dbpath, (int)(wait * 1000))))
		return 1;
	if (cm->out)
		rc = cm->out(db, binary);
	for (i = 0; cm->load && i < nin && !rc; i++)
		rc = cm->load(db, in[i], &o);
	del_db(db);
	return rc;
}
