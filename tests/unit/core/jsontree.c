/* unit test for src/lib/core/jsontree.c: values, escapes, UTF-8, error lines, the
 * depth limit, and every truncation of a valid document being an error (never a
 * crash, never a value).  Prints "not ok N what" lines; exit 1 on failure. */
#include <stdio.h>
#include <string.h>

#include "core/jsontree.h"
#include "core/util.h"
#include "../unit.h"

static JsonVal *
parse(const char *s, char *err)
{
	return new_json_tree(s, strlen(s), err, 128);
}

static void
values(void)
{
	static const char doc[] = " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
	    " \"b\": {}, \"c\": [], \"a\": 0}\n";
	char err[128];
	JsonVal *v = parse(doc, err);
	const JsonVal *a = json_tree_get(v, "a");

	check(v && v->type == JT_OBJ && v->n == 4, "object of 4 members");
	check(a && a->type == JT_ARR && a->n == 6, "first 'a' is the array");
	if (a && a->n == 6) {
		check(a->items[0].type == JT_NUM && a->items[0].num == 1, "1");
		check(a->items[1].num == -2500, "-2.5e3");
		check(a->items[2].type == JT_BOOL && a->items[2].b == 1 && a->items[3].b == 0, "booleans");
		check(a->items[4].type == JT_NULL, "null");
		check(a->items[5].type == JT_STR && !strcmp(a->items[5].str, "x\xc3\xa9\xf0\x9f\x98\x80\n"),
		    "escapes and a surrogate pair as UTF-8");
	}
	check(json_tree_get(v, "b") && json_tree_get(v, "b")->n == 0, "empty object");
	check(!json_tree_get(v, "z") && !json_tree_get(a, "a"), "absent member, not an object");
	del_json_tree(v);
}

static void
errors(void)
{
	static const struct { const char *doc, *err; } bad[] = {
		{"{\"a\": 1,\n\n}", "line 3: expected a member name"},
		{"[1 2]", "line 1: expected ',' or ']'"},
		{"[01]", "line 1: bad number"},
		{"\"a\\u0000\"", "line 1: \\u0000 in a string"},
		{"\"\\ud800\"", "line 1: lone surrogate"},
		{"\"a\nb\"", "line 1: control character in a string"},
		{"[] x", "line 1: text after the value"},
		{"", "line 1: unexpected end of text"},
		{"nul", "line 1: unexpected character"},
	};
	char err[128], deep[2 * JSON_TREE_DEPTH + 8];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		JsonVal *v = parse(bad[i].doc, err);
		check(!v && !strcmp(err, bad[i].err), bad[i].err);
		del_json_tree(v);
	}
	memset(deep, '[', JSON_TREE_DEPTH + 2);
	memset(deep + JSON_TREE_DEPTH + 2, ']', JSON_TREE_DEPTH + 2);
	deep[2 * JSON_TREE_DEPTH + 4] = 0;
	check(!parse(deep, err) && strstr(err, "nested too deeply"), "depth limit");
}

static void
truncations(void)
{
	static const char doc[] = "{\"k\": [1.5, \"s\\\"t\", {\"x\": null}], \"m\": true}";
	char err[128];
	size_t n;

	for (n = 0; n < sizeof doc - 1; n++) {
		JsonVal *v = new_json_tree(doc, n, err, sizeof err);
		check(!v, "a truncated document is an error");
		del_json_tree(v);
	}
	del_json_tree(parse(doc, err));
}

int
main(int argc, char **argv)
{
	util_init(argc, argv);
	values();
	errors();
	truncations();
	return unit_done();
}
