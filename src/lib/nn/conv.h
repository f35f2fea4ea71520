/* conv.h — the layers the networks share (vggish_net, musicnn_net), on OpenBLAS sgemm
 * called from the project's pool threads (each thread calls OpenBLAS single-threaded).
 *
 *	conv_parallel(nt, fn, arg)        fn(arg, t) for the shares t = 0..nt-1
 *	conv_dense(...)                   rows of in . W + b (ReLU), a range of outputs
 *	conv_column(...)                  a one-column convolution, max over width, split sums
 *	conv_time(...)                    a 1-D convolution over rows (time)
 *	conv_time_sum(...)                its products on a part of the channels
 *	conv_bn_relu(...)                 its ReLU and batch normalisation
 *
 * Activations are row-major; kernels in TensorFlow's layout (kh, kw, in, out) are
 * used as they are stored: a [kh*kw*in][out] matrix. */
#ifndef SV_CONV_H
#define SV_CONV_H
#include <stddef.h>

/* fn(arg, t) for t = 0..nt-1 on the project's pool (core/pool.h), share t on
 * thread t's work space; returns when all are done.  This function can't fail. */
void conv_parallel(int nt, void (*fn)(void *arg, int t), void *arg);

/* out[r][j] = sum_i in[r][i] W[j][i] (wtrans: W is [nout][nin], torch's layout) or
 * sum_i in[r][i] W[i][j] (W [nin][nout], TensorFlow's), + b[j], then max(0, .) when
 * relu, for rows r < B and the outputs j0 <= j < j1 only (out has nout columns).
 * This function can't fail. */
void conv_dense(const float *in, size_t B, unsigned nin, const float *w, int wtrans,
    const float *b, unsigned j0, unsigned j1, unsigned nout, int relu, float *out);

/* conv_column's image width: MusiCNN's 96 mel bands */
#define CONV_COLW 96

/* Rows h0 <= h < h1 of a convolution of a one-channel image CONV_COLW wide (rows
 * of CONV_COLW floats, frame 0 at x) with a kernel one column wide, w [kh][1][1][O]
 * (TensorFlow), stride 1, "same" along the height (pb = (kh - 1) / 2 taps before),
 * in registers (no im2col), with the sum over the taps split for images that
 * overlap: row h sums base[h - h0] (NULL: zeros) and the taps k whose frame
 * h + k - pb lies in a <= y < e, in tap order; with sum, those CONV_COLW sums of
 * each output go to sum [h - h0][O][CONV_COLW] (later bases); else y = s max(0,
 * extreme over the width + b) + t (the ReLU, a folded batch normalisation and the
 * maximum over the width: the largest sum, the smallest when s < 0) to out +
 * (h - h0) ldo.  A row's result depends on its frames, base and range only.
 * Cannot fail. */
void conv_column(const float *x, unsigned a, unsigned e, unsigned h0, unsigned h1,
    const float *w, unsigned kh, unsigned O, const float *base, float *sum,
    const float *b, const float *s, const float *t, float *out, size_t ldo);

/* A convolution over rows: out[h][o] = s[o] * max(0, sum_{d<kh} sum_c
 * xp[h + d][c] w[d][c][o] + b[o]) + t[o] for h < H, where xp is [H + kh - 1][C] with
 * the zero padding rows already in place (kernel [kh][1][C][O], TensorFlow's layout
 * with a width of 1 input column).  This function can't fail. */
void conv_time(const float *xp, unsigned H, unsigned C, const float *w, unsigned kh,
    unsigned O, const float *b, const float *s, const float *t, float *out);

/* The products of conv_time alone, on a part of the channels: out[h][o] (+)= sum_{d<kh}
 * sum_{c<C} xp[(h + d) ldx + c] w[d][c][o] for h < H, with w's rows cw channels
 * long (w: the part's first channel of a [kh][cw][O] kernel; C <= cw <= ldx);
 * acc: added to out (else out is overwritten).  This function can't fail. */
void conv_time_sum(const float *xp, size_t ldx, unsigned H, unsigned C, const float *w,
    unsigned kh, unsigned cw, unsigned O, int acc, float *out);

/* y[h][o] = s[o] max(0, y[h][o] + b[o]) + t[o] for H rows of O (the ReLU and
 * batch normalisation of conv_time).  This function can't fail. */
void conv_bn_relu(float *y, size_t H, unsigned O, const float *b, const float *s,
    const float *t);

#endif
