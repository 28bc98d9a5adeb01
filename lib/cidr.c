/*
 * cidr.c - IPv4/IPv6 addresses and CIDR blocks: one strict parser, one
 * matcher (lib/ioc.c's ip: indicators, lib/capture.c's --local and
 * allowlists).
 */
#include "cidr.h"
#include "cairn.h"

#include <arpa/inet.h>
#include <string.h>

/* RFC 4291 §2.5.5.2: ::ffff:0:0/96 */
static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* s[0..n) without brackets through inet_pton; mapped kept as IPv6 */
static int addr_raw(unsigned char addr[16], unsigned char *family, const char *s, size_t n)
{
	/* the longest address inet_pton reads is 45 bytes
	 * (ffff:...:ffff:255.255.255.255) */
	char tmp[64];

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (!n || n >= sizeof(tmp) || memchr(s, '\0', n))
		return CAIRN_EFORMAT;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, tmp, addr) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, addr) == 1) {
		*family = 6;
		return 0;
	}
	memset(addr, 0, 16);
	return CAIRN_EFORMAT;
}

static int is_mapped(const unsigned char addr[16])
{
	return !memcmp(addr, v4_mapped, sizeof(v4_mapped));
}

static void unmap(unsigned char addr[16], unsigned char *family)
{
	memmove(addr, addr + 12, 4);
	memset(addr + 4, 0, 12);
	*family = 4;
}

int cairn_cidr_addr_parse(unsigned char addr[16], unsigned char *family, const char *s, size_t n)
{
	if (addr_raw(addr, family, s, n) < 0)
		return CAIRN_EFORMAT;
	if (*family == 6 && is_mapped(addr))
		unmap(addr, family);
	return 0;
}

int cairn_cidr_parse(cairn_cidr *out, const char *s, size_t n, const char **why)
{
	const char *slash = memchr(s, '/', n);
	size_t al = slash ? (size_t)(slash - s) : n;
	unsigned max, bits;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (addr_raw(out->addr, &out->family, s, al) < 0) {
		if (why)
			*why = "not an IPv4 or IPv6 address";
		return CAIRN_EFORMAT;
	}
	max = bits = out->family == 4 ? 32 : 128;
	if (slash) {
		const char *q = slash + 1;
		size_t ql = n - al - 1;

		if (!ql || ql > 3)
			goto bad_len;
		for (bits = 0, i = 0; i < ql; i++) {
			if (q[i] < '0' || q[i] > '9')
				goto bad_len;
			bits = bits * 10 + (unsigned)(q[i] - '0');
		}
		if (bits > max) {
			if (why)
				*why = "prefix length longer than the address";
			memset(out, 0, sizeof(*out));
			return CAIRN_EFORMAT;
		}
	}
	out->bits = (unsigned char)bits;
	/* a mapped block is an IPv4 one when it lies inside ::ffff:0:0/96 */
	if (out->family == 6 && bits >= 96 && is_mapped(out->addr)) {
		unmap(out->addr, &out->family);
		out->bits = (unsigned char)(bits - 96);
	}
	return 0;
bad_len:
	if (why)
		*why = "bad prefix length";
	memset(out, 0, sizeof(*out));
	return CAIRN_EFORMAT;
}

void cairn_cidr_mask(cairn_cidr *c)
{
	unsigned i, left = c->bits;

	for (i = 0; i < 16; i++) {
		if (left >= 8) {
			left -= 8;
			continue;
		}
		c->addr[i] &= (unsigned char)(0xff00u >> left);
		left = 0;
	}
}

static int prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff00u >> rest);

		if ((a[full] & mask) != (b[full] & mask))
			return 0;
	}
	return 1;
}

int cairn_cidr_contains(const cairn_cidr *c, unsigned family, const unsigned char *addr)
{
	if (c->family == family)
		return prefix_equal(c->addr, addr, c->bits);
	/* a packet's ::ffff:a.b.c.d is a.b.c.d */
	if (c->family == 4 && family == 6 && is_mapped(addr))
		return prefix_equal(c->addr, addr + 12, c->bits);
	return 0;
}

static const cairn_cidr private_blocks[] = {
	{ { 10 }, 4, 8 }, { { 172, 16 }, 4, 12 }, { { 192, 168 }, 4, 16 },
	{ { 100, 64 }, 4, 10 }, { { 127 }, 4, 8 }, { { 169, 254 }, 4, 16 },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 6, 128 },
	{ { 0xfc }, 6, 7 }, { { 0xfe, 0x80 }, 6, 10 },
};
static const char *const private_names[] = {
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
	"127.0.0.0/8", "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10",
};

const cairn_cidr *cairn_cidr_private(size_t *n, const char *const **names)
{
	*n = sizeof(private_blocks) / sizeof(private_blocks[0]);
	if (names)
		*names = private_names;
	return private_blocks;
}

int cairn_cidr_is_private(unsigned family, const unsigned char *addr)
{
	size_t i;

	for (i = 0; i < sizeof(private_blocks) / sizeof(private_blocks[0]); i++)
		if (cairn_cidr_contains(&private_blocks[i], family, addr))
			return 1;
	return 0;
}
