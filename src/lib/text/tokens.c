/* tokens.c — sklearn's lowercase + token_pattern analyzer (see tokens.h). */
#include "text/tokens.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "core/util.h"

#include <stdlib.h>

/* Exits only when memory runs out. */
Tokens *
new_tokens(void)
{
	return ecalloc(1, sizeof(Tokens));
}

static void
push_token(Tokens *t, const uint32_t *c, size_t n)
{
	size_t i, need = 4 * n + 1, start;

	if (t->n == t->tokcap) {
		t->tokcap = t->tokcap ? 2 * t->tokcap : 256;
		t->off = ereallocarray(t->off, t->tokcap, sizeof *t->off);
		t->len = ereallocarray(t->len, t->tokcap, sizeof *t->len);
	}
	start = t->n ? t->off[t->n - 1] + t->len[t->n - 1] + 1 : 0;
	if (start + need > t->bufcap) {
		t->bufcap = 2 * (start + need) + 1024;
		t->buf = erealloc(t->buf, t->bufcap);
	}
	t->off[t->n] = start;
	for (i = 0; i < n; i++)
		start += utf8_encode(c[i], t->buf + start);
	t->buf[start] = ' ';
	t->len[t->n] = start - t->off[t->n];
	t->n++;
}

long
tokens_do(Tokens *t, const char *s, size_t n, size_t *bad)
{
	long nc;
	size_t m, i, j;

	t->n = 0;
	if (n > t->cpcap) {
		t->cpcap = n;
		t->cp = ereallocarray(t->cp, n, sizeof *t->cp);
		t->lc = ereallocarray(t->lc, n, 2 * sizeof *t->lc);
	}
	if ((nc = utf8_decode(s, n, t->cp, bad)) < 0)
		return -1;
	m = unicode_lower(t->cp, (size_t)nc, t->lc);
	for (i = 0; i < m; i = j) {
		if (!unicode_isword(t->lc[i])) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < m && unicode_isword(t->lc[j]); j++)
			;
		if (j - i >= 2)
			push_token(t, t->lc + i, j - i);
	}
	return (long)t->n;
}

/* This function can't fail. */
const char *
tokens_gram(const Tokens *t, size_t i, size_t k, size_t *len)
{
	*len = t->off[i + k - 1] + t->len[i + k - 1] - t->off[i];
	return t->buf + t->off[i];
}

void
del_tokens(Tokens *t)
{
	if (!t)
		return;
	free(t->buf);
	free(t->off);
	free(t->len);
	free(t->cp);
	free(t->lc);
	free(t);
}
