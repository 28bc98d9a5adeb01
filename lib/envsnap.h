/*
 * envsnap.h - environment of cairn-snap itself or of /proc/PID, values
 * never stored in clear: name, length and HMAC-SHA256 under a key kept
 * outside the snapshot (docs/RECORDS.md §env, §Secret names).
 */
#ifndef CAIRN_ENVSNAP_H
#define CAIRN_ENVSNAP_H

#include "pkgfs.h"

typedef struct cairn_env_key cairn_env_key;

/*
 * Load the 32-byte HMAC key at path, creating it (O_EXCL, mode 0600, 32
 * bytes from RAND_bytes, parent folder made 0700 when missing) on first
 * use.  An existing key must be a regular file (not a symlink) of exactly 32
 * bytes.  Free with cairn_env_key_free() (wipes the key).
 */
int cairn_env_key_load(cairn_env_key **out, const char *path);
/* The same for a key that must exist already (readers: cairn-capture,
 * cairn-report): CAIRN_ENOTFOUND when there is no file at path, nothing
 * is created. */
int cairn_env_key_open(cairn_env_key **out, const char *path);
/* The key a reader matches secrets with: path, which must exist (the
 * user named it), or with path NULL the default key when there is one.
 * 0 with *out NULL when there is no default key (or no $HOME); negative
 * with the error set when a key cannot be read. */
int cairn_env_key_open_reader(cairn_env_key **out, const char *path);
void cairn_env_key_free(cairn_env_key *k);
/* Hex HMAC-SHA256(key, p[0..n)): the hmac_sha256 of a redacted value;
 * out >= 65 bytes. */
void cairn_env_hmac(const cairn_env_key *k, const void *p, size_t n, char *out);
/* Hex HMAC-SHA256(key, "cairn env key id"); out >= 65 bytes. */
void cairn_env_key_id(const cairn_env_key *k, char *out);
/* Default key path: $XDG_CONFIG_HOME/cairn/env.key or
 * $HOME/.config/cairn/env.key; NULL when neither is set.  Caller frees. */
char *cairn_env_default_key_path(void);

/* The secret-name rule a name matches ("*_TOKEN", ...), NULL when none. */
const char *cairn_env_secret_rule(const char *name);

/*
 * A redacted value object {name, length, hmac_sha256, secret, rule[,
 * value]}; key may be NULL (hmac_sha256 null); clear != 0 adds "value".
 * New reference.
 */
json_t *cairn_env_redact(const cairn_env_key *k, const char *name,
			 const char *value, size_t len, int clear);

/*
 * A command-line argument as recorded: "--name=value" / "NAME=value" with
 * a secret name becomes "--name=<redacted:hmac:HEX>", an argument holding
 * a token of a known shape (secret.h) becomes "<redacted:hmac:HEX>" (HEX
 * is "-" without a key), one that is not UTF-8 "esc:...", any other is
 * kept.  New reference.
 */
json_t *cairn_env_redact_arg(const cairn_env_key *k, const char *arg, size_t len);

/*
 * Env records for a NUL-separated environment block as /proc/PID/environ
 * holds it ("NAME=value\0..."; a string without '=' is a name with an
 * empty value, an empty string is skipped), source naming the process
 * ("pid:42").  Values are kept as keyed hashes (clear: names recorded in
 * clear); the copies made are wiped.  Returns the number of variables.
 */
size_t cairn_env_parse_block(cairn_recs *recs, const cairn_env_key *k, const char *source,
			     const char *data, size_t len, const char **clear,
			     size_t clear_count);
/* A NUL-separated command line (/proc/PID/cmdline) as a JSON array, each
 * argument as cairn_env_redact_arg() records it.  New reference. */
json_t *cairn_env_parse_cmdline(const cairn_env_key *k, const char *data, size_t len);

/*
 * Record the environment of pid ("1234"; NULL = this process): a process
 * record and one env record per variable.  clear: names kept in clear.
 * Unreadable parts are noted in the process record's "error".
 */
int cairn_env_snapshot(cairn_recs *recs, const cairn_env_key *k, const char *pid,
		       const char **clear, size_t clear_count);

#endif
