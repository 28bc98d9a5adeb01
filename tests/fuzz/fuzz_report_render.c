/*
 * fuzz_report_render - the report's escapers and renderers on arbitrary
 * bytes: the input is escaped in every context, and when it parses as JSON
 * it is rendered as a report document (HTML, Markdown, JSON, SARIF).  Checks the
 * invariants the report's safety rests on: no raw control byte, no raw
 * '<' from the input in HTML text, code spans closed, no unescaped
 * '<', '[', '`' or (in a table cell) '|' in Markdown prose outside the
 * code span of a mention word.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Markdown prose (a table cell): each of these is written as a backslash
 * escape, so no HTML, link, code span or cell break comes of the input;
 * the one code span prose holds is a word GitHub would read as a mention
 * (it has an '@'), closed by a fence as long as its opening one, every '|'
 * inside escaped */
static void check_md_text(const cairn_buf *b)
{
	size_t i, bs = 0;

	for (i = 0; i < b->len; i++) {
		char c = b->data[i];

		if (c == '`' && bs % 2 == 0) {
			size_t k = 0, j, close = 0, run;

			while (i + k < b->len && b->data[i + k] == '`')
				k++;
			for (j = i + k; j < b->len && !close; j += run ? run : 1) {
				for (run = 0; j + run < b->len && b->data[j + run] == '`'; run++)
					;
				if (run == k)
					close = j;
			}
			if (!close || !memchr(b->data + i + k, '@', close - i - k))
				abort();
			for (j = i + k; j < close; j++)
				if (b->data[j] == '|' && b->data[j - 1] != '\\')
					abort();
			i = close + k - 1;
			bs = 0;
			continue;
		}
		if ((c == '<' || c == '[' || c == '|') && bs % 2 == 0 &&
		    !(c == '<' && !strncmp(b->data + i, "<!-- -->", 8)))
			abort();
		bs = c == '\\' ? bs + 1 : 0;
	}
}

static void check_no_controls(const cairn_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *s = (const char *)data;
	json_t *doc;
	size_t i;

	cairn_esc_html(&b, s, size);
	check_no_controls(&b);
	for (i = 0; i < b.len; i++)
		if (b.data[i] == '<' || b.data[i] == '>' || b.data[i] == '"' || b.data[i] == '\'')
			abort();
	if (b.len && !cairn_utf8_valid(b.data, b.len))
		abort();
	cairn_buf_clear(&b);
	cairn_esc_md_text(&b, s, size, 1);
	check_no_controls(&b);
	check_md_text(&b);
	cairn_buf_clear(&b);
	cairn_esc_md_text(&b, s, size, 0);
	check_no_controls(&b);
	cairn_buf_clear(&b);
	cairn_esc_md_code(&b, s, size, 1);
	check_no_controls(&b);
	/* a code span in a table cell: every '|' is escaped */
	for (i = 0; i < b.len; i++)
		if (b.data[i] == '|' && (i == 0 || b.data[i - 1] != '\\'))
			abort();
	cairn_buf_release(&b);

	doc = json_loadb(s, size, JSON_DISABLE_EOF_CHECK, NULL);
	if (doc) {
		cairn_render_html(&b, doc);
		check_no_controls(&b);
		cairn_buf_clear(&b);
		cairn_render_md(&b, doc);
		check_no_controls(&b);
		cairn_buf_clear(&b);
		cairn_render_json(&b, doc);
		cairn_buf_clear(&b);
		/* SARIF: valid JSON whatever the document held */
		cairn_render_sarif(&b, doc);
		check_no_controls(&b);
		{
			json_t *back = json_loadb(b.data, b.len, 0, NULL);

			if (!back)
				abort();
			json_decref(back);
		}
		cairn_buf_release(&b);
		json_decref(doc);
	}
	return 0;
}
