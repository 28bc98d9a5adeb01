/*
 * check_cidr.c - the one parser and matcher of addresses and CIDR blocks
 * (ip: indicators, allowlists, --local): strict prefix lengths, bounds per
 * family, brackets, IPv4-mapped IPv6, matching on and off byte edges.
 */
#include "cairn.h"
#include "cidr.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>

/* "addr/bits" of a parsed block (as written, host bits kept) */
static const char *show(const char *in)
{
	static char out[INET6_ADDRSTRLEN + 8];
	cairn_cidr c;

	if (cairn_cidr_parse(&c, in, strlen(in), NULL) < 0)
		return "refused";
	inet_ntop(c.family == 4 ? AF_INET : AF_INET6, c.addr, out, INET6_ADDRSTRLEN);
	snprintf(out + strlen(out), sizeof(out) - strlen(out), "/%u", c.bits);
	return out;
}

static const char *why(const char *in)
{
	cairn_cidr c;
	const char *w = "none";

	ck_assert_int_eq(cairn_cidr_parse(&c, in, strlen(in), &w), CAIRN_EFORMAT);
	return w;
}

START_TEST(test_cidr_parse)
{
	static const char *const cases[][2] = {
		{ "10.0.0.0/8", "10.0.0.0/8" }, { "10.1.2.3/8", "10.1.2.3/8" },
		{ "192.0.2.7", "192.0.2.7/32" }, { "0.0.0.0/0", "0.0.0.0/0" },
		{ "255.255.255.255/32", "255.255.255.255/32" }, { "10.0.0.0/008", "10.0.0.0/8" },
		{ "2001:db8::/32", "2001:db8::/32" }, { "::1", "::1/128" }, { "::/0", "::/0" },
		{ "2001:DB8::1/128", "2001:db8::1/128" },
		{ "[2001:db8::1]", "2001:db8::1/128" }, { "[2001:db8::]/48", "2001:db8::/48" },
		/* RFC 4291 §2.5.5.2: ::ffff:a.b.c.d is a.b.c.d; a prefix inside
		 * ::ffff:0:0/96 is the IPv4 prefix, a shorter one an IPv6 block */
		{ "::ffff:10.1.2.3", "10.1.2.3/32" }, { "::ffff:10.0.0.0/104", "10.0.0.0/8" },
		{ "::ffff:0.0.0.0/96", "0.0.0.0/0" }, { "::ffff:10.0.0.0/8", "::ffff:10.0.0.0/8" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(!strcmp(show(cases[i][0]), cases[i][1]), "'%s' -> '%s', not '%s'",
			      cases[i][0], show(cases[i][0]), cases[i][1]);
}
END_TEST

START_TEST(test_cidr_refuses)
{
	static const char *const bad_len[] = {
		"10.0.0.0/", "10.0.0.0/-0", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/8 ",
		"10.0.0.0/0x8", "10.0.0.0/0008", "10.0.0.0/8/8", "::/1e2",
	};
	static const char *const bad_addr[] = {
		"", "/8", "10.0.0.256", "1.2.3", "1.2.3.4.5", "01.2.3.4", " 10.0.0.0", "10.0.0.0 /8",
		"[10.0.0.1", "::1]", "[]", "2001:db8:::1", "fe80::1%eth0", "host.example",
		"\xff\xfe::1", "::1\x1b[31m",
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255.255.255.255.255.255.255.255.255.255",
	};
	size_t i;
	cairn_cidr c;

	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++)
		ck_assert_msg(!strcmp(why(bad_len[i]), "bad prefix length"), "'%s': %s", bad_len[i],
			      why(bad_len[i]));
	for (i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++)
		ck_assert_msg(!strcmp(why(bad_addr[i]), "not an IPv4 or IPv6 address"), "'%s': %s",
			      bad_addr[i], why(bad_addr[i]));
	ck_assert_str_eq(why("10.0.0.0/33"), "prefix length longer than the address");
	ck_assert_str_eq(why("::/129"), "prefix length longer than the address");
	ck_assert_str_eq(why("::ffff:10.0.0.0/999"), "prefix length longer than the address");
	/* a NUL inside the length given is not the end of the text */
	ck_assert_int_eq(cairn_cidr_parse(&c, "10.0.0.1\0/8", 11, NULL), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_cidr_parse(&c, "10.0.0.1/8", 8, NULL), 0);
	ck_assert_uint_eq(c.bits, 32);
	ck_assert_uint_eq(c.family, 0 + 4);
}
END_TEST

static int in(const char *block, const char *addr)
{
	cairn_cidr c;
	unsigned char a[16], fam;

	ck_assert_int_eq(cairn_cidr_parse(&c, block, strlen(block), NULL), 0);
	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, addr, a) == 1) {
		fam = 4;
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, addr, a), 1);
		fam = 6;
	}
	return cairn_cidr_contains(&c, fam, a);
}

START_TEST(test_cidr_contains)
{
	ck_assert(in("10.0.0.0/8", "10.255.0.1"));
	ck_assert(!in("10.0.0.0/8", "11.0.0.1"));
	ck_assert(in("10.1.2.3/8", "10.9.9.9"));          /* host bits ignored */
	ck_assert(in("172.16.0.0/12", "172.31.255.255"));  /* off a byte edge */
	ck_assert(!in("172.16.0.0/12", "172.32.0.0"));
	ck_assert(in("192.0.2.7", "192.0.2.7"));
	ck_assert(!in("192.0.2.7", "192.0.2.6"));
	ck_assert(in("0.0.0.0/0", "203.0.113.1"));
	ck_assert(!in("0.0.0.0/0", "2001:db8::1"));        /* families apart */
	ck_assert(!in("::/0", "203.0.113.1"));
	ck_assert(in("fe80::/10", "febf::1"));
	ck_assert(!in("fe80::/10", "fec0::1"));
	ck_assert(in("2001:db8::1/127", "2001:db8::"));
	ck_assert(!in("2001:db8::1/128", "2001:db8::"));
	/* a packet's ::ffff:a.b.c.d is a.b.c.d */
	ck_assert(in("10.0.0.0/8", "::ffff:10.1.2.3"));
	ck_assert(!in("10.0.0.0/8", "::ffff:11.1.2.3"));
	ck_assert(!in("10.0.0.0/8", "::10.1.2.3"));
	ck_assert(in("::ffff:10.0.0.0/104", "10.4.4.4"));
}
END_TEST

START_TEST(test_cidr_mask_and_address)
{
	cairn_cidr c;
	unsigned char a[16], fam;
	static const unsigned char net[4] = { 172, 16, 0, 0 };

	ck_assert_int_eq(cairn_cidr_parse(&c, "172.31.200.9/12", 15, NULL), 0);
	cairn_cidr_mask(&c);
	ck_assert(!memcmp(c.addr, net, 4));
	ck_assert_int_eq(cairn_cidr_parse(&c, "2001:db8:ffff::1/0", 18, NULL), 0);
	cairn_cidr_mask(&c);
	ck_assert(!memcmp(c.addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
	ck_assert_int_eq(cairn_cidr_addr_parse(a, &fam, "[::ffff:192.0.2.1]", 18), 0);
	ck_assert_uint_eq(fam, 4);
	ck_assert_uint_eq(a[0], 192);
	ck_assert_uint_eq(a[4], 0);
	ck_assert_int_eq(cairn_cidr_addr_parse(a, &fam, "192.0.2.1/32", 12), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_cidr_addr_parse(a, &fam, "", 0), CAIRN_EFORMAT);
}
END_TEST

/* the one private set: capture's fallback local side and "public address" */
START_TEST(test_cidr_private)
{
	static const char *const yes[] = {
		"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
		"100.127.255.255", "127.0.0.1", "169.254.1.1", "::1", "fc00::1", "fdff::1",
		"fe80::1", "febf::1", "::ffff:10.0.0.1",
	};
	static const char *const no[] = {
		"11.0.0.1", "172.32.0.1", "172.15.255.255", "192.169.0.1", "100.128.0.1",
		"100.63.255.255", "8.8.8.8", "::2", "fe00::1", "fec0::1", "2001:db8::1", "::",
	};
	const char *const *names;
	const cairn_cidr *p;
	size_t i, n;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		unsigned char a[16], fam;

		memset(a, 0, sizeof(a));
		fam = inet_pton(AF_INET, yes[i], a) == 1 ? 4 : 6;
		if (fam == 6)
			ck_assert_int_eq(inet_pton(AF_INET6, yes[i], a), 1);
		ck_assert_msg(cairn_cidr_is_private(fam, a), "%s not private", yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		unsigned char a[16], fam;

		memset(a, 0, sizeof(a));
		fam = inet_pton(AF_INET, no[i], a) == 1 ? 4 : 6;
		if (fam == 6)
			ck_assert_int_eq(inet_pton(AF_INET6, no[i], a), 1);
		ck_assert_msg(!cairn_cidr_is_private(fam, a), "%s private", no[i]);
	}
	/* each name is its block */
	p = cairn_cidr_private(&n, &names);
	ck_assert_uint_eq(n, 9);
	for (i = 0; i < n; i++) {
		cairn_cidr c;

		ck_assert_int_eq(cairn_cidr_parse(&c, names[i], strlen(names[i]), NULL), 0);
		ck_assert_msg(c.family == p[i].family && c.bits == p[i].bits &&
			      !memcmp(c.addr, p[i].addr, 16), "%s", names[i]);
	}
}
END_TEST

Suite *cidr_suite(void);

Suite *cidr_suite(void)
{
	Suite *s = suite_create("cidr");
	TCase *c = tcase_create("cidr");

	tcase_add_test(c, test_cidr_parse);
	tcase_add_test(c, test_cidr_refuses);
	tcase_add_test(c, test_cidr_contains);
	tcase_add_test(c, test_cidr_mask_and_address);
	tcase_add_test(c, test_cidr_private);
	suite_add_tcase(s, c);
	return s;
}
