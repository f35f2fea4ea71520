/* tests/fuzz/playlist.c — libFuzzer harness for the song-list parser
 * (fetch/playlist.c): any bytes as a TSV, CSV or URL list.  Every entry handed
 * out must follow the rules of playlist.h: a valid song id (key_id_problem), UTF-8
 * fields, an http(s) URL unless any URL was allowed (the first input byte's low
 * bit).  Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/key.h"
#include "core/util.h"
#include "fetch/playlist.h"

static void
check(const Song *s, int anyurl)
{
	const char *f[] = { s->id, s->name, s->artist, s->artist_id, s->url };
	size_t i;

	if (key_id_problem(s->id))
		abort();
	for (i = 0; i < 5; i++)
		if (f[i] && !key_utf8_valid(f[i], strlen(f[i])))
			abort();
	if (s->url && !anyurl && strncasecmp(s->url, "http://", 7) &&
	    strncasecmp(s->url, "https://", 8))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in;
	Playlist *p;
	Song s;
	int e, anyurl = size && data[0] & 1;

	argv0 = "fuzz-playlist";
	if (!(in = fmemopen((void *)data, size, "rb")))
		return 0;
	p = new_playlist(in, "fuzz");
	if (anyurl)
		playlist_any_url(p);
	while ((e = playlist_next(p, &s)) != 0 && e != -2)
		if (e > 0)
			check(&s, anyurl);
	del_playlist(p);
	fclose(in);
	return 0;
}
