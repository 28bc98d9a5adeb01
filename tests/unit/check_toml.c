/*
 * check_toml.c - the strict TOML reader (lib/toml.c) on the real uv.lock
 * and poetry.lock files of tests/fixtures/packages/pylock-real, the forms
 * lockfiles use, and what it refuses, with the line: floats, dates,
 * duplicate keys, tables defined twice, extending inline tables, deep
 * nesting, invalid UTF-8, NUL, control bytes; truncation at every length.
 */
#include "toml.h"
#include "pkgtest.h"

static json_t *parse_ok(const char *text)
{
	json_t *j = NULL;

	ck_assert_msg(cairn_toml_parse(&j, text, strlen(text), "t.toml") == 0, "%s: %s", text,
		      cairn_error_last());
	return j;
}

static void parse_bad(const char *text, size_t len, const char *msg)
{
	json_t *j = (json_t *)1;
	int rc = cairn_toml_parse(&j, text, len, "t.toml");

	ck_assert_msg(rc == CAIRN_EFORMAT || rc == CAIRN_ELIMIT, "accepted: %.80s", text);
	ck_assert_ptr_null(j);
	ck_assert_msg(strstr(cairn_error_last(), msg), "%.80s: got '%s', want '%s'", text,
		      cairn_error_last(), msg);
}

START_TEST(test_toml_real_uv_lock)
{
	cairn_buf b = pt_read_fixture("pylock-real", "mcp-server-fetch.uv.lock");
	json_t *j = NULL, *pkg, *w;

	ck_assert_msg(cairn_toml_parse(&j, b.data, b.len, "uv.lock") == 0, "%s", cairn_error_last());
	ck_assert_int_eq(json_integer_value(json_object_get(j, "version")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "package")), 9);
	pkg = json_array_get(json_object_get(j, "package"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(pkg, "name")), "annotated-types");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(pkg, "source"), "registry")),
			 "https://pypi.org/simple");
	w = json_array_get(json_object_get(pkg, "wheels"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(w, "hash")),
			 "sha256:1f02e8b43a8fbbc3f3e0d4f0f4bfc8131bcb4eebe8849b8e5c773f3a1c582a53");
	ck_assert_int_eq(json_integer_value(json_object_get(w, "size")), 13643);
	json_decref(j);
	cairn_buf_release(&b);
	b = pt_read_fixture("pylock-real", "poetry.poetry.lock");
	ck_assert_msg(cairn_toml_parse(&j, b.data, b.len, "poetry.lock") == 0, "%s", cairn_error_last());
	pkg = json_array_get(json_object_get(j, "package"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(pkg, "name")), "anyio");
	/* [package.dependencies] belongs to the last [[package]] */
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(pkg, "dependencies"), "idna")),
			 ">=2.8");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(j, "metadata"), "content-hash"));
	json_decref(j);
	cairn_buf_release(&b);
}
END_TEST

START_TEST(test_toml_forms)
{
	json_t *j;

	j = parse_ok("# c\na = \"x\\ty\\u00e9\\U0001F600\" # c\n'q k'.\"r\" = 'lit\\'\r\n"
		     "n = -42\np = +7\nu = 1_000\nb = [true, false,\n  # c\n  1,]\n"
		     "q = \"a\\\"b\\\\\"\nm = \"\"\"\nl1\\\n   l2\"\"\"\"\nml = '''a\nb'''\n");
	ck_assert_str_eq(json_string_value(json_object_get(j, "a")), "x\ty\xc3\xa9\xf0\x9f\x98\x80");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "q k"), "r")), "lit\\");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "n")), -42);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "p")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "u")), 1000);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "b")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(j, "q")), "a\"b\\");
	ck_assert_str_eq(json_string_value(json_object_get(j, "m")), "l1l2\"");
	ck_assert_str_eq(json_string_value(json_object_get(j, "ml")), "a\nb");
	json_decref(j);
	/* arrays of tables, sub-tables of the last element, implicit parents */
	j = parse_ok("[[p]]\nname = \"a\"\n[p.deps]\nx = 1\n[[p]]\nname = \"b\"\n[p.deps]\n"
		     "[x.y.z]\nk = {a = 1, b.c = {}}\n[x]\nv = 2\n");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "p")), 2);
	ck_assert_ptr_nonnull(json_object_get(json_array_get(json_object_get(j, "p"), 1), "deps"));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "x"), "v")), 2);
	json_decref(j);
	/* a byte order mark, an empty file */
	json_decref(parse_ok("\xef\xbb\xbf" "a = 1\n"));
	json_decref(parse_ok(""));
	/* the most negative integer */
	j = parse_ok("i = -9223372036854775808\n");
	ck_assert(json_integer_value(json_object_get(j, "i")) == INT64_MIN);
	json_decref(j);
}
END_TEST

START_TEST(test_toml_refused)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "a = 1\na = 2\n", "line 2: duplicate key 'a'" },
		{ "[t]\n[t]\n", "line 2: table [t] defined twice" },
		{ "a.b = 1\n[a]\n", "line 2: table [a] defined twice" },
		{ "a = {x = 1}\n[a]\n", "line 2: table [a] defined twice" },
		{ "a = {x = 1}\n[a.b]\n", "line 2: key 'a' is already a value" },
		{ "a = [1]\n[[a]]\n", "line 2: [[a]]: key is already a value" },
		{ "[[a]]\n[a]\n", "line 2: table [a] defined twice" },
		{ "a = 1\n[a.b]\n", "line 2: key 'a' is already a value" },
		{ "f = 1.5\n", "line 1: floats, dates and times are not read" },
		{ "f = 1e5\n", "floats, dates and times" },
		{ "f = inf\n", "floats are not read" },
		{ "d = 1979-05-27\n", "floats, dates and times" },
		{ "d = 07:32:00\n", "leading zero" },
		{ "h = 0xff\n", "hexadecimal" },
		{ "i = 9223372036854775808\n", "out of range" },
		{ "i = 99999999999999999999\n", "out of range" },
		{ "s = \"a\nb\"\n", "line 1: newline in a one-line string" },
		{ "s = \"abc\n", "newline in a one-line string" },
		{ "s = \"\"\"abc\n\n", "line 1: unterminated string" },
		{ "s = \"\\q\"\n", "unknown escape \\q" },
		{ "s = \"\\u0000\"\n", "NUL" },
		{ "s = \"\\ud800\"\n", "scalar" },
		{ "s = \"\\u12\"\n", "bad hex digit" },
		{ "s = \"a\x01\"\n", "control character 0x01" },
		{ "s = 'a\x7f'\n", "control character 0x7f" },
		{ "# \x1b[31m\n", "control character 0x1b in a comment" },
		{ "a = {x = 1,\ny = 2}\n", "line 1: newline in an inline table" },
		{ "a = {x = 1,}\n", "expected a key" },
		{ "a = [1 2]\n", "expected ',' or ']'" },
		{ "a = 1 b = 2\n", "expected the end of the line" },
		{ "a\n", "expected '=' after a key" },
		{ "= 1\n", "expected a key" },
		{ "[a\n", "expected ']' to close" },
		{ "[[a]\n", "expected ']]' to close" },
		{ "a = \n", "expected a value" },
		{ "a = truex\n", "expected a value" },
		{ "a = 1\r\n b = 2\rc = 3\n", "line 2: expected the end of the line" },
		{ "ok = 1\nbad = \"\xc3\x28\"\n", "line 2: not valid UTF-8" },
		{ "a = {x = 1}\na.y = 2\n", "line 2: key 'a' is already a value" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		parse_bad(cases[i].text, strlen(cases[i].text), cases[i].msg);
	parse_bad("a = 1\nb = \"x\0y\"\n", 14, "line 2: NUL byte");
}
END_TEST

START_TEST(test_toml_hostile)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j = NULL;
	size_t i;

	/* nesting past the cap: arrays, inline tables, dotted keys, headers */
	cairn_buf_addstr(&b, "a = ");
	for (i = 0; i < 100000; i++)
		cairn_buf_addch(&b, '[');
	parse_bad(b.data, b.len, "nested deeper than 64");
	cairn_buf_clear(&b);
	cairn_buf_addstr(&b, "a = ");
	for (i = 0; i < 1000; i++)
		cairn_buf_addstr(&b, "{b = ");
	parse_bad(b.data, b.len, "nested deeper than 64");
	cairn_buf_clear(&b);
	for (i = 0; i < 200; i++)
		cairn_buf_addstr(&b, "k.");
	cairn_buf_addstr(&b, "k = 1\n");
	parse_bad(b.data, b.len, "more than 64 parts");
	cairn_buf_clear(&b);
	cairn_buf_addch(&b, '[');
	for (i = 0; i < 200; i++)
		cairn_buf_addstr(&b, "k.");
	cairn_buf_addstr(&b, "k]\n");
	parse_bad(b.data, b.len, "more than 64 parts");
	/* exactly at the cap is fine */
	cairn_buf_clear(&b);
	cairn_buf_addstr(&b, "a = ");
	for (i = 0; i < CAIRN_TOML_MAX_DEPTH; i++)
		cairn_buf_addch(&b, '[');
	for (i = 0; i < CAIRN_TOML_MAX_DEPTH; i++)
		cairn_buf_addch(&b, ']');
	cairn_buf_addch(&b, '\n');
	ck_assert_msg(cairn_toml_parse(&j, b.data, b.len, "t") == 0, "%s", cairn_error_last());
	json_decref(j);
	/* a 10 MB string is read whole */
	cairn_buf_clear(&b);
	cairn_buf_addstr(&b, "name = \"");
	for (i = 0; i < 10u << 20; i++)
		cairn_buf_addch(&b, 'x');
	cairn_buf_addstr(&b, "\"\n");
	ck_assert_int_eq(cairn_toml_parse(&j, b.data, b.len, "t"), 0);
	ck_assert_uint_eq(json_string_length(json_object_get(j, "name")), 10u << 20);
	json_decref(j);
	/* many duplicate tables: refused at the second, not slow */
	cairn_buf_clear(&b);
	for (i = 0; i < 20000; i++)
		cairn_buf_addstr(&b, "[[package]]\nname = \"x\"\n");
	cairn_buf_addstr(&b, "[package]\n");
	parse_bad(b.data, b.len, "line 40001: table [package] defined twice");
	cairn_buf_release(&b);
}
END_TEST

/* Every prefix of a real lockfile parses or fails cleanly. */
START_TEST(test_toml_truncated)
{
	cairn_buf b = pt_read_fixture("pylock-real", "poetry-path-dep.poetry.lock");
	size_t n;

	for (n = 0; n <= b.len; n++) {
		json_t *j = NULL;
		int rc = cairn_toml_parse(&j, b.data, n, "t");

		ck_assert(rc == 0 || rc == CAIRN_EFORMAT);
		ck_assert((rc == 0) == (j != NULL));
		json_decref(j);
	}
	cairn_buf_release(&b);
}
END_TEST

Suite *toml_suite(void)
{
	Suite *s = suite_create("toml");
	TCase *tc = tcase_create("toml");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_toml_real_uv_lock);
	tcase_add_test(tc, test_toml_forms);
	tcase_add_test(tc, test_toml_refused);
	tcase_add_test(tc, test_toml_hostile);
	tcase_add_test(tc, test_toml_truncated);
	suite_add_tcase(s, tc);
	return s;
}
