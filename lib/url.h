/*
 * url.h - the one URL parser: the authority of an absolute URL
 * (RFC 3986 §3.2), as cairn needs it to name hosts in lockfiles
 * ("resolved"), CI files, logs and tool-call arguments.
 *
 *   scheme "://" [ userinfo "@" ] host [ ":" port ] [ "/" | "?" | "#" ... ]
 *
 * userinfo is dropped (it may hold a token: never copied out), the host is
 * case-folded to lowercase, an IPv6 literal loses its brackets
 * ("[2001:db8::1]" -> "2001:db8::1"), the port is parsed.  A URL is input
 * an attacker wrote: the parse never writes past its buffers and refuses
 * what is not an authority (empty host, a bad port, control bytes or
 * spaces in the host, a host longer than a DNS name may be).
 */
#ifndef CAIRN_URL_H
#define CAIRN_URL_H

#include <stddef.h>

#define CAIRN_URL_HOST_MAX 256   /* 253 for a DNS name, NUL, slack */

typedef struct cairn_url {
	char scheme[32];           /* lowercase, e.g. "https", "git+ssh" */
	char host[CAIRN_URL_HOST_MAX];
	int port;                  /* -1 when the URL has none */
	int has_userinfo;          /* userinfo was present (and dropped) */
} cairn_url;

/* Parse url's scheme and authority into *out; 0, or CAIRN_EFORMAT (no
 * message set: callers name the file). */
int cairn_url_parse(cairn_url *out, const char *url);

/* The host of an http:// or https:// URL into host (size bytes,
 * CAIRN_URL_HOST_MAX is enough); 0, or -1 for anything else. */
int cairn_url_http_host(char *host, size_t size, const char *url);

#endif
