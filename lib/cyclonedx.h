/*
 * cyclonedx.h - a snapshot's packages as a CycloneDX 1.6 JSON SBOM
 * (https://cyclonedx.org/docs/1.6/json/): one component per package
 * record (npm and PyPI, installed or only locked), with its package URL
 * (pkg:npm/%40scope/name@1.2.3, pkg:pypi/name@1.2.3), version, the
 * lockfile integrity as a hash, the install path and cairn's facts as
 * properties, and the dependencies of the lock graph (required_by).
 * Deterministic: the serial number is derived from the snapshot's SHA-256,
 * the timestamp is the snapshot's creation time.
 */
#ifndef CAIRN_CYCLONEDX_H
#define CAIRN_CYCLONEDX_H

#include "cairn.h"

#include <jansson.h>

/*
 * Build the BOM (new reference in *out) from a snapshot's header, its
 * non-entry records and the hex SHA-256 of its bytes.  Records that are
 * not packages, or lack a name, are skipped.  Returns 0.
 */
int cairn_cyclonedx_build(json_t **out, const json_t *header, const json_t *records,
			  const char *snapshot_sha256);

/* The package URL of a package record into out (cleared first); -1 when
 * the record is not an npm or PyPI package with a name. */
int cairn_cyclonedx_purl(cairn_buf *out, const char *ecosystem, const char *name,
			 const char *version);

#endif
