/*
 * capture_decode.c - link layer, IPv4/IPv6 and TCP/UDP header decoding of
 * one captured packet.  Every read is bounded by the captured length; a
 * packet that claims more than it holds is MALFORMED or, when only the
 * snaplen cut it, decoded as far as it goes.
 */
#include "capture_int.h"

#include <string.h>

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define ETH_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS 8
#define MAX_V6_EXT 16

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071 one's complement sum, 16-bit words in network order. */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint32_t a = be32(p), b = be32(p + 4);

		sum += a;
		sum += b;
		p += 8;
		n -= 8;
	}
	while (n >= 2) {
		sum += be16(p);
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

int cap_verify_l4(const struct cap_pkt *p)
{
	const uint8_t *l4 = p->l4;
	size_t l4len = p->l4_len;
	uint64_t sum = 0;

	if (!l4)
		return -1;
	if (p->proto == 17 && p->ipver == 4 && be16(l4 + 6) == 0)
		return -1; /* UDP over IPv4 without checksum */
	if (p->ipver == 4) {
		sum = csum_add(sum, p->src, 4);
		sum = csum_add(sum, p->dst, 4);
	} else {
		sum = csum_add(sum, p->src, 16);
		sum = csum_add(sum, p->dst, 16);
	}
	sum += p->proto;
	sum += l4len;
	sum = csum_add(sum, l4, l4len);
	return csum_fold(sum) != 0xffff;
}

/* Transport header at l4; avail = captured bytes, claimed = per IP header. */
static int decode_l4(struct cap_pkt *p, const uint8_t *l4, size_t avail,
	size_t claimed)
{
	size_t hl;

	if (p->frag == CAP_FRAG_LATER || (p->proto != 6 && p->proto != 17))
		return CAP_DEC_OK;
	if (p->proto == 6) {
		if (avail < 20 || claimed < 20)
			return avail < claimed ? CAP_DEC_OK : CAP_DEC_MALFORMED;
		hl = (size_t)(l4[12] >> 4) * 4;
		if (hl < 20 || hl > claimed)
			return CAP_DEC_MALFORMED;
		p->sport = be16(l4);
		p->dport = be16(l4 + 2);
		p->seq = be32(l4 + 4);
		p->tcp_flags = l4[13];
		p->has_ports = 1;
		if (hl > avail)
			return CAP_DEC_OK;
	} else {
		if (avail < 8 || claimed < 8)
			return avail < claimed ? CAP_DEC_OK : CAP_DEC_MALFORMED;
		hl = 8;
		p->sport = be16(l4);
		p->dport = be16(l4 + 2);
		p->has_ports = 1;
		/* UDP length may be smaller than the IP payload (padding) */
		if (p->frag == CAP_FRAG_NONE) {
			size_t ul = be16(l4 + 4);

			if (ul < 8 || ul > claimed)
				return CAP_DEC_MALFORMED;
			claimed = ul;
		}
	}
	if (p->frag == CAP_FRAG_NONE && avail >= claimed) {
		p->l4 = l4;
		p->l4_len = claimed;
	}
	p->payload = l4 + hl;
	p->payload_len = (avail < claimed ? avail : claimed) - hl;
	return CAP_DEC_OK;
}

static int decode_ipv4(struct cap_pkt *p, const uint8_t *d, size_t n, int verify)
{
	size_t hl, total;
	uint16_t off;

	if (n < 20 || (d[0] >> 4) != 4)
		return CAP_DEC_MALFORMED;
	hl = (size_t)(d[0] & 15) * 4;
	total = be16(d + 2);
	if (hl < 20 || total < hl || hl > n)
		return CAP_DEC_MALFORMED;
	p->ipver = 4;
	p->proto = d[9];
	memcpy(p->src, d + 12, 4);
	memcpy(p->dst, d + 16, 4);
	p->ip_len = (uint32_t)total;
	p->frag_id = be16(d + 4);
	off = be16(d + 6);
	if (off & 0x1fff)
		p->frag = CAP_FRAG_LATER;
	else if (off & 0x2000)
		p->frag = CAP_FRAG_FIRST;
	if (verify && csum_fold(csum_add(0, d, hl)) != 0xffff)
		p->bad_checksum = 1;
	/* TSO captures show total 0: trust the captured length then */
	if (total == 0)
		total = n;
	return decode_l4(p, d + hl, n - hl < total - hl ? n - hl : total - hl,
		total - hl);
}

static int decode_ipv6(struct cap_pkt *p, const uint8_t *d, size_t n, int verify)
{
	size_t off = 40, end;
	uint8_t nh;
	int i;

	if (n < 40 || (d[0] >> 4) != 6)
		return CAP_DEC_MALFORMED;
	p->ipver = 6;
	memcpy(p->src, d + 8, 16);
	memcpy(p->dst, d + 24, 16);
	end = 40 + (size_t)be16(d + 4); /* jumbograms (length 0) are not supported */
	p->ip_len = (uint32_t)end;
	nh = d[6];
	/* RFC 8200 §4: walk extension headers until a transport header */
	for (i = 0; i < MAX_V6_EXT; i++) {
		size_t el;

		switch (nh) {
		case 0: case 43: case 60: case 135: case 139: case 140:
			if (off + 8 > n || off + 8 > end)
				return off + 8 > end ? CAP_DEC_MALFORMED : CAP_DEC_OK;
			el = ((size_t)d[off + 1] + 1) * 8;
			nh = d[off];
			off += el;
			continue;
		case 51: /* AH, RFC 4302: length in 4-octet units minus 2 */
			if (off + 8 > n || off + 8 > end)
				return off + 8 > end ? CAP_DEC_MALFORMED : CAP_DEC_OK;
			el = ((size_t)d[off + 1] + 2) * 4;
			nh = d[off];
			off += el;
			continue;
		case 44: { /* fragment header */
			uint16_t fo;

			if (off + 8 > n || off + 8 > end)
				return off + 8 > end ? CAP_DEC_MALFORMED : CAP_DEC_OK;
			nh = d[off];
			fo = be16(d + off + 2);
			p->frag_id = be32(d + off + 4);
			if (fo & 0xfff8)
				p->frag = CAP_FRAG_LATER;
			else if (fo & 1)
				p->frag = CAP_FRAG_FIRST;
			off += 8;
			if (p->frag == CAP_FRAG_LATER) {
				p->proto = nh;
				return CAP_DEC_OK;
			}
			continue;
		}
		default:
			break;
		}
		break;
	}
	if (i == MAX_V6_EXT || off > end)
		return CAP_DEC_MALFORMED;
	p->proto = nh;
	if (off > n) /* snaplen cut inside the extension headers */
		return CAP_DEC_OK;
	(void)verify;
	return decode_l4(p, d + off, (n < end ? n : end) - off, end - off);
}

static int decode_ethertype(struct cap_pkt *p, uint16_t type, const uint8_t *d,
	size_t n, int verify)
{
	int tags = 0;

	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		if (n < 4 || ++tags > MAX_VLAN_TAGS)
			return CAP_DEC_MALFORMED;
		type = be16(d + 2);
		d += 4;
		n -= 4;
	}
	if (type == ETH_IPV4)
		return decode_ipv4(p, d, n, verify);
	if (type == ETH_IPV6)
		return decode_ipv6(p, d, n, verify);
	return CAP_DEC_NOT_IP;
}

static int decode_by_version(struct cap_pkt *p, const uint8_t *d, size_t n, int verify)
{
	if (n < 1)
		return CAP_DEC_MALFORMED;
	if ((d[0] >> 4) == 4)
		return decode_ipv4(p, d, n, verify);
	if ((d[0] >> 4) == 6)
		return decode_ipv6(p, d, n, verify);
	return CAP_DEC_MALFORMED;
}

/* One NFLOG TLV walk (LINKTYPE_NFLOG, https://www.tcpdump.org/linktypes/
 * LINKTYPE_NFLOG.html): lengths and types in the byte order of the host that
 * logged (swap: the other one); each TLV padded to 4 bytes.  Returns 0 when
 * the chain is well-formed up to its end, -1 otherwise. */
static int nflog_walk(const uint8_t *d, size_t n, int swap, const uint8_t **pl, size_t *pll,
	int64_t *uid, int64_t *gid)
{
	size_t off = 4;

	*pl = NULL;
	*pll = 0;
	*uid = *gid = -1;
	while (off + 4 <= n) {
		uint16_t len, type;

		memcpy(&len, d + off, 2);
		memcpy(&type, d + off + 2, 2);
		if (swap) {
			len = (uint16_t)(len >> 8 | len << 8);
			type = (uint16_t)(type >> 8 | type << 8);
		}
		if (len < 4)
			return -1;
		/* the last TLV (the payload) may be cut by the snaplen */
		if (len > n - off)
			len = (uint16_t)(n - off);
		switch (type & 0x7fff) { /* NLA_F_NESTED / byte-order bits aside */
		case 9:  /* NFULA_PAYLOAD: the packet from its network header */
			*pl = d + off + 4;
			*pll = len - 4u;
			break;
		case 11: /* NFULA_UID, network order */
			if (len >= 8)
				*uid = be32(d + off + 4);
			break;
		case 14: /* NFULA_GID */
			if (len >= 8)
				*gid = be32(d + off + 4);
			break;
		default:
			break;
		}
		off += ((size_t)len + 3) & ~(size_t)3;
	}
	return 0;
}

static int decode_nflog(struct cap_pkt *p, const uint8_t *d, size_t n, int verify)
{
	const uint8_t *pl;
	size_t pll;
	int64_t uid, gid;
	int rc;

	if (n < 4)
		return CAP_DEC_MALFORMED;
	/* libpcap puts the TLV headers of a savefile in our byte order; the
	 * pcapng block reader does not: try ours, then the other */
	if ((nflog_walk(d, n, 0, &pl, &pll, &uid, &gid) < 0 || !pl) &&
	    (nflog_walk(d, n, 1, &pl, &pll, &uid, &gid) < 0 || !pl))
		return CAP_DEC_NOT_IP;
	if (d[0] == 2)
		rc = decode_ipv4(p, pl, pll, verify);
	else if (d[0] == 10)
		rc = decode_ipv6(p, pl, pll, verify);
	else
		return CAP_DEC_NOT_IP;
	if (uid >= 0) {
		p->has_uid = 1;
		p->uid = (uint32_t)uid;
	}
	if (gid >= 0) {
		p->has_gid = 1;
		p->gid = (uint32_t)gid;
	}
	return rc;
}

int cap_decode(struct cap_pkt *p, int linktype, const uint8_t *d, size_t n, int verify)
{
	uint32_t fam;

	memset(p, 0, sizeof(*p));
	switch (linktype) {
	case CAP_LT_EN10MB:
		if (n < 14)
			return CAP_DEC_MALFORMED;
		return decode_ethertype(p, be16(d + 12), d + 14, n - 14, verify);
	case CAP_LT_SLL:
		if (n < 16)
			return CAP_DEC_MALFORMED;
		return decode_ethertype(p, be16(d + 14), d + 16, n - 16, verify);
	case CAP_LT_SLL2:
		if (n < 20)
			return CAP_DEC_MALFORMED;
		return decode_ethertype(p, be16(d), d + 20, n - 20, verify);
	case CAP_LT_RAW: case CAP_LT_RAW_DLT12: case CAP_LT_RAW_DLT14:
		return decode_by_version(p, d, n, verify);
	case CAP_LT_IPV4:
		return decode_ipv4(p, d, n, verify);
	case CAP_LT_IPV6:
		return decode_ipv6(p, d, n, verify);
	case CAP_LT_NFLOG:
		return decode_nflog(p, d, n, verify);
	case CAP_LT_NULL: case CAP_LT_LOOP:
		if (n < 4)
			return CAP_DEC_MALFORMED;
		/* the family is in the capturing host's byte order (NULL) or
		 * network order (LOOP): accept either */
		fam = be32(d);
		if (fam > 0xffff)
			fam = (uint32_t)d[0] | (uint32_t)d[1] << 8;
		if (fam == 2)
			return decode_ipv4(p, d + 4, n - 4, verify);
		if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			return decode_ipv6(p, d + 4, n - 4, verify);
		return CAP_DEC_NOT_IP;
	default:
		return CAP_DEC_NOT_IP;
	}
}
