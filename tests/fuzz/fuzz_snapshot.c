/*
 * fuzz_snapshot.c - the snapshot reader over arbitrary bytes: zstd framing,
 * NDJSON lines, entry fields, trailer checks.  Nothing may crash or leak.
 */
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_snap_reader *r;
	cairn_record rec;

	if (cairn_snap_reader_open_mem(&r, data, size, "fuzz", NULL) < 0)
		return 0;
	while (cairn_snap_reader_next(r, &rec) > 0)
		;
	cairn_snap_reader_free(r);
	return 0;
}
