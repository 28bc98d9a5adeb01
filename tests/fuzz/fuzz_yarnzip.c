/*
 * fuzz_yarnzip.c - a yarn 2+ install whose cache archive is hostile: the
 * input is the zip, stored in the project's .yarn/cache under the name
 * Berry gives p@1.0.0 and named by a yarn.lock whose checksum is the
 * input's own SHA-512, so it passes the checksum and reaches libzip, the
 * name checks, the expansion caps and the comparison with the installed
 * node_modules/p (package.json, index.js, lib/a.js).  Must never crash,
 * leak, extract, or read out of bounds.
 */
#include "fuzztree.h"

#include <openssl/evp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char d[64];
	unsigned int dl = 0;
	char hex[129];
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_analyze_opts o;

	if (!EVP_Digest(data, size, d, &dl, EVP_sha512(), NULL))
		abort();
	cairn_hex(hex, d, 64);
	ft_reset("app");
	cairn_buf_addf(&b, "app/.yarn/cache/p-npm-1.0.0-0123456789-%.10s.zip", hex);
	ft_write(b.data, data, size);
	cairn_buf_clear(&b);
	cairn_buf_addf(&b, "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"
		       "\"p@npm:1.0.0\":\n  version: 1.0.0\n  resolution: \"p@npm:1.0.0\"\n"
		       "  checksum: 10c0/%s\n  languageName: node\n  linkType: hard\n", hex);
	ft_writes("app/yarn.lock", b.data);
	ft_writes("app/package.json", "{\"name\":\"app\",\"dependencies\":{\"p\":\"1.0.0\"}}");
	ft_writes("app/node_modules/p/package.json", "{\"name\":\"p\",\"version\":\"1.0.0\"}\n");
	ft_writes("app/node_modules/p/index.js", "module.exports = 1;\n");
	ft_writes("app/node_modules/p/lib/a.js", "a\n");
	o = ft_package_opts();
	ft_analyze("app", &o);
	cairn_buf_release(&b);
	return 0;
}
