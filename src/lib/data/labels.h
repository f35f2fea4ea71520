/* labels.h — labels tables: which song has which label, in which split.
 *
 * A TSV file, one row per song, its key (a path relative to the dataset root, or
 * any record key) in the first column:
 *
 *	#songvec labels set=genre root=/data/raw     (optional)
 *	#path<TAB>genre<TAB>label<TAB>duration<TAB>split  (optional column names)
 *	rock/a.wav<TAB>rock<TAB>0<TAB>30.000<TAB>train
 *
 * The label set is set= of the first line, else the name of the second column,
 * else "label"; the label column is the one named like the set, else the second.
 * Columns named split, predicted and probability are recognised by name; others
 * (label, duration, ...) are carried along.  Without column names a file has two
 * columns, key and label.  Other lines starting with "# " are comments; blank
 * lines are skipped; a field may be empty (unknown).  Keys are unique. */
#ifndef SV_LABELS_H
#define SV_LABELS_H
#include <stddef.h>
#include <stdio.h>

typedef struct Labels {
	char *name;          /* file name, for messages */
	char *set;           /* label set */
	char *root;          /* root= of the first line, or NULL */
	size_t ncols;        /* columns, the key first */
	char **cols;         /* their names */
	long ilabel, isplit, ipred, iprob; /* column indices, -1 when absent */
	size_t n;            /* rows */
	char **f;            /* n x ncols fields ("" when empty) */
	unsigned long *line; /* the line of each row */
	size_t *order;       /* rows sorted by key */
} Labels;

/* Read a labels table ("-" = stdin).  0, or -1 after "prog: FILE:LINE: ...". */
int labels_load(const char *path, Labels *l);
/* The row of a key, or -1. */
long labels_find(const Labels *l, const char *key);
/* The row of a record key: the key itself, else its song (up to its last '#'),
 * or -1. */
long labels_find_record(const Labels *l, const char *key);
/* The label of a record key (labels_find_record), or NULL when the key is not
 * in the table or its label is empty.  This function can't fail. */
const char *labels_label(const Labels *l, const char *key);
/* Field c of row i ("" when empty; "" for c < 0). */
const char *labels_field(const Labels *l, size_t i, long c);
void del_labels(Labels *l);

/* Building a table: an empty one with these columns (root may be NULL), rows
 * appended (fields copied; no tab or newline in them), a column added or
 * replaced (values[n] copied).  These cannot fail (but for memory). */
void labels_init(Labels *l, const char *name, const char *set, const char *root,
    char *const *cols, size_t ncols);
void labels_add(Labels *l, char *const *fields);
void labels_set_column(Labels *l, const char *col, char *const *values);
/* Sort the keys for labels_find after labels_add: 0, or -1 after a message when
 * a key repeats. */
int labels_index(Labels *l);

/* The table as TSV (the two header lines, then the rows), or as JSON:
 * {"set", "root", "classes" (the sorted distinct labels), "songs": [{column:
 * value}], "skipped": [{"path", "reason"}]} with the columns label, duration,
 * probability and margin as numbers.  Errors are left to fshut(fp). */
void labels_write(FILE *fp, const Labels *l);
void labels_write_json(FILE *fp, const Labels *l, char *const *skip_path,
    char *const *skip_why, size_t nskip);
/* The sorted distinct non-empty labels (*k of them, malloc'd array of pointers
 * into l).  Cannot fail. */
const char **labels_classes(const Labels *l, size_t *k);

/* Labels as class numbers 0..k-1: the table's sorted distinct labels (as genres
 * from sorted folder names: DESIGN §7), or names fixed by the caller (a model's),
 * in which case a label outside them is an error.
 *
 *	LabelClasses c;
 *	if (labels_load_classes(path, NULL, 0, &c) < 0) ...  // message printed
 *	long i = labels_class(&c, key);                      // 0..c.k-1, -1: no label
 *	del_label_classes(&c); */
typedef struct LabelClasses {
	Labels t;            /* the table */
	size_t k;            /* classes */
	char **names;        /* their k names */
	long *row;           /* the class of each row of t, -1: empty label */
} LabelClasses;

/* Read a labels table (labels_load) and number its labels; fixed/k: the names,
 * or NULL.  0, or -1 after "prog: FILE:LINE: ..." (labels_load's errors, a label
 * that is not one of the fixed names). */
int labels_load_classes(const char *path, char *const *fixed, size_t k,
    LabelClasses *c);
/* The class of a record key (labels_find_record), or -1 when it has no label.
 * This function can't fail. */
long labels_class(const LabelClasses *c, const char *key);
/* The index of name in names[0..k), or -1.  This function can't fail. */
long labels_name_index(char *const *names, size_t k, const char *name);
/* NULL and a zeroed c are no-ops. */
void del_label_classes(LabelClasses *c);

#endif
