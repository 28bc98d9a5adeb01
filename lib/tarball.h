/*
 * tarball.h - a small, strict reader of npm package tarballs (gzip via zlib,
 * then ustar with pax 'x' and GNU 'L'/'K' long names).  Nothing is written
 * to disk: each regular file's contents are hashed with SHA-256 as they
 * stream by.
 *
 * Refused (CAIRN_EFORMAT, message names the entry): an absolute path, a
 * '..' component, a symlink or hard link whose target leaves the package,
 * a bad header checksum, a truncated archive.  Capped (CAIRN_ELIMIT):
 * expansion past CAIRN_TAR_MAX_EXPAND bytes or past
 * CAIRN_TAR_RATIO x compressed size + 1 MiB (gzip bombs), more than
 * CAIRN_TAR_MAX_ENTRIES entries.
 */
#ifndef CAIRN_TARBALL_H
#define CAIRN_TARBALL_H

#include "cairn.h"

#include <stdint.h>

#define CAIRN_TAR_MAX_EXPAND (512ull << 20)
#define CAIRN_TAR_RATIO 100u
#define CAIRN_TAR_MAX_ENTRIES 100000u

enum cairn_tar_kind { CAIRN_TAR_FILE = 0, CAIRN_TAR_DIR, CAIRN_TAR_SYMLINK,
		      CAIRN_TAR_HARDLINK, CAIRN_TAR_OTHER };

typedef struct cairn_tar_member {
	const char *path;     /* after stripping the first component */
	int kind;             /* enum cairn_tar_kind */
	uint64_t size;
	unsigned char sha256[32]; /* contents, for CAIRN_TAR_FILE */
	const char *link;     /* link target or NULL */
	const unsigned char *data; /* contents of a CAIRN_TAR_FILE no larger than
	                       * cairn_tarball_read()'s keep (valid during the
	                       * callback only), else NULL */
} cairn_tar_member;

/* Called per member; a negative return stops the scan with that code. */
typedef int (*cairn_tar_cb)(void *ctx, const cairn_tar_member *m);

/*
 * Scan the tarball in data[0..len) (gzip-compressed or plain tar).
 * strip: number of leading components removed (npm: 1, "package/").
 * Members whose path is empty after stripping are skipped.
 * label names the tarball in messages.  0 or negative CAIRN_E*.
 */
int cairn_tarball_scan(const void *data, size_t len, int strip,
		       cairn_tar_cb cb, void *ctx, const char *label);
/*
 * The same, and each regular file of at most keep bytes is also handed to
 * the callback in memory (m->data): nothing is extracted to disk.
 */
int cairn_tarball_read(const void *data, size_t len, int strip, size_t keep,
		       cairn_tar_cb cb, void *ctx, const char *label);

#endif
