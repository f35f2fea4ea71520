/* weights.h — named float32 tensors from a songvec weight file (vggish-weights(5)),
 * memory-mapped read-only and shared, so parallel processes hold one copy.
 *
 * File layout (all integers little-endian):
 *   0   char[8]  magic "SVWEIGHT"
 *   8   u32      format version (WEIGHTS_VERSION)
 *   12  u32      number of tensors T (1..WEIGHTS_MAXT)
 *   16  u64      total file size in bytes
 *   24  u64      checksum a  } Fletcher-64 over the payload, bytes [64, size), read as
 *   32  u64      checksum b  } little-endian u32 words w: a += w; b += a (mod 2^64)
 *   40  24 bytes zero
 *   64  T directory entries of 128 bytes:
 *         char[64] name (NUL padded), u32 dtype (0 = float32), u32 ndim (1..4),
 *         u32 dims[4] (unused = 1), u64 data offset (from the file start, a multiple
 *         of 64), u64 element count (= product of dims), 24 bytes zero
 *   then the tensor data, float32 little-endian, each at its offset (zero padding). */
#ifndef SV_WEIGHTS_H
#define SV_WEIGHTS_H
#include <stddef.h>
#include <stdint.h>

#define WEIGHTS_MAGIC "SVWEIGHT"
#define WEIGHTS_VERSION 1u
#define WEIGHTS_MAXT 4096u
#define WEIGHTS_HDR 64u
#define WEIGHTS_ENTRY 128u

typedef struct Weights Weights;

/* The weight file to use: opt (-w) if not NULL, else $SONGVEC_VGGISH_WEIGHTS, else
 * util_datadir() "/vggish.svw".  *how is set to "-w", "SONGVEC_VGGISH_WEIGHTS" or "default". */
const char *weights_path(const char *opt, const char **how);
/* Map and verify a file (magic, version, size, directory, checksum).  NULL after a
 * message "prog: PATH: ..." naming the problem and how to get a good file. */
Weights *new_weights(const char *path);
/* The same for another kind of weight file: the messages say "cannot open WHAT"
 * and end with the line HINT (what to do) instead of the VGGish ones. */
Weights *new_weights_for(const char *path, const char *what, const char *hint);
/* A tensor with exactly these dims (ndim <= 4); NULL after a message when it is
 * missing or has another shape. */
const float *weights_get(const Weights *w, const char *name, unsigned ndim, const unsigned *dims);
/* 1 when a tensor of that name exists */
int weights_has(const Weights *w, const char *name);
size_t weights_bytes(const Weights *w);
const char *weights_name(const Weights *w);
void del_weights(Weights *w);

/* Fletcher-64 as above over n bytes (n a multiple of 4), continuing from a, b. */
void weights_sum(const unsigned char *p, size_t n, uint64_t *a, uint64_t *b);

#endif
