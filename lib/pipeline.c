/*
 * pipeline.c - install commands in build and CI files (see pipeline.h).
 */
#include "pipeline.h"
#include "mcp.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

int cairn_pipeline_wanted(const char *path)
{
	const char *base = strrchr(path, '/');
	int root = base == NULL;

	base = base ? base + 1 : path;
	if (strstr(path, "node_modules/") || strstr(path, "site-packages/"))
		return 0;
	if (!strncmp(base, "Dockerfile", 10) || has_suffix(base, ".dockerfile") ||
	    has_suffix(base, ".Dockerfile") ||
	    !strncmp(base, "Containerfile", 13))
		return 1;
	if (!strncmp(path, ".github/workflows/", 18) && !strchr(path + 18, '/') &&
	    (has_suffix(base, ".yml") || has_suffix(base, ".yaml")))
		return 1;
	if (!root)
		return 0;
	return !strcmp(base, ".gitlab-ci.yml") || !strcmp(base, "Makefile") ||
	       !strcmp(base, "GNUmakefile") || !strcmp(base, "makefile") ||
	       has_suffix(base, ".mk") || has_suffix(base, ".sh");
}

typedef struct toks {
	char **v;
	size_t n, cap;
} toks;

static void toks_push(toks *t, const char *s, size_t n)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = cairn_realloc(t->v, t->cap * sizeof(char *));
	}
	t->v[t->n++] = cairn_strndup(s, n);
}

static void toks_clear(toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	t->n = 0;
}

static const char *tbase(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

static int has_tok(const toks *t, size_t from, const char *a, const char *b)
{
	size_t i;

	for (i = from; i < t->n; i++)
		if (!strcmp(t->v[i], a) || (b && !strcmp(t->v[i], b)) ||
		    (!strncmp(t->v[i], a, strlen(a)) && t->v[i][strlen(a)] == '='))
			return 1;
	return 0;
}

static int pip_opt_takes_value(const char *o)
{
	static const char *const v[] = { "-r", "--requirement", "-c", "--constraint", "-e",
		"--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
		"-t", "--target", "--prefix", "--root", "--python", "-p", "--platform",
		"--python-version", "--implementation", "--abi", "--only-binary",
		"--no-binary", "--trusted-host", "--cache-dir", "--src", "--upgrade-strategy", NULL };
	size_t i;

	for (i = 0; v[i]; i++)
		if (!strcmp(o, v[i]))
			return 1;
	return 0;
}

static void emit(cairn_recs *recs, const char *file, long line, int index,
		 const char *tool, const char *command, json_t *packages, json_t *flags,
		 const char *text)
{
	json_t *rec = json_object();
	char ln[32], ix[32];
	size_t tl = strlen(text);

	if (tl > 500)
		tl = 500;
	/* do not cut a UTF-8 sequence */
	while (tl > 0 && tl < strlen(text) && ((unsigned char)text[tl] & 0xc0) == 0x80)
		tl--;
	json_object_set_new(rec, "type", json_string("install_cmd"));
	cairn_json_set_bytes(rec, "file", file, strlen(file));
	json_object_set_new(rec, "line", json_integer(line));
	json_object_set_new(rec, "index", json_integer(index));
	json_object_set_new(rec, "tool", json_string(tool));
	json_object_set_new(rec, "command", json_string(command));
	json_object_set_new(rec, "packages", packages);
	cairn_json_set_bytes(rec, "text", text, tl);
	json_object_set_new(rec, "flags", flags);
	snprintf(ln, sizeof(ln), "%010ld", line);
	snprintf(ix, sizeof(ix), "%05d", index);
	cairn_recs_add(recs, rec, cairn_recs_key(file, ln, ix, (char *)NULL));
}

static void add_pkg(json_t *packages, const char *p)
{
	if (cairn_utf8_valid(p, strlen(p)))
		json_array_append_new(packages, json_string(p));
}

static int flag_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* flags from a NULL-terminated list of up to 8, sorted */
static json_t *mkflags(const char **f, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	qsort(f, n, sizeof(char *), flag_cmp);
	for (i = 0; i < n; i++)
		if (!i || strcmp(f[i], f[i - 1]))
			json_array_append_new(arr, json_string(f[i]));
	return arr;
}

static const char *npm_pkg_pin(const char *spec)
{
	const char *at = spec[0] == '@' ? strchr(spec + 1, '@') : strchr(spec, '@');

	return cairn_npm_spec_pin(at ? at + 1 : NULL);
}

/* One simple command t->v[0..n) (after prefixes); returns 1 if recorded. */
static int command(cairn_recs *recs, const char *file, long line, int index,
		   toks *t, const char *text)
{
	size_t s = 0, i;
	const char *tool;
	const char *f[8];
	size_t nf = 0;
	json_t *packages;

	/* skip env assignments, sudo, prefixes */
	while (s < t->n && (strchr(t->v[s], '=') && t->v[s][0] != '-' && isalpha((unsigned char)t->v[s][0])))
		s++;
	while (s < t->n && (!strcmp(t->v[s], "sudo") || !strcmp(t->v[s], "exec") ||
			    !strcmp(t->v[s], "time") || !strcmp(t->v[s], "RUN") ||
			    !strcmp(t->v[s], "run:") || !strcmp(t->v[s], "-") ||
			    !strcmp(t->v[s], "script:") || !strcmp(t->v[s], "@") ||
			    !strcmp(t->v[s], "command:") || !strcmp(t->v[s], "env") ||
			    (strchr(t->v[s], '=') && isalpha((unsigned char)t->v[s][0]))))
		s++;
	if (s >= t->n)
		return 0;
	tool = tbase(t->v[s][0] == '@' || t->v[s][0] == '-' ? t->v[s] + 1 : t->v[s]);
	packages = json_array();
	if (!strcmp(tool, "npm") || !strcmp(tool, "pnpm") || !strcmp(tool, "yarn") ||
	    !strcmp(tool, "bun")) {
		const char *sub = NULL;
		size_t si;
		char cmd[64];

		for (si = s + 1; si < t->n && t->v[si][0] == '-'; si++)
			;
		sub = si < t->n ? t->v[si] : NULL;
		if (!strcmp(tool, "yarn") && !sub)
			sub = "install";
		if (!sub)
			goto none;
		if (!strcmp(sub, "i"))
			sub = "install";
		if (!strcmp(tool, "npm") && (!strcmp(sub, "exec") || !strcmp(sub, "x")))
			goto npx;
		if (!strcmp(sub, "dlx"))
			goto npx;
		if (strcmp(sub, "install") && strcmp(sub, "ci") && strcmp(sub, "add") &&
		    strcmp(sub, "update") && strcmp(sub, "upgrade"))
			goto none;
		for (i = si + 1; i < t->n; i++) {
			if (t->v[i][0] == '-')
				continue;
			add_pkg(packages, t->v[i]);
			if (strcmp(npm_pkg_pin(t->v[i]), "exact"))
				f[nf < 7 ? nf++ : nf] = "unpinned";
		}
		snprintf(cmd, sizeof(cmd), "%s %s", tool, sub);
		if (json_array_size(packages))
			f[nf < 7 ? nf++ : nf] = "adds_packages";
		if (!strcmp(tool, "npm") && !strcmp(sub, "install") && !json_array_size(packages))
			f[nf < 7 ? nf++ : nf] = "not_ci";
		if ((!strcmp(tool, "yarn") || !strcmp(tool, "pnpm") || !strcmp(tool, "bun")) &&
		    !strcmp(sub, "install") && !has_tok(t, s, "--frozen-lockfile", "--immutable"))
			f[nf < 7 ? nf++ : nf] = "no_frozen_lockfile";
		emit(recs, file, line, index, tool, cmd, packages, mkflags(f, nf), text);
		return 1;
	}
	if (!strcmp(tool, "npx") || !strcmp(tool, "bunx")) {
		size_t si;
npx:
		for (si = s + 1; si < t->n; si++) {
			const char *a = t->v[si];

			if (!strcmp(a, "exec") || !strcmp(a, "x") || !strcmp(a, "dlx"))
				continue;
			if ((!strcmp(a, "-p") || !strcmp(a, "--package")) && si + 1 < t->n) {
				add_pkg(packages, t->v[++si]);
				if (strcmp(npm_pkg_pin(t->v[si]), "exact"))
					f[nf < 7 ? nf++ : nf] = "unpinned";
				continue;
			}
			if (!strncmp(a, "--package=", 10)) {
				add_pkg(packages, a + 10);
				if (strcmp(npm_pkg_pin(a + 10), "exact"))
					f[nf < 7 ? nf++ : nf] = "unpinned";
				continue;
			}
			if (a[0] == '-')
				continue;
			if (!json_array_size(packages)) {
				add_pkg(packages, a);
				if (strcmp(npm_pkg_pin(a), "exact"))
					f[nf < 7 ? nf++ : nf] = "unpinned";
			}
			break;
		}
		emit(recs, file, line, index, "npx", "npx", packages, mkflags(f, nf), text);
		return 1;
	}
	{
		size_t si = s;
		const char *ptool = NULL;

		if (!strncmp(tool, "pip", 3) && (tool[3] == '\0' || isdigit((unsigned char)tool[3])))
			ptool = "pip";
		else if (!strncmp(tool, "python", 6) && s + 2 < t->n && !strcmp(t->v[s + 1], "-m") &&
			 !strcmp(t->v[s + 2], "pip"))
			ptool = "pip", si = s + 2;
		else if (!strcmp(tool, "uv") && s + 1 < t->n && !strcmp(t->v[s + 1], "pip"))
			ptool = "uv", si = s + 1;
		if (!ptool || si + 1 >= t->n || strcmp(t->v[si + 1], "install"))
			goto none;
		for (i = si + 2; i < t->n; i++) {
			const char *a = t->v[i];

			if (!strcmp(a, "-r") || !strcmp(a, "--requirement") ||
			    !strncmp(a, "--requirement=", 14) || (!strncmp(a, "-r", 2) && a[2]))
				f[nf < 7 ? nf++ : nf] = "requirements_file";
			if (a[0] == '-') {
				if (!strchr(a, '=') && pip_opt_takes_value(a))
					i++;
				continue;
			}
			if (a[0] == '.' || a[0] == '/' || strchr(a, ':'))
				continue;   /* local path or URL */
			add_pkg(packages, a);
			if (!strstr(a, "==") || strchr(a, '*'))
				f[nf < 7 ? nf++ : nf] = "unpinned";
		}
		if (json_array_size(packages))
			f[nf < 7 ? nf++ : nf] = "adds_packages";
		if (!has_tok(t, si, "--require-hashes", NULL))
			f[nf < 7 ? nf++ : nf] = "no_require_hashes";
		emit(recs, file, line, index, ptool, "pip install", packages, mkflags(f, nf), text);
		return 1;
	}
none:
	json_decref(packages);
	return 0;
}

/* Split a logical line into simple commands and scan each. */
static int scan_logical(cairn_recs *recs, const char *file, long line, const char *s)
{
	toks t = { NULL, 0, 0 };
	const char *p = s, *cmd_start = s;
	int index = 0, count = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#' || (p[0] == '&' && p[1] == '&') || (p[0] == '|') || *p == ';' ||
		    *p == '(' || *p == ')' || *p == '`' || (p[0] == '$' && p[1] == '(')) {
			if (t.n) {
				char *text = cairn_strndup(cmd_start, (size_t)(p - cmd_start));
				size_t tl = strlen(text);

				while (tl && (text[tl - 1] == ' ' || text[tl - 1] == '\t'))
					text[--tl] = '\0';
				count += command(recs, file, line, index, &t, text);
				free(text);
				index++;
				toks_clear(&t);
			}
			if (!*p || (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')))
				break;
			if (*p == '#') {
				p++;
				continue;
			}
			p += (p[0] == '&' || (p[0] == '|' && p[1] == '|') || p[0] == '$') ? 2 : 1;
			cmd_start = p;
			while (*cmd_start == ' ' || *cmd_start == '\t')
				cmd_start++;
			continue;
		}
		{
			const char *b = p;
			cairn_buf w = CAIRN_BUF_INIT;

			while (*p && *p != ' ' && *p != '\t' && *p != ';' && *p != '|' &&
			       *p != '&' && *p != ')' && *p != '`') {
				if (*p == '"' || *p == '\'') {
					char q = *p++;

					while (*p && *p != q)
						cairn_buf_addch(&w, *p++);
					if (*p)
						p++;
				} else {
					cairn_buf_addch(&w, *p++);
				}
			}
			if (p == b) {
				p++;
				cairn_buf_release(&w);
				continue;
			}
			toks_push(&t, w.data ? w.data : "", w.len);
			cairn_buf_release(&w);
		}
	}
	toks_clear(&t);
	free(t.v);
	return count;
}

int cairn_pipeline_scan(cairn_recs *recs, const char *file, const char *data,
			size_t len)
{
	cairn_buf logical = CAIRN_BUF_INIT;
	size_t off = 0;
	long lineno = 0, start = 0;
	int count = 0;

	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (data + off)) : len - off;
		int cont;

		lineno++;
		if (!logical.len)
			start = lineno;
		if (n && data[off + n - 1] == '\r')
			n--;
		cont = n && data[off + n - 1] == '\\';
		cairn_buf_add(&logical, data + off, cont ? n - 1 : n);
		if (cont) {
			cairn_buf_addch(&logical, ' ');
		} else {
			if (!memchr(logical.data, '\0', logical.len))
				count += scan_logical(recs, file, start, logical.data);
			cairn_buf_clear(&logical);
		}
		off += n + (nl ? 1 : 0) + ((n < len - off && data[off + n] == '\r') ? 1 : 0);
		if (!nl)
			break;
	}
	if (logical.len && !memchr(logical.data, '\0', logical.len))
		count += scan_logical(recs, file, start, logical.data);
	cairn_buf_release(&logical);
	return count;
}
