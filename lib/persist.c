/*
 * persist.c - registry settings and folder-open tasks (see persist.h).
 * Formats: npm's .npmrc and pip's pip.conf are INI files (npm's ini
 * package: "key = value" lines, ';' and '#' comments, [sections]; pip
 * reads them with configparser, whose indented lines continue a value);
 * .yarnrc.yml is YAML (libyaml, lib/yamljson.c); tasks.json is JSON with
 * comments and trailing commas (VS Code's JSONC).
 */
#include "persist.h"
#include "bunlock.h"
#include "snapshot.h"
#include "yamljson.h"

#include <stdlib.h>
#include <string.h>

#define PERSIST_MAX_ITEMS 1000   /* registries, tokens or tasks per file */

const char *cairn_persist_kind(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(path);

	base = base ? base + 1 : path;
	if (!strncmp(path, "node_modules/", 13) || strstr(path, "/node_modules/"))
		return NULL;
	if (!strcmp(base, ".npmrc") || !strcmp(base, "npmrc"))
		return "npmrc";
	if (!strcmp(base, ".yarnrc.yml"))
		return "yarnrc";
	if (!strcmp(base, "pip.conf") || !strcmp(base, "pip.ini"))
		return "pip";
	if ((n == 18 && !strcmp(path, ".vscode/tasks.json")) ||
	    (n > 19 && !strcmp(path + n - 19, "/.vscode/tasks.json")))
		return "vscode_tasks";
	return NULL;
}

struct out {
	cairn_recs *recs;
	const char *label;
	json_t *registries, *tokens;
	cairn_persist_key_fn key;
	void *key_ctx;
	const cairn_env_key *k;
	int key_asked;
};

static json_t *bytes_obj(const char *k1, const char *v1, size_t n1)
{
	json_t *o = json_object();

	cairn_json_set_bytes(o, k1, v1, n1);
	return o;
}

/* A credential: its name and length, its value only as a keyed HMAC. */
static void add_token(struct out *o, const char *key, size_t klen, const char *val, size_t vlen)
{
	json_t *t;
	char hex[65];

	if (json_array_size(o->tokens) >= PERSIST_MAX_ITEMS)
		return;
	if (!o->key_asked) {
		o->key_asked = 1;
		o->k = o->key ? o->key(o->key_ctx) : NULL;
	}
	t = bytes_obj("key", key, klen);
	json_object_set_new(t, "length", json_integer((json_int_t)vlen));
	if (o->k) {
		cairn_env_hmac(o->k, val, vlen, hex);
		json_object_set_new(t, "hmac_sha256", json_string(hex));
	} else {
		json_object_set_new(t, "hmac_sha256", json_null());
	}
	json_array_append_new(o->tokens, t);
}

/* A registry URL; a user:password@ in it is taken out and kept as a
 * token "<key> userinfo". */
static void add_registry(struct out *o, const char *key, size_t klen, const char *url, size_t ulen)
{
	const char *sch = ulen > 3 ? memchr(url, ':', ulen) : NULL;
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *r;

	if (json_array_size(o->registries) >= PERSIST_MAX_ITEMS)
		return;
	if (sch && (size_t)(sch - url) + 3 <= ulen && !memcmp(sch, "://", 3)) {
		const char *host = sch + 3, *end = url + ulen, *slash, *at;

		slash = memchr(host, '/', (size_t)(end - host));
		if (!slash)
			slash = end;
		/* the last '@' before the path: a password may hold '@' */
		for (at = slash; at > host && at[-1] != '@'; at--)
			;
		if (at > host) {
			cairn_buf k = CAIRN_BUF_INIT;

			cairn_buf_add(&k, key, klen);
			cairn_buf_addstr(&k, " userinfo");
			add_token(o, k.data, k.len, host, (size_t)(at - 1 - host));
			cairn_buf_release(&k);
			cairn_buf_add(&b, url, (size_t)(host - url));
			cairn_buf_add(&b, at, (size_t)(end - at));
			url = b.data;
			ulen = b.len;
		}
	}
	r = bytes_obj("key", key, klen);
	cairn_json_set_bytes(r, "url", url, ulen);
	json_array_append_new(o->registries, r);
	cairn_buf_release(&b);
}

static int token_key(const char *k, size_t n)
{
	static const char *const ends[] = { "_authToken", "_auth", "_password", "password",
					    "authToken", "token", NULL };
	size_t i;

	for (i = 0; ends[i]; i++) {
		size_t l = strlen(ends[i]);

		if (n >= l && !memcmp(k + n - l, ends[i], l) &&
		    (n == l || k[n - l - 1] == ':' || k[n - l - 1] == '/' || ends[i][0] == '_'))
			return 1;
	}
	return 0;
}

static void trim(const char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t'))
		(*p)++, (*n)--;
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\r'))
		(*n)--;
}

/* npm's ini: one "key = value" a line; quotes around a value are npm's */
static void npmrc(struct out *o, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		const char *line = data + off, *nl = memchr(line, '\n', len - off), *eq;
		size_t n = nl ? (size_t)(nl - line) : len - off, kl, vl;
		const char *v;

		off += n + 1;
		trim(&line, &n);
		if (!n || line[0] == ';' || line[0] == '#' || line[0] == '[')
			continue;
		if (!(eq = memchr(line, '=', n)))
			continue;
		kl = (size_t)(eq - line);
		v = eq + 1;
		vl = n - kl - 1;
		trim(&line, &kl);
		trim(&v, &vl);
		if (vl >= 2 && ((v[0] == '"' && v[vl - 1] == '"') || (v[0] == '\'' && v[vl - 1] == '\'')))
			v++, vl -= 2;
		if ((kl == 8 && !memcmp(line, "registry", 8)) ||
		    (kl > 9 && !memcmp(line + kl - 9, ":registry", 9)))
			add_registry(o, line, kl, v, vl);
		else if (token_key(line, kl))
			add_token(o, line, kl, v, vl);
	}
}

/* blank-separated URLs (pip's list options) */
static void add_urls(struct out *o, const char *key, size_t klen, const char *v, size_t vl)
{
	trim(&v, &vl);
	while (vl) {
		size_t w = 0;

		while (w < vl && v[w] != ' ' && v[w] != '\t')
			w++;
		add_registry(o, key, klen, v, w);
		v += w;
		vl -= w;
		trim(&v, &vl);
	}
}

/* pip's configparser: "key = value" or "key: value" in [sections], an
 * indented line continues the value (extra-index-url lists) */
static void pipconf(struct out *o, const char *data, size_t len)
{
	size_t off = 0;
	cairn_buf key = CAIRN_BUF_INIT;
	int url_key = 0;

	while (off < len) {
		const char *line = data + off, *nl = memchr(line, '\n', len - off), *sep;
		size_t n = nl ? (size_t)(nl - line) : len - off, kl, vl;
		int cont = n && (line[0] == ' ' || line[0] == '\t');
		const char *v;

		off += n + 1;
		trim(&line, &n);
		if (!n || line[0] == ';' || line[0] == '#')
			continue;
		if (line[0] == '[') {
			url_key = 0;
			continue;
		}
		if (cont) {
			if (url_key)
				add_urls(o, key.data, key.len, line, n);
			continue;
		}
		sep = memchr(line, '=', n);
		if (!sep || (memchr(line, ':', n) && (const char *)memchr(line, ':', n) < sep))
			sep = memchr(line, ':', n);
		if (!sep)
			continue;
		kl = (size_t)(sep - line);
		v = sep + 1;
		vl = n - kl - 1;
		trim(&line, &kl);
		trim(&v, &vl);
		cairn_buf_clear(&key);
		cairn_buf_add(&key, line, kl);
		url_key = !strcmp(key.data, "index-url") || !strcmp(key.data, "extra-index-url") ||
			  !strcmp(key.data, "index_url") || !strcmp(key.data, "extra_index_url") ||
			  !strcmp(key.data, "find-links");
		if (url_key)
			add_urls(o, key.data, key.len, v, vl);
		else if (token_key(key.data, key.len))
			add_token(o, key.data, key.len, v, vl);
	}
	cairn_buf_release(&key);
}

/* yarn 2+: npmRegistryServer, npmAuthToken, npmAuthIdent, at the top, per
 * scope (npmScopes) and per registry (npmRegistries) */
static void yarn_level(struct out *o, const json_t *j, const char *prefix)
{
	static const char *const keys[] = { "npmRegistryServer", "npmAuthToken", "npmAuthIdent", NULL };
	cairn_buf k = CAIRN_BUF_INIT;
	size_t i;

	for (i = 0; keys[i]; i++) {
		const json_t *v = json_object_get(j, keys[i]);

		if (!json_is_string(v))
			continue;
		cairn_buf_clear(&k);
		cairn_buf_addf(&k, "%s%s", prefix, keys[i]);
		if (i == 0)
			add_registry(o, k.data, k.len, json_string_value(v), json_string_length(v));
		else
			add_token(o, k.data, k.len, json_string_value(v), json_string_length(v));
	}
	cairn_buf_release(&k);
}

static void yarnrc(struct out *o, const json_t *j)
{
	static const char *const maps[] = { "npmScopes", "npmRegistries", NULL };
	size_t m;

	if (!json_is_object(j))
		return;
	yarn_level(o, j, "");
	for (m = 0; maps[m]; m++) {
		const json_t *map = json_object_get(j, maps[m]);
		const char *name;
		json_t *v;

		if (!json_is_object(map))
			continue;
		json_object_foreach((json_t *)map, name, v) {
			cairn_buf p = CAIRN_BUF_INIT;

			cairn_buf_addf(&p, "%s.%s.", maps[m], name);
			if (json_is_object(v))
				yarn_level(o, v, p.data);
			cairn_buf_release(&p);
		}
	}
}

/* JSONC: comments out, strings kept */
static int strip_comments(cairn_buf *out, const char *s, size_t n, const char *label)
{
	size_t i = 0;

	cairn_buf_clear(out);
	while (i < n) {
		if (s[i] == '"') {
			size_t st = i++;

			while (i < n && s[i] != '"')
				i += s[i] == '\\' && i + 1 < n ? 2 : 1;
			if (i >= n)
				return cairn_error_set(CAIRN_EFORMAT, "%s: unterminated string", label);
			cairn_buf_add(out, s + st, ++i - st);
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			const char *e = NULL;
			size_t k;

			for (k = i + 2; k + 1 < n; k++)
				if (s[k] == '*' && s[k + 1] == '/') {
					e = s + k;
					break;
				}
			if (!e)
				return cairn_error_set(CAIRN_EFORMAT, "%s: unterminated comment", label);
			cairn_buf_addch(out, ' ');
			i = (size_t)(e - s) + 2;
		} else {
			cairn_buf_addch(out, s[i++]);
		}
	}
	return 0;
}

static int vscode_tasks(cairn_recs *recs, const char *label, const char *data, size_t len)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	json_error_t err;
	json_t *j = NULL;
	const json_t *tasks;
	size_t i;
	int n = 0;

	if (strip_comments(&a, data, len, label) < 0 ||
	    cairn_bun_strip_trailing_commas(&b, a.data ? a.data : "", a.len, label) < 0) {
		cairn_recs_parse_error(recs, label, "persist", cairn_error_last());
		goto done;
	}
	j = json_loadb(b.data ? b.data : "", b.len, 0, &err);
	if (!j) {
		char msg[300];

		snprintf(msg, sizeof(msg), "line %d, column %d: %s", err.line, err.column, err.text);
		cairn_recs_parse_error(recs, label, "persist", msg);
		goto done;
	}
	tasks = json_object_get(j, "tasks");
	for (i = 0; i < json_array_size(tasks) && i < PERSIST_MAX_ITEMS; i++) {
		const json_t *t = json_array_get(tasks, i);
		const json_t *lab = json_object_get(t, "label"), *cmd = json_object_get(t, "command");
		const json_t *args = json_object_get(t, "args");
		const json_t *run_on = json_object_get(json_object_get(t, "runOptions"), "runOn");
		json_t *rec = json_object(), *av = json_array();
		cairn_buf key = CAIRN_BUF_INIT;
		size_t k;

		if (json_is_string(lab))
			cairn_buf_add(&key, json_string_value(lab), json_string_length(lab));
		else
			cairn_buf_addf(&key, "#%zu", i);
		json_object_set_new(rec, "type", json_string("vscode_task"));
		cairn_json_set_bytes(rec, "config", label, strlen(label));
		cairn_json_set_bytes(rec, "task", key.data, key.len);
		json_object_set_new(rec, "index", json_integer((json_int_t)i));
		json_object_set_new(rec, "task_type", json_is_string(json_object_get(t, "type")) ?
				    json_deep_copy(json_object_get(t, "type")) : json_null());
		json_object_set_new(rec, "command", json_is_string(cmd) ? json_deep_copy(cmd) : json_null());
		for (k = 0; k < json_array_size(args) && k < 64; k++) {
			const json_t *x = json_array_get(args, k);

			json_array_append_new(av, json_is_string(x) ? json_deep_copy(x) : json_string("?"));
		}
		json_object_set_new(rec, "args", av);
		json_object_set_new(rec, "run_on", json_is_string(run_on) ? json_deep_copy(run_on)
									    : json_null());
		cairn_recs_add(recs, rec, cairn_recs_key(label, key.data, (char *)NULL));
		cairn_buf_release(&key);
		n++;
	}
done:
	json_decref(j);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
	return n;
}

int cairn_persist_parse(cairn_recs *recs, const char *kind, const char *label,
			const char *data, size_t len, cairn_persist_key_fn key, void *key_ctx)
{
	struct out o;
	json_t *rec;

	if (!strcmp(kind, "vscode_tasks"))
		return vscode_tasks(recs, label, data, len);
	memset(&o, 0, sizeof(o));
	o.recs = recs;
	o.label = label;
	o.key = key;
	o.key_ctx = key_ctx;
	o.registries = json_array();
	o.tokens = json_array();
	if (!strcmp(kind, "npmrc")) {
		npmrc(&o, data, len);
	} else if (!strcmp(kind, "pip")) {
		pipconf(&o, data, len);
	} else if (!strcmp(kind, "yarnrc")) {
		json_t *j = NULL;

		if (cairn_yaml_to_json(&j, data, len, label) < 0) {
			cairn_recs_parse_error(recs, label, "persist", cairn_error_last());
		} else {
			yarnrc(&o, j);
			json_decref(j);
		}
	}
	rec = json_object();
	json_object_set_new(rec, "type", json_string("registry_config"));
	cairn_json_set_bytes(rec, "config", label, strlen(label));
	json_object_set_new(rec, "tool", json_string(!strcmp(kind, "npmrc") ? "npm" :
						     !strcmp(kind, "pip") ? "pip" : "yarn"));
	json_object_set_new(rec, "registries", o.registries);
	json_object_set_new(rec, "tokens", o.tokens);
	cairn_recs_add(recs, rec, cairn_recs_key(label, (char *)NULL));
	return 1;
}
