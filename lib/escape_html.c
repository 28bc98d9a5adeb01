/*
 * escape_html.c - escaping of untrusted strings for HTML and Markdown.
 *
 * Two steps, always: cairn_escape_display() first, so that control
 * characters (ANSI ESC included), invalid UTF-8, line separators and bidi
 * overrides become visible escapes and can never reach the output raw;
 * then the context's own metacharacters.
 */
#include "report.h"

#include <string.h>

static void display(cairn_buf *tmp, const char *s, size_t n)
{
	cairn_buf_clear(tmp);
	if (s)
		cairn_escape_display(tmp, s, n);
	if (!tmp->data)
		cairn_buf_grow(tmp, 0);
}

/* HTML 5 §13.1.2.6 (attribute values) and §13.1.3: escaping these five in
 * text and quoted attributes leaves no way out of either context. */
void cairn_esc_html(cairn_buf *out, const char *s, size_t n)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	size_t i;

	display(&tmp, s, n);
	for (i = 0; i < tmp.len; i++) {
		char c = tmp.data[i];

		switch (c) {
		case '&': cairn_buf_addstr(out, "&amp;"); break;
		case '<': cairn_buf_addstr(out, "&lt;"); break;
		case '>': cairn_buf_addstr(out, "&gt;"); break;
		case '"': cairn_buf_addstr(out, "&quot;"); break;
		case '\'': cairn_buf_addstr(out, "&#39;"); break;
		default: cairn_buf_addch(out, c);
		}
	}
	cairn_buf_release(&tmp);
}

static int is_ascii_punct(unsigned char c)
{
	return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) ||
	       (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/* CommonMark §2.4: any ASCII punctuation may be backslash-escaped and then
 * stands for itself; escaping all of it is simpler to prove than escaping
 * "the dangerous ones" in each of GFM's contexts. */
void cairn_esc_md_text(cairn_buf *out, const char *s, size_t n)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	size_t i;

	display(&tmp, s, n);
	for (i = 0; i < tmp.len; i++) {
		unsigned char c = (unsigned char)tmp.data[i];

		if (is_ascii_punct(c))
			cairn_buf_addch(out, '\\');
		cairn_buf_addch(out, c);
	}
	cairn_buf_release(&tmp);
}

/* CommonMark §6.1: a code span's content is literal (no escapes, no HTML,
 * no links, no autolinks); a fence one backtick longer than the longest run
 * inside cannot close early; a leading/trailing space pair is stripped, so
 * pad when the content starts or ends with a backtick.  GFM tables split
 * cells on '|' before parsing spans, hence "\\|" there. */
void cairn_esc_md_code(cairn_buf *out, const char *s, size_t n, int in_table)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	size_t i, run = 0, longest = 0;
	int pad;

	display(&tmp, s, n);
	if (!tmp.len) {
		cairn_buf_addstr(out, "(empty)");
		cairn_buf_release(&tmp);
		return;
	}
	for (i = 0; i < tmp.len; i++) {
		if (tmp.data[i] == '`') {
			if (++run > longest)
				longest = run;
		} else {
			run = 0;
		}
	}
	pad = tmp.data[0] == '`' || tmp.data[tmp.len - 1] == '`' ||
	      (tmp.data[0] == ' ' && tmp.data[tmp.len - 1] == ' ');
	for (i = 0; i <= longest; i++)
		cairn_buf_addch(out, '`');
	if (pad)
		cairn_buf_addch(out, ' ');
	for (i = 0; i < tmp.len; i++) {
		if (in_table && tmp.data[i] == '|')
			cairn_buf_addch(out, '\\');
		cairn_buf_addch(out, tmp.data[i]);
	}
	if (pad)
		cairn_buf_addch(out, ' ');
	for (i = 0; i <= longest; i++)
		cairn_buf_addch(out, '`');
	cairn_buf_release(&tmp);
}

void cairn_report_evidence_fields(const json_t *ev, cairn_evidence_field_fn *fn,
				  void *ctx)
{
	static const char *const keys[] = {
		"source", "file", "line", "package", "version", "host", "detail"
	};
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const json_t *v = json_object_get(ev, keys[i]);

		if (!v)
			continue;
		fn(ctx, keys[i], v, json_is_string(v) && strcmp(keys[i], "detail") &&
		   strcmp(keys[i], "source"), first);
		first = 0;
	}
}
