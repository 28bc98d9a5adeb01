/*
 * capture_proto.c - application-layer parsers for cairn-capture: DNS
 * messages (RFC 1035), TLS ClientHello (RFC 8446 §4.1.2 with RFC 6066 SNI)
 * and the HTTP/1.x Host header (RFC 9112 §3.2).  Inputs are attacker
 * controlled: every length is checked against what is really there, name
 * compression is bounded (hops, octets, labels), output names are in
 * presentation form (printable ASCII only).
 */
#include "capture_int.h"

#include <arpa/inet.h>
#include <string.h>

#define DNS_MAX_HOPS 64     /* compression pointers followed per name */
#define DNS_MAX_LABELS 128  /* a 255-octet name holds at most 127 labels */
#define DNS_MAX_RECORDS 512 /* records looked at per message */
#define HELLO_MAX 32768     /* bytes of handshake we are willing to gather */
#define HTTP_HEAD_MAX 8192

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int name_char_plain(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		c == '_' || c == '*';
}

/* Append one label (or dotted name) in presentation form. */
static int present_append(char *out, size_t *olen, const uint8_t *p, size_t n,
	int dots)
{
	size_t i, o = *olen;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (name_char_plain(c) || (dots && c == '.')) {
			if (o + 1 > CAP_DNS_NAME_MAX)
				return -1;
			out[o++] = (char)c;
		} else {
			if (o + 4 > CAP_DNS_NAME_MAX)
				return -1;
			out[o++] = '\\';
			out[o++] = (char)('0' + c / 100);
			out[o++] = (char)('0' + c / 10 % 10);
			out[o++] = (char)('0' + c % 10);
		}
	}
	out[o] = '\0';
	*olen = o;
	return 0;
}

int cap_name_present(char *out, const uint8_t *p, size_t n, int dots)
{
	size_t o = 0;

	out[0] = '\0';
	if (dots && n > 1 && p[n - 1] == '.')
		n--; /* "example.com." names the same host */
	return present_append(out, &o, p, n, dots);
}

/*
 * Read a possibly compressed name at *off (RFC 1035 §4.1.4).  Pointers must
 * point before themselves, at most DNS_MAX_HOPS are followed and the name
 * may not exceed 255 octets: a loop or a deep chain ends in -1, not a hang.
 */
static int dns_name(char *out, const uint8_t *msg, size_t len, size_t *off)
{
	size_t pos = *off, olen = 0, wire = 1;
	int jumped = 0, hops = 0, labels = 0;

	out[0] = '\0';
	for (;;) {
		uint8_t c;

		if (pos >= len)
			return -1;
		c = msg[pos];
		if (c == 0) {
			if (!jumped)
				*off = pos + 1;
			break;
		}
		if ((c & 0xc0) == 0xc0) {
			size_t ptr;

			if (pos + 1 >= len)
				return -1;
			ptr = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
			if (ptr >= pos || ++hops > DNS_MAX_HOPS)
				return -1;
			if (!jumped)
				*off = pos + 2;
			jumped = 1;
			pos = ptr;
			continue;
		}
		if (c & 0xc0)
			return -1; /* extended label types (RFC 6891 §5) are obsolete */
		if (pos + 1 + c > len || ++labels > DNS_MAX_LABELS)
			return -1;
		wire += (size_t)c + 1;
		if (wire > 255)
			return -1;
		if (olen) {
			if (olen + 1 > CAP_DNS_NAME_MAX)
				return -1;
			out[olen++] = '.';
		}
		if (present_append(out, &olen, msg + pos + 1, c, 0) < 0)
			return -1;
		pos += 1 + (size_t)c;
	}
	if (olen == 0) {
		out[0] = '.';
		out[1] = '\0';
	}
	return 0;
}

int cap_dns_parse(struct cap_dns_msg *m, const uint8_t *msg, size_t len)
{
	size_t off = 12;
	unsigned qd, total, i;
	uint16_t flags;

	m->is_response = 0;
	m->rcode = 0;
	m->qname[0] = '\0';
	m->qtype = 0;
	m->rr_count = 0;
	if (len < 12)
		return -1;
	flags = be16(msg + 2);
	m->is_response = !!(flags & 0x8000);
	m->rcode = flags & 15;
	if ((flags >> 11 & 15) != 0)
		return -1; /* only standard queries carry what we want */
	qd = be16(msg + 4);
	total = (unsigned)be16(msg + 6) + be16(msg + 8) + be16(msg + 10);
	for (i = 0; i < qd && i < 4; i++) {
		char tmp[CAP_DNS_NAME_MAX + 1];

		if (dns_name(i ? tmp : m->qname, msg, len, &off) < 0 || off + 4 > len) {
			if (i == 0)
				m->qname[0] = '\0';
			return i ? 0 : -1;
		}
		if (i == 0)
			m->qtype = be16(msg + off);
		off += 4;
	}
	if (qd > 4)
		return 0;
	for (i = 0; i < total && i < DNS_MAX_RECORDS; i++) {
		char owner[CAP_DNS_NAME_MAX + 1];
		uint16_t type, rdlen;
		int in_answer = i < be16(msg + 6);
		int in_additional = i >= (unsigned)be16(msg + 6) + be16(msg + 8);
		struct cap_dns_rr *rr;

		if (dns_name(owner, msg, len, &off) < 0 || off + 10 > len)
			break;
		type = be16(msg + off);
		rdlen = be16(msg + off + 8);
		off += 10;
		if (off + rdlen > len)
			break;
		if ((in_answer || in_additional) && m->rr_count < CAP_DNS_MAX_RR &&
		    ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16) ||
		     (type == 5 && in_answer))) {
			rr = &m->rr[m->rr_count];
			rr->type = type;
			memcpy(rr->owner, owner, sizeof(owner));
			rr->target[0] = '\0';
			memset(rr->addr, 0, sizeof(rr->addr));
			if (type == 5) {
				size_t t = off;

				if (dns_name(rr->target, msg, off + rdlen, &t) == 0)
					m->rr_count++;
			} else {
				memcpy(rr->addr, msg + off, rdlen);
				m->rr_count++;
			}
		}
		off += rdlen;
	}
	return 0;
}

/* Parse a complete ClientHello handshake body (after the 4-byte header). */
static int parse_hello_body(struct cap_hello_info *out, const uint8_t *p, size_t n)
{
	size_t off = 34, l, end;

	if (n < off + 1)
		return CAP_HELLO_NOT;
	off += 1 + (size_t)p[off];                  /* session id */
	if (off + 2 > n)
		return CAP_HELLO_NOT;
	off += 2 + (size_t)be16(p + off);           /* cipher suites */
	if (off + 1 > n)
		return CAP_HELLO_NOT;
	off += 1 + (size_t)p[off];                  /* compression methods */
	if (off == n)
		return CAP_HELLO_FOUND;             /* no extensions at all */
	if (off + 2 > n)
		return CAP_HELLO_NOT;
	end = off + 2 + (size_t)be16(p + off);
	if (end > n)
		return CAP_HELLO_NOT;
	off += 2;
	while (off + 4 <= end) {
		uint16_t type = be16(p + off);

		l = be16(p + off + 2);
		off += 4;
		if (off + l > end)
			return CAP_HELLO_NOT;
		if (type == 0xfe0d || type == 0xffce)
			out->ech = 1; /* ECH (draft-ietf-tls-esni) or its ESNI ancestor */
		if (type == 0 && l >= 2 && !out->sni[0]) {
			/* RFC 6066 §3: ServerNameList of (type, HostName) */
			size_t s = off + 2, send = off + 2 + be16(p + off);

			if (send > off + l)
				return CAP_HELLO_NOT;
			while (s + 3 <= send) {
				size_t nl = be16(p + s + 1);

				if (s + 3 + nl > send)
					return CAP_HELLO_NOT;
				if (p[s] == 0 && nl > 0) {
					if (cap_name_present(out->sni, p + s + 3, nl, 1) < 0)
						out->sni[0] = '\0';
					break;
				}
				s += 3 + nl;
			}
		}
		off += l;
	}
	return CAP_HELLO_FOUND;
}

int cap_tls_handshake_hello(struct cap_hello_info *out, const uint8_t *p, size_t n)
{
	size_t len;

	out->sni[0] = '\0';
	out->ech = 0;
	if (n >= 1 && p[0] != 1)
		return CAP_HELLO_NOT;
	if (n < 4)
		return CAP_HELLO_MORE;
	len = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (len < 38 || len > HELLO_MAX)
		return CAP_HELLO_NOT;
	if (n < 4 + len)
		return CAP_HELLO_MORE;
	return parse_hello_body(out, p + 4, len);
}

int cap_tls_records(uint8_t *hs, size_t cap, size_t *hl, const uint8_t *p, size_t n,
		    int (*each)(void *ctx, const uint8_t *hs, size_t hl), void *ctx)
{
	size_t off = 0;

	*hl = 0;
	while (off < n) {
		size_t rl, take;

		if (p[off] != 22)
			return CAP_HELLO_NOT;   /* alert, ChangeCipherSpec, data */
		if (off + 1 < n && p[off + 1] != 3)
			return CAP_HELLO_NOT;
		if (off + 5 > n)
			break;
		rl = be16(p + off + 3);
		if (rl == 0 || rl > 16384 + 2048)
			return CAP_HELLO_NOT;
		take = n - (off + 5) < rl ? n - (off + 5) : rl;
		if (*hl + take > cap)
			return CAP_HELLO_NOT;   /* beyond what we gather */
		memcpy(hs + *hl, p + off + 5, take);
		*hl += take;
		if (take < rl)
			break;
		off += 5 + rl;
		if (each) {
			int r = each(ctx, hs, *hl);

			if (r != CAP_HELLO_MORE)
				return r;
		}
	}
	return CAP_HELLO_MORE;
}

static int hello_each(void *ctx, const uint8_t *hs, size_t hl)
{
	return cap_tls_handshake_hello(ctx, hs, hl);
}

int cap_tls_client_hello(struct cap_hello_info *out, const uint8_t *p, size_t n)
{
	/* the ClientHello, as soon as the records gathered hold it whole */
	static _Thread_local uint8_t hs[HELLO_MAX + 4];
	size_t hl = 0;
	int r;

	out->sni[0] = '\0';
	out->ech = 0;
	r = cap_tls_records(hs, sizeof(hs), &hl, p, n, hello_each, out);
	if (r != CAP_HELLO_MORE)
		return r;
	if (n == 0)
		return CAP_HELLO_MORE;
	return cap_tls_handshake_hello(out, hs, hl);
}

static int ci_prefix(const uint8_t *p, size_t n, const char *s)
{
	size_t i, l = strlen(s);

	if (n < l)
		return 0;
	for (i = 0; i < l; i++) {
		uint8_t c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)s[i])
			return 0;
	}
	return 1;
}

/* host[:port] or [v6]:port of an authority (RFC 3986 §3.2) in p[s..e),
 * userinfo dropped; the host in presentation form, the port or 0. */
static void authority(char *host, uint16_t *port, const uint8_t *p, size_t s, size_t e)
{
	size_t at, hs, he, c;
	unsigned long v = 0;

	host[0] = '\0';
	*port = 0;
	for (at = s; at < e; at++)
		if (p[at] == '@')
			s = at + 1;
	hs = s;
	if (hs < e && p[hs] == '[') { /* IPv6 literal: the address, no brackets */
		for (he = hs; he < e && p[he] != ']'; he++)
			;
		if (he == e)
			return;
		c = he + 1;
		hs++;
	} else {
		for (he = hs; he < e && p[he] != ':'; he++)
			;
		c = he;
	}
	if (c < e && p[c] == ':') {
		for (c++; c < e && p[c] >= '0' && p[c] <= '9' && v <= 65535; c++)
			v = v * 10 + (unsigned long)(p[c] - '0');
		if (v <= 65535)
			*port = (uint16_t)v;
	}
	if (hs > s && p[s] == '[') {
		/* an IPv6 literal: its canonical text, or nothing */
		char tmp[64];
		uint8_t a[16];

		if (he - hs < sizeof(tmp)) {
			memcpy(tmp, p + hs, he - hs);
			tmp[he - hs] = '\0';
			if (inet_pton(AF_INET6, tmp, a) == 1)
				inet_ntop(AF_INET6, a, host, CAP_DNS_NAME_MAX + 1);
		}
		return;
	}
	if (he > hs && cap_name_present(host, p + hs, he - hs, 1) < 0)
		host[0] = '\0';
}

int cap_http_request(struct cap_http_req *out, const uint8_t *p, size_t n)
{
	static const char *const methods[] = {
		"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ",
		"CONNECT ", "TRACE "
	};
	size_t i, end, line, ml = 0, t, te;
	int known = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t l = strlen(methods[i]);

		if (n >= l && memcmp(p, methods[i], l) == 0) {
			known = 1;
			ml = l;
			out->connect = i == 7;
		} else if (n < l && memcmp(p, methods[i], n) == 0) {
			return CAP_HELLO_MORE;
		}
	}
	if (!known)
		return CAP_HELLO_NOT;
	if (n > HTTP_HEAD_MAX)
		n = HTTP_HEAD_MAX;
	for (end = 0; end + 4 <= n; end++)
		if (memcmp(p + end, "\r\n\r\n", 4) == 0)
			break;
	if (end + 4 > n) {
		if (n < HTTP_HEAD_MAX)
			return CAP_HELLO_MORE;
		end = n;
	} else {
		out->head_len = end + 4;
	}
	/* the request target (RFC 9112 §3.2): authority-form for CONNECT,
	 * absolute-form ("http://host:port/...") for a request to a proxy */
	for (t = ml; t < end && p[t] == ' '; t++)
		;
	for (te = t; te < end && p[te] != ' ' && p[te] != '\r'; te++)
		;
	if (out->connect) {
		authority(out->target, &out->target_port, p, t, te);
	} else {
		size_t sch;

		for (sch = t; sch < te && ((p[sch] | 0x20) >= 'a' && (p[sch] | 0x20) <= 'z'); sch++)
			;
		if (sch > t && sch + 3 <= te && !memcmp(p + sch, "://", 3)) {
			size_t as = sch + 3, ae;
			int https = sch - t == 5 && ci_prefix(p + t, 5, "https");

			for (ae = as; ae < te && p[ae] != '/' && p[ae] != '?' && p[ae] != '#'; ae++)
				;
			authority(out->target, &out->target_port, p, as, ae);
			out->absolute = out->target[0] != '\0';
			if (out->absolute && !out->target_port)
				out->target_port = https ? 443 : 80;
		}
	}
	/* header lines start after each CRLF */
	for (line = 0; line < end; line++) {
		size_t s, e;

		if (!(line >= 2 && p[line - 2] == '\r' && p[line - 1] == '\n'))
			continue;
		if (!ci_prefix(p + line, end - line, "host:"))
			continue;
		s = line + 5;
		while (s < end && (p[s] == ' ' || p[s] == '\t'))
			s++;
		e = s;
		while (e < end && p[e] != '\r')
			e++;
		while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e > s && p[s] == '[') { /* IPv6 literal */
			size_t b = s;

			while (b < e && p[b] != ']')
				b++;
			if (b < e)
				e = b + 1;
		} else {
			size_t c = s;

			while (c < e && p[c] != ':')
				c++;
			e = c;
		}
		if (e > s && cap_name_present(out->host, p + s, e - s, 1) < 0)
			out->host[0] = '\0';
		break;
	}
	return CAP_HELLO_FOUND;
}

int cap_http_host(char *host, const uint8_t *p, size_t n)
{
	struct cap_http_req req;
	int r = cap_http_request(&req, p, n);

	memcpy(host, req.host, sizeof(req.host));
	return r;
}
