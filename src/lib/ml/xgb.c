/* xgb.c — libxgboost's C API, the way python3-xgboost drives it (see xgb.h). */
#include "ml/xgb.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

struct Xgb {
	BoosterHandle b;
	size_t k;
};

/* xgboost's last error without its time stamp, source position and stack
 * trace: "[12:00:00] ./src/x.cc:407: message\nStack trace: ..." -> "message" */
static const char *
last_error(char *buf, size_t n)
{
	const char *e = XGBGetLastError(), *p;
	size_t len;

	if (e[0] == '[' && (p = strstr(e, "] ")))
		e = p + 2;
	if ((p = strstr(e, ": ")) && strchr(".", e[0]) && p < e + strcspn(e, " \n"))
		e = p + 2;
	len = strcspn(e, "\n");
	snprintf(buf, n, "%.*s", (int)len, e);
	return buf;
}

static int
fail(const char *what)
{
	char buf[512];

	weprintf("xgboost: %s: %s", what, last_error(buf, sizeof buf));
	return -1;
}

static DMatrixHandle
dmatrix(const float *x, size_t n, size_t d)
{
	DMatrixHandle h = NULL;

	if (XGDMatrixCreateFromMat(x, (bst_ulong)n, (bst_ulong)d, NAN, &h)) {
		fail("DMatrix");
		return NULL;
	}
	return h;
}

/* "name=value" strings onto the booster, in order */
static int
set_params(BoosterHandle b, char *const *params, int npar)
{
	char name[256];
	const char *eq;
	int i;

	for (i = 0; i < npar; i++) {
		if (!(eq = strchr(params[i], '=')) || eq == params[i] ||
		    (size_t)(eq - params[i]) >= sizeof name) {
			weprintf("-p %s: expected NAME=VALUE", params[i]);
			return -1;
		}
		memcpy(name, params[i], eq - params[i]);
		name[eq - params[i]] = '\0';
		if (XGBoosterSetParam(b, name, eq + 1))
			return fail(params[i]);
	}
	return 0;
}

Xgb *
xgb_train(const float *x, size_t n, size_t d, const float *y, size_t k, int rounds,
    char *const *params, int npar, Progress *parent)
{
	Xgb *m = ecalloc(1, sizeof *m);
	DMatrixHandle h = dmatrix(x, n, d);
	Progress *pg = NULL;
	char nc[32];
	int i;

	m->k = k;
	if (!h)
		goto fail;
	if (XGDMatrixSetFloatInfo(h, "label", y, (bst_ulong)n) || XGBoosterCreate(&h, 1, &m->b)) {
		fail("set-up");
		goto fail;
	}
	snprintf(nc, sizeof nc, "%zu", k);
	if (XGBoosterSetParam(m->b, "objective", k > 2 ? "multi:softprob" : "binary:logistic") ||
	    (k > 2 && XGBoosterSetParam(m->b, "num_class", nc))) {
		fail("objective");
		goto fail;
	}
	if (set_params(m->b, params, npar) < 0)
		goto fail;
	pg = new_subprogress(parent, "boosting rounds", (unsigned long)rounds);
	for (i = 0; i < rounds; i++) {
		if (XGBoosterUpdateOneIter(m->b, i, h)) {
			fail("training");
			goto fail;
		}
		progress_do(pg, (unsigned long)i + 1);
	}
	del_progress(pg);
	XGDMatrixFree(h);
	return m;
fail:
	del_progress(pg);
	if (h)
		XGDMatrixFree(h);
	del_xgb(m);
	return NULL;
}

/* predict with a config; the result's values in *res (*len of them) */
static int
predict(Xgb *m, const float *x, size_t n, size_t d, int type, const float **res, size_t *len)
{
	char cfg[160];
	const bst_ulong *shape;
	bst_ulong dim, i;
	DMatrixHandle h = dmatrix(x, n, d);

	if (!h)
		return -1;
	snprintf(cfg, sizeof cfg, "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, "
	    "\"iteration_end\": 0, \"strict_shape\": false}", type);
	if (XGBoosterPredictFromDMatrix(m->b, h, cfg, &shape, &dim, res)) {
		XGDMatrixFree(h);
		return fail("predict");
	}
	for (*len = 1, i = 0; i < dim; i++)
		*len *= shape[i];
	XGDMatrixFree(h); /* the result belongs to the booster, not the matrix */
	return 0;
}

int
xgb_proba(Xgb *m, const float *x, size_t n, size_t d, double *out)
{
	const float *r;
	size_t len, i, c;

	if (predict(m, x, n, d, 0, &r, &len) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (m->k == 2) {
			out[2 * i + 1] = r[i];
			out[2 * i] = 1 - (double)r[i];
		} else {
			for (c = 0; c < m->k; c++)
				out[i * m->k + c] = r[i * m->k + c];
		}
	}
	return 0;
}

int
xgb_contribs(Xgb *m, const float *x, size_t n, size_t d, float *out)
{
	const float *r;
	size_t len;

	if (predict(m, x, n, d, 2, &r, &len) < 0)
		return -1;
	memcpy(out, r, len * sizeof *r);
	return 0;
}

int
xgb_set_attr(Xgb *m, const char *name, const char *value)
{
	return XGBoosterSetAttr(m->b, name, value) ? fail("attribute") : 0;
}

char *
xgb_get_attr(Xgb *m, const char *name)
{
	const char *v = NULL;
	int ok = 0;

	if (XGBoosterGetAttr(m->b, name, &v, &ok) || !ok || !v)
		return NULL;
	return estrdup(v);
}

int
xgb_save(Xgb *m, const char *path)
{
	const char *buf;
	bst_ulong len;
	FILE *fp;

	if (XGBoosterSaveModelToBuffer(m->b, "{\"format\": \"json\"}", &len, &buf))
		return fail("save");
	fp = efopen_out(path);
	fwrite(buf, 1, len, fp);
	return fclose_out(fp, path, ferror(fp));
}

Xgb *
xgb_load_buffer(const char *buf, size_t len, const char *name)
{
	Xgb *m = ecalloc(1, sizeof *m);

	char err[512];

	if (XGBoosterCreate(NULL, 0, &m->b) || XGBoosterLoadModelFromBuffer(m->b, buf, len)) {
		weprintf("%s: not an xgboost model: %s", name, last_error(err, sizeof err));
		del_xgb(m);
		return NULL;
	}
	return m;
}

void
xgb_set_classes(Xgb *m, size_t k)
{
	m->k = k;
}

int
xgb_rounds(Xgb *m)
{
	int r = 0;

	XGBoosterBoostedRounds(m->b, &r);
	return r;
}

void
del_xgb(Xgb *m)
{
	if (!m)
		return;
	if (m->b)
		XGBoosterFree(m->b);
	free(m);
}
