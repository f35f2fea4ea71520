/* unit test for src/lib/core/key.c: the song part of a record key (up to its last
 * '#'), same-song comparisons, the song key of a file path, the alphabet of keys,
 * names and song ids, UTF-8 validation at its edges, KeySet through many growths.
 * "not ok N what" per failure; exit 1 on any. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/key.h"
#include "core/util.h"
#include "core/vreader.h"
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

#define U(s) key_utf8_valid(s, sizeof s - 1)

static void
alphabet(void)
{
	static char big[VS_MAXKEY + 2];

	check(!key_problem("a#0", 3), "segment key");
	check(key_problem("#a", 2) != NULL, "'#'-initial key");
	check(key_problem("", 0) != NULL, "empty key");
	check(key_problem("a\tb", 3) && key_problem("a\nb", 3) && key_problem("a\rb", 3) &&
	    key_problem("a\0b", 3), "separators in keys");
	memset(big, 'x', VS_MAXKEY + 1);
	check(!key_problem(big, VS_MAXKEY) && key_problem(big, VS_MAXKEY + 1), "key length limit");
	check(key_song_problem(big + 20) && !key_song_problem(big + 30), "song key leaves room for #n.m");
	check(!key_name_problem("#x", 2) && key_name_problem("", 0), "names may start with '#'");
	check(!key_id_problem("Café ; $(x) `y` -z"), "shell syntax in an id is data");
	check(key_id_problem("a/b") && key_id_problem(".x") && key_id_problem("#x") &&
	    key_id_problem("a\x7f") && key_id_problem("caf\xe9"), "invalid ids");
	memset(big, 'x', VS_MAXKEY + 1);
	big[KEY_MAXID] = 0;
	check(!key_id_problem(big), "200-byte id");
	big[KEY_MAXID] = 'x', big[KEY_MAXID + 1] = 0;
	check(key_id_problem(big) != NULL, "201-byte id");
}

static void
utf8(void)
{
	check(U("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xb5"), "1- to 4-byte sequences");
	check(!U("\xc0\xaf") && !U("\xe0\x80\xaf") && !U("\xf0\x80\x80\xaf"), "overlong forms");
	check(!U("\xed\xa0\x80"), "surrogate");
	check(U("\xf4\x8f\xbf\xbf") && !U("\xf4\x90\x80\x80"), "U+10FFFF is the last");
	check(!U("\xc3") && !U("\xe2\x82") && !U("\x80") && !U("\xff"), "cut or stray bytes");
}

static void
keyset(void)
{
	KeySet *s = new_keyset();
	char k[32];
	unsigned long i, ok = 1;

	for (i = 1; i <= 100000; i++) {
		snprintf(k, sizeof k, "song%lu", i);
		ok &= keyset_add(s, k, i) == 0;
	}
	check(ok, "100000 new keys");
	for (i = 1; i <= 100000; i += 997) {
		snprintf(k, sizeof k, "song%lu", i);
		ok &= keyset_add(s, k, 7) == i;
	}
	check(ok, "repeats give the first tag");
	check(keyset_add(s, "", 0) == 0 && keyset_add(s, "", 5) == 1, "tag 0 is stored as 1");
	del_keyset(s);
	del_keyset(NULL);
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	song_len();
	same_song();
	from_path();
	alphabet();
	utf8();
	keyset();
	return unit_done();
}
