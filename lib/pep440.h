/*
 * pep440.h - Python version identifiers (PEP 440, as the "packaging"
 * library reads them): validity, normalisation and ordering, for OSV
 * "ECOSYSTEM" ranges of PyPI packages and for comparing locked with
 * installed versions.
 *
 *   [v] [N!] N(.N)* [{a|b|rc}N] [.postN] [.devN] [+local]
 *
 * with PEP 440's normalisation: case-insensitive; alpha/beta/c/pre/preview
 * are a/b/rc, rev/r are post; ".", "-" and "_" separators optional between
 * the parts; a missing number is 0 ("1.0a" is "1.0a0"); "1.0-1" is
 * "1.0.post1"; surrounding whitespace ignored.  Also distribution names
 * as PEP 503 normalises them.
 *
 * Ordering: epoch, then the release with trailing zeros ignored
 * (1.0 == 1.0.0), then dev < a < b < rc < final < post, where a dev
 * release of a pre- or post-release sorts before it, then the local
 * label (none lowest; segments compared left to right, numeric ones
 * numerically and above alphanumeric ones, a longer label higher).
 * Numbers have at most 18 digits here (enough for date versions).
 */
#ifndef CAIRN_PEP440_H
#define CAIRN_PEP440_H

#include "cairn.h"

#define CAIRN_PEP440_MAX 256

/* 1 when v is a valid version. */
int cairn_pep440_valid(const char *v);
/* *out < 0, 0 or > 0; 0, or CAIRN_EFORMAT (no message) when either is
 * not a version. */
int cairn_pep440_cmp(int *out, const char *a, const char *b);
/* PEP 440 "Version specifiers": the operators other than === */
enum cairn_pep440_op {
	CAIRN_PEP440_LT, CAIRN_PEP440_LE, CAIRN_PEP440_NE, CAIRN_PEP440_EQ,
	CAIRN_PEP440_GE, CAIRN_PEP440_GT, CAIRN_PEP440_COMPAT,
};

/*
 * Whether version is in the specifier op spec (op a CAIRN_PEP440_* value,
 * spec "3.8", "1.0.*", "2.0rc1"...), as packaging's
 * Specifier(op + spec).contains(version, prereleases=True) answers
 * (PEP 440 "Version specifiers"): == and != ignore a local label of
 * version unless spec has one, and "V.*" compares the epoch and release
 * numbers (zero-padded) only; <= and >= ignore version's local label;
 * < V is not met by a pre-release of V unless V is a pre-release itself
 * (<3.1 excludes 3.1rc1 and 3.1.dev0); > V is not met by a post-release
 * of V unless V is a post-release itself, nor by a local version of V
 * (>3.1 excludes 3.1.post1 and 3.1+local); ~= V is >= V and == V
 * without its last release number .*.  Pre-releases are otherwise
 * allowed (environment markers allow them).
 * 0 with *out 1 or 0; CAIRN_EFORMAT (no message, *out untouched) when
 * version is not a version, or op spec not a specifier: ".*" with other
 * than == and !=, or after a pre-, post- or dev-release; a local label
 * with other than == and !=; ~= with one release number.
 */
int cairn_pep440_spec_match(int *out, int op, const char *version, const char *spec);

/* The normalised form ("1.0.0-ALPHA.1" -> "1.0.0a1") appended to out;
 * 0 or CAIRN_EFORMAT. */
int cairn_pep440_normalize(cairn_buf *out, const char *v);

/* A Python distribution name as indexes and installers compare it,
 * appended to out (a NUL after it, also for ""): PEP 503's
 * re.sub(r"[-_.]+", "-", name).lower(), a leading or trailing run
 * included ("_foo_" -> "-foo-", not "foo": such a name is not valid
 * PEP 508, and not the same as "foo"); ASCII letters lowered, other
 * bytes kept. */
void cairn_pep440_name_normalize(cairn_buf *out, const char *name);

#endif
