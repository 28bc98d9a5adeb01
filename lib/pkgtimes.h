/*
 * pkgtimes.h - the times of an installed package's files that differ from
 * the published bytes, beside the times of its other files, so that the
 * report can tell a file edited after install from one whose mtime was put
 * back to the install's (docs/RECORDS.md §Package file times, rule
 * CAIRN-T01).  Internal to the analyzer.
 */
#ifndef CAIRN_PKGTIMES_H
#define CAIRN_PKGTIMES_H

#include "pkgfs.h"

/*
 * For every package record of recs whose "files" lists modified or added
 * files, add "file_times": {"changed": [{"path", "change", "mtime",
 * "ctime"}], "others": {"files", "mtime_max", "ctime_max"}} from the
 * entries of files (the snapshot's index of the tree).  npm: the other
 * files are those of the package folder (nested node_modules/ excluded);
 * pypi: the files of the .dist-info folder, written by the installer.
 * Packages outside the tree (npx caches) and files whose times are
 * unknown are left out; a record gets no "file_times" when nothing is
 * left.  Never fails.
 */
void cairn_pkg_times_add(cairn_recs *recs, const cairn_pkg_files *files);

#endif
