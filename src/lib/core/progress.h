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
 * read when nothing is printed.
 *
 * Nested work (elbow's k values, each k's k-means runs, each run's iterations) is one
 * line: a progress made with new_subprogress(parent, ...) is shown after its parent's
 * counts ("elbow: k values 2/9 (22%), 0.1/s, 0:14, ETA 0:49; runs 3/10; iterations
 * 41/300"); the rate and the ETA are the outermost one's.  A library step takes the
 * caller's progress as its parent (NULL: a line of its own), so the same code shows
 * as a line of its own or as a part of a larger one.  A child is deleted before its
 * parent.
 *
 * The environment variable SV_PROGRESS_INTERVAL (seconds, > 0) replaces
 * PROGRESS_INTERVAL: the tests use it to see the periodic lines of short work. */
#ifndef SV_PROGRESS_H
#define SV_PROGRESS_H

#define PROGRESS_INTERVAL 10.0 /* seconds between lines when stderr is not a terminal */

typedef struct Progress Progress;

/* Exits only when memory runs out. */
Progress *new_progress(const char *what, unsigned long total);
/* A part of parent's work, shown after it on parent's line; parent NULL:
 * new_progress.  Exits only when memory runs out. */
Progress *new_subprogress(Progress *parent, const char *what, unsigned long total);
/* done of total are done: a line when one is due.  This function can't fail. */
void progress_do(Progress *p, unsigned long done);
/* NULL is a no-op. */
void del_progress(Progress *p);
/* On a terminal, erase the progress line shown, if any, before another message
 * (weprintf does it; the next update draws the line again).  Can't fail. */
void progress_clear(void);
/* Silence (1) or allow (0) every progress line of this process. */
void progress_quiet(int quiet);
/* Seconds between lines when stderr is not a terminal (PROGRESS_INTERVAL or
 * SV_PROGRESS_INTERVAL unless set; the unit test shortens it). */
void progress_interval(double seconds);

#endif
