/*
 * npmcache.c - the npm cache's place and its tarball index (npmcache.h).
 *
 * npm's layout (npm config get cache, default ~/.npm): _cacache/ is the
 * content-addressed store (cacache), _npx/<key>/ the trees npx installs,
 * _logs/ the debug logs.  Users name either the root or its _cacache; the
 * root of a _cacache is found through the folder itself ("..") rather
 * than by cutting the path given, which is wrong for "~/.npm/" and for
 * symlinks.
 */
#include "npmcache.h"
#include "pkgfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct tarball {
	char *key;        /* "<name>/-/<file>.tgz" */
	char *url;
	char *integrity;
	long long time;
} tarball;

struct cairn_npm_cache {
	int rootfd, cachefd;
	char *root_path;   /* the root: dir as given, or the real parent */
	int is_cache;
	tarball *v;        /* sorted by key, then latest first */
	size_t n, cap;
	tarball **by_url;  /* v sorted by url, then latest first */
};

char *cairn_npm_cache_default(const char **from)
{
	const char *env = getenv("npm_config_cache");
	const char *home = getenv("HOME");
	struct stat st;

	*from = NULL;
	if (!env || !*env)
		env = getenv("NPM_CONFIG_CACHE");
	if (env && *env) {
		/* npm uses it whether or not it exists; so do we, and the
		 * snapshot then says the cache was empty */
		*from = "npm_config_cache";
		return cairn_strdup(env);
	}
	if (home && *home) {
		char *p = cairn_path_join(home, ".npm");

		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			*from = "home";
			return p;
		}
		free(p);
	}
	return NULL;
}

static int subdir(int fd, const char *name)
{
	struct stat st;

	return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

int cairn_npm_cache_open(cairn_npm_cache **out, const char *dir)
{
	cairn_npm_cache *c;
	int fd = cairn_safe_open_abs_dir(dir);

	*out = NULL;
	if (fd < 0)
		return fd;
	c = cairn_calloc(1, sizeof(*c));
	c->rootfd = c->cachefd = -1;
	if (subdir(fd, "_cacache")) {
		/* the root */
		c->rootfd = fd;
		c->root_path = cairn_strdup(dir);
		c->cachefd = cairn_safe_opendir(fd, "_cacache");
		c->is_cache = c->cachefd >= 0;
		if (c->cachefd < 0)
			c->cachefd = -1;
	} else if (subdir(fd, "content-v2") || subdir(fd, "index-v5")) {
		/* a cacache folder; inside a root when it is npm's _cacache */
		char *real = realpath(dir, NULL);
		const char *base = real ? cairn_path_base(real) : NULL;

		c->cachefd = fd;
		c->is_cache = 1;
		if (base && !strcmp(base, "_cacache")) {
			c->rootfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (c->rootfd < 0)
				c->rootfd = -1;
			else
				c->root_path = base - 1 == real ? cairn_strdup("/") :
					       cairn_strndup(real, (size_t)(base - 1 - real));
		}
		free(real);
	} else {
		/* not a cache: every lookup misses, and the snapshot says so */
		c->rootfd = fd;
		c->root_path = cairn_strdup(dir);
		c->cachefd = dup(fd);
		if (c->cachefd < 0)
			c->cachefd = -1;
	}
	*out = c;
	return 0;
}

void cairn_npm_cache_free(cairn_npm_cache *c)
{
	size_t i;

	if (!c)
		return;
	if (c->rootfd >= 0)
		close(c->rootfd);
	if (c->cachefd >= 0)
		close(c->cachefd);
	for (i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].url);
		free(c->v[i].integrity);
	}
	free(c->v);
	free(c->by_url);
	free(c->root_path);
	free(c);
}

int cairn_npm_cache_cacache_fd(const cairn_npm_cache *c)
{
	return c ? c->cachefd : -1;
}

int cairn_npm_cache_root_fd(const cairn_npm_cache *c)
{
	return c ? c->rootfd : -1;
}

const char *cairn_npm_cache_root_path(const cairn_npm_cache *c)
{
	return c ? c->root_path : NULL;
}

int cairn_npm_cache_is_cache(const cairn_npm_cache *c)
{
	return c && c->is_cache;
}

char *cairn_npm_tarball_key(const char *url)
{
	const char *p = strstr(url, "://"), *dash = NULL, *q, *name, *end;
	cairn_buf b = CAIRN_BUF_INIT;

	if (!p)
		return NULL;
	p = strchr(p + 3, '/');
	if (!p)
		return NULL;
	end = p + strcspn(p, "?#");
	for (q = p; (q = strstr(q, "/-/")) && q < end; q++)
		dash = q;
	if (!dash || dash == p)
		return NULL;
	/* the name: the component before "/-/", and its scope when the one
	 * before that starts with '@' */
	name = dash;
	while (name > p && name[-1] != '/')
		name--;
	if (name - 1 > p) {
		const char *scope = name - 1;

		while (scope > p && scope[-1] != '/')
			scope--;
		if (*scope == '@')
			name = scope;
	}
	if (name == dash || end - dash <= 7 || memcmp(end - 4, ".tgz", 4))
		return NULL;
	cairn_buf_add(&b, name, (size_t)(end - name));
	return cairn_buf_detach(&b, NULL);
}

struct index_ctx {
	cairn_npm_cache *c;
	cairn_cacache_index_cb cb;
	void *ctx;
};

static void index_entry(void *ctx, const json_t *e, const char *bucket)
{
	struct index_ctx *x = ctx;
	cairn_npm_cache *c = x->c;
	const char *key = json_string_value(json_object_get(e, "key"));
	const char *url = json_string_value(json_object_get(json_object_get(e, "metadata"), "url"));
	const char *integrity = json_string_value(json_object_get(e, "integrity"));
	const json_t *t = json_object_get(e, "time");
	char *tk;

	if (x->cb)
		x->cb(x->ctx, e, bucket);
	if (!url && key) {
		url = strstr(key, "https://");
		if (!url)
			url = strstr(key, "http://");
	}
	if (!url || !integrity || !(tk = cairn_npm_tarball_key(url)))
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = cairn_realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n].key = tk;
	c->v[c->n].url = cairn_strdup(url);
	c->v[c->n].integrity = cairn_strdup(integrity);
	c->v[c->n].time = json_is_integer(t) ? (long long)json_integer_value(t) : 0;
	c->n++;
}

/* latest first, then the URL and integrity: a total order */
static int newer_first(const tarball *x, const tarball *y)
{
	int r;

	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	r = strcmp(x->url, y->url);
	return r ? r : strcmp(x->integrity, y->integrity);
}

static int by_key(const void *a, const void *b)
{
	const tarball *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	return r ? r : newer_first(x, y);
}

static int by_url(const void *a, const void *b)
{
	const tarball *x = *(tarball *const *)a, *y = *(tarball *const *)b;
	int r = strcmp(x->url, y->url);

	return r ? r : newer_first(x, y);
}

int cairn_npm_cache_read_index(cairn_npm_cache *c, cairn_cacache_index_cb cb, void *ctx)
{
	struct index_ctx x = { c, cb, ctx };
	size_t i;
	int rc;

	if (c->cachefd < 0)
		return CAIRN_ENOTFOUND;
	rc = cairn_cacache_index(c->cachefd, index_entry, &x);
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), by_key);
	free(c->by_url);
	c->by_url = cairn_calloc(c->n + 1, sizeof(*c->by_url));
	for (i = 0; i < c->n; i++)
		c->by_url[i] = &c->v[i];
	if (c->n > 1)
		qsort(c->by_url, c->n, sizeof(*c->by_url), by_url);
	return rc;
}

const char *cairn_npm_cache_find_tarball(const cairn_npm_cache *c, const char *url,
					 const char *name, const char *version,
					 const char **url_out)
{
	size_t lo = 0, hi;
	const tarball *hit = NULL;

	if (url_out)
		*url_out = NULL;
	if (!c || !c->n)
		return NULL;
	hi = c->n;
	if (url) {
		/* first (latest) entry with this URL */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(c->by_url[mid]->url, url) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < c->n && !strcmp(c->by_url[lo]->url, url))
			hit = c->by_url[lo];
	} else if (name && version && *name && *version) {
		const char *base = name[0] == '@' && strchr(name, '/') ? strchr(name, '/') + 1 : name;
		cairn_buf k = CAIRN_BUF_INIT;

		cairn_buf_addf(&k, "%s/-/%s-%s.tgz", name, base, version);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(c->v[mid].key, k.data) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < c->n && !strcmp(c->v[lo].key, k.data))
			hit = &c->v[lo];
		cairn_buf_release(&k);
	}
	if (!hit)
		return NULL;
	if (url_out)
		*url_out = hit->url;
	return hit->integrity;
}
