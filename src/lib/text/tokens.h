/* tokens.h — scikit-learn's word analyzer (CountVectorizer with lowercase=True and
 * token_pattern r"(?u)\b\w\w+\b"): the text is lowercased as Python's str.lower()
 * and split into the maximal runs of two or more word characters (re's \w, Unicode
 * 14.0.0).  Tokens lie in one buffer separated by single spaces, so the word n-gram
 * of tokens i..i+k-1 — sklearn joins them with " " — is one contiguous string.
 *
 *	Tokens *t = new_tokens();
 *	if (tokens_do(t, text, len, &bad) < 0) ... not UTF-8 at byte bad
 *	for (i = 0; i + k <= t->n; i++) gram = tokens_gram(t, i, k, &glen);
 *	del_tokens(t); */
#ifndef SV_TOKENS_H
#define SV_TOKENS_H
#include <stddef.h>
#include <stdint.h>

typedef struct Tokens {
	size_t n;          /* tokens of the last text */
	char *buf;         /* "tok0 tok1 ... " (UTF-8) */
	size_t *off, *len; /* token i at buf + off[i], len[i] bytes */
	/* private */
	size_t bufcap, tokcap, cpcap;
	uint32_t *cp, *lc;
} Tokens;

/* Exits only when memory runs out. */
Tokens *new_tokens(void);
/* Tokenise s[0..n).  Returns the number of tokens, or -1 when s is not UTF-8 (*bad:
 * offset of the bad byte).  Exits only when memory runs out. */
long tokens_do(Tokens *t, const char *s, size_t n, size_t *bad);
/* The k-gram starting at token i (i + k <= t->n); *len its bytes.  Can't fail. */
const char *tokens_gram(const Tokens *t, size_t i, size_t k, size_t *len);
/* NULL is a no-op. */
void del_tokens(Tokens *t);

#endif
