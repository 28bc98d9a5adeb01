/*
 * mcp.h - MCP client configs (Claude Desktop, Claude Code, Cursor, VS Code,
 * Windsurf) into mcp_server records, Claude Code settings hooks into
 * claude_hook records, and the npx cache key of a server's package
 * (docs/RECORDS.md).  Nothing is launched.
 */
#ifndef CAIRN_MCP_H
#define CAIRN_MCP_H

#include "envsnap.h"
#include "pkgfs.h"

/* Client of a config file from its path ("claude_desktop", "claude_code",
 * "cursor", "vscode", "windsurf"), NULL when the name is not an MCP config. */
const char *cairn_mcp_config_client(const char *path);
/* $HOME-relative places read with --mcp-discover (NULL-terminated); the
 * entry ".claude/settings.json" is the Claude Code settings file. */
const char *const *cairn_mcp_user_places(void);

/*
 * Parse one config (data[0..len)) named label into mcp_server records.
 * key hashes env/header values (may be NULL).  npx_fd: the _npx folder of
 * the npm cache, or -1, to say whether a server's npx folder exists;
 * npx_label: how that folder is written, relative to the npm cache root
 * ("_npx"; NULL = that), so that two copies of a tree read the same.
 * Bad JSON becomes a parse_error record.  Returns the number of servers.
 */
int cairn_mcp_parse(cairn_recs *recs, const cairn_env_key *key, const char *label,
		    const char *client, const char *data, size_t len, int npx_fd,
		    const char *npx_label);

/* Claude Code settings (settings.json): one claude_hook record per hook
 * command.  Returns the number of hooks. */
int cairn_claude_settings_parse(cairn_recs *recs, const char *label,
				const char *data, size_t len);

/* Set launcher, package, package_name, package_version, pin, pinned,
 * npx_cache (key only: "<16 hex>", the caller prefixes) on rec from a
 * command and its args (JSON array of strings, may be NULL). */
void cairn_mcp_launch(json_t *rec, const char *command, const json_t *args);

/* libnpmexec's npx cache folder name: first 16 hex of SHA-512 over the
 * package specs sorted and joined with '\n'.  out >= 17 bytes. */
void cairn_npx_cache_key(char *out, const char *const *specs, size_t n);

/* Exactness of an npm version spec: "exact", "range", "tag", "url",
 * or "none" (NULL or empty). */
const char *cairn_npm_spec_pin(const char *version);

#endif
