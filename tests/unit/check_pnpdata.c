/*
 * check_pnpdata.c - yarn Plug'n'Play's serialized state: the string
 * literal of .pnp.cjs decoded with yarn's three escapes and nothing else,
 * the graph (virtual instances folded into their package, aliases by
 * target, unmet peers none, the self-reference none), what the workspaces
 * reach, and required_by with its ranges and sections; hostile shapes are
 * format errors naming the file.
 */
#include "pnpdata.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* a state: root workspace "r" needs a (through its virtual instance,
 * with peer p), an alias "al" of b, an unmet peer; a needs c; d is in
 * the registry but nobody needs it; e needs d but e is not reached */
static const char state[] =
	"{\"dependencyTreeRoots\":[{\"name\":\"r\",\"reference\":\"workspace:.\"},"
	"{\"name\":\"w\",\"reference\":\"workspace:packages/w\"}],"
	"\"packageRegistryData\":["
	"[null,[[null,{\"packageLocation\":\"./\",\"packageDependencies\":[[\"d\",\"npm:1.0.0\"]],"
	"\"linkType\":\"SOFT\"}]]],"
	"[\"r\",[[\"workspace:.\",{\"packageLocation\":\"./\",\"packageDependencies\":["
	"[\"r\",\"workspace:.\"],[\"a\",\"virtual:abc#npm:1.0.0\"],[\"al\",[\"b\",\"npm:2.0.0\"]],"
	"[\"gone\",null],[\"p\",\"npm:1.0.0\"]],\"linkType\":\"SOFT\"}]]],"
	"[\"w\",[[\"workspace:packages/w\",{\"packageLocation\":\"./packages/w/\","
	"\"packageDependencies\":[[\"c\",\"npm:3.0.0\"],[\"nowhere\",\"npm:9.9.9\"]],\"linkType\":\"SOFT\"}]]],"
	"[\"a\",[[\"npm:1.0.0\",{\"packageLocation\":\"./.yarn/cache/a.zip/node_modules/a/\","
	"\"packageDependencies\":[[\"a\",\"npm:1.0.0\"]],\"linkType\":\"SOFT\"}],"
	"[\"virtual:abc#npm:1.0.0\",{\"packageLocation\":\"./.yarn/__virtual__/a-virtual-1/0/cache/a.zip/node_modules/a/\","
	"\"packageDependencies\":[[\"a\",\"virtual:abc#npm:1.0.0\"],[\"c\",\"npm:3.0.0\"],[\"p\",\"npm:1.0.0\"]],"
	"\"packagePeers\":[\"p\"],\"linkType\":\"HARD\"}]]],"
	"[\"b\",[[\"npm:2.0.0\",{\"packageLocation\":\"./b/\",\"packageDependencies\":[],\"linkType\":\"HARD\"}]]],"
	"[\"c\",[[\"npm:3.0.0\",{\"packageLocation\":\"./c/\",\"packageDependencies\":[],\"linkType\":\"HARD\"}]]],"
	"[\"d\",[[\"npm:1.0.0\",{\"packageLocation\":\"./d/\",\"packageDependencies\":[],\"linkType\":\"HARD\"}]]],"
	"[\"e\",[[\"npm:1.0.0\",{\"packageLocation\":\"./e/\",\"packageDependencies\":[[\"d\",\"npm:1.0.0\"]],"
	"\"linkType\":\"HARD\"}]]],"
	"[\"p\",[[\"npm:1.0.0\",{\"packageLocation\":\"./p/\",\"packageDependencies\":[],\"linkType\":\"HARD\"}]]]"
	"]}";

static cairn_pnp *parse(const char *text, enum cairn_pnp_kind kind)
{
	cairn_pnp *g = NULL;

	ck_assert_msg(cairn_pnp_parse(&g, text, strlen(text), kind, "t") == 0, "%s",
		      cairn_error_last());
	ck_assert_ptr_nonnull(g);
	return g;
}

static const json_t *manifests(void *arg, const char *folder)
{
	return json_object_get((const json_t *)arg, folder);
}

static char *req(const cairn_pnp *g, const char *locator, const json_t *ws)
{
	json_t *r = cairn_pnp_required_by(g, locator, manifests, (void *)ws);
	char *s = json_dumps(r, JSON_COMPACT);

	json_decref(r);
	return s;
}

START_TEST(test_pnpdata_graph)
{
	cairn_pnp *g = parse(state, CAIRN_PNP_DATA);
	json_t *ws = json_pack("{s:{s:{s:s},s:{s:s}},s:{s:{s:s}}}",
			       "", "dependencies", "a", "^1", "devDependencies", "p", "1.0.0",
			       "packages/w", "optionalDependencies", "c", "3");
	json_t *lock;
	char *s;

	/* virtual instances fold into a@npm:1.0.0; the top-level locator
	 * is not a package */
	ck_assert_uint_eq(cairn_pnp_count(g), 8);
	ck_assert(cairn_pnp_has(g, "a@npm:1.0.0"));
	ck_assert(!cairn_pnp_has(g, "a@virtual:abc#npm:1.0.0"));
	ck_assert(cairn_pnp_reached(g, "a@npm:1.0.0"));
	ck_assert(cairn_pnp_reached(g, "b@npm:2.0.0"));   /* through the alias */
	ck_assert(cairn_pnp_reached(g, "c@npm:3.0.0"));
	ck_assert(cairn_pnp_reached(g, "p@npm:1.0.0"));
	ck_assert(cairn_pnp_reached(g, "w@workspace:packages/w"));
	/* the top-level locator's d is no root's: d and e are not reached */
	ck_assert(!cairn_pnp_reached(g, "d@npm:1.0.0"));
	ck_assert(!cairn_pnp_reached(g, "e@npm:1.0.0"));
	ck_assert(!cairn_pnp_reached(g, "zz@npm:1.0.0"));
	ck_assert(!cairn_pnp_reached(g, NULL));

	/* ranges: a workspace's from its manifest, a package's from yarn.lock */
	lock = json_pack("{s:{s:s,s:{s:s},s:{s:s}},s:{s:s}}",
			 "a@npm:^1", "resolution", "a@npm:1.0.0",
			 "dependencies", "c", "npm:^3", "peerDependencies", "p", "*",
			 "__metadata", "version", "8");
	cairn_pnp_attach_lock(g, lock);
	json_decref(lock);
	s = req(g, "a@npm:1.0.0", ws);
	ck_assert_str_eq(s, "[{\"from\":\"\",\"range\":\"^1\",\"section\":\"dependencies\"}]");
	free(s);
	s = req(g, "c@npm:3.0.0", ws);
	ck_assert_str_eq(s, "[{\"from\":\"a@npm:1.0.0\",\"range\":\"npm:^3\",\"section\":\"dependencies\"},"
			 "{\"from\":\"packages/w\",\"range\":\"3\",\"section\":\"optionalDependencies\"}]");
	free(s);
	s = req(g, "p@npm:1.0.0", ws);
	ck_assert_str_eq(s, "[{\"from\":\"\",\"range\":\"1.0.0\",\"section\":\"devDependencies\"},"
			 "{\"from\":\"a@npm:1.0.0\",\"range\":\"*\",\"section\":\"peerDependencies\"}]");
	free(s);
	/* the alias: named "al" by r, whose manifest does not list it */
	s = req(g, "b@npm:2.0.0", ws);
	ck_assert_str_eq(s, "[{\"from\":\"\",\"range\":null,\"section\":\"dependencies\"}]");
	free(s);
	/* e (unreached) still requires d; the self-reference is no edge */
	s = req(g, "d@npm:1.0.0", ws);
	ck_assert_str_eq(s, "[{\"from\":\"e@npm:1.0.0\",\"range\":null,\"section\":\"dependencies\"}]");
	free(s);
	s = req(g, "r@workspace:.", ws);
	ck_assert_str_eq(s, "[]");
	free(s);
	s = req(g, "nowhere@npm:9.9.9", ws);
	ck_assert_str_eq(s, "[]");
	free(s);
	json_decref(ws);
	cairn_pnp_free(g);
	cairn_pnp_free(NULL);
}
END_TEST

/* the state as yarn 3/4 inline it: generateStringLiteral escapes \ and '
 * and ends every line with a backslash */
static char *literal(const char *json, const char *nl)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *p;

	cairn_buf_addstr(&b, "#!/usr/bin/env node\n\"use strict\";\n\nconst RAW_RUNTIME_STATE =\n'");
	for (p = json; *p; p++) {
		if (*p == '\\' || *p == '\'')
			cairn_buf_addch(&b, '\\');
		cairn_buf_addch(&b, *p);
		if (*p == ',') {
			cairn_buf_addch(&b, '\\');
			cairn_buf_addstr(&b, nl);
		}
	}
	cairn_buf_addstr(&b, "';\n\nfunction $$SETUP_STATE(hydrateRuntimeState, basePath) {\n}\n");
	return cairn_buf_detach(&b, NULL);
}

START_TEST(test_pnpdata_literal)
{
	/* a name holding ' and \ (JSON "\\") goes through both decoders */
	static const char odd[] =
		"{\"dependencyTreeRoots\":[{\"name\":\"r\",\"reference\":\"workspace:.\"}],"
		"\"packageRegistryData\":[[\"r\",[[\"workspace:.\",{\"packageLocation\":\"./\","
		"\"packageDependencies\":[[\"o'k\\\\x\",\"npm:1.0.0\"]]}]]],"
		"[\"o'k\\\\x\",[[\"npm:1.0.0\",{\"packageLocation\":\"./o/\",\"packageDependencies\":[]}]]]]}";
	char *lf = literal(odd, "\n"), *crlf = literal(odd, "\r\n"), *y2;
	cairn_pnp *g;
	cairn_buf b = CAIRN_BUF_INIT;

	g = parse(lf, CAIRN_PNP_CJS);
	ck_assert(cairn_pnp_reached(g, "o'k\\x@npm:1.0.0"));
	cairn_pnp_free(g);
	g = parse(crlf, CAIRN_PNP_CJS);
	ck_assert(cairn_pnp_reached(g, "o'k\\x@npm:1.0.0"));
	cairn_pnp_free(g);
	/* yarn 2: the object inline after `return hydrateRuntimeState(` */
	cairn_buf_addf(&b, "function $$SETUP_STATE(hydrateRuntimeState, basePath) {\n"
		       "  return hydrateRuntimeState(%s, {basePath: basePath || __dirname});\n}\n", state);
	y2 = cairn_buf_detach(&b, NULL);
	g = parse(y2, CAIRN_PNP_CJS);
	ck_assert(cairn_pnp_reached(g, "c@npm:3.0.0"));
	cairn_pnp_free(g);
	free(lf);
	free(crlf);
	free(y2);
}
END_TEST

static void refused(const char *text, size_t len, enum cairn_pnp_kind kind, int code,
		    const char *msg)
{
	cairn_pnp *g = (cairn_pnp *)1;
	int rc = cairn_pnp_parse(&g, text, len, kind, "x/.pnp.cjs");

	ck_assert_msg(rc == code, "rc %d for %.60s: %s", rc, text, cairn_error_last());
	ck_assert_ptr_null(g);
	if (msg)
		ck_assert_msg(strstr(cairn_error_last(), msg), "message '%s', want '%s'",
			      cairn_error_last(), msg);
}

START_TEST(test_pnpdata_refused)
{
	static const char *const shapes[] = {
		"[]",
		"{\"dependencyTreeRoots\":[]}",
		"{\"packageRegistryData\":[]}",
		"{\"dependencyTreeRoots\":{},\"packageRegistryData\":[]}",
		"{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[\"a\"]]}",
		"{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[1,[]]]}",
		"{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[\"a\",[[\"npm:1\",{}]]]]}",
		"{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[\"a\",[[\"npm:1\","
		"{\"packageLocation\":\"./\",\"packageDependencies\":[[\"b\"]]}]]]]}",
		"{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[\"a\",[[\"npm:1\","
		"{\"packageLocation\":\"./\",\"packageDependencies\":[[\"b\",7]]}]]]]}",
		"{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[\"a\",[[\"npm:1\","
		"{\"packageLocation\":\"./\",\"packageDependencies\":[],\"packagePeers\":\"p\"}]]]]}",
		"{\"dependencyTreeRoots\":[{\"name\":1}],\"packageRegistryData\":[]}",
	};
	char deep[8200];
	size_t i;
	char *big;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		refused(shapes[i], strlen(shapes[i]), CAIRN_PNP_DATA, CAIRN_EFORMAT,
			"is not what yarn writes");
	refused("{\"a\":1,\"a\":2}", 13, CAIRN_PNP_DATA, CAIRN_EFORMAT, "line 1");
	refused("{\"dependencyTreeRoots\":[", 24, CAIRN_PNP_DATA, CAIRN_EFORMAT, "x/.pnp.cjs: the state");
	/* escapes yarn never writes, a raw line break, no end */
	refused("const RAW_RUNTIME_STATE =\n'{\\n}';", 33, CAIRN_PNP_CJS, CAIRN_EFORMAT,
		"escape '\\n'");
	refused("const RAW_RUNTIME_STATE =\n'{\\u0041}';", 37, CAIRN_PNP_CJS, CAIRN_EFORMAT,
		"escape '\\u'");
	refused("const RAW_RUNTIME_STATE =\n'{\n}';", 31, CAIRN_PNP_CJS, CAIRN_EFORMAT,
		"a line break");
	refused("const RAW_RUNTIME_STATE =\n'{}", 29, CAIRN_PNP_CJS, CAIRN_EFORMAT,
		"not terminated");
	refused("const RAW_RUNTIME_STATE =\n'{}\\", 30, CAIRN_PNP_CJS, CAIRN_EFORMAT,
		"not terminated");
	refused("const RAW_RUNTIME_STATE =\n\"{}\";", 31, CAIRN_PNP_CJS, CAIRN_EFORMAT,
		"not a single-quoted string");
	refused("const RAW_RUNTIME_STATE =", 25, CAIRN_PNP_CJS, CAIRN_EFORMAT,
		"not a single-quoted string");
	/* a NUL inside: the literal is bytes, jansson refuses \u0000-less NUL */
	refused("const RAW_RUNTIME_STATE =\n'{\"a\0\":1}';", 37, CAIRN_PNP_CJS, CAIRN_EFORMAT, NULL);
	/* only at the start of a line (not inside a comment or string) */
	refused("// const RAW_RUNTIME_STATE =\n'{}';", 34, CAIRN_PNP_CJS, CAIRN_ENOTFOUND, NULL);
	/* split mode: nothing inline */
	refused("return hydrateRuntimeState(require('./.pnp.data.json'));", 56, CAIRN_PNP_CJS,
		CAIRN_ENOTFOUND, NULL);
	refused("", 0, CAIRN_PNP_CJS, CAIRN_ENOTFOUND, NULL);
	/* invalid UTF-8 */
	refused("{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[\"\xff\",[]]]}", 59,
		CAIRN_PNP_DATA, CAIRN_EFORMAT, NULL);
	/* nesting past jansson's depth limit */
	memset(deep, '[', sizeof(deep));
	refused(deep, sizeof(deep), CAIRN_PNP_DATA, CAIRN_EFORMAT, NULL);
	/* a 10 MB name is only a name */
	big = cairn_malloc(10u << 20);
	{
		cairn_buf b = CAIRN_BUF_INIT;
		cairn_pnp *g;

		memset(big, 'n', (10u << 20) - 1);
		big[(10u << 20) - 1] = '\0';
		cairn_buf_addf(&b, "{\"dependencyTreeRoots\":[],\"packageRegistryData\":[[\"%s\",[[\"npm:1\","
			       "{\"packageLocation\":\"./\",\"packageDependencies\":[]}]]]]}", big);
		ck_assert_int_eq(cairn_pnp_parse(&g, b.data, b.len, CAIRN_PNP_DATA, "t"), 0);
		ck_assert_uint_eq(cairn_pnp_count(g), 1);
		ck_assert(!cairn_pnp_reached(g, "n@npm:1"));
		cairn_pnp_free(g);
		cairn_buf_release(&b);
	}
	free(big);
}
END_TEST

Suite *pnpdata_suite(void)
{
	Suite *s = suite_create("pnpdata");
	TCase *tc = tcase_create("pnpdata");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pnpdata_graph);
	tcase_add_test(tc, test_pnpdata_literal);
	tcase_add_test(tc, test_pnpdata_refused);
	suite_add_tcase(s, tc);
	return s;
}
