/*
 * scratch.h - a private temporary folder per test, for check fixtures:
 * SCRATCH_FIXTURE(name) defines setup() and teardown() that make and remove
 * /tmp/name.XXXXXX; tpath("x") is a path inside it (four rotating buffers,
 * so a call can take a few at once).
 */
#ifndef CAIRN_TEST_SCRATCH_H
#define CAIRN_TEST_SCRATCH_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static char tmpdir[64];

static inline void scratch_setup(const char *name)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/%s.XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static inline void scratch_teardown(void)
{
	char cmd[256];

	/* tests may leave unreadable folders behind: make them removable */
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", tmpdir, tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static inline char *tpath(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

#define SCRATCH_FIXTURE(name) \
	static void setup(void) { scratch_setup(name); } \
	static void teardown(void) { scratch_teardown(); }

#endif
