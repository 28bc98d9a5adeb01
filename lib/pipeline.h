/*
 * pipeline.h - install commands in Dockerfiles, CI files, Makefiles and
 * root shell scripts, with file and line (install_cmd records,
 * docs/RECORDS.md).  A line-oriented scan, not a shell or YAML parser.
 */
#ifndef CAIRN_PIPELINE_H
#define CAIRN_PIPELINE_H

#include "pkgfs.h"

/* 1 when path (relative to the root) is a file the scan reads:
 * Dockerfile* / *.dockerfile (any folder outside node_modules),
 * .github/workflows/NAME.yml or .yaml, .gitlab-ci.yml, Makefile, GNUmakefile,
 * *.mk and *.sh at the root. */
int cairn_pipeline_wanted(const char *path);

/* Scan data[0..len) of file into install_cmd records; returns the count. */
int cairn_pipeline_scan(cairn_recs *recs, const char *file, const char *data,
			size_t len);

#endif
