/*
 * pylock.c - Python lockfiles and the installs below them (pylock.h,
 * docs/RECORDS.md §Python lockfiles).
 *
 * Formats, as their tools write them:
 *   poetry.lock   TOML (lib/toml.c): [[package]] name, version, category
 *                 or groups, optional, markers, source {type, url,
 *                 reference, resolved_reference}, files [{file, hash}]
 *                 (lock-version 2.x) or [metadata.files] name = [...]
 *                 (1.x).
 *   uv.lock       TOML: version, [[package]] name, version, source
 *                 {registry | editable | virtual | directory | path | git
 *                 | url}, sdist {hash}, wheels [{hash}].
 *   Pipfile.lock  JSON (jansson, strict): _meta.sources, default and
 *                 develop: name -> {version "==X", hashes [...], index,
 *                 markers, git/ref, path, editable, file}.
 *   requirements*.txt  pip's format: "name[extras]==X ; marker
 *                 --hash=sha256:..." with "\" continuations, "-i URL";
 *                 a lock when any requirement has a --hash (what
 *                 pip-compile --generate-hashes and poetry/uv export
 *                 write), or a locking tool pinned all with == (its
 *                 header, "# via" lines).
 *
 * A wheel's own bytes cannot be recomputed from what pip installed (the
 * installer rewrites RECORD and generates launchers), so a locked hash is
 * checked by finding the wheel itself in a cache: pip's http-v2 (raw
 * response bodies) and http (cachecontrol's "cc=4," msgpack frame around
 * the body, as pip before 23.3 writes it), poetry's artifacts, a folder of
 * .whl files.  Its sha256 must be one the lock allows; then each member of
 * the wheel is compared with the installed file.
 */
#include "pylock.h"
#include "cairn.h"
#include "coverage.h"
#include "jsonutil.h"
#include "pep440.h"
#include "pep508.h"
#include "pip.h"
#include "toml.h"
#include "yarnzip.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ENTRIES   200000u
#define CACHE_DEPTH   12
#define TAIL_BYTES    (64u << 10)
#define CD_MAX        (16u << 20)

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- entries ---- */

/* The PEP 503 name a lock entry is looked up by (new string). */
static char *normalise(const char *name)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_pep440_name_normalize(&b, name);
	return cairn_buf_detach(&b, NULL);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* PEP 508 names: letters, digits, '-', '_', '.', starting and ending
 * with a letter or digit; nothing else reaches a record (no '/', no
 * control bytes), at most 200 bytes. */
static int valid_name(const char *n)
{
	size_t i, len = strlen(n);

	if (!len || len > 200)
		return 0;
	for (i = 0; i < len; i++) {
		char c = n[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && ((c != '-' && c != '_' && c != '.') || i == 0 || i == len - 1))
			return 0;
	}
	return 1;
}

/* A new entry, or NULL with the error set (a bad name, too many). */
static cairn_pylock_entry *entry_add(cairn_pylock *l, const char *name, const char *version,
				     const char *label)
{
	cairn_pylock_entry *e;

	if (!valid_name(name)) {
		cairn_buf b = CAIRN_BUF_INIT;
		size_t i, n = strlen(name) > 64 ? 64 : strlen(name);

		/* hostile bytes named, never copied raw into a message */
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)name[i];

			if (ch > 0x20 && ch < 0x7f && ch != '\\')
				cairn_buf_addch(&b, (char)ch);
			else
				cairn_buf_addf(&b, "\\x%02x", ch);
		}
		l->error = cairn_error_set(CAIRN_EFORMAT, "%s: '%s%s' is not a distribution name", label,
				b.data ? b.data : "", strlen(name) > 64 ? "..." : "");
		cairn_buf_release(&b);
		return NULL;
	}
	if (l->n >= MAX_ENTRIES) {
		l->error = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u packages", label, MAX_ENTRIES);
		return NULL;
	}
	if (!(l->n & (l->n + 1)) || !l->n)
		l->v = cairn_realloc(l->v, (l->n + 1) * 2 * sizeof(*l->v));
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->name = cairn_strdup(name);
	e->norm = normalise(name);
	e->version = version ? cairn_strdup(version) : NULL;
	return e;
}

/* "sha256:HEX" (or "sha256=HEX", "md5:..."): kept lower case as
 * "algo:hex"; anything that is not algo:hex is ignored. */
static void hash_add(cairn_pylock_entry *e, const char *h)
{
	const char *sep = h ? strpbrk(h, ":=") : NULL;
	size_t i, n;
	char *s;

	if (!sep || sep == h || !sep[1] || strlen(h) > 300)
		return;
	for (i = 0; h + i < sep; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' && h[i] <= '9')))
			return;
	for (i = 1; sep[i]; i++)
		if (!strchr("0123456789abcdefABCDEF", sep[i]))
			return;
	s = cairn_strdup(h);
	s[sep - h] = ':';
	for (i = (size_t)(sep - h); s[i]; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
	/* duplicates go in finish(), once sorted: a search here made
	 * 150000 wheels of one package 10^10 comparisons, 58 s */
	n = e->nhashes;
	if (!(n & (n + 1)) || !n)
		e->hashes = cairn_realloc(e->hashes, (n + 1) * 2 * sizeof(char *));
	e->hashes[e->nhashes++] = s;
}

static void entry_release(cairn_pylock_entry *e)
{
	size_t i;

	free(e->name);
	free(e->norm);
	free(e->version);
	free(e->resolved);
	for (i = 0; i < e->nhashes; i++)
		free(e->hashes[i]);
	free(e->hashes);
	free(e->file);
	free(e->markers);
	for (i = 0; i < e->ndeps; i++) {
		size_t k;

		free(e->deps[i].norm);
		free(e->deps[i].version);
		free(e->deps[i].marker);
		free(e->deps[i].group);
		for (k = 0; k < e->deps[i].nextras; k++)
			free(e->deps[i].extras[k]);
		free(e->deps[i].extras);
	}
	free(e->deps);
}

/* An edge of the graph from e to the distribution name; a name that is
 * not a distribution name is refused (it could not name an entry). */
static cairn_pylock_dep *dep_add(cairn_pylock *l, cairn_pylock_entry *e, const char *name,
				 int kind, const char *group, const char *label)
{
	cairn_pylock_dep *d;

	if (!name || !valid_name(name)) {
		l->error = cairn_error_set(CAIRN_EFORMAT, "%s: package %s: a dependency without a valid "
					   "name", label, e->name);
		return NULL;
	}
	if (e->ndeps >= 4096) {
		l->error = cairn_error_set(CAIRN_ELIMIT, "%s: package %s: more than 4096 dependencies",
					   label, e->name);
		return NULL;
	}
	if (!(e->ndeps & (e->ndeps + 1)) || !e->ndeps)
		e->deps = cairn_realloc(e->deps, (e->ndeps + 1) * 2 * sizeof(*e->deps));
	d = &e->deps[e->ndeps++];
	memset(d, 0, sizeof(*d));
	d->norm = normalise(name);
	d->kind = kind;
	d->group = group ? cairn_strdup(group) : NULL;
	return d;
}

void cairn_pylock_free(cairn_pylock *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		entry_release(&l->v[i]);
	free(l->v);
	free(l->file);
	free(l->lock_version);
	free(l);
}

static int entry_cmp(const void *a, const void *b)
{
	const cairn_pylock_entry *x = a, *y = b;
	int c = strcmp(x->norm, y->norm);

	if (c)
		return c;
	return strcmp(x->version ? x->version : "", y->version ? y->version : "");
}

static void finish(cairn_pylock *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		cairn_pylock_entry *e = &l->v[i];
		size_t k, m = 0;

		if (e->nhashes > 1)
			qsort(e->hashes, e->nhashes, sizeof(char *), str_cmp);
		for (k = 0; k < e->nhashes; k++)
			if (m && !strcmp(e->hashes[m - 1], e->hashes[k]))
				free(e->hashes[k]);
			else
				e->hashes[m++] = e->hashes[k];
		e->nhashes = m;
		if (l->v[i].nhashes)
			l->hashed++;
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int cairn_pylock_wanted(const char *base)
{
	return !strcmp(base, "poetry.lock") || !strcmp(base, "uv.lock") ||
	       !strcmp(base, "Pipfile.lock");
}

/* ---- poetry.lock ---- */

/*
 * [package.dependencies] of poetry.lock: name = "constraint", or
 * {version, markers, optional, python, extras}, or an array of those (one
 * per environment).  optional edges are followed only with an extra;
 * a python = "..." constraint (poetry's syntax, not PEP 508) is not
 * evaluated.
 */
static int poetry_deps(cairn_pylock *l, cairn_pylock_entry *e, const json_t *deps, int dev,
		       const char *label)
{
	const char *name;
	json_t *v;

	json_object_foreach((json_t *)deps, name, v) {
		size_t k, n = json_is_array(v) ? json_array_size(v) : 1;

		/* pyproject.toml: the Python the project needs, not a package */
		if (e->root && !strcmp(name, "python"))
			continue;
		for (k = 0; k < n; k++) {
			const json_t *c = json_is_array(v) ? json_array_get(v, k) : v;
			int kind = dev ? CAIRN_PYLOCK_DEP_DEV :
				   json_is_true(json_object_get(c, "optional")) ? CAIRN_PYLOCK_DEP_EXTRA :
				   jstr(c, "python") ? CAIRN_PYLOCK_DEP_UNKNOWN : CAIRN_PYLOCK_DEP_MAIN;
			cairn_pylock_dep *d = dep_add(l, e, name, kind,
						      kind == CAIRN_PYLOCK_DEP_UNKNOWN ?
						      "a python constraint (poetry syntax)" : NULL, label);

			if (!d)
				return l->error;
			if (jstr(c, "markers"))
				d->marker = cairn_strdup(jstr(c, "markers"));
		}
	}
	return 0;
}

static int parse_poetry(cairn_pylock *l, const json_t *root, const char *label)
{
	const json_t *pkgs = json_object_get(root, "package");
	const json_t *meta = json_object_get(root, "metadata");
	const json_t *mfiles = json_object_get(meta, "files");
	size_t i, j;
	int has_markers = 0;

	if (pkgs && !json_is_array(pkgs))
		return cairn_error_set(CAIRN_EFORMAT, "%s: package is not an array of tables", label);
	if (jstr(meta, "lock-version"))
		l->lock_version = cairn_strdup(jstr(meta, "lock-version"));
	for (i = 0; i < json_array_size(pkgs); i++) {
		const json_t *p = json_array_get(pkgs, i), *src = json_object_get(p, "source");
		const json_t *files = json_object_get(p, "files"), *groups = json_object_get(p, "groups");
		const char *name = jstr(p, "name"), *type = jstr(src, "type");
		cairn_pylock_entry *e;

		if (!name || !jstr(p, "version"))
			return cairn_error_set(CAIRN_EFORMAT, "%s: package %zu has no name or version",
					       label, i + 1);
		if (!(e = entry_add(l, name, jstr(p, "version"), label)))
			return l->error;
		/* 1.x: category "dev"; 2.x: groups without "main" */
		if (jstr(p, "category") && !strcmp(jstr(p, "category"), "dev"))
			e->dev = 1;
		if (json_is_array(groups) && json_array_size(groups)) {
			e->dev = 1;
			for (j = 0; j < json_array_size(groups); j++)
				if (json_string_value(json_array_get(groups, j)) &&
				    !strcmp(json_string_value(json_array_get(groups, j)), "main"))
					e->dev = 0;
		}
		e->conditional = json_is_true(json_object_get(p, "optional")) ||
				 json_object_get(p, "markers") != NULL;
		e->extra_only = json_is_true(json_object_get(p, "optional"));
		/* 2.x: a string, or one per group ({main = "...", dev = "..."}) */
		if (jstr(p, "markers"))
			e->markers = cairn_strdup(jstr(p, "markers"));
		else if (jstr(json_object_get(p, "markers"), "main"))
			e->markers = cairn_strdup(jstr(json_object_get(p, "markers"), "main"));
		if (json_object_get(p, "markers"))
			has_markers = 1;
		if (poetry_deps(l, e, json_object_get(p, "dependencies"), 0, label) < 0)
			return l->error;
		if (type && (!strcmp(type, "directory") || !strcmp(type, "file")))
			e->local = 1;
		if (type && jstr(src, "url")) {
			cairn_buf b = CAIRN_BUF_INIT;

			if (!strcmp(type, "git"))
				cairn_buf_addf(&b, "git+%s@%s", jstr(src, "url"),
					       jstr(src, "resolved_reference") ? jstr(src, "resolved_reference") :
					       jstr(src, "reference") ? jstr(src, "reference") : "");
			else if (e->local)
				cairn_buf_addf(&b, "file:%s", jstr(src, "url"));
			else
				cairn_buf_addstr(&b, jstr(src, "url"));
			e->resolved = cairn_buf_detach(&b, NULL);
		}
		if (!json_is_array(files))
			files = json_object_get(mfiles, name);
		for (j = 0; j < json_array_size(files); j++)
			hash_add(e, jstr(json_array_get(files, j), "hash"));
	}
	/* lock-version 2.1 (poetry 2) writes each package's markers, the
	 * union of the paths to it; before, the installer walked the graph */
	l->graph = !has_markers && (!l->lock_version || strcmp(l->lock_version, "2.1") < 0);
	return 0;
}

/*
 * The project of a poetry.lock without per-package markers: its
 * pyproject.toml's [tool.poetry.dependencies] (main) and dev-dependencies
 * or [tool.poetry.group.G.dependencies] (dev unless G is main), as the
 * edges of a root entry, which the walk starts from.  Returns 0, or a
 * negative code when pyproject.toml is not one.
 */
static int poetry_project(cairn_pylock *l, const char *data, size_t len, const char *label)
{
	json_t *root = NULL;
	const json_t *tp, *groups;
	const char *g, *name;
	json_t *gv;
	cairn_pylock_entry *e;
	int rc = cairn_toml_parse(&root, data, len, label);

	if (rc < 0)
		return rc;
	tp = json_object_get(json_object_get(root, "tool"), "poetry");
	name = jstr(tp, "name");
	if (!json_is_object(tp) || !name || !valid_name(name)) {
		json_decref(root);
		return cairn_error_set(CAIRN_EFORMAT, "%s: no [tool.poetry] name", label);
	}
	if (!(e = entry_add(l, name, NULL, label))) {
		json_decref(root);
		return l->error;
	}
	e->root = e->local = 1;
	rc = poetry_deps(l, e, json_object_get(tp, "dependencies"), 0, label);
	if (rc == 0)
		rc = poetry_deps(l, e, json_object_get(tp, "dev-dependencies"), 1, label);
	groups = json_object_get(tp, "group");
	json_object_foreach((json_t *)groups, g, gv)
		if (rc == 0)
			rc = poetry_deps(l, e, json_object_get(gv, "dependencies"), strcmp(g, "main") != 0,
					 label);
	json_decref(root);
	if (rc == 0) {
		l->hashed = 0;
		finish(l);
	}
	return rc;
}

/* ---- uv.lock ---- */

/* dependencies = [{ name, version?, source?, marker?, extra = [...] }] */
static int uv_deps(cairn_pylock *l, cairn_pylock_entry *e, const json_t *arr, int kind,
		   const char *group, const char *label)
{
	size_t i, k;

	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *t = json_array_get(arr, i), *ex = json_object_get(t, "extra");
		cairn_pylock_dep *d = dep_add(l, e, jstr(t, "name"), kind, group, label);

		if (!d)
			return l->error;
		if (jstr(t, "version"))
			d->version = cairn_strdup(jstr(t, "version"));
		if (jstr(t, "marker"))
			d->marker = cairn_strdup(jstr(t, "marker"));
		for (k = 0; k < json_array_size(ex) && k < 64; k++)
			if (json_string_value(json_array_get(ex, k))) {
				d->extras = cairn_realloc(d->extras, (d->nextras + 1) * sizeof(char *));
				d->extras[d->nextras++] = normalise(json_string_value(json_array_get(ex, k)));
			}
	}
	return 0;
}

static int parse_uv(cairn_pylock *l, const json_t *root, const char *label)
{
	const json_t *pkgs = json_object_get(root, "package");
	const json_t *ver = json_object_get(root, "version");
	size_t i, j;

	if (!json_is_integer(ver))
		return cairn_error_set(CAIRN_EFORMAT, "%s: no lock version (version = N)", label);
	{
		cairn_buf b = CAIRN_BUF_INIT;

		cairn_buf_addf(&b, "%" JSON_INTEGER_FORMAT, json_integer_value(ver));
		l->lock_version = cairn_buf_detach(&b, NULL);
	}
	if (pkgs && !json_is_array(pkgs))
		return cairn_error_set(CAIRN_EFORMAT, "%s: package is not an array of tables", label);
	for (i = 0; i < json_array_size(pkgs); i++) {
		const json_t *p = json_array_get(pkgs, i), *src = json_object_get(p, "source");
		const json_t *wheels = json_object_get(p, "wheels");
		cairn_pylock_entry *e;
		static const char *const local[] = { "editable", "virtual", "directory", "path", NULL };
		int k;

		if (!jstr(p, "name"))
			return cairn_error_set(CAIRN_EFORMAT, "%s: package %zu has no name", label, i + 1);
		if (!(e = entry_add(l, jstr(p, "name"), jstr(p, "version"), label)))
			return l->error;
		/* one lock for every platform and Python: any entry may be
		 * absent from a given install on purpose */
		e->conditional = 1;
		for (k = 0; local[k]; k++)
			if (jstr(src, local[k])) {
				cairn_buf b = CAIRN_BUF_INIT;

				e->local = 1;
				cairn_buf_addf(&b, "file:%s", jstr(src, local[k]));
				e->resolved = cairn_buf_detach(&b, NULL);
			}
		if (!e->local && jstr(src, "registry"))
			e->resolved = cairn_strdup(jstr(src, "registry"));
		else if (!e->local && jstr(src, "git"))
			e->resolved = cairn_strdup(jstr(src, "git"));
		else if (!e->local && jstr(src, "url"))
			e->resolved = cairn_strdup(jstr(src, "url"));
		if ((jstr(src, "editable") && !strcmp(jstr(src, "editable"), ".")) ||
		    (jstr(src, "virtual") && !strcmp(jstr(src, "virtual"), ".")))
			e->root = 1;
		hash_add(e, jstr(json_object_get(p, "sdist"), "hash"));
		for (j = 0; j < json_array_size(wheels); j++)
			hash_add(e, jstr(json_array_get(wheels, j), "hash"));
		if (uv_deps(l, e, json_object_get(p, "dependencies"), CAIRN_PYLOCK_DEP_MAIN, NULL,
			    label) < 0)
			return l->error;
		{
			const char *g;
			json_t *arr;

			json_object_foreach((json_t *)json_object_get(p, "optional-dependencies"), g, arr)
				if (uv_deps(l, e, arr, CAIRN_PYLOCK_DEP_EXTRA, g, label) < 0)
					return l->error;
			json_object_foreach((json_t *)json_object_get(p, "dev-dependencies"), g, arr)
				if (uv_deps(l, e, arr, CAIRN_PYLOCK_DEP_DEV, g, label) < 0)
					return l->error;
		}
	}
	l->graph = 1;
	return 0;
}

/* ---- Pipfile.lock ---- */

/* Values a JSON text may hold once read (each costs about 240 bytes): as
 * many as a TOML lock (60 MB of "{}," made 4.6 GB) */
#define JSON_MAX_VALUES CAIRN_TOML_MAX_VALUES

static int parse_pipfile(cairn_pylock *l, const char *data, size_t len, const char *label)
{
	json_error_t err;
	json_t *root;
	const json_t *meta, *sources;
	static const char *const sections[] = { "default", "develop" };
	int s, rc = 0;

	if (cairn_json_too_many(data, len, JSON_MAX_VALUES))
		return cairn_error_set(CAIRN_ELIMIT, "%s: more than %u values", label, JSON_MAX_VALUES);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return cairn_error_set(CAIRN_EFORMAT, "%s: line %d: %s", label, err.line, err.text);
	meta = json_object_get(root, "_meta");
	if (!json_is_object(root) || !json_is_object(meta)) {
		json_decref(root);
		return cairn_error_set(CAIRN_EFORMAT, "%s: no _meta object (not a Pipfile.lock)", label);
	}
	if (json_is_integer(json_object_get(meta, "pipfile-spec"))) {
		cairn_buf b = CAIRN_BUF_INIT;

		cairn_buf_addf(&b, "%" JSON_INTEGER_FORMAT,
			       json_integer_value(json_object_get(meta, "pipfile-spec")));
		l->lock_version = cairn_buf_detach(&b, NULL);
	}
	sources = json_object_get(meta, "sources");
	for (s = 0; s < 2 && rc == 0; s++) {
		const json_t *sec = json_object_get(root, sections[s]);
		const char *name;
		json_t *p;

		if (sec && !json_is_object(sec)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: %s is not an object", label, sections[s]);
			break;
		}
		json_object_foreach((json_t *)sec, name, p) {
			const char *v = jstr(p, "version"), *index = jstr(p, "index");
			const json_t *hashes = json_object_get(p, "hashes");
			cairn_pylock_entry *e;
			size_t j;

			if (!json_is_object(p)) {
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: %s.%s is not an object", label,
						     sections[s], name);
				break;
			}
			while (v && *v == '=')
				v++;
			if (!(e = entry_add(l, name, v && *v ? v : NULL, label))) {
				rc = l->error;
				break;
			}
			e->dev = s == 1;
			e->conditional = jstr(p, "markers") != NULL;
			if (jstr(p, "markers"))
				e->markers = cairn_strdup(jstr(p, "markers"));
			if (jstr(p, "path") || json_is_true(json_object_get(p, "editable"))) {
				cairn_buf b = CAIRN_BUF_INIT;

				e->local = 1;
				cairn_buf_addf(&b, "file:%s", jstr(p, "path") ? jstr(p, "path") : ".");
				e->resolved = cairn_buf_detach(&b, NULL);
			} else if (jstr(p, "git")) {
				cairn_buf b = CAIRN_BUF_INIT;

				cairn_buf_addf(&b, "git+%s@%s", jstr(p, "git"),
					       jstr(p, "ref") ? jstr(p, "ref") : "");
				e->resolved = cairn_buf_detach(&b, NULL);
			} else if (jstr(p, "file")) {
				e->resolved = cairn_strdup(jstr(p, "file"));
			} else if (index) {
				for (j = 0; j < json_array_size(sources); j++) {
					const json_t *src = json_array_get(sources, j);

					if (jstr(src, "name") && !strcmp(jstr(src, "name"), index) &&
					    jstr(src, "url"))
						e->resolved = cairn_strdup(jstr(src, "url"));
				}
			}
			for (j = 0; j < json_array_size(hashes); j++)
				hash_add(e, json_string_value(json_array_get(hashes, j)));
		}
	}
	json_decref(root);
	return rc;
}

/* ---- requirements*.txt ---- */

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* One logical line (continuations joined, comment removed). */
static int req_line(cairn_pylock *l, char *s, const char *file, const char *label, char **index,
		    int *unpinned, int *hashes)
{
	char *p = s, *tok, *save = NULL;
	cairn_pylock_entry *e;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	if (*p == '-') {
		/* options: only the index matters here */
		if (!strncmp(p, "-i", 2) || !strncmp(p, "--index-url", 11)) {
			p += p[1] == 'i' ? 2 : 11;
			while (*p == ' ' || *p == '\t' || *p == '=')
				p++;
			n = strcspn(p, " \t");
			free(*index);
			*index = cairn_strndup(p, n);
		}
		return 0;
	}
	for (n = 0; name_char(p[n]); n++)
		;
	/* a path, a URL, a VCS spec (git+https://...) or "name @ URL":
	 * nothing pinned by name and version */
	if (!n || p[n] == '+' || p[n] == ':' || p[n] == '/' ||
	    p[n + strspn(p + n, " \t")] == '@') {
		(*unpinned)++;
		return 0;
	}
	{
		char *name = cairn_strndup(p, n), *q = p + n, *ver = NULL;

		if (*q == '[') {
			char *end = strchr(q, ']');

			q = end ? end + 1 : q + strlen(q);
		}
		while (*q == ' ' || *q == '\t')
			q++;
		if (q[0] == '=' && q[1] == '=') {
			size_t vl;

			q += 2;
			if (*q == '=')
				q++;
			while (*q == ' ')
				q++;
			vl = strcspn(q, " \t;,\\");
			if (vl && !memchr(q, '*', vl))
				ver = cairn_strndup(q, vl);
		}
		if (!ver)
			(*unpinned)++;
		e = entry_add(l, name, ver, label);
		free(name);
		free(ver);
		if (!e)
			return l->error;
		e->file = cairn_strdup(file);
		e->conditional = strchr(q, ';') != NULL;
		if (strchr(q, ';')) {
			/* "; marker" up to the options (--hash) */
			char *m = strchr(q, ';') + 1, *opt = strstr(m, " --");
			size_t ml = opt ? (size_t)(opt - m) : strlen(m);

			if (!opt && (opt = strstr(m, "\t--")))
				ml = (size_t)(opt - m);
			while (ml && (*m == ' ' || *m == '\t'))
				m++, ml--;
			while (ml && (m[ml - 1] == ' ' || m[ml - 1] == '\t'))
				ml--;
			e->markers = cairn_strndup(m, ml);
			*strchr(q, ';') = ' ';
			memset(m, ' ', ml);
		}
		if (*index)
			e->resolved = cairn_strdup(*index);
		for (tok = strtok_r(q, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
			if (!strncmp(tok, "--hash=", 7)) {
				hash_add(e, tok + 7);
				(*hashes)++;
			} else if (!strcmp(tok, "--hash") && (tok = strtok_r(NULL, " \t", &save))) {
				hash_add(e, tok);
				(*hashes)++;
			}
		}
	}
	return 0;
}

static int parse_requirements(cairn_pylock *l, const char *data, size_t len, const char *file,
			      const char *label)
{
	cairn_buf logical = CAIRN_BUF_INIT;
	size_t off = 0;
	char *index = NULL;
	int unpinned = 0, hashes = 0, rc = 0;

	if (memchr(data, '\0', len))
		return cairn_error_set(CAIRN_EFORMAT, "%s: NUL byte", label);
	while (off < len && rc == 0) {
		const char *line = data + off, *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		char *c;

		off += n + (nl ? 1 : 0);
		while (n && line[n - 1] == '\r')
			n--;
		if (n && line[n - 1] == '\\') {
			cairn_buf_add(&logical, line, n - 1);
			cairn_buf_addch(&logical, ' ');
			if (nl)
				continue;
		} else {
			cairn_buf_add(&logical, line, n);
		}
		cairn_buf_addch(&logical, '\0');
		/* a comment: '#' at the start or after whitespace */
		for (c = logical.data; (c = strchr(c, '#')); c++)
			if (c == logical.data || c[-1] == ' ' || c[-1] == '\t') {
				*c = '\0';
				break;
			}
		rc = req_line(l, logical.data, file, label, &index, &unpinned, &hashes);
		cairn_buf_clear(&logical);
	}
	cairn_buf_release(&logical);
	free(index);
	if (rc < 0)
		return rc;
	/* a lock: hashes (pip-compile --generate-hashes, poetry/uv export),
	 * or everything pinned by a locking tool (pip-compile, uv pip compile
	 * write "# via" and their header); a hand-written list of pins names
	 * the direct dependencies only, and is a manifest (CAIRN-P01) */
	if (!l->n || (!hashes && (unpinned || (!memmem(data, len, "autogenerated by", 16) &&
					       !memmem(data, len, "# via", 5)))))
		return cairn_error_set(CAIRN_ENOTFOUND, "%s: not a lock (no hashes, not written by "
				       "a locking tool)", label);
	return 0;
}

int cairn_pylock_parse(cairn_pylock **out, const char *file, const char *data, size_t len,
		       const char *label)
{
	const char *base = base_of(file);
	cairn_pylock *l = cairn_calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	l->file = cairn_strdup(file);
	if (!strcmp(base, "Pipfile.lock")) {
		l->manager = "pipenv";
		rc = parse_pipfile(l, data, len, label);
	} else if (!strcmp(base, "poetry.lock") || !strcmp(base, "uv.lock")) {
		json_t *root = NULL;

		l->manager = base[0] == 'p' ? "poetry" : "uv";
		rc = cairn_toml_parse(&root, data, len, label);
		if (rc == 0)
			rc = base[0] == 'p' ? parse_poetry(l, root, label) : parse_uv(l, root, label);
		json_decref(root);
	} else if (!strncmp(base, "requirements", 12)) {
		l->manager = "pip";
		rc = parse_requirements(l, data, len, file, label);
	} else {
		rc = cairn_error_set(CAIRN_EUSAGE, "%s: not a Python lockfile name", label);
	}
	if (rc < 0) {
		cairn_pylock_free(l);
		return rc;
	}
	finish(l);
	*out = l;
	return 0;
}

/* ---- cached wheels ---- */

typedef struct wheel_file {
	char *distinfo;     /* "name-1.0.dist-info" as the wheel names it */
	char *path;         /* absolute */
	char *label;        /* as written in records */
	int framed;         /* pip's old http cache: body inside "cc=4," msgpack */
} wheel_file;

typedef struct wheel_index {
	wheel_file *v;
	size_t n, cap;
	size_t files_seen;
	int truncated;
} wheel_index;

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | (uint32_t)p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * The .dist-info folder a zip names in its central directory (the folder
 * of its "X.dist-info/RECORD" member), read from the end of the open file
 * without reading the rest: the end-of-central-directory record is found
 * in the last 64 KiB (it may be followed by other bytes: pip's old cache
 * frames the body), the directory must lie before it.  NULL when none.
 */
static char *zip_distinfo(int fd, uint64_t size)
{
	unsigned char *tail, *cd = NULL;
	size_t tl = size < TAIL_BYTES + 22 ? (size_t)size : TAIL_BYTES + 22, i;
	char *found = NULL;

	if (tl < 22)
		return NULL;
	tail = cairn_malloc(tl);
	if (pread(fd, tail, tl, (off_t)(size - tl)) != (ssize_t)tl)
		goto done;
	for (i = tl - 22 + 1; i-- > 0;) {
		uint64_t eocd, cdsize, off;
		uint32_t count;

		if (memcmp(tail + i, "PK\5\6", 4))
			continue;
		eocd = size - tl + i;
		count = le16(tail + i + 10);
		cdsize = le32(tail + i + 12);
		if (cdsize > eocd || cdsize > CD_MAX || !count)
			continue;
		cd = cairn_malloc(cdsize ? (size_t)cdsize : 1);
		if (pread(fd, cd, (size_t)cdsize, (off_t)(eocd - cdsize)) != (ssize_t)cdsize)
			goto done;
		for (off = 0; off + 46 <= cdsize && count--;) {
			uint32_t nl, xl, cl;
			const char *name;

			if (memcmp(cd + off, "PK\1\2", 4))
				break;
			nl = le16(cd + off + 28);
			xl = le16(cd + off + 30);
			cl = le16(cd + off + 32);
			if (off + 46 + nl > cdsize)
				break;
			name = (const char *)cd + off + 46;
			/* "<dist>.dist-info/RECORD", one folder deep */
			if (nl > 17 && nl < 300 && !memcmp(name + nl - 17, ".dist-info/RECORD", 17) &&
			    !memchr(name, '/', nl - 7) && !memchr(name, '\0', nl - 7)) {
				found = cairn_strndup(name, nl - 7);
				goto done;
			}
			off += 46 + (uint64_t)nl + xl + cl;
		}
		free(cd);
		cd = NULL;
	}
done:
	free(cd);
	free(tail);
	return found;
}

/*
 * The response body of one of pip's old HTTP cache files (pip < 23.3:
 * cachecontrol's serializer v4, "cc=4," then msgpack {"response":
 * {"body": bin, ...}, ...}); only that layout, with "response" and "body"
 * first as cachecontrol writes them.  Sets *off and *len within data.
 */
static int framed_body(const unsigned char *d, size_t n, size_t *off, size_t *len)
{
	size_t p = 5;
	uint64_t bl;
	int i;

	if (n < 5 || memcmp(d, "cc=4,", 5))
		return -1;
	for (i = 0; i < 2; i++) {
		/* a map, then a key "response" / "body" */
		static const char *const keys[] = { "response", "body" };
		size_t kl = strlen(keys[i]);

		if (p < n && (d[p] & 0xf0) == 0x80)
			p += 1;
		else if (p + 3 <= n && d[p] == 0xde)
			p += 3;
		else
			return -1;
		if (p + 1 + kl > n || d[p] != (0xa0 | kl) || memcmp(d + p + 1, keys[i], kl))
			return -1;
		p += 1 + kl;
	}
	if (p + 2 <= n && d[p] == 0xc4)
		bl = d[p + 1], p += 2;
	else if (p + 3 <= n && d[p] == 0xc5)
		bl = be16(d + p + 1), p += 3;
	else if (p + 5 <= n && d[p] == 0xc6)
		bl = be32(d + p + 1), p += 5;
	else
		return -1;
	if (bl > n - p)
		return -1;
	*off = p;
	*len = (size_t)bl;
	return 0;
}

static void index_file(wheel_index *w, int dirfd, const char *name, const char *abs,
		       const char *label)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	unsigned char head[5];
	struct stat st;
	char *di;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 22 ||
	    (uint64_t)st.st_size > CAIRN_CAP_TARBALL || pread(fd, head, 5, 0) != 5 ||
	    (memcmp(head, "PK\3\4", 4) && memcmp(head, "cc=4,", 5))) {
		close(fd);
		return;
	}
	di = zip_distinfo(fd, (uint64_t)st.st_size);
	close(fd);
	if (!di)
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->v = cairn_realloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n].distinfo = di;
	w->v[w->n].path = cairn_strdup(abs);
	w->v[w->n].label = cairn_strdup(label);
	w->v[w->n].framed = head[0] == 'c';
	w->n++;
}

/* Every file below the folder open on dirfd (no symlink followed, at most
 * CAIRN_CAP_WALK_FILES files, CACHE_DEPTH deep). */
static void index_dir(wheel_index *w, int dirfd, cairn_buf *abs, cairn_buf *label, int depth)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(dirfd);
	size_t al = abs->len, ll = label->len;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (w->files_seen++ >= CAIRN_CAP_WALK_FILES) {
			w->truncated = 1;
			break;
		}
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		cairn_buf_addf(abs, "/%s", de->d_name);
		cairn_buf_addf(label, "/%s", de->d_name);
		if (S_ISDIR(st.st_mode) && depth < CACHE_DEPTH) {
			int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				index_dir(w, sub, abs, label, depth + 1);
				close(sub);
			}
		} else if (S_ISREG(st.st_mode)) {
			index_file(w, dirfd, de->d_name, abs->data, label->data);
		}
		abs->len = al;
		abs->data[al] = '\0';
		label->len = ll;
		label->data[ll] = '\0';
	}
	closedir(d);
}

static int wheel_cmp(const void *a, const void *b)
{
	const wheel_file *x = a, *y = b;
	int c = strcasecmp(x->distinfo, y->distinfo);

	return c ? c : strcmp(x->path, y->path);
}

static void index_caches(wheel_index *w, const cairn_pylock_opts *o)
{
	size_t i;

	for (i = 0; o && i < o->cache_count; i++) {
		int fd = cairn_safe_open_abs_dir(o->caches[i]);
		cairn_buf abs = CAIRN_BUF_INIT, label = CAIRN_BUF_INIT;

		if (fd < 0)
			continue;
		cairn_buf_addstr(&abs, o->caches[i]);
		cairn_buf_addstr(&label, o->cache_labels && o->cache_labels[i] ? o->cache_labels[i]
									     : o->caches[i]);
		index_dir(w, fd, &abs, &label, 0);
		close(fd);
		cairn_buf_release(&abs);
		cairn_buf_release(&label);
	}
	if (w->n > 1)
		qsort(w->v, w->n, sizeof(*w->v), wheel_cmp);
}

static void index_release(wheel_index *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].distinfo);
		free(w->v[i].path);
		free(w->v[i].label);
	}
	free(w->v);
}

/* The wheel bytes of a cache file into out (framing removed). */
static int wheel_read(cairn_buf *out, const wheel_file *f)
{
	int fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	size_t off = 0, len;
	ssize_t got;
	int rc = 0;

	cairn_buf_clear(out);
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "%s: %s", f->label, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > CAIRN_CAP_TARBALL) {
		close(fd);
		return cairn_error_set(CAIRN_EIO, "%s: not a regular file of at most %u bytes", f->label,
				       CAIRN_CAP_TARBALL);
	}
	cairn_buf_grow(out, (size_t)st.st_size + 1);
	while (out->len < (size_t)st.st_size &&
	       (got = read(fd, out->data + out->len, (size_t)st.st_size - out->len)) > 0)
		out->len += (size_t)got;
	close(fd);
	if (out->len != (size_t)st.st_size)
		return cairn_error_set(CAIRN_EIO, "%s: short read", f->label);
	len = out->len;
	if (f->framed) {
		if (framed_body((const unsigned char *)out->data, out->len, &off, &len) < 0)
			return cairn_error_set(CAIRN_EFORMAT, "%s: not pip's cache framing (cc=4)",
					       f->label);
		memmove(out->data, out->data + off, len);
		out->len = len;
	}
	return rc;
}

/* ---- relating locks and installs ---- */

/* The lock of one folder: poetry.lock, else uv.lock, else Pipfile.lock,
 * else its requirements files together. */
typedef struct folder_lock {
	char *dir;          /* "" = the root */
	cairn_pylock *lock;
	int rank;           /* 0 poetry, 1 uv, 2 pipenv, 3 requirements */
	int applied;        /* a site folder below it was judged against it */
} folder_lock;

typedef struct pyctx {
	cairn_recs *recs;
	int rootfd;
	const cairn_pkg_files *files;
	const cairn_pylock_opts *opts;
	folder_lock *locks;
	size_t nlocks;
	wheel_index wheels;
	int indexed;
	cairn_buf tmp;
} pyctx;

static int rank_of(const char *base)
{
	return !strcmp(base, "poetry.lock") ? 0 : !strcmp(base, "uv.lock") ? 1 :
	       !strcmp(base, "Pipfile.lock") ? 2 : 3;
}

/* Not the user's lockfiles: those shipped inside installed packages. */
static int in_packages(const char *p)
{
	return strstr(p, "site-packages/") || strstr(p, "dist-packages/") ||
	       strstr(p, "node_modules/") || strstr(p, ".dist-info/");
}

static void merge_into(cairn_pylock *into, cairn_pylock *from)
{
	size_t i;

	for (i = 0; i < from->n; i++) {
		if (into->n >= MAX_ENTRIES)
			break;
		if (!(into->n & (into->n + 1)) || !into->n)
			into->v = cairn_realloc(into->v, (into->n + 1) * 2 * sizeof(*into->v));
		into->v[into->n++] = from->v[i];
		memset(&from->v[i], 0, sizeof(from->v[i]));
	}
	into->hashed = 0;
	finish(into);
	cairn_pylock_free(from);
}

static void find_locks(pyctx *c)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i, j;

	for (i = 0; i < c->files->n; i++) {
		const char *p = c->files->v[i].path, *base = base_of(p);
		cairn_pylock *l = NULL;
		char *dir;
		int rank, rc, req, req_recs;

		if (c->files->v[i].type == CAIRN_T_DIR || in_packages(p))
			continue;
		req = !strncmp(base, "requirements", 12) && strstr(base, ".txt");
		if (!cairn_pylock_wanted(base) && !req)
			continue;
		req_recs = req && c->opts && c->opts->requirement_records;
		/* a lockfile that is a symlink, a FIFO or a device is refused
		 * by cairn_safe_read (never followed, never read) with a
		 * parse_error, as npm's lockfiles are: skipped in silence, the
		 * lock it stands for would be missing from the verdict
		 * unnoticed.  A requirements file is so refused when its
		 * requirement records are asked for, else skipped */
		if (c->files->v[i].type != CAIRN_T_FILE && req && !req_recs)
			continue;
		rank = rank_of(base);
		dir = cairn_strndup(p, base == p ? 0 : (size_t)(base - p - 1));
		for (j = 0; j < c->nlocks; j++)
			if (!strcmp(c->locks[j].dir, dir))
				break;
		/* a better lock in the folder: this one is not its lock, but a
		 * requirements file still has its requirement records */
		if (j < c->nlocks && c->locks[j].rank < rank && !req_recs) {
			free(dir);
			continue;
		}
		/* the one read of the file (requirements: CAIRN_CAP_TEXT, as
		 * docs/RECORDS.md §Caps says; a second read with another cap
		 * made two parse_errors of one file) */
		rc = cairn_safe_read(&b, c->rootfd, p, req ? CAIRN_CAP_TEXT : CAIRN_CAP_LOCKFILE, p);
		if (rc == 0 && req_recs)
			cairn_pip_requirements(c->recs, p, b.data ? b.data : "", b.len);
		if (rc == 0 && j < c->nlocks && c->locks[j].rank < rank) {
			free(dir);
			continue;
		}
		if (rc == 0)
			rc = cairn_pylock_parse(&l, p, b.data ? b.data : "", b.len, p);
		if (rc < 0) {
			if (rc != CAIRN_ENOTFOUND)
				cairn_recs_parse_error(c->recs, p, "pip", cairn_error_last());
			free(dir);
			continue;
		}
		if (rank == 0 && l->graph) {
			cairn_buf pf = CAIRN_BUF_INIT;

			/* the lockfile's folder, then pyproject.toml (longer
			 * than poetry.lock: built, not written over it) */
			cairn_buf_add(&pf, p, (size_t)(base - p));
			cairn_buf_addstr(&pf, "pyproject.toml");
			/* without it the walk has no start it can trust */
			if (cairn_safe_read(&b, c->rootfd, pf.data, CAIRN_CAP_LOCKFILE, pf.data) == 0 &&
			    poetry_project(l, b.data ? b.data : "", b.len, pf.data) < 0)
				cairn_recs_parse_error(c->recs, pf.data, "pip", cairn_error_last());
			cairn_buf_release(&pf);
		}
		if (j < c->nlocks && c->locks[j].rank == rank && rank == 3) {
			merge_into(c->locks[j].lock, l);
			free(dir);
			continue;
		}
		if (j < c->nlocks) {
			/* a better lock in the same folder replaces it */
			cairn_pylock_free(c->locks[j].lock);
			free(c->locks[j].dir);
		} else {
			c->locks = cairn_realloc(c->locks, (c->nlocks + 1) * sizeof(*c->locks));
			j = c->nlocks++;
		}
		c->locks[j].dir = dir;
		c->locks[j].lock = l;
		c->locks[j].rank = rank;
		c->locks[j].applied = 0;
	}
	cairn_buf_release(&b);
}

/* The lock covering a site folder: the deepest lock folder above it. */
static folder_lock *lock_for(pyctx *c, const char *site)
{
	folder_lock *best = NULL;
	size_t i;

	if (strcmp(base_of(site), "site-packages") || in_packages(site))
		return NULL;
	for (i = 0; i < c->nlocks; i++) {
		size_t dl = strlen(c->locks[i].dir);

		if (dl && (strncmp(site, c->locks[i].dir, dl) || site[dl] != '/'))
			continue;
		if (!best || dl > strlen(best->dir))
			best = &c->locks[i];
	}
	return best;
}

static const cairn_pylock_entry *entry_find(const cairn_pylock *l, const char *norm,
					    const char *version)
{
	size_t lo = 0, hi = l->n, k;
	const cairn_pylock_entry *first = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(l->v[mid].norm, norm) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* several versions (uv's forks by marker): the installed one */
	for (k = lo; k < l->n && !strcmp(l->v[k].norm, norm); k++) {
		int cmp = 1;

		if (!first)
			first = &l->v[k];
		if (version && l->v[k].version &&
		    (cairn_pep440_cmp(&cmp, version, l->v[k].version) < 0 ?
		     strcmp(version, l->v[k].version) == 0 : cmp == 0))
			return &l->v[k];
	}
	return first;
}

static int same_version(const char *a, const char *b)
{
	int cmp;

	if (!a || !b)
		return a == b;
	if (cairn_pep440_cmp(&cmp, a, b) < 0)
		return !strcmp(a, b);
	return cmp == 0;
}

static int has_flag(const json_t *rec, const char *flag)
{
	const json_t *flags = json_object_get(rec, "flags");
	size_t i;

	for (i = 0; i < json_array_size(flags); i++)
		if (json_string_value(json_array_get(flags, i)) &&
		    !strcmp(json_string_value(json_array_get(flags, i)), flag))
			return 1;
	return 0;
}

static void add_flag(json_t *rec, const char *flag)
{
	json_t *flags = json_object_get(rec, "flags");
	size_t i, n;

	if (!json_is_array(flags) || has_flag(rec, flag))
		return;
	/* sorted, as the analyzer writes them */
	n = json_array_size(flags);
	for (i = 0; i < n; i++)
		if (strcmp(json_string_value(json_array_get(flags, i)) ?
			   json_string_value(json_array_get(flags, i)) : "", flag) > 0)
			break;
	json_array_insert_new(flags, i, json_string(flag));
}

static void set_str(json_t *rec, const char *k, const char *v)
{
	if (v)
		cairn_json_set_bytes(rec, k, v, strlen(v));
	else
		json_object_set_new(rec, k, json_null());
}

/* The command that installs exactly what the lock says (the fix of a
 * drift): per manager. */
static void lock_command(cairn_buf *b, const folder_lock *fl, const cairn_pylock_entry *e)
{
	const char *m = fl->lock->manager;

	cairn_buf_clear(b);
	if (!strcmp(m, "poetry"))
		cairn_buf_addstr(b, "poetry install --sync");
	else if (!strcmp(m, "uv"))
		cairn_buf_addstr(b, "uv sync --locked");
	else if (!strcmp(m, "pipenv"))
		cairn_buf_addstr(b, "pipenv sync; pipenv clean");
	else
		cairn_buf_addf(b, "pip install --require-hashes -r %s",
			       base_of(e && e->file ? e->file : fl->lock->file));
	if (*fl->dir && cairn_utf8_valid(fl->dir, strlen(fl->dir))) {
		cairn_buf t = CAIRN_BUF_INIT;

		cairn_buf_addf(&t, "cd %s && %s", fl->dir, b->data);
		cairn_buf_clear(b);
		cairn_buf_addstr(b, t.data);
		cairn_buf_release(&t);
	}
}

static void set_hashes(json_t *rec, const cairn_pylock_entry *e)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; e && i < e->nhashes; i++)
		json_array_append_new(a, json_string(e->hashes[i]));
	json_object_set_new(rec, "locked_hashes", a);
}

/* The names a venv is made with (ensurepip, virtualenv), which a lock
 * does not list: not extraneous. */
static int venv_seed(const char *norm)
{
	return !strcmp(norm, "pip") || !strcmp(norm, "setuptools") || !strcmp(norm, "wheel") ||
	       !strcmp(norm, "distribute");
}

/* ---- installed files against the wheel ---- */

typedef struct wcheck {
	pyctx *c;
	const char *site;
	json_t *modified, *missing;
	long matching, not_compared;
} wcheck;

static void list_add(json_t *a, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++)
		if (json_string_value(json_array_get(a, i)) &&
		    !strcmp(json_string_value(json_array_get(a, i)), s))
			return;
	if (cairn_utf8_valid(s, strlen(s)))
		json_array_append_new(a, json_string(s));
	else {
		cairn_buf b = CAIRN_BUF_INIT;

		cairn_buf_addstr(&b, "esc:");
		cairn_escape_bytes(&b, s, strlen(s));
		json_array_append_new(a, json_string(b.data));
		cairn_buf_release(&b);
	}
}

static int list_cmp(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static void list_sort(json_t *a)
{
	size_t n = json_array_size(a), i;
	json_t **v;

	if (n < 2)
		return;
	v = cairn_malloc(n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof(*v), list_cmp);
	json_array_clear(a);
	for (i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
}

/* One wheel member against the installed file (PEP 427: members are
 * relative to the site folder; <name>.data/purelib|platlib go there too;
 * scripts, headers and data go elsewhere, launchers are rewritten by the
 * installer: not compared; RECORD is rewritten by the installer). */
static int member_cb(void *ctx, const cairn_tar_member *m)
{
	wcheck *w = ctx;
	const char *rel = m->path, *slash = strchr(rel, '/');
	const cairn_pkg_file *f;
	char *path;

	if (m->kind != CAIRN_TAR_FILE) {
		w->not_compared++;
		return 0;
	}
	if (slash && slash - rel > 5 && !memcmp(slash - 5, ".data", 5)) {
		if (!strncmp(slash + 1, "purelib/", 8) || !strncmp(slash + 1, "platlib/", 8)) {
			rel = slash + 9;
		} else {
			w->not_compared++;
			return 0;
		}
	}
	if (slash && slash - rel > 10 && !memcmp(slash - 10, ".dist-info", 10) &&
	    !strcmp(slash + 1, "RECORD")) {
		w->not_compared++;
		return 0;
	}
	path = cairn_path_resolve(w->site, rel);
	if (!path) {
		w->not_compared++;
		return 0;
	}
	f = cairn_pkg_files_find(w->c->files, path);
	if (!f)
		list_add(w->missing, rel);
	else if (f->type != CAIRN_T_FILE || !f->hashed || f->size != m->size ||
		 memcmp(f->sha256, m->sha256, 32))
		list_add(w->modified, rel);
	else
		w->matching++;
	free(path);
	return 0;
}

/*
 * Compare the record's installed files with its locked wheel, when a cache
 * holds it.  Returns 1 verified, 0 no wheel with a locked hash found
 * (detail in c->tmp), -1 the wheel was refused (parse_error written).
 */
static int verify_wheel(pyctx *c, json_t *rec, const cairn_pylock_entry *e, const char *lockfile)
{
	const char *di = jstr(rec, "path"), *site = jstr(rec, "project");
	json_t *files = json_object_get(rec, "files");
	cairn_buf body = CAIRN_BUF_INIT;
	size_t i, seen = 0, other = 0;
	int result = 0;

	if (!c->indexed) {
		index_caches(&c->wheels, c->opts);
		c->indexed = 1;
	}
	for (i = 0; di && site && json_is_object(files) && i < c->wheels.n; i++) {
		const wheel_file *wf = &c->wheels.v[i];
		unsigned char dg[32];
		char hex[72];
		size_t k;
		wcheck w;
		json_t *wj;
		int rc;

		if (strcasecmp(wf->distinfo, di))
			continue;
		seen++;
		if (wheel_read(&body, wf) < 0 || cairn_pkg_sha256(dg, body.data, body.len) < 0) {
			cairn_recs_parse_error(c->recs, wf->label, "pip", cairn_error_last());
			continue;
		}
		memcpy(hex, "sha256:", 7);
		cairn_hex(hex + 7, dg, 32);
		for (k = 0; k < e->nhashes; k++)
			if (!strcmp(e->hashes[k], hex))
				break;
		if (k == e->nhashes) {
			other++;   /* another build of the release, or altered */
			continue;
		}
		memset(&w, 0, sizeof(w));
		w.c = c;
		w.site = site;
		w.modified = json_array();
		w.missing = json_array();
		rc = cairn_zip_scan(body.data, body.len, "", member_cb, &w, wf->label);
		if (rc < 0) {
			cairn_recs_parse_error(c->recs, wf->label, "pip", cairn_error_last());
			json_decref(w.modified);
			json_decref(w.missing);
			result = -1;
			break;
		}
		list_sort(w.modified);
		list_sort(w.missing);
		wj = json_object();
		set_str(wj, "source", wf->label);
		json_object_set_new(wj, "sha256", json_string(hex + 7));
		json_object_set_new(wj, "matching", json_integer(w.matching));
		json_object_set_new(wj, "modified", json_incref(w.modified));
		json_object_set_new(wj, "missing", json_incref(w.missing));
		json_object_set_new(wj, "not_compared", json_integer(w.not_compared));
		/* what differs from the wheel is what P10 names */
		for (k = 0; k < json_array_size(w.modified); k++)
			list_add(json_object_get(files, "modified"),
				 json_string_value(json_array_get(w.modified, k)));
		for (k = 0; k < json_array_size(w.missing); k++)
			list_add(json_object_get(files, "missing"),
				 json_string_value(json_array_get(w.missing, k)));
		list_sort(json_object_get(files, "modified"));
		list_sort(json_object_get(files, "missing"));
		if (json_array_size(w.modified))
			add_flag(rec, "wheel_modified");
		if (json_array_size(w.missing))
			add_flag(rec, "wheel_missing");
		json_object_set_new(files, "wheel", wj);
		json_object_set_new(files, "authority", json_string("wheel"));
		set_str(files, "source", wf->label);
		json_object_set_new(rec, "integrity", json_string(hex));
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "compared with the locked wheel %s (its sha256 is in %s)",
			       wf->label, lockfile);
		json_decref(w.modified);
		json_decref(w.missing);
		result = 1;
		break;
	}
	if (result == 0) {
		cairn_buf_clear(&c->tmp);
		cairn_buf_addf(&c->tmp, "RECORD checked, but RECORD is written at install time and the "
			       "wheel's sha256 in %s cannot be recomputed from installed files; ", lockfile);
		if (!c->opts || !c->opts->cache_count)
			cairn_buf_addstr(&c->tmp, "no wheel cache given or found");
		else if (other)
			cairn_buf_addf(&c->tmp, "%zu cached wheel%s of %s, none with a locked sha256",
				       other, other == 1 ? "" : "s", di);
		else
			cairn_buf_addf(&c->tmp, "no cached wheel of %s in %zu cache%s (%zu files looked at)",
				       di, c->opts->cache_count, c->opts->cache_count == 1 ? "" : "s",
				       c->wheels.files_seen);
	}
	cairn_buf_release(&body);
	return result;
}

/* ---- what a site folder is expected to hold (PEP 508 markers, groups) ---- */

/* Ordered: along a path the lowest wins, over paths the highest. */
enum { X_NONE, X_EXTRA, X_DEV, X_UNKNOWN, X_REQUIRED, X_FALSE };

static const char *const x_names[] = {
	"not_for_this_environment", "extra", "dev", "not_evaluated", "required",
	"not_for_this_environment",
};

typedef struct expect {
	int kind;
	char *marker;       /* what decided: the entry's marker, or "via P: marker" */
	char *why;          /* not_evaluated: the reasons */
} expect;

/* What is known of the Python of one site folder (pep508.h). */
typedef struct pyenv {
	cairn_pep508_env env;
	char machine[80], version[16], full[40], impl[16], impl_name[16];
	cairn_buf desc;     /* "CPython 3.11.2 (pyvenv.cfg), linux x86_64" */
} pyenv;

/* "3" "." "11" ("." "2")*: at most n bytes, digits and single dots */
static int version_text(const char *v, size_t n)
{
	size_t i, len = strlen(v);

	if (!len || len >= n || v[0] == '.' || v[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if (!(v[i] >= '0' && v[i] <= '9') && (v[i] != '.' || v[i + 1] == '.'))
			return 0;
	return 1;
}

/*
 * The environment of site ("<prefix>/lib/pythonX.Y/site-packages"):
 * python_version from the folder name, python_full_version from the
 * prefix's pyvenv.cfg (venv's version, virtualenv's version_info) when it
 * agrees with it, the implementation from virtualenv's "implementation"
 * or the folder (pythonX.Y: CPython; pypyX.Y: PyPy); sys_platform,
 * os_name, platform_system and platform_machine from the host (uname);
 * platform_release, platform_version and extra are not known.
 */
static void site_env(pyctx *c, const char *site, pyenv *pe)
{
	const char *end = site + strlen(site) - strlen("/site-packages"), *libdir, *ver;
	cairn_buf cfg = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	size_t prefix_len;
	int pypy;

	memset(&pe->env, 0, sizeof(pe->env));
	pe->version[0] = pe->full[0] = pe->impl[0] = '\0';
	cairn_buf_clear(&pe->desc);
	cairn_pep508_env_host(&pe->env, pe->machine, sizeof(pe->machine));
	libdir = end;
	while (libdir > site && libdir[-1] != '/')
		libdir--;
	pypy = !strncmp(libdir, "pypy", 4);
	ver = libdir + (pypy ? 4 : 6);
	if (end > site && (pypy || !strncmp(libdir, "python", 6)) && (size_t)(end - ver) < sizeof(pe->version) &&
	    libdir - site >= 4 && !memcmp(libdir - 4, "lib/", 4) &&
	    (libdir - site == 4 || libdir[-5] == '/')) {
		memcpy(pe->version, ver, (size_t)(end - ver));
		pe->version[end - ver] = '\0';
		if (!version_text(pe->version, sizeof(pe->version)) || !strchr(pe->version, '.') ||
		    strchr(strchr(pe->version, '.') + 1, '.'))
			pe->version[0] = '\0';
	}
	if (pe->version[0]) {
		pe->env.v[CAIRN_PEP508_PYTHON_VERSION] = pe->version;
		snprintf(pe->impl, sizeof(pe->impl), "%s", pypy ? "PyPy" : "CPython");
		prefix_len = (size_t)(libdir - 4 - site);
		cairn_buf_add(&path, site, prefix_len);
		cairn_buf_addstr(&path, prefix_len ? "/pyvenv.cfg" : "pyvenv.cfg");
		if (cairn_safe_read(&cfg, c->rootfd, path.data, 65536, path.data) == 0 &&
		    !memchr(cfg.data, '\0', cfg.len)) {
			char *line, *save = NULL;

			for (line = strtok_r(cfg.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				char *eq = strchr(line, '='), *k = line, *v, *e;

				if (!eq)
					continue;
				*eq = '\0';
				v = eq + 1;
				while (*k == ' ')
					k++;
				for (e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'); e--)
					e[-1] = '\0';
				while (*v == ' ' || *v == '\t')
					v++;
				for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'); e--)
					e[-1] = '\0';
				if (!strcmp(k, "version") || !strcmp(k, "version_info")) {
					/* version_info = 3.11.2.final.0: the numbers */
					size_t n = strspn(v, "0123456789.");
					int dots = 0;
					size_t i;

					for (i = 0; i < n; i++)
						if (v[i] == '.' && ++dots == 3)
							break;
					n = i;
					if (n < sizeof(pe->full)) {
						memcpy(pe->full, v, n);
						pe->full[n] = '\0';
					}
				} else if (!strcmp(k, "implementation") &&
					   (!strcmp(v, "CPython") || !strcmp(v, "PyPy"))) {
					snprintf(pe->impl, sizeof(pe->impl), "%s", v);
				}
			}
			/* it must agree with the folder's X.Y */
			if (!version_text(pe->full, sizeof(pe->full)) ||
			    strncmp(pe->full, pe->version, strlen(pe->version)) ||
			    pe->full[strlen(pe->version)] != '.')
				pe->full[0] = '\0';
		}
		snprintf(pe->impl_name, sizeof(pe->impl_name), "%s",
			 !strcmp(pe->impl, "PyPy") ? "pypy" : "cpython");
		pe->env.v[CAIRN_PEP508_PLATFORM_PYTHON_IMPLEMENTATION] = pe->impl;
		pe->env.v[CAIRN_PEP508_IMPLEMENTATION_NAME] = pe->impl_name;
		if (pe->full[0]) {
			pe->env.v[CAIRN_PEP508_PYTHON_FULL_VERSION] = pe->full;
			if (!strcmp(pe->impl, "CPython"))
				pe->env.v[CAIRN_PEP508_IMPLEMENTATION_VERSION] = pe->full;
		}
		cairn_buf_addf(&pe->desc, "%s %s (%s)", pe->impl, pe->full[0] ? pe->full : pe->version,
			       pe->full[0] ? "pyvenv.cfg" : "folder name");
	} else {
		cairn_buf_addstr(&pe->desc, "Python version not known");
	}
	if (pe->env.v[CAIRN_PEP508_SYS_PLATFORM])
		cairn_buf_addf(&pe->desc, ", %s %s", pe->env.v[CAIRN_PEP508_SYS_PLATFORM],
			       pe->env.v[CAIRN_PEP508_PLATFORM_MACHINE] ? pe->env.v[CAIRN_PEP508_PLATFORM_MACHINE] : "");
	cairn_buf_release(&cfg);
	cairn_buf_release(&path);
}

/* A marker's value here; a marker that is not PEP 508 is not evaluated,
 * with the parser's message as the reason. */
static int marker_eval(const pyenv *pe, const char *marker, const char *lockfile, cairn_buf *why)
{
	int v;

	if (!marker)
		return CAIRN_PEP508_TRUE;
	if (cairn_pep508_eval(&v, marker, &pe->env, why, lockfile) < 0) {
		if (why->len)
			cairn_buf_addstr(why, ", ");
		cairn_buf_addf(why, "not a PEP 508 marker (%s)", cairn_error_last());
		return CAIRN_PEP508_UNKNOWN;
	}
	return v;
}

/* The entries an edge names: [*lo, *hi) in the sorted lock. */
static void dep_targets(const cairn_pylock *l, const cairn_pylock_dep *d, size_t *lo, size_t *hi)
{
	size_t a = 0, b = l->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (strcmp(l->v[mid].norm, d->norm) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	for (b = a; b < l->n && !strcmp(l->v[b].norm, d->norm); b++)
		;
	*hi = b;
}

/* An extra of a node turned on by an edge; a node's are chained from
 * act_head[node] (a lookup reads only that node's). */
typedef struct activation {
	char *extra;
	int st;
	size_t next;
} activation;

#define ACT_END ((size_t)-1)

/* The steps (edges taken, activations compared, marker bytes evaluated)
 * one walk may make: a hostile uv.lock of 2.6 MB (4096 edges to one
 * node, 64 extras each) made the walk compare 10^10 names, 80 s; one of
 * 4.7 MB (a node of 4096 edges with 1 KB markers, taken again by each of
 * 200 parents turning on an extra) evaluated 0.8 GB of markers, 35 s;
 * real locks take under 10^6 */
#define WALK_BUDGET (1u << 25)

static size_t act_find(const activation *a, const size_t *head, size_t node, const char *extra,
		       size_t *steps)
{
	size_t i;

	for (i = head[node]; i != ACT_END; i = a[i].next) {
		++*steps;
		if (!strcmp(a[i].extra, extra))
			return i;
	}
	return ACT_END;
}

static void set_text(char **dst, const char *via, const char *marker)
{
	cairn_buf b = CAIRN_BUF_INIT;

	free(*dst);
	if (via)
		cairn_buf_addf(&b, "via %s%s%s", via, marker ? ": " : "", marker ? marker : "");
	else if (marker)
		cairn_buf_addstr(&b, marker);
	*dst = b.data ? cairn_buf_detach(&b, NULL) : NULL;
}

/*
 * What the installer of the lock puts in this environment: from the roots
 * (uv: the project; poetry: what nothing else requires) along the edges
 * whose markers hold, main edges only (an extra's or a development
 * group's edges make what they reach extra or dev).  A worklist: a state
 * only rises, so each node is taken at most once per state.
 */
static void walk_graph(const cairn_pylock *l, const pyenv *pe, expect *x)
{
	int *st = cairn_calloc(l->n + 1, sizeof(int));
	size_t *queue = cairn_malloc((l->n + 1) * sizeof(size_t));
	char *queued = cairn_calloc(l->n + 1, 1);
	char *incoming = cairn_calloc(l->n + 1, 1);
	activation *act = NULL;
	size_t *act_head = cairn_malloc((l->n + 1) * sizeof(size_t));
	size_t nact = 0, qh = 0, qt = 0, i, k, lo, hi, nroots = 0, steps = 0;
	int uv = !strcmp(l->manager, "uv");
	cairn_buf why = CAIRN_BUF_INIT;

	for (i = 0; i <= l->n; i++)
		act_head[i] = ACT_END;
	for (i = 0; i < l->n; i++)
		for (k = 0; k < l->v[i].ndeps; k++) {
			dep_targets(l, &l->v[i].deps[k], &lo, &hi);
			for (; lo < hi; lo++)
				if (lo != i)
					incoming[lo] = 1;
		}
	for (i = 0; i < l->n; i++)
		if (l->v[i].root)
			nroots++;
	/* the start: the project (uv's editable or virtual ".", poetry's
	 * pyproject.toml); else uv's other local entries; else (poetry.lock
	 * without its pyproject.toml) what nothing in the lock requires, as
	 * not evaluated: the project's own markers and groups are not known */
	for (i = 0; i < l->n; i++) {
		int root = nroots ? l->v[i].root : uv ? l->v[i].local : !incoming[i];

		if (!root)
			continue;
		st[i] = nroots || uv ? X_REQUIRED : X_UNKNOWN;
		if (st[i] == X_UNKNOWN)
			x[i].why = cairn_strdup("pyproject.toml not read: the project's own dependencies "
						"are not known");
		queue[qt++] = i;
		queued[i] = 1;
	}
	while (qh < qt && steps <= WALK_BUDGET) {
		size_t u = queue[qh++ % (l->n + 1)];
		const cairn_pylock_entry *e = &l->v[u];

		queued[u] = 0;
		for (k = 0; k < e->ndeps; k++) {
			const cairn_pylock_dep *d = &e->deps[k];
			int eff = st[u], v;
			size_t n, t;

			if (d->kind == CAIRN_PYLOCK_DEP_EXTRA)
				eff = uv && !e->root ? (act_find(act, act_head, u, d->group, &steps) == ACT_END ?
							X_NONE : act[act_find(act, act_head, u, d->group, &steps)].st) :
				      eff < X_EXTRA ? eff : X_EXTRA;
			else if (d->kind == CAIRN_PYLOCK_DEP_DEV)
				eff = eff < X_DEV ? eff : X_DEV;
			if (eff == X_NONE)
				continue;
			/* an edge and its marker, evaluated again each time
			 * its node is taken */
			steps += 1 + (d->marker ? strlen(d->marker) : 0);
			cairn_buf_clear(&why);
			v = marker_eval(pe, d->marker, l->file, &why);
			dep_targets(l, d, &lo, &hi);
			if (d->version) {
				for (t = lo; t < hi && (!l->v[t].version || strcmp(l->v[t].version, d->version)); t++)
					;
				if (t < hi) {
					lo = t;
					hi = t + 1;
				}
			}
			n = hi - lo;
			for (t = lo; t < hi && steps <= WALK_BUDGET; t++) {
				int te = eff;
				size_t j;

				steps++;
				if (v == CAIRN_PEP508_FALSE) {
					if (!x[t].marker && d->marker)
						set_text(&x[t].marker, e->name, d->marker);
					continue;
				}
				/* an unknown marker, a constraint not evaluated,
				 * several locked versions and no version named */
				if ((v == CAIRN_PEP508_UNKNOWN || d->kind == CAIRN_PYLOCK_DEP_UNKNOWN || n > 1) &&
				    te > X_UNKNOWN) {
					te = X_UNKNOWN;
					free(x[t].why);
					x[t].why = cairn_strdup(v == CAIRN_PEP508_UNKNOWN ? (why.data ? why.data : "") :
						d->kind == CAIRN_PYLOCK_DEP_UNKNOWN ? d->group :
						"several versions locked, the dependency names none");
				}
				for (j = 0; j < d->nextras && uv; j++) {
					size_t a = act_find(act, act_head, t, d->extras[j], &steps);

					if (a == ACT_END) {
						if (nact >= 65536)
							continue;
						if (!(nact & (nact + 1)) || !nact)
							act = cairn_realloc(act, (nact + 1) * 2 * sizeof(*act));
						act[nact].extra = d->extras[j];
						act[nact].st = X_NONE;
						act[nact].next = act_head[t];
						act_head[t] = a = nact++;
					}
					if (act[a].st < te) {
						act[a].st = te;
						if (!queued[t] && qt - qh <= l->n) {
							queue[qt++ % (l->n + 1)] = t;
							queued[t] = 1;
						}
					}
				}
				if (st[t] >= te)
					continue;
				st[t] = te;
				set_text(&x[t].marker, e->name, d->marker);
				if (!queued[t]) {
					queue[qt++ % (l->n + 1)] = t;
					queued[t] = 1;
				}
			}
		}
	}
	for (i = 0; i < l->n; i++) {
		int s = st[i];

		/* poetry's own group and optional flags bound the walk's */
		if (l->v[i].dev && s > X_DEV)
			s = X_DEV;
		if (l->v[i].extra_only && s > X_EXTRA)
			s = X_EXTRA;
		x[i].kind = s == X_NONE ? X_FALSE : s;
		/* without the project's own dependencies, what the lock's
		 * graph does not require may still be required by them */
		if (!nroots && !uv && s == X_NONE && qt) {
			x[i].kind = s = X_UNKNOWN;
			free(x[i].why);
			x[i].why = cairn_strdup("pyproject.toml not read: the project's own dependencies "
						"are not known");
		}
		if (s != X_UNKNOWN) {
			free(x[i].why);
			x[i].why = NULL;
		}
		if (!qt && s == X_NONE) {
			x[i].kind = X_UNKNOWN;
			x[i].why = cairn_strdup(uv ? "no project entry in uv.lock to walk from" :
						"no entry to walk from");
		}
		/* over the budget: what the walk reached is not all */
		if (steps > WALK_BUDGET) {
			x[i].kind = X_UNKNOWN;
			free(x[i].why);
			x[i].why = cairn_strdup("the lock's graph is too large to walk (more than 33554432 "
						"steps)");
		}
	}
	cairn_buf_release(&why);
	free(act);
	free(act_head);
	free(st);
	free(queue);
	free(queued);
	free(incoming);
}

/* The expectation of every entry of fl's lock in the environment pe. */
static expect *expectations(const folder_lock *fl, const pyenv *pe)
{
	const cairn_pylock *l = fl->lock;
	expect *x = cairn_calloc(l->n + 1, sizeof(*x));
	cairn_buf why = CAIRN_BUF_INIT;
	size_t i;

	if (l->graph) {
		walk_graph(l, pe, x);
		return x;
	}
	for (i = 0; i < l->n; i++) {
		const cairn_pylock_entry *e = &l->v[i];
		int v;

		x[i].marker = e->markers ? cairn_strdup(e->markers) : NULL;
		if (e->dev) {
			x[i].kind = X_DEV;
			continue;
		}
		if (e->extra_only) {
			x[i].kind = X_EXTRA;
			continue;
		}
		cairn_buf_clear(&why);
		v = marker_eval(pe, e->markers, e->file ? e->file : l->file, &why);
		x[i].kind = v == CAIRN_PEP508_TRUE ? X_REQUIRED : v == CAIRN_PEP508_FALSE ? X_FALSE : X_UNKNOWN;
		if (v == CAIRN_PEP508_UNKNOWN)
			x[i].why = cairn_strdup(why.data ? why.data : "");
	}
	cairn_buf_release(&why);
	return x;
}

static void expect_free(expect *x, size_t n)
{
	size_t i;

	for (i = 0; x && i < n; i++) {
		free(x[i].marker);
		free(x[i].why);
	}
	free(x);
}

/* expected, markers and expected_detail of a record. */
static void set_expect(json_t *rec, const expect *x, const pyenv *pe)
{
	cairn_buf b = CAIRN_BUF_INIT;

	json_object_set_new(rec, "expected", json_string(x_names[x->kind]));
	set_str(rec, "markers", x->marker);
	switch (x->kind) {
	case X_REQUIRED:
		cairn_buf_addf(&b, "required here (%s)%s", pe->desc.data,
			       x->marker ? ": its markers hold" : "");
		break;
	case X_FALSE:
		cairn_buf_addf(&b, "not for this environment (%s)%s", pe->desc.data,
			       x->marker ? ": its markers do not hold" : ": the project does not need it here");
		break;
	case X_DEV:
		cairn_buf_addstr(&b, "a development dependency");
		break;
	case X_EXTRA:
		cairn_buf_addstr(&b, "installed only with an extra");
		break;
	default:
		cairn_buf_addf(&b, "markers not evaluated (%s): %s", pe->desc.data,
			       x->why && *x->why ? x->why : "not known");
		break;
	}
	json_object_set_new(rec, "expected_detail", json_string(b.data));
	cairn_buf_release(&b);
}

/* ---- records ---- */

static void apply(pyctx *c, json_t *rec, folder_lock *fl, char *used, const expect *xs,
		  const pyenv *pe)
{
	const char *name = jstr(rec, "name"), *version = jstr(rec, "version");
	const cairn_pylock_entry *e;
	char *norm;

	if (!name)
		return;
	norm = normalise(name);
	e = entry_find(fl->lock, norm, version);
	set_str(rec, "lockfile", e && e->file ? e->file : fl->lock->file);
	json_object_set_new(rec, "manager", json_string(fl->lock->manager));
	lock_command(&c->tmp, fl, e);
	set_str(rec, "lock_install", c->tmp.data);
	set_hashes(rec, e);
	if (!e) {
		const json_t *du = json_object_get(rec, "direct_url");
		const char *url = jstr(du, "url");

		/* installed from a local folder (the project itself, as poetry
		 * and pip install -e do): the user's code, not in the lock */
		if (json_object_get(du, "dir_info") || (url && !strncmp(url, "file:", 5)))
			add_flag(rec, "local_source");
		else
			add_flag(rec, venv_seed(norm) ? "venv_seed" : "not_locked");
		free(norm);
		return;
	}
	used[e - fl->lock->v] = 1;
	if (!e->local)
		set_expect(rec, &xs[e - fl->lock->v], pe);
	set_str(rec, "locked_version", e->version);
	set_str(rec, "resolved", e->resolved);
	json_object_set_new(rec, "dev", json_boolean(e->dev));
	json_object_set_new(rec, "optional", json_boolean(e->conditional && !e->local &&
							   strcmp(fl->lock->manager, "uv")));
	if (e->local) {
		add_flag(rec, "local_source");
	} else {
		if (e->version && version && !same_version(version, e->version))
			add_flag(rec, "version_mismatch");
		if (!e->nhashes)
			add_flag(rec, "no_integrity");
		if (e->resolved && !strncmp(e->resolved, "git+", 4))
			add_flag(rec, "git_dependency");
	}
	/* a locked hash can only be checked against the wheel itself */
	if (!e->local && e->nhashes && !has_flag(rec, "version_mismatch") &&
	    !has_flag(rec, "system_package")) {
		const json_t *cov = json_object_get(rec, "coverage");
		int was = json_is_true(json_object_get(cov, "verified"));
		int v = verify_wheel(c, rec, e, e->file ? e->file : fl->lock->file);

		if (v == 1)
			json_object_set_new(rec, "coverage", cairn_coverage_package(1, NULL, c->tmp.data));
		else if (v == 0 && was)
			json_object_set_new(rec, "coverage",
					    cairn_coverage_package(0, "wheel_not_in_cache", c->tmp.data));
	}
	free(norm);
}

/* A locked distribution with nothing installed in this site folder. */
static void locked_missing(pyctx *c, const char *site, folder_lock *fl, const cairn_pylock_entry *e,
			   const expect *x, const pyenv *pe)
{
	json_t *rec = json_object(), *flags = json_array(), *req = json_array();
	cairn_buf path = CAIRN_BUF_INIT;

	cairn_buf_addf(&path, "%s==%s", e->norm, e->version ? e->version : "");
	json_object_set_new(rec, "type", json_string("package"));
	json_object_set_new(rec, "ecosystem", json_string("pypi"));
	json_object_set_new(rec, "manager", json_string(fl->lock->manager));
	set_str(rec, "project", site);
	set_str(rec, "path", path.data);
	set_str(rec, "name", e->name);
	json_object_set_new(rec, "version", json_null());
	set_str(rec, "locked_version", e->version);
	json_object_set_new(rec, "integrity", json_null());
	set_str(rec, "resolved", e->resolved);
	set_str(rec, "lockfile", e->file ? e->file : fl->lock->file);
	/* markers evaluated for the site: only what is required here is
	 * neither dev nor optional (CAIRN-P09 reports it missing) */
	json_object_set_new(rec, "dev", json_boolean(x ? x->kind == X_DEV || e->dev : e->dev));
	json_object_set_new(rec, "optional", json_boolean(x ? x->kind != X_REQUIRED && x->kind != X_DEV :
							  e->conditional));
	if (x)
		set_expect(rec, x, pe);
	json_object_set_new(rec, "peer", json_false());
	cairn_recs_package_undeclared(rec);
	/* (in its place: what the lock says requires it) */
	json_object_set_new(rec, "required_by", req);
	json_object_set_new(rec, "installer", json_null());
	json_object_set_new(rec, "direct_url", json_null());
	json_object_set_new(rec, "file_count", json_integer(0));
	json_object_set_new(rec, "content_sha256", json_null());
	json_array_append_new(flags, json_string("locked_missing"));
	json_object_set_new(rec, "flags", flags);
	if (!e->nhashes)
		add_flag(rec, "no_integrity");
	json_object_set_new(rec, "files", json_null());
	if (x) {
		cairn_buf d = CAIRN_BUF_INIT;

		cairn_buf_addf(&d, "locked, not installed: %s", jstr(rec, "expected_detail"));
		json_object_set_new(rec, "coverage", cairn_coverage_package(0, "not_installed", d.data));
		cairn_buf_release(&d);
	} else {
		json_object_set_new(rec, "coverage", cairn_coverage_package(0, "not_installed",
			"locked; no site-packages folder below the lockfile in this snapshot"));
	}
	lock_command(&c->tmp, fl, e);
	set_str(rec, "lock_install", c->tmp.data);
	set_hashes(rec, e);
	cairn_recs_add(c->recs, rec, cairn_recs_key("pypi", site, path.data, (char *)NULL));
	cairn_buf_release(&path);
}

int cairn_pylock_analyze(cairn_recs *recs, int rootfd, const cairn_pkg_files *files,
			 const cairn_pylock_opts *opts)
{
	pyctx c;
	size_t i, nrecs, s, nsites = 0;
	char **sites = NULL;
	pyenv pe;

	memset(&c, 0, sizeof(c));
	memset(&pe, 0, sizeof(pe));
	c.recs = recs;
	c.rootfd = rootfd;
	c.files = files;
	c.opts = opts;
	find_locks(&c);
	/* the site folders of installed distributions, in record order */
	nrecs = recs->n;
	for (i = 0; i < nrecs; i++) {
		const json_t *r = recs->v[i].rec;
		const char *site = jstr(r, "project");

		if (strcmp(jstr(r, "type") ? jstr(r, "type") : "", "package") ||
		    strcmp(jstr(r, "ecosystem") ? jstr(r, "ecosystem") : "", "pypi") || !site)
			continue;
		for (s = 0; s < nsites; s++)
			if (!strcmp(sites[s], site))
				break;
		if (s == nsites) {
			sites = cairn_realloc(sites, (nsites + 1) * sizeof(*sites));
			sites[nsites++] = cairn_strdup(site);
		}
	}
	for (s = 0; s < nsites; s++) {
		folder_lock *fl = lock_for(&c, sites[s]);
		char *used;
		expect *xs;

		if (!fl)
			continue;
		fl->applied = 1;
		used = cairn_calloc(fl->lock->n + 1, 1);
		site_env(&c, sites[s], &pe);
		xs = expectations(fl, &pe);
		for (i = 0; i < nrecs; i++) {
			json_t *r = recs->v[i].rec;

			if (!strcmp(jstr(r, "type") ? jstr(r, "type") : "", "package") &&
			    !strcmp(jstr(r, "ecosystem") ? jstr(r, "ecosystem") : "", "pypi") &&
			    jstr(r, "project") && !strcmp(jstr(r, "project"), sites[s]))
				apply(&c, r, fl, used, xs, &pe);
		}
		for (i = 0; i < fl->lock->n; i++) {
			const cairn_pylock_entry *e = &fl->lock->v[i];

			/* a name locked at several versions is missing only
			 * when none of them is installed */
			if (used[i] || e->local || !e->version ||
			    (i > 0 && !strcmp(fl->lock->v[i - 1].norm, e->norm) && used[i - 1]) ||
			    (i + 1 < fl->lock->n && !strcmp(fl->lock->v[i + 1].norm, e->norm) &&
			     used[i + 1]))
				continue;
			locked_missing(&c, sites[s], fl, e, &xs[i], &pe);
		}
		expect_free(xs, fl->lock->n);
		free(used);
	}
	/* a lock with nothing installed below it (a checkout): what it locks,
	 * recorded at the lockfile's folder */
	for (i = 0; i < c.nlocks; i++) {
		size_t k;

		if (c.locks[i].applied)
			continue;
		for (k = 0; k < c.locks[i].lock->n; k++)
			if (!c.locks[i].lock->v[k].local && c.locks[i].lock->v[k].version)
				locked_missing(&c, c.locks[i].dir, &c.locks[i], &c.locks[i].lock->v[k],
					       NULL, NULL);
	}
	for (s = 0; s < nsites; s++)
		free(sites[s]);
	free(sites);
	for (i = 0; i < c.nlocks; i++) {
		cairn_pylock_free(c.locks[i].lock);
		free(c.locks[i].dir);
	}
	free(c.locks);
	index_release(&c.wheels);
	cairn_buf_release(&c.tmp);
	cairn_buf_release(&pe.desc);
	return 0;
}
