/*
 * check_dpkg.c - the dpkg database reader: md5sums lines (good, binary
 * marker, malformed, path escapes, NUL), ownership from the .list files
 * of tests/fixtures/packages/pip-dpkg (real Debian 12 files), merged-/usr
 * canonical paths.  The comparison with `dpkg --verify` on this machine
 * is tests/cli/snap-packages/pip-dpkg-host.sh.
 */
#include "dpkg.h"
#include "pkgtest.h"

typedef struct seen {
	char path[8][128];
	unsigned char first[16];
	int n;
} seen;

static int seen_cb(void *ctx, const char *path, const unsigned char md5[16])
{
	seen *s = ctx;

	if (s->n == 0)
		memcpy(s->first, md5, 16);
	if (s->n < 8)
		snprintf(s->path[s->n], sizeof(s->path[0]), "%s", path);
	s->n++;
	return 0;
}

START_TEST(test_dpkg_md5sums_parse)
{
	static const char good[] =
		"efedc50e0a2e8017f30680958492a1c4  usr/lib/python3/dist-packages/a b.py\n"
		"\n"
		"EFEDC50E0A2E8017F30680958492A1C4 *usr/bin/x\n"
		"00000000000000000000000000000000  /etc/y";
	static const char *const bad[] = {
		"efedc50e0a2e8017f30680958492a1c  usr/x\n",     /* 31 digits */
		"efedc50e0a2e8017f30680958492a1cg  usr/x\n",    /* not hex */
		"efedc50e0a2e8017f30680958492a1c4 usr/x\n",     /* one space */
		"efedc50e0a2e8017f30680958492a1c4  \n",         /* no path */
		"efedc50e0a2e8017f30680958492a1c4  usr/../../etc/shadow\n",
		"efedc50e0a2e8017f30680958492a1c4  ..\n",
	};
	seen s;
	size_t i;

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cairn_dpkg_md5sums_parse(NULL, good, sizeof(good) - 1, "m", seen_cb, &s), 4);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.path[0], "/usr/lib/python3/dist-packages/a b.py");
	ck_assert_str_eq(s.path[1], "/usr/bin/x");
	ck_assert_str_eq(s.path[2], "/etc/y");
	ck_assert_uint_eq(s.first[0], 0xef);
	ck_assert_uint_eq(s.first[15], 0xc4);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		ck_assert_int_eq(cairn_dpkg_md5sums_parse(NULL, bad[i], strlen(bad[i]), "m", seen_cb, &s),
				 CAIRN_EFORMAT);
		ck_assert_int_eq(s.n, 0);
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "m: line 1: "));
	}
	ck_assert_int_eq(cairn_dpkg_md5sums_parse(NULL, "efedc50e0a2e8017f30680958492a1c4  a\0b\n", 37,
						  "m", seen_cb, &s), CAIRN_EFORMAT);
}
END_TEST

START_TEST(test_dpkg_owner)
{
	char *root = pt_fixture("pip-dpkg");
	static const char merged[] = "efedc50e0a2e8017f30680958492a1c4  lib/x\n"
				     "efedc50e0a2e8017f30680958492a1c4  libexec/y\n";
	const char *pfx[] = { "/usr/lib/python3/dist-packages" };
	cairn_dpkg *db = NULL;
	size_t bad = 1, lo, hi;
	seen s;

	ck_assert_int_eq(cairn_dpkg_open(&db, root), 0);
	ck_assert_int_gt(cairn_dpkg_index(db, pfx, 1, &bad), 0);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(cairn_dpkg_owner(db, "/usr/lib/python3/dist-packages/blinker-1.5.dist-info"),
			 "python3-blinker");
	ck_assert_str_eq(cairn_dpkg_owner(db, "/usr/lib/python3/dist-packages/six.py"), "python3-six");
	/* the shared folder goes to the first package in name order */
	ck_assert_str_eq(cairn_dpkg_owner(db, "/usr/lib/python3/dist-packages"), "python3-blinker");
	ck_assert_ptr_null(cairn_dpkg_owner(db, "/usr/lib/python3/dist-packages/blinker/evil.py"));
	/* outside the indexed prefix */
	ck_assert_ptr_null(cairn_dpkg_owner(db, "/usr/share/doc/python3-six/copyright"));
	lo = cairn_dpkg_range(db, "/usr/lib/python3/dist-packages/blinker/", &hi);
	ck_assert_uint_eq(hi - lo, 4);
	ck_assert_str_eq(cairn_dpkg_path(db, lo), "/usr/lib/python3/dist-packages/blinker/__init__.py");
	/* merged /usr: the fixture's lib is a link to usr/lib */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cairn_dpkg_md5sums_parse(db, merged, sizeof(merged) - 1, "m", seen_cb, &s), 2);
	ck_assert_str_eq(s.path[0], "/usr/lib/x");
	ck_assert_str_eq(s.path[1], "/libexec/y");
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cairn_dpkg_md5sums(db, "python3-six", seen_cb, &s), 8);
	ck_assert_str_eq(s.path[0], "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO");
	ck_assert_int_eq(cairn_dpkg_md5sums(db, "python3-nothing", seen_cb, &s), CAIRN_ENOTFOUND);
	ck_assert_int_eq(cairn_dpkg_md5sums(db, "../x", seen_cb, &s), CAIRN_EUSAGE);
	cairn_dpkg_free(db);
	ck_assert_int_eq(cairn_dpkg_open(&db, "/nonexistent"), CAIRN_ENOTFOUND);
	ck_assert_ptr_null(db);
	cairn_dpkg_free(NULL);
	free(root);
}
END_TEST

/* md5sums as a sorted table (npm analyzer), and a folder's path on the
 * dpkg system */
START_TEST(test_dpkg_sums)
{
	char *root = pt_fixture("npm-dpkg");
	char *real = realpath(root, NULL), *sys;
	cairn_dpkg *db = NULL;
	cairn_dpkg_sums *sums = NULL;
	const unsigned char *md5 = NULL;
	size_t lo, hi;
	cairn_buf b = CAIRN_BUF_INIT;

	ck_assert_ptr_nonnull(real);
	ck_assert_int_eq(cairn_dpkg_open(&db, root), 0);
	ck_assert_int_eq(cairn_dpkg_sums_load(&sums, db, "nodejs"), 0);
	/* 50 corepack files and npm's package.json */
	lo = cairn_dpkg_sums_range(sums, "/usr/lib/node_modules/", &hi);
	ck_assert_uint_eq(hi - lo, 51);
	lo = cairn_dpkg_sums_range(sums, "/usr/lib/node_modules/corepack/", &hi);
	ck_assert_uint_eq(hi - lo, 50);
	ck_assert_str_eq(cairn_dpkg_sums_entry(sums, lo, &md5),
			 "/usr/lib/node_modules/corepack/dist/corepack.js");
	ck_assert_ptr_nonnull(md5);
	ck_assert_ptr_null(cairn_dpkg_sums_entry(sums, 51, NULL));
	md5 = cairn_dpkg_sums_find(sums, "/usr/lib/node_modules/npm/package.json");
	ck_assert_ptr_nonnull(md5);
	ck_assert_uint_eq(md5[0], 0x64);   /* 64d46569...: Debian's npm 10 manifest */
	ck_assert_ptr_null(cairn_dpkg_sums_find(sums, "/usr/lib/node_modules/npm"));
	cairn_dpkg_sums_free(sums);
	ck_assert_int_eq(cairn_dpkg_sums_load(&sums, db, "python3-nothing"), CAIRN_ENOTFOUND);
	ck_assert_ptr_null(sums);
	cairn_dpkg_sums_free(NULL);
	cairn_dpkg_free(db);

	cairn_buf_addf(&b, "%s/usr/lib/node_modules", real);
	sys = cairn_dpkg_system_path(b.data, root);
	ck_assert_str_eq(sys, "/usr/lib/node_modules");
	free(sys);
	sys = cairn_dpkg_system_path(real, root);
	ck_assert_str_eq(sys, "/");
	free(sys);
	sys = cairn_dpkg_system_path(b.data, NULL);
	ck_assert_str_eq(sys, b.data);
	free(sys);
	/* a sibling whose name starts with the root's is not below it */
	cairn_buf_clear(&b);
	cairn_buf_addf(&b, "%s-x/usr", real);
	ck_assert_ptr_null(cairn_dpkg_system_path(b.data, root));
	ck_assert_ptr_null(cairn_dpkg_system_path(NULL, root));
	cairn_buf_release(&b);
	free(real);
	free(root);
}
END_TEST

Suite *dpkg_suite(void)
{
	Suite *s = suite_create("dpkg");
	TCase *tc = tcase_create("dpkg");

	tcase_add_test(tc, test_dpkg_md5sums_parse);
	tcase_add_test(tc, test_dpkg_owner);
	tcase_add_test(tc, test_dpkg_sums);
	suite_add_tcase(s, tc);
	return s;
}
