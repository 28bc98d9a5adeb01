/*
 * capture.c - the cairn-capture engine: flows, names, local side, windows.
 *
 * Memory is bounded by flows and names, not packets: a flow keeps counters
 * per window it saw packets in and, until its application protocol is
 * known, at most INSPECT_MAX bytes of the client's first data.  Per-packet
 * work is a decode, one hash lookup and a counter update.
 */
#include "capture.h"
#include "capture_engine.h"
#include "capture_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- small containers ---- */

void cap_kmap_init(struct kmap *m, size_t klen)
{
	m->e = NULL;
	m->cap = m->count = 0;
	m->klen = klen;
}

void cap_kmap_release(struct kmap *m)
{
	free(m->e);
	m->e = NULL;
	m->cap = m->count = 0;
}

uint32_t *cap_kmap_find(struct kmap *m, const void *key, int insert)
{
	uint64_t h = XXH3_64bits(key, m->klen);
	size_t i;

	if (insert && (m->count + 1) * 2 > m->cap) {
		struct kmap n;
		size_t j;

		n.cap = m->cap ? m->cap * 2 : 64;
		n.klen = m->klen;
		n.count = m->count;
		n.e = cairn_calloc(n.cap, sizeof(*n.e));
		for (j = 0; j < m->cap; j++) {
			if (!m->e[j].used)
				continue;
			i = m->e[j].h & (n.cap - 1);
			while (n.e[i].used)
				i = (i + 1) & (n.cap - 1);
			n.e[i] = m->e[j];
		}
		free(m->e);
		*m = n;
	}
	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1); m->e[i].used; i = (i + 1) & (m->cap - 1))
		if (m->e[i].h == h && !memcmp(m->e[i].key, key, m->klen))
			return &m->e[i].val;
	if (!insert)
		return NULL;
	m->e[i].used = 1;
	m->e[i].h = h;
	m->e[i].val = UINT32_MAX;
	memcpy(m->e[i].key, key, m->klen);
	m->count++;
	return &m->e[i].val;
}

/* The interned string equal to s, or NULL. */
const char *cap_intern_find(const struct strtab *t, const char *s)
{
	uint64_t h;
	size_t i;

	if (!t->cap)
		return NULL;
	h = XXH3_64bits(s, strlen(s));
	for (i = h & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1))
		if (t->hash[i] == h && !strcmp(t->slot[i], s))
			return t->slot[i];
	return NULL;
}

const char *cap_intern(struct strtab *t, const char *s)
{
	size_t n = strlen(s), i;
	uint64_t h = XXH3_64bits(s, n);

	if ((t->count + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256, j;
		char **ns = cairn_calloc(ncap, sizeof(*ns));
		uint64_t *nh = cairn_calloc(ncap, sizeof(*nh));

		for (j = 0; j < t->cap; j++) {
			if (!t->slot[j])
				continue;
			i = t->hash[j] & (ncap - 1);
			while (ns[i])
				i = (i + 1) & (ncap - 1);
			ns[i] = t->slot[j];
			nh[i] = t->hash[j];
		}
		free(t->slot);
		free(t->hash);
		t->slot = ns;
		t->hash = nh;
		t->cap = ncap;
	}
	for (i = h & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1))
		if (t->hash[i] == h && !strcmp(t->slot[i], s))
			return t->slot[i];
	t->slot[i] = cairn_strdup(s);
	t->hash[i] = h;
	t->count++;
	return t->slot[i];
}

void cap_addr_key(uint8_t key[17], uint8_t ver, const uint8_t *a)
{
	memset(key, 0, 17);
	key[0] = ver;
	memcpy(key + 1, a, ver == 4 ? 4 : 16);
}

void cap_addr_str(char *out, size_t outlen, uint8_t ver, const uint8_t *a)
{
	if (!inet_ntop(ver == 4 ? AF_INET : AF_INET6, a, out, (socklen_t)outlen))
		snprintf(out, outlen, "?");
}

/* ---- lifecycle ---- */

int cairn_capture_new(cairn_capture **out, const struct cairn_capture_opts *opts)
{
	cairn_capture *c = cairn_calloc(1, sizeof(*c));

	c->window = opts && opts->window_ns > 0 ? opts->window_ns : 300LL * 1000000000LL;
	c->no_checksum = opts ? opts->no_checksum : 0;
	c->all_flows = opts ? opts->all_flows : 0;
	c->filter = opts && opts->filter ? cairn_strdup(opts->filter) : NULL;
	cap_kmap_init(&c->addr2bind, 17);
	cap_kmap_init(&c->name2log, sizeof(char *));
	cap_kmap_init(&c->observed, 17);
	cap_kmap_init(&c->answered, sizeof(char *));
	cap_kmap_init(&c->pairs, sizeof(char *) + 16);
	cap_kmap_init(&c->asked_map, sizeof(char *) + 16);
	c->st.first_ns = c->st.last_ns = -1;
	*out = c;
	return 0;
}

static void inspect_free(struct flow *f)
{
	if (!f->ins)
		return;
	*f->ins->held -= f->ins->cap + f->ins->srv_cap;
	free(f->ins->buf);
	free(f->ins->srv);
	free(f->ins);
	f->ins = NULL;
}

static void cert_done(struct flow *f)
{
	f->cert_state = CERT_DONE;
	if (!f->cert_ins)
		return;
	*f->cert_ins->held -= f->cert_ins->cap;
	free(f->cert_ins->buf);
	free(f->cert_ins);
	f->cert_ins = NULL;
}

void cairn_capture_free(cairn_capture *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nflows; i++) {
		inspect_free(&c->flows[i]);
		cert_done(&c->flows[i]);
		free(c->flows[i].w);
	}
	free(c->flows);
	free(c->ftab);
	free(c->frag);
	for (i = 0; i < c->strs.cap; i++)
		free(c->strs.slot[i]);
	free(c->strs.slot);
	free(c->strs.hash);
	cap_kmap_release(&c->addr2bind);
	cap_kmap_release(&c->name2log);
	cap_kmap_release(&c->observed);
	cap_kmap_release(&c->answered);
	cap_kmap_release(&c->pairs);
	cap_lookups_free(c);
	free(c->binds);
	for (i = 0; i < c->nlogs; i++)
		free(c->logs[i].addr);
	free(c->logs);
	free(c->locals);
	for (i = 0; i < c->nwarn; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->dnsmsg);
	cap_certs_free(c->certs);
	free(c->filter);
	free(c);
}

/* internal: used by capture_read.c */
const char *cap_filter(const cairn_capture *c);

void cap_warn(cairn_capture *c, const char *msg)
{
	c->warnings = cairn_realloc(c->warnings, (c->nwarn + 1) * sizeof(char *));
	c->warnings[c->nwarn++] = cairn_strdup(msg);
}

const char *cap_filter(const cairn_capture *c)
{
	return c->filter;
}

size_t cairn_capture_warning_count(const cairn_capture *c)
{
	return c->nwarn;
}

const char *cairn_capture_warning(const cairn_capture *c, size_t i)
{
	return i < c->nwarn ? c->warnings[i] : "";
}

int cairn_capture_add_local(cairn_capture *c, const char *s)
{
	cairn_cidr x;

	if (cairn_cidr_parse(&x, s, strlen(s), NULL) < 0)
		return cairn_error_set(CAIRN_EUSAGE, "--local '%s': not an address or CIDR", s);
	c->locals = cairn_realloc(c->locals, (c->nlocals + 1) * sizeof(x));
	c->locals[c->nlocals++] = x;
	return 0;
}

/* ---- flows ---- */

static uint64_t flow_hash(uint8_t ver, uint8_t proto, const uint8_t *x, uint16_t xp,
	const uint8_t *y, uint16_t yp)
{
	uint8_t k[40];
	size_t al = ver == 4 ? 4 : 16;
	int swap = memcmp(x, y, al) > 0 || (memcmp(x, y, al) == 0 && xp > yp);

	if (swap) {
		const uint8_t *t = x;
		uint16_t tp = xp;

		x = y;
		xp = yp;
		y = t;
		yp = tp;
	}
	k[0] = ver;
	k[1] = proto;
	memcpy(k + 2, x, al);
	memcpy(k + 2 + al, y, al);
	memcpy(k + 2 + 2 * al, &xp, 2);
	memcpy(k + 4 + 2 * al, &yp, 2);
	return XXH3_64bits(k, 6 + 2 * al);
}

static int flow_match(const struct flow *f, const struct cap_pkt *p, int *dir)
{
	size_t al = p->ipver == 4 ? 4 : 16;

	if (f->ipver != p->ipver || f->proto != p->proto)
		return 0;
	if (f->ap == p->sport && f->bp == p->dport &&
	    !memcmp(f->a, p->src, al) && !memcmp(f->b, p->dst, al)) {
		*dir = 0;
		return 1;
	}
	if (f->ap == p->dport && f->bp == p->sport &&
	    !memcmp(f->a, p->dst, al) && !memcmp(f->b, p->src, al)) {
		*dir = 1;
		return 1;
	}
	return 0;
}

static uint64_t flow_hash_of(const struct flow *f)
{
	return flow_hash(f->ipver, f->proto, f->a, f->ap, f->b, f->bp);
}

static void ftab_grow(cairn_capture *c)
{
	size_t ncap = c->ftab_cap ? c->ftab_cap * 2 : 1024, i, j;
	uint32_t *nt = cairn_calloc(ncap, sizeof(*nt));

	for (i = 0; i < c->ftab_cap; i++) {
		if (!c->ftab[i])
			continue;
		j = flow_hash_of(&c->flows[c->ftab[i] - 1]) & (ncap - 1);
		while (nt[j])
			j = (j + 1) & (ncap - 1);
		nt[j] = c->ftab[i];
	}
	free(c->ftab);
	c->ftab = nt;
	c->ftab_cap = ncap;
}

/* Returns the slot holding the flow of p, or the empty slot to use. */
static size_t ftab_slot(cairn_capture *c, const struct cap_pkt *p, int *dir)
{
	size_t i = flow_hash(p->ipver, p->proto, p->src, p->sport, p->dst, p->dport)
		& (c->ftab_cap - 1);

	while (c->ftab[i]) {
		if (flow_match(&c->flows[c->ftab[i] - 1], p, dir))
			return i;
		i = (i + 1) & (c->ftab_cap - 1);
	}
	return i;
}

static const struct dnsbind *dns_binding(cairn_capture *c, uint8_t ver, const uint8_t *a)
{
	uint8_t key[17];
	uint32_t *v;

	cap_addr_key(key, ver, a);
	v = cap_kmap_find(&c->addr2bind, key, 0);
	return v ? &c->binds[*v] : NULL;
}

static struct flow *flow_alloc(cairn_capture *c)
{
	struct flow *f;

	if (c->nflows == c->cflows) {
		c->cflows = c->cflows ? c->cflows * 2 : 1024;
		c->flows = cairn_realloc(c->flows, c->cflows * sizeof(*c->flows));
	}
	f = &c->flows[c->nflows];
	memset(f, 0, sizeof(*f));
	return f;
}

static uint32_t flow_new(cairn_capture *c, const struct cap_pkt *p, int initiator_is_src,
	int64_t ts)
{
	struct flow *f = flow_alloc(c);
	const struct dnsbind *b;

	f->ipver = p->ipver;
	f->proto = p->proto;
	if (initiator_is_src) {
		memcpy(f->a, p->src, 16);
		memcpy(f->b, p->dst, 16);
		f->ap = p->sport;
		f->bp = p->dport;
	} else {
		memcpy(f->a, p->dst, 16);
		memcpy(f->b, p->src, 16);
		f->ap = p->dport;
		f->bp = p->sport;
	}
	f->first = f->last = ts;
	if (f->ap == 53 || f->bp == 53)
		f->app = APP_DNS;
	/* the DNS answer must precede the flow; the binding then holds */
	b = dns_binding(c, f->ipver, f->b);
	if (b) {
		f->dns_name = b->name;
		f->dns_chain = b->chain;
	}
	c->st.flows++;
	return (uint32_t)c->nflows++;
}

static int64_t window_of(int64_t ts, int64_t w)
{
	int64_t q = ts / w;

	if (ts % w < 0)
		q--;
	return q * w;
}

/* A new window of f starting at ws, its first and last packet times. */
static struct fwin *fwin_push(struct flow *f, int64_t ws, int64_t first, int64_t last)
{
	struct fwin *w;

	if (f->nw == f->cw) {
		f->cw = f->cw ? f->cw * 2 : 2;
		f->w = cairn_realloc(f->w, f->cw * sizeof(*f->w));
	}
	w = &f->w[f->nw++];
	memset(w, 0, sizeof(*w));
	w->start = ws;
	w->first = first;
	w->last = last;
	return w;
}

static void flow_count(cairn_capture *c, struct flow *f, int dir, int64_t ts, uint64_t bytes)
{
	int64_t ws = window_of(ts, c->window);
	struct fwin *w = NULL;
	uint32_t i;

	/* packets arrive in time order: the window is almost always the last */
	for (i = f->nw; i > 0 && i + 4 > f->nw; i--)
		if (f->w[i - 1].start == ws) {
			w = &f->w[i - 1];
			break;
		}
	if (!w)
		w = fwin_push(f, ws, ts, ts);
	w->pkts[dir]++;
	w->bytes[dir] += bytes;
	if (ts < w->first)
		w->first = ts;
	if (ts > w->last)
		w->last = ts;
	if (ts < f->first)
		f->first = ts;
	if (ts > f->last)
		f->last = ts;
}

/* ---- DNS ---- */

static void observe_local(cairn_capture *c, uint8_t ver, const uint8_t *a)
{
	uint8_t key[17];

	cap_addr_key(key, ver, a);
	*cap_kmap_find(&c->observed, key, 1) = 0;
}

static void dnslog_add(cairn_capture *c, const char *name, const char *chain,
	uint8_t ver, const uint8_t *a, int64_t ts)
{
	uint32_t *v = cap_kmap_find(&c->name2log, &name, 1);
	struct dnslog *l;
	uint8_t key[17];
	uint32_t i;

	if (*v == UINT32_MAX) {
		if (c->nlogs == c->clogs) {
			c->clogs = c->clogs ? c->clogs * 2 : 64;
			c->logs = cairn_realloc(c->logs, c->clogs * sizeof(*c->logs));
		}
		l = &c->logs[c->nlogs];
		memset(l, 0, sizeof(*l));
		l->name = name;
		l->first = ts;
		*v = (uint32_t)c->nlogs++;
	}
	l = &c->logs[*v];
	l->chain = chain;
	l->answers++;
	cap_addr_key(key, ver, a);
	for (i = 0; i < l->naddr; i++)
		if (!memcmp(l->addr[i], key, 17))
			return;
	if (l->naddr >= DNSLOG_ADDR_MAX)
		return;
	l->addr = cairn_realloc(l->addr, (l->naddr + 1) * sizeof(*l->addr));
	memcpy(l->addr[l->naddr++], key, 17);
}

static void dns_bind(cairn_capture *c, const char *name, const char *chain,
	uint8_t ver, const uint8_t *a, int64_t ts)
{
	uint8_t key[17];
	uint32_t *v;

	cap_addr_key(key, ver, a);
	if (c->nbinds >= NAMES_MAX && !cap_kmap_find(&c->addr2bind, key, 0)) {
		c->names_dropped++;
		return;
	}
	v = cap_kmap_find(&c->addr2bind, key, 1);
	if (*v == UINT32_MAX) {
		if (c->nbinds == c->cbinds) {
			c->cbinds = c->cbinds ? c->cbinds * 2 : 64;
			c->binds = cairn_realloc(c->binds, c->cbinds * sizeof(*c->binds));
		}
		*v = (uint32_t)c->nbinds++;
	}
	/* last answer wins, whatever its TTL said */
	c->binds[*v].name = name;
	c->binds[*v].chain = chain;
	dnslog_add(c, name, chain, ver, a, ts);
}

/* The parse buffer of DNS messages (130 KiB): made when the first comes. */
static struct cap_dns_msg *dnsmsg(cairn_capture *c)
{
	if (!c->dnsmsg)
		c->dnsmsg = cairn_malloc(sizeof(*c->dnsmsg));
	return c->dnsmsg;
}

/* The interned copy of a DNS name, or NULL when the name budget is spent
 * (then counted: the evidence of names is partial, and said so). */
static const char *dns_intern(cairn_capture *c, const char *name)
{
	const char *s = cap_intern_find(&c->strs, name);

	if (s)
		return s;
	if (c->strs.count >= NAMES_MAX) {
		c->names_dropped++;
		return NULL;
	}
	return cap_intern(&c->strs, name);
}

/* A v4 address is keyed as ::ffff:a.b.c.d: one 16-byte key for both. */
static void pair_key(uint8_t key[sizeof(char *) + 16], const char *name, uint8_t ver,
	const uint8_t *a)
{
	memcpy(key, &name, sizeof(name));
	memset(key + sizeof(name), 0, 16);
	if (ver == 4) {
		key[sizeof(name) + 10] = key[sizeof(name) + 11] = 0xff;
		memcpy(key + sizeof(name) + 12, a, 4);
	} else {
		memcpy(key + sizeof(name), a, 16);
	}
}

static void dns_answered(cairn_capture *c, const char *name, uint32_t bits)
{
	const char *n = dns_intern(c, name);

	if (n) {
		uint32_t *v = cap_kmap_find(&c->answered, &n, 1);

		*v = (*v == UINT32_MAX ? 0 : *v) | bits;
	}
}

/* A DNS answer put name on address a: that backs a client's claim of the
 * name on a connection to a. */
static void dns_pair(cairn_capture *c, const char *name, uint8_t ver, const uint8_t *a)
{
	uint8_t key[sizeof(char *) + 16];
	const char *n = dns_intern(c, name);

	if (!n)
		return;
	pair_key(key, n, ver, a);
	*cap_kmap_find(&c->pairs, key, 1) = 0;
	dns_answered(c, n, ver == 4 ? ANS_A : ANS_AAAA);
}

static void dns_message(cairn_capture *c, const uint8_t *msg, size_t len,
	const struct cap_pkt *p, int from_client, int64_t ts)
{
	struct cap_dns_msg *m = dnsmsg(c);
	unsigned i;

	if (cap_dns_parse(m, msg, len) < 0)
		return;
	if (!m->is_response) {
		if (from_client) {
			observe_local(c, p->ipver, p->src);
			cap_lookup_record(c, p->ipver, p->dst, m->qname, ts);
		}
		return;
	}
	if (!m->qname[0] || (m->rcode != 0 && m->rcode != 3))
		return;
	/* a name is said to live elsewhere only by addresses really given
	 * (dns_pair) or by NXDOMAIN; an empty or cut answer says nothing */
	if (m->rcode == 3) {
		dns_answered(c, m->qname, ANS_NX);
		return;
	}
	for (i = 0; i < m->rr_count; i++) {
		const struct cap_dns_rr *rr = &m->rr[i];
		cairn_buf chain = CAIRN_BUF_INIT;
		const char *cur = m->qname, *name = rr->owner;
		int hops, found = 0;
		unsigned j;

		if (rr->type != 1 && rr->type != 28)
			continue;
		/* follow CNAMEs from the asked name to this record's owner;
		 * every name on the way is joined to the address */
		cairn_buf_addstr(&chain, m->qname);
		for (hops = 0; hops <= CHAIN_MAX; hops++) {
			dns_pair(c, cur, rr->type == 1 ? 4 : 6, rr->addr);
			if (!strcmp(cur, rr->owner)) {
				found = 1;
				break;
			}
			for (j = 0; j < m->rr_count; j++)
				if (m->rr[j].type == 5 && !strcmp(m->rr[j].owner, cur))
					break;
			if (j == m->rr_count)
				break;
			cur = m->rr[j].target;
			cairn_buf_addch(&chain, ' ');
			cairn_buf_addstr(&chain, cur);
		}
		if (found) {
			name = m->qname;
		} else {
			dns_pair(c, rr->owner, rr->type == 1 ? 4 : 6, rr->addr);
			cairn_buf_clear(&chain);
			cairn_buf_addstr(&chain, rr->owner);
		}
		if (c->strs.count >= NAMES_MAX &&
		    (!cap_intern_find(&c->strs, name) || !cap_intern_find(&c->strs, chain.data))) {
			c->names_dropped++; /* memory stays bounded; reported */
		} else {
			dns_bind(c, cap_intern(&c->strs, name), cap_intern(&c->strs, chain.data),
				rr->type == 1 ? 4 : 6, rr->addr, ts);
		}
		cairn_buf_release(&chain);
	}
}

/* ---- what sensors logged (lib/capture_logs.c) ---- */

void cap_dns_query_seen(cairn_capture *c, uint8_t ver, const uint8_t *client,
	const uint8_t *server, const char *qname, int64_t ts)
{
	observe_local(c, ver, client);
	cap_lookup_record(c, ver, server, qname, ts);
}

void cap_dns_answer_seen(cairn_capture *c, const char *qname, int rcode,
	const char *const *cnames, size_t ncnames, const struct cap_addr *addrs, size_t naddrs,
	int64_t ts)
{
	cairn_buf chain = CAIRN_BUF_INIT;
	size_t i, k;

	if (rcode == 3) {
		dns_answered(c, qname, ANS_NX);
		return;
	}
	if (rcode != 0)
		return;
	/* a log lists the chain's names and the addresses, not which record
	 * each belongs to: every name of the chain is joined to every address */
	cairn_buf_addstr(&chain, qname);
	for (k = 0; k < ncnames && k < CHAIN_MAX; k++) {
		cairn_buf_addch(&chain, ' ');
		cairn_buf_addstr(&chain, cnames[k]);
	}
	for (i = 0; i < naddrs; i++) {
		dns_pair(c, qname, addrs[i].ver, addrs[i].a);
		for (k = 0; k < ncnames && k < CHAIN_MAX; k++)
			dns_pair(c, cnames[k], addrs[i].ver, addrs[i].a);
		if (c->strs.count >= NAMES_MAX &&
		    (!cap_intern_find(&c->strs, qname) || !cap_intern_find(&c->strs, chain.data)))
			c->names_dropped++;
		else
			dns_bind(c, cap_intern(&c->strs, qname), cap_intern(&c->strs, chain.data),
				addrs[i].ver, addrs[i].a, ts);
	}
	cairn_buf_release(&chain);
}

/*
 * A logged connection becomes a flow like one built from its packets.  Its
 * counters are spread over the windows it spans, in proportion to the
 * time in each (a log has totals, not packets); a span longer than
 * IDLE_WINDOWS_MAX windows puts them in its first and last.
 */
void cap_flow_from_log(cairn_capture *c, const struct cap_logflow *lf)
{
	struct flow *f = flow_alloc(c);
	const struct dnsbind *b;
	int64_t ws, span = lf->last - lf->first, w0 = window_of(lf->first, c->window);
	int64_t nwin = (window_of(lf->last, c->window) - w0) / c->window + 1;
	uint64_t left_p[2], left_b[2];
	int d;

	f->ipver = lf->ver;
	f->proto = lf->proto;
	memcpy(f->a, lf->a, 16);
	memcpy(f->b, lf->b, 16);
	f->ap = lf->ap;
	f->bp = lf->bp;
	f->first = lf->first;
	f->last = lf->last;
	f->closed = 1;
	f->inspect_done = 1;
	f->syn_seen = lf->syn;
	f->quic_client = lf->quic;
	if (lf->dns)
		f->app = APP_DNS;
	else if (lf->quic)
		f->app = APP_QUIC;
	else if (lf->tls)
		f->app = APP_TLS;
	else if (lf->http || lf->http_host || lf->proxy_kind == PROXY_ABSOLUTE)
		f->app = APP_HTTP;
	b = dns_binding(c, f->ipver, f->b);
	if (b) {
		f->dns_name = b->name;
		f->dns_chain = b->chain;
	}
	if (lf->sni) {
		f->sni = cap_intern(&c->strs, lf->sni);
		f->name_src = lf->quic ? SRC_QUIC : SRC_TLS;
		if (lf->cert_sni) {
			f->cert_name = f->sni;
			f->cert_ok = f->cert_sni = 1;
		}
	}
	if (lf->http_host)
		f->http_host = cap_intern(&c->strs, lf->http_host);
	if (lf->proxy_kind && lf->proxy_host) {
		f->proxy_kind = lf->proxy_kind;
		f->proxy_host = cap_intern(&c->strs, lf->proxy_host);
		f->proxy_port = lf->proxy_port;
	}
	c->st.flows++;
	c->nflows++;
	if (c->st.first_ns < 0 || lf->first < c->st.first_ns)
		c->st.first_ns = lf->first;
	if (lf->last > c->st.last_ns)
		c->st.last_ns = lf->last;
	c->st.packets += lf->pkts[0] + lf->pkts[1];
	c->st.ip_packets += lf->pkts[0] + lf->pkts[1];
	for (d = 0; d < 2; d++) {
		left_p[d] = lf->pkts[d];
		left_b[d] = lf->bytes[d];
	}
	if (nwin > IDLE_WINDOWS_MAX)
		nwin = 2;
	for (ws = w0; nwin > 0; nwin--, ws += c->window) {
		struct fwin *w;
		int64_t lo, hi;

		if (nwin == 1)
			ws = window_of(lf->last, c->window);
		lo = lf->first > ws ? lf->first : ws;
		hi = lf->last < ws + c->window - 1 ? lf->last : ws + c->window - 1;
		w = fwin_push(f, ws, lo, hi);
		for (d = 0; d < 2; d++) {
			/* the share of the span in this window; the last takes the rest */
			uint64_t p = nwin == 1 || span <= 0 ? left_p[d] :
				(uint64_t)((__int128)lf->pkts[d] * (hi - lo) / span);
			uint64_t by = nwin == 1 || span <= 0 ? left_b[d] :
				(uint64_t)((__int128)lf->bytes[d] * (hi - lo) / span);

			if (p > left_p[d])
				p = left_p[d];
			if (by > left_b[d])
				by = left_b[d];
			w->pkts[d] = p;
			w->bytes[d] = by;
			left_p[d] -= p;
			left_b[d] -= by;
		}
		if (nwin == 1)
			break;
	}
}

/* ---- inspection of the first bytes ---- */

static struct inspect *inspect_get(cairn_capture *c, struct flow *f)
{
	if (!f->ins) {
		f->ins = cairn_calloc(1, sizeof(*f->ins));
		f->ins->held = &c->held;
	}
	return f->ins;
}

/* Make room for need bytes in *buf; -1 when the budget is spent. */
static int inspect_room(struct inspect *in, uint8_t **buf, size_t *cap, size_t need)
{
	size_t ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 2048;
	if (ncap < need)
		ncap = need;
	if (*in->held + (ncap - *cap) > INSPECT_BUDGET)
		return -1;
	*buf = cairn_realloc(*buf, ncap);
	*in->held += ncap - *cap;
	*cap = ncap;
	return 0;
}

static void inspect_done(struct flow *f)
{
	f->inspect_done = 1;
	inspect_free(f);
}

/* Place len bytes at stream offset off; returns 1 when contig grew, -1
 * when the inspection budget is spent. */
static int stream_put(struct inspect *in, uint64_t off, const uint8_t *d, size_t len)
{
	size_t before = in->contig;
	int i, merged;

	if (off >= INSPECT_MAX || len == 0)
		return 0;
	if (len > INSPECT_MAX - off)
		len = (size_t)(INSPECT_MAX - off);
	if (inspect_room(in, &in->buf, &in->cap, (size_t)off + len) < 0)
		return -1;
	memcpy(in->buf + off, d, len);
	if (off <= in->contig) {
		if (off + len > in->contig)
			in->contig = (size_t)off + len;
	} else if (in->npend < 8) {
		in->pend[in->npend].s = (uint32_t)off;
		in->pend[in->npend].e = (uint32_t)(off + len);
		in->npend++;
	}
	do {
		merged = 0;
		for (i = 0; i < in->npend; i++) {
			if (in->pend[i].s <= in->contig) {
				if (in->pend[i].e > in->contig)
					in->contig = in->pend[i].e;
				in->pend[i] = in->pend[--in->npend];
				merged = 1;
				break;
			}
		}
	} while (merged);
	return in->contig > before;
}

/* The first bytes of a CONNECT tunnel, after the request: a TLS hello's
 * SNI names what the client asked the tunnelled host for. */
static int tunnel_data(cairn_capture *c, struct flow *f, struct inspect *in)
{
	struct cap_hello_info hello;
	int r;

	if (in->contig <= in->tunnel_at)
		return CAP_HELLO_MORE;
	if (in->buf[in->tunnel_at] != 22)
		return CAP_HELLO_NOT;
	r = cap_tls_client_hello(&hello, in->buf + in->tunnel_at, in->contig - in->tunnel_at);
	if (r == CAP_HELLO_FOUND) {
		f->app = APP_TLS;
		if (hello.sni[0]) {
			f->sni = cap_intern(&c->strs, hello.sni);
			f->name_src = hello.ech ? SRC_TLS_ECH : SRC_TLS;
		}
	}
	return r;
}

static void tcp_client_data(cairn_capture *c, struct flow *f, const struct cap_pkt *p)
{
	struct inspect *in = inspect_get(c, f);
	struct cap_hello_info hello;
	struct cap_http_req req;
	uint32_t rel;
	int r;

	if (!in->have_base) {
		in->base = p->seq;
		in->have_base = 1;
	}
	rel = p->seq - in->base;
	r = stream_put(in, rel, p->payload, p->payload_len);
	if (r < 0) {
		c->st.uninspected++;
		inspect_done(f);
		return;
	}
	if (r == 0)
		return;
	if (in->in_tunnel) {
		r = tunnel_data(c, f, in);
	} else if (in->buf[0] == 22) {
		f->app = APP_TLS;
		r = cap_tls_client_hello(&hello, in->buf, in->contig);
		if (r == CAP_HELLO_FOUND && hello.sni[0]) {
			f->sni = cap_intern(&c->strs, hello.sni);
			f->name_src = hello.ech ? SRC_TLS_ECH : SRC_TLS;
		}
		/* up to TLS 1.2 the server answers with its certificate */
		if (r == CAP_HELLO_FOUND && f->cert_state == CERT_NONE)
			f->cert_state = CERT_LOOKING;
	} else {
		r = cap_http_request(&req, in->buf, in->contig);
		if (r == CAP_HELLO_FOUND) {
			f->app = APP_HTTP;
			if (req.host[0])
				f->http_host = cap_intern(&c->strs, req.host);
			/* a request to a proxy names the host it is for */
			if (req.target[0] && (req.connect || req.absolute)) {
				f->proxy_kind = req.connect ? PROXY_CONNECT : PROXY_ABSOLUTE;
				f->proxy_host = cap_intern(&c->strs, req.target);
				f->proxy_port = req.target_port;
				if (req.connect && req.head_len && req.head_len < INSPECT_MAX) {
					in->in_tunnel = 1;
					in->tunnel_at = (uint32_t)req.head_len;
					f->app = APP_NONE;
					r = tunnel_data(c, f, in);
				}
			}
		}
	}
	if (r != CAP_HELLO_MORE || in->contig >= INSPECT_MAX)
		inspect_done(f);
}

/* The server's first bytes of a TLS connection: its certificate chain,
 * judged once whole (lib/capture_cert.c). */
static void tcp_server_data(cairn_capture *c, struct flow *f, const struct cap_pkt *p)
{
	struct inspect *in = f->cert_ins;
	struct cap_cert_chain ch;
	struct cap_cert_verdict v;
	int r;

	if (!in) {
		in = f->cert_ins = cairn_calloc(1, sizeof(*in));
		in->held = &c->held;
		in->base = f->srv_syn ? f->srv_isn + 1 : p->seq;
	}
	r = stream_put(in, (uint32_t)(p->seq - in->base), p->payload, p->payload_len);
	if (r < 0 || ++in->client_pkts > CERT_PKTS) {
		cert_done(f);
		return;
	}
	if (r == 0)
		return;
	r = cap_tls_server_certs(&ch, in->buf, in->contig);
	if (r == CAP_HELLO_FOUND) {
		cap_cert_judge(c, &v, &ch, f->sni, f->first);
		f->cert_name = v.name;
		f->cert_ok = (uint8_t)v.verified;
		f->cert_sni = (uint8_t)v.covers_sni;
	}
	if (r != CAP_HELLO_MORE || in->contig >= INSPECT_MAX)
		cert_done(f);
}

static void quic_crypto(void *ctx, uint64_t offset, const uint8_t *data, size_t len)
{
	stream_put(ctx, offset, data, len); /* over budget: the hello stays incomplete */
}

static void udp_client_data(cairn_capture *c, struct flow *f, const struct cap_pkt *p)
{
	struct inspect *in;
	struct cap_hello_info hello;
	uint8_t dcid[CAP_QUIC_CID_MAX];
	size_t dcid_len = 0;
	int r, initial;

	initial = cap_quic_is_initial(p->payload, p->payload_len, dcid, &dcid_len);
	if (!initial) {
		if (!f->ins || !f->ins->have_dcid)
			inspect_done(f); /* first datagram is not QUIC: other UDP */
		return;
	}
	in = inspect_get(c, f);
	f->app = APP_QUIC;
	if (!in->have_dcid) {
		f->quic_client = 1;
		/* RFC 9001 §5.2: keys come from the client's first DCID */
		memcpy(in->dcid, dcid, dcid_len);
		in->dcid_len = (uint8_t)dcid_len;
		in->have_dcid = 1;
	}
	r = cap_quic_client_initial(p->payload, p->payload_len, in->dcid, in->dcid_len,
		quic_crypto, in);
	if (r == 0 && (dcid_len != in->dcid_len || memcmp(dcid, in->dcid, dcid_len)))
		cap_quic_client_initial(p->payload, p->payload_len, dcid, dcid_len,
			quic_crypto, in); /* after a Retry the client uses a new DCID */
	if (!in->contig)
		return;
	r = cap_tls_handshake_hello(&hello, in->buf, in->contig);
	if (r == CAP_HELLO_FOUND && hello.sni[0]) {
		f->sni = cap_intern(&c->strs, hello.sni);
		f->name_src = hello.ech ? SRC_QUIC_ECH : SRC_QUIC;
	}
	if (r != CAP_HELLO_MORE)
		inspect_done(f);
}

static void tcp_dns_server_data(cairn_capture *c, struct flow *f, const struct cap_pkt *p,
	int64_t ts)
{
	struct inspect *in = inspect_get(c, f);
	size_t used = 0;

	if (!in->srv_have) {
		in->srv_next = p->seq;
		in->srv_have = 1;
	}
	if (p->seq != in->srv_next)
		return; /* only in-order data; a gap loses the rest of the stream */
	in->srv_next += (uint32_t)p->payload_len;
	if (in->srv_len + p->payload_len > DNS_TCP_MAX + 65536 ||
	    inspect_room(in, &in->srv, &in->srv_cap, in->srv_len + p->payload_len) < 0) {
		in->srv_len = 0;
		in->srv_have = 0;
		return;
	}
	memcpy(in->srv + in->srv_len, p->payload, p->payload_len);
	in->srv_len += p->payload_len;
	/* RFC 1035 §4.2.2: two-byte length prefix per message */
	while (in->srv_len - used >= 2) {
		size_t ml = (size_t)in->srv[used] << 8 | in->srv[used + 1];

		if (in->srv_len - used < 2 + ml)
			break;
		dns_message(c, in->srv + used + 2, ml, p, 0, ts);
		used += 2 + ml;
	}
	memmove(in->srv, in->srv + used, in->srv_len - used);
	in->srv_len -= used;
}

/* ---- per packet ---- */

/* TCP/UDP checksums are checked on the packets whose content is read (DNS,
 * the first data of each flow): a bulk transfer costs no summing.  A bad
 * one is counted -- checksum offload makes them common -- never dropped. */
static void verify_content(cairn_capture *c, struct cap_pkt *p)
{
	int r;

	if (c->no_checksum)
		return;
	r = cap_verify_l4(p);
	if (r < 0)
		return;
	c->st.checksummed++;
	if (r && !p->bad_checksum) {
		p->bad_checksum = 1;
		c->st.bad_checksums++;
	}
}

static void frag_remember(cairn_capture *c, const struct cap_pkt *p, uint32_t flow, int dir)
{
	size_t al = p->ipver == 4 ? 4 : 16;
	uint64_t h = XXH3_64bits(p->src, al) ^ (XXH3_64bits(p->dst, al) * 31) ^ p->frag_id;
	struct fragent *e;

	/* most captures have no fragment: the table comes with the first */
	if (!c->frag)
		c->frag = cairn_calloc(FRAG_SLOTS, sizeof(*c->frag));
	e = &c->frag[h & (FRAG_SLOTS - 1)];
	e->used = 1;
	e->ver = p->ipver;
	e->proto = p->proto;
	memcpy(e->src, p->src, 16);
	memcpy(e->dst, p->dst, 16);
	e->id = p->frag_id;
	e->flow = flow;
	e->dir = (uint8_t)dir;
}

static struct fragent *frag_lookup(cairn_capture *c, const struct cap_pkt *p)
{
	size_t al = p->ipver == 4 ? 4 : 16;
	uint64_t h = XXH3_64bits(p->src, al) ^ (XXH3_64bits(p->dst, al) * 31) ^ p->frag_id;
	struct fragent *e;

	if (!c->frag)
		return NULL;
	e = &c->frag[h & (FRAG_SLOTS - 1)];
	if (e->used && e->ver == p->ipver && e->id == p->frag_id && e->proto == p->proto &&
	    !memcmp(e->src, p->src, 16) && !memcmp(e->dst, p->dst, 16))
		return e;
	return NULL;
}

void cairn_capture_feed(cairn_capture *c, int linktype, int64_t ts,
	const uint8_t *data, size_t caplen)
{
	struct cap_pkt p;
	struct flow *f;
	uint32_t fi;
	size_t slot;
	int r, dir = 0;

	c->st.packets++;
	if (ts < 0 || ts >= CAIRN_CAPTURE_TS_MAX) {
		c->st.bad_timestamps++;
		return;
	}
	if (c->st.first_ns < 0 || ts < c->st.first_ns)
		c->st.first_ns = ts;
	if (ts > c->st.last_ns)
		c->st.last_ns = ts;
	r = cap_decode(&p, linktype, data, caplen, !c->no_checksum);
	if (r == CAP_DEC_NOT_IP) {
		c->st.non_ip++;
		return;
	}
	if (r != CAP_DEC_OK) {
		c->st.malformed++;
		return;
	}
	c->st.ip_packets++;
	if (p.bad_checksum)
		c->st.bad_checksums++;
	if (p.frag)
		c->st.fragments++;
	if (!p.has_ports) {
		struct fragent *e;

		if (p.frag != CAP_FRAG_LATER)
			return; /* ICMP and friends are not flows */
		e = frag_lookup(c, &p);
		if (!e || e->flow >= c->nflows) {
			c->st.unattributed_fragments++;
			return;
		}
		flow_count(c, &c->flows[e->flow], e->dir, ts, p.ip_len);
		return;
	}

	if ((c->ftab_used + 1) * 2 > c->ftab_cap)
		ftab_grow(c);
	slot = ftab_slot(c, &p, &dir);
	if (c->ftab[slot]) {
		fi = c->ftab[slot] - 1;
		f = &c->flows[fi];
		/* a new SYN on a finished connection starts a new one (port reuse) */
		if (p.proto == 6 && (p.tcp_flags & (CAP_TCP_SYN | CAP_TCP_ACK)) == CAP_TCP_SYN &&
		    (f->closed || (f->syn_seen && f->syn_isn != p.seq && dir == 0))) {
			fi = flow_new(c, &p, 1, ts);
			c->ftab[slot] = fi + 1;
			dir = 0;
		}
	} else {
		int init_src = 1;

		if (p.proto == 6 && (p.tcp_flags & CAP_TCP_SYN))
			init_src = !(p.tcp_flags & CAP_TCP_ACK);
		else if (p.sport < 1024 && p.dport >= 1024)
			init_src = 0; /* first seen mid-way: the server answers */
		fi = flow_new(c, &p, init_src, ts);
		c->ftab[slot] = fi + 1;
		c->ftab_used++;
		dir = init_src ? 0 : 1;
	}
	f = &c->flows[fi];
	flow_count(c, f, dir, ts, p.ip_len);
	/* NFLOG says which local user sent it: the first mark holds */
	if (p.has_uid && !f->has_uid) {
		f->has_uid = 1;
		f->uid = p.uid;
	}
	if (p.has_gid && !f->has_gid) {
		f->has_gid = 1;
		f->gid = p.gid;
	}
	if (p.frag == CAP_FRAG_FIRST)
		frag_remember(c, &p, fi, dir);

	if (p.proto == 6) {
		if ((p.tcp_flags & (CAP_TCP_SYN | CAP_TCP_ACK)) == CAP_TCP_SYN) {
			if (dir == 0) {
				f->syn_seen = 1;
				f->syn_isn = p.seq;
				if (!f->inspect_done) {
					struct inspect *in = inspect_get(c, f);

					in->base = p.seq + 1;
					in->have_base = 1;
				}
			}
		} else if ((p.tcp_flags & (CAP_TCP_SYN | CAP_TCP_ACK)) ==
		           (CAP_TCP_SYN | CAP_TCP_ACK) && dir == 1) {
			f->srv_syn = 1;
			f->srv_isn = p.seq;
		}
		if (p.tcp_flags & (CAP_TCP_FIN | CAP_TCP_RST))
			f->closed = 1;
	}
	if (f->app == APP_DNS) {
		if (!p.payload_len)
			return;
		verify_content(c, &p);
		if (p.proto == 17) {
			if (p.frag == CAP_FRAG_NONE || p.frag == CAP_FRAG_FIRST)
				dns_message(c, p.payload, p.payload_len, &p, dir == 0, ts);
		} else if (dir == 1) {
			tcp_dns_server_data(c, f, &p, ts);
		} else if (p.payload_len > 2 && !f->inspect_done) {
			struct cap_dns_msg *m = dnsmsg(c);

			/* the client's first query marks it local */
			if (cap_dns_parse(m, p.payload + 2, p.payload_len - 2) == 0 &&
			    !m->is_response) {
				observe_local(c, p.ipver, p.src);
				cap_lookup_record(c, p.ipver, p.dst, m->qname, ts);
			}
		}
		return;
	}
	if (dir == 1 && f->cert_state == CERT_LOOKING && p.payload_len && p.proto == 6) {
		verify_content(c, &p);
		tcp_server_data(c, f, &p);
		return;
	}
	if (f->inspect_done || dir != 0 || !p.payload_len)
		return;
	if (++inspect_get(c, f)->client_pkts > INSPECT_PKTS) {
		inspect_done(f);
		return;
	}
	if (p.frag == CAP_FRAG_FIRST && p.proto == 17) {
		inspect_done(f); /* a fragmented datagram cannot be read whole */
		return;
	}
	verify_content(c, &p);
	if (p.proto == 6)
		tcp_client_data(c, f, &p);
	else
		udp_client_data(c, f, &p);
}

/* ---- result ---- */

struct contrib {
	int64_t window;
	const char *host;
	uint32_t flow;
	struct fwin *w;      /* NULL: the flow was open but idle in this window */
};

/* qsort with NULL and 0 is undefined behaviour: guard it */
static void xsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int contrib_cmp_window(const void *x, const void *y)
{
	const struct contrib *a = x, *b = y;
	int r;

	if (a->window != b->window)
		return a->window < b->window ? -1 : 1;
	r = strcmp(a->host, b->host);
	if (r)
		return r;
	return a->flow < b->flow ? -1 : a->flow > b->flow;
}

static int contrib_cmp_host(const void *x, const void *y)
{
	const struct contrib *a = x, *b = y;
	int r = strcmp(a->host, b->host);

	if (r)
		return r;
	if (a->flow != b->flow)
		return a->flow < b->flow ? -1 : 1;
	return a->window < b->window ? -1 : a->window > b->window;
}

static int fwin_cmp(const void *x, const void *y)
{
	const struct fwin *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Append s to a string set; set_finish() sorts and drops duplicates.
 * Only the last few are compared here: a host reached at thousands of
 * addresses must not cost a quadratic scan. */
static void set_add(char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = *n; i > 0 && i + 4 > *n; i--)
		if (!strcmp((*v)[i - 1], s))
			return;
	if ((*n & (*n - 1)) == 0) /* grow at powers of two */
		*v = cairn_realloc(*v, (*n ? *n * 2 : 1) * sizeof(char *));
	(*v)[(*n)++] = cairn_strdup(s);
}

static void set_finish(char **v, size_t *n, int (*cmp)(const void *, const void *))
{
	size_t i, o = 0;

	xsort(v, *n, sizeof(char *), cmp);
	for (i = 0; i < *n; i++) {
		if (o && !strcmp(v[o - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[o++] = v[i];
	}
	*n = o;
}

static void split_chain(char ***v, size_t *n, const char *chain)
{
	const char *s = chain;

	*v = NULL;
	*n = 0;
	while (s && *s) {
		const char *e = strchr(s, ' ');
		size_t l = e ? (size_t)(e - s) : strlen(s);

		*v = cairn_realloc(*v, (*n + 1) * sizeof(char *));
		(*v)[(*n)++] = cairn_strndup(s, l);
		s = e ? e + 1 : NULL;
	}
}

/* Where the capture's DNS put a name (for a contradicted one). */
static void dns_said(cairn_capture *c, struct cairn_capture_name *nm, const char *name)
{
	uint32_t *v = cap_kmap_find(&c->name2log, &name, 0), *bits;
	char buf[64];
	uint32_t k;

	if (v) {
		const struct dnslog *l = &c->logs[*v];

		for (k = 0; k < l->naddr; k++) {
			cap_addr_str(buf, sizeof(buf), l->addr[k][0], l->addr[k] + 1);
			set_add(&nm->dns_addresses, &nm->dns_address_count, buf);
		}
	}
	bits = cap_kmap_find(&c->answered, &name, 0);
	if (bits && (*bits & ANS_NX))
		set_add(&nm->dns_addresses, &nm->dns_address_count, "NXDOMAIN");
}

static void host_add_name(cairn_capture *c, struct cairn_capture_host *h, const char *name,
	const char *source, const char *chain, int evidence)
{
	struct cairn_capture_name *nm = NULL;
	size_t i;

	for (i = 0; i < h->name_count; i++)
		if (!strcmp(h->names[i].name, name))
			nm = &h->names[i];
	if (!nm) {
		h->names = cairn_realloc(h->names, (h->name_count + 1) * sizeof(*h->names));
		nm = &h->names[h->name_count++];
		memset(nm, 0, sizeof(*nm));
		nm->name = cairn_strdup(name);
		nm->evidence = evidence;
	}
	/* the weakest evidence of the connections that carry the name */
	if (evidence < nm->evidence)
		nm->evidence = evidence;
	if (evidence == CAIRN_CAPTURE_CONTRADICTED && !nm->dns_address_count)
		dns_said(c, nm, name);
	set_add(&nm->sources, &nm->source_count, source);
	if (chain && !nm->chain_count && strchr(chain, ' '))
		split_chain(&nm->chain, &nm->chain_count, chain);
}

/*
 * How the capture backs a name the client sent on a connection: a DNS
 * answer joined it to the responder address (confirmed), or DNS gave it
 * addresses of that family and not this one, or NXDOMAIN (contradicted),
 * or DNS said nothing of it (claimed).  When names were dropped (the
 * NAMES_MAX budget) the answers are incomplete: nothing is contradicted.
 */
static int name_evidence(cairn_capture *c, const struct flow *f, const char *name)
{
	uint8_t key[sizeof(char *) + 16];
	uint32_t *bits;

	pair_key(key, name, f->ipver, f->b);
	if (cap_kmap_find(&c->pairs, key, 0))
		return CAIRN_CAPTURE_CONFIRMED;
	/* the server proved it holds a key a CA certified for the name */
	if (f->cert_ok && f->cert_name == name)
		return CAIRN_CAPTURE_CONFIRMED;
	bits = cap_kmap_find(&c->answered, &name, 0);
	if (bits && !c->names_dropped &&
	    (*bits & (ANS_NX | (f->ipver == 4 ? ANS_A : ANS_AAAA))))
		return CAIRN_CAPTURE_CONTRADICTED;
	return CAIRN_CAPTURE_CLAIMED;
}

/* The strongest name of a flow that the capture does not contradict. */
static const char *flow_host(cairn_capture *c, const struct flow *f, char *buf, size_t len)
{
	/* through a proxy: the host the request asked the proxy for */
	if (f->proxy_host)
		return f->proxy_host;
	if (f->sni && f->ev_sni != CAIRN_CAPTURE_CONTRADICTED)
		return f->sni;
	if (f->http_host && f->ev_http != CAIRN_CAPTURE_CONTRADICTED)
		return f->http_host;
	if (f->dns_name)
		return f->dns_name;
	if (f->cert_name && f->ev_cert != CAIRN_CAPTURE_CONTRADICTED)
		return f->cert_name;
	cap_addr_str(buf, len, f->ipver, f->b);
	return cap_intern(&c->strs, buf);
}

static int num_cmp(const void *x, const void *y)
{
	unsigned long a = strtoul(*(char *const *)x, NULL, 10), b = strtoul(*(char *const *)y, NULL, 10);

	return (a > b) - (a < b);
}

static int port_cmp(const void *x, const void *y)
{
	const char *a = *(char *const *)x, *b = *(char *const *)y;
	int pa = a[0] == 'u', pb = b[0] == 'u';

	if (pa != pb)
		return pa - pb;
	return atoi(a + 4) - atoi(b + 4);
}

/* "192.0.2.1:3128", "[2001:db8::1]:3128" */
static void proxy_str(char *out, size_t len, const struct flow *f)
{
	char a[64];

	cap_addr_str(a, sizeof(a), f->ipver, f->b);
	snprintf(out, len, f->ipver == 6 ? "[%s]:%u" : "%s:%u", a, f->bp);
}

static void host_add_flow(cairn_capture *c, struct cairn_capture_host *h,
	const struct flow *f)
{
	char buf[64];
	const char *proto = NULL;

	if (f->sni) {
		const char *src = f->name_src == SRC_TLS ? "tls-sni" :
			f->name_src == SRC_QUIC ? "quic-sni" :
			f->name_src == SRC_QUIC_ECH ? "quic-sni-ech-outer" : "tls-sni-ech-outer";

		host_add_name(c, h, f->sni, src, NULL, f->ev_sni);
		if (f->name_src == SRC_TLS_ECH || f->name_src == SRC_QUIC_ECH)
			h->ech_outer = 1;
	}
	if (f->proxy_kind) {
		/* the proxy's address and DNS name are the proxy's: the host
		 * is what the request named (an address when it is one) */
		uint8_t raw[16];

		if (inet_pton(AF_INET, f->proxy_host, raw) == 1 ||
		    inet_pton(AF_INET6, f->proxy_host, raw) == 1) {
			set_add(&h->addresses, &h->address_count, f->proxy_host);
			if (!f->sni)
				h->direct_ip = 1;
		} else
			host_add_name(c, h, f->proxy_host, f->proxy_kind == PROXY_CONNECT ?
				"connect" : "http-proxy", NULL, CAIRN_CAPTURE_CLAIMED);
		if (f->http_host && f->proxy_kind == PROXY_ABSOLUTE)
			host_add_name(c, h, f->http_host, "http-host", NULL, CAIRN_CAPTURE_CLAIMED);
		snprintf(buf, sizeof(buf), "tcp/%u", f->proxy_port);
		set_add(&h->ports, &h->port_count, buf);
		proxy_str(buf, sizeof(buf), f);
		set_add(&h->proxies, &h->proxy_count, buf);
	} else {
		if (f->http_host)
			host_add_name(c, h, f->http_host, "http-host", NULL, f->ev_http);
		if (f->dns_name)
			host_add_name(c, h, f->dns_name, "dns", f->dns_chain, CAIRN_CAPTURE_CONFIRMED);
		/* the name the server's certificate is for (the SNI's, when
		 * it covers it): confirmed when its chain verifies */
		if (f->cert_name)
			host_add_name(c, h, f->cert_name, "cert", NULL, f->ev_cert);
		if (!f->sni && !f->http_host && !f->dns_name && f->app != APP_DNS)
			h->direct_ip = 1;
		cap_addr_str(buf, sizeof(buf), f->ipver, f->b);
		set_add(&h->addresses, &h->address_count, buf);
		snprintf(buf, sizeof(buf), "%s/%u", f->proto == 6 ? "tcp" : "udp", f->bp);
		set_add(&h->ports, &h->port_count, buf);
	}
	if (f->has_uid) {
		snprintf(buf, sizeof(buf), "%u", f->uid);
		set_add(&h->uids, &h->uid_count, buf);
	}
	if (f->has_gid) {
		snprintf(buf, sizeof(buf), "%u", f->gid);
		set_add(&h->gids, &h->gid_count, buf);
	}
	switch (f->app) {
	case APP_DNS: proto = "dns"; break;
	case APP_TLS: proto = "tls"; break;
	case APP_QUIC: proto = "quic"; break;
	case APP_HTTP: proto = "http"; break;
	default: proto = f->proto == 6 ? "tcp" : "udp"; break;
	}
	set_add(&h->protocols, &h->protocol_count, proto);
}

static void host_add_win(struct cairn_capture_host *h, const struct fwin *w)
{
	if (!w)
		return;
	h->packets_out += w->pkts[0];
	h->packets_in += w->pkts[1];
	h->bytes_out += w->bytes[0];
	h->bytes_in += w->bytes[1];
	if (h->first_ns < 0 || w->first < h->first_ns)
		h->first_ns = w->first;
	if (w->last > h->last_ns)
		h->last_ns = w->last;
}

static void host_sort(struct cairn_capture_host *h)
{
	size_t i;

	set_finish(h->addresses, &h->address_count, str_cmp);
	set_finish(h->proxies, &h->proxy_count, str_cmp);
	set_finish(h->ports, &h->port_count, port_cmp);
	set_finish(h->protocols, &h->protocol_count, str_cmp);
	set_finish(h->uids, &h->uid_count, num_cmp);
	set_finish(h->gids, &h->gid_count, num_cmp);
	for (i = 0; i < h->name_count; i++) {
		set_finish(h->names[i].sources, &h->names[i].source_count, str_cmp);
		set_finish(h->names[i].dns_addresses, &h->names[i].dns_address_count, str_cmp);
		if (h->names[i].evidence == CAIRN_CAPTURE_CONFIRMED)
			h->confirmed = 1;
		if (h->names[i].evidence == CAIRN_CAPTURE_CONTRADICTED)
			h->contradicted = 1;
	}
	/* the host name first, the others by name */
	for (i = 0; i < h->name_count; i++) {
		if (!strcmp(h->names[i].name, h->host) && i) {
			struct cairn_capture_name t = h->names[0];

			h->names[0] = h->names[i];
			h->names[i] = t;
		}
	}
	if (h->name_count > 2) {
		size_t a, b;

		for (a = 1; a < h->name_count; a++)
			for (b = a + 1; b < h->name_count; b++)
				if (strcmp(h->names[a].name, h->names[b].name) > 0) {
					struct cairn_capture_name t = h->names[a];

					h->names[a] = h->names[b];
					h->names[b] = t;
				}
	}
}

static int is_local(cairn_capture *c, const cairn_cidr *set, size_t n, int observed,
	uint8_t ver, const uint8_t *a)
{
	size_t i;

	if (observed) {
		uint8_t key[17];

		cap_addr_key(key, ver, a);
		return cap_kmap_find(&c->observed, key, 0) != NULL;
	}
	for (i = 0; i < n; i++)
		if (cairn_cidr_contains(&set[i], ver, a))
			return 1;
	return 0;
}

int cap_is_local(cairn_capture *c, const cairn_cidr *set, size_t n, int observed,
	uint8_t ver, const uint8_t *a)
{
	return is_local(c, set, n, observed, ver, a);
}

static int is_group(uint8_t ver, const uint8_t *a)
{
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };

	if (ver == 4)
		return (a[0] & 0xf0) == 0xe0 || !memcmp(a, bcast, 4);
	return a[0] == 0xff;
}

static int dns_cmp(const void *x, const void *y)
{
	const struct cairn_capture_dns *a = x, *b = y;

	return strcmp(a->name, b->name);
}

/*
 * Add the initiators of TCP SYNs and QUIC client Initials to the observed
 * local addresses -- unless they connected to an address that sent DNS
 * queries: that is an inbound connection, and its source is remote (a
 * reverse shell's peer must not become "local").  Returns how many.
 */
static size_t observe_initiators(cairn_capture *c)
{
	struct kmap dnsq = c->observed;
	struct kmap add;
	size_t i, n = 0;

	cap_kmap_init(&add, 17);
	for (i = 0; i < c->nflows; i++) {
		const struct flow *f = &c->flows[i];
		uint8_t key[17];

		if (!f->syn_seen && !f->quic_client)
			continue;
		cap_addr_key(key, f->ipver, f->b);
		if (dnsq.count && cap_kmap_find(&dnsq, key, 0))
			continue;
		cap_addr_key(key, f->ipver, f->a);
		cap_kmap_find(&add, key, 1);
	}
	for (i = 0; i < add.cap; i++) {
		uint32_t *v;

		if (!add.e[i].used)
			continue;
		v = cap_kmap_find(&c->observed, add.e[i].key, 1);

		if (*v == UINT32_MAX)
			n++;
		*v = 0;
	}
	cap_kmap_release(&add);
	return n;
}

/* Totals per host from contributions (sorted here by host). */
static void build_totals(cairn_capture *c, struct contrib *con, size_t ncontrib,
	struct cairn_capture_host **out, size_t *count)
{
	size_t i;

	xsort(con, ncontrib, sizeof(*con), contrib_cmp_host);
	for (i = 0; i < ncontrib;) {
		struct cairn_capture_host *h;
		size_t j;
		uint32_t last_flow = UINT32_MAX;

		/* grow at powers of two: a capture may have millions of rows */
		if ((*count & (*count - 1)) == 0)
			*out = cairn_realloc(*out, (*count ? *count * 2 : 1) * sizeof(**out));
		h = &(*out)[(*count)++];
		memset(h, 0, sizeof(*h));
		h->window_ns = -1;
		h->host = cairn_strdup(con[i].host);
		h->first_ns = h->last_ns = -1;
		h->allowed = -1;
		for (j = i; j < ncontrib && con[j].host == con[i].host; j++) {
			if (con[j].flow != last_flow) {
				host_add_flow(c, h, &c->flows[con[j].flow]);
				h->connections++;
				h->opened++;
				last_flow = con[j].flow;
			}
			host_add_win(h, con[j].w);
		}
		h->by_address = h->name_count == 0;
		host_sort(h);
		i = j;
	}
}

/* A capture with no local-to-remote flow: every flow by its responder
 * (as --all would), for the record; nothing in it is judged. */
static void local_totals(cairn_capture *c, cairn_capture_result *r)
{
	struct contrib *con = NULL;
	size_t n = 0, i;
	char buf[128];
	uint32_t k;

	for (i = 0; i < c->nflows; i++) {
		const struct flow *f = &c->flows[i];
		const char *host = flow_host(c, f, buf, sizeof(buf));

		con = cairn_realloc(con, (n + f->nw + 1) * sizeof(*con));
		for (k = 0; k < f->nw; k++) {
			con[n].window = f->w[k].start;
			con[n].host = host;
			con[n].flow = (uint32_t)i;
			con[n].w = &f->w[k];
			n++;
		}
	}
	build_totals(c, con, n, &r->local_flows, &r->local_flow_count);
	free(con);
}

/* The proxies requests went through, by address and port. */
struct proxyset {
	struct kmap map;        /* address key + port -> index */
	struct cairn_capture_proxy *v;
	size_t n;
};

#define PROXY_TARGETS_MAX 20

static void proxy_add(cairn_capture *c, struct proxyset *ps, const struct flow *f)
{
	uint8_t key[19];
	struct cairn_capture_proxy *o;
	uint32_t *v;
	char buf[CAP_DNS_NAME_MAX + 16];
	size_t i;

	cap_addr_key(key, f->ipver, f->b);
	memcpy(key + 17, &f->bp, 2);
	v = cap_kmap_find(&ps->map, key, 1);
	if (*v == UINT32_MAX) {
		ps->v = cairn_realloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
		o = &ps->v[ps->n];
		memset(o, 0, sizeof(*o));
		cap_addr_str(buf, sizeof(buf), f->ipver, f->b);
		o->address = cairn_strdup(buf);
		o->port = f->bp;
		o->first_ns = f->first;
		o->last_ns = f->last;
		o->allowed = -1;
		o->public_address = !cairn_cidr_is_private(f->ipver, f->b);
		*v = (uint32_t)ps->n++;
	}
	o = &ps->v[*v];
	if (f->proxy_kind == PROXY_CONNECT)
		o->tunnels++;
	else
		o->requests++;
	if (f->first < o->first_ns)
		o->first_ns = f->first;
	if (f->last > o->last_ns)
		o->last_ns = f->last;
	snprintf(buf, sizeof(buf), strchr(f->proxy_host, ':') ? "[%s]:%u" : "%s:%u",
		f->proxy_host, f->proxy_port);
	for (i = 0; i < o->target_count; i++)
		if (!strcmp(o->targets[i], buf))
			break;
	if (i == o->target_count) {
		o->targets_total++;
		if (o->target_count < PROXY_TARGETS_MAX) {
			o->targets = cairn_realloc(o->targets, (o->target_count + 1) * sizeof(char *));
			o->targets[o->target_count++] = cairn_strdup(buf);
		}
	}
	cap_addr_str(buf, sizeof(buf), f->ipver, f->a);
	for (i = 0; i < o->client_count; i++)
		if (!strcmp(o->clients[i], buf))
			break;
	if (i == o->client_count && o->client_count < 64) {
		o->clients = cairn_realloc(o->clients, (o->client_count + 1) * sizeof(char *));
		o->clients[o->client_count++] = cairn_strdup(buf);
	}
	(void)c;
}

static int proxy_cmp(const void *x, const void *y)
{
	const struct cairn_capture_proxy *a = x, *b = y;
	int r = strcmp(a->address, b->address);

	return r ? r : (a->port > b->port) - (a->port < b->port);
}

static void proxies_finish(cairn_capture_result *r, struct proxyset *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		xsort(ps->v[i].targets, ps->v[i].target_count, sizeof(char *), str_cmp);
		xsort(ps->v[i].clients, ps->v[i].client_count, sizeof(char *), str_cmp);
	}
	xsort(ps->v, ps->n, sizeof(*ps->v), proxy_cmp);
	r->proxies = ps->v;
	r->proxy_count = ps->n;
	cap_kmap_release(&ps->map);
}

int cairn_capture_finish(cairn_capture_result **out, cairn_capture *c)
{
	cairn_capture_result *r = cairn_calloc(1, sizeof(*r));
	cairn_cidr *set = c->locals;
	size_t nset = c->nlocals, i, ncontrib = 0, ccontrib = 0, nprivate;
	size_t idle_total = 0, idle_dropped = 0;
	struct contrib *con = NULL;
	struct proxyset proxies;
	uint8_t *resolver_flow;
	int observed = 0;
	char buf[128];

	r->window_ns = c->window;
	if (c->all_flows) {
		r->local_rule = cairn_strdup("all-flows");
	} else if (nset) {
		r->local_rule = cairn_strdup("given");
		for (i = 0; i < nset; i++) {
			cap_addr_str(buf, sizeof(buf), set[i].family, set[i].addr);
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u", set[i].bits);
			set_add(&r->locals, &r->local_count, buf);
		}
	} else if (c->observed.count || observe_initiators(c)) {
		observed = 1;
		r->local_rule = cairn_strdup("observed");
		for (i = 0; i < c->observed.cap; i++) {
			if (!c->observed.e[i].used)
				continue;
			cap_addr_str(buf, sizeof(buf), c->observed.e[i].key[0], c->observed.e[i].key + 1);
			set_add(&r->locals, &r->local_count, buf);
		}
	} else {
		r->local_rule = cairn_strdup("private-fallback");
		const char *const *names;
		const cairn_cidr *priv = cairn_cidr_private(&nprivate, &names);

		set = cairn_calloc(nprivate, sizeof(*set));
		memcpy(set, priv, nprivate * sizeof(*set));
		nset = nprivate;
		for (i = 0; i < nprivate; i++) {
			set_add(&r->locals, &r->local_count, names[i]);
		}
	}
	set_finish(r->locals, &r->local_count, str_cmp);

	/* every DNS answer is known now: judge the names clients sent */
	for (i = 0; i < c->nflows; i++) {
		struct flow *f = &c->flows[i];

		/* through a proxy the address is the proxy's: nothing to
		 * hold a name against */
		if (f->sni)
			f->ev_sni = f->proxy_kind ? CAIRN_CAPTURE_CLAIMED :
				(uint8_t)name_evidence(c, f, f->sni);
		if (f->http_host)
			f->ev_http = f->proxy_kind ? CAIRN_CAPTURE_CLAIMED :
				(uint8_t)name_evidence(c, f, f->http_host);
		if (f->cert_name)
			f->ev_cert = (uint8_t)name_evidence(c, f, f->cert_name);
	}

	memset(&proxies, 0, sizeof(proxies));
	cap_kmap_init(&proxies.map, 19);
	/* DNS to the resolvers the local side asked: listed apart */
	resolver_flow = cairn_calloc(c->nflows ? c->nflows : 1, 1);
	cap_lookups_finish(c, r, resolver_flow, set, nset, observed);
	for (i = 0; i < c->nflows; i++)
		c->st.resolver_flows += resolver_flow[i];

	for (i = 0; i < c->nflows; i++) {
		struct flow *f = &c->flows[i];
		const char *host;
		int64_t end, ws;
		uint32_t k;
		int idle_ok;

		if (resolver_flow[i])
			continue;
		/* a request through a proxy is egress to the host it names,
		 * wherever the proxy is (a local one included) */
		if (!c->all_flows && !(f->proxy_kind && is_local(c, set, nset, observed, f->ipver, f->a)) &&
		    (!is_local(c, set, nset, observed, f->ipver, f->a) ||
		     is_local(c, set, nset, observed, f->ipver, f->b) || is_group(f->ipver, f->b)))
			continue;
		c->st.outbound_flows++;
		if (f->proxy_kind) {
			c->st.proxied_flows++;
			proxy_add(c, &proxies, f);
		}
		host = flow_host(c, f, buf, sizeof(buf));
		xsort(f->w, f->nw, sizeof(*f->w), fwin_cmp);
		/* an open TCP connection lasts to the end of the capture */
		end = f->proto == 6 && !f->closed ? c->st.last_ns : f->last;
		/* idle windows of a long connection count it as active, unless
		 * the span is absurd (hostile timestamps): then only windows
		 * with packets do */
		idle_ok = (end - window_of(f->first, c->window)) / c->window < IDLE_WINDOWS_MAX;
		if (idle_ok && idle_total > IDLE_TOTAL_MAX) {
			idle_ok = 0;
			idle_dropped++;
		}
		k = 0;
		for (ws = window_of(f->first, c->window); ws <= end; ws += c->window) {
			struct fwin *w = NULL;

			while (k < f->nw && f->w[k].start < ws)
				k++;
			if (k < f->nw && f->w[k].start == ws)
				w = &f->w[k];
			if (!w && !idle_ok) {
				if (k >= f->nw)
					break;
				ws = f->w[k].start - c->window;
				continue;
			}
			if (!w)
				idle_total++;
			if (ncontrib == ccontrib) {
				ccontrib = ccontrib ? ccontrib * 2 : 256;
				con = cairn_realloc(con, ccontrib * sizeof(*con));
			}
			con[ncontrib].window = ws;
			con[ncontrib].host = host;
			con[ncontrib].flow = (uint32_t)i;
			con[ncontrib].w = w;
			ncontrib++;
			/* fold duplicate windows (unsorted input) into this one */
			while (w && k + 1 < f->nw && f->w[k + 1].start == ws) {
				k++;
				w->pkts[0] += f->w[k].pkts[0];
				w->pkts[1] += f->w[k].pkts[1];
				w->bytes[0] += f->w[k].bytes[0];
				w->bytes[1] += f->w[k].bytes[1];
				if (f->w[k].first < w->first)
					w->first = f->w[k].first;
				if (f->w[k].last > w->last)
					w->last = f->w[k].last;
				f->w[k].pkts[0] = f->w[k].pkts[1] = 0;
				f->w[k].bytes[0] = f->w[k].bytes[1] = 0;
			}
		}
	}
	if (set != c->locals)
		free(set);
	free(resolver_flow);
	proxies_finish(r, &proxies);
	if (c->asked_dropped) {
		snprintf(buf, sizeof(buf), "%llu DNS queries not kept: more than %d names asked",
			(unsigned long long)c->asked_dropped, NAMES_MAX);
		cap_warn(c, buf);
	}
	if (c->names_dropped) {
		snprintf(buf, sizeof(buf), "%llu DNS answers not kept: more than %d names or addresses",
			(unsigned long long)c->names_dropped, NAMES_MAX);
		cap_warn(c, buf);
	}
	if (c->st.bad_timestamps) {
		snprintf(buf, sizeof(buf), "%llu packets not analysed: timestamp before 1970 or after 2099",
			(unsigned long long)c->st.bad_timestamps);
		cap_warn(c, buf);
	}
	if (idle_dropped) {
		snprintf(buf, sizeof(buf), "idle windows of %zu long connections not listed (limit %d)",
			idle_dropped, IDLE_TOTAL_MAX);
		cap_warn(c, buf);
	}

	/* rows: per window, per host */
	xsort(con, ncontrib, sizeof(*con), contrib_cmp_window);
	for (i = 0; i < ncontrib;) {
		struct cairn_capture_host *h;
		size_t j;

		if ((r->row_count & (r->row_count - 1)) == 0)
			r->rows = cairn_realloc(r->rows, (r->row_count ? r->row_count * 2 : 1) *
				sizeof(*r->rows));
		h = &r->rows[r->row_count++];
		memset(h, 0, sizeof(*h));
		h->window_ns = con[i].window;
		h->host = cairn_strdup(con[i].host);
		h->first_ns = h->last_ns = -1;
		h->allowed = -1;
		for (j = i; j < ncontrib && con[j].window == con[i].window &&
		     con[j].host == con[i].host; j++) {
			const struct flow *f = &c->flows[con[j].flow];

			host_add_flow(c, h, f);
			host_add_win(h, con[j].w);
			h->connections++;
			if (window_of(f->first, c->window) == con[j].window)
				h->opened++;
		}
		h->by_address = h->name_count == 0;
		host_sort(h);
		i = j;
	}
	/* totals: per host */
	build_totals(c, con, ncontrib, &r->totals, &r->total_count);
	free(con);
	/* nothing left the machine: say so, and list what is there */
	if (!c->all_flows && !c->st.outbound_flows && !c->st.resolver_flows && c->nflows) {
		r->local_only = 1;
		local_totals(c, r);
	}

	/* DNS answers */
	r->dns = cairn_calloc(c->nlogs ? c->nlogs : 1, sizeof(*r->dns));
	for (i = 0; i < c->nlogs; i++) {
		struct cairn_capture_dns *d = &r->dns[r->dns_count++];
		const struct dnslog *l = &c->logs[i];
		uint32_t k;

		d->name = cairn_strdup(l->name);
		d->first_ns = l->first;
		d->answers = l->answers;
		split_chain(&d->chain, &d->chain_count, l->chain);
		for (k = 0; k < l->naddr; k++) {
			cap_addr_str(buf, sizeof(buf), l->addr[k][0], l->addr[k] + 1);
			set_add(&d->addresses, &d->address_count, buf);
		}
		set_finish(d->addresses, &d->address_count, str_cmp);
	}
	xsort(r->dns, r->dns_count, sizeof(*r->dns), dns_cmp);

	r->stats = c->st;
	for (i = 0; i < c->nwarn; i++)
		set_add(&r->warnings, &r->warning_count, c->warnings[i]);
	*out = r;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void host_release(struct cairn_capture_host *h)
{
	size_t i;

	free(h->host);
	for (i = 0; i < h->name_count; i++) {
		free(h->names[i].name);
		strv_free(h->names[i].sources, h->names[i].source_count);
		strv_free(h->names[i].chain, h->names[i].chain_count);
		strv_free(h->names[i].dns_addresses, h->names[i].dns_address_count);
	}
	free(h->names);
	strv_free(h->addresses, h->address_count);
	strv_free(h->proxies, h->proxy_count);
	strv_free(h->ports, h->port_count);
	strv_free(h->protocols, h->protocol_count);
	strv_free(h->uids, h->uid_count);
	strv_free(h->gids, h->gid_count);
}

void cairn_capture_result_free(cairn_capture_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->resolver_count; i++) {
		struct cairn_capture_resolver *o = &r->resolvers[i];

		free(o->address);
		strv_free(o->ports, o->port_count);
		strv_free(o->clients, o->client_count);
		strv_free(o->asked, o->asked_count);
	}
	free(r->resolvers);
	for (i = 0; i < r->proxy_count; i++) {
		free(r->proxies[i].address);
		strv_free(r->proxies[i].targets, r->proxies[i].target_count);
		strv_free(r->proxies[i].clients, r->proxies[i].client_count);
	}
	free(r->proxies);
	for (i = 0; i < r->lookup_count; i++) {
		struct cairn_capture_lookup *l = &r->lookups[i];

		free(l->domain);
		strv_free(l->all, l->all_count);
		free(l->all_off);
		strv_free(l->sample, l->sample_count);
	}
	free(r->lookups);
	for (i = 0; i < r->row_count; i++)
		host_release(&r->rows[i]);
	free(r->rows);
	for (i = 0; i < r->total_count; i++)
		host_release(&r->totals[i]);
	free(r->totals);
	for (i = 0; i < r->local_flow_count; i++)
		host_release(&r->local_flows[i]);
	free(r->local_flows);
	for (i = 0; i < r->dns_count; i++) {
		free(r->dns[i].name);
		strv_free(r->dns[i].addresses, r->dns[i].address_count);
		strv_free(r->dns[i].chain, r->dns[i].chain_count);
	}
	free(r->dns);
	strv_free(r->locals, r->local_count);
	free(r->local_rule);
	strv_free(r->warnings, r->warning_count);
	free(r);
}

int cairn_capture_parse_duration(int64_t *out, const char *s)
{
	char *end;
	long long v;
	int64_t mul = 1;

	if (!s || !*s || *s == '-' || *s == '+')
		return cairn_error_set(CAIRN_EUSAGE, "bad duration '%s'", s ? s : "");
	v = strtoll(s, &end, 10);
	if (end == s)
		return cairn_error_set(CAIRN_EUSAGE, "bad duration '%s'", s);
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mul = 1;
	else if (!strcmp(end, "m"))
		mul = 60;
	else if (!strcmp(end, "h"))
		mul = 3600;
	else if (!strcmp(end, "d"))
		mul = 86400;
	else
		return cairn_error_set(CAIRN_EUSAGE, "bad duration '%s' (use 30s, 1m, 5m, 1h, 1d)", s);
	if (v <= 0 || v > 366LL * 86400 / mul)
		return cairn_error_set(CAIRN_EUSAGE, "duration '%s' out of range", s);
	*out = (int64_t)v * mul * 1000000000LL;
	return 0;
}
