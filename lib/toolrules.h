/*
 * toolrules.h - descriptions that address the model instead of describing
 * the tool (tool poisoning).  A tool's description, its input schema's
 * texts, a prompt's or resource's description and a server's
 * instructions all reach the model verbatim; an attacker who controls a
 * server puts instructions there.  The rules (docs/RULES.md §Suspicious
 * descriptions) look for the forms those instructions take; each one is
 * a fixed pattern, so a hit can be explained and reproduced.
 */
#ifndef CAIRN_TOOLRULES_H
#define CAIRN_TOOLRULES_H

#include <stddef.h>

struct cairn_toolrule {
	const char *id;     /* "instruction-tag" ... */
	const char *what;   /* one sentence: what it matches */
};

/* The rule table, in the order hits are reported. */
const struct cairn_toolrule *cairn_toolrules_table(size_t *count);

/* Called for each hit: rule id (static), text[off .. off + len) is the
 * matched span (at most a sentence). */
typedef void cairn_toolrule_hit_fn(void *ctx, const char *rule, size_t off, size_t len);

/* Longest text scanned; the rest of a longer one is not (the caller says
 * so).  Descriptions of real tools are a few hundred bytes. */
#define CAIRN_TOOLRULES_MAX_TEXT (256u << 10)

/*
 * Scan text[0..n) (any bytes, UTF-8 expected).  At most 8 hits per rule
 * are reported.  Returns the number of hits reported.
 */
size_t cairn_toolrules_scan(const char *text, size_t n, cairn_toolrule_hit_fn *fn, void *ctx);

/*
 * The tool-shadowing rule needs the other servers' tool names: 1 when
 * text[0..n) names `tool` as a word (bounded by bytes that cannot be part
 * of a tool name), with the offset of the first mention in *off.
 * Names shorter than 4 bytes never match (too many ordinary words).
 */
int cairn_toolrules_mentions(const char *text, size_t n, const char *tool, size_t *off);

#endif
