/*
 * check_cacache.c - the npm cache (cacache): SRI integrity strings, the
 * content path of a digest, reading a tarball by integrity from the
 * fixture cache, and a corrupt entry reported as cache_corrupt.
 */
#include "cacache.h"
#include "pkgtest.h"
#include "tarball.h"

static int count_cb(void *ctx, const cairn_tar_member *m)
{
	(void)m;
	(*(int *)ctx)++;
	return 0;
}

START_TEST(test_cacache_integrity)
{
	char algo[8];
	unsigned char d[64];
	size_t n;
	char *p;
	/* sha512 of "hello" and a wrong sha1 next to it */
	static const char sri[] =
		"sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA= "
		"sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==";

	ck_assert_int_eq(cairn_integrity_parse(sri, algo, d, &n), 0);
	ck_assert_str_eq(algo, "sha512");
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(cairn_integrity_check("hello", 5, sri), 0);
	ck_assert_int_eq(cairn_integrity_check("hellO", 5, sri), CAIRN_EVERIFY);
	ck_assert_int_eq(cairn_integrity_check("hello", 5, "md5-XUFAKrxLKna5cZ2REBfFkg=="), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_integrity_check("hello", 5, "sha512-AA=="), CAIRN_EFORMAT);
	p = cairn_cacache_content_path(sri);
	ck_assert_str_eq(p, "content-v2/sha512/9b/71/d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043");
	free(p);
}
END_TEST

START_TEST(test_cacache_read_fixture)
{
	char *cache = pt_fixture("npm-cache/_cacache");
	int fd = open(cache, O_RDONLY | O_DIRECTORY);
	cairn_buf b = CAIRN_BUF_INIT;
	static const char ms[] =
		"sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==";
	int members = 0;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cairn_cacache_read(&b, fd, ms, "cache"), 0);
	ck_assert_int_eq(cairn_tarball_scan(b.data, b.len, 1, count_cb, &members,
					    "ms.tgz"), 0);
	ck_assert_int_eq(members, 4);
	/* a digest that is not there */
	ck_assert_int_eq(cairn_cacache_read(&b, fd,
		"sha512-AAAAubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==",
		"cache"), CAIRN_ENOTFOUND);
	close(fd);
	cairn_buf_release(&b);
	free(cache);
}
END_TEST

/* A cache entry whose bytes do not match the integrity is cache_corrupt,
 * not verified. */
START_TEST(test_cacache_corrupt_entry)
{
	char *src = pt_fixture("npm-cache"), *v3 = pt_fixture("npm-v3");
	char *dir = pt_mkdtemp(), cache[4096];
	cairn_analyze_opts o = { .packages = 1 };
	json_t *recs, *r;

	ck_assert_int_eq(pt_sh("cp -a '%s/_cacache' '%s/' && cp -a '%s' '%s/app'", src, dir, v3, dir), 0);
	/* ms-2.1.3.tgz in content-v2: flip one byte */
	ck_assert_int_eq(pt_sh("f=$(find '%s/_cacache/content-v2' -size -5k -type f | head -n 1);"
			       " printf 'X' | dd of=\"$f\" bs=1 seek=100 conv=notrunc 2>/dev/null", dir), 0);
	snprintf(cache, sizeof(cache), "%s/_cacache", dir);
	o.npm_cache = cache;
	{
		char root[4200];

		snprintf(root, sizeof(root), "%s/app", dir);
		recs = pt_analyze(root, &o);
	}
	{
		int corrupt = 0;
		size_t i;

		for (i = 0; i < json_array_size(recs); i++) {
			r = json_array_get(recs, i);
			if (strcmp(json_string_value(json_object_get(r, "type")), "package"))
				continue;
			if (!strcmp(json_string_value(json_object_get(json_object_get(r, "files"), "status")),
				    "cache_corrupt"))
				corrupt++;
		}
		ck_assert_int_eq(corrupt, 1);
	}
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
	free(src);
	free(v3);
}
END_TEST

Suite *cacache_suite(void)
{
	Suite *s = suite_create("cacache");
	TCase *tc = tcase_create("cacache");

	tcase_add_test(tc, test_cacache_integrity);
	tcase_add_test(tc, test_cacache_read_fixture);
	tcase_add_test(tc, test_cacache_corrupt_entry);
	suite_add_tcase(s, tc);
	return s;
}
