/*
 * check_render.c - context escaping and the report renderers.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static char *html(const char *s)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_esc_html(&b, s, strlen(s));
	return cairn_buf_detach(&b, NULL);
}

/* s escaped after before (which sets the line-start context) */
static char *md_text_at(const char *before, const char *s, int table)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char *r;

	cairn_buf_addstr(&b, before);
	cairn_esc_md_text(&b, s, strlen(s), table);
	r = strdup(b.data + strlen(before));
	cairn_buf_release(&b);
	return r;
}

static char *md_text(const char *s)
{
	return md_text_at("", s, 0);
}

static char *md_code(const char *s, int table)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_esc_md_code(&b, s, strlen(s), table);
	return cairn_buf_detach(&b, NULL);
}

#define EXPECT(fn, in, want) do { \
	char *got_ = fn; \
	ck_assert_msg(!strcmp(got_, want), "%s(%s): got [%s] want [%s]", #fn, in, got_, want); \
	free(got_); \
} while (0)

START_TEST(test_render_html_escapes_metacharacters)
{
	EXPECT(html("<script>alert(1)</script>"), "script",
	       "&lt;script&gt;alert(1)&lt;/script&gt;");
	EXPECT(html("\"><img src=x onerror=alert(1)>"), "attr",
	       "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	EXPECT(html("a&b'c"), "amp", "a&amp;b&#39;c");
	EXPECT(html("plain ünïcode"), "utf8", "plain ünïcode");
}
END_TEST

START_TEST(test_render_html_controls_visible)
{
	/* ANSI ESC, NUL-free C0, DEL, invalid UTF-8, bidi override, newline */
	EXPECT(html("\x1b[31mred\x1b[0m"), "ansi", "\\x1b[31mred\\x1b[0m");
	EXPECT(html("a\x7f" "b"), "del", "a\\x7fb");
	EXPECT(html("bad\xff\xfe"), "invalid", "bad\\xff\\xfe");
	EXPECT(html("evil\xe2\x80\xae" "exe.js"), "bidi", "evil\\u{202e}exe.js");
	EXPECT(html("l1\nl2\t\r"), "nl", "l1\\nl2\\t\\r");
	EXPECT(html("back\\slash"), "bs", "back\\\\slash");
}
END_TEST

START_TEST(test_render_md_text_escapes_syntax)
{
	/* prose and times stay readable raw */
	EXPECT(md_text("Compromise indicators found: act now"), "prose",
	       "Compromise indicators found: act now");
	EXPECT(md_text("first 2026-12-06T02:27:07.2Z, (1 critical, 6 high); a -> b"), "time",
	       "first 2026-12-06T02:27:07.2Z, (1 critical, 6 high); a -> b");
	EXPECT(md_text("AWS_SECRET_ACCESS_KEY snake_case"), "intraword",
	       "AWS_SECRET_ACCESS_KEY snake_case");
	/* what GitHub would make a mention (after rendering, outside code):
	 * the word is a code span, its quotes and closing punctuation not */
	EXPECT(md_text("@npmcli/config@10.12.0: 1 installed file differs"), "scoped",
	       "`@npmcli/config@10.12.0`: 1 installed file differs");
	EXPECT(md_text("in node_modules/@acme/x, (\"@org/team\") and @a."), "mention-words",
	       "in `node_modules/@acme/x`, (\"`@org/team`\") and `@a`.");
	EXPECT(md_text("ms@2.1.3 a_@b x@1 @ @- `@x`"), "not-mentions",
	       "ms@<!-- -->2.1.3 a\\_@b x@1 @ @- `` `@x` ``");
	EXPECT(md_text_at("| ", "@a|b", 1), "mention-cell", "`@a\\|b`");
	EXPECT(md_text("@a``b"), "mention-fence", "&#32;```@a``b```");
	/* inline syntax, anywhere */
	EXPECT(md_text("[click](javascript:alert(1))"), "link",
	       "\\[click](javascript:alert(1))");
	EXPECT(md_text("![i](x) `code` <b> *em* ~del~"), "inline",
	       "!\\[i](x) \\`code\\` \\<b> \\*em\\* \\~del\\~");
	EXPECT(md_text("AWS_* __init__ _x_"), "underscore", "AWS\\_\\* \\_\\_init\\_\\_ \\_x\\_");
	EXPECT(md_text("AT&T &amp; &#60; &#x3c;"), "entity", "AT&T \\&amp; \\&#60; \\&#x3c;");
	EXPECT(md_text("see www.evil.example, https://evil.example/x"), "autolink",
	       "see www\\.evil.example, https\\://evil.example/x");
	EXPECT(md_text("mail a@evil.example"), "email", "mail a@<!-- -->evil.example");
	EXPECT(md_text("C:\\dir\\*"), "backslash", "C:\\\\\\dir\\\\\\\\\\*");
	/* block syntax at a line's start only */
	EXPECT(md_text("# head | x"), "head", "\\# head | x");
	EXPECT(md_text_at("x ", "# head", 0), "head-inline", "# head");
	EXPECT(md_text_at("### 1. ", "issue #", 0), "closing", "issue \\#");
	EXPECT(md_text("> quote\n- list"), "quote", "\\> quote\\n- list");
	EXPECT(md_text("- a"), "list", "\\- a");
	EXPECT(md_text("+ a"), "plus", "\\+ a");
	EXPECT(md_text("12. a"), "ordered", "12\\. a");
	EXPECT(md_text("3) a"), "ordered-paren", "3\\) a");
	EXPECT(md_text("    code"), "indent", "&#32;   code");
	EXPECT(md_text_at("a\n", "- b", 0), "after-newline", "\\- b");
	EXPECT(md_text_at("a: ", "- b 1. c", 0), "inline-markers", "- b 1. c");
	/* table cells: '|' */
	EXPECT(md_text_at("| ", "a|b", 1), "cell", "a\\|b");
	EXPECT(md_text("\x1b]8;;http://x\x07"), "osc8", "\\x1b]8;;http\\://x\\x07");
}
END_TEST

START_TEST(test_render_md_code_fences)
{
	EXPECT(md_code("a|b", 1), "table", "`a\\|b`");
	EXPECT(md_code("a|b", 0), "notable", "`a|b`");
	EXPECT(md_code("x`y", 0), "tick", "``x`y``");
	EXPECT(md_code("`", 0), "lone", "`` ` ``");
	EXPECT(md_code("a``b", 0), "double", "```a``b```");
	EXPECT(md_code("", 0), "empty", "(empty)");
	EXPECT(md_code("<script>", 1), "html", "`<script>`");
}
END_TEST

/* A document full of payloads: nothing of them may survive raw. */
static json_t *hostile_doc(void)
{
	const char *p = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
			"[x](javascript:alert(3))\x1b[2J|`";
	json_t *doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:{s:i}}, s:[{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:i}], s:s, s:s}],"
				" s:b, s:b, s:[{s:s, s:s, s:s}], s:[{s:s, s:s, s:s}],"
				" s:{s:i, s:i, s:[{s:i, s:s, s:s, s:s}], s:[{s:i, s:i, s:i, s:i, s:[s]}]},"
				" s:[{s:s, s:s, s:b}], s:[{s:s, s:s, s:s, s:b}], s:{s:[{s:s, s:s}], s:s}}",
		"format", "cairn-report",
		"verdict", "headline", p, "summary", p, "confidence", p, "highest", "critical",
		"counts", "critical", 1,
		"findings", "id", "CAIRN-D02", "rule", p, "severity", "critical\"><script>", "title", p,
		"evidence", "file", p, "package", p, "text", p, "line", 3, "why", p, "fix", p,
		"has_baseline", 1, "has_capture", 1,
		"packages", "name", p, "change", p, "note", p,
		"files", "path", p, "change", "modified", "patch", "+ line <script>\n- ```\n",
		"timeline", "start_ns", 0, "end_ns", 1000000000,
		"events", "t_ns", 0, "kind", "snapshot", "label", p, "time", p,
		"windows", "start_ns", 0, "end_ns", 500000000, "known", 1, "unknown", 2,
		"unknown_hosts", p,
		"egress", "host", p, "status", "NOT ALLOWED", "flag", 1,
		"mcp_servers", "name", p, "config", p, "command", p, "flag", 1,
		"provenance", "inputs", "role", "snapshot", "file", p, "tool", p);

	ck_assert_ptr_nonnull(doc);
	return doc;
}

START_TEST(test_render_html_hostile_document)
{
	json_t *doc = hostile_doc();
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_render_html(&b, doc);
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Security-Policy"));
	ck_assert_ptr_null(strstr(b.data, "<script"));
	ck_assert_ptr_null(strstr(b.data, "<img"));
	ck_assert_ptr_null(strstr(b.data, "\x1b"));
	ck_assert_ptr_null(strstr(b.data, "javascript:alert(3))\""));
	ck_assert_ptr_null(strstr(b.data, "href=\"javascript"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;script&gt;alert(1)"));
	/* the bogus severity never becomes a class name */
	ck_assert_ptr_null(strstr(b.data, "critical&quot;"));
	cairn_buf_release(&b);
	json_decref(doc);
}
END_TEST

/*
 * The Markdown outside code: fenced blocks and code spans (CommonMark
 * §4.5, §6.1) removed, so what remains is what a renderer interprets.
 */
static char *md_outside_code(const char *md)
{
	cairn_buf out = CAIRN_BUF_INIT;
	const char *p = md;
	size_t fence = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), i = 0, run = 0;
		const char *q = p;

		while (*q == ' ')
			q++;
		while (q[run] == '`')
			run++;
		if (fence) {
			if (run >= fence && (size_t)(q - p) + run == len)
				fence = 0;
		} else if (run >= 3) {
			fence = run;
		} else {
			while (i < len) {
				size_t n = 0, j;

				if (p[i] == '\\' && i + 1 < len) {
					/* an escaped character stands for itself */
					cairn_buf_addstr(&out, "E");
					i += 2;
					continue;
				}
				if (p[i] != '`') {
					cairn_buf_addch(&out, p[i++]);
					continue;
				}
				while (i + n < len && p[i + n] == '`')
					n++;
				/* find the closing run of exactly n backticks */
				for (j = i + n; j < len; j++) {
					size_t m = 0;

					while (j + m < len && p[j + m] == '`')
						m++;
					if (m == n)
						break;
					j += m ? m - 1 : 0;
				}
				ck_assert_msg(j < len, "unclosed code span in: %.*s", (int)len, p);
				i = j + n;
				cairn_buf_addstr(&out, "CODE");
			}
			cairn_buf_addch(&out, '\n');
		}
		p = nl ? nl + 1 : p + len;
	}
	ck_assert_int_eq((int)fence, 0);
	return cairn_buf_detach(&out, NULL);
}

START_TEST(test_render_md_hostile_document)
{
	json_t *doc = hostile_doc();
	cairn_buf b = CAIRN_BUF_INIT;
	const char *line;
	char *rest;

	cairn_render_md(&b, doc);
	ck_assert_ptr_null(strstr(b.data, "\x1b"));
	rest = md_outside_code(b.data);
	ck_assert_ptr_null(strstr(rest, "<img"));
	ck_assert_ptr_null(strstr(rest, "<script"));
	ck_assert_ptr_null(strstr(rest, "[x]("));
	free(rest);
	/* every table row keeps its column count: no raw '|' from a payload */
	for (line = b.data; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, "| ", 2) && strstr(line, "alert")) {
			const char *q;
			int in_code = 0, bars = 0;

			for (q = line; *q && *q != '\n'; q++) {
				if (*q == '\\' && q[1]) {
					q++;
					continue;
				}
				if (*q == '`')
					in_code = !in_code;
				if (*q == '|')
					bars++;
			}
			ck_assert_int_ge(bars, 2);
			(void)in_code;
		}
	}
	cairn_buf_release(&b);
	json_decref(doc);
}
END_TEST

START_TEST(test_render_deterministic)
{
	json_t *doc = hostile_doc();
	cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;

	cairn_render_html(&a, doc);
	cairn_render_html(&b, doc);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(!memcmp(a.data, b.data, a.len));
	cairn_buf_release(&a);
	cairn_buf_release(&b);
	json_decref(doc);
}
END_TEST

START_TEST(test_render_empty_document)
{
	json_t *doc = json_object();
	cairn_buf b = CAIRN_BUF_INIT;

	/* missing parts are empty, never a crash */
	cairn_render_html(&b, doc);
	cairn_render_md(&b, doc);
	cairn_render_json(&b, doc);
	ck_assert_ptr_nonnull(strstr(b.data, "</html>"));
	cairn_buf_release(&b);
	json_decref(doc);
}
END_TEST

Suite *render_suite(void);
Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc;

	tc = tcase_create("html");
	tcase_add_test(tc, test_render_html_escapes_metacharacters);
	tcase_add_test(tc, test_render_html_controls_visible);
	tcase_add_test(tc, test_render_html_hostile_document);
	suite_add_tcase(s, tc);
	tc = tcase_create("markdown");
	tcase_add_test(tc, test_render_md_text_escapes_syntax);
	tcase_add_test(tc, test_render_md_code_fences);
	tcase_add_test(tc, test_render_md_hostile_document);
	suite_add_tcase(s, tc);
	tc = tcase_create("document");
	tcase_add_test(tc, test_render_deterministic);
	tcase_add_test(tc, test_render_empty_document);
	suite_add_tcase(s, tc);
	return s;
}
