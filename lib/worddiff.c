/*
 * worddiff.c - word-level text difference (worddiff.h).
 */
#include "worddiff.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CELLS (1u << 22)

struct word {
	const char *p;
	size_t n;
	uint64_t h;
};

static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* FNV-1a: a cheap first comparison, confirmed with memcmp */
static uint64_t hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static size_t split(struct word **out, const char *s, size_t n)
{
	struct word *v = NULL;
	size_t count = 0, cap = 0, i = 0;

	while (i < n) {
		size_t st;

		while (i < n && is_sep(s[i]))
			i++;
		if (i >= n)
			break;
		st = i;
		while (i < n && !is_sep(s[i]))
			i++;
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			v = cairn_realloc(v, cap * sizeof(*v));
		}
		v[count].p = s + st;
		v[count].n = i - st;
		v[count].h = hash(s + st, i - st);
		count++;
	}
	*out = v;
	return count;
}

static int same(const struct word *a, const struct word *b)
{
	return a->h == b->h && a->n == b->n && !memcmp(a->p, b->p, a->n);
}

struct writer {
	cairn_buf *out;
	int state;  /* 0 plain, '-' inside [-, '+' inside {+ */
	int any;
};

static void emit(struct writer *w, int kind, const struct word *wd)
{
	if (w->state != kind) {
		if (w->state == '-')
			cairn_buf_addstr(w->out, "-]");
		else if (w->state == '+')
			cairn_buf_addstr(w->out, "+}");
		if (w->any)
			cairn_buf_addch(w->out, ' ');
		if (kind == '-')
			cairn_buf_addstr(w->out, "[-");
		else if (kind == '+')
			cairn_buf_addstr(w->out, "{+");
		w->state = kind;
	} else if (w->any) {
		cairn_buf_addch(w->out, ' ');
	}
	cairn_buf_add(w->out, wd->p, wd->n);
	w->any = 1;
}

static void close_run(struct writer *w)
{
	if (w->state == '-')
		cairn_buf_addstr(w->out, "-]");
	else if (w->state == '+')
		cairn_buf_addstr(w->out, "+}");
	w->state = 0;
}

/* Longest common subsequence of a[0..n) and b[0..m) by the textbook
 * table (n*m <= MAX_CELLS), walked back from the end; removals are
 * written before additions within a changed run. */
static void middle(struct writer *w, const struct word *a, size_t n, const struct word *b, size_t m)
{
	uint16_t *t;
	size_t i, j;
	char *op;
	size_t nop = 0, k;

	if (!n || !m || n * m > MAX_CELLS || n >= 65535 || m >= 65535) {
		for (i = 0; i < n; i++)
			emit(w, '-', &a[i]);
		for (j = 0; j < m; j++)
			emit(w, '+', &b[j]);
		return;
	}
	t = cairn_calloc((n + 1) * (m + 1), sizeof(*t));
#define T(x, y) t[(x) * (m + 1) + (y)]
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			T(i, j) = same(&a[i], &b[j]) ? (uint16_t)(T(i + 1, j + 1) + 1) :
				  T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
	op = cairn_malloc(n + m);
	i = j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && same(&a[i], &b[j])) {
			op[nop++] = '=';
			i++;
			j++;
		} else if (i < n && (j >= m || T(i + 1, j) >= T(i, j + 1))) {
			op[nop++] = '-';
			i++;
		} else {
			op[nop++] = '+';
			j++;
		}
	}
#undef T
	free(t);
	/* replay: within a run of changes, removals first */
	i = j = 0;
	for (k = 0; k < nop;) {
		size_t e = k, r;

		if (op[k] == '=') {
			emit(w, 0, &b[j]);
			i++;
			j++;
			k++;
			continue;
		}
		while (e < nop && op[e] != '=')
			e++;
		for (r = k; r < e; r++)
			if (op[r] == '-')
				emit(w, '-', &a[i++]);
		for (r = k; r < e; r++)
			if (op[r] == '+')
				emit(w, '+', &b[j++]);
		k = e;
	}
	free(op);
}

void cairn_worddiff(cairn_buf *out, const char *old, size_t on, const char *new_, size_t nn)
{
	struct word *a = NULL, *b = NULL;
	size_t n, m, pre = 0, suf = 0, i;
	struct writer w = { out, 0, 0 };
	int cut = on > CAIRN_WORDDIFF_MAX_TEXT || nn > CAIRN_WORDDIFF_MAX_TEXT;

	cairn_buf_grow(out, 0);
	n = split(&a, old, on > CAIRN_WORDDIFF_MAX_TEXT ? CAIRN_WORDDIFF_MAX_TEXT : on);
	m = split(&b, new_, nn > CAIRN_WORDDIFF_MAX_TEXT ? CAIRN_WORDDIFF_MAX_TEXT : nn);
	while (pre < n && pre < m && same(&a[pre], &b[pre]))
		pre++;
	while (suf < n - pre && suf < m - pre && same(&a[n - 1 - suf], &b[m - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		emit(&w, 0, &b[i]);
	middle(&w, a + pre, n - pre - suf, b + pre, m - pre - suf);
	for (i = m - suf; i < m; i++)
		emit(&w, 0, &b[i]);
	close_run(&w);
	if (cut)
		cairn_buf_addf(out, "%s[... texts longer than %u bytes: the rest is not compared]",
			       w.any ? " " : "", CAIRN_WORDDIFF_MAX_TEXT);
	free(a);
	free(b);
}
