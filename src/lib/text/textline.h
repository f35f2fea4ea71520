/* textline.h — text per song, one line each: the input of tfidf(1), the output of
 * `dbload text`.
 *
 *	key<TAB>text        text with its newlines, tabs, CRs and backslashes written
 *	                    as \n, \t, \r and \\ (any other backslash stays as it is)
 *	key                 (or key<TAB> with nothing after it) a song without text
 *
 * Blank lines and lines starting with '#' are skipped; a CR before the newline is
 * dropped.  Keys and text must be UTF-8 without NUL bytes: anything else is an error
 * naming the file, the line and the byte ("binary data, not text").
 *
 *	TextLine *r = new_textline(path);        // "-" = stdin; NULL after a message
 *	while ((e = textline_next(r)) > 0)
 *		... r->key, r->text[0 .. r->len), r->hastext ...
 *	del_textline(r); */
#ifndef SV_TEXTLINE_H
#define SV_TEXTLINE_H
#include <stddef.h>
#include <stdio.h>

typedef struct TextLine {
	char *name;            /* for diagnostics ("<stdin>" for -) */
	unsigned long lineno;  /* line of the current record */
	unsigned long recno;   /* records read, from 1 */
	char *key;
	char *text;            /* unescaped, NUL-terminated */
	size_t len;
	int hastext;           /* 0: the song has no text */
	/* private */
	FILE *fp;
	char *line;
	size_t cap, textcap;
} TextLine;

TextLine *new_textline(const char *path);
/* 1: a record; 0: end of input; -1: error (message printed). */
int textline_next(TextLine *r);
/* Print "prog: NAME:LINE: msg" and return -1. */
int textline_error(const TextLine *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NULL is a no-op. */
void del_textline(TextLine *r);
/* Write one record (text NULL: a song without text); errors are left to fshut(). */
void textline_put(FILE *fp, const char *key, const char *text, size_t len);
/* "" when s[0..n) is UTF-8 without NUL, else a description of the first bad byte
 * ("byte 0xff at offset 12 is not UTF-8", "NUL byte at offset 3"), in a static
 * buffer.  Used for every text the project reads. */
const char *textline_problem(const char *s, size_t n);

#endif
