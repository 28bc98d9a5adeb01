/*
 * bunlock.c - bun.lock (bunlock.h).  Format: bun's src/install/lockfile/
 * bun.lock.zig (text lockfile, bun 1.1.39+): JSONC as bun writes it.
 */
#include "bunlock.h"

#include <stdlib.h>
#include <string.h>

int cairn_bun_strip_trailing_commas(cairn_buf *out, const char *data, size_t len,
				    const char *label)
{
	size_t i = 0;

	cairn_buf_clear(out);
	cairn_buf_grow(out, len + 1);
	while (i < len) {
		char c = data[i];

		if (c == '"') {
			size_t j = i + 1;

			while (j < len && data[j] != '"')
				j += data[j] == '\\' ? 2 : 1;
			if (j >= len)
				return cairn_error_set(CAIRN_EFORMAT, "%s: unterminated string", label);
			cairn_buf_add(out, data + i, j + 1 - i);
			i = j + 1;
			continue;
		}
		if (c == ',') {
			size_t j = i + 1;

			while (j < len && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' ||
					   data[j] == '\r'))
				j++;
			if (j < len && (data[j] == '}' || data[j] == ']')) {
				/* keep the newlines so that jansson's line
				 * numbers are the file's */
				i++;
				continue;
			}
		}
		cairn_buf_addch(out, c);
		i++;
	}
	if (!out->data)
		cairn_buf_addstr(out, "");
	return 0;
}

/* "debug/ms" -> "node_modules/debug/node_modules/ms"; scoped names take
 * two segments.  NULL for an empty segment or a dangling scope. */
static char *install_key(const char *path)
{
	cairn_buf k = CAIRN_BUF_INIT;
	const char *p = path;

	while (*p) {
		const char *slash = strchr(p, '/');

		if (*p == '@') {
			if (!slash)
				goto bad;
			slash = strchr(slash + 1, '/');
		}
		if (!slash)
			slash = p + strlen(p);
		if (slash == p || (*p == '@' && slash[-1] == '/'))
			goto bad;
		/* a package folder is never "." or ".." (nor a scope's) */
		{
			const char *q;

			for (q = p; q < slash; q++)
				if (*q == '.' && (q == p || q[-1] == '/') &&
				    (q + 1 == slash || q[1] == '/' ||
				     (q[1] == '.' && (q + 2 == slash || q[2] == '/'))))
					goto bad;
		}
		if (k.len)
			cairn_buf_addch(&k, '/');
		cairn_buf_addstr(&k, "node_modules/");
		cairn_buf_add(&k, p, (size_t)(slash - p));
		p = *slash ? slash + 1 : slash;
		if (!*p && slash[0] == '/')
			goto bad;
	}
	if (!k.len)
		goto bad;
	return cairn_buf_detach(&k, NULL);
bad:
	cairn_buf_release(&k);
	return NULL;
}

int cairn_bun_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			 const char *label)
{
	cairn_buf clean = CAIRN_BUF_INIT;
	json_error_t err;
	json_t *root, *pk, *arr;
	const char *key;
	cairn_npm_lock *l;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	rc = cairn_bun_strip_trailing_commas(&clean, data, len, label);
	if (rc < 0) {
		cairn_buf_release(&clean);
		return rc;
	}
	root = json_loadb(clean.data, clean.len, JSON_REJECT_DUPLICATES, &err);
	cairn_buf_release(&clean);
	if (!root)
		return cairn_error_set(CAIRN_EFORMAT, "%s: line %d column %d: %s", label,
				       err.line, err.column, err.text);
	if (!json_is_object(root) || !json_is_integer(json_object_get(root, "lockfileVersion"))) {
		json_decref(root);
		return cairn_error_set(CAIRN_EFORMAT, "%s: no lockfileVersion", label);
	}
	l = cairn_calloc(1, sizeof(*l));
	l->lockfile_version = (int)json_integer_value(json_object_get(root, "lockfileVersion"));
	l->version_text = cairn_strdup("bun");
	pk = json_object_get(root, "packages");
	json_object_foreach(pk, key, arr) {
		const char *ident = json_string_value(json_array_get(arr, 0));
		const char *at, *ver, *reg;
		cairn_npm_lock_entry *e;
		char *k;
		size_t i;

		if (!json_is_array(arr) || !ident || !*ident || !(at = strchr(ident + 1, '@')))
			continue;
		if (!(k = install_key(key)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			l->v = cairn_realloc(l->v, cap * sizeof(*l->v));
		}
		e = &l->v[n++];
		memset(e, 0, sizeof(*e));
		e->key = k;
		e->name = cairn_strndup(ident, (size_t)(at - ident));
		e->has_name = 1;
		ver = at + 1;
		if (!strncmp(ver, "workspace:", 10) || !strncmp(ver, "link:", 5)) {
			e->link = 1;
			e->resolved = cairn_strdup(ver);
			continue;
		}
		if (!strncmp(ver, "file:", 5) || !strncmp(ver, "git+", 4) || !strncmp(ver, "github:", 7)) {
			/* the source is the version: keep it as resolved */
			e->resolved = cairn_strdup(ver);
			continue;
		}
		e->version = cairn_strdup(ver);
		reg = json_string_value(json_array_get(arr, 1));
		if (reg && *reg)
			e->resolved = cairn_strdup(reg);
		for (i = 2; i < json_array_size(arr); i++) {
			const char *v = json_string_value(json_array_get(arr, i));

			if (v && (!strncmp(v, "sha512-", 7) || !strncmp(v, "sha1-", 5) ||
				  !strncmp(v, "sha256-", 7) || !strncmp(v, "sha384-", 7))) {
				e->integrity = cairn_strdup(v);
				break;
			}
		}
		{
			const json_t *meta = json_array_get(arr, 2);

			e->optional = json_is_true(json_object_get(meta, "optional"));
		}
	}
	json_decref(root);
	l->n = n;
	cairn_npm_lock_index(l);
	*out = l;
	return 0;
}
