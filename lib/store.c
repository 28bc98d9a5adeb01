/*
 * store.c - snapshot history in a git repository (see store.h).
 *
 * Content blobs are streamed into the object database with
 * git_odb_open_wstream() while SHA-256 is computed alongside; the stream is
 * finalized (the blob written) only when size and SHA-256 equal the
 * snapshot's, so a file that changed since the snapshot is never stored
 * under the snapshot's name.  Trees are built with one git_treebuilder per
 * open folder: entries come in raw path order, in which the paths below a
 * folder are contiguous, so a folder is complete when the walk leaves it.
 */
#include "store.h"
#include "patch.h"
#include "scan.h"
#include "rfc3339.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 4096

static int git_fail(const char *what, const char *name)
{
	const git_error *e = git_error_last();

	return cairn_error_set(CAIRN_EEXTERNAL, "%s '%s': %s", what, name,
			       e && e->message ? e->message : "libgit2 error");
}

static void slug(cairn_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')
			cairn_buf_addch(b, c);
		else if (c == '.' && b->len && b->data[b->len - 1] != '.' &&
			 b->data[b->len - 1] != '/')
			cairn_buf_addch(b, c);   /* no "..", no leading '.' */
		else
			cairn_buf_addch(b, '_');
	}
}

char *cairn_store_branch_name(const char *host, const char *root)
{
	cairn_buf b = CAIRN_BUF_INIT;
	unsigned char md[32];
	char hex[65];

	EVP_Digest(root, strlen(root), md, NULL, EVP_sha256(), NULL);
	cairn_hex(hex, md, 32);
	cairn_buf_addstr(&b, "cairn/");
	slug(&b, *host ? host : "unknown");
	cairn_buf_addch(&b, '/');
	while (*root == '/')
		root++;
	slug(&b, *root ? root : "root");
	while (b.len && b.data[b.len - 1] == '.')
		b.data[--b.len] = '\0';
	cairn_buf_addf(&b, "-%.8s", hex);
	return cairn_buf_detach(&b, NULL);
}

/* ------------------------------------------------------------ trees */

struct level {
	git_treebuilder *tb;
	char *name;            /* this folder's name in its parent */
	size_t prefix_len;     /* length of "a/b" (the folder's path) */
};

struct builder {
	git_repository *repo;
	struct level lv[MAX_DEPTH];
	int depth;             /* lv[0] is the files/ root */
	cairn_buf prefix;      /* path of the deepest open folder */
	cairn_store_stats *st;
};

static int valid_component(const char *p, size_t n)
{
	if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
		return 0;
	if (n == 4 && !strncasecmp(p, ".git", 4))
		return 0;
	return memchr(p, '\0', n) == NULL;
}

/* Close the deepest folder: write its tree into its parent. */
static int pop(struct builder *b)
{
	struct level *l = &b->lv[b->depth];
	git_oid oid;
	int rc = 0;

	if (git_treebuilder_entrycount(l->tb) > 0) {
		if (git_treebuilder_write(&oid, l->tb) < 0 ||
		    git_treebuilder_insert(NULL, b->lv[b->depth - 1].tb, l->name, &oid,
					   GIT_FILEMODE_TREE) < 0)
			b->st->files_skipped++;   /* a name git refuses */
	}
	git_treebuilder_free(l->tb);
	free(l->name);
	l->tb = NULL;
	l->name = NULL;
	b->depth--;
	b->prefix.len = b->lv[b->depth].prefix_len;
	if (b->prefix.data)
		b->prefix.data[b->prefix.len] = '\0';
	return rc;
}

/* Make the open folders match dir[0..len); 0 or negative. */
static int enter_dir(struct builder *b, const char *dir, size_t len)
{
	/* leave folders that are not a prefix of dir */
	while (b->depth > 0) {
		size_t pl = b->prefix.len;

		if (pl <= len && !memcmp(b->prefix.data, dir, pl) &&
		    (pl == len || dir[pl] == '/'))
			break;
		pop(b);
	}
	while (b->prefix.len < len) {
		size_t start = b->prefix.len ? b->prefix.len + 1 : 0;
		const char *slash = memchr(dir + start, '/', len - start);
		size_t end = slash ? (size_t)(slash - dir) : len;
		struct level *l;

		if (b->depth + 1 >= MAX_DEPTH)
			return cairn_error_set(CAIRN_ELIMIT, "path deeper than %d folders",
					       MAX_DEPTH);
		l = &b->lv[++b->depth];
		if (git_treebuilder_new(&l->tb, b->repo, NULL) < 0)
			return git_fail("cannot build a tree in", "store");
		l->name = cairn_strndup(dir + start, end - start);
		if (b->prefix.len)
			cairn_buf_addch(&b->prefix, '/');
		cairn_buf_add(&b->prefix, dir + start, end - start);
		l->prefix_len = b->prefix.len;
	}
	return 0;
}

/* Open path below rootfd without following any symlink. */
static int open_below(int rootfd, const char *path, size_t len)
{
	int dfd = rootfd, fd = -1;
	size_t start = 0;

	while (start < len) {
		const char *slash = memchr(path + start, '/', len - start);
		size_t end = slash ? (size_t)(slash - path) : len;
		char *name = cairn_strndup(path + start, end - start);

		if (end == start || !strcmp(name, ".") || !strcmp(name, "..")) {
			free(name);
			fd = -1;
			errno = EINVAL;
			break;
		}
		if (slash)
			fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else
			fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
				    O_NOCTTY | O_CLOEXEC);
		free(name);
		if (dfd != rootfd)
			close(dfd);
		if (fd < 0)
			return -1;
		dfd = fd;
		start = end + 1;
	}
	return fd;
}

/* Stream one regular file into the odb if it still matches e. */
static int store_file(struct builder *b, git_odb *odb, int rootfd,
		      const cairn_entry *e, git_oid *oid)
{
	unsigned char buf[65536], md[32];
	git_odb_stream *stream = NULL;
	EVP_MD_CTX *ctx = NULL;
	uint64_t total = 0;
	struct stat st;
	int fd, ok = 0;
	ssize_t n;

	(void)b;
	fd = open_below(rootfd, e->path, e->path_len);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != e->size)
		goto done;
	if (git_odb_open_wstream(&stream, odb, e->size, GIT_OBJECT_BLOB) < 0)
		goto done;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		cairn_oom();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while (total < e->size) {
		size_t want = e->size - total < sizeof(buf) ? (size_t)(e->size - total) :
			      sizeof(buf);

		n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto done;
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		if (git_odb_stream_write(stream, (const char *)buf, (size_t)n) < 0)
			goto done;
		total += (uint64_t)n;
	}
	if (read(fd, buf, 1) != 0)
		goto done;                     /* grew since the snapshot */
	EVP_DigestFinal_ex(ctx, md, NULL);
	if (memcmp(md, e->sha256, 32))
		goto done;                     /* other bytes than the snapshot's */
	if (git_odb_stream_finalize_write(oid, stream) < 0)
		goto done;
	ok = 1;
done:
	EVP_MD_CTX_free(ctx);
	git_odb_stream_free(stream);
	close(fd);
	return ok;
}

static int add_entry(struct builder *b, git_odb *odb, int rootfd,
		     const cairn_entry *e)
{
	const char *slash = NULL, *base;
	size_t k, dirlen, baselen;
	git_oid oid;
	int stored = 0, rc;
	git_filemode_t mode;
	char *name;

	if (e->type != CAIRN_T_FILE && e->type != CAIRN_T_SYMLINK)
		return 0;
	for (k = e->path_len; k > 0; k--)
		if (e->path[k - 1] == '/') {
			slash = e->path + k - 1;
			break;
		}
	dirlen = slash ? (size_t)(slash - e->path) : 0;
	base = slash ? slash + 1 : e->path;
	baselen = e->path_len - (size_t)(base - e->path);
	/* every component must be a name git can hold */
	for (k = 0; k < e->path_len;) {
		const char *s = memchr(e->path + k, '/', e->path_len - k);
		size_t end = s ? (size_t)(s - e->path) : e->path_len;

		if (!valid_component(e->path + k, end - k)) {
			b->st->files_skipped++;
			return 0;
		}
		k = end + 1;
	}
	if (e->type == CAIRN_T_SYMLINK) {
		if (git_blob_create_from_buffer(&oid, b->repo, e->target ? e->target : "",
						e->target_len) < 0)
			return git_fail("cannot write a blob in", "store");
		stored = 1;
		mode = GIT_FILEMODE_LINK;
	} else {
		if (e->err || !(e->flags & CAIRN_EF_HASHED) || (e->flags & CAIRN_EF_CHANGED)) {
			b->st->files_skipped++;
			return 0;
		}
		stored = store_file(b, odb, rootfd, e, &oid);
		mode = (e->mode & 0100) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
	}
	if (!stored) {
		b->st->files_skipped++;
		return 0;
	}
	if ((rc = enter_dir(b, e->path, dirlen)) < 0)
		return rc;
	name = cairn_strndup(base, baselen);
	if (git_treebuilder_insert(NULL, b->lv[b->depth].tb, name, &oid, mode) < 0)
		b->st->files_skipped++;
	else
		b->st->files_stored++;
	free(name);
	return 0;
}

/* ------------------------------------------------------------ commit */

static int parse_time(const char *s, int64_t *out)
{
	long nsec;

	return cairn_rfc3339_parse(out, &nsec, s);
}

int cairn_store_lock(const char *git_dir, int exclusive)
{
	cairn_buf p = CAIRN_BUF_INIT;
	int fd, rc;

	cairn_buf_addf(&p, "%s%scairn.lock", git_dir,
		       *git_dir && git_dir[strlen(git_dir) - 1] == '/' ? "" : "/");
	fd = open(p.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && !exclusive)
		fd = open(p.data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cairn_buf_release(&p);
	if (fd < 0)
		return -1;
	do
		rc = flock(fd, exclusive ? LOCK_EX : LOCK_SH);
	while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int open_or_init(git_repository **repo, const char *path)
{
	struct stat st;
	git_config *cfg = NULL;

	if (stat(path, &st) == 0)
		return git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
					       NULL) < 0 ?
		       git_fail("cannot open git repository", path) : 0;
	if (git_repository_init(repo, path, 1) < 0)
		return git_fail("cannot create git repository", path);
	/* reflogs in a bare repository, so "branch@{yesterday}" works */
	if (git_repository_config(&cfg, *repo) == 0) {
		git_config_set_string(cfg, "core.logAllRefUpdates", "always");
		git_config_free(cfg);
	}
	return 0;
}

int cairn_store_commit(const char *repo_path, const char *snapshot_path,
		       const char *root, int with_content,
		       char out_commit_hex[41], cairn_store_stats *stats,
		       char **out_branch)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_treebuilder *top = NULL;
	git_reference *ref = NULL, *newref = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	cairn_snap_reader *r = NULL;
	cairn_store_stats local;
	struct builder *b = NULL;
	cairn_record rec;
	cairn_buf msg = CAIRN_BUF_INIT, refname = CAIRN_BUF_INIT;
	const json_t *h;
	const char *host, *sroot, *created;
	char *branch = NULL;
	git_oid snap_oid, files_oid, tree_oid, commit_oid;
	int64_t when = 0;
	int rootfd = -1, lock = -1, rc, have_files = 0;

	out_commit_hex[0] = '\0';
	if (out_branch)
		*out_branch = NULL;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	git_libgit2_init();

	if ((rc = cairn_snap_reader_open(&r, snapshot_path, NULL)) < 0)
		goto done;
	h = cairn_snap_reader_header(r);
	/* docs/FORMAT.md says "hostname"; early cairn-snap wrote "host" */
	host = json_string_value(json_object_get(h, "hostname"));
	if (!host)
		host = json_string_value(json_object_get(h, "host"));
	/* the resolved root names the branch: "app" and "/srv/app" given on
	 * two command lines are the same tree */
	sroot = json_string_value(json_object_get(h, "root_realpath"));
	if (!sroot)
		sroot = json_string_value(json_object_get(h, "root"));
	created = json_string_value(json_object_get(h, "created"));
	branch = cairn_store_branch_name(host ? host : "unknown", sroot ? sroot : "");
	if ((rc = open_or_init(&repo, repo_path)) < 0)
		goto done;
	/* a prune running now would remove the objects written below before
	 * the branch points at them: wait for it */
	lock = cairn_store_lock(git_repository_path(repo), 0);
	if (lock < 0) {
		rc = cairn_error_set(CAIRN_EIO, "store '%s': cannot lock it: %s", repo_path,
				     strerror(errno));
		goto done;
	}
	if (git_repository_odb(&odb, repo) < 0) {
		rc = git_fail("cannot open the objects of", repo_path);
		goto done;
	}
	if (with_content) {
		if (!root) {
			rc = cairn_error_set(CAIRN_EUSAGE, "--store-content needs the "
					     "root folder");
			goto done;
		}
		rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0) {
			rc = cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", root,
					     strerror(errno));
			goto done;
		}
		b = cairn_calloc(1, sizeof(*b));
		b->repo = repo;
		b->st = stats;
		if (git_treebuilder_new(&b->lv[0].tb, repo, NULL) < 0) {
			rc = git_fail("cannot build a tree in", repo_path);
			goto done;
		}
	}
	/* one pass: verifies the checksum and streams the content */
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0)
		if (b && rec.kind == CAIRN_REC_ENTRY &&
		    (rc = add_entry(b, odb, rootfd, &rec.entry)) < 0)
			goto done;
	if (rc < 0)
		goto done;
	if (b) {
		while (b->depth > 0)
			pop(b);
		if (git_treebuilder_entrycount(b->lv[0].tb) > 0) {
			if (git_treebuilder_write(&files_oid, b->lv[0].tb) < 0) {
				rc = git_fail("cannot write a tree in", repo_path);
				goto done;
			}
			have_files = 1;
		}
	}
	if (git_blob_create_from_disk(&snap_oid, repo, snapshot_path) < 0 ||
	    git_treebuilder_new(&top, repo, NULL) < 0 ||
	    git_treebuilder_insert(NULL, top, CAIRN_STORE_SNAPSHOT_NAME, &snap_oid,
				   GIT_FILEMODE_BLOB) < 0 ||
	    (have_files && git_treebuilder_insert(NULL, top, CAIRN_STORE_FILES_DIR,
						  &files_oid, GIT_FILEMODE_TREE) < 0) ||
	    git_treebuilder_write(&tree_oid, top) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_oid) < 0) {
		rc = git_fail("cannot write the snapshot into", repo_path);
		goto done;
	}
	cairn_buf_addf(&refname, "refs/heads/%s", branch);
	if (git_reference_lookup(&ref, repo, refname.data) == 0 &&
	    git_reference_peel((git_object **)&parent, ref, GIT_OBJECT_COMMIT) < 0) {
		rc = git_fail("cannot read branch", refname.data);
		goto done;
	}
	if (parse_time(created, &when) < 0)
		when = (int64_t)time(NULL);
	{
		cairn_buf email = CAIRN_BUF_INIT;

		cairn_buf_addstr(&email, "cairn@");
		slug(&email, host ? host : "unknown");
		rc = git_signature_new(&sig, "cairn", email.data, (git_time_t)when, 0);
		cairn_buf_release(&email);
		if (rc < 0) {
			rc = git_fail("cannot make a signature for", repo_path);
			goto done;
		}
	}
	cairn_buf_addf(&msg, "cairn snapshot of %s:%s at %s\n\n",
		       host ? host : "unknown", sroot ? sroot : "?",
		       created ? created : "?");
	{
		const char *sum = json_string_value(
			json_object_get(cairn_snap_reader_trailer(r), "sha256"));

		cairn_buf_addf(&msg, "snapshot-sha256: %s\n", sum ? sum : "?");
	}
	if (with_content)
		cairn_buf_addf(&msg, "files-stored: %llu\nfiles-skipped: %llu\n",
			       (unsigned long long)stats->files_stored,
			       (unsigned long long)stats->files_skipped);
	if (git_commit_create(&commit_oid, repo, NULL, sig, sig, NULL, msg.data, tree,
			      parent ? 1 : 0, (const git_commit **)&parent) < 0 ||
	    git_reference_create(&newref, repo, refname.data, &commit_oid, 1,
				 "cairn: store snapshot") < 0) {
		rc = git_fail("cannot commit into", repo_path);
		goto done;
	}
	/* a fresh store: HEAD names this branch so "HEAD~1" works */
	if (git_repository_head_unborn(repo) == 1)
		git_repository_set_head(repo, refname.data);
	git_oid_tostr(out_commit_hex, 41, &commit_oid);
	if (out_branch) {
		*out_branch = branch;
		branch = NULL;
	}
	rc = 0;
done:
	if (b) {
		while (b->depth > 0) {
			git_treebuilder_free(b->lv[b->depth].tb);
			free(b->lv[b->depth].name);
			b->depth--;
		}
		git_treebuilder_free(b->lv[0].tb);
		cairn_buf_release(&b->prefix);
		free(b);
	}
	if (rootfd >= 0)
		close(rootfd);
	if (lock >= 0)
		close(lock);
	free(branch);
	cairn_buf_release(&msg);
	cairn_buf_release(&refname);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(parent);
	git_reference_free(ref);
	git_reference_free(newref);
	git_treebuilder_free(top);
	git_odb_free(odb);
	git_repository_free(repo);
	cairn_snap_reader_free(r);
	git_libgit2_shutdown();
	return rc;
}

/* ------------------------------------------------------------ reading */

struct cairn_store {
	git_repository *repo;
	char *path;
	int lock;              /* shared; -1 on a read-only store */
};

int cairn_store_open(cairn_store **out, const char *repo_path)
{
	cairn_store *s;

	*out = NULL;
	git_libgit2_init();
	s = cairn_calloc(1, sizeof(*s));
	s->lock = -1;
	s->path = cairn_strdup(repo_path);
	if (git_repository_open_ext(&s->repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		int rc = git_fail("cannot open git repository", repo_path);

		cairn_store_close(s);
		return rc;
	}
	s->lock = cairn_store_lock(git_repository_path(s->repo), 0);
	*out = s;
	return 0;
}

void cairn_store_close(cairn_store *s)
{
	if (!s)
		return;
	git_repository_free(s->repo);
	if (s->lock >= 0)
		close(s->lock);
	free(s->path);
	free(s);
	git_libgit2_shutdown();
}

static int commit_tree(cairn_store *s, const char *rev, git_tree **tree,
		       char *commit_hex)
{
	git_object *obj = NULL;
	git_commit *commit = NULL;
	int rc = 0;

	*tree = NULL;
	if (git_revparse_single(&obj, s->repo, rev) < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		const git_error *e = git_error_last();

		rc = cairn_error_set(CAIRN_ENOTFOUND, "store '%s': revision '%s' "
				     "not found%s%s", s->path, rev, e ? ": " : "",
				     e && e->message ? e->message : "");
		goto done;
	}
	if (commit_hex)
		git_oid_tostr(commit_hex, 41, git_commit_id(commit));
	if (git_commit_tree(tree, commit) < 0)
		rc = git_fail("cannot read a commit of store", s->path);
done:
	git_commit_free(commit);
	git_object_free(obj);
	return rc;
}

int cairn_store_read(cairn_store *s, const char *rev, void **out_data,
		     size_t *out_len, char *out_commit_hex)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	int rc;

	*out_data = NULL;
	*out_len = 0;
	if ((rc = commit_tree(s, rev, &tree, out_commit_hex)) < 0)
		return rc;
	if (git_tree_entry_bypath(&te, tree, CAIRN_STORE_SNAPSHOT_NAME) < 0 ||
	    git_tree_entry_type(te) != GIT_OBJECT_BLOB ||
	    git_blob_lookup(&blob, s->repo, git_tree_entry_id(te)) < 0) {
		rc = cairn_error_set(CAIRN_ENOTFOUND, "store '%s': revision '%s' "
				     "holds no %s", s->path, rev, CAIRN_STORE_SNAPSHOT_NAME);
		goto done;
	}
	*out_len = (size_t)git_blob_rawsize(blob);
	*out_data = cairn_malloc(*out_len ? *out_len : 1);
	memcpy(*out_data, git_blob_rawcontent(blob), *out_len);
done:
	git_blob_free(blob);
	git_tree_entry_free(te);
	git_tree_free(tree);
	return rc;
}

int cairn_store_load(void **out_data, size_t *out_len, char *out_commit_hex,
		     const char *repo_path, const char *rev)
{
	cairn_store *s;
	int rc;

	*out_data = NULL;
	*out_len = 0;
	if ((rc = cairn_store_open(&s, repo_path)) < 0)
		return rc;
	rc = cairn_store_read(s, rev, out_data, out_len, out_commit_hex);
	cairn_store_close(s);
	return rc;
}

static int content_blob(cairn_store *s, const char *commit, const char *path,
			git_blob **out)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	cairn_buf p = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = commit_tree(s, commit, &tree, NULL)) < 0)
		return rc;
	cairn_buf_addf(&p, "%s/%s", CAIRN_STORE_FILES_DIR, path);
	if (git_tree_entry_bypath(&te, tree, p.data) == 0 &&
	    git_tree_entry_type(te) == GIT_OBJECT_BLOB &&
	    git_blob_lookup(out, s->repo, git_tree_entry_id(te)) < 0)
		rc = git_fail("cannot read a blob of store", s->path);
	cairn_buf_release(&p);
	git_tree_entry_free(te);
	git_tree_free(tree);
	return rc;
}

int cairn_store_file(cairn_store *s, const char *commit, const char *path,
		     cairn_buf *out)
{
	git_blob *blob = NULL;
	int rc;

	if ((rc = content_blob(s, commit, path, &blob)) < 0)
		return rc;
	if (!blob)
		return 0;
	cairn_buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return 1;
}

int cairn_store_patch(cairn_store *s, const char *old_commit,
		      const char *new_commit, const char *path,
		      size_t path_len, cairn_buf *out)
{
	git_blob *a = NULL, *b = NULL;
	char *p = cairn_strndup(path, path_len);
	int rc;

	if (memchr(path, '\0', path_len)) {
		free(p);
		return 0;
	}
	if ((rc = content_blob(s, old_commit, p, &a)) < 0 ||
	    (rc = content_blob(s, new_commit, p, &b)) < 0)
		goto done;
	/* a file that is new on the new side shows as all added lines */
	if (!b) {
		rc = 0;
		goto done;
	}
	if ((a && git_blob_is_binary(a)) || git_blob_is_binary(b)) {
		rc = 2;
		goto done;
	}
	rc = cairn_patch_texts(out, p, a ? git_blob_rawcontent(a) : NULL,
			       a ? (size_t)git_blob_rawsize(a) : 0, p,
			       git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
done:
	git_blob_free(a);
	git_blob_free(b);
	free(p);
	return rc;
}

#define MAX_PATCHES 40
#define MAX_PATCH_LINES 80

json_t *cairn_store_patches_json(cairn_store *st, const char *old_commit,
				 const char *new_commit, const json_t *diff)
{
	static const cairn_patch_caps caps = { MAX_PATCH_LINES, CAIRN_PATCH_LINE_BYTES };
	const json_t *changes = json_object_get(diff, "changes");
	json_t *out = json_array();
	cairn_buf p = CAIRN_BUF_INIT, e = CAIRN_BUF_INIT;
	size_t i;

	for (i = 0; i < json_array_size(changes) && json_array_size(out) < MAX_PATCHES; i++) {
		const json_t *ch = json_array_get(changes, i);
		const char *kind = json_string_value(json_object_get(ch, "change"));
		const char *path = json_string_value(json_object_get(ch, "path"));
		const char *nk = json_string_value(json_object_get(json_object_get(ch, "new"), "kind"));
		json_t *item;

		if (!kind || !path || (strcmp(kind, "modified") && strcmp(kind, "added")) ||
		    (nk && strcmp(nk, "file")))
			continue;
		cairn_buf_clear(&p);
		if (cairn_store_patch(st, old_commit, new_commit, path, strlen(path), &p) != 1)
			continue;
		cairn_buf_clear(&e);
		cairn_patch_excerpt(&e, p.data, p.len, &caps, NULL);
		item = json_object();
		json_object_set_new(item, "path", json_string(path));
		json_object_set_new(item, "patch", json_string(e.data ? e.data : ""));
		json_array_append_new(out, item);
	}
	cairn_buf_release(&p);
	cairn_buf_release(&e);
	return out;
}
