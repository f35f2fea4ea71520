/* umapmodel.c — UMAP model files (see umapmodel.h). */
#include "ml/umapmodel.h"
#include "core/dtable.h"
#include "core/util.h"
#include "ml/mapnn.h"

#include <stdlib.h>
#include <string.h>

void
umap_save(const UmapModel *m, FILE *fp)
{
	size_t D = m->d + (size_t)m->dims, i, j;
	char **cols = ecalloc(D, sizeof *cols), buf[32];
	double *row = ereallocarray(NULL, D, sizeof *row);

	for (j = 0; j < D; j++) {
		if (j < m->d && m->cols)
			cols[j] = estrdup(m->cols[j]);
		else if (j < m->d)
			snprintf(buf, sizeof buf, "x%zu", j + 1), cols[j] = estrdup(buf);
		else
			snprintf(buf, sizeof buf, "umap%zu", j - m->d + 1), cols[j] = estrdup(buf);
	}
	dtable_put_header(fp, D, "umap", cols, m->n);
	fprintf(fp, "#umap neighbors=%d metric=%s dims=%d epochs=%d a=%.17g b=%.17g\n", m->n_neighbors,
	    mapnn_metric_name(m->metric), m->dims, m->n_epochs, m->a, m->b);
	for (i = 0; i < m->n; i++) {
		for (j = 0; j < m->d; j++)
			row[j] = m->x[i * m->d + j];
		for (j = 0; j < (size_t)m->dims; j++)
			row[m->d + j] = m->emb[i * m->dims + j];
		snprintf(buf, sizeof buf, "%zu", i + 1);
		dtable_put_row(fp, m->keys ? m->keys[i] : buf, row, D);
	}
	for (j = 0; j < D; j++)
		free(cols[j]);
	free(cols);
	free(row);
}

/* the "#umap ..." line of a model file into m; 0, or -1 after a message */
static int
params(UmapModel *m, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, metric[32] = "";
	size_t cap = 0;
	int found = 0;

	if (!fp) {
		weprintf("%s:", path);
		return -1;
	}
	while (!found && getline(&line, &cap, fp) > 0 && line[0] == '#')
		found = sscanf(line, "#umap neighbors=%d metric=%31s dims=%d epochs=%d a=%lf b=%lf",
		    &m->n_neighbors, metric, &m->dims, &m->n_epochs, &m->a, &m->b) == 6;
	free(line);
	fclose(fp);
	m->metric = mapnn_metric(metric);
	if (!found || m->metric < 0 || m->dims < 1 || m->dims > 3 || m->n_neighbors < 2 ||
	    m->n_epochs < 0) {
		weprintf("%s: not a UMAP model (no valid '#umap neighbors=... metric=... dims=... "
		    "epochs=... a=... b=...' line)", path);
		return -1;
	}
	return 0;
}

int
umap_load(UmapModel *m, const char *path)
{
	DTable t;
	size_t i, j;

	memset(m, 0, sizeof *m);
	if (dtable_load(path, &t))
		return -1;
	if (!t.model || strcmp(t.model, "umap") || params(m, path) || t.d <= (size_t)m->dims) {
		if (!t.model || strcmp(t.model, "umap"))
			weprintf("%s: not a UMAP model (model=%s)", path, t.model ? t.model : "none");
		del_dtable(&t);
		return -1;
	}
	if (t.n <= (size_t)m->n_neighbors) {
		weprintf("%s: %zu points, a UMAP model needs more than n_neighbors (%d)", path, t.n,
		    m->n_neighbors);
		del_dtable(&t);
		return -1;
	}
	m->n = t.n;
	m->d = t.d - (size_t)m->dims;
	m->x = ereallocarray(NULL, m->n, m->d * sizeof *m->x);
	m->emb = ereallocarray(NULL, m->n, (size_t)m->dims * sizeof *m->emb);
	for (i = 0; i < m->n; i++)
		for (j = 0; j < t.d; j++) {
			if (j < m->d)
				m->x[i * m->d + j] = (float)t.v[i * t.d + j];
			else
				m->emb[i * m->dims + j - m->d] = (float)t.v[i * t.d + j];
		}
	m->keys = t.keys;
	t.keys = NULL;
	t.n = 0;
	del_dtable(&t);
	return 0;
}

void
del_umap(UmapModel *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; m->keys && i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->x);
	free(m->emb);
	memset(m, 0, sizeof *m);
}
