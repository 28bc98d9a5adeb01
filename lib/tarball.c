/*
 * tarball.c - strict streaming reader of npm tarballs (see tarball.h).
 * Formats: POSIX.1-2001 ustar header (name/prefix), pax extended headers
 * ('x': path, linkpath, size), GNU long name/link ('L'/'K').
 */
#include "tarball.h"
#include "pkgfs.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct src {
	const unsigned char *in;
	size_t in_len;
	int gz;
	z_stream zs;
	int z_done;
	size_t raw_pos;          /* plain tar */
	uint64_t out_total;
	uint64_t cap;
	unsigned char buf[65536];
	size_t buf_pos, buf_len;
	const char *label;
} src;

static int src_fill(src *s)
{
	int zr;

	s->buf_pos = s->buf_len = 0;
	if (!s->gz) {
		size_t n = s->in_len - s->raw_pos;

		if (n > sizeof(s->buf))
			n = sizeof(s->buf);
		memcpy(s->buf, s->in + s->raw_pos, n);
		s->raw_pos += n;
		s->buf_len = n;
		return 0;
	}
	while (s->buf_len == 0 && !s->z_done) {
		s->zs.next_out = s->buf;
		s->zs.avail_out = sizeof(s->buf);
		zr = inflate(&s->zs, Z_NO_FLUSH);
		s->buf_len = sizeof(s->buf) - s->zs.avail_out;
		if (zr == Z_STREAM_END) {
			/* concatenated gzip members (RFC 1952 §2.2) */
			if (s->zs.avail_in > 0 && s->zs.next_in[0] == 0x1f)
				inflateReset(&s->zs);
			else
				s->z_done = 1;
		} else if (zr == Z_BUF_ERROR && s->zs.avail_in == 0) {
			if (s->buf_len == 0)
				return cairn_error_set(CAIRN_EFORMAT, "%s: truncated gzip stream", s->label);
		} else if (zr != Z_OK) {
			return cairn_error_set(CAIRN_EFORMAT, "%s: gzip: %s", s->label,
					       s->zs.msg ? s->zs.msg : "inflate failed");
		}
	}
	s->out_total += s->buf_len;
	if (s->out_total > s->cap)
		return cairn_error_set(CAIRN_ELIMIT,
				       "%s: expands past %llu bytes (gzip bomb cap)",
				       s->label, (unsigned long long)s->cap);
	return 0;
}

/* Read exactly n bytes into out (or discard when out is NULL; feed md). */
static int src_read(src *s, unsigned char *out, uint64_t n, EVP_MD_CTX *md)
{
	while (n) {
		size_t k;
		int rc;

		if (s->buf_pos == s->buf_len) {
			rc = src_fill(s);
			if (rc < 0)
				return rc;
			if (s->buf_len == 0)
				return cairn_error_set(CAIRN_EFORMAT, "%s: truncated archive", s->label);
		}
		k = s->buf_len - s->buf_pos;
		if (k > n)
			k = (size_t)n;
		if (out) {
			memcpy(out, s->buf + s->buf_pos, k);
			out += k;
		}
		if (md)
			EVP_DigestUpdate(md, s->buf + s->buf_pos, k);
		s->buf_pos += k;
		n -= k;
	}
	return 0;
}

static int parse_octal(const unsigned char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {           /* GNU base-256 */
		v = p[0] & 0x3f;
		for (i = 1; i < n; i++) {
			if (v >> 55)
				return -1;
			v = (v << 8) | p[i];
		}
		*out = v;
		return 0;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\0'))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static int header_ok(const unsigned char *h)
{
	uint64_t want;
	unsigned sum = 0;
	size_t i;

	if (parse_octal(h + 148, 8, &want) < 0)
		return 0;
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

static int all_zero(const unsigned char *h)
{
	size_t i;

	for (i = 0; i < 512; i++)
		if (h[i])
			return 0;
	return 1;
}

/* Path checks: no absolute path, no '..' component. */
static int path_bad(const char *p)
{
	const char *c = p;

	if (*p == '/')
		return 1;
	while (*c) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);

		if (n == 2 && c[0] == '.' && c[1] == '.')
			return 1;
		if (!e)
			break;
		c = e + 1;
	}
	return 0;
}

/* Does a link at entry path `path` to `target` stay inside the package?
 * Both are package-relative (stripped); a symlink target is relative to
 * the link's folder, a hard link target to the package root. */
static int link_escapes(const char *path, const char *target, int symlink)
{
	long depth = 0;
	const char *c;

	if (*target == '/')
		return 1;
	if (symlink) {
		for (c = path; *c; c++)
			if (*c == '/')
				depth++;
	}
	c = target;
	while (*c) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);

		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (n && !(n == 1 && c[0] == '.')) {
			depth++;
		}
		if (!e)
			break;
		c = e + 1;
	}
	return 0;
}

/* pax extended header records: "LEN key=value\n" */
static int pax_parse(const char *p, size_t n, cairn_buf *path, cairn_buf *link,
		     uint64_t *size, int *have_size)
{
	size_t off = 0;

	while (off < n) {
		size_t len = 0, i = off, eq;

		while (i < n && p[i] >= '0' && p[i] <= '9') {
			len = len * 10 + (size_t)(p[i] - '0');
			if (len > n)
				return -1;
			i++;
		}
		if (i >= n || p[i] != ' ' || len == 0 || off + len > n || p[off + len - 1] != '\n')
			return -1;
		i++;
		for (eq = i; eq < off + len && p[eq] != '='; eq++)
			;
		if (eq >= off + len)
			return -1;
		if (eq - i == 4 && !memcmp(p + i, "path", 4)) {
			cairn_buf_clear(path);
			cairn_buf_add(path, p + eq + 1, off + len - 1 - eq - 1);
		} else if (eq - i == 8 && !memcmp(p + i, "linkpath", 8)) {
			cairn_buf_clear(link);
			cairn_buf_add(link, p + eq + 1, off + len - 1 - eq - 1);
		} else if (eq - i == 4 && !memcmp(p + i, "size", 4)) {
			uint64_t v = 0;
			size_t k;

			for (k = eq + 1; k < off + len - 1; k++) {
				if (p[k] < '0' || p[k] > '9' || v > UINT64_MAX / 10 - 10)
					return -1;
				v = v * 10 + (uint64_t)(p[k] - '0');
			}
			*size = v;
			*have_size = 1;
		}
		off += len;
	}
	return 0;
}

static const char *strip_path(const char *p, int strip)
{
	while (strip-- > 0) {
		const char *s = strchr(p, '/');

		if (!s)
			return "";
		p = s + 1;
	}
	while (*p == '/')
		p++;
	return p;
}

int cairn_tarball_scan(const void *data, size_t len, int strip,
		       cairn_tar_cb cb, void *ctx, const char *label)
{
	return cairn_tarball_read(data, len, strip, 0, cb, ctx, label);
}

int cairn_tarball_read(const void *data, size_t len, int strip, size_t keep,
		       cairn_tar_cb cb, void *ctx, const char *label)
{
	src *s = cairn_calloc(1, sizeof(*s));
	unsigned char h[512];
	cairn_buf pax_path = CAIRN_BUF_INIT, pax_link = CAIRN_BUF_INIT;
	cairn_buf name = CAIRN_BUF_INIT, link = CAIRN_BUF_INIT, meta = CAIRN_BUF_INIT;
	cairn_buf body = CAIRN_BUF_INIT;
	uint64_t pax_size = 0;
	int have_pax_size = 0, zeros = 0, rc = 0;
	unsigned long entries = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	s->in = data;
	s->in_len = len;
	s->label = label;
	s->cap = (uint64_t)len * CAIRN_TAR_RATIO + (1u << 20);
	if (s->cap > CAIRN_TAR_MAX_EXPAND)
		s->cap = CAIRN_TAR_MAX_EXPAND;
	if (!md) {
		rc = cairn_error_set(CAIRN_EEXTERNAL, "%s: OpenSSL: no digest context", label);
		goto done;
	}
	if (len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		s->gz = 1;
		s->zs.next_in = (unsigned char *)s->in;
		s->zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
		if (inflateInit2(&s->zs, 15 + 16) != Z_OK) {
			rc = cairn_error_set(CAIRN_EEXTERNAL, "%s: zlib init failed", label);
			s->gz = 0;
			goto done;
		}
	}
	for (;;) {
		uint64_t size;
		int type, kind;
		cairn_tar_member m;
		const char *stripped;

		rc = src_read(s, h, 512, NULL);
		if (rc < 0) {
			/* a tar that ends without its two zero blocks, right at a
			 * header boundary, is what many packers write: accept */
			if (s->buf_pos == s->buf_len && entries > 0 &&
			    ((s->gz && s->z_done) || (!s->gz && s->raw_pos == s->in_len)) &&
			    strstr(cairn_error_last(), "truncated archive")) {
				rc = 0;
			}
			break;
		}
		if (all_zero(h)) {
			if (++zeros == 2)
				break;
			continue;
		}
		zeros = 0;
		if (!header_ok(h)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry %lu: bad header checksum",
					     label, entries + 1);
			break;
		}
		if (++entries > CAIRN_TAR_MAX_ENTRIES) {
			rc = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u entries", label,
					     CAIRN_TAR_MAX_ENTRIES);
			break;
		}
		if (parse_octal(h + 124, 12, &size) < 0) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry %lu: bad size field", label, entries);
			break;
		}
		type = h[156];
		if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
			uint64_t padded = (size + 511) & ~(uint64_t)511;

			if (size > (1u << 20)) {
				rc = cairn_error_set(CAIRN_ELIMIT, "%s: entry %lu: %c header over 1 MiB",
						     label, entries, type);
				break;
			}
			cairn_buf_clear(&meta);
			cairn_buf_grow(&meta, (size_t)padded);
			rc = src_read(s, (unsigned char *)meta.data, padded, NULL);
			if (rc < 0)
				break;
			meta.len = (size_t)size;
			meta.data[meta.len] = '\0';
			if (type == 'x') {
				if (pax_parse(meta.data, meta.len, &pax_path, &pax_link,
					      &pax_size, &have_pax_size) < 0) {
					rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry %lu: bad pax header",
							     label, entries);
					break;
				}
			} else if (type == 'L') {
				cairn_buf_clear(&pax_path);
				cairn_buf_add(&pax_path, meta.data, strnlen(meta.data, meta.len));
			} else if (type == 'K') {
				cairn_buf_clear(&pax_link);
				cairn_buf_add(&pax_link, meta.data, strnlen(meta.data, meta.len));
			}
			continue;
		}
		/* name: pax/GNU long name, else ustar prefix + "/" + name */
		cairn_buf_clear(&name);
		if (pax_path.len) {
			cairn_buf_add(&name, pax_path.data, pax_path.len);
		} else {
			if (!memcmp(h + 257, "ustar", 5) && h[345]) {
				cairn_buf_add(&name, h + 345, strnlen((char *)h + 345, 155));
				cairn_buf_addch(&name, '/');
			}
			cairn_buf_add(&name, h, strnlen((char *)h, 100));
		}
		cairn_buf_clear(&link);
		if (pax_link.len)
			cairn_buf_add(&link, pax_link.data, pax_link.len);
		else
			cairn_buf_add(&link, h + 157, strnlen((char *)h + 157, 100));
		if (have_pax_size)
			size = pax_size;
		cairn_buf_clear(&pax_path);
		cairn_buf_clear(&pax_link);
		have_pax_size = 0;

		if (memchr(name.data, '\0', name.len) || path_bad(name.data)) {
			rc = cairn_error_set(CAIRN_EFORMAT,
					     "%s: entry %lu: path '%s' is absolute or has '..' (refused)",
					     label, entries, name.data);
			break;
		}
		stripped = strip_path(name.data, strip);
		switch (type) {
		case '0': case '\0': case '7':
			kind = CAIRN_TAR_FILE;
			break;
		case '5':
			kind = CAIRN_TAR_DIR;
			break;
		case '2':
			kind = CAIRN_TAR_SYMLINK;
			break;
		case '1':
			kind = CAIRN_TAR_HARDLINK;
			break;
		default:
			kind = CAIRN_TAR_OTHER;
			break;
		}
		if (kind == CAIRN_TAR_SYMLINK || kind == CAIRN_TAR_HARDLINK) {
			const char *target = link.data ? link.data : "";

			if (kind == CAIRN_TAR_HARDLINK)
				target = strip_path(target, strip);
			if (!*target || link_escapes(stripped, target, kind == CAIRN_TAR_SYMLINK) ||
			    (kind == CAIRN_TAR_HARDLINK && path_bad(link.data))) {
				rc = cairn_error_set(CAIRN_EFORMAT,
						     "%s: entry %lu: link '%s' -> '%s' leaves the package (refused)",
						     label, entries, name.data, link.data ? link.data : "");
				break;
			}
		}
		memset(&m, 0, sizeof(m));
		m.path = stripped;
		m.kind = kind;
		m.size = size;
		m.link = (kind == CAIRN_TAR_SYMLINK || kind == CAIRN_TAR_HARDLINK) ? link.data : NULL;
		if (kind == CAIRN_TAR_FILE) {
			unsigned int dl = 0;

			EVP_DigestInit_ex(md, EVP_sha256(), NULL);
			if (keep && size <= keep) {
				/* the size is bounded by keep, never by the header alone */
				cairn_buf_clear(&body);
				cairn_buf_grow(&body, (size_t)size + 1);
				rc = src_read(s, (unsigned char *)body.data, size, md);
				m.data = (const unsigned char *)body.data;
			} else {
				rc = src_read(s, NULL, size, md);
			}
			if (rc < 0)
				break;
			EVP_DigestFinal_ex(md, m.sha256, &dl);
			rc = src_read(s, NULL, ((size + 511) & ~(uint64_t)511) - size, NULL);
		} else {
			/* links and folders carry no data; others are skipped */
			rc = src_read(s, NULL, (size + 511) & ~(uint64_t)511, NULL);
		}
		if (rc < 0)
			break;
		if (*stripped) {
			rc = cb(ctx, &m);
			if (rc < 0)
				break;
		}
	}
done:
	if (s->gz)
		inflateEnd(&s->zs);
	EVP_MD_CTX_free(md);
	free(s);
	cairn_buf_release(&pax_path);
	cairn_buf_release(&pax_link);
	cairn_buf_release(&name);
	cairn_buf_release(&link);
	cairn_buf_release(&meta);
	cairn_buf_release(&body);
	return rc;
}
