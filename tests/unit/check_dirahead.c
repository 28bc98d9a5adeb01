/*
 * check_dirahead.c - the directory read-ahead: lists every directory below
 * what it is given (and nothing else), never leaves the root (links,
 * "..", absolute paths), honours the walk's excludes, and reads files
 * ahead without touching their access times.
 */
#include "dirahead.h"
#include "walk.h"
#include "tcase.h"
#include "treeutil.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <liburing.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The read-ahead does nothing without openat2 (Linux < 5.6, some seccomp
 * filters, valgrind 3.19): the tests that expect it to list say so and
 * stop. */
static int no_openat2(const char *test)
{
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	fprintf(stderr, "check_dirahead: %s: skipped: openat2: %s\n", test,
		strerror(errno));
	return 1;
}

static char *tmp;
static int root_fd = -1;

/* tmp/root: a/{b, c/d, f.txt, fifo, out -> ../outside, dirlink -> c},
 * e/; tmp/outside/{x, y}: a directory the read-ahead must never list. */
static void setup(void)
{
	char *root, *p;

	tmp = tu_mkdtemp();
	tu_mkdir(tmp, "root");
	tu_mkdir(tmp, "outside");
	p = tu_join(tmp, "outside");
	tu_mkdir(p, "x");
	tu_mkdir(p, "y");
	free(p);
	root = tu_join(tmp, "root");
	tu_mkdir(root, "a");
	tu_mkdir(root, "e");
	p = tu_join(root, "a");
	tu_mkdir(p, "b");
	tu_mkdir(p, "c");
	tu_write(p, "f.txt", "read ahead\n");
	free(p);
	p = tu_join(root, "a/c");
	tu_mkdir(p, "d");
	free(p);
	p = tu_join(root, "a/fifo");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	free(p);
	p = tu_join(root, "a/out");
	ck_assert_int_eq(symlink("../../outside", p), 0);
	free(p);
	p = tu_join(root, "a/dirlink");
	ck_assert_int_eq(symlink("c", p), 0);
	free(p);
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(root_fd, 0);
	free(root);
}

static void teardown(void)
{
	if (root_fd >= 0)
		close(root_fd);
	root_fd = -1;
	tu_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
}

/* Wait until the read-ahead has listed want directories (or 5 s), then a
 * little longer so that one too many would show. */
static size_t settle(cairn_dirahead *a, size_t want)
{
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	int i;

	for (i = 0; i < 1000 && cairn_dirahead_listed(a) < want; i++)
		nanosleep(&tick, NULL);
	for (i = 0; i < 20; i++)
		nanosleep(&tick, NULL);
	return cairn_dirahead_listed(a);
}

START_TEST(test_dirahead_lists_below)
{
	cairn_dirahead *a = cairn_dirahead_new(root_fd, NULL, NULL);

	if (no_openat2("lists_below")) {
		cairn_dirahead_free(a);
		return;
	}

	/* a, a/b, a/c, a/c/d, e: not the links, not outside/x or y */
	cairn_dirahead_push(a, "e", 1);
	cairn_dirahead_push(a, "a", 1);
	cairn_dirahead_start(a);
	ck_assert_uint_eq(settle(a, 5), 5);
	cairn_dirahead_free(a);
	cairn_dirahead_free(NULL);
}
END_TEST

START_TEST(test_dirahead_stays_beneath)
{
	cairn_dirahead *a = cairn_dirahead_new(root_fd, NULL, NULL);
	char abs_outside[4096];

	snprintf(abs_outside, sizeof(abs_outside), "%s/outside", tmp);
	/* a link as the last component, a link on the way, "..", absolute */
	cairn_dirahead_push(a, "a/out", 5);
	cairn_dirahead_push(a, "a/out/x", 7);
	cairn_dirahead_push(a, "a/dirlink", 9);
	cairn_dirahead_push(a, "../outside", 10);
	cairn_dirahead_push(a, "a/../../outside", 15);
	cairn_dirahead_push(a, abs_outside, strlen(abs_outside));
	/* not a directory */
	cairn_dirahead_push(a, "a/fifo", 6);
	cairn_dirahead_push(a, "a/f.txt", 7);
	cairn_dirahead_start(a);
	ck_assert_uint_eq(settle(a, 1), 0);
	cairn_dirahead_free(a);
}
END_TEST

static int skip_c(void *ctx, const char *path, const char *name)
{
	ck_assert_ptr_eq(ctx, tmp);
	ck_assert(strlen(path) >= strlen(name));
	ck_assert_str_eq(path + strlen(path) - strlen(name), name);
	return strcmp(name, "c") == 0;
}

START_TEST(test_dirahead_skips_excluded)
{
	cairn_dirahead *a = cairn_dirahead_new(root_fd, skip_c, tmp);

	if (no_openat2("skips_excluded")) {
		cairn_dirahead_free(a);
		return;
	}

	/* a and a/b; not a/c nor a/c/d below it */
	cairn_dirahead_push(a, "a", 1);
	cairn_dirahead_start(a);
	ck_assert_uint_eq(settle(a, 2), 2);
	cairn_dirahead_free(a);
}
END_TEST

START_TEST(test_dirahead_files_keep_atime)
{
	cairn_dirahead *a = cairn_dirahead_new(root_fd, NULL, NULL);
	struct timespec times[2] = { { 1000000000, 0 }, { 0, UTIME_OMIT } };
	struct stat st;
	char *p = tu_join(tmp, "root/a/f.txt");

	if (no_openat2("files_keep_atime")) {
		cairn_dirahead_free(a);
		free(p);
		return;
	}
	/* an access time a day older than the change: relatime would move
	 * it on the first read */
	ck_assert_int_eq(utimensat(AT_FDCWD, p, times, 0), 0);
	cairn_dirahead_files(a, 1);
	cairn_dirahead_push(a, "a", 1);
	cairn_dirahead_start(a);
	ck_assert_uint_eq(settle(a, 4), 4);
	/* free() waits for the directory in hand, files and all; the FIFO
	 * beside the file is never opened, or this would not return */
	cairn_dirahead_free(a);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_atim.tv_sec, 1000000000);
	free(p);
}
END_TEST

/* The walk's answer for a/f.txt: excluded; counts the times it was asked
 * (from the read-ahead's threads). */
static atomic_int f_txt_asked;

static int skip_f_txt(void *ctx, const char *path, const char *name)
{
	(void)ctx;
	if (strcmp(path, "a/f.txt") || strcmp(name, "f.txt"))
		return 0;
	atomic_fetch_add(&f_txt_asked, 1);
	return 1;
}

/* A file the walk leaves out (--exclude '*.secret') is not opened to be
 * read ahead: the read-ahead asks, as it asks for a directory.  Before, it
 * asked for directories only and read the head of every excluded file. */
START_TEST(test_dirahead_files_skip_excluded)
{
	cairn_dirahead *a = cairn_dirahead_new(root_fd, skip_f_txt, NULL);
	struct io_uring ring;
	struct rlimit rl;
	int asked;

	if (no_openat2("files_skip_excluded")) {
		cairn_dirahead_free(a);
		return;
	}
	/* files are read ahead only with io_uring and 1024 descriptors */
	if (io_uring_queue_init(4, &ring, 0) < 0 ||
	    (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1024)) {
		fprintf(stderr, "check_dirahead: files_skip_excluded: skipped: "
			"no io_uring or fewer than 1024 descriptors\n");
		cairn_dirahead_free(a);
		return;
	}
	io_uring_queue_exit(&ring);
	atomic_store(&f_txt_asked, 0);
	cairn_dirahead_files(a, 1);
	cairn_dirahead_push(a, "a", 1);
	cairn_dirahead_start(a);
	ck_assert_uint_eq(settle(a, 4), 4);
	cairn_dirahead_free(a);
	asked = atomic_load(&f_txt_asked);
	ck_assert_int_eq(asked, 1);
}
END_TEST

/* Every entry of a walk of tmp/root, one per line: path, type, size. */
static void walk_all(cairn_buf *out, size_t *listed, const cairn_walk_opts *o)
{
	char *root = tu_join(tmp, "root");
	cairn_walker *w = NULL;
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	cairn_entry e;
	int rc, i;

	cairn_entry_init(&e);
	ck_assert_int_eq(cairn_walker_new(&w, root, o), 0);
	cairn_walker_read_ahead_files(w, 1);
	while ((rc = cairn_walker_next(w, &e)) > 0)
		cairn_buf_addf(out, "%s %d %llu %d\n", e.path, e.type,
			       (unsigned long long)e.size, e.err);
	ck_assert_int_eq(rc, 0);
	/* the read-ahead's threads may not have run yet */
	for (i = 0; i < 1000 && getenv("CAIRN_TEST_DIRAHEAD") &&
	     !cairn_walker_read_ahead_listed(w); i++)
		nanosleep(&tick, NULL);
	*listed = cairn_walker_read_ahead_listed(w);
	cairn_walker_free(w);
	cairn_entry_release(&e);
	free(root);
}

START_TEST(test_dirahead_walk_unchanged)
{
	cairn_buf plain = CAIRN_BUF_INIT, ahead = CAIRN_BUF_INIT;
	const char *ex[] = { "b" };
	cairn_walk_opts o;
	size_t listed = 0;
	int i;
	char *p = tu_join(tmp, "root/e");

	if (no_openat2("walk_unchanged")) {
		free(p);
		return;
	}

	/* enough directories below e for the read-ahead to have work */
	for (i = 0; i < 40; i++) {
		char name[16];

		snprintf(name, sizeof(name), "d%02d", i);
		tu_mkdir(p, name);
	}
	memset(&o, 0, sizeof(o));
	o.excludes = ex;
	o.exclude_count = 1;
	unsetenv("CAIRN_TEST_DIRAHEAD");
	walk_all(&plain, &listed, &o);
	ck_assert_uint_eq(listed, 0);    /* warm: never started */
	setenv("CAIRN_TEST_DIRAHEAD", "1", 1);
	walk_all(&ahead, &listed, &o);
	unsetenv("CAIRN_TEST_DIRAHEAD");
	ck_assert_uint_gt(listed, 0);
	ck_assert_str_eq(ahead.data, plain.data);
	ck_assert_ptr_null(strstr(plain.data, "a/b "));
	ck_assert_ptr_nonnull(strstr(plain.data, "e/d39 "));
	cairn_buf_release(&plain);
	cairn_buf_release(&ahead);
	free(p);
}
END_TEST

Suite *dirahead_suite(void)
{
	Suite *s = suite_create("dirahead");

	suite_add_tcase(s, tcase_one("lists_below", test_dirahead_lists_below,
				     setup, teardown, 20));
	suite_add_tcase(s, tcase_one("stays_beneath", test_dirahead_stays_beneath,
				     setup, teardown, 20));
	suite_add_tcase(s, tcase_one("skips_excluded", test_dirahead_skips_excluded,
				     setup, teardown, 20));
	suite_add_tcase(s, tcase_one("files_keep_atime", test_dirahead_files_keep_atime,
				     setup, teardown, 20));
	suite_add_tcase(s, tcase_one("files_skip_excluded", test_dirahead_files_skip_excluded,
				     setup, teardown, 20));
	suite_add_tcase(s, tcase_one("walk_unchanged", test_dirahead_walk_unchanged,
				     setup, teardown, 20));
	return s;
}
