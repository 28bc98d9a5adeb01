/*
 * report.h - the incident report: a JSON document (docs/report-schema.json)
 * built from snapshots, a diff, a capture and the rule findings, and its
 * renderers (HTML, Markdown).  Every string in the document may come from
 * an attacker (file names, package names, script bodies, host names, SNI);
 * the renderers escape each one for the context it lands in.
 */
#ifndef CAIRN_REPORT_H
#define CAIRN_REPORT_H

#include "cairn.h"
#include "rules.h"
#include "snapshot.h"

#include <jansson.h>

/* ---- context escaping (lib/escape_html.c) ----
 * All of them first make the bytes displayable like cairn_escape_display()
 * (control characters, invalid UTF-8, bidi overrides and '\\' become
 * visible \xNN, \u{XXXX}, \\ escapes; nothing is passed through raw), then
 * escape for the context.  They append to out. */

/* HTML text and double-quoted attribute values (also SVG <text> in HTML):
 * & < > " ' become character references. */
void cairn_esc_html(cairn_buf *out, const char *s, size_t n);
/* Markdown prose (CommonMark, GFM): readable raw; only what would not
 * stand for itself where it is written is escaped (emphasis, code, link,
 * HTML, autolink, entity and, at a line's start, block syntax; '|' when
 * in_table), so no link, image, HTML or autolink can form.  A word GitHub
 * would read as a mention (@name, @org/team: a scoped package, a path
 * through one) is written as a code span, so no mention forms either.
 * The line-start context is read from out (empty or ending in '\n'). */
void cairn_esc_md_text(cairn_buf *out, const char *s, size_t n, int in_table);
/* Markdown code span: `...` with a fence longer than any backtick run
 * inside; in_table: '|' is written as "\\|" (GFM table cells).  An empty
 * string becomes the text "(empty)". */
void cairn_esc_md_code(cairn_buf *out, const char *s, size_t n, int in_table);

/* ---- the report document (lib/report_build.c) ---- */

/* A snapshot read for the report: verified to its end before use. */
typedef struct cairn_report_snap {
	json_t *header;       /* owned references */
	json_t *trailer;
	json_t *records;      /* array of the non-entry records, in file order */
	uint64_t entries;
	char sha256[65];      /* hex SHA-256 of the file's bytes */
	char *signature;      /* "valid (key ...)", "signed, not verified ...",
	                       * "unsigned"; owned */
} cairn_report_snap;

/*
 * Read and verify the snapshot at path (pubkey: signature required, may be
 * NULL).  On failure returns a negative CAIRN_E* with a message naming the
 * file and leaves *out empty.  Release with cairn_report_snap_release().
 */
int cairn_report_snap_load(cairn_report_snap *out, const char *path,
			   const cairn_key *pubkey);
/* The same over a snapshot in memory (a store blob); data must outlive
 * the call only.  name labels messages. */
int cairn_report_snap_load_mem(cairn_report_snap *out, const void *data,
			       size_t len, const char *name,
			       const cairn_key *pubkey);
void cairn_report_snap_release(cairn_report_snap *s);


/* Hex SHA-256 of a file's bytes; 0 or CAIRN_EIO / CAIRN_EEXTERNAL. */
int cairn_report_hash_file(char hex[65], const char *path);

typedef struct cairn_report_input {
	const char *role;          /* "snapshot", "baseline", "capture", ... */
	const char *path;          /* as given on the command line */
	const char *sha256;        /* hex of the file's bytes, or NULL */
	const char *signature;     /* or NULL */
	const char *detail;        /* or NULL */
} cairn_report_input;

typedef struct cairn_report_opts {
	const cairn_report_snap *snap;      /* required */
	const cairn_report_snap *baseline;  /* or NULL */
	const json_t *diff;                 /* cairn_diff_to_json(), or NULL */
	const json_t *capture;              /* capture JSON, or NULL */
	const json_t *patches;              /* [{"path","patch"}] or NULL */
	const cairn_rules_input *rules_in;  /* for the allowlist (may be NULL) */
	const cairn_findings *findings;     /* sorted */
	const cairn_report_input *inputs;
	size_t input_count;
	const char *generated;              /* RFC 3339 UTC, NULL: --no-timestamp */
	const char *fail_on;                /* severity name or NULL */
	const json_t *known;                /* cairn_known_to_json() or NULL */
} cairn_report_opts;

/* Build the report document (new reference in *out).  Returns 0. */
int cairn_report_build(json_t **out, const cairn_report_opts *opts);

/* ---- renderers (lib/render_html.c, lib/render_md.c) ----
 * Input: a document from cairn_report_build() (or read back from JSON:
 * the renderers check types and treat missing parts as empty, so a
 * hostile or truncated document cannot make them misbehave). */
void cairn_render_html(cairn_buf *out, const json_t *doc);
void cairn_render_md(cairn_buf *out, const json_t *doc);
/* The document as JSON text, keys in a fixed order, newline-terminated. */
void cairn_render_json(cairn_buf *out, const json_t *doc);
/* The findings as a SARIF 2.1.0 log (lib/render_sarif.c): one run, the
 * rules that fired, one result per finding with its evidence files as
 * locations (relative to %SRCROOT%, the snapshot root), the verdict in the
 * run's properties.  For code-scanning uploads (GitHub, GitLab). */
void cairn_render_sarif(cairn_buf *out, const json_t *doc);

/* Helpers shared by the renderers. */
/*
 * The labelled fields of an evidence object, in the order both renderers
 * show them: fn(ctx, key, value, literal, first) for each one present.
 * literal: a string to show as code (a file, package, version or host the
 * reader may copy); 0 for prose ("source", "detail") and non-strings.
 */
typedef void cairn_evidence_field_fn(void *ctx, const char *key, const json_t *v,
				     int literal, int first);
void cairn_report_evidence_fields(const json_t *ev, cairn_evidence_field_fn *fn,
				  void *ctx);

/*
 * The report's tables, each described once (lib/report_tables.c) for every
 * renderer: for each column the key of the row object (a row of the
 * document's array), the heading, and code: 1 when the cell is a literal
 * to show as code (a path, package, host, hash).  Each table ends with a
 * NULL key.
 */
typedef struct cairn_report_col {
	const char *key;
	const char *head;
	int code;
} cairn_report_col;

extern const cairn_report_col cairn_report_table_packages[];    /* "packages" */
extern const cairn_report_col cairn_report_table_files[];       /* "files" */
extern const cairn_report_col cairn_report_table_environment[]; /* "environment" */
extern const cairn_report_col cairn_report_table_mcp_servers[]; /* "mcp_servers" */
extern const cairn_report_col cairn_report_table_egress[];      /* "egress" */
extern const cairn_report_col cairn_report_table_windows[];     /* "timeline"."windows" */
extern const cairn_report_col cairn_report_table_events[];      /* "timeline"."events" */
extern const cairn_report_col cairn_report_table_inputs[];      /* "provenance"."inputs" */

#endif
