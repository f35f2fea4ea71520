/* feat — librosa-compatible handcrafted features of audio records or audio files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/audio.h"
#include "feat/featrun.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"
#include "core/key.h"

static const char SYNOPSIS[] =
	"[-bt] [-l seconds] [-m segment|frames|mel|seed|full] [-r rate] [file ...]";

static FeatRun *run;

/* A stream of audio records (dimension 0, with a sample rate). */
static int
do_stream(const char *path)
{
	VReader *r;
	int e;

	if (!(r = new_vreader(path)))
		return -1;
	if (vreader_audio_header(r)) {
		del_vreader(r);
		return -1;
	}
	if (featrun_rate(run, r->rate))
		exit(1); /* a write error, printed */
	while ((e = vreader_next(r)) > 0) {
		if (r->n == 0) {
			vreader_error(r, "empty audio record '%s'", r->key);
			e = -1;
			break;
		}
		if ((e = featrun_record(run, r->key, r->val, r->n)) == FR_EIO)
			exit(1);
		if (e < 0) {
			vreader_error(r, "'%s': %s", r->key, featrun_error(run));
			e = -1;
			break;
		}
	}
	del_vreader(r);
	return e < 0 ? -1 : 0;
}

/* An audio file, decoded at `rate` and cut into records as `segment -l seconds`. */
static int
do_audio(const char *path, double rate, double seconds)
{
	AudioIn *a;
	char *key = key_from_path(path);
	const char *why;
	int rc;

	if ((why = key_song_problem(key))) {
		weprintf("%s: unusable song key: %s", path, why);
		free(key);
		return -1;
	}
	if (!(a = new_audio(path, rate, AQ_DEFAULT))) {
		free(key);
		return -1;
	}
	rc = featrun_audio(run, a, path, key, seconds);
	free(key);
	del_audio(a);
	if (rc == FR_EIO)
		exit(1);
	return rc;
}

int
main(int argc, char **argv)
{
	char **in;
	double rate = 22050, seconds = -1;
	int c, binary = 0, nin, i, rc = 0, isrec, mode = FR_SEGMENT;
	VWriter *w;

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "bl:m:r:t")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 't': binary = 0; break;
		case 'l': seconds = estrtod(optarg, 0, 1e7, 'l'); break;
		case 'r': rate = estrtod(optarg, 1000, 1e6, 'r'); break;
		case 'm':
			if ((mode = featrun_mode(optarg)) < 0) {
				weprintf("-m: invalid value '%s' (expected segment, frames, mel, seed or full)", optarg);
				util_usage(SYNOPSIS);
			}
			break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (seconds < 0) /* per-segment modes cut 10 s records; the others take files whole */
		seconds = mode == FR_SEGMENT || mode == FR_SEED ? 10 : 0;
	in = util_operands(argc, argv, &nin);
	w = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(w, featrun_dim(mode), 0, featrun_dim(mode), featrun_cols(mode)))
		exit(1);
	run = new_featrun(mode, w);
	for (i = 0; i < nin; i++) {
		isrec = audio_input_kind(in[i]);
		if (isrec < 0) {
			rc = 1;
		} else if (isrec ? do_stream(in[i]) : do_audio(in[i], rate, seconds)) {
			rc = 1;
		}
	}
	if (del_featrun(run)) /* the last song (seed mode) */
		exit(1);
	if (del_vwriter(w))
		exit(1);
	return rc;
}
