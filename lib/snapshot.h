/*
 * snapshot.h - snapshot format v1: writer, streaming reader, signatures.
 *
 * A snapshot is one zstd stream of newline-delimited JSON records
 * (docs/FORMAT.md):
 *
 *   {"type":"header", ...}                    exactly one, first
 *   {"type":"entry", "path":..., ...}         sorted by raw path bytes
 *   {"type":"<other>", ...}                   package, env, mcp_server ...
 *   {"type":"trailer", "sha256":..., ...}     exactly one, last
 *
 * The trailer's sha256 covers every byte (uncompressed) before the trailer
 * line; its optional "signature" is Ed25519 over that digest.
 */
#ifndef CAIRN_SNAPSHOT_H
#define CAIRN_SNAPSHOT_H

#include "cairn.h"
#include "keys.h"

#include <jansson.h>
#include <stdint.h>

#define CAIRN_FORMAT_NAME "cairn-snapshot"
#define CAIRN_FORMAT_MAJOR 1
#define CAIRN_FORMAT_MINOR 3   /* 1.1 added package/env/mcp records, 1.2 moved reuse.prev_sha256 to the trailer, 1.3 coverage */

enum cairn_entry_type {
	CAIRN_T_FILE = 0,
	CAIRN_T_DIR,
	CAIRN_T_SYMLINK,
	CAIRN_T_FIFO,
	CAIRN_T_SOCKET,
	CAIRN_T_CHR,
	CAIRN_T_BLK,
	CAIRN_T_UNKNOWN,
	CAIRN_T__COUNT
};

/* "file", "dir", "symlink", "fifo", "socket", "char", "block", "unknown" */
const char *cairn_entry_type_name(int type);
int cairn_entry_type_parse(const char *name);   /* -1 when unknown */

typedef struct cairn_xattr {
	char *name;                 /* raw bytes, NUL-terminated */
	uint64_t size;              /* length of the value */
	unsigned char sha256[32];   /* SHA-256 of the value */
} cairn_xattr;

/* Flags of an entry. */
#define CAIRN_EF_HASHED   0x1  /* sha256 and xxh128 are valid (regular files) */
#define CAIRN_EF_CHANGED  0x2  /* file changed while it was being read */

typedef struct cairn_entry {
	char *path;            /* raw bytes relative to the root, no "./"; owned */
	size_t path_len;
	int type;              /* enum cairn_entry_type */
	uint32_t mode;         /* permission bits incl. suid/sgid/sticky (07777) */
	uint32_t uid, gid;
	uint64_t size;
	int64_t mtime_sec;
	long mtime_nsec;
	int64_t ctime_sec;
	long ctime_nsec;
	uint64_t dev, ino, nlink;
	uint64_t rdev;         /* char/block devices */
	char *target;          /* symlink target, raw bytes; owned; NULL if none */
	size_t target_len;
	cairn_xattr *xattrs;   /* sorted by name; owned */
	size_t xattr_count;
	unsigned flags;        /* CAIRN_EF_* */
	unsigned char sha256[32];
	unsigned char xxh128[16];
	int err;               /* errno of the failure to read it, 0 if none */
	char *err_op;          /* what failed: "open", "read", "readlink", ...; owned */
} cairn_entry;

void cairn_entry_init(cairn_entry *e);
void cairn_entry_release(cairn_entry *e);        /* frees owned fields, re-inits */
void cairn_entry_copy(cairn_entry *dst, const cairn_entry *src); /* deep copy */
/* memcmp order of raw path bytes, shorter prefix first (the file order). */
int cairn_path_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* The entry's record as the writer writes it (canonical JSON, no newline),
 * appended to b. */
void cairn_entry_line(cairn_buf *b, const cairn_entry *e);
/* 1 when line is the line of the regular file e (its path and lstat
 * fields as they are in e) with two digests and nothing else, or of the
 * directory e with nothing else: *out, an empty entry (cairn_entry_init()),
 * is then that entry, digests and all, without its path; 0 otherwise,
 * *out untouched.  Allocates nothing. */
int cairn_entry_line_match(cairn_entry *out, const cairn_entry *e,
			   const char *line, size_t len);
/* Append "key":"..." for raw bytes the way the writer does: the string
 * when valid UTF-8 without NUL, else "key_esc" (cairn_escape_bytes). */
void cairn_json_add_bytes(cairn_buf *b, const char *key, const char *p, size_t n);

/* Entry <-> JSON record.  to_json returns a new reference. */
json_t *cairn_entry_to_json(const cairn_entry *e);
int cairn_entry_from_json(cairn_entry *out, const json_t *rec);

/* A string field holding raw bytes: "key" when valid UTF-8, else
 * "key_esc" with cairn_escape_bytes().  get returns CAIRN_ENOTFOUND when
 * neither is present. */
void cairn_json_set_bytes(json_t *obj, const char *key, const char *p, size_t n);
int cairn_json_get_bytes(const json_t *obj, const char *key, cairn_buf *out);
/* A list element holding raw bytes (paths lists, argv): the string when
 * valid UTF-8, else "esc:" and its cairn_escape_bytes() form
 * (docs/RECORDS.md).  New reference. */
json_t *cairn_json_bytes_item(const char *p, size_t n);

/* ---- frames ---- */
/*
 * A snapshot is a sequence of zstd frames (docs/FORMAT.md: the header, the
 * records cut where their content says, the trailer).  A snapshot read
 * whole into memory (cairn_snap_reader_load()) has an index of them: each
 * frame's uncompressed content [u_from, u_to) and its compressed bytes
 * [c_from, c_to) in mem, from the frame headers alone.  Not verified: the
 * reader checks the same bytes as it decompresses them.
 */
typedef struct cairn_snap_frame {
	uint64_t u_from, u_to;
	size_t c_from, c_to;
} cairn_snap_frame;

typedef struct cairn_snap_frames {
	const unsigned char *mem;
	const cairn_snap_frame *frame;
	size_t count;
} cairn_snap_frames;

/* No line of the source (cairn_snap_writer_entry_line()). */
#define CAIRN_SNAP_NO_SOURCE UINT64_MAX

/* ---- writer ---- */
typedef struct cairn_snap_writer cairn_snap_writer;

/*
 * Start a snapshot that will appear at path only on success: the data goes
 * to a temporary file in the same folder, which close() fsyncs and renames.
 * header: the tool's header fields (borrowed); the writer adds "type",
 * "format" and "version" in front.  path "-" writes to stdout (no rename).
 */
int cairn_snap_writer_open(cairn_snap_writer **out, const char *path,
			   const json_t *header);
/* Entries must come in strictly increasing cairn_path_cmp() order;
 * an out-of-order or duplicate path is CAIRN_EUSAGE. */
int cairn_snap_writer_entry(cairn_snap_writer *w, const cairn_entry *e);
/*
 * The same, with the record's bytes given: line[0..len) (no newline) must
 * be exactly what cairn_snap_writer_entry() would write for e, as a line of
 * an earlier snapshot of this format version and tool version is for an
 * entry whose every recorded field is unchanged (cairn-snap --reuse).  e
 * gives the path (order), type and error (counts).  Borrowed.  src_at:
 * the offset in the source's content (cairn_snap_writer_set_source()) of
 * the same bytes and their newline, or CAIRN_SNAP_NO_SOURCE.
 */
int cairn_snap_writer_entry_line(cairn_snap_writer *w, const cairn_entry *e,
				 const char *line, size_t len, uint64_t src_at);
/*
 * Frames of an earlier snapshot (borrowed until the next call; NULL: none)
 * whose compressed bytes the writer copies when a frame of its own holds
 * exactly the content of one of them, given line by line with src_at.  The
 * output is the same as without: a frame is copied only where compressing
 * it gives the same bytes (the first copies are checked).
 */
void cairn_snap_writer_set_source(cairn_snap_writer *w,
				  const cairn_snap_frames *src);
/* Frames written so far, and how many of them were copied. */
void cairn_snap_writer_frame_counts(const cairn_snap_writer *w,
				    uint64_t *frames, uint64_t *copied);
/* Any other record (must have a string "type" that is not header, entry or
 * trailer); written after all entries, in the order given.  Borrowed. */
int cairn_snap_writer_record(cairn_snap_writer *w, const json_t *rec);
/*
 * Write the trailer (counts, errors, checksum, signature if key != NULL),
 * write the last frame, fsync, rename into place.  extra: optional fields
 * merged into the trailer (borrowed, may be NULL).  Frees w in every case;
 * on failure nothing is left under the final name.
 */
int cairn_snap_writer_close(cairn_snap_writer *w, const json_t *extra,
			    const cairn_key *key);
/* Give up: remove the temporary file, free w.  NULL is a no-op. */
void cairn_snap_writer_abort(cairn_snap_writer *w);
/* Count an unreadable entry for the trailer's "errors". */
void cairn_snap_writer_count_error(cairn_snap_writer *w);

/* Remove temp files of writers still open: for a SIGINT/SIGTERM handler
 * (async-signal-safe: only unlink(2)). */
void cairn_snap_writer_cleanup_on_signal(void);

/* ---- reader (streaming: memory independent of the entry count) ---- */
typedef struct cairn_snap_reader cairn_snap_reader;

enum cairn_record_kind { CAIRN_REC_ENTRY = 1, CAIRN_REC_OTHER = 2 };

typedef struct cairn_record {
	int kind;              /* enum cairn_record_kind */
	cairn_entry entry;     /* valid for CAIRN_REC_ENTRY */
	json_t *json;          /* the parsed record; NULL for entries unless
	                        * cairn_snap_reader_set_entry_json(r, 1) */
	const char *line;      /* the record's raw JSON line, no newline */
	size_t line_len;
	uint64_t offset;       /* where the line starts in the content */
	long long number;      /* 1-based record number in the file */
	/* Raw mode (cairn_snap_reader_set_raw): an entry line the reader
	 * framed, ordered, counted and checksummed but did not parse.  entry
	 * is then empty; raw_path (into line, no unescaping was needed) and
	 * raw_type are what the framing read.  The caller must parse or
	 * validate the line with cairn_snap_parse_entry() before relying on
	 * it: the checksum proves the bytes are the writer's, not that they
	 * are well-formed. */
	int raw;
	const char *raw_path;
	size_t raw_path_len;
	int raw_type;
} cairn_record;
/* Everything in a record is owned by the reader and valid until the next
 * call.  Entries are parsed by a fast path that accepts exactly what the
 * writer emits and falls back to jansson for anything else, so json is NULL
 * for entries by default: use line (e.g. to print) or entry. */

/*
 * Open a snapshot for streaming.  pubkey: when non-NULL the trailer must
 * carry a valid signature by that key.  name labels error messages.
 */
int cairn_snap_reader_open(cairn_snap_reader **out, const char *path,
			   const cairn_key *pubkey);
/* The same over a snapshot held in memory (e.g. a git blob); data must
 * outlive the reader. */
int cairn_snap_reader_open_mem(cairn_snap_reader **out, const void *data,
			       size_t len, const char *name,
			       const cairn_key *pubkey);
/*
 * The same for a snapshot file read whole into memory when it is no larger
 * than max bytes (else streamed, as cairn_snap_reader_open()), so that its
 * frames can be copied (cairn_snap_reader_frames()).
 */
int cairn_snap_reader_load(cairn_snap_reader **out, const char *path,
			   const cairn_key *pubkey, size_t max);
/* The frames of a snapshot in memory (cairn_snap_reader_load() or _mem();
 * immutable, valid while r and the memory live, safe from any thread), or
 * NULL: streamed, or written before frames had their content size. */
const cairn_snap_frames *cairn_snap_reader_frames(const cairn_snap_reader *r);
/* Ask for rec->json on entries too (slower: a jansson parse each). */
void cairn_snap_reader_set_entry_json(cairn_snap_reader *r, int on);
/* Move the entry of the record next() just returned (CAIRN_REC_ENTRY) into
 * *out, which is released first: no copy for callers that keep entries.
 * The record's entry fields are invalid afterwards. */
void cairn_snap_reader_take_entry(cairn_snap_reader *r, cairn_entry *out);
/* Raw mode for readers that compare lines before parsing them (cairn-diff:
 * most lines of two snapshots of one tree are byte-identical).  Entries the
 * writer wrote come back unparsed (cairn_record.raw), anything else as
 * usual. */
void cairn_snap_reader_set_raw(cairn_snap_reader *r, int on);
/* Parse one entry line (e.g. a raw record's line) with every check the
 * reader makes on the entries it parses.  label and number name the
 * snapshot and record in the error (CAIRN_EFORMAT).  e must be initialised
 * (it is overwritten, not released); tmp is scratch.  Thread-safe. */
int cairn_snap_parse_entry(cairn_entry *e, const char *label, long long number,
			   const char *line, size_t len, cairn_buf *tmp);
/* 1 when line is an entry exactly as the writer writes it, with every
 * field valid (the check cairn_snap_parse_entry() makes first, without
 * keeping anything); 0 otherwise: parse it to learn why.  Thread-safe. */
int cairn_snap_entry_canonical(const char *line, size_t len, cairn_buf *tmp);
/* The header record (owned by the reader). */
const json_t *cairn_snap_reader_header(const cairn_snap_reader *r);
/*
 * Next record: 1 with *rec filled, 0 at the end once the trailer's checksum
 * (and signature) verified, negative on any error (message names the file
 * and record).  Callers that must never show a partial result buffer what
 * they derive until 0 comes back, or run cairn_snap_verify() first.
 */
int cairn_snap_reader_next(cairn_snap_reader *r, cairn_record *rec);
/* The trailer record once next() returned 0 (owned by the reader). */
const json_t *cairn_snap_reader_trailer(const cairn_snap_reader *r);
void cairn_snap_reader_free(cairn_snap_reader *r);

/* Read the whole file, checking structure, checksum and signature.
 * trailer_out (optional) receives a new reference to the trailer. */
int cairn_snap_verify(const char *path, const cairn_key *pubkey,
		      json_t **trailer_out);

#endif
