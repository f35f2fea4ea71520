/* weights.c — memory-mapped songvec weight files (see weights.h, vggish-weights(5)). */
#include "nn/weights.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HINT "get the VGGish model (torchvggish vggish-10086976.pth or AudioSet " \
	"vggish_model.ckpt), convert it with vggish-convert and pass it with -w or " \
	"SONGVEC_VGGISH_WEIGHTS, or install it as the default file; see vggish-weights(5)"

typedef struct Tensor {
	char name[65];
	unsigned ndim;
	unsigned dims[4];
	uint64_t off, count;
} Tensor;

struct Weights {
	char *path;
	const char *what, *hint; /* "VGGish weights", HINT: see new_weights_for */
	unsigned char *map;
	size_t size;
	unsigned nt;
	Tensor *t;
};

static uint32_t
u32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t
u64(const unsigned char *b)
{
	return (uint64_t)u32(b) | (uint64_t)u32(b + 4) << 32;
}

const char *
weights_path(const char *opt, const char **how)
{
	static char *dflt;
	const char *e;
	size_t n;

	if (opt) {
		*how = "-w";
		return opt;
	}
	e = getenv("SONGVEC_VGGISH_WEIGHTS");
	if (e && *e) {
		*how = "SONGVEC_VGGISH_WEIGHTS";
		return e;
	}
	*how = "default";
	if (!dflt) {
		n = strlen(util_datadir()) + sizeof "/vggish.svw";
		dflt = emalloc(n);
		snprintf(dflt, n, "%s/vggish.svw", util_datadir());
	}
	return dflt;
}

/* vectorised for the CPU at hand: the sum reads the whole file at every start */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((optimize("O3"), target_clones("avx512f", "avx2", "default")))
#endif
void
weights_sum(const unsigned char *p, size_t n, uint64_t *pa, uint64_t *pb)
{
	uint64_t a = *pa, b = *pb, s[8], t[8];
	size_t i, m = n / 32, k;
	uint32_t w[8];
	int l;

	/* 8 lanes over blocks of 8 words (vectorisable): over block j, word l,
	 * lane l sums s_l = sum w and t_l = sum j * w, j = blocks from this one to the end */
	memset(s, 0, sizeof s);
	memset(t, 0, sizeof t);
	for (k = 0; k < m; k++) {
		memcpy(w, p + 32 * k, 32); /* little-endian hosts only (checked in new_weights) */
		for (l = 0; l < 8; l++) { /* t_l gains every word once per block from here on */
			s[l] += w[l];
			t[l] += s[l];
		}
	}
	/* word i = 8k + l (k < m) adds w to a and (8m - i) * w = (8j - l) * w to b
	 * within the blocks; a's value before them is added 8m times */
	b += a * (8 * (uint64_t)m);
	for (l = 0; l < 8; l++) {
		b += 8 * t[l] - (uint64_t)l * s[l];
		a += s[l];
	}
	/* the remaining words one by one */
	for (i = 32 * m; i + 4 <= n; i += 4) {
		uint32_t x;
		memcpy(&x, p + i, 4);
		a += x;
		b += a;
	}
	*pa = a;
	*pb = b;
}

static Weights *
bad(Weights *w, const char *fmt, const char *detail)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: ", argv0, w->path);
	fprintf(stderr, fmt, detail);
	fprintf(stderr, "\n%s: %s\n", argv0, w->hint);
	del_weights(w);
	return NULL;
}

/* "WHAT: reason" for the messages of new_weights_for (a static buffer) */
static const char *
open_err(const Weights *w, const char *reason)
{
	static char m[256];

	snprintf(m, sizeof m, "%s: %s", w->what, reason);
	return m;
}

Weights *
new_weights(const char *path)
{
	return new_weights_for(path, "VGGish weights", HINT);
}

/* open and map w->path: a regular file at least a header long; w, or NULL after
 * a message (w freed) */
static Weights *
map_file(Weights *w)
{
	struct stat st;
	int fd = open(w->path, O_RDONLY);

	if (fd < 0)
		return bad(w, "cannot open %s", open_err(w, strerror(errno)));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return bad(w, "%snot a regular file", "");
	}
	w->size = st.st_size;
	if (w->size < WEIGHTS_HDR) {
		close(fd);
		return bad(w, "%snot a songvec weight file (too short)", "");
	}
#ifndef MAP_POPULATE
#define MAP_POPULATE 0
#endif
	/* shared: parallel processes use the same page-cache pages; populate: every page
	 * is read by the checksum anyway, one call maps them all */
	w->map = mmap(NULL, w->size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	close(fd);
	if (w->map == MAP_FAILED) {
		w->map = NULL;
		return bad(w, "cannot map %s", open_err(w, strerror(errno)));
	}
	return w;
}

/* "prog: PATH: weight file version V, ..." and the hint; frees w, returns NULL */
static Weights *
bad_version(Weights *w, uint32_t version)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: weight file version %u, this build reads version %u\n",
	    argv0, w->path, (unsigned)version, WEIGHTS_VERSION);
	fprintf(stderr, "%s: %s\n", argv0, w->hint);
	del_weights(w);
	return NULL;
}

/* the header of the mapped file: magic, version, size, directory size, checksum;
 * w, or NULL after a message (w freed) */
static Weights *
check_header(Weights *w)
{
	const unsigned char *h = w->map;
	uint64_t a = 0, b = 0;
	char v[64];

	if (memcmp(h, WEIGHTS_MAGIC, 8))
		return bad(w, "%snot a songvec weight file (bad magic)", "");
	if (u32(h + 8) != WEIGHTS_VERSION)
		return bad_version(w, u32(h + 8));
	w->nt = u32(h + 12);
	if (u64(h + 16) != w->size) {
		snprintf(v, sizeof v, "%llu bytes, header says %llu", (unsigned long long)w->size,
		    (unsigned long long)u64(h + 16));
		return bad(w, "truncated or damaged weight file (%s)", v);
	}
	if (w->nt == 0 || w->nt > WEIGHTS_MAXT ||
	    WEIGHTS_HDR + (uint64_t)w->nt * WEIGHTS_ENTRY > w->size || (w->size & 3))
		return bad(w, "%sdamaged weight file (bad directory)", "");
	weights_sum(h + WEIGHTS_HDR, w->size - WEIGHTS_HDR, &a, &b);
	if (a != u64(h + 24) || b != u64(h + 32))
		return bad(w, "%scorrupt weight file (checksum mismatch)", "");
	return w;
}

/* directory entry i into w->t[i]: 0, or -1 when it is damaged (its name, dtype,
 * dims, or a data range outside the file or over the directory) */
static int
read_entry(Weights *w, unsigned i)
{
	const unsigned char *e = w->map + WEIGHTS_HDR + (size_t)i * WEIGHTS_ENTRY;
	uint64_t cnt = 1, end = WEIGHTS_HDR + (uint64_t)w->nt * WEIGHTS_ENTRY;
	Tensor *t = &w->t[i];
	unsigned j;

	memcpy(t->name, e, 64);
	t->name[64] = 0;
	t->ndim = u32(e + 68);
	if (u32(e + 64) != 0 || !t->name[0] || t->ndim < 1 || t->ndim > 4)
		return -1;
	for (j = 0; j < 4; j++) {
		t->dims[j] = u32(e + 72 + 4 * j);
		if (j < t->ndim)
			cnt *= t->dims[j];
	}
	t->off = u64(e + 88);
	t->count = u64(e + 96);
	if (cnt != t->count || t->off % 64 || t->off < end || t->count > w->size / 4 ||
	    t->off > w->size - t->count * 4)
		return -1;
	return 0;
}

Weights *
new_weights_for(const char *path, const char *what, const char *hint)
{
	Weights *w = ecalloc(1, sizeof *w);
	const uint16_t one = 1;
	unsigned i;

	w->path = estrdup(path);
	w->what = what;
	w->hint = hint;
	if (*(const unsigned char *)&one != 1)
		return bad(w, "%sweight files need a little-endian host", "");
	if (!(w = map_file(w)) || !(w = check_header(w)))
		return NULL;
	w->t = ecalloc(w->nt, sizeof *w->t);
	for (i = 0; i < w->nt; i++)
		if (read_entry(w, i))
			return bad(w, "damaged weight file (tensor '%s')", w->t[i].name);
	return w;
}

int
weights_has(const Weights *w, const char *name)
{
	unsigned i;

	for (i = 0; i < w->nt; i++)
		if (!strcmp(w->t[i].name, name))
			return 1;
	return 0;
}

const float *
weights_get(const Weights *w, const char *name, unsigned ndim, const unsigned *dims)
{
	unsigned i, j;
	const Tensor *t;

	for (i = 0; i < w->nt; i++) {
		t = &w->t[i];
		if (strcmp(t->name, name))
			continue;
		for (j = 0; j < ndim; j++)
			if (t->ndim != ndim || t->dims[j] != dims[j])
				break;
		if (t->ndim == ndim && j == ndim)
			return (const float *)(w->map + t->off);
		fflush(stdout);
		fprintf(stderr, "%s: %s: tensor '%s' has shape [", argv0, w->path, name);
		for (j = 0; j < t->ndim; j++)
			fprintf(stderr, "%s%u", j ? "," : "", t->dims[j]);
		fprintf(stderr, "], expected [");
		for (j = 0; j < ndim; j++)
			fprintf(stderr, "%s%u", j ? "," : "", dims[j]);
		fprintf(stderr, "]\n%s: %s\n", argv0, w->hint);
		return NULL;
	}
	fflush(stdout);
	fprintf(stderr, "%s: %s: no tensor '%s' in the weight file\n%s: %s\n", argv0, w->path,
	    name, argv0, w->hint);
	return NULL;
}

size_t
weights_bytes(const Weights *w)
{
	return w->size;
}

const char *
weights_name(const Weights *w)
{
	return w->path;
}

void
del_weights(Weights *w)
{
	if (!w)
		return;
	if (w->map)
		munmap(w->map, w->size);
	free(w->t);
	free(w->path);
	free(w);
}
