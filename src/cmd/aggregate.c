/* aggregate — per-song statistics of consecutive records <song>#<n>. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stats.h"
#include "core/key.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] = "[-bt] [-s stats] [file ...]";

enum { ST_MEAN, ST_STD, ST_MIN, ST_MAX, ST_MEDIAN, ST_COUNT, ST_PCT };

typedef struct {
	int kind;
	double p;      /* ST_PCT */
	char name[16]; /* column suffix */
} Stat;

static Stat *stats;
static int nstats;

static void
parse_stats(const char *arg)
{
	char *s = estrdup(arg), *tok, *save = NULL, *end;
	static const char *names[] = { "mean", "std", "min", "max", "median", "count" };
	Stat st;
	int i;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		memset(&st, 0, sizeof st);
		st.kind = -1;
		for (i = 0; i < 6; i++)
			if (!strcmp(tok, names[i]))
				st.kind = i;
		if (st.kind < 0 && tok[0] == 'p' && tok[1] >= '0' && tok[1] <= '9' &&
		    strlen(tok) < sizeof st.name) {
			st.p = strtod(tok + 1, &end);
			if (!*end && st.p >= 0 && st.p <= 100)
				st.kind = ST_PCT;
		}
		if (st.kind < 0) {
			weprintf("-s: unknown statistic '%s' (expected mean, std, min, max, "
				"median, count or pNN)", tok);
			exit(2);
		}
		snprintf(st.name, sizeof st.name, "%s", tok);
		stats = ereallocarray(stats, nstats + 1, sizeof *stats);
		stats[nstats++] = st;
	}
	free(s);
	if (!nstats) {
		weprintf("-s: no statistic given");
		exit(2);
	}
}

/* The records of the song being gathered, as read (n x dim), and the scratch of
 * its statistics. */
typedef struct {
	char *song;    /* its song key */
	size_t dim, n, cap;
	float *rows;   /* n x dim, as read */
	double *col;   /* scratch: one column */
	float *out;    /* dim * nstats */
} Group;

static void
emit(VWriter *w, Group *g)
{
	size_t j, i, m, all;
	int s;
	double v = 0;

	if (!g->n)
		return;
	for (j = 0; j < g->dim; j++) {
		for (i = 0; i < g->n; i++)
			g->col[i] = g->rows[i * g->dim + j];
		all = g->n;
		m = stats_dropnan(g->col, all);
		stats_sort(g->col, m);
		for (s = 0; s < nstats; s++) {
			switch (stats[s].kind) {
			case ST_MEAN: v = stats_mean(g->col, m); break;
			case ST_STD: v = stats_std(g->col, m); break;
			case ST_MIN: v = m ? g->col[0] : NAN; break;
			case ST_MAX: v = m ? g->col[m - 1] : NAN; break;
			case ST_MEDIAN: v = stats_percentile(g->col, m, 50); break;
			case ST_PCT: v = stats_percentile(g->col, m, stats[s].p); break;
			case ST_COUNT: v = (double)m; break;
			}
			g->out[j * nstats + s] = (float)v;
		}
	}
	if (vwriter_write(w, g->song, g->out, g->dim * nstats))
		exit(1);
	g->n = 0;
}

static void
set_header(VWriter *w, VReader *r, size_t dim)
{
	char **cols, buf[64];
	size_t j, len;
	int s;

	cols = ecalloc(dim * nstats, sizeof *cols);
	for (j = 0; j < dim; j++) {
		for (s = 0; s < nstats; s++) {
			if (r->ncols == dim) {
				len = strlen(r->cols[j]) + strlen(stats[s].name) + 2;
				cols[j * nstats + s] = emalloc(len);
				snprintf(cols[j * nstats + s], len, "%s_%s", r->cols[j], stats[s].name);
			} else {
				snprintf(buf, sizeof buf, "c%zu_%s", j, stats[s].name);
				cols[j * nstats + s] = estrdup(buf);
			}
		}
	}
	if (vwriter_header(w, (unsigned)(dim * nstats), 0, (unsigned)(dim * nstats), cols))
		exit(1);
	for (j = 0; j < dim * nstats; j++)
		free(cols[j]);
	free(cols);
}

/* Add r's current record to the song being gathered (writing the previous song
 * when the song key changes); 0, or -1 after a message. */
static int
add_record(VWriter *w, VReader *r, Group *g)
{
	size_t sl = key_song_len(r->key);

	if (r->n != g->dim)
		return vreader_error(r, "%zu values, the first record had %zu", r->n, g->dim);
	if (g->n && (strlen(g->song) != sl || strncmp(g->song, r->key, sl)))
		emit(w, g);
	if (!g->n) {
		free(g->song);
		g->song = estrdup(r->key);
		g->song[sl] = '\0';
		if (!*g->song)
			return vreader_error(r, "key '%s' has an empty song name", r->key);
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->rows = ereallocarray(g->rows, g->cap, g->dim * sizeof *g->rows + 1);
		g->col = ereallocarray(g->col, g->cap, sizeof *g->col);
	}
	memcpy(g->rows + g->n * g->dim, r->val, g->dim * sizeof *g->rows);
	g->n++;
	return 0;
}

/* The records of one input; the first record of all sets the dimension and the
 * header.  0, or -1 after a message. */
static int
read_input(VWriter *w, VReader *r, Group *g, int *started)
{
	int e;

	while ((e = vreader_next(r)) > 0) {
		if (!*started) {
			g->dim = r->n;
			if (g->dim * (size_t)nstats > VS_MAXVALS)
				return vreader_error(r, "%zu values x %d statistics is too many", g->dim,
				    nstats);
			g->out = ereallocarray(NULL, g->dim * nstats + 1, sizeof *g->out);
			set_header(w, r, g->dim);
			*started = 1;
		}
		if (add_record(w, r, g))
			return -1;
	}
	return e;
}

int
main(int argc, char **argv)
{
	VReader *r;
	VWriter *w;
	Group g;
	char **in;
	int c, binary = 0, nin, i, rc = 0, started = 0;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "bs:t")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 't': binary = 0; break;
		case 's': free(stats); stats = NULL; nstats = 0; parse_stats(optarg); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (!nstats)
		parse_stats("mean,std,min,max");
	in = util_operands(argc, argv, &nin);
	memset(&g, 0, sizeof g);
	w = new_vwriter(stdout, "<stdout>", binary);
	for (i = 0; i < nin && !rc; i++) {
		if (!(r = new_vreader(in[i]))) {
			rc = 1;
			break;
		}
		if (read_input(w, r, &g, &started) < 0)
			rc = 1;
		del_vreader(r);
	}
	if (!rc)
		emit(w, &g);
	if (!started)
		set_header(w, NULL, 0);
	if (del_vwriter(w))
		exit(1);
	free(g.song);
	free(g.rows);
	free(g.col);
	free(g.out);
	free(stats);
	return rc;
}
