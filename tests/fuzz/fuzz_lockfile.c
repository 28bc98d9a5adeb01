/*
 * fuzz_lockfile.c - the JSON manifests the analyzer reads, on arbitrary
 * bytes: npm lockfiles (v1/v2/v3), MCP client configs and Claude Code
 * settings.  Must never crash, hang or leak.
 */
#include <stdint.h>
#include <string.h>

#include "mcp.h"
#include "npm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_npm_lock *l = NULL;
	cairn_recs recs;

	if (cairn_npm_lock_parse(&l, (const char *)data, size, "fuzz") == 0) {
		size_t i;

		for (i = 0; i < l->n; i++)
			cairn_npm_lock_find(l, l->v[i].key);
		cairn_npm_lock_free(l);
	}
	cairn_recs_init(&recs);
	cairn_mcp_parse(&recs, NULL, "fuzz.json", "cursor", (const char *)data, size, -1, NULL);
	cairn_claude_settings_parse(&recs, "settings.json", (const char *)data, size);
	cairn_recs_sort(&recs);
	cairn_recs_release(&recs);
	return 0;
}
