/*
 * check_secret.c - credential shapes (lib/secret.c): each shape found at
 * a token boundary with its exact length, near misses not found, every
 * shape documented in docs/RECORDS.md; environment values and command
 * arguments with a shape are secret in snapshots too.
 */
#include "envsnap.h"
#include "secret.h"
#include "doccheck.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct found {
	char rule[32];
	size_t off, len, n;
};

static void keep(void *ctx, const char *rule, size_t off, size_t len)
{
	struct found *f = ctx;

	if (!f->n++) {
		snprintf(f->rule, sizeof(f->rule), "%s", rule);
		f->off = off;
		f->len = len;
	}
}

static struct found scan(const char *s)
{
	struct found f;

	memset(&f, 0, sizeof(f));
	cairn_secret_scan(s, strlen(s), keep, &f);
	return f;
}

START_TEST(test_secret_shapes)
{
	static const struct { const char *text, *rule, *token; } t[] = {
		{ "key sk-proj-cairnTEST0000fakeKEYnotREAL1111aaaabbbbccccdddd end", "openai-key",
		  "sk-proj-cairnTEST0000fakeKEYnotREAL1111aaaabbbbccccdddd" },
		{ "x=sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA", "anthropic-key", "sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA" },
		{ "Bearer ghp_cairnTestFakeToken000000000000000000", "github-token",
		  "ghp_cairnTestFakeToken000000000000000000" },
		{ "github_pat_11AAAAAAA0aaaaaaaaaaaa_bbbbbbbbbb", "github-pat", "github_pat_11AAAAAAA0aaaaaaaaaaaa_bbbbbbbbbb" },
		{ "AWS_ACCESS_KEY_ID=AKIACAIRNTEST0000FAK\n", "aws-access-key-id", "AKIACAIRNTEST0000FAK" },
		{ "\"xoxb-1234567890-abcdefghij\"", "slack-token", "xoxb-1234567890-abcdefghij" },
		{ "npm_abcdefghijABCDEFGHIJ0123456789abcdef ", "npm-token", "npm_abcdefghijABCDEFGHIJ0123456789abcdef" },
		{ "AIzaSyA-0123456789abcdefghijklmnopqrstu", "google-api-key", "AIzaSyA-0123456789abcdefghijklmnopqrstu" },
		{ "sk_live_0123456789abcdefXYZ", "stripe-key", "sk_live_0123456789abcdefXYZ" },
		{ "glpat-abcdefghij0123456789", "gitlab-token", "glpat-abcdefghij0123456789" },
		{ "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnop0123", "jwt",
		  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnop0123" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\ntail",
		  "pem-private-key",
		  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----" },
		{ "-----BEGIN RSA PRIVATE KEY-----\nMIIEcut", "pem-private-key",
		  "-----BEGIN RSA PRIVATE KEY-----\nMIIEcut" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct found f = scan(t[i].text);

		ck_assert_msg(f.n == 1, "%s: %zu found", t[i].text, f.n);
		ck_assert_str_eq(f.rule, t[i].rule);
		ck_assert_uint_eq(f.len, strlen(t[i].token));
		ck_assert_msg(!memcmp(t[i].text + f.off, t[i].token, f.len), "%s: wrong span", t[i].text);
		ck_assert_str_eq(cairn_secret_shape(t[i].text, strlen(t[i].text)), t[i].rule);
	}
}
END_TEST

START_TEST(test_secret_near_misses)
{
	static const char *const t[] = {
		"sk-short",                                   /* too short */
		"task-0123456789abcdefghijklmnop",            /* inside a word */
		"/sk-0123456789abcdefghijklmnop",             /* inside a path */
		"ghp_cairnTestFakeToken0000000000000000",     /* 34, not 36 */
		"AKIACAIRNTEST0000FAKE",                      /* 17 after AKIA */
		"AKIAcairntest0000fak",                       /* lowercase */
		"xoxz-1234567890-abcdefghij",
		"eyJhbGciOiJIUzI1NiJ9.notjson.abcdefghijklmnop",
		"-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
		"npm_abcdefghijABCDEFGHIJ0123456789abcdefX",  /* 37 */
		"the risk-assessment of sk- keys",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(scan(t[i]).n == 0, "'%s' matched %s", t[i], scan(t[i]).rule);
}
END_TEST

START_TEST(test_secret_documented)
{
	char *doc = dc_read_doc("RECORDS.md");
	size_t n, i;
	const char *const *ids = cairn_secret_shape_ids(&n);

	for (i = 0; i < n; i++)
		dc_assert_row(doc, "RECORDS.md", "shape", ids[i]);
	free(doc);
}
END_TEST

START_TEST(test_secret_env_value_shape)
{
	json_t *o = cairn_env_redact(NULL, "HARMLESS_NAME", "ghp_cairnTestFakeToken000000000000000000", 40, 0);
	json_t *a;

	ck_assert(json_is_true(json_object_get(o, "secret")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "rule")), "shape:github-token");
	json_decref(o);
	o = cairn_env_redact(NULL, "NODE_ENV", "production", 10, 0);
	ck_assert(json_is_false(json_object_get(o, "secret")));
	json_decref(o);
	/* an argument that is a key is replaced whole */
	a = cairn_env_redact_arg(NULL, "sk-proj-cairnTEST0000fakeKEYnotREAL1111", 39);
	ck_assert_str_eq(json_string_value(a), "<redacted:hmac:->");
	json_decref(a);
	a = cairn_env_redact_arg(NULL, "--port=8080", 11);
	ck_assert_str_eq(json_string_value(a), "--port=8080");
	json_decref(a);
}
END_TEST

Suite *secret_suite(void)
{
	Suite *s = suite_create("secret");
	TCase *tc = tcase_create("secret");

	tcase_add_test(tc, test_secret_shapes);
	tcase_add_test(tc, test_secret_near_misses);
	tcase_add_test(tc, test_secret_documented);
	tcase_add_test(tc, test_secret_env_value_shape);
	suite_add_tcase(s, tc);
	return s;
}
