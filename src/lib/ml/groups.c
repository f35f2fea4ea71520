/* groups.c — parse and resolve feature-group weights (see groups.h). */
#include "ml/groups.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name, *sel; double w; } SEED[] = {
	{ "rhythmic", "3:11", 1.1 },
	{ "spectral", "11:31", 0.85 },
	{ "mfcc", "31:83", 1.05 },
	{ "vggish", "95:223", 1.2 },
};

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static void
add(Groups *gs, const char *name, const char *sel, double w)
{
	gs->g = ereallocarray(gs->g, gs->n + 1, sizeof *gs->g);
	gs->g[gs->n].name = estrdup(name);
	gs->g[gs->n].sel = estrdup(sel);
	gs->g[gs->n].w = w;
	gs->n++;
}

/* one "[NAME=]COLUMNS*WEIGHT" (modified in place); 0 ok, -1 bad */
static int
parse_one(Groups *gs, char *s)
{
	char *star, *eq, *name, *sel, *end;
	double w;

	s = trim(s);
	if (!(star = strrchr(s, '*')))
		return -1;
	*star = 0;
	errno = 0;
	w = strtod(trim(star + 1), &end);
	if (errno || end == trim(star + 1) || *end || !isfinite(w) || w < 0)
		return -1;
	if ((eq = strchr(s, '='))) {
		*eq = 0;
		name = trim(s);
		sel = trim(eq + 1);
		if (!*name)
			return -1;
	} else {
		name = sel = trim(s);
	}
	if (!*sel)
		return -1;
	add(gs, name, sel, w);
	return 0;
}

int
groups_parse(Groups *gs, const char *spec, const char *where)
{
	char *buf = estrdup(spec), *p, *comma, *copy;
	int rc = 0;

	for (p = buf; p; p = comma ? comma + 1 : NULL) {
		if ((comma = strchr(p, ',')))
			*comma = 0;
		if (!*trim(p))
			continue;
		copy = estrdup(trim(p));
		if (parse_one(gs, p)) {
			weprintf("%s: bad group '%s' (expected [NAME=]COLUMNS*WEIGHT)", where, copy);
			free(copy);
			rc = -1;
			break;
		}
		free(copy);
	}
	free(buf);
	return rc;
}

int
groups_file(Groups *gs, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *s, *copy;
	size_t cap = 0;
	unsigned long lineno = 0;
	int rc = 0;

	if (!fp) {
		weprintf("%s:", path);
		return -1;
	}
	while (getline(&line, &cap, fp) >= 0) {
		lineno++;
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		copy = estrdup(s);
		if (parse_one(gs, s)) {
			weprintf("%s:%lu: bad group '%s' (expected [NAME=]COLUMNS*WEIGHT)", path, lineno, copy);
			free(copy);
			rc = -1;
			break;
		}
		free(copy);
	}
	if (!rc && ferror(fp)) {
		weprintf("%s: read error:", path);
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

void
groups_default(Groups *gs)
{
	size_t i;

	for (i = 0; i < sizeof SEED / sizeof SEED[0]; i++)
		add(gs, SEED[i].name, SEED[i].sel, SEED[i].w);
}

/* an index: digits only; -1 when s is empty, -2 when not a number */
static long
index_of(const char *s)
{
	char *end;
	long v;

	if (!*s)
		return -1;
	if (!isdigit((unsigned char)*s))
		return -2;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -2;
	return v;
}

int
groups_resolve(const Groups *gs, size_t d, char *const *cols, double *weight,
    const char *input)
{
	size_t i, j, nmatch;
	const Group *g;
	const char *colon;
	char lo_s[32], *hi_s;
	long lo, hi;

	for (j = 0; j < d; j++)
		weight[j] = 1;
	for (i = 0; i < gs->n; i++) {
		g = &gs->g[i];
		colon = strchr(g->sel, ':');
		if (colon && (size_t)(colon - g->sel) < sizeof lo_s) {
			memcpy(lo_s, g->sel, colon - g->sel);
			lo_s[colon - g->sel] = 0;
			hi_s = (char *)colon + 1;
			lo = index_of(lo_s);
			hi = index_of(hi_s);
			if (lo != -2 && hi != -2) {
				if (lo == -1)
					lo = 0;
				if (hi == -1)
					hi = (long)d;
				if (lo >= hi || (size_t)hi > d) {
					weprintf("%s: group '%s' (%s) is outside the %zu columns of the input",
					    input, g->name, g->sel, d);
					return -1;
				}
				for (j = (size_t)lo; j < (size_t)hi; j++)
					weight[j] = g->w;
				continue;
			}
		}
		if ((lo = index_of(g->sel)) >= 0) {
			if ((size_t)lo >= d) {
				weprintf("%s: group '%s' (%s) is outside the %zu columns of the input",
				    input, g->name, g->sel, d);
				return -1;
			}
			weight[lo] = g->w;
			continue;
		}
		if (!cols) {
			weprintf("%s: group '%s' selects columns by name (%s) but the input has no column names",
			    input, g->name, g->sel);
			return -1;
		}
		for (j = 0, nmatch = 0; j < d; j++)
			if (!fnmatch(g->sel, cols[j], 0)) {
				weight[j] = g->w;
				nmatch++;
			}
		if (!nmatch) {
			weprintf("%s: group '%s' (%s) matches no column name", input, g->name, g->sel);
			return -1;
		}
	}
	return 0;
}

void
del_groups(Groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++) {
		free(gs->g[i].name);
		free(gs->g[i].sel);
	}
	free(gs->g);
	gs->g = NULL;
	gs->n = 0;
}
