/* dbint.h — what the store modules (songs, clusters, neighbours, projections, ...)
 * share inside the library: the SQLite handle and checked calls on it.  Tools use
 * db.h and the modules' own headers, never this one.
 *
 * Every function prints "prog: DB: what: sqlite's message" on a database error and
 * returns -1 (NULL for db_prepare). */
#ifndef SV_DBINT_H
#define SV_DBINT_H
#include <sqlite3.h>

#include "store/db.h"

sqlite3 *db_sqlite(Db *db);
const char *db_path(const Db *db);
/* Run SQL without results. */
int db_exec(Db *db, const char *sql);
/* A persistent prepared statement (finalize it yourself). */
sqlite3_stmt *db_prepare(Db *db, const char *sql);
/* Step a statement to its end, reset it and clear its bindings. */
int db_step_done(Db *db, sqlite3_stmt *st, const char *what);
/* Print the connection's last error about `what`; returns -1. */
int db_fail(Db *db, const char *what);
/* 1 when songs has a row for id, 0 when not, -1 on error. */
int db_has_song(Db *db, const char *id);
/* The same for a prepared "SELECT 1 ... WHERE key=?1" (errors name `what`). */
int db_has_row(Db *db, sqlite3_stmt *st, const char *id, const char *what);

#endif
