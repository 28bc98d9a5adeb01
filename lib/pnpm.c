/*
 * pnpm.c - pnpm lockfiles, .modules.yaml and store verification (pnpm.h).
 *
 * Lockfile: https://github.com/pnpm/spec/tree/master/lockfile (5.x keys
 * "/name/version_peers", 6.0 "/name@version(peers)", 9.0 "name@version"
 * with the resolution in "packages" and the graph in "snapshots").
 * Folder names: @pnpm/dependency-path depPathToFilename().
 */
#include "pnpm.h"
#include "jsonutil.h"
#include "yamljson.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

/* pnpm's default virtualStoreDirMaxLength: longer folder names, and names
 * with capitals, are cut and given a hash suffix */
#define PNPM_NAME_MAX 120

static const char *jstrv(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *dupv(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? cairn_strndup(json_string_value(v), json_string_length(v)) : NULL;
}

/* name and version of a 5.x depPath "name/version_peers" or
 * "@scope/name/version" (leading '/' removed) */
static void split_v5(const char *dp, char **name, char **version)
{
	const char *slash = strchr(dp + (dp[0] == '@'), '/');
	const char *end;

	if (dp[0] == '@' && slash)
		slash = strchr(slash + 1, '/');
	if (!slash || slash == dp)
		return;
	*name = cairn_strndup(dp, (size_t)(slash - dp));
	end = strchr(slash + 1, '_');
	*version = cairn_strndup(slash + 1, end ? (size_t)(end - slash - 1) : strlen(slash + 1));
}

/* name and version of a 6.0/9.0 depPath "name@version(peers)" */
static void split_v6(const char *dp, char **name, char **version)
{
	const char *at = dp[0] ? strchr(dp + 1, '@') : NULL;
	const char *paren;

	if (!at || at == dp)
		return;
	*name = cairn_strndup(dp, (size_t)(at - dp));
	paren = strchr(at + 1, '(');
	*version = cairn_strndup(at + 1, paren ? (size_t)(paren - at - 1) : strlen(at + 1));
}

/*
 * depPathToFilename without the hash: the folder name pnpm gives a depPath
 * (leading '/' removed).  *hashed is set when pnpm would cut the name and
 * add a hash (the caller then binds by prefix).
 */
static char *dep_folder(const char *dp, int major, int *hashed)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i, n;
	int upper = 0;

	if (!strncmp(dp, "file:", 5)) {
		cairn_buf_addstr(&b, "file+");
		cairn_buf_addstr(&b, dp + 5);
	} else if (major < 6) {
		/* pnpm 7: the '/' before the version becomes '@' */
		const char *paren = strchr(dp, '(');
		const char *cut = NULL, *p;

		for (p = dp; *p && (!paren || p < paren); p++)
			if (*p == '/')
				cut = p;
		if (cut) {
			cairn_buf_add(&b, dp, (size_t)(cut - dp));
			cairn_buf_addch(&b, '@');
			cairn_buf_addstr(&b, cut + 1);
		} else {
			cairn_buf_addstr(&b, dp);
		}
	} else {
		cairn_buf_addstr(&b, dp);
	}
	if (!b.data)
		cairn_buf_addstr(&b, "");
	for (i = 0; i < b.len; i++)
		if (strchr("\\/:*?\"<>|", b.data[i]))
			b.data[i] = '+';
	if (memchr(b.data, '(', b.len)) {
		cairn_buf out = CAIRN_BUF_INIT;

		n = b.len;
		if (n && b.data[n - 1] == ')')
			n--;
		for (i = 0; i < n; i++) {
			if (b.data[i] == ')' && i + 1 < n && b.data[i + 1] == '(') {
				cairn_buf_addch(&out, '_');
				i++;
			} else if (b.data[i] == '(' || b.data[i] == ')') {
				cairn_buf_addch(&out, '_');
			} else {
				cairn_buf_addch(&out, b.data[i]);
			}
		}
		if (!out.data)
			cairn_buf_addstr(&out, "");
		cairn_buf_release(&b);
		b = out;
	}
	for (i = 0; i < b.len; i++)
		if (isupper((unsigned char)b.data[i]))
			upper = 1;
	*hashed = b.len > PNPM_NAME_MAX || (upper && strncmp(b.data, "file+", 5));
	return cairn_buf_detach(&b, NULL);
}

typedef struct build {
	cairn_npm_lock_entry *v;
	int *hashed;
	char **folder;
	size_t n, cap;
} build;

static cairn_npm_lock_entry *push(build *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = cairn_realloc(b->v, b->cap * sizeof(*b->v));
		b->hashed = cairn_realloc(b->hashed, b->cap * sizeof(*b->hashed));
		b->folder = cairn_realloc(b->folder, b->cap * sizeof(*b->folder));
	}
	memset(&b->v[b->n], 0, sizeof(b->v[b->n]));
	b->hashed[b->n] = 0;
	b->folder[b->n] = NULL;
	return &b->v[b->n++];
}

static char *make_key(const char *folder, const char *name)
{
	cairn_buf k = CAIRN_BUF_INIT;

	cairn_buf_addf(&k, "node_modules/.pnpm/%s/node_modules/%s", folder, name);
	return cairn_buf_detach(&k, NULL);
}

/* A folder pnpm cut and hashed: the installed folder under
 * <proj>/node_modules/.pnpm/ that starts with the kept part (pnpm 7 kept
 * fewer characters than 8+: compare the first 40), ends in "_<hash>" and
 * holds node_modules/<name>/package.json, not claimed by another entry. */
static char *bind_hashed(const cairn_pkg_files *files, const char *proj, const char *folder,
			 const char *name, const build *b)
{
	char *base = cairn_path_join(proj, "node_modules/.pnpm/");
	size_t blen = strlen(base), lo, hi, i, keep = strlen(folder);
	char *found = NULL;

	if (*proj == '\0' && base[0] == '/')
		memmove(base, base + 1, blen--);
	if (keep > 40)
		keep = 40;
	lo = cairn_pkg_files_range(files, base, &hi);
	for (i = lo; i < hi && !found; i++) {
		const char *rel = files->v[i].path + blen;
		const char *sl = strchr(rel, '/');
		cairn_buf want = CAIRN_BUF_INIT;
		size_t j;
		int taken = 0;

		if (!sl || (size_t)(sl - rel) < keep + 2 || strncmp(rel, folder, keep) ||
		    !memchr(rel + keep, '_', (size_t)(sl - rel) - keep))
			continue;
		cairn_buf_addf(&want, "/node_modules/%s/package.json", name);
		if (strcmp(sl, want.data)) {
			cairn_buf_release(&want);
			continue;
		}
		cairn_buf_release(&want);
		for (j = 0; j < b->n; j++)
			if (b->folder[j] && strlen(b->folder[j]) == (size_t)(sl - rel) &&
			    !memcmp(b->folder[j], rel, (size_t)(sl - rel)))
				taken = 1;
		if (!taken)
			found = cairn_strndup(rel, (size_t)(sl - rel));
	}
	free(base);
	return found;
}

/* One lockfile entry: dp names the folder (and, for registry packages,
 * the name and version); o the package object with the resolution (NULL
 * when the lockfile has none); snap the 9.0 snapshot (optional flag). */
static void add_entry(build *b, const char *key, const json_t *o, int major, const json_t *snap)
{
	const char *dp = key;
	char *name = NULL, *version = NULL;
	const json_t *res = json_object_get(o, "resolution");
	cairn_npm_lock_entry *e;
	size_t k = b->n;

	if (major < 9 && dp[0] == '/')
		dp++;
	if (major < 6)
		split_v5(dp, &name, &version);
	else
		split_v6(dp, &name, &version);
	/* non-registry packages carry their own name and version */
	if (jstrv(o, "name")) {
		free(name);
		name = dupv(o, "name");
	}
	if (jstrv(o, "version")) {
		free(version);
		version = dupv(o, "version");
	}
	if (!name) {
		free(version);
		return;
	}
	e = push(b);
	e->name = name;
	e->version = version;
	e->has_name = 1;
	b->folder[k] = dep_folder(dp, major, &b->hashed[k]);
	e->integrity = dupv(res, "integrity");
	if (jstrv(res, "tarball")) {
		e->resolved = dupv(res, "tarball");
	} else if (jstrv(res, "repo") && jstrv(res, "commit")) {
		cairn_buf r = CAIRN_BUF_INIT;

		cairn_buf_addf(&r, "git+%s#%s", jstrv(res, "repo"), jstrv(res, "commit"));
		e->resolved = cairn_buf_detach(&r, NULL);
	} else if (jstrv(res, "directory")) {
		cairn_buf r = CAIRN_BUF_INIT;

		cairn_buf_addf(&r, "file:%s", jstrv(res, "directory"));
		e->resolved = cairn_buf_detach(&r, NULL);
	}
	e->dev = json_is_true(json_object_get(o, "dev"));
	e->optional = json_is_true(json_object_get(o, "optional")) ||
		      json_is_true(json_object_get(snap, "optional"));
	e->has_install_script = json_is_true(json_object_get(o, "requiresBuild"));
}

/* The YAML document as JSON; it must be a mapping (new reference in
 * *out).  0, or negative with the error set. */
static int yaml_mapping(json_t **out, const char *data, size_t len, const char *label)
{
	int rc = cairn_yaml_to_json(out, data, len, label);

	if (rc < 0)
		return rc;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return cairn_error_set(CAIRN_EFORMAT, "%s: not a YAML mapping", label);
	}
	return 0;
}

int cairn_pnpm_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			  const char *label, const cairn_pkg_files *files,
			  const char *proj)
{
	json_t *root = NULL, *pk, *snaps;
	const json_t *ver;
	const char *key;
	json_t *o;
	build b = { NULL, NULL, NULL, 0, 0 };
	cairn_npm_lock *l;
	char vtext[32];
	int rc, major;
	size_t i, bound = 0;

	*out = NULL;
	if ((rc = yaml_mapping(&root, data, len, label)) < 0)
		return rc;
	ver = json_object_get(root, "lockfileVersion");
	if (!json_is_string(ver) || !json_string_length(ver) || json_string_length(ver) > 16 ||
	    !isdigit((unsigned char)json_string_value(ver)[0])) {
		json_decref(root);
		return cairn_error_set(CAIRN_EFORMAT, "%s: no lockfileVersion", label);
	}
	snprintf(vtext, sizeof(vtext), "%s", json_string_value(ver));
	major = atoi(vtext);
	pk = json_object_get(root, "packages");
	snaps = json_object_get(root, "snapshots");
	if (major >= 9 && json_is_object(snaps)) {
		/* 9.0: one folder per snapshot ("a@1.0.0(peer@2.0.0)"), its
		 * resolution under the package key without the peers */
		json_t *seen = json_object();

		json_object_foreach(snaps, key, o) {
			const char *paren = strchr(key + (key[0] != '\0'), '(');
			char *base = paren ? cairn_strndup(key, (size_t)(paren - key)) : cairn_strdup(key);
			const json_t *po = json_object_get(pk, base);

			if (json_is_object(o) || json_is_object(po))
				add_entry(&b, key, json_is_object(po) ? po : NULL, major,
					  json_is_object(o) ? o : NULL);
			json_object_set_new(seen, base, json_true());
			free(base);
		}
		json_object_foreach(pk, key, o)
			if (!json_object_get(seen, key))
				add_entry(&b, key, o, major, NULL);
		json_decref(seen);
	} else {
		json_object_foreach(pk, key, o)
			add_entry(&b, key, o, major, NULL);
	}
	/* workspace members (importers other than the root): entries keyed by
	 * their folder, so that the analyzer sees the lockfile covers them */
	json_object_foreach(json_object_get(root, "importers"), key, o) {
		cairn_npm_lock_entry *e;
		size_t k = b.n;

		if (!strcmp(key, ".") || !*key || strstr(key, "node_modules"))
			continue;
		e = push(&b);
		e->name = cairn_strdup(cairn_path_base(key));
		e->link = 1;
		e->resolved = cairn_strdup(key);
		b.folder[k] = NULL;
		e->key = cairn_strdup(key);
	}
	json_decref(root);
	for (i = 0; i < b.n; i++) {
		char *folder = b.folder[i];

		if (!folder)
			continue;   /* an importer, keyed by its folder */
		if (b.hashed[i] && files && bound < 10000) {
			char *f = bind_hashed(files, proj, folder, b.v[i].name, &b);

			bound++;
			if (f) {
				free(folder);
				b.folder[i] = folder = f;
			}
		}
		b.v[i].key = make_key(folder, b.v[i].name);
	}
	for (i = 0; i < b.n; i++)
		free(b.folder[i]);
	free(b.folder);
	free(b.hashed);
	l = cairn_calloc(1, sizeof(*l));
	l->lockfile_version = major;
	/* lockfile 9 dropped requiresBuild */
	l->records_scripts = major < 9;
	l->version_text = cairn_strdup(vtext);
	l->v = b.v;
	l->n = b.n;
	cairn_npm_lock_index(l);
	*out = l;
	return 0;
}

/* ---- .modules.yaml ---- */

int cairn_pnpm_modules_parse(cairn_pnpm_modules *out, const char *data, size_t len,
			     const char *label)
{
	json_t *root = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = yaml_mapping(&root, data, len, label)) < 0)
		return rc;
	out->package_manager = dupv(root, "packageManager");
	out->node_linker = dupv(root, "nodeLinker");
	out->registry = dupv(json_object_get(root, "registries"), "default");
	out->store_dir = dupv(root, "storeDir");
	out->virtual_store_dir = dupv(root, "virtualStoreDir");
	json_decref(root);
	return 0;
}

void cairn_pnpm_modules_release(cairn_pnpm_modules *m)
{
	if (!m)
		return;
	free(m->package_manager);
	free(m->node_linker);
	free(m->registry);
	free(m->store_dir);
	free(m->virtual_store_dir);
	memset(m, 0, sizeof(*m));
}

/* ---- store verification ---- */

/* "sha512-<base64>" (the first of a space-separated list with that
 * algorithm) into its digest; returns the digest length, 0 when none. */
static size_t sri_digest(unsigned char *out, size_t cap, const char *sri,
			 const EVP_MD **md)
{
	static const struct { const char *p; size_t n; } algs[] = {
		{ "sha512-", 64 }, { "sha384-", 48 }, { "sha256-", 32 }, { "sha1-", 20 },
	};
	size_t a;

	for (a = 0; sri && a < sizeof(algs) / sizeof(algs[0]); a++) {
		const char *s = strstr(sri, algs[a].p);
		size_t n;
		long d;

		if (!s || (s != sri && s[-1] != ' '))
			continue;
		s += strlen(algs[a].p);
		n = strcspn(s, " ?");
		d = cairn_b64_decode(out, cap, s, n);
		if (d != (long)algs[a].n)
			continue;
		*md = a == 0 ? EVP_sha512() : a == 1 ? EVP_sha384() : a == 2 ? EVP_sha256() : EVP_sha1();
		return (size_t)d;
	}
	return 0;
}

typedef struct ientry {
	const char *path;
	const char *integrity;
	json_int_t size;
	int seen;
} ientry;

static int ientry_cmp(const void *a, const void *b)
{
	return strcmp(((const ientry *)a)->path, ((const ientry *)b)->path);
}

/* Find and read the index file of a package: 0 with *src set, or
 * CAIRN_ENOTFOUND, or another error (message set). */
static int read_index(cairn_buf *out, char **src, int storefd, const char *hex,
		      const char *name, const char *version, const char *id)
{
	static const char *const v10[] = { "v10/index", "index" };
	static const char *const v3[] = { "v3/files", "files" };
	cairn_buf rel = CAIRN_BUF_INIT, nm = CAIRN_BUF_INIT;
	int rc = CAIRN_ENOTFOUND;
	size_t i;

	*src = NULL;
	/* v10 names the file after the package: '/' of a scope becomes '+'
	 * (a name with other path bytes cannot be looked up: open_parent
	 * refuses "..", and '/' never reaches the path) */
	if (name && version && !strstr(name, "..") && !strchr(version, '/')) {
		cairn_buf_addstr(&nm, name);
		for (i = 0; i < nm.len; i++)
			if (nm.data[i] == '/')
				nm.data[i] = '+';
		for (i = 0; i < 2 && rc == CAIRN_ENOTFOUND; i++) {
			cairn_buf_clear(&rel);
			cairn_buf_addf(&rel, "%s/%.2s/%.62s-%s@%s.json", v10[i], hex, hex + 2, nm.data, version);
			rc = cairn_safe_read(out, storefd, rel.data, CAIRN_CAP_MANIFEST, "pnpm store");
		}
	}
	/* ... and a package that is not from a registry (a tarball: its
	 * lockfile id "file:x-1.0.0.tgz") after that id, each of
	 * \ / : * ? " < > | as '+' (pnpm's getIndexFilePathInCafs) */
	if (rc == CAIRN_ENOTFOUND && id && *id && strlen(id) <= 180) {
		cairn_buf_clear(&nm);
		cairn_buf_addstr(&nm, id);
		for (i = 0; i < nm.len; i++)
			if (strchr("\\/:*?\"<>|", nm.data[i]))
				nm.data[i] = '+';
		for (i = 0; i < 2 && rc == CAIRN_ENOTFOUND; i++) {
			cairn_buf_clear(&rel);
			cairn_buf_addf(&rel, "%s/%.2s/%.62s-%s.json", v10[i], hex, hex + 2, nm.data);
			rc = cairn_safe_read(out, storefd, rel.data, CAIRN_CAP_MANIFEST, "pnpm store");
		}
	}
	for (i = 0; i < 2 && rc == CAIRN_ENOTFOUND; i++) {
		cairn_buf_clear(&rel);
		cairn_buf_addf(&rel, "%s/%.2s/%s-index.json", v3[i], hex, hex + 2);
		rc = cairn_safe_read(out, storefd, rel.data, CAIRN_CAP_MANIFEST, "pnpm store");
	}
	if (rc == 0)
		*src = cairn_buf_detach(&rel, NULL);
	cairn_buf_release(&rel);
	cairn_buf_release(&nm);
	return rc;
}

/* Does the installed file pf have the bytes integrity (and size, when
 * >= 0) names? */
static int digest_ok(const char *integrity, json_int_t size, const cairn_pkg_file *pf,
		     int rootfd, cairn_buf *content, const char *label)
{
	unsigned char want[64], got[64];
	const EVP_MD *fmd = NULL;
	unsigned int gl = 0;
	size_t wl = sri_digest(want, sizeof(want), integrity, &fmd);

	return pf->type == CAIRN_T_FILE && wl && (size < 0 || (uint64_t)size == pf->size) &&
	       cairn_safe_read(content, rootfd, pf->path, CAIRN_CAP_TARBALL, label) == 0 &&
	       EVP_Digest(content->data, content->len, got, &gl, fmd, NULL) && gl == wl &&
	       !memcmp(got, want, wl);
}

/*
 * The engine part of pnpm's side-effects cache key (@pnpm/constants
 * ENGINE_NAME): Node's process.platform and process.arch for this host,
 * from uname(2) the way Node names them.
 */
static void host_engine(char *plat, size_t pl, char *arch, size_t al)
{
	static const struct { const char *uname, *node; } archs[] = {
		{ "x86_64", "x64" }, { "amd64", "x64" }, { "aarch64", "arm64" }, { "arm64", "arm64" },
		{ "i386", "ia32" }, { "i486", "ia32" }, { "i586", "ia32" }, { "i686", "ia32" },
		{ "ppc64le", "ppc64" }, { "ppc64", "ppc64" }, { "s390x", "s390x" },
		{ "riscv64", "riscv64" }, { "loongarch64", "loong64" }, { "mips64", "mips64el" },
	};
	struct utsname u;
	size_t i;

	snprintf(plat, pl, "unknown");
	snprintf(arch, al, "unknown");
	if (uname(&u) != 0)
		return;
	for (i = 0; u.sysname[i] && i + 1 < pl; i++)
		plat[i] = (char)tolower((unsigned char)u.sysname[i]);
	plat[i] = '\0';
	if (!strncmp(u.machine, "arm", 3) && strcmp(u.machine, "arm64")) {
		snprintf(arch, al, "arm");
		return;
	}
	for (i = 0; i < sizeof(archs) / sizeof(archs[0]); i++)
		if (!strcmp(u.machine, archs[i].uname)) {
			snprintf(arch, al, "%s", archs[i].node);
			return;
		}
	for (i = 0; u.machine[i] && i + 1 < al; i++)
		arch[i] = u.machine[i];
	arch[i] = '\0';
}

/*
 * Is a sideEffects key a build for this host?  pnpm 10 writes
 * "<platform>;<arch>;node<major>;deps=<hash>[;patch=<hash>]", pnpm 9 and
 * older "<platform>-<arch>-node-v<major>-<hash>" (@pnpm/calc-dep-state).
 * 1 this platform and arch, 0 another, -1 a key of neither form.
 */
static int key_for_host(const char *key, const char *plat, const char *arch)
{
	size_t lp = strlen(plat), la = strlen(arch);
	char sep = strchr(key, ';') ? ';' : '-';

	if (sep == ';' ? !strstr(key, ";node") : !strstr(key, "-node-v"))
		return -1;
	return !strncmp(key, plat, lp) && key[lp] == sep && !strncmp(key + lp + 1, arch, la) &&
	       key[lp + 1 + la] == sep;
}

/* The files a build left: pnpm 10's "added", pnpm 9's whole map. */
static const json_t *build_files(const json_t *bld)
{
	return json_is_object(json_object_get(bld, "added")) ||
	       json_is_array(json_object_get(bld, "deleted")) ?
	       json_object_get(bld, "added") : bld;
}

/*
 * Does the build record rel with the bytes of pf?  1 yes, -1 with other
 * bytes, 0 not recorded.
 */
static int side_effect_file(const json_t *bld, const char *rel, const cairn_pkg_file *pf,
			    int rootfd, cairn_buf *content, const char *label)
{
	const json_t *e = json_object_get(build_files(bld), rel);

	if (!json_is_object(e))
		return 0;
	return digest_ok(jstrv(e, "integrity"),
			 json_is_integer(json_object_get(e, "size")) ?
			 json_integer_value(json_object_get(e, "size")) : -1,
			 pf, rootfd, content, label) ? 1 : -1;
}

/* Did the build delete rel? */
static int side_effect_deleted(const json_t *bld, const char *rel)
{
	const json_t *del = json_object_get(bld, "deleted");
	size_t i;

	if (json_is_array(del)) {
		for (i = 0; i < json_array_size(del); i++)
			if (json_is_string(json_array_get(del, i)) &&
			    !strcmp(json_string_value(json_array_get(del, i)), rel))
				return 1;
		return 0;
	}
	/* pnpm 9: the whole map after the build */
	return json_is_object(bld) && !json_is_object(json_object_get(bld, "added")) &&
	       !json_object_get(bld, rel);
}

/* Does the index list rel with the bytes of pf (no bld needed)? */
static int in_index(const ientry *ie, size_t ni, const char *rel, const cairn_pkg_file *pf,
		    int rootfd, cairn_buf *content, const char *label)
{
	ientry key = { rel, NULL, 0, 0 };
	const ientry *hit = ni ? bsearch(&key, ie, ni, sizeof(*ie), ientry_cmp) : NULL;

	return hit && digest_ok(hit->integrity, hit->size, pf, rootfd, content, label);
}

/*
 * object-hash (the npm package pnpm hashes with; @pnpm/crypto.object-hasher
 * hashObject: sha256, base64, object keys sorted, respectType false) of
 * the strings-only objects below: an object is "object:<n>:" then, per
 * key in sorted order, "string:<len>:<key>:" <value> ",", a string
 * "string:<len>:<s>" (len in UTF-16 code units, as JavaScript counts).
 */
static void oh_string(cairn_buf *b, const char *s)
{
	size_t units = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			units += *p >= 0xf0 ? 2 : 1;
	cairn_buf_addf(b, "string:%zu:%s", units, s);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "object:<n>:" and each key: value, sorted; NULL when a value is not a string */
static int oh_flat_object(cairn_buf *b, const json_t *o)
{
	const char **keys = cairn_calloc(json_object_size(o) + 1, sizeof(*keys));
	size_t n = 0, i;
	const char *k;
	json_t *v;
	int ok = 1;

	json_object_foreach((json_t *)o, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), str_cmp);
	cairn_buf_addf(b, "object:%zu:", n);
	for (i = 0; i < n && ok; i++) {
		const json_t *val = json_object_get(o, keys[i]);

		oh_string(b, keys[i]);
		cairn_buf_addch(b, ':');
		if (json_is_string(val))
			oh_string(b, json_string_value(val));
		else
			ok = 0;
		cairn_buf_addch(b, ',');
	}
	free(keys);
	return ok;
}

static void oh_digest(char out[45], const cairn_buf *b)
{
	unsigned char d[32];
	unsigned int dl = 0;

	EVP_Digest(b->data ? b->data : "", b->len, d, &dl, EVP_sha256(), NULL);
	EVP_EncodeBlock((unsigned char *)out, d, 32);
}

struct dg_parent { const char *id; const struct dg_parent *up; };

/*
 * pnpm's refToRelative: the depPath that a snapshot's dependency
 * "alias: ref" names ("1.0.0" is alias@1.0.0, "x@1.0.0", an alias,
 * itself), appended to child; 0 for a link: ref, which names none.
 */
static int ref_to_dep_path(cairn_buf *child, const char *alias, const char *r)
{
	const char *at = r[0] == '@' ? r : strchr(r, '@');

	if (!strncmp(r, "link:", 5))
		return 0;
	if (r[0] == '@' || (at && (!strchr(r, ':') || at < strchr(r, ':')) &&
			    (!strchr(r, '(') || at < strchr(r, '('))))
		cairn_buf_addstr(child, r);
	else
		cairn_buf_addf(child, "%s@%s", alias, r);
	return 1;
}

/*
 * @pnpm/calc-dep-state calcDepGraphHash of depPath over a lockfile v9
 * (packages: resolutions, snapshots: dependencies), memoised in cache
 * (depPath -> hash), the same walk (a child already among the parents
 * gets no deps of its own).  0, or -1 when the graph holds what this
 * does not reproduce exactly (peer or patch suffixes, a resolution that
 * is not strings only, a chain deeper than 256).
 */
static int dep_graph_hash(cairn_buf *out, const json_t *lock, json_t *cache, const char *dp,
			  const struct dg_parent *parents, int depth)
{
	const json_t *snap = json_object_get(json_object_get(lock, "snapshots"), dp);
	const json_t *res = json_object_get(json_object_get(json_object_get(lock, "packages"), dp),
					    "resolution");
	const json_t *hit = json_object_get(cache, dp);
	static const char *const sections[] = { "dependencies", "optionalDependencies" };
	cairn_buf id = CAIRN_BUF_INIT, ser = CAIRN_BUF_INIT;
	json_t *deps = json_object();
	const struct dg_parent *p;
	char h[45];
	size_t s;
	int rc = 0, seen = 0;

	if (hit) {
		cairn_buf_addstr(out, json_string_value(hit));
		json_decref(deps);
		return 0;
	}
	if (!json_is_object(snap)) {
		json_decref(deps);
		return 0;   /* not in the graph: "" */
	}
	if (strchr(dp, '(') || depth > 256 || !json_is_object(res)) {
		json_decref(deps);
		return -1;
	}
	cairn_buf_addf(&id, "%s:", dp);
	if (json_is_string(json_object_get(res, "integrity"))) {
		cairn_buf_addstr(&id, json_string_value(json_object_get(res, "integrity")));
	} else {
		cairn_buf r = CAIRN_BUF_INIT;

		if (!oh_flat_object(&r, res))
			rc = -1;
		oh_digest(h, &r);
		cairn_buf_addstr(&id, h);
		cairn_buf_release(&r);
	}
	for (p = parents; p; p = p->up)
		if (!strcmp(p->id, id.data))
			seen = 1;
	for (s = 0; s < 2 && rc == 0 && !seen; s++) {
		const char *alias;
		json_t *ref;

		json_object_foreach(json_object_get(snap, sections[s]), alias, ref) {
			const char *r = json_string_value(ref);
			cairn_buf child = CAIRN_BUF_INIT, ch = CAIRN_BUF_INIT;
			struct dg_parent me = { id.data, parents };

			if (!r) {
				rc = -1;
				break;
			}
			if (!ref_to_dep_path(&child, alias, r))
				continue;
			rc = dep_graph_hash(&ch, lock, cache, child.data, &me, depth + 1);
			json_object_set_new(deps, alias, json_string(ch.data ? ch.data : ""));
			cairn_buf_release(&child);
			cairn_buf_release(&ch);
			if (rc < 0)
				break;
		}
	}
	if (rc == 0) {
		cairn_buf_addstr(&ser, "object:2:");
		oh_string(&ser, "deps");
		cairn_buf_addch(&ser, ':');
		if (!oh_flat_object(&ser, deps))
			rc = -1;
		cairn_buf_addch(&ser, ',');
		oh_string(&ser, "id");
		cairn_buf_addch(&ser, ':');
		oh_string(&ser, id.data);
		cairn_buf_addch(&ser, ',');
		oh_digest(h, &ser);
		json_object_set_new(cache, dp, json_string(h));
		cairn_buf_addstr(out, h);
	}
	json_decref(deps);
	cairn_buf_release(&id);
	cairn_buf_release(&ser);
	return rc;
}

struct ds_child { char *dp; char *ser; };

static int ds_child_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ds_child *)a)->dp, ((const struct ds_child *)b)->dp);
}

/*
 * pnpm 9's calcDepStateObj of depPath, serialised as object-hash writes
 * it (keys in the order sortKeys left them: sorted): {childDepPath:
 * <its state>, ...}, a child that is among the parents as {}, children
 * not in the graph left out, memoised in cache (depPath -> serialised
 * state).  -1 past 256 levels, or when the serialisations written, memo
 * hits included, pass *budget bytes: the state nests every child's
 * whole state, so a lockfile whose packages each depend on the next two
 * doubles it at every level (40 levels asked for terabytes; pnpm itself
 * only streams them into the hash).
 */
#define DEP_STATE_BUDGET ((size_t)64 << 20)
static int dep_state(cairn_buf *out, const json_t *lock, json_t *cache, const char *dp,
		     const struct dg_parent *parents, int depth, size_t *budget)
{
	static const char *const sections[] = { "dependencies", "optionalDependencies" };
	const json_t *snaps = json_object_get(lock, "snapshots");
	const json_t *snap = json_object_get(snaps, dp);
	const json_t *hit = json_object_get(cache, dp);
	struct dg_parent me = { dp, parents };
	struct ds_child *kids = NULL;
	size_t nk = 0, ck = 0, s, i, j;
	cairn_buf ser = CAIRN_BUF_INIT;
	int rc = 0;

	if (hit) {
		if (json_string_length(hit) > *budget)
			return -1;
		*budget -= json_string_length(hit);
		cairn_buf_addstr(out, json_string_value(hit));
		return 0;
	}
	if (!json_is_object(snap)) {
		cairn_buf_addstr(out, "object:0:");
		return 0;
	}
	if (depth > 256)
		return -1;
	for (s = 0; s < 2 && rc == 0; s++) {
		const char *alias;
		json_t *ref;

		json_object_foreach(json_object_get(snap, sections[s]), alias, ref) {
			const char *r = json_string_value(ref);
			cairn_buf child = CAIRN_BUF_INIT, cs = CAIRN_BUF_INIT;
			const struct dg_parent *p;
			int among = 0;

			if (!r) {
				rc = -1;
				break;
			}
			if (!ref_to_dep_path(&child, alias, r))
				continue;
			if (!json_is_object(json_object_get(snaps, child.data))) {
				cairn_buf_release(&child);
				continue;   /* if (!child) continue */
			}
			for (p = parents; p; p = p->up)
				if (!strcmp(p->id, child.data))
					among = 1;
			if (among)
				cairn_buf_addstr(&cs, "object:0:");
			else
				rc = dep_state(&cs, lock, cache, child.data, &me, depth + 1, budget);
			if (nk == ck) {
				ck = ck ? ck * 2 : 8;
				kids = cairn_realloc(kids, ck * sizeof(*kids));
			}
			kids[nk].dp = cairn_buf_detach(&child, NULL);
			kids[nk].ser = cs.data ? cairn_buf_detach(&cs, NULL) : cairn_strdup("");
			nk++;
			if (rc < 0)
				break;
		}
	}
	if (nk > 1)
		qsort(kids, nk, sizeof(*kids), ds_child_cmp);
	/* a key set twice keeps its last value (a JavaScript object) */
	for (i = j = 0; i < nk; i++) {
		if (j && !strcmp(kids[j - 1].dp, kids[i].dp)) {
			free(kids[j - 1].dp);
			free(kids[j - 1].ser);
			kids[j - 1] = kids[i];
			continue;
		}
		kids[j++] = kids[i];
	}
	nk = j;
	cairn_buf_addf(&ser, "object:%zu:", nk);
	for (i = 0; i < nk; i++) {
		oh_string(&ser, kids[i].dp);
		cairn_buf_addch(&ser, ':');
		cairn_buf_addstr(&ser, kids[i].ser);
		cairn_buf_addch(&ser, ',');
		free(kids[i].dp);
		free(kids[i].ser);
	}
	free(kids);
	if (rc == 0 && ser.len > *budget)
		rc = -1;
	if (rc == 0) {
		*budget -= ser.len;
		json_object_set_new(cache, dp, json_string(ser.data));
		cairn_buf_addstr(out, ser.data);
	}
	cairn_buf_release(&ser);
	return rc;
}

/*
 * The dependency hash pnpm gives the build of the package installed at
 * pkgdir (<project>/node_modules/.pnpm/<folder>/node_modules/<name>),
 * from the project's lockfile (pnpm's own copy node_modules/.pnpm/lock.yaml,
 * else pnpm-lock.yaml; lockfileVersion 9), the snapshot whose folder is
 * <folder>: pnpm 10's deps= (base64), or pnpm 9's (pnpm9 set: hex).
 * NULL when it cannot be computed exactly.
 */
static char *expected_deps_hash(int rootfd, const cairn_pkg_files *files, json_t *locks,
				const char *pkgdir, int pnpm9)
{
	static const char *const lockfiles[] = { "node_modules/.pnpm/lock.yaml", "pnpm-lock.yaml" };
	const char *v = strstr(pkgdir, "node_modules/.pnpm/");
	char *proj, *folder, *out = NULL;
	const char *slash;
	json_t *lock = NULL, *memo;
	size_t i;

	if (!v || (v != pkgdir && v[-1] != '/'))
		return NULL;
	slash = strchr(v + 19, '/');
	if (!slash)
		return NULL;
	proj = cairn_strndup(pkgdir, v == pkgdir ? 0 : (size_t)(v - pkgdir - 1));
	folder = cairn_strndup(v + 19, (size_t)(slash - v - 19));
	/* the project's lockfile (JSON null: none usable), parsed once for
	 * the whole tree: a tree of thousands of packages with builds
	 * re-read and re-parsed it for each (quadratic).  The memo of hashes
	 * stays per package: a value computed inside a cycle depends on the
	 * walk that reached it. */
	memo = json_object_get(locks, proj);
	if (json_is_object(memo))
		lock = json_incref(memo);
	for (i = 0; i < 2 && !lock && !memo; i++) {
		char *rel = cairn_path_join(proj, lockfiles[i]);
		cairn_buf b = CAIRN_BUF_INIT;

		if (cairn_pkg_files_find(files, rel) &&
		    cairn_safe_read(&b, rootfd, rel, CAIRN_CAP_LOCKFILE, rel) == 0 &&
		    cairn_yaml_to_json(&lock, b.data ? b.data : "", b.len, rel) == 0 &&
		    !(json_is_string(json_object_get(lock, "lockfileVersion")) &&
		      !strncmp(json_string_value(json_object_get(lock, "lockfileVersion")), "9.", 2))) {
			json_decref(lock);
			lock = NULL;
		}
		cairn_buf_release(&b);
		free(rel);
	}
	if (!memo)
		json_object_set_new(locks, proj, lock ? json_incref(lock) : json_null());
	if (lock) {
		const char *dp;
		json_t *sv, *cache = json_object();
		size_t budget = DEP_STATE_BUDGET;

		json_object_foreach(json_object_get(lock, "snapshots"), dp, sv) {
			int hashed = 0;
			char *f = dep_folder(dp, 9, &hashed);

			if (!hashed && !strcmp(f, folder)) {
				cairn_buf h = CAIRN_BUF_INIT;

				if (!pnpm9 && dep_graph_hash(&h, lock, cache, dp, NULL, 0) == 0 && h.data) {
					out = cairn_buf_detach(&h, NULL);
				} else if (pnpm9 && dep_state(&h, lock, cache, dp, NULL, 0,
							      &budget) == 0 && h.data) {
					/* pnpm 9: sha1 hex of the state object */
					unsigned char d[20];
					unsigned int dl = 0;

					out = cairn_malloc(41);
					EVP_Digest(h.data, h.len, d, &dl, EVP_sha1(), NULL);
					cairn_hex(out, d, 20);
				}
				cairn_buf_release(&h);
				free(f);
				break;
			}
			free(f);
		}
		json_decref(cache);
	}
	json_decref(lock);
	free(proj);
	free(folder);
	return out;
}

/*
 * The store's "sideEffects": what the package's install scripts left, one
 * entry per build, keyed by the platform, arch and Node major it ran on
 * and a hash of the package's dependency graph.  pnpm imports a build
 * only on the platform and arch it was made for, so builds keyed for
 * another are not candidates (a key of no known form stays one).  The
 * dependency hash (pnpm 10's ";deps=", pnpm 9's hex) is computed from
 * the lockfile (expected_deps_hash) and only a build with that hash is a
 * candidate (*exact set); the Node major is not known from the tree.
 * Otherwise (a graph this does not reproduce, no build with the hash)
 * the candidate that accounts for the most installed
 * files (ties: the first key in byte order) is taken.  Only the taken
 * build's files are accepted; its key is recorded (side_effects_build)
 * for the auditor.  NULL when there is no candidate.
 */
static const char *pick_build(const json_t *idx, const cairn_pkg_files *files, json_t *locks,
			      size_t lo,
			      size_t hi, size_t plen, const ientry *ie, size_t ni, const char *pkgdir,
			      int *exact, int rootfd, cairn_buf *content, const char *label)
{
	const json_t *se = json_object_get(idx, "sideEffects");
	char plat[64], arch[64];
	const char *k, *best = NULL;
	long best_n = -1;
	json_t *v;
	char *want = NULL;
	int pass;

	*exact = 0;
	if (!json_is_object(se))
		return NULL;
	host_engine(plat, sizeof(plat), arch, sizeof(arch));
	/* pnpm 10 keys: the dependency hash computed from the lockfile
	 * picks the build exactly (the Node major aside) */
	json_object_foreach((json_t *)se, k, v)
		if (key_for_host(k, plat, arch) == 1 && !want)
			want = expected_deps_hash(rootfd, files, locks, pkgdir,
						  !strstr(k, ";deps="));
	for (pass = want ? 0 : 1; pass < 2 && !best; pass++) {
		json_object_foreach((json_t *)se, k, v) {
			long accepted = 0;
			size_t i;
			const char *hx = strstr(k, ";deps=");

			if (key_for_host(k, plat, arch) == 0 || !json_is_object(v))
				continue;
			if (hx) {
				hx += 6;
			} else if ((hx = strstr(k, "-node-v"))) {
				/* pnpm 9: "...-node-v<major>-<hex>[-<patch>]" */
				for (hx += 7; *hx >= '0' && *hx <= '9'; hx++)
					;
				hx = *hx == '-' ? hx + 1 : NULL;
			}
			if (pass == 0 && !(hx && !strncmp(hx, want, strlen(want)) &&
					   (hx[strlen(want)] == '\0' || hx[strlen(want)] == ';' ||
					    hx[strlen(want)] == '-')))
				continue;
			for (i = lo; i < hi; i++) {
				const cairn_pkg_file *pf = &files->v[i];
				const char *rel = pf->path + plen;

				if (!strncmp(rel, "node_modules/", 13) || strstr(rel, "/node_modules/") ||
				    (pf->type != CAIRN_T_FILE && pf->type != CAIRN_T_SYMLINK) ||
				    in_index(ie, ni, rel, pf, rootfd, content, label))
					continue;
				if (side_effect_file(v, rel, pf, rootfd, content, label) > 0)
					accepted++;
			}
			if (accepted > best_n || (accepted == best_n && strcmp(k, best) < 0)) {
				best = k;
				best_n = accepted;
				*exact = pass == 0;
			}
		}
	}
	free(want);
	return best;
}

json_t *cairn_pnpm_verify(cairn_recs *recs, int storefd, int rootfd,
			  const cairn_pkg_files *files, json_t *locks, const char *pkgdir,
			  const char *integrity, const char *name, const char *version,
			  const char *id, json_t *flags, const char *label)
{
	json_t *f = json_object();
	json_t *mod = json_array(), *add = json_array(), *miss = json_array();
	json_t *idx = NULL;
	cairn_buf raw = CAIRN_BUF_INIT, prefix = CAIRN_BUF_INIT, content = CAIRN_BUF_INIT;
	unsigned char dg[64];
	const EVP_MD *md = NULL;
	char hex[129];
	char *src = NULL, *message = NULL;
	const char *status = "verified";
	ientry *ie = NULL;
	size_t ni = 0, lo, hi, i, dl;
	long matching = 0, side = 0;
	const char *build_key = NULL;
	const json_t *bld = NULL;
	int rc, exact = 0;

	dl = sri_digest(dg, sizeof(dg), integrity, &md);
	if (!dl || md != EVP_sha512()) {
		/* pnpm keys its store by the sha512 of the tarball */
		status = "no_integrity";
		goto out;
	}
	cairn_hex(hex, dg, 64);
	rc = read_index(&raw, &src, storefd, hex, name, version, id);
	if (rc == CAIRN_ENOTFOUND) {
		status = "not_in_store";
		goto out;
	}
	if (rc == 0) {
		json_error_t err;

		idx = json_loadb(raw.data, raw.len, JSON_REJECT_DUPLICATES, &err);
		if (!idx)
			rc = cairn_error_set(CAIRN_EFORMAT, "pnpm store: %s: line %d: %s", src,
					     err.line, err.text);
		else if (!json_is_object(json_object_get(idx, "files")))
			rc = cairn_error_set(CAIRN_EFORMAT, "pnpm store: %s: no \"files\" object", src);
	}
	if (rc < 0) {
		status = "store_index_bad";
		message = cairn_strdup(cairn_error_last());
		cairn_recs_parse_error(recs, label, "pnpm", message);
		goto out;
	}
	{
		const json_t *fo = json_object_get(idx, "files");
		const char *k;
		json_t *v;

		ie = cairn_calloc(json_object_size(fo) + 1, sizeof(*ie));
		json_object_foreach((json_t *)fo, k, v) {
			ie[ni].path = k;
			ie[ni].integrity = jstrv(v, "integrity");
			ie[ni].size = json_is_integer(json_object_get(v, "size")) ?
				json_integer_value(json_object_get(v, "size")) : -1;
			ni++;
		}
		if (ni > 1)
			qsort(ie, ni, sizeof(*ie), ientry_cmp);
	}
	cairn_buf_addstr(&prefix, pkgdir);
	cairn_buf_addch(&prefix, '/');
	lo = cairn_pkg_files_range(files, prefix.data, &hi);
	build_key = pick_build(idx, files, locks, lo, hi, prefix.len, ie, ni, pkgdir, &exact, rootfd,
			       &content, label);
	bld = build_key ? json_object_get(json_object_get(idx, "sideEffects"), build_key) : NULL;
	for (i = lo; i < hi; i++) {
		const cairn_pkg_file *pf = &files->v[i];
		const char *rel = pf->path + prefix.len;
		ientry key = { rel, NULL, 0, 0 }, *hit;
		int se;

		if (!strncmp(rel, "node_modules/", 13) || strstr(rel, "/node_modules/"))
			continue;
		if (pf->type != CAIRN_T_FILE && pf->type != CAIRN_T_SYMLINK)
			continue;
		hit = ni ? bsearch(&key, ie, ni, sizeof(*ie), ientry_cmp) : NULL;
		if (hit)
			hit->seen = 1;
		if (hit && digest_ok(hit->integrity, hit->size, pf, rootfd, &content, label)) {
			matching++;
		} else if ((se = bld ? side_effect_file(bld, rel, pf, rootfd, &content, label) : 0) > 0) {
			/* written by the package's install scripts, as the
			 * store recorded them */
			side++;
		} else {
			json_array_append_new(hit || se < 0 ? mod : add, cairn_json_bytes_item(rel, strlen(rel)));
		}
	}
	cairn_json_sort_strings(mod);
	cairn_json_sort_strings(add);
	for (i = 0; i < ni; i++)
		if (!ie[i].seen && !(bld && side_effect_deleted(bld, ie[i].path)))
			json_array_append_new(miss, cairn_json_bytes_item(ie[i].path, strlen(ie[i].path)));
	cairn_pkg_flag_files(flags, mod, add, miss);
out:
	json_object_set_new(f, "status", json_string(status));
	json_object_set_new(f, "source", src ? cairn_json_bytes_item(src, strlen(src)) : json_null());
	json_object_set_new(f, "matching", json_integer(matching));
	json_object_set_new(f, "modified", mod);
	json_object_set_new(f, "added", add);
	json_object_set_new(f, "missing", miss);
	json_object_set_new(f, "message", message ? cairn_json_bytes_item(message, strlen(message)) : json_null());
	if (side)
		json_object_set_new(f, "side_effects", json_integer(side));
	/* which recorded build was taken (pick_build): the auditor's to see */
	if (build_key) {
		json_object_set_new(f, "side_effects_build",
				    cairn_json_bytes_item(build_key, strlen(build_key)));
		json_object_set_new(f, "side_effects_build_by",
				    json_string(exact ? "deps_hash" : "most_files"));
	}
	free(message);
	free(src);
	free(ie);
	json_decref(idx);
	cairn_buf_release(&raw);
	cairn_buf_release(&prefix);
	cairn_buf_release(&content);
	return f;
}
