/*
 * capture.h - outbound hosts per time window from pcap/pcapng captures
 * (the library behind cairn-capture; cairn-report uses it too).
 *
 * Use:
 *   cairn_capture_new(&c, &opts);
 *   cairn_capture_add_local(c, "10.0.0.0/8");          optional, repeatable
 *   cairn_capture_read(c, paths, n);                   merged by time
 *   cairn_capture_finish(&result, c);
 *   cairn_capture_allow_load(&allow, "allow.txt");     optional
 *   cairn_capture_result_apply_allow(result, allow);
 *   cairn_capture_write_json(&buf, result, 0);         or _text / _csv
 *
 * Rules (documented in docs/cairn-capture.1):
 * - Local side: the --local CIDRs; without them, every address seen as the
 *   source of a DNS query, and every initiator of a TCP SYN (without ACK) or
 *   a QUIC client Initial (the UDP counterpart of a SYN) whose peer did not
 *   itself send DNS queries (that would be an inbound connection); when
 *   there is none of either,
 *   the private and loopback ranges (RFC 1918, 100.64/10, 127/8, 169.254/16,
 *   ::1, fc00::/7, fe80::/10).
 * - A flow is outbound when its initiator (sender of the SYN, or of the
 *   first UDP packet; a flow first seen mid-way is given to the side with
 *   the port >= 1024 when the other is < 1024) is local and the responder
 *   is not local, not multicast and not broadcast.
 * - Names, strongest first: TLS SNI, QUIC Initial SNI, HTTP Host, then the
 *   DNS answer for the responder address seen before the flow started
 *   ("last answer wins", no TTL expiry).  The name a flow gets when it is
 *   created holds for its whole life.
 * - Evidence: a name the client sent (SNI, Host) is confirmed when a DNS
 *   answer anywhere in the capture put it on the responder address,
 *   contradicted when the capture's DNS gave it addresses of that family
 *   and not this one (or NXDOMAIN), claimed otherwise.  A contradicted name
 *   never names a host: the DNS name or the address does.
 * - Bytes are IP-layer bytes (IP header length field).  IPv4 header
 *   checksums are checked on every packet, TCP/UDP checksums on the packets
 *   whose content is read; bad ones are counted and processed all the same.
 */
#ifndef CAIRN_CAPTURE_H
#define CAIRN_CAPTURE_H

#include "cairn.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cairn_capture cairn_capture;
typedef struct cairn_capture_allow cairn_capture_allow;

struct cairn_capture_opts {
	int64_t window_ns;   /* window length; 0 means 300 s */
	const char *filter;  /* BPF expression (pcap-filter(7)), NULL for none */
	int no_checksum;     /* 1: do not verify checksums */
	int all_flows;       /* 1: report every flow by its responder, local or
	                      * not (loopback captures, servers) */
};

/* Create an analysis.  Returns 0; caller frees with cairn_capture_free(). */
int cairn_capture_new(cairn_capture **out, const struct cairn_capture_opts *opts);
void cairn_capture_free(cairn_capture *c);

/* Add a local network ("10.1.0.0/16", "2001:db8::/32", "192.0.2.7").
 * CAIRN_EUSAGE with a message when it does not parse. */
int cairn_capture_add_local(cairn_capture *c, const char *cidr);

/*
 * Read capture files (pcap or pcapng, optionally gzip or zstd compressed)
 * as one timeline merged by timestamp.  A partial last record ends that
 * file with a warning (cairn_capture_warning()); any other damage, an
 * unreadable file or a filter that does not compile is an error:
 * CAIRN_EIO / CAIRN_EFORMAT / CAIRN_EUSAGE with a message naming the file.
 * May be called once per analysis.
 */
int cairn_capture_read(cairn_capture *c, const char *const *paths, size_t n);

/*
 * The same, where files may also be agent logs (lib/agentlog.h: Claude
 * Desktop, Claude Code transcripts, JSON-RPC NDJSON): those are read into
 * agent (cairn_agentlog_read(), in the order given), the captures into c.
 * agent NULL: an agent log is an error naming it, as with
 * cairn_capture_read().
 */
typedef struct cairn_agentlog cairn_agentlog;
int cairn_capture_read_all(cairn_capture *c, cairn_agentlog *agent,
	const char *const *paths, size_t n);

/* Packet times that can be placed in a window: 1970-01-01 up to (not
 * including) 2100-01-01 UTC, in nanoseconds.  A capture file says what its
 * times are, so a crafted one can say anything; a packet outside this span
 * is counted (stats.bad_timestamps, and a warning) and not analysed, which
 * also keeps every window computation far from int64 overflow. */
#define CAIRN_CAPTURE_TS_MAX 4102444800000000000LL

/* Feed one packet directly (tests, fuzzing, other readers).  linktype is a
 * LINKTYPE_* value; ts in nanoseconds since the epoch (see
 * CAIRN_CAPTURE_TS_MAX).  Never fails. */
void cairn_capture_feed(cairn_capture *c, int linktype, int64_t ts_ns,
	const uint8_t *data, size_t caplen);

/* Warnings recorded so far (truncated files ...); valid until _free(). */
size_t cairn_capture_warning_count(const cairn_capture *c);
const char *cairn_capture_warning(const cairn_capture *c, size_t i);

/*
 * How well a name of a host is backed (docs/cairn-capture.1, "Evidence").
 * A client states the name it wants (SNI, Host); only the capture's DNS
 * can back the statement.  Ordered: a host's name takes the weakest
 * evidence of the connections that carry it.
 */
enum cairn_capture_evidence {
	CAIRN_CAPTURE_CONTRADICTED = 0, /* DNS in this capture put the name on
	                                 * other addresses (or said NXDOMAIN) */
	CAIRN_CAPTURE_CLAIMED = 1,      /* only the client's word: no DNS answer
	                                 * for the name in this capture */
	CAIRN_CAPTURE_CONFIRMED = 2     /* a DNS answer in this capture put the
	                                 * name on the address connected to */
};

/* One name of a host with where it came from. */
struct cairn_capture_name {
	char *name;          /* presentation form: printable ASCII, \DDD escapes */
	char **sources;      /* sorted: "dns", "http-host", "quic-sni",
	                      * "quic-sni-ech-outer", "tls-sni",
	                      * "tls-sni-ech-outer" */
	size_t source_count;
	char **chain;        /* DNS: asked name, CNAME targets..., owner of the A/AAAA */
	size_t chain_count;
	int evidence;        /* enum cairn_capture_evidence */
	char **dns_addresses; /* contradicted: where this capture's DNS put the
	                       * name, sorted ("NXDOMAIN" when it has none) */
	size_t dns_address_count;
};

/* The allowlist's verdict on a host. */
enum cairn_capture_verdict {
	CAIRN_ALLOW_UNJUDGED = 0,        /* no allowlist applied */
	CAIRN_ALLOW_YES,             /* every name allowed and one of them
	                                    * confirmed, or every address allowed */
	CAIRN_ALLOW_UNCONFIRMED, /* allowed only by names the client
	                                    * claimed and nothing confirms */
	CAIRN_ALLOW_NO,
	CAIRN_ALLOW_CONTRADICTED         /* an allowed name is contradicted by
	                                    * the capture's DNS: not allowed */
};

/* One outbound host, in one window (rows) or over the capture (totals). */
struct cairn_capture_host {
	int64_t window_ns;   /* window start; -1 in totals */
	char *host;          /* strongest name, or the address */
	int by_address;      /* no name at all: host is an address */
	int direct_ip;       /* a connection had no DNS answer, SNI or Host */
	char **proxies;      /* "address:port" of the proxies its connections
	                      * went through (CONNECT, absolute-form), sorted */
	size_t proxy_count;
	int ech_outer;       /* a TLS/QUIC SNI was the outer name of an ECH hello */
	struct cairn_capture_name *names;
	size_t name_count;
	char **addresses;    /* sorted */
	size_t address_count;
	char **ports;        /* "tcp/443", sorted by protocol then number */
	size_t port_count;
	char **protocols;    /* "dns", "http", "quic", "tcp", "tls", "udp" */
	size_t protocol_count;
	char **uids;         /* NFLOG captures: the local user and group ids */
	size_t uid_count;    /* that sent its connections, sorted numerically */
	char **gids;
	size_t gid_count;
	uint64_t connections; /* flows active in the window (totals: all flows) */
	uint64_t opened;      /* flows that started in the window */
	uint64_t packets_out, packets_in, bytes_out, bytes_in;
	int64_t first_ns, last_ns; /* first and last packet; -1 when none */
	int confirmed;        /* a name is confirmed on all its connections */
	int contradicted;     /* a name is contradicted */
	int allowed;          /* -1 no allowlist applied, 0 not allowed, 1 allowed
	                       * (confirmed or not) */
	int verdict;          /* enum cairn_capture_verdict */
};

/* A DNS answer seen in the capture (aggregated per asked name). */
struct cairn_capture_dns {
	char *name;
	char **addresses;
	size_t address_count;
	char **chain;        /* last chain seen */
	size_t chain_count;
	int64_t first_ns;
	uint64_t answers;
};

/*
 * A DNS server the local side asked (docs/cairn-capture.1, "Resolvers"):
 * listed here, not as an outbound host.  The resolver the host normally
 * uses is infrastructure; one it does not (8.8.8.8 beside the LAN
 * resolver) is "unusual", and judged by the allowlist's addresses.
 */
struct cairn_capture_resolver {
	char *address;
	char **ports;         /* "udp/53", "tcp/53" */
	size_t port_count;
	char **clients;       /* local addresses that asked it (at most 64) */
	size_t client_count;
	uint64_t queries;     /* DNS queries seen to it */
	uint64_t names;       /* distinct names asked */
	uint64_t connections, packets_out, packets_in, bytes_out, bytes_in;
	int64_t first_ns, last_ns;
	int unusual;          /* not a resolver the host normally uses */
	char **asked;         /* unusual: the names asked of it (first 20) */
	size_t asked_count;
	int allowed;          /* -1 no allowlist; usual ones are 1 */
};

/* An HTTP proxy the local side sent CONNECT or absolute-form requests to:
 * listed here; the connections through it are listed under the host they
 * asked for, judged by the allowlist by that host. */
struct cairn_capture_proxy {
	char *address;
	unsigned port;
	uint64_t tunnels;     /* CONNECT requests */
	uint64_t requests;    /* absolute-form requests (GET http://...) */
	char **targets;       /* "host:port" asked for, sorted (first 20) */
	size_t target_count;
	uint64_t targets_total; /* distinct targets */
	char **clients;       /* local addresses that used it (at most 64) */
	size_t client_count;
	int64_t first_ns, last_ns;
	int public_address;   /* not private, loopback or link-local */
	int allowed;          /* -1 no allowlist; a private proxy is 1, a public
	                       * one is judged by its address */
};

/* The names looked up under one registrable domain (Public Suffix List). */
struct cairn_capture_lookup {
	char *domain;         /* registrable domain, else the name itself */
	uint64_t names;       /* distinct names asked */
	uint64_t lookups;     /* queries */
	int64_t first_ns, last_ns;
	uint64_t peak_names;  /* most distinct names first asked within 60 s */
	uint64_t peak_long;   /* ... of them with a label of 24+ characters */
	int tunnel;           /* a burst of distinct names: possible DNS tunnel */
	char **all;           /* every name asked, sorted */
	size_t all_count;
	unsigned char *all_off; /* after the allowlist: 1 for a name of all
	                         * that is not on it */
	char **sample;        /* the first 5 names asked */
	size_t sample_count;
	int allowed;          /* -1 no allowlist, 0 a name not on it, 1 all on it */
	uint64_t not_allowed; /* names not on the allowlist */
};

struct cairn_capture_stats {
	uint64_t packets, ip_packets, non_ip, malformed;
	uint64_t bad_checksums;  /* IPv4 header, or TCP/UDP of a checked packet */
	uint64_t checksummed;    /* TCP/UDP checksums checked: the packets whose
	                          * content was read (DNS, first data of a flow) */
	uint64_t fragments, unattributed_fragments;
	uint64_t uninspected;    /* flows not inspected: buffer budget spent */
	uint64_t flows, outbound_flows;
	uint64_t resolver_flows;  /* DNS flows to the resolvers (not outbound hosts) */
	uint64_t proxied_flows;   /* of the outbound, through a proxy */
	uint64_t log_records;     /* Zeek/Suricata log lines read */
	uint64_t log_bad_lines;   /* ... and not read (counted, warned about) */
	uint64_t bad_timestamps; /* outside 1970..2099: counted, not analysed */
	int64_t first_ns, last_ns; /* -1 when the capture was empty */
};

typedef struct cairn_capture_result {
	int64_t window_ns;
	char *local_rule;    /* "given", "observed" or "private-fallback" */
	char **locals;       /* CIDRs / addresses, sorted */
	size_t local_count;
	struct cairn_capture_stats stats;
	struct cairn_capture_host *rows;   /* by window, then host */
	size_t row_count;
	struct cairn_capture_host *totals; /* by host */
	size_t total_count;
	struct cairn_capture_dns *dns;     /* by name */
	size_t dns_count;
	struct cairn_capture_resolver *resolvers; /* by address */
	size_t resolver_count;
	struct cairn_capture_lookup *lookups;     /* by domain */
	size_t lookup_count;
	struct cairn_capture_proxy *proxies;      /* by address, port */
	size_t proxy_count;
	int local_only;      /* flows, but none from a local address to a remote
	                      * one (nor DNS, nor a proxy request): nothing was
	                      * judged; local_flows lists them by responder */
	struct cairn_capture_host *local_flows;
	size_t local_flow_count;
	char **warnings;
	size_t warning_count;
	int allow_applied;
} cairn_capture_result;

/* Compute the result; the analysis stays usable only for _free().
 * Returns 0; the result is the caller's (cairn_capture_result_free). */
int cairn_capture_finish(cairn_capture_result **out, cairn_capture *c);
void cairn_capture_result_free(cairn_capture_result *r);

/*
 * Allowlist: one entry per line, '#' starts a comment.  An entry is a host
 * name ("registry.npmjs.org", matched exactly, case-insensitively), a
 * wildcard ("*.npmjs.org": npmjs.org and any name below it)
 * or an address / CIDR ("192.0.2.0/24", "2001:db8::/32").
 * A host is allowed when all of its names match a name entry and none of
 * them is contradicted, or when all of its addresses fall in an address
 * entry; allowed by names of which none is confirmed, it is "allowed
 * (unconfirmed)".
 * _load: CAIRN_EIO / CAIRN_EFORMAT (message names file and line).
 */
int cairn_capture_allow_load(cairn_capture_allow **out, const char *path);
int cairn_capture_allow_parse(cairn_capture_allow **out, const char *text,
	size_t len, const char *origin);
void cairn_capture_allow_free(cairn_capture_allow *a);
/* 1 when a name / address string is allowed by an entry. */
int cairn_capture_allow_name(const cairn_capture_allow *a, const char *name);
int cairn_capture_allow_address(const cairn_capture_allow *a, const char *addr);
/* 1 when host, a name or an IPv4/IPv6 address as text (what parses as an
 * address is matched as one), is allowed.  In the shape of the allow
 * callbacks of cairn_rules_input and cairn_agentlog_result_apply_allow():
 * ctx is a const cairn_capture_allow *; a NULL host is the empty name. */
int cairn_capture_allow_host(void *ctx, const char *host);

/* Mark every row and total (allowed and verdict), resolver and lookup;
 * returns the number of what is not allowed: hosts (totals, contradicted
 * ones included), unusual resolvers whose address is not allowed, and
 * possible DNS tunnels under a domain not allowed.  A contradicted name
 * never counts as allowed. */
size_t cairn_capture_result_apply_allow(cairn_capture_result *r,
	const cairn_capture_allow *a);

/* Possible DNS tunnels under a domain the allowlist does not cover (all
 * of them without an allowlist): a finding like a host not allowed. */
size_t cairn_capture_result_tunnels(const cairn_capture_result *r);

/* Output (deterministic).  only_unknown: leave out allowed hosts.
 * files: the input names for the JSON header (may be NULL). */
void cairn_capture_write_text(cairn_buf *out, const cairn_capture_result *r,
	int only_unknown);
void cairn_capture_write_csv(cairn_buf *out, const cairn_capture_result *r,
	int only_unknown);
/* --dns: every name the DNS answers mapped, to its addresses (the last
 * answer wins) and CNAME chain, names escaped for a terminal. */
void cairn_capture_write_dns_text(cairn_buf *out, const cairn_capture_result *r);
int cairn_capture_write_json(cairn_buf *out, const cairn_capture_result *r,
	const char *const *files, size_t file_count, int only_unknown);
/* The document cairn_capture_write_json() writes (docs/capture-schema.json),
 * as JSON values: for a consumer in the same process (cairn-report
 * --capture), which needs no text.  New reference. */
json_t *cairn_capture_result_json(const cairn_capture_result *r,
	const char *const *files, size_t file_count, int only_unknown);

/*
 * What cairn-capture prints: the capture's document or text with the agent
 * logs' (agent: cairn_agentlog_finish(); may be NULL; counts when it read
 * any file).  _doc_json: the document of cairn_capture_result_json() with
 * the "agent" object (docs/capture-schema.json), new reference.
 * _write_doc_json: that document, compact, one line; with an agent object
 * ASCII only (descriptions and arguments are attacker text: no raw bidi
 * or zero-width character reaches a terminal through it), 0 or negative.
 * _write_doc_text: the network part when some of the file_count files
 * were packet captures, the DNS answers with dns, then the agent logs'.
 */
struct cairn_agentlog_result;
json_t *cairn_capture_doc_json(const cairn_capture_result *r,
	const struct cairn_agentlog_result *agent, const char *const *files,
	size_t file_count, int only_unknown);
int cairn_capture_write_doc_json(cairn_buf *out, const cairn_capture_result *r,
	const struct cairn_agentlog_result *agent, const char *const *files,
	size_t file_count, int only_unknown);
void cairn_capture_write_doc_text(cairn_buf *out, const cairn_capture_result *r,
	const struct cairn_agentlog_result *agent, size_t file_count,
	int only_unknown, int dns);

/* Parse "30s", "1m", "5m", "2h", "1d" or plain seconds; CAIRN_EUSAGE. */
int cairn_capture_parse_duration(int64_t *out_ns, const char *s);

#endif
