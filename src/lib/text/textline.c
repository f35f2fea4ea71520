/* textline.c — key<TAB>text lines (see textline.h). */
#include "text/textline.h"
#include "text/utf8.h"
#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

TextLine *
new_textline(const char *path)
{
	TextLine *r;
	FILE *fp = util_open_in(path, "text lines");

	if (!fp) {
		weprintf("%s:", path);
		return NULL;
	}
	r = ecalloc(1, sizeof *r);
	r->fp = fp;
	r->name = estrdup(strcmp(path, "-") ? path : "<stdin>");
	return r;
}

void
del_textline(TextLine *r)
{
	if (!r)
		return;
	if (r->fp != stdin)
		fclose(r->fp);
	free(r->name);
	free(r->line);
	free(r->text);
	free(r);
}

int
textline_error(const TextLine *r, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s:%lu: ", argv0, r->name, r->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* This function can't fail. */
const char *
textline_problem(const char *s, size_t n)
{
	static char msg[96];
	const char *z = memchr(s, 0, n);
	size_t bad;

	if (z) {
		snprintf(msg, sizeof msg, "NUL byte at offset %zu: binary data, not text",
		    (size_t)(z - s));
		return msg;
	}
	if (utf8_decode(s, n, NULL, &bad) < 0) {
		snprintf(msg, sizeof msg, "byte 0x%02x at offset %zu is not UTF-8: binary data, "
		    "not text", (unsigned char)s[bad], bad);
		return msg;
	}
	return "";
}

/* the text field unescaped into r->text */
static void
unescape(TextLine *r, const char *s, size_t n)
{
	size_t i, k = 0;

	if (n + 1 > r->textcap) {
		r->textcap = n + 1;
		r->text = erealloc(r->text, r->textcap);
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && strchr("ntr\\", s[i + 1])) {
			i++;
			r->text[k++] = s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i] == 'r' ? '\r' : '\\';
		} else {
			r->text[k++] = s[i];
		}
	}
	r->text[k] = 0;
	r->len = k;
}

int
textline_next(TextLine *r)
{
	ssize_t n;
	char *tab;
	const char *why;

	for (;;) {
		errno = 0;
		if ((n = getline(&r->line, &r->cap, r->fp)) < 0) {
			if (ferror(r->fp)) {
				weprintf("%s: read error:", r->name);
				return -1;
			}
			return 0;
		}
		r->lineno++;
		if (n && r->line[n - 1] == '\n')
			r->line[--n] = 0;
		if (n && r->line[n - 1] == '\r')
			r->line[--n] = 0;
		if (*(why = textline_problem(r->line, (size_t)n)))
			return textline_error(r, "%s", why);
		if (n && r->line[0] != '#')
			break;
	}
	r->recno++;
	r->key = r->line;
	if ((tab = strchr(r->line, '\t'))) {
		*tab = 0;
		unescape(r, tab + 1, (size_t)(r->line + n - tab - 1));
	} else {
		unescape(r, "", 0);
	}
	r->hastext = r->len > 0;
	if (!*r->key)
		return textline_error(r, "empty key before the tab");
	return 1;
}

/* Errors are left to fshut(). */
void
textline_put(FILE *fp, const char *key, const char *text, size_t len)
{
	size_t i;

	fputs(key, fp);
	if (text && len) {
		putc('\t', fp);
		for (i = 0; i < len; i++) {
			switch (text[i]) {
			case '\n': fputs("\\n", fp); break;
			case '\t': fputs("\\t", fp); break;
			case '\r': fputs("\\r", fp); break;
			case '\\': fputs("\\\\", fp); break;
			default: putc(text[i], fp);
			}
		}
	}
	putc('\n', fp);
}
