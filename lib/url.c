/*
 * url.c - scheme and authority of an absolute URL (RFC 3986 §3.1, §3.2).
 */
#include "url.h"

#include "cairn.h"

#include <string.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int cairn_url_parse(cairn_url *out, const char *url)
{
	const char *p, *auth, *end, *at, *host, *host_end, *colon = NULL;
	size_t n, i;

	memset(out, 0, sizeof(*out));
	out->port = -1;
	if (!url)
		return CAIRN_EFORMAT;
	/* RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	for (p = url; *p && *p != ':'; p++) {
		int c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (p > url && ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
				   c == '.'))))
			return CAIRN_EFORMAT;
	}
	n = (size_t)(p - url);
	if (!n || n >= sizeof(out->scheme) || strncmp(p, "://", 3))
		return CAIRN_EFORMAT;
	for (i = 0; i < n; i++)
		out->scheme[i] = (char)lower((unsigned char)url[i]);
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	/* §3.2.1: the last '@' ends the userinfo (a password may hold '@'
	 * only percent-encoded, but tolerate it raw). */
	at = NULL;
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	host = at ? at + 1 : auth;
	out->has_userinfo = at != NULL;
	if (*host == '[') {
		/* §3.2.2: IP-literal */
		const char *rb = memchr(host, ']', (size_t)(end - host));

		if (!rb)
			return CAIRN_EFORMAT;
		host_end = rb;
		host++;
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return CAIRN_EFORMAT;
			colon = rb + 1;
		}
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		host_end = colon ? colon : end;
	}
	n = (size_t)(host_end - host);
	if (!n || n > 253)
		return CAIRN_EFORMAT;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)host[i];

		if (c <= 0x20 || c == 0x7f || c == '@' || c == '[' || c == ']' ||
		    c == '\\' || c == '"' || c == '<' || c == '>')
			return CAIRN_EFORMAT;
		out->host[i] = (char)lower(c);
	}
	if (colon) {
		long port = 0;

		for (p = colon + 1; p < end; p++) {
			if (*p < '0' || *p > '9' || port > 65535)
				return CAIRN_EFORMAT;
			port = port * 10 + (*p - '0');
		}
		/* "host:" is an empty port (§3.2.3): none */
		if (p > colon + 1) {
			if (port > 65535)
				return CAIRN_EFORMAT;
			out->port = (int)port;
		}
	}
	return 0;
}

int cairn_url_http_host(char *host, size_t size, const char *url)
{
	cairn_url u;
	size_t n;

	if (cairn_url_parse(&u, url) < 0 ||
	    (strcmp(u.scheme, "http") && strcmp(u.scheme, "https")))
		return -1;
	n = strlen(u.host);
	if (n >= size)
		return -1;
	memcpy(host, u.host, n + 1);
	return 0;
}
