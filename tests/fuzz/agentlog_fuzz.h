/*
 * agentlog_fuzz.h - shared body of the agent-log fuzz targets
 * (fuzz_agentlog_desktop.c, _transcript.c, _jsonrpc.c): the input is read
 * as a log of one kind, past the line parser into manifests, changes, word
 * diffs, suspicious-description rules, calls, secrets (with snapshot HMACs
 * to match) and hosts, then --expect-tools and an allowlist are applied
 * and the result is written as text and JSON.  Checks: no crash or hang,
 * the text never holds an ESC or other C0 byte but newline, and the JSON
 * parses back.
 */
#ifndef AGENTLOG_FUZZ_H
#define AGENTLOG_FUZZ_H

#include "agentlog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cairn_env_key *fuzz_key(void)
{
	static cairn_env_key *k;
	static int tried;

	if (!tried) {
		char dir[] = "/tmp/cairn-fuzz-key.XXXXXX", path[64];

		tried = 1;
		if (mkdtemp(dir)) {
			snprintf(path, sizeof(path), "%s/k", dir);
			if (cairn_env_key_load(&k, path) < 0)
				k = NULL;
			unlink(path);
			rmdir(dir);
		}
	}
	return k;
}

static int fuzz_allow(void *ctx, const char *host)
{
	(void)ctx;
	return strstr(host, "example") != NULL;
}

static void fuzz_agentlog(int kind, const char *label, const uint8_t *data, size_t size)
{
	static const char list[] = "memory/*\neverything/echo\nget-sum\n# c\n";
	struct cairn_agentlog_opts o = { 60LL * 1000000000LL, NULL };
	cairn_agentlog *a = NULL;
	cairn_agentlog_result *r = NULL;
	cairn_agentlog_expect *e = NULL;
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j;
	char *s, h[65];
	size_t i;

	o.key = fuzz_key();
	(void)cairn_agentlog_sniff((const char *)data, size, 1);
	cairn_agentlog_new(&a, &o);
	if (o.key) {
		cairn_env_hmac(o.key, "hunter2hunter2", 14, h);
		cairn_agentlog_watch_add(a, "env PASSWORD (self)", 14, h);
		cairn_env_hmac(o.key, "sk-proj-cairnTEST0000fakeKEY", 28, h);
		cairn_agentlog_watch_add(a, "env OPENAI_API_KEY (self)", 28, h);
	}
	cairn_agentlog_feed(a, kind, label, (const char *)data, size);
	cairn_agentlog_finish(&r, a);
	if (cairn_agentlog_expect_parse(&e, list, sizeof(list) - 1, "fuzz") == 0)
		cairn_agentlog_result_apply_expect(r, e);
	cairn_agentlog_result_apply_allow(r, fuzz_allow, NULL);
	cairn_agentlog_result_unexpected(r);
	cairn_agentlog_write_text(&b, r);
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 && b.data[i] != '\n')
			abort();
	j = cairn_agentlog_to_json(r);
	s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (!s)
		abort();
	j = json_loads(s, 0, NULL);
	if (!j)
		abort();
	json_decref(j);
	free(s);
	cairn_buf_release(&b);
	cairn_agentlog_expect_free(e);
	cairn_agentlog_result_free(r);
	cairn_agentlog_free(a);
}

#endif
