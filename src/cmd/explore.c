/* explore — look at a songvec database: a self-contained HTML report (map,
 * colourings, neighbours, audio, elbow curve, clusters, artists) on stdout, or a
 * read-only local HTTP server of the same page and a JSON API. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "ml/blas.h"
#include "web/audiodir.h"
#include "web/exdb.h"
#include "web/httpd.h"
#include "web/page.h"

static const char SYNOPSIS[] =
    "[-q] [-d db] [-A audiodir] [-e elbow] [-f features] [-m metric] [-n max] "
    "[-t model:dataset] [-T title] [-l address] [-p port] [-j threads] report | serve";

#define DEFAULT_PORT 8080
#define DEFAULT_THREADS 4
#define DEFAULT_MAX 20000 /* songs in the page: a canvas of that many stays smooth */
#define COPY_BUF 65536

/* -t model:dataset into o (the strings point into arg); exits 2 when malformed */
static void
model_arg(ExOpt *o, char *arg)
{
	char *colon = strchr(arg, ':');

	if (!colon || colon == arg || !colon[1]) {
		weprintf("-t: invalid value '%s' (expected model:dataset, e.g. musicnn:msd)", arg);
		util_usage(SYNOPSIS);
	}
	*colon = 0;
	o->model = arg;
	o->dataset = colon + 1;
}

/* fp (a temporary file holding the page) from its start to stdout; 0 or -1 */
static int
copy_out(FILE *fp)
{
	char buf[COPY_BUF];
	size_t n;

	rewind(fp);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			break;
	if (ferror(fp)) {
		weprintf("temporary file:");
		return -1;
	}
	return 0;
}

/* the report on stdout, written in a temporary file first so that a database
 * error leaves no half page; exit status */
static int
report(const char *db, const char *title, ExOpt *o)
{
	sqlite3 *h = exdb_open(db, 0);
	FILE *fp;
	int rc;

	if (!h)
		return 1;
	if (!(fp = tmpfile())) {
		weprintf("tmpfile:");
		sqlite3_close(h);
		return 1;
	}
	rc = page_write(fp, h, o, title);
	sqlite3_close(h);
	if (!rc && fflush(fp)) {
		weprintf("temporary file:");
		rc = -1;
	}
	if (!rc)
		rc = copy_out(fp);
	fclose(fp);
	if (rc)
		return 1;
	return fshut(stdout, "<stdout>") ? 1 : 0;
}

int
main(int argc, char **argv)
{
	HttpdOpt s = { .db = "songvec.db", .addr = "127.0.0.1", .port = DEFAULT_PORT,
		.threads = DEFAULT_THREADS, .title = "songvec explorer" };
	const char *audiodir = NULL, *verb;
	char *prefix = NULL;
	AudioDir *audio = NULL;
	int c, rc;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	s.ex.max = DEFAULT_MAX;
	s.ex.model = "musicnn";
	s.ex.dataset = "msd";
	while ((c = getopt(argc, argv, "A:d:e:f:j:l:m:n:p:qt:T:")) != -1) {
		switch (c) {
		case 'A': audiodir = optarg; break;
		case 'd': s.db = optarg; break;
		case 'e': s.ex.elbow = optarg; break;
		case 'f': s.ex.features = optarg; break;
		case 'j': s.threads = (int)estrtol(optarg, 1, 64, 'j'); break;
		case 'l': s.addr = optarg; break;
		case 'm': s.ex.metric = optarg; break;
		case 'n': s.ex.max = (size_t)estrtol(optarg, 0, LONG_MAX, 'n'); break;
		case 'p': s.port = (int)estrtol(optarg, 0, 65535, 'p'); break;
		case 'q': s.quiet = 1; break;
		case 't': model_arg(&s.ex, optarg); break;
		case 'T': s.title = optarg; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind != 1)
		util_usage(SYNOPSIS);
	verb = argv[optind];
	if (strcmp(verb, "report") && strcmp(verb, "serve")) {
		weprintf("unknown command '%s' (report or serve)", verb);
		util_usage(SYNOPSIS);
	}
	if (audiodir && !(audio = new_audiodir(audiodir)))
		return 1;
	s.ex.audio = audio;
	if (!strcmp(verb, "report")) {
		/* the page links the files by the folder's path as given */
		prefix = emalloc(audiodir ? strlen(audiodir) + 2 : 1);
		sprintf(prefix, "%s%s", audiodir ? audiodir : "",
		    audiodir && audiodir[strlen(audiodir) - 1] != '/' ? "/" : "");
		s.ex.audiourl = prefix;
		blas_threads(0);
		rc = report(s.db, s.title, &s.ex);
	} else {
		s.ex.audiourl = "audio/";
		s.ex.api = 1;
		blas_threads(1); /* the server's threads are the parallelism */
		rc = httpd_run(&s) ? 1 : 0;
	}
	del_audiodir(audio);
	free(prefix);
	return rc;
}
