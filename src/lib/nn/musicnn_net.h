/* musicnn_net.h — the MusiCNN network (Pons & Serra 2019, Essentia's models) on the
 * shared layers of nn/conv.h.
 *
 * Input: patches of 187 mel frames x 96 bands (musicnn_front.h), row-major.  Layers,
 * as the TensorFlow.js graph computes them (musicnn_graph.h checks the file):
 *   x' = s0 x + t0 (a batch normalisation folded to two scalars);
 *   front end: five convolutions of x', ReLU, folded batch normalisation, max over
 *     the bands still spanned: timbral 7x38 and 7x67 (204 filters each, time padded
 *     by 3, valid over the bands), temporal 128x1, 64x1, 32x1 (51 each, SAME over
 *     time); concatenated to F [187][561];
 *   mid end: three 1-D convolutions over time (7 taps, 64 filters, time padded by 3;
 *     ReLU, batch normalisation): r1 = conv5(F), r2 = r1 + conv6(r1),
 *     r3 = r2 + conv7(r2);
 *   back end: over time, the maximum and the mean of the 753 features
 *     [F, r1, r2, r3], interleaved (max_0, mean_0, max_1, ...: 1506 values), batch
 *     normalisation, dense 1506 -> 200 with ReLU (the embedding, model/dense/Relu),
 *     batch normalisation, then either dense 200 -> 50 (tagger) or dense 200 -> 100
 *     with ReLU and 100 -> 2 (classifier), and a sigmoid (model/Sigmoid).
 * Weights are the model's own arrays, used in TensorFlow's layout. */
#ifndef SV_MUSICNN_NET_H
#define SV_MUSICNN_NET_H
#include <stddef.h>
#include "nn/tfjs.h"

#define MN_FRAMES 187
#define MN_BANDS 96
#define MN_PATCH (MN_FRAMES * MN_BANDS)   /* floats per patch */
#define MN_EMB 200
#define MN_MAXOUT 50

typedef struct MusicnnNet MusicnnNet;

/* NULL after a message when the model is not MusiCNN (graph or weight shapes).
 * nthreads: threads of musicnn_net_do (patches are split between them); sets
 * OpenBLAS to one thread, each of these threads calling it. */
MusicnnNet *new_musicnn_net(const TfjsModel *m, int nthreads);
/* outputs of model/Sigmoid: 50 (tagger) or 2 (classifier) */
unsigned musicnn_net_nout(const MusicnnNet *n);
/* npatch patches of mel frames (row-major, 96 floats a frame), patch i being the
 * 187 frames from frame i * hop, so frames holds (npatch - 1) * hop + 187 of them
 * (hop 187: npatch independent patches back to back) -> out [npatch][nout]
 * (model/Sigmoid) and, when emb is not NULL, emb [npatch][200] (model/dense/Relu).
 * When patches overlap, the rows of the timbral convolutions they have in common
 * (all but 3 at either end of a patch) are computed once, and so are conv5's
 * products on them; the temporal convolutions' sums over the frames two patches
 * share are computed once and completed by each.  This function can't fail. */
void musicnn_net_do(MusicnnNet *n, const float *frames, size_t npatch, unsigned hop,
    float *out, float *emb);
/* floating point operations of one patch (2 per multiply-add) */
double musicnn_net_flops(void);
void del_musicnn_net(MusicnnNet *n);

#endif
