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

/* Every *.dist-info folder of the tree indexed in files (root on rootfd)
 * into package records; problems become parse_error records.  0. */
int cairn_pip_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files);

/* requirements*.txt contents into requirement records; returns the count. */
int cairn_pip_requirements(cairn_recs *recs, const char *file, const char *data,
			   size_t len);

#endif
