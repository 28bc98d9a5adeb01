/*
 * capture_int.h - internals shared by the lib/capture*.c files (not a public
 * header: tools use capture.h).  Pure parsers of untrusted bytes; none of
 * them allocates except where noted, all of them bound their work.
 */
#ifndef CAIRN_CAPTURE_INT_H
#define CAIRN_CAPTURE_INT_H

#include <stddef.h>
#include <stdint.h>

/* Link types we decode (LINKTYPE_* values; DLT_* aliases where they differ). */
#define CAP_LT_NULL 0
#define CAP_LT_EN10MB 1
#define CAP_LT_RAW_DLT12 12
#define CAP_LT_RAW_DLT14 14
#define CAP_LT_RAW 101
#define CAP_LT_LOOP 108
#define CAP_LT_SLL 113
#define CAP_LT_IPV4 228
#define CAP_LT_IPV6 229
#define CAP_LT_SLL2 276
#define CAP_LT_NFLOG 239

enum cap_frag {
	CAP_FRAG_NONE = 0,
	CAP_FRAG_FIRST = 1,  /* offset 0, more fragments follow */
	CAP_FRAG_LATER = 2   /* offset > 0: no transport header here */
};

#define CAP_TCP_FIN 0x01
#define CAP_TCP_SYN 0x02
#define CAP_TCP_RST 0x04
#define CAP_TCP_ACK 0x10

/* One decoded packet; pointers point into the caller's packet bytes. */
struct cap_pkt {
	uint8_t ipver;        /* 4 or 6 */
	uint8_t proto;        /* IPPROTO_TCP/UDP/other; 0 when unknown */
	uint8_t has_ports;    /* 0 for later fragments and non-TCP/UDP */
	uint8_t frag;         /* enum cap_frag */
	uint8_t tcp_flags;
	uint8_t bad_checksum; /* verified and wrong (offload is common) */
	uint8_t has_uid, has_gid; /* NFLOG: the socket owner's uid / gid */
	uint32_t uid, gid;
	uint8_t src[16], dst[16]; /* IPv4 uses the first 4 bytes */
	uint16_t sport, dport;
	uint32_t frag_id;
	uint32_t seq;
	uint32_t ip_len;      /* bytes at the IP layer, from the IP header */
	const uint8_t *payload; /* transport payload actually captured */
	size_t payload_len;
	const uint8_t *l4;    /* whole transport segment when fully captured */
	size_t l4_len;        /* (not a fragment), else NULL / 0 */
};

/* cap_decode results */
#define CAP_DEC_OK 0
#define CAP_DEC_NOT_IP 1     /* ARP, unknown ethertype, unknown link type */
#define CAP_DEC_MALFORMED 2  /* claims more than it holds, bad version ... */

/*
 * Decode link, IP (v4, v6 with extension headers) and TCP/UDP headers.
 * verify: also check the IPv4 header checksum (sets bad_checksum, never
 * rejects for it).
 */
int cap_decode(struct cap_pkt *p, int linktype, const uint8_t *d, size_t caplen,
	int verify);

/* Check the TCP/UDP checksum of a decoded packet (RFC 768, RFC 9293 §3.1)
 * when it was captured whole: 1 bad, 0 good, -1 cannot tell. */
int cap_verify_l4(const struct cap_pkt *p);

/* --- DNS (RFC 1035) --- */
#define CAP_DNS_NAME_MAX 1024 /* presentation form of a 255-octet name, escaped */
#define CAP_DNS_MAX_RR 64

struct cap_dns_rr {
	uint16_t type;        /* 1 A, 28 AAAA, 5 CNAME */
	char owner[CAP_DNS_NAME_MAX + 1];
	char target[CAP_DNS_NAME_MAX + 1]; /* CNAME target */
	uint8_t addr[16];
};

struct cap_dns_msg {
	int is_response;
	int rcode;
	char qname[CAP_DNS_NAME_MAX + 1]; /* "" when no question */
	uint16_t qtype;
	unsigned rr_count;    /* A, AAAA and CNAME records kept (answer+additional) */
	struct cap_dns_rr rr[CAP_DNS_MAX_RR];
};

/* Parse a DNS message; 0 when at least the header and question parsed,
 * -1 otherwise.  Records after a malformed one are dropped. */
int cap_dns_parse(struct cap_dns_msg *m, const uint8_t *msg, size_t len);

/* Write the presentation form of raw name bytes (one label, or a
 * dotted host name from SNI/Host) into out: lowercase ASCII, anything
 * outside [a-z0-9-_.*] written as \DDD (RFC 1035 §5.1).  out has
 * CAP_DNS_NAME_MAX + 1 bytes; returns 0, -1 when it does not fit. */
int cap_name_present(char *out, const uint8_t *p, size_t n, int dots_are_separators);

/* --- TLS ClientHello (RFC 8446 §4.1.2, RFC 6066 §3) and HTTP/1.x --- */
enum cap_hello {
	CAP_HELLO_MORE = 0,   /* not enough bytes yet */
	CAP_HELLO_FOUND = 1,  /* parsed; sni may be "" (no server_name) */
	CAP_HELLO_NOT = 2     /* not a ClientHello / not HTTP / malformed */
};

struct cap_hello_info {
	char sni[CAP_DNS_NAME_MAX + 1];
	int ech;              /* encrypted_client_hello extension present */
};

/*
 * The handshake stream of the TLS records at the start of p[0..n) (RFC
 * 5246 §6.2.1, RFC 8446 §5.1: a handshake message may span records):
 * each record's fragment appended to hs (cap bytes), *hl its length.
 * each (may be NULL) is called after every whole record; a result other
 * than CAP_HELLO_MORE ends the walk with it.  CAP_HELLO_NOT for a record
 * that is not a TLS handshake record, a bad length, or a stream past
 * cap; CAP_HELLO_MORE when the records ran out (the last may be cut).
 */
int cap_tls_records(uint8_t *hs, size_t cap, size_t *hl, const uint8_t *p, size_t n,
		    int (*each)(void *ctx, const uint8_t *hs, size_t hl), void *ctx);
/* From the first bytes of a TCP stream (TLS records). */
int cap_tls_client_hello(struct cap_hello_info *out, const uint8_t *p, size_t n);
/* From a handshake stream (QUIC CRYPTO data: no record layer). */
int cap_tls_handshake_hello(struct cap_hello_info *out, const uint8_t *p, size_t n);
/* HTTP/1.x request: Host header without port. */
int cap_http_host(char *host, const uint8_t *p, size_t n);

/* An HTTP/1.x request head (RFC 9112 §3): the Host header and, for a
 * proxy, the host the request asks for: CONNECT's authority or an
 * absolute-form URI's host (userinfo dropped, IPv6 without brackets). */
struct cap_http_req {
	char host[CAP_DNS_NAME_MAX + 1];   /* Host header, port removed; "" */
	char target[CAP_DNS_NAME_MAX + 1]; /* CONNECT / absolute-form host; "" */
	uint16_t target_port;              /* its port (absolute-form: 80/443
	                                    * by scheme when none); 0 unknown */
	int connect;                       /* method CONNECT */
	int absolute;                      /* absolute-form target */
	size_t head_len;                   /* bytes through the blank line;
	                                    * 0 when it was not seen */
};
int cap_http_request(struct cap_http_req *out, const uint8_t *p, size_t n);

/* --- QUIC Initial packets (RFC 9000 §17.2.2, RFC 9001 §5, RFC 9369) --- */
#define CAP_QUIC_CID_MAX 20

typedef void (*cap_quic_crypto_fn)(void *ctx, uint64_t offset,
	const uint8_t *data, size_t len);

/* The client Initial key, IV and header-protection key for a version
 * (0x00000001 or 0x6b3343cf) and DCID; 0, or -1 when OpenSSL fails. */
int cap_quic_initial_keys(uint8_t key[16], uint8_t iv[12], uint8_t hp[16], uint32_t version,
	const uint8_t *dcid, size_t dcid_len);

/* 1 if the UDP payload starts with a QUIC long header of a version we know
 * (v1, v2) with packet type Initial; fills the DCID. */
int cap_quic_is_initial(const uint8_t *p, size_t n, uint8_t *dcid, size_t *dcid_len);

/*
 * Decrypt every client Initial packet coalesced in one UDP payload with keys
 * derived from key_dcid and hand each CRYPTO frame to fn.  Returns the
 * number of packets decrypted (0 when none: wrong keys, truncated, not
 * Initial), never fails harder than that.
 */
int cap_quic_client_initial(const uint8_t *p, size_t n, const uint8_t *key_dcid,
	size_t key_dcid_len, cap_quic_crypto_fn fn, void *ctx);

#endif
