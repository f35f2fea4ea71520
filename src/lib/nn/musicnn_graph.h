/* musicnn_graph.h — is a TensorFlow.js graph the MusiCNN network musicnn_net runs?
 *
 * Essentia's MusiCNN models (msd-musicnn-1: 50 MSD tags; the *-musicnn-msd-2
 * classifiers: 2 classes) are one graph with two tails.  Every node that computes
 * (all but the constants) must be the expected one: the same name, op and inputs,
 * the convolutions' padding and fused ops, the poolings' windows, and the constant
 * paddings, permutations and axes their values; the weights must have MusiCNN's
 * shapes (checked when musicnn_net takes them).  Names may use TensorFlow's
 * FusedBatchNorm or FusedBatchNormV3, ops Add or AddV2. */
#ifndef SV_MUSICNN_GRAPH_H
#define SV_MUSICNN_GRAPH_H
#include "nn/tfjs.h"

enum { MG_TAGGER, MG_CLASSIFIER };

/* MG_TAGGER or MG_CLASSIFIER; -1 after a message naming model.json and the first
 * node that differs */
int musicnn_graph_check(const TfjsModel *m);
/* the name of a batch normalisation constant as the file spells it:
 * musicnn_graph_bn(m, 3, "Scaled") = "model/batch_normalization_3/FusedBatchNorm/Scaled"
 * or ".../FusedBatchNormV3/Scaled" (buf: 96 bytes) */
const char *musicnn_graph_bn(const TfjsModel *m, int i, const char *what, char *buf);

#endif
