/*
 * fuzz_snapshot.c - the snapshot reader over arbitrary bytes.  The first
 * byte chooses what the rest is: odd, a raw file (zstd framing, truncation);
 * even, the uncompressed NDJSON, compressed here so that mutations reach
 * the record and entry parsers instead of dying at the zstd checksum.
 * Nothing may crash, hang or leak.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const void *p, size_t n)
{
	cairn_snap_reader *r;
	cairn_record rec;

	if (cairn_snap_reader_open_mem(&r, p, n, "fuzz", NULL) < 0)
		return;
	while (cairn_snap_reader_next(r, &rec) > 0)
		;
	cairn_snap_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, n;
	void *z;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		read_all(data + 1, size - 1);
		return 0;
	}
	cap = ZSTD_compressBound(size - 1);
	z = malloc(cap);
	if (!z)
		return 0;
	n = ZSTD_compress(z, cap, data + 1, size - 1, 1);
	if (!ZSTD_isError(n))
		read_all(z, n);
	free(z);
	return 0;
}
