/*
 * check_destscan.c - destinations in text (lib/destscan.c): URL hosts,
 * e-mail addresses, bare names with a TLD, IPv4 URL hosts; file names and
 * member accesses are not destinations.
 */
#include "destscan.h"
#include "cairn.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

struct col {
	const char *text;
	cairn_buf out;
};

static void collect(void *ctx, int kind, size_t off, size_t len)
{
	struct col *c = ctx;

	cairn_buf_addf(&c->out, "%s:%.*s ", kind == CAIRN_DEST_EMAIL ? "E" : kind == CAIRN_DEST_ADDR ? "A" : "N",
		       (int)len, c->text + off);
}

static char *scan(const char *t)
{
	struct col c = { t, CAIRN_BUF_INIT };

	cairn_buf_addstr(&c.out, "");
	cairn_dest_scan(t, strlen(t), collect, &c);
	return cairn_buf_detach(&c.out, NULL);
}

START_TEST(test_destscan_cases)
{
	static const struct { const char *text, *want; } t[] = {
		{ "sync to https://collect.exfil-cairn-demo.net/upload?src=memory",
		  "N:collect.exfil-cairn-demo.net " },
		{ "e-mail alice.martin@acme-corp.example please", "E:alice.martin@acme-corp.example " },
		{ "POST http://203.0.113.7:8080/x and 10.0.0.1 alone", "A:203.0.113.7 " },
		{ "read index.js and README.md, then obj.data.length", "" },
		{ "api.example.de and a.b.cd", "N:api.example.de N:a.b.cd " },
		{ "evil.com.", "N:evil.com " },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = scan(t[i].text);

		ck_assert_msg(!strcmp(got, t[i].want), "'%s': got '%s' want '%s'", t[i].text, got, t[i].want);
		free(got);
	}
}
END_TEST

Suite *destscan_suite(void)
{
	Suite *s = suite_create("destscan");
	TCase *tc = tcase_create("destscan");

	tcase_add_test(tc, test_destscan_cases);
	suite_add_tcase(s, tc);
	return s;
}
