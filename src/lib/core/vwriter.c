/* vwriter.c — writing the songvec record stream (songvec(5); see vwriter.h). */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "core/vwriter.h"
#include "core/fpconv.h"
#include "core/key.h"
#include "core/util.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SV_BIG_ENDIAN 1
#else
#define SV_BIG_ENDIAN 0
#endif

static void
put_u32(unsigned char *b, uint32_t v)
{
	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

/* the first error is printed and sticks: every later call returns -1 */
static int
wfail(VWriter *w)
{
	if (!w->failed)
		weprintf("%s: write error:", w->name);
	w->failed = 1;
	return -1;
}

/* A 10 s audio record is 882 kB: with the default 64 kB pipe the writer waits
 * for the reader to take each record before it can work on the next one, so
 * `segment | feat` runs one process at a time.  A 1 MiB pipe (the Linux default
 * maximum for unprivileged processes) lets them overlap.  Best effort. */
static void
grow_pipe(FILE *fp)
{
#ifdef F_SETPIPE_SZ
	struct stat st;
	int fd = fileno(fp);

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    fcntl(fd, F_GETPIPE_SZ) < (1 << 20))
		fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)fp;
#endif
}

/* Exits only when memory runs out (emalloc); otherwise this function can't fail. */
VWriter *
new_vwriter(FILE *fp, const char *name, int binary)
{
	VWriter *w = ecalloc(1, sizeof *w);

	grow_pipe(fp);
	w->fp = fp;
	w->name = estrdup(name);
	w->binary = binary;
	return w;
}

static void
free_cols(VWriter *w)
{
	unsigned i;

	for (i = 0; i < w->ncols; i++)
		free(w->cols[i]);
	free(w->cols);
	w->cols = NULL;
	w->ncols = 0;
}

/* A binary stream is not for a terminal: 1 (after a message, the writer failed)
 * unless SONGVEC_BINARY_TTY is set to a non-empty value, else 0. */
static int
tty_refused(VWriter *w)
{
	const char *force = getenv("SONGVEC_BINARY_TTY");
	int fd = fileno(w->fp);

	if (!w->binary || w->failed || fd < 0 || !isatty(fd) || (force && *force))
		return w->failed;
	weprintf("%s: not writing a binary stream to a terminal: pipe it into another tool, "
	    "ask for TSV (-t), or set SONGVEC_BINARY_TTY=1", w->name);
	w->failed = 1;
	return 1;
}

/* Returns 0, or -1 after a message when a column name breaks the rules of
 * key_name_problem() (the header then has no names) or the rate is outside
 * VS_MINRATE..VS_MAXRATE. */
int
vwriter_header(VWriter *w, unsigned dim, double rate, unsigned ncols, char *const *cols)
{
	unsigned i, n = cols && ncols == dim ? ncols : 0;
	const char *why;

	if (tty_refused(w))
		return -1;
	w->dim = dim;
	w->rate = rate;
	free_cols(w);
	if (rate != 0 && !(rate >= VS_MINRATE && rate <= VS_MAXRATE)) {
		weprintf("%s: sample rate %g Hz outside %.0f..%.0f Hz", w->name, rate, VS_MINRATE,
		    VS_MAXRATE);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((why = key_name_problem(cols[i], strlen(cols[i])))) {
			weprintf("%s: column %u: %s", w->name, i + 1, why);
			return -1;
		}
	if (n) {
		w->cols = ecalloc(n, sizeof *w->cols);
		for (i = 0; i < n; i++)
			w->cols[i] = estrdup(cols[i]);
	}
	w->ncols = n;
	return 0;
}

static int
put_bin_header(VWriter *w)
{
	unsigned char b[20];
	uint64_t u;
	unsigned i;
	uint32_t len;

	if (fwrite(VS_MAGIC, 1, 4, w->fp) != 4)
		return wfail(w);
	put_u32(b, VS_VERSION);
	put_u32(b + 4, w->dim);
	memcpy(&u, &w->rate, 8);
	put_u32(b + 8, (uint32_t)u);
	put_u32(b + 12, (uint32_t)(u >> 32));
	put_u32(b + 16, w->ncols);
	if (fwrite(b, 1, 20, w->fp) != 20)
		return wfail(w);
	for (i = 0; i < w->ncols; i++) {
		len = strlen(w->cols[i]);
		put_u32(b, len);
		if (fwrite(b, 1, 4, w->fp) != 4 || fwrite(w->cols[i], 1, len, w->fp) != len)
			return wfail(w);
	}
	return 0;
}

static int
put_header(VWriter *w)
{
	unsigned i;

	w->header_done = 1;
	if (tty_refused(w))
		return -1;
	if (w->binary)
		return put_bin_header(w);
	fprintf(w->fp, "#songvec dim=%u", w->dim);
	if (w->rate > 0)
		fprintf(w->fp, " rate=%.9g", w->rate);
	fputc('\n', w->fp);
	if (w->ncols) {
		fputs("#key", w->fp);
		for (i = 0; i < w->ncols; i++) {
			fputc('\t', w->fp);
			fputs(w->cols[i], w->fp);
		}
		fputc('\n', w->fp);
	}
	return ferror(w->fp) ? wfail(w) : 0;
}

static int
put_bin_record(VWriter *w, const char *key, size_t klen, const float *v, size_t n)
{
	unsigned char b[4];

	put_u32(b, klen);
	if (fwrite(b, 1, 4, w->fp) != 4 || fwrite(key, 1, klen, w->fp) != klen)
		return wfail(w);
	put_u32(b, n);
	if (fwrite(b, 1, 4, w->fp) != 4)
		return wfail(w);
#if SV_BIG_ENDIAN
	for (size_t i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, &v[i], 4);
		u = __builtin_bswap32(u);
		if (fwrite(&u, 4, 1, w->fp) != 1)
			return wfail(w);
	}
#else
	if (n && fwrite(v, sizeof(float), n, w->fp) != n)
		return wfail(w);
#endif
	return 0;
}

/* The TSV line of a record, spelled into w->line in one pass (one fwrite per
 * record, no printf); 0, or -1 after a message on a write error. */
static int
put_tsv_record(VWriter *w, const char *key, size_t klen, const float *v, size_t n)
{
	size_t i;
	char *p;

	if (w->linecap < n + 1 + klen) { /* in units of FPCONV_FLOAT_MAX + 1 bytes */
		w->linecap = n + 1 + klen;
		w->line = ereallocarray(w->line, w->linecap, FPCONV_FLOAT_MAX + 1);
	}
	memcpy(w->line, key, klen);
	p = w->line + klen;
	for (i = 0; i < n; i++) {
		*p++ = '\t';
		p += fpconv_ftoa(p, v[i]);
	}
	*p++ = '\n';
	if (fwrite(w->line, 1, (size_t)(p - w->line), w->fp) != (size_t)(p - w->line))
		return wfail(w);
	return 0;
}

/* Returns 0, or -1 after a message: a write error (then every later call fails
 * too), an invalid key, or a value count other than the stream's dimension. */
int
vwriter_write(VWriter *w, const char *key, const float *v, size_t n)
{
	size_t klen = strlen(key);
	char shown[200];
	const char *why;

	if (w->failed)
		return -1;
	if (!w->header_done && put_header(w))
		return -1;
	if ((why = key_problem(key, klen))) {
		weprintf("%s: invalid record key '%s': %s", w->name,
		    key_show(shown, sizeof shown, key, klen), why);
		return -1;
	}
	if (w->dim && n != w->dim) {
		weprintf("internal error: record '%s' has %zu values, stream dim is %u", key, n, w->dim);
		return -1;
	}
	if (w->binary)
		return put_bin_record(w, key, klen, v, n);
	return put_tsv_record(w, key, klen, v, n);
}

/* Writes the header if nothing was written, flushes, frees w (NULL is a no-op).
 * Returns 0, or -1 when this or an earlier write failed (message printed once). */
int
del_vwriter(VWriter *w)
{
	int rc = 0;

	if (!w)
		return 0;
	if (!w->failed && !w->header_done && put_header(w))
		rc = -1;
	if (w->failed)
		rc = -1;
	else if (fshut(w->fp, w->name))
		rc = -1;
	free_cols(w);
	free(w->line);
	free(w->name);
	free(w);
	return rc;
}
