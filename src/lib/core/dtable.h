/* dtable.h — small model files (weight's scaler, pca's model, kmeans' centres) as
 * songvec TSV streams written with %.17g, so they round-trip doubles exactly and
 * any songvec reader (vcat) can still show them (at float32 precision).
 *
 *	#songvec dim=D model=NAME rows=R
 *	#key<TAB>col1<TAB>...         (optional column names)
 *	key<TAB>v1<TAB>...<TAB>vD     (one row per named vector)
 *
 * dtable_load() reads the whole file into doubles and refuses what is not whole:
 * a line without its newline (a file cut in the middle of a number), fewer or
 * more rows than rows= says (files without rows=, from before it, are read as
 * they are), a repeated row key, a field that is not a number as a whole, keys
 * and column names outside core/key.h's rules.  Rows are found by key; what rows
 * a model needs is its reader's business (pca_load, scaler_load, kmeans -a). */
#ifndef SV_DTABLE_H
#define SV_DTABLE_H
#include <stddef.h>
#include <stdio.h>

#define DT_MAXROWS 1000000u

typedef struct DTable {
	char *name;      /* file name for diagnostics */
	char *model;     /* value of model= on the #songvec line, or NULL */
	size_t n, d;     /* rows, values per row */
	char **keys;     /* n keys */
	double *v;       /* n*d values, row i at v + i*d */
	char **cols;     /* d column names, or NULL */
} DTable;

/* 0 ok; -1 after printing "prog: FILE:LINE: message" (t is then empty). */
int dtable_load(const char *path, DTable *t);
/* the row with this key, or NULL */
const double *dtable_row(const DTable *t, const char *key);
/* index of a row, or -1 */
long dtable_find(const DTable *t, const char *key);
void del_dtable(DTable *t);
/* When both the model's and the input's column names are known (non-NULL, d
 * each), they must be equal: 0, or -1 after "prog: INPUT: column J is 'x', but
 * 'y' in the model MODEL ...". */
int dtable_match_cols(const char *model, char *const *mcols, const char *input,
    char *const *icols, size_t d);

/* Writers: return nothing; errors are caught by fshut() on the stream. */
void dtable_put_header(FILE *fp, size_t d, const char *model, char *const *cols, size_t rows);
void dtable_put_row(FILE *fp, const char *key, const double *v, size_t n);

#endif
