/*
 * yarnzip.c - Berry's zip archives (yarnzip.h), read with libzip from
 * memory (zip_source_buffer): no file is written, no path is trusted.
 */
#include "yarnzip.h"
#include "pkgfs.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

static int bad_name(const char *n)
{
	const char *p = n;

	if (*n == '/' || strchr(n, '\\'))
		return 1;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == 2 && !memcmp(p, "..", 2))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

int cairn_zip_scan(const void *data, size_t len, const char *prefix,
		   cairn_tar_cb cb, void *ctx, const char *label)
{
	zip_error_t zerr;
	zip_source_t *src;
	zip_t *z;
	zip_int64_t n, i;
	size_t plen = strlen(prefix);
	uint64_t total = 0;
	int rc = 0;

	zip_error_init(&zerr);
	src = zip_source_buffer_create(data, len, 0, &zerr);
	if (!src) {
		rc = cairn_error_set(CAIRN_EEXTERNAL, "%s: libzip: %s", label, zip_error_strerror(&zerr));
		zip_error_fini(&zerr);
		return rc;
	}
	z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!z) {
		rc = cairn_error_set(CAIRN_EFORMAT, "%s: not a zip archive: %s", label,
				     zip_error_strerror(&zerr));
		zip_source_free(src);
		zip_error_fini(&zerr);
		return rc;
	}
	zip_error_fini(&zerr);
	n = zip_get_num_entries(z, 0);
	if (n < 0 || (uint64_t)n > CAIRN_TAR_MAX_ENTRIES) {
		rc = cairn_error_set(CAIRN_EFORMAT, "%s: more than %u entries", label,
				     CAIRN_TAR_MAX_ENTRIES);
		goto done;
	}
	for (i = 0; i < n && rc == 0; i++) {
		zip_stat_t st;
		zip_uint8_t opsys;
		zip_uint32_t attr = 0;
		cairn_tar_member m;
		const char *name;
		size_t nl;

		zip_stat_init(&st);
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME) ||
		    !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry %lld: unreadable header", label,
					     (long long)i);
			break;
		}
		name = st.name;
		nl = strlen(name);
		if (bad_name(name)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry '%s' leaves the archive", label, name);
			break;
		}
		if (st.size > CAIRN_TAR_RATIO * st.comp_size + (1u << 20)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry '%s' expands %llu bytes from %llu",
					     label, name, (unsigned long long)st.size,
					     (unsigned long long)st.comp_size);
			break;
		}
		total += st.size;
		if (total > CAIRN_TAR_MAX_EXPAND) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: expands past %llu bytes", label,
					     (unsigned long long)CAIRN_TAR_MAX_EXPAND);
			break;
		}
		if (nl <= plen || strncmp(name, prefix, plen) || name[nl - 1] == '/')
			continue;
		memset(&m, 0, sizeof(m));
		m.path = name + plen;
		m.size = st.size;
		m.kind = CAIRN_TAR_FILE;
		if (zip_file_get_external_attributes(z, (zip_uint64_t)i, 0, &opsys, &attr) == 0 &&
		    opsys == ZIP_OPSYS_UNIX && S_ISLNK((attr >> 16) & 0xffff))
			m.kind = CAIRN_TAR_SYMLINK;
		{
			zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
			EVP_MD_CTX *md = EVP_MD_CTX_new();
			unsigned char chunk[65536];
			zip_int64_t got;
			uint64_t seen = 0;
			unsigned int dl = 0;

			if (!f || !md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry '%s': cannot open", label, name);
			} else {
				while ((got = zip_fread(f, chunk, sizeof(chunk))) > 0) {
					seen += (uint64_t)got;
					if (seen > st.size)
						break;
					EVP_DigestUpdate(md, chunk, (size_t)got);
				}
				/* zip_fread fails on a CRC mismatch at the end */
				if (got < 0 || seen != st.size)
					rc = cairn_error_set(CAIRN_EFORMAT, "%s: entry '%s': bad data (CRC or size)",
							     label, name);
				EVP_DigestFinal_ex(md, m.sha256, &dl);
			}
			if (f)
				zip_fclose(f);
			EVP_MD_CTX_free(md);
		}
		if (rc == 0)
			rc = cb(ctx, &m);
	}
done:
	zip_discard(z);
	return rc;
}

int cairn_berry_zip_read(cairn_buf *out, char **src, int dirfd, const char *name,
			 const char *version, const char *checksum)
{
	const char *hex = checksum ? strchr(checksum, '/') : NULL;
	cairn_buf want = CAIRN_BUF_INIT;
	DIR *d;
	struct dirent *de;
	char *found = NULL;
	int fd, rc;
	size_t i, keylen;

	*src = NULL;
	keylen = hex ? (size_t)(hex - checksum) : 0;
	hex = hex ? hex + 1 : checksum;
	if (!hex || strlen(hex) != 128 || !name || !version || strchr(version, '/'))
		return CAIRN_ENOTFOUND;
	cairn_buf_addstr(&want, name);
	for (i = 0; i < want.len; i++)
		if (want.data[i] == '/')
			want.data[i] = '-';
	cairn_buf_addf(&want, "-npm-%s-", version);
	fd = dup(dirfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		cairn_buf_release(&want);
		return cairn_error_set(CAIRN_EIO, "berry cache: cannot list the folder");
	}
	/* a dup'ed descriptor shares the offset a previous listing left at
	 * the end */
	rewinddir(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		/* <want><hash>-<10 hex>.zip in a project's cache; the global
		 * cache (yarn 4) ends in -<cacheKey>.zip ("-10c0.zip"), the
		 * part of the checksum before '/' */
		if (l > want.len + 15 && !strncmp(de->d_name, want.data, want.len) &&
		    !strcmp(de->d_name + l - 4, ".zip") &&
		    ((de->d_name[l - 15] == '-' && !strncmp(de->d_name + l - 14, hex, 10)) ||
		     (keylen && l > want.len + keylen + 5 && de->d_name[l - 5 - keylen] == '-' &&
		      !strncmp(de->d_name + l - 4 - keylen, checksum, keylen))) &&
		    !strchr(de->d_name + want.len, '/')) {
			free(found);
			found = cairn_strdup(de->d_name);
			break;
		}
	}
	closedir(d);
	cairn_buf_release(&want);
	if (!found)
		return CAIRN_ENOTFOUND;
	rc = cairn_safe_read(out, dirfd, found, CAIRN_CAP_TARBALL, "berry cache");
	if (rc == 0) {
		unsigned char dg[64], w[64];
		unsigned int dl = 0;

		if (!EVP_Digest(out->data, out->len, dg, &dl, EVP_sha512(), NULL) ||
		    cairn_unhex(w, hex, 64) < 0 || memcmp(dg, w, 64))
			rc = cairn_error_set(CAIRN_EVERIFY, "berry cache: %s: does not match checksum %s",
					     found, checksum);
	}
	if (rc < 0 && rc != CAIRN_EVERIFY) {
		free(found);
		return rc;
	}
	*src = found;
	return rc;
}
