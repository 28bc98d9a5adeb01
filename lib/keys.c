/*
 * keys.c - Ed25519 key pairs (OpenSSL), PEM on disk.
 *
 * The private key file is created with O_EXCL and mode 0600 so that keygen
 * never overwrites a key and never exposes one, even briefly.
 */
#include "keys_int.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>
#include <unistd.h>

static const char *ossl_reason(void)
{
	unsigned long e = ERR_get_error();
	static _Thread_local char buf[256];

	if (!e)
		return "unknown OpenSSL error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

static int write_pem(const char *path, EVP_PKEY *pkey, int private_key)
{
	int fd, ok;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  private_key ? 0600 : 0644);
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "cannot create '%s': %s",
				       path, strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return cairn_error_set(CAIRN_EIO, "cannot write '%s': %s",
				       path, strerror(errno));
	}
	ok = private_key ? PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL)
			 : PEM_write_PUBKEY(f, pkey);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		unlink(path);
		return cairn_error_set(CAIRN_EIO, "cannot write key '%s'", path);
	}
	return 0;
}

int cairn_key_generate(const char *priv_path, const char *pub_path)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	int rc;

	if (!pkey)
		return cairn_error_set(CAIRN_EEXTERNAL, "Ed25519 keygen failed: %s",
				       ossl_reason());
	rc = write_pem(priv_path, pkey, 1);
	if (rc == 0) {
		rc = write_pem(pub_path, pkey, 0);
		if (rc < 0)
			unlink(priv_path);
	}
	EVP_PKEY_free(pkey);
	return rc;
}

static int load_key(cairn_key **out, const char *path, int private_key)
{
	FILE *f;
	EVP_PKEY *pkey;
	cairn_key *k;
	size_t len = 32;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "cannot open key '%s': %s",
				       path, strerror(errno));
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return cairn_error_set(CAIRN_EIO, "cannot read key '%s': %s",
				       path, strerror(errno));
	}
	pkey = private_key ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
			   : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!pkey) {
		ERR_clear_error();
		return cairn_error_set(CAIRN_EFORMAT, "key '%s': not a PEM %s key",
				       path, private_key ? "private" : "public");
	}
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		return cairn_error_set(CAIRN_EFORMAT, "key '%s': not an Ed25519 key",
				       path);
	}
	k = cairn_calloc(1, sizeof(*k));
	k->pkey = pkey;
	k->has_private = private_key;
	if (EVP_PKEY_get_raw_public_key(pkey, k->raw_pub, &len) != 1 || len != 32) {
		cairn_key_free(k);
		return cairn_error_set(CAIRN_EFORMAT, "key '%s': cannot read public part",
				       path);
	}
	*out = k;
	return 0;
}

int cairn_key_load_private(cairn_key **out, const char *path)
{
	return load_key(out, path, 1);
}

int cairn_key_load_public(cairn_key **out, const char *path)
{
	return load_key(out, path, 0);
}

void cairn_key_id(const cairn_key *k, char *buf)
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	EVP_Digest(k->raw_pub, 32, md, &mdlen, EVP_sha256(), NULL);
	cairn_hex(buf, md, 32);
}

void cairn_key_free(cairn_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

int cairn_key_sign(const cairn_key *k, const unsigned char *msg, size_t len,
		   unsigned char sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = 64;
	int ok;

	if (!k->has_private)
		return cairn_error_set(CAIRN_EUSAGE, "signing needs a private key");
	if (!ctx)
		cairn_oom();
	ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 && siglen == 64;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return cairn_error_set(CAIRN_EEXTERNAL, "Ed25519 sign failed: %s",
				       ossl_reason());
	return 0;
}

int cairn_key_verify(const cairn_key *k, const unsigned char *msg, size_t len,
		     const unsigned char sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		cairn_oom();
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestVerify(ctx, sig, 64, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : CAIRN_EVERIFY;
}
