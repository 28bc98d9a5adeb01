/*
 * cidr.h - IPv4 and IPv6 addresses and address blocks (RFC 4632 CIDR
 * notation, RFC 4291 §2.3 for IPv6 prefixes), as users write them in
 * indicator lists (ip:203.0.113.0/24), allowlists and --local, and as
 * packets carry them.  One strict parser and one matcher for every tool.
 *
 *   address        an IPv4 dotted quad or an IPv6 address (inet_pton's
 *                  forms), optionally in brackets ("[2001:db8::1]")
 *   address/len    len 1 to 3 ASCII digits, at most 32 (IPv4) or 128
 *                  (IPv6): no sign, no space, nothing after
 *
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is the
 * IPv4 address: parsed as IPv4 (a prefix of 96 or more as the IPv4 prefix
 * len - 96; a shorter one is an IPv6 block), and a mapped address a packet
 * carries is inside an IPv4 block that holds a.b.c.d.
 */
#ifndef CAIRN_CIDR_H
#define CAIRN_CIDR_H

#include <stddef.h>

/* A block: the address as written (host bits kept unless
 * cairn_cidr_mask() cleared them), IPv4 in the first 4 bytes. */
typedef struct cairn_cidr {
	unsigned char addr[16];
	unsigned char family;   /* 4 or 6 */
	unsigned char bits;     /* prefix length; a lone address is /32, /128 */
} cairn_cidr;

/*
 * Parse one address, s[0..n) (no NUL needed), into addr (16 bytes, zero
 * past the address) and *family (4 or 6).  Returns 0, or CAIRN_EFORMAT (no
 * message set) when it is not an address.
 */
int cairn_cidr_addr_parse(unsigned char addr[16], unsigned char *family, const char *s, size_t n);

/*
 * Parse "address" or "address/len", s[0..n), into *out.  Returns 0, or
 * CAIRN_EFORMAT (no message set: the caller names the file or option) with
 * *why (when why is not NULL) set to a static reason: "not an IPv4 or IPv6
 * address", "bad prefix length" or "prefix length longer than the
 * address".
 */
int cairn_cidr_parse(cairn_cidr *out, const char *s, size_t n, const char **why);

/* Clear the host bits of c's address (its network address). */
void cairn_cidr_mask(cairn_cidr *c);

/* 1 when the address (family 4 or 6, raw bytes, IPv4 in the first 4) lies
 * in the block c, else 0. */
int cairn_cidr_contains(const cairn_cidr *c, unsigned family, const unsigned char *addr);

/*
 * The private, loopback and link-local blocks: 10.0.0.0/8, 172.16.0.0/12,
 * 192.168.0.0/16 (RFC 1918), 100.64.0.0/10 (RFC 6598), 127.0.0.0/8
 * (RFC 1122), 169.254.0.0/16 (RFC 3927), ::1/128, fe80::/10 (RFC 4291),
 * fc00::/7 (RFC 4193).  *n set to their count; static, in that order,
 * names[i] (when names is not NULL) is block i as written above.
 */
const cairn_cidr *cairn_cidr_private(size_t *n, const char *const **names);
/* 1 when the address lies in one of them. */
int cairn_cidr_is_private(unsigned family, const unsigned char *addr);

#endif
