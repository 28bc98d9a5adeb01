/*
 * check_snapshot.c - snapshot format v1: round trip of every entry type and
 * of hostile names, and rejection of truncated, bit-flipped, reordered and
 * wrongly signed snapshots.
 */
#include "snapshot.h"

#include <check.h>
#include <openssl/evp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch.h"

SCRATCH_FIXTURE("check_snapshot")

static void make_entry(cairn_entry *e, const char *path, size_t len, int type)
{
	cairn_entry_init(e);
	e->path = cairn_strndup(path, len);
	e->path_len = len;
	e->type = type;
	e->mode = type == CAIRN_T_DIR ? 0755 : 04711;
	e->uid = 1000;
	e->gid = 4294967294u;
	e->size = type == CAIRN_T_FILE ? 2147483648ull : 0;
	e->mtime_sec = -5;             /* before 1970: touch -d can do that */
	e->mtime_nsec = 999999999;
	e->ctime_sec = 1763812345;
	e->ctime_nsec = 1;
	e->dev = 64769;
	e->ino = 1234567890123ull;
	e->nlink = 2;
	if (type == CAIRN_T_CHR || type == CAIRN_T_BLK)
		e->rdev = 0x0801;
	if (type == CAIRN_T_SYMLINK) {
		e->target = cairn_strdup("../../etc/\xff\\passwd");
		e->target_len = strlen(e->target);
	}
	if (type == CAIRN_T_FILE) {
		memset(e->sha256, 0xab, 32);
		memset(e->xxh128, 0xcd, 16);
		e->flags = CAIRN_EF_HASHED | CAIRN_EF_CHANGED;
		e->xattrs = cairn_calloc(1, sizeof(*e->xattrs));
		e->xattrs[0].name = cairn_strdup("security.capability");
		e->xattrs[0].size = 20;
		memset(e->xattrs[0].sha256, 0x11, 32);
		e->xattr_count = 1;
	}
	if (type == CAIRN_T_UNKNOWN) {
		e->err = EACCES;
		e->err_op = cairn_strdup("open");
	}
}

/* Hostile names in raw byte order (what the walker must produce). */
static const struct { const char *p; size_t n; int type; } sample[] = {
	{ "\t tab", 5, CAIRN_T_FILE },
	{ "a", 1, CAIRN_T_DIR },
	{ "a.txt", 5, CAIRN_T_FILE },
	{ "a/\"quoted\"", 10, CAIRN_T_SYMLINK },
	{ "a/b\\x41", 7, CAIRN_T_FIFO },
	{ "a/new\nline", 10, CAIRN_T_SOCKET },
	{ "dev/blk", 7, CAIRN_T_BLK },
	{ "dev/chr", 7, CAIRN_T_CHR },
	{ "z\xc3\xa9", 3, CAIRN_T_UNKNOWN },
	{ "z\xff\xfe", 3, CAIRN_T_FILE },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static void write_sample(const char *path, const cairn_key *key)
{
	cairn_snap_writer *w;
	json_t *h = json_pack("{s:s}", "root", "/tmp/x");
	json_t *rec = json_pack("{s:s,s:s}", "type", "package", "name", "<pkg>");
	size_t i;

	ck_assert_int_eq(cairn_snap_writer_open(&w, path, h), 0);
	for (i = 0; i < NSAMPLE; i++) {
		cairn_entry e;

		make_entry(&e, sample[i].p, sample[i].n, sample[i].type);
		ck_assert_int_eq(cairn_snap_writer_entry(w, &e), 0);
		cairn_entry_release(&e);
	}
	ck_assert_int_eq(cairn_snap_writer_record(w, rec), 0);
	ck_assert_int_eq(cairn_snap_writer_close(w, NULL, key), 0);
	json_decref(h);
	json_decref(rec);
}

/* _i: 0 reads entries through the fast path, 1 through jansson. */
START_TEST(test_snapshot_round_trip)
{
	cairn_snap_reader *r;
	cairn_record rec;
	size_t i = 0;
	int rc;

	write_sample(tpath("s.cairn"), NULL);
	ck_assert_int_eq(cairn_snap_reader_open(&r, tpath("s.cairn"), NULL), 0);
	cairn_snap_reader_set_entry_json(r, _i);
	ck_assert_str_eq(json_string_value(json_object_get(cairn_snap_reader_header(r), "root")),
			 "/tmp/x");
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0) {
		cairn_entry want;

		if (rec.kind == CAIRN_REC_OTHER) {
			ck_assert_str_eq(json_string_value(json_object_get(rec.json, "name")),
					 "<pkg>");
			continue;
		}
		ck_assert_uint_lt(i, NSAMPLE);
		if (_i)
			ck_assert_ptr_nonnull(rec.json);
		ck_assert_ptr_nonnull(rec.line);
		make_entry(&want, sample[i].p, sample[i].n, sample[i].type);
		ck_assert_uint_eq(rec.entry.path_len, want.path_len);
		ck_assert_mem_eq(rec.entry.path, want.path, want.path_len);
		ck_assert_int_eq(rec.entry.type, want.type);
		ck_assert_uint_eq(rec.entry.mode, want.mode);
		ck_assert_uint_eq(rec.entry.gid, want.gid);
		ck_assert_uint_eq(rec.entry.size, want.size);
		ck_assert_int_eq(rec.entry.mtime_sec, want.mtime_sec);
		ck_assert_int_eq(rec.entry.mtime_nsec, want.mtime_nsec);
		ck_assert_uint_eq(rec.entry.ino, want.ino);
		ck_assert_uint_eq(rec.entry.rdev, want.rdev);
		ck_assert_uint_eq(rec.entry.flags, want.flags);
		ck_assert_int_eq(rec.entry.err, want.err);
		ck_assert_uint_eq(rec.entry.target_len, want.target_len);
		if (want.target)
			ck_assert_mem_eq(rec.entry.target, want.target, want.target_len);
		ck_assert_mem_eq(rec.entry.sha256, want.sha256, 32);
		ck_assert_uint_eq(rec.entry.xattr_count, want.xattr_count);
		if (want.xattr_count)
			ck_assert_str_eq(rec.entry.xattrs[0].name, "security.capability");
		cairn_entry_release(&want);
		i++;
	}
	ck_assert_msg(rc == 0, "rc %d: %s", rc, cairn_error_last());
	ck_assert_uint_eq(i, NSAMPLE);
	ck_assert_int_eq(json_integer_value(json_object_get(cairn_snap_reader_trailer(r),
							    "entries")), NSAMPLE);
	cairn_snap_reader_free(r);
}
END_TEST

START_TEST(test_snapshot_escape_reversible)
{
	const char raw[] = "ok\\x\xff\xc3\xa9\xed\xa0\x80" "end";
	cairn_buf esc = CAIRN_BUF_INIT, back = CAIRN_BUF_INIT;
	json_t *o = json_object();

	cairn_escape_bytes(&esc, raw, sizeof(raw) - 1);
	ck_assert_str_eq(esc.data, "ok\\\\x\\xff\xc3\xa9\\xed\\xa0\\x80end");
	ck_assert_int_eq(cairn_unescape_bytes(&back, esc.data, esc.len), 0);
	ck_assert_uint_eq(back.len, sizeof(raw) - 1);
	ck_assert_mem_eq(back.data, raw, back.len);
	cairn_json_set_bytes(o, "path", raw, sizeof(raw) - 1);
	ck_assert_ptr_null(json_object_get(o, "path"));
	ck_assert_ptr_nonnull(json_object_get(o, "path_esc"));
	/* a list element: the string, or "esc:" and the same escaped form */
	json_object_set_new(o, "item", cairn_json_bytes_item(raw, sizeof(raw) - 1));
	ck_assert_str_eq(json_string_value(json_object_get(o, "item")),
			 "esc:ok\\\\x\\xff\xc3\xa9\\xed\\xa0\\x80end");
	json_object_set_new(o, "item", cairn_json_bytes_item("caf\xc3\xa9/x.js", 10));
	ck_assert_str_eq(json_string_value(json_object_get(o, "item")), "caf\xc3\xa9/x.js");
	ck_assert_int_eq(cairn_unescape_bytes(&back, "\\q", 2), CAIRN_EFORMAT);
	ck_assert_int_eq(cairn_unescape_bytes(&back, "\\x4", 3), CAIRN_EFORMAT);
	cairn_buf_release(&esc);
	cairn_buf_release(&back);
	json_decref(o);
}
END_TEST

START_TEST(test_snapshot_writer_rejects_disorder)
{
	cairn_snap_writer *w;
	json_t *h = json_object();
	cairn_entry e;
	struct stat st;

	ck_assert_int_eq(cairn_snap_writer_open(&w, tpath("o.cairn"), h), 0);
	make_entry(&e, "b", 1, CAIRN_T_DIR);
	ck_assert_int_eq(cairn_snap_writer_entry(w, &e), 0);
	cairn_entry_release(&e);
	make_entry(&e, "a", 1, CAIRN_T_DIR);
	ck_assert_int_eq(cairn_snap_writer_entry(w, &e), CAIRN_EUSAGE);
	ck_assert_int_eq(cairn_snap_writer_entry(w, &e), CAIRN_EUSAGE);
	cairn_entry_release(&e);
	cairn_snap_writer_abort(w);
	/* aborted: nothing under the final name, no temp left behind */
	ck_assert_int_ne(stat(tpath("o.cairn"), &st), 0);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", tmpdir);
		ck_assert_int_eq(system(cmd), 0);
	}
	/* a device is written in place, never renamed over */
	ck_assert_int_eq(cairn_snap_writer_open(&w, "/dev/null", h), 0);
	ck_assert_int_eq(cairn_snap_writer_close(w, NULL, NULL), 0);
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	json_decref(h);
}
END_TEST

static size_t slurp(const char *path, unsigned char **out)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_ptr_nonnull(f);
	*out = malloc(1 << 20);
	n = fread(*out, 1, 1 << 20, f);
	fclose(f);
	return n;
}

static void spill(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	fclose(f);
}

START_TEST(test_snapshot_rejects_truncated)
{
	unsigned char *data;
	size_t n = 0, cut;

	write_sample(tpath("t.cairn"), NULL);
	n = slurp(tpath("t.cairn"), &data);
	for (cut = 0; cut < n; cut += (cut < 64 ? 1 : 7)) {
		spill(tpath("cut.cairn"), data, cut);
		ck_assert_int_lt(cairn_snap_verify(tpath("cut.cairn"), NULL, NULL), 0);
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "cut.cairn"));
	}
	free(data);
}
END_TEST

START_TEST(test_snapshot_rejects_bit_flips)
{
	unsigned char *data;
	size_t n, i, passed = 0;

	write_sample(tpath("f.cairn"), NULL);
	n = slurp(tpath("f.cairn"), &data);
	ck_assert_int_eq(cairn_snap_verify(tpath("f.cairn"), NULL, NULL), 0);
	for (i = 0; i < n; i++) {
		data[i] ^= 0x04;
		spill(tpath("flip.cairn"), data, n);
		if (cairn_snap_verify(tpath("flip.cairn"), NULL, NULL) == 0) {
			/* Only a flip in the zstd frame header that leaves the
			 * content intact (e.g. the window size) may pass. */
			char cmd[1024];

			snprintf(cmd, sizeof(cmd), "cd '%s' && zstd -q -dc f.cairn > a.nd &&"
				 " zstd -q -dc flip.cairn > b.nd && cmp -s a.nd b.nd", tmpdir);
			ck_assert_msg(system(cmd) == 0,
				      "bit flip at byte %zu changed content undetected", i);
			passed++;
		}
		data[i] ^= 0x04;
	}
	ck_assert_uint_le(passed, 2);
	free(data);
}
END_TEST

/* Re-compress altered plain text: the zstd checksum is then valid, so only
 * cairn's own checksum can catch it. */
START_TEST(test_snapshot_rejects_edited_records)
{
	char cmd[1024];

	write_sample(tpath("e.cairn"), NULL);
	snprintf(cmd, sizeof(cmd),
		 "zstd -q -dc %s | sed 's/\"uid\":1000/\"uid\":0/' | zstd -q -o %s",
		 tpath("e.cairn"), tpath("edit.cairn"));
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(cairn_snap_verify(tpath("edit.cairn"), NULL, NULL), CAIRN_EVERIFY);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "checksum mismatch"));
	snprintf(cmd, sizeof(cmd),
		 "zstd -q -dc %s | sed 's/\"errors\":1/\"errors\":0/' | zstd -q -o %s",
		 tpath("e.cairn"), tpath("edit2.cairn"));
	ck_assert_int_eq(system(cmd), 0);
	/* the trailer itself is not under the checksum, but under the
	 * signature; counts are cross-checked, "errors" only by signature */
	ck_assert_int_eq(cairn_snap_verify(tpath("edit2.cairn"), NULL, NULL), 0);
}
END_TEST

START_TEST(test_snapshot_signature)
{
	cairn_key *priv, *pub, *other;
	char cmd[1024];

	ck_assert_int_eq(cairn_key_generate(tpath("k.key"), tpath("k.pub")), 0);
	ck_assert_int_eq(cairn_key_generate(tpath("o.key"), tpath("o.pub")), 0);
	/* never overwrite an existing key */
	ck_assert_int_eq(cairn_key_generate(tpath("k.key"), tpath("k2.pub")), CAIRN_EIO);
	ck_assert_int_eq(cairn_key_load_private(&priv, tpath("k.key")), 0);
	ck_assert_int_eq(cairn_key_load_public(&pub, tpath("k.pub")), 0);
	ck_assert_int_lt(cairn_key_load_public(&other, tpath("k.key")), 0);
	ck_assert_ptr_null(other);
	ck_assert_int_eq(cairn_key_load_public(&other, tpath("o.pub")), 0);

	write_sample(tpath("signed.cairn"), priv);
	ck_assert_int_eq(cairn_snap_verify(tpath("signed.cairn"), pub, NULL), 0);
	ck_assert_int_eq(cairn_snap_verify(tpath("signed.cairn"), NULL, NULL), 0);
	ck_assert_int_eq(cairn_snap_verify(tpath("signed.cairn"), other, NULL), CAIRN_EVERIFY);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "signed.cairn"));
	write_sample(tpath("unsigned.cairn"), NULL);
	ck_assert_int_eq(cairn_snap_verify(tpath("unsigned.cairn"), pub, NULL), CAIRN_EVERIFY);
	/* a trailer field changed after signing breaks the signature */
	snprintf(cmd, sizeof(cmd),
		 "zstd -q -dc %s | sed 's/\"errors\":1/\"errors\":0/' | zstd -q -o %s",
		 tpath("signed.cairn"), tpath("resigned.cairn"));
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(cairn_snap_verify(tpath("resigned.cairn"), pub, NULL), CAIRN_EVERIFY);
	cairn_key_free(priv);
	cairn_key_free(pub);
	cairn_key_free(other);
}
END_TEST

START_TEST(test_snapshot_reader_mem_and_junk)
{
	unsigned char *data;
	cairn_snap_reader *r;
	cairn_record rec;
	size_t n;
	int rc;

	write_sample(tpath("m.cairn"), NULL);
	n = slurp(tpath("m.cairn"), &data);
	ck_assert_int_eq(cairn_snap_reader_open_mem(&r, data, n, "blob:m", NULL), 0);
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0)
		;
	ck_assert_int_eq(rc, 0);
	cairn_snap_reader_free(r);
	ck_assert_int_lt(cairn_snap_reader_open_mem(&r, "hello", 5, "blob:junk", NULL), 0);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "blob:junk"));
	ck_assert_int_lt(cairn_snap_reader_open_mem(&r, data, 0, "blob:empty", NULL), 0);
	free(data);
	ck_assert_int_lt(cairn_snap_verify(tpath("missing.cairn"), NULL, NULL), 0);
	ck_assert_int_lt(cairn_snap_verify(tmpdir, NULL, NULL), 0);
}
END_TEST


/* A hand-built snapshot with the given version line and an extra record,
 * its trailer checksum computed here: older and newer minor versions of
 * major 1 read; another major does not. */
static void write_versioned(const char *path, const char *version, const char *extra)
{
	char body[1024], line[1400], hex[65], cmd[1600];
	unsigned char md[32];
	unsigned int n = 0;
	FILE *f;

	snprintf(body, sizeof(body),
		 "{\"type\":\"header\",\"format\":\"cairn-snapshot\",\"version\":\"%s\"}\n"
		 "{\"type\":\"entry\",\"path\":\"a\",\"kind\":\"dir\",\"mode\":\"0755\",\"uid\":0,"
		 "\"gid\":0,\"size\":0,\"mtime\":1,\"mtime_ns\":0,\"ctime\":1,\"ctime_ns\":0,"
		 "\"dev\":1,\"ino\":2,\"nlink\":2}\n%s", version, extra);
	EVP_Digest(body, strlen(body), md, &n, EVP_sha256(), NULL);
	cairn_hex(hex, md, 32);
	snprintf(line, sizeof(line), "%s{\"type\":\"trailer\",\"entries\":1,\"counts\":{\"file\":0,"
		 "\"dir\":1,\"symlink\":0,\"fifo\":0,\"socket\":0,\"char\":0,\"block\":0,"
		 "\"unknown\":0},\"errors\":0,\"sha256\":\"%s\"}\n", body, hex);
	snprintf(cmd, sizeof(cmd), "zstd -q -f -o '%s'", path);
	f = popen(cmd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(line, f);
	ck_assert_int_eq(pclose(f), 0);
}

START_TEST(test_snapshot_versions)
{
	cairn_snap_reader *r;
	cairn_record rec;
	int rc, others = 0;

	write_versioned(tpath("v10.cairn"), "1.0", "");
	ck_assert_msg(cairn_snap_verify(tpath("v10.cairn"), NULL, NULL) == 0, "%s",
		      cairn_error_last());
	write_versioned(tpath("v19.cairn"), "1.9", "{\"type\":\"future_thing\",\"x\":1}\n");
	ck_assert_int_eq(cairn_snap_reader_open(&r, tpath("v19.cairn"), NULL), 0);
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0)
		if (rec.kind == CAIRN_REC_OTHER)
			others++;
	ck_assert_msg(rc == 0, "%s", cairn_error_last());
	ck_assert_int_eq(others, 1);
	cairn_snap_reader_free(r);
	write_versioned(tpath("v20.cairn"), "2.0", "");
	ck_assert_int_eq(cairn_snap_verify(tpath("v20.cairn"), NULL, NULL), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "unsupported format version 2.0"));
}
END_TEST

/*
 * cairn_entry_line_match() stands for the parser on --reuse's unchanged
 * files: it must take the writer's line of a plain hashed file, give back
 * its digests, and refuse anything else, above all a line that differs
 * from the writer's in any byte the parser would read differently or not
 * at all.
 */
static void plain_file(cairn_entry *e, const char *path, long long mtime)
{
	cairn_entry_init(e);
	e->path = cairn_strdup(path);
	e->path_len = strlen(path);
	e->type = CAIRN_T_FILE;
	e->mode = 0640;
	e->uid = 0;
	e->gid = 4294967294u;
	e->size = 120;
	e->mtime_sec = mtime;
	e->mtime_nsec = 5;
	e->ctime_sec = 1763812345;
	e->ctime_nsec = 999999999;
	e->dev = 64769;
	e->ino = 9223372036854775807ull;
	e->nlink = 1;
}

/* 1 when the line with "from" replaced by "to" (first occurrence) matches
 * e's; the replaced line is also handed to the parser, which must agree
 * with the match: same fields when matched. */
static int match_edited(const cairn_entry *e, const cairn_buf *line,
			const char *from, const char *to)
{
	cairn_buf ed = CAIRN_BUF_INIT, tmp = CAIRN_BUF_INIT;
	cairn_entry m, parsed;
	const char *at = from ? strstr(line->data, from) : NULL;
	int rc;

	if (from)
		ck_assert_msg(at != NULL, "'%s' not in %s", from, line->data);
	if (at) {
		cairn_buf_add(&ed, line->data, (size_t)(at - line->data));
		cairn_buf_addstr(&ed, to);
		cairn_buf_addstr(&ed, at + strlen(from));
	} else {
		cairn_buf_add(&ed, line->data, line->len);
	}
	cairn_entry_init(&m);
	rc = cairn_entry_line_match(&m, e, ed.data, ed.len);
	if (rc) {
		cairn_entry_init(&parsed);
		ck_assert_int_eq(cairn_snap_parse_entry(&parsed, "t", 1, ed.data, ed.len, &tmp), 0);
		ck_assert_ptr_null(m.path);
		ck_assert_int_eq(m.type, parsed.type);
		ck_assert_uint_eq(m.mode, parsed.mode);
		ck_assert_uint_eq(m.uid, parsed.uid);
		ck_assert_uint_eq(m.gid, parsed.gid);
		ck_assert_uint_eq(m.size, parsed.size);
		ck_assert_int_eq(m.mtime_sec, parsed.mtime_sec);
		ck_assert_int_eq(m.mtime_nsec, parsed.mtime_nsec);
		ck_assert_int_eq(m.ctime_sec, parsed.ctime_sec);
		ck_assert_int_eq(m.ctime_nsec, parsed.ctime_nsec);
		ck_assert_uint_eq(m.dev, parsed.dev);
		ck_assert_uint_eq(m.ino, parsed.ino);
		ck_assert_uint_eq(m.nlink, parsed.nlink);
		ck_assert_uint_eq(m.flags, parsed.flags);
		ck_assert_int_eq(memcmp(m.sha256, parsed.sha256, 32), 0);
		ck_assert_int_eq(memcmp(m.xxh128, parsed.xxh128, 16), 0);
		cairn_entry_release(&parsed);
	}
	cairn_entry_release(&m);
	cairn_buf_release(&ed);
	cairn_buf_release(&tmp);
	return rc;
}

START_TEST(test_snapshot_line_match)
{
	static const struct { const char *from, *to; } refused[] = {
		{ "\"uid\":0", "\"uid\":00" },            /* leading zero */
		{ "\"size\":120", "\"size\":121" },       /* another value */
		{ "\"size\":120", "\"size\":12" },
		{ "\"mtime\":-7", "\"mtime\":7" },        /* sign */
		{ "\"mtime_ns\":5", "\"mtime_ns\":-5" },
		{ "\"mode\":\"0640\"", "\"mode\":\"0644\"" },
		{ "\"nlink\":1", "\"nlink\":1 " },        /* not canonical */
		{ "\"ino\":9223372036854775807", "\"ino\":09223372036854775807" },
		{ "\"sha256\":\"ab", "\"sha256\":\"AB" }, /* the writer: lowercase */
		{ "\"sha256\":\"ab", "\"sha256\":\"a" },
		{ "\"xxh128\":\"cd", "\"xxh128\":\"cdcd" },
		{ "\"}", "\",\"changed_while_read\":true}" },
		{ "\"nlink\":1", "\"nlink\":1,\"xattrs\":[]" },
		{ "\"kind\":\"file\"", "\"kind\":\"fifo\"" },
		{ "dir/f.txt", "dir/g.txt" },
		{ "{\"type\"", "{ \"type\"" },
	};
	cairn_entry e;
	cairn_buf line = CAIRN_BUF_INIT;
	size_t i;

	plain_file(&e, "dir/f.txt", -7);
	memset(e.sha256, 0xab, 32);
	memset(e.xxh128, 0xcd, 16);
	e.flags = CAIRN_EF_HASHED;
	cairn_entry_line(&line, &e);
	/* what the worker has: the lstat, no digests yet */
	memset(e.sha256, 0, 32);
	memset(e.xxh128, 0, 16);
	e.flags = 0;
	ck_assert_int_eq(match_edited(&e, &line, NULL, NULL), 1);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_msg(!match_edited(&e, &line, refused[i].from, refused[i].to),
			      "matched with '%s' for '%s'", refused[i].to, refused[i].from);
	/* a line cut anywhere */
	for (i = 0; i < line.len; i++) {
		cairn_entry m;

		cairn_entry_init(&m);
		ck_assert_int_eq(cairn_entry_line_match(&m, &e, line.data, i), 0);
	}
	/* the entry must be a plain file without digests of its own */
	e.flags = CAIRN_EF_CHANGED;
	ck_assert_int_eq(match_edited(&e, &line, NULL, NULL), 0);
	e.flags = 0;
	e.type = CAIRN_T_SYMLINK;
	ck_assert_int_eq(match_edited(&e, &line, NULL, NULL), 0);
	cairn_entry_release(&e);
	cairn_buf_release(&line);

	/* paths the writer escapes are never compared raw: a line holding
	 * them unescaped is not the writer's */
	{
		static const char *const odd[] = { "a\"b", "a\\b", "a\tb", "z\xff\xfe" };

		for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
			cairn_buf raw = CAIRN_BUF_INIT;
			cairn_entry m;

			plain_file(&e, odd[i], 3);
			cairn_buf_addf(&raw, "{\"type\":\"entry\",\"path\":\"%s\",\"kind\":\"file\","
				       "\"mode\":\"0640\",\"uid\":0,\"gid\":4294967294,\"size\":120,"
				       "\"mtime\":3,\"mtime_ns\":5,\"ctime\":1763812345,"
				       "\"ctime_ns\":999999999,\"dev\":64769,"
				       "\"ino\":9223372036854775807,\"nlink\":1,\"sha256\":\"%064d\","
				       "\"xxh128\":\"%032d\"}", odd[i], 0, 0);
			cairn_entry_init(&m);
			ck_assert_msg(!cairn_entry_line_match(&m, &e, raw.data, raw.len),
				      "raw path %zu matched", i);
			cairn_entry_release(&e);
			cairn_buf_release(&raw);
		}
		/* non-ASCII UTF-8 is written as it is, and matched */
		plain_file(&e, "caf\xc3\xa9", 3);
		e.flags = CAIRN_EF_HASHED;
		cairn_entry_line(&line, &e);
		e.flags = 0;
		ck_assert_int_eq(match_edited(&e, &line, NULL, NULL), 1);
		cairn_entry_release(&e);
		cairn_buf_release(&line);
	}
	/* a directory's line: its metadata, then nothing */
	plain_file(&e, "d/sub", 3);
	e.type = CAIRN_T_DIR;
	e.mode = 0755;
	e.size = 4096;
	cairn_entry_line(&line, &e);
	ck_assert_int_eq(match_edited(&e, &line, NULL, NULL), 1);
	ck_assert_int_eq(match_edited(&e, &line, "}", ",\"xattrs\":[]}"), 0);
	ck_assert_int_eq(match_edited(&e, &line, "\"kind\":\"dir\"", "\"kind\":\"file\""), 0);
	ck_assert_int_eq(match_edited(&e, &line, "\"nlink\":1", "\"nlink\":1,\"sha256\":\"\""), 0);
	cairn_entry_release(&e);
	cairn_buf_release(&line);
}
END_TEST

Suite *snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("format");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_snapshot_round_trip, 0, 2);
	tcase_add_test(tc, test_snapshot_escape_reversible);
	tcase_add_test(tc, test_snapshot_writer_rejects_disorder);
	tcase_add_test(tc, test_snapshot_rejects_truncated);
	tcase_add_test(tc, test_snapshot_rejects_bit_flips);
	tcase_add_test(tc, test_snapshot_rejects_edited_records);
	tcase_add_test(tc, test_snapshot_signature);
	tcase_add_test(tc, test_snapshot_reader_mem_and_junk);
	tcase_add_test(tc, test_snapshot_versions);
	tcase_add_test(tc, test_snapshot_line_match);
	suite_add_tcase(s, tc);
	return s;
}
