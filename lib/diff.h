/*
 * diff.h - comparison of two snapshots (or a snapshot and the live tree):
 * a streaming merge of two path-sorted entry streams, plus a comparison of
 * the non-entry records (packages, env, MCP servers, ...).
 *
 * Memory does not grow with the number of entries: entries are never
 * loaded; each change found is spooled to an unlinked temporary file (one
 * per change kind) and replayed only after both inputs verified (trailer
 * checksum, signature with a public key), so a caller never sees a partial
 * or unverified result.  The non-entry records (few) are held in memory.
 *
 * The result is available as C (cairn_diff_foreach(), the counts, the
 * record changes) and as one JSON document (cairn_diff_to_json(),
 * cairn_diff_write_json(); docs/diff-schema.json).  Order is deterministic:
 * by kind (added, removed, modified, metadata, unreadable), then by path
 * (cairn_path_cmp); record changes by type, key, change.
 */
#ifndef CAIRN_DIFF_H
#define CAIRN_DIFF_H

#include "ignore.h"
#include "snapshot.h"

#include <jansson.h>
#include <stdio.h>

/* Kinds of entry change, in report order. */
enum cairn_diff_kind {
	CAIRN_DIFF_ADDED = 0,
	CAIRN_DIFF_REMOVED,
	CAIRN_DIFF_MODIFIED,    /* content or type changed */
	CAIRN_DIFF_METADATA,    /* only metadata (mode, owner, target, ...) */
	CAIRN_DIFF_UNREADABLE,  /* readable before, unreadable now */
	CAIRN_DIFF__KINDS
};

/* "added", "removed", "modified", "metadata", "unreadable" */
const char *cairn_diff_kind_name(int kind);
/* Inverse of cairn_diff_kind_name; -1 when unknown. */
int cairn_diff_kind_parse(const char *name);

/* What differs (bits of cairn_diff_change.what). */
#define CAIRN_DW_CONTENT    0x001  /* sha256 or size differ */
#define CAIRN_DW_TYPE       0x002  /* file <-> dir <-> symlink ... */
#define CAIRN_DW_MODE       0x004  /* permission bits (incl. suid/sgid) */
#define CAIRN_DW_OWNER      0x008  /* uid or gid */
#define CAIRN_DW_TARGET     0x010  /* symlink target */
#define CAIRN_DW_MTIME      0x020  /* reported only with opts.mtime */
#define CAIRN_DW_XATTR      0x040  /* extended attributes (names or values) */
#define CAIRN_DW_RDEV       0x080  /* device number of a char/block device */
#define CAIRN_DW_ERROR      0x100  /* readability changed (see kind) */
#define CAIRN_DW__COUNT     9

/* Name of one CAIRN_DW_* bit ("content", "type", "mode", "owner",
 * "target", "mtime", "xattr", "rdev", "error"); NULL for others. */
const char *cairn_diff_what_name(unsigned bit);

typedef struct cairn_diff_opts {
	int mtime;                 /* report mtime-only changes */
	cairn_ignore *ignore;      /* paths to leave out (borrowed, may be NULL) */
	const cairn_key *pubkey;   /* signatures required by this key (or NULL) */
	/* Called with the number of paths compared so far, every 4096 paths
	 * and once at the end (final = 1), on the calling thread (may be
	 * NULL): a progress line for --live, where the walk hashes files. */
	void (*progress)(void *ctx, uint64_t compared, int final);
	void *progress_ctx;
} cairn_diff_opts;

/* One entry change, valid during the callback only. */
typedef struct cairn_diff_change {
	int kind;                  /* enum cairn_diff_kind */
	unsigned what;             /* CAIRN_DW_* (0 for added/removed) */
	const cairn_entry *old;    /* NULL when added */
	const cairn_entry *new;    /* NULL when removed */
	const json_t *json;        /* the change as in the JSON document */
} cairn_diff_change;

typedef struct cairn_diff_counts {
	uint64_t kind[CAIRN_DIFF__KINDS];  /* changes per kind */
	uint64_t ignored;          /* entries left out by the ignore rules */
	uint64_t old_entries, new_entries;
	uint64_t records;          /* record changes (packages, env, mcp ...) */
} cairn_diff_counts;

/* Kinds of change of a non-entry record; the names are those of the JSON
 * document's "change" (docs/diff-schema.json). */
enum cairn_rec_change {
	CAIRN_RC_ADDED = 0,
	CAIRN_RC_REMOVED,
	CAIRN_RC_VERSION_CHANGED,
	CAIRN_RC_SAME_VERSION_DIFFERENT_CONTENT,
	CAIRN_RC_RESOLVED_CHANGED,
	CAIRN_RC_SCRIPTS_CHANGED,
	CAIRN_RC_LOCK_DRIFT_APPEARED,
	CAIRN_RC_FILES_MISMATCH_APPEARED,
	CAIRN_RC_VALUE_CHANGED,
	CAIRN_RC_COMMAND_CHANGED,
	CAIRN_RC_CHANGED,
	CAIRN_RC__COUNT
};

/* "added", "removed", "version-changed", "same-version-different-content",
 * "resolved-changed", "scripts-changed", "lock-drift-appeared",
 * "files-mismatch-appeared", "value-changed", "command-changed",
 * "changed"; NULL for others. */
const char *cairn_rec_change_name(int change);
/* Inverse of cairn_rec_change_name; -1 when unknown. */
int cairn_rec_change_parse(const char *name);

/* One change of a non-entry record.  Strings and JSON owned by the diff. */
typedef struct cairn_diff_record_change {
	const char *type;     /* record type: "package", "env", "mcp_server" ... */
	const char *key;      /* what identifies it, e.g. "npm:node_modules/x" */
	int change;           /* enum cairn_rec_change */
	int red_flag;         /* 1 for a change that is suspicious by itself */
	const json_t *old;    /* the old record or NULL */
	const json_t *new;    /* the new record or NULL */
	const json_t *fields; /* array of the top-level field names that differ */
} cairn_diff_record_change;

typedef struct cairn_diff cairn_diff;

/*
 * Diff two snapshot files.  label_old/label_new name them in messages and
 * output (NULL: the paths).  On failure *out is NULL and the message names
 * the file (e.g. "snapshot 'b.cairn': record 12: checksum mismatch ...").
 */
int cairn_diff_files(cairn_diff **out, const char *old_path,
		     const char *new_path, const cairn_diff_opts *opts);

/*
 * Diff two open readers (e.g. from cairn_snap_reader_open_mem() on stored
 * blobs).  The readers are consumed to their end, not freed.  old_label and
 * new_label name the inputs in the result.
 */
int cairn_diff_readers(cairn_diff **out, cairn_snap_reader *old_r,
		       const char *old_label, cairn_snap_reader *new_r,
		       const char *new_label, const cairn_diff_opts *opts);

/*
 * Diff a snapshot against the tree at root as it is now: walked and hashed
 * with the options the snapshot's header recorded ("options": "exclude" /
 * "exclude_esc", "one_file_system"), and analysed again with its analysis
 * options ("packages", "npm_cache", "mcp_configs", "mcp_discover"), so
 * package and MCP records are compared too.  Environment and process
 * records are not re-read (they belong to the moment of the snapshot).
 */
int cairn_diff_live(cairn_diff **out, const char *old_path, const char *root,
		    const cairn_diff_opts *opts);

const cairn_diff_counts *cairn_diff_get_counts(const cairn_diff *d);
/* 1 when there is any entry or record change, else 0. */
int cairn_diff_has_changes(const cairn_diff *d);
/* The headers of both sides (owned by the diff; the live side's is a
 * synthesized {"root":..., "live":true}). */
const json_t *cairn_diff_header(const cairn_diff *d, int new_side);
const char *cairn_diff_label(const cairn_diff *d, int new_side);
/* The non-entry records of one side, in file order, as a JSON array
 * (owned by the diff; empty for the live side).  For lib/rules.h. */
const json_t *cairn_diff_side_records(const cairn_diff *d, int new_side);

/*
 * Call fn for every entry change in report order; fn returns 0 to go on,
 * non-zero to stop (that value is returned).  Negative CAIRN_E* when the
 * spool cannot be read back.
 */
typedef int (*cairn_diff_fn)(void *ctx, const cairn_diff_change *c);
int cairn_diff_foreach(const cairn_diff *d, cairn_diff_fn fn, void *ctx);

/* The record changes (sorted); *count receives their number. */
const cairn_diff_record_change *cairn_diff_records(const cairn_diff *d,
						    size_t *count);

/* The whole result as one JSON document (new reference; memory grows with
 * the number of changes).  Schema: docs/diff-schema.json. */
json_t *cairn_diff_to_json(const cairn_diff *d);
/* The same document written to f as it is produced (flat memory), one
 * change per line.  0 or CAIRN_EIO. */
int cairn_diff_write_json(const cairn_diff *d, FILE *f);

void cairn_diff_free(cairn_diff *d);

/* Make the JSON of an entry change (used by the diff and by tests):
 * {"path", "change", "what": [...], "old": {...}, "new": {...}}. */
json_t *cairn_diff_change_json(int kind, unsigned what, const cairn_entry *old,
			       const cairn_entry *new);

/* Compare two entries of the same path; returns the CAIRN_DW_* bits
 * (CAIRN_DW_MTIME included whatever the options) and sets *kind. */
unsigned cairn_diff_entries(const cairn_entry *old, const cairn_entry *new,
			    int report_mtime, int *kind);

#endif
