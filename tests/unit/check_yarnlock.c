/*
 * check_yarnlock.c - yarn.lock v1 (strict hand-written reader) and yarn 2+
 * (YAML) from the real yarn 1 and yarn 4 installs
 * (tests/fixtures/packages/yarn1, berry), bun.lock's trailing-comma
 * pre-pass and path keys (tests/fixtures/packages/bun), and hostile
 * input: truncation at every length, tabs, odd indents, control bytes,
 * unterminated strings, a 2 MB line, NUL, path escapes in names.
 */
#include "yarnlock.h"
#include "bunlock.h"
#include "yarnzip.h"
#include "pkgtest.h"

START_TEST(test_yarnlock_v1_fixture)
{
	cairn_buf b = pt_read_fixture("yarn1", "yarn.lock");
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;

	ck_assert_msg(cairn_yarn_lock_parse(&l, b.data, b.len, "yarn.lock") == 0, "%s",
		      cairn_error_last());
	ck_assert_int_eq(l->lockfile_version, 1);
	ck_assert_int_eq(l->by_name, 1);
	ck_assert_uint_eq(l->n, 4);
	e = cairn_npm_lock_find(l, "@tootallnate/once@2.0.0");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->name, "@tootallnate/once");
	ck_assert_str_eq(e->resolved, "https://registry.yarnpkg.com/@tootallnate/once/-/once-2.0.0.tgz#f544a148d3ab35801c1f633a7441fd87c2e484bf");
	ck_assert_str_eq(e->integrity, "sha512-XCuKFP5PS55gnMVu3dty8KPatLqUoy/ZYzDzAGCQ8JNFCkLXzmI7vNHCR+XpbZaMWQK/vQubr7PkYq8g470J/A==");
	ck_assert_str_eq(l->registry_host, "registry.yarnpkg.com");
	cairn_npm_lock_free(l);
	cairn_buf_release(&b);
}
END_TEST

START_TEST(test_yarnlock_berry_fixture)
{
	cairn_buf b = pt_read_fixture("berry", "yarn.lock");
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;

	ck_assert_msg(cairn_yarn_lock_parse(&l, b.data, b.len, "yarn.lock") == 0, "%s",
		      cairn_error_last());
	ck_assert_str_eq(l->version_text, "berry");
	ck_assert_int_ge(l->lockfile_version, 4);
	/* the workspace itself is not a package */
	ck_assert_uint_eq(l->n, 4);
	e = cairn_npm_lock_find(l, "debug@4.3.4");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->resolved, "debug@npm:4.3.4");
	ck_assert_ptr_nonnull(strstr(e->integrity, "/cedbec45298dd5c5"));
	cairn_npm_lock_free(l);
	cairn_buf_release(&b);
}
END_TEST

START_TEST(test_yarnlock_v1_forms)
{
	static const char y[] =
		"# yarn lockfile v1\r\n"
		"\n"
		"\"@a/b@^1.0.0\", \"@a/b@~1.0.1\":\n"
		"  version \"1.0.2\"\n"
		"  resolved \"https://r.example/@a/b/-/b-1.0.2.tgz#abc\"\n"
		"  dependencies:\n"
		"    c \"^2\"\n"
		"    \"@d/e\" \"1.x || >=2.5.0\"\n"
		"  optionalDependencies:\n"
		"    f \"*\"\n"
		"c@^2, c@2.0.0:\n"
		"  version \"2.0.0\"\n"
		"  integrity sha1-AAAA\n"
		"\"wrap-ansi-cjs@npm:wrap-ansi@^7.0.0\":\n"
		"  version \"7.0.0\"\n"
		"\"g@git+https://x/g.git#abc\":\n"
		"  version \"0.1.0\"\n"
		"  resolved \"git+https://x/g.git#abc\"\n";
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;

	ck_assert_msg(cairn_yarn_lock_parse(&l, y, sizeof(y) - 1, "y") == 0, "%s", cairn_error_last());
	ck_assert_uint_eq(l->n, 4);
	/* an alias is the real package (bound by its manifest's name) */
	ck_assert_ptr_nonnull(cairn_npm_lock_find(l, "wrap-ansi@7.0.0"));
	e = cairn_npm_lock_find(l, "@a/b@1.0.2");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e->integrity);
	e = cairn_npm_lock_find(l, "c@2.0.0");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->integrity, "sha1-AAAA");
	e = cairn_npm_lock_find(l, "g@0.1.0");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->resolved, "git+https://x/g.git#abc");
	cairn_npm_lock_free(l);
}
END_TEST

static int yrc(const char *s)
{
	cairn_npm_lock *l = NULL;
	int rc = cairn_yarn_lock_parse(&l, s, strlen(s), "bad");

	ck_assert((rc == 0) == (l != NULL));
	cairn_npm_lock_free(l);
	return rc;
}

START_TEST(test_yarnlock_hostile)
{
	static const char *const bad[] = {
		"a@1:\n\tversion \"1\"\n",               /* tab */
		"a@1:\n   version \"1\"\n",              /* indent 3 */
		"a@1:\n  version \"1\n",                 /* unterminated */
		"a@1:\n  version \"1\x01\"\n",           /* control byte */
		"a@1:\n  version \"\\u0041\"\n",         /* escape yarn never writes */
		"a@1\n  version \"1\"\n",                /* header without ':' */
		"a@1:\n  version\n",                     /* key without value */
		"a@1:\n  version \"1\" x\n",             /* trailing bytes */
		"a@1:\n    b \"1\"\n",                   /* block line outside a block */
		"  version \"1\"\n",                     /* field before any entry */
		"a@1:\n  resolved \"x\"\n",              /* no version */
		"noat:\n  version \"1\"\n",              /* spec without @range */
		"a@1:\n  version \"1\"\n\x00",           /* NUL (strlen stops: below) */
	};
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_npm_lock *l = NULL;
	size_t i;

	for (i = 0; i + 1 < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(yrc(bad[i]) == CAIRN_EFORMAT, "case %zu accepted", i);
	ck_assert_int_eq(cairn_yarn_lock_parse(&l, "a@1:\n  version \"1\"\n\0", 21, "nul"),
			 CAIRN_EFORMAT);
	/* a line longer than the cap */
	cairn_buf_addstr(&b, "a@1:\n  version \"");
	for (i = 0; i < CAIRN_YARN_MAX_LINE + 10; i++)
		cairn_buf_addch(&b, '1');
	cairn_buf_addstr(&b, "\"\n");
	ck_assert_int_eq(cairn_yarn_lock_parse(&l, b.data, b.len, "long"), CAIRN_ELIMIT);
	cairn_buf_release(&b);
	/* names that climb: kept as the lockfile says, keyed name@version */
	ck_assert_int_eq(yrc("\"../../x@1\":\n  version \"1\"\n"), 0);
	/* empty file: an empty lock */
	ck_assert_int_eq(cairn_yarn_lock_parse(&l, "", 0, "empty"), 0);
	ck_assert_uint_eq(l->n, 0);
	cairn_npm_lock_free(l);
}
END_TEST

START_TEST(test_yarnlock_truncated)
{
	static const char *const dirs[] = { "yarn1", "berry" };
	size_t d;

	for (d = 0; d < 2; d++) {
		cairn_buf b = pt_read_fixture(dirs[d], "yarn.lock");
		size_t n;

		for (n = 0; n <= b.len; n++) {
			cairn_npm_lock *l = NULL;
			int rc = cairn_yarn_lock_parse(&l, b.data, n, "cut");

			ck_assert(rc == 0 || rc == CAIRN_EFORMAT);
			cairn_npm_lock_free(l);
		}
		cairn_buf_release(&b);
	}
}
END_TEST

START_TEST(test_bunlock_fixture)
{
	cairn_buf b = pt_read_fixture("bun", "bun.lock");
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;

	ck_assert_msg(cairn_bun_lock_parse(&l, b.data, b.len, "bun.lock") == 0, "%s",
		      cairn_error_last());
	ck_assert_uint_eq(l->n, 4);
	e = cairn_npm_lock_find(l, "node_modules/@tootallnate/once");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->version, "2.0.0");
	ck_assert_ptr_null(e->resolved);
	ck_assert_str_eq(e->integrity, "sha512-XCuKFP5PS55gnMVu3dty8KPatLqUoy/ZYzDzAGCQ8JNFCkLXzmI7vNHCR+XpbZaMWQK/vQubr7PkYq8g470J/A==");
	cairn_npm_lock_free(l);
	cairn_buf_release(&b);
}
END_TEST

START_TEST(test_bunlock_forms)
{
	static const char y[] =
		"{\"lockfileVersion\": 1, \"packages\": {\n"
		"  \"a\": [\"a@1.0.0\", \"https://r.example/a.tgz\", {}, \"sha512-AAAA\"],\n"
		"  \"a/@s/b\": [\"@s/b@2.0.0\", \"\", {\"optional\": true,}, \"sha512-BBBB\",],\n"
		"  \"w\": [\"w@workspace:packages/w\",],\n"
		"  \"bad//x\": [\"x@1.0.0\", \"\", {}, \"sha512-CCCC\"],\n"
		"  \"s\": [\"s@1.0.0\", \"\", {\"k\": \"a,]\"}, \"sha512-DDDD\"],\n"
		"},}\n";
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;
	cairn_buf b = CAIRN_BUF_INIT;

	ck_assert_msg(cairn_bun_lock_parse(&l, y, sizeof(y) - 1, "b") == 0, "%s", cairn_error_last());
	ck_assert_uint_eq(l->n, 4);
	e = cairn_npm_lock_find(l, "node_modules/a/node_modules/@s/b");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->optional, 1);
	e = cairn_npm_lock_find(l, "node_modules/w");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->link, 1);
	cairn_npm_lock_free(l);
	/* the comma inside a string is data */
	ck_assert_int_eq(cairn_bun_strip_trailing_commas(&b, "[\"a,]\",]", 8, "s"), 0);
	ck_assert_str_eq(b.data, "[\"a,]\"]");
	ck_assert_int_eq(cairn_bun_strip_trailing_commas(&b, "[\"a\\\",]", 7, "s"), CAIRN_EFORMAT);
	cairn_buf_release(&b);
	ck_assert_int_eq(cairn_bun_lock_parse(&l, "{\"packages\":{}}", 15, "nover"), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_bun_lock_parse(&l, "{\"lockfileVersion\":1,,}", 23, "bad"), CAIRN_EFORMAT);
	ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_bunlock_truncated)
{
	cairn_buf b = pt_read_fixture("bun", "bun.lock");
	size_t n;

	for (n = 0; n <= b.len; n++) {
		cairn_npm_lock *l = NULL;
		int rc = cairn_bun_lock_parse(&l, b.data, n, "cut");

		ck_assert(rc == 0 || rc == CAIRN_EFORMAT);
		cairn_npm_lock_free(l);
	}
	cairn_buf_release(&b);
}
END_TEST

static int count_cb(void *ctx, const cairn_tar_member *m)
{
	(void)m;
	(*(size_t *)ctx)++;
	return 0;
}

static int zip_rc(const char *dir, const char *name, size_t *count)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int fd = open(dir, O_RDONLY | O_DIRECTORY), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cairn_safe_read(&b, fd, name, CAIRN_CAP_TARBALL, dir), 0);
	*count = 0;
	rc = cairn_zip_scan(b.data, b.len, "node_modules/p/", count_cb, count, name);
	close(fd);
	cairn_buf_release(&b);
	return rc;
}

/* Berry archives made hostile with python's zipfile: names that climb, a
 * deflate bomb, a CRC mismatch, truncation; the real archive reads. */
START_TEST(test_yarnzip_hostile)
{
	char *dir = pt_mkdtemp(), *real = pt_fixture("berry-cache");
	cairn_buf b = CAIRN_BUF_INIT;
	size_t count, n;
	int fd;

	ck_assert_int_eq(pt_sh("cd '%s' && python3 - <<'PY'\n"
			       "import zipfile\n"
			       "def mk(n, files, comp=zipfile.ZIP_DEFLATED):\n"
			       "    with zipfile.ZipFile(n, 'w', comp) as z:\n"
			       "        for k, v in files: z.writestr(k, v)\n"
			       "mk('ok.zip', [('node_modules/p/a.js', 'a'), ('node_modules/p/lib/b.js', 'b'), ('other/c', 'c')])\n"
			       "mk('climb.zip', [('node_modules/p/../../../etc/x', 'x')])\n"
			       "mk('abs.zip', [('/etc/x', 'x')])\n"
			       "mk('bomb.zip', [('node_modules/p/z', bytes(20 << 20))])\n"
			       "mk('crc.zip', [('node_modules/p/a.js', 'hello world')], zipfile.ZIP_STORED)\n"
			       "d = bytearray(open('crc.zip','rb').read()); i = d.find(b'hello'); d[i] ^= 1\n"
			       "open('crc.zip','wb').write(d)\n"
			       "PY", dir), 0);
	ck_assert_int_eq(zip_rc(dir, "ok.zip", &count), 0);
	ck_assert_uint_eq(count, 2);
	ck_assert_int_eq(zip_rc(dir, "climb.zip", &count), CAIRN_EFORMAT);
	ck_assert_msg(strstr(cairn_error_last(), "leaves the archive"), "%s", cairn_error_last());
	ck_assert_int_eq(zip_rc(dir, "abs.zip", &count), CAIRN_EFORMAT);
	ck_assert_int_eq(zip_rc(dir, "bomb.zip", &count), CAIRN_EFORMAT);
	ck_assert_msg(strstr(cairn_error_last(), "expands"), "%s", cairn_error_last());
	ck_assert_int_eq(zip_rc(dir, "crc.zip", &count), CAIRN_EFORMAT);
	/* every prefix of a real archive: read or refused, never a crash */
	fd = open(real, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cairn_safe_read(&b, fd, "ms-npm-2.1.2-ec0c1512ff-a437714e2f.zip",
					 CAIRN_CAP_TARBALL, real), 0);
	for (n = 0; n < b.len; n += 7) {
		int rc;

		count = 0;
		rc = cairn_zip_scan(b.data, n, "node_modules/ms/", count_cb, &count, "cut");
		ck_assert(rc == 0 || rc == CAIRN_EFORMAT);
	}
	count = 0;
	ck_assert_int_eq(cairn_zip_scan(b.data, b.len, "node_modules/ms/", count_cb, &count, "ms"), 0);
	ck_assert_uint_eq(count, 4);
	close(fd);
	cairn_buf_release(&b);
	pt_rm_rf(dir);
	free(dir);
	free(real);
}
END_TEST

Suite *yarnlock_suite(void)
{
	Suite *s = suite_create("yarnlock");
	TCase *tc = tcase_create("yarn");

	tcase_add_test(tc, test_yarnlock_v1_fixture);
	tcase_add_test(tc, test_yarnlock_berry_fixture);
	tcase_add_test(tc, test_yarnlock_v1_forms);
	tcase_add_test(tc, test_yarnlock_hostile);
	tcase_add_test(tc, test_yarnlock_truncated);
	suite_add_tcase(s, tc);
	tc = tcase_create("bun");
	tcase_add_test(tc, test_bunlock_fixture);
	tcase_add_test(tc, test_bunlock_forms);
	tcase_add_test(tc, test_bunlock_truncated);
	suite_add_tcase(s, tc);
	tc = tcase_create("zip");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_yarnzip_hostile);
	suite_add_tcase(s, tc);
	return s;
}
