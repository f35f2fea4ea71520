/* load.c — dbload(1)'s loaders (see load.h). */
#include "store/load.h"
#include "store/batch.h"
#include "store/clusterruns.h"
#include "store/prefetch.h"
#include "core/key.h"
#include "core/util.h"
#include "core/vreader.h"
#include "fetch/fetch.h"
#include "fetch/playlist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bad playlist entry: with an error log (-e), reported, logged and skipped
 * (0); without one, an error (-1). */
static int
import_bad_entry(Playlist *p, const LoadOpt *o, unsigned long *nbad)
{
	weprintf("%s", playlist_error(p));
	if (!o->errlog)
		return -1;
	(*nbad)++;
	if (fetch_log(o->errlog, "", "input", playlist_error(p))) {
		weprintf("%s: write error:", o->errpath);
		return -1;
	}
	return 0;
}

int
load_import(Db *db, const char *path, LoadOpt *o)
{
	FILE *fp = util_open_in(path, "a song list");
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	Playlist *p;
	Batch b;
	Song s;
	unsigned long n = 0, nbad = 0;
	int e, rc = 0;

	if (!fp) {
		weprintf("%s:", path);
		return 1;
	}
	p = new_playlist(fp, name);
	if (batch_begin(&b, db, name, o->batch)) {
		rc = 1;
		goto out;
	}
	while ((e = playlist_next(p, &s)) != 0) {
		if (e == -1 && import_bad_entry(p, o, &nbad) == 0)
			continue;
		if (e == -2)
			weprintf("%s", playlist_error(p));
		if (e < 0 || db_put_playlist(db, &s) || batch_record(&b, ++n)) {
			rc = batch_abort(&b);
			goto out;
		}
	}
	if (batch_commit(&b))
		rc = batch_abort(&b);
	else if (nbad)
		weprintf("%s: %lu songs imported, %lu entries rejected (see %s)", name, n, nbad,
		    o->errpath);
out:
	del_playlist(p);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* the song id of a record key (malloc'd with -p, else the key itself); NULL after a
 * message when it is not a valid id or was loaded already by this run (keys
 * derived from file names collide: a/track6.ogg, b/track6.ogg) */
char *
load_song_id(VReader *r, const char *key, unsigned long recno, unsigned long lineno,
    LoadOpt *o, char **own)
{
	char *id = o->pathkeys ? (*own = key_from_path(key)) : (char *)key, buf[200];
	unsigned long first, tag = (unsigned long)o->ninput << 32 | recno;
	const char *why;

	if ((why = key_id_problem(id))) {
		vreader_error_at(r, recno, lineno, "%s: '%s'", why,
		    key_show(buf, sizeof buf, id, strlen(id)));
		return NULL;
	}
	if (o->seen && (first = keyset_add(o->seen, id, tag))) {
		key_show(buf, sizeof buf, id, strlen(id));
		if (first >> 32 == o->ninput)
			vreader_error_at(r, recno, lineno, "song '%s' repeated (first as record %lu): "
			    "two songs with one key?", buf, first & 0xffffffffUL);
		else
			vreader_error_at(r, recno, lineno, "song '%s' repeated (first in an earlier "
			    "input, record %lu): two songs with one key?", buf, first & 0xffffffffUL);
		return NULL;
	}
	return id;
}

/* songs: a stream of song vectors, not audio records or empty vectors, whose
 * export can always be read back.  0, or -1 after a message. */
static int
songs_stream(VReader *r)
{
	if (r->rate > 0 || (r->dimknown && r->dim == 0)) {
		weprintf("%s: %s, not song vectors", r->name, r->rate > 0 ? "audio records" :
		    "records of varying length");
		return -1;
	}
	return 0;
}

/* a song vector: at least one value, NaN allowed (stored as JSON null),
 * infinities not.  0, or -1 after a message. */
static int
song_values(VReader *r, const PRec *s)
{
	size_t j;

	if (s->n == 0)
		return vreader_error_at(r, s->recno, s->lineno, "empty vector");
	for (j = 0; j < s->n; j++)
		if (isinf(s->val[j]))
			return vreader_error_at(r, s->recno, s->lineno, "value %zu is infinite (song "
			    "vectors hold finite values or NaN)", j + 1);
	return 0;
}

/* songs: the stream is parsed and formatted as JSON in a second thread */
int
load_songs(Db *db, const char *path, LoadOpt *o)
{
	VReader *r;
	Prefetch *pf = NULL;
	PRec *s;
	Batch b;
	char *id, *own = NULL;
	size_t dim;
	int e = 0, rc = 0;

	if (!(r = new_vreader(path)))
		return 1;
	o->ninput++;
	if (batch_begin(&b, db, r->name, o->batch)) {
		del_vreader(r);
		return 1;
	}
	if (songs_stream(r) || (r->ncols && db_put_columns(db, r->ncols, r->cols)))
		goto fail;
	pf = new_prefetch(r);
	while ((e = prefetch_next(pf, &s)) > 0) {
		if (song_values(r, s) || !(id = load_song_id(r, s->key, s->recno, s->lineno, o, &own)))
			goto fail;
		e = db_put_song(db, id, s->val, s->n, s->json, s->jlen, &dim);
		if (e == 1)
			vreader_error_at(r, s->recno, s->lineno,
			    "%zu values, but the database holds %zu-d vectors", s->n, dim);
		free(own);
		own = NULL;
		if (e || batch_record(&b, s->recno))
			goto fail;
	}
	if (e < 0 || batch_commit(&b))
		goto fail;
	del_prefetch(pf);
	del_vreader(r);
	return 0;
fail:
	free(own);
	rc = batch_abort(&b);
	del_prefetch(pf);
	del_vreader(r);
	return rc;
}

/* one clustering record of song id into song_clusters and, with cr, the run; with
 * o->newonly a song the run has already is left alone and counted in *kept.  0, or
 * -1 after a message naming the record. */
static int
put_cluster(Db *db, ClusterRuns *cr, VReader *r, const char *id, LoadOpt *o,
    unsigned long *kept)
{
	const char *why;
	int e;

	if (cr && o->newonly && (e = clusterruns_has(cr, id, o->algorithm)))
		return e < 0 ? -1 : (++*kept, 0);
	e = db_put_cluster(db, id, o->algorithm, r->val, r->n, &why);
	if (e == 1)
		vreader_error(r, "song '%s' is not in the songs table", id);
	else if (e == 2)
		vreader_error(r, "%s", why);
	if (!e && cr && clusterruns_put(cr, id, o->algorithm))
		return -1;
	return e ? -1 : 0;
}

int
load_clusters(Db *db, const char *path, LoadOpt *o)
{
	VReader *r;
	Batch b;
	ClusterRuns *cr = NULL;
	char *id, *own = NULL;
	unsigned long kept = 0, n = 0;
	int e;

	if (!(r = new_vreader(path)))
		return 1;
	o->ninput++;
	if ((o->run && !(cr = new_clusterruns(db, o->run, o->k, o->newonly))) ||
	    batch_begin(&b, db, r->name, o->batch)) {
		del_clusterruns(cr);
		del_vreader(r);
		return 1;
	}
	while ((e = vreader_next(r)) > 0) {
		if (!(id = load_song_id(r, r->key, r->recno, r->lineno, o, &own)))
			goto fail;
		e = put_cluster(db, cr, r, id, o, &kept);
		n++;
		free(own);
		own = NULL;
		if (e || batch_record(&b, r->recno))
			goto fail;
	}
	if (e < 0 || batch_commit(&b))
		goto fail;
	if (o->newonly)
		weprintf("%s: run %s: %lu songs placed, %lu already in the run left as they were",
		    r->name, o->run, n - kept, kept);
	del_clusterruns(cr);
	del_vreader(r);
	return 0;
fail:
	free(own);
	e = batch_abort(&b);
	del_clusterruns(cr);
	del_vreader(r);
	return e;
}
