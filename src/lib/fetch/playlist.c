/* playlist.c — song lists: TSV, RFC 4180 CSV with a header row, URL lists. */
#include "fetch/playlist.h"
#include "core/key.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { FMT_UNKNOWN, FMT_URL, FMT_TSV, FMT_CSV };
enum { C_ID, C_NAME, C_ARTIST, C_ARTISTID, C_URL, NCOLS };

struct Playlist {
	FILE *fp;
	char *name;
	int fmt;
	unsigned long lineno;  /* lines consumed so far */
	char *pb;              /* replayed before fp (the sniffed first line) */
	size_t pblen, pbpos;
	char *err;
	/* current entry */
	char *f[NCOLS];
	/* text lines / CSV fields */
	char *buf;
	size_t len, cap;
	char **fields;
	size_t nf, fcap;
	size_t *foff;
	int col[NCOLS];        /* CSV: column index per role, -1 if absent */
	int anyurl;            /* playlist_any_url() */
	KeySet *ids;           /* song ids so far, tagged with their line */
	KeySet *rows;          /* whole entries so far (exact repetitions are skipped) */
};

/* header names accepted in CSV exports, by role (compared case-insensitively) */
static const char *const colnames[NCOLS][12] = {
	[C_ID] = { "track uri", "track id", "track_id", "spotify id", "spotify_id", "song_id",
	    "song id", "id", "uri", NULL },
	[C_NAME] = { "track name", "track_name", "song name", "song_name", "name", "title",
	    "track", NULL },
	[C_ARTIST] = { "artist name(s)", "artist names", "artist name", "artist_name",
	    "artist(s)", "artists", "artist", NULL },
	[C_ARTISTID] = { "artist uri(s)", "artist uris", "artist uri", "artist id(s)",
	    "artist ids", "artist id", "artist_id", NULL },
	[C_URL] = { "url", "link", "youtube url", "youtube_url", NULL },
};

static void seterr(Playlist *p, unsigned long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
seterr(Playlist *p, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	free(p->err);
	p->err = emalloc(strlen(p->name) + strlen(msg) + 32);
	sprintf(p->err, "%s:%lu: %s", p->name, line, msg);
}

static int
pgetc(Playlist *p)
{
	int c;

	if (p->pbpos < p->pblen)
		c = (unsigned char)p->pb[p->pbpos++];
	else
		c = getc(p->fp);
	if (c == '\n')
		p->lineno++;
	return c;
}

static void
put(Playlist *p, int c)
{
	if (p->len + 1 >= p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->buf = erealloc(p->buf, p->cap);
	}
	p->buf[p->len++] = c;
	p->buf[p->len] = 0;
}

/* one text line into buf (no newline, no CR); 1 ok, 0 EOF, -2 error */
static int
getln(Playlist *p)
{
	int c;

	p->len = 0;
	put(p, 0);
	p->len = 0;
	while ((c = pgetc(p)) != EOF && c != '\n')
		put(p, c);
	if (c == EOF && ferror(p->fp)) {
		seterr(p, p->lineno + 1, "read error: %s", strerror(errno));
		return -2;
	}
	if (c == EOF && p->len == 0)
		return 0;
	if (p->len && p->buf[p->len - 1] == '\r')
		p->buf[--p->len] = 0;
	return 1;
}

static void
addfield(Playlist *p, size_t off)
{
	if (p->nf == p->fcap) {
		p->fcap = p->fcap ? 2 * p->fcap : 16;
		p->foff = ereallocarray(p->foff, p->fcap, sizeof *p->foff);
		p->fields = ereallocarray(p->fields, p->fcap, sizeof *p->fields);
	}
	p->foff[p->nf++] = off;
}

/* split buf at tabs into fields */
static void
split_tabs(Playlist *p)
{
	char *s;

	p->nf = 0;
	addfield(p, 0);
	for (s = p->buf; (s = strchr(s, '\t')); s++) {
		*s = 0;
		addfield(p, s + 1 - p->buf);
	}
	for (size_t i = 0; i < p->nf; i++)
		p->fields[i] = p->buf + p->foff[i];
}

/* one CSV record (RFC 4180) into fields; 1 ok, 0 EOF, -1 bad record, -2 error */
static int
csv_record(Playlist *p, unsigned long *start)
{
	int c, quoted;
	size_t i;

	p->len = 0;
	p->nf = 0;
	put(p, 0);
	p->len = 0;
	*start = p->lineno + 1;
	c = pgetc(p);
	if (c == EOF)
		return ferror(p->fp) ? (seterr(p, *start, "read error: %s", strerror(errno)), -2) : 0;
	for (;;) {
		addfield(p, p->len);
		quoted = 0;
		if (c == '"') {
			quoted = 1;
			for (;;) {
				c = pgetc(p);
				if (c == EOF) {
					seterr(p, *start, "unterminated quoted field %zu", p->nf);
					return -2;
				}
				if (c == '"') {
					c = pgetc(p);
					if (c != '"')
						break;
				}
				put(p, c);
			}
		}
		while (c != ',' && c != '\n' && c != EOF) {
			if (quoted && c != '\r') {
				seterr(p, *start, "field %zu: text after the closing quote", p->nf);
				while (c != '\n' && c != EOF)
					c = pgetc(p);
				return -1;
			}
			if (c != '\r')
				put(p, c);
			c = pgetc(p);
		}
		put(p, 0);
		if (c != ',')
			break;
		c = pgetc(p);
	}
	if (c == EOF && ferror(p->fp)) {
		seterr(p, *start, "read error: %s", strerror(errno));
		return -2;
	}
	for (i = 0; i < p->nf; i++)
		p->fields[i] = p->buf + p->foff[i];
	return 1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;
	return s;
}

/* song id from a URL: YouTube v=, else the last path component minus extension */
static char *
url_id(const char *url)
{
	const char *q, *v, *end, *b;
	char *id, *d;
	size_t n;

	q = strpbrk(url, "?#");
	if (q && *q == '?') {
		for (v = q + 1; v && *v; v = strchr(v, '&') ? strchr(v, '&') + 1 : NULL) {
			if (!strncmp(v, "v=", 2)) {
				b = v + 2;
				end = b + strcspn(b, "&#");
				goto have;
			}
		}
	}
	end = q ? q : url + strlen(url);
	while (end > url && end[-1] == '/')
		end--;
	for (b = end; b > url && b[-1] != '/'; b--)
		;
	for (q = end; q > b; q--)
		if (*(q - 1) == '.') {
			end = q - 1;
			break;
		}
have:
	n = end - b;
	id = emalloc(n + 1);
	for (d = id; b < end; b++)
		*d++ = (isalnum((unsigned char)*b) || *b == '-' || *b == '_' || *b == '.') ? *b : '_';
	*d = 0;
	for (d = id; *d == '.'; d++)
		;
	memmove(id, d, strlen(d) + 1);
	return id;
}

/* an id given as a Spotify URI, URL or plain text */
static char *
clean_id(const char *s)
{
	const char *c;

	if (strstr(s, "://"))
		return url_id(s);
	if ((c = strrchr(s, ':')) && c[1])
		return estrdup(c + 1);
	return estrdup(s);
}

static void
setf(Playlist *p, int role, const char *v)
{
	free(p->f[role]);
	p->f[role] = v ? estrdup(v) : NULL;
}

static int
is_http(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

/* "scheme:..." as RFC 3986 spells a scheme */
static int
has_scheme(const char *s)
{
	const char *c = s;

	if (!isalpha((unsigned char)*c))
		return 0;
	while (isalnum((unsigned char)*c) || *c == '+' || *c == '-' || *c == '.')
		c++;
	return *c == ':' && c - s > 1; /* "C:\..." is a Windows path, not a scheme */
}

/* The one rule for the URL of an entry (URL lists and CSV columns alike): http(s)
 * only unless playlist_any_url(); never a control character or a space (a URL is
 * one argument, yt-dlp's).  NULL, or why not. */
static const char *
url_problem(const Playlist *p, const char *u)
{
	const unsigned char *s;

	for (s = (const unsigned char *)u; *s; s++)
		if (*s <= 0x20 || *s == 0x7f)
			return "URL contains a space or a control character";
	if (is_http(u))
		return NULL;
	if (p->anyurl && has_scheme(u))
		return NULL;
	return p->anyurl ? "not a URL (scheme:...)"
	    : "not an http(s) URL (ytfetch -U accepts other schemes)";
}

static int
is_url(const Playlist *p, const char *s)
{
	return is_http(s) || (p->anyurl && has_scheme(s) && strstr(s, "://"));
}

static void
csv_header(Playlist *p)
{
	size_t i;
	int r, k;
	char *h;

	for (r = 0; r < NCOLS; r++)
		p->col[r] = -1;
	for (i = 0; i < p->nf; i++) {
		h = trim(p->fields[i]);
		for (r = 0; r < NCOLS; r++)
			for (k = 0; colnames[r][k]; k++)
				if (p->col[r] < 0 && !strcasecmp(h, colnames[r][k]))
					p->col[r] = (int)i;
	}
}

/* first non-empty line: decide the format */
static int
sniff(Playlist *p)
{
	int e;
	unsigned long start;

	for (;;) {
		if ((e = getln(p)) <= 0)
			return e;
		if (p->lineno == 1 && !strncmp(p->buf, "\xef\xbb\xbf", 3)) /* UTF-8 BOM */
			memmove(p->buf, p->buf + 3, p->len - 2), p->len -= 3;
		if (p->len && p->buf[0] != '#')
			break;
	}
	if (is_url(p, p->buf))
		p->fmt = FMT_URL;
	else if (strchr(p->buf, '\t'))
		p->fmt = FMT_TSV;
	else if (strchr(p->buf, ',')) {
		p->fmt = FMT_CSV;
		/* the header may have quoted fields: replay the line through the CSV parser */
		p->pb = emalloc(p->len + 2);
		memcpy(p->pb, p->buf, p->len);
		p->pb[p->len] = '\n';
		p->pblen = p->len + 1;
		p->pbpos = 0;
		p->lineno--;
		e = csv_record(p, &start);
		if (e < 0)
			return e;
		csv_header(p);
		if (p->col[C_ID] < 0 && p->col[C_URL] < 0) {
			seterr(p, start, "CSV header has no song id column (e.g. \"Track URI\", "
			    "\"Track ID\", \"song_id\") and no \"URL\" column");
			return -2;
		}
		return 2; /* nothing pending */
	} else {
		seterr(p, p->lineno, "not a song list: expected song_id<TAB>name<TAB>artist, "
		    "a CSV with a header row, or URLs");
		return -2;
	}
	/* replay the sniffed line as a data line */
	p->pb = emalloc(p->len + 2);
	memcpy(p->pb, p->buf, p->len);
	p->pb[p->len] = '\n';
	p->pblen = p->len + 1;
	p->pbpos = 0;
	p->lineno--;
	return 1;
}

Playlist *
new_playlist(FILE *fp, const char *name)
{
	Playlist *p = ecalloc(1, sizeof *p);

	p->fp = fp;
	p->name = estrdup(name);
	p->ids = new_keyset();
	p->rows = new_keyset();
	return p;
}

void
playlist_any_url(Playlist *p)
{
	p->anyurl = 1;
}

static const char *const rolename[NCOLS] = { "song id", "song name", "artist", "artist id",
	"URL" };

/* Fill in the defaults, check the entry and hand it out: 1, 0 for an exact
 * repetition of an earlier entry (to skip), -1 bad entry (message set). */
static int
finish(Playlist *p, Song *s, unsigned long line)
{
	const char *why;
	char buf[200], *row;
	unsigned long first;
	int r;

	if (!p->f[C_ARTIST])
		setf(p, C_ARTIST, "");
	if (!p->f[C_NAME])
		setf(p, C_NAME, "");
	if (!p->f[C_ARTISTID] || !*p->f[C_ARTISTID])
		setf(p, C_ARTISTID, p->f[C_ARTIST]);
	for (r = 0; r < NCOLS; r++)
		if (p->f[r] && !key_utf8_valid(p->f[r], strlen(p->f[r]))) {
			seterr(p, line, "%s is not valid UTF-8 (is the list in another encoding? "
			    "iconv -f WINDOWS-1252 -t UTF-8 converts one)", rolename[r]);
			return -1;
		}
	if ((why = key_id_problem(p->f[C_ID]))) {
		seterr(p, line, "%s: '%s'", why, key_show(buf, sizeof buf, p->f[C_ID],
		    strlen(p->f[C_ID])));
		return -1;
	}
	if (p->f[C_URL] && (why = url_problem(p, p->f[C_URL]))) {
		seterr(p, line, "%s: '%s'", why, key_show(buf, sizeof buf, p->f[C_URL],
		    strlen(p->f[C_URL])));
		return -1;
	}
	row = emalloc(strlen(p->f[C_ID]) + strlen(p->f[C_NAME]) + strlen(p->f[C_ARTIST]) +
	    strlen(p->f[C_ARTISTID]) + (p->f[C_URL] ? strlen(p->f[C_URL]) : 0) + 5);
	sprintf(row, "%s\037%s\037%s\037%s\037%s", p->f[C_ID], p->f[C_NAME], p->f[C_ARTIST],
	    p->f[C_ARTISTID], p->f[C_URL] ? p->f[C_URL] : "");
	first = keyset_add(p->rows, row, line);
	free(row);
	if (first) /* the same song listed twice: once is enough */
		return 0;
	if ((first = keyset_add(p->ids, p->f[C_ID], line))) {
		seterr(p, line, "song id '%s' repeated with other details (first at line %lu)",
		    key_show(buf, sizeof buf, p->f[C_ID], strlen(p->f[C_ID])), first);
		return -1;
	}
	s->id = p->f[C_ID];
	s->name = p->f[C_NAME];
	s->artist = p->f[C_ARTIST];
	s->artist_id = p->f[C_ARTISTID];
	s->url = p->f[C_URL];
	s->line = line;
	return 1;
}

/* the roles of a CSV record; 1, 0 at the end, -1/-2 as playlist_next */
static int
next_csv(Playlist *p, unsigned long *start)
{
	int e, r;
	char *v;

	do {
		if ((e = csv_record(p, start)) <= 0)
			return e;
	} while (p->nf == 1 && !*p->fields[0]);
	for (r = 0; r < NCOLS; r++)
		if (p->col[r] >= 0 && (size_t)p->col[r] < p->nf)
			setf(p, r, trim(p->fields[p->col[r]]));
	if (p->f[C_URL] && !*p->f[C_URL])
		setf(p, C_URL, NULL);
	if (p->f[C_ID] && *p->f[C_ID])
		v = clean_id(p->f[C_ID]);
	else
		v = p->f[C_URL] ? url_id(p->f[C_URL]) : estrdup("");
	setf(p, C_ID, v);
	free(v);
	if (p->f[C_ARTISTID] && *p->f[C_ARTISTID]) { /* first of "a,b" */
		p->f[C_ARTISTID][strcspn(p->f[C_ARTISTID], ",")] = 0;
		v = clean_id(trim(p->f[C_ARTISTID]));
		setf(p, C_ARTISTID, v);
		free(v);
	}
	return 1;
}

/* a line of a URL list: URL[<TAB>song_id]; 1, or -1 (message set) */
static int
url_line(Playlist *p, unsigned long start)
{
	char *v, buf[200];

	if (!is_url(p, p->fields[0])) {
		seterr(p, start, "not a URL: '%s'", key_show(buf, sizeof buf, p->fields[0],
		    strlen(p->fields[0])));
		return -1;
	}
	setf(p, C_URL, p->fields[0]);
	if (p->nf > 1 && *p->fields[1]) {
		setf(p, C_ID, p->fields[1]);
		return 1;
	}
	v = url_id(p->fields[0]);
	setf(p, C_ID, v);
	free(v);
	if (!*p->f[C_ID]) {
		seterr(p, start, "cannot derive a song id from '%s' (write URL<TAB>song_id)",
		    key_show(buf, sizeof buf, p->fields[0], strlen(p->fields[0])));
		return -1;
	}
	return 1;
}

/* the roles of a TSV or URL-list line; 1, 0 at the end, -1/-2 as playlist_next */
static int
next_text(Playlist *p, unsigned long *start)
{
	int e;

	do {
		if ((e = getln(p)) <= 0)
			return e;
	} while (!p->len || p->buf[0] == '#');
	*start = p->lineno;
	split_tabs(p);
	if (p->fmt == FMT_URL)
		return url_line(p, *start);
	if (p->nf < 3 || p->nf > 4) {
		seterr(p, *start, "expected 3 or 4 tab-separated fields (song_id, song name, artist"
		    "[, artist_id]), got %zu", p->nf);
		return -1;
	}
	setf(p, C_ID, p->fields[0]);
	setf(p, C_NAME, p->fields[1]);
	setf(p, C_ARTIST, p->fields[2]);
	if (p->nf == 4)
		setf(p, C_ARTISTID, p->fields[3]);
	return 1;
}

int
playlist_next(Playlist *p, Song *s)
{
	int e, r;
	unsigned long start;

	if (p->fmt == FMT_UNKNOWN && (e = sniff(p)) <= 0)
		return e == 0 ? 0 : -2;
	do {
		for (r = 0; r < NCOLS; r++)
			setf(p, r, NULL);
		e = p->fmt == FMT_CSV ? next_csv(p, &start) : next_text(p, &start);
		if (e <= 0)
			return e;
	} while ((e = finish(p, s, start)) == 0);
	return e;
}

const char *
playlist_error(const Playlist *p)
{
	return p->err ? p->err : "";
}

const char *
playlist_format(const Playlist *p)
{
	static const char *const n[] = { "unknown", "url", "tsv", "csv" };

	return n[p->fmt];
}

void
del_playlist(Playlist *p)
{
	int r;

	if (!p)
		return;
	for (r = 0; r < NCOLS; r++)
		free(p->f[r]);
	free(p->name);
	free(p->pb);
	free(p->err);
	free(p->buf);
	free(p->fields);
	free(p->foff);
	del_keyset(p->ids);
	del_keyset(p->rows);
	free(p);
}
