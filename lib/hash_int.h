/*
 * hash_int.h - XXH3-128 built for AVX2 (hash_xxh3.c), used by hash.c.
 *
 * The system's libxxhash is built for baseline x86-64 (SSE2); with AVX2 the
 * same XXH3 code runs three to four times as fast (13 vs 50 GB/s on the
 * benchmark machine), a few percent of the time of hashing a file, of which
 * SHA-256 takes the most.  The digests are the same.
 */
#ifndef CAIRN_HASH_INT_H
#define CAIRN_HASH_INT_H

#include <stddef.h>

typedef struct cairn_xxh3 cairn_xxh3;

/* A new state, or NULL when the CPU lacks AVX2 or the build is not for
 * x86-64: the caller then uses libxxhash.  Free with cairn_xxh3_free(). */
cairn_xxh3 *cairn_xxh3_new(void);
void cairn_xxh3_free(cairn_xxh3 *s);
void cairn_xxh3_reset(cairn_xxh3 *s);
void cairn_xxh3_update(cairn_xxh3 *s, const void *p, size_t n);
/* The 16-byte canonical (big-endian) form, as XXH128_canonicalFromHash(). */
void cairn_xxh3_digest(cairn_xxh3 *s, unsigned char out[16]);

#endif
