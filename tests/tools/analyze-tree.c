/*
 * analyze-tree.c - test helper: run the package/env/MCP analyzer over a
 * folder without writing a snapshot, printing the records one JSON object
 * per line (the lines cairn-snap would write after its entries).  The
 * folder is walked with the analyzer's own walker (lib/pkgfs.c).
 *
 *   analyze-tree [--npm-cache DIR] [--pnpm-store DIR] [--pip-cache DIR] [--no-pip-cache] [--mcp-config F]... [--mcp-discover]
 *                [--env] [--pid PID]... [--env-key F] [--env-clear N]...
 *                [--no-packages] [--dpkg-root DIR] ROOT
 */
#include "analyze.h"
#include "pkgfs.h"
#include "../observe_tree.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	fputs("usage: analyze-tree [--npm-cache DIR] [--mcp-config F] [--mcp-discover]\n"
	      "                    [--env] [--pid PID] [--env-key F] [--env-clear N]\n"
	      "                    [--no-packages] [--dpkg-root DIR] ROOT\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "npm-cache", required_argument, NULL, 'c' },
		{ "pnpm-store", required_argument, NULL, 'P' },
		{ "yarn-cache", required_argument, NULL, 'Y' },
		{ "pip-cache", required_argument, NULL, 'W' },
		{ "no-pip-cache", no_argument, NULL, 'N' },
		{ "mcp-config", required_argument, NULL, 'm' },
		{ "mcp-discover", no_argument, NULL, 'd' },
		{ "env", no_argument, NULL, 'e' },
		{ "pid", required_argument, NULL, 'p' },
		{ "env-key", required_argument, NULL, 'k' },
		{ "env-clear", required_argument, NULL, 'C' },
		{ "no-packages", no_argument, NULL, 'n' },
		{ "dpkg-root", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	const char *mcp[32], *pids[32], *clear[32];
	cairn_analyze_opts o;
	cairn_analyzer *a = NULL;
	json_t *recs = NULL;
	size_t i;
	int c, fd, rc = 0;

	memset(&o, 0, sizeof(o));
	o.packages = 1;
	o.mcp_configs = mcp;
	o.pids = pids;
	o.env_clear = clear;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o.npm_cache = optarg; break;
		case 'P': o.pnpm_store = optarg; break;
		case 'Y': o.yarn_cache = optarg; break;
		case 'W': o.pip_cache = optarg; break;
		case 'N': o.no_pip_cache = 1; break;
		case 'm': if (o.mcp_config_count < 32) mcp[o.mcp_config_count++] = optarg; break;
		case 'd': o.mcp_discover = 1; break;
		case 'e': o.env_self = 1; break;
		case 'D': o.dpkg_root = optarg; break;
		case 'p': if (o.pid_count < 32) pids[o.pid_count++] = optarg; break;
		case 'k': o.env_key_path = optarg; break;
		case 'C': if (o.env_clear_count < 32) clear[o.env_clear_count++] = optarg; break;
		case 'n': o.packages = 0; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (cairn_analyzer_new(&a, argv[optind], &o) < 0) {
		fprintf(stderr, "analyze-tree: %s\n", cairn_error_last());
		return 2;
	}
	fd = open(argv[optind], O_RDONLY | O_DIRECTORY);
	if (fd < 0 || ot_observe_tree(a, fd, argv[optind]) < 0) {
		fprintf(stderr, "analyze-tree: %s\n", cairn_error_last());
		rc = 2;
		goto done;
	}
	cairn_analyzer_collect(a, &recs);
	for (i = 0; i < json_array_size(recs); i++) {
		char *s = json_dumps(json_array_get(recs, i), JSON_COMPACT | JSON_PRESERVE_ORDER);

		puts(s);
		free(s);
	}
done:
	json_decref(recs);
	if (fd >= 0)
		close(fd);
	cairn_analyzer_free(a);
	return rc;
}
