/*
 * fuzz_tar.c - the strict tarball reader (gzip or plain tar) on arbitrary
 * bytes, with and without the first component stripped.  Must never
 * crash, hang, or inflate past its caps.
 */
#include <stdint.h>
#include <string.h>

#include "tarball.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const cairn_tar_member *m)
{
	size_t *n = ctx;

	*n += strlen(m->path) + (m->link ? strlen(m->link) : 0) + 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;

	cairn_tarball_scan(data, size, 1, count, &n, "fuzz.tgz");
	cairn_tarball_scan(data, size, 0, count, &n, "fuzz.tgz");
	return 0;
}
