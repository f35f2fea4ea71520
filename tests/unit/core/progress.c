/* unit test for src/lib/core/progress.c with stderr a file (not a terminal): nothing
 * for work quicker than the interval, a line once the interval has passed and a last
 * one at the end, the counts and the total in them, nested progress on one line,
 * nothing at all when quiet.  The
 * interval is shortened to 250 ms (progress_interval).  "not ok N what" per failure;
 * exit 1 on any. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/progress.h"
#include "core/util.h"
#include "../unit.h"

static FILE *err;

static void
pause_ms(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&t, NULL);
}

/* what stderr received since the last call (NUL-terminated, at most cap - 1 bytes) */
static char *
taken(char *buf, size_t cap)
{
	size_t n;

	fflush(stderr);
	clearerr(err);
	n = fread(buf, 1, cap - 1, err);
	buf[n] = 0;
	clearerr(err);
	return buf;
}

static int
lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int
main(int argc, char **argv)
{
	char buf[4096], *s, path[] = "/tmp/svprogress.XXXXXX";
	Progress *p, *c, *g;
	int fd;

	util_init(argc, argv);
	/* stderr into a file, read back through a descriptor of its own (own offset) */
	if ((fd = mkstemp(path)) < 0 || dup2(fd, STDERR_FILENO) < 0 || !(err = fopen(path, "r")))
		eprintf("%s:", path);
	unlink(path);
	close(fd);
	progress_interval(0.25);

	p = new_progress("songs", 10); /* quick: nothing at all */
	progress_do(p, 1);
	progress_do(p, 10);
	del_progress(p);
	check(!*taken(buf, sizeof buf), "quick work prints nothing: '%s'", buf);

	p = new_progress("songs", 10); /* slower than the interval: a line, then the last */
	progress_do(p, 1);
	check(!*taken(buf, sizeof buf), "nothing before the interval: '%s'", buf);
	pause_ms(350);
	progress_do(p, 5);
	s = taken(buf, sizeof buf);
	check(lines(s) == 1 && !strncmp(s, "progress: songs 5/10 (50%), ", 28) && strstr(s, ", ETA "),
	    "one line after the interval: '%s'", s);
	progress_do(p, 6);
	check(!*taken(buf, sizeof buf), "no second line within the interval: '%s'", buf);
	del_progress(p);
	s = taken(buf, sizeof buf);
	check(lines(s) == 1 && !strncmp(s, "progress: songs 6/10 (60%), ", 28) && !strstr(s, "ETA"),
	    "a last line at the end, without an ETA: '%s'", s);

	p = new_progress("records", 0); /* total unknown */
	pause_ms(350);
	progress_do(p, 3);
	s = taken(buf, sizeof buf);
	check(lines(s) == 1 && !strncmp(s, "progress: records 3, ", 21) && !strchr(s, '%'),
	    "an unknown total: no fraction: '%s'", s);
	del_progress(p);
	taken(buf, sizeof buf);

	p = new_progress("k values", 4); /* nested: one line, the children after the root */
	c = new_subprogress(p, "runs", 10);
	g = new_subprogress(c, "iterations", 0);
	progress_do(p, 1);
	progress_do(c, 3);
	pause_ms(350);
	progress_do(g, 41);
	s = taken(buf, sizeof buf);
	check(lines(s) == 1 && !strncmp(s, "progress: k values 1/4 (25%), ", 30) &&
	    strstr(s, ", ETA ") && strstr(s, "; runs 3/10; iterations 41\n"),
	    "a child's progress on its root's line: '%s'", s);
	del_progress(g);
	del_progress(c);
	progress_do(p, 4);
	del_progress(p);
	s = taken(buf, sizeof buf);
	check(lines(s) == 1 && !strncmp(s, "progress: k values 4/4 (100%), ", 31) && !strchr(s, ';'),
	    "the last line: the root alone: '%s'", s);

	progress_quiet(1);
	p = new_progress("songs", 10);
	pause_ms(350);
	progress_do(p, 5);
	del_progress(p);
	check(!*taken(buf, sizeof buf), "quiet prints nothing: '%s'", buf);
	progress_quiet(0);
	del_progress(NULL);
	return unit_done();
}
