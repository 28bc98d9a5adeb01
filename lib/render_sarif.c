/*
 * render_sarif.c - the report's findings as SARIF 2.1.0 (OASIS Static
 * Analysis Results Interchange Format), the format code-scanning services
 * (GitHub's upload-sarif, GitLab's SAST reports) read.
 *
 * One run: the driver "cairn-report" with the rules that fired (id, slug,
 * what it checks, why, the fix, a default level), and one result per
 * finding: ruleId and ruleIndex, level, the finding's title as message,
 * the files of its evidence as locations (SARIF §3.27.12; a file path is a
 * relative URI against %SRCROOT%, the snapshot root; an absolute one a
 * file: URI), and a fingerprint of rule and title so that a service can
 * follow one finding across runs (§3.27.17).  The verdict goes in the run's
 * property bag.  Input is a report document that may come from a file:
 * types are checked and missing parts are empty.
 */
#include "report.h"
#include "jsonutil.h"

#include <openssl/evp.h>
#include <string.h>

/* A JSON string of s (valid UTF-8 in a report; escaped if not). */
static json_t *jstr(const char *s)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j;

	if (!s)
		s = "";
	if (cairn_utf8_valid(s, strlen(s)))
		return json_string(s);
	cairn_escape_bytes(&b, s, strlen(s));
	j = json_stringn(b.data ? b.data : "", b.len);
	cairn_buf_release(&b);
	return j;
}

/* SARIF levels: error for what needs action now, warning, note. */
static const char *level_of(const char *sev)
{
	if (sev && (!strcmp(sev, "critical") || !strcmp(sev, "high")))
		return "error";
	if (sev && !strcmp(sev, "medium"))
		return "warning";
	return "note";
}

/* GitHub's "security-severity" property: a CVSS-like score that sorts
 * alerts into its critical (>= 9), high (7-8.9), medium (4-6.9) and low
 * bands. */
static const char *score_of(const char *sev)
{
	static const struct { const char *name, *score; } map[] = {
		{ "critical", "9.5" }, { "high", "8.0" }, { "medium", "5.5" },
		{ "low", "3.0" }, { "info", "0.0" },
	};
	size_t i;

	for (i = 0; sev && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(sev, map[i].name))
			return map[i].score;
	return "0.0";
}

/* RFC 3986 path: unreserved bytes and '/' as they are, the rest %XX. */
static void uri_path(cairn_buf *out, const char *p)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/@+", c))
			cairn_buf_addch(out, (char)c);
		else
			cairn_buf_addf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

static json_t *location(const char *file, json_int_t line)
{
	cairn_buf u = CAIRN_BUF_INIT;
	json_t *art = json_object(), *phys = json_object(), *loc = json_object();

	if (file[0] == '/') {
		cairn_buf_addstr(&u, "file://");
		uri_path(&u, file);
		json_object_set_new(art, "uri", json_string(u.data));
	} else {
		uri_path(&u, file);
		json_object_set_new(art, "uri", json_string(u.data ? u.data : ""));
		json_object_set_new(art, "uriBaseId", json_string("%SRCROOT%"));
	}
	json_object_set_new(phys, "artifactLocation", art);
	if (line > 0)
		json_object_set_new(phys, "region", json_pack("{s:I}", "startLine", line));
	json_object_set_new(loc, "physicalLocation", phys);
	cairn_buf_release(&u);
	return loc;
}

/* 1 when locs already has file as a location (one location a file, with
 * the first line the evidence gives). */
static int has_location(const json_t *locs, const char *file)
{
	cairn_buf u = CAIRN_BUF_INIT;
	const json_t *l;
	size_t i;
	int seen = 0;

	if (file[0] == '/')
		cairn_buf_addstr(&u, "file://");
	uri_path(&u, file);
	json_array_foreach(locs, i, l) {
		const json_t *phys = json_object_get(l, "physicalLocation");
		const char *uri = cairn_json_str(json_object_get(phys, "artifactLocation"), "uri");

		if (uri && !strcmp(uri, u.data ? u.data : ""))
			seen = 1;
	}
	cairn_buf_release(&u);
	return seen;
}

/* Distinct files of the evidence, in order, at most 10: each fact's file
 * (with its line), then the lockfile that names its package (known-bad
 * findings: the file a code-scanning service can show). */
static json_t *locations(const json_t *evidence)
{
	json_t *locs = json_array();
	size_t i;

	for (i = 0; i < json_array_size(evidence) && json_array_size(locs) < 10; i++) {
		const json_t *ev = json_array_get(evidence, i);
		const char *file = cairn_json_str(ev, "file");
		const char *lockfile = cairn_json_str(ev, "lockfile");
		const json_t *line = json_object_get(ev, "line");
		json_int_t ln = json_is_integer(line) ? json_integer_value(line) : 0;

		if (file && *file && !has_location(locs, file))
			json_array_append_new(locs, location(file, ln));
		if (lockfile && *lockfile && json_array_size(locs) < 10 &&
		    !has_location(locs, lockfile))
			json_array_append_new(locs, location(lockfile, 0));
	}
	return locs;
}

static json_t *rule_descriptor(const json_t *finding, const char *id)
{
	const cairn_rule *r = cairn_rule_find(id);
	const char *sev = cairn_json_str(finding, "severity");
	json_t *d = json_object();

	json_object_set_new(d, "id", jstr(id));
	json_object_set_new(d, "name", jstr(r ? r->slug : cairn_json_str(finding, "rule")));
	json_object_set_new(d, "shortDescription",
			    json_pack("{s:o}", "text", jstr(r ? r->checks : cairn_json_str(finding, "title"))));
	json_object_set_new(d, "fullDescription",
			    json_pack("{s:o}", "text", jstr(r ? r->why : cairn_json_str(finding, "why"))));
	json_object_set_new(d, "help", json_pack("{s:o}", "text",
						 jstr(r ? r->fix : cairn_json_str(finding, "fix"))));
	json_object_set_new(d, "defaultConfiguration",
			    json_pack("{s:s}", "level", level_of(sev)));
	json_object_set_new(d, "properties", json_pack("{s:[s,s], s:s}",
		"tags", "security", "supply-chain", "security-severity", score_of(sev)));
	return d;
}

void cairn_render_sarif(cairn_buf *out, const json_t *doc)
{
	const json_t *findings = json_object_get(doc, "findings");
	const json_t *verdict = json_object_get(doc, "verdict");
	json_t *log, *run, *rules = json_array(), *results = json_array();
	json_t *driver, *props;
	size_t i, k;

	if (!json_is_array(findings))
		findings = NULL;
	for (i = 0; i < json_array_size(findings); i++) {
		const json_t *f = json_array_get(findings, i);
		const char *id = cairn_json_str(f, "id"), *title = cairn_json_str(f, "title");
		const char *sev = cairn_json_str(f, "severity");
		json_t *res, *locs;
		unsigned char md[32];
		char hex[65];
		cairn_buf fp = CAIRN_BUF_INIT;

		if (!id || !title)
			continue;
		res = json_object();
		for (k = 0; k < json_array_size(rules); k++)
			if (!strcmp(json_string_value(json_object_get(json_array_get(rules, k),
								      "id")), id))
				break;
		if (k == json_array_size(rules))
			json_array_append_new(rules, rule_descriptor(f, id));
		json_object_set_new(res, "ruleId", jstr(id));
		json_object_set_new(res, "ruleIndex", json_integer((json_int_t)k));
		json_object_set_new(res, "level", json_string(level_of(sev)));
		json_object_set_new(res, "message", json_pack("{s:o}", "text", jstr(title)));
		locs = locations(json_object_get(f, "evidence"));
		if (json_array_size(locs))
			json_object_set_new(res, "locations", locs);
		else
			json_decref(locs);
		cairn_buf_addf(&fp, "%s\n%s", id, title);
		EVP_Digest(fp.data, fp.len, md, NULL, EVP_sha256(), NULL);
		cairn_hex(hex, md, 32);
		json_object_set_new(res, "partialFingerprints",
				    json_pack("{s:s}", "cairnFinding/v1", hex));
		json_object_set_new(res, "properties", json_pack("{s:o}", "severity",
								 jstr(sev ? sev : "info")));
		json_array_append_new(results, res);
		cairn_buf_release(&fp);
	}

	driver = json_pack("{s:s, s:s, s:o}", "name", "cairn-report",
			   "version", CAIRN_VERSION, "rules", rules);
	props = json_object();
	if (json_is_object(verdict)) {
		if (cairn_json_str(verdict, "headline"))
			json_object_set_new(props, "verdict", jstr(cairn_json_str(verdict, "headline")));
		if (json_is_object(json_object_get(verdict, "counts")))
			json_object_set(props, "counts", json_object_get(verdict, "counts"));
	}
	run = json_pack("{s:{s:o}, s:o, s:o}", "tool", "driver", driver,
			"results", results, "properties", props);
	log = json_pack("{s:s, s:s, s:[o]}",
			"$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			"version", "2.1.0", "runs", run);
	cairn_json_dump(out, log, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	cairn_buf_addch(out, '\n');
	json_decref(log);
}
