/* weightsout.c — songvec weight files written (see weightsout.h, weights.h). */
#include "nn/weightsout.h"
#include "nn/weights.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct OTensor {
	char name[64];
	unsigned ndim, dims[4];
	size_t count;
	float *data;
} OTensor;

struct WeightsOut {
	OTensor *t;
	size_t n, cap;
};

WeightsOut *
new_weightsout(void)
{
	return ecalloc(1, sizeof(WeightsOut));
}

void
weightsout_add(WeightsOut *o, const char *name, unsigned ndim, const unsigned *dims,
    const float *data)
{
	OTensor *t;
	unsigned j;

	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 16;
		o->t = ereallocarray(o->t, o->cap, sizeof *o->t);
	}
	t = &o->t[o->n++];
	memset(t, 0, sizeof *t);
	strncpy(t->name, name, sizeof t->name - 1);
	t->ndim = ndim;
	t->count = 1;
	for (j = 0; j < 4; j++) {
		t->dims[j] = j < ndim ? dims[j] : 1;
		t->count *= t->dims[j];
	}
	t->data = ereallocarray(NULL, t->count ? t->count : 1, sizeof(float));
	memcpy(t->data, data, t->count * sizeof(float));
}

void
del_weightsout(WeightsOut *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->n; i++)
		free(o->t[i].data);
	free(o->t);
	free(o);
}

static void
put32(unsigned char *b, uint32_t v)
{
	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

static void
put64(unsigned char *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b + 4, (uint32_t)(v >> 32));
}

/* the whole file in memory; *size its length */
static unsigned char *
image(const WeightsOut *o, size_t *size)
{
	size_t off = WEIGHTS_HDR + o->n * WEIGHTS_ENTRY, i, k;
	unsigned char *b, *e;
	uint64_t a = 0, s = 0;
	uint32_t u;

	for (i = 0; i < o->n; i++)
		off = ((off + 63) & ~(size_t)63) + o->t[i].count * 4;
	*size = (off + 63) & ~(size_t)63;
	b = ecalloc(*size, 1);
	memcpy(b, WEIGHTS_MAGIC, 8);
	put32(b + 8, WEIGHTS_VERSION);
	put32(b + 12, (uint32_t)o->n);
	put64(b + 16, *size);
	off = WEIGHTS_HDR + o->n * WEIGHTS_ENTRY;
	for (i = 0; i < o->n; i++) {
		off = (off + 63) & ~(size_t)63;
		e = b + WEIGHTS_HDR + i * WEIGHTS_ENTRY;
		memcpy(e, o->t[i].name, strlen(o->t[i].name));
		put32(e + 68, o->t[i].ndim);
		for (k = 0; k < 4; k++)
			put32(e + 72 + 4 * k, o->t[i].dims[k]);
		put64(e + 88, off);
		put64(e + 96, o->t[i].count);
		for (k = 0; k < o->t[i].count; k++) { /* little-endian whatever the host */
			memcpy(&u, &o->t[i].data[k], 4);
			put32(b + off + 4 * k, u);
		}
		off += o->t[i].count * 4;
	}
	weights_sum(b + WEIGHTS_HDR, *size - WEIGHTS_HDR, &a, &s);
	put64(b + 24, a);
	put64(b + 32, s);
	return b;
}

int
weightsout_write(const WeightsOut *o, FILE *fp, const char *path)
{
	size_t size;
	unsigned char *b = image(o, &size);

	fwrite(b, 1, size, fp);
	free(b);
	return fshut(fp, path);
}
