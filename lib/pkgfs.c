/*
 * pkgfs.c - file index, safe reads, a small walker and the record list
 * shared by the package analyzers (see pkgfs.h).
 */
#include "pkgfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void flag_once(json_t *flags, const char *f)
{
	size_t i;

	for (i = 0; i < json_array_size(flags); i++) {
		const char *v = json_string_value(json_array_get(flags, i));

		if (v && !strcmp(v, f))
			return;
	}
	json_array_append_new(flags, json_string(f));
}

void cairn_pkg_flag_files(json_t *flags, const json_t *mod, const json_t *add,
			  const json_t *miss)
{
	if (json_array_size(mod))
		flag_once(flags, "files_modified");
	if (json_array_size(add))
		flag_once(flags, "files_added");
	if (json_array_size(miss))
		flag_once(flags, "files_missing");
}

void cairn_pkg_files_init(cairn_pkg_files *f)
{
	f->v = NULL;
	f->n = f->cap = 0;
}

void cairn_pkg_files_release(cairn_pkg_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].path);
	free(f->v);
	cairn_pkg_files_init(f);
}

static void files_push(cairn_pkg_files *f, const char *path, size_t len,
		       int type, uint64_t size, int hashed,
		       const unsigned char *sha)
{
	cairn_pkg_file *p;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->v = cairn_realloc(f->v, f->cap * sizeof(*f->v));
	}
	p = &f->v[f->n++];
	p->path = cairn_strndup(path, len);
	p->path_len = len;
	p->type = type;
	p->size = size;
	p->hashed = hashed;
	p->mtime_ns = p->ctime_ns = 0;
	if (hashed)
		memcpy(p->sha256, sha, 32);
	else
		memset(p->sha256, 0, 32);
}

static int64_t time_ns(int64_t sec, long nsec)
{
	if (sec <= 0 || sec >= INT64_MAX / 1000000000LL - 1 || nsec < 0 || nsec > 999999999)
		return 0;
	return sec * 1000000000LL + nsec;
}

void cairn_pkg_files_add(cairn_pkg_files *f, const cairn_entry *e)
{
	unsigned char sha[32];
	int hashed = (e->flags & CAIRN_EF_HASHED) != 0;

	if (e->type == CAIRN_T_SYMLINK) {
		if (e->target && cairn_pkg_sha256(sha, e->target, e->target_len) == 0)
			hashed = 1;
		else
			hashed = 0;
		files_push(f, e->path, e->path_len, e->type, e->size, hashed, sha);
	} else {
		files_push(f, e->path, e->path_len, e->type, e->size, hashed, e->sha256);
	}
	/* the times, for the forged-mtime rule (docs/RECORDS.md §Package
	 * file times); anyone can set an mtime past 2262, the end of int64
	 * nanoseconds: such a time is unknown */
	f->v[f->n - 1].mtime_ns = time_ns(e->mtime_sec, e->mtime_nsec);
	f->v[f->n - 1].ctime_ns = time_ns(e->ctime_sec, e->ctime_nsec);
}

static int file_cmp(const void *a, const void *b)
{
	const cairn_pkg_file *x = a, *y = b;

	return cairn_path_cmp(x->path, x->path_len, y->path, y->path_len);
}

void cairn_pkg_files_sort(cairn_pkg_files *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), file_cmp);
}

static int prefix_cmp(const cairn_pkg_file *p, const char *prefix, size_t plen)
{
	size_t n = p->path_len < plen ? p->path_len : plen;
	int c = memcmp(p->path, prefix, n);

	if (c)
		return c;
	return p->path_len < plen ? -1 : 0;
}

size_t cairn_pkg_files_range(const cairn_pkg_files *f, const char *prefix,
			     size_t *end)
{
	size_t plen = strlen(prefix), lo = 0, hi = f->n, first;

	/* first index with path >= prefix */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cairn_path_cmp(f->v[mid].path, f->v[mid].path_len, prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_cmp(&f->v[mid], prefix, plen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*end = lo;
	return first;
}

const cairn_pkg_file *cairn_pkg_files_find(const cairn_pkg_files *f,
					   const char *path)
{
	size_t plen = strlen(path), lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cairn_path_cmp(f->v[mid].path, f->v[mid].path_len, path, plen);

		if (c == 0)
			return &f->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- safe reads ---- */

/* Open relpath's parent folder below dirfd one component at a time with
 * O_NOFOLLOW; *last receives the final component (pointer into copy). */
static int open_parent(int dirfd, char *copy, char **last)
{
	char *p = copy, *slash;
	int fd = dup(dirfd);

	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "dup: %s", strerror(errno));
	while (*p == '/')
		p++;
	while ((slash = strchr(p, '/'))) {
		int nfd;

		*slash = '\0';
		if (strcmp(p, "..") == 0) {
			close(fd);
			return cairn_error_set(CAIRN_EUSAGE, "'..' in path");
		}
		if (*p && strcmp(p, ".") != 0) {
			nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0) {
				int err = errno;

				close(fd);
				if (err == ELOOP || err == ENOTDIR)
					return cairn_error_set(CAIRN_EUSAGE, "'%s' is a symlink or not a folder", p);
				return cairn_error_set(err == ENOENT ? CAIRN_ENOTFOUND : CAIRN_EIO,
						       "'%s': %s", p, strerror(err));
			}
			close(fd);
			fd = nfd;
		}
		p = slash + 1;
		while (*p == '/')
			p++;
	}
	*last = p;
	return fd;
}

int cairn_safe_read(cairn_buf *out, int dirfd, const char *relpath,
		    size_t cap, const char *label)
{
	char *copy = cairn_strdup(relpath), *last = NULL;
	int pfd, fd = -1, rc = 0;
	struct stat st;
	/* "label: relpath", the path once when the label is the path (most
	 * readers label a file by its own path: "uv.lock: uv.lock: ...") */
	const char *lb = label && strcmp(label, relpath) ? label : "", *ls = *lb ? ": " : "";

	cairn_buf_clear(out);
	pfd = open_parent(dirfd, copy, &last);
	if (pfd < 0) {
		rc = cairn_error_set(pfd, "%s%s%s: %s", lb, ls, relpath, cairn_error_last());
		goto done;
	}
	if (!*last || strcmp(last, "..") == 0) {
		rc = cairn_error_set(CAIRN_EUSAGE, "%s%s%s: not a file name", lb, ls, relpath);
		goto done;
	}
	fd = openat(pfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int err = errno;

		rc = cairn_error_set(err == ENOENT ? CAIRN_ENOTFOUND :
				     err == ELOOP ? CAIRN_EUSAGE : CAIRN_EIO,
				     "%s%s%s: %s", lb, ls, relpath,
				     err == ELOOP ? "is a symlink (not followed)" : strerror(err));
		goto done;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = cairn_error_set(CAIRN_EUSAGE, "%s%s%s: not a regular file", lb, ls, relpath);
		goto done;
	}
	if ((uint64_t)st.st_size > cap) {
		rc = cairn_error_set(CAIRN_ELIMIT, "%s%s%s: %llu bytes exceeds the %zu-byte cap",
				     lb, ls, relpath, (unsigned long long)st.st_size, cap);
		goto done;
	}
	for (;;) {
		ssize_t n;

		cairn_buf_grow(out, 65536);
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = cairn_error_set(CAIRN_EIO, "%s%s%s: read: %s", lb, ls, relpath, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > cap) {
			rc = cairn_error_set(CAIRN_ELIMIT, "%s%s%s: grew past the %zu-byte cap",
					     lb, ls, relpath, cap);
			goto done;
		}
	}
	if (!out->data)
		cairn_buf_grow(out, 1);
	out->data[out->len] = '\0';
done:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	free(copy);
	return rc;
}

int cairn_safe_opendir(int dirfd, const char *relpath)
{
	char *copy, *last = NULL;
	int pfd, fd;

	if (!*relpath) {
		fd = dup(dirfd);
		return fd < 0 ? cairn_error_set(CAIRN_EIO, "dup: %s", strerror(errno)) : fd;
	}
	copy = cairn_strdup(relpath);
	pfd = open_parent(dirfd, copy, &last);
	if (pfd < 0) {
		free(copy);
		return pfd;
	}
	if (!*last || strcmp(last, ".") == 0) {
		free(copy);
		return pfd;
	}
	if (strcmp(last, "..") == 0) {
		close(pfd);
		free(copy);
		return cairn_error_set(CAIRN_EUSAGE, "'..' in path");
	}
	fd = openat(pfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fd = cairn_error_set(errno == ENOENT ? CAIRN_ENOTFOUND : CAIRN_EUSAGE,
				     "'%s': %s", relpath, strerror(errno));
	close(pfd);
	free(copy);
	return fd;
}

int cairn_safe_open_abs_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return cairn_error_set(errno == ENOENT ? CAIRN_ENOTFOUND : CAIRN_EIO,
				       "'%s': %s", path, strerror(errno));
	return fd;
}

static int hash_fd_md(int fd, const EVP_MD *md, unsigned char *out, uint64_t *size);
static int hash_fd(int fd, unsigned char out[32], uint64_t *size);

/* Open relpath below dirfd for reading without following a symlink at any
 * component.  *fd gets the open file (regular or not: the caller fstats);
 * a symlink as the last component gives *fd = -1 and its target in
 * *target (if non-NULL).  0 or negative. */
static int safe_open_any(int dirfd, const char *relpath, int *fd, cairn_buf *target)
{
	char *copy = cairn_strdup(relpath), *last = NULL;
	int pfd, rc = 0;

	*fd = -1;
	pfd = open_parent(dirfd, copy, &last);
	if (pfd < 0) {
		free(copy);
		return pfd;
	}
	if (!*last || !strcmp(last, "..") || !strcmp(last, ".")) {
		rc = cairn_error_set(CAIRN_EUSAGE, "'%s': not a file name", relpath);
		goto done;
	}
	*fd = openat(pfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0) {
		int err = errno;

		if (err == ELOOP) {
			char buf[4096];
			ssize_t n = readlinkat(pfd, last, buf, sizeof(buf));

			if (n < 0) {
				rc = cairn_error_set(CAIRN_EIO, "'%s': readlink: %s", relpath, strerror(errno));
			} else if (target) {
				cairn_buf_clear(target);
				cairn_buf_add(target, buf, (size_t)n);
			}
			goto done;
		}
		rc = cairn_error_set(err == ENOENT || err == ENOTDIR ? CAIRN_ENOTFOUND : CAIRN_EIO,
				     "'%s': %s", relpath, strerror(err));
	}
done:
	close(pfd);
	free(copy);
	return rc;
}

int cairn_safe_readlink(cairn_buf *out, int dirfd, const char *relpath)
{
	int fd = -1, rc;

	cairn_buf_clear(out);
	rc = safe_open_any(dirfd, relpath, &fd, out);
	if (rc < 0)
		return rc;
	if (fd >= 0) {
		close(fd);
		return cairn_error_set(CAIRN_EUSAGE, "'%s': not a symlink", relpath);
	}
	if (!out->data)
		cairn_buf_addstr(out, "");
	return 0;
}

int cairn_pkg_file_stat(cairn_pkg_file *out, int dirfd, const char *relpath)
{
	cairn_buf target = CAIRN_BUF_INIT;
	struct stat st;
	int fd, rc;

	out->type = CAIRN_T_UNKNOWN;
	out->size = 0;
	out->hashed = 0;
	memset(out->sha256, 0, sizeof(out->sha256));
	rc = safe_open_any(dirfd, relpath, &fd, &target);
	if (rc < 0)
		goto done;
	if (fd < 0) {
		out->type = CAIRN_T_SYMLINK;
		out->size = target.len;
		out->hashed = cairn_pkg_sha256(out->sha256, target.data ? target.data : "",
					       target.len) == 0;
		goto done;
	}
	if (fstat(fd, &st) < 0) {
		rc = cairn_error_set(CAIRN_EIO, "'%s': fstat: %s", relpath, strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		uint64_t size = 0;

		out->type = CAIRN_T_FILE;
		out->size = (uint64_t)st.st_size;
		if (hash_fd(fd, out->sha256, &size) == 0) {
			out->hashed = 1;
			out->size = size;
		}
	} else {
		out->type = S_ISDIR(st.st_mode) ? CAIRN_T_DIR : S_ISFIFO(st.st_mode) ? CAIRN_T_FIFO :
			    S_ISSOCK(st.st_mode) ? CAIRN_T_SOCKET : S_ISCHR(st.st_mode) ? CAIRN_T_CHR :
			    S_ISBLK(st.st_mode) ? CAIRN_T_BLK : CAIRN_T_UNKNOWN;
	}
	close(fd);
done:
	cairn_buf_release(&target);
	return rc;
}

int cairn_safe_md5(unsigned char out[16], int dirfd, const char *relpath)
{
	struct stat st;
	uint64_t size = 0;
	int fd, rc;

	rc = safe_open_any(dirfd, relpath, &fd, NULL);
	if (rc < 0)
		return rc;
	if (fd < 0)
		return cairn_error_set(CAIRN_EUSAGE, "'%s': is a symlink", relpath);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		rc = cairn_error_set(CAIRN_EUSAGE, "'%s': not a regular file", relpath);
	else if (hash_fd_md(fd, EVP_md5(), out, &size) < 0)
		rc = cairn_error_set(CAIRN_EIO, "'%s': read: %s", relpath, strerror(errno));
	close(fd);
	return rc;
}

/* ---- walker ---- */

static int hash_fd_md(int fd, const EVP_MD *md, unsigned char *out, uint64_t *size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536];
	unsigned int len = 0;
	ssize_t n;
	int rc = 0;

	*size = 0;
	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL)) {
		EVP_MD_CTX_free(ctx);
		return CAIRN_EEXTERNAL;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = CAIRN_EIO;
			break;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	EVP_DigestFinal_ex(ctx, out, &len);
	EVP_MD_CTX_free(ctx);
	return rc;
}

static int hash_fd(int fd, unsigned char out[32], uint64_t *size)
{
	return hash_fd_md(fd, EVP_sha256(), out, size);
}

static int walk_dir(cairn_pkg_files *out, int dfd, cairn_buf *path, int depth,
		    const char *label)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > 64) {
		close(dfd);
		return cairn_error_set(CAIRN_ELIMIT, "%s: folders nested deeper than 64", label);
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return cairn_error_set(CAIRN_EIO, "%s: %s: %s", label, path->data, strerror(errno));
	}
	while ((de = readdir(d)) && rc == 0) {
		size_t keep = path->len;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (out->n >= CAIRN_CAP_WALK_FILES) {
			rc = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u files", label,
					     CAIRN_CAP_WALK_FILES);
			break;
		}
		if (path->len)
			cairn_buf_addch(path, '/');
		cairn_buf_addstr(path, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			/* vanished: skip */
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				rc = walk_dir(out, sub, path, depth + 1, label);
		} else if (S_ISREG(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
			unsigned char sha[32];
			uint64_t size = 0;
			int ok = 0;

			if (fd >= 0) {
				struct stat st2;

				if (fstat(fd, &st2) == 0 && S_ISREG(st2.st_mode) &&
				    hash_fd(fd, sha, &size) == 0)
					ok = 1;
				close(fd);
			}
			files_push(out, path->data, path->len, CAIRN_T_FILE,
				   ok ? size : (uint64_t)st.st_size, ok, sha);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target));
			unsigned char sha[32];
			int ok = n >= 0 && cairn_pkg_sha256(sha, target, (size_t)n) == 0;

			files_push(out, path->data, path->len, CAIRN_T_SYMLINK,
				   n > 0 ? (uint64_t)n : 0, ok, sha);
		}
		path->len = keep;
		if (path->data)
			path->data[keep] = '\0';
	}
	closedir(d);
	return rc;
}

int cairn_pkg_walk(cairn_pkg_files *out, int dirfd, const char *label)
{
	cairn_buf path = CAIRN_BUF_INIT;
	int fd = dup(dirfd), rc;

	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "%s: dup: %s", label, strerror(errno));
	cairn_buf_addstr(&path, "");
	rc = walk_dir(out, fd, &path, 0, label);
	cairn_buf_release(&path);
	cairn_pkg_files_sort(out);
	return rc;
}

int cairn_pkg_sha256(unsigned char out[32], const void *p, size_t n)
{
	unsigned int len = 0;

	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL))
		return cairn_error_set(CAIRN_EEXTERNAL, "OpenSSL: SHA-256 failed");
	return 0;
}

/* ---- records ---- */

void cairn_recs_init(cairn_recs *r)
{
	r->v = NULL;
	r->n = r->cap = 0;
}

void cairn_recs_release(cairn_recs *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].key);
		json_decref(r->v[i].rec);
	}
	free(r->v);
	cairn_recs_init(r);
}

void cairn_recs_package_undeclared(json_t *rec)
{
	json_object_set_new(rec, "declared_range", json_null());
	json_object_set_new(rec, "declared_in", json_null());
	json_object_set_new(rec, "required_by", json_array());
	json_object_set_new(rec, "scripts", json_object());
	json_object_set_new(rec, "has_install_script", json_false());
	json_object_set_new(rec, "lock_has_install_script", json_false());
	json_object_set_new(rec, "bin", json_object());
	json_object_set_new(rec, "gypfile", json_false());
}

const char *const cairn_pkg_sections[4] = {
	"dependencies", "optionalDependencies", "devDependencies", "peerDependencies"
};

const char *cairn_pkg_declared(const json_t *manifest, const char *name,
			       const char **range)
{
	size_t i;

	*range = NULL;
	for (i = 0; manifest && i < 4; i++) {
		const json_t *r = json_object_get(json_object_get(manifest,
					cairn_pkg_sections[i]), name);

		if (json_is_string(r)) {
			*range = json_string_value(r);
			return cairn_pkg_sections[i];
		}
	}
	return NULL;
}

int cairn_pkg_required_by_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "from")),
		       json_string_value(json_object_get(y, "from")));

	return c ? c : strcmp(json_string_value(json_object_get(x, "section")),
			      json_string_value(json_object_get(y, "section")));
}

void cairn_recs_add(cairn_recs *r, json_t *rec, char *key)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = cairn_realloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n].key = key ? key : cairn_strdup("");
	r->v[r->n].rec = rec;
	r->n++;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct cairn_rec *x = a, *y = b;
	const char *tx = json_string_value(json_object_get(x->rec, "type"));
	const char *ty = json_string_value(json_object_get(y->rec, "type"));
	int c = strcmp(tx ? tx : "", ty ? ty : "");

	if (c)
		return c;
	c = strcmp(x->key, y->key);
	if (c)
		return c;
	/* equal keys: fall back to the canonical JSON text, so that the order
	 * never depends on the order of discovery */
	{
		char *sx = json_dumps(x->rec, JSON_SORT_KEYS | JSON_COMPACT);
		char *sy = json_dumps(y->rec, JSON_SORT_KEYS | JSON_COMPACT);

		c = strcmp(sx ? sx : "", sy ? sy : "");
		free(sx);
		free(sy);
	}
	return c;
}

void cairn_recs_sort(cairn_recs *r)
{
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), rec_cmp);
}

char *cairn_recs_key(const char *first, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *s;
	va_list ap;

	cairn_buf_addstr(&b, first ? first : "");
	va_start(ap, first);
	while ((s = va_arg(ap, const char *))) {
		cairn_buf_addch(&b, 0x1f);
		cairn_buf_addstr(&b, s);
	}
	va_end(ap);
	return cairn_buf_detach(&b, NULL);
}

void cairn_recs_parse_error(cairn_recs *r, const char *file,
			    const char *analyzer, const char *message)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("parse_error"));
	json_object_set_new(rec, "analyzer", json_string(analyzer));
	cairn_json_set_bytes(rec, "file", file, strlen(file));
	cairn_json_set_bytes(rec, "message", message, strlen(message));
	cairn_recs_add(r, rec, cairn_recs_key(file, analyzer, message, (char *)NULL));
}

/* ---- base64 ---- */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

long cairn_b64_decode(unsigned char *out, size_t cap, const char *in, size_t len)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i, n = 0;

	while (len && in[len - 1] == '=')
		len--;
	/* the input is attacker text (RECORD, SRI): the size it decodes to is
	 * checked against the room there is before a byte is written */
	if (len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0) > cap)
		return cairn_error_set(CAIRN_ELIMIT, "base64 value of %zu characters "
				       "decodes to more than %zu bytes", len, cap);
	for (i = 0; i < len; i++) {
		int v = b64val((unsigned char)in[i]);

		if (v < 0)
			return cairn_error_set(CAIRN_EFORMAT, "base64 value: bad character at offset %zu", i);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (bits >= 6)
		return cairn_error_set(CAIRN_EFORMAT, "base64 value: %zu characters is not a whole number of bytes", len);
	return (long)n;
}

void cairn_b64url_encode(char *out, const unsigned char *in, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i;
	char *o = out;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;

		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;

		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
	}
	*o = '\0';
}

char *cairn_path_resolve(const char *base, const char *p)
{
	cairn_buf in = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT;
	char *save = NULL, *c;
	size_t *stack = NULL, depth = 0;

	if (p[0] == '/')
		return NULL;
	if (*base) {
		cairn_buf_addstr(&in, base);
		cairn_buf_addch(&in, '/');
	}
	cairn_buf_addstr(&in, p);
	stack = cairn_malloc((in.len + 1) * sizeof(size_t));
	cairn_buf_add(&out, "", 0);
	for (c = strtok_r(in.data, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (!depth) {
				free(stack);
				cairn_buf_release(&in);
				cairn_buf_release(&out);
				return NULL;
			}
			out.len = stack[--depth];
			out.data[out.len] = '\0';
			continue;
		}
		stack[depth++] = out.len;
		if (out.len)
			cairn_buf_addch(&out, '/');
		cairn_buf_addstr(&out, c);
	}
	free(stack);
	cairn_buf_release(&in);
	return cairn_buf_detach(&out, NULL);
}

const char *cairn_path_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

char *cairn_path_join(const char *a, const char *b)
{
	cairn_buf buf = CAIRN_BUF_INIT;

	if (a && *a) {
		cairn_buf_addstr(&buf, a);
		if (*b)
			cairn_buf_addch(&buf, '/');
	}
	cairn_buf_addstr(&buf, b);
	if (!buf.data)
		cairn_buf_addstr(&buf, "");
	return cairn_buf_detach(&buf, NULL);
}
