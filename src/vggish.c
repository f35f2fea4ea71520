/* vggish — VGGish 128-d embeddings of 16 kHz audio records or audio files. */
#include "lib/audio.h"
#include "lib/blas.h"
#include "lib/util.h"
#include "lib/vggish_frontend.h"
#include "lib/vggish_net.h"
#include "lib/vstream.h"
#include "lib/weights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *synopsis =
    "[-bnRv] [-a segment|song] [-j threads] [-m post|raw|logmel] [-w weights] [file ...]";

enum { M_POST, M_RAW, M_LOGMEL };
enum { A_NONE, A_SEGMENT, A_SONG };

typedef struct Rec {
	char *key;
	size_t nex, done;   /* examples made, examples embedded */
	int closed;
	double sum[VN_DIM];
} Rec;

static int mode = M_POST, agg = A_NONE, verbose;
static VggishNet *net;
static VWriter *out;
static Rec *q;                 /* records in flight, q[qhead..qn) */
static size_t qhead, qn, qcap;
static float *exbuf, *emb;     /* VN_BATCH examples and their embeddings */
static size_t exrec[VN_BATCH], exm[VN_BATCH], nbuf;
static char *song;             /* -a song: the song being summed */
static double songsum[VN_DIM];
static size_t songseg;
static unsigned long nexamples;
static double nettime, netcpu;
static char *kbuf;
static size_t kcap;

static const char *
mkkey(const char *a, const char *sep, size_t m)
{
	size_t need = strlen(a) + strlen(sep) + 24;

	if (need > kcap)
		kbuf = erealloc(kbuf, kcap = need);
	if (*sep)
		snprintf(kbuf, kcap, "%s%s%zu", a, sep, m);
	else
		snprintf(kbuf, kcap, "%s", a);
	return kbuf;
}

static void
write_mean(const char *key, const double *sum, size_t n)
{
	float v[VN_DIM];
	int i;

	for (i = 0; i < VN_DIM; i++)
		v[i] = n ? (float)(sum[i] / n) : NAN;
	vw_write(out, key, v, VN_DIM);
}

static void
flush_song(void)
{
	if (!song)
		return;
	write_mean(song, songsum, songseg); /* NaN row when no segment had an example */
	free(song);
	song = NULL;
}

static void
finish(Rec *r)
{
	double mean[VN_DIM];
	char *hash;
	size_t len;
	int i;

	if (agg == A_SEGMENT && r->nex)
		write_mean(r->key, r->sum, r->nex);
	if (agg == A_SONG) {
		hash = strrchr(r->key, '#');
		len = hash ? (size_t)(hash - r->key) : strlen(r->key);
		if (!song || strlen(song) != len || strncmp(song, r->key, len)) {
			flush_song();
			song = estrdup(r->key);
			song[len] = 0;
			memset(songsum, 0, sizeof songsum);
			songseg = 0;
		}
		if (r->nex) {
			for (i = 0; i < VN_DIM; i++)
				mean[i] = r->sum[i] / r->nex;
			for (i = 0; i < VN_DIM; i++)
				songsum[i] += mean[i];
			songseg++;
		}
	}
	free(r->key);
}

static void
pop_finished(void)
{
	while (qhead < qn && q[qhead].closed && q[qhead].done == q[qhead].nex)
		finish(&q[qhead++]);
	if (qhead == qn)
		qhead = qn = 0;
}

static void
run_batch(void)
{
	struct timespec t0, t1, c0, c1;
	float post[VN_DIM], *e;
	size_t i;
	int j;
	Rec *r;

	if (!nbuf)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	vggish_net_do(net, exbuf, nbuf, emb);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	nettime += (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
	netcpu += (c1.tv_sec - c0.tv_sec) + 1e-9 * (c1.tv_nsec - c0.tv_nsec);
	for (i = 0; i < nbuf; i++) {
		r = &q[exrec[i]];
		e = emb + i * VN_DIM;
		if (mode == M_POST) {
			vggish_postprocess(net, e, post);
			e = post;
		}
		if (agg == A_NONE)
			vw_write(out, mkkey(r->key, ".", exm[i]), e, VN_DIM);
		else
			for (j = 0; j < VN_DIM; j++)
				r->sum[j] += e[j];
		r->done++;
	}
	nexamples += nbuf;
	nbuf = 0;
	pop_finished();
}

static void
on_example(void *ctx, const float *ex)
{
	Rec *r = &q[qn - 1];

	(void)ctx;
	if (mode == M_LOGMEL) {
		vw_write(out, mkkey(r->key, ".", r->nex++), ex, VF_EXAMPLE);
		return;
	}
	memcpy(exbuf + nbuf * VF_EXAMPLE, ex, VF_EXAMPLE * sizeof *ex);
	exrec[nbuf] = qn - 1;
	exm[nbuf++] = r->nex++;
	if (nbuf == VN_BATCH)
		run_batch();
}

/* song key of a file: its name without directory and last extension (as segment) */
static char *
song_key(const char *path)
{
	const char *b = strrchr(path, '/');
	char *k, *dot;

	k = estrdup(b ? b + 1 : path);
	if ((dot = strrchr(k, '.')) && dot != k)
		*dot = '\0';
	return k;
}

static Rec *
open_rec(const char *key)
{
	if (qn == qcap)
		q = ereallocarray(q, qcap = qcap ? 2 * qcap : 64, sizeof *q);
	memset(&q[qn], 0, sizeof *q);
	q[qn].key = estrdup(key);
	return &q[qn++];
}

/* end of a record's audio; 1 when it was too short for one example */
static int
close_rec(VggishFront *f)
{
	Rec *r = &q[qn - 1];

	r->closed = 1;
	if (mode == M_LOGMEL)
		qn--, free(r->key);
	else
		pop_finished();
	return vggish_front_nsamples(f) < VF_MINSAMPLES;
}

#define SHORT "%zu samples (%.3f s) is shorter than one VGGish example " \
	"(15600 samples, 0.975 s): no embedding"

static int
do_stream(VggishFront *f, const char *path)
{
	VReader *r = vr_open(path);
	int rc;

	if (!r)
		return 1;
	while ((rc = vr_next(r)) == 1) {
		if (r->rate != VF_RATE) {
			if (r->rate == 0)
				vr_error(r, "no sample rate: not an audio record stream "
				    "(vggish reads 16000 Hz records, e.g. segment -r 16000)");
			else
				vr_error(r, "audio records at %g Hz, vggish needs 16000 Hz "
				    "(resample with segment -r 16000)", r->rate);
			rc = -1;
			break;
		}
		vggish_front_reset(f);
		open_rec(r->key);
		vggish_front_push(f, r->val, r->n, on_example, NULL);
		if (close_rec(f))
			vr_error(r, "%s: " SHORT, r->key, r->n, r->n / (double)VF_RATE);
	}
	vr_close(r);
	return rc < 0;
}

static int
do_audio(VggishFront *f, const char *path, int noresample)
{
	AudioIn *a = audio_open(path, noresample ? 0 : VF_RATE, AQ_DEFAULT);
	static float buf[16384];
	char *key;
	long n;

	if (!a)
		return 1;
	if (audio_rate(a) != VF_RATE) {
		weprintf("%s: sample rate %g Hz, vggish needs 16000 Hz (-R disables resampling)",
		    path, audio_rate(a));
		audio_close(a);
		return 1;
	}
	vggish_front_reset(f);
	key = song_key(path);
	open_rec(mkkey(key, "#", 0));
	free(key);
	while ((n = audio_read(a, buf, sizeof buf / sizeof *buf)) > 0)
		vggish_front_push(f, buf, n, on_example, NULL);
	audio_close(a);
	if (close_rec(f) && n == 0)
		weprintf("%s: " SHORT, path, vggish_front_nsamples(f),
		    vggish_front_nsamples(f) / (double)VF_RATE);
	return n < 0;
}

int
main(int argc, char **argv)
{
	const char *wpath = NULL, *how;
	Weights *w = NULL;
	VggishFront *f;
	int c, i, binary = 0, relu = 1, noresample = 0, threads = 0, rc = 0, sniff;

	sv_blas_init(argc, argv);
	sv_init(argc, argv);
	sv_help(argc, argv, synopsis);
	while ((c = getopt(argc, argv, "a:bj:m:nRvw:")) != -1) {
		switch (c) {
		case 'a':
			if (!strcmp(optarg, "segment"))
				agg = A_SEGMENT;
			else if (!strcmp(optarg, "song"))
				agg = A_SONG;
			else {
				weprintf("-a: invalid value '%s' (expected segment or song)", optarg);
				usage_exit(synopsis);
			}
			break;
		case 'b': binary = 1; break;
		case 'j': threads = estrtol(optarg, 1, 1024, 'j'); break;
		case 'm':
			if (!strcmp(optarg, "post"))
				mode = M_POST;
			else if (!strcmp(optarg, "raw"))
				mode = M_RAW;
			else if (!strcmp(optarg, "logmel"))
				mode = M_LOGMEL;
			else {
				weprintf("-m: invalid value '%s' (expected post, raw or logmel)", optarg);
				usage_exit(synopsis);
			}
			break;
		case 'n': relu = 0; break;
		case 'R': noresample = 1; break;
		case 'v': verbose = 1; break;
		case 'w': wpath = optarg; break;
		default: usage_exit(synopsis);
		}
	}
	argc -= optind;
	argv += optind;
	if (mode == M_LOGMEL && agg != A_NONE) {
		weprintf("-a cannot be used with -m logmel");
		usage_exit(synopsis);
	}
	sv_blas_threads(threads);
	if (mode != M_LOGMEL) {
		wpath = weights_path(wpath, &how);
		if (!(w = weights_open(wpath)))
			return 1;
		if (!(net = new_vggish_net(w, relu, mode == M_POST))) {
			weights_close(w);
			return 1;
		}
		if (verbose) {
			sv_blas_report(stderr);
			weprintf("weights %s (%s), %.1f MB, mapped shared; final ReLU %s; %s embeddings",
			    wpath, how, weights_bytes(w) / 1e6, relu ? "on" : "off",
			    mode == M_POST ? "postprocessed" : "raw");
		}
		exbuf = ereallocarray(NULL, (size_t)VN_BATCH * VF_EXAMPLE, sizeof *exbuf);
		emb = ereallocarray(NULL, (size_t)VN_BATCH * VN_DIM, sizeof *emb);
	}
	out = vw_open(stdout, "<stdout>", binary);
	vw_header(out, mode == M_LOGMEL ? VF_EXAMPLE : VN_DIM, 0, 0, NULL);
	f = new_vggish_front();
	if (argc == 0)
		rc |= do_stream(f, "-");
	for (i = 0; i < argc; i++) {
		sniff = strcmp(argv[i], "-") ? vs_sniff_path(argv[i]) : 1;
		if (sniff < 0) {
			weprintf("%s:", argv[i]);
			rc = 1;
		} else if (sniff) {
			rc |= do_stream(f, argv[i]);
		} else {
			rc |= do_audio(f, argv[i], noresample);
		}
	}
	if (mode != M_LOGMEL) {
		run_batch();
		flush_song();
		if (verbose && nexamples)
			weprintf("%lu examples; network %.3f s, %.1f GFLOP/s; CPU %.3f s, "
			    "%.1f GFLOP/s per CPU second (direct-convolution count; computed: "
			    "%.1f)", nexamples, nettime,
			    nexamples * vggish_net_flops(0) / nettime / 1e9, netcpu,
			    nexamples * vggish_net_flops(0) / netcpu / 1e9,
			    nexamples * vggish_net_flops(1) / netcpu / 1e9);
	}
	vw_close(out);
	del_vggish_front(f);
	del_vggish_net(net);
	weights_close(w);
	free(exbuf);
	free(emb);
	free(q);
	free(kbuf);
	return rc;
}
