/*
 * check_pnpm.c - pnpm lockfiles 5.4/6.0/9.0 made by the real pnpm 7-10
 * (tests/fixtures/packages/pnpm-*), folder names as pnpm gives them, and
 * the strict YAML reader under hostile input: aliases (bombs), nesting,
 * a 10 MB scalar, NUL and control bytes, bad UTF-8, duplicate keys, two
 * documents, truncation at every length of a real lockfile.
 */
#include "pnpm.h"
#include "yamljson.h"
#include "pkgtest.h"

static cairn_npm_lock *parse_fixture(const char *name)
{
	char *dir = pt_fixture(name), *path;
	cairn_buf b = pt_read_fixture(name, "pnpm-lock.yaml");
	cairn_npm_lock *l = NULL;

	path = cairn_path_join(dir, "pnpm-lock.yaml");
	ck_assert_msg(cairn_pnpm_lock_parse(&l, b.data, b.len, path, NULL, "") == 0, "%s",
		      cairn_error_last());
	cairn_buf_release(&b);
	free(path);
	free(dir);
	return l;
}

START_TEST(test_pnpm_lock_versions)
{
	static const char *const names[] = { "pnpm-v5", "pnpm-v6", "pnpm-v9", "pnpm-v10" };
	static const int major[] = { 5, 6, 9, 9 };
	size_t i;

	for (i = 0; i < 4; i++) {
		cairn_npm_lock *l = parse_fixture(names[i]);
		const cairn_npm_lock_entry *e;

		ck_assert_int_eq(l->lockfile_version, major[i]);
		ck_assert_uint_eq(l->n, 4);
		e = cairn_npm_lock_find(l, "node_modules/.pnpm/@tootallnate+once@2.0.0/node_modules/@tootallnate/once");
		ck_assert_msg(e != NULL, "%s: scoped entry", names[i]);
		ck_assert_str_eq(e->name, "@tootallnate/once");
		ck_assert_str_eq(e->version, "2.0.0");
		ck_assert_str_eq(e->integrity, "sha512-XCuKFP5PS55gnMVu3dty8KPatLqUoy/ZYzDzAGCQ8JNFCkLXzmI7vNHCR+XpbZaMWQK/vQubr7PkYq8g470J/A==");
		ck_assert_ptr_null(e->resolved);
		e = cairn_npm_lock_find(l, "node_modules/.pnpm/ms@2.1.2/node_modules/ms");
		ck_assert_msg(e != NULL, "%s: ms", names[i]);
		ck_assert_str_eq(e->version, "2.1.2");
		cairn_npm_lock_free(l);
	}
}
END_TEST

/* peers, tarballs, git: pnpm's folder names for each lockfile generation */
START_TEST(test_pnpm_lock_folders)
{
	static const char v5[] =
		"lockfileVersion: 5.4\n"
		"packages:\n"
		"  /@babel/core/7.0.0_supports-color@8.1.1:\n"
		"    resolution: {integrity: sha512-AAAA}\n"
		"    dev: true\n"
		"    requiresBuild: true\n";
	static const char v6[] =
		"lockfileVersion: '6.0'\n"
		"packages:\n"
		"  /@babel/core@7.0.0(supports-color@8.1.1)(x@1.0.0):\n"
		"    resolution: {integrity: sha512-AAAA}\n"
		"  github.com/a/b/abc:\n"
		"    resolution: {tarball: https://codeload.github.com/a/b/tar.gz/abc}\n"
		"    name: b\n"
		"    version: 1.0.0\n";
	static const char v9[] =
		"lockfileVersion: '9.0'\n"
		"packages:\n"
		"  g@git+https://example.com/g.git#abc:\n"
		"    resolution: {commit: abc, repo: https://example.com/g.git, type: git}\n"
		"    version: 0.1.0\n";
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;

	ck_assert_int_eq(cairn_pnpm_lock_parse(&l, v5, sizeof(v5) - 1, "v5", NULL, ""), 0);
	e = cairn_npm_lock_find(l, "node_modules/.pnpm/@babel+core@7.0.0_supports-color@8.1.1/node_modules/@babel/core");
	ck_assert_msg(e != NULL, "v5 key: %s", l->n ? l->v[0].key : "-");
	ck_assert_str_eq(e->version, "7.0.0");
	ck_assert_int_eq(e->dev, 1);
	ck_assert_int_eq(e->has_install_script, 1);
	cairn_npm_lock_free(l);

	ck_assert_int_eq(cairn_pnpm_lock_parse(&l, v6, sizeof(v6) - 1, "v6", NULL, ""), 0);
	e = cairn_npm_lock_find(l, "node_modules/.pnpm/@babel+core@7.0.0_supports-color@8.1.1_x@1.0.0/node_modules/@babel/core");
	ck_assert_msg(e != NULL, "v6 key: %s", l->n ? l->v[0].key : "-");
	ck_assert_str_eq(e->version, "7.0.0");
	e = cairn_npm_lock_find(l, "node_modules/.pnpm/github.com+a+b+abc/node_modules/b");
	ck_assert_msg(e != NULL, "v6 tarball key: %s", l->v[1].key);
	ck_assert_str_eq(e->resolved, "https://codeload.github.com/a/b/tar.gz/abc");
	ck_assert_str_eq(e->version, "1.0.0");
	cairn_npm_lock_free(l);

	ck_assert_int_eq(cairn_pnpm_lock_parse(&l, v9, sizeof(v9) - 1, "v9", NULL, ""), 0);
	ck_assert_uint_eq(l->n, 1);
	ck_assert_str_eq(l->v[0].resolved, "git+https://example.com/g.git#abc");
	ck_assert_str_eq(l->v[0].version, "0.1.0");
	cairn_npm_lock_free(l);
}
END_TEST

static int yaml_rc(const char *s, size_t n)
{
	json_t *j = NULL;
	int rc = cairn_yaml_to_json(&j, s, n, "t.yaml");

	json_decref(j);
	return rc;
}

START_TEST(test_pnpm_yaml_hostile)
{
	static const char alias_bomb[] =
		"a: &a [x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
	static const char dup[] = "lockfileVersion: '9.0'\nlockfileVersion: '6.0'\n";
	static const char two[] = "a: 1\n---\nb: 2\n";
	static const char nul[] = "a: \"x\\0y\"\n";
	static const char badutf[] = "a: \"\xc3\x28\"\n";
	static const char ctl[] = "a: \"\\x01\\x02\\e[31m\"\n";
	static const char raw_ctl[] = "a: \"\x01\x02\x1b[31m\"\n";
	static const char complex_key[] = "? [a, b]\n: c\n";
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j = NULL;
	int i;

	ck_assert_int_eq(yaml_rc(alias_bomb, sizeof(alias_bomb) - 1), CAIRN_EFORMAT);
	ck_assert_msg(strstr(cairn_error_last(), "alias refused"), "%s", cairn_error_last());
	ck_assert_int_eq(yaml_rc(dup, sizeof(dup) - 1), CAIRN_EFORMAT);
	ck_assert_msg(strstr(cairn_error_last(), "duplicate key"), "%s", cairn_error_last());
	ck_assert_int_eq(yaml_rc(two, sizeof(two) - 1), CAIRN_EFORMAT);
	ck_assert_int_eq(yaml_rc(nul, sizeof(nul) - 1), CAIRN_EFORMAT);
	ck_assert_int_eq(yaml_rc(badutf, sizeof(badutf) - 1), CAIRN_EFORMAT);
	ck_assert_int_eq(yaml_rc(complex_key, sizeof(complex_key) - 1), CAIRN_EFORMAT);
	/* raw control bytes: libyaml refuses them; escaped ones are data
	 * (escaped again wherever cairn prints them) */
	ck_assert_int_eq(yaml_rc(raw_ctl, sizeof(raw_ctl) - 1), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_yaml_to_json(&j, ctl, sizeof(ctl) - 1, "t"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(j, "a")), "\x01\x02\x1b[31m");
	json_decref(j);
	/* deep: flow and block nesting stop at the cap, before any tree */
	for (i = 0; i < 100000; i++)
		cairn_buf_addch(&b, '[');
	ck_assert_int_eq(yaml_rc(b.data, b.len), CAIRN_ELIMIT);
	cairn_buf_clear(&b);
	for (i = 0; i < 200; i++)
		cairn_buf_addf(&b, "%*sk%d:\n", i, "", i);
	ck_assert_int_eq(yaml_rc(b.data, b.len), CAIRN_ELIMIT);
	/* a 10 MB scalar is read whole (the lockfile cap is 64 MB) */
	cairn_buf_clear(&b);
	cairn_buf_addstr(&b, "lockfileVersion: '9.0'\npackages:\n  x@1.0.0:\n    resolution: {integrity: ");
	for (i = 0; i < 10 * 1024 * 1024; i++)
		cairn_buf_addch(&b, 'A');
	cairn_buf_addstr(&b, "}\n");
	{
		cairn_npm_lock *l = NULL;

		ck_assert_int_eq(cairn_pnpm_lock_parse(&l, b.data, b.len, "big", NULL, ""), 0);
		ck_assert_uint_eq(l->n, 1);
		ck_assert_uint_eq(strlen(l->v[0].integrity), 10 * 1024 * 1024);
		cairn_npm_lock_free(l);
	}
	cairn_buf_release(&b);
	/* not a lockfile */
	{
		cairn_npm_lock *l = NULL;

		ck_assert_int_eq(cairn_pnpm_lock_parse(&l, "- a\n", 4, "seq", NULL, ""), CAIRN_EFORMAT);
		ck_assert_int_eq(cairn_pnpm_lock_parse(&l, "packages: {}\n", 13, "nover", NULL, ""),
				 CAIRN_EFORMAT);
		ck_assert_ptr_null(l);
	}
}
END_TEST

/* every prefix of a real lockfile: parsed or refused, never a crash */
START_TEST(test_pnpm_yaml_truncated)
{
	cairn_buf b = pt_read_fixture("pnpm-v9", "pnpm-lock.yaml");
	size_t n, ok = 0;

	for (n = 0; n <= b.len; n++) {
		cairn_npm_lock *l = NULL;
		int rc = cairn_pnpm_lock_parse(&l, b.data, n, "cut", NULL, "");

		ck_assert(rc == 0 || rc == CAIRN_EFORMAT);
		ck_assert((rc == 0) == (l != NULL));
		ok += rc == 0;
		cairn_npm_lock_free(l);
	}
	ck_assert_uint_gt(ok, 0);
	cairn_buf_release(&b);
}
END_TEST

/* names that climb out of node_modules stay strings: the key says what
 * the lockfile says, nothing is opened by it */
START_TEST(test_pnpm_lock_path_escape)
{
	static const char y[] =
		"lockfileVersion: '9.0'\n"
		"packages:\n"
		"  ../../etc@1.0.0:\n"
		"    resolution: {integrity: sha512-AAAA}\n"
		"  '@x/../../y@1.0.0':\n"
		"    resolution: {integrity: sha512-AAAA}\n";
	cairn_npm_lock *l = NULL;
	size_t i;

	ck_assert_int_eq(cairn_pnpm_lock_parse(&l, y, sizeof(y) - 1, "esc", NULL, ""), 0);
	ck_assert_uint_eq(l->n, 2);
	for (i = 0; i < l->n; i++) {
		/* the folder part never holds a '/': pnpm turns it into '+' */
		const char *f = l->v[i].key + strlen("node_modules/.pnpm/");

		ck_assert_ptr_nonnull(strstr(f, "/node_modules/"));
		ck_assert_ptr_null(memchr(f, '/', (size_t)(strstr(f, "/node_modules/") - f)));
	}
	cairn_npm_lock_free(l);
}
END_TEST

Suite *pnpm_suite(void)
{
	Suite *s = suite_create("pnpm");
	TCase *tc = tcase_create("lockfile");

	tcase_add_test(tc, test_pnpm_lock_versions);
	tcase_add_test(tc, test_pnpm_lock_folders);
	tcase_add_test(tc, test_pnpm_lock_path_escape);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pnpm_yaml_hostile);
	tcase_add_test(tc, test_pnpm_yaml_truncated);
	suite_add_tcase(s, tc);
	return s;
}
