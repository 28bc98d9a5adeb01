/*
 * cacache.h - the npm cache (cacache): content-v2 looked up by Subresource
 * Integrity string, integrity checked with OpenSSL, and the index-v5
 * buckets read as fetch facts.  Nothing is written to the cache.
 *
 * Layout (cacache 15+): content-v2/<algo>/<hex[0:2]>/<hex[2:4]>/<hex[4:]>
 * where hex is the digest named by the integrity string; index-v5/<2>/<2>/
 * <rest> bucket files hold lines "<sha1 hex of json>\t<json>".
 */
#ifndef CAIRN_CACACHE_H
#define CAIRN_CACACHE_H

#include "cairn.h"

#include <jansson.h>

/*
 * Pick the strongest hash of an SRI string ("sha512-<b64> sha1-<b64>"):
 * algo receives "sha512", "sha384", "sha256" or "sha1", digest the raw bytes
 * (>= 64 bytes), *digest_len its length.  CAIRN_EFORMAT when none parses.
 */
int cairn_integrity_parse(const char *sri, char algo[8],
			  unsigned char *digest, size_t *digest_len);
/* 0 when data hashes to the integrity string's strongest digest,
 * CAIRN_EVERIFY when not, CAIRN_EFORMAT for a bad string. */
int cairn_integrity_check(const void *data, size_t len, const char *sri);
/* Relative path of the content for sri below the cache folder; new string
 * or NULL when sri does not parse. */
char *cairn_cacache_content_path(const char *sri);
/*
 * Read the content for sri from the cache open on cachefd (at most
 * CAIRN_CAP_TARBALL bytes, no symlinks) and check it against sri.
 * CAIRN_ENOTFOUND when absent, CAIRN_EVERIFY when the bytes do not match.
 */
int cairn_cacache_read(cairn_buf *out, int cachefd, const char *sri,
		       const char *label);

/* Called per index entry with the parsed JSON (borrowed) and the bucket's
 * relative path; *bad_lines counts lines whose sha1 or JSON is wrong. */
typedef void (*cairn_cacache_index_cb)(void *ctx, const json_t *entry,
				       const char *bucket);
/* Read every bucket of index-v5 (at most 100000 entries in total).
 * Returns the number of malformed lines (>= 0) or negative CAIRN_E*. */
int cairn_cacache_index(int cachefd, cairn_cacache_index_cb cb, void *ctx);

#endif
