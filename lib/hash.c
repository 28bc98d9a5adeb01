/*
 * hash.c - SHA-256 and XXH3-128 of a file in one pass.
 */
#include "hash.h"
#include "hash_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <xxhash.h>

/*
 * SHA-256 on a second thread while the caller reads and runs XXH3, for a
 * large file when the machine has a core to spare (cairn_hash_fd_split()):
 * SHA-256 is about three quarters of the work.  A ring of buffers handed
 * over under one lock; the reader sleeps only when the ring is full (then
 * until half of it is free), the helper only when it is empty.
 */
#define HELPER_BUFS 4

struct helper {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_MD_CTX *sha;       /* the hasher's */
	unsigned char *buf[HELPER_BUFS];
	size_t len[HELPER_BUFS];
	uint64_t filled, hashed;
	int reader_waiting, helper_waiting;
	int failed, quit;
};

struct cairn_hasher {
	EVP_MD *md;            /* fetched once: an implicit fetch per file costs */
	EVP_MD_CTX *sha;
	cairn_xxh3 *fast;      /* XXH3 for AVX2, or NULL: then xxh */
	XXH3_state_t *xxh;
	unsigned char *buf;
	struct helper *helper; /* started on first use */
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
	h->fast = cairn_xxh3_new();
	if (!h->fast)
		h->xxh = XXH3_createState();
	if (!h->md || !h->sha || (!h->fast && !h->xxh)) {
		cairn_hasher_free(h);
		return cairn_error_set(CAIRN_EEXTERNAL,
				       "cannot create hash state");
	}
	if (posix_memalign((void **)&h->buf, (size_t)page, CAIRN_HASH_BUFSIZE))
		cairn_oom();
	*out = h;
	return 0;
}

static void helper_stop(struct helper *hp);

void cairn_hasher_free(cairn_hasher *h)
{
	if (!h)
		return;
	helper_stop(h->helper);
	EVP_MD_CTX_free(h->sha);
	EVP_MD_free(h->md);
	cairn_xxh3_free(h->fast);
	XXH3_freeState(h->xxh);
	free(h->buf);
	free(h);
}

static void xxh_reset(cairn_hasher *h)
{
	if (h->fast)
		cairn_xxh3_reset(h->fast);
	else
		(void)XXH3_128bits_reset(h->xxh);
}

static void xxh_update(cairn_hasher *h, const void *p, size_t n)
{
	if (h->fast)
		cairn_xxh3_update(h->fast, p, n);
	else
		(void)XXH3_128bits_update(h->xxh, p, n);
}

static void xxh_digest(cairn_hasher *h, unsigned char out[16])
{
	XXH128_canonical_t xc;

	if (h->fast) {
		cairn_xxh3_digest(h->fast, out);
		return;
	}
	XXH128_canonicalFromHash(&xc, XXH3_128bits_digest(h->xxh));
	memcpy(out, xc.digest, sizeof(xc.digest));
}

static int set_read_error(cairn_entry *e, const char *op, int err)
{
	e->flags &= ~(unsigned)CAIRN_EF_HASHED;
	e->err = err;
	free(e->err_op);
	e->err_op = cairn_strdup(op);
	/* the path as it is: the printer escapes messages (cli.h) */
	return cairn_error_set(CAIRN_EIO, "cannot %s '%.*s': %s", op, (int)e->path_len,
			       e->path ? e->path : "", strerror(err));
}

/*
 * Read one buffer into buf; 1: n bytes (hash them), 0: the end, < 0: read
 * error (errno).  *total counts; *last is set when no more should be read.
 */
static int read_chunk(int fd, unsigned char *buf, const cairn_entry *e,
		      uint64_t *total, size_t *n_out, int *last)
{
	ssize_t n;

	do
		n = read(fd, buf, CAIRN_HASH_BUFSIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	*n_out = (size_t)n;
	*total += (uint64_t)n;
	/* More bytes than its size: it grows while we read, or it is a
	 * pseudo-file (procfs reports size 0 and may never end).  The digest
	 * is of a moving target either way, marked by the caller; stop so
	 * that the work stays bounded by the size.  A short read that
	 * completes the size is the end of a regular file: skip the read()
	 * that would return 0 (one system call per file; growth still shows
	 * in the fstat afterwards). */
	*last = *total > e->size ||
		(*total == e->size && (size_t)n < CAIRN_HASH_BUFSIZE);
	return 1;
}

/* Read and hash the whole file on this thread; 0 or the errno of a read
 * (*sha_failed: stopped because SHA-256 failed). */
static int read_serial(cairn_hasher *h, int fd, const cairn_entry *e,
		       uint64_t *total, int *sha_failed)
{
	int last = 0, rc;
	size_t n;

	while (!last && (rc = read_chunk(fd, h->buf, e, total, &n, &last))) {
		if (rc < 0)
			return errno;
		if (EVP_DigestUpdate(h->sha, h->buf, n) != 1) {
			*sha_failed = 1;
			return 0;
		}
		xxh_update(h, h->buf, n);
	}
	return 0;
}

static void *helper_main(void *arg)
{
	struct helper *hp = arg;

	pthread_mutex_lock(&hp->mu);
	for (;;) {
		unsigned i;
		int ok;

		while (hp->hashed == hp->filled && !hp->quit) {
			hp->helper_waiting = 1;
			pthread_cond_wait(&hp->cv, &hp->mu);
			hp->helper_waiting = 0;
		}
		if (hp->hashed == hp->filled)
			break;
		i = (unsigned)(hp->hashed % HELPER_BUFS);
		pthread_mutex_unlock(&hp->mu);
		ok = EVP_DigestUpdate(hp->sha, hp->buf[i], hp->len[i]) == 1;
		pthread_mutex_lock(&hp->mu);
		if (!ok)
			hp->failed = 1;
		hp->hashed++;
		if (hp->reader_waiting &&
		    hp->filled - hp->hashed <= HELPER_BUFS / 2)
			pthread_cond_signal(&hp->cv);
	}
	pthread_mutex_unlock(&hp->mu);
	return NULL;
}

static struct helper *helper_start(cairn_hasher *h)
{
	struct helper *hp = cairn_calloc(1, sizeof(*hp));
	long page = sysconf(_SC_PAGESIZE);
	unsigned i;

	if (page <= 0)
		page = 4096;
	hp->sha = h->sha;
	for (i = 0; i < HELPER_BUFS; i++)
		if (posix_memalign((void **)&hp->buf[i], (size_t)page,
				   CAIRN_HASH_BUFSIZE))
			cairn_oom();
	pthread_mutex_init(&hp->mu, NULL);
	pthread_cond_init(&hp->cv, NULL);
	if (pthread_create(&hp->thread, NULL, helper_main, hp) != 0) {
		hp->quit = 1;
		helper_stop(hp);
		return NULL;
	}
	return hp;
}

static void helper_stop(struct helper *hp)
{
	unsigned i;

	if (!hp)
		return;
	if (!hp->quit) {
		pthread_mutex_lock(&hp->mu);
		hp->quit = 1;
		pthread_cond_signal(&hp->cv);
		pthread_mutex_unlock(&hp->mu);
		pthread_join(hp->thread, NULL);
	}
	pthread_mutex_destroy(&hp->mu);
	pthread_cond_destroy(&hp->cv);
	for (i = 0; i < HELPER_BUFS; i++)
		free(hp->buf[i]);
	free(hp);
}

/* read_serial() with SHA-256 on the helper thread. */
static int read_split(cairn_hasher *h, int fd, const cairn_entry *e,
		      uint64_t *total, int *sha_failed)
{
	struct helper *hp = h->helper;
	int last = 0, rc = 1, err = 0;
	size_t n;

	while (!last) {
		unsigned i;

		pthread_mutex_lock(&hp->mu);
		if (hp->filled - hp->hashed == HELPER_BUFS)
			while (hp->filled - hp->hashed > HELPER_BUFS / 2) {
				hp->reader_waiting = 1;
				pthread_cond_wait(&hp->cv, &hp->mu);
				hp->reader_waiting = 0;
			}
		pthread_mutex_unlock(&hp->mu);
		i = (unsigned)(hp->filled % HELPER_BUFS);
		if ((rc = read_chunk(fd, hp->buf[i], e, total, &n, &last)) <= 0) {
			err = rc < 0 ? errno : 0;
			break;
		}
		xxh_update(h, hp->buf[i], n);
		pthread_mutex_lock(&hp->mu);
		hp->len[i] = n;
		hp->filled++;
		if (hp->helper_waiting)
			pthread_cond_signal(&hp->cv);
		pthread_mutex_unlock(&hp->mu);
	}
	/* the digest state is the helper's until it has caught up */
	pthread_mutex_lock(&hp->mu);
	while (hp->hashed != hp->filled) {
		hp->reader_waiting = 1;
		pthread_cond_wait(&hp->cv, &hp->mu);
		hp->reader_waiting = 0;
	}
	*sha_failed |= hp->failed;
	hp->failed = 0;
	pthread_mutex_unlock(&hp->mu);
	return err;
}

int cairn_hash_fd(cairn_hasher *h, int fd, cairn_entry *e, uint64_t *bytes_out)
{
	return cairn_hash_fd_split(h, fd, e, bytes_out, 0);
}

int cairn_hash_fd_split(cairn_hasher *h, int fd, cairn_entry *e,
			uint64_t *bytes_out, int split)
{
	uint64_t total = 0;
	struct stat after;
	unsigned int mdlen = 0;
	int err, sha_failed = 0;

	if (bytes_out)
		*bytes_out = 0;
	if (EVP_DigestInit_ex(h->sha, h->md, NULL) != 1)
		return cairn_error_set(CAIRN_EEXTERNAL,
				       "cannot initialise hash state");
	xxh_reset(h);
	/* Larger read-ahead for large files (a syscall not worth making for
	 * the many small ones); failure is harmless. */
	if (e->size >= (uint64_t)1 << 20)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	split = split && e->size >= CAIRN_HASH_SPLIT_MIN;
	if (split && !h->helper)
		h->helper = helper_start(h);   /* NULL: this thread does it all */
	if (split && h->helper)
		err = read_split(h, fd, e, &total, &sha_failed);
	else
		err = read_serial(h, fd, e, &total, &sha_failed);
	if (sha_failed)
		return cairn_error_set(CAIRN_EEXTERNAL, "SHA-256 update failed");
	if (err)
		return set_read_error(e, "read", err);
	if (EVP_DigestFinal_ex(h->sha, e->sha256, &mdlen) != 1 || mdlen != 32)
		return cairn_error_set(CAIRN_EEXTERNAL,
				       "SHA-256 final failed");
	xxh_digest(h, e->xxh128);
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
