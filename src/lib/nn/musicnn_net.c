/* musicnn_net.c — MusiCNN forward pass (see musicnn_net.h). */
#include "nn/musicnn_net.h"
#include "nn/conv.h"
#include "nn/convdft.h"
#include "nn/musicnn_graph.h"
#include "ml/blas.h"
#include "core/util.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T MN_FRAMES
#define NF 561            /* front-end features: 204 + 204 + 3 x 51 */
#define NM 64             /* mid-end filters */
#define NP 753            /* pooled features: 561 + 3 x 64 */
#define PAD 3             /* time padding of the 7-tap convolutions */
#define NTIMB 408         /* the timbral columns of F: 204 + 204 */
#define SM_ROWS 64        /* rows of n->sm a GEMM computes */

/* the front-end convolutions: conv2d..conv2d_4, their batch normalisations 1..5 */
static const struct {
	const char *w, *b;
	unsigned kh, kw, out, col;   /* col: first column in F */
} front[5] = {
	{"conv2d/kernel", "conv2d/bias", 7, 38, 204, 0},
	{"conv2d_1/kernel", "conv2d_1/bias", 7, 67, 204, 204},
	{"conv2d_2/kernel", "conv2d_2/bias", 128, 1, 51, 408},
	{"conv2d_3/kernel", "conv2d_3/bias", 64, 1, 51, 459},
	{"conv2d_4/kernel", "conv2d_4/bias", 32, 1, 51, 510},
};
static const struct {
	const char *w, *b;
	unsigned in;
} mid[3] = {
	{"conv2d_5/kernel", "conv2d_5/bias", NF},
	{"conv2d_6/kernel", "conv2d_6/bias", NM},
	{"conv2d_7/kernel", "conv2d_7/bias", NM},
};

typedef struct {
	float *x;        /* [T][96]: a patch normalised (when patches do not overlap) */
	float *f;        /* [T + 2 PAD][NF]: F with zero rows around it */
	float *r;        /* 3 x [T + 2 PAD][NM]: r1, r2, r3 padded likewise */
	float *c;        /* [T][NM] conv products */
	float *work;     /* conv_dft_do's */
	float *m[3][2];  /* the temporal convolutions' sums (see temporal) */
	size_t mrows;    /* rows m holds */
} Work;

struct MusicnnNet {
	const float *s0, *t0;
	const float *fw[5], *fb[5], *fs[5], *ft[5];   /* front end, bn 1..5 */
	const float *mw[3], *mb[3], *ms[3], *mt[3];   /* mid end, bn 6..8 */
	const float *s9, *t9, *s10, *t10;             /* back end batch norms */
	const float *dw[3], *db[3];                   /* dense, dense_1, dense_2 */
	ConvDft *dft[2];                              /* the timbral convolutions */
	unsigned dout[3], ndense, nout;
	int nt;
	Work *work;
	float *xs;              /* a batch's frames, normalised (s0 x + t0) */
	float *sw[2];           /* the timbral convolutions over the batch's frames */
	float *sm;              /* conv5's products on sw's columns over the batch */
	size_t cap;             /* frames xs, sw and sm hold */
};

/* a folded batch normalisation i: (Scaled, Offset) of n channels */
static int
get_bn(const TfjsModel *m, int i, unsigned n, const float **s, const float **t)
{
	char b[96];

	return (*s = tfjs_floats(m, musicnn_graph_bn(m, i, "Scaled", b), 1, &n)) &&
	    (*t = tfjs_floats(m, musicnn_graph_bn(m, i, "Offset", b), 1, &n)) ? 0 : -1;
}

static int
get_conv(const TfjsModel *m, const char *w, const char *b, unsigned kh, unsigned kw,
    unsigned in, unsigned out, const float **pw, const float **pb)
{
	unsigned d[4] = {kh, kw, in, out};

	return (*pw = tfjs_floats(m, w, 4, d)) && (*pb = tfjs_floats(m, b, 1, &out)) ? 0 : -1;
}

static int
get_dense(const TfjsModel *m, MusicnnNet *n, int i, unsigned in, unsigned out)
{
	static const char *names[3][2] = {{"dense/kernel", "dense/bias"},
	    {"dense_1/kernel", "dense_1/bias"}, {"dense_2/kernel", "dense_2/bias"}};
	unsigned d[2] = {in, out};

	n->dout[i] = out;
	return (n->dw[i] = tfjs_floats(m, names[i][0], 2, d)) &&
	    (n->db[i] = tfjs_floats(m, names[i][1], 1, &out)) ? 0 : -1;
}

static int
get_weights(const TfjsModel *m, MusicnnNet *n, int kind)
{
	unsigned one = 1, d1506 = 2 * NP, d200 = MN_EMB;
	int i;

	if (get_bn(m, 0, one, &n->s0, &n->t0))
		return -1;
	for (i = 0; i < 5; i++)
		if (get_conv(m, front[i].w, front[i].b, front[i].kh, front[i].kw, 1, front[i].out,
		    &n->fw[i], &n->fb[i]) || get_bn(m, i + 1, front[i].out, &n->fs[i], &n->ft[i]))
			return -1;
	for (i = 0; i < 3; i++)
		if (get_conv(m, mid[i].w, mid[i].b, 7, mid[i].in, 1, NM, &n->mw[i], &n->mb[i]) ||
		    get_bn(m, i + 6, NM, &n->ms[i], &n->mt[i]))
			return -1;
	if (!(n->s9 = tfjs_floats(m, "model/batch_normalization_9/batchnorm/mul", 1, &d1506)) ||
	    !(n->t9 = tfjs_floats(m, "model/batch_normalization_9/batchnorm/sub", 1, &d1506)) ||
	    !(n->s10 = tfjs_floats(m, "model/batch_normalization_10/batchnorm/mul", 1, &d200)) ||
	    !(n->t10 = tfjs_floats(m, "model/batch_normalization_10/batchnorm/sub", 1, &d200)))
		return -1;
	if (get_dense(m, n, 0, 2 * NP, MN_EMB))
		return -1;
	if (kind == MG_TAGGER) {
		n->ndense = 2;
		return get_dense(m, n, 1, MN_EMB, 50);
	}
	n->ndense = 3;
	return get_dense(m, n, 1, MN_EMB, 100) || get_dense(m, n, 2, 100, 2) ? -1 : 0;
}

/* r[h] (h < T, rows of width NM, padded by PAD zero rows) = base[h] + c[h] */
static void
residual(const float *base, const float *c, float *r)
{
	size_t i;

	for (i = 0; i < (size_t)T * NM; i++)
		r[PAD * NM + i] = (base ? base[PAD * NM + i] : 0.0f) + c[i];
}

/* column j of the features [F, r1, r2, r3]: its rows and stride */
static const float *
feature(const Work *w, unsigned j, size_t *ld)
{
	if (j < NF)
		return *ld = NF, w->f + PAD * NF + j;
	*ld = NM;
	j -= NF;
	return w->r + (size_t)(j / NM) * (T + 2 * PAD) * NM + PAD * NM + j % NM;
}

/* over time: max and mean of each feature, interleaved as TensorFlow's flatten of
 * [753][2] does; then batch normalisation 9.  The mean is a sum in double rounded
 * to float32, divided by 187 in float32 (as tfjs's cpu backend computes it). */
static void
pool_time(const MusicnnNet *n, const Work *w, float *p)
{
	unsigned j, h;
	size_t ld;

	for (j = 0; j < NP; j++) {
		const float *c = feature(w, j, &ld);
		float mx = c[0];
		double s = 0;
		for (h = 0; h < T; h++) {
			float v = c[h * ld];
			mx = v > mx ? v : mx;
			s += v;
		}
		p[2 * j] = mx * n->s9[2 * j] + n->t9[2 * j];
		p[2 * j + 1] = ((float)s / (float)T) * n->s9[2 * j + 1] + n->t9[2 * j + 1];
	}
}

/* the back end on the pooled features: embedding, then the output probabilities */
static void
back_end(const MusicnnNet *n, const float *p, float *out, float *emb)
{
	float e[MN_EMB], h[MN_EMB], h2[100], z[MN_MAXOUT];
	const float *in;
	unsigned i;

	conv_dense(p, 1, 2 * NP, n->dw[0], 0, n->db[0], 0, MN_EMB, MN_EMB, 1, e);
	if (emb)
		memcpy(emb, e, sizeof e);
	for (i = 0; i < MN_EMB; i++)
		h[i] = n->s10[i] * e[i] + n->t10[i];
	in = h;
	if (n->ndense == 3) {
		conv_dense(h, 1, MN_EMB, n->dw[1], 0, n->db[1], 0, 100, 100, 1, h2);
		in = h2;
	}
	conv_dense(in, 1, n->ndense == 3 ? 100 : MN_EMB, n->dw[n->ndense - 1], 0,
	    n->db[n->ndense - 1], 0, n->nout, n->nout, 0, z);
	for (i = 0; i < n->nout; i++)
		out[i] = (float)(1.0 / (1.0 + exp(-(double)z[i])));
}

/* the timbral convolution k (0, 1) of the patch x at frame start of the batch: rows
 * PAD..T-PAD-1 (whose 7-row windows lie inside the patch) are those of the whole
 * batch's convolution, computed once for the overlapping patches (share); the PAD
 * rows at either end see the patch's zero padding and are computed here */
static void
timbral(const MusicnnNet *n, Work *w, const float *x, int k, int share, size_t start)
{
	float *f = w->f + PAD * NF + front[k].col;
	unsigned h;

	if (!share) {
		conv_dft_do(n->dft[k], x, T, 0, T, n->fb[k], n->fs[k], n->ft[k], f, NF, w->work);
		return;
	}
	for (h = PAD; h < T - PAD; h++)
		memcpy(f + (size_t)h * NF, n->sw[k] + (start + h) * front[k].out,
		    front[k].out * sizeof *f);
	conv_dft_do(n->dft[k], x, T, 0, PAD, n->fb[k], n->fs[k], n->ft[k], f, NF, w->work);
	conv_dft_do(n->dft[k], x, T, T - PAD, T, n->fb[k], n->fs[k], n->ft[k],
	    f + (size_t)(T - PAD) * NF, NF, w->work);
}

/* rows h0..h1-1 of the temporal convolution k of the patch x: base (or zeros) plus
 * the taps on the frames a..e-1; into the sums sum (not NULL) or, pooled, w->f */
static void
temporal_rows(const MusicnnNet *n, Work *w, const float *x, int k, unsigned a, unsigned e,
    unsigned h0, unsigned h1, const float *base, float *sum)
{
	if (h1 > h0)
		conv_column(x, a, e, h0, h1, n->fw[k], front[k].kh, front[k].out, base, sum,
		    n->fb[k], n->fs[k], n->ft[k], w->f + (PAD + (size_t)h0) * NF + front[k].col,
		    NF);
}

/* the temporal convolution k (2..4) of the patch x; share: patches overlap by ov = T
 * - hop frames; after: the previous patch was the last through w.  A row the patch
 * has in common with the previous one (h < ov) sums the taps on the frames both
 * hold (0..ov-1: the previous patch's sums m[1], rows hop.. of it) and then those on
 * the others; a row it has in common with the next (h >= hop) likewise from its
 * own sums on the frames hop..T-1, kept for the next patch in m[1] (m[0] when
 * first in the thread: the sums the previous patch would have kept, by the same
 * calls).  Rows in neither patch are summed whole. */
static void
temporal(const MusicnnNet *n, Work *w, const float *x, int k, int share, int after,
    unsigned hop)
{
	unsigned ov = T - hop, mid = ov > hop ? ov : hop;
	float **m = w->m[k - 2], *keep;

	if (!share) {
		temporal_rows(n, w, x, k, 0, T, 0, T, NULL, NULL);
		return;
	}
	if (!after)
		temporal_rows(n, w, x, k, 0, ov, 0, ov, NULL, m[1]);
	keep = m[0], m[0] = m[1], m[1] = keep;
	temporal_rows(n, w, x, k, hop, T, hop, T, NULL, m[1]);
	temporal_rows(n, w, x, k, ov, T, 0, ov, m[0], NULL);
	temporal_rows(n, w, x, k, 0, T, ov, hop, NULL, NULL);
	temporal_rows(n, w, x, k, 0, hop, mid, T, m[1] + (size_t)(mid - hop) * front[k].out *
	    MN_BANDS, NULL);
}

/* conv5 (products, ReLU, batch normalisation) of the patch at frame start of the
 * batch into w->c.  share: the rows 2 PAD..T - 2 PAD - 1, whose 7 rows of timbral
 * features are all the batch's (memcpy'd by timbral), take their products on those
 * columns from n->sm and add those on the temporal columns; the 2 PAD rows at
 * either end see the patch's edge rows and are computed whole */
static void
mid_first(const MusicnnNet *n, Work *w, int share, size_t start)
{
	unsigned lo = 2 * PAD, hi = T - 2 * PAD;

	if (!share) {
		conv_time(w->f, T, NF, n->mw[0], 7, NM, n->mb[0], n->ms[0], n->mt[0], w->c);
		return;
	}
	conv_time(w->f, lo, NF, n->mw[0], 7, NM, n->mb[0], n->ms[0], n->mt[0], w->c);
	conv_time(w->f + (size_t)hi * NF, T - hi, NF, n->mw[0], 7, NM, n->mb[0], n->ms[0],
	    n->mt[0], w->c + (size_t)hi * NM);
	memcpy(w->c + (size_t)lo * NM, n->sm + (start + lo) * NM,
	    (size_t)(hi - lo) * NM * sizeof *w->c);
	conv_time_sum(w->f + (size_t)lo * NF + NTIMB, NF, hi - lo, NF - NTIMB,
	    n->mw[0] + (size_t)NTIMB * NM, 7, NF, NM, 1, w->c + (size_t)lo * NM);
	conv_bn_relu(w->c + (size_t)lo * NM, hi - lo, NM, n->mb[0], n->ms[0], n->mt[0]);
}

/* one patch (x: its normalised frames, at frame start of the batch) through the
 * network; after: the patch hop frames before went through w just before */
static void
forward(const MusicnnNet *n, Work *w, const float *x, int share, size_t start, int after,
    unsigned hop, float *out, float *emb)
{
	float p[2 * NP];
	size_t rows = T + 2 * PAD;
	int k;

	for (k = 0; k < 2; k++)
		timbral(n, w, x, k, share, start);
	for (k = 2; k < 5; k++)
		temporal(n, w, x, k, share, after, hop);
	mid_first(n, w, share, start);
	residual(NULL, w->c, w->r);
	for (k = 1; k < 3; k++) {
		const float *prev = w->r + (k - 1) * rows * NM;
		conv_time(prev, T, NM, n->mw[k], 7, NM, n->mb[k], n->ms[k], n->mt[k], w->c);
		residual(prev, w->c, w->r + k * rows * NM);
	}
	pool_time(n, w, p);
	back_end(n, p, out, emb);
}

MusicnnNet *
new_musicnn_net(const TfjsModel *m, int nthreads)
{
	MusicnnNet *n;
	int kind = musicnn_graph_check(m), t;
	size_t rows = T + 2 * PAD, nwork;

	if (kind < 0)
		return NULL;
	n = ecalloc(1, sizeof *n);
	if (get_weights(m, n, kind)) {
		free(n);
		return NULL;
	}
	n->nout = n->dout[n->ndense - 1];
	n->nt = nthreads < 1 ? 1 : nthreads;
	blas_caller_only();
	nwork = 0;
	for (t = 0; t < 2; t++) {
		n->dft[t] = new_conv_dft(n->fw[t], front[t].kh, front[t].kw, front[t].out, MN_BANDS);
		if (conv_dft_work(n->dft[t]) > nwork)
			nwork = conv_dft_work(n->dft[t]);
	}
	n->work = ecalloc(n->nt, sizeof *n->work);
	for (t = 0; t < n->nt; t++) {
		Work *w = &n->work[t];
		w->x = ereallocarray(NULL, (size_t)T * MN_BANDS, sizeof(float));
		w->f = ecalloc(rows * NF, sizeof(float));      /* padding rows stay zero */
		w->r = ecalloc(3 * rows * NM, sizeof(float));
		w->c = ereallocarray(NULL, (size_t)T * NM, sizeof(float));
		w->work = ereallocarray(NULL, nwork, sizeof(float));
	}
	return n;
}

unsigned
musicnn_net_nout(const MusicnnNet *n)
{
	return n->nout;
}

typedef struct {
	MusicnnNet *n;
	const float *frames;
	size_t npatch, nframes;
	unsigned hop;
	int share;
	float *out, *emb;
} Batch;

/* thread t: its share of the rows of the batch's timbral convolutions */
static void
shared_part(void *arg, int t)
{
	Batch *b = arg;
	MusicnnNet *n = b->n;
	size_t lo = PAD, hi = b->nframes - PAD, r0 = lo + (hi - lo) * t / n->nt,
	    r1 = lo + (hi - lo) * (t + 1) / n->nt;
	int k;

	for (k = 0; k < 2 && r1 > r0; k++)
		conv_dft_do(n->dft[k], n->xs, (unsigned)b->nframes, (unsigned)r0, (unsigned)r1,
		    n->fb[k], n->fs[k], n->ft[k], n->sw[k] + r0 * front[k].out, front[k].out,
		    n->work[t].work);
}

/* thread t: its chunks of n->sm, conv5's products on the timbral columns for the
 * frames u (2 PAD <= u < nframes - 2 PAD) whose 7 rows are all in sw: chunks of
 * SM_ROWS rows from the batch's start (the same GEMMs whatever the threads) */
static void
shared_mid(void *arg, int t)
{
	Batch *b = arg;
	MusicnnNet *n = b->n;
	size_t lo = 2 * PAD, hi = b->nframes - 2 * PAD, u0, nr;
	int k;

	for (u0 = lo + (size_t)t * SM_ROWS; u0 < hi; u0 += (size_t)n->nt * SM_ROWS) {
		nr = hi - u0 < SM_ROWS ? hi - u0 : SM_ROWS;
		for (k = 0; k < 2; k++)
			conv_time_sum(n->sw[k] + (u0 - PAD) * front[k].out, front[k].out,
			    (unsigned)nr, front[k].out, n->mw[0] + (size_t)front[k].col * NM, 7, NF,
			    NM, k, n->sm + u0 * NM);
	}
}

/* thread t: its share of the patches */
static void
patch_part(void *arg, int t)
{
	Batch *b = arg;
	size_t i0 = b->npatch * t / b->n->nt, i1 = b->npatch * (t + 1) / b->n->nt, i, s;

	Work *w = &b->n->work[t];
	const float *x;
	size_t j;

	for (i = i0; i < i1; i++) {
		s = i * b->hop;
		x = b->n->xs + s * MN_BANDS;
		if (!b->share) { /* normalised here: frames between patches are never read */
			for (j = 0; j < (size_t)T * MN_BANDS; j++)
				w->x[j] = b->frames[s * MN_BANDS + j] * b->n->s0[0] + b->n->t0[0];
			x = w->x;
		}
		forward(b->n, w, x, b->share, s, b->share && i > i0, b->hop,
		    b->out + i * b->n->nout, b->emb ? b->emb + i * MN_EMB : NULL);
	}
}

/* each thread's temporal sums for patches that overlap by ov frames */
static void
temporal_space(MusicnnNet *n, size_t ov)
{
	int t, k, j;

	for (t = 0; t < n->nt; t++) {
		Work *w = &n->work[t];
		if (w->mrows >= ov)
			continue;
		for (k = 0; k < 3; k++)
			for (j = 0; j < 2; j++)
				w->m[k][j] = ereallocarray(w->m[k][j], ov * front[k + 2].out,
				    MN_BANDS * sizeof(float));
		w->mrows = ov;
	}
}

void
musicnn_net_do(MusicnnNet *n, const float *frames, size_t npatch, unsigned hop, float *out,
    float *emb)
{
	Batch b = {n, frames, npatch, npatch ? (npatch - 1) * hop + T : 0, hop, 0, out, emb};
	size_t i;

	if (!npatch)
		return;
	/* overlapping (or touching) interiors: the timbral rows are computed once */
	b.share = npatch > 1 && hop <= T - 2 * PAD;
	if (!b.share) {
		conv_parallel(n->nt, patch_part, &b);
		return;
	}
	if (b.nframes > n->cap) {
		n->cap = b.nframes;
		n->xs = ereallocarray(n->xs, n->cap, MN_BANDS * sizeof *n->xs);
		n->sw[0] = ereallocarray(n->sw[0], n->cap, front[0].out * sizeof *n->sw[0]);
		n->sw[1] = ereallocarray(n->sw[1], n->cap, front[1].out * sizeof *n->sw[1]);
		n->sm = ereallocarray(n->sm, n->cap, NM * sizeof *n->sm);
	}
	for (i = 0; i < b.nframes * MN_BANDS; i++)
		n->xs[i] = frames[i] * n->s0[0] + n->t0[0];
	temporal_space(n, T - hop);
	conv_parallel(n->nt, shared_part, &b);
	conv_parallel(n->nt, shared_mid, &b);
	conv_parallel(n->nt, patch_part, &b);
}

double
musicnn_net_flops(void)
{
	double f = 0;
	int i;

	for (i = 0; i < 5; i++)
		f += 2.0 * T * (MN_BANDS - front[i].kw + 1) * front[i].kh * front[i].kw * front[i].out;
	for (i = 0; i < 3; i++)
		f += 2.0 * T * 7 * mid[i].in * NM;
	return f + 2.0 * (2 * NP * MN_EMB + MN_EMB * 100 + 100 * 2);
}

void
del_musicnn_net(MusicnnNet *n)
{
	int t, k;

	if (!n)
		return;
	free(n->xs);
	free(n->sw[0]);
	free(n->sw[1]);
	free(n->sm);
	for (t = 0; t < n->nt; t++) {
		free(n->work[t].x);
		free(n->work[t].f);
		free(n->work[t].r);
		free(n->work[t].c);
		free(n->work[t].work);
		for (k = 0; k < 6; k++)
			free(n->work[t].m[k / 2][k % 2]);
	}
	free(n->work);
	del_conv_dft(n->dft[0]);
	del_conv_dft(n->dft[1]);
	free(n);
}
