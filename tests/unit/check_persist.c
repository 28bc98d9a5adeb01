/*
 * check_persist.c - the persistence places' readers: which files are
 * read, registries without their user:password, token values never in a
 * record, JSONC tasks with comments and trailing commas, folder-open.
 */
#include "persist.h"
#include "pkgtest.h"

static json_t *only(cairn_recs *r, size_t i)
{
	ck_assert_uint_gt(r->n, i);
	return r->v[i].rec;
}

START_TEST(test_persist_kind)
{
	ck_assert_str_eq(cairn_persist_kind(".npmrc"), "npmrc");
	ck_assert_str_eq(cairn_persist_kind("app/.npmrc"), "npmrc");
	ck_assert_str_eq(cairn_persist_kind("etc/pip.conf"), "pip");
	ck_assert_str_eq(cairn_persist_kind(".yarnrc.yml"), "yarnrc");
	ck_assert_str_eq(cairn_persist_kind(".vscode/tasks.json"), "vscode_tasks");
	ck_assert_str_eq(cairn_persist_kind("a/.vscode/tasks.json"), "vscode_tasks");
	ck_assert_ptr_null(cairn_persist_kind("node_modules/x/.npmrc"));
	ck_assert_ptr_null(cairn_persist_kind("a/node_modules/x/.vscode/tasks.json"));
	ck_assert_ptr_null(cairn_persist_kind("vscode/tasks.json"));
	ck_assert_ptr_null(cairn_persist_kind("x.npmrc"));
}
END_TEST

START_TEST(test_persist_registries)
{
	static const char npmrc[] = "; c\nregistry = \"https://r.example/\"\n"
				    "//r.example/:_authToken=SECRETTOKEN\n@s:registry=https://s.example\n";
	static const char pip[] = "[global]\nindex-url = https://u:p%40ss@pypi.example/simple\n"
				  "extra-index-url =\n  https://a.example/ https://b.example/\n";
	cairn_recs r;
	char *s;

	cairn_recs_init(&r);
	ck_assert_int_eq(cairn_persist_parse(&r, "npmrc", ".npmrc", npmrc, sizeof(npmrc) - 1, NULL, NULL), 1);
	s = json_dumps(only(&r, 0), JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_str_eq(s, "{\"config\":\".npmrc\",\"registries\":[{\"key\":\"registry\",\"url\":"
			 "\"https://r.example/\"},{\"key\":\"@s:registry\",\"url\":\"https://s.example\"}],"
			 "\"tokens\":[{\"hmac_sha256\":null,\"key\":\"//r.example/:_authToken\",\"length\":11}],"
			 "\"tool\":\"npm\",\"type\":\"registry_config\"}");
	free(s);
	cairn_recs_release(&r);
	cairn_recs_init(&r);
	cairn_persist_parse(&r, "pip", "pip.conf", pip, sizeof(pip) - 1, NULL, NULL);
	s = json_dumps(only(&r, 0), JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_ptr_null(strstr(s, "p%40ss"));
	ck_assert_ptr_nonnull(strstr(s, "{\"key\":\"index-url\",\"url\":\"https://pypi.example/simple\"}"));
	ck_assert_ptr_nonnull(strstr(s, "{\"key\":\"extra-index-url\",\"url\":\"https://b.example/\"}"));
	ck_assert_ptr_nonnull(strstr(s, "\"key\":\"index-url userinfo\",\"length\":8"));
	free(s);
	cairn_recs_release(&r);
}
END_TEST

START_TEST(test_persist_tasks)
{
	static const char t[] = "{ // c\n \"tasks\": [ /* x */\n"
				"  {\"label\": \"a//b\", \"command\": \"node\", \"args\": [\"s.js\"],"
				"   \"runOptions\": {\"runOn\": \"folderOpen\"},},\n"
				"  {\"command\": \"make\"},\n ],\n}\n";
	cairn_recs r;

	cairn_recs_init(&r);
	ck_assert_int_eq(cairn_persist_parse(&r, "vscode_tasks", ".vscode/tasks.json", t, sizeof(t) - 1,
					     NULL, NULL), 2);
	ck_assert_str_eq(json_string_value(json_object_get(only(&r, 0), "task")), "a//b");
	ck_assert_str_eq(json_string_value(json_object_get(only(&r, 0), "run_on")), "folderOpen");
	ck_assert_str_eq(json_string_value(json_object_get(only(&r, 1), "task")), "#1");
	ck_assert(json_is_null(json_object_get(only(&r, 1), "run_on")));
	cairn_recs_release(&r);
	/* an unterminated comment: a parse_error, no task */
	cairn_recs_init(&r);
	ck_assert_int_eq(cairn_persist_parse(&r, "vscode_tasks", "t.json", "{/* x", 5, NULL, NULL), 0);
	ck_assert_str_eq(json_string_value(json_object_get(only(&r, 0), "type")), "parse_error");
	cairn_recs_release(&r);
}
END_TEST

Suite *persist_suite(void)
{
	Suite *s = suite_create("persist");
	TCase *tc = tcase_create("persist");

	tcase_add_test(tc, test_persist_kind);
	tcase_add_test(tc, test_persist_registries);
	tcase_add_test(tc, test_persist_tasks);
	suite_add_tcase(s, tc);
	return s;
}
