/*
 * check_osv.c - OSV advisories: the real fixtures (an OpenSSF
 * malicious-packages entry and a GitHub advisory) found in their folder
 * layouts and in a zip, range evaluation on every edge the schema defines
 * (introduced 0, fixed, last_affected, several intervals, pre-releases
 * inside an interval, the versions list, PEP 440 ordering for PyPI),
 * withdrawn advisories, the name filter, severity, and hostile files.
 */
#include "cairn.h"
#include "osv.h"
#include "rules.h"
#include "scratch.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

SCRATCH_FIXTURE("check_osv")

static void put(const char *name, const char *text)
{
	ck_assert_int_eq(cairn_write_file_atomic(tpath(name), text, strlen(text)), 0);
}

struct seen {
	char ids[256];
	int n, malicious, severity;
	char fixed[64], why[16];
};

static int seen_cb(void *ctx, const cairn_osv_match *m)
{
	struct seen *s = ctx;

	snprintf(s->ids + strlen(s->ids), sizeof(s->ids) - strlen(s->ids), "%s%s",
		 s->n ? "," : "", m->id);
	s->n++;
	s->malicious = m->malicious;
	s->severity = m->severity;
	snprintf(s->fixed, sizeof(s->fixed), "%s", m->fixed ? m->fixed : "-");
	snprintf(s->why, sizeof(s->why), "%s", m->why);
	return 0;
}

/* The ids of the advisories affecting eco/name@version ("" when none). */
static const char *match(const cairn_osv_db *db, int eco, const char *name,
			 const char *version, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	ck_assert_int_ge(cairn_osv_db_match(db, eco, name, version, seen_cb, s, NULL), 0);
	return s->ids;
}

static char *fixtures(void)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/tests/fixtures/osv",
		 getenv("CAIRN_SRC") ? getenv("CAIRN_SRC") : ".");
	return p;
}

START_TEST(test_osv_real_fixtures)
{
	cairn_osv_db *db;
	struct seen s;

	cairn_osv_db_new(&db);
	ck_assert_int_eq(cairn_osv_db_load(db, fixtures()), 0);
	ck_assert_uint_eq(cairn_osv_db_stats(db)->kept, 2);
	/* postmark-mcp turned malicious in 1.0.16: introduced, never fixed */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "postmark-mcp", "1.0.15", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "postmark-mcp", "1.0.16", &s), "MAL-2025-47604");
	ck_assert_int_eq(s.malicious, 1);
	ck_assert_int_eq(s.severity, CAIRN_SEV_CRITICAL);
	ck_assert_str_eq(s.fixed, "-");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "postmark-mcp", "2.0.0", &s), "MAL-2025-47604");
	/* a pre-release inside the interval is affected (SemVer order) */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "postmark-mcp", "1.0.17-beta.1", &s),
			 "MAL-2025-47604");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "postmark-mcp", "1.0.16-rc.1", &s), "");
	/* semver: three intervals, GitHub's MODERATE is medium */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "7.5.1", &s), "GHSA-c2qf-rxjj-qqgw");
	ck_assert_str_eq(s.fixed, "7.5.2");
	ck_assert_int_eq(s.severity, CAIRN_SEV_MEDIUM);
	ck_assert_int_eq(s.malicious, 0);
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "7.5.2", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "6.3.0", &s), "GHSA-c2qf-rxjj-qqgw");
	ck_assert_str_eq(s.fixed, "6.3.1");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "6.3.1", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "5.7.1", &s), "GHSA-c2qf-rxjj-qqgw");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "0.0.1", &s), "GHSA-c2qf-rxjj-qqgw");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "5.7.2", &s), "");
	/* 7.5.2-0 is below 7.5.2: still affected */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "7.5.2-0", &s), "GHSA-c2qf-rxjj-qqgw");
	/* other ecosystem, other name */
	ck_assert_str_eq(match(db, CAIRN_OSV_PYPI, "semver", "1.0.0", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "Semver", "1.0.0", &s), "");
	cairn_osv_db_free(db);
}
END_TEST

/* One advisory per range edge. */
START_TEST(test_osv_range_edges)
{
	cairn_osv_db *db;
	struct seen s;
	unsigned undet = 0;

	put("a.json", "{\"id\":\"T-LAST\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"la\"},"
	    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.0.0\"},{\"last_affected\":\"1.2.0\"}]}]}]}");
	put("b.json", "{\"id\":\"T-VERS\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"vl\"},"
	    "\"versions\":[\"1.0.1\",\"2.0.0-rc.1\"]}]}");
	/* events listed out of order: evaluation sorts them */
	put("c.json", "{\"id\":\"T-ORDER\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"or\"},"
	    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"fixed\":\"3.0.0\"},{\"introduced\":\"2.0.0\"},"
	    "{\"fixed\":\"1.5.0\"},{\"introduced\":\"0\"}]}]}]}");
	put("d.json", "{\"id\":\"T-WD\",\"withdrawn\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
	    "{\"ecosystem\":\"npm\",\"name\":\"wd\"},\"versions\":[\"1.0.0\"]}]}");
	put("e.json", "{\"id\":\"T-PY\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Py_Pkg.Name\"},"
	    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"1.0a1\"},{\"fixed\":\"1.0.post1\"},"
	    "{\"introduced\":\"1!0.5\"}]}]}]}");
	put("f.json", "{\"id\":\"T-GIT\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"gi\"},"
	    "\"ranges\":[{\"type\":\"GIT\",\"repo\":\"https://x\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
	put("g.json", "{\"id\":\"T-CVSS\",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":"
	    "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H\"}],\"affected\":[{\"package\":"
	    "{\"ecosystem\":\"npm\",\"name\":\"cv\"},\"versions\":[\"1.0.0\"]}]}");
	cairn_osv_db_new(&db);
	ck_assert_int_eq(cairn_osv_db_load(db, tpath("")), 0);
	ck_assert_uint_eq(cairn_osv_db_stats(db)->withdrawn, 1);
	/* last_affected: that version is in, the next out */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "la", "1.2.0", &s), "T-LAST");
	ck_assert_str_eq(s.fixed, "-");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "la", "1.2.1-0", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "la", "0.9.9", &s), "");
	/* versions list: exact versions only */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "vl", "1.0.1", &s), "T-VERS");
	ck_assert_str_eq(s.why, "versions");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "vl", "2.0.0-rc.1+build", &s), "T-VERS");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "vl", "1.0.2", &s), "");
	/* two intervals given out of order: [0,1.5.0) and [2.0.0,3.0.0) */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "or", "1.4.9", &s), "T-ORDER");
	ck_assert_str_eq(s.fixed, "1.5.0");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "or", "1.5.0", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "or", "2.9.9", &s), "T-ORDER");
	ck_assert_str_eq(s.fixed, "3.0.0");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "or", "3.0.0", &s), "");
	/* withdrawn: ignored */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "wd", "1.0.0", &s), "");
	/* PyPI: PEP 440 order and PEP 503 names; an epoch sorts above all */
	ck_assert_str_eq(match(db, CAIRN_OSV_PYPI, "py-pkg-name", "1.0", &s), "T-PY");
	ck_assert_str_eq(match(db, CAIRN_OSV_PYPI, "PY.PKG__NAME", "1.0.dev1", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_PYPI, "py-pkg-name", "1.0.post1", &s), "");
	ck_assert_str_eq(match(db, CAIRN_OSV_PYPI, "py-pkg-name", "1.0rc2", &s), "T-PY");
	ck_assert_str_eq(match(db, CAIRN_OSV_PYPI, "py-pkg-name", "1!0.5", &s), "T-PY");
	ck_assert_str_eq(match(db, CAIRN_OSV_PYPI, "py-pkg-name", "9.0", &s), "");
	/* GIT ranges are not evaluated */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "gi", "1.0.0", &s), "");
	/* CVSS 3.1 9.8+ (S:C) is critical */
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "cv", "1.0.0", &s), "T-CVSS");
	ck_assert_int_eq(s.severity, CAIRN_SEV_CRITICAL);
	/* a version the order cannot read: not matched, counted */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cairn_osv_db_match(db, CAIRN_OSV_NPM, "or", "not-a-version",
					    seen_cb, &s, &undet), 0);
	ck_assert_uint_eq(undet, 1);
	cairn_osv_db_free(db);
}
END_TEST

START_TEST(test_osv_cvss3)
{
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 98);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 100);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"), 53);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), 18);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N"), 64);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"), -1);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), -1);
	ck_assert_int_eq(cairn_osv_cvss3_score10("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), -1);
	ck_assert_int_eq(cairn_osv_cvss3_score10(NULL), -1);
}
END_TEST

/* The name filter keeps what is wanted and skips other files unparsed. */
START_TEST(test_osv_want_filter)
{
	cairn_osv_db *db;
	struct seen s;

	cairn_osv_db_new(&db);
	cairn_osv_db_want(db, CAIRN_OSV_NPM, "semver");
	ck_assert_int_eq(cairn_osv_db_load(db, fixtures()), 0);
	ck_assert_uint_eq(cairn_osv_db_stats(db)->kept, 1);
	ck_assert_uint_eq(cairn_osv_db_stats(db)->skipped_fast, 1);
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "7.0.0", &s), "GHSA-c2qf-rxjj-qqgw");
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "postmark-mcp", "1.0.16", &s), "");
	cairn_osv_db_free(db);
	/* an escaped name cannot be read by the filter: the file is parsed */
	put("esc.json", "{\"id\":\"T-ESC\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
	    "\"name\":\"\\u0073emver\"},\"versions\":[\"1.0.0\"]}]}");
	cairn_osv_db_new(&db);
	cairn_osv_db_want(db, CAIRN_OSV_NPM, "semver");
	ck_assert_int_eq(cairn_osv_db_load(db, tpath("esc.json")), 0);
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "semver", "1.0.0", &s), "T-ESC");
	cairn_osv_db_free(db);
}
END_TEST

static void put_member(zip_t *z, const char *name, const char *text)
{
	zip_source_t *src = zip_source_buffer(z, text, strlen(text), 0);

	ck_assert_ptr_nonnull(src);
	ck_assert_int_ge(zip_file_add(z, name, src, ZIP_FL_OVERWRITE), 0);
}

/* A zip as OSV exports it, with a hostile member name and a bomb. */
START_TEST(test_osv_zip_and_hostile)
{
	static char big[(CAIRN_OSV_FILE_MAX) + 16];
	cairn_osv_db *db;
	struct seen s;
	zip_t *z;
	int err;
	char deep[30000];
	size_t i;

	memset(big, ' ', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 2] = '}';
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 10000; i++)
		deep[i] = '[';
	deep[10000] = '\0';
	z = zip_open(tpath("all.zip"), ZIP_CREATE | ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(z);
	put_member(z, "MAL-1.json", "{\"id\":\"MAL-1\",\"summary\":\"x\",\"affected\":[{\"package\":"
		"{\"ecosystem\":\"npm\",\"name\":\"zipped\"},\"versions\":[\"1.0.0\"]}]}");
	put_member(z, "../../escape.json", "{\"id\":\"T-ESCAPE\",\"affected\":[{\"package\":"
		"{\"ecosystem\":\"npm\",\"name\":\"zipped\"},\"versions\":[\"2.0.0\"]}]}");
	put_member(z, "bomb.json", big);          /* 8 MiB of spaces deflate to little */
	put_member(z, "deep.json", deep);
	put_member(z, "bad-utf8.json", "{\"id\":\"\xff\xfe\"}");
	put_member(z, "readme.txt", "not json");
	ck_assert_int_eq(zip_close(z), 0);
	cairn_osv_db_new(&db);
	ck_assert_int_eq(cairn_osv_db_load(db, tpath("all.zip")), 0);
	ck_assert_uint_eq(cairn_osv_db_stats(db)->files, 5);
	ck_assert_uint_eq(cairn_osv_db_stats(db)->kept, 2);
	ck_assert_uint_eq(cairn_osv_db_stats(db)->invalid, 3);
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "zipped", "1.0.0", &s), "MAL-1");
	ck_assert_int_eq(s.malicious, 1);
	ck_assert_str_eq(match(db, CAIRN_OSV_NPM, "zipped", "2.0.0", &s), "T-ESCAPE");
	ck_assert_int_eq(access(tpath("../escape.json"), F_OK), -1);
	cairn_osv_db_free(db);
	/* not a zip, not there: errors naming the path */
	put("fake.zip", "PK not really");
	cairn_osv_db_new(&db);
	ck_assert_int_eq(cairn_osv_db_load(db, tpath("fake.zip")), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "fake.zip"));
	ck_assert_int_eq(cairn_osv_db_load(db, tpath("missing")), CAIRN_EIO);
	cairn_osv_db_free(db);
}
END_TEST

Suite *osv_suite(void);

Suite *osv_suite(void)
{
	Suite *s = suite_create("osv");
	TCase *c = tcase_create("osv");

	tcase_add_checked_fixture(c, setup, teardown);
	tcase_set_timeout(c, 30);
	tcase_add_test(c, test_osv_real_fixtures);
	tcase_add_test(c, test_osv_range_edges);
	tcase_add_test(c, test_osv_cvss3);
	tcase_add_test(c, test_osv_want_filter);
	tcase_add_test(c, test_osv_zip_and_hostile);
	suite_add_tcase(s, c);
	return s;
}
