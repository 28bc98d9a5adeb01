/*
 * fuzz_snapshot.c - the snapshot reader over arbitrary bytes.  The first
 * byte chooses what the rest is: odd, a raw file (zstd framing, truncation);
 * even, the uncompressed NDJSON, compressed here so that mutations reach
 * the record and entry parsers instead of dying at the zstd checksum.
 * The second bit reads in raw mode (as cairn-diff does), where every framed
 * entry must parse to the path and kind it was framed with whenever the
 * validator calls it canonical.  Nothing may crash, hang or leak.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
