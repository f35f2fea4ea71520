/* unit test for src/lib/dsp/beat.c, dsp/tuning.c and dsp/chroma.c against librosa
 * 0.10.1 (run by tests/rhythm.test; the timing commands by scripts/bench.d/30-rhythm.sh).
 *
 *   rhythm check DIR        run every case of DIR/manifest (written by
 *                           tests/ref/rhythm_ref.py); "not ok N what" per failure
 *   rhythm edge             edge cases that need no oracle
 *   rhythm time-tempo ENV.f32 N REPS     median CPU time of beat_tempo on ENV tiled
 *                                        to N frames (sr 22050, hop 512)
 *   rhythm time-tuning S.f32 NFRAMES NFFT REPS   median CPU time of
 *                                        tuning_estimate_power
 *   rhythm tempo ENV.f32 SR HOP          print the tempo
 * Exit 1 on any failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/beat.h"
#include "dsp/chroma.h"
#include "dsp/tuning.h"
#include "core/util.h"
#include "../unit.h"

static float *
readf32(const char *dir, const char *name, size_t *n)
{
	char path[4096];
	FILE *fp;
	long sz;
	float *v;

	snprintf(path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
	if (!(fp = fopen(path, "rb")))
		eprintf("%s:", path);
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	rewind(fp);
	*n = (size_t)sz / sizeof(float);
	v = emallocarray(*n, sizeof *v);
	if (fread(v, sizeof *v, *n, fp) != *n)
		eprintf("%s: short read", path);
	fclose(fp);
	return v;
}

static int
releq(double a, double b, double tol)
{
	if (isnan(a) || isnan(b))
		return 0;
	if (isinf(a) || isinf(b))
		return a == b;
	return fabs(a - b) <= tol * fabs(b) || a == b;
}

/* one manifest line of each kind: its case checked, 0; -1 when it does not parse */
static int
case_tempo(const char *dir, const char *line, int golden)
{
	char file[1024], label[1024];
	double sr, exp_, got;
	float *v;
	size_t n;
	int hop;

	if (golden ? sscanf(line, "%*s %1023s %lf %1023s %lf %d", label, &exp_, file, &sr, &hop) != 5
	    : sscanf(line, "%*s %1023s %lf %d %lf %1023s", file, &sr, &hop, &exp_, label) != 5)
		return -1;
	v = readf32(dir, file, &n);
	got = beat_tempo(v, n, sr, hop);
	check(releq(got, exp_, 1e-6), "%stempo %s: got %.9g, %s %.9g", golden ? "golden " : "",
	    label, got, golden ? "golden" : "librosa", exp_);
	if (!golden)
		check(!isnan(got), "tempo %s: NaN", label);
	free(v);
	return 0;
}

static int
case_tuning(const char *dir, const char *line)
{
	char file[1024], label[1024];
	double sr, exp_, got;
	size_t n, nfr;
	float *v;
	int nfft;

	if (sscanf(line, "%*s %1023s %zu %d %lf %lf %1023s", file, &nfr, &nfft, &sr, &exp_, label) != 6)
		return -1;
	v = readf32(dir, file, &n);
	check(n == nfr * (size_t)(nfft / 2 + 1), "tuning %s: size", label);
	got = tuning_estimate_power(v, nfr, nfft, sr);
	check(fabs(got - exp_) <= 1e-6, "tuning %s: got %.9g, librosa %.9g", label, got, exp_);
	free(v);
	return 0;
}

static int
case_chroma(const char *dir, const char *line)
{
	char file[1024];
	double sr, tun, maxerr = 0, e;
	size_t i, nb, n;
	float *v, *fb;
	int nfft;

	if (sscanf(line, "%*s %1023s %lf %d %lf", file, &sr, &nfft, &tun) != 4)
		return -1;
	v = readf32(dir, file, &n);
	nb = (size_t)nfft / 2 + 1;
	check(n == 12 * nb, "chroma %s: size", file);
	fb = emallocarray(12 * nb, sizeof *fb);
	chroma_filterbank(fb, sr, nfft, tun);
	for (i = 0; i < 12 * nb && i < n; i++) {
		e = fabs((double)fb[i] - v[i]);
		if (!(e <= maxerr))
			maxerr = e;
	}
	/* weights are <= 1: absolute 1e-6 is relative to the bank's scale */
	check(maxerr <= 1e-6, "chroma sr %g n_fft %d tuning %g: max error %.3g", sr, nfft, tun, maxerr);
	free(fb);
	free(v);
	return 0;
}

static void
runcheck(const char *dir)
{
	char path[4096], line[8192], kind[32];
	FILE *fp;
	int ntempo = 0, ntun = 0, nfb = 0, ngold = 0, bad;

	snprintf(path, sizeof path, "%s/manifest", dir);
	if (!(fp = fopen(path, "r")))
		eprintf("%s:", path);
	while (fgets(line, sizeof line, fp)) {
		if (sscanf(line, "%31s", kind) != 1)
			continue;
		if (!strcmp(kind, "tempo"))
			bad = case_tempo(dir, line, 0), ntempo++;
		else if (!strcmp(kind, "golden"))
			bad = case_tempo(dir, line, 1), ngold++;
		else if (!strcmp(kind, "tuning"))
			bad = case_tuning(dir, line), ntun++;
		else if (!strcmp(kind, "chroma"))
			bad = case_chroma(dir, line), nfb++;
		else
			eprintf("unknown case: %s", line);
		if (bad)
			eprintf("bad line: %s", line);
	}
	fclose(fp);
	printf("# %d tempo, %d golden tempo, %d tuning, %d chroma bank cases\n",
	       ntempo, ngold, ntun, nfb);
	check(ntempo > 0 && ntun > 0 && nfb > 0, "manifest has cases of every kind");
}

static void
edge(void)
{
	float e[4000];
	float fb[12 * 1025], S[3 * 1025];
	double t;
	size_t i;
	int n;

	check(beat_tempo(NULL, 0, 22050, 512) == 0, "tempo of n=0 is 0");
	memset(e, 0, sizeof e);
	check(beat_tempo(e, 4000, 22050, 512) == 0, "all-zero envelope gives 0");
	for (n = 1; n <= 40; n++) {
		for (i = 0; i < (size_t)n; i++)
			e[i] = (float)((i * 7919) % 13) / 13.0f + 0.01f;
		t = beat_tempo(e, n, 22050, 512);
		check(isfinite(t) && t > 0 && t < 320, "short envelope n=%d: tempo %g", n, t);
	}
	e[0] = 1;
	t = beat_tempo(e, 1, 22050, 512);
	check(isfinite(t) && t > 0, "n=1 gives a finite tempo (%g)", t);
	e[1] = NAN;
	check(beat_tempo(e, 2, 22050, 512) == 0, "non-finite envelope gives 0");
	e[1] = INFINITY;
	check(beat_tempo(e, 2, 22050, 512) == 0, "infinite envelope gives 0");
	e[1] = 1e30f;
	t = beat_tempo(e, 2, 22050, 512);
	check(isfinite(t), "huge envelope gives a finite tempo (%g)", t);
	/* a window shorter than the max-tempo lag: tiny sr/hop must not give NaN */
	for (i = 0; i < 50; i++)
		e[i] = (float)(i % 3);
	t = beat_tempo(e, 50, 100, 512);
	check(!isnan(t), "tiny window: no NaN (%g)", t);
	check(beat_tempo(e, 50, 22050, 0) == 0, "hop 0 gives 0");

	check(tuning_estimate_power(NULL, 0, 2048, 22050) == 0, "tuning of no frames is 0");
	memset(S, 0, sizeof S);
	check(tuning_estimate_power(S, 3, 2048, 22050) == 0, "tuning of silence is 0");
	for (i = 0; i < 3 * 1025; i++)
		S[i] = (float)((i * 2654435761u) % 1000) / 1000.0f;
	t = tuning_estimate_power(S, 3, 2048, 22050);
	check(t >= -0.5 && t < 0.5, "tuning of noise in range (%g)", t);
	chroma_filterbank(fb, 22050, 2048, 0);
	for (i = 0; i < 12 * 1025; i++)
		if (!isfinite(fb[i]))
			break;
	check(i == 12 * 1025, "chroma bank finite");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);	/* CPU time: the machine is shared */
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median_of(double *v, int n)
{
	qsort(v, n, sizeof *v, cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* the median CPU time of reps calls of fn(arg) (v: reps doubles); *min the fastest,
 * *last what the last call returned */
static double
timed(double (*fn)(void *), void *arg, int reps, double *v, double *min, double *last)
{
	double t0;
	int r;

	for (r = 0; r < reps; r++) {
		t0 = now();
		*last = fn(arg);
		v[r] = now() - t0;
	}
	*min = v[0];
	for (r = 1; r < reps; r++)
		if (v[r] < *min)
			*min = v[r];
	return median_of(v, reps);
}

typedef struct Job {
	const float *x;
	size_t n;
	int nfft;
} Job;

static double
run_tempo(void *arg)
{
	const Job *j = arg;

	return beat_tempo(j->x, j->n, 22050, 512);
}

static double
run_tuning(void *arg)
{
	const Job *j = arg;

	return tuning_estimate_power(j->x, j->n, j->nfft, 22050);
}

/* time-tempo ENV N REPS and time-tuning S NFRAMES NFFT REPS */
static int
time_cmd(int tuning, const char *file, size_t nfr, int nfft, int reps)
{
	size_t n, i;
	float *v = readf32(NULL, file, &n), *big = NULL;
	double *tm = emallocarray(reps, sizeof *tm), med, min, res;
	Job j = { v, nfr, nfft };

	if (tuning && n < nfr * (size_t)(nfft / 2 + 1))
		eprintf("short spectrogram");
	if (!tuning) {
		if (n == 0)
			eprintf("empty envelope");
		big = emallocarray(nfr, sizeof *big);
		for (i = 0; i < nfr; i++)
			big[i] = v[i % n];
		j.x = big;
	}
	med = timed(tuning ? run_tuning : run_tempo, &j, reps, tm, &min, &res);
	if (tuning)
		printf("tuning_estimate_power %zu frames: median %.6f s over %d runs (%.3f us/frame; min %.3f), tuning %.9g\n",
		       nfr, med, reps, med / nfr * 1e6, min / nfr * 1e6, res);
	else
		printf("beat_tempo %zu frames: median %.4f s over %d runs (%.3f us/frame; min %.3f), tempo %.9g\n",
		       nfr, med, reps, med / nfr * 1e6, min / nfr * 1e6, res);
	free(v);
	free(big);
	free(tm);
	return 0;
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "check")) {
		runcheck(argv[2]);
	} else if (argc == 2 && !strcmp(argv[1], "edge")) {
		edge();
	} else if (argc == 5 && !strcmp(argv[1], "tempo")) {
		size_t n;
		float *v = readf32(NULL, argv[2], &n);
		printf("%.9g\n", beat_tempo(v, n, atof(argv[3]), atoi(argv[4])));
		free(v);
		return 0;
	} else if (argc == 5 && !strcmp(argv[1], "time-tempo")) {
		return time_cmd(0, argv[2], strtoul(argv[3], NULL, 10), 0, atoi(argv[4]));
	} else if (argc == 6 && !strcmp(argv[1], "time-tuning")) {
		return time_cmd(1, argv[2], strtoul(argv[3], NULL, 10), atoi(argv[4]), atoi(argv[5]));
	} else {
		fprintf(stderr, "usage: %s check DIR | edge | tempo ENV SR HOP | "
			"time-tempo ENV N REPS | time-tuning S NFRAMES NFFT REPS\n", argv[0]);
		return 2;
	}
	return unit_done();
}
