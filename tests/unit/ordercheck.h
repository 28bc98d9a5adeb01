/*
 * ordercheck.h - for the suites of version orderings (check_pep440.c,
 * check_semver.c): a specification's list of versions in increasing
 * order, held against the library's comparison.
 */
#ifndef CAIRN_TESTS_ORDERCHECK_H
#define CAIRN_TESTS_ORDERCHECK_H

#include <check.h>
#include <stddef.h>

/* order[0..n) is strictly increasing under cmp: every pair, both ways and
 * each with itself, compares as their positions do. */
static inline void oc_assert_order(int (*cmp)(const char *, const char *),
				   const char *const *order, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int c = cmp(order[i], order[j]);

			ck_assert_msg((i < j && c < 0) || (i == j && c == 0) || (i > j && c > 0),
				      "%s vs %s gave %d", order[i], order[j], c);
		}
}

#endif
