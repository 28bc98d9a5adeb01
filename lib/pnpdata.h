/*
 * pnpdata.h - the dependency graph yarn 2+ Plug'n'Play loads from: the
 * serialized state yarn writes into .pnp.cjs (the JSON text inside the
 * string literal `const RAW_RUNTIME_STATE = '...'`, yarn 3 and 4), inline
 * after `return hydrateRuntimeState(` (yarn 2), or into .pnp.data.json
 * (pnpEnableInlining: false).  Read, never executed: the literal is
 * decoded with the three escapes yarn's generator writes (\\ \' and a
 * backslash before a newline) and the JSON is read by jansson.
 *
 * The graph: one node per package locator with its virtual instances
 * folded in ("debug@virtual:<hash>#npm:4.3.4" is "debug@npm:4.3.4", the
 * resolution yarn.lock names it by), an edge for every entry of a
 * package's packageDependencies (aliases by their target, unmet peers
 * (null) none), and what the dependencyTreeRoots (the workspaces) reach.
 */
#ifndef CAIRN_PNPDATA_H
#define CAIRN_PNPDATA_H

#include "cairn.h"

#include <jansson.h>
#include <stddef.h>

/* Caps (docs/RECORDS.md §Caps): packages and dependency edges of one graph. */
#define CAIRN_PNP_MAX_PACKAGES 1000000u
#define CAIRN_PNP_MAX_EDGES    10000000u

typedef struct cairn_pnp cairn_pnp;

/* Where the state was found (cairn_pnp_parse's kind). */
enum cairn_pnp_kind {
	CAIRN_PNP_CJS,   /* .pnp.cjs / .pnp.js: inline state, or none (split) */
	CAIRN_PNP_DATA   /* .pnp.data.json: the JSON itself */
};

/*
 * Parse data[0..len) (the bytes of .pnp.cjs or .pnp.data.json, by kind)
 * into *out.  label names the file in messages.  Returns 0, or
 * CAIRN_ENOTFOUND (no message) when a .pnp.cjs carries no inline state
 * (yarn's split mode: the state is in .pnp.data.json), CAIRN_EFORMAT
 * (message names the file and the problem: a bad escape, JSON line and
 * column, a member of the wrong type), CAIRN_ELIMIT past the caps.
 * Free with cairn_pnp_free().
 */
int cairn_pnp_parse(cairn_pnp **out, const char *data, size_t len, enum cairn_pnp_kind kind,
		    const char *label);
void cairn_pnp_free(cairn_pnp *g);

/* Number of package nodes (workspaces included). */
size_t cairn_pnp_count(const cairn_pnp *g);

/*
 * 1 when locator ("name@reference" as yarn.lock's resolution writes it)
 * is a node that a dependencyTreeRoots entry reaches through
 * packageDependencies; 0 when it is not reached or not in the graph.
 */
int cairn_pnp_reached(const cairn_pnp *g, const char *locator);

/* 1 when locator is a node of the graph. */
int cairn_pnp_has(const cairn_pnp *g, const char *locator);

/*
 * A workspace's package.json, for cairn_pnp_required_by: folder is the
 * workspace's packageLocation from the project ("" for "./",
 * "packages/a"); returns a borrowed manifest or NULL.
 */
typedef const json_t *(*cairn_pnp_manifest_fn)(void *arg, const char *folder);

/*
 * Index lock (Berry's yarn.lock as a jansson tree, from yamljson.h) by
 * each entry's resolution, for the ranges of cairn_pnp_required_by; g
 * keeps references to the entries.  A lock that is not an object is
 * ignored.
 */
void cairn_pnp_attach_lock(cairn_pnp *g, const json_t *lock);

/*
 * The npm records' required_by of locator (docs/RECORDS.md): a new array
 * of {"from", "range", "section"} sorted by from, then section, one per
 * package that lists it in its packageDependencies.  from is a
 * workspace's folder ("" the project) or the dependent's locator (its
 * record path).  For a workspace, range and section come from its
 * package.json (manifest(arg, folder): dependencies, optionalDependencies,
 * devDependencies, peerDependencies, first found); for a package from its
 * yarn.lock entry (cairn_pnp_attach_lock): its dependencies or
 * peerDependencies range, section peerDependencies for a peer (the
 * dependent's packagePeers), optionalDependencies when dependenciesMeta
 * says optional, else dependencies; range null when neither says.
 * An empty array when locator is not in the graph.
 */
json_t *cairn_pnp_required_by(const cairn_pnp *g, const char *locator,
			      cairn_pnp_manifest_fn manifest, void *arg);

#endif
