/*
 * check_gitdiff.c - disk against a git tree and lockfile history, on real
 * repositories built by the test with the git CLI; blob ids checked against
 * git hash-object, the change list against git status.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitdiff.h"

#include "scratch.h"

Suite *gitdiff_suite(void);

#define GITENV "GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.org " \
	"GIT_COMMITTER_NAME=Alice GIT_COMMITTER_EMAIL=alice@example.org " \
	"GIT_CONFIG_NOSYSTEM=1 HOME=/nonexistent "

SCRATCH_FIXTURE("check_gitdiff")

/* Run a shell script in tmpdir; fail the test when it fails. */
static void sh(const char *script)
{
	char *cmd;
	size_t n = strlen(script) + 256;

	cmd = malloc(n);
	snprintf(cmd, n, "cd '%s' && export " GITENV " && set -e && %s", tmpdir, script);
	ck_assert_msg(system(cmd) == 0, "script failed: %s", script);
	free(cmd);
}

/* First line of a command's output in tmpdir. */
static void capture(char *out, size_t n, const char *script)
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", tmpdir, script);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	out[0] = '\0';
	ck_assert_ptr_nonnull(fgets(out, (int)n, p));
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

START_TEST(test_gitdiff_blob_ids_match_git)
{
	char ours[41], git[128];

	sh("printf 'hello\\n' > small && : > empty && "
	   "head -c 9437184 /dev/urandom > big && ln -s small link");
	ck_assert_int_eq(cairn_git_hash_path(ours, tpath("small")), 0);
	capture(git, sizeof(git), "git hash-object --no-filters small");
	ck_assert_str_eq(ours, git);
	ck_assert_int_eq(cairn_git_hash_path(ours, tpath("empty")), 0);
	ck_assert_str_eq(ours, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
	/* above the in-memory size: the streamed SHA-1 path */
	ck_assert_int_eq(cairn_git_hash_path(ours, tpath("big")), 0);
	capture(git, sizeof(git), "git hash-object --no-filters big");
	ck_assert_str_eq(ours, git);
	/* a symlink hashes its target, as git stores it */
	ck_assert_int_eq(cairn_git_hash_path(ours, tpath("link")), 0);
	capture(git, sizeof(git), "printf small | git hash-object --stdin");
	ck_assert_str_eq(ours, git);
}
END_TEST

/* The repository of the tree tests: several commits, then disk changes. */
static void make_repo(void)
{
	sh("git init -q repo && cd repo && "
	   "mkdir dir sub vendor && printf 'a\\n' > a.txt && printf '#!/bin/sh\\n' > b.sh && "
	   "chmod +x b.sh && ln -s a.txt link && printf 'c\\n' > dir/c.txt && "
	   "printf 'd\\n' > sub/d.txt && printf 't\\n' > typed && printf 'v\\n' > vendor/v.js && "
	   "printf '*.log\\n' > .gitignore && printf 'tracked\\n' > kept.log && "
	   "git add -A && git add -f kept.log && git commit -qm one && "
	   "printf 'a2\\n' >> a.txt && git commit -qam two && "
	   "git mv sub/d.txt sub/e.txt && git commit -qm rename && "
	   /* now the disk drifts away from HEAD */
	   "printf 'evil\\n' >> a.txt && chmod -x b.sh && rm link && ln -s /etc/passwd link && "
	   "rm dir/c.txt && mv sub/e.txt sub/f.txt && printf 'new\\n' > new.txt && "
	   "rm typed && ln -s a.txt typed && printf 'x\\n' > noise.log && "
	   "printf 'changed\\n' > kept.log");
}

static const cairn_gitdiff_change *find(const cairn_gitdiff *g, const char *path)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->v[i].path, path))
			return &g->v[i];
	return NULL;
}

START_TEST(test_gitdiff_tree_each_change)
{
	cairn_gitdiff *g = NULL;
	cairn_gitdiff_opts o;
	const cairn_gitdiff_change *c;
	char head[64];

	make_repo();
	memset(&o, 0, sizeof(o));
	ck_assert_msg(cairn_gitdiff_tree(&g, tpath("repo"), tpath("repo"), &o) == 0, "%s",
		      cairn_error_last());
	capture(head, sizeof(head), "git -C repo rev-parse HEAD");
	ck_assert_str_eq(g->commit, head);
	ck_assert_ptr_nonnull(c = find(g, "a.txt"));
	ck_assert_int_eq(c->kind, CAIRN_GD_MODIFIED);
	ck_assert_ptr_nonnull(c = find(g, "b.sh"));
	ck_assert_int_eq(c->kind, CAIRN_GD_MODE);
	ck_assert_uint_eq(c->old_mode, 0100755);
	ck_assert_uint_eq(c->new_mode, 0100644);
	ck_assert_ptr_nonnull(c = find(g, "link"));
	ck_assert_int_eq(c->kind, CAIRN_GD_MODIFIED);
	ck_assert_uint_eq(c->new_mode, 0120000);
	ck_assert_ptr_nonnull(c = find(g, "dir/c.txt"));
	ck_assert_int_eq(c->kind, CAIRN_GD_REMOVED);
	ck_assert_ptr_nonnull(c = find(g, "sub/e.txt"));
	ck_assert_int_eq(c->kind, CAIRN_GD_REMOVED);
	ck_assert_ptr_nonnull(c = find(g, "sub/f.txt"));
	ck_assert_int_eq(c->kind, CAIRN_GD_ADDED);
	ck_assert_ptr_nonnull(c = find(g, "new.txt"));
	ck_assert_int_eq(c->kind, CAIRN_GD_ADDED);
	ck_assert_ptr_nonnull(c = find(g, "typed"));
	ck_assert_int_eq(c->kind, CAIRN_GD_TYPE);
	ck_assert_ptr_nonnull(c = find(g, "noise.log"));   /* no --gitignore */
	ck_assert_int_eq(c->kind, CAIRN_GD_ADDED);
	ck_assert_ptr_nonnull(c = find(g, "kept.log"));
	ck_assert_int_eq(c->kind, CAIRN_GD_MODIFIED);
	ck_assert_ptr_null(find(g, "vendor/v.js"));
	ck_assert_ptr_null(find(g, ".gitignore"));
	ck_assert_uint_eq(g->n, 10);
	/* the blob id of the changed content is git's */
	{
		char git[64];

		capture(git, sizeof(git), "git -C repo hash-object --no-filters a.txt");
		ck_assert_str_eq(find(g, "a.txt")->new_oid, git);
	}
	cairn_gitdiff_free(g);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_gitdiff_agrees_with_git_status)
{
	cairn_gitdiff *g = NULL;
	cairn_gitdiff_opts o;
	char line[512], cmd[512];
	char *ours[64], *theirs[64];
	size_t n_ours = 0, n_theirs = 0, i;
	FILE *p;

	make_repo();
	memset(&o, 0, sizeof(o));
	o.gitignore = 1;
	ck_assert_int_eq(cairn_gitdiff_tree(&g, tpath("repo"), tpath("repo"), &o), 0);
	ck_assert_ptr_null(find(g, "noise.log"));          /* ignored, untracked */
	ck_assert_ptr_nonnull(find(g, "kept.log"));        /* tracked: still seen */
	ck_assert_uint_ge(g->ignored, 1);
	for (i = 0; i < g->n; i++)
		ours[n_ours++] = g->v[i].path;
	snprintf(cmd, sizeof(cmd), "cd '%s/repo' && git status --porcelain "
		 "--untracked-files=all --no-renames", tmpdir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p) && n_theirs < 64) {
		line[strcspn(line, "\n")] = '\0';
		theirs[n_theirs++] = strdup(line + 3);
	}
	pclose(p);
	qsort(ours, n_ours, sizeof(char *), cmp_str);
	qsort(theirs, n_theirs, sizeof(char *), cmp_str);
	ck_assert_uint_eq(n_ours, n_theirs);
	for (i = 0; i < n_ours; i++)
		ck_assert_str_eq(ours[i], theirs[i]);
	for (i = 0; i < n_theirs; i++)
		free(theirs[i]);
	cairn_gitdiff_free(g);
}
END_TEST

START_TEST(test_gitdiff_rev_and_subdir)
{
	cairn_gitdiff *g = NULL;
	cairn_gitdiff_opts o;

	make_repo();
	sh("mkdir copy && printf 'd\\n' > copy/d.txt");
	memset(&o, 0, sizeof(o));
	o.rev = "HEAD~1";
	o.subdir = "sub";
	ck_assert_msg(cairn_gitdiff_tree(&g, tpath("repo"), tpath("copy"), &o) == 0, "%s",
		      cairn_error_last());
	ck_assert_uint_eq(g->n, 0);                         /* sub/d.txt at HEAD~1 */
	cairn_gitdiff_free(g);
	o.rev = "HEAD";
	ck_assert_int_eq(cairn_gitdiff_tree(&g, tpath("repo"), tpath("copy"), &o), 0);
	ck_assert_uint_eq(g->n, 2);                         /* renamed at HEAD */
	cairn_gitdiff_free(g);
	o.rev = "no-such-rev";
	g = (cairn_gitdiff *)0x1;
	ck_assert_int_eq(cairn_gitdiff_tree(&g, tpath("repo"), tpath("copy"), &o),
			 CAIRN_ENOTFOUND);
	ck_assert_ptr_null(g);
	o.rev = NULL;
	o.subdir = "nope";
	ck_assert_int_eq(cairn_gitdiff_tree(&g, tpath("repo"), tpath("copy"), &o),
			 CAIRN_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "nope"));
}
END_TEST

START_TEST(test_gitdiff_history_lockfile)
{
	cairn_history *h = NULL;
	const cairn_history_commit *c;
	size_t i;
	int bump = 0, integ = 0;

	sh("git init -q hist && cd hist && "
	   "printf '%s' '{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\"},"
	   "\"node_modules/a\":{\"version\":\"1.0.0\",\"resolved\":\"https://registry.npmjs.org/a/-/a-1.0.0.tgz\",\"integrity\":\"sha512-AAA\"},"
	   "\"node_modules/b\":{\"version\":\"2.0.0\",\"integrity\":\"sha512-BBB\"}}}' > package-lock.json && "
	   "git add -A && GIT_AUTHOR_DATE='2026-01-01T10:00:00Z' git commit -qm 'add lock' && "
	   "sed -i 's/a-1.0.0/a-1.1.0/; s/\"1.0.0\"/\"1.1.0\"/; s/sha512-AAA/sha512-AA2/' package-lock.json && "
	   "GIT_AUTHOR_NAME=Bob GIT_AUTHOR_EMAIL=bob@example.org GIT_AUTHOR_DATE='2026-01-02T10:00:00Z' "
	   "git commit -qam 'bump a' && "
	   "printf 'x\\n' > README && git add README && git commit -qm 'unrelated' && "
	   "sed -i 's/sha512-BBB/sha512-EVIL/' package-lock.json && "
	   "GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=m@evil.example GIT_AUTHOR_DATE='2026-01-03T10:00:00Z' "
	   "git commit -qam 'refresh lock'");
	ck_assert_msg(cairn_git_history(&h, tpath("hist"), "package-lock.json", NULL) == 0,
		      "%s", cairn_error_last());
	ck_assert_uint_eq(h->n, 3);                 /* 'unrelated' is not listed */
	c = &h->v[0];                               /* newest first */
	ck_assert_str_eq(c->author_name, "Mallory");
	ck_assert_str_eq(c->author_email, "m@evil.example");
	ck_assert_int_eq(c->time, 1767434400);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_str_eq(c->v[0].key, "node_modules/b");
	ck_assert_str_eq(c->v[0].change, "integrity-same-version");
	ck_assert_int_eq(c->v[0].red_flag, 1);
	integ = 1;
	c = &h->v[1];
	ck_assert_str_eq(c->author_name, "Bob");
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].change, "version") && !strcmp(c->v[i].old_value, "1.0.0") &&
		    !strcmp(c->v[i].new_value, "1.1.0"))
			bump = 1;
	ck_assert(bump);
	ck_assert_uint_eq(c->n, 1);     /* integrity/resolved follow the version */
	c = &h->v[2];
	ck_assert_str_eq(c->status, "added");
	ck_assert_uint_eq(c->n, 2);
	ck_assert(integ);
	cairn_history_free(h);
}
END_TEST

START_TEST(test_gitdiff_history_manifest_and_v1)
{
	cairn_history *h = NULL;

	sh("git init -q m && cd m && "
	   "printf '%s' '{\"dependencies\":{\"left-pad\":\"1.3.0\"}}' > package.json && "
	   "printf '%s' '{\"lockfileVersion\":1,\"dependencies\":{\"x\":{\"version\":\"1.0.0\","
	   "\"dependencies\":{\"y\":{\"version\":\"2.0.0\"}}}}}' > package-lock.json && "
	   "git add -A && git commit -qm one && "
	   "printf '%s' '{\"dependencies\":{\"left-pad\":\"^1.3.0\"}}' > package.json && "
	   "printf '%s' '{\"lockfileVersion\":1,\"dependencies\":{\"x\":{\"version\":\"1.0.0\","
	   "\"dependencies\":{\"y\":{\"version\":\"2.0.1\"}}}}}' > package-lock.json && "
	   "git commit -qam two && printf 'not json' > package.json && git commit -qam three");
	ck_assert_int_eq(cairn_git_history(&h, tpath("m"), "package.json", NULL), 0);
	ck_assert_uint_eq(h->n, 3);
	ck_assert_ptr_nonnull(h->v[0].error);                    /* unparsable */
	ck_assert_uint_eq(h->v[1].n, 1);
	ck_assert_str_eq(h->v[1].v[0].key, "dependencies:left-pad");
	ck_assert_str_eq(h->v[1].v[0].change, "range");
	ck_assert_int_eq(h->v[1].v[0].red_flag, 1);              /* pin loosened */
	cairn_history_free(h);
	ck_assert_int_eq(cairn_git_history(&h, tpath("m"), "package-lock.json", NULL), 0);
	ck_assert_uint_eq(h->n, 2);
	ck_assert_uint_eq(h->v[0].n, 1);
	ck_assert_str_eq(h->v[0].v[0].key, "node_modules/x/node_modules/y");
	ck_assert_str_eq(h->v[0].v[0].change, "version");
	cairn_history_free(h);
}
END_TEST

START_TEST(test_gitdiff_json_document)
{
	cairn_gitdiff *g = NULL;
	json_t *doc;

	make_repo();
	ck_assert_int_eq(cairn_gitdiff_tree(&g, tpath("repo"), tpath("repo"), NULL), 0);
	doc = cairn_gitdiff_to_json(g);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "mode")), "git");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "changes")), g->n);
	ck_assert(json_is_true(json_object_get(json_object_get(doc, "summary"),
					       "differences")));
	json_decref(doc);
	cairn_gitdiff_free(g);
}
END_TEST

Suite *gitdiff_suite(void)
{
	Suite *s = suite_create("gitdiff");
	TCase *tc = tcase_create("gitdiff");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_gitdiff_blob_ids_match_git);
	tcase_add_test(tc, test_gitdiff_tree_each_change);
	tcase_add_test(tc, test_gitdiff_agrees_with_git_status);
	tcase_add_test(tc, test_gitdiff_rev_and_subdir);
	tcase_add_test(tc, test_gitdiff_history_lockfile);
	tcase_add_test(tc, test_gitdiff_history_manifest_and_v1);
	tcase_add_test(tc, test_gitdiff_json_document);
	suite_add_tcase(s, tc);
	return s;
}
