/* db.h — the songvec SQLite database (DESIGN §6; Turso/libSQL-compatible).
 *
 * Tables songs_from_playlists, songs, artists_vector, song_clusters as in DESIGN §6,
 * plus: songs.feature_blob (the vector as little-endian float32, exact and compact;
 * feature_vector holds the same values as a JSON array, null for NaN), the index
 * songs_artist_id, and songvec_columns (the stream's column names).
 *
 * Connections use WAL, synchronous=NORMAL and a busy timeout, and write in
 * BEGIN IMMEDIATE transactions, so many processes can load into one file.
 * Every function prints "prog: DB: message" and returns -1 on a database error. */
#ifndef SV_DB_H
#define SV_DB_H
#include <stddef.h>
#include <stdio.h>

#include "fetch/playlist.h"
#include "core/vreader.h"
#include "core/vwriter.h"

#define DB_ARTIST_MIN 5 /* songs an artist needs for an artists_vector row */

typedef struct Db Db;

/* Open (creating file and schema when absent). timeout_ms: how long to wait for
 * other writers. NULL (message printed) on error. */
Db *new_db(const char *path, int timeout_ms);
void del_db(Db *db);

int db_begin(Db *db);     /* BEGIN IMMEDIATE (waits for other writers) */
int db_commit(Db *db);    /* recomputes touched artist profiles, then COMMIT */
void db_rollback(Db *db);

/* Upsert a playlist entry; also refreshes the metadata of an already loaded song. */
int db_put_playlist(Db *db, const Song *s);
/* Upsert a song vector; metadata joined from songs_from_playlists.  json/jlen: the
 * values as json_floats() writes them, or NULL to have them formatted here.
 * 0 ok, 1 dimension differs from the vectors already stored (*dim_out set), -1 error. */
int db_put_song(Db *db, const char *id, const float *v, size_t n, const char *json,
    size_t jlen, size_t *dim_out);
/* Store the stream's column names (replacing earlier ones). */
int db_put_columns(Db *db, unsigned n, char *const *names);

/* One clustering result.  algorithm: kmeans, gmm, hierarchical, dbscan.
 * v/n: the record's values after the key (see dbload(1) for the layout per
 * algorithm).  0 ok, 1 song not in songs, 2 bad values (*why set), -1 error. */
int db_put_cluster(Db *db, const char *id, const char *algorithm, const float *v, size_t n,
    const char **why);

/* Songs of the playlists not yet in songs: id, name, artist, artist_id as TSV. */
int db_todo(Db *db, FILE *out, const char *outname);
/* Vectors as a stream: songs (artists = 0) or artist profiles (artists = 1). */
int db_export(Db *db, int artists, VWriter *w);

/* One exported row: the id (song or artist), the song's metadata (NULL when
 * unknown, always for artists) and the vector. */
typedef struct DbRow {
	const char *id, *artist_id, *song_name, *artist_name;
	const float *v;
	size_t n;
} DbRow;
/* Where db_export_rows puts them: header once before the first row (the
 * dimension and the stored column names, ncols 0 when there are none; never
 * called for an empty table), then row per row in id order; each returns 0, or
 * -1 after its own message, which ends the export. */
typedef struct DbSink {
	int (*header)(void *ctx, size_t dim, unsigned ncols, char *const *cols);
	int (*row)(void *ctx, const DbRow *r);
	void *ctx;
} DbSink;
/* db_export's rows, in one read transaction, to any sink (store/export.h). */
int db_export_rows(Db *db, int artists, const DbSink *s);

#endif
