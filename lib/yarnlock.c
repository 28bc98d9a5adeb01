/*
 * yarnlock.c - yarn 1 and yarn 2+ lockfiles (yarnlock.h).
 *
 * yarn 1's yarn.lock is not YAML ("version \"1.0.0\"" is no mapping) and
 * not JSON: yarn's own parser (src/lockfile/parser.js) is a small
 * tokenizer.  No maintained C library reads it, so this is a strict
 * reader of exactly what yarn writes (src/lockfile/stringify.js): comment
 * lines; at indent 0 an entry header "spec[, spec]*:"; at indent 2 a
 * field "key value" or "key:" opening a block; at indent 4 the block's
 * "name range" pairs.  Strings are bare or double-quoted with JSON
 * escapes.  Anything else (tabs, other indents, a value where a block was
 * opened, control bytes, an unterminated string, a line over
 * CAIRN_YARN_MAX_LINE) is an error naming the line: an attacker-controlled
 * file gets no lenient guesses.
 *
 * Berry's yarn.lock is YAML (one mapping: __metadata, then
 * "spec[, spec]*" -> {version, resolution, checksum, linkType, ...}),
 * read with yamljson.h.
 */
#include "yarnlock.h"
#include "yamljson.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct build {
	cairn_npm_lock_entry *v;
	size_t n, cap;
} build;

static cairn_npm_lock_entry *push(build *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = cairn_realloc(b->v, b->cap * sizeof(*b->v));
	}
	memset(&b->v[b->n], 0, sizeof(b->v[b->n]));
	return &b->v[b->n++];
}

static void build_free(build *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		cairn_npm_lock_entry_release(&b->v[i]);
	free(b->v);
}

/* name of "name@range" / "@scope/name@npm:1.0.0": up to the first '@'
 * after the first byte (new string, NULL when none) */
static char *spec_name(const char *spec, size_t n)
{
	const char *at = n > 1 ? memchr(spec + 1, '@', n - 1) : NULL;

	/* an alias, "wrap-ansi-cjs@npm:wrap-ansi@^7.0.0": the package is
	 * the real one (what its manifest says) */
	if (at && (size_t)(spec + n - at) > 5 && !memcmp(at + 1, "npm:", 4)) {
		const char *real = at + 5;
		size_t rn = (size_t)(spec + n - real);
		const char *rat = rn > 1 ? memchr(real + 1, '@', rn - 1) : NULL;

		if (rat)
			return cairn_strndup(real, (size_t)(rat - real));
	}
	return at ? cairn_strndup(spec, (size_t)(at - spec)) : NULL;
}

/* Finish an entry: key "name@version" */
static int finish(cairn_npm_lock_entry *e, const char *label, long line)
{
	cairn_buf k = CAIRN_BUF_INIT;

	if (!e->version)
		return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: entry without a version",
				       label, line);
	cairn_buf_addf(&k, "%s@%s", e->name, e->version);
	e->key = cairn_buf_detach(&k, NULL);
	e->has_name = 1;
	return 0;
}

/* ---- yarn 1 ---- */

typedef struct lexer {
	const char *p, *end;    /* the current line, without its newline */
	const char *label;
	long line;
} lexer;

/* One string token at *p: quoted (JSON escapes) or bare (up to a space,
 * comma or, when colon_ends, a ':' that ends the line or precedes a space).
 * Appends to out; returns 0 or an error. */
static int token(lexer *lx, const char **p, cairn_buf *out, int colon_ends)
{
	const char *s = *p;

	cairn_buf_clear(out);
	if (s < lx->end && *s == '"') {
		s++;
		for (;;) {
			unsigned char c;

			if (s >= lx->end)
				return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: unterminated string",
						       lx->label, lx->line);
			c = (unsigned char)*s;
			if (c == '"')
				break;
			if (c < 0x20 || c == 0x7f)
				return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: control byte in a string",
						       lx->label, lx->line);
			if (c == '\\') {
				if (s + 1 >= lx->end)
					return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: bad escape",
							       lx->label, lx->line);
				s++;
				switch (*s) {
				case '"': case '\\': case '/': cairn_buf_addch(out, *s); break;
				case 'n': cairn_buf_addch(out, '\n'); break;
				case 't': cairn_buf_addch(out, '\t'); break;
				default:
					/* \uXXXX and the rest: yarn writes none for
					 * package specs; refuse rather than guess */
					return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: unsupported escape",
							       lx->label, lx->line);
				}
				s++;
				continue;
			}
			cairn_buf_addch(out, (char)c);
			s++;
		}
		*p = s + 1;
		if (!out->data)
			cairn_buf_addstr(out, "");
		return 0;
	}
	while (s < lx->end && *s != ' ' && *s != ',' &&
	       !(colon_ends && *s == ':' && (s + 1 == lx->end || s[1] == ' '))) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '"')
			return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: unexpected byte 0x%02x",
					       lx->label, lx->line, c);
		cairn_buf_addch(out, (char)c);
		s++;
	}
	if (s == *p)
		return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: expected a string",
				       lx->label, lx->line);
	*p = s;
	return 0;
}

/* The rest of a line after its first token: one space, the value token,
 * the line's end (a block's "name range" or a field's "key value"). */
static int pair_value(lexer *lx, const char **p, cairn_buf *val, const char *expected,
		      const char *label)
{
	int rc;

	if (*p >= lx->end || **p != ' ')
		return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: expected '%s'", label,
				       lx->line, expected);
	(*p)++;
	if ((rc = token(lx, p, val, 0)) < 0)
		return rc;
	if (*p != lx->end)
		return cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: trailing bytes", label,
				       lx->line);
	return 0;
}

static int parse_v1(build *b, const char *data, size_t len, const char *label)
{
	lexer lx = { NULL, NULL, label, 0 };
	const char *s = data, *end = data + len;
	cairn_buf tok = CAIRN_BUF_INIT, val = CAIRN_BUF_INIT;
	cairn_npm_lock_entry *cur = NULL;
	int in_block = 0, rc = 0;

	if (memchr(data, '\0', len))
		return cairn_error_set(CAIRN_EFORMAT, "%s: NUL byte", label);
	while (s < end && rc == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end, *p;
		size_t indent = 0;

		lx.line++;
		lx.p = s;
		lx.end = le;
		if (lx.end > s && lx.end[-1] == '\r')
			lx.end--;
		s = nl ? nl + 1 : end;
		if ((size_t)(lx.end - lx.p) > CAIRN_YARN_MAX_LINE) {
			rc = cairn_error_set(CAIRN_ELIMIT, "%s: line %ld: longer than %u bytes",
					     label, lx.line, CAIRN_YARN_MAX_LINE);
			break;
		}
		while (lx.p + indent < lx.end && lx.p[indent] == ' ')
			indent++;
		p = lx.p + indent;
		if (p == lx.end || *p == '#')
			continue;
		if (*p == '\t') {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: tab", label, lx.line);
			break;
		}
		if (indent == 0) {
			/* header: spec[, spec]*: */
			if (cur && (rc = finish(cur, label, lx.line - 1)) < 0)
				break;
			if (b->n >= CAIRN_YARN_MAX_ENTRIES) {
				rc = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u entries", label,
						     CAIRN_YARN_MAX_ENTRIES);
				break;
			}
			cur = push(b);
			in_block = 0;
			for (;;) {
				if ((rc = token(&lx, &p, &tok, 1)) < 0)
					break;
				if (!cur->name && !(cur->name = spec_name(tok.data, tok.len))) {
					rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: '%s' is not name@range",
							     label, lx.line, "spec");
					break;
				}
				if (p < lx.end && *p == ',') {
					p++;
					if (p < lx.end && *p == ' ')
						p++;
					continue;
				}
				break;
			}
			if (rc < 0)
				break;
			if (p + 1 != lx.end || *p != ':') {
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: entry header must end in ':'",
						     label, lx.line);
				break;
			}
			continue;
		}
		if (!cur) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: field outside an entry",
					     label, lx.line);
			break;
		}
		if (indent == 4) {
			/* a block's "name range" pair: checked, not kept */
			if (!in_block) {
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: indented line outside a block",
						     label, lx.line);
				break;
			}
			if ((rc = token(&lx, &p, &tok, 0)) < 0 ||
			    (rc = pair_value(&lx, &p, &val, "name range", label)) < 0)
				break;
			continue;
		}
		if (indent != 2) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %ld: indent of %zu spaces",
					     label, lx.line, indent);
			break;
		}
		in_block = 0;
		if ((rc = token(&lx, &p, &tok, 1)) < 0)
			break;
		if (p < lx.end && *p == ':' && p + 1 == lx.end) {
			in_block = 1;     /* dependencies:, optionalDependencies: */
			continue;
		}
		if ((rc = pair_value(&lx, &p, &val, "key value", label)) < 0)
			break;
		if (memchr(val.data, '\0', val.len))
			continue;
		if (!strcmp(tok.data, "version") && !cur->version)
			cur->version = cairn_strndup(val.data, val.len);
		else if (!strcmp(tok.data, "resolved") && !cur->resolved)
			cur->resolved = cairn_strndup(val.data, val.len);
		else if (!strcmp(tok.data, "integrity") && !cur->integrity)
			cur->integrity = cairn_strndup(val.data, val.len);
	}
	if (rc == 0 && cur)
		rc = finish(cur, label, lx.line);
	cairn_buf_release(&tok);
	cairn_buf_release(&val);
	return rc;
}

/* ---- Berry ---- */

static int parse_berry(build *b, int *version, const char *data, size_t len, const char *label)
{
	json_t *root = NULL, *o;
	const char *key;
	int rc = cairn_yaml_to_json(&root, data, len, label);

	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		json_decref(root);
		return cairn_error_set(CAIRN_EFORMAT, "%s: not a YAML mapping", label);
	}
	{
		const char *v = json_string_value(json_object_get(json_object_get(root, "__metadata"),
								  "version"));

		*version = v ? atoi(v) : 0;
	}
	json_object_foreach(root, key, o) {
		const char *res = json_string_value(json_object_get(o, "resolution"));
		const char *ver = json_string_value(json_object_get(o, "version"));
		const char *sum = json_string_value(json_object_get(o, "checksum"));
		const char *at;
		cairn_npm_lock_entry *e;

		if (!strcmp(key, "__metadata") || !json_is_object(o))
			continue;
		/* the project and workspaces ("x@workspace:.") are not packages
		 * installed from anywhere */
		if (!res || !ver || strstr(res, "@workspace:"))
			continue;
		at = strchr(res + 1, '@');
		if (!at)
			continue;
		e = push(b);
		e->name = cairn_strndup(res, (size_t)(at - res));
		e->version = cairn_strdup(ver);
		/* "name@npm:1.0.0" is the registry; keep the locator as written */
		e->resolved = cairn_strdup(res);
		/* Berry's checksum is of its zip archive, not of the tarball:
		 * kept apart from SRI integrity (cacheKey/sha512 hex) */
		e->integrity = sum ? cairn_strdup(sum) : NULL;
		if (json_is_string(json_object_get(json_object_get(o, "dependenciesMeta"), "built")))
			e->has_install_script = 1;
		if ((rc = finish(e, label, 0)) < 0)
			break;
	}
	json_decref(root);
	return rc;
}

static int is_berry(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n >= 11 && !memcmp(p, "__metadata:", 11))
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int cairn_yarn_lock_parse(cairn_npm_lock **out, const char *data, size_t len,
			  const char *label)
{
	build b = { NULL, 0, 0 };
	cairn_npm_lock *l;
	int berry = is_berry(data, len), version = 1, rc;

	*out = NULL;
	rc = berry ? parse_berry(&b, &version, data, len, label) : parse_v1(&b, data, len, label);
	if (rc < 0) {
		build_free(&b);
		return rc;
	}
	l = cairn_calloc(1, sizeof(*l));
	l->lockfile_version = version;
	l->version_text = cairn_strdup(berry ? "berry" : "yarn1");
	l->by_name = 1;
	l->v = b.v;
	l->n = b.n;
	cairn_npm_lock_index(l);
	*out = l;
	return 0;
}

/* ---- yarn 1 cache ---- */

int cairn_yarn_cache_tarball(cairn_buf *out, char **src, int cachefd, const char *name,
			     const char *version, const char *resolved)
{
	const char *hash = resolved ? strrchr(resolved, '#') : NULL;
	cairn_buf rel = CAIRN_BUF_INIT;
	size_t i, start;
	int rc;

	*src = NULL;
	if (!hash || !hash[1] || strchr(hash, '/') || !name || !version || strchr(version, '/') ||
	    strstr(name, ".."))
		return CAIRN_ENOTFOUND;
	/* yarn's cache slug: every run of bytes other than @, a-z, 0-9
	 * becomes one '-' ("@a/b.c" -> "@a-b-c") */
	cairn_buf_addstr(&rel, "npm-");
	start = rel.len;
	for (i = 0; name[i]; i++) {
		int keep = name[i] == '@' || (name[i] >= 'a' && name[i] <= 'z') ||
			   (name[i] >= '0' && name[i] <= '9');

		/* '-' is itself outside the set: a '-' written last means
		 * the current run already has its one '-' */
		if (keep)
			cairn_buf_addch(&rel, name[i]);
		else if (rel.len == start || rel.data[rel.len - 1] != '-')
			cairn_buf_addch(&rel, '-');
	}
	cairn_buf_addf(&rel, "-%s-%s-integrity/node_modules/%s/.yarn-tarball.tgz", version,
		       hash + 1, name);
	rc = cairn_safe_read(out, cachefd, rel.data, CAIRN_CAP_TARBALL, "yarn cache");
	if (rc == 0)
		*src = cairn_buf_detach(&rel, NULL);
	cairn_buf_release(&rel);
	return rc;
}
