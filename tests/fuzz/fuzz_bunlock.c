/*
 * fuzz_bunlock.c - a bun install with a hostile bun.lock (the input),
 * analysed as cairn-snap --npm-cache does: the tree holds node_modules/p,
 * node_modules/p/node_modules/@s/q and a bun.lockb beside (ignored: the
 * text lockfile wins), so the input reaches the trailing-comma pre-pass,
 * jansson, the path keys, the package records and the npm cache lookup by
 * integrity (an empty cache: not_in_cache).
 */
#include "fuzztree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_analyze_opts o;
	char *cache;

	ft_reset("app");
	ft_reset("cache");
	ft_writes("cache/_cacache/index-v5/.keep", "");
	ft_write("app/bun.lock", data, size);
	ft_writes("app/bun.lockb", "#!/usr/bin/env bun\nbun-lockfile-format-v0\n");
	ft_writes("app/package.json", "{\"name\":\"app\",\"dependencies\":{\"p\":\"1.0.0\"}}");
	ft_writes("app/node_modules/p/package.json",
		  "{\"name\":\"p\",\"version\":\"1.0.0\",\"dependencies\":{\"@s/q\":\"2\"}}\n");
	ft_writes("app/node_modules/p/node_modules/@s/q/package.json",
		  "{\"name\":\"@s/q\",\"version\":\"2.0.0\"}\n");
	cache = ft_path("cache/_cacache");
	o = ft_package_opts();
	o.npm_cache = cache;
	ft_analyze("app", &o);
	free(cache);
	return 0;
}
