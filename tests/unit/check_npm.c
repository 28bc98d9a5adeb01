/*
 * check_npm.c - npm lockfiles v1/v2/v3 and installed trees: the fixtures
 * made with real npm (tests/fixtures/packages/npm-*), the real installs of
 * ../shared/data/npm verified against their tarballs, and hostile
 * manifests (bad JSON, deep nesting, a 50 MB lockfile, names with '../').
 */
#include "npm.h"
#include "pkgtest.h"


static json_t *pkg(json_t *recs, const char *path)
{
	json_t *r = pt_find(recs, "package", "path", path);

	ck_assert_msg(r != NULL, "no package record for %s", path);
	return r;
}

static void assert_flags(json_t *rec, const char *want)
{
	char *got = pt_flags(rec);

	ck_assert_msg(!strcmp(got, want), "%s: flags '%s', want '%s'",
		      json_string_value(json_object_get(rec, "path")), got, want);
	free(got);
}

/* ---- lockfile parsing ---- */

START_TEST(test_npm_lock_v1_nested)
{
	static const char v1[] =
		"{\"name\":\"x\",\"lockfileVersion\":1,\"dependencies\":{"
		"\"a\":{\"version\":\"1.0.0\",\"resolved\":\"https://registry.npmjs.org/a/-/a-1.0.0.tgz\","
		"\"integrity\":\"sha512-AA==\",\"dev\":true,"
		"\"dependencies\":{\"b\":{\"version\":\"2.0.0\",\"optional\":true}}},"
		"\"sw\":{\"version\":\"npm:string-width@4.2.3\"},"
		"\"g\":{\"version\":\"git+https://github.com/x/g.git#abc\"}}}";
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;

	ck_assert_int_eq(cairn_npm_lock_parse(&l, v1, sizeof(v1) - 1, "v1"), 0);
	ck_assert_int_eq(l->lockfile_version, 1);
	ck_assert_uint_eq(l->n, 4);
	e = cairn_npm_lock_find(l, "node_modules/a");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->version, "1.0.0");
	ck_assert_int_eq(e->dev, 1);
	e = cairn_npm_lock_find(l, "node_modules/a/node_modules/b");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->version, "2.0.0");
	ck_assert_int_eq(e->optional, 1);
	ck_assert_ptr_null(e->integrity);
	e = cairn_npm_lock_find(l, "node_modules/sw");
	ck_assert_str_eq(e->name, "string-width");
	ck_assert_str_eq(e->version, "4.2.3");
	ck_assert_str_eq(l->registry_host, "registry.npmjs.org");
	cairn_npm_lock_free(l);
}
END_TEST

START_TEST(test_npm_lock_v3_fixture)
{
	char *path = pt_fixture("npm-tampered/package-lock.json");
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_npm_lock *l = NULL;
	const cairn_npm_lock_entry *e;
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	ck_assert_ptr_nonnull(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cairn_buf_add(&b, chunk, n);
	fclose(f);
	ck_assert_int_eq(cairn_npm_lock_parse(&l, b.data, b.len, path), 0);
	ck_assert_int_eq(l->lockfile_version, 3);
	e = cairn_npm_lock_find(l, "node_modules/is-number");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e->integrity);
	ck_assert_ptr_nonnull(cairn_npm_lock_find(l, ""));
	ck_assert_ptr_null(cairn_npm_lock_find(l, "node_modules/nope"));
	/* two of three resolved URLs on the registry */
	ck_assert_str_eq(l->registry_host, "registry.npmjs.org");
	cairn_npm_lock_free(l);
	cairn_buf_release(&b);
	free(path);
}
END_TEST

START_TEST(test_npm_lock_malformed)
{
	cairn_npm_lock *l = NULL;
	static const char *bad[] = {
		"", "{", "[]", "{\"lockfileVersion\":3}", "{\"packages\":{\"a\":1,\"a\":2}}",
		"{\"packages\":{\"node_modules/x\":{\"version\":\"1\"}}", "nul\0l",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cairn_npm_lock_parse(&l, bad[i], strlen(bad[i]), "bad.json"),
				 CAIRN_EFORMAT);
		ck_assert_ptr_null(l);
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "bad.json"));
	}
	/* what npm 5/6 wrote for a project without dependencies: empty */
	ck_assert_int_eq(cairn_npm_lock_parse(&l, "{\"lockfileVersion\": 1}", 22, "v1.json"), 0);
	ck_assert_uint_eq(l->n, 0);
	cairn_npm_lock_free(l);
}
END_TEST

START_TEST(test_npm_lock_deep_nesting)
{
	/* 100000 nested arrays: jansson's depth limit must refuse it without
	 * exhausting the stack */
	size_t depth = 100000, i;
	char *s = cairn_malloc(depth * 2 + 64);
	cairn_npm_lock *l = NULL;
	size_t n = 0;

	n += (size_t)sprintf(s, "{\"packages\":{\"node_modules/x\":");
	for (i = 0; i < depth; i++)
		s[n++] = '[';
	for (i = 0; i < depth; i++)
		s[n++] = ']';
	s[n++] = '}';
	s[n++] = '}';
	ck_assert_int_eq(cairn_npm_lock_parse(&l, s, n, "deep.json"), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "deep.json"));
	free(s);
	/* v1 nesting through "dependencies" objects, 900 levels (under the
	 * parser limit): parsed, keys built, no crash */
	{
		cairn_buf b = CAIRN_BUF_INIT;
		size_t levels = 900;

		cairn_buf_addstr(&b, "{\"lockfileVersion\":1,\"dependencies\":");
		for (i = 0; i < levels; i++)
			cairn_buf_addstr(&b, "{\"a\":{\"version\":\"1.0.0\",\"dependencies\":");
		cairn_buf_addstr(&b, "{}");
		for (i = 0; i < levels; i++)
			cairn_buf_addstr(&b, "}}");
		cairn_buf_addstr(&b, "}");
		ck_assert_int_eq(cairn_npm_lock_parse(&l, b.data, b.len, "v1deep"), 0);
		/* recursion stops at 256 levels (documented) */
		ck_assert_uint_le(l->n, 258);
		ck_assert_uint_ge(l->n, 200);
		cairn_npm_lock_free(l);
		cairn_buf_release(&b);
	}
}
END_TEST

/* A 50 MB lockfile: parsed (under the 64 MiB cap); one over the cap is a
 * parse_error, and the rest of the tree is still analysed. */
START_TEST(test_npm_lock_50mb)
{
	char *dir = pt_mkdtemp(), path[4096];
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_npm_lock *l = NULL;
	size_t i = 0;
	json_t *recs;

	cairn_buf_addstr(&b, "{\"name\":\"big\",\"lockfileVersion\":3,\"packages\":{\"\":{}");
	while (b.len < 50u * 1000 * 1000) {
		cairn_buf_addf(&b, ",\"node_modules/pkg-%zu\":{\"version\":\"1.0.%zu\","
			       "\"resolved\":\"https://registry.npmjs.org/pkg-%zu/-/pkg-%zu-1.0.%zu.tgz\","
			       "\"integrity\":\"sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==\","
			       "\"license\":\"MIT\",\"dependencies\":{\"a\":\"^1.0.0\",\"b\":\"^2.0.0\"}}",
			       i, i, i, i, i);
		i++;
	}
	cairn_buf_addstr(&b, "}}");
	ck_assert_int_eq(cairn_npm_lock_parse(&l, b.data, b.len, "big"), 0);
	ck_assert_uint_eq(l->n, i + 1);
	ck_assert_str_eq(l->registry_host, "registry.npmjs.org");
	cairn_npm_lock_free(l);

	/* through the analyzer: a lockfile over the cap next to a small
	 * project; the first is a parse_error, the second still analysed */
	snprintf(path, sizeof(path), "%s/a", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/package-lock.json", dir);
	{
		static const char small[] = "{\"lockfileVersion\":3,\"packages\":{\"\":{},"
			"\"node_modules/x\":{\"version\":\"1.0.0\"}}}";

		pt_write(path, small, sizeof(small) - 1);
	}
	snprintf(path, sizeof(path), "%s/b", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/b/package-lock.json", dir);
	{
		FILE *f = fopen(path, "wb");

		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(ftruncate(fileno(f), (off_t)CAIRN_CAP_LOCKFILE + 1), 0);
		fclose(f);
	}
	recs = pt_analyze(dir, NULL);
	{
		json_t *pa = pt_find(recs, "npm_project", "project", "a");
		json_t *pe = pt_find(recs, "parse_error", "file", "b/package-lock.json");

		ck_assert_ptr_nonnull(pa);
		ck_assert_int_eq(json_integer_value(json_object_get(pa, "lock_entries")), 2);
		ck_assert_ptr_nonnull(pe);
		ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(pe, "message")), "cap"));
		ck_assert_ptr_nonnull(pt_find(recs, "package", "path", "node_modules/x"));
	}
	json_decref(recs);
	cairn_buf_release(&b);
	pt_rm_rf(dir);
	free(dir);
}
END_TEST

/* ---- trees ---- */

static void check_clean_tree(const char *name, int cache)
{
	char *root = pt_fixture(name);
	char *cdir = pt_fixture("npm-cache/_cacache");
	cairn_analyze_opts o = { .packages = 1, .npm_cache = cache ? cdir : NULL };
	json_t *recs = pt_analyze(root, &o), *r, *proj;
	const char *paths[] = { "node_modules/is-number", "node_modules/ms" };
	size_t i;

	ck_assert_uint_eq(pt_count(recs, "package"), 2);
	for (i = 0; i < 2; i++) {
		r = pkg(recs, paths[i]);
		ck_assert_str_eq(json_string_value(json_object_get(r, "version")),
				 json_string_value(json_object_get(r, "locked_version")));
		ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "integrity")), "sha512-"));
		/* npm on this machine omits registry "resolved" */
		ck_assert(json_is_null(json_object_get(r, "resolved")));
		assert_flags(r, "no_resolved");
		ck_assert_int_eq(strlen(json_string_value(json_object_get(r, "content_sha256"))), 64);
		if (cache) {
			json_t *f = json_object_get(r, "files");

			ck_assert_str_eq(json_string_value(json_object_get(f, "status")), "verified");
			ck_assert_int_eq(json_integer_value(json_object_get(f, "matching")), 4);
			ck_assert_uint_eq(json_array_size(json_object_get(f, "modified")), 0);
		} else {
			ck_assert(json_is_null(json_object_get(r, "files")));
		}
	}
	r = pkg(recs, "node_modules/ms");
	ck_assert_str_eq(json_string_value(json_object_get(r, "declared_range")), "^2.1.3");
	ck_assert_str_eq(json_string_value(json_object_get(r, "declared_in")), "dependencies");
	{
		json_t *rb = json_object_get(r, "required_by");

		ck_assert_uint_eq(json_array_size(rb), 1);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rb, 0), "from")), "");
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rb, 0), "range")), "^2.1.3");
	}
	proj = pt_find(recs, "npm_project", "project", "");
	ck_assert_ptr_nonnull(proj);
	ck_assert_str_eq(json_string_value(json_object_get(proj, "name")), "fixture-app");
	json_decref(recs);
	free(root);
	free(cdir);
}

START_TEST(test_npm_tree_v1)
{
	check_clean_tree("npm-v1", 1);
}
END_TEST

START_TEST(test_npm_tree_v2)
{
	check_clean_tree("npm-v2", 1);
}
END_TEST

START_TEST(test_npm_tree_v3)
{
	check_clean_tree("npm-v3", 0);
	check_clean_tree("npm-v3", 1);
}
END_TEST

START_TEST(test_npm_tree_hidden_lockfile_only)
{
	char *root = pt_fixture("npm-nolock");
	json_t *recs = pt_analyze(root, NULL), *r = pkg(recs, "node_modules/ms");

	ck_assert_str_eq(json_string_value(json_object_get(r, "lockfile")),
			 "node_modules/.package-lock.json");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r, "integrity")), "sha512-6Flzu"));
	ck_assert(json_is_null(json_object_get(pt_find(recs, "npm_project", "project", ""), "lockfile")));
	json_decref(recs);
	free(root);
}
END_TEST

START_TEST(test_npm_tree_tampered)
{
	char *root = pt_fixture("npm-tampered");
	char *cdir = pt_fixture("npm-cache/_cacache");
	cairn_analyze_opts o = { .packages = 1, .npm_cache = cdir };
	json_t *recs = pt_analyze(root, &o), *r, *f;

	ck_assert_uint_eq(pt_count(recs, "package"), 4);
	/* hand-tampered installed file, resolved on another host */
	r = pkg(recs, "node_modules/ms");
	assert_flags(r, "files_modified,resolved_other_host");
	f = json_object_get(r, "files");
	ck_assert_int_eq(json_integer_value(json_object_get(f, "matching")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(f, "modified")), 1);
	ck_assert(pt_has(json_object_get(f, "modified"), "index.js"));
	/* integrity-less entry: the hidden lockfile still knows it */
	r = pkg(recs, "node_modules/is-number");
	assert_flags(r, "integrity_from_hidden_lockfile,no_integrity");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "files"), "status")),
			 "verified");
	/* installed but not locked, with an install script */
	r = pkg(recs, "node_modules/extra");
	assert_flags(r, "extraneous,install_script,not_locked");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "scripts"), "postinstall")),
			 "node steal.js");
	ck_assert(json_is_true(json_object_get(r, "has_install_script")));
	/* locked but missing */
	r = pkg(recs, "node_modules/left-pad");
	assert_flags(r, "locked_missing");
	ck_assert(json_is_null(json_object_get(r, "version")));
	ck_assert_str_eq(json_string_value(json_object_get(r, "locked_version")), "1.3.0");
	json_decref(recs);
	free(root);
	free(cdir);
}
END_TEST

/* Hostile names: lockfile keys with '../', a manifest name with '../',
 * malformed manifests; nothing outside the tree is touched, records are
 * still written. */
START_TEST(test_npm_tree_hostile)
{
	char *dir = pt_mkdtemp(), p[4096];
	json_t *recs, *r;

	snprintf(p, sizeof(p), "mkdir -p '%s/app/node_modules/evil' '%s/app/node_modules/bad'", dir, dir);
	ck_assert_int_eq(system(p), 0);
	snprintf(p, sizeof(p), "%s/app/package-lock.json", dir);
	{
		static const char lock[] =
			"{\"lockfileVersion\":3,\"packages\":{\"\":{},"
			"\"node_modules/../../../etc\":{\"version\":\"1.0.0\",\"integrity\":\"sha512-AA==\"},"
			"\"node_modules/evil\":{\"version\":\"1.0.0\",\"integrity\":\"sha512-AA==\"}}}";

		pt_write(p, lock, sizeof(lock) - 1);
	}
	snprintf(p, sizeof(p), "%s/app/node_modules/evil/package.json", dir);
	pt_write(p, "{\"name\":\"../../etc/passwd\",\"version\":\"1.0.0\"}",
		 strlen("{\"name\":\"../../etc/passwd\",\"version\":\"1.0.0\"}"));
	snprintf(p, sizeof(p), "%s/app/node_modules/bad/package.json", dir);
	pt_write(p, "{\"name\": \"bad\", \"version\": ", 27);
	snprintf(p, sizeof(p), "%s/app/package.json", dir);
	pt_write(p, "[1,2", 4);
	recs = pt_analyze(dir, NULL);
	r = pt_find(recs, "package", "path", "node_modules/evil");
	ck_assert_ptr_nonnull(r);
	assert_flags(r, "bad_name,name_mismatch,no_resolved");
	r = pt_find(recs, "package", "path", "node_modules/../../../etc");
	ck_assert_ptr_nonnull(r);
	assert_flags(r, "bad_name,locked_missing,no_resolved");
	r = pt_find(recs, "package", "path", "node_modules/bad");
	ck_assert_ptr_nonnull(r);
	assert_flags(r, "bad_manifest,not_locked");
	ck_assert_ptr_nonnull(pt_find(recs, "parse_error", "file", "app/node_modules/bad/package.json"));
	ck_assert_ptr_nonnull(pt_find(recs, "parse_error", "file", "app/package.json"));
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
}
END_TEST

/* Symlinked manifests are never followed (the walker records the link,
 * the analyzer refuses to read through it). */
START_TEST(test_npm_tree_symlink_manifest)
{
	char *dir = pt_mkdtemp(), p[4096];
	json_t *recs;

	snprintf(p, sizeof(p), "mkdir -p '%s/node_modules/x' && ln -s /etc/passwd '%s/node_modules/x/package.json'"
		 " && ln -s /etc '%s/node_modules/y'", dir, dir, dir);
	ck_assert_int_eq(system(p), 0);
	recs = pt_analyze(dir, NULL);
	ck_assert_ptr_nonnull(pt_find(recs, "parse_error", "file", "node_modules/x/package.json"));
	{
		json_t *r = pt_find(recs, "package", "path", "node_modules/x");

		ck_assert_ptr_nonnull(r);
		ck_assert(json_is_null(json_object_get(r, "name")));
	}
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
}
END_TEST

/* The installed version differs from the lockfile (the manifest was
 * edited in place: the tarball check sees it too); a dependency installed
 * from git and one from a tarball URL; a workspace link. */
START_TEST(test_npm_tree_version_mismatch_and_sources)
{
	char *src = pt_fixture("npm-v3"), *cache = pt_fixture("npm-cache/_cacache");
	char *dir = pt_mkdtemp(), root[2048];
	cairn_analyze_opts o = { .packages = 1, .npm_cache = cache };
	json_t *recs, *r;

	ck_assert_int_eq(pt_sh("cp -a '%s' '%s/app' && cd '%s/app' &&"
			       " sed -i 's/\"version\": \"2.1.3\"/\"version\": \"2.1.4\"/' node_modules/ms/package.json &&"
			       " mkdir -p node_modules/g node_modules/t packages/w &&"
			       " echo '{\"name\":\"g\",\"version\":\"1.0.0\"}' > node_modules/g/package.json &&"
			       " echo '{\"name\":\"t\",\"version\":\"1.0.0\"}' > node_modules/t/package.json &&"
			       " echo '{\"name\":\"w\",\"version\":\"0.1.0\"}' > packages/w/package.json &&"
			       " ln -s ../packages/w node_modules/w && python3 - <<'PY'\n"
			       "import json\n"
			       "l = json.load(open('package-lock.json'))\n"
			       "p = l['packages']\n"
			       "p['node_modules/g'] = {'version': '1.0.0', 'resolved': 'git+ssh://git@github.com/x/g.git#0123456789abcdef'}\n"
			       "p['node_modules/t'] = {'version': '1.0.0', 'resolved': 'https://example.com/t.tgz', 'integrity': 'sha512-AA=='}\n"
			       "p['node_modules/w'] = {'resolved': 'packages/w', 'link': True}\n"
			       "p['packages/w'] = {'name': 'w', 'version': '0.1.0'}\n"
			       "json.dump(l, open('package-lock.json', 'w'))\n"
			       "PY", src, dir, dir), 0);
	snprintf(root, sizeof(root), "%s/app", dir);
	recs = pt_analyze(root, &o);
	r = pkg(recs, "node_modules/ms");
	ck_assert_str_eq(json_string_value(json_object_get(r, "version")), "2.1.4");
	ck_assert_str_eq(json_string_value(json_object_get(r, "locked_version")), "2.1.3");
	assert_flags(r, "files_modified,no_resolved,version_mismatch");
	ck_assert(pt_has(json_object_get(json_object_get(r, "files"), "modified"), "package.json"));
	assert_flags(pkg(recs, "node_modules/g"), "extraneous,git_dependency,no_integrity");
	assert_flags(pkg(recs, "node_modules/t"), "extraneous,tarball_dependency");
	/* the link is installed (a symlink): not missing, a link record
	 * named from its target (docs/RECORDS.md §Links), and the folder
	 * it leads to is a workspace member the root lockfile covers */
	r = pkg(recs, "node_modules/w");
	/* (nothing declares w: not reached, like g and t) */
	assert_flags(r, "extraneous,link");
	ck_assert_str_eq(json_string_value(json_object_get(r, "link_target")), "../packages/w");
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "w");
	r = pt_find(recs, "npm_project", "project", "packages/w");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "workspace_root")), "");
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
	free(src);
	free(cache);
}
END_TEST

/* Tarballs in the cache that escape the package or are gzip bombs: the
 * package is "tar_refused" with a parse_error, nothing is extracted, the
 * other packages are still verified. */
START_TEST(test_npm_tree_evil_tarballs)
{
	char *src = pt_fixture("npm-v3"), *cache = pt_fixture("npm-cache/_cacache");
	char *dir = pt_mkdtemp(), root[2048], ca[2048];
	cairn_analyze_opts o = { .packages = 1 };
	json_t *recs, *r;

	ck_assert_int_eq(pt_sh("cp -a '%s' '%s/app' && cp -a '%s' '%s/_cacache'", src, dir, cache, dir), 0);
	/* evil.tgz escapes with ../; bomb.tgz inflates 64 MiB of zeros; both
	 * stored in content-v2 under their real sha512, named by the lockfile */
	ck_assert_int_eq(pt_sh("cd '%s' && python3 - <<'PY'\n"
		"import tarfile, io, gzip, hashlib, base64, json, os\n"
		"def tgz(members):\n"
		"    b = io.BytesIO()\n"
		"    with tarfile.open(fileobj=b, mode='w') as t:\n"
		"        for n, d in members:\n"
		"            ti = tarfile.TarInfo(n); ti.size = len(d); t.addfile(ti, io.BytesIO(d))\n"
		"    return gzip.compress(b.getvalue())\n"
		"lock = json.load(open('app/package-lock.json'))\n"
		"for name, data in (('evil', tgz([('package/package.json', b'{}'), ('package/../../../tmp/pwned', b'x')])),\n"
		"                   ('bomb', tgz([('package/package.json', b'{}'), ('package/zeros', bytes(64 << 20))]))):\n"
		"    d = hashlib.sha512(data).digest()\n"
		"    h = d.hex(); p = '_cacache/content-v2/sha512/%%s/%%s' %% (h[:2], h[2:4])\n"
		"    os.makedirs(p, exist_ok=True); open(p + '/' + h[4:], 'wb').write(data)\n"
		"    lock['packages']['node_modules/' + name] = {'version': '1.0.0', 'integrity': 'sha512-' + base64.b64encode(d).decode()}\n"
		"    os.makedirs('app/node_modules/' + name, exist_ok=True)\n"
		"    open('app/node_modules/%%s/package.json' %% name, 'w').write('{\\\"name\\\":\\\"%%s\\\",\\\"version\\\":\\\"1.0.0\\\"}' %% name)\n"
		"json.dump(lock, open('app/package-lock.json', 'w'))\n"
		"PY", dir), 0);
	snprintf(root, sizeof(root), "%s/app", dir);
	snprintf(ca, sizeof(ca), "%s/_cacache", dir);
	o.npm_cache = ca;
	recs = pt_analyze(root, &o);
	r = pt_find(recs, "package", "path", "node_modules/evil");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "files"), "status")), "tar_refused");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(r, "files"), "message")),
				     "refused"));
	r = pt_find(recs, "package", "path", "node_modules/bomb");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "files"), "status")), "tar_refused");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_object_get(r, "files"), "message")),
				     "bomb"));
	ck_assert_ptr_nonnull(pt_find(recs, "parse_error", "file", "node_modules/evil"));
	ck_assert_ptr_nonnull(pt_find(recs, "parse_error", "file", "node_modules/bomb"));
	r = pt_find(recs, "package", "path", "node_modules/ms");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "files"), "status")), "verified");
	ck_assert_int_ne(access("/tmp/pwned", F_OK), 0);
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
	free(src);
	free(cache);
}
END_TEST

/* ---- the real installs in ../shared/data/npm ---- */

static char *real_data(void)
{
	char *p = pt_src("../shared/data/npm/server-filesystem-2025.8.21.tar.zst");

	if (access(p, R_OK) != 0) {
		fprintf(stderr, "check_npm: %s absent, real-data test skipped\n", p);
		free(p);
		return NULL;
	}
	free(p);
	return pt_src("../shared/data/npm");
}

/* One pass over a tampered copy: every file of every package matches its
 * tarball except the two changed here, which are named exactly (the
 * untouched install is checked by tests/cli/snap-packages/real-npm.sh). */
START_TEST(test_npm_real_install_verified)
{
	char *data = real_data(), *dir, root[2048], cache[2048], p[4096];
	cairn_analyze_opts o = { .packages = 1 };
	json_t *recs, *r;
	size_t i, n = 0, files = 0;

	if (!data)
		return;
	dir = pt_mkdtemp();
	ck_assert_int_eq(pt_sh("mkdir -p '%s/app' && tar --zstd -xf '%s/server-filesystem-2025.8.21.tar.zst' -C '%s/app'"
			       " && tar --zstd -xf '%s/npm-cache.tar.zst' -C '%s'", dir, data, dir, data, dir), 0);
	snprintf(root, sizeof(root), "%s/app", dir);
	snprintf(cache, sizeof(cache), "%s/cache/_cacache", dir);
	o.npm_cache = cache;
	/* modify one installed file, add one */
	snprintf(p, sizeof(p), "%s/node_modules/express/index.js", root);
	ck_assert_int_eq(pt_sh("printf '//x\\n' >> '%s'", p), 0);
	snprintf(p, sizeof(p), "%s/node_modules/zod/backdoor.js", root);
	pt_write(p, "x", 1);
	recs = pt_analyze(root, &o);
	for (i = 0; i < json_array_size(recs); i++) {
		const char *path;
		json_t *f;

		r = json_array_get(recs, i);
		if (strcmp(json_string_value(json_object_get(r, "type")), "package"))
			continue;
		n++;
		path = json_string_value(json_object_get(r, "path"));
		f = json_object_get(r, "files");
		ck_assert_msg(!strcmp(json_string_value(json_object_get(f, "status")), "verified"),
			      "%s not verified", path);
		files += (size_t)json_integer_value(json_object_get(f, "matching"));
		if (!strcmp(path, "node_modules/express")) {
			assert_flags(r, "files_modified");
			ck_assert_uint_eq(json_array_size(json_object_get(f, "modified")), 1);
			ck_assert(pt_has(json_object_get(f, "modified"), "index.js"));
			ck_assert_uint_eq(json_array_size(json_object_get(f, "added")), 0);
		} else if (!strcmp(path, "node_modules/zod")) {
			assert_flags(r, "files_added");
			ck_assert_uint_eq(json_array_size(json_object_get(f, "added")), 1);
			ck_assert(pt_has(json_object_get(f, "added"), "backdoor.js"));
			ck_assert_uint_eq(json_array_size(json_object_get(f, "modified")), 0);
		} else {
			ck_assert_msg(json_array_size(json_object_get(f, "modified")) +
				      json_array_size(json_object_get(f, "added")) +
				      json_array_size(json_object_get(f, "missing")) == 0, "%s changed", path);
		}
		ck_assert_uint_eq(json_array_size(json_object_get(f, "missing")), 0);
	}
	ck_assert_uint_eq(n, 138);             /* README: 138 packages */
	/* 4,220 files: minus .package-lock.json, minus the modified one */
	ck_assert_uint_eq(files, 4220 - 2);
	ck_assert_uint_ge(pt_count(recs, "npm_fetch"), 138);
	json_decref(recs);
	pt_rm_rf(dir);
	free(dir);
	free(data);
}
END_TEST

Suite *npm_suite(void)
{
	Suite *s = suite_create("npm");
	TCase *tc;

	tc = tcase_create("lockfile");
	tcase_add_test(tc, test_npm_lock_v1_nested);
	tcase_add_test(tc, test_npm_lock_v3_fixture);
	tcase_add_test(tc, test_npm_lock_malformed);
	tcase_add_test(tc, test_npm_lock_deep_nesting);
	suite_add_tcase(s, tc);
	tc = tcase_create("big");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_npm_lock_50mb);
	suite_add_tcase(s, tc);
	tc = tcase_create("tree");
	tcase_add_test(tc, test_npm_tree_v1);
	tcase_add_test(tc, test_npm_tree_v2);
	tcase_add_test(tc, test_npm_tree_v3);
	tcase_add_test(tc, test_npm_tree_hidden_lockfile_only);
	tcase_add_test(tc, test_npm_tree_tampered);
	tcase_add_test(tc, test_npm_tree_hostile);
	tcase_add_test(tc, test_npm_tree_symlink_manifest);
	tcase_add_test(tc, test_npm_tree_evil_tarballs);
	tcase_add_test(tc, test_npm_tree_version_mismatch_and_sources);
	suite_add_tcase(s, tc);
	tc = tcase_create("real");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_npm_real_install_verified);
	suite_add_tcase(s, tc);
	return s;
}
