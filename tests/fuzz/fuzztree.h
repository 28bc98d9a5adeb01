/*
 * fuzztree.h - for the fuzz targets that go past parsing into what the
 * analyzer does with the result (verification against the files of a
 * tree): a private scratch folder made once per process in /dev/shm
 * ($CAIRN_FUZZ_TMPDIR, else $TMPDIR when there is none; removed at exit,
 * $HOME pointed into it so that nothing of the real one is read),
 * files written below it from the fuzz input, and the analyzer run over a
 * folder the way cairn-snap runs it.  CAIRN_FUZZ_PRINT=1 prints the
 * records (to check what a seed reaches).
 */
#ifndef CAIRN_TESTS_FUZZTREE_H
#define CAIRN_TESTS_FUZZTREE_H

#include "analyze.h"
#include "pkgfs.h"
#include "../observe_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char ft_base[4096];

static inline int ft_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

static inline void ft_rm(const char *path)
{
	nftw(path, ft_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void ft_cleanup(void)
{
	if (ft_base[0])
		ft_rm(ft_base);
}

/* The scratch folder (made on first use). */
static inline const char *ft_dir(void)
{
	if (!ft_base[0]) {
		const char *t = getenv("CAIRN_FUZZ_TMPDIR");
		char home[4200];

		/* memory, not a disk: a fuzz run writes and removes a tree per
		 * input (on this VM's ext4 /tmp that is 6 inputs a second) */
		if (!t || !*t)
			t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
		snprintf(ft_base, sizeof(ft_base), "%s/cairn-fuzz.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(ft_base))
			abort();
		atexit(ft_cleanup);
		snprintf(home, sizeof(home), "%s/home", ft_base);
		mkdir(home, 0700);
		setenv("HOME", home, 1);
		unsetenv("XDG_CONFIG_HOME");
		unsetenv("npm_config_cache");
	}
	return ft_base;
}

/* base/rel as a new string */
static inline char *ft_path(const char *rel)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "%s/%s", ft_dir(), rel);
	return cairn_buf_detach(&b, NULL);
}

/* Empty the folder rel (made when missing). */
static inline void ft_reset(const char *rel)
{
	char *p = ft_path(rel);

	ft_rm(p);
	mkdir(p, 0700);
	free(p);
}

/* Write rel (parents made) with len bytes of data. */
static inline void ft_write(const char *rel, const void *data, size_t len)
{
	char *p = ft_path(rel), *s;
	int fd;

	for (s = p + strlen(ft_dir()) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (len && write(fd, data, len) != (ssize_t)len)
			abort();
		close(fd);
	}
	free(p);
}

static inline void ft_writes(const char *rel, const char *text)
{
	ft_write(rel, text, strlen(text));
}

static inline void ft_symlink(const char *target, const char *rel)
{
	char *p = ft_path(rel);

	if (symlink(target, p) != 0) {
		/* a name the input gives twice keeps its first entry: the
		 * code under test gets a tree either way (and Debian's
		 * _FORTIFY_SOURCE build warns about an ignored result) */
	}
	free(p);
}

/*
 * Split data at each occurrence of sep into at most max parts; returns the
 * number of parts (the rest goes into the last).
 */
static inline size_t ft_split(const uint8_t *data, size_t size, const char *sep,
		       const uint8_t **part, size_t *len, size_t max)
{
	size_t n = 0, sl = strlen(sep), start = 0, i = 0;

	while (n + 1 < max && i + sl <= size) {
		if (!memcmp(data + i, sep, sl)) {
			part[n] = data + start;
			len[n++] = i - start;
			i += sl;
			start = i;
			continue;
		}
		i++;
	}
	part[n] = data + start;
	len[n++] = size - start;
	return n;
}

/* The options every target starts from: package records only, and not
 * this machine's dpkg database (the records would depend on the host). */
static inline cairn_analyze_opts ft_package_opts(void)
{
	cairn_analyze_opts o = { .packages = 1, .dpkg_root = "/nonexistent" };

	return o;
}

/* Run the analyzer over the scratch folder rel with opts, as cairn-snap
 * does (every file observed), and touch every record it gives back. */
static inline void ft_analyze(const char *rel, cairn_analyze_opts *opts)
{
	char *root = ft_path(rel), *key = ft_path("env.key");
	cairn_analyzer *a = NULL;
	json_t *recs = NULL;
	size_t i;
	int fd;

	opts->env_key_path = key;
	if (cairn_analyzer_new(&a, root, opts) < 0)
		abort();
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		ot_observe_tree(a, fd, root);
	cairn_analyzer_collect(a, &recs);
	for (i = 0; i < json_array_size(recs); i++) {
		char *s = json_dumps(json_array_get(recs, i), JSON_COMPACT | JSON_SORT_KEYS);

		if (!s)
			abort();   /* every record must serialise */
		if (getenv("CAIRN_FUZZ_PRINT"))   /* to look at what a seed reaches */
			puts(s);
		free(s);
	}
	json_decref(recs);
	if (fd >= 0)
		close(fd);
	cairn_analyzer_free(a);
	free(root);
	free(key);
}

#endif
