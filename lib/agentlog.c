/*
 * agentlog.c - what MCP traffic says: manifests and their changes,
 * suspicious descriptions, calls per window, secrets and destinations in
 * arguments and results (agentlog.h).  The readers (agentlog_read.c) hand
 * every JSON-RPC message or transcript line to al_jsonrpc() /
 * al_transcript(); everything kept is in capped tables.
 */
#include "agentlog_int.h"
#include "destscan.h"
#include "secret.h"
#include "toolrules.h"
#include "worddiff.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define NONE UINT32_MAX

struct hit {
	char *rule, *where, *excerpt;
	size_t offset;
};

struct ver {
	char desc_sha[65], schema_sha[65];  /* "" when absent */
	size_t desc_len;
	char *desc;
	int64_t first_ns, last_ns;
	uint64_t listed, seq;
	struct hit *hits;
	size_t nhits;
};

struct itm {
	int kind;
	char *name;
	struct ver *v;
	size_t nv;
	uint64_t dropped;
	uint64_t calls, errors, untimed;
	int64_t first_call, last_call;
};

struct srv {
	char *name, *info_name, *info_version;
	unsigned kinds;          /* 1 << log kind */
	struct al_map map;
	struct itm *it;
	size_t nit, capit;
	uint64_t listings, unnamed_calls;
};

struct row {
	int64_t window;
	uint32_t server, item;
	uint64_t calls, errors;
	int64_t first, last;
};

struct secret {
	uint32_t server, item;
	int dir;
	char *where;
	char *name;          /* the variable or key it was found under, or NULL */
	char *rules[8];
	size_t nrules;
	size_t length;
	char hmac[65];
	uint64_t count, last_msg;
	int64_t first, last;
};

struct host {
	char *host;
	uint32_t server, item;
	int dir, kind;
	uint64_t count, last_msg;
	int64_t first, last;
};

struct watch {
	char *label;
	size_t length;
	char hmac[65];
};

struct cover {
	char *server;
	int64_t lo, hi;
};

struct cairn_agentlog {
	int64_t window;
	const cairn_env_key *key;
	struct srv *sv;
	size_t nsv;
	struct al_map svmap;
	size_t items_total;
	size_t text_total;
	uint64_t seq;
	uint64_t msg;            /* traffic() calls: counts are per message */
	struct row *rows;
	size_t nrows, caprows;
	struct al_map rowmap;
	struct secret *sec;
	size_t nsec, capsec;
	struct al_map secmap;
	struct host *hosts;
	size_t nhosts, caphosts;
	struct al_map hostmap;
	struct watch *watch;
	size_t nwatch;
	int snapshot_given;
	char *snapshot_refused;
	unsigned char watch_len[4097];   /* lengths to try (<= 4096) */
	struct cairn_agentlog_file *files;
	size_t nfiles;
	struct cover *covers;
	size_t ncovers;
	char **warnings;
	size_t nwarnings;
	uint64_t warnings_dropped;
	struct cairn_agentlog_stats st;
	/* the stream being read, for warnings */
	const char *cur_label;
};

/* ------------------------------------------------------------ map */

void al_map_init(struct al_map *m)
{
	memset(m, 0, sizeof(*m));
}

void al_map_release(struct al_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->hash);
	free(m->key);
	free(m->klen);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static size_t map_slot(const struct al_map *m, uint64_t h, const void *key, size_t klen)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->key[i] && (m->hash[i] != h || m->klen[i] != klen || memcmp(m->key[i], key, klen)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

long al_map_get(const struct al_map *m, const void *key, size_t klen)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = map_slot(m, XXH3_64bits(key, klen), key, klen);
	return m->key[i] ? (long)m->val[i] : -1;
}

void al_map_put(struct al_map *m, const void *key, size_t klen, uint32_t val)
{
	uint64_t h = XXH3_64bits(key, klen);
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct al_map old = *m;
		size_t k;

		m->cap = old.cap ? old.cap * 2 : 64;
		m->hash = cairn_calloc(m->cap, sizeof(*m->hash));
		m->key = cairn_calloc(m->cap, sizeof(*m->key));
		m->klen = cairn_calloc(m->cap, sizeof(*m->klen));
		m->val = cairn_calloc(m->cap, sizeof(*m->val));
		m->n = 0;
		for (k = 0; k < old.cap; k++) {
			if (!old.key[k])
				continue;
			i = map_slot(m, old.hash[k], old.key[k], old.klen[k]);
			m->hash[i] = old.hash[k];
			m->key[i] = old.key[k];
			m->klen[i] = old.klen[k];
			m->val[i] = old.val[k];
			m->n++;
		}
		free(old.hash);
		free(old.key);
		free(old.klen);
		free(old.val);
	}
	i = map_slot(m, h, key, klen);
	if (!m->key[i]) {
		m->key[i] = cairn_malloc(klen ? klen : 1);
		memcpy(m->key[i], key, klen);
		m->klen[i] = klen;
		m->hash[i] = h;
		m->n++;
	}
	m->val[i] = val;
}

/* ------------------------------------------------------------ basics */

const char *cairn_agentlog_kind_name(int kind)
{
	switch (kind) {
	case CAIRN_AGENTLOG_DESKTOP:
		return "claude-desktop";
	case CAIRN_AGENTLOG_TRANSCRIPT:
		return "claude-code";
	case CAIRN_AGENTLOG_JSONRPC:
		return "jsonrpc";
	}
	return "none";
}

int cairn_agentlog_new(cairn_agentlog **out, const struct cairn_agentlog_opts *opts)
{
	cairn_agentlog *a = cairn_calloc(1, sizeof(*a));

	a->window = opts && opts->window_ns > 0 ? opts->window_ns : 300LL * 1000000000LL;
	a->key = opts ? opts->key : NULL;
	a->st.first_ns = a->st.last_ns = -1;
	al_map_init(&a->svmap);
	al_map_init(&a->rowmap);
	al_map_init(&a->secmap);
	al_map_init(&a->hostmap);
	*out = a;
	return 0;
}

static void ver_release(struct ver *v)
{
	size_t i;

	for (i = 0; i < v->nhits; i++) {
		free(v->hits[i].rule);
		free(v->hits[i].where);
		free(v->hits[i].excerpt);
	}
	free(v->hits);
	free(v->desc);
}

void cairn_agentlog_free(cairn_agentlog *a)
{
	size_t i, j, k;

	if (!a)
		return;
	for (i = 0; i < a->nsv; i++) {
		struct srv *s = &a->sv[i];

		for (j = 0; j < s->nit; j++) {
			for (k = 0; k < s->it[j].nv; k++)
				ver_release(&s->it[j].v[k]);
			free(s->it[j].v);
			free(s->it[j].name);
		}
		free(s->it);
		al_map_release(&s->map);
		free(s->name);
		free(s->info_name);
		free(s->info_version);
	}
	free(a->sv);
	al_map_release(&a->svmap);
	free(a->rows);
	al_map_release(&a->rowmap);
	for (i = 0; i < a->nsec; i++) {
		free(a->sec[i].where);
		free(a->sec[i].name);
		for (j = 0; j < a->sec[i].nrules; j++)
			free(a->sec[i].rules[j]);
	}
	OPENSSL_cleanse(a->sec, a->capsec * sizeof(*a->sec));
	free(a->sec);
	al_map_release(&a->secmap);
	for (i = 0; i < a->nhosts; i++)
		free(a->hosts[i].host);
	free(a->hosts);
	al_map_release(&a->hostmap);
	for (i = 0; i < a->nwatch; i++)
		free(a->watch[i].label);
	free(a->watch);
	for (i = 0; i < a->nfiles; i++)
		free(a->files[i].path);
	free(a->files);
	for (i = 0; i < a->ncovers; i++)
		free(a->covers[i].server);
	free(a->covers);
	for (i = 0; i < a->nwarnings; i++)
		free(a->warnings[i]);
	free(a->warnings);
	free(a->snapshot_refused);
	free(a);
}

void al_warn(cairn_agentlog *a, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;
	char tmp[1024];

	if (a->nwarnings >= AL_MAX_WARNINGS) {
		a->warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cairn_buf_addstr(&b, tmp);
	a->warnings = cairn_realloc(a->warnings, (a->nwarnings + 1) * sizeof(char *));
	a->warnings[a->nwarnings++] = cairn_buf_detach(&b, NULL);
}

size_t cairn_agentlog_warning_count(const cairn_agentlog *a)
{
	return a->nwarnings;
}

const char *cairn_agentlog_warning(const cairn_agentlog *a, size_t i)
{
	return i < a->nwarnings ? a->warnings[i] : NULL;
}

int al_time_ok(int64_t ns)
{
	return ns >= 0 && ns < 4102444800000000000LL;
}

struct cairn_agentlog_file *al_new_file(cairn_agentlog *a, const char *path, int kind)
{
	struct cairn_agentlog_file *f;

	a->files = cairn_realloc(a->files, (a->nfiles + 1) * sizeof(*a->files));
	f = &a->files[a->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = cairn_strdup(path);
	f->kind = kind;
	f->first_ns = f->last_ns = -1;
	a->st.files++;
	return f;
}

void al_cover(cairn_agentlog *a, const char *server, int64_t lo, int64_t hi)
{
	a->covers = cairn_realloc(a->covers, (a->ncovers + 1) * sizeof(*a->covers));
	a->covers[a->ncovers].server = cairn_strdup(server);
	a->covers[a->ncovers].lo = lo;
	a->covers[a->ncovers].hi = hi;
	a->ncovers++;
}

int al_covered(const cairn_agentlog *a, const char *server, int64_t t)
{
	size_t i;

	for (i = 0; i < a->ncovers; i++)
		if (t >= a->covers[i].lo && t <= a->covers[i].hi && !strcmp(a->covers[i].server, server))
			return 1;
	return 0;
}

/* A name from a log, cut at AL_MAX_NAME bytes on a UTF-8 boundary. */
static char *name_dup(const char *s)
{
	size_t n = strlen(s);

	if (n > AL_MAX_NAME) {
		n = AL_MAX_NAME;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return cairn_strndup(s, n);
}

static void sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char d[SHA256_DIGEST_LENGTH];

	SHA256(p, n, d);
	cairn_hex(out, d, sizeof(d));
}

static int64_t window_of(const cairn_agentlog *a, int64_t t)
{
	return t - t % a->window;
}

static void seen_time(cairn_agentlog *a, struct cairn_agentlog_file *f, int64_t t)
{
	if (t < 0)
		return;
	if (a->st.first_ns < 0 || t < a->st.first_ns)
		a->st.first_ns = t;
	if (t > a->st.last_ns)
		a->st.last_ns = t;
	if (f) {
		if (f->first_ns < 0 || t < f->first_ns)
			f->first_ns = t;
		if (t > f->last_ns)
			f->last_ns = t;
	}
}

/* ------------------------------------------------------------ servers, items */

static uint32_t server_get(cairn_agentlog *a, const char *name, int kind)
{
	char *n = name_dup(name);
	long i = al_map_get(&a->svmap, n, strlen(n));
	struct srv *s;

	if (i < 0) {
		if (a->nsv >= AL_MAX_SERVERS) {
			a->st.dropped++;
			free(n);
			return NONE;
		}
		a->sv = cairn_realloc(a->sv, (a->nsv + 1) * sizeof(*a->sv));
		s = &a->sv[a->nsv];
		memset(s, 0, sizeof(*s));
		s->name = n;
		al_map_init(&s->map);
		al_map_put(&a->svmap, n, strlen(n), (uint32_t)a->nsv);
		i = (long)a->nsv++;
	} else {
		free(n);
	}
	a->sv[i].kinds |= 1u << kind;
	return (uint32_t)i;
}

static uint32_t item_get(cairn_agentlog *a, uint32_t server, int kind, const char *name)
{
	struct srv *s = &a->sv[server];
	char *n = name_dup(name);
	size_t nl = strlen(n);
	char *key = cairn_malloc(nl + 2);
	long i;

	key[0] = (char)('0' + kind);
	memcpy(key + 1, n, nl + 1);
	i = al_map_get(&s->map, key, nl + 1);
	if (i < 0) {
		struct itm *it;

		if (a->items_total >= AL_MAX_ITEMS) {
			a->st.dropped++;
			free(key);
			free(n);
			return NONE;
		}
		if (s->nit == s->capit) {
			s->capit = s->capit ? s->capit * 2 : 16;
			s->it = cairn_realloc(s->it, s->capit * sizeof(*s->it));
		}
		it = &s->it[s->nit];
		memset(it, 0, sizeof(*it));
		it->kind = kind;
		it->name = n;
		it->first_call = it->last_call = -1;
		al_map_put(&s->map, key, nl + 1, (uint32_t)s->nit);
		i = (long)s->nit++;
		a->items_total++;
	} else {
		free(n);
	}
	free(key);
	return (uint32_t)i;
}

/* ------------------------------------------------------------ suspicious texts */

struct hit_ctx {
	struct ver *v;
	const char *where;
	const char *text;
	size_t n;
};

static void add_hit(struct ver *v, const char *rule, const char *where, const char *text,
		    size_t n, size_t off, size_t len)
{
	struct hit *h;
	size_t lo = off > 24 ? off - 24 : 0, hi = off + len + 24;

	if (v->nhits >= AL_MAX_HITS)
		return;
	if (hi > n)
		hi = n;
	if (hi - lo > 240)
		hi = lo + 240;
	/* cut on UTF-8 boundaries */
	while (lo > 0 && ((unsigned char)text[lo] & 0xc0) == 0x80)
		lo--;
	while (hi < n && ((unsigned char)text[hi] & 0xc0) == 0x80)
		hi++;
	v->hits = cairn_realloc(v->hits, (v->nhits + 1) * sizeof(*v->hits));
	h = &v->hits[v->nhits++];
	h->rule = cairn_strdup(rule);
	h->where = cairn_strdup(where);
	h->offset = off;
	h->excerpt = cairn_strndup(text + lo, hi - lo);
}

static void hit_cb(void *ctx, const char *rule, size_t off, size_t len)
{
	struct hit_ctx *h = ctx;

	add_hit(h->v, rule, h->where, h->text, h->n, off, len);
}

static void scan_text(struct ver *v, const char *where, const char *text, size_t n)
{
	struct hit_ctx h = { v, where, text, n };

	cairn_toolrules_scan(text, n, hit_cb, &h);
}

/* every string and key of a schema (descriptions, titles, enums, names) */
static void scan_schema(struct ver *v, const json_t *j, cairn_buf *path, int depth)
{
	size_t keep = path->len, i;
	const char *k;
	json_t *x;

	if (depth > 64)
		return;
	if (json_is_string(j)) {
		scan_text(v, path->data, json_string_value(j), json_string_length(j));
	} else if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, x) {
			if (path->len < 200)
				cairn_buf_addf(path, ".%s", k);
			scan_text(v, path->data, k, strlen(k));
			scan_schema(v, x, path, depth + 1);
			path->len = keep;
			path->data[keep] = '\0';
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, x) {
			if (path->len < 200)
				cairn_buf_addf(path, "[%zu]", i);
			scan_schema(v, x, path, depth + 1);
			path->len = keep;
			path->data[keep] = '\0';
		}
	}
}

/* ------------------------------------------------------------ listings */

/*
 * One entry of a listing.  desc: the description (NULL when none),
 * schema: what describes the input (tool inputSchema, prompt arguments),
 * extra: other texts to scan (title).
 */
static void listed(cairn_agentlog *a, uint32_t server, int kind, const char *name,
		   const json_t *desc, const json_t *schema, const json_t *title, int64_t t)
{
	uint32_t ix;
	struct itm *it;
	struct ver *v = NULL;
	char dsha[65] = "", ssha[65] = "";
	const char *d = json_string_value(desc);
	size_t dn = d ? json_string_length(desc) : 0, i;

	if (server == NONE || (ix = item_get(a, server, kind, name)) == NONE)
		return;
	it = &a->sv[server].it[ix];
	if (d)
		sha256_hex(dsha, d, dn);
	if (schema && !json_is_null(schema)) {
		char *c = json_dumps(schema, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

		if (c) {
			sha256_hex(ssha, c, strlen(c));
			free(c);
		}
	}
	for (i = 0; i < it->nv; i++)
		if (!strcmp(it->v[i].desc_sha, dsha) && !strcmp(it->v[i].schema_sha, ssha))
			v = &it->v[i];
	if (!v) {
		cairn_buf path = CAIRN_BUF_INIT;

		if (it->nv >= AL_MAX_VERSIONS) {
			it->dropped++;
			a->st.dropped++;
			return;
		}
		it->v = cairn_realloc(it->v, (it->nv + 1) * sizeof(*it->v));
		v = &it->v[it->nv++];
		memset(v, 0, sizeof(*v));
		memcpy(v->desc_sha, dsha, sizeof(dsha));
		memcpy(v->schema_sha, ssha, sizeof(ssha));
		v->first_ns = v->last_ns = -1;
		v->seq = a->seq++;
		v->desc_len = dn;
		if (d) {
			size_t keep = dn > CAIRN_WORDDIFF_MAX_TEXT ? CAIRN_WORDDIFF_MAX_TEXT : dn;

			if (a->text_total + keep <= AL_MAX_TEXT_TOTAL) {
				v->desc = cairn_strndup(d, keep);
				a->text_total += keep;
			}
			scan_text(v, "description", d, dn);
		}
		scan_text(v, "name", it->name, strlen(it->name));
		if (json_is_string(title))
			scan_text(v, "title", json_string_value(title), json_string_length(title));
		if (schema && !json_is_null(schema)) {
			cairn_buf_addstr(&path, kind == CAIRN_AGENTLOG_PROMPT ? "arguments" : "inputSchema");
			scan_schema(v, schema, &path, 0);
		}
		cairn_buf_release(&path);
	}
	v->listed++;
	if (t >= 0) {
		if (v->first_ns < 0 || t < v->first_ns)
			v->first_ns = t;
		if (t > v->last_ns)
			v->last_ns = t;
	}
}

static void listing(cairn_agentlog *a, uint32_t server, int method, const json_t *result, int64_t t)
{
	const char *key = method == AL_M_TOOLS_LIST ? "tools" :
			  method == AL_M_PROMPTS_LIST ? "prompts" :
			  method == AL_M_RESOURCES_LIST ? "resources" : "resourceTemplates";
	const json_t *arr = json_object_get(result, key);
	size_t i;

	if (server == NONE || !json_is_array(arr))
		return;
	if (method == AL_M_TOOLS_LIST)
		a->sv[server].listings++;
	for (i = 0; i < json_array_size(arr) && i < AL_MAX_LIST; i++) {
		const json_t *e = json_array_get(arr, i);
		const char *name;

		if (method == AL_M_RESOURCES_LIST)
			name = json_string_value(json_object_get(e, "uri"));
		else if (method == AL_M_TEMPLATES_LIST)
			name = json_string_value(json_object_get(e, "uriTemplate"));
		else
			name = json_string_value(json_object_get(e, "name"));
		if (!name)
			continue;
		listed(a, server,
		       method == AL_M_TOOLS_LIST ? CAIRN_AGENTLOG_TOOL :
		       method == AL_M_PROMPTS_LIST ? CAIRN_AGENTLOG_PROMPT : CAIRN_AGENTLOG_RESOURCE,
		       name, json_object_get(e, "description"),
		       method == AL_M_TOOLS_LIST ? json_object_get(e, "inputSchema") :
		       method == AL_M_PROMPTS_LIST ? json_object_get(e, "arguments") : NULL,
		       json_object_get(e, "title"), t);
	}
	if (json_array_size(arr) > AL_MAX_LIST)
		a->st.dropped += json_array_size(arr) - AL_MAX_LIST;
}

static void initialized(cairn_agentlog *a, uint32_t server, const json_t *result, int64_t t)
{
	const json_t *info = json_object_get(result, "serverInfo");
	const json_t *ins = json_object_get(result, "instructions");
	struct srv *s;

	if (server == NONE)
		return;
	s = &a->sv[server];
	if (json_is_string(json_object_get(info, "name"))) {
		free(s->info_name);
		s->info_name = name_dup(json_string_value(json_object_get(info, "name")));
	}
	if (json_is_string(json_object_get(info, "version"))) {
		free(s->info_version);
		s->info_version = name_dup(json_string_value(json_object_get(info, "version")));
	}
	if (json_is_string(ins))
		listed(a, server, CAIRN_AGENTLOG_INSTRUCTIONS, "", ins, NULL, NULL, t);
}

/* ------------------------------------------------------------ calls */

static struct row *row_get(cairn_agentlog *a, int64_t w, uint32_t server, uint32_t item)
{
	unsigned char key[16];
	long i;

	memcpy(key, &w, 8);
	memcpy(key + 8, &server, 4);
	memcpy(key + 12, &item, 4);
	i = al_map_get(&a->rowmap, key, sizeof(key));
	if (i >= 0)
		return &a->rows[i];
	if (a->nrows >= AL_MAX_ROWS) {
		a->st.dropped++;
		return NULL;
	}
	if (a->nrows == a->caprows) {
		a->caprows = a->caprows ? a->caprows * 2 : 64;
		a->rows = cairn_realloc(a->rows, a->caprows * sizeof(*a->rows));
	}
	a->rows[a->nrows] = (struct row){ w, server, item, 0, 0, -1, -1 };
	al_map_put(&a->rowmap, key, sizeof(key), (uint32_t)a->nrows);
	return &a->rows[a->nrows++];
}

static void count_call(cairn_agentlog *a, uint32_t server, uint32_t item, int64_t t)
{
	struct itm *it;
	struct row *r;

	a->st.calls++;
	if (server == NONE || item == NONE)
		return;
	it = &a->sv[server].it[item];
	it->calls++;
	if (t < 0) {
		it->untimed++;
		a->st.untimed_calls++;
		return;
	}
	if (it->first_call < 0 || t < it->first_call)
		it->first_call = t;
	if (t > it->last_call)
		it->last_call = t;
	r = row_get(a, window_of(a, t), server, item);
	if (r) {
		r->calls++;
		if (r->first < 0 || t < r->first)
			r->first = t;
		if (t > r->last)
			r->last = t;
	}
}

static void count_error(cairn_agentlog *a, uint32_t server, uint32_t item, int64_t call_t)
{
	struct row *r;

	if (server == NONE || item == NONE)
		return;
	a->sv[server].it[item].errors++;
	if (call_t >= 0 && (r = row_get(a, window_of(a, call_t), server, item)))
		r->errors++;
}

/* ------------------------------------------------------------ traffic: secrets, hosts */

struct walk {
	cairn_agentlog *a;
	uint32_t server, item;
	int dir;
	int64_t t;
	cairn_buf path;
	int nested;
};

static int secret_has_rule(const struct secret *s, const char *rule)
{
	size_t i;

	for (i = 0; i < s->nrules; i++)
		if (!strcmp(s->rules[i], rule))
			return 1;
	return 0;
}

/*
 * A value found in traffic: rule says how, name (NULL: none) under which
 * variable or JSON key, kept only when it reads as a name (letters,
 * digits, '_', '-', '.', at most 64 bytes): the byte-smallest of the names
 * it was seen under, so that the same logs always give the same one.
 */
static void record_secret(struct walk *w, const char *value, size_t len, const char *rule,
			  const char *name)
{
	cairn_agentlog *a = w->a;
	unsigned char key[SHA256_DIGEST_LENGTH + 12];
	struct secret *s;
	long i;

	/* the table is keyed by a digest of the value, held in memory only */
	SHA256((const unsigned char *)value, len, key);
	memcpy(key + SHA256_DIGEST_LENGTH, &w->server, 4);
	memcpy(key + SHA256_DIGEST_LENGTH + 4, &w->item, 4);
	memcpy(key + SHA256_DIGEST_LENGTH + 8, &w->dir, 4);
	i = al_map_get(&a->secmap, key, sizeof(key));
	OPENSSL_cleanse(key, SHA256_DIGEST_LENGTH);
	if (i < 0) {
		if (a->nsec >= AL_MAX_SECRETS) {
			a->st.dropped++;
			return;
		}
		if (a->nsec == a->capsec) {
			a->capsec = a->capsec ? a->capsec * 2 : 16;
			a->sec = cairn_realloc(a->sec, a->capsec * sizeof(*a->sec));
		}
		s = &a->sec[a->nsec];
		memset(s, 0, sizeof(*s));
		s->server = w->server;
		s->item = w->item;
		s->dir = w->dir;
		s->where = cairn_strdup(w->path.data ? w->path.data : "");
		s->length = len;
		s->first = s->last = -1;
		if (a->key)
			cairn_env_hmac(a->key, value, len, s->hmac);
		SHA256((const unsigned char *)value, len, key);
		al_map_put(&a->secmap, key, sizeof(key), (uint32_t)a->nsec);
		OPENSSL_cleanse(key, SHA256_DIGEST_LENGTH);
		i = (long)a->nsec++;
	}
	s = &a->sec[i];
	/* the place shown is the first by time, then by path: the same
	 * whatever order the files are read in */
	if (w->t >= 0 && (s->first < 0 || w->t < s->first ||
			  (w->t == s->first && strcmp(w->path.data ? w->path.data : "", s->where) < 0))) {
		free(s->where);
		s->where = cairn_strdup(w->path.data ? w->path.data : "");
	}
	if (!secret_has_rule(s, rule) && s->nrules < sizeof(s->rules) / sizeof(s->rules[0]))
		s->rules[s->nrules++] = cairn_strdup(rule);
	if (name && *name && strlen(name) <= 64 && !name[strspn(name,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")] &&
	    (!s->name || strcmp(name, s->name) < 0)) {
		free(s->name);
		s->name = cairn_strdup(name);
	}
	if (s->last_msg != a->msg)
		s->count++;
	s->last_msg = a->msg;
	if (w->t >= 0) {
		if (s->first < 0 || w->t < s->first)
			s->first = w->t;
		if (w->t > s->last)
			s->last = w->t;
	}
}

struct str_ctx {
	struct walk *w;
	const char *s;
};

static void shape_cb(void *ctx, const char *rule, size_t off, size_t len)
{
	struct str_ctx *c = ctx;
	char r[64];

	snprintf(r, sizeof(r), "shape:%s", rule);
	record_secret(c->w, c->s + off, len, r, NULL);
}

static void record_host(struct walk *w, const char *h, size_t n, int kind)
{
	cairn_agentlog *a = w->a;
	char key[300];
	size_t i, kl;
	long ix;
	struct host *x;

	if (n > 255)
		return;
	for (i = 0; i < n; i++)
		key[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
	key[n] = '\0';
	memcpy(key + n + 1, &w->server, 4);
	memcpy(key + n + 5, &w->item, 4);
	memcpy(key + n + 9, &w->dir, 4);
	kl = n + 13;
	ix = al_map_get(&a->hostmap, key, kl);
	if (ix < 0) {
		if (a->nhosts >= AL_MAX_HOSTS) {
			a->st.dropped++;
			return;
		}
		if (a->nhosts == a->caphosts) {
			a->caphosts = a->caphosts ? a->caphosts * 2 : 16;
			a->hosts = cairn_realloc(a->hosts, a->caphosts * sizeof(*a->hosts));
		}
		x = &a->hosts[a->nhosts];
		memset(x, 0, sizeof(*x));
		x->host = cairn_strndup(key, n);
		x->server = w->server;
		x->item = w->item;
		x->dir = w->dir;
		x->kind = kind;
		x->first = x->last = -1;
		al_map_put(&a->hostmap, key, kl, (uint32_t)a->nhosts);
		ix = (long)a->nhosts++;
	}
	x = &a->hosts[ix];
	if (x->last_msg != a->msg)
		x->count++;
	x->last_msg = a->msg;
	if (w->t >= 0) {
		if (x->first < 0 || w->t < x->first)
			x->first = w->t;
		if (w->t > x->last)
			x->last = w->t;
	}
}

static void dest_cb(void *ctx, int kind, size_t off, size_t len)
{
	struct str_ctx *c = ctx;
	const char *p = c->s + off;

	if (kind == CAIRN_DEST_EMAIL) {
		/* the destination of an address is its domain */
		const char *at = memchr(p, '@', len);

		if (!at)
			return;
		len -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	record_host(c->w, p, len, kind);
}

/* Tokens of a string that may be a whole secret: the string itself, the
 * runs between separators, and the part after the first '=' or ':' of a
 * run ("token=...", "Authorization:Bearer"); only lengths some watched
 * secret has are hashed. */
static int sep(unsigned char c)
{
	return c <= ' ' || c == '"' || c == '\'' || c == ',' || c == ';' || c == '&' || c == '?' ||
	       c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '|' || c == '`' || c == 0x7f;
}

static void watch_try(struct walk *w, const char *p, size_t n)
{
	cairn_agentlog *a = w->a;
	char hex[65];
	size_t i;

	if (!n || n > 4096 || !a->watch_len[n])
		return;
	cairn_env_hmac(a->key, p, n, hex);
	for (i = 0; i < a->nwatch; i++) {
		if (a->watch[i].length == n && !strcmp(a->watch[i].hmac, hex)) {
			char r[300];

			snprintf(r, sizeof(r), "snapshot:%s", a->watch[i].label);
			record_secret(w, p, n, r, NULL);
		}
	}
}

static void watch_scan(struct walk *w, const char *s, size_t n)
{
	size_t i = 0;

	watch_try(w, s, n);
	while (i < n) {
		size_t st, k;

		while (i < n && sep((unsigned char)s[i]))
			i++;
		st = i;
		while (i < n && !sep((unsigned char)s[i]))
			i++;
		if (i > st && !(st == 0 && i == n))
			watch_try(w, s + st, i - st);
		for (k = st; k < i; k++) {
			if (s[k] == '=' || s[k] == ':') {
				if (k + 1 < i)
					watch_try(w, s + k + 1, i - k - 1);
				break;
			}
		}
	}
}

/* NAME=value in text (a .env file, a command line): the value is secret
 * when the name is (envsnap's table), it has 8 bytes or more and no
 * blank. */
static void name_value_scan(struct walk *w, const char *s, size_t n)
{
	const char *eq = s, *end = s + n;

	while ((eq = memchr(eq, '=', (size_t)(end - eq)))) {
		const char *ns = eq, *ve = eq + 1;
		char name[128];
		const char *rule;

		while (ns > s && (ns[-1] == '_' || (ns[-1] >= 'A' && ns[-1] <= 'Z') ||
				  (ns[-1] >= 'a' && ns[-1] <= 'z') || (ns[-1] >= '0' && ns[-1] <= '9')))
			ns--;
		while (ve < end && !sep((unsigned char)*ve))
			ve++;
		if (eq - ns >= 2 && eq - ns < (long)sizeof(name) && ve - (eq + 1) >= 8) {
			memcpy(name, ns, (size_t)(eq - ns));
			name[eq - ns] = '\0';
			if ((rule = cairn_env_secret_rule(name))) {
				char r[64];

				snprintf(r, sizeof(r), "name:%s", rule);
				record_secret(w, eq + 1, (size_t)(ve - (eq + 1)), r, name);
			}
		}
		eq++;
	}
}

static void walk_value(struct walk *w, const json_t *v, const char *key, int depth);

static void walk_string(struct walk *w, const char *s, size_t n, const char *key)
{
	struct str_ctx c = { w, s };
	const char *rule;
	size_t i;

	cairn_secret_scan(s, n, shape_cb, &c);
	if (key && n >= 8 && (rule = cairn_env_secret_rule(key))) {
		for (i = 0; i < n && s[i] != ' ' && s[i] != '\n' && s[i] != '\t'; i++)
			;
		if (i == n) {
			char r[64];

			snprintf(r, sizeof(r), "name:%s", rule);
			record_secret(w, s, n, r, key);
		}
	}
	if (memchr(s, '=', n))
		name_value_scan(w, s, n);
	if (w->a->nwatch)
		watch_scan(w, s, n);
	cairn_dest_scan(s, n, dest_cb, &c);
	/* JSON inside a string (tool results are often JSON text): once */
	if (!w->nested && n >= 2 && n <= AL_MAX_NESTED) {
		for (i = 0; i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'); i++)
			;
		if (i < n && (s[i] == '{' || s[i] == '[')) {
			json_t *j = json_loadb(s, n, JSON_DECODE_ANY, NULL);

			if (j) {
				size_t keep = w->path.len;

				cairn_buf_addstr(&w->path, "<json>");
				w->nested = 1;
				walk_value(w, j, NULL, 0);
				w->nested = 0;
				w->path.len = keep;
				w->path.data[keep] = '\0';
				json_decref(j);
			}
		}
	}
}

static void walk_value(struct walk *w, const json_t *v, const char *key, int depth)
{
	size_t keep = w->path.len, i;
	const char *k;
	json_t *x;

	/* jansson stops parsing at depth 2048: everything parsed is walked */
	if (depth > 4096)
		return;
	if (json_is_string(v)) {
		walk_string(w, json_string_value(v), json_string_length(v), key);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x) {
			if (w->path.len < 240)
				cairn_buf_addf(&w->path, ".%s", k);
			walk_value(w, x, k, depth + 1);
			w->path.len = keep;
			w->path.data[keep] = '\0';
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (w->path.len < 240)
				cairn_buf_addf(&w->path, "[%zu]", i);
			walk_value(w, x, key, depth + 1);
			w->path.len = keep;
			w->path.data[keep] = '\0';
		}
	}
}

static void traffic(cairn_agentlog *a, uint32_t server, uint32_t item, int dir, int64_t t,
		    const char *root, const json_t *v)
{
	struct walk w;

	if (server == NONE || !v)
		return;
	memset(&w, 0, sizeof(w));
	a->msg++;
	w.a = a;
	w.server = server;
	w.item = item;
	w.dir = dir;
	w.t = t;
	cairn_buf_addstr(&w.path, root);
	walk_value(&w, v, NULL, 0);
	cairn_buf_release(&w.path);
}

int cairn_agentlog_watch_add(cairn_agentlog *a, const char *label, size_t length,
			     const char *hmac_hex)
{
	unsigned char raw[32];

	if (!a->key)
		return cairn_error_set(CAIRN_EUSAGE, "agent log: no env key to match secrets with");
	if (!hmac_hex || strlen(hmac_hex) != 64 || cairn_unhex_lower(raw, hmac_hex, 32) < 0)
		return cairn_error_set(CAIRN_EUSAGE, "agent log: bad HMAC for '%s'", label);
	if (!length || length > 4096)
		return 0;   /* never matched: no token is that long */
	a->watch = cairn_realloc(a->watch, (a->nwatch + 1) * sizeof(*a->watch));
	a->watch[a->nwatch].label = cairn_strdup(label);
	a->watch[a->nwatch].length = length;
	memcpy(a->watch[a->nwatch].hmac, hmac_hex, 65);
	a->nwatch++;
	a->watch_len[length] = 1;
	return 0;
}

static void refuse(cairn_agentlog *a, const char *why)
{
	free(a->snapshot_refused);
	a->snapshot_refused = cairn_strdup(why);
}

/* one redacted value {name, length, hmac_sha256}: "what NAME (where)" */
static int watch_value(cairn_agentlog *a, const json_t *v, const char *what, const char *where)
{
	const char *name = json_string_value(json_object_get(v, "name"));
	const char *h = json_string_value(json_object_get(v, "hmac_sha256"));
	const json_t *len = json_object_get(v, "length");
	char label[600];

	if (!name || !h || !json_is_integer(len) || json_integer_value(len) <= 0)
		return 0;
	/* only what the snapshot judged secret: the value of AWS_REGION or
	 * HOME showing up in a tool's result is no leak */
	if (!json_is_true(json_object_get(v, "secret")))
		return 0;
	snprintf(label, sizeof(label), "%s %s (%s)", what, name, where ? where : "?");
	return cairn_agentlog_watch_add(a, label, (size_t)json_integer_value(len), h) == 0;
}

int cairn_agentlog_watch_snapshot(cairn_agentlog *a, const json_t *header, const json_t *records)
{
	const json_t *opts = json_object_get(header, "options");
	const char *id = json_string_value(json_object_get(opts, "env_key_id"));
	char mine[65];
	size_t i, j;
	int n = 0;

	a->snapshot_given = 1;
	if (!a->key) {
		refuse(a, "no env key: the snapshot's secrets were not matched (give --env-key, "
			  "the key the snapshot was made with)");
		return cairn_error_set(CAIRN_ENOTFOUND, "no env key to match the snapshot's secrets with");
	}
	if (!id) {
		refuse(a, "the snapshot records no env_key_id: its secrets were not matched "
			  "(snapshot with --env-key and --env or --mcp-discover)");
		return cairn_error_set(CAIRN_ENOTFOUND, "the snapshot records no env_key_id");
	}
	cairn_env_key_id(a->key, mine);
	if (strcmp(mine, id)) {
		refuse(a, "the env key given is not the one the snapshot was made with (its id "
			  "differs from the snapshot's env_key_id): its secrets were not matched");
		return cairn_error_set(CAIRN_EVERIFY, "the env key's id differs from the snapshot's "
				       "env_key_id: secrets not matched");
	}
	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const char *type = json_string_value(json_object_get(r, "type"));

		if (!type)
			continue;
		if (!strcmp(type, "env")) {
			n += watch_value(a, r, "env", json_string_value(json_object_get(r, "source")));
		} else if (!strcmp(type, "mcp_server")) {
			const char *srv = json_string_value(json_object_get(r, "server"));
			const char *cfg = json_string_value(json_object_get(r, "config"));
			char where[520];

			snprintf(where, sizeof(where), "server %.200s, %.300s", srv ? srv : "?", cfg ? cfg : "?");
			for (j = 0; j < json_array_size(json_object_get(r, "env")); j++)
				n += watch_value(a, json_array_get(json_object_get(r, "env"), j), "mcp env", where);
			for (j = 0; j < json_array_size(json_object_get(r, "headers")); j++)
				n += watch_value(a, json_array_get(json_object_get(r, "headers"), j), "mcp header",
						 where);
		}
	}
	return n;
}

/* ------------------------------------------------------------ messages */

static int method_of(const char *m)
{
	if (!m)
		return AL_M_OTHER;
	if (!strcmp(m, "initialize"))
		return AL_M_INITIALIZE;
	if (!strcmp(m, "tools/list"))
		return AL_M_TOOLS_LIST;
	if (!strcmp(m, "tools/call"))
		return AL_M_TOOLS_CALL;
	if (!strcmp(m, "prompts/list"))
		return AL_M_PROMPTS_LIST;
	if (!strcmp(m, "resources/list"))
		return AL_M_RESOURCES_LIST;
	if (!strcmp(m, "resources/templates/list"))
		return AL_M_TEMPLATES_LIST;
	return AL_M_OTHER;
}

void al_stream_init(struct al_stream *s, cairn_agentlog *a, int kind, const char *label)
{
	memset(s, 0, sizeof(*s));
	s->a = a;
	s->label = label;
	s->f = al_new_file(a, label, kind);
	al_map_init(&s->pending);
	a->cur_label = label;
}

void al_stream_release(struct al_stream *s)
{
	al_map_release(&s->pending);
	free(s->pend);
	free(s->default_server);
}

/* the key of a request in flight: server, who sent it, its id */
static size_t pend_key(cairn_buf *b, uint32_t server, int dir, const json_t *id)
{
	cairn_buf_clear(b);
	cairn_buf_add(b, &server, 4);
	cairn_buf_addch(b, dir == AL_DIR_TO_CLIENT ? 's' : 'c');
	if (json_is_string(id))
		cairn_buf_add(b, json_string_value(id), json_string_length(id));
	else if (json_is_integer(id))
		cairn_buf_addf(b, "#%" JSON_INTEGER_FORMAT, json_integer_value(id));
	else
		return 0;
	return b->len;
}

/* Drop the answered requests from the table (their slots are not
 * reused otherwise): a long log has any number of requests, only the ones
 * in flight are kept.  Compacting costs the whole table, so it runs only
 * when it frees an eighth of it: a log that keeps the table full of
 * unanswered requests (a hostile one can) would otherwise rebuild it for
 * every new request, quadratic in the log's length. */
static void pend_compact(struct al_stream *s)
{
	struct al_map old = s->pending;
	struct al_pending *v = cairn_malloc(s->cappend * sizeof(*v));
	size_t i, n = 0;

	al_map_init(&s->pending);
	for (i = 0; i < old.cap; i++) {
		if (!old.key[i] || !s->pend[old.val[i]].used)
			continue;
		v[n] = s->pend[old.val[i]];
		al_map_put(&s->pending, old.key[i], old.klen[i], (uint32_t)n);
		n++;
	}
	free(s->pend);
	s->pend = v;
	s->npend = n;
	s->nanswered = 0;
	al_map_release(&old);
}

static void pend_put(struct al_stream *s, cairn_buf *key, struct al_pending p)
{
	long i = al_map_get(&s->pending, key->data, key->len);

	if (i < 0) {
		if (s->npend >= AL_MAX_PENDING && s->nanswered >= AL_MAX_PENDING / 8)
			pend_compact(s);
		if (s->npend >= AL_MAX_PENDING) {
			s->a->st.dropped++;
			return;
		}
		if (s->npend == s->cappend) {
			s->cappend = s->cappend ? s->cappend * 2 : 64;
			s->pend = cairn_realloc(s->pend, s->cappend * sizeof(*s->pend));
		}
		i = (long)s->npend++;
		al_map_put(&s->pending, key->data, key->len, (uint32_t)i);
	} else if (!s->pend[i].used) {
		s->nanswered--;         /* the same id asked again */
	}
	p.used = 1;
	s->pend[i] = p;
}

static struct al_pending *pend_take(struct al_stream *s, cairn_buf *key)
{
	long i = al_map_get(&s->pending, key->data, key->len);

	if (i < 0 || !s->pend[i].used)
		return NULL;
	s->pend[i].used = 0;
	s->nanswered++;
	return &s->pend[i];
}

/* Requests a server sends (the others come from the client). */
static int server_request(const char *m)
{
	return m && (!strncmp(m, "sampling/", 9) || !strncmp(m, "roots/", 6) ||
		     !strncmp(m, "elicitation/", 12));
}

void al_jsonrpc(struct al_stream *s, const char *server, int dir, int64_t t, json_t *msg)
{
	cairn_agentlog *a = s->a;
	const char *method = json_string_value(json_object_get(msg, "method"));
	const json_t *id = json_object_get(msg, "id");
	uint32_t sv;
	cairn_buf key = CAIRN_BUF_INIT;

	if (!json_is_object(msg))
		return;
	if (!al_time_ok(t))
		t = -1;
	if (t < 0)
		s->f->untimed++;
	seen_time(a, s->f, t);
	s->f->messages++;
	a->st.messages++;
	sv = server_get(a, server ? server : s->default_server ? s->default_server : "?",
			s->f->kind);
	if (sv == NONE)
		return;
	if (method) {
		int req_dir = dir != AL_DIR_UNKNOWN ? dir :
			      server_request(method) ? AL_DIR_TO_CLIENT : AL_DIR_TO_SERVER;
		int m = method_of(method);
		struct al_pending p = { 0, m, sv, NONE, t };

		if (m == AL_M_TOOLS_CALL && req_dir == AL_DIR_TO_SERVER) {
			const json_t *params = json_object_get(msg, "params");
			const char *tool = json_string_value(json_object_get(params, "name"));

			if (tool) {
				p.item = item_get(a, sv, CAIRN_AGENTLOG_TOOL, tool);
				count_call(a, sv, p.item, t);
				traffic(a, sv, p.item, CAIRN_AGENTLOG_ARGS, t, "arguments",
					json_object_get(params, "arguments"));
			} else {
				a->sv[sv].unnamed_calls++;
			}
		}
		if (id && !json_is_null(id) && pend_key(&key, sv, req_dir, id))
			pend_put(s, &key, p);
	} else if (id && (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
		/* a response travels the other way from its request */
		int req_dir = dir == AL_DIR_TO_CLIENT ? AL_DIR_TO_SERVER :
			      dir == AL_DIR_TO_SERVER ? AL_DIR_TO_CLIENT : AL_DIR_TO_SERVER;
		struct al_pending *p = pend_key(&key, sv, req_dir, id) ? pend_take(s, &key) : NULL;
		const json_t *result = json_object_get(msg, "result");

		if (!p && dir == AL_DIR_UNKNOWN && pend_key(&key, sv, AL_DIR_TO_CLIENT, id))
			p = pend_take(s, &key);
		if (!p) {
			a->st.unpaired_results++;
			/* a log that starts mid-session: a tool list is still a tool list */
			if (json_is_array(json_object_get(result, "tools")))
				listing(a, sv, AL_M_TOOLS_LIST, result, t);
		} else if (p->method == AL_M_TOOLS_CALL) {
			a->st.results++;
			if (json_object_get(msg, "error") ||
			    json_is_true(json_object_get(result, "isError")))
				count_error(a, sv, p->item, p->t_ns);
			traffic(a, sv, p->item, CAIRN_AGENTLOG_RESULT, t, "result",
				result ? result : json_object_get(msg, "error"));
		} else if (p->method == AL_M_INITIALIZE && result) {
			initialized(a, sv, result, t);
		} else if (result && p->method != AL_M_OTHER) {
			listing(a, sv, p->method, result, t);
		}
	}
	cairn_buf_release(&key);
}

void al_unbodied(struct al_stream *s, const char *server, int dir, int64_t t, const char *method)
{
	cairn_agentlog *a = s->a;
	uint32_t sv;

	if (!al_time_ok(t))
		t = -1;
	seen_time(a, s->f, t);
	s->f->unbodied++;
	a->st.unbodied++;
	sv = server_get(a, server, s->f->kind);
	if (sv != NONE && dir == AL_DIR_TO_SERVER && method && !strcmp(method, "tools/call"))
		a->sv[sv].unnamed_calls++;
}

/* ------------------------------------------------------------ transcripts */

/* "mcp__<server>__<tool>": the server is up to the next "__" */
static int mcp_name(const char *n, char *server, size_t cap, const char **tool)
{
	const char *e;

	if (strncmp(n, "mcp__", 5))
		return 0;
	n += 5;
	e = strstr(n, "__");
	if (!e || e == n || !e[2] || (size_t)(e - n) >= cap)
		return 0;
	memcpy(server, n, (size_t)(e - n));
	server[e - n] = '\0';
	*tool = e + 2;
	return 1;
}

void al_transcript(struct al_stream *s, json_t *line)
{
	cairn_agentlog *a = s->a;
	const char *type = json_string_value(json_object_get(line, "type"));
	const json_t *content = json_object_get(json_object_get(line, "message"), "content");
	int64_t t = al_parse_time(json_object_get(line, "timestamp"));
	cairn_buf key = CAIRN_BUF_INIT;
	size_t i;

	if (!type || (strcmp(type, "assistant") && strcmp(type, "user")) || !json_is_array(content))
		return;
	if (!al_time_ok(t))
		t = -1;
	for (i = 0; i < json_array_size(content); i++) {
		const json_t *b = json_array_get(content, i);
		const char *bt = json_string_value(json_object_get(b, "type"));
		char server[AL_MAX_NAME + 1];
		const char *tool;

		if (!bt)
			continue;
		if (!strcmp(bt, "tool_use")) {
			const char *name = json_string_value(json_object_get(b, "name"));
			const json_t *id = json_object_get(b, "id");
			struct al_pending p = { 0, AL_M_TOOLS_CALL, NONE, NONE, t };

			s->f->messages++;
			a->st.messages++;
			seen_time(a, s->f, t);
			if (t < 0)
				s->f->untimed++;
			if (!name || !mcp_name(name, server, sizeof(server), &tool)) {
				/* the client's own tool: its result is known, not read */
				a->st.builtin_calls++;
				if (json_is_string(id)) {
					cairn_buf_clear(&key);
					cairn_buf_addstr(&key, json_string_value(id));
					pend_put(s, &key, p);
				}
				continue;
			}
			p.server = server_get(a, server, s->f->kind);
			if (p.server == NONE)
				continue;
			p.item = item_get(a, p.server, CAIRN_AGENTLOG_TOOL, tool);
			count_call(a, p.server, p.item, t);
			traffic(a, p.server, p.item, CAIRN_AGENTLOG_ARGS, t, "arguments",
				json_object_get(b, "input"));
			if (json_is_string(id)) {
				cairn_buf_clear(&key);
				cairn_buf_addstr(&key, json_string_value(id));
				pend_put(s, &key, p);
			}
		} else if (!strcmp(bt, "tool_result")) {
			const json_t *id = json_object_get(b, "tool_use_id");
			const json_t *rc = json_object_get(b, "content");
			struct al_pending *p = NULL;
			size_t k;

			if (json_is_string(id)) {
				cairn_buf_clear(&key);
				cairn_buf_addstr(&key, json_string_value(id));
				p = pend_take(s, &key);
			}
			/* tool_reference blocks name MCP tools the session found */
			for (k = 0; k < json_array_size(rc); k++) {
				const json_t *x = json_array_get(rc, k);
				const char *n = json_string_value(json_object_get(x, "tool_name"));

				if (n && mcp_name(n, server, sizeof(server), &tool)) {
					uint32_t sv = server_get(a, server, s->f->kind);

					if (sv != NONE)
						item_get(a, sv, CAIRN_AGENTLOG_TOOL, tool);
				}
			}
			if (!p) {
				a->st.unpaired_results++;
				continue;
			}
			if (p->server == NONE)
				continue;   /* a built-in tool's result */
			a->st.results++;
			if (json_is_true(json_object_get(b, "is_error")))
				count_error(a, p->server, p->item, p->t_ns);
			/* the MCP result's content, as the JSON-RPC logs name it */
			traffic(a, p->server, p->item, CAIRN_AGENTLOG_RESULT, t, "result.content", rc);
		}
	}
	cairn_buf_release(&key);
}

/*
 * A transcript line that only answers the client's own tools (the bulk of
 * a session: file contents, command output) is not parsed: every
 * "tool_use_id":"<id>" in it (quotes unescaped: a key, not text inside a
 * string) is a pending built-in call or an unknown one.  1 when the line
 * was settled so, 0 when it needs the full parse.
 */
int al_transcript_skip(struct al_stream *s, const char *line, size_t n)
{
	static const char pat[] = "\"tool_use_id\":\"";
	const char *p = line, *end = line + n;
	cairn_buf key = CAIRN_BUF_INIT;
	size_t found = 0, i;
	int skip = 1;
	struct { size_t off, len; } ids[16];

	if (memmem(line, n, "\"tool_reference\"", 16) || memmem(line, n, "\"tool_use\"", 10))
		return 0;
	while ((p = memmem(p, (size_t)(end - p), pat, sizeof(pat) - 1))) {
		const char *q = p + sizeof(pat) - 1, *e = memchr(q, '"', (size_t)(end - q));

		if (!e || memchr(q, '\\', (size_t)(e - q)) || found == sizeof(ids) / sizeof(ids[0]))
			return 0;
		ids[found].off = (size_t)(q - line);
		ids[found].len = (size_t)(e - q);
		found++;
		p = e;
	}
	if (!found)
		return 0;
	for (i = 0; i < found && skip; i++) {
		long k;

		cairn_buf_clear(&key);
		cairn_buf_add(&key, line + ids[i].off, ids[i].len);
		k = al_map_get(&s->pending, key.data, key.len);
		if (k >= 0 && s->pend[k].used && s->pend[k].server != NONE)
			skip = 0;   /* an MCP tool's result: read it */
	}
	if (skip) {
		for (i = 0; i < found; i++) {
			long k;

			cairn_buf_clear(&key);
			cairn_buf_add(&key, line + ids[i].off, ids[i].len);
			k = al_map_get(&s->pending, key.data, key.len);
			if (k >= 0 && s->pend[k].used)
				s->pend[k].used = 0;
			else
				s->a->st.unpaired_results++;
		}
	}
	cairn_buf_release(&key);
	return skip;
}

/* ------------------------------------------------------------ finish */

/* qsort() wants a non-NULL base even for no elements */
static void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int ver_cmp(const void *x, const void *y)
{
	const struct ver *a = x, *b = y;

	/* untimed listings keep their reading order, before timed ones */
	if ((a->first_ns < 0) != (b->first_ns < 0))
		return a->first_ns < 0 ? -1 : 1;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int item_cmp(const void *x, const void *y)
{
	const struct cairn_agentlog_item *a = x, *b = y;

	if (a->kind != b->kind)
		return a->kind - b->kind;
	return strcmp(a->name, b->name);
}

static int server_cmp(const void *x, const void *y)
{
	return strcmp(((const struct cairn_agentlog_server *)x)->name,
		      ((const struct cairn_agentlog_server *)y)->name);
}

static int tcmp(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int change_cmp(const void *x, const void *y)
{
	const struct cairn_agentlog_change *a = x, *b = y;
	int c = tcmp(a->time_ns, b->time_ns);

	if (!c)
		c = strcmp(a->server, b->server);
	if (!c)
		c = a->kind - b->kind;
	if (!c)
		c = strcmp(a->item, b->item);
	if (!c)
		c = strcmp(a->new_description_sha256 ? a->new_description_sha256 : "",
			   b->new_description_sha256 ? b->new_description_sha256 : "");
	if (!c)
		c = strcmp(a->new_schema_sha256 ? a->new_schema_sha256 : "",
			   b->new_schema_sha256 ? b->new_schema_sha256 : "");
	return c;
}

static int window_cmp(const void *x, const void *y)
{
	const struct cairn_agentlog_window *a = x, *b = y;
	int c = tcmp(a->window_ns, b->window_ns);

	if (!c)
		c = strcmp(a->server, b->server);
	if (!c)
		c = strcmp(a->tool, b->tool);
	return c;
}

static int secret_cmp(const void *x, const void *y)
{
	const struct cairn_agentlog_secret *a = x, *b = y;
	int c = tcmp(a->first_ns, b->first_ns);

	if (!c)
		c = strcmp(a->server, b->server);
	if (!c)
		c = strcmp(a->tool ? a->tool : "", b->tool ? b->tool : "");
	if (!c)
		c = a->direction - b->direction;
	if (!c)
		c = strcmp(a->where, b->where);
	if (!c)
		c = tcmp((int64_t)a->length, (int64_t)b->length);
	if (!c)
		c = strcmp(a->hmac_sha256 ? a->hmac_sha256 : "", b->hmac_sha256 ? b->hmac_sha256 : "");
	if (!c)
		c = strcmp(a->rule_count ? a->rules[0] : "", b->rule_count ? b->rules[0] : "");
	return c;
}

static int host_cmp(const void *x, const void *y)
{
	const struct cairn_agentlog_host *a = x, *b = y;
	int c = strcmp(a->host, b->host);

	if (!c)
		c = strcmp(a->server, b->server);
	if (!c)
		c = strcmp(a->tool ? a->tool : "", b->tool ? b->tool : "");
	if (!c)
		c = a->direction - b->direction;
	return c;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? cairn_strdup(s) : NULL;
}

static const char *tool_name(const cairn_agentlog *a, uint32_t server, uint32_t item)
{
	return item == NONE ? NULL : a->sv[server].it[item].name;
}

/* Tool shadowing: a description that names a tool of another server.
 * Only names that read as identifiers (with '_', '-' or a digit) count:
 * "search" or "echo" in prose are words. */
static void shadowing(cairn_agentlog *a)
{
	struct al_map names;
	size_t s, i, k;

	al_map_init(&names);
	for (s = 0; s < a->nsv; s++)
		for (i = 0; i < a->sv[s].nit; i++) {
			const char *n = a->sv[s].it[i].name;
			long prev;

			if (a->sv[s].it[i].kind != CAIRN_AGENTLOG_TOOL || strlen(n) < 4 ||
			    !strpbrk(n, "_-0123456789"))
				continue;
			prev = al_map_get(&names, n, strlen(n));
			/* the same name on two servers: remember that it is shared */
			al_map_put(&names, n, strlen(n), prev >= 0 && (size_t)prev != s ? NONE : (uint32_t)s);
		}
	for (s = 0; s < a->nsv; s++)
		for (i = 0; i < a->sv[s].nit; i++)
			for (k = 0; k < a->sv[s].it[i].nv; k++) {
				struct ver *v = &a->sv[s].it[i].v[k];
				const char *d = v->desc;
				size_t n = d ? strlen(d) : 0, j = 0;

				while (j < n) {
					size_t st;
					long owner;

					while (j < n && !(isalnum((unsigned char)d[j]) || d[j] == '_' || d[j] == '-'))
						j++;
					st = j;
					while (j < n && (isalnum((unsigned char)d[j]) || d[j] == '_' || d[j] == '-'))
						j++;
					if (j - st < 4)
						continue;
					owner = al_map_get(&names, d + st, j - st);
					if (owner >= 0 && (uint32_t)owner != NONE && (size_t)owner != s) {
						char where[AL_MAX_NAME + 64];

						snprintf(where, sizeof(where), "description (names %s/%.*s)",
							 a->sv[owner].name, (int)(j - st), d + st);
						add_hit(v, "tool-shadowing", where, d, n, st, j - st);
					}
				}
			}
	al_map_release(&names);
}

int cairn_agentlog_finish(cairn_agentlog_result **out, cairn_agentlog *a)
{
	cairn_agentlog_result *r = cairn_calloc(1, sizeof(*r));
	size_t s, i, k, nch = 0, capch = 0;
	int64_t earliest = -1;

	shadowing(a);
	r->window_ns = a->window;
	r->stats = a->st;
	r->hmac_key = a->key != NULL;
	r->watch_count = (int)a->nwatch;
	r->snapshot_given = a->snapshot_given;
	r->snapshot_refused = a->snapshot_refused;
	a->snapshot_refused = NULL;
	/* files */
	r->files = a->files;
	r->file_count = a->nfiles;
	a->files = NULL;
	a->nfiles = 0;
	for (i = 0; i < r->file_count; i++) {
		r->stats.lines += r->files[i].lines;
		r->stats.malformed += r->files[i].malformed;
		r->stats.oversized += r->files[i].oversized;
	}
	/* earliest window with a call */
	for (i = 0; i < a->nrows; i++)
		if (earliest < 0 || a->rows[i].window < earliest)
			earliest = a->rows[i].window;
	/* servers and items */
	r->server_count = a->nsv;
	r->servers = cairn_calloc(a->nsv, sizeof(*r->servers));
	for (s = 0; s < a->nsv; s++) {
		struct srv *sv = &a->sv[s];
		struct cairn_agentlog_server *o = &r->servers[s];
		int kind;

		o->name = cairn_strdup(sv->name);
		o->info_name = sv->info_name ? cairn_strdup(sv->info_name) : NULL;
		o->info_version = sv->info_version ? cairn_strdup(sv->info_version) : NULL;
		for (kind = 1; kind <= 3; kind++)
			if (sv->kinds & (1u << kind)) {
				o->kinds = cairn_realloc(o->kinds, (o->kind_count + 1) * sizeof(char *));
				o->kinds[o->kind_count++] = cairn_strdup(cairn_agentlog_kind_name(kind));
			}
		sort_n(o->kinds, o->kind_count, sizeof(char *), str_cmp);
		o->listings = sv->listings;
		o->unnamed_calls = sv->unnamed_calls;
		o->item_count = sv->nit;
		o->items = cairn_calloc(sv->nit, sizeof(*o->items));
		for (i = 0; i < sv->nit; i++) {
			struct itm *it = &sv->it[i];
			struct cairn_agentlog_item *oi = &o->items[i];

			oi->kind = it->kind;
			oi->name = cairn_strdup(it->name);
			oi->calls = it->calls;
			oi->errors = it->errors;
			oi->untimed_calls = it->untimed;
			oi->first_call_ns = it->first_call;
			oi->last_call_ns = it->last_call;
			oi->versions_dropped = it->dropped;
			oi->expected = -1;
			oi->is_new = it->first_call >= 0 && earliest >= 0 &&
				     window_of(a, it->first_call) > earliest;
			sort_n(it->v, it->nv, sizeof(*it->v), ver_cmp);
			oi->version_count = it->nv;
			oi->versions = cairn_calloc(it->nv, sizeof(*oi->versions));
			for (k = 0; k < it->nv; k++) {
				struct ver *v = &it->v[k];
				struct cairn_agentlog_version *ov = &oi->versions[k];
				size_t h;

				ov->description_sha256 = dup_or_null(v->desc_sha);
				ov->schema_sha256 = dup_or_null(v->schema_sha);
				ov->description_length = v->desc_len;
				ov->description = v->desc ? cairn_strdup(v->desc) : NULL;
				ov->first_ns = v->first_ns;
				ov->last_ns = v->last_ns;
				ov->listed = v->listed;
				ov->hit_count = v->nhits;
				ov->hits = cairn_calloc(v->nhits, sizeof(*ov->hits));
				for (h = 0; h < v->nhits; h++) {
					ov->hits[h].rule = cairn_strdup(v->hits[h].rule);
					ov->hits[h].where = cairn_strdup(v->hits[h].where);
					ov->hits[h].offset = v->hits[h].offset;
					ov->hits[h].excerpt = cairn_strdup(v->hits[h].excerpt);
				}
				/* a change: each version against the one listed before it
				 * (a change back to an old version shows in first/last seen) */
				if (k > 0) {
					struct cairn_agentlog_change *c;
					const struct ver *o0 = &it->v[k - 1];

					if (nch == capch) {
						capch = capch ? capch * 2 : 16;
						r->changes = cairn_realloc(r->changes, capch * sizeof(*r->changes));
					}
					c = &r->changes[nch++];
					memset(c, 0, sizeof(*c));
					c->server = cairn_strdup(sv->name);
					c->item = cairn_strdup(it->name);
					c->kind = it->kind;
					c->time_ns = v->first_ns;
					c->old_description_sha256 = dup_or_null(o0->desc_sha);
					c->new_description_sha256 = dup_or_null(v->desc_sha);
					c->old_schema_sha256 = dup_or_null(o0->schema_sha);
					c->new_schema_sha256 = dup_or_null(v->schema_sha);
					if (strcmp(o0->desc_sha, v->desc_sha) && o0->desc && v->desc) {
						cairn_buf b = CAIRN_BUF_INIT;

						cairn_worddiff(&b, o0->desc, strlen(o0->desc), v->desc, strlen(v->desc));
						c->diff = cairn_buf_detach(&b, NULL);
					}
				}
			}
		}
		sort_n(o->items, o->item_count, sizeof(*o->items), item_cmp);
	}
	r->change_count = nch;
	/* windows */
	r->window_count = a->nrows;
	r->windows = cairn_calloc(a->nrows, sizeof(*r->windows));
	for (i = 0; i < a->nrows; i++) {
		struct cairn_agentlog_window *w = &r->windows[i];
		const struct row *x = &a->rows[i];

		w->window_ns = x->window;
		w->server = cairn_strdup(a->sv[x->server].name);
		w->tool = cairn_strdup(a->sv[x->server].it[x->item].name);
		w->calls = x->calls;
		w->errors = x->errors;
		w->first_ns = x->first;
		w->last_ns = x->last;
	}
	/* secrets */
	r->secret_count = a->nsec;
	r->secrets = cairn_calloc(a->nsec, sizeof(*r->secrets));
	for (i = 0; i < a->nsec; i++) {
		struct cairn_agentlog_secret *o = &r->secrets[i];
		const struct secret *x = &a->sec[i];

		o->server = cairn_strdup(a->sv[x->server].name);
		o->tool = x->item == NONE ? NULL : cairn_strdup(tool_name(a, x->server, x->item));
		o->direction = x->dir;
		o->where = cairn_strdup(x->where);
		o->name = x->name ? cairn_strdup(x->name) : NULL;
		o->rule_count = x->nrules;
		o->rules = cairn_calloc(x->nrules, sizeof(char *));
		for (k = 0; k < x->nrules; k++)
			o->rules[k] = cairn_strdup(x->rules[k]);
		sort_n(o->rules, o->rule_count, sizeof(char *), str_cmp);
		o->length = x->length;
		o->hmac_sha256 = x->hmac[0] ? cairn_strdup(x->hmac) : NULL;
		o->count = x->count;
		o->first_ns = x->first;
		o->last_ns = x->last;
	}
	/* hosts */
	r->host_count = a->nhosts;
	r->hosts = cairn_calloc(a->nhosts, sizeof(*r->hosts));
	for (i = 0; i < a->nhosts; i++) {
		struct cairn_agentlog_host *o = &r->hosts[i];
		const struct host *x = &a->hosts[i];

		o->host = cairn_strdup(x->host);
		o->server = cairn_strdup(a->sv[x->server].name);
		o->tool = x->item == NONE ? NULL : cairn_strdup(tool_name(a, x->server, x->item));
		o->direction = x->dir;
		o->kind = x->kind;
		o->count = x->count;
		o->first_ns = x->first;
		o->last_ns = x->last;
		o->allowed = -1;
	}
	r->warning_count = a->nwarnings;
	r->warnings = a->warnings;
	a->warnings = NULL;
	a->nwarnings = 0;
	if (a->warnings_dropped) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%llu more warnings not shown",
			 (unsigned long long)a->warnings_dropped);
		r->warnings = cairn_realloc(r->warnings, (r->warning_count + 1) * sizeof(char *));
		r->warnings[r->warning_count++] = cairn_strdup(msg);
	}
	sort_n(r->servers, r->server_count, sizeof(*r->servers), server_cmp);
	sort_n(r->changes, r->change_count, sizeof(*r->changes), change_cmp);
	sort_n(r->windows, r->window_count, sizeof(*r->windows), window_cmp);
	sort_n(r->secrets, r->secret_count, sizeof(*r->secrets), secret_cmp);
	sort_n(r->hosts, r->host_count, sizeof(*r->hosts), host_cmp);
	*out = r;
	return 0;
}

void cairn_agentlog_result_free(cairn_agentlog_result *r)
{
	size_t i, j, k, h;

	if (!r)
		return;
	for (i = 0; i < r->file_count; i++)
		free(r->files[i].path);
	free(r->files);
	for (i = 0; i < r->server_count; i++) {
		struct cairn_agentlog_server *s = &r->servers[i];

		free(s->name);
		free(s->info_name);
		free(s->info_version);
		for (j = 0; j < s->kind_count; j++)
			free(s->kinds[j]);
		free(s->kinds);
		for (j = 0; j < s->item_count; j++) {
			struct cairn_agentlog_item *it = &s->items[j];

			for (k = 0; k < it->version_count; k++) {
				struct cairn_agentlog_version *v = &it->versions[k];

				free(v->description_sha256);
				free(v->schema_sha256);
				free(v->description);
				for (h = 0; h < v->hit_count; h++) {
					free(v->hits[h].rule);
					free(v->hits[h].where);
					free(v->hits[h].excerpt);
				}
				free(v->hits);
			}
			free(it->versions);
			free(it->name);
		}
		free(s->items);
	}
	free(r->servers);
	for (i = 0; i < r->change_count; i++) {
		struct cairn_agentlog_change *c = &r->changes[i];

		free(c->server);
		free(c->item);
		free(c->old_description_sha256);
		free(c->new_description_sha256);
		free(c->old_schema_sha256);
		free(c->new_schema_sha256);
		free(c->diff);
	}
	free(r->changes);
	for (i = 0; i < r->window_count; i++) {
		free(r->windows[i].server);
		free(r->windows[i].tool);
	}
	free(r->windows);
	for (i = 0; i < r->secret_count; i++) {
		free(r->secrets[i].server);
		free(r->secrets[i].tool);
		free(r->secrets[i].where);
		free(r->secrets[i].name);
		for (j = 0; j < r->secrets[i].rule_count; j++)
			free(r->secrets[i].rules[j]);
		free(r->secrets[i].rules);
		free(r->secrets[i].hmac_sha256);
	}
	free(r->secrets);
	for (i = 0; i < r->host_count; i++) {
		free(r->hosts[i].host);
		free(r->hosts[i].server);
		free(r->hosts[i].tool);
	}
	free(r->hosts);
	for (i = 0; i < r->warning_count; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r->snapshot_refused);
	free(r);
}

/* ------------------------------------------------------------ expect, allow */

struct cairn_agentlog_expect {
	char **server;   /* NULL entry: any server */
	char **tool;     /* NULL entry: any tool of that server */
	size_t n;
};

int cairn_agentlog_expect_parse(cairn_agentlog_expect **out, const char *text, size_t len,
				const char *origin)
{
	cairn_agentlog_expect *e = cairn_calloc(1, sizeof(*e));
	size_t pos = 0, line = 0;

	*out = NULL;
	while (pos < len) {
		const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos, b = 0, t;
		const char *hash, *slash;
		char *entry;

		pos += n + (nl ? 1 : 0);
		line++;
		hash = memchr(p, '#', n);
		if (hash)
			n = (size_t)(hash - p);
		while (b < n && (p[b] == ' ' || p[b] == '\t' || p[b] == '\r'))
			b++;
		while (n > b && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		if (n == b)
			continue;
		entry = cairn_strndup(p + b, n - b);
		for (t = 0; entry[t]; t++)
			if (entry[t] == ' ' || entry[t] == '\t' || (unsigned char)entry[t] < 0x20) {
				free(entry);
				cairn_agentlog_expect_free(e);
				return cairn_error_set(CAIRN_EFORMAT, "expected tools '%s': line %zu: "
						       "one server/tool, server/* or tool per line", origin, line);
			}
		if (strlen(entry) != n - b) {
			free(entry);
			cairn_agentlog_expect_free(e);
			return cairn_error_set(CAIRN_EFORMAT, "expected tools '%s': line %zu: NUL byte",
					       origin, line);
		}
		slash = strchr(entry, '/');
		e->server = cairn_realloc(e->server, (e->n + 1) * sizeof(char *));
		e->tool = cairn_realloc(e->tool, (e->n + 1) * sizeof(char *));
		if (slash) {
			if (slash == entry || !slash[1] || strchr(slash + 1, '/')) {
				free(entry);
				cairn_agentlog_expect_free(e);
				return cairn_error_set(CAIRN_EFORMAT, "expected tools '%s': line %zu: "
						       "one server/tool, server/* or tool per line", origin, line);
			}
			e->server[e->n] = cairn_strndup(entry, (size_t)(slash - entry));
			e->tool[e->n] = strcmp(slash + 1, "*") ? cairn_strdup(slash + 1) : NULL;
			free(entry);
		} else {
			e->server[e->n] = NULL;
			e->tool[e->n] = entry;
		}
		e->n++;
	}
	*out = e;
	return 0;
}

int cairn_agentlog_expect_load(cairn_agentlog_expect **out, const char *path)
{
	FILE *f;
	cairn_buf b = CAIRN_BUF_INIT;
	char chunk[65536];
	size_t n;
	int rc;

	*out = NULL;
	f = fopen(path, "rbe");
	if (!f)
		return cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		cairn_buf_add(&b, chunk, n);
		if (b.len > (16u << 20)) {
			fclose(f);
			cairn_buf_release(&b);
			return cairn_error_set(CAIRN_ELIMIT, "expected tools '%s': over 16 MiB", path);
		}
	}
	if (ferror(f)) {
		fclose(f);
		cairn_buf_release(&b);
		return cairn_error_set(CAIRN_EIO, "cannot read '%s'", path);
	}
	fclose(f);
	rc = cairn_agentlog_expect_parse(out, b.data ? b.data : "", b.len, path);
	cairn_buf_release(&b);
	return rc;
}

void cairn_agentlog_expect_free(cairn_agentlog_expect *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->n; i++) {
		free(e->server[i]);
		free(e->tool[i]);
	}
	free(e->server);
	free(e->tool);
	free(e);
}

static int expected(const cairn_agentlog_expect *e, const char *server, const char *tool)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if ((!e->server[i] || !strcmp(e->server[i], server)) &&
		    (!e->tool[i] || !strcmp(e->tool[i], tool)))
			return 1;
	return 0;
}

size_t cairn_agentlog_result_apply_expect(cairn_agentlog_result *r, const cairn_agentlog_expect *e)
{
	size_t i, j, bad = 0;

	r->expect_applied = 1;
	for (i = 0; i < r->server_count; i++)
		for (j = 0; j < r->servers[i].item_count; j++) {
			struct cairn_agentlog_item *it = &r->servers[i].items[j];

			if (it->kind != CAIRN_AGENTLOG_TOOL || !it->calls)
				continue;
			it->expected = expected(e, r->servers[i].name, it->name);
			if (!it->expected)
				bad++;
		}
	return bad;
}

size_t cairn_agentlog_result_unexpected(const cairn_agentlog_result *r)
{
	size_t i, j, bad = 0;

	for (i = 0; i < r->server_count; i++)
		for (j = 0; j < r->servers[i].item_count; j++)
			if (r->servers[i].items[j].expected == 0)
				bad++;
	return bad;
}

size_t cairn_agentlog_result_apply_allow(cairn_agentlog_result *r,
					 int (*allow)(void *ctx, const char *host), void *ctx)
{
	size_t i;

	r->allow_applied = 1;
	for (i = 0; i < r->host_count; i++)
		r->hosts[i].allowed = allow(ctx, r->hosts[i].host) ? 1 : 0;
	return cairn_agentlog_result_unlisted(r);
}

size_t cairn_agentlog_result_unlisted(const cairn_agentlog_result *r)
{
	size_t i, bad = 0;

	for (i = 0; i < r->host_count; i++)
		if (r->hosts[i].allowed == 0 && r->hosts[i].direction == CAIRN_AGENTLOG_ARGS)
			bad++;
	return bad;
}

size_t cairn_agentlog_result_findings(const cairn_agentlog_result *r)
{
	size_t n = cairn_agentlog_result_unexpected(r) + cairn_agentlog_result_unlisted(r) +
		   r->change_count + r->secret_count, i, j, k;

	for (i = 0; i < r->server_count; i++)
		for (j = 0; j < r->servers[i].item_count; j++)
			for (k = 0; k < r->servers[i].items[j].version_count; k++)
				n += r->servers[i].items[j].versions[k].hit_count;
	return n;
}
