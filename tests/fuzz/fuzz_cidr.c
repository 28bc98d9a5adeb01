/*
 * fuzz_cidr.c - hostile addresses and CIDR blocks, one a line, as users
 * write them in indicator lists, allowlists and --local, through the one
 * parser (lib/cidr.c) and on into its users: each line as an ip:
 * indicator, the whole input as an allowlist, then every line asked of
 * both matchers.  Invariants: a parsed block's prefix is within its
 * family; its own address is inside it, also once masked; printed back
 * (inet_ntop) it parses to the same block; a lone address is in the
 * block made of it; an indicator list of parsed blocks matches each
 * block's address.
 */
#include "cairn.h"
#include "capture.h"
#include "cidr.h"
#include "ioc.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An IPv6 block written with an IPv4-mapped address and a prefix under
 * 96 (::ffff:10.0.0.0/8 is ::/8): its address alone reads as IPv4, which
 * an IPv6 block does not hold. */
static int mapped_v6(const cairn_cidr *c)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return c->family == 6 && !memcmp(c->addr, mapped, 12);
}

static void check_block(const char *line, size_t n, cairn_buf *ioc_text)
{
	cairn_cidr c, m, again;
	unsigned char a[16], fam;
	char text[INET6_ADDRSTRLEN + 8];
	const char *why = NULL;

	if (cairn_cidr_parse(&c, line, n, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	if (c.family != 4 && c.family != 6)
		abort();
	if (c.bits > (c.family == 4 ? 32 : 128))
		abort();
	if (!cairn_cidr_contains(&c, c.family, c.addr))
		abort();
	m = c;
	cairn_cidr_mask(&m);
	if (!cairn_cidr_contains(&m, c.family, c.addr) || !cairn_cidr_contains(&c, m.family, m.addr))
		abort();
	if (!inet_ntop(c.family == 4 ? AF_INET : AF_INET6, c.addr, text, INET6_ADDRSTRLEN))
		abort();
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "/%u", c.bits);
	if (cairn_cidr_parse(&again, text, strlen(text), NULL) < 0 || again.family != c.family ||
	    again.bits != c.bits || memcmp(again.addr, c.addr, 16))
		abort();
	/* the address alone: an address, inside the block */
	text[strcspn(text, "/")] = '\0';
	if (cairn_cidr_addr_parse(a, &fam, text, strlen(text)) < 0 ||
	    (!mapped_v6(&c) && !cairn_cidr_contains(&c, fam, a)))
		abort();
	cairn_buf_addf(ioc_text, "ip:%s/%u\n", text, c.bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_buf ioc_text = CAIRN_BUF_INIT;
	cairn_ioc_set *s = NULL;
	cairn_capture_allow *allow = NULL;
	size_t off = 0;

	if (size > 1 << 16)
		return 0;
	while (off < size) {
		const char *p = (const char *)data + off;
		const char *nl = memchr(p, '\n', size - off);
		size_t n = nl ? (size_t)(nl - p) : size - off;

		check_block(p, n, &ioc_text);
		off += n + 1;
	}
	/* what parsed, as indicators: each block's address matches */
	cairn_ioc_set_new(&s);
	if (cairn_ioc_set_parse(s, ioc_text.data ? ioc_text.data : "", ioc_text.len, "fuzz") < 0)
		abort();
	/* the input itself as an indicator list and as an allowlist */
	{
		cairn_ioc_set *raw = NULL;

		cairn_ioc_set_new(&raw);
		(void)cairn_ioc_set_parse(raw, (const char *)data, size, "fuzz");
		if (cairn_capture_allow_parse(&allow, (const char *)data, size, "fuzz") < 0)
			allow = NULL;
		for (off = 0; off < size;) {
			const char *p = (const char *)data + off;
			const char *nl = memchr(p, '\n', size - off);
			size_t n = nl ? (size_t)(nl - p) : size - off;
			char *line = cairn_strndup(p, n);
			char *slash = strchr(line, '/');

			off += n + 1;
			if (slash)
				*slash = '\0';
			cairn_ioc_match_ip(raw, line);
			cairn_ioc_match_host(raw, line);
			if (allow) {
				cairn_capture_allow_address(allow, line);
				cairn_capture_allow_host(allow, line);
			}
			/* (a line with a NUL was refused whole above) */
			if (slash && strlen(line) == n && !cairn_ioc_match_ip(s, line)) {
				cairn_cidr c;

				*slash = '/';
				if (cairn_cidr_parse(&c, line, strlen(line), NULL) == 0 && !mapped_v6(&c))
					abort();   /* a parsed block misses its own address */
			}
			free(line);
		}
		cairn_ioc_set_free(raw);
	}
	cairn_capture_allow_free(allow);
	cairn_ioc_set_free(s);
	cairn_buf_release(&ioc_text);
	return 0;
}
