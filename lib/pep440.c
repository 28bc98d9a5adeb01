/*
 * pep440.c - PEP 440 version parsing, normalisation and ordering; PEP 503
 * name normalisation.
 */
#include "pep440.h"

#include <stdint.h>
#include <string.h>

#define MAX_RELEASE 32
#define MAX_LOCAL 16
#define NUM_MAX_DIGITS 18

enum { PRE_NONE = -1, PRE_A = 0, PRE_B, PRE_RC };

typedef struct pv {
	uint64_t epoch;
	uint64_t release[MAX_RELEASE];
	int nrelease;
	int pre;                 /* PRE_* */
	uint64_t pre_n;
	int has_post;
	uint64_t post_n;
	int has_dev;
	uint64_t dev_n;
	/* local segments: pointers into the string, lowercase compare */
	const char *local[MAX_LOCAL];
	size_t local_len[MAX_LOCAL];
	int nlocal;
} pv;

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	c = lower(c);
	return c >= 'a' && c <= 'z';
}

static int is_sep(int c)
{
	return c == '.' || c == '-' || c == '_';
}

/* Digits at *p into *out; 0 or -1 (none, or too many). */
static int number(const char **p, const char *end, uint64_t *out)
{
	const char *q = *p;
	uint64_t v = 0;

	while (q < end && is_digit((unsigned char)*q)) {
		if (q - *p >= NUM_MAX_DIGITS)
			return -1;
		v = v * 10 + (uint64_t)(*q - '0');
		q++;
	}
	if (q == *p)
		return -1;
	*p = q;
	*out = v;
	return 0;
}

/* Case-insensitive match of word at *p (not followed by a letter). */
static int word(const char **p, const char *end, const char *w)
{
	size_t n = strlen(w), i;

	if ((size_t)(end - *p) < n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)(*p)[i]) != w[i])
			return 0;
	if (*p + n < end && is_alpha((unsigned char)(*p)[n]))
		return 0;
	*p += n;
	return 1;
}

/* An optional separator then an optional number (PEP 440 implicit 0), as
 * packaging's "[-_\.]?(?P<n>[0-9]+)?": the parts after it take their own
 * optional separator, so taking this one eagerly loses no match. */
static int opt_number(const char **p, const char *end, uint64_t *out)
{
	const char *q = *p;

	if (q < end && is_sep((unsigned char)*q))
		q++;
	*out = 0;
	if (q < end && is_digit((unsigned char)*q)) {
		if (number(&q, end, out) < 0)
			return -1;
	}
	*p = q;
	return 0;
}

static int parse(pv *v, const char *s)
{
	const char *p, *end, *save;
	size_t len;
	uint64_t n;

	memset(v, 0, sizeof(*v));
	v->pre = PRE_NONE;
	if (!s)
		return -1;
	len = strnlen(s, CAIRN_PEP440_MAX + 1);
	if (len > CAIRN_PEP440_MAX)
		return -1;
	p = s;
	end = s + len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
			   *p == '\f' || *p == '\v'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			   end[-1] == '\r' || end[-1] == '\f' || end[-1] == '\v'))
		end--;
	if (p < end && lower((unsigned char)*p) == 'v')
		p++;
	/* epoch */
	save = p;
	if (number(&p, end, &n) == 0 && p < end && *p == '!') {
		v->epoch = n;
		p++;
	} else {
		p = save;
	}
	/* release */
	for (;;) {
		if (v->nrelease == MAX_RELEASE || number(&p, end, &n) < 0)
			return -1;
		v->release[v->nrelease++] = n;
		if (p + 1 < end && *p == '.' && is_digit((unsigned char)p[1]))
			p++;
		else
			break;
	}
	/* pre-release */
	save = p;
	if (p < end && is_sep((unsigned char)*p))
		p++;
	if (word(&p, end, "alpha") || word(&p, end, "a"))
		v->pre = PRE_A;
	else if (word(&p, end, "beta") || word(&p, end, "b"))
		v->pre = PRE_B;
	else if (word(&p, end, "preview") || word(&p, end, "pre") ||
		 word(&p, end, "rc") || word(&p, end, "c"))
		v->pre = PRE_RC;
	if (v->pre != PRE_NONE) {
		if (opt_number(&p, end, &v->pre_n) < 0)
			return -1;
	} else {
		p = save;
	}
	/* post-release: "-N" or [sep](post|rev|r)[sep][N] */
	save = p;
	if (p + 1 < end && *p == '-' && is_digit((unsigned char)p[1])) {
		p++;
		if (number(&p, end, &v->post_n) < 0)
			return -1;
		v->has_post = 1;
	} else {
		if (p < end && is_sep((unsigned char)*p))
			p++;
		if (word(&p, end, "post") || word(&p, end, "rev") || word(&p, end, "r")) {
			v->has_post = 1;
			if (opt_number(&p, end, &v->post_n) < 0)
				return -1;
		} else {
			p = save;
		}
	}
	/* dev-release */
	save = p;
	if (p < end && is_sep((unsigned char)*p))
		p++;
	if (word(&p, end, "dev")) {
		v->has_dev = 1;
		if (opt_number(&p, end, &v->dev_n) < 0)
			return -1;
	} else {
		p = save;
	}
	/* local version label */
	if (p < end && *p == '+') {
		p++;
		for (;;) {
			const char *q = p;

			while (q < end && (is_digit((unsigned char)*q) || is_alpha((unsigned char)*q)))
				q++;
			if (q == p || v->nlocal == MAX_LOCAL)
				return -1;
			v->local[v->nlocal] = p;
			v->local_len[v->nlocal++] = (size_t)(q - p);
			p = q;
			if (p < end && is_sep((unsigned char)*p) && p + 1 < end)
				p++;
			else
				break;
		}
	}
	return p == end ? 0 : -1;
}

int cairn_pep440_valid(const char *s)
{
	pv v;

	return parse(&v, s) == 0;
}

static int u64cmp(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int all_digits(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit((unsigned char)p[i]))
			return 0;
	return 1;
}

/* Digit strings: compare numerically without converting (any length). */
static int digits_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c;

	while (an > 1 && *a == '0')
		a++, an--;
	while (bn > 1 && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	c = memcmp(a, b, an);
	return c < 0 ? -1 : c > 0;
}

static int local_seg_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int da = all_digits(a, an), db = all_digits(b, bn);
	size_t i;

	if (da && db)
		return digits_cmp(a, an, b, bn);
	if (da != db)
		return da ? 1 : -1;    /* numeric segments sort above */
	for (i = 0; i < an && i < bn; i++) {
		int x = lower((unsigned char)a[i]), y = lower((unsigned char)b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return an == bn ? 0 : an < bn ? -1 : 1;
}

/*
 * The sort key of packaging's Version: pre is -inf for a dev release that
 * has neither pre nor post ("1.0.dev0" < "1.0a0"), +inf without pre; post
 * is -inf without post; dev is +inf without dev.
 */
static void keys(const pv *v, int64_t k[6])
{
	if (v->pre == PRE_NONE && !v->has_post && v->has_dev) {
		k[0] = -1;
		k[1] = 0;
	} else if (v->pre == PRE_NONE) {
		k[0] = 3;
		k[1] = 0;
	} else {
		k[0] = v->pre;
		k[1] = (int64_t)v->pre_n;
	}
	k[2] = v->has_post ? 1 : 0;
	k[3] = v->has_post ? (int64_t)v->post_n : 0;
	k[4] = v->has_dev ? 0 : 1;
	k[5] = v->has_dev ? (int64_t)v->dev_n : 0;
}

/* Epoch and release numbers, trailing zeros ignored (1.0 == 1.0.0): the
 * order of packaging's Version(v.base_version). */
static int release_cmp(const pv *x, const pv *y)
{
	int i, na = x->nrelease, nb = y->nrelease, n, c;

	if ((c = u64cmp(x->epoch, y->epoch)))
		return c;
	while (na > 1 && x->release[na - 1] == 0)
		na--;
	while (nb > 1 && y->release[nb - 1] == 0)
		nb--;
	n = na > nb ? na : nb;
	for (i = 0; i < n; i++) {
		uint64_t ra = i < na ? x->release[i] : 0, rb = i < nb ? y->release[i] : 0;

		if ((c = u64cmp(ra, rb)))
			return c;
	}
	return 0;
}

static int pv_cmp(const pv *x, const pv *y)
{
	int64_t kx[6], ky[6];
	int i, c;

	if ((c = release_cmp(x, y)))
		return c;
	keys(x, kx);
	keys(y, ky);
	for (i = 0; i < 6; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	for (i = 0; i < x->nlocal && i < y->nlocal; i++)
		if ((c = local_seg_cmp(x->local[i], x->local_len[i], y->local[i], y->local_len[i])))
			return c;
	return x->nlocal == y->nlocal ? 0 : x->nlocal < y->nlocal ? -1 : 1;
}

int cairn_pep440_cmp(int *out, const char *a, const char *b)
{
	pv x, y;

	if (parse(&x, a) < 0 || parse(&y, b) < 0)
		return CAIRN_EFORMAT;
	*out = pv_cmp(&x, &y);
	return 0;
}

/* packaging's is_prerelease: a pre-release or a development release */
static int is_pre(const pv *v)
{
	return v->pre != PRE_NONE || v->has_dev;
}

/* "== P.*": the first nprefix release numbers of v, padded with zeros,
 * are those of p, and the epochs are the same. */
static int prefix_match(const pv *v, const pv *p, int nprefix)
{
	int i;

	if (v->epoch != p->epoch)
		return 0;
	for (i = 0; i < nprefix; i++)
		if ((i < v->nrelease ? v->release[i] : 0) != p->release[i])
			return 0;
	return 1;
}

int cairn_pep440_spec_match(int *out, int op, const char *version, const char *spec)
{
	char buf[CAIRN_PEP440_MAX + 1];
	pv v, s, pub;
	size_t n;
	int wild = 0, r;

	if (!spec || parse(&v, version) < 0)
		return CAIRN_EFORMAT;
	n = strnlen(spec, CAIRN_PEP440_MAX + 1);
	if (n > CAIRN_PEP440_MAX)
		return CAIRN_EFORMAT;
	while (n && (spec[n - 1] == ' ' || spec[n - 1] == '\t' || spec[n - 1] == '\n' ||
		     spec[n - 1] == '\r' || spec[n - 1] == '\f' || spec[n - 1] == '\v'))
		n--;
	/* "V.*": V release numbers only, right before it */
	if (n >= 3 && spec[n - 1] == '*' && spec[n - 2] == '.' && is_digit((unsigned char)spec[n - 3])) {
		wild = 1;
		n -= 2;
	}
	memcpy(buf, spec, n);
	buf[n] = '\0';
	if (parse(&s, buf) < 0)
		return CAIRN_EFORMAT;
	/* what packaging's Specifier refuses: ".*" but with == and != or after
	 * anything but release numbers; a local label but with == and !=;
	 * ~= with one release number */
	if (wild && ((op != CAIRN_PEP440_EQ && op != CAIRN_PEP440_NE) || is_pre(&s) ||
		     s.has_post || s.nlocal))
		return CAIRN_EFORMAT;
	if (s.nlocal && op != CAIRN_PEP440_EQ && op != CAIRN_PEP440_NE)
		return CAIRN_EFORMAT;
	if (op == CAIRN_PEP440_COMPAT && s.nrelease < 2)
		return CAIRN_EFORMAT;
	pub = v;
	pub.nlocal = 0;
	switch (op) {
	case CAIRN_PEP440_EQ:
	case CAIRN_PEP440_NE:
		if (wild)
			r = prefix_match(&v, &s, s.nrelease);
		else    /* a local label in v counts only when the spec has one */
			r = pv_cmp(s.nlocal ? &v : &pub, &s) == 0;
		if (op == CAIRN_PEP440_NE)
			r = !r;
		break;
	case CAIRN_PEP440_LE:
		r = pv_cmp(&pub, &s) <= 0;
		break;
	case CAIRN_PEP440_GE:
		r = pv_cmp(&pub, &s) >= 0;
		break;
	case CAIRN_PEP440_LT:
		/* "exclusive ordered comparison": <V excludes the pre-releases
		 * of V itself unless V is one (<3.1 is not met by 3.1.dev0) */
		r = pv_cmp(&v, &s) < 0 &&
		    !(!is_pre(&s) && is_pre(&v) && release_cmp(&v, &s) == 0);
		break;
	case CAIRN_PEP440_GT:
		/* >V excludes the post-releases of V unless V is one, and
		 * every local version of V */
		r = pv_cmp(&v, &s) > 0 &&
		    !(!s.has_post && v.has_post && release_cmp(&v, &s) == 0) &&
		    !(v.nlocal && release_cmp(&v, &s) == 0);
		break;
	case CAIRN_PEP440_COMPAT:
		/* ~=V: >=V and == V without its last release number .* */
		r = pv_cmp(&pub, &s) >= 0 && prefix_match(&v, &s, s.nrelease - 1);
		break;
	default:
		return CAIRN_EFORMAT;
	}
	*out = r;
	return 0;
}

int cairn_pep440_normalize(cairn_buf *out, const char *s)
{
	static const char *const pre_name[] = { "a", "b", "rc" };
	pv v;
	int i;
	size_t j;

	if (parse(&v, s) < 0)
		return CAIRN_EFORMAT;
	if (v.epoch)
		cairn_buf_addf(out, "%llu!", (unsigned long long)v.epoch);
	for (i = 0; i < v.nrelease; i++)
		cairn_buf_addf(out, "%s%llu", i ? "." : "", (unsigned long long)v.release[i]);
	if (v.pre != PRE_NONE)
		cairn_buf_addf(out, "%s%llu", pre_name[v.pre], (unsigned long long)v.pre_n);
	if (v.has_post)
		cairn_buf_addf(out, ".post%llu", (unsigned long long)v.post_n);
	if (v.has_dev)
		cairn_buf_addf(out, ".dev%llu", (unsigned long long)v.dev_n);
	for (i = 0; i < v.nlocal; i++) {
		const char *seg = v.local[i];
		size_t n = v.local_len[i];

		cairn_buf_addch(out, i ? '.' : '+');
		/* a numeric segment is a number: "01" is "1" */
		if (all_digits(seg, n))
			while (n > 1 && *seg == '0')
				seg++, n--;
		for (j = 0; j < n; j++)
			cairn_buf_addch(out, (char)lower((unsigned char)seg[j]));
	}
	return 0;
}

/* PEP 503 "Normalized Names" */
void cairn_pep440_name_normalize(cairn_buf *out, const char *name)
{
	const char *p;
	int sep = 0;

	cairn_buf_addstr(out, "");
	for (p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			sep = 1;
			continue;
		}
		if (sep)
			cairn_buf_addch(out, '-');
		sep = 0;
		cairn_buf_addch(out, (char)lower((unsigned char)*p));
	}
	if (sep)
		cairn_buf_addch(out, '-');
}
