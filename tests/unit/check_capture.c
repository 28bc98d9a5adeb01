/*
 * check_capture.c - cairn-capture's library: the packet decoder, the DNS,
 * TLS, HTTP and QUIC parsers on crafted and hostile bytes, the engine on
 * the fixtures written by tests/tools/pcapgen.c (tests/fixtures/capture/)
 * and on the real captures of ../shared/data/pcaps when they are there.
 */
#include "capture.h"
#include "capture_int.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fixture[4096];

static const char *fx(const char *name)
{
	const char *src = getenv("CAIRN_SRC");

	snprintf(fixture, sizeof(fixture), "%s/tests/fixtures/capture/%s", src ? src : ".", name);
	return fixture;
}

static int shared(char *out, size_t len, const char *name)
{
	const char *src = getenv("CAIRN_SRC");

	snprintf(out, len, "%s/../shared/data/pcaps/%s", src ? src : ".", name);
	return access(out, R_OK) == 0;
}

/* Analyse files; returns the result (caller frees). */
static cairn_capture_result *analyse(const char *const *paths, size_t n, int64_t window_s,
	int all, int expect_rc)
{
	struct cairn_capture_opts o = { window_s * 1000000000LL, NULL, 0, all };
	cairn_capture *c;
	cairn_capture_result *r = NULL;
	int rc;

	ck_assert_int_eq(cairn_capture_new(&c, &o), 0);
	rc = cairn_capture_read(c, paths, n);
	ck_assert_msg(rc == expect_rc, "read rc %d: %s", rc, cairn_error_last());
	if (rc == 0)
		ck_assert_int_eq(cairn_capture_finish(&r, c), 0);
	cairn_capture_free(c);
	return r;
}

static cairn_capture_result *analyse1(const char *path, int64_t window_s, int all)
{
	const char *p[1] = { path };

	return analyse(p, 1, window_s, all, 0);
}

static const struct cairn_capture_host *total(const cairn_capture_result *r, const char *host)
{
	size_t i;

	for (i = 0; i < r->total_count; i++)
		if (!strcmp(r->totals[i].host, host))
			return &r->totals[i];
	return NULL;
}

static int has_source(const struct cairn_capture_host *h, const char *name, const char *src)
{
	size_t i, k;

	for (i = 0; i < h->name_count; i++)
		if (!strcmp(h->names[i].name, name))
			for (k = 0; k < h->names[i].source_count; k++)
				if (!strcmp(h->names[i].sources[k], src))
					return 1;
	return 0;
}

/* ---- decoder ---- */

START_TEST(test_capture_decode_later_fragment_has_no_ports)
{
	/* IPv4, UDP, offset 1480: bytes that would read as ports 53 -> 53 */
	static const uint8_t pkt[] = {
		0x45, 0, 0, 28, 0x12, 0x34, 0x00, 0xb9, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x00, 0x35, 0x00, 0x35, 0, 8, 0, 0
	};
	struct cap_pkt p;

	ck_assert_int_eq(cap_decode(&p, CAP_LT_RAW, pkt, sizeof(pkt), 0), CAP_DEC_OK);
	ck_assert_int_eq(p.frag, CAP_FRAG_LATER);
	ck_assert_int_eq(p.has_ports, 0);
}
END_TEST

START_TEST(test_capture_decode_ipv6_extension_headers)
{
	/* hop-by-hop (8 bytes), destination options (16), then TCP */
	uint8_t pkt[40 + 8 + 16 + 20];
	struct cap_pkt p;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	pkt[5] = 8 + 16 + 20;
	pkt[6] = 0;          /* hop-by-hop */
	pkt[40] = 60;        /* next: destination options */
	pkt[41] = 0;
	pkt[48] = 6;         /* next: TCP */
	pkt[49] = 1;         /* 16 bytes */
	pkt[64] = 0xc3; pkt[65] = 0x50; pkt[66] = 0x01; pkt[67] = 0xbb;
	pkt[76] = 0x50;
	pkt[77] = CAP_TCP_SYN;
	ck_assert_int_eq(cap_decode(&p, CAP_LT_IPV6, pkt, sizeof(pkt), 0), CAP_DEC_OK);
	ck_assert_int_eq(p.proto, 6);
	ck_assert_int_eq(p.has_ports, 1);
	ck_assert_int_eq(p.sport, 50000);
	ck_assert_int_eq(p.dport, 443);
	ck_assert_int_eq(p.tcp_flags, CAP_TCP_SYN);
	/* a cycle of extension headers is bounded */
	pkt[6] = 0;
	pkt[40] = 0;
	pkt[48] = 0;
	pkt[49] = 0;
	ck_assert_int_ne(cap_decode(&p, CAP_LT_IPV6, pkt, sizeof(pkt), 0), CAP_DEC_OK + 99);
}
END_TEST

START_TEST(test_capture_decode_vlan_and_checksum)
{
	/* Ethernet, two VLAN tags, IPv4 with a wrong header checksum */
	uint8_t pkt[14 + 8 + 20 + 8];
	struct cap_pkt p;

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x88; pkt[13] = 0xa8;
	pkt[16] = 0x81; pkt[17] = 0x00;
	pkt[20] = 0x08; pkt[21] = 0x00;
	pkt[22] = 0x45; pkt[25] = 28; pkt[30] = 64; pkt[31] = 17;
	pkt[32] = 0x12; pkt[33] = 0x34; /* checksum: wrong */
	pkt[34] = 10; pkt[38] = 8; pkt[39] = 8; pkt[40] = 8; pkt[41] = 8;
	pkt[42] = 0x9c; pkt[43] = 0x40; pkt[44] = 0; pkt[45] = 53; pkt[47] = 8;
	ck_assert_int_eq(cap_decode(&p, CAP_LT_EN10MB, pkt, sizeof(pkt), 1), CAP_DEC_OK);
	ck_assert_int_eq(p.dport, 53);
	ck_assert_int_eq(p.bad_checksum, 1);
	/* truncated inside the IPv4 header: malformed, no read beyond */
	ck_assert_int_eq(cap_decode(&p, CAP_LT_EN10MB, pkt, 30, 1), CAP_DEC_MALFORMED);
	ck_assert_int_eq(cap_decode(&p, CAP_LT_SLL2, pkt, 3, 1), CAP_DEC_MALFORMED);
	ck_assert_int_eq(cap_decode(&p, 9999, pkt, sizeof(pkt), 1), CAP_DEC_NOT_IP);
}
END_TEST

/* ---- DNS ---- */

START_TEST(test_capture_dns_compression_loop)
{
	/* question name is a pointer to itself */
	static const uint8_t msg[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		0xc0, 12, 0, 1, 0, 1
	};
	struct cap_dns_msg *m = malloc(sizeof(*m));

	ck_assert_int_eq(cap_dns_parse(m, msg, sizeof(msg)), -1);
	free(m);
}
END_TEST

START_TEST(test_capture_dns_cname_chain_and_escaping)
{
	/* q: Www.A.example; CNAME -> x.cdn; A x.cdn 192.0.2.1 */
	static const uint8_t msg[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		3, 'W', 'w', 'w', 1, 'A', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 7,
		1, 'x', 3, 'c', 'd', 'n', 0,
		0xc0, 43, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1
	};
	static const uint8_t bad[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'a', 0x1b, '.', 0, 0, 1, 0, 1
	};
	struct cap_dns_msg *m = malloc(sizeof(*m));

	ck_assert_int_eq(cap_dns_parse(m, msg, sizeof(msg)), 0);
	ck_assert_int_eq(m->is_response, 1);
	ck_assert_str_eq(m->qname, "www.a.example");
	ck_assert_uint_eq(m->rr_count, 2);
	ck_assert_int_eq(m->rr[0].type, 5);
	ck_assert_str_eq(m->rr[0].target, "x.cdn");
	ck_assert_int_eq(m->rr[1].type, 1);
	ck_assert_str_eq(m->rr[1].owner, "x.cdn");
	ck_assert_int_eq(m->rr[1].addr[3], 1);
	/* ESC and '.' inside a label come out as \DDD */
	ck_assert_int_eq(cap_dns_parse(m, bad, sizeof(bad)), 0);
	ck_assert_str_eq(m->qname, "a\\027\\046");
	/* truncated anywhere: never a crash, at most a partial result */
	{
		size_t n;

		for (n = 0; n < sizeof(msg); n++)
			cap_dns_parse(m, msg, n);
	}
	free(m);
}
END_TEST

START_TEST(test_capture_dns_long_name_refused)
{
	uint8_t msg[12 + 2 * 200 + 1 + 4];
	struct cap_dns_msg *m = malloc(sizeof(*m));
	size_t o = 12, i;

	memset(msg, 0, sizeof(msg));
	msg[2] = 0x81;
	msg[5] = 1;
	for (i = 0; i < 200; i++) {
		msg[o++] = 1;
		msg[o++] = 'a';
	}
	msg[o++] = 0;
	msg[o + 1] = 1;
	msg[o + 3] = 1;
	ck_assert_int_eq(cap_dns_parse(m, msg, sizeof(msg)), -1);
	free(m);
}
END_TEST

/* ---- TLS / HTTP ---- */

static size_t make_hello(uint8_t *p, const char *sni, int ech)
{
	size_t o = 9, sl = strlen(sni), hs_start = 5, ext;

	p[0] = 22; p[1] = 3; p[2] = 1;
	p[5] = 1;
	memset(p + o, 3, 2);
	o += 2;
	memset(p + o, 7, 32);
	o += 32;
	p[o++] = 0;           /* session id */
	p[o++] = 0; p[o++] = 2; p[o++] = 0x13; p[o++] = 1;
	p[o++] = 1; p[o++] = 0;
	ext = o;
	o += 2;
	p[o++] = 0; p[o++] = 0;
	p[o++] = 0; p[o++] = (uint8_t)(sl + 5);
	p[o++] = 0; p[o++] = (uint8_t)(sl + 3);
	p[o++] = 0; p[o++] = 0; p[o++] = (uint8_t)sl;
	memcpy(p + o, sni, sl);
	o += sl;
	if (ech) {
		p[o++] = 0xfe; p[o++] = 0x0d; p[o++] = 0; p[o++] = 1; p[o++] = 0;
	}
	p[ext] = (uint8_t)((o - ext - 2) >> 8);
	p[ext + 1] = (uint8_t)(o - ext - 2);
	p[hs_start + 1] = 0;
	p[hs_start + 2] = (uint8_t)((o - hs_start - 4) >> 8);
	p[hs_start + 3] = (uint8_t)(o - hs_start - 4);
	p[3] = (uint8_t)((o - 5) >> 8);
	p[4] = (uint8_t)(o - 5);
	return o;
}

START_TEST(test_capture_tls_hello_split_and_ech)
{
	uint8_t buf[512];
	struct cap_hello_info h;
	size_t n = make_hello(buf, "Registry.NPMJS.org", 0), k;

	ck_assert_int_eq(cap_tls_client_hello(&h, buf, n), CAP_HELLO_FOUND);
	ck_assert_str_eq(h.sni, "registry.npmjs.org");
	ck_assert_int_eq(h.ech, 0);
	/* every prefix is "more", never a wrong answer */
	for (k = 0; k < n; k++)
		ck_assert_int_eq(cap_tls_client_hello(&h, buf, k), CAP_HELLO_MORE);
	n = make_hello(buf, "public.example", 1);
	ck_assert_int_eq(cap_tls_client_hello(&h, buf, n), CAP_HELLO_FOUND);
	ck_assert_int_eq(h.ech, 1);
	ck_assert_str_eq(h.sni, "public.example");
}
END_TEST

static int count_records(void *ctx, const uint8_t *hs, size_t hl)
{
	(void)hs;
	(void)hl;
	return ++*(int *)ctx == 2 ? CAP_HELLO_FOUND : CAP_HELLO_MORE;
}

/* The one walk of TLS records that both the ClientHello and the server's
 * certificate are read through: a message split over records comes out
 * whole; anything but a handshake record ends it. */
START_TEST(test_capture_tls_records_gather)
{
	uint8_t one[512], two[600], hs[1024];
	struct cap_hello_info h;
	size_t n = make_hello(one, "split.example", 0), body = n - 5, half = body / 2, hl = 7;
	int calls = 0;

	/* the same handshake message in two records */
	memcpy(two, one, 5 + half);
	two[3] = (uint8_t)(half >> 8);
	two[4] = (uint8_t)half;
	two[5 + half] = 22;
	two[5 + half + 1] = 3;
	two[5 + half + 2] = 1;
	two[5 + half + 3] = (uint8_t)((body - half) >> 8);
	two[5 + half + 4] = (uint8_t)(body - half);
	memcpy(two + 10 + half, one + 5 + half, body - half);
	ck_assert_int_eq(cap_tls_records(hs, sizeof(hs), &hl, two, n + 5, NULL, NULL),
			 CAP_HELLO_MORE);
	ck_assert_uint_eq(hl, body);
	ck_assert_mem_eq(hs, one + 5, body);
	ck_assert_int_eq(cap_tls_client_hello(&h, two, n + 5), CAP_HELLO_FOUND);
	ck_assert_str_eq(h.sni, "split.example");
	/* each whole record is offered; an answer ends the walk */
	ck_assert_int_eq(cap_tls_records(hs, sizeof(hs), &hl, two, n + 5, count_records, &calls),
			 CAP_HELLO_FOUND);
	ck_assert_int_eq(calls, 2);
	/* a cut record: what arrived, and "more" */
	ck_assert_int_eq(cap_tls_records(hs, sizeof(hs), &hl, two, 5 + half + 7, NULL, NULL),
			 CAP_HELLO_MORE);
	ck_assert_uint_eq(hl, half + 2);
	/* more than the room given, an alert, a bad length: no */
	ck_assert_int_eq(cap_tls_records(hs, 10, &hl, two, n + 5, NULL, NULL), CAP_HELLO_NOT);
	two[5 + half] = 21;
	ck_assert_int_eq(cap_tls_records(hs, sizeof(hs), &hl, two, n + 5, NULL, NULL),
			 CAP_HELLO_NOT);
	two[3] = two[4] = 0;
	ck_assert_int_eq(cap_tls_records(hs, sizeof(hs), &hl, two, n + 5, NULL, NULL),
			 CAP_HELLO_NOT);
}
END_TEST

START_TEST(test_capture_tls_lying_lengths)
{
	uint8_t buf[512];
	struct cap_hello_info h;
	size_t n = make_hello(buf, "x.example", 0);

	buf[n - 9 - 1] = 200; /* server name length beyond the extension */
	ck_assert_int_eq(cap_tls_client_hello(&h, buf, n), CAP_HELLO_NOT);
	n = make_hello(buf, "x.example", 0);
	buf[7] = 0xff;        /* handshake length 64 KiB+: refused, not awaited */
	buf[6] = 0xff;
	ck_assert_int_eq(cap_tls_client_hello(&h, buf, n), CAP_HELLO_NOT);
	ck_assert_int_eq(cap_tls_client_hello(&h, (const uint8_t *)"\x17\x03\x03", 3), CAP_HELLO_NOT);
}
END_TEST

START_TEST(test_capture_http_host)
{
	char host[CAP_DNS_NAME_MAX + 1];
	static const char req[] = "POST /x HTTP/1.1\r\nX-Host: no\r\nhost:  Up.Example.COM:8080 \r\n\r\nbody";

	ck_assert_int_eq(cap_http_host(host, (const uint8_t *)req, strlen(req)), CAP_HELLO_FOUND);
	ck_assert_str_eq(host, "up.example.com");
	ck_assert_int_eq(cap_http_host(host, (const uint8_t *)"GE", 2), CAP_HELLO_MORE);
	ck_assert_int_eq(cap_http_host(host, (const uint8_t *)"GET / HTTP/1.1\r\nHo", 18), CAP_HELLO_MORE);
	ck_assert_int_eq(cap_http_host(host, (const uint8_t *)"SSH-2.0-x\r\n", 11), CAP_HELLO_NOT);
}
END_TEST

static const struct cap_http_req *req_of(const char *s)
{
	static struct cap_http_req r;

	ck_assert_int_eq(cap_http_request(&r, (const uint8_t *)s, strlen(s)), CAP_HELLO_FOUND);
	return &r;
}

START_TEST(test_capture_http_proxy_requests)
{
	const struct cap_http_req *r;
	struct cap_http_req x;
	char big[9000];

	r = req_of("CONNECT API.Example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n\x16\x03");
	ck_assert(r->connect);
	ck_assert_str_eq(r->target, "api.example.com");
	ck_assert_uint_eq(r->target_port, 443);
	ck_assert_uint_eq(r->head_len, 67);
	r = req_of("CONNECT [2001:db8::7]:8443 HTTP/1.1\r\n\r\n");
	ck_assert_str_eq(r->target, "2001:db8::7");
	ck_assert_uint_eq(r->target_port, 8443);
	/* userinfo is dropped, the scheme gives the port */
	r = req_of("GET https://user:tok@Pkg.Example.org/a?b HTTP/1.1\r\nHost: pkg.example.org\r\n\r\n");
	ck_assert(r->absolute && !r->connect);
	ck_assert_str_eq(r->target, "pkg.example.org");
	ck_assert_uint_eq(r->target_port, 443);
	r = req_of("POST http://10.0.0.9:8080 HTTP/1.0\r\n\r\n");
	ck_assert_str_eq(r->target, "10.0.0.9");
	ck_assert_uint_eq(r->target_port, 8080);
	/* origin-form is no proxy request; a bogus port is no port */
	r = req_of("GET /index.html HTTP/1.1\r\nHost: a.example\r\n\r\n");
	ck_assert(!r->absolute && !r->target[0]);
	ck_assert_str_eq(r->host, "a.example");
	r = req_of("CONNECT evil.example:99999 HTTP/1.1\r\n\r\n");
	ck_assert_str_eq(r->target, "evil.example");
	ck_assert_uint_eq(r->target_port, 0);
	/* control bytes are escaped, never passed on raw */
	r = req_of("CONNECT ev\x1b[2Jil.example:443 HTTP/1.1\r\n\r\n");
	ck_assert_ptr_null(strchr(r->target, 0x1b));
	/* a head longer than 8 KiB is judged on what is there */
	memcpy(big, "CONNECT a.example:443 HTTP/1.1\r\nX: ", 36);
	memset(big + 36, 'x', sizeof(big) - 36);
	ck_assert_int_eq(cap_http_request(&x, (const uint8_t *)big, sizeof(big)), CAP_HELLO_FOUND);
	ck_assert_str_eq(x.target, "a.example");
	ck_assert_uint_eq(x.head_len, 0);
	ck_assert_int_eq(cap_http_request(&x, (const uint8_t *)"CONNECT a:1 HTTP/1.1\r\n", 22), CAP_HELLO_MORE);
}
END_TEST

/* ---- QUIC ---- */

static int crypto_calls;
static void count_crypto(void *ctx, uint64_t off, const uint8_t *d, size_t n)
{
	(void)ctx; (void)off; (void)d; (void)n;
	crypto_calls++;
}

START_TEST(test_capture_quic_junk_does_not_decrypt)
{
	uint8_t pkt[1200], dcid[CAP_QUIC_CID_MAX];
	size_t dl = 0;

	memset(pkt, 0x5a, sizeof(pkt));
	memcpy(pkt, "\xc3\x00\x00\x00\x01\x08\x01\x02\x03\x04\x05\x06\x07\x08\x00\x00\x44\x00", 18);
	ck_assert_int_eq(cap_quic_is_initial(pkt, sizeof(pkt), dcid, &dl), 1);
	ck_assert_uint_eq(dl, 8);
	crypto_calls = 0;
	ck_assert_int_eq(cap_quic_client_initial(pkt, sizeof(pkt), dcid, dl, count_crypto, NULL), 0);
	ck_assert_int_eq(crypto_calls, 0);
	/* length beyond the datagram, DCID length beyond the packet */
	pkt[16] = 0x7f;
	pkt[17] = 0xff;
	ck_assert_int_eq(cap_quic_client_initial(pkt, 40, dcid, dl, count_crypto, NULL), 0);
	pkt[5] = 21;
	ck_assert_int_eq(cap_quic_is_initial(pkt, sizeof(pkt), dcid, &dl), 0);
}
END_TEST

START_TEST(test_capture_quic_rfc_key_vectors)
{
	/* RFC 9001 Appendix A.1 and RFC 9369 Appendix A.1: DCID 8394c8f03e515708 */
	static const uint8_t dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };
	uint8_t key[16], iv[12], hp[16];
	char hex[33];

	ck_assert_int_eq(cap_quic_initial_keys(key, iv, hp, 0x00000001u, dcid, 8), 0);
	cairn_hex(hex, key, 16);
	ck_assert_str_eq(hex, "1f369613dd76d5467730efcbe3b1a22d");
	cairn_hex(hex, iv, 12);
	ck_assert_str_eq(hex, "fa044b2f42a3fd3b46fb255c");
	cairn_hex(hex, hp, 16);
	ck_assert_str_eq(hex, "9f50449e04a0e810283a1e9933adedd2");
	ck_assert_int_eq(cap_quic_initial_keys(key, iv, hp, 0x6b3343cfu, dcid, 8), 0);
	cairn_hex(hex, key, 16);
	ck_assert_str_eq(hex, "8b1a0bc121284290a29e0971b5cd045d");
	cairn_hex(hex, iv, 12);
	ck_assert_str_eq(hex, "91f73e2351d8fa91660e909f");
	cairn_hex(hex, hp, 16);
	ck_assert_str_eq(hex, "45b95e15235d6f45a6b19cbcb0294ba9");
}
END_TEST

START_TEST(test_capture_quic_v1_v2_fixture)
{
	cairn_capture_result *r = analyse1(fx("quic.pcap"), 300, 0);
	const struct cairn_capture_host *h;

	h = total(r, "quic-v1.example");
	ck_assert_ptr_nonnull(h);
	ck_assert(has_source(h, "quic-v1.example", "quic-sni"));
	h = total(r, "quic-v2.example");
	ck_assert_ptr_nonnull(h);
	ck_assert(has_source(h, "quic-v2.example", "quic-sni"));
	cairn_capture_result_free(r);
}
END_TEST

/* ---- engine ---- */

START_TEST(test_capture_engine_basic_story)
{
	cairn_capture_result *r = analyse1(fx("basic.pcap"), 60, 0);
	const struct cairn_capture_host *h;
	size_t i, api_rows = 0;

	ck_assert_str_eq(r->local_rule, "observed");
	ck_assert_uint_eq(r->local_count, 2); /* not the inbound SSH client */
	ck_assert_uint_eq(r->stats.bad_checksums, 1);
	/* SNI over a hello split into 100-byte segments, DNS chain kept */
	h = total(r, "registry.npmjs.org");
	ck_assert_ptr_nonnull(h);
	ck_assert(has_source(h, "registry.npmjs.org", "tls-sni"));
	ck_assert(has_source(h, "registry.npmjs.org", "dns"));
	ck_assert_uint_eq(h->names[0].chain_count, 2);
	ck_assert_str_eq(h->names[0].chain[1], "registry.npmjs.org.cdn.cloudflare.net");
	ck_assert_int_eq(h->direct_ip, 0);
	/* the same CDN address answered later for another name */
	h = total(r, "docs.example.org");
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h->addresses[0], "104.16.1.34");
	/* Host header, lowercased, port dropped */
	ck_assert_ptr_nonnull(total(r, "plain.example.net"));
	/* nothing names it: direct to IP */
	h = total(r, "203.0.113.9");
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(h->direct_ip, 1);
	ck_assert_int_eq(h->by_address, 1);
	/* ECH: outer name, marked */
	h = total(r, "cloudflare-ech.com");
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(h->ech_outer, 1);
	/* inbound SSH is not outbound */
	ck_assert_ptr_null(total(r, "10.1.0.5"));
	ck_assert_ptr_null(total(r, "192.0.2.200"));
	/* the long connection: 4 windows, the third one idle, still open */
	for (i = 0; i < r->row_count; i++) {
		if (strcmp(r->rows[i].host, "api.github.com"))
			continue;
		api_rows++;
		ck_assert_uint_eq(r->rows[i].connections, 1);
		if (api_rows == 3) {
			ck_assert_uint_eq(r->rows[i].packets_out + r->rows[i].packets_in, 0);
			ck_assert_int_eq(r->rows[i].first_ns, -1);
		}
	}
	ck_assert_uint_eq(api_rows, 4);
	h = total(r, "api.github.com");
	ck_assert_uint_eq(h->bytes_in, 1349);
	ck_assert_uint_eq(h->bytes_out, 1579);
	cairn_capture_result_free(r);
}
END_TEST

START_TEST(test_capture_engine_link_types)
{
	static const char *const types[] = { "sll", "sll2", "raw", "null", "loop", "qinq", "ipv6" };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char name[64];
		cairn_capture_result *r;
		const struct cairn_capture_host *h;

		snprintf(name, sizeof(name), "link-%s.pcap", types[i]);
		r = analyse1(fx(name), 300, 0);
		h = total(r, "www.link.example");
		ck_assert_msg(h != NULL, "%s: no host", types[i]);
		ck_assert(has_source(h, "www.link.example", "tls-sni"));
		ck_assert(has_source(h, "link.example", "dns"));
		cairn_capture_result_free(r);
	}
}
END_TEST

START_TEST(test_capture_engine_pcapng_mixed_links)
{
	cairn_capture_result *r = analyse1(fx("multilink.pcapng"), 300, 0);
	const struct cairn_capture_host *h = total(r, "tls.multi.example");

	ck_assert_ptr_nonnull(h);
	ck_assert(has_source(h, "multi.example", "dns"));
	ck_assert_uint_eq(r->stats.packets, 12);
	/* the interface with ns resolution keeps its nanoseconds */
	ck_assert_int_eq(r->stats.first_ns % 1000000000LL, 123456000);
	ck_assert_int_eq(h->first_ns % 1000, 789);
	cairn_capture_result_free(r);
}
END_TEST

START_TEST(test_capture_engine_tcp_dns_and_binding)
{
	cairn_capture_result *r = analyse1(fx("tcpdns.pcap"), 300, 0);
	const struct cairn_capture_host *h;

	/* answers over TCP, two in a segment and one split over two */
	ck_assert_uint_eq(r->dns_count, 3);
	/* the connection opened after first.example's answer keeps that name
	 * although second.example rebound the address while it was open */
	h = total(r, "first.example");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->connections, 1);
	ck_assert_uint_eq(h->packets_out, 7);
	h = total(r, "second.example");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->connections, 1);
	h = total(r, "third.example");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->names[0].chain_count, 2);
	cairn_capture_result_free(r);
}
END_TEST

START_TEST(test_capture_engine_fragments)
{
	cairn_capture_result *r = analyse1(fx("frag.pcap"), 300, 1);
	size_t i, k;

	ck_assert_uint_eq(r->stats.fragments, 5);
	ck_assert_uint_eq(r->stats.unattributed_fragments, 1);
	ck_assert_uint_eq(r->total_count, 2);
	for (i = 0; i < r->total_count; i++) {
		ck_assert_uint_eq(r->totals[i].port_count, 1);
		for (k = 0; k < r->totals[i].port_count; k++) {
			ck_assert_str_ne(r->totals[i].ports[k], "udp/53");
			ck_assert_str_ne(r->totals[i].ports[k], "udp/443");
		}
		ck_assert_uint_eq(r->totals[i].packets_out, 2); /* later fragment counted */
	}
	cairn_capture_result_free(r);
}
END_TEST

START_TEST(test_capture_engine_truncated_and_compressed)
{
	struct cairn_capture_opts o = { 0, NULL, 0, 0 };
	const char *p[1];
	cairn_capture *c;
	cairn_capture_result *a, *b;
	cairn_buf ja = CAIRN_BUF_INIT, jb = CAIRN_BUF_INIT;

	cairn_capture_new(&c, &o);
	p[0] = fx("truncated.pcap");
	ck_assert_int_eq(cairn_capture_read(c, p, 1), 0);
	ck_assert_uint_eq(cairn_capture_warning_count(c), 1);
	ck_assert_ptr_nonnull(strstr(cairn_capture_warning(c, 0), "partial last record"));
	cairn_capture_finish(&a, c);
	ck_assert_uint_eq(a->stats.packets, 80);
	cairn_capture_free(c);
	cairn_capture_result_free(a);

	a = analyse1(fx("basic.pcap.gz"), 300, 0);
	b = analyse1(fx("basic.pcap.zst"), 300, 0);
	cairn_capture_write_json(&ja, a, NULL, 0, 0);
	cairn_capture_write_json(&jb, b, NULL, 0, 0);
	ck_assert_str_eq(ja.data, jb.data);
	cairn_capture_result_free(b);
	b = analyse1(fx("basic.pcap"), 300, 0);
	cairn_buf_clear(&jb);
	cairn_capture_write_json(&jb, b, NULL, 0, 0);
	ck_assert_str_eq(ja.data, jb.data);
	cairn_buf_release(&ja);
	cairn_buf_release(&jb);
	cairn_capture_result_free(a);
	cairn_capture_result_free(b);
}
END_TEST

START_TEST(test_capture_engine_merge_is_order_free)
{
	const char *ab[2], *ba[2];
	cairn_capture_result *r1, *r2;
	cairn_buf j1 = CAIRN_BUF_INIT, j2 = CAIRN_BUF_INIT;
	char a[4096], b[4096];

	snprintf(a, sizeof(a), "%s", fx("quic.pcap"));
	snprintf(b, sizeof(b), "%s", fx("basic.pcap"));
	ab[0] = a; ab[1] = b;
	ba[0] = b; ba[1] = a;
	r1 = analyse(ab, 2, 300, 0, 0);
	r2 = analyse(ba, 2, 300, 0, 0);
	cairn_capture_write_json(&j1, r1, NULL, 0, 0);
	cairn_capture_write_json(&j2, r2, NULL, 0, 0);
	ck_assert_str_eq(j1.data, j2.data);
	ck_assert_ptr_nonnull(total(r1, "quic-v1.example"));
	ck_assert_ptr_nonnull(total(r1, "registry.npmjs.org"));
	cairn_buf_release(&j1);
	cairn_buf_release(&j2);
	cairn_capture_result_free(r1);
	cairn_capture_result_free(r2);
}
END_TEST

START_TEST(test_capture_engine_hostile_input)
{
	cairn_capture_result *r = analyse1(fx("hostile.pcap"), 300, 1);
	size_t i;

	ck_assert_uint_eq(r->stats.packets, 22);
	ck_assert_uint_ge(r->stats.malformed, 2);
	for (i = 0; i < r->total_count; i++)
		ck_assert_int_eq(r->totals[i].name_count, 0); /* nothing believed */
	cairn_capture_result_free(r);
}
END_TEST

/* Capture files carry their own clock: times a crafted file gives before
 * 1970 or past 2099 are counted and left out, never wrapped around into
 * windows (UBSan found the signed overflow through fuzz_capture). */
START_TEST(test_capture_engine_bad_timestamps)
{
	/* raw IPv4 (LINKTYPE_RAW), TCP SYN 10.0.0.1:40000 -> 203.0.113.9:443 */
	static const uint8_t syn[] = {
		0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 203, 0, 113, 9,
		0x9c, 0x40, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0
	};
	static const int64_t bad[] = {
		-1, INT64_MIN, CAIRN_CAPTURE_TS_MAX, INT64_MAX, -7684386660000000000LL
	};
	struct cairn_capture_opts o = { 60 * 1000000000LL, NULL, 1, 0 };
	const int64_t t1 = 1767261602125456000LL, t2 = t1 + 600 * 1000000000LL;
	cairn_capture *c;
	cairn_capture_result *r = NULL;
	size_t i, warned = 0;

	ck_assert_int_eq(cairn_capture_new(&c, &o), 0);
	cairn_capture_feed(c, 101, t1, syn, sizeof(syn));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cairn_capture_feed(c, 101, bad[i], syn, sizeof(syn));
	cairn_capture_feed(c, 101, t2, syn, sizeof(syn));
	ck_assert_int_eq(cairn_capture_finish(&r, c), 0);
	cairn_capture_free(c);
	ck_assert_uint_eq(r->stats.packets, 7);
	ck_assert_uint_eq(r->stats.bad_timestamps, 5);
	ck_assert_int_eq(r->stats.first_ns, t1);
	ck_assert_int_eq(r->stats.last_ns, t2);
	ck_assert_ptr_nonnull(total(r, "203.0.113.9"));
	for (i = 0; i < r->row_count; i++)
		ck_assert(r->rows[i].window_ns >= t1 - 60 * 1000000000LL &&
			  r->rows[i].window_ns <= t2);
	for (i = 0; i < r->warning_count; i++)
		warned += strstr(r->warnings[i], "5 packets not analysed: timestamp") != NULL;
	ck_assert_uint_eq(warned, 1);
	cairn_capture_result_free(r);
}
END_TEST

START_TEST(test_capture_engine_bad_files)
{
	struct cairn_capture_opts o = { 0, "tcp port (", 0, 0 };
	const char *p[1];
	cairn_capture *c;

	cairn_capture_new(&c, NULL);
	p[0] = "/dev/null";
	ck_assert_int_eq(cairn_capture_read(c, p, 1), CAIRN_EIO);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "/dev/null"));
	p[0] = fx("does-not-exist.pcap");
	ck_assert_int_eq(cairn_capture_read(c, p, 1), CAIRN_EIO);
	p[0] = getenv("CAIRN_SRC") ? fx("../../unit/check_capture.c") : "tests/unit/check_capture.c";
	ck_assert_int_eq(cairn_capture_read(c, p, 1), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "not a pcap"));
	cairn_capture_free(c);
	cairn_capture_new(&c, &o);
	p[0] = fx("basic.pcap");
	ck_assert_int_eq(cairn_capture_read(c, p, 1), CAIRN_EUSAGE);
	cairn_capture_free(c);
}
END_TEST

/* ---- allowlist, durations ---- */

START_TEST(test_capture_allowlist_rules)
{
	static const char text[] = "# comment\n registry.npmjs.org \n*.githubusercontent.com # x\n"
		"203.0.113.0/24\n2001:db8::/32\n\n";
	cairn_capture_allow *a;
	cairn_capture_result *r;

	ck_assert_int_eq(cairn_capture_allow_parse(&a, text, strlen(text), "t"), 0);
	ck_assert(cairn_capture_allow_name(a, "registry.npmjs.org"));
	ck_assert(!cairn_capture_allow_name(a, "evil-registry.npmjs.org"));
	ck_assert(cairn_capture_allow_name(a, "raw.githubusercontent.com"));
	ck_assert(cairn_capture_allow_name(a, "a.b.githubusercontent.com"));
	ck_assert(cairn_capture_allow_name(a, "githubusercontent.com"));
	ck_assert(!cairn_capture_allow_name(a, "com"));
	ck_assert(!cairn_capture_allow_name(a, "xgithubusercontent.com"));
	ck_assert(cairn_capture_allow_address(a, "203.0.113.9"));
	ck_assert(!cairn_capture_allow_address(a, "203.0.114.9"));
	ck_assert(cairn_capture_allow_address(a, "2001:db8:140::5"));
	/* one matcher for a host of any kind (tool-call arguments, rules):
	 * what parses as an address is matched as one, the rest by name */
	ck_assert(cairn_capture_allow_host(a, "203.0.113.9"));
	ck_assert(cairn_capture_allow_host(a, "2001:db8:140::5"));
	ck_assert(!cairn_capture_allow_host(a, "203.0.114.9"));
	ck_assert(cairn_capture_allow_host(a, "raw.githubusercontent.com"));
	ck_assert(!cairn_capture_allow_host(a, "203.0.113.9.evil.example"));
	ck_assert(!cairn_capture_allow_host(a, "[2001:db8:140::5]"));
	ck_assert(!cairn_capture_allow_host(a, "registry.npmjs.org:443"));
	ck_assert(!cairn_capture_allow_host(a, ""));
	ck_assert(!cairn_capture_allow_host(a, NULL));

	r = analyse1(fx("basic.pcap"), 300, 0);
	/* docs, plain, ech, npm (allowed), api.github.com (allowed by
	 * address), 203.0.113.9 (allowed); the resolvers 10.1.0.1 and
	 * 2001:db8:1::1 are the usual ones: infrastructure, allowed */
	ck_assert_uint_eq(cairn_capture_result_apply_allow(r, a), 3);
	ck_assert_uint_eq(r->resolver_count, 2);
	ck_assert_int_eq(r->resolvers[0].allowed, 1);
	ck_assert_int_eq(r->resolvers[0].unusual, 0);
	ck_assert_int_eq(total(r, "registry.npmjs.org")->allowed, 1);
	ck_assert_int_eq(total(r, "api.github.com")->allowed, 1);
	ck_assert_int_eq(total(r, "docs.example.org")->allowed, 0);
	cairn_capture_result_free(r);
	cairn_capture_allow_free(a);

	ck_assert_int_eq(cairn_capture_allow_parse(&a, "ok.example\nbad host\n", 20, "f.txt"), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "f.txt': line 2"));
	ck_assert_int_eq(cairn_capture_allow_parse(&a, "10.0.0.0/33\n", 12, "f.txt"), CAIRN_EFORMAT);
}
END_TEST

START_TEST(test_capture_duration_parse)
{
	int64_t ns;

	ck_assert_int_eq(cairn_capture_parse_duration(&ns, "1m"), 0);
	ck_assert_int_eq(ns, 60000000000LL);
	ck_assert_int_eq(cairn_capture_parse_duration(&ns, "30"), 0);
	ck_assert_int_eq(ns, 30000000000LL);
	ck_assert_int_eq(cairn_capture_parse_duration(&ns, "2h"), 0);
	ck_assert_int_eq(cairn_capture_parse_duration(&ns, "0m"), CAIRN_EUSAGE);
	ck_assert_int_eq(cairn_capture_parse_duration(&ns, "-5m"), CAIRN_EUSAGE);
	ck_assert_int_eq(cairn_capture_parse_duration(&ns, "5x"), CAIRN_EUSAGE);
	ck_assert_int_eq(cairn_capture_parse_duration(&ns, "99999999999d"), CAIRN_EUSAGE);
}
END_TEST

/* ---- the real captures (skipped when ../shared/data is absent) ---- */

START_TEST(test_capture_real_captures)
{
	static const struct { const char *file, *host, *source; int all; } want[] = {
		{ "tls_tls-conn-with-extensions.pcap", "ssl.gstatic.com", "tls-sni", 0 },
		{ "tls_chrome-34-google.pcap", "google.de", "tls-sni", 0 },
		{ "tls_tls13-ech.pcap", "cloudflare-ech.com", "tls-sni-ech-outer", 0 },
		{ "tls_google-cert-repeat.pcap", "www.google.com", "tls-sni", 0 },
		{ "tls_ocsp-http-get.pcap", "clients1.google.com", "http-host", 0 },
		{ "quic_curl-8.1.2-dev-http3-www-google-de.pcap", "www.google.de", "quic-sni", 0 },
		{ "quic_quic-multiple-initial-fragmented-crypto.pcap", "googleads.g.doubleclick.net", NULL, 0 },
		{ "quic_quicv2-echo-443.pcap", "localhost", "quic-sni", 1 },
		{ "http-vlan-0.pcap", "bro.org", "http-host", 0 },
	};
	char path[4096];
	size_t i, k, found = 0;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cairn_capture_result *r;
		const struct cairn_capture_host *h;

		if (!shared(path, sizeof(path), want[i].file))
			continue;
		found++;
		r = analyse1(path, 300, want[i].all);
		h = total(r, want[i].host);
		ck_assert_msg(h != NULL, "%s: %s not found", want[i].file, want[i].host);
		if (want[i].source)
			ck_assert_msg(has_source(h, want[i].host, want[i].source), "%s: source", want[i].file);
		else /* Chrome sends a GREASE ECH extension in QUIC */
			ck_assert(has_source(h, want[i].host, "quic-sni") ||
				has_source(h, want[i].host, "quic-sni-ech-outer"));
		cairn_capture_result_free(r);
	}
	/* DNS: CNAME chain and many answers, from a two-interface pcapng */
	if (shared(path, sizeof(path), "pcapng-multi-interface.pcapng")) {
		cairn_capture_result *r = analyse1(path, 300, 0);
		size_t v4 = 0, v6 = 0;

		found++;
		for (i = 0; i < r->dns_count; i++) {
			if (!strcmp(r->dns[i].name, "www.apple.com")) {
				ck_assert_uint_eq(r->dns[i].address_count, 1);
				ck_assert_str_eq(r->dns[i].addresses[0], "23.194.101.24");
				ck_assert_str_eq(r->dns[i].chain[r->dns[i].chain_count - 1],
					"e6858.dsce9.akamaiedge.net");
			}
			if (!strcmp(r->dns[i].name, "google.com")) {
				for (k = 0; k < r->dns[i].address_count; k++) {
					if (strchr(r->dns[i].addresses[k], ':'))
						v6++;
					else
						v4++;
				}
			}
		}
		ck_assert_uint_eq(v4, 6);
		ck_assert_uint_eq(v6, 4);
		cairn_capture_result_free(r);
	}
	if (shared(path, sizeof(path), "dns-two-responses.pcap")) {
		cairn_capture_result *r = analyse1(path, 300, 0);

		/* tshark lists every A/AAAA of the packet; the two answers give
		 * www.cmu.edu (through two CNAMEs) one address, the others are
		 * glue of its name servers and belong to them */
		found++;
		ck_assert_uint_eq(r->dns_count, 3);
		ck_assert_str_eq(r->dns[2].name, "www.cmu.edu");
		ck_assert_uint_eq(r->dns[2].address_count, 1);
		ck_assert_str_eq(r->dns[2].addresses[0], "128.2.10.163");
		ck_assert_uint_eq(r->dns[2].chain_count, 3);
		ck_assert_str_eq(r->dns[0].name, "nsauth1.net.cmu.edu");
		ck_assert_str_eq(r->dns[0].addresses[0], "128.2.1.8");
		ck_assert_str_eq(r->dns[0].addresses[1], "2607:fb28::4");
		ck_assert_str_eq(r->dns[1].addresses[0], "128.237.148.168");
		cairn_capture_result_free(r);
	}
	if (shared(path, sizeof(path), "ipv6-fragmented-dns.pcap")) {
		cairn_capture_result *r = analyse1(path, 300, 0);

		found++;
		for (i = 0; i < r->total_count; i++)
			for (k = 0; k < r->totals[i].port_count; k++)
				ck_assert_str_eq(r->totals[i].ports[k], "udp/53");
		cairn_capture_result_free(r);
	}
	if (!found)
		fprintf(stderr, "check_capture: ../shared/data/pcaps absent, real captures skipped\n");
}
END_TEST

START_TEST(test_capture_real_hostile_captures)
{
	static const char *const files[] = {
		"quic_vector-max-size-crash.pcap", "dns_max-compression-depth.pcap",
		"dns_dns-invalid-names.pcap", "linux_dlt_sll2.pcap", "dns_long-connection.pcap"
	};
	char path[4096];
	size_t i, k;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cairn_capture_result *r;
		cairn_buf text = CAIRN_BUF_INIT;

		if (!shared(path, sizeof(path), files[i]))
			continue;
		r = analyse1(path, 300, 1);
		cairn_capture_write_text(&text, r, 0);
		for (k = 0; k < text.len; k++) /* nothing a terminal would obey */
			ck_assert(text.data[k] == '\n' || (text.data[k] >= 0x20 && text.data[k] < 0x7f));
		if (i == 0)
			ck_assert_uint_eq(r->totals[0].name_count, 0);
		if (i == 3)
			ck_assert_uint_eq(r->total_count, 0); /* ICMP and ARP only */
		if (i == 4) { /* the MX answer's additional A records, by owner */
			ck_assert_uint_eq(r->dns_count, 8);
			ck_assert_str_eq(r->dns[0].name, "smtp1.google.com");
			ck_assert_str_eq(r->dns[0].addresses[0], "216.239.57.25");
			ck_assert_str_eq(r->dns[5].name, "smtp6.google.com");
		}
		cairn_buf_release(&text);
		cairn_capture_result_free(r);
	}
}
END_TEST

Suite *capture_suite(void);

Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_test(tc, test_capture_decode_later_fragment_has_no_ports);
	tcase_add_test(tc, test_capture_decode_ipv6_extension_headers);
	tcase_add_test(tc, test_capture_decode_vlan_and_checksum);
	suite_add_tcase(s, tc);
	tc = tcase_create("dns");
	tcase_add_test(tc, test_capture_dns_compression_loop);
	tcase_add_test(tc, test_capture_dns_cname_chain_and_escaping);
	tcase_add_test(tc, test_capture_dns_long_name_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("hello");
	tcase_add_test(tc, test_capture_tls_hello_split_and_ech);
	tcase_add_test(tc, test_capture_tls_lying_lengths);
	tcase_add_test(tc, test_capture_tls_records_gather);
	tcase_add_test(tc, test_capture_http_host);
	tcase_add_test(tc, test_capture_http_proxy_requests);
	suite_add_tcase(s, tc);
	tc = tcase_create("quic");
	tcase_add_test(tc, test_capture_quic_junk_does_not_decrypt);
	tcase_add_test(tc, test_capture_quic_rfc_key_vectors);
	tcase_add_test(tc, test_capture_quic_v1_v2_fixture);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine");
	tcase_add_test(tc, test_capture_engine_basic_story);
	tcase_add_test(tc, test_capture_engine_link_types);
	tcase_add_test(tc, test_capture_engine_pcapng_mixed_links);
	tcase_add_test(tc, test_capture_engine_tcp_dns_and_binding);
	tcase_add_test(tc, test_capture_engine_fragments);
	tcase_add_test(tc, test_capture_engine_truncated_and_compressed);
	tcase_add_test(tc, test_capture_engine_merge_is_order_free);
	tcase_add_test(tc, test_capture_engine_hostile_input);
	tcase_add_test(tc, test_capture_engine_bad_timestamps);
	tcase_add_test(tc, test_capture_engine_bad_files);
	suite_add_tcase(s, tc);
	tc = tcase_create("allow");
	tcase_add_test(tc, test_capture_allowlist_rules);
	tcase_add_test(tc, test_capture_duration_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("real");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_capture_real_captures);
	tcase_add_test(tc, test_capture_real_hostile_captures);
	suite_add_tcase(s, tc);
	return s;
}
