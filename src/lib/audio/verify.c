/* verify.c — completeness and integrity of Ogg and MP3 files (see verify.h). */
#include "audio/verify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RDBUF (1 << 18)    /* bytes read at a time; more than the largest Ogg page */
#define MAXSTREAMS 16      /* Ogg logical streams tracked */

/* a window on the file, refilled with pread */
typedef struct Rd {
	int fd;
	long long size, off;  /* file size; file offset of buf[0] */
	size_t len;           /* bytes valid in buf */
	unsigned char buf[RDBUF];
} Rd;

/* n bytes at file offset pos (n <= RDBUF / 2), or NULL when the file ends first
 * (or on a read error: errno is then non-zero) */
static const unsigned char *
rd_at(Rd *r, long long pos, size_t n)
{
	ssize_t got;

	if (pos < 0 || pos + (long long)n > r->size)
		return NULL;
	if (pos < r->off || pos + (long long)n > r->off + (long long)r->len) {
		r->off = pos;
		r->len = 0;
		while (r->len < RDBUF && r->off + (long long)r->len < r->size) {
			got = pread(r->fd, r->buf + r->len, RDBUF - r->len, r->off + r->len);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				break;
			r->len += (size_t)got;
		}
		if (pos + (long long)n > r->off + (long long)r->len) {
			if (!errno)
				errno = EIO; /* the file shrank while it was read */
			return NULL;
		}
	}
	return r->buf + (pos - r->off);
}

static uint32_t
le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint32_t
be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void damage(Verify *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
damage(Verify *v, const char *fmt, ...)
{
	va_list ap;

	if (v->damage[0]) /* the first problem is the one reported */
		return;
	va_start(ap, fmt);
	vsnprintf(v->damage, sizeof v->damage, fmt, ap);
	va_end(ap);
}

/* --- Ogg (RFC 3533) --- */

static uint32_t crctab[256];

static void
crc_init(void)
{
	uint32_t r;
	int i, j;

	if (crctab[1])
		return;
	for (i = 0; i < 256; i++) {
		r = (uint32_t)i << 24;
		for (j = 0; j < 8; j++)
			r = r & 0x80000000u ? r << 1 ^ 0x04c11db7u : r << 1;
		crctab[i] = r;
	}
}

static uint32_t
crc_add(uint32_t crc, const unsigned char *p, size_t n)
{
	while (n--)
		crc = crc << 8 ^ crctab[(crc >> 24 ^ *p++) & 0xff];
	return crc;
}

typedef struct OggStream {
	uint32_t serial, next;  /* next expected page sequence number */
	int ended;
	long long granule;      /* last granule position seen, -1 none */
} OggStream;

typedef struct OggWalk {
	OggStream st[MAXSTREAMS];
	int n;
	long long preskip;      /* Opus pre-skip of the first stream */
	double rate;            /* rate of the first stream's granules, 0 unknown */
} OggWalk;

/* the codec of the first stream, from its first packet */
static void
ogg_codec(OggWalk *w, const unsigned char *body, size_t len)
{
	if (len >= 16 && !memcmp(body, "\001vorbis", 7))
		w->rate = le32(body + 12);
	else if (len >= 16 && !memcmp(body, "OpusHead", 8)) {
		w->rate = 48000;
		w->preskip = body[10] | body[11] << 8;
	}
}

/* sequence bookkeeping of one page; 0, or -1 after damage() */
static int
ogg_track(OggWalk *w, Verify *v, const unsigned char *h, long long pos, const unsigned char *body,
    size_t blen)
{
	uint32_t serial = le32(h + 14), seq = le32(h + 18);
	long long granule = (long long)((uint64_t)le32(h + 6) | (uint64_t)le32(h + 10) << 32);
	OggStream *s = NULL;
	int i;

	for (i = 0; i < w->n; i++)
		if (w->st[i].serial == serial)
			s = &w->st[i];
	if (h[5] & 2) { /* beginning of a stream */
		if (s || w->n == MAXSTREAMS) {
			damage(v, "corrupt: the Ogg page at byte %lld starts stream %u again", pos, (unsigned)serial);
			return -1;
		}
		if (w->n == 0)
			ogg_codec(w, body, blen);
		s = &w->st[w->n++];
		*s = (OggStream){ .serial = serial, .next = seq, .granule = -1 };
	}
	if (!s) {
		damage(v, "corrupt: the Ogg page at byte %lld belongs to no stream", pos);
		return -1;
	}
	if (s->ended || seq != s->next) {
		damage(v, "corrupt: Ogg pages missing before byte %lld (page %u of stream %u, expected %u)",
		    pos, (unsigned)seq, (unsigned)serial, (unsigned)s->next);
		return -1;
	}
	s->next = seq + 1;
	if (granule != -1)
		s->granule = granule;
	if (h[5] & 4)
		s->ended = 1;
	return 0;
}

/* one page at pos: its size, or -1 after damage() (or on a read error) */
static long long
ogg_page(Rd *r, OggWalk *w, Verify *v, long long pos)
{
	const unsigned char *h, *seg, *body;
	unsigned char hdr[27 + 255];
	size_t nseg, blen = 0, i;
	uint32_t crc, want;

	if (!(h = rd_at(r, pos, 27))) {
		if (!errno)
			damage(v, "truncated: the file ends inside an Ogg page header (byte %lld)", pos);
		return -1;
	}
	if (memcmp(h, "OggS", 4) || h[4] != 0) {
		damage(v, "corrupt: no Ogg page at byte %lld", pos);
		return -1;
	}
	nseg = h[26];
	if (!(seg = rd_at(r, pos, 27 + nseg))) {
		if (!errno)
			damage(v, "truncated: the file ends inside an Ogg page header (byte %lld)", pos);
		return -1;
	}
	memcpy(hdr, seg, 27 + nseg);
	for (i = 0; i < nseg; i++)
		blen += hdr[27 + i];
	if (!(body = rd_at(r, pos + 27 + (long long)nseg, blen))) {
		if (!errno)
			damage(v, "truncated: the last Ogg page (byte %lld) is cut short", pos);
		return -1;
	}
	want = le32(hdr + 22); /* seg and h may be gone: body's read can refill the buffer */
	memset(hdr + 22, 0, 4);
	crc = crc_add(crc_add(0, hdr, 27 + nseg), body, blen);
	if (crc != want) {
		damage(v, "corrupt: the Ogg page at byte %lld fails its checksum", pos);
		return -1;
	}
	if (ogg_track(w, v, hdr, pos, body, blen))
		return -1;
	return 27 + (long long)nseg + (long long)blen;
}

static int
verify_ogg(Rd *r, Verify *v)
{
	OggWalk w = { .n = 0 };
	long long pos = 0, len;
	int i;

	crc_init();
	v->kind = VERIFY_OGG;
	while (pos < r->size) {
		errno = 0;
		if ((len = ogg_page(r, &w, v, pos)) < 0)
			return errno ? -1 : 0;
		pos += len;
	}
	for (i = 0; i < w.n; i++)
		if (!w.st[i].ended) {
			damage(v, "truncated: Ogg stream %u has no end-of-stream page",
			    (unsigned)w.st[i].serial);
			return 0;
		}
	if (w.n == 1 && w.rate > 0 && w.st[0].granule >= w.preskip) {
		v->samples = w.st[0].granule - w.preskip;
		v->rate = w.rate;
	}
	return 0;
}

/* --- MP3 (MPEG-1/2/2.5 audio frames) --- */

typedef struct Frame {
	long len;       /* bytes */
	int mpeg1, mono, layer;
} Frame;

/* the frame whose header is b, or len 0 when b is no valid header (free-format
 * bitrate included: its length cannot be known from the header) */
static Frame
mp3_frame(const unsigned char *b)
{
	static const short kbps[2][3][16] = {
		{ /* MPEG-2, 2.5: layers I, II, III */
			{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0 },
			{ 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0 },
			{ 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0 } },
		{ /* MPEG-1 */
			{ 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0 },
			{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0 },
			{ 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0 } },
	};
	static const int hz[4][3] = { { 11025, 12000, 8000 }, { 0, 0, 0 },
		{ 22050, 24000, 16000 }, { 44100, 48000, 32000 } };
	uint32_t h = be32(b);
	int ver = h >> 19 & 3, layer = 4 - (int)(h >> 17 & 3), bri = h >> 12 & 15, sri = h >> 10 & 3;
	int pad = h >> 9 & 1, br, sr;
	Frame f = { 0, ver == 3, (h >> 6 & 3) == 3, layer };

	if ((h & 0xffe00000u) != 0xffe00000u || ver == 1 || layer == 4 || sri == 3)
		return f;
	br = kbps[ver == 3][layer - 1][bri] * 1000;
	sr = hz[ver][sri];
	if (br == 0)
		return f;
	if (layer == 1)
		f.len = (12L * br / sr + pad) * 4;
	else if (layer == 3 && ver != 3)
		f.len = 72L * br / sr + pad;
	else
		f.len = 144L * br / sr + pad;
	return f;
}

/* audio frames a Xing/Info header in frame f at pos announces, or -1 */
static long
mp3_xing(Rd *r, long long pos, Frame f)
{
	long side = f.mpeg1 ? (f.mono ? 17 : 32) : (f.mono ? 9 : 17);
	const unsigned char *x = rd_at(r, pos + 4 + side, 12);

	if (f.layer != 3 || !x || f.len < 4 + side + 12)
		return -1;
	if ((memcmp(x, "Xing", 4) && memcmp(x, "Info", 4)) || !(be32(x + 4) & 1))
		return -1;
	return (long)be32(x + 8);
}

/* size of the ID3v2 tag at pos, or 0 */
static long long
id3v2_len(Rd *r, long long pos)
{
	const unsigned char *b = rd_at(r, pos, 10);

	if (!b || memcmp(b, "ID3", 3) || (b[6] | b[7] | b[8] | b[9]) & 0x80)
		return 0;
	return 10 + ((long long)b[6] << 21 | b[7] << 14 | b[8] << 7 | b[9]) + (b[5] & 0x10 ? 10 : 0);
}

/* size of a tag at pos that may follow the last frame (ID3v1, APE, ID3v2 at the
 * end), 0 when there is none; *cut set when the file ends inside it */
static long long
tail_tag(Rd *r, long long pos, int *cut)
{
	const unsigned char *b = rd_at(r, pos, 3);
	long long left = r->size - pos, n = 0;

	*cut = 0;
	if (b && !memcmp(b, "TAG", 3))
		n = 128;
	else if ((b = rd_at(r, pos, 16)) && !memcmp(b, "APETAGEX", 8))
		n = 32 + (long long)le32(b + 12);
	else if ((b = rd_at(r, pos, 3)) && !memcmp(b, "ID3", 3))
		n = id3v2_len(r, pos);
	else if (left < 3 && left > 0 && !memcmp(rd_at(r, pos, (size_t)left), "TAG", (size_t)left))
		n = 128;
	if (n > left) {
		*cut = 1;
		return left;
	}
	return n;
}

/* the first frame: a valid header followed by another valid header, within 64 kB
 * of the start (after an ID3v2 tag); -1 when there is none (not an MP3 file) */
static long long
mp3_first(Rd *r, Frame *f)
{
	long long start = id3v2_len(r, 0), pos;
	const unsigned char *b;
	Frame g;

	for (pos = start; pos < start + 65536 && (b = rd_at(r, pos, 4)); pos++) {
		*f = mp3_frame(b);
		if (!f->len)
			continue;
		if (!(b = rd_at(r, pos + f->len, 4)))
			return pos + f->len == r->size ? pos : -1;
		g = mp3_frame(b);
		if (g.len && g.layer == f->layer && g.mpeg1 == f->mpeg1)
			return pos;
	}
	return -1;
}

static int
verify_mp3(Rd *r, Verify *v)
{
	long long pos, n;
	long frames = 0, xing;
	const unsigned char *b;
	Frame f;
	int cut;

	errno = 0;
	if ((pos = mp3_first(r, &f)) < 0)
		return errno ? -1 : 0;
	v->kind = VERIFY_MP3;
	xing = mp3_xing(r, pos, f);
	if (xing >= 0)
		pos += f.len; /* the Xing frame holds no audio */
	while (pos < r->size) {
		if ((b = rd_at(r, pos, 4)) && (f = mp3_frame(b)).len) {
			if (pos + f.len > r->size) {
				damage(v, "truncated: the last MP3 frame (byte %lld) is cut short", pos);
				return 0;
			}
			pos += f.len;
			frames++;
			continue;
		}
		if (errno)
			return -1;
		if (!(n = tail_tag(r, pos, &cut))) {
			damage(v, "corrupt: no MP3 frame at byte %lld", pos);
			return 0;
		}
		if (cut) {
			damage(v, "truncated: the file ends inside a tag (byte %lld)", pos);
			return 0;
		}
		pos += n;
	}
	if (xing > 0 && frames < xing)
		damage(v, "truncated: %ld MP3 frames of the %ld its header announces", frames, xing);
	return 0;
}

int
verify_fd(int fd, int mp3, Verify *v)
{
	struct stat st;
	const unsigned char *b;
	Rd *rd;
	int rc = 0;

	memset(v, 0, sizeof *v);
	v->samples = -1;
	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (!(rd = malloc(sizeof *rd)))
		return -1;
	rd->fd = fd;
	rd->size = st.st_size;
	rd->off = 0;
	rd->len = 0;
	errno = 0;
	if ((b = rd_at(rd, 0, 4)) && !memcmp(b, "OggS", 4))
		rc = verify_ogg(rd, v);
	else if (errno)
		rc = -1;
	else if (mp3)
		rc = verify_mp3(rd, v);
	free(rd);
	return rc;
}
