/*
 * capture_logs.c - Zeek and Suricata logs read as a capture.
 *
 * Sites that run Zeek or Suricata on their egress already have what
 * cairn-capture needs, written by those sensors: Zeek's conn, dns, ssl and
 * http logs (ASCII TSV with "#fields" headers, or JSON one object a line),
 * joined by uid; Suricata's eve.json flow, dns, tls, http and quic events,
 * joined by flow_id.  Each connection becomes one flow of the analysis
 * (the same as the packets of that connection would have made), each DNS
 * transaction a query and its answer, fed in time order, so the hosts per
 * window, the evidence of names, the resolvers, the allowlist verdict and
 * the JSON come out as from the pcap.
 *
 * A log line that cannot be read (not JSON, a field of the wrong type, an
 * address that is none, a time outside 1970..2099) is counted and left
 * out, never fatal: one warning per file says how many.  Lines longer
 * than 1 MiB are bad lines too (read past, never buffered whole).
 */
#include "capture_engine.h"
#include "capture_input.h"
#include "rfc3339.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN (1u << 20)
#define ZEEK_FIELDS_MAX 256
#define DNS_ANSWERS_MAX 64

/* One connection, from every log line that names it. */
struct lconn {
	const char *key;          /* interned: "z" uid or "s" flow_id */
	int64_t ts, end;          /* ns; -1 unknown */
	uint8_t ver, proto, have_addr, syn, quic, is_dns, svc_tls, svc_http;
	uint8_t a[16], b[16];     /* a: originator, b: responder */
	uint16_t ap, bp;
	uint8_t have_counts;
	uint64_t pkts[2], bytes[2];
	const char *sni, *http_host, *proxy_host; /* interned */
	uint16_t proxy_port;
	uint8_t proxy_kind;
	uint8_t cert_sni;         /* Zeek verified the server's chain, for the SNI */
};

/* One DNS query or answer. */
struct ldns {
	int64_t ts;
	uint8_t ver, query;
	uint8_t client[16], server[16];
	const char *qname;        /* interned */
	int rcode;                /* -1 unknown */
	const char **cnames;
	size_t ncnames;
	struct cap_addr *addrs;
	size_t naddrs;
};

struct logs {
	cairn_capture *c;
	struct strtab strs;       /* keys and names, interned */
	struct kmap key2conn;     /* interned key -> index */
	struct lconn *conns;
	size_t nconns, cconns;
	struct ldns *dns;
	size_t ndns, cdns;
	struct kmap txq;          /* (connection key, DNS id) -> queries[] */
	const char **queries;     /* the name a v1 answer event answers */
	size_t nqueries;
	uint64_t records;         /* lines read into the analysis */
	uint64_t bad;             /* lines of the current file not read */
};

/* ---- small helpers ---- */

static const char *lintern(struct logs *L, const char *s)
{
	return cap_intern(&L->strs, s);
}

/* The connection for key (created empty). */
static struct lconn *conn_get(struct logs *L, char kind, const char *id)
{
	char key[80];
	const char *k;
	uint32_t *v;

	snprintf(key, sizeof(key), "%c%s", kind, id);
	k = lintern(L, key);
	v = cap_kmap_find(&L->key2conn, &k, 1);
	if (*v == UINT32_MAX) {
		if (L->nconns == L->cconns) {
			L->cconns = L->cconns ? L->cconns * 2 : 256;
			L->conns = cairn_realloc(L->conns, L->cconns * sizeof(*L->conns));
		}
		memset(&L->conns[L->nconns], 0, sizeof(*L->conns));
		L->conns[L->nconns].key = k;
		L->conns[L->nconns].ts = L->conns[L->nconns].end = -1;
		*v = (uint32_t)L->nconns++;
	}
	return &L->conns[*v];
}

static struct ldns *dns_new(struct logs *L)
{
	if (L->ndns == L->cdns) {
		L->cdns = L->cdns ? L->cdns * 2 : 256;
		L->dns = cairn_realloc(L->dns, L->cdns * sizeof(*L->dns));
	}
	memset(&L->dns[L->ndns], 0, sizeof(*L->dns));
	L->dns[L->ndns].rcode = -1;
	return &L->dns[L->ndns++];
}

static int parse_addr(uint8_t *ver, uint8_t a[16], const char *s)
{
	memset(a, 0, 16);
	if (!s)
		return -1;
	if (inet_pton(AF_INET, s, a) == 1) {
		*ver = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*ver = 6;
		return 0;
	}
	return -1;
}

/* A name from a log (already unescaped) in presentation form, interned;
 * NULL when empty or unrepresentable. */
static const char *log_name(struct logs *L, const char *s, size_t n)
{
	char out[CAP_DNS_NAME_MAX + 1];

	while (n && s[n - 1] == '.')
		n--;
	if (!n || cap_name_present(out, (const uint8_t *)s, n, 1) < 0 || !out[0])
		return NULL;
	return lintern(L, out);
}

/* "host:port" (CONNECT's target, Zeek's host field with a port) */
static void split_hostport(struct logs *L, const char *s, const char **host, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	unsigned long p = 0;
	char *end;

	*host = NULL;
	*port = 0;
	if (s[0] == '[') { /* [v6]:port */
		const char *rb = strchr(s, ']');
		char tmp[64];
		uint8_t a[16];

		if (!rb || (size_t)(rb - s - 1) >= sizeof(tmp))
			return;
		memcpy(tmp, s + 1, (size_t)(rb - s - 1));
		tmp[rb - s - 1] = '\0';
		if (inet_pton(AF_INET6, tmp, a) == 1) {
			inet_ntop(AF_INET6, a, tmp, sizeof(tmp));
			*host = lintern(L, tmp);
		}
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else {
		*host = log_name(L, s, colon && !strchr(colon + 1, ':') ? (size_t)(colon - s) : strlen(s));
		if (colon && strchr(s, ':') != colon)
			colon = NULL; /* a bare v6 address: no port */
	}
	if (colon) {
		p = strtoul(colon + 1, &end, 10);
		if (end != colon + 1 && p <= 65535)
			*port = (uint16_t)p;
	}
}

/* Seconds.fraction since the epoch -> ns; -1 when it is none or out of
 * the span the analysis takes. */
static int64_t epoch_ns(const char *s)
{
	int64_t sec = 0, frac = 0, scale = 100000000;
	const char *p = s;

	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (sec > CAIRN_CAPTURE_TS_MAX / 1000000000LL)
			return -1;
		sec = sec * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += scale * (*p - '0');
	if (*p || p == s || sec >= CAIRN_CAPTURE_TS_MAX / 1000000000LL)
		return -1;
	return sec * 1000000000LL + frac;
}

/* An ISO 8601 / RFC 3339 time; Suricata writes the offset without its
 * colon ("+0000"), which RFC 3339 wants: put it back. */
static int64_t iso_ns(const char *s)
{
	char buf[64];
	size_t n = strlen(s);
	int64_t ns;

	if (n < 5 || n + 2 > sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if ((buf[n - 5] == '+' || buf[n - 5] == '-') && buf[n - 3] != ':') {
		memmove(buf + n - 1, buf + n - 2, 3);
		buf[n - 2] = ':';
	}
	if (cairn_rfc3339_parse_ns(&ns, buf) < 0 || ns < 0 || ns >= CAIRN_CAPTURE_TS_MAX)
		return -1;
	return ns;
}

static int64_t json_time(const json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		return strchr(s, '-') ? iso_ns(s) : epoch_ns(s);
	}
	if (json_is_number(v)) {
		double d = json_number_value(v);

		if (!(d >= 0) || d >= (double)(CAIRN_CAPTURE_TS_MAX / 1000000000LL))
			return -1;
		/* JSON numbers are doubles: microseconds are what they hold */
		return (int64_t)(d * 1e6 + 0.5) * 1000;
	}
	return -1;
}

/* ---- Zeek: the four logs, from TSV or JSON alike ---- */

enum zlog { Z_NONE, Z_CONN, Z_DNS, Z_SSL, Z_HTTP };

/* One Zeek record: field name -> value (TSV strings, or JSON values
 * turned into strings by the JSON path). */
struct zrec {
	const char *name[ZEEK_FIELDS_MAX];
	const char *val[ZEEK_FIELDS_MAX];   /* NULL: unset */
	const char **set[ZEEK_FIELDS_MAX];  /* set/vector fields, split */
	size_t setn[ZEEK_FIELDS_MAX];
	size_t n;
};

static int zfield(const struct zrec *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name))
			return (int)i;
	return -1;
}

static const char *zget(const struct zrec *r, const char *name)
{
	int i = zfield(r, name);

	return i < 0 ? NULL : r->val[i];
}

static enum zlog zkind_of_fields(const struct zrec *r)
{
	if (zfield(r, "conn_state") >= 0 || zfield(r, "orig_ip_bytes") >= 0)
		return Z_CONN;
	if (zfield(r, "trans_id") >= 0 || zfield(r, "qtype_name") >= 0 || zfield(r, "query") >= 0)
		return Z_DNS;
	if (zfield(r, "server_name") >= 0 || zfield(r, "cipher") >= 0)
		return Z_SSL;
	if (zfield(r, "trans_depth") >= 0 || zfield(r, "method") >= 0)
		return Z_HTTP;
	return Z_NONE;
}

static enum zlog zkind_of_path(const char *path)
{
	if (!path)
		return Z_NONE;
	if (!strcmp(path, "conn"))
		return Z_CONN;
	if (!strcmp(path, "dns"))
		return Z_DNS;
	if (!strcmp(path, "ssl"))
		return Z_SSL;
	if (!strcmp(path, "http"))
		return Z_HTTP;
	return Z_NONE;
}

static uint64_t zcount(const struct zrec *r, const char *name, int *ok)
{
	const char *v = zget(r, name);
	char *end;
	unsigned long long x;

	if (!v)
		return 0;
	x = strtoull(v, &end, 10);
	if (*end || end == v)
		*ok = 0;
	return x;
}

/* The 4-tuple of a Zeek record into c; -1 when it has none readable. */
static int zconn_tuple(struct lconn *c, const struct zrec *r)
{
	uint8_t va, vb, a[16], b[16];
	const char *op = zget(r, "id.orig_p"), *rp = zget(r, "id.resp_p");
	char *e1, *e2;
	unsigned long p1, p2;

	if (parse_addr(&va, a, zget(r, "id.orig_h")) < 0 || parse_addr(&vb, b, zget(r, "id.resp_h")) < 0 ||
	    va != vb || !op || !rp)
		return -1;
	p1 = strtoul(op, &e1, 10);
	p2 = strtoul(rp, &e2, 10);
	if (*e1 || *e2 || p1 > 65535 || p2 > 65535)
		return -1;
	if (!c->have_addr) {
		c->ver = va;
		memcpy(c->a, a, 16);
		memcpy(c->b, b, 16);
		c->ap = (uint16_t)p1;
		c->bp = (uint16_t)p2;
		c->have_addr = 1;
	}
	return 0;
}

/* A record of one of the four logs into the connection table. */
static int zeek_record(struct logs *L, enum zlog kind, const struct zrec *r)
{
	const char *uid = zget(r, "uid"), *v;
	int64_t ts = zget(r, "ts") ? epoch_ns(zget(r, "ts")) : -1;
	struct lconn *c;
	int ok = 1;

	if (ts < 0 || !uid || !*uid || strlen(uid) > 64)
		return -1;
	c = conn_get(L, 'z', uid);
	if (zconn_tuple(c, r) < 0)
		return -1;
	if (c->ts < 0 || ts < c->ts)
		c->ts = ts;
	if (c->end < ts)
		c->end = ts;
	switch (kind) {
	case Z_CONN: {
		const char *proto = zget(r, "proto"), *dur = zget(r, "duration"), *hist = zget(r, "history");
		int64_t d = dur ? epoch_ns(dur) : 0;

		c->proto = proto && !strcmp(proto, "tcp") ? 6 : proto && !strcmp(proto, "udp") ? 17 : 0;
		if (!c->proto)
			return -1; /* icmp and the like are no flows */
		if (d > 0 && ts + d > c->end)
			c->end = ts + d;
		/* IP-layer bytes, as the pcap path counts */
		c->pkts[0] = zcount(r, "orig_pkts", &ok);
		c->pkts[1] = zcount(r, "resp_pkts", &ok);
		c->bytes[0] = zcount(r, "orig_ip_bytes", &ok);
		c->bytes[1] = zcount(r, "resp_ip_bytes", &ok);
		if (!ok)
			return -1;
		c->have_counts = 1;
		/* 'S': the originator sent a SYN (an initiator, like the pcap's) */
		c->syn = hist && strchr(hist, 'S') != NULL;
		/* what Zeek's analyzers recognised (a protocol seen on any
		 * port, as the pcap path sees it) */
		v = zget(r, "service");
		if (v && strstr(v, "dns"))
			c->is_dns = 1;
		if (v && strstr(v, "quic"))
			c->quic = 1;
		if (v && strstr(v, "ssl"))
			c->svc_tls = 1;
		if (v && strstr(v, "http"))
			c->svc_http = 1;
		break;
	}
	case Z_SSL:
		/* without its conn.log row, a connection's protocol is not
		 * known: TLS is taken to be over TCP (QUIC's is over UDP) */
		if (!c->proto)
			c->proto = 6;
		c->svc_tls = 1;
		v = zget(r, "server_name");
		if (v && !c->sni)
			c->sni = log_name(L, v, strlen(v));
		/* Zeek verified the chain the server sent (validation_status
		 * "ok": to its root store, at the time) and it is for the SNI:
		 * what the pcap path's certificate check finds */
		v = zget(r, "validation_status");
		if (v && !strcmp(v, "ok") && zget(r, "sni_matches_cert") &&
		    !strcmp(zget(r, "sni_matches_cert"), "T"))
			c->cert_sni = 1;
		break;
	case Z_HTTP: {
		const char *method = zget(r, "method"), *host = zget(r, "host"), *uri = zget(r, "uri");

		if (!c->proto)
			c->proto = 6;
		if (method && !strcmp(method, "CONNECT")) {
			/* Zeek puts CONNECT's authority in uri (and sometimes host) */
			char t[CAP_DNS_NAME_MAX + 16];
			const char *target = uri && *uri ? uri : host;

			if (target && !c->proxy_kind) {
				snprintf(t, sizeof(t), "%s", target);
				t[strcspn(t, " /")] = '\0';
				split_hostport(L, t, &c->proxy_host, &c->proxy_port);
				if (c->proxy_host)
					c->proxy_kind = PROXY_CONNECT;
			}
		} else if (uri && !strncmp(uri, "http://", 7) && !c->proxy_kind) {
			char t[CAP_DNS_NAME_MAX + 16];

			snprintf(t, sizeof(t), "%s", uri + 7);
			t[strcspn(t, "/?#")] = '\0';
			split_hostport(L, strrchr(t, '@') ? strrchr(t, '@') + 1 : t, &c->proxy_host,
				&c->proxy_port);
			if (c->proxy_host) {
				c->proxy_kind = PROXY_ABSOLUTE;
				if (!c->proxy_port)
					c->proxy_port = 80;
			}
		}
		if (host && !c->http_host && !(method && !strcmp(method, "CONNECT"))) {
			const char *h;
			uint16_t port;

			split_hostport(L, host, &h, &port);
			c->http_host = h;
		}
		break;
	}
	case Z_DNS: {
		struct ldns *q, *a;
		const char *query = zget(r, "query"), *rcode = zget(r, "rcode"), *rtt = zget(r, "rtt");
		const char *proto = zget(r, "proto");
		int i = zfield(r, "answers");
		size_t k;

		if (!c->proto)
			c->proto = proto && !strcmp(proto, "tcp") ? 6 : 17;
		c->is_dns = 1;
		if (!query || !*query)
			return 0; /* a record with no question: the flow only */
		q = dns_new(L);
		q->ts = ts;
		q->query = 1;
		q->ver = c->ver;
		memcpy(q->client, c->a, 16);
		memcpy(q->server, c->b, 16);
		q->qname = log_name(L, query, strlen(query));
		if (!q->qname) {
			L->ndns--;
			return -1;
		}
		if (!rcode && (i < 0 || !r->setn[i]))
			return 0; /* no answer seen */
		a = dns_new(L);
		*a = L->dns[L->ndns - 2];
		a->query = 0;
		a->rcode = rcode ? atoi(rcode) : 0;
		/* the answer came rtt after the query */
		if (rtt && epoch_ns(rtt) > 0)
			a->ts = ts + epoch_ns(rtt);
		for (k = 0; i >= 0 && k < r->setn[i] && k < DNS_ANSWERS_MAX; k++) {
			const char *ans = r->set[i][k];
			struct cap_addr ad;

			if (parse_addr(&ad.ver, ad.a, ans) == 0) {
				a->addrs = cairn_realloc(a->addrs, (a->naddrs + 1) * sizeof(*a->addrs));
				a->addrs[a->naddrs++] = ad;
			} else if (!strchr(ans, ' ')) { /* "RRSIG 5 cmu.edu" etc. are no names */
				const char *nm = log_name(L, ans, strlen(ans));

				if (nm) {
					a->cnames = cairn_realloc(a->cnames, (a->ncnames + 1) * sizeof(char *));
					a->cnames[a->ncnames++] = nm;
				}
			}
		}
		break;
	}
	default:
		return 0;
	}
	return 0;
}

/* \xNN escapes of Zeek's ASCII writer, in place. */
static void zunescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };
			char *end;
			long v = strtol(hex, &end, 16);

			if (!*end && v > 0) {
				*o++ = (char)v;
				s += 4;
				continue;
			}
		}
		*o++ = *s++;
	}
	*o = '\0';
}

struct zhdr {
	char sep, setsep;
	char empty[32], unset[32], path[32];
	char *fields[ZEEK_FIELDS_MAX];
	char *types[ZEEK_FIELDS_MAX];
	size_t nfields, ntypes;
};

static void zhdr_release(struct zhdr *h)
{
	size_t i;

	for (i = 0; i < h->nfields; i++)
		free(h->fields[i]);
	for (i = 0; i < h->ntypes; i++)
		free(h->types[i]);
	h->nfields = h->ntypes = 0;
}

/* Split s at sep into at most max pieces (s is modified). */
static size_t split(char **out, size_t max, char *s, char sep)
{
	size_t n = 0;

	while (n < max) {
		char *e = strchr(s, sep);

		out[n++] = s;
		if (!e)
			break;
		*e = '\0';
		s = e + 1;
	}
	return n;
}

static void zeek_tsv_header(struct zhdr *h, char *line)
{
	char *k = line + 1, *v = NULL;
	char *parts[ZEEK_FIELDS_MAX];
	size_t n, i;

	if (!strncmp(k, "separator ", 10)) {
		/* "#separator \x09": the one header with a space */
		zunescape(k + 10);
		h->sep = k[10] ? k[10] : '\t';
		return;
	}
	v = strchr(k, h->sep);
	if (!v)
		return;
	*v++ = '\0';
	if (!strcmp(k, "set_separator")) {
		zunescape(v);
		h->setsep = v[0] ? v[0] : ',';
	} else if (!strcmp(k, "empty_field")) {
		snprintf(h->empty, sizeof(h->empty), "%s", v);
	} else if (!strcmp(k, "unset_field")) {
		snprintf(h->unset, sizeof(h->unset), "%s", v);
	} else if (!strcmp(k, "path")) {
		snprintf(h->path, sizeof(h->path), "%s", v);
	} else if (!strcmp(k, "fields") || !strcmp(k, "types")) {
		int types = k[0] == 't';

		n = split(parts, ZEEK_FIELDS_MAX, v, h->sep);
		if (types) {
			for (i = 0; i < h->ntypes; i++)
				free(h->types[i]);
			for (i = 0; i < n; i++)
				h->types[i] = cairn_strdup(parts[i]);
			h->ntypes = n;
		} else {
			zhdr_release(h);
			for (i = 0; i < n; i++)
				h->fields[i] = cairn_strdup(parts[i]);
			h->nfields = n;
		}
	}
}

static int zeek_tsv_line(struct logs *L, struct zhdr *h, char *line)
{
	static struct zrec r;
	char *vals[ZEEK_FIELDS_MAX];
	const char **sets = NULL;
	size_t n, i, nsets = 0;
	enum zlog kind;
	int rc;

	if (!h->nfields)
		return -1;
	n = split(vals, ZEEK_FIELDS_MAX, line, h->sep);
	if (n != h->nfields)
		return -1;
	r.n = n;
	for (i = 0; i < n; i++) {
		r.name[i] = h->fields[i];
		r.set[i] = NULL;
		r.setn[i] = 0;
		if (!strcmp(vals[i], h->unset)) {
			r.val[i] = NULL;
			continue;
		}
		if (i < h->ntypes && (!strncmp(h->types[i], "set[", 4) || !strncmp(h->types[i], "vector[", 7))) {
			char *parts[DNS_ANSWERS_MAX];
			size_t m = 0, j;

			if (strcmp(vals[i], h->empty))
				m = split(parts, DNS_ANSWERS_MAX, vals[i], h->setsep);
			sets = cairn_realloc(sets, (nsets + m + 1) * sizeof(*sets));
			r.set[i] = sets + nsets; /* fixed up below: sets may move */
			for (j = 0; j < m; j++) {
				zunescape(parts[j]);
				sets[nsets + j] = parts[j];
			}
			r.setn[i] = m;
			r.val[i] = vals[i];
			nsets += m;
			continue;
		}
		zunescape(vals[i]);
		r.val[i] = vals[i];
	}
	/* point the set fields into the final array */
	for (i = 0, nsets = 0; i < n; i++) {
		if (r.setn[i] || r.set[i]) {
			r.set[i] = sets + nsets;
			nsets += r.setn[i];
		}
	}
	kind = zkind_of_path(h->path[0] ? h->path : NULL);
	if (kind == Z_NONE)
		kind = zkind_of_fields(&r);
	rc = kind == Z_NONE ? 0 : zeek_record(L, kind, &r);
	free(sets);
	return rc;
}

/* A JSON value as the string a TSV log would hold. */
static const char *jval(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (!(d >= 0 && d < 1e12))
			return NULL;
		/* as Zeek writes intervals and times: six fraction digits */
		snprintf(buf, len, "%.6f", d);
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "T" : "F";
	return NULL;
}

static int zeek_json_line(struct logs *L, const json_t *o)
{
	static struct zrec r;
	static char bufs[ZEEK_FIELDS_MAX][48];
	const char **sets = NULL;
	const char *key;
	json_t *v;
	size_t nsets = 0, i;
	enum zlog kind;
	int rc;

	r.n = 0;
	json_object_foreach((json_t *)o, key, v) {
		if (r.n >= ZEEK_FIELDS_MAX)
			break;
		r.name[r.n] = key;
		r.set[r.n] = NULL;
		r.setn[r.n] = 0;
		if (!strcmp(key, "ts")) {
			int64_t ns = json_time(v);

			if (ns < 0)
				return -1;
			snprintf(bufs[r.n], sizeof(bufs[r.n]), "%lld.%09lld", (long long)(ns / 1000000000LL),
				(long long)(ns % 1000000000LL));
			r.val[r.n] = bufs[r.n];
		} else if (json_is_array(v)) {
			size_t m = json_array_size(v) < DNS_ANSWERS_MAX ? json_array_size(v) : DNS_ANSWERS_MAX;

			sets = cairn_realloc(sets, (nsets + m + 1) * sizeof(*sets));
			for (i = 0; i < m; i++)
				sets[nsets + i] = json_is_string(json_array_get(v, i)) ?
					json_string_value(json_array_get(v, i)) : "";
			r.setn[r.n] = m;
			r.val[r.n] = "";
			nsets += m;
		} else {
			r.val[r.n] = jval(v, bufs[r.n], sizeof(bufs[r.n]));
		}
		r.n++;
	}
	for (i = 0, nsets = 0; i < r.n; i++) {
		r.set[i] = sets + nsets;
		nsets += r.setn[i];
	}
	kind = zkind_of_path(json_string_value(json_object_get(o, "_path")));
	if (kind == Z_NONE)
		kind = zkind_of_fields(&r);
	rc = kind == Z_NONE ? 0 : zeek_record(L, kind, &r);
	free(sets);
	return rc;
}

/* ---- Suricata eve.json ---- */

static int eve_tuple(struct lconn *c, const json_t *o, int reverse)
{
	uint8_t vs, vd, s[16], d[16];
	json_int_t sp = json_integer_value(json_object_get(o, "src_port"));
	json_int_t dp = json_integer_value(json_object_get(o, "dest_port"));
	const char *proto = json_string_value(json_object_get(o, "proto"));

	if (parse_addr(&vs, s, json_string_value(json_object_get(o, "src_ip"))) < 0 ||
	    parse_addr(&vd, d, json_string_value(json_object_get(o, "dest_ip"))) < 0 || vs != vd ||
	    sp < 0 || sp > 65535 || dp < 0 || dp > 65535)
		return -1;
	if (!c->proto && proto)
		c->proto = !strcmp(proto, "TCP") ? 6 : !strcmp(proto, "UDP") ? 17 : 0;
	if (c->have_addr && !reverse)
		return 0;
	c->ver = vs;
	/* the flow event's src is the client; so is a request's */
	memcpy(c->a, reverse ? d : s, 16);
	memcpy(c->b, reverse ? s : d, 16);
	c->ap = (uint16_t)(reverse ? dp : sp);
	c->bp = (uint16_t)(reverse ? sp : dp);
	c->have_addr = 1;
	return 0;
}

/* Records of a DNS event (v1: one record an event; v2: "answers", v3
 * "queries"/"answers" arrays) into one answer. */
static void eve_dns_rr(struct logs *L, struct ldns *a, const json_t *rr)
{
	const char *type = json_string_value(json_object_get(rr, "rrtype"));
	const char *data = json_string_value(json_object_get(rr, "rdata"));
	struct cap_addr ad;

	if (!type || !data)
		return;
	if ((!strcmp(type, "A") || !strcmp(type, "AAAA")) && parse_addr(&ad.ver, ad.a, data) == 0 &&
	    a->naddrs < DNS_ANSWERS_MAX) {
		a->addrs = cairn_realloc(a->addrs, (a->naddrs + 1) * sizeof(*a->addrs));
		a->addrs[a->naddrs++] = ad;
	} else if (!strcmp(type, "CNAME") && a->ncnames < DNS_ANSWERS_MAX) {
		const char *nm = log_name(L, data, strlen(data));

		if (nm) {
			a->cnames = cairn_realloc(a->cnames, (a->ncnames + 1) * sizeof(char *));
			a->cnames[a->ncnames++] = nm;
		}
	}
}

/* Suricata's v1 DNS log writes one event per answer record, named by the
 * record's owner: the transaction's question comes from its query event. */
static uint32_t *txq_slot(struct logs *L, const struct lconn *c, const json_t *dns, int insert)
{
	uint8_t key[sizeof(char *) + 2];
	json_int_t id = json_integer_value(json_object_get(dns, "id"));

	memcpy(key, &c->key, sizeof(c->key));
	key[sizeof(char *)] = (uint8_t)(id >> 8);
	key[sizeof(char *) + 1] = (uint8_t)id;
	return cap_kmap_find(&L->txq, key, insert);
}

static int eve_dns(struct logs *L, struct lconn *c, const json_t *dns, int64_t ts, const json_t *o)
{
	const char *type = json_string_value(json_object_get(dns, "type"));
	const char *qname = json_string_value(json_object_get(dns, "rrname"));
	const char *rcode = json_string_value(json_object_get(dns, "rcode"));
	const json_t *answers = json_object_get(dns, "answers");
	const json_t *queries = json_object_get(dns, "queries");
	int query = type && (!strcmp(type, "query") || !strcmp(type, "request"));
	struct ldns *e;
	size_t i;

	if (!qname && json_is_array(queries))
		qname = json_string_value(json_object_get(json_array_get(queries, 0), "rrname"));
	c->is_dns = 1;
	/* a query goes client to server; an answer event may be written
	 * either way round (v1 wrote the answer's packet direction) */
	if (eve_tuple(c, o, !query && json_integer_value(json_object_get(o, "src_port")) == 53 &&
	              json_integer_value(json_object_get(o, "dest_port")) != 53) < 0)
		return -1;
	if (!qname)
		return 0;
	e = dns_new(L);
	e->ts = ts;
	e->query = (uint8_t)query;
	e->ver = c->ver;
	memcpy(e->client, c->a, 16);
	memcpy(e->server, c->b, 16);
	e->qname = log_name(L, qname, strlen(qname));
	if (!e->qname) {
		L->ndns--;
		return -1;
	}
	if (query) {
		uint32_t *v = txq_slot(L, c, dns, 1);

		L->queries = cairn_realloc(L->queries, (L->nqueries + 1) * sizeof(char *));
		L->queries[L->nqueries] = e->qname;
		*v = (uint32_t)L->nqueries++;
		return 0;
	}
	e->rcode = !rcode || !strcmp(rcode, "NOERROR") ? 0 : !strcmp(rcode, "NXDOMAIN") ? 3 : 2;
	if (!json_is_array(answers)) {
		uint32_t *v = txq_slot(L, c, dns, 0);

		/* a record of a CNAME chain: the question was another name */
		if (v && L->queries[*v] != e->qname) {
			e->cnames = cairn_malloc(sizeof(char *));
			e->cnames[e->ncnames++] = e->qname;
			e->qname = L->queries[*v];
		}
	}
	if (json_is_array(answers))
		for (i = 0; i < json_array_size(answers); i++)
			eve_dns_rr(L, e, json_array_get(answers, i));
	else
		eve_dns_rr(L, e, dns);
	return 0;
}

static int eve_line(struct logs *L, const json_t *o)
{
	const char *type = json_string_value(json_object_get(o, "event_type"));
	const json_t *fid = json_object_get(o, "flow_id");
	int64_t ts = json_time(json_object_get(o, "timestamp"));
	struct lconn *c;
	char id[32];

	if (!type || ts < 0)
		return -1;
	/* stats, alerts without a flow, anomalies ...: not connections */
	if (!json_is_integer(fid))
		return strcmp(type, "stats") ? 0 : 0;
	snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(fid));
	if (!strcmp(type, "flow")) {
		const json_t *fl = json_object_get(o, "flow");
		int64_t start = json_time(json_object_get(fl, "start"));
		int64_t end = json_time(json_object_get(fl, "end"));

		if (!json_is_object(fl) || start < 0)
			return -1;
		c = conn_get(L, 's', id);
		c->have_addr = 0; /* the flow event's direction wins */
		if (eve_tuple(c, o, 0) < 0)
			return -1;
		if (!c->proto)
			return 0; /* icmp */
		c->ts = start;
		c->end = end >= start ? end : start;
		c->pkts[0] = (uint64_t)json_integer_value(json_object_get(fl, "pkts_toserver"));
		c->pkts[1] = (uint64_t)json_integer_value(json_object_get(fl, "pkts_toclient"));
		c->bytes[0] = (uint64_t)json_integer_value(json_object_get(fl, "bytes_toserver"));
		c->bytes[1] = (uint64_t)json_integer_value(json_object_get(fl, "bytes_toclient"));
		c->have_counts = 1;
		if (c->proto == 6) {
			const json_t *tcp = json_object_get(o, "tcp");

			c->syn = !json_is_object(tcp) || json_is_true(json_object_get(tcp, "syn"));
		}
		if (json_is_string(json_object_get(o, "app_proto")) &&
		    !strcmp(json_string_value(json_object_get(o, "app_proto")), "dns"))
			c->is_dns = 1;
		return 0;
	}
	c = conn_get(L, 's', id);
	if (c->ts < 0 || ts < c->ts)
		c->ts = ts;
	if (ts > c->end)
		c->end = ts;
	if (!strcmp(type, "dns"))
		return eve_dns(L, c, json_object_get(o, "dns"), ts, o);
	if (!strcmp(type, "tls") || !strcmp(type, "quic")) {
		const json_t *t = json_object_get(o, type);
		const char *sni = json_string_value(json_object_get(t, "sni"));

		if (eve_tuple(c, o, 0) < 0)
			return -1;
		if (type[0] == 'q')
			c->quic = 1;
		else
			c->svc_tls = 1;
		if (sni && !c->sni)
			c->sni = log_name(L, sni, strlen(sni));
		return 0;
	}
	if (!strcmp(type, "http")) {
		const json_t *h = json_object_get(o, "http");
		const char *host = json_string_value(json_object_get(h, "hostname"));
		const char *method = json_string_value(json_object_get(h, "http_method"));
		const char *url = json_string_value(json_object_get(h, "url"));
		json_int_t port = json_integer_value(json_object_get(h, "http_port"));

		if (eve_tuple(c, o, 0) < 0)
			return -1;
		c->svc_http = 1;
		if (method && !strcmp(method, "CONNECT") && (url || host) && !c->proxy_kind) {
			split_hostport(L, url ? url : host, &c->proxy_host, &c->proxy_port);
			if (c->proxy_host)
				c->proxy_kind = PROXY_CONNECT;
		} else if (url && !strncmp(url, "http://", 7) && host && !c->proxy_kind) {
			c->proxy_host = log_name(L, host, strlen(host));
			c->proxy_port = port > 0 && port < 65536 ? (uint16_t)port : 80;
			if (c->proxy_host)
				c->proxy_kind = PROXY_ABSOLUTE;
		} else if (host && !c->http_host) {
			c->http_host = log_name(L, host, strlen(host));
		}
		return 0;
	}
	return 0; /* alert, fileinfo, anomaly ...: nothing for egress */
}

/* ---- files ---- */

/* The next line of fp into b (without its newline): 1, 0 at the end, -1
 * for a line longer than LINE_MAX_LEN (read past, not kept). */
static int next_line(FILE *fp, cairn_buf *b)
{
	char chunk[65536];
	int toolong = 0;

	cairn_buf_clear(b);
	while (fgets(chunk, sizeof(chunk), fp)) {
		size_t n = strlen(chunk);
		int nl = n && chunk[n - 1] == '\n';

		if (nl)
			n--;
		if (!toolong && b->len + n > LINE_MAX_LEN) {
			toolong = 1;
			cairn_buf_clear(b);
		}
		if (!toolong)
			cairn_buf_add(b, chunk, n);
		if (nl)
			return toolong ? -1 : 1;
	}
	if (toolong)
		return -1;
	return b->len ? 1 : 0;
}

static int read_file(struct logs *L, const char *path, enum cairn_input_kind kind)
{
	struct cairn_input_stream in;
	struct zhdr h;
	cairn_buf line = CAIRN_BUF_INIT;
	uint64_t lines = 0;
	int r, rc;

	rc = cairn_input_open(&in, path);
	if (rc < 0)
		return rc;
	memset(&h, 0, sizeof(h));
	h.sep = '\t';
	h.setsep = ',';
	strcpy(h.empty, "(empty)");
	strcpy(h.unset, "-");
	L->bad = 0;
	while ((r = next_line(in.fp, &line)) != 0) {
		lines++;
		if (r < 0) {
			L->bad++;
			continue;
		}
		if (line.len && line.data[line.len - 1] == '\r')
			line.data[--line.len] = '\0';
		if (!line.len)
			continue;
		if (kind == CAIRN_INPUT_ZEEK_TSV) {
			if (line.data[0] == '#') {
				zeek_tsv_header(&h, line.data);
				continue;
			}
			r = zeek_tsv_line(L, &h, line.data);
		} else {
			json_t *o = json_loadb(line.data, line.len, 0, NULL);

			r = !json_is_object(o) ? -1 :
				kind == CAIRN_INPUT_SURICATA_EVE ? eve_line(L, o) : zeek_json_line(L, o);
			json_decref(o);
		}
		if (r < 0)
			L->bad++;
		else
			L->records++;
	}
	if (ferror(in.fp)) {
		const char *e = cairn_input_error(&in);

		rc = cairn_error_set(e ? CAIRN_EFORMAT : CAIRN_EIO, "cannot read '%s'%s%s", path,
			e ? ": " : "", e ? e : "");
	} else {
		char msg[1200];

		if (cairn_input_truncated(&in)) {
			snprintf(msg, sizeof(msg), "'%s': compressed stream cut short", path);
			cap_warn(L->c, msg);
		}
		if (L->bad) {
			snprintf(msg, sizeof(msg), "'%s': %llu of %llu lines not read (not a %s record)",
				path, (unsigned long long)L->bad, (unsigned long long)lines,
				cairn_input_kind_name(kind));
			cap_warn(L->c, msg);
		}
		L->c->st.log_bad_lines += L->bad;
	}
	zhdr_release(&h);
	cairn_buf_release(&line);
	fclose(in.fp);
	return rc;
}

/* ---- into the analysis, in time order ---- */

struct ev {
	int64_t ts;
	int dns;          /* 1 DNS (an answer before a connection at the same
	                   * time: it came first on the wire), 0 connection */
	size_t i;
};

static int ev_cmp(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->dns != b->dns)
		return b->dns - a->dns;
	return a->i < b->i ? -1 : a->i > b->i;
}

int cap_logs_read(cairn_capture *c, const char *const *paths, const int *kinds, size_t n)
{
	struct logs L;
	struct ev *evs;
	size_t i, nev = 0;
	int rc = 0;

	memset(&L, 0, sizeof(L));
	L.c = c;
	cap_kmap_init(&L.key2conn, sizeof(char *));
	cap_kmap_init(&L.txq, sizeof(char *) + 2);
	for (i = 0; i < n && rc == 0; i++)
		rc = read_file(&L, paths[i], (enum cairn_input_kind)kinds[i]);
	if (rc < 0)
		goto done;
	c->st.log_records += L.records;
	evs = cairn_calloc(L.nconns + L.ndns + 1, sizeof(*evs));
	for (i = 0; i < L.ndns; i++)
		evs[nev++] = (struct ev){ L.dns[i].ts, 1, i };
	for (i = 0; i < L.nconns; i++)
		if (L.conns[i].have_addr && L.conns[i].ts >= 0 && L.conns[i].proto)
			evs[nev++] = (struct ev){ L.conns[i].ts, 0, i };
	if (nev > 1)
		qsort(evs, nev, sizeof(*evs), ev_cmp);
	for (i = 0; i < nev; i++) {
		if (evs[i].dns) {
			const struct ldns *d = &L.dns[evs[i].i];

			if (d->query)
				cap_dns_query_seen(c, d->ver, d->client, d->server, d->qname, d->ts);
			else
				cap_dns_answer_seen(c, d->qname, d->rcode, d->cnames, d->ncnames,
					d->addrs, d->naddrs, d->ts);
		} else {
			const struct lconn *l = &L.conns[evs[i].i];
			struct cap_logflow lf;

			memset(&lf, 0, sizeof(lf));
			lf.ver = l->ver;
			lf.proto = l->proto;
			memcpy(lf.a, l->a, 16);
			memcpy(lf.b, l->b, 16);
			lf.ap = l->ap;
			lf.bp = l->bp;
			lf.first = l->ts;
			lf.last = l->end >= l->ts ? l->end : l->ts;
			lf.syn = l->proto == 6 && (l->syn || !l->have_counts);
			lf.dns = l->is_dns || l->ap == 53 || l->bp == 53;
			lf.quic = l->quic && l->proto == 17;
			lf.tls = l->svc_tls || (l->sni && !lf.quic);
			lf.http = l->svc_http;
			lf.have_counts = l->have_counts;
			memcpy(lf.pkts, l->pkts, sizeof(lf.pkts));
			memcpy(lf.bytes, l->bytes, sizeof(lf.bytes));
			lf.sni = l->sni;
			lf.http_host = l->http_host;
			lf.proxy_host = l->proxy_host;
			lf.proxy_port = l->proxy_port;
			lf.proxy_kind = l->proxy_kind;
			lf.cert_sni = l->cert_sni;
			cap_flow_from_log(c, &lf);
		}
	}
	free(evs);
done:
	for (i = 0; i < L.ndns; i++) {
		free(L.dns[i].cnames);
		free(L.dns[i].addrs);
	}
	free(L.dns);
	free(L.conns);
	free(L.queries);
	cap_kmap_release(&L.key2conn);
	cap_kmap_release(&L.txq);
	for (i = 0; i < L.strs.cap; i++)
		free(L.strs.slot[i]);
	free(L.strs.slot);
	free(L.strs.hash);
	return rc;
}
