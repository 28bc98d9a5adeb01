/*
 * cairn-report - the incident report: verdict, findings with evidence and
 * fixes, timeline, changes, exposure, egress, provenance.  One file (HTML,
 * Markdown or JSON) from a snapshot, optionally a baseline and a capture.
 * See docs/cairn-report.1 and docs/RULES.md.
 */
#include "agentlog.h"
#include "capture.h"
#include "cairn.h"
#include "cli.h"
#include "diff.h"
#include "known.h"
#include "pkgpatch.h"
#include "report.h"
#include "report_inputs.h"
#include "rules.h"
#include "snapshot.h"
#include "store.h"
#include "storesnap.h"
#include "sweep.h"
#include "jsonutil.h"
#include "rfc3339.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PROG "cairn-report"

enum fmt { FMT_HTML, FMT_MD, FMT_JSON, FMT_SARIF };

static const char usage_line[] =
	"usage: cairn-report [--baseline OLD.cairn] --snapshot NEW.cairn\n"
	"                    [--capture FILE]... [--capture-json FILE] [--all] [--allow FILE]\n"
	"                    [--expect-tools FILE] [--env-key FILE]\n"
	"                    [--advisories PATH]... [--ioc FILE]... [--pubkey KEY.pub]\n"
	"                    [--format html|md|json|sarif] [--fail-on SEVERITY]\n"
	"                    [--no-timestamp] [-q] [-o FILE]\n"
	"       cairn-report --store REPO [--baseline OLDREV] --snapshot NEWREV ...\n"
	"       cairn-report --store REPO --sweep [--advisories PATH]... [--ioc FILE]...\n"
	"                    [--branches GLOB] [--since DATE] [--format html|md|json] [-o FILE]\n"
	"       cairn-report --rules\n";

static void help(void)
{
	fputs(usage_line, stdout);
	fputs("\n"
	      "Writes the incident report for a snapshot: findings of the posture rules,\n"
	      "with a baseline the changes and change rules, with a capture the egress.\n\n"
	      "  -b, --baseline FILE     snapshot to compare against (known good)\n"
	      "  -s, --snapshot FILE     the snapshot to report on (required)\n"
	      "  -c, --capture FILE      pcap/pcapng capture or MCP client log (Claude\n"
	      "                          Desktop, Claude Code transcript, JSON-RPC NDJSON);\n"
	      "                          repeatable, merged by time\n"
	      "  -j, --capture-json FILE output of cairn-capture --json instead of --capture\n"
	      "      --all               judge every flow of the capture, not only local-to-remote\n"
	      "                          ones (loopback captures, local proxies)\n"
	      "  -a, --allow FILE        egress allowlist (one host, *.domain or CIDR per line)\n"
	      "      --advisories PATH   OSV advisories (a folder searched recursively, a .zip\n"
	      "                          as osv.dev exports them, or one file; repeatable):\n"
	      "                          installed, locked and launched npm/PyPI versions that\n"
	      "                          they name are findings (CAIRN-K01, CAIRN-K02)\n"
	      "      --ioc FILE          indicators, one a line (npm:name@1.2.3, pypi:name==1.0,\n"
	      "                          sha256:HEX, host:name, host:*.domain, ip:addr[/len],\n"
	      "                          url:...; # comments, a note after a TAB; repeatable):\n"
	      "                          matched against packages, file hashes, MCP configs and\n"
	      "                          the capture (CAIRN-K03)\n"
	      "      --expect-tools FILE the tools the agent may call (server/tool, server/*\n"
	      "                          or tool per line)\n"
	      "      --env-key FILE      the snapshot's HMAC key (default: cairn-snap's):\n"
	      "                          secrets in tool traffic matched with the snapshot's\n"
	      "      --store REPO        --baseline/--snapshot are revisions of a cairn store;\n"
	      "                          adds patch excerpts of changed text files\n"
	      "      --npm-cache DIR     npm cache (root or _cacache) for the code of changed\n"
	      "                          packages (default: the one the snapshots recorded)\n"
	      "  -k, --pubkey FILE       require snapshots signed by this Ed25519 key\n"
	      "  -f, --format FMT        html, md, json or sarif (SARIF 2.1.0: the findings, for\n"
	      "                          code scanning; default: from -o's extension, else html)\n"
	      "  -o, --output FILE       write here, atomically (default: standard output)\n"
	      "      --fail-on SEV       exit 1 only when a finding reaches SEV (info, low,\n"
	      "                          medium, high, critical; default info: any finding)\n"
	      "      --no-timestamp      leave out the generation time: same inputs, same bytes\n"
	      "  -q, --quiet             with -o: no verdict summary on stderr\n"
	      "      --sweep             with --store: every snapshot of every host branch,\n"
	      "                          oldest to newest, against --advisories and --ioc:\n"
	      "                          which hosts had each match, from when to when, and\n"
	      "                          whether the newest snapshot still has it\n"
	      "      --branches GLOB     with --sweep: branches to walk (default cairn/*)\n"
	      "      --since DATE        with --sweep: skip snapshots created before DATE\n"
	      "                          (YYYY-MM-DD or RFC 3339)\n"
	      "      --rules             print the rule table (Markdown) and exit\n"
	      "  -h, --help              this help\n"
	      "      --version           version\n\n"
	      "Exit status: 0 written, no finding; 1 written, a finding at or above\n"
	      "--fail-on (default: any finding); 2 error.\n", stdout);
}

static int usage(const char *msg)
{
	if (msg)
		return cairn_cli_usage_error(usage_line, "%s", msg);
	fputs(usage_line, stderr);
	return 2;
}

static int fmt_from_name(const char *s, enum fmt *out)
{
	if (!strcmp(s, "html"))
		*out = FMT_HTML;
	else if (!strcmp(s, "md") || !strcmp(s, "markdown"))
		*out = FMT_MD;
	else if (!strcmp(s, "json"))
		*out = FMT_JSON;
	else if (!strcmp(s, "sarif"))
		*out = FMT_SARIF;
	else
		return -1;
	return 0;
}

static enum fmt fmt_from_path(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	enum fmt f = FMT_HTML;

	if (dot && (!strcmp(dot, ".md") || !strcmp(dot, ".markdown")))
		f = FMT_MD;
	else if (dot && !strcmp(dot, ".json"))
		f = FMT_JSON;
	else if (dot && !strcmp(dot, ".sarif"))
		f = FMT_SARIF;
	return f;
}

/* What the agent logs among the capture files need: the tool list, and
 * the key the snapshot hashed its secrets with (never created here). */
struct agent_in {
	const cairn_agentlog_expect *expect;
	const char *key_path;      /* --env-key, or NULL for the default */
	const cairn_report_snap *snap;
	size_t logs;               /* out: agent logs read */
	char **log_paths;          /* out: which (borrowed from files) */
};

static json_t *load_capture(const char *const *files, size_t n,
			    const cairn_capture_allow *allow, int all_flows, struct agent_in *ai)
{
	struct cairn_capture_opts opts = { 0, NULL, 0, all_flows };
	cairn_capture *c = NULL;
	cairn_capture_result *r = NULL;
	cairn_agentlog *a = NULL;
	cairn_agentlog_result *ar = NULL;
	cairn_env_key *key = NULL;
	struct cairn_agentlog_opts ao = { 0, NULL };
	json_t *j = NULL;
	size_t i;

	if (cairn_env_key_open_reader(&key, ai->key_path) < 0)
		goto done;
	ao.key = key;
	if (cairn_capture_new(&c, &opts) < 0 || cairn_agentlog_new(&a, &ao) < 0)
		goto done;
	/* the snapshot's env and MCP config secrets, by HMAC; a key that is
	 * not the snapshot's is refused (a gap finding says so) */
	if (cairn_agentlog_watch_snapshot(a, ai->snap->header, ai->snap->records) < 0)
		cairn_error_clear();
	if (cairn_capture_read_all(c, a, files, n) < 0)
		goto done;
	for (i = 0; i < cairn_capture_warning_count(c); i++)
		cairn_cli_warn("%s", cairn_capture_warning(c, i));
	for (i = 0; i < cairn_agentlog_warning_count(a); i++)
		cairn_cli_warn("%s", cairn_agentlog_warning(a, i));
	if (cairn_capture_finish(&r, c) < 0)
		goto done;
	cairn_agentlog_finish(&ar, a);
	if (allow)
		cairn_capture_result_apply_allow(r, allow);
	if (ar->file_count) {
		if (ai->expect)
			cairn_agentlog_result_apply_expect(ar, ai->expect);
		if (allow)
			cairn_agentlog_result_apply_allow(ar, cairn_capture_allow_host,
							  (void *)allow);
	}
	j = cairn_capture_doc_json(r, ar, files, n, 0);
	ai->logs = ar->file_count;
	/* the paths stay valid: they are the files given */
	for (i = 0; i < ar->file_count; i++) {
		size_t k;

		ai->log_paths[i] = ar->files[i].path;
		for (k = 0; k < n; k++)
			if (!strcmp(files[k], ar->files[i].path))
				ai->log_paths[i] = (char *)files[k];
	}
done:
	cairn_agentlog_result_free(ar);
	cairn_agentlog_free(a);
	cairn_env_key_free(key);
	cairn_capture_result_free(r);
	cairn_capture_free(c);
	return j;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

/* The progress line counts the snapshot bytes read: the snapshot, with a
 * baseline the baseline, then both again for the comparison. */
static void start_meter(cairn_progress *p, uint64_t snap, uint64_t base, int has_base)
{
	cairn_progress_meter_start(p, has_base ? 2 * snap + 2 * base : snap,
				   "snapshots read");
}

/*
 * With -o FILE the report is not on the terminal: say on stderr what it
 * says, so that a CI log or a cron mail shows the verdict without opening
 * the file.  Three lines, from the report's own verdict object:
 *
 *   cairn-report: verdict: <headline>
 *   cairn-report: N findings: C critical, H high, M medium, L low, I info; fails at SEV
 *   cairn-report: report written to FILE
 */
static void print_summary(const json_t *doc, const char *out_path, int fail_sev,
			  int fails)
{
	const json_t *v = json_object_get(doc, "verdict");
	const json_t *counts = json_object_get(v, "counts");
	const char *headline = json_string_value(json_object_get(v, "headline"));
	cairn_buf b = CAIRN_BUF_INIT;
	json_int_t total = 0;
	int s;

	for (s = CAIRN_SEV__COUNT - 1; s >= 0; s--) {
		json_int_t n = json_integer_value(json_object_get(counts,
						  cairn_severity_name(s)));

		total += n;
		cairn_buf_addf(&b, "%s%lld %s", s == CAIRN_SEV__COUNT - 1 ? "" : ", ",
			       (long long)n, cairn_severity_name(s));
	}
	cairn_cli_note(0, "verdict: %s", headline ? headline : "?");
	cairn_cli_note(0, "%lld finding%s: %s; %s at --fail-on %s", (long long)total,
		       total == 1 ? "" : "s", b.data, fails ? "fails" : "passes",
		       cairn_severity_name(fail_sev));
	cairn_cli_note(0, "report written to %s", out_path);
	cairn_buf_release(&b);
}

/*
 * cairn-report --store REPO --sweep: two walks of the store (the names of
 * every package ever recorded, so that only advisories about them are
 * kept; then the matching), one snapshot in memory at a time.
 */
static int cmd_sweep(const char *store_path, const char **advisories, size_t nadv,
		     const char **iocs, size_t nioc, const char *branches, const char *since,
		     const char *pubkey_path, const char *format, const char *out_path,
		     int quiet)
{
	cairn_sweep_opts so;
	cairn_known *known = NULL;
	cairn_key *pubkey = NULL;
	cairn_buf out = CAIRN_BUF_INIT;
	json_t *doc = NULL;
	enum fmt fmt = FMT_HTML;
	int rc = 2;

	memset(&so, 0, sizeof(so));
	so.branches = branches;
	if (since) {
		int64_t sec;
		long ns;
		char day[40];

		snprintf(day, sizeof(day), "%.10sT00:00:00Z", since);
		if (cairn_rfc3339_parse(&sec, &ns, since) < 0 &&
		    (strlen(since) != 10 || cairn_rfc3339_parse(&sec, &ns, day) < 0))
			return usage("--since takes YYYY-MM-DD or an RFC 3339 time");
		so.since = sec;
	}
	if (format)
		fmt_from_name(format, &fmt);
	else
		fmt = fmt_from_path(out_path);
	if (fmt == FMT_SARIF)
		return usage("--sweep writes html, md or json");
	if (pubkey_path && cairn_key_load_public(&pubkey, pubkey_path) < 0)
		goto fail;
	so.pubkey = pubkey;
	if (cairn_known_new(&known) < 0)
		goto fail;
	if (nadv && cairn_sweep_want(known, store_path, &so) < 0)
		goto fail;
	if (cairn_known_load_all(known, advisories, nadv, iocs, nioc) < 0)
		goto fail;
	if (cairn_sweep_run(&doc, known, store_path, &so) < 0)
		goto fail;
	json_object_set_new(doc, "inputs", cairn_report_inputs_known_json(known));
	if (fmt == FMT_JSON) {
		if (cairn_json_dump(&out, doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
			goto fail;
		cairn_buf_addch(&out, '\n');
	} else if (fmt == FMT_MD) {
		cairn_sweep_render_md(&out, doc);
	} else {
		cairn_sweep_render_html(&out, doc);
	}
	if (cairn_cli_emit(out_path && strcmp(out_path, "-") ? out_path : NULL, out.data,
			   out.len) != 0)
		goto done;
	{
		const json_t *v = json_object_get(doc, "verdict");

		rc = cairn_json_int(v, "matches", 0) > 0;
		if (out_path && strcmp(out_path, "-") && !quiet)
			cairn_cli_note(0, "sweep: %lld snapshots of %lld branches; %lld matches on "
				       "%lld branches, %lld still present; written to %s",
				       cairn_json_int(v, "snapshots", 0), cairn_json_int(v, "branches", 0),
				       cairn_json_int(v, "matches", 0),
				       cairn_json_int(v, "branches_affected", 0),
				       cairn_json_int(v, "still_present", 0), out_path);
	}
	goto done;
fail:
	cairn_cli_fail();
done:
	json_decref(doc);
	cairn_buf_release(&out);
	cairn_known_free(known);
	cairn_key_free(pubkey);
	return rc;
}

int main(int argc, char **argv)
{
	enum { OPT_FAIL_ON = 256, OPT_NO_TS, OPT_RULES, OPT_VERSION, OPT_STORE, OPT_NPM_CACHE,
	       OPT_ALL, OPT_ADVISORIES, OPT_IOC, OPT_SWEEP, OPT_BRANCHES, OPT_SINCE,
	       OPT_EXPECT, OPT_ENV_KEY };
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ "snapshot", required_argument, NULL, 's' },
		{ "capture", required_argument, NULL, 'c' },
		{ "capture-json", required_argument, NULL, 'j' },
		{ "allow", required_argument, NULL, 'a' },
		{ "pubkey", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "no-timestamp", no_argument, NULL, OPT_NO_TS },
		{ "rules", no_argument, NULL, OPT_RULES },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "expect-tools", required_argument, NULL, OPT_EXPECT },
		{ "env-key", required_argument, NULL, OPT_ENV_KEY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "npm-cache", required_argument, NULL, OPT_NPM_CACHE },
		{ "advisories", required_argument, NULL, OPT_ADVISORIES },
		{ "ioc", required_argument, NULL, OPT_IOC },
		{ "sweep", no_argument, NULL, OPT_SWEEP },
		{ "branches", required_argument, NULL, OPT_BRANCHES },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *baseline_path = NULL, *snap_path = NULL, *capture_json_path = NULL;
	const char *allow_path = NULL, *pubkey_path = NULL, *out_path = NULL;
	const char *fail_on = NULL, *format = NULL, *store_path = NULL, *npm_cache = NULL;
	const char *expect_path = NULL, *key_path = NULL;
	cairn_agentlog_expect *expect = NULL;
	struct agent_in ai;
	cairn_store *store = NULL;
	cairn_storesnap stored_snap = CAIRN_STORESNAP_INIT, stored_base = CAIRN_STORESNAP_INIT;
	json_t *patches = NULL, *pkg = NULL;
	const char **captures = NULL, **advisories = NULL, **iocs = NULL;
	size_t ncap = 0, nadv = 0, nioc = 0, i;
	cairn_snap_reader *entries = NULL;
	const char *branches = NULL, *since = NULL;
	int sweep = 0;
	cairn_known *known = NULL;
	json_t *known_json = NULL;
	int no_ts = 0, quiet = 0, all_flows = 0, opt, rc = 2, fail_sev = CAIRN_SEV_INFO;
	enum fmt fmt;
	cairn_key *pubkey = NULL;
	cairn_capture_allow *allow = NULL;
	cairn_report_snap snap, base;
	cairn_diff *diff = NULL;
	json_t *diff_json = NULL, *capture = NULL, *doc = NULL;
	cairn_findings findings = CAIRN_FINDINGS_INIT;
	cairn_rules_input rin;
	cairn_report_opts ro;
	char gen[48];
	cairn_report_inputs inputs = CAIRN_REPORT_INPUTS_INIT;
	cairn_buf out = CAIRN_BUF_INIT;
	int have_base = 0, have_snap = 0;
	cairn_progress progress;

	cairn_cli_init(PROG);
	memset(&progress, 0, sizeof(progress));
	memset(&snap, 0, sizeof(snap));
	memset(&base, 0, sizeof(base));
	memset(&ai, 0, sizeof(ai));
	captures = cairn_calloc((size_t)argc, sizeof(*captures));
	advisories = cairn_calloc((size_t)argc, sizeof(*advisories));
	iocs = cairn_calloc((size_t)argc, sizeof(*iocs));
	while ((opt = getopt_long(argc, argv, "b:s:c:j:a:k:f:o:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b': baseline_path = optarg; break;
		case 's': snap_path = optarg; break;
		case 'c': captures[ncap++] = optarg; break;
		case 'j': capture_json_path = optarg; break;
		case 'a': allow_path = optarg; break;
		case 'k': pubkey_path = optarg; break;
		case 'f': format = optarg; break;
		case 'o': out_path = optarg; break;
		case OPT_FAIL_ON: fail_on = optarg; break;
		case OPT_NO_TS: no_ts = 1; break;
		case 'q': quiet = 1; break;
		case OPT_ALL: all_flows = 1; break;
		case OPT_STORE: store_path = optarg; break;
		case OPT_NPM_CACHE: npm_cache = optarg; break;
		case OPT_ADVISORIES: advisories[nadv++] = optarg; break;
		case OPT_IOC: iocs[nioc++] = optarg; break;
		case OPT_SWEEP: sweep = 1; break;
		case OPT_BRANCHES: branches = optarg; break;
		case OPT_SINCE: since = optarg; break;
		case OPT_EXPECT: expect_path = optarg; break;
		case OPT_ENV_KEY: key_path = optarg; break;
		case OPT_RULES: {
			cairn_buf_addstr(&out, "");
			cairn_rules_table_md(&out);
			fwrite(out.data, 1, out.len, stdout);
			rc = fflush(stdout) ? 2 : 0;
			goto done;
		}
		case 'h': help(); rc = 0; goto done;
		case OPT_VERSION: rc = cairn_cli_version(); goto done;
		default: rc = usage(NULL); goto done;
		}
	}
	if (optind < argc) {
		rc = usage("unexpected argument");
		goto done;
	}
	if ((branches || since) && !sweep) {
		rc = usage("--branches and --since go with --sweep");
		goto done;
	}
	if (sweep) {
		if (!store_path || snap_path || baseline_path || ncap || capture_json_path) {
			rc = usage("--sweep takes --store REPO and no --snapshot, --baseline or capture");
			goto done;
		}
		if (!nadv && !nioc) {
			rc = usage("--sweep needs --advisories or --ioc");
			goto done;
		}
		if (format && strcmp(format, "json") && strcmp(format, "md") &&
		    strcmp(format, "markdown") && strcmp(format, "html")) {
			rc = usage("--sweep writes html, md or json");
			goto done;
		}
		rc = cmd_sweep(store_path, advisories, nadv, iocs, nioc, branches, since,
			       pubkey_path, format, out_path, quiet);
		goto done;
	}
	if (!snap_path) {
		rc = usage("--snapshot is required");
		goto done;
	}
	if (all_flows && !ncap) {
		rc = usage("--all needs --capture (a capture JSON was judged when it was made)");
		goto done;
	}
	if (ncap && capture_json_path) {
		rc = usage("--capture and --capture-json exclude each other");
		goto done;
	}
	if (ncap > 64) {
		rc = usage("at most 64 --capture files");
		goto done;
	}
	if (nadv + nioc > 32) {
		rc = usage("at most 32 --advisories and --ioc inputs");
		goto done;
	}
	if (expect_path && !ncap) {
		rc = usage("--expect-tools needs --capture with an agent log");
		goto done;
	}
	if (fail_on && (fail_sev = cairn_severity_parse(fail_on)) < 0) {
		rc = usage("--fail-on takes info, low, medium, high or critical");
		goto done;
	}
	if (format) {
		if (fmt_from_name(format, &fmt) < 0) {
			rc = usage("--format takes html, md, json or sarif");
			goto done;
		}
	} else {
		fmt = fmt_from_path(out_path);
	}

	/* a report to stdout keeps the terminal for itself */
	cairn_progress_init(&progress, quiet || !out_path || !strcmp(out_path, "-"));
	if (pubkey_path && cairn_key_load_public(&pubkey, pubkey_path) < 0)
		goto fail;
	if (allow_path && cairn_capture_allow_load(&allow, allow_path) < 0)
		goto fail;

	if (store_path) {
		if (cairn_store_open(&store, store_path) < 0 ||
		    cairn_storesnap_read(&stored_snap, store, store_path, snap_path) < 0 ||
		    (baseline_path && cairn_storesnap_read(&stored_base, store, store_path,
							   baseline_path) < 0))
			goto fail;
		start_meter(&progress, stored_snap.len, stored_base.len, baseline_path != NULL);
		if (cairn_report_snap_load_mem(&snap, stored_snap.data, stored_snap.len,
					       stored_snap.label, pubkey) < 0)
			goto fail;
	} else {
		start_meter(&progress, file_size(snap_path), file_size(baseline_path),
			    baseline_path != NULL);
		if (cairn_report_snap_load(&snap, snap_path, pubkey) < 0)
			goto fail;
	}
	have_snap = 1;
	if (baseline_path) {
		cairn_diff_opts dopts;

		memset(&dopts, 0, sizeof(dopts));
		dopts.pubkey = pubkey;
		if (store_path) {
			if (cairn_report_snap_load_mem(&base, stored_base.data, stored_base.len,
						       stored_base.label, pubkey) < 0)
				goto fail;
			have_base = 1;
			if (cairn_storesnap_diff(&diff, &stored_base, &stored_snap, &dopts) < 0)
				goto fail;
		} else {
			if (cairn_report_snap_load(&base, baseline_path, pubkey) < 0)
				goto fail;
			have_base = 1;
			if (cairn_diff_files(&diff, baseline_path, snap_path, &dopts) < 0)
				goto fail;
		}
		diff_json = cairn_diff_to_json(diff);
		if (!diff_json)
			goto fail;
		patches = store ? cairn_store_patches_json(store, stored_base.commit,
							   stored_snap.commit, diff_json) :
			  json_array();
		/* the code of the npm packages that changed, after the stored
		 * patches of the same paths */
		if (cairn_pkgpatch_diff(&pkg, diff_json, 1, npm_cache, snap.header, base.header,
					store, stored_snap.commit, NULL) < 0)
			goto fail;
		cairn_pkgpatch_merge(patches, pkg);
	}
	ai.log_paths = cairn_calloc(ncap ? ncap : 1, sizeof(char *));
	if (ncap) {
		uint64_t cap_bytes = 0;
		size_t k;

		if (expect_path && cairn_agentlog_expect_load(&expect, expect_path) < 0)
			goto fail;
		ai.expect = expect;
		ai.key_path = key_path;
		ai.snap = &snap;
		/* a capture can be gigabytes: its own line, its bytes read of
		 * the files' sizes (compressed ones by their compressed bytes) */
		for (k = 0; k < ncap; k++)
			cap_bytes += file_size(captures[k]);
		cairn_progress_meter_stop(&progress);
		cairn_progress_meter_start(&progress, cap_bytes, "capture read");
		capture = load_capture(captures, ncap, allow, all_flows, &ai);
		if (!capture)
			goto fail;
		if (expect_path && !ai.logs) {
			rc = usage("--expect-tools needs --capture with an agent log");
			goto done;
		}
	} else if (capture_json_path) {
		json_error_t err;
		const char *f;

		capture = json_load_file(capture_json_path, 0, &err);
		if (!capture) {
			cairn_cli_error("capture JSON '%s': line %d: %s",
					capture_json_path, err.line, err.text);
			goto out_err;
		}
		f = json_string_value(json_object_get(capture, "format"));
		if (!f || strcmp(f, "cairn-capture")) {
			cairn_cli_error("capture JSON '%s': not a cairn-capture document",
					capture_json_path);
			goto out_err;
		}
	}

	memset(&rin, 0, sizeof(rin));
	rin.records = snap.records;
	rin.baseline_records = have_base ? base.records : NULL;
	rin.diff = diff_json;
	rin.capture = capture;
	rin.patches = patches;
	if (allow) {
		rin.allow = cairn_capture_allow_host;
		rin.allow_ctx = allow;
	}
	cairn_rules_eval(&findings, &rin);
	/* known-bad: the advisories about this snapshot's packages, and the
	 * indicators (file hashes need the entries: a second read) */
	if (nadv || nioc) {
		cairn_known_input kin;

		if (cairn_known_new(&known) < 0)
			goto fail;
		cairn_known_want(known, snap.records);
		if (cairn_known_load_all(known, advisories, nadv, iocs, nioc) < 0)
			goto fail;
		memset(&kin, 0, sizeof(kin));
		kin.records = snap.records;
		kin.capture = capture;
		if (cairn_known_ioc_hash_count(known)) {
			if (store ? cairn_snap_reader_open_mem(&entries, stored_snap.data,
							       stored_snap.len, stored_snap.label,
							       pubkey) < 0 :
			    cairn_snap_reader_open(&entries, snap_path, pubkey) < 0)
				goto fail;
			kin.entries = entries;
		}
		if (cairn_known_eval(&findings, known, &kin) < 0)
			goto fail;
		known_json = cairn_known_to_json(known);
	}

	/* Provenance. */
	cairn_report_inputs_add_snap(&inputs, "snapshot", store ? stored_snap.label : snap_path,
				     &snap);
	if (have_base)
		cairn_report_inputs_add_snap(&inputs, "baseline",
					     store ? stored_base.label : baseline_path, &base);
	for (i = 0; i < ncap; i++) {
		size_t k;
		int agent = 0;

		for (k = 0; k < ai.logs; k++)
			if (ai.log_paths[k] == captures[i])
				agent = 1;
		if (cairn_report_inputs_add_capture(&inputs, captures[i], agent, snap.records) < 0)
			goto fail;
	}
	if (capture_json_path && cairn_report_inputs_add_file(&inputs, "capture JSON",
							      capture_json_path, "not signed",
							      NULL) < 0)
		goto fail;
	if (allow_path && cairn_report_inputs_add_file(&inputs, "allowlist", allow_path,
						       "not signed", NULL) < 0)
		goto fail;
	if (known && cairn_report_inputs_add_known(&inputs, known) < 0)
		goto fail;
	if (!no_ts) {
		time_t now = time(NULL);

		cairn_rfc3339_format(gen, sizeof(gen), (int64_t)now, -1);
	}

	memset(&ro, 0, sizeof(ro));
	ro.snap = &snap;
	ro.baseline = have_base ? &base : NULL;
	ro.diff = diff_json;
	ro.capture = capture;
	ro.patches = patches;
	ro.rules_in = &rin;
	ro.findings = &findings;
	ro.inputs = inputs.items;
	ro.input_count = inputs.count;
	ro.generated = no_ts ? NULL : gen;
	ro.fail_on = fail_on;
	ro.known = known_json;
	cairn_report_build(&doc, &ro);

	cairn_progress_meter_stop(&progress);
	if (fmt == FMT_HTML)
		cairn_render_html(&out, doc);
	else if (fmt == FMT_MD)
		cairn_render_md(&out, doc);
	else if (fmt == FMT_SARIF)
		cairn_render_sarif(&out, doc);
	else
		cairn_render_json(&out, doc);

	if (cairn_cli_emit(out_path && strcmp(out_path, "-") ? out_path : NULL,
			   out.data, out.len) != 0)
		goto out_err;
	/* like diff(1): 1 when there are findings (at --fail-on or above) */
	rc = cairn_findings_max(&findings) >= fail_sev ? 1 : 0;
	/* the report went to a file: the terminal (a CI log) gets the verdict */
	if (out_path && strcmp(out_path, "-") && !quiet)
		print_summary(doc, out_path, fail_sev, rc);
	goto done;

fail:
	cairn_progress_meter_stop(&progress);
	cairn_cli_fail();
out_err:
	rc = 2;
done:
	cairn_progress_meter_stop(&progress);
	json_decref(doc);
	json_decref(patches);
	json_decref(pkg);
	cairn_store_close(store);
	cairn_storesnap_release(&stored_snap);
	cairn_storesnap_release(&stored_base);
	json_decref(capture);
	json_decref(diff_json);
	cairn_diff_free(diff);
	cairn_findings_release(&findings);
	if (have_snap)
		cairn_report_snap_release(&snap);
	if (have_base)
		cairn_report_snap_release(&base);
	cairn_capture_allow_free(allow);
	cairn_key_free(pubkey);
	cairn_buf_release(&out);
	cairn_report_inputs_release(&inputs);
	free(ai.log_paths);
	cairn_agentlog_expect_free(expect);
	free(captures);
	free(advisories);
	free(iocs);
	cairn_snap_reader_free(entries);
	json_decref(known_json);
	cairn_known_free(known);
	return rc;
}
