/*
 * fuzz_toml.c - the strict TOML reader (lib/toml.c) on arbitrary bytes;
 * what it accepts must come out as a tree that jansson writes and reads
 * back to an equal tree (no NUL in a string, valid UTF-8 everywhere).
 * The reader's use by the lockfile analysis is fuzzed by fuzz_pylock.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn.h"
#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = NULL, *back;
	char *text;

	if (cairn_toml_parse(&j, (const char *)data, size, "fuzz.toml") < 0) {
		if (j)
			abort();
		return 0;
	}
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		abort();
	back = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (!back || !json_equal(j, back))
		abort();
	json_decref(back);
	free(text);
	json_decref(j);
	return 0;
}
