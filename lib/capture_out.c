/*
 * capture_out.c - allowlists and the three renderings of a capture result
 * (text for people, CSV, JSON per docs/capture-schema.json).  All output
 * is deterministic: the result is already sorted, nothing here depends on
 * the clock or the locale.
 */
#include "agentlog.h"
#include "capture.h"
#include "cidr.h"
#include "jsonutil.h"
#include "rfc3339.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALLOW_FILE_MAX (16u << 20)


struct cairn_capture_allow {
	char **names;       /* exact, lowercase */
	size_t name_count;
	char **suffixes;    /* ".npmjs.org" for "*.npmjs.org" */
	size_t suffix_count;
	cairn_cidr *cidrs;
	size_t cidr_count;
};

void cairn_capture_allow_free(cairn_capture_allow *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->name_count; i++)
		free(a->names[i]);
	for (i = 0; i < a->suffix_count; i++)
		free(a->suffixes[i]);
	free(a->names);
	free(a->suffixes);
	free(a->cidrs);
	free(a);
}

static int host_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

int cairn_capture_allow_parse(cairn_capture_allow **out, const char *text, size_t len,
	const char *origin)
{
	cairn_capture_allow *a = cairn_calloc(1, sizeof(*a));
	size_t pos = 0, line = 0;

	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos, i;
		char entry[512];

		pos += l + (nl ? 1 : 0);
		line++;
		for (i = 0; i < l; i++)
			if (s[i] == '#')
				break;
		l = i;
		while (l && isspace((unsigned char)s[l - 1]))
			l--;
		while (l && isspace((unsigned char)*s)) {
			s++;
			l--;
		}
		if (!l)
			continue;
		if (l >= sizeof(entry)) {
			cairn_capture_allow_free(a);
			return cairn_error_set(CAIRN_EFORMAT, "allowlist '%s': line %zu: entry too long",
				origin, line);
		}
		for (i = 0; i < l; i++)
			entry[i] = (char)tolower((unsigned char)s[i]);
		entry[l] = '\0';
		if (l > 1 && entry[l - 1] == '.')
			entry[--l] = '\0';
		if (strchr(entry, ':') || strchr(entry, '/') ||
		    strspn(entry, "0123456789.") == l) {
			a->cidrs = cairn_realloc(a->cidrs, (a->cidr_count + 1) * sizeof(*a->cidrs));
			if (cairn_cidr_parse(&a->cidrs[a->cidr_count], entry, l, NULL) < 0) {
				cairn_capture_allow_free(a);
				return cairn_error_set(CAIRN_EFORMAT,
					"allowlist '%s': line %zu: bad address or CIDR", origin, line);
			}
			a->cidr_count++;
			continue;
		}
		{
			const char *h = entry;
			int wild = entry[0] == '*' && entry[1] == '.';

			if (wild)
				h += 2;
			for (i = 0; h[i]; i++)
				if (!host_char((unsigned char)h[i]))
					break;
			if (!*h || h[i] || h[0] == '.' || strstr(h, "..")) {
				cairn_capture_allow_free(a);
				return cairn_error_set(CAIRN_EFORMAT,
					"allowlist '%s': line %zu: not a host name, *.domain or CIDR",
					origin, line);
			}
			if (wild) {
				a->suffixes = cairn_realloc(a->suffixes, (a->suffix_count + 1) * sizeof(char *));
				a->suffixes[a->suffix_count++] = cairn_strdup(entry + 1);
			} else {
				a->names = cairn_realloc(a->names, (a->name_count + 1) * sizeof(char *));
				a->names[a->name_count++] = cairn_strdup(entry);
			}
		}
	}
	*out = a;
	return 0;
}

int cairn_capture_allow_load(cairn_capture_allow **out, const char *path)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc = cairn_read_file(&b, path, ALLOW_FILE_MAX, "allowlist");

	*out = NULL;
	if (rc == 0)
		rc = cairn_capture_allow_parse(out, b.data ? b.data : "", b.len, path);
	cairn_buf_release(&b);
	return rc;
}

int cairn_capture_allow_name(const cairn_capture_allow *a, const char *name)
{
	size_t i, nl = strlen(name);

	for (i = 0; i < a->name_count; i++)
		if (!strcmp(a->names[i], name))
			return 1;
	for (i = 0; i < a->suffix_count; i++) {
		size_t sl = strlen(a->suffixes[i]);

		/* "*.npmjs.org": npmjs.org itself and every name below it
		 * (samples/allow.txt), never "evilnpmjs.org" */
		if (nl > sl && !strcmp(name + nl - sl, a->suffixes[i]))
			return 1;
		if (nl == sl - 1 && !strcmp(name, a->suffixes[i] + 1))
			return 1;
	}
	return 0;
}

int cairn_capture_allow_address(const cairn_capture_allow *a, const char *addr)
{
	unsigned char raw[16], family;
	size_t i;

	if (cairn_cidr_addr_parse(raw, &family, addr, strlen(addr)) < 0)
		return 0;
	for (i = 0; i < a->cidr_count; i++)
		if (cairn_cidr_contains(&a->cidrs[i], family, raw))
			return 1;
	return 0;
}

int cairn_capture_allow_host(void *ctx, const char *host)
{
	const cairn_capture_allow *a = ctx;
	unsigned char raw[16];

	if (!host)
		return cairn_capture_allow_name(a, "");
	/* a bare address ("[v6]" is URL syntax, not a host: matched by name,
	 * so never allowed) */
	if (inet_pton(AF_INET, host, raw) == 1 || inet_pton(AF_INET6, host, raw) == 1)
		return cairn_capture_allow_address(a, host);
	return cairn_capture_allow_name(a, host);
}

static int is_arpa(const char *d)
{
	size_t l = strlen(d);

	return l >= 4 && !strcmp(d + l - 4, "arpa") && (l == 4 || d[l - 5] == '.');
}

static int host_verdict(const cairn_capture_allow *a, const struct cairn_capture_host *h)
{
	int names_ok = h->name_count > 0, addrs_ok = h->address_count > 0;
	int confirmed = 0, lie = 0;
	size_t i;

	/* every name must be allowed: an allowed SNI must not hide a DNS name
	 * (or the other way round) that is not; and a name the capture's DNS
	 * contradicts is a claim shown false, never a pass */
	for (i = 0; i < h->name_count; i++) {
		const struct cairn_capture_name *nm = &h->names[i];

		if (!cairn_capture_allow_name(a, nm->name)) {
			names_ok = 0;
		} else if (nm->evidence == CAIRN_CAPTURE_CONTRADICTED) {
			names_ok = 0;
			lie = 1;
		}
		if (nm->evidence == CAIRN_CAPTURE_CONFIRMED)
			confirmed = 1;
	}
	for (i = 0; i < h->address_count && addrs_ok; i++)
		if (!cairn_capture_allow_address(a, h->addresses[i]))
			addrs_ok = 0;
	if (addrs_ok)
		return CAIRN_ALLOW_YES;
	if (names_ok)
		return confirmed ? CAIRN_ALLOW_YES : CAIRN_ALLOW_UNCONFIRMED;
	return lie ? CAIRN_ALLOW_CONTRADICTED : CAIRN_ALLOW_NO;
}

static void judge(const cairn_capture_allow *a, struct cairn_capture_host *h)
{
	h->verdict = host_verdict(a, h);
	h->allowed = h->verdict == CAIRN_ALLOW_YES ||
		h->verdict == CAIRN_ALLOW_UNCONFIRMED;
}

size_t cairn_capture_result_apply_allow(cairn_capture_result *r, const cairn_capture_allow *a)
{
	size_t i, bad = 0;

	for (i = 0; i < r->row_count; i++)
		judge(a, &r->rows[i]);
	for (i = 0; i < r->total_count; i++) {
		judge(a, &r->totals[i]);
		if (!r->totals[i].allowed)
			bad++;
	}
	/* the resolvers the host normally uses are infrastructure; another
	 * one is a destination like any, judged by its address */
	for (i = 0; i < r->resolver_count; i++) {
		struct cairn_capture_resolver *o = &r->resolvers[i];

		o->allowed = !o->unusual || cairn_capture_allow_address(a, o->address);
		bad += !o->allowed;
	}
	/* a proxy on a private or loopback address is the site's own; one
	 * out on the internet carries everything through it: judged by its
	 * address like any destination */
	for (i = 0; i < r->proxy_count; i++) {
		struct cairn_capture_proxy *o = &r->proxies[i];

		o->allowed = !o->public_address || cairn_capture_allow_address(a, o->address);
		bad += !o->allowed;
	}
	/* names looked up: shown when not on the list; a tunnel under a
	 * domain not on it is a finding (reverse lookups are not judged) */
	for (i = 0; i < r->lookup_count; i++) {
		struct cairn_capture_lookup *l = &r->lookups[i];
		size_t k;

		l->not_allowed = 0;
		free(l->all_off);
		l->all_off = cairn_calloc(l->all_count ? l->all_count : 1, 1);
		if (!is_arpa(l->domain))
			for (k = 0; k < l->all_count; k++) {
				l->all_off[k] = !cairn_capture_allow_name(a, l->all[k]);
				l->not_allowed += l->all_off[k];
			}
		l->allowed = l->not_allowed == 0;
	}
	r->allow_applied = 1;
	return bad + cairn_capture_result_tunnels(r);
}

size_t cairn_capture_result_tunnels(const cairn_capture_result *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->lookup_count; i++)
		n += r->lookups[i].tunnel && r->lookups[i].allowed != 1;
	return n;
}

static const char *const verdict_names[] = {
	[CAIRN_ALLOW_UNJUDGED] = NULL,
	[CAIRN_ALLOW_YES] = "allowed",
	[CAIRN_ALLOW_UNCONFIRMED] = "allowed-unconfirmed",
	[CAIRN_ALLOW_NO] = "not-allowed",
	[CAIRN_ALLOW_CONTRADICTED] = "contradicted",
};

static const char *const evidence_names[] = {
	[CAIRN_CAPTURE_CONTRADICTED] = "contradicted",
	[CAIRN_CAPTURE_CLAIMED] = "claimed",
	[CAIRN_CAPTURE_CONFIRMED] = "confirmed",
};

static const char *verdict_name(int v)
{
	return v > 0 && v <= CAIRN_ALLOW_CONTRADICTED ? verdict_names[v] : NULL;
}

static const char *evidence_name(int e)
{
	return e >= 0 && e <= CAIRN_CAPTURE_CONFIRMED ? evidence_names[e] : "claimed";
}

/* ---- helpers ---- */

static void fmt_time(char *out, size_t len, int64_t ns)
{
	int64_t s = ns / 1000000000LL;
	long frac = (long)(ns % 1000000000LL);

	if (frac < 0) {
		s--;
		frac += 1000000000L;
	}
	cairn_rfc3339_format(out, len, s, frac);
}

static void fmt_time_s(char *out, size_t len, int64_t ns)
{
	int64_t s = ns / 1000000000LL;

	if (ns % 1000000000LL < 0)
		s--;
	cairn_rfc3339_format(out, len, s, -1);
}

static void fmt_duration(char *out, size_t len, int64_t ns)
{
	int64_t s = ns / 1000000000LL;

	if (s % 86400 == 0)
		snprintf(out, len, "%lldd", (long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(out, len, "%lldh", (long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(out, len, "%lldm", (long long)(s / 60));
	else
		snprintf(out, len, "%llds", (long long)s);
}

static int shown(const struct cairn_capture_host *h, int only_unknown)
{
	return !only_unknown || h->allowed != 1;
}

static void join(cairn_buf *b, char *const *v, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			cairn_buf_addstr(b, sep);
		cairn_buf_addstr(b, v[i]);
	}
}

/* "name (src+src)" for every name, for text and CSV */
static void names_with_sources(cairn_buf *b, const struct cairn_capture_host *h)
{
	size_t i;

	for (i = 0; i < h->name_count; i++) {
		if (i)
			cairn_buf_addstr(b, "; ");
		cairn_buf_addstr(b, h->names[i].name);
		cairn_buf_addstr(b, " (");
		join(b, h->names[i].sources, h->names[i].source_count, "+");
		/* a name nothing backs says so; a contradicted one says where
		 * the capture's DNS put it */
		if (h->names[i].evidence != CAIRN_CAPTURE_CONFIRMED) {
			cairn_buf_addstr(b, ", ");
			cairn_buf_addstr(b, evidence_name(h->names[i].evidence));
		}
		if (h->names[i].dns_address_count) {
			cairn_buf_addstr(b, ": DNS says ");
			join(b, h->names[i].dns_addresses, h->names[i].dns_address_count, " ");
		}
		cairn_buf_addch(b, ')');
		if (h->names[i].chain_count > 1) {
			cairn_buf_addstr(b, " cname ");
			join(b, h->names[i].chain, h->names[i].chain_count, " > ");
		}
	}
}

static const char *allow_word(const struct cairn_capture_host *h)
{
	switch (h->verdict) {
	case CAIRN_ALLOW_YES: return "allowed";
	case CAIRN_ALLOW_UNCONFIRMED: return "allowed (unconfirmed)";
	case CAIRN_ALLOW_NO: return "NOT ALLOWED";
	case CAIRN_ALLOW_CONTRADICTED: return "NOT ALLOWED (contradicted)";
	default: return "-";
	}
}

static void human_bytes(char *out, size_t len, uint64_t v)
{
	if (v < 10000)
		snprintf(out, len, "%llu", (unsigned long long)v);
	else if (v < 10000ull * 1024)
		snprintf(out, len, "%.1fK", (double)v / 1024);
	else if (v < 10000ull * 1024 * 1024)
		snprintf(out, len, "%.1fM", (double)v / (1024.0 * 1024));
	else
		snprintf(out, len, "%.1fG", (double)v / (1024.0 * 1024 * 1024));
}

/* ---- text ---- */

#define NCOL 10

static void text_table(cairn_buf *out, const struct cairn_capture_host *rows, size_t n,
	int only_unknown)
{
	static const char *const head[NCOL] = {
		"HOST", "VIA", "ADDRESS", "PORTS", "PROTO", "CONN", "PKTS OUT/IN",
		"BYTES OUT/IN", "FIRST-LAST", "ALLOW"
	};
	size_t width[NCOL], i, k, shown_rows = 0;
	cairn_buf *cells = cairn_calloc(n * NCOL + 1, sizeof(cairn_buf));

	for (k = 0; k < NCOL; k++)
		width[k] = strlen(head[k]);
	for (i = 0; i < n; i++) {
		const struct cairn_capture_host *h = &rows[i];
		cairn_buf *c = &cells[i * NCOL];
		char a[32], b[32], t1[48], t2[48];

		if (!shown(h, only_unknown))
			continue;
		shown_rows++;
		cairn_escape_display(&c[0], h->host, strlen(h->host));
		if (h->name_count)
			join(&c[1], h->names[0].sources, h->names[0].source_count, "+");
		else
			cairn_buf_addstr(&c[1], "address");
		if (h->name_count && h->names[0].evidence == CAIRN_CAPTURE_CLAIMED)
			cairn_buf_addstr(&c[1], ",claimed");
		if (h->contradicted)
			cairn_buf_addstr(&c[1], ",contradicted");
		if (h->direct_ip)
			cairn_buf_addstr(&c[1], ",direct-ip");
		if (h->ech_outer)
			cairn_buf_addstr(&c[1], ",ech-outer");
		if (h->address_count)
			cairn_buf_addstr(&c[2], h->addresses[0]);
		if (h->address_count > 1)
			cairn_buf_addf(&c[2], " +%zu", h->address_count - 1);
		join(&c[3], h->ports, h->port_count > 4 ? 4 : h->port_count, ",");
		if (h->port_count > 4)
			cairn_buf_addf(&c[3], ",+%zu", h->port_count - 4);
		join(&c[4], h->protocols, h->protocol_count, ",");
		cairn_buf_addf(&c[5], "%llu", (unsigned long long)h->connections);
		cairn_buf_addf(&c[6], "%llu/%llu", (unsigned long long)h->packets_out,
			(unsigned long long)h->packets_in);
		human_bytes(a, sizeof(a), h->bytes_out);
		human_bytes(b, sizeof(b), h->bytes_in);
		cairn_buf_addf(&c[7], "%s/%s", a, b);
		if (h->first_ns >= 0) {
			fmt_time_s(t1, sizeof(t1), h->first_ns);
			fmt_time_s(t2, sizeof(t2), h->last_ns);
			/* hh:mm:ss of both ends; the window header has the date */
			cairn_buf_addf(&c[8], "%.8s-%.8s", t1 + 11, t2 + 11);
		} else {
			cairn_buf_addstr(&c[8], "(idle)");
		}
		cairn_buf_addstr(&c[9], allow_word(h));
		for (k = 0; k < NCOL; k++)
			if (c[k].len > width[k])
				width[k] = c[k].len;
	}
	if (!shown_rows) {
		cairn_buf_addstr(out, "  (no outbound hosts)\n");
		free(cells);
		return;
	}
	cairn_buf_addstr(out, "  ");
	for (k = 0; k + 1 < NCOL; k++)
		cairn_buf_addf(out, "%-*s  ", (int)width[k], head[k]);
	cairn_buf_addf(out, "%s\n", head[NCOL - 1]);
	for (i = 0; i < n; i++) {
		const struct cairn_capture_host *h = &rows[i];
		cairn_buf *c = &cells[i * NCOL];

		if (!shown(h, only_unknown))
			continue;
		cairn_buf_addstr(out, "  ");
		for (k = 0; k + 1 < NCOL; k++)
			cairn_buf_addf(out, "%-*s  ", (int)width[k], c[k].data ? c[k].data : "");
		cairn_buf_addf(out, "%s\n", c[NCOL - 1].data ? c[NCOL - 1].data : "");
		if (h->uid_count || h->gid_count) {
			cairn_buf_addstr(out, "      sent by uid ");
			join(out, h->uids, h->uid_count, ",");
			if (!h->uid_count)
				cairn_buf_addch(out, '-');
			cairn_buf_addstr(out, " gid ");
			join(out, h->gids, h->gid_count, ",");
			if (!h->gid_count)
				cairn_buf_addch(out, '-');
			cairn_buf_addch(out, '\n');
		}
		if (h->proxy_count) {
			cairn_buf_addstr(out, "      via proxy ");
			join(out, h->proxies, h->proxy_count, ", ");
			cairn_buf_addch(out, '\n');
		}
		if (h->name_count > 1 || (h->name_count == 1 && (h->names[0].chain_count > 1 ||
		    h->names[0].dns_address_count))) {
			cairn_buf tmp = CAIRN_BUF_INIT;

			names_with_sources(&tmp, h);
			cairn_buf_addstr(out, "      names: ");
			cairn_escape_display(out, tmp.data, tmp.len);
			cairn_buf_addch(out, '\n');
			cairn_buf_release(&tmp);
		}
	}
	for (i = 0; i < n * NCOL; i++)
		cairn_buf_release(&cells[i]);
	free(cells);
}

/* A plain table: ncol headings, rows of ncol cells (escaped already),
 * columns padded to their widest cell; the last column is not padded. */
static void table_print(cairn_buf *out, const char *const *head, size_t ncol, cairn_buf *cells,
	size_t nrows)
{
	size_t width[16], i, k;

	for (k = 0; k < ncol; k++)
		width[k] = strlen(head[k]);
	for (i = 0; i < nrows; i++)
		for (k = 0; k < ncol; k++)
			if (cells[i * ncol + k].len > width[k])
				width[k] = cells[i * ncol + k].len;
	cairn_buf_addstr(out, "  ");
	for (k = 0; k + 1 < ncol; k++)
		cairn_buf_addf(out, "%-*s  ", (int)width[k], head[k]);
	cairn_buf_addf(out, "%s\n", head[ncol - 1]);
	for (i = 0; i < nrows; i++) {
		cairn_buf_addstr(out, "  ");
		for (k = 0; k + 1 < ncol; k++)
			cairn_buf_addf(out, "%-*s  ", (int)width[k],
				cells[i * ncol + k].data ? cells[i * ncol + k].data : "");
		cairn_buf_addf(out, "%s\n", cells[i * ncol + ncol - 1].data ?
			cells[i * ncol + ncol - 1].data : "");
	}
}

static void fmt_span(cairn_buf *b, int64_t first, int64_t last)
{
	char t1[48], t2[48];

	if (first < 0)
		return;
	fmt_time_s(t1, sizeof(t1), first);
	fmt_time_s(t2, sizeof(t2), last);
	cairn_buf_addf(b, "%.8s-%.8s", t1 + 11, t2 + 11);
}

#define PCOL 6

static void text_proxies(cairn_buf *out, const cairn_capture_result *r)
{
	static const char *const head[PCOL] = {
		"PROXY", "CLIENTS", "CONNECT", "ABSOLUTE", "FIRST-LAST", "ALLOW"
	};
	cairn_buf *cells;
	size_t i, k;

	if (!r->proxy_count)
		return;
	cells = cairn_calloc(r->proxy_count * PCOL, sizeof(cairn_buf));
	cairn_buf_addstr(out, "\nproxies (the hosts above name what was asked of them)\n");
	for (i = 0; i < r->proxy_count; i++) {
		const struct cairn_capture_proxy *o = &r->proxies[i];
		cairn_buf *c = &cells[i * PCOL];

		cairn_buf_addf(&c[0], strchr(o->address, ':') ? "[%s]:%u" : "%s:%u", o->address, o->port);
		cairn_buf_addf(&c[1], "%zu", o->client_count);
		cairn_buf_addf(&c[2], "%llu", (unsigned long long)o->tunnels);
		cairn_buf_addf(&c[3], "%llu", (unsigned long long)o->requests);
		fmt_span(&c[4], o->first_ns, o->last_ns);
		cairn_buf_addstr(&c[5], o->allowed < 0 ? "-" : o->allowed ? "allowed" : "NOT ALLOWED");
	}
	table_print(out, head, PCOL, cells, r->proxy_count);
	for (i = 0; i < r->proxy_count; i++) {
		const struct cairn_capture_proxy *o = &r->proxies[i];
		cairn_buf tmp = CAIRN_BUF_INIT;

		join(&tmp, o->targets, o->target_count, ", ");
		cairn_buf_addf(out, strchr(o->address, ':') ? "  [%s]:%u asked for: " : "  %s:%u asked for: ",
			o->address, o->port);
		cairn_escape_display(out, tmp.data ? tmp.data : "", tmp.len);
		if (o->targets_total > o->target_count)
			cairn_buf_addf(out, ", +%llu", (unsigned long long)(o->targets_total - o->target_count));
		cairn_buf_addch(out, '\n');
		cairn_buf_release(&tmp);
	}
	for (k = 0; k < r->proxy_count * PCOL; k++)
		cairn_buf_release(&cells[k]);
	free(cells);
}

#define RCOL 9

static void text_resolvers(cairn_buf *out, const cairn_capture_result *r, int only_unknown)
{
	static const char *const head[RCOL] = {
		"RESOLVER", "PORTS", "CLIENTS", "QUERIES", "NAMES", "PKTS OUT/IN", "FIRST-LAST",
		"USE", "ALLOW"
	};
	cairn_buf *cells = cairn_calloc(r->resolver_count * RCOL + 1, sizeof(cairn_buf));
	size_t i, k, n = 0, names = 0;

	for (i = 0; i < r->lookup_count; i++)
		names += r->lookups[i].names;
	if (!r->resolver_count && !r->lookup_count) {
		cairn_buf_addstr(out, "\nresolvers: none (no DNS from the local side in this capture)\n");
		free(cells);
		return;
	}
	cairn_buf_addf(out, "\nresolvers (%zu name%s looked up under %zu domain%s)\n", names,
		names == 1 ? "" : "s", r->lookup_count, r->lookup_count == 1 ? "" : "s");
	for (i = 0; i < r->resolver_count; i++) {
		const struct cairn_capture_resolver *o = &r->resolvers[i];
		cairn_buf *c = &cells[n * RCOL];

		if (only_unknown && o->allowed == 1)
			continue;
		n++;
		cairn_buf_addstr(&c[0], o->address);
		join(&c[1], o->ports, o->port_count, ",");
		cairn_buf_addf(&c[2], "%zu", o->client_count);
		cairn_buf_addf(&c[3], "%llu", (unsigned long long)o->queries);
		cairn_buf_addf(&c[4], "%llu", (unsigned long long)o->names);
		cairn_buf_addf(&c[5], "%llu/%llu", (unsigned long long)o->packets_out,
			(unsigned long long)o->packets_in);
		fmt_span(&c[6], o->first_ns, o->last_ns);
		cairn_buf_addstr(&c[7], o->unusual ? "UNUSUAL" : "usual");
		cairn_buf_addstr(&c[8], o->allowed < 0 ? "-" : o->allowed ? "allowed" : "NOT ALLOWED");
	}
	if (!n)
		cairn_buf_addstr(out, "  (none)\n");
	else
		table_print(out, head, RCOL, cells, n);
	for (i = 0; i < r->resolver_count; i++) {
		const struct cairn_capture_resolver *o = &r->resolvers[i];
		cairn_buf tmp = CAIRN_BUF_INIT;

		if (!o->unusual || (only_unknown && o->allowed == 1))
			continue;
		join(&tmp, o->asked, o->asked_count, ", ");
		cairn_buf_addf(out, "  %s is not a resolver this host normally uses; asked: ", o->address);
		cairn_escape_display(out, tmp.data ? tmp.data : "", tmp.len);
		if (o->names > o->asked_count)
			cairn_buf_addf(out, ", +%llu", (unsigned long long)(o->names - o->asked_count));
		cairn_buf_addch(out, '\n');
		cairn_buf_release(&tmp);
	}
	for (k = 0; k < r->resolver_count * RCOL; k++)
		cairn_buf_release(&cells[k]);
	free(cells);
}

/* Possible tunnels, and (with an allowlist) names looked up off it. */
static void text_lookups(cairn_buf *out, const cairn_capture_result *r)
{
	size_t i, k, off = 0, offnames = 0;
	char t1[48], t2[48];

	for (i = 0; i < r->lookup_count; i++) {
		const struct cairn_capture_lookup *l = &r->lookups[i];
		cairn_buf tmp = CAIRN_BUF_INIT;

		if (l->allowed == 0) {
			off++;
			offnames += l->not_allowed;
		}
		if (!l->tunnel)
			continue;
		fmt_time_s(t1, sizeof(t1), l->first_ns);
		fmt_time_s(t2, sizeof(t2), l->last_ns);
		cairn_buf_addstr(out, "possible DNS tunnel under ");
		cairn_escape_display(out, l->domain, strlen(l->domain));
		cairn_buf_addf(out, "%s: %llu distinct names (%llu within 60 s, %llu of them with a "
			"label of 24+ characters), %llu lookups, %.8s-%.8s\n",
			l->allowed == 1 ? " (allowed)" : "",
			(unsigned long long)l->names, (unsigned long long)l->peak_names,
			(unsigned long long)l->peak_long, (unsigned long long)l->lookups, t1 + 11, t2 + 11);
		join(&tmp, l->sample, l->sample_count, ", ");
		cairn_buf_addstr(out, "      first: ");
		cairn_escape_display(out, tmp.data ? tmp.data : "", tmp.len);
		cairn_buf_addch(out, '\n');
		cairn_buf_release(&tmp);
	}
	if (!off)
		return;
	cairn_buf_addf(out, "lookups not on the allowlist: %zu name%s under %zu domain%s\n", offnames,
		offnames == 1 ? "" : "s", off, off == 1 ? "" : "s");
	for (i = 0; i < r->lookup_count; i++) {
		const struct cairn_capture_lookup *l = &r->lookups[i];
		cairn_buf tmp = CAIRN_BUF_INIT;
		size_t shown = 0;

		if (l->allowed != 0)
			continue;
		for (k = 0; k < l->all_count && shown < 5; k++) {
			if (!l->all_off || !l->all_off[k])
				continue;
			cairn_buf_addf(&tmp, "%s%s", shown ? ", " : "", l->all[k]);
			shown++;
		}
		cairn_buf_addstr(out, "  ");
		cairn_escape_display(out, l->domain, strlen(l->domain));
		cairn_buf_addstr(out, ": ");
		cairn_escape_display(out, tmp.data ? tmp.data : "", tmp.len);
		if (l->not_allowed > shown)
			cairn_buf_addf(out, ", +%llu", (unsigned long long)(l->not_allowed - shown));
		cairn_buf_addch(out, '\n');
		cairn_buf_release(&tmp);
	}
}

void cairn_capture_write_text(cairn_buf *out, const cairn_capture_result *r, int only_unknown)
{
	char t1[48], t2[48], d[32];
	size_t i, j;

	fmt_duration(d, sizeof(d), r->window_ns);
	cairn_buf_addf(out, "cairn-capture: %llu packets (%llu IP, %llu bad checksums), %llu flows, "
		"%llu outbound, %llu to resolvers\n",
		(unsigned long long)r->stats.packets, (unsigned long long)r->stats.ip_packets,
		(unsigned long long)r->stats.bad_checksums, (unsigned long long)r->stats.flows,
		(unsigned long long)r->stats.outbound_flows,
		(unsigned long long)r->stats.resolver_flows);
	if (r->stats.log_records || r->stats.log_bad_lines)
		cairn_buf_addf(out, "logs: %llu records read, %llu lines not read\n",
			(unsigned long long)r->stats.log_records,
			(unsigned long long)r->stats.log_bad_lines);
	if (r->stats.first_ns >= 0) {
		fmt_time(t1, sizeof(t1), r->stats.first_ns);
		fmt_time(t2, sizeof(t2), r->stats.last_ns);
		cairn_buf_addf(out, "time: %s .. %s, windows of %s (UTC)\n", t1, t2, d);
	}
	cairn_buf_addf(out, "local (%s): ", r->local_rule);
	join(out, r->locals, r->local_count > 8 ? 8 : r->local_count, ", ");
	if (r->local_count > 8)
		cairn_buf_addf(out, ", +%zu", r->local_count - 8);
	cairn_buf_addch(out, '\n');
	for (i = 0; i < r->row_count; i = j) {
		for (j = i; j < r->row_count && r->rows[j].window_ns == r->rows[i].window_ns; j++)
			;
		fmt_time_s(t1, sizeof(t1), r->rows[i].window_ns);
		cairn_buf_addf(out, "\nwindow %s +%s\n", t1, d);
		text_table(out, r->rows + i, j - i, only_unknown);
	}
	cairn_buf_addstr(out, "\ntotals\n");
	text_table(out, r->totals, r->total_count, only_unknown);
	if (r->local_only) {
		cairn_buf_addf(out, "\nlocal-only capture: no flow from a local address to a remote one; "
			"its %llu flow%s, by responder, were not judged (--all judges them)\n",
			(unsigned long long)r->stats.flows, r->stats.flows == 1 ? "" : "s");
		text_table(out, r->local_flows, r->local_flow_count, 0);
	}
	text_proxies(out, r);
	text_resolvers(out, r, only_unknown);
	text_lookups(out, r);
	if (r->allow_applied) {
		size_t bad = 0, lies = 0, unconfirmed = 0;

		for (i = 0; i < r->total_count; i++) {
			bad += r->totals[i].allowed == 0;
			lies += r->totals[i].verdict == CAIRN_ALLOW_CONTRADICTED;
			unconfirmed += r->totals[i].verdict == CAIRN_ALLOW_UNCONFIRMED;
		}
		cairn_buf_addf(out, "\n%zu of %zu hosts not on the allowlist\n", bad, r->total_count);
		if (lies)
			cairn_buf_addf(out, "%zu of them by a name on the allowlist that the capture's "
				"DNS contradicts\n", lies);
		if (unconfirmed)
			cairn_buf_addf(out, "%zu allowed (unconfirmed): only the client's word (SNI, "
				"Host, proxy request) names %s, no DNS answer in the capture nor a verified "
				"certificate\n", unconfirmed,
				unconfirmed == 1 ? "it" : "them");
		for (i = bad = 0; i < r->resolver_count; i++)
			bad += r->resolvers[i].allowed == 0;
		if (bad)
			cairn_buf_addf(out, "%zu unusual resolver%s not on the allowlist\n", bad,
				bad == 1 ? "" : "s");
		for (i = bad = 0; i < r->proxy_count; i++)
			bad += r->proxies[i].allowed == 0;
		if (bad)
			cairn_buf_addf(out, "%zu prox%s on a public address not on the allowlist\n", bad,
				bad == 1 ? "y" : "ies");
	}
	if (cairn_capture_result_tunnels(r))
		cairn_buf_addf(out, "%zu possible DNS tunnel%s under a domain %s\n",
			cairn_capture_result_tunnels(r), cairn_capture_result_tunnels(r) == 1 ? "" : "s",
			r->allow_applied ? "not on the allowlist" : "(no allowlist)");
}

/* ---- CSV (RFC 4180) ---- */

static void csv_field(cairn_buf *out, const char *s, size_t n)
{
	size_t i;

	cairn_buf_addch(out, '"');
	/* a leading = + - @ would be a formula to a spreadsheet */
	if (n && strchr("=+-@", s[0]))
		cairn_buf_addch(out, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			cairn_buf_addch(out, '"');
		cairn_buf_addch(out, s[i]);
	}
	cairn_buf_addch(out, '"');
}

static void csv_row(cairn_buf *out, const struct cairn_capture_host *h, int total)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	char t[48];

	cairn_buf_addstr(out, total ? "total," : "window,");
	if (!total) {
		fmt_time_s(t, sizeof(t), h->window_ns);
		cairn_buf_addstr(out, t);
	}
	cairn_buf_addch(out, ',');
	csv_field(out, h->host, strlen(h->host));
	cairn_buf_addch(out, ',');
	names_with_sources(&tmp, h);
	csv_field(out, tmp.data ? tmp.data : "", tmp.len);
	cairn_buf_clear(&tmp);
	cairn_buf_addch(out, ',');
	join(&tmp, h->addresses, h->address_count, " ");
	csv_field(out, tmp.data ? tmp.data : "", tmp.len);
	cairn_buf_clear(&tmp);
	cairn_buf_addch(out, ',');
	join(&tmp, h->ports, h->port_count, " ");
	csv_field(out, tmp.data ? tmp.data : "", tmp.len);
	cairn_buf_clear(&tmp);
	cairn_buf_addch(out, ',');
	join(&tmp, h->protocols, h->protocol_count, " ");
	csv_field(out, tmp.data ? tmp.data : "", tmp.len);
	cairn_buf_release(&tmp);
	cairn_buf_addf(out, ",%llu,%llu,%llu,%llu,%llu,%llu,",
		(unsigned long long)h->connections, (unsigned long long)h->opened,
		(unsigned long long)h->packets_out, (unsigned long long)h->packets_in,
		(unsigned long long)h->bytes_out, (unsigned long long)h->bytes_in);
	if (h->first_ns >= 0) {
		fmt_time(t, sizeof(t), h->first_ns);
		cairn_buf_addstr(out, t);
		cairn_buf_addch(out, ',');
		fmt_time(t, sizeof(t), h->last_ns);
		cairn_buf_addstr(out, t);
	} else {
		cairn_buf_addch(out, ',');
	}
	cairn_buf_addf(out, ",%d,%d,%s,%s\n", h->direct_ip, h->ech_outer,
		h->allowed < 0 ? "" : h->allowed ? "yes" : "no",
		verdict_name(h->verdict) ? verdict_name(h->verdict) : "");
}

void cairn_capture_write_csv(cairn_buf *out, const cairn_capture_result *r, int only_unknown)
{
	size_t i;

	cairn_buf_addstr(out, "scope,window_start,host,names,addresses,ports,protocols,"
		"connections,opened,packets_out,packets_in,bytes_out,bytes_in,"
		"first_seen,last_seen,direct_ip,ech_outer,allowed,verdict\n");
	for (i = 0; i < r->row_count; i++)
		if (shown(&r->rows[i], only_unknown))
			csv_row(out, &r->rows[i], 0);
	for (i = 0; i < r->total_count; i++)
		if (shown(&r->totals[i], only_unknown))
			csv_row(out, &r->totals[i], 1);
}

/* ---- JSON ---- */

/* JSON strings must be UTF-8: anything else gets the reversible escaping */
static json_t *jstr(const char *s)
{
	cairn_buf e = CAIRN_BUF_INIT;
	json_t *j;

	if (cairn_utf8_valid(s, strlen(s)))
		return json_string(s);
	cairn_escape_bytes(&e, s, strlen(s));
	j = json_string(e.data ? e.data : "");
	cairn_buf_release(&e);
	return j;
}

static json_t *jstrv(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jstr(v[i]));
	return a;
}

/* decimal strings as JSON integers */
static json_t *juintv(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)strtoull(v[i], NULL, 10)));
	return a;
}

static json_t *jtime(int64_t ns)
{
	char t[48];

	if (ns < 0)
		return json_null();
	fmt_time(t, sizeof(t), ns);
	return json_string(t);
}

static json_t *jhost(const struct cairn_capture_host *h, int total)
{
	json_t *o = json_object(), *names = json_array();
	size_t i;

	if (!total)
		json_object_set_new(o, "window_start", jtime(h->window_ns));
	json_object_set_new(o, "host", jstr(h->host));
	json_object_set_new(o, "by_address", json_boolean(h->by_address));
	json_object_set_new(o, "direct_ip", json_boolean(h->direct_ip));
	json_object_set_new(o, "ech_outer", json_boolean(h->ech_outer));
	for (i = 0; i < h->name_count; i++) {
		json_t *n = json_object();

		json_object_set_new(n, "name", jstr(h->names[i].name));
		json_object_set_new(n, "sources", jstrv(h->names[i].sources, h->names[i].source_count));
		json_object_set_new(n, "cname_chain", jstrv(h->names[i].chain, h->names[i].chain_count));
		json_object_set_new(n, "evidence", json_string(evidence_name(h->names[i].evidence)));
		json_object_set_new(n, "dns_addresses", jstrv(h->names[i].dns_addresses,
			h->names[i].dns_address_count));
		json_array_append_new(names, n);
	}
	json_object_set_new(o, "names", names);
	json_object_set_new(o, "addresses", jstrv(h->addresses, h->address_count));
	json_object_set_new(o, "proxies", jstrv(h->proxies, h->proxy_count));
	json_object_set_new(o, "ports", jstrv(h->ports, h->port_count));
	json_object_set_new(o, "protocols", jstrv(h->protocols, h->protocol_count));
	json_object_set_new(o, "uids", juintv(h->uids, h->uid_count));
	json_object_set_new(o, "gids", juintv(h->gids, h->gid_count));
	json_object_set_new(o, "connections", json_integer((json_int_t)h->connections));
	json_object_set_new(o, "opened", json_integer((json_int_t)h->opened));
	json_object_set_new(o, "packets_out", json_integer((json_int_t)h->packets_out));
	json_object_set_new(o, "packets_in", json_integer((json_int_t)h->packets_in));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)h->bytes_out));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)h->bytes_in));
	json_object_set_new(o, "first_seen", jtime(h->first_ns));
	json_object_set_new(o, "last_seen", jtime(h->last_ns));
	json_object_set_new(o, "confirmed", json_boolean(h->confirmed));
	json_object_set_new(o, "contradicted", json_boolean(h->contradicted));
	json_object_set_new(o, "allowed", h->allowed < 0 ? json_null() : json_boolean(h->allowed));
	json_object_set_new(o, "verdict", verdict_name(h->verdict) ?
		json_string(verdict_name(h->verdict)) : json_null());
	return o;
}

void cairn_capture_write_dns_text(cairn_buf *out, const cairn_capture_result *r)
{
	size_t i, k;

	cairn_buf_addstr(out, "\ndns answers (last answer wins)\n");
	for (i = 0; i < r->dns_count; i++) {
		const struct cairn_capture_dns *d = &r->dns[i];

		cairn_buf_addstr(out, "  ");
		cairn_escape_display(out, d->name, strlen(d->name));
		cairn_buf_addstr(out, " ->");
		for (k = 0; k < d->address_count; k++)
			cairn_buf_addf(out, " %s", d->addresses[k]);
		if (d->chain_count > 1) {
			cairn_buf_addstr(out, "  (cname");
			for (k = 1; k < d->chain_count; k++) {
				cairn_buf_addch(out, ' ');
				cairn_escape_display(out, d->chain[k], strlen(d->chain[k]));
			}
			cairn_buf_addch(out, ')');
		}
		cairn_buf_addch(out, '\n');
	}
}

json_t *cairn_capture_result_json(const cairn_capture_result *r,
	const char *const *files, size_t nfiles, int only_unknown)
{
	json_t *root = json_object(), *a, *st;
	size_t i;

	json_object_set_new(root, "format", json_string("cairn-capture"));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "tool_version", json_string(CAIRN_VERSION));
	a = json_array();
	for (i = 0; files && i < nfiles; i++)
		json_array_append_new(a, jstr(files[i]));
	json_object_set_new(root, "files", a);
	json_object_set_new(root, "window_seconds", json_integer((json_int_t)(r->window_ns / 1000000000LL)));
	a = json_object();
	json_object_set_new(a, "rule", json_string(r->local_rule));
	json_object_set_new(a, "addresses", jstrv(r->locals, r->local_count));
	json_object_set_new(root, "local", a);
	json_object_set_new(root, "allowlist_applied", json_boolean(r->allow_applied));
	json_object_set_new(root, "only_unknown", json_boolean(only_unknown));
	st = json_object();
	json_object_set_new(st, "packets", json_integer((json_int_t)r->stats.packets));
	json_object_set_new(st, "ip_packets", json_integer((json_int_t)r->stats.ip_packets));
	json_object_set_new(st, "non_ip", json_integer((json_int_t)r->stats.non_ip));
	json_object_set_new(st, "malformed", json_integer((json_int_t)r->stats.malformed));
	json_object_set_new(st, "bad_checksums", json_integer((json_int_t)r->stats.bad_checksums));
	json_object_set_new(st, "checksummed", json_integer((json_int_t)r->stats.checksummed));
	json_object_set_new(st, "fragments", json_integer((json_int_t)r->stats.fragments));
	json_object_set_new(st, "unattributed_fragments", json_integer((json_int_t)r->stats.unattributed_fragments));
	json_object_set_new(st, "uninspected", json_integer((json_int_t)r->stats.uninspected));
	json_object_set_new(st, "flows", json_integer((json_int_t)r->stats.flows));
	json_object_set_new(st, "outbound_flows", json_integer((json_int_t)r->stats.outbound_flows));
	json_object_set_new(st, "resolver_flows", json_integer((json_int_t)r->stats.resolver_flows));
	json_object_set_new(st, "proxied_flows", json_integer((json_int_t)r->stats.proxied_flows));
	json_object_set_new(st, "log_records", json_integer((json_int_t)r->stats.log_records));
	json_object_set_new(st, "log_bad_lines", json_integer((json_int_t)r->stats.log_bad_lines));
	json_object_set_new(st, "bad_timestamps", json_integer((json_int_t)r->stats.bad_timestamps));
	json_object_set_new(st, "first_seen", jtime(r->stats.first_ns));
	json_object_set_new(st, "last_seen", jtime(r->stats.last_ns));
	json_object_set_new(root, "stats", st);
	a = json_array();
	for (i = 0; i < r->row_count; i++)
		if (shown(&r->rows[i], only_unknown))
			json_array_append_new(a, jhost(&r->rows[i], 0));
	json_object_set_new(root, "windows", a);
	a = json_array();
	for (i = 0; i < r->total_count; i++)
		if (shown(&r->totals[i], only_unknown))
			json_array_append_new(a, jhost(&r->totals[i], 1));
	json_object_set_new(root, "totals", a);
	json_object_set_new(root, "local_only", json_boolean(r->local_only));
	a = json_array();
	for (i = 0; i < r->local_flow_count; i++)
		json_array_append_new(a, jhost(&r->local_flows[i], 1));
	json_object_set_new(root, "local_flows", a);
	a = json_array();
	for (i = 0; i < r->dns_count; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "name", jstr(r->dns[i].name));
		json_object_set_new(d, "addresses", jstrv(r->dns[i].addresses, r->dns[i].address_count));
		json_object_set_new(d, "cname_chain", jstrv(r->dns[i].chain, r->dns[i].chain_count));
		json_object_set_new(d, "first_seen", jtime(r->dns[i].first_ns));
		json_object_set_new(d, "answers", json_integer((json_int_t)r->dns[i].answers));
		json_array_append_new(a, d);
	}
	json_object_set_new(root, "dns", a);
	a = json_array();
	for (i = 0; i < r->resolver_count; i++) {
		const struct cairn_capture_resolver *o = &r->resolvers[i];
		json_t *d;

		if (only_unknown && o->allowed == 1)
			continue;
		d = json_object();
		json_object_set_new(d, "address", json_string(o->address));
		json_object_set_new(d, "ports", jstrv(o->ports, o->port_count));
		json_object_set_new(d, "clients", jstrv(o->clients, o->client_count));
		json_object_set_new(d, "queries", json_integer((json_int_t)o->queries));
		json_object_set_new(d, "names", json_integer((json_int_t)o->names));
		json_object_set_new(d, "connections", json_integer((json_int_t)o->connections));
		json_object_set_new(d, "packets_out", json_integer((json_int_t)o->packets_out));
		json_object_set_new(d, "packets_in", json_integer((json_int_t)o->packets_in));
		json_object_set_new(d, "bytes_out", json_integer((json_int_t)o->bytes_out));
		json_object_set_new(d, "bytes_in", json_integer((json_int_t)o->bytes_in));
		json_object_set_new(d, "first_seen", jtime(o->first_ns));
		json_object_set_new(d, "last_seen", jtime(o->last_ns));
		json_object_set_new(d, "unusual", json_boolean(o->unusual));
		json_object_set_new(d, "asked", jstrv(o->asked, o->asked_count));
		json_object_set_new(d, "allowed", o->allowed < 0 ? json_null() : json_boolean(o->allowed));
		json_array_append_new(a, d);
	}
	json_object_set_new(root, "resolvers", a);
	a = json_array();
	for (i = 0; i < r->proxy_count; i++) {
		const struct cairn_capture_proxy *o = &r->proxies[i];
		json_t *d = json_object();

		json_object_set_new(d, "address", json_string(o->address));
		json_object_set_new(d, "port", json_integer((json_int_t)o->port));
		json_object_set_new(d, "clients", jstrv(o->clients, o->client_count));
		json_object_set_new(d, "tunnels", json_integer((json_int_t)o->tunnels));
		json_object_set_new(d, "requests", json_integer((json_int_t)o->requests));
		json_object_set_new(d, "targets", jstrv(o->targets, o->target_count));
		json_object_set_new(d, "targets_total", json_integer((json_int_t)o->targets_total));
		json_object_set_new(d, "first_seen", jtime(o->first_ns));
		json_object_set_new(d, "last_seen", jtime(o->last_ns));
		json_object_set_new(d, "public", json_boolean(o->public_address));
		json_object_set_new(d, "allowed", o->allowed < 0 ? json_null() : json_boolean(o->allowed));
		json_array_append_new(a, d);
	}
	json_object_set_new(root, "proxies", a);
	a = json_array();
	for (i = 0; i < r->lookup_count; i++) {
		const struct cairn_capture_lookup *l = &r->lookups[i];
		json_t *d, *off = json_array();
		size_t k;

		if (only_unknown && l->allowed == 1)
			continue;
		d = json_object();
		json_object_set_new(d, "domain", jstr(l->domain));
		json_object_set_new(d, "names", json_integer((json_int_t)l->names));
		json_object_set_new(d, "lookups", json_integer((json_int_t)l->lookups));
		json_object_set_new(d, "first_seen", jtime(l->first_ns));
		json_object_set_new(d, "last_seen", jtime(l->last_ns));
		json_object_set_new(d, "peak_names_60s", json_integer((json_int_t)l->peak_names));
		json_object_set_new(d, "peak_long_label_names_60s", json_integer((json_int_t)l->peak_long));
		json_object_set_new(d, "tunnel", json_boolean(l->tunnel));
		json_object_set_new(d, "sample", jstrv(l->sample, l->sample_count));
		for (k = 0; l->all_off && k < l->all_count && json_array_size(off) < 20; k++)
			if (l->all_off[k])
				json_array_append_new(off, jstr(l->all[k]));
		json_object_set_new(d, "not_allowed", json_integer((json_int_t)l->not_allowed));
		json_object_set_new(d, "not_allowed_names", off);
		json_object_set_new(d, "allowed", l->allowed < 0 ? json_null() : json_boolean(l->allowed));
		json_array_append_new(a, d);
	}
	json_object_set_new(root, "lookups", a);
	json_object_set_new(root, "warnings", jstrv(r->warnings, r->warning_count));
	return root;
}

int cairn_capture_write_json(cairn_buf *out, const cairn_capture_result *r,
	const char *const *files, size_t nfiles, int only_unknown)
{
	json_t *root = cairn_capture_result_json(r, files, nfiles, only_unknown);
	int rc;

	rc = cairn_json_dump(out, root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc < 0)
		return rc;
	cairn_buf_addch(out, '\n');
	return 0;
}

json_t *cairn_capture_doc_json(const cairn_capture_result *r,
	const cairn_agentlog_result *agent, const char *const *files,
	size_t nfiles, int only_unknown)
{
	json_t *doc = cairn_capture_result_json(r, files, nfiles, only_unknown);

	if (agent && agent->file_count)
		json_object_set_new(doc, "agent", cairn_agentlog_to_json(agent));
	return doc;
}

int cairn_capture_write_doc_json(cairn_buf *out, const cairn_capture_result *r,
	const cairn_agentlog_result *agent, const char *const *files,
	size_t nfiles, int only_unknown)
{
	json_t *doc;
	int rc;

	if (!agent || !agent->file_count)
		return cairn_capture_write_json(out, r, files, nfiles, only_unknown);
	doc = cairn_capture_doc_json(r, agent, files, nfiles, only_unknown);
	/* and DEL, which jansson leaves raw, is escaped by cairn_json_dump */
	rc = cairn_json_dump(out, doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(doc);
	if (rc < 0)
		return rc;
	cairn_buf_addch(out, '\n');
	return 0;
}

void cairn_capture_write_doc_text(cairn_buf *out, const cairn_capture_result *r,
	const cairn_agentlog_result *agent, size_t nfiles, int only_unknown, int dns)
{
	size_t nlogs = agent ? agent->file_count : 0;

	/* the network part only when there were packet captures */
	if (nlogs < nfiles)
		cairn_capture_write_text(out, r, only_unknown);
	if (dns)
		cairn_capture_write_dns_text(out, r);
	if (nlogs) {
		if (out->len)
			cairn_buf_addch(out, '\n');
		cairn_agentlog_write_text(out, agent);
	}
}
