/*
 * treeutil.h - helpers shared by check_walk.c, check_hash.c and
 * check_scan.c: scratch directories, files, removal of trees deeper than
 * PATH_MAX.
 */
#ifndef CAIRN_TESTS_TREEUTIL_H
#define CAIRN_TESTS_TREEUTIL_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* New scratch directory (caller frees the string). */
static inline char *tu_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *p;
	size_t n;

	if (!base || !*base)
		base = "/tmp";
	n = strlen(base) + 32;
	p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/cairn-unit.XXXXXX", base);
	ck_assert_msg(mkdtemp(p) != NULL, "mkdtemp: %s", strerror(errno));
	return p;
}

/* Write len bytes of data to dirfd/name (mode 0644). */
static inline void tu_write_at(int dirfd, const char *name, const void *data,
			       size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = data;

	ck_assert_msg(fd >= 0, "create %s: %s", name, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		ck_assert_msg(n > 0, "write %s: %s", name, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	ck_assert_int_eq(close(fd), 0);
}

static inline void tu_write(const char *dir, const char *name, const char *text)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(dfd, 0);
	tu_write_at(dfd, name, text, strlen(text));
	close(dfd);
}

static inline void tu_mkdir(const char *dir, const char *name)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(dfd, 0);
	ck_assert_msg(mkdirat(dfd, name, 0755) == 0, "mkdir %s: %s", name,
		      strerror(errno));
	close(dfd);
}

/* Remove everything below dirfd/name without ever building a long path. */
static inline void tu_rm_at(int dirfd, const char *name)
{
	struct stat st;
	int fd;
	DIR *d;
	struct dirent *de;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dirfd, name, 0);
		return;
	}
	/* an unreadable folder is made readable to be emptied; when that
	 * fails the open below does too (Debian's _FORTIFY_SOURCE build of
	 * the package warned about the ignored result) */
	if (fchmodat(dirfd, name, 0700, 0) < 0 && errno == ENOENT)
		return;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		int lfd = dup(fd);

		d = lfd >= 0 ? fdopendir(lfd) : NULL;
		if (d) {
			while ((de = readdir(d)))
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
					tu_rm_at(fd, de->d_name);
			closedir(d);
		}
		close(fd);
	}
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static inline void tu_rm_rf(const char *path)
{
	tu_rm_at(AT_FDCWD, path);
}

/* "dir/name" (caller frees). */
static inline char *tu_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

#endif
