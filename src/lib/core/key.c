/* key.c — record keys, column names, song ids (see key.h). */
#include "core/key.h"
#include "core/util.h"
#include "core/vreader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the bytes no key or column name may hold: TSV separators and line ends;
 * name: 0 for a key, 1 for a column name (the messages differ) */
static const char *
separator_problem(const char *s, size_t len, int name)
{
	static const char *const why[2][4] = {
		{ "key contains a NUL byte", "key contains a tab", "key contains a newline",
		  "key contains a carriage return" },
		{ "contains a NUL byte", "contains a tab", "contains a newline",
		  "contains a carriage return" },
	};
	static const char bad[4] = { '\0', '\t', '\n', '\r' };
	int i;

	for (i = 0; i < 4; i++)
		if (memchr(s, bad[i], len))
			return why[name][i];
	return NULL;
}

const char *
key_problem(const char *key, size_t len)
{
	if (len == 0)
		return "empty key";
	if (len > VS_MAXKEY)
		return "key longer than 4096 bytes";
	if (key[0] == '#')
		return "key starts with '#' (a TSV comment)";
	return separator_problem(key, len, 0);
}

const char *
key_name_problem(const char *name, size_t len)
{
	if (len == 0)
		return "empty column name";
	if (len > VS_MAXKEY)
		return "column name longer than 4096 bytes";
	return separator_problem(name, len, 1);
}

const char *
key_song_problem(const char *key)
{
	size_t len = strlen(key);

	if (len + KEY_SUFFIX > VS_MAXKEY)
		return "song key longer than 4072 bytes";
	return key_problem(key, len);
}

int
key_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	unsigned c, need, min;

	while (s < e) {
		c = *s++;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, c &= 0x07;
		else
			return 0;
		if ((size_t)(e - s) < need)
			return 0;
		for (; need; need--, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (*s & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

const char *
key_id_problem(const char *id)
{
	const unsigned char *s;
	size_t len = strlen(id);
	const char *why;

	if (len == 0)
		return "empty song id";
	if (len > KEY_MAXID)
		return "song id longer than 200 bytes";
	if (*id == '.')
		return "song id starts with '.'";
	if (*id == '#')
		return "song id starts with '#' (a TSV comment)";
	for (s = (const unsigned char *)id; *s; s++) {
		if (*s == '/')
			return "song id contains '/'";
		if (*s < 0x20 || *s == 0x7f)
			return "song id contains a control character";
	}
	if (!key_utf8_valid(id, len))
		return "song id is not valid UTF-8";
	if ((why = key_problem(id, len)))
		return why;
	return NULL;
}

const char *
key_show(char *out, size_t outsz, const char *s, size_t len)
{
	size_t o = 0, i;
	unsigned char c;

	for (i = 0; i < len && o + 8 < outsz; i++) {
		c = (unsigned char)s[i];
		if (i == 40) {
			o += snprintf(out + o, outsz - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			o += snprintf(out + o, outsz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

size_t
key_song_len(const char *key)
{
	const char *h = strrchr(key, '#');

	return h ? (size_t)(h - key) : strlen(key);
}

int
key_same_song(const char *a, const char *b)
{
	size_t n = key_song_len(a);

	return key_song_len(b) == n && !strncmp(a, b, n);
}

char *
key_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	char *k, *dot;

	if (!strcmp(path, "-"))
		return estrdup("stdin");
	k = estrdup(b ? b + 1 : path);
	if ((dot = strrchr(k, '.')) && dot != k)
		*dot = '\0';
	return k;
}

/* open addressing, linear probing, at most half full */
struct KeySet {
	char **key;
	unsigned long *tag;
	size_t cap, n;
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

KeySet *
new_keyset(void)
{
	KeySet *s = ecalloc(1, sizeof *s);

	s->cap = 64;
	s->key = ecalloc(s->cap, sizeof *s->key);
	s->tag = ecalloc(s->cap, sizeof *s->tag);
	return s;
}

static size_t
slot(const KeySet *s, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (s->cap - 1);

	while (s->key[i] && strcmp(s->key[i], key))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void
grow(KeySet *s)
{
	KeySet old = *s;
	size_t i, j;

	s->cap *= 2;
	s->key = ecalloc(s->cap, sizeof *s->key);
	s->tag = ecalloc(s->cap, sizeof *s->tag);
	for (i = 0; i < old.cap; i++)
		if (old.key[i]) {
			j = slot(s, old.key[i]);
			s->key[j] = old.key[i];
			s->tag[j] = old.tag[i];
		}
	free(old.key);
	free(old.tag);
}

unsigned long
keyset_add(KeySet *s, const char *key, unsigned long tag)
{
	size_t i = slot(s, key);

	if (s->key[i])
		return s->tag[i];
	s->key[i] = estrdup(key);
	s->tag[i] = tag ? tag : 1;
	if (++s->n * 2 > s->cap)
		grow(s);
	return 0;
}

void
del_keyset(KeySet *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->key[i]);
	free(s->key);
	free(s->tag);
	free(s);
}
