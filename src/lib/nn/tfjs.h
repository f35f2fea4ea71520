/* tfjs.h — a TensorFlow.js graph model read as it is: DIR/model.json (format
 * "graph-model": the graph's nodes and a weights manifest) and the weight shards
 * it names, beside it.
 *
 * The manifest lists groups {paths, weights}; a group's weights (name, shape, dtype
 * float32 or int32, no quantization) are stored little-endian, back to back in
 * manifest order, over the concatenation of its shard files.  new_tfjs_model checks
 * that every shard exists and that the shards hold exactly the bytes the manifest
 * needs (a short shard is named as truncated).  The model is held in memory (the
 * shards are read once; a few MB for MusiCNN). */
#ifndef SV_TFJS_H
#define SV_TFJS_H
#include <stddef.h>
#include <stdint.h>
#include "core/jsontree.h"

typedef struct TfjsModel TfjsModel;

typedef struct {
	const char *name, *op;
	size_t ninput;
	const char **input;
	const JsonVal *attr;     /* the node's "attr" object (NULL when none) */
} TfjsNode;

/* NULL after a message "prog: DIR/model.json: ..." (or naming the shard) when a file
 * is missing, unreadable, not a graph model, or inconsistent with its manifest. */
TfjsModel *new_tfjs_model(const char *dir);
/* the nodes of the graph, in file order */
size_t tfjs_nnodes(const TfjsModel *m);
const TfjsNode *tfjs_node(const TfjsModel *m, size_t i);
/* a float32 weight with exactly these dims (ndim <= 4; ndim 0 = a scalar); NULL after
 * a message naming model.json when it is missing or has another dtype or shape */
const float *tfjs_floats(const TfjsModel *m, const char *name, unsigned ndim, const unsigned *dims);
/* an int32 weight of n values; NULL after a message as tfjs_floats */
const int32_t *tfjs_ints(const TfjsModel *m, const char *name, size_t n);
/* "DIR/model.json" */
const char *tfjs_path(const TfjsModel *m);
void del_tfjs_model(TfjsModel *m);

#endif
