/*
 * check_prune.c - the retention rules of cairn-snap prune (lib/prune.h):
 * which snapshots each rule keeps, on calendar edges (two snapshots on
 * one day, ISO weeks across a new year, months without snapshots), and
 * that the newest and the tagged ones are always kept.  The store side
 * (rewrite, tags, collection, git fsck) is tests/cli/snap/prune.sh.
 */
#include "cairn.h"
#include "prune.h"

#include <check.h>
#include <string.h>
#include <time.h>

static int64_t at(int y, int mon, int d, int h)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = 17;
	return (int64_t)timegm(&tm);
}

static cairn_prune_policy policy(unsigned d, unsigned w, unsigned m)
{
	cairn_prune_policy p;

	memset(&p, 0, sizeof(p));
	p.keep_daily = d;
	p.keep_weekly = w;
	p.keep_monthly = m;
	return p;
}

START_TEST(test_prune_daily_newest_of_each_day)
{
	int64_t t[12];
	unsigned r[12];
	cairn_prune_policy p = policy(3, 0, 0);
	int i;

	/* newest first: two on 2026-12-10 (23:00 and 03:00), then one a day */
	t[0] = at(2026, 12, 10, 23);
	t[1] = at(2026, 12, 10, 3);
	for (i = 2; i < 12; i++)
		t[i] = at(2026, 12, 11 - i, 3);
	cairn_prune_select(r, t, NULL, 12, &p);
	ck_assert_uint_eq(r[0], CAIRN_PRUNE_NEWEST | CAIRN_PRUNE_DAILY);
	ck_assert_uint_eq(r[1], 0);           /* the same day, older */
	ck_assert_uint_eq(r[2], CAIRN_PRUNE_DAILY);
	ck_assert_uint_eq(r[3], CAIRN_PRUNE_DAILY);
	for (i = 4; i < 12; i++)
		ck_assert_uint_eq(r[i], 0);
}
END_TEST

START_TEST(test_prune_weekly_iso_weeks_across_new_year)
{
	/* 2026-12-28 (Mon) .. 2027-01-03 (Sun) is ISO week 2026-W53, so
	 * 2026-12-31 and 2027-01-01 share it (a week count that restarts with
	 * the calendar year would split it); 2027-01-04 (Mon) opens 2027-W01 */
	int64_t t[4] = { at(2027, 1, 4, 3), at(2027, 1, 1, 3), at(2026, 12, 31, 3),
			 at(2026, 12, 28, 3) };
	unsigned r[4];
	cairn_prune_policy p = policy(0, 3, 0);

	cairn_prune_select(r, t, NULL, 4, &p);
	ck_assert_uint_eq(r[0], CAIRN_PRUNE_NEWEST | CAIRN_PRUNE_WEEKLY);
	ck_assert_uint_eq(r[1], CAIRN_PRUNE_WEEKLY);
	ck_assert_uint_eq(r[2], 0);           /* the same week as 01-01 */
	ck_assert_uint_eq(r[3], 0);
}
END_TEST

START_TEST(test_prune_monthly_counts_months_with_snapshots)
{
	/* no snapshot in November: the three months are Dec, Oct, Sep */
	int64_t t[5] = { at(2026, 12, 2, 3), at(2026, 12, 1, 3), at(2026, 10, 31, 3),
			 at(2026, 9, 30, 3), at(2026, 8, 31, 3) };
	unsigned r[5];
	cairn_prune_policy p = policy(0, 0, 3);

	cairn_prune_select(r, t, NULL, 5, &p);
	ck_assert_uint_eq(r[0], CAIRN_PRUNE_NEWEST | CAIRN_PRUNE_MONTHLY);
	ck_assert_uint_eq(r[1], 0);
	ck_assert_uint_eq(r[2], CAIRN_PRUNE_MONTHLY);
	ck_assert_uint_eq(r[3], CAIRN_PRUNE_MONTHLY);
	ck_assert_uint_eq(r[4], 0);
}
END_TEST

START_TEST(test_prune_rules_combine)
{
	int64_t t[40];
	unsigned r[40], n_daily = 0, n_weekly = 0, n_monthly = 0, kept = 0;
	cairn_prune_policy p = policy(7, 4, 2);
	int i;

	/* one snapshot a night, 2026-11-01 .. 2026-12-10 */
	for (i = 0; i < 40; i++)
		t[i] = at(2026, 12, 10, 3) - (int64_t)i * 86400;
	cairn_prune_select(r, t, NULL, 40, &p);
	for (i = 0; i < 40; i++) {
		n_daily += !!(r[i] & CAIRN_PRUNE_DAILY);
		n_weekly += !!(r[i] & CAIRN_PRUNE_WEEKLY);
		n_monthly += !!(r[i] & CAIRN_PRUNE_MONTHLY);
		kept += r[i] != 0;
	}
	ck_assert_uint_eq(n_daily, 7);
	ck_assert_uint_eq(n_weekly, 4);
	ck_assert_uint_eq(n_monthly, 2);
	/* the newest carries every rule; weekly: 12-10 (Thu), then the
	 * Sundays 12-06, 11-29, 11-22 (ISO weeks end on Sunday); monthly:
	 * 12-10 and 11-30 */
	ck_assert_uint_eq(r[0], CAIRN_PRUNE_NEWEST | CAIRN_PRUNE_DAILY |
			  CAIRN_PRUNE_WEEKLY | CAIRN_PRUNE_MONTHLY);
	ck_assert_uint_eq(r[4], CAIRN_PRUNE_DAILY | CAIRN_PRUNE_WEEKLY);  /* 12-06 */
	ck_assert_uint_eq(r[10], CAIRN_PRUNE_MONTHLY);                     /* 11-30 */
	ck_assert_uint_eq(r[11], CAIRN_PRUNE_WEEKLY);                      /* 11-29 */
	ck_assert_uint_eq(r[18], CAIRN_PRUNE_WEEKLY);                      /* 11-22 */
	ck_assert_uint_eq(kept, 7 + 3);       /* dailies, 11-30, 11-29 and 11-22 */
}
END_TEST

START_TEST(test_prune_newest_and_tagged_always)
{
	int64_t t[5] = { at(2026, 12, 5, 3), at(2026, 12, 4, 3), at(2026, 12, 3, 3),
			 at(2026, 12, 2, 3), at(2026, 12, 1, 3) };
	unsigned char tagged[5] = { 0, 0, 1, 0, 1 };
	unsigned r[5];
	cairn_prune_policy p = policy(0, 0, 0);

	cairn_prune_select(r, t, tagged, 5, &p);
	ck_assert_uint_eq(r[0], CAIRN_PRUNE_NEWEST);
	ck_assert_uint_eq(r[1], 0);
	ck_assert_uint_eq(r[2], CAIRN_PRUNE_TAGGED);
	ck_assert_uint_eq(r[3], 0);
	ck_assert_uint_eq(r[4], CAIRN_PRUNE_TAGGED);
	cairn_prune_select(r, t, NULL, 0, &p);   /* an empty branch */
	ck_assert_str_eq(cairn_prune_rule_name(4), "tagged");
}
END_TEST

Suite *prune_suite(void)
{
	Suite *s = suite_create("prune");
	TCase *c = tcase_create("rules");

	tcase_add_test(c, test_prune_daily_newest_of_each_day);
	tcase_add_test(c, test_prune_weekly_iso_weeks_across_new_year);
	tcase_add_test(c, test_prune_monthly_counts_months_with_snapshots);
	tcase_add_test(c, test_prune_rules_combine);
	tcase_add_test(c, test_prune_newest_and_tagged_always);
	suite_add_tcase(s, c);
	return s;
}
