/*
 * agentlog_find.h - where the MCP clients keep their own logs: recorded
 * by cairn-snap --mcp-discover as agent_log records (docs/RECORDS.md).
 */
#ifndef CAIRN_AGENTLOG_FIND_H
#define CAIRN_AGENTLOG_FIND_H

#include "pkgfs.h"

/*
 * One agent_log record per log file found below the home folder open on
 * home (path written "~/...", size, mtime, SHA-256 of the bytes read;
 * never the content): Claude Desktop's ~/Library/Logs/Claude/mcp*.log,
 * ~/.config/Claude/logs/mcp*.log and, in a Windows profile,
 * ~/AppData/Roaming/Claude/logs/mcp*.log, Claude Code's
 * ~/.claude/projects/<project>/<session>.jsonl.  Symlinks are recorded,
 * not followed; at most 10000 files.  Never fails: problems are the
 * record's "error".
 */
void cairn_agentlog_discover(cairn_recs *recs, int home);

/*
 * The provenance of an agent log given to cairn-report: compared with the
 * snapshot's agent_log records of the same file name, appended to out as
 * one sentence: the same bytes as recorded, recorded bytes that the file
 * still starts with (it grew), or other bytes.  Nothing when the snapshot
 * recorded no log of that name.  Returns 0, or CAIRN_EIO.
 */
int cairn_agentlog_provenance(cairn_buf *out, const char *path, const json_t *records);

#endif
