/*
 * known.c - advisories matched against a snapshot's package records
 * (lib/known.h).  The version order and the range evaluation are
 * lib/osv.c's; this file decides which recorded versions are looked up,
 * and turns the hits into findings.
 */
#include "known.h"
#include "ioc.h"
#include "jsonutil.h"
#include "osv.h"
#include "url.h"

#include <stdlib.h>
#include <string.h>

/* Longest advisory summary put in a title (the evidence has more). */
#define TITLE_SUMMARY_MAX 160
#define TEXT_SUMMARY_MAX  1000
/* Evidence places per finding before "N more". */
#define MAX_PLACES 40

struct set {
	char *path;
	int ioc;                 /* an indicator list */
	size_t indicators;       /* its indicators */
	cairn_osv_stats stats;   /* what an advisory set added */
};

struct cairn_known {
	cairn_osv_db *db;
	cairn_ioc_set *ioc;
	int want_all;
	struct set *sets;
	size_t nsets;
	size_t checked, undetermined;   /* last cairn_known_eval() */
};

int cairn_known_new(cairn_known **out)
{
	cairn_known *k = cairn_calloc(1, sizeof(*k));

	*out = NULL;
	if (cairn_osv_db_new(&k->db) < 0) {
		free(k);
		return -1;
	}
	cairn_ioc_set_new(&k->ioc);
	*out = k;
	return 0;
}

void cairn_known_free(cairn_known *k)
{
	size_t i;

	if (!k)
		return;
	cairn_osv_db_free(k->db);
	cairn_ioc_set_free(k->ioc);
	for (i = 0; i < k->nsets; i++)
		free(k->sets[i].path);
	free(k->sets);
	free(k);
}

/* ---------------------------------------------------- what is looked up */

/* One version of one package at one place, as the records name it. */
struct lookup {
	int eco;
	const char *ecosystem, *name, *version, *state;
	const char *where;
	const char *lockfile;    /* the lockfile naming a package record */
	long long line;
};

typedef int (*lookup_fn)(void *ctx, const struct lookup *l);

static int eco_of(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "npm"))
		return CAIRN_OSV_NPM;
	if (!strcmp(s, "pypi"))
		return CAIRN_OSV_PYPI;
	return -1;
}

/* An exact version out of "==1.2.3", "===1.2.3", "@1.2.3", "1.2.3". */
static const char *exact_version(const char *spec, cairn_buf *tmp)
{
	const char *p = spec;
	size_t n;

	if (!p)
		return NULL;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "===", 3))
		p += 3;
	else if (!strncmp(p, "==", 2))
		p += 2;
	else if (*p == '@')
		p++;
	while (*p == ' ')
		p++;
	n = strcspn(p, " ;,");
	if (!n || strpbrk(p, "*"))
		return NULL;
	cairn_buf_clear(tmp);
	cairn_buf_add(tmp, p, n);
	return tmp->data;
}

static int launcher_eco(const char *launcher)
{
	static const char *const npm[] = { "npx", "npm-exec", "pnpm-dlx", "yarn-dlx", "bunx" };
	size_t i;

	if (!launcher)
		return -1;
	for (i = 0; i < sizeof(npm) / sizeof(npm[0]); i++)
		if (!strcmp(launcher, npm[i]))
			return CAIRN_OSV_NPM;
	if (!strcmp(launcher, "uvx") || !strcmp(launcher, "pipx"))
		return CAIRN_OSV_PYPI;
	return -1;
}

/* Every version the records name, in record order. */
static int each_lookup(const json_t *records, lookup_fn fn, void *ctx)
{
	cairn_buf where = CAIRN_BUF_INIT, ver = CAIRN_BUF_INIT, lock = CAIRN_BUF_INIT;
	const json_t *rec;
	size_t i;
	int rc = 0;

	json_array_foreach(records, i, rec) {
		const char *type = cairn_json_str(rec, "type");
		struct lookup l;

		if (!type)
			continue;
		memset(&l, 0, sizeof(l));
		if (!strcmp(type, "package")) {
			const char *project = cairn_json_str_or(rec, "project", "");
			const char *v = cairn_json_str(rec, "version");
			const char *lv = cairn_json_str(rec, "locked_version");

			l.ecosystem = cairn_json_str(rec, "ecosystem");
			l.eco = eco_of(l.ecosystem);
			l.name = cairn_json_str(rec, "name");
			if (l.eco < 0 || !l.name)
				continue;
			cairn_buf_clear(&where);
			cairn_buf_addf(&where, "%s%s%s", project, *project ? "/" : "",
				       cairn_json_str_or(rec, "path", ""));
			l.where = where.data;
			if (cairn_json_str(rec, "lockfile")) {
				cairn_buf_clear(&lock);
				cairn_buf_addf(&lock, "%s%s%s", project, *project ? "/" : "",
					       cairn_json_str(rec, "lockfile"));
				l.lockfile = lock.data;
			}
			if (v) {
				l.version = v;
				l.state = "installed";
				if ((rc = fn(ctx, &l)) < 0)
					break;
			}
			/* the lockfile's version, when it is another one: what the
			 * next npm ci installs */
			if (lv && (!v || strcmp(v, lv))) {
				l.version = lv;
				l.state = "locked";
				if ((rc = fn(ctx, &l)) < 0)
					break;
			}
		} else if (!strcmp(type, "requirement")) {
			if (!cairn_json_true(rec, "pinned"))
				continue;
			l.eco = CAIRN_OSV_PYPI;
			l.ecosystem = "pypi";
			l.name = cairn_json_str(rec, "name");
			l.version = exact_version(cairn_json_str(rec, "spec"), &ver);
			l.where = cairn_json_str(rec, "file");
			l.line = cairn_json_int(rec, "line", 0);
			l.state = "required";
			if (!l.name || !l.version || !l.where)
				continue;
			if ((rc = fn(ctx, &l)) < 0)
				break;
		} else if (!strcmp(type, "mcp_server")) {
			const char *pin = cairn_json_str(rec, "pin");

			l.eco = launcher_eco(cairn_json_str(rec, "launcher"));
			if (l.eco < 0 || !pin || strcmp(pin, "exact"))
				continue;
			l.ecosystem = l.eco == CAIRN_OSV_NPM ? "npm" : "pypi";
			l.name = cairn_json_str(rec, "package_name");
			l.version = exact_version(cairn_json_str(rec, "package_version"), &ver);
			l.where = cairn_json_str(rec, "config");
			l.state = "launched";
			if (!l.name || !l.version || !l.where)
				continue;
			if ((rc = fn(ctx, &l)) < 0)
				break;
		}
	}
	cairn_buf_release(&where);
	cairn_buf_release(&ver);
	cairn_buf_release(&lock);
	return rc;
}

static int want_one(void *ctx, const struct lookup *l)
{
	cairn_osv_db_want(ctx, l->eco, l->name);
	return 0;
}

void cairn_known_want(cairn_known *k, const json_t *records)
{
	if (!k->want_all)
		each_lookup(records, want_one, k->db);
}

void cairn_known_want_all(cairn_known *k)
{
	k->want_all = 1;
}

int cairn_known_load_advisories(cairn_known *k, const char *path)
{
	cairn_osv_stats before = *cairn_osv_db_stats(k->db);
	const cairn_osv_stats *after;
	struct set *s;

	if (cairn_osv_db_load(k->db, path) < 0)
		return -1;
	after = cairn_osv_db_stats(k->db);
	k->sets = cairn_realloc(k->sets, (k->nsets + 1) * sizeof(*k->sets));
	s = &k->sets[k->nsets++];
	memset(s, 0, sizeof(*s));
	s->path = cairn_strdup(path);
	s->stats.files = after->files - before.files;
	s->stats.parsed = after->parsed - before.parsed;
	s->stats.kept = after->kept - before.kept;
	s->stats.withdrawn = after->withdrawn - before.withdrawn;
	s->stats.invalid = after->invalid - before.invalid;
	s->stats.too_big = after->too_big - before.too_big;
	s->stats.too_deep = after->too_deep - before.too_deep;
	s->stats.bad_utf8 = after->bad_utf8 - before.bad_utf8;
	s->stats.over_cap = after->over_cap - before.over_cap;
	s->stats.skipped_fast = after->skipped_fast - before.skipped_fast;
	return 0;
}

int cairn_known_load_all(cairn_known *k, const char *const *advisories, size_t nadv,
			 const char *const *iocs, size_t nioc)
{
	size_t i;
	int rc;

	for (i = 0; i < nadv; i++)
		if ((rc = cairn_known_load_advisories(k, advisories[i])) < 0)
			return rc;
	for (i = 0; i < nioc; i++)
		if ((rc = cairn_known_load_ioc(k, iocs[i])) < 0)
			return rc;
	return 0;
}

int cairn_known_load_ioc(cairn_known *k, const char *path)
{
	size_t before = cairn_ioc_set_count(k->ioc, CAIRN_IOC__TYPES);
	struct set *s;

	if (cairn_ioc_set_load(k->ioc, path) < 0)
		return -1;
	k->sets = cairn_realloc(k->sets, (k->nsets + 1) * sizeof(*k->sets));
	s = &k->sets[k->nsets++];
	memset(s, 0, sizeof(*s));
	s->path = cairn_strdup(path);
	s->ioc = 1;
	s->indicators = cairn_ioc_set_count(k->ioc, CAIRN_IOC__TYPES) - before;
	return 0;
}

size_t cairn_known_ioc_count(const cairn_known *k)
{
	return cairn_ioc_set_count(k->ioc, CAIRN_IOC__TYPES);
}

size_t cairn_known_ioc_hash_count(const cairn_known *k)
{
	return cairn_ioc_set_count(k->ioc, CAIRN_IOC_SHA256);
}

int cairn_known_set_is_ioc(const cairn_known *k, size_t i)
{
	return i < k->nsets && k->sets[i].ioc;
}

size_t cairn_known_set_count(const cairn_known *k)
{
	return k->nsets;
}

const char *cairn_known_set_path(const cairn_known *k, size_t i)
{
	return i < k->nsets ? k->sets[i].path : NULL;
}

void cairn_known_set_detail(cairn_buf *out, const cairn_known *k, size_t i)
{
	const cairn_osv_stats *s;

	if (i >= k->nsets)
		return;
	if (k->sets[i].ioc) {
		cairn_buf_addf(out, "indicators: %zu (every line read; a bad line would have "
			       "stopped the run)", k->sets[i].indicators);
		return;
	}
	s = &k->sets[i].stats;
	cairn_buf_addf(out, "OSV advisories: %llu files, %llu kept (name the packages checked), "
		       "%llu withdrawn (ignored), %llu unreadable (skipped)",
		       (unsigned long long)s->files, (unsigned long long)s->kept,
		       (unsigned long long)s->withdrawn, (unsigned long long)s->invalid);
	/* why, when a cap or the encoding was the reason */
	if (s->too_big || s->too_deep || s->bad_utf8 || s->over_cap) {
		const char *sep = "";

		cairn_buf_addstr(out, ": ");
		if (s->too_big) {
			cairn_buf_addf(out, "%llu over %u MiB", (unsigned long long)s->too_big,
				       CAIRN_OSV_FILE_MAX >> 20);
			sep = ", ";
		}
		if (s->too_deep) {
			cairn_buf_addf(out, "%s%llu nested too deep", sep,
				       (unsigned long long)s->too_deep);
			sep = ", ";
		}
		if (s->bad_utf8) {
			cairn_buf_addf(out, "%s%llu not UTF-8", sep, (unsigned long long)s->bad_utf8);
			sep = ", ";
		}
		if (s->over_cap)
			cairn_buf_addf(out, "%s%llu over %u events in a range or 100000 versions",
				       sep, (unsigned long long)s->over_cap, CAIRN_OSV_EVENTS_MAX);
	}
}

/* ---------------------------------------------------------------- scan */

struct scan {
	const cairn_known *k;
	const struct lookup *l;
	cairn_known_hit_fn fn;
	void *ctx;
	char *last_id;     /* the same advisory loaded from two sets: once */
	int hits;
	size_t checked, undetermined;
};

static int scan_match(void *ctx, const cairn_osv_match *m)
{
	struct scan *s = ctx;
	cairn_known_hit h;
	int rc;

	if (s->last_id && !strcmp(s->last_id, m->id))
		return 0;
	free(s->last_id);
	s->last_id = cairn_strdup(m->id);
	memset(&h, 0, sizeof(h));
	h.id = m->id;
	h.source = "snapshot";
	h.summary = m->summary ? m->summary : "";
	h.advisory_file = m->source;
	h.malicious = m->malicious;
	h.severity = m->severity;
	h.fixed = m->malicious ? NULL : m->fixed;
	h.ecosystem = s->l->ecosystem;
	h.name = s->l->name;
	h.version = s->l->version;
	h.where = s->l->where;
	h.lockfile = s->l->lockfile;
	h.line = s->l->line;
	h.state = s->l->state;
	rc = s->fn(s->ctx, &h);
	if (rc < 0)
		return rc;
	s->hits++;
	return 0;
}

/* An indicator matched: one hit with the place. */
static int ioc_hit(struct scan *s, const cairn_ioc *i, const char *source, const char *where,
		   const char *host, const struct lookup *l, const char *state)
{
	cairn_known_hit h;
	int rc;

	memset(&h, 0, sizeof(h));
	h.indicator = 1;
	h.id = i->text;
	h.summary = i->note;
	h.malicious = 1;
	h.severity = CAIRN_SEV_CRITICAL;
	h.source = source;
	h.where = where;
	h.host = host;
	h.state = state;
	if (l) {
		h.ecosystem = l->ecosystem;
		h.name = l->name;
		h.version = l->version;
		h.lockfile = l->lockfile;
		h.line = l->line;
	}
	rc = s->fn(s->ctx, &h);
	if (rc < 0)
		return rc;
	s->hits++;
	return 0;
}

/* An URL of the records: the url: and host: indicators. */
static int ioc_url(struct scan *s, const char *url, const char *where, const char *state)
{
	char host[CAIRN_URL_HOST_MAX];
	const cairn_ioc *i;
	int rc = 0;

	if (!url)
		return 0;
	if ((i = cairn_ioc_match_url(s->k->ioc, url)))
		rc = ioc_hit(s, i, "snapshot", where, NULL, NULL, state);
	if (rc >= 0 && cairn_url_http_host(host, sizeof(host), url) == 0 &&
	    (i = cairn_ioc_match_host(s->k->ioc, host)))
		rc = ioc_hit(s, i, "snapshot", where, host, NULL, state);
	return rc;
}

/* The URLs the records hold: lockfile sources, MCP server URLs and URL
 * arguments. */
static int ioc_records(struct scan *s, const json_t *records)
{
	cairn_buf where = CAIRN_BUF_INIT;
	const json_t *rec, *arg;
	size_t i, j;
	int rc = 0;

	json_array_foreach(records, i, rec) {
		const char *type = cairn_json_str(rec, "type");

		if (!type || rc < 0)
			break;
		if (!strcmp(type, "package")) {
			const char *project = cairn_json_str_or(rec, "project", "");

			cairn_buf_clear(&where);
			cairn_buf_addf(&where, "%s%s%s", project, *project ? "/" : "",
				       cairn_json_str_or(rec, "path", ""));
			rc = ioc_url(s, cairn_json_str(rec, "resolved"), where.data, "resolved from");
		} else if (!strcmp(type, "mcp_server")) {
			const char *config = cairn_json_str_or(rec, "config", "");

			rc = ioc_url(s, cairn_json_str(rec, "url"), config, "MCP server URL");
			json_array_foreach(json_object_get(rec, "args"), j, arg)
				if (rc >= 0 && json_is_string(arg))
					rc = ioc_url(s, json_string_value(arg), config,
						     "MCP server argument");
		}
	}
	cairn_buf_release(&where);
	return rc;
}

static int scan_lookup(void *ctx, const struct lookup *l)
{
	struct scan *s = ctx;
	unsigned undetermined = 0;
	const cairn_ioc *i;
	int rc;

	s->l = l;
	free(s->last_id);
	s->last_id = NULL;
	s->checked++;
	rc = cairn_osv_db_match(s->k->db, l->eco, l->name, l->version, scan_match, s,
				&undetermined);
	if (undetermined)
		s->undetermined++;
	if (rc >= 0 && (i = cairn_ioc_match_package(s->k->ioc, l->ecosystem, l->name, l->version)))
		rc = ioc_hit(s, i, "snapshot", l->where, NULL, l, l->state);
	return rc < 0 ? rc : 0;
}

int cairn_known_scan(const cairn_known *k, const json_t *records, cairn_known_hit_fn fn,
		     void *ctx, size_t *checked, size_t *undetermined)
{
	struct scan s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.k = k;
	s.fn = fn;
	s.ctx = ctx;
	rc = json_is_array(records) ? each_lookup(records, scan_lookup, &s) : 0;
	if (rc >= 0 && json_is_array(records) && cairn_ioc_set_count(k->ioc, CAIRN_IOC__TYPES))
		rc = ioc_records(&s, records);
	free(s.last_id);
	if (checked)
		*checked = s.checked;
	if (undetermined)
		*undetermined = s.undetermined;
	return rc < 0 ? rc : s.hits;
}

int cairn_known_scan_entry(const cairn_known *k, const cairn_entry *e,
			   cairn_known_hit_fn fn, void *ctx)
{
	cairn_buf path = CAIRN_BUF_INIT;
	const cairn_ioc *i;
	struct scan s;
	int rc = 0;

	if (!(e->flags & CAIRN_EF_HASHED) || !(i = cairn_ioc_match_sha256(k->ioc, e->sha256)))
		return 0;
	memset(&s, 0, sizeof(s));
	s.k = k;
	s.fn = fn;
	s.ctx = ctx;
	/* a name that is not UTF-8 is written as the snapshot writes it */
	if (cairn_utf8_valid(e->path, e->path_len))
		cairn_buf_add(&path, e->path, e->path_len);
	else
		cairn_escape_bytes(&path, e->path, e->path_len);
	cairn_buf_addch(&path, '\0');
	rc = ioc_hit(&s, i, "snapshot", path.data, NULL, NULL, "file contents");
	cairn_buf_release(&path);
	return rc < 0 ? rc : s.hits;
}

/* A name or an address a capture saw. */
static int cap_host(struct scan *s, const char *host, const char *state)
{
	const cairn_ioc *i = host ? cairn_ioc_match_host(s->k->ioc, host) : NULL;

	return i ? ioc_hit(s, i, "capture", NULL, host, NULL, state) : 0;
}

static int cap_list(struct scan *s, const json_t *list, const char *state)
{
	const json_t *v;
	size_t i;
	int rc = 0;

	/* strings, or name objects ({"name": ..., "sources": ...}) */
	json_array_foreach(list, i, v)
		if (rc >= 0)
			rc = cap_host(s, json_is_object(v) ? cairn_json_str(v, "name") :
				      json_string_value(v), state);
	return rc;
}

int cairn_known_scan_capture(const cairn_known *k, const json_t *capture,
			     cairn_known_hit_fn fn, void *ctx)
{
	const json_t *h, *agent;
	struct scan s;
	size_t i;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.k = k;
	s.fn = fn;
	s.ctx = ctx;
	if (!json_is_object(capture) || !cairn_ioc_set_count(k->ioc, CAIRN_IOC__TYPES))
		return 0;
	/* hosts: every name and address of each (not only the one shown) */
	json_array_foreach(json_object_get(capture, "totals"), i, h) {
		const json_t *names = json_object_get(h, "names");

		if (rc >= 0)
			rc = json_array_size(names) ? cap_list(&s, names, "connection") :
			     cap_host(&s, cairn_json_str(h, "host"), "connection");
		if (rc >= 0)
			rc = cap_list(&s, json_object_get(h, "addresses"), "connection");
	}
	json_array_foreach(json_object_get(capture, "dns"), i, h) {
		if (rc >= 0)
			rc = cap_host(&s, cairn_json_str(h, "name"), "DNS lookup");
		if (rc >= 0)
			rc = cap_list(&s, json_object_get(h, "addresses"), "DNS answer");
	}
	json_array_foreach(json_object_get(capture, "lookups"), i, h)
		if (rc >= 0)
			rc = cap_list(&s, json_object_get(h, "sample"), "DNS lookup");
	json_array_foreach(json_object_get(capture, "local_flows"), i, h)
		if (rc >= 0)
			rc = cap_list(&s, json_object_get(h, "addresses"), "connection (local-only capture)");
	agent = json_object_get(capture, "agent");
	json_array_foreach(json_object_get(agent, "hosts"), i, h) {
		const char *dir = cairn_json_str_or(h, "direction", "arguments");

		if (rc >= 0)
			rc = cap_host(&s, cairn_json_str(h, "host"), !strcmp(dir, "result") ?
				      "tool-call result" : "tool-call arguments");
	}
	return rc < 0 ? rc : s.hits;
}

/* ------------------------------------------------------------- findings */

/* One finding in the making: an advisory on one package version. */
struct group {
	int indicator;
	size_t keylen;
	char *key;          /* id NUL ecosystem NUL name NUL version; an
	                     * indicator: \1 NUL its text */
	char *id, *summary, *fixed, *name, *version, *ecosystem;
	int malicious, severity;
	json_t *places;
	size_t dropped;
};

struct groups {
	struct group *g;
	size_t n;
};

static void cut_utf8(cairn_buf *out, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;       /* not inside a UTF-8 sequence */
	}
	cairn_buf_add(out, s, n);
	if (n < strlen(s))
		cairn_buf_addstr(out, "...");
}

static int group_hit(void *ctx, const cairn_known_hit *h)
{
	struct groups *gs = ctx;
	cairn_buf key = CAIRN_BUF_INIT;
	struct group *g = NULL;
	json_t *place;
	size_t i;

	if (h->indicator)
		cairn_buf_addf(&key, "\1%c%s", 0, h->id);
	else
		cairn_buf_addf(&key, "%s%c%s%c%s%c%s", h->id, 0, h->ecosystem, 0, h->name, 0,
			       h->version);
	/* keys hold NULs: compare lengths first */
	for (i = 0; i < gs->n; i++)
		if (gs->g[i].keylen == key.len && !memcmp(gs->g[i].key, key.data, key.len)) {
			g = &gs->g[i];
			break;
		}
	if (!g) {
		gs->g = cairn_realloc(gs->g, (gs->n + 1) * sizeof(*gs->g));
		g = &gs->g[gs->n++];
		memset(g, 0, sizeof(*g));
		g->key = cairn_malloc(key.len + 1);
		memcpy(g->key, key.data, key.len + 1);
		g->keylen = key.len;
		g->id = cairn_strdup(h->id);
		g->summary = cairn_strdup(h->summary);
		g->indicator = h->indicator;
		g->fixed = h->fixed ? cairn_strdup(h->fixed) : NULL;
		g->name = cairn_strdup(h->name ? h->name : "");
		g->version = cairn_strdup(h->version ? h->version : "");
		g->ecosystem = cairn_strdup(h->ecosystem ? h->ecosystem : "");
		g->malicious = h->malicious;
		g->severity = h->severity;
		g->places = json_array();
	}
	cairn_buf_release(&key);
	if (json_array_size(g->places) >= MAX_PLACES) {
		g->dropped++;
		return 0;
	}
	place = json_pack("{s:s}", "source", h->source ? h->source : "snapshot");
	if (h->where)
		json_object_set_new(place, "file", json_string(h->where));
	if (h->line > 0)
		json_object_set_new(place, "line", json_integer(h->line));
	if (h->name)
		json_object_set_new(place, "package", json_string(h->name));
	if (h->version)
		json_object_set_new(place, "version", json_string(h->version));
	if (h->lockfile)
		json_object_set_new(place, "lockfile", json_string(h->lockfile));
	if (h->host)
		json_object_set_new(place, "host", json_string(h->host));
	json_object_set_new(place, "detail", json_string(h->state ? h->state : ""));
	/* a capture names a host in several places: each place once */
	for (i = 0; i < json_array_size(g->places); i++)
		if (json_equal(json_array_get(g->places, i), place)) {
			json_decref(place);
			return 0;
		}
	json_array_append_new(g->places, place);
	return 0;
}

static void group_release(struct group *g)
{
	free(g->key);
	free(g->id);
	free(g->summary);
	free(g->fixed);
	free(g->name);
	free(g->version);
	free(g->ecosystem);
	json_decref(g->places);
}

static void indicator_finding(cairn_findings *out, struct group *g)
{
	const cairn_rule *rule = cairn_rule_find("CAIRN-K03");
	size_t n = json_array_size(g->places);
	cairn_buf sum = CAIRN_BUF_INIT;
	json_t *evl = json_array(), *ind;
	const char *what = "";
	cairn_finding *f;

	if (!rule)
		return;
	ind = json_pack("{s:s,s:s}", "source", "indicator", "text", g->id);
	if (*g->summary)
		json_object_set_new(ind, "detail", json_string(g->summary));
	json_array_append_new(evl, ind);
	if (n) {
		const json_t *p = json_array_get(g->places, 0);

		what = cairn_json_str_or(p, "detail", "");
	}
	json_array_extend(evl, g->places);
	if (g->dropped)
		json_array_append_new(evl, json_pack("{s:s}", "detail", "more places left out"));
	cut_utf8(&sum, g->summary, TITLE_SUMMARY_MAX);
	f = cairn_findings_add(out, rule, evl, "indicator %s matched (%s%s%zu place%s)%s%s", g->id,
			       what, *what ? ", " : "", n, n == 1 ? "" : "s",
			       sum.len ? ": " : "", sum.len ? sum.data : "");
	f->severity = CAIRN_SEV_CRITICAL;
	cairn_buf_release(&sum);
}

static void group_finding(cairn_findings *out, struct group *g)
{
	const cairn_rule *rule = cairn_rule_find(g->malicious ? "CAIRN-K01" : "CAIRN-K02");
	cairn_buf text = CAIRN_BUF_INIT, fix = CAIRN_BUF_INIT, sum = CAIRN_BUF_INIT;
	json_t *evl = json_array(), *adv;
	cairn_finding *f;
	size_t n = json_array_size(g->places);

	if (!rule)
		return;
	cairn_buf_addf(&text, "%s: ", g->id);
	cut_utf8(&text, g->summary, TEXT_SUMMARY_MAX);
	if (g->malicious)
		cairn_buf_addstr(&fix, "fix: remove it (a malicious version has no fixed release)");
	else if (g->fixed)
		cairn_buf_addf(&fix, "fix: upgrade to %s or later (first fixed version)", g->fixed);
	else
		cairn_buf_addstr(&fix, "fix: none known (no fixed version in the advisory): "
				 "remove it or replace it");
	adv = json_pack("{s:s,s:s,s:s}", "source", "advisory", "text", text.data,
			"detail", fix.data);
	if (adv)
		json_array_append_new(evl, adv);
	json_array_extend(evl, g->places);
	if (g->dropped)
		json_array_append_new(evl, json_pack("{s:s}", "detail", "more places left out"));
	cut_utf8(&sum, g->summary, TITLE_SUMMARY_MAX);
	if (g->malicious)
		f = cairn_findings_add(out, rule, evl, "%s %s %s is known malicious (%s): remove it "
				       "(%zu place%s)", g->ecosystem, g->name, g->version, g->id,
				       n, n == 1 ? "" : "s");
	else
		f = cairn_findings_add(out, rule, evl, "%s %s %s: %s %s; %s%s (%zu place%s)",
				       g->ecosystem, g->name, g->version, g->id, sum.data,
				       g->fixed ? "fixed in " : "no fix known",
				       g->fixed ? g->fixed : "", n, n == 1 ? "" : "s");
	f->severity = g->malicious ? CAIRN_SEV_CRITICAL : g->severity;
	cairn_buf_release(&text);
	cairn_buf_release(&fix);
	cairn_buf_release(&sum);
}

/* The live side's files (cairn_known_input.live): first the new side of
 * every change, keeping the paths changes name; then the baseline's
 * entries whose path no change names (unchanged, so their hash is the
 * live file's). */
struct live_scan {
	const cairn_known *k;
	struct groups *gs;
	char **paths;
	size_t n, cap;
};

static int live_change(void *ctx, const cairn_diff_change *c)
{
	struct live_scan *ls = ctx;
	const cairn_entry *e = c->old ? c->old : c->new;

	if (c->new)
		cairn_known_scan_entry(ls->k, c->new, group_hit, ls->gs);
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 64;
		ls->paths = cairn_realloc(ls->paths, ls->cap * sizeof(*ls->paths));
	}
	ls->paths[ls->n] = cairn_malloc(e->path_len + 1);
	memcpy(ls->paths[ls->n], e->path, e->path_len);
	ls->paths[ls->n++][e->path_len] = '\0';
	return 0;
}

static int path_cmp_qsort(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scan_live(const cairn_known *k, struct groups *gs, const cairn_diff *d,
		     cairn_snap_reader *old)
{
	struct live_scan ls = { k, gs, NULL, 0, 0 };
	cairn_record rec;
	size_t i;
	int r;

	r = cairn_diff_foreach(d, live_change, &ls);
	if (r >= 0 && ls.n)
		qsort(ls.paths, ls.n, sizeof(*ls.paths), path_cmp_qsort);
	memset(&rec, 0, sizeof(rec));
	while (r >= 0 && old && (r = cairn_snap_reader_next(old, &rec)) > 0) {
		const char *key;

		if (rec.kind != CAIRN_REC_ENTRY || !(rec.entry.flags & CAIRN_EF_HASHED) ||
		    !cairn_ioc_match_sha256(k->ioc, rec.entry.sha256))
			continue;
		/* a path with a NUL is no file name: never a change's */
		key = memchr(rec.entry.path, 0, rec.entry.path_len) ? NULL : rec.entry.path;
		if (key && ls.n && bsearch(&key, ls.paths, ls.n, sizeof(*ls.paths),
					   path_cmp_qsort))
			continue;
		cairn_known_scan_entry(k, &rec.entry, group_hit, gs);
	}
	for (i = 0; i < ls.n; i++)
		free(ls.paths[i]);
	free(ls.paths);
	return r < 0 ? r : 0;
}

int cairn_known_eval(cairn_findings *out, cairn_known *k, const cairn_known_input *in)
{
	struct groups gs = { NULL, 0 };
	size_t before = out->count, i;
	int rc = 0;

	cairn_known_scan(k, in->records, group_hit, &gs, &k->checked, &k->undetermined);
	cairn_known_scan_capture(k, in->capture, group_hit, &gs);
	if (in->entries && cairn_known_ioc_hash_count(k)) {
		cairn_record rec;
		int r;

		memset(&rec, 0, sizeof(rec));
		while ((r = cairn_snap_reader_next(in->entries, &rec)) > 0)
			if (rec.kind == CAIRN_REC_ENTRY)
				cairn_known_scan_entry(k, &rec.entry, group_hit, &gs);
		if (r < 0)
			rc = r;
	} else if (in->live && cairn_known_ioc_hash_count(k)) {
		rc = scan_live(k, &gs, in->live, in->live_old);
	}
	for (i = 0; i < gs.n; i++) {
		if (!rc)
			(gs.g[i].indicator ? indicator_finding : group_finding)(out, &gs.g[i]);
		group_release(&gs.g[i]);
	}
	free(gs.g);
	cairn_findings_sort(out);
	return rc < 0 ? rc : (int)(out->count - before);
}

json_t *cairn_known_to_json(const cairn_known *k)
{
	json_t *sets, *o;
	size_t i;

	json_t *iocs;

	if (!k || !k->nsets)
		return NULL;
	sets = json_array();
	iocs = json_array();
	for (i = 0; i < k->nsets; i++) {
		const cairn_osv_stats *s = &k->sets[i].stats;

		if (k->sets[i].ioc) {
			json_array_append_new(iocs, json_pack("{s:s,s:I}", "path", k->sets[i].path,
				"indicators", (json_int_t)k->sets[i].indicators));
			continue;
		}
		json_array_append_new(sets, json_pack("{s:s,s:I,s:I,s:I,s:I}",
			"path", k->sets[i].path, "files", (json_int_t)s->files,
			"kept", (json_int_t)s->kept, "withdrawn", (json_int_t)s->withdrawn,
			"unreadable", (json_int_t)s->invalid));
	}
	o = json_pack("{s:o,s:o,s:I,s:I}", "advisories", sets, "indicators", iocs,
		      "versions_checked", (json_int_t)k->checked,
		      "versions_undetermined", (json_int_t)k->undetermined);
	return o;
}
