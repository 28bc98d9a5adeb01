/*
 * yamljson.h - a strict YAML reader for lockfiles (pnpm-lock.yaml,
 * node_modules/.modules.yaml, yarn Berry's yarn.lock), built on libyaml's
 * event parser and giving a jansson tree, so that the lockfile code reads
 * YAML and JSON lockfiles the same way.
 *
 * Strict on purpose (lockfiles are attacker-controlled): one document;
 * aliases are refused (no alias bomb can expand); nesting deeper than
 * CAIRN_YAML_MAX_DEPTH, more than CAIRN_YAML_MAX_NODES nodes, a mapping
 * key that is not a scalar, a duplicate key, or a scalar holding a NUL
 * byte are errors.  Scalars become JSON strings, except the plain
 * (unquoted) scalars true/false (booleans) and null/~/empty (null).
 */
#ifndef CAIRN_YAMLJSON_H
#define CAIRN_YAMLJSON_H

#include "cairn.h"

#include <jansson.h>
#include <stddef.h>

#define CAIRN_YAML_MAX_DEPTH 64
#define CAIRN_YAML_MAX_NODES 4000000u

/*
 * Parse data[0..len) into *out (new reference, an object, array or scalar).
 * label names the input in messages.  CAIRN_EFORMAT (message has the line
 * and column), CAIRN_ELIMIT for the depth and node caps.
 */
int cairn_yaml_to_json(json_t **out, const char *data, size_t len, const char *label);

#endif
