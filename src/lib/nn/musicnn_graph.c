/* musicnn_graph.c — the MusiCNN graph, node by node (see musicnn_graph.h). */
#include "nn/musicnn_graph.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

#define BN(i) "model/batch_normalization" i "/FusedBatchNorm"
#define BNC(i, c) "model/batch_normalization" i "/batchnorm/" c
/* base64 of the attribute strings, as the converter writes them */
#define SAME "U0FNRQ=="
#define VALID "VkFMSUQ="

typedef struct {
	const char *name, *op, *in[6];
	const char *pad;   /* convolutions: SAME or VALID */
	int relu;          /* fused ops BiasAdd + Relu (1) or BiasAdd (0); -1: none */
	int pool;          /* MaxPool: the window along the width */
} Node;

#define CONV(n, in, pad) {"model/conv2d" n "/Relu", "_FusedConv2D", \
	{in, "conv2d" n "/kernel", "conv2d" n "/bias"}, pad, 1, 0}
#define BNORM(i, x) {BN(i) "/Mul", "Mul", {BN(i) "/Scaled", x}, NULL, -1, 0}, \
	{BN(i), "Add", {BN(i) "/Mul", BN(i) "/Offset"}, NULL, -1, 0}
#define FRONT(c, b, p, s, in, pad) CONV(c, in, pad), BNORM(b, "model/conv2d" c "/Relu"), \
	{"model/max_pooling2d" p "/MaxPool", "MaxPool", {BN(b)}, NULL, -1, 0}, \
	{"model/Squeeze" s, "Squeeze", {"model/max_pooling2d" p "/MaxPool"}, NULL, -1, 0}

static const Node common[] = {
	{"model/Placeholder", "Placeholder", {0}, NULL, -1, 0},
	{"model/ExpandDims", "ExpandDims", {"model/Placeholder", "model/ExpandDims/dim"}, NULL, -1, 0},
	{BN("") "/Mul", "Mul", {"model/ExpandDims", BN("") "/Scaled"}, NULL, -1, 0},
	{BN(""), "Add", {BN("") "/Mul", BN("") "/Offset"}, NULL, -1, 0},
	{"model/Pad", "Pad", {BN(""), "model/Pad_3/paddings"}, NULL, -1, 0},
	FRONT("", "_1", "", "", "model/Pad", VALID),
	FRONT("_1", "_2", "_1", "_1", "model/Pad", VALID),
	FRONT("_2", "_3", "_2", "_2", BN(""), SAME),
	FRONT("_3", "_4", "_3", "_3", BN(""), SAME),
	FRONT("_4", "_5", "_4", "_4", BN(""), SAME),
	{"model/concat", "ConcatV2", {"model/Squeeze", "model/Squeeze_1", "model/Squeeze_2",
	    "model/Squeeze_3", "model/Squeeze_4", "model/concat/axis"}, NULL, -1, 0},
	{"model/ExpandDims_1", "ExpandDims", {"model/concat", "model/ExpandDims/dim"}, NULL, -1, 0},
	{"model/Pad_1", "Pad", {"model/ExpandDims_1", "model/Pad_3/paddings"}, NULL, -1, 0},
	CONV("_5", "model/Pad_1", VALID), BNORM("_6", "model/conv2d_5/Relu"),
	{"model/transpose", "Transpose", {BN("_6"), "model/transpose_2/perm"}, NULL, -1, 0},
	{"model/Pad_2", "Pad", {"model/transpose", "model/Pad_3/paddings"}, NULL, -1, 0},
	CONV("_6", "model/Pad_2", VALID), BNORM("_7", "model/conv2d_6/Relu"),
	{"model/transpose_1", "Transpose", {BN("_7"), "model/transpose_2/perm"}, NULL, -1, 0},
	{"model/Add", "Add", {"model/transpose", "model/transpose_1"}, NULL, -1, 0},
	{"model/Pad_3", "Pad", {"model/Add", "model/Pad_3/paddings"}, NULL, -1, 0},
	CONV("_7", "model/Pad_3", VALID), BNORM("_8", "model/conv2d_7/Relu"),
	{"model/transpose_2", "Transpose", {BN("_8"), "model/transpose_2/perm"}, NULL, -1, 0},
	{"model/Add_1", "Add", {"model/Add", "model/transpose_2"}, NULL, -1, 0},
	{"model/concat_1", "ConcatV2", {"model/ExpandDims_1", "model/transpose", "model/Add",
	    "model/Add_1", "model/concat/axis"}, NULL, -1, 0},
	{"model/Max", "Max", {"model/concat_1", "model/Max/reduction_indices"}, NULL, -1, 0},
	{"model/moments/mean", "Mean", {"model/concat_1", "model/moments/mean/reduction_indices"},
	    NULL, -1, 0},
	{"model/moments/Squeeze", "Squeeze", {"model/moments/mean"}, NULL, -1, 0},
	{"model/concat_2", "ConcatV2", {"model/Max", "model/moments/Squeeze", "model/concat/axis"},
	    NULL, -1, 0},
	{"model/flatten/Shape", "Shape", {"model/concat_2"}, NULL, -1, 0},
	{"model/flatten/strided_slice", "StridedSlice", {"model/flatten/Shape",
	    "model/flatten/strided_slice/stack", "model/moments/mean/reduction_indices",
	    "model/moments/mean/reduction_indices"}, NULL, -1, 0},
	{"model/flatten/Reshape/shape", "Pack", {"model/flatten/strided_slice",
	    "model/flatten/Reshape/shape/1"}, NULL, -1, 0},
	{"model/flatten/Reshape", "Reshape", {"model/concat_2", "model/flatten/Reshape/shape"},
	    NULL, -1, 0},
	{BNC("_9", "mul_1"), "Mul", {BNC("_9", "mul"), "model/flatten/Reshape"}, NULL, -1, 0},
	{BNC("_9", "add_1"), "Add", {BNC("_9", "mul_1"), BNC("_9", "sub")}, NULL, -1, 0},
	{"model/dense/Relu", "_FusedMatMul", {BNC("_9", "add_1"), "dense/kernel", "dense/bias"},
	    NULL, 1, 0},
	{BNC("_10", "mul_1"), "Mul", {BNC("_10", "mul"), "model/dense/Relu"}, NULL, -1, 0},
	{BNC("_10", "add_1"), "Add", {BNC("_10", "mul_1"), BNC("_10", "sub")}, NULL, -1, 0},
	{NULL, NULL, {0}, NULL, -1, 0},
};
static const Node tagger[] = {
	{"model/dense_1/BiasAdd", "_FusedMatMul", {BNC("_10", "add_1"), "dense_1/kernel",
	    "dense_1/bias"}, NULL, 0, 0},
	{"model/Sigmoid", "Sigmoid", {"model/dense_1/BiasAdd"}, NULL, -1, 0},
	{NULL, NULL, {0}, NULL, -1, 0},
};
static const Node classifier[] = {
	{"model/dense_1/Relu", "_FusedMatMul", {BNC("_10", "add_1"), "dense_1/kernel",
	    "dense_1/bias"}, NULL, 1, 0},
	{"model/dense_2/BiasAdd", "_FusedMatMul", {"model/dense_1/Relu", "dense_2/kernel",
	    "dense_2/bias"}, NULL, 0, 0},
	{"model/Sigmoid", "Sigmoid", {"model/dense_2/BiasAdd"}, NULL, -1, 0},
	{NULL, NULL, {0}, NULL, -1, 0},
};
/* the MaxPool windows: timbral 96-38+1, 96-67+1; temporal the 96 bands */
static const struct { const char *name; int k; } pools[] = {
	{"model/max_pooling2d/MaxPool", 59}, {"model/max_pooling2d_1/MaxPool", 30},
	{"model/max_pooling2d_2/MaxPool", 96}, {"model/max_pooling2d_3/MaxPool", 96},
	{"model/max_pooling2d_4/MaxPool", 96},
};

/* s with "FusedBatchNormV3" spelt "FusedBatchNorm" (buf: 128 bytes) */
static const char *
canon(const char *s, char *buf)
{
	const char *v = strstr(s, "FusedBatchNormV3");

	if (!v || strlen(s) >= 128)
		return s;
	snprintf(buf, 128, "%.*sFusedBatchNorm%s", (int)(v - s), s, v + 16);
	return buf;
}

static const TfjsNode *
find(const TfjsModel *m, const char *name)
{
	char buf[128];
	size_t i;

	for (i = 0; i < tfjs_nnodes(m); i++)
		if (!strcmp(canon(tfjs_node(m, i)->name, buf), name))
			return tfjs_node(m, i);
	return NULL;
}

/* the i-th string of attr[key].list.s (NULL when none) */
static const char *
attr_s(const TfjsNode *n, const char *key, const char *sub, size_t i)
{
	const JsonVal *a = json_tree_get(n->attr, key);

	if (sub)
		a = json_tree_get(json_tree_get(a, "list"), sub);
	else
		a = json_tree_get(a, "s");
	if (a && a->type == JT_ARR)
		a = i < a->n ? &a->items[i] : NULL;
	return a && a->type == JT_STR ? a->str : NULL;
}

/* 0 when node e is in the file as expected; else -1 after a message */
static int
check_node(const TfjsModel *m, const Node *e)
{
	const TfjsNode *n = find(m, e->name);
	char buf[128];
	const char *op;
	size_t i, k;

	if (!n) {
		weprintf("%s: no node '%s': not a MusiCNN graph", tfjs_path(m), e->name);
		return -1;
	}
	op = !strcmp(n->op, "AddV2") ? "Add" : n->op;
	for (k = 0; k < 6 && e->in[k]; k++)
		;
	for (i = 0; i < n->ninput && i < k && !strcmp(canon(n->input[i], buf), e->in[i]); i++)
		;
	if (strcmp(op, e->op) || n->ninput != k || i < k) {
		weprintf("%s: node '%s' is %s of %zu inputs%s%s, expected %s of (%s, ...): "
		    "not a MusiCNN graph", tfjs_path(m), n->name, n->op, n->ninput,
		    i < n->ninput ? ", input " : "", i < n->ninput ? n->input[i] : "", e->op,
		    k ? e->in[0] : "");
		return -1;
	}
	if (e->pad && (!attr_s(n, "padding", NULL, 0) || strcmp(attr_s(n, "padding", NULL, 0), e->pad))) {
		weprintf("%s: node '%s' has another padding than %s: not a MusiCNN graph",
		    tfjs_path(m), n->name, strcmp(e->pad, SAME) ? "VALID" : "SAME");
		return -1;
	}
	if (e->relu >= 0) {
		const char *a = attr_s(n, "fused_ops", "s", 0), *b = attr_s(n, "fused_ops", "s", 1),
		    *c = attr_s(n, "fused_ops", "s", 2);
		if (!a || strcmp(a, "Qmlhc0FkZA==") || (e->relu ? !b || strcmp(b, "UmVsdQ==") : !!b) || c) {
			weprintf("%s: node '%s' does not fuse %s: not a MusiCNN graph",
			    tfjs_path(m), n->name, e->relu ? "BiasAdd and Relu" : "BiasAdd alone");
			return -1;
		}
	}
	return 0;
}

/* the MaxPool windows [1, 1, k, 1] with strides the same */
static int
check_pools(const TfjsModel *m)
{
	size_t i, j;

	for (i = 0; i < sizeof pools / sizeof *pools; i++) {
		const TfjsNode *n = find(m, pools[i].name);
		for (j = 0; j < 2; j++) {
			const JsonVal *l = json_tree_get(json_tree_get(json_tree_get(n->attr,
			    j ? "strides" : "ksize"), "list"), "i");
			const char *want[4] = {"1", "1", NULL, "1"};
			char k[16];
			size_t d;
			snprintf(k, sizeof k, "%d", pools[i].k);
			want[2] = k;
			for (d = 0; l && l->type == JT_ARR && l->n == 4 && d < 4; d++)
				if (l->items[d].type != JT_STR || strcmp(l->items[d].str, want[d]))
					break;
			if (!l || l->type != JT_ARR || l->n != 4 || d < 4) {
				weprintf("%s: node '%s': not a max-pooling over %d bands: not a "
				    "MusiCNN graph", tfjs_path(m), pools[i].name, pools[i].k);
				return -1;
			}
		}
	}
	return 0;
}

/* the int32 constants: paddings, permutation, axes */
static int
check_ints(const TfjsModel *m)
{
	static const struct { const char *name; size_t n; int32_t v[8]; } c[] = {
		{"model/Pad_3/paddings", 8, {0, 0, 3, 3, 0, 0, 0, 0}},
		{"model/transpose_2/perm", 4, {0, 1, 3, 2}},
		{"model/concat/axis", 1, {2}},
		{"model/ExpandDims/dim", 1, {3}},
		{"model/Max/reduction_indices", 1, {1}},
		{"model/moments/mean/reduction_indices", 1, {1}},
	};
	size_t i;

	for (i = 0; i < sizeof c / sizeof *c; i++) {
		const int32_t *v = tfjs_ints(m, c[i].name, c[i].n);
		if (!v)
			return -1;
		if (memcmp(v, c[i].v, c[i].n * sizeof *v)) {
			weprintf("%s: constant '%s' has other values than MusiCNN's: not a "
			    "MusiCNN graph", tfjs_path(m), c[i].name);
			return -1;
		}
	}
	return 0;
}

int
musicnn_graph_check(const TfjsModel *m)
{
	const Node *tail = find(m, "model/dense_2/BiasAdd") ? classifier : tagger, *e;
	size_t ncomp = 0, nexp = 0, i;

	for (e = common; e->name; e++, nexp++)
		if (check_node(m, e))
			return -1;
	for (e = tail; e->name; e++, nexp++)
		if (check_node(m, e))
			return -1;
	if (check_pools(m) || check_ints(m))
		return -1;
	for (i = 0; i < tfjs_nnodes(m); i++) {
		const TfjsNode *n = tfjs_node(m, i);
		/* a training-mode flag placeholder is in some files, used by no node */
		if (strcmp(n->op, "Const") && strcmp(n->name, "model/Placeholder_1"))
			ncomp++;
	}
	if (ncomp != nexp) {
		weprintf("%s: %zu computing nodes, MusiCNN has %zu: not a MusiCNN graph",
		    tfjs_path(m), ncomp, nexp);
		return -1;
	}
	return tail == classifier ? MG_CLASSIFIER : MG_TAGGER;
}

const char *
musicnn_graph_bn(const TfjsModel *m, int i, const char *what, char *buf)
{
	const TfjsNode *n;
	char name[64];

	snprintf(name, sizeof name, "model/batch_normalization%s%.0d/FusedBatchNorm",
	    i ? "_" : "", i);
	n = find(m, name);
	snprintf(buf, 96, "%s/%s", n ? n->name : name, what);
	return buf;
}
