/*
 * gitdiff.c - disk against a git tree, and lockfile/manifest history
 * (see gitdiff.h).
 *
 * Blob ids: git hashes an object as SHA-1("blob " <decimal size> "\0"
 * <content>) (git's object format; libgit2 git_odb_hash).  Files up to
 * SMALL_FILE bytes are read whole and hashed with git_odb_hash; larger ones
 * are streamed through the same SHA-1 construction with OpenSSL, so memory
 * stays bounded; the tests check both against `git hash-object`.
 */
#include "gitdiff.h"
#include "npm.h"
#include "snapshot.h"
#include "walk.h"
#include "rfc3339.h"
#include "url.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SMALL_FILE (8u << 20)
#define HISTORY_FILE_CAP (64u << 20)   /* lockfiles: RECORDS.md §Caps */

static const char *const gd_kind_names[CAIRN_GD__KINDS] = {
	"added", "removed", "modified", "mode", "type", "unreadable"
};

const char *cairn_gitdiff_kind_name(int kind)
{
	if (kind < 0 || kind >= CAIRN_GD__KINDS)
		return NULL;
	return gd_kind_names[kind];
}

static int git_fail(const char *what, const char *name)
{
	const git_error *e = git_error_last();

	return cairn_error_set(CAIRN_EEXTERNAL, "%s '%s': %s", what, name,
			       e && e->message ? e->message : "libgit2 error");
}

/* ------------------------------------------------------------ hashing */

static void oid_hex(char hex[41], const git_oid *oid)
{
	git_oid_tostr(hex, 41, oid);
}

/* Blob id of the open regular file fd of the given size. */
static int hash_fd(char hex[41], int fd, uint64_t size, const char *label,
		   int *changed)
{
	unsigned char buf[65536];
	uint64_t total = 0;
	ssize_t n;

	*changed = 0;
	if (size <= SMALL_FILE) {
		char *data = cairn_malloc(size + 1);
		git_oid oid;

		while (total <= size) {
			n = read(fd, data + total, size + 1 - total);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				free(data);
				return cairn_error_set(CAIRN_EIO, "cannot read '%s': %s",
						       label, strerror(errno));
			}
			if (n == 0)
				break;
			total += (uint64_t)n;
		}
		/* hash what was read, as git would hash the bytes it saw */
		if (total != size)
			*changed = 1;
		if (total > size)
			total = size;
		if (git_odb_hash(&oid, data, total, GIT_OBJECT_BLOB) < 0) {
			free(data);
			return git_fail("cannot hash", label);
		}
		free(data);
		oid_hex(hex, &oid);
		return 0;
	} else {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		unsigned char md[20];
		char head[64];
		int hl = snprintf(head, sizeof(head), "blob %llu", (unsigned long long)size);

		if (!ctx)
			cairn_oom();
		EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
		EVP_DigestUpdate(ctx, head, (size_t)hl + 1);   /* with the NUL */
		while (total < size) {
			size_t want = size - total < sizeof(buf) ? (size_t)(size - total) :
				      sizeof(buf);

			n = read(fd, buf, want);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				EVP_MD_CTX_free(ctx);
				return cairn_error_set(CAIRN_EIO, "cannot read '%s': %s",
						       label, strerror(errno));
			}
			if (n == 0)
				break;
			EVP_DigestUpdate(ctx, buf, (size_t)n);
			total += (uint64_t)n;
		}
		if (total != size || read(fd, buf, 1) > 0)
			*changed = 1;
		EVP_DigestFinal_ex(ctx, md, NULL);
		EVP_MD_CTX_free(ctx);
		cairn_hex(hex, md, 20);
		return 0;
	}
}

static int hash_bytes(char hex[41], const char *p, size_t n)
{
	git_oid oid;

	if (git_odb_hash(&oid, p, n, GIT_OBJECT_BLOB) < 0)
		return git_fail("cannot hash", "symlink target");
	oid_hex(hex, &oid);
	return 0;
}

int cairn_git_hash_path(char hex[41], const char *path)
{
	struct stat st;
	int rc, fd, changed;

	git_libgit2_init();
	if (lstat(path, &st) < 0) {
		rc = cairn_error_set(CAIRN_EIO, "cannot stat '%s': %s", path,
				     strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target));

		if (n < 0)
			rc = cairn_error_set(CAIRN_EIO, "cannot read link '%s': %s",
					     path, strerror(errno));
		else
			rc = hash_bytes(hex, target, (size_t)n);
	} else if (!S_ISREG(st.st_mode)) {
		rc = cairn_error_set(CAIRN_EUSAGE, "'%s': not a file or symlink", path);
	} else if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
		rc = cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path,
				     strerror(errno));
	} else {
		rc = hash_fd(hex, fd, (uint64_t)st.st_size, path, &changed);
		close(fd);
	}
	git_libgit2_shutdown();
	return rc;
}

/* ------------------------------------------------------------ tree */

struct tree_item {
	char *path;
	size_t path_len;
	unsigned mode;
	char oid[41];
};

struct tree_list {
	struct tree_item *v;
	size_t n, cap;
};

static int tree_cb(const char *root, const git_tree_entry *te, void *payload)
{
	struct tree_list *l = payload;
	struct tree_item *it;
	cairn_buf b = CAIRN_BUF_INIT;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = cairn_realloc(l->v, l->cap * sizeof(*l->v));
	}
	it = &l->v[l->n++];
	cairn_buf_addstr(&b, root);
	cairn_buf_addstr(&b, git_tree_entry_name(te));
	it->path = cairn_buf_detach(&b, &it->path_len);
	it->mode = (unsigned)git_tree_entry_filemode_raw(te);
	oid_hex(it->oid, git_tree_entry_id(te));
	return 0;
}

static int item_cmp(const void *a, const void *b)
{
	const struct tree_item *x = a, *y = b;

	return cairn_path_cmp(x->path, x->path_len, y->path, y->path_len);
}

static void tree_list_release(struct tree_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
}

/* Resolve rev to a commit and (sub)tree. */
static int open_tree(git_repository *repo, const char *repo_path, const char *rev,
		     const char *subdir, char commit_hex[41], git_tree **out)
{
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	int rc = 0;

	*out = NULL;
	if (git_revparse_single(&obj, repo, rev) < 0) {
		rc = cairn_error_set(CAIRN_ENOTFOUND, "git repository '%s': "
				     "revision '%s' not found: %s", repo_path, rev,
				     git_error_last() ? git_error_last()->message : "?");
		goto done;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		rc = cairn_error_set(CAIRN_ENOTFOUND, "git repository '%s': "
				     "'%s' is not a commit", repo_path, rev);
		goto done;
	}
	oid_hex(commit_hex, git_commit_id(commit));
	if (git_commit_tree(&tree, commit) < 0) {
		rc = git_fail("git repository", repo_path);
		goto done;
	}
	if (subdir && *subdir) {
		git_tree *sub = NULL;

		if (git_tree_entry_bypath(&te, tree, subdir) < 0 ||
		    git_tree_entry_type(te) != GIT_OBJECT_TREE) {
			rc = cairn_error_set(CAIRN_ENOTFOUND, "git repository '%s': "
					     "no folder '%s' at '%s'", repo_path, subdir, rev);
			goto done;
		}
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0) {
			rc = git_fail("git repository", repo_path);
			goto done;
		}
		git_tree_free(tree);
		tree = sub;
	}
	*out = tree;
	tree = NULL;
done:
	git_tree_entry_free(te);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	return rc;
}

/* ------------------------------------------------------------ compare */

static void add_change(cairn_gitdiff *g, int kind, const char *path, size_t len,
		       unsigned old_mode, const char *old_oid, unsigned new_mode,
		       const char *new_oid, const char *detail)
{
	cairn_gitdiff_change *c;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->v = cairn_realloc(g->v, g->cap * sizeof(*g->v));
	}
	c = &g->v[g->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->path = cairn_strndup(path, len);
	c->path_len = len;
	c->old_mode = old_mode;
	c->new_mode = new_mode;
	snprintf(c->old_oid, sizeof(c->old_oid), "%s", old_oid ? old_oid : "");
	snprintf(c->new_oid, sizeof(c->new_oid), "%s", new_oid ? new_oid : "");
	c->detail = detail ? cairn_strdup(detail) : NULL;
	g->counts[kind]++;
}

static unsigned disk_git_mode(const cairn_entry *e)
{
	switch (e->type) {
	case CAIRN_T_FILE:
		return (e->mode & 0100) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
	case CAIRN_T_SYMLINK:
		return GIT_FILEMODE_LINK;
	case CAIRN_T_DIR:
		return GIT_FILEMODE_TREE;
	default:
		return 0;
	}
}

/* Broad kind for type comparison: 1 blob file, 2 symlink, 3 folder,
 * 4 submodule, 5 other. */
static int git_kind(unsigned mode)
{
	switch (mode) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
	case 0100664:
		return 1;
	case GIT_FILEMODE_LINK:
		return 2;
	case GIT_FILEMODE_TREE:
		return 3;
	case GIT_FILEMODE_COMMIT:
		return 4;
	default:
		return 5;
	}
}

struct walkctx {
	cairn_gitdiff *g;
	cairn_walker *w;
	cairn_ignore *gitignore;     /* .gitignore rules collected so far */
	const cairn_gitdiff_opts *opts;
	const char *root;
};

/* Blob id of the disk entry (file or symlink); hex "" and detail set when
 * it cannot be read. */
static int disk_oid(struct walkctx *c, cairn_entry *e, char hex[41], char *detail,
		    size_t dlen)
{
	int fd = -1, changed = 0, rc;

	hex[0] = '\0';
	detail[0] = '\0';
	if (e->err) {
		snprintf(detail, dlen, "%s: %s", e->err_op ? e->err_op : "?",
			 strerror(e->err));
		return 0;
	}
	if (e->type == CAIRN_T_SYMLINK)
		return hash_bytes(hex, e->target ? e->target : "", e->target_len);
	if ((rc = cairn_walker_open(c->w, e, &fd)) < 0)
		return rc;
	if (fd < 0) {
		if (e->err)
			snprintf(detail, dlen, "%s: %s", e->err_op ? e->err_op : "open",
				 strerror(e->err));
		else
			snprintf(detail, dlen, "changed while read");
		return 0;
	}
	rc = hash_fd(hex, fd, e->size, e->path, &changed);
	close(fd);
	if (rc < 0) {
		/* a read error is a finding about this file, not a failure */
		snprintf(detail, dlen, "read: %s", strerror(errno));
		hex[0] = '\0';
		return 0;
	}
	if (changed)
		snprintf(detail, dlen, "changed while read");
	return 0;
}

static void load_gitignore(struct walkctx *c, const char *dir, size_t len)
{
	cairn_buf p = CAIRN_BUF_INIT;
	char *base = cairn_strndup(dir, len);

	cairn_buf_addstr(&p, c->root);
	if (len) {
		cairn_buf_addch(&p, '/');
		cairn_buf_add(&p, dir, len);
	}
	cairn_buf_addstr(&p, "/.gitignore");
	/* a missing or unreadable .gitignore simply adds no rule */
	cairn_ignore_add_file(c->gitignore, base, p.data);
	free(base);
	cairn_buf_release(&p);
}

static int is_ignored_untracked(struct walkctx *c, const cairn_entry *e)
{
	int is_dir = e->type == CAIRN_T_DIR;

	if (cairn_ignore_match(c->opts->ignore, e->path, e->path_len, is_dir))
		return 1;
	if (c->gitignore &&
	    cairn_ignore_match(c->gitignore, e->path, e->path_len, is_dir))
		return 1;
	return 0;
}

static int compare(struct walkctx *c, const struct tree_list *t)
{
	cairn_gitdiff *g = c->g;
	cairn_entry e;
	size_t i = 0;
	int have = 0, done = 0, rc = 0;
	char hex[41], detail[256];
	char *skip = NULL;           /* disk prefix below a submodule */
	size_t skip_len = 0;
	uint64_t steps = 0;

	cairn_entry_init(&e);
	for (;;) {
		const struct tree_item *ti = i < t->n ? &t->v[i] : NULL;
		int cmp;

		if (c->opts->progress && !(++steps & 1023))
			c->opts->progress(c->opts->progress_ctx, i, t->n, 0);

		if (!have && !done) {
			rc = cairn_walker_next(c->w, &e);
			if (rc < 0)
				goto out;
			if (rc == 0)
				done = 1;
			else
				have = 1;
			rc = 0;
			if (have && skip && e.path_len > skip_len &&
			    !memcmp(e.path, skip, skip_len) && e.path[skip_len] == '/') {
				have = 0;
				continue;
			}
			if (have)
				g->disk_files += e.type != CAIRN_T_DIR;
			if (have && c->gitignore && e.type == CAIRN_T_DIR && !e.err)
				load_gitignore(c, e.path, e.path_len);
		}
		if (!ti && !have)
			break;
		if (ti && have)
			cmp = cairn_path_cmp(ti->path, ti->path_len, e.path, e.path_len);
		else
			cmp = ti ? -1 : 1;

		if (cmp < 0) {                 /* only in the tree */
			if (git_kind(ti->mode) != 3)
				add_change(g, CAIRN_GD_REMOVED, ti->path, ti->path_len,
					   ti->mode, ti->oid, 0, NULL, NULL);
			i++;
			continue;
		}
		if (cmp > 0) {                 /* only on disk */
			if (e.type == CAIRN_T_DIR) {
				if (is_ignored_untracked(c, &e))
					g->ignored++;
			} else if (is_ignored_untracked(c, &e)) {
				g->ignored++;
			} else {
				if ((rc = disk_oid(c, &e, hex, detail, sizeof(detail))) < 0)
					goto out;
				add_change(g, CAIRN_GD_ADDED, e.path, e.path_len, 0, NULL,
					   disk_git_mode(&e), hex, detail[0] ? detail : NULL);
			}
			have = 0;
			continue;
		}
		/* same path */
		{
			unsigned dmode = disk_git_mode(&e);
			int tk = git_kind(ti->mode), dk = dmode ? git_kind(dmode) : 5;

			if (tk == 4 && e.type == CAIRN_T_DIR) {
				/* a submodule: its files belong to another repository */
				free(skip);
				skip = cairn_strndup(e.path, e.path_len);
				skip_len = e.path_len;
			} else if (tk != dk) {
				if (cairn_ignore_match(c->opts->ignore, e.path, e.path_len,
						       e.type == CAIRN_T_DIR)) {
					g->ignored++;
				} else {
					hex[0] = '\0';
					detail[0] = '\0';
					if ((dk == 1 || dk == 2) &&
					    (rc = disk_oid(c, &e, hex, detail, sizeof(detail))) < 0)
						goto out;
					add_change(g, CAIRN_GD_TYPE, e.path, e.path_len, ti->mode,
						   ti->oid, dmode, hex,
						   dk == 5 ? cairn_entry_type_name(e.type) :
						   (detail[0] ? detail : NULL));
				}
			} else if (tk == 1 || tk == 2) {
				if (cairn_ignore_match(c->opts->ignore, e.path, e.path_len, 0)) {
					g->ignored++;
				} else {
					if ((rc = disk_oid(c, &e, hex, detail, sizeof(detail))) < 0)
						goto out;
					if (!hex[0])
						add_change(g, CAIRN_GD_UNREADABLE, e.path, e.path_len,
							   ti->mode, ti->oid, dmode, NULL, detail);
					else if (strcmp(hex, ti->oid))
						add_change(g, CAIRN_GD_MODIFIED, e.path, e.path_len,
							   ti->mode, ti->oid, dmode, hex,
							   detail[0] ? detail : NULL);
					else if (ti->mode != dmode)
						add_change(g, CAIRN_GD_MODE, e.path, e.path_len,
							   ti->mode, ti->oid, dmode, hex, NULL);
				}
			}
			i++;
			have = 0;
		}
	}
out:
	if (rc >= 0 && c->opts->progress)
		c->opts->progress(c->opts->progress_ctx, t->n, t->n, 1);
	free(skip);
	cairn_entry_release(&e);
	return rc;
}

static int change_cmp(const void *a, const void *b)
{
	const cairn_gitdiff_change *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return cairn_path_cmp(x->path, x->path_len, y->path, y->path_len);
}

int cairn_gitdiff_tree(cairn_gitdiff **out, const char *repo_path,
		       const char *root, const cairn_gitdiff_opts *opts)
{
	static const cairn_gitdiff_opts none;
	static const char *const git_dir[] = { ".git" };
	cairn_walk_opts wopts;
	git_repository *repo = NULL;
	git_tree *tree = NULL;
	struct tree_list list = { NULL, 0, 0 };
	struct walkctx c;
	cairn_gitdiff *g;
	size_t i;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &none;
	memset(&c, 0, sizeof(c));
	memset(&wopts, 0, sizeof(wopts));
	git_libgit2_init();
	g = cairn_calloc(1, sizeof(*g));
	g->repo = cairn_strdup(repo_path);
	g->root = cairn_strdup(root);
	g->rev = cairn_strdup(opts->rev ? opts->rev : "HEAD");
	g->subdir = cairn_strdup(opts->subdir ? opts->subdir : "");
	if (git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = git_fail("cannot open git repository", repo_path);
		goto done;
	}
	if ((rc = open_tree(repo, repo_path, g->rev, g->subdir, g->commit, &tree)) < 0)
		goto done;
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, &list) < 0) {
		rc = git_fail("cannot read the tree of", repo_path);
		goto done;
	}
	if (list.n)
		qsort(list.v, list.n, sizeof(*list.v), item_cmp);
	for (i = 0; i < list.n; i++)
		g->tree_files += git_kind(list.v[i].mode) != 3;

	c.g = g;
	c.opts = opts;
	c.root = root;
	if (opts->gitignore) {
		cairn_buf p = CAIRN_BUF_INIT;

		c.gitignore = cairn_ignore_new();
		cairn_buf_addstr(&p, git_repository_path(repo));
		cairn_buf_addstr(&p, "info/exclude");
		cairn_ignore_add_file(c.gitignore, "", p.data);
		cairn_buf_release(&p);
		load_gitignore(&c, "", 0);
	}
	/* ROOT's own repository (and nested ones) are not content */
	wopts.excludes = git_dir;
	wopts.exclude_count = 1;
	if ((rc = cairn_walker_new(&c.w, root, &wopts)) < 0)
		goto done;
	if ((rc = compare(&c, &list)) < 0)
		goto done;
	if (g->n)
		qsort(g->v, g->n, sizeof(*g->v), change_cmp);
done:
	cairn_walker_free(c.w);
	cairn_ignore_free(c.gitignore);
	tree_list_release(&list);
	git_tree_free(tree);
	git_repository_free(repo);
	git_libgit2_shutdown();
	if (rc < 0) {
		cairn_gitdiff_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

void cairn_gitdiff_free(cairn_gitdiff *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->v[i].path);
		free(g->v[i].detail);
	}
	free(g->v);
	free(g->rev);
	free(g->subdir);
	free(g->root);
	free(g->repo);
	free(g);
}

static json_t *mode_json(unsigned mode)
{
	char s[16];

	if (!mode)
		return json_null();
	snprintf(s, sizeof(s), "%06o", mode);
	return json_string(s);
}

json_t *cairn_gitdiff_to_json(const cairn_gitdiff *g)
{
	json_t *o = json_object(), *sum = json_object(), *arr = json_array();
	size_t i;
	int k, any = 0;

	json_object_set_new(o, "format", json_string("cairn-diff"));
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "mode", json_string("git"));
	json_object_set_new(o, "repository", json_string(g->repo));
	json_object_set_new(o, "rev", json_string(g->rev));
	json_object_set_new(o, "commit", json_string(g->commit));
	json_object_set_new(o, "path", json_string(g->subdir));
	json_object_set_new(o, "root", json_string(g->root));
	for (k = 0; k < CAIRN_GD__KINDS; k++) {
		json_object_set_new(sum, gd_kind_names[k],
				    json_integer((json_int_t)g->counts[k]));
		any |= g->counts[k] != 0;
	}
	json_object_set_new(sum, "ignored", json_integer((json_int_t)g->ignored));
	json_object_set_new(sum, "tree_files", json_integer((json_int_t)g->tree_files));
	json_object_set_new(sum, "disk_files", json_integer((json_int_t)g->disk_files));
	json_object_set_new(sum, "differences", json_boolean(any));
	json_object_set_new(o, "summary", sum);
	for (i = 0; i < g->n; i++) {
		const cairn_gitdiff_change *c = &g->v[i];
		json_t *x = json_object();

		cairn_json_set_bytes(x, "path", c->path, c->path_len);
		json_object_set_new(x, "change", json_string(gd_kind_names[c->kind]));
		json_object_set_new(x, "old_mode", mode_json(c->old_mode));
		json_object_set_new(x, "new_mode", mode_json(c->new_mode));
		json_object_set_new(x, "old_oid", c->old_oid[0] ? json_string(c->old_oid) :
				    json_null());
		json_object_set_new(x, "new_oid", c->new_oid[0] ? json_string(c->new_oid) :
				    json_null());
		json_object_set_new(x, "detail", c->detail ? json_string(c->detail) :
				    json_null());
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "changes", arr);
	return o;
}

/* ------------------------------------------------------------ history */

/* One package (lockfile) or dependency (manifest) at one commit. */
struct dep {
	char *key;
	char *version;     /* lockfile version; manifest: the range */
	char *resolved;
	char *integrity;
	int install_script;  /* lockfile: hasInstallScript */
};

struct deps {
	struct dep *v;
	size_t n, cap;
};

static void deps_release(struct deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].key);
		free(d->v[i].version);
		free(d->v[i].resolved);
		free(d->v[i].integrity);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static char *opt_str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? cairn_strdup(json_string_value(v)) : NULL;
}

static void deps_add(struct deps *d, const char *key, const json_t *o)
{
	struct dep *x;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = cairn_realloc(d->v, d->cap * sizeof(*d->v));
	}
	x = &d->v[d->n++];
	x->key = cairn_strdup(key);
	x->install_script = 0;
	if (json_is_string(o)) {
		x->version = cairn_strdup(json_string_value(o));
		x->resolved = x->integrity = NULL;
	} else {
		x->version = opt_str(o, "version");
		x->resolved = opt_str(o, "resolved");
		x->integrity = opt_str(o, "integrity");
	}
}

static int dep_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dep *)a)->key, ((const struct dep *)b)->key);
}

static int is_manifest(const char *file)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	return !strcmp(base, "package.json");
}

/* package.json: every dependency section, keyed "section:name". */
static int parse_manifest(struct deps *d, const char *data, size_t len, char *err,
			  size_t errlen)
{
	static const char *const sections[] = {
		"dependencies", "devDependencies", "optionalDependencies",
		"peerDependencies"
	};
	json_error_t jerr;
	json_t *root = json_loadb(data, len, 0, &jerr);
	size_t s;

	if (!root || !json_is_object(root)) {
		if (root)
			snprintf(err, errlen, "not a JSON object");
		else
			snprintf(err, errlen, "line %d column %d: %s", jerr.line,
				 jerr.column, jerr.text);
		json_decref(root);
		return -1;
	}
	for (s = 0; s < 4; s++) {
		const json_t *sec = json_object_get(root, sections[s]);
		const char *name;
		json_t *v;

		if (!json_is_object(sec))
			continue;
		json_object_foreach((json_t *)sec, name, v) {
			cairn_buf k = CAIRN_BUF_INIT;

			cairn_buf_addf(&k, "%s:%s", sections[s], name);
			if (json_is_string(v))
				deps_add(d, k.data, v);
			cairn_buf_release(&k);
		}
	}
	json_decref(root);
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), dep_cmp);
	return 0;
}

/* Lockfiles (v1 nested "dependencies", v2/v3 "packages") through the npm
 * analyzer's parser (lib/npm.h), so both read lockfiles the same way. */
static int parse_lockfile(struct deps *d, const char *data, size_t len, char *err,
			  size_t errlen)
{
	cairn_npm_lock *l = NULL;
	size_t i;

	if (cairn_npm_lock_parse(&l, data, len, "lockfile") < 0) {
		snprintf(err, errlen, "%s", cairn_error_last());
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		const cairn_npm_lock_entry *e = &l->v[i];
		struct dep *x;

		if (!*e->key)
			continue;                  /* the project itself */
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 64;
			d->v = cairn_realloc(d->v, d->cap * sizeof(*d->v));
		}
		x = &d->v[d->n++];
		x->key = cairn_strdup(e->key);
		x->version = e->version ? cairn_strdup(e->version) : NULL;
		x->resolved = e->resolved ? cairn_strdup(e->resolved) : NULL;
		x->integrity = e->integrity ? cairn_strdup(e->integrity) : NULL;
		x->install_script = e->has_install_script;
	}
	cairn_npm_lock_free(l);
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), dep_cmp);
	return 0;
}

/* Parse one version of the file into deps (sorted by key). */
static int parse_deps(struct deps *d, const char *data, size_t len,
		      int manifest, char *err, size_t errlen)
{
	return manifest ? parse_manifest(d, data, len, err, errlen) :
			  parse_lockfile(d, data, len, err, errlen);
}

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* The host of a "resolved" URL, any scheme ("" when it has none). */
static void url_host(const char *url, char *host, size_t n)
{
	cairn_url u;

	host[0] = '\0';
	if (url && cairn_url_parse(&u, url) == 0)
		snprintf(host, n, "%s", u.host);
}

/* An exact version: digits.digits.digits with an optional pre-release,
 * optionally prefixed by '=' or 'v'. */
static int exact_version(const char *s)
{
	int dots = 0;

	if (!s)
		return 0;
	if (*s == '=' || *s == 'v')
		s++;
	if (!(*s >= '0' && *s <= '9'))
		return 0;
	for (; *s && *s != '-' && *s != '+'; s++) {
		if (*s == '.')
			dots++;
		else if (!(*s >= '0' && *s <= '9'))
			return 0;
	}
	return dots == 2;
}

static void hc_add(cairn_history_commit *c, const char *key, const char *change,
		   const char *o, const char *n, int red)
{
	cairn_history_change *x;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = cairn_realloc(c->v, c->cap * sizeof(*c->v));
	}
	x = &c->v[c->n++];
	x->key = cairn_strdup(key);
	x->change = cairn_strdup(change);
	x->old_value = o ? cairn_strdup(o) : NULL;
	x->new_value = n ? cairn_strdup(n) : NULL;
	x->red_flag = red;
}

static void diff_deps(cairn_history_commit *c, const struct deps *a,
		      const struct deps *b, int manifest)
{
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		int cmp = i < a->n && j < b->n ? strcmp(a->v[i].key, b->v[j].key) :
			  (i < a->n ? -1 : 1);

		if (cmp < 0) {
			hc_add(c, a->v[i].key, "removed", a->v[i].version, NULL, 0);
			i++;
		} else if (cmp > 0) {
			hc_add(c, b->v[j].key, "added", NULL, b->v[j].version, 0);
			/* a new package that runs code at install */
			if (b->v[j].install_script)
				hc_add(c, b->v[j].key, "install-script", NULL,
				       b->v[j].version, 1);
			j++;
		} else {
			const struct dep *x = &a->v[i], *y = &b->v[j];

			if (manifest) {
				if (!str_eq(x->version, y->version))
					hc_add(c, x->key, "range", x->version, y->version,
					       exact_version(x->version) &&
					       !exact_version(y->version));
			} else {
				char h1[CAIRN_URL_HOST_MAX], h2[CAIRN_URL_HOST_MAX];
				int same_version = str_eq(x->version, y->version);

				url_host(x->resolved, h1, sizeof(h1));
				url_host(y->resolved, h2, sizeof(h2));
				if (!same_version)
					hc_add(c, x->key, "version", x->version, y->version, 0);
				if (!str_eq(x->resolved, y->resolved) &&
				    (same_version || strcmp(h1, h2)))
					hc_add(c, x->key, "resolved", x->resolved, y->resolved,
					       strcmp(h1, h2) != 0 && h1[0] && h2[0]);
				if (!str_eq(x->integrity, y->integrity) && same_version)
					/* the same version with other bytes: a
					 * republished or substituted tarball */
					hc_add(c, x->key, "integrity-same-version",
					       x->integrity, y->integrity, 1);
				/* a release that brings an install script: the
				 * worm's signature, beside the version change */
				if (!x->install_script && y->install_script)
					hc_add(c, x->key, "install-script", x->version,
					       y->version, 1);
				else if (x->install_script && !y->install_script)
					hc_add(c, x->key, "install-script-removed",
					       x->version, y->version, 0);
			}
			i++;
			j++;
		}
	}
}

/* Blob of file at commit, or NULL (missing).  Returns <0 on failure. */
static int file_blob(git_blob **out, git_repository *repo, const git_commit *commit,
		     const char *file)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	int rc = 0;

	*out = NULL;
	if (git_commit_tree(&tree, commit) < 0)
		return -1;
	if (git_tree_entry_bypath(&te, tree, file) == 0 &&
	    git_tree_entry_type(te) == GIT_OBJECT_BLOB)
		rc = git_blob_lookup(out, repo, git_tree_entry_id(te));
	git_tree_entry_free(te);
	git_tree_free(tree);
	return rc;
}

static int load_deps(struct deps *d, git_blob *blob, int manifest, char *err,
		     size_t errlen)
{
	size_t len;

	memset(d, 0, sizeof(*d));
	if (!blob)
		return 0;
	len = (size_t)git_blob_rawsize(blob);
	if (len > HISTORY_FILE_CAP) {
		snprintf(err, errlen, "larger than %u bytes", HISTORY_FILE_CAP);
		return -1;
	}
	return parse_deps(d, git_blob_rawcontent(blob), len, manifest, err, errlen);
}

int cairn_git_history(cairn_history **out, const char *repo_path,
		      const char *file, const char *rev)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_object *start = NULL;
	git_oid oid;
	cairn_history *h;
	int manifest = is_manifest(file), rc = 0, wrc;

	*out = NULL;
	git_libgit2_init();
	h = cairn_calloc(1, sizeof(*h));
	h->repo = cairn_strdup(repo_path);
	h->file = cairn_strdup(file);
	h->rev = cairn_strdup(rev ? rev : "HEAD");
	if (git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = git_fail("cannot open git repository", repo_path);
		goto done;
	}
	if (git_revparse_single(&start, repo, h->rev) < 0) {
		rc = cairn_error_set(CAIRN_ENOTFOUND, "git repository '%s': "
				     "revision '%s' not found", repo_path, h->rev);
		goto done;
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0) {
		rc = git_fail("cannot walk", repo_path);
		goto done;
	}
	{
		git_object *c = NULL;

		if (git_object_peel(&c, start, GIT_OBJECT_COMMIT) < 0 ||
		    git_revwalk_push(walk, git_object_id(c)) < 0) {
			git_object_free(c);
			rc = cairn_error_set(CAIRN_ENOTFOUND, "git repository '%s': "
					     "'%s' is not a commit", repo_path, h->rev);
			goto done;
		}
		git_object_free(c);
	}
	while ((wrc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit = NULL, *parent = NULL;
		git_blob *blob = NULL, *pblob = NULL;
		unsigned np, p;
		int same = 0;
		struct deps a, b;
		char err[300];
		cairn_history_commit *hc;
		const git_signature *sig;

		if (git_commit_lookup(&commit, repo, &oid) < 0 ||
		    file_blob(&blob, repo, commit, file) < 0) {
			git_commit_free(commit);
			rc = git_fail("cannot read a commit of", repo_path);
			goto done;
		}
		np = git_commit_parentcount(commit);
		/* like git log FILE: skip a commit whose file equals a parent's */
		for (p = 0; p < np && !same; p++) {
			git_commit *pc = NULL;
			git_blob *pb = NULL;

			if (git_commit_parent(&pc, commit, p) < 0 ||
			    file_blob(&pb, repo, pc, file) < 0) {
				git_commit_free(pc);
				continue;
			}
			if ((!pb && !blob) ||
			    (pb && blob && git_oid_equal(git_blob_id(pb), git_blob_id(blob))))
				same = 1;
			if (p == 0) {
				parent = pc;
				pblob = pb;
			} else {
				git_blob_free(pb);
				git_commit_free(pc);
			}
		}
		if (same || (!np && !blob)) {
			git_blob_free(blob);
			git_blob_free(pblob);
			git_commit_free(parent);
			git_commit_free(commit);
			continue;
		}
		if (h->n == h->cap) {
			h->cap = h->cap ? 2 * h->cap : 16;
			h->v = cairn_realloc(h->v, h->cap * sizeof(*h->v));
		}
		hc = &h->v[h->n++];
		memset(hc, 0, sizeof(*hc));
		oid_hex(hc->oid, &oid);
		sig = git_commit_author(commit);
		hc->author_name = cairn_strdup(sig && sig->name ? sig->name : "");
		hc->author_email = cairn_strdup(sig && sig->email ? sig->email : "");
		hc->time = sig ? (int64_t)sig->when.time : 0;
		hc->offset = sig ? sig->when.offset : 0;
		hc->summary = cairn_strdup(git_commit_summary(commit) ?
					   git_commit_summary(commit) : "");
		hc->status = cairn_strdup(!pblob ? "added" : !blob ? "deleted" : "modified");
		err[0] = '\0';
		if (load_deps(&a, pblob, manifest, err, sizeof(err)) < 0 ||
		    load_deps(&b, blob, manifest, err, sizeof(err)) < 0) {
			hc->error = cairn_strdup(err);
		} else {
			diff_deps(hc, &a, &b, manifest);
		}
		deps_release(&a);
		deps_release(&b);
		git_blob_free(blob);
		git_blob_free(pblob);
		git_commit_free(parent);
		git_commit_free(commit);
	}
	if (wrc != GIT_ITEROVER)
		rc = git_fail("cannot walk", repo_path);
done:
	git_object_free(start);
	git_revwalk_free(walk);
	git_repository_free(repo);
	git_libgit2_shutdown();
	if (rc < 0) {
		cairn_history_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void cairn_history_free(cairn_history *h)
{
	size_t i, j;

	if (!h)
		return;
	for (i = 0; i < h->n; i++) {
		cairn_history_commit *c = &h->v[i];

		for (j = 0; j < c->n; j++) {
			free(c->v[j].key);
			free(c->v[j].change);
			free(c->v[j].old_value);
			free(c->v[j].new_value);
		}
		free(c->v);
		free(c->author_name);
		free(c->author_email);
		free(c->summary);
		free(c->status);
		free(c->error);
	}
	free(h->v);
	free(h->repo);
	free(h->file);
	free(h->rev);
	free(h);
}

static json_t *opt_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *cairn_history_to_json(const cairn_history *h)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i, j;

	json_object_set_new(o, "format", json_string("cairn-diff"));
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "mode", json_string("history"));
	json_object_set_new(o, "repository", json_string(h->repo));
	json_object_set_new(o, "file", json_string(h->file));
	json_object_set_new(o, "rev", json_string(h->rev));
	for (i = 0; i < h->n; i++) {
		const cairn_history_commit *c = &h->v[i];
		json_t *x = json_object(), *ch = json_array();
		char when[48];

		cairn_rfc3339_format(when, sizeof(when), c->time, -1);
		json_object_set_new(x, "commit", json_string(c->oid));
		json_object_set_new(x, "author", json_string(c->author_name));
		json_object_set_new(x, "email", json_string(c->author_email));
		json_object_set_new(x, "date", json_string(when));
		json_object_set_new(x, "time", json_integer(c->time));
		json_object_set_new(x, "tz_offset_minutes", json_integer(c->offset));
		json_object_set_new(x, "summary", json_string(c->summary));
		json_object_set_new(x, "file_status", json_string(c->status));
		json_object_set_new(x, "error", opt_json_str(c->error));
		for (j = 0; j < c->n; j++) {
			json_t *y = json_object();

			json_object_set_new(y, "key", json_string(c->v[j].key));
			json_object_set_new(y, "change", json_string(c->v[j].change));
			json_object_set_new(y, "old", opt_json_str(c->v[j].old_value));
			json_object_set_new(y, "new", opt_json_str(c->v[j].new_value));
			json_object_set_new(y, "red_flag", json_boolean(c->v[j].red_flag));
			json_array_append_new(ch, y);
		}
		json_object_set_new(x, "changes", ch);
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "commits", arr);
	return o;
}
