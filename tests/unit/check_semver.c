/*
 * check_semver.c - SemVer 2.0.0 validity and precedence, with the
 * ordering example of the specification (§11) and its grammar's edges.
 */
#include "cairn.h"
#include "semver.h"
#include "ordercheck.h"

#include <check.h>
#include <string.h>

static int cmp(const char *a, const char *b)
{
	int c = 99;

	ck_assert_msg(cairn_semver_cmp(&c, a, b) == 0, "'%s' vs '%s' refused", a, b);
	return c;
}

/* SemVer §11: 1.0.0-alpha < 1.0.0-alpha.1 < ... < 1.0.0, and the numbers. */
START_TEST(test_semver_spec_order)
{
	static const char *const order[] = {
		"0.0.0-0", "0.0.0", "0.9.99", "1.0.0-0", "1.0.0-alpha", "1.0.0-alpha.1",
		"1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
		"1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1", "10.0.0",
		"18446744073709551616.0.0", "184467440737095516160.0.0",
	};

	oc_assert_order(cmp, order, sizeof(order) / sizeof(order[0]));
}
END_TEST

START_TEST(test_semver_build_and_prefix)
{
	ck_assert_int_eq(cmp("1.0.0+build.1", "1.0.0+build.2"), 0);
	ck_assert_int_eq(cmp("1.0.0-rc.1+x", "1.0.0-rc.1"), 0);
	ck_assert_int_eq(cmp("v1.2.3", "1.2.3"), 0);
	/* numeric identifiers below alphanumeric ones, longer sets higher */
	ck_assert_int_lt(cmp("1.0.0-999", "1.0.0-a"), 0);
	ck_assert_int_lt(cmp("1.0.0-a", "1.0.0-a.0"), 0);
	ck_assert_int_lt(cmp("1.0.0-A", "1.0.0-a"), 0);   /* ASCII order */
	/* "a-b" is one identifier, above its prefix "a" */
	ck_assert_int_gt(cmp("1.0.0-a-b", "1.0.0-a.b"), 0);
}
END_TEST

START_TEST(test_semver_refuses)
{
	static const char *const bad[] = {
		"", "1", "1.0", "1.0.0.0", "01.0.0", "1.00.0", "1.0.00", "1.0.0-",
		"1.0.0+", "1.0.0-01", "1.0.0-a..b", "1.0.0-a_b", "1.0.0+a..b",
		"1.0.0 ", " 1.0.0", "=1.0.0", "V1.0.0", "vv1.0.0", "1.0.0-\xc3\xa9",
		"^1.0.0", "1.x.0", "-1.0.0", "1.0.0++", "1.0.0-+",
	};
	char big[400];
	size_t i;
	int c = 7;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!cairn_semver_valid(bad[i]), "'%s' valid", bad[i]);
		ck_assert_int_eq(cairn_semver_cmp(&c, bad[i], "1.0.0"), CAIRN_EFORMAT);
		ck_assert_int_eq(cairn_semver_cmp(&c, "1.0.0", bad[i]), CAIRN_EFORMAT);
	}
	ck_assert_int_eq(c, 7);   /* untouched on refusal */
	ck_assert(!cairn_semver_valid(NULL));
	/* leading zeros are fine in build metadata, alphanumerics anywhere */
	ck_assert(cairn_semver_valid("1.0.0+001"));
	ck_assert(cairn_semver_valid("1.0.0-0a.00a"));
	/* longer than CAIRN_SEMVER_MAX */
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[1] = '.';
	big[3] = '.';
	ck_assert(!cairn_semver_valid(big));
}
END_TEST

Suite *semver_suite(void);

Suite *semver_suite(void)
{
	Suite *s = suite_create("semver");
	TCase *c = tcase_create("semver");

	tcase_add_test(c, test_semver_spec_order);
	tcase_add_test(c, test_semver_build_and_prefix);
	tcase_add_test(c, test_semver_refuses);
	suite_add_tcase(s, c);
	return s;
}
