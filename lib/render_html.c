/*
 * render_html.c - the report as one self-contained HTML file.
 *
 * No JavaScript, no external fetch: inline CSS and inline SVG only, and a
 * Content-Security-Policy meta tag that would block both anyway.  Every
 * string from the document goes through cairn_esc_html(); no attacker
 * string is ever placed in an href, src, style or event attribute, only in
 * text and in quoted title attributes.  Layout: readable on a phone
 * (fluid, tables scroll sideways), printable (@media print).
 */
#include "jsonutil.h"
#include "report.h"
#include "rfc3339.h"

#include <inttypes.h>
#include <string.h>

static void esc(cairn_buf *out, const char *s)
{
	if (s)
		cairn_esc_html(out, s, strlen(s));
}

static const char *str(const json_t *o, const char *k)
{
	return cairn_json_str(o, k);
}

static json_int_t num(const json_t *o, const char *k, json_int_t def)
{
	return cairn_json_int(o, k, def);
}

static const json_t *arr(const json_t *o, const char *k)
{
	return cairn_json_arr(o, k);
}

/* Only our own severity names become class names; anything else is "info". */
static const char *sev_class(const char *s)
{
	int sev = cairn_severity_parse(s);

	return sev < 0 ? "info" : cairn_severity_name(sev);
}

static const char css[] =
":root{--crit:#991b1b;--high:#c2410c;--med:#a16207;--low:#1d4ed8;--info:#4b5563;"
"--line:#d1d5db;--soft:#f3f4f6;--ink:#111827}\n"
"*{box-sizing:border-box}\n"
"body{margin:0 auto;max-width:72rem;padding:1rem;font:15px/1.5 system-ui,-apple-system,"
"'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--ink);background:#fff}\n"
"h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .6rem;"
"border-bottom:2px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin:0 0 .4rem}\n"
"code,pre,.mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.88em}\n"
"code{background:var(--soft);padding:0 .25em;border-radius:3px;overflow-wrap:anywhere}\n"
"pre{background:var(--soft);padding:.6rem;overflow-x:auto;white-space:pre-wrap;"
"overflow-wrap:anywhere;border-radius:4px}\n"
".verdict{border-left:8px solid var(--info);background:var(--soft);padding:.8rem 1rem;border-radius:4px}\n"
".verdict.critical{border-color:var(--crit);background:#fef2f2}"
".verdict.high{border-color:var(--high);background:#fff7ed}"
".verdict.medium{border-color:var(--med);background:#fefce8}"
".verdict.low{border-color:var(--low);background:#eff6ff}\n"
".verdict p{margin:.3rem 0}.meta{color:#4b5563;font-size:.9em}\n"
".coverage{border:1px solid #d1d5db;border-radius:4px;padding:.3rem .8rem;margin:.5rem 0;background:#fff}"
".coverage.gap{border-color:var(--med)}.coverage ul{margin:.2rem 0;padding-left:1.2rem;font-size:.9em}\n"
".counts{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:.5rem 0 0}\n"
".counts li{padding:.1rem .6rem;border-radius:999px;border:1px solid var(--line);background:#fff}\n"
".badge{display:inline-block;min-width:5.2em;text-align:center;color:#fff;border-radius:3px;"
"padding:0 .4em;font-size:.8em;font-weight:700;letter-spacing:.03em;text-transform:uppercase;"
"background:var(--info);-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
".badge.critical{background:var(--crit)}.badge.high{background:var(--high)}"
".badge.medium{background:var(--med)}.badge.low{background:var(--low)}\n"
".finding{border:1px solid var(--line);border-left:6px solid var(--info);border-radius:4px;"
"padding:.7rem .9rem;margin:.7rem 0;break-inside:avoid}\n"
".finding.critical{border-left-color:var(--crit)}.finding.high{border-left-color:var(--high)}"
".finding.medium{border-left-color:var(--med)}.finding.low{border-left-color:var(--low)}\n"
".finding dl{margin:.3rem 0 0;display:grid;grid-template-columns:8rem 1fr;gap:.2rem .8rem}\n"
".finding dt{font-weight:600;color:#374151}.finding dd{margin:0;min-width:0}\n"
".finding ul{margin:0;padding-left:1.1rem}\n"
".ev span{color:#4b5563}\n"
"nav ul{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;padding:0}\n"
".tw{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}\n"
"th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top;"
"overflow-wrap:anywhere}th{background:var(--soft)}\n"
"tr.bad td{background:#fef2f2}.bad-t{color:var(--crit);font-weight:700}.ok-t{color:#166534}\n"
".del{color:#991b1b}.add{color:#166534}\n"
"svg{width:100%;height:auto;max-height:22rem}\n"
".empty{color:#6b7280;font-style:italic}\n"
"@media (max-width:40rem){body{padding:.6rem;font-size:14px}"
".finding dl{grid-template-columns:1fr}.finding dt{margin-top:.3rem}h1{font-size:1.3rem}}\n"
"@media print{body{max-width:none;font-size:11pt}nav{display:none}"
".finding,table,svg{break-inside:avoid}a{color:inherit;text-decoration:none}}\n";

static void section_open(cairn_buf *o, const char *id, const char *title)
{
	cairn_buf_addf(o, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static void empty(cairn_buf *o, const char *text)
{
	cairn_buf_addf(o, "<p class=\"empty\">%s</p>\n", text);
}

static void evidence_field(void *ctx, const char *key, const json_t *v,
			   int literal, int first)
{
	cairn_buf *o = ctx;

	if (!first)
		cairn_buf_addstr(o, " · ");
	cairn_buf_addf(o, "<span>%s:</span> ", key);
	if (json_is_integer(v)) {
		cairn_buf_addf(o, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (literal) {
		cairn_buf_addstr(o, "<code>");
		esc(o, json_string_value(v));
		cairn_buf_addstr(o, "</code>");
	} else if (json_is_string(v)) {
		esc(o, json_string_value(v));
	}
}

static void evidence_item(cairn_buf *o, const json_t *ev)
{
	const char *text = str(ev, "text");

	cairn_buf_addstr(o, "<li class=\"ev\">");
	cairn_report_evidence_fields(ev, evidence_field, o);
	if (text) {
		cairn_buf_addstr(o, "<pre>");
		esc(o, text);
		cairn_buf_addstr(o, "</pre>");
	}
	cairn_buf_addstr(o, "</li>\n");
}

/* Beside the verdict: what it covers, and how to close each gap. */
static void render_coverage(cairn_buf *o, const json_t *doc)
{
	const json_t *c = json_object_get(doc, "coverage");
	const json_t *gaps = arr(c, "gaps");
	const char *state = str(c, "state");
	size_t i;

	if (!str(c, "summary"))
		return;
	cairn_buf_addf(o, "<div class=\"coverage %s\"><p><strong>Coverage:</strong> ",
		       state && (!strcmp(state, "complete") || !strcmp(state, "no_packages")) ?
		       "full" : "gap");
	esc(o, str(c, "summary"));
	if (state && (!strcmp(state, "partial") || !strcmp(state, "none")))
		cairn_buf_addstr(o, ". The verdict covers the verified packages only.");
	cairn_buf_addstr(o, "</p>\n");
	if (json_array_size(gaps)) {
		cairn_buf_addstr(o, "<ul>");
		for (i = 0; i < json_array_size(gaps); i++) {
			const json_t *g = json_array_get(gaps, i);

			cairn_buf_addf(o, "<li>%" JSON_INTEGER_FORMAT " not verified: ", num(g, "count", 0));
			esc(o, str(g, "words"));
			if (str(g, "fix")) {
				cairn_buf_addstr(o, " — <strong>fix:</strong> ");
				esc(o, str(g, "fix"));
			}
			cairn_buf_addstr(o, "</li>");
		}
		cairn_buf_addstr(o, "</ul>\n");
	}
	cairn_buf_addstr(o, "</div>\n");
}

static void render_verdict(cairn_buf *o, const json_t *doc)
{
	const json_t *v = json_object_get(doc, "verdict");
	const json_t *counts = json_object_get(v, "counts");
	const char *highest = str(v, "highest");
	int i;

	cairn_buf_addf(o, "<header class=\"verdict %s\">\n",
		       highest ? sev_class(highest) : "none");
	cairn_buf_addstr(o, "<p class=\"meta\">cairn incident report");
	if (str(doc, "subject_host")) {
		cairn_buf_addstr(o, " · host <code>");
		esc(o, str(doc, "subject_host"));
		cairn_buf_addstr(o, "</code>");
	}
	if (str(doc, "subject_root")) {
		cairn_buf_addstr(o, " · root <code>");
		esc(o, str(doc, "subject_root"));
		cairn_buf_addstr(o, "</code>");
	}
	cairn_buf_addstr(o, "</p>\n<h1>");
	esc(o, str(v, "headline"));
	cairn_buf_addstr(o, "</h1>\n<p>");
	esc(o, str(v, "summary"));
	cairn_buf_addstr(o, "</p>\n");
	render_coverage(o, doc);
	if (str(v, "confidence")) {
		cairn_buf_addstr(o, "<p class=\"meta\"><strong>How sure:</strong> ");
		esc(o, str(v, "confidence"));
		cairn_buf_addstr(o, "</p>\n");
	}
	if (str(v, "first_step")) {
		cairn_buf_addstr(o, "<p class=\"meta\"><strong>Do first:</strong> ");
		esc(o, str(v, "first_step"));
		cairn_buf_addstr(o, "</p>\n");
	}
	cairn_buf_addstr(o, "<ul class=\"counts\">");
	for (i = CAIRN_SEV__COUNT - 1; i >= 0; i--) {
		const char *name = cairn_severity_name(i);

		cairn_buf_addf(o, "<li><span class=\"badge %s\">%s</span> %" JSON_INTEGER_FORMAT "</li>",
			       name, name, num(counts, name, 0));
	}
	cairn_buf_addstr(o, "</ul>\n");
	if (str(v, "fail_on"))
		cairn_buf_addf(o, "<p class=\"meta\">CI gate: fail on %s — %s</p>\n",
			       sev_class(str(v, "fail_on")),
			       json_is_true(json_object_get(v, "fails")) ? "<strong>fails</strong>" : "passes");
	cairn_buf_addstr(o, "</header>\n");
}

static void render_findings(cairn_buf *o, const json_t *doc)
{
	const json_t *fs = arr(doc, "findings");
	size_t i, j;

	section_open(o, "findings", "Findings");
	if (!fs || !json_array_size(fs))
		empty(o, "No rule fired on these inputs.");
	for (i = 0; fs && i < json_array_size(fs); i++) {
		const json_t *f = json_array_get(fs, i);
		const char *sev = sev_class(str(f, "severity"));
		const json_t *ev = arr(f, "evidence");

		cairn_buf_addf(o, "<article class=\"finding %s\" id=\"f%zu\">\n<h3><span class=\"badge %s\">%s</span> ",
			       sev, i + 1, sev, sev);
		esc(o, str(f, "title"));
		cairn_buf_addstr(o, "</h3>\n<dl><dt>Rule</dt><dd><code>");
		esc(o, str(f, "id"));
		cairn_buf_addstr(o, "</code> ");
		esc(o, str(f, "rule"));
		cairn_buf_addstr(o, "</dd>\n<dt>Evidence</dt><dd>");
		if (ev && json_array_size(ev)) {
			cairn_buf_addstr(o, "<ul>\n");
			for (j = 0; j < json_array_size(ev); j++)
				evidence_item(o, json_array_get(ev, j));
			cairn_buf_addstr(o, "</ul>");
		} else {
			cairn_buf_addstr(o, "<span class=\"empty\">none recorded</span>");
		}
		cairn_buf_addstr(o, "</dd>\n<dt>Why it matters</dt><dd>");
		esc(o, str(f, "why"));
		cairn_buf_addstr(o, "</dd>\n<dt>Fix</dt><dd>");
		esc(o, str(f, "fix"));
		cairn_buf_addstr(o, "</dd></dl>\n</article>\n");
	}
	cairn_buf_addstr(o, "</section>\n");
}

static void fmt_time(char *buf, size_t len, json_int_t ns)
{
	int64_t sec = ns / 1000000000;

	if (ns < 0 && ns % 1000000000)
		sec--;
	cairn_rfc3339_format(buf, len, sec, -1);
}

/*
 * A broken time axis: snapshots may be months apart from the capture, so
 * the times are grouped into clusters (a gap of more than 30 minutes starts
 * a new one), each cluster gets an equal share of the width, and the axis
 * shows a break between clusters.
 */
#define MAX_CLUSTERS 6
#define CLUSTER_GAP (1800LL * 1000000000LL)

struct axis {
	json_int_t lo[MAX_CLUSTERS], hi[MAX_CLUSTERS];
	double x0[MAX_CLUSTERS], x1[MAX_CLUSTERS];
	size_t n;
};

static int ns_cmp(const void *a, const void *b)
{
	json_int_t x = *(const json_int_t *)a, y = *(const json_int_t *)b;

	return x < y ? -1 : x > y;
}

/* Times from a hostile document are clamped to 1970..2200 so that no
 * difference below can overflow. */
#define T_MAX (7258118400LL * 1000000000LL)

static json_int_t clamp_t(json_int_t t)
{
	return t < 0 ? 0 : t > T_MAX ? T_MAX : t;
}

static void axis_build(struct axis *ax, json_int_t *t, size_t n, double left, double right)
{
	size_t i, k;
	double gap = 24, width;

	for (i = 0; i < n; i++)
		t[i] = clamp_t(t[i]);
	ax->n = 0;
	qsort(t, n, sizeof(*t), ns_cmp);
	for (i = 0; i < n; i++) {
		if (ax->n && t[i] - ax->hi[ax->n - 1] <= CLUSTER_GAP) {
			ax->hi[ax->n - 1] = t[i];
		} else if (ax->n < MAX_CLUSTERS) {
			ax->lo[ax->n] = ax->hi[ax->n] = t[i];
			ax->n++;
		} else {
			ax->hi[ax->n - 1] = t[i];   /* too many: merge into the last */
		}
	}
	if (!ax->n) {
		ax->lo[0] = 0;
		ax->hi[0] = 1;
		ax->n = 1;
	}
	width = (right - left - gap * (double)(ax->n - 1)) / (double)ax->n;
	for (k = 0; k < ax->n; k++) {
		/* pad so that single instants sit inside their segment */
		json_int_t pad = (ax->hi[k] - ax->lo[k]) / 20 + 30LL * 1000000000LL;

		ax->lo[k] -= pad;
		ax->hi[k] += pad;
		ax->x0[k] = left + (double)k * (width + gap);
		ax->x1[k] = ax->x0[k] + width;
	}
}

static double axis_x(const struct axis *ax, json_int_t t)
{
	size_t k;

	t = clamp_t(t);
	for (k = 0; k < ax->n; k++) {
		if (t <= ax->hi[k] || k + 1 == ax->n) {
			if (t < ax->lo[k])
				t = ax->lo[k];
			if (t > ax->hi[k])
				t = ax->hi[k];
			return ax->x0[k] + (ax->x1[k] - ax->x0[k]) *
			       ((double)(t - ax->lo[k]) / (double)(ax->hi[k] - ax->lo[k]));
		}
	}
	return ax->x0[0];
}

/*
 * The timeline chart: one time axis; snapshots and changes as markers,
 * outbound connections per capture window as bars (known hosts grey,
 * hosts outside the allowlist red, named above the bar).
 */
static void render_timeline(cairn_buf *o, const json_t *doc)
{
	const json_t *tl = json_object_get(doc, "timeline");
	const json_t *events = arr(tl, "events"), *windows = arr(tl, "windows");
	size_t ne = events ? json_array_size(events) : 0, nw = windows ? json_array_size(windows) : 0;
	json_int_t maxc = 1, *times;
	const double W = 960, L = 50, R = 20, top = 40, base = 200;
	struct axis ax;
	size_t i, j, nt = 0, row = 0;
	char tbuf[48];

	section_open(o, "timeline", "Timeline");
	if (!ne && !nw) {
		empty(o, "No timed inputs (snapshot times, changes or capture windows).");
		cairn_buf_addstr(o, "</section>\n");
		return;
	}
	times = cairn_calloc(ne + 2 * nw + 1, sizeof(*times));
	for (i = 0; i < ne; i++)
		times[nt++] = num(json_array_get(events, i), "t_ns", 0);
	for (i = 0; i < nw; i++) {
		const json_t *w = json_array_get(windows, i);
		json_int_t c = num(w, "known", 0) + num(w, "unknown", 0);

		times[nt++] = num(w, "start_ns", 0);
		times[nt++] = num(w, "end_ns", num(w, "start_ns", 0));
		if (c > maxc)
			maxc = c;
	}
	axis_build(&ax, times, nt, L, W - R);
	free(times);

	cairn_buf_addf(o, "<svg viewBox=\"0 0 %.0f 310\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		       "aria-label=\"timeline\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n", W);
	for (i = 0; i < ax.n; i++) {
		cairn_buf_addf(o, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#374151\"/>\n",
			       ax.x0[i], base, ax.x1[i], base);
		if (i + 1 < ax.n)
			cairn_buf_addf(o, "<text x=\"%.1f\" y=\"%.0f\" fill=\"#6b7280\" text-anchor=\"middle\">≈</text>\n",
				       (ax.x1[i] + ax.x0[i + 1]) / 2, base + 4);
		fmt_time(tbuf, sizeof(tbuf), ax.lo[i]);
		cairn_buf_addf(o, "<text x=\"%.1f\" y=\"300\" fill=\"#374151\" font-size=\"11\">%s</text>\n",
			       ax.x0[i], tbuf);
	}
	cairn_buf_addf(o, "<text x=\"4\" y=\"%.0f\" fill=\"#374151\" font-size=\"11\">conns</text>\n", top - 4);
	cairn_buf_addf(o, "<text x=\"4\" y=\"%.0f\" fill=\"#374151\" font-size=\"11\">%" JSON_INTEGER_FORMAT "</text>\n",
		       top + 10, maxc);
	for (i = 0; i < nw; i++) {
		const json_t *w = json_array_get(windows, i);
		json_int_t ws = num(w, "start_ns", 0), we = num(w, "end_ns", ws);
		json_int_t known = num(w, "known", 0), unknown = num(w, "unknown", 0);
		double x0 = axis_x(&ax, ws), x1 = axis_x(&ax, we), bw, hk, hu;
		const json_t *names = arr(w, "unknown_hosts");

		bw = x1 - x0 - 2;
		if (bw < 4)
			bw = 4;
		hk = (base - top) * (double)known / (double)maxc;
		hu = (base - top) * (double)unknown / (double)maxc;
		if (known)
			cairn_buf_addf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#9ca3af\">"
				       "<title>%" JSON_INTEGER_FORMAT " connection(s) to allowed hosts</title></rect>\n",
				       x0 + 1, base - hk, bw, hk, known);
		if (!unknown)
			continue;
		cairn_buf_addf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#dc2626\">"
			       "<title>", x0 + 1, base - hk - hu, bw, hu);
		cairn_buf_addf(o, "%" JSON_INTEGER_FORMAT " connection(s) to unknown hosts: ", unknown);
		for (j = 0; names && j < json_array_size(names); j++) {
			if (j)
				cairn_buf_addstr(o, ", ");
			esc(o, json_string_value(json_array_get(names, j)));
		}
		cairn_buf_addstr(o, "</title></rect>\n");
		for (j = 0; names && j < json_array_size(names) && j < 3; j++) {
			const char *h = json_string_value(json_array_get(names, j));
			char cut[80];
			size_t hl = h ? strlen(h) : 0;
			double y = base - hk - hu - 6 - 14.0 * (double)j;

			if (!h)
				continue;
			/* Long names are cut for the chart only (whole in the table);
			 * cut on a UTF-8 boundary so escaping sees no partial char. */
			if (hl > 40) {
				size_t k = 40;

				while (k > 0 && ((unsigned char)h[k] & 0xc0) == 0x80)
					k--;
				memcpy(cut, h, k);
				memcpy(cut + k, "…", sizeof("…"));
				h = cut;
			}
			cairn_buf_addf(o, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#991b1b\" font-weight=\"700\" "
				       "text-anchor=\"%s\">", x0 + 1, y < 12 ? 12 : y,
				       x0 > W * 0.6 ? "end" : "start");
			esc(o, h);
			cairn_buf_addstr(o, "</text>\n");
		}
	}
	/* Events close together on the chart share one marker and label (the
	 * table below lists each one). */
	for (i = 0; i < ne;) {
		const json_t *e = json_array_get(events, i);
		const char *kind = str(e, "kind");
		int snap = kind && !strcmp(kind, "snapshot");
		double x = axis_x(&ax, num(e, "t_ns", 0));
		double y = base + 20 + 15.0 * (double)(row++ % 3);
		size_t n = 1;

		while (i + n < ne) {
			const json_t *f = json_array_get(events, i + n);
			const char *fk = str(f, "kind");
			int fsnap = fk && !strcmp(fk, "snapshot");

			if (fsnap != snap || axis_x(&ax, num(f, "t_ns", 0)) - x > 40)
				break;
			n++;
		}
		if (snap)
			cairn_buf_addf(o, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#1d4ed8\" "
				       "stroke-dasharray=\"4 3\"/>\n", x, top - 20, x, base + 8);
		else
			cairn_buf_addf(o, "<path d=\"M%.1f %.0f l5 6 l-5 6 l-5 -6 z\" fill=\"#c2410c\"/>\n",
				       x, base - 6);
		cairn_buf_addf(o, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"%s\" font-size=\"11\">",
			       x, y, snap ? "#1d4ed8" : "#c2410c",
			       x > W * 0.7 ? "end" : x < W * 0.3 ? "start" : "middle");
		if (n == 1)
			esc(o, str(e, "label"));
		else if (snap)
			cairn_buf_addf(o, "%zu snapshots", n);
		else
			cairn_buf_addf(o, "%zu events (see the table)", n);
		cairn_buf_addstr(o, "</text>\n");
		i += n;
	}
	cairn_buf_addstr(o, "</svg>\n");
	cairn_buf_addstr(o, "<p class=\"meta\">Bars: outbound connections per capture window "
			 "(grey: allowed hosts, red: hosts outside the allowlist). "
			 "Dashed lines: snapshots. Diamonds: recorded changes, installs and tool events. "
			 "≈: a break in the time axis.</p>\n");
	if (ne) {
		/* the generic table's columns, the time (first) in a fixed font */
		const cairn_report_col *cols = cairn_report_table_events;
		size_t c;

		cairn_buf_addstr(o, "<div class=\"tw\"><table><tr>");
		for (c = 0; cols[c].key; c++)
			cairn_buf_addf(o, "<th>%s</th>", cols[c].head);
		cairn_buf_addstr(o, "</tr>\n");
		for (i = 0; i < ne; i++) {
			const json_t *e = json_array_get(events, i);

			cairn_buf_addstr(o, "<tr>");
			for (c = 0; cols[c].key; c++) {
				cairn_buf_addstr(o, c ? "<td>" : "<td class=\"mono\">");
				esc(o, str(e, cols[c].key));
				cairn_buf_addstr(o, "</td>");
			}
			cairn_buf_addstr(o, "</tr>\n");
		}
		cairn_buf_addstr(o, "</table></div>\n");
	}
	cairn_buf_addstr(o, "</section>\n");
}

/*
 * A generic table of an array of objects: columns are (key, heading)
 * pairs; a row whose "flag" key is true gets class "bad".
 */
static void cell(cairn_buf *o, const json_t *v, int code)
{
	size_t i;

	if (json_is_string(v)) {
		if (code)
			cairn_buf_addstr(o, "<code>");
		esc(o, json_string_value(v));
		if (code)
			cairn_buf_addstr(o, "</code>");
	} else if (json_is_integer(v)) {
		cairn_buf_addf(o, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_true(v)) {
		cairn_buf_addstr(o, "yes");
	} else if (json_is_false(v)) {
		cairn_buf_addstr(o, "no");
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				cairn_buf_addstr(o, code ? " " : ", ");
			cell(o, json_array_get(v, i), code);
		}
	} else {
		cairn_buf_addstr(o, "—");
	}
}

static void table(cairn_buf *o, const json_t *rows, const cairn_report_col *cols,
		  const char *flag)
{
	size_t i, c;

	cairn_buf_addstr(o, "<div class=\"tw\"><table><tr>");
	for (c = 0; cols[c].key; c++)
		cairn_buf_addf(o, "<th>%s</th>", cols[c].head);
	cairn_buf_addstr(o, "</tr>\n");
	for (i = 0; i < json_array_size(rows); i++) {
		const json_t *r = json_array_get(rows, i);

		cairn_buf_addf(o, "<tr%s>", flag && json_is_true(json_object_get(r, flag)) ?
			       " class=\"bad\"" : "");
		for (c = 0; cols[c].key; c++) {
			cairn_buf_addstr(o, "<td>");
			cell(o, json_object_get(r, cols[c].key), cols[c].code);
			cairn_buf_addstr(o, "</td>");
		}
		cairn_buf_addstr(o, "</tr>\n");
	}
	cairn_buf_addstr(o, "</table></div>\n");
}

static void render_patch(cairn_buf *o, const char *patch)
{
	const char *p = patch, *nl;

	cairn_buf_addstr(o, "<pre>");
	while (p && *p) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (*p == '+' && !(len >= 3 && !strncmp(p, "+++", 3)))
			cairn_buf_addstr(o, "<span class=\"add\">");
		else if (*p == '-' && !(len >= 3 && !strncmp(p, "---", 3)))
			cairn_buf_addstr(o, "<span class=\"del\">");
		else
			cairn_buf_addstr(o, "<span>");
		cairn_esc_html(o, p, len);
		cairn_buf_addstr(o, "</span>\n");
		p = nl ? nl + 1 : p + len;
	}
	cairn_buf_addstr(o, "</pre>\n");
}

static void render_changes(cairn_buf *o, const json_t *doc)
{
	const json_t *pk = arr(doc, "packages"), *fl = arr(doc, "files");
	json_int_t more = num(doc, "files_omitted", 0);
	size_t i;

	section_open(o, "packages", "Package changes");
	if (!json_is_true(json_object_get(doc, "has_baseline")))
		empty(o, "No baseline given: changes need --baseline.");
	else if (!pk || !json_array_size(pk))
		empty(o, "No package changed.");
	else
		table(o, pk, cairn_report_table_packages, "flag");
	cairn_buf_addstr(o, "</section>\n");

	section_open(o, "files", "File changes");
	if (!json_is_true(json_object_get(doc, "has_baseline"))) {
		empty(o, "No baseline given: changes need --baseline.");
	} else if (!fl || !json_array_size(fl)) {
		empty(o, "No file changed.");
	} else {
		table(o, fl, cairn_report_table_files, "flag");
		if (more > 0)
			cairn_buf_addf(o, "<p class=\"meta\">%" JSON_INTEGER_FORMAT
				       " more changes left out; the JSON diff has them all.</p>\n", more);
		for (i = 0; i < json_array_size(arr(doc, "patches")); i++) {
			const json_t *f = json_array_get(arr(doc, "patches"), i);
			const char *patch = str(f, "patch");

			if (!patch)
				continue;
			cairn_buf_addstr(o, "<h3>Patch excerpt: <code>");
			esc(o, str(f, "path"));
			cairn_buf_addstr(o, "</code></h3>\n");
			if (str(f, "origin") && *str(f, "origin")) {
				cairn_buf_addstr(o, "<p class=\"meta\">");
				esc(o, str(f, "origin"));
				cairn_buf_addstr(o, "</p>\n");
			}
			render_patch(o, patch);
		}
	}
	cairn_buf_addstr(o, "</section>\n");
}

static void render_posture(cairn_buf *o, const json_t *doc)
{
	const json_t *env = arr(doc, "environment"), *mcp = arr(doc, "mcp_servers");
	const json_t *eg = arr(doc, "egress");

	section_open(o, "environment", "Environment exposure");
	if (!env || !json_array_size(env))
		empty(o, "No environment records in the snapshot.");
	else
		table(o, env, cairn_report_table_environment, "secret");
	cairn_buf_addstr(o, "</section>\n");

	section_open(o, "mcp", "MCP servers");
	if (!mcp || !json_array_size(mcp))
		empty(o, "No MCP server configuration recorded.");
	else
		table(o, mcp, cairn_report_table_mcp_servers, "flag");
	cairn_buf_addstr(o, "</section>\n");

	section_open(o, "egress", "Egress");
	if (str(doc, "egress_note"))
		empty(o, str(doc, "egress_note"));
	if (!json_is_true(json_object_get(doc, "has_capture")))
		empty(o, "No capture given: egress needs --capture or --capture-json.");
	else if (!eg || !json_array_size(eg))
		empty(o, "No outbound connection in the capture.");
	else
		table(o, eg, cairn_report_table_egress, "flag");
	cairn_buf_addstr(o, "</section>\n");
}

static void render_provenance(cairn_buf *o, const json_t *doc)
{
	const json_t *pv = json_object_get(doc, "provenance");
	const json_t *in = arr(pv, "inputs");

	section_open(o, "provenance", "Provenance");
	if (in && json_array_size(in))
		table(o, in, cairn_report_table_inputs, NULL);
	cairn_buf_addstr(o, "<p class=\"meta\">Generated by ");
	esc(o, str(pv, "tool"));
	if (str(pv, "generated")) {
		cairn_buf_addstr(o, " at ");
		esc(o, str(pv, "generated"));
	}
	cairn_buf_addstr(o, ". Rules: docs/RULES.md. Same inputs, same bytes");
	cairn_buf_addstr(o, str(pv, "generated") ? " (apart from this time; --no-timestamp leaves it out)." : ".");
	cairn_buf_addstr(o, "</p>\n</section>\n");
}

void cairn_render_html(cairn_buf *o, const json_t *doc)
{
	const json_t *v = json_object_get(doc, "verdict");

	cairn_buf_addstr(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			 "style-src 'unsafe-inline'; img-src data:\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<meta name=\"referrer\" content=\"no-referrer\">\n<title>cairn report: ");
	esc(o, str(v, "headline"));
	cairn_buf_addstr(o, "</title>\n<style>\n");
	cairn_buf_addstr(o, css);
	cairn_buf_addstr(o, "</style>\n</head>\n<body>\n");
	render_verdict(o, doc);
	cairn_buf_addstr(o, "<nav><ul><li><a href=\"#findings\">Findings</a></li>"
			 "<li><a href=\"#timeline\">Timeline</a></li>"
			 "<li><a href=\"#packages\">Packages</a></li>"
			 "<li><a href=\"#files\">Files</a></li>"
			 "<li><a href=\"#environment\">Environment</a></li>"
			 "<li><a href=\"#mcp\">MCP servers</a></li>"
			 "<li><a href=\"#egress\">Egress</a></li>"
			 "<li><a href=\"#provenance\">Provenance</a></li></ul></nav>\n<main>\n");
	render_findings(o, doc);
	render_timeline(o, doc);
	render_changes(o, doc);
	render_posture(o, doc);
	render_provenance(o, doc);
	cairn_buf_addstr(o, "</main>\n</body>\n</html>\n");
}
