/*
 * pip.c - dist-info verification and requirements files (see pip.h).
 * PEP 376 / PEP 627 (RECORD), PEP 610 (direct_url.json), core metadata
 * (METADATA is RFC 822-style headers).
 */
#include "pip.h"
#include "dpkg.h"
#include "jsonutil.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cairn_pip_record_parse(const char *data, size_t len, cairn_pip_record_cb cb,
			   void *ctx, const char *label)
{
	cairn_buf field[3];
	size_t off = 0;
	long line = 0;
	int rows = 0, rc = 0, i;

	if (memchr(data, '\0', len))
		return cairn_error_set(CAIRN_EFORMAT, "%s: NUL byte", label);
	for (i = 0; i < 3; i++)
		cairn_buf_init(&field[i]);
	while (off < len) {
		int nf = 0, extra = 0;

		line++;
		for (i = 0; i < 3; i++) {
			cairn_buf_clear(&field[i]);
			cairn_buf_add(&field[i], "", 0);
		}
		/* one row */
		for (;;) {
			cairn_buf *f = nf < 3 ? &field[nf] : NULL;

			if (off < len && data[off] == '"') {
				off++;
				for (;;) {
					if (off >= len) {
						rc = cairn_error_set(CAIRN_EFORMAT,
								     "%s: line %ld: unterminated quote", label, line);
						goto done;
					}
					if (data[off] == '"') {
						if (off + 1 < len && data[off + 1] == '"') {
							if (f)
								cairn_buf_addch(f, '"');
							off += 2;
							continue;
						}
						off++;
						break;
					}
					if (f)
						cairn_buf_addch(f, data[off]);
					off++;
				}
			}
			while (off < len && data[off] != ',' && data[off] != '\n' && data[off] != '\r') {
				if (f)
					cairn_buf_addch(f, data[off]);
				off++;
			}
			if (nf < 3)
				nf++;
			else
				extra = 1;
			if (off < len && data[off] == ',') {
				off++;
				continue;
			}
			if (off < len && data[off] == '\r')
				off++;
			if (off < len && data[off] == '\n')
				off++;
			break;
		}
		if (nf == 1 && field[0].len == 0)
			continue;   /* blank line */
		if (nf != 3 || extra) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: %d fields, want 3",
					     label, line, extra ? 4 : nf);
			goto done;
		}
		rows++;
		rc = cb(ctx, field[0].data, field[1].data, field[2].data);
		if (rc < 0)
			goto done;
	}
	rc = rows;
done:
	for (i = 0; i < 3; i++)
		cairn_buf_release(&field[i]);
	return rc;
}

/* ---- installed distributions ---- */

/* What describes the distribution: a PEP 376 .dist-info folder, a
 * setuptools .egg-info folder, or an .egg-info file (distutils: PKG-INFO
 * written as a single file). */
enum { DIST_INFO, EGG_INFO, EGG_FILE };

/* How its files are checked. */
enum { V_RECORD, V_DPKG, V_NONE };

typedef struct row {
	char *path;        /* normalised, relative to the tree root; NULL = outside */
	char *raw;         /* as written (egg-info: relative to the site folder) */
	char *hash;
	char *size;
} row;

typedef struct dist {
	char *dir;         /* ".../site-packages/x-1.0.dist-info" */
	char *site;        /* ".../site-packages" ("" at the root) */
	int kind;
	row *rows;
	size_t nrows, crows;
	int have_record;   /* RECORD (egg-info: a file list) was read */
	int resolve;       /* rows name installed files (not SOURCES.txt) */
	const char *list_name;
	char *record_error;
	long bad_hashes;   /* RECORD hashes that are not base64 of 32 bytes */
	char *first_bad_hash;
} dist;

/* One analysis: the root and, for system packages, the dpkg database. */
typedef struct pipctx {
	cairn_recs *recs;
	int rootfd;
	const char *root_path;   /* real absolute path of the root, or NULL */
	char *root_sys;          /* the root as a path of the dpkg system, or NULL */
	cairn_dpkg *db;
	char *db_error;          /* why there is no db (NULL when there is) */
	int db_tried;
	char **verified_pkgs;    /* dpkg packages whose md5sums were checked */
	size_t nverified;
} pipctx;

/* rel (relative to the root) written relative to site, the way RECORD
 * writes paths: "pkg/x.py", or "../../../bin/x" for a file outside it. */
static char *site_relative(const char *site, const char *rel)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t sl = strlen(site);
	const char *p;

	if (!sl)
		return cairn_strdup(rel);
	if (!strncmp(rel, site, sl) && rel[sl] == '/')
		return cairn_strdup(rel + sl + 1);
	cairn_buf_addstr(&b, "../");
	for (p = site; (p = strchr(p, '/')); p++)
		cairn_buf_addstr(&b, "../");
	cairn_buf_addstr(&b, rel);
	return cairn_buf_detach(&b, NULL);
}

static void row_add(dist *d, const char *path, const char *hash, const char *size)
{
	row *r;

	if (d->nrows == d->crows) {
		d->crows = d->crows ? d->crows * 2 : 64;
		d->rows = cairn_realloc(d->rows, d->crows * sizeof(*d->rows));
	}
	r = &d->rows[d->nrows++];
	r->hash = cairn_strdup(hash);
	r->size = cairn_strdup(size);
	if (d->kind == DIST_INFO) {
		/* PEP 376: relative to the folder that holds the .dist-info */
		r->raw = cairn_strdup(path);
		r->path = cairn_path_resolve(d->site, path);
	} else if (d->resolve) {
		/* installed-files.txt: relative to the .egg-info folder */
		r->path = cairn_path_resolve(d->dir, path);
		r->raw = r->path ? site_relative(d->site, r->path) : cairn_strdup(path);
	} else {
		/* SOURCES.txt names files of the source tree, not installed ones */
		r->raw = cairn_strdup(path);
		r->path = NULL;
	}
}

static int row_cb(void *ctx, const char *path, const char *hash, const char *size)
{
	row_add(ctx, path, hash, size);
	return 0;
}

static int cstr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *header(const char *meta, const char *name)
{
	const char *p = meta;
	size_t nl = strlen(name);

	while (*p && *p != '\n') {
		const char *e = strchr(p, '\n');

		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t n;

			while (*v == ' ' || *v == '\t')
				v++;
			n = e ? (size_t)(e - v) : strlen(v);
			while (n && (v[n - 1] == '\r' || v[n - 1] == ' '))
				n--;
			return cairn_strndup(v, n);
		}
		if (!e)
			break;
		p = e + 1;
		if (*p == '\r')
			break;
	}
	return NULL;
}

static json_t *str_or_null(const char *s)
{
	if (!s)
		return json_null();
	if (!cairn_utf8_valid(s, strlen(s)))
		return json_null();
	return json_string(s);
}

static void arr_add(json_t *a, const char *s)
{
	json_array_append_new(a, cairn_json_bytes_item(s, strlen(s)));
}

static int listed(char **set, size_t n, const char *p)
{
	return n && bsearch(&p, set, n, sizeof(char *), cstr_cmp) != NULL;
}

static int is_bytecode(const char *p)
{
	size_t n = strlen(p);

	return strstr(p, "/__pycache__/") && n > 4 && !strcmp(p + n - 4, ".pyc");
}

/*
 * A RECORD row whose file may be absent without anything being wrong:
 * bytecode listed without a hash (pip and virtualenv's seeder list the
 * .pyc they compile, Debian's virtualenv even beside the .py, and the
 * __pycache__ folders themselves; they are
 * deleted by py3clean and made again at import), and the installer's own
 * metadata in the .dist-info folder (poetry 1.3 lists a direct_url.json
 * it does not keep).  Neither is code an attacker can remove to effect.
 */
static int may_be_absent(const dist *d, const row *r)
{
	const char *base = cairn_path_base(r->path);
	size_t dl = strlen(d->dir);

	size_t pl = strlen(r->path);

	if (!*r->hash && ((pl > 4 && !strcmp(r->path + pl - 4, ".pyc")) ||
			  !strcmp(base, "__pycache__")))
		return 1;
	return !strncmp(r->path, d->dir, dl) && r->path[dl] == '/' && !strchr(r->path + dl + 1, '/') &&
	       (!strcmp(base, "direct_url.json") || !strcmp(base, "REQUESTED") ||
		!strcmp(base, "INSTALLER"));
}

/*
 * In a site where a RECORD was not read whole, the part not read may list
 * any file, a file in another distribution's folders too (a namespace
 * folder such as google/ is shared).  A file that no RECORD read lists is
 * then "added" only in a folder that its distribution owns: one, or an
 * ancestor of one up to its top-level folder, in which it lists a file
 * directly and no other distribution of the site does.  The folders and
 * who lists files directly in them, sorted; owner FOLDER_SHARED when two
 * do.
 */
#define FOLDER_SHARED ((size_t)-1)

typedef struct folder {
	char *dir;       /* relative to the root, no trailing slash */
	size_t owner;    /* index in the site's distributions */
} folder;

typedef struct folders {
	folder *v;
	size_t n;
} folders;

static int folder_cmp(const void *a, const void *b)
{
	const folder *x = a, *y = b;
	int r = strcmp(x->dir, y->dir);

	return r ? r : (x->owner > y->owner) - (x->owner < y->owner);
}

static void folders_build(folders *fo, const dist *ds, size_t n)
{
	size_t j, k, total = 0, out = 0;

	for (j = 0; j < n; j++)
		total += ds[j].nrows;
	fo->v = cairn_realloc(NULL, (total + 1) * sizeof(folder));
	fo->n = 0;
	for (j = 0; j < n; j++)
		for (k = 0; k < ds[j].nrows; k++) {
			const char *p = ds[j].rows[k].path, *slash;

			if (!p || !(slash = strrchr(p, '/')))
				continue;
			fo->v[fo->n].dir = cairn_strndup(p, (size_t)(slash - p));
			fo->v[fo->n++].owner = j;
		}
	if (fo->n > 1)
		qsort(fo->v, fo->n, sizeof(folder), folder_cmp);
	for (k = 0; k < fo->n; k++) {
		if (out && !strcmp(fo->v[out - 1].dir, fo->v[k].dir)) {
			if (fo->v[out - 1].owner != fo->v[k].owner)
				fo->v[out - 1].owner = FOLDER_SHARED;
			free(fo->v[k].dir);
			continue;
		}
		fo->v[out++] = fo->v[k];
	}
	fo->n = out;
}

static void folders_release(folders *fo)
{
	size_t k;

	for (k = 0; k < fo->n; k++)
		free(fo->v[k].dir);
	free(fo->v);
}

/* Does distribution self own a folder of p, from p's own up to the
 * top-level folder (its first top_len bytes)? */
static int folder_owned(const folders *fo, const char *p, size_t top_len, size_t self)
{
	const char *slash = strrchr(p, '/');
	size_t len = slash ? (size_t)(slash - p) : 0;

	while (len >= top_len && len > 0) {
		size_t lo = 0, hi = fo->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int r = strncmp(fo->v[mid].dir, p, len);

			if (!r && fo->v[mid].dir[len])
				r = 1;
			if (!r)
				return fo->v[mid].owner == self;
			if (r < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		while (len > 0 && p[len - 1] != '/')
			len--;
		if (len)
			len--;   /* the slash */
	}
	return 0;
}

/* Add the folder top (relative to the root) to *tops unless there. */
static void top_add(char ***tops, size_t *ntops, const char *top, size_t len)
{
	size_t k;

	for (k = 0; k < *ntops; k++)
		if (strlen((*tops)[k]) == len && !memcmp((*tops)[k], top, len))
			return;
	*tops = cairn_realloc(*tops, (*ntops + 1) * sizeof(char *));
	(*tops)[(*ntops)++] = cairn_strndup(top, len);
}

/* The top-level folder of rel (relative to the root) inside site, if any. */
static void top_of(char ***tops, size_t *ntops, const char *site, const char *rel)
{
	size_t sl = strlen(site);
	const char *in, *slash;

	if (sl && (strncmp(rel, site, sl) || rel[sl] != '/'))
		return;
	in = rel + (sl ? sl + 1 : 0);
	slash = strchr(in, '/');
	if (slash)
		top_add(tops, ntops, rel, (size_t)(slash - rel));
}

/* ---- the system package manager ---- */

/* Is site (relative to the root) where Debian's python3 packages live:
 * /usr/lib/python3/dist-packages or /usr/lib/python3.N/dist-packages
 * (never /usr/local: that is pip's)? */
static int system_location(const pipctx *c, const char *site)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *p, *q;
	int yes = 0;

	if (c->root_path)
		cairn_buf_addstr(&b, c->root_path);
	if (*site) {
		cairn_buf_addch(&b, '/');
		cairn_buf_addstr(&b, site);
	}
	if (!b.data)
		cairn_buf_addstr(&b, "");
	p = b.data;
	while (*p == '/')
		p++;
	/* ...usr/lib/python3[.N]/dist-packages at the end */
	q = strstr(p, "usr/lib/python3");
	while (q) {
		const char *r = q + 15;

		if ((q == p || q[-1] == '/')) {
			if (*r == '.') {
				r++;
				while (*r >= '0' && *r <= '9')
					r++;
			}
			if (!strcmp(r, "/dist-packages") || !strcmp(r, "/dist-packages/")) {
				yes = 1;
				break;
			}
		}
		q = strstr(q + 1, "usr/lib/python3");
	}
	cairn_buf_release(&b);
	return yes;
}

/* rel (relative to the root) as an absolute path of the dpkg system. */
static void sys_path(cairn_buf *b, const pipctx *c, const char *rel)
{
	cairn_buf_clear(b);
	if (strcmp(c->root_sys, "/"))
		cairn_buf_addstr(b, c->root_sys);
	cairn_buf_addch(b, '/');
	cairn_buf_addstr(b, rel);
}

/* Open and index the dpkg database once, for the site folders of dists. */
static void dpkg_load(pipctx *c, const char *dpkg_root, const dist *dists, size_t nd)
{
	const char **prefixes;
	size_t np = 0, i, bad = 0;
	cairn_buf b = CAIRN_BUF_INIT;
	long rc;

	c->db_tried = 1;
	if (cairn_dpkg_open(&c->db, dpkg_root ? dpkg_root : "/") < 0) {
		c->db_error = cairn_strdup(cairn_error_last());
		return;
	}
	if (!c->root_sys) {
		cairn_buf_addf(&b, "the root is not below the dpkg root '%s'", dpkg_root ? dpkg_root : "/");
		c->db_error = cairn_buf_detach(&b, NULL);
		cairn_dpkg_free(c->db);
		c->db = NULL;
		return;
	}
	prefixes = cairn_malloc((nd + 1) * sizeof(*prefixes));
	for (i = 0; i < nd; i++) {
		char *p;

		sys_path(&b, c, dists[i].site);
		while (b.len > 1 && b.data[b.len - 1] == '/')
			b.data[--b.len] = '\0';
		p = cairn_buf_detach(&b, NULL);
		if (np && !strcmp(prefixes[np - 1], p))
			free(p);
		else
			prefixes[np++] = p;
	}
	rc = cairn_dpkg_index(c->db, prefixes, np, &bad);
	if (rc < 0) {
		c->db_error = cairn_strdup(cairn_error_last());
		cairn_dpkg_free(c->db);
		c->db = NULL;
	} else if (bad) {
		cairn_buf_addf(&b, "%zu package file list%s could not be read", bad, bad == 1 ? "" : "s");
		cairn_recs_parse_error(c->recs, cairn_dpkg_admindir(c->db), "pip", b.data);
	}
	for (i = 0; i < np; i++)
		free((char *)prefixes[i]);
	free(prefixes);
	cairn_buf_release(&b);
}

/* The dpkg package that installed d, or NULL. */
static const char *dpkg_owner(const pipctx *c, const dist *d)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *o;

	if (!c->db)
		return NULL;
	sys_path(&b, c, d->dir);
	o = cairn_dpkg_owner(c->db, b.data);
	cairn_buf_release(&b);
	return o;
}

typedef struct dpkg_check {
	const pipctx *c;
	const dist *d;
	json_t *mod, *miss, *unreadable;
	long matching, outside;
	char ***tops;
	size_t *ntops;
	cairn_buf rel;
} dpkg_check;

static int dpkg_file_cb(void *ctx, const char *path, const unsigned char md5[16])
{
	dpkg_check *k = ctx;
	const char *rs = k->c->root_sys;
	size_t n = strcmp(rs, "/") ? strlen(rs) : 0;
	unsigned char got[16];
	char *shown;
	int rc;

	if (n && (strncmp(path, rs, n) || path[n] != '/')) {
		k->outside++;   /* e.g. /usr/share/doc when the root is the site folder */
		return 0;
	}
	cairn_buf_clear(&k->rel);
	cairn_buf_addstr(&k->rel, path + n + 1);
	shown = site_relative(k->d->site, k->rel.data);
	top_of(k->tops, k->ntops, k->d->site, k->rel.data);
	rc = cairn_safe_md5(got, k->c->rootfd, k->rel.data);
	if (rc == 0 && !memcmp(got, md5, 16))
		k->matching++;
	else if (rc == 0 || rc == CAIRN_EUSAGE)
		arr_add(k->mod, shown);        /* other bytes, a symlink, not a file */
	else if (rc == CAIRN_ENOTFOUND)
		arr_add(k->miss, shown);
	else
		arr_add(k->unreadable, shown);
	free(shown);
	return 0;
}

static int pkg_verified(pipctx *c, const char *pkg)
{
	size_t i;

	for (i = 0; i < c->nverified; i++)
		if (!strcmp(c->verified_pkgs[i], pkg))
			return 1;
	c->verified_pkgs = cairn_realloc(c->verified_pkgs, (c->nverified + 1) * sizeof(char *));
	c->verified_pkgs[c->nverified++] = cairn_strdup(pkg);
	return 0;
}

/* ---- one distribution ---- */

/* PEP 610 direct_url.json: a URL and a few hashes or VCS fields, recorded
 * as found in the package record, so bounded far below the 4 MiB of other
 * metadata files: 64 KiB and 1024 JSON values (4 MiB of "[]," took 208 MB
 * to read and went whole into the record). */
#define DIRECT_URL_CAP        (64u << 10)
#define DIRECT_URL_MAX_VALUES 1024u
/* and 8 deep (PEP 610 nests 3: archive_info.hashes.<alg>): 1,000 deep
 * went whole into the record and no jq 1.6 read the snapshot */
#define DIRECT_URL_MAX_DEPTH  8u

static void set_coverage(json_t *rec, int verified, const char *reason, const char *detail)
{
	json_t *cov = json_object();

	json_object_set_new(cov, "verified", json_boolean(verified));
	json_object_set_new(cov, "reason", reason ? json_string(reason) : json_null());
	if (detail)
		cairn_json_set_bytes(cov, "detail", detail, strlen(detail));
	else
		json_object_set_new(cov, "detail", json_null());
	json_object_set_new(rec, "coverage", cov);
}

/* The file a row names: from the index when the walk kept it, else looked
 * at directly (launchers in bin/, data files: RECORD may name any path
 * inside the root, the analyzer only keeps package folders).  0 or
 * CAIRN_ENOTFOUND / another negative code. */
static int row_file(const pipctx *c, const cairn_pkg_files *files, const char *path,
		    cairn_pkg_file *out)
{
	const cairn_pkg_file *pf = cairn_pkg_files_find(files, path);

	if (pf) {
		*out = *pf;
		return 0;
	}
	return cairn_pkg_file_stat(out, c->rootfd, path);
}

/* set: every path the site's RECORDs list; fo: NULL, or when a RECORD of
 * the site was not read whole (damaged names it) its folders, d being
 * distribution self of them */
static void verify_dist(pipctx *c, const cairn_pkg_files *files, dist *d,
			char **set, size_t nset, const folders *fo, size_t self,
			const char *damaged)
{
	json_t *rec = json_object(), *flags = json_array(), *f = json_object();
	json_t *mod = json_array(), *miss = json_array(), *add = json_array();
	json_t *unh = json_array(), *out = json_array();
	cairn_buf b = CAIRN_BUF_INIT, msg = CAIRN_BUF_INIT;
	char *meta_rel, *inst_rel, *du_rel;
	char *name = NULL, *version = NULL, *installer = NULL;
	const char *owner = NULL, *reason = NULL;
	json_t *direct = NULL;
	long matching = 0, bytecode = 0, count = 0, unchecked = 0, unowned = 0;
	char **tops = NULL;
	size_t ntops = 0, i;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dg[32];
	unsigned int dl = 0;
	char hex[65];
	const char *base = cairn_path_base(d->dir);
	int mode, verified = 0, shared = 0;

	meta_rel = d->kind == EGG_FILE ? cairn_strdup(d->dir) :
		   cairn_path_join(d->dir, d->kind == DIST_INFO ? "METADATA" : "PKG-INFO");
	inst_rel = cairn_path_join(d->dir, "INSTALLER");
	du_rel = cairn_path_join(d->dir, "direct_url.json");
	if (cairn_safe_read(&b, c->rootfd, meta_rel, CAIRN_CAP_MANIFEST, meta_rel) == 0) {
		name = header(b.data, "Name");
		version = header(b.data, "Version");
	} else {
		cairn_recs_parse_error(c->recs, meta_rel, "pip", cairn_error_last());
		json_array_append_new(flags, json_string("bad_manifest"));
	}
	if (d->kind != EGG_FILE &&
	    cairn_safe_read(&b, c->rootfd, inst_rel, CAIRN_CAP_MANIFEST, inst_rel) == 0) {
		size_t n = b.len;

		while (n && isspace((unsigned char)b.data[n - 1]))
			n--;
		installer = cairn_strndup(b.data, n);
	}
	if (d->kind == DIST_INFO) {
		int rc = cairn_safe_read(&b, c->rootfd, du_rel, DIRECT_URL_CAP, du_rel);
		json_error_t err;

		if (rc == 0 && cairn_json_too_many(b.data, b.len, DIRECT_URL_MAX_VALUES))
			rc = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u values", du_rel,
					     DIRECT_URL_MAX_VALUES);
		if (rc == 0 && cairn_json_too_deep(b.data, b.len, DIRECT_URL_MAX_DEPTH))
			rc = cairn_error_set(CAIRN_ELIMIT, "%s: nested more than %u deep", du_rel,
					     DIRECT_URL_MAX_DEPTH);
		if (rc == 0 && !(direct = json_loadb(b.data ? b.data : "", b.len,
						     JSON_REJECT_DUPLICATES, &err)))
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d: %s", du_rel, err.line,
					     err.text);
		if (rc == 0 && !json_is_object(direct)) {
			json_decref(direct);
			direct = NULL;
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: not a JSON object", du_rel);
		}
		/* absent is the ordinary case; anything else is said (a FIFO,
		 * a symlink, too large: before, silently no direct_url) */
		if (rc < 0 && rc != CAIRN_ENOTFOUND)
			cairn_recs_parse_error(c->recs, du_rel, "pip", cairn_error_last());
	}

	/* Which authority the files are checked against.  A distribution
	 * the system package manager installed is checked against dpkg's
	 * md5sums, never its RECORD: Debian rebuilds and patches modules
	 * after the wheel was made, and RECORD keeps the wheel's hashes. */
	owner = dpkg_owner(c, d);
	if (owner) {
		mode = V_DPKG;
		shared = pkg_verified(c, owner);
	} else if ((installer && !strcmp(installer, "debian")) ||
		   (!installer && system_location(c, d->site))) {
		const char *why = installer ? "INSTALLER says debian" :
				  "in the system's python3 dist-packages";

		mode = V_NONE;
		reason = "system_package";
		if (c->db)
			cairn_buf_addf(&msg, "%s, but not listed by any package in %s "
				       "(files copied from another system?)", why,
				       cairn_dpkg_admindir(c->db));
		else
			cairn_buf_addf(&msg, "%s; no dpkg database to check it against: %s",
				       why, c->db_error ? c->db_error : "none");
	} else if (d->kind != DIST_INFO) {
		mode = V_NONE;
		reason = "egg_info";
		if (d->list_name && d->resolve)
			cairn_buf_addf(&msg, "setuptools .egg-info: %s lists %zu files without hashes",
				       d->list_name, d->nrows);
		else if (d->list_name)
			cairn_buf_addf(&msg, "setuptools .egg-info: only %s (source files, no hashes)",
				       d->list_name);
		else
			cairn_buf_addstr(&msg, "setuptools .egg-info: no list of installed files");
	} else if (d->record_error) {
		/* the rows read before the damage are still checked: a broken
		 * RECORD must not hide a modified file.  A file those rows do
		 * not list is not "added": the part not read may list it (the
		 * loop below counts it as not checked instead) */
		mode = V_RECORD;
		reason = "record_error";
		cairn_buf_addstr(&msg, d->record_error);
	} else if (!d->have_record) {
		mode = V_NONE;
		reason = "no_record";
		cairn_buf_addstr(&msg, "no RECORD file: nothing says what the installer wrote");
	} else {
		mode = V_RECORD;
	}

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	/* rows in path order for a stable digest */
	for (i = 0; i < d->nrows; i++) {
		row *r = &d->rows[i];
		cairn_pkg_file pf;

		if (!r->path) {
			if (mode == V_RECORD || (mode == V_NONE && d->kind != DIST_INFO))
				arr_add(d->resolve || d->kind == DIST_INFO ? out : unh, r->raw);
			continue;
		}
		if (mode == V_RECORD)
			top_of(&tops, &ntops, d->site, r->path);
		if (mode == V_NONE && d->kind != DIST_INFO)
			arr_add(unh, r->raw);   /* listed, present or not */
		if (row_file(c, files, r->path, &pf) < 0) {
			if (mode == V_RECORD && !may_be_absent(d, r))
				arr_add(miss, r->raw);
			continue;
		}
		if (pf.hashed) {
			cairn_hex(hex, pf.sha256, 32);
			EVP_DigestUpdate(md, pf.type == CAIRN_T_SYMLINK ? "l " : "f ", 2);
			EVP_DigestUpdate(md, hex, 64);
		} else {
			EVP_DigestUpdate(md, "f -", 3);
		}
		EVP_DigestUpdate(md, " ", 1);
		EVP_DigestUpdate(md, r->path, strlen(r->path));
		EVP_DigestUpdate(md, "\n", 1);
		count++;
		if (mode != V_RECORD)
			continue;
		if (!*r->hash || strncmp(r->hash, "sha256=", 7)) {
			arr_add(unh, r->raw);
			continue;
		}
		{
			unsigned char want[32];
			long n = cairn_b64_decode(want, sizeof(want), r->hash + 7, strlen(r->hash + 7));
			int ok = n == 32 && pf.hashed && pf.type == CAIRN_T_FILE &&
				 !memcmp(want, pf.sha256, 32);

			/* a hash that is not 32 bytes of base64 cannot vouch
			 * for the file: it counts as not matching, and the
			 * RECORD as damaged */
			if (n != 32) {
				if (!d->bad_hashes++) {
					cairn_buf_clear(&b);
					cairn_buf_addf(&b, "%s: %s", r->raw,
						       n < 0 ? cairn_error_last() : "sha256 value is not 32 bytes");
					d->first_bad_hash = cairn_buf_detach(&b, NULL);
				}
			}
			if (ok && *r->size && strtoull(r->size, NULL, 10) != pf.size)
				ok = 0;
			if (ok)
				matching++;
			else
				arr_add(mod, r->raw);
		}
	}
	EVP_DigestFinal_ex(md, dg, &dl);
	EVP_MD_CTX_free(md);
	cairn_hex(hex, dg, 32);

	if (mode == V_DPKG && !shared) {
		dpkg_check k;
		json_t *unread = json_array();
		long rc;

		memset(&k, 0, sizeof(k));
		k.c = c;
		k.d = d;
		k.mod = mod;
		k.miss = miss;
		k.unreadable = unread;
		k.tops = &tops;
		k.ntops = &ntops;
		rc = cairn_dpkg_md5sums(c->db, owner, dpkg_file_cb, &k);
		cairn_buf_release(&k.rel);
		matching = k.matching;
		if (rc < 0) {
			/* no md5sums: dpkg --verify cannot check it either */
			if (rc != CAIRN_ENOTFOUND)
				cairn_recs_parse_error(c->recs, cairn_dpkg_admindir(c->db), "pip",
						       cairn_error_last());
			cairn_buf_addf(&msg, "system package %s: %s", owner,
				       rc == CAIRN_ENOTFOUND ? "the dpkg database has no md5sums for it"
							     : cairn_error_last());
			reason = "system_package";
			json_array_clear(mod);
			json_array_clear(miss);
			matching = 0;
		} else {
			verified = 1;
			cairn_buf_addf(&msg, "dpkg md5sums of %s", owner);
			if (json_array_size(unread))
				cairn_buf_addf(&msg, "; %zu files could not be read", json_array_size(unread));
			json_array_extend(unh, unread);
		}
		json_decref(unread);
	} else if (mode == V_DPKG) {
		verified = 1;
		cairn_buf_addf(&msg, "dpkg md5sums of %s, checked with an earlier record of that package", owner);
	} else if (mode == V_RECORD) {
		verified = reason == NULL;
	}

	/* files in the distribution's folders that nothing lists */
	if (mode == V_RECORD || (mode == V_DPKG && verified && !shared)) {
		cairn_buf sys = CAIRN_BUF_INIT;

		top_add(&tops, &ntops, d->dir, strlen(d->dir));
		if (ntops > 1)
			qsort(tops, ntops, sizeof(char *), cstr_cmp);
		for (i = 0; i < ntops; i++) {
			size_t lo, hi, k;
			cairn_buf pb = CAIRN_BUF_INIT;

			cairn_buf_addstr(&pb, tops[i]);
			cairn_buf_addch(&pb, '/');
			lo = cairn_pkg_files_range(files, pb.data, &hi);
			for (k = lo; k < hi; k++) {
				const char *p = files->v[k].path;

				if (listed(set, nset, p))
					continue;
				if (mode == V_DPKG) {
					sys_path(&sys, c, p);
					if (cairn_dpkg_owner(c->db, sys.data))
						continue;
				}
				if (d->record_error)
					unchecked++;
				else if (fo && !folder_owned(fo, p, strlen(tops[i]), self))
					unowned++;
				else if (is_bytecode(p))
					bytecode++;
				else {
					char *s = site_relative(d->site, p);

					arr_add(add, s);
					free(s);
				}
			}
			cairn_buf_release(&pb);
		}
		cairn_buf_release(&sys);
	}
	/* after the parse_error's own message, so that the report counts the
	 * gap once (coverage.c: a detail that starts with the message) */
	if (unchecked)
		cairn_buf_addf(&msg, "; %ld file%s in its folders that no row read lists: "
			       "not checked", unchecked, unchecked == 1 ? "" : "s");
	if (unowned)
		cairn_buf_addf(&msg, "%s%ld file%s that no RECORD read lists, in folders another "
			       "distribution may list: not checked (%s/RECORD was not read whole)",
			       msg.len ? "; " : "",
			       unowned, unowned == 1 ? "" : "s", damaged);
	for (i = 0; i < ntops; i++)
		free(tops[i]);
	free(tops);
	if (d->bad_hashes) {
		cairn_buf_clear(&b);
		cairn_buf_addf(&b, "%ld RECORD hash%s not a base64 sha256 (first: %s)", d->bad_hashes,
			       d->bad_hashes == 1 ? " is" : "es are", d->first_bad_hash);
		{
			char *rrel = cairn_path_join(d->dir, "RECORD");

			cairn_recs_parse_error(c->recs, rrel, "pip", b.data);
			free(rrel);
		}
		json_array_append_new(flags, json_string("bad_record_hash"));
	}

	json_object_set_new(rec, "type", json_string("package"));
	json_object_set_new(rec, "ecosystem", json_string("pypi"));
	cairn_json_set_bytes(rec, "project", d->site, strlen(d->site));
	cairn_json_set_bytes(rec, "path", base, strlen(base));
	json_object_set_new(rec, "name", str_or_null(name));
	json_object_set_new(rec, "version", str_or_null(version));
	json_object_set_new(rec, "locked_version", json_null());
	json_object_set_new(rec, "integrity", json_null());
	json_object_set_new(rec, "resolved", json_null());
	json_object_set_new(rec, "lockfile", json_null());
	json_object_set_new(rec, "dev", json_false());
	json_object_set_new(rec, "optional", json_false());
	json_object_set_new(rec, "peer", json_false());
	cairn_recs_package_undeclared(rec);
	json_object_set_new(rec, "installer", str_or_null(installer));
	json_object_set_new(rec, "direct_url", direct ? direct : json_null());
	json_object_set_new(rec, "file_count", json_integer(count));
	json_object_set_new(rec, "content_sha256",
			    d->have_record && d->resolve ? json_string(hex) : json_null());
	if (mode == V_DPKG || (reason && !strcmp(reason, "system_package")))
		json_array_append_new(flags, json_string("system_package"));
	if (mode == V_RECORD) {
		if (json_array_size(mod))
			json_array_append_new(flags, json_string("record_mismatch"));
		if (json_array_size(miss))
			json_array_append_new(flags, json_string("record_missing"));
		if (json_array_size(add))
			json_array_append_new(flags, json_string("record_unlisted"));
	} else if (mode == V_DPKG) {
		cairn_pkg_flag_files(flags, mod, add, miss);
	}
	if (d->kind != DIST_INFO)
		json_array_append_new(flags, json_string("egg_info"));
	cairn_json_sort_strings(flags);
	json_object_set_new(rec, "flags", flags);
	{
		char *src;
		const char *status;

		if (mode == V_DPKG) {
			cairn_buf_clear(&b);
			cairn_buf_addf(&b, "%s/info/%s.md5sums", cairn_dpkg_admindir(c->db), owner);
			src = cairn_buf_detach(&b, NULL);
			status = verified ? "verified" : "system_package";
		} else if (d->kind == DIST_INFO) {
			src = cairn_path_join(d->dir, "RECORD");
			status = reason ? reason : "verified";
		} else {
			src = d->list_name ? cairn_path_join(d->dir, d->list_name) : NULL;
			status = reason;
		}
		json_object_set_new(f, "status", json_string(status));
		if (src)
			cairn_json_set_bytes(f, "source", src, strlen(src));
		else
			json_object_set_new(f, "source", json_null());
		free(src);
	}
	json_object_set_new(f, "authority", json_string(mode == V_DPKG ? "dpkg" :
							 d->kind == DIST_INFO ? "record" : "egg_info"));
	if (owner)
		json_object_set_new(f, "system_package", json_string(owner));
	json_object_set_new(f, "matching", json_integer(matching));
	json_object_set_new(f, "modified", mod);
	json_object_set_new(f, "added", add);
	json_object_set_new(f, "missing", miss);
	json_object_set_new(f, "unhashed", unh);
	json_object_set_new(f, "outside_root", out);
	json_object_set_new(f, "added_bytecode", json_integer(bytecode));
	json_object_set_new(f, "message", str_or_null(d->record_error));
	json_object_set_new(rec, "files", f);
	set_coverage(rec, verified, verified ? NULL : reason, msg.len ? msg.data : NULL);
	cairn_recs_add(c->recs, rec, cairn_recs_key("pypi", d->site, base, (char *)NULL));

	free(name);
	free(version);
	free(installer);
	free(meta_rel);
	free(inst_rel);
	free(du_rel);
	cairn_buf_release(&b);
	cairn_buf_release(&msg);
}

static void dist_release(dist *d)
{
	size_t i;

	for (i = 0; i < d->nrows; i++) {
		free(d->rows[i].path);
		free(d->rows[i].raw);
		free(d->rows[i].hash);
		free(d->rows[i].size);
	}
	free(d->rows);
	free(d->dir);
	free(d->site);
	free(d->record_error);
	free(d->first_bad_hash);
}

static int row_cmp(const void *a, const void *b)
{
	const row *x = a, *y = b;

	if (!x->path || !y->path)
		return (x->path == NULL) - (y->path == NULL);
	return strcmp(x->path, y->path);
}

static int dist_cmp(const void *a, const void *b)
{
	const dist *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c ? c : strcmp(x->dir, y->dir);
}

static int site_indexed(const char *site)
{
	return strstr(site, "site-packages") || strstr(site, "dist-packages");
}

/* Walk site (relative to rootfd) into out with root-relative paths. */
static void walk_site(cairn_recs *recs, int rootfd, const char *site, cairn_pkg_files *out)
{
	int fd = cairn_safe_opendir(rootfd, site);
	cairn_pkg_files tmp;
	size_t i;

	if (fd < 0) {
		cairn_recs_parse_error(recs, *site ? site : ".", "pip", cairn_error_last());
		return;
	}
	cairn_pkg_files_init(&tmp);
	if (cairn_pkg_walk(&tmp, fd, *site ? site : ".") < 0)
		cairn_recs_parse_error(recs, *site ? site : ".", "pip", cairn_error_last());
	close(fd);
	for (i = 0; i < tmp.n; i++) {
		char *p = cairn_path_join(site, tmp.v[i].path);

		free(tmp.v[i].path);
		tmp.v[i].path = p;
		tmp.v[i].path_len = strlen(p);
	}
	cairn_pkg_files_sort(&tmp);
	*out = tmp;
}

/* Is the folder site (relative to the root) a place Python installs
 * distributions into?  An .egg-info elsewhere is a build artefact of a
 * source tree (`setup.py egg_info`, `pip install -e`), not an install. */
static int egg_site(const pipctx *c, const char *site, const dist *dists, size_t nd)
{
	const char *b = *site ? cairn_path_base(site) : (c->root_path ? cairn_path_base(c->root_path) : "");
	size_t i;

	if (!strcmp(b, "site-packages") || !strcmp(b, "dist-packages"))
		return 1;
	for (i = 0; i < nd; i++)
		if (dists[i].kind == DIST_INFO && !strcmp(dists[i].site, site))
			return 1;
	return 0;
}

/* Found a distribution folder (or file) at dir[0..n). */
static void dist_push(dist **dists, size_t *nd, const char *p, size_t n, int kind)
{
	dist *d;
	const char *sl;

	if (*nd && strlen((*dists)[*nd - 1].dir) == n && !memcmp((*dists)[*nd - 1].dir, p, n))
		return;
	*dists = cairn_realloc(*dists, (*nd + 1) * sizeof(**dists));
	d = &(*dists)[(*nd)++];
	memset(d, 0, sizeof(*d));
	d->dir = cairn_strndup(p, n);
	d->kind = kind;
	d->resolve = 1;
	sl = strrchr(d->dir, '/');
	d->site = sl ? cairn_strndup(d->dir, (size_t)(sl - d->dir)) : cairn_strdup("");
}

/* RECORD rows written as absolute paths inside the root (poetry 1.3 writes
 * them for the project's own editable install) are the root's files;
 * others stay outside_root. */
static void absolute_rows(dist *d, const char *root_path)
{
	size_t i, rl = strlen(root_path);

	for (i = 0; i < d->nrows; i++) {
		row *r = &d->rows[i];

		if (r->path || r->raw[0] != '/' || strncmp(r->raw, root_path, rl) || r->raw[rl] != '/')
			continue;
		r->path = cairn_path_resolve("", r->raw + rl + 1);
	}
}

/* installed-files.txt (paths relative to the .egg-info folder, one a line)
 * or SOURCES.txt (source tree paths). */
static void egg_list(pipctx *c, dist *d, cairn_buf *b)
{
	static const char *const lists[] = { "installed-files.txt", "SOURCES.txt" };
	size_t i;

	for (i = 0; i < 2; i++) {
		char *rel = cairn_path_join(d->dir, lists[i]);
		int rc = cairn_safe_read(b, c->rootfd, rel, CAIRN_CAP_TEXT, rel);
		size_t off = 0;

		if (rc == CAIRN_ENOTFOUND) {
			free(rel);
			continue;
		}
		d->list_name = lists[i];
		d->resolve = i == 0;
		if (rc == 0 && memchr(b->data, '\0', b->len))
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: NUL byte", rel);
		if (rc < 0) {
			cairn_recs_parse_error(c->recs, rel, "pip", cairn_error_last());
			free(rel);
			return;
		}
		d->have_record = 1;
		while (off < b->len) {
			char *line = b->data + off, *nl = memchr(line, '\n', b->len - off);
			size_t n = nl ? (size_t)(nl - line) : b->len - off;

			off += n + 1;
			while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
				n--;
			if (!n)
				continue;
			line[n] = '\0';
			row_add(d, line, "", "");
		}
		free(rel);
		return;
	}
}

/* ---- .pth files ---- */

#define PTH_CAP (1u << 20)

/* The venv prefix of site ("<prefix>/lib/pythonX.Y/site-packages"), or
 * NULL; its pyvenv.cfg's "virtualenv = VERSION" copied into ver. */
static int virtualenv_of(const pipctx *c, const char *site, char *ver, size_t vsize)
{
	const char *lib = strstr(site, "/lib/"), *p;
	cairn_buf b = CAIRN_BUF_INIT, cfg = CAIRN_BUF_INIT;
	int found = 0;

	/* the last "lib/" component followed by two more */
	for (p = site; (p = strstr(p, "lib/")); p++)
		if (p == site || p[-1] == '/')
			lib = p;
	if (!lib || strncmp(lib, "lib/", 4) || !strchr(lib + 4, '/') ||
	    strchr(strchr(lib + 4, '/') + 1, '/'))
		return 0;
	cairn_buf_add(&b, site, (size_t)(lib - site));
	cairn_buf_addstr(&b, "pyvenv.cfg");
	if (cairn_safe_read(&cfg, c->rootfd, b.data, 65536, b.data) == 0 &&
	    !memchr(cfg.data, '\0', cfg.len)) {
		char *line, *save = NULL;

		for (line = strtok_r(cfg.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			size_t n;

			if (strncmp(line, "virtualenv", 10))
				continue;
			line += 10;
			line += strspn(line, " \t");
			if (*line != '=')
				continue;
			line++;
			line += strspn(line, " \t");
			n = strcspn(line, " \t\r");
			if (!n || n >= vsize)
				continue;
			memcpy(ver, line, n);
			ver[n] = '\0';
			found = 1;
		}
	}
	cairn_buf_release(&b);
	cairn_buf_release(&cfg);
	return found;
}

/*
 * One .pth file of a site folder (site.py: every "*.pth" not starting
 * with "." at the folder's top level; a line starting "import " or
 * "import\t" is executed, a "#" line skipped, any other line a path added
 * to sys.path).  Recorded with its sha256, line counts, the first import
 * line, and who installed it: a RECORD (or installed-files.txt) row of a
 * distribution of the same folder, the dpkg package owning it, or
 * virtualenv for its own _virtualenv.pth ("import _virtualenv"); owner
 * null when none does (CAIRN-P12).
 */
/* A RECORD row naming a .pth file: its path and the distribution listing
 * it (the first in dists' order, as a walk of every row would find). */
typedef struct pth_row {
	const char *path;
	size_t dist;
} pth_row;

static int pth_row_cmp(const void *a, const void *b)
{
	const pth_row *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : x->dist < y->dist ? -1 : x->dist > y->dist;
}

/* The rows of the distributions of site that name a .pth file, sorted:
 * one look-up per .pth instead of a walk of every row (10000 .pth files
 * and a RECORD of 100000 rows made 10^9 comparisons, 11 s). */
static pth_row *pth_rows(const char *site, const dist *dists, size_t nd, size_t *n)
{
	pth_row *v = NULL;
	size_t i, k, len;

	*n = 0;
	for (i = 0; i < nd; i++) {
		if (strcmp(dists[i].site, site))
			continue;
		for (k = 0; k < dists[i].nrows; k++) {
			const char *p = dists[i].rows[k].path;

			if (!p || (len = strlen(p)) < 4 || strcmp(p + len - 4, ".pth"))
				continue;
			if (!(*n & (*n + 1)))
				v = cairn_realloc(v, (*n + 1) * 2 * sizeof(*v));
			v[*n].path = p;
			v[(*n)++].dist = i;
		}
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), pth_row_cmp);
	return v;
}

static void pth_record(pipctx *c, const char *site, const char *name, const dist *dists,
		       const pth_row *own, size_t nown)
{
	char *path = cairn_path_join(site, name);
	cairn_buf b = CAIRN_BUF_INIT, first = CAIRN_BUF_INIT;
	json_t *rec = json_object();
	const char *owner = NULL, *how = NULL;
	char vver[64];
	long lines = 0, imports = 0;
	size_t i;
	int rc;

	json_object_set_new(rec, "type", json_string("python_pth"));
	cairn_json_set_bytes(rec, "path", path, strlen(path));
	cairn_json_set_bytes(rec, "site", site, strlen(site));
	rc = cairn_safe_read(&b, c->rootfd, path, PTH_CAP, path);
	if (rc == 0) {
		unsigned char dg[32];
		char hex[65];
		size_t off = 0;

		cairn_pkg_sha256(dg, b.data ? b.data : "", b.len);
		cairn_hex(hex, dg, 32);
		json_object_set_new(rec, "sha256", json_string(hex));
		json_object_set_new(rec, "size", json_integer((json_int_t)b.len));
		while (off < b.len) {
			const char *l = b.data + off, *nl = memchr(l, '\n', b.len - off);
			size_t n = nl ? (size_t)(nl - l) : b.len - off;

			off += n + (nl ? 1 : 0);
			lines++;
			if (n >= 7 && !memcmp(l, "import", 6) && (l[6] == ' ' || l[6] == '\t')) {
				if (!imports++) {
					while (n && l[n - 1] == '\r')
						n--;
					cairn_buf_add(&first, l, n > 200 ? 200 : n);
				}
			}
		}
		json_object_set_new(rec, "lines", json_integer(lines));
		json_object_set_new(rec, "import_lines", json_integer(imports));
		if (first.len)
			cairn_json_set_bytes(rec, "first_import", first.data, first.len);
		else
			json_object_set_new(rec, "first_import", json_null());
		json_object_set_new(rec, "error", json_null());
	} else {
		/* a symlink, too large, unreadable: what Python would run is
		 * not known */
		const char *m = cairn_error_last();

		while (!strncmp(m, path, strlen(path)) && !strncmp(m + strlen(path), ": ", 2))
			m += strlen(path) + 2;
		json_object_set_new(rec, "sha256", json_null());
		json_object_set_new(rec, "import_lines", json_null());
		json_object_set_new(rec, "first_import", json_null());
		cairn_json_set_bytes(rec, "error", m, strlen(m));
	}
	{
		size_t lo = 0, hi = nown;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(own[mid].path, path) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nown && !strcmp(own[lo].path, path)) {
			i = own[lo].dist;
			owner = cairn_path_base(dists[i].dir);
			how = dists[i].kind == DIST_INFO ? "RECORD" : "installed-files.txt";
		}
	}
	if (!owner && c->db && system_location(c, site)) {
		sys_path(&b, c, path);
		if ((owner = cairn_dpkg_owner(c->db, b.data)))
			how = "dpkg";
	}
	if (!owner && rc == 0 && !strcmp(name, "_virtualenv.pth") && lines == 1 && imports == 1 &&
	    !strcmp(first.data, "import _virtualenv") && virtualenv_of(c, site, vver, sizeof(vver))) {
		owner = vver;
		how = "pyvenv.cfg";
	}
	if (owner) {
		cairn_buf o = CAIRN_BUF_INIT;

		if (!strcmp(how, "pyvenv.cfg"))
			cairn_buf_addf(&o, "virtualenv %s", owner);
		else
			cairn_buf_addstr(&o, owner);
		cairn_json_set_bytes(rec, "owner", o.data, o.len);
		json_object_set_new(rec, "owner_source", json_string(how));
		cairn_buf_release(&o);
	} else {
		json_object_set_new(rec, "owner", json_null());
		json_object_set_new(rec, "owner_source", json_null());
	}
	cairn_recs_add(c->recs, rec, cairn_recs_key("python_pth", path, (char *)NULL));
	cairn_buf_release(&b);
	cairn_buf_release(&first);
	free(path);
}

static int is_site(const pipctx *c, const char *site)
{
	const char *b = *site ? cairn_path_base(site) : c->root_path ? cairn_path_base(c->root_path) : "";

	return !strcmp(b, "site-packages") || !strcmp(b, "dist-packages");
}

/* Every .pth at the top of the site folders of dists and of the indexed
 * files (a site folder without any distribution still runs them). */
static void pth_scan(pipctx *c, const cairn_pkg_files *files, const dist *dists, size_t nd)
{
	char **sites = NULL;
	size_t ns = 0, i, j;

	for (i = 0; i < nd; i++)
		if (is_site(c, dists[i].site) && (!ns || strcmp(sites[ns - 1], dists[i].site))) {
			sites = cairn_realloc(sites, (ns + 1) * sizeof(char *));
			sites[ns++] = cairn_strdup(dists[i].site);
		}
	for (i = 0; i < files->n; i++) {
		const char *p = files->v[i].path, *sl = strrchr(p, '/');
		char *dir;

		if (!sl || files->v[i].path_len < 5 || strcmp(p + files->v[i].path_len - 4, ".pth"))
			continue;
		dir = cairn_strndup(p, (size_t)(sl - p));
		for (j = 0; j < ns && strcmp(sites[j], dir); j++)
			;
		if (j < ns || !is_site(c, dir)) {
			free(dir);
			continue;
		}
		sites = cairn_realloc(sites, (ns + 1) * sizeof(char *));
		sites[ns++] = dir;
	}
	if (ns > 1)
		qsort(sites, ns, sizeof(char *), cstr_cmp);
	for (i = 0; i < ns; i++) {
		int fd;
		DIR *d;
		struct dirent *de;
		char **names = NULL;
		size_t nn = 0, k, nown;
		pth_row *own;

		if (i && !strcmp(sites[i], sites[i - 1]))
			continue;
		if ((fd = cairn_safe_opendir(c->rootfd, sites[i])) < 0)
			continue;
		if (!(d = fdopendir(fd))) {
			close(fd);
			continue;
		}
		/* a dup of the root's descriptor shares its offset */
		rewinddir(d);
		while ((de = readdir(d)) && nn < 10000) {
			size_t n = strlen(de->d_name);

			if (n > 4 && de->d_name[0] != '.' && !strcmp(de->d_name + n - 4, ".pth")) {
				names = cairn_realloc(names, (nn + 1) * sizeof(char *));
				names[nn++] = cairn_strdup(de->d_name);
			}
		}
		closedir(d);
		if (nn > 1)
			qsort(names, nn, sizeof(char *), cstr_cmp);
		own = pth_rows(sites[i], dists, nd, &nown);
		for (k = 0; k < nn; k++) {
			pth_record(c, sites[i], names[k], dists, own, nown);
			free(names[k]);
		}
		free(own);
		free(names);
	}
	for (i = 0; i < ns; i++)
		free(sites[i]);
	free(sites);
}

int cairn_pip_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
		      const cairn_pip_opts *opts)
{
	dist *dists = NULL;
	size_t nd = 0, i, j;
	cairn_buf b = CAIRN_BUF_INIT;
	pipctx c;

	memset(&c, 0, sizeof(c));
	c.recs = recs;
	c.rootfd = rootfd;
	c.root_path = opts ? opts->root_path : NULL;
	if (c.root_path)
		c.root_sys = cairn_dpkg_system_path(c.root_path, opts->dpkg_root);
	for (i = 0; i < files->n; i++) {
		const char *p = files->v[i].path, *e;

		if ((e = strstr(p, ".dist-info/")))
			dist_push(&dists, &nd, p, (size_t)(e - p) + 10, DIST_INFO);
		else if ((e = strstr(p, ".egg-info/")))
			dist_push(&dists, &nd, p, (size_t)(e - p) + 9, EGG_INFO);
		else if (files->v[i].path_len > 9 && files->v[i].type == CAIRN_T_FILE &&
			 !strcmp(p + files->v[i].path_len - 9, ".egg-info"))
			dist_push(&dists, &nd, p, files->v[i].path_len, EGG_FILE);
	}
	if (nd > 1)
		qsort(dists, nd, sizeof(*dists), dist_cmp);
	/* .egg-info only where Python installs (keep the order) */
	for (i = 0, j = 0; i < nd; i++) {
		if (dists[i].kind != DIST_INFO && !egg_site(&c, dists[i].site, dists, nd)) {
			dist_release(&dists[i]);
			continue;
		}
		dists[j++] = dists[i];
	}
	nd = j;
	for (i = 0; i < nd; i++) {
		char *rel;
		int rc;

		if (dists[i].kind == EGG_INFO)
			egg_list(&c, &dists[i], &b);
		if (dists[i].kind != DIST_INFO)
			goto sort;
		rel = cairn_path_join(dists[i].dir, "RECORD");
		rc = cairn_safe_read(&b, rootfd, rel, CAIRN_CAP_TEXT, rel);
		if (rc == 0) {
			rc = cairn_pip_record_parse(b.data, b.len, row_cb, &dists[i], rel);
			dists[i].have_record = 1;
			if (c.root_path)
				absolute_rows(&dists[i], c.root_path);
		}
		if (rc < 0 && rc != CAIRN_ENOTFOUND) {
			cairn_recs_parse_error(recs, rel, "pip", cairn_error_last());
			dists[i].record_error = cairn_strdup(cairn_error_last());
		}
		free(rel);
sort:
		if (dists[i].nrows > 1)
			qsort(dists[i].rows, dists[i].nrows, sizeof(row), row_cmp);
	}
	if (nd)
		dpkg_load(&c, opts ? opts->dpkg_root : NULL, dists, nd);
	/* per site-packages folder: every path any RECORD lists, so that a
	 * shared namespace folder is not reported as added */
	for (i = 0; i < nd;) {
		char **set = NULL;
		size_t nset = 0, k, end = i;
		const char *damaged;
		folders fo;

		while (end < nd && !strcmp(dists[end].site, dists[i].site))
			end++;
		for (j = i; j < end; j++) {
			set = cairn_realloc(set, (nset + dists[j].nrows + 1) * sizeof(char *));
			for (k = 0; k < dists[j].nrows; k++)
				if (dists[j].rows[k].path)
					set[nset++] = dists[j].rows[k].path;
		}
		if (nset > 1)
			qsort(set, nset, sizeof(char *), cstr_cmp);
		damaged = NULL;
		for (j = i; j < end && !damaged; j++)
			if (dists[j].record_error)
				damaged = dists[j].dir;
		if (damaged)
			folders_build(&fo, &dists[i], end - i);
		if (site_indexed(dists[i].site)) {
			for (j = i; j < end; j++)
				verify_dist(&c, files, &dists[j], set, nset, damaged ? &fo : NULL,
					    j - i, damaged);
		} else {
			/* the analyzer keeps only files below site-packages folders
			 * (and the dist-info folders): walk this one ourselves */
			cairn_pkg_files local;

			cairn_pkg_files_init(&local);
			walk_site(recs, rootfd, dists[i].site, &local);
			for (j = i; j < end; j++)
				verify_dist(&c, &local, &dists[j], set, nset, damaged ? &fo : NULL,
					    j - i, damaged);
			cairn_pkg_files_release(&local);
		}
		if (damaged)
			folders_release(&fo);
		free(set);
		i = end;
	}
	pth_scan(&c, files, dists, nd);
	for (i = 0; i < nd; i++)
		dist_release(&dists[i]);
	free(dists);
	for (i = 0; i < c.nverified; i++)
		free(c.verified_pkgs[i]);
	free(c.verified_pkgs);
	cairn_dpkg_free(c.db);
	free(c.db_error);
	free(c.root_sys);
	cairn_buf_release(&b);
	return 0;
}

/* ---- requirements ---- */

int cairn_pip_requirements(cairn_recs *recs, const char *file, const char *data,
			   size_t len)
{
	cairn_buf logical = CAIRN_BUF_INIT;
	size_t off = 0;
	long lineno = 0, start = 0;
	int count = 0;

	while (off <= len) {
		const char *nl = off < len ? memchr(data + off, '\n', len - off) : NULL;
		size_t n = nl ? (size_t)(nl - (data + off)) : len - off;
		int cont;

		if (off == len && !logical.len)
			break;
		lineno++;
		if (!logical.len)
			start = lineno;
		while (n && data[off + n - 1] == '\r')
			n--;
		cont = n && data[off + n - 1] == '\\';
		cairn_buf_add(&logical, data + off, cont ? n - 1 : n);
		off += (nl ? (size_t)(nl - (data + off)) + 1 : len - off);
		if (cont && nl) {
			cairn_buf_addch(&logical, ' ');
			continue;
		}
		{
			char *s = logical.data, *hash;
			int has_nul = memchr(logical.data, '\0', logical.len) != NULL;
			size_t l;
			json_t *rec;
			int hashes = 0;
			char ln[32];

			/* comments: '#' at the start or after whitespace */
			for (hash = s; (hash = strchr(hash, '#')); hash++)
				if (hash == s || hash[-1] == ' ' || hash[-1] == '\t') {
					*hash = '\0';
					break;
				}
			while (*s == ' ' || *s == '\t')
				s++;
			l = strlen(s);
			while (l && isspace((unsigned char)s[l - 1]))
				s[--l] = '\0';
			if (l && !has_nul) {
				const char *h = s;

				while ((h = strstr(h, "--hash"))) {
					hashes++;
					h += 6;
				}
				rec = json_object();
				json_object_set_new(rec, "type", json_string("requirement"));
				cairn_json_set_bytes(rec, "file", file, strlen(file));
				json_object_set_new(rec, "line", json_integer(start));
				size_t first = strcspn(s, " \t");

				if (s[0] == '-' || s[0] == '.' || s[0] == '/' ||
				    (memchr(s, ':', first) && !memchr(s, ';', first))) {
					json_object_set_new(rec, "name", json_null());
					json_object_set_new(rec, "spec", json_null());
					json_object_set_new(rec, "pinned", json_false());
				} else {
					size_t nlen = strcspn(s, "=<>!~[;@ \t");
					const char *rest = s + nlen;
					size_t sl;

					cairn_json_set_bytes(rec, "name", s, nlen);
					if (*rest == '[') {
						const char *e = strchr(rest, ']');

						rest = e ? e + 1 : rest + strlen(rest);
					}
					while (*rest == ' ')
						rest++;
					sl = strcspn(rest, "; \t");
					if (sl)
						cairn_json_set_bytes(rec, "spec", rest, sl);
					else
						json_object_set_new(rec, "spec", json_null());
					json_object_set_new(rec, "pinned", json_boolean(
						sl > 2 && rest[0] == '=' && rest[1] == '=' &&
						!memchr(rest, '*', sl) && !memchr(rest, ',', sl)));
				}
				json_object_set_new(rec, "hashes", json_integer(hashes));
				cairn_json_set_bytes(rec, "text", s, l > 500 ? 500 : l);
				snprintf(ln, sizeof(ln), "%010ld", start);
				cairn_recs_add(recs, rec, cairn_recs_key(file, ln, (char *)NULL));
				count++;
			}
		}
		cairn_buf_clear(&logical);
		if (!nl)
			break;
	}
	cairn_buf_release(&logical);
	return count;
}
