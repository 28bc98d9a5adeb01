/*
 * fuzz_changetime - a diff document (docs/diff-schema.json) from arbitrary
 * bytes, as a hostile pair of snapshots could make one: the content changes
 * placed by ctime and judged (lib/changetime.h), then every diff rule
 * (CAIRN-T01 among them) over it.  A JSON array is a snapshot's records
 * instead: the posture rules and T01's package file times
 * (docs/RECORDS.md §Package file times) over them.  Invariants: a placed change lies within
 * the snapshots' creation times when both are known and ordered, a forged
 * change is a judged modification, and each finding's title is UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "changetime.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_findings f = CAIRN_FINDINGS_INIT;
	cairn_rules_input in;
	cairn_change_time *t = NULL;
	int64_t lo = 0, hi = 0;
	json_t *doc;
	size_t i, n = 0;

	if (size > 1 << 20)
		return 0;
	doc = json_loadb((const char *)data, size, 0, NULL);
	if (!doc)
		return 0;
	cairn_change_times(&t, &n, doc, &lo, &hi);
	for (i = 0; i < n; i++) {
		if (!t[i].path)
			abort();
		if (lo && hi && lo <= hi && (t[i].at_ns < lo || t[i].at_ns > hi))
			abort();
		if (t[i].forged && (t[i].added || t[i].installer || !cairn_forged_name(t[i].forged)))
			abort();
	}
	free(t);
	memset(&in, 0, sizeof(in));
	if (json_is_array(doc))
		in.records = doc;
	else
		in.diff = doc;
	cairn_rules_eval(&f, &in);
	for (i = 0; i < f.count; i++)
		if (!f.items[i].title || !cairn_utf8_valid(f.items[i].title, strlen(f.items[i].title)))
			abort();
	cairn_findings_release(&f);
	json_decref(doc);
	return 0;
}
