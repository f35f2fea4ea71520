/* neighbors.h — dbload(1)'s neighbors and artist-neighbors: the tables knn(1) writes
 * (#knn metric=M header, then query<TAB>rank<TAB>neighbor<TAB>score lines, a query's
 * lines together) into song_neighbors or artist_neighbors (DESIGN §8).  A query's
 * earlier rows for the same metric are replaced, so a smaller k leaves no stale
 * ranks.  Query and neighbour must be in songs (artists_vector for artists).  Each
 * returns 0, or 1 after saying what went wrong and what stays committed, as the
 * other loaders (load.h). */
#ifndef SV_NEIGHBORS_H
#define SV_NEIGHBORS_H

#include "store/db.h"
#include "store/load.h"

int load_neighbors(Db *db, const char *path, LoadOpt *o);
int load_artist_neighbors(Db *db, const char *path, LoadOpt *o);

#endif
