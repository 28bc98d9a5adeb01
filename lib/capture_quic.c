/*
 * capture_quic.c - read the CRYPTO frames of QUIC client Initial packets.
 *
 * Initial packets are encrypted with keys anyone can derive from the
 * client's first Destination Connection ID (RFC 9001 §5.2), so a passive
 * observer can read the ClientHello and its SNI.  Versions: QUIC v1
 * (RFC 9000/9001) and v2 (RFC 9369: other salt, labels and type bits).
 * A packet that fails to decrypt is skipped, never trusted.
 */
#include "capture_int.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>

#define QUIC_V1 0x00000001u
#define QUIC_V2 0x6b3343cfu

/* RFC 9001 §5.2 */
static const uint8_t salt_v1[20] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a
};
/* RFC 9369 §3.3.1 */
static const uint8_t salt_v2[20] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9
};

struct quic_keys {
	uint8_t key[16], iv[12], hp[16];
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 9000 §16 variable-length integer; 0 on success. */
static int varint(const uint8_t *p, size_t n, size_t *off, uint64_t *v)
{
	size_t len, i;

	if (*off >= n)
		return -1;
	len = (size_t)1 << (p[*off] >> 6);
	if (*off + len > n)
		return -1;
	*v = p[*off] & 0x3f;
	for (i = 1; i < len; i++)
		*v = *v << 8 | p[*off + i];
	*off += len;
	return 0;
}

/* RFC 8446 §7.1 HKDF-Expand-Label with an empty context; out_len <= 32. */
static int expand_label(uint8_t *out, size_t out_len, const uint8_t *secret,
	const char *label)
{
	uint8_t info[128], t[EVP_MAX_MD_SIZE];
	unsigned tlen = 0;
	size_t ll = strlen(label), il = 0;

	info[il++] = (uint8_t)(out_len >> 8);
	info[il++] = (uint8_t)out_len;
	info[il++] = (uint8_t)(6 + ll);
	memcpy(info + il, "tls13 ", 6);
	il += 6;
	memcpy(info + il, label, ll);
	il += ll;
	info[il++] = 0;         /* context length */
	info[il++] = 1;         /* HKDF-Expand counter: one block is enough */
	if (!HMAC(EVP_sha256(), secret, 32, info, il, t, &tlen) || tlen < out_len)
		return -1;
	memcpy(out, t, out_len);
	OPENSSL_cleanse(t, sizeof(t));
	return 0;
}

static int derive_keys(struct quic_keys *k, uint32_t version, const uint8_t *dcid,
	size_t dcid_len)
{
	uint8_t initial[EVP_MAX_MD_SIZE], client[32];
	unsigned il = 0;
	int v2 = version == QUIC_V2, rc = -1;

	if (!HMAC(EVP_sha256(), v2 ? salt_v2 : salt_v1, 20, dcid, dcid_len,
	          initial, &il) || il != 32)
		goto done;
	if (expand_label(client, 32, initial, "client in") < 0 ||
	    expand_label(k->key, 16, client, v2 ? "quicv2 key" : "quic key") < 0 ||
	    expand_label(k->iv, 12, client, v2 ? "quicv2 iv" : "quic iv") < 0 ||
	    expand_label(k->hp, 16, client, v2 ? "quicv2 hp" : "quic hp") < 0)
		goto done;
	rc = 0;
done:
	OPENSSL_cleanse(initial, sizeof(initial));
	OPENSSL_cleanse(client, sizeof(client));
	return rc;
}

int cap_quic_initial_keys(uint8_t key[16], uint8_t iv[12], uint8_t hp[16], uint32_t version,
	const uint8_t *dcid, size_t dcid_len)
{
	struct quic_keys k;

	if (derive_keys(&k, version, dcid, dcid_len) < 0)
		return -1;
	memcpy(key, k.key, 16);
	memcpy(iv, k.iv, 12);
	memcpy(hp, k.hp, 16);
	OPENSSL_cleanse(&k, sizeof(k));
	return 0;
}

static int aes_ecb_block(uint8_t out[16], const uint8_t key[16], const uint8_t in[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l1 = 0, ok;

	if (!ctx)
		return -1;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
		EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
		EVP_EncryptUpdate(ctx, out, &l1, in, 16) == 1 && l1 == 16;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int aes_gcm_open(uint8_t *out, const struct quic_keys *k, uint64_t pn,
	const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len)
{
	EVP_CIPHER_CTX *ctx;
	uint8_t nonce[12];
	int l1 = 0, l2 = 0, ok, i;

	if (ct_len < 16)
		return -1;
	memcpy(nonce, k->iv, 12);
	for (i = 0; i < 8; i++) /* RFC 9001 §5.3: pn XORed into the IV's tail */
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
		EVP_DecryptInit_ex(ctx, NULL, NULL, k->key, nonce) == 1 &&
		EVP_DecryptUpdate(ctx, NULL, &l1, aad, (int)aad_len) == 1 &&
		EVP_DecryptUpdate(ctx, out, &l1, ct, (int)(ct_len - 16)) == 1 &&
		EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
			(void *)(ct + ct_len - 16)) == 1 &&
		EVP_DecryptFinal_ex(ctx, out + l1, &l2) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? l1 + l2 : -1;
}

static int initial_type(uint32_t version, uint8_t b0)
{
	unsigned type = (b0 >> 4) & 3;

	if (version == QUIC_V1)
		return type == 0;
	if (version == QUIC_V2)
		return type == 1;
	return 0;
}

int cap_quic_is_initial(const uint8_t *p, size_t n, uint8_t *dcid, size_t *dcid_len)
{
	uint32_t version;

	if (n < 7 || !(p[0] & 0x80))
		return 0;
	version = be32(p + 1);
	if (!initial_type(version, p[0]))
		return 0;
	if (p[5] > CAP_QUIC_CID_MAX || 6 + (size_t)p[5] > n)
		return 0;
	memcpy(dcid, p + 6, p[5]);
	*dcid_len = p[5];
	return 1;
}

/* Walk the frames of a decrypted Initial payload (RFC 9000 §19). */
static void read_frames(const uint8_t *p, size_t n, cap_quic_crypto_fn fn, void *ctx)
{
	size_t off = 0;

	while (off < n) {
		uint64_t type, a, b, c, i;

		if (varint(p, n, &off, &type) < 0)
			return;
		switch (type) {
		case 0x00: /* PADDING */
		case 0x01: /* PING */
			continue;
		case 0x02: case 0x03: /* ACK */
			if (varint(p, n, &off, &a) < 0 || varint(p, n, &off, &a) < 0 ||
			    varint(p, n, &off, &c) < 0 || varint(p, n, &off, &a) < 0)
				return;
			for (i = 0; i < c; i++)
				if (varint(p, n, &off, &a) < 0 || varint(p, n, &off, &b) < 0)
					return;
			if (type == 0x03)
				for (i = 0; i < 3; i++)
					if (varint(p, n, &off, &a) < 0)
						return;
			continue;
		case 0x06: /* CRYPTO */
			if (varint(p, n, &off, &a) < 0 || varint(p, n, &off, &b) < 0 ||
			    b > n - off)
				return;
			fn(ctx, a, p + off, (size_t)b);
			off += (size_t)b;
			continue;
		case 0x1c: /* CONNECTION_CLOSE */
			if (varint(p, n, &off, &a) < 0 || varint(p, n, &off, &a) < 0 ||
			    varint(p, n, &off, &b) < 0 || b > n - off)
				return;
			off += (size_t)b;
			continue;
		default:
			return; /* not allowed in Initial packets */
		}
	}
}

int cap_quic_client_initial(const uint8_t *p, size_t n, const uint8_t *key_dcid,
	size_t key_dcid_len, cap_quic_crypto_fn fn, void *ctx)
{
	static _Thread_local uint8_t plain[65536];
	static _Thread_local uint8_t hdr[2048];
	struct quic_keys keys;
	uint32_t keys_version = 0;
	int decrypted = 0;
	size_t off = 0;

	/* RFC 9000 §12.2: several long-header packets may share one datagram */
	while (off + 7 <= n) {
		const uint8_t *pkt = p + off;
		size_t rem = n - off, o, pn_off, pn_len, hlen, i;
		uint64_t tok_len, length, pn = 0;
		uint32_t version;
		uint8_t mask[16], b0;
		int r;

		if (!(pkt[0] & 0x80))
			break; /* short header: the rest of the datagram */
		version = be32(pkt + 1);
		if (version != QUIC_V1 && version != QUIC_V2)
			break;
		o = 5;
		if (pkt[o] > CAP_QUIC_CID_MAX || o + 1 + pkt[o] >= rem)
			break;
		o += 1 + (size_t)pkt[o];
		if (pkt[o] > CAP_QUIC_CID_MAX || o + 1 + pkt[o] > rem)
			break;
		o += 1 + (size_t)pkt[o];
		if (initial_type(version, pkt[0])) {
			if (varint(pkt, rem, &o, &tok_len) < 0 || tok_len > rem - o)
				break;
			o += (size_t)tok_len;
		}
		if (varint(pkt, rem, &o, &length) < 0 || length > rem - o)
			break;
		pn_off = o;
		off += o + (size_t)length;
		if (!initial_type(version, pkt[0]))
			continue; /* 0-RTT/Handshake: other keys */
		/* RFC 9001 §5.4.2: sample 16 bytes starting 4 after the pn */
		if (length < 4 + 16 || pn_off + 4 + 16 > rem || pn_off + 4 > sizeof(hdr))
			continue;
		if (keys_version != version) {
			if (derive_keys(&keys, version, key_dcid, key_dcid_len) < 0)
				break;
			keys_version = version;
		}
		if (aes_ecb_block(mask, keys.hp, pkt + pn_off + 4) < 0)
			continue;
		b0 = (uint8_t)(pkt[0] ^ (mask[0] & 0x0f));
		pn_len = (size_t)(b0 & 3) + 1;
		hlen = pn_off + pn_len;
		memcpy(hdr, pkt, hlen);
		hdr[0] = b0;
		for (i = 0; i < pn_len; i++) {
			hdr[pn_off + i] = pkt[pn_off + i] ^ mask[1 + i];
			pn = pn << 8 | hdr[pn_off + i];
		}
		r = aes_gcm_open(plain, &keys, pn, hdr, hlen, pkt + hlen,
			(size_t)length - pn_len);
		if (r < 0)
			continue;
		decrypted++;
		read_frames(plain, (size_t)r, fn, ctx);
	}
	OPENSSL_cleanse(&keys, sizeof(keys));
	return decrypted;
}
