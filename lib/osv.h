/*
 * osv.h - offline advisories in the OSV format (https://ossf.github.io/osv-schema/):
 * a folder of OSV JSON files searched recursively (the layouts of the
 * OpenSSF malicious-packages repository, osv/malicious/npm/<name>/MAL-*.json,
 * and of GitHub's advisory database both work), a single file, or a zip of
 * OSV files as the OSV project exports them per ecosystem (npm/all.zip,
 * PyPI/all.zip; read with libzip, never extracted).
 *
 * Matching follows the schema's evaluation: an installed version is
 * affected when it is listed in affected[].versions, or when a SEMVER or
 * ECOSYSTEM range's events, ordered by the ecosystem's version order
 * (SemVer 2.0.0 precedence for npm, PEP 440 for PyPI; lib/semver.h,
 * lib/pep440.h), leave it inside an interval: introduced (0 = from the
 * first version) opens one, fixed closes it at that version, last_affected
 * just after.  So a pre-release inside an interval is affected (npm's own
 * range matching would skip it).  GIT ranges and other ecosystems are not
 * evaluated; withdrawn advisories are ignored.
 *
 * Memory: with cairn_osv_db_want() the loader keeps only advisories that
 * name a wanted package (it finds the "name" values in a file's bytes
 * before parsing it, so most files of a large set are never parsed).
 * Every file is untrusted: sizes, depths, event and version counts are
 * capped; a file that breaks a cap or does not parse is counted and
 * skipped, never fatal.
 */
#ifndef CAIRN_OSV_H
#define CAIRN_OSV_H

#include "cairn.h"

#include <stdint.h>

#define CAIRN_OSV_FILE_MAX   (8u << 20)   /* bytes of one advisory */
#define CAIRN_OSV_EVENTS_MAX 4096         /* events of one range */
#define CAIRN_OSV_FILES_MAX  2000000u     /* files of one folder or zip */
/* A zip may inflate to at most RATIO times its size plus SLACK (OSV JSON
 * deflates about 5:1; a bomb, 1000:1). */
#define CAIRN_OSV_ZIP_RATIO  64u
#define CAIRN_OSV_ZIP_SLACK  (64u << 20)

/* Ecosystems whose ranges cairn evaluates. */
enum cairn_osv_ecosystem {
	CAIRN_OSV_NPM = 0,
	CAIRN_OSV_PYPI,
	CAIRN_OSV__ECOSYSTEMS
};

/* "npm" / "PyPI" (OSV's spelling) -> enum, case-insensitive; -1 other. */
int cairn_osv_ecosystem_parse(const char *name);
const char *cairn_osv_ecosystem_name(int eco);
/* A package name as the ecosystem compares it into out (cleared first):
 * npm as is, PyPI lowercased with runs of "-", "_", "." made one "-"
 * (PEP 503). */
void cairn_osv_name_normalize(cairn_buf *out, int eco, const char *name);

/* What loading saw. */
typedef struct cairn_osv_stats {
	uint64_t files;          /* candidate files (*.json, or zip members) */
	uint64_t parsed;         /* parsed as JSON */
	uint64_t kept;           /* advisories kept (naming a wanted package) */
	uint64_t withdrawn;      /* ignored: "withdrawn" set */
	uint64_t invalid;        /* not JSON, not an OSV object, over a cap */
	uint64_t skipped_fast;   /* never parsed: named no wanted package */
	/* why, for some of the invalid ones: */
	uint64_t too_big;        /* over CAIRN_OSV_FILE_MAX (a zip member: as
	                          * it inflates, whatever its header says) */
	uint64_t too_deep;       /* nested deeper than the JSON parser's
	                          * limit (2048 levels) */
	uint64_t bad_utf8;       /* not valid UTF-8 */
	uint64_t over_cap;       /* a range over CAIRN_OSV_EVENTS_MAX events,
	                          * or over 100,000 listed versions */
} cairn_osv_stats;

typedef struct cairn_osv_db cairn_osv_db;

int cairn_osv_db_new(cairn_osv_db **out);
void cairn_osv_db_free(cairn_osv_db *db);
/* Keep only advisories naming this package (call before loading; without
 * any call every advisory of a supported ecosystem is kept). */
void cairn_osv_db_want(cairn_osv_db *db, int eco, const char *name);
/*
 * Load path: a folder (recursive; symlinks are not followed), a .zip, or
 * one JSON file.  Bad advisories are counted in the stats, not errors;
 * CAIRN_EIO / CAIRN_EFORMAT only when path itself cannot be read (the
 * message names it), and for a zip whose members inflate to more than
 * CAIRN_OSV_ZIP_RATIO times its size plus CAIRN_OSV_ZIP_SLACK (a zip
 * bomb: refused whole, since the advisories it held cannot all be read).
 */
int cairn_osv_db_load(cairn_osv_db *db, const char *path);
/* One advisory document held in memory (a store blob, a fuzz input);
 * label names it in matches.  Never fails: a bad document is counted. */
void cairn_osv_db_load_mem(cairn_osv_db *db, const char *data, size_t len,
			   const char *label);
const cairn_osv_stats *cairn_osv_db_stats(const cairn_osv_db *db);

/* One advisory that affects a version. */
typedef struct cairn_osv_match {
	const char *id;          /* "MAL-2025-1234", "GHSA-..." */
	const char *summary;     /* may be "" */
	const char *source;      /* file (or zip:member) it came from */
	int malicious;           /* MAL- id or alias, malware in the summary,
	                          * or CWE-506 in database_specific */
	int severity;            /* enum cairn_severity (lib/rules.h) of the
	                          * advisory: critical when malicious, else from
	                          * database_specific.severity or a CVSS v3
	                          * vector, medium when none says */
	const char *severity_from; /* "malicious", "database_specific", "cvss_v3", "default" */
	const char *fixed;       /* first fixed version above the installed
	                          * one in the range that matched, or NULL
	                          * (none known; malicious: remove) */
	const char *why;         /* "versions" or "range" */
} cairn_osv_match;

typedef int (*cairn_osv_match_fn)(void *ctx, const cairn_osv_match *m);

/*
 * Call fn for every advisory that affects eco/name at version, in id
 * order.  Returns the number of matches, or fn's negative return.
 * *undetermined (optional) counts ranges that could not be evaluated
 * because version is not a version of the ecosystem's order.
 */
int cairn_osv_db_match(const cairn_osv_db *db, int eco, const char *name,
		       const char *version, cairn_osv_match_fn fn, void *ctx,
		       unsigned *undetermined);

/* CVSS v3.0/v3.1 base score of a vector string ("CVSS:3.1/AV:N/..."),
 * times ten (0..100); -1 when it is not a complete v3 base vector. */
int cairn_osv_cvss3_score10(const char *vector);

#endif
