/* page.c — the explorer's HTML page (see page.h). */
#define _GNU_SOURCE /* fopencookie */
#include "web/page.h"
#include "web/assets.h"
#include "core/json.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the write function of a stream that copies to the FILE *cookie with every '<'
 * as \u003c (the document has '<' inside JSON strings only); n, or -1 */
static ssize_t
script_safe_write(void *cookie, const char *s, size_t n)
{
	FILE *fp = cookie;
	size_t left = n;
	const char *lt;

	while (left && (lt = memchr(s, '<', left))) {
		fwrite(s, 1, (size_t)(lt - s), fp);
		fputs("\\u003c", fp);
		left -= (size_t)(lt - s) + 1;
		s = lt + 1;
	}
	fwrite(s, 1, left, fp);
	return ferror(fp) ? -1 : (ssize_t)n;
}

/* the database's file name without its folder, for the page's hints */
static const char *
db_name(sqlite3 *h)
{
	const char *p = sqlite3_db_filename(h, "main"), *s;

	if (!p || !*p)
		return "songvec.db";
	s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* the document of h as {"title": ..., "db": ..., "api": ..., "data": ...},
 * streamed to fp through script_safe_write; 0 or -1 */
static int
document(FILE *fp, sqlite3 *h, const ExOpt *o, const char *title)
{
	static const cookie_io_functions_t SAFE = { .write = script_safe_write };
	FILE *sf = fopencookie(fp, "w", SAFE);
	int rc;

	if (!sf)
		eprintf("fopencookie:");
	fputs("{\"title\":", sf);
	json_string(sf, title);
	fputs(",\"db\":", sf);
	json_string(sf, db_name(h));
	fprintf(sf, ",\"api\":%s,\"data\":", o->api ? "true" : "false");
	rc = exdata_write(h, sf, o);
	fputc('}', sf);
	return fclose(sf) || rc ? -1 : 0;
}

/* the template from t up to marker (or its end) to fp; returns what follows the marker */
static const char *
put_until(FILE *fp, const char *t, const char *marker)
{
	const char *m = strstr(t, marker);

	if (!m) {
		fputs(t, fp);
		return t + strlen(t);
	}
	fwrite(t, 1, (size_t)(m - t), fp);
	return m + strlen(marker);
}

int
page_write(FILE *fp, sqlite3 *h, const ExOpt *o, const char *title)
{
	const char *t = web_explore_html;

	t = put_until(fp, t, ASSETS_CSS);
	fputs(web_explore_css, fp);
	t = put_until(fp, t, ASSETS_DATA);
	if (document(fp, h, o, title))
		return -1;
	t = put_until(fp, t, ASSETS_JS);
	fputs(web_explore_js, fp);
	fputs(t, fp);
	return 0;
}
