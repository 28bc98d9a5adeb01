/*
 * fuzz_url.c - cairn_url_parse on hostile URLs (lockfile "resolved", CI
 * files, tool-call arguments): no read past the string, no write past the
 * buffers, and what it accepts is a clean authority: a lowercase host with
 * no control byte, space or delimiter, a port in range, and the http(s)
 * helper agreeing with it.
 */
#include "cairn.h"
#include "url.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, host[CAIRN_URL_HOST_MAX];
	cairn_url u;
	size_t i, n;

	if (size > 4096)
		return 0;
	s = cairn_strndup((const char *)data, size);
	if (cairn_url_parse(&u, s) == 0) {
		n = strlen(u.host);
		if (!n || n > 253 || u.port < -1 || u.port > 65535 || !u.scheme[0])
			abort();
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)u.host[i];

			if (c <= 0x20 || c == 0x7f || (c >= 'A' && c <= 'Z') ||
			    strchr("@[]/?#\\", c))
				abort();
		}
		if (cairn_url_http_host(host, sizeof(host), s) == 0 &&
		    (strcmp(host, u.host) ||
		     (strcmp(u.scheme, "http") && strcmp(u.scheme, "https"))))
			abort();
	} else if (cairn_url_http_host(host, sizeof(host), s) == 0) {
		abort();
	}
	free(s);
	return 0;
}
