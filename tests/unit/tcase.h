/*
 * tcase.h - a check test case holding one test, with its fixture
 * (setup and teardown around the test, in the forked child) and, when
 * timeout is not 0, its own timeout in seconds; for the suites whose tests
 * each build a scratch tree.
 */
#ifndef CAIRN_TEST_TCASE_H
#define CAIRN_TEST_TCASE_H

#include <check.h>

static inline TCase *tcase_one(const char *name, const TTest *t, SFun setup,
			       SFun teardown, int timeout)
{
	TCase *c = tcase_create(name);

	tcase_add_checked_fixture(c, setup, teardown);
	if (timeout)
		tcase_set_timeout(c, timeout);
	tcase_add_test(c, t);
	return c;
}

#endif
