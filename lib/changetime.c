/*
 * changetime.c - content changes placed by ctime, forged mtimes
 * (changetime.h).
 */
#include "cairn.h"
#include "changetime.h"
#include "diff.h"
#include "jsonutil.h"
#include "rfc3339.h"

#include <stdlib.h>
#include <string.h>

#define NS 1000000000LL

const char *cairn_forged_name(int forged)
{
	switch (forged) {
	case CAIRN_FORGED_KEPT: return "mtime kept";
	case CAIRN_FORGED_BACK: return "mtime moved back";
	case CAIRN_FORGED_PREDATES: return "mtime predates the baseline";
	}
	return NULL;
}

static int64_t header_created(const json_t *side)
{
	const char *s = cairn_json_str(json_object_get(side, "header"), "created");
	int64_t ns;

	if (!s || cairn_rfc3339_parse_ns(&ns, s) < 0)
		return 0;
	return ns;
}

/* An entry's time field as nanoseconds; 0 when absent or out of range. */
static int64_t entry_ns(const json_t *e, const char *sec, const char *nsec, int *ok)
{
	const json_t *s = json_object_get(e, sec);
	long long n = cairn_json_int(e, nsec, 0);

	if (!json_is_integer(s) || n < 0 || n >= NS ||
	    json_integer_value(s) < -(INT64_MAX / NS) + 1 ||
	    json_integer_value(s) > INT64_MAX / NS - 1) {
		*ok = 0;
		return 0;
	}
	return (int64_t)json_integer_value(s) * NS + n;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push(char ***v, size_t *k, char *s)
{
	*v = cairn_realloc(*v, (*k + 1) * sizeof(**v));
	(*v)[(*k)++] = s;
}

/*
 * Folders whose files an installer wrote (changetime.h): npm package
 * folders of packages added, removed or changed in version, and
 * site-packages folders where a Python package was; and the files the
 * installer rewrites in such an npm project (manifest, lockfiles, the
 * hidden lockfile).  Both sorted.
 */
static char **installer_folders(const json_t *diff, size_t *n, char ***files, size_t *nfiles)
{
	static const char *const project_files[] = {
		"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
		"pnpm-lock.yaml", "bun.lock", "bun.lockb", "node_modules/.package-lock.json",
		"node_modules/.yarn-integrity", "node_modules/.modules.yaml", NULL
	};
	const json_t *recs = json_object_get(diff, "records");
	char **v = NULL, **f = NULL;
	size_t i, j, k = 0, kf = 0;

	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rc = json_array_get(recs, i);
		int change = cairn_rec_change_parse(cairn_json_str(rc, "change"));
		const json_t *rec = json_object_get(rc, "new");
		const char *project, *path, *eco;
		cairn_buf b = CAIRN_BUF_INIT;

		if (!json_is_object(rec))
			rec = json_object_get(rc, "old");
		if (strcmp(cairn_json_str_or(rc, "type", ""), "package") ||
		    (change != CAIRN_RC_ADDED && change != CAIRN_RC_REMOVED &&
		     change != CAIRN_RC_VERSION_CHANGED))
			continue;
		project = cairn_json_str_or(rec, "project", "");
		path = cairn_json_str(rec, "path");
		eco = cairn_json_str_or(rec, "ecosystem", "");
		if (!strcmp(eco, "pypi")) {
			if (!*project)
				continue;
			cairn_buf_addstr(&b, project);
		} else {
			if (!path || !*path)
				continue;
			if (*project)
				cairn_buf_addf(&b, "%s/", project);
			cairn_buf_addstr(&b, path);
			for (j = 0; project_files[j]; j++) {
				cairn_buf fb = CAIRN_BUF_INIT;

				if (*project)
					cairn_buf_addf(&fb, "%s/", project);
				cairn_buf_addstr(&fb, project_files[j]);
				push(&f, &kf, cairn_buf_detach(&fb, NULL));
			}
		}
		push(&v, &k, cairn_buf_detach(&b, NULL));
	}
	if (k)
		qsort(v, k, sizeof(*v), str_cmp);
	if (kf)
		qsort(f, kf, sizeof(*f), str_cmp);
	*n = k;
	*files = f;
	*nfiles = kf;
	return v;
}

/* Is path inside one of the sorted folders?  Walks its ancestors from the
 * deepest, and stops where the path goes down through a node_modules/
 * folder: what is below it belongs to another package. */
static int in_folders(char **v, size_t n, const char *path)
{
	char *p, *cut;
	int found = 0;

	if (!n)
		return 0;
	p = cairn_strdup(path);
	while (!found && (cut = strrchr(p, '/')) != NULL) {
		const char *next = path + (cut - p) + 1;
		char *key = p;

		*cut = '\0';
		if (!strncmp(next, "node_modules/", 13))
			break;
		found = bsearch(&key, v, n, sizeof(*v), str_cmp) != NULL;
	}
	free(p);
	return found;
}

/* A path through a package manager's folder. */
static int package_path(const char *path)
{
	static const char *const dirs[] = { "node_modules", "site-packages", "dist-packages" };
	size_t i, n;

	for (i = 0; i < 3; i++) {
		const char *s = path;

		n = strlen(dirs[i]);
		while ((s = strstr(s, dirs[i])) != NULL) {
			if ((s == path || s[-1] == '/') && s[n] == '/')
				return 1;
			s += n;
		}
	}
	return 0;
}

/* The snapshot's creation time was given (--created), not read from the
 * clock that stamps ctimes. */
static int clock_given(const json_t *side)
{
	return cairn_json_true(json_object_get(side, "header"), "created_set");
}

static int has_package_records(const json_t *side)
{
	const json_t *opts = json_object_get(json_object_get(side, "header"), "options");

	return cairn_json_true(opts, "packages");
}

void cairn_change_times(cairn_change_time **out, size_t *n, const json_t *diff,
			int64_t *base_ns, int64_t *snap_ns)
{
	const json_t *changes = json_object_get(diff, "changes");
	int64_t lo = header_created(json_object_get(diff, "old"));
	int64_t hi = header_created(json_object_get(diff, "new"));
	int records = has_package_records(json_object_get(diff, "old")) &&
		      has_package_records(json_object_get(diff, "new"));
	int given = clock_given(json_object_get(diff, "old")) ||
		    clock_given(json_object_get(diff, "new"));
	size_t i, nf = 0, nfiles = 0, k = 0;
	char **files = NULL, **folders = installer_folders(diff, &nf, &files, &nfiles);
	cairn_change_time *v = NULL;

	if (base_ns)
		*base_ns = lo;
	if (snap_ns)
		*snap_ns = hi;
	for (i = 0; i < json_array_size(changes); i++) {
		const json_t *ch = json_array_get(changes, i);
		const json_t *nw = json_object_get(ch, "new"), *old = json_object_get(ch, "old");
		int kind = cairn_diff_kind_parse(cairn_json_str(ch, "change"));
		const char *path = cairn_json_str(ch, "path");
		cairn_change_time t;
		int ok = 1;

		if (!path || !json_is_object(nw) ||
		    strcmp(cairn_json_str_or(nw, "kind", "file"), "file"))
			continue;
		memset(&t, 0, sizeof(t));
		if (kind == CAIRN_DIFF_ADDED) {
			t.added = 1;
		} else if (kind == CAIRN_DIFF_MODIFIED && json_is_object(old) &&
			   !strcmp(cairn_json_str_or(old, "kind", "file"), "file")) {
			t.old_ctime_ns = entry_ns(old, "ctime", "ctime_ns", &ok);
			t.old_mtime_ns = entry_ns(old, "mtime", "mtime_ns", &ok);
		} else {
			continue;
		}
		t.path = path;
		t.ctime_ns = entry_ns(nw, "ctime", "ctime_ns", &ok);
		t.mtime_ns = entry_ns(nw, "mtime", "mtime_ns", &ok);
		if (!ok)
			continue;
		t.at_ns = given ? t.mtime_ns : t.ctime_ns;
		t.by_mtime = given;
		if (lo && t.at_ns < lo) {
			t.at_ns = lo;
			t.bounded = 1;
		}
		if (hi && t.at_ns > hi) {
			t.at_ns = hi;
			t.bounded = 1;
		}
		t.installer = records ? in_folders(folders, nf, path) ||
					(nfiles && bsearch(&path, files, nfiles, sizeof(*files), str_cmp)) :
			      package_path(path);
		if (!t.added && !t.installer) {
			if (t.mtime_ns == t.old_mtime_ns)
				t.forged = CAIRN_FORGED_KEPT;
			else if (t.mtime_ns < t.old_mtime_ns)
				t.forged = CAIRN_FORGED_BACK;
			else if (lo && t.mtime_ns < lo && t.mtime_ns <= t.old_ctime_ns)
				t.forged = CAIRN_FORGED_PREDATES;
		}
		v = cairn_realloc(v, (k + 1) * sizeof(*v));
		v[k++] = t;
	}
	for (i = 0; i < nf; i++)
		free(folders[i]);
	free(folders);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	*out = v;
	*n = k;
}
