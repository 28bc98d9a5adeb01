/*
 * check_url.c - the one URL parser.  The userinfo case is the one on which
 * cairn's two former host parsers disagreed.
 */
#include "cairn.h"
#include "url.h"

#include <check.h>
#include <string.h>

START_TEST(test_url_authority)
{
	static const struct {
		const char *in, *scheme, *host;
		int port, userinfo;
	} ok[] = {
		{ "https://registry.npmjs.org/x/-/x-1.0.0.tgz", "https", "registry.npmjs.org", -1, 0 },
		{ "https://user:tok@h.example/p", "https", "h.example", -1, 1 },
		{ "https://a@b@c.example:8443/", "https", "c.example", 8443, 1 },
		{ "HTTP://Registry.NPMJS.org", "http", "registry.npmjs.org", -1, 0 },
		{ "https://[2001:DB8::1]:443/x", "https", "2001:db8::1", 443, 0 },
		{ "https://[::1]", "https", "::1", -1, 0 },
		{ "git+ssh://git@github.com/a/b.git#abc", "git+ssh", "github.com", -1, 1 },
		{ "https://h.example:/x", "https", "h.example", -1, 0 },
		{ "https://h.example?q=1", "https", "h.example", -1, 0 },
		{ "https://h.example#frag", "https", "h.example", -1, 0 },
		{ "https://10.0.0.1:65535", "https", "10.0.0.1", 65535, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cairn_url u;

		ck_assert_msg(cairn_url_parse(&u, ok[i].in) == 0, "%s", ok[i].in);
		ck_assert_str_eq(u.scheme, ok[i].scheme);
		ck_assert_str_eq(u.host, ok[i].host);
		ck_assert_int_eq(u.port, ok[i].port);
		ck_assert_int_eq(u.has_userinfo, ok[i].userinfo);
	}
}
END_TEST

START_TEST(test_url_refuses)
{
	static const char *const bad[] = {
		"", "registry.npmjs.org/x", "https:/x", "https://", "https:///x",
		"https://user@/x", "https://h.example:99999/", "https://h.example:8a/",
		"https://[::1/x", "https://[::1]x/", "1http://h/", "ht tp://h/",
		"https://h ost/", "https://h\x1b[31m/", "https://h\x7f/",
		"file:/etc/passwd", "github:a/b",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cairn_url u;

		ck_assert_msg(cairn_url_parse(&u, bad[i]) == CAIRN_EFORMAT,
			      "accepted '%s'", bad[i]);
	}
}
END_TEST

START_TEST(test_url_http_host)
{
	char host[CAIRN_URL_HOST_MAX], small[4];
	char longhost[400];

	ck_assert_int_eq(cairn_url_http_host(host, sizeof(host),
					     "https://user:tok@Reg.example/x"), 0);
	ck_assert_str_eq(host, "reg.example");
	ck_assert_int_eq(cairn_url_http_host(host, sizeof(host), "git+https://h/x"), -1);
	ck_assert_int_eq(cairn_url_http_host(small, sizeof(small), "https://abcd/"), -1);
	ck_assert_int_eq(cairn_url_http_host(small, sizeof(small), "https://abc/"), 0);
	ck_assert_str_eq(small, "abc");
	/* a host longer than a DNS name: refused, nothing written past */
	memcpy(longhost, "https://", 8);
	memset(longhost + 8, 'a', 300);
	longhost[308] = '\0';
	ck_assert_int_eq(cairn_url_http_host(host, sizeof(host), longhost), -1);
}
END_TEST

Suite *url_suite(void);

Suite *url_suite(void)
{
	Suite *s = suite_create("url");
	TCase *c = tcase_create("parse");

	tcase_add_test(c, test_url_authority);
	tcase_add_test(c, test_url_refuses);
	tcase_add_test(c, test_url_http_host);
	suite_add_tcase(s, c);
	return s;
}
