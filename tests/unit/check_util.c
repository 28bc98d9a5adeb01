/*
 * check_util.c - the error message every library function leaves behind.
 */
#include "cairn.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The one reader of files a user names (allowlists, indicator lists,
 * advisory files): bounded, a FIFO refused without blocking, nothing cut. */
START_TEST(test_util_read_file_bounded_regular)
{
	char dir[] = "/tmp/cairn-util.XXXXXX", path[256], fifo[256], link[256], msg[512];
	cairn_buf b = CAIRN_BUF_INIT;
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("registry.npmjs.org\n", f);
	fclose(f);
	ck_assert_int_eq(cairn_read_file(&b, path, 64, "allowlist"), 0);
	ck_assert_str_eq(b.data, "registry.npmjs.org\n");
	ck_assert_uint_eq(b.len, 19);
	/* a symlink named on the command line is followed */
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(cairn_read_file(&b, link, 64, "allowlist"), 0);
	ck_assert_uint_eq(b.len, 19);
	/* one byte over the cap: refused, nothing kept */
	ck_assert_int_eq(cairn_read_file(&b, path, 18, "ioc"), CAIRN_ELIMIT);
	ck_assert_uint_eq(b.len, 0);
	snprintf(msg, sizeof(msg), "ioc '%s': larger than 18 bytes", path);
	ck_assert_str_eq(cairn_error_last(), msg);
	/* a FIFO without a writer: refused at once, not waited on */
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(cairn_read_file(&b, fifo, 64, "allowlist"), CAIRN_EFORMAT);
	snprintf(msg, sizeof(msg), "allowlist '%s': not a regular file", fifo);
	ck_assert_str_eq(cairn_error_last(), msg);
	ck_assert_int_eq(cairn_read_file(&b, dir, 64, "advisories"), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_read_file(&b, "/nonexistent/x", 64, "allowlist"), CAIRN_EIO);
	ck_assert_str_eq(cairn_error_last(),
			 "cannot open allowlist '/nonexistent/x': No such file or directory");
	/* an empty file is an empty string, not NULL */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(cairn_read_file(&b, path, 64, "allowlist"), 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	cairn_buf_release(&b);
	unlink(link);
	unlink(fifo);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* Where a key is, or would go, in a sorted list of strings: the
 * bisection npm.c (project folders) and coverage.c (package details) use. */
START_TEST(test_util_strv_lower_bound)
{
	static const char *const v[] = { "a", "b/", "b/c", "d" };

	ck_assert_uint_eq(cairn_strv_lower_bound(v, 0, "a"), 0);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, ""), 0);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, "a"), 0);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, "b"), 1);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, "b/"), 1);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, "b/a"), 2);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, "c"), 3);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, "d"), 3);
	ck_assert_uint_eq(cairn_strv_lower_bound(v, 4, "e"), 4);
}
END_TEST

Suite *util_suite(void);

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *c = tcase_create("error-context");

	tcase_add_test(c, test_util_error_context_wraps_last_message);
	suite_add_tcase(s, c);
	c = tcase_create("read-file");
	tcase_add_test(c, test_util_read_file_bounded_regular);
	suite_add_tcase(s, c);
	c = tcase_create("strv");
	tcase_add_test(c, test_util_strv_lower_bound);
	suite_add_tcase(s, c);
	return s;
}
