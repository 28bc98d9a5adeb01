/*
 * check_coverage.c - per-package coverage, its counts, the one-line
 * summary and the states a verdict is scoped by (docs/RECORDS.md
 * §Coverage), including records written before coverage existed.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	ck_assert_msg(j != NULL, "bad test JSON: %s (%s)", err.text, text);
	return j;
}

static char *summary(const json_t *counts)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_coverage_summary(&b, counts);
	return cairn_buf_detach(&b, NULL);
}

/* The table is in code order (the lookup bisects it) and every code the
 * analyzers write has words and a fix. */
START_TEST(test_coverage_reason_table)
{
	static const char *const codes[] = {
		"no_cache", "not_in_cache", "no_integrity", "lockfile_unsupported",
		"global_no_lockfile", "system_package", "no_record", "egg_info",
		"not_installed", "cache_corrupt", "tar_refused", "link", "bundled",
		"no_lockfile", "not_locked", "unknown", "record_error", NULL
	};
	const cairn_coverage_reason *t;
	size_t n, i;

	t = cairn_coverage_reasons(&n);
	for (i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(t[i - 1].code, t[i].code), 0);
	for (i = 0; codes[i]; i++) {
		const cairn_coverage_reason *r = cairn_coverage_reason_find(codes[i]);

		ck_assert_msg(r != NULL, "no reason %s", codes[i]);
		ck_assert(*r->words && *r->fix);
	}
	ck_assert_ptr_null(cairn_coverage_reason_find("nope"));
	ck_assert_ptr_null(cairn_coverage_reason_find(NULL));
}
END_TEST

/* Records with a coverage object, and older ones read through "files". */
START_TEST(test_coverage_count_and_summary)
{
	json_t *recs = parse("["
		"{\"type\":\"package\",\"ecosystem\":\"npm\",\"name\":\"a\",\"version\":\"1.0.0\","
		" \"coverage\":{\"verified\":true,\"reason\":null,\"detail\":null}},"
		"{\"type\":\"package\",\"ecosystem\":\"npm\",\"name\":\"b\",\"version\":\"2.0.0\","
		" \"coverage\":{\"verified\":false,\"reason\":\"not_in_cache\",\"detail\":\"x\"}},"
		"{\"type\":\"package\",\"ecosystem\":\"npm\",\"name\":\"c\",\"version\":\"3.0.0\","
		" \"files\":null},"
		"{\"type\":\"package\",\"ecosystem\":\"npm\",\"name\":\"d\",\"version\":\"1.0.0\","
		" \"files\":{\"status\":\"not_in_cache\"}},"
		"{\"type\":\"package\",\"ecosystem\":\"npm\",\"name\":\"e\",\"version\":null,"
		" \"files\":{\"status\":\"not_installed\"}},"
		"{\"type\":\"package\",\"ecosystem\":\"pypi\",\"name\":\"f\",\"version\":\"1\","
		" \"files\":{\"status\":\"verified\"}},"
		"{\"type\":\"package\",\"ecosystem\":\"pypi\",\"name\":\"g\",\"version\":\"1\","
		" \"files\":null},"
		"{\"type\":\"package\",\"files\":[1]},"
		"{\"type\":\"npm_project\"}, 5]");
	json_t *c = cairn_coverage_count(recs);
	char *line, *s;

	ck_assert_int_eq(json_integer_value(json_object_get(c, "packages")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "verified")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "not_verified")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "not_installed")), 1);
	s = json_dumps(json_object_get(c, "reasons"), JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(s, "{\"no_cache\":1,\"no_record\":1,\"not_in_cache\":2}");
	free(s);
	s = json_dumps(json_object_get(json_object_get(c, "ecosystems"), "pypi"),
		       JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(s, "{\"packages\":2,\"verified\":1,\"not_verified\":1,"
			 "\"not_installed\":0,\"reasons\":{\"no_record\":1}}");
	free(s);
	line = summary(c);
	ck_assert_str_eq(line, "6 packages: 2 verified, 4 not verified: 2 tarball not in cache, "
			 "1 no npm cache, 1 no RECORD");
	free(line);
	json_decref(c);
	json_decref(recs);

	recs = parse("[{\"type\":\"package\",\"ecosystem\":\"npm\",\"coverage\":"
		     "{\"verified\":false,\"reason\":\"not_in_cache\",\"detail\":null}}]");
	c = cairn_coverage_count(recs);
	line = summary(c);
	ck_assert_str_eq(line, "1 package: 0 verified, 1 not verified: tarball not in cache");
	free(line);
	json_decref(c);
	json_decref(recs);

	recs = parse("[]");
	c = cairn_coverage_count(recs);
	line = summary(c);
	ck_assert_str_eq(line, "no packages");
	free(line);
	json_decref(c);
	json_decref(recs);
}
END_TEST

static const char *state_of(const char *header, const char *records)
{
	static char out[64];
	json_t *h = header ? parse(header) : NULL, *r = parse(records);
	json_t *s = cairn_coverage_section(h, r);

	snprintf(out, sizeof(out), "%s", json_string_value(json_object_get(s, "state")));
	json_decref(s);
	json_decref(h);
	json_decref(r);
	return out;
}

START_TEST(test_coverage_section_states)
{
	static const char ok[] = "{\"type\":\"package\",\"coverage\":{\"verified\":true}}";
	static const char bad[] = "{\"type\":\"package\",\"coverage\":{\"verified\":false,"
				  "\"reason\":\"no_cache\"}}";
	char recs[512];
	json_t *r, *s, *g;

	snprintf(recs, sizeof(recs), "[%s,%s]", ok, ok);
	ck_assert_str_eq(state_of(NULL, recs), "complete");
	snprintf(recs, sizeof(recs), "[%s,%s]", ok, bad);
	ck_assert_str_eq(state_of(NULL, recs), "partial");
	snprintf(recs, sizeof(recs), "[%s,%s]", bad, bad);
	ck_assert_str_eq(state_of(NULL, recs), "none");
	ck_assert_str_eq(state_of("{\"options\":{\"packages\":false}}", "[]"), "not_analysed");
	ck_assert_str_eq(state_of("{\"options\":{\"packages\":true}}", "[]"), "no_packages");
	ck_assert_str_eq(state_of(NULL, "[{\"type\":\"coverage\",\"analysed\":true,\"packages\":0}]"),
			 "no_packages");
	ck_assert_str_eq(state_of(NULL, "[{\"type\":\"coverage\",\"analysed\":false}]"),
			 "not_analysed");
	/* a 1.0 snapshot: no options, no records */
	ck_assert_str_eq(state_of("{}", "[]"), "unknown");

	/* gaps: largest first, examples, fix */
	r = parse("[{\"type\":\"package\",\"name\":\"a\",\"version\":\"1\",\"coverage\":"
		  "{\"verified\":false,\"reason\":\"no_integrity\",\"detail\":\"d1\"}},"
		  "{\"type\":\"package\",\"name\":\"b\",\"version\":\"2\",\"coverage\":"
		  "{\"verified\":false,\"reason\":\"not_in_cache\",\"detail\":\"d2\"}},"
		  "{\"type\":\"package\",\"name\":\"c\",\"version\":\"3\",\"coverage\":"
		  "{\"verified\":false,\"reason\":\"not_in_cache\",\"detail\":\"d3\"}}]");
	s = cairn_coverage_section(NULL, r);
	g = json_array_get(json_object_get(s, "gaps"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(g, "reason")), "not_in_cache");
	ck_assert_int_eq(json_integer_value(json_object_get(g, "count")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(g, "examples"), 1)), "c@3");
	ck_assert_str_eq(json_string_value(json_object_get(g, "detail")), "d2");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(g, "fix")), "--npm-cache"));
	g = json_array_get(json_object_get(s, "gaps"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(g, "reason")), "no_integrity");
	ck_assert_str_eq(json_string_value(json_object_get(s, "summary")),
			 "3 packages: 0 verified, 3 not verified: 2 tarball not in cache, "
			 "1 no integrity in the lockfile");
	json_decref(s);
	json_decref(r);
}
END_TEST

/* A detail that is not UTF-8 (a hostile package name in it) is kept
 * escaped, never dropped or passed raw. */
START_TEST(test_coverage_package_object)
{
	json_t *o = cairn_coverage_package(0, "not_locked", "x\xff\x1b[2J");
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	ck_assert_str_eq(s, "{\"verified\":false,\"reason\":\"not_locked\",\"detail\":\"x\\\\xff\\u001B[2J\"}");
	free(s);
	json_decref(o);
	o = cairn_coverage_package(1, "ignored", NULL);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(s, "{\"verified\":true,\"reason\":null,\"detail\":null}");
	free(s);
	json_decref(o);
}
END_TEST

/* A parse_error that is an unverified package's coverage gap (the
 * detail is its message, or begins with it and "; ") is that package's
 * gap, not an unread input too; any other parse_error is. */
START_TEST(test_coverage_unread_owned)
{
	json_t *r = parse(
		"[{\"type\":\"package\",\"coverage\":{\"verified\":false,\"reason\":"
		"\"record_error\",\"detail\":\"a/RECORD: line 4: 1 fields, want 3\"}},"
		"{\"type\":\"package\",\"coverage\":{\"verified\":false,\"reason\":"
		"\"binary_lockfile\",\"detail\":\"bun.lockb: not read; the npm cache index "
		"has no tarball for x@1\"}},"
		"{\"type\":\"package\",\"coverage\":{\"verified\":false,\"reason\":"
		"\"tar_refused\",\"detail\":\"c.tgz: bad!\"}},"
		"{\"type\":\"package\",\"coverage\":{\"verified\":true,\"reason\":null,"
		"\"detail\":\"v: ok\"}},"
		"{\"type\":\"package\",\"coverage\":{\"verified\":false,\"reason\":"
		"\"not_locked\",\"detail\":\"x\\\\xff\"}},"
		"{\"type\":\"parse_error\",\"file\":\"a/RECORD\",\"analyzer\":\"pip\","
		"\"message\":\"a/RECORD: line 4: 1 fields, want 3\"},"
		"{\"type\":\"parse_error\",\"file\":\"bun.lockb\",\"analyzer\":\"bun\","
		"\"message\":\"bun.lockb: not read\"},"
		"{\"type\":\"parse_error\",\"file\":\"c.tgz\",\"analyzer\":\"tarball\","
		"\"message\":\"c.tgz: bad\"},"
		"{\"type\":\"parse_error\",\"file\":\"v\",\"analyzer\":\"pip\","
		"\"message\":\"v: ok\"},"
		"{\"type\":\"parse_error\",\"file\":\"x\",\"analyzer\":\"npm\","
		"\"message_esc\":\"x\\\\xff\"},"
		"{\"type\":\"parse_error\",\"file\":\"uv.lock\",\"analyzer\":\"pip\","
		"\"message\":\"uv.lock: too big\"}]");
	json_t *s = cairn_coverage_section(NULL, r);
	const json_t *un = json_object_get(s, "unread");

	/* owned: the RECORD (equal), bun.lockb (the start, then "; "), the
	 * escaped message (as escaped as the detail); not: "c.tgz: bad" (the
	 * start of "c.tgz: bad!", but no "; "), one of a verified package,
	 * one no package names */
	ck_assert_int_eq(json_array_size(un), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(un, 0), "file")), "c.tgz");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(un, 1), "file")), "v");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(un, 2), "file")), "uv.lock");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(s, "summary")),
				     "; 3 inputs not read"));
	json_decref(s);
	json_decref(r);
}
END_TEST

Suite *coverage_suite(void);
Suite *coverage_suite(void)
{
	Suite *s = suite_create("coverage");
	TCase *tc = tcase_create("coverage");

	tcase_add_test(tc, test_coverage_reason_table);
	tcase_add_test(tc, test_coverage_count_and_summary);
	tcase_add_test(tc, test_coverage_section_states);
	tcase_add_test(tc, test_coverage_package_object);
	tcase_add_test(tc, test_coverage_unread_owned);
	suite_add_tcase(s, tc);
	return s;
}
