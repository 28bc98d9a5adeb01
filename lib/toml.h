/*
 * toml.h - a strict reader of the TOML that Python lockfiles are written
 * in (poetry.lock, uv.lock), into a jansson tree.
 *
 * Debian 12 packages no C TOML library (only C++ ones: toml11, toml++,
 * cpptoml), so this is a small hand-written reader of a TOML 1.0 subset:
 * comments, `[table]` and `[[array.of.tables]]` headers, `key = value`
 * with bare, quoted and dotted keys, basic and literal strings (single and
 * multi-line), decimal integers, booleans, arrays (over several lines,
 * trailing comma) and one-line inline tables.  Everything else is refused
 * with the line number: floats, dates and times, hex/octal/binary
 * integers, duplicate keys, a table defined twice, extending an inline
 * table or a static array, invalid UTF-8, control characters, NUL bytes,
 * nesting deeper than CAIRN_TOML_MAX_DEPTH, more than CAIRN_TOML_MAX_VALUES
 * values.
 */
#ifndef CAIRN_TOML_H
#define CAIRN_TOML_H

#include <jansson.h>
#include <stddef.h>

#define CAIRN_TOML_MAX_DEPTH 64   /* nested arrays / inline tables / keys */
/* values (strings, integers, booleans, arrays, inline tables) in one
 * document: a real uv.lock has about one per 40 bytes; 60 MB of "{}," made
 * 20 million, 4.7 GB of memory */
#define CAIRN_TOML_MAX_VALUES (1u << 20)

/*
 * Parse data[0..len) into *out (a JSON object: tables are objects, arrays
 * of tables and arrays are arrays, strings, integers and booleans as
 * such).  Returns 0, or CAIRN_EFORMAT / CAIRN_ELIMIT with a message
 * "label: line N: what" (nothing in *out).  *out belongs to the caller
 * (json_decref).
 */
int cairn_toml_parse(json_t **out, const char *data, size_t len, const char *label);

#endif
