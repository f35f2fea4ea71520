/* tfjs.c — TensorFlow.js graph models (see tfjs.h). */
#include "nn/tfjs.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *name;
	int isint;
	unsigned ndim, dims[4];
	size_t count, off;       /* elements; byte offset into data */
} Tensor;

struct TfjsModel {
	char *path, *dir;
	JsonVal *json;
	TfjsNode *nodes;
	size_t nnodes;
	Tensor *t;
	size_t nt;
	unsigned char *data;
	size_t size;
};

/* the whole of a file; NULL after a message */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0, cap = 0, k;

	if (!fp) {
		weprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (n == cap)
			b = erealloc(b, (cap = cap ? 2 * cap : 65536) + 1);
		n += k = fread(b + n, 1, cap - n, fp);
	} while (k > 0);
	if (ferror(fp)) {
		weprintf("%s: read error: %s", path, strerror(errno));
		fclose(fp);
		free(b);
		return NULL;
	}
	fclose(fp);
	b[n] = 0;
	*len = n;
	return b;
}

static int
bad(const TfjsModel *m, const char *what)
{
	weprintf("%s: %s", m->path, what);
	return -1;
}

/* the graph's nodes: modelTopology.node[i] = {name, op, input[], attr} */
static int
read_nodes(TfjsModel *m)
{
	const JsonVal *nodes = json_tree_get(json_tree_get(m->json, "modelTopology"), "node");
	size_t i, j;

	if (!nodes || nodes->type != JT_ARR)
		return bad(m, "no modelTopology.node list: not a TensorFlow.js graph model");
	m->nodes = ecalloc(nodes->n ? nodes->n : 1, sizeof *m->nodes);
	for (i = 0; i < nodes->n; i++) {
		const JsonVal *n = &nodes->items[i], *name = json_tree_get(n, "name"),
		    *op = json_tree_get(n, "op"), *in = json_tree_get(n, "input");
		TfjsNode *d = &m->nodes[m->nnodes++];

		if (!name || name->type != JT_STR || !op || op->type != JT_STR ||
		    (in && in->type != JT_ARR))
			return bad(m, "a graph node without a name or op");
		d->name = name->str;
		d->op = op->str;
		d->attr = json_tree_get(n, "attr");
		d->ninput = in ? in->n : 0;
		d->input = ecalloc(d->ninput ? d->ninput : 1, sizeof *d->input);
		for (j = 0; j < d->ninput; j++) {
			if (in->items[j].type != JT_STR)
				return bad(m, "a graph node input that is not a string");
			d->input[j] = in->items[j].str;
		}
	}
	return 0;
}

/* one manifest entry {name, shape, dtype} at byte offset *off */
static int
read_weight(TfjsModel *m, const JsonVal *w, size_t *off)
{
	const JsonVal *name = json_tree_get(w, "name"), *shape = json_tree_get(w, "shape"),
	    *dtype = json_tree_get(w, "dtype");
	Tensor *t = &m->t[m->nt++];
	size_t i;

	if (!name || name->type != JT_STR || !shape || shape->type != JT_ARR || shape->n > 4 ||
	    !dtype || dtype->type != JT_STR)
		return bad(m, "a weights manifest entry without a name, a shape (at most 4 "
		    "dimensions) or a dtype");
	if (json_tree_get(w, "quantization")) {
		weprintf("%s: weight '%s' is quantized: not supported (convert the model "
		    "without quantization)", m->path, name->str);
		return -1;
	}
	t->name = name->str;
	t->isint = !strcmp(dtype->str, "int32");
	if (!t->isint && strcmp(dtype->str, "float32")) {
		weprintf("%s: weight '%s' has dtype '%s' (expected float32 or int32)",
		    m->path, t->name, dtype->str);
		return -1;
	}
	t->ndim = (unsigned)shape->n;
	t->count = 1;
	for (i = 0; i < shape->n; i++) {
		double d = shape->items[i].num;
		if (shape->items[i].type != JT_NUM || d < 0 || d > 1e9 || d != (unsigned)d)
			return bad(m, "a weight shape that is not a list of sizes");
		t->dims[i] = (unsigned)d;
		if (t->count > ((size_t)1 << 40) / (d + 1))
			return bad(m, "a weight too large");
		t->count *= t->dims[i];
	}
	t->off = *off;
	*off += 4 * t->count;
	return 0;
}

/* the shards of a group, appended to m->data: exactly need bytes in all */
static int
read_shards(TfjsModel *m, const JsonVal *paths, size_t need)
{
	size_t i, len, got = 0;
	char *p, *b;

	for (i = 0; i < paths->n; i++) {
		if (paths->items[i].type != JT_STR || strchr(paths->items[i].str, '/'))
			return bad(m, "a shard path that is not a file name beside model.json");
		p = emalloc(strlen(m->dir) + strlen(paths->items[i].str) + 2);
		sprintf(p, "%s/%s", m->dir, paths->items[i].str);
		if (!(b = slurp(p, &len))) {
			free(p);
			return -1;
		}
		if (got + len > need || (i + 1 == paths->n && got + len < need)) {
			if (got + len > need)
				weprintf("%s: %zu bytes, more than the %zu the manifest of %s needs: "
				    "not this model's weights", p, len, need - got, m->path);
			else
				weprintf("%s: %zu bytes, the manifest of %s needs %zu: truncated",
				    p, len, m->path, need - got);
			free(b);
			free(p);
			return -1;
		}
		m->data = erealloc(m->data, m->size + len + 1);
		memcpy(m->data + m->size, b, len);
		m->size += len;
		got += len;
		free(b);
		free(p);
	}
	return 0;
}

static int
read_manifest(TfjsModel *m)
{
	const JsonVal *man = json_tree_get(m->json, "weightsManifest");
	size_t g, i, total = 0, off, nw = 0;

	if (!man || man->type != JT_ARR)
		return bad(m, "no weightsManifest list: not a TensorFlow.js graph model");
	for (g = 0; g < man->n; g++) {
		const JsonVal *w = json_tree_get(&man->items[g], "weights");
		nw += w && w->type == JT_ARR ? w->n : 0;
	}
	m->t = ecalloc(nw ? nw : 1, sizeof *m->t);
	for (g = 0; g < man->n; g++) {
		const JsonVal *w = json_tree_get(&man->items[g], "weights"),
		    *paths = json_tree_get(&man->items[g], "paths");
		if (!w || w->type != JT_ARR || !paths || paths->type != JT_ARR || !paths->n)
			return bad(m, "a weightsManifest group without paths or weights");
		off = total;
		for (i = 0; i < w->n; i++)
			if (read_weight(m, &w->items[i], &off))
				return -1;
		if (read_shards(m, paths, off - total))
			return -1;
		total = off;
	}
	return 0;
}

TfjsModel *
new_tfjs_model(const char *dir)
{
	TfjsModel *m = ecalloc(1, sizeof *m);
	const JsonVal *fmt;
	char err[160], *text;
	size_t len;

	m->dir = estrdup(dir);
	m->path = emalloc(strlen(dir) + sizeof "/model.json");
	sprintf(m->path, "%s/model.json", dir);
	if (!(text = slurp(m->path, &len)))
		goto fail;
	m->json = new_json_tree(text, len, err, sizeof err);
	free(text);
	if (!m->json) {
		weprintf("%s: not JSON: %s", m->path, err);
		goto fail;
	}
	fmt = json_tree_get(m->json, "format");
	if (!fmt || fmt->type != JT_STR || strcmp(fmt->str, "graph-model")) {
		bad(m, "not a TensorFlow.js graph model (format is not \"graph-model\")");
		goto fail;
	}
	if (read_nodes(m) || read_manifest(m))
		goto fail;
	return m;
fail:
	del_tfjs_model(m);
	return NULL;
}

size_t
tfjs_nnodes(const TfjsModel *m)
{
	return m->nnodes;
}

const TfjsNode *
tfjs_node(const TfjsModel *m, size_t i)
{
	return i < m->nnodes ? &m->nodes[i] : NULL;
}

/* the weight of that name, NULL after a message when missing */
static const Tensor *
find(const TfjsModel *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nt; i++)
		if (!strcmp(m->t[i].name, name))
			return &m->t[i];
	weprintf("%s: no weight '%s' in the manifest: not the expected model", m->path, name);
	return NULL;
}

const float *
tfjs_floats(const TfjsModel *m, const char *name, unsigned ndim, const unsigned *dims)
{
	const Tensor *t = find(m, name);
	unsigned i;

	if (!t)
		return NULL;
	for (i = 0; i < ndim && i < t->ndim && t->dims[i] == dims[i]; i++)
		;
	if (t->isint || t->ndim != ndim || i < ndim) {
		char want[64] = "", got[64] = "";
		for (i = 0; i < ndim; i++)
			snprintf(want + strlen(want), sizeof want - strlen(want), "%s%u", i ? "," : "", dims[i]);
		for (i = 0; i < t->ndim; i++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%u", i ? "," : "", t->dims[i]);
		weprintf("%s: weight '%s' is %s [%s], expected float32 [%s]: not the expected model",
		    m->path, name, t->isint ? "int32" : "float32", got, want);
		return NULL;
	}
	return (const float *)(m->data + t->off);
}

const int32_t *
tfjs_ints(const TfjsModel *m, const char *name, size_t n)
{
	const Tensor *t = find(m, name);

	if (!t)
		return NULL;
	if (!t->isint || t->count != n) {
		weprintf("%s: weight '%s' is not %zu int32 values: not the expected model",
		    m->path, name, n);
		return NULL;
	}
	return (const int32_t *)(m->data + t->off);
}

const char *
tfjs_path(const TfjsModel *m)
{
	return m->path;
}

void
del_tfjs_model(TfjsModel *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nnodes; i++)
		free(m->nodes[i].input);
	free(m->nodes);
	free(m->t);
	free(m->data);
	del_json_tree(m->json);
	free(m->path);
	free(m->dir);
	free(m);
}
