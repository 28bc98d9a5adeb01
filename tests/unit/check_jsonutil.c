/*
 * check_jsonutil.c - typed getters and terminal-safe JSON output.
 */
#include "jsonutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *safe(const char *in, size_t n)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addstr(&b, "");
	cairn_json_safe_append(&b, in, n);
	return cairn_buf_detach(&b, NULL);
}

START_TEST(test_jsonutil_safe_escapes_del_and_c1)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "\"a\x7f" "b\"", "\"a\\u007fb\"" },
		{ "\"\xc2\x80\xc2\x9b\xc2\x9f\"", "\"\\u0080\\u009b\\u009f\"" },
		/* U+00A0 and U+00A9 share the 0xC2 lead byte: kept */
		{ "\"\xc2\xa0\xc2\xa9\"", "\"\xc2\xa0\xc2\xa9\"" },
		/* a lead byte at the very end is kept as it was */
		{ "\xc2", "\xc2" },
		{ "{\"k\":[1,2]}", "{\"k\":[1,2]}" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = safe(cases[i].in, strlen(cases[i].in));

		ck_assert_str_eq(got, cases[i].want);
		free(got);
	}
}
END_TEST

START_TEST(test_jsonutil_dump_round_trips)
{
	json_t *j = json_pack("{s:s}", "name", "n\x7f\xc2\x85m"), *back;
	cairn_buf b = CAIRN_BUF_INIT;
	json_error_t err;

	ck_assert_int_eq(cairn_json_dump(&b, j, JSON_COMPACT), 0);
	ck_assert_str_eq(b.data, "{\"name\":\"n\\u007f\\u0085m\"}");
	back = json_loadb(b.data, b.len, 0, &err);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(cairn_json_str(back, "name"), "n\x7f\xc2\x85m");
	json_decref(back);
	json_decref(j);
	cairn_buf_release(&b);
}
END_TEST

/* The stream keeps the 0xC2 lead byte across writes. */
START_TEST(test_jsonutil_stream_split_writes)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&mem, &len), *f;

	ck_assert_ptr_nonnull(m);
	f = cairn_json_safe_stream(m);
	ck_assert_ptr_nonnull(f);
	setvbuf(f, NULL, _IONBF, 0);
	fputs("\"a\xc2", f);
	fputs("\x9b" "b\xc2", f);
	fputs("\xa9\x7f\"", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(fclose(m), 0);
	ck_assert_str_eq(mem, "\"a\\u009bb\xc2\xa9\\u007f\"");
	free(mem);
}
END_TEST

START_TEST(test_jsonutil_getters_tolerate_wrong_types)
{
	json_t *o = json_pack("{s:s,s:i,s:b,s:i}", "s", "x", "i", 7, "t", 1, "n", 3);

	ck_assert_str_eq(cairn_json_str(o, "s"), "x");
	ck_assert_ptr_null(cairn_json_str(o, "i"));
	ck_assert_ptr_null(cairn_json_str(o, "absent"));
	ck_assert_ptr_null(cairn_json_str(NULL, "s"));
	ck_assert_str_eq(cairn_json_str_or(o, "i", "def"), "def");
	ck_assert_int_eq(cairn_json_int(o, "i", -1), 7);
	ck_assert_int_eq(cairn_json_int(o, "s", -1), -1);
	ck_assert_int_eq(cairn_json_true(o, "t"), 1);
	ck_assert_int_eq(cairn_json_true(o, "n"), 0);
	json_decref(o);
}
END_TEST

START_TEST(test_jsonutil_arr_obj_getters_check_types)
{
	json_t *o = json_pack("{s:[i],s:{s:i},s:s}", "a", 1, "o", "k", 2, "s", "x");
	json_t *a = json_array();

	ck_assert_ptr_eq(cairn_json_arr(o, "a"), json_object_get(o, "a"));
	ck_assert_ptr_null(cairn_json_arr(o, "o"));
	ck_assert_ptr_null(cairn_json_arr(o, "s"));
	ck_assert_ptr_eq(cairn_json_obj(o, "o"), json_object_get(o, "o"));
	ck_assert_ptr_null(cairn_json_obj(o, "a"));
	ck_assert_ptr_null(cairn_json_obj(o, "absent"));
	/* not an object: nothing, no crash */
	ck_assert_ptr_null(cairn_json_arr(a, "a"));
	ck_assert_ptr_null(cairn_json_obj(NULL, "o"));
	ck_assert_int_eq(cairn_json_int(a, "a", -5), -5);
	json_decref(a);
	json_decref(o);
}
END_TEST

/* Paths and flags lists are in byte order, as npm writes them: upper case
 * before lower, '-' before '/', UTF-8 after ASCII; no locale. */
START_TEST(test_jsonutil_sort_strings_by_bytes)
{
	json_t *a = json_pack("[s,s,s,s,s,s,s]", "lib/x.js", "\xc3\xa9.js", "README", "lib-a/y.js",
			      "b", "a", "a");
	json_t *want = json_pack("[s,s,s,s,s,s,s]", "README", "a", "a", "b", "lib-a/y.js",
				 "lib/x.js", "\xc3\xa9.js");
	json_t *mixed = json_pack("[s,i,s]", "b", 7, "a");

	cairn_json_sort_strings(a);
	ck_assert(json_equal(a, want));
	cairn_json_sort_strings(mixed);      /* a number sorts as "" */
	ck_assert_int_eq(json_integer_value(json_array_get(mixed, 0)), 7);
	ck_assert_str_eq(json_string_value(json_array_get(mixed, 2)), "b");
	cairn_json_sort_strings(NULL);
	json_decref(a);
	json_decref(want);
	json_decref(mixed);
}
END_TEST

/* nesting counted outside strings: brackets inside a string (escaped
 * quotes too) do not nest, closing brackets undo */
START_TEST(test_jsonutil_too_deep_counts_outside_strings)
{
	static const struct { const char *in; size_t max; int want; } cases[] = {
		{ "{\"a\":{\"b\":{\"c\":1}}}", 3, 0 },
		{ "{\"a\":{\"b\":{\"c\":[1]}}}", 3, 1 },
		{ "[[],[],[],[]]", 2, 0 },
		{ "{\"u\":\"[[[[{{{{\"}", 1, 0 },
		{ "{\"u\":\"\\\"[[[[\"}", 1, 0 },
		{ "{\"u\":\"\\\"\",\"v\":[[[1]]]}", 3, 1 },
		{ "]]]][[", 2, 0 },
		{ "", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(cairn_json_too_deep(cases[i].in, strlen(cases[i].in), cases[i].max) ==
			      cases[i].want, "case %zu: %s", i, cases[i].in);
}
END_TEST

Suite *jsonutil_suite(void);

Suite *jsonutil_suite(void)
{
	Suite *s = suite_create("jsonutil");
	TCase *c = tcase_create("safe-output");

	tcase_add_test(c, test_jsonutil_safe_escapes_del_and_c1);
	tcase_add_test(c, test_jsonutil_dump_round_trips);
	tcase_add_test(c, test_jsonutil_stream_split_writes);
	suite_add_tcase(s, c);
	c = tcase_create("getters");
	tcase_add_test(c, test_jsonutil_getters_tolerate_wrong_types);
	tcase_add_test(c, test_jsonutil_arr_obj_getters_check_types);
	suite_add_tcase(s, c);
	c = tcase_create("sort");
	tcase_add_test(c, test_jsonutil_sort_strings_by_bytes);
	suite_add_tcase(s, c);
	c = tcase_create("bounds");
	tcase_add_test(c, test_jsonutil_too_deep_counts_outside_strings);
	suite_add_tcase(s, c);
	return s;
}
