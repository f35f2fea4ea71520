/* lyrics.c — lyrics and captions normalised (see lyrics.h). */
#define _GNU_SOURCE /* memmem */
#include "text/lyrics.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct Buf {
	char *s;
	size_t len, cap;
} Buf;

struct Lyrics {
	Buf out;          /* the normalised text */
	Buf last;         /* the last line kept */
	Buf pending;      /* a line of digits: a cue number if a timing line follows */
	int mode, havepending, block, started;
	uint32_t *cp, *lc;
	size_t cpcap;
	Buf line;         /* the line being normalised */
};

static void
buf_put(Buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1) + 256;
		b->s = erealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void
buf_set(Buf *b, const char *s, size_t n)
{
	b->len = 0;
	buf_put(b, s, n);
}

Lyrics *
new_lyrics(int mode)
{
	Lyrics *l = ecalloc(1, sizeof *l);

	l->mode = mode;
	lyrics_reset(l);
	return l;
}

void
lyrics_reset(Lyrics *l)
{
	buf_set(&l->out, "", 0);
	buf_set(&l->last, "", 0);
	l->havepending = l->block = l->started = 0;
}

void
del_lyrics(Lyrics *l)
{
	if (!l)
		return;
	free(l->out.s);
	free(l->last.s);
	free(l->pending.s);
	free(l->line.s);
	free(l->cp);
	free(l->lc);
	free(l);
}

/* &amp; &lt; &gt; &quot; &apos; &nbsp; &#N; &#xH; at s[0..n): its code point and
 * length in *len, or 0 */
static uint32_t
entity(const uint32_t *s, size_t n, size_t *len)
{
	static const struct { const char *name; uint32_t c; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", 0xA0 }, { "lrm", 0x200E }, { "rlm", 0x200F },
	};
	char name[12];
	size_t i, k;
	unsigned long v;
	char *end;

	for (i = 1; i < n && i < sizeof name && s[i] != ';'; i++)
		name[i - 1] = s[i] < 0x80 ? (char)s[i] : '?';
	if (i >= n || s[i] != ';' || i == 1)
		return 0;
	name[i - 1] = 0;
	*len = i + 1;
	if (name[0] == '#') {
		v = name[1] == 'x' || name[1] == 'X' ? strtoul(name + 2, &end, 16) : strtoul(name + 1, &end, 10);
		return *end || !v || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0 : (uint32_t)v;
	}
	for (k = 0; k < sizeof named / sizeof *named; k++)
		if (!strcmp(name, named[k].name))
			return named[k].c;
	return 0;
}

/* the index of the first `close` after c[i], or i when there is none */
static size_t
closing(const uint32_t *c, size_t n, size_t i, uint32_t close)
{
	size_t j;

	for (j = i + 1; j < n; j++)
		if (c[j] == close)
			return j;
	return i;
}

/* drop <tags> (they sit between words or around them) and [annotations] (a space
 * instead), decode character references: c[0..n) in place; the new length */
static size_t
strip(uint32_t *c, size_t n)
{
	size_t i, j, k, len;
	uint32_t e;

	for (i = k = 0; i < n; i++) { /* tags first: &lt; is text, not a tag */
		if (c[i] == '<' && (j = closing(c, n, i, '>')) > i)
			i = j;
		else
			c[k++] = c[i];
	}
	for (n = k, i = k = 0; i < n; i++) {
		if (c[i] == '&' && (e = entity(c + i, n - i, &len)))
			c[k++] = e, i += len - 1;
		else
			c[k++] = c[i];
	}
	for (n = k, i = k = 0; i < n; i++) {
		if (c[i] == '[' && (j = closing(c, n, i, ']')) > i)
			c[k++] = ' ', i = j;
		else
			c[k++] = c[i];
	}
	return k;
}

static int
apostrophe(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x2BC || c == '`';
}

static int
blank(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || c < 0x20 || c == 0x7F;
}

/* words (or, for captions, the text) separated by single spaces, from c[0..n),
 * into l->line */
static void
words(Lyrics *l, const uint32_t *c, size_t n)
{
	size_t i;
	char u[4];
	int space = 0;

	l->line.len = 0;
	buf_put(&l->line, "", 0);
	for (i = 0; i < n; i++) {
		if (l->mode == LYRICS_WORDS && apostrophe(c[i]) && i > 0 && i + 1 < n &&
		    unicode_isword(c[i - 1]) && unicode_isword(c[i + 1]))
			continue;
		if (l->mode == LYRICS_WORDS ? !unicode_isword(c[i]) || c[i] == '_' : blank(c[i])) {
			space = 1;
			continue;
		}
		if (space && l->line.len)
			buf_put(&l->line, " ", 1);
		space = 0;
		buf_put(&l->line, u, utf8_encode(c[i], u));
	}
}

/* a line of text: normalised, kept unless empty or equal to the last kept line */
static void
text_line(Lyrics *l, const char *s, size_t n)
{
	size_t bad, m;
	long nc;

	if (n > l->cpcap) {
		l->cpcap = n;
		l->cp = ereallocarray(l->cp, n, sizeof *l->cp);
		l->lc = ereallocarray(l->lc, n, 2 * sizeof *l->lc);
	}
	if ((nc = utf8_decode(s, n, l->cp, &bad)) < 0)
		nc = 0; /* the caller checked: not reached */
	m = strip(l->cp, (size_t)nc);
	if (l->mode == LYRICS_WORDS)
		m = unicode_lower(l->cp, m, l->lc);
	else if (m)
		memcpy(l->lc, l->cp, m * sizeof *l->lc);
	words(l, l->lc, m);
	if (!l->line.len || (l->line.len == l->last.len && !memcmp(l->line.s, l->last.s, l->line.len)))
		return;
	if (l->out.len)
		buf_put(&l->out, "\n", 1);
	buf_put(&l->out, l->line.s, l->line.len);
	buf_set(&l->last, l->line.s, l->line.len);
}

static int
starts(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);

	return n >= k && !memcmp(s, word, k) && (n == k || s[k] == ' ' || s[k] == '\t');
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	return n && i == n;
}

void
lyrics_line(Lyrics *l, const char *s, size_t n)
{
	if (!l->started && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3, n -= 3;
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!l->started++ && starts(s, n, "WEBVTT"))
		l->block = 1;
	if (l->block) { /* the header, NOTE, STYLE and REGION blocks end at a blank line */
		l->block = n > 0;
		return;
	}
	if (starts(s, n, "NOTE") || starts(s, n, "STYLE") || starts(s, n, "REGION")) {
		l->block = 1;
		return;
	}
	if (n >= 3 && memmem(s, n, "-->", 3)) { /* a timing line, after its cue number */
		l->havepending = 0;
		return;
	}
	if (l->havepending)
		text_line(l, l->pending.s, l->pending.len);
	l->havepending = 0;
	if (digits(s, n)) {
		buf_set(&l->pending, s, n);
		l->havepending = 1;
		return;
	}
	text_line(l, s, n);
}

const char *
lyrics_text(Lyrics *l, size_t *len)
{
	if (l->havepending)
		text_line(l, l->pending.s, l->pending.len);
	l->havepending = 0;
	*len = l->out.len;
	return l->out.s;
}
