/*
 * worddiff.h - word-level difference of two texts, written the way
 * `git diff --word-diff=plain` writes it: unchanged words as they are,
 * removed words as [-...-], added words as {+...+}.  Used to show what a
 * tool description gained or lost between two listings.
 */
#ifndef CAIRN_WORDDIFF_H
#define CAIRN_WORDDIFF_H

#include "cairn.h"

/* Longest text read from each side; past it the rest is left out and the
 * output says so. */
#define CAIRN_WORDDIFF_MAX_TEXT (16u << 10)

/*
 * Append the word diff of old[0..on) and new[0..nn) to out.  Words are
 * runs of bytes other than space, tab, CR and LF; the separators between
 * words are written as one space, so the output is one line.  The bytes
 * are copied as they are: escape the result for where it is shown.  The
 * common start and end are matched first; the middle by a longest common
 * subsequence of words when it has at most 2^22 word pairs, else as one
 * removed and one added run.  Deterministic.
 */
void cairn_worddiff(cairn_buf *out, const char *old, size_t on, const char *new_, size_t nn);

#endif
