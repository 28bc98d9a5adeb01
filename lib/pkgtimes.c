/*
 * pkgtimes.c - times of the files that differ from the published package
 * (pkgtimes.h).
 */
#include "pkgtimes.h"
#include "jsonutil.h"
#include "rfc3339.h"

#include <stdlib.h>
#include <string.h>

static json_t *time_json(int64_t ns)
{
	char t[CAIRN_RFC3339_MAX];

	cairn_rfc3339_format(t, sizeof(t), ns / 1000000000, (long)(ns % 1000000000));
	return json_string(t);
}

/* The changed paths of a package (modified, then added), resolved against
 * its folder; those that leave the tree are dropped. */
struct changed {
	char *path;          /* tree path */
	const char *rel;     /* as listed, borrowed */
	const char *change;  /* "modified" or "added" */
};

static int changed_has(const struct changed *v, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].path, path))
			return 1;
	return 0;
}

static void collect(struct changed **v, size_t *n, const json_t *list, const char *dir,
		    const char *change)
{
	size_t i;

	for (i = 0; i < json_array_size(list); i++) {
		const char *rel = json_string_value(json_array_get(list, i));
		char *p;

		/* a path that is not UTF-8 is listed escaped ("esc:..."):
		 * left out, its times are in the entries */
		if (!rel || !strncmp(rel, "esc:", 4))
			continue;
		p = cairn_path_resolve(dir, rel);
		if (!p)
			continue;
		*v = cairn_realloc(*v, (*n + 1) * sizeof(**v));
		(*v)[*n].path = p;
		(*v)[*n].rel = rel;
		(*v)[(*n)++].change = change;
	}
}

static void one_package(json_t *rec, const cairn_pkg_files *files)
{
	const json_t *f = json_object_get(rec, "files");
	const char *eco = cairn_json_str_or(rec, "ecosystem", "");
	const char *project = cairn_json_str_or(rec, "project", "");
	const char *path = cairn_json_str(rec, "path");
	struct changed *ch = NULL;
	size_t nch = 0, i, lo, hi, others = 0;
	int64_t mmax = 0, cmax = 0;
	cairn_buf dir = CAIRN_BUF_INIT, ref = CAIRN_BUF_INIT;
	json_t *arr, *o;
	int pypi = !strcmp(eco, "pypi");

	/* outside the tree: npx caches ("~/..."), the folder above a
	 * node_modules root ("..") */
	if (!json_is_object(f) || !path || *project == '~' || *project == '/' ||
	    !strcmp(project, "..") || !strncmp(project, "../", 3))
		return;
	if (!json_array_size(json_object_get(f, "modified")) &&
	    !json_array_size(json_object_get(f, "added")))
		return;
	/* npm lists paths below the package folder, pypi below the site
	 * folder (RECORD) */
	if (pypi) {
		cairn_buf_addstr(&dir, project);
	} else {
		if (*project)
			cairn_buf_addf(&dir, "%s/", project);
		cairn_buf_addstr(&dir, path);
	}
	collect(&ch, &nch, json_object_get(f, "modified"), dir.data ? dir.data : "", "modified");
	collect(&ch, &nch, json_object_get(f, "added"), dir.data ? dir.data : "", "added");
	/* the files the installer wrote and nobody changed since */
	if (pypi && *project)
		cairn_buf_addf(&ref, "%s/", project);
	cairn_buf_addf(&ref, "%s/", pypi ? path : dir.data ? dir.data : "");
	lo = cairn_pkg_files_range(files, ref.data, &hi);
	for (i = lo; i < hi; i++) {
		const cairn_pkg_file *x = &files->v[i];

		if (x->type != CAIRN_T_FILE || !x->mtime_ns || !x->ctime_ns ||
		    strstr(x->path + ref.len, "node_modules/") || changed_has(ch, nch, x->path))
			continue;
		others++;
		if (x->mtime_ns > mmax)
			mmax = x->mtime_ns;
		if (x->ctime_ns > cmax)
			cmax = x->ctime_ns;
	}
	arr = json_array();
	for (i = 0; i < nch; i++) {
		const cairn_pkg_file *x = cairn_pkg_files_find(files, ch[i].path);

		if (x && x->type == CAIRN_T_FILE && x->mtime_ns && x->ctime_ns)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o}",
				"path", ch[i].rel, "change", ch[i].change,
				"mtime", time_json(x->mtime_ns), "ctime", time_json(x->ctime_ns)));
		free(ch[i].path);
	}
	free(ch);
	if (json_array_size(arr)) {
		o = json_pack("{s:o, s:{s:I, s:o, s:o}}", "changed", arr, "others",
			      "files", (json_int_t)others,
			      "mtime_max", others ? time_json(mmax) : json_null(),
			      "ctime_max", others ? time_json(cmax) : json_null());
		json_object_set_new(rec, "file_times", o);
	} else {
		json_decref(arr);
	}
	cairn_buf_release(&dir);
	cairn_buf_release(&ref);
}

void cairn_pkg_times_add(cairn_recs *recs, const cairn_pkg_files *files)
{
	size_t i;

	for (i = 0; i < recs->n; i++) {
		json_t *r = recs->v[i].rec;

		if (!strcmp(cairn_json_str_or(r, "type", ""), "package"))
			one_package(r, files);
	}
}
