/*
 * agentlog.h - MCP tool calls and tool manifests from the MCP clients' own
 * logs (the library behind cairn-capture's agent-log input; cairn-report
 * uses it too).  Documented in docs/cairn-capture.1 §Agent logs.
 *
 * Inputs, told apart by content (never by file name):
 *   - Claude Desktop: mcp.log and mcp-server-<name>.log, lines
 *     "<RFC 3339> [level] [server] Message from client|server: <JSON>"
 *     (mcp.log) or "<RFC 3339> [server] [level] ..." (per-server logs);
 *     newer builds write only "method=... id=..." without the message,
 *     which is counted as a gap.
 *   - Claude Code: session transcripts ~/.claude/projects/<p>/<s>.jsonl,
 *     one JSON object a line; assistant messages carry tool_use blocks
 *     (name "mcp__<server>__<tool>"), user messages the tool_result.
 *   - JSON-RPC 2.0 NDJSON as written by stdio proxies and gateways: one
 *     message a line, bare or wrapped in an object that adds a time, a
 *     direction and a server name.
 *
 * Use:
 *   cairn_agentlog_new(&a, &opts);
 *   cairn_agentlog_watch_add(a, label, length, hmac_hex);   optional
 *   cairn_agentlog_read(a, paths, n);
 *   cairn_agentlog_finish(&result, a);
 *   cairn_agentlog_result_apply_expect(result, expect);     optional
 *   cairn_agentlog_result_apply_allow(result, fn, ctx);     optional
 *   cairn_agentlog_write_json(&json, result) / _write_text
 *
 * Memory: the reader streams; what it keeps grows with the servers, tools,
 * tool versions, windows and distinct findings, each under a cap (the
 * result counts what a cap left out), never with the size of a log.  One
 * line is read whole up to CAIRN_AGENTLOG_LINE_MAX; a longer line is
 * skipped without being held and counted.
 *
 * Secrets found in tool traffic are never kept in clear: the result holds
 * their rule, length, place and HMAC-SHA256 under the env key
 * (docs/RECORDS.md §HMAC key), like cairn-snap's environment records.
 */
#ifndef CAIRN_AGENTLOG_H
#define CAIRN_AGENTLOG_H

#include "cairn.h"
#include "envsnap.h"

#include <jansson.h>

#include <stddef.h>
#include <stdint.h>

#define CAIRN_AGENTLOG_LINE_MAX (64u << 20)

enum cairn_agentlog_kind {
	CAIRN_AGENTLOG_NONE = 0,
	CAIRN_AGENTLOG_DESKTOP = 1,     /* Claude Desktop mcp*.log */
	CAIRN_AGENTLOG_TRANSCRIPT = 2,  /* Claude Code session .jsonl */
	CAIRN_AGENTLOG_JSONRPC = 3      /* JSON-RPC 2.0 NDJSON, bare or wrapped */
};

/* "claude-desktop", "claude-code", "jsonrpc"; "none". */
const char *cairn_agentlog_kind_name(int kind);

/* The kind of a log from its first n bytes (eof: they are the whole
 * file); CAIRN_AGENTLOG_NONE when it is none of them.  Pure.  Files are
 * classified by cairn_input_sniff() (capture_input.h), which asks this. */
int cairn_agentlog_sniff(const char *head, size_t n, int eof);

typedef struct cairn_agentlog cairn_agentlog;

struct cairn_agentlog_opts {
	int64_t window_ns;              /* window length; 0 means 300 s */
	const cairn_env_key *key;       /* HMAC of secrets found; NULL: none */
};

/* Returns 0; caller frees with cairn_agentlog_free(). opts may be NULL. */
int cairn_agentlog_new(cairn_agentlog **out, const struct cairn_agentlog_opts *opts);
void cairn_agentlog_free(cairn_agentlog *a);

/*
 * A secret recorded elsewhere (a snapshot's env and MCP config values):
 * every string token of the traffic with this length whose HMAC under the
 * key equals hmac_hex is reported as this secret (label, e.g.
 * "env OPENAI_API_KEY (self)").  Needs the key in opts; CAIRN_EUSAGE
 * without it or with a malformed hex.  Copies its arguments.
 */
int cairn_agentlog_watch_add(cairn_agentlog *a, const char *label, size_t length,
	const char *hmac_hex);

/*
 * Match against the secrets a snapshot recorded: every redacted value with
 * an HMAC in its env records ("env NAME (source)") and in its mcp_server
 * records' env and headers ("mcp NAME (server S, CONFIG)").  header: the
 * snapshot's header (its options.env_key_id must equal the id of opts'
 * key); records: its non-entry records.  Returns the number of secrets
 * added, or a negative CAIRN_E* with a message saying why nothing can be
 * matched (no key, a snapshot without env_key_id, another key); either
 * way the result's snapshot_match says what happened.
 */
int cairn_agentlog_watch_snapshot(cairn_agentlog *a, const json_t *header,
	const json_t *records);

/*
 * Read log files; each one's kind is detected by content.  Malformed
 * lines are counted, never fatal; a cut last line is a warning.  Claude
 * Desktop writes every message twice, in mcp.log and in the server's own
 * mcp-server-<name>.log: when both are given, the lines of mcp.log for a
 * server that has its own log are skipped within the time span that log
 * covers (counted as duplicates).  Errors: a file that cannot be opened or
 * is not a regular file (CAIRN_EIO), one that is none of the known kinds
 * (CAIRN_EFORMAT); the message names the file.  May be called more than
 * once; the duplicate rule holds within one call.  gzip and zstd files
 * are read through their decompressor (capture_input.h).
 */
int cairn_agentlog_read(cairn_agentlog *a, const char *const *paths, size_t n);

/* Read bytes of a known kind as a file named label (tests, fuzzing). */
void cairn_agentlog_feed(cairn_agentlog *a, int kind, const char *label,
	const char *data, size_t len);

/* Warnings so far (cut lines, skipped long lines ...); valid until _free(). */
size_t cairn_agentlog_warning_count(const cairn_agentlog *a);
const char *cairn_agentlog_warning(const cairn_agentlog *a, size_t i);

/* ------------------------------------------------------------ result */

struct cairn_agentlog_file {
	char *path;
	int kind;
	uint64_t lines, messages, malformed, oversized, other_lines;
	uint64_t unbodied;     /* Claude Desktop lines that name a method only */
	uint64_t duplicates;   /* mcp.log lines also in a per-server log */
	uint64_t untimed;      /* messages without a usable time */
	int cut_last_line;
	int64_t first_ns, last_ns;   /* -1 when none */
};

struct cairn_agentlog_hit {      /* a suspicious-description hit */
	char *rule;                  /* toolrules id, or "tool-shadowing" */
	char *where;                 /* "description", "inputSchema.properties.q.description" */
	size_t offset;
	char *excerpt;               /* the matched span and a little context */
};

struct cairn_agentlog_version {  /* one distinct listing of an item */
	char *description_sha256;    /* hex, NULL when the item had none */
	char *schema_sha256;         /* hex of the canonical input schema, or NULL */
	size_t description_length;
	char *description;           /* up to CAIRN_WORDDIFF_MAX_TEXT bytes, or NULL */
	int64_t first_ns, last_ns;
	uint64_t listed;
	struct cairn_agentlog_hit *hits;
	size_t hit_count;
};

enum cairn_agentlog_item_kind {
	CAIRN_AGENTLOG_TOOL = 0,
	CAIRN_AGENTLOG_PROMPT = 1,
	CAIRN_AGENTLOG_RESOURCE = 2,
	CAIRN_AGENTLOG_INSTRUCTIONS = 3   /* the server's initialize instructions */
};

struct cairn_agentlog_item {
	int kind;
	char *name;                  /* tool/prompt name, resource URI; "" for instructions */
	struct cairn_agentlog_version *versions;  /* by first listing */
	size_t version_count;
	uint64_t versions_dropped;   /* past the per-item cap */
	uint64_t calls, errors, untimed_calls;
	int64_t first_call_ns, last_call_ns;  /* -1 when none (or untimed only) */
	int is_new;                  /* first called after the earliest window */
	int expected;                /* -1 no list, 0 not on it, 1 on it */
};

struct cairn_agentlog_server {
	char *name;
	char *info_name, *info_version;   /* initialize serverInfo, or NULL */
	char **kinds;                /* log kinds it was seen in, sorted */
	size_t kind_count;
	struct cairn_agentlog_item *items;  /* by kind, then name */
	size_t item_count;
	uint64_t listings;           /* tools/list results read */
	uint64_t unnamed_calls;      /* tools/call whose tool name was not logged */
};

struct cairn_agentlog_change {
	char *server, *item;
	int kind;
	int64_t time_ns;             /* first listing of the new version (-1 untimed) */
	char *old_description_sha256, *new_description_sha256;
	char *old_schema_sha256, *new_schema_sha256;
	char *diff;                  /* word diff of the descriptions, or NULL */
};

struct cairn_agentlog_window {   /* calls per window, server and tool */
	int64_t window_ns;
	char *server, *tool;
	uint64_t calls, errors;
	int64_t first_ns, last_ns;
};

enum cairn_agentlog_dir { CAIRN_AGENTLOG_ARGS = 0, CAIRN_AGENTLOG_RESULT = 1 };

struct cairn_agentlog_secret {
	char *server, *tool;
	int direction;               /* enum cairn_agentlog_dir */
	char *where;                 /* first place: "arguments.observations[0].contents[0]" */
	char *name;                  /* the variable or key it was under
	                              * ("AWS_SECRET_ACCESS_KEY"), NULL if none */
	char **rules;                /* "shape:openai-key", "name:*_KEY", "snapshot:env X (self)" */
	size_t rule_count;
	size_t length;
	char *hmac_sha256;           /* hex, NULL without a key */
	uint64_t count;
	int64_t first_ns, last_ns;
};

struct cairn_agentlog_host {
	char *host;                  /* lowercase name or address */
	char *server, *tool;
	int direction;
	int kind;                    /* CAIRN_DEST_* */
	uint64_t count;
	int64_t first_ns, last_ns;
	int allowed;                 /* -1 no allowlist, 0 no, 1 yes */
};

struct cairn_agentlog_stats {
	uint64_t files, lines, messages, malformed, oversized, calls, untimed_calls;
	uint64_t results, unpaired_results, builtin_calls, unbodied;
	uint64_t dropped;            /* findings and rows left out by a cap */
	int64_t first_ns, last_ns;
};

typedef struct cairn_agentlog_result {
	int64_t window_ns;
	struct cairn_agentlog_stats stats;
	struct cairn_agentlog_file *files;        /* in reading order */
	size_t file_count;
	struct cairn_agentlog_server *servers;    /* by name */
	size_t server_count;
	struct cairn_agentlog_change *changes;    /* by time, server, item */
	size_t change_count;
	struct cairn_agentlog_window *windows;    /* by window, server, tool */
	size_t window_count;
	struct cairn_agentlog_secret *secrets;    /* by time, server, tool */
	size_t secret_count;
	struct cairn_agentlog_host *hosts;        /* by host, server, tool, direction */
	size_t host_count;
	char **warnings;
	size_t warning_count;
	int hmac_key;                /* secrets carry HMACs */
	int watch_count;             /* snapshot secrets matched against */
	char *snapshot_refused;      /* why the snapshot's secrets could not be
	                              * matched; NULL when they were, or when
	                              * no snapshot was given */
	int snapshot_given;
	int expect_applied, allow_applied;
} cairn_agentlog_result;

/* Compute the result; the analysis is then only good for _free().
 * Returns 0; the result is the caller's (cairn_agentlog_result_free). */
int cairn_agentlog_finish(cairn_agentlog_result **out, cairn_agentlog *a);
void cairn_agentlog_result_free(cairn_agentlog_result *r);

/*
 * --expect-tools: one entry a line, '#' starts a comment: "server/tool";
 * "server/" and a star (every tool of the server); or "tool" (on any
 * server).  Server and tool names are matched exactly.  _load: CAIRN_EIO / CAIRN_EFORMAT (message names file, line).
 */
typedef struct cairn_agentlog_expect cairn_agentlog_expect;
int cairn_agentlog_expect_load(cairn_agentlog_expect **out, const char *path);
int cairn_agentlog_expect_parse(cairn_agentlog_expect **out, const char *text, size_t len,
	const char *origin);
void cairn_agentlog_expect_free(cairn_agentlog_expect *e);
/* Mark every called tool; returns the number of tools called that are
 * not on the list. */
size_t cairn_agentlog_result_apply_expect(cairn_agentlog_result *r,
	const cairn_agentlog_expect *e);

/* Judge each host with allow(ctx, host) (1 allowed); returns the number
 * of hosts named in call arguments that are not allowed. */
size_t cairn_agentlog_result_apply_allow(cairn_agentlog_result *r,
	int (*allow)(void *ctx, const char *host), void *ctx);

/* Unexpected tools (expected == 0) and unlisted argument hosts, as the
 * exit status counts them. */
size_t cairn_agentlog_result_unexpected(const cairn_agentlog_result *r);
size_t cairn_agentlog_result_unlisted(const cairn_agentlog_result *r);

/* The findings of the agent logs, what makes cairn-capture's exit status
 * 1: unexpected tools, unlisted argument hosts, manifest changes, secrets
 * in tool traffic, and the hits of suspicious descriptions. */
size_t cairn_agentlog_result_findings(const cairn_agentlog_result *r);

/* Output, deterministic.  JSON: the "agent" object of
 * docs/capture-schema.json, as a new reference. */
void cairn_agentlog_write_text(cairn_buf *out, const cairn_agentlog_result *r);
json_t *cairn_agentlog_to_json(const cairn_agentlog_result *r);

#endif
