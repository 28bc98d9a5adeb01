/*
 * destscan.c - destinations named in text (destscan.h).
 */
#include "destscan.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int host_char(int ch)
{
	return isalnum(ch) || ch == '-' || ch == '.' || ch == '_';
}

/* "name.js" is a file, not a host: TLDs that are common file extensions
 * (none of them is a delegated TLD that matters here, except .sh/.py/.pl/
 * .rs/.md, which attackers rarely use for exfiltration in code). */
static int file_ext_tld(const char *t, size_t n)
{
	static const char *const ext[] = {
		"js", "mjs", "cjs", "ts", "tsx", "jsx", "json", "tgz", "gz", "zip", "tar",
		"md", "txt", "html", "htm", "css", "map", "py", "pyc", "sh", "yml", "yaml",
		"lock", "node", "wasm", "png", "jpg", "svg", "env", "log", "exe", "dll",
		"so", "rs", "go", "rb", "pl", "c", "h", "cc", "cpp", "java", "class", "jar",
		"xml", "toml", "ini", "cfg", "conf", "csv", "pem", "key", "pub", "crt",
		"then", "catch", "length", "push", "join", "map", "from", "prototype", NULL
	};
	size_t i;

	for (i = 0; ext[i]; i++)
		if (strlen(ext[i]) == n && !strncasecmp(t, ext[i], n))
			return 1;
	return 0;
}

/* 2: a generic TLD attackers use; 1: two lowercase letters (a ccTLD);
 * 0: not a TLD as far as this heuristic goes (uppercase, a file
 * extension, a long word such as a JavaScript member). */
static int tld_class(const char *t, size_t n)
{
	static const char *const generic[] = {
		"com", "net", "org", "io", "dev", "ai", "xyz", "biz", "club", "site",
		"online", "tech", "cloud", "link", "click", "example", "test", "invalid",
		"onion", "workers", "pages", "ngrok", "webhook", "shop", "store", "live",
		"email", "support", "zone", "space", "fun", "icu", "cyou", "buzz", NULL
	};
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] < 'a' || t[i] > 'z')
			return 0;
	if (file_ext_tld(t, n))
		return 0;
	for (i = 0; generic[i]; i++)
		if (strlen(generic[i]) == n && !strncmp(t, generic[i], n))
			return 2;
	return n == 2 ? 1 : 0;
}

/* "1.2.3.4": four decimal octets, nothing else */
static int ipv4(const char *s, size_t n)
{
	unsigned parts = 0, val = 0, digits = 0;
	size_t i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!digits || val > 255)
				return 0;
			parts++;
			val = digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9' && digits < 3) {
			val = val * 10 + (unsigned)(s[i] - '0');
			digits++;
		} else {
			return 0;
		}
	}
	return parts == 4;
}

void cairn_dest_scan(const char *line, size_t len, cairn_dest_fn *fn, void *ctx)
{
	size_t i = 0;

	while (i < len) {
		size_t s = i, e, dots = 0, at = 0, k;
		int alpha_tld = 0, urlish;

		if (!host_char((unsigned char)line[i]) && line[i] != '@') {
			i++;
			continue;
		}
		while (i < len && (host_char((unsigned char)line[i]) || line[i] == '@')) {
			if (line[i] == '@')
				at++;
			i++;
		}
		e = i;
		while (e > s && line[e - 1] == '.')
			e--;
		urlish = s >= 2 && line[s - 1] == '/' && line[s - 2] == '/';
		if (urlish && !at && ipv4(line + s, e - s)) {
			fn(ctx, CAIRN_DEST_ADDR, s, e - s);
			continue;
		}
		for (k = s; k < e; k++)
			if (line[k] == '.')
				dots++;
		for (k = e; k > s && line[k - 1] != '.'; k--)
			;
		if (k > s && k < e) {
			size_t t;

			alpha_tld = 1;
			for (t = k; t < e; t++)
				if (!isalpha((unsigned char)line[t]))
					alpha_tld = 0;
			if (e - k < 2 || file_ext_tld(line + k, e - k))
				alpha_tld = 0;
		}
		if (dots >= 1 && alpha_tld && at <= 1 && e - s < 256 &&
		    line[s] != '.' && line[s] != '@' && tld_class(line + k, e - k)) {
			/* A known generic TLD is enough ("evil.com"); a two-letter
			 * one needs more to tell it from member access ("a.b.cd"):
			 * a '-', a second dot, an '@' or a preceding "//". */
			int looks = tld_class(line + k, e - k) == 2 || at || dots >= 2 || urlish ||
				    memchr(line + s, '-', e - s);

			if (looks)
				fn(ctx, at ? CAIRN_DEST_EMAIL : CAIRN_DEST_NAME, s, e - s);
		}
	}
}
