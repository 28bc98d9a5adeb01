/*
 * check_pip.c - RECORD parsing, dist-info verification (a real pip
 * install, tampered: tests/fixtures/packages/pip-site), requirements
 * files.  The check of this machine's own site-packages against an
 * independent Python implementation is tests/cli/snap-packages/pip-site.sh.
 */
#include "pip.h"
#include "pkgtest.h"

typedef struct rows {
	char got[8][3][128];
	int n;
} rows;

static int rows_cb(void *ctx, const char *path, const char *hash, const char *size)
{
	rows *r = ctx;

	if (r->n < 8) {
		snprintf(r->got[r->n][0], 128, "%s", path);
		snprintf(r->got[r->n][1], 128, "%s", hash);
		snprintf(r->got[r->n][2], 128, "%s", size);
	}
	r->n++;
	return 0;
}

START_TEST(test_pip_record_parse)
{
	static const char rec[] =
		"a/__init__.py,sha256=9vP9xwiksNciZ2f6TJstNg57dn8_lMDEOFMrPqUiygA,30\r\n"
		"\"a/with,comma.py\",sha256=AAAA,1\n"
		"\"a/quote\"\"d.py\",,\n"
		"\n"
		"a-1.0.dist-info/RECORD,,";
	rows r;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(cairn_pip_record_parse(rec, sizeof(rec) - 1, rows_cb, &r, "RECORD"), 4);
	ck_assert_str_eq(r.got[0][0], "a/__init__.py");
	ck_assert_str_eq(r.got[0][2], "30");
	ck_assert_str_eq(r.got[1][0], "a/with,comma.py");
	ck_assert_str_eq(r.got[2][0], "a/quote\"d.py");
	ck_assert_str_eq(r.got[2][1], "");
	ck_assert_str_eq(r.got[3][0], "a-1.0.dist-info/RECORD");
}
END_TEST

START_TEST(test_pip_record_malformed)
{
	static const char *bad[] = { "a,b\n", "a,b,c,d\n", "\"a,b,c\n", "x,y,z\nonly\n" };
	size_t i;
	rows r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0, sizeof(r));
		ck_assert_int_eq(cairn_pip_record_parse(bad[i], strlen(bad[i]), rows_cb, &r, "RECORD"),
				 CAIRN_EFORMAT);
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "RECORD: line"));
	}
	ck_assert_int_eq(cairn_pip_record_parse("a,b,c\0", 6, rows_cb, &r, "R"), CAIRN_EFORMAT);
}
END_TEST

START_TEST(test_pip_dist_info_tampered)
{
	char *root = pt_fixture("pip-site");
	json_t *recs = pt_analyze(root, NULL);
	json_t *r = pt_find(recs, "package", "path", "demo_pkg-1.0.0.dist-info"), *f;
	char *flags;

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "ecosystem")), "pypi");
	ck_assert_str_eq(json_string_value(json_object_get(r, "project")), "site-packages");
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "demo-pkg");
	ck_assert_str_eq(json_string_value(json_object_get(r, "version")), "1.0.0");
	ck_assert_str_eq(json_string_value(json_object_get(r, "installer")), "pip");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(r, "direct_url"), "archive_info"));
	flags = pt_flags(r);
	ck_assert_str_eq(flags, "record_mismatch,record_unlisted");
	free(flags);
	f = json_object_get(r, "files");
	/* the RECORD hash of __init__.py was changed by hand */
	ck_assert_uint_eq(json_array_size(json_object_get(f, "modified")), 1);
	ck_assert(pt_has(json_object_get(f, "modified"), "demo_pkg/__init__.py"));
	ck_assert_uint_eq(json_array_size(json_object_get(f, "added")), 1);
	ck_assert(pt_has(json_object_get(f, "added"), "demo_pkg/evil.py"));
	ck_assert_int_eq(json_integer_value(json_object_get(f, "added_bytecode")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(f, "missing")), 0);
	/* pip --target wrote ../../bin/demo: outside the root, not checked */
	ck_assert(pt_has(json_object_get(f, "outside_root"), "../../bin/demo"));
	ck_assert(pt_has(json_object_get(f, "unhashed"), "demo_pkg-1.0.0.dist-info/RECORD"));
	ck_assert_int_eq(json_integer_value(json_object_get(f, "matching")), 7);
	json_decref(recs);
	free(root);
}
END_TEST

/* Deleting a listed file and changing a byte of another, in a copy. */
START_TEST(test_pip_dist_info_missing_and_modified)
{
	char *src = pt_fixture("pip-site"), *dir = pt_mkdtemp();
	json_t *recs, *f;

	ck_assert_int_eq(pt_sh("cp -a '%s/.' '%s/' && rm '%s/site-packages/demo_pkg/data.py'"
			       " && printf x >> '%s/site-packages/demo_pkg-1.0.0.dist-info/WHEEL'",
			       src, dir, dir, dir), 0);
	recs = pt_analyze(dir, NULL);
	f = json_object_get(pt_find(recs, "package", "path", "demo_pkg-1.0.0.dist-info"), "files");
	ck_assert(pt_has(json_object_get(f, "missing"), "demo_pkg/data.py"));
	ck_assert(pt_has(json_object_get(f, "modified"), "demo_pkg-1.0.0.dist-info/WHEEL"));
	ck_assert_uint_eq(json_array_size(json_object_get(f, "missing")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(f, "modified")), 2);
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
	free(src);
}
END_TEST

/* The decoder writes nothing past its capacity: a value one byte too
 * long is CAIRN_ELIMIT with the canary after the room intact. */
START_TEST(test_pip_b64_capacity)
{
	unsigned char out[33];
	char in[3001];

	memset(out, 0xa5, sizeof(out));
	/* 43 chars = 32 bytes: fits exactly */
	ck_assert_int_eq(cairn_b64_decode(out, 32, "9vP9xwiksNciZ2f6TJstNg57dn8_lMDEOFMrPqUiygA", 43), 32);
	ck_assert_uint_eq(out[32], 0xa5);
	/* 44 chars = 33 bytes: one over */
	memset(out, 0xa5, sizeof(out));
	ck_assert_int_eq(cairn_b64_decode(out, 32, "9vP9xwiksNciZ2f6TJstNg57dn8_lMDEOFMrPqUiygAA", 44), CAIRN_ELIMIT);
	ck_assert_uint_eq(out[0], 0xa5);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "more than 32 bytes"));
	/* the 3,000-character RECORD value */
	memset(in, 'A', 3000);
	in[3000] = '\0';
	ck_assert_int_eq(cairn_b64_decode(out, 32, in, 3000), CAIRN_ELIMIT);
	ck_assert_uint_eq(out[0], 0xa5);
	/* padding, both alphabets, bad characters, a dangling 6 bits */
	ck_assert_int_eq(cairn_b64_decode(out, 32, "+/8=", 4), 2);
	ck_assert_int_eq(cairn_b64_decode(out, 32, "-_8", 3), 2);
	ck_assert_uint_eq(out[0], 0xfb);
	ck_assert_int_eq(cairn_b64_decode(out, 32, "AA*A", 4), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_b64_decode(out, 32, "AAAAA", 5), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_b64_decode(out, 0, "", 0), 0);
}
END_TEST

/* setuptools .egg-info in a site folder: a package record, its files
 * listed (installed-files.txt, relative to the .egg-info folder) but not
 * verifiable by hash; an .egg-info in a source tree is not an install. */
START_TEST(test_pip_egg_info)
{
	char *dir = pt_mkdtemp();
	json_t *recs, *r, *f, *cov;
	char *flags;

	ck_assert_int_eq(pt_sh("cd '%s' && mkdir -p lib/site-packages/foo-1.0-py3.11.egg-info "
			       "lib/site-packages/foo src/bar.egg-info && "
			       "printf 'Metadata-Version: 1.1\nName: foo\nVersion: 1.0\n' > "
			       "lib/site-packages/foo-1.0-py3.11.egg-info/PKG-INFO && "
			       "printf '../foo/__init__.py\n../foo/gone.py\nPKG-INFO\n../../../bin/foo\n' > "
			       "lib/site-packages/foo-1.0-py3.11.egg-info/installed-files.txt && "
			       "echo x > lib/site-packages/foo/__init__.py && "
			       "printf 'Name: bar\nVersion: 2\n' > src/bar.egg-info/PKG-INFO && "
			       "printf 'Metadata-Version: 1.0\nName: old\nVersion: 0.1\n' > "
			       "lib/site-packages/old-0.1.egg-info", dir), 0);
	recs = pt_analyze(dir, NULL);
	ck_assert_ptr_null(pt_find(recs, "package", "name", "bar"));
	r = pt_find(recs, "package", "path", "foo-1.0-py3.11.egg-info");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "foo");
	ck_assert_str_eq(json_string_value(json_object_get(r, "version")), "1.0");
	ck_assert_str_eq(json_string_value(json_object_get(r, "project")), "lib/site-packages");
	flags = pt_flags(r);
	ck_assert_str_eq(flags, "egg_info");
	free(flags);
	f = json_object_get(r, "files");
	ck_assert_str_eq(json_string_value(json_object_get(f, "status")), "egg_info");
	ck_assert_str_eq(json_string_value(json_object_get(f, "source")),
			 "lib/site-packages/foo-1.0-py3.11.egg-info/installed-files.txt");
	/* present files are listed as unchecked; nothing is "missing" or
	 * "modified" (that would be a P10 from a list without hashes) */
	ck_assert(pt_has(json_object_get(f, "unhashed"), "foo/__init__.py"));
	ck_assert(pt_has(json_object_get(f, "unhashed"), "foo-1.0-py3.11.egg-info/PKG-INFO"));
	ck_assert(pt_has(json_object_get(f, "unhashed"), "../../bin/foo"));
	ck_assert_uint_eq(json_array_size(json_object_get(f, "missing")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(f, "modified")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "file_count")), 2);
	ck_assert(pt_has(json_object_get(f, "unhashed"), "foo/gone.py"));
	cov = json_object_get(r, "coverage");
	ck_assert(json_is_false(json_object_get(cov, "verified")));
	ck_assert_str_eq(json_string_value(json_object_get(cov, "reason")), "egg_info");
	ck_assert_str_eq(json_string_value(json_object_get(cov, "detail")),
			 "setuptools .egg-info: installed-files.txt lists 4 files without hashes");
	/* distutils: PKG-INFO as a file named *.egg-info */
	r = pt_find(recs, "package", "path", "old-0.1.egg-info");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "version")), "0.1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "coverage"), "detail")),
			 "setuptools .egg-info: no list of installed files");
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(test_pip_requirements)
{
	static const char req[] =
		"# comment\n"
		"requests==2.31.0\n"
		"flask>=3.0  # trailing comment\n"
		"django==4.2.*\n"
		"urllib3==2.0.7 \\\n"
		"    --hash=sha256:aaaa \\\n"
		"    --hash=sha256:bbbb\n"
		"pkg[extra]===1.0 ; python_version >= \"3.8\"\n"
		"-r other.txt\n"
		"git+https://github.com/x/y.git#egg=y\n";
	cairn_recs recs;
	json_t *r;
	int n;

	cairn_recs_init(&recs);
	n = cairn_pip_requirements(&recs, "requirements.txt", req, sizeof(req) - 1);
	ck_assert_int_eq(n, 7);
	cairn_recs_sort(&recs);
	r = recs.v[0].rec;
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "requests");
	ck_assert(json_is_true(json_object_get(r, "pinned")));
	r = recs.v[1].rec;
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "flask");
	ck_assert(json_is_false(json_object_get(r, "pinned")));
	ck_assert_str_eq(json_string_value(json_object_get(r, "text")), "flask>=3.0");
	r = recs.v[2].rec;
	ck_assert(json_is_false(json_object_get(r, "pinned")));   /* wildcard */
	r = recs.v[3].rec;
	ck_assert_int_eq(json_integer_value(json_object_get(r, "line")), 5);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "hashes")), 2);
	ck_assert(json_is_true(json_object_get(r, "pinned")));
	r = recs.v[4].rec;
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "pkg");
	ck_assert_str_eq(json_string_value(json_object_get(r, "spec")), "===1.0");
	ck_assert(json_is_true(json_object_get(r, "pinned")));
	ck_assert(json_is_null(json_object_get(recs.v[5].rec, "name")));
	ck_assert(json_is_null(json_object_get(recs.v[6].rec, "name")));
	cairn_recs_release(&recs);
}
END_TEST

Suite *pip_suite(void)
{
	Suite *s = suite_create("pip");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, test_pip_record_parse);
	tcase_add_test(tc, test_pip_record_malformed);
	suite_add_tcase(s, tc);
	tc = tcase_create("dist-info");
	tcase_add_test(tc, test_pip_dist_info_tampered);
	tcase_add_test(tc, test_pip_dist_info_missing_and_modified);
	tcase_add_test(tc, test_pip_b64_capacity);
	tcase_add_test(tc, test_pip_egg_info);
	suite_add_tcase(s, tc);
	tc = tcase_create("requirements");
	tcase_add_test(tc, test_pip_requirements);
	suite_add_tcase(s, tc);
	return s;
}
