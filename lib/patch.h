/*
 * patch.h - unified diffs of two texts and their excerpts.
 *
 * One diff engine: libgit2's (git_patch_from_buffers, 3 lines of context,
 * "diff --git a/P b/P" headers), for stored snapshot content
 * (cairn_store_patch) and for package files read from tarballs
 * (pkgpatch.h) alike.  Excerpts cap what a report or a terminal gets.
 */
#ifndef CAIRN_PATCH_H
#define CAIRN_PATCH_H

#include "cairn.h"

/*
 * Append the unified diff of old[0..old_len) and new[0..new_len) to out,
 * headed "a/old_path" and "b/new_path".  old may be NULL: a patch from
 * nothing (an added file); new may be NULL: a patch to nothing.  Returns 1
 * when a text patch was written (nothing when both texts are equal), 2 when
 * either side is binary (git's rule: a NUL in the first 8000 bytes;
 * nothing written), negative CAIRN_E* on failure.  The patch holds the
 * inputs' bytes: escape before showing it.
 */
int cairn_patch_texts(cairn_buf *out, const char *old_path, const void *old,
		      size_t old_len, const char *new_path, const void *new,
		      size_t new_len);

/* The longest line an excerpt keeps: a minified bundle is one line. */
#define CAIRN_PATCH_LINE_BYTES 1024

/* Caps of an excerpt; 0 means no cap. */
typedef struct cairn_patch_caps {
	size_t lines;        /* lines of one patch */
	size_t line_bytes;   /* bytes of one line */
} cairn_patch_caps;

/*
 * Append an excerpt of patch[0..len) to out: at most caps->lines lines (a
 * cut patch ends "\n[... patch cut at N lines ...]"), each at most
 * caps->line_bytes bytes (on a UTF-8 boundary, marked
 * " [... line cut at N bytes ...]").  When the excerpt is not valid UTF-8
 * it is written in the reversible cairn_escape_bytes form, so that it is
 * a valid JSON string, and *escaped (may be NULL) is set to 1, else 0.
 * Returns the number of lines taken.
 */
size_t cairn_patch_excerpt(cairn_buf *out, const char *patch, size_t len,
			   const cairn_patch_caps *caps, int *escaped);

#endif
