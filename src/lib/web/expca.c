/* expca.c — the explorer's computed PCA-2 map (see expca.h). */
#include "web/expca.h"
#include "web/exdb.h"
#include "ml/pca.h"
#include "core/json.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PCA_DIMS 2

/* The songs table as a PcaSource: the rows with a vector (feature_blob, else the
 * JSON feature_vector, as dbload export reads them), by song id. */
typedef struct SongRows {
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t d;
	float *x;          /* PCA_BLOCK x d */
	char *key[PCA_BLOCK];
	float *tmp;        /* a JSON vector */
	size_t tmpcap;
	int done;          /* the statement ended (stepping again would restart it) */
} SongRows;

/* the current row's vector into out (d floats); 1 done, 0 no vector, -1 after a
 * message (another length) */
static int
row_vector(SongRows *s, float *out)
{
	const void *b = sqlite3_column_blob(s->st, 1);
	int nb = sqlite3_column_bytes(s->st, 1);
	const char *j;
	size_t n;

	if (b && nb % 4 == 0) {
		n = (size_t)nb / 4;
		if (n == s->d)
			memcpy(out, b, s->d * sizeof(float));
	} else if ((j = (const char *)sqlite3_column_text(s->st, 2))) {
		if (json_parse_floats(j, &s->tmp, &n, &s->tmpcap))
			return 0;
		if (n == s->d)
			memcpy(out, s->tmp, s->d * sizeof(float));
	} else {
		return 0;
	}
	if (n == s->d)
		return 1;
	weprintf("%s: song '%s': %zu values, the first song's vector has %zu",
	    sqlite3_db_filename(s->h, "main"), exdb_text(s->st, 0), n, s->d);
	return -1;
}

/* the next row with a vector into out, its id into *key; 1, 0 at the end, -1 */
static int
next_vector(SongRows *s, float *out, char **key)
{
	int rc, v;

	if (s->done)
		return 0;
	while ((rc = sqlite3_step(s->st)) == SQLITE_ROW) {
		if ((v = row_vector(s, out)) < 0)
			return -1;
		if (v) {
			free(*key);
			*key = estrdup(exdb_text(s->st, 0));
			return 1;
		}
	}
	s->done = 1;
	if (rc == SQLITE_DONE)
		return 0;
	weprintf("%s: %s", sqlite3_db_filename(s->h, "main"), sqlite3_errmsg(s->h));
	return -1;
}

/* start the rows again */
static void
rows_reset(SongRows *s)
{
	sqlite3_reset(s->st);
	s->done = 0;
}

static long
rows_next(void *arg, const float **x)
{
	SongRows *s = arg;
	long n = 0;
	int e = 1;

	while (n < PCA_BLOCK && (e = next_vector(s, s->x + (size_t)n * s->d, &s->key[n])) > 0)
		n++;
	*x = s->x;
	return e < 0 ? -1 : n;
}

static int
rows_rewind(void *arg)
{
	rows_reset(arg);
	return 0;
}

static const char *
rows_key(void *arg, size_t i)
{
	return ((SongRows *)arg)->key[i];
}

/* the length of the first stored vector into s->d; 0, or -1 after a message
 * (none, a database error) */
static int
first_dim(SongRows *s)
{
	float *one = NULL;
	size_t cap = 0;
	int rc;

	s->d = (size_t)-1;
	while ((rc = sqlite3_step(s->st)) == SQLITE_ROW) {
		const char *j = (const char *)sqlite3_column_text(s->st, 2);
		int nb = sqlite3_column_bytes(s->st, 1);

		if (sqlite3_column_blob(s->st, 1) && nb % 4 == 0 && nb > 0) {
			s->d = (size_t)nb / 4;
			break;
		}
		if (j && !json_parse_floats(j, &one, &s->d, &cap) && s->d > 0)
			break;
		s->d = (size_t)-1;
	}
	free(one);
	rows_reset(s);
	if (s->d != (size_t)-1)
		return 0;
	weprintf("%s: %s", sqlite3_db_filename(s->h, "main"), rc == SQLITE_DONE ?
	    "no song has a vector: nothing to map" : sqlite3_errmsg(s->h));
	return -1;
}

/* The scores of the songs id[0..n) that have a vector: one more pass, applying pm
 * to blocks of them.  0 or -1 after a message. */
static int
apply_ids(SongRows *s, const PcaModel *pm, char *const *id, size_t n, float *x, float *y)
{
	size_t at[PCA_BLOCK], nb = 0, i = 0, j;
	float out[PCA_BLOCK * PCA_DIMS];
	int e, c = 0;

	for (j = 0; j < n; j++)
		x[j] = y[j] = NAN;
	rows_reset(s);
	for (;;) {
		if ((e = next_vector(s, s->x + nb * s->d, &s->key[nb])) > 0) {
			while (i < n && (c = strcmp(id[i], s->key[nb])) < 0)
				i++;
			if (i < n && c == 0)
				at[nb++] = i++;
		}
		if (nb && (nb == PCA_BLOCK || e <= 0)) {
			pca_apply(pm, s->x, nb, out);
			for (j = 0; j < nb; j++) {
				x[at[j]] = out[j * PCA_DIMS];
				y[at[j]] = out[j * PCA_DIMS + 1];
			}
			nb = 0;
		}
		if (e <= 0)
			break;
	}
	return e < 0 ? -1 : 0;
}

int
expca_map(sqlite3 *h, char *const *id, size_t n, float *x, float *y)
{
	SongRows s = { .h = h };
	PcaSource src = { .name = sqlite3_db_filename(h, "main"), .arg = &s, .next = rows_next,
		.rewind = rows_rewind, .key = rows_key };
	PcaModel pm;
	size_t i;
	int rc = -1;

	s.st = exdb_prepare(h, "SELECT song_id, feature_blob, feature_vector FROM songs "
	    "ORDER BY song_id", 0);
	if (!s.st || first_dim(&s))
		goto out;
	src.d = s.d;
	s.x = emallocarray(PCA_BLOCK, s.d * sizeof(float));
	if (pca_fit_source(&pm, &src, PCA_DIMS))
		goto out;
	rc = apply_ids(&s, &pm, id, n, x, y);
	del_pca(&pm);
out:
	for (i = 0; i < PCA_BLOCK; i++)
		free(s.key[i]);
	free(s.x);
	free(s.tmp);
	sqlite3_finalize(s.st);
	return rc;
}
