/*
 * hash.h - one pass over a file computing SHA-256 (OpenSSL EVP) and
 * XXH3-128 (xxHash streaming API), and detecting a file that changed while
 * it was read.
 *
 * Digests are stored as bytes: sha256 is the usual 32-byte digest, xxh128
 * the 16-byte canonical (big-endian) form, so their hex equals the output of
 * sha256sum(1) and xxh128sum(1).
 */
#ifndef CAIRN_HASH_H
#define CAIRN_HASH_H

#include "snapshot.h"

#include <stddef.h>
#include <stdint.h>

/* Size of the read buffer (aligned to the page size).  1 MiB rather than
 * 256 KiB: a warm large file then costs 2.5% less CPU per byte (fewer
 * page-cache lookups and calls into read(), docs/BENCH.md); a small file
 * writes only its own bytes into it. */
#define CAIRN_HASH_BUFSIZE (1024u * 1024u)

/* A hasher owns its digest states and read buffer; one per thread (it
 * may start a helper thread of its own, see cairn_hash_fd_split()). */
typedef struct cairn_hasher cairn_hasher;

/* New hasher; CAIRN_EEXTERNAL if OpenSSL cannot provide SHA-256.
 * Free with cairn_hasher_free(). */
int cairn_hasher_new(cairn_hasher **out);
void cairn_hasher_free(cairn_hasher *h);

/*
 * Hash the regular file open on fd from offset 0 to end of file.
 * e: the entry of that file; its size, mtime and ctime must be those of an
 * fstat() of fd taken before this call.  On success sets e->sha256,
 * e->xxh128 and CAIRN_EF_HASHED, and also CAIRN_EF_CHANGED when the file
 * changed while it was read (fstat afterwards differs in size, mtime or
 * ctime, or the bytes read differ from the size; reading stops once more
 * bytes than the size came, so a file that never ends, like a procfs file
 * of size 0, costs one buffer).  *bytes_out (optional)
 * receives the number of bytes read.
 * On a read error sets e->err and e->err_op ("read" or "fstat"), clears
 * CAIRN_EF_HASHED and returns CAIRN_EIO (message names e->path).
 * Does not close fd.
 */
int cairn_hash_fd(cairn_hasher *h, int fd, cairn_entry *e, uint64_t *bytes_out);

/* Files at least this large may be hashed on two threads. */
#define CAIRN_HASH_SPLIT_MIN (8u << 20)

/*
 * cairn_hash_fd(), but with split != 0 a file of CAIRN_HASH_SPLIT_MIN bytes
 * or more has its SHA-256 computed on a second thread (owned by h, started
 * on first use) while this one reads and computes XXH3: for a large file
 * when a core would otherwise be idle.  Same results either way.
 */
int cairn_hash_fd_split(cairn_hasher *h, int fd, cairn_entry *e,
			uint64_t *bytes_out, int split);

/* SHA-256 of a memory block (xattr values); CAIRN_EEXTERNAL on failure. */
int cairn_sha256_mem(unsigned char out[32], const void *p, size_t n);

#endif
