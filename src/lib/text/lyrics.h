/* lyrics.h — lyrics and captions normalised to plain lines of words, the text
 * stored in the lyrics table and fed to tfidf(1).  Line by line:
 *
 *   - caption structure goes: a WEBVTT header, NOTE / STYLE / REGION blocks (up to
 *     the next blank line), timing lines (with "-->"), SRT cue numbers (a line of
 *     digits before a timing line), inline tags such as <00:00:01.500>, <c> or <i>;
 *     HTML character references (&amp; &#39; ...) are decoded;
 *   - annotations in square brackets ([Music], [Chorus]) are removed;
 *   - the text is lowercased as Python's str.lower() (unicode.h);
 *   - apostrophes inside words go (don't -> dont); every other character that is not
 *     a word character of re's \w (letters, digits) becomes a space — punctuation,
 *     symbols such as the music note, '_', control characters; runs of spaces become
 *     one, and none starts or ends a line;
 *   - empty lines go, and a line equal to the line kept before it (rolling
 *     captions repeat every line) — a chorus repeated after other lines stays.
 *
 * The input must be UTF-8 (check it with textline_problem); a BOM is dropped.
 * LYRICS_CAPTIONS does the first step and drops empty and repeated lines only, for
 * plain text that still reads as written (ytfetch's captions).
 *
 *	Lyrics *l = new_lyrics(LYRICS_WORDS);
 *	for each line: lyrics_line(l, s, n);
 *	text = lyrics_text(l, &len);          // lines joined by '\n', NUL-terminated
 *	lyrics_reset(l);                      // the next song */
#ifndef SV_LYRICS_H
#define SV_LYRICS_H
#include <stddef.h>

typedef struct Lyrics Lyrics;

enum { LYRICS_WORDS, LYRICS_CAPTIONS };

/* These exit only when memory runs out. */
Lyrics *new_lyrics(int mode);
/* One line of input (s: UTF-8, no newline). */
void lyrics_line(Lyrics *l, const char *s, size_t n);
/* The normalised text so far (a pending cue number included); "" when empty. */
const char *lyrics_text(Lyrics *l, size_t *len);
void lyrics_reset(Lyrics *l);
/* NULL is a no-op. */
void del_lyrics(Lyrics *l);

#endif
