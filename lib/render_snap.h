/*
 * render_snap.h - `cairn-snap show` and `verify` in text: one line per
 * entry in the manner of `ls -l`, a summary line from the trailer, the
 * verification line.  (show --json is the records as stored.)
 */
#ifndef CAIRN_RENDER_SNAP_H
#define CAIRN_RENDER_SNAP_H

#include "snapshot.h"

#include <stdio.h>

/*
 * One entry: mode string, uid, gid, size, mtime (UTC), the first 16 hex
 * digits of its SHA-256 ("-" when not hashed), the path (and "-> target"),
 * with untrusted bytes escaped (cairn_escape_display), then
 * "[changed while read]" and "[error: OP ERRNO-NAME]" when they apply.
 */
void cairn_render_snap_entry(FILE *out, const cairn_entry *e);

/*
 * "# N entries, N errors, N other records, SIGNATURE" from the verified
 * trailer; other_records: the records that are not entries; verified: the
 * signature was checked against a public key.
 */
void cairn_render_snap_summary(FILE *out, const json_t *trailer,
			       unsigned long long other_records, int verified);

/*
 * `cairn-snap verify`'s line: "PATH: ok, N entries, N errors, SIGNATURE"
 * (the key id when signed), path escaped.
 */
void cairn_render_snap_verified(FILE *out, const char *path, const json_t *trailer,
				int verified);

#endif
