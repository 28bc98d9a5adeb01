#!/bin/sh
# --mcp-discover with $HOME a Windows profile (a mounted disk's
# Users/<name>): Claude Desktop's %APPDATA%\Claude\logs and its config
# %APPDATA%\Claude\claude_desktop_config.json are below AppData/Roaming,
# Claude Code's %USERPROFILE%\.claude\projects below the profile itself;
# all are recorded (before: the AppData ones were not looked for).  The
# logs are the real client logs of tests/fixtures/agentlogs (SOURCE says
# how they were made), the config the fixture home's.
set -eu
. "$CAIRN_SRC/tests/cli/lib.sh"
need jq jq
need zstd zstd
al="$CAIRN_SRC/tests/fixtures/agentlogs"
p=Users/alice
mkdir -p "$p/AppData/Roaming/Claude/logs" "$p/.claude/projects/C--Users-alice-notes" root
cp "$al/claude-desktop/mcp.log" "$al/claude-desktop/mcp-server-filesystem.log" \
	"$p/AppData/Roaming/Claude/logs/"
cp "$al/claude-code/5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl" "$p/.claude/projects/C--Users-alice-notes/"
jq "{mcpServers}" "$CAIRN_SRC/tests/fixtures/packages/home/.claude.json" > "$p/AppData/Roaming/Claude/claude_desktop_config.json"
echo x > root/file
HOME="$PWD/$p" run cairn-snap -q --mcp-discover --env-key k -o s.cairn root
zstd -dcq s.cairn | jq -c 'select(.type == "agent_log") | [.client, .kind, .path, .size, .sha256, .error]'
zstd -dcq s.cairn | jq -c 'select(.type == "mcp_server") | [.client, .config, .server]'
