/*
 * pip.h - installed Python distributions (*.dist-info: METADATA, INSTALLER,
 * direct_url.json, RECORD verified against the files) and
 * requirements*.txt lines (docs/RECORDS.md: package with ecosystem
 * "pypi", requirement).
 */
#ifndef CAIRN_PIP_H
#define CAIRN_PIP_H

#include "pkgfs.h"

/* One RECORD row: path, hash ("sha256=<urlsafe b64>" or ""), size ("" or
 * decimal).  A negative return stops the parse. */
typedef int (*cairn_pip_record_cb)(void *ctx, const char *path,
				   const char *hash, const char *size);
/*
 * Parse a RECORD file (PEP 376/627: CSV, "," separated, '"' quoting,
 * "\n" or "\r\n" lines).  Returns the number of rows, or CAIRN_EFORMAT
 * (message names label and line) for a row without 3 fields, an
 * unterminated quote or a NUL byte.
 */
int cairn_pip_record_parse(const char *data, size_t len, cairn_pip_record_cb cb,
			   void *ctx, const char *label);

/* Where the tree is, for distributions the system package manager
 * installed (docs/RECORDS.md §System packages). */
typedef struct cairn_pip_opts {
	const char *root_path;   /* real absolute path of the root; NULL =
	                          * unknown (no dpkg lookups) */
	const char *dpkg_root;   /* root folder of the system whose dpkg
	                          * database describes the tree; NULL = "/" */
} cairn_pip_opts;

/*
 * Every installed distribution of the tree indexed in files (root on
 * rootfd) into package records: *.dist-info folders checked against
 * RECORD, or against dpkg's md5sums when the system package manager
 * installed them; *.egg-info folders and files in site folders recorded
 * as not verifiable by hash.  Problems become parse_error records.  opts
 * may be NULL.  Returns 0.
 */
int cairn_pip_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
		      const cairn_pip_opts *opts);

/* requirements*.txt contents into requirement records; returns the count. */
int cairn_pip_requirements(cairn_recs *recs, const char *file, const char *data,
			   size_t len);

#endif
