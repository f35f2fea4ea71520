/* labels.h (store) — dbload(1)'s labels loader: a labels table (data/labels.h:
 * dataset(1)'s index and split, classify(1)'s predictions, or one written by
 * hand) into song_labels (DESIGN §8), one row per song and label set:
 *
 *	song_labels(song_id, label_set, label, split, predicted, probability)
 *
 * The label set is the table's; label, split, predicted and probability come
 * from its columns of those names (the label from the set's column).  A field
 * that is empty or absent leaves what is stored untouched, so an index and, later,
 * predictions fill one row together.  With -p the song id is the file name of
 * the key without folder and extension (as dbload -p songs). */
#ifndef SV_STORE_LABELS_H
#define SV_STORE_LABELS_H

#include "store/db.h"
#include "store/load.h"

/* 0, or 1 after saying what went wrong and what stays committed. */
int load_labels(Db *db, const char *path, LoadOpt *o);

#endif
