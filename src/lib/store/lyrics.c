/* lyrics.c — the lyrics table: normalised lyrics in, text lines out (see lyrics.h). */
#include "store/lyrics.h"
#include "store/batch.h"
#include "store/dbint.h"
#include "core/key.h"
#include "core/util.h"
#include "text/lyrics.h"
#include "text/textline.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* one load: the statement, the normaliser, the counts */
typedef struct Load {
	Db *db;
	sqlite3_stmt *put;
	Lyrics *norm;
	Batch b;
	unsigned long n, empty;
	char *firstempty;
} Load;

/* store the normalised text of song id (or count it as empty); -1 after a message */
static int
put(Load *L, const char *id, const char *source)
{
	size_t len;
	const char *text = lyrics_text(L->norm, &len);

	if (!len) {
		if (!L->empty++)
			L->firstempty = estrdup(source);
		return 0;
	}
	if (sqlite3_bind_text(L->put, 1, id, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(L->put, 2, source, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(L->put, 3, text, (int)len, SQLITE_TRANSIENT))
		return db_fail(L->db, "lyrics");
	if (db_step_done(L->db, L->put, "lyrics"))
		return -1;
	return batch_record(&L->b, ++L->n);
}

/* the lines of one lyrics file into the normaliser; -1 after a message */
static int
read_file(Load *L, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, total = 0;
	unsigned long lineno = 0;
	ssize_t n;
	const char *why;
	int rc = 0;

	if (!fp) {
		weprintf("%s:", path);
		return -1;
	}
	lyrics_reset(L->norm);
	while (!rc && (n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if ((total += (size_t)n) > LYRICS_MAXBYTES)
			rc = -1, weprintf("%s: longer than %u bytes: not lyrics", path, LYRICS_MAXBYTES);
		else if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (!rc && *(why = textline_problem(line, (size_t)n)))
			rc = -1, weprintf("%s:%lu: %s", path, lineno, why);
		if (!rc)
			lyrics_line(L->norm, line, (size_t)n);
	}
	if (!rc && ferror(fp))
		rc = -1, weprintf("%s: read error:", path);
	free(line);
	fclose(fp);
	return rc;
}

/* a song id from a file name (malloc'd); NULL after a message */
static char *
file_id(const char *path)
{
	char *id = key_from_path(path);
	const char *why = key_id_problem(id);

	if (why) {
		weprintf("%s: %s: '%s'", path, why, id);
		free(id);
		return NULL;
	}
	return id;
}

static int
one_file(Load *L, const char *path)
{
	char *id = file_id(path);
	int rc = !id || read_file(L, path) || put(L, id, path) ? -1 : 0;

	free(id);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_txt(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".txt") && name[0] != '.';
}

/* every *.txt of a directory, in name order; -1 after a message */
static int
directory(Load *L, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, *p;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d) {
		weprintf("%s:", dir);
		return -1;
	}
	while ((e = readdir(d)))
		if (is_txt(e->d_name)) {
			if (n == cap)
				names = ereallocarray(names, cap = cap ? 2 * cap : 64, sizeof *names);
			names[n++] = estrdup(e->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		p = emalloc(strlen(dir) + strlen(names[i]) + 2);
		sprintf(p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (!rc)
			rc = one_file(L, p);
		free(p);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* key<TAB>text lines: each text split at its newlines into the normaliser */
static int
text_lines(Load *L, const char *path)
{
	TextLine *r = new_textline(path);
	const char *why, *p, *nl;
	char *src;
	int e;

	if (!r)
		return -1;
	while ((e = textline_next(r)) > 0) {
		if ((why = key_id_problem(r->key))) {
			e = textline_error(r, "%s: '%s'", why, r->key);
			break;
		}
		lyrics_reset(L->norm);
		for (p = r->text; p < r->text + r->len; p = nl + 1) {
			if (!(nl = memchr(p, '\n', (size_t)(r->text + r->len - p))))
				nl = r->text + r->len;
			lyrics_line(L->norm, p, (size_t)(nl - p));
		}
		src = emalloc(strlen(r->name) + 24);
		sprintf(src, "%s:%lu", r->name, r->lineno);
		e = put(L, r->key, src) ? -1 : 1;
		free(src);
		if (e < 0)
			break;
	}
	del_textline(r);
	return e < 0 ? -1 : 0;
}

int
load_lyrics(Db *db, const char *path, LoadOpt *o)
{
	Load L = { .db = db };
	struct stat st;
	int rc, isdir = strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode);

	if (!(L.put = db_prepare(db, "INSERT INTO lyrics(song_id, source, text) VALUES(?, ?, ?) "
	    "ON CONFLICT(song_id) DO UPDATE SET source = excluded.source, text = excluded.text")))
		return 1;
	L.norm = new_lyrics(LYRICS_WORDS);
	if (batch_begin(&L.b, db, path, o->batch)) {
		rc = 1;
		goto out;
	}
	if (isdir)
		rc = directory(&L, path);
	else if (strcmp(path, "-") && strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".txt"))
		rc = one_file(&L, path);
	else
		rc = text_lines(&L, path);
	rc = rc || batch_commit(&L.b) ? batch_abort(&L.b) : 0;
	if (!rc && L.empty)
		weprintf("%s: %lu song%s with no words after normalisation, not stored (%s%s)", path,
		    L.empty, L.empty == 1 ? "" : "s", L.firstempty, L.empty > 1 ? ", ..." : "");
out:
	free(L.firstempty);
	del_lyrics(L.norm);
	sqlite3_finalize(L.put);
	return rc;
}

int
lyrics_export(Db *db, FILE *out, const char *outname)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT s.song_id, l.text FROM songs s "
	    "LEFT JOIN lyrics l ON l.song_id = s.song_id ORDER BY s.song_id");
	const char *text;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(st, 1);
		textline_put(out, (const char *)sqlite3_column_text(st, 0), text,
		    text ? (size_t)sqlite3_column_bytes(st, 1) : 0);
		if (ferror(out))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, "text");
	return fshut(out, outname);
}
