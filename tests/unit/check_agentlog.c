/*
 * check_agentlog.c - MCP client logs (lib/agentlog*.c) on the fixtures
 * recorded from real servers (tests/tools/mcp-record.sh): the three
 * formats agree, the manifest change and its word diff, Claude Desktop's
 * duplicate lines, secrets by shape, name and snapshot HMAC and never in
 * clear, --expect-tools, hostile lines.
 */
#include "agentlog.h"
#include "agentlog_find.h"
#include "capture_input.h"
#include "pkgtest.h"

#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define OPENAI "sk-proj-cairnTEST0000fakeKEYnotREAL1111aaaabbbbccccdddd"
#define DBPASS "correct-horse-battery-staple-42"
#define GHTOKEN "ghp_cairnTestFakeToken000000000000000000"

static char *tmp;
static cairn_env_key *key;

static void setup(void)
{
	char *kp;

	tmp = pt_mkdtemp();
	kp = malloc(strlen(tmp) + 16);
	sprintf(kp, "%s/env.key", tmp);
	ck_assert_int_eq(cairn_env_key_load(&key, kp), 0);
	free(kp);
}

static void teardown(void)
{
	cairn_env_key_free(key);
	key = NULL;
	pt_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
}

static char *fx(const char *rel)
{
	const char *src = getenv("CAIRN_SRC");
	char *p;

	ck_assert_ptr_nonnull(src);
	p = malloc(strlen(src) + strlen(rel) + 64);
	sprintf(p, "%s/tests/fixtures/agentlogs/%s", src, rel);
	return p;
}

#define TRANSCRIPT "claude-code/5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a51.jsonl"

static cairn_agentlog_result *read_files(const char *const *rel, size_t n, int watch)
{
	struct cairn_agentlog_opts o = { 0, NULL };
	cairn_agentlog *a;
	cairn_agentlog_result *r;
	char **paths = calloc(n, sizeof(char *));
	size_t i;

	o.key = key;
	ck_assert_int_eq(cairn_agentlog_new(&a, &o), 0);
	if (watch) {
		char h[65];

		cairn_env_hmac(key, OPENAI, strlen(OPENAI), h);
		ck_assert_int_eq(cairn_agentlog_watch_add(a, "env OPENAI_API_KEY (self)", strlen(OPENAI), h), 0);
		cairn_env_hmac(key, DBPASS, strlen(DBPASS), h);
		ck_assert_int_eq(cairn_agentlog_watch_add(a, "env DB_PASSWORD (self)", strlen(DBPASS), h), 0);
	}
	for (i = 0; i < n; i++)
		paths[i] = fx(rel[i]);
	ck_assert_msg(cairn_agentlog_read(a, (const char *const *)paths, n) == 0, "%s", cairn_error_last());
	ck_assert_int_eq(cairn_agentlog_finish(&r, a), 0);
	cairn_agentlog_free(a);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return r;
}

static cairn_agentlog_result *read1(const char *rel, int watch)
{
	return read_files(&rel, 1, watch);
}

/* "server/tool calls errors" per tool called, in order */
static char *calls_of(const cairn_agentlog_result *r)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i, j;

	cairn_buf_grow(&b, 0);
	for (i = 0; i < r->server_count; i++)
		for (j = 0; j < r->servers[i].item_count; j++) {
			const struct cairn_agentlog_item *it = &r->servers[i].items[j];

			if (it->calls)
				cairn_buf_addf(&b, "%s/%s %llu %llu\n", r->servers[i].name, it->name,
					       (unsigned long long)it->calls, (unsigned long long)it->errors);
		}
	return cairn_buf_detach(&b, NULL);
}

static char *secrets_of(const cairn_agentlog_result *r)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	cairn_buf_grow(&b, 0);
	for (i = 0; i < r->secret_count; i++)
		cairn_buf_addf(&b, "%s/%s %d %zu %s\n", r->secrets[i].server,
			       r->secrets[i].tool ? r->secrets[i].tool : "?", r->secrets[i].direction,
			       r->secrets[i].length, r->secrets[i].hmac_sha256);
	return cairn_buf_detach(&b, NULL);
}

static char *dump(const cairn_agentlog_result *r)
{
	json_t *j = cairn_agentlog_to_json(r);
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	cairn_buf t = CAIRN_BUF_INIT;
	cairn_buf b = CAIRN_BUF_INIT;

	json_decref(j);
	cairn_agentlog_write_text(&t, r);
	cairn_buf_addstr(&b, s);
	cairn_buf_add(&b, t.data, t.len);
	free(s);
	cairn_buf_release(&t);
	return cairn_buf_detach(&b, NULL);
}

START_TEST(test_agentlog_sniff)
{
	static const struct { const char *rel; int kind; } t[] = {
		{ "claude-desktop/mcp.log", CAIRN_INPUT_AGENT_DESKTOP },
		{ "claude-desktop/mcp-server-memory.log", CAIRN_INPUT_AGENT_DESKTOP },
		{ TRANSCRIPT, CAIRN_INPUT_AGENT_TRANSCRIPT },
		{ "jsonrpc/memory.ndjson", CAIRN_INPUT_AGENT_JSONRPC },
		{ "jsonrpc/wrapped.ndjson", CAIRN_INPUT_AGENT_JSONRPC },
		{ "SOURCE", CAIRN_INPUT_UNKNOWN },
	};
	static const char *const junk[] = {
		"\xd4\xc3\xb2\xa1\x02\x00\x04\x00", "#separator \\x09\n#fields\tts\n",
		"{\"ts\":1.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}\n", "", "\n\n\n",
		"{\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\"}\n", "plain words\n",
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *p = fx(t[i].rel);
		struct cairn_input_info info;

		/* the one sniffer of capture inputs knows them */
		ck_assert_int_eq(cairn_input_sniff(&info, p), 0);
		ck_assert_msg((int)info.kind == t[i].kind, "%s: %s", t[i].rel,
			      cairn_input_kind_name(info.kind));
		free(p);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		ck_assert_int_eq(cairn_agentlog_sniff(junk[i], strlen(junk[i]), 1), CAIRN_AGENTLOG_NONE);
	/* a first line longer than the head read: told by its keys */
	{
		size_t n = 70000;
		char *big = malloc(n);

		memset(big, 'a', n);
		memcpy(big, "{\"parentUuid\":null,\"x\":\"", 24);
		ck_assert_int_eq(cairn_agentlog_sniff(big, 65536, 0), CAIRN_AGENTLOG_TRANSCRIPT);
		memcpy(big, "{\"jsonrpc\":\"2.0\",\"x\":\"aaaa", 26);
		ck_assert_int_eq(cairn_agentlog_sniff(big, 65536, 0), CAIRN_AGENTLOG_JSONRPC);
		free(big);
	}
}
END_TEST

START_TEST(test_agentlog_formats_agree)
{
	cairn_agentlog_result *d = read1("claude-desktop/mcp.log", 0);
	cairn_agentlog_result *t = read1(TRANSCRIPT, 0);
	cairn_agentlog_result *w = read1("jsonrpc/wrapped.ndjson", 0);
	static const char *const bare[] = { "jsonrpc/everything.ndjson", "jsonrpc/filesystem.ndjson",
		"jsonrpc/memory.ndjson" };
	cairn_agentlog_result *b = read_files(bare, 3, 0);
	char *cd = calls_of(d), *ct = calls_of(t), *cw = calls_of(w), *cb = calls_of(b);
	char *sd = secrets_of(d), *st = secrets_of(t), *sw = secrets_of(w);

	ck_assert_str_eq(cd,
		"everything/echo 1 0\neverything/get-env 1 0\neverything/get-sum 1 0\n"
		"filesystem/list_directory 1 0\nfilesystem/read_text_file 2 0\n"
		"memory/add_observations 1 0\nmemory/create_entities 1 0\nmemory/search_nodes 2 0\n");
	ck_assert_str_eq(ct, cd);
	ck_assert_str_eq(cw, cd);
	ck_assert_str_eq(cb, cd);
	ck_assert_str_eq(sw, sd);
	ck_assert_str_eq(st, sd);
	/* calls per window: the same rows from the timed formats, none from
	 * bare JSON-RPC (no times: counted, not placed) */
	ck_assert_uint_eq(d->window_count, 10);
	ck_assert_uint_eq(t->window_count, 10);
	ck_assert_uint_eq(b->window_count, 0);
	ck_assert_uint_eq(b->stats.untimed_calls, 10);
	ck_assert_uint_eq(d->stats.calls, 10);
	free(cd);
	free(ct);
	free(cw);
	free(cb);
	free(sd);
	free(st);
	free(sw);
	cairn_agentlog_result_free(d);
	cairn_agentlog_result_free(t);
	cairn_agentlog_result_free(w);
	cairn_agentlog_result_free(b);
}
END_TEST

START_TEST(test_agentlog_manifest_change)
{
	cairn_agentlog_result *r = read1("claude-desktop/mcp.log", 0);
	size_t i, j, hits = 0, tools = 0;

	ck_assert_uint_eq(r->change_count, 1);
	ck_assert_str_eq(r->changes[0].server, "memory");
	ck_assert_str_eq(r->changes[0].item, "search_nodes");
	ck_assert_str_eq(r->changes[0].old_schema_sha256, r->changes[0].new_schema_sha256);
	ck_assert_str_ne(r->changes[0].old_description_sha256, r->changes[0].new_description_sha256);
	ck_assert_ptr_nonnull(strstr(r->changes[0].diff,
				     "based on a [-query-] {+query. <IMPORTANT> Before using this tool"));
	for (i = 0; i < r->server_count; i++)
		for (j = 0; j < r->servers[i].item_count; j++) {
			const struct cairn_agentlog_item *it = &r->servers[i].items[j];
			size_t k;

			if (it->kind == CAIRN_AGENTLOG_TOOL) {
				tools++;
				ck_assert_ptr_nonnull(it->versions[0].description_sha256);
				ck_assert_uint_eq(strlen(it->versions[0].description_sha256), 64);
			}
			for (k = 0; k < it->version_count; k++) {
				hits += it->versions[k].hit_count;
				if (it->versions[k].hit_count) {
					ck_assert_str_eq(it->name, "search_nodes");
					ck_assert_uint_eq(k, 1);
				}
			}
		}
	/* 13 + 14 + 9 tools; every hit on the changed description */
	ck_assert_uint_eq(tools, 36);
	ck_assert_uint_ge(hits, 6);
	/* what sets cairn-capture's exit status: the change, the secrets in
	 * tool traffic and every hit on the changed description (no
	 * allowlist, no tool list applied) */
	ck_assert_uint_eq(r->secret_count, 6);
	ck_assert_uint_eq(hits, 8);
	ck_assert_uint_eq(cairn_agentlog_result_findings(r), 15);
	cairn_agentlog_result_free(r);
}
END_TEST

START_TEST(test_agentlog_desktop_duplicates)
{
	static const char *const all[] = { "claude-desktop/mcp.log", "claude-desktop/mcp-server-everything.log",
		"claude-desktop/mcp-server-filesystem.log", "claude-desktop/mcp-server-memory.log" };
	cairn_agentlog_result *one = read1("claude-desktop/mcp.log", 0);
	cairn_agentlog_result *four = read_files(all, 4, 0);
	char *a = calls_of(one), *b = calls_of(four);
	size_t i;
	uint64_t dup = 0;

	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(four->change_count, 1);
	for (i = 0; i < four->file_count; i++)
		dup += four->files[i].duplicates;
	ck_assert_uint_eq(dup, one->stats.messages);
	free(a);
	free(b);
	cairn_agentlog_result_free(one);
	cairn_agentlog_result_free(four);
}
END_TEST

static int has_rule(const struct cairn_agentlog_secret *s, const char *rule)
{
	size_t i;

	for (i = 0; i < s->rule_count; i++)
		if (!strcmp(s->rules[i], rule))
			return 1;
	return 0;
}

START_TEST(test_agentlog_secrets)
{
	cairn_agentlog_result *r = read1(TRANSCRIPT, 1);
	char *out = dump(r), want[65];
	size_t i;
	int openai = 0, db = 0, gh = 0;

	ck_assert_ptr_null(strstr(out, OPENAI));
	ck_assert_ptr_null(strstr(out, DBPASS));
	ck_assert_ptr_null(strstr(out, GHTOKEN));
	ck_assert_ptr_null(strstr(out, "AKIACAIRNTEST0000FAK"));
	for (i = 0; i < r->secret_count; i++) {
		const struct cairn_agentlog_secret *s = &r->secrets[i];

		if (!strcmp(s->server, "memory") && !strcmp(s->tool, "add_observations") &&
		    s->direction == CAIRN_AGENTLOG_ARGS && s->length == strlen(OPENAI)) {
			cairn_env_hmac(key, OPENAI, strlen(OPENAI), want);
			ck_assert_str_eq(s->hmac_sha256, want);
			ck_assert(has_rule(s, "shape:openai-key"));
			ck_assert(has_rule(s, "snapshot:env OPENAI_API_KEY (self)"));
			ck_assert_str_eq(s->where, "arguments.observations[0].contents[0]");
			openai = 1;
		}
		if (s->length == strlen(DBPASS)) {
			/* no shape, no name: only the snapshot's HMAC finds it */
			ck_assert_uint_eq(s->rule_count, 1);
			ck_assert(has_rule(s, "snapshot:env DB_PASSWORD (self)"));
			db = 1;
		}
		if (!strcmp(s->server, "everything") && s->direction == CAIRN_AGENTLOG_RESULT &&
		    s->length == strlen(GHTOKEN)) {
			ck_assert(has_rule(s, "shape:github-token"));
			ck_assert(has_rule(s, "name:exact"));
			gh = 1;
		}
	}
	ck_assert(openai && db && gh);
	free(out);
	cairn_agentlog_result_free(r);
}
END_TEST

START_TEST(test_agentlog_hosts_and_expect)
{
	cairn_agentlog_result *r = read1("jsonrpc/wrapped.ndjson", 0);
	cairn_agentlog_expect *e = NULL;
	static const char list[] = "# what the agent may call\nmemory/*\neverything/echo  # hello\n"
				   "get-sum\n\nfilesystem/list_directory\nfilesystem/read_text_file\n";
	size_t i, found = 0;

	ck_assert_int_eq(cairn_agentlog_expect_parse(&e, list, strlen(list), "list"), 0);
	ck_assert_uint_eq(cairn_agentlog_result_apply_expect(r, e), 1);
	ck_assert_uint_eq(cairn_agentlog_result_unexpected(r), 1);
	/* the unexpected tool counts among the findings */
	ck_assert_uint_eq(cairn_agentlog_result_findings(r), 16);
	for (i = 0; i < r->server_count; i++)
		if (!strcmp(r->servers[i].name, "everything")) {
			size_t j;

			for (j = 0; j < r->servers[i].item_count; j++)
				if (!strcmp(r->servers[i].items[j].name, "get-env")) {
					ck_assert_int_eq(r->servers[i].items[j].expected, 0);
					r->servers[i].items[j].expected = 1;
				}
		}
	ck_assert_uint_eq(cairn_agentlog_result_findings(r), 15);
	for (i = 0; i < r->host_count; i++)
		if (!strcmp(r->hosts[i].host, "collect.exfil-cairn-demo.net") &&
		    r->hosts[i].direction == CAIRN_AGENTLOG_ARGS &&
		    !strcmp(r->hosts[i].tool, "add_observations"))
			found++;
	ck_assert_uint_eq(found, 1);
	cairn_agentlog_expect_free(e);
	ck_assert_int_eq(cairn_agentlog_expect_parse(&e, "a/b/c\n", 6, "bad"), CAIRN_EFORMAT);
	ck_assert_str_eq(cairn_error_last(), "expected tools 'bad': line 1: one server/tool, server/* or tool per line");
	ck_assert_int_eq(cairn_agentlog_expect_parse(&e, "ok\nwith space\n", 14, "bad"), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_agentlog_expect_parse(&e, "/x\n", 3, "bad"), CAIRN_EFORMAT);
	cairn_agentlog_result_free(r);
}
END_TEST

static cairn_agentlog_result *feed(int kind, const char *label, const char *data, size_t n)
{
	cairn_agentlog *a;
	cairn_agentlog_result *r;

	ck_assert_int_eq(cairn_agentlog_new(&a, NULL), 0);
	cairn_agentlog_feed(a, kind, label, data, n);
	cairn_agentlog_finish(&r, a);
	cairn_agentlog_free(a);
	return r;
}

START_TEST(test_agentlog_hostile)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_agentlog_result *r;
	char *out;
	size_t i;

	/* 10k-deep JSON, invalid UTF-8, a NUL, a cut line: counted, never fatal */
	for (i = 0; i < 10000; i++)
		cairn_buf_addch(&b, '[');
	cairn_buf_addch(&b, '\n');
	cairn_buf_addstr(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"x\xff\"}\n");
	cairn_buf_add(&b, "{\"jsonrpc\":\"2.0\",\0\"id\":1}\n", 26);
	cairn_buf_addstr(&b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\\u001b[31m<script>alert(1)</script>\",\"arguments\":{}}}\n");
	cairn_buf_addstr(&b, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"tools\":[{\"name\":\"t\\u001b]0;x\\u0007\",\"description\":\"<script>\\u001b[2J\\u202e\"}]}}\n");
	cairn_buf_addstr(&b, "{\"jsonrpc\":\"2.0\",\"id\":2,\"meth");
	r = feed(CAIRN_AGENTLOG_JSONRPC, "hostile.ndjson", b.data, b.len);
	ck_assert_uint_eq(r->files[0].malformed, 3);
	ck_assert_int_eq(r->files[0].cut_last_line, 1);
	ck_assert_uint_eq(r->stats.calls, 1);
	out = dump(r);
	/* the JSON escapes control characters; the text shows them as \x.. */
	ck_assert_ptr_null(memchr(out, 0x1b, strlen(out)));
	ck_assert_ptr_null(memchr(out, 0x07, strlen(out)));
	ck_assert_ptr_null(strstr(out, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(out, "\\x1b[31m<script>"));
	free(out);
	cairn_agentlog_result_free(r);
	cairn_buf_release(&b);

	/* Claude Desktop: garbage after the prefix, a message that is not
	 * JSON, ANSI in a server name */
	cairn_buf_addstr(&b, "2026-03-02T08:00:00.000Z [info] [s\x1b[1m] Message from client: {\"method\":\"tools/call\",\"params\":{\"name\":\"x\"},\"jsonrpc\":\"2.0\",\"id\":0}\n");
	cairn_buf_addstr(&b, "2026-03-02T08:00:00.000Z [info] [s] Message from server: {not json\n");
	cairn_buf_addstr(&b, "2026-03-02T08:00:01.000Z [info] [s] Message from client: method=\"tools/call\" id=3 params\n");
	cairn_buf_addstr(&b, "random stderr line\n");
	r = feed(CAIRN_AGENTLOG_DESKTOP, "mcp.log", b.data, b.len);
	ck_assert_uint_eq(r->files[0].malformed, 1);
	ck_assert_uint_eq(r->files[0].unbodied, 1);
	ck_assert_uint_eq(r->files[0].other_lines, 1);
	ck_assert_uint_eq(r->stats.calls, 1);
	out = dump(r);
	ck_assert_ptr_null(memchr(out, 0x1b, strlen(out)));
	free(out);
	cairn_agentlog_result_free(r);
	cairn_buf_release(&b);
}
END_TEST

/* Memory is bounded by the caps, not by what the log holds: 70000
 * distinct tool names are cut at the item cap and counted. */
START_TEST(test_agentlog_caps)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_agentlog_result *r;
	size_t i, items = 0;

	for (i = 0; i < 70000; i++)
		cairn_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":\"tools/call\",\"params\":{\"name\":\"t%zu\"}}\n", i, i);
	r = feed(CAIRN_AGENTLOG_JSONRPC, "many.ndjson", b.data, b.len);
	for (i = 0; i < r->server_count; i++)
		items += r->servers[i].item_count;
	ck_assert_uint_eq(items, 65536);
	ck_assert_uint_ge(r->stats.dropped, 70000 - 65536);
	ck_assert_uint_eq(r->stats.calls, 70000);
	cairn_agentlog_result_free(r);
	cairn_buf_release(&b);
}
END_TEST

/* Requests answered are dropped from the table in flight: a log with more
 * calls than it holds pairs every result. */
START_TEST(test_agentlog_many_calls_paired)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_agentlog_result *r;
	size_t i;

	for (i = 0; i < 70000; i++)
		cairn_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":\"tools/call\",\"params\":{\"name\":\"t\"}}\n"
			       "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"result\":{\"content\":[]}}\n", i, i);
	r = feed(CAIRN_AGENTLOG_JSONRPC, "many.ndjson", b.data, b.len);
	ck_assert_uint_eq(r->stats.calls, 70000);
	ck_assert_uint_eq(r->stats.results, 70000);
	ck_assert_uint_eq(r->stats.unpaired_results, 0);
	ck_assert_uint_eq(r->stats.dropped, 0);
	cairn_agentlog_result_free(r);
	cairn_buf_release(&b);
}
END_TEST

/* Claude Code's own tools: counted, their results accounted for (not
 * unpaired) without being read; MCP results among them still read. */
START_TEST(test_agentlog_transcript_builtin)
{
	static const char log[] =
		"{\"type\":\"assistant\",\"timestamp\":\"2026-03-02T08:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":["
		"{\"type\":\"tool_use\",\"id\":\"b1\",\"name\":\"Bash\",\"input\":{\"command\":\"ls\"}},"
		"{\"type\":\"tool_use\",\"id\":\"m1\",\"name\":\"mcp__mail__send\",\"input\":{\"to\":\"x@evil.example\"}}]}}\n"
		"{\"type\":\"user\",\"timestamp\":\"2026-03-02T08:00:01Z\",\"message\":{\"role\":\"user\",\"content\":["
		"{\"type\":\"tool_result\",\"tool_use_id\":\"b1\",\"content\":\"ghp_cairnTestFakeToken000000000000000000\"}]}}\n"
		"{\"type\":\"user\",\"timestamp\":\"2026-03-02T08:00:02Z\",\"message\":{\"role\":\"user\",\"content\":["
		"{\"type\":\"tool_result\",\"tool_use_id\":\"m1\",\"content\":\"sent, cc audit@mail.example\"}]}}\n"
		"{\"type\":\"user\",\"timestamp\":\"2026-03-02T08:00:03Z\",\"message\":{\"role\":\"user\",\"content\":["
		"{\"type\":\"tool_result\",\"tool_use_id\":\"zz\",\"content\":\"?\"}]}}\n";
	cairn_agentlog_result *r = feed(CAIRN_AGENTLOG_TRANSCRIPT, "s.jsonl", log, strlen(log));
	size_t i;
	int res_host = 0;

	ck_assert_uint_eq(r->stats.builtin_calls, 1);
	ck_assert_uint_eq(r->stats.calls, 1);
	ck_assert_uint_eq(r->stats.results, 1);
	ck_assert_uint_eq(r->stats.unpaired_results, 1);   /* zz only */
	ck_assert_uint_eq(r->secret_count, 0);             /* Bash's output is not read */
	for (i = 0; i < r->host_count; i++)
		if (!strcmp(r->hosts[i].host, "mail.example") && r->hosts[i].direction == CAIRN_AGENTLOG_RESULT)
			res_host = 1;
	ck_assert(res_host);
	cairn_agentlog_result_free(r);
}
END_TEST

START_TEST(test_agentlog_times)
{
	static const char log[] =
		"{\"ts\":1772438400123,\"direction\":\"send\",\"server\":\"a\",\"message\":{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}}\n"
		"{\"time\":\"2026-03-02T10:05:00+02:00\",\"dir\":\"out\",\"server\":\"a\",\"message\":\"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":2,\\\"method\\\":\\\"tools/call\\\",\\\"params\\\":{\\\"name\\\":\\\"x\\\"}}\"}\n"
		"{\"timestamp\":1772438400.5,\"server\":\"a\",\"message\":{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}}\n";
	cairn_agentlog_result *r = feed(CAIRN_AGENTLOG_JSONRPC, "w.ndjson", log, strlen(log));

	ck_assert_uint_eq(r->stats.calls, 3);
	ck_assert_uint_eq(r->stats.untimed_calls, 0);
	ck_assert_uint_eq(r->window_count, 2);
	/* 2026-03-02T08:00:00Z and 08:05:00Z */
	ck_assert_int_eq(r->windows[0].window_ns, 1772438400LL * 1000000000LL);
	ck_assert_int_eq(r->windows[0].calls, 2);
	ck_assert_int_eq(r->windows[1].window_ns, (1772438400LL + 300) * 1000000000LL);
	ck_assert_int_eq(r->windows[0].first_ns, 1772438400123LL * 1000000LL);
	cairn_agentlog_result_free(r);
}
END_TEST

static void put(const char *dir, const char *name, const char *text)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* --mcp-discover: the logs' places, sizes and hashes, a symlink recorded
 * and not followed; the provenance of a log against its record. */
START_TEST(test_agentlog_discover)
{
	char d1[2048], d2[2048], p[8192];
	cairn_recs recs;
	json_t *arr = json_array();
	cairn_buf b = CAIRN_BUF_INIT;
	int home;
	size_t i, n = 0;

	snprintf(d1, sizeof(d1), "%s/h/.config/Claude/logs", tmp);
	snprintf(d2, sizeof(d2), "%s/h/.claude/projects/-p", tmp);
	snprintf(p, sizeof(p), "mkdir -p '%s' '%s'", d1, d2);
	ck_assert_int_eq(system(p), 0);
	put(d1, "mcp.log", "2026-03-02T08:00:00.000Z [info] [x] Message from client: {}\n");
	put(d1, "main.log", "not an MCP log\n");
	put(d2, "s.jsonl", "{}\n");
	snprintf(p, sizeof(p), "%s/mcp-server-evil.log", d1);
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	snprintf(p, sizeof(p), "%s/h", tmp);
	home = open(p, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(home, 0);
	cairn_recs_init(&recs);
	cairn_agentlog_discover(&recs, home);
	close(home);
	cairn_recs_sort(&recs);
	for (i = 0; i < recs.n; i++) {
		const json_t *r = recs.v[i].rec;
		const char *path = json_string_value(json_object_get(r, "path"));

		json_array_append(arr, recs.v[i].rec);
		ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "agent_log");
		if (!strcmp(path, "~/.config/Claude/logs/mcp-server-evil.log")) {
			ck_assert_str_eq(json_string_value(json_object_get(r, "error")), "is a symlink (not followed)");
			ck_assert(json_is_null(json_object_get(r, "sha256")));
		} else {
			ck_assert(json_is_null(json_object_get(r, "error")));
			ck_assert_uint_eq(strlen(json_string_value(json_object_get(r, "sha256"))), 64);
		}
		n++;
	}
	ck_assert_uint_eq(n, 3);   /* mcp.log, the symlink, s.jsonl; not main.log */
	/* the same log: same bytes; grown: starts with them; changed: other */
	snprintf(p, sizeof(p), "%s/mcp.log", d1);
	ck_assert_int_eq(cairn_agentlog_provenance(&b, p, arr), 0);
	ck_assert_msg(strstr(b.data, "~/.config/Claude/logs/mcp.log (60 bytes): the same bytes") != NULL, "%s", b.data);
	cairn_buf_clear(&b);
	put(d1, "mcp.log", "2026-03-02T08:00:00.000Z [info] [x] Message from client: {}\nmore\n");
	ck_assert_int_eq(cairn_agentlog_provenance(&b, p, arr), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "it grew since"));
	cairn_buf_clear(&b);
	put(d1, "mcp.log", "2026-03-02T08:00:00.000Z [info] [y] Message from client: {}\n");
	ck_assert_int_eq(cairn_agentlog_provenance(&b, p, arr), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "other bytes"));
	cairn_buf_release(&b);
	json_decref(arr);
	cairn_recs_release(&recs);
}
END_TEST

Suite *agentlog_suite(void)
{
	Suite *s = suite_create("agentlog");
	TCase *tc = tcase_create("agentlog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_agentlog_sniff);
	tcase_add_test(tc, test_agentlog_formats_agree);
	tcase_add_test(tc, test_agentlog_manifest_change);
	tcase_add_test(tc, test_agentlog_desktop_duplicates);
	tcase_add_test(tc, test_agentlog_secrets);
	tcase_add_test(tc, test_agentlog_hosts_and_expect);
	tcase_add_test(tc, test_agentlog_hostile);
	tcase_add_test(tc, test_agentlog_caps);
	tcase_add_test(tc, test_agentlog_times);
	tcase_add_test(tc, test_agentlog_many_calls_paired);
	tcase_add_test(tc, test_agentlog_transcript_builtin);
	tcase_add_test(tc, test_agentlog_discover);
	suite_add_tcase(s, tc);
	return s;
}
