/* groups.h — feature groups for weight: per-column multipliers.
 *
 * A group is  [NAME=]COLUMNS*WEIGHT  where COLUMNS is
 *	LO:HI     a half-open range of 0-based column indices (LO or HI may be empty:
 *	          the first column / one past the last), e.g. 95:223 or 95:
 *	N         one column index
 *	PATTERN   every column whose name matches the shell glob (fnmatch(3)),
 *	          e.g. mfcc_* ; the stream must carry column names
 * and WEIGHT (after the last '*') a finite number >= 0.  Lists are comma-separated
 * (-g) or one group per line (-G FILE; blank lines and '#' comments ignored).
 * Later groups override earlier ones on the columns they share; columns in no group
 * keep weight 1. */
#ifndef SV_GROUPS_H
#define SV_GROUPS_H
#include <stddef.h>

#define GROUPS_SEED_DIM 223 /* groups_default() is meant for this dimension */

typedef struct Group {
	char *name;     /* NAME, or the COLUMNS text when unnamed */
	char *sel;      /* COLUMNS */
	double w;
} Group;

typedef struct Groups {
	size_t n;
	Group *g;
} Groups;

/* Append the groups of a comma-separated list.  -1 after "prog: WHERE: message". */
int groups_parse(Groups *gs, const char *spec, const char *where);
/* Append the groups of a file (one per line).  -1 after "prog: FILE:LINE: message". */
int groups_file(Groups *gs, const char *path);
/* Append the seed groups of the 223-d song vector (songvec DESIGN §3). */
void groups_default(Groups *gs);
/* Set weight[j] for the d columns (names may be NULL).  -1 after a message naming
 * the input (a range outside the dimension, a pattern matching nothing). */
int groups_resolve(const Groups *gs, size_t d, char *const *cols, double *weight,
    const char *input);
void del_groups(Groups *gs);

#endif
