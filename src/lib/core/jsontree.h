/* jsontree.h — a whole JSON document parsed into a tree (RFC 8259), for small
 * configuration-like files (a TensorFlow.js model.json).
 *
 *	char err[128];
 *	JsonVal *v = new_json_tree(text, len, err, sizeof err);   // NULL: err says where
 *	const JsonVal *fmt = json_tree_get(v, "format");          // NULL when absent
 *	if (fmt && fmt->type == JT_STR) ... fmt->str ...
 *	del_json_tree(v);
 *
 * Arrays and objects hold n items (objects: keys[i] names items[i], in file order;
 * duplicate keys are kept, json_tree_get finds the first).  Strings are UTF-8 with
 * escapes decoded (a \u0000 is rejected); numbers are doubles.  Nesting is limited
 * to JSON_TREE_DEPTH levels so hostile input cannot exhaust the stack. */
#ifndef SV_JSONTREE_H
#define SV_JSONTREE_H
#include <stddef.h>

#define JSON_TREE_DEPTH 64

enum { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

typedef struct JsonVal JsonVal;
struct JsonVal {
	int type;
	int b;              /* JT_BOOL */
	double num;         /* JT_NUM */
	char *str;          /* JT_STR, NUL-terminated */
	size_t n;           /* JT_ARR, JT_OBJ: items */
	JsonVal *items;
	char **keys;        /* JT_OBJ */
};

/* NULL when text is not one JSON value (surrounded by white space only); err then
 * holds "line N: what" (errlen bytes, NUL-terminated). */
JsonVal *new_json_tree(const char *text, size_t len, char *err, size_t errlen);
/* the member named key of an object; NULL when v is not an object or has none */
const JsonVal *json_tree_get(const JsonVal *v, const char *key);
void del_json_tree(JsonVal *v);

#endif
