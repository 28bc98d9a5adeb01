/*
 * fuzz_npmcache.c - what cairn-snap --npm-cache reads besides tarballs, on
 * hostile bytes: the input's first part (before "#-#\n") is an index-v5
 * bucket ("<sha1 of json>\t<json>" lines, npm's fetch history), the second
 * an npm debug log (_logs/<time>-debug-0.log: commands, lifecycle scripts and
 * their exit codes).  The analyzer reads both from a scratch cache and
 * builds its npm_fetch, npm_command and npm_script records.
 */
#include "fuzztree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[2];
	size_t len[2], n;
	cairn_analyze_opts o;
	char *cache;

	n = ft_split(data, size, "#-#\n", part, len, 2);
	ft_reset("app");
	ft_reset("npm");
	ft_write("npm/_cacache/index-v5/aa/bb/cdef", part[0], len[0]);
	if (n > 1)
		ft_write("npm/_logs/2026-01-01T00_00_00_000Z-debug-0.log", part[1], len[1]);
	cache = ft_path("npm/_cacache");
	o = ft_package_opts();
	o.npm_cache = cache;
	ft_analyze("app", &o);
	free(cache);
	return 0;
}
