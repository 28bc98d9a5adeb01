/*
 * check_report_tables.c - one description per report table: the HTML and
 * the Markdown renderer show every column of it, with its heading and its
 * cell.
 */
#include "report.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

struct table {
	const char *name;                 /* for messages */
	const cairn_report_col *cols;
	int in_html;                      /* the windows are bars in HTML */
};

static const struct table tables[] = {
	{ "packages", cairn_report_table_packages, 1 },
	{ "files", cairn_report_table_files, 1 },
	{ "environment", cairn_report_table_environment, 1 },
	{ "mcp_servers", cairn_report_table_mcp_servers, 1 },
	{ "egress", cairn_report_table_egress, 1 },
	{ "windows", cairn_report_table_windows, 0 },
	{ "events", cairn_report_table_events, 1 },
	{ "inputs", cairn_report_table_inputs, 1 },
};

/* One row whose every cell is "tTcCC" (table and column index; plain
 * letters and digits, which no renderer escapes), so that each column of
 * each table shows up by its value. */
static json_t *one_row(size_t t)
{
	const cairn_report_col *cols = tables[t].cols;
	json_t *r = json_object(), *a = json_array();
	char v[64];
	size_t c;

	for (c = 0; cols[c].key; c++) {
		snprintf(v, sizeof(v), "t%zuc%02zu", t, c);
		json_object_set_new(r, cols[c].key, json_string(v));
	}
	json_array_append_new(a, r);
	return a;
}

/* tables[] in its order: where each table's rows live in the document */
static json_t *doc_with_every_table(void)
{
	json_t *doc = json_object();

	json_object_set_new(doc, "has_baseline", json_true());
	json_object_set_new(doc, "has_capture", json_true());
	json_object_set_new(doc, "packages", one_row(0));
	json_object_set_new(doc, "files", one_row(1));
	json_object_set_new(doc, "environment", one_row(2));
	json_object_set_new(doc, "mcp_servers", one_row(3));
	json_object_set_new(doc, "egress", one_row(4));
	json_object_set_new(doc, "timeline", json_pack("{s:o,s:o}",
		"windows", one_row(5), "events", one_row(6)));
	json_object_set_new(doc, "provenance", json_pack("{s:o}", "inputs", one_row(7)));
	return doc;
}

/* Every column of every table in out: "OPEN heading CLOSE" and its cell. */
static void expect_columns(const char *renderer, const char *out, const char *open,
			   const char *close, int html)
{
	char want[128];
	size_t t, c;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		if (html && !tables[t].in_html)
			continue;
		for (c = 0; tables[t].cols[c].key; c++) {
			snprintf(want, sizeof(want), "%s%s%s", open, tables[t].cols[c].head, close);
			ck_assert_msg(strstr(out, want), "%s %s: no column '%s'", renderer,
				      tables[t].name, tables[t].cols[c].head);
			snprintf(want, sizeof(want), "t%zuc%02zu", t, c);
			ck_assert_msg(strstr(out, want), "%s %s: no cell %s", renderer,
				      tables[t].name, want);
		}
	}
}

START_TEST(test_report_tables_every_column_in_both_renderers)
{
	json_t *doc = doc_with_every_table();
	cairn_buf html = CAIRN_BUF_INIT, md = CAIRN_BUF_INIT;

	cairn_render_html(&html, doc);
	cairn_render_md(&md, doc);
	expect_columns("markdown", md.data, "| ", " |", 0);
	expect_columns("html", html.data, "<th>", "</th>", 1);
	cairn_buf_release(&html);
	cairn_buf_release(&md);
	json_decref(doc);
}
END_TEST

Suite *report_tables_suite(void);

Suite *report_tables_suite(void)
{
	Suite *s = suite_create("report_tables");
	TCase *tc = tcase_create("columns");

	tcase_add_test(tc, test_report_tables_every_column_in_both_renderers);
	suite_add_tcase(s, tc);
	return s;
}
