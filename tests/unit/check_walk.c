/*
 * check_walk.c - the walker on trees built by the tests: file order,
 * hostile names and types, a path longer than PATH_MAX, unreadable
 * entries, a 2 GiB sparse file, hard links, xattrs, --exclude and
 * --one-file-system; deferred regular files completed later (vanished, or
 * replaced by a FIFO meanwhile); descriptors held for pending subtrees.
 */
#include "hash.h"
#include "walk.h"
#include "tcase.h"
#include "treeutil.h"

#include <check.h>
#include <grp.h>
#include <limits.h>
#include <openssl/evp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <xxhash.h>

static char *tmp;

static void setup(void)
{
	tmp = tu_mkdtemp();
}

static void teardown(void)
{
	alarm(0);
	tu_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
}

struct walked {
	cairn_entry *v;
	size_t n;
};

static void walked_free(struct walked *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		cairn_entry_release(&w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* Walk root, hashing regular files with hash != 0. */
static int walk_all(const char *root, const cairn_walk_opts *o, int hash,
		    struct walked *out)
{
	cairn_walker *w = NULL;
	cairn_hasher *h = NULL;
	int rc;

	out->v = NULL;
	out->n = 0;
	if ((rc = cairn_walker_new(&w, root, o)) < 0)
		return rc;
	if (hash)
		ck_assert_int_eq(cairn_hasher_new(&h), 0);
	for (;;) {
		cairn_entry e;

		cairn_entry_init(&e);
		rc = cairn_walker_next(w, &e);
		if (rc <= 0) {
			cairn_entry_release(&e);
			break;
		}
		if (hash && e.type == CAIRN_T_FILE && !e.err) {
			int fd = -1;

			ck_assert_int_eq(cairn_walker_open(w, &e, &fd), 0);
			if (fd >= 0) {
				cairn_hash_fd(h, fd, &e, NULL);
				close(fd);
			}
		}
		out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
		ck_assert_ptr_nonnull(out->v);
		out->v[out->n++] = e;
	}
	cairn_hasher_free(h);
	cairn_walker_free(w);
	return rc;
}

static const cairn_entry *find(const struct walked *w, const char *path,
			       size_t len)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].path_len == len && !memcmp(w->v[i].path, path, len))
			return &w->v[i];
	return NULL;
}

#define FIND(w, s) find((w), (s), strlen(s))

static void assert_sorted(const struct walked *w)
{
	size_t i;

	for (i = 1; i < w->n; i++)
		ck_assert_msg(cairn_path_cmp(w->v[i - 1].path, w->v[i - 1].path_len,
					     w->v[i].path, w->v[i].path_len) < 0,
			      "entries %zu and %zu out of order", i - 1, i);
}

/* ------------------------------------------------------------ order */

START_TEST(test_walk_order_is_raw_path_order)
{
	static const char *const want[] = {
		"a", "a b", "a-b", "a.txt", "a/b", "a/b.c", "a/b/c", "a0", "b", "b/x"
	};
	struct walked w;
	char *a, *ab, *b;
	size_t i;

	tu_mkdir(tmp, "a");
	tu_write(tmp, "a.txt", "t");
	tu_write(tmp, "a-b", "t");
	tu_write(tmp, "a b", "t");
	tu_write(tmp, "a0", "t");
	a = tu_join(tmp, "a");
	tu_mkdir(a, "b");
	tu_write(a, "b.c", "t");
	ab = tu_join(a, "b");
	tu_write(ab, "c", "t");
	tu_mkdir(tmp, "b");
	b = tu_join(tmp, "b");
	tu_write(b, "x", "t");
	ck_assert_int_eq(walk_all(tmp, NULL, 0, &w), 0);
	ck_assert_uint_eq(w.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < w.n; i++)
		ck_assert_str_eq(w.v[i].path, want[i]);
	assert_sorted(&w);
	walked_free(&w);
	free(a);
	free(ab);
	free(b);
}
END_TEST

/* ------------------------------------------------------------ hostile */

static void make_socket(const char *dir, const char *name)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	int cwd = open(".", O_RDONLY | O_DIRECTORY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(cwd, 0);
	/* sun_path is short: bind relative to the directory. */
	ck_assert_int_eq(chdir(dir), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", name);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		      "bind: %s", strerror(errno));
	ck_assert_int_eq(fchdir(cwd), 0);
	close(cwd);
	close(fd);
}

START_TEST(test_walk_hostile_tree)
{
	static const char *const odd[] = {
		"new\nline", "tab\there", "back\\slash", "quote\"d", "single'q",
		"bad\xff" "byte", "esc\x1b[31m"
	};
	char *fifo = tu_join(tmp, "fifo");
	struct walked w;
	const cairn_entry *e, *h1, *h2;
	char *p1, *p2;
	pid_t writer;
	int dfd, status;
	size_t i;

	alarm(60);   /* a walker that blocked on the FIFO would hang here */
	dfd = open(tmp, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(symlinkat("loop2", dfd, "loop1"), 0);
	ck_assert_int_eq(symlinkat("loop1", dfd, "loop2"), 0);
	ck_assert_int_eq(symlinkat("/etc", dfd, "outside"), 0);
	ck_assert_int_eq(symlinkat("../../../../../../../../etc/passwd", dfd,
				   "escape"), 0);
	ck_assert_int_eq(symlinkat(".", dfd, "self"), 0);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	make_socket(tmp, "sock");
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		tu_write_at(dfd, odd[i], odd[i], strlen(odd[i]));
	tu_write(tmp, "hard1", "linked\n");
	p1 = tu_join(tmp, "hard1");
	p2 = tu_join(tmp, "hard2");
	ck_assert_int_eq(link(p1, p2), 0);

	/* A writer blocks in open() until someone opens the FIFO for
	 * reading: if the walker did, the writer would finish. */
	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		int fd = open(fifo, O_WRONLY);

		_exit(fd >= 0 ? 0 : 1);
	}
	usleep(50000);

	ck_assert_int_eq(walk_all(tmp, NULL, 1, &w), 0);
	assert_sorted(&w);
	ck_assert_int_eq(waitpid(writer, &status, WNOHANG), 0);
	kill(writer, SIGKILL);
	waitpid(writer, &status, 0);

	e = FIND(&w, "loop1");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, CAIRN_T_SYMLINK);
	ck_assert_str_eq(e->target, "loop2");
	ck_assert_int_eq(e->err, 0);
	e = FIND(&w, "outside");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, CAIRN_T_SYMLINK);
	ck_assert_str_eq(e->target, "/etc");
	e = FIND(&w, "escape");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->target, "../../../../../../../../etc/passwd");
	ck_assert(!(e->flags & CAIRN_EF_HASHED));
	e = FIND(&w, "self");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, CAIRN_T_SYMLINK);
	/* nothing below a symlink */
	for (i = 0; i < w.n; i++) {
		ck_assert(strncmp(w.v[i].path, "outside/", 8) != 0);
		ck_assert(strncmp(w.v[i].path, "self/", 5) != 0);
		ck_assert(strncmp(w.v[i].path, "loop1/", 6) != 0);
	}
	e = FIND(&w, "fifo");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, CAIRN_T_FIFO);
	ck_assert(!(e->flags & CAIRN_EF_HASHED));
	e = FIND(&w, "sock");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, CAIRN_T_SOCKET);
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		unsigned char sha[32];
		unsigned int len = 0;

		e = FIND(&w, odd[i]);
		ck_assert_msg(e != NULL, "name %zu missing", i);
		ck_assert_int_eq(e->type, CAIRN_T_FILE);
		ck_assert(e->flags & CAIRN_EF_HASHED);
		EVP_Digest(odd[i], strlen(odd[i]), sha, &len, EVP_sha256(), NULL);
		ck_assert_mem_eq(e->sha256, sha, 32);
	}
	h1 = FIND(&w, "hard1");
	h2 = FIND(&w, "hard2");
	ck_assert_ptr_nonnull(h1);
	ck_assert_ptr_nonnull(h2);
	ck_assert_uint_eq(h1->ino, h2->ino);
	ck_assert_uint_eq(h1->dev, h2->dev);
	ck_assert_uint_eq(h1->nlink, 2);
	ck_assert_uint_eq(h2->nlink, 2);
	ck_assert_mem_eq(h1->sha256, h2->sha256, 32);
	/* The root is not an entry; every path is relative. */
	for (i = 0; i < w.n; i++)
		ck_assert(w.v[i].path_len > 0 && w.v[i].path[0] != '/');
	walked_free(&w);
	close(dfd);
	free(fifo);
	free(p1);
	free(p2);
}
END_TEST

/* ------------------------------------------------------------ long path */

START_TEST(test_walk_path_longer_than_path_max)
{
	char name[201];
	int fd, next, level;
	struct walked w;
	size_t i, longest = 0;
	const cairn_entry *leaf = NULL;
	static const char content[] = "at the bottom\n";
	unsigned char sha[32];
	unsigned int len = 0;

	memset(name, 'd', 200);
	name[200] = '\0';
	fd = open(tmp, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	for (level = 0; level < 30; level++) {
		name[0] = (char)('A' + level % 26);
		ck_assert_int_eq(mkdirat(fd, name, 0755), 0);
		next = openat(fd, name, O_RDONLY | O_DIRECTORY);
		ck_assert_int_ge(next, 0);
		close(fd);
		fd = next;
	}
	tu_write_at(fd, "leaf", content, strlen(content));
	close(fd);

	ck_assert_int_eq(walk_all(tmp, NULL, 1, &w), 0);
	assert_sorted(&w);
	ck_assert_uint_eq(w.n, 31);
	for (i = 0; i < w.n; i++)
		if (w.v[i].path_len > longest) {
			longest = w.v[i].path_len;
			leaf = &w.v[i];
		}
	ck_assert_uint_ge(longest, 6000);
	ck_assert_uint_gt(longest, PATH_MAX);
	ck_assert_uint_eq(strlen(leaf->path), longest);
	ck_assert(longest > 5 && !strcmp(leaf->path + longest - 5, "/leaf"));
	ck_assert_int_eq(leaf->err, 0);
	EVP_Digest(content, strlen(content), sha, &len, EVP_sha256(), NULL);
	ck_assert(leaf->flags & CAIRN_EF_HASHED);
	ck_assert_mem_eq(leaf->sha256, sha, 32);
	walked_free(&w);
}
END_TEST

/* ------------------------------------------------------------ unreadable */

/*
 * Root ignores permissions, so as root the walk runs in a child that drops
 * to uid/gid 65534 (setresuid also clears the effective capabilities).
 * The child reports through its exit status: 0 ok, 10+n check n failed.
 */
static int unreadable_child(const char *root)
{
	struct walked w;
	const cairn_entry *e;
	size_t i;

	if (walk_all(root, NULL, 1, &w) < 0) {
		fprintf(stderr, "walk failed: %s\n", cairn_error_last());
		return 10;
	}
	e = FIND(&w, "secret");
	if (!e || e->err != EACCES || !e->err_op || strcmp(e->err_op, "open") ||
	    (e->flags & CAIRN_EF_HASHED))
		return 11;
	e = FIND(&w, "locked");
	if (!e || e->type != CAIRN_T_DIR || e->err != EACCES || !e->err_op ||
	    strcmp(e->err_op, "opendir"))
		return 12;
	for (i = 0; i < w.n; i++)
		if (!strncmp(w.v[i].path, "locked/", 7))
			return 13;
	e = FIND(&w, "open");
	if (!e || e->err || !(e->flags & CAIRN_EF_HASHED))
		return 14;
	/* x but no r: names cannot be listed ... */
	e = FIND(&w, "noread");
	if (!e || e->err != EACCES)
		return 15;
	walked_free(&w);
	return 0;
}

START_TEST(test_walk_unreadable_entries_recorded)
{
	char *locked = tu_join(tmp, "locked"), *secret = tu_join(tmp, "secret");
	char *noread = tu_join(tmp, "noread");
	pid_t pid;
	int status;

	tu_write(tmp, "secret", "hidden\n");
	tu_write(tmp, "open", "visible\n");
	tu_mkdir(tmp, "locked");
	tu_write(locked, "inside", "x");
	tu_mkdir(tmp, "noread");
	tu_write(noread, "f", "x");
	ck_assert_int_eq(chmod(secret, 0), 0);
	ck_assert_int_eq(chmod(locked, 0), 0);
	ck_assert_int_eq(chmod(noread, 0311), 0);
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
		     setresuid(65534, 65534, 65534) != 0))
			_exit(2);
		if (access(tmp, X_OK) != 0)
			_exit(3);   /* a parent of TMPDIR is closed to uid 65534 */
		_exit(unreadable_child(tmp));
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) != 3,
		      "TMPDIR %s is not reachable by uid 65534", tmp);
	ck_assert_msg(WEXITSTATUS(status) == 0, "unreadable check %d failed",
		      WEXITSTATUS(status));
	free(locked);
	free(secret);
	free(noread);
}
END_TEST

/* ------------------------------------------------------------ sparse */

START_TEST(test_walk_sparse_2gib_file)
{
	const uint64_t size = 2ull << 30;
	char *path = tu_join(tmp, "sparse");
	unsigned char *zeros, sha[32];
	unsigned int len = 0;
	EVP_MD_CTX *ctx;
	XXH3_state_t *xs;
	XXH128_canonical_t xc;
	struct walked w;
	const cairn_entry *e;
	struct stat st;
	uint64_t done;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_lt((uint64_t)st.st_blocks * 512, 1u << 20);   /* sparse */

	ck_assert_int_eq(walk_all(tmp, NULL, 1, &w), 0);
	e = FIND(&w, "sparse");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->size, size);
	ck_assert(e->flags & CAIRN_EF_HASHED);
	ck_assert(!(e->flags & CAIRN_EF_CHANGED));

	/* Independently: the digests of 2 GiB of zero bytes. */
	zeros = calloc(1, 1 << 20);
	ctx = EVP_MD_CTX_new();
	xs = XXH3_createState();
	ck_assert(zeros && ctx && xs);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	XXH3_128bits_reset(xs);
	for (done = 0; done < size; done += 1 << 20) {
		EVP_DigestUpdate(ctx, zeros, 1 << 20);
		XXH3_128bits_update(xs, zeros, 1 << 20);
	}
	EVP_DigestFinal_ex(ctx, sha, &len);
	XXH128_canonicalFromHash(&xc, XXH3_128bits_digest(xs));
	ck_assert_mem_eq(e->sha256, sha, 32);
	ck_assert_mem_eq(e->xxh128, xc.digest, 16);
	EVP_MD_CTX_free(ctx);
	XXH3_freeState(xs);
	free(zeros);
	walked_free(&w);
	free(path);
}
END_TEST

/* ------------------------------------------------------------ xattrs */

START_TEST(test_walk_xattrs_recorded)
{
	char *f = tu_join(tmp, "f"), *d = tu_join(tmp, "d");
	struct walked w;
	const cairn_entry *e;
	unsigned char sha[32];
	unsigned int len = 0;

	tu_write(tmp, "f", "x");
	tu_mkdir(tmp, "d");
	if (setxattr(f, "user.cairn.b", "value-b", 7, 0) != 0) {
		fprintf(stderr, "walk: user xattrs not supported on %s (%s); "
			"xattr test skipped\n", tmp, strerror(errno));
		goto out;
	}
	ck_assert_int_eq(setxattr(f, "user.cairn.a", "", 0, 0), 0);
	ck_assert_int_eq(setxattr(d, "user.cairn.dir", "dv", 2, 0), 0);
	/* files: read from the descriptor cairn_walker_open() opens */
	ck_assert_int_eq(walk_all(tmp, NULL, 1, &w), 0);
	e = FIND(&w, "f");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_ge(e->xattr_count, 2);
	/* sorted by name; other (security.*) names may exist */
	{
		size_t i, ia = (size_t)-1, ib = (size_t)-1;

		for (i = 0; i < e->xattr_count; i++) {
			if (i)
				ck_assert(strcmp(e->xattrs[i - 1].name, e->xattrs[i].name) < 0);
			if (!strcmp(e->xattrs[i].name, "user.cairn.a"))
				ia = i;
			if (!strcmp(e->xattrs[i].name, "user.cairn.b"))
				ib = i;
		}
		ck_assert(ia != (size_t)-1 && ib != (size_t)-1);
		ck_assert_uint_eq(e->xattrs[ia].size, 0);
		ck_assert_uint_eq(e->xattrs[ib].size, 7);
		EVP_Digest("value-b", 7, sha, &len, EVP_sha256(), NULL);
		ck_assert_mem_eq(e->xattrs[ib].sha256, sha, 32);
	}
	e = FIND(&w, "d");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_ge(e->xattr_count, 1);
	walked_free(&w);
out:
	free(f);
	free(d);
}
END_TEST

/* ------------------------------------------------------------ directories */

/* A directory's entry comes from fstat of the descriptor that is then
 * listed (not from an lstat before the open): every field must still be
 * the directory's lstat, times to the nanosecond, and a link to a
 * directory stays a link. */
START_TEST(test_walk_dir_entry_is_its_lstat)
{
	static const char *const dirs[] = { "d", "d/sub", "e", "e/deeper" };
	struct timespec ts[2] = { { 1700000000, 123456789 }, { 1600000000, 987654321 } };
	struct walked w;
	const cairn_entry *e;
	char *p;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		tu_mkdir(tmp, dirs[i]);
	tu_write(tmp, "d/f", "x");
	p = tu_join(tmp, "e");
	ck_assert_int_eq(chmod(p, 0750), 0);
	free(p);
	/* last: adding d/f and d/sub set d's mtime */
	p = tu_join(tmp, "d");
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
	p = tu_join(tmp, "l");
	ck_assert_int_eq(symlink("d", p), 0);
	free(p);
	ck_assert_int_eq(walk_all(tmp, NULL, 0, &w), 0);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct stat st;

		p = tu_join(tmp, dirs[i]);
		ck_assert_int_eq(lstat(p, &st), 0);
		free(p);
		e = FIND(&w, dirs[i]);
		ck_assert_msg(e != NULL, "%s not walked", dirs[i]);
		ck_assert_int_eq(e->type, CAIRN_T_DIR);
		ck_assert_int_eq(e->err, 0);
		ck_assert_uint_eq(e->mode, st.st_mode & 07777);
		ck_assert_uint_eq(e->uid, st.st_uid);
		ck_assert_uint_eq(e->gid, st.st_gid);
		ck_assert_uint_eq(e->size, (uint64_t)st.st_size);
		ck_assert_int_eq(e->mtime_sec, st.st_mtim.tv_sec);
		ck_assert_int_eq(e->mtime_nsec, st.st_mtim.tv_nsec);
		ck_assert_int_eq(e->ctime_sec, st.st_ctim.tv_sec);
		ck_assert_int_eq(e->ctime_nsec, st.st_ctim.tv_nsec);
		ck_assert_uint_eq(e->dev, (uint64_t)st.st_dev);
		ck_assert_uint_eq(e->ino, (uint64_t)st.st_ino);
		ck_assert_uint_eq(e->nlink, (uint64_t)st.st_nlink);
	}
	e = FIND(&w, "d");
	ck_assert_int_eq(e->mtime_nsec, 987654321);
	ck_assert_uint_eq(FIND(&w, "e")->mode, 0750);
	/* the link is recorded as one, and nothing is walked through it */
	e = FIND(&w, "l");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->type, CAIRN_T_SYMLINK);
	ck_assert_ptr_null(FIND(&w, "l/f"));
	ck_assert_ptr_nonnull(FIND(&w, "d/f"));
	ck_assert_ptr_nonnull(FIND(&w, "e/deeper"));
	walked_free(&w);
}
END_TEST

/* ------------------------------------------------------------ exclude */

START_TEST(test_walk_exclude_globs)
{
	static const char *const globs[] = { "*.log", "keep/skip", "cache" };
	cairn_walk_opts o;
	char *keep = tu_join(tmp, "keep"), *skip, *cache = tu_join(tmp, "cache");
	struct walked w;

	tu_write(tmp, "a.log", "x");
	tu_write(tmp, "a.txt", "x");
	tu_mkdir(tmp, "keep");
	tu_write(keep, "deep.log", "x");
	tu_write(keep, "file", "x");
	tu_mkdir(keep, "skip");
	skip = tu_join(keep, "skip");
	tu_write(skip, "inner", "x");
	tu_mkdir(tmp, "cache");
	tu_write(cache, "c", "x");
	memset(&o, 0, sizeof(o));
	o.excludes = globs;
	o.exclude_count = 3;
	ck_assert_int_eq(walk_all(tmp, &o, 0, &w), 0);
	ck_assert_uint_eq(w.n, 3);
	ck_assert_str_eq(w.v[0].path, "a.txt");
	ck_assert_str_eq(w.v[1].path, "keep");
	ck_assert_str_eq(w.v[2].path, "keep/file");
	walked_free(&w);
	free(keep);
	free(skip);
	free(cache);
}
END_TEST

/* ------------------------------------------------------------ -x */

START_TEST(test_walk_one_file_system)
{
	char *mnt = tu_join(tmp, "mnt");
	pid_t pid;
	int status;

	tu_mkdir(tmp, "mnt");
	tu_write(tmp, "top", "x");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		cairn_walk_opts o;
		struct walked w;
		const cairn_entry *m;

		/* A private mount namespace: the tmpfs dies with the child. */
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("cairn-test", mnt, "tmpfs", 0, "size=1m") != 0)
			_exit(3);
		tu_write(mnt, "other-fs", "x");
		if (walk_all(tmp, NULL, 0, &w) < 0 || !FIND(&w, "mnt/other-fs"))
			_exit(10);
		walked_free(&w);
		memset(&o, 0, sizeof(o));
		o.one_file_system = 1;
		if (walk_all(tmp, &o, 0, &w) < 0)
			_exit(11);
		m = FIND(&w, "mnt");
		if (!m || m->type != CAIRN_T_DIR || FIND(&w, "mnt/other-fs") ||
		    !FIND(&w, "top") || w.n != 2)
			_exit(12);
		walked_free(&w);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 3)
		fprintf(stderr, "walk: cannot mount a tmpfs here (not root or no "
			"mount namespace); --one-file-system test skipped\n");
	else
		ck_assert_msg(WEXITSTATUS(status) == 0, "-x check %d failed",
			      WEXITSTATUS(status));
	free(mnt);
}
END_TEST

START_TEST(test_walk_bind_mount_loop_stops)
{
	char *sub = tu_join(tmp, "sub"), *loop;
	pid_t pid;
	int status;

	tu_mkdir(tmp, "sub");
	tu_mkdir(sub, "loop");
	tu_write(sub, "f", "x");
	loop = tu_join(sub, "loop");
	alarm(60);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		cairn_walker *w = NULL;
		cairn_entry e;
		unsigned long n = 0;
		int rc;

		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount(tmp, loop, NULL, MS_BIND, NULL) != 0)
			_exit(3);
		if (cairn_walker_new(&w, tmp, NULL) < 0)
			_exit(10);
		cairn_entry_init(&e);
		while ((rc = cairn_walker_next(w, &e)) > 0)
			if (++n > 1000)
				_exit(11);   /* endless */
		/* sub, sub/f, sub/loop: sub/loop is the root again (same
		 * dev and ino as an ancestor), so it is not entered */
		if (rc < 0 || cairn_walker_hidden_errors(w) != 1)
			_exit(12);
		if (n != 3)
			_exit(14);
		if (!strstr(cairn_walker_take_warning(w), "Too many levels"))
			_exit(13);
		cairn_entry_release(&e);
		cairn_walker_free(w);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 3)
		fprintf(stderr, "walk: cannot bind-mount here; loop test skipped\n");
	else
		ck_assert_msg(WEXITSTATUS(status) == 0, "loop check %d failed",
			      WEXITSTATUS(status));
	free(sub);
	free(loop);
}
END_TEST

/* ------------------------------------------------------------ deferred */

/* Next entry of w, which must be the deferred regular file path. */
static void next_deferred(cairn_walker *w, cairn_entry *e, const char *path)
{
	ck_assert_int_eq(cairn_walker_next(w, e), CAIRN_WALK_DEFERRED);
	ck_assert_str_eq(e->path, path);
	ck_assert_int_eq(e->type, CAIRN_T_FILE);
	/* nothing but the path and the type: no lstat was made */
	ck_assert_uint_eq(e->ino, 0);
	ck_assert_uint_eq(e->size, 0);
}

START_TEST(test_walk_deferred_file_completed_later)
{
	static const char content[] = "deferred content\n";
	char *sub = tu_join(tmp, "sub"), *path;
	cairn_walker *w = NULL;
	cairn_hasher *h = NULL;
	cairn_dirref *d;
	cairn_entry e;
	unsigned char sha[32];
	unsigned int len = 0;
	struct stat st;
	int fd;

	tu_mkdir(tmp, "sub");
	tu_write(sub, "f", content);
	path = tu_join(sub, "f");
	ck_assert_int_eq(cairn_walker_new(&w, tmp, NULL), 0);
	cairn_walker_defer_files(w, 1);
	cairn_entry_init(&e);
	/* directories are not deferred */
	ck_assert_int_eq(cairn_walker_next(w, &e), 1);
	ck_assert_str_eq(e.path, "sub");
	ck_assert_int_eq(e.type, CAIRN_T_DIR);
	ck_assert_ptr_null(cairn_walker_dirref(w));
	next_deferred(w, &e, "sub/f");
	ck_assert_int_eq(cairn_walker_open(w, &e, &fd), CAIRN_EUSAGE);
	d = cairn_walker_dirref(w);
	ck_assert_ptr_nonnull(d);
	/* the directory outlives the walker's frame and the walker */
	cairn_walker_free(w);
	ck_assert_int_eq(cairn_walk_stat_at(cairn_dirref_fd(d), "f", &e), 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(e.err, 0);
	ck_assert_uint_eq(e.ino, (uint64_t)st.st_ino);
	ck_assert_uint_eq(e.size, strlen(content));
	ck_assert_int_eq(cairn_walk_open_at(cairn_dirref_fd(d), "f", &e, &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cairn_hasher_new(&h), 0);
	ck_assert_int_eq(cairn_hash_fd(h, fd, &e, NULL), 0);
	close(fd);
	EVP_Digest(content, strlen(content), sha, &len, EVP_sha256(), NULL);
	ck_assert(e.flags & CAIRN_EF_HASHED);
	ck_assert_mem_eq(e.sha256, sha, 32);
	cairn_dirref_put(d);
	cairn_hasher_free(h);
	cairn_entry_release(&e);
	free(path);
	free(sub);
}
END_TEST

START_TEST(test_walk_deferred_file_vanished)
{
	char *a = tu_join(tmp, "a");
	cairn_walker *w = NULL;
	cairn_dirref *d;
	cairn_entry e;

	tu_write(tmp, "a", "x");
	tu_write(tmp, "b", "y");
	ck_assert_int_eq(cairn_walker_new(&w, tmp, NULL), 0);
	cairn_walker_defer_files(w, 1);
	cairn_entry_init(&e);
	next_deferred(w, &e, "a");
	d = cairn_walker_dirref(w);
	ck_assert_int_eq(unlink(a), 0);
	/* removed since the listing: left out, not an error */
	ck_assert_int_eq(cairn_walk_stat_at(cairn_dirref_fd(d), "a", &e), 0);
	ck_assert_int_eq(e.err, 0);
	cairn_dirref_put(d);
	next_deferred(w, &e, "b");
	d = cairn_walker_dirref(w);
	ck_assert_int_eq(cairn_walk_stat_at(cairn_dirref_fd(d), "b", &e), 1);
	ck_assert_uint_eq(e.size, 1);
	cairn_dirref_put(d);
	ck_assert_int_eq(cairn_walker_next(w, &e), 0);
	cairn_entry_release(&e);
	cairn_walker_free(w);
	free(a);
}
END_TEST

START_TEST(test_walk_deferred_fifo_not_opened)
{
	char *f = tu_join(tmp, "f");
	cairn_walker *w = NULL;
	cairn_dirref *d;
	cairn_entry e;
	pid_t writer;
	int status;

	alarm(60);   /* a completion that blocked on the FIFO would hang */
	tu_write(tmp, "f", "a regular file when listed\n");
	ck_assert_int_eq(cairn_walker_new(&w, tmp, NULL), 0);
	cairn_walker_defer_files(w, 1);
	cairn_entry_init(&e);
	next_deferred(w, &e, "f");
	d = cairn_walker_dirref(w);
	/* replaced by a FIFO between the listing and the lstat */
	ck_assert_int_eq(unlink(f), 0);
	ck_assert_int_eq(mkfifo(f, 0644), 0);
	/* A writer blocks in open() until someone opens the FIFO for
	 * reading: if the completion did, the writer would finish. */
	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (writer == 0) {
		int fd = open(f, O_WRONLY);

		_exit(fd >= 0 ? 0 : 1);
	}
	usleep(50000);
	ck_assert_int_eq(cairn_walk_stat_at(cairn_dirref_fd(d), "f", &e), 1);
	ck_assert_int_eq(e.type, CAIRN_T_FIFO);
	ck_assert_int_eq(e.err, 0);
	ck_assert(!(e.flags & CAIRN_EF_HASHED));
	usleep(50000);
	ck_assert_int_eq(waitpid(writer, &status, WNOHANG), 0);
	kill(writer, SIGKILL);
	waitpid(writer, &status, 0);
	cairn_dirref_put(d);
	cairn_entry_release(&e);
	cairn_walker_free(w);
	free(f);
}
END_TEST

/* Open descriptors of this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;   /* the listing's own */
}

START_TEST(test_walk_pending_subtrees_bounded)
{
	/* "d", "d-", "d--", ...: every directory's contents come after all
	 * the longer names (the '-' sorts before '/'), so all their entries
	 * are pending at once. */
	char name[64];
	struct walked w;
	cairn_walker *wk = NULL;
	cairn_entry e;
	int i, base, most = 0, rc;

	for (i = 0; i < 40; i++) {
		char *dir;

		memset(name, '-', sizeof(name));
		name[0] = 'd';
		name[i + 1] = '\0';
		tu_mkdir(tmp, name);
		dir = tu_join(tmp, name);
		tu_write(dir, "f", name);
		free(dir);
	}
	base = open_fds();
	ck_assert_int_eq(cairn_walker_new(&wk, tmp, NULL), 0);
	cairn_entry_init(&e);
	while ((rc = cairn_walker_next(wk, &e)) > 0) {
		int n = open_fds() - base;

		if (n > most)
			most = n;
	}
	ck_assert_int_eq(rc, 0);
	cairn_entry_release(&e);
	cairn_walker_free(wk);
	/* root, one level, and a bounded number of pending subtrees */
	ck_assert_int_le(most, 2 + 16);
	ck_assert_int_eq(open_fds(), base);
	ck_assert_int_eq(walk_all(tmp, NULL, 1, &w), 0);
	assert_sorted(&w);
	ck_assert_uint_eq(w.n, 80);
	for (i = 0; i < (int)w.n; i++) {
		ck_assert_int_eq(w.v[i].err, 0);
		if (w.v[i].type == CAIRN_T_FILE)
			ck_assert(w.v[i].flags & CAIRN_EF_HASHED);
	}
	walked_free(&w);
}
END_TEST

START_TEST(test_walk_root_errors)
{
	cairn_walker *w = NULL;
	char *f = tu_join(tmp, "file"), *missing = tu_join(tmp, "missing");

	tu_write(tmp, "file", "x");
	ck_assert_int_eq(cairn_walker_new(&w, f, NULL), CAIRN_EUSAGE);
	ck_assert_ptr_null(w);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "file"));
	ck_assert_int_eq(cairn_walker_new(&w, missing, NULL), CAIRN_EIO);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "missing"));
	free(f);
	free(missing);
}
END_TEST

Suite *walk_suite(void);

Suite *walk_suite(void)
{
	Suite *s = suite_create("walk");

	suite_add_tcase(s, tcase_one("order", test_walk_order_is_raw_path_order,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("hostile", test_walk_hostile_tree, setup, teardown, 60));
	suite_add_tcase(s, tcase_one("long-path", test_walk_path_longer_than_path_max,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("unreadable", test_walk_unreadable_entries_recorded,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("sparse", test_walk_sparse_2gib_file, setup, teardown, 120));
	suite_add_tcase(s, tcase_one("xattrs", test_walk_xattrs_recorded, setup, teardown, 30));
	suite_add_tcase(s, tcase_one("dir-entry", test_walk_dir_entry_is_its_lstat,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("exclude", test_walk_exclude_globs, setup, teardown, 30));
	suite_add_tcase(s, tcase_one("one-file-system", test_walk_one_file_system,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("mount-loop", test_walk_bind_mount_loop_stops,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("deferred", test_walk_deferred_file_completed_later,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("deferred-vanished", test_walk_deferred_file_vanished,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("deferred-fifo", test_walk_deferred_fifo_not_opened,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("pending-subtrees", test_walk_pending_subtrees_bounded,
					   setup, teardown, 30));
	suite_add_tcase(s, tcase_one("root-errors", test_walk_root_errors, setup, teardown, 30));
	return s;
}
