/*
 * check_tarball.c - the strict tar reader (archives built here byte by
 * byte: ustar, pax, GNU long names, links, '..', absolute paths, bad
 * checksums, truncation, a gzip bomb).
 */
#include "pkgtest.h"
#include "tarball.h"

#include <openssl/evp.h>
#include <zlib.h>

static void tar_header(cairn_buf *t, const char *name, char type, uint64_t size,
		       const char *link)
{
	unsigned char h[512];
	unsigned sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	strncpy((char *)h, name, 100);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	memcpy(h + 136, "00000000000", 11);
	h[156] = (unsigned char)type;
	if (link)
		strncpy((char *)h + 157, link, 100);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	cairn_buf_add(t, h, 512);
}

static void tar_data(cairn_buf *t, const void *p, size_t n)
{
	static const char zero[512];

	cairn_buf_add(t, p, n);
	if (n % 512)
		cairn_buf_add(t, zero, 512 - n % 512);
}

static void tar_file(cairn_buf *t, const char *name, const char *content)
{
	tar_header(t, name, '0', strlen(content), NULL);
	tar_data(t, content, strlen(content));
}

static void tar_end(cairn_buf *t)
{
	static const char zero[1024];

	cairn_buf_add(t, zero, sizeof(zero));
}

static void gzip_buf(cairn_buf *out, const void *in, size_t n)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cairn_buf_grow(out, deflateBound(&z, n));
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)out->data + out->len;
	z.avail_out = (uInt)(out->cap - out->len - 1);
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->len += z.total_out;
	deflateEnd(&z);
}

typedef struct seen {
	char paths[16][256];
	unsigned char sha[16][32];
	int kinds[16];
	int n;
} seen;

static int seen_cb(void *ctx, const cairn_tar_member *m)
{
	seen *s = ctx;

	if (s->n < 16) {
		snprintf(s->paths[s->n], 256, "%s", m->path);
		memcpy(s->sha[s->n], m->sha256, 32);
		s->kinds[s->n] = m->kind;
		s->n++;
	}
	return 0;
}

static int scan(const cairn_buf *t, int gz, seen *s)
{
	cairn_buf z = CAIRN_BUF_INIT;
	int rc;

	memset(s, 0, sizeof(*s));
	if (gz) {
		gzip_buf(&z, t->data, t->len);
		rc = cairn_tarball_scan(z.data, z.len, 1, seen_cb, s, "t.tgz");
	} else {
		rc = cairn_tarball_scan(t->data, t->len, 1, seen_cb, s, "t.tar");
	}
	cairn_buf_release(&z);
	return rc;
}

START_TEST(test_tarball_members)
{
	cairn_buf t = CAIRN_BUF_INIT;
	seen s;
	unsigned char want[32];
	char longname[300];

	tar_header(&t, "package/", '5', 0, NULL);
	tar_file(&t, "package/package.json", "{\"name\":\"x\"}");
	tar_file(&t, "package/lib/a.js", "module.exports = 1;\n");
	tar_header(&t, "package/lib/link.js", '2', 0, "a.js");
	/* pax long path */
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "package/", 8);
	longname[250] = '\0';
	{
		char rec[400];
		int n = snprintf(rec, sizeof(rec), "000 path=%s\n", longname);
		char len[8];

		snprintf(len, sizeof(len), "%03d", n);
		memcpy(rec, len, 3);
		tar_header(&t, "PaxHeader", 'x', (uint64_t)n, NULL);
		tar_data(&t, rec, (size_t)n);
	}
	tar_file(&t, "ignored-short-name", "long");
	tar_end(&t);
	ck_assert_int_eq(scan(&t, 1, &s), 0);
	ck_assert_int_eq(s.n, 4);
	ck_assert_str_eq(s.paths[0], "package.json");
	ck_assert_str_eq(s.paths[1], "lib/a.js");
	ck_assert_int_eq(s.kinds[2], CAIRN_TAR_SYMLINK);
	ck_assert_str_eq(s.paths[3], longname + 8);
	cairn_pkg_sha256(want, "module.exports = 1;\n", 20);
	ck_assert_mem_eq(s.sha[1], want, 32);
	/* the same uncompressed */
	ck_assert_int_eq(scan(&t, 0, &s), 0);
	ck_assert_int_eq(s.n, 4);
	cairn_buf_release(&t);
}
END_TEST

START_TEST(test_tarball_refuses_escapes)
{
	static const struct { const char *name; char type; const char *link; } bad[] = {
		{ "package/../../etc/cron.d/x", '0', NULL },
		{ "/etc/passwd", '0', NULL },
		{ "package/a/../../../x", '0', NULL },
		{ "package/l", '2', "../../etc/passwd" },
		{ "package/l", '2', "/etc/passwd" },
		{ "package/sub/l", '2', "../../x" },
		{ "package/h", '1', "package/../../x" },
		{ "package/h", '1', "/etc/shadow" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cairn_buf t = CAIRN_BUF_INIT;
		seen s;

		tar_file(&t, "package/ok.js", "ok");
		tar_header(&t, bad[i].name, bad[i].type, bad[i].type == '0' ? 2 : 0, bad[i].link);
		if (bad[i].type == '0')
			tar_data(&t, "no", 2);
		tar_end(&t);
		ck_assert_msg(scan(&t, 1, &s) == CAIRN_EFORMAT, "%s accepted", bad[i].name);
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "refused"));
		cairn_buf_release(&t);
	}
	/* a link that stays inside is fine */
	{
		cairn_buf t = CAIRN_BUF_INIT;
		seen s;

		tar_header(&t, "package/sub/l", '2', 0, "../ok.js");
		tar_end(&t);
		ck_assert_int_eq(scan(&t, 1, &s), 0);
		cairn_buf_release(&t);
	}
}
END_TEST

START_TEST(test_tarball_malformed)
{
	cairn_buf t = CAIRN_BUF_INIT, z = CAIRN_BUF_INIT;
	seen s;

	/* bad checksum */
	tar_file(&t, "package/a", "x");
	t.data[148] = '7';
	tar_end(&t);
	ck_assert_int_eq(scan(&t, 1, &s), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "checksum"));
	cairn_buf_clear(&t);
	/* truncated in the middle of a member */
	tar_header(&t, "package/big", '0', 100000, NULL);
	tar_data(&t, "abc", 3);
	ck_assert_int_eq(scan(&t, 1, &s), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "truncated"));
	/* truncated gzip stream */
	cairn_buf_clear(&t);
	tar_file(&t, "package/a", "hello hello hello hello");
	tar_end(&t);
	gzip_buf(&z, t.data, t.len);
	memset(&s, 0, sizeof(s));
	ck_assert_int_lt(cairn_tarball_scan(z.data, z.len / 2, 1, seen_cb, &s, "half.tgz"), 0);
	/* garbage that starts like gzip */
	z.data[10] ^= 0x55;
	z.data[11] ^= 0x55;
	ck_assert_int_lt(cairn_tarball_scan(z.data, z.len, 1, seen_cb, &s, "bad.tgz"), 0);
	ck_assert_int_lt(cairn_tarball_scan("", 0, 1, seen_cb, &s, "empty"), 0);
	cairn_buf_release(&t);
	cairn_buf_release(&z);
}
END_TEST

START_TEST(test_tarball_gzip_bomb)
{
	/* 256 MiB of zeros in one member compress to ~250 KiB: the reader
	 * must stop at 100 x compressed + 1 MiB, not inflate it all */
	size_t big = 256u << 20;
	char *zeros = cairn_calloc(1, big + 1024);
	cairn_buf t = CAIRN_BUF_INIT, z = CAIRN_BUF_INIT;
	seen s;
	int rc;

	tar_header(&t, "package/bomb", '0', big, NULL);
	cairn_buf_add(&t, zeros, big);
	tar_end(&t);
	free(zeros);
	gzip_buf(&z, t.data, t.len);
	cairn_buf_release(&t);
	memset(&s, 0, sizeof(s));
	rc = cairn_tarball_scan(z.data, z.len, 1, seen_cb, &s, "bomb.tgz");
	ck_assert_int_eq(rc, CAIRN_ELIMIT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "bomb"));
	ck_assert_int_eq(s.n, 0);
	cairn_buf_release(&z);
}
END_TEST

Suite *tarball_suite(void)
{
	Suite *s = suite_create("tarball");
	TCase *tc = tcase_create("tar");

	tcase_add_test(tc, test_tarball_members);
	tcase_add_test(tc, test_tarball_refuses_escapes);
	tcase_add_test(tc, test_tarball_malformed);
	tcase_add_test(tc, test_tarball_gzip_bomb);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
