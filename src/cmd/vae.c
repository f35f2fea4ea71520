/* vae — a variational autoencoder on song vectors: train one (optionally conditioned
 * on a label), encode songs to their latent means, decode latent vectors.  The work
 * is in src/lib/nn/vae.c (network) and src/lib/nn/vaefit.c (training). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/matrix.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vreader.h"
#include "core/vwriter.h"
#include "data/labels.h"
#include "ml/blas.h"
#include "nn/vae.h"
#include "nn/vaefit.h"

static const char SYNOPSIS[] =
    "[-bqT] [-B beta] [-C label] [-c labels] [-e epochs] [-H sizes] [-I model] [-j threads] "
    "[-L curve] [-l rate] [-n batch] [-s seed] [-z latent] -m model train|encode|decode [file]";

#define BLOCK 256 /* songs per encode/decode call */

typedef struct Opt {
	const char *cmd, *model, *in, *labels, *label, *init, *curve;
	int binary, quiet, trainopt, archopt, betaset;
	VaeConfig c;
	VaeFitOpt f;
} Opt;

/* -H 256,128: the encoder's hidden sizes (the decoder mirrors them); "" = none */
static void
parse_hidden(const char *s, VaeConfig *c)
{
	const char *p = s;
	char *end;
	long v;

	c->nh = 0;
	while (*p) {
		v = strtol(p, &end, 10);
		if (end == p || v < 1 || v > 65536 || (*end && *end != ',') || c->nh == VAE_MAXH) {
			weprintf("-H: invalid hidden sizes '%s' (up to %d sizes 1..65536, comma-separated)",
			    s, VAE_MAXH);
			exit(2);
		}
		c->h[c->nh++] = (unsigned)v;
		p = *end ? end + 1 : end;
	}
}

static void
parse_args(int argc, char **argv, Opt *o)
{
	int c;

	while ((c = getopt(argc, argv, "B:bC:c:e:H:I:j:L:l:m:n:qs:Tz:")) != -1) {
		switch (c) {
		case 'B': o->c.beta = estrtod(optarg, 0, 1e6, 'B'); o->trainopt = o->betaset = 1; break;
		case 'b': o->binary = 1; break;
		case 'C': o->label = optarg; break;
		case 'c': o->labels = optarg; break;
		case 'e': o->f.epochs = (unsigned)estrtol(optarg, 1, 1000000, 'e'); o->trainopt = 1; break;
		case 'H': parse_hidden(optarg, &o->c); o->trainopt = o->archopt = 1; break;
		case 'I': o->init = optarg; o->trainopt = 1; break;
		case 'j': blas_threads((int)estrtol(optarg, 1, 1024, 'j')); break;
		case 'L': o->curve = optarg; o->trainopt = 1; break;
		case 'l': o->f.lr = estrtod(optarg, 1e-12, 10, 'l'); o->trainopt = 1; break;
		case 'm': o->model = optarg; break;
		case 'n': o->f.batch = (unsigned)estrtol(optarg, 1, 1 << 20, 'n'); o->trainopt = 1; break;
		case 'q': o->quiet = 1; break;
		case 's': o->f.seed = (uint64_t)estrtol(optarg, 0, 0x7fffffffffffffffL, 's'); o->trainopt = 1; break;
		case 'T': o->f.perstep = 1; o->trainopt = 1; break;
		case 'z': o->c.z = (unsigned)estrtol(optarg, 1, 65536, 'z'); o->trainopt = o->archopt = 1; break;
		default: util_usage(SYNOPSIS);
		}
	}
	if (argc - optind < 1 || argc - optind > 2 || !o->model)
		util_usage(SYNOPSIS);
	o->cmd = argv[optind];
	if (argc - optind == 2)
		o->in = argv[optind + 1];
}

/* the command's own checks of the options; exits 2 on a usage error */
static void
check_args(const Opt *o)
{
	int train = !strcmp(o->cmd, "train");

	if (!train && strcmp(o->cmd, "encode") && strcmp(o->cmd, "decode")) {
		weprintf("unknown command '%s' (train, encode, decode)", o->cmd);
		util_usage(SYNOPSIS);
	}
	if (!train && o->trainopt) {
		weprintf("%s: -B, -e, -H, -I, -L, -l, -n, -s, -T and -z belong to train", o->cmd);
		util_usage(SYNOPSIS);
	}
	if ((train && o->label) || (o->label && o->labels)) {
		weprintf("-C gives every song one label when encoding or decoding (not with -c)");
		util_usage(SYNOPSIS);
	}
	if (o->init && o->archopt) {
		weprintf("-I starts from a model: its -H and -z are the model's");
		util_usage(SYNOPSIS);
	}
}

/* the label of every record of m into lab (NULL: no labels); names/k fixed by a
 * model (NULL: from the file); -1 after a message */
static int
row_labels(const char *path, const Matrix *m, char *const *names, unsigned k, LabelClasses *l,
    int **lab)
{
	size_t i;
	long c;

	*lab = NULL;
	if (!path)
		return 0;
	if (labels_load_classes(path, names, k, l))
		return -1;
	for (i = 0; i < l->k; i++)
		if (strlen(l->names[i]) >= VAE_LABELMAX) {
			weprintf("%s: label '%s' is longer than %d bytes", l->t.name, l->names[i], VAE_LABELMAX - 1);
			return -1;
		}
	*lab = ecalloc(m->n, sizeof **lab);
	for (i = 0; i < m->n; i++) {
		if ((c = labels_class(l, matrix_key(m, i))) < 0) {
			weprintf("%s: record %zu: song '%s' has no label in %s", m->name, i + 1,
			    matrix_key(m, i), l->t.name);
			return -1;
		}
		(*lab)[i] = (int)c;
	}
	return 0;
}

static void
free_names(char **names, unsigned k)
{
	unsigned i;

	for (i = 0; names && i < k; i++)
		free(names[i]);
	free(names);
}

/* the network to train and the songs' labels: from -I (checked against the data) or
 * new; NULL after a message.  *names: the model's labels with -I. */
static Vae *
start(Opt *o, const Matrix *m, char ***names, LabelClasses *l, int **lab)
{
	Vae *v;

	*names = NULL;
	if (!o->init) {
		if (row_labels(o->labels, m, NULL, 0, l, lab))
			return NULL;
		o->c.d = (unsigned)m->d;
		o->c.k = *lab ? (unsigned)l->k : 0;
		v = new_vae(&o->c);
		vae_init(v, o->f.seed);
		return v;
	}
	if (!(v = vae_load(o->init, names)))
		return NULL;
	if (v->c.d != m->d) {
		weprintf("%s: dimension %zu does not match the model's %u (%s)", m->name, m->d, v->c.d, o->init);
	} else if (v->c.k && !o->labels) {
		weprintf("%s: the model is conditioned on %u labels: give them with -c", o->init, v->c.k);
	} else if (!v->c.k && o->labels) {
		weprintf("%s: the model is not conditioned on labels: -c does not apply", o->init);
	} else if (!row_labels(o->labels, m, *names, v->c.k, l, lab)) {
		if (o->betaset)
			v->c.beta = o->c.beta;
		return v;
	}
	free_names(*names, v->c.k);
	*names = NULL;
	del_vae(v);
	return NULL;
}

/* the test hooks of vaefit.h, from the environment; -1 after a message */
static int
hooks(VaeFitOpt *f)
{
	const char *n = getenv("SONGVEC_VAE_NOISE"), *ord = getenv("SONGVEC_VAE_ORDER");

	if (n && *n && !(f->noise = new_vreader(n)))
		return -1;
	if (ord && *ord) {
		f->order = efopen_out(ord);
		f->ordername = ord;
	}
	return 0;
}

static void
report(const Vae *v, size_t n, const VaeFitOpt *f, const VaeLoss *l)
{
	weprintf("%zu songs, %u epoch%s of %zu steps: per song at z = mean: recon %.6g, KL %.6g, "
	    "loss %.6g (beta %g)", n, f->epochs, f->epochs == 1 ? "" : "s",
	    (n + f->batch - 1) / f->batch, l->recon / n, l->kl / n,
	    (l->recon + v->c.beta * l->kl) / n, v->c.beta);
}

/* train: exit status */
static int
train(Opt *o)
{
	FILE *mfp = efopen_out(o->model);
	Matrix m = { 0 };
	LabelClasses l = { 0 };
	Vae *v = NULL;
	VaeLoss loss;
	char **names = NULL;
	int *lab = NULL, rc = 1;

	if (hooks(&o->f))
		goto out;
	if (o->curve) {
		o->f.curve = efopen_out(o->curve);
		o->f.curvename = o->curve;
	}
	if (matrix_load_nonempty(o->in, &m, "empty input: no songs to train on") ||
	    matrix_check_finite(&m) || !(v = start(o, &m, &names, &l, &lab)))
		goto out;
	if (vae_fit(v, m.x, lab, m.n, &o->f))
		goto out;
	vae_fit_eval(v, m.x, lab, m.n, &loss);
	if (!o->quiet)
		report(v, m.n, &o->f, &loss);
	rc = vae_save(v, lab ? l.names : NULL, mfp, o->model) ? 1 : 0;
out:
	if (o->f.curve && (fshut(o->f.curve, o->curve) | fclose_out(o->f.curve, o->curve, rc)))
		rc = 1;
	if (o->f.order && (fshut(o->f.order, o->f.ordername) | fclose_out(o->f.order, o->f.ordername, 0)))
		rc = 1;
	if (fclose_out(mfp, o->model, rc))
		rc = 1;
	del_vreader(o->f.noise);
	if (v)
		free_names(names, v->c.k);
	free(lab);
	del_label_classes(&l);
	del_vae(v);
	del_matrix(&m);
	return rc;
}

/* encode/decode: records in blocks of BLOCK */
typedef struct Stream {
	Vae *v;
	int decode;
	unsigned din, dout;
	LabelClasses l;
	long fixed;               /* -C's label, -1: none */
	char *keys[BLOCK];
	float *x, *y;
	int lab[BLOCK];
	size_t nb;
	VWriter *w;
} Stream;

/* run the network on the block and write it; exits on a write error */
static void
flush_block(Stream *s)
{
	size_t i;
	int *lab = s->v->c.k ? s->lab : NULL;

	if (s->decode)
		vae_decode(s->v, s->x, lab, s->nb, s->y);
	else
		vae_encode(s->v, s->x, lab, s->nb, s->y);
	for (i = 0; i < s->nb; i++) {
		if (vwriter_write(s->w, s->keys[i], s->y + i * s->dout, s->dout))
			exit(1);
		free(s->keys[i]);
	}
	s->nb = 0;
}

/* the current record into the block; -1 after a message */
static int
add_record(Stream *s, VReader *r)
{
	long c = 0;
	size_t j;

	if (r->n != s->din)
		return vreader_error(r, "%zu values, the model takes %u", r->n, s->din);
	for (j = 0; j < s->din; j++)
		if (!isfinite(r->val[j]))
			return vreader_error(r, "value %zu is not finite (clean it with weight)", j + 1);
	if (s->v->c.k && (c = s->fixed >= 0 ? s->fixed : labels_class(&s->l, r->key)) < 0)
		return vreader_error(r, "song '%s' has no label in %s", r->key, s->l.t.name);
	s->keys[s->nb] = estrdup(r->key);
	s->lab[s->nb] = (int)c;
	memcpy(s->x + s->nb * s->din, r->val, s->din * sizeof *s->x);
	if (++s->nb == BLOCK)
		flush_block(s);
	return 0;
}

/* -c / -C against the model's labels; -1 after a message */
static int
stream_labels(const Opt *o, Stream *s, char **names)
{
	unsigned k = s->v->c.k;

	if (!k && (o->labels || o->label)) {
		weprintf("%s: the model is not conditioned on labels: -%c does not apply", o->model,
		    o->label ? 'C' : 'c');
		return -1;
	}
	if (k && !o->labels && !o->label) {
		weprintf("%s: the model is conditioned on %u labels: give them with -c or -C", o->model, k);
		return -1;
	}
	if (o->labels)
		return labels_load_classes(o->labels, names, k, &s->l);
	if (o->label && (s->fixed = labels_name_index(names, k, o->label)) < 0)
		weprintf("%s: label '%s' is not one of the model's %u labels", o->model, o->label, k);
	return o->label && s->fixed < 0 ? -1 : 0;
}

static void
header(Stream *s)
{
	char **cols = NULL, buf[32];
	unsigned i;

	if (!s->decode) {
		cols = ecalloc(s->dout, sizeof *cols);
		for (i = 0; i < s->dout; i++) {
			snprintf(buf, sizeof buf, "z%u", i + 1);
			cols[i] = estrdup(buf);
		}
	}
	if (vwriter_header(s->w, s->dout, 0, cols ? s->dout : 0, cols))
		exit(1);
	for (i = 0; cols && i < s->dout; i++)
		free(cols[i]);
	free(cols);
}

/* encode or decode: exit status */
static int
run(const Opt *o, int decode)
{
	Stream s = { .decode = decode, .fixed = -1 };
	VReader *r = NULL;
	char **names = NULL;
	int e = -1;

	if (!(s.v = vae_load(o->model, &names)))
		return 1;
	s.din = decode ? s.v->c.z : s.v->c.d;
	s.dout = decode ? s.v->c.d : s.v->c.z;
	if (stream_labels(o, &s, names) || !(r = new_vreader(o->in)))
		goto out;
	if (r->dimknown && r->dim != s.din) {
		weprintf("%s: dimension %u does not match the model's %s%u (%s)", r->name, r->dim,
		    decode ? "latent " : "", s.din, o->model);
		goto out;
	}
	s.x = ecalloc(BLOCK, s.din * sizeof *s.x);
	s.y = ecalloc(BLOCK, s.dout * sizeof *s.y);
	s.w = new_vwriter(stdout, "<stdout>", o->binary);
	header(&s);
	while ((e = vreader_next(r)) > 0)
		if (add_record(&s, r)) {
			e = -1;
			break;
		}
	if (!e && s.nb)
		flush_block(&s);
	if (del_vwriter(s.w))
		exit(1);
out:
	while (s.nb)
		free(s.keys[--s.nb]);
	free(s.x);
	free(s.y);
	del_vreader(r);
	del_label_classes(&s.l);
	free_names(names, s.v->c.k);
	del_vae(s.v);
	return e < 0;
}

int
main(int argc, char **argv)
{
	Opt o = { .in = "-", .c = { .z = 32, .nh = 2, .h = { 256, 128 }, .beta = 1 },
		.f = { .epochs = 50, .batch = 64, .lr = 1e-3, .seed = 1 } };

	blas_init(argc, argv); /* may re-exec: before reading anything */
	util_init(argc, argv);
	util_help(argc, argv, SYNOPSIS);
	blas_threads(0);
	parse_args(argc, argv, &o);
	check_args(&o);
	progress_quiet(o.quiet);
	if (!strcmp(o.cmd, "train"))
		return train(&o);
	return run(&o, !strcmp(o.cmd, "decode"));
}
