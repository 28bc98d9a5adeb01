/*
 * render_md.c - the report as GitHub-flavoured Markdown, for a ticket.
 *
 * Untrusted identifiers (paths, packages, hosts, commands) are written as
 * code spans (cairn_esc_md_code): literal, no links, no mentions, no HTML.
 * Untrusted prose uses cairn_esc_md_text.  Patches go in fenced blocks whose
 * fence is longer than any backtick or tilde run inside.
 */
#include "jsonutil.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *k)
{
	return cairn_json_str(o, k);
}

static const json_t *arr(const json_t *o, const char *k)
{
	return cairn_json_arr(o, k);
}

static json_int_t num(const json_t *o, const char *k, json_int_t def)
{
	return cairn_json_int(o, k, def);
}

static void text(cairn_buf *o, const char *s)
{
	if (s)
		cairn_esc_md_text(o, s, strlen(s), 0);
}

static void code(cairn_buf *o, const char *s, int in_table)
{
	if (s)
		cairn_esc_md_code(o, s, strlen(s), in_table);
}

static const char *sev_name(const char *s)
{
	int sev = cairn_severity_parse(s);

	return sev < 0 ? "info" : cairn_severity_name(sev);
}

static void md_cell(cairn_buf *o, const json_t *v, int as_code)
{
	size_t i;

	if (json_is_string(v)) {
		if (as_code)
			code(o, json_string_value(v), 1);
		else
			cairn_esc_md_text(o, json_string_value(v),
					  strlen(json_string_value(v)), 1);
	} else if (json_is_integer(v)) {
		cairn_buf_addf(o, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_true(v)) {
		cairn_buf_addstr(o, "yes");
	} else if (json_is_false(v)) {
		cairn_buf_addstr(o, "no");
	} else if (json_is_array(v) && json_array_size(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				cairn_buf_addstr(o, " ");
			md_cell(o, json_array_get(v, i), as_code);
		}
	} else {
		cairn_buf_addstr(o, "—");
	}
}

static void md_table(cairn_buf *o, const json_t *rows, const cairn_report_col *cols)
{
	size_t i, c;

	cairn_buf_addstr(o, "|");
	for (c = 0; cols[c].key; c++)
		cairn_buf_addf(o, " %s |", cols[c].head);
	cairn_buf_addstr(o, "\n|");
	for (c = 0; cols[c].key; c++)
		cairn_buf_addstr(o, " --- |");
	cairn_buf_addstr(o, "\n");
	for (i = 0; i < json_array_size(rows); i++) {
		const json_t *r = json_array_get(rows, i);

		cairn_buf_addstr(o, "|");
		for (c = 0; cols[c].key; c++) {
			cairn_buf_addstr(o, " ");
			md_cell(o, json_object_get(r, cols[c].key), cols[c].code);
			cairn_buf_addstr(o, " |");
		}
		cairn_buf_addstr(o, "\n");
	}
	cairn_buf_addstr(o, "\n");
}

/* A fenced block: the fence is one longer than the longest run of '`'
 * in the content (CommonMark §4.5), so the content cannot close it. */
static void fenced(cairn_buf *o, const char *s, const char *info)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	size_t i, run = 0, longest = 2;
	const char *p, *nl;

	/* Line by line through the display escaper: keeps the newlines,
	 * makes every control character visible. */
	for (p = s; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		cairn_escape_display(&tmp, p, nl ? (size_t)(nl - p) : strlen(p));
		cairn_buf_addch(&tmp, '\n');
		if (!nl)
			break;
	}
	for (i = 0; i < tmp.len; i++) {
		if (tmp.data[i] == '`') {
			if (++run > longest)
				longest = run;
		} else {
			run = 0;
		}
	}
	for (i = 0; i <= longest; i++)
		cairn_buf_addch(o, '`');
	cairn_buf_addf(o, "%s\n", info);
	if (tmp.len)
		cairn_buf_add(o, tmp.data, tmp.len);
	for (i = 0; i <= longest; i++)
		cairn_buf_addch(o, '`');
	cairn_buf_addstr(o, "\n\n");
	cairn_buf_release(&tmp);
}

static void md_evidence_field(void *ctx, const char *key, const json_t *v,
			      int literal, int first)
{
	cairn_buf *o = ctx;

	if (!first)
		cairn_buf_addstr(o, " · ");
	cairn_buf_addf(o, "%s: ", key);
	if (json_is_integer(v))
		cairn_buf_addf(o, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (literal)
		code(o, json_string_value(v), 0);
	else if (json_is_string(v))
		text(o, json_string_value(v));
}

static void md_evidence(cairn_buf *o, const json_t *ev)
{
	cairn_buf_addstr(o, "- ");
	cairn_report_evidence_fields(ev, md_evidence_field, o);
	cairn_buf_addstr(o, "\n");
	if (str(ev, "text")) {
		cairn_buf_addstr(o, "\n");
		/* Indented under the list item. */
		{
			cairn_buf blk = CAIRN_BUF_INIT;
			const char *p;

			fenced(&blk, str(ev, "text"), "text");
			for (p = blk.data; p && *p;) {
				const char *nl = strchr(p, '\n');
				size_t len = nl ? (size_t)(nl - p) : strlen(p);

				if (len)
					cairn_buf_addstr(o, "  ");
				cairn_buf_add(o, p, len);
				cairn_buf_addch(o, '\n');
				p = nl ? nl + 1 : p + len;
			}
			cairn_buf_release(&blk);
		}
	}
}

void cairn_render_md(cairn_buf *o, const json_t *doc)
{
	const json_t *v = json_object_get(doc, "verdict");
	const json_t *counts = json_object_get(v, "counts");
	const json_t *fs = arr(doc, "findings"), *tl = json_object_get(doc, "timeline");
	const json_t *pv = json_object_get(doc, "provenance");
	int baseline = json_is_true(json_object_get(doc, "has_baseline"));
	size_t i, j;
	int s;

	cairn_buf_addstr(o, "# cairn incident report: ");
	text(o, str(v, "headline"));
	cairn_buf_addstr(o, "\n\n");
	if (str(doc, "subject_host") || str(doc, "subject_root")) {
		cairn_buf_addstr(o, "Host ");
		code(o, str(doc, "subject_host") ? str(doc, "subject_host") : "?", 0);
		cairn_buf_addstr(o, ", root ");
		code(o, str(doc, "subject_root") ? str(doc, "subject_root") : "?", 0);
		cairn_buf_addstr(o, ".\n\n");
	}
	cairn_buf_addstr(o, "**");
	text(o, str(v, "summary"));
	cairn_buf_addstr(o, "**\n\n");
	{
		const json_t *c = json_object_get(doc, "coverage");
		const json_t *gaps = arr(c, "gaps");
		const char *state = str(c, "state");

		if (str(c, "summary")) {
			cairn_buf_addstr(o, "Coverage: ");
			text(o, str(c, "summary"));
			if (state && (!strcmp(state, "partial") || !strcmp(state, "none")))
				text(o, ". The verdict covers the verified packages only.");
			cairn_buf_addstr(o, "\n\n");
		}
		for (i = 0; i < json_array_size(gaps); i++) {
			const json_t *g = json_array_get(gaps, i);

			cairn_buf_addf(o, "- %" JSON_INTEGER_FORMAT " not verified: ", num(g, "count", 0));
			text(o, str(g, "words"));
			if (str(g, "fix")) {
				cairn_buf_addstr(o, " — fix: ");
				text(o, str(g, "fix"));
			}
			cairn_buf_addstr(o, "\n");
		}
		if (json_array_size(gaps))
			cairn_buf_addstr(o, "\n");
	}
	if (str(v, "confidence")) {
		cairn_buf_addstr(o, "How sure: ");
		text(o, str(v, "confidence"));
		cairn_buf_addstr(o, "\n\n");
	}
	if (str(v, "first_step")) {
		cairn_buf_addstr(o, "Do first: ");
		text(o, str(v, "first_step"));
		cairn_buf_addstr(o, "\n\n");
	}
	cairn_buf_addstr(o, "| Severity | Findings |\n| --- | --- |\n");
	for (s = CAIRN_SEV__COUNT - 1; s >= 0; s--)
		cairn_buf_addf(o, "| %s | %" JSON_INTEGER_FORMAT " |\n", cairn_severity_name(s),
			       num(counts, cairn_severity_name(s), 0));
	cairn_buf_addstr(o, "\n");
	if (str(v, "fail_on"))
		cairn_buf_addf(o, "CI gate: fail on %s: **%s**.\n\n", sev_name(str(v, "fail_on")),
			       json_is_true(json_object_get(v, "fails")) ? "fails" : "passes");

	cairn_buf_addstr(o, "## Findings\n\n");
	if (!fs || !json_array_size(fs))
		cairn_buf_addstr(o, "_No rule fired on these inputs._\n\n");
	for (i = 0; fs && i < json_array_size(fs); i++) {
		const json_t *f = json_array_get(fs, i);
		const json_t *ev = arr(f, "evidence");

		cairn_buf_addf(o, "### %zu. [%s] ", i + 1, sev_name(str(f, "severity")));
		text(o, str(f, "title"));
		cairn_buf_addstr(o, "\n\nRule ");
		code(o, str(f, "id"), 0);
		cairn_buf_addstr(o, " ");
		text(o, str(f, "rule"));
		cairn_buf_addstr(o, ".\n\n**Evidence**\n\n");
		if (!ev || !json_array_size(ev))
			cairn_buf_addstr(o, "- none recorded\n");
		for (j = 0; ev && j < json_array_size(ev); j++)
			md_evidence(o, json_array_get(ev, j));
		cairn_buf_addstr(o, "\n**Why it matters:** ");
		text(o, str(f, "why"));
		cairn_buf_addstr(o, "\n\n**Fix:** ");
		text(o, str(f, "fix"));
		cairn_buf_addstr(o, "\n\n");
	}

	cairn_buf_addstr(o, "## Timeline\n\n");
	if (arr(tl, "events") && json_array_size(arr(tl, "events")))
		md_table(o, arr(tl, "events"), cairn_report_table_events);
	if (arr(tl, "windows") && json_array_size(arr(tl, "windows")))
		md_table(o, arr(tl, "windows"), cairn_report_table_windows);
	if (!(arr(tl, "events") && json_array_size(arr(tl, "events"))) &&
	    !(arr(tl, "windows") && json_array_size(arr(tl, "windows"))))
		cairn_buf_addstr(o, "_No timed inputs._\n\n");

	cairn_buf_addstr(o, "## Package changes\n\n");
	if (!baseline)
		cairn_buf_addstr(o, "_No baseline given._\n\n");
	else if (!arr(doc, "packages") || !json_array_size(arr(doc, "packages")))
		cairn_buf_addstr(o, "_No package changed._\n\n");
	else
		md_table(o, arr(doc, "packages"), cairn_report_table_packages);

	cairn_buf_addstr(o, "## File changes\n\n");
	if (!baseline) {
		cairn_buf_addstr(o, "_No baseline given._\n\n");
	} else if (!arr(doc, "files") || !json_array_size(arr(doc, "files"))) {
		cairn_buf_addstr(o, "_No file changed._\n\n");
	} else {
		const json_t *fl = arr(doc, "files");

		md_table(o, fl, cairn_report_table_files);
		if (num(doc, "files_omitted", 0) > 0)
			cairn_buf_addf(o, "%" JSON_INTEGER_FORMAT " more changes left out; the JSON diff has them all.\n\n",
				       num(doc, "files_omitted", 0));
		for (i = 0; i < json_array_size(arr(doc, "patches")); i++) {
			const json_t *f = json_array_get(arr(doc, "patches"), i);

			if (!str(f, "patch"))
				continue;
			cairn_buf_addstr(o, "Patch excerpt, ");
			code(o, str(f, "path"), 0);
			cairn_buf_addstr(o, ":\n\n");
			if (str(f, "origin") && *str(f, "origin")) {
				text(o, str(f, "origin"));
				cairn_buf_addstr(o, "\n\n");
			}
			fenced(o, str(f, "patch"), "diff");
		}
	}

	cairn_buf_addstr(o, "## Environment exposure\n\n");
	if (!arr(doc, "environment") || !json_array_size(arr(doc, "environment")))
		cairn_buf_addstr(o, "_No environment records._\n\n");
	else
		md_table(o, arr(doc, "environment"), cairn_report_table_environment);

	cairn_buf_addstr(o, "## MCP servers\n\n");
	if (!arr(doc, "mcp_servers") || !json_array_size(arr(doc, "mcp_servers")))
		cairn_buf_addstr(o, "_No MCP server configuration recorded._\n\n");
	else
		md_table(o, arr(doc, "mcp_servers"), cairn_report_table_mcp_servers);

	cairn_buf_addstr(o, "## Egress\n\n");
	if (str(doc, "egress_note")) {
		text(o, str(doc, "egress_note"));
		cairn_buf_addstr(o, "\n\n");
	}
	if (!json_is_true(json_object_get(doc, "has_capture")))
		cairn_buf_addstr(o, "_No capture given._\n\n");
	else if (!arr(doc, "egress") || !json_array_size(arr(doc, "egress")))
		cairn_buf_addstr(o, "_No outbound connection in the capture._\n\n");
	else
		md_table(o, arr(doc, "egress"), cairn_report_table_egress);

	cairn_buf_addstr(o, "## Provenance\n\n");
	if (arr(pv, "inputs") && json_array_size(arr(pv, "inputs")))
		md_table(o, arr(pv, "inputs"), cairn_report_table_inputs);
	cairn_buf_addstr(o, "Generated by ");
	text(o, str(pv, "tool"));
	if (str(pv, "generated")) {
		cairn_buf_addstr(o, " at ");
		text(o, str(pv, "generated"));
	}
	cairn_buf_addstr(o, ". Rules: docs/RULES.md.\n");
}

void cairn_render_json(cairn_buf *o, const json_t *doc)
{
	cairn_json_dump(o, doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	cairn_buf_addch(o, '\n');
}
