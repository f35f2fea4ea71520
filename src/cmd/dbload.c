/* dbload — load song lists, song vectors and clusters into the songvec SQLite
 * database, list what is left to do, export vectors back as a stream. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "fetch/playlist.h"
#include "store/prefetch.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] =
    "[-bp] [-a algorithm] [-d db] [-n batch] [-w seconds] command [file ...]";

static int binary, pathkeys;
static long batch;
static const char *algorithm = "kmeans";

/* batch bookkeeping for the messages */
static unsigned long committed, inbatch, first_in_batch;

static int
begin(Db *db)
{
	inbatch = 0;
	return db_begin(db);
}

static int
record_done(Db *db, unsigned long recno)
{
	if (!inbatch++)
		first_in_batch = recno;
	if (batch > 0 && inbatch >= (unsigned long)batch) {
		if (db_commit(db))
			return -1;
		committed = recno;
		return begin(db);
	}
	return 0;
}

/* roll back the open batch and say what was kept */
static int
abort_batch(Db *db, const char *name)
{
	db_rollback(db);
	if (committed)
		weprintf("%s: batch rolled back (records %lu..); records 1..%lu are committed",
		    name, inbatch ? first_in_batch : committed + 1, committed);
	else
		weprintf("%s: rolled back, nothing written", name);
	return 1;
}

/* "dir/name.ext" -> "name" */
static const char *
path_key(const char *key, char *buf, size_t cap)
{
	const char *b = strrchr(key, '/'), *dot;
	size_t n;

	b = b ? b + 1 : key;
	dot = strrchr(b, '.');
	n = dot && dot > b ? (size_t)(dot - b) : strlen(b);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, b, n);
	buf[n] = 0;
	return buf;
}

static int
load_import(Db *db, const char *path)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	Playlist *p;
	Song s;
	unsigned long n = 0;
	int e, rc = 0;

	if (!fp) {
		weprintf("%s:", path);
		return 1;
	}
	p = new_playlist(fp, name);
	committed = 0;
	if (begin(db)) {
		rc = 1;
		goto out;
	}
	while ((e = playlist_next(p, &s)) != 0) {
		if (e < 0) {
			weprintf("%s", playlist_error(p));
			rc = abort_batch(db, name);
			goto out;
		}
		if (db_put_playlist(db, &s) || record_done(db, ++n)) {
			rc = abort_batch(db, name);
			goto out;
		}
	}
	if (db_commit(db))
		rc = abort_batch(db, name);
out:
	del_playlist(p);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* songs: the stream is parsed and formatted as JSON in a second thread */
static int
load_songs(Db *db, const char *path)
{
	VReader *r;
	Prefetch *pf;
	PRec *s;
	char kbuf[VS_MAXKEY + 1];
	const char *id, *why;
	size_t dim;
	int e, rc = 0;

	if (!(r = new_vreader(path)))
		return 1;
	committed = 0;
	if (begin(db)) {
		del_vreader(r);
		return 1;
	}
	if (r->ncols && db_put_columns(db, r->ncols, r->cols)) {
		rc = abort_batch(db, r->name);
		del_vreader(r);
		return rc;
	}
	pf = new_prefetch(r);
	while ((e = prefetch_next(pf, &s)) > 0) {
		id = pathkeys ? path_key(s->key, kbuf, sizeof kbuf) : s->key;
		if ((why = song_id_problem(id))) {
			vreader_error_at(r, s->recno, s->lineno, "%s: '%s'", why, id);
			goto fail;
		}
		e = db_put_song(db, id, s->val, s->n, s->json, s->jlen, &dim);
		if (e == 1) {
			vreader_error_at(r, s->recno, s->lineno, "%zu values, but the database holds %zu-d vectors",
			    s->n, dim);
			goto fail;
		}
		if (e < 0 || record_done(db, s->recno))
			goto fail;
	}
	if (e < 0 || db_commit(db))
		goto fail;
	del_prefetch(pf);
	del_vreader(r);
	return 0;
fail:
	rc = abort_batch(db, r->name);
	del_prefetch(pf);
	del_vreader(r);
	return rc;
}

static int
load_clusters(Db *db, const char *path)
{
	VReader *r;
	char kbuf[VS_MAXKEY + 1];
	const char *id, *why;
	int e, rc = 0;

	if (!(r = new_vreader(path)))
		return 1;
	committed = 0;
	if (begin(db)) {
		del_vreader(r);
		return 1;
	}
	while ((e = vreader_next(r)) > 0) {
		id = pathkeys ? path_key(r->key, kbuf, sizeof kbuf) : r->key;
		if ((why = song_id_problem(id))) {
			vreader_error(r, "%s: '%s'", why, id);
			goto fail;
		}
		e = db_put_cluster(db, id, algorithm, r->val, r->n, &why);
		if (e == 1) {
			vreader_error(r, "song '%s' is not in the songs table", id);
			goto fail;
		}
		if (e == 2) {
			vreader_error(r, "%s", why);
			goto fail;
		}
		if (e < 0 || record_done(db, r->recno))
			goto fail;
	}
	if (e < 0 || db_commit(db))
		goto fail;
	del_vreader(r);
	return rc;
fail:
	rc = abort_batch(db, r->name);
	del_vreader(r);
	return rc;
}

int
main(int argc, char **argv)
{
	Db *db;
	VWriter *w;
	const char *dbpath = "songvec.db", *cmd;
	char *stdin_only[] = { "-" };
	char **in;
	int c, i, nin, rc = 0;
	long wait = 600;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "a:bd:n:pw:")) != -1) {
		switch (c) {
		case 'a':
			algorithm = optarg;
			if (strcmp(optarg, "kmeans") && strcmp(optarg, "gmm") &&
			    strcmp(optarg, "hierarchical") && strcmp(optarg, "dbscan")) {
				weprintf("-a: unknown algorithm '%s' (kmeans, gmm, hierarchical, dbscan)", optarg);
				exit(2);
			}
			break;
		case 'b': binary = 1; break;
		case 'd': dbpath = optarg; break;
		case 'n': batch = estrtol(optarg, 0, 1000000000, 'n'); break;
		case 'p': pathkeys = 1; break;
		case 'w': wait = estrtol(optarg, 0, 86400, 'w'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (optind >= argc)
		util_usage(SYNOPSIS);
	cmd = argv[optind++];
	nin = argc - optind;
	in = argv + optind;
	if (nin == 0) {
		nin = 1;
		in = stdin_only;
	}
	if (strcmp(cmd, "init") && strcmp(cmd, "import") && strcmp(cmd, "songs") &&
	    strcmp(cmd, "clusters") && strcmp(cmd, "todo") && strcmp(cmd, "export") &&
	    strcmp(cmd, "artists")) {
		weprintf("unknown command '%s' (init, import, songs, clusters, todo, export, artists)", cmd);
		util_usage(SYNOPSIS);
	}
	if ((!strcmp(cmd, "init") || !strcmp(cmd, "todo") || !strcmp(cmd, "export") ||
	    !strcmp(cmd, "artists")) && argc > optind) {
		weprintf("%s: takes no file arguments", cmd);
		util_usage(SYNOPSIS);
	}
	if (!(db = new_db(dbpath, (int)(wait * 1000))))
		return 1;
	if (!strcmp(cmd, "todo")) {
		rc = db_todo(db, stdout, "<stdout>") ? 1 : 0;
	} else if (!strcmp(cmd, "export") || !strcmp(cmd, "artists")) {
		w = new_vwriter(stdout, "<stdout>", binary);
		if (db_export(db, !strcmp(cmd, "artists"), w))
			rc = 1;
		if (del_vwriter(w))
			exit(1);
	} else if (strcmp(cmd, "init")) {
		for (i = 0; i < nin && !rc; i++) {
			if (!strcmp(cmd, "import"))
				rc = load_import(db, in[i]);
			else if (!strcmp(cmd, "songs"))
				rc = load_songs(db, in[i]);
			else
				rc = load_clusters(db, in[i]);
		}
	}
	del_db(db);
	return rc;
}
