/*
 * cyclonedx.c - CycloneDX 1.6 JSON out of a snapshot (lib/cyclonedx.h).
 * Package URLs follow the purl specification (github.com/package-url/
 * purl-spec): type, namespace, name, version, each percent-encoded;
 * npm's namespace is the scope with its '@' ("%40scope"), PyPI names are
 * lowercased with '_' as '-'.
 */
#include "cyclonedx.h"
#include "jsonutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* purl-spec: percent-encode everything but unreserved characters. */
static void pct(cairn_buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			cairn_buf_addch(out, c);
		else
			cairn_buf_addf(out, "%%%02X", c);
	}
}

int cairn_cyclonedx_purl(cairn_buf *out, const char *ecosystem, const char *name,
			 const char *version)
{
	cairn_buf_clear(out);
	if (!ecosystem || !name || !*name)
		return -1;
	if (!strcmp(ecosystem, "npm")) {
		const char *slash = name[0] == '@' ? strchr(name, '/') : NULL;

		cairn_buf_addstr(out, "pkg:npm/");
		if (slash) {
			pct(out, name, (size_t)(slash - name));
			cairn_buf_addch(out, '/');
			pct(out, slash + 1, strlen(slash + 1));
		} else {
			pct(out, name, strlen(name));
		}
	} else if (!strcmp(ecosystem, "pypi")) {
		cairn_buf norm = CAIRN_BUF_INIT;
		size_t i;

		for (i = 0; name[i]; i++)
			cairn_buf_addch(&norm, name[i] == '_' ? '-' : tolower((unsigned char)name[i]));
		cairn_buf_addstr(out, "pkg:pypi/");
		pct(out, norm.data, norm.len);
		cairn_buf_release(&norm);
	} else {
		return -1;
	}
	if (version && *version) {
		cairn_buf_addch(out, '@');
		pct(out, version, strlen(version));
	}
	return 0;
}

/* "sha512-<base64>" (npm's SRI) -> {"alg":"SHA-512","content":hex}; NULL
 * for other algorithms or bad base64. */
static json_t *sri_hash(const char *sri)
{
	static const struct { const char *prefix, *alg; size_t len; } algs[] = {
		{ "sha512-", "SHA-512", 64 }, { "sha384-", "SHA-384", 48 },
		{ "sha256-", "SHA-256", 32 }, { "sha1-", "SHA-1", 20 },
	};
	unsigned char raw[80];
	char hex[161];
	size_t i;

	if (!sri)
		return NULL;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		size_t pl = strlen(algs[i].prefix), bl;
		const char *b64 = sri + pl;
		int n;

		if (strncmp(sri, algs[i].prefix, pl))
			continue;
		bl = strcspn(b64, " ");
		if (bl > 108)
			return NULL;
		n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)bl);
		/* EVP_DecodeBlock counts the padding as zero bytes */
		if (n < (int)algs[i].len)
			return NULL;
		cairn_hex(hex, raw, algs[i].len);
		return json_pack("{s:s,s:s}", "alg", algs[i].alg, "content", hex);
	}
	return NULL;
}

/* "sha256:<hex>" (pypi: the verified wheel's integrity, a lock's
 * hashes) -> {"alg":"SHA-256","content":hex}; NULL for other algorithms
 * or a hex of the wrong length. */
static json_t *hex_hash(const char *h)
{
	static const struct { const char *prefix, *alg; size_t len; } algs[] = {
		{ "sha512:", "SHA-512", 128 }, { "sha384:", "SHA-384", 96 },
		{ "sha256:", "SHA-256", 64 }, { "sha1:", "SHA-1", 40 }, { "md5:", "MD5", 32 },
	};
	size_t i, k;

	for (i = 0; h && i < sizeof(algs) / sizeof(algs[0]); i++) {
		size_t pl = strlen(algs[i].prefix);

		if (strncmp(h, algs[i].prefix, pl) || strlen(h + pl) != algs[i].len)
			continue;
		for (k = 0; k < algs[i].len; k++)
			if (!isxdigit((unsigned char)h[pl + k]))
				return NULL;
		return json_pack("{s:s,s:s}", "alg", algs[i].alg, "content", h + pl);
	}
	return NULL;
}

/* A pypi component's hashes: the wheel it was verified against
 * (integrity), else the one artifact its lock allows; none when the lock
 * allows several (a wheel per platform, an sdist: which one was
 * installed is not known). */
static json_t *pypi_hashes(const json_t *rec)
{
	const json_t *locked = json_object_get(rec, "locked_hashes");
	json_t *h = hex_hash(cairn_json_str(rec, "integrity"));

	if (!h && json_array_size(locked) == 1)
		h = hex_hash(json_string_value(json_array_get(locked, 0)));
	return h ? json_pack("[o]", h) : NULL;
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void prop(json_t *props, const char *name, const char *value)
{
	if (value)
		json_array_append_new(props, json_pack("{s:s,s:s}", "name", name, "value", value));
}

static void ref_of(cairn_buf *b, const char *eco, const char *project, const char *path)
{
	cairn_buf_clear(b);
	cairn_buf_addf(b, "%s:%s:%s", eco, project, path);
}

/* A UUID (version 4 layout) from the first 16 bytes of the snapshot's
 * hex SHA-256: the same snapshot gets the same serial number. */
static void serial(char out[46], const char *sha)
{
	char h[33];
	size_t i;

	for (i = 0; i < 32; i++)
		h[i] = sha && strlen(sha) >= 32 && isxdigit((unsigned char)sha[i]) ?
		       (char)tolower((unsigned char)sha[i]) : '0';
	h[32] = '\0';
	h[12] = '4';
	h[16] = "89ab"[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
	snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

int cairn_cyclonedx_build(json_t **out, const json_t *header, const json_t *records,
			  const char *snapshot_sha256)
{
	json_t *bom = json_object(), *meta = json_object(), *comps = json_array();
	json_t *deps = json_object(), *deps_arr = json_array(), *projects = json_object();
	json_t *refs = json_object();   /* the bom-refs defined */
	cairn_buf purl = CAIRN_BUF_INIT, ref = CAIRN_BUF_INIT, from = CAIRN_BUF_INIT;
	const json_t *rec, *rb;
	const char *key;
	json_t *v;
	char sn[46];
	size_t i, j;

	serial(sn, snapshot_sha256);
	json_object_set_new(bom, "bomFormat", json_string("CycloneDX"));
	json_object_set_new(bom, "specVersion", json_string("1.6"));
	json_object_set_new(bom, "serialNumber", json_string(sn));
	json_object_set_new(bom, "version", json_integer(1));
	if (cairn_json_str(header, "created"))
		json_object_set_new(meta, "timestamp", json_string(cairn_json_str(header, "created")));
	json_object_set_new(meta, "tools", json_pack("{s:[{s:s,s:s,s:s}]}", "components",
		"type", "application", "name", "cairn-snap", "version", CAIRN_VERSION));
	json_object_set_new(meta, "component", json_pack("{s:s,s:s,s:s}", "type", "application",
		"bom-ref", "root", "name", cairn_json_str_or(header, "root", "root")));
	{
		json_t *props = json_array();

		prop(props, "cairn:host", cairn_json_str(header, "hostname"));
		prop(props, "cairn:root_realpath", cairn_json_str(header, "root_realpath"));
		prop(props, "cairn:snapshot_sha256", snapshot_sha256);
		json_object_set_new(meta, "properties", props);
	}
	json_object_set_new(bom, "metadata", meta);

	json_array_foreach(records, i, rec) {
		const char *eco = cairn_json_str(rec, "ecosystem");
		const char *name = cairn_json_str(rec, "name");
		const char *version = cairn_json_str(rec, "version");
		const char *project = cairn_json_str_or(rec, "project", "");
		const char *path = cairn_json_str_or(rec, "path", "");
		json_t *c, *props, *h;

		if (strcmp(cairn_json_str_or(rec, "type", ""), "package") || !eco || !name)
			continue;
		if (!version)
			version = cairn_json_str(rec, "locked_version");
		if (cairn_cyclonedx_purl(&purl, eco, name, version) < 0)
			continue;
		ref_of(&ref, eco, project, path);
		c = json_object();
		json_object_set_new(c, "type", json_string("library"));
		json_object_set_new(c, "bom-ref", json_string(ref.data));
		if (!strcmp(eco, "npm") && name[0] == '@' && strchr(name, '/')) {
			json_object_set_new(c, "group", json_stringn(name, (size_t)(strchr(name, '/') - name)));
			json_object_set_new(c, "name", json_string(strchr(name, '/') + 1));
		} else {
			json_object_set_new(c, "name", json_string(name));
		}
		if (version)
			json_object_set_new(c, "version", json_string(version));
		json_object_set_new(c, "purl", json_string(purl.data));
		if ((h = sri_hash(cairn_json_str(rec, "integrity"))))
			json_object_set_new(c, "hashes", json_pack("[o]", h));
		else if (!strcmp(eco, "pypi") && (h = pypi_hashes(rec)))
			json_object_set_new(c, "hashes", h);
		props = json_array();
		cairn_buf_clear(&from);
		cairn_buf_addf(&from, "%s%s%s", project, *project ? "/" : "", path);
		prop(props, "cairn:install_path", from.data);
		prop(props, "cairn:installed", cairn_json_str(rec, "version") ? "true" : "false");
		prop(props, "cairn:locked_version", cairn_json_str(rec, "locked_version"));
		prop(props, "cairn:lockfile", cairn_json_str(rec, "lockfile"));
		prop(props, "cairn:resolved", cairn_json_str(rec, "resolved"));
		prop(props, "cairn:content_sha256", cairn_json_str(rec, "content_sha256"));
		prop(props, "cairn:files_status", cairn_json_str(json_object_get(rec, "files"), "status"));
		json_array_foreach(json_object_get(rec, "flags"), j, v)
			if (json_is_string(v))
				prop(props, "cairn:flag", json_string_value(v));
		json_object_set_new(c, "properties", props);
		json_array_append_new(comps, c);
		json_object_set_new(refs, ref.data, json_true());
		if (!json_object_get(deps, ref.data))
			json_object_set_new(deps, ref.data, json_array());
		/* the lock graph: who requires this install path */
		json_array_foreach(json_object_get(rec, "required_by"), j, rb) {
			const char *f = cairn_json_str(rb, "from");
			json_t *list;

			if (!f)
				continue;
			if (!*f) {
				cairn_buf_clear(&from);
				cairn_buf_addf(&from, "project:%s:%s", eco, project);
				json_object_set_new(projects, from.data, json_string(project));
			} else {
				ref_of(&from, eco, project, f);
			}
			list = json_object_get(deps, from.data);
			if (!list) {
				list = json_array();
				json_object_set_new(deps, from.data, list);
			}
			json_array_append_new(list, json_string(ref.data));
		}
	}
	/* each project that declares dependencies is an application */
	json_object_foreach(projects, key, v)
		json_array_append_new(comps, json_pack("{s:s,s:s,s:s}", "type", "application",
			"bom-ref", key, "name", *json_string_value(v) ? json_string_value(v) : "."));
	json_object_set_new(bom, "components", comps);
	/* dependencies in bom-ref order; only refs that are components */
	{
		const char **keys = cairn_calloc(json_object_size(deps) + 1, sizeof(*keys));
		size_t n = 0;

		json_object_foreach(deps, key, v)
			keys[n++] = key;
		qsort(keys, n, sizeof(*keys), strp_cmp);
		for (i = 0; i < n; i++) {
			json_t *list = json_object_get(deps, keys[i]), *uniq = json_array();

			/* a dependent the snapshot does not record is left out */
			if (strncmp(keys[i], "project:", 8) && !json_object_get(refs, keys[i])) {
				json_decref(uniq);
				continue;
			}
			json_array_foreach(list, j, v) {
				size_t k;
				int dup = 0;

				for (k = 0; k < json_array_size(uniq); k++)
					dup |= json_equal(json_array_get(uniq, k), v);
				if (!dup)
					json_array_append(uniq, v);
			}
			json_array_append_new(deps_arr, json_pack("{s:s,s:o}", "ref", keys[i],
								  "dependsOn", uniq));
		}
		free(keys);
	}
	json_object_set_new(bom, "dependencies", deps_arr);
	json_decref(deps);
	json_decref(projects);
	json_decref(refs);
	cairn_buf_release(&purl);
	cairn_buf_release(&ref);
	cairn_buf_release(&from);
	*out = bom;
	return 0;
}
