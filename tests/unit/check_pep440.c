/*
 * check_pep440.c - Python version ordering and normalisation, with the
 * ordering example of PEP 440 ("Summary of permitted suffixes and
 * relative ordering") and its normalisation rules.
 */
#include "cairn.h"
#include "pep440.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const char *a, const char *b)
{
	int c = 99;

	ck_assert_msg(cairn_pep440_cmp(&c, a, b) == 0, "'%s' vs '%s' refused", a, b);
	return c;
}

START_TEST(test_pep440_spec_order)
{
	static const char *const order[] = {
		"1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456",
		"1.0a12", "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456",
		"1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
		"1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15",
		"1.1.dev1", "2013.10", "1!0.1",
	};
	size_t i, j, n = sizeof(order) / sizeof(order[0]);

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int c = cmp(order[i], order[j]);

			ck_assert_msg((i < j && c < 0) || (i == j && c == 0) || (i > j && c > 0),
				      "%s vs %s gave %d", order[i], order[j], c);
		}
}
END_TEST

START_TEST(test_pep440_equal_forms)
{
	static const char *const same[][2] = {
		{ "1.0", "1.0.0" }, { "1.0", "1" }, { "v1.0", "1.0" }, { "0!1.0", "1.0" },
		{ "1.0a", "1.0a0" }, { "1.0alpha1", "1.0a1" }, { "1.0-beta.2", "1.0b2" },
		{ "1.0c1", "1.0rc1" }, { "1.0pre1", "1.0rc1" }, { "1.0preview1", "1.0rc1" },
		{ "1.0-1", "1.0.post1" }, { "1.0rev1", "1.0.post1" }, { "1.0r", "1.0.post0" },
		{ "1.0_post_1", "1.0.post1" }, { "1.0-dev", "1.0.dev0" },
		{ "1.0.DEV1", "1.0.dev1" }, { " 1.0\n", "1.0" }, { "1.0+Ubuntu-1", "1.0+ubuntu.1" },
		{ "1.0+01", "1.0+1" },
	};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		ck_assert_msg(cmp(same[i][0], same[i][1]) == 0, "%s != %s", same[i][0], same[i][1]);
}
END_TEST

START_TEST(test_pep440_normalize)
{
	static const char *const cases[][2] = {
		{ "1.0.0-ALPHA.1", "1.0.0a1" }, { "v2.1-Beta", "2.1b0" }, { "1!2.0c3", "1!2.0rc3" },
		{ "1.0-1", "1.0.post1" }, { "1.0.post.dev", "1.0.post0.dev0" },
		{ "1.0+Local.Version-7", "1.0+local.version.7" }, { "007.08", "7.8" },
		{ "1.0+01.0a", "1.0+1.0a" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cairn_buf b = CAIRN_BUF_INIT;

		ck_assert_int_eq(cairn_pep440_normalize(&b, cases[i][0]), 0);
		ck_assert_str_eq(b.data, cases[i][1]);
		cairn_buf_release(&b);
	}
}
END_TEST

START_TEST(test_pep440_refuses)
{
	static const char *const bad[] = {
		"", "a", "1.", ".1", "1..0", "1.0+", "1.0+a..b", "1.0a1b1", "1.0.post1.post2",
		"1.0-", "1.0dev1.dev2", "1!", "!1", "1.0 beta", "1.0foo", "1.0+a_",
		"1234567890123456789.0", "1.0\xc3\xa9", "1.0+\x1b[31m",
	};
	size_t i;
	int c = 7;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!cairn_pep440_valid(bad[i]), "'%s' valid", bad[i]);
		ck_assert_int_eq(cairn_pep440_cmp(&c, bad[i], "1.0"), CAIRN_EFORMAT);
	}
	ck_assert_int_eq(c, 7);
	ck_assert(!cairn_pep440_valid(NULL));
}
END_TEST

/* PEP 503's re.sub(r"[-_.]+", "-", name).lower(), outputs from Python */
START_TEST(test_pep440_name_normalize)
{
	static const char *const cases[][2] = {
		{ "Friendly-Bard", "friendly-bard" }, { "FRIENDLY-BARD", "friendly-bard" },
		{ "friendly.bard", "friendly-bard" }, { "friendly_bard", "friendly-bard" },
		{ "friendly--bard", "friendly-bard" }, { "FrIeNdLy-._.-bArD", "friendly-bard" },
		{ "zope.interface", "zope-interface" }, { "a", "a" }, { "", "" },
		/* a leading or trailing run stays one '-': not the name without it */
		{ "-foo", "-foo" }, { "foo-", "foo-" }, { "_foo_", "-foo-" }, { "...", "-" },
		{ "A-", "a-" }, { "__init__", "-init-" },
		/* bytes other than ASCII letters and separators kept as they are */
		{ "Caf\xc3\xa9_X", "caf\xc3\xa9-x" }, { "a\x1b[0", "a\x1b[0" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cairn_buf b = CAIRN_BUF_INIT;

		cairn_buf_addstr(&b, "x");
		cairn_pep440_name_normalize(&b, cases[i][0]);
		ck_assert_msg(b.data && !strcmp(b.data + 1, cases[i][1]), "'%s' -> '%s'",
			      cases[i][0], b.data ? b.data + 1 : "(null)");
		cairn_buf_release(&b);
	}
}
END_TEST

Suite *pep440_suite(void);

Suite *pep440_suite(void)
{
	Suite *s = suite_create("pep440");
	TCase *c = tcase_create("pep440");

	tcase_add_test(c, test_pep440_spec_order);
	tcase_add_test(c, test_pep440_equal_forms);
	tcase_add_test(c, test_pep440_normalize);
	tcase_add_test(c, test_pep440_refuses);
	tcase_add_test(c, test_pep440_name_normalize);
	suite_add_tcase(s, c);
	return s;
}
