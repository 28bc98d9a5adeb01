/*
 * check_buncache.c - installed bun packages against bun's cache: a copy
 * matches, a hard link is counted as shared (not verified), a change is
 * named; names from a hostile lockfile or manifest never reach outside
 * the cache, and a cache folder that is a symlink is not followed.
 */
#include "buncache.h"
#include "scratch.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

SCRATCH_FIXTURE("cairn-buncache")

static void put(const char *rel, const char *text)
{
	char cmd[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", tpath(rel));
	ck_assert_int_eq(system(cmd), 0);
	f = fopen(tpath(rel), "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* verify tree/node_modules/<name> against cache/ */
static json_t *check(const char *name, const char *version, json_t **flags)
{
	cairn_pkg_files files;
	int rootfd = open(tpath("tree"), O_RDONLY | O_DIRECTORY);
	int cachefd = open(tpath("cache"), O_RDONLY | O_DIRECTORY);
	char pkgdir[256];
	json_t *f;

	ck_assert_int_ge(rootfd, 0);
	ck_assert_int_ge(cachefd, 0);
	cairn_pkg_files_init(&files);
	ck_assert_int_eq(cairn_pkg_walk(&files, rootfd, "tree"), 0);
	snprintf(pkgdir, sizeof(pkgdir), "node_modules/%s", name);
	*flags = json_array();
	f = cairn_bun_cache_verify(cachefd, rootfd, &files, pkgdir, name, version, *flags, "t");
	cairn_pkg_files_release(&files);
	close(rootfd);
	close(cachefd);
	return f;
}

static const char *status(const json_t *f)
{
	return json_string_value(json_object_get(f, "status"));
}

START_TEST(test_buncache_copy_link_change)
{
	json_t *flags, *f;

	put("cache/ms@2.1.2@@@1/index.js", "module.exports = 1\n");
	put("cache/ms@2.1.2@@@1/package.json", "{\"name\":\"ms\"}\n");
	put("tree/node_modules/ms/index.js", "module.exports = 1\n");
	put("tree/node_modules/ms/package.json", "{\"name\":\"ms\"}\n");
	put("cache/@s/p@1.0.0@@@1/a.js", "a\n");
	put("tree/node_modules/@s/p/a.js", "a\n");

	f = check("ms", "2.1.2", &flags);
	ck_assert_str_eq(status(f), "verified");
	ck_assert_int_eq(json_integer_value(json_object_get(f, "matching")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(f, "source")), "ms@2.1.2@@@1");
	ck_assert_uint_eq(json_array_size(flags), 0);
	json_decref(f);
	json_decref(flags);

	f = check("@s/p", "1.0.0", &flags);
	ck_assert_str_eq(status(f), "verified");
	json_decref(f);
	json_decref(flags);

	/* bun's hard link: the same inode, counted, not compared */
	ck_assert_int_eq(unlink(tpath("tree/node_modules/ms/index.js")), 0);
	ck_assert_int_eq(link(tpath("cache/ms@2.1.2@@@1/index.js"), tpath("tree/node_modules/ms/index.js")), 0);
	f = check("ms", "2.1.2", &flags);
	ck_assert_str_eq(status(f), "cache_shared");
	ck_assert_int_eq(json_integer_value(json_object_get(f, "matching")), 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(f, "message")), "1 of 2 files"));
	json_decref(f);
	json_decref(flags);

	/* a change, a file added, a file gone */
	put("tree/node_modules/ms/package.json", "{\"name\":\"ms\",\"x\":1}\n");
	put("tree/node_modules/ms/extra.js", "x\n");
	put("cache/ms@2.1.2@@@1/readme.md", "r\n");
	f = check("ms", "2.1.2", &flags);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "modified"), 0)), "package.json");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "added"), 0)), "extra.js");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "missing"), 0)), "readme.md");
	ck_assert_uint_eq(json_array_size(flags), 3);
	json_decref(f);
	json_decref(flags);
}
END_TEST

START_TEST(test_buncache_hostile_names)
{
	static const char *const names[] = {
		"../x", "..", "a/b", "@s/../x", "@/x", "@s/", "a\\b", "@s/p/q", ""
	};
	static const char *const versions[] = { "1.0.0", "../../x", "1/2", "" };
	json_t *flags, *f;
	size_t i;

	/* what a climbing name would reach if it were followed */
	put("x@1.0.0@@@1/a.js", "a\n");
	put("cache/placeholder", "");
	put("tree/node_modules/x/a.js", "a\n");
	/* an unscoped name with a '/' is no package name, though the cache
	 * has a folder by that path */
	put("cache/a/b@1.0.0@@@1/a.js", "a\n");
	put("tree/node_modules/a/b/a.js", "a\n");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		f = check(names[i], "1.0.0", &flags);
		ck_assert_msg(!strcmp(status(f), "not_in_cache"), "name '%s': %s", names[i], status(f));
		ck_assert(json_is_null(json_object_get(f, "source")));
		json_decref(f);
		json_decref(flags);
	}
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		f = check("x", versions[i], &flags);
		ck_assert_msg(!strcmp(status(f), "not_in_cache"), "version '%s'", versions[i]);
		json_decref(f);
		json_decref(flags);
	}
	/* a cache folder that is a symlink (out of the cache) is not followed */
	ck_assert_int_eq(symlink(tpath("x@1.0.0@@@1"), tpath("cache/x@1.0.0@@@1")), 0);
	f = check("x", "1.0.0", &flags);
	ck_assert_str_eq(status(f), "not_in_cache");
	json_decref(f);
	json_decref(flags);
}
END_TEST

Suite *buncache_suite(void)
{
	Suite *s = suite_create("buncache");
	TCase *tc = tcase_create("verify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_buncache_copy_link_change);
	tcase_add_test(tc, test_buncache_hostile_names);
	suite_add_tcase(s, tc);
	return s;
}
