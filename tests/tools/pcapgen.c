/*
 * pcapgen - writes the small captures cairn-capture's tests carry, the demo
 * capture in samples/ and the benchmark capture.  Packets are built byte by
 * byte with correct IP/TCP/UDP checksums (except where a test wants a bad
 * one); QUIC Initials are really encrypted (RFC 9001 §5) with OpenSSL.
 *
 *   pcapgen basic OUT          DNS+CNAME, split TLS hello, HTTP, direct IP,
 *                              long open connection, bad checksum (Ethernet)
 *   pcapgen link TYPE OUT      one TLS connection on link type TYPE:
 *                              sll sll2 raw null loop qinq ipv6
 *   pcapgen multilink OUT      pcapng, Ethernet + raw interfaces, ns stamps
 *   pcapgen frag OUT           IPv4/IPv6 fragmented UDP
 *   pcapgen quic OUT           QUIC v1 (hello in two Initials) and v2
 *   pcapgen tcpdns OUT         DNS over TCP, a name rebound mid-connection
 *   pcapgen hostile OUT        compression loops, lying lengths, junk QUIC
 *   pcapgen truncated OUT      basic with the last record cut in half
 *   pcapgen demo OUT           the samples/ story (agent host egress)
 *   pcapgen spoof OUT          allowed names claimed on other addresses (Host,
 *                              SNI) against the capture's DNS; NXDOMAIN
 *   pcapgen spoof-nodns OUT    the same connections, no DNS in the capture
 *   pcapgen cert-self OUT      TLS 1.2 to an arbitrary address, SNI
 *                              api.openai.com, the server's certificate for
 *                              that name made by itself (no CA); no DNS
 *   pcapgen cert-self-dns OUT  the same after DNS put the name elsewhere
 *   pcapgen resolver-only OUT  DNS lookups to the LAN resolver, nothing else
 *   pcapgen resolvers OUT      the LAN resolver, 8.8.8.8 asked once, a burst
 *                              of long names under one domain (a tunnel)
 *   pcapgen proxy OUT          an HTTPS_PROXY: CONNECT tunnels (one with an
 *                              SNI other than its target), absolute-form GET
 *   pcapgen proxy-lo OUT       the same through a proxy on loopback (DLT_NULL)
 *   pcapgen local-only OUT     loopback traffic to local services only
 *   pcapgen nflog OUT          LINKTYPE_NFLOG (239) as iptables -j NFLOG on
 *                              OUTPUT logs it: outbound packets only, with
 *                              the sender's uid/gid TLVs (two users)
 *   pcapgen bench N [B] OUT    N packets of DNS, TLS handshakes, bulk data
 *                              (B bulk packets per connection, default 40)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define T0 1767261600LL /* 2026-01-01T10:00:00Z */
#define SEC 1000000000LL
#define MS 1000000LL

/* ---------- output ---------- */

static FILE *out;
static int out_link = 1;     /* LINKTYPE of the file (pcap) */
static int out_ng;           /* writing pcapng */
static int cur_if;           /* pcapng interface of the next packet */
static int bad_csum_next;    /* corrupt the next TCP/UDP checksum */
static uint32_t ip_id = 1;

static void put(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n) {
		perror("pcapgen: write");
		exit(2);
	}
}

static void put32(uint32_t v)
{
	put(&v, 4);
}

static void put16(uint16_t v)
{
	put(&v, 2);
}

static void pcap_begin(int link)
{
	out_link = link;
	put32(0xa1b2c3d4);
	put16(2);
	put16(4);
	put32(0);
	put32(0);
	put32(65535);
	put32((uint32_t)link);
}

static void ng_begin(void)
{
	out_ng = 1;
	put32(0x0A0D0D0A);
	put32(28);
	put32(0x1A2B3C4D);
	put16(1);
	put16(0);
	put32(0xffffffff);
	put32(0xffffffff);
	put32(28);
}

static void ng_iface(int link, int nano)
{
	uint32_t len = 20 + (nano ? 8 : 0) + 4;

	put32(1);
	put32(len);
	put16((uint16_t)link);
	put16(0);
	put32(65535);
	if (nano) {
		uint8_t opt[4] = { 9, 0, 1, 0 };
		uint8_t val[4] = { 9, 0, 0, 0 };

		put(opt, 4);
		put(val, 4);
	}
	put32(0); /* opt_endofopt */
	put32(len);
}

/* frame: link-layer bytes + packet; caplen may cut it (truncation tests) */
static void record(int64_t ts, const uint8_t *p, size_t len, size_t caplen)
{
	if (caplen > len)
		caplen = len;
	if (out_ng) {
		uint32_t pad = (uint32_t)((4 - caplen % 4) % 4), blen = 32 + (uint32_t)caplen + pad;
		uint64_t t = (uint64_t)ts; /* interface 1 has ns, interface 0 µs */
		static const uint8_t zero[4];

		if (cur_if == 0)
			t = (uint64_t)ts / 1000;
		put32(6);
		put32(blen);
		put32((uint32_t)cur_if);
		put32((uint32_t)(t >> 32));
		put32((uint32_t)t);
		put32((uint32_t)caplen);
		put32((uint32_t)len);
		put(p, caplen);
		put(zero, pad);
		put32(blen);
		return;
	}
	put32((uint32_t)(ts / SEC));
	put32((uint32_t)(ts % SEC / 1000));
	put32((uint32_t)caplen);
	put32((uint32_t)len);
	put(p, caplen);
}

/* ---------- packets ---------- */

struct ep {
	int ver;
	uint8_t a[16];
	uint16_t port;
};

static struct ep ep4(const char *s, uint16_t port)
{
	struct ep e;

	memset(&e, 0, sizeof(e));
	e.ver = strchr(s, ':') ? 6 : 4;
	if (inet_pton(e.ver == 4 ? AF_INET : AF_INET6, s, e.a) != 1) {
		fprintf(stderr, "pcapgen: bad address %s\n", s);
		exit(2);
	}
	e.port = port;
	return e;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fin(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint8_t pkt[70000];

/* link header for the file's link type; returns its length */
static size_t link_hdr(uint8_t *p, int ver)
{
	uint16_t et = ver == 4 ? 0x0800 : 0x86dd;

	switch (out_ng && cur_if == 1 ? 101 : out_link) {
	case 1: /* Ethernet */
		memcpy(p, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
		p[12] = (uint8_t)(et >> 8);
		p[13] = (uint8_t)et;
		return 14;
	case 1001: /* Ethernet with QinQ: 802.1ad outer, 802.1Q inner */
		memcpy(p, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x88\xa8\x00\x64\x81\x00\x00\x0a", 20);
		p[20] = (uint8_t)(et >> 8);
		p[21] = (uint8_t)et;
		return 22;
	case 113: /* Linux cooked v1 */
		memset(p, 0, 16);
		p[1] = 4; /* outgoing */
		p[3] = 1;
		p[5] = 6;
		p[14] = (uint8_t)(et >> 8);
		p[15] = (uint8_t)et;
		return 16;
	case 276: /* Linux cooked v2 */
		memset(p, 0, 20);
		p[0] = (uint8_t)(et >> 8);
		p[1] = (uint8_t)et;
		p[7] = 2;
		p[9] = 1;
		p[10] = 4;
		p[11] = 6;
		return 20;
	case 0: { /* BSD NULL: host byte order */
		uint32_t fam = ver == 4 ? 2 : 30;

		memcpy(p, &fam, 4);
		return 4;
	}
	case 108: /* OpenBSD LOOP: network order */
		memset(p, 0, 4);
		p[3] = ver == 4 ? 2 : 24;
		return 4;
	default: /* raw IP */
		return 0;
	}
}

/* LINKTYPE_NFLOG: who sends (-1: no uid/gid TLV), and whose packets are
 * logged at all (the OUTPUT chain sees the local host's only) */
static long nflog_uid = -1, nflog_gid = -1;
static uint8_t nflog_from[4];

static size_t nflog_tlv(uint8_t *p, uint16_t type, const void *v, size_t n)
{
	uint16_t len = (uint16_t)(4 + n);
	size_t padded = ((size_t)len + 3) & ~(size_t)3;

	memcpy(p, &len, 2);  /* host byte order, as the kernel writes them */
	memcpy(p + 2, &type, 2);
	memcpy(p + 4, v, n);
	memset(p + 4 + n, 0, padded - len);
	return padded;
}

/* Wrap the IP packet at pkt[0..n) (built at offset 0) in NFLOG TLVs. */
static size_t nflog_wrap(size_t n, int ver)
{
	static uint8_t tmp[70000];
	uint8_t hdr[4] = { 0x08, 0x00, 3, 0 }, v[4];
	size_t o = 0;

	memcpy(tmp, pkt, n);
	pkt[o++] = ver == 4 ? 2 : 10; /* AF_INET, AF_INET6 */
	pkt[o++] = 0;                 /* version */
	pkt[o++] = 0;
	pkt[o++] = 5;                 /* resource id (group), network order */
	if (ver == 6) {
		hdr[0] = 0x86;
		hdr[1] = 0xdd;
	}
	o += nflog_tlv(pkt + o, 1, hdr, 4);                 /* NFULA_PACKET_HDR */
	o += nflog_tlv(pkt + o, 10, "cairn-egress", 13);    /* NFULA_PREFIX */
	if (nflog_uid >= 0) {
		v[0] = (uint8_t)(nflog_uid >> 24); v[1] = (uint8_t)(nflog_uid >> 16);
		v[2] = (uint8_t)(nflog_uid >> 8); v[3] = (uint8_t)nflog_uid;
		o += nflog_tlv(pkt + o, 11, v, 4);              /* NFULA_UID */
	}
	if (nflog_gid >= 0) {
		v[0] = (uint8_t)(nflog_gid >> 24); v[1] = (uint8_t)(nflog_gid >> 16);
		v[2] = (uint8_t)(nflog_gid >> 8); v[3] = (uint8_t)nflog_gid;
		o += nflog_tlv(pkt + o, 14, v, 4);              /* NFULA_GID */
	}
	o += nflog_tlv(pkt + o, 9, tmp, n);                 /* NFULA_PAYLOAD */
	return o;
}

/* Build and write one IP packet; frag: 0 none, else (offset8 | MF<<15). */
static void ip_emit(int64_t ts, const struct ep *s, const struct ep *d, int proto,
	const uint8_t *l4, size_t l4len, size_t caplen_cut)
{
	size_t lh = link_hdr(pkt, s->ver), n;
	uint8_t *ip = pkt + lh;

	if (s->ver == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + l4len) >> 8);
		ip[3] = (uint8_t)(20 + l4len);
		ip[4] = (uint8_t)(ip_id >> 8);
		ip[5] = (uint8_t)ip_id++;
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = (uint8_t)proto;
		memcpy(ip + 12, s->a, 4);
		memcpy(ip + 16, d->a, 4);
		{
			uint16_t c = csum_fin(csum_add(0, ip, 20));

			ip[10] = (uint8_t)(c >> 8);
			ip[11] = (uint8_t)c;
		}
		memcpy(ip + 20, l4, l4len);
		n = lh + 20 + l4len;
	} else {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4len >> 8);
		ip[5] = (uint8_t)l4len;
		ip[6] = (uint8_t)proto;
		ip[7] = 64;
		memcpy(ip + 8, s->a, 16);
		memcpy(ip + 24, d->a, 16);
		memcpy(ip + 40, l4, l4len);
		n = lh + 40 + l4len;
	}
	if (out_link == 239) {
		if (s->ver != 4 || memcmp(s->a, nflog_from, 4))
			return; /* only what the local host sends is logged */
		n = nflog_wrap(n, s->ver);
	}
	record(ts, pkt, n, caplen_cut ? caplen_cut : n);
}

static uint8_t l4buf[70000];

static void l4_csum(const struct ep *s, const struct ep *d, int proto, uint8_t *l4,
	size_t len, size_t at)
{
	size_t al = s->ver == 4 ? 4 : 16;
	uint32_t sum = csum_add(0, s->a, al);
	uint16_t c;

	sum = csum_add(sum, d->a, al);
	sum += (uint32_t)proto + (uint32_t)len;
	sum = csum_add(sum, l4, len);
	c = csum_fin(sum);
	if (proto == 17 && c == 0)
		c = 0xffff;
	if (bad_csum_next) {
		c ^= 0x5a5a;
		bad_csum_next = 0;
	}
	l4[at] = (uint8_t)(c >> 8);
	l4[at + 1] = (uint8_t)c;
}

static void udp(int64_t ts, const struct ep *s, const struct ep *d, const uint8_t *pl, size_t n)
{
	uint8_t *u = l4buf;

	u[0] = (uint8_t)(s->port >> 8);
	u[1] = (uint8_t)s->port;
	u[2] = (uint8_t)(d->port >> 8);
	u[3] = (uint8_t)d->port;
	u[4] = (uint8_t)((8 + n) >> 8);
	u[5] = (uint8_t)(8 + n);
	u[6] = u[7] = 0;
	memcpy(u + 8, pl, n);
	l4_csum(s, d, 17, u, 8 + n, 6);
	ip_emit(ts, s, d, 17, u, 8 + n, 0);
}

static void tcp(int64_t ts, const struct ep *s, const struct ep *d, uint8_t flags,
	uint32_t seq, uint32_t ack, const uint8_t *pl, size_t n)
{
	uint8_t *t = l4buf;

	memset(t, 0, 20);
	t[0] = (uint8_t)(s->port >> 8);
	t[1] = (uint8_t)s->port;
	t[2] = (uint8_t)(d->port >> 8);
	t[3] = (uint8_t)d->port;
	t[4] = (uint8_t)(seq >> 24); t[5] = (uint8_t)(seq >> 16);
	t[6] = (uint8_t)(seq >> 8); t[7] = (uint8_t)seq;
	t[8] = (uint8_t)(ack >> 24); t[9] = (uint8_t)(ack >> 16);
	t[10] = (uint8_t)(ack >> 8); t[11] = (uint8_t)ack;
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff;
	t[15] = 0xff;
	if (n)
		memcpy(t + 20, pl, n);
	l4_csum(s, d, 6, t, 20 + n, 16);
	ip_emit(ts, s, d, 6, t, 20 + n, 0);
}

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

struct conn {
	struct ep c, s;
	uint32_t cseq, sseq;
};

static void conn_open(struct conn *k, int64_t ts, const char *caddr, uint16_t cport,
	const char *saddr, uint16_t sport)
{
	k->c = ep4(caddr, cport);
	k->s = ep4(saddr, sport);
	k->cseq = 1000u * cport;
	k->sseq = 7000u * sport + 17;
	tcp(ts, &k->c, &k->s, SYN, k->cseq, 0, NULL, 0);
	tcp(ts + MS, &k->s, &k->c, SYN | ACK, k->sseq, k->cseq + 1, NULL, 0);
	k->cseq++;
	k->sseq++;
	tcp(ts + 2 * MS, &k->c, &k->s, ACK, k->cseq, k->sseq, NULL, 0);
}

static void conn_send(struct conn *k, int64_t ts, int from_client, const uint8_t *p, size_t n)
{
	if (from_client) {
		tcp(ts, &k->c, &k->s, PSH | ACK, k->cseq, k->sseq, p, n);
		k->cseq += (uint32_t)n;
	} else {
		tcp(ts, &k->s, &k->c, PSH | ACK, k->sseq, k->cseq, p, n);
		k->sseq += (uint32_t)n;
	}
}

static uint8_t bulk[1460];

static void conn_bulk(struct conn *k, int64_t ts, int from_client, size_t total, int64_t step)
{
	size_t i;

	for (i = 0; i < sizeof(bulk); i++)
		bulk[i] = (uint8_t)(i * 7 + 3);
	while (total) {
		size_t n = total > sizeof(bulk) ? sizeof(bulk) : total;

		conn_send(k, ts, from_client, bulk, n);
		ts += step;
		total -= n;
	}
}

static void conn_close(struct conn *k, int64_t ts)
{
	tcp(ts, &k->c, &k->s, FIN | ACK, k->cseq, k->sseq, NULL, 0);
	tcp(ts + MS, &k->s, &k->c, FIN | ACK, k->sseq, k->cseq + 1, NULL, 0);
	tcp(ts + 2 * MS, &k->c, &k->s, ACK, k->cseq + 1, k->sseq + 1, NULL, 0);
}

/* ---------- application payloads ---------- */

static size_t dns_name(uint8_t *p, const char *name)
{
	size_t o = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p[o++] = (uint8_t)l;
		memcpy(p + o, name, l);
		o += l;
		name += l + (dot ? 1 : 0);
	}
	p[o++] = 0;
	return o;
}

static size_t dns_query(uint8_t *p, uint16_t id, const char *name, uint16_t type)
{
	size_t o;

	memset(p, 0, 12);
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[2] = 0x01; /* RD */
	p[5] = 1;
	o = 12 + dns_name(p + 12, name);
	p[o++] = 0;
	p[o++] = (uint8_t)type;
	p[o++] = 0;
	p[o++] = 1;
	return o;
}

/* answer: CNAME chain names[0] -> names[1] ... -> names[n-1], then A/AAAA
 * records of names[n-1] (compressed owner pointers to the question where
 * the owner is the asked name) */
static size_t dns_answer(uint8_t *p, uint16_t id, const char *const *names, int n,
	const char *const *addrs, int na)
{
	size_t o = dns_query(p, id, names[0], strchr(addrs[0], ':') ? 28 : 1), lenpos;
	int i, count = 0;

	p[2] = 0x81;
	p[3] = 0x80;
	for (i = 0; i + 1 < n; i++) {
		if (i == 0) {
			p[o++] = 0xc0;
			p[o++] = 12;
		} else {
			o += dns_name(p + o, names[i]);
		}
		memcpy(p + o, "\x00\x05\x00\x01\x00\x00\x0e\x10", 8);
		o += 8;
		lenpos = o;
		o += 2;
		o += dns_name(p + o, names[i + 1]);
		p[lenpos] = (uint8_t)((o - lenpos - 2) >> 8);
		p[lenpos + 1] = (uint8_t)(o - lenpos - 2);
		count++;
	}
	for (i = 0; i < na; i++) {
		int v6 = strchr(addrs[i], ':') != NULL;

		if (n == 1) {
			p[o++] = 0xc0;
			p[o++] = 12;
		} else {
			o += dns_name(p + o, names[n - 1]);
		}
		p[o++] = 0;
		p[o++] = v6 ? 28 : 1;
		memcpy(p + o, "\x00\x01\x00\x00\x00\x3c", 6);
		o += 6;
		p[o++] = 0;
		p[o++] = v6 ? 16 : 4;
		inet_pton(v6 ? AF_INET6 : AF_INET, addrs[i], p + o);
		o += v6 ? 16 : 4;
		count++;
	}
	p[6] = (uint8_t)(count >> 8);
	p[7] = (uint8_t)count;
	return o;
}

/* A ClientHello handshake message (no record header) with SNI and,
 * optionally, an encrypted_client_hello extension. */
static size_t client_hello(uint8_t *p, const char *sni, int ech, size_t pad)
{
	size_t o = 4, ext_len_pos, sl = strlen(sni), l;
	size_t i;

	p[0] = 1;
	p[o++] = 3;
	p[o++] = 3;
	for (i = 0; i < 32; i++)
		p[o++] = (uint8_t)(i * 13);
	p[o++] = 32;
	for (i = 0; i < 32; i++)
		p[o++] = (uint8_t)(i + 100);
	p[o++] = 0;
	p[o++] = 4;
	memcpy(p + o, "\x13\x01\x13\x02", 4);
	o += 4;
	p[o++] = 1;
	p[o++] = 0;
	ext_len_pos = o;
	o += 2;
	if (sl) {
		p[o++] = 0; p[o++] = 0; /* server_name */
		p[o++] = (uint8_t)((sl + 5) >> 8); p[o++] = (uint8_t)(sl + 5);
		p[o++] = (uint8_t)((sl + 3) >> 8); p[o++] = (uint8_t)(sl + 3);
		p[o++] = 0;
		p[o++] = (uint8_t)(sl >> 8); p[o++] = (uint8_t)sl;
		memcpy(p + o, sni, sl);
		o += sl;
	}
	if (ech) {
		p[o++] = 0xfe; p[o++] = 0x0d;
		p[o++] = 0; p[o++] = 40;
		memset(p + o, 0xec, 40);
		o += 40;
	}
	if (pad) { /* padding extension (RFC 7685) */
		p[o++] = 0; p[o++] = 21;
		p[o++] = (uint8_t)(pad >> 8); p[o++] = (uint8_t)pad;
		memset(p + o, 0, pad);
		o += pad;
	}
	l = o - ext_len_pos - 2;
	p[ext_len_pos] = (uint8_t)(l >> 8);
	p[ext_len_pos + 1] = (uint8_t)l;
	l = o - 4;
	p[1] = (uint8_t)(l >> 16);
	p[2] = (uint8_t)(l >> 8);
	p[3] = (uint8_t)l;
	return o;
}

/* TLS record(s) around a handshake message, split into records of at
 * most rec bytes */
static size_t tls_records(uint8_t *out_rec, const uint8_t *hs, size_t n, size_t rec)
{
	size_t o = 0, off = 0;

	while (off < n) {
		size_t l = n - off > rec ? rec : n - off;

		out_rec[o++] = 22;
		out_rec[o++] = 3;
		out_rec[o++] = 1;
		out_rec[o++] = (uint8_t)(l >> 8);
		out_rec[o++] = (uint8_t)l;
		memcpy(out_rec + o, hs + off, l);
		o += l;
		off += l;
	}
	return o;
}

static uint8_t app[70000], app2[70000];

/* TLS connection: hello sent in segments of seg bytes (0: one segment) */
static void tls_conn(struct conn *k, int64_t ts, const char *sni, int ech, size_t seg,
	size_t up, size_t down)
{
	size_t hl = client_hello(app2, sni, ech, 0), n = tls_records(app, app2, hl, 16384), off;
	static const uint8_t server_hello[] = { 22, 3, 3, 0, 4, 2, 0, 0, 0 };

	for (off = 0; off < n; off += seg ? seg : n)
		conn_send(k, ts + (int64_t)off, 1, app + off, seg && n - off > seg ? seg : n - off);
	conn_send(k, ts + 10 * MS, 0, server_hello, sizeof(server_hello));
	if (up)
		conn_bulk(k, ts + 20 * MS, 1, up, MS);
	if (down)
		conn_bulk(k, ts + 30 * MS, 0, down, MS);
}

static void dns_exchange(int64_t ts, const char *client, uint16_t cport, const char *resolver,
	const char *const *names, int n, const char *const *addrs, int na)
{
	struct ep c = ep4(client, cport), r = ep4(resolver, 53);
	size_t l;
	static uint16_t id = 0x1000;

	id++;
	l = dns_query(app, id, names[0], strchr(addrs[0], ':') ? 28 : 1);
	udp(ts, &c, &r, app, l);
	l = dns_answer(app, id, names, n, addrs, na);
	udp(ts + 5 * MS, &r, &c, app, l);
}

/* a query and its NXDOMAIN answer */
static void dns_nxdomain(int64_t ts, const char *client, uint16_t cport, const char *resolver,
	const char *name)
{
	struct ep c = ep4(client, cport), r = ep4(resolver, 53);
	size_t l;
	static uint16_t id = 0x2000;

	id++;
	l = dns_query(app, id, name, 1);
	udp(ts, &c, &r, app, l);
	app[2] = 0x81;
	app[3] = 0x83; /* RA, rcode 3 */
	udp(ts + 5 * MS, &r, &c, app, l);
}

/* ---------- QUIC Initial (RFC 9001 §5) ---------- */

static void expand_label(uint8_t *o, size_t ol, const uint8_t *secret, const char *label)
{
	uint8_t info[100], t[64];
	unsigned tl;
	size_t ll = strlen(label), il = 0;

	info[il++] = 0;
	info[il++] = (uint8_t)ol;
	info[il++] = (uint8_t)(6 + ll);
	memcpy(info + il, "tls13 ", 6);
	il += 6;
	memcpy(info + il, label, ll);
	il += ll;
	info[il++] = 0;
	info[il++] = 1;
	HMAC(EVP_sha256(), secret, 32, info, il, t, &tl);
	memcpy(o, t, ol);
}

static size_t quic_initial(uint8_t *o, int v2, const uint8_t *dcid, size_t dl,
	uint32_t pn, uint64_t crypto_off, const uint8_t *crypto, size_t cl)
{
	static const uint8_t s1[20] = { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
		0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a };
	static const uint8_t s2[20] = { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
		0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 };
	uint8_t init[32], cs[32], key[16], iv[12], hp[16], plain[1500], mask[32];
	unsigned il;
	size_t p = 0, h, pl = 0, len, i;
	int outl, tmp;
	EVP_CIPHER_CTX *ctx;

	HMAC(EVP_sha256(), v2 ? s2 : s1, 20, dcid, dl, init, &il);
	expand_label(cs, 32, init, "client in");
	expand_label(key, 16, cs, v2 ? "quicv2 key" : "quic key");
	expand_label(iv, 12, cs, v2 ? "quicv2 iv" : "quic iv");
	expand_label(hp, 16, cs, v2 ? "quicv2 hp" : "quic hp");
	/* CRYPTO frame, then PADDING to 1162 bytes of payload */
	plain[pl++] = 0x06;
	plain[pl++] = (uint8_t)(0x40 | crypto_off >> 8);
	plain[pl++] = (uint8_t)crypto_off;
	plain[pl++] = (uint8_t)(0x40 | cl >> 8);
	plain[pl++] = (uint8_t)cl;
	memcpy(plain + pl, crypto, cl);
	pl += cl;
	while (pl < 1150)
		plain[pl++] = 0;
	o[p++] = (uint8_t)(0xc0 | (v2 ? 0x10 : 0x00) | 0x03); /* pn length 4 */
	memcpy(o + p, v2 ? "\x6b\x33\x43\xcf" : "\x00\x00\x00\x01", 4);
	p += 4;
	o[p++] = (uint8_t)dl;
	memcpy(o + p, dcid, dl);
	p += dl;
	o[p++] = 4;
	memcpy(o + p, "\xc1\x1e\x47\x7e", 4);
	p += 4;
	o[p++] = 0; /* token length */
	len = 4 + pl + 16;
	o[p++] = (uint8_t)(0x40 | len >> 8);
	o[p++] = (uint8_t)len;
	h = p;
	o[p++] = (uint8_t)(pn >> 24);
	o[p++] = (uint8_t)(pn >> 16);
	o[p++] = (uint8_t)(pn >> 8);
	o[p++] = (uint8_t)pn;
	for (i = 0; i < 4; i++)
		iv[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
	EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv);
	EVP_EncryptUpdate(ctx, NULL, &outl, o, (int)p);
	EVP_EncryptUpdate(ctx, o + p, &outl, plain, (int)pl);
	EVP_EncryptFinal_ex(ctx, o + p + outl, &tmp);
	EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, o + p + pl);
	EVP_CIPHER_CTX_free(ctx);
	p += pl + 16;
	/* header protection */
	ctx = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, hp, NULL);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_EncryptUpdate(ctx, mask, &outl, o + h + 4, 16);
	EVP_CIPHER_CTX_free(ctx);
	o[0] ^= mask[0] & 0x0f;
	for (i = 0; i < 4; i++)
		o[h + i] ^= mask[1 + i];
	return p;
}

static void quic_conn(int64_t ts, const char *client, uint16_t cport, const char *server,
	const char *sni, int v2, int split)
{
	struct ep c = ep4(client, cport), s = ep4(server, 443);
	static const uint8_t dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };
	size_t hl = client_hello(app2, sni, 0, 300), n;

	if (split) { /* second half first: the reassembly must not care */
		size_t half = hl / 2;

		n = quic_initial(app, v2, dcid, 8, 1, half, app2 + half, hl - half);
		udp(ts, &c, &s, app, n);
		n = quic_initial(app, v2, dcid, 8, 0, 0, app2, half);
		udp(ts + MS, &c, &s, app, n);
	} else {
		n = quic_initial(app, v2, dcid, 8, 0, 0, app2, hl);
		udp(ts, &c, &s, app, n);
	}
	memset(app, 0x40, 300); /* server's answer: opaque */
	app[0] = 0xc1;
	udp(ts + 20 * MS, &s, &c, app, 300);
	memset(app, 0x41, 200);
	app[0] = 0x41;
	udp(ts + 30 * MS, &c, &s, app, 200);
}

/* ---------- scenarios ---------- */

#define CLIENT "10.1.0.5"
#define RESOLVER "10.1.0.1"

static void scen_basic(void)
{
	static const char *const npm[] = { "registry.npmjs.org", "registry.npmjs.org.cdn.cloudflare.net" };
	static const char *const npm_a[] = { "104.16.1.34", "104.16.2.34" };
	static const char *const docs[] = { "docs.example.org" };
	static const char *const docs_a[] = { "104.16.1.34" }; /* same CDN address */
	static const char *const gh[] = { "api.github.com" };
	static const char *const gh_a[] = { "2001:db8:140::5" };
	struct conn k, lk;
	static const char http[] = "GET /index.html HTTP/1.1\r\nUser-Agent: t\r\nHOST: Plain.Example.NET:8080\r\nAccept: */*\r\n\r\n";
	int64_t t = T0 * SEC;

	pcap_begin(1);
	/* DNS with a CNAME chain, then TLS whose hello is split in 3 segments */
	dns_exchange(t, CLIENT, 40001, RESOLVER, npm, 2, npm_a, 2);
	conn_open(&k, t + 100 * MS, CLIENT, 50001, "104.16.1.34", 443);
	tls_conn(&k, t + 110 * MS, "registry.npmjs.org", 0, 100, 3000, 20000);
	conn_close(&k, t + 2 * SEC);
	/* the same CDN address, now answered for another name: no SNI this
	 * time, so the DNS name must be the one asked last */
	dns_exchange(t + 3 * SEC, CLIENT, 40002, RESOLVER, docs, 1, docs_a, 1);
	conn_open(&k, t + 3 * SEC + 100 * MS, CLIENT, 50002, "104.16.1.34", 443);
	conn_bulk(&k, t + 3 * SEC + 200 * MS, 1, 500, MS);
	conn_close(&k, t + 4 * SEC);
	/* HTTP with Host, no DNS */
	conn_open(&k, t + 10 * SEC, CLIENT, 50003, "198.51.100.80", 80);
	conn_send(&k, t + 10 * SEC + 5 * MS, 1, (const uint8_t *)http, sizeof(http) - 1);
	conn_bulk(&k, t + 10 * SEC + 10 * MS, 0, 4000, MS);
	conn_close(&k, t + 11 * SEC);
	/* direct to an address: nothing names it; one bad checksum on it */
	conn_open(&k, t + 20 * SEC, CLIENT, 50004, "203.0.113.9", 8443);
	bad_csum_next = 1;
	conn_bulk(&k, t + 20 * SEC + 10 * MS, 1, 2920, MS);
	conn_close(&k, t + 21 * SEC);
	/* IPv6 over DNS AAAA, a long connection open across windows and still
	 * open at the end (1m windows: 10:00, 10:01, 10:02 (idle), 10:03) */
	dns_exchange(t + 30 * SEC, "2001:db8:1::5", 40003, "2001:db8:1::1", gh, 1, gh_a, 1);
	conn_open(&lk, t + 31 * SEC, "2001:db8:1::5", 50005, "2001:db8:140::5", 443);
	tls_conn(&lk, t + 31 * SEC + 10 * MS, "api.github.com", 0, 0, 100, 100);
	conn_bulk(&lk, t + 90 * SEC, 1, 1000, MS);
	conn_bulk(&lk, t + 200 * SEC, 0, 1000, MS);
	/* an inbound connection: must not be listed */
	conn_open(&k, t + 40 * SEC, "192.0.2.200", 60000, CLIENT, 22);
	conn_close(&k, t + 41 * SEC);
	/* an ECH hello: outer name only */
	conn_open(&k, t + 50 * SEC, CLIENT, 50006, "162.159.1.1", 443);
	tls_conn(&k, t + 50 * SEC + 10 * MS, "cloudflare-ech.com", 1, 0, 0, 0);
	conn_close(&k, t + 51 * SEC);
	/* last packet of the capture, on the long connection */
	conn_bulk(&lk, t + 230 * SEC, 1, 10, MS);
}

static void scen_link(const char *type)
{
	static const char *const names[] = { "link.example" };
	static const char *const a[] = { "192.0.2.44" };
	static const char *const a6[] = { "2001:db8::44" };
	struct conn k;
	int64_t t = T0 * SEC;
	int link = !strcmp(type, "sll") ? 113 : !strcmp(type, "sll2") ? 276 :
		!strcmp(type, "raw") ? 101 : !strcmp(type, "null") ? 0 :
		!strcmp(type, "loop") ? 108 : !strcmp(type, "qinq") ? 1001 :
		!strcmp(type, "ipv6") ? 1 : -1;
	int v6 = !strcmp(type, "ipv6");

	if (link < 0) {
		fprintf(stderr, "pcapgen: unknown link type %s\n", type);
		exit(2);
	}
	pcap_begin(link == 1001 ? 1 : link);
	out_link = link;
	dns_exchange(t, v6 ? "2001:db8:1::5" : CLIENT, 40001, v6 ? "2001:db8:1::1" : RESOLVER,
		names, 1, v6 ? a6 : a, 1);
	conn_open(&k, t + SEC, v6 ? "2001:db8:1::5" : CLIENT, 50001, v6 ? a6[0] : a[0], 443);
	tls_conn(&k, t + SEC + 10 * MS, "www.link.example", 0, 0, 100, 100);
	conn_close(&k, t + 2 * SEC);
}

static void scen_multilink(void)
{
	static const char *const names[] = { "multi.example" };
	static const char *const a[] = { "192.0.2.55" };
	struct conn k;
	int64_t t = T0 * SEC + 123456789;

	ng_begin();
	ng_iface(1, 0);     /* interface 0: Ethernet, microseconds */
	ng_iface(101, 1);   /* interface 1: raw IP, nanoseconds */
	cur_if = 0;
	out_link = 1;
	dns_exchange(t, CLIENT, 40001, RESOLVER, names, 1, a, 1);
	cur_if = 1;
	conn_open(&k, t + SEC, CLIENT, 50001, a[0], 443);
	tls_conn(&k, t + SEC + 10 * MS, "tls.multi.example", 0, 0, 100, 100);
	cur_if = 0;
	conn_close(&k, t + 2 * SEC);
}

static void scen_frag(void)
{
	struct ep c = ep4(CLIENT, 40001), s = ep4("198.51.100.7", 9000);
	struct ep c6 = ep4("2001:db8:1::5", 40002), s6 = ep4("2001:db8:2::7", 9001);
	uint8_t l4[3000], frag[3000];
	size_t lh, i;
	int64_t t = T0 * SEC;

	pcap_begin(1);
	/* IPv4 UDP datagram of 2008 bytes in two fragments */
	for (i = 0; i < 2000; i++)
		l4[8 + i] = (uint8_t)i;
	l4[0] = (uint8_t)(c.port >> 8); l4[1] = (uint8_t)c.port;
	l4[2] = (uint8_t)(s.port >> 8); l4[3] = (uint8_t)s.port;
	l4[4] = (uint8_t)(2008 >> 8); l4[5] = (uint8_t)2008;
	l4[6] = l4[7] = 0;
	l4_csum(&c, &s, 17, l4, 2008, 6);
	{
		uint8_t *ip;
		size_t parts[2][2] = { { 0, 1480 }, { 1480, 528 } };
		int f;

		for (f = 0; f < 2; f++) {
			lh = link_hdr(pkt, 4);
			ip = pkt + lh;
			memset(ip, 0, 20);
			ip[0] = 0x45;
			ip[2] = (uint8_t)((20 + parts[f][1]) >> 8);
			ip[3] = (uint8_t)(20 + parts[f][1]);
			ip[4] = 0x12; ip[5] = 0x34;
			ip[6] = (uint8_t)((f == 0 ? 0x20 : 0) | (parts[f][0] / 8) >> 8);
			ip[7] = (uint8_t)(parts[f][0] / 8);
			ip[8] = 64; ip[9] = 17;
			memcpy(ip + 12, c.a, 4);
			memcpy(ip + 16, s.a, 4);
			{
				uint16_t cs = csum_fin(csum_add(0, ip, 20));

				ip[10] = (uint8_t)(cs >> 8);
				ip[11] = (uint8_t)cs;
			}
			/* the later fragment's payload starts with bytes that
			 * would look like ports 53 -> 53 if misread */
			memcpy(ip + 20, l4 + parts[f][0], parts[f][1]);
			if (f == 1)
				memcpy(ip + 20, "\x00\x35\x00\x35", 4);
			record(t + f * MS, pkt, lh + 20 + parts[f][1], lh + 20 + parts[f][1]);
		}
	}
	/* IPv6: fragment header, first fragment then a later one */
	{
		uint8_t *ip;
		int f;

		l4[0] = (uint8_t)(c6.port >> 8); l4[1] = (uint8_t)c6.port;
		l4[2] = (uint8_t)(s6.port >> 8); l4[3] = (uint8_t)s6.port;
		l4[4] = (uint8_t)(2008 >> 8); l4[5] = (uint8_t)2008;
		l4[6] = l4[7] = 0;
		l4_csum(&c6, &s6, 17, l4, 2008, 6);
		for (f = 0; f < 2; f++) {
			size_t off = f ? 1232 : 0, len = f ? 2008 - 1232 : 1232;

			lh = link_hdr(pkt, 6);
			ip = pkt + lh;
			memset(ip, 0, 48);
			ip[0] = 0x60;
			ip[4] = (uint8_t)((8 + len) >> 8);
			ip[5] = (uint8_t)(8 + len);
			ip[6] = 44;
			ip[7] = 64;
			memcpy(ip + 8, c6.a, 16);
			memcpy(ip + 24, s6.a, 16);
			ip[40] = 17;
			ip[42] = (uint8_t)((off >> 8) & 0xff);
			ip[43] = (uint8_t)((off & 0xf8) | (f == 0 ? 1 : 0));
			memcpy(ip + 44, "\xde\xad\xbe\xef", 4);
			memcpy(frag, l4 + off, len);
			if (f == 1)
				memcpy(frag, "\x01\xbb\x01\xbb", 4);
			memcpy(ip + 48, frag, len);
			record(t + (2 + f) * MS, pkt, lh + 48 + len, lh + 48 + len);
		}
	}
	/* a later fragment whose first fragment was never captured */
	{
		uint8_t *ip;

		lh = link_hdr(pkt, 4);
		ip = pkt + lh;
		memset(ip, 0, 28);
		ip[0] = 0x45; ip[3] = 28; ip[4] = 0x77; ip[7] = 10; ip[8] = 64; ip[9] = 6;
		memcpy(ip + 12, c.a, 4);
		memcpy(ip + 16, s.a, 4);
		memcpy(ip + 20, "\x00\x50\x00\x50\x00\x00\x00\x00", 8);
		record(t + 5 * MS, pkt, lh + 28, lh + 28);
	}
	(void)frag;
}

static void scen_quic(void)
{
	int64_t t = T0 * SEC;

	pcap_begin(1);
	quic_conn(t, CLIENT, 51001, "192.0.2.81", "quic-v1.example", 0, 1);
	quic_conn(t + SEC, CLIENT, 51002, "192.0.2.82", "quic-v2.example", 1, 0);
}

static void scen_hostile(void)
{
	struct ep c = ep4(CLIENT, 40001), r = ep4(RESOLVER, 53), s = ep4("192.0.2.90", 443);
	struct conn k;
	uint8_t m[2000];
	size_t o, i;
	int64_t t = T0 * SEC;

	pcap_begin(1);
	/* DNS answer whose question name points at itself */
	memset(m, 0, 12);
	m[2] = 0x81; m[3] = 0x80; m[5] = 1; m[7] = 1;
	m[12] = 0xc0; m[13] = 12;
	memcpy(m + 14, "\x00\x01\x00\x01", 4);
	memcpy(m + 18, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x5a", 16);
	udp(t, &r, &c, m, 34);
	/* a name of 200 one-byte labels (more than 255 octets) */
	memset(m, 0, 12);
	m[2] = 0x81; m[5] = 1; m[7] = 1;
	o = 12;
	for (i = 0; i < 200; i++) {
		m[o++] = 1;
		m[o++] = 'a';
	}
	m[o++] = 0;
	memcpy(m + o, "\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x5a", 20);
	udp(t + MS, &r, &c, m, o + 20);
	/* pointer chain: each label points one further back, 60 deep */
	memset(m, 0, 12);
	m[2] = 0x81; m[5] = 1; m[7] = 1;
	o = 12;
	m[o++] = 1; m[o++] = 'x'; m[o++] = 0;
	memcpy(m + o, "\x00\x01\x00\x01", 4);
	o += 4;
	for (i = 0; i < 60; i++) {
		size_t here = o;

		m[o++] = 1; m[o++] = 'y';
		m[o++] = 0xc0; m[o++] = (uint8_t)(here - 4 < 12 ? 12 : here - 4);
	}
	memcpy(m + o, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x5b", 16);
	udp(t + 2 * MS, &r, &c, m, o + 16);
	/* TLS record claiming 16 KiB, hello claiming more than the record */
	conn_open(&k, t + 10 * MS, CLIENT, 50001, "192.0.2.90", 443);
	memcpy(m, "\x16\x03\x01\x40\x00\x01\xff\xff\xff\x03\x03", 11);
	conn_send(&k, t + 20 * MS, 1, m, 11);
	conn_close(&k, t + 30 * MS);
	/* hello whose SNI length runs past the extension */
	conn_open(&k, t + 40 * MS, CLIENT, 50002, "192.0.2.91", 443);
	{
		size_t hl = client_hello(app2, "lying.example", 0, 0), n;

		app2[hl - 13 - 2] = 0xff; /* server name length high byte */
		n = tls_records(app, app2, hl, 16384);
		conn_send(&k, t + 50 * MS, 1, app, n);
	}
	conn_close(&k, t + 60 * MS);
	/* QUIC-looking junk: Initial header, nothing decrypts */
	memset(m, 0x5a, 1200);
	m[0] = 0xc3;
	memcpy(m + 1, "\x00\x00\x00\x01\x08", 5);
	udp(t + 70 * MS, &c, &s, m, 1200);
	/* QUIC Initial with a length field beyond the datagram */
	memcpy(m, "\xc3\x00\x00\x00\x01\x08\x01\x02\x03\x04\x05\x06\x07\x08\x00\x00\x7f\xff", 18);
	{
		struct ep c2 = ep4(CLIENT, 40005);

		udp(t + 80 * MS, &c2, &s, m, 40);
	}
	/* snaplen-cut packets: TCP header cut, IPv4 header claiming more */
	c.port = 50010;
	tcp(t + 90 * MS, &c, &s, SYN, 1, 0, NULL, 0);
	{
		size_t lh = link_hdr(pkt, 4);

		memset(pkt + lh, 0, 20);
		pkt[lh] = 0x4f; /* ihl 60 bytes, only 20 there */
		pkt[lh + 3] = 40;
		record(t + 100 * MS, pkt, lh + 20, lh + 20);
		record(t + 101 * MS, pkt, lh + 4, lh + 4);
	}
}

/* DNS over TCP (RFC 1035 §4.2.2: two-byte length prefix): two answers in
 * one segment, a third split over two segments.  A connection made after
 * the first answer keeps its name when a later answer rebinds the address
 * while it is open. */
static void scen_tcpdns(void)
{
	static const char *const n1[] = { "first.example" };
	static const char *const n2[] = { "second.example" };
	static const char *const n3[] = { "third.example", "third.cdn.example" };
	static const char *const a1[] = { "192.0.2.101" };
	static const char *const a3[] = { "192.0.2.103" };
	struct conn d, k, k2;
	size_t l1, l2, l3;
	int64_t t = T0 * SEC;

	pcap_begin(1);
	conn_open(&d, t, CLIENT, 45000, RESOLVER, 53);
	l1 = dns_query(app + 2, 0x10, n1[0], 1);
	app[0] = (uint8_t)(l1 >> 8);
	app[1] = (uint8_t)l1;
	conn_send(&d, t + 10 * MS, 1, app, l1 + 2);
	/* answers for first.example and third.example in one segment */
	l1 = dns_answer(app + 2, 0x10, n1, 1, a1, 1);
	app[0] = (uint8_t)(l1 >> 8);
	app[1] = (uint8_t)l1;
	l3 = dns_answer(app + 4 + l1, 0x11, n3, 2, a3, 1);
	app[2 + l1] = (uint8_t)(l3 >> 8);
	app[3 + l1] = (uint8_t)l3;
	conn_send(&d, t + 20 * MS, 0, app, l1 + l3 + 4);
	/* a TLS connection without SNI to first.example's address */
	conn_open(&k, t + SEC, CLIENT, 50001, a1[0], 443);
	tls_conn(&k, t + SEC + 10 * MS, "", 0, 0, 500, 500);
	/* second.example now answered with the same address, split in two */
	l2 = dns_answer(app + 2, 0x12, n2, 1, a1, 1);
	app[0] = (uint8_t)(l2 >> 8);
	app[1] = (uint8_t)l2;
	conn_send(&d, t + 2 * SEC, 0, app, 10);
	conn_send(&d, t + 2 * SEC + MS, 0, app + 10, l2 + 2 - 10);
	conn_close(&d, t + 3 * SEC);
	/* the open connection keeps first.example; a new one gets second */
	conn_bulk(&k, t + 4 * SEC, 1, 700, MS);
	conn_close(&k, t + 5 * SEC);
	conn_open(&k2, t + 6 * SEC, CLIENT, 50002, a1[0], 443);
	conn_bulk(&k2, t + 6 * SEC + 10 * MS, 1, 100, MS);
	conn_close(&k2, t + 7 * SEC);
	/* and third.example through its CNAME */
	conn_open(&k2, t + 8 * SEC, CLIENT, 50003, a3[0], 8080);
	conn_bulk(&k2, t + 8 * SEC + 10 * MS, 1, 100, MS);
	conn_close(&k2, t + 9 * SEC);
}

/* A client names api.openai.com in its Host header and in its SNI while
 * connecting to addresses the capture's DNS never gave that name; one
 * genuine connection; a name DNS said does not exist; a name nothing in
 * the capture answers.  With dns = 0 the same connections, no DNS. */
static void scen_spoof(int dns)
{
	static const char *const oa[] = { "api.openai.com" };
	static const char *const oa_a[] = { "162.159.140.245" };
	static const char post[] = "POST /v1/chat/completions HTTP/1.1\r\nHost: api.openai.com\r\n"
		"Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"k\":\"v\"}";
	static const char post2[] = "POST /upload HTTP/1.1\r\nHost: ghost.example.org\r\n"
		"Content-Length: 2\r\n\r\nhi";
	static const char get3[] = "GET / HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n";
	struct conn k;
	int64_t t = T0 * SEC;

	pcap_begin(1);
	if (dns) {
		dns_exchange(t, CLIENT, 40001, RESOLVER, oa, 1, oa_a, 1);
		dns_nxdomain(t + 100 * MS, CLIENT, 40002, RESOLVER, "ghost.example.org");
	}
	/* the genuine one */
	conn_open(&k, t + SEC, CLIENT, 50001, oa_a[0], 443);
	tls_conn(&k, t + SEC + 10 * MS, "api.openai.com", 0, 0, 500, 900);
	conn_close(&k, t + 2 * SEC);
	/* plain HTTP to an arbitrary address, Host: api.openai.com */
	conn_open(&k, t + 3 * SEC, CLIENT, 50002, "203.0.113.50", 80);
	conn_send(&k, t + 3 * SEC + 5 * MS, 1, (const uint8_t *)post, sizeof(post) - 1);
	conn_bulk(&k, t + 3 * SEC + 10 * MS, 1, 6000, MS);
	conn_close(&k, t + 4 * SEC);
	/* TLS to another arbitrary address, SNI api.openai.com */
	conn_open(&k, t + 5 * SEC, CLIENT, 50003, "203.0.113.51", 443);
	tls_conn(&k, t + 5 * SEC + 10 * MS, "api.openai.com", 0, 0, 4000, 200);
	conn_close(&k, t + 6 * SEC);
	/* a Host that DNS said does not exist */
	conn_open(&k, t + 7 * SEC, CLIENT, 50004, "198.51.100.77", 80);
	conn_send(&k, t + 7 * SEC + 5 * MS, 1, (const uint8_t *)post2, sizeof(post2) - 1);
	conn_close(&k, t + 8 * SEC);
	/* a Host nothing in the capture answers */
	conn_open(&k, t + 9 * SEC, CLIENT, 50005, "198.51.100.78", 80);
	conn_send(&k, t + 9 * SEC + 5 * MS, 1, (const uint8_t *)get3, sizeof(get3) - 1);
	conn_close(&k, t + 10 * SEC);
}

/* A self-signed certificate for name (Ed25519, valid 2025..2035), DER. */
static size_t self_signed(uint8_t *der_out, size_t cap, const char *name)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509 *x = X509_new();
	X509_NAME *n;
	X509_EXTENSION *ext;
	char san[300];
	unsigned char *o = der_out;
	int len;

	if (!key || !x)
		exit(2);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)1735689600);  /* 2025-01-01 */
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)2051222400);   /* 2035-01-01 */
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)name, -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, key);
	snprintf(san, sizeof(san), "DNS:%s", name);
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
	if (!ext || !X509_add_ext(x, ext, -1) || !X509_sign(x, key, NULL))
		exit(2);
	X509_EXTENSION_free(ext);
	len = i2d_X509(x, NULL);
	if (len <= 0 || (size_t)len > cap)
		exit(2);
	i2d_X509(x, &o);
	X509_free(x);
	EVP_PKEY_free(key);
	return (size_t)len;
}

/* The server's TLS 1.2 flight: ServerHello, Certificate (one DER
 * certificate), ServerHelloDone, as handshake records. */
static size_t server_flight(uint8_t *rec, const uint8_t *der, size_t dl)
{
	static uint8_t hs[8192];
	size_t o = 0, i;

	hs[o++] = 2;                        /* ServerHello */
	hs[o++] = 0; hs[o++] = 0; hs[o++] = 38;
	hs[o++] = 3; hs[o++] = 3;           /* TLS 1.2 */
	for (i = 0; i < 32; i++)
		hs[o++] = (uint8_t)(i * 7 + 1);
	hs[o++] = 0;                        /* no session id */
	hs[o++] = 0xc0; hs[o++] = 0x2f;     /* ECDHE_RSA_AES_128_GCM_SHA256 */
	hs[o++] = 0;                        /* no compression, no extensions */
	hs[o++] = 11;                       /* Certificate */
	hs[o++] = (uint8_t)((dl + 6) >> 16); hs[o++] = (uint8_t)((dl + 6) >> 8);
	hs[o++] = (uint8_t)(dl + 6);
	hs[o++] = (uint8_t)((dl + 3) >> 16); hs[o++] = (uint8_t)((dl + 3) >> 8);
	hs[o++] = (uint8_t)(dl + 3);
	hs[o++] = (uint8_t)(dl >> 16); hs[o++] = (uint8_t)(dl >> 8); hs[o++] = (uint8_t)dl;
	memcpy(hs + o, der, dl);
	o += dl;
	hs[o++] = 14;                       /* ServerHelloDone */
	hs[o++] = 0; hs[o++] = 0; hs[o++] = 0;
	return tls_records(rec, hs, o, 200); /* small records: a message spans them */
}

static void scen_cert_self(int dns)
{
	static const char *const oa[] = { "api.openai.com" };
	static const char *const oa_a[] = { "162.159.140.245" };
	uint8_t der[2048];
	size_t dl = self_signed(der, sizeof(der), "api.openai.com"), hl, n;
	struct conn k;
	int64_t t = T0 * SEC;

	pcap_begin(1);
	if (dns)
		dns_exchange(t, CLIENT, 40001, RESOLVER, oa, 1, oa_a, 1);
	conn_open(&k, t + SEC, CLIENT, 50003, "203.0.113.51", 443);
	hl = client_hello(app2, "api.openai.com", 0, 0);
	n = tls_records(app, app2, hl, 16384);
	conn_send(&k, t + SEC + 10 * MS, 1, app, n);
	n = server_flight(app, der, dl);
	conn_send(&k, t + SEC + 20 * MS, 0, app, n);
	conn_bulk(&k, t + SEC + 30 * MS, 1, 4000, MS);
	conn_close(&k, t + 2 * SEC);
}

/* Only DNS: the agent host looks up three allowed names at its LAN
 * resolver and connects to none of them (yet). */
static void scen_resolver_only(void)
{
	static const char *const n1[] = { "registry.npmjs.org" };
	static const char *const n2[] = { "api.anthropic.com" };
	static const char *const n3[] = { "api.github.com" };
	static const char *const a1[] = { "104.16.1.34" };
	static const char *const a2[] = { "160.79.104.10" };
	static const char *const a3[] = { "140.82.112.6" };
	int64_t t = T0 * SEC;

	pcap_begin(1);
	dns_exchange(t, CLIENT, 40001, RESOLVER, n1, 1, a1, 1);
	dns_exchange(t + SEC, CLIENT, 40002, RESOLVER, n2, 1, a2, 1);
	dns_exchange(t + 2 * SEC, CLIENT, 40003, RESOLVER, n3, 1, a3, 1);
}

/* The LAN resolver for the usual lookups (and a connection); 8.8.8.8
 * asked once, behind its back; 60 lookups of long distinct names under
 * one domain in six seconds (data leaving through the resolver); a name
 * looked up that nobody allowed. */
static void scen_resolvers(void)
{
	static const char *const reg[] = { "registry.npmjs.org" };
	static const char *const reg_a[] = { "104.16.1.34" };
	static const char *const api[] = { "api.anthropic.com" };
	static const char *const api_a[] = { "160.79.104.10" };
	static const char *const ex[] = { "exfil.example" };
	static const char *const ex_a[] = { "203.0.113.70" };
	static const char *const tel[] = { "telemetry.vendor.example" };
	static const char *const tel_a[] = { "198.51.100.90" };
	static const char *const sink[] = { "192.0.2.1" };
	struct conn k;
	int64_t t = T0 * SEC;
	char name[128];
	const char *nm[1] = { name };
	int i, j;

	pcap_begin(1);
	dns_exchange(t, CLIENT, 40001, RESOLVER, reg, 1, reg_a, 1);
	conn_open(&k, t + 100 * MS, CLIENT, 50001, reg_a[0], 443);
	tls_conn(&k, t + 110 * MS, "registry.npmjs.org", 0, 0, 300, 3000);
	conn_close(&k, t + SEC);
	for (i = 0; i < 4; i++)
		dns_exchange(t + (2 + i) * SEC, CLIENT, (uint16_t)(40010 + i), RESOLVER, api, 1, api_a, 1);
	dns_exchange(t + 7 * SEC, CLIENT, 40020, "8.8.8.8", ex, 1, ex_a, 1);
	dns_exchange(t + 8 * SEC, CLIENT, 40021, RESOLVER, tel, 1, tel_a, 1);
	/* 60 names like 3f2a...c1.17.t.tunnel.example: hex data, a counter */
	for (i = 0; i < 60; i++) {
		int o = 0;

		for (j = 0; j < 40; j++)
			o += snprintf(name + o, sizeof(name) - (size_t)o, "%x", (i * 7 + j * 13) & 15);
		snprintf(name + o, sizeof(name) - (size_t)o, ".%d.t.tunnel.example", i);
		dns_exchange(t + 10 * SEC + i * 100 * MS, CLIENT, (uint16_t)(41000 + i), RESOLVER,
			nm, 1, sink, 1);
	}
}

/* One request through an HTTP proxy: CONNECT host:port then a TLS hello
 * with sni (NULL: none), or an absolute-form GET when connect is 0. */
static void proxied(int64_t t, const char *client, uint16_t cport, const char *proxy,
	const char *target, int connect, const char *sni, size_t up)
{
	static const uint8_t ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	char req[512];
	struct conn k;
	int n;

	conn_open(&k, t, client, cport, proxy, 3128);
	if (connect)
		n = snprintf(req, sizeof(req), "CONNECT %s HTTP/1.1\r\nHost: %s\r\n"
			"Proxy-Connection: keep-alive\r\n\r\n", target, target);
	else
		n = snprintf(req, sizeof(req), "GET http://%s/dist/pkg.tgz HTTP/1.1\r\nHost: %s\r\n"
			"Accept: */*\r\n\r\n", target, target);
	conn_send(&k, t + 5 * MS, 1, (const uint8_t *)req, (size_t)n);
	if (connect) {
		conn_send(&k, t + 8 * MS, 0, ok, sizeof(ok) - 1);
		if (sni)
			tls_conn(&k, t + 10 * MS, sni, 0, 0, up, 2000);
	} else {
		conn_bulk(&k, t + 10 * MS, 0, 3000, MS);
	}
	conn_close(&k, t + SEC);
}

/* An agent behind HTTPS_PROXY=http://proxy.corp.example:3128: the capture
 * shows connections to the proxy only; the requests name the hosts. */
static void scen_proxy(int loopback)
{
	static const char *const px[] = { "proxy.corp.example" };
	static const char *const px_a[] = { "10.1.0.8" };
	const char *client = loopback ? "127.0.0.1" : CLIENT;
	const char *proxy = loopback ? "127.0.0.1" : px_a[0];
	int64_t t = T0 * SEC;

	if (loopback) {
		pcap_begin(0);
	} else {
		pcap_begin(1);
		dns_exchange(t, CLIENT, 40001, RESOLVER, px, 1, px_a, 1);
	}
	proxied(t + SEC, client, 50001, proxy, "api.anthropic.com:443", 1, "api.anthropic.com", 3000);
	proxied(t + 3 * SEC, client, 50002, proxy, "collect.evil.example:443", 1,
		"collect.evil.example", 40000);
	/* the tunnel asks for an allowed host, the hello for another one */
	proxied(t + 5 * SEC, client, 50003, proxy, "api.openai.com:443", 1, "front.evil.example", 2000);
	proxied(t + 7 * SEC, client, 50004, proxy, "pkg.example.org", 0, NULL, 0);
	proxied(t + 9 * SEC, client, 50005, proxy, "203.0.113.99:8443", 1, NULL, 0);
}

/* The per-process egress log: iptables -A OUTPUT -m owner --uid-owner
 * ... -j NFLOG --nflog-group 5.  uid 1000 runs the agent (DNS, TLS to the
 * model API); uid 1001 runs an MCP server that posts to an unknown host. */
static void scen_nflog(void)
{
	static const char *const api[] = { "api.anthropic.com" };
	static const char *const api_a[] = { "160.79.104.10" };
	static const char *const ex[] = { "collect.evil.example" };
	static const char *const ex_a[] = { "203.0.113.77" };
	struct conn k;
	int64_t t = T0 * SEC;

	pcap_begin(239);
	inet_pton(AF_INET, CLIENT, nflog_from);
	nflog_uid = 1000;
	nflog_gid = 1000;
	dns_exchange(t, CLIENT, 40001, RESOLVER, api, 1, api_a, 1);
	conn_open(&k, t + SEC, CLIENT, 50001, api_a[0], 443);
	tls_conn(&k, t + SEC + 10 * MS, "api.anthropic.com", 0, 0, 2000, 8000);
	conn_close(&k, t + 2 * SEC);
	nflog_uid = 1001;
	nflog_gid = 1001;
	dns_exchange(t + 3 * SEC, CLIENT, 40002, RESOLVER, ex, 1, ex_a, 1);
	conn_open(&k, t + 4 * SEC, CLIENT, 50002, ex_a[0], 443);
	tls_conn(&k, t + 4 * SEC + 10 * MS, "collect.evil.example", 0, 0, 30000, 100);
	conn_close(&k, t + 5 * SEC);
	/* a rule without --uid-owner logs no uid */
	nflog_uid = nflog_gid = -1;
	conn_open(&k, t + 6 * SEC, CLIENT, 50003, "198.51.100.5", 8080);
	conn_close(&k, t + 7 * SEC);
}

/* Loopback only: an agent talking to local MCP servers over HTTP and to a
 * local helper; nothing leaves the machine in this capture. */
static void scen_local_only(void)
{
	static const char mcp[] = "POST /mcp HTTP/1.1\r\nHost: localhost:8931\r\n"
		"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
	struct conn k;
	int64_t t = T0 * SEC;

	pcap_begin(0);
	conn_open(&k, t, "127.0.0.1", 50001, "127.0.0.1", 8931);
	conn_send(&k, t + 5 * MS, 1, (const uint8_t *)mcp, sizeof(mcp) - 1);
	conn_bulk(&k, t + 10 * MS, 0, 900, MS);
	conn_close(&k, t + SEC);
	conn_open(&k, t + 2 * SEC, "127.0.0.1", 50002, "127.0.0.1", 9000);
	conn_bulk(&k, t + 2 * SEC + 10 * MS, 1, 5000, MS);
	conn_close(&k, t + 3 * SEC);
}

/* The demo: an agent host installs a package from the registry; minutes
 * later the patched MCP server posts data to a host nobody allowed.  The
 * clock is the samples' story: the reinstall that pulled 1.0.1 fetched it
 * at 14:03:03 (samples/npm-cache), so the registry connections start at
 * 14:03:02 and the postinstall's post follows at 14:03:07. */
#define DEMO_T0 1795356178LL /* 2026-11-22T14:02:58Z */
static void scen_demo(void)
{
	static const char *const reg[] = { "registry.npmjs.org" };
	static const char *const reg_a[] = { "104.16.3.35", "104.16.4.35" };
	static const char *const api[] = { "api.anthropic.com" };
	static const char *const api_a[] = { "160.79.104.10" };
	static const char *const ex[] = { "telemetry.acme-cdn.example", "acme-cdn.example.edge.example.net" };
	static const char *const ex_a[] = { "203.0.113.66" };
	struct conn k;
	const char *host = "10.20.0.15", *res = "10.20.0.2";
	int64_t t = DEMO_T0 * SEC;
	int i;

	pcap_begin(1);
	dns_exchange(t + 3 * SEC, host, 41001, res, reg, 1, reg_a, 2);
	for (i = 0; i < 3; i++) {
		conn_open(&k, t + (4 + i) * SEC, host, (uint16_t)(52000 + i), reg_a[i % 2], 443);
		tls_conn(&k, t + (4 + i) * SEC + 20 * MS, "registry.npmjs.org", 0, 0, 2000, 60000);
		conn_close(&k, t + (5 + i) * SEC);
	}
	dns_exchange(t + 40 * SEC, host, 41002, res, api, 1, api_a, 1);
	conn_open(&k, t + 41 * SEC, host, 52100, api_a[0], 443);
	tls_conn(&k, t + 41 * SEC + 20 * MS, "api.anthropic.com", 0, 0, 8000, 30000);
	conn_close(&k, t + 50 * SEC);
	/* postinstall: exfiltration right after the install */
	dns_exchange(t + 9 * SEC, host, 41003, res, ex, 2, ex_a, 1);
	conn_open(&k, t + 9 * SEC + 200 * MS, host, 52200, ex_a[0], 443);
	tls_conn(&k, t + 9 * SEC + 220 * MS, "telemetry.acme-cdn.example", 0, 0, 48000, 500);
	conn_close(&k, t + 12 * SEC);
	/* and again from the running server, in the next window */
	conn_open(&k, t + 6 * 60 * SEC, host, 52201, ex_a[0], 443);
	tls_conn(&k, t + 6 * 60 * SEC + 20 * MS, "telemetry.acme-cdn.example", 0, 0, 120000, 500);
	conn_close(&k, t + 6 * 60 * SEC + 5 * SEC);
}

/* about n packets: per round a DNS exchange (2), a TLS connection
 * (handshake 3, hello 1, server hello 1, close 3) and bulk data */
static void scen_bench(long n, long bulk_pkts)
{
	static const char *const names[8] = { "a.bench.example", "b.bench.example",
		"c.bench.example", "d.bench.example", "e.bench.example", "f.bench.example",
		"g.bench.example", "h.bench.example" };
	long written = 0, round = 0;
	int64_t t = T0 * SEC;
	char srv[32];
	struct conn k;

	pcap_begin(1);
	while (written < n) {
		const char *nm[1];
		const char *ad[1];
		int h = (int)(round % 8);

		snprintf(srv, sizeof(srv), "198.18.%d.%d", (int)(round / 250 % 250), (int)(round % 250) + 1);
		nm[0] = names[h];
		ad[0] = srv;
		dns_exchange(t, CLIENT, (uint16_t)(20000 + round % 30000), RESOLVER, nm, 1, ad, 1);
		conn_open(&k, t + MS, CLIENT, (uint16_t)(30000 + round % 30000), srv, 443);
		tls_conn(&k, t + 5 * MS, names[h], 0, 0, 0, 0);
		conn_bulk(&k, t + 20 * MS, round % 3 == 0, (size_t)bulk_pkts * 1460, 200000);
		conn_close(&k, t + 20 * MS + bulk_pkts * 200000 + MS);
		written += 2 + 3 + 2 + bulk_pkts + 3;
		round++;
		t += 50 * MS;
	}
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	const char *path;

	if (argc < 3) {
		fprintf(stderr, "usage: pcapgen SCENARIO [ARG] OUT\n");
		return 2;
	}
	path = argv[argc - 1];
	out = fopen(path, "wb");
	if (!out) {
		perror(path);
		return 2;
	}
	if (!strcmp(what, "basic") || !strcmp(what, "truncated"))
		scen_basic();
	else if (!strcmp(what, "link") && argc == 4)
		scen_link(argv[2]);
	else if (!strcmp(what, "multilink"))
		scen_multilink();
	else if (!strcmp(what, "frag"))
		scen_frag();
	else if (!strcmp(what, "quic"))
		scen_quic();
	else if (!strcmp(what, "tcpdns"))
		scen_tcpdns();
	else if (!strcmp(what, "hostile"))
		scen_hostile();
	else if (!strcmp(what, "demo"))
		scen_demo();
	else if (!strcmp(what, "spoof"))
		scen_spoof(1);
	else if (!strcmp(what, "spoof-nodns"))
		scen_spoof(0);
	else if (!strcmp(what, "cert-self"))
		scen_cert_self(0);
	else if (!strcmp(what, "cert-self-dns"))
		scen_cert_self(1);
	else if (!strcmp(what, "resolver-only"))
		scen_resolver_only();
	else if (!strcmp(what, "resolvers"))
		scen_resolvers();
	else if (!strcmp(what, "proxy"))
		scen_proxy(0);
	else if (!strcmp(what, "proxy-lo"))
		scen_proxy(1);
	else if (!strcmp(what, "local-only"))
		scen_local_only();
	else if (!strcmp(what, "nflog"))
		scen_nflog();
	else if (!strcmp(what, "bench") && argc == 4)
		scen_bench(atol(argv[2]), 40);
	else if (!strcmp(what, "bench") && argc == 5)
		scen_bench(atol(argv[2]), atol(argv[3]));
	else {
		fprintf(stderr, "pcapgen: unknown scenario %s\n", what);
		return 2;
	}
	if (fclose(out) != 0) {
		perror(path);
		return 2;
	}
	if (!strcmp(what, "truncated")) {
		/* cut the last record in half */
		FILE *f = fopen(path, "rb+");
		long size;

		if (!f || fseek(f, 0, SEEK_END) != 0)
			return 2;
		size = ftell(f);
		fclose(f);
		if (truncate(path, size - 30) != 0) {
			perror(path);
			return 2;
		}
	}
	return 0;
}
