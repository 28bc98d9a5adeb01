/*
 * bunlock.h - bun's text lockfile bun.lock (JSON with trailing commas,
 * "lockfileVersion" 0-2) into the npm lockfile shape (npm.h).  bun keys
 * "packages" by install path written as package names joined with '/'
 * ("debug", "debug/ms", "@a/b/@c/d"); each value is an array
 * [ "name@version", "<registry or tarball URL, or empty>", {meta},
 * "<integrity>" ] for registry packages, shorter for workspaces, links,
 * folders and git.  The binary bun.lockb is not parsed (see
 * docs/RECORDS.md §bun): running bun to print it is not cairn's to do.
 */
#ifndef CAIRN_BUNLOCK_H
#define CAIRN_BUNLOCK_H

#include "npm.h"

/*
 * Parse bun.lock: trailing commas are removed by a pre-pass that tracks
 * strings (never by regex), then jansson reads it strictly (duplicate
 * keys refused).  Entries keyed "node_modules/a/node_modules/b".
 * CAIRN_EFORMAT with line and column.  Free with cairn_npm_lock_free().
 */
int cairn_bun_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			 const char *label);

/* The pre-pass alone, for tests: data without the commas that precede a
 * '}' or ']' (whitespace between allowed); strings and their escapes are
 * copied untouched.  CAIRN_EFORMAT for an unterminated string. */
int cairn_bun_strip_trailing_commas(cairn_buf *out, const char *data, size_t len,
				    const char *label);

#endif
