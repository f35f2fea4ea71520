/* lbfgs.c — scipy 1.10's unconstrained L-BFGS-B path (see lbfgs.h). */
#include "ml/lbfgs.h"
#include "core/stats.h"
#include "core/util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LS_FTOL 1e-3
#define LS_GTOL 0.9
#define LS_XTOL 0.1
#define LS_STPMAX 1e10

enum { LS_FG, LS_CONV, LS_WARN };

/* MINPACK-2 dcsrch's saved state */
typedef struct Search {
	int brackt, stage;
	double ginit, gtest, gx, gy, finit, fx, fy, stx, sty, stmin, stmax, width, width1;
} Search;

static double
dmax3(double a, double b, double c)
{
	double m = a > b ? a : b;

	return m > c ? m : c;
}

/* cubic through (stx, fx, dx) and (stp, fp, dp): the step it gives, as dcstep
 * writes it (sign of gamma chosen by the caller's case) */
static double
cubic_gamma(double theta, double a, double b, int neg)
{
	double s = dmax3(fabs(theta), fabs(a), fabs(b));
	double g = s * sqrt((theta / s) * (theta / s) - (a / s) * (b / s));

	return neg ? -g : g;
}

/* dcstep's fourth case: lower f, same-sign derivatives, |dp| not decreasing */
static double
step_case4(double stx, double sty, double fy, double dy, double stp, double fp,
    double dp, int brackt, double stpmin, double stpmax)
{
	double theta, gamma, p, q;

	if (brackt) {
		theta = 3 * (fp - fy) / (sty - stp) + dy + dp;
		gamma = cubic_gamma(theta, dy, dp, stp > sty);
		p = (gamma - dp) + theta;
		q = ((gamma - dp) + gamma) + dy;
		return stp + p / q * (sty - stp);
	}
	return stp > stx ? stpmax : stpmin;
}

/* dcstep's third case: lower f, same-sign derivatives, |dp| decreasing */
static double
step_case3(double stx, double fx, double dx, double sty, double stp, double fp,
    double dp, int brackt, double stpmin, double stpmax)
{
	double theta, s, gamma, p, q, r, stpc, stpq, stpf;

	theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
	s = dmax3(fabs(theta), fabs(dx), fabs(dp));
	gamma = s * sqrt(fmax(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
	if (stp > stx)
		gamma = -gamma;
	p = (gamma - dp) + theta;
	q = (gamma + (dx - dp)) + gamma;
	r = p / q;
	if (r < 0 && gamma != 0)
		stpc = stp + r * (stx - stp);
	else
		stpc = stp > stx ? stpmax : stpmin;
	stpq = stp + (dp / (dp - dx)) * (stx - stp);
	if (brackt) {
		stpf = fabs(stpc - stp) < fabs(stpq - stp) ? stpc : stpq;
		if (stp > stx)
			return fmin(stp + 0.66 * (sty - stp), stpf);
		return fmax(stp + 0.66 * (sty - stp), stpf);
	}
	stpf = fabs(stpc - stp) > fabs(stpq - stp) ? stpc : stpq;
	return fmax(stpmin, fmin(stpmax, stpf));
}

/* MINPACK-2 dcstep: a safeguarded trial step; updates the bracket (stx, sty). */
static void
dcstep(double *stx, double *fx, double *dx, double *sty, double *fy, double *dy,
    double *stp, double fp, double dp, int *brackt, double stpmin, double stpmax)
{
	double sgnd = dp * (*dx / fabs(*dx)), theta, gamma, p, q, stpc, stpq, stpf;

	if (fp > *fx) {
		theta = 3 * (*fx - fp) / (*stp - *stx) + *dx + dp;
		gamma = cubic_gamma(theta, *dx, dp, *stp < *stx);
		p = (gamma - *dx) + theta;
		q = ((gamma - *dx) + gamma) + dp;
		stpc = *stx + p / q * (*stp - *stx);
		stpq = *stx + ((*dx / ((*fx - fp) / (*stp - *stx) + *dx)) / 2) * (*stp - *stx);
		stpf = fabs(stpc - *stx) < fabs(stpq - *stx) ? stpc : stpc + (stpq - stpc) / 2;
		*brackt = 1;
	} else if (sgnd < 0) {
		theta = 3 * (*fx - fp) / (*stp - *stx) + *dx + dp;
		gamma = cubic_gamma(theta, *dx, dp, *stp > *stx);
		p = (gamma - dp) + theta;
		q = ((gamma - dp) + gamma) + *dx;
		stpc = *stp + p / q * (*stx - *stp);
		stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
		stpf = fabs(stpc - *stp) > fabs(stpq - *stp) ? stpc : stpq;
		*brackt = 1;
	} else if (fabs(dp) < fabs(*dx)) {
		stpf = step_case3(*stx, *fx, *dx, *sty, *stp, fp, dp, *brackt, stpmin, stpmax);
	} else {
		stpf = step_case4(*stx, *sty, *fy, *dy, *stp, fp, dp, *brackt, stpmin, stpmax);
	}
	if (fp > *fx) {
		*sty = *stp, *fy = fp, *dy = dp;
	} else {
		if (sgnd < 0)
			*sty = *stx, *fy = *fx, *dy = *dx;
		*stx = *stp, *fx = fp, *dx = dp;
	}
	*stp = stpf;
}

/* dcsrch's START: f, g at step 0, stp the first trial.  Cannot fail. */
static void
search_start(Search *s, double f, double g, double stp)
{
	s->brackt = 0;
	s->stage = 1;
	s->finit = s->fx = s->fy = f;
	s->ginit = s->gx = s->gy = g;
	s->gtest = LS_FTOL * g;
	s->width = LS_STPMAX;
	s->width1 = s->width / 0.5;
	s->stx = s->sty = 0;
	s->stmin = 0;
	s->stmax = stp + 4.0 * stp;
}

/* dcsrch: f, g at *stp; LS_FG with the next trial in *stp, or LS_CONV / LS_WARN. */
static int
search_do(Search *s, double f, double g, double *stp)
{
	double ftest = s->finit + *stp * s->gtest, fm, fxm, fym, gm, gxm, gym;
	int warn = 0;

	if (s->stage == 1 && f <= ftest && g >= 0)
		s->stage = 2;
	if (s->brackt && (*stp <= s->stmin || *stp >= s->stmax))
		warn = 1;
	if (s->brackt && s->stmax - s->stmin <= LS_XTOL * s->stmax)
		warn = 1;
	if (*stp == LS_STPMAX && f <= ftest && g <= s->gtest)
		warn = 1;
	if (*stp == 0 && (f > ftest || g >= s->gtest))
		warn = 1;
	if (f <= ftest && fabs(g) <= LS_GTOL * (-s->ginit))
		return LS_CONV;
	if (warn)
		return LS_WARN;
	if (s->stage == 1 && f <= s->fx && f > ftest) {
		fm = f - *stp * s->gtest;
		fxm = s->fx - s->stx * s->gtest;
		fym = s->fy - s->sty * s->gtest;
		gm = g - s->gtest;
		gxm = s->gx - s->gtest;
		gym = s->gy - s->gtest;
		dcstep(&s->stx, &fxm, &gxm, &s->sty, &fym, &gym, stp, fm, gm, &s->brackt,
		    s->stmin, s->stmax);
		s->fx = fxm + s->stx * s->gtest;
		s->fy = fym + s->sty * s->gtest;
		s->gx = gxm + s->gtest;
		s->gy = gym + s->gtest;
	} else {
		dcstep(&s->stx, &s->fx, &s->gx, &s->sty, &s->fy, &s->gy, stp, f, g, &s->brackt,
		    s->stmin, s->stmax);
	}
	if (s->brackt) {
		if (fabs(s->sty - s->stx) >= 0.66 * s->width1)
			*stp = s->stx + 0.5 * (s->sty - s->stx);
		s->width1 = s->width;
		s->width = fabs(s->sty - s->stx);
		s->stmin = fmin(s->stx, s->sty);
		s->stmax = fmax(s->stx, s->sty);
	} else {
		s->stmin = *stp + 1.1 * (*stp - s->stx);
		s->stmax = *stp + 4.0 * (*stp - s->stx);
	}
	*stp = fmin(fmax(*stp, 0), LS_STPMAX);
	if ((s->brackt && (*stp <= s->stmin || *stp >= s->stmax)) ||
	    (s->brackt && s->stmax - s->stmin <= LS_XTOL * s->stmax))
		*stp = s->stx;
	return LS_FG;
}

/* the limited memory: col pairs (s, y), the oldest at head, in a ring of m */
typedef struct Memory {
	size_t n;
	int m, col, head;
	double theta;        /* B0 = theta I: y'y / s'y of the newest pair (1 when empty) */
	double *s, *y, *rho, *alpha;
} Memory;

static double
maxabs(const double *a, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (fabs(a[i]) > m)
			m = fabs(a[i]);
	return m;
}

/* d = -H g (two-loop recursion); d = -g while the memory is empty */
static void
direction(Memory *mem, const double *g, double *d)
{
	size_t n = mem->n, j;
	int i, k;
	double b;

	for (j = 0; j < n; j++)
		d[j] = -g[j];
	if (mem->col == 0)
		return;
	for (i = mem->col - 1; i >= 0; i--) {
		k = (mem->head + i) % mem->m;
		mem->alpha[k] = mem->rho[k] * stats_dot64(mem->s + (size_t)k * n, d, n);
		for (j = 0; j < n; j++)
			d[j] -= mem->alpha[k] * mem->y[(size_t)k * n + j];
	}
	for (j = 0; j < n; j++)
		d[j] /= mem->theta;
	for (i = 0; i < mem->col; i++) {
		k = (mem->head + i) % mem->m;
		b = mem->rho[k] * stats_dot64(mem->y + (size_t)k * n, d, n);
		for (j = 0; j < n; j++)
			d[j] += (mem->alpha[k] - b) * mem->s[(size_t)k * n + j];
	}
}

static void
memory_reset(Memory *mem)
{
	mem->col = 0;
	mem->head = 0;
	mem->theta = 1;
}

/* store the pair (s, y) with s'y = dr, y'y = rr (matupd) */
static void
memory_push(Memory *mem, const double *s, const double *y, double rr, double dr)
{
	int k;

	if (mem->col < mem->m) {
		k = (mem->head + mem->col) % mem->m;
		mem->col++;
	} else {
		k = mem->head;
		mem->head = (mem->head + 1) % mem->m;
	}
	memcpy(mem->s + (size_t)k * mem->n, s, mem->n * sizeof *s);
	memcpy(mem->y + (size_t)k * mem->n, y, mem->n * sizeof *y);
	mem->rho[k] = 1 / dr;
	mem->theta = rr / dr;
}

void
lbfgs_defaults(LbfgsOpt *o)
{
	o->m = 10;
	o->maxiter = 15000;
	o->maxls = 20;
	o->maxfun = 15000;
	o->pgtol = 1e-5;
	o->factr = 1e7;
}

/* the state of one minimisation */
typedef struct Run {
	size_t n;
	LbfgsFn fn;
	void *arg;
	const LbfgsOpt *o;
	LbfgsResult *r;
	double *x, *g, *d, *t, *gold, f, fold, stp, gd, gdold;
	int iter;
} Run;

static void
eval(Run *u)
{
	u->f = u->fn(u->arg, u->x, u->g);
	u->r->nfev++;
}

/* lnsrlb + dcsrch from x along d.  0: a new iterate (x, g, f); -1: the search
 * failed, x, g, f restored. */
static int
line_search(Run *u)
{
	size_t n = u->n, i;
	double dnorm = sqrt(stats_dot64(u->d, u->d, n));
	Search s;
	int ifun = 0, task;

	u->stp = u->iter == 0 ? fmin(1 / dnorm, LS_STPMAX) : 1;
	memcpy(u->t, u->x, n * sizeof *u->x);
	memcpy(u->gold, u->g, n * sizeof *u->g);
	u->fold = u->f;
	for (;;) {
		u->gd = stats_dot64(u->g, u->d, n);
		if (ifun == 0) {
			u->gdold = u->gd;
			if (!(u->gd < 0))
				break;
			search_start(&s, u->f, u->gd, u->stp);
			task = LS_FG;
		} else {
			if (isnan(u->f) || isnan(u->gd))
				break;
			task = search_do(&s, u->f, u->gd, &u->stp);
		}
		if (task != LS_FG)
			return 0;
		ifun++;
		if (ifun - 1 >= u->o->maxls)
			break;
		for (i = 0; i < n; i++)
			u->x[i] = u->stp * u->d[i] + u->t[i];
		eval(u);
	}
	memcpy(u->x, u->t, n * sizeof *u->x);
	memcpy(u->g, u->gold, n * sizeof *u->g);
	u->f = u->fold;
	return -1;
}

static void
finish(Run *u, int status, const char *msg)
{
	u->r->status = status;
	u->r->msg = msg;
	u->r->f = u->f;
}

/* After a new iterate: 1 when the run stops (result set), else 0 with the
 * pair (s, y) of this step pushed or skipped (mainlb after label 777). */
static int
after_step(Run *u, Memory *mem)
{
	size_t n = u->n, i;
	double rr, dr, ddum;

	u->r->nit++;
	if (u->r->nit >= u->o->maxiter) {
		finish(u, LBFGS_MAXITER, "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT");
		return 1;
	}
	if (u->r->nfev > u->o->maxfun) {
		finish(u, LBFGS_MAXITER, "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT");
		return 1;
	}
	if (maxabs(u->g, n) <= u->o->pgtol) {
		finish(u, LBFGS_CONVERGED, "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL");
		return 1;
	}
	if (u->fold - u->f <= u->o->factr * DBL_EPSILON * dmax3(fabs(u->fold), fabs(u->f), 1)) {
		finish(u, LBFGS_CONVERGED, "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH");
		return 1;
	}
	for (i = 0; i < n; i++)
		u->gold[i] = u->g[i] - u->gold[i];
	rr = stats_dot64(u->gold, u->gold, n);
	if (u->stp == 1) {
		dr = u->gd - u->gdold;
		ddum = -u->gdold;
	} else {
		dr = (u->gd - u->gdold) * u->stp;
		for (i = 0; i < n; i++)
			u->d[i] *= u->stp;
		ddum = -u->gdold * u->stp;
	}
	if (dr > DBL_EPSILON * ddum)
		memory_push(mem, u->d, u->gold, rr, dr);
	return 0;
}

void
lbfgs_minimize(size_t n, double *x, LbfgsFn fn, void *arg, const LbfgsOpt *o, LbfgsResult *r)
{
	Memory mem = { .n = n, .m = o->m > 0 ? o->m : 1 };
	Run u = { .n = n, .fn = fn, .arg = arg, .o = o, .r = r, .x = x };

	memset(r, 0, sizeof *r);
	mem.s = ereallocarray(NULL, (size_t)mem.m * (n ? n : 1), sizeof(double));
	mem.y = ereallocarray(NULL, (size_t)mem.m * (n ? n : 1), sizeof(double));
	mem.rho = ecalloc(mem.m, sizeof(double));
	mem.alpha = ecalloc(mem.m, sizeof(double));
	u.g = ecalloc(n ? n : 1, sizeof(double));
	u.d = ecalloc(n ? n : 1, sizeof(double));
	u.t = ecalloc(n ? n : 1, sizeof(double));
	u.gold = ecalloc(n ? n : 1, sizeof(double));
	memory_reset(&mem);
	eval(&u);
	if (maxabs(u.g, n) <= o->pgtol) {
		finish(&u, LBFGS_CONVERGED, "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL");
		goto out;
	}
	for (;;) {
		direction(&mem, u.g, u.d);
		if (line_search(&u) < 0) {
			if (mem.col == 0) {
				finish(&u, LBFGS_ABNORMAL, "ABNORMAL_TERMINATION_IN_LNSRCH");
				break;
			}
			memory_reset(&mem);
			continue;
		}
		u.iter++;
		if (after_step(&u, &mem))
			break;
	}
out:
	free(mem.s), free(mem.y), free(mem.rho), free(mem.alpha);
	free(u.g), free(u.d), free(u.t), free(u.gold);
}
