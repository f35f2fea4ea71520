/* seed.c — aggregate segment features into the 95-d seed vector (see seed.h). */
#include "feat/seed.h"
#include "feat/feature.h"
#include "core/stats.h"
#include "feat/songtempo.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define C4(n) n "_mean", n "_std", n "_min", n "_max"
#define M13(p) p "0", p "1", p "2", p "3", p "4", p "5", p "6", p "7", p "8", p "9", \
	p "10", p "11", p "12"

const char *const seed_cols[SEED_DIM] = {
	"duration_sec", "segments", "global_bpm",
	C4("bpm_segments"), C4("chroma_stft"), C4("spectral_centroid"),
	C4("spectral_bandwidth"), C4("rolloff"), C4("zero_crossing_rate"), C4("rms"),
	M13("mfcc_mean_mean"), M13("mfcc_mean_std"), M13("mfcc_std_mean"), M13("mfcc_std_std"),
	C4("onset_env"), C4("onset_count"), C4("loudness"),
};

struct Seed {
	double sr;
	SongTempo *tempo;
	double *seg;      /* nseg x FEAT_SEGDIM */
	size_t nseg, cap;
};

Seed *
new_seed(double sr)
{
	Seed *s = ecalloc(1, sizeof *s);

	s->sr = sr;
	s->tempo = new_songtempo(sr);
	return s;
}

void
del_seed(Seed *s)
{
	if (!s)
		return;
	del_songtempo(s->tempo);
	free(s->seg);
	free(s);
}

void
seed_add_segment(Seed *s, const double *seg)
{
	if (s->nseg == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->seg = ereallocarray(s->seg, s->cap, FEAT_SEGDIM * sizeof *s->seg);
	}
	memcpy(s->seg + s->nseg * FEAT_SEGDIM, seg, FEAT_SEGDIM * sizeof *seg);
	s->nseg++;
}

int
seed_add_audio(Seed *s, const float *x, size_t n)
{
	return songtempo_add(s->tempo, x, n);
}

size_t
seed_nsegments(const Seed *s)
{
	return s->nseg;
}

/* [mean, std, min, max] of column c over the selected segments (NumPy float64) */
static void
stats(const Seed *s, int c, int bpm, double *out)
{
	double *v = emallocarray(s->nseg + 1, sizeof *v), m, d;
	size_t i, n = 0;

	for (i = 0; i < s->nseg; i++) {
		const double *g = s->seg + i * FEAT_SEGDIM;
		if (bpm && !(g[6] >= 0.01)) /* rms column */
			continue;
		v[n++] = g[c];
	}
	if (n == 0) {
		out[0] = out[1] = out[2] = out[3] = NAN;
		free(v);
		return;
	}
	m = stats_np_mean64(v, n);
	out[0] = m;
	out[2] = out[3] = v[0];
	for (i = 0; i < n; i++) {
		if (v[i] < out[2])
			out[2] = v[i];
		if (v[i] > out[3])
			out[3] = v[i];
		d = v[i] - m;
		v[i] = d * d;
	}
	out[1] = sqrt(stats_np_mean64(v, n));
	free(v);
}

int
seed_finish(Seed *s, double *out)
{
	double st[4];
	int k, i = 0, c;

	out[i++] = (double)songtempo_samples(s->tempo) / s->sr;
	out[i++] = (double)s->nseg;
	if ((out[i++] = songtempo_finish(s->tempo)) < 0) {
		s->nseg = 0;
		return -1;
	}
	stats(s, 0, 1, out + i);   /* bpm_segments */
	i += 4;
	for (c = 1; c <= 6; c++) { /* chroma centroid bandwidth rolloff zcr rms */
		stats(s, c, 0, out + i);
		i += 4;
	}
	for (c = 7; c <= 20; c += 13) { /* mfcc means (7..19), then stds (20..32) */
		for (k = 0; k < FEAT_NMFCC; k++) {
			stats(s, c + k, 0, st);
			out[i + k] = st[0];
			out[i + FEAT_NMFCC + k] = st[1];
		}
		i += 2 * FEAT_NMFCC;
	}
	for (c = 33; c <= 35; c++) { /* onsetenv onsetcount loudness */
		stats(s, c, 0, out + i);
		i += 4;
	}
	s->nseg = 0;
	return 0;
}
