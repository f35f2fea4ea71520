/* exdb.h — the explorer's read-only view of a songvec database: a connection that
 * cannot write (SQLITE_OPEN_READONLY and PRAGMA query_only), which tables exist,
 * and prepared statements with bound parameters only.
 *
 * Functions print "prog: DB: message" and return -1 (NULL) on a database error. */
#ifndef SV_EXDB_H
#define SV_EXDB_H
#include <sqlite3.h>
#include <stdio.h>

/* The optional tables the explorer reads (songs is required). */
typedef struct ExTables {
	int projections, clusters, labels, embeddings, neighbors, artists, columns;
} ExTables;

/* Open path read-only (never created).  quiet: no message on error (the server
 * answers the client instead).  NULL on error. */
sqlite3 *exdb_open(const char *path, int quiet);
/* Which tables exist; 0, or -1 when songs is missing (message printed unless quiet). */
int exdb_tables(sqlite3 *h, ExTables *t, int quiet);
/* A prepared statement or NULL (message printed unless quiet). */
sqlite3_stmt *exdb_prepare(sqlite3 *h, const char *sql, int quiet);
/* The text of column i, "" for NULL.  Cannot fail. */
const char *exdb_text(sqlite3_stmt *st, int i);
/* Write column i of the current row as JSON (string, number, null; a non-finite
 * real as null).  Cannot fail. */
void exdb_json(FILE *fp, sqlite3_stmt *st, int i);

#endif
