/*
 * fuzz_persist.c - hostile persistence places (the input): read as each of
 * .npmrc, pip.conf, .yarnrc.yml and .vscode/tasks.json (the INI readers,
 * libyaml, the JSONC pre-passes, jansson), the input's first half as the
 * baseline's file and the whole as the new one; the records go through
 * CAIRN-D06's comparison (registry changed, token added, folder-open task)
 * and the findings are serialised, as cairn-diff --findings does.
 */
#include "fuzztree.h"
#include "persist.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cairn_env_key *key;

static const cairn_env_key *get(void *ctx)
{
	(void)ctx;
	if (!key) {
		char *p = ft_path("env.key");

		ft_writes("env.key", "0123456789abcdef0123456789abcdef");
		chmod(p, 0600);
		if (cairn_env_key_load(&key, p) < 0)
			abort();
		free(p);
	}
	return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[][2] = {
		{ "npmrc", ".npmrc" }, { "pip", "pip.conf" }, { "yarnrc", ".yarnrc.yml" },
		{ "vscode_tasks", ".vscode/tasks.json" },
	};
	size_t k, i, j;

	for (k = 0; k < 4; k++) {
		cairn_recs old, new;
		json_t *diff = json_object(), *changes = json_array();
		cairn_rules_input in;
		cairn_findings f;
		char *s;

		cairn_recs_init(&old);
		cairn_recs_init(&new);
		cairn_persist_parse(&old, kinds[k][0], kinds[k][1], (const char *)data, size / 2, get, NULL);
		cairn_persist_parse(&new, kinds[k][0], kinds[k][1], (const char *)data, size, get, NULL);
		for (i = 0; i < new.n; i++) {
			const char *t = json_string_value(json_object_get(new.v[i].rec, "type"));
			json_t *c = json_object();

			json_object_set_new(c, "type", json_string(t ? t : "?"));
			json_object_set_new(c, "change", json_string("added"));
			for (j = 0; j < old.n; j++)
				if (!strcmp(old.v[j].key, new.v[i].key)) {
					json_object_set_new(c, "change", json_string("changed"));
					json_object_set(c, "old", old.v[j].rec);
				}
			json_object_set(c, "new", new.v[i].rec);
			json_array_append_new(changes, c);
		}
		json_object_set_new(diff, "records", changes);
		json_object_set_new(diff, "changes", json_array());
		memset(&in, 0, sizeof(in));
		in.diff = diff;
		cairn_findings_init(&f);
		cairn_rules_eval(&f, &in);
		{
			json_t *fj = cairn_findings_to_json(&f);

			s = json_dumps(fj, JSON_COMPACT);
			free(s);
			json_decref(fj);
		}
		cairn_findings_release(&f);
		json_decref(diff);
		cairn_recs_release(&old);
		cairn_recs_release(&new);
	}
	return 0;
}
