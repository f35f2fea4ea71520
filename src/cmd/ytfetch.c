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
    "[-v] [-c channels] [-d dir] [-e errlog] [-f format] [-L dir] [-m seconds] [-q query] "
    "[-R rate] [-r retries] [-T timeout] [file]";

typedef struct Entry {
	Song s;
	int bad;        /* input problem */
	char *why;
} Entry;

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

/* the whole list (for the total and the ETA) */
static Entry *
read_list(const char *path, size_t *n)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	Playlist *p;
	Entry *v = NULL;
	size_t cap = 0;
	Song s;
	int e;

	if (!fp)
		eprintf("%s:", path);
	p = new_playlist(fp, name);
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
			v[*n].s.id = estrdup(s.id);
			v[*n].s.name = estrdup(s.name);
			v[*n].s.artist = estrdup(s.artist);
			v[*n].s.artist_id = estrdup(s.artist_id);
			v[*n].s.url = dupor(s.url);
			v[*n].s.line = s.line;
		}
		(*n)++;
	}
	del_playlist(p);
	if (fp != stdin)
		fclose(fp);
	return v;
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

/* -L: the song's captions as DIR/<song_id>.txt unless there already; 1 when written */
static int
lyrics(const FetchOpts *o, const SubsOpts *so, const Song *s, FILE *errlog, const char *errpath)
{
	char *path = subs_path(so, s->id), *target, *msg;
	struct stat sb;
	int e = 0;

	if (stat(path, &sb) || !S_ISREG(sb.st_mode)) {
		target = fetch_target(o, s);
		if ((e = subs_fetch(so, target, s->id, &msg)))
			weprintf("%s: subtitles: %s", s->id, msg);
		if (e && fetch_log(errlog, s->id, "subtitles", msg))
			eprintf("%s: write error:", errpath);
		free(target);
		free(msg);
	}
	free(path);
	return !e;
}

static void
progress(int tty, size_t i, size_t n, size_t ok, size_t failed, double t0, const char *id)
{
	double el = now() - t0, eta = i ? el / i * (n - i) : 0;

	fprintf(stderr, "%s%s: [%zu/%zu] %zu ok, %zu failed, ETA %d:%02d %s%s", tty ? "\r" : "",
	    argv0, i, n, ok, failed, (int)(eta / 60), (int)eta % 60, id, tty ? "\033[K" : "\n");
	if (tty && i == n)
		fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	FetchOpts o = { .dir = ".", .format = "wav", .query = "ytsearch1:{song} {artist} lyrics",
		.maxdur = 900, .rate = 44100, .channels = 2, .retries = 3, .backoff = 1,
		.timeout = 1800 };
	const char *errpath = NULL, *stage, *msg, *path, *in = "-";
	int c, verbose = 0, tty;
	size_t n, i, ok = 0, failed = 0, present = 0, nlyr = 0;
	SubsOpts so = { .dir = NULL, .timeout = 1800 };
	Entry *list;
	Fetch *f = NULL;
	FILE *errlog;
	struct stat sb;
	double t0;
	char *def;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "c:d:e:f:L:m:q:R:r:T:v")) != -1) {
		switch (c) {
		case 'c': o.channels = (int)estrtol(optarg, 1, 8, 'c'); break;
		case 'd': o.dir = optarg; break;
		case 'e': errpath = optarg; break;
		case 'f':
			if (!*optarg || strpbrk(optarg, "/. \t\n")) {
				weprintf("-f: invalid format '%s' (a file extension such as wav or flac)", optarg);
				exit(2);
			}
			o.format = optarg;
			break;
		case 'L': so.dir = optarg; break;
		case 'm': o.maxdur = estrtod(optarg, 1, 1e6, 'm'); break;
		case 'q': o.query = optarg; break;
		case 'R': o.rate = (int)estrtol(optarg, 1000, 384000, 'R'); break;
		case 'r': o.retries = (int)estrtol(optarg, 0, 100, 'r'); break;
		case 'T': o.timeout = estrtod(optarg, 1, 1e6, 'T'); break;
		case 'v': verbose = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (argc > optind)
		in = argv[optind];
	if (getenv("YTFETCH_BACKOFF")) /* seconds before the first retry (tests) */
		o.backoff = atof(getenv("YTFETCH_BACKOFF"));
	signal(SIGPIPE, SIG_IGN);
	list = read_list(in, &n);
	if (mkdir(o.dir, 0777) && errno != EEXIST)
		eprintf("%s:", o.dir);
	def = emalloc(strlen(o.dir) + 32);
	sprintf(def, "%s/ytfetch-errors.jsonl", o.dir);
	if (!errpath)
		errpath = def;
	if (!(errlog = fopen(errpath, "a")))
		eprintf("%s:", errpath);
	if (so.dir && mkdir(so.dir, 0777) && errno != EEXIST)
		eprintf("%s:", so.dir);
	o.ytdlp = so.ytdlp = need("YTDLP", "yt-dlp");
	so.timeout = o.timeout;
	o.ffmpeg = need("FFMPEG", "ffmpeg");
	o.ffprobe = need("FFPROBE", "ffprobe");
	if (!(f = new_fetch(&o)))
		return 1;
	tty = isatty(2);
	t0 = now();
	for (i = 0; i < n; i++) {
		Song *s = &list[i].s;

		if (list[i].bad) {
			weprintf("%s", list[i].why);
			if (fetch_log(errlog, "", "input", list[i].why))
				eprintf("%s: write error:", errpath);
			failed++;
		} else if (!stat(path = fetch_path(f, s), &sb) && S_ISREG(sb.st_mode)) {
			present++; /* done by an earlier run */
			printf("%s\t%s\n", s->id, path);
			nlyr += so.dir && lyrics(&o, &so, s, errlog, errpath);
		} else if (fetch_do(f, s, &stage, &msg)) {
			weprintf("%s: %s: %s", s->id, stage, msg);
			if (fetch_log(errlog, s->id, stage, msg))
				eprintf("%s: write error:", errpath);
			failed++;
		} else {
			ok++;
			printf("%s\t%s\n", s->id, fetch_path(f, s));
			nlyr += so.dir && lyrics(&o, &so, s, errlog, errpath);
		}
		if (fflush(stdout) == EOF || ferror(stdout)) {
			del_fetch(f);
			eprintf("<stdout>: write error:");
		}
		if (tty || verbose)
			progress(tty, i + 1, n, ok + present, failed, t0, s->id);
	}
	del_fetch(f);
	if (failed)
		weprintf("%zu songs: %zu downloaded, %zu already present, %zu failed (see %s)", n,
		    ok, present, failed, errpath);
	else if (verbose)
		weprintf("%zu songs: %zu downloaded, %zu already present", n, ok, present);
	if (so.dir && (verbose || nlyr < ok + present))
		weprintf("lyrics: %zu of %zu songs have a text file in %s", nlyr, ok + present, so.dir);
	fclose(errlog);
	for (i = 0; i < n; i++) {
		free(list[i].s.id);
		free(list[i].s.name);
		free(list[i].s.artist);
		free(list[i].s.artist_id);
		free(list[i].s.url);
		free(list[i].why);
	}
	free(list);
	free(def);
	free((char *)o.ytdlp);
	free((char *)o.ffmpeg);
	free((char *)o.ffprobe);
	return fshut(stdout, "<stdout>") ? 1 : 0;
}
