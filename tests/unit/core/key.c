/* unit test for src/lib/core/key.c: the song part of a record key (up to its last
 * '#'), same-song comparisons, the song key of a file path.  "not ok N what" per
 * failure; exit 1 on any. */
#include <stdlib.h>
#include <string.h>

#include "core/key.h"
#include "core/util.h"
#include "../unit.h"

static void
song_len(void)
{
	static const struct { const char *key; size_t len; } K[] = {
		{ "song#0", 4 }, { "song#12", 4 }, { "song#0.3", 4 }, { "song", 4 },
		{ "a#b#2", 3 },  /* the last '#' */
		{ "#0", 0 }, { "", 0 }, { "x#", 1 }, { "hash#tag title#7", 14 },
	};
	size_t i;

	for (i = 0; i < sizeof K / sizeof *K; i++)
		check(key_song_len(K[i].key) == K[i].len, "key_song_len('%s') = %zu, expected %zu",
		    K[i].key, key_song_len(K[i].key), K[i].len);
}

static void
same_song(void)
{
	check(key_same_song("a#1", "a#2"), "a#1 and a#2: one song");
	check(key_same_song("a", "a#0"), "a and a#0: one song");
	check(key_same_song("a#b#1", "a#b#9"), "a#b#1 and a#b#9: one song");
	check(!key_same_song("a#1", "ab#1"), "a#1 and ab#1: two songs");
	check(!key_same_song("ab", "a#0"), "ab and a#0: two songs");
	check(!key_same_song("a#b#1", "a#1"), "a#b#1 and a#1: two songs");
}

static void
from_path(void)
{
	static const struct { const char *path, *key; } P[] = {
		{ "dir/x.wav", "x" }, { "x.tar.gz", "x.tar" }, { "/abs/p.q.r", "p.q" },
		{ "noext", "noext" }, { ".hidden", ".hidden" }, { "d/.hidden", ".hidden" },
		{ "-", "stdin" }, { "a/b/", "" }, { "my song.ogg", "my song" },
	};
	size_t i;
	char *k;

	for (i = 0; i < sizeof P / sizeof *P; i++) {
		k = key_from_path(P[i].path);
		check(!strcmp(k, P[i].key), "key_from_path('%s') = '%s', expected '%s'", P[i].path, k,
		    P[i].key);
		free(k);
	}
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	song_len();
	same_song();
	from_path();
	return unit_done();
}
