/* util.h — diagnostics, checked allocation, number parsing, output shutdown.
 * Conventions (sbase style): diagnostics go to stderr as "prog: message";
 * exit 0 ok, 1 data error, 2 usage error. */
#ifndef SV_UTIL_H
#define SV_UTIL_H
#include <stddef.h>
#include <stdio.h>

extern const char *argv0; /* program name, set by util_init() */

void util_init(int argc, char **argv); /* sets argv0 (BLAS set-up: see blas.h) */

/* "prog: fmt" on stderr; a trailing ':' appends strerror(errno). */
void weprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* weprintf, then exit(1) */
void eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* print "usage: prog SYNOPSIS" to stderr and exit(2) */
void util_usage(const char *synopsis) __attribute__((noreturn));
/* --help / --version handling for getopt mains: prints usage to stdout, exits 0 */
void util_help(int argc, char **argv, const char *synopsis);

/* Checked allocation: each exits 1 with "prog: out of memory (...)" when memory
 * runs out, the one way library code may exit.  An array of n elements of m bytes
 * always goes through the array forms (emallocarray, ecalloc, ereallocarray): they
 * check n x m for overflow.  A size of 0 allocates 1 byte. */
void *emalloc(size_t n);
void *emallocarray(size_t n, size_t m); /* n x m bytes, uninitialised */
void *ecalloc(size_t n, size_t m);      /* n x m bytes, zeroed */
void *erealloc(void *p, size_t n);
void *ereallocarray(void *p, size_t n, size_t m);
char *estrdup(const char *s);

/* Parse option arguments; on failure print "prog: -o: invalid value 'x'" and exit 2. */
long estrtol(const char *s, long min, long max, int opt);
double estrtod(const char *s, double min, double max, int opt);

/* getopt for mains whose only options are -b (binary output) and -t (TSV, the
 * default): 1 for binary, 0 for TSV; anything else is a usage error (exit 2). */
int util_bt_options(int argc, char **argv, const char *synopsis);

/* The operands after getopt, argv[optind..argc), or one "-" (standard input) when
 * there are none; *n is their count.  This function can't fail. */
char **util_operands(int argc, char **argv, int *n);

/* Every reader of standard input calls this before it waits for data: when stdin
 * is a terminal, "prog: reading WHAT from the terminal (Ctrl-D to end; see prog
 * --help)" on stderr, once per process, so that a tool run without its input
 * does not seem to hang.  This function can't fail. */
void util_stdin_hint(const char *what);
/* A text input: stdin for "-" (after util_stdin_hint(what)), else fopen(path,
 * "r"); NULL with errno set when the file cannot be opened. */
FILE *util_open_in(const char *path, const char *what);

/* Open an output file ("w"); exits 1 with "prog: path: strerror" when it cannot. */
FILE *efopen_out(const char *path);
/* Close a file from efopen_out.  When failed is non-zero or the close fails, the
 * half-written file is removed — only if it is a regular file (never /dev/full or
 * a fifo).  Returns 0, or -1 when the close failed. */
int fclose_out(FILE *fp, const char *path, int failed);

/* A temporary file in $TMPDIR (else /tmp), opened read-write, close-on-exec and
 * already unlinked, so that nothing is left behind even by kill -9.  Its fd, or
 * -1 with errno set. */
int util_tmpfd(void);
/* The same as a stdio stream ("w+b"), or NULL with errno set. */
FILE *util_tmpfile(void);

/* The directory of installed data (weights): $SONGVEC_DATADIR if set, else
 * PREFIX/share/songvec when the program runs from PREFIX/bin and that directory
 * exists (found at run time: installing with another PREFIX needs no rebuild), else
 * the compiled-in SV_DATADIR.  Computed once; this function can't fail. */
const char *util_datadir(void);

/* Flush and check a stream; returns 0 ok, -1 after printing "prog: name: write error: ..." */
int fshut(FILE *fp, const char *name);

#endif
