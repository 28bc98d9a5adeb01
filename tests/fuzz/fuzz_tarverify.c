/*
 * fuzz_tarverify.c - an installed npm package verified against a hostile
 * tarball in the npm cache: the input is the tarball (gzip or plain tar);
 * it is stored in a scratch cache under its own sha512 integrity, which a
 * package-lock.json names for node_modules/p (installed: package.json,
 * index.js, lib/a.js); the analyzer then finds it by integrity, checks the
 * bytes, reads the tar in memory and compares every member with the
 * installed files.  Must never crash, leak, extract, or read out of bounds.
 */
#include "fuzztree.h"

#include <openssl/evp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char d[64];
	unsigned int dl = 0;
	char hex[129], sri[128];
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_analyze_opts o;
	char *cache;

	if (!EVP_Digest(data, size, d, &dl, EVP_sha512(), NULL))
		abort();
	cairn_hex(hex, d, 64);
	memcpy(sri, "sha512-", 7);
	EVP_EncodeBlock((unsigned char *)sri + 7, d, 64);
	ft_reset("app");
	ft_reset("cache");
	cairn_buf_addf(&b, "cache/_cacache/content-v2/sha512/%.2s/%.2s/%s", hex, hex + 2, hex + 4);
	ft_write(b.data, data, size);
	cairn_buf_clear(&b);
	cairn_buf_addf(&b, "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":3,"
		       "\"packages\":{\"\":{\"name\":\"app\",\"dependencies\":{\"p\":\"1.0.0\"}},"
		       "\"node_modules/p\":{\"version\":\"1.0.0\",\"integrity\":\"%s\"}}}", sri);
	ft_writes("app/package-lock.json", b.data);
	ft_writes("app/package.json", "{\"name\":\"app\",\"dependencies\":{\"p\":\"1.0.0\"}}");
	ft_writes("app/node_modules/p/package.json", "{\"name\":\"p\",\"version\":\"1.0.0\"}\n");
	ft_writes("app/node_modules/p/index.js", "module.exports = 1;\n");
	ft_writes("app/node_modules/p/lib/a.js", "a\n");
	cache = ft_path("cache/_cacache");
	o = ft_package_opts();
	o.npm_cache = cache;
	ft_analyze("app", &o);
	free(cache);
	cairn_buf_release(&b);
	return 0;
}
