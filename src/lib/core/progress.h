/* progress.h — progress of long work on stderr: done / total, rate and ETA.
 *
 *	Progress *p = new_progress("songs", n);     // total 0: unknown
 *	for (i = 0; i < n; i++) { ...; progress_do(p, i + 1); }
 *	del_progress(p);
 *
 * On a terminal: one line updated in place at most 10 times a second, left with the
 * final count at the end.  Otherwise (a log, a pipe, GNU parallel): a plain line every
 * interval (PROGRESS_INTERVAL seconds) and a last one at the end, only when the work
 * lasted longer than one interval, so quick runs print nothing.  progress_quiet(1) (the
 * tools' -q) silences it all.  Nothing here can fail; progress_do costs one clock
 * read when nothing is printed. */
#ifndef SV_PROGRESS_H
#define SV_PROGRESS_H

#define PROGRESS_INTERVAL 10.0 /* seconds between lines when stderr is not a terminal */

typedef struct Progress Progress;

/* Exits only when memory runs out. */
Progress *new_progress(const char *what, unsigned long total);
/* done of total are done: a line when one is due.  This function can't fail. */
void progress_do(Progress *p, unsigned long done);
/* NULL is a no-op. */
void del_progress(Progress *p);
/* Silence (1) or allow (0) every progress line of this process. */
void progress_quiet(int quiet);
/* Seconds between lines when stderr is not a terminal (PROGRESS_INTERVAL unless
 * set; the unit test shortens it). */
void progress_interval(double seconds);

#endif
