/* feature.c — one record's librosa features (see feature.h). */
#include "feat/feature.h"
#include "dsp/beat.h"
#include "dsp/chroma.h"
#include "dsp/tuning.h"
#include "dsp/mel.h"
#include "core/stats.h"
#include "dsp/onset.h"
#include "dsp/spectral.h"
#include "dsp/stft.h"
#include "core/util.h"
#include "dsp/mfcc.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NBINS (FEAT_NFFT / 2 + 1)
#define TOP_DB 80.0f     /* power_to_db's floor below the maximum */
#define CHROMA_BLOCK 16  /* frames per chroma sgemm */

const char *const feat_segcols[FEAT_SEGDIM] = {
	"tempo", "chroma", "centroid", "bandwidth", "rolloff", "zcr", "rms",
	"mfccmean0", "mfccmean1", "mfccmean2", "mfccmean3", "mfccmean4", "mfccmean5",
	"mfccmean6", "mfccmean7", "mfccmean8", "mfccmean9", "mfccmean10", "mfccmean11",
	"mfccmean12",
	"mfccstd0", "mfccstd1", "mfccstd2", "mfccstd3", "mfccstd4", "mfccstd5",
	"mfccstd6", "mfccstd7", "mfccstd8", "mfccstd9", "mfccstd10", "mfccstd11",
	"mfccstd12",
	"onsetenv", "onsetcount", "loudness",
};

const char *const feat_framecols[FEAT_FRAMEDIM] = {
	"centroid", "bandwidth", "rolloff", "zcr", "rms", "onset_env",
	"mfcc0", "mfcc1", "mfcc2", "mfcc3", "mfcc4", "mfcc5", "mfcc6", "mfcc7", "mfcc8",
	"mfcc9", "mfcc10", "mfcc11", "mfcc12",
	"chroma0", "chroma1", "chroma2", "chroma3", "chroma4", "chroma5", "chroma6",
	"chroma7", "chroma8", "chroma9", "chroma10", "chroma11",
};

/* the analyser's own buffers */
struct FeatBuf {
	size_t cap;            /* frames the arrays hold */
	float *power;          /* [T][nbins] |X|^2 */
	float *mag, *cfb, *craw; /* one magnitude frame, the chroma bank, raw chroma */
	Stft *stft;
	MelBank *mel;
};

/* ---- the analysis ---- */

Feat *
new_feature(double sr)
{
	Feat *f = ecalloc(1, sizeof *f);

	f->priv = ecalloc(1, sizeof *f->priv);
	f->sr = sr;
	f->priv->stft = new_stft(FEAT_NFFT, FEAT_HOP);
	f->priv->mel = new_melbank(sr, FEAT_NFFT, FEAT_NMELS);
	f->priv->mag = emallocarray(NBINS, sizeof *f->priv->mag);
	f->priv->cfb = emallocarray(FEAT_NCHROMA * NBINS, sizeof *f->priv->cfb);
	return f;
}

void
del_feature(Feat *f)
{
	if (!f)
		return;
	del_stft(f->priv->stft);
	del_melbank(f->priv->mel);
	free(f->priv->mag);
	free(f->priv->cfb);
	free(f->priv->power);
	free(f->centroid);
	free(f->bandwidth);
	free(f->rolloff);
	free(f->zcr);
	free(f->rms);
	free(f->loud);
	free(f->onset);
	free(f->onset_med);
	free(f->meldb);
	free(f->mfcc);
	free(f->chroma);
	free(f->priv->craw);
	free(f->priv);
	free(f);
}

static void
reserve(Feat *f, size_t T)
{
	struct FeatBuf *b = f->priv;

	if (T <= b->cap)
		return;
	b->cap = T;
	b->power = ereallocarray(b->power, T, NBINS * sizeof(float));
	f->centroid = ereallocarray(f->centroid, T, sizeof(double));
	f->bandwidth = ereallocarray(f->bandwidth, T, sizeof(double));
	f->rolloff = ereallocarray(f->rolloff, T, sizeof(double));
	f->zcr = ereallocarray(f->zcr, T, sizeof(double));
	f->rms = ereallocarray(f->rms, T, sizeof(float));
	f->loud = ereallocarray(f->loud, T, sizeof(float));
	f->onset = ereallocarray(f->onset, T, sizeof(float));
	f->onset_med = ereallocarray(f->onset_med, T, sizeof(float));
	f->meldb = ereallocarray(f->meldb, T, FEAT_NMELS * sizeof(float));
	f->mfcc = ereallocarray(f->mfcc, T, FEAT_NMFCC * sizeof(float));
	f->chroma = ereallocarray(f->chroma, T, FEAT_NCHROMA * sizeof(float));
	b->craw = ereallocarray(b->craw, T, FEAT_NCHROMA * sizeof(float));
}

static void
chroma(Feat *f)
{
	struct FeatBuf *b = f->priv;
	size_t t, T = f->T;
	int c;
	float mx, *v;

	f->tuning = tuning_estimate_power(b->power, T, FEAT_NFFT, f->sr);
	chroma_filterbank(b->cfb, f->sr, FEAT_NFFT, f->tuning);
	/* raw[T][12] = power[T][nbins] . fb[12][nbins]^T (float32, as librosa's einsum),
	 * in blocks of CHROMA_BLOCK frames: OpenBLAS runs products that small on the
	 * calling thread, so its helper threads are never woken (they would spin after
	 * each call) and the sums do not depend on the core count */
	for (t = 0; t < T; t += CHROMA_BLOCK)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
		    T - t < CHROMA_BLOCK ? (int)(T - t) : CHROMA_BLOCK, FEAT_NCHROMA, NBINS, 1.0f,
		    b->power + t * NBINS, NBINS, b->cfb, NBINS, 0.0f, b->craw + t * FEAT_NCHROMA,
		    FEAT_NCHROMA);
	for (t = 0; t < T; t++) {
		v = b->craw + t * FEAT_NCHROMA;
		mx = chroma_inf_norm(v, FEAT_NCHROMA);
		for (c = 0; c < FEAT_NCHROMA; c++)
			f->chroma[c * T + t] = v[c] / mx;
	}
}

void
feature_analyze(Feat *f, const float *x, size_t n, int what)
{
	struct FeatBuf *b = f->priv;
	size_t T = stft_nframes(b->stft, n), t;
	double binhz = 1.0 / (FEAT_NFFT * (1.0 / f->sr));
	float *p;
	int k;

	reserve(f, T);
	f->T = T;
	for (t = 0; t < T; t++) {
		stft_frame(b->stft, x, n, t, b->mag);
		p = b->power + t * NBINS;
		for (k = 0; k < NBINS; k++)
			p[k] = b->mag[k] * b->mag[k];
		if (what != FEAT_MELONLY)
			spectral_frame(b->mag, NBINS, binhz, &f->centroid[t], &f->bandwidth[t], &f->rolloff[t]);
	}
	mel_apply_n(b->mel, b->power, T, f->meldb);
	for (t = 0; t < T * FEAT_NMELS; t++)
		f->meldb[t] = mel_power_to_db(f->meldb[t]);
	mel_db_floor(f->meldb, T * FEAT_NMELS, TOP_DB);
	if (what == FEAT_MELONLY)
		return;
	spectral_zcr_all(x, n, T, FEAT_NFFT, FEAT_HOP, f->zcr);
	spectral_rms_all(x, n, T, FEAT_NFFT, FEAT_HOP, f->rms);
	for (t = 0; t < T; t++)
		f->loud[t] = mel_power_to_db(f->rms[t] * f->rms[t]);
	mel_db_floor(f->loud, T, TOP_DB);
	mfcc_compute(f->meldb, T, FEAT_NMELS, FEAT_NMFCC, f->mfcc);
	onset_env(f->meldb, T, FEAT_NMELS, f->onset);
	onset_env_median(f->meldb, T, FEAT_NMELS, f->onset_med);
	f->onsets = onset_count(f->onset, T, f->sr, FEAT_HOP);
	f->tempo = beat_tempo(f->onset_med, T, f->sr, FEAT_HOP);
	chroma(f);
}

void
feature_segment(const Feat *f, double *out)
{
	size_t T = f->T;
	int k, i = 0;

	out[i++] = f->tempo;
	out[i++] = stats_np_mean32(f->chroma, FEAT_NCHROMA * T);
	out[i++] = stats_np_mean64(f->centroid, T);
	out[i++] = stats_np_mean64(f->bandwidth, T);
	out[i++] = stats_np_mean64(f->rolloff, T);
	out[i++] = stats_np_mean64(f->zcr, T);
	out[i++] = stats_np_mean32(f->rms, T);
	for (k = 0; k < FEAT_NMFCC; k++)
		out[i++] = stats_np_mean32(f->mfcc + k * T, T);
	for (k = 0; k < FEAT_NMFCC; k++)
		out[i++] = stats_np_std32(f->mfcc + k * T, T);
	out[i++] = stats_np_mean32(f->onset, T);
	out[i++] = (double)f->onsets;
	out[i++] = stats_np_mean32(f->loud, T);
}

void
feature_frame(const Feat *f, size_t t, float *out)
{
	size_t T = f->T;
	int k, i = 0;

	out[i++] = (float)f->centroid[t];
	out[i++] = (float)f->bandwidth[t];
	out[i++] = (float)f->rolloff[t];
	out[i++] = (float)f->zcr[t];
	out[i++] = f->rms[t];
	out[i++] = f->onset[t];
	for (k = 0; k < FEAT_NMFCC; k++)
		out[i++] = f->mfcc[k * T + t];
	for (k = 0; k < FEAT_NCHROMA; k++)
		out[i++] = f->chroma[k * T + t];
}
