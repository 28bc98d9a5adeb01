/*
 * fuzz_environ.c - /proc/PID/environ and /proc/PID/cmdline contents on
 * arbitrary bytes: the environment block becomes env records (names
 * classified, values HMAC'd under a scratch key, some kept in clear), the
 * command line a redacted JSON array; records sorted and serialised.
 * Must never crash, leak or leave a value in clear where it should not.
 */
#include "envsnap.h"
#include "fuzztree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cairn_env_key *key;
	static const char *clear[] = { "PATH", "LANG" };
	cairn_recs recs;
	json_t *cmd;
	size_t i;

	if (!key) {
		char *p = ft_path("env.key");

		if (cairn_env_key_load(&key, p) < 0)
			abort();
		free(p);
	}
	cairn_recs_init(&recs);
	cairn_env_parse_block(&recs, key, "pid:42", (const char *)data, size, clear, 2);
	cairn_env_parse_block(&recs, NULL, "self", (const char *)data, size, NULL, 0);
	cmd = cairn_env_parse_cmdline(key, (const char *)data, size);
	cairn_recs_sort(&recs);
	for (i = 0; i < recs.n; i++) {
		char *s = json_dumps(recs.v[i].rec, JSON_COMPACT | JSON_SORT_KEYS);
		const json_t *v = json_object_get(recs.v[i].rec, "value");

		if (!s)
			abort();
		/* only the names asked for are kept in clear */
		if (v && strcmp(json_string_value(json_object_get(recs.v[i].rec, "name")), "PATH") &&
		    strcmp(json_string_value(json_object_get(recs.v[i].rec, "name")), "LANG"))
			abort();
		free(s);
	}
	free(json_dumps(cmd, JSON_COMPACT));
	json_decref(cmd);
	cairn_recs_release(&recs);
	return 0;
}
