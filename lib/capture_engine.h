/*
 * capture_engine.h - the state of one cairn-capture analysis, shared by the
 * files that fill it (lib/capture.c from packets, the log readers) and
 * read it (the result).  Not a public header: tools use capture.h.
 */
#ifndef CAIRN_CAPTURE_ENGINE_H
#define CAIRN_CAPTURE_ENGINE_H

#include "capture.h"
#include "capture_int.h"
#include "cidr.h"

#include <stddef.h>
#include <stdint.h>

#define INSPECT_MAX 32768     /* client bytes gathered to find a hello */
#define INSPECT_BUDGET (256u << 20) /* all inspection buffers together */
#define INSPECT_PKTS 32       /* client packets looked at before giving up */
#define CERT_PKTS 32          /* server packets looked at for its certificate */
#define DNS_TCP_MAX 65537     /* one TCP DNS message and its length prefix */
#define FRAG_SLOTS 4096
#define CHAIN_MAX 16          /* CNAME hops followed */
#define DNSLOG_ADDR_MAX 64    /* addresses kept per asked name */
#define NAMES_MAX 2000000     /* distinct names / answered addresses kept
                               * (DNS tunnels mint them by the million) */
#define IDLE_WINDOWS_MAX 2000 /* idle windows one connection may fill */
#define IDLE_TOTAL_MAX 1000000 /* ... and all of them together */

enum app {
	APP_NONE = 0, APP_DNS, APP_TLS, APP_QUIC, APP_HTTP
};

enum name_src {
	SRC_NONE = 0, SRC_TLS, SRC_TLS_ECH, SRC_QUIC, SRC_QUIC_ECH
};

/* What the capture's DNS said of a name (the answered map's bits). */
#define ANS_A 1               /* A records of it were answered */
#define ANS_AAAA 2            /* AAAA records of it were answered */
#define ANS_NX 4              /* NXDOMAIN: the name does not exist */

struct fwin {
	int64_t start, first, last;
	uint64_t bytes[2];
	uint64_t pkts[2];
};

struct inspect {
	uint8_t *buf;           /* client stream / CRYPTO stream prefix */
	size_t cap;             /* grows with the data, up to INSPECT_MAX */
	size_t *held;           /* the analysis' count of buffered bytes */
	size_t contig;          /* bytes in order from offset 0 */
	struct { uint32_t s, e; } pend[8];
	int npend;
	uint32_t base;          /* TCP sequence number of stream offset 0 */
	uint8_t have_base;
	uint8_t have_dcid;
	uint8_t dcid_len;
	uint8_t dcid[CAP_QUIC_CID_MAX];
	uint32_t client_pkts;
	/* DNS over TCP, server to client */
	uint8_t *srv;
	size_t srv_len, srv_cap;
	uint32_t srv_next;
	uint8_t srv_have;
	/* a CONNECT tunnel: the tunnelled stream starts at tunnel_at */
	uint8_t in_tunnel;
	uint32_t tunnel_at;
};

enum cert_state {
	CERT_NONE = 0,        /* not a TLS connection, or not looked for */
	CERT_LOOKING,         /* the client's hello was read: the server's next */
	CERT_DONE
};

enum proxy_kind {
	PROXY_NONE = 0,
	PROXY_CONNECT,        /* CONNECT host:port (RFC 9110 §9.3.6) */
	PROXY_ABSOLUTE        /* GET http://host/... (RFC 9112 §3.2.2) */
};

struct flow {
	uint8_t ipver, proto, closed, app;
	uint8_t name_src, inspect_done, syn_seen, quic_client;
	uint8_t a[16], b[16];   /* a: initiator, b: responder */
	uint16_t ap, bp;
	int64_t first, last;
	const char *dns_name, *dns_chain; /* interned; chain: names joined by ' ' */
	const char *sni, *http_host;      /* interned */
	uint8_t ev_sni, ev_http;          /* enum cairn_capture_evidence (finish) */
	uint8_t proxy_kind;               /* enum proxy_kind */
	uint16_t proxy_port;              /* the port the proxy request asks for */
	const char *proxy_host;           /* interned: the host it asks for */
	uint8_t has_uid, has_gid;         /* NFLOG: who sent it */
	uint32_t uid, gid;
	/* the server's certificate (TLS 1.2 and older: lib/capture_cert.c) */
	uint8_t cert_state;               /* enum cert_state */
	uint8_t cert_ok;                  /* its chain verifies (for cert_name) */
	uint8_t cert_sni;                 /* it is for the SNI (cert_name == sni) */
	uint8_t ev_cert;                  /* enum cairn_capture_evidence (finish) */
	uint8_t srv_syn;                  /* srv_isn is the server's SYN */
	uint32_t srv_isn;
	const char *cert_name;            /* interned; NULL: none read */
	struct inspect *cert_ins;         /* the server's first bytes */
	struct fwin *w;
	uint32_t nw, cw;
	struct inspect *ins;
	uint32_t syn_isn;
};

/* Open addressing map from a fixed-size key to a uint32 value. */
struct kent {
	uint64_t h;
	uint32_t val;
	uint32_t used;
	uint8_t key[24];
};

struct kmap {
	struct kent *e;
	size_t cap, count, klen;
};

struct strtab {
	char **slot;
	uint64_t *hash;
	size_t cap, count;
};

struct dnsbind {
	const char *name, *chain;
};

struct dnslog {
	const char *name, *chain;
	int64_t first;
	uint64_t answers;
	uint8_t (*addr)[17];
	uint32_t naddr;
};

struct fragent {
	uint8_t used, ver, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint32_t flow;
	uint8_t dir;
};

/* A name a client asked a server for (lib/capture_lookups.c). */
struct asked {
	const char *name;       /* interned */
	uint8_t ver;
	uint8_t addr[16];       /* the server asked */
	int64_t first, last;
	uint64_t count;
};

struct cairn_capture {
	int64_t window;
	int no_checksum, all_flows;
	char *filter;
	struct flow *flows;
	size_t nflows, cflows;
	uint32_t *ftab;         /* flow index + 1, 0 empty */
	size_t ftab_cap, ftab_used;
	struct fragent *frag;
	struct strtab strs;
	struct kmap addr2bind;  /* addr -> index into binds */
	struct dnsbind *binds;
	size_t nbinds, cbinds;
	struct kmap name2log;   /* interned name pointer -> index into logs */
	struct dnslog *logs;
	size_t nlogs, clogs;
	struct kmap observed;   /* addresses seen sending DNS queries */
	struct kmap answered;   /* interned name -> ANS_* bits: what DNS said of it */
	struct kmap pairs;      /* (interned name, address) a DNS answer joined */
	cairn_cidr *locals;
	size_t nlocals;
	struct cairn_capture_stats st;
	char **warnings;
	size_t nwarn;
	struct cap_dns_msg *dnsmsg;
	size_t held;            /* bytes in inspection buffers (INSPECT_BUDGET) */
	uint64_t names_dropped; /* DNS answers not kept: NAMES_MAX reached */
	struct kmap asked_map;  /* (interned name, server address) -> asked[] */
	struct asked *asked;
	size_t nasked, casked;
	uint64_t asked_dropped; /* queries not kept: NAMES_MAX reached */
	int read_done;
	struct cap_certs *certs; /* trust store and verdicts (capture_cert.c) */
};

/* ---- lib/capture.c, for the other capture files ---- */

void cap_warn(cairn_capture *c, const char *msg);
/* Is address a local (by the rule chosen at finish)?  set/n: the CIDRs,
 * observed: use the observed addresses instead. */
int cap_is_local(cairn_capture *c, const cairn_cidr *set, size_t n, int observed,
	uint8_t ver, const uint8_t *a);

/* ---- lib/capture_lookups.c: the DNS seen from the clients' side ---- */

/* A local client asked server for qname. */
void cap_lookup_record(cairn_capture *c, uint8_t ver, const uint8_t *server, const char *qname,
	int64_t ts);
/* Fill r->resolvers and r->lookups from the flows that are DNS and were
 * started by a local address (every DNS flow with all_flows); returns, per
 * flow, 1 when it went into a resolver (so it is no outbound host). */
void cap_lookups_finish(cairn_capture *c, cairn_capture_result *r, uint8_t *is_resolver_flow,
	const cairn_cidr *set, size_t n, int observed);
void cap_lookups_free(cairn_capture *c);

/* ---- lib/capture.c, for the log readers (lib/capture_logs.c) ---- */

struct cap_addr {
	uint8_t ver;
	uint8_t a[16];
};

/* One connection as a sensor logged it. */
struct cap_logflow {
	uint8_t ver, proto;
	uint8_t a[16], b[16];     /* originator, responder */
	uint16_t ap, bp;
	int64_t first, last;      /* ns */
	uint8_t syn;              /* the originator sent a SYN */
	uint8_t dns, quic, tls, http; /* what the sensor recognised */
	uint8_t have_counts;      /* pkts/bytes known (conn.log, eve flow) */
	uint64_t pkts[2], bytes[2]; /* [0] originator to responder */
	const char *sni, *http_host, *proxy_host; /* NULL: none */
	uint16_t proxy_port;
	uint8_t proxy_kind;       /* enum proxy_kind */
	uint8_t cert_sni;         /* the sensor verified the server's
	                           * certificate chain, for sni */
};

/* A DNS query from client to server, and an answer (rcode 3: NXDOMAIN;
 * cnames: the chain's names; addrs: the A/AAAA records), at ts.  Feed
 * them, and the flows, in time order: a flow is named by the answers
 * before it, as on the wire. */
void cap_dns_query_seen(cairn_capture *c, uint8_t ver, const uint8_t *client,
	const uint8_t *server, const char *qname, int64_t ts);
void cap_dns_answer_seen(cairn_capture *c, const char *qname, int rcode,
	const char *const *cnames, size_t ncnames, const struct cap_addr *addrs, size_t naddrs,
	int64_t ts);
void cap_flow_from_log(cairn_capture *c, const struct cap_logflow *lf);

/* Zeek logs and Suricata eve.json files (kinds: enum cairn_input_kind)
 * into c.  Bad lines are counted and warned about; CAIRN_EIO/EFORMAT when
 * a file cannot be read. */
int cap_logs_read(cairn_capture *c, const char *const *paths, const int *kinds, size_t n);

/* ---- lib/capture_cert.c: the server's certificate as evidence ---- */

#define CAP_CERT_CHAIN_MAX 8

struct cap_cert_chain {
	const uint8_t *der[CAP_CERT_CHAIN_MAX]; /* leaf first */
	size_t len[CAP_CERT_CHAIN_MAX];
	size_t n;
};

/* From the first bytes of the server's side of a TCP connection (TLS
 * records): CAP_HELLO_FOUND with the chain of its Certificate message
 * (pointing into a buffer of this thread, valid until the next call),
 * CAP_HELLO_MORE, or CAP_HELLO_NOT (TLS 1.3, a resumed session, no
 * certificate, not TLS, malformed). */
int cap_tls_server_certs(struct cap_cert_chain *out, const uint8_t *p, size_t n);

struct cap_cert_verdict {
	const char *name;     /* interned: sni when the leaf is for it, else the
	                       * leaf's own name; NULL when it has none */
	int covers_sni;       /* the leaf is for sni */
	int verified;         /* the chain verifies to a root of the system's
	                       * trust store at ts, for a TLS server */
};

/* The verdict on a chain for a connection made at ts that asked for sni
 * (interned, or NULL); one verification per chain, name and day. */
void cap_cert_judge(cairn_capture *c, struct cap_cert_verdict *out,
	const struct cap_cert_chain *ch, const char *sni, int64_t ts);
void cap_certs_free(struct cap_certs *s);

/* ---- small containers (lib/capture.c) ---- */

void cap_kmap_init(struct kmap *m, size_t klen);
void cap_kmap_release(struct kmap *m);
/* The value slot of key; insert: add it (value UINT32_MAX) when absent,
 * else NULL when absent. */
uint32_t *cap_kmap_find(struct kmap *m, const void *key, int insert);
/* The interned string equal to s, or NULL. */
const char *cap_intern_find(const struct strtab *t, const char *s);
/* The interned copy of s (one per distinct string, freed with the analysis). */
const char *cap_intern(struct strtab *t, const char *s);
/* 17-byte map key of an address: version, then 16 bytes. */
void cap_addr_key(uint8_t key[17], uint8_t ver, const uint8_t *a);
void cap_addr_str(char *out, size_t outlen, uint8_t ver, const uint8_t *a);

#endif
