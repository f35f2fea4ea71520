/* cache.h — extraction through a cache: run a feature or embedding command once
 * per file of a labels table, keep each file's output as a cache entry, and on
 * later runs reuse the entries whose key still matches, so only new or changed
 * files are computed again.
 *
 * The key of an entry is a text that names everything that changes the output:
 * the command's argument vector (with "{}" for the file, or the file appended),
 * the program file it runs (path, size, mtime), every argument that names an
 * existing file (size, mtime: weight files, models), the SONGVEC_* environment,
 * and the song: its relative path with its size and mtime, or (content hashing)
 * a 128-bit FNV-1a hash of its bytes.  An entry is DIR/xx/HASH.vec, HASH being
 * the hash of the key: a header holding the whole key (checked on every read, so
 * a hash collision is a miss), then the command's standard output.  Entries are
 * written to a temporary file in DIR/xx and renamed into place, so a crash or a
 * failed command never leaves a half entry behind. */
#ifndef SV_CACHE_H
#define SV_CACHE_H

#include "core/vwriter.h"
#include "data/labels.h"

typedef struct CacheOpt {
	const char *dir;     /* the cache folder (cache_default_dir()) */
	int hash_content;    /* key songs by content instead of size + mtime */
	int jobs;            /* commands run at once */
} CacheOpt;

typedef struct CacheStats {
	unsigned long hits, computed, failed;
} CacheStats;

/* $SONGVEC_CACHE, else $XDG_CACHE_HOME/songvec/extract, else
 * $HOME/.cache/songvec/extract (malloc'd). */
char *cache_default_dir(void);
/* For every row of l (files at root/KEY; root NULL: l->root, else the current
 * folder): reuse or compute its entry, then write its records to w in row order,
 * the song part of each record key (up to its last '#') replaced by the row's
 * key.  Failed commands are reported and their files left out.  0 when every
 * file was written, 1 when some failed (the others are written), -1 on an error
 * that stops everything (message printed: cache folder unusable, streams that
 * disagree, a write error). */
int cache_extract(const Labels *l, const char *root, char *const *cmd, int ncmd,
    const CacheOpt *o, VWriter *w, CacheStats *st);

#endif
