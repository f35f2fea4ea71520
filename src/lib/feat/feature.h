/* feature.h — librosa 0.10.1 handcrafted features of one audio record.
 *
 * One STFT per record feeds everything: spectral centroid/bandwidth/rolloff, the
 * Slaney mel spectrogram in dB (floor = record max - 80 dB), 13 MFCCs, onset
 * strength (mean over bands) and onset count, chroma_stft (tuning estimated on the
 * power spectrogram), tempo (beat_track: median-over-bands onset envelope), zcr, rms
 * and loudness.  Memory is O(record): a 10 s record's power spectrogram is 1.7 MB.
 *
 * Means and stds over frames reproduce NumPy on float32 arrays (stats.h), so
 * float32 rounding noise matches librosa's (e.g. silence: MFCC0 std 0.000122). */
#ifndef SV_FEATURE_H
#define SV_FEATURE_H
#include <stddef.h>

#define FEAT_NFFT 2048
#define FEAT_HOP 512
#define FEAT_NMELS 128
#define FEAT_NMFCC 13
#define FEAT_NCHROMA 12
#define FEAT_SEGDIM 36    /* columns of a per-segment vector */
#define FEAT_FRAMEDIM 31  /* columns of a per-frame vector */

enum { FEAT_ALL = 0, FEAT_MELONLY = 1 };

typedef struct Feat {
	double sr;
	size_t T;              /* frames of the last record */
	/* per frame, valid after feature_analyze() */
	double *centroid, *bandwidth, *rolloff, *zcr;
	float *rms, *loud;     /* loud: amplitude_to_db(rms), floored per record */
	float *onset;          /* onset strength (mean over bands) */
	float *onset_med;      /* beat_track's envelope (median over bands) */
	float *meldb;          /* [T][128] power_to_db(melspectrogram) */
	float *mfcc;           /* [13][T] */
	float *chroma;         /* [12][T] */
	double tempo, tuning;
	size_t onsets;
	struct FeatBuf *priv;  /* the analyser's own buffers */
} Feat;

extern const char *const feat_segcols[FEAT_SEGDIM];
extern const char *const feat_framecols[FEAT_FRAMEDIM];

/* Exits only when memory runs out (so do the others that allocate). */
Feat *new_feature(double sr);
/* NULL is a no-op. */
void del_feature(Feat *f);
/* Analyse x[0..n) (n >= 1).  what: FEAT_ALL or FEAT_MELONLY (mel dB only). */
void feature_analyze(Feat *f, const float *x, size_t n, int what);
/* The FEAT_SEGDIM per-segment values (feat_segcols order) of the last analysis. */
void feature_segment(const Feat *f, double *out);
/* The FEAT_FRAMEDIM per-frame values (feat_framecols order) of frame t. */
void feature_frame(const Feat *f, size_t t, float *out);

#endif
