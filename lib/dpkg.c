/*
 * dpkg.c - package ownership and md5sums from the dpkg database (see
 * dpkg.h).  Formats: dpkg's info/<pkg>.list (one absolute path per line,
 * folders included) and info/<pkg>.md5sums (md5sum(1) output, paths
 * relative to /), as dpkg(1) and dpkg-query(1) read them.
 */
#include "dpkg.h"
#include "pkgfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

/* A .list is a few hundred KiB at most in Debian (the largest, texlive
 * docs, ~3 MiB); md5sums alike. */
#define DPKG_CAP_FILE (32u << 20)
#define DPKG_MAX_PACKAGES 100000u

struct dpkg_path {
	char *path;             /* first: path_range() reads it there */
	size_t pkg;
};
_Static_assert(offsetof(struct dpkg_path, path) == 0, "path_range");

struct cairn_dpkg {
	char *admindir;
	int infofd;
	char **pkgs;                 /* info file base names, sorted */
	size_t npkgs;
	struct dpkg_path *paths;     /* sorted by path */
	size_t npaths, cpaths;
	char merged[6];              /* merged-/usr alias active, per usr_dirs[] */
};

static const char *const usr_dirs[6] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32" };

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cairn_dpkg_open(cairn_dpkg **out, const char *root)
{
	cairn_dpkg *db;
	cairn_buf b = CAIRN_BUF_INIT;
	int rootfd, fd;
	DIR *d;
	struct dirent *de;
	size_t i, cap = 0;

	*out = NULL;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cairn_error_set(errno == ENOENT ? CAIRN_ENOTFOUND : CAIRN_EIO,
				       "dpkg root '%s': %s", root, strerror(errno));
	fd = cairn_safe_opendir(rootfd, "var/lib/dpkg/info");
	if (fd < 0) {
		int rc = fd;

		cairn_buf_addf(&b, "%s/var/lib/dpkg", strcmp(root, "/") ? root : "");
		rc = cairn_error_set(rc == CAIRN_ENOTFOUND ? CAIRN_ENOTFOUND : CAIRN_EIO,
				     "dpkg database '%s': %s", b.data, cairn_error_last());
		cairn_buf_release(&b);
		close(rootfd);
		return rc;
	}
	db = cairn_calloc(1, sizeof(*db));
	cairn_buf_addf(&b, "%s/var/lib/dpkg", strcmp(root, "/") ? root : "");
	db->admindir = cairn_buf_detach(&b, NULL);
	db->infofd = fd;
	/* merged /usr: /lib -> usr/lib and so on, so that a .list written
	 * before the merge names the file the system really has */
	for (i = 0; i < 6; i++) {
		char target[64], want[64];
		ssize_t n = readlinkat(rootfd, usr_dirs[i], target, sizeof(target) - 1);

		if (n <= 0)
			continue;
		target[n] = '\0';
		snprintf(want, sizeof(want), "usr/%s", usr_dirs[i]);
		if (!strcmp(target, want) || (target[0] == '/' && !strcmp(target + 1, want)))
			db->merged[i] = 1;
	}
	close(rootfd);
	/* the package names: every *.list, sorted so that ownership of a
	 * shared path never depends on readdir order */
	fd = dup(db->infofd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		cairn_dpkg_free(db);
		return cairn_error_set(CAIRN_EIO, "dpkg database: cannot list info: %s", strerror(errno));
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n <= 5 || strcmp(de->d_name + n - 5, ".list"))
			continue;
		if (db->npkgs >= DPKG_MAX_PACKAGES)
			break;
		if (db->npkgs == cap) {
			cap = cap ? cap * 2 : 1024;
			db->pkgs = cairn_realloc(db->pkgs, cap * sizeof(*db->pkgs));
		}
		db->pkgs[db->npkgs++] = cairn_strndup(de->d_name, n - 5);
	}
	closedir(d);
	if (db->npkgs > 1)
		qsort(db->pkgs, db->npkgs, sizeof(*db->pkgs), name_cmp);
	*out = db;
	return 0;
}

static void paths_clear(cairn_dpkg *db)
{
	size_t i;

	for (i = 0; i < db->npaths; i++)
		free(db->paths[i].path);
	free(db->paths);
	db->paths = NULL;
	db->npaths = db->cpaths = 0;
}

void cairn_dpkg_free(cairn_dpkg *db)
{
	size_t i;

	if (!db)
		return;
	paths_clear(db);
	for (i = 0; i < db->npkgs; i++)
		free(db->pkgs[i]);
	free(db->pkgs);
	if (db->infofd >= 0)
		close(db->infofd);
	free(db->admindir);
	free(db);
}

const char *cairn_dpkg_admindir(const cairn_dpkg *db)
{
	return db->admindir;
}

/* The canonical form of the absolute path p[0..n) into out: "/lib/x"
 * becomes "/usr/lib/x" when /lib is merged. */
static void canonical(cairn_buf *out, const cairn_dpkg *db, const char *p, size_t n)
{
	size_t i;

	cairn_buf_clear(out);
	for (i = 0; db && i < 6; i++) {
		size_t l = strlen(usr_dirs[i]);

		if (db->merged[i] && n > l && p[0] == '/' && !memcmp(p + 1, usr_dirs[i], l) &&
		    (n == l + 1 || p[l + 1] == '/')) {
			cairn_buf_addstr(out, "/usr");
			break;
		}
	}
	cairn_buf_add(out, p, n);
}

static int under(const char *path, size_t n, const char *prefix)
{
	size_t l = strlen(prefix);

	while (l && prefix[l - 1] == '/')
		l--;
	if (!l)
		return 1;   /* "/" */
	return n >= l && !memcmp(path, prefix, l) && (n == l || path[l] == '/');
}

static int path_cmp(const void *a, const void *b)
{
	const struct dpkg_path *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->pkg > y->pkg) - (x->pkg < y->pkg);
}

long cairn_dpkg_index(cairn_dpkg *db, const char *const *prefixes, size_t n,
		      size_t *bad)
{
	cairn_buf data = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT, canon = CAIRN_BUF_INIT;
	size_t i, j, k;

	*bad = 0;
	paths_clear(db);
	for (i = 0; i < db->npkgs; i++) {
		size_t off = 0;

		cairn_buf_clear(&name);
		cairn_buf_addf(&name, "%s.list", db->pkgs[i]);
		if (cairn_safe_read(&data, db->infofd, name.data, DPKG_CAP_FILE, name.data) < 0) {
			(*bad)++;
			continue;
		}
		while (off < data.len) {
			const char *line = data.data + off;
			const char *nl = memchr(line, '\n', data.len - off);
			size_t len = nl ? (size_t)(nl - line) : data.len - off;

			off += len + 1;
			if (!len || line[0] != '/' || memchr(line, '\0', len))
				continue;
			canonical(&canon, db, line, len);
			for (j = 0; j < n; j++)
				if (under(canon.data, canon.len, prefixes[j]))
					break;
			if (j == n)
				continue;
			if (db->npaths == db->cpaths) {
				db->cpaths = db->cpaths ? db->cpaths * 2 : 1024;
				db->paths = cairn_realloc(db->paths, db->cpaths * sizeof(*db->paths));
			}
			db->paths[db->npaths].path = cairn_strndup(canon.data, canon.len);
			db->paths[db->npaths].pkg = i;
			db->npaths++;
		}
	}
	if (db->npaths > 1)
		qsort(db->paths, db->npaths, sizeof(*db->paths), path_cmp);
	/* one owner per path: the first package in name order */
	for (i = 0, k = 0; i < db->npaths; i++) {
		if (k && !strcmp(db->paths[k - 1].path, db->paths[i].path)) {
			free(db->paths[i].path);
			continue;
		}
		db->paths[k++] = db->paths[i];
	}
	db->npaths = k;
	cairn_buf_release(&data);
	cairn_buf_release(&name);
	cairn_buf_release(&canon);
	return (long)db->npaths;
}

const char *cairn_dpkg_owner(const cairn_dpkg *db, const char *path)
{
	size_t lo = 0, hi = db->npaths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(db->paths[mid].path, path);

		if (!c)
			return db->pkgs[db->paths[mid].pkg];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The run of a sorted array whose paths start with prefix: [first, *end).
 * Both tables (the database's paths, a package's md5sums) are arrays of
 * structs that begin with their path, sorted by strcmp. */
static size_t path_range(const void *base, size_t n, size_t stride,
			 const char *prefix, size_t *end)
{
	size_t plen = strlen(prefix), lo = 0, hi = n, first;
#define PATH_AT(i) (*(char *const *)((const char *)base + (i) * stride))

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(PATH_AT(mid), prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(PATH_AT(mid), prefix, plen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
#undef PATH_AT
	*end = lo;
	return first;
}

size_t cairn_dpkg_range(const cairn_dpkg *db, const char *prefix, size_t *end)
{
	return path_range(db->paths, db->npaths, sizeof(*db->paths), prefix, end);
}

const char *cairn_dpkg_path(const cairn_dpkg *db, size_t i)
{
	return i < db->npaths ? db->paths[i].path : NULL;
}

/* 1 when the relative path has a ".." component */
static int has_dotdot(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *sl = memchr(p + i, '/', n - i);
		size_t l = sl ? (size_t)(sl - (p + i)) : n - i;

		if (l == 2 && p[i] == '.' && p[i + 1] == '.')
			return 1;
		i += l + 1;
	}
	return 0;
}

long cairn_dpkg_md5sums_parse(const cairn_dpkg *db, const char *data, size_t len,
			      const char *label, cairn_dpkg_md5_cb cb, void *ctx)
{
	cairn_buf abs = CAIRN_BUF_INIT, canon = CAIRN_BUF_INIT;
	size_t off = 0;
	long line = 0, rc = 0;

	while (off < len) {
		const char *p = data + off;
		const char *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off;
		unsigned char md5[16];
		const char *path;
		size_t plen;

		off += n + 1;
		line++;
		if (!n)
			continue;
		if (memchr(p, '\0', n)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: NUL byte", label, line);
			goto done;
		}
		/* md5sum(1): 32 hex digits, a space, ' ' (text) or '*'
		 * (binary), the path */
		if (n < 35 || p[32] != ' ' || (p[33] != ' ' && p[33] != '*')) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: not '<md5>  <path>'",
					     label, line);
			goto done;
		}
		if (cairn_unhex(md5, p, 16) < 0) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: bad md5 digest", label,
					     line);
			goto done;
		}
		path = p + 34;
		plen = n - 34;
		while (plen && path[0] == '/') {
			path++;
			plen--;
		}
		if (!plen || has_dotdot(path, plen)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: bad path", label, line);
			goto done;
		}
		cairn_buf_clear(&abs);
		cairn_buf_addch(&abs, '/');
		cairn_buf_add(&abs, path, plen);
		canonical(&canon, db, abs.data, abs.len);
		rc = cb(ctx, canon.data, md5);
		if (rc < 0)
			goto done;
	}
	rc = line;
done:
	cairn_buf_release(&abs);
	cairn_buf_release(&canon);
	return rc;
}

long cairn_dpkg_md5sums(const cairn_dpkg *db, const char *pkg,
			cairn_dpkg_md5_cb cb, void *ctx)
{
	cairn_buf data = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT, label = CAIRN_BUF_INIT;
	long rc;

	if (!*pkg || strchr(pkg, '/'))
		return cairn_error_set(CAIRN_EUSAGE, "dpkg: bad package name");
	cairn_buf_addf(&name, "%s.md5sums", pkg);
	cairn_buf_addf(&label, "%s/info", db->admindir);
	rc = cairn_safe_read(&data, db->infofd, name.data, DPKG_CAP_FILE, label.data);
	if (rc == 0) {
		cairn_buf_addf(&label, "/%s", name.data);
		rc = cairn_dpkg_md5sums_parse(db, data.data, data.len, label.data, cb, ctx);
	}
	cairn_buf_release(&data);
	cairn_buf_release(&name);
	cairn_buf_release(&label);
	return rc;
}

char *cairn_dpkg_system_path(const char *real_path, const char *dpkg_root)
{
	char *sys = realpath(dpkg_root ? dpkg_root : "/", NULL);
	char *out = NULL;
	size_t n;

	if (!sys || !real_path)
		goto done;
	n = strlen(sys);
	if (!strcmp(sys, "/"))
		out = cairn_strdup(real_path);
	else if (!strncmp(real_path, sys, n) && (real_path[n] == '/' || !real_path[n]))
		out = cairn_strdup(real_path[n] ? real_path + n : "/");
done:
	free(sys);
	return out;
}

struct dpkg_sum {
	char *path;             /* first: path_range() reads it there */
	unsigned char md5[16];
};
_Static_assert(offsetof(struct dpkg_sum, path) == 0, "path_range");

struct cairn_dpkg_sums {
	struct dpkg_sum *v;
	size_t n, cap;
};

static int sums_add(void *ctx, const char *path, const unsigned char md5[16])
{
	cairn_dpkg_sums *s = ctx;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = cairn_realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n].path = cairn_strdup(path);
	memcpy(s->v[s->n].md5, md5, 16);
	s->n++;
	return 0;
}

static int sum_cmp(const void *a, const void *b)
{
	const struct dpkg_sum *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : memcmp(x->md5, y->md5, 16);
}

int cairn_dpkg_sums_load(cairn_dpkg_sums **out, const cairn_dpkg *db, const char *pkg)
{
	cairn_dpkg_sums *s = cairn_calloc(1, sizeof(*s));
	long rc;

	*out = NULL;
	rc = cairn_dpkg_md5sums(db, pkg, sums_add, s);
	if (rc < 0) {
		cairn_dpkg_sums_free(s);
		return (int)rc;
	}
	/* a path listed twice (dpkg never writes that) keeps one line, the
	 * same one whatever the order of the file */
	if (s->n > 1) {
		size_t i, k;

		qsort(s->v, s->n, sizeof(*s->v), sum_cmp);
		for (i = 1, k = 1; i < s->n; i++) {
			if (!strcmp(s->v[k - 1].path, s->v[i].path)) {
				free(s->v[i].path);
				continue;
			}
			s->v[k++] = s->v[i];
		}
		s->n = k;
	}
	*out = s;
	return 0;
}

void cairn_dpkg_sums_free(cairn_dpkg_sums *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	free(s);
}

const unsigned char *cairn_dpkg_sums_find(const cairn_dpkg_sums *s, const char *path)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->v[mid].path, path);

		if (!c)
			return s->v[mid].md5;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t cairn_dpkg_sums_range(const cairn_dpkg_sums *s, const char *prefix, size_t *end)
{
	return path_range(s->v, s->n, sizeof(*s->v), prefix, end);
}

const char *cairn_dpkg_sums_entry(const cairn_dpkg_sums *s, size_t i,
				  const unsigned char **md5)
{
	if (i >= s->n)
		return NULL;
	if (md5)
		*md5 = s->v[i].md5;
	return s->v[i].path;
}
