/* musicnn — MusiCNN music tags, moods and embeddings of 16 kHz audio records or files. */
#include "audio/audio.h"
#include "core/key.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"
#include "ml/blas.h"
#include "nn/musicnn_front.h"
#include "nn/musicnn_model.h"
#include "nn/musicnn_run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *synopsis =
    "[-bqRv] [-a patch|record|song] [-j threads] [-M models] [-m outputs] [-p hop] "
    "[-t count] [file ...]";

static MusicnnRun *run;
static MusicnnFront *front;
static VWriter *out;
static int melmode, quiet;
static Progress *prog;
static unsigned long nrec;

/* -m mel: each frame is a record "<record>.<frame>" */
static const char *melkey;
static size_t melframe;
static int melfailed;

static void
mel_frame(void *ctx, const float *mel)
{
	char *k = emalloc(strlen(melkey) + 24);

	sprintf(k, "%s.%zu", melkey, melframe++);
	if (!melfailed && vwriter_write(out, k, mel, MF_NMEL))
		melfailed = 1;
	free(k);
}

/* a record's samples, x == NULL at its end; what names it in warnings */
static void
record(const char *key, const float *x, size_t n, int end, const char *what)
{
	int padded, none;

	if (x && n)
		musicnn_front_push(front, x, n, melmode ? mel_frame : musicnn_run_frame,
		    melmode ? NULL : run);
	if (!end)
		return;
	musicnn_front_end(front, melmode ? mel_frame : musicnn_run_frame, melmode ? NULL : run);
	progress_do(prog, ++nrec);
	if (melmode ? melfailed : musicnn_run_close(run, &padded, &none))
		exit(1); /* a write error, printed */
	if (musicnn_front_nsamples(front) == 0)
		weprintf("%s: no samples: no %s", what, melmode ? "frame" : "patch");
	else if (!melmode && padded && !quiet)
		weprintf("%s: %zu samples (%.3f s) is shorter than one patch (47361 samples, "
		    "2.960 s): zero-padded to one", what, musicnn_front_nsamples(front),
		    musicnn_front_nsamples(front) / (double)MF_RATE);
}

static void
open_record(const char *key)
{
	musicnn_front_reset(front);
	melkey = key;
	melframe = 0;
	if (!melmode)
		musicnn_run_open(run, key);
}

static int
do_stream(const char *path)
{
	VReader *r = new_vreader(path);
	char what[512];
	int rc;

	if (!r)
		return 1;
	while ((rc = vreader_next(r)) == 1) {
		if (vreader_audio_rate(r, MF_RATE)) {
			rc = -1;
			break;
		}
		open_record(r->key);
		snprintf(what, sizeof what, "%s: record %s", r->name, r->key);
		record(r->key, r->val, r->n, 1, what);
	}
	del_vreader(r);
	return rc < 0;
}

static int
do_audio(const char *path, int noresample)
{
	AudioIn *a = new_audio(path, noresample ? 0 : MF_RATE, AQ_DEFAULT);
	static float buf[16384];
	char *key;
	long n;

	if (!a)
		return 1;
	if (audio_rate(a) != MF_RATE) {
		weprintf("%s: sample rate %g Hz, musicnn needs 16000 Hz (-R disables resampling)",
		    path, audio_rate(a));
		del_audio(a);
		return 1;
	}
	key = key_from_path(path);
	key = erealloc(key, strlen(key) + 3);
	strcat(key, "#0");
	open_record(key);
	while ((n = audio_read(a, buf, sizeof buf / sizeof *buf)) > 0)
		record(key, buf, (size_t)n, 0, path);
	del_audio(a);
	if (n == 0)
		record(key, NULL, 0, 1, path);
	free(key);
	return n < 0;
}

/* -m: a comma-separated list of tags, embedding, moods; all; mel (-1) */
static int
parse_outputs(const char *s)
{
	static const struct { const char *name; int bits; } w[] = {
		{"tags", MR_TAGS}, {"embedding", MR_EMB}, {"moods", MR_MOODS},
		{"all", MR_TAGS | MR_EMB | MR_MOODS}, {"mel", -1},
	};
	char *t = estrdup(s), *p, *save = NULL;
	int bits = 0;
	size_t i;

	for (p = strtok_r(t, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof w / sizeof *w && strcmp(p, w[i].name); i++)
			;
		if (i == sizeof w / sizeof *w || (w[i].bits < 0 && bits) || bits < 0) {
			weprintf("-m: invalid value '%s' (expected tags, embedding, moods, all, or "
			    "mel alone, separated by commas)", s);
			util_usage(synopsis);
		}
		bits |= w[i].bits;
	}
	free(t);
	if (!bits) {
		weprintf("-m: invalid value '%s'", s);
		util_usage(synopsis);
	}
	return bits;
}

/* the networks the outputs need; exits 1 after a message when one cannot be loaded */
static void
load_models(const char *dir, int what, int nt, MusicnnNet **tagger, MusicnnNet **moods,
    TfjsModel **files)
{
	int i;

	if (what & (MR_TAGS | MR_EMB) &&
	    !(*tagger = musicnn_load(dir, MUSICNN_TAGGER, 50, nt, &files[0])))
		exit(1);
	for (i = 0; what & MR_MOODS && i < MR_NMOOD; i++)
		if (!(moods[i] = musicnn_load(dir, musicnn_moods[i].dir, 2, nt, &files[1 + i])))
			exit(1);
}

static void
report(const char *dir, const char *how, int what)
{
	double cpu;
	unsigned long np = musicnn_run_stats(run, &cpu);
	int nets = (what & (MR_TAGS | MR_EMB) ? 1 : 0) + (what & MR_MOODS ? MR_NMOOD : 0);

	weprintf("models %s (%s), %d network%s", dir, how, nets, nets == 1 ? "" : "s");
	if (np && cpu > 0)
		weprintf("%lu patches through %d network%s; CPU %.3f s in the networks, %.1f "
		    "GFLOP/s per CPU second", np, nets, nets == 1 ? "" : "s", cpu,
		    np * nets * musicnn_net_flops() / cpu / 1e9);
}

typedef struct {
	const char *mdir;
	int binary, noresample, threads, verbose, what, agg, hop, topn;
} Opts;

static void
parse_args(int argc, char **argv, Opts *o)
{
	int c;

	*o = (Opts){.what = MR_TAGS, .agg = -1, .hop = 93};
	while ((c = getopt(argc, argv, "a:bj:M:m:p:qRt:v")) != -1) {
		switch (c) {
		case 'a':
			if (!strcmp(optarg, "patch"))
				o->agg = MR_PATCH;
			else if (!strcmp(optarg, "record"))
				o->agg = MR_RECORD;
			else if (!strcmp(optarg, "song"))
				o->agg = MR_SONG;
			else {
				weprintf("-a: invalid value '%s' (expected patch, record or song)", optarg);
				util_usage(synopsis);
			}
			break;
		case 'b': o->binary = 1; break;
		case 'j': o->threads = estrtol(optarg, 1, 1024, 'j'); break;
		case 'M': o->mdir = optarg; break;
		case 'm': o->what = parse_outputs(optarg); break;
		case 'p': o->hop = estrtol(optarg, 1, 100000, 'p'); break;
		case 'q': quiet = 1; break;
		case 'R': o->noresample = 1; break;
		case 't': o->topn = estrtol(optarg, 1, 50, 't'); break;
		case 'v': o->verbose = 1; break;
		default: util_usage(synopsis);
		}
	}
	if (o->what < 0 && (o->agg >= 0 || o->topn)) {
		weprintf("-a and -t cannot be used with -m mel");
		util_usage(synopsis);
	}
	if (o->topn && o->binary) {
		weprintf("-t writes text: it cannot be used with -b");
		util_usage(synopsis);
	}
	if (o->agg < 0)
		o->agg = o->topn ? MR_SONG : MR_PATCH;
}

/* every operand: streams of audio records or audio files; 1 when any failed */
static int
run_inputs(int argc, char **argv, int noresample)
{
	char **ops = NULL;
	int i, nops, sniff, rc = 0;

	prog = new_progress("records", 0);
	ops = util_operands(argc, argv, &nops);
	for (i = 0; i < nops; i++) {
		sniff = audio_input_kind(ops[i]);
		if (sniff < 0) {
			rc = 1;
		} else if (sniff) {
			rc |= do_stream(ops[i]);
		} else {
			rc |= do_audio(ops[i], noresample);
		}
	}
	del_progress(prog);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *how;
	MusicnnNet *tagger = NULL, *moods[MR_NMOOD] = {0};
	TfjsModel *files[1 + MR_NMOOD] = {0};
	char *const *cols;
	unsigned ncols;
	int i, rc;
	Opts o;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, synopsis);
	parse_args(argc, argv, &o);
	melmode = o.what < 0;
	progress_quiet(quiet);
	o.threads = blas_threads(o.threads);
	o.mdir = musicnn_models_dir(o.mdir, &how);
	if (!melmode)
		load_models(o.mdir, o.what, o.threads, &tagger, moods, files);
	if (o.verbose)
		blas_report(stderr);
	blas_single(); /* the networks' threads are the pool's: OpenBLAS runs inside them */
	out = o.topn ? NULL : new_vwriter(stdout, "<stdout>", o.binary);
	front = new_musicnn_front();
	if (melmode) {
		if (vwriter_header(out, MF_NMEL, 0, 0, NULL))
			exit(1);
	} else {
		run = new_musicnn_run(tagger, moods, (unsigned)o.what, o.agg, (unsigned)o.hop,
		    out, stdout, o.topn);
		ncols = musicnn_run_columns(run, &cols);
		if (!o.topn && vwriter_header(out, ncols, 0, ncols, cols))
			exit(1);
	}
	rc = run_inputs(argc, argv, o.noresample);
	if (run && musicnn_run_flush(run))
		exit(1);
	if (o.verbose && run)
		report(o.mdir, how, o.what);
	if (o.topn ? fshut(stdout, "<stdout>") : del_vwriter(out))
		exit(1);
	del_musicnn_front(front);
	del_musicnn_run(run);
	del_musicnn_net(tagger);
	for (i = 0; i < MR_NMOOD; i++)
		del_musicnn_net(moods[i]);
	for (i = 0; i < 1 + MR_NMOOD; i++)
		del_tfjs_model(files[i]);
	return rc;
}
