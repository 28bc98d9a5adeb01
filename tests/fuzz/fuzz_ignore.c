/*
 * fuzz_ignore.c - the ignore-file parser and matcher on arbitrary bytes:
 * the input is an ignore file; a few fixed paths and the input's own lines
 * (as paths) are then matched.  Must never crash or hang.
 */
#include <stdint.h>
#include <string.h>

#include "ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *paths[] = {
		"a", "a.log", "x/y/z.tmp", "node_modules/.cache/f", "build/o/p",
		"[", "\\", "**", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p",
	};
	cairn_ignore *ig = cairn_ignore_new();
	const char *p = (const char *)data;
	size_t i, start = 0;

	cairn_ignore_add_buffer(ig, "", p, size, "fuzz");
	cairn_ignore_add_buffer(ig, "a/b", p, size, "fuzz");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		cairn_ignore_match(ig, paths[i], strlen(paths[i]), 0);
		cairn_ignore_match(ig, paths[i], strlen(paths[i]), 1);
	}
	while (start < size) {
		const char *nl = memchr(p + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - p) : size;

		cairn_ignore_match(ig, p + start, end - start, 0);
		cairn_glob_match(p + start, end - start, p, size < 256 ? size : 256);
		start = end + 1;
	}
	cairn_ignore_free(ig);
	return 0;
}
