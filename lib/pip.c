/*
 * pip.c - dist-info verification and requirements files (see pip.h).
 * PEP 376 / PEP 627 (RECORD), PEP 610 (direct_url.json), core metadata
 * (METADATA is RFC 822-style headers).
 */
#include "pip.h"

#include <ctype.h>
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

/* ---- dist-info ---- */

typedef struct row {
	char *path;        /* normalised, relative to the tree root; NULL = outside */
	char *raw;         /* as written in RECORD */
	char *hash;
	char *size;
} row;

typedef struct dist {
	char *dir;         /* ".../site-packages/x-1.0.dist-info" */
	char *site;        /* ".../site-packages" ("" at the root) */
	row *rows;
	size_t nrows, crows;
	int have_record;
	char *record_error;
} dist;

/* Normalise site + "/" + p; NULL when it leaves the root. */
static char *norm_path(const char *site, const char *p)
{
	cairn_buf in = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT;
	char *save = NULL, *c;
	size_t *stack = NULL, depth = 0;

	if (p[0] == '/')
		return NULL;
	if (*site) {
		cairn_buf_addstr(&in, site);
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

static int row_cb(void *ctx, const char *path, const char *hash, const char *size)
{
	dist *d = ctx;
	row *r;

	if (d->nrows == d->crows) {
		d->crows = d->crows ? d->crows * 2 : 64;
		d->rows = cairn_realloc(d->rows, d->crows * sizeof(*d->rows));
	}
	r = &d->rows[d->nrows++];
	r->raw = cairn_strdup(path);
	r->path = norm_path(d->site, path);
	r->hash = cairn_strdup(hash);
	r->size = cairn_strdup(size);
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
	if (cairn_utf8_valid(s, strlen(s))) {
		json_array_append_new(a, json_string(s));
	} else {
		cairn_buf b = CAIRN_BUF_INIT;

		cairn_buf_addstr(&b, "esc:");
		cairn_escape_bytes(&b, s, strlen(s));
		json_array_append_new(a, json_stringn(b.data, b.len));
		cairn_buf_release(&b);
	}
}

static int listed(char **set, size_t n, const char *p)
{
	return n && bsearch(&p, set, n, sizeof(char *), cstr_cmp) != NULL;
}

static void verify_dist(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
			dist *d, char **set, size_t nset)
{
	json_t *rec = json_object(), *flags = json_array(), *f = json_object();
	json_t *mod = json_array(), *miss = json_array(), *add = json_array();
	json_t *unh = json_array(), *out = json_array();
	cairn_buf b = CAIRN_BUF_INIT;
	char *meta_rel = cairn_path_join(d->dir, "METADATA");
	char *inst_rel = cairn_path_join(d->dir, "INSTALLER");
	char *du_rel = cairn_path_join(d->dir, "direct_url.json");
	char *name = NULL, *version = NULL, *installer = NULL;
	json_t *direct = NULL;
	long matching = 0, bytecode = 0, count = 0;
	char **tops = NULL;
	size_t ntops = 0, i;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dg[32];
	unsigned int dl = 0;
	char hex[65];
	const char *base = cairn_path_base(d->dir);

	if (cairn_safe_read(&b, rootfd, meta_rel, CAIRN_CAP_MANIFEST, meta_rel) == 0) {
		name = header(b.data, "Name");
		version = header(b.data, "Version");
	} else {
		cairn_recs_parse_error(recs, meta_rel, "pip", cairn_error_last());
		json_array_append_new(flags, json_string("bad_manifest"));
	}
	if (cairn_safe_read(&b, rootfd, inst_rel, CAIRN_CAP_MANIFEST, inst_rel) == 0) {
		size_t n = b.len;

		while (n && isspace((unsigned char)b.data[n - 1]))
			n--;
		installer = cairn_strndup(b.data, n);
	}
	if (cairn_safe_read(&b, rootfd, du_rel, CAIRN_CAP_MANIFEST, du_rel) == 0) {
		json_error_t err;

		direct = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &err);
		if (!direct)
			cairn_recs_parse_error(recs, du_rel, "pip", err.text);
	}

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	/* rows in path order for a stable digest */
	for (i = 0; i < d->nrows; i++) {
		row *r = &d->rows[i];
		const cairn_pkg_file *pf;

		if (!r->path) {
			arr_add(out, r->raw);
			continue;
		}
		/* top-level folders of the distribution */
		{
			const char *rel = r->path + (*d->site ? strlen(d->site) + 1 : 0);
			const char *sl = strchr(rel, '/');

			if (sl && !strncmp(r->path, d->site, strlen(d->site))) {
				char *top = cairn_strndup(r->path, (size_t)(sl - r->path));
				size_t k;

				for (k = 0; k < ntops; k++)
					if (!strcmp(tops[k], top))
						break;
				if (k == ntops) {
					tops = cairn_realloc(tops, (ntops + 1) * sizeof(char *));
					tops[ntops++] = top;
				} else {
					free(top);
				}
			}
		}
		pf = cairn_pkg_files_find(files, r->path);
		if (!pf) {
			arr_add(miss, r->raw);
			continue;
		}
		if (pf->hashed) {
			cairn_hex(hex, pf->sha256, 32);
			EVP_DigestUpdate(md, pf->type == CAIRN_T_SYMLINK ? "l " : "f ", 2);
			EVP_DigestUpdate(md, hex, 64);
		} else {
			EVP_DigestUpdate(md, "f -", 3);
		}
		EVP_DigestUpdate(md, " ", 1);
		EVP_DigestUpdate(md, r->path, strlen(r->path));
		EVP_DigestUpdate(md, "\n", 1);
		count++;
		if (!*r->hash) {
			arr_add(unh, r->raw);
			continue;
		}
		if (strncmp(r->hash, "sha256=", 7)) {
			arr_add(unh, r->raw);
			continue;
		}
		{
			unsigned char want[64];
			long n = cairn_b64_decode(want, r->hash + 7, strlen(r->hash + 7));
			int ok = n == 32 && pf->hashed && pf->type == CAIRN_T_FILE &&
				 !memcmp(want, pf->sha256, 32);

			if (ok && *r->size && strtoull(r->size, NULL, 10) != pf->size)
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
	/* the dist-info folder itself */
	{
		size_t k;

		for (k = 0; k < ntops; k++)
			if (!strcmp(tops[k], d->dir))
				break;
		if (k == ntops) {
			tops = cairn_realloc(tops, (ntops + 1) * sizeof(char *));
			tops[ntops++] = cairn_strdup(d->dir);
		}
	}
	if (d->have_record) {
		if (ntops > 1)
			qsort(tops, ntops, sizeof(char *), cstr_cmp);
		for (i = 0; i < ntops; i++) {
			char *pre = cairn_path_join(tops[i], "");
			size_t lo, hi, k;
			cairn_buf pb = CAIRN_BUF_INIT;

			cairn_buf_addstr(&pb, tops[i]);
			cairn_buf_addch(&pb, '/');
			lo = cairn_pkg_files_range(files, pb.data, &hi);
			for (k = lo; k < hi; k++) {
				const char *p = files->v[k].path;

				if (listed(set, nset, p))
					continue;
				if (strstr(p, "/__pycache__/") && strlen(p) > 4 &&
				    !strcmp(p + strlen(p) - 4, ".pyc"))
					bytecode++;
				else
					arr_add(add, p + (*d->site ? strlen(d->site) + 1 : 0));
			}
			cairn_buf_release(&pb);
			free(pre);
		}
	}
	for (i = 0; i < ntops; i++)
		free(tops[i]);
	free(tops);

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
	json_object_set_new(rec, "declared_range", json_null());
	json_object_set_new(rec, "declared_in", json_null());
	json_object_set_new(rec, "required_by", json_array());
	json_object_set_new(rec, "scripts", json_object());
	json_object_set_new(rec, "has_install_script", json_false());
	json_object_set_new(rec, "lock_has_install_script", json_false());
	json_object_set_new(rec, "bin", json_object());
	json_object_set_new(rec, "gypfile", json_false());
	json_object_set_new(rec, "installer", str_or_null(installer));
	json_object_set_new(rec, "direct_url", direct ? direct : json_null());
	json_object_set_new(rec, "file_count", json_integer(count));
	json_object_set_new(rec, "content_sha256", d->have_record ? json_string(hex) : json_null());
	if (json_array_size(mod))
		json_array_append_new(flags, json_string("record_mismatch"));
	if (json_array_size(miss))
		json_array_append_new(flags, json_string("record_missing"));
	if (json_array_size(add))
		json_array_append_new(flags, json_string("record_unlisted"));
	json_object_set_new(rec, "flags", flags);
	{
		char *src = cairn_path_join(d->dir, "RECORD");

		json_object_set_new(f, "status", json_string(d->have_record ? "verified" : "no_record"));
		cairn_json_set_bytes(f, "source", src, strlen(src));
		free(src);
	}
	json_object_set_new(f, "matching", json_integer(matching));
	json_object_set_new(f, "modified", mod);
	json_object_set_new(f, "added", add);
	json_object_set_new(f, "missing", miss);
	json_object_set_new(f, "unhashed", unh);
	json_object_set_new(f, "outside_root", out);
	json_object_set_new(f, "added_bytecode", json_integer(bytecode));
	json_object_set_new(f, "message", d->record_error ? json_string(d->record_error) : json_null());
	json_object_set_new(rec, "files", f);
	cairn_recs_add(recs, rec, cairn_recs_key("pypi", d->site, base, (char *)NULL));

	free(name);
	free(version);
	free(installer);
	free(meta_rel);
	free(inst_rel);
	free(du_rel);
	cairn_buf_release(&b);
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
}

static int row_cmp(const void *a, const void *b)
{
	const row *x = a, *y = b;

	if (!x->path || !y->path)
		return (x->path == NULL) - (y->path == NULL);
	return strcmp(x->path, y->path);
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

int cairn_pip_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files)
{
	dist *dists = NULL;
	size_t nd = 0, i, j;
	cairn_buf b = CAIRN_BUF_INIT;

	for (i = 0; i < files->n; i++) {
		const char *p = files->v[i].path, *e;
		char *dir;

		e = strstr(p, ".dist-info/");
		if (!e)
			continue;
		dir = cairn_strndup(p, (size_t)(e - p) + 10);
		if (nd && !strcmp(dists[nd - 1].dir, dir)) {
			free(dir);
			continue;
		}
		dists = cairn_realloc(dists, (nd + 1) * sizeof(*dists));
		memset(&dists[nd], 0, sizeof(*dists));
		dists[nd].dir = dir;
		{
			const char *sl = strrchr(dir, '/');

			dists[nd].site = sl ? cairn_strndup(dir, (size_t)(sl - dir)) : cairn_strdup("");
		}
		nd++;
	}
	for (i = 0; i < nd; i++) {
		char *rel = cairn_path_join(dists[i].dir, "RECORD");
		int rc = cairn_safe_read(&b, rootfd, rel, CAIRN_CAP_TEXT, rel);

		if (rc == 0) {
			rc = cairn_pip_record_parse(b.data, b.len, row_cb, &dists[i], rel);
			dists[i].have_record = 1;
		}
		if (rc < 0 && rc != CAIRN_ENOTFOUND) {
			cairn_recs_parse_error(recs, rel, "pip", cairn_error_last());
			dists[i].record_error = cairn_strdup(cairn_error_last());
		}
		if (dists[i].nrows > 1)
			qsort(dists[i].rows, dists[i].nrows, sizeof(row), row_cmp);
		free(rel);
	}
	/* per site-packages folder: every path any RECORD lists, so that a
	 * shared namespace folder is not reported as added */
	for (i = 0; i < nd;) {
		char **set = NULL;
		size_t nset = 0, k, end = i;

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
		if (site_indexed(dists[i].site)) {
			for (j = i; j < end; j++)
				verify_dist(recs, rootfd, files, &dists[j], set, nset);
		} else {
			/* the analyzer keeps only files below site-packages folders
			 * (and the dist-info folders): walk this one ourselves */
			cairn_pkg_files local;

			cairn_pkg_files_init(&local);
			walk_site(recs, rootfd, dists[i].site, &local);
			for (j = i; j < end; j++)
				verify_dist(recs, rootfd, &local, &dists[j], set, nset);
			cairn_pkg_files_release(&local);
		}
		free(set);
		i = end;
	}
	for (i = 0; i < nd; i++)
		dist_release(&dists[i]);
	free(dists);
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
