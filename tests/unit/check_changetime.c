/*
 * check_changetime.c - content changes placed by ctime, and which mtimes
 * are forged (lib/changetime.h, rule CAIRN-T01).
 */
#include "cairn.h"
#include "changetime.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define S 1000000000LL
/* baseline and snapshot created 1000 s and 2000 s after 2026-01-01 */
#define BASE "2026-01-01T00:16:40Z"
#define SNAP "2026-01-01T00:33:20Z"
#define T0 1767225600LL

/* A diff document: headers, the given changes and record changes (JSON
 * text), with or without package records. */
static json_t *doc(const char *changes, const char *records, int packages)
{
	char *text;
	json_t *j;
	json_error_t e;

	if (asprintf(&text, "{\"mode\":\"snapshot\","
		     "\"old\":{\"header\":{\"created\":\"%s\",\"options\":{\"packages\":%s}}},"
		     "\"new\":{\"header\":{\"created\":\"%s\",\"options\":{\"packages\":%s}}},"
		     "\"changes\":[%s],\"records\":[%s]}", BASE, packages ? "true" : "false",
		     SNAP, packages ? "true" : "false", changes, records ? records : "") < 0)
		abort();
	j = json_loads(text, 0, &e);
	ck_assert_msg(j != NULL, "%s: %s", e.text, text);
	free(text);
	return j;
}

/* A modified file: old mtime/ctime, new mtime/ctime (seconds after T0). */
static char *modified(const char *path, long long om, long long oc, long long nm, long long nc)
{
	char *s;

	if (asprintf(&s, "{\"path\":\"%s\",\"change\":\"modified\",\"what\":[\"content\"],"
		     "\"old\":{\"kind\":\"file\",\"mtime\":%lld,\"mtime_ns\":0,\"ctime\":%lld,\"ctime_ns\":0},"
		     "\"new\":{\"kind\":\"file\",\"mtime\":%lld,\"mtime_ns\":0,\"ctime\":%lld,\"ctime_ns\":0}}",
		     path, T0 + om, T0 + oc, T0 + nm, T0 + nc) < 0)
		abort();
	return s;
}

static cairn_change_time one(json_t *d, size_t *n)
{
	cairn_change_time *t = NULL, r;

	cairn_change_times(&t, n, d, NULL, NULL);
	memset(&r, 0, sizeof(r));
	if (*n)
		r = t[0];
	free(t);
	return r;
}

START_TEST(test_changetime_judges_mtime)
{
	static const struct { long long om, oc, nm, nc; int forged; } cases[] = {
		{ 10, 10, 10, 1500, CAIRN_FORGED_KEPT },     /* touch -r back */
		{ 500, 500, 400, 1500, CAIRN_FORGED_BACK },  /* moved back */
		{ 10, 600, 300, 1500, CAIRN_FORGED_PREDATES },/* before base and old ctime */
		{ 10, 600, 800, 1500, 0 },                   /* newer build, kept time */
		{ 10, 10, 1500, 1500, 0 },                   /* an ordinary edit */
	};
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = modified("app/x.js", cases[i].om, cases[i].oc, cases[i].nm, cases[i].nc);
		json_t *d = doc(c, NULL, 1);
		cairn_change_time t = one(d, &n);

		ck_assert_uint_eq(n, 1);
		ck_assert_msg(t.forged == cases[i].forged, "case %zu: %d", i, t.forged);
		ck_assert(t.at_ns == (T0 + cases[i].nc) * S && !t.bounded);
		ck_assert(t.mtime_ns == (T0 + cases[i].nm) * S);
		json_decref(d);
		free(c);
	}
}
END_TEST

START_TEST(test_changetime_bounded_by_snapshots)
{
	size_t n;
	char *c = modified("x", 10, 10, 10, 5);      /* ctime before the baseline */
	json_t *d = doc(c, NULL, 1);
	cairn_change_time t = one(d, &n);

	ck_assert(t.bounded && t.at_ns == (T0 + 1000) * S);
	json_decref(d);
	free(c);
	c = modified("x", 10, 10, 1500, 9000);       /* changed while the snapshot ran */
	d = doc(c, NULL, 1);
	t = one(d, &n);
	ck_assert(t.bounded && t.at_ns == (T0 + 2000) * S);
	json_decref(d);
	free(c);
}
END_TEST

START_TEST(test_changetime_given_clock)
{
	/* --created on the baseline: its time is not on the clock that
	 * stamped the ctime; the change is placed by its mtime */
	size_t n;
	char *c = modified("x", 10, 10, 1200, 90000);
	json_t *d = doc(c, NULL, 1);
	cairn_change_time t;

	json_object_set_new(json_object_get(json_object_get(d, "old"), "header"),
			    "created_set", json_true());
	t = one(d, &n);
	ck_assert(t.by_mtime && !t.bounded && t.at_ns == (T0 + 1200) * S);
	ck_assert(t.ctime_ns == (T0 + 90000) * S);
	json_decref(d);
	free(c);
}
END_TEST

START_TEST(test_changetime_installer_exempt)
{
	static const char *const recs =
		"{\"type\":\"package\",\"change\":\"version-changed\",\"old\":{\"ecosystem\":\"npm\","
		"\"project\":\"app\",\"path\":\"node_modules/a\"},\"new\":{\"ecosystem\":\"npm\","
		"\"project\":\"app\",\"path\":\"node_modules/a\"}},"
		"{\"type\":\"package\",\"change\":\"added\",\"new\":{\"ecosystem\":\"pypi\","
		"\"project\":\"venv/lib/python3.11/site-packages\",\"path\":\"b-2.dist-info\"}},"
		"{\"type\":\"package\",\"change\":\"same-version-different-content\",\"new\":{"
		"\"ecosystem\":\"npm\",\"project\":\"\",\"path\":\"node_modules/c\"}}";
	static const struct { const char *path; int installer; } cases[] = {
		{ "app/node_modules/a/index.js", 1 },
		{ "app/node_modules/a/lib/deep/x.js", 1 },
		{ "app/node_modules/a/node_modules/z/index.js", 0 },  /* another package */
		{ "app/package-lock.json", 1 },
		{ "app/node_modules/.package-lock.json", 1 },
		{ "app/package.json", 1 },
		{ "app/server.js", 0 },
		{ "package-lock.json", 0 },                             /* another project */
		{ "venv/lib/python3.11/site-packages/b/api.py", 1 },
		{ "node_modules/c/index.js", 0 },                       /* same version: tamper */
	};
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = modified(cases[i].path, 10, 10, 10, 1500);
		json_t *d = doc(c, recs, 1);
		cairn_change_time t = one(d, &n);

		ck_assert_uint_eq(n, 1);
		ck_assert_msg(t.installer == cases[i].installer, "%s", cases[i].path);
		ck_assert_msg(t.forged == (cases[i].installer ? 0 : CAIRN_FORGED_KEPT), "%s", cases[i].path);
		json_decref(d);
		free(c);
	}
	/* without package records nothing below a package manager's folder is judged */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = modified(cases[i].path, 10, 10, 10, 1500);
		json_t *d = doc(c, NULL, 0);
		cairn_change_time t = one(d, &n);
		int pm = strstr(cases[i].path, "node_modules/") || strstr(cases[i].path, "site-packages/");

		ck_assert_msg(t.installer == pm, "%s", cases[i].path);
		json_decref(d);
		free(c);
	}
}
END_TEST

START_TEST(test_changetime_skips_what_it_cannot_read)
{
	static const char *const bad[] = {
		/* added: placed, never judged */
		"{\"path\":\"n\",\"change\":\"added\",\"new\":{\"kind\":\"file\",\"mtime\":1,\"mtime_ns\":0,"
		"\"ctime\":1767227000,\"ctime_ns\":0}}",
		/* a folder, a symlink, a type change */
		"{\"path\":\"d\",\"change\":\"modified\",\"old\":{\"kind\":\"file\"},\"new\":{\"kind\":\"dir\"}}",
		"{\"path\":\"l\",\"change\":\"modified\",\"old\":{\"kind\":\"symlink\"},\"new\":{\"kind\":\"file\","
		"\"mtime\":1,\"ctime\":1}}",
		/* times out of range or mistyped */
		"{\"path\":\"t\",\"change\":\"modified\",\"old\":{\"kind\":\"file\",\"mtime\":1,\"ctime\":1},"
		"\"new\":{\"kind\":\"file\",\"mtime\":1,\"ctime\":9223372036854775807}}",
		"{\"path\":\"u\",\"change\":\"modified\",\"old\":{\"kind\":\"file\",\"mtime\":1,\"ctime\":1},"
		"\"new\":{\"kind\":\"file\",\"mtime\":\"1\",\"ctime\":1}}",
		"{\"path\":\"v\",\"change\":\"modified\",\"old\":{\"kind\":\"file\",\"mtime\":1,\"ctime\":1},"
		"\"new\":{\"kind\":\"file\",\"mtime\":1,\"mtime_ns\":1000000000,\"ctime\":1}}",
		"{\"change\":\"modified\"}", "17", "null",
	};
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *d = doc(bad[i], NULL, 1);
		cairn_change_time t = one(d, &n);

		if (i == 0) {
			ck_assert_uint_eq(n, 1);
			ck_assert(t.added && !t.forged && t.at_ns == 1767227000LL * S);
		} else {
			ck_assert_msg(n == 0, "case %zu", i);
		}
		json_decref(d);
	}
	/* no document at all */
	{
		cairn_change_time *t = (cairn_change_time *)1;

		cairn_change_times(&t, &n, NULL, NULL, NULL);
		ck_assert(n == 0 && t == NULL);
	}
}
END_TEST

Suite *changetime_suite(void);

Suite *changetime_suite(void)
{
	Suite *s = suite_create("changetime");
	TCase *c = tcase_create("judge");

	tcase_add_test(c, test_changetime_judges_mtime);
	tcase_add_test(c, test_changetime_bounded_by_snapshots);
	tcase_add_test(c, test_changetime_given_clock);
	tcase_add_test(c, test_changetime_installer_exempt);
	suite_add_tcase(s, c);
	c = tcase_create("hostile");
	tcase_add_test(c, test_changetime_skips_what_it_cannot_read);
	suite_add_tcase(s, c);
	return s;
}
