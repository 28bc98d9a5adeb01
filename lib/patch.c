/*
 * patch.c - unified diffs by libgit2 and their capped excerpts (patch.h).
 */
#include "patch.h"

#include <git2.h>
#include <string.h>

static int print_line(const git_diff_delta *delta, const git_diff_hunk *hunk,
		      const git_diff_line *line, void *payload)
{
	cairn_buf *out = payload;

	(void)delta;
	(void)hunk;
	if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
	    line->origin == GIT_DIFF_LINE_DELETION)
		cairn_buf_addch(out, line->origin);
	cairn_buf_add(out, line->content, line->content_len);
	return 0;
}

int cairn_patch_texts(cairn_buf *out, const char *old_path, const void *old,
		      size_t old_len, const char *new_path, const void *new,
		      size_t new_len)
{
	git_patch *patch = NULL;
	git_diff_options opts;
	const git_diff_delta *delta;
	int rc;

	git_libgit2_init();
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 3;
	/* libgit2 adds the a/ and b/ prefixes */
	if (git_patch_from_buffers(&patch, old, old ? old_len : 0, old_path,
				   new, new ? new_len : 0, new_path, &opts) < 0) {
		const git_error *e = git_error_last();

		rc = cairn_error_set(CAIRN_EEXTERNAL, "libgit2: cannot make a patch for '%s': %s",
				     new_path, e && e->message ? e->message : "unknown error");
		goto done;
	}
	delta = git_patch_get_delta(patch);
	if (delta && (delta->flags & GIT_DIFF_FLAG_BINARY)) {
		rc = 2;
		goto done;
	}
	if (git_patch_print(patch, print_line, out) < 0) {
		rc = cairn_error_set(CAIRN_EEXTERNAL, "libgit2: cannot print the patch of '%s'",
				     new_path);
		goto done;
	}
	rc = 1;
done:
	git_patch_free(patch);
	git_libgit2_shutdown();
	return rc;
}

/* Length of p[0..n) cut to at most max bytes on a UTF-8 boundary. */
static size_t utf8_cut(const char *p, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)p[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t cairn_patch_excerpt(cairn_buf *out, const char *patch, size_t len,
			   const cairn_patch_caps *caps, int *escaped)
{
	int esc;

	cairn_buf e = CAIRN_BUF_INIT;
	size_t pos = 0, lines = 0;

	while (pos < len) {
		const char *nl = memchr(patch + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - patch) : len;
		size_t n = end - pos, keep = n;

		if (caps->lines && lines == caps->lines) {
			/* like the store's excerpts: the text, then the mark */
			if (e.len && e.data[e.len - 1] == '\n')
				e.len--;
			cairn_buf_addf(&e, "\n[... patch cut at %zu lines ...]", caps->lines);
			break;
		}
		if (caps->line_bytes)
			keep = utf8_cut(patch + pos, n, caps->line_bytes);
		cairn_buf_add(&e, patch + pos, keep);
		if (keep < n)
			cairn_buf_addf(&e, " [... line cut at %zu bytes ...]", keep);
		if (nl)
			cairn_buf_addch(&e, '\n');
		lines++;
		pos = end + 1;
	}
	esc = !cairn_utf8_valid(e.data ? e.data : "", e.len);
	if (esc)
		cairn_escape_bytes(out, e.data, e.len);
	else
		cairn_buf_add(out, e.data ? e.data : "", e.len);
	if (escaped)
		*escaped = esc;
	cairn_buf_release(&e);
	return lines;
}
