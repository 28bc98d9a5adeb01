/*
 * capture_lookups.c - the DNS as the local side used it: the resolvers it
 * asked (infrastructure, not outbound hosts), which of them it does not
 * normally use, the names it looked up grouped by registrable domain, and
 * bursts of distinct names under one domain (a DNS tunnel's signature).
 *
 * A resolver is the responder of a DNS flow (port 53) started by a local
 * address.  The resolvers a host "normally uses" are the one asked most,
 * those asked for 20% of the queries or more, those in the same /16 (IPv4)
 * or /32 (IPv6) as the one asked most (8.8.8.8 and 8.8.4.4), and, when the
 * one asked most is private, every private one (a LAN's pair of
 * resolvers).  Another is unusual: 8.8.8.8 asked once beside the LAN's.
 */
#include "capture_engine.h"

#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#define ASKED_LIST_MAX 20      /* names shown for an unusual resolver */
#define CLIENTS_MAX 64
#define SAMPLE_MAX 5
#define TUNNEL_SPAN (60LL * 1000000000LL)
#define TUNNEL_NAMES 50        /* distinct names within TUNNEL_SPAN ... */
#define TUNNEL_LONG_LABEL 24   /* ... or of names with a label this long */
#define TUNNEL_LONG_NAMES 10

static void v4mapped(uint8_t out[16], uint8_t ver, const uint8_t *a)
{
	memset(out, 0, 16);
	if (ver == 4) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, a, 4);
	} else {
		memcpy(out, a, 16);
	}
}

void cap_lookup_record(cairn_capture *c, uint8_t ver, const uint8_t *server, const char *qname,
	int64_t ts)
{
	uint8_t key[sizeof(char *) + 16];
	const char *name;
	uint32_t *v;
	struct asked *a;

	if (!qname[0])
		return;
	name = cap_intern_find(&c->strs, qname);
	if (!name) {
		if (c->strs.count >= NAMES_MAX || c->nasked >= NAMES_MAX) {
			c->asked_dropped++;
			return;
		}
		name = cap_intern(&c->strs, qname);
	}
	memcpy(key, &name, sizeof(name));
	v4mapped(key + sizeof(name), ver, server);
	v = cap_kmap_find(&c->asked_map, key, 0);
	if (!v) {
		if (c->nasked >= NAMES_MAX) {
			c->asked_dropped++;
			return;
		}
		v = cap_kmap_find(&c->asked_map, key, 1);
		if (c->nasked == c->casked) {
			c->casked = c->casked ? c->casked * 2 : 256;
			c->asked = cairn_realloc(c->asked, c->casked * sizeof(*c->asked));
		}
		a = &c->asked[c->nasked];
		memset(a, 0, sizeof(*a));
		a->name = name;
		a->ver = ver;
		memcpy(a->addr, server, ver == 4 ? 4 : 16);
		a->first = a->last = ts;
		*v = (uint32_t)c->nasked++;
	}
	a = &c->asked[*v];
	a->count++;
	if (ts < a->first)
		a->first = ts;
	if (ts > a->last)
		a->last = ts;
}

void cap_lookups_free(cairn_capture *c)
{
	cap_kmap_release(&c->asked_map);
	free(c->asked);
	c->asked = NULL;
	c->nasked = c->casked = 0;
}

/* ---- finish ---- */

struct res {                 /* a resolver being built */
	uint8_t ver, addr[16];
	struct cairn_capture_resolver *out;
};

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void xsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* add s to a small sorted-later set (linear: these sets stay small) */
static void strv_add_unique(char ***v, size_t *n, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	if (*n >= max)
		return;
	*v = cairn_realloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = cairn_strdup(s);
}

static int same_net(const struct res *x, const struct res *y)
{
	if (x->ver != y->ver)
		return 0;
	return !memcmp(x->addr, y->addr, x->ver == 4 ? 2 : 4);
}

static int res_cmp(const void *x, const void *y)
{
	const struct cairn_capture_resolver *a = x, *b = y;

	return strcmp(a->address, b->address);
}

/* A domain being built: the asked[] entries under it. */
struct dom {
	const char *domain;      /* points into an interned name */
	size_t dlen;
	uint32_t *items;         /* indexes into c->asked (one per name) */
	size_t n, cap;
};

/* Per name (at the index of its first asked[] entry): every server's
 * queries of it together. */
struct agg {
	int64_t first, last;
	uint64_t count;
};

struct sort_by_time {
	const cairn_capture *c;
	const struct agg *agg;
};

static int longest_label(const char *name)
{
	int best = 0, cur = 0;

	for (; *name; name++) {
		if (*name == '.') {
			cur = 0;
			continue;
		}
		if (++cur > best)
			best = cur;
	}
	return best;
}

static int item_time_cmp(const void *x, const void *y, void *ctx)
{
	const struct sort_by_time *t = ctx;
	int64_t a = t->agg[*(const uint32_t *)x].first;
	int64_t b = t->agg[*(const uint32_t *)y].first;

	if (a != b)
		return a < b ? -1 : 1;
	return strcmp(t->c->asked[*(const uint32_t *)x].name, t->c->asked[*(const uint32_t *)y].name);
}

static int lookup_cmp(const void *x, const void *y)
{
	const struct cairn_capture_lookup *a = x, *b = y;

	return strcmp(a->domain, b->domain);
}

/* Most items whose first time falls within TUNNEL_SPAN (items sorted by
 * time); long: count only names with a long label. */
static uint64_t peak(const cairn_capture *c, const struct agg *agg, const uint32_t *items,
	size_t n, int long_only)
{
	size_t lo = 0, hi, in = 0, best = 0;

	for (hi = 0; hi < n; hi++) {
		if (long_only && longest_label(c->asked[items[hi]].name) < TUNNEL_LONG_LABEL)
			continue;
		in++;
		while (agg[items[hi]].first - agg[items[lo]].first >= TUNNEL_SPAN) {
			if (!long_only || longest_label(c->asked[items[lo]].name) >= TUNNEL_LONG_LABEL)
				in--;
			lo++;
		}
		if (in > best)
			best = in;
	}
	return best;
}

static void build_lookups(cairn_capture *c, cairn_capture_result *r, const uint8_t *asked_ok,
	const uint32_t *name_first, const struct agg *agg)
{
	const psl_ctx_t *psl = psl_builtin();
	struct dom *doms = NULL;
	size_t ndoms = 0, i;
	struct kmap dmap;

	/* one entry per name (the first asked[] of it), grouped by the
	 * registrable domain; the map is keyed by the domain's interned
	 * string pointer */
	cap_kmap_init(&dmap, sizeof(char *));
	for (i = 0; i < c->nasked; i++) {
		const char *name = c->asked[i].name, *reg, *dom;
		uint32_t *v;
		struct dom *d;

		if (!asked_ok[i] || name_first[i] != i)
			continue;
		reg = psl ? psl_registrable_domain(psl, name) : NULL;
		dom = cap_intern(&c->strs, reg ? reg : name);
		v = cap_kmap_find(&dmap, &dom, 1);
		if (*v == UINT32_MAX) {
			doms = cairn_realloc(doms, (ndoms + 1) * sizeof(*doms));
			memset(&doms[ndoms], 0, sizeof(*doms));
			doms[ndoms].domain = dom;
			*v = (uint32_t)ndoms++;
		}
		d = &doms[*v];
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 8;
			d->items = cairn_realloc(d->items, d->cap * sizeof(*d->items));
		}
		d->items[d->n++] = (uint32_t)i;
	}
	cap_kmap_release(&dmap);
	r->lookups = cairn_calloc(ndoms ? ndoms : 1, sizeof(*r->lookups));
	for (i = 0; i < ndoms; i++) {
		struct dom *d = &doms[i];
		struct cairn_capture_lookup *l = &r->lookups[r->lookup_count++];
		size_t j;

		l->domain = cairn_strdup(d->domain);
		l->first_ns = l->last_ns = -1;
		l->allowed = -1;
		struct sort_by_time t = { c, agg };

		if (d->n > 1)
			qsort_r(d->items, d->n, sizeof(*d->items), item_time_cmp, &t);
		l->all = cairn_calloc(d->n, sizeof(char *));
		for (j = 0; j < d->n; j++) {
			const char *name = c->asked[d->items[j]].name;

			l->all[l->all_count++] = cairn_strdup(name);
			if (j < SAMPLE_MAX) {
				l->sample = cairn_realloc(l->sample, (j + 1) * sizeof(char *));
				l->sample[l->sample_count++] = cairn_strdup(name);
			}
			l->lookups += agg[d->items[j]].count;
			if (l->first_ns < 0 || agg[d->items[j]].first < l->first_ns)
				l->first_ns = agg[d->items[j]].first;
			if (agg[d->items[j]].last > l->last_ns)
				l->last_ns = agg[d->items[j]].last;
		}
		l->names = d->n;
		l->peak_names = peak(c, agg, d->items, d->n, 0);
		l->peak_long = peak(c, agg, d->items, d->n, 1);
		/* reverse lookups (in-addr.arpa, ip6.arpa) come in bursts when a
		 * tool resolves the addresses it lists: not a tunnel */
		l->tunnel = (l->peak_names >= TUNNEL_NAMES || l->peak_long >= TUNNEL_LONG_NAMES) &&
			!(strlen(l->domain) >= 5 && !strcmp(l->domain + strlen(l->domain) - 5, ".arpa"));
		xsort(l->all, l->all_count, sizeof(char *), str_cmp);
		free(d->items);
	}
	free(doms);
	xsort(r->lookups, r->lookup_count, sizeof(*r->lookups), lookup_cmp);
}

void cap_lookups_finish(cairn_capture *c, cairn_capture_result *r, uint8_t *is_resolver_flow,
	const cairn_cidr *set, size_t nset, int observed)
{
	struct res *res = NULL;
	struct kmap rmap, first;
	size_t nres = 0, i, primary = 0;
	uint64_t total = 0;
	uint8_t *asked_ok;
	uint32_t *name_first;
	struct agg *agg;
	char buf[64];

	cap_kmap_init(&rmap, 17);
	for (i = 0; i < c->nflows; i++) {
		const struct flow *f = &c->flows[i];
		struct cairn_capture_resolver *o;
		uint8_t key[17];
		uint32_t *v, k;

		if (f->app != APP_DNS || f->bp != 53)
			continue;
		if (!c->all_flows && !cap_is_local(c, set, nset, observed, f->ipver, f->a))
			continue;
		if (f->ipver == 4 ? (f->b[0] & 0xf0) == 0xe0 : f->b[0] == 0xff)
			continue; /* multicast is no resolver */
		is_resolver_flow[i] = 1;
		cap_addr_key(key, f->ipver, f->b);
		v = cap_kmap_find(&rmap, key, 1);
		if (*v == UINT32_MAX) {
			res = cairn_realloc(res, (nres + 1) * sizeof(*res));
			memset(&res[nres], 0, sizeof(*res));
			res[nres].ver = f->ipver;
			memcpy(res[nres].addr, f->b, 16);
			res[nres].out = cairn_calloc(1, sizeof(*res[nres].out));
			res[nres].out->first_ns = res[nres].out->last_ns = -1;
			res[nres].out->allowed = -1;
			cap_addr_str(buf, sizeof(buf), f->ipver, f->b);
			res[nres].out->address = cairn_strdup(buf);
			*v = (uint32_t)nres++;
		}
		o = res[*v].out;
		o->connections++;
		snprintf(buf, sizeof(buf), "%s/%u", f->proto == 6 ? "tcp" : "udp", f->bp);
		strv_add_unique(&o->ports, &o->port_count, buf, 4);
		cap_addr_str(buf, sizeof(buf), f->ipver, f->a);
		strv_add_unique(&o->clients, &o->client_count, buf, CLIENTS_MAX);
		for (k = 0; k < f->nw; k++) {
			o->packets_out += f->w[k].pkts[0];
			o->packets_in += f->w[k].pkts[1];
			o->bytes_out += f->w[k].bytes[0];
			o->bytes_in += f->w[k].bytes[1];
		}
		if (o->first_ns < 0 || f->first < o->first_ns)
			o->first_ns = f->first;
		if (f->last > o->last_ns)
			o->last_ns = f->last;
	}
	/* the queries each resolver got; a name asked of a server that is no
	 * resolver of the local side (an inbound query) is left out */
	asked_ok = cairn_calloc(c->nasked ? c->nasked : 1, 1);
	name_first = cairn_calloc(c->nasked ? c->nasked : 1, sizeof(*name_first));
	agg = cairn_calloc(c->nasked ? c->nasked : 1, sizeof(*agg));
	cap_kmap_init(&first, sizeof(char *));
	for (i = 0; i < c->nasked; i++) {
		const struct asked *a = &c->asked[i];
		uint8_t key[17];
		uint32_t *v;

		cap_addr_key(key, a->ver, a->addr);
		v = cap_kmap_find(&rmap, key, 0);
		if (!v)
			continue;
		asked_ok[i] = 1;
		res[*v].out->queries += a->count;
		res[*v].out->names++;
		total += a->count;
		v = cap_kmap_find(&first, &a->name, 1);
		if (*v == UINT32_MAX) {
			*v = (uint32_t)i;
			agg[i].first = a->first;
			agg[i].last = a->last;
		}
		name_first[i] = *v;
		agg[*v].count += a->count;
		if (a->first < agg[*v].first)
			agg[*v].first = a->first;
		if (a->last > agg[*v].last)
			agg[*v].last = a->last;
	}
	cap_kmap_release(&first);
	/* which resolvers the host normally uses */
	for (i = 1; i < nres; i++)
		if (res[i].out->queries > res[primary].out->queries ||
		    (res[i].out->queries == res[primary].out->queries &&
		     strcmp(res[i].out->address, res[primary].out->address) < 0))
			primary = i;
	for (i = 0; i < nres; i++) {
		struct cairn_capture_resolver *o = res[i].out;
		int usual = i == primary || (total && o->queries * 5 >= total) ||
			same_net(&res[i], &res[primary]) ||
			(cairn_cidr_is_private(res[primary].ver, res[primary].addr) &&
			 cairn_cidr_is_private(res[i].ver, res[i].addr));

		o->unusual = !usual;
	}
	for (i = 0; i < c->nasked; i++) {
		uint8_t key[17];
		uint32_t *v;

		if (!asked_ok[i])
			continue;
		cap_addr_key(key, c->asked[i].ver, c->asked[i].addr);
		v = cap_kmap_find(&rmap, key, 0);
		if (res[*v].out->unusual)
			strv_add_unique(&res[*v].out->asked, &res[*v].out->asked_count,
				c->asked[i].name, ASKED_LIST_MAX);
	}
	r->resolvers = cairn_calloc(nres ? nres : 1, sizeof(*r->resolvers));
	for (i = 0; i < nres; i++) {
		struct cairn_capture_resolver *o = res[i].out;

		xsort(o->ports, o->port_count, sizeof(char *), str_cmp);
		xsort(o->clients, o->client_count, sizeof(char *), str_cmp);
		xsort(o->asked, o->asked_count, sizeof(char *), str_cmp);
		r->resolvers[r->resolver_count++] = *o;
		free(o);
	}
	xsort(r->resolvers, r->resolver_count, sizeof(*r->resolvers), res_cmp);
	build_lookups(c, r, asked_ok, name_first, agg);
	free(agg);
	free(asked_ok);
	free(name_first);
	free(res);
	cap_kmap_release(&rmap);
}
