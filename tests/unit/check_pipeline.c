/*
 * check_pipeline.c - install commands in CI files, Dockerfiles, Makefiles
 * and scripts (fixture tests/fixtures/packages/project), and hostile text.
 */
#include "pipeline.h"
#include "pkgtest.h"

static const char *s(json_t *r, const char *k)
{
	return json_string_value(json_object_get(r, k));
}

static json_t *cmd(json_t *recs, const char *file, long line, long index)
{
	size_t i;

	for (i = 0; i < json_array_size(recs); i++) {
		json_t *r = json_array_get(recs, i);

		if (!strcmp(s(r, "type"), "install_cmd") && !strcmp(s(r, "file"), file) &&
		    json_integer_value(json_object_get(r, "line")) == line &&
		    json_integer_value(json_object_get(r, "index")) == index)
			return r;
	}
	ck_abort_msg("no install_cmd %s:%ld[%ld]", file, line, index);
	return NULL;
}

static void want_cmd(json_t *recs, const char *file, long line, long index,
		     const char *command, const char *flags)
{
	json_t *r = cmd(recs, file, line, index);
	char *f = pt_flags(r);

	ck_assert_msg(!strcmp(s(r, "command"), command), "%s:%ld: command %s, want %s",
		      file, line, s(r, "command"), command);
	ck_assert_msg(!strcmp(f, flags), "%s:%ld: flags '%s', want '%s'", file, line, f, flags);
	free(f);
}

START_TEST(test_pipeline_project)
{
	char *root = pt_fixture("project");
	json_t *recs = pt_analyze(root, NULL);

	want_cmd(recs, "Dockerfile", 4, 0, "npm install", "not_ci");
	want_cmd(recs, "Dockerfile", 5, 0, "npm ci", "");
	want_cmd(recs, "Dockerfile", 5, 1, "pip install", "no_require_hashes,requirements_file");
	want_cmd(recs, "Dockerfile", 7, 0, "pip install", "requirements_file");
	want_cmd(recs, "Dockerfile", 8, 0, "npx", "");
	want_cmd(recs, "Dockerfile", 8, 1, "npx", "unpinned");
	want_cmd(recs, "docker/worker.Dockerfile", 2, 0, "pip install",
		 "adds_packages,no_require_hashes,unpinned");
	want_cmd(recs, ".github/workflows/ci.yml", 8, 0, "npm ci", "");
	want_cmd(recs, ".github/workflows/ci.yml", 9, 0, "yarn install", "no_frozen_lockfile");
	want_cmd(recs, ".github/workflows/ci.yml", 10, 0, "yarn install", "");
	want_cmd(recs, ".github/workflows/ci.yml", 12, 0, "pnpm install", "no_frozen_lockfile");
	want_cmd(recs, ".github/workflows/ci.yml", 13, 0, "pnpm install", "");
	want_cmd(recs, ".github/workflows/ci.yml", 14, 0, "npm install", "adds_packages,unpinned");
	want_cmd(recs, ".github/workflows/ci.yml", 15, 0, "npx", "");
	want_cmd(recs, ".gitlab-ci.yml", 3, 0, "yarn install", "");
	want_cmd(recs, ".gitlab-ci.yml", 4, 0, "pip install", "adds_packages,no_require_hashes,unpinned");
	want_cmd(recs, "Makefile", 2, 0, "npm install", "not_ci");
	want_cmd(recs, "install.sh", 4, 0, "npm install", "not_ci");
	want_cmd(recs, "install.sh", 5, 0, "npm install", "adds_packages");
	want_cmd(recs, "install.sh", 6, 0, "bun install", "no_frozen_lockfile");
	/* "npm test", comments, "python -m pip install --upgrade pip" on an
	 * other line: exactly these commands */
	ck_assert_uint_eq(pt_count(recs, "install_cmd"), 22);
	json_decref(recs);
	free(root);
}
END_TEST

START_TEST(test_pipeline_hostile_text)
{
	cairn_recs recs;
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	cairn_recs_init(&recs);
	/* long continued lines, quotes left open, NULs, lone separators */
	for (i = 0; i < 20000; i++)
		cairn_buf_addstr(&b, "npm install \"x \\\n");
	cairn_buf_add(&b, "\0npm ci\n&&&|||;;;``$($(\n'unterminated npm install\n", 48);
	cairn_pipeline_scan(&recs, "Dockerfile", b.data, b.len);
	ck_assert_int_eq(cairn_pipeline_scan(&recs, "x", "", 0), 0);
	ck_assert_int_eq(cairn_pipeline_scan(&recs, "x", "npm", 3), 0);
	cairn_recs_release(&recs);
	cairn_buf_release(&b);
}
END_TEST

Suite *pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("pipeline");

	tcase_add_test(tc, test_pipeline_project);
	tcase_add_test(tc, test_pipeline_hostile_text);
	suite_add_tcase(s, tc);
	return s;
}
