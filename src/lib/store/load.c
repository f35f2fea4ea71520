/* load.c — dbload(1)'s loaders (see load.h). */
#include "store/load.h"
#include "store/batch.h"
#include "store/prefetch.h"
#include "core/key.h"
#include "core/util.h"
#include "core/vreader.h"
#include "fetch/playlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
load_import(Db *db, const char *path, const LoadOpt *o)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	Playlist *p;
	Batch b;
	Song s;
	unsigned long n = 0;
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
		if (e < 0)
			weprintf("%s", playlist_error(p));
		if (e < 0 || db_put_playlist(db, &s) || batch_record(&b, ++n)) {
			rc = batch_abort(&b);
			goto out;
		}
	}
	if (batch_commit(&b))
		rc = batch_abort(&b);
out:
	del_playlist(p);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

char *
load_song_id(VReader *r, const char *key, unsigned long recno, unsigned long lineno,
    const LoadOpt *o, char **own)
{
	char *id = o->pathkeys ? (*own = key_from_path(key)) : (char *)key;
	const char *why;

	if ((why = song_id_problem(id))) {
		vreader_error_at(r, recno, lineno, "%s: '%s'", why, id);
		return NULL;
	}
	return id;
}

/* songs: the stream is parsed and formatted as JSON in a second thread */
int
load_songs(Db *db, const char *path, const LoadOpt *o)
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
	if (batch_begin(&b, db, r->name, o->batch)) {
		del_vreader(r);
		return 1;
	}
	if (r->ncols && db_put_columns(db, r->ncols, r->cols))
		goto fail;
	pf = new_prefetch(r);
	while ((e = prefetch_next(pf, &s)) > 0) {
		if (!(id = load_song_id(r, s->key, s->recno, s->lineno, o, &own)))
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

int
load_clusters(Db *db, const char *path, const LoadOpt *o)
{
	VReader *r;
	Batch b;
	char *id, *own = NULL;
	const char *why;
	int e;

	if (!(r = new_vreader(path)))
		return 1;
	if (batch_begin(&b, db, r->name, o->batch)) {
		del_vreader(r);
		return 1;
	}
	while ((e = vreader_next(r)) > 0) {
		if (!(id = load_song_id(r, r->key, r->recno, r->lineno, o, &own)))
			goto fail;
		e = db_put_cluster(db, id, o->algorithm, r->val, r->n, &why);
		if (e == 1)
			vreader_error(r, "song '%s' is not in the songs table", id);
		else if (e == 2)
			vreader_error(r, "%s", why);
		free(own);
		own = NULL;
		if (e || batch_record(&b, r->recno))
			goto fail;
	}
	if (e < 0 || batch_commit(&b))
		goto fail;
	del_vreader(r);
	return 0;
fail:
	free(own);
	e = batch_abort(&b);
	del_vreader(r);
	return e;
}
