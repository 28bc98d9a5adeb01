/*
 * hash_xxh3.c - XXH3-128 compiled for AVX2 (see hash_int.h).
 *
 * xxhash.h is included inline (XXH_INLINE_ALL gives it its own namespace,
 * so nothing clashes with libxxhash) with every function in the region
 * compiled for AVX2.  None of them runs unless cairn_xxh3_new() found AVX2
 * usable; that check itself is compiled for the baseline.
 */
#include "hash_int.h"
#include "cairn.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>
#include <string.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

#define XXH_INLINE_ALL
#define XXH_VECTOR XXH_AVX2
#include <xxhash.h>

struct cairn_xxh3 {
	XXH3_state_t *state;
};

static cairn_xxh3 *avx2_new(void)
{
	cairn_xxh3 *s = cairn_calloc(1, sizeof(*s));

	s->state = XXH3_createState();
	if (!s->state)
		cairn_oom();
	return s;
}

void cairn_xxh3_free(cairn_xxh3 *s)
{
	if (!s)
		return;
	XXH3_freeState(s->state);
	free(s);
}

void cairn_xxh3_reset(cairn_xxh3 *s)
{
	(void)XXH3_128bits_reset(s->state);
}

void cairn_xxh3_update(cairn_xxh3 *s, const void *p, size_t n)
{
	(void)XXH3_128bits_update(s->state, p, n);
}

void cairn_xxh3_digest(cairn_xxh3 *s, unsigned char out[16])
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s->state));
	memcpy(out, c.digest, sizeof(c.digest));
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

cairn_xxh3 *cairn_xxh3_new(void)
{
	/* also checks that the kernel saves the AVX registers */
	if (!__builtin_cpu_supports("avx2"))
		return NULL;
	return avx2_new();
}

#else   /* not x86-64: libxxhash picks its own best code */

cairn_xxh3 *cairn_xxh3_new(void)
{
	return NULL;
}

void cairn_xxh3_free(cairn_xxh3 *s)
{
	(void)s;
}

void cairn_xxh3_reset(cairn_xxh3 *s)
{
	(void)s;
}

void cairn_xxh3_update(cairn_xxh3 *s, const void *p, size_t n)
{
	(void)s;
	(void)p;
	(void)n;
}

void cairn_xxh3_digest(cairn_xxh3 *s, unsigned char out[16])
{
	(void)s;
	memset(out, 0, 16);
}

#endif
