/* ytfetch — download the audio of a song list (searches or URLs) with yt-dlp and
 * convert it with ffmpeg: one file per song id, resumable, failures logged. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch/fetch.h"
#include "fetch/playlist.h"
#include "fetch/spawn.h"
#include "fetch/subs.h"
#include "core/util.h"

static const char SYNOPSIS[] =
    "[-Uv] [-c channels] [-d dir] [-e errlog] [-f format] [-L dir] [-m seconds] [-q query] "
    "[-R rate] [-r retries] [-T timeout] [file]";

typedef struct Entry {
	Song s;
	int bad;        /* input problem */
	char *why;
} Entry;

/* what main keeps besides the fetch options */
typedef struct Run {
	const char *in, *errpath;
	char *defpath;  /* DIR/ytfetch-errors.jsonl */
	FILE *errlog;
	int verbose, tty, anyurl;
	size_t n, ok, failed, present;
	double t0;
	const FetchOpts *o;
	SubsOpts so;    /* -L: captions as lyrics (so.dir NULL: none) */
	size_t nlyr;    /* songs with a lyrics file */
} Run;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
dupor(const char *s)
{
	return s ? estrdup(s) : NULL;
}

/* the whole list (for the total and the ETA); exits on a read error */
static Entry *
read_list(const char *path, int anyurl, size_t *n)
{
	FILE *fp = util_open_in(path, "a song list");
	Playlist *p;
	Entry *v = NULL;
	size_t cap = 0;
	Song s;
	int e;

	if (!fp)
		eprintf("%s:", path);
	p = new_playlist(fp, strcmp(path, "-") ? path : "<stdin>");
	if (anyurl)
		playlist_any_url(p);
	*n = 0;
	while ((e = playlist_next(p, &s)) != 0) {
		if (e == -2)
			eprintf("%s", playlist_error(p));
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			v = ereallocarray(v, cap, sizeof *v);
		}
		memset(&v[*n], 0, sizeof *v);
		if (e < 0) {
			v[*n].bad = 1;
			v[*n].why = estrdup(playlist_error(p));
			v[*n].s.id = estrdup("");
		} else {
			v[*n].s = (Song){ estrdup(s.id), estrdup(s.name), estrdup(s.artist),
			    estrdup(s.artist_id), dupor(s.url), s.line };
		}
		(*n)++;
	}
	del_playlist(p);
	if (fp != stdin)
		fclose(fp);
	return v;
}

static void
free_list(Entry *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].s.id);
		free(list[i].s.name);
		free(list[i].s.artist);
		free(list[i].s.artist_id);
		free(list[i].s.url);
		free(list[i].why);
	}
	free(list);
}

static const char *
need(const char *env, const char *prog)
{
	const char *p = getenv(env);
	char *full;

	if (!p || !*p)
		p = prog;
	if (!(full = spawn_which(p)))
		eprintf("%s not found (install it: apt-get install %s; or set %s to its path)", p,
		    strcmp(prog, "yt-dlp") ? "ffmpeg" : "yt-dlp", env);
	return full;
}

/* The search template must fix where the text goes (a search prefix such as
 * "ytsearch1:" or a URL) before the first placeholder, so that a song name can
 * never choose yt-dlp's extractor or protocol ("file:///...", "--exec=..."). */
static const char *
query_arg(const char *q)
{
	size_t lit = strcspn(q, "{");

	if (!memchr(q, ':', lit) || *q == '-') {
		weprintf("-q: the query '%s' must start with a search prefix or a URL (such as "
		    "ytsearch1:) before any {placeholder}", q);
		exit(2);
	}
	return q;
}

static const char *
format_arg(const char *f)
{
	if (!*f || strpbrk(f, "/. \t\n")) {
		weprintf("-f: invalid format '%s' (a file extension such as wav or flac)", f);
		exit(2);
	}
	return f;
}

static void
parse_opts(int argc, char **argv, FetchOpts *o, Run *run)
{
	int c;

	while ((c = getopt(argc, argv, "c:d:e:f:L:m:q:R:r:T:Uv")) != -1) {
		switch (c) {
		case 'c': o->channels = (int)estrtol(optarg, 1, 8, 'c'); break;
		case 'd': o->dir = optarg; break;
		case 'e': run->errpath = optarg; break;
		case 'f': o->format = format_arg(optarg); break;
		case 'L': run->so.dir = optarg; break;
		case 'm': o->maxdur = estrtod(optarg, 1, 1e6, 'm'); break;
		case 'q': o->query = query_arg(optarg); break;
		case 'R': o->rate = (int)estrtol(optarg, 1000, 384000, 'R'); break;
		case 'r': o->retries = (int)estrtol(optarg, 0, 100, 'r'); break;
		case 'T': o->timeout = estrtod(optarg, 1, 1e6, 'T'); break;
		case 'U': run->anyurl = 1; break;
		case 'v': run->verbose = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (argc > optind)
		run->in = argv[optind];
	if (getenv("YTFETCH_BACKOFF")) /* seconds before the first retry (tests) */
		o->backoff = atof(getenv("YTFETCH_BACKOFF"));
}

static void
progress(const Run *run, size_t i, const char *id)
{
	double el = now() - run->t0, eta = i ? el / i * (run->n - i) : 0;

	fprintf(stderr, "%s%s: [%zu/%zu] %zu ok, %zu failed, ETA %d:%02d %s%s",
	    run->tty ? "\r" : "", argv0, i, run->n, run->ok + run->present, run->failed,
	    (int)(eta / 60), (int)eta % 60, id, run->tty ? "\033[K" : "\n");
	if (run->tty && i == run->n)
		fputc('\n', stderr);
}

static void
log_failure(Run *run, const char *id, const char *stage, const char *msg)
{
	if (fetch_log(run->errlog, id, stage, msg))
		eprintf("%s: write error:", run->errpath);
	run->failed++;
}

/* -L: the song's captions as DIR/<song_id>.txt unless there already (a failure
 * is reported and logged, the song stays fetched); counted in run->nlyr */
static void
lyrics(Run *run, const Song *s)
{
	char *path = subs_path(&run->so, s->id), *target, *msg;
	struct stat sb;
	int e = 0;

	if (stat(path, &sb) || !S_ISREG(sb.st_mode)) {
		target = fetch_target(run->o, s);
		if ((e = subs_fetch(&run->so, target, s->id, &msg)))
			weprintf("%s: subtitles: %s", s->id, msg);
		if (e && fetch_log(run->errlog, s->id, "subtitles", msg))
			eprintf("%s: write error:", run->errpath);
		free(target);
		free(msg);
	}
	free(path);
	run->nlyr += !e;
}

/* one entry of the list: fetched, present already, or failed (logged) */
static void
do_entry(Fetch *f, Run *run, Entry *e)
{
	const char *stage, *msg, *path;
	struct stat sb;

	if (e->bad) {
		weprintf("%s", e->why);
		log_failure(run, "", "input", e->why);
	} else if (!stat(path = fetch_path(f, &e->s), &sb) && S_ISREG(sb.st_mode)) {
		run->present++; /* done by an earlier run */
		printf("%s\t%s\n", e->s.id, path);
		if (run->so.dir)
			lyrics(run, &e->s);
	} else if (fetch_do(f, &e->s, &stage, &msg)) {
		weprintf("%s: %s: %s", e->s.id, stage, msg);
		log_failure(run, e->s.id, stage, msg);
	} else {
		run->ok++;
		printf("%s\t%s\n", e->s.id, fetch_path(f, &e->s));
		if (run->so.dir)
			lyrics(run, &e->s);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		del_fetch(f);
		eprintf("<stdout>: write error:");
	}
}

int
main(int argc, char **argv)
{
	FetchOpts o = { .dir = ".", .format = "wav", .query = "ytsearch1:{song} {artist} lyrics",
		.maxdur = 900, .rate = 44100, .channels = 2, .retries = 3, .backoff = 1,
		.timeout = 1800 };
	Run run = { .in = "-", .o = &o, .so = { .dir = NULL, .timeout = 1800 } };
	Entry *list;
	Fetch *f;
	size_t i;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	parse_opts(argc, argv, &o, &run);
	signal(SIGPIPE, SIG_IGN);
	list = read_list(run.in, run.anyurl, &run.n);
	if (mkdir(o.dir, 0777) && errno != EEXIST)
		eprintf("%s:", o.dir);
	run.defpath = emalloc(strlen(o.dir) + 32);
	sprintf(run.defpath, "%s/ytfetch-errors.jsonl", o.dir);
	if (!run.errpath)
		run.errpath = run.defpath;
	if (!(run.errlog = fopen(run.errpath, "a")))
		eprintf("%s:", run.errpath);
	if (run.so.dir && mkdir(run.so.dir, 0777) && errno != EEXIST)
		eprintf("%s:", run.so.dir);
	o.ytdlp = run.so.ytdlp = need("YTDLP", "yt-dlp");
	run.so.timeout = o.timeout;
	o.ffmpeg = need("FFMPEG", "ffmpeg");
	o.ffprobe = need("FFPROBE", "ffprobe");
	if (!(f = new_fetch(&o)))
		return 1;
	run.tty = isatty(2);
	run.t0 = now();
	for (i = 0; i < run.n; i++) {
		do_entry(f, &run, &list[i]);
		if (run.tty || run.verbose)
			progress(&run, i + 1, list[i].s.id);
	}
	del_fetch(f);
	if (run.failed)
		weprintf("%zu songs: %zu downloaded, %zu already present, %zu failed (see %s)",
		    run.n, run.ok, run.present, run.failed, run.errpath);
	else if (run.verbose)
		weprintf("%zu songs: %zu downloaded, %zu already present", run.n, run.ok, run.present);
	if (run.so.dir && (run.verbose || run.nlyr < run.ok + run.present))
		weprintf("lyrics: %zu of %zu songs have a text file in %s", run.nlyr,
		    run.ok + run.present, run.so.dir);
	fclose(run.errlog);
	free_list(list, run.n);
	free(run.defpath);
	free((char *)o.ytdlp);
	free((char *)o.ffmpeg);
	free((char *)o.ffprobe);
	return fshut(stdout, "<stdout>") ? 1 : 0;
}
