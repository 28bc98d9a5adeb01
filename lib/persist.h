/*
 * persist.h - what the persistence places say, for CAIRN-D06: the package
 * registry and credentials of npm (.npmrc), yarn 2+ (.yarnrc.yml) and pip
 * (pip.conf, pip.ini), and VS Code's tasks (.vscode/tasks.json) with the
 * ones that run when the folder opens.  Registry URLs are recorded (their
 * user:password part taken out), token values only as keyed HMACs, the
 * same key as environment values (envsnap.h): never in clear
 * (docs/RECORDS.md §registry_config, §vscode_task).
 */
#ifndef CAIRN_PERSIST_H
#define CAIRN_PERSIST_H

#include "pkgfs.h"
#include "envsnap.h"

/* Which parser reads path (relative to the root): "npmrc", "yarnrc",
 * "pip", "vscode_tasks", or NULL for none.  Nothing inside node_modules. */
const char *cairn_persist_kind(const char *path);

/* The env key, asked for only when a token has to be hashed (loading it
 * may create it); NULL: no key, hmac_sha256 null. */
typedef const cairn_env_key *(*cairn_persist_key_fn)(void *ctx);

/*
 * Parse data[0..len), the file label of kind (cairn_persist_kind), into a
 * registry_config record or vscode_task records in recs.  A file that
 * cannot be parsed is a parse_error record (analyzer "persist").  Returns
 * the number of records added.
 */
int cairn_persist_parse(cairn_recs *recs, const char *kind, const char *label,
			const char *data, size_t len, cairn_persist_key_fn key, void *key_ctx);

#endif
