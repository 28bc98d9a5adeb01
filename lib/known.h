/*
 * known.h - known-bad packages matched against what a snapshot recorded:
 * offline advisories (lib/osv.h) against every npm and PyPI version the
 * records name: installed packages, lockfile versions, pinned requirements,
 * the exact package an MCP client config launches.
 *
 * And indicators of compromise (lib/ioc.h, --ioc FILE) against the same
 * package versions, the URLs and hosts of lockfiles and MCP configs, the
 * contents hash of every file (the snapshot's entries), and a capture's
 * hosts, addresses, DNS names and tool-call hosts.
 *
 * One pass gives "hits" (one advisory or indicator, one place); the report
 * and cairn-diff --findings group them into findings (CAIRN-K01 malicious,
 * CAIRN-K02 vulnerable, CAIRN-K03 indicator, docs/RULES.md), the store
 * sweep follows them across snapshots.  Records are read as JSON and may be
 * hostile: fields that are missing or mistyped are skipped.
 */
#ifndef CAIRN_KNOWN_H
#define CAIRN_KNOWN_H

#include "cairn.h"
#include "diff.h"
#include "rules.h"
#include "snapshot.h"

#include <jansson.h>

typedef struct cairn_known cairn_known;

int cairn_known_new(cairn_known **out);
void cairn_known_free(cairn_known *k);

/*
 * Name every package of records (a snapshot's non-entry records) to the
 * advisory filter, so that loading keeps only advisories about them.
 * Call before cairn_known_load_advisories(); without any call every
 * advisory is kept (memory then grows with the set, not with the matches).
 */
void cairn_known_want(cairn_known *k, const json_t *records);
/* Keep every advisory (the filter off, e.g. for a sweep of unknown names). */
void cairn_known_want_all(cairn_known *k);

/*
 * Load an advisory set (a folder, a .zip or one OSV file, lib/osv.h).
 * Its counts are kept for cairn_known_inputs_json().  Returns 0, or a
 * negative CAIRN_E* when path cannot be read at all (message names it).
 */
int cairn_known_load_advisories(cairn_known *k, const char *path);
/* Number of inputs loaded: advisory sets and indicator lists. */
size_t cairn_known_set_count(const cairn_known *k);

/*
 * Load an indicator list (lib/ioc.h, strict: a bad line is an error
 * naming the file and line).  Returns 0 or a negative CAIRN_E*.
 */
int cairn_known_load_ioc(cairn_known *k, const char *path);
/* Every advisory set (cairn_known_load_advisories()), then every
 * indicator list (cairn_known_load_ioc()), in the order given; 0, or the
 * first failure's code with its message set. */
int cairn_known_load_all(cairn_known *k, const char *const *advisories, size_t nadv,
			 const char *const *iocs, size_t nioc);
/* Number of indicators loaded; of them, sha256: ones (they need the
 * snapshot's entries: cairn_known_scan_entry()). */
size_t cairn_known_ioc_count(const cairn_known *k);
size_t cairn_known_ioc_hash_count(const cairn_known *k);

/* One advisory affecting one recorded version. */
typedef struct cairn_known_hit {
	int indicator;           /* 1: an --ioc line, 0: an advisory */
	const char *id;          /* "MAL-2025-47604", or the indicator as
	                          * written ("host:*.evil.test") */
	const char *summary;     /* may be "" (an indicator's note) */
	const char *advisory_file; /* where it was read */
	const char *source;      /* "snapshot" or "capture" */
	int malicious;
	int severity;            /* enum cairn_severity */
	const char *fixed;       /* first fixed version, NULL: none (remove) */
	const char *ecosystem;   /* "npm", "pypi" (as the records spell it);
	                          * NULL for an indicator that is no package */
	const char *name;        /* package name as recorded, or NULL */
	const char *version;     /* or NULL */
	const char *where;       /* install path (project/path), requirements
	                          * file, MCP config, a file of the snapshot;
	                          * NULL for a capture */
	const char *host;        /* a capture's host or address, an URL's
	                          * host; or NULL */
	const char *lockfile;    /* the lockfile that names the package
	                          * (relative to the root), or NULL */
	long long line;          /* requirements line, 0 when none */
	const char *state;       /* "installed", "locked", "required",
	                          * "launched"; indicators also "file
	                          * contents", "MCP server URL", "resolved
	                          * from", "connection", "DNS lookup",
	                          * "tool call" */
} cairn_known_hit;

typedef int (*cairn_known_hit_fn)(void *ctx, const cairn_known_hit *h);

/*
 * Call fn for every advisory hit in records, in record order (each
 * advisory once per version and place).  Returns the number of hits, or
 * fn's negative return.  *checked (optional) receives the number of
 * versions looked up, *undetermined those whose version the ecosystem's
 * order could not read (not matched by any range: counted, never
 * silently "clean").
 */
int cairn_known_scan(const cairn_known *k, const json_t *records, cairn_known_hit_fn fn,
		     void *ctx, size_t *checked, size_t *undetermined);

/* Indicator hits of one file entry (sha256: indicators); same return. */
int cairn_known_scan_entry(const cairn_known *k, const cairn_entry *e,
			   cairn_known_hit_fn fn, void *ctx);
/* Indicator hits of a cairn-capture JSON document: hosts and their names
 * and addresses, DNS names and answers, lookups, tool-call hosts. */
int cairn_known_scan_capture(const cairn_known *k, const json_t *capture,
			     cairn_known_hit_fn fn, void *ctx);

/* What cairn_known_eval() reads; every member may be NULL. */
typedef struct cairn_known_input {
	const json_t *records;       /* a snapshot's non-entry records */
	const json_t *capture;       /* cairn-capture JSON */
	cairn_snap_reader *entries;  /* opened on the same snapshot: read to
	                              * its end for sha256: indicators */
	/* Or, when the side checked is the live tree (cairn-diff --live),
	 * which no snapshot holds: its files are the new side of every
	 * change of live and the entries of live_old (the baseline snapshot,
	 * read to its end) that no change names. */
	const cairn_diff *live;
	cairn_snap_reader *live_old;
} cairn_known_input;

/*
 * Findings of the hits (CAIRN-K01/K02: one per advisory and package
 * version, its evidence the advisory and the places; CAIRN-K03: one per
 * indicator, its places), appended to out, which is then sorted.  Returns
 * the number of findings added, or a negative CAIRN_E* when reading the
 * entries failed (message set).
 */
int cairn_known_eval(cairn_findings *out, cairn_known *k, const cairn_known_input *in);

/*
 * What the check covered, for the report's "known" section
 * (docs/report-schema.json): the advisory sets with their counts, the
 * versions checked and undetermined by the last cairn_known_eval().
 * New reference; NULL when no set was loaded.
 */
json_t *cairn_known_to_json(const cairn_known *k);
/* One line for the provenance of set i: "31 files: 3 advisories kept, ...";
 * the indicator lists follow the advisory sets (i >= set_count). */
void cairn_known_set_detail(cairn_buf *out, const cairn_known *k, size_t i);
const char *cairn_known_set_path(const cairn_known *k, size_t i);
/* 1 when input i is an indicator list, 0 an advisory set. */
int cairn_known_set_is_ioc(const cairn_known *k, size_t i);

#endif
