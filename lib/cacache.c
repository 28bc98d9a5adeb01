/*
 * cacache.c - npm cache content lookup by integrity and index reading
 * (see cacache.h).  W3C Subresource Integrity: "<algo>-<base64>" tokens
 * separated by whitespace, optional "?options" ignored.
 */
#include "cacache.h"
#include "pkgfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *name; int rank; size_t len; } algos[] = {
	{ "sha512", 4, 64 }, { "sha384", 3, 48 }, { "sha256", 2, 32 }, { "sha1", 1, 20 },
};

int cairn_integrity_parse(const char *sri, char algo[8],
			  unsigned char *digest, size_t *digest_len)
{
	const char *p = sri;
	int best = 0;

	while (p && *p) {
		const char *tok, *dash, *end;
		size_t i;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		tok = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		end = p;
		dash = memchr(tok, '-', (size_t)(end - tok));
		if (!dash)
			continue;
		for (i = 0; i < sizeof(algos) / sizeof(algos[0]); i++) {
			unsigned char tmp[80];
			const char *q;
			long n;

			if ((size_t)(dash - tok) != strlen(algos[i].name) ||
			    memcmp(tok, algos[i].name, strlen(algos[i].name)) ||
			    algos[i].rank <= best)
				continue;
			q = memchr(dash, '?', (size_t)(end - dash));
			if (!q)
				q = end;
			n = cairn_b64_decode(tmp, sizeof(tmp), dash + 1, (size_t)(q - dash - 1));
			if (n != (long)algos[i].len)
				continue;
			best = algos[i].rank;
			snprintf(algo, 8, "%s", algos[i].name);
			memcpy(digest, tmp, (size_t)n);
			*digest_len = (size_t)n;
		}
	}
	if (!best)
		return cairn_error_set(CAIRN_EFORMAT, "integrity '%.80s' has no sha512/384/256/1 digest", sri);
	return 0;
}

int cairn_integrity_check(const void *data, size_t len, const char *sri)
{
	char algo[8];
	unsigned char want[64], got[EVP_MAX_MD_SIZE];
	size_t want_len;
	unsigned int got_len = 0;
	const EVP_MD *md;
	int rc = cairn_integrity_parse(sri, algo, want, &want_len);

	if (rc < 0)
		return rc;
	md = EVP_get_digestbyname(algo);
	if (!md || !EVP_Digest(data, len, got, &got_len, md, NULL))
		return cairn_error_set(CAIRN_EEXTERNAL, "OpenSSL: %s digest failed", algo);
	if (got_len != want_len || memcmp(got, want, want_len))
		return cairn_error_set(CAIRN_EVERIFY, "content does not match its %s integrity", algo);
	return 0;
}

char *cairn_cacache_content_path(const char *sri)
{
	char algo[8], hex[129];
	unsigned char d[64];
	size_t n;
	cairn_buf b = CAIRN_BUF_INIT;

	if (cairn_integrity_parse(sri, algo, d, &n) < 0)
		return NULL;
	cairn_hex(hex, d, n);
	cairn_buf_addf(&b, "content-v2/%s/%.2s/%.2s/%s", algo, hex, hex + 2, hex + 4);
	return cairn_buf_detach(&b, NULL);
}

int cairn_cacache_read(cairn_buf *out, int cachefd, const char *sri,
		       const char *label)
{
	char *rel = cairn_cacache_content_path(sri);
	int rc;

	if (!rel)
		return cairn_error_set(CAIRN_EFORMAT, "%s: bad integrity '%.80s'", label, sri);
	rc = cairn_safe_read(out, cachefd, rel, CAIRN_CAP_TARBALL, label);
	if (rc == 0) {
		rc = cairn_integrity_check(out->data, out->len, sri);
		if (rc < 0)
			rc = cairn_error_set(rc, "%s: %s: %s", label, rel, cairn_error_last());
	}
	free(rel);
	return rc;
}

#define INDEX_MAX_ENTRIES 100000

typedef struct index_walk {
	cairn_cacache_index_cb cb;
	void *ctx;
	int bad;
	long entries;
} index_walk;

static void read_bucket(index_walk *w, int dfd, const char *name, const char *rel)
{
	cairn_buf data = CAIRN_BUF_INIT;
	char *line, *save = NULL;

	if (cairn_safe_read(&data, dfd, name, CAIRN_CAP_TEXT, "npm cache index") < 0) {
		w->bad++;
		cairn_buf_release(&data);
		return;
	}
	for (line = strtok_r(data.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		unsigned char sha[20];
		char hex[41];
		unsigned int n = 0;
		json_t *j;

		if (!tab || tab - line != 40) {
			w->bad++;
			continue;
		}
		/* cacache: the line's hash is SHA-1 of the JSON text */
		EVP_Digest(tab + 1, strlen(tab + 1), sha, &n, EVP_sha1(), NULL);
		cairn_hex(hex, sha, 20);
		if (memcmp(hex, line, 40)) {
			w->bad++;
			continue;
		}
		j = json_loads(tab + 1, JSON_REJECT_DUPLICATES, NULL);
		if (!j || !json_is_object(j)) {
			w->bad++;
			json_decref(j);
			continue;
		}
		if (w->entries++ < INDEX_MAX_ENTRIES)
			w->cb(w->ctx, j, rel);
		json_decref(j);
	}
	cairn_buf_release(&data);
}

static int walk_index(index_walk *w, int dfd, cairn_buf *rel, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (!d) {
		close(dfd);
		return 0;
	}
	/* sorted, so the callback order is stable */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = cairn_realloc(names, cap * sizeof(*names));
		}
		names[n++] = cairn_strdup(de->d_name);
	}
	for (i = 1; i < n; i++) {
		char *t = names[i];
		size_t j = i;

		while (j > 0 && strcmp(names[j - 1], t) > 0) {
			names[j] = names[j - 1];
			j--;
		}
		names[j] = t;
	}
	for (i = 0; i < n; i++) {
		size_t keep = rel->len;
		int sub;

		cairn_buf_addch(rel, '/');
		cairn_buf_addstr(rel, names[i]);
		if (depth < 2 && w->entries < INDEX_MAX_ENTRIES) {
			sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk_index(w, sub, rel, depth + 1);
		} else if (w->entries < INDEX_MAX_ENTRIES) {
			read_bucket(w, dirfd(d), names[i], rel->data);
		}
		rel->len = keep;
		rel->data[keep] = '\0';
		free(names[i]);
	}
	free(names);
	closedir(d);
	return 0;
}

int cairn_cacache_index(int cachefd, cairn_cacache_index_cb cb, void *ctx)
{
	index_walk w = { cb, ctx, 0, 0 };
	cairn_buf rel = CAIRN_BUF_INIT;
	int fd = cairn_safe_opendir(cachefd, "index-v5");

	if (fd < 0)
		return fd;
	cairn_buf_addstr(&rel, "index-v5");
	walk_index(&w, fd, &rel, 0);
	cairn_buf_release(&rel);
	return w.bad;
}
