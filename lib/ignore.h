/*
 * ignore.h - gitignore-syntax path matcher (for .cairnignore, --ignore GLOB
 * and, in cairn-diff --git --gitignore, the working tree's .gitignore files).
 *
 * Syntax followed (gitignore(5)): blank lines and "#" lines are skipped
 * ("\#" starts a literal '#'); trailing unescaped spaces are dropped; "!"
 * negates ("\!" is a literal '!'); a trailing "/" matches directories only;
 * a pattern with a "/" at the start or in the middle is anchored to the
 * folder of its ignore file, otherwise it matches a name at any depth;
 * "*", "?" and "[...]" (ranges, "!"/"^" negation, [:class:]) never match
 * "/"; "**" matches across folders when it is a whole path component
 * ("**" + "/x", "x/" + "**", "a/" + "**" + "/b").  The last matching rule
 * wins, and nothing below an ignored folder can be re-included.
 *
 * Paths given to the matcher are relative to the root, raw bytes, without
 * leading "./" or "/".
 */
#ifndef CAIRN_IGNORE_H
#define CAIRN_IGNORE_H

#include "cairn.h"

/* Safety limits (CAIRN_ELIMIT beyond them). */
#define CAIRN_IGNORE_MAX_FILE   (1u << 20)   /* bytes of one ignore file */
#define CAIRN_IGNORE_MAX_LINE   4096         /* bytes of one pattern */
#define CAIRN_IGNORE_MAX_RULES  65536        /* rules in one matcher */

typedef struct cairn_ignore cairn_ignore;

/* An empty matcher (matches nothing).  Free with cairn_ignore_free(). */
cairn_ignore *cairn_ignore_new(void);
void cairn_ignore_free(cairn_ignore *ig);

/*
 * Add the rules of an ignore file held in memory.  base: the folder of the
 * file relative to the root ("" for the root); its rules only apply below
 * it.  source labels error messages (e.g. the file name).  Lines that are
 * blank or comments add nothing.  Returns 0 or CAIRN_ELIMIT.
 */
int cairn_ignore_add_buffer(cairn_ignore *ig, const char *base,
			    const char *data, size_t len, const char *source);
/*
 * Read and add an ignore file.  Returns 0, CAIRN_ENOTFOUND when the file
 * does not exist (message set, nothing added), CAIRN_EIO or CAIRN_ELIMIT.
 */
int cairn_ignore_add_file(cairn_ignore *ig, const char *base, const char *path);
/* Add one pattern given on the command line (--ignore GLOB), same syntax
 * as one line of a root ignore file. */
int cairn_ignore_add_pattern(cairn_ignore *ig, const char *pattern);

/* Number of rules held. */
size_t cairn_ignore_count(const cairn_ignore *ig);

/*
 * 1 when the path is ignored (itself, or one of its parent folders), 0
 * otherwise.  is_dir: the path is a folder.  ig == NULL matches nothing.
 * Caches the last parent folder's answer (so a sorted walk is cheap):
 * not safe to share one matcher between threads.
 */
int cairn_ignore_match(cairn_ignore *ig, const char *path, size_t len,
		       int is_dir);

/*
 * Glob match of one pattern against one string, with the rules above
 * ("*" stops at "/", "**" components cross it).  1 match, 0 no match.
 */
int cairn_glob_match(const char *pattern, size_t plen,
		     const char *text, size_t tlen);

#endif
