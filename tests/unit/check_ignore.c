/*
 * check_ignore.c - the gitignore-syntax matcher, against fixed cases and
 * against git check-ignore itself on a repository built by the test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ignore.h"

Suite *ignore_suite(void);

static int glob(const char *p, const char *t)
{
	return cairn_glob_match(p, strlen(p), t, strlen(t));
}

static int ign(cairn_ignore *ig, const char *path, int is_dir)
{
	return cairn_ignore_match(ig, path, strlen(path), is_dir);
}

START_TEST(test_ignore_glob_basics)
{
	ck_assert(glob("*.log", "a.log"));
	ck_assert(!glob("*.log", "dir/a.log"));     /* '*' stops at '/' */
	ck_assert(glob("**/a.log", "x/y/a.log"));
	ck_assert(glob("**/a.log", "a.log"));       /* zero folders */
	ck_assert(glob("a/**/b", "a/b"));
	ck_assert(glob("a/**/b", "a/x/y/b"));
	ck_assert(!glob("a/**/b", "ab"));
	ck_assert(glob("a/**", "a/x/y"));
	ck_assert(!glob("a/**", "a"));
	ck_assert(glob("?.c", "x.c"));
	ck_assert(!glob("?", "/"));
	ck_assert(glob("[a-c]x", "bx"));
	ck_assert(!glob("[!a-c]x", "bx"));
	ck_assert(glob("[^a-c]x", "dx"));
	ck_assert(glob("[]]", "]"));
	ck_assert(glob("[[:digit:]]", "7"));
	ck_assert(!glob("[[:digit:]]", "a"));
	ck_assert(glob("\\*", "*"));
	ck_assert(!glob("\\*", "a"));
	ck_assert(glob("[", "["));                 /* unclosed: literal */
	ck_assert(glob("a**b", "axxb"));           /* not a component: plain star */
	ck_assert(!glob("a**b", "ax/xb"));
}
END_TEST

START_TEST(test_ignore_glob_hostile_is_fast)
{
	/* exponential for a naive backtracker; must return quickly */
	char text[200];
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ck_assert(!glob("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
	ck_assert(!glob("**/**/**/**/**/**/**/**/**/**/**/**/b",
			"a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/c"));
}
END_TEST

START_TEST(test_ignore_rules)
{
	static const char file[] =
		"# comment\n"
		"\n"
		"*.log\n"
		"!keep.log\n"
		"/build\n"
		"cache/\n"
		"docs/*.tmp\n"
		"\\#hash\n"
		"trail   \n"
		"sp\\ \n";
	cairn_ignore *ig = cairn_ignore_new();

	ck_assert_int_eq(cairn_ignore_add_buffer(ig, "", file, sizeof(file) - 1,
						 "t"), 0);
	ck_assert_uint_eq(cairn_ignore_count(ig), 8);
	ck_assert(ign(ig, "a.log", 0));
	ck_assert(ign(ig, "x/y/a.log", 0));
	ck_assert(!ign(ig, "keep.log", 0));
	ck_assert(!ign(ig, "x/keep.log", 0));
	ck_assert(ign(ig, "build", 1));
	ck_assert(ign(ig, "build/x.c", 0));        /* below an ignored folder */
	ck_assert(!ign(ig, "src/build", 1));       /* anchored */
	ck_assert(ign(ig, "src/cache", 1));
	ck_assert(!ign(ig, "src/cache", 0));       /* dir-only rule, a file */
	ck_assert(ign(ig, "src/cache/f", 0));
	ck_assert(ign(ig, "docs/a.tmp", 0));
	ck_assert(!ign(ig, "x/docs/a.tmp", 0));
	ck_assert(ign(ig, "#hash", 0));
	ck_assert(ign(ig, "trail", 0));
	ck_assert(ign(ig, "sp ", 0));
	ck_assert(!ign(ig, "main.c", 0));
	ck_assert(!ign(NULL, "a.log", 0));
	cairn_ignore_free(ig);
}
END_TEST

START_TEST(test_ignore_no_reinclude_below_ignored_dir)
{
	static const char file[] = "logs/\n!logs/important\n";
	cairn_ignore *ig = cairn_ignore_new();

	ck_assert_int_eq(cairn_ignore_add_buffer(ig, "", file, sizeof(file) - 1,
						 "t"), 0);
	ck_assert(ign(ig, "logs/important", 0));
	cairn_ignore_free(ig);
}
END_TEST

START_TEST(test_ignore_base_folder)
{
	static const char file[] = "/x\n*.o\n";
	cairn_ignore *ig = cairn_ignore_new();

	ck_assert_int_eq(cairn_ignore_add_buffer(ig, "sub/dir", file,
						 sizeof(file) - 1, "t"), 0);
	ck_assert(ign(ig, "sub/dir/x", 0));
	ck_assert(!ign(ig, "x", 0));
	ck_assert(!ign(ig, "sub/x", 0));
	ck_assert(ign(ig, "sub/dir/deep/a.o", 0));
	ck_assert(!ign(ig, "a.o", 0));
	cairn_ignore_free(ig);
}
END_TEST

START_TEST(test_ignore_limits_and_missing_file)
{
	cairn_ignore *ig = cairn_ignore_new();
	char *big = malloc(CAIRN_IGNORE_MAX_LINE + 2);

	memset(big, 'a', CAIRN_IGNORE_MAX_LINE + 1);
	big[CAIRN_IGNORE_MAX_LINE + 1] = '\n';
	ck_assert_int_eq(cairn_ignore_add_buffer(ig, "", big,
						 CAIRN_IGNORE_MAX_LINE + 2, "big"),
			 CAIRN_ELIMIT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "big"));
	ck_assert_int_eq(cairn_ignore_add_file(ig, "", "/nonexistent/.cairnignore"),
			 CAIRN_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "/nonexistent/.cairnignore"));
	free(big);
	cairn_ignore_free(ig);
}
END_TEST

/* The oracle: git check-ignore on a real repository. */
START_TEST(test_ignore_agrees_with_git)
{
	static const char rules[] =
		"*.log\n!keep.log\n/build/\ncache/\ndocs/**/*.tmp\n**/gen\n"
		"a?c\n[0-9]*.bak\n!1.bak\nnode_modules/.cache\n";
	static const char *paths[] = {
		"a.log", "x/a.log", "keep.log", "x/keep.log", "build/o", "src/build/o",
		"cache/f", "src/cache/f", "docs/a.tmp", "docs/x/y/a.tmp", "x/docs/a.tmp",
		"gen/f", "x/gen/f", "abc", "x/abc", "abbc", "2.bak", "1.bak", "x.bak",
		"node_modules/.cache/f", "x/node_modules/.cache/f", "main.c",
	};
	char dir[] = "/tmp/cairn-ign-XXXXXX";
	char cmd[4096], line[512];
	cairn_ignore *ig = cairn_ignore_new();
	size_t i;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "git init -q '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/.gitignore", dir);
	f = fopen(cmd, "w");
	fputs(rules, f);
	fclose(f);
	ck_assert_int_eq(cairn_ignore_add_buffer(ig, "", rules, sizeof(rules) - 1,
						 ".gitignore"), 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int git_says, we_say = ign(ig, paths[i], 0);

		/* --no-index: ask about the path even if it does not exist */
		snprintf(cmd, sizeof(cmd), "cd '%s' && git check-ignore -q --no-index "
			 "'%s'", dir, paths[i]);
		git_says = system(cmd) == 0;
		ck_assert_msg(git_says == we_say, "%s: git %d, cairn %d", paths[i],
			      git_says, we_say);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	(void)line;
	cairn_ignore_free(ig);
}
END_TEST

Suite *ignore_suite(void)
{
	Suite *s = suite_create("ignore");
	TCase *tc = tcase_create("ignore");

	tcase_add_test(tc, test_ignore_glob_basics);
	tcase_add_test(tc, test_ignore_glob_hostile_is_fast);
	tcase_add_test(tc, test_ignore_rules);
	tcase_add_test(tc, test_ignore_no_reinclude_below_ignored_dir);
	tcase_add_test(tc, test_ignore_base_folder);
	tcase_add_test(tc, test_ignore_limits_and_missing_file);
	tcase_add_test(tc, test_ignore_agrees_with_git);
	suite_add_tcase(s, tc);
	return s;
}
