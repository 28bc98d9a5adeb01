/*
 * rules.h - posture and change rules: one table (docs/RULES.md), one
 * evaluator, shared by cairn-report and cairn-diff so both print the same
 * findings for the same inputs.
 *
 * The evaluator reads JSON only, never files:
 *   - the non-entry records of a snapshot (docs/RECORDS.md): package,
 *     lockfile, env, mcp_server, install_cmd ... as an array;
 *   - optionally the records of a baseline snapshot (same shape);
 *   - optionally the output of cairn_diff_to_json() (docs/diff-schema.json);
 *   - optionally the output of cairn-capture --json (docs/capture-schema.json);
 *   - optionally an egress allowlist (lib/capture.h).
 * Each finding names its rule, a severity, a title and the exact evidence
 * (records: file, package, host, line).  Findings come out sorted: most
 * severe first, then by rule id, then by title, so output is deterministic.
 */
#ifndef CAIRN_RULES_H
#define CAIRN_RULES_H

#include "cairn.h"
#include "capture.h"

#include <jansson.h>

enum cairn_severity {
	CAIRN_SEV_INFO = 0,
	CAIRN_SEV_LOW,
	CAIRN_SEV_MEDIUM,
	CAIRN_SEV_HIGH,
	CAIRN_SEV_CRITICAL,
	CAIRN_SEV__COUNT
};

/* "info", "low", "medium", "high", "critical". */
const char *cairn_severity_name(int sev);
/* Inverse of cairn_severity_name (case-insensitive); -1 when unknown. */
int cairn_severity_parse(const char *name);

/* What a rule needs to run. */
enum cairn_rule_input {
	CAIRN_RIN_SNAPSHOT = 1, /* the snapshot's records (posture) */
	CAIRN_RIN_DIFF = 2,     /* a baseline comparison */
	CAIRN_RIN_CAPTURE = 4,  /* an egress capture */
	CAIRN_RIN_ADVISORIES = 8, /* --advisories (lib/known.c) */
	CAIRN_RIN_INDICATORS = 16 /* --ioc (lib/known.c) */
};

/* One row of the rule table (static storage). */
typedef struct cairn_rule {
	const char *id;        /* stable id, e.g. "CAIRN-P01" */
	const char *slug;      /* short name, e.g. "unpinned-dependency" */
	int severity;          /* enum cairn_severity */
	unsigned inputs;       /* CAIRN_RIN_* it needs (all of them) */
	const char *checks;    /* what it checks, one sentence */
	const char *why;       /* why it matters */
	const char *fix;       /* the remedy, concrete */
} cairn_rule;

/* The table, in id order; *count receives its length. */
const cairn_rule *cairn_rules_table(size_t *count);
/* A rule by id or slug; NULL when unknown. */
const cairn_rule *cairn_rule_find(const char *id_or_slug);

/* One finding. */
typedef struct cairn_finding {
	const cairn_rule *rule;  /* static */
	int severity;            /* usually rule->severity */
	char *title;             /* one line, specific; owned */
	json_t *evidence;        /* array of objects (see below); owned ref */
} cairn_finding;

/*
 * Evidence items are JSON objects with any of these string fields:
 * "source" (snapshot, baseline, diff, capture), "file", "package",
 * "version", "host", "line" (integer), "text" (the exact record content:
 * a command, a script body, a header line), "detail" (the rule's remark).
 */

typedef struct cairn_findings {
	cairn_finding *items;
	size_t count;
	size_t cap;
} cairn_findings;

#define CAIRN_FINDINGS_INIT { NULL, 0, 0 }
void cairn_findings_init(cairn_findings *f);
void cairn_findings_release(cairn_findings *f);
/* Append a finding; title is copied, evidence is stolen (may be NULL,
 * meaning none).  Returns the new finding. */
cairn_finding *cairn_findings_add(cairn_findings *f, const cairn_rule *rule,
				  json_t *evidence, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Most severe first, then rule id, then title (stable, deterministic). */
void cairn_findings_sort(cairn_findings *f);
/* Highest severity present, or -1 when there are no findings. */
int cairn_findings_max(const cairn_findings *f);
/* counts[CAIRN_SEV__COUNT] receives the number per severity. */
void cairn_findings_count(const cairn_findings *f, size_t counts[]);
/* The findings as a JSON array (new reference): id, rule, severity, title,
 * evidence, why, fix (docs/report-schema.json, "findings"). */
json_t *cairn_findings_to_json(const cairn_findings *f);

/* An allowlist check: 1 when host (a name or an address) is allowed.
 * ctx is passed through.  NULL function: no allowlist. */
typedef int (*cairn_allow_fn)(void *ctx, const char *host);

typedef struct cairn_rules_input {
	const json_t *records;           /* array of snapshot records, or NULL */
	const json_t *baseline_records;  /* array, or NULL */
	const json_t *diff;              /* cairn_diff_to_json() output, or NULL */
	const json_t *capture;           /* cairn-capture JSON, or NULL */
	const json_t *patches;           /* array of {"path", "patch" (unified
	                                  * diff text)} for changed files whose
	                                  * contents were available, or NULL */
	cairn_allow_fn allow;            /* NULL: every host is "unknown" only
	                                  * if the capture marked it so */
	void *allow_ctx;
} cairn_rules_input;

/*
 * Run every rule whose inputs are present and append the findings to out
 * (then sorts out).  Malformed records are skipped, not fatal: the rules
 * report what they can read.  Returns the number of findings added (>= 0).
 */
int cairn_rules_eval(cairn_findings *out, const cairn_rules_input *in);

/* Is a capture host object (an element of "totals" or "windows") allowed?
 * 1 / 0, or -1 when there is no allowlist (neither in->allow nor the
 * capture's own "allowed" marks).  Allowed (unconfirmed) counts as 1. */
int cairn_rules_host_allowed(const cairn_rules_input *in, const json_t *host);
/* The same as an enum cairn_capture_verdict (lib/capture.h): a name the
 * capture marks contradicted never passes; a pass by names none of which
 * is confirmed is CAIRN_ALLOW_UNCONFIRMED. */
int cairn_rules_host_verdict(const cairn_rules_input *in, const json_t *host);

/* 1 when an npm dependency spec names exact content: an exact version,
 * a local file:/link:/workspace: source, a git URL with a full commit. */
int cairn_rules_spec_pinned(const char *spec);
/* 1 when a variable name looks secret (docs/RECORDS.md §Secret names). */
int cairn_rules_secret_name(const char *name);

/* The rule table as GitHub-flavoured Markdown (docs/RULES.md body). */
void cairn_rules_table_md(cairn_buf *out);

#endif
