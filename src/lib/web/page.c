/* page.c — the explorer's HTML page (see page.h). */
#include "web/page.h"
#include "web/assets.h"
#include "core/json.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* copy n bytes of s to fp with every '<' as \u003c (inside JSON strings only) */
static void
put_script_safe(FILE *fp, const char *s, size_t n)
{
	const char *lt;

	while (n && (lt = memchr(s, '<', n))) {
		fwrite(s, 1, (size_t)(lt - s), fp);
		fputs("\\u003c", fp);
		n -= (size_t)(lt - s) + 1;
		s = lt + 1;
	}
	fwrite(s, 1, n, fp);
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

/* the document of h as {"title": ..., "data": ...} in a malloc'd buffer; NULL on error */
static char *
document(sqlite3 *h, const ExOpt *o, const char *title, size_t *len)
{
	char *buf = NULL;
	FILE *mf = open_memstream(&buf, len);
	int rc;

	if (!mf)
		eprintf("open_memstream:");
	fputs("{\"title\":", mf);
	json_string(mf, title);
	fputs(",\"db\":", mf);
	json_string(mf, db_name(h));
	fputs(",\"data\":", mf);
	rc = exdata_write(h, mf, o);
	fputc('}', mf);
	if (fclose(mf) || rc) {
		free(buf);
		return NULL;
	}
	return buf;
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
	size_t len;
	char *doc;

	if (!(doc = document(h, o, title, &len)))
		return -1;
	t = put_until(fp, t, ASSETS_CSS);
	fputs(web_explore_css, fp);
	t = put_until(fp, t, ASSETS_DATA);
	put_script_safe(fp, doc, len);
	t = put_until(fp, t, ASSETS_JS);
	fputs(web_explore_js, fp);
	fputs(t, fp);
	free(doc);
	return 0;
}
