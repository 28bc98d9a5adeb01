/*
 * cairn-diff - what changed since the last known-good state.
 *
 *   cairn-diff [options] OLD.cairn NEW.cairn
 *   cairn-diff [options] OLD.cairn --live ROOT
 *   cairn-diff [options] --store REPO OLDREV NEWREV
 *   cairn-diff [options] --git REPO [--rev REV] [--path SUBDIR] [--gitignore] ROOT
 *   cairn-diff [options] --git REPO --history FILE [--rev REV]
 *
 * Exit status: 0 no differences, 1 differences, 2 trouble.  Nothing is
 * printed before both inputs verified.  See docs/cairn-diff.1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "coverage.h"
#include "diff.h"
#include "gitdiff.h"
#include "jsonutil.h"
#include "ignore.h"
#include "known.h"
#include "pkgpatch.h"
#include "render_diff.h"
#include "rules.h"
#include "snapshot.h"
#include "store.h"
#include "storesnap.h"

#define PROG "cairn-diff"

static const char usage_text[] =
	"usage: cairn-diff [options] OLD.cairn NEW.cairn\n"
	"       cairn-diff [options] OLD.cairn --live ROOT\n"
	"       cairn-diff [options] --store REPO OLDREV NEWREV\n"
	"       cairn-diff [options] --git REPO [--rev REV] [--path SUBDIR] [--gitignore] ROOT\n"
	"       cairn-diff [options] --git REPO --history FILE [--rev REV]\n";

static const char help_text[] =
	"\n"
	"Compare two snapshots, a snapshot and the live tree, two snapshots kept\n"
	"in a git store, or the files on disk and a git revision.\n"
	"\n"
	"  --live ROOT          compare OLD with the tree at ROOT as it is now\n"
	"  --store REPO         OLDREV and NEWREV are revisions of a cairn store\n"
	"  --patch              unified diffs of changed text files: stored content\n"
	"                       (--store), and of npm packages the published tarballs\n"
	"                       in the npm cache (release diffs, edits on disk)\n"
	"  --npm-cache DIR      the npm cache for --patch (root or _cacache; default:\n"
	"                       the one the snapshots recorded)\n"
	"  --git REPO           compare ROOT with a git revision (by blob id)\n"
	"  --rev REV            git revision (default HEAD)\n"
	"  --path SUBDIR        folder of the git tree that ROOT holds\n"
	"  --gitignore          leave out untracked files .gitignore ignores\n"
	"  --history FILE       per commit, package changes of a lockfile/manifest\n"
	"  --pubkey FILE        require snapshots signed by this public key\n"
	"  --ignore GLOB        leave out paths (gitignore syntax), repeatable\n"
	"  --ignore-file FILE   read ignore rules (e.g. .cairnignore)\n"
	"  --mtime              also report changes of mtime alone\n"
	"  --findings           print the rules' findings on the change\n"
	"  --advisories PATH    with --findings: OSV advisories (folder, .zip or file;\n"
	"                       repeatable) matched against the new side's packages\n"
	"                       (CAIRN-K01 malicious, CAIRN-K02 vulnerable)\n"
	"  --ioc FILE           with --findings: indicators, one a line (npm:name@1.2.3,\n"
	"                       pypi:name==1.0, sha256:HEX, host:NAME, ip:CIDR, url:URL;\n"
	"                       repeatable) matched against the new side's packages,\n"
	"                       files and MCP configs (CAIRN-K03)\n"
	"  --fail-on SEV        a CI gate: exit 1 only when a finding reaches SEV\n"
	"                       (info, low, medium, high, critical); implies --findings\n"
	"  --json               one JSON document on stdout (docs/diff-schema.json)\n"
	"  --color=WHEN         auto (default: only on a terminal), always, never\n"
	"  -q, --quiet          print nothing; only the exit status\n"
	"  -h, --help           this help\n"
	"      --version        version\n"
	"\n"
	"Exit status: 0 no differences, 1 differences, 2 trouble; with --fail-on,\n"
	"0 no finding at or above SEV, 1 at least one, 2 trouble.\n";

enum {
	OPT_LIVE = 256, OPT_STORE, OPT_PATCH, OPT_GIT, OPT_REV, OPT_PATH,
	OPT_GITIGNORE, OPT_HISTORY, OPT_PUBKEY, OPT_IGNORE, OPT_IGNORE_FILE,
	OPT_MTIME, OPT_FINDINGS, OPT_JSON, OPT_COLOR, OPT_VERSION, OPT_FAIL_ON,
	OPT_NPM_CACHE, OPT_ADVISORIES, OPT_IOC
};

struct opts {
	cairn_progress progress;  /* --live, --git: on a terminal, unless -q */
	const char *live, *store, *git, *rev, *path, *history, *pubkey, *npm_cache;
	int patch, gitignore, mtime, findings, json, quiet, color;
	int use_color;            /* colour on stdout: --color and a terminal */
	int fail_on;              /* severity of --fail-on, -1 without */
	const char **advisories;  /* --advisories, nadv of them */
	size_t nadv;
	const char **iocs;        /* --ioc, nioc of them */
	size_t nioc;
	cairn_ignore *ignore;
};

/* Where the new side's file entries are read again for sha256:
 * indicators: a snapshot file, a stored blob, or (--live) the baseline
 * and the changes. */
struct sides {
	const char *old_path, *new_path;
	const cairn_storesnap *stored;
	const cairn_key *pubkey;
};

/* One JSON document on stdout, terminal-safe (takes the reference);
 * 0 or -1. */
static int print_json_doc(json_t *doc)
{
	FILE *f = cairn_json_safe_stream(stdout);
	int rc = -1;

	if (f) {
		rc = json_dumpf(doc, f, JSON_INDENT(1));
		if (fputc('\n', f) == EOF || fclose(f) != 0)
			rc = -1;
	}
	json_decref(doc);
	if (rc < 0)
		cairn_error_set(CAIRN_EIO, "cannot write the JSON output");
	return rc;
}

/* The patches the code-level rules (D05) and --json see: excerpts of the
 * stored content, then the package patches of the paths it does not cover.
 * New reference. */
static json_t *all_patches(json_t *doc, cairn_store *store, const char *old_commit,
			   const char *new_commit, const json_t *pkg)
{
	json_t *patches = store ? cairn_store_patches_json(store, old_commit, new_commit, doc) :
			  json_array();

	cairn_pkgpatch_merge(patches, pkg);
	return patches;
}

/* The rules, then the advisories and indicators about the new side; -1
 * when an advisory set or indicator list cannot be read (reported). */
static int eval_findings(cairn_findings *f, const cairn_diff *d, json_t *doc,
			 const json_t *patches, const struct opts *o, const struct sides *sd)
{
	cairn_rules_input in;
	cairn_known *known = NULL;
	cairn_snap_reader *entries = NULL;
	cairn_known_input kin;
	int rc = 0;

	memset(&in, 0, sizeof(in));
	in.records = cairn_diff_side_records(d, 1);
	in.baseline_records = cairn_diff_side_records(d, 0);
	in.diff = doc;
	in.patches = patches;
	cairn_rules_eval(f, &in);
	if (!o->nadv && !o->nioc)
		return 0;
	if (cairn_known_new(&known) < 0)
		rc = -1;
	if (!rc)
		cairn_known_want(known, in.records);
	if (!rc && cairn_known_load_all(known, o->advisories, o->nadv, o->iocs, o->nioc) < 0)
		rc = -1;
	memset(&kin, 0, sizeof(kin));
	kin.records = in.records;
	/* file hashes: the new side's entries, read a second time */
	if (!rc && cairn_known_ioc_hash_count(known)) {
		if (sd->stored)
			rc = cairn_snap_reader_open_mem(&entries, sd->stored->data, sd->stored->len,
							sd->stored->label, sd->pubkey);
		else
			rc = cairn_snap_reader_open(&entries, o->live ? sd->old_path :
						    sd->new_path, sd->pubkey);
		if (o->live) {
			kin.live = d;
			kin.live_old = entries;
		} else {
			kin.entries = entries;
		}
	}
	if (!rc && cairn_known_eval(f, known, &kin) < 0)
		rc = -1;
	if (!rc) {
		if (doc)
			json_object_set_new(doc, "known", cairn_known_to_json(known));
	} else {
		rc = -1;
		cairn_cli_fail();
	}
	cairn_snap_reader_free(entries);
	cairn_known_free(known);
	return rc;
}

static int output_diff(cairn_diff *d, const struct opts *o, cairn_store *store,
		       const char *old_commit, const char *new_commit, const struct sides *sd)
{
	int changed = cairn_diff_has_changes(d), rc = 0;
	int status = changed;      /* the exit status when nothing fails */
	cairn_findings findings = CAIRN_FINDINGS_INIT;
	cairn_render_diff_opts ro;
	json_t *doc = NULL, *pkg = NULL, *patches = NULL, *cov = NULL;

	if (o->quiet && o->fail_on < 0)
		return changed;
	if (o->findings || o->patch) {
		doc = cairn_diff_to_json(d);
		if (!doc) {
			cairn_cli_fail();
			return 2;
		}
	}
	/* the code of the packages that changed, from the npm cache */
	if (o->patch) {
		if (cairn_pkgpatch_diff(&pkg, doc, o->json || o->findings, o->npm_cache,
					cairn_diff_header(d, 1), cairn_diff_header(d, 0),
					store, new_commit, o->live) < 0) {
			cairn_cli_fail();
			json_decref(doc);
			return 2;
		}
		patches = all_patches(doc, store, old_commit, new_commit, pkg);
	}
	if (o->findings) {
		/* what the findings cover: the new side's packages */
		cov = cairn_coverage_section(cairn_diff_header(d, 1), cairn_diff_side_records(d, 1));
		if (eval_findings(&findings, d, doc, patches, o, sd) < 0) {
			rc = 2;
			goto done;
		}
		/* the gate: findings at or above --fail-on, not mere differences */
		if (o->fail_on >= 0)
			status = cairn_findings_max(&findings) >= o->fail_on;
		if (o->quiet) {
			rc = status;
			goto done;
		}
	}
	memset(&ro, 0, sizeof(ro));
	ro.color = o->use_color;
	ro.store = store;
	ro.store_label = o->store;
	ro.old_commit = old_commit;
	ro.new_commit = new_commit;
	ro.package_patches = pkg;
	ro.patches = patches;
	ro.findings = o->findings ? &findings : NULL;
	ro.coverage = cov;
	if (o->json) {
		FILE *f = cairn_json_safe_stream(stdout);

		rc = f ? cairn_render_diff_json(f, d, doc, &ro) : -1;
		if (f && fclose(f) != 0 && rc >= 0)
			rc = cairn_error_set(CAIRN_EIO, "cannot write the JSON output");
	} else {
		rc = cairn_render_diff_text(stdout, d, &ro);
	}
	if (rc < 0) {
		cairn_cli_fail();
		rc = 2;
	} else {
		rc = status;
	}
done:
	json_decref(cov);
	cairn_findings_release(&findings);
	json_decref(doc);
	json_decref(pkg);
	json_decref(patches);
	return rc;
}

static int load_pubkey(cairn_key **key, const char *path)
{
	*key = NULL;
	if (!path)
		return 0;
	if (cairn_key_load_public(key, path) < 0) {
		cairn_cli_fail();
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ progress */

static void live_progress(void *ctx, uint64_t compared, int final)
{
	cairn_progress *p = ctx;
	double secs = cairn_progress_elapsed(p);

	cairn_progress_show(p, final, "%llu entries compared, %.0f/s",
			    (unsigned long long)compared,
			    secs > 0 ? (double)compared / secs : 0.0);
	if (final)
		cairn_progress_clear(p);
}

static void git_progress(void *ctx, uint64_t done, uint64_t total, int final)
{
	cairn_progress *p = ctx;

	cairn_progress_show(p, final, "%llu of %llu paths of the tree compared (%.0f%%)",
			    (unsigned long long)done, (unsigned long long)total,
			    total ? 100.0 * (double)done / (double)total : 100.0);
	if (final)
		cairn_progress_clear(p);
}

static int cmd_snapshots(const char *old_path, const char *new_path,
			 struct opts *o)
{
	cairn_diff_opts dopts;
	cairn_diff *d = NULL;
	cairn_key *key = NULL;
	struct sides sd;
	int rc;

	if (load_pubkey(&key, o->pubkey) < 0)
		return 2;
	memset(&sd, 0, sizeof(sd));
	sd.old_path = old_path;
	sd.new_path = new_path;
	sd.pubkey = key;
	memset(&dopts, 0, sizeof(dopts));
	dopts.mtime = o->mtime;
	dopts.ignore = o->ignore;
	dopts.pubkey = key;
	if (o->live && o->progress.enabled) {
		dopts.progress = live_progress;
		dopts.progress_ctx = &o->progress;
	}
	if (o->live)
		rc = cairn_diff_live(&d, old_path, o->live, &dopts);
	else
		rc = cairn_diff_files(&d, old_path, new_path, &dopts);
	if (rc < 0) {
		cairn_cli_fail();
		rc = 2;
	} else {
		rc = output_diff(d, o, NULL, NULL, NULL, &sd);
	}
	cairn_diff_free(d);
	cairn_key_free(key);
	return rc;
}

static int cmd_store(const char *old_rev, const char *new_rev, const struct opts *o)
{
	cairn_store *s = NULL;
	cairn_storesnap so = CAIRN_STORESNAP_INIT, sn = CAIRN_STORESNAP_INIT;
	cairn_diff_opts dopts;
	cairn_diff *d = NULL;
	cairn_key *key = NULL;
	int rc = 2;

	if (load_pubkey(&key, o->pubkey) < 0)
		return 2;
	memset(&dopts, 0, sizeof(dopts));
	dopts.mtime = o->mtime;
	dopts.ignore = o->ignore;
	dopts.pubkey = key;
	if (cairn_store_open(&s, o->store) < 0 ||
	    cairn_storesnap_read(&so, s, o->store, old_rev) < 0 ||
	    cairn_storesnap_read(&sn, s, o->store, new_rev) < 0 ||
	    cairn_storesnap_diff(&d, &so, &sn, &dopts) < 0) {
		cairn_cli_fail();
		goto done;
	}
	{
		struct sides sd;

		memset(&sd, 0, sizeof(sd));
		sd.stored = &sn;
		sd.pubkey = key;
		rc = output_diff(d, o, o->patch ? s : NULL, so.commit, sn.commit, &sd);
	}
done:
	cairn_diff_free(d);
	cairn_storesnap_release(&so);
	cairn_storesnap_release(&sn);
	cairn_store_close(s);
	cairn_key_free(key);
	return rc;
}

static int cmd_git(const char *root, struct opts *o)
{
	cairn_gitdiff_opts gopts;
	cairn_gitdiff *g = NULL;
	int rc, k, any = 0;

	memset(&gopts, 0, sizeof(gopts));
	gopts.rev = o->rev;
	gopts.subdir = o->path;
	gopts.gitignore = o->gitignore;
	gopts.ignore = o->ignore;
	if (o->progress.enabled) {
		gopts.progress = git_progress;
		gopts.progress_ctx = &o->progress;
	}
	if (cairn_gitdiff_tree(&g, o->git, root, &gopts) < 0) {
		cairn_cli_fail();
		return 2;
	}
	for (k = 0; k < CAIRN_GD__KINDS; k++)
		any |= g->counts[k] != 0;
	rc = any;
	if (o->quiet)
		goto done;
	if (o->json) {
		if (print_json_doc(cairn_gitdiff_to_json(g)) < 0)
			rc = cairn_cli_fail();
		goto done;
	}
	cairn_render_gitdiff_text(stdout, g, o->use_color);
done:
	cairn_gitdiff_free(g);
	return rc;
}

static int cmd_history(const struct opts *o)
{
	cairn_history *h = NULL;
	int rc;

	if (cairn_git_history(&h, o->git, o->history, o->rev) < 0) {
		cairn_cli_fail();
		return 2;
	}
	rc = h->n != 0;
	if (o->quiet)
		goto done;
	if (o->json) {
		if (print_json_doc(cairn_history_to_json(h)) < 0)
			rc = cairn_cli_fail();
		goto done;
	}
	cairn_render_history_text(stdout, h, o->use_color);
done:
	cairn_history_free(h);
	return rc;
}


int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "live", required_argument, NULL, OPT_LIVE },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "patch", no_argument, NULL, OPT_PATCH },
		{ "npm-cache", required_argument, NULL, OPT_NPM_CACHE },
		{ "git", required_argument, NULL, OPT_GIT },
		{ "rev", required_argument, NULL, OPT_REV },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "gitignore", no_argument, NULL, OPT_GITIGNORE },
		{ "history", required_argument, NULL, OPT_HISTORY },
		{ "pubkey", required_argument, NULL, OPT_PUBKEY },
		{ "ignore", required_argument, NULL, OPT_IGNORE },
		{ "ignore-file", required_argument, NULL, OPT_IGNORE_FILE },
		{ "mtime", no_argument, NULL, OPT_MTIME },
		{ "findings", no_argument, NULL, OPT_FINDINGS },
		{ "advisories", required_argument, NULL, OPT_ADVISORIES },
		{ "ioc", required_argument, NULL, OPT_IOC },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "colour", optional_argument, NULL, OPT_COLOR },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o;
	int c, rc, nargs;

	cairn_cli_init(PROG);
	memset(&o, 0, sizeof(o));
	o.color = -1;
	o.fail_on = -1;
	o.ignore = cairn_ignore_new();
	o.advisories = cairn_calloc((size_t)argc, sizeof(*o.advisories));
	o.iocs = cairn_calloc((size_t)argc, sizeof(*o.iocs));
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LIVE: o.live = optarg; break;
		case OPT_STORE: o.store = optarg; break;
		case OPT_PATCH: o.patch = 1; break;
		case OPT_NPM_CACHE: o.npm_cache = optarg; break;
		case OPT_GIT: o.git = optarg; break;
		case OPT_REV: o.rev = optarg; break;
		case OPT_PATH: o.path = optarg; break;
		case OPT_GITIGNORE: o.gitignore = 1; break;
		case OPT_HISTORY: o.history = optarg; break;
		case OPT_PUBKEY: o.pubkey = optarg; break;
		case OPT_IGNORE:
			if (cairn_ignore_add_pattern(o.ignore, optarg) < 0) {
				cairn_cli_fail();
				rc = 2;
				goto out;
			}
			break;
		case OPT_IGNORE_FILE:
			if (cairn_ignore_add_file(o.ignore, "", optarg) < 0) {
				cairn_cli_fail();
				rc = 2;
				goto out;
			}
			break;
		case OPT_MTIME: o.mtime = 1; break;
		case OPT_FINDINGS: o.findings = 1; break;
		case OPT_ADVISORIES: o.advisories[o.nadv++] = optarg; break;
		case OPT_IOC: o.iocs[o.nioc++] = optarg; break;
		case OPT_FAIL_ON:
			o.fail_on = cairn_severity_parse(optarg);
			if (o.fail_on < 0) {
				rc = cairn_cli_usage_error(usage_text, "--fail-on takes info, "
							   "low, medium, high or critical");
				goto out;
			}
			o.findings = 1;
			break;
		case OPT_JSON: o.json = 1; break;
		case OPT_COLOR:
			if (cairn_cli_color_parse(&o.color, optarg) < 0) {
				rc = cairn_cli_usage_error(usage_text, "%s",
							   cairn_error_last());
				goto out;
			}
			break;
		case 'q': o.quiet = 1; break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			rc = 0;
			goto out;
		case OPT_VERSION:
			rc = cairn_cli_version();
			goto out;
		default:
			fputs(usage_text, stderr);
			rc = 2;
			goto out;
		}
	}
	o.use_color = o.json ? 0 : cairn_cli_color_enabled(o.color, STDOUT_FILENO);
	cairn_progress_init(&o.progress, o.quiet);
	nargs = argc - optind;
	rc = 2;
	if ((o.git != NULL) + (o.store != NULL) + (o.live != NULL) > 1) {
		cairn_cli_usage_error(usage_text, "--git, --store and --live exclude each other");
	} else if ((o.patch || o.npm_cache) && o.git) {
		cairn_cli_usage_error(usage_text, "--patch and --npm-cache do not go with --git");
	} else if (o.npm_cache && !o.patch) {
		cairn_cli_usage_error(usage_text, "--npm-cache needs --patch");
	} else if ((o.history || o.gitignore || o.path) && !o.git) {
		cairn_cli_usage_error(usage_text, "--history, --gitignore and --path need --git");
	} else if (o.fail_on >= 0 && o.git) {
		cairn_cli_usage_error(usage_text, "--fail-on compares snapshots, not --git");
	} else if (o.nadv && !o.findings) {
		cairn_cli_usage_error(usage_text, "--advisories needs --findings (or --fail-on)");
	} else if (o.nadv && o.git) {
		cairn_cli_usage_error(usage_text, "--advisories compares snapshots, not --git");
	} else if (o.nioc && !o.findings) {
		cairn_cli_usage_error(usage_text, "--ioc needs --findings (or --fail-on)");
	} else if (o.nioc && o.git) {
		cairn_cli_usage_error(usage_text, "--ioc compares snapshots, not --git");
	} else if (o.nadv + o.nioc > 32) {
		cairn_cli_usage_error(usage_text, "at most 32 --advisories and --ioc inputs");
	} else if (o.rev && !o.git) {
		cairn_cli_usage_error(usage_text, "--rev needs --git");
	} else if (o.git && o.history) {
		if (nargs != 0 || o.path || o.gitignore)
			cairn_cli_usage_error(usage_text, "--history takes no ROOT, --path or --gitignore");
		else
			rc = cmd_history(&o);
	} else if (o.git) {
		if (nargs != 1)
			cairn_cli_usage_error(usage_text, "--git needs exactly one ROOT");
		else
			rc = cmd_git(argv[optind], &o);
	} else if (o.store) {
		if (nargs != 2)
			cairn_cli_usage_error(usage_text, "--store needs OLDREV and NEWREV");
		else
			rc = cmd_store(argv[optind], argv[optind + 1], &o);
	} else if (o.live) {
		if (nargs != 1)
			cairn_cli_usage_error(usage_text, "--live needs exactly one snapshot (OLD)");
		else
			rc = cmd_snapshots(argv[optind], NULL, &o);
	} else if (nargs != 2) {
		cairn_cli_usage_error(usage_text, "expected two snapshots");
	} else {
		rc = cmd_snapshots(argv[optind], argv[optind + 1], &o);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cairn_cli_error("cannot write the output: %s", strerror(errno));
		rc = 2;
	}
out:
	cairn_ignore_free(o.ignore);
	free(o.advisories);
	free(o.iocs);
	return rc;
}
