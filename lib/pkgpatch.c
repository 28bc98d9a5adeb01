/*
 * pkgpatch.c - release diffs and on-disk edits of npm packages from the
 * npm cache's tarballs, in memory (see pkgpatch.h).
 */
#include "pkgpatch.h"
#include "cacache.h"
#include "jsonutil.h"
#include "pkgfs.h"
#include "tarball.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ tarballs */

struct member {
	char *path;
	uint64_t size;
	unsigned char sha256[32];
	char *data;              /* NULL: over the size cap or the held cap */
	size_t order;            /* position in the archive */
};

struct tarlist {
	struct member *v;
	size_t n, cap;
	uint64_t held;
};

static int collect(void *ctx, const cairn_tar_member *m)
{
	struct tarlist *t = ctx;
	struct member *x;

	if (m->kind != CAIRN_TAR_FILE)
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->v = cairn_realloc(t->v, t->cap * sizeof(*t->v));
	}
	x = &t->v[t->n];
	memset(x, 0, sizeof(*x));
	x->path = cairn_strdup(m->path);
	x->size = m->size;
	x->order = t->n++;
	memcpy(x->sha256, m->sha256, 32);
	if (m->data && t->held + m->size <= CAIRN_PKGPATCH_MAX_HELD) {
		x->data = cairn_malloc((size_t)m->size + 1);
		memcpy(x->data, m->data, (size_t)m->size);
		t->held += m->size;
	}
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void tarlist_release(struct tarlist *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].data);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* Sorted by path; of members with the same path the last one is kept, as
 * an extraction would leave it. */
static void tarlist_sort(struct tarlist *t)
{
	size_t i, j = 0;

	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), member_cmp);
	for (i = 0; i < t->n; i++) {
		if (i + 1 < t->n && !strcmp(t->v[i].path, t->v[i + 1].path)) {
			free(t->v[i].path);
			free(t->v[i].data);
			continue;
		}
		t->v[j++] = t->v[i];
	}
	t->n = j;
}

static const struct member *tarlist_find(const struct tarlist *t, const char *path)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].path, path);

		if (!c)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------------ output */

struct run {
	const cairn_pkgpatch_opts *o;
	json_t *out;
	size_t lines;            /* excerpt lines so far */
	size_t pkg_lines;        /* of them, the current package's */
	size_t pkg_dropped;      /* its patches left out by max_pkg_lines */
	int full;                /* a cap was reached */
	size_t dropped;          /* items left out after that */
	cairn_buf tmp, ex;
	/* the package being worked on */
	const char *name, *version, *pkgdir, *kind;
	cairn_buf origin;
};

static int room(struct run *r)
{
	const cairn_pkgpatch_opts *o = r->o;

	if (!r->full && ((o->max_items && json_array_size(r->out) + 1 >= o->max_items) ||
			 (o->max_lines && r->lines >= o->max_lines)))
		r->full = 1;
	if (r->full)
		r->dropped++;
	return !r->full;
}

static void add_item(struct run *r, const char *kind, const char *path, const char *text)
{
	json_t *it = json_object();

	json_object_set_new(it, "path", cairn_json_bytes_item(path, strlen(path)));
	json_object_set_new(it, "patch", json_string(text));
	json_object_set_new(it, "kind", json_string(kind));
	json_object_set_new(it, "package", json_string(r->name));
	json_object_set_new(it, "version", json_string(r->version));
	json_object_set_new(it, "origin", json_string(r->origin.data ? r->origin.data : ""));
	json_array_append_new(r->out, it);
}

/* A note about path: its text is built by the caller in r->tmp.  Names
 * come from the packages: kept valid UTF-8 for the JSON. */
static void note(struct run *r, const char *path)
{
	cairn_buf e = CAIRN_BUF_INIT;

	if (!room(r))
		return;
	if (cairn_utf8_valid(r->tmp.data ? r->tmp.data : "", r->tmp.len))
		cairn_buf_add(&e, r->tmp.data ? r->tmp.data : "", r->tmp.len);
	else
		cairn_escape_bytes(&e, r->tmp.data, r->tmp.len);
	add_item(r, "note", path, e.data ? e.data : "");
	cairn_buf_release(&e);
}

static void short_hex(char out[17], const unsigned char *sha)
{
	cairn_hex(out, sha, 8);
}

/* The patch of one file (either side may be NULL: added or removed). */
static void file_patch(struct run *r, const char *path, const char *a, size_t alen,
		       const unsigned char *asha, const char *b, size_t blen,
		       const unsigned char *bsha)
{
	cairn_buf p = CAIRN_BUF_INIT;
	cairn_patch_caps caps = r->o->caps;
	char h1[17] = "-", h2[17] = "-";
	size_t n;
	int rc, escaped;

	if (r->full) {
		r->dropped++;
		return;
	}
	if (r->o->max_pkg_lines && r->pkg_lines >= r->o->max_pkg_lines) {
		r->pkg_dropped++;
		return;
	}
	rc = cairn_patch_texts(&p, path, a, alen, path, b, blen);
	cairn_buf_clear(&r->tmp);
	if (rc == 2) {
		if (asha)
			short_hex(h1, asha);
		if (bsha)
			short_hex(h2, bsha);
		cairn_buf_addf(&r->tmp, "Binary file %s: size %zu -> %zu, sha256 %s.. -> %s.. (not shown)",
			       path, a ? alen : 0, b ? blen : 0, h1, h2);
		note(r, path);
	} else if (rc < 0) {
		cairn_buf_addf(&r->tmp, "Patch failed: %s", cairn_error_last());
		note(r, path);
	} else if (p.len) {
		if (!room(r))
			goto done;
		if (r->o->max_lines && r->o->max_lines - r->lines < caps.lines + 1)
			caps.lines = r->o->max_lines - r->lines;
		if (r->o->max_pkg_lines && r->o->max_pkg_lines - r->pkg_lines < caps.lines + 1)
			caps.lines = r->o->max_pkg_lines - r->pkg_lines;
		cairn_buf_clear(&r->ex);
		n = cairn_patch_excerpt(&r->ex, p.data, p.len, &caps, &escaped);
		r->lines += n;
		r->pkg_lines += n;
		add_item(r, r->kind, path, r->ex.data ? r->ex.data : "");
		if (escaped)
			json_object_set_new(json_array_get(r->out, json_array_size(r->out) - 1),
					    "escaped", json_true());
	}
done:
	cairn_buf_release(&p);
}

static void too_large(struct run *r, const char *path, uint64_t a, uint64_t b)
{
	cairn_buf_clear(&r->tmp);
	cairn_buf_addf(&r->tmp, "File %s: %llu -> %llu bytes; a file over %u bytes is not diffed "
		       "(not shown)", path, (unsigned long long)a, (unsigned long long)b,
		       CAIRN_PKGPATCH_MAX_FILE);
	note(r, path);
}

/* Parse a tarball into t (sorted).  On failure a note says why and -1 is
 * returned. */
static int parse_tarball(struct run *r, struct tarlist *t, const char *version,
			 const void *data, size_t len, const char *label)
{
	if (cairn_tarball_read(data, len, 1, CAIRN_PKGPATCH_MAX_FILE, collect, t, label) < 0) {
		cairn_buf_clear(&r->tmp);
		cairn_buf_addf(&r->tmp, "%s %s: tarball refused: %s", r->name, version,
			       cairn_error_last());
		note(r, r->pkgdir);
		return -1;
	}
	tarlist_sort(t);
	return 0;
}

/* Read the tarball of integrity from the cache into t.  On failure a note
 * says why and -1 is returned. */
static int load_tarball(struct run *r, struct tarlist *t, const char *version,
			const char *integrity)
{
	cairn_buf tgz = CAIRN_BUF_INIT;
	char *src = cairn_cacache_content_path(integrity);
	int rc;

	rc = cairn_cacache_read(&tgz, r->o->cachefd, integrity, r->o->cache_label);
	cairn_buf_clear(&r->tmp);
	if (rc == 0) {
		rc = parse_tarball(r, t, version, tgz.data, tgz.len, src ? src : "tarball");
		cairn_buf_release(&tgz);
		free(src);
		return rc;
	}
	if (rc == CAIRN_ENOTFOUND) {
		cairn_buf_addf(&r->tmp, "%s %s: its tarball (%.30s...) is not in the npm cache %s",
			       r->name, version, integrity, r->o->cache_label);
	} else if (rc == CAIRN_EVERIFY) {
		cairn_buf_addf(&r->tmp, "%s %s: the npm cache's copy of its tarball does not match "
			       "the integrity %.30s... (corrupt or altered cache): not used",
			       r->name, version, integrity);
	} else {
		cairn_buf_addf(&r->tmp, "%s %s: %s", r->name, version, cairn_error_last());
	}
	cairn_buf_release(&tgz);
	free(src);
	note(r, r->pkgdir);
	return -1;
}

static char *installed_path(const char *pkgdir, const char *rel)
{
	return cairn_path_join(pkgdir, rel);
}

/* Which files come first when the caps leave some out: the manifest (its
 * scripts run at install), then code, then the rest (docs, maps, types,
 * tests). */
static int file_rank(const char *path)
{
	static const char *const code[] = { ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts",
		".jsx", ".tsx", ".sh", ".py", ".json", NULL };
	const char *base = cairn_path_base(path), *dot = strrchr(base, '.');
	size_t i;

	if (!strcmp(path, "package.json"))
		return 0;
	/* types and tests do not run when the package is used */
	if (dot && (dot - base >= 2 && !strcmp(dot - 2, ".d.ts")))
		return 2;
	if (strstr(path, "__tests__/") || !strncmp(path, "test/", 5) ||
	    !strncmp(path, "tests/", 6) || strstr(path, "/test/") || strstr(path, "/tests/") ||
	    strstr(base, ".test.") || strstr(base, ".spec."))
		return 2;
	for (i = 0; dot && code[i]; i++)
		if (!strcmp(dot, code[i]))
			return 1;
	return 2;
}

/* ------------------------------------------------------------ release */

/* The patches of the files that differ between two sorted member lists. */
static void release_members(struct run *r, const struct tarlist *a, const struct tarlist *b)
{
	size_t i, j;
	int rank;

	/* one merge of the two sorted lists per rank */
	for (rank = 0; rank < 3; rank++) {
		for (i = j = 0; i < a->n || j < b->n;) {
			const struct member *x = i < a->n ? &a->v[i] : NULL;
			const struct member *y = j < b->n ? &b->v[j] : NULL;
			int c = !x ? 1 : !y ? -1 : strcmp(x->path, y->path);
			char *path;

			i += c <= 0;
			j += c >= 0;
			if (c < 0)
				y = NULL;
			else if (c > 0)
				x = NULL;
			if ((x && y && !memcmp(x->sha256, y->sha256, 32)) ||
			    file_rank(x ? x->path : y->path) != rank)
				continue;
			path = installed_path(r->pkgdir, x ? x->path : y->path);
			if ((x && !x->data) || (y && !y->data))
				too_large(r, path, x ? x->size : 0, y ? y->size : 0);
			else
				file_patch(r, path, x ? x->data : NULL, x ? (size_t)x->size : 0,
					   x ? x->sha256 : NULL, y ? y->data : NULL,
					   y ? (size_t)y->size : 0, y ? y->sha256 : NULL);
			free(path);
		}
	}
}

static void release(struct run *r, const char *old_version, const char *old_integrity,
		    const char *new_integrity)
{
	struct tarlist a = { NULL, 0, 0, 0 }, b = { NULL, 0, 0, 0 };

	r->kind = "release";
	cairn_buf_clear(&r->origin);
	cairn_buf_addf(&r->origin, "%s %s -> %s: what the release changed, from the two "
		       "published tarballs in the npm cache %s (integrity checked)",
		       r->name, old_version, r->version, r->o->cache_label);
	if (load_tarball(r, &a, old_version, old_integrity) == 0 &&
	    load_tarball(r, &b, r->version, new_integrity) == 0)
		release_members(r, &a, &b);
	tarlist_release(&a);
	tarlist_release(&b);
}

/* ------------------------------------------------------------ installed */

/* The SHA-256 the diff recorded for path on its new side, or NULL. */
static const char *recorded_sha(const json_t *diff, const char *path)
{
	const json_t *ch = json_object_get(diff, "changes");
	size_t i;

	for (i = 0; i < json_array_size(ch); i++) {
		const json_t *c = json_array_get(ch, i);

		if (!strcmp(cairn_json_str_or(c, "path", ""), path))
			return cairn_json_str(json_object_get(c, "new"), "sha256");
	}
	return NULL;
}

/* The installed bytes of path into out: 0, or -1 with r->tmp saying why. */
static int installed_bytes(struct run *r, const json_t *diff, const char *path, cairn_buf *out)
{
	const cairn_pkgpatch_opts *o = r->o;
	const char *want;
	unsigned char sha[32];
	char hex[65];
	int rc;

	cairn_buf_clear(&r->tmp);
	if (o->store) {
		rc = cairn_store_file(o->store, o->new_commit, path, out);
		if (rc == 1)
			return 0;
		if (rc < 0) {
			cairn_buf_addf(&r->tmp, "%s: %s", path, cairn_error_last());
			return -1;
		}
	}
	if (o->rootfd < 0) {
		cairn_buf_addf(&r->tmp, "%s: the installed bytes are not available: neither stored "
			       "(cairn-snap --store-content) nor on disk (not shown)", path);
		return -1;
	}
	want = o->root_is_new ? NULL : recorded_sha(diff, path);
	if (!o->root_is_new && !want) {
		cairn_buf_addf(&r->tmp, "%s: the snapshot's bytes are not stored and the diff "
			       "recorded no hash to check the file on disk against (not shown)", path);
		return -1;
	}
	rc = cairn_safe_read(out, o->rootfd, path, CAIRN_PKGPATCH_MAX_FILE, o->root_label);
	if (rc == CAIRN_ELIMIT) {
		cairn_buf_addf(&r->tmp, "%s: over %u bytes on disk; not diffed (not shown)", path,
			       CAIRN_PKGPATCH_MAX_FILE);
		return -1;
	}
	if (rc < 0) {
		cairn_buf_addf(&r->tmp, "%s: cannot read it on disk: %s (not shown)", path,
			       cairn_error_last());
		return -1;
	}
	if (want) {
		cairn_pkg_sha256(sha, out->data ? out->data : "", out->len);
		cairn_hex(hex, sha, 32);
		if (strcmp(hex, want)) {
			cairn_buf_addf(&r->tmp, "%s: changed on disk since the snapshot (sha256 %.16s.., "
				       "the snapshot recorded %.16s..): not shown", path, hex, want);
			return -1;
		}
	}
	return 0;
}

/* Relative file name from a record's list ("esc:" names hold raw bytes). */
static char *rel_name(const json_t *v)
{
	const char *s = json_string_value(v);
	cairn_buf b = CAIRN_BUF_INIT;

	if (!s)
		return NULL;
	if (strncmp(s, "esc:", 4))
		return cairn_strdup(s);
	if (cairn_unescape_bytes(&b, s + 4, strlen(s + 4)) < 0 ||
	    memchr(b.data ? b.data : "", '\0', b.len)) {
		cairn_buf_release(&b);
		return NULL;
	}
	return cairn_buf_detach(&b, NULL);
}

static void installed(struct run *r, const json_t *diff, const json_t *files,
		      const char *integrity)
{
	const cairn_pkgpatch_opts *o = r->o;
	struct tarlist t = { NULL, 0, 0, 0 };
	const json_t *lists[2] = { json_object_get(files, "modified"),
				   json_object_get(files, "added") };
	cairn_buf disk = CAIRN_BUF_INIT;
	size_t k, i;

	r->kind = "installed";
	cairn_buf_clear(&r->origin);
	cairn_buf_addf(&r->origin, "%s %s as installed, against its published tarball in the "
		       "npm cache %s: a/ the published bytes, b/ the installed bytes (%s%s%s)",
		       r->name, r->version, o->cache_label,
		       o->store ? "the store's content of the snapshot" :
		       o->root_is_new ? "read from " : "read from ",
		       o->store ? "" : o->root_label ? o->root_label : "the tree",
		       o->store ? "" : o->root_is_new ? " as it is now" :
		       ", SHA-256 as the snapshot recorded");
	if (load_tarball(r, &t, r->version, integrity) < 0)
		goto done;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < json_array_size(lists[k]); i++) {
			char *rel = rel_name(json_array_get(lists[k], i));
			const struct member *m = rel && k == 0 ? tarlist_find(&t, rel) : NULL;
			char *path = rel ? installed_path(r->pkgdir, rel) : NULL;
			unsigned char sha[32];

			if (!rel) {
				free(path);
				continue;
			}
			cairn_buf_clear(&disk);
			if (k == 0 && !m) {
				cairn_buf_clear(&r->tmp);
				cairn_buf_addf(&r->tmp, "%s: listed as modified, but not in the tarball",
					       path);
				note(r, path);
			} else if (installed_bytes(r, diff, path, &disk) < 0) {
				note(r, path);
			} else if (m && !m->data) {
				too_large(r, path, m->size, disk.len);
			} else {
				cairn_pkg_sha256(sha, disk.data ? disk.data : "", disk.len);
				file_patch(r, path, m ? m->data : NULL, m ? (size_t)m->size : 0,
					   m ? m->sha256 : NULL, disk.data ? disk.data : "", disk.len,
					   sha);
			}
			free(rel);
			free(path);
		}
	}
done:
	cairn_buf_release(&disk);
	tarlist_release(&t);
}

/* ------------------------------------------------------------ driver */

void cairn_pkgpatch_opts_init(cairn_pkgpatch_opts *o, int for_report)
{
	memset(o, 0, sizeof(*o));
	o->cachefd = -1;
	o->rootfd = -1;
	o->cache_label = "(none)";
	o->caps.line_bytes = CAIRN_PATCH_LINE_BYTES;
	if (for_report) {
		/* as the store's excerpts: 80 lines a file */
		o->caps.lines = 80;
		o->max_pkg_lines = 300;
		o->max_lines = 1200;
		o->max_items = 40;
	} else {
		o->caps.lines = 400;
		o->max_pkg_lines = 1200;
		o->max_lines = 6000;
		o->max_items = 300;
	}
}

static void run_begin(struct run *r, const cairn_pkgpatch_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->out = json_array();
	git_libgit2_init();
}

/* The closing note when caps left items out; frees all but r->out. */
static void run_end(struct run *r)
{
	if (r->dropped) {
		json_t *it = json_object();
		char msg[200];

		snprintf(msg, sizeof(msg), "[... %zu more package patches or notes not shown: the "
			 "caps are %zu lines and %zu items ...]", r->dropped, r->o->max_lines,
			 r->o->max_items);
		json_object_set_new(it, "path", json_string(""));
		json_object_set_new(it, "patch", json_string(msg));
		json_object_set_new(it, "kind", json_string("note"));
		json_array_append_new(r->out, it);
	}
	git_libgit2_shutdown();
	cairn_buf_release(&r->tmp);
	cairn_buf_release(&r->ex);
	cairn_buf_release(&r->origin);
}

/* The note of a package whose patches reached max_pkg_lines. */
static void pkg_end(struct run *r)
{
	if (!r->pkg_dropped)
		return;
	cairn_buf_clear(&r->tmp);
	cairn_buf_addf(&r->tmp, "[... %zu more changed files of %s not shown: a package's "
		       "patches stop at %zu lines ...]", r->pkg_dropped, r->name,
		       r->o->max_pkg_lines);
	note(r, r->pkgdir);
}

static int seen(json_t *keys, const char *key)
{
	if (json_object_get(keys, key))
		return 1;
	json_object_set_new(keys, key, json_true());
	return 0;
}

json_t *cairn_pkgpatch_json(const json_t *diff, const cairn_pkgpatch_opts *o)
{
	const json_t *recs = json_object_get(diff, "records");
	json_t *keys = json_object();
	struct run r;
	size_t i;

	run_begin(&r, o);
	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *c = json_array_get(recs, i);
		const json_t *old = json_object_get(c, "old"), *nw = json_object_get(c, "new");
		const json_t *files = json_object_get(nw, "files");
		const char *oi = cairn_json_str(old, "integrity"), *ni = cairn_json_str(nw, "integrity");
		char *pkgdir;
		int changed, edited;

		if (strcmp(cairn_json_str_or(c, "type", ""), "package") || !json_is_object(nw) ||
		    strcmp(cairn_json_str_or(nw, "ecosystem", ""), "npm") ||
		    !cairn_json_str(nw, "path") || seen(keys, cairn_json_str_or(c, "key", "")))
			continue;
		changed = json_is_object(old) && oi && ni && strcmp(oi, ni);
		edited = json_array_size(json_object_get(files, "modified")) +
			 json_array_size(json_object_get(files, "added")) > 0;
		if (!changed && !edited)
			continue;
		pkgdir = rel_name(json_object_get(nw, "path"));
		if (!pkgdir)
			continue;
		r.name = cairn_json_str_or(nw, "name", "?");
		r.version = cairn_json_str_or(nw, "version", "?");
		r.pkgdir = pkgdir;
		r.pkg_lines = r.pkg_dropped = 0;
		if (o->cachefd < 0) {
			r.kind = "note";
			cairn_buf_clear(&r.origin);
			cairn_buf_clear(&r.tmp);
			cairn_buf_addf(&r.tmp, "%s %s: no npm cache to read its published tarball%s "
				       "from: give --npm-cache DIR to see %s", r.name, r.version,
				       changed ? "s" : "", changed ?
				       "the lines the release changed" : "what was changed on disk");
			note(&r, pkgdir);
		} else {
			if (changed)
				release(&r, cairn_json_str_or(old, "version", "?"), oi, ni);
			if (edited && ni)
				installed(&r, diff, files, ni);
			pkg_end(&r);
		}
		free(pkgdir);
	}
	run_end(&r);
	json_decref(keys);
	return r.out;
}

json_t *cairn_pkgpatch_tarballs(const void *old, size_t old_len, const void *new,
				size_t new_len, const char *pkgdir, const cairn_pkgpatch_opts *o)
{
	struct tarlist a = { NULL, 0, 0, 0 }, b = { NULL, 0, 0, 0 };
	struct run r;

	run_begin(&r, o);
	r.name = "package";
	r.version = "new";
	r.pkgdir = pkgdir;
	r.kind = "release";
	if (parse_tarball(&r, &a, "old", old, old_len, "old tarball") == 0 &&
	    parse_tarball(&r, &b, "new", new, new_len, "new tarball") == 0)
		release_members(&r, &a, &b);
	pkg_end(&r);
	tarlist_release(&a);
	tarlist_release(&b);
	run_end(&r);
	return r.out;
}

int cairn_pkgpatch_open_cache(const char *dir)
{
	int fd = cairn_safe_open_abs_dir(dir), sub;

	if (fd < 0)
		return fd;
	/* npm's cache root holds _cacache; else dir is the cacache folder */
	sub = cairn_safe_opendir(fd, "_cacache");
	if (sub >= 0) {
		close(fd);
		return sub;
	}
	return fd;
}

void cairn_pkgpatch_merge(json_t *patches, const json_t *extra)
{
	size_t n = json_array_size(patches), i, j;

	for (i = 0; i < json_array_size(extra); i++) {
		const json_t *it = json_array_get(extra, i);
		const char *p = cairn_json_str_or(it, "path", "");

		for (j = 0; j < n; j++)
			if (!strcmp(cairn_json_str_or(json_array_get(patches, j), "path", ""), p))
				break;
		if (j == n)
			json_array_append(patches, (json_t *)it);
	}
}

int cairn_pkgpatch_use_cache(cairn_pkgpatch_opts *o, const char *dir,
			     const json_t *new_header, const json_t *old_header)
{
	const char *rec = NULL;
	int fd;

	if (!dir) {
		rec = cairn_json_str(json_object_get(new_header, "options"), "npm_cache");
		if (!rec)
			rec = cairn_json_str(json_object_get(old_header, "options"), "npm_cache");
		if (!rec)
			return 0;
	}
	fd = cairn_pkgpatch_open_cache(dir ? dir : rec);
	if (fd < 0) {
		if (dir)
			return cairn_error_set(fd, "--npm-cache: %s", cairn_error_last());
		return 0;
	}
	o->cachefd = fd;
	free(o->owned_labels[0]);
	o->owned_labels[0] = cairn_strdup(dir ? dir : rec);
	o->cache_label = o->owned_labels[0];
	return 0;
}

void cairn_pkgpatch_use_root(cairn_pkgpatch_opts *o, const char *root, int root_is_new)
{
	int fd = root ? cairn_safe_open_abs_dir(root) : -1;

	if (fd < 0)
		return;
	o->rootfd = fd;
	o->root_is_new = root_is_new;
	free(o->owned_labels[1]);
	o->owned_labels[1] = cairn_strdup(root);
	o->root_label = o->owned_labels[1];
}

void cairn_pkgpatch_opts_release(cairn_pkgpatch_opts *o)
{
	if (o->cachefd >= 0)
		close(o->cachefd);
	if (o->rootfd >= 0)
		close(o->rootfd);
	free(o->owned_labels[0]);
	free(o->owned_labels[1]);
	o->cachefd = o->rootfd = -1;
	o->owned_labels[0] = o->owned_labels[1] = NULL;
}

int cairn_pkgpatch_diff(json_t **out, const json_t *diff, int for_report,
			const char *npm_cache, const json_t *new_header,
			const json_t *old_header, cairn_store *store,
			const char *new_commit, const char *live_root)
{
	cairn_pkgpatch_opts po;
	int rc;

	*out = NULL;
	cairn_pkgpatch_opts_init(&po, for_report);
	rc = cairn_pkgpatch_use_cache(&po, npm_cache, new_header, old_header);
	if (rc < 0)
		goto done;
	if (store) {
		po.store = store;
		po.new_commit = new_commit;
	}
	if (live_root)
		cairn_pkgpatch_use_root(&po, live_root, 1);
	else
		cairn_pkgpatch_use_root(&po, json_string_value(json_object_get(new_header,
									       "root_realpath")), 0);
	*out = cairn_pkgpatch_json(diff, &po);
done:
	cairn_pkgpatch_opts_release(&po);
	return rc < 0 ? rc : 0;
}
