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
#include <strings.h>

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

/* CommonMark §2.1: ASCII punctuation, the characters a backslash escapes */
static int md_punct(unsigned char c)
{
	return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) ||
	       (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

static int md_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* "&name;", "&#NNN;", "&#xHH;" at p: a character reference, which
 * CommonMark would decode (§2.5) */
static int md_entity_at(const char *p, size_t n)
{
	size_t i;

	for (i = 1; i < n && i < 34; i++) {
		if (p[i] == ';')
			return i > 1;
		if (!md_alnum((unsigned char)p[i]) && p[i] != '#')
			return 0;
	}
	return 0;
}

/* GFM's extended email autolink (§6.9) has a domain of letters, digits,
 * '-' and '_' in at least two '.'-separated parts: p is just past the '@' */
static int md_email_domain(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '.' && i > 0 && i + 1 < n &&
		    (md_alnum((unsigned char)p[i + 1]) || p[i + 1] == '-' || p[i + 1] == '_'))
			return 1;
		if (!md_alnum((unsigned char)p[i]) && p[i] != '-' && p[i] != '_' && p[i] != '.')
			return 0;
	}
	return 0;
}

/* 1-9 digits then '.' or ')': an ordered list marker at a line's start
 * (§5.2); returns the number of digits */
static size_t md_list_number(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && i < 9 && p[i] >= '0' && p[i] <= '9')
		i++;
	return i && i < n && (p[i] == '.' || p[i] == ')') ? i : 0;
}

/* The code span of t[0..len), already in its display form (see above). */
static void md_code_span(cairn_buf *out, const char *t, size_t len, int in_table)
{
	size_t i, run = 0, longest = 0;
	int pad;

	if (!len) {
		cairn_buf_addstr(out, "(empty)");
		return;
	}
	for (i = 0; i < len; i++) {
		if (t[i] == '`') {
			if (++run > longest)
				longest = run;
		} else {
			run = 0;
		}
	}
	pad = t[0] == '`' || t[len - 1] == '`' || (t[0] == ' ' && t[len - 1] == ' ');
	for (i = 0; i <= longest; i++)
		cairn_buf_addch(out, '`');
	if (pad)
		cairn_buf_addch(out, ' ');
	for (i = 0; i < len; i++) {
		if (in_table && t[i] == '|')
			cairn_buf_addch(out, '\\');
		cairn_buf_addch(out, t[i]);
	}
	if (pad)
		cairn_buf_addch(out, ' ');
	for (i = 0; i <= longest; i++)
		cairn_buf_addch(out, '`');
}

void cairn_esc_md_code(cairn_buf *out, const char *s, size_t n, int in_table)
{
	cairn_buf tmp = CAIRN_BUF_INIT;

	display(&tmp, s, n);
	md_code_span(out, tmp.data, tmp.len, in_table);
	cairn_buf_release(&tmp);
}

/* Markdown is read raw (tickets, terminals) as often as rendered, so only
 * what would not stand for itself where it is (CommonMark 0.30, GFM 0.29)
 * is escaped:
 * - anywhere: '\\' before punctuation or at the end (it would escape what
 *   follows), '`' (code spans), '*' and '~' (emphasis, strikethrough), '_'
 *   unless between two letters or digits (§6.2: intraword '_' is literal),
 *   '[' (links, images, footnotes, reference definitions), '<' (HTML,
 *   autolinks), '&' of a character reference, the '.' of "www." and the
 *   ':' of "://" (GFM extended autolinks), '|' in a table cell, a '#' run
 *   ending the text after a space (an ATX heading's closing sequence);
 * - at a line's start (out empty or ending in '\n'): '#', '>', '-', '+'
 *   and a number's '.' or ')' (headings, quotes, lists, thematic breaks),
 *   and a leading space as "&#32;" (four would make indented code).
 * GFM's email autolink is found in the text after escapes are undone, so
 * no escape stops it: "<!-- -->" after the '@' of "x@y.z" splits the
 * text, and renders as nothing. */
/* GitHub makes "@name" and "@org/team" a mention (a link, and a
 * notification to that account or team) after rendering, in any text
 * outside code, wherever no letter, digit or '_' comes before the '@': no
 * Markdown escape stops it, and a scoped package (@scope/name) or a path
 * through one reads as a team.  The word t[ws..we) that holds such an '@'
 * is written as a code span; *cs..*ce is that span (the word without the
 * quotes or parenthesis around it and its closing punctuation). */
static int md_mention_word(const char *t, size_t ws, size_t we, size_t *cs, size_t *ce)
{
	size_t j;

	for (j = ws; j + 1 < we; j++)
		if (t[j] == '@' && md_alnum((unsigned char)t[j + 1]) &&
		    (j == ws || !(md_alnum((unsigned char)t[j - 1]) || t[j - 1] == '_')))
			break;
	if (j + 1 >= we)
		return 0;
	*cs = ws;
	while (*cs < j && strchr("(\"'", t[*cs]))
		(*cs)++;
	*ce = we;
	while (*ce > j + 2 && strchr(".,:;!?)\"'", t[*ce - 1]))
		(*ce)--;
	return 1;
}

void cairn_esc_md_text(cairn_buf *out, const char *s, size_t n, int in_table)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	const char *t;
	size_t i, len, k, span_from = 0, span_to = 0;
	unsigned char prev = out->len ? (unsigned char)out->data[out->len - 1] : '\n';

	display(&tmp, s, n);
	t = tmp.data;
	len = tmp.len;
	if (prev == '\n' && len) {
		if (t[0] == ' ') {
			cairn_buf_addstr(out, "&#32;");
			prev = ' ';
			t++;
			len--;
		} else if (strchr("#>-+", t[0])) {
			cairn_buf_addch(out, '\\');
			cairn_buf_addch(out, t[0]);
			prev = (unsigned char)t[0];
			t++;
			len--;
		} else if ((k = md_list_number(t, len)) > 0) {
			cairn_buf_add(out, t, k);
			cairn_buf_addch(out, '\\');
			cairn_buf_addch(out, t[k]);
			prev = (unsigned char)t[k];
			t += k + 1;
			len -= k + 1;
		}
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		unsigned char next = i + 1 < len ? (unsigned char)t[i + 1] : ' ';
		int esc = 0;

		if (c != ' ' && (i == 0 || t[i - 1] == ' ')) {
			size_t we = i, cs, ce;

			while (we < len && t[we] != ' ')
				we++;
			if (md_mention_word(t, i, we, &cs, &ce)) {
				span_from = cs;
				span_to = ce;
			}
		}
		if (i == span_from && span_to > span_from) {
			/* three backticks or more at a line's start open a
			 * fenced block: not a span */
			if (prev == '\n' && memmem(t + span_from, span_to - span_from, "``", 2))
				cairn_buf_addstr(out, "&#32;");
			md_code_span(out, t + span_from, span_to - span_from, in_table);
			prev = '`';
			i = span_to - 1;
			span_to = 0;
			continue;
		}
		switch (c) {
		case '\\':
			esc = i + 1 == len || md_punct(next);
			break;
		case '`': case '*': case '~': case '[': case '<':
			esc = 1;
			break;
		case '_':
			esc = !(md_alnum(prev) && md_alnum(next));
			break;
		case '&':
			esc = md_entity_at(t + i, len - i);
			break;
		case '|':
			esc = in_table;
			break;
		case '.':
			esc = i >= 3 && !strncasecmp(t + i - 3, "www", 3);
			break;
		case ':':
			esc = i + 2 < len && t[i + 1] == '/' && t[i + 2] == '/';
			break;
		case '#':
			esc = (prev == ' ' || prev == '\n') && strspn(t + i, "#") == len - i;
			break;
		}
		if (esc)
			cairn_buf_addch(out, '\\');
		cairn_buf_addch(out, (char)c);
		if (c == '@' && (md_alnum(prev) || (prev && strchr(".+-_", prev))) &&
		    md_email_domain(t + i + 1, len - i - 1))
			cairn_buf_addstr(out, "<!-- -->");
		prev = c;
	}
	cairn_buf_release(&tmp);
}

/* CommonMark §6.1: a code span's content is literal (no escapes, no HTML,
 * no links, no autolinks); a fence one backtick longer than the longest run
 * inside cannot close early; a leading/trailing space pair is stripped, so
 * pad when the content starts or ends with a backtick.  GFM tables split
 * cells on '|' before parsing spans, hence "\\|" there. */
void cairn_report_evidence_fields(const json_t *ev, cairn_evidence_field_fn *fn,
				  void *ctx)
{
	static const char *const keys[] = {
		"source", "file", "line", "package", "version", "lockfile", "host", "tool", "time",
		"detail"
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
