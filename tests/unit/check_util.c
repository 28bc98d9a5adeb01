/*
 * check_util.c - the error message every library function leaves behind.
 */
#include "cairn.h"

#include <check.h>
#include <string.h>

/* Callers add context to the message a callee left, passing it as an
 * argument: the result must be the context followed by the old text, not
 * whatever formatting a buffer into itself happens to give. */
START_TEST(test_util_error_context_wraps_last_message)
{
	char big[2000];

	ck_assert_int_eq(cairn_error_set(CAIRN_EIO, "cannot open '%s': %s",
					 "a/b", "No such file or directory"),
			 CAIRN_EIO);
	ck_assert_int_eq(cairn_error_set(CAIRN_EFORMAT, "package.json: %s",
					 cairn_error_last()),
			 CAIRN_EFORMAT);
	ck_assert_str_eq(cairn_error_last(),
			 "package.json: cannot open 'a/b': No such file or directory");
	cairn_error_set(CAIRN_EIO, "%s: %s", "npm", cairn_error_last());
	ck_assert_str_eq(cairn_error_last(),
			 "npm: package.json: cannot open 'a/b': No such file or directory");

	/* a message longer than the buffer is cut, still terminated */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cairn_error_set(CAIRN_EIO, "%s", big);
	cairn_error_set(CAIRN_EIO, "ctx: %s", cairn_error_last());
	ck_assert_uint_eq(strlen(cairn_error_last()), 1023);
	ck_assert(strncmp(cairn_error_last(), "ctx: xxx", 8) == 0);
	cairn_error_clear();
	ck_assert_str_eq(cairn_error_last(), "");
}
END_TEST

Suite *util_suite(void);

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *c = tcase_create("error-context");

	tcase_add_test(c, test_util_error_context_wraps_last_message);
	suite_add_tcase(s, c);
	return s;
}
