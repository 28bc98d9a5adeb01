/*
 * npmdpkg.c - global npm packages installed by a system package (see
 * npmdpkg.h): ownership from dpkg's info/<pkg>.list, content from its
 * info/<pkg>.md5sums (lib/dpkg.c reads both as hostile input).
 */
#include "npmdpkg.h"
#include "dpkg.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#define NPMDPKG_MAX_OWNERS 16u

struct owner_sums {
	char *pkg;
	cairn_dpkg_sums *sums;   /* NULL when they could not be read */
	char *error;             /* why not */
};

struct cairn_npm_dpkg {
	cairn_recs *recs;
	int rootfd;
	const char *dpkg_root;
	char *rootfd_path;       /* real absolute path of rootfd, or NULL */
	char *rootfd_sys;        /* the same on the dpkg system, or NULL */
	int tried;
	cairn_dpkg *db;
	char *db_error;          /* why there is no db */
	char *indexed;           /* the node_modules folder indexed, sys path */
	struct owner_sums owners[NPMDPKG_MAX_OWNERS];
	size_t nowners;
	/* the last answer */
	char *top;
	int mode;
	const char *owner;
	const char *why;
	cairn_buf tmp;
};

cairn_npm_dpkg *cairn_npm_dpkg_new(cairn_recs *recs, int rootfd, const char *rootfd_path,
				   const char *dpkg_root)
{
	cairn_npm_dpkg *d = cairn_calloc(1, sizeof(*d));

	d->recs = recs;
	d->rootfd = rootfd;
	d->dpkg_root = dpkg_root;
	d->rootfd_path = rootfd_path ? cairn_strdup(rootfd_path) : NULL;
	cairn_buf_init(&d->tmp);
	return d;
}

void cairn_npm_dpkg_free(cairn_npm_dpkg *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nowners; i++) {
		free(d->owners[i].pkg);
		cairn_dpkg_sums_free(d->owners[i].sums);
		free(d->owners[i].error);
	}
	cairn_dpkg_free(d->db);
	free(d->rootfd_path);
	free(d->rootfd_sys);
	free(d->db_error);
	free(d->indexed);
	free(d->top);
	cairn_buf_release(&d->tmp);
	free(d);
}

/* rel (relative to rootfd) as an absolute path of the dpkg system */
static void sys_path(cairn_buf *b, const cairn_npm_dpkg *d, const char *rel)
{
	cairn_buf_clear(b);
	if (strcmp(d->rootfd_sys, "/"))
		cairn_buf_addstr(b, d->rootfd_sys);
	cairn_buf_addch(b, '/');
	cairn_buf_addstr(b, rel);
}

static void db_open(cairn_npm_dpkg *d)
{
	cairn_buf b = CAIRN_BUF_INIT;

	d->tried = 1;
	if (!d->rootfd_path)
		return;
	if (cairn_dpkg_open(&d->db, d->dpkg_root ? d->dpkg_root : "/") < 0) {
		d->db_error = cairn_strdup(cairn_error_last());
		return;
	}
	d->rootfd_sys = cairn_dpkg_system_path(d->rootfd_path, d->dpkg_root);
	if (!d->rootfd_sys) {
		cairn_buf_addf(&b, "the root is not below the dpkg root '%s'",
			       d->dpkg_root ? d->dpkg_root : "/");
		d->db_error = cairn_buf_detach(&b, NULL);
		cairn_dpkg_free(d->db);
		d->db = NULL;
	}
}

/* Index the paths below the node_modules folder nm_dir, once per folder. */
static int db_index(cairn_npm_dpkg *d, const char *nm_dir)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *prefix;
	size_t bad = 0;
	long rc;

	sys_path(&d->tmp, d, nm_dir);
	while (d->tmp.len > 1 && d->tmp.data[d->tmp.len - 1] == '/')
		d->tmp.data[--d->tmp.len] = '\0';
	if (d->indexed && !strcmp(d->indexed, d->tmp.data))
		return 0;
	free(d->indexed);
	d->indexed = cairn_strdup(d->tmp.data);
	prefix = d->indexed;
	rc = cairn_dpkg_index(d->db, &prefix, 1, &bad);
	if (rc < 0) {
		cairn_recs_parse_error(d->recs, cairn_dpkg_admindir(d->db), "npm", cairn_error_last());
		d->db_error = cairn_strdup(cairn_error_last());
		cairn_dpkg_free(d->db);
		d->db = NULL;
		return -1;
	}
	if (bad) {
		cairn_buf_addf(&b, "%zu package file list%s could not be read", bad, bad == 1 ? "" : "s");
		cairn_recs_parse_error(d->recs, cairn_dpkg_admindir(d->db), "npm", b.data);
		cairn_buf_release(&b);
	}
	return 0;
}

static struct owner_sums *owner_sums(cairn_npm_dpkg *d, const char *pkg)
{
	struct owner_sums *o;
	size_t i;
	int rc;

	for (i = 0; i < d->nowners; i++)
		if (!strcmp(d->owners[i].pkg, pkg))
			return &d->owners[i];
	if (d->nowners == NPMDPKG_MAX_OWNERS) {
		/* a prefix spread over this many system packages is odd: the
		 * oldest table goes */
		free(d->owners[0].pkg);
		cairn_dpkg_sums_free(d->owners[0].sums);
		free(d->owners[0].error);
		memmove(&d->owners[0], &d->owners[1], (NPMDPKG_MAX_OWNERS - 1) * sizeof(d->owners[0]));
		d->nowners--;
	}
	o = &d->owners[d->nowners++];
	memset(o, 0, sizeof(*o));
	o->pkg = cairn_strdup(pkg);
	rc = cairn_dpkg_sums_load(&o->sums, d->db, pkg);
	if (rc == CAIRN_ENOTFOUND) {
		o->error = cairn_strdup("the dpkg database has no md5sums for it");
	} else if (rc < 0) {
		o->error = cairn_strdup(cairn_error_last());
		cairn_recs_parse_error(d->recs, cairn_dpkg_admindir(d->db), "npm", o->error);
	}
	return o;
}

int cairn_npm_dpkg_classify(cairn_npm_dpkg *d, const char *nm_dir, const char *top,
			    const char **owner, const char **why)
{
	const struct owner_sums *o;
	const unsigned char *want;
	unsigned char got[16];

	*owner = NULL;
	*why = NULL;
	if (d->top && !strcmp(d->top, top))
		goto answer;
	free(d->top);
	d->top = cairn_strdup(top);
	d->mode = CAIRN_NPM_DPKG_NONE;
	d->owner = d->why = NULL;
	if (!d->tried)
		db_open(d);
	if (d->db)
		db_index(d, nm_dir);   /* on failure d->db is NULL */
	if (!d->db) {
		/* no database to ask: a package in the system's own prefix
		 * may be Debian's, and nothing can tell */
		cairn_buf_clear(&d->tmp);
		if (d->rootfd_path)
			cairn_buf_addf(&d->tmp, "%s/%s", d->rootfd_path, top);
		if (d->db_error && strstr(d->tmp.data ? d->tmp.data : "", "usr/lib/node_modules/")) {
			d->mode = CAIRN_NPM_DPKG_UNKNOWN;
			d->why = d->db_error;
		}
		goto answer;
	}
	sys_path(&d->tmp, d, top);
	d->owner = cairn_dpkg_owner(d->db, d->tmp.data);
	if (!d->owner)
		goto answer;
	o = owner_sums(d, d->owner);
	if (!o->sums) {
		d->mode = CAIRN_NPM_DPKG_NOSUMS;
		d->why = o->error;
		goto answer;
	}
	/* the manifest tells a release dpkg shipped from one npm put over
	 * it: an upgrade of npm with npm install -g npm rewrites every file
	 * of the folder dpkg still lists */
	cairn_buf_addstr(&d->tmp, "/package.json");
	want = cairn_dpkg_sums_find(o->sums, d->tmp.data);
	cairn_buf_clear(&d->tmp);
	cairn_buf_addf(&d->tmp, "%s/package.json", top);
	if (want && (cairn_safe_md5(got, d->rootfd, d->tmp.data) < 0 || memcmp(got, want, 16)))
		d->mode = CAIRN_NPM_DPKG_REPLACED;
	else
		d->mode = CAIRN_NPM_DPKG_OWNED;
answer:
	*owner = d->owner;
	*why = d->why;
	return d->mode;
}

static void arr_add(json_t *a, const char *s)
{
	size_t n = strlen(s);

	if (cairn_utf8_valid(s, n)) {
		json_array_append_new(a, json_stringn(s, n));
	} else {
		cairn_buf b = CAIRN_BUF_INIT;

		cairn_buf_addstr(&b, "esc:");
		cairn_escape_bytes(&b, s, n);
		json_array_append_new(a, json_stringn(b.data, b.len));
		cairn_buf_release(&b);
	}
}

json_t *cairn_npm_dpkg_verify(cairn_npm_dpkg *d, const cairn_pkg_files *files,
			      const char *pkgdir, const char *owner, json_t *flags, int *ok)
{
	json_t *f = json_object();
	json_t *mod = json_array(), *add = json_array(), *miss = json_array(), *unread = json_array();
	cairn_buf fpre = CAIRN_BUF_INIT, spre = CAIRN_BUF_INIT, rel = CAIRN_BUF_INIT;
	const struct owner_sums *o = d->db ? owner_sums(d, owner) : NULL;
	long matching = 0;
	size_t a, ahi, b = 0, bhi = 0;

	*ok = o && o->sums;
	cairn_buf_addf(&fpre, "%s/", pkgdir);
	a = cairn_pkg_files_range(files, fpre.data, &ahi);
	if (*ok) {
		sys_path(&spre, d, pkgdir);
		cairn_buf_addch(&spre, '/');
		b = cairn_dpkg_sums_range(o->sums, spre.data, &bhi);
	}
	/* both sorted by path bytes below a common prefix: merge; a nested
	 * node_modules holds other packages, checked on their own */
	while (*ok) {
		const char *fp = NULL, *sp = NULL;
		const unsigned char *want = NULL;
		int cmp;

		for (; a < ahi; a++) {
			fp = files->v[a].path + fpre.len;
			if (strncmp(fp, "node_modules/", 13) && files->v[a].type != CAIRN_T_DIR)
				break;
			fp = NULL;
		}
		for (; b < bhi; b++) {
			sp = cairn_dpkg_sums_entry(o->sums, b, &want) + spre.len;
			if (strncmp(sp, "node_modules/", 13))
				break;
			sp = NULL;
		}
		if (!fp && !sp)
			break;
		cmp = !fp ? 1 : !sp ? -1 : strcmp(fp, sp);
		if (cmp < 0) {
			/* not in the md5sums: a symlink or folder dpkg lists
			 * is its own; anything else was put there later */
			sys_path(&rel, d, files->v[a].path);
			if (!cairn_dpkg_owner(d->db, rel.data))
				arr_add(add, fp);
			a++;
		} else if (cmp > 0) {
			arr_add(miss, sp);
			b++;
		} else {
			unsigned char got[16];
			int rc = cairn_safe_md5(got, d->rootfd, files->v[a].path);

			if (rc == 0 && !memcmp(got, want, 16))
				matching++;
			else if (rc == 0 || rc == CAIRN_EUSAGE)
				arr_add(mod, sp);    /* other bytes, a symlink, not a file */
			else if (rc == CAIRN_ENOTFOUND)
				arr_add(miss, sp);
			else
				arr_add(unread, sp);
			a++;
			b++;
		}
	}
	cairn_pkg_flag_files(flags, mod, add, miss);
	json_object_set_new(f, "status", json_string(*ok ? "verified" : "system_package"));
	cairn_buf_clear(&rel);
	if (d->db)
		cairn_buf_addf(&rel, "%s/info/%s.md5sums", cairn_dpkg_admindir(d->db), owner);
	if (rel.len)
		cairn_json_set_bytes(f, "source", rel.data, rel.len);
	else
		json_object_set_new(f, "source", json_null());
	json_object_set_new(f, "authority", json_string("dpkg"));
	cairn_json_set_bytes(f, "system_package", owner, strlen(owner));
	json_object_set_new(f, "matching", json_integer(matching));
	json_object_set_new(f, "modified", mod);
	json_object_set_new(f, "added", add);
	json_object_set_new(f, "missing", miss);
	json_object_set_new(f, "unhashed", unread);
	cairn_buf_release(&fpre);
	cairn_buf_release(&spre);
	cairn_buf_release(&rel);
	return f;
}
