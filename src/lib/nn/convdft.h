/* convdft.h — a convolution of a one-channel image x [H][W] with a kernel w
 * [kh][kw][1][O] (TensorFlow), stride 1, valid along the width (W - kw + 1
 * positions) and "same" along the height (zero rows: (kh - 1) / 2 before, kh / 2
 * after, as TensorFlow's SAME), then per output o: y = s[o] * max(0, conv + b[o]) +
 * t[o] (ReLU, then a folded batch normalisation), and the maximum of y over the
 * width positions (a max-pooling over the whole width), computed through the
 * width's discrete Fourier transform: for wide kernels (MusiCNN's 7 x 38 and
 * 7 x 67 on 96 mel bands) the kh taps are summed on the spectra, and one inverse
 * transform per output row and channel replaces kh x kw products per position.
 * Both transforms are vectorised loops (core/hot.h), the inverse as radix-2 steps
 * and small products.  The result is the direct convolution's within float
 * rounding (not bit for bit); a row's result does not depend on the rows a call
 * covers (h0, h1).
 *
 *	ConvDft *c = new_conv_dft(w, kh, kw, O, W);
 *	float *work = ereallocarray(NULL, conv_dft_work(c), sizeof *work);
 *	conv_dft_do(c, x, H, h0, h1, b, s, t, out, ldo, work);
 *	del_conv_dft(c);
 */
#ifndef SV_CONVDFT_H
#define SV_CONVDFT_H
#include <stddef.h>

typedef struct ConvDft ConvDft;

/* The spectra of the kernel w [kh][kw][1][O] (TensorFlow's layout) for images W
 * wide (kw <= W).  Exits on memory exhaustion (ecalloc); it cannot fail otherwise. */
ConvDft *new_conv_dft(const float *w, unsigned kh, unsigned kw, unsigned O, unsigned W);

/* Work space of conv_dft_do, in floats.  This function can't fail. */
size_t conv_dft_work(const ConvDft *c);

/* Rows h0 <= h < h1 of that convolution of x [H][W] with c's kernel, y of output o
 * at out + (h - h0) * ldo + o; work: conv_dft_work(c) floats.  This function can't
 * fail. */
void conv_dft_do(const ConvDft *c, const float *x, unsigned H, unsigned h0, unsigned h1,
    const float *b, const float *s, const float *t, float *out, size_t ldo, float *work);

/* Frees c (NULL: nothing).  This function can't fail. */
void del_conv_dft(ConvDft *c);

#endif
