/*
 * check_rules.c - the rule table and the evaluator, over records shaped as
 * docs/RECORDS.md documents them, diffs as docs/diff-schema.json and
 * captures as cairn-capture --json.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	ck_assert_msg(j != NULL, "bad test JSON: %s (%s)", err.text, text);
	return j;
}

/* Number of findings of rule id. */
static size_t count_rule(const cairn_findings *f, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < f->count; i++)
		if (!strcmp(f->items[i].rule->id, id))
			n++;
	return n;
}

static void eval_records(cairn_findings *f, const char *records)
{
	json_t *recs = parse(records);
	cairn_rules_input in;

	memset(&in, 0, sizeof(in));
	in.records = recs;
	cairn_findings_init(f);
	cairn_rules_eval(f, &in);
	json_decref(recs);
}

START_TEST(test_rules_table_complete)
{
	size_t n, i, j;
	const cairn_rule *t = cairn_rules_table(&n);

	ck_assert_uint_ge(n, 12);
	for (i = 0; i < n; i++) {
		ck_assert(t[i].id && t[i].slug && t[i].checks && t[i].why && t[i].fix);
		ck_assert(strlen(t[i].fix) > 20);
		ck_assert_int_ge(t[i].severity, CAIRN_SEV_INFO);
		ck_assert_int_lt(t[i].severity, CAIRN_SEV__COUNT);
		ck_assert_ptr_eq(cairn_rule_find(t[i].id), &t[i]);
		ck_assert_ptr_eq(cairn_rule_find(t[i].slug), &t[i]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(t[i].id, t[j].id);
	}
	ck_assert_ptr_null(cairn_rule_find("CAIRN-NOPE"));
}
END_TEST

START_TEST(test_rules_spec_pinned)
{
	static const char *const pinned[] = {
		"1.2.3", "=1.2.3", "v1.2.3", "1.2.3-beta.1", "1.0.0+build.5", "file:../x",
		"workspace:*", "npm:other@2.0.0",
		"git+https://github.com/a/b.git#0123456789abcdef0123456789abcdef01234567", NULL
	};
	static const char *const loose[] = {
		"^1.2.3", "~1.2.3", "*", "x", "1.x", "1.2", ">=1.0.0", "1.0.0 - 2.0.0",
		"1.0.0 || 2.0.0", "latest", "next", "", "github:a/b", "git+https://x/y.git#main",
		"npm:other@^2.0.0", "https://example.com/x.tgz", NULL
	};
	size_t i;

	for (i = 0; pinned[i]; i++)
		ck_assert_msg(cairn_rules_spec_pinned(pinned[i]), "%s should be pinned", pinned[i]);
	for (i = 0; loose[i]; i++)
		ck_assert_msg(!cairn_rules_spec_pinned(loose[i]), "%s should not be pinned", loose[i]);
	ck_assert(!cairn_rules_spec_pinned(NULL));
}
END_TEST

START_TEST(test_rules_secret_names)
{
	ck_assert(cairn_rules_secret_name("GITHUB_TOKEN"));
	ck_assert(cairn_rules_secret_name("aws_secret_access_key"));
	ck_assert(cairn_rules_secret_name("OPENAI_API_KEY"));
	ck_assert(cairn_rules_secret_name("DB_PASSWORD"));
	ck_assert(cairn_rules_secret_name("DATABASE_URL"));
	ck_assert(!cairn_rules_secret_name("PATH"));
	ck_assert(!cairn_rules_secret_name("NOTES_DIR"));
	ck_assert(!cairn_rules_secret_name(NULL));
}
END_TEST

/* The compromised sample's records, as cairn-snap writes them. */
static const char posture_records[] = "["
	"{\"type\":\"install_cmd\",\"file\":\".github/workflows/ci.yml\",\"line\":11,\"index\":0,"
	" \"tool\":\"npm\",\"command\":\"npm install\",\"packages\":[],\"text\":\"      - run: npm install\","
	" \"flags\":[\"not_ci\"]},"
	"{\"type\":\"install_cmd\",\"file\":\"Dockerfile\",\"line\":4,\"index\":0,\"tool\":\"npm\","
	" \"command\":\"npm ci\",\"packages\":[],\"text\":\"RUN npm ci\",\"flags\":[]},"
	"{\"type\":\"mcp_server\",\"config\":\".mcp.json\",\"client\":\"claude_code\",\"scope\":\"\","
	" \"server\":\"acme-notes\",\"transport\":\"stdio\",\"command\":\"npx\",\"url\":null,"
	" \"env\":[{\"name\":\"GITHUB_TOKEN\",\"length\":38,\"hmac_sha256\":null,\"secret\":true,\"rule\":\"exact\"},"
	"        {\"name\":\"NOTES_DIR\",\"length\":10,\"hmac_sha256\":null,\"secret\":false,\"rule\":null}],"
	" \"headers\":[],\"package\":\"@acme/mcp-server\",\"package_name\":\"@acme/mcp-server\","
	" \"package_version\":null,\"pin\":\"none\",\"pinned\":false,\"launcher\":\"npx\","
	" \"args\":[\"-y\",\"@acme/mcp-server\"]},"
	"{\"type\":\"mcp_server\",\"config\":\".mcp.json\",\"scope\":\"\",\"server\":\"pinned\","
	" \"command\":\"npx\",\"env\":[],\"headers\":[],\"package\":\"x@1.0.0\",\"pin\":\"exact\","
	" \"pinned\":true,\"launcher\":\"npx\",\"args\":[\"-y\",\"x@1.0.0\"]},"
	"{\"type\":\"npm_project\",\"project\":\"\",\"name\":\"agent-host\",\"version\":\"1.0.0\","
	" \"scripts\":{},\"dependencies\":{\"@acme/mcp-server\":\"^1.0.0\",\"left-pad\":\"1.3.0\"},"
	" \"optionalDependencies\":{},\"devDependencies\":{},\"peerDependencies\":{},"
	" \"lockfile\":\"package-lock.json\",\"lockfile_version\":3,\"hidden_lockfile\":true,"
	" \"lock_entries\":3,\"registry_host\":\"registry.npmjs.org\",\"installed\":2},"
	"{\"type\":\"package\",\"ecosystem\":\"npm\",\"project\":\"\",\"path\":\"node_modules/@acme/mcp-server\","
	" \"name\":\"@acme/mcp-server\",\"version\":\"1.0.1\",\"locked_version\":\"1.0.1\","
	" \"integrity\":null,\"scripts\":{\"postinstall\":\"node scripts/setup.js\"},"
	" \"has_install_script\":true,\"files\":{\"status\":\"verified\",\"source\":\"content-v2/x\","
	"  \"matching\":3,\"modified\":[\"index.js\"],\"added\":[],\"missing\":[],\"message\":null},"
	" \"flags\":[\"install_script\",\"no_integrity\",\"files_modified\"]},"
	"{\"type\":\"package\",\"ecosystem\":\"npm\",\"project\":\"\",\"path\":\"node_modules/left-pad\","
	" \"name\":\"left-pad\",\"version\":\"1.3.0\",\"locked_version\":null,\"integrity\":null,"
	" \"scripts\":{},\"has_install_script\":false,\"files\":null,\"flags\":[\"not_locked\"]},"
	"{\"type\":\"env\",\"source\":\"pid:42\",\"name\":\"NPM_TOKEN\",\"length\":3,\"secret\":true,\"rule\":\"exact\"},"
	"{\"type\":\"env\",\"source\":\"pid:42\",\"name\":\"HOME\",\"length\":3,\"secret\":false,\"rule\":null},"
	"{\"type\":\"requirement\",\"file\":\"requirements.txt\",\"line\":2,\"name\":\"requests\","
	" \"spec\":\">=2\",\"pinned\":false,\"hashes\":0,\"text\":\"requests>=2\"}"
	"]";

START_TEST(test_rules_posture)
{
	cairn_findings f;
	size_t i;

	eval_records(&f, posture_records);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P01"), 2);   /* package.json + requirements */
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P02"), 1);   /* only the unpinned server */
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P03"), 0);   /* lockfile present */
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P04"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P05"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P06"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P07"), 1);   /* npm install, not npm ci */
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P08"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P09"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P10"), 1);
	/* sorted: most severe first */
	ck_assert_str_eq(f.items[0].rule->id, "CAIRN-P10");
	for (i = 1; i < f.count; i++)
		ck_assert_int_le(f.items[i].severity, f.items[i - 1].severity);
	/* P05 names the secret, not the harmless variable */
	for (i = 0; i < f.count; i++)
		if (!strcmp(f.items[i].rule->id, "CAIRN-P05")) {
			ck_assert_ptr_nonnull(strstr(f.items[i].title, "GITHUB_TOKEN"));
			ck_assert_ptr_null(strstr(f.items[i].title, "NOTES_DIR"));
		}
	ck_assert_int_eq(cairn_findings_max(&f), CAIRN_SEV_CRITICAL);
	cairn_findings_release(&f);
}
END_TEST

START_TEST(test_rules_missing_lockfile)
{
	cairn_findings f;

	eval_records(&f, "[{\"type\":\"npm_project\",\"project\":\"app\",\"dependencies\":{\"a\":\"1.0.0\"},"
		     "\"lockfile\":null,\"hidden_lockfile\":false,\"installed\":1},"
		     "{\"type\":\"package\",\"ecosystem\":\"npm\",\"project\":\"app\",\"path\":\"node_modules/a\","
		     "\"name\":\"a\",\"version\":\"1.0.0\",\"flags\":[\"no_lockfile\"]}]");
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P03"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-P01"), 0);
	cairn_findings_release(&f);
}
END_TEST

START_TEST(test_rules_malformed_records)
{
	cairn_findings f;

	/* wrong types everywhere: no crash, no finding invented */
	eval_records(&f, "[1, \"x\", null, {\"type\":5}, {\"type\":\"package\",\"flags\":\"no\","
		     "\"files\":[1],\"scripts\":\"x\",\"name\":{}}, {\"type\":\"mcp_server\",\"env\":{},"
		     "\"args\":\"x\"}, {\"type\":\"npm_project\",\"dependencies\":[\"^1\"]},"
		     "{\"type\":\"install_cmd\",\"flags\":{}}, {\"type\":\"env\",\"source\":1}]");
	ck_assert_uint_eq(f.count, 0);
	cairn_findings_release(&f);
}
END_TEST

static const char diff_doc[] = "{\"format\":\"cairn-diff\",\"version\":1,"
	"\"changes\":["
	" {\"path\":\"node_modules/a/index.js\",\"change\":\"modified\",\"what\":[\"content\"],"
	"  \"old\":{\"kind\":\"file\"},\"new\":{\"kind\":\"file\"}},"
	" {\"path\":\"node_modules/b/lib/x.js\",\"change\":\"modified\",\"what\":[\"content\"],"
	"  \"old\":{\"kind\":\"file\"},\"new\":{\"kind\":\"file\"}},"
	" {\"path\":\"node_modules/b/node_modules/c/y.js\",\"change\":\"added\",\"what\":[],"
	"  \"old\":null,\"new\":{\"kind\":\"file\"}}],"
	"\"records\":["
	" {\"type\":\"package\",\"key\":\"k\",\"change\":\"same-version-different-content\",\"red_flag\":true,"
	"  \"old\":{\"name\":\"a\",\"project\":\"\",\"path\":\"node_modules/a\",\"version\":\"1.0.0\",\"content_sha256\":\"aa\"},"
	"  \"new\":{\"name\":\"a\",\"project\":\"\",\"path\":\"node_modules/a\",\"version\":\"1.0.0\",\"content_sha256\":\"bb\"}},"
	" {\"type\":\"package\",\"key\":\"k2\",\"change\":\"version-changed\",\"red_flag\":false,"
	"  \"old\":{\"name\":\"b\",\"project\":\"\",\"path\":\"node_modules/b\",\"version\":\"2.0.0\",\"scripts\":{}},"
	"  \"new\":{\"name\":\"b\",\"project\":\"\",\"path\":\"node_modules/b\",\"version\":\"2.0.1\","
	"          \"scripts\":{\"postinstall\":\"node x.js\"}}},"
	" {\"type\":\"package\",\"key\":\"k2\",\"change\":\"scripts-changed\",\"red_flag\":true,"
	"  \"old\":{\"name\":\"b\",\"project\":\"\",\"path\":\"node_modules/b\",\"version\":\"2.0.0\",\"scripts\":{}},"
	"  \"new\":{\"name\":\"b\",\"project\":\"\",\"path\":\"node_modules/b\",\"version\":\"2.0.1\","
	"          \"scripts\":{\"postinstall\":\"node x.js\"}}},"
	" {\"type\":\"package\",\"key\":\"k3\",\"change\":\"added\",\"red_flag\":false,\"old\":null,"
	"  \"new\":{\"name\":\"c\",\"project\":\"\",\"path\":\"node_modules/b/node_modules/c\",\"version\":\"0.1.0\",\"scripts\":{}}}"
	"]}";

static const char capture_doc[] = "{\"format\":\"cairn-capture\",\"version\":1,\"window_seconds\":300,"
	"\"windows\":[],\"totals\":["
	" {\"host\":\"registry.npmjs.org\",\"names\":[{\"name\":\"registry.npmjs.org\",\"sources\":[\"tls-sni\"]}],"
	"  \"addresses\":[\"104.16.3.35\"],\"ports\":[\"tcp/443\"],\"connections\":3,\"allowed\":null},"
	" {\"host\":\"evil.example\",\"names\":[{\"name\":\"evil.example\",\"sources\":[\"dns\",\"tls-sni\"]}],"
	"  \"addresses\":[\"203.0.113.66\"],\"ports\":[\"tcp/443\"],\"connections\":2,\"allowed\":null}]}";

static int allow_registry(void *ctx, const char *host)
{
	(void)ctx;
	return host && !strcmp(host, "registry.npmjs.org");
}

START_TEST(test_rules_diff_and_capture)
{
	json_t *diff = parse(diff_doc), *cap = parse(capture_doc);
	json_t *patches = parse("[{\"path\":\"node_modules/b/lib/x.js\",\"patch\":"
				"\"--- a/x\\n+++ b/x\\n@@ -1 +1,2 @@\\n const to = args.to;\\n"
				"+const bcc = 'archive@mail-relay.example';\\n+req.params.arguments.x = 1;\\n\"}]");
	cairn_findings f = CAIRN_FINDINGS_INIT;
	cairn_rules_input in;
	size_t i;

	memset(&in, 0, sizeof(in));
	in.diff = diff;
	in.patches = patches;
	cairn_rules_eval(&f, &in);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-D01"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-D02"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-D03"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-D04"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-D05"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-X01"), 0);   /* no capture yet */
	for (i = 0; i < f.count; i++) {
		if (!strcmp(f.items[i].rule->id, "CAIRN-D05")) {
			ck_assert_ptr_nonnull(strstr(f.items[i].title, "archive@mail-relay.example"));
			ck_assert_ptr_null(strstr(f.items[i].title, "req.params"));
		}
		if (!strcmp(f.items[i].rule->id, "CAIRN-D04"))   /* nested package's file excluded */
			ck_assert_ptr_nonnull(strstr(f.items[i].title, "1 file changed"));
	}
	cairn_findings_release(&f);

	/* the capture: without an allowlist nothing is judged */
	memset(&in, 0, sizeof(in));
	in.capture = cap;
	cairn_rules_eval(&f, &in);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-E01"), 0);
	cairn_findings_release(&f);

	/* with one: the unknown host, and the correlation with the new script */
	in.diff = diff;
	in.allow = allow_registry;
	cairn_rules_eval(&f, &in);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-E01"), 1);
	ck_assert_uint_eq(count_rule(&f, "CAIRN-X01"), 1);
	ck_assert_int_eq(f.items[0].severity, CAIRN_SEV_CRITICAL);
	for (i = 0; i < f.count; i++)
		if (!strcmp(f.items[i].rule->id, "CAIRN-X01"))
			ck_assert_ptr_nonnull(strstr(f.items[i].title, "evil.example"));
	cairn_findings_release(&f);

	json_decref(diff);
	json_decref(cap);
	json_decref(patches);
}
END_TEST

START_TEST(test_rules_findings_json_deterministic)
{
	cairn_findings a, b;
	json_t *ja, *jb;
	char *sa, *sb;

	eval_records(&a, posture_records);
	eval_records(&b, posture_records);
	ja = cairn_findings_to_json(&a);
	jb = cairn_findings_to_json(&b);
	sa = json_dumps(ja, JSON_COMPACT);
	sb = json_dumps(jb, JSON_COMPACT);
	ck_assert_str_eq(sa, sb);
	ck_assert_ptr_nonnull(strstr(sa, "\"fix\":"));
	free(sa);
	free(sb);
	json_decref(ja);
	json_decref(jb);
	cairn_findings_release(&a);
	cairn_findings_release(&b);
}
END_TEST

START_TEST(test_rules_table_markdown)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_rules_table_md(&b);
	ck_assert_ptr_nonnull(strstr(b.data, "| CAIRN-X01 |"));
	ck_assert_ptr_nonnull(strstr(b.data, "npm ci"));
	cairn_buf_release(&b);
}
END_TEST

Suite *rules_suite(void);
Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_test(tc, test_rules_table_complete);
	tcase_add_test(tc, test_rules_table_markdown);
	tcase_add_test(tc, test_rules_spec_pinned);
	tcase_add_test(tc, test_rules_secret_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("posture");
	tcase_add_test(tc, test_rules_posture);
	tcase_add_test(tc, test_rules_missing_lockfile);
	tcase_add_test(tc, test_rules_malformed_records);
	suite_add_tcase(s, tc);
	tc = tcase_create("changes");
	tcase_add_test(tc, test_rules_diff_and_capture);
	tcase_add_test(tc, test_rules_findings_json_deterministic);
	suite_add_tcase(s, tc);
	return s;
}
