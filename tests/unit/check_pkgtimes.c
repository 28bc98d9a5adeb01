/*
 * check_pkgtimes.c - the times of package files that differ from the
 * published bytes, beside their untouched siblings' (lib/pkgtimes.h).
 */
#include "cairn.h"
#include "pkgtimes.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* file at path with mtime/ctime (seconds); 0 = unknown */
static void add(cairn_pkg_files *f, const char *path, int64_t m, int64_t c)
{
	cairn_entry e;

	cairn_entry_init(&e);
	e.path = (char *)path;
	e.path_len = strlen(path);
	e.type = CAIRN_T_FILE;
	e.mtime_sec = m;
	e.ctime_sec = c;
	cairn_pkg_files_add(f, &e);
}

static json_t *pkg(cairn_recs *r, const char *eco, const char *project, const char *path,
		   const char *modified, const char *added)
{
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:{s:o, s:o}}", "type", "package",
				"ecosystem", eco, "project", project, "path", path, "files",
				"modified", json_loads(modified, 0, NULL),
				"added", json_loads(added, 0, NULL));

	cairn_recs_add(r, rec, cairn_strdup(path));
	return rec;
}

static void ck_json(const json_t *j, const char *want)
{
	char *got = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	ck_assert_msg(got && !strcmp(got, want), "got %s", got ? got : "(null)");
	free(got);
}

START_TEST(test_pkgtimes_npm_and_pypi)
{
	cairn_pkg_files f;
	cairn_recs r;
	json_t *a, *p, *x, *clean;

	cairn_pkg_files_init(&f);
	cairn_recs_init(&r);
	add(&f, "app/node_modules/a/index.js", 1000, 5000);
	add(&f, "app/node_modules/a/lib/new.js", 1000, 5000);
	add(&f, "app/node_modules/a/node_modules/b/x.js", 9000, 9000);  /* nested */
	add(&f, "app/node_modules/a/package.json", 1001, 1001);
	add(&f, "app/node_modules/a/README.md", 1002, 1003);
	add(&f, "bin/tool", 2000, 6000);
	add(&f, "site/pkg-1.0.dist-info/RECORD", 1500, 1500);
	add(&f, "site/pkg/mod.py", 1400, 1400);
	add(&f, "site/pkg/unknown.py", 0, 0);
	cairn_pkg_files_sort(&f);
	a = pkg(&r, "npm", "app", "node_modules/a", "[\"index.js\"]", "[\"lib/new.js\", \"missing.js\"]");
	p = pkg(&r, "pypi", "site", "pkg-1.0.dist-info", "[\"../bin/tool\", \"pkg/unknown.py\"]", "[]");
	x = pkg(&r, "npm", "~/.npm/_npx/0123", "node_modules/c", "[\"index.js\"]", "[]");
	clean = pkg(&r, "npm", "", "node_modules/d", "[]", "[]");
	cairn_pkg_times_add(&r, &f);

	ck_json(json_object_get(a, "file_times"),
		"{\"changed\":[{\"change\":\"modified\",\"ctime\":\"1970-01-01T01:23:20.000000000Z\","
		"\"mtime\":\"1970-01-01T00:16:40.000000000Z\",\"path\":\"index.js\"},"
		"{\"change\":\"added\",\"ctime\":\"1970-01-01T01:23:20.000000000Z\","
		"\"mtime\":\"1970-01-01T00:16:40.000000000Z\",\"path\":\"lib/new.js\"}],"
		"\"others\":{\"ctime_max\":\"1970-01-01T00:16:43.000000000Z\",\"files\":2,"
		"\"mtime_max\":\"1970-01-01T00:16:42.000000000Z\"}}");
	/* pypi: RECORD paths from the site folder; the installer's files are
	 * the .dist-info's; a file of unknown times is left out */
	ck_json(json_object_get(p, "file_times"),
		"{\"changed\":[{\"change\":\"modified\",\"ctime\":\"1970-01-01T01:40:00.000000000Z\","
		"\"mtime\":\"1970-01-01T00:33:20.000000000Z\",\"path\":\"../bin/tool\"}],"
		"\"others\":{\"ctime_max\":\"1970-01-01T00:25:00.000000000Z\",\"files\":1,"
		"\"mtime_max\":\"1970-01-01T00:25:00.000000000Z\"}}");
	/* outside the tree, nothing changed: no file_times */
	ck_assert(!json_object_get(x, "file_times"));
	ck_assert(!json_object_get(clean, "file_times"));
	cairn_recs_release(&r);
	cairn_pkg_files_release(&f);
}
END_TEST

Suite *pkgtimes_suite(void);

Suite *pkgtimes_suite(void)
{
	Suite *s = suite_create("pkgtimes");
	TCase *c = tcase_create("times");

	tcase_add_test(c, test_pkgtimes_npm_and_pypi);
	suite_add_tcase(s, c);
	return s;
}
