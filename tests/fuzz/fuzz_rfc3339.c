/*
 * fuzz_rfc3339.c - cairn_parse_rfc3339 (the "created" time of a previous
 * snapshot given to --reuse, i.e. untrusted input): never reads past the
 * string, and what it accepts formats back to an equivalent time.
 */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, back[64];
	int64_t sec, sec2;
	long nsec, nsec2;

	if (size > 256)
		return 0;
	s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (cairn_parse_rfc3339(s, &sec, &nsec) == 0) {
		if (nsec < 0 || nsec > 999999999)
			abort();
		cairn_time_rfc3339(back, sizeof(back), sec, nsec);
		if (cairn_parse_rfc3339(back, &sec2, &nsec2) != 0 ||
		    sec2 != sec || nsec2 != nsec)
			abort();
	}
	free(s);
	return 0;
}
