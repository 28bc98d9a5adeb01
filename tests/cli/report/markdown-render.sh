#!/bin/sh
# report.md read raw and rendered: a report document whose every
# untrusted string is a payload (links, images, HTML, entities, GFM
# autolinks, emphasis, block syntax at a line's start, table pipes,
# control and bidi characters) is rendered by the library
# (tests/tools/report-render md); the golden .stdout pins the Markdown as a
# reader sees it raw, and cmark-gfm (a CommonMark implementation with
# GitHub's extensions) renders it: no link, image, raw HTML, list, quote,
# rule, heading or strikethrough may come of a payload, and each payload
# must come out as its text (cairn_escape_display's form), in each place
# it stands: heading, bold summary, paragraph, list item, table cell, and
# paragraphs that start with it.  GitHub turns "@name" and "@org/team" into
# a mention (a notification) in any text outside code after rendering, so
# no '@' that GitHub would read so may stand outside a code span.
. "$CAIRN_SRC/tests/cli/lib.sh"
need cmark-gfm cmark-gfm

# each line: the payload, TAB, its text as rendered (the display form)
cat >payloads.tsv <<'P'
[x](javascript:alert(1)) ![i](http://evil.example/i.png) [r]: http://evil.example	[x](javascript:alert(1)) ![i](http://evil.example/i.png) [r]: http://evil.example
<img src=x onerror=alert(2)><script>alert(3)</script> &amp; &#60; <!-- c -->	<img src=x onerror=alert(2)><script>alert(3)</script> &amp; &#60; <!-- c -->
www.evil.example https://evil.example/p WWW.EVIL.EXAMPLE a@evil.example b@1.0.0 <https://evil.example>	www.evil.example https://evil.example/p WWW.EVIL.EXAMPLE a@evil.example b@1.0.0 <https://evil.example>
*bold* **b** __init__ _x_ ~~del~~ ~d~ `code` ``two`` AWS_* snake_case	*bold* **b** __init__ _x_ ~~del~~ ~d~ `code` ``two`` AWS_* snake_case
# not a heading #	# not a heading #
> not a quote	> not a quote
- not a list	- not a list
+ not a list	+ not a list
1. not a list	1. not a list
7) not a list	7) not a list
    not code	    not code
---	---
***	***
```fence	```fence
~~~fence	~~~fence
| a | b |	| a | b |
trailing backslash \	trailing backslash \\
C:\dir\* \\ \` \[	C:\\dir\\* \\\\ \\` \\[
ESC[31mred RLO-exe.js	\x1b[31mred \u{202e}-exe.js
@octocat (@npmcli/config@10.12.0): node_modules/@types/node/a.js, "@org/team" x@y	@octocat (@npmcli/config@10.12.0): node_modules/@types/node/a.js, "@org/team" x@y
P
# the control characters: ESC and U+202E RIGHT-TO-LEFT OVERRIDE
esc=$(printf '\033')
rlo=$(printf '\342\200\256')
sed -i "s/^ESC/$esc/; s/RLO/$rlo/" payloads.tsv

python3 - payloads.tsv doc.json <<'PY' || fail "cannot write the report document"
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
doc = {
    "format": "cairn-report", "has_baseline": True, "has_capture": True,
    "verdict": {"headline": rows[0][0], "summary": rows[2][0],
                "confidence": rows[3][0], "first_step": rows[1][0],
                "highest": "critical", "counts": {"critical": len(rows)}},
    "findings": [{"id": "CAIRN-X%02d" % i, "rule": p, "severity": "critical",
                  "title": p, "why": p, "fix": p,
                  "evidence": [{"source": "diff", "file": p, "detail": p}]}
                 for i, (p, _) in enumerate(rows)],
    "packages": [{"name": "pkg%d" % i, "ecosystem": "npm", "change": "modified",
                  "old": "1", "new": "2", "note": p}
                 for i, (p, _) in enumerate(rows)],
    "files": [{"path": "f%d" % i, "change": "modified", "detail": p}
              for i, (p, _) in enumerate(rows)],
    "patches": [{"path": "f%d" % i, "origin": p, "patch": "+x\n"}
                for i, (p, _) in enumerate(rows)],
    "egress_note": rows[4][0],
    "provenance": {"tool": rows[0][0]},
}
json.dump(doc, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY

"$CAIRN_TOOLS/report-render" md doc.json >report.md || fail "report-render md: exit $?"
run cat report.md
# --unsafe: raw HTML passes through as it is, so that any a payload made
# shows up below (GitHub sanitises it; this test must see it)
cmark-gfm --unsafe -e table -e autolink -e strikethrough report.md >report.html ||
	fail "cmark-gfm: exit $?"

python3 - payloads.tsv report.html <<'PY' || fail "the rendered report is not the payloads' text"
import sys
from html.parser import HTMLParser

rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
html = open(sys.argv[2], encoding="utf-8").read()
bad = []

class P(HTMLParser):
    """Each element's text, the tags used and the comments."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.comments, self.blocks, self.stack = set(), [], [], []
        self.code, self.plain = 0, []
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag in ("code", "pre"):
            self.code += 1
        if tag in ("h1", "h2", "h3", "p", "li", "td", "th", "strong", "pre"):
            self.stack.append([tag, ""])
    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self.code -= 1
        if self.stack and self.stack[-1][0] == tag:
            t, text = self.stack.pop()
            self.blocks.append((t, " ".join(text.split())))
            if self.stack:
                self.stack[-1][1] += text
    def handle_data(self, d):
        if self.stack:
            self.stack[-1][1] += d
        if not self.code:
            self.plain.append(d)
    def handle_comment(self, c):
        self.comments.append(c)

p = P()
p.feed(html)
allowed = {"h1", "h2", "h3", "p", "strong", "em", "code", "pre", "ul", "li",
           "table", "thead", "tbody", "tr", "th", "td"}
for t in sorted(p.tags - allowed):
    bad.append("a payload made a <%s> element" % t)
for c in p.comments:
    if c != " ":
        bad.append("a payload made raw HTML: <!--%s-->" % c)

def count(tag, text):
    text = " ".join(text.split())
    return sum(t == tag and s == text for t, s in p.blocks)

def has(tag, text):
    return count(tag, text) > 0

places = 0
for i, (_, want) in enumerate(rows):
    checks = [("h3", "%d. [critical] %s" % (i + 1, want)),
              ("p", "Rule CAIRN-X%02d %s." % (i, want)),
              ("p", "Why it matters: " + want),
              ("li", "source: diff · file: %s · detail: %s" % (want, want)),
              ("p", want)]
    for tag, text in checks:
        places += 1
        if not has(tag, text):
            bad.append("payload %d: no <%s> reads %r" % (i + 1, tag, text))
    # the table cells: a package's note, a file's detail
    places += 2
    if count("td", want) != 2:
        bad.append("payload %d: %d of 2 <td> read %r" % (i + 1, count("td", want), want))
for tag, text in [("h1", "cairn incident report: " + rows[0][1]),
                  ("strong", rows[2][1]), ("p", "How sure: " + rows[3][1]),
                  ("p", "Do first: " + rows[1][1]), ("p", rows[4][1]),
                  ("p", "Generated by %s. Rules: docs/RULES.md." % rows[0][1])]:
    places += 1
    if not has(tag, text):
        bad.append("no <%s> reads %r" % (tag, text))
import re
mentions = [m.group(0) for d in p.plain
            for m in re.finditer(r"(?<![A-Za-z0-9_])@[A-Za-z0-9][A-Za-z0-9/_.-]*", d)]
for m in mentions:
    bad.append("GitHub would read %r outside code as a mention" % m)
for b in bad:
    print("FAIL:", b)
print("%d payloads, %d places checked, %d wrong" % (len(rows), places, len(bad)))
sys.exit(1 if bad else 0)
PY
