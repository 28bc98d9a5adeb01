/*
 * check_rfc3339.c - the one RFC 3339 parser and formatter.  The edge
 * inputs are those on which cairn's two former parsers disagreed.
 */
#include "cairn.h"
#include "rfc3339.h"

#include <check.h>

START_TEST(test_rfc3339_accepts)
{
	static const struct { const char *in; int64_t sec; long ns; } ok[] = {
		{ "2026-11-22T11:48:14.123456789Z", 1795348094, 123456789 },
		{ "1970-01-01T00:00:01.5Z", 1, 500000000 },
		{ "2026-11-22T11:48:14Z", 1795348094, 0 },
		{ "2026-11-22t11:48:14z", 1795348094, 0 },
		/* digits past the ninth are truncated, never rounded */
		{ "1970-01-01T00:00:00.9999999999Z", 0, 999999999 },
		/* offsets (RFC 3339 §5.6 time-numoffset) are converted to UTC */
		{ "2026-11-22T12:48:14+01:00", 1795348094, 0 },
		{ "2026-11-22T06:18:14.25-05:30", 1795348094, 250000000 },
		{ "2024-02-29T00:00:00Z", 1709164800, 0 },
		{ "2000-02-29T00:00:00Z", 951782400, 0 },
		{ "9999-12-31T23:59:59Z", 253402300799LL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t s = -1;
		long ns = -1;

		ck_assert_msg(cairn_rfc3339_parse(&s, &ns, ok[i].in) == 0, "%s", ok[i].in);
		ck_assert_msg(s == ok[i].sec && ns == ok[i].ns, "%s: %lld.%09ld",
			      ok[i].in, (long long)s, ns);
	}
}
END_TEST

START_TEST(test_rfc3339_refuses)
{
	static const char *const bad[] = {
		"", "yesterday", "2026-11-22", "2026-11-22 11:48:14Z",
		"2026-11-22T11:48:14", "2026-11-22T11:48:14.Z", "2026-11-22T11:48:14Zjunk",
		"2026-13-22T11:48:14Z", "2026-00-22T11:48:14Z", "2026-11-31T11:48:14Z",
		"2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2016-12-31T23:59:60Z",
		"1969-12-31T23:59:59Z", "2026-1-22T11:48:14Z", "2026-11-22T24:00:00Z",
		"2026-11-22T11:48:14+0100", "2026-11-22T11:48:14+01", "2026-11-22T11:48:14+24:00",
		" 2026-11-22T11:48:14Z", "+026-11-22T11:48:14Z", "2026-11-22T11:48:1",
		/* in range as written, out of range in UTC */
		"9999-12-31T23:59:59-00:01", "1970-01-01T00:00:00+00:01",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t s;
		long ns;

		ck_assert_msg(cairn_rfc3339_parse(&s, &ns, bad[i]) == CAIRN_EFORMAT,
			      "accepted '%s'", bad[i]);
	}
	ck_assert_int_eq(cairn_rfc3339_parse(NULL, NULL, NULL), CAIRN_EFORMAT);
}
END_TEST

START_TEST(test_rfc3339_nanoseconds)
{
	int64_t ns = 0;

	ck_assert_int_eq(cairn_rfc3339_parse_ns(&ns, "1970-01-01T00:00:01.5Z"), 0);
	ck_assert(ns == 1500000000LL);
	ck_assert_int_eq(cairn_rfc3339_parse_ns(&ns, "2262-04-11T23:47:15Z"), 0);
	ck_assert_int_eq(cairn_rfc3339_parse_ns(&ns, "2263-01-01T00:00:00Z"), CAIRN_EFORMAT);
}
END_TEST

START_TEST(test_rfc3339_format_round_trips)
{
	char out[CAIRN_RFC3339_MAX];
	int64_t s;
	long ns;

	cairn_rfc3339_format(out, sizeof(out), 1795348094, 123456789);
	ck_assert_str_eq(out, "2026-11-22T11:48:14.123456789Z");
	cairn_rfc3339_format(out, sizeof(out), 1795348094, -1);
	ck_assert_str_eq(out, "2026-11-22T11:48:14Z");
	cairn_rfc3339_format(out, sizeof(out), 0, 0);
	ck_assert_str_eq(out, "1970-01-01T00:00:00.000000000Z");
	ck_assert_int_eq(cairn_rfc3339_parse(&s, &ns, out), 0);
	ck_assert(s == 0 && ns == 0);
}
END_TEST

Suite *rfc3339_suite(void);

Suite *rfc3339_suite(void)
{
	Suite *s = suite_create("rfc3339");
	TCase *c = tcase_create("parse");

	tcase_add_test(c, test_rfc3339_accepts);
	tcase_add_test(c, test_rfc3339_refuses);
	tcase_add_test(c, test_rfc3339_nanoseconds);
	suite_add_tcase(s, c);
	c = tcase_create("format");
	tcase_add_test(c, test_rfc3339_format_round_trips);
	suite_add_tcase(s, c);
	return s;
}
