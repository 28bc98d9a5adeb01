/*
 * pkgtest.h - helpers shared by the analyzer suites (check_npm.c,
 * check_pip.c, check_env.c, check_mcp.c, check_tarball.c,
 * check_pipeline.c): fixture paths, scratch folders, running the analyzer
 * over a folder and finding records.
 */
#ifndef CAIRN_TESTS_PKGTEST_H
#define CAIRN_TESTS_PKGTEST_H

#include "analyze.h"
#include "pkgfs.h"
#include "../observe_tree.h"

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* $CAIRN_SRC (the source tree; "." when unset) joined with rel. */
static inline char *pt_src(const char *rel)
{
	const char *src = getenv("CAIRN_SRC");
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "%s/%s", src && *src ? src : ".", rel);
	return cairn_buf_detach(&b, NULL);
}

static inline char *pt_fixture(const char *name)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char *p;

	cairn_buf_addf(&b, "tests/fixtures/packages/%s", name);
	p = pt_src(b.data);
	cairn_buf_release(&b);
	return p;
}

/*
 * The file named file in tests/fixtures/packages/dir, read as the
 * analyzers read a lockfile (cairn_safe_read: no symlink followed,
 * CAIRN_CAP_LOCKFILE); the test fails when it cannot be read.  The caller
 * releases the buffer.
 */
static inline cairn_buf pt_read_fixture(const char *dir, const char *file)
{
	char *d = pt_fixture(dir);
	cairn_buf b = CAIRN_BUF_INIT;
	int fd = open(d, O_RDONLY | O_DIRECTORY);

	ck_assert_msg(fd >= 0, "%s: %s", d, strerror(errno));
	ck_assert_msg(cairn_safe_read(&b, fd, file, CAIRN_CAP_LOCKFILE, d) == 0, "%s",
		      cairn_error_last());
	close(fd);
	free(d);
	return b;
}

static inline char *pt_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "%s/cairn-pkg.XXXXXX", base && *base ? base : "/tmp");
	ck_assert_msg(mkdtemp(b.data) != NULL, "mkdtemp: %s", strerror(errno));
	return cairn_buf_detach(&b, NULL);
}

static inline int pt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int pt_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static inline void pt_rm_rf(const char *dir)
{
	if (dir && *dir)
		pt_sh("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
}

static inline void pt_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "create %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/*
 * Walk root with the analyzer's walker, feed every file to a new analyzer
 * with opts (NULL = packages only), return the records (new reference).
 */
static inline json_t *pt_analyze(const char *root, const cairn_analyze_opts *opts)
{
	static char *keydir;
	cairn_analyze_opts o = { .packages = 1 };
	cairn_analyzer *a = NULL;
	json_t *recs = NULL;
	char key[4200];
	int fd;

	/* never the default key under the real $HOME: a scratch key */
	if (opts)
		o = *opts;
	if (!o.env_key_path) {
		if (!keydir)
			keydir = pt_mkdtemp();
		snprintf(key, sizeof(key), "%s/env.key", keydir);
		o.env_key_path = key;
	}
	ck_assert_msg(cairn_analyzer_new(&a, root, &o) == 0, "%s", cairn_error_last());
	fd = open(root, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(ot_observe_tree(a, fd, root) == 0, "%s", cairn_error_last());
	close(fd);
	ck_assert_int_eq(cairn_analyzer_collect(a, &recs), 0);
	cairn_analyzer_free(a);
	return recs;
}

/* The first record of type whose string field key equals value (or any
 * record of that type when key is NULL); borrowed, NULL when none. */
static inline json_t *pt_find(json_t *recs, const char *type, const char *key,
			      const char *value)
{
	size_t i;

	for (i = 0; i < json_array_size(recs); i++) {
		json_t *r = json_array_get(recs, i);
		const char *t = json_string_value(json_object_get(r, "type"));
		const char *v;

		if (!t || strcmp(t, type))
			continue;
		if (!key)
			return r;
		v = json_string_value(json_object_get(r, key));
		if (v && !strcmp(v, value))
			return r;
	}
	return NULL;
}

static inline size_t pt_count(json_t *recs, const char *type)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(recs); i++) {
		const char *t = json_string_value(json_object_get(json_array_get(recs, i), "type"));

		if (t && !strcmp(t, type))
			n++;
	}
	return n;
}

/* 1 when the string array arr holds s. */
static inline int pt_has(const json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (json_string_value(json_array_get(arr, i)) &&
		    !strcmp(json_string_value(json_array_get(arr, i)), s))
			return 1;
	return 0;
}

/* Flags of a record joined with ',' (for exact comparisons). */
static inline char *pt_flags(const json_t *rec)
{
	const json_t *f = json_object_get(rec, "flags");
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	cairn_buf_addstr(&b, "");
	for (i = 0; i < json_array_size(f); i++) {
		if (i)
			cairn_buf_addch(&b, ',');
		cairn_buf_addstr(&b, json_string_value(json_array_get(f, i)));
	}
	return cairn_buf_detach(&b, NULL);
}

#endif
