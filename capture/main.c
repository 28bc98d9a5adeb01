/*
 * cairn-capture - which hosts did this machine talk to, when, how much,
 * and which of them are not on the allowlist.  Argument handling only; the
 * work is in lib/capture*.c.
 */
#include "agentlog.h"
#include "capture.h"
#include "cli.h"
#include "jsonutil.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_line[] =
	"usage: cairn-capture [-w DUR] [-f FILTER] [--local CIDR]... [--all] [--allow FILE]\n"
	"                     [--expect-tools FILE] [--env-key FILE]\n"
	"                     [--only-unknown] [--json | --csv] [--dns] [-q] [-o FILE] FILE...\n";

static void help(void)
{
	fputs(usage_line, stdout);
	fputs("\n"
	      "Outbound hosts per time window from pcap/pcapng files (gzip/zstd too);\n"
	      "tool calls, tool manifests, secrets and hosts from MCP clients' logs\n"
	      "(Claude Desktop, Claude Code transcripts, JSON-RPC NDJSON), told apart\n"
	      "by content.\n"
	      "\n"
	      "  -w, --window DUR     window length: 30s, 1m, 5m (default), 1h, 1d\n"
	      "  -f, --filter EXPR    BPF filter, as in tcpdump\n"
	      "      --local CIDR     local network (repeatable); default: sources of\n"
	      "                       DNS queries and TCP SYNs, else private ranges\n"
	      "      --allow FILE     allowlist: host, *.domain or CIDR per line\n"
	      "      --expect-tools FILE  agent logs: server/tool, server/* or tool\n"
	      "                       per line; a call outside it is a finding\n"
	      "      --env-key FILE   agent logs: HMAC key for secrets found (default\n"
	      "                       that of cairn-snap; never created here)\n"
	      "      --only-unknown   show only hosts not on the allowlist\n"
	      "      --json           JSON (docs/capture-schema.json) on stdout\n"
	      "      --csv            CSV on stdout\n"
	      "      --dns            text: also list the DNS answers seen\n"
	      "      --no-checksum    do not verify IP/TCP/UDP checksums\n"
	      "      --all            every flow, not only local-to-remote ones\n"
	      "  -o, --output FILE    write the report to FILE (atomically)\n"
	      "  -q, --quiet          no progress line on a terminal\n"
	      "  -h, --help           this help\n"
	      "      --version        print the version\n"
	      "\n"
	      "Exit status: 0 nothing found; 1 a host outside the allowlist was\n"
	      "contacted (an allowed name the capture's DNS contradicts, an unusual\n"
	      "resolver not on it, a possible DNS tunnel even without one), or an\n"
	      "agent log shows a call outside --expect-tools, a destination outside\n"
	      "the allowlist in call arguments, a manifest change, a suspicious\n"
	      "description or a secret in tool traffic; 2 trouble.\n", stdout);
}

static int usage(const char *msg)
{
	if (msg)
		return cairn_cli_usage_error(usage_line, "%s", msg);
	fputs(usage_line, stderr);
	return 2;
}

/* The agent-log analysis, with the key cairn-snap made (never created
 * here; an explicit --env-key must exist); negative when it failed
 * (reported). */
static int agent_new(cairn_agentlog **out, cairn_env_key **key, int64_t window_ns,
		     const char *key_path)
{
	struct cairn_agentlog_opts ao = { window_ns, NULL };

	if (cairn_env_key_open_reader(key, key_path) < 0) {
		cairn_cli_fail();
		return -1;
	}
	ao.key = *key;
	if (cairn_agentlog_new(out, &ao) < 0) {
		cairn_cli_fail();
		return -1;
	}
	return 0;
}

/* The progress line's total: the files' sizes as stored (compressed ones
 * too: the readers count the bytes they take from the file). */
static uint64_t input_bytes(char *const *paths, int n)
{
	uint64_t total = 0;
	struct stat st;
	int i;

	for (i = 0; i < n; i++)
		if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	return total;
}

int main(int argc, char **argv)
{
	enum { OPT_LOCAL = 256, OPT_ALLOW, OPT_ONLY_UNKNOWN, OPT_JSON, OPT_CSV, OPT_DNS,
	       OPT_NOCSUM, OPT_ALL, OPT_VERSION, OPT_EXPECT, OPT_ENV_KEY };
	static const struct option longopts[] = {
		{ "window", required_argument, NULL, 'w' },
		{ "filter", required_argument, NULL, 'f' },
		{ "local", required_argument, NULL, OPT_LOCAL },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "only-unknown", no_argument, NULL, OPT_ONLY_UNKNOWN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "dns", no_argument, NULL, OPT_DNS },
		{ "no-checksum", no_argument, NULL, OPT_NOCSUM },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "expect-tools", required_argument, NULL, OPT_EXPECT },
		{ "env-key", required_argument, NULL, OPT_ENV_KEY },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_capture_opts opts = { 0, NULL, 0, 0 };
	const char *allow_path = NULL, *output = NULL, *expect_path = NULL, *key_path = NULL;
	cairn_agentlog *agent = NULL;
	cairn_agentlog_result *ares = NULL;
	cairn_agentlog_expect *expect = NULL;
	cairn_env_key *key = NULL;
	const char **locals = NULL;
	size_t nlocals = 0, i, not_allowed = 0;
	int only_unknown = 0, json = 0, csv = 0, dns = 0, quiet = 0, opt, rc = 2;
	cairn_progress progress;
	cairn_capture *cap = NULL;
	cairn_capture_result *res = NULL;
	cairn_capture_allow *allow = NULL;
	cairn_buf out = CAIRN_BUF_INIT;

	cairn_cli_init("cairn-capture");
	memset(&progress, 0, sizeof(progress));
	while ((opt = getopt_long(argc, argv, "w:f:o:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			if (cairn_capture_parse_duration(&opts.window_ns, optarg) < 0) {
				cairn_cli_fail();
				rc = usage(NULL);
				goto done;
			}
			break;
		case 'f':
			opts.filter = optarg;
			break;
		case OPT_LOCAL:
			locals = realloc(locals, (nlocals + 1) * sizeof(*locals));
			if (!locals)
				cairn_oom();
			locals[nlocals++] = optarg;
			break;
		case OPT_ALLOW:
			allow_path = optarg;
			break;
		case OPT_ONLY_UNKNOWN:
			only_unknown = 1;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_CSV:
			csv = 1;
			break;
		case OPT_DNS:
			dns = 1;
			break;
		case OPT_NOCSUM:
			opts.no_checksum = 1;
			break;
		case OPT_ALL:
			opts.all_flows = 1;
			break;
		case OPT_EXPECT:
			expect_path = optarg;
			break;
		case OPT_ENV_KEY:
			key_path = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help();
			rc = 0;
			goto done;
		case OPT_VERSION:
			rc = cairn_cli_version();
			goto done;
		default:
			rc = usage(NULL);
			goto done;
		}
	}
	if (optind >= argc) {
		rc = usage("no capture file given");
		goto done;
	}
	if (json && csv) {
		rc = usage("--json and --csv exclude each other");
		goto done;
	}
	if (only_unknown && !allow_path) {
		rc = usage("--only-unknown needs --allow");
		goto done;
	}
	if (allow_path && cairn_capture_allow_load(&allow, allow_path) < 0) {
		cairn_cli_fail();
		goto done;
	}
	if (expect_path && cairn_agentlog_expect_load(&expect, expect_path) < 0) {
		cairn_cli_fail();
		goto done;
	}
	if (agent_new(&agent, &key, opts.window_ns, key_path) < 0)
		goto done;
	cairn_capture_new(&cap, &opts);
	for (i = 0; i < nlocals; i++) {
		if (cairn_capture_add_local(cap, locals[i]) < 0) {
			cairn_cli_fail();
			rc = usage(NULL);
			goto done;
		}
	}
	cairn_progress_init(&progress, quiet);
	cairn_progress_meter_start(&progress, input_bytes(argv + optind, argc - optind),
				   "capture read");
	if (cairn_capture_read_all(cap, agent, (const char *const *)argv + optind,
	                           (size_t)(argc - optind)) < 0) {
		cairn_progress_meter_stop(&progress);
		cairn_cli_fail();
		goto done;
	}
	cairn_progress_meter_stop(&progress);
	for (i = 0; i < cairn_capture_warning_count(cap); i++)
		cairn_cli_warn("%s", cairn_capture_warning(cap, i));
	for (i = 0; i < cairn_agentlog_warning_count(agent); i++)
		cairn_cli_warn("%s", cairn_agentlog_warning(agent, i));
	cairn_capture_finish(&res, cap);
	cairn_agentlog_finish(&ares, agent);
	if (expect && !ares->file_count) {
		rc = usage("--expect-tools needs an agent log among the files");
		goto done;
	}
	/* a possible DNS tunnel is a finding with or without an allowlist */
	not_allowed = allow ? cairn_capture_result_apply_allow(res, allow) :
		cairn_capture_result_tunnels(res);
	if (expect)
		cairn_agentlog_result_apply_expect(ares, expect);
	if (allow)
		cairn_agentlog_result_apply_allow(ares, cairn_capture_allow_host, allow);
	if (json) {
		if (cairn_capture_write_doc_json(&out, res, ares, (const char *const *)argv + optind,
						 (size_t)(argc - optind), only_unknown) < 0) {
			cairn_cli_fail();
			goto done;
		}
	} else if (csv) {
		cairn_capture_write_csv(&out, res, only_unknown);
	} else {
		cairn_capture_write_doc_text(&out, res, ares, (size_t)(argc - optind),
					     only_unknown, dns);
	}
	if (cairn_cli_emit(output, out.data, out.len) != 0)
		goto done;
	rc = not_allowed || cairn_agentlog_result_findings(ares) ? 1 : 0;
done:
	cairn_agentlog_result_free(ares);
	cairn_agentlog_free(agent);
	cairn_agentlog_expect_free(expect);
	cairn_env_key_free(key);
	cairn_buf_release(&out);
	cairn_capture_result_free(res);
	cairn_capture_free(cap);
	cairn_capture_allow_free(allow);
	free(locals);
	return rc;
}
