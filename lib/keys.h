/*
 * keys.h - Ed25519 signing keys for snapshots (PEM files, OpenSSL).
 *
 * A private key signs a snapshot's checksum (lib/snapshot.h writer); a
 * public key verifies it (reader, cairn-snap verify --pubkey).  The key id
 * names a key in snapshot trailers and messages without showing it.
 */
#ifndef CAIRN_KEYS_H
#define CAIRN_KEYS_H

#include "cairn.h"

typedef struct cairn_key cairn_key;

/* Write a new key pair: the private key PEM is created with O_EXCL, mode
 * 0600 (an existing file is never overwritten); then the public key PEM. */
int cairn_key_generate(const char *priv_path, const char *pub_path);
/* Load a key from a PEM file; *out is freed with cairn_key_free(). */
int cairn_key_load_private(cairn_key **out, const char *path);
int cairn_key_load_public(cairn_key **out, const char *path);
/* Hex SHA-256 of the raw 32-byte public key; buf >= 65 bytes. */
void cairn_key_id(const cairn_key *k, char *buf);
/* Wipes the key material; NULL is a no-op. */
void cairn_key_free(cairn_key *k);

#endif
