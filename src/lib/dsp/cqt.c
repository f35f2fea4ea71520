/* cqt.c — librosa's recursive constant-Q transform, folded to chroma (see cqt.h). */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <soxr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/cqt.h"
#include "dsp/fft.h"
#include "core/stats.h"
#include "core/util.h"

struct octave {
	int n_fft, nb, nfilt, first;   /* filters are global bins first .. first+nfilt-1 */
	int *rowptr, *col;             /* CSR sparse FFT basis [nfilt][nb] */
	float complex *val;
	double *in;
	fftw_complex *out;
	fftw_plan plan;
};

struct Cqt {
	int nbins, bpo, n_oct, hop, down; /* down: early downsampling factor */
	double sr;                         /* after early downsampling */
	double *lengths;                   /* at sr, for the final 1/sqrt scaling */
	struct octave *oct;
	char err[128];                     /* why cqt_chroma failed */
};

#define HANN_BANDWIDTH 1.50018310546875 /* window_bandwidth('hann') */
#define SPARSITY 0.01 /* sparsify_rows' quantile: the L1 mass a basis row may drop */

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Scratch of build_octave: one filter in time (sig) and as the complex64 basis
 * row, its FFT (buf, in place; X), magnitudes and their sorted copy. */
typedef struct OctScratch {
	double complex *sig, *X;
	float complex *basis;
	double *mags, *sorted;
	fftw_complex *buf;
	fftw_plan p;
} OctScratch;

/* util.phasor(arange(a, b) * 2 * pi * f / sr) * hann(N), L1-normalised, then
 * pad_center to n_fft, complex64, *= length / n_fft: into w->basis, and its FFT
 * into w->X and w->mags (w->sorted a copy) */
static void
wavelet_fft(OctScratch *w, int n_fft, int nb, double freq, double len, double my_sr)
{
	double a = floor(-len / 2), b = floor(len / 2), l1, *ab;
	int N = (int)(b - a), lpad = (n_fft - N) / 2, j;
	double s = len / (double)n_fft;

	ab = emallocarray(N, sizeof *ab);
	for (j = 0; j < N; j++) {
		double ang = (a + j) * 2 * M_PI * freq / my_sr;
		double hw = 0.5 + 0.5 * cos(-M_PI + j * (2 * M_PI / N));
		w->sig[j] = (cos(ang) + I * sin(ang)) * hw;
		ab[j] = cabs(w->sig[j]);
	}
	l1 = stats_np_sum64(ab, N);
	free(ab);
	if (l1 < DBL_MIN)
		l1 = 1;
	for (j = 0; j < n_fft; j++)
		w->basis[j] = 0;
	for (j = 0; j < N; j++) {
		float complex c = (float complex)(w->sig[j] / l1);
		w->basis[lpad + j] = (float)(crealf(c) * s) + I * (float)(cimagf(c) * s);
	}
	for (j = 0; j < n_fft; j++)
		w->buf[j] = w->basis[j]; /* fftw_complex is double complex with <complex.h> */
	fftw_execute(w->p);
	for (j = 0; j < nb; j++) {
		w->X[j] = w->buf[j];
		w->sorted[j] = w->mags[j] = cabs(w->X[j]);
	}
}

/* sparsify_rows(quantile=0.01) of the row in w (X, mags): its bins holding 99 % of
 * the L1 mass appended to the octave's CSR basis (*cap entries allocated), times
 * sqrt(sr / my_sr) (rescale: complex64 times a float32 scalar) */
static void
sparsify_row(struct octave *o, OctScratch *w, int k, int *cap, double rescale)
{
	double l1 = stats_np_sum64(w->mags, o->nb), cum = 0, thr;
	int m, j, nnz = o->rowptr[k];

	qsort(w->sorted, o->nb, sizeof *w->sorted, cmpd);
	for (m = 0; m < o->nb; m++) {
		cum += w->sorted[m] / l1;
		if (!(cum < SPARSITY))
			break;
	}
	thr = w->sorted[m < o->nb ? m : 0];
	for (j = 0; j < o->nb; j++) {
		float complex c;
		if (!(w->mags[j] >= thr))
			continue;
		if (nnz == *cap) {
			*cap *= 2;
			o->col = ereallocarray(o->col, *cap, sizeof *o->col);
			o->val = ereallocarray(o->val, *cap, sizeof *o->val);
		}
		c = (float complex)w->X[j];
		o->col[nnz] = j;
		o->val[nnz++] = crealf(c) * (float)rescale + I * (cimagf(c) * (float)rescale);
	}
	o->rowptr[k + 1] = nnz;
}

/* filters.wavelet + __vqt_filter_fft + sparsify_rows for one octave's filters;
 * exits only when memory runs out */
static void
build_octave(struct octave *o, const double *freqs, const double *alpha, int nfilt,
    double my_sr, double rescale)
{
	double *len = emallocarray(nfilt, sizeof *len), maxlen = 0;
	OctScratch w;
	int k, cap;

	for (k = 0; k < nfilt; k++) {
		len[k] = (1.0 / alpha[k]) * my_sr / (freqs[k] + 0.0);
		if (len[k] > maxlen)
			maxlen = len[k];
	}
	o->n_fft = (int)pow(2.0, ceil(log2(maxlen)));
	o->nb = o->n_fft / 2 + 1;
	o->nfilt = nfilt;
	w.sig = emallocarray(o->n_fft, sizeof *w.sig);
	w.basis = emallocarray(o->n_fft, sizeof *w.basis);
	w.X = emallocarray(o->nb, sizeof *w.X);
	w.mags = emallocarray(o->nb, sizeof *w.mags);
	w.sorted = emallocarray(o->nb, sizeof *w.sorted);
	w.buf = fft_complex(o->n_fft);
	w.p = fftw_plan_dft_1d(o->n_fft, w.buf, w.buf, FFTW_FORWARD, FFTW_ESTIMATE);
	cap = nfilt * 64;
	o->rowptr = emallocarray(nfilt + 1, sizeof *o->rowptr);
	o->col = emallocarray(cap, sizeof *o->col);
	o->val = emallocarray(cap, sizeof *o->val);
	o->rowptr[0] = 0;
	for (k = 0; k < nfilt; k++) {
		wavelet_fft(&w, o->n_fft, o->nb, freqs[k], len[k], my_sr);
		sparsify_row(o, &w, k, &cap, rescale);
	}
	o->in = fft_real(o->n_fft);
	o->out = fft_complex(o->nb);
	o->plan = fftw_plan_dft_r2c_1d(o->n_fft, o->in, o->out, FFTW_ESTIMATE);
	fftw_destroy_plan(w.p);
	fftw_free(w.buf);
	free(w.sig);
	free(w.basis);
	free(w.X);
	free(w.mags);
	free(w.sorted);
	free(len);
}

/* interval_frequencies('equal') and filters._relative_bandwidth of nbins bins from
 * fmin: freqs, alpha; returns the highest frequency the filters reach (the cutoff of
 * wavelet_lengths with window_bandwidth('hann')).  This function can't fail. */
static double
bins(int nbins, int bpo, double fmin, double *freqs, double *alpha)
{
	double cutoff = 0, d, r;
	int k;

	for (k = 0; k < nbins; k++) /* 2^o * 2^(b/bpo) * fmin */
		freqs[k] = pow(2.0, k / bpo) * pow(2.0, (0.0 + k % bpo) / bpo) * fmin;
	for (k = 0; k < nbins; k++) {
		if (k == 0)
			d = 1 / (log2(freqs[1]) - log2(freqs[0]));
		else if (k == nbins - 1)
			d = 1 / (log2(freqs[k]) - log2(freqs[k - 1]));
		else
			d = 2 / (log2(freqs[k + 1]) - log2(freqs[k - 1]));
		r = pow(2.0, 2 / d);
		alpha[k] = (r - 1) / (r + 1);
		r = freqs[k] * (1 + 0.5 * HANN_BANDWIDTH / (1.0 / alpha[k])) + 0.5 * 0;
		if (r > cutoff)
			cutoff = r;
	}
	return cutoff;
}

/* __early_downsample_count: the power of two the signal is decimated by before the
 * top octave.  This function can't fail. */
static int
early_downsampling(double nyq, double cutoff, int hop, int n_oct)
{
	int c1, c2, twos, h;

	c1 = (int)ceil(log2(nyq / cutoff)) - 1 - 1;
	if (c1 < 0)
		c1 = 0;
	for (twos = 0, h = hop; h > 0 && h % 2 == 0; h /= 2)
		twos++;
	c2 = twos - n_oct + 1 > 0 ? twos - n_oct + 1 : 0;
	return 1 << (c1 < c2 ? c1 : c2);
}

Cqt *
new_cqt(double sr, int hop, int n_oct, int bpo, double tuning)
{
	Cqt *q;
	int nbins = n_oct * bpo, k, i, h;
	double fmin = 440.0 * pow(2.0, (24 - 69.0) / 12.0); /* note_to_hz('C1') */
	double *freqs, *alpha, cutoff, nyq = sr / 2, my_sr;

	fmin = fmin * pow(2.0, tuning / bpo);
	freqs = emallocarray(nbins, sizeof *freqs);
	alpha = emallocarray(nbins, sizeof *alpha);
	if ((cutoff = bins(nbins, bpo, fmin, freqs, alpha)) > nyq) {
		free(freqs);
		free(alpha);
		return NULL;
	}
	q = ecalloc(1, sizeof *q);
	q->nbins = nbins;
	q->bpo = bpo;
	q->n_oct = n_oct;
	q->down = early_downsampling(nyq, cutoff, hop, n_oct);
	q->hop = hop / q->down;
	q->sr = sr / q->down;
	q->lengths = emallocarray(nbins, sizeof *q->lengths);
	for (k = 0; k < nbins; k++)
		q->lengths[k] = (1.0 / alpha[k]) * q->sr / (freqs[k] + 0.0);
	q->oct = ecalloc(n_oct, sizeof *q->oct);
	my_sr = q->sr;
	h = q->hop;
	for (i = 0; i < n_oct; i++) {
		int first = nbins - bpo * (i + 1);
		q->oct[i].first = first;
		build_octave(&q->oct[i], freqs + first, alpha + first, bpo, my_sr, sqrt(q->sr / my_sr));
		if (h % 2 == 0) {
			h /= 2;
			my_sr /= 2.0;
		}
	}
	free(freqs);
	free(alpha);
	return q;
}

void
del_cqt(Cqt *q)
{
	int i;

	if (!q)
		return;
	for (i = 0; i < q->n_oct; i++) {
		struct octave *o = &q->oct[i];
		fftw_destroy_plan(o->plan);
		fftw_free(o->in);
		fftw_free(o->out);
		free(o->rowptr);
		free(o->col);
		free(o->val);
	}
	free(q->oct);
	free(q->lengths);
	free(q);
}

/* librosa.resample(y, orig_sr=factor, target_sr=1, res_type='soxr_hq', scale=True)
 * through python-soxr 0.3.7's resample(): soxr_create (float32, HQ), input in
 * chunks of int(48000 * factor) samples, one flush call, output cut/padded to
 * ceil(n / factor), then divided by float32(sqrt(1 / factor)). */
static float *
downsample(Cqt *q, const float *x, size_t n, int factor, size_t *on)
{
	size_t olen = (size_t)ceil(n * (1.0 / factor)), chunk = (size_t)(48000.0 * factor);
	size_t idx = 0, pos = 0, odone;
	soxr_error_t err = NULL;
	soxr_t s = soxr_create(factor, 1, 1, &err, NULL, NULL, NULL);
	float *y, sc = (float)sqrt(1.0 / factor);

	if (!s || err) {
		snprintf(q->err, sizeof q->err, "libsoxr: %s", err ? err : "soxr_create failed");
		if (s)
			soxr_delete(s);
		return NULL;
	}
	y = ecalloc(olen, sizeof *y);
	while (idx + chunk < n) {
		soxr_process(s, x + idx, chunk, NULL, y + pos, olen - pos, &odone);
		pos += odone;
		idx += chunk;
	}
	if (idx < n) {
		soxr_process(s, x + idx, n - idx, NULL, y + pos, olen - pos, &odone);
		pos += odone;
	}
	if (pos < olen) {
		soxr_process(s, NULL, 0, NULL, y + pos, olen - pos, &odone);
		pos += odone;
	}
	soxr_delete(s);
	for (idx = 0; idx < olen; idx++)
		y[idx] = idx < pos ? y[idx] / sc : 0.0f;
	*on = olen;
	return y;
}

/* __cqt_response of one octave: centred rectangular-window STFT (double FFT, rounded
 * to complex64), times the sparse basis (complex64); magnitudes scaled by
 * 1/sqrt(length) folded into chroma[t][12]. */
static void
octave_response(const Cqt *q, struct octave *o, const float *y, size_t n, int hop,
    size_t T, float *chroma)
{
	size_t t;
	int j, k, m = q->bpo / 12, half = o->n_fft / 2;
	float complex *D = emallocarray(o->nb, sizeof *D);
	double *isl = emallocarray(o->nfilt, sizeof *isl);
	int *cls = emallocarray(o->nfilt, sizeof *cls);

	for (k = 0; k < o->nfilt; k++) {
		int b = (o->first + k) % q->bpo;
		isl[k] = sqrt(q->lengths[o->first + k]);
		cls[k] = ((b + m / 2) / m) % 12; /* filters.cq_to_chroma, fmin C1 */
	}
	for (t = 0; t < T; t++) {
		long start = (long)(t * hop) - half;
		for (j = 0; j < o->n_fft; j++) {
			long i = start + j;
			o->in[j] = i >= 0 && i < (long)n ? y[i] : 0.0;
		}
		fftw_execute(o->plan);
		for (j = 0; j < o->nb; j++)
			D[j] = (float)creal(o->out[j]) + I * (float)cimag(o->out[j]);
		for (k = 0; k < o->nfilt; k++) {
			float re = 0, im = 0, vr, vi;
			for (j = o->rowptr[k]; j < o->rowptr[k + 1]; j++) {
				float complex a = o->val[j], d = D[o->col[j]];
				vr = crealf(a) * crealf(d) - cimagf(a) * cimagf(d);
				vi = crealf(a) * cimagf(d) + cimagf(a) * crealf(d);
				re += vr;
				im += vi;
			}
			/* V /= sqrt(lengths) (complex128 arithmetic, stored complex64), |V| */
			vr = (float)(re / isl[k]);
			vi = (float)(im / isl[k]);
			chroma[t * 12 + cls[k]] += hypotf(vr, vi);
		}
	}
	free(D);
	free(isl);
	free(cls);
}

/* frames of the response: the fewest over the octaves (__trim_stack) of a signal of
 * len samples at hop (halved with the signal at each octave).  This function
 * can't fail. */
static size_t
response_frames(const Cqt *q, size_t len, int hop)
{
	size_t T = (size_t)-1, Ti;
	int i;

	for (i = 0; i < q->n_oct; i++) {
		Ti = 1 + len / (size_t)hop;
		if (Ti < T)
			T = Ti;
		if (hop % 2 == 0) {
			hop /= 2;
			len = (size_t)ceil(len * 0.5);
		}
	}
	return T;
}

size_t
cqt_chroma(Cqt *q, const float *x, size_t n, float **chroma)
{
	float *y = NULL, *ny;
	const float *cur = x;
	size_t len = n, T, nn;
	int i, hop = q->hop;

	*chroma = NULL;
	if (q->down > 1) {
		if (n < (size_t)q->down)
			return 0;
		if (!(y = downsample(q, x, n, q->down, &len)))
			return CQT_ERROR;
		cur = y;
	}
	T = response_frames(q, len, hop);
	*chroma = ecalloc(T * 12, sizeof **chroma);
	for (i = 0; i < q->n_oct; i++) {
		octave_response(q, &q->oct[i], cur, len, hop, T, *chroma);
		if (i + 1 < q->n_oct && hop % 2 == 0) {
			hop /= 2;
			if (!(ny = downsample(q, cur, len, 2, &nn))) {
				free(y);
				free(*chroma);
				*chroma = NULL;
				return CQT_ERROR;
			}
			free(y);
			y = ny;
			cur = y;
			len = nn;
		}
	}
	free(y);
	return T;
}

const char *
cqt_error(const Cqt *q)
{
	return q->err;
}
