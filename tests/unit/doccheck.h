/*
 * doccheck.h - for the suites that hold a table of the library against
 * its documentation (check_secret.c: the secret shapes in
 * docs/RECORDS.md; check_toolrules.c: the tool rules in docs/RULES.md):
 * every id must have its own row in a table of the page.
 */
#ifndef CAIRN_TESTS_DOCCHECK_H
#define CAIRN_TESTS_DOCCHECK_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* docs/name of the source tree ($CAIRN_SRC), its first MiB as a string;
 * the test fails when it cannot be opened.  The caller frees it. */
static inline char *dc_read_doc(const char *name)
{
	const char *src = getenv("CAIRN_SRC");
	char path[4096], *doc;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(src);
	snprintf(path, sizeof(path), "%s/docs/%s", src, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	doc = malloc(1 << 20);
	ck_assert_ptr_nonnull(doc);
	len = fread(doc, 1, (1 << 20) - 1, f);
	doc[len] = '\0';
	fclose(f);
	return doc;
}

/* The table row of id ("| `id` |") must be in doc, docs/name; what says
 * what id is in the failure message ("rule CAIRN-X not in docs/RULES.md"). */
static inline void dc_assert_row(const char *doc, const char *name, const char *what,
				 const char *id)
{
	char want[128];

	snprintf(want, sizeof(want), "| `%s` |", id);
	ck_assert_msg(strstr(doc, want) != NULL, "%s %s not in docs/%s", what, id, name);
}

#endif
