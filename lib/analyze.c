/*
 * analyze.c - the analyzer cairn-snap runs beside its walk (analyze.h):
 * keeps the entries the package analyzers need, then produces the records
 * of docs/RECORDS.md, sorted.
 */
#include "analyze.h"
#include "agentlog_find.h"
#include "cacache.h"
#include "coverage.h"
#include "envsnap.h"
#include "mcp.h"
#include "npm.h"
#include "persist.h"
#include "npmcache.h"
#include "pip.h"
#include "pylock.h"
#include "pipeline.h"
#include "pkgfs.h"
#include "pkgtimes.h"
#include "rfc3339.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct cairn_analyzer {
	char *root;
	char *root_real;           /* realpath of root, NULL if it has none */
	int rootfd;
	char *root_name;      /* last component of root_real */
	int parentfd;         /* the root is a node_modules folder: its parent */
	char *parent_name;
	char *parent_real;    /* and its real path */
	cairn_analyze_opts opts;
	cairn_pkg_files files;
	cairn_recs recs;
	cairn_env_key *key;
	int key_tried;
	json_t *coverage;
};

/* Is the root a node_modules folder (a global prefix's lib/node_modules,
 * or a project's)?  Then its packages are analysed as installed in the
 * folder above, reached through the root itself ("..") and checked to
 * hold this very folder as node_modules. */
static void node_modules_root(cairn_analyzer *a)
{
	const char *real = a->root_real;
	const char *base;
	struct stat in, up;
	int pfd;

	if (!real)
		return;
	base = cairn_path_base(real);
	a->root_name = cairn_strdup(base);
	if (!strcmp(base, "node_modules") &&
	    (pfd = openat(a->rootfd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fstat(a->rootfd, &in) == 0 &&
		    fstatat(pfd, "node_modules", &up, AT_SYMLINK_NOFOLLOW) == 0 &&
		    in.st_dev == up.st_dev && in.st_ino == up.st_ino) {
			char *parent = cairn_strndup(real, (size_t)(base - real));

			while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
				parent[strlen(parent) - 1] = '\0';
			a->parentfd = pfd;
			a->parent_name = cairn_strdup(cairn_path_base(parent));
			a->parent_real = parent;
		} else {
			close(pfd);
		}
	}
}

int cairn_analyzer_new(cairn_analyzer **out, const char *root,
		       const cairn_analyze_opts *opts)
{
	cairn_analyzer *a;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int open_err = fd < 0 ? errno : 0;

	*out = NULL;
	a = cairn_calloc(1, sizeof(*a));
	a->root = cairn_strdup(root);
	a->root_real = fd >= 0 ? realpath(root, NULL) : NULL;
	a->rootfd = fd;
	a->parentfd = -1;
	if (opts)
		a->opts = *opts;
	else
		a->opts.packages = 1;
	cairn_pkg_files_init(&a->files);
	cairn_recs_init(&a->recs);
	if (fd < 0) {
		/* a root that is not a folder (a single file) has no trees to
		 * analyse; the rest (env, MCP configs) still runs */
		char msg[300];

		snprintf(msg, sizeof(msg), "cannot open as a folder: %s", strerror(open_err));
		cairn_recs_parse_error(&a->recs, root, "npm", msg);
		a->opts.packages = 0;
	} else {
		node_modules_root(a);
	}
	*out = a;
	return 0;
}

/* Which entries the analyzers need later (keeps memory to the package
 * trees and the manifests, not the whole file list). */
static int wanted(const char *p, size_t len)
{
	const char *base = cairn_path_base(p);
	int top = strchr(p, '/') == NULL;

	(void)len;
	if (strstr(p, "node_modules") || strstr(p, "site-packages") ||
	    strstr(p, "dist-packages") || strstr(p, ".dist-info") || strstr(p, ".egg-info"))
		return 1;
	if (!strcmp(base, "package.json") || !strcmp(base, "package-lock.json") ||
	    !strcmp(base, "npm-shrinkwrap.json") || !strcmp(base, "pnpm-lock.yaml") ||
	    !strcmp(base, "yarn.lock") || !strcmp(base, "bun.lock") || !strcmp(base, "bun.lockb"))
		return 1;
	/* yarn Plug'n'Play: packages load from zip archives (npm.c) */
	if (!strcmp(base, ".pnp.cjs") || !strcmp(base, ".pnp.data.json") || !strcmp(base, ".pnp.js"))
		return 1;
	/* lockfiles cairn does not read: they explain unverified packages */
	if (!strcmp(base, "yarn.lock") || !strcmp(base, "pnpm-lock.yaml") ||
	    !strcmp(base, "bun.lock") || !strcmp(base, "bun.lockb"))
		return 1;
	if (!strncmp(base, "requirements", 12) && strstr(base, ".txt"))
		return 1;
	if (cairn_pylock_wanted(base))
		return 1;
	if (cairn_pipeline_wanted(p) || cairn_mcp_config_client(p) || cairn_persist_kind(p))
		return 1;
	if (!strcmp(base, "settings.json") || !strcmp(base, "settings.local.json"))
		return strstr(p, ".claude/") != NULL;
	(void)top;
	return 0;
}

void cairn_analyzer_observe(void *ctx, const cairn_entry *e)
{
	cairn_analyzer *a = ctx;

	if (!a->opts.packages)
		return;
	/* folders are implied by the paths; FIFOs, sockets and devices are
	 * kept so that a manifest that is one becomes a parse_error */
	if (e->type == CAIRN_T_DIR)
		return;
	if (memchr(e->path, '\0', e->path_len))
		return;
	/* below a node_modules root every file belongs to a package */
	if (a->parentfd < 0 && !wanted(e->path, e->path_len))
		return;
	cairn_pkg_files_add(&a->files, e);
}

static const cairn_env_key *get_key(cairn_analyzer *a)
{
	char *path;

	if (a->key_tried)
		return a->key;
	a->key_tried = 1;
	path = a->opts.env_key_path ? cairn_strdup(a->opts.env_key_path)
				    : cairn_env_default_key_path();
	if (!path) {
		cairn_recs_parse_error(&a->recs, "(env key)", "env",
				       "no --env-key and no $HOME: values are not hashed");
		return NULL;
	}
	if (cairn_env_key_load(&a->key, path) < 0)
		cairn_recs_parse_error(&a->recs, path, "env", cairn_error_last());
	free(path);
	return a->key;
}

static const cairn_env_key *persist_key(void *ctx)
{
	return get_key(ctx);
}

/* ~/... label for a path below $HOME */
static char *home_label(const char *rel)
{
	return cairn_path_join("~", rel);
}

static int open_home(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home)
		return cairn_error_set(CAIRN_ENOTFOUND, "$HOME is not set");
	return cairn_safe_open_abs_dir(home);
}

/* path written "~/..." when it lies below $HOME (new string). */
static char *tilde(const char *path)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;

	while (n > 1 && home[n - 1] == '/')
		n--;
	if (n && !strncmp(path, home, n) && (path[n] == '/' || !path[n]))
		return cairn_path_join("~", path[n] ? path + n + 1 : "");
	return cairn_strdup(path);
}

static void fetch_cb(void *ctx, const json_t *e, const char *bucket)
{
	cairn_recs *recs = ctx;
	json_t *rec = json_object();
	const char *key = json_string_value(json_object_get(e, "key"));
	const json_t *t = json_object_get(e, "time");
	const char *url = json_string_value(json_object_get(json_object_get(e, "metadata"), "url"));
	const char *kind = "other";
	json_int_t ms = json_is_integer(t) ? json_integer_value(t) : 0;
	char ts[64], num[32];

	if (!key)
		key = "";
	if (!url) {
		const char *h = strstr(key, "https://");

		if (!h)
			h = strstr(key, "http://");
		url = h;
	}
	if (url) {
		size_t n = strlen(url);

		if (n > 4 && !strcmp(url + n - 4, ".tgz"))
			kind = "tarball";
		else if (!strncmp(key, "make-fetch-happen:request-cache:", 32))
			kind = "packument";
	}
	cairn_rfc3339_format(ts, sizeof(ts), (int64_t)(ms / 1000), (long)((ms % 1000) * 1000000));
	json_object_set_new(rec, "type", json_string("npm_fetch"));
	json_object_set_new(rec, "time", json_is_integer(t) ? json_string(ts) : json_null());
	json_object_set_new(rec, "time_ms", json_is_integer(t) ? json_integer(ms) : json_null());
	cairn_json_set_bytes(rec, "key", key, strlen(key));
	if (url)
		cairn_json_set_bytes(rec, "url", url, strlen(url));
	else
		json_object_set_new(rec, "url", json_null());
	json_object_set_new(rec, "kind", json_string(kind));
	{
		const char *in = json_string_value(json_object_get(e, "integrity"));

		json_object_set_new(rec, "integrity", in ? json_string(in) : json_null());
	}
	{
		const json_t *sz = json_object_get(e, "size");

		json_object_set_new(rec, "size", json_is_integer(sz) ? json_integer(json_integer_value(sz)) : json_null());
	}
	json_object_set_new(rec, "bucket", json_string(bucket));
	snprintf(num, sizeof(num), "%020lld", (long long)ms);
	cairn_recs_add(recs, rec, cairn_recs_key(num, key, (char *)NULL));
}

/* The install timeline: npm_fetch records from the cache index (read once,
 * also for the tarball lookups) and the logs in the cache root, into
 * pending until timeline_keep() knows which packages the tree holds. */
static void npm_timeline(cairn_analyzer *a, cairn_npm_cache *cache, const char *label,
			 cairn_recs *pending)
{
	int bad = cairn_npm_cache_read_index(cache, fetch_cb, pending);

	if (bad > 0) {
		char msg[100];

		snprintf(msg, sizeof(msg), "%d malformed index lines skipped", bad);
		cairn_recs_parse_error(&a->recs, a->opts.npm_cache, "cacache", msg);
	}
	if (cairn_npm_cache_root_fd(cache) >= 0)
		cairn_npm_logs(pending, cairn_npm_cache_root_fd(cache), label);
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int in_set(char **set, size_t n, const char *s)
{
	return s && n && bsearch(&s, set, n, sizeof(*set), str_cmp) != NULL;
}

/* "https://registry.npmjs.org/@scope%2fname" names "@scope/name" */
static int packument_of(const char *url, const char *name)
{
	const char *p = url ? strstr(url, "://") : NULL;
	cairn_buf b = CAIRN_BUF_INIT;
	size_t nl = strlen(name);
	int hit;

	if (!p || !(p = strchr(p + 3, '/')))
		return 0;
	for (p++; *p && *p != '?' && *p != '#'; p++) {
		if (*p == '%' && (!strncasecmp(p, "%2f", 3) || !strncmp(p, "%40", 3))) {
			cairn_buf_addch(&b, p[1] == '4' ? '@' : '/');
			p += 2;
		} else {
			cairn_buf_addch(&b, *p);
		}
	}
	hit = b.len >= nl && !strcmp(b.data + b.len - nl, name) &&
	      (b.len == nl || b.data[b.len - nl - 1] == '/');
	cairn_buf_release(&b);
	return hit;
}

/* Is the log's cwd the snapshot root, a folder inside it, or (for a
 * node_modules root) the project folder around it? */
static int cwd_in_tree(const cairn_analyzer *a, const char *cwd)
{
	size_t n = a->root_real ? strlen(a->root_real) : 0;

	if (!cwd || !n)
		return 0;
	if (!strncmp(cwd, a->root_real, n) && (!cwd[n] || cwd[n] == '/' || n == 1))
		return 1;
	return a->parentfd >= 0 && !strncmp(a->root_real, cwd, strlen(cwd)) &&
	       !strcmp(a->root_real + strlen(cwd), "/node_modules");
}

/*
 * Keep the timeline records: all of them from a cache named with
 * --npm-cache (the cache is evidence in its own right); from the default
 * cache only what concerns this tree (fetches of its packages' tarballs
 * and packuments, logs of npm runs inside it), so that npm use elsewhere
 * on the machine changes neither the snapshot nor a diff.
 */
static void timeline_keep(cairn_analyzer *a, cairn_recs *pending)
{
	const char *from = a->opts.npm_cache_from;
	int all = !from || !strcmp(from, "option");
	char **set = NULL, **names = NULL, **logs = NULL;
	size_t nset = 0, nnames = 0, nlogs = 0, i, k;

	for (i = 0; !all && i < a->recs.n; i++) {
		const json_t *r = a->recs.v[i].rec;
		const char *t = json_string_value(json_object_get(r, "type"));
		const char *in = json_string_value(json_object_get(r, "integrity"));
		const char *name = json_string_value(json_object_get(r, "name"));
		const char *ver = json_string_value(json_object_get(r, "version"));

		if (!t || strcmp(t, "package") || !name)
			continue;
		set = cairn_realloc(set, (nset + 2) * sizeof(*set));
		names = cairn_realloc(names, (nnames + 1) * sizeof(*names));
		names[nnames++] = cairn_strdup(name);
		if (in)
			set[nset++] = cairn_strdup(in);
		if (ver) {
			const char *base = name[0] == '@' && strchr(name, '/') ? strchr(name, '/') + 1 : name;
			cairn_buf b = CAIRN_BUF_INIT;

			cairn_buf_addf(&b, "%s/-/%s-%s.tgz", name, base, ver);
			set[nset++] = cairn_buf_detach(&b, NULL);
		}
	}
	if (nset > 1)
		qsort(set, nset, sizeof(*set), str_cmp);
	for (i = 0; !all && i < pending->n; i++) {
		const json_t *r = pending->v[i].rec;
		const char *t = json_string_value(json_object_get(r, "type"));

		if (t && !strcmp(t, "npm_command") &&
		    cwd_in_tree(a, json_string_value(json_object_get(r, "cwd")))) {
			logs = cairn_realloc(logs, (nlogs + 1) * sizeof(*logs));
			logs[nlogs++] = cairn_strdup(json_string_value(json_object_get(r, "log")) ?
						     json_string_value(json_object_get(r, "log")) : "");
		}
	}
	if (nlogs > 1)
		qsort(logs, nlogs, sizeof(*logs), str_cmp);
	for (i = 0; i < pending->n; i++) {
		json_t *r = pending->v[i].rec;
		const char *t = json_string_value(json_object_get(r, "type"));
		int keep = all;

		if (!keep && t && !strcmp(t, "npm_fetch")) {
			const char *url = json_string_value(json_object_get(r, "url"));
			const char *kind = json_string_value(json_object_get(r, "kind"));
			char *tk = url ? cairn_npm_tarball_key(url) : NULL;

			keep = in_set(set, nset, json_string_value(json_object_get(r, "integrity"))) ||
			       in_set(set, nset, tk);
			for (k = 0; !keep && kind && !strcmp(kind, "packument") && k < nnames; k++)
				keep = packument_of(url, names[k]);
			free(tk);
		} else if (!keep && t && (!strcmp(t, "npm_command") || !strcmp(t, "npm_script"))) {
			keep = in_set(logs, nlogs, json_string_value(json_object_get(r, "log")));
		} else if (!keep) {
			keep = 1;   /* parse_error: a log that could not be read */
		}
		if (keep)
			cairn_recs_add(&a->recs, r, pending->v[i].key);
		else {
			json_decref(r);
			free(pending->v[i].key);
		}
	}
	free(pending->v);
	cairn_recs_init(pending);
	for (i = 0; i < nset; i++)
		free(set[i]);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	for (i = 0; i < nlogs; i++)
		free(logs[i]);
	free(set);
	free(names);
	free(logs);
}

/* npx cache trees of the MCP servers found: each written as
 * "npm-cache:_npx/<key>", relative to the cache, so that it reads the same
 * whoever's cache and wherever it is. */
static void npx_trees(cairn_analyzer *a, const cairn_npm_cache *cache,
		      const cairn_npm_opts *base)
{
	int npmfd = cairn_npm_cache_root_fd(cache);
	size_t i, n = a->recs.n;
	char **done = NULL;
	size_t ndone = 0;

	if (npmfd < 0)
		return;
	for (i = 0; i < n; i++) {
		json_t *r = a->recs.v[i].rec;
		const char *t = json_string_value(json_object_get(r, "type"));
		const char *dir = json_string_value(json_object_get(r, "npx_cache"));
		const char *slash;
		char *rel, *tree_label;
		cairn_pkg_files f;
		size_t k;
		int fd;

		if (!t || strcmp(t, "mcp_server") || !dir ||
		    !json_is_true(json_object_get(r, "npx_cache_present")))
			continue;
		slash = strrchr(dir, '/');
		if (!slash)
			continue;
		for (k = 0; k < ndone; k++)
			if (!strcmp(done[k], slash + 1))
				break;
		if (k < ndone)
			continue;
		done = cairn_realloc(done, (ndone + 1) * sizeof(char *));
		done[ndone++] = cairn_strdup(slash + 1);
		rel = cairn_path_join("_npx", slash + 1);
		fd = cairn_safe_opendir(npmfd, rel);
		tree_label = cairn_path_join("npm-cache:_npx", slash + 1);
		if (fd >= 0) {
			cairn_npm_opts o = *base;

			o.label_prefix = tree_label;
			o.outside_root = 0;
			o.root_name = NULL;
			cairn_pkg_files_init(&f);
			if (cairn_pkg_walk(&f, fd, tree_label) < 0)
				cairn_recs_parse_error(&a->recs, tree_label, "npm", cairn_error_last());
			cairn_npm_analyze(&a->recs, fd, &f, &o);
			cairn_pkg_files_release(&f);
			close(fd);
		}
		free(tree_label);
		free(rel);
	}
	for (i = 0; i < ndone; i++)
		free(done[i]);
	free(done);
}

/* Claude Code settings in the tree that tree_text_files() reads. */
static int tree_claude_settings(const char *p)
{
	size_t n = strlen(p);

	return !strstr(p, "node_modules/") &&
	       (!strcmp(p, ".claude/settings.json") || !strcmp(p, ".claude/settings.local.json") ||
		(n > 22 && !strcmp(p + n - 22, "/.claude/settings.json")));
}

/* The folder of path ("/" for "/x", "." for "x"; new string) and in
 * *base its last component (borrowed from path). */
static char *split_dir(const char *path, const char **base)
{
	const char *s = strrchr(path, '/');

	*base = s ? s + 1 : path;
	if (!s)
		return cairn_strdup(".");
	return s == path ? cairn_strdup("/") : cairn_strndup(path, (size_t)(s - path));
}

/*
 * How a config named on the command line or found in a per-user place is
 * written, the key of its records (docs/RECORDS.md §Keys): relative to the
 * root when it lies inside it, as the walk writes it, so one file gives one
 * set of records however it was named and wherever the tree is.  Else a
 * config named on the command line is written by its absolute path ("~/..."
 * below $HOME), the same whatever folder cairn-snap ran in (outside is
 * set); a per-user place keeps its "~/place" name (outside NULL).  The
 * folder is resolved (realpath), the last component is not: it is read
 * without following a symlink.  NULL when the folder cannot be resolved
 * (reading it fails and says why).  New string.
 */
static char *config_label(const cairn_analyzer *a, const char *path, int outside)
{
	const char *base;
	char *d = split_dir(path, &base), *dir, *label = NULL;
	size_t n;

	dir = realpath(d, NULL);
	free(d);
	if (!dir || !*base)
		goto done;
	n = a->root_real ? strlen(a->root_real) : 0;
	if (n && !strcmp(dir, a->root_real)) {
		label = cairn_strdup(base);
	} else if (n && !strncmp(dir, a->root_real, n) &&
		   (dir[n] == '/' || !strcmp(a->root_real, "/"))) {
		label = cairn_path_join(dir + n + (dir[n] == '/'), base);
	} else if (outside) {
		const char *home = getenv("HOME");
		char *abs = cairn_path_join(dir, base);
		char *rhome = home && *home ? realpath(home, NULL) : NULL;
		size_t h = rhome ? strlen(rhome) : 0;

		/* dir is resolved: compare with the resolved $HOME too */
		if (h > 1 && !strncmp(abs, rhome, h) && abs[h] == '/')
			label = cairn_path_join("~", abs + h + 1);
		else
			label = tilde(abs);
		free(rhome);
		free(abs);
	}
done:
	free(dir);
	return label;
}

/* The walk of the tree reads this config itself (mcp_all, tree_text_files). */
static int walk_reads(const cairn_analyzer *a, const char *label)
{
	if (!a->opts.packages || label[0] == '/' || label[0] == '~' ||
	    !cairn_pkg_files_find(&a->files, label))
		return 0;
	return (cairn_mcp_config_client(label) && !strstr(label, "node_modules/")) ||
	       tree_claude_settings(label);
}

static int label_seen(char ***seen, size_t *n, const char *label)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*seen)[i], label))
			return 1;
	*seen = cairn_realloc(*seen, (*n + 1) * sizeof(char *));
	(*seen)[(*n)++] = cairn_strdup(label);
	return 0;
}

/* MCP configs and Claude settings found in the tree, given, or per user. */
static void mcp_all(cairn_analyzer *a, int npx_fd, const char *npx_label)
{
	size_t i, nseen = 0;
	char **seen = NULL;
	cairn_buf b = CAIRN_BUF_INIT;

	/* below a node_modules root every config is a package's own */
	if (a->opts.packages && a->parentfd < 0) {
		for (i = 0; i < a->files.n; i++) {
			const char *p = a->files.v[i].path;
			const char *client = cairn_mcp_config_client(p);

			if (!client || strstr(p, "node_modules/"))
				continue;
			if (cairn_safe_read(&b, a->rootfd, p, CAIRN_CAP_MANIFEST, p) < 0) {
				cairn_recs_parse_error(&a->recs, p, "mcp", cairn_error_last());
				continue;
			}
			cairn_mcp_parse(&a->recs, get_key(a), p, client, b.data, b.len, npx_fd, npx_label);
		}
	}
	for (i = 0; i < a->opts.mcp_config_count; i++) {
		char *label = config_label(a, a->opts.mcp_configs[i], 1);
		const char *p = label ? label : a->opts.mcp_configs[i];
		const char *client = cairn_mcp_config_client(a->opts.mcp_configs[i]);
		int dfd;

		if (!client)
			client = cairn_mcp_config_client(p);

		/* one file, one set of records: the walk's, or the first name */
		if (walk_reads(a, p) || label_seen(&seen, &nseen, p)) {
			free(label);
			continue;
		}
		/* an explicit path may be anywhere: read it through its folder,
		 * without following a symlink at the last component */
		{
			const char *base;
			char *d = split_dir(a->opts.mcp_configs[i], &base);

			dfd = cairn_safe_open_abs_dir(d);
			if (dfd < 0 || cairn_safe_read(&b, dfd, base, CAIRN_CAP_MANIFEST, p) < 0) {
				cairn_recs_parse_error(&a->recs, p, "mcp", cairn_error_last());
			} else {
				if (!strcmp(base, "settings.json") || !strcmp(base, "settings.local.json"))
					cairn_claude_settings_parse(&a->recs, p, b.data, b.len);
				else
					cairn_mcp_parse(&a->recs, get_key(a), p, client ? client : "unknown",
							b.data, b.len, npx_fd, npx_label);
			}
			if (dfd >= 0)
				close(dfd);
			free(d);
		}
		free(label);
	}
	if (a->opts.mcp_discover) {
		int home = open_home();
		const char *const *places = cairn_mcp_user_places();
		const char *hdir = getenv("HOME");

		for (i = 0; home >= 0 && places[i]; i++) {
			char *abs = cairn_path_join(hdir, places[i]);
			char *label = config_label(a, abs, 0);
			int rc;

			free(abs);
			if (!label)
				label = home_label(places[i]);
			/* a home inside the snapshot root: the walk has it */
			if (walk_reads(a, label) || label_seen(&seen, &nseen, label)) {
				free(label);
				continue;
			}
			rc = cairn_safe_read(&b, home, places[i], CAIRN_CAP_MANIFEST, label);

			if (rc == 0) {
				if (!strcmp(places[i], ".claude/settings.json"))
					cairn_claude_settings_parse(&a->recs, label, b.data, b.len);
				else
					cairn_mcp_parse(&a->recs, get_key(a), label,
							cairn_mcp_config_client(places[i]), b.data, b.len, npx_fd, npx_label);
			} else if (rc != CAIRN_ENOTFOUND) {
				cairn_recs_parse_error(&a->recs, label, "mcp", cairn_error_last());
			}
			free(label);
		}
		/* the clients' own logs: where they are and what they hash to,
		 * evidence for cairn-capture later (never their content) */
		if (home >= 0)
			cairn_agentlog_discover(&a->recs, home);
		if (home >= 0)
			close(home);
	}
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	cairn_buf_release(&b);
}

static void tree_text_files(cairn_analyzer *a)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	for (i = 0; i < a->files.n; i++) {
		const char *p = a->files.v[i].path;
		int ci = cairn_pipeline_wanted(p);
		int claude = tree_claude_settings(p);
		const char *persist = cairn_persist_kind(p);

		if (!ci && !claude && !persist)
			continue;
		if (cairn_safe_read(&b, a->rootfd, p, CAIRN_CAP_TEXT, p) < 0) {
			cairn_recs_parse_error(&a->recs, p, ci ? "pipeline" :
					       claude ? "mcp" : "persist", cairn_error_last());
			continue;
		}
		if (persist)
			cairn_persist_parse(&a->recs, persist, p, b.data ? b.data : "", b.len,
					    persist_key, a);
		if (ci)
			cairn_pipeline_scan(&a->recs, p, b.data, b.len);
		if (claude)
			cairn_claude_settings_parse(&a->recs, p, b.data, b.len);
	}
	cairn_buf_release(&b);
}

/* A copy of the file index with every path below prefix: how a
 * node_modules root looks from the folder above it. */
static void files_prefixed(cairn_pkg_files *out, const cairn_pkg_files *in, const char *prefix)
{
	size_t i, pl = strlen(prefix);

	cairn_pkg_files_init(out);
	out->cap = in->n + 1;
	out->v = cairn_calloc(out->cap, sizeof(*out->v));
	for (i = 0; i < in->n; i++) {
		cairn_pkg_file *f = &out->v[out->n++];

		*f = in->v[i];
		f->path = cairn_malloc(pl + in->v[i].path_len + 1);
		memcpy(f->path, prefix, pl);
		memcpy(f->path + pl, in->v[i].path, in->v[i].path_len + 1);
		f->path_len += pl;
	}
}

/* Why packages could not be checked against a cache (coverage detail). */
static const char *no_cache_detail(const cairn_analyzer *a)
{
	const char *from = a->opts.npm_cache_from;

	if (from && !strcmp(from, "off"))
		return "--no-npm-cache was given";
	if (a->opts.npm_cache)
		return "the npm cache could not be opened (see its parse_error)";
	return "no --npm-cache given, and no npm cache found ($npm_config_cache unset, no ~/.npm)";
}

static void npm_packages(cairn_analyzer *a, const cairn_npm_opts *base)
{
	cairn_npm_opts o = *base;

	if (a->parentfd >= 0) {
		cairn_pkg_files pf;

		o.label_prefix = "..";
		o.outside_root = 1;
		o.root_name = a->parent_name;
		o.rootfd_path = a->parent_real;
		o.dpkg_root = a->opts.dpkg_root;
		files_prefixed(&pf, &a->files, "node_modules/");
		cairn_npm_analyze(&a->recs, a->parentfd, &pf, &o);
		cairn_pkg_files_release(&pf);
	} else {
		o.root_name = a->root_name;
		o.rootfd_path = a->root_real;
		o.dpkg_root = a->opts.dpkg_root;
		cairn_npm_analyze(&a->recs, a->rootfd, &a->files, &o);
	}
}

/* The coverage record: counts over the package records. */
static void coverage_record(cairn_analyzer *a)
{
	json_t *pkgs = json_array(), *rec = json_object(), *counts;
	const char *k;
	json_t *v;
	size_t i;

	for (i = 0; i < a->recs.n; i++) {
		const char *t = json_string_value(json_object_get(a->recs.v[i].rec, "type"));

		if (t && !strcmp(t, "package"))
			json_array_append(pkgs, a->recs.v[i].rec);
	}
	counts = cairn_coverage_count(pkgs);
	json_object_set_new(rec, "type", json_string("coverage"));
	json_object_set_new(rec, "analysed", json_boolean(a->opts.packages));
	json_object_foreach(counts, k, v)
		json_object_set(rec, k, v);
	cairn_recs_add(&a->recs, rec, cairn_strdup(""));
	json_decref(a->coverage);
	a->coverage = counts;
	json_decref(pkgs);
}

/* Python lockfiles against the installs below them, with the wheel
 * caches: --pip-cache, else those of pip, pipenv and poetry that exist
 * (docs/RECORDS.md §Python lockfiles). */
static void python_locks(cairn_analyzer *a)
{
	const char *caches[8], *labels[8];
	char *own[16];
	size_t n = 0, nown = 0, i;
	cairn_pylock_opts po;

	if (a->opts.pip_cache) {
		int fd = cairn_safe_open_abs_dir(a->opts.pip_cache);

		if (fd < 0) {
			cairn_recs_parse_error(&a->recs, a->opts.pip_cache, "pip", cairn_error_last());
		} else {
			close(fd);
			caches[n] = a->opts.pip_cache;
			labels[n++] = own[nown++] = tilde(a->opts.pip_cache);
		}
	} else if (!a->opts.no_pip_cache) {
		const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");
		const char *pcd = getenv("PIP_CACHE_DIR"), *ecd = getenv("PIPENV_CACHE_DIR");
		const char *poe = getenv("POETRY_CACHE_DIR");
		cairn_buf b = CAIRN_BUF_INIT;
		char *base = NULL;

		if (xdg && *xdg == '/')
			base = cairn_strdup(xdg);
		else if (home && *home == '/')
			base = cairn_path_join(home, ".cache");
		for (i = 0; i < 6 && n < 8; i++) {
			struct stat st;
			size_t k;

			cairn_buf_clear(&b);
			if (i == 0 && pcd && *pcd == '/')
				cairn_buf_addstr(&b, pcd);
			else if (i == 1 && ecd && *ecd == '/')
				cairn_buf_addstr(&b, ecd);
			else if (i == 2 && poe && *poe == '/')
				cairn_buf_addf(&b, "%s/artifacts", poe);
			else if (i >= 3 && base)
				cairn_buf_addf(&b, "%s/%s", base, i == 3 ? "pip" : i == 4 ? "pipenv" :
					       "pypoetry/artifacts");
			else
				continue;
			if (stat(b.data, &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			for (k = 0; k < nown; k++)
				if (!strcmp(own[k], b.data))
					break;
			if (k < nown)
				continue;
			own[nown++] = cairn_strdup(b.data);
			caches[n] = own[nown - 1];
			labels[n++] = own[nown++] = tilde(b.data);
		}
		free(base);
		cairn_buf_release(&b);
	}
	po.caches = caches;
	po.cache_labels = labels;
	po.cache_count = n;
	/* requirements*.txt are read there once, for the lock and for the
	 * requirement records; below a node_modules root every file is a
	 * package's own (tree_text_files) */
	po.requirement_records = a->parentfd < 0;
	cairn_pylock_analyze(&a->recs, a->rootfd, &a->files, &po);
	for (i = 0; i < nown; i++)
		free(own[i]);
}

static int run(cairn_analyzer *a)
{
	cairn_npm_cache *cache = NULL;
	cairn_npm_opts no;
	char *cache_label = NULL;
	cairn_recs pending;
	int npx_fd = -1;

	cairn_recs_init(&pending);
	memset(&no, 0, sizeof(no));
	no.cachefd = -1;
	no.pnpm_storefd = -1;
	no.yarn_cachefd = -1;
	no.bun_cachefd = -1;
	if (a->opts.npm_cache) {
		if (cairn_npm_cache_open(&cache, a->opts.npm_cache) < 0) {
			cairn_recs_parse_error(&a->recs, a->opts.npm_cache, "cacache", cairn_error_last());
		} else {
			const char *rp = cairn_npm_cache_root_path(cache);

			cache_label = tilde(rp ? rp : a->opts.npm_cache);
			if (!cairn_npm_cache_is_cache(cache))
				cairn_recs_parse_error(&a->recs, a->opts.npm_cache, "cacache",
						       "not an npm cache: no _cacache, content-v2 or "
						       "index-v5 folder (npm config get cache names it)");
			no.cachefd = cairn_npm_cache_cacache_fd(cache);
			no.cache = cache;
			npm_timeline(a, cache, cache_label, &pending);
		}
	}
	no.no_cache_detail = no_cache_detail(a);
	if (a->opts.packages) {
		/* the root's real path: where dpkg would have put the files */
		cairn_pip_opts po = { a->root_real, a->opts.dpkg_root };

		if (a->opts.pnpm_store) {
			no.pnpm_storefd = cairn_safe_open_abs_dir(a->opts.pnpm_store);
			if (no.pnpm_storefd < 0) {
				cairn_recs_parse_error(&a->recs, a->opts.pnpm_store, "pnpm",
						       cairn_error_last());
				no.pnpm_storefd = -1;
			}
		}
		if (a->opts.yarn_cache) {
			no.yarn_cachefd = cairn_safe_open_abs_dir(a->opts.yarn_cache);
			if (no.yarn_cachefd < 0) {
				cairn_recs_parse_error(&a->recs, a->opts.yarn_cache, "yarn",
						       cairn_error_last());
				no.yarn_cachefd = -1;
			}
		}
		if (a->opts.bun_cache) {
			no.bun_cachefd = cairn_safe_open_abs_dir(a->opts.bun_cache);
			if (no.bun_cachefd < 0) {
				cairn_recs_parse_error(&a->recs, a->opts.bun_cache, "bun",
						       cairn_error_last());
				no.bun_cachefd = -1;
			}
		}
		npm_packages(a, &no);
		if (no.bun_cachefd >= 0)
			close(no.bun_cachefd);
		if (no.pnpm_storefd >= 0)
			close(no.pnpm_storefd);
		if (no.yarn_cachefd >= 0)
			close(no.yarn_cachefd);
		cairn_pip_analyze(&a->recs, a->rootfd, &a->files, &po);
		python_locks(a);
		cairn_pkg_times_add(&a->recs, &a->files);
		/* below a node_modules root every file is a package's own */
		if (a->parentfd < 0)
			tree_text_files(a);
	}
	if (cairn_npm_cache_root_fd(cache) >= 0)
		npx_fd = cairn_safe_opendir(cairn_npm_cache_root_fd(cache), "_npx");
	mcp_all(a, npx_fd, "_npx");
	npx_trees(a, cache, &no);
	if (a->opts.env_self || a->opts.pid_count) {
		const cairn_env_key *k = get_key(a);
		size_t i;

		if (a->opts.env_self)
			cairn_env_snapshot(&a->recs, k, NULL, a->opts.env_clear, a->opts.env_clear_count);
		for (i = 0; i < a->opts.pid_count; i++)
			cairn_env_snapshot(&a->recs, k, a->opts.pids[i], a->opts.env_clear,
					   a->opts.env_clear_count);
	}
	timeline_keep(a, &pending);
	coverage_record(a);
	if (npx_fd >= 0)
		close(npx_fd);
	cairn_npm_cache_free(cache);
	free(cache_label);
	cairn_recs_sort(&a->recs);
	return 0;
}

int cairn_analyzer_finish(cairn_analyzer *a, cairn_snap_writer *w)
{
	size_t i;
	int rc = run(a);

	for (i = 0; rc == 0 && i < a->recs.n; i++)
		rc = cairn_snap_writer_record(w, a->recs.v[i].rec);
	return rc;
}

int cairn_analyzer_collect(cairn_analyzer *a, json_t **out)
{
	json_t *arr = json_array();
	size_t i;

	run(a);
	for (i = 0; i < a->recs.n; i++)
		json_array_append(arr, a->recs.v[i].rec);
	*out = arr;
	return 0;
}

const json_t *cairn_analyzer_coverage(const cairn_analyzer *a)
{
	return a ? a->coverage : NULL;
}

json_t *cairn_analyze_opts_json(const cairn_analyze_opts *o)
{
	json_t *j = json_object(), *arr;
	size_t i;

	json_object_set_new(j, "packages", json_boolean(o->packages));
	json_object_set_new(j, "npm_cache", o->npm_cache ? json_string(o->npm_cache) : json_null());
	json_object_set_new(j, "npm_cache_from", o->npm_cache_from ? json_string(o->npm_cache_from)
								  : json_null());
	if (o->pnpm_store)
		json_object_set_new(j, "pnpm_store", json_string(o->pnpm_store));
	if (o->yarn_cache)
		json_object_set_new(j, "yarn_cache", json_string(o->yarn_cache));
	if (o->bun_cache)
		json_object_set_new(j, "bun_cache", json_string(o->bun_cache));
	if (o->pip_cache)
		json_object_set_new(j, "pip_cache", json_string(o->pip_cache));
	json_object_set_new(j, "env", json_boolean(o->env_self));
	arr = json_array();
	for (i = 0; i < o->pid_count; i++)
		json_array_append_new(arr, json_string(o->pids[i]));
	json_object_set_new(j, "pids", arr);
	arr = json_array();
	for (i = 0; i < o->env_clear_count; i++)
		json_array_append_new(arr, json_string(o->env_clear[i]));
	json_object_set_new(j, "env_clear", arr);
	arr = json_array();
	for (i = 0; i < o->mcp_config_count; i++)
		json_array_append_new(arr, json_string(o->mcp_configs[i]));
	json_object_set_new(j, "mcp_configs", arr);
	json_object_set_new(j, "mcp_discover", json_boolean(o->mcp_discover));
	if (o->dpkg_root)
		cairn_json_set_bytes(j, "dpkg_root", o->dpkg_root, strlen(o->dpkg_root));
	/* MCP configs carry secrets in env, headers and arguments as well:
	 * with --mcp-config/--mcp-discover their HMACs are matched against
	 * tool traffic later (cairn-report --capture), which needs the id */
	if (o->env_self || o->pid_count || o->mcp_discover || o->mcp_config_count) {
		char *path = o->env_key_path ? cairn_strdup(o->env_key_path)
					     : cairn_env_default_key_path();
		cairn_env_key *k = NULL;
		char id[65];

		/* the key id lets a reader tell whether two snapshots' HMACs
		 * compare; loading creates the key on first use */
		if (path && cairn_env_key_load(&k, path) == 0) {
			cairn_env_key_id(k, id);
			json_object_set_new(j, "env_key_id", json_string(id));
		} else {
			json_object_set_new(j, "env_key_id", json_null());
		}
		cairn_env_key_free(k);
		free(path);
	}
	return j;
}

void cairn_analyzer_free(cairn_analyzer *a)
{
	if (!a)
		return;
	if (a->rootfd >= 0)
		close(a->rootfd);
	if (a->parentfd >= 0)
		close(a->parentfd);
	free(a->root_name);
	free(a->parent_real);
	free(a->parent_name);
	json_decref(a->coverage);
	cairn_pkg_files_release(&a->files);
	cairn_recs_release(&a->recs);
	cairn_env_key_free(a->key);
	free(a->root);
	free(a->root_real);
	free(a);
}
