/*
 * fuzz_yarnlock.c - a yarn install with a hostile yarn.lock (yarn 1 text
 * or Berry YAML) and a hostile yarn 1 cache tarball, analysed as
 * cairn-snap --yarn-cache does: the input is "yarn.lock\n====\ntarball";
 * the tarball is stored where the cache keeps p@1.0.0 resolved with hash
 * "abc" (npm-p-1.0.0-abc-integrity/node_modules/p/.yarn-tarball.tgz), the
 * tree holds node_modules/p and node_modules/p/node_modules/q, so the
 * input reaches the reader, the name@version binding, the package records
 * and the integrity check and tar comparison.
 */
#include "fuzztree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[2];
	size_t len[2], n;
	cairn_analyze_opts o;
	char *cache;

	n = ft_split(data, size, "\n====\n", part, len, 2);
	ft_reset("app");
	ft_reset("cache");
	ft_write("app/yarn.lock", part[0], len[0]);
	ft_writes("cache/v6/.keep", "");
	if (n > 1)
		ft_write("cache/v6/npm-p-1.0.0-abc-integrity/node_modules/p/.yarn-tarball.tgz",
			 part[1], len[1]);
	ft_writes("app/package.json", "{\"name\":\"app\",\"dependencies\":{\"p\":\"^1.0.0\"}}");
	ft_writes("app/node_modules/p/package.json",
		  "{\"name\":\"p\",\"version\":\"1.0.0\",\"dependencies\":{\"q\":\"2\"}}\n");
	ft_writes("app/node_modules/p/index.js", "module.exports = 1;\n");
	ft_writes("app/node_modules/p/node_modules/q/package.json",
		  "{\"name\":\"q\",\"version\":\"2.0.0\"}\n");
	cache = ft_path("cache/v6");
	o = ft_package_opts();
	o.yarn_cache = cache;
	ft_analyze("app", &o);
	free(cache);
	return 0;
}
