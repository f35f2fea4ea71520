/* vggish — VGGish 128-d embeddings of 16 kHz audio records or audio files. */
#include "audio/audio.h"
#include "ml/blas.h"
#include "core/key.h"
#include "core/util.h"
#include "nn/vggish_front.h"
#include "nn/vggish_net.h"
#include "nn/vggish_run.h"
#include "core/vreader.h"
#include "nn/weights.h"
#include "core/vwriter.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *synopsis =
    "[-bnRv] [-a segment|song] [-j threads] [-m post|raw|logmel] [-w weights] [file ...]";

enum { M_POST, M_RAW, M_LOGMEL };

static VggishRun *run;

/* end of a record's audio; 1 when it was too short for one example */
static int
close_rec(VggishFront *f)
{
	if (vggish_run_close(run))
		exit(1); /* a write error, printed */
	return vggish_front_nsamples(f) < VF_MINSAMPLES;
}

#define SHORT "%zu samples (%.3f s) is shorter than one VGGish example " \
	"(15600 samples, 0.975 s): no embedding"

static int
do_stream(VggishFront *f, const char *path)
{
	VReader *r = new_vreader(path);
	int rc;

	if (!r)
		return 1;
	while ((rc = vreader_next(r)) == 1) {
		if (vreader_audio_rate(r, VF_RATE)) {
			rc = -1;
			break;
		}
		vggish_front_reset(f);
		vggish_run_open(run, r->key);
		vggish_front_push(f, r->val, r->n, vggish_run_example, run);
		if (close_rec(f))
			vreader_error(r, "%s: " SHORT, r->key, r->n, r->n / (double)VF_RATE);
	}
	del_vreader(r);
	return rc < 0;
}

static int
do_audio(VggishFront *f, const char *path, int noresample)
{
	AudioIn *a = new_audio(path, noresample ? 0 : VF_RATE, AQ_DEFAULT);
	static float buf[16384];
	char *key;
	long n;

	if (!a)
		return 1;
	if (audio_rate(a) != VF_RATE) {
		weprintf("%s: sample rate %g Hz, vggish needs 16000 Hz (-R disables resampling)",
		    path, audio_rate(a));
		del_audio(a);
		return 1;
	}
	vggish_front_reset(f);
	key = key_from_path(path);
	key = erealloc(key, strlen(key) + 3);
	strcat(key, "#0");
	vggish_run_open(run, key);
	free(key);
	while ((n = audio_read(a, buf, sizeof buf / sizeof *buf)) > 0)
		vggish_front_push(f, buf, n, vggish_run_example, run);
	del_audio(a);
	if (close_rec(f) && n == 0)
		weprintf("%s: " SHORT, path, vggish_front_nsamples(f),
		    vggish_front_nsamples(f) / (double)VF_RATE);
	return n < 0;
}

/* -v: where the weights came from and what of them is shared */
static void
report(const char *wpath, const char *how, const Weights *w, const VggishNet *net, int relu,
    int mode)
{
	size_t kb;
	int stored;

	blas_report(stderr);
	weprintf("weights %s (%s), %.1f MB, mapped shared; final ReLU %s; %s embeddings",
	    wpath, how, weights_bytes(w) / 1e6, relu ? "on" : "off",
	    mode == M_POST ? "postprocessed" : "raw");
	if ((stored = vggish_net_stored_kernels(net, &kb)) == 0)
		weprintf("Winograd kernels computed at start-up, %.1f MB in this "
		    "process: the weight file has none (vggish-convert -o new.svw %s "
		    "adds them, shared)", kb / 1e6, wpath);
	else if (kb)
		weprintf("Winograd kernels: %d layers' from the weight file (shared), "
		    "%.1f MB computed at start-up", stored, kb / 1e6);
	else
		weprintf("Winograd kernels from the weight file (shared)");
}

/* -v: the network's time and throughput */
static void
report_speed(void)
{
	double wall, cpu;
	unsigned long nex = vggish_run_stats(run, &wall, &cpu);

	if (nex)
		weprintf("%lu examples; network %.3f s, %.1f GFLOP/s; CPU %.3f s, "
		    "%.1f GFLOP/s per CPU second (direct-convolution count; computed: %.1f)",
		    nex, wall, nex * vggish_net_flops(0) / wall / 1e9, cpu,
		    nex * vggish_net_flops(0) / cpu / 1e9, nex * vggish_net_flops(1) / cpu / 1e9);
}

/* -a and -m */
static int
parse_agg(const char *s)
{
	if (!strcmp(s, "segment"))
		return VRUN_SEGMENT;
	if (!strcmp(s, "song"))
		return VRUN_SONG;
	weprintf("-a: invalid value '%s' (expected segment or song)", s);
	util_usage(synopsis);
}

static int
parse_mode(const char *s)
{
	if (!strcmp(s, "post"))
		return M_POST;
	if (!strcmp(s, "raw"))
		return M_RAW;
	if (!strcmp(s, "logmel"))
		return M_LOGMEL;
	weprintf("-m: invalid value '%s' (expected post, raw or logmel)", s);
	util_usage(synopsis);
}

/* every operand (audio records or an audio file each; none: stdin); 0, or 1 when
 * any failed */
static int
run_inputs(VggishFront *f, int argc, char **argv, int noresample)
{
	int i, rc = 0, sniff;

	if (argc == 0)
		rc |= do_stream(f, "-");
	for (i = 0; i < argc; i++) {
		sniff = audio_input_kind(argv[i]);
		if (sniff < 0) {
			rc = 1;
		} else if (sniff) {
			rc |= do_stream(f, argv[i]);
		} else {
			rc |= do_audio(f, argv[i], noresample);
		}
	}
	return rc;
}

int
main(int argc, char **argv)
{
	const char *wpath = NULL, *how;
	Weights *w = NULL;
	VggishNet *net = NULL;
	VggishFront *f;
	VWriter *out;
	int c, binary = 0, relu = 1, noresample = 0, threads = 0, rc;
	int mode = M_POST, agg = VRUN_EXAMPLES, verbose = 0;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, synopsis);
	while ((c = getopt(argc, argv, "a:bj:m:nRvw:")) != -1) {
		switch (c) {
		case 'a': agg = parse_agg(optarg); break;
		case 'b': binary = 1; break;
		case 'j': threads = estrtol(optarg, 1, 1024, 'j'); break;
		case 'm': mode = parse_mode(optarg); break;
		case 'n': relu = 0; break;
		case 'R': noresample = 1; break;
		case 'v': verbose = 1; break;
		case 'w': wpath = optarg; break;
		default: util_usage(synopsis);
		}
	}
	argc -= optind;
	argv += optind;
	if (mode == M_LOGMEL && agg != VRUN_EXAMPLES) {
		weprintf("-a cannot be used with -m logmel");
		util_usage(synopsis);
	}
	threads = blas_threads(threads);
	if (mode != M_LOGMEL) {
		wpath = weights_path(wpath, &how);
		if (!(w = new_weights(wpath)))
			return 1;
		if (!(net = new_vggish_net(w, relu, mode == M_POST, threads))) {
			del_weights(w);
			return 1;
		}
		if (verbose)
			report(wpath, how, w, net, relu, mode);
	}
	blas_single(); /* the network's threads are the pool's: OpenBLAS runs inside them */
	out = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(out, mode == M_LOGMEL ? VF_EXAMPLE : VN_DIM, 0, 0, NULL))
		exit(1);
	run = new_vggish_run(net, mode == M_POST, agg, out);
	f = new_vggish_front();
	rc = run_inputs(f, argc, argv, noresample);
	if (vggish_run_flush(run))
		exit(1);
	if (verbose)
		report_speed();
	if (del_vwriter(out))
		exit(1);
	del_vggish_front(f);
	del_vggish_run(run);
	del_vggish_net(net);
	del_weights(w);
	return rc;
}
