/* musicnn_model.h — finding and loading Essentia's MusiCNN models.
 *
 * The models are not part of songvec (Universitat Pompeu Fabra, CC BY-NC-ND 4.0:
 * non-commercial use, no redistribution of changed copies): users download them in
 * TensorFlow.js format and point musicnn at the folder holding them, one sub-folder
 * per model (msd-musicnn-1/model.json + group1-shard1of1.bin, ...). */
#ifndef SV_MUSICNN_MODEL_H
#define SV_MUSICNN_MODEL_H
#include "nn/musicnn_net.h"
#include "nn/tfjs.h"

#define MUSICNN_TAGGER "msd-musicnn-1"

/* The models folder: opt (-M) if not NULL, else $SONGVEC_MUSICNN_MODELS, else
 * SV_DATADIR "/musicnn".  *how is set to "-M", "SONGVEC_MUSICNN_MODELS" or "default". */
const char *musicnn_models_dir(const char *opt, const char **how);
/* DIR/name read and checked as a MusiCNN network of nout outputs (50 or 2), with
 * nthreads threads; *m is the model it holds (free with del_tfjs_model after
 * del_musicnn_net).  NULL after a message; a missing model.json also says where to
 * get the models and what their licence allows. */
MusicnnNet *musicnn_load(const char *dir, const char *name, unsigned nout, int nthreads,
    TfjsModel **m);

#endif
