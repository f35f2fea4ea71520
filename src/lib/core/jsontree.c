/* jsontree.c — JSON documents as trees (see jsontree.h). */
#include "core/jsontree.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *p, *end, *start;
	char *err;
	size_t errlen;
	int failed;
} Parser;

/* record the first error with its line; returns -1 */
static int
fail(Parser *s, const char *what)
{
	const char *q;
	int line = 1;

	if (s->failed++)
		return -1;
	for (q = s->start; q < s->p && q < s->end; q++)
		line += *q == '\n';
	snprintf(s->err, s->errlen, "line %d: %s", line, what);
	return -1;
}

static void
skip_ws(Parser *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
hex4(Parser *s, unsigned *u)
{
	int i;

	*u = 0;
	for (i = 0; i < 4; i++, s->p++) {
		char c = s->p < s->end ? *s->p : 0;
		*u = *u * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99);
		if (*u > 0xffff || !c)
			return fail(s, "bad \\u escape");
	}
	return 0;
}

/* code point u as UTF-8 at o; returns the bytes written */
static size_t
utf8(char *o, unsigned u)
{
	if (u < 0x80)
		return o[0] = (char)u, 1;
	if (u < 0x800)
		return o[0] = (char)(0xc0 | u >> 6), o[1] = (char)(0x80 | (u & 63)), 2;
	if (u < 0x10000)
		return o[0] = (char)(0xe0 | u >> 12), o[1] = (char)(0x80 | (u >> 6 & 63)),
		    o[2] = (char)(0x80 | (u & 63)), 3;
	return o[0] = (char)(0xf0 | u >> 18), o[1] = (char)(0x80 | (u >> 12 & 63)),
	    o[2] = (char)(0x80 | (u >> 6 & 63)), o[3] = (char)(0x80 | (u & 63)), 4;
}

/* an escape after the backslash, decoded to o; returns the bytes written or -1 */
static int
escape(Parser *s, char *o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = s->p < s->end && *s->p ? strchr(from, *s->p) : NULL;
	unsigned u, lo;

	if (k) {
		s->p++;
		*o = to[k - from];
		return 1;
	}
	if (s->p >= s->end || *s->p++ != 'u')
		return fail(s, "bad escape in a string");
	if (hex4(s, &u))
		return -1;
	if (u >= 0xd800 && u < 0xdc00 && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u') {
		s->p += 2;
		if (hex4(s, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(s, "bad surrogate pair");
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	} else if (u >= 0xd800 && u < 0xe000) {
		return fail(s, "lone surrogate");
	}
	if (u == 0)
		return fail(s, "\\u0000 in a string");
	return (int)utf8(o, u);
}

/* a string at the opening quote -> malloc'd text, or NULL */
static char *
string(Parser *s)
{
	const char *q = ++s->p;
	char *o, *r;
	int k;

	while (q < s->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	if (q >= s->end) {
		fail(s, "unterminated string");
		return NULL;
	}
	r = o = emalloc((size_t)(q - s->p) + 1);
	while (*s->p != '"') {
		if ((unsigned char)*s->p < 0x20) {
			free(r);
			fail(s, "control character in a string");
			return NULL;
		}
		if (*s->p != '\\') {
			*o++ = *s->p++;
			continue;
		}
		s->p++;
		if ((k = escape(s, o)) < 0) {
			free(r);
			return NULL;
		}
		o += k;
	}
	s->p++;
	*o = 0;
	return r;
}

static int value(Parser *s, JsonVal *v, int depth);

/* the items of an array or object after its bracket, up to the closing one */
static int
items(Parser *s, JsonVal *v, int obj, int depth)
{
	size_t cap = 0;

	skip_ws(s);
	if (s->p < s->end && *s->p == (obj ? '}' : ']'))
		return s->p++, 0;
	for (;;) {
		if (v->n == cap) {
			cap = cap ? 2 * cap : 8;
			v->items = ereallocarray(v->items, cap, sizeof *v->items);
			if (obj)
				v->keys = ereallocarray(v->keys, cap, sizeof *v->keys);
		}
		memset(&v->items[v->n], 0, sizeof v->items[v->n]);
		if (obj) {
			skip_ws(s);
			v->keys[v->n] = NULL;
			if (s->p >= s->end || *s->p != '"')
				return v->n++, fail(s, "expected a member name");
			if (!(v->keys[v->n++] = string(s)))
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return fail(s, "expected ':'");
			if (value(s, &v->items[v->n - 1], depth + 1))
				return -1;
		} else if (value(s, &v->items[v->n++], depth + 1)) {
			return -1;
		}
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == (obj ? '}' : ']'))
			return s->p++, 0;
		return fail(s, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int
number(Parser *s, JsonVal *v)
{
	char buf[64], *e;
	size_t k = 0;

	while (s->p + k < s->end && k < sizeof buf - 1 && strchr("+-.0123456789eE", s->p[k]))
		k++;
	memcpy(buf, s->p, k);
	buf[k] = 0;
	errno = 0;
	v->num = strtod(buf, &e);
	if (k == 0 || *e || (buf[0] == '0' && buf[1] >= '0' && buf[1] <= '9') ||
	    buf[0] == '+' || buf[0] == '.')
		return fail(s, "bad number");
	v->type = JT_NUM;
	s->p += k;
	return 0;
}

static int
literal(Parser *s, const char *w)
{
	size_t k = strlen(w);

	if ((size_t)(s->end - s->p) < k || memcmp(s->p, w, k))
		return fail(s, "unexpected character");
	s->p += k;
	return 0;
}

static int
value(Parser *s, JsonVal *v, int depth)
{
	skip_ws(s);
	if (depth > JSON_TREE_DEPTH)
		return fail(s, "nested too deeply");
	if (s->p >= s->end)
		return fail(s, "unexpected end of text");
	switch (*s->p) {
	case '{': s->p++; v->type = JT_OBJ; return items(s, v, 1, depth);
	case '[': s->p++; v->type = JT_ARR; return items(s, v, 0, depth);
	case '"': v->type = JT_STR; return (v->str = string(s)) ? 0 : -1;
	case 't': v->type = JT_BOOL; v->b = 1; return literal(s, "true");
	case 'f': v->type = JT_BOOL; return literal(s, "false");
	case 'n': v->type = JT_NULL; return literal(s, "null");
	default: return number(s, v);
	}
}

JsonVal *
new_json_tree(const char *text, size_t len, char *err, size_t errlen)
{
	Parser s = {text, text + len, text, err, errlen, 0};
	JsonVal *v = ecalloc(1, sizeof *v);

	if (value(&s, v, 0) == 0) {
		skip_ws(&s);
		if (s.p == s.end)
			return v;
		fail(&s, "text after the value");
	}
	del_json_tree(v);
	return NULL;
}

const JsonVal *
json_tree_get(const JsonVal *v, const char *key)
{
	size_t i;

	if (!v || v->type != JT_OBJ)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->keys[i] && !strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}

static void
free_val(JsonVal *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free_val(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

void
del_json_tree(JsonVal *v)
{
	if (!v)
		return;
	free_val(v);
	free(v);
}
