/* labels.c — labels tables (see labels.h). */
#include "data/labels.h"
#include "core/json.h"
#include "core/key.h"
#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define META "#songvec labels"

static int lerror(const char *name, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "prog: FILE:LINE: message"; returns -1 */
static int
lerror(const char *name, unsigned long line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	weprintf("%s:%lu: %s", name, line, msg);
	return -1;
}

/* split s at tabs in place; returns the field count, fields in *out (grown) */
static size_t
split_tabs(char *s, char ***out, size_t *cap)
{
	size_t n = 0;

	for (;;) {
		if (n == *cap) {
			*cap = *cap ? 2 * *cap : 8;
			*out = ereallocarray(*out, *cap, sizeof **out);
		}
		(*out)[n++] = s;
		if (!(s = strchr(s, '\t')))
			break;
		*s++ = '\0';
	}
	return n;
}

/* "set=NAME root=DIR" of the first line (root= last: the rest of the line) */
static void
meta(Labels *l, char *s)
{
	char *tok, *save = NULL, *r = strstr(s, " root=");

	if (r && r[6]) {
		l->root = estrdup(r + 6);
		*r = '\0';
	}
	for (tok = strtok_r(s, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!strncmp(tok, "set=", 4) && tok[4]) {
			free(l->set);
			l->set = estrdup(tok + 4);
		}
	}
}

static long
colindex(const Labels *l, const char *name)
{
	size_t c;

	for (c = 1; c < l->ncols; c++)
		if (!strcmp(l->cols[c], name))
			return (long)c;
	return -1;
}

/* the columns are known: name the set and find the recognised ones */
static void
set_columns(Labels *l, char **names, size_t n)
{
	size_t c;

	l->ncols = n;
	l->cols = ecalloc(n, sizeof *l->cols);
	for (c = 0; c < n; c++)
		l->cols[c] = estrdup(names[c]);
	if (!l->set)
		l->set = estrdup(n > 1 && *names[1] ? names[1] : "label");
	l->ilabel = colindex(l, l->set);
	if (l->ilabel < 0 && n > 1)
		l->ilabel = 1;
	l->isplit = colindex(l, "split");
	l->ipred = colindex(l, "predicted");
	l->iprob = colindex(l, "probability");
	if (l->ilabel == l->isplit || l->ilabel == l->ipred || l->ilabel == l->iprob)
		l->ilabel = -1;
}

static const Labels *sort_l;

static int
by_key(const void *a, const void *b)
{
	return strcmp(sort_l->f[*(const size_t *)a * sort_l->ncols],
	    sort_l->f[*(const size_t *)b * sort_l->ncols]);
}

/* sort the rows by key; -1 after a message when a key repeats */
static int
index_keys(Labels *l)
{
	size_t i, a, b;

	l->order = ereallocarray(NULL, l->n ? l->n : 1, sizeof *l->order);
	for (i = 0; i < l->n; i++)
		l->order[i] = i;
	sort_l = l;
	qsort(l->order, l->n, sizeof *l->order, by_key);
	for (i = 1; i < l->n; i++) {
		a = l->order[i - 1], b = l->order[i];
		if (!strcmp(l->f[a * l->ncols], l->f[b * l->ncols]))
			return lerror(l->name, l->line[a > b ? a : b], "key '%s' repeats line %lu",
			    l->f[b * l->ncols], l->line[a < b ? a : b]);
	}
	return 0;
}

/* one data line (s is consumed); 0, or -1 after a message */
static int
add_row(Labels *l, char *s, unsigned long line, size_t *cap, char ***tmp, size_t *tmpcap)
{
	size_t n = split_tabs(s, tmp, tmpcap), c;

	if (!l->cols) {
		char *def[2] = { "key", l->set ? l->set : "label" };

		if (n < 2)
			return lerror(l->name, line, "expected key<TAB>label (or a #column line)");
		set_columns(l, def, 2);
	}
	if (n == 1 && l->ncols == 2)
		return lerror(l->name, line, "expected key<TAB>label");
	if (n != l->ncols)
		return lerror(l->name, line, "%zu fields, expected %zu", n, l->ncols);
	if (!*(*tmp)[0])
		return lerror(l->name, line, "empty key");
	if (l->n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		l->f = ereallocarray(l->f, *cap, l->ncols * sizeof *l->f);
		l->line = ereallocarray(l->line, *cap, sizeof *l->line);
	}
	for (c = 0; c < n; c++)
		l->f[l->n * l->ncols + c] = estrdup((*tmp)[c]);
	l->line[l->n++] = line;
	return 0;
}

/* read every line of fp into l; 0, or -1 after a message */
static int
read_lines(Labels *l, FILE *fp)
{
	char *s = NULL, **tmp = NULL;
	size_t scap = 0, cap = 0, tmpcap = 0, len, n;
	unsigned long line = 0;
	ssize_t r;
	int rc = 0;

	while (rc == 0 && (r = getline(&s, &scap, fp)) >= 0) {
		line++;
		len = (size_t)r;
		while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			s[--len] = '\0';
		if (strlen(s) != len)
			rc = lerror(l->name, line, "NUL byte in the line");
		else if (!strncmp(s, META, strlen(META)) && line == 1)
			meta(l, s + strlen(META));
		else if (s[0] == '#' && (s[1] == ' ' || s[1] == '\0'))
			;
		else if (s[0] == '#' && !l->cols && l->n == 0) {
			n = split_tabs(s + 1, &tmp, &tmpcap);
			if (n < 2)
				rc = lerror(l->name, line, "a column line needs at least two names");
			else
				set_columns(l, tmp, n);
		} else if (s[0] == '#')
			;
		else if (len)
			rc = add_row(l, s, line, &cap, &tmp, &tmpcap);
	}
	if (rc == 0 && ferror(fp)) {
		weprintf("%s: read error: %s", l->name, strerror(errno));
		rc = -1;
	}
	free(s);
	free(tmp);
	return rc;
}

int
labels_load(const char *path, Labels *l)
{
	FILE *fp = util_open_in(path, "a labels table");
	int rc;

	memset(l, 0, sizeof *l);
	l->name = estrdup(strcmp(path, "-") ? path : "<stdin>");
	l->ilabel = l->isplit = l->ipred = l->iprob = -1;
	if (!fp) {
		weprintf("%s:", path);
		del_labels(l);
		return -1;
	}
	rc = read_lines(l, fp);
	if (fp != stdin)
		fclose(fp);
	if (rc == 0 && l->n == 0)
		rc = lerror(l->name, 1, "no rows");
	if (rc == 0)
		rc = index_keys(l);
	if (rc)
		del_labels(l);
	return rc;
}

long
labels_find(const Labels *l, const char *key)
{
	size_t lo = 0, hi = l->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key, l->f[l->order[mid] * l->ncols]);
		if (c == 0)
			return (long)l->order[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

long
labels_find_record(const Labels *l, const char *key)
{
	long i = labels_find(l, key);
	size_t n = key_song_len(key);
	char *song;

	if (i >= 0 || n == strlen(key))
		return i;
	song = emalloc(n + 1);
	memcpy(song, key, n);
	song[n] = '\0';
	i = labels_find(l, song);
	free(song);
	return i;
}

const char *
labels_label(const Labels *l, const char *key)
{
	long i = labels_find_record(l, key);
	const char *s = i < 0 ? "" : labels_field(l, (size_t)i, l->ilabel);

	return *s ? s : NULL;
}

const char *
labels_field(const Labels *l, size_t i, long c)
{
	return c < 0 || (size_t)c >= l->ncols ? "" : l->f[i * l->ncols + c];
}

void
del_labels(Labels *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; l->f && i < l->n * l->ncols; i++)
		free(l->f[i]);
	for (i = 0; l->cols && i < l->ncols; i++)
		free(l->cols[i]);
	free(l->f), free(l->cols), free(l->line), free(l->order);
	free(l->name), free(l->set), free(l->root);
	memset(l, 0, sizeof *l);
}

void
labels_init(Labels *l, const char *name, const char *set, const char *root,
    char *const *cols, size_t ncols)
{
	memset(l, 0, sizeof *l);
	l->name = estrdup(name);
	l->set = estrdup(set);
	l->root = root ? estrdup(root) : NULL;
	set_columns(l, (char **)cols, ncols);
}

void
labels_add(Labels *l, char *const *fields)
{
	size_t c;

	if ((l->n & (l->n - 1)) == 0) { /* capacity: powers of two */
		l->f = ereallocarray(l->f, l->n ? 2 * l->n : 1, l->ncols * sizeof *l->f);
		l->line = ereallocarray(l->line, l->n ? 2 * l->n : 1, sizeof *l->line);
	}
	for (c = 0; c < l->ncols; c++)
		l->f[l->n * l->ncols + c] = estrdup(fields[c]);
	l->line[l->n] = l->n + 1;
	l->n++;
}

int
labels_index(Labels *l)
{
	free(l->order);
	l->order = NULL;
	return index_keys(l);
}

void
labels_set_column(Labels *l, const char *col, char *const *values)
{
	long c = colindex(l, col);
	size_t i, j, nc = l->ncols + (c < 0);
	char **f;

	if (c >= 0) {
		for (i = 0; i < l->n; i++) {
			free(l->f[i * l->ncols + c]);
			l->f[i * l->ncols + c] = estrdup(values[i]);
		}
		return;
	}
	f = ereallocarray(NULL, l->n ? l->n : 1, nc * sizeof *f);
	for (i = 0; i < l->n; i++) {
		for (j = 0; j < l->ncols; j++)
			f[i * nc + j] = l->f[i * l->ncols + j];
		f[i * nc + l->ncols] = estrdup(values[i]);
	}
	free(l->f);
	l->f = f;
	l->cols = ereallocarray(l->cols, nc, sizeof *l->cols);
	l->cols[l->ncols] = estrdup(col);
	l->ncols = nc;
	l->isplit = colindex(l, "split");
	l->ipred = colindex(l, "predicted");
	l->iprob = colindex(l, "probability");
}

static void
put_row(FILE *fp, char *const *fields, size_t n)
{
	size_t c;

	for (c = 0; c < n; c++) {
		if (c)
			fputc('\t', fp);
		fputs(fields[c], fp);
	}
	fputc('\n', fp);
}

void
labels_write(FILE *fp, const Labels *l)
{
	size_t i;

	fprintf(fp, "%s set=%s", META, l->set);
	if (l->root)
		fprintf(fp, " root=%s", l->root);
	fputc('\n', fp);
	fputc('#', fp);
	put_row(fp, l->cols, l->ncols);
	for (i = 0; i < l->n; i++)
		put_row(fp, l->f + i * l->ncols, l->ncols);
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **
labels_classes(const Labels *l, size_t *k)
{
	const char **c = ereallocarray(NULL, l->n ? l->n : 1, sizeof *c);
	size_t i, m = 0;

	for (i = 0; i < l->n; i++)
		if (*labels_field(l, i, l->ilabel))
			c[m++] = labels_field(l, i, l->ilabel);
	qsort(c, m, sizeof *c, by_str);
	for (*k = 0, i = 0; i < m; i++)
		if (*k == 0 || strcmp(c[*k - 1], c[i]))
			c[(*k)++] = c[i];
	return c;
}

long
labels_name_index(char *const *names, size_t k, const char *name)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (!strcmp(names[i], name))
			return (long)i;
	return -1;
}

/* the class of label s: its place among the sorted names, or among the fixed ones */
static long
class_of(const LabelClasses *c, const char *s, int fixed)
{
	char **p;

	if (fixed)
		return labels_name_index(c->names, c->k, s);
	p = bsearch(&s, c->names, c->k, sizeof *c->names, by_str);
	return p ? (long)(p - c->names) : -1;
}

int
labels_load_classes(const char *path, char *const *fixed, size_t k, LabelClasses *c)
{
	const char **sorted, *s;
	size_t i, m;

	memset(c, 0, sizeof *c);
	if (labels_load(path, &c->t) < 0)
		return -1;
	sorted = labels_classes(&c->t, &m);
	c->k = fixed ? k : m;
	c->names = ecalloc(c->k ? c->k : 1, sizeof *c->names);
	for (i = 0; i < c->k; i++)
		c->names[i] = estrdup(fixed ? fixed[i] : sorted[i]);
	free(sorted);
	c->row = ecalloc(c->t.n, sizeof *c->row);
	for (i = 0; i < c->t.n; i++) {
		s = labels_field(&c->t, i, c->t.ilabel);
		if ((c->row[i] = *s ? class_of(c, s, fixed != NULL) : -1) < 0 && *s) {
			lerror(c->t.name, c->t.line[i], "label '%s' is not one of the model's %zu labels",
			    s, k);
			del_label_classes(c);
			return -1;
		}
	}
	return 0;
}

long
labels_class(const LabelClasses *c, const char *key)
{
	long i = labels_find_record(&c->t, key);

	return i < 0 ? -1 : c->row[i];
}

void
del_label_classes(LabelClasses *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; c->names && i < c->k; i++)
		free(c->names[i]);
	free(c->names);
	free(c->row);
	del_labels(&c->t);
	memset(c, 0, sizeof *c);
}

static int
numeric_column(const char *name)
{
	return !strcmp(name, "label") || !strcmp(name, "duration") ||
	    !strcmp(name, "probability") || !strcmp(name, "margin");
}

/* one field as JSON: a number for the numeric columns (null when empty) */
static void
json_field(FILE *fp, const char *col, const char *v, long c)
{
	char *end;

	if (c > 0 && numeric_column(col)) {
		strtod(v, &end);
		if (*v && !*end && strspn(v, "0123456789.-+eE") == strlen(v)) {
			fputs(v, fp);
			return;
		}
		if (!*v) {
			fputs("null", fp);
			return;
		}
	}
	json_string(fp, v);
}

void
labels_write_json(FILE *fp, const Labels *l, char *const *skip_path, char *const *skip_why,
    size_t nskip)
{
	const char **cl;
	size_t i, c, k;

	fputs("{\"set\": ", fp);
	json_string(fp, l->set);
	fputs(", \"root\": ", fp);
	if (l->root)
		json_string(fp, l->root);
	else
		fputs("null", fp);
	fputs(", \"classes\": [", fp);
	cl = labels_classes(l, &k);
	for (i = 0; i < k; i++) {
		fputs(i ? ", " : "", fp);
		json_string(fp, cl[i]);
	}
	free(cl);
	fputs("],\n\"songs\": [", fp);
	for (i = 0; i < l->n; i++) {
		fputs(i ? ",\n {" : "\n {", fp);
		for (c = 0; c < l->ncols; c++) {
			fputs(c ? ", " : "", fp);
			json_string(fp, l->cols[c]);
			fputs(": ", fp);
			json_field(fp, l->cols[c], labels_field(l, i, (long)c), (long)c);
		}
		fputc('}', fp);
	}
	fputs("],\n\"skipped\": [", fp);
	for (i = 0; i < nskip; i++) {
		fputs(i ? ",\n {\"path\": " : "\n {\"path\": ", fp);
		json_string(fp, skip_path[i]);
		fputs(", \"reason\": ", fp);
		json_string(fp, skip_why[i]);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
}
