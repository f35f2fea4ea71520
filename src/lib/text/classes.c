/* classes.c — song labels from a TSV file (see classes.h). */
#include "text/classes.h"
#include "text/textline.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static const Terms *sort_names;

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(terms_str(sort_names, *(const size_t *)a), terms_str(sort_names, *(const size_t *)b));
}

/* number the label names: sorted, or those given; -1 after a message */
static int
number(Classes *l, Terms *names, const long *raw, size_t n, char *const *fixed, unsigned k)
{
	size_t m = terms_count(names), i, *order = ecalloc(m ? m : 1, sizeof *order);
	long *to = ecalloc(m ? m : 1, sizeof *to);
	int rc = 0;

	for (i = 0; i < m; i++)
		order[i] = i;
	sort_names = names;
	qsort(order, m, sizeof *order, cmp_name);
	l->k = fixed ? k : (unsigned)m;
	l->names = ecalloc(l->k ? l->k : 1, sizeof *l->names);
	for (i = 0; i < l->k; i++)
		l->names[i] = estrdup(fixed ? fixed[i] : terms_str(names, order[i]));
	for (i = 0; i < m && !rc; i++) {
		to[order[i]] = fixed ? classes_index(l, terms_str(names, order[i])) : (long)i;
		if (to[order[i]] < 0) {
			weprintf("%s: label '%s' is not one of the model's %u labels", l->name,
			    terms_str(names, order[i]), k);
			rc = -1;
		}
	}
	l->lab = ecalloc(n ? n : 1, sizeof *l->lab);
	for (i = 0; i < n && !rc; i++)
		l->lab[i] = to[raw[i]];
	free(order);
	free(to);
	return rc;
}

int
classes_load(Classes *l, const char *path, char *const *fixed, unsigned k)
{
	TextLine *r;
	Terms *names = new_terms();
	long *raw = NULL;
	size_t cap = 0, id, len, n;
	int e;

	memset(l, 0, sizeof *l);
	l->keys = new_terms();
	if (!(r = new_textline(path)))
		goto fail;
	l->name = estrdup(r->name);
	while ((e = textline_next(r)) > 0) {
		len = strcspn(r->text, "\t");
		if (!len) {
			e = textline_error(r, "no label after the song id");
			break;
		}
		n = terms_count(l->keys);
		if ((id = terms_add(l->keys, r->key, strlen(r->key))) < n) {
			e = textline_error(r, "song '%s' has a second label", r->key);
			break;
		}
		if (id >= cap) {
			cap = cap ? 2 * cap : 256;
			raw = ereallocarray(raw, cap, sizeof *raw);
		}
		raw[id] = (long)terms_add(names, r->text, len);
	}
	del_textline(r);
	if (e < 0 || number(l, names, raw, terms_count(l->keys), fixed, k))
		goto fail;
	free(raw);
	del_terms(names);
	return 0;
fail:
	free(raw);
	del_terms(names);
	del_classes(l);
	return -1;
}

long
classes_find(const Classes *l, const char *key)
{
	long id = terms_find(l->keys, key, strlen(key));

	return id < 0 ? -1 : l->lab[id];
}

long
classes_index(const Classes *l, const char *name)
{
	unsigned i;

	for (i = 0; i < l->k; i++)
		if (!strcmp(l->names[i], name))
			return (long)i;
	return -1;
}

void
del_classes(Classes *l)
{
	unsigned i;

	for (i = 0; l->names && i < l->k; i++)
		free(l->names[i]);
	free(l->names);
	free(l->name);
	free(l->lab);
	del_terms(l->keys);
	memset(l, 0, sizeof *l);
}
