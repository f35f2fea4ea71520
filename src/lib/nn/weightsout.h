/* weightsout.h — writing a songvec weight file (the layout of weights.h and
 * vggish-weights(5): header, directory, 64-byte aligned float32 tensors, Fletcher-64
 * checksum), for the models the tools train themselves (vae).  Tensors are copied in
 * as they are added; the file is written at once.
 *
 *	WeightsOut *o = new_weightsout();
 *	weightsout_add(o, "enc.0.weight", 2, (unsigned[]){ 256, 223 }, w);
 *	if (weightsout_write(o, fp, path)) ...   // -1: write error (printed)
 *	del_weightsout(o); */
#ifndef SV_WEIGHTSOUT_H
#define SV_WEIGHTSOUT_H
#include <stdio.h>

typedef struct WeightsOut WeightsOut;

/* These exit only when memory runs out. */
WeightsOut *new_weightsout(void);
/* name: 1..63 bytes; ndim 1..4; the product of dims values from data. */
void weightsout_add(WeightsOut *o, const char *name, unsigned ndim, const unsigned *dims,
    const float *data);
/* 0, or -1 after "prog: PATH: write error: ..." */
int weightsout_write(const WeightsOut *o, FILE *fp, const char *path);
/* NULL is a no-op. */
void del_weightsout(WeightsOut *o);

#endif
