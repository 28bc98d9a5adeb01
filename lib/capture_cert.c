/*
 * capture_cert.c - the server's certificate as evidence of a name.
 *
 * A client can put any name in its SNI, and a server it controls can
 * present a certificate it made itself for any name.  What a certificate
 * authority vouched for is different: a chain that verifies to a root of
 * the system's trust store, valid when the connection was made.  Up to
 * TLS 1.2 the server sends that chain in the clear, in the Certificate
 * message after its ServerHello (RFC 5246 §7.4.2); TLS 1.3 encrypts it
 * (RFC 8446 §4.4.2) and a resumed session sends none, so there is nothing
 * to read then.  The chain is parsed by OpenSSL (d2i_X509) and verified
 * by it (X509_verify_cert, at the connection's time, purpose TLS server);
 * only the record and handshake framing around it is read here, every
 * length checked against what is there.
 */
#include "capture_engine.h"

#include <openssl/err.h>
#include <stdlib.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A ServerHello body that selects TLS 1.3 (RFC 8446 §4.2.1: the
 * supported_versions extension; drafts used 0x7fxx). */
static int hello_is_tls13(const uint8_t *p, size_t n)
{
	size_t off = 34, end;

	if (n < 2)
		return 0;
	if (be16(p) == 0x0304 || p[0] == 0x7f)
		return 1;
	if (n < off + 1)
		return 0;
	off += 1 + (size_t)p[off];          /* session id */
	off += 3;                           /* cipher suite, compression */
	if (off + 2 > n)
		return 0;
	end = off + 2 + be16(p + off);
	if (end > n)
		return 0;
	for (off += 2; off + 4 <= end; off += 4 + be16(p + off + 2)) {
		if (be16(p + off) == 43 && be16(p + off + 2) == 2 && off + 6 <= end)
			return be16(p + off + 4) == 0x0304 || p[off + 4] == 0x7f;
	}
	return 0;
}

int cap_tls_server_certs(struct cap_cert_chain *out, const uint8_t *p, size_t n)
{
	/* the handshake stream: a message may span records (RFC 5246 §6.2.1) */
	static _Thread_local uint8_t hs[INSPECT_MAX];
	const size_t hs_cap = sizeof(hs);
	size_t hl = 0, m = 0;

	out->n = 0;
	/* the handshake messages, from the fragments of the handshake
	 * records; anything else before the certificate ends the search */
	if (cap_tls_records(hs, hs_cap, &hl, p, n, NULL, NULL) == CAP_HELLO_NOT)
		return CAP_HELLO_NOT;
	while (m + 4 <= hl) {
		uint8_t type = hs[m];
		size_t len = be24(hs + m + 1);

		if (len > hs_cap)
			return CAP_HELLO_NOT;
		if (m + 4 + len > hl)
			return CAP_HELLO_MORE;
		if (type == 2) {                /* ServerHello */
			if (hello_is_tls13(hs + m + 4, len))
				return CAP_HELLO_NOT;
		} else if (type == 11) {        /* Certificate */
			const uint8_t *b = hs + m + 4;
			size_t total, k = 3;

			if (len < 3 || (total = be24(b)) + 3 != len)
				return CAP_HELLO_NOT;
			while (k + 3 <= len) {
				size_t cl = be24(b + k);

				if (cl == 0 || k + 3 + cl > len)
					return CAP_HELLO_NOT;
				if (out->n < CAP_CERT_CHAIN_MAX) {
					out->der[out->n] = b + k + 3;
					out->len[out->n] = cl;
					out->n++;
				}
				k += 3 + cl;
			}
			if (k != len || !out->n)
				return CAP_HELLO_NOT;
			return CAP_HELLO_FOUND;
		} else if (type != 0) {         /* HelloRequest may come first */
			return CAP_HELLO_NOT;   /* key exchange, done: no certificate */
		}
		m += 4 + len;
	}
	return CAP_HELLO_MORE;
}

/* ---- the verdict on a chain, once per chain, name and day ---- */

/* The system's roots: loaded once a process, with the first chain (a few
 * hundred certificates; read-only afterwards, shared by every analysis). */
static X509_STORE *trust;
static pthread_once_t trust_once = PTHREAD_ONCE_INIT;

static void trust_load(void)
{
	trust = X509_STORE_new();
	if (trust && X509_STORE_set_default_paths(trust) != 1) {
		X509_STORE_free(trust);
		trust = NULL;
	}
	ERR_clear_error();
}

struct cap_certs {
	struct kmap seen;       /* (chain hash, name hash ^ day) -> verdicts[] */
	struct cap_cert_verdict *verdicts;
	size_t nverdicts, cverdicts;
};

void cap_certs_free(struct cap_certs *s)
{
	if (!s)
		return;
	cap_kmap_release(&s->seen);
	free(s->verdicts);
	free(s);
}

/* A name of the certificate in presentation form, interned; NULL when it
 * has none (an IA5String that is no host name is escaped, not dropped). */
static const char *asn1_name(cairn_capture *c, const ASN1_STRING *s)
{
	char out[CAP_DNS_NAME_MAX + 1];

	if (!s || ASN1_STRING_length(s) <= 0)
		return NULL;
	if (cap_name_present(out, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s), 1) < 0 ||
	    !out[0])
		return NULL;
	return cap_intern(&c->strs, out);
}

/* The leaf's own name: its subject CN when its SANs cover it (or it has
 * none), else its first DNS SAN. */
static const char *leaf_name(cairn_capture *c, X509 *leaf)
{
	X509_NAME *subj = X509_get_subject_name(leaf);
	GENERAL_NAMES *sans = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	const char *name = NULL;
	int i = subj ? X509_NAME_get_index_by_NID(subj, NID_commonName, -1) : -1;

	if (i >= 0) {
		const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));

		name = asn1_name(c, cn);
		if (name && sans && X509_check_host(leaf, name, 0, 0, NULL) != 1)
			name = NULL;
	}
	for (i = 0; !name && sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);

		if (g->type == GEN_DNS)
			name = asn1_name(c, g->d.dNSName);
	}
	GENERAL_NAMES_free(sans);
	return name;
}

static int chain_verifies(X509 *leaf, STACK_OF(X509) *rest, int64_t ts)
{
	X509_STORE_CTX *ctx;
	int ok = 0;

	pthread_once(&trust_once, trust_load);
	if (!trust || !(ctx = X509_STORE_CTX_new()))
		return 0;
	if (X509_STORE_CTX_init(ctx, trust, leaf, rest) == 1) {
		X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);

		X509_VERIFY_PARAM_set_time(vp, (time_t)(ts / 1000000000LL));
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
		ok = X509_verify_cert(ctx) == 1;
	}
	X509_STORE_CTX_free(ctx);
	return ok;
}

void cap_cert_judge(cairn_capture *c, struct cap_cert_verdict *out,
	const struct cap_cert_chain *ch, const char *sni, int64_t ts)
{
	struct cap_certs *s = c->certs;
	uint8_t key[16];
	uint64_t h = 0, k2;
	uint32_t *v;
	X509 *leaf;
	STACK_OF(X509) *rest;
	const unsigned char *d;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!s) {
		s = c->certs = cairn_calloc(1, sizeof(*s));
		cap_kmap_init(&s->seen, sizeof(key));
	}
	for (i = 0; i < ch->n; i++)
		h = XXH3_64bits_withSeed(ch->der[i], ch->len[i], h);
	k2 = (sni ? XXH3_64bits(sni, strlen(sni)) : 0) ^
		((uint64_t)(ts / (86400LL * 1000000000LL)) * 0x9e3779b97f4a7c15ull);
	memcpy(key, &h, 8);
	memcpy(key + 8, &k2, 8);
	v = cap_kmap_find(&s->seen, key, 0);
	if (v) {
		*out = s->verdicts[*v];
		return;
	}

	d = ch->der[0];
	leaf = d2i_X509(NULL, &d, (long)ch->len[0]);
	if (leaf) {
		rest = sk_X509_new_null();
		for (i = 1; rest && i < ch->n; i++) {
			X509 *x;

			d = ch->der[i];
			if ((x = d2i_X509(NULL, &d, (long)ch->len[i])) && !sk_X509_push(rest, x))
				X509_free(x);
		}
		if (sni && X509_check_host(leaf, sni, strlen(sni), 0, NULL) == 1) {
			out->name = sni;
			out->covers_sni = 1;
		} else {
			out->name = leaf_name(c, leaf);
		}
		if (out->name)
			out->verified = chain_verifies(leaf, rest, ts);
		sk_X509_pop_free(rest, X509_free);
		X509_free(leaf);
	}
	ERR_clear_error();

	if (s->nverdicts == s->cverdicts) {
		s->cverdicts = s->cverdicts ? s->cverdicts * 2 : 16;
		s->verdicts = cairn_realloc(s->verdicts, s->cverdicts * sizeof(*s->verdicts));
	}
	s->verdicts[s->nverdicts] = *out;
	*cap_kmap_find(&s->seen, key, 1) = (uint32_t)s->nverdicts++;
}
