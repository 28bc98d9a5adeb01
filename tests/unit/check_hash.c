/*
 * check_hash.c - cairn_hash_fd: digests against one-shot computations,
 * buffer boundaries, changed-while-read detection, read errors; the same
 * with SHA-256 on a helper thread (cairn_hash_fd_split).
 */
#include "hash.h"
#include "tcase.h"
#include "treeutil.h"

#include <check.h>
#include <openssl/evp.h>
#include <xxhash.h>

static char *tmp;

static void setup(void)
{
	tmp = tu_mkdtemp();
}

static void teardown(void)
{
	tu_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
}

/* Entry describing fd as cairn_walker_open would leave it. */
static void entry_from_fd(cairn_entry *e, int fd, const char *name)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	cairn_entry_init(e);
	e->path = cairn_strdup(name);
	e->path_len = strlen(name);
	e->type = CAIRN_T_FILE;
	e->size = (uint64_t)st.st_size;
	e->mtime_sec = st.st_mtim.tv_sec;
	e->mtime_nsec = st.st_mtim.tv_nsec;
	e->ctime_sec = st.st_ctim.tv_sec;
	e->ctime_nsec = st.st_ctim.tv_nsec;
}

static void expect_digests(const unsigned char *data, size_t len,
			   const cairn_entry *e)
{
	unsigned char sha[32];
	unsigned int shalen = 0;
	XXH128_canonical_t xc;

	ck_assert_int_eq(EVP_Digest(data, len, sha, &shalen, EVP_sha256(), NULL), 1);
	XXH128_canonicalFromHash(&xc, XXH3_128bits(data, len));
	ck_assert(e->flags & CAIRN_EF_HASHED);
	ck_assert_mem_eq(e->sha256, sha, 32);
	ck_assert_mem_eq(e->xxh128, xc.digest, 16);
}

static void hash_bytes_through_file(const unsigned char *data, size_t len,
				    cairn_entry *e, uint64_t *bytes)
{
	char *path = tu_join(tmp, "f");
	cairn_hasher *h = NULL;
	int fd;

	tu_write(tmp, "f", "");
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	entry_from_fd(e, fd, "f");
	ck_assert_int_eq(cairn_hasher_new(&h), 0);
	ck_assert_int_eq(cairn_hash_fd(h, fd, e, bytes), 0);
	cairn_hasher_free(h);
	close(fd);
	free(path);
}

START_TEST(test_hash_known_vectors)
{
	static const char abc_sha[] =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	cairn_entry e;
	uint64_t bytes = 1;
	char hex[65];

	hash_bytes_through_file((const unsigned char *)"abc", 3, &e, &bytes);
	cairn_hex(hex, e.sha256, 32);
	/* FIPS 180-2 example */
	ck_assert_str_eq(hex, abc_sha);
	ck_assert_uint_eq(bytes, 3);
	expect_digests((const unsigned char *)"abc", 3, &e);
	ck_assert(!(e.flags & CAIRN_EF_CHANGED));
	cairn_entry_release(&e);

	hash_bytes_through_file((const unsigned char *)"", 0, &e, &bytes);
	cairn_hex(hex, e.sha256, 32);
	ck_assert_str_eq(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_assert_uint_eq(bytes, 0);
	expect_digests((const unsigned char *)"", 0, &e);
	cairn_entry_release(&e);
}
END_TEST

START_TEST(test_hash_buffer_boundaries)
{
	static const size_t sizes[] = {
		CAIRN_HASH_BUFSIZE - 1, CAIRN_HASH_BUFSIZE, CAIRN_HASH_BUFSIZE + 1,
		3 * CAIRN_HASH_BUFSIZE + 7
	};
	size_t i, k;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *data = malloc(sizes[i]);
		cairn_entry e;
		uint64_t bytes = 0;
		uint32_t x = 2463534242u + (uint32_t)i;

		ck_assert_ptr_nonnull(data);
		for (k = 0; k < sizes[i]; k++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			data[k] = (unsigned char)x;
		}
		hash_bytes_through_file(data, sizes[i], &e, &bytes);
		ck_assert_uint_eq(bytes, sizes[i]);
		expect_digests(data, sizes[i], &e);
		cairn_entry_release(&e);
		free(data);
	}
}
END_TEST

START_TEST(test_hash_detects_change_while_read)
{
	char *path = tu_join(tmp, "grow");
	cairn_hasher *h = NULL;
	cairn_entry e;
	int fd, wfd;

	tu_write(tmp, "grow", "first version\n");
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	entry_from_fd(&e, fd, "grow");       /* the "before" fstat */
	wfd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(wfd, 0);
	ck_assert_int_eq(write(wfd, "more\n", 5), 5);
	close(wfd);
	ck_assert_int_eq(cairn_hasher_new(&h), 0);
	ck_assert_int_eq(cairn_hash_fd(h, fd, &e, NULL), 0);
	ck_assert(e.flags & CAIRN_EF_HASHED);
	ck_assert(e.flags & CAIRN_EF_CHANGED);
	cairn_entry_release(&e);

	/* Same size, new mtime only: still a change. */
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	entry_from_fd(&e, fd, "grow");
	{
		struct timespec ts[2] = { { 0, UTIME_OMIT }, { 12345, 678 } };

		ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	}
	ck_assert_int_eq(cairn_hash_fd(h, fd, &e, NULL), 0);
	ck_assert(e.flags & CAIRN_EF_CHANGED);
	cairn_entry_release(&e);

	/* Untouched: not changed. */
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	entry_from_fd(&e, fd, "grow");
	ck_assert_int_eq(cairn_hash_fd(h, fd, &e, NULL), 0);
	ck_assert(!(e.flags & CAIRN_EF_CHANGED));
	cairn_entry_release(&e);
	cairn_hasher_free(h);
	close(fd);
	free(path);
}
END_TEST

START_TEST(test_hash_stops_past_the_size)
{
	/* procfs: size 0, content without end in sight */
	cairn_hasher *h = NULL;
	cairn_entry e;
	uint64_t bytes = 0;
	int fd = open("/proc/self/maps", O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "hash: no /proc here; size-bound test skipped\n");
		return;
	}
	entry_from_fd(&e, fd, "maps");
	ck_assert_uint_eq(e.size, 0);
	ck_assert_int_eq(cairn_hasher_new(&h), 0);
	ck_assert_int_eq(cairn_hash_fd(h, fd, &e, &bytes), 0);
	ck_assert_uint_gt(bytes, 0);
	ck_assert_uint_le(bytes, CAIRN_HASH_BUFSIZE);
	ck_assert(e.flags & CAIRN_EF_CHANGED);
	cairn_entry_release(&e);
	cairn_hasher_free(h);
	close(fd);
}
END_TEST

START_TEST(test_hash_read_error_recorded)
{
	cairn_hasher *h = NULL;
	cairn_entry e;
	int fd = open(tmp, O_RDONLY | O_DIRECTORY);   /* read() gives EISDIR */

	ck_assert_int_ge(fd, 0);
	entry_from_fd(&e, fd, "dir");
	ck_assert_int_eq(cairn_hasher_new(&h), 0);
	ck_assert_int_eq(cairn_hash_fd(h, fd, &e, NULL), CAIRN_EIO);
	ck_assert_int_eq(e.err, EISDIR);
	ck_assert_str_eq(e.err_op, "read");
	ck_assert(!(e.flags & CAIRN_EF_HASHED));
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "'dir'"));
	cairn_entry_release(&e);
	cairn_hasher_free(h);
	close(fd);
}
END_TEST

/* Write len pseudo-random bytes (seed) to tmp/name; returns them. */
static unsigned char *write_random(const char *name, size_t len, uint32_t seed)
{
	unsigned char *data = malloc(len);
	int dfd = open(tmp, O_RDONLY | O_DIRECTORY);
	size_t k;

	ck_assert_ptr_nonnull(data);
	ck_assert_int_ge(dfd, 0);
	for (k = 0; k < len; k++) {
		seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
		data[k] = (unsigned char)seed;
	}
	tu_write_at(dfd, name, data, len);
	close(dfd);
	return data;
}

/* Hash tmp/name with split on or off; size: the entry's size (0: the
 * file's own).  Returns cairn_hash_fd_split()'s value. */
static int hash_file(cairn_hasher *h, const char *name, int split,
		     uint64_t size, cairn_entry *e, uint64_t *bytes)
{
	char *path = tu_join(tmp, name);
	int fd = open(path, O_RDONLY), rc;

	ck_assert_int_ge(fd, 0);
	entry_from_fd(e, fd, name);
	if (size)
		e->size = size;
	rc = cairn_hash_fd_split(h, fd, e, bytes, split);
	close(fd);
	free(path);
	return rc;
}

START_TEST(test_hash_split_same_as_serial)
{
	static const size_t sizes[] = {
		CAIRN_HASH_SPLIT_MIN, CAIRN_HASH_SPLIT_MIN + 1,
		CAIRN_HASH_SPLIT_MIN + 3 * CAIRN_HASH_BUFSIZE + 7
	};
	cairn_hasher *h = NULL;
	cairn_entry a, b;
	uint64_t ba, bb;
	unsigned char *data;
	size_t i;

	ck_assert_int_eq(cairn_hasher_new(&h), 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		data = write_random("big", sizes[i], 88172645u + (uint32_t)i);
		/* one hasher: its helper thread serves file after file */
		ck_assert_int_eq(hash_file(h, "big", 1, 0, &a, &ba), 0);
		ck_assert_int_eq(hash_file(h, "big", 0, 0, &b, &bb), 0);
		ck_assert_uint_eq(ba, sizes[i]);
		ck_assert_uint_eq(bb, sizes[i]);
		expect_digests(data, sizes[i], &a);
		expect_digests(data, sizes[i], &b);
		ck_assert_uint_eq(a.flags, b.flags);
		ck_assert(!(a.flags & CAIRN_EF_CHANGED));
		cairn_entry_release(&a);
		cairn_entry_release(&b);
		free(data);
	}

	/* Larger than its entry says (it grew): both stop one buffer past
	 * the size, with the same digests of what they read. */
	data = write_random("grown", CAIRN_HASH_SPLIT_MIN + 5 * CAIRN_HASH_BUFSIZE, 7u);
	ck_assert_int_eq(hash_file(h, "grown", 1, CAIRN_HASH_SPLIT_MIN, &a, &ba), 0);
	ck_assert_int_eq(hash_file(h, "grown", 0, CAIRN_HASH_SPLIT_MIN, &b, &bb), 0);
	ck_assert_uint_eq(ba, CAIRN_HASH_SPLIT_MIN + CAIRN_HASH_BUFSIZE);
	ck_assert_uint_eq(bb, ba);
	expect_digests(data, (size_t)ba, &a);
	expect_digests(data, (size_t)bb, &b);
	ck_assert(a.flags & CAIRN_EF_CHANGED);
	ck_assert(b.flags & CAIRN_EF_CHANGED);
	cairn_entry_release(&a);
	cairn_entry_release(&b);
	free(data);
	cairn_hasher_free(h);
}
END_TEST

START_TEST(test_hash_split_read_error_recorded)
{
	cairn_hasher *h = NULL;
	cairn_entry e;
	int fd = open(tmp, O_RDONLY | O_DIRECTORY);   /* read() gives EISDIR */

	ck_assert_int_ge(fd, 0);
	entry_from_fd(&e, fd, "dir");
	e.size = 2 * (uint64_t)CAIRN_HASH_SPLIT_MIN;
	ck_assert_int_eq(cairn_hasher_new(&h), 0);
	ck_assert_int_eq(cairn_hash_fd_split(h, fd, &e, NULL, 1), CAIRN_EIO);
	ck_assert_int_eq(e.err, EISDIR);
	ck_assert_str_eq(e.err_op, "read");
	ck_assert(!(e.flags & CAIRN_EF_HASHED));
	cairn_entry_release(&e);
	cairn_hasher_free(h);
	close(fd);
}
END_TEST

START_TEST(test_hash_sha256_mem)
{
	unsigned char d[32];
	char hex[65];

	ck_assert_int_eq(cairn_sha256_mem(d, "abc", 3), 0);
	cairn_hex(hex, d, 32);
	ck_assert_str_eq(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

Suite *hash_suite(void);

Suite *hash_suite(void)
{
	Suite *s = suite_create("hash");

	suite_add_tcase(s, tcase_one("vectors", test_hash_known_vectors, setup, teardown, 0));
	suite_add_tcase(s, tcase_one("boundaries", test_hash_buffer_boundaries,
					   setup, teardown, 0));
	suite_add_tcase(s, tcase_one("changed", test_hash_detects_change_while_read,
					   setup, teardown, 0));
	suite_add_tcase(s, tcase_one("size-bound", test_hash_stops_past_the_size,
					   setup, teardown, 0));
	suite_add_tcase(s, tcase_one("read-error", test_hash_read_error_recorded,
					   setup, teardown, 0));
	suite_add_tcase(s, tcase_one("split", test_hash_split_same_as_serial, setup, teardown, 0));
	suite_add_tcase(s, tcase_one("split-read-error", test_hash_split_read_error_recorded,
					   setup, teardown, 0));
	suite_add_tcase(s, tcase_one("memory", test_hash_sha256_mem, setup, teardown, 0));
	return s;
}
