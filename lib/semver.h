/*
 * semver.h - Semantic Versioning 2.0.0 (https://semver.org): validity and
 * precedence, as OSV "SEMVER" ranges are evaluated (an advisory's events
 * are ordered by SemVer precedence, so a pre-release inside an interval is
 * affected: this is not npm's range matching, which skips pre-releases).
 *
 *   version    = MAJOR "." MINOR "." PATCH [ "-" pre-release ] [ "+" build ]
 *   identifiers: [0-9A-Za-z-]+, dot-separated; numeric ones without
 *   leading zeros (pre-release and the three numbers)
 *
 * Precedence (§11): the three numbers numerically; a version with a
 * pre-release is lower than the same version without; pre-release
 * identifiers compare left to right (numeric numerically, alphanumeric in
 * ASCII order, numeric lower than alphanumeric, a longer list higher when
 * all before are equal); build metadata is ignored.  Numbers of any length
 * compare exactly (as digit strings).  A leading "v" (as in git tags and
 * some advisories) is accepted and ignored.
 */
#ifndef CAIRN_SEMVER_H
#define CAIRN_SEMVER_H

#include <stddef.h>

#define CAIRN_SEMVER_MAX 256   /* longer strings are not versions here */

/* 1 when v is a SemVer 2.0.0 version (with an optional leading "v"). */
int cairn_semver_valid(const char *v);
/*
 * Compare a and b by precedence: *out < 0, 0 or > 0.  Returns 0, or
 * CAIRN_EFORMAT (no message set) when either is not a version; *out is
 * then left alone.
 */
int cairn_semver_cmp(int *out, const char *a, const char *b);

#endif
