/*
 * coverage.h - what a snapshot verified, and what it could not and why
 * (docs/RECORDS.md §Coverage).
 *
 * Every package record carries "coverage": {"verified": bool, "reason":
 * code or null, "detail": text or null}.  verified means the installed
 * files were compared with published bytes (whatever the comparison
 * found).  The counts over a snapshot's package records are its "coverage"
 * record and its trailer's "coverage"; cairn-report and cairn-diff
 * --findings scope their verdicts with them, so that no output says
 * "no sign of compromise" about packages nobody checked.
 */
#ifndef CAIRN_COVERAGE_H
#define CAIRN_COVERAGE_H

#include "cairn.h"

#include <jansson.h>

/* One reason code (static storage). */
typedef struct cairn_coverage_reason {
	const char *code;   /* "not_in_cache" */
	const char *words;  /* "tarball not in cache": for summaries */
	const char *fix;    /* the exact flag or step that closes the gap */
} cairn_coverage_reason;

/* The table of reason codes, in code order; *count receives its length. */
const cairn_coverage_reason *cairn_coverage_reasons(size_t *count);
/* A reason by code, or NULL. */
const cairn_coverage_reason *cairn_coverage_reason_find(const char *code);

/* A package record's "coverage" object (new reference).  reason is NULL
 * when verified; detail may be NULL.  Strings are copied (detail may hold
 * any bytes: it is escaped when not UTF-8). */
json_t *cairn_coverage_package(int verified, const char *reason, const char *detail);

/*
 * The coverage of one package record: its "coverage" object, or for
 * records written before it existed, what "files" says (null: no cache
 * for npm, no RECORD for pypi; else its status).  *reason is static
 * storage or a string of rec; NULL when verified.  Returns 0, or -1 when
 * rec is not a package record or says nothing readable (a "files" that is
 * neither null nor an object).
 */
int cairn_coverage_of_package(const json_t *rec, int *verified, const char **reason);

/*
 * Count the package records of an array of records (new reference):
 * {"packages": installed packages, "verified", "not_verified",
 *  "not_installed": locked entries with nothing installed (not counted in
 *  packages), "reasons": {code: count} (not_verified only, codes sorted),
 *  "ecosystems": {"npm": {the same without "ecosystems"}, ...}}.
 */
json_t *cairn_coverage_count(const json_t *records);

/*
 * The coverage section of a report or a diff (new reference): the counts
 * above plus
 *   "state": "complete" (every package verified), "partial", "none"
 *            (packages, none verified), "no_packages" (analysed, none
 *            installed), "not_analysed" (--no-packages), "unknown"
 *            (a snapshot from before coverage records, without packages);
 *   "source": "record" when the snapshot has a coverage record, else
 *            "packages" (counted from the package records);
 *   "summary": the one-line text of cairn_coverage_summary();
 *   "gaps": [{"reason", "count", "words", "fix", "examples": [up to 3
 *            "name@version"], "detail": the first package's detail}]
 *            in decreasing count;
 *   "unread": only when the records hold parse_error records (inputs
 *            that could not be read): [{"file", "analyzer", "message",
 *            "fix": the step that closes the gap}] in record order; the
 *            summary then ends "; N inputs not read".
 * header: the snapshot header (may be NULL); records: its non-entry
 * records.
 */
json_t *cairn_coverage_section(const json_t *header, const json_t *records);

/*
 * Append the one-line summary of counts (from cairn_coverage_count() or
 * cairn_coverage_section()): "138 packages: 131 verified, 7 not verified:
 * tarball not in cache"; several reasons are listed by count ("7 not
 * verified: 4 tarball not in cache, 3 no integrity in the lockfile").
 * "no packages" when there are none.
 */
void cairn_coverage_summary(cairn_buf *out, const json_t *counts);

#endif
