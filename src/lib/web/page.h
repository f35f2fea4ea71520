/* page.h — the explorer's self-contained HTML page: the embedded template with its
 * style sheet and script inline and the database's document (exdata.h) as a JSON
 * script element (every '<' written \u003c, so no text from the database can end
 * the element; the script puts text into the page only as text nodes). */
#ifndef SV_PAGE_H
#define SV_PAGE_H
#include <sqlite3.h>
#include <stdio.h>

#include "web/exdata.h"

/* Write the page for the database h to fp, titled title, streaming the rows
 * (nothing of the document is held in memory: give a temporary file when a
 * half-written page must not reach the reader).  0, or -1 after a message
 * (unless o->quiet); fp's write errors are the caller's to check. */
int page_write(FILE *fp, sqlite3 *h, const ExOpt *o, const char *title);

#endif
