/*
 * analyze.h - what cairn-snap records beyond the file list: packages (npm,
 * pip), the environment of processes, MCP client configs, install commands
 * in CI files.  The records are documented in docs/RECORDS.md.
 *
 * Use: cairn_analyzer_new() before the walk, cairn_analyzer_observe() for
 * every entry the walk produces (in file order, with hashes filled), then
 * cairn_analyzer_finish() writes the records after the entries.
 */
#ifndef CAIRN_ANALYZE_H
#define CAIRN_ANALYZE_H

#include "snapshot.h"

typedef struct cairn_analyze_opts {
	int packages;              /* npm/pip analysis of the tree (default 1) */
	const char *npm_cache;     /* npm cache root (~/.npm) or its _cacache:
	                            * tarball verification, install timeline,
	                            * npx trees; NULL = none */
	const char *npm_cache_from;/* where npm_cache came from: "option",
	                            * "npm_config_cache", "home" (~/.npm);
	                            * "off" for --no-npm-cache; NULL = none
	                            * found (recorded in the header) */
	const char *pnpm_store;    /* --pnpm-store DIR: pnpm store (holding v3/
	                            * or v10/) to verify pnpm installs; NULL = off */
	const char *yarn_cache;    /* --yarn-cache DIR: yarn 1 cache (v6), or a
	                            * folder of yarn 2+ zip archives */
	const char *bun_cache;     /* --bun-cache DIR: bun's install cache
	                            * (~/.bun/install/cache) */
	const char *pip_cache;     /* --pip-cache DIR: wheels to check Python
	                            * lockfiles' hashes against (pip's cache,
	                            * poetry's artifacts, a folder of .whl);
	                            * NULL = pip's, pipenv's and poetry's caches
	                            * below $HOME when they exist */
	int no_pip_cache;          /* --no-pip-cache: no wheel cache */
	int env_self;              /* --env: cairn-snap's own environment */
	const char **pids;         /* --pid PID (repeatable) */
	size_t pid_count;
	const char *env_key_path;  /* --env-key FILE (HMAC key, made 0600) */
	const char **env_clear;    /* --env-clear NAME (repeatable) */
	size_t env_clear_count;
	const char **mcp_configs;  /* --mcp-config PATH (repeatable) */
	size_t mcp_config_count;
	int mcp_discover;          /* --mcp-discover: per-user config places */
	const char *dpkg_root;     /* root of the system whose dpkg database
	                            * describes the tree (NULL = "/"); cairn-snap
	                            * takes it from $CAIRN_DPKG_ROOT, for tests */
} cairn_analyze_opts;

typedef struct cairn_analyzer cairn_analyzer;

/* root: the folder being snapshotted (opened by path; the analyzer reads
 * manifests below it with the same no-symlink rules as the walker).
 * opts is copied, the strings it points to are borrowed (must outlive the
 * analyzer); NULL = package analysis only.  Returns 0; a root that cannot
 * be opened as a folder is a parse_error record, not a failure. */
int cairn_analyzer_new(cairn_analyzer **out, const char *root,
		       const cairn_analyze_opts *opts);
/* Entry observer (signature fits cairn_scan's observer): ctx is the
 * analyzer.  Never fails; problems become recorded facts. */
void cairn_analyzer_observe(void *ctx, const cairn_entry *e);
/* Write every record, sorted, through w.  Also adds the options used to the
 * header?  No: header_opts() below does that before the writer opens. */
int cairn_analyzer_finish(cairn_analyzer *a, cairn_snap_writer *w);
/* Run the analysis and give back the sorted records as a new JSON array
 * (each record as cairn_analyzer_finish() would write it) instead of
 * writing them: for tests and tools that do not write a snapshot.
 * Call at most once, instead of cairn_analyzer_finish(). */
int cairn_analyzer_collect(cairn_analyzer *a, json_t **out);
/* After cairn_analyzer_finish() or _collect(): the coverage counts of the
 * package records (cairn_coverage_count(), borrowed; NULL before), for the
 * trailer and the one-line summary. */
const json_t *cairn_analyzer_coverage(const cairn_analyzer *a);
/* Options to record in the header's "options" object (new reference). */
json_t *cairn_analyze_opts_json(const cairn_analyze_opts *opts);
void cairn_analyzer_free(cairn_analyzer *a);

#endif
