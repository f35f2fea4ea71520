/* vreader.c — reading the songvec record stream (songvec(5); see vreader.h). */
#include "core/vreader.h"
#include "core/fpconv.h"
#include "core/key.h"
#include "core/pool.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VS_READ (1u << 20)    /* bytes asked of read(2) at a time */
#define VS_MAXLINE (1u << 28) /* TSV: the longest line accepted, bytes */

/* what the reader keeps for itself */
struct VReaderBuf {
	size_t keycap, cap;  /* of key and val */
	char *buf;           /* the input, read(2) VS_READ bytes at a time: */
	size_t bcap, pos, end; /* buf[pos, end) not consumed yet */
	int ioerr;           /* errno of a failed read, else 0 */
	char *line;          /* TSV: the current line, in buf, NUL-terminated */
	size_t linelen;
	int pending;         /* TSV: a record line is buffered in line */
	int metaseen;        /* TSV: a #songvec line was read */
	int ownfp;           /* fp is closed by del_vreader */
	int empty;           /* the input had no byte at all */
	int eof;             /* read(2) said end of file: never asked again (a
	                      * terminal would wait for more after Ctrl-D) */
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SV_BIG_ENDIAN 1
#else
#define SV_BIG_ENDIAN 0
#endif

static uint32_t
get_u32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void
swap_floats(float *v, size_t n)
{
#if SV_BIG_ENDIAN
	size_t i;
	uint32_t u;

	for (i = 0; i < n; i++) {
		memcpy(&u, &v[i], 4);
		u = __builtin_bswap32(u);
		memcpy(&v[i], &u, 4);
	}
#else
	(void)v;
	(void)n;
#endif
}

static int
vrecord_error(const VReader *r, unsigned long recno, unsigned long lineno, const char *fmt,
    va_list ap)
{
	fflush(stdout);
	if (r->binary)
		fprintf(stderr, "%s: %s: record %lu: ", argv0, r->name, recno);
	else
		fprintf(stderr, "%s: %s:%lu: record %lu: ", argv0, r->name, lineno, recno);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return -1;
}

int
vreader_error(VReader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord_error(r, r->recno, r->lineno, fmt, ap);
	va_end(ap);
	return -1;
}

int
vreader_audio_rate(VReader *r, double rate)
{
	if (r->rate == rate)
		return 0;
	if (r->rate == 0)
		return vreader_error(r, "no sample rate: not an audio record stream (%s reads "
		    "%g Hz records, e.g. segment -r %g)", argv0, rate, rate);
	return vreader_error(r, "audio records at %g Hz, %s needs %g Hz (resample with "
	    "segment -r %g)", r->rate, argv0, rate, rate);
}

int
vreader_audio_header(VReader *r)
{
	if (r->priv->empty)
		weprintf("%s: empty input (expected audio records, e.g. from segment)", r->name);
	else if (r->dim != 0)
		weprintf("%s: not an audio record stream (dimension %u, expected 0)", r->name, r->dim);
	else if (!(r->rate > 0))
		weprintf("%s: not an audio record stream (no sample rate in its header)", r->name);
	else
		return 0;
	return -1;
}

int
vreader_error_at(const VReader *r, unsigned long recno, unsigned long lineno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord_error(r, recno, lineno, fmt, ap);
	va_end(ap);
	return -1;
}

/* error outside a record (header) */
static int hdr_error(VReader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int
hdr_error(VReader *r, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (r->binary)
		fprintf(stderr, "%s: %s: header: ", argv0, r->name);
	else
		fprintf(stderr, "%s: %s:%lu: ", argv0, r->name, r->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* 0 when rate is 0 (none) or within the accepted range, else -1 after a message */
static int
vs_rate_problem(VReader *r, double rate)
{
	if (rate == 0 || (rate >= VS_MINRATE && rate <= VS_MAXRATE))
		return 0;
	return hdr_error(r, "sample rate %g Hz outside %.0f..%.0f Hz", rate, VS_MINRATE,
	    VS_MAXRATE);
}

int
vreader_sniff(const unsigned char *buf, size_t n)
{
	size_t i;

	if (n >= 4 && !memcmp(buf, VS_MAGIC, 4))
		return 1;
	for (i = 0; i < n; i++)
		if (buf[i] < 0x20 && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
			return 0;
	return 1;
}

int
vreader_sniff_path(const char *path)
{
	unsigned char buf[512];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return -1;
	n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	return vreader_sniff(buf, n);
}

static void
free_cols(VReader *r)
{
	unsigned i;

	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	r->cols = NULL;
	r->ncols = 0;
}

/* Up to n bytes of the input into buf as read(2) gives them (what a pipe has,
 * not a full buffer); through stdio for a FILE without a descriptor (fmemopen).
 * Returns the count, 0 at the end, -1 on an error (errno in ioerr). */
static ssize_t
rawread(VReader *r, void *buf, size_t n)
{
	int fd = fileno(r->fp);
	ssize_t got;
	size_t k;

	if (r->priv->eof)
		return 0;
	if (fd < 0) {
		k = fread(buf, 1, n, r->fp);
		if (k == 0 && ferror(r->fp)) {
			r->priv->ioerr = errno ? errno : EIO;
			return -1;
		}
		return (ssize_t)k;
	}
	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		r->priv->ioerr = errno;
	r->priv->eof = got == 0 && n > 0;
	return got;
}

/* A caller may have read the start of a file through stdio (a cache entry's own
 * header): the descriptor is moved to the FILE's logical position, so that
 * read(2) starts where stdio's caller stopped.  Not seekable (a pipe): left as it
 * is (such a FILE must not have been read from).  Cannot fail. */
static void
sync_fd(FILE *fp)
{
	int fd = fileno(fp);
	off_t off;

	if (fd >= 0 && (off = ftello(fp)) >= 0)
		lseek(fd, off, SEEK_SET);
}

/* More input into the buffer, keeping buf[pos, end) (moved to the front or into a
 * larger buffer when the buffer is full): 1 bytes came, 0 end of file, -1 read
 * error (errno in ioerr).  Exits only when memory runs out. */
static int
fill(VReader *r)
{
	struct VReaderBuf *b = r->priv;
	ssize_t n;

	if (b->pos == b->end)
		b->pos = b->end = 0;
	if (b->end == b->bcap && b->pos > 0) {
		memmove(b->buf, b->buf + b->pos, b->end - b->pos);
		b->end -= b->pos;
		b->pos = 0;
	}
	if (b->end == b->bcap) {
		b->bcap = b->bcap ? 2 * b->bcap : VS_READ;
		b->buf = erealloc(b->buf, b->bcap + 1); /* + 1: room for a NUL */
	}
	if ((n = rawread(r, b->buf + b->end, b->bcap - b->end)) < 0)
		return -1;
	b->end += (size_t)n;
	return n > 0;
}

/* read exactly n bytes: 0 ok, 1 clean EOF before any byte, -1 truncated/error.
 * What the buffer cannot hold goes straight from read(2) into buf. */
static int
readn(VReader *r, void *buf, size_t n)
{
	struct VReaderBuf *b = r->priv;
	size_t got = 0, k;
	int e;

	while (got < n) {
		if (b->pos == b->end && n - got >= VS_READ) {
			ssize_t m = rawread(r, (char *)buf + got, n - got);
			if (m <= 0)
				return got == 0 && m == 0 ? 1 : -1;
			got += (size_t)m;
			continue;
		}
		if (b->pos == b->end && (e = fill(r)) <= 0)
			return got == 0 && e == 0 ? 1 : -1;
		k = b->end - b->pos < n - got ? b->end - b->pos : n - got;
		memcpy((char *)buf + got, b->buf + b->pos, k);
		b->pos += k;
		got += k;
	}
	return 0;
}

static int
io_or_trunc(VReader *r, const char *what)
{
	if (r->priv->ioerr)
		return vreader_error(r, "read error: %s", strerror(r->priv->ioerr));
	return vreader_error(r, "truncated %s", what);
}

static void
free_names(char **cols, uint32_t n)
{
	while (n-- > 0)
		free(cols[n]);
	free(cols);
}

/* the n column names of a binary header; NULL after a message (n > 0) */
static char **
read_bin_cols(VReader *r, uint32_t n)
{
	unsigned char b[4];
	char **cols = ecalloc(n, sizeof *cols);
	const char *why;
	uint32_t i, len;

	for (i = 0; i < n; i++) {
		if (readn(r, b, 4)) {
			hdr_error(r, "truncated column name %u", i + 1);
			break;
		}
		len = get_u32(b);
		if (len > VS_MAXKEY) {
			hdr_error(r, "column name %u: absurd length %u", i + 1, len);
			break;
		}
		cols[i] = emalloc(len + 1);
		if (len && readn(r, cols[i], len)) {
			hdr_error(r, "truncated column name %u", i + 1);
			break;
		}
		cols[i][len] = 0;
		if ((why = key_name_problem(cols[i], len))) {
			hdr_error(r, "column name %u: %s", i + 1, why);
			break;
		}
	}
	if (i == n)
		return cols;
	free_names(cols, i + 1);
	return NULL;
}

/* binary header after the magic; compares with an earlier header when concatenated */
static int
read_bin_header(VReader *r, int again)
{
	unsigned char b[20];
	uint32_t ver, dim, ncols, i;
	double rate;
	uint64_t u;
	char **cols = NULL;

	if (readn(r, b, 4))
		return hdr_error(r, "truncated header");
	ver = get_u32(b);
	if (ver != VS_VERSION)
		return hdr_error(r, "unsupported version %u (this build reads version %u)", ver, VS_VERSION);
	if (readn(r, b + 4, 16))
		return hdr_error(r, "truncated header");
	dim = get_u32(b + 4);
	u = (uint64_t)get_u32(b + 8) | (uint64_t)get_u32(b + 12) << 32;
	memcpy(&rate, &u, 8);
	ncols = get_u32(b + 16);
	if (dim > VS_MAXVALS)
		return hdr_error(r, "absurd dimension %u", dim);
	if (vs_rate_problem(r, rate))
		return -1;
	if (ncols && ncols != dim)
		return hdr_error(r, "%u column names for dimension %u", ncols, dim);
	if (ncols > VS_MAXCOLS)
		return hdr_error(r, "absurd number of columns %u", ncols);
	if (ncols && !(cols = read_bin_cols(r, ncols)))
		return -1;
	if (!again) {
		r->dim = dim;
		r->dimknown = 1;
		r->rate = rate;
		r->ncols = ncols;
		r->cols = cols;
		return 0;
	}
	if (dim != r->dim || rate != r->rate) {
		free_names(cols, ncols);
		return hdr_error(r, "concatenated stream has dim=%u rate=%g, expected dim=%u rate=%g",
		    dim, rate, r->dim, r->rate);
	}
	for (i = 0; i < ncols && r->ncols; i++)
		if (strcmp(cols[i], r->cols[i])) {
			hdr_error(r, "concatenated stream: column %u is '%s', expected '%s'", i + 1,
			    cols[i], r->cols[i]);
			free_names(cols, ncols);
			return -1;
		}
	free_names(cols, ncols);
	return 0;
}

static int
bin_next(VReader *r)
{
	unsigned char b[4];
	uint32_t klen, cnt;
	size_t done, chunk;
	const char *why;
	char shownkey[200];
	int e;

	for (;;) {
		r->recno++;
		e = readn(r, b, 4);
		if (e == 1) {
			r->recno--;
			return 0;
		}
		if (e)
			return io_or_trunc(r, "record (key length)");
		if (!memcmp(b, VS_MAGIC, 4)) { /* a concatenated stream */
			r->recno--;
			if (read_bin_header(r, 1))
				return -1;
			continue;
		}
		break;
	}
	klen = get_u32(b);
	if (klen == 0 || klen > VS_MAXKEY)
		return vreader_error(r, "absurd key length %u", klen);
	if (klen + 1 > r->priv->keycap) {
		r->priv->keycap = klen + 1;
		r->key = erealloc(r->key, r->priv->keycap);
	}
	if (readn(r, r->key, klen))
		return io_or_trunc(r, "key");
	r->key[klen] = 0;
	if ((why = key_problem(r->key, klen)))
		return vreader_error(r, "%s: '%s'", why, key_show(shownkey, sizeof shownkey, r->key, klen));
	if (readn(r, b, 4))
		return io_or_trunc(r, "record (value count)");
	cnt = get_u32(b);
	if (cnt > VS_MAXVALS)
		return vreader_error(r, "absurd value count %u", cnt);
	if (r->dim && cnt != r->dim)
		return vreader_error(r, "%u values, expected %u", cnt, r->dim);
	/* grow as data arrives so a bogus count cannot allocate much */
	for (done = 0; done < cnt; done += chunk) {
		chunk = cnt - done < (1u << 20) ? cnt - done : (1u << 20);
		if (done + chunk > r->priv->cap) {
			r->priv->cap = done + chunk;
			r->val = ereallocarray(r->val, r->priv->cap, sizeof(float));
		}
		if (readn(r, r->val + done, chunk * sizeof(float))) {
			if (r->priv->ioerr)
				return vreader_error(r, "read error: %s", strerror(r->priv->ioerr));
			return vreader_error(r, "truncated record (expected %u values)", cnt);
		}
	}
	swap_floats(r->val, cnt);
	r->n = cnt;
	return 1;
}

/* The next line in the buffer: *len its length without the LF, 1 when an LF ends
 * it (0: the last bytes of the stream); 0 at the end of the stream; -1 on a read
 * error or an overlong line (message printed). */
static int
next_line(VReader *r, char **line, size_t *len, int *nl)
{
	struct VReaderBuf *b = r->priv;
	size_t seen = 0;
	char *p;
	int e;

	while (!(p = memchr(b->buf + b->pos + seen, '\n', b->end - b->pos - seen))) {
		seen = b->end - b->pos;
		if (seen > VS_MAXLINE) {
			r->lineno++;
			return hdr_error(r, "line longer than %u bytes", VS_MAXLINE);
		}
		if ((e = fill(r)) < 0)
			return hdr_error(r, "read error: %s", strerror(b->ioerr));
		if (e == 0 && seen == 0)
			return 0;
		if (e == 0) {
			p = b->buf + b->end;
			break;
		}
	}
	*line = b->buf + b->pos;
	*len = (size_t)(p - *line);
	*nl = p < b->buf + b->end;
	b->pos += *len + *nl;
	*p = '\0';
	return 1;
}

/* TSV: the next line into r->priv->line, without its LF or CRLF.
 * 1 ok, 0 end of file, -1 error (message printed). */
static int
tsv_getline(VReader *r)
{
	size_t len = 0;
	char *line = NULL;
	int nl = 0, e;

	if ((e = next_line(r, &line, &len, &nl)) <= 0)
		return e;
	r->lineno++;
	if (memchr(line, '\0', len))
		return hdr_error(r, "NUL byte in a text stream");
	if (nl && len && line[len - 1] == '\r') /* CRLF */
		line[--len] = '\0';
	if (memchr(line, '\r', len))
		return hdr_error(r, "carriage return inside a line (old Mac line ends? "
		    "convert them with tr '\\r' '\\n')");
	if (!nl)
		return hdr_error(r, "truncated line (no newline at the end of the stream)");
	r->priv->line = line;
	r->priv->linelen = len;
	return 1;
}

/* 1 + the tabs in the string s; cannot fail */
static unsigned long
count_fields(const char *s)
{
	unsigned long n = 1;
	size_t len = strlen(s);
	const char *t;

	for (; (t = memchr(s, '\t', len)); len -= (size_t)(t + 1 - s), s = t + 1)
		n++;
	return n;
}

/* "#songvec dim=N rate=R" */
static int
tsv_meta(VReader *r, const char *s)
{
	char *end;
	unsigned long dim;
	double rate;
	const char *p;
	int havedim = 0;

	rate = r->rate;
	dim = r->dim;
	for (p = s; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "dim=", 4)) {
			errno = 0;
			dim = strtoul(p + 4, &end, 10);
			if (errno || end == p + 4 || !isdigit((unsigned char)p[4]) || dim > VS_MAXVALS)
				return hdr_error(r, "header: bad dim");
			havedim = 1;
			p = end;
		} else if (!strncmp(p, "rate=", 5)) {
			rate = strtod(p + 5, &end);
			if (end == p + 5 || (*end && *end != ' ' && *end != '\t'))
				return hdr_error(r, "header: bad rate");
			if (vs_rate_problem(r, rate))
				return -1;
			p = end;
		} else { /* unknown key=value: skip */
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
	}
	if (r->dimknown && havedim && dim != r->dim)
		return hdr_error(r, "concatenated stream has dim=%lu, expected %u", dim, r->dim);
	if (r->priv->metaseen && rate != r->rate)
		return hdr_error(r, "concatenated stream has rate=%g, expected %g", rate, r->rate);
	r->priv->metaseen = 1;
	if (havedim) {
		r->dim = dim;
		r->dimknown = 1;
	}
	r->rate = rate;
	return 0;
}

/* The names of "#key<TAB>name1<TAB>...": 0 ok, -1 error.  A repeated line (a
 * concatenated stream) must name the same columns. */
static int
tsv_names(VReader *r, char *s)
{
	unsigned long n, i;
	char *p, *tab, buf[64];
	const char *why;

	if (*s != '\t') /* "#key" alone names nothing; "#keyboard" is a comment */
		return 0;
	s++;
	n = count_fields(s);
	if (n > VS_MAXCOLS)
		return hdr_error(r, "absurd number of column names %lu", n);
	if (r->dimknown && n != r->dim)
		return hdr_error(r, "%lu column names for dimension %u", n, r->dim);
	for (i = 0, p = s; i < n; i++, p = tab + 1) {
		if ((tab = strchr(p, '\t')))
			*tab = '\0';
		if ((why = key_name_problem(p, strlen(p))))
			return hdr_error(r, "column %lu: %s", i + 1, why);
		if (r->ncols && strcmp(p, r->cols[i]))
			return hdr_error(r, "concatenated stream: column %lu is '%s', expected '%s'",
			    i + 1, key_show(buf, sizeof buf, p, strlen(p)), r->cols[i]);
		if (!tab)
			break;
	}
	if (r->ncols)
		return 0;
	r->cols = ecalloc(n, sizeof *r->cols);
	for (i = 0, p = s; i < n; i++, p += strlen(p) + 1)
		r->cols[i] = estrdup(p);
	r->ncols = (unsigned)n;
	if (!r->dimknown) {
		r->dim = (unsigned)n;
		r->dimknown = 1;
	}
	return 0;
}

/* header and comment lines; leaves the first record line pending. 0 ok, -1 error */
static int
tsv_skip_headers(VReader *r)
{
	int e;

	for (;;) {
		if ((e = tsv_getline(r)) <= 0)
			return e;
		if (r->priv->line[0] != '#') {
			r->priv->pending = 1;
			return 0;
		}
		if (!strncmp(r->priv->line, "#songvec", 8)) {
			if (tsv_meta(r, r->priv->line + 8))
				return -1;
		} else if (!strncmp(r->priv->line, "#key", 4)) {
			if (tsv_names(r, r->priv->line + 4))
				return -1;
		} /* other '#' lines are comments */
	}
}

/* A value field that did not parse: the field [p, next tab or end) names what is
 * wrong, field i (0-based value index) by number and column name.  Returns -1
 * after the message. */
static int
tsv_bad_value(VReader *r, const char *p, const char *end, unsigned long i, int overflow)
{
	const char *fe = memchr(p, '\t', (size_t)(end - p)), *what;
	char buf[200], name[64];
	size_t len;

	len = (size_t)((fe ? fe : end) - p);
	if (i < r->ncols)
		snprintf(name, sizeof name, "field %lu (%s)", i + 2,
		    key_show(buf, 48, r->cols[i], strlen(r->cols[i])));
	else
		snprintf(name, sizeof name, "field %lu", i + 2);
	if (len == 0)
		return vreader_error(r, "%s: empty", name);
	if (overflow)
		what = "out of the float32 range";
	else if (fpconv_is_hex(p, p + len))
		what = "not a number (hexadecimal floats are not accepted)";
	else
		what = "not a number";
	return vreader_error(r, "%s: %s: '%s'", name, what, key_show(buf, sizeof buf, p, len));
}

/* Parse the values of the line from p (after the key's tab) to end into r->val
 * (grown as needed), as many as parse: each field whole a number as
 * fpconv_parse_f reads it (no space, no trailing text), a finite literal within
 * the float32 range.  Returns how many parsed; *bad is where the first bad field
 * starts (NULL: none), *ov whether it overflowed.  One pass, no tab counting:
 * runs of plain decimals by fpconv_fields_f, each other field by itself. */
static unsigned long
tsv_values(VReader *r, const char *p, const char *end, const char **bad, int *ov)
{
	unsigned long n = 0;
	const char *q;

	for (*bad = NULL;; p = q + 1) {
		n += fpconv_fields_f(p, end, r->val + n, r->priv->cap - n, &p);
		if (n == r->priv->cap) {
			r->priv->cap *= 2;
			r->val = ereallocarray(r->val, r->priv->cap, sizeof(float));
		}
		q = fpconv_parse_f(p, end, &r->val[n], ov);
		if (!q || (q != end && *q != '\t') || *ov) {
			*ov = *ov && q && (q == end || *q == '\t');
			*bad = p;
			return n;
		}
		n++;
		if (q == end)
			return n;
	}
}

/* Parse the pending line as a record.  1 ok, -1 error (a ragged row is named
 * before a bad value in it). */
static int
tsv_record(VReader *r)
{
	char *line = r->priv->line, *end = line + r->priv->linelen, buf[64];
	char *tab = memchr(line, '\t', r->priv->linelen);
	size_t klen = tab ? (size_t)(tab - line) : r->priv->linelen;
	unsigned long nf = 0, nok = 0;
	const char *why, *bad = NULL;
	int ov = 0;

	if (!*line)
		return vreader_error(r, "empty line");
	if ((why = key_problem(line, klen)))
		return vreader_error(r, "%s: '%s'", why, key_show(buf, sizeof buf, line, klen));
	if (!tab && !(r->dimknown && r->dim == 0))
		return vreader_error(r, "no values after the key");
	if (tab)
		nok = tsv_values(r, tab + 1, end, &bad, &ov);
	nf = bad ? count_fields(tab + 1) : nok;
	if (nf > VS_MAXVALS)
		return vreader_error(r, "absurd value count %lu", nf);
	if (!r->dimknown) {
		r->dim = (unsigned)nf;
		r->dimknown = 1;
	} else if (r->dim && nf != r->dim) {
		return vreader_error(r, "ragged row: %lu values, expected %u", nf, r->dim);
	}
	if (bad)
		return tsv_bad_value(r, bad, end, nok, ov);
	if (klen + 1 > r->priv->keycap) {
		r->priv->keycap = klen + 1;
		r->key = erealloc(r->key, r->priv->keycap);
	}
	memcpy(r->key, line, klen);
	r->key[klen] = '\0';
	r->n = nf;
	return 1;
}

static int
tsv_next(VReader *r)
{
	if (!r->priv->pending && tsv_skip_headers(r))
		return -1;
	if (!r->priv->pending)
		return 0;
	r->priv->pending = 0;
	r->recno++;
	return tsv_record(r);
}

/* ---- the bulk reader ---- */

/* [p, end) as exactly dim values, as tsv_values reads them (the same parser,
 * so the same bits): 1, or 0 when anything is off (the sequential reader then
 * says what) */
static int
plain_values(const char *p, const char *end, float *v, size_t dim)
{
	size_t n = 0;
	const char *q;
	int ov;

	for (;; p = q + 1) {
		n += fpconv_fields_f(p, end, v + n, dim - n, &p);
		if (n == dim) /* the last field is never taken there: one too many */
			return 0;
		q = fpconv_parse_f(p, end, &v[n], &ov);
		if (!q || ov || (q != end && *q != '\t'))
			return 0;
		n++;
		if (q == end)
			return n == dim;
	}
}

/* one row slot more in piece P (its arrays doubled when full) */
static void
bulk_grow(VBulkPiece *P, size_t klen)
{
	if (P->n == P->cap) {
		P->cap = P->cap ? 2 * P->cap : 1024;
		P->val = ereallocarray(P->val, P->cap, (size_t)P->dim * sizeof(float));
		P->koff = ereallocarray(P->koff, P->cap, sizeof *P->koff);
	}
	if (P->klen + klen + 1 > P->kcap) {
		P->kcap = 2 * (P->klen + klen + 1);
		P->keys = erealloc(P->keys, P->kcap);
	}
}

/* pool worker: the plain lines of piece b, up to the first other one */
static void
bulk_piece(void *arg, size_t b, int tid)
{
	VBulkPiece *P = (VBulkPiece *)arg + b;
	const char *p = P->s, *nl, *tab;
	size_t klen;

	(void)tid;
	P->n = P->klen = 0;
	for (; p < P->e; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(P->e - p));
		if (*p == '#' || !(tab = memchr(p, '\t', (size_t)(nl - p))))
			break;
		klen = (size_t)(tab - p);
		if (key_problem(p, klen))
			break;
		bulk_grow(P, klen);
		if (!plain_values(tab + 1, nl, P->val + P->n * P->dim, P->dim))
			break;
		memcpy(P->keys + P->klen, p, klen);
		P->keys[P->klen + klen] = '\0';
		P->koff[P->n++] = P->klen;
		P->klen += klen + 1;
	}
	P->stop = p;
}

/* whole lines [s, e) cut into b->npiece pieces at line starts */
static void
bulk_cut(VBulk *b, const char *s, const char *e, int nthreads, unsigned dim)
{
	size_t np = nthreads < 1 ? 1 : nthreads > VB_PIECES ? VB_PIECES : (size_t)nthreads, i;
	const char *c = s, *t;

	b->npiece = np;
	for (i = 0; i < np; i++) {
		b->piece[i].dim = dim;
		b->piece[i].s = c;
		t = i + 1 == np ? e : s + (size_t)(e - s) / np * (i + 1);
		if (t < c)
			t = c;
		if (t < e && (t = memchr(t, '\n', (size_t)(e - t))))
			t++;
		c = t ? t : e;
		b->piece[i].e = c;
	}
}

/* 1 when a read of r would not wait, now or within 10 ms (a regular file; a pipe
 * or terminal with bytes or its end there; no descriptor; poll failing, so that
 * read says why), 0 when a pipe or terminal stays empty that long.  Cannot
 * fail. */
static int
input_ready(VReader *r)
{
	struct pollfd p;

	p.fd = fileno(r->fp);
	p.events = POLLIN;
	p.revents = 0;
	return p.fd < 0 || poll(&p, 1, 10) != 0;
}

/* 1 when buf[pos, end) holds a whole line.  Cannot fail. */
static int
has_line(const struct VReaderBuf *vb)
{
	return vb->end > vb->pos && memchr(vb->buf + vb->pos, '\n', vb->end - vb->pos);
}

size_t
vreader_bulk(VReader *r, int nthreads, VBulk *b)
{
	struct VReaderBuf *vb = r->priv;
	const char *s, *e;
	size_t rows = 0, i;

	b->npiece = 0;
	if (r->binary || !r->dimknown || r->dim == 0 || vb->pending)
		return 0;
	/* up to VS_BULK bytes, but a slow pipe's lines once it pauses */
	while (vb->end - vb->pos < VS_BULK && (!has_line(vb) || input_ready(r)) && fill(r) > 0)
		;
	s = vb->buf + vb->pos;
	for (e = vb->buf + vb->end; e > s && e[-1] != '\n'; e--)
		;
	if (e == s)
		return 0;
	bulk_cut(b, s, e, nthreads, r->dim);
	pool_run(nthreads, b->npiece, bulk_piece, b->piece);
	for (i = 0; i < b->npiece; i++) { /* the rows up to the first stop */
		rows += b->piece[i].n;
		vb->pos = (size_t)(b->piece[i].stop - vb->buf);
		if (b->piece[i].stop != b->piece[i].e)
			break;
	}
	for (i++; i < b->npiece; i++)
		b->piece[i].n = 0;
	r->recno += rows;
	r->lineno += rows;
	return rows;
}

void
del_vbulk(VBulk *b)
{
	size_t i;

	for (i = 0; i < VB_PIECES; i++) {
		free(b->piece[i].val);
		free(b->piece[i].keys);
		free(b->piece[i].koff);
	}
	memset(b, 0, sizeof *b);
}

VReader *
new_vreader_fp(FILE *fp, const char *name)
{
	VReader *r = ecalloc(1, sizeof *r);
	int e;

	r->priv = ecalloc(1, sizeof *r->priv);
	/* never NULL, so that a zero-length record can be copied with memcpy */
	r->priv->cap = 16;
	r->val = ereallocarray(NULL, r->priv->cap, sizeof *r->val);
	r->priv->keycap = 64;
	r->key = ecalloc(r->priv->keycap, 1);
	r->fp = fp;
	r->name = estrdup(name);
	sync_fd(fp);
	while ((e = fill(r)) > 0 && r->priv->end < 4 && r->priv->buf[0] == '\0')
		; /* the binary magic may come in pieces from a pipe */
	if (e < 0 && r->priv->ioerr == EISDIR) {
		hdr_error(r, "is a directory, not a stream (a folder of music: songvec-folder(1))");
		goto fail;
	}
	if (e < 0) {
		hdr_error(r, "read error: %s", strerror(r->priv->ioerr));
		goto fail;
	}
	r->priv->empty = r->priv->end == 0;
	if (r->priv->end > 0 && r->priv->buf[0] == '\0') {
		r->binary = 1;
		if (r->priv->end < 4 || memcmp(r->priv->buf, VS_MAGIC, 4)) {
			hdr_error(r, "not a songvec stream (bad magic)");
			goto fail;
		}
		r->priv->pos = 4;
		if (read_bin_header(r, 0))
			goto fail;
		return r;
	}
	if (tsv_skip_headers(r))
		goto fail;
	if (r->priv->pending && !r->dimknown) { /* no header: the first row fixes the dimension */
		r->dim = count_fields(r->priv->line) - 1;
		if (r->dim == 0) {
			r->recno = 1;
			vreader_error(r, "no values after the key");
			goto fail;
		}
		r->dimknown = 1;
	}
	return r;
fail:
	r->priv->ownfp = 0;
	del_vreader(r);
	return NULL;
}

VReader *
new_vreader(const char *path)
{
	FILE *fp;
	VReader *r;

	if (!strcmp(path, "-")) {
		util_stdin_hint("a songvec stream");
		return new_vreader_fp(stdin, "<stdin>");
	}
	if (!(fp = fopen(path, "rb"))) {
		weprintf("%s:", path);
		return NULL;
	}
	if (!(r = new_vreader_fp(fp, path))) {
		fclose(fp);
		return NULL;
	}
	r->priv->ownfp = 1;
	return r;
}

int
vreader_next(VReader *r)
{
	return r->binary ? bin_next(r) : tsv_next(r);
}

void
del_vreader(VReader *r)
{
	if (!r)
		return;
	if (r->priv->ownfp)
		fclose(r->fp);
	free_cols(r);
	free(r->name);
	free(r->key);
	free(r->val);
	free(r->priv->buf);
	free(r->priv);
	free(r);
}

int
vreader_colindex(const VReader *r, const char *name)
{
	unsigned i;

	for (i = 0; i < r->ncols; i++)
		if (!strcmp(r->cols[i], name))
			return (int)i;
	return -1;
}

