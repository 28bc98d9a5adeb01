/*
 * check_ioc.c - the indicator list: every type parsed and matched (scoped
 * npm names, PEP 503 PyPI names, version order, *.domain, CIDR blocks in
 * IPv4 and IPv6, IPv4-mapped addresses, URLs with upper-case hosts),
 * comments and notes, and the strict errors with their line numbers.
 */
#include "cairn.h"
#include "ioc.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static cairn_ioc_set *parse_ok(const char *text)
{
	cairn_ioc_set *s;

	cairn_ioc_set_new(&s);
	ck_assert_msg(cairn_ioc_set_parse(s, text, strlen(text), "t") == 0, "%s",
		      cairn_error_last());
	return s;
}

static const char *err_of(const char *text, size_t len)
{
	static char msg[256];
	cairn_ioc_set *s;

	cairn_ioc_set_new(&s);
	ck_assert_int_eq(cairn_ioc_set_parse(s, text, len, "t"), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_ioc_set_count(s, CAIRN_IOC__TYPES), 0);
	snprintf(msg, sizeof(msg), "%s", cairn_error_last());
	cairn_ioc_set_free(s);
	return msg;
}

static const char *text_of(const cairn_ioc *i)
{
	return i ? i->text : "-";
}

START_TEST(test_ioc_packages)
{
	cairn_ioc_set *s = parse_ok(
		"# a comment\n"
		"\n"
		"npm:postmark-mcp@1.0.16\tMAL-2025-47604, BCC to giftshop.club\n"
		"npm:@ctrl/tinycolor@4.1.1\n"
		"npm:evil-only\n"
		"  pypi:Foo_Bar.baz==1.0   \r\n"
		"pypi:0requests\n");

	ck_assert_int_eq(cairn_ioc_set_count(s, CAIRN_IOC_NPM), 3);
	ck_assert_int_eq(cairn_ioc_set_count(s, CAIRN_IOC_PYPI), 2);
	ck_assert_str_eq(text_of(cairn_ioc_match_package(s, "npm", "postmark-mcp", "1.0.16")),
			 "npm:postmark-mcp@1.0.16");
	ck_assert_str_eq(cairn_ioc_match_package(s, "npm", "postmark-mcp", "1.0.16")->note,
			 "MAL-2025-47604, BCC to giftshop.club");
	ck_assert_int_eq(cairn_ioc_match_package(s, "npm", "postmark-mcp", "1.0.16")->line, 3);
	/* build metadata does not change SemVer precedence */
	ck_assert_ptr_nonnull(cairn_ioc_match_package(s, "npm", "postmark-mcp", "1.0.16+b"));
	ck_assert_ptr_null(cairn_ioc_match_package(s, "npm", "postmark-mcp", "1.0.15"));
	ck_assert_ptr_null(cairn_ioc_match_package(s, "npm", "postmark-mcp", "1.0.16-rc.1"));
	ck_assert_ptr_null(cairn_ioc_match_package(s, "npm", "postmark-mcp", NULL));
	ck_assert_ptr_nonnull(cairn_ioc_match_package(s, "npm", "@ctrl/tinycolor", "4.1.1"));
	ck_assert_ptr_null(cairn_ioc_match_package(s, "npm", "tinycolor", "4.1.1"));
	ck_assert_ptr_nonnull(cairn_ioc_match_package(s, "npm", "evil-only", "0.0.1"));
	ck_assert_ptr_nonnull(cairn_ioc_match_package(s, "npm", "evil-only", NULL));
	/* npm names are case-sensitive; PyPI's are not (PEP 503), and PEP 440
	 * says 1.0 == 1.0.0 */
	ck_assert_ptr_null(cairn_ioc_match_package(s, "npm", "Evil-Only", "1.0.0"));
	ck_assert_ptr_nonnull(cairn_ioc_match_package(s, "pypi", "foo-bar-baz", "1.0.0"));
	ck_assert_ptr_nonnull(cairn_ioc_match_package(s, "pypi", "FOO.BAR_BAZ", "1.0"));
	ck_assert_ptr_null(cairn_ioc_match_package(s, "pypi", "foo-bar-baz", "1.0.post1"));
	ck_assert_ptr_nonnull(cairn_ioc_match_package(s, "pypi", "0Requests", "9"));
	ck_assert_ptr_null(cairn_ioc_match_package(s, "npm", "0requests", "9"));
	cairn_ioc_set_free(s);
}
END_TEST

START_TEST(test_ioc_hosts_and_addresses)
{
	cairn_ioc_set *s = parse_ok(
		"host:giftshop.club\n"
		"host:*.Evil.Test.\n"
		"ip:203.0.113.7\n"
		"ip:198.51.100.0/24\tC2 block\n"
		"ip:2001:db8::/32\n"
		"url:HTTPS://Exfil.Example/api/v1?x=1\n"
		"sha256:B2A6588476F40845A2DF173D57D436DC47C0DFD044BCFFDC936BE1B509CFFD3D\n");
	unsigned char sha[32];

	ck_assert_str_eq(text_of(cairn_ioc_match_host(s, "giftshop.club")), "host:giftshop.club");
	ck_assert_ptr_nonnull(cairn_ioc_match_host(s, "GIFTSHOP.club."));
	ck_assert_ptr_null(cairn_ioc_match_host(s, "www.giftshop.club"));
	ck_assert_ptr_null(cairn_ioc_match_host(s, "giftshop.clubs"));
	ck_assert_str_eq(text_of(cairn_ioc_match_host(s, "a.b.evil.test")), "host:*.Evil.Test.");
	ck_assert_ptr_nonnull(cairn_ioc_match_host(s, "evil.test"));
	ck_assert_ptr_null(cairn_ioc_match_host(s, "notevil.test"));
	ck_assert_ptr_null(cairn_ioc_match_host(s, "test"));
	/* addresses, also through the host matcher (a host that is an address) */
	ck_assert_ptr_nonnull(cairn_ioc_match_ip(s, "203.0.113.7"));
	ck_assert_ptr_null(cairn_ioc_match_ip(s, "203.0.113.8"));
	ck_assert_str_eq(cairn_ioc_match_host(s, "198.51.100.200")->note, "C2 block");
	ck_assert_ptr_nonnull(cairn_ioc_match_ip(s, "::ffff:198.51.100.1"));
	ck_assert_ptr_null(cairn_ioc_match_ip(s, "198.51.101.1"));
	ck_assert_ptr_nonnull(cairn_ioc_match_ip(s, "[2001:db8:ffff::1]"));
	ck_assert_ptr_null(cairn_ioc_match_ip(s, "2001:db9::1"));
	ck_assert_ptr_null(cairn_ioc_match_ip(s, "not-an-address"));
	/* URLs: scheme and host case-insensitive, the rest exact */
	ck_assert_ptr_nonnull(cairn_ioc_match_url(s, "https://exfil.example/api/v1?x=1"));
	ck_assert_ptr_null(cairn_ioc_match_url(s, "https://exfil.example/API/v1?x=1"));
	ck_assert_int_eq(cairn_unhex(sha, "b2a6588476f40845a2df173d57d436dc47c0dfd044bcffdc936be1b509cffd3d", 32), 0);
	ck_assert_ptr_nonnull(cairn_ioc_match_sha256(s, sha));
	sha[0] ^= 1;
	ck_assert_ptr_null(cairn_ioc_match_sha256(s, sha));
	cairn_ioc_set_free(s);

	/* an IPv4-mapped block (lib/cidr.c): /104 is 10.0.0.0/8 (refused
	 * before: "prefix length longer than the address"); /8 is the IPv6
	 * block ::/8 (before: read as 10.0.0.0/8, the length taken as IPv4's) */
	s = parse_ok("ip:::ffff:10.0.0.0/104\n");
	ck_assert_ptr_nonnull(cairn_ioc_match_ip(s, "10.200.0.1"));
	ck_assert_ptr_nonnull(cairn_ioc_match_ip(s, "::ffff:10.200.0.1"));
	ck_assert_ptr_null(cairn_ioc_match_ip(s, "11.0.0.1"));
	cairn_ioc_set_free(s);
	s = parse_ok("ip:::ffff:10.0.0.0/8\n");
	ck_assert_ptr_null(cairn_ioc_match_ip(s, "10.200.0.1"));
	ck_assert_ptr_nonnull(cairn_ioc_match_ip(s, "::1"));
	cairn_ioc_set_free(s);
}
END_TEST

START_TEST(test_ioc_strict_errors)
{
	static const char nul_line[] = "host:a.test\nhost:b\0c.test\n";

	ck_assert_str_eq(err_of("host:a.test\nfoo:bar\n", 20),
			 "ioc 't': line 2: unknown type (npm:, pypi:, sha256:, host:, ip:, url:)");
	ck_assert_str_eq(err_of("giftshop.club\n", 14),
			 "ioc 't': line 1: no type (npm:, pypi:, sha256:, host:, ip:, url:)");
	ck_assert_str_eq(err_of("npm:a@^1.0.0\n", 13),
			 "ioc 't': line 1: not a SemVer version (npm:name@1.2.3)");
	ck_assert_str_eq(err_of("npm:../x@1.0.0\n", 15), "ioc 't': line 1: not an npm package name");
	ck_assert_str_eq(err_of("pypi:x==not a version\n", 22),
			 "ioc 't': line 1: space inside the indicator (a note goes after a TAB)");
	ck_assert_str_eq(err_of("pypi:x==1.0.zz\n", 15),
			 "ioc 't': line 1: not a PEP 440 version (pypi:name==1.2.3)");
	ck_assert_str_eq(err_of("sha256:abcd\n", 12), "ioc 't': line 1: not 64 hex digits");
	ck_assert_str_eq(err_of("host:a..b\n", 10),
			 "ioc 't': line 1: not a host name (host:name or host:*.domain)");
	ck_assert_str_eq(err_of("ip:10.0.0.0/33\n", 15),
			 "ioc 't': line 1: prefix length longer than the address");
	ck_assert_str_eq(err_of("ip:10.0.0.256\n", 14), "ioc 't': line 1: not an IPv4 or IPv6 address");
	ck_assert_str_eq(err_of("ip:10.0.0.0/+8\n", 15), "ioc 't': line 1: bad prefix length");
	ck_assert_str_eq(err_of("url:ftp://x/\n", 13), "ioc 't': line 1: not an http:// or https:// URL");
	ck_assert_str_eq(err_of("#\n\thost:x.test\n", 15), "ioc 't': line 2: a note without an indicator");
	ck_assert_str_eq(err_of("host:x.test\n\xff\n", 14), "ioc 't': line 2: not valid UTF-8");
	ck_assert_str_eq(err_of("host:x\x1b[31m.test\n", 17), "ioc 't': line 1: control character");
	ck_assert_str_eq(err_of(nul_line, sizeof(nul_line) - 1), "ioc 't': line 2: control character");
	ck_assert_str_eq(err_of("npm:\n", 5), "ioc 't': line 1: empty value");
	{
		size_t n = CAIRN_IOC_LINE_MAX + 10;
		char *big = malloc(n);

		memset(big, 'a', n);
		memcpy(big, "host:", 5);
		ck_assert_str_eq(err_of(big, n), "ioc 't': line 1: line longer than 8192 bytes");
		free(big);
	}
}
END_TEST

START_TEST(test_ioc_file)
{
	cairn_ioc_set *s;

	cairn_ioc_set_new(&s);
	ck_assert_int_eq(cairn_ioc_set_load(s, "/nonexistent/iocs.txt"), CAIRN_EIO);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "/nonexistent/iocs.txt"));
	ck_assert_int_eq(cairn_ioc_set_load(s, "/dev/null"), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_ioc_set_load(s, "/tmp"), CAIRN_EFORMAT);
	cairn_ioc_set_free(s);
}
END_TEST

Suite *ioc_suite(void);

Suite *ioc_suite(void)
{
	Suite *s = suite_create("ioc");
	TCase *c = tcase_create("ioc");

	tcase_set_timeout(c, 30);
	tcase_add_test(c, test_ioc_packages);
	tcase_add_test(c, test_ioc_hosts_and_addresses);
	tcase_add_test(c, test_ioc_strict_errors);
	tcase_add_test(c, test_ioc_file);
	suite_add_tcase(s, c);
	return s;
}
