/*
 * fuzz_pkgpatch.c - two package tarballs from one input, diffed in memory
 * (lib/pkgpatch.c: tar reader with contents, libgit2 patches, excerpt caps
 * and escaping), then what uses the result: the code-level rules (D05)
 * and the terminal's escaping of every patch line.
 *
 * Input: 2 bytes (big-endian) giving the length of the old tarball, the
 * old tarball, the new tarball.
 */
#include <git2.h>
#include <stdint.h>
#include <string.h>

#include "pkgpatch.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_pkgpatch_opts o;
	cairn_findings f = CAIRN_FINDINGS_INIT;
	cairn_rules_input in;
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *items;
	size_t n, i;

	/* libgit2 loads the system's certificates on its first init: hold one
	 * reference so that each run does not pay for it again */
	static int git_ready;

	if (!git_ready)
		git_ready = git_libgit2_init() > 0;
	if (size < 2)
		return 0;
	n = (size_t)data[0] << 8 | data[1];
	if (n > size - 2)
		n = size - 2;
	cairn_pkgpatch_opts_init(&o, 1);
	items = cairn_pkgpatch_tarballs(data + 2, n, data + 2 + n, size - 2 - n,
					"node_modules/fuzz", &o);
	for (i = 0; i < json_array_size(items); i++) {
		const char *p = json_string_value(json_object_get(json_array_get(items, i), "patch"));

		if (!p)
			__builtin_trap();
		cairn_buf_clear(&b);
		cairn_escape_display(&b, p, strlen(p));
		if (b.data && memchr(b.data, '\033', b.len))
			__builtin_trap();
	}
	memset(&in, 0, sizeof(in));
	in.patches = items;
	cairn_rules_eval(&f, &in);
	cairn_findings_release(&f);
	cairn_buf_release(&b);
	json_decref(items);
	return 0;
}
