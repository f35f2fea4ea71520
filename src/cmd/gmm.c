/* gmm — Gaussian mixture clustering (scikit-learn 1.2.1 GaussianMixture): each
 * record's component and probabilities, a saved model applied to new records, or
 * BIC and AIC over a range of k. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/blas.h"
#include "ml/gmmfit.h"
#include "ml/gmmio.h"
#include "ml/gmmstep.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] =
    "[-bqv] [-k K|KMIN:KMAX] [-c full|tied|diag|spherical] [-n NINIT] [-I CENTERS] "
    "[-x MAXITER] [-e TOL] [-r REG] [-s SEED] [-j THREADS] [-m MODEL] [-a MODEL] [file]";

/* -k K or -k KMIN:KMAX */
static void
parse_k(const char *s, size_t *lo, size_t *hi)
{
	char *end;
	long a, b;

	a = strtol(s, &end, 10);
	b = a;
	if (end != s && *end == ':')
		b = strtol(end + 1, &end, 10);
	if (end == s || *end || a < 1 || b < a || b > (1L << 20)) {
		weprintf("-k: invalid value '%s' (K or KMIN:KMAX with 1 <= KMIN <= KMAX)", s);
		util_usage(SYNOPSIS);
	}
	*lo = (size_t)a;
	*hi = (size_t)b;
}

/* Components and probabilities of every record of m (*ll: total log-likelihood). */
static void
predict(const Gmm *g, const Matrix *m, int nt, int **lab, float **prob, double *ll)
{
	*lab = ereallocarray(NULL, (m->n ? m->n : 1), sizeof(int));
	*prob = ecalloc(m->n, g->k * sizeof(float));
	gmm_predict(g, m->x, m->n, nt, *lab, *prob, ll);
}

/* component, p0 .. p(k-1) per record */
static void
write_result(const Gmm *g, const Matrix *m, int binary, const int *lab, const float *prob)
{
	float *v = ereallocarray(NULL, (g->k + 1), sizeof(float));
	char **cols = ecalloc(g->k + 1, sizeof(char *));
	VWriter *w;
	size_t i, j;

	cols[0] = estrdup("component");
	for (j = 0; j < g->k; j++) {
		cols[j + 1] = emalloc(32);
		snprintf(cols[j + 1], 32, "p%zu", j);
	}
	w = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(w, (unsigned)g->k + 1, 0, (unsigned)g->k + 1, cols))
		exit(1);
	for (i = 0; i < m->n; i++) {
		v[0] = (float)lab[i];
		memcpy(v + 1, prob + i * g->k, g->k * sizeof(float));
		if (vwriter_write(w, matrix_key(m, i), v, g->k + 1))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
	for (j = 0; j <= g->k; j++)
		free(cols[j]);
	free(cols), free(v);
}

static void
write_model(const char *path, const Gmm *g, char **cols)
{
	FILE *fp = efopen_out(path);

	int bad;

	gmm_save(g, fp, cols);
	bad = fshut(fp, path) != 0;
	if (fclose_out(fp, path, bad) || bad)
		exit(1);
}

/* the fit's diagnostics on stderr */
static void
report(const GmmOpt *o, const Gmm *g, const GmmFit *f, double ll, size_t n, int quiet)
{
	if (f->singular)
		weprintf("warning: k=%zu: component %ld%s: covariance singular but for reg_covar %g "
		    "on its diagonal (coinciding points, a constant feature or fewer points than "
		    "dimensions): its probabilities are extreme", o->k, f->first_singular,
		    f->singular > 1 ? " and others" : "", o->reg_covar);
	if (!f->converged)
		weprintf("warning: k=%zu: no initialisation converged within %d EM iterations "
		    "(raise -x or -e)", o->k, o->max_iter);
	if (!quiet)
		fprintf(stderr, "%s: k=%zu %s: lower bound %.9g, log-likelihood %.9g per record, "
		    "BIC %.9g, AIC %.9g, %d EM iterations (best of %d: init %d)\n", argv0, o->k,
		    gmm_cov_name(o->cov), f->lower_bound, ll / (double)n, gmm_bic(g, ll, n),
		    gmm_aic(g, ll, n), f->n_iter, o->init == GMM_INIT_GIVEN ? 1 : o->n_init,
		    f->best_init + 1);
}

/* -a: the components of every record under a saved model */
static int
apply(const char *modelpath, const char *in, int binary, int nt)
{
	Gmm *g;
	Matrix m;
	int *lab;
	float *prob;

	if (!(g = gmm_load(modelpath)))
		return 1;
	if (matrix_load_finite(in, &m, "empty input: no records")) {
		del_gmm(g);
		return 1;
	}
	if (m.d != g->d)
		eprintf("%s: dimension %zu does not match the model's %zu (%s)", m.name, m.d, g->d,
		    modelpath);
	predict(g, &m, nt, &lab, &prob, NULL);
	write_result(g, &m, binary, lab, prob);
	free(lab), free(prob);
	del_matrix(&m);
	del_gmm(g);
	return 0;
}

/* -k KMIN:KMAX: BIC, AIC and the log-likelihood per record for each k */
static void
sweep(GmmOpt *o, const Matrix *m, size_t kmin, size_t kmax, int binary, const char *modelout,
    int quiet)
{
	char *cols[] = { "bic", "aic", "log_likelihood" }, key[32];
	size_t nk = kmax - kmin + 1, j, best = 0;
	double *res = ereallocarray(NULL, nk, 3 * sizeof(double)), ll;
	Gmm *g, *keep = NULL;
	GmmFit f;
	VWriter *w;
	float v[3];

	for (j = 0; j < nk; j++) {
		o->k = kmin + j;
		if (!(g = gmm_fit(m->x, m->n, m->d, o, &f)))
			exit(1);
		gmm_predict(g, m->x, m->n, o->nthreads, NULL, NULL, &ll);
		report(o, g, &f, ll, m->n, quiet);
		res[j * 3] = gmm_bic(g, ll, m->n);
		res[j * 3 + 1] = gmm_aic(g, ll, m->n);
		res[j * 3 + 2] = ll / (double)m->n;
		if (!j || res[j * 3] < res[best * 3]) {
			best = j;
			del_gmm(keep);
			keep = g;
		} else {
			del_gmm(g);
		}
	}
	if (modelout)
		write_model(modelout, keep, m->cols);
	if (!binary)
		printf("# bic_min=%zu\n", kmin + best);
	w = new_vwriter(stdout, "<stdout>", binary);
	if (vwriter_header(w, 3, 0, 3, cols))
		exit(1);
	for (j = 0; j < nk; j++) {
		snprintf(key, sizeof key, "%zu", kmin + j);
		v[0] = (float)res[j * 3], v[1] = (float)res[j * 3 + 1], v[2] = (float)res[j * 3 + 2];
		if (vwriter_write(w, key, v, 3))
			exit(1);
	}
	if (del_vwriter(w))
		exit(1);
	if (!quiet)
		fprintf(stderr, "%s: lowest BIC at k=%zu\n", argv0, kmin + best);
	del_gmm(keep);
	free(res);
}

/* -I: the k-means' initial centres */
static void
given_centres(GmmOpt *o, Matrix *init, const Matrix *m, const char *path, int kset)
{
	if (matrix_load_finite(path, init, "empty input: no centres in the initial centres file"))
		exit(1);
	if (init->d != m->d)
		eprintf("%s: dimension %zu does not match the data's %zu", init->name, init->d, m->d);
	if (kset && init->n != o->k)
		eprintf("%s: %zu centres, but -k %zu", init->name, init->n, o->k);
	o->k = init->n;
	o->init = GMM_INIT_GIVEN;
	o->init_centers = init->x;
}

typedef struct Cli {
	GmmOpt o;
	const char *modelout, *modelin, *initfile, *in;
	int binary, quiet, nt, kset;
	size_t kmin, kmax;
} Cli;

static void
options(int argc, char **argv, Cli *c)
{
	int ch;

	memset(c, 0, sizeof *c);
	gmm_defaults(&c->o);
	c->kmin = c->kmax = c->o.k;
	c->in = "-";
	while ((ch = getopt(argc, argv, "a:bc:e:I:j:k:m:n:qr:s:vx:")) != -1) {
		switch (ch) {
		case 'a': c->modelin = optarg; break;
		case 'b': c->binary = 1; break;
		case 'c':
			if ((c->o.cov = gmm_parse_cov(optarg)) < 0) {
				weprintf("-c: invalid value '%s' (full, tied, diag or spherical)", optarg);
				util_usage(SYNOPSIS);
			}
			break;
		case 'e': c->o.tol = estrtod(optarg, 0, 1e300, 'e'); break;
		case 'I': c->initfile = optarg; break;
		case 'j': c->nt = (int)estrtol(optarg, 0, 256, 'j'); break;
		case 'k': parse_k(optarg, &c->kmin, &c->kmax); c->kset = 1; break;
		case 'm': c->modelout = optarg; break;
		case 'n': c->o.n_init = (int)estrtol(optarg, 1, 1000000, 'n'); break;
		case 'q': c->quiet = 1, progress_quiet(1); break;
		case 'r': c->o.reg_covar = estrtod(optarg, 0, 1e300, 'r'); break;
		case 's': c->o.seed = (uint64_t)estrtol(optarg, 0, 0x7fffffffffffffffL, 's'); break;
		case 'v': c->o.verbose = 1; break;
		case 'x': c->o.max_iter = (int)estrtol(optarg, 1, 100000000, 'x'); break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1 || (c->modelin && (c->modelout || c->initfile || c->kset)) ||
	    (c->initfile && c->kmin != c->kmax))
		util_usage(SYNOPSIS);
	if (optind < argc)
		c->in = argv[optind];
}

/* one fit: its output, its model; 0, or 1 after a message */
static int
fit(Cli *c, const Matrix *m)
{
	GmmFit f;
	Gmm *g;
	double ll;
	int *lab;
	float *prob;

	if (!(g = gmm_fit(m->x, m->n, m->d, &c->o, &f)))
		return 1;
	predict(g, m, c->nt, &lab, &prob, &ll);
	report(&c->o, g, &f, ll, m->n, c->quiet);
	if (c->modelout)
		write_model(c->modelout, g, m->cols);
	write_result(g, m, c->binary, lab, prob);
	free(lab), free(prob);
	del_gmm(g);
	return 0;
}

int
main(int argc, char **argv)
{
	Cli c;
	Matrix m, init;
	int rc = 0;

	blas_init(argc, argv);
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	options(argc, argv, &c);
	c.nt = blas_threads(c.nt);
	if (c.o.verbose)
		blas_report(stderr);
	blas_threads(1); /* threads come from the pool; OpenBLAS runs inside them */
	c.o.nthreads = c.nt;
	if (c.modelin)
		return apply(c.modelin, c.in, c.binary, c.nt);
	if (matrix_load_finite(c.in, &m, "empty input: no records"))
		return 1;
	c.o.name = m.name;
	c.o.k = c.kmin;
	if (c.initfile)
		given_centres(&c.o, &init, &m, c.initfile, c.kset);
	if (m.n < 2)
		eprintf("%s: 1 record: a mixture needs at least 2", m.name);
	if (c.o.k > m.n || c.kmax > m.n)
		eprintf("%s: k=%zu exceeds the number of records (%zu)", m.name,
		    c.kmax > c.o.k ? c.kmax : c.o.k, m.n);
	if (c.kmax > c.kmin)
		sweep(&c.o, &m, c.kmin, c.kmax, c.binary, c.modelout, c.quiet);
	else
		rc = fit(&c, &m);
	if (c.initfile)
		del_matrix(&init);
	del_matrix(&m);
	return rc;
}
