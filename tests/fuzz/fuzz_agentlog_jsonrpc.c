/*
 * fuzz_agentlog_jsonrpc.c - the agent-log reader on JSON-RPC NDJSON, bare and wrapped,
 * through the whole analysis (agentlog_fuzz.h).
 */
#include "agentlog_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_agentlog(CAIRN_AGENTLOG_JSONRPC, "memory.ndjson", data, size);
	return 0;
}
