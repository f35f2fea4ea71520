/* pca — principal component analysis of a vector stream, equal to scikit-learn's
 * PCA(svd_solver='full'); fit (and transform the fit data) or apply a saved model.
 * The work is in src/lib/ml/pca.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/blas.h"
#include "core/matrix.h"
#include "ml/pca.h"
#include "core/dtable.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"

static const char SYNOPSIS[] =
    "[-bqw] [-a model | -k n | -v fraction] [-e file] [-j threads] [-m model] [file]";

/* write the explained-variance table; 0 ok, -1 error */
static int
table(const PcaModel *pm, FILE *fp, const char *path)
{
	int rc;

	pca_table(pm, fp);
	rc = fshut(fp, path);
	if (fclose(fp) && !rc) {
		weprintf("%s:", path);
		rc = -1;
	}
	return rc;
}

/* Records of r through the model, PCA_BLOCK at a time: x and keys hold a block of
 * input, out its scores.  0, or -1 after a message (a non-finite value, a read
 * error); exits 1 on a write error. */
static int
apply_stream(const PcaModel *pm, VReader *r, VWriter *w, float *x, float *out, char **keys)
{
	size_t nb = 0, i, k = pm->k, done = 0;
	Progress *pg = new_progress("rows", 0);
	int e;

	for (;;) {
		e = vreader_next(r);
		if (e > 0) {
			for (i = 0; i < pm->d; i++)
				if (!isfinite(r->val[i]))
					break;
			if (i < pm->d) {
				vreader_error(r, "value %zu is not finite (clean it with weight)", i + 1);
				e = -1;
			} else {
				free(keys[nb]);
				keys[nb] = estrdup(r->key);
				memcpy(x + nb * pm->d, r->val, pm->d * sizeof(float));
				nb++;
			}
		}
		if (nb && (nb == PCA_BLOCK || e <= 0)) {
			pca_apply(pm, x, nb, out);
			for (i = 0; i < nb; i++)
				if (vwriter_write(w, keys[i], out + i * k, k))
					exit(1);
			progress_do(pg, done += nb);
			nb = 0;
		}
		if (e <= 0) {
			del_progress(pg);
			return e;
		}
	}
}

/* apply a saved model to the stream in */
static int
apply(const char *model, const char *in, int binary, FILE *efp, const char *epath)
{
	PcaModel pm;
	VReader *r;
	VWriter *w;
	float *x, *out;
	char **keys, **names;
	size_t i;
	int rc = 0;

	if (pca_load(&pm, model))
		return 1;
	if (efp && table(&pm, efp, epath))
		rc = 1;
	if (!(r = new_vreader(in))) {
		del_pca(&pm);
		return 1;
	}
	if (r->dimknown && r->dim != pm.d) {
		weprintf("%s: dimension %u does not match the model's %zu (%s)", r->name, r->dim, pm.d, model);
		del_vreader(r);
		del_pca(&pm);
		return 1;
	}
	if (dtable_match_cols(model, pm.cols, r->name, r->ncols ? r->cols : NULL, pm.d)) {
		del_vreader(r);
		del_pca(&pm);
		return 1;
	}
	x = emallocarray(PCA_BLOCK * pm.d, sizeof(float));
	out = emallocarray(PCA_BLOCK * pm.k, sizeof(float));
	keys = ecalloc(PCA_BLOCK, sizeof(char *));
	w = new_vwriter(stdout, "<stdout>", binary);
	names = pca_names(pm.k);
	if (vwriter_header(w, pm.k, 0, pm.k, names))
		exit(1);
	pca_free_names(names, pm.k);
	if (apply_stream(&pm, r, w, x, out, keys) < 0)
		rc = 1;
	if (del_vwriter(w))
		exit(1);
	for (i = 0; i < PCA_BLOCK; i++)
		free(keys[i]);
	free(keys);
	free(x);
	free(out);
	del_vreader(r);
	del_pca(&pm);
	return rc;
}

/* the scores in m after a fit, on stdout; exits 1 on a write error */
static void
write_scores(const Matrix *m, int binary)
{
	VWriter *w = new_vwriter(stdout, "<stdout>", binary);
	size_t i;

	if (vwriter_header(w, m->d, 0, m->d, m->cols))
		exit(1);
	for (i = 0; i < m->n; i++)
		if (vwriter_write(w, matrix_key(m, i), m->x + i * m->d, m->d))
			exit(1);
	if (del_vwriter(w))
		exit(1);
}

/* fit on the stream in; the model to mfp (model_out), the table to efp */
static int
fit(const char *in, double frac, size_t kfix, int whiten, FILE *mfp, const char *model_out,
    FILE *efp, const char *epath, int binary)
{
	PcaModel pm;
	Matrix m;
	int rc = 0;

	if (matrix_load_nonempty(in, &m, "empty input: nothing to fit") ||
	    pca_fit(&pm, &m, frac, kfix, whiten)) {
		rc = 1;
		goto out;
	}
	if (mfp) {
		pca_save(&pm, mfp);
		if (fshut(mfp, model_out))
			rc = 1;
	}
	if (efp) {
		if (table(&pm, efp, epath))
			rc = 1;
		efp = NULL;
	}
	if (!rc)
		write_scores(&m, binary);
	del_pca(&pm);
out:
	if (mfp && fclose_out(mfp, model_out, rc))
		rc = 1;
	if (efp)
		fclose(efp);
	del_matrix(&m);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *model_in = NULL, *model_out = NULL, *epath = NULL, *in = "-";
	double frac = 0.93;
	long kfix = 0, nthreads = 0;
	int c, binary = 0, whiten = 0, fitopt = 0;
	FILE *mfp = NULL, *efp = NULL;

	blas_init(argc, argv); /* may re-exec: before reading anything */
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	while ((c = getopt(argc, argv, "a:be:j:k:m:qv:w")) != -1) {
		switch (c) {
		case 'a': model_in = optarg; break;
		case 'b': binary = 1; break;
		case 'e': epath = optarg; break;
		case 'j': nthreads = estrtol(optarg, 1, 1024, 'j'); break;
		case 'k': kfix = estrtol(optarg, 1, VS_MAXCOLS, 'k'); fitopt = 1; break;
		case 'm': model_out = optarg; fitopt = 1; break;
		case 'q': progress_quiet(1); break;
		case 'v':
			frac = estrtod(optarg, 0, 1, 'v');
			if (!(frac > 0 && frac < 1)) {
				weprintf("-v: invalid value '%s' (expected a fraction strictly between 0 and 1)", optarg);
				exit(2);
			}
			fitopt = 1;
			break;
		case 'w': whiten = 1; fitopt = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind > 1)
		util_usage(SYNOPSIS);
	if (optind < argc)
		in = argv[optind];
	if (model_in && fitopt) {
		weprintf("-a applies a saved model: -k, -m, -v and -w belong to fitting");
		util_usage(SYNOPSIS);
	}
	matrix_read_threads(blas_threads((int)nthreads));
	matrix_progress("rows read");
	if (epath)
		efp = efopen_out(epath);
	if (model_in)
		return apply(model_in, in, binary, efp, epath);
	if (model_out)
		mfp = efopen_out(model_out);
	return fit(in, frac, (size_t)kfix, whiten, mfp, model_out, efp, epath, binary);
}
