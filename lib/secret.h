/*
 * secret.h - the shapes of well-known credentials (docs/RECORDS.md
 * §Secret shapes): API keys and tokens whose prefix and alphabet say what
 * they are, JWTs, PEM private keys.  One table, used by cairn-snap for
 * environment values (a value of any name that has a secret's shape is
 * secret) and by the agent-log reader for tool-call arguments and results.
 * Secret names (OPENAI_API_KEY, *_TOKEN ...) are the other half of the
 * classification: cairn_env_secret_rule() in envsnap.h.
 */
#ifndef CAIRN_SECRET_H
#define CAIRN_SECRET_H

#include <stddef.h>

/* Called for each shaped token found: rule is the shape's id
 * ("openai-key", "github-token" ...; static storage), the token is
 * text[off .. off + len). */
typedef void cairn_secret_hit_fn(void *ctx, const char *rule, size_t off, size_t len);

/*
 * Find every token of a known shape in text[0..n) (any bytes; a token
 * starts where the byte before it cannot continue a token).  Returns the
 * number found; fn may be NULL to count only.  Linear in n.
 */
size_t cairn_secret_scan(const char *text, size_t n, cairn_secret_hit_fn *fn, void *ctx);

/* The shape of the first shaped token in text[0..n), NULL when none:
 * "sk-proj-..." and "Bearer ghp_..." both have one. */
const char *cairn_secret_shape(const char *text, size_t n);

/* The ids of the shapes, in table order (tests check the docs name each). */
const char *const *cairn_secret_shape_ids(size_t *count);

#endif
