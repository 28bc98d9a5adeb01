/*
 * fuzz_pnpm.c - a pnpm install with hostile metadata, analysed the way
 * cairn-snap does it (--pnpm-store): the input is three parts separated by
 * "\n====\n": pnpm-lock.yaml, node_modules/.modules.yaml, and the store
 * index file of the package whose lockfile integrity is INTEGRITY (below).
 * The tree holds that package installed pnpm's way
 * (node_modules/.pnpm/p@1.0.0/node_modules/p, linked from node_modules/p),
 * a link out of the tree (node_modules/q -> ../../outside) and a dangling
 * one, so the input reaches the YAML reader, the lockfile-to-folder
 * binding, link resolution, the package records and store verification.
 */
#include "fuzztree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sha512 of debug-4.3.4.tgz; its v3 index file name is the hex of it */
#define INTEGRITY "sha512-PRWFHuSU3eDtQJPvnNY7Jcket1j0t5OuOsFzPPzsekD52Zl8qUfFIPEiswXqIvHWGVHOgX+7G/vCNNhehwxfkQ=="
#define INDEX_V3 "store/v3/files/3d/15851ee494dde0ed4093ef9cd63b25c91eb758f4b793ae3ac1733cfcec7a40f9d9997ca947c520f122b305ea22f1d61951ce817fbb1bfbc234d85e870c5f91-index.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[3];
	size_t len[3], n;
	cairn_analyze_opts o;
	char *store;

	n = ft_split(data, size, "\n====\n", part, len, 3);
	ft_reset("app");
	ft_reset("store");
	ft_write("app/pnpm-lock.yaml", part[0], len[0]);
	if (n > 1)
		ft_write("app/node_modules/.modules.yaml", part[1], len[1]);
	if (n > 2)
		ft_write(INDEX_V3, part[2], len[2]);
	ft_writes("app/package.json", "{\"name\":\"app\",\"dependencies\":{\"p\":\"1.0.0\",\"q\":\"1.0.0\"}}");
	ft_writes("app/node_modules/.pnpm/p@1.0.0/node_modules/p/package.json",
		  "{\"name\":\"p\",\"version\":\"1.0.0\"}\n");
	ft_writes("app/node_modules/.pnpm/p@1.0.0/node_modules/p/index.js", "module.exports = 1;\n");
	ft_symlink(".pnpm/p@1.0.0/node_modules/p", "app/node_modules/p");
	ft_symlink("../../outside", "app/node_modules/q");
	ft_symlink("../../p@1.0.0/node_modules/p", "app/node_modules/.pnpm/p@1.0.0/node_modules/r");
	store = ft_path("store");
	o = ft_package_opts();
	o.pnpm_store = store;
	ft_analyze("app", &o);
	free(store);
	return 0;
}
