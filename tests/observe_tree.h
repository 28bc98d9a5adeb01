/*
 * observe_tree.h - the analyzer fed a folder's files the way cairn-snap
 * feeds it its entries, without writing a snapshot: shared by the unit
 * suites (unit/pkgtest.h), the fuzz targets (fuzz/fuzztree.h) and
 * tools/analyze-tree.c.
 */
#ifndef CAIRN_TESTS_OBSERVE_TREE_H
#define CAIRN_TESTS_OBSERVE_TREE_H

#include "analyze.h"
#include "pkgfs.h"

#include <string.h>
#include <unistd.h>

/*
 * Walk the folder open on fd (root names it in messages) with the
 * analyzer's own walker (cairn_pkg_walk) and pass every file to a as an
 * entry: type, size, the SHA-256 the walk made, a symlink's target.
 * Returns 0, or the walk's negative CAIRN_E* code (what it listed before
 * the error is observed all the same).
 */
static inline int ot_observe_tree(cairn_analyzer *a, int fd, const char *root)
{
	cairn_pkg_files files;
	size_t i;
	int rc;

	cairn_pkg_files_init(&files);
	rc = cairn_pkg_walk(&files, fd, root);
	for (i = 0; i < files.n; i++) {
		cairn_entry e;
		char t[4096];

		cairn_entry_init(&e);
		e.path = files.v[i].path;
		e.path_len = files.v[i].path_len;
		e.type = files.v[i].type;
		e.size = files.v[i].size;
		if (files.v[i].hashed && e.type == CAIRN_T_FILE) {
			e.flags = CAIRN_EF_HASHED;
			memcpy(e.sha256, files.v[i].sha256, 32);
		}
		if (e.type == CAIRN_T_SYMLINK) {
			ssize_t n = readlinkat(fd, e.path, t, sizeof(t));

			if (n >= 0) {
				e.target = t;
				e.target_len = (size_t)n;
			}
		}
		cairn_analyzer_observe(a, &e);
	}
	cairn_pkg_files_release(&files);
	return rc < 0 ? rc : 0;
}

#endif
