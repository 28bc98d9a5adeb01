/*
 * ioc.c - the indicator list (lib/ioc.h): a strict line parser, and sorted
 * tables searched by the matchers.
 */
#include "ioc.h"
#include "cidr.h"
#include "osv.h"
#include "pep440.h"
#include "semver.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct item {
	cairn_ioc ioc;
	char *key;              /* what is compared: normalised name, host,
	                         * lowercase hex, URL */
	char *version;          /* packages: NULL = every version */
	cairn_cidr net;         /* ip: the block, host bits cleared */
};

/* The strings of the items live in blocks that never move (a pointer
 * into one stays valid), one allocation per 1 MiB instead of four per
 * line: a million indicators cost their bytes, not their malloc headers. */
struct block {
	struct block *next;
	size_t used, cap;
	char data[];
};

#define BLOCK_SIZE (1u << 20)

struct cairn_ioc_set {
	struct item *items;
	size_t n, cap;
	size_t count[CAIRN_IOC__TYPES];
	int sorted;
	struct block *blocks;
};

static char *set_strndup(cairn_ioc_set *s, const char *p, size_t n)
{
	struct block *b = s->blocks;
	char *out;

	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > BLOCK_SIZE ? n + 1 : BLOCK_SIZE;

		b = cairn_malloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = s->blocks;
		s->blocks = b;
	}
	out = b->data + b->used;
	memcpy(out, p, n);
	out[n] = '\0';
	b->used += n + 1;
	return out;
}

/* A malloc'd string moved into the set's blocks. */
static char *set_take(cairn_ioc_set *s, char *str)
{
	char *out = str ? set_strndup(s, str, strlen(str)) : NULL;

	free(str);
	return out;
}

static const char *const type_name[CAIRN_IOC__TYPES] = {
	"npm", "pypi", "sha256", "host", "ip", "url"
};

int cairn_ioc_set_new(cairn_ioc_set **out)
{
	*out = cairn_calloc(1, sizeof(**out));
	return 0;
}

void cairn_ioc_set_free(cairn_ioc_set *s)
{
	struct block *b;

	if (!s)
		return;
	while ((b = s->blocks) != NULL) {
		s->blocks = b->next;
		free(b);
	}
	free(s->items);
	free(s);
}

size_t cairn_ioc_set_count(const cairn_ioc_set *s, int type)
{
	size_t i, n = 0;

	if (type >= 0 && type < CAIRN_IOC__TYPES)
		return s->count[type];
	for (i = 0; i < CAIRN_IOC__TYPES; i++)
		n += s->count[i];
	return n;
}

/* ------------------------------------------------------------- parsing */

static char *lower_dup(const char *p, size_t n)
{
	char *s = cairn_malloc(n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)p[i]);
	s[n] = '\0';
	return s;
}

/* npm package names: lowercase or legacy mixed case, URL-safe characters;
 * a scope is "@scope/". */
static int npm_name_ok(const char *p, size_t n)
{
	size_t i, slash = 0;

	if (!n || n > 214)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '/' && p[0] == '@' && !slash && i > 1 && i + 1 < n) {
			slash = i;
			continue;
		}
		if (c == '@' && i == 0)
			continue;
		if (!isalnum(c) && !strchr("-._~", c))
			return 0;
	}
	return p[0] != '@' || slash;
}

static int pypi_name_ok(const char *p, size_t n)
{
	size_t i;

	if (!n || n > 214 || !isalnum((unsigned char)p[0]) || !isalnum((unsigned char)p[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("-._", p[i]))
			return 0;
	return 1;
}

/* RFC 1123 host name: labels of letters, digits, '-' (and '_', seen in
 * real DNS), 1..63 each, 253 in all; a trailing dot is dropped. */
static int host_ok(const char *p, size_t n)
{
	size_t i, label = 0;

	if (n && p[n - 1] == '.')
		n--;
	if (!n || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '.') {
			if (!label)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

/* "scheme://host[:port]/..." with scheme and host lowercased; NULL when
 * not an http(s) URL without spaces. */
static char *url_key(const char *p, size_t n)
{
	const char *host, *end;
	char *k;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
			return NULL;
	if (n > 7 && !strncasecmp(p, "http://", 7))
		host = p + 7;
	else if (n > 8 && !strncasecmp(p, "https://", 8))
		host = p + 8;
	else
		return NULL;
	end = host;
	while (end < p + n && *end != '/' && *end != '?' && *end != '#')
		end++;
	if (end == host)
		return NULL;
	k = cairn_malloc(n + 1);
	for (i = 0; i < n; i++)
		k[i] = p + i < end ? (char)tolower((unsigned char)p[i]) : p[i];
	k[n] = '\0';
	return k;
}

static struct item *add_item(cairn_ioc_set *s)
{
	struct item *it;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->items = cairn_realloc(s->items, s->cap * sizeof(*s->items));
	}
	it = &s->items[s->n];
	memset(it, 0, sizeof(*it));
	return it;
}

/* One indicator (no spaces, type prefix included); fills *it or returns a
 * reason. */
static const char *parse_indicator(cairn_ioc_set *s, struct item *it, const char *p, size_t n)
{
	const char *colon = memchr(p, ':', n), *v;
	size_t tlen, vlen, i;
	int type = -1;

	if (!colon)
		return "no type (npm:, pypi:, sha256:, host:, ip:, url:)";
	tlen = (size_t)(colon - p);
	for (i = 0; i < CAIRN_IOC__TYPES; i++)
		if (strlen(type_name[i]) == tlen && !strncasecmp(p, type_name[i], tlen))
			type = (int)i;
	if (type < 0)
		return "unknown type (npm:, pypi:, sha256:, host:, ip:, url:)";
	v = colon + 1;
	vlen = n - tlen - 1;
	if (!vlen)
		return "empty value";
	it->ioc.type = type;
	switch (type) {
	case CAIRN_IOC_NPM: {
		/* the version follows the last '@' that is not the scope's */
		const char *at = NULL;

		for (i = 1; i < vlen; i++)
			if (v[i] == '@')
				at = v + i;
		if (at) {
			size_t nl = (size_t)(at - v);

			if (!npm_name_ok(v, nl))
				return "not an npm package name";
			it->version = set_strndup(s, at + 1, vlen - nl - 1);
			if (!cairn_semver_valid(it->version))
				return "not a SemVer version (npm:name@1.2.3)";
			it->key = set_strndup(s, v, nl);
		} else {
			if (!npm_name_ok(v, vlen))
				return "not an npm package name";
			it->key = set_strndup(s, v, vlen);
		}
		break;
	}
	case CAIRN_IOC_PYPI: {
		const char *eq = NULL;
		cairn_buf norm = CAIRN_BUF_INIT;
		char *name;

		for (i = 0; i + 1 < vlen; i++)
			if (v[i] == '=' && v[i + 1] == '=') {
				eq = v + i;
				break;
			}
		name = cairn_strndup(v, eq ? (size_t)(eq - v) : vlen);
		if (!pypi_name_ok(name, strlen(name))) {
			free(name);
			return "not a PyPI package name";
		}
		cairn_osv_name_normalize(&norm, CAIRN_OSV_PYPI, name);
		free(name);
		it->key = set_take(s, cairn_buf_detach(&norm, NULL));
		if (eq) {
			it->version = set_strndup(s, eq + 2, vlen - (size_t)(eq - v) - 2);
			if (!cairn_pep440_valid(it->version))
				return "not a PEP 440 version (pypi:name==1.2.3)";
		}
		break;
	}
	case CAIRN_IOC_SHA256:
		if (vlen != 64)
			return "not 64 hex digits";
		for (i = 0; i < 64; i++)
			if (!isxdigit((unsigned char)v[i]))
				return "not 64 hex digits";
		it->key = set_take(s, lower_dup(v, vlen));
		break;
	case CAIRN_IOC_HOST: {
		int wild = vlen > 2 && v[0] == '*' && v[1] == '.';
		const char *h = wild ? v + 2 : v;
		size_t hl = wild ? vlen - 2 : vlen;

		if (!host_ok(h, hl))
			return "not a host name (host:name or host:*.domain)";
		if (h[hl - 1] == '.')
			hl--;
		/* a domain's key starts with '.' so that it sorts apart */
		/* h - 1 is a byte of the line (':' or the '.' of "*."),
		 * overwritten: the key is the marker and the name */
		it->key = set_strndup(s, h - 1, hl + 1);
		it->key[0] = wild ? '.' : '=';
		for (i = 0; i < hl; i++)
			it->key[i + 1] = (char)tolower((unsigned char)h[i]);
		break;
	}
	case CAIRN_IOC_IP: {
		const char *why;

		if (cairn_cidr_parse(&it->net, v, vlen, &why) < 0)
			return why;
		cairn_cidr_mask(&it->net);
		break;
	}
	case CAIRN_IOC_URL:
		it->key = set_take(s, url_key(v, vlen));
		if (!it->key)
			return "not an http:// or https:// URL";
		break;
	}
	return NULL;
}

/* The strings stay in the set's blocks until it is freed. */
static void item_release(struct item *it)
{
	memset(it, 0, sizeof(*it));
}

static int is_space(char c)
{
	return c == ' ' || c == '\r';
}

static int item_cmp(const void *a_, const void *b_)
{
	const struct item *a = a_, *b = b_;
	int c;

	if (a->ioc.type != b->ioc.type)
		return a->ioc.type - b->ioc.type;
	if (a->ioc.type == CAIRN_IOC_IP) {
		if (a->net.family != b->net.family)
			return a->net.family - b->net.family;
		if ((c = memcmp(a->net.addr, b->net.addr, 16)))
			return c;
		return a->net.bits - b->net.bits;
	}
	return strcmp(a->key, b->key);
}

/* Sort the items without a second copy of the table (glibc's qsort
 * merges through a temporary array as large as the table): sort their
 * indices, then move each item to its place along the permutation's
 * cycles. */
static int index_cmp(const void *a, const void *b, void *items)
{
	const struct item *it = items;

	return item_cmp(&it[*(const uint32_t *)a], &it[*(const uint32_t *)b]);
}

static void sort_items(cairn_ioc_set *s)
{
	uint32_t *idx = cairn_calloc(s->n, sizeof(*idx));
	struct item tmp;
	size_t i, j, k;

	for (i = 0; i < s->n; i++)
		idx[i] = (uint32_t)i;
	qsort_r(idx, s->n, sizeof(*idx), index_cmp, s->items);
	/* items[i] must become items[idx[i]] */
	for (i = 0; i < s->n; i++) {
		if (idx[i] == i)
			continue;
		tmp = s->items[i];
		for (j = i; (k = idx[j]) != i; j = k) {
			s->items[j] = s->items[k];
			idx[j] = (uint32_t)j;
		}
		s->items[j] = tmp;
		idx[j] = (uint32_t)j;
	}
	free(idx);
}

int cairn_ioc_set_parse(cairn_ioc_set *s, const char *data, size_t len, const char *label)
{
	size_t off = 0, before = s->n, lines = 1;
	unsigned line = 0;
	const char *nlp;

	/* the table is sized once (a doubling realloc would need the old
	 * and the new table at once) */
	for (nlp = data; (nlp = memchr(nlp, '\n', len - (size_t)(nlp - data))) != NULL; nlp++)
		lines++;
	if (lines > CAIRN_IOC_COUNT_MAX)
		lines = CAIRN_IOC_COUNT_MAX;
	if (s->cap < s->n + lines) {
		s->cap = s->n + lines;
		s->items = cairn_realloc(s->items, s->cap * sizeof(*s->items));
	}

	while (off < len) {
		const char *p = data + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off, i, ilen;
		const char *tab, *why = NULL;
		struct item *it;

		off += n + (nl ? 1 : 0);
		line++;
		if (n > CAIRN_IOC_LINE_MAX)
			why = "line longer than 8192 bytes";
		else if (!cairn_utf8_valid(p, n))
			why = "not valid UTF-8";
		for (i = 0; !why && i < n; i++)
			if (((unsigned char)p[i] < 0x20 && p[i] != '\t' && !(p[i] == '\r' && i == n - 1)) ||
			    p[i] == 0x7f)
				why = "control character";
		if (why)
			goto bad;
		while (n && is_space(p[n - 1]))
			n--;
		while (n && p[0] == ' ') {
			p++;
			n--;
		}
		if (!n || p[0] == '#')
			continue;
		if (s->n - before >= CAIRN_IOC_COUNT_MAX) {
			why = "more than 16777216 indicators";
			goto bad;
		}
		tab = memchr(p, '\t', n);
		ilen = tab ? (size_t)(tab - p) : n;
		while (ilen && p[ilen - 1] == ' ')
			ilen--;
		if (!ilen) {
			why = "a note without an indicator";
			goto bad;
		}
		if (memchr(p, ' ', ilen)) {
			why = "space inside the indicator (a note goes after a TAB)";
			goto bad;
		}
		it = add_item(s);
		why = parse_indicator(s, it, p, ilen);
		if (why) {
			item_release(it);
			goto bad;
		}
		it->ioc.text = set_strndup(s, p, ilen);
		if (tab) {
			const char *q = tab + 1;
			size_t ql = n - (size_t)(q - p);

			while (ql && (*q == ' ' || *q == '\t')) {
				q++;
				ql--;
			}
			it->ioc.note = ql ? set_strndup(s, q, ql) : "";
		} else {
			it->ioc.note = "";   /* not allocated: most lines have none */
		}
		it->ioc.line = line;
		s->count[it->ioc.type]++;
		s->n++;
		continue;
bad:
		/* nothing of a file with a bad line is kept */
		while (s->n > before) {
			s->n--;
			s->count[s->items[s->n].ioc.type]--;
			item_release(&s->items[s->n]);
		}
		return cairn_error_set(CAIRN_EFORMAT, "ioc '%s': line %u: %s", label, line, why);
	}
	if (s->n)   /* an empty list has no table to sort (NULL base) */
		sort_items(s);
	return 0;
}

int cairn_ioc_set_load(cairn_ioc_set *s, const char *path)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc = cairn_read_file(&b, path, CAIRN_IOC_FILE_MAX, "ioc");

	if (rc == 0)
		rc = cairn_ioc_set_parse(s, b.data ? b.data : "", b.len, path);
	cairn_buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------ matching */

/* First item of type with key >= key. */
static size_t lower_bound(const cairn_ioc_set *s, int type, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct item *it = &s->items[mid];

		if (it->ioc.type < type || (it->ioc.type == type && type != CAIRN_IOC_IP &&
					    strcmp(it->key, key) < 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const cairn_ioc *find_key(const cairn_ioc_set *s, int type, const char *key)
{
	size_t i = lower_bound(s, type, key);

	if (i < s->n && s->items[i].ioc.type == type && !strcmp(s->items[i].key, key))
		return &s->items[i].ioc;
	return NULL;
}

static int same_version(int type, const char *a, const char *b)
{
	int c;

	if (type == CAIRN_IOC_NPM ? cairn_semver_cmp(&c, a, b) == 0 :
	    cairn_pep440_cmp(&c, a, b) == 0)
		return c == 0;
	return !strcmp(a, b);
}

const cairn_ioc *cairn_ioc_match_package(const cairn_ioc_set *s, const char *eco,
					 const char *name, const char *version)
{
	cairn_buf norm = CAIRN_BUF_INIT;
	const cairn_ioc *found = NULL;
	int type;
	size_t i;

	if (!s || !eco || !name)
		return NULL;
	if (!strcmp(eco, "npm"))
		type = CAIRN_IOC_NPM;
	else if (!strcasecmp(eco, "pypi"))
		type = CAIRN_IOC_PYPI;
	else
		return NULL;
	cairn_osv_name_normalize(&norm, type == CAIRN_IOC_NPM ? CAIRN_OSV_NPM : CAIRN_OSV_PYPI,
				 name);
	for (i = lower_bound(s, type, norm.data ? norm.data : "");
	     !found && i < s->n && s->items[i].ioc.type == type &&
	     !strcmp(s->items[i].key, norm.data ? norm.data : ""); i++) {
		const struct item *it = &s->items[i];

		if (!it->version || (version && same_version(type, it->version, version)))
			found = &it->ioc;
	}
	cairn_buf_release(&norm);
	return found;
}

const cairn_ioc *cairn_ioc_match_sha256(const cairn_ioc_set *s, const unsigned char sha[32])
{
	char hex[65];

	if (!s || !s->count[CAIRN_IOC_SHA256])
		return NULL;
	cairn_hex(hex, sha, 32);
	return find_key(s, CAIRN_IOC_SHA256, hex);
}

const cairn_ioc *cairn_ioc_match_ip(const cairn_ioc_set *s, const char *addr)
{
	unsigned char a[16], fam;
	size_t i;

	if (!s || !addr || !s->count[CAIRN_IOC_IP] || cairn_cidr_addr_parse(a, &fam, addr, strlen(addr)) < 0)
		return NULL;
	/* few indicators are blocks: scan them all (sorted, so the first
	 * match is the same every run) */
	for (i = lower_bound(s, CAIRN_IOC_IP, ""); i < s->n && s->items[i].ioc.type == CAIRN_IOC_IP;
	     i++) {
		const struct item *it = &s->items[i];

		if (cairn_cidr_contains(&it->net, fam, a))
			return &it->ioc;
	}
	return NULL;
}

const cairn_ioc *cairn_ioc_match_host(const cairn_ioc_set *s, const char *host)
{
	unsigned char a[16], fam;
	cairn_buf k = CAIRN_BUF_INIT, d = CAIRN_BUF_INIT;
	const cairn_ioc *found = NULL;
	size_t n, i;

	if (!s || !host || !*host)
		return NULL;
	if (cairn_cidr_addr_parse(a, &fam, host, strlen(host)) == 0)
		return cairn_ioc_match_ip(s, host);
	if (!s->count[CAIRN_IOC_HOST])
		return NULL;
	n = strlen(host);
	if (n && host[n - 1] == '.')
		n--;
	cairn_buf_addch(&k, '=');
	for (i = 0; i < n; i++)
		cairn_buf_addch(&k, tolower((unsigned char)host[i]));
	found = find_key(s, CAIRN_IOC_HOST, k.data);
	/* then the name and each parent as a *.domain indicator: "*.evil.test"
	 * (key ".evil.test") covers evil.test and every name under it */
	for (i = 1; !found && i < k.len; i++) {
		if (i > 1 && k.data[i - 1] != '.')
			continue;
		cairn_buf_clear(&d);
		cairn_buf_addch(&d, '.');
		cairn_buf_addstr(&d, k.data + i);
		found = find_key(s, CAIRN_IOC_HOST, d.data);
	}
	cairn_buf_release(&k);
	cairn_buf_release(&d);
	return found;
}

const cairn_ioc *cairn_ioc_match_url(const cairn_ioc_set *s, const char *url)
{
	const cairn_ioc *found;
	char *k;

	if (!s || !url || !s->count[CAIRN_IOC_URL])
		return NULL;
	k = url_key(url, strlen(url));
	found = k ? find_key(s, CAIRN_IOC_URL, k) : NULL;
	free(k);
	return found;
}
