/* vggish_net.h — the VGGish network (torchvggish / AudioSet VGGish) on OpenBLAS sgemm.
 *
 * Input: examples of 96 x 64 log-mel values (vggish_front.h), as an image of
 * 1 channel, height 96 (frames), width 64 (bands).  Layers (all 3x3 convolutions with
 * padding 1, ReLU; 2x2 max pooling with stride 2):
 *   features.0  conv 1->64     pool      (96x64 -> 48x32)
 *   features.3  conv 64->128   pool      (-> 24x16)
 *   features.6  conv 128->256
 *   features.8  conv 256->256  pool      (-> 12x8)
 *   features.11 conv 256->512
 *   features.13 conv 512->512  pool      (-> 6x4)
 *   flatten in NHWC order (torchvggish transposes to [N,6,4,512] so the fully
 *   connected weights match the TensorFlow checkpoint), then
 *   embeddings.0 fc 12288->4096 ReLU, embeddings.2 fc 4096->4096 ReLU,
 *   embeddings.4 fc 4096->128, ReLU only when final_relu (torchvggish has it, the
 *   original TensorFlow model has not).
 * Weights come from a Weights file: convolutions [out,3,3,in] (OHWI), fully connected
 * [out,in] (torch).  Activations are NHWC, in groups of up to 32 examples per thread.
 * The first convolution (one input channel) is computed directly with its bias, ReLU
 * and pooling; the others use Winograd F(4x4,3x3): input and kernel transforms, 36
 * sgemms per layer over chunks of examples (4x fewer multiplications than the direct
 * convolution), output transform fused with bias, ReLU and pooling.  The kernel
 * transforms are read from the weight file when it has them (features.N.winograd4,
 * [6][6][out][in], vggish-weights(5)), else computed at start-up (72 MB).  The fully
 * connected layers run on batches of up to VN_BATCH examples so the 200 MB fc1 matrix
 * is read once a batch.
 *
 * Postprocessing (vggish_postprocess.py): p = (e - pca_means) . pca_eigen_vectors^T,
 * clipped to [-2, 2], q = (unsigned) ((p + 2) * 255 / 4) (truncation, as uint8()). */
#ifndef SV_VGGISH_NET_H
#define SV_VGGISH_NET_H
#include <stddef.h>
#include "nn/weights.h"

#define VN_DIM 128
#define VN_BATCH 256   /* examples per fully connected batch */

typedef struct VggishNet VggishNet;

/* NULL after a message when a tensor is missing or misshapen.  pca: also require the
 * PCA tensors (pca_eigen_vectors [128,128], pca_means [128]).  nthreads: threads of
 * vggish_net_do (the examples of a batch are split between them for the convolutions,
 * the output columns for the fully connected layers); sets OpenBLAS to one thread,
 * each of these threads calling it. */
VggishNet *new_vggish_net(const Weights *w, int final_relu, int pca, int nthreads);
/* n examples (n * 6144 floats) -> n * 128 raw embeddings; any n */
void vggish_net_do(VggishNet *net, const float *ex, size_t n, float *emb);
/* raw embedding (128) -> postprocessed values 0..255 (128), in place allowed */
void vggish_net_postprocess(const VggishNet *net, const float *emb, float *out);
/* layers (of the 5 Winograd ones) whose kernel transforms are the weight file's
 * features.N.winograd4 tensors (shared); *computed: bytes of those computed at
 * start-up into this process instead (0 when all are stored) */
int vggish_net_stored_kernels(const VggishNet *net, size_t *computed);
/* floating point operations of one example (2 per multiply-add): of the direct
 * convolutions (winograd 0, the usual count) or of what is computed (winograd 1) */
double vggish_net_flops(int winograd);
void del_vggish_net(VggishNet *net);

#endif
