/* segment — decode audio files into fixed-length mono segments (audio records). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <samplerate.h>

#include "audio/audio.h"
#include "audio/part.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"
#include "core/key.h"

static const char SYNOPSIS[] =
	"[-bft] [-k key] [-l seconds] [-q quality] [-r rate] [file ...]";

/* 1 when key can name the song of path: valid (key_song_problem) and not given
 * to another file of this run (keys are file names without folder and extension,
 * so a/x.ogg and b/x.ogg would become one song downstream) */
static int
key_ok(KeySet *seen, char **in, int i, const char *key)
{
	char buf[200];
	const char *why;
	unsigned long first;

	if ((why = key_song_problem(key))) {
		weprintf("%s: unusable song key '%s': %s; set one with -k", in[i],
			key_show(buf, sizeof buf, key, strlen(key)), why);
		return 0;
	}
	if ((first = keyset_add(seen, key, (unsigned long)i + 1))) {
		weprintf("%s: song key '%s' is already the key of %s (keys are file names "
			"without folder and extension): segment it on its own with -k", in[i],
			key_show(buf, sizeof buf, key, strlen(key)), in[first - 1]);
		return 0;
	}
	return 1;
}

static int
quality_arg(const char *s)
{
	if (!strcmp(s, "hq"))
		return AQ_SOXR_HQ;
	if (!strcmp(s, "vhq"))
		return AQ_SOXR_VHQ;
	if (!strcmp(s, "fastest"))
		return SRC_SINC_FASTEST;
	if (!strcmp(s, "medium"))
		return SRC_SINC_MEDIUM_QUALITY;
	if (!strcmp(s, "best"))
		return SRC_SINC_BEST_QUALITY;
	weprintf("-q: invalid value '%s' (expected hq, vhq, fastest, medium or best)", s);
	exit(2);
}

/* Cut one file into records; 0 ok, -1 after a message. */
static int
segment_file(VWriter *w, const char *path, const char *key, double *rate, double seconds,
	int quality, int flags)
{
	AudioIn *a;
	Parts *p;
	const float *x;
	char *rk;
	long minlen, seglen, n;
	int keep;

	if (!(a = new_audio_flags(path, *rate, quality, flags)))
		return -1;
	if (*rate == 0) {
		*rate = audio_rate(a); /* -r 0: the first file's own rate */
		if (vwriter_header(w, 0, *rate, 0, NULL))
			exit(1);
	}
	seglen = seconds > 0 ? (long)llround(seconds * *rate) : 0;
	minlen = (long)ceil(*rate); /* a final partial segment needs 1 s ... */
	if (seglen && seglen < minlen)
		minlen = seglen;     /* ... or a whole one when segments are shorter */
	if (seconds > 0 && seglen < 1) {
		weprintf("-l: %g s is less than one sample at %g Hz", seconds, *rate);
		exit(2);
	}
	p = new_parts(a, path, *rate, seconds, minlen);
	rk = emalloc(strlen(key) + 24);
	while ((n = parts_next(p, &x, &keep)) > 0) {
		if (!keep)
			continue;
		sprintf(rk, "%s#%lu", key, parts_count(p) - 1);
		if (vwriter_write(w, rk, x, (size_t)n))
			exit(1);
	}
	free(rk);
	del_parts(p);
	del_audio(a);
	return n < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	VWriter *w;
	char **in, *key = NULL, *k;
	double rate = 22050, seconds = 10;
	int c, binary = 1, quality = AQ_DEFAULT, nin, i, rc = 0, flags = 0;
	KeySet *seen = new_keyset();

	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "bfk:l:q:r:t")) != -1) {
		switch (c) {
		case 'b': binary = 1; break;
		case 'f': flags |= AUDIO_DAMAGED_OK; break;
		case 't': binary = 0; break;
		case 'k': key = optarg; break;
		case 'l': seconds = estrtod(optarg, 0, 1e7, 'l'); break;
		case 'q': quality = quality_arg(optarg); break;
		case 'r': rate = estrtod(optarg, 0, 1e6, 'r'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (rate > 0 && rate < 1000) {
		weprintf("-r: invalid value '%g' (expected 0 or a rate in 1000..1e+06 Hz)", rate);
		exit(2);
	}
	in = util_operands(argc, argv, &nin);
	if (key && nin > 1) {
		weprintf("-k: sets the key of a single input, not of %d files", nin);
		util_usage(SYNOPSIS);
	}
	w = new_vwriter(stdout, "<stdout>", binary);
	if (rate > 0)
		if (vwriter_header(w, 0, rate, 0, NULL))
			exit(1);
	for (i = 0; i < nin; i++) {
		k = key ? estrdup(key) : key_from_path(in[i]);
		if (!key_ok(seen, in, i, k) ||
		    segment_file(w, in[i], k, &rate, seconds, quality, flags) < 0)
			rc = 1;
		free(k);
	}
	del_keyset(seen);
	if (rate == 0)
		if (vwriter_header(w, 0, 0, 0, NULL))
			exit(1);
	if (del_vwriter(w))
		exit(1);
	return rc;
}
