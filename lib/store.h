/*
 * store.h - snapshot history in a git repository (libgit2).
 *
 * Each stored snapshot is one commit on a branch per host and root:
 *
 *   refs/heads/cairn/<host>/<root-slug>
 *
 * <host> is the header's "hostname" (characters outside [A-Za-z0-9._-] become
 * '_'; "host" in files that predate FORMAT.md's name), <root-slug> is the
 * header's "root_realpath" (else "root") made the same way followed by
 * '-' and the first 8 hex digits of SHA-256(root), so that two roots that
 * slug alike never share a branch.  The commit's tree holds:
 *
 *   snapshot.cairn      the snapshot file, byte for byte
 *   files/<path>        with content: every regular file of the snapshot
 *                       whose bytes, read again from the root, still have
 *                       the snapshot's SHA-256 (blob, mode 100644/100755);
 *                       symlinks as mode 120000 blobs of their target
 *
 * Blobs are deduplicated by git itself.  The repository is created (bare)
 * when repo_path does not exist.  Replication is plain git push/fetch.
 */
#ifndef CAIRN_STORE_H
#define CAIRN_STORE_H

#include "snapshot.h"

/* Path of the snapshot file inside a stored commit's tree. */
#define CAIRN_STORE_SNAPSHOT_NAME "snapshot.cairn"
/* Folder of the content blobs inside a stored commit's tree. */
#define CAIRN_STORE_FILES_DIR "files"

typedef struct cairn_store_stats {
	uint64_t files_stored;    /* regular files and symlinks written as blobs */
	uint64_t files_skipped;   /* changed since the snapshot, unreadable, or a
	                           * name git cannot hold ("." "..", ".git") */
} cairn_store_stats;

/*
 * Commit the finished snapshot at snapshot_path into the repository at
 * repo_path (created bare if missing) on the branch of its host and root.
 * The snapshot is verified first (checksum; signature not required).
 *
 * root: the folder the snapshot was made of; used only when with_content
 * is non-zero, to read the regular files again (never following symlinks).
 * A file whose size or SHA-256 no longer match the snapshot is skipped and
 * counted, never stored under the snapshot's name.
 *
 * out_commit_hex receives the new commit id (40 hex digits + NUL); stats
 * (may be NULL) the content counters.  The branch name is written to
 * out_branch when non-NULL (caller frees).  Returns 0 or a negative
 * CAIRN_E* code with a message naming the repository or file.
 * Initialises and shuts down libgit2 itself (reference counted).
 */
int cairn_store_commit(const char *repo_path, const char *snapshot_path,
		       const char *root, int with_content,
		       char out_commit_hex[41], cairn_store_stats *stats,
		       char **out_branch);

/*
 * Branch name (without "refs/heads/") for a host and root, as described
 * above.  Caller frees.
 */
char *cairn_store_branch_name(const char *host, const char *root);

/*
 * Load the snapshot stored at a git revision (any git_revparse syntax:
 * "known-good", "cairn/h/r~1", "HEAD@{yesterday}", a commit id).  *out_data
 * receives a malloc'd copy of the snapshot bytes (caller frees), *out_len
 * its length, out_commit_hex (optional, 41 bytes) the commit id.
 */
int cairn_store_load(void **out_data, size_t *out_len, char *out_commit_hex,
		     const char *repo_path, const char *rev);

/*
 * The store's lock, the file cairn.lock in the repository's git folder
 * (git_dir, as git_repository_path() gives it), taken with flock(2):
 * shared by cairn_store_commit() and cairn_store_open(), exclusive by
 * cairn_store_prune() (prune.h), which removes objects.  Blocks until
 * granted.  Returns the descriptor to close(2) to release it, or -1 with
 * errno set when the lock file can be neither created nor opened (a
 * read-only store: readers go on without it).
 */
int cairn_store_lock(const char *git_dir, int exclusive);

/* ---- reading a store (cairn-diff --store, --patch) ---- */
typedef struct cairn_store cairn_store;

/* Open an existing store repository.  Free with cairn_store_close(). */
int cairn_store_open(cairn_store **out, const char *repo_path);
void cairn_store_close(cairn_store *s);
/* As cairn_store_load() on an open store. */
int cairn_store_read(cairn_store *s, const char *rev, void **out_data,
		     size_t *out_len, char *out_commit_hex);
/* The content stored for path in commit (a hex id) appended to out:
 * 1, or 0 when not stored (a symlink's blob is its target); negative on
 * failure. */
int cairn_store_file(cairn_store *s, const char *commit, const char *path,
		     cairn_buf *out);
/*
 * Unified diff (3 lines of context, libgit2) of the content stored for path
 * in the commits old_commit and new_commit (hex ids, as returned by
 * cairn_store_read()), appended to out with "a/PATH" / "b/PATH" headers.
 * A path whose content is stored only in new_commit (an added file) gives
 * a patch from nothing.  Returns 1 when a text patch was written, 2 when
 * either side is binary (nothing written: the caller prints sizes and
 * hashes), 0 when the new content is not stored, negative on failure.  The patch holds
 * untrusted bytes: escape before showing it on a terminal.
 */
int cairn_store_patch(cairn_store *s, const char *old_commit,
		      const char *new_commit, const char *path,
		      size_t path_len, cairn_buf *out);

/*
 * Patch excerpts for the rules and the report: for every added or modified
 * regular file of diff (a cairn_diff_to_json() document) whose content the
 * store holds, {"path", "patch"} with the unified diff cut at 80 lines, at
 * most 40 files, in the diff's order.  Invalid UTF-8 in a patch is kept in
 * the reversible escaped form (cairn_escape_bytes).  New reference.
 */
json_t *cairn_store_patches_json(cairn_store *st, const char *old_commit,
				 const char *new_commit, const json_t *diff);

#endif
