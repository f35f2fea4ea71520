/* embeddings.h — the embeddings table (DESIGN §8): per song, model and dataset, the
 * rows of a model's output stream as float32 BLOBs with their shapes.
 *
 * A stream (musicnn(1), vggish(1), ...) is split by its column names: columns named
 * embedding0, embedding1, ... form embedding_data, the columns danceability and
 * mood_* (musicnn's classifiers) form mood_data, every other column taggram_data (the tags); a
 * stream without column names is all embedding.  Consecutive rows of one song (keys
 * that agree up to the last '#') are one table row: each part a matrix of k rows,
 * row-major little-endian float32, its shape "n" for one row and "k,n" for several.
 * The stream's column names are kept in embedding_columns (model, dataset, idx,
 * name), so the export writes the same header back.  The schema is db.c's
 * SCHEMA_EMBEDDINGS. */
#ifndef SV_EMBEDDINGS_H
#define SV_EMBEDDINGS_H
#include "store/load.h"

/* A stream into embeddings (o->model, o->dataset), replacing the rows of the same
 * songs.  0, or 1 after a message (what stays committed is said). */
int load_embeddings(Db *db, const char *path, LoadOpt *o);
/* The rows of model and dataset back as a stream, songs in load order: one row per
 * stored row, keyed like the song when it has one, "<song>.<i>" (from 0) when it has
 * several.  0, or -1 after a message. */
int db_export_embeddings(Db *db, const char *model, const char *dataset, VWriter *w);

#endif
