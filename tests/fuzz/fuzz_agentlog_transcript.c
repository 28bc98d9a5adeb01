/*
 * fuzz_agentlog_transcript.c - the agent-log reader on Claude Code transcript lines,
 * through the whole analysis (agentlog_fuzz.h).
 */
#include "agentlog_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_agentlog(CAIRN_AGENTLOG_TRANSCRIPT, "session.jsonl", data, size);
	return 0;
}
