/* audio.c — streaming decoder: libsndfile (or an ffmpeg child), mono, libsamplerate.
 *
 * Matches librosa.load(path, sr, mono=True): libsndfile's float samples (ints scaled
 * by 1/32768 etc.), mono = mean of the channels, resampled by libsoxr HQ as
 * python-soxr does (or by libsamplerate on request), and the output length is
 * exactly ceil(n * rate / inrate) (the resampler's tail is padded with zeros or cut).
 * When libsndfile cannot open a file, ffmpeg decodes it to 16-bit PCM as audioread
 * does (`ffmpeg -i PATH -f s16le -`), here wrapped in the Sun .au container so the
 * rate and channel count come with the samples.
 *
 * stdin: a regular file is read in place; a pipe is first copied to an unlinked
 * temporary file (libsndfile's FLAC/Ogg/MP3 readers seek), so memory stays bounded. */
#include "audio/audio.h"
#include "audio/verify.h"
#include "core/util.h"
#include "core/vreader.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <samplerate.h>
#include <sndfile.h>
#include <soxr.h>

extern char **environ;


#define BLK 8192 /* input frames decoded per call */

struct AudioIn {
	char *name;          /* for diagnostics */
	SNDFILE *sf;         /* libsndfile mode */
	pid_t pid;           /* ffmpeg mode: child, its stdout, its stderr log */
	int pfd, errfd;
	int channels;
	double inrate, outrate;
	SRC_STATE *src;      /* libsamplerate, or */
	soxr_t sox;          /* libsoxr; both NULL when no resampling is needed */
	float *ibuf;         /* interleaved input block (BLK frames) */
	unsigned char *bbuf; /* ffmpeg: raw s16be bytes */
	size_t bpend;        /* ffmpeg: bytes of a partial frame kept in bbuf */
	float *mono;         /* mono input block */
	long mpos, mlen;     /* unread part of mono[] */
	int in_eof, src_done, failed;
	int truncated;       /* libsndfile: the header announces more than the file has */
	long long expect;    /* libsndfile: frames announced (-1 unknown) */
	long long hdrframes; /* audio_frames() */
	long long nin, nout, target;
	int flags;           /* AUDIO_DAMAGED_OK */
	Verify vf;           /* what the container walk found (verify.h) */
};

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Copy stdin to an unlinked temporary file; returns its fd at offset 0, or -1. */
static int
spool_stdin(const char *name)
{
	char buf[65536];
	ssize_t r, w, off;
	int fd = util_tmpfd();

	if (fd < 0) {
		weprintf("%s: cannot create a temporary file to hold stdin:", name);
		return -1;
	}
	for (;;) {
		r = read(0, buf, sizeof buf);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			weprintf("%s: read error:", name);
			close(fd);
			return -1;
		}
		for (off = 0; off < r; off += w) {
			w = write(fd, buf + off, r - off);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				weprintf("%s: cannot spool stdin to a temporary file:", name);
				close(fd);
				return -1;
			}
		}
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Last non-empty line of ffmpeg's stderr log, for messages. */
static void
ffmpeg_msg(AudioIn *a, char *out, size_t outsz)
{
	char buf[4096], *e, *s;
	off_t end;
	ssize_t n;

	snprintf(out, outsz, "ffmpeg failed");
	if (a->errfd < 0 || (end = lseek(a->errfd, 0, SEEK_END)) <= 0)
		return;
	end = end > (off_t)sizeof buf - 1 ? end - (off_t)(sizeof buf - 1) : 0;
	if ((n = pread(a->errfd, buf, sizeof buf - 1, end)) <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	s = (e = strrchr(buf, '\n')) ? e + 1 : buf;
	if (!strncmp(s, "file:", 5)) /* our file: URL: show the name as the user gave it */
		s += 5;
	if (*s)
		snprintf(out, outsz, "ffmpeg: %.*s", (int)(outsz > 9 ? outsz - 9 : 0), s);
}

static int
readfull(int fd, void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	return (int)got;
}

static uint32_t
be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Reap the child; 0 when it exited 0. */
static int
ffmpeg_wait(AudioIn *a, int kill_it)
{
	int st;

	if (a->pid <= 0)
		return 0;
	close_fd(&a->pfd);
	if (kill_it)
		kill(a->pid, SIGTERM);
	while (waitpid(a->pid, &st, 0) < 0 && errno == EINTR)
		;
	a->pid = -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Start ffmpeg on PATH (or on fd infd when stdin was spooled) and read its .au
 * header.  0 ok; -1 with *why set. */
static int
ffmpeg_open(AudioIn *a, const char *path, int infd, char *why, size_t whysz)
{
	/* The name goes to ffmpeg as a file: URL and only the file and pipe protocols
	 * are allowed, so that "concat:a|b", "http://..." or a playlist inside the file
	 * cannot make ffmpeg read anything else. */
	char *in = infd >= 0 ? estrdup("pipe:0") : emalloc(strlen(path) + 6);
	char *argv[] = { "ffmpeg", "-nostdin", "-v", "error", "-protocol_whitelist", "file,pipe",
		"-i", in, "-vn", "-sn", "-dn", "-map_metadata", "-1", "-f", "au", "-c:a",
		"pcm_s16be", "pipe:1", NULL };
	posix_spawn_file_actions_t fa;
	unsigned char h[24], skip[256];
	uint32_t off, enc, rate, ch;
	int p[2], e;
	size_t left;

	if (infd >= 0) {
		argv[1] = "-hide_banner"; /* stdin is the input: no -nostdin */
		lseek(infd, 0, SEEK_SET);
	} else {
		sprintf(in, "file:%s", path);
	}
	if ((a->errfd = util_tmpfd()) < 0 || pipe(p) < 0) {
		snprintf(why, whysz, "cannot start ffmpeg: %s", strerror(errno));
		free(in);
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	if (infd >= 0)
		posix_spawn_file_actions_adddup2(&fa, infd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, a->errfd, 2);
	e = posix_spawnp(&a->pid, "ffmpeg", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(in);
	close(p[1]);
	if (e) {
		close(p[0]);
		a->pid = -1;
		snprintf(why, whysz, "cannot run ffmpeg: %s", strerror(e));
		return -1;
	}
	a->pfd = p[0];
	if (readfull(a->pfd, h, 24) != 24 || memcmp(h, ".snd", 4)) {
		ffmpeg_wait(a, 1);
		ffmpeg_msg(a, why, whysz);
		return -1;
	}
	off = be32(h + 4), enc = be32(h + 12), rate = be32(h + 16), ch = be32(h + 20);
	if (enc != 3 || rate == 0 || ch == 0 || ch > 1024 || off < 24) {
		ffmpeg_wait(a, 1);
		snprintf(why, whysz, "ffmpeg: unexpected output (encoding %u, %u Hz, %u channels)",
			(unsigned)enc, (unsigned)rate, (unsigned)ch);
		return -1;
	}
	for (left = off - 24; left > 0; left -= (size_t)e) {
		e = readfull(a->pfd, skip, left < sizeof skip ? left : sizeof skip);
		if (e <= 0)
			break;
	}
	a->channels = (int)ch;
	a->inrate = rate;
	return 0;
}

/* libsndfile clamps a WAV data chunk that runs past the end of the file and only
 * says so in its log ("data : 5292000 (should be 99922)"). */
static int
wav_truncated(SNDFILE *sf)
{
	char log[8192], *p;
	unsigned long long said, real;

	log[0] = '\0';
	sf_command(sf, SFC_GET_LOG_INFO, log, sizeof log);
	for (p = log; (p = strstr(p, "data : ")); p++) {
		if (sscanf(p, "data : %llu (should be %llu)", &said, &real) == 2 &&
		    said > real && said != 0xffffffffULL && said != 0x7fffffffULL &&
		    said != 0xfffffffeULL)
			return 1;
	}
	return 0;
}

/* A damaged file (the container walk, the decoded length, ffmpeg's errors):
 * an error, or a warning with AUDIO_DAMAGED_OK.  0 go on, -1 after a message. */
static int
damaged(AudioIn *a, const char *what)
{
	if (a->flags & AUDIO_DAMAGED_OK) {
		weprintf("%s: warning: %s (decoding what is there)", a->name, what);
		return 0;
	}
	weprintf("%s: %s", a->name, what);
	return -1;
}

/* The one message for a folder given where one audio file is wanted.  Cannot
 * fail. */
static void
dir_error(const char *name)
{
	weprintf("%s: is a directory: name its audio files, or give the folder to "
	    "songvec-folder(1)", name);
}

int
audio_input_kind(const char *path)
{
	struct stat st;
	int kind;

	if (!strcmp(path, "-"))
		return 1;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		dir_error(path);
		return -1;
	}
	if ((kind = vreader_sniff_path(path)) < 0)
		weprintf("%s:", path);
	return kind;
}

/* The input as a file descriptor of a regular file when it can be (stdin from a
 * pipe is spooled); -1 after a message. */
static int
input_fd(AudioIn *a, const char *path)
{
	struct stat st;
	int fd;

	if (!strcmp(path, "-")) {
		util_stdin_hint("audio");
		if (fstat(0, &st) < 0)
			return weprintf("%s:", a->name), -1;
		if (S_ISREG(st.st_mode) && lseek(0, 0, SEEK_CUR) == 0) {
			if ((fd = fcntl(0, F_DUPFD_CLOEXEC, 0)) < 0)
				return weprintf("%s:", a->name), -1;
		} else if ((fd = spool_stdin(a->name)) < 0)
			return -1;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return weprintf("%s:", a->name), -1;
	}
	if (fstat(fd, &st) < 0)
		weprintf("%s:", a->name);
	else if (S_ISDIR(st.st_mode))
		dir_error(a->name);
	else if (S_ISREG(st.st_mode) && st.st_size == 0)
		weprintf("%s: %s", a->name, strcmp(path, "-") ? "empty file" : "empty input");
	else
		return fd;
	close(fd);
	return -1;
}

/* Walk the container of fd (verify.h) before anything is decoded.  0, or -1
 * after a message. */
static int
verify_input(AudioIn *a, int fd, int mp3)
{
	if (verify_fd(fd, mp3, &a->vf) < 0) {
		weprintf("%s:", a->name);
		return -1;
	}
	return a->vf.damage[0] ? damaged(a, a->vf.damage) : 0;
}

/* libsndfile opened the file: take its format.  0, or -1 after a message. */
static int
sndfile_input(AudioIn *a, const SF_INFO *info, int fd)
{
	int mp3 = (info->format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;

	/* frame counts are exact in FLAC's STREAMINFO; for Ogg and MP3 they are
	 * estimates (Vorbis files end ~100 frames short of them) */
	a->expect = (info->format & SF_FORMAT_TYPEMASK) == SF_FORMAT_FLAC &&
		info->frames > 0 && info->frames < SF_COUNT_MAX / 4 ? info->frames : -1;
	a->truncated = wav_truncated(a->sf);
	a->hdrframes = info->frames >= 0 && info->frames < SF_COUNT_MAX / 4 ? info->frames : -1;
	if (info->channels <= 0 || info->samplerate <= 0) {
		weprintf("%s: invalid audio header (%d channels, %d Hz)", a->name,
			info->channels, info->samplerate);
		return -1;
	}
	a->channels = info->channels;
	a->inrate = info->samplerate;
	return verify_input(a, fd, mp3);
}

/* Open with libsndfile, falling back to ffmpeg.  0 ok, -1 after a message. */
static int
open_input(AudioIn *a, const char *path)
{
	SF_INFO info;
	char sfwhy[256], ffwhy[1024];
	int fd, sfd, rc, isstdin = !strcmp(path, "-");

	if ((fd = input_fd(a, path)) < 0)
		return -1;
	if ((sfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		weprintf("%s:", a->name);
		close(fd);
		return -1;
	}
	memset(&info, 0, sizeof info);
	snprintf(sfwhy, sizeof sfwhy, "libsndfile: ");
	if ((a->sf = sf_open_fd(sfd, SFM_READ, &info, 1)) &&
	    (info.format & SF_FORMAT_SUBMASK) != SF_FORMAT_OPUS) {
		rc = sndfile_input(a, &info, fd);
		close(fd);
		return rc;
	}
	if (a->sf) {
		/* libsndfile 1.2.0 stops with "file is malformed" partway through many
		 * Ogg Opus files, and librosa then decodes them again with audioread
		 * (ffmpeg): do the same from the start. */
		sf_close(a->sf);
		a->sf = NULL;
		sfwhy[0] = '\0';
	} else {
		snprintf(sfwhy, sizeof sfwhy, "libsndfile: %s; ", sf_strerror(NULL));
		if (strlen(sfwhy) > 3 && sfwhy[strlen(sfwhy) - 3] == '.')
			memmove(sfwhy + strlen(sfwhy) - 3, "; ", 3);
	}
	rc = ffmpeg_open(a, path, isstdin ? fd : -1, ffwhy, sizeof ffwhy);
	if (rc == 0)
		rc = verify_input(a, fd, 0);
	else
		weprintf("%s: cannot decode (%s%s)", a->name, sfwhy, ffwhy);
	close(fd);
	return rc;
}

/* libsoxr (exactly what python-soxr's resample() sets up for librosa) or
 * libsamplerate from the input to the output rate.  0, or -1 after a message. */
static int
new_resampler(AudioIn *a, int quality)
{
	int err;

	if (quality == AQ_DEFAULT || quality == AQ_SOXR_HQ || quality == AQ_SOXR_VHQ) {
		soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
		soxr_quality_spec_t q = soxr_quality_spec(
			quality == AQ_SOXR_VHQ ? SOXR_VHQ : SOXR_HQ, 0);
		soxr_error_t se = NULL;

		a->sox = soxr_create(a->inrate, a->outrate, 1, &se, &io, &q, NULL);
		if (!a->sox || se) {
			weprintf("%s: resampler (libsoxr): %s", a->name, se ? se : "failed");
			return -1;
		}
		return 0;
	}
	if (!(a->src = src_new(quality, 1, &err))) {
		weprintf("%s: resampler: %s", a->name, src_strerror(err));
		return -1;
	}
	if (src_set_ratio(a->src, a->outrate / a->inrate)) {
		weprintf("%s: cannot resample from %g Hz to %g Hz", a->name, a->inrate, a->outrate);
		return -1;
	}
	return 0;
}

AudioIn *
new_audio_flags(const char *path, double rate, int quality, int flags)
{
	AudioIn *a = ecalloc(1, sizeof *a);

	a->name = estrdup(strcmp(path, "-") ? path : "<stdin>");
	a->pid = -1, a->pfd = -1, a->errfd = -1;
	a->flags = flags;
	if (open_input(a, path) < 0)
		goto fail;
	if (a->inrate < VS_MINRATE || a->inrate > VS_MAXRATE) {
		weprintf("%s: sample rate %g Hz outside %.0f..%.0f Hz", a->name, a->inrate,
		    VS_MINRATE, VS_MAXRATE);
		goto fail;
	}
	a->outrate = rate > 0 ? rate : a->inrate;
	if (a->outrate < VS_MINRATE || a->outrate > VS_MAXRATE) {
		weprintf("%s: output rate %g Hz outside %.0f..%.0f Hz", a->name, a->outrate,
		    VS_MINRATE, VS_MAXRATE);
		goto fail;
	}
	a->ibuf = ereallocarray(NULL, (size_t)BLK * a->channels, sizeof *a->ibuf);
	a->mono = ereallocarray(NULL, BLK, sizeof *a->mono);
	if (!a->sf)
		a->bbuf = ereallocarray(NULL, (size_t)BLK * a->channels + 1, 2);
	if (a->outrate != a->inrate && new_resampler(a, quality))
		goto fail;
	return a;
fail:
	del_audio(a);
	return NULL;
}

AudioIn *
new_audio(const char *path, double rate, int quality)
{
	return new_audio_flags(path, rate, quality, 0);
}

double audio_rate(const AudioIn *a) { return a->outrate; }
double audio_inrate(const AudioIn *a) { return a->inrate; }
int audio_channels(const AudioIn *a) { return a->channels; }
long long audio_frames(const AudioIn *a) { return a->sf && !a->truncated ? a->hdrframes : -1; }

/* Decode up to BLK frames into a->mono; returns the count, 0 at the end, -1 on error. */
static long
decode_block(AudioIn *a)
{
	long n, i;
	int c, ch = a->channels;
	size_t fb = (size_t)ch * 2, have, got;
	float *p, s;
	char why[1024];

	if (a->sf) {
		n = (long)sf_readf_float(a->sf, a->ibuf, BLK);
		if (n < BLK && sf_error(a->sf)) {
			weprintf("%s: decoding error: %s", a->name, sf_strerror(a->sf));
			return -1;
		}
	} else {
		have = a->bpend;
		got = (size_t)readfull(a->pfd, a->bbuf + have, (size_t)BLK * fb - have);
		have += got;
		n = (long)(have / fb);
		for (i = 0; i < n * ch; i++) {
			int16_t v = (int16_t)((uint16_t)a->bbuf[2 * i] << 8 | a->bbuf[2 * i + 1]);
			a->ibuf[i] = (float)v * (1.0f / 32768.0f);
		}
		a->bpend = have - (size_t)n * fb;
		memmove(a->bbuf, a->bbuf + (size_t)n * fb, a->bpend);
		if (got == 0 && ffmpeg_wait(a, 0) < 0) {
			ffmpeg_msg(a, why, sizeof why);
			weprintf("%s: decoding error: %s", a->name, why);
			return -1;
		}
	}
	if (ch == 1) {
		memcpy(a->mono, a->ibuf, n * sizeof *a->mono);
	} else {
		for (i = 0, p = a->ibuf; i < n; i++, p += ch) {
			s = p[0];
			for (c = 1; c < ch; c++)
				s += p[c];
			a->mono[i] = ch == 2 ? s * 0.5f : s / (float)ch;
		}
	}
	a->nin += n;
	return n;
}

/* At the end of the input: is anything missing?  The header's frame count
 * (WAV data size, FLAC STREAMINFO), the length the Ogg container states (a
 * decoder may end up to one block short of it: 8192 frames allowed), ffmpeg's
 * error messages.  0, or -1 after a message (damaged()). */
static int
end_checks(AudioIn *a)
{
	char what[1100], msg[1024];
	struct stat st;

	if (a->sf && (a->truncated || (a->expect > 0 && a->nin < a->expect)))
		return damaged(a, "truncated file (the header announces more audio than it holds)");
	if (a->vf.samples > 0 && a->vf.rate == a->inrate && a->nin + 8192 < a->vf.samples) {
		snprintf(what, sizeof what, "corrupt: %lld of the %lld samples its container "
		    "states could be decoded", a->nin, a->vf.samples);
		return damaged(a, what);
	}
	if (!a->sf && a->errfd >= 0 && fstat(a->errfd, &st) == 0 && st.st_size > 0) {
		ffmpeg_msg(a, msg, sizeof msg);
		snprintf(what, sizeof what, "decoding errors (%s)", msg);
		return damaged(a, what);
	}
	return 0;
}

static int
fill(AudioIn *a)
{
	long n;

	if (a->mpos < a->mlen || a->in_eof)
		return 0;
	do {
		if ((n = decode_block(a)) < 0)
			return -1;
	} while (n == 0 && !a->sf && a->pid > 0);
	a->mpos = 0;
	a->mlen = n;
	if (n == 0 && end_checks(a))
		return -1;
	if (n == 0) {
		a->in_eof = 1;
		/* ceil(nin * out / in), exact for integer rates */
		if (a->outrate == floor(a->outrate) && a->inrate == floor(a->inrate) &&
		    a->outrate < 1e7 && a->inrate < 1e7 && a->nin < (1LL << 40)) {
			long long num = a->nin * (long long)a->outrate, den = (long long)a->inrate;
			a->target = (num + den - 1) / den;
		} else {
			a->target = (long long)ceil((double)a->nin * a->outrate / a->inrate);
		}
	}
	return 0;
}

/* One libsoxr call: consume input (or flush at the end), produce up to n samples,
 * cut at the target length.  Returns the count kept, -1 on error. */
static long
soxr_step(AudioIn *a, float *out, long n)
{
	size_t idone = 0, odone = 0;
	soxr_error_t e;
	long k;

	if (a->in_eof)
		e = soxr_process(a->sox, NULL, 0, NULL, out, (size_t)n, &odone);
	else
		e = soxr_process(a->sox, a->mono + a->mpos, (size_t)(a->mlen - a->mpos), &idone,
			out, (size_t)n, &odone);
	if (e) {
		weprintf("%s: resampler (libsoxr): %s", a->name, e);
		a->failed = 1;
		return -1;
	}
	a->mpos += (long)idone;
	k = (long)odone;
	if (a->in_eof) {
		if (odone == 0)
			a->src_done = 1;
		if (a->nout + k > a->target) {
			k = a->target > a->nout ? (long)(a->target - a->nout) : 0;
			a->src_done = 1;
		}
	}
	a->nout += k;
	return k;
}

long
audio_read(AudioIn *a, float *buf, long n)
{
	SRC_DATA d;
	long got = 0, k;
	int e;

	if (a->failed)
		return -1;
	while (got < n) {
		if (fill(a) < 0) {
			a->failed = 1;
			return -1;
		}
		if (a->src_done && (a->src || a->sox)) {
			/* pad the tail with zeros up to ceil(n * ratio) */
			if (a->nout >= a->target)
				break;
			k = a->target - a->nout < n - got ? (long)(a->target - a->nout) : n - got;
			memset(buf + got, 0, k * sizeof *buf);
			got += k, a->nout += k;
			continue;
		}
		if (a->sox) {
			if ((k = soxr_step(a, buf + got, n - got)) < 0)
				return -1;
			got += k;
			if (a->src_done && a->nout >= a->target)
				break;
			continue;
		}
		if (!a->src) {
			if (a->in_eof)
				break;
			k = a->mlen - a->mpos < n - got ? a->mlen - a->mpos : n - got;
			memcpy(buf + got, a->mono + a->mpos, k * sizeof *buf);
			a->mpos += k, got += k, a->nout += k;
			continue;
		}
		memset(&d, 0, sizeof d);
		d.data_in = a->mono + a->mpos;
		d.input_frames = a->mlen - a->mpos;
		d.data_out = buf + got;
		d.output_frames = n - got;
		d.end_of_input = a->in_eof;
		d.src_ratio = a->outrate / a->inrate;
		if ((e = src_process(a->src, &d))) {
			weprintf("%s: resampler: %s", a->name, src_strerror(e));
			a->failed = 1;
			return -1;
		}
		a->mpos += d.input_frames_used;
		if (a->in_eof && d.output_frames_gen == 0)
			a->src_done = 1;
		k = d.output_frames_gen;
		if (a->in_eof && a->nout + k > a->target) { /* cut the tail */
			k = a->target > a->nout ? (long)(a->target - a->nout) : 0;
			a->src_done = 1;
		}
		got += k, a->nout += k;
		if (a->src_done && a->nout >= a->target)
			break;
	}
	return got;
}

long
audio_read_block(AudioIn *a, float **buf, size_t *cap, long seglen)
{
	long got = 0, n;

	for (;;) {
		if (!seglen && got == (long)*cap) {
			*cap *= 2;
			*buf = ereallocarray(*buf, *cap, sizeof **buf);
		}
		n = audio_read(a, *buf + got, (long)*cap - got);
		if (n < 0)
			return -1;
		if (n == 0)
			return got;
		got += n;
		if (seglen && got == seglen)
			return got;
	}
}

void
del_audio(AudioIn *a)
{
	if (!a)
		return;
	if (a->sf)
		sf_close(a->sf);
	ffmpeg_wait(a, 1);
	close_fd(&a->pfd);
	close_fd(&a->errfd);
	if (a->src)
		src_delete(a->src);
	if (a->sox)
		soxr_delete(a->sox);
	free(a->ibuf);
	free(a->bbuf);
	free(a->mono);
	free(a->name);
	free(a);
}
