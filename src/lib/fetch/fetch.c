/* fetch.c — yt-dlp download, ffprobe duration check, ffmpeg conversion. */
#include "fetch/fetch.h"
#include "core/json.h"
#include "fetch/spawn.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct Fetch {
	FetchOpts o;
	char *tmpdir;   /* DIR/.ytfetch.PID, private to this process */
	char *path, *part, *media, *target, *msg;
	char *outtmpl, *pathfile, *pathfile_t;
};

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *
xprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = emalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void
setstr(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* '%' doubled: yt-dlp expands output templates */
static char *
tmpl_escape(const char *s)
{
	char *r = ecalloc(strlen(s) + 1, 2), *d = r; /* every byte may double */

	for (; *s; s++) {
		if (*s == '%')
			*d++ = '%';
		*d++ = *s;
	}
	*d = 0;
	return r;
}

static void
clear_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *p;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = xprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
}

/* temporary directories of ytfetch processes that were killed */
static void
clear_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *p, *end;
	long pid;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, ".ytfetch.", 9))
			continue;
		pid = strtol(e->d_name + 9, &end, 10);
		if (*end || pid <= 0 || !(kill((pid_t)pid, 0) && errno == ESRCH))
			continue;
		p = xprintf("%s/%s", dir, e->d_name);
		clear_dir(p);
		rmdir(p);
		free(p);
	}
	closedir(d);
}

Fetch *
new_fetch(const FetchOpts *o)
{
	Fetch *f = ecalloc(1, sizeof *f);
	char *esc;

	clear_stale(o->dir);
	f->o = *o;
	f->tmpdir = xprintf("%s/.ytfetch.%ld", o->dir, (long)getpid());
	clear_dir(f->tmpdir);
	rmdir(f->tmpdir);
	if (mkdir(f->tmpdir, 0700)) {
		weprintf("%s:", f->tmpdir);
		free(f->tmpdir);
		free(f);
		return NULL;
	}
	esc = tmpl_escape(f->tmpdir);
	f->outtmpl = xprintf("%s/media.%%(ext)s", esc);
	f->pathfile_t = xprintf("%s/path.txt", esc);
	f->pathfile = xprintf("%s/path.txt", f->tmpdir);
	free(esc);
	return f;
}

void
del_fetch(Fetch *f)
{
	if (!f)
		return;
	clear_dir(f->tmpdir);
	rmdir(f->tmpdir);
	free(f->tmpdir);
	free(f->path);
	free(f->part);
	free(f->media);
	free(f->target);
	free(f->msg);
	free(f->outtmpl);
	free(f->pathfile);
	free(f->pathfile_t);
	free(f);
}

const char *
fetch_path(Fetch *f, const Song *s)
{
	setstr(&f->path, xprintf("%s/%s.%s", f->o.dir, s->id, f->o.format));
	return f->path;
}

/* the search query: {song}, {artist}, {id} replaced; with out NULL only its length */
static size_t
expand_into(char *out, const char *t, const Song *s)
{
	size_t n = 0, vl;
	const char *v;

	while (*t) {
		v = NULL;
		if (!strncmp(t, "{song}", 6))
			v = s->name, t += 6;
		else if (!strncmp(t, "{artist}", 8))
			v = s->artist, t += 8;
		else if (!strncmp(t, "{id}", 4))
			v = s->id, t += 4;
		if (v) {
			vl = strlen(v);
			if (out)
				memcpy(out + n, v, vl);
			n += vl;
		} else {
			if (out)
				out[n] = *t;
			n++, t++;
		}
	}
	if (out)
		out[n] = 0;
	return n;
}

static char *
expand(const char *t, const Song *s)
{
	char *r = emalloc(expand_into(NULL, t, s) + 1);

	expand_into(r, t, s);
	return r;
}

/* the last line of a child's stderr that says something, "ERROR: " dropped */
static char *
last_line(const char *text, const char *fallback)
{
	const char *best = NULL, *p, *nl;
	size_t n = 0, bn = 0;

	for (p = text; *p; p = nl ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n && strncmp(p, "WARNING:", 8)) {
			best = p;
			bn = n;
		}
		if (!strncmp(p, "ERROR:", 6)) { /* the error wins over later chatter */
			best = p;
			bn = n;
			break;
		}
		if (!nl)
			break;
	}
	if (!best)
		return estrdup(fallback);
	if (!strncmp(best, "ERROR: ", 7))
		best += 7, bn -= 7;
	if ((p = strstr(best, "; please report this issue")) && (size_t)(p - best) < bn)
		bn = p - best; /* yt-dlp's boilerplate */
	if (!strncmp(best, "file:", 5) && (p = strstr(best, ": ")) && (size_t)(p - best) < bn) {
		bn -= p + 2 - best; /* ffmpeg names our temporary file: drop it */
		best = p + 2;
	}
	if (bn > 400)
		bn = 400;
	while (bn && (best[bn - 1] == '\r' || best[bn - 1] == ' '))
		bn--;
	return xprintf("%.*s", (int)bn, best);
}

static int
transient(const char *m)
{
	static const char *const pat[] = { "HTTP Error 5", "HTTP Error 429", "timed out",
		"Temporary failure", "reset by peer", "Connection refused", "Network is unreachable",
		"Remote end closed", "IncompleteRead", "EOF occurred", "handshake", "urlopen error",
		"Name or service not known", "No route to host", NULL };
	int i;

	for (i = 0; pat[i]; i++)
		if (strstr(m, pat[i]))
			return 1;
	return 0;
}

/* run a child; on failure set f->msg and return -1 */
static int
run(Fetch *f, char *const argv[], SpawnResult *r)
{
	if (spawn_run(argv, f->o.timeout, r)) {
		setstr(&f->msg, xprintf("cannot run %s: %s", argv[0], strerror(errno)));
		return -1;
	}
	if (r->timedout) {
		setstr(&f->msg, xprintf("%s timed out after %g s", argv[0], f->o.timeout));
		return -1;
	}
	if (r->status) {
		setstr(&f->msg, last_line(r->err, "failed"));
		if (!strcmp(f->msg, "failed"))
			setstr(&f->msg, xprintf("%s exited with status %d", argv[0], r->status));
		return -1;
	}
	return 0;
}

/* duration in seconds from ffprobe, NAN if unknown */
static double
probe(Fetch *f, const char *file)
{
	SpawnResult r;
	char *in = xprintf("file:%s", file), *end;
	char *argv[] = { (char *)f->o.ffprobe, "-v", "error", "-protocol_whitelist", "file,pipe",
		"-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", in,
		NULL };
	double d = NAN;

	if (!run(f, argv, &r)) {
		d = strtod(r.out, &end);
		if (end == r.out || !isfinite(d))
			d = NAN;
	}
	del_spawn(&r);
	free(in);
	return d;
}

/* the file yt-dlp reports last in the path file (after_move:filepath) into
 * f->media; 0, or -1 with f->msg set */
static int
read_media_path(Fetch *f, FILE *fp)
{
	size_t cap = 0;
	ssize_t n;
	char *line = NULL, *nl;

	free(f->media);
	f->media = NULL;
	while ((n = getline(&line, &cap, fp)) > 0) /* the last line names the file */
		if (n > 1) {
			if ((nl = strchr(line, '\n')))
				*nl = 0;
			setstr(&f->media, estrdup(line));
		}
	free(line);
	if (!f->media) {
		setstr(&f->msg, estrdup("yt-dlp reported no file"));
		return -1;
	}
	return 0;
}

static int
download(Fetch *f, const Song *s, const char **stage)
{
	SpawnResult r;
	char filt[64];
	int a, e;
	FILE *fp;
	double wait = f->o.backoff;
	char *argv[] = { (char *)f->o.ytdlp, "--ignore-config", "--no-update", "--no-playlist",
		"--no-cache-dir", "--no-progress", "--no-mtime", "--socket-timeout", "30",
		"--match-filter", filt, "-f", "bestaudio/best", "-o", f->outtmpl,
		"--print-to-file", "after_move:filepath", f->pathfile_t, "--", f->target, NULL };

	snprintf(filt, sizeof filt, "duration <=? %g", f->o.maxdur);
	for (a = 0;; a++) {
		clear_dir(f->tmpdir);
		e = run(f, argv, &r);
		if (!e || !(r.timedout || transient(f->msg)) || a >= f->o.retries)
			break;
		del_spawn(&r);
		usleep((useconds_t)(wait * 1e6));
		wait *= 2;
	}
	*stage = "download";
	if (e) {
		if (a)
			setstr(&f->msg, xprintf("%s (after %d retries)", f->msg, a));
		del_spawn(&r);
		return -1;
	}
	if (!(fp = fopen(f->pathfile, "r"))) {
		if (strstr(r.out, "does not pass filter") || strstr(r.err, "does not pass filter")) {
			*stage = "duration";
			setstr(&f->msg, xprintf("longer than %g s", f->o.maxdur));
		} else {
			*stage = s->url ? "download" : "search";
			setstr(&f->msg, estrdup(s->url ? "nothing downloaded" : "no search result"));
		}
		del_spawn(&r);
		return -1;
	}
	del_spawn(&r);
	e = read_media_path(f, fp);
	fclose(fp);
	return e;
}

/* ffmpeg: f->media to f->part at the requested rate and channels; with an unknown
 * duration (dur NaN) at most the limit.  0, or -1 with f->msg set. */
static int
convert(Fetch *f, double dur)
{
	SpawnResult r;
	char ch[16], rate[16], lim[32];
	char *in = xprintf("file:%s", f->media), *out = xprintf("file:%s", f->part);
	char *argv[] = { (char *)f->o.ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error",
		"-protocol_whitelist", "file,pipe", "-y", "-i", in, "-vn", "-sn", "-dn",
		"-map_metadata", "-1", "-ac", ch, "-ar", rate, "-t", lim, out, NULL };
	int rc;

	snprintf(ch, sizeof ch, "%d", f->o.channels);
	snprintf(rate, sizeof rate, "%d", f->o.rate);
	snprintf(lim, sizeof lim, "%g", f->o.maxdur + 1);
	if (!isnan(dur)) { /* known length: no -t */
		argv[19] = out;
		argv[20] = NULL;
	}
	rc = run(f, argv, &r);
	del_spawn(&r);
	free(in);
	free(out);
	return rc;
}

/* f->part, complete, to its final name; 0, or -1 with f->msg set */
static int
publish(Fetch *f)
{
	int fd;

	if ((fd = open(f->part, O_RDONLY)) < 0 || fsync(fd)) {
		setstr(&f->msg, xprintf("%s: %s", f->part, strerror(errno)));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (rename(f->part, f->path)) {
		setstr(&f->msg, xprintf("rename to %s: %s", f->path, strerror(errno)));
		return -1;
	}
	return 0;
}

int
fetch_do(Fetch *f, const Song *s, const char **stage, const char **msg)
{
	double dur;
	int rc = -1;

	fetch_path(f, s);
	*stage = "search";
	*msg = "";
	/* converted inside the private directory: a killed run leaves nothing in DIR */
	setstr(&f->part, xprintf("%s/out.%s", f->tmpdir, f->o.format));
	setstr(&f->target, fetch_target(&f->o, s));
	if (strlen(f->target) > FETCH_MAXQUERY) {
		setstr(&f->msg, xprintf("the query is %zu bytes long, more than %d (a song name "
		    "or artist of that length is not a title)", strlen(f->target), FETCH_MAXQUERY));
		goto out;
	}
	if (download(f, s, stage))
		goto out;
	*stage = "duration";
	dur = probe(f, f->media);
	if (!isnan(dur) && dur > f->o.maxdur) {
		setstr(&f->msg, xprintf("%.1f s long, the limit is %g s", dur, f->o.maxdur));
		goto out;
	}
	*stage = "convert";
	if (convert(f, dur))
		goto out;
	if (isnan(dur)) {
		*stage = "duration";
		dur = probe(f, f->part);
		if (isnan(dur)) {
			setstr(&f->msg, estrdup("cannot tell the duration"));
			goto out;
		}
		if (dur > f->o.maxdur) {
			setstr(&f->msg, xprintf("longer than %g s", f->o.maxdur));
			goto out;
		}
	}
	*stage = "io";
	rc = publish(f);
out:
	if (rc && f->part)
		unlink(f->part);
	clear_dir(f->tmpdir);
	*msg = f->msg ? f->msg : "";
	return rc;
}

int
fetch_log(FILE *fp, const char *song, const char *stage, const char *msg)
{
	char t[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(fp, "{\"time\":\"%s\",\"song\":", t);
	json_string(fp, song);
	fputs(",\"stage\":", fp);
	json_string(fp, stage);
	fputs(",\"message\":", fp);
	json_string(fp, msg);
	fputs("}\n", fp);
	return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}

char *
fetch_target(const FetchOpts *o, const Song *s)
{
	return s->url ? estrdup(s->url) : expand(o->query, s);
}
