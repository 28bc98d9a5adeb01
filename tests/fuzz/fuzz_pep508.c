/*
 * fuzz_pep508.c - environment markers (lib/pep508.c) on arbitrary bytes,
 * evaluated twice: with a partly known environment (what cairn knows of a
 * venv: no platform_release, no extra) and with every variable known.  What
 * the first decides (true or false) must be what the second says: an
 * unknown value may leave the answer open, never change it.  A refused
 * marker is refused with either environment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn.h"
#include "pep508.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_pep508_env part, full;
	char *m;
	int a = -1, b = -1, ra, rb, k;
	cairn_buf why = CAIRN_BUF_INIT;

	if (size > CAIRN_PEP508_MAX_LEN + 16)
		return 0;
	m = cairn_strndup((const char *)data, size);
	memset(&part, 0, sizeof(part));
	part.v[CAIRN_PEP508_PYTHON_VERSION] = "3.11";
	part.v[CAIRN_PEP508_PYTHON_FULL_VERSION] = "3.11.2";
	part.v[CAIRN_PEP508_OS_NAME] = "posix";
	part.v[CAIRN_PEP508_SYS_PLATFORM] = "linux";
	part.v[CAIRN_PEP508_PLATFORM_SYSTEM] = "Linux";
	part.v[CAIRN_PEP508_PLATFORM_MACHINE] = "x86_64";
	full = part;
	for (k = 0; k < CAIRN_PEP508_NVARS; k++)
		if (!full.v[k])
			full.v[k] = k == CAIRN_PEP508_EXTRA ? "socks" : "5.10";
	ra = cairn_pep508_eval(&a, m, &part, &why, "fuzz");
	rb = cairn_pep508_eval(&b, m, &full, NULL, "fuzz");
	if ((ra < 0) != (rb < 0) || (ra < 0 && ra != rb))
		abort();
	if (ra == 0 && (a < 0 || a > 2 || b < 0 || b > 2))
		abort();
	if (ra == 0 && a != CAIRN_PEP508_UNKNOWN && a != b)
		abort();
	/* an open answer says why */
	if (ra == 0 && a == CAIRN_PEP508_UNKNOWN && !why.len)
		abort();
	cairn_buf_release(&why);
	free(m);
	return 0;
}
