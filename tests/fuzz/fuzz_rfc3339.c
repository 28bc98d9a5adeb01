/*
 * fuzz_rfc3339.c - cairn_rfc3339_parse (the "created" time of a previous
 * snapshot given to --reuse, times in captures and logs: untrusted input):
 * never reads past the string, what it accepts formats back to the same
 * time, and the nanosecond form agrees with the seconds form.
 */
#include "cairn.h"
#include "rfc3339.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, back[64];
	int64_t sec, sec2, ns;
	long nsec, nsec2;

	if (size > 256)
		return 0;
	s = cairn_strndup((const char *)data, size);
	if (cairn_rfc3339_parse(&sec, &nsec, s) == 0) {
		if (nsec < 0 || nsec > 999999999)
			abort();
		cairn_rfc3339_format(back, sizeof(back), sec, nsec);
		if (cairn_rfc3339_parse(&sec2, &nsec2, back) != 0 ||
		    sec2 != sec || nsec2 != nsec)
			abort();
		if (cairn_rfc3339_parse_ns(&ns, s) == 0 &&
		    ns != sec * 1000000000 + nsec)
			abort();
	} else if (cairn_rfc3339_parse_ns(&ns, s) == 0) {
		abort();
	}
	free(s);
	return 0;
}
