/*
 * check_pylock.c - Python lockfiles (lib/pylock.c) on the real files of
 * tests/fixtures/packages/pylock-real (uv.lock of two MCP servers,
 * poetry.lock of Poetry itself and two of its test fixtures, pipenv's
 * example Pipfile.lock) and of the poetry/pipenv installs, requirements
 * forms, and hostile input: names that are paths or control bytes, huge
 * names, duplicate keys, invalid UTF-8, NUL, truncation at every length.
 */
#include "pylock.h"
#include "pkgtest.h"

static cairn_pylock *parse_fx(const char *dir, const char *file, const char *as)
{
	cairn_buf b = pt_read_fixture(dir, file);
	cairn_pylock *l = NULL;

	ck_assert_msg(cairn_pylock_parse(&l, as, b.data, b.len, file) == 0, "%s", cairn_error_last());
	cairn_buf_release(&b);
	return l;
}

static const cairn_pylock_entry *find(const cairn_pylock *l, const char *norm)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].norm, norm))
			return &l->v[i];
	return NULL;
}

START_TEST(test_pylock_uv_real)
{
	cairn_pylock *l = parse_fx("pylock-real", "mcp-server-fetch.uv.lock", "uv.lock");
	const cairn_pylock_entry *e;

	ck_assert_str_eq(l->manager, "uv");
	ck_assert_str_eq(l->lock_version, "1");
	ck_assert_uint_eq(l->n, 9);
	e = find(l, "annotated-types");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->version, "0.7.0");
	ck_assert_str_eq(e->resolved, "https://pypi.org/simple");
	/* the sdist and the one wheel, sorted */
	ck_assert_uint_eq(e->nhashes, 2);
	ck_assert_str_eq(e->hashes[0], "sha256:1f02e8b43a8fbbc3f3e0d4f0f4bfc8131bcb4eebe8849b8e5c773f3a1c582a53");
	ck_assert_int_eq(e->conditional, 1);
	ck_assert_int_eq(e->local, 0);
	/* the project itself: editable, local */
	e = find(l, "mcp-server-fetch");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->local, 1);
	ck_assert_str_eq(e->resolved, "file:.");
	ck_assert_int_eq(e->root, 1);
	ck_assert_uint_eq(l->hashed, 8);
	ck_assert_int_eq(l->graph, 1);
	/* the graph's edges, with their markers */
	e = find(l, "anyio");
	ck_assert_uint_eq(e->ndeps, 4);
	ck_assert_str_eq(e->deps[0].norm, "exceptiongroup");
	ck_assert_str_eq(e->deps[0].marker, "python_full_version < '3.11'");
	ck_assert_int_eq(e->deps[0].kind, CAIRN_PYLOCK_DEP_MAIN);
	ck_assert_ptr_null(e->deps[1].marker);
	cairn_pylock_free(l);
	/* the whole lock: dev group and an edge turning on an extra */
	l = parse_fx("pylock-real", "mcp-server-fetch-whole.uv.lock", "uv.lock");
	ck_assert_uint_eq(l->n, 58);
	e = find(l, "mcp-server-fetch");
	{
		size_t k, dev = 0;

		for (k = 0; k < e->ndeps; k++)
			if (e->deps[k].kind == CAIRN_PYLOCK_DEP_DEV) {
				ck_assert_str_eq(e->deps[k].group, "dev");
				dev++;
			}
		ck_assert_uint_eq(dev, 4);
	}
	e = find(l, "mcp");
	{
		size_t k;

		for (k = 0; k < e->ndeps && strcmp(e->deps[k].norm, "pyjwt"); k++)
			;
		ck_assert_uint_lt(k, e->ndeps);
		ck_assert_uint_eq(e->deps[k].nextras, 1);
		ck_assert_str_eq(e->deps[k].extras[0], "crypto");
	}
	e = find(l, "pyjwt");
	ck_assert_uint_eq(e->ndeps, 2);
	ck_assert_int_eq(e->deps[0].kind, CAIRN_PYLOCK_DEP_MAIN);
	ck_assert_str_eq(e->deps[1].norm, "cryptography");
	ck_assert_int_eq(e->deps[1].kind, CAIRN_PYLOCK_DEP_EXTRA);
	ck_assert_str_eq(e->deps[1].group, "crypto");
	cairn_pylock_free(l);
}
END_TEST

START_TEST(test_pylock_poetry_real)
{
	cairn_pylock *l = parse_fx("pylock-real", "poetry.poetry.lock", "poetry.lock");
	const cairn_pylock_entry *e;

	ck_assert_str_eq(l->manager, "poetry");
	ck_assert_str_eq(l->lock_version, "2.1");
	ck_assert_uint_eq(l->n, 8);
	e = find(l, "anyio");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->version, "4.13.0");
	ck_assert_uint_eq(e->nhashes, 2);
	ck_assert_int_eq(e->dev, 0);
	ck_assert_ptr_null(e->resolved);
	/* groups without "main": a development dependency */
	e = find(l, "backports-tarfile");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->conditional, 1);   /* markers */
	cairn_pylock_free(l);
	/* lock-version 1.0: hashes under [metadata.files] */
	l = parse_fx("pylock-real", "poetry-old-lock.poetry.lock", "poetry.lock");
	ck_assert_uint_eq(l->n, 1);
	ck_assert_uint_eq(l->v[0].nhashes, 3);
	ck_assert_str_eq(l->lock_version, "1.0");
	cairn_pylock_free(l);
	/* a directory dependency is the user's own code */
	l = parse_fx("pylock-real", "poetry-path-dep.poetry.lock", "poetry.lock");
	e = NULL;
	{
		size_t i;

		for (i = 0; i < l->n; i++)
			if (l->v[i].local)
				e = &l->v[i];
	}
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->resolved, "file:bazz");
	cairn_pylock_free(l);
	/* what Debian's poetry 1.3 wrote for the fixture install */
	l = parse_fx("pylock-poetry", "poetry.lock", "poetry.lock");
	ck_assert_uint_eq(l->n, 2);
	ck_assert_str_eq(l->v[0].norm, "example");
	ck_assert_int_eq(l->v[0].dev, 0);
	ck_assert_int_eq(strncmp(l->v[0].resolved, "http://127.0.0.1:", 17), 0);
	cairn_pylock_free(l);
}
END_TEST

START_TEST(test_pylock_pipfile_real)
{
	cairn_pylock *l = parse_fx("pylock-real", "pipenv-examples.Pipfile.lock", "Pipfile.lock");
	const cairn_pylock_entry *e;
	size_t i, dev = 0;

	ck_assert_str_eq(l->manager, "pipenv");
	ck_assert_str_eq(l->lock_version, "6");
	ck_assert_uint_eq(l->n, 10);
	for (i = 0; i < l->n; i++)
		dev += (size_t)l->v[i].dev;
	ck_assert_uint_eq(dev, 5);
	e = find(l, "certifi");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->version, "2026.2.25");   /* "==" dropped */
	ck_assert_uint_eq(e->nhashes, 2);
	ck_assert_str_eq(e->resolved, "https://pypi.org/simple");
	ck_assert_int_eq(e->conditional, 1);
	ck_assert_uint_eq(l->hashed, 10);
	cairn_pylock_free(l);
}
END_TEST

START_TEST(test_pylock_requirements)
{
	static const char text[] =
		"# pinned with hashes, pip-compile style\n"
		"-i https://mirror.example/simple\n"
		"Foo_Bar[extra]==1.0 ; python_version >= \"3.8\" \\\n"
		"    --hash=sha256:AAAA \\\n"
		"    --hash=sha256:bbbb  # a comment\n"
		"baz===2.0\n"
		"qux == 3.0\r\n"
		"git+https://example.com/x.git@abc#egg=x\n"
		"y @ https://example.com/y-1.0.tar.gz\n"
		"./local/dir\n"
		"\n";
	cairn_pylock *l = NULL;
	const cairn_pylock_entry *e;

	ck_assert_msg(cairn_pylock_parse(&l, "app/requirements.txt", text, strlen(text), "r") == 0,
		      "%s", cairn_error_last());
	ck_assert_str_eq(l->manager, "pip");
	ck_assert_uint_eq(l->n, 3);
	e = find(l, "foo-bar");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->name, "Foo_Bar");
	ck_assert_str_eq(e->version, "1.0");
	ck_assert_uint_eq(e->nhashes, 2);
	ck_assert_str_eq(e->hashes[0], "sha256:aaaa");
	ck_assert_int_eq(e->conditional, 1);
	/* the marker alone, without the options after it */
	ck_assert_str_eq(e->markers, "python_version >= \"3.8\"");
	ck_assert_str_eq(e->resolved, "https://mirror.example/simple");
	ck_assert_str_eq(e->file, "app/requirements.txt");
	ck_assert_str_eq(find(l, "baz")->version, "2.0");
	ck_assert_str_eq(find(l, "qux")->version, "3.0");
	ck_assert_uint_eq(find(l, "qux")->nhashes, 0);
	cairn_pylock_free(l);
	/* pins without hashes, by hand: the direct dependencies, a manifest */
	ck_assert_int_eq(cairn_pylock_parse(&l, "requirements.txt", "a==1\nb==2\n", 10, "r"),
			 CAIRN_ENOTFOUND);
	/* the same written by pip-compile: a lock without hashes */
	ck_assert_int_eq(cairn_pylock_parse(&l, "requirements.txt",
					    "a==1\n    # via -r requirements.in\n", 34, "r"), 0);
	ck_assert_uint_eq(l->hashed, 0);
	cairn_pylock_free(l);
	/* a manifest, not a lock: a range and no hash */
	ck_assert_int_eq(cairn_pylock_parse(&l, "requirements.txt", "a==1\nb>=2\n", 10, "r"),
			 CAIRN_ENOTFOUND);
	ck_assert_ptr_null(l);
	/* nothing pinned at all */
	ck_assert_int_eq(cairn_pylock_parse(&l, "requirements.txt", "-r base.txt\n", 12, "r"),
			 CAIRN_ENOTFOUND);
	/* a range with hashes is still a lock (what is installed is hashed) */
	ck_assert_int_eq(cairn_pylock_parse(&l, "requirements-dev.txt",
					    "a>=1 --hash=sha256:00\n", 22, "r"), 0);
	ck_assert_ptr_null(l->v[0].version);
	cairn_pylock_free(l);
}
END_TEST

START_TEST(test_pylock_hostile)
{
	static const struct { const char *file, *text, *msg; } cases[] = {
		{ "poetry.lock", "[[package]]\nname = \"../../etc\"\nversion = \"1\"\n",
		  "'../../etc' is not a distribution name" },
		{ "poetry.lock", "[[package]]\nname = \"a\\u001b[31m\"\nversion = \"1\"\n",
		  "'a\\x1b[31m' is not a distribution name" },
		{ "uv.lock", "version = 1\n[[package]]\nname = \"a/b\"\n", "is not a distribution name" },
		{ "uv.lock", "[[package]]\nname = \"a\"\n", "no lock version" },
		{ "poetry.lock", "[[package]]\nname = \"a\"\nname = \"b\"\n", "line 3: duplicate key 'name'" },
		{ "poetry.lock", "package = 1\n", "package is not an array of tables" },
		{ "poetry.lock", "[[package]]\nversion = \"1\"\n", "package 1 has no name or version" },
		{ "Pipfile.lock", "{\"_meta\": {}, \"default\": {\"a\": {}, \"a\": {}}}",
		  "duplicate object key" },
		{ "Pipfile.lock", "[]", "no _meta object" },
		{ "Pipfile.lock", "{\"_meta\": {}, \"default\": {\"../x\": {\"version\": \"==1\"}}}",
		  "'../x' is not a distribution name" },
		{ "Pipfile.lock", "{\"_meta\": {}, \"default\": []}", "default is not an object" },
		{ "requirements.txt", "a==1\n.x-==1 --hash=sha256:00\n", "'.x-' is not a distribution name" },
		{ "uv.lock", "version = 1\n[[package]]\nname = \"\xff\"\n", "line 3: not valid UTF-8" },
	};
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_pylock *l = NULL;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = cairn_pylock_parse(&l, cases[i].file, cases[i].text, strlen(cases[i].text), "L");

		ck_assert_msg(rc == CAIRN_EFORMAT, "%zu: rc %d", i, rc);
		ck_assert_ptr_null(l);
		ck_assert_msg(strstr(cairn_error_last(), cases[i].msg), "%zu: '%s'", i,
			      cairn_error_last());
	}
	ck_assert_int_eq(cairn_pylock_parse(&l, "requirements.txt", "a==1\0", 5, "L"), CAIRN_EFORMAT);
	/* a 10 MB name is refused, not copied around */
	cairn_buf_addstr(&b, "[[package]]\nname = \"");
	for (i = 0; i < 10u << 20; i++)
		cairn_buf_addch(&b, 'a');
	cairn_buf_addstr(&b, "\"\nversion = \"1\"\n");
	ck_assert_int_eq(cairn_pylock_parse(&l, "poetry.lock", b.data, b.len, "L"), CAIRN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "...' is not a distribution name"));
	/* hashes that are not algo:hex are dropped, not kept */
	cairn_buf_clear(&b);
	cairn_buf_addstr(&b, "[[package]]\nname = \"a\"\nversion = \"1\"\nfiles = [{file = \"x\", "
			 "hash = \"sha256:zz\"}, {file = \"y\", hash = \"../../x\"}, "
			 "{file = \"z\", hash = \"SHA256:AB\"}]\n");
	ck_assert_int_eq(cairn_pylock_parse(&l, "poetry.lock", b.data, b.len, "L"), 0);
	ck_assert_uint_eq(l->v[0].nhashes, 0);
	cairn_pylock_free(l);
	cairn_buf_release(&b);
}
END_TEST

/* Every prefix of each real lockfile parses or fails cleanly. */
START_TEST(test_pylock_truncated)
{
	static const char *const files[][2] = {
		{ "poetry-path-dep.poetry.lock", "poetry.lock" },
		{ "pipenv-examples.Pipfile.lock", "Pipfile.lock" },
	};
	size_t f, n;

	for (f = 0; f < 2; f++) {
		cairn_buf b = pt_read_fixture("pylock-real", files[f][0]);

		for (n = 0; n <= b.len; n += f ? 7 : 1) {
			cairn_pylock *l = NULL;
			int rc = cairn_pylock_parse(&l, files[f][1], b.data, n, "t");

			ck_assert(rc == 0 || rc == CAIRN_EFORMAT);
			ck_assert((rc == 0) == (l != NULL));
			cairn_pylock_free(l);
		}
		cairn_buf_release(&b);
	}
}
END_TEST

Suite *pylock_suite(void)
{
	Suite *s = suite_create("pylock");
	TCase *tc = tcase_create("pylock");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pylock_uv_real);
	tcase_add_test(tc, test_pylock_poetry_real);
	tcase_add_test(tc, test_pylock_pipfile_real);
	tcase_add_test(tc, test_pylock_requirements);
	tcase_add_test(tc, test_pylock_hostile);
	tcase_add_test(tc, test_pylock_truncated);
	suite_add_tcase(s, tc);
	return s;
}
