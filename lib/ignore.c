/*
 * ignore.c - gitignore-syntax matcher (see ignore.h, gitignore(5)).
 *
 * The glob engine follows the idea of git's wildmatch.c: recursion on "*"
 * with two abort codes so that a failed match is not retried from every
 * earlier star, which keeps hostile patterns ("*a*a*a*a*b") polynomial.
 */
#include "ignore.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RF_NEGATE   0x1
#define RF_DIRONLY  0x2
#define RF_ANCHORED 0x4

struct rule {
	char *pattern;        /* glob, without "!", leading "/", trailing "/" */
	size_t pattern_len;
	char *base;           /* folder of the ignore file, "" for the root */
	size_t base_len;
	unsigned flags;
};

struct cairn_ignore {
	struct rule *rules;
	size_t count, cap;
	/* cache: parent folder of the last query and whether it is ignored */
	char *cache_dir;
	size_t cache_len;
	int cache_valid;
	int cache_ignored;
};

enum { WM_MATCH = 0, WM_NOMATCH = 1, WM_ABORT_ALL = -1, WM_ABORT_TO_STARSTAR = -2 };

/* [:class:] names supported inside brackets. */
static int class_match(const char *name, size_t n, int c)
{
#define CLS(s, f) if (n == sizeof(s) - 1 && !memcmp(name, s, n)) return f(c) != 0
	CLS("alnum", isalnum);
	CLS("alpha", isalpha);
	CLS("blank", isblank);
	CLS("cntrl", iscntrl);
	CLS("digit", isdigit);
	CLS("graph", isgraph);
	CLS("lower", islower);
	CLS("print", isprint);
	CLS("punct", ispunct);
	CLS("space", isspace);
	CLS("upper", isupper);
	CLS("xdigit", isxdigit);
#undef CLS
	return -1;
}

/*
 * Match a bracket expression starting after '['.  *pp is advanced past the
 * closing ']'.  Returns 1 match, 0 no match, -1 malformed (no closing ']':
 * the '[' is then a literal, like git).
 */
static int bracket(const char **pp, const char *pe, unsigned char c)
{
	const char *p = *pp;
	int negate = 0, matched = 0, first = 1;

	if (p < pe && (*p == '!' || *p == '^')) {
		negate = 1;
		p++;
	}
	while (p < pe) {
		unsigned char lo = (unsigned char)*p;

		if (lo == ']' && !first) {
			*pp = p + 1;
			return matched != negate;
		}
		first = 0;
		if (lo == '[' && p + 1 < pe && p[1] == ':') {
			const char *q = p + 2;

			while (q + 1 < pe && !(q[0] == ':' && q[1] == ']'))
				q++;
			if (q + 1 < pe) {
				int r = class_match(p + 2, (size_t)(q - (p + 2)), c);

				if (r < 0)
					return -1;
				if (r)
					matched = 1;
				p = q + 2;
				continue;
			}
		}
		if (lo == '\\' && p + 1 < pe) {
			p++;
			lo = (unsigned char)*p;
		}
		if (p + 2 < pe && p[1] == '-' && p[2] != ']') {
			unsigned char hi = (unsigned char)p[2];

			if (hi == '\\' && p + 3 < pe) {
				hi = (unsigned char)p[3];
				p++;
			}
			if (c >= lo && c <= hi)
				matched = 1;
			p += 3;
			continue;
		}
		if (c == lo)
			matched = 1;
		p++;
	}
	return -1;
}

static int wm(const char *ps, const char *p, const char *pe,
	      const char *t, const char *te)
{
	for (; p < pe; p++, t++) {
		unsigned char pc = (unsigned char)*p;

		if (t >= te && pc != '*')
			return WM_ABORT_ALL;
		switch (pc) {
		case '\\':
			if (p + 1 < pe)
				p++;
			if (*t != *p)
				return WM_NOMATCH;
			break;
		case '?':
			if (*t == '/')
				return WM_NOMATCH;
			break;
		case '[': {
			const char *q = p + 1;
			int r;

			if (*t == '/')
				return WM_NOMATCH;
			r = bracket(&q, pe, (unsigned char)*t);
			if (r < 0) {        /* literal '[' */
				if (*t != '[')
					return WM_NOMATCH;
				break;
			}
			if (!r)
				return WM_NOMATCH;
			p = q - 1;
			break;
		}
		case '*': {
			const char *star = p;
			int dbl = 0;

			while (p + 1 < pe && p[1] == '*')
				p++;
			if (p > star && (star == ps || star[-1] == '/') &&
			    (p + 1 == pe || p[1] == '/')) {
				dbl = 1;
				/* "**" + "/" may match no folder at all */
				if (p + 1 < pe && wm(ps, p + 2, pe, t, te) == WM_MATCH)
					return WM_MATCH;
			}
			p++;
			if (p == pe) {
				if (!dbl && memchr(t, '/', (size_t)(te - t)))
					return WM_ABORT_TO_STARSTAR;
				return WM_MATCH;
			}
			for (;; t++) {
				int r = wm(ps, p, pe, t, te);

				if (r != WM_NOMATCH) {
					if (!dbl || r != WM_ABORT_TO_STARSTAR)
						return r;
				}
				if (t >= te)
					break;
				if (!dbl && *t == '/')
					return WM_ABORT_TO_STARSTAR;
			}
			return WM_ABORT_ALL;
		}
		default:
			if ((unsigned char)*t != pc)
				return WM_NOMATCH;
			break;
		}
	}
	return t == te ? WM_MATCH : WM_NOMATCH;
}

int cairn_glob_match(const char *pattern, size_t plen,
		     const char *text, size_t tlen)
{
	return wm(pattern, pattern, pattern + plen, text, text + tlen) == WM_MATCH;
}

cairn_ignore *cairn_ignore_new(void)
{
	return cairn_calloc(1, sizeof(cairn_ignore));
}

void cairn_ignore_free(cairn_ignore *ig)
{
	size_t i;

	if (!ig)
		return;
	for (i = 0; i < ig->count; i++) {
		free(ig->rules[i].pattern);
		free(ig->rules[i].base);
	}
	free(ig->rules);
	free(ig->cache_dir);
	free(ig);
}

size_t cairn_ignore_count(const cairn_ignore *ig)
{
	return ig ? ig->count : 0;
}

static int add_line(cairn_ignore *ig, const char *base, const char *s,
		    size_t n, const char *source, unsigned lineno)
{
	struct rule r;
	unsigned flags = 0;
	size_t i;

	if (n && s[n - 1] == '\r')
		n--;
	if (n > CAIRN_IGNORE_MAX_LINE)
		return cairn_error_set(CAIRN_ELIMIT, "ignore file '%s': line %u: "
				       "longer than %d bytes", source, lineno,
				       CAIRN_IGNORE_MAX_LINE);
	if (!n || s[0] == '#')
		return 0;
	/* trailing spaces are dropped unless escaped */
	while (n && s[n - 1] == ' ') {
		size_t bs = 0;

		for (i = n - 1; i > 0 && s[i - 1] == '\\'; i--)
			bs++;
		if (bs % 2)
			break;
		n--;
	}
	if (!n)
		return 0;
	if (s[0] == '!') {
		flags |= RF_NEGATE;
		s++;
		n--;
	} else if (s[0] == '\\' && n > 1 && (s[1] == '!' || s[1] == '#')) {
		s++;
		n--;
	}
	if (n && s[n - 1] == '/') {
		flags |= RF_DIRONLY;
		n--;
	}
	for (i = 0; i < n; i++)
		if (s[i] == '/')
			flags |= RF_ANCHORED;
	if (n && s[0] == '/') {
		s++;
		n--;
	}
	if (!n)
		return 0;
	if (ig->count >= CAIRN_IGNORE_MAX_RULES)
		return cairn_error_set(CAIRN_ELIMIT, "ignore file '%s': more "
				       "than %d rules", source, CAIRN_IGNORE_MAX_RULES);
	if (ig->count == ig->cap) {
		ig->cap = ig->cap ? ig->cap * 2 : 16;
		ig->rules = cairn_realloc(ig->rules, ig->cap * sizeof(*ig->rules));
	}
	r.pattern = cairn_strndup(s, n);
	r.pattern_len = n;
	r.base = cairn_strdup(base ? base : "");
	r.base_len = strlen(r.base);
	while (r.base_len && r.base[r.base_len - 1] == '/')
		r.base[--r.base_len] = '\0';
	r.flags = flags;
	ig->rules[ig->count++] = r;
	ig->cache_valid = 0;
	return 0;
}

int cairn_ignore_add_buffer(cairn_ignore *ig, const char *base,
			    const char *data, size_t len, const char *source)
{
	size_t start = 0;
	unsigned lineno = 0;
	int rc;

	if (len > CAIRN_IGNORE_MAX_FILE)
		return cairn_error_set(CAIRN_ELIMIT, "ignore file '%s': larger "
				       "than %u bytes", source, CAIRN_IGNORE_MAX_FILE);
	while (start < len) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - data) : len;

		lineno++;
		rc = add_line(ig, base, data + start, end - start, source, lineno);
		if (rc < 0)
			return rc;
		start = end + 1;
	}
	return 0;
}

int cairn_ignore_add_file(cairn_ignore *ig, const char *base, const char *path)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char chunk[8192];
	struct stat st;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = errno == ENOENT ? CAIRN_ENOTFOUND : CAIRN_EIO;
		return cairn_error_set(rc, "cannot open ignore file '%s': %s",
				       path, strerror(errno));
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		return cairn_error_set(CAIRN_EIO, "ignore file '%s': not a "
				       "regular file", path);
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = cairn_error_set(CAIRN_EIO, "cannot read ignore file "
					     "'%s': %s", path, strerror(errno));
			goto done;
		}
		if (b.len + (size_t)n > CAIRN_IGNORE_MAX_FILE) {
			rc = cairn_error_set(CAIRN_ELIMIT, "ignore file '%s': "
					     "larger than %u bytes", path,
					     CAIRN_IGNORE_MAX_FILE);
			goto done;
		}
		cairn_buf_add(&b, chunk, (size_t)n);
	}
	rc = cairn_ignore_add_buffer(ig, base, b.data ? b.data : "", b.len, path);
done:
	close(fd);
	cairn_buf_release(&b);
	return rc;
}

int cairn_ignore_add_pattern(cairn_ignore *ig, const char *pattern)
{
	return add_line(ig, "", pattern, strlen(pattern), "--ignore", 1);
}

/* -1 no rule matched, 0 re-included, 1 excluded: this path alone. */
static int match_one(const cairn_ignore *ig, const char *path, size_t len,
		     int is_dir)
{
	size_t i = ig->count;

	while (i-- > 0) {
		const struct rule *r = &ig->rules[i];
		const char *rel = path;
		size_t rlen = len;

		if ((r->flags & RF_DIRONLY) && !is_dir)
			continue;
		if (r->base_len) {
			if (len <= r->base_len || memcmp(path, r->base, r->base_len) ||
			    path[r->base_len] != '/')
				continue;
			rel = path + r->base_len + 1;
			rlen = len - r->base_len - 1;
		}
		if (!(r->flags & RF_ANCHORED)) {
			const char *slash = NULL;
			size_t k;

			for (k = rlen; k > 0; k--)
				if (rel[k - 1] == '/') {
					slash = rel + k - 1;
					break;
				}
			if (slash) {
				rlen -= (size_t)(slash + 1 - rel);
				rel = slash + 1;
			}
		}
		if (cairn_glob_match(r->pattern, r->pattern_len, rel, rlen))
			return (r->flags & RF_NEGATE) ? 0 : 1;
	}
	return -1;
}

/* Is the folder path[0..len) or one of its parents excluded? */
static int dir_ignored(cairn_ignore *ig, const char *path, size_t len)
{
	size_t k;
	int parent = 0;

	if (!len)
		return 0;
	if (ig->cache_valid && ig->cache_len == len &&
	    !memcmp(ig->cache_dir, path, len))
		return ig->cache_ignored;
	for (k = len; k > 0; k--)
		if (path[k - 1] == '/')
			break;
	if (k > 0)
		parent = dir_ignored(ig, path, k - 1);
	if (!parent)
		parent = match_one(ig, path, len, 1) == 1;
	free(ig->cache_dir);
	ig->cache_dir = cairn_strndup(path, len);
	ig->cache_len = len;
	ig->cache_ignored = parent;
	ig->cache_valid = 1;
	return parent;
}

int cairn_ignore_match(cairn_ignore *ig, const char *path, size_t len,
		       int is_dir)
{
	size_t k;

	if (!ig || !ig->count)
		return 0;
	for (k = len; k > 0; k--)
		if (path[k - 1] == '/')
			break;
	if (k > 0 && dir_ignored(ig, path, k - 1))
		return 1;
	return match_one(ig, path, len, is_dir) == 1;
}
