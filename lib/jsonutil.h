/*
 * jsonutil.h - small helpers around jansson that every module needs:
 * typed getters that tolerate missing or mistyped fields (records come
 * from files an attacker may have written), and JSON output that is safe
 * to show on a terminal.
 *
 * Terminal-safe JSON: jansson escapes C0 controls but writes DEL (U+007F)
 * and the C1 controls (U+0080..U+009F, e.g. U+009B, a one-byte CSI on
 * some terminals) raw.  Every JSON document a tool prints goes through
 * cairn_json_safe_append() or cairn_json_dump(), which write them as \u
 * escapes: the same JSON value, no raw control byte.  Outside strings a
 * JSON text has no such bytes, so the filter is exact.
 */
#ifndef CAIRN_JSONUTIL_H
#define CAIRN_JSONUTIL_H

#include "cairn.h"

#include <jansson.h>
#include <stdio.h>

/* o[key] as a string, or NULL when o is not an object, the key is absent
 * or not a string. */
const char *cairn_json_str(const json_t *o, const char *key);
/* The same with a default. */
const char *cairn_json_str_or(const json_t *o, const char *key, const char *def);
/* o[key] as an array, or NULL when o is not an object, the key is absent
 * or not an array (borrowed). */
const json_t *cairn_json_arr(const json_t *o, const char *key);
/* o[key] as an object, likewise. */
const json_t *cairn_json_obj(const json_t *o, const char *key);
/* o[key] as an integer, or def when absent or not an integer. */
long long cairn_json_int(const json_t *o, const char *key, long long def);
/* 1 when o[key] is true, else 0. */
int cairn_json_true(const json_t *o, const char *key);

/* Sort the strings of the array arr in place by their bytes (strcmp: the
 * order of the records' paths and flags lists, docs/RECORDS.md); an
 * element that is not a string sorts as "". */
void cairn_json_sort_strings(json_t *arr);

/* Append the JSON text p[0..n) to out with DEL and C1 controls written as
 * \u escapes (see above). */
void cairn_json_safe_append(cairn_buf *out, const char *p, size_t n);
/* Serialise j (jansson flags) into out through cairn_json_safe_append;
 * 0, or CAIRN_EEXTERNAL when jansson cannot encode it. */
int cairn_json_dump(cairn_buf *out, const json_t *j, size_t flags);
/*
 * 1 when the JSON text data[0..len) holds more than max values, counted
 * before it is read (an upper bound: every value but the first follows a
 * ',', '[' or ':' outside strings), else 0.  jansson keeps each value in
 * about 240 bytes: a reader of hostile JSON bounds the count first (60 MB
 * of "{}," made 4.6 GB).
 */
int cairn_json_too_many(const char *data, size_t len, size_t max);
/*
 * 1 when the JSON text data[0..len) nests arrays and objects more than
 * max deep (outside strings), else 0.  A record that carries a file's JSON
 * as found bounds its depth: jq 1.6 refuses a document nested past 256
 * (a whole snapshot unreadable for one hostile file).
 */
int cairn_json_too_deep(const char *data, size_t len, size_t max);
/*
 * A stream that writes to dst through the same filter, for writers that
 * stream large documents.  Closing it flushes but does not close dst.
 * NULL (errno set) when the stream cannot be made.
 */
FILE *cairn_json_safe_stream(FILE *dst);

#endif
