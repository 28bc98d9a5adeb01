/*
 * fuzz_snapshot.c - the snapshot reader over arbitrary bytes.  The first
 * byte chooses what the rest is: odd, a raw file (zstd framing, truncation);
 * even, the uncompressed NDJSON, compressed here so that mutations reach
 * the record and entry parsers instead of dying at the zstd checksum.
 * The second bit reads in raw mode (as cairn-diff does), where every framed
 * entry must parse to the path and kind it was framed with whenever the
 * validator calls it canonical, and cairn_entry_line_match() (--reuse's
 * parse of an unchanged file's or directory's line) must take exactly the
 * lines the writer writes for a plain hashed file or a directory without
 * xattrs, giving back what the parser gives.  Nothing may crash, hang or leak.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path the writer leaves as it is in its line. */
static int plain_path(const cairn_entry *e)
{
	size_t i;

	for (i = 0; i < e->path_len; i++) {
		unsigned char c = (unsigned char)e->path[i];

		if (c < 0x20 || c == '"' || c == '\\')
			return 0;
	}
	return cairn_utf8_valid(e->path, e->path_len);
}

static void check_match(const cairn_entry *e, const char *line, size_t len)
{
	cairn_entry lst = *e, m;
	cairn_buf own = CAIRN_BUF_INIT;
	int want, got;

	cairn_entry_line(&own, e);
	want = own.len == len && !memcmp(own.data, line, len) &&
	       ((e->type == CAIRN_T_FILE && e->flags == CAIRN_EF_HASHED) ||
		(e->type == CAIRN_T_DIR && !e->flags)) &&
	       !e->xattr_count && !e->target && !e->err && e->path_len && plain_path(e);
	cairn_buf_release(&own);
	/* what a worker holds: the lstat's fields, no digests */
	lst.flags = 0;
	memset(lst.sha256, 0, 32);
	memset(lst.xxh128, 0, 16);
	lst.xattrs = NULL;
	lst.xattr_count = 0;
	cairn_entry_init(&m);
	got = cairn_entry_line_match(&m, &lst, line, len);
	if (got != want)
		abort();
	if (got && (m.mode != e->mode || m.size != e->size || m.ino != e->ino ||
		    m.flags != e->flags || memcmp(m.sha256, e->sha256, 32) ||
		    memcmp(m.xxh128, e->xxh128, 16)))
		abort();
	cairn_entry_release(&m);
}

static void check_raw(const cairn_record *rec, cairn_buf *tmp)
{
	cairn_entry e;
	int canon = cairn_snap_entry_canonical(rec->line, rec->line_len, tmp);
	int rc;

	cairn_entry_init(&e);
	rc = cairn_snap_parse_entry(&e, "fuzz", rec->number, rec->line, rec->line_len, tmp);
	if (canon && (rc < 0 || e.type != rec->raw_type || e.path_len != rec->raw_path_len ||
		      memcmp(e.path, rec->raw_path, e.path_len)))
		abort();
	if (rc == 0)
		check_match(&e, rec->line, rec->line_len);
	cairn_entry_release(&e);
}

static void read_all(const void *p, size_t n, int raw)
{
	cairn_snap_reader *r;
	cairn_record rec;
	cairn_buf tmp = CAIRN_BUF_INIT;

	if (cairn_snap_reader_open_mem(&r, p, n, "fuzz", NULL) < 0)
		return;
	cairn_snap_reader_set_raw(r, raw);
	while (cairn_snap_reader_next(r, &rec) > 0)
		if (rec.raw)
			check_raw(&rec, &tmp);
	cairn_snap_reader_free(r);
	cairn_buf_release(&tmp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, n;
	void *z;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		read_all(data + 1, size - 1, (data[0] & 2) != 0);
		return 0;
	}
	cap = ZSTD_compressBound(size - 1);
	z = malloc(cap);
	if (!z)
		return 0;
	n = ZSTD_compress(z, cap, data + 1, size - 1, 1);
	if (!ZSTD_isError(n))
		read_all(z, n, (data[0] & 2) != 0);
	free(z);
	return 0;
}
