/* classes.h — a label per song from a file of lines "song_id<TAB>label" (more fields
 * after another tab are ignored; blank lines and '#' lines skipped; UTF-8, see
 * textline.h).  The label names, sorted by code point, are numbered 0..k-1 (as
 * genres from sorted folder names: DESIGN §7), unless the caller fixes the names
 * (a model's), in which case a label outside them is an error.
 *
 *	Classes l;
 *	if (classes_load(&l, path, NULL, 0)) ...       // -1: message printed
 *	long c = classes_find(&l, key);                 // 0..l.k-1, or -1: no label
 *	del_classes(&l); */
#ifndef SV_CLASSES_H
#define SV_CLASSES_H

#include "text/terms.h"

typedef struct Classes {
	char *name;          /* the file, for messages */
	unsigned k;          /* label names */
	char **names;        /* k names */
	/* private */
	Terms *keys;         /* song ids */
	long *lab;           /* label of song id i */
} Classes;

/* Read path; names/k: the fixed label names, or NULL.  0, or -1 after a message
 * naming the line (a song given two labels, an empty label, a label not in names,
 * not UTF-8). */
int classes_load(Classes *l, const char *path, char *const *names, unsigned k);
/* This function can't fail. */
long classes_find(const Classes *l, const char *key);
/* The index of a name, or -1.  Can't fail. */
long classes_index(const Classes *l, const char *name);
void del_classes(Classes *l);

#endif
