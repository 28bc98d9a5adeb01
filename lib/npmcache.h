/*
 * npmcache.h - where the npm cache is and what it holds: its root (~/.npm,
 * holding _cacache, _npx and _logs) found from either the root or its
 * _cacache folder, the default cache of the user running cairn, and an
 * index from tarball URL to integrity built from cacache's index-v5 (so a
 * package that no lockfile names, such as a global install, can still be
 * checked against the bytes npm downloaded).  Nothing is written to the
 * cache.
 */
#ifndef CAIRN_NPMCACHE_H
#define CAIRN_NPMCACHE_H

#include "cacache.h"

typedef struct cairn_npm_cache cairn_npm_cache;

/*
 * The npm cache of the user running cairn: $npm_config_cache (or
 * $NPM_CONFIG_CACHE) when set, else $HOME/.npm when that folder exists.
 * Returns a new string, or NULL when there is none; *from receives
 * "npm_config_cache" or "home" (static).
 */
char *cairn_npm_cache_default(const char **from);

/*
 * Open the npm cache at dir: npm's cache root (a folder holding _cacache)
 * or the _cacache folder itself, whose parent is then the root.  A folder
 * that is neither (no _cacache, content-v2 or index-v5) is opened as an
 * empty cache: cairn_npm_cache_is_cache() says so.  No symlink is
 * followed below dir.  Returns 0, or CAIRN_ENOTFOUND / CAIRN_EIO when dir
 * is not a folder that can be opened.  Free with cairn_npm_cache_free().
 */
int cairn_npm_cache_open(cairn_npm_cache **out, const char *dir);
void cairn_npm_cache_free(cairn_npm_cache *c);

/* The cacache folder (content-v2, index-v5), or -1. */
int cairn_npm_cache_cacache_fd(const cairn_npm_cache *c);
/* The root (holding _npx and _logs), or -1 when dir was a cacache folder
 * not named _cacache (so not inside an npm cache root). */
int cairn_npm_cache_root_fd(const cairn_npm_cache *c);
/* The root's path: dir as given when dir is the root, else the real path
 * of the _cacache folder's parent; NULL when there is no root. */
const char *cairn_npm_cache_root_path(const cairn_npm_cache *c);
/* 1 when the folder had a _cacache, content-v2 or index-v5 folder. */
int cairn_npm_cache_is_cache(const cairn_npm_cache *c);

/*
 * Read index-v5 once: cb (may be NULL) is called per entry as
 * cairn_cacache_index() does, and every tarball entry with an integrity
 * is kept for cairn_npm_cache_find_tarball().  Returns the number of
 * malformed lines (>= 0) or a negative CAIRN_E* (no index-v5).
 */
int cairn_npm_cache_read_index(cairn_npm_cache *c, cairn_cacache_index_cb cb, void *ctx);

/*
 * The integrity npm recorded for a tarball: by its exact URL when url is
 * not NULL, else by name and version ("<name>/-/<basename>-<version>.tgz"
 * below any registry host or path).  When several fetches match, the
 * latest wins.  Returns the integrity (owned by c) and in *url_out (may be
 * NULL) the URL it was fetched from, or NULL when none.
 */
const char *cairn_npm_cache_find_tarball(const cairn_npm_cache *c, const char *url,
					 const char *name, const char *version,
					 const char **url_out);

/* The registry-independent part of a tarball URL:
 * "https://host/prefix/@s/n/-/n-1.0.0.tgz?x" -> "@s/n/-/n-1.0.0.tgz"
 * (new string), NULL when url is not a registry tarball URL. */
char *cairn_npm_tarball_key(const char *url);

#endif
