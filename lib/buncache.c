/*
 * buncache.c - installed bun packages against bun's cache (buncache.h).
 *
 * bun install (1.x) extracts each tarball once into the cache as
 * "<name>@<version>@@@1/" (the suffix is its cache layout version) and
 * links the files into node_modules: hard links by default on Linux
 * (--backend=hardlink), copies with --backend=copyfile or across file
 * systems.  A file that is the same inode as its cached copy is counted,
 * not compared.
 */
#include "buncache.h"
#include "jsonutil.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int bad_ident(const char *name, const char *version)
{
	const char *slash = strchr(name, '/');

	if (!*name || !*version || strstr(name, "..") || strstr(version, "..") ||
	    strchr(version, '/') || strchr(name, '\\') || strchr(version, '\\'))
		return 1;
	return slash && (name[0] != '@' || slash == name + 1 || strchr(slash + 1, '/') ||
			 !slash[1]);
}

static json_t *jpath(const char *p)
{
	json_t *o = json_object(), *v;

	cairn_json_set_bytes(o, "p", p, strlen(p));
	v = json_incref(json_object_get(o, "p"));
	json_decref(o);
	return v;
}

static int same_inode(int rootfd, const char *ipath, int pkgfd, const char *cpath)
{
	struct stat a, b;

	if (fstatat(rootfd, ipath, &a, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fstatat(pkgfd, cpath, &b, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return S_ISREG(a.st_mode) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

json_t *cairn_bun_cache_verify(int cachefd, int rootfd, const cairn_pkg_files *files,
			       const char *pkgdir, const char *name, const char *version,
			       json_t *flags, const char *label)
{
	json_t *f = json_object();
	json_t *mod = json_array(), *add = json_array(), *miss = json_array();
	cairn_buf rel = CAIRN_BUF_INIT, prefix = CAIRN_BUF_INIT, msg = CAIRN_BUF_INIT;
	cairn_pkg_files cf;
	const char *status = "verified";
	long matching = 0, shared = 0;
	size_t lo, hi, a, b;
	int pkgfd = -1;

	cairn_pkg_files_init(&cf);
	if (!name || !version || bad_ident(name, version)) {
		status = "not_in_cache";
		goto out;
	}
	cairn_buf_addf(&rel, "%s@%s@@@1", name, version);
	pkgfd = cairn_safe_opendir(cachefd, rel.data);
	if (pkgfd < 0) {
		status = "not_in_cache";
		goto out;
	}
	if (cairn_pkg_walk(&cf, pkgfd, label) < 0) {
		status = "not_in_cache";
		cairn_buf_addstr(&msg, cairn_error_last());
		goto out;
	}
	cairn_buf_addf(&prefix, "%s/", pkgdir);
	lo = cairn_pkg_files_range(files, prefix.data, &hi);
	for (a = lo, b = 0;;) {
		const char *fp = NULL, *tp = NULL;
		int cmp;

		/* nested node_modules are other packages */
		while (a < hi && !strncmp(files->v[a].path + prefix.len, "node_modules/", 13))
			a++;
		while (b < cf.n && !strncmp(cf.v[b].path, "node_modules/", 13))
			b++;
		if (a >= hi && b >= cf.n)
			break;
		if (a < hi)
			fp = files->v[a].path + prefix.len;
		if (b < cf.n)
			tp = cf.v[b].path;
		cmp = !fp ? 1 : !tp ? -1 : strcmp(fp, tp);
		if (cmp < 0) {
			json_array_append_new(add, jpath(fp));
			a++;
		} else if (cmp > 0) {
			json_array_append_new(miss, jpath(tp));
			b++;
		} else {
			const cairn_pkg_file *x = &files->v[a], *y = &cf.v[b];

			if (x->type != y->type || !x->hashed || !y->hashed ||
			    memcmp(x->sha256, y->sha256, 32))
				json_array_append_new(mod, jpath(fp));
			else if (x->type == CAIRN_T_FILE && same_inode(rootfd, x->path, pkgfd, y->path))
				shared++;
			else
				matching++;
			a++;
			b++;
		}
	}
	if (shared) {
		/* one copy on disk: a change to the installed file is a
		 * change to the cache's */
		status = "cache_shared";
		cairn_buf_addf(&msg, "%ld of %ld files are hard links to bun's cache (%s): the same "
			       "bytes on disk, nothing independent to compare with", shared,
			       shared + matching + (long)json_array_size(mod), rel.data);
	}
	cairn_pkg_flag_files(flags, mod, add, miss);
out:
	json_object_set_new(f, "status", json_string(status));
	if (pkgfd >= 0)
		cairn_json_set_bytes(f, "source", rel.data, rel.len);
	else
		json_object_set_new(f, "source", json_null());
	json_object_set_new(f, "matching", json_integer(matching));
	json_object_set_new(f, "modified", mod);
	json_object_set_new(f, "added", add);
	json_object_set_new(f, "missing", miss);
	if (msg.len)
		cairn_json_set_bytes(f, "message", msg.data, msg.len);
	else
		json_object_set_new(f, "message", json_null());
	if (pkgfd >= 0)
		close(pkgfd);
	cairn_pkg_files_release(&cf);
	cairn_buf_release(&rel);
	cairn_buf_release(&prefix);
	cairn_buf_release(&msg);
	return f;
}
