/*
 * hash.c - SHA-256 and XXH3-128 of a file in one pass.
 */
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <xxhash.h>

struct cairn_hasher {
	EVP_MD *md;            /* fetched once: an implicit fetch per file costs */
	EVP_MD_CTX *sha;
	XXH3_state_t *xxh;
	unsigned char *buf;
};

int cairn_hasher_new(cairn_hasher **out)
{
	cairn_hasher *h = cairn_calloc(1, sizeof(*h));
	long page = sysconf(_SC_PAGESIZE);

	*out = NULL;
	if (page <= 0)
		page = 4096;
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->sha = EVP_MD_CTX_new();
	h->xxh = XXH3_createState();
	if (!h->md || !h->sha || !h->xxh) {
		cairn_hasher_free(h);
		return cairn_error_set(CAIRN_EEXTERNAL,
				       "cannot create hash state");
	}
	if (posix_memalign((void **)&h->buf, (size_t)page, CAIRN_HASH_BUFSIZE))
		cairn_oom();
	*out = h;
	return 0;
}

void cairn_hasher_free(cairn_hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->sha);
	EVP_MD_free(h->md);
	XXH3_freeState(h->xxh);
	free(h->buf);
	free(h);
}

static int set_read_error(cairn_entry *e, const char *op, int err)
{
	cairn_buf shown = CAIRN_BUF_INIT;
	int rc;

	e->flags &= ~(unsigned)CAIRN_EF_HASHED;
	e->err = err;
	free(e->err_op);
	e->err_op = cairn_strdup(op);
	cairn_escape_display(&shown, e->path ? e->path : "", e->path_len);
	rc = cairn_error_set(CAIRN_EIO, "cannot %s '%s': %s", op,
			     shown.data ? shown.data : "", strerror(err));
	cairn_buf_release(&shown);
	return rc;
}

int cairn_hash_fd(cairn_hasher *h, int fd, cairn_entry *e, uint64_t *bytes_out)
{
	uint64_t total = 0;
	struct stat after;
	XXH128_hash_t x;
	XXH128_canonical_t xc;
	unsigned int mdlen = 0;

	if (bytes_out)
		*bytes_out = 0;
	if (EVP_DigestInit_ex(h->sha, h->md, NULL) != 1 ||
	    XXH3_128bits_reset(h->xxh) != XXH_OK)
		return cairn_error_set(CAIRN_EEXTERNAL,
				       "cannot initialise hash state");
	/* Larger read-ahead for large files (a syscall not worth making for
	 * the many small ones); failure is harmless. */
	if (e->size >= 4 * (uint64_t)CAIRN_HASH_BUFSIZE)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = read(fd, h->buf, CAIRN_HASH_BUFSIZE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return set_read_error(e, "read", errno);
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(h->sha, h->buf, (size_t)n) != 1)
			return cairn_error_set(CAIRN_EEXTERNAL,
					       "SHA-256 update failed");
		(void)XXH3_128bits_update(h->xxh, h->buf, (size_t)n);
		total += (uint64_t)n;
		/* More bytes than its size: it grows while we read, or it is a
		 * pseudo-file (procfs reports size 0 and may never end).  The
		 * digest is of a moving target either way, marked below; stop
		 * so that the work stays bounded by the size. */
		if (total > e->size)
			break;
		/* A short read that completes the size is the end of a regular
		 * file: skip the read() that would return 0 (one system call
		 * per file; growth still shows in the fstat below). */
		if (total == e->size && (size_t)n < CAIRN_HASH_BUFSIZE)
			break;
	}
	if (EVP_DigestFinal_ex(h->sha, e->sha256, &mdlen) != 1 || mdlen != 32)
		return cairn_error_set(CAIRN_EEXTERNAL,
				       "SHA-256 final failed");
	x = XXH3_128bits_digest(h->xxh);
	XXH128_canonicalFromHash(&xc, x);
	memcpy(e->xxh128, xc.digest, sizeof(e->xxh128));
	if (bytes_out)
		*bytes_out = total;
	if (fstat(fd, &after) < 0)
		return set_read_error(e, "fstat", errno);
	e->flags |= CAIRN_EF_HASHED;
	if (total != e->size || (uint64_t)after.st_size != e->size ||
	    (int64_t)after.st_mtim.tv_sec != e->mtime_sec ||
	    after.st_mtim.tv_nsec != e->mtime_nsec ||
	    (int64_t)after.st_ctim.tv_sec != e->ctime_sec ||
	    after.st_ctim.tv_nsec != e->ctime_nsec)
		e->flags |= CAIRN_EF_CHANGED;
	return 0;
}

int cairn_sha256_mem(unsigned char out[32], const void *p, size_t n)
{
	unsigned int len = 0;

	if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return cairn_error_set(CAIRN_EEXTERNAL,
				       "SHA-256 failed");
	return 0;
}
