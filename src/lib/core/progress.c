/* progress.c — progress lines on stderr (see progress.h). */
#include "core/progress.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define TTY_INTERVAL 0.1 /* seconds between updates of a terminal's line */

struct Progress {
	char *what;
	unsigned long total, done, shown; /* shown: done on the last line printed */
	double start, last;
	int tty, printed, kids; /* kids: the last line showed children */
	Progress *parent, *child; /* the line's outer and inner parts */
};

static int quiet, interval_set;
static int onscreen; /* a terminal line without its newline is on stderr */
static double interval = PROGRESS_INTERVAL;

void
progress_quiet(int q)
{
	quiet = q;
}

void
progress_clear(void)
{
	if (onscreen) {
		fputs("\r\033[K", stderr);
		onscreen = 0;
	}
}

void
progress_interval(double seconds)
{
	interval = seconds;
	interval_set = 1;
}

/* SV_PROGRESS_INTERVAL, once, unless progress_interval was called */
static void
interval_env(void)
{
	const char *e;
	char *end;
	double v;

	if (interval_set)
		return;
	interval_set = 1;
	if ((e = getenv("SV_PROGRESS_INTERVAL")) && *e) {
		v = strtod(e, &end);
		if (!*end && v > 0 && v < 1e9)
			interval = v;
	}
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

Progress *
new_subprogress(Progress *parent, const char *what, unsigned long total)
{
	Progress *p = ecalloc(1, sizeof *p);

	interval_env();
	p->what = estrdup(what);
	p->total = total;
	p->start = p->last = now();
	p->tty = isatty(STDERR_FILENO);
	if (parent) {
		p->parent = parent;
		parent->child = p;
	}
	return p;
}

Progress *
new_progress(const char *what, unsigned long total)
{
	return new_subprogress(NULL, what, total);
}

/* "1:02:03" or "2:03" */
static void
hms(char *buf, size_t cap, double s)
{
	long t = s < 0 ? 0 : s > 359999 ? 359999 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, cap, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, cap, "%ld:%02ld", t / 60, t % 60);
}

/* snprintf at buf + *len, *len kept within cap */
static void __attribute__((format(printf, 4, 5)))
put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

/* columns of the terminal on stderr, 0 when unknown */
static size_t
width(void)
{
	struct winsize ws;

	return ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

/* the root p's line and its children's parts; on a terminal cut to its width */
static void
show(Progress *p, double t, int final)
{
	double el = t - p->start, rate = el > 0 ? p->done / el : 0;
	char line[1024], eta[32], took[32];
	size_t len = 0, w;
	const Progress *c;

	hms(took, sizeof took, el);
	put(line, sizeof line, &len, "%s: %s %lu", argv0, p->what, p->done);
	if (p->total)
		put(line, sizeof line, &len, "/%lu (%.0f%%)", p->total, 100.0 * p->done / p->total);
	put(line, sizeof line, &len, ", %.3g/s, %s", rate, took);
	if (!final && p->total && rate > 0 && p->done < p->total) {
		hms(eta, sizeof eta, (p->total - p->done) / rate);
		put(line, sizeof line, &len, ", ETA %s", eta);
	}
	for (c = final ? NULL : p->child; c; c = c->child) {
		put(line, sizeof line, &len, "; %s %lu", c->what, c->done);
		if (c->total)
			put(line, sizeof line, &len, "/%lu", c->total);
	}
	if (p->tty && (w = width()) > 1 && len > w - 1)
		len = w - 1;
	fprintf(stderr, "%s%.*s%s", p->tty ? "\r\033[K" : "", (int)len, line, p->tty ? "" : "\n");
	fflush(stderr);
	onscreen = p->tty;
	p->printed = 1;
	p->shown = p->done;
	p->kids = p->child != NULL;
	p->last = t;
}

void
progress_do(Progress *p, unsigned long done)
{
	double t;

	p->done = done;
	if (quiet)
		return;
	while (p->parent)
		p = p->parent;
	t = now();
	if (t - p->last >= (p->tty ? TTY_INTERVAL : interval))
		show(p, t, 0);
}

void
del_progress(Progress *p)
{
	if (!p)
		return;
	if (p->parent) {
		if (p->parent->child == p)
			p->parent->child = NULL;
	} else if (!quiet && p->printed && (p->tty || p->shown != p->done || p->kids)) {
		/* the last state stays on screen (a log has it already when the last
		 * line printed was it) */
		show(p, now(), 1);
		if (p->tty)
			fputc('\n', stderr);
		onscreen = 0;
	}
	if (p->child)
		p->child->parent = NULL;
	free(p->what);
	free(p);
}
