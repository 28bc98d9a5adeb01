/*
 * secret.c - well-known credential shapes (secret.h, docs/RECORDS.md
 * §Secret shapes).
 *
 * Each shape is a fixed prefix the issuer chose so that scanners can find
 * its tokens (GitHub, Slack, AWS, npm, Google, Stripe, GitLab, OpenAI,
 * Anthropic document theirs), a body alphabet and a length.  No entropy
 * guessing: a shape either matches or it does not, so the same text gives
 * the same answer everywhere and an ordinary word never does.
 */
#include "secret.h"

#include <string.h>

enum body {
	B_ALNUM,        /* [A-Za-z0-9] */
	B_UPPER_DIGIT,  /* [A-Z0-9] */
	B_URLSAFE,      /* [A-Za-z0-9_-] */
	B_ALNUM_US,     /* [A-Za-z0-9_] */
	B_ALNUM_DASH    /* [A-Za-z0-9-] */
};

struct shape {
	const char *id;
	const char *prefix;
	enum body body;
	unsigned min, max;  /* body length; max 0: up to MAX_TOKEN */
};

#define MAX_TOKEN 1024
#define MAX_PEM (64u << 10)

/* Longer prefixes first where one is the start of another (sk-ant- before
 * sk-).  JWTs and PEM blocks have their own matchers below. */
static const struct shape shapes[] = {
	{ "anthropic-key", "sk-ant-", B_URLSAFE, 20, 0 },
	{ "openai-key", "sk-", B_URLSAFE, 20, 0 },
	{ "stripe-key", "sk_live_", B_ALNUM, 16, 0 },
	{ "stripe-key", "rk_live_", B_ALNUM, 16, 0 },
	{ "github-token", "ghp_", B_ALNUM, 36, 255 },
	{ "github-token", "gho_", B_ALNUM, 36, 255 },
	{ "github-token", "ghu_", B_ALNUM, 36, 255 },
	{ "github-token", "ghs_", B_ALNUM, 36, 255 },
	{ "github-token", "ghr_", B_ALNUM, 36, 255 },
	{ "github-pat", "github_pat_", B_ALNUM_US, 22, 0 },
	{ "gitlab-token", "glpat-", B_URLSAFE, 20, 0 },
	{ "aws-access-key-id", "AKIA", B_UPPER_DIGIT, 16, 16 },
	{ "aws-access-key-id", "ASIA", B_UPPER_DIGIT, 16, 16 },
	{ "slack-token", "xoxb-", B_ALNUM_DASH, 10, 0 },
	{ "slack-token", "xoxp-", B_ALNUM_DASH, 10, 0 },
	{ "slack-token", "xoxa-", B_ALNUM_DASH, 10, 0 },
	{ "slack-token", "xoxo-", B_ALNUM_DASH, 10, 0 },
	{ "slack-token", "xoxs-", B_ALNUM_DASH, 10, 0 },
	{ "slack-token", "xoxr-", B_ALNUM_DASH, 10, 0 },
	{ "npm-token", "npm_", B_ALNUM, 36, 36 },
	{ "google-api-key", "AIza", B_URLSAFE, 35, 35 },
};

static const char *const ids[] = {
	"anthropic-key", "openai-key", "stripe-key", "github-token", "github-pat",
	"gitlab-token", "aws-access-key-id", "slack-token", "npm-token",
	"google-api-key", "jwt", "pem-private-key"
};

const char *const *cairn_secret_shape_ids(size_t *count)
{
	*count = sizeof(ids) / sizeof(ids[0]);
	return ids;
}

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int in_body(enum body b, unsigned char c)
{
	switch (b) {
	case B_ALNUM:
		return is_alnum(c);
	case B_UPPER_DIGIT:
		return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	case B_URLSAFE:
		return is_alnum(c) || c == '_' || c == '-';
	case B_ALNUM_US:
		return is_alnum(c) || c == '_';
	case B_ALNUM_DASH:
		return is_alnum(c) || c == '-';
	}
	return 0;
}

/* A token cannot start in the middle of a word, a base64 run or a path
 * segment that merely contains a prefix ("task-...", "/sk-..."). */
static int continues_token(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '+';
}

static size_t run(const unsigned char *p, size_t n, enum body b, size_t cap)
{
	size_t i = 0;

	while (i < n && i <= cap && in_body(b, p[i]))
		i++;
	return i;
}

/* length of a JWT at p (three base64url parts, the first two JSON
 * objects: "eyJ"), 0 when none */
static size_t jwt_at(const unsigned char *p, size_t n)
{
	size_t i = 0, part, len;

	for (part = 0; part < 3; part++) {
		if (part < 2 && (n - i < 3 || memcmp(p + i, "eyJ", 3)))
			return 0;
		len = run(p + i, n - i, B_URLSAFE, MAX_TOKEN);
		if (len < (part == 2 ? 16u : 10u) || len > MAX_TOKEN)
			return 0;
		i += len;
		if (part < 2) {
			if (i >= n || p[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < n && (p[i] == '.' || in_body(B_URLSAFE, p[i])))
		return 0;
	return i;
}

/* "-----BEGIN [WORDS ]PRIVATE KEY-----" through the matching END line (or
 * the end of the text, a cut key is still a key) */
static size_t pem_at(const unsigned char *p, size_t n)
{
	static const char begin[] = "-----BEGIN ";
	static const char tail[] = "PRIVATE KEY-----";
	static const char end[] = "-----END ";
	size_t i = sizeof(begin) - 1, k, limit = n < MAX_PEM ? n : MAX_PEM;

	if (n < i || memcmp(p, begin, i))
		return 0;
	/* "RSA ", "OPENSSH ", "ENCRYPTED ", "" before "PRIVATE KEY-----" */
	for (k = i; k < limit && k < i + 40; k++) {
		if (limit - k >= sizeof(tail) - 1 && !memcmp(p + k, tail, sizeof(tail) - 1))
			break;
		if (!((p[k] >= 'A' && p[k] <= 'Z') || p[k] == ' '))
			return 0;
	}
	if (limit - k < sizeof(tail) - 1 || memcmp(p + k, tail, sizeof(tail) - 1))
		return 0;
	for (k += sizeof(tail) - 1; k + sizeof(end) - 1 <= limit; k++) {
		if (!memcmp(p + k, end, sizeof(end) - 1)) {
			const unsigned char *dash = memchr(p + k + sizeof(end) - 1, '-',
							   limit - k - (sizeof(end) - 1));
			size_t e = dash ? (size_t)(dash - p) : limit;

			while (e < limit && p[e] == '-')
				e++;
			return e;
		}
	}
	return limit;
}

size_t cairn_secret_scan(const char *text, size_t n, cairn_secret_hit_fn *fn, void *ctx)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, found = 0, k;

	while (i < n) {
		unsigned char c = p[i];
		size_t len = 0;
		const char *rule = NULL;

		if (i > 0 && continues_token(p[i - 1])) {
			i++;
			continue;
		}
		switch (c) {
		case 'A': case 'g': case 'n': case 'r': case 's': case 'x':
			for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
				const struct shape *s = &shapes[k];
				size_t pl = strlen(s->prefix), body;

				if ((unsigned char)s->prefix[0] != c || n - i < pl ||
				    memcmp(p + i, s->prefix, pl))
					continue;
				body = run(p + i + pl, n - i - pl, s->body, MAX_TOKEN);
				if (body >= s->min && body <= (s->max ? s->max : MAX_TOKEN)) {
					len = pl + body;
					rule = s->id;
				}
				break;
			}
			break;
		case 'e':
			len = jwt_at(p + i, n - i);
			rule = "jwt";
			break;
		case '-':
			len = pem_at(p + i, n - i);
			rule = "pem-private-key";
			break;
		default:
			break;
		}
		if (len) {
			found++;
			if (fn)
				fn(ctx, rule, i, len);
			i += len;
		} else {
			i++;
		}
	}
	return found;
}

struct first {
	const char *rule;
};

static void first_hit(void *ctx, const char *rule, size_t off, size_t len)
{
	struct first *f = ctx;

	(void)off;
	(void)len;
	if (!f->rule)
		f->rule = rule;
}

const char *cairn_secret_shape(const char *text, size_t n)
{
	struct first f = { NULL };

	cairn_secret_scan(text, n, first_hit, &f);
	return f.rule;
}
