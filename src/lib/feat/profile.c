/* profile.c — the 634-d whole-file librosa profile (see profile.h). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/beat.h"
#include "dsp/cqt.h"
#include "dsp/mel.h"
#include "core/stats.h"
#include "dsp/onset.h"
#include "feat/profile.h"
#include "dsp/spectral.h"
#include "dsp/stft.h"
#include "dsp/tuning.h"
#include "core/util.h"
#include "dsp/mfcc.h"
#include "dsp/chroma.h"

#define NFFT 2048
#define HOP 512
#define NB (NFFT / 2 + 1)
#define NMELS 128
#define NMFCC 20
#define NBANDS 7 /* spectral_contrast: n_bands 6, plus the top band */
#define TOP_DB 80.0 /* power_to_db's floor below the maximum */
#define CQT_OCTAVES 7
#define CQT_BPO 36 /* chroma_cqt's bins per octave (3 per semitone) */

struct Profile {
	double sr, binhz;
	char err[160];
	Stft *stft;
	MelBank *mel;
	Tuning *tu;
	int blo[NBANDS], bn[NBANDS], bq[NBANDS]; /* contrast sub-band bins, quantile count */
	/* per-frame work arrays, grown as needed */
	size_t cap;
	double *cen, *bw, *rol, *zcr, *peak, *valley;
	float *rms, *flat, *meldb, *mfcc, *tmp;
};

static char *names[PROFILE_DIM];

const char *const *
profile_cols(void)
{
	static const struct { const char *fmt; int n; } blk[] = {
		{ "mfcc_mean%d", 20 }, { "mfcc_std%d", 20 }, { "mfcc_delta_mean%d", 20 },
		{ "chroma_cqt_mean%d", 12 }, { "chroma_cqt_std%d", 12 },
		{ "centroid_mean", 1 }, { "centroid_std", 1 }, { "rolloff_mean", 1 },
		{ "rolloff_std", 1 }, { "bandwidth_mean", 1 }, { "bandwidth_std", 1 },
		{ "contrast_mean%d", 7 }, { "contrast_std%d", 7 }, { "flatness_mean", 1 },
		{ "zcr_mean", 1 }, { "zcr_std", 1 }, { "tempo", 1 }, { "rms_mean", 1 },
		{ "rms_std", 1 }, { "tonnetz_mean%d", 6 }, { "tonnetz_std%d", 6 },
		{ "mel_mean%d", 128 }, { "mel_p25_%d", 128 }, { "mel_p50_%d", 128 },
		{ "mel_p75_%d", 128 },
	};
	size_t b;
	int i, k = 0;

	if (names[0])
		return (const char *const *)names;
	for (b = 0; b < sizeof blk / sizeof *blk; b++)
		for (i = 0; i < blk[b].n; i++) {
			names[k] = emalloc(strlen(blk[b].fmt) + 8);
			sprintf(names[k++], blk[b].fmt, i);
		}
	return (const char *const *)names;
}

Profile *
new_profile(double sr)
{
	Profile *p = ecalloc(1, sizeof *p);
	double octa[NBANDS + 1];
	int k, i;

	p->sr = sr;
	p->binhz = 1.0 / (NFFT * (1.0 / sr)); /* np.fft.rfftfreq */
	p->stft = new_stft(NFFT, HOP);
	p->mel = new_melbank(sr, NFFT, NMELS);
	p->tu = new_tuning(sr, NFFT);
	/* spectral_contrast bands: octa = [0, 200, 400, ..., 12800] */
	octa[0] = 0;
	for (k = 1; k <= NBANDS; k++)
		octa[k] = 200.0 * pow(2.0, k - 1);
	for (k = 0; k < NBANDS; k++) {
		int lo = -1, hi = -1, cnt;
		for (i = 0; i < NB; i++) {
			double f = i * p->binhz;
			if (f >= octa[k] && f <= octa[k + 1]) {
				if (lo < 0)
					lo = i;
				hi = i;
			}
		}
		if (lo < 0) /* band above Nyquist: profile_do refuses such rates, as librosa */
			lo = hi = NB - 1;
		if (k > 0 && lo > 0)
			lo--;             /* current_band[idx[0] - 1] = True */
		if (k == NBANDS - 1)
			hi = NB - 1;      /* current_band[idx[-1] + 1:] = True */
		cnt = hi - lo + 1;
		p->blo[k] = lo;
		p->bn[k] = k < NBANDS - 1 && cnt > 1 ? cnt - 1 : cnt; /* sub_band[:-1] */
		p->bq[k] = (int)fmax(1, rint(0.02 * cnt));
		if (p->bq[k] > p->bn[k])
			p->bq[k] = p->bn[k];
	}
	return p;
}

void
del_profile(Profile *p)
{
	if (!p)
		return;
	del_stft(p->stft);
	del_melbank(p->mel);
	del_tuning(p->tu);
	free(p->cen);
	free(p->bw);
	free(p->rol);
	free(p->zcr);
	free(p->peak);
	free(p->valley);
	free(p->rms);
	free(p->flat);
	free(p->meldb);
	free(p->mfcc);
	free(p->tmp);
	free(p);
}

static void
reserve(Profile *p, size_t T)
{
	if (T <= p->cap)
		return;
	p->cap = T;
	p->cen = ereallocarray(p->cen, T, sizeof(double));
	p->bw = ereallocarray(p->bw, T, sizeof(double));
	p->rol = ereallocarray(p->rol, T, sizeof(double));
	p->zcr = ereallocarray(p->zcr, T, sizeof(double));
	p->peak = ereallocarray(p->peak, T, NBANDS * sizeof(double));
	p->valley = ereallocarray(p->valley, T, NBANDS * sizeof(double));
	p->rms = ereallocarray(p->rms, T, sizeof(float));
	p->flat = ereallocarray(p->flat, T, sizeof(float));
	p->meldb = ereallocarray(p->meldb, T, NMELS * sizeof(float));
	p->mfcc = ereallocarray(p->mfcc, T, NMFCC * sizeof(float));
	p->tmp = ereallocarray(p->tmp, T + 2 * NB + 1, sizeof(float)); /* T + 1 >= Tc */
}

/* np.percentile(v, q*100) (method 'linear') of float32 v[0..n), n >= 1, for
 * ascending q[0..nq): reorders v.  float32 difference, float64 interpolation as
 * NumPy's _lerp. */
static void
percentiles(float *v, size_t n, const double *q, int nq, double *out)
{
	size_t from = 0, i, j, m;
	int r;

	for (r = 0; r < nq; r++) {
		double vi = n * q[r] - q[r], t; /* _compute_virtual_index, alpha = beta = 1 */
		float a, b, d;

		i = vi <= 0 ? 0 : (size_t)floor(vi);
		if (i > n - 1)
			i = n - 1;
		j = i + 1 < n ? i + 1 : n - 1;
		if (i >= from) {
			stats_select_k(v + from, n - from, i - from);
			from = i;
		}
		a = v[i];
		b = a;
		if (j > i) { /* the next order statistic: the minimum right of i */
			b = v[i + 1];
			for (m = i + 2; m < n; m++)
				if (v[m] < b)
					b = v[m];
		}
		t = vi - (double)i;
		if (t < 0)
			t = 0;
		d = b - a;
		out[r] = t >= 0.5 ? b - d * (1 - t) : a + d * t;
	}
}

/* ---- per-frame pieces ---- */

/* spectral_flatness of one magnitude frame: float32, as NumPy */
static float
flatness(const float *S, float *tmp)
{
	float g, a;
	int k;

	for (k = 0; k < NB; k++) {
		float s = S[k] * S[k];
		tmp[k] = s > 1e-10f ? s : 1e-10f;
		tmp[NB + k] = logf(tmp[k]);
	}
	g = expf(stats_np_sum32(tmp + NB, NB) / (float)NB);
	a = stats_np_sum32(tmp, NB) / (float)NB;
	return g / a;
}

/* spectral_contrast peaks and valleys of one magnitude frame: float32 means of the
 * q smallest / largest of each sub-band, summed in ascending order as after
 * np.sort (kept by insertion into two small sorted arrays: q is at most ~1/50 of
 * the band). */
static void
contrast_frame(const Profile *p, const float *S, float *tmp, double *peak, double *valley)
{
	int k, i, j, n, q, nl, nh;

	for (k = 0; k < NBANDS; k++) {
		const float *b = S + p->blo[k];
		float *lo = tmp, *hi = tmp + p->bq[k], sl = 0, sh = 0;
		n = p->bn[k];
		q = p->bq[k];
		nl = nh = 0;
		for (i = 0; i < n; i++) {
			float v = b[i];
			if (nl < q || v < lo[nl - 1]) { /* lo: ascending, the q smallest */
				j = nl < q ? nl++ : q - 1;
				for (; j > 0 && lo[j - 1] > v; j--)
					lo[j] = lo[j - 1];
				lo[j] = v;
			}
			if (nh < q || v > hi[0]) { /* hi: ascending, the q largest */
				if (nh < q) {
					for (j = nh++; j > 0 && hi[j - 1] > v; j--)
						hi[j] = hi[j - 1];
				} else {
					for (j = 0; j + 1 < q && hi[j + 1] < v; j++)
						hi[j] = hi[j + 1];
				}
				hi[j] = v;
			}
		}
		for (i = 0; i < q; i++) {
			sl += lo[i];
			sh += hi[i];
		}
		valley[k] = sl / (float)q;
		peak[k] = sh / (float)q;
	}
}

/* power_to_db of a float64 array (amin 1e-10, ref 1, top_db 80), in place */
static void
db64(double *x, size_t n)
{
	double mx = -INFINITY;
	size_t i;

	for (i = 0; i < n; i++) {
		x[i] = 10.0 * log10(fmax(1e-10, x[i]));
		if (x[i] > mx)
			mx = x[i];
	}
	for (i = 0; i < n; i++)
		if (x[i] < mx - 80.0)
			x[i] = mx - 80.0;
}

/* librosa.feature.delta(x, width=9, mode='interp'): savgol_filter(x, 9, 1, deriv=1),
 * i.e. sum_j j x[t+j] / 60 (float64, stored float32), the first and last 4 values
 * the slope of the least-squares line through the first / last 9. */
static void
delta9(const float *x, size_t T, float *d)
{
	size_t t;
	int j;

	for (t = 4; t + 4 < T; t++) {
		double acc = 0;
		for (j = -4; j <= 4; j++)
			acc += (j / 60.0) * x[t + j];
		d[t] = (float)acc;
	}
	for (t = 0; t < 4; t++) {
		d[t] = d[4];
		d[T - 1 - t] = d[T - 5];
	}
}

const char *
profile_error(const Profile *p)
{
	return p->err;
}

/* Where each feature starts in the profile (profile_cols() order). */
enum {
	O_MFCC_MEAN = 0, O_MFCC_STD = 20, O_MFCC_DELTA = 40,
	O_CHROMA_MEAN = 60, O_CHROMA_STD = 72,
	O_CENTROID = 84, O_ROLLOFF = 86, O_BANDWIDTH = 88,   /* mean, std */
	O_CONTRAST_MEAN = 90, O_CONTRAST_STD = 97,
	O_FLATNESS = 104, O_ZCR = 105, O_TEMPO = 107, O_RMS = 108,
	O_TONNETZ_MEAN = 110, O_TONNETZ_STD = 116,
	O_MEL_MEAN = 122, O_MEL_P25 = 250, O_MEL_P50 = 378, O_MEL_P75 = 506,
};

/* 0 when x[0..n) can be profiled, else -1 with p->err set */
static int
check_input(Profile *p, size_t n)
{
	if (n < PROFILE_MINSAMPLES) {
		snprintf(p->err, sizeof p->err, "%zu samples: too short for the full profile "
		    "(needs %d: 9 frames for delta)", n, PROFILE_MINSAMPLES);
		return -1;
	}
	if (!(p->sr > 12800)) {
		snprintf(p->err, sizeof p->err, "sample rate %g Hz: too low for spectral_contrast "
		    "(its top band starts at 6400 Hz: the rate must exceed 12800 Hz)", p->sr);
		return -1;
	}
	return 0;
}

/* The T STFT frames of x: spectral shape, tuning peaks, flatness, contrast, the
 * mel bands in dB (ref 1, unfloored), zcr and rms per frame; returns the largest
 * mel power (power_to_db's ref=np.max) */
static float
frames(Profile *p, const float *x, size_t n, size_t T)
{
	float *mag = emallocarray(2 * NB, sizeof *mag), *pw = mag + NB, mx = -INFINITY;
	size_t t;
	int k;

	for (t = 0; t < T; t++) {
		float *m = p->meldb + t * NMELS;
		stft_frame(p->stft, x, n, t, mag);
		spectral_frame(mag, NB, p->binhz, &p->cen[t], &p->bw[t], &p->rol[t]);
		tuning_frame(p->tu, mag);
		p->flat[t] = flatness(mag, p->tmp);
		contrast_frame(p, mag, p->tmp, p->peak + t * NBANDS, p->valley + t * NBANDS);
		for (k = 0; k < NB; k++)
			pw[k] = mag[k] * mag[k];
		mel_apply(p->mel, pw, m);
		for (k = 0; k < NMELS; k++) {
			if (m[k] > mx)
				mx = m[k];
			m[k] = mel_power_to_db(m[k]);
		}
		p->zcr[t] = spectral_zcr(x, n, t, NFFT, HOP);
		p->rms[t] = spectral_rms(x, n, t, NFFT, HOP);
	}
	free(mag);
	return mx;
}

/* chroma_cqt with the tuning estimated at 36 bins per octave: *chroma [Tc][12]
 * (un-normalised), *Tc; -1 with p->err set */
static int
chroma_cqt(Profile *p, const float *x, size_t n, float **chroma, size_t *Tc)
{
	double tuning = tuning_finish(p->tu, CQT_BPO);
	Cqt *cq;

	if (!(cq = new_cqt(p->sr, HOP, CQT_OCTAVES, CQT_BPO, tuning))) {
		snprintf(p->err, sizeof p->err, "sample rate %g Hz: too low for chroma_cqt "
		    "(7 octaves from C1 need about 8.6 kHz)", p->sr);
		return -1;
	}
	*Tc = cqt_chroma(cq, x, n, chroma);
	if (*Tc == CQT_ERROR)
		snprintf(p->err, sizeof p->err, "chroma_cqt: %s", cqt_error(cq));
	del_cqt(cq);
	if (*Tc == CQT_ERROR)
		return -1;
	if (!*Tc) {
		snprintf(p->err, sizeof p->err, "%zu samples: too short for chroma_cqt", n);
		return -1;
	}
	return 0;
}

/* mel dB with ref = max (mx, the largest mel power), per band: mean, 25/50/75th
 * percentiles, before the ref-1 floor is applied in place */
static void
mel_stats(Profile *p, size_t T, float mx, double *out)
{
	static const double qs[3] = { 0.25, 0.5, 0.75 };
	float R = (float)(10.0 * log10(fmax(1e-10, (double)mx))), top = -INFINITY, fl;
	float *tmp = p->tmp;
	double pc[3];
	size_t t;
	int k;

	for (t = 0; t < T * NMELS; t++)
		if (p->meldb[t] - R > top)
			top = p->meldb[t] - R;
	fl = (float)((double)top - TOP_DB);
	for (k = 0; k < NMELS; k++) {
		for (t = 0; t < T; t++) {
			float v = p->meldb[t * NMELS + k] - R;
			tmp[t] = v < fl ? fl : v;
		}
		out[O_MEL_MEAN + k] = stats_np_mean32(tmp, T);
		percentiles(tmp, T, qs, 3, pc);
		out[O_MEL_P25 + k] = pc[0];
		out[O_MEL_P50 + k] = pc[1];
		out[O_MEL_P75 + k] = pc[2];
	}
}

/* MFCC 20 over the dB mel frames floored at max - 80 (ref 1; floors p->meldb in
 * place): mean, std, mean of the delta */
static void
mfcc_stats(Profile *p, size_t T, double *out)
{
	int k;

	mel_db_floor(p->meldb, T * NMELS, (float)TOP_DB);
	mfcc_compute(p->meldb, T, NMELS, NMFCC, p->mfcc);
	for (k = 0; k < NMFCC; k++) {
		out[O_MFCC_MEAN + k] = stats_np_mean32(p->mfcc + k * T, T);
		out[O_MFCC_STD + k] = stats_np_std32(p->mfcc + k * T, T);
		delta9(p->mfcc + k * T, T, p->tmp);
		out[O_MFCC_DELTA + k] = stats_np_mean32(p->tmp, T);
	}
}

/* chroma_cqt: inf-norm per frame (in place); mean, std */
static void
chroma_stats(Profile *p, float *chroma, size_t Tc, double *out)
{
	size_t t;
	int c;

	for (t = 0; t < Tc; t++) {
		float *v = chroma + t * 12, m = chroma_inf_norm(v, 12);
		for (c = 0; c < 12; c++)
			v[c] /= m;
	}
	for (c = 0; c < 12; c++) {
		for (t = 0; t < Tc; t++)
			p->tmp[t] = chroma[t * 12 + c];
		out[O_CHROMA_MEAN + c] = stats_np_mean32(p->tmp, Tc);
		out[O_CHROMA_STD + c] = stats_np_std32(p->tmp, Tc);
	}
}

/* spectral_contrast = power_to_db(peak) - power_to_db(valley), each floored at
 * its own max - 80 dB over all bands and frames (in place); mean, std.  dtmp: 2T
 * doubles of scratch */
static void
contrast_stats(Profile *p, size_t T, double *dtmp, double *out)
{
	double *col = dtmp + T;
	size_t t;
	int k;

	db64(p->peak, T * NBANDS);
	db64(p->valley, T * NBANDS);
	for (k = 0; k < NBANDS; k++) {
		for (t = 0; t < T; t++)
			col[t] = p->peak[t * NBANDS + k] - p->valley[t * NBANDS + k];
		stats_np_meanstd64(col, T, dtmp, &out[O_CONTRAST_MEAN + k], &out[O_CONTRAST_STD + k]);
	}
}

/* tonnetz: phi (6 x 12, float64) times the L1-normalised chroma (inf-normed
 * before); mean, std of each of the 6 dimensions */
static void
tonnetz_stats(const float *chroma, size_t Tc, double *out)
{
	static const double scale[6] = { 7.0 / 6, 7.0 / 6, 3.0 / 2, 3.0 / 2, 2.0 / 3, 2.0 / 3 };
	static const double Rr[6] = { 1, 1, 1, 1, 0.5, 0.5 };
	double phi[6][12], *ton = ereallocarray(NULL, 6 * Tc, sizeof *ton);
	double *dtmp = ereallocarray(NULL, Tc, sizeof *dtmp);
	size_t t;
	int q, c;

	for (q = 0; q < 6; q++)
		for (c = 0; c < 12; c++) {
			double V = scale[q] * (double)c;
			if (q % 2 == 0)
				V -= 0.5;
			phi[q][c] = Rr[q] * cos(M_PI * V);
		}
	for (t = 0; t < Tc; t++) {
		const float *v = chroma + t * 12;
		float s = 0, l1[12];
		for (c = 0; c < 12; c++)
			s += fabsf(v[c]);
		if (s < FLT_MIN)
			s = 1;
		for (c = 0; c < 12; c++)
			l1[c] = v[c] / s;
		for (q = 0; q < 6; q++) {
			double acc = 0;
			for (c = 0; c < 12; c++)
				acc += phi[q][c] * l1[c];
			ton[q * Tc + t] = acc;
		}
	}
	for (q = 0; q < 6; q++)
		stats_np_meanstd64(ton + q * Tc, Tc, dtmp, &out[O_TONNETZ_MEAN + q],
		    &out[O_TONNETZ_STD + q]);
	free(dtmp);
	free(ton);
}

int
profile_do(Profile *p, const float *x, size_t n, double *out)
{
	size_t T = 1 + n / HOP, Tc;
	float mx, *chroma = NULL;
	double *dtmp;

	if (check_input(p, n))
		return -1;
	reserve(p, T);
	mx = frames(p, x, n, T);
	if (chroma_cqt(p, x, n, &chroma, &Tc))
		return -1;
	dtmp = ereallocarray(NULL, T, 2 * sizeof *dtmp);
	mel_stats(p, T, mx, out);
	mfcc_stats(p, T, out);
	chroma_stats(p, chroma, Tc, out);
	stats_np_meanstd64(p->cen, T, dtmp, &out[O_CENTROID], &out[O_CENTROID + 1]);
	stats_np_meanstd64(p->rol, T, dtmp, &out[O_ROLLOFF], &out[O_ROLLOFF + 1]);
	stats_np_meanstd64(p->bw, T, dtmp, &out[O_BANDWIDTH], &out[O_BANDWIDTH + 1]);
	contrast_stats(p, T, dtmp, out);
	out[O_FLATNESS] = stats_np_mean32(p->flat, T);
	stats_np_meanstd64(p->zcr, T, dtmp, &out[O_ZCR], &out[O_ZCR + 1]);
	/* beat_track's tempo: median-over-bands onset envelope of the floored dB mel */
	onset_env_median(p->meldb, T, NMELS, p->tmp);
	out[O_TEMPO] = beat_tempo(p->tmp, T, p->sr, HOP);
	out[O_RMS] = stats_np_mean32(p->rms, T);
	out[O_RMS + 1] = stats_np_std32(p->rms, T);
	tonnetz_stats(chroma, Tc, out);
	free(dtmp);
	free(chroma);
	return 0;
}
