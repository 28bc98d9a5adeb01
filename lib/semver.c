/*
 * semver.c - SemVer 2.0.0 parsing (§2, §9, §10) and precedence (§11).
 */
#include "semver.h"

#include "cairn.h"

#include <string.h>

typedef struct span {
	const char *p;
	size_t n;
} span;

/* One parsed version: pointers into the caller's string. */
typedef struct sv {
	span num[3];
	span pre;             /* without the '-'; n = 0 when none */
	int has_pre;
} sv;

static int is_ident_char(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-';
}

static int all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return n > 0;
}

/* A dot-separated identifier list [p, p+n); numeric identifiers without
 * leading zeros when strict_numeric. */
static int idents_ok(const char *p, size_t n, int strict_numeric)
{
	size_t i = 0, start = 0;

	if (!n)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '.') {
			size_t len = i - start;

			if (!len)
				return 0;
			if (strict_numeric && all_digits(p + start, len) && len > 1 &&
			    p[start] == '0')
				return 0;
			start = i + 1;
		} else if (!is_ident_char((unsigned char)p[i])) {
			return 0;
		}
	}
	return 1;
}

static int parse(sv *out, const char *s)
{
	const char *p, *end;
	size_t len;
	int k;

	if (!s)
		return -1;
	len = strnlen(s, CAIRN_SEMVER_MAX + 1);
	if (len > CAIRN_SEMVER_MAX)
		return -1;
	end = s + len;
	p = s;
	if (*p == 'v')
		p++;
	for (k = 0; k < 3; k++) {
		const char *q = p;

		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (q == p || (q - p > 1 && *p == '0'))
			return -1;
		out->num[k].p = p;
		out->num[k].n = (size_t)(q - p);
		p = q;
		if (k < 2) {
			if (p >= end || *p != '.')
				return -1;
			p++;
		}
	}
	out->has_pre = 0;
	out->pre.p = p;
	out->pre.n = 0;
	if (p < end && *p == '-') {
		const char *q = ++p;

		while (q < end && *q != '+')
			q++;
		if (!idents_ok(p, (size_t)(q - p), 1))
			return -1;
		out->has_pre = 1;
		out->pre.p = p;
		out->pre.n = (size_t)(q - p);
		p = q;
	}
	if (p < end && *p == '+') {
		p++;
		if (!idents_ok(p, (size_t)(end - p), 0))
			return -1;
		p = end;
	}
	return p == end ? 0 : -1;
}

int cairn_semver_valid(const char *v)
{
	sv x;

	return parse(&x, v) == 0;
}

/* Digit strings without leading zeros: the longer is larger. */
static int num_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c;

	if (an != bn)
		return an < bn ? -1 : 1;
	c = memcmp(a, b, an);
	return c < 0 ? -1 : c > 0;
}

static int ident_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int da = all_digits(a, an), db = all_digits(b, bn), c;
	size_t m;

	if (da && db)
		return num_cmp(a, an, b, bn);
	if (da != db)
		return da ? -1 : 1;    /* numeric identifiers sort first */
	m = an < bn ? an : bn;
	c = memcmp(a, b, m);
	if (c)
		return c < 0 ? -1 : 1;
	return an == bn ? 0 : an < bn ? -1 : 1;
}

static int pre_cmp(const span *a, const span *b)
{
	size_t i = 0, j = 0;

	for (;;) {
		size_t ie = i, je = j;
		int c;

		if (i >= a->n && j >= b->n)
			return 0;
		if (i >= a->n)
			return -1;     /* fewer identifiers: lower */
		if (j >= b->n)
			return 1;
		while (ie < a->n && a->p[ie] != '.')
			ie++;
		while (je < b->n && b->p[je] != '.')
			je++;
		c = ident_cmp(a->p + i, ie - i, b->p + j, je - j);
		if (c)
			return c;
		i = ie + 1;
		j = je + 1;
	}
}

int cairn_semver_cmp(int *out, const char *a, const char *b)
{
	sv x, y;
	int k, c;

	if (parse(&x, a) < 0 || parse(&y, b) < 0)
		return CAIRN_EFORMAT;
	for (k = 0; k < 3; k++) {
		c = num_cmp(x.num[k].p, x.num[k].n, y.num[k].p, y.num[k].n);
		if (c) {
			*out = c;
			return 0;
		}
	}
	if (x.has_pre != y.has_pre)
		*out = x.has_pre ? -1 : 1;
	else
		*out = x.has_pre ? pre_cmp(&x.pre, &y.pre) : 0;
	return 0;
}
