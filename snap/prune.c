/*
 * prune.c - cairn-snap prune: retention for a snapshot store (lib/prune.h).
 *
 *   cairn-snap prune --store REPO [--keep-daily N] [--keep-weekly N]
 *                    [--keep-monthly N] [--keep-tag GLOB]... [--dry-run]
 *                    [--json] [-v] [-q]
 *
 * Exit: 0 done (or planned, with --dry-run); 2 trouble, nothing changed
 * when the store could not be read or a branch or tag was refused.
 */
#include "cli.h"
#include "jsonutil.h"
#include "prune.h"
#include "snap.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char prune_usage[] =
	"usage: cairn-snap prune --store REPO [--keep-daily N] [--keep-weekly N]\n"
	"                        [--keep-monthly N] [--keep-tag GLOB]... [--dry-run]\n"
	"                        [--json] [-v] [-q]\n";

static void prune_help(void)
{
	fputs(prune_usage, stdout);
	fputs("\n"
	      "Keeps, on every branch of the store, the newest snapshot, every tagged\n"
	      "one, and those the rules choose; rewrites the branch to hold only them\n"
	      "and removes the rest from the repository.  Days, weeks (ISO 8601) and\n"
	      "months are UTC.  Tags are never deleted.\n\n"
	      "      --store REPO        the store (a git repository cairn-snap --store wrote)\n"
	      "      --keep-daily N      the newest snapshot of each of the last N days\n"
	      "      --keep-weekly N     ... of each of the last N weeks\n"
	      "      --keep-monthly N    ... of each of the last N months\n"
	      "      --keep-tag GLOB     only tags matching GLOB protect their snapshot\n"
	      "                          (repeatable; default: every tag)\n"
	      "  -n, --dry-run           print the plan, change nothing\n"
	      "      --json              the plan and result as JSON on stdout\n"
	      "  -v, --verbose           list every snapshot with what keeps it\n"
	      "  -q, --quiet             print nothing (errors aside)\n"
	      "  -h, --help              this help\n\n"
	      "Exit status: 0 done; 2 trouble (nothing changed).\n", stdout);
}

static void print_text(const cairn_prune_result *r, int verbose)
{
	cairn_buf b = CAIRN_BUF_INIT;
	char before[32], after[32];
	size_t i, j;
	int k;

	for (i = 0; i < r->branch_count; i++) {
		const cairn_prune_branch *br = &r->branches[i];

		printf("%s: %zu snapshot%s, %s %zu (", cairn_cli_esc_str(&b, br->name),
		       br->count, br->count == 1 ? "" : "s",
		       r->dry_run ? "would keep" : "kept", br->kept);
		for (k = 0; k < CAIRN_PRUNE__RULES; k++)
			printf("%s%s %zu", k ? ", " : "", cairn_prune_rule_name(k), br->by_rule[k]);
		printf("), %s %zu\n", r->dry_run ? "would drop" : "dropped",
		       br->count - br->kept);
		if (!verbose)
			continue;
		for (j = 0; j < br->count; j++) {
			const cairn_prune_snapshot *s = &br->snapshots[j];
			char when[32];
			time_t t = (time_t)s->time;
			struct tm tm;

			if (gmtime_r(&t, &tm))
				strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
			else
				strcpy(when, "?");
			printf("  %s  %s  %.12s", s->reasons ? "keep" : "drop", when, s->commit);
			if (s->new_commit[0] && strcmp(s->new_commit, s->commit))
				printf(" -> %.12s", s->new_commit);
			for (k = 0; k < CAIRN_PRUNE__RULES; k++)
				if (s->reasons & (1u << k))
					printf("%s%s", (s->reasons & ((1u << k) - 1)) ? ", " : "  ",
					       cairn_prune_rule_name(k));
			printf("\n");
		}
	}
	cairn_cli_human_bytes(before, sizeof(before), (double)r->bytes_before);
	cairn_cli_human_bytes(after, sizeof(after), (double)r->bytes_after);
	if (r->dry_run)
		printf("dry run: nothing changed (objects: %s)\n", before);
	else
		printf("objects: %s -> %s; %zu tag%s moved, %zu re-rooted\n", before, after,
		       r->tags_moved, r->tags_moved == 1 ? "" : "s", r->tags_rerooted);
	cairn_buf_release(&b);
}

int cairn_snap_cmd_prune(int argc, char **argv)
{
	enum { OPT_STORE = 256, OPT_DAILY, OPT_WEEKLY, OPT_MONTHLY, OPT_TAG, OPT_JSON,
	       OPT_VERSION };
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, OPT_STORE },
		{ "keep-daily", required_argument, NULL, OPT_DAILY },
		{ "keep-weekly", required_argument, NULL, OPT_WEEKLY },
		{ "keep-monthly", required_argument, NULL, OPT_MONTHLY },
		{ "keep-tag", required_argument, NULL, OPT_TAG },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *store = NULL, **tags = NULL;
	cairn_prune_policy p;
	cairn_prune_result *r = NULL;
	unsigned *slot;
	int c, json = 0, verbose = 0, quiet = 0, rules = 0, status = 2;

	memset(&p, 0, sizeof(p));
	tags = cairn_calloc((size_t)argc + 1, sizeof(*tags));
	while ((c = getopt_long(argc, argv, "nvqh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STORE: store = optarg; break;
		case OPT_DAILY: case OPT_WEEKLY: case OPT_MONTHLY:
			slot = c == OPT_DAILY ? &p.keep_daily : c == OPT_WEEKLY ?
			       &p.keep_weekly : &p.keep_monthly;
			if (cairn_cli_parse_count(slot, optarg, 0, 100000) < 0) {
				status = cairn_cli_usage_error(prune_usage, "bad count '%s' "
							       "(0..100000)", optarg);
				goto done;
			}
			rules++;
			break;
		case OPT_TAG: tags[p.keep_tag_count++] = optarg; break;
		case 'n': p.dry_run = 1; break;
		case OPT_JSON: json = 1; break;
		case 'v': verbose = 1; break;
		case 'q': quiet = 1; break;
		case 'h': prune_help(); status = 0; goto done;
		case OPT_VERSION: status = cairn_cli_version(); goto done;
		default: fputs(prune_usage, stderr); goto done;
		}
	}
	if (optind != argc) {
		status = cairn_cli_usage_error(prune_usage, "prune takes no operand");
		goto done;
	}
	if (!store) {
		status = cairn_cli_usage_error(prune_usage, "prune needs --store REPO");
		goto done;
	}
	/* no rule at all would keep only the newest and the tagged
	 * snapshots: that must be asked for, with --keep-daily 0 */
	if (!rules) {
		status = cairn_cli_usage_error(prune_usage, "give at least one of "
					       "--keep-daily, --keep-weekly, --keep-monthly");
		goto done;
	}
	if (p.keep_tag_count)
		p.keep_tags = tags;
	if (cairn_store_prune(&r, store, &p) < 0) {
		status = cairn_cli_fail();
		goto done;
	}
	if (json) {
		json_t *doc = cairn_prune_result_json(r);
		FILE *f = cairn_json_safe_stream(stdout);
		int rc = f ? json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : -1;

		if (!f || fputc('\n', f) == EOF || fclose(f) != 0)
			rc = -1;
		json_decref(doc);
		if (rc < 0) {
			status = cairn_cli_error("cannot write the JSON output");
			goto done;
		}
	} else if (!quiet) {
		print_text(r, verbose || p.dry_run);
	}
	status = fflush(stdout) == 0 ? 0 : cairn_cli_error("cannot write the output: %s",
							  strerror(errno));
done:
	cairn_prune_result_free(r);
	free(tags);
	return status;
}
