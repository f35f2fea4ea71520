/* progress.c — progress lines on stderr (see progress.h). */
#include "core/progress.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TTY_INTERVAL 0.1 /* seconds between updates of a terminal's line */

struct Progress {
	char *what;
	unsigned long total, done;
	double start, last;
	int tty, printed;
};

static int quiet;
static double interval = PROGRESS_INTERVAL;

void
progress_quiet(int q)
{
	quiet = q;
}

void
progress_interval(double seconds)
{
	interval = seconds;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

Progress *
new_progress(const char *what, unsigned long total)
{
	Progress *p = ecalloc(1, sizeof *p);

	p->what = estrdup(what);
	p->total = total;
	p->start = p->last = now();
	p->tty = isatty(STDERR_FILENO);
	return p;
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

static void
show(Progress *p, double t, int final)
{
	double el = t - p->start, rate = el > 0 ? p->done / el : 0;
	char eta[32], took[32];

	hms(took, sizeof took, el);
	fprintf(stderr, "%s%s: %s %lu", p->tty ? "\r\033[K" : "", argv0, p->what, p->done);
	if (p->total)
		fprintf(stderr, "/%lu (%.0f%%)", p->total, 100.0 * p->done / p->total);
	fprintf(stderr, ", %.3g/s, %s", rate, took);
	if (!final && p->total && rate > 0 && p->done < p->total) {
		hms(eta, sizeof eta, (p->total - p->done) / rate);
		fprintf(stderr, ", ETA %s", eta);
	}
	if (!p->tty)
		fputc('\n', stderr);
	fflush(stderr);
	p->printed = 1;
	p->last = t;
}

void
progress_do(Progress *p, unsigned long done)
{
	double t;

	p->done = done;
	if (quiet)
		return;
	t = now();
	if (t - p->last >= (p->tty ? TTY_INTERVAL : interval))
		show(p, t, 0);
}

void
del_progress(Progress *p)
{
	if (!p)
		return;
	if (!quiet && p->printed) { /* the last state stays on screen */
		show(p, now(), 1);
		if (p->tty)
			fputc('\n', stderr);
	}
	free(p->what);
	free(p);
}
