/*
 * fuzz_record.c - the line-oriented text parsers on arbitrary bytes: pip
 * RECORD (CSV), requirements files and the install-command scan of CI
 * files.  Must never crash, hang or leak.
 */
#include <stdint.h>
#include <string.h>

#include "pip.h"
#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int row(void *ctx, const char *path, const char *hash, const char *sz)
{
	size_t *n = ctx;

	*n += strlen(path) + strlen(hash) + strlen(sz);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_recs recs;
	size_t n = 0;

	cairn_pip_record_parse((const char *)data, size, row, &n, "RECORD");
	cairn_recs_init(&recs);
	cairn_pip_requirements(&recs, "requirements.txt", (const char *)data, size);
	cairn_pipeline_scan(&recs, "Dockerfile", (const char *)data, size);
	cairn_recs_sort(&recs);
	cairn_recs_release(&recs);
	return 0;
}
