/*
 * fuzz_agentlog_desktop.c - the agent-log reader on Claude Desktop mcp*.log lines,
 * through the whole analysis (agentlog_fuzz.h).
 */
#include "agentlog_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_agentlog(CAIRN_AGENTLOG_DESKTOP, "mcp.log", data, size);
	return 0;
}
