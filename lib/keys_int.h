/*
 * keys_int.h - internals shared by keys.c and snapshot.c.
 */
#ifndef CAIRN_KEYS_INT_H
#define CAIRN_KEYS_INT_H

#include "keys.h"

#include <openssl/evp.h>

struct cairn_key {
	EVP_PKEY *pkey;
	int has_private;
	unsigned char raw_pub[32];
};

/* Ed25519 over msg; 0 or negative with a message. */
int cairn_key_sign(const cairn_key *k, const unsigned char *msg, size_t len,
		   unsigned char sig[64]);
/* 0 when sig is valid, CAIRN_EVERIFY otherwise (no message set). */
int cairn_key_verify(const cairn_key *k, const unsigned char *msg, size_t len,
		     const unsigned char sig[64]);

#endif
