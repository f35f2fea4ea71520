/* musicnn_model.c — MusiCNN model folders (see musicnn_model.h). */
#include "nn/musicnn_model.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *
musicnn_models_dir(const char *opt, const char **how)
{
	const char *e;

	if (opt) {
		*how = "-M";
		return opt;
	}
	e = getenv("SONGVEC_MUSICNN_MODELS");
	if (e && *e) {
		*how = "SONGVEC_MUSICNN_MODELS";
		return e;
	}
	*how = "default";
	return SV_DATADIR "/musicnn";
}

MusicnnNet *
musicnn_load(const char *dir, const char *name, unsigned nout, int nthreads, TfjsModel **m)
{
	char *path = emalloc(strlen(dir) + strlen(name) + sizeof "/model.json" + 1);
	MusicnnNet *n;
	struct stat st;

	sprintf(path, "%s/%s/model.json", dir, name);
	if (stat(path, &st)) {
		weprintf("%s: %s", path, strerror(errno));
		weprintf("the MusiCNN models are not part of songvec: get %s and the "
		    "*-musicnn-msd-2 classifiers in TensorFlow.js format (model.json and its "
		    "shard) from https://essentia.upf.edu/models/ or the essentia.js examples, "
		    "into %s, or give their folder with -M or SONGVEC_MUSICNN_MODELS", MUSICNN_TAGGER, dir);
		weprintf("their licence (CC BY-NC-ND 4.0) allows non-commercial use only: "
		    "see musicnn(1)");
		free(path);
		*m = NULL;
		return NULL;
	}
	path[strlen(path) - sizeof "/model.json" + 1] = 0;
	*m = new_tfjs_model(path);
	free(path);
	if (!*m)
		return NULL;
	if (!(n = new_musicnn_net(*m, nthreads))) {
		del_tfjs_model(*m);
		*m = NULL;
		return NULL;
	}
	if (musicnn_net_nout(n) != nout) {
		weprintf("%s: a MusiCNN network of %u outputs where %s needs %u: is it the "
		    "right model?", tfjs_path(*m), musicnn_net_nout(n), name, nout);
		del_musicnn_net(n);
		del_tfjs_model(*m);
		*m = NULL;
		return NULL;
	}
	return n;
}
