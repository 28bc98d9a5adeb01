/*
 * cairn.h - shared conventions of the cairn library.
 *
 * Errors: every fallible function returns 0 (or a non-negative count) on
 * success and a negative CAIRN_E* code on failure, after recording a one-line
 * message with cairn_error_set().  The message carries context (file, record,
 * offset) but no program name (the tools' one reporter, lib/cli.h, puts
 * "cairn-snap: " in front), and is read with cairn_error_last().  The library never prints and
 * never exits; the one exception is memory exhaustion, which aborts through
 * cairn_oom() the way git's xmalloc() dies: a forensic tool that cannot
 * allocate cannot produce a trustworthy result either.
 *
 * Ownership: out-parameters come first.  What a function returns through
 * **out belongs to the caller and is released with that type's _free(),
 * which accepts NULL.
 */
#ifndef CAIRN_H
#define CAIRN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CAIRN_VERSION "0.1.0"

enum cairn_error_code {
	CAIRN_OK = 0,
	CAIRN_EIO = -1,      /* read/write/open failure (errno in message) */
	CAIRN_EFORMAT = -2,  /* malformed input: bad JSON, bad record, bad packet file */
	CAIRN_EVERIFY = -3,  /* checksum or signature mismatch */
	CAIRN_EUSAGE = -4,   /* caller passed something meaningless */
	CAIRN_ELIMIT = -5,   /* input exceeds a documented safety limit */
	CAIRN_ENOTFOUND = -6,/* asked-for object does not exist */
	CAIRN_EEXTERNAL = -7 /* a dependency (libgit2, zstd, OpenSSL, libpcap) failed */
};

/* Record a printf-style message for the calling thread; returns code so
 * that callers can write `return cairn_error_set(CAIRN_EIO, "...")`. */
int cairn_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The calling thread's last message; never NULL ("" when none). */
const char *cairn_error_last(void);
void cairn_error_clear(void);

/* Allocation that aborts on exhaustion (see above). */
void *cairn_malloc(size_t n);
void *cairn_calloc(size_t n, size_t size);
void *cairn_realloc(void *p, size_t n);
char *cairn_strdup(const char *s);
char *cairn_strndup(const char *s, size_t n);
/* The first of the n strings v (sorted by strcmp) not below key: where
 * key is, or would go; n when every one is below it. */
size_t cairn_strv_lower_bound(const char *const *v, size_t n, const char *key);
void cairn_oom(void) __attribute__((noreturn));
/* Run the calling thread under SCHED_BATCH (see util.c); best effort. */
void cairn_thread_batch(void);

/* Growable byte buffer, always NUL-terminated for convenience. */
typedef struct cairn_buf {
	char *data;
	size_t len;
	size_t cap;
} cairn_buf;

#define CAIRN_BUF_INIT { NULL, 0, 0 }
void cairn_buf_init(cairn_buf *b);
void cairn_buf_release(cairn_buf *b);
void cairn_buf_clear(cairn_buf *b);   /* len = 0, keeps storage */
void cairn_buf_grow(cairn_buf *b, size_t extra);
void cairn_buf_add(cairn_buf *b, const void *p, size_t n);
void cairn_buf_addstr(cairn_buf *b, const char *s);
void cairn_buf_addch(cairn_buf *b, int c);
void cairn_buf_addf(cairn_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Steal the storage; the buffer is left empty.  Caller frees. */
char *cairn_buf_detach(cairn_buf *b, size_t *len_out);

/* Hex encoding of n bytes into out (2n+1 bytes, NUL-terminated). */
void cairn_hex(char *out, const unsigned char *in, size_t n);
/* Decode 2n hex chars into n bytes; 0 or CAIRN_EFORMAT (no message set). */
int cairn_unhex(unsigned char *out, const char *in, size_t n);
/* The same, accepting lowercase hex digits only. */
int cairn_unhex_lower(unsigned char *out, const char *in, size_t n);

/* 1 if p[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int cairn_utf8_valid(const char *p, size_t n);

/*
 * Reversible escaping of arbitrary bytes (file names, symlink targets) into
 * a UTF-8 JSON-safe string, documented in docs/FORMAT.md §Names:
 * bytes that belong to valid UTF-8 sequences are copied, except '\\' which
 * becomes "\\\\"; every other byte becomes "\\xNN" (lowercase hex).
 * Used only when the raw bytes are not valid UTF-8 (the "*_esc" fields).
 */
void cairn_escape_bytes(cairn_buf *out, const char *p, size_t n);
/* Inverse of cairn_escape_bytes; CAIRN_EFORMAT on a malformed escape. */
int cairn_unescape_bytes(cairn_buf *out, const char *p, size_t n);

/*
 * Make untrusted bytes safe for a terminal or plain-text report: valid
 * printable UTF-8 is copied; control characters (C0, DEL, C1), invalid
 * bytes, '\\', bidi controls, zero-width characters and Unicode tags are
 * written as \n, \t, \\, \xNN or \u{XXXX}.  Never emits ESC.
 */
void cairn_escape_display(cairn_buf *out, const char *p, size_t n);

/*
 * Write data to path so that path holds either its old content or all of
 * data: a temporary file in the same folder, fsync, rename.  A path that
 * exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is
 * written in place, since renaming over it would replace the node.
 */
int cairn_write_file_atomic(const char *path, const void *data, size_t len);

/*
 * Read a file a user named (an allowlist, an indicator list, an advisory
 * file) into out, replacing what it held: opened O_NONBLOCK (a FIFO never
 * blocks the read; it is refused), it must be a regular file of at most
 * cap bytes, also while it is read (a file that grows past cap is
 * refused, nothing is cut).  A symlink given on the command line is
 * followed like any tool's argument; files inside a tree the user did not
 * name go through cairn_safe_read() (lib/pkgfs.h), which follows none.
 * Returns 0, CAIRN_EIO (cannot open or read),
 * CAIRN_EFORMAT (not a regular file) or CAIRN_ELIMIT, the message naming
 * what and path: "cannot open allowlist 'a.txt': No such file or
 * directory".  cairn_read_fd(): the same for a file already open on fd
 * (not closed).
 */
int cairn_read_file(cairn_buf *out, const char *path, size_t cap, const char *what);
int cairn_read_fd(cairn_buf *out, int fd, size_t cap, const char *what, const char *path);

#endif
