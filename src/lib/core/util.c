/* util.c — diagnostics, checked allocation, option parsing, stream shutdown. */
#include "core/util.h"
#include "core/progress.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *argv0 = "songvec";

void
util_init(int argc, char **argv)
{
	const char *p;

	if (argc > 0 && argv[0]) {
		p = strrchr(argv[0], '/');
		argv0 = p ? p + 1 : argv[0];
	}
}

static void
vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	progress_clear();
	fprintf(stderr, "%s: ", argv0);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s\n", strerror(saved));
	else
		fputc('\n', stderr);
}

void
weprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
eprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(1);
}

void
util_usage(const char *synopsis)
{
	fprintf(stderr, "usage: %s %s\n", argv0, synopsis);
	exit(2);
}

void
util_help(int argc, char **argv, const char *synopsis)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return;
		if (!strcmp(argv[i], "--help")) {
			printf("usage: %s %s\n", argv0, synopsis);
			printf("See %s(1) for details.\n", argv0);
			if (fshut(stdout, "<stdout>"))
				exit(1);
			exit(0);
		}
		if (!strcmp(argv[i], "--version")) {
			printf("%s (songvec) %s\n", argv0, SV_VERSION);
			if (fshut(stdout, "<stdout>"))
				exit(1);
			exit(0);
		}
	}
}

void *
emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		eprintf("out of memory (%zu bytes)", n);
	return p;
}

void *
emallocarray(size_t n, size_t m)
{
	if (m && n > SIZE_MAX / m)
		eprintf("out of memory (%zu x %zu bytes)", n, m);
	return emalloc(n * m);
}

void *
ecalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		eprintf("out of memory (%zu x %zu bytes)", n, m);
	return p;
}

void *
erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		eprintf("out of memory (%zu bytes)", n);
	return p;
}

void *
ereallocarray(void *p, size_t n, size_t m)
{
	if (m && n > SIZE_MAX / m)
		eprintf("out of memory (%zu x %zu bytes)", n, m);
	return erealloc(p, n * m);
}

char *
estrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		eprintf("out of memory");
	return p;
}

/* A bad option argument: "prog: -o: invalid value 's' (expected ...)", exit 2 */
static void __attribute__((noreturn))
bad_value(int opt, const char *s, const char *expected)
{
	weprintf("-%c: invalid value '%s' (expected %s)", opt, s, expected);
	exit(2);
}

long
estrtol(const char *s, long min, long max, int opt)
{
	char *end, want[80];
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		snprintf(want, sizeof want, "an integer in %ld..%ld", min, max);
		bad_value(opt, s, want);
	}
	return v;
}

double
estrtod(const char *s, double min, double max, int opt)
{
	char *end, want[80];
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max) {
		snprintf(want, sizeof want, "a number in %g..%g", min, max);
		bad_value(opt, s, want);
	}
	return v;
}

int
fshut(FILE *fp, const char *name)
{
	int bad = 0;

	if (fflush(fp) == EOF || ferror(fp))
		bad = 1;
	if (bad) {
		weprintf("%s: write error:", name);
		return -1;
	}
	return 0;
}

int
util_bt_options(int argc, char **argv, const char *synopsis)
{
	int c, binary = 0;

	while ((c = getopt(argc, argv, "bt")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 't': binary = 0; break;
		default: util_usage(synopsis);
		}
	}
	return binary;
}

char **
util_operands(int argc, char **argv, int *n)
{
	static char *stdin_only[] = { "-", NULL };

	if (optind >= argc) {
		*n = 1;
		return stdin_only;
	}
	*n = argc - optind;
	return argv + optind;
}

void
util_stdin_hint(const char *what)
{
	static int said;

	if (said || !isatty(0))
		return;
	said = 1;
	fflush(stdout);
	fprintf(stderr, "%s: reading %s from the terminal (Ctrl-D to end; see %s --help)\n",
	    argv0, what, argv0);
}

FILE *
util_open_in(const char *path, const char *what)
{
	if (strcmp(path, "-"))
		return fopen(path, "r");
	util_stdin_hint(what);
	return stdin;
}

FILE *
efopen_out(const char *path)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		eprintf("%s:", path);
	return fp;
}

int
fclose_out(FILE *fp, const char *path, int failed)
{
	struct stat st;
	int reg = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode), rc = 0;

	if (fclose(fp)) {
		weprintf("%s:", path);
		rc = -1;
	}
	if ((failed || rc) && reg)
		unlink(path); /* no half-written file */
	return rc;
}

int
util_tmpfd(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd, e;

	if (!dir || !*dir)
		dir = "/tmp";
	path = emalloc(strlen(dir) + 32);
	sprintf(path, "%s/songvec.XXXXXX", dir);
	fd = mkstemp(path);
	e = errno;
	if (fd >= 0) {
		unlink(path);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	free(path);
	errno = e;
	return fd;
}

FILE *
util_tmpfile(void)
{
	int fd = util_tmpfd(), e;
	FILE *fp;

	if (fd < 0)
		return NULL;
	if (!(fp = fdopen(fd, "w+b"))) {
		e = errno;
		close(fd);
		errno = e;
	}
	return fp;
}

#ifndef SV_DATADIR
#define SV_DATADIR "/usr/local/share/songvec"
#endif

/* PREFIX/share/songvec for the PREFIX/bin the running program is in, looked up at
 * run time so that `make install PREFIX=X` after `make` finds its data; NULL when
 * the program is not in a bin/ next to such a directory. */
static char *
exe_datadir(void)
{
	char exe[PATH_MAX], *p, *d, *r;
	ssize_t n;
	struct stat st;
	size_t len;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(p = strrchr(exe, '/')))
		return NULL;
	*p = '\0';
	len = strlen(exe) + sizeof "/../share/songvec";
	d = emalloc(len);
	snprintf(d, len, "%s/../share/songvec", exe);
	r = stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? realpath(d, NULL) : NULL;
	free(d);
	return r;
}

const char *
util_datadir(void)
{
	static char *dir;
	const char *e;

	if (dir)
		return dir;
	if ((e = getenv("SONGVEC_DATADIR")) && *e)
		dir = estrdup(e);
	else if (!(dir = exe_datadir()))
		dir = estrdup(SV_DATADIR);
	return dir;
}
