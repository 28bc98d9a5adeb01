/*
 * fuzz_version.c - the two version orders advisories are matched by
 * (SemVer 2.0.0 and PEP 440), on hostile version strings from lockfiles,
 * manifests and advisories: no read past the string, and the order is an
 * order: reflexive, antisymmetric, transitive on three inputs; a PEP 440
 * version's normal form is valid, compares equal and normalises to itself.
 * Input: three strings separated by newlines.
 */
#include "cairn.h"
#include "pep440.h"
#include "semver.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*cmp_fn)(int *out, const char *a, const char *b);

static int sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

static void check_order(cmp_fn cmp, char *const v[3])
{
	int ab, ba, bc, ac, aa;

	if (cmp(&aa, v[0], v[0]) == 0 && aa != 0)
		abort();
	if (cmp(&ab, v[0], v[1]) != 0)
		return;
	if (cmp(&ba, v[1], v[0]) != 0 || sign(ab) != -sign(ba))
		abort();
	if (cmp(&bc, v[1], v[2]) != 0 || cmp(&ac, v[0], v[2]) != 0)
		return;
	if (sign(ab) <= 0 && sign(bc) <= 0 && sign(ac) > 0)
		abort();
	if (sign(ab) >= 0 && sign(bc) >= 0 && sign(ac) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *v[3];
	int i, c;
	cairn_buf n1 = CAIRN_BUF_INIT, n2 = CAIRN_BUF_INIT;

	if (size > 1024)
		return 0;
	buf = cairn_strndup((const char *)data, size);
	v[0] = buf;
	for (i = 1; i < 3; i++) {
		char *nl = strchr(v[i - 1], '\n');

		v[i] = nl ? (*nl = '\0', nl + 1) : v[i - 1];
	}
	check_order(cairn_semver_cmp, v);
	check_order(cairn_pep440_cmp, v);
	for (i = 0; i < 3; i++) {
		if ((cairn_semver_cmp(&c, v[i], v[i]) == 0) != cairn_semver_valid(v[i]))
			abort();
		cairn_buf_clear(&n1);
		cairn_buf_clear(&n2);
		if (cairn_pep440_normalize(&n1, v[i]) == 0) {
			if (!cairn_pep440_valid(n1.data) ||
			    cairn_pep440_cmp(&c, n1.data, v[i]) != 0 || c != 0 ||
			    cairn_pep440_normalize(&n2, n1.data) != 0 ||
			    strcmp(n1.data, n2.data))
				abort();
		} else if (cairn_pep440_valid(v[i])) {
			abort();
		}
	}
	cairn_buf_release(&n1);
	cairn_buf_release(&n2);
	free(buf);
	return 0;
}
