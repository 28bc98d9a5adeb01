/*
 * gen-snapshot.c - write real snapshots through the library's writer, for
 * tests and benchmarks.
 *
 *   gen-snapshot --entries N [--variant V] [--every K] [--sign KEY] OUT
 *       N synthetic entries "dNNNN/fNNNNNNN" (1000 files per folder, plus
 *       the folders).  Variant 1 differs from variant 0 in one entry in K
 *       (default 100): content, removed, added, mode, in turn.
 *   gen-snapshot --spec SPEC.json [--sign KEY] OUT
 *       SPEC: {"header": {...}, "entries": [...], "records": [...]}.
 *       Entries use the snapshot's entry fields ("path", "kind", "mode",
 *       "uid", "gid", "size", "mtime", "target", "error") with defaults
 *       filled in; "content": "text" sets size, sha256 and xxh128 from
 *       that text.  Entries are sorted by the tool.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "hash.h"
#include "snapshot.h"

static void die(const char *what)
{
	fprintf(stderr, "gen-snapshot: %s: %s\n", what, cairn_error_last());
	exit(2);
}

static void set_content(cairn_entry *e, const char *p, size_t n)
{
	XXH128_hash_t x = XXH3_128bits(p, n);
	XXH128_canonical_t c;

	if (cairn_sha256_mem(e->sha256, p, n) < 0)
		die("sha256");
	XXH128_canonicalFromHash(&c, x);
	memcpy(e->xxh128, c.digest, 16);
	e->size = n;
	e->flags |= CAIRN_EF_HASHED;
}

static int gen_synthetic(cairn_snap_writer *w, unsigned long n, int variant,
			 unsigned long every)
{
	cairn_entry e;
	char path[64], content[64];
	unsigned long i, folders = (n + 999) / 1000;
	unsigned long f;

	cairn_entry_init(&e);
	for (f = 0; f < folders; f++) {
		e.type = CAIRN_T_DIR;
		e.mode = 0755;
		e.size = 4096;
		e.flags = 0;
		e.path_len = (size_t)snprintf(path, sizeof(path), "d%04lu", f);
		e.path = path;
		e.nlink = 2;
		e.mtime_sec = 1700000000;
		if (cairn_snap_writer_entry(w, &e) < 0)
			return -1;
		for (i = f * 1000; i < (f + 1) * 1000 && i < n; i++) {
			unsigned long slot = (i / every) % 4;
			int hit = variant && i % every == every / 2;
			size_t clen;

			if (hit && slot == 1)
				continue;                  /* removed */
			e.type = CAIRN_T_FILE;
			e.mode = (hit && slot == 3) ? 0755 : 0644;
			e.uid = e.gid = 1000;
			e.nlink = 1;
			e.ino = 100000 + i;
			e.dev = 2049;
			e.mtime_sec = 1700000000 + (int64_t)(i % 86400);
			e.mtime_nsec = (long)(i % 1000) * 1000;
			e.ctime_sec = e.mtime_sec;
			e.path_len = (size_t)snprintf(path, sizeof(path), "d%04lu/f%07lu",
						      f, i);
			clen = (size_t)snprintf(content, sizeof(content), "file %lu %s", i,
						(hit && slot == 0) ? "changed" : "orig");
			e.flags = 0;
			set_content(&e, content, clen);
			if (cairn_snap_writer_entry(w, &e) < 0)
				return -1;
			if (hit && slot == 2) {            /* added next to it */
				e.path_len = (size_t)snprintf(path, sizeof(path),
							      "d%04lu/f%07lu.new", f, i);
				if (cairn_snap_writer_entry(w, &e) < 0)
					return -1;
			}
		}
	}
	e.path = NULL;
	cairn_entry_release(&e);
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const cairn_entry *x = a, *y = b;

	return cairn_path_cmp(x->path, x->path_len, y->path, y->path_len);
}

static void spec_default(json_t *o, const char *key, json_t *v)
{
	if (!json_object_get(o, key))
		json_object_set_new(o, key, v);
	else
		json_decref(v);
}

static int gen_spec(cairn_snap_writer *w, const json_t *spec)
{
	const json_t *entries = json_object_get(spec, "entries");
	const json_t *records = json_object_get(spec, "records");
	size_t i, n = json_array_size(entries);
	cairn_entry *v = calloc(n ? n : 1, sizeof(*v));
	int rc = 0;

	for (i = 0; i < n; i++) {
		json_t *o = json_copy(json_array_get(entries, i));
		const json_t *content = json_object_get(o, "content");

		spec_default(o, "kind", json_string("file"));
		spec_default(o, "mode", json_string(
			!strcmp(json_string_value(json_object_get(o, "kind")), "dir") ?
			"0755" : "0644"));
		spec_default(o, "uid", json_integer(0));
		spec_default(o, "gid", json_integer(0));
		spec_default(o, "size", json_integer(0));
		spec_default(o, "mtime", json_integer(1700000000));
		spec_default(o, "mtime_ns", json_integer(0));
		spec_default(o, "ctime", json_integer(1700000000));
		spec_default(o, "ctime_ns", json_integer(0));
		spec_default(o, "dev", json_integer(1));
		spec_default(o, "ino", json_integer((json_int_t)i + 2));
		spec_default(o, "nlink", json_integer(1));
		if (cairn_entry_from_json(&v[i], o) < 0) {
			fprintf(stderr, "gen-snapshot: spec entry %zu: %s\n", i,
				cairn_error_last());
			exit(2);
		}
		if (json_is_string(content))
			set_content(&v[i], json_string_value(content),
				    json_string_length(content));
		json_decref(o);
	}
	qsort(v, n, sizeof(*v), entry_cmp);
	for (i = 0; i < n && rc == 0; i++)
		rc = cairn_snap_writer_entry(w, &v[i]);
	for (i = 0; i < json_array_size(records) && rc == 0; i++)
		rc = cairn_snap_writer_record(w, json_array_get(records, i));
	for (i = 0; i < n; i++)
		cairn_entry_release(&v[i]);
	free(v);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "entries", required_argument, NULL, 'n' },
		{ "variant", required_argument, NULL, 'v' },
		{ "every", required_argument, NULL, 'k' },
		{ "spec", required_argument, NULL, 's' },
		{ "sign", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long n = 0, every = 100;
	int variant = 0, c;
	const char *spec_path = NULL, *sign = NULL;
	json_t *spec = NULL, *header;
	cairn_snap_writer *w;
	cairn_key *key = NULL;
	json_error_t jerr;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'v': variant = atoi(optarg); break;
		case 'k': every = strtoul(optarg, NULL, 10); break;
		case 's': spec_path = optarg; break;
		case 'S': sign = optarg; break;
		default:
			fprintf(stderr, "usage: gen-snapshot (--entries N [--variant V] "
				"[--every K] | --spec FILE) [--sign KEY] OUT\n");
			return 2;
		}
	}
	if (optind + 1 != argc || (!n && !spec_path) || every < 4) {
		fprintf(stderr, "usage: gen-snapshot (--entries N [--variant V] "
			"[--every K>=4] | --spec FILE) [--sign KEY] OUT\n");
		return 2;
	}
	if (spec_path) {
		spec = json_load_file(spec_path, 0, &jerr);
		if (!spec) {
			fprintf(stderr, "gen-snapshot: %s: %s\n", spec_path, jerr.text);
			return 2;
		}
		header = json_incref(json_object_get(spec, "header"));
	} else {
		header = NULL;
	}
	if (!header) {
		header = json_object();
		json_object_set_new(header, "hostname", json_string("gen"));
		json_object_set_new(header, "root", json_string("/gen"));
		json_object_set_new(header, "created", json_string("2026-01-01T00:00:00Z"));
	}
	if (sign && cairn_key_load_private(&key, sign) < 0)
		die(sign);
	if (cairn_snap_writer_open(&w, argv[optind], header) < 0)
		die(argv[optind]);
	if ((spec ? gen_spec(w, spec) : gen_synthetic(w, n, variant, every)) < 0) {
		cairn_snap_writer_abort(w);
		die(argv[optind]);
	}
	if (cairn_snap_writer_close(w, NULL, key) < 0)
		die(argv[optind]);
	cairn_key_free(key);
	json_decref(header);
	json_decref(spec);
	return 0;
}
