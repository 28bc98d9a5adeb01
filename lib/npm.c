/*
 * npm.c - npm lockfiles and installed trees (see npm.h, docs/RECORDS.md).
 *
 * Lockfile formats: https://docs.npmjs.com/cli/configuring-npm/package-lock-json
 * v1: nested "dependencies" {name: {version, resolved, integrity, dev,
 * optional, dependencies}}; v2 carries both; v3 only "packages" keyed by the
 * install path ("node_modules/a/node_modules/b").
 */
#include "npm.h"
#include "cacache.h"
#include "coverage.h"
#include "npmcache.h"
#include "npmdpkg.h"
#include "pnpdata.h"
#include "pnpm.h"
#include "yarnlock.h"
#include "yarnzip.h"
#include "bunlock.h"
#include "buncache.h"
#include "tarball.h"
#include "jsonutil.h"
#include "url.h"
#include "yamljson.h"

#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- lockfile ---- */

static char *jdup(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? cairn_strndup(json_string_value(v), json_string_length(v)) : NULL;
}

static const char *key_name(const char *key)
{
	const char *s = key, *p;

	while ((p = strstr(s, "node_modules/")))
		s = p + strlen("node_modules/");
	return s;
}

typedef struct lock_build {
	cairn_npm_lock_entry *v;
	size_t n, cap;
} lock_build;

static cairn_npm_lock_entry *lock_push(lock_build *b, const char *key)
{
	cairn_npm_lock_entry *e;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 128;
		b->v = cairn_realloc(b->v, b->cap * sizeof(*b->v));
	}
	e = &b->v[b->n++];
	memset(e, 0, sizeof(*e));
	e->key = cairn_strdup(key);
	return e;
}

static void entry_common(cairn_npm_lock_entry *e, const json_t *o)
{
	e->resolved = jdup(o, "resolved");
	e->integrity = jdup(o, "integrity");
	e->dev = cairn_json_true(o, "dev");
	e->optional = cairn_json_true(o, "optional");
	e->peer = cairn_json_true(o, "peer");
	e->has_install_script = cairn_json_true(o, "hasInstallScript");
	e->link = cairn_json_true(o, "link");
	e->in_bundle = cairn_json_true(o, "inBundle");
}

/* Lockfile v1 "version" holding a source, not a version: a version has
 * neither ':' nor '/' ("1.2.3", "1.0.0-beta.1+build") */
static int v1_source(const char *ver)
{
	return strchr(ver, ':') || strchr(ver, '/');
}

static void lock_v1(lock_build *b, const json_t *deps, const char *parent, int depth)
{
	const char *name;
	json_t *o;

	if (!json_is_object(deps) || depth > 256)
		return;
	json_object_foreach((json_t *)deps, name, o) {
		char *key;
		cairn_npm_lock_entry *e;
		const char *ver;

		if (!json_is_object(o))
			continue;
		{
			cairn_buf k = CAIRN_BUF_INIT;

			if (*parent) {
				cairn_buf_addstr(&k, parent);
				cairn_buf_addch(&k, '/');
			}
			cairn_buf_addstr(&k, "node_modules/");
			cairn_buf_addstr(&k, name);
			key = cairn_buf_detach(&k, NULL);
		}
		e = lock_push(b, key);
		entry_common(e, o);
		ver = json_string_value(json_object_get(o, "version"));
		if (ver && !strncmp(ver, "npm:", 4)) {
			/* alias: "npm:real-name@1.2.3" */
			const char *at = strrchr(ver + 4, '@');

			if (at && at > ver + 4) {
				e->name = cairn_strndup(ver + 4, (size_t)(at - ver - 4));
				e->has_name = 1;
				e->version = cairn_strdup(at + 1);
			}
		}
		if (!e->name)
			e->name = cairn_strdup(name);
		if (!e->version && ver && v1_source(ver)) {
			/* npm 5/6 wrote the source where the version goes (a
			 * git spec, a tarball URL, a file: path, and npm 5
			 * even the registry tarball URL): the version is the
			 * installed package's, the source is what resolved
			 * says */
			if (!e->resolved)
				e->resolved = cairn_strdup(ver);
			e->v1_source = 1;
		} else if (!e->version && ver) {
			e->version = cairn_strdup(ver);
		}
		lock_v1(b, json_object_get(o, "dependencies"), key, depth + 1);
		free(key);
	}
}

static int entry_cmp(const void *a, const void *b)
{
	const cairn_npm_lock_entry *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *majority_host(const cairn_npm_lock_entry *v, size_t n)
{
	char **hosts = cairn_calloc(n + 1, sizeof(char *));
	size_t h = 0, i, best_count = 0;
	char *best = NULL;

	for (i = 0; i < n; i++) {
		char host[CAIRN_URL_HOST_MAX];

		if (v[i].resolved && cairn_url_http_host(host, sizeof(host), v[i].resolved) == 0)
			hosts[h++] = cairn_strdup(host);
	}
	if (h > 1)
		qsort(hosts, h, sizeof(char *), str_ptr_cmp);
	for (i = 0; i < h;) {
		size_t j = i;

		while (j < h && !strcmp(hosts[j], hosts[i]))
			j++;
		/* ties go to the public registry, then to the first host */
		if (j - i > best_count ||
		    (j - i == best_count && !strcmp(hosts[i], "registry.npmjs.org"))) {
			best_count = j - i;
			best = hosts[i];
		}
		i = j;
	}
	best = best ? cairn_strdup(best) : NULL;
	for (i = 0; i < h; i++)
		free(hosts[i]);
	free(hosts);
	return best;
}

int cairn_npm_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			 const char *label)
{
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	json_t *pk;
	lock_build b = { NULL, 0, 0 };
	cairn_npm_lock *l;

	*out = NULL;
	if (!root)
		return cairn_error_set(CAIRN_EFORMAT, "%s: line %d column %d: %s",
				       label, err.line, err.column, err.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return cairn_error_set(CAIRN_EFORMAT, "%s: not a JSON object", label);
	}
	l = cairn_calloc(1, sizeof(*l));
	l->lockfile_version = (int)json_integer_value(json_object_get(root, "lockfileVersion"));
	pk = json_object_get(root, "packages");
	if (json_is_object(pk)) {
		const char *key;
		json_t *o;

		json_object_foreach(pk, key, o) {
			cairn_npm_lock_entry *e;

			if (!json_is_object(o))
				continue;
			e = lock_push(&b, key);
			entry_common(e, o);
			l->records_scripts = 1;
			e->version = jdup(o, "version");
			e->name = jdup(o, "name");
			e->has_name = e->name != NULL;
			if (!e->name)
				e->name = cairn_strdup(key_name(key));
		}
	} else if (json_is_object(json_object_get(root, "dependencies"))) {
		lock_v1(&b, json_object_get(root, "dependencies"), "", 0);
	} else if (l->lockfile_version == 1 && json_is_integer(json_object_get(root, "lockfileVersion"))) {
		/* {"lockfileVersion": 1}: what npm 5/6 wrote for a project
		 * without dependencies, an empty tree (v2 and v3 always have
		 * "packages") */
	} else {
		json_decref(root);
		free(l);
		return cairn_error_set(CAIRN_EFORMAT, "%s: neither \"packages\" nor \"dependencies\"", label);
	}
	json_decref(root);
	l->v = b.v;
	l->n = b.n;
	cairn_npm_lock_index(l);
	*out = l;
	return 0;
}

void cairn_npm_lock_index(cairn_npm_lock *l)
{
	size_t i, w;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
	/* duplicate keys cannot come from one JSON object, but v1 nesting can
	 * in theory produce one (and two pnpm depPaths one folder): keep the
	 * first */
	for (i = 0, w = 0; i < l->n; i++) {
		if (w && !strcmp(l->v[w - 1].key, l->v[i].key)) {
			cairn_npm_lock_entry_release(&l->v[i]);
			continue;
		}
		l->v[w++] = l->v[i];
	}
	l->n = w;
	free(l->registry_host);
	l->registry_host = majority_host(l->v, l->n);
}

const cairn_npm_lock_entry *cairn_npm_lock_find(const cairn_npm_lock *l,
						const char *key)
{
	size_t lo = 0, hi;

	if (!l)
		return NULL;
	hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->v[mid].key, key);

		if (!c)
			return &l->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void cairn_npm_lock_entry_release(cairn_npm_lock_entry *e)
{
	free(e->key);
	free(e->name);
	free(e->version);
	free(e->resolved);
	free(e->integrity);
}

void cairn_npm_lock_free(cairn_npm_lock *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		cairn_npm_lock_entry_release(&l->v[i]);
	free(l->v);
	free(l->registry_host);
	free(l->version_text);
	free(l);
}

/* ---- tree analysis ---- */

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Set a string field that may hold arbitrary bytes, or null. */
static void set_str(json_t *o, const char *k, const char *s)
{
	if (!s)
		json_object_set_new(o, k, json_null());
	else
		cairn_json_set_bytes(o, k, s, strlen(s));
}

/*
 * The skeleton of an npm package record (docs/RECORDS.md), its fields in
 * the record's order from type to content_sha256: the lockfile entry le's
 * (or none) as lockfile says, the rest empty (nothing declared, no
 * scripts, no files).  Each kind of record (installed, link, yarn PnP,
 * locked but missing) then sets what it knows in place (jansson keeps a
 * key's position when its value is replaced) and appends flags, files and
 * coverage.  New reference.
 */
static json_t *npm_record_new(const char *manager, const char *project, const char *path,
			      const char *name, const char *version,
			      const cairn_npm_lock_entry *le, const char *lockfile)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("package"));
	json_object_set_new(rec, "ecosystem", json_string("npm"));
	json_object_set_new(rec, "manager", json_string(manager));
	set_str(rec, "project", project);
	set_str(rec, "path", path);
	set_str(rec, "name", name);
	set_str(rec, "version", version);
	set_str(rec, "locked_version", le ? le->version : NULL);
	set_str(rec, "integrity", le ? le->integrity : NULL);
	set_str(rec, "resolved", le ? le->resolved : NULL);
	json_object_set_new(rec, "lockfile", jstr(le ? lockfile : NULL));
	json_object_set_new(rec, "dev", json_boolean(le && le->dev));
	json_object_set_new(rec, "optional", json_boolean(le && le->optional));
	json_object_set_new(rec, "peer", json_boolean(le && le->peer));
	cairn_recs_package_undeclared(rec);
	json_object_set_new(rec, "lock_has_install_script", json_boolean(le && le->has_install_script));
	json_object_set_new(rec, "installer", json_null());
	json_object_set_new(rec, "direct_url", json_null());
	json_object_set_new(rec, "file_count", json_integer(0));
	json_object_set_new(rec, "content_sha256", json_null());
	return rec;
}

/*
 * The package folder holding rel ("node_modules/a/lib/x.js" ->
 * strlen("node_modules/a")), the deepest one, or 0 when rel lies in no
 * package folder (dot folders such as .bin, files directly in
 * node_modules).  rel is from a project folder.
 */
static size_t pkg_folder_len(const char *rel)
{
	const char *p = rel;
	size_t key = 0;
	int first = 1;

	for (;;) {
		const char *slash;

		if (strncmp(p, "node_modules/", 13))
			return key;
		p += 13;
		if (first && (!strncmp(p, ".pnpm/", 6) || !strncmp(p, ".bun/", 5))) {
			/* pnpm's virtual store: the package folder is
			 * .pnpm/<folder>/node_modules/<name> (pnpm.h); bun's
			 * isolated linker (bun >= 1.3 workspaces, --linker
			 * isolated) the same under .bun/<name>@<version> */
			p += p[1] == 'p' ? 6 : 5;
			slash = strchr(p, '/');
			if (!slash || slash == p || *p == '.' || strncmp(slash + 1, "node_modules/", 13))
				return 0;
			p = slash + 1 + 13;
		}
		first = 0;
		if (*p == '.' || *p == '/' || !*p)
			return key;
		if (*p == '@') {
			slash = strchr(p, '/');
			if (!slash || slash == p + 1)
				return key;
			p = slash + 1;
		}
		slash = strchr(p, '/');
		if (!slash || slash == p)
			return key;
		key = (size_t)(slash - rel);
		p = slash + 1;
	}
}

/* Is rel ("node_modules/a/node_modules/@s/b/package.json") the manifest of
 * an installed package?  Returns the key length (up to "/package.json"). */
static size_t installed_key_len(const char *rel)
{
	size_t k = pkg_folder_len(rel);

	return k && !strcmp(rel + k, "/package.json") ? k : 0;
}

static int bad_name(const char *name)
{
	const char *slash;

	if (!name)
		return 0;
	if (strstr(name, "..") || strchr(name, '\\'))
		return 1;
	slash = strchr(name, '/');
	if (slash && (name[0] != '@' || strchr(slash + 1, '/')))
		return 1;
	return 0;
}

/* Is rel a symlink position of a package ("node_modules/a",
 * "x/node_modules/@s/b", nested ones)?  rel is from a project folder. */
static int link_position(const char *rel)
{
	cairn_buf m = CAIRN_BUF_INIT;
	int yes;

	cairn_buf_addf(&m, "%s/package.json", rel);
	yes = installed_key_len(m.data) == strlen(rel);
	cairn_buf_release(&m);
	return yes;
}

typedef struct project {
	char *dir;            /* relative to the tree root, "" = root */
} project;

static void add_project(char ***v, size_t *n, size_t *cap, const char *dir, size_t len)
{
	/* files come sorted: most of them belong to the project added last;
	 * the others are dropped once sorted (find_projects): a scan of the
	 * list for each was quadratic in the projects */
	if (*n && strlen((*v)[*n - 1]) == len && !memcmp((*v)[*n - 1], dir, len))
		return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = cairn_realloc(*v, *cap * sizeof(char *));
	}
	(*v)[(*n)++] = cairn_strndup(dir, len);
}

/* Find every project folder of the tree. */
static char **find_projects(const cairn_pkg_files *files, size_t *count)
{
	char **v = NULL;
	size_t n = 0, cap = 0, i;

	for (i = 0; i < files->n; i++) {
		const char *p = files->v[i].path;
		const char *nm = strstr(p, "node_modules/");
		const char *base = cairn_path_base(p);

		/* a node_modules component */
		while (nm && nm != p && nm[-1] != '/')
			nm = strstr(nm + 1, "node_modules/");
		/* yarn PnP's unplugged packages belong to the project
		 * around .yarn (pnp_records) */
		if (!strncmp(p, ".yarn/unplugged/", 16) || strstr(p, "/.yarn/unplugged/"))
			continue;
		if (nm) {
			/* (a folder without package.json is a package of a
			 * project found otherwise, not a project by itself) */
			if (installed_key_len(nm) ||
			    (files->v[i].type == CAIRN_T_SYMLINK && link_position(nm))) {
				size_t dl = nm == p ? 0 : (size_t)(nm - p - 1);

				add_project(&v, &n, &cap, p, dl);
			}
			continue;
		}
		/* a node_modules that is a symlink: recorded, not followed */
		if (!strcmp(base, "node_modules") && files->v[i].type == CAIRN_T_SYMLINK &&
		    !strstr(p, "node_modules/")) {
			add_project(&v, &n, &cap, p, base == p ? 0 : (size_t)(base - p - 1));
			continue;
		}
		if (!strcmp(base, "package.json") || !strcmp(base, "package-lock.json") ||
		    !strcmp(base, "npm-shrinkwrap.json") || !strcmp(base, "pnpm-lock.yaml") ||
		    !strcmp(base, "yarn.lock") || !strcmp(base, "bun.lock") || !strcmp(base, "bun.lockb")) {
			size_t dl = base == p ? 0 : (size_t)(base - p - 1);

			add_project(&v, &n, &cap, p, dl);
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(char *), str_ptr_cmp);
	for (i = 1, cap = n ? 1 : 0; i < n; i++) {
		if (!strcmp(v[i], v[cap - 1]))
			free(v[i]);
		else
			v[cap++] = v[i];
	}
	*count = cap;
	return v;
}

typedef struct ctx {
	cairn_recs *recs;
	int rootfd;
	const cairn_pkg_files *files;
	const char *label_prefix;
	int cachefd;
	const cairn_npm_opts *o;
	struct tar_cache *tc;
	char **projects;      /* every project folder of the tree, sorted */
	size_t nprojects;
	struct ws_state *ws;  /* workspace members found so far */
	cairn_npm_dpkg *dp;   /* system packages of a global prefix, or NULL */
	char **link_targets;  /* where the links at package positions end,
	                       * from the tree root, sorted */
	size_t nlink_targets;
	json_t *pnpm_locks;   /* cairn_pnpm_verify's parsed lockfiles */
} ctx;

/*
 * Where the symlink at path (from the tree root) leads: the end of its
 * chain of links, from the tree root, while every hop stays inside the
 * root (16 hops at most).  Nothing is followed: each link is read and its
 * target looked up in the index.  text gets the first target as written.
 * NULL with *why set to the flag that says why: "link_outside_root" (a
 * hop is absolute or climbs out), "link_loop", "link_dangling" (a link
 * that cannot be read).
 */
static char *link_chain(const ctx *c, const char *path, cairn_buf *text, const char **why)
{
	char *cur = cairn_strdup(path), *res = NULL;
	cairn_buf t = CAIRN_BUF_INIT;
	int hop;

	*why = NULL;
	cairn_buf_clear(text);
	for (hop = 0; hop < 16; hop++) {
		const cairn_pkg_file *f;
		char *dir;

		if (cairn_safe_readlink(&t, c->rootfd, cur) < 0 || memchr(t.data, '\0', t.len)) {
			*why = "link_dangling";
			break;
		}
		if (!hop)
			cairn_buf_add(text, t.data, t.len);
		dir = cairn_strndup(cur, (size_t)(cairn_path_base(cur) - cur));
		if (*dir)
			dir[strlen(dir) - 1] = '\0';
		res = cairn_path_resolve(dir, t.data);
		free(dir);
		if (!res) {
			*why = "link_outside_root";
			break;
		}
		f = *res ? cairn_pkg_files_find(c->files, res) : NULL;
		if (!f || f->type != CAIRN_T_SYMLINK)
			break;
		free(cur);
		cur = res;
		res = NULL;
	}
	if (hop == 16) {
		*why = "link_loop";
		free(res);
		res = NULL;
	}
	if (*why) {
		free(res);
		res = NULL;
	}
	free(cur);
	cairn_buf_release(&t);
	return res;
}

/*
 * Is res (from the tree root, where a chain of links ends) a package
 * folder in the bun store of the workspace root at root (a project folder
 * from the tree root), <root>/node_modules/.bun/<key>/node_modules/<name>,
 * with its package.json?  The root's own pass records it.  Another
 * project's store is not the root's: a member's link there stays a link
 * record of the member.
 */
static int in_bun_store(const ctx *c, const char *root, const char *res)
{
	size_t rl = strlen(root);
	const char *p = res;
	cairn_buf m = CAIRN_BUF_INIT;
	int yes;

	if (rl && (strncmp(res, root, rl) || res[rl] != '/'))
		return 0;
	p += rl ? rl + 1 : 0;
	if (strncmp(p, "node_modules/.bun/", 18))
		return 0;
	cairn_buf_addf(&m, "%s/package.json", res);
	yes = installed_key_len(m.data + (p - res)) == strlen(p) &&
	      cairn_pkg_files_find(c->files, m.data) != NULL;
	cairn_buf_release(&m);
	return yes;
}

static int link_target_known(const ctx *c, const char *dir)
{
	size_t lo = 0, hi = c->nlink_targets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(c->link_targets[mid], dir);

		if (!r)
			return 1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* A workspace member: a project folder below a workspace root whose
 * lockfile covers it (npm's packages["packages/a"], pnpm's importers) or
 * whose package.json "workspaces" globs name it. */
typedef struct ws_member {
	char *dir;            /* project folder, from the tree root */
	char *root;           /* the root's project label */
	char *root_dir;       /* the root's project folder, from the tree root */
	char *lockfile;       /* the root's lockfile, from the tree root; NULL */
	cairn_npm_lock *lock; /* the root lockfile's entries below dir, re-keyed */
	int lock_shared;      /* lock is another member's (a by-name lock:
	                       * the same whole lockfile for every member) */
	json_t *packages;     /* names of every member of this workspace,
	                       * sorted; one array the members share */
	int via_link;         /* no member: the target of a lockfile v1
	                       * file: link, whose dependencies the root
	                       * lockfile nests under the link */
	int pnp;              /* the root is a yarn PnP install: the member's
	                       * packages are the root's PnP records */
} ws_member;

typedef struct ws_state {
	ws_member *v;
	size_t n, cap;
	json_t *index;        /* dir -> its position in v (ws_find: a scan of
	                       * v for each project was quadratic) */
} ws_state;

typedef struct installed {
	char *key;            /* relative to the project */
	json_t *manifest;     /* NULL when unreadable */
	json_t *required_by;  /* [{from, range, section}] */
	/* set once its coverage is known, for the packages it bundles: */
	const char *tar_integrity;  /* the tarball its files were compared
	                             * with, NULL when not verified */
	const char *tar_owner;      /* key of the package that tarball is of */
	const char *reason;         /* coverage reason when not verified */
	char *detail;               /* its coverage detail (owned) */
	int link;                   /* a symlink at this package position */
	char *link_text;            /* link: the target as written */
	char *link_res;             /* link: where the chain of links ends,
	                             * from the tree root; NULL when it leaves
	                             * the root, loops or cannot be read */
	const char *link_why;       /* link: NULL, or the flag saying why
	                             * link_res is NULL */
	int no_manifest;            /* a package folder without package.json */
	int reachable;              /* reached from the project's manifest */
} installed;

/* A new entry at the end of the table (grown as needed), zeroed but for
 * key, which it takes. */
static installed *installed_push(installed **inst, size_t *n, size_t *cap, char *key)
{
	installed *in;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*inst = cairn_realloc(*inst, *cap * sizeof(**inst));
	}
	in = &(*inst)[(*n)++];
	memset(in, 0, sizeof(*in));
	in->key = key;
	return in;
}

static int installed_cmp(const void *a, const void *b)
{
	return strcmp(((const installed *)a)->key, ((const installed *)b)->key);
}

static const installed *find_installed(const installed *v, size_t n, const char *key)
{
	installed k;

	memset(&k, 0, sizeof(k));
	k.key = (char *)key;
	return n ? bsearch(&k, v, n, sizeof(*v), installed_cmp) : NULL;
}

/*
 * cand (relative to the project proj) is a symlink inside the tree: the
 * installed package its target names, when the target stays inside ROOT
 * (pnpm's node_modules/<name> -> .pnpm/<folder>/node_modules/<name>).
 * The link is read, never followed.
 */
static installed *via_link(const ctx *c, const char *proj, const char *cand,
			   installed *inst, size_t ninst)
{
	char *path = cairn_path_join(proj, cand);
	const cairn_pkg_file *f = cairn_pkg_files_find(c->files, path);
	cairn_buf target = CAIRN_BUF_INIT;
	installed *hit = NULL;
	size_t plen = *proj ? strlen(proj) + 1 : 0;

	if (f && f->type == CAIRN_T_SYMLINK && ninst &&
	    cairn_safe_readlink(&target, c->rootfd, path) == 0) {
		char *dir = cairn_strndup(path, (size_t)(cairn_path_base(path) - path));
		char *res;

		if (*dir)
			dir[strlen(dir) - 1] = '\0';
		res = cairn_path_resolve(dir, target.data);
		if (res && (!plen || (!strncmp(res, proj, plen - 1) && res[plen - 1] == '/'))) {
			installed key;

			key.key = res + plen;
			hit = bsearch(&key, inst, ninst, sizeof(*inst), installed_cmp);
		}
		free(res);
		free(dir);
	}
	cairn_buf_release(&target);
	free(path);
	return hit;
}

static void add_edge(installed *hit, const char *from, const json_t *range, const char *section)
{
	json_t *e = json_object();

	json_object_set_new(e, "from", json_string(from));
	cairn_json_set_bytes(e, "range", json_string_value(range), json_string_length(range));
	json_object_set_new(e, "section", json_string(section));
	json_array_append_new(hit->required_by, e);
}

/* Add {from, range, section} to the required_by of the package each
 * dependency of `from` resolves to.  devDependencies count for the
 * project only (npm does not install them for dependencies). */
static void require_edges(const ctx *c, const char *proj, installed *inst, size_t ninst,
			  const char *from, const json_t *manifest, int is_root)
{
	size_t k;

	if (!manifest)
		return;
	for (k = 0; k < 4; k++) {
		const json_t *deps = json_object_get(manifest, cairn_pkg_sections[k]);
		const char *name;
		json_t *range;

		if (!is_root && k == 2)
			continue;
		if (!json_is_object(deps))
			continue;
		json_object_foreach((json_t *)deps, name, range) {
			cairn_buf cand = CAIRN_BUF_INIT;
			size_t base_len = strlen(from);
			installed *hit = NULL;

			if (!json_is_string(range) || !*name || strstr(name, ".."))
				continue;
			for (;;) {
				installed key;

				cairn_buf_clear(&cand);
				cairn_buf_add(&cand, from, base_len);
				if (base_len)
					cairn_buf_addch(&cand, '/');
				cairn_buf_addstr(&cand, "node_modules/");
				cairn_buf_addstr(&cand, name);
				key.key = cand.data;
				hit = ninst ? bsearch(&key, inst, ninst, sizeof(*inst), installed_cmp) : NULL;
				if (!hit)
					hit = via_link(c, proj, cand.data, inst, ninst);
				if (hit || !base_len)
					break;
				/* up one level: drop the last "node_modules/<name>" */
				{
					const char *last = NULL, *p = from;

					while ((p = strstr(p, "node_modules/")) && p < from + base_len) {
						last = p;
						p += 13;
					}
					if (!last || last == from)
						base_len = 0;
					else
						base_len = (size_t)(last - from) - 1;
				}
			}
			if (hit)
				add_edge(hit, from, range, cairn_pkg_sections[k]);
			cairn_buf_release(&cand);
		}
	}
}

/*
 * Edges from a folder outside node_modules into proj's installed packages
 * (drel, relative to proj: a workspace member, the target of a link).
 * Node resolves its dependencies from where it lies, upward:
 * drel/node_modules/<name>, each folder above it, then proj's own
 * node_modules.  A dependency found on the way is not proj's.  The folder
 * is a top of the tree (npm loads its devDependencies).  With store_links,
 * a symlink found on the way that leads to one of proj's installed
 * packages (bun's isolated layout: packages/a/node_modules/debug ->
 * ../../../node_modules/.bun/debug@4.3.4/node_modules/debug) is an edge to
 * that package; it is read, never followed.
 */
static void upward_edges(const ctx *c, const char *proj, installed *inst, size_t ninst,
			 const char *drel, const json_t *manifest, int store_links)
{
	size_t k;

	for (k = 0; k < 4; k++) {
		const json_t *deps = json_object_get(manifest, cairn_pkg_sections[k]);
		const char *name;
		json_t *range;

		if (!json_is_object(deps))
			continue;
		json_object_foreach((json_t *)deps, name, range) {
			cairn_buf p = CAIRN_BUF_INIT;
			char *anc = cairn_strdup(drel);
			installed key, *hit = NULL;
			int below = 0;

			if (!json_is_string(range) || !*name || strstr(name, "..")) {
				free(anc);
				continue;
			}
			while (*anc && !below) {
				const cairn_pkg_file *f;
				char *slash;

				cairn_buf_clear(&p);
				if (*proj)
					cairn_buf_addf(&p, "%s/", proj);
				cairn_buf_addf(&p, "%s/node_modules/%s", anc, name);
				f = cairn_pkg_files_find(c->files, p.data);
				if (f && f->type == CAIRN_T_SYMLINK && store_links) {
					/* a link into the root's store (bun's
					 * isolated node_modules/.bun): the
					 * package it leads to is required */
					cairn_buf_clear(&p);
					cairn_buf_addf(&p, "%s/node_modules/%s", anc, name);
					hit = via_link(c, proj, p.data, inst, ninst);
					cairn_buf_clear(&p);
					if (*proj)
						cairn_buf_addf(&p, "%s/", proj);
					cairn_buf_addf(&p, "%s/node_modules/%s", anc, name);
				}
				cairn_buf_addstr(&p, "/package.json");
				below = (f && f->type == CAIRN_T_SYMLINK) ||
					cairn_pkg_files_find(c->files, p.data) != NULL;
				slash = strrchr(anc, '/');
				if (slash)
					*slash = '\0';
				else
					*anc = '\0';
			}
			if (!below) {
				cairn_buf_clear(&p);
				cairn_buf_addf(&p, "node_modules/%s", name);
				key.key = p.data;
				hit = ninst ? bsearch(&key, inst, ninst, sizeof(*inst), installed_cmp) : NULL;
				if (!hit)
					hit = via_link(c, proj, p.data, inst, ninst);
			}
			if (hit)
				add_edge(hit, drel, range, cairn_pkg_sections[k]);
			free(anc);
			cairn_buf_release(&p);
		}
	}
}

static void declared(const json_t *manifest, const char *name,
		     const char **range, const char **section)
{
	*section = cairn_pkg_declared(manifest, name, range);
}

/* tarball member list */
typedef struct tmember { char *path; unsigned char sha[32]; } tmember;
typedef struct tlist { tmember *v; size_t n, cap; } tlist;

static int tlist_cb(void *arg, const cairn_tar_member *m)
{
	tlist *t = arg;

	if (m->kind != CAIRN_TAR_FILE)
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = cairn_realloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n].path = cairn_strdup(m->path);
	memcpy(t->v[t->n].sha, m->sha256, 32);
	t->n++;
	return 0;
}

static int tmember_cmp(const void *a, const void *b)
{
	return strcmp(((const tmember *)a)->path, ((const tmember *)b)->path);
}

static void tlist_release(tlist *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
}

/* Where an installed package's published bytes are looked for, besides
 * the npm cache: the manager's own store or cache. */
struct pkg_src {
	const char *manager;     /* "npm", "pnpm", "yarn", "bun" */
	int pnpm;                /* pnpm: the store's index files */
	int yarn1;               /* yarn 1: the v6 cache's .yarn-tarball.tgz */
	int berry;               /* yarn 2+: its checksum is of a zip, not a tarball */
	int berry_fd;            /* yarn 2+: folder of zip archives, or -1 */
	int unplugged;           /* yarn PnP: a folder yarn unplugged (its
	                          * .ready marker is yarn's, not the package's) */
	const char *name, *version, *resolved;   /* of the package at hand */
};

/* The members of the last tarball read: the packages a tarball bundles
 * follow it in key order and are compared with the same members. */
typedef struct tar_cache {
	char *integrity;
	int rc;               /* 0, or why it could not be used */
	const char *status;   /* when rc < 0 */
	char *message;
	char *src;            /* yarn: the file read, for "source" */
	tlist t;              /* sorted by path */
} tar_cache;

static char *file_label(const ctx *c, const char *rel)
{
	if (c->label_prefix)
		return cairn_path_join(c->label_prefix, rel);
	return cairn_strdup(rel);
}

static json_t *read_json(const ctx *c, const char *rel, size_t cap, int *present)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_error_t err;
	json_t *j = NULL;
	char *label = file_label(c, rel);
	int rc = cairn_safe_read(&b, c->rootfd, rel, cap, label);

	*present = rc != CAIRN_ENOTFOUND;
	if (rc < 0) {
		if (rc != CAIRN_ENOTFOUND)
			cairn_recs_parse_error(c->recs, label, "npm", cairn_error_last());
	} else {
		j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &err);
		if (!j || !json_is_object(j)) {
			char msg[300];

			if (j)
				snprintf(msg, sizeof(msg), "not a JSON object");
			else
				snprintf(msg, sizeof(msg), "line %d column %d: %s",
					 err.line, err.column, err.text);
			cairn_recs_parse_error(c->recs, label, "npm", msg);
			json_decref(j);
			j = NULL;
		}
	}
	cairn_buf_release(&b);
	free(label);
	return j;
}

static cairn_npm_lock *read_lock(const ctx *c, const char *rel, int *present)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char *label = file_label(c, rel);
	cairn_npm_lock *l = NULL;
	int rc = cairn_safe_read(&b, c->rootfd, rel, CAIRN_CAP_LOCKFILE, label);

	*present = rc != CAIRN_ENOTFOUND;
	if (rc == 0)
		rc = cairn_npm_lock_parse(&l, b.data, b.len, label);
	if (rc < 0 && rc != CAIRN_ENOTFOUND)
		cairn_recs_parse_error(c->recs, label, "npm", cairn_error_last());
	cairn_buf_release(&b);
	free(label);
	return l;
}

static void add_flag(json_t *flags, const char *f)
{
	json_array_append_new(flags, json_string(f));
}

/* The members of the tarball for integrity (cached in c->tc); 0, or a
 * negative code with *status and *message set. */
static int tar_members(const ctx *c, const char *integrity, const char *label,
		       const struct pkg_src *ps, const tlist **out, const char **status,
		       const char **message)
{
	tar_cache *tc = c->tc;
	cairn_buf tgz = CAIRN_BUF_INIT, key = CAIRN_BUF_INIT, zprefix = CAIRN_BUF_INIT;
	int yarn1 = ps && ps->yarn1 && c->o->yarn_cachefd >= 0;
	int berry = ps && ps->berry_fd >= 0;
	char *src;
	int rc;

	/* the same integrity read from another place is another entry */
	cairn_buf_addf(&key, "%s%s", yarn1 ? "yarn1:" : berry ? "berry:" : "", integrity);
	if (!tc->integrity || strcmp(tc->integrity, key.data)) {
		free(tc->integrity);
		free(tc->message);
		free(tc->src);
		tlist_release(&tc->t);
		memset(tc, 0, sizeof(*tc));
		tc->integrity = cairn_strdup(key.data);
		src = NULL;
		if (berry) {
			/* Berry: the zip named after the entry, whose SHA-512 is
			 * the lockfile checksum */
			rc = cairn_berry_zip_read(&tgz, &src, ps->berry_fd, ps->name, ps->version,
						  integrity);
		} else if (yarn1) {
			rc = cairn_yarn_cache_tarball(&tgz, &src, c->o->yarn_cachefd, ps->name,
						      ps->version, ps->resolved);
			/* the cache folder is named after the lockfile's hash,
			 * but its bytes are trusted once they match the integrity */
			if (rc == 0 && (rc = cairn_integrity_check(tgz.data, tgz.len, integrity)) < 0)
				cairn_error_set(rc, "yarn cache: %s: does not match %s", src, integrity);
		} else {
			src = cairn_cacache_content_path(integrity);
			rc = cairn_cacache_read(&tgz, c->cachefd, integrity, "npm cache");
		}
		if (yarn1 || berry)
			tc->src = src ? cairn_strdup(src) : NULL;
		if (rc == CAIRN_ENOTFOUND) {
			tc->status = "not_in_cache";
		} else if (rc < 0) {
			tc->status = rc == CAIRN_EVERIFY ? "cache_corrupt" : "not_in_cache";
			tc->message = cairn_strdup(cairn_error_last());
		} else {
			if (berry) {
				cairn_buf_addf(&zprefix, "node_modules/%s/", ps->name);
				rc = cairn_zip_scan(tgz.data, tgz.len, zprefix.data, tlist_cb, &tc->t,
						    src ? src : "zip");
			} else {
				rc = cairn_tarball_scan(tgz.data, tgz.len, 1, tlist_cb, &tc->t,
							src ? src : "tarball");
			}
			if (rc < 0) {
				tc->status = berry ? "zip_refused" : "tar_refused";
				tc->message = cairn_strdup(cairn_error_last());
				cairn_recs_parse_error(c->recs, label, berry ? "zip" : "tarball", tc->message);
			} else if (tc->t.n > 1) {
				qsort(tc->t.v, tc->t.n, sizeof(*tc->t.v), tmember_cmp);
			}
		}
		tc->rc = rc;
		free(src);
		cairn_buf_release(&tgz);
	}
	cairn_buf_release(&key);
	cairn_buf_release(&zprefix);
	*out = &tc->t;
	*status = tc->status;
	*message = tc->message;
	return tc->rc;
}

/*
 * Verify the package folder against its tarball in the cache; member_prefix
 * (NULL: none) selects the members of a bundling package's tarball that
 * are this package ("node_modules/<name>/").
 */
static json_t *verify_pkg(const ctx *c, const char *pkgdir, const char *integrity,
			  const char *member_prefix, json_t *flags, const char *label,
			  const struct pkg_src *ps)
{
	json_t *f = json_object();
	json_t *mod = json_array(), *add = json_array(), *miss = json_array();
	cairn_buf prefix = CAIRN_BUF_INIT;
	const tlist *t = NULL;
	char *src = integrity ? cairn_cacache_content_path(integrity) : NULL;
	const char *status = "verified", *message = NULL;
	size_t mpl = member_prefix ? strlen(member_prefix) : 0;
	long matching = 0;
	size_t lo, hi;

	if (!integrity) {
		status = "no_integrity";
		goto out;
	}
	if (tar_members(c, integrity, label, ps, &t, &status, &message) < 0) {
		if (c->tc->src) {
			free(src);
			src = cairn_strdup(c->tc->src);
		}
		goto out;
	}
	if (c->tc->src) {
		free(src);
		src = cairn_strdup(c->tc->src);
	}
	status = "verified";
	cairn_buf_addstr(&prefix, pkgdir);
	cairn_buf_addch(&prefix, '/');
	lo = cairn_pkg_files_range(c->files, prefix.data, &hi);
	/* both lists sorted by path bytes (the members' common prefix keeps
	 * their order): merge */
	{
		size_t a = lo, b = 0;

		/* the first member under member_prefix */
		while (mpl && b < t->n && strncmp(t->v[b].path, member_prefix, mpl) < 0)
			b++;
		for (;;) {
			const char *fp = NULL, *tp = NULL;
			int cmp;

			while (a < hi) {
				fp = c->files->v[a].path + prefix.len;
				if (strncmp(fp, "node_modules/", 13))
					break;
				a++;
				fp = NULL;
			}
			for (; b < t->n; b++) {
				if (mpl && strncmp(t->v[b].path, member_prefix, mpl)) {
					b = t->n;   /* past this package's members */
					break;
				}
				tp = t->v[b].path + mpl;
				/* nested node_modules are other packages; of
				 * duplicate members the last one wins on extract */
				if (strncmp(tp, "node_modules/", 13) &&
				    !(b + 1 < t->n && !strcmp(t->v[b].path, t->v[b + 1].path)))
					break;
				tp = NULL;
			}
			if (a >= hi && b >= t->n)
				break;
			if (a >= hi)
				cmp = 1;
			else if (b >= t->n)
				cmp = -1;
			else
				cmp = strcmp(fp, tp);
			if (cmp < 0) {
				if (!(ps && ps->unplugged && !strcmp(fp, ".ready")))
					json_array_append_new(add, cairn_json_bytes_item(fp, strlen(fp)));
				a++;
			} else if (cmp > 0) {
				json_array_append_new(miss, cairn_json_bytes_item(tp, strlen(tp)));
				b++;
			} else {
				const cairn_pkg_file *pf = &c->files->v[a];

				if (pf->type == CAIRN_T_FILE && pf->hashed &&
				    !memcmp(pf->sha256, t->v[b].sha, 32))
					matching++;
				else
					json_array_append_new(mod, cairn_json_bytes_item(tp, strlen(tp)));
				a++;
				b++;
			}
		}
	}
	cairn_pkg_flag_files(flags, mod, add, miss);
out:
	json_object_set_new(f, "status", json_string(status));
	json_object_set_new(f, "source", jstr(src));
	json_object_set_new(f, "matching", json_integer(matching));
	json_object_set_new(f, "modified", mod);
	json_object_set_new(f, "added", add);
	json_object_set_new(f, "missing", miss);
	set_str(f, "message", message);
	free(src);
	cairn_buf_release(&prefix);
	return f;
}

/* content digest of pkgdir (docs/RECORDS.md §Content digest) */
static void content_digest(const ctx *c, const char *pkgdir, char hex[65], long *count)
{
	cairn_buf prefix = CAIRN_BUF_INIT;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[32];
	unsigned int dl = 0;
	size_t lo, hi, i;

	*count = 0;
	cairn_buf_addstr(&prefix, pkgdir);
	cairn_buf_addch(&prefix, '/');
	lo = cairn_pkg_files_range(c->files, prefix.data, &hi);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (i = lo; i < hi; i++) {
		const cairn_pkg_file *f = &c->files->v[i];
		const char *rel = f->path + prefix.len;
		char h[65];

		if (!strncmp(rel, "node_modules/", 13))
			continue;
		if (f->type != CAIRN_T_FILE && f->type != CAIRN_T_SYMLINK)
			continue;
		if (f->hashed)
			cairn_hex(h, f->sha256, 32);
		else
			strcpy(h, "-");
		EVP_DigestUpdate(md, f->type == CAIRN_T_SYMLINK ? "l " : "f ", 2);
		EVP_DigestUpdate(md, h, strlen(h));
		EVP_DigestUpdate(md, " ", 1);
		EVP_DigestUpdate(md, rel, f->path_len - prefix.len);
		EVP_DigestUpdate(md, "\n", 1);
		(*count)++;
	}
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	cairn_hex(hex, d, 32);
	cairn_buf_release(&prefix);
}

static int has_str_prefix(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static const char *lifecycle[] = { "preinstall", "install", "postinstall", "prepare" };

static void lock_flags(json_t *flags, const cairn_npm_lock_entry *le,
		       const char *registry_host, const char *folder_name, int pnpm)
{
	char host[CAIRN_URL_HOST_MAX];
	const char *r = le->resolved;
	const char *v = le->version;

	/* a bundled entry (inBundle) has neither: it comes inside its
	 * bundler's tarball, which has them */
	if (!le->integrity && !le->link && !le->in_bundle && !(r && !strncmp(r, "file:", 5)))
		add_flag(flags, "no_integrity");
	/* pnpm and bun write no tarball URL for a package of the default
	 * registry: its integrity (and .modules.yaml's registry) say it */
	if (!r && !le->link && !le->in_bundle && !(pnpm && le->integrity))
		add_flag(flags, "no_resolved");
	if (r && registry_host && cairn_url_http_host(host, sizeof(host), r) == 0 &&
	    strcmp(host, registry_host))
		add_flag(flags, "resolved_other_host");
	if ((r && (!strncmp(r, "git+", 4) || !strncmp(r, "git:", 4) || !strncmp(r, "github:", 7) ||
		   !strncmp(r, "gitlab:", 7) || !strncmp(r, "bitbucket:", 10))) ||
	    (v && (!strncmp(v, "git+", 4) || !strncmp(v, "git:", 4) || !strncmp(v, "github:", 7))))
		add_flag(flags, "git_dependency");
	else if (r && (!strncmp(r, "http://", 7) || !strncmp(r, "https://", 8)) && !strstr(r, "/-/"))
		add_flag(flags, "tarball_dependency");
	if (r && !strncmp(r, "file:", 5))
		add_flag(flags, "file_dependency");
	if (le->link)
		add_flag(flags, "link");
	if (le->has_name && folder_name && strcmp(le->name, folder_name))
		add_flag(flags, "alias");
}

/* Does an installed package's manifest bundle dependencies
 * (bundleDependencies or bundledDependencies: a list of names, or true)? */
static int bundles(const json_t *manifest)
{
	const json_t *b = json_object_get(manifest, "bundleDependencies");

	if (!b)
		b = json_object_get(manifest, "bundledDependencies");
	return json_is_true(b) || json_array_size(b) > 0;
}

/*
 * The installed package whose tarball shipped key: the nearest enclosing
 * package that bundles dependencies (npm packs the bundled ones with all
 * their own dependencies below it); NULL when key came from its own
 * tarball.
 */
static installed *bundled_by(installed *inst, size_t ninst, const char *key)
{
	const char *p = key + strlen(key);

	while (p > key) {
		installed *up;
		char *anc;

		/* back to the previous "/node_modules/" */
		do
			p--;
		while (p > key && strncmp(p, "/node_modules/", 14));
		if (p == key)
			break;
		anc = cairn_strndup(key, (size_t)(p - key));
		up = (installed *)find_installed(inst, ninst, anc);
		free(anc);
		if (up && bundles(up->manifest))
			return up;
	}
	return NULL;
}

/* What a project says about packages that have no integrity to look up. */
struct proj_facts {
	const char *kind;        /* npm_project "kind" */
	const char *lock_name;   /* lockfile the entries came from, or NULL */
	const char *other_lock;  /* a lockfile cairn does not read, or NULL */
	const char *binary_lock; /* bun.lockb's parse_error message, or NULL */
	struct pkg_src src;
};

/* A lockfile of another package manager in proj, or NULL. */
static const char *other_lockfile(const ctx *c, const char *proj)
{
	static const char *const names[] = {
		"pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb", NULL
	};
	size_t i;

	for (i = 0; names[i]; i++) {
		char *p = cairn_path_join(proj, names[i]);
		int found = cairn_pkg_files_find(c->files, p) != NULL;

		free(p);
		if (found)
			return names[i];
	}
	return NULL;
}

/* A lockfile of another manager beside the project (yarn.lock, bun.lock). */
static cairn_npm_lock *read_other_lock(const ctx *c, const char *proj, const char *name,
				       const char *analyzer,
				       int (*parse)(cairn_npm_lock **, const char *, size_t,
						    const char *))
{
	cairn_buf b = CAIRN_BUF_INIT;
	char *rel = cairn_path_join(proj, name);
	char *label = file_label(c, rel);
	cairn_npm_lock *l = NULL;
	int rc = CAIRN_ENOTFOUND;

	/* only what the walk saw: the index says whether it is there */
	if (cairn_pkg_files_find(c->files, rel))
		rc = cairn_safe_read(&b, c->rootfd, rel, CAIRN_CAP_LOCKFILE, label);
	if (rc == 0)
		rc = parse(&l, b.data, b.len, label);
	if (rc < 0 && rc != CAIRN_ENOTFOUND)
		cairn_recs_parse_error(c->recs, label, analyzer, cairn_error_last());
	cairn_buf_release(&b);
	free(label);
	free(rel);
	return l;
}

static cairn_npm_lock_entry entry_copy(const cairn_npm_lock_entry *e, const char *key)
{
	cairn_npm_lock_entry n = *e;

	n.key = cairn_strdup(key);
	n.name = e->name ? cairn_strdup(e->name) : NULL;
	n.version = e->version ? cairn_strdup(e->version) : NULL;
	n.resolved = e->resolved ? cairn_strdup(e->resolved) : NULL;
	n.integrity = e->integrity ? cairn_strdup(e->integrity) : NULL;
	return n;
}

/* The entry of lock l (keyed "name@version", yarn and bun's by-name
 * locks) for the name and version an installed package's manifest
 * declares; NULL when it declares neither or l has none.  k: scratch. */
static const cairn_npm_lock_entry *entry_of_manifest(const cairn_npm_lock *l,
						     const installed *in, cairn_buf *k)
{
	const char *name = json_string_value(json_object_get(in->manifest, "name"));
	const char *version = json_string_value(json_object_get(in->manifest, "version"));

	if (!name || !version)
		return NULL;
	cairn_buf_clear(k);
	cairn_buf_addf(k, "%s@%s", name, version);
	return cairn_npm_lock_find(l, k->data);
}

/*
 * yarn keys entries "name@version": give each installed package the entry
 * of its manifest's name and version, keyed by its install path (every
 * copy of a package nested twice gets one).  An entry no installed package
 * matches is placed at node_modules/<name> when nothing is installed
 * there (flag locked_missing follows); else it cannot be placed and is
 * left out (the installed package there is judged against its own entry).
 */
static void bind_by_name(cairn_npm_lock *l, const installed *inst, size_t ninst)
{
	cairn_npm_lock_entry *nv = cairn_calloc(ninst + l->n + 1, sizeof(*nv));
	char *used = cairn_calloc(l->n + 1, 1);
	size_t n = 0, i;
	cairn_buf k = CAIRN_BUF_INIT;

	for (i = 0; i < ninst; i++) {
		const cairn_npm_lock_entry *e = entry_of_manifest(l, &inst[i], &k);

		if (!e)
			continue;
		used[e - l->v] = 1;
		nv[n++] = entry_copy(e, inst[i].key);
	}
	for (i = 0; i < l->n; i++) {
		if (used[i] || !l->v[i].name)
			continue;
		cairn_buf_clear(&k);
		cairn_buf_addf(&k, "node_modules/%s", l->v[i].name);
		if (!find_installed(inst, ninst, k.data))
			nv[n++] = entry_copy(&l->v[i], k.data);
	}
	for (i = 0; i < l->n; i++)
		cairn_npm_lock_entry_release(&l->v[i]);
	free(l->v);
	l->v = nv;
	l->n = n;
	l->by_name = 0;
	cairn_npm_lock_index(l);
	cairn_buf_release(&k);
	free(used);
}

/*
 * bun's isolated layout: bun.lock keys its entries by the hoisted paths
 * ("debug/ms") while bun installs each package once, in
 * node_modules/.bun/<name>@<version>[+peers]/node_modules/<name>, and
 * links node_modules/<name> there.  Each package installed in .bun gets
 * the entry of its manifest's name and version, keyed by its folder; every
 * entry of that name and version is accounted for by it.  A registry
 * entry no package matches stays at its own key (flag locked_missing
 * follows); a link entry (a workspace member, "a@workspace:packages/a")
 * stays only where a link is installed: the member is a project of its
 * own.
 */
static void bind_isolated(cairn_npm_lock *l, const installed *inst, size_t ninst)
{
	cairn_npm_lock_entry *nv = cairn_calloc(ninst + l->n + 1, sizeof(*nv));
	json_t *by_nv = json_object(), *matched = json_object();
	size_t n = 0, i;
	cairn_buf k = CAIRN_BUF_INIT;

	for (i = 0; i < l->n; i++) {
		if (!l->v[i].name || !l->v[i].version || l->v[i].link)
			continue;
		cairn_buf_clear(&k);
		cairn_buf_addf(&k, "%s@%s", l->v[i].name, l->v[i].version);
		if (!json_object_get(by_nv, k.data))
			json_object_set_new(by_nv, k.data, json_integer((json_int_t)i));
	}
	for (i = 0; i < ninst; i++) {
		const char *name = json_string_value(json_object_get(inst[i].manifest, "name"));
		const char *version = json_string_value(json_object_get(inst[i].manifest, "version"));
		const json_t *at;

		if (inst[i].link || !name || !version || strncmp(inst[i].key, "node_modules/.bun/", 18))
			continue;
		cairn_buf_clear(&k);
		cairn_buf_addf(&k, "%s@%s", name, version);
		if (!(at = json_object_get(by_nv, k.data)))
			continue;
		json_object_set_new(matched, k.data, json_true());
		nv[n++] = entry_copy(&l->v[json_integer_value(at)], inst[i].key);
	}
	for (i = 0; i < l->n; i++) {
		const cairn_npm_lock_entry *e = &l->v[i];

		if (e->link) {
			const installed *in = find_installed(inst, ninst, e->key);

			if (in && in->link)
				nv[n++] = entry_copy(e, e->key);
			continue;
		}
		if (e->name && e->version) {
			cairn_buf_clear(&k);
			cairn_buf_addf(&k, "%s@%s", e->name, e->version);
			if (json_object_get(matched, k.data))
				continue;
		}
		nv[n++] = entry_copy(e, e->key);
	}
	for (i = 0; i < l->n; i++)
		cairn_npm_lock_entry_release(&l->v[i]);
	free(l->v);
	l->v = nv;
	l->n = n;
	cairn_npm_lock_index(l);
	json_decref(by_nv);
	json_decref(matched);
	cairn_buf_release(&k);
}

/* pnpm-lock.yaml (or pnpm's hidden node_modules/.pnpm/lock.yaml) of proj */
/*
 * A yarn workspace member's share of the root's by-name lock (whole,
 * shared by the members, left as is): the entries its installed packages
 * match by name and version, keyed by their install paths, as
 * bind_by_name binds them.  The entries it does not install are not
 * placed: the root accounts for them, and a copy of the whole lockfile
 * bound for each member took time in the members times the entries.
 */
static cairn_npm_lock *bind_member(const cairn_npm_lock *whole, const installed *inst, size_t ninst)
{
	cairn_npm_lock *s = cairn_calloc(1, sizeof(*s));
	cairn_buf k = CAIRN_BUF_INIT;
	size_t i;

	s->v = cairn_calloc(ninst + 1, sizeof(*s->v));
	for (i = 0; i < ninst; i++) {
		const cairn_npm_lock_entry *e = entry_of_manifest(whole, &inst[i], &k);

		if (e)
			s->v[s->n++] = entry_copy(e, inst[i].key);
	}
	cairn_buf_release(&k);
	s->lockfile_version = whole->lockfile_version;
	s->records_scripts = whole->records_scripts;
	s->version_text = whole->version_text ? cairn_strdup(whole->version_text) : NULL;
	s->registry_host = whole->registry_host ? cairn_strdup(whole->registry_host) : NULL;
	cairn_npm_lock_index(s);
	return s;
}

static cairn_npm_lock *read_pnpm_lock(const ctx *c, const char *proj, const char *name)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char *rel = cairn_path_join(proj, name);
	char *label = file_label(c, rel);
	cairn_npm_lock *l = NULL;
	int rc = cairn_safe_read(&b, c->rootfd, rel, CAIRN_CAP_LOCKFILE, label);

	if (rc == 0)
		rc = cairn_pnpm_lock_parse(&l, b.data, b.len, label, c->files, proj);
	if (rc < 0 && rc != CAIRN_ENOTFOUND)
		cairn_recs_parse_error(c->recs, label, "pnpm", cairn_error_last());
	cairn_buf_release(&b);
	free(label);
	free(rel);
	return l;
}

/* node_modules/.modules.yaml of proj into m (zeroed when absent or bad):
 * 1 when it describes a pnpm install */
static int read_pnpm_modules(const ctx *c, const char *proj, cairn_pnpm_modules *m)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char *rel = cairn_path_join(proj, "node_modules/.modules.yaml");
	char *label = file_label(c, rel);
	int rc = cairn_safe_read(&b, c->rootfd, rel, CAIRN_CAP_MANIFEST, label);

	memset(m, 0, sizeof(*m));
	if (rc == 0)
		rc = cairn_pnpm_modules_parse(m, b.data, b.len, label);
	if (rc < 0 && rc != CAIRN_ENOTFOUND)
		cairn_recs_parse_error(c->recs, label, "pnpm", cairn_error_last());
	cairn_buf_release(&b);
	free(label);
	free(rel);
	/* .modules.yaml is pnpm's; older ones lack packageManager */
	return rc == 0 && (!m->package_manager || !strncmp(m->package_manager, "pnpm@", 5));
}

/* Does the workspaces field of a root manifest (an array of globs, or
 * {"packages": [globs]}) name rel (relative to the root)? */
static int ws_glob_match(const json_t *pj, const char *rel)
{
	const json_t *w = json_object_get(pj, "workspaces");
	size_t i;

	if (json_is_object(w))
		w = json_object_get(w, "packages");
	for (i = 0; i < json_array_size(w); i++) {
		const char *g = json_string_value(json_array_get(w, i));

		if (!g || *g == '!')
			continue;
		if (!strncmp(g, "./", 2))
			g += 2;
		if (fnmatch(g, rel, FNM_PATHNAME | FNM_PERIOD) == 0)
			return 1;
		/* a "**" glob matches across folders */
		if (strstr(g, "**") && fnmatch(g, rel, FNM_PERIOD) == 0)
			return 1;
	}
	return 0;
}

/* The entries of l below prefix ("packages/a/"), re-keyed relative to it;
 * a by_name lock (yarn) is copied whole. */
static cairn_npm_lock *lock_subtree(const cairn_npm_lock *l, const char *prefix)
{
	cairn_npm_lock *s = cairn_calloc(1, sizeof(*s));
	size_t pl = strlen(prefix), i, n = 0, lo = 0, hi = l->n;
	cairn_buf p = CAIRN_BUF_INIT;

	/* the keys below prefix (sorted: one run), found by bisection and
	 * sized to fit: a scan of the whole lockfile and an array of its
	 * size for each of thousands of workspaces took time and memory
	 * quadratic in their number (4000: 622 MB) */
	if (!l->by_name) {
		cairn_buf_addf(&p, "%snode_modules/", prefix);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(l->v[mid].key, p.data) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (hi = lo; hi < l->n && !strncmp(l->v[hi].key, p.data, p.len); hi++)
			;
	}
	s->v = cairn_calloc(hi - lo + 1, sizeof(*s->v));
	for (i = lo; i < hi; i++)
		s->v[n++] = entry_copy(&l->v[i], l->by_name ? l->v[i].key : l->v[i].key + pl);
	cairn_buf_release(&p);
	s->n = n;
	s->lockfile_version = l->lockfile_version;
	s->records_scripts = l->records_scripts;
	s->by_name = l->by_name;
	s->version_text = l->version_text ? cairn_strdup(l->version_text) : NULL;
	cairn_npm_lock_index(s);
	if (l->registry_host) {
		free(s->registry_host);
		s->registry_host = cairn_strdup(l->registry_host);
	}
	return s;
}

/* Has l an entry below dir ("dir/node_modules/...")? */
static int lock_below(const cairn_npm_lock *l, const char *dir)
{
	cairn_buf p = CAIRN_BUF_INIT;
	size_t lo = 0, hi = l->n;
	int yes;

	cairn_buf_addf(&p, "%s/node_modules/", dir);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(l->v[mid].key, p.data) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	yes = lo < l->n && !strncmp(l->v[lo].key, p.data, p.len);
	cairn_buf_release(&p);
	return yes;
}

/* A new workspace member (or v1 file: link target) dir of the project
 * labelled root, whose lockfile is lockfile (or none); the rest zero. */
static ws_member *ws_push(const ctx *c, const char *dir, const char *root, const char *root_dir,
			  const char *lockfile)
{
	ws_state *ws = c->ws;
	ws_member *m;

	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? ws->cap * 2 : 8;
		ws->v = cairn_realloc(ws->v, ws->cap * sizeof(*ws->v));
	}
	if (!ws->index)
		ws->index = json_object();
	if (!json_object_getn(ws->index, dir, strlen(dir)))
		json_object_setn_new_nocheck(ws->index, dir, strlen(dir), json_integer((json_int_t)ws->n));
	m = &ws->v[ws->n++];
	memset(m, 0, sizeof(*m));
	m->dir = cairn_strdup(dir);
	m->root = cairn_strdup(root);
	m->root_dir = cairn_strdup(root_dir);
	m->lockfile = lockfile ? cairn_strdup(lockfile) : NULL;
	return m;
}

static const ws_member *ws_find(const ctx *c, const char *dir)
{
	const json_t *at = c->ws ? json_object_getn(c->ws->index, dir, strlen(dir)) : NULL;

	return at ? &c->ws->v[json_integer_value(at)] : NULL;
}

/* yarn 1 names its cache folder after the install folder (an alias's own
 * name, "wrap-ansi-cjs"); the others by the package's name */
static const char *folder_or_name(const char *key, const char *name, int yarn1)
{
	return yarn1 || !name ? key_name(key) : name;
}

/*
 * Who installed the global package pkgdir (key: its path in the project,
 * "node_modules/npm/node_modules/x"): asked of dpkg for the top-level
 * package that holds it, the unit npm install -g and dpkg install.
 */
static int system_package(const ctx *c, const char *pkgdir, const char *key,
			  const char **owner, const char **why)
{
	size_t pl, tl = 0;
	const char *p = key + 13;
	char *top, *nm;
	int mode;

	if (strncmp(key, "node_modules/", 13) || strlen(pkgdir) < strlen(key))
		return CAIRN_NPM_DPKG_NONE;
	if (*p == '@' && (p = strchr(p, '/')) != NULL)
		p++;
	if (!p || !*p)
		return CAIRN_NPM_DPKG_NONE;
	tl = (size_t)(strchrnul(p, '/') - key);
	pl = strlen(pkgdir) - strlen(key);
	top = cairn_strndup(pkgdir, pl + tl);
	nm = cairn_strndup(pkgdir, pl + 12);
	mode = cairn_npm_dpkg_classify(c->dp, nm, top, owner, why);
	free(top);
	free(nm);
	return mode;
}

/*
 * "files" and "coverage" of an installed package: compared with its
 * tarball when one can be found (lockfile integrity, else the cache
 * index by resolved URL or name and version), else the reason why not
 * (docs/RECORDS.md §Coverage).
 */
static void files_and_coverage(const ctx *c, json_t *rec, json_t *flags, const char *pkgdir,
			       installed *self, const installed *bundler,
			       const cairn_npm_lock_entry *le, const char *integrity,
			       const char *name, const char *version, const struct proj_facts *pf)
{
	const char *key = self->key;
	const char *reason = NULL, *via = NULL, *check = integrity, *status;
	struct pkg_src ps;
	int have_src = 0;
	const char *bname = bundler ? json_string_value(json_object_get(bundler->manifest, "name")) : NULL;
	char *member_prefix = NULL;
	cairn_buf d = CAIRN_BUF_INIT;
	json_t *files = json_null();
	int verified = 0;
	/* a link or a folder: local code; a file: tarball has an integrity
	 * and is checked like any other */
	int local = le && (le->link || (le->resolved && !strncmp(le->resolved, "file:", 5) &&
					!le->integrity));
	int sys = CAIRN_NPM_DPKG_NONE;
	const char *sys_owner = NULL, *sys_why = NULL;

	/* a global package that a system package installed (npm and
	 * corepack of Debian's nodejs): dpkg's md5sums are the authority */
	if (c->dp && pf->kind && !strcmp(pf->kind, "global") && !local)
		sys = system_package(c, pkgdir, key, &sys_owner, &sys_why);
	if (sys == CAIRN_NPM_DPKG_OWNED || sys == CAIRN_NPM_DPKG_NOSUMS) {
		add_flag(flags, "system_package");
		files = cairn_npm_dpkg_verify(c->dp, c->files, pkgdir, sys_owner, flags, &verified);
		if (verified)
			cairn_buf_addf(&d, "dpkg md5sums of %s", sys_owner);
		else
			cairn_buf_addf(&d, "system package %s: %s", sys_owner,
				       sys_why ? sys_why : "its md5sums could not be read");
		reason = verified ? NULL : "system_package";
		goto out;
	}
	if (sys == CAIRN_NPM_DPKG_REPLACED)
		add_flag(flags, "replaces_system_package");
	if (!bname)
		bname = "its parent";
	/* a bundled package came inside its bundler's tarball (npm trims
	 * bundled folders: its own release is no reference): it is compared
	 * with the members of that tarball, when the bundler was verified */
	if (bundler && bundler->tar_integrity) {
		check = bundler->tar_integrity;
		member_prefix = cairn_strdup(key + strlen(bundler->tar_owner) + 1);
		member_prefix = cairn_realloc(member_prefix, strlen(member_prefix) + 2);
		strcat(member_prefix, "/");
	} else if (bundler || (le && le->in_bundle)) {
		check = NULL;
	} else if (!check && !local && c->o->cache) {
		if (le && le->resolved)
			check = cairn_npm_cache_find_tarball(c->o->cache, le->resolved, NULL, NULL, &via);
		if (!check)
			check = cairn_npm_cache_find_tarball(c->o->cache, NULL, name, version, &via);
		if (check)
			add_flag(flags, "integrity_from_cache_index");
	}
	ps = pf->src;
	ps.name = folder_or_name(key, name, ps.yarn1);
	ps.version = version;
	ps.resolved = le ? le->resolved : NULL;
	if (ps.pnpm && c->o->pnpm_storefd >= 0 && !bundler) {
		char *pl = file_label(c, pkgdir);

		/* pnpm: every file against the integrity the store's index
		 * gives it */
		files = cairn_pnpm_verify(c->recs, c->o->pnpm_storefd, c->rootfd, c->files,
					  c->pnpm_locks, pkgdir, check, name, version, ps.resolved,
					  flags, pl);
		free(pl);
		have_src = 1;
	} else if (!strcmp(ps.manager, "bun") && c->o->bun_cachefd >= 0 && c->cachefd < 0 &&
		   !bundler && !local) {
		char *pl = file_label(c, pkgdir);

		/* bun: the folder bun extracted into its cache */
		files = cairn_bun_cache_verify(c->o->bun_cachefd, c->rootfd, c->files, pkgdir,
					       folder_or_name(key, name, 0), version, flags, pl);
		free(pl);
		have_src = 1;
	} else if (((ps.yarn1 && c->o->yarn_cachefd >= 0) || ps.berry_fd >= 0) && !bundler) {
		char *pl = file_label(c, pkgdir);

		files = verify_pkg(c, pkgdir, check, member_prefix, flags, pl, &ps);
		free(pl);
		have_src = 1;
	} else if (c->cachefd >= 0 && !ps.berry) {
		char *pl = file_label(c, pkgdir);

		files = verify_pkg(c, pkgdir, check, member_prefix, flags, pl, NULL);
		free(pl);
		have_src = 1;
	}
	status = json_string_value(json_object_get(files, "status"));
	if (local) {
		reason = "link";
		cairn_buf_addstr(&d, le->link ? "the lockfile entry links a local folder"
				 : "a file: dependency (a local folder)");
	} else if (bundler && !bundler->tar_integrity) {
		/* not verified for the reason its bundler was not */
		reason = bundler->reason ? bundler->reason : "bundled";
		cairn_buf_addf(&d, "shipped inside the tarball of %s, not verified: %s", bname,
			       bundler->detail ? bundler->detail : "?");
	} else if (!check && (bundler || (le && le->in_bundle))) {
		reason = "bundled";
		cairn_buf_addf(&d, "shipped inside the tarball of %s (inBundle)", bname);
	} else if (!check) {
		if (pf->kind && !strcmp(pf->kind, "global")) {
			reason = "global_no_lockfile";
			cairn_buf_addstr(&d, "a global install: npm keeps no lockfile for them");
		} else if (!pf->lock_name && pf->other_lock && !strcmp(pf->other_lock, "bun.lockb")) {
			/* the parse_error's words: the report counts the gap
			 * once, here (docs/RULES.md §Coverage) */
			reason = "binary_lockfile";
			cairn_buf_addstr(&d, pf->binary_lock ? pf->binary_lock : "bun.lockb not read");
		} else if (!pf->lock_name && pf->other_lock) {
			reason = "lockfile_unsupported";
			cairn_buf_addf(&d, "the project has %s, not an npm lockfile", pf->other_lock);
		} else if (!pf->lock_name && pf->kind && !strcmp(pf->kind, "outside_root")) {
			reason = "no_lockfile";
			cairn_buf_addstr(&d, "the snapshot root is a node_modules folder: the project's "
					 "lockfile is outside it (snapshot the project folder)");
		} else if (!pf->lock_name) {
			reason = "no_lockfile";
			cairn_buf_addstr(&d, "the project has no package-lock.json, npm-shrinkwrap.json "
					 "or node_modules/.package-lock.json");
		} else if (!le) {
			reason = "not_locked";
			cairn_buf_addf(&d, "%s has no entry %s", pf->lock_name, key);
		} else {
			reason = "no_integrity";
			cairn_buf_addstr(&d, has_str_prefix(le->resolved, "git") || has_str_prefix(le->version, "git") ||
					 has_str_prefix(le->resolved, "github:") ?
					 "a git dependency: the lockfile names a commit, not a tarball hash" :
					 "the lockfile entry has no integrity");
		}
		if (c->o->cache)
			cairn_buf_addf(&d, "; the npm cache index has no tarball for %s@%s",
				       name ? name : key_name(key), version ? version : "?");
		else if (c->cachefd < 0 && strcmp(reason, "lockfile_unsupported"))
			cairn_buf_addstr(&d, "; no npm cache to look the tarball up in");
	} else if (!have_src) {
		reason = "no_cache";
		if (ps.pnpm)
			cairn_buf_addstr(&d, "a pnpm install: no pnpm store given (--pnpm-store, the "
					 "storeDir of node_modules/.modules.yaml)");
		else if (ps.berry)
			cairn_buf_addstr(&d, "a yarn 2+ install: no .yarn/cache in the project and no "
					 "--yarn-cache (its zip archives)");
		else
			cairn_buf_addstr(&d, c->o->no_cache_detail ? c->o->no_cache_detail : "no npm cache");
	} else if (status && !strcmp(status, "verified")) {
		verified = 1;
		if (!strcmp(ps.manager, "bun") && c->o->bun_cachefd >= 0 && c->cachefd < 0 && !bundler)
			cairn_buf_addf(&d, "compared with bun's cached copy %s (bun keeps no tarball: "
				       "the folder it extracted, not checked against the integrity)",
				       json_string_value(json_object_get(files, "source")));
		else if (bundler)
			cairn_buf_addf(&d, "compared with the tarball of %s, which bundles it", bname);
		else if (via)
			cairn_buf_addf(&d, "integrity from the npm cache index: the tarball npm "
				       "fetched from %s", via);
	} else {
		const char *msg = json_string_value(json_object_get(files, "message"));

		reason = status && cairn_coverage_reason_find(status) ? status : "not_in_cache";
		if (msg)
			cairn_buf_addstr(&d, msg);
		else if (!strcmp(reason, "not_in_cache"))
			cairn_buf_addstr(&d, "the npm cache has no tarball with this integrity");
	}
	if (sys == CAIRN_NPM_DPKG_UNKNOWN && reason && !strcmp(reason, "global_no_lockfile")) {
		reason = "system_package";
		cairn_buf_clear(&d);
		cairn_buf_addf(&d, "in usr/lib/node_modules, where Debian's nodejs package installs "
			       "npm and corepack; no dpkg database to check it against: %s "
			       "(if npm install -g put it there, --npm-cache verifies it)", sys_why);
	}
out:
	json_object_set_new(rec, "files", files);
	json_object_set_new(rec, "coverage", cairn_coverage_package(verified, reason, d.data));
	/* what the packages it bundles inherit */
	if (verified) {
		self->tar_integrity = bundler ? bundler->tar_integrity : check;
		self->tar_owner = bundler ? bundler->tar_owner : self->key;
	}
	self->reason = reason;
	self->detail = cairn_buf_detach(&d, NULL);
	free(member_prefix);
}

/* The run [*lo, *hi) of c->projects (sorted) that starts "proj/": the
 * project folders below proj; every one for the tree root.  A walk of the
 * whole list from each project was quadratic in the projects. */
static void projects_below(const ctx *c, const char *proj, size_t *lo, size_t *hi)
{
	cairn_buf p = CAIRN_BUF_INIT;

	*lo = 0;
	*hi = c->nprojects;
	if (!*proj)
		return;
	cairn_buf_addf(&p, "%s/", proj);
	*lo = cairn_strv_lower_bound((const char *const *)c->projects, c->nprojects, p.data);
	/* "proj0" ('/' + 1) is the first string past that run */
	p.data[p.len - 1] = '/' + 1;
	*hi = cairn_strv_lower_bound((const char *const *)c->projects, c->nprojects, p.data);
	cairn_buf_release(&p);
}

/*
 * A root's workspace members: every project folder below proj that its
 * lockfile has an entry for (npm packages["packages/a"], pnpm importers)
 * or that its package.json workspaces name.  Each is remembered for its
 * own analysis (later: the list is sorted, a root comes first), and its
 * declared dependencies become required_by edges of the root's installed
 * packages (Node resolves them upward, into the root's node_modules).
 */
static void ws_collect(const ctx *c, const char *proj, const char *project_label,
		       const json_t *pj, const cairn_npm_lock *used, const cairn_npm_lock *by_name,
		       const char *lock_path, installed *inst, size_t ninst, json_t *prec,
		       int store_links)
{
	size_t i, plen = *proj ? strlen(proj) + 1 : 0, first = c->ws->n, lo, hi;
	json_t *names = json_array(), *dirs = json_array();
	cairn_npm_lock *whole = NULL;

	projects_below(c, proj, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const char *d = c->projects[i];
		const char *rel = d + plen;
		cairn_buf prefix = CAIRN_BUF_INIT;
		ws_member *m;
		json_t *mpj;
		char *mrel;
		int pres;

		if (!strcmp(d, proj) || (plen && (strncmp(d, proj, plen - 1) || d[plen - 1] != '/')))
			continue;
		/* inside node_modules: a package, not a member */
		if (strstr(rel, "node_modules"))
			continue;
		/* (an entry "packages/a/node_modules/x" without one for
		 * "packages/a" is the root lockfile's too) */
		if (!(used && !used->by_name && (cairn_npm_lock_find(used, rel) || lock_below(used, rel))) &&
		    !ws_glob_match(pj, rel))
			continue;
		if (ws_find(c, d))
			continue;
		m = ws_push(c, d, project_label, proj, lock_path);
		cairn_buf_addf(&prefix, "%s/", rel);
		if (by_name) {
			/* a by-name lock (yarn's) is every member's whole:
			 * one copy they share.  A copy each was memory
			 * quadratic (2,000 members of a yarn.lock of 2,000
			 * entries: 1.4 GB) */
			m->lock_shared = whole != NULL;
			if (!whole)
				whole = lock_subtree(by_name, prefix.data);
			m->lock = whole;
		} else {
			m->lock = used ? lock_subtree(used, prefix.data) : NULL;
		}
		cairn_buf_release(&prefix);
		mrel = cairn_path_join(d, "package.json");
		mpj = read_json(c, mrel, CAIRN_CAP_MANIFEST, &pres);
		if (json_is_string(json_object_get(mpj, "name"))) {
			/* npm's workspace edge: the root requires the link
			 * node_modules/<name> to the member */
			const char *mname = json_string_value(json_object_get(mpj, "name"));
			char *lk = cairn_path_join("node_modules", mname);
			installed *hit = (installed *)find_installed(inst, ninst, lk);

			/* (a file: dependency's folder has a lockfile entry
			 * too, but no workspaces glob names it) */
			if (hit && hit->link && !bad_name(mname) && ws_glob_match(pj, rel)) {
				json_t *r = json_string(rel);

				add_edge(hit, "", r, "workspaces");
				json_decref(r);
			}
			free(lk);
			json_array_append(names, json_object_get(mpj, "name"));
		}
		json_array_append_new(dirs, json_string(rel));
		upward_edges(c, proj, inst, ninst, rel, mpj, store_links);
		json_decref(mpj);
		free(mrel);
	}
	cairn_json_sort_strings(names);
	for (i = first; i < c->ws->n; i++)
		c->ws->v[i].packages = json_incref(names);
	json_object_set_new(prec, "workspace_members", dirs);
	json_object_set_new(prec, "workspace_packages", names);
}

/*
 * The names of a member's workspace (packages: sorted, strcmp) that its
 * package.json declares with a string spec in one of cairn_pkg_sections,
 * sorted, once each: all CAIRN-P01 needs of the workspace to tell a
 * dependency on a sibling ("a": "*") from an unpinned one.  Each member
 * repeating the whole list made the snapshot grow with the square of the
 * members (4,000: 155 MB; 20,000 empty folders: 3.7 GB); this is bounded
 * by the member's own manifest.  The root's record keeps the whole list.
 */
static json_t *ws_declared(const json_t *pj, const json_t *packages)
{
	size_t np = json_array_size(packages), i, k;
	json_t *out = json_array(), *uniq = json_array();

	for (i = 0; np && i < 4; i++) {
		const json_t *d = json_object_get(pj, cairn_pkg_sections[i]);
		const char *name;
		json_t *v;

		if (!json_is_object(d))
			continue;
		json_object_foreach((json_t *)d, name, v) {
			size_t lo = 0, hi = np;

			if (!json_is_string(v))
				continue;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				const char *s = json_string_value(json_array_get(packages, mid));

				if (strcmp(s ? s : "", name) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < np && !strcmp(json_string_value(json_array_get(packages, lo)), name))
				json_array_append(out, json_array_get(packages, lo));
		}
	}
	cairn_json_sort_strings(out);
	for (k = 0; k < json_array_size(out); k++)
		if (!k || strcmp(json_string_value(json_array_get(out, k)),
				 json_string_value(json_array_get(out, k - 1))))
			json_array_append(uniq, json_array_get(out, k));
	json_decref(out);
	return uniq;
}

/* required_by sorted by from, then section */
static json_t *sorted_edges(const json_t *edges)
{
	size_t ne = json_array_size(edges), q;
	json_t **ev = cairn_malloc((ne + 1) * sizeof(*ev));
	json_t *sorted = json_array();

	for (q = 0; q < ne; q++)
		ev[q] = json_array_get(edges, q);
	if (ne > 1)
		qsort(ev, ne, sizeof(*ev), cairn_pkg_required_by_cmp);
	for (q = 0; q < ne; q++)
		json_array_append(sorted, ev[q]);
	free(ev);
	return sorted;
}

/* The manifest of key's parent: the project's for a top-level package,
 * else the enclosing package's (NULL when unreadable). */
static const json_t *parent_manifest_of(const installed *inst, size_t ninst, const char *key,
					const json_t *pj)
{
	const char *last = strstr(key, "/node_modules/");
	const char *p2;
	const installed *pi;
	char *pk;

	while (last && (p2 = strstr(last + 1, "/node_modules/")))
		last = p2;
	if (!last)
		return pj;
	pk = cairn_strndup(key, (size_t)(last - key));
	pi = find_installed(inst, ninst, pk);
	free(pk);
	return pi ? pi->manifest : NULL;
}

/*
 * Symlinked packages (npm workspaces and file: links, yarn/bun links, a
 * link to another installed package): a symlink at a package position of
 * node_modules is read, never followed.  In a pnpm project, one that
 * leads to a package installed in it (its links into .pnpm) is that
 * package's required_by edge, not a record.  Any other is a record of its
 * own with flag link and link_target as written, named from the
 * package.json where its chain of links ends when that lies inside the
 * root, flagged link_outside_root (absolute, or climbing out),
 * link_dangling (unreadable, or no package.json there) or link_loop.  Its
 * files are the target's, verified where they are (a workspace member is
 * a project of its own).  Its required_by are the dependents that
 * resolve to it (Node resolves the name to the link).
 */
static void link_records(const ctx *c, const char *project_label, const char *manager,
			 const cairn_npm_lock *used, const char *lock_name, const json_t *pj,
			 installed *inst, size_t ninst)
{
	size_t i;

	for (i = 0; i < ninst; i++) {
		const installed *in = &inst[i];
		const char *rel = in->key, *range, *section;
		const cairn_npm_lock_entry *le;
		char *mrel = NULL;
		json_t *rec, *flags, *mj = NULL;
		int pres = 0;

		if (!in->link)
			continue;
		flags = json_array();
		add_flag(flags, "link");
		if (!in->link_res) {
			add_flag(flags, in->link_why ? in->link_why : "link_dangling");
		} else {
			mrel = cairn_path_join(in->link_res, "package.json");
			if (cairn_pkg_files_find(c->files, mrel))
				mj = read_json(c, mrel, CAIRN_CAP_MANIFEST, &pres);
			else
				add_flag(flags, "link_dangling");
		}
		if (pj && !in->reachable)
			add_flag(flags, "extraneous");
		le = used ? cairn_npm_lock_find(used, rel) : NULL;
		rec = npm_record_new(manager, project_label, rel,
				     json_string_value(json_object_get(mj, "name")),
				     json_string_value(json_object_get(mj, "version")), le, lock_name);
		declared(parent_manifest_of(inst, ninst, rel, pj), key_name(rel), &range, &section);
		set_str(rec, "declared_range", range);
		json_object_set_new(rec, "declared_in", jstr(section));
		json_object_set_new(rec, "required_by", sorted_edges(in->required_by));
		/* the link's lock entry ({"link": true}) has no scripts: the
		 * target's entry would */
		json_object_set_new(rec, "lock_has_install_script", json_false());
		json_object_set_new(rec, "file_count", json_integer(1));
		if (in->link_text)
			set_str(rec, "link_target", in->link_text);
		cairn_json_sort_strings(flags);
		json_object_set_new(rec, "flags", flags);
		json_object_set_new(rec, "files", json_null());
		/* a link has nothing published of its own: its target is
		 * checked where it lies (a workspace member is a project) */
		json_object_set_new(rec, "coverage", cairn_coverage_package(0, "link",
			!in->link_res && in->link_why && !strcmp(in->link_why, "link_outside_root") ?
			"a symlink out of the root: not followed, not read" :
			mj ? "a symlink to a folder inside the root, verified where it lies" :
			in->link_res ? "a symlink to a folder inside the root without package.json" :
			"a symlink that leads nowhere (unreadable, or a loop)"));
		cairn_recs_add(c->recs, rec, cairn_recs_key("npm", project_label, rel, (char *)NULL));
		json_decref(mj);
		free(mrel);
	}
}

/* Does key lie below an installed link?  (Lockfile v1 nests a file:
 * link's dependencies under it: they are installed in its target, whose
 * own project reads them.) */
static int below_link(const installed *inst, size_t ninst, const char *key)
{
	const char *p = key;

	while ((p = strstr(p + 1, "/node_modules/"))) {
		char *anc = cairn_strndup(key, (size_t)(p - key));
		const installed *up = find_installed(inst, ninst, anc);

		free(anc);
		if (up && up->link)
			return 1;
	}
	return 0;
}

/*
 * Which installed packages the project reaches (npm's "extraneous" is
 * the others): from its own manifest (edges from ""), from its workspace
 * members and the folders its reached links lead to, and on through the
 * packages reached; a reached link reaches the package it leads to.
 */
static void reach(const ctx *c, const char *proj, installed *inst, size_t ninst)
{
	size_t i, q, pass;
	size_t plen = *proj ? strlen(proj) + 1 : 0;
	int changed = 1;

	for (pass = 0; changed && pass <= ninst + 1; pass++) {
		changed = 0;
		for (i = 0; i < ninst; i++) {
			installed *in = &inst[i];

			for (q = 0; !in->reachable && q < json_array_size(in->required_by); q++) {
				const char *from = json_string_value(json_object_get(
					json_array_get(in->required_by, q), "from"));
				const installed *fi;

				if (!*from) {
					in->reachable = 1;
				} else if ((fi = find_installed(inst, ninst, from))) {
					in->reachable = fi->reachable;
				} else {
					/* a folder outside node_modules */
					char *full = cairn_path_join(proj, from);
					size_t j;

					if (ws_find(c, full))
						in->reachable = 1;
					for (j = 0; !in->reachable && j < ninst; j++)
						if (inst[j].link && inst[j].reachable && inst[j].link_res &&
						    !strcmp(inst[j].link_res, full))
							in->reachable = 1;
					free(full);
				}
				if (in->reachable)
					changed = 1;
			}
			/* a reached link reaches what it leads to in this project */
			if (in->link && in->reachable && in->link_res &&
			    (!plen || (!strncmp(in->link_res, proj, plen - 1) && in->link_res[plen - 1] == '/'))) {
				installed *t = (installed *)find_installed(inst, ninst, in->link_res + plen);

				if (t && !t->reachable) {
					t->reachable = 1;
					changed = 1;
				}
			}
		}
	}
}

static int count_cb(void *arg, const cairn_tar_member *m)
{
	if (m->kind == CAIRN_TAR_FILE)
		(*(long *)arg)++;
	return 0;
}

/*
 * The dependency graph yarn PnP loads from (pnpdata.h): what .pnp.cjs
 * embeds (RAW_RUNTIME_STATE, or yarn 2's inline object), else
 * .pnp.data.json (yarn's split mode, whose .pnp.cjs reads that file).
 * The loader file comes first because it decides what Node loads: a
 * .pnp.data.json beside an inlined .pnp.cjs is not read by Node.  With
 * Berry's yarn.lock attached for the ranges.  NULL (a parse_error when a
 * file is unreadable or not what yarn writes) when there is none.
 */
static cairn_pnp *read_pnp_graph(const ctx *c, const char *proj)
{
	static const char *const files[] = { ".pnp.cjs", ".pnp.js", ".pnp.data.json", NULL };
	cairn_pnp *g = NULL;
	size_t i;
	int rc = CAIRN_ENOTFOUND;

	for (i = 0; files[i] && rc == CAIRN_ENOTFOUND; i++) {
		cairn_buf b = CAIRN_BUF_INIT;
		char *rel = cairn_path_join(proj, files[i]);
		char *label = file_label(c, rel);
		int data = !strcmp(files[i], ".pnp.data.json");

		/* a loader without the state (split mode) reads .pnp.data.json */
		if (cairn_pkg_files_find(c->files, rel) &&
		    (rc = cairn_safe_read(&b, c->rootfd, rel, CAIRN_CAP_LOCKFILE, label)) == 0)
			rc = cairn_pnp_parse(&g, b.data ? b.data : "", b.len,
					     data ? CAIRN_PNP_DATA : CAIRN_PNP_CJS, label);
		if (rc < 0 && rc != CAIRN_ENOTFOUND)
			cairn_recs_parse_error(c->recs, label, "yarn", cairn_error_last());
		cairn_buf_release(&b);
		free(label);
		free(rel);
	}
	if (g) {
		cairn_buf b = CAIRN_BUF_INIT;
		char *rel = cairn_path_join(proj, "yarn.lock");
		json_t *lock = NULL;

		/* (its errors were reported when the lockfile was read) */
		if (cairn_safe_read(&b, c->rootfd, rel, CAIRN_CAP_LOCKFILE, rel) == 0 &&
		    cairn_yaml_to_json(&lock, b.data ? b.data : "", b.len, rel) == 0)
			cairn_pnp_attach_lock(g, lock);
		json_decref(lock);
		cairn_buf_release(&b);
		free(rel);
	}
	return g;
}

/* A workspace's package.json for cairn_pnp_required_by, read once and
 * quietly (its own project reports its errors). */
struct pnp_manifests {
	const ctx *c;
	const char *proj;
	json_t *seen;   /* folder -> manifest or null */
};

static const json_t *pnp_manifest(void *arg, const char *folder)
{
	struct pnp_manifests *pm = arg;
	json_t *m = json_object_get(pm->seen, folder);
	cairn_buf b = CAIRN_BUF_INIT;
	char *dir, *rel;

	if (m)
		return json_is_object(m) ? m : NULL;
	dir = cairn_path_join(pm->proj, folder);
	rel = cairn_path_join(dir, "package.json");
	m = NULL;
	/* only a folder of the walked tree (never "..", never a link) */
	if (!strstr(folder, "..") && cairn_pkg_files_find(pm->c->files, rel) &&
	    cairn_safe_read(&b, pm->c->rootfd, rel, CAIRN_CAP_MANIFEST, rel) == 0)
		m = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(m)) {
		json_decref(m);
		m = json_null();
	}
	json_object_set_new(pm->seen, folder, m);
	cairn_buf_release(&b);
	free(rel);
	free(dir);
	return json_is_object(m) ? m : NULL;
}

/*
 * yarn 2+ Plug'n'Play (.pnp.cjs or .pnp.data.json beside a Berry
 * yarn.lock): there is no node_modules; Node loads each package from its
 * zip archive (.yarn/cache, else the global cache, --yarn-cache).  One
 * record per lockfile entry, path its resolution ("debug@npm:4.3.4"),
 * flag pnp.  The archive is the installed code: it is verified when its
 * SHA-512 is the lockfile checksum (and libzip reads it strictly); other
 * bytes are the archive modified.  A package yarn unplugged
 * (.yarn/unplugged/<name>-npm-<version>-<hash>/node_modules/<name>:
 * install scripts, dependenciesMeta) runs from that folder, compared file
 * by file with its archive.  Returns the number of records.
 */
static size_t pnp_records(const ctx *c, const char *proj, const char *project_label,
			  const cairn_npm_lock *lock, int berry_fd, const char *lock_name,
			  const json_t *pj)
{
	size_t i, n = 0;
	cairn_pnp *graph = read_pnp_graph(c, proj);
	struct pnp_manifests pm = { c, proj, json_object() };

	for (i = 0; lock && i < lock->n; i++) {
		const cairn_npm_lock_entry *e = &lock->v[i];
		json_t *rec, *flags, *files = json_null();
		cairn_buf up = CAIRN_BUF_INIT, zb = CAIRN_BUF_INIT, d = CAIRN_BUF_INIT;
		const char *path = e->resolved ? e->resolved : e->key;
		const char *reason = NULL;
		char *pkgdir = NULL, *src = NULL, *label;
		char hex[65] = "";
		long count = 0;
		size_t lo, hi, k;
		int verified = 0;

		if (!e->name || !e->version)
			continue;
		flags = json_array();
		add_flag(flags, "pnp");
		label = file_label(c, *proj ? proj : ".");
		/* unplugged: .yarn/unplugged/<name, '/' as '-'>-npm-<version>-<hash>/ */
		if (*proj)
			cairn_buf_addf(&up, "%s/", proj);
		cairn_buf_addstr(&up, ".yarn/unplugged/");
		for (k = 0; e->name[k]; k++)
			cairn_buf_addch(&up, e->name[k] == '/' ? '-' : e->name[k]);
		cairn_buf_addf(&up, "-npm-%s-", e->version);
		lo = cairn_pkg_files_range(c->files, up.data, &hi);
		if (lo < hi && !strchr(e->version, '/') && !bad_name(e->name)) {
			const char *fp = c->files->v[lo].path;
			const char *sl = strchr(fp + up.len, '/');

			if (sl) {
				cairn_buf_clear(&d);
				cairn_buf_add(&d, fp, (size_t)(sl - fp));
				cairn_buf_addf(&d, "/node_modules/%s", e->name);
				pkgdir = cairn_buf_detach(&d, NULL);
			}
		}
		if (pkgdir && berry_fd >= 0 && e->integrity) {
			struct pkg_src ps;

			memset(&ps, 0, sizeof(ps));
			ps.manager = "yarn";
			ps.berry = 1;
			ps.berry_fd = berry_fd;
			ps.unplugged = 1;
			ps.name = e->name;
			ps.version = e->version;
			ps.resolved = e->resolved;
			files = verify_pkg(c, pkgdir, e->integrity, NULL, flags, label, &ps);
			content_digest(c, pkgdir, hex, &count);
		} else if (berry_fd >= 0 && e->integrity) {
			int rc = cairn_berry_zip_read(&zb, &src, berry_fd, e->name, e->version, e->integrity);
			json_t *mod = json_array();
			const char *status = "verified", *msg = NULL;

			if (rc == 0) {
				cairn_buf pre = CAIRN_BUF_INIT;
				unsigned char dg[32];

				cairn_buf_addf(&pre, "node_modules/%s/", e->name);
				if (cairn_zip_scan(zb.data, zb.len, pre.data, count_cb, &count, src) < 0) {
					status = "zip_refused";
					msg = cairn_error_last();
					cairn_recs_parse_error(c->recs, label, "zip", msg);
				}
				cairn_buf_release(&pre);
				cairn_pkg_sha256(dg, zb.data, zb.len);
				for (k = 0; k < 32; k++)
					snprintf(hex + 2 * k, 3, "%02x", dg[k]);
			} else if (rc == CAIRN_EVERIFY) {
				/* the code PnP loads is not what the lockfile names */
				json_array_append_new(mod, cairn_json_bytes_item(src, strlen(src)));
				add_flag(flags, "files_modified");
				msg = cairn_error_last();
			} else {
				status = "not_in_cache";
				msg = rc == CAIRN_ENOTFOUND ? NULL : cairn_error_last();
			}
			files = json_object();
			json_object_set_new(files, "status", json_string(status));
			json_object_set_new(files, "source", jstr(src));
			json_object_set_new(files, "matching", json_integer(rc == 0 && !strcmp(status, "verified") ? count : 0));
			json_object_set_new(files, "modified", mod);
			json_object_set_new(files, "added", json_array());
			json_object_set_new(files, "missing", json_array());
			set_str(files, "message", msg);
		}
		{
			const char *status = json_string_value(json_object_get(files, "status"));

			cairn_buf_clear(&d);
			if (!e->integrity) {
				reason = "no_integrity";
				cairn_buf_addstr(&d, "the yarn.lock entry has no checksum");
			} else if (!status) {
				reason = "no_cache";
				cairn_buf_addstr(&d, "a yarn PnP install: no .yarn/cache in the project and no "
						 "--yarn-cache (its zip archives, which Node loads)");
			} else if (!strcmp(status, "verified")) {
				verified = 1;
				cairn_buf_addf(&d, pkgdir ? "unplugged by yarn: its files compared with %s"
						 : "a yarn PnP install: Node loads it from %s, whose SHA-512 is "
						   "the lockfile checksum",
					       json_string_value(json_object_get(files, "source")) ?
					       json_string_value(json_object_get(files, "source")) : "its archive");
			} else {
				reason = cairn_coverage_reason_find(status) ? status : "not_in_cache";
				cairn_buf_addstr(&d, json_string_value(json_object_get(files, "message")) ?
						 json_string_value(json_object_get(files, "message")) :
						 "a yarn PnP install: its zip archive is in neither .yarn/cache "
						 "nor --yarn-cache");
			}
		}
		/* the archive the checksum names holds this version */
		rec = npm_record_new("yarn", project_label, path, e->name, e->version, e, lock_name);
		/* the graph Node resolves by: who requires it, and whether a
		 * workspace reaches it at all (npm's meaning of extraneous) */
		json_object_set_new(rec, "required_by", cairn_pnp_required_by(graph, path, pnp_manifest, &pm));
		if (graph && pj && !cairn_pnp_reached(graph, path))
			add_flag(flags, "extraneous");
		json_object_set_new(rec, "file_count", json_integer(count));
		json_object_set_new(rec, "content_sha256", *hex ? json_string(hex) : json_null());
		if (pkgdir)
			set_str(rec, "unplugged", pkgdir + (*proj ? strlen(proj) + 1 : 0));
		cairn_json_sort_strings(flags);
		json_object_set_new(rec, "flags", flags);
		json_object_set_new(rec, "files", files);
		json_object_set_new(rec, "coverage", cairn_coverage_package(verified, reason, d.data));
		cairn_recs_add(c->recs, rec, cairn_recs_key("npm", project_label, path, (char *)NULL));
		n++;
		free(label);
		free(pkgdir);
		free(src);
		cairn_buf_release(&up);
		cairn_buf_release(&zb);
		cairn_buf_release(&d);
	}
	cairn_pnp_free(graph);
	json_decref(pm.seen);
	return n;
}

static void analyze_project(const ctx *c, const char *proj)
{
	char *pj_rel = cairn_path_join(proj, "package.json");
	char *lock_rel = cairn_path_join(proj, "package-lock.json");
	char *shrink_rel = cairn_path_join(proj, "npm-shrinkwrap.json");
	char *hidden_rel = cairn_path_join(proj, "node_modules/.package-lock.json");
	char *nm_prefix = cairn_path_join(proj, "node_modules/");
	char *project_label = c->label_prefix ? cairn_path_join(c->label_prefix, proj)
					      : cairn_strdup(proj);
	int present = 0, hidden_present = 0;
	/* outside: the folder around a node_modules snapshot root is not part
	 * of the snapshot: its package.json and lockfiles are not read */
	int outside = c->o->outside_root && !*proj;
	json_t *pj = outside ? NULL : read_json(c, pj_rel, CAIRN_CAP_MANIFEST, &present);
	cairn_npm_lock *lock = NULL, *hidden = NULL;
	cairn_npm_lock *used;
	const char *lock_name = NULL;
	const char *hidden_name = "node_modules/.package-lock.json";
	cairn_pnpm_modules modules;
	const char *manager = "npm";
	int pnpm, yarn1 = 0, berry = 0, binary_lock = 0, berry_fd = -1, pnp = 0, nm_link;
	int lock_borrowed = 0;    /* lock is member->lock, not this pass's */
	cairn_buf binary_msg = CAIRN_BUF_INIT;  /* bun.lockb not read */
	int bun_iso = 0;          /* bun's isolated layout (node_modules/.bun) */
	int root_lock = 0;        /* lock is the workspace root's */
	cairn_npm_lock *unbound = NULL;  /* a by-name lock before binding */
	size_t npnp = 0;
	const ws_member *member = ws_find(c, proj);
	char *lock_path = NULL;
	installed *inst = NULL;
	size_t ninst = 0, cinst = 0, lo, hi, i;
	size_t plen = *proj ? strlen(proj) + 1 : 0;
	json_t *prec;
	struct proj_facts pf;

	/* pnpm: its lockfile, or its node_modules layout, says so; a
	 * package-lock.json beside an install pnpm made does not describe it */
	memset(&modules, 0, sizeof(modules));
	{
		char *nmrel = cairn_path_join(proj, "node_modules");
		const cairn_pkg_file *nf = cairn_pkg_files_find(c->files, nmrel);

		nm_link = nf && nf->type == CAIRN_T_SYMLINK;
		free(nmrel);
	}
	pnpm = !outside && !nm_link && read_pnpm_modules(c, proj, &modules);
	if (!pnpm && !outside) {
		char *pl = cairn_path_join(proj, "pnpm-lock.yaml");
		char *nl = cairn_path_join(proj, "package-lock.json");
		char *sl = cairn_path_join(proj, "npm-shrinkwrap.json");

		pnpm = cairn_pkg_files_find(c->files, pl) && !cairn_pkg_files_find(c->files, nl) &&
		       !cairn_pkg_files_find(c->files, sl);
		free(pl);
		free(nl);
		free(sl);
	}
	if (pnpm) {
		manager = "pnpm";
		if ((lock = read_pnpm_lock(c, proj, "pnpm-lock.yaml")))
			lock_name = "pnpm-lock.yaml";
		hidden = read_pnpm_lock(c, proj, "node_modules/.pnpm/lock.yaml");
		hidden_name = "node_modules/.pnpm/lock.yaml";
		hidden_present = hidden != NULL;
	} else if (!outside) {
		lock = read_lock(c, shrink_rel, &present);
		if (lock)
			lock_name = "npm-shrinkwrap.json";
		else if ((lock = read_lock(c, lock_rel, &present)))
			lock_name = "package-lock.json";
		else if ((lock = read_other_lock(c, proj, "yarn.lock", "yarn", cairn_yarn_lock_parse))) {
			lock_name = "yarn.lock";
			manager = "yarn";
			yarn1 = !strcmp(lock->version_text, "yarn1");
			berry = !yarn1;
		} else if ((lock = read_other_lock(c, proj, "bun.lock", "bun", cairn_bun_lock_parse))) {
			lock_name = "bun.lock";
			manager = "bun";
		} else {
			char *bl = cairn_path_join(proj, "bun.lockb");

			if (cairn_pkg_files_find(c->files, bl)) {
				char *label = file_label(c, bl);

				manager = "bun";
				binary_lock = 1;
				/* a lockfile not read is a gap, packages
				 * installed or not (a checkout has none to
				 * carry it): cairn does not run bun to print
				 * it, nor parse bun's binary format */
				cairn_buf_addf(&binary_msg, "%s: bun's binary lockfile, not read (cairn "
					       "does not run bun to print it): save a text lockfile "
					       "(bun install --save-text-lockfile; bun 1.2 and later "
					       "write bun.lock), commit bun.lock and snapshot again",
					       label);
				cairn_recs_parse_error(c->recs, label, "bun", binary_msg.data);
				free(label);
			}
			free(bl);
		}
	}
	if (!pnpm && !nm_link)
		hidden = read_lock(c, hidden_rel, &hidden_present);
	if (!lock && member && member->lock) {
		/* a workspace member: the root's lockfile covers it.  A
		 * by-name lock (yarn PnP) is the whole lockfile the members
		 * share: borrowed, copied only to be bound to packages the
		 * member installs (a copy bound for each member took time
		 * and freed memory in the members times the entries) */
		lock_borrowed = member->lock->by_name;
		lock = lock_borrowed ? member->lock : lock_subtree(member->lock, "");
		root_lock = 1;
		lock_name = member->lockfile;
		if (lock->by_name) {
			manager = "yarn";
			yarn1 = lock->version_text && !strcmp(lock->version_text, "yarn1");
		} else if (lock->version_text && !strcmp(lock->version_text, "bun")) {
			manager = "bun";
		} else if (lock->version_text) {
			manager = "pnpm";
			pnpm = 1;
		}
	}
	if (berry) {
		/* Berry's archives: the project's own .yarn/cache (inside the
		 * root, opened without following links), else --yarn-cache */
		char *yc = cairn_path_join(proj, ".yarn/cache");

		berry_fd = cairn_safe_opendir(c->rootfd, yc);
		if (berry_fd < 0)
			berry_fd = c->o->yarn_cachefd >= 0 ? dup(c->o->yarn_cachefd) : -1;
		free(yc);
	}
	if (berry) {
		/* Plug'n'Play: yarn's loader files beside the lockfile */
		static const char *const pnp_files[] = { ".pnp.cjs", ".pnp.data.json", ".pnp.js", NULL };

		for (i = 0; pnp_files[i] && !pnp; i++) {
			char *pf_rel = cairn_path_join(proj, pnp_files[i]);

			pnp = cairn_pkg_files_find(c->files, pf_rel) != NULL;
			free(pf_rel);
		}
	}
	if (lock_borrowed && !lock->registry_host && modules.registry) {
		lock = lock_subtree(lock, "");
		lock_borrowed = 0;
	}
	used = lock ? lock : hidden;
	if (lock_name && !member)
		lock_path = cairn_path_join(proj, lock_name);
	if (used && !used->registry_host && modules.registry) {
		char host[CAIRN_URL_HOST_MAX];

		if (cairn_url_http_host(host, sizeof(host), modules.registry) == 0)
			used->registry_host = cairn_strdup(host);
	}
	/* A global prefix (<prefix>/lib/node_modules): npm writes neither a
	 * package.json nor a lockfile there; it is no project to lock. */
	{
		const char *dir = *proj ? cairn_path_base(proj) : c->o->root_name;
		int is_lib = dir && !strcmp(dir, "lib");

		if (outside)
			pf.kind = is_lib ? "global" : "outside_root";
		else
			pf.kind = is_lib && !lock && !hidden && !member &&
				  !cairn_pkg_files_find(c->files, pj_rel) ? "global" : "project";
	}
	if (!strcmp(manager, "bun")) {
		/* (the file list holds no folders: one below it) */
		char *store = cairn_path_join(proj, "node_modules/.bun/");
		size_t shi, slo = cairn_pkg_files_range(c->files, store, &shi);

		bun_iso = slo < shi;
		free(store);
	}
	pf.lock_name = lock ? lock_name : hidden ? hidden_name : NULL;
	pf.other_lock = outside ? NULL : binary_lock ? "bun.lockb" : other_lockfile(c, proj);
	pf.binary_lock = binary_lock ? binary_msg.data : NULL;
	pf.src.manager = manager;
	pf.src.yarn1 = yarn1;
	pf.src.berry = berry;
	pf.src.berry_fd = berry_fd;
	pf.src.pnpm = pnpm;

	/* a node_modules that is a symlink (out of the root, or elsewhere in
	 * it) is not followed: what it holds is not recorded here, say so */
	{
		char *nmrel = cairn_path_join(proj, "node_modules");
		const cairn_pkg_file *nf = cairn_pkg_files_find(c->files, nmrel);

		if (nm_link && nf) {
			cairn_buf t = CAIRN_BUF_INIT, m = CAIRN_BUF_INIT;
			char *l = file_label(c, nmrel);

			if (cairn_safe_readlink(&t, c->rootfd, nmrel) == 0) {
				cairn_buf_addstr(&m, "node_modules is a symlink to '");
				cairn_escape_bytes(&m, t.data, t.len);
				cairn_buf_addstr(&m, "': not followed, the packages there are not recorded "
						 "(snapshot that folder)");
			} else {
				cairn_buf_addstr(&m, "node_modules is an unreadable symlink: not followed");
			}
			cairn_recs_parse_error(c->recs, l, "npm", m.data);
			free(l);
			cairn_buf_release(&t);
			cairn_buf_release(&m);
		}
		free(nmrel);
	}
	/* installed packages */
	lo = cairn_pkg_files_range(c->files, nm_prefix, &hi);
	for (i = lo; i < hi; i++) {
		const char *rel = c->files->v[i].path + plen;
		size_t kl = installed_key_len(rel);

		if (!kl)
			continue;
		{
			installed *ni = installed_push(&inst, &ninst, &cinst, cairn_strndup(rel, kl));
			int pres;
			char *mrel = cairn_path_join(proj, rel);

			ni->manifest = c->files->v[i].type == CAIRN_T_FILE ?
				read_json(c, mrel, CAIRN_CAP_MANIFEST, &pres) : NULL;
			if (c->files->v[i].type != CAIRN_T_FILE) {
				char *l = file_label(c, mrel);

				cairn_recs_parse_error(c->recs, l, "npm", "package.json is not a regular file");
				free(l);
			}
			free(mrel);
		}
	}
	if (ninst > 1)
		qsort(inst, ninst, sizeof(*inst), installed_cmp);
	/* links at package positions, and package folders without a
	 * package.json (npm's tree loader has a node for each) */
	{
		size_t npkg = ninst;
		char *last_folder = NULL;

		for (i = lo; i < hi; i++) {
			const cairn_pkg_file *f = &c->files->v[i];
			const char *rel = f->path + plen;
			installed *ni;
			size_t fl;

			if (f->type == CAIRN_T_SYMLINK && link_position(rel)) {
				cairn_buf text = CAIRN_BUF_INIT;
				const char *why;
				char *res;

				if ((pnpm || bun_iso) && via_link(c, proj, rel, inst, npkg))
					continue;
				res = link_chain(c, f->path, &text, &why);
				if (res && member && !strcmp(manager, "bun") && in_bun_store(c, member->root_dir, res)) {
					/* a bun workspace member's link into the
					 * root's .bun: that package is the root's
					 * record, this link its edge from the
					 * member (ws_collect) */
					free(res);
					cairn_buf_release(&text);
					continue;
				}
				ni = installed_push(&inst, &ninst, &cinst, cairn_strdup(rel));
				ni->link = 1;
				ni->link_res = res;
				ni->link_why = why;
				ni->link_text = text.len || !why ? cairn_buf_detach(&text, NULL) : NULL;
				cairn_buf_release(&text);
				continue;
			}
			fl = pkg_folder_len(rel);
			if (!fl || installed_key_len(rel) ||
			    (last_folder && strlen(last_folder) == fl && !strncmp(last_folder, rel, fl)))
				continue;
			free(last_folder);
			last_folder = cairn_strndup(rel, fl);
			if (find_installed(inst, npkg, last_folder))
				continue;
			{
				char *mrel = cairn_path_join(proj, last_folder), *l;
				char *pjrel = cairn_path_join(mrel, "package.json");
				int have = cairn_pkg_files_find(c->files, pjrel) != NULL;

				free(pjrel);
				if (have) {
					free(mrel);
					continue;
				}
				l = file_label(c, mrel);
				cairn_recs_parse_error(c->recs, l, "npm",
						       "a package folder without package.json");
				free(l);
				free(mrel);
			}
			ni = installed_push(&inst, &ninst, &cinst, cairn_strdup(last_folder));
			ni->no_manifest = 1;
		}
		free(last_folder);
		if (ninst > 1)
			qsort(inst, ninst, sizeof(*inst), installed_cmp);
		/* a folder seen twice (its files are not all together) */
		for (i = 1, npkg = ninst ? 1 : 0; i < ninst; i++) {
			if (!strcmp(inst[i].key, inst[npkg - 1].key)) {
				free(inst[i].key);
				free(inst[i].link_text);
				free(inst[i].link_res);
				continue;
			}
			inst[npkg++] = inst[i];
		}
		ninst = npkg;
	}
	for (i = 0; i < ninst; i++)
		inst[i].required_by = json_array();
	if (bun_iso && lock && !root_lock && !lock->by_name)
		bind_isolated(lock, inst, ninst);
	if (lock && lock->by_name && !pnp) {
		if (root_lock) {
			if (ninst) {
				cairn_npm_lock *b = bind_member(lock, inst, ninst);

				if (!lock_borrowed)
					cairn_npm_lock_free(lock);
				lock = used = b;
				lock_borrowed = 0;
			}
		} else {
			/* a yarn workspace's members bind the lockfile to
			 * their own packages: they get it unbound */
			if (!member)
				unbound = lock_subtree(lock, "");
			bind_by_name(lock, inst, ninst);
		}
	}
	/* who requires what: resolve each declared dependency of the project
	 * and of every installed package the way Node does (nearest
	 * node_modules/<name> walking up from the dependent) */
	require_edges(c, proj, inst, ninst, "", pj, 1);
	for (i = 0; i < ninst; i++)
		require_edges(c, proj, inst, ninst, inst[i].key, inst[i].manifest, 0);
	prec = json_object();
	if (!member) {
		size_t first = c->ws->n;

		ws_collect(c, proj, project_label, pj, used, used && used->by_name ? used : unbound,
			   lock_path, inst, ninst, prec, bun_iso);
		cairn_npm_lock_free(unbound);
		for (i = first; pnp && i < c->ws->n; i++)
			c->ws->v[i].pnp = 1;
	}
	/* the folders links lead to (file: dependencies, links between
	 * projects) resolve their dependencies from where they lie */
	projects_below(c, proj, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const char *d = c->projects[i];
		json_t *mpj;
		char *mrel;
		int pres;

		if (!strcmp(d, proj) || (plen && (strncmp(d, proj, plen - 1) || d[plen - 1] != '/')))
			continue;
		if (strstr(d + plen, "node_modules") || !link_target_known(c, d) || ws_find(c, d))
			continue;
		mrel = cairn_path_join(d, "package.json");
		mpj = cairn_pkg_files_find(c->files, mrel) ? read_json(c, mrel, CAIRN_CAP_MANIFEST, &pres) : NULL;
		upward_edges(c, proj, inst, ninst, d + plen, mpj, bun_iso);
		json_decref(mpj);
		free(mrel);
	}
	reach(c, proj, inst, ninst);
	/* lockfile v1 nests a file: link's dependencies under the link:
	 * they are installed in its target, a project covered by this
	 * lockfile (re-keyed to it) */
	for (i = 0; used && !used->by_name && i < ninst; i++) {
		cairn_buf prefix = CAIRN_BUF_INIT;
		cairn_npm_lock *sub;
		ws_member *m;
		size_t j;

		if (!inst[i].link || !inst[i].link_res || ws_find(c, inst[i].link_res))
			continue;
		j = cairn_strv_lower_bound((const char *const *)c->projects, c->nprojects,
					   inst[i].link_res);
		if (j == c->nprojects || strcmp(c->projects[j], inst[i].link_res) ||
		    strstr(inst[i].link_res, "node_modules"))
			continue;
		cairn_buf_addf(&prefix, "%s/", inst[i].key);
		sub = lock_subtree(used, prefix.data);
		cairn_buf_release(&prefix);
		if (!sub->n) {
			cairn_npm_lock_free(sub);
			continue;
		}
		m = ws_push(c, inst[i].link_res, project_label, proj, lock_path);
		m->lock = sub;
		m->packages = json_array();
		m->via_link = 1;
	}

	for (i = 0; i < ninst; i++) {
		installed *in = &inst[i];
		const json_t *m = in->manifest;
		json_t *rec, *flags, *scripts, *bin;
		const cairn_npm_lock_entry *le = used ? cairn_npm_lock_find(used, in->key) : NULL;
		const cairn_npm_lock_entry *he = hidden ? cairn_npm_lock_find(hidden, in->key) : NULL;
		const char *folder = key_name(in->key);
		const char *name = json_string_value(json_object_get(m, "name"));
		const char *version = json_string_value(json_object_get(m, "version"));
		const char *integrity = le ? le->integrity : NULL;
		const char *range, *section;
		const json_t *parent_manifest = NULL;
		char *pkgdir = cairn_path_join(proj, in->key);
		char hex[65];
		long count;
		int has_script = 0, gyp = cairn_json_true(m, "gypfile");
		size_t k;

		if (in->link) {
			free(pkgdir);
			continue;
		}
		rec = npm_record_new(manager, project_label, in->key, name, version, le,
				     lock ? lock_name : hidden_name);
		flags = json_array();
		scripts = json_object();
		bin = json_object();
		if (!integrity && lock && he && he->integrity &&
		    (!le || !le->version || !he->version || !strcmp(le->version, he->version))) {
			integrity = he->integrity;
			add_flag(flags, "integrity_from_hidden_lockfile");
		}
		set_str(rec, "integrity", integrity);
		parent_manifest = parent_manifest_of(inst, ninst, in->key, pj);
		declared(parent_manifest, folder, &range, &section);
		if (!parent_manifest && (!strncmp(in->key, "node_modules/.pnpm/", 19) ||
					 !strncmp(in->key, "node_modules/.bun/", 18))) {
			/* pnpm: the project declares what its node_modules/<name>
			 * link resolves to (the edge from "") */
			size_t q;

			for (q = 0; q < json_array_size(in->required_by); q++) {
				const json_t *e = json_array_get(in->required_by, q);

				if (!strcmp(json_string_value(json_object_get(e, "from")), "")) {
					declared(pj, folder, &range, &section);
					break;
				}
			}
		}
		set_str(rec, "declared_range", range);
		json_object_set_new(rec, "declared_in", jstr(section));
		json_object_set_new(rec, "required_by", sorted_edges(in->required_by));
		for (k = 0; k < 4; k++) {
			const json_t *s = json_object_get(json_object_get(m, "scripts"), lifecycle[k]);

			if (json_is_string(s)) {
				cairn_json_set_bytes(scripts, lifecycle[k], json_string_value(s),
						     json_string_length(s));
				if (k < 3)
					has_script = 1;
			}
		}
		if (gyp)
			has_script = 1;
		{
			char *gy = cairn_path_join(pkgdir, "binding.gyp");

			if (cairn_pkg_files_find(c->files, gy))
				has_script = 1;
			free(gy);
		}
		json_object_set_new(rec, "scripts", scripts);
		json_object_set_new(rec, "has_install_script", json_boolean(has_script));
		{
			const json_t *b = json_object_get(m, "bin");

			if (json_is_string(b)) {
				const char *nm = name ? name : folder;
				const char *sl = nm[0] == '@' ? strchr(nm, '/') : NULL;

				cairn_json_set_bytes(bin, sl ? sl + 1 : nm, json_string_value(b),
						     json_string_length(b));
			} else if (json_is_object(b)) {
				const char *bk;
				json_t *bv;

				json_object_foreach((json_t *)b, bk, bv)
					if (json_is_string(bv))
						cairn_json_set_bytes(bin, bk, json_string_value(bv),
								     json_string_length(bv));
			}
		}
		json_object_set_new(rec, "bin", bin);
		json_object_set_new(rec, "gypfile", json_boolean(gyp));
		content_digest(c, pkgdir, hex, &count);
		json_object_set_new(rec, "file_count", json_integer(count));
		json_object_set_new(rec, "content_sha256", json_string(hex));

		if (binary_lock)
			add_flag(flags, "binary_lockfile");
		else if (!lock && !hidden)
			add_flag(flags, "no_lockfile");
		else if (!le)
			add_flag(flags, "not_locked");
		if (le) {
			lock_flags(flags, le, used->registry_host, folder, pnpm || !strcmp(manager, "bun"));
			if (le->version && version && strcmp(le->version, version))
				add_flag(flags, "version_mismatch");
		}
		if (in->no_manifest)
			add_flag(flags, "no_manifest");
		else if (!m)
			add_flag(flags, "bad_manifest");
		if (pj && !in->reachable)
			add_flag(flags, "extraneous");
		if (name && strcmp(name, folder) && !(le && le->has_name && !strcmp(le->name, name))) {
			/* the dependent declared an alias to this very name
			 * ("x-cjs": "npm:x@^7"): an alias, not a mismatch */
			size_t nl = strlen(name), q;
			int alias = 0;

			for (q = 0; q < json_array_size(in->required_by); q++) {
				const char *r = json_string_value(json_object_get(
					json_array_get(in->required_by, q), "range"));

				if (r && !strncmp(r, "npm:", 4) && !strncmp(r + 4, name, nl) &&
				    r[4 + nl] == '@')
					alias = 1;
				/* a git, tarball or file: source: the folder is
				 * named by the dependency, the package by itself */
				else if (r && strncmp(r, "npm:", 4) && v1_source(r))
					alias = 2;
			}
			if (alias != 2)
				add_flag(flags, alias ? "alias" : "name_mismatch");
		}
		if (bad_name(name))
			add_flag(flags, "bad_name");
		if (has_script)
			add_flag(flags, "install_script");
		if (has_script && le && used && used->records_scripts && !le->has_install_script)
			add_flag(flags, "install_script_not_in_lock");
		files_and_coverage(c, rec, flags, pkgdir, in, bundled_by(inst, ninst, in->key),
				   le, integrity, name, version, &pf);
		/* flags: sorted, unique */
		cairn_json_sort_strings(flags);
		for (k = 1; k < json_array_size(flags);) {
			if (!strcmp(json_string_value(json_array_get(flags, k)),
				    json_string_value(json_array_get(flags, k - 1))))
				json_array_remove(flags, k);
			else
				k++;
		}
		json_object_set_new(rec, "flags", flags);
		cairn_recs_add(c->recs, rec, cairn_recs_key("npm", project_label, in->key, (char *)NULL));
		free(pkgdir);
	}

	link_records(c, project_label, manager, used, lock ? lock_name : hidden_name, pj, inst, ninst);
	if (pnp && lock && lock->by_name)
		npnp = pnp_records(c, proj, project_label, lock, berry_fd, lock_name, pj);

	/* locked but not installed (a PnP workspace member installs nothing
	 * of its own: its dependencies are the root's PnP records) */
	for (i = 0; used && !(member && member->pnp) && i < used->n; i++) {
		const cairn_npm_lock_entry *le = &used->v[i];
		json_t *rec, *flags;
		char *path;

		if (strncmp(le->key, "node_modules/", 13) || find_installed(inst, ninst, le->key) ||
		    below_link(inst, ninst, le->key))
			continue;
		path = cairn_path_join(proj, le->key);
		if (cairn_pkg_files_find(c->files, path) && le->link) {
			/* a link entry installed as a symlink: not missing */
			free(path);
			continue;
		}
		free(path);
		rec = npm_record_new(manager, project_label, le->key, le->name, NULL, le,
				     lock ? lock_name : hidden_name);
		flags = json_array();
		{
			const char *range, *section;

			declared(strstr(le->key + 13, "/node_modules/") ? NULL : pj,
				 key_name(le->key), &range, &section);
			set_str(rec, "declared_range", range);
			json_object_set_new(rec, "declared_in", jstr(section));
		}
		add_flag(flags, "locked_missing");
		lock_flags(flags, le, used->registry_host, key_name(le->key), pnpm || !strcmp(manager, "bun"));
		if (bad_name(le->name) || bad_name(key_name(le->key)))
			add_flag(flags, "bad_name");
		cairn_json_sort_strings(flags);
		json_object_set_new(rec, "flags", flags);
		if (c->cachefd >= 0 || (pnpm && c->o->pnpm_storefd >= 0) || (yarn1 && c->o->yarn_cachefd >= 0) ||
		    berry_fd >= 0) {
			json_t *f = json_object();

			json_object_set_new(f, "status", json_string("not_installed"));
			json_object_set_new(f, "source", json_null());
			json_object_set_new(f, "matching", json_integer(0));
			json_object_set_new(f, "modified", json_array());
			json_object_set_new(f, "added", json_array());
			json_object_set_new(f, "missing", json_array());
			json_object_set_new(f, "message", json_null());
			json_object_set_new(rec, "files", f);
		} else {
			json_object_set_new(rec, "files", json_null());
		}
		json_object_set_new(rec, "coverage", cairn_coverage_package(0, "not_installed",
			"the lockfile names it, nothing is installed at this path"));
		cairn_recs_add(c->recs, rec, cairn_recs_key("npm", project_label, le->key, (char *)NULL));
	}

	/* the project */
	json_object_set_new(prec, "type", json_string("npm_project"));
	set_str(prec, "workspace_root", member && !member->via_link ? member->root : NULL);
	if (member && !member->via_link)
		json_object_set_new(prec, "workspace_packages", ws_declared(pj, member->packages));
	if (!json_object_get(prec, "workspace_members")) {
		json_object_set_new(prec, "workspace_members", json_array());
		if (!json_object_get(prec, "workspace_packages"))
			json_object_set_new(prec, "workspace_packages", json_array());
	}
	json_object_set_new(prec, "manager", json_string(manager));
	set_str(prec, "project", project_label);
	set_str(prec, "name", json_string_value(json_object_get(pj, "name")));
	set_str(prec, "version", json_string_value(json_object_get(pj, "version")));
	{
		json_t *s = json_object_get(pj, "scripts");
		json_t *o = json_object();
		const char *k;
		json_t *v;

		if (json_is_object(s))
			json_object_foreach(s, k, v)
				if (json_is_string(v))
					cairn_json_set_bytes(o, k, json_string_value(v), json_string_length(v));
		json_object_set_new(prec, "scripts", o);
		for (i = 0; i < 4; i++) {
			json_t *d = json_object_get(pj, cairn_pkg_sections[i]);

			o = json_object();
			if (json_is_object(d))
				json_object_foreach(d, k, v)
					if (json_is_string(v))
						cairn_json_set_bytes(o, k, json_string_value(v),
								     json_string_length(v));
			json_object_set_new(prec, cairn_pkg_sections[i], o);
		}
	}
	json_object_set_new(prec, "lockfile", jstr(lock ? lock_name : binary_lock ? "bun.lockb" : NULL));
	json_object_set_new(prec, "lockfile_version", lock ? json_integer(lock->lockfile_version) : json_null());
	json_object_set_new(prec, "hidden_lockfile", json_boolean(hidden != NULL));
	set_str(prec, "manager_version", modules.package_manager);
	json_object_set_new(prec, "lock_entries", used ? json_integer((json_int_t)used->n) : json_null());
	set_str(prec, "registry_host", used ? used->registry_host : NULL);
	{
		size_t nreal = 0;

		/* links are records too, but install nothing of their own */
		for (i = 0; i < ninst; i++)
			nreal += !inst[i].link;
		nreal += npnp;
		json_object_set_new(prec, "installed", json_integer((json_int_t)nreal));
	}
	json_object_set_new(prec, "kind", json_string(pf.kind));
	cairn_recs_add(c->recs, prec, cairn_recs_key(project_label, (char *)NULL));

	for (i = 0; i < ninst; i++) {
		free(inst[i].key);
		free(inst[i].detail);
		free(inst[i].link_text);
		free(inst[i].link_res);
		json_decref(inst[i].manifest);
		json_decref(inst[i].required_by);
	}
	free(inst);
	json_decref(pj);
	if (!lock_borrowed)
		cairn_npm_lock_free(lock);
	cairn_npm_lock_free(hidden);
	cairn_pnpm_modules_release(&modules);
	if (berry_fd >= 0)
		close(berry_fd);
	free(lock_path);
	cairn_buf_release(&binary_msg);
	free(pj_rel);
	free(lock_rel);
	free(shrink_rel);
	free(hidden_rel);
	free(nm_prefix);
	free(project_label);
}

static int has_flag(const json_t *rec, const char *flag)
{
	size_t k;
	const json_t *flags = json_object_get(rec, "flags");

	for (k = 0; k < json_array_size(flags); k++)
		if (!strcmp(json_string_value(json_array_get(flags, k)), flag))
			return 1;
	return 0;
}

/*
 * The whole tree, the way npm's tree loader sees it from the root: a
 * project folder that links lead to (node_modules/app -> ../app) is part
 * of the tree of the projects linking to it, and is reached only when
 * one of those links is, from a reached project (a project no link
 * leads to, and the tree root, are reached).  Each project's own pass
 * (reach) took its manifest as reached; in a folder no reached link leads
 * to, every installed package and link is extraneous too (npm/cli's
 * arborist fixture workspace3: the root requires none of its links).
 * Records from index first on are this analysis's.
 */
/* index of s in the sorted v[0..n), or n */
static size_t str_index(char *const *v, size_t n, const char *s)
{
	size_t lo = 0, hi = n;

	while (s && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(v[mid], s);

		if (!r)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

static void tree_reach(const ctx *c, char **projects, size_t n, size_t first)
{
	struct plink { size_t from, to; int reached; } *lv = NULL;
	char **labels = cairn_calloc(n + 1, sizeof(*labels));
	int *reached = cairn_calloc(n + 1, sizeof(*reached));
	int *incoming = cairn_calloc(n + 1, sizeof(*incoming));
	size_t nl = 0, cl = 0, i, k;
	int changed = 1;

	for (i = 0; i < n; i++)
		labels[i] = c->label_prefix ? cairn_path_join(c->label_prefix, projects[i])
					    : cairn_strdup(projects[i]);
	for (i = first; i < c->recs->n; i++) {
		const json_t *rec = c->recs->v[i].rec;
		const char *proj = json_string_value(json_object_get(rec, "project"));
		const char *path = json_string_value(json_object_get(rec, "path"));
		cairn_buf text = CAIRN_BUF_INIT;
		const char *why;
		char *full, *res;
		size_t from, to;

		if (!proj || !path || strcmp(json_string_value(json_object_get(rec, "type")), "package") ||
		    !has_flag(rec, "link"))
			continue;
		/* (labels sort like the folders: one prefix before each) */
		if ((from = str_index(labels, n, proj)) == n)
			continue;
		full = cairn_path_join(projects[from], path);
		res = link_chain(c, full, &text, &why);
		to = str_index(projects, n, res);
		if (to < n && to != from) {
			if (nl == cl) {
				cl = cl ? cl * 2 : 16;
				lv = cairn_realloc(lv, cl * sizeof(*lv));
			}
			lv[nl].from = from;
			lv[nl].to = to;
			lv[nl].reached = !has_flag(rec, "extraneous");
			nl++;
			incoming[to] = 1;
		}
		free(res);
		free(full);
		cairn_buf_release(&text);
	}
	for (i = 0; i < n; i++)
		reached[i] = !incoming[i] || !*projects[i];
	while (changed) {
		changed = 0;
		for (k = 0; k < nl; k++)
			if (lv[k].reached && reached[lv[k].from] && !reached[lv[k].to]) {
				reached[lv[k].to] = 1;
				changed = 1;
			}
	}
	for (i = first; i < c->recs->n; i++) {
		json_t *rec = c->recs->v[i].rec;
		const char *proj = json_string_value(json_object_get(rec, "project"));
		size_t p;

		if (!proj || strcmp(json_string_value(json_object_get(rec, "type")), "package") ||
		    has_flag(rec, "extraneous") || has_flag(rec, "locked_missing"))
			continue;
		if ((p = str_index(labels, n, proj)) == n || reached[p])
			continue;
		json_array_append_new(json_object_get(rec, "flags"), json_string("extraneous"));
		cairn_json_sort_strings(json_object_get(rec, "flags"));
	}
	for (i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
	free(reached);
	free(incoming);
	free(lv);
}

int cairn_npm_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
		      const cairn_npm_opts *opts)
{
	static const cairn_npm_opts none = { NULL, -1, NULL, NULL, 0, NULL, -1, -1, NULL, NULL, -1 };
	size_t n = 0, i, first;
	char **projects;
	tar_cache tc;
	ws_state ws = { NULL, 0, 0, NULL };
	ctx c;

	memset(&tc, 0, sizeof(tc));

	if (!opts)
		opts = &none;
	c.recs = recs;
	c.rootfd = rootfd;
	c.files = files;
	c.label_prefix = opts->label_prefix;
	c.cachefd = opts->cachefd;
	c.o = opts;
	c.tc = &tc;
	c.ws = &ws;
	c.dp = opts->rootfd_path ? cairn_npm_dpkg_new(recs, rootfd, opts->rootfd_path,
						      opts->dpkg_root) : NULL;
	projects = find_projects(files, &n);
	c.projects = projects;
	c.nprojects = n;
	c.link_targets = NULL;
	c.nlink_targets = 0;
	c.pnpm_locks = json_object();
	{
		size_t cap = 0;

		for (i = 0; i < files->n; i++) {
			const char *p = files->v[i].path, *nm = p;
			cairn_buf text = CAIRN_BUF_INIT;
			const char *why;
			char *res;

			if (files->v[i].type != CAIRN_T_SYMLINK)
				continue;
			while ((nm = strstr(nm, "node_modules/")) && nm != p && nm[-1] != '/')
				nm++;
			if (!nm || !link_position(nm))
				continue;
			res = link_chain(&c, p, &text, &why);
			cairn_buf_release(&text);
			if (!res)
				continue;
			if (c.nlink_targets == cap) {
				cap = cap ? cap * 2 : 16;
				c.link_targets = cairn_realloc(c.link_targets, cap * sizeof(char *));
			}
			c.link_targets[c.nlink_targets++] = res;
		}
		if (c.nlink_targets > 1)
			qsort(c.link_targets, c.nlink_targets, sizeof(char *), str_ptr_cmp);
	}
	first = recs->n;
	for (i = 0; i < n; i++)
		analyze_project(&c, projects[i]);
	tree_reach(&c, projects, n, first);
	for (i = 0; i < n; i++)
		free(projects[i]);
	free(projects);
	for (i = 0; i < c.nlink_targets; i++)
		free(c.link_targets[i]);
	free(c.link_targets);
	json_decref(c.pnpm_locks);
	free(tc.integrity);
	free(tc.message);
	free(tc.src);
	tlist_release(&tc.t);
	for (i = 0; i < ws.n; i++) {
		free(ws.v[i].dir);
		free(ws.v[i].root);
		free(ws.v[i].root_dir);
		free(ws.v[i].lockfile);
		if (!ws.v[i].lock_shared)
			cairn_npm_lock_free(ws.v[i].lock);
		json_decref(ws.v[i].packages);
	}
	free(ws.v);
	json_decref(ws.index);
	cairn_npm_dpkg_free(c.dp);
	return 0;
}

/* ---- debug logs ---- */

/* "2026-11-22T10_55_05_419Z-debug-0.log" -> "2026-11-22T10:55:05.419Z" */
static int log_time(const char *name, char *out, size_t size)
{
	int y, mo, d, h, mi, s, ms;
	char z;

	if (sscanf(name, "%4d-%2d-%2dT%2d_%2d_%2d_%3d%c", &y, &mo, &d, &h, &mi, &s, &ms, &z) != 8 ||
	    z != 'Z')
		return -1;
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s, ms);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parse one "N level ..." log line: returns the text after the level. */
static const char *after_level(const char *line, const char *level)
{
	const char *p = line;
	size_t n = strlen(level);

	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != ' ')
		return NULL;
	p++;
	if (strncmp(p, level, n) || p[n] != ' ')
		return NULL;
	return p + n + 1;
}

static void one_log(cairn_recs *recs, const char *logname, const char *started,
		    char *data, const char *label)
{
	json_t *cmd = json_object(), *argv = json_array();
	char *line, *save = NULL;
	long lineno = 0;
	json_t *pending = NULL;   /* npm_script waiting for its exit code */
	char *pending_key = NULL;
	const char *npm_version = NULL;
	char *cwd = NULL;

	(void)label;
	json_object_set_new(cmd, "type", json_string("npm_command"));
	cairn_json_set_bytes(cmd, "log", logname, strlen(logname));
	json_object_set_new(cmd, "started", started ? json_string(started) : json_null());
	for (line = data; line; line = save) {
		const char *t;
		char *nl = strchr(line, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (!cairn_utf8_valid(line, strlen(line)))
			continue;
		if ((t = after_level(line, "verbose")) && !strncmp(t, "argv ", 5)) {
			/* verbose argv "install" "--cache" "/x" */
			const char *p = t + 5;

			json_array_clear(argv);
			while ((p = strchr(p, '"'))) {
				const char *e = strchr(p + 1, '"');

				if (!e)
					break;
				json_array_append_new(argv, json_stringn(p + 1, (size_t)(e - p - 1)));
				p = e + 1;
			}
		} else if ((t = after_level(line, "verbose")) && !strncmp(t, "cwd ", 4)) {
			free(cwd);
			cwd = cairn_strdup(t + 4);
		} else if ((t = after_level(line, "info")) && !strncmp(t, "using npm@", 10)) {
			npm_version = t + 10;
			json_object_set_new(cmd, "npm_version", json_string(npm_version));
		} else if ((t = after_level(line, "info")) && !strncmp(t, "run ", 4)) {
			/* info run <pkg>@<ver> <event> <path> <script>
			 * info run <pkg>@<ver> <event> { code: N, signal: null } */
			char pkg[512], event[64];
			int off = 0;

			/* a field longer than its buffer is cut by sscanf, maybe
			 * inside a UTF-8 sequence: not a line npm wrote */
			if (sscanf(t + 4, "%511s %63s %n", pkg, event, &off) < 2 || off <= 0 ||
			    strlen(pkg) >= sizeof(pkg) - 1 || strlen(event) >= sizeof(event) - 1 ||
			    !cairn_utf8_valid(pkg, strlen(pkg)) || !cairn_utf8_valid(event, strlen(event)))
				continue;
			if (t[4 + off] == '{') {
				const char *c = strstr(t + 4 + off, "code: ");
				const char *pp = pending ? json_string_value(json_object_get(pending, "package")) : NULL;
				const char *pe = pending ? json_string_value(json_object_get(pending, "event")) : NULL;

				if (pp && pe && c && !strcmp(pp, pkg) && !strcmp(pe, event)) {
					json_object_set_new(pending, "exit_code",
							    isdigit((unsigned char)c[6]) ? json_integer(atoi(c + 6)) :
							    json_null());
				}
				continue;
			}
			if (pending) {
				cairn_recs_add(recs, pending, pending_key);
				pending = NULL;
			}
			{
				const char *rest = t + 4 + off;
				const char *sp = strchr(rest, ' ');
				char ln[32];

				pending = json_object();
				json_object_set_new(pending, "type", json_string("npm_script"));
				cairn_json_set_bytes(pending, "log", logname, strlen(logname));
				json_object_set_new(pending, "line", json_integer(lineno));
				json_object_set_new(pending, "started", started ? json_string(started) : json_null());
				json_object_set_new(pending, "package", json_string(pkg));
				json_object_set_new(pending, "event", json_string(event));
				if (sp) {
					json_object_set_new(pending, "path", json_stringn(rest, (size_t)(sp - rest)));
					json_object_set_new(pending, "script", json_string(sp + 1));
				} else {
					json_object_set_new(pending, "path", json_string(rest));
					json_object_set_new(pending, "script", json_null());
				}
				json_object_set_new(pending, "exit_code", json_null());
				snprintf(ln, sizeof(ln), "%010ld", lineno);
				pending_key = cairn_recs_key(started ? started : "", logname, ln, (char *)NULL);
			}
		}
	}
	if (pending)
		cairn_recs_add(recs, pending, pending_key);
	if (!json_object_get(cmd, "npm_version"))
		json_object_set_new(cmd, "npm_version", json_null());
	json_object_set_new(cmd, "argv", argv);
	json_object_set_new(cmd, "cwd", cwd ? json_string(cwd) : json_null());
	free(cwd);
	cairn_recs_add(recs, cmd, cairn_recs_key(started ? started : "", logname, (char *)NULL));
}

int cairn_npm_logs(cairn_recs *recs, int npmfd, const char *label)
{
	int fd = cairn_safe_opendir(npmfd, "_logs");
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	cairn_buf b = CAIRN_BUF_INIT;

	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) && n < 1000) {
		size_t l = strlen(de->d_name);

		if (!strstr(de->d_name, "-debug-") || l < 4 || strcmp(de->d_name + l - 4, ".log"))
			continue;
		names = cairn_realloc(names, (n + 1) * sizeof(char *));
		names[n++] = cairn_strdup(de->d_name);
	}
	if (n > 1)
		qsort(names, n, sizeof(char *), name_cmp);
	for (i = 0; i < n; i++) {
		char started[40];
		char *rel = cairn_path_join("_logs", names[i]);
		char *lbl = cairn_path_join(label, rel);

		if (cairn_safe_read(&b, npmfd, rel, CAIRN_CAP_TEXT, lbl) == 0)
			one_log(recs, names[i], log_time(names[i], started, sizeof(started)) == 0 ?
				started : NULL, b.data, lbl);
		else
			cairn_recs_parse_error(recs, lbl, "npm", cairn_error_last());
		free(rel);
		free(lbl);
		free(names[i]);
	}
	free(names);
	closedir(d);
	cairn_buf_release(&b);
	return (int)n;
}
