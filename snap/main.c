/*
 * cairn-snap - record a directory tree into a signed snapshot, and show or
 * verify snapshots.  See docs/cairn-snap.1.
 *
 *   cairn-snap [options] ROOT -o FILE.cairn
 *   cairn-snap show [--json] [--pubkey K] FILE
 *   cairn-snap verify [--pubkey K] FILE
 *   cairn-snap keygen [-o BASENAME]
 *
 * Exit: 0 written, nothing unreadable; 1 written, but some entries were
 * unreadable or changed while read; 2 trouble, nothing written (but for a
 * failed --store: the snapshot is written, not stored).  130 when
 * interrupted (no temporary file is left).
 */
#include "analyze.h"
#include "cairn.h"
#include "cli.h"
#include "coverage.h"
#include "jsonutil.h"
#include "meter.h"
#include "npmcache.h"
#include "render_snap.h"
#include "scan.h"
#include "snap.h"
#include "snapshot.h"
#include "store.h"
#include "rfc3339.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROG "cairn-snap"

static const char usage_line[] =
	"usage: cairn-snap [options] ROOT -o FILE.cairn\n"
	"       cairn-snap show [--json] [--pubkey KEY.pub] FILE\n"
	"       cairn-snap verify [--pubkey KEY.pub] FILE\n"
	"       cairn-snap keygen [-o BASENAME]\n"
	"       cairn-snap prune --store REPO --keep-daily N ... [--dry-run]\n"
	"       cairn-snap export --cyclonedx [--pubkey KEY.pub] [-o FILE] SNAPSHOT.cairn\n";

static void usage(FILE *f)
{
	fputs(usage_line, f);
	if (f != stdout)
		return;
	fputs("\n"
	      "Snapshot options:\n"
	      "  -o, --output FILE      write the snapshot to FILE (atomic; '-' = stdout)\n"
	      "  -j, --jobs N           files read and hashed at once (default: 4 per CPU,\n"
	      "                         8 to 64: a cold disk wants many reads in flight)\n"
	      "  -x, --one-file-system  do not descend into other file systems\n"
	      "      --exclude GLOB     leave out entries whose name or relative path\n"
	      "                         matches GLOB (repeatable)\n"
	      "      --reuse PREV       take hashes of unchanged files from PREV\n"
	      "      --paranoid         with --reuse: read every file anyway\n"
	      "      --created TIME     record TIME (RFC 3339) as the creation time, not\n"
	      "                         the clock (replays, demos); the header says so\n"
	      "      --pubkey KEY.pub   with --reuse: PREV must be signed by this key\n"
	      "      --sign KEY         sign the snapshot with this private key\n"
	      "  -q, --quiet            no progress, no warnings\n"
	      "      --no-packages      no npm/pip package records\n"
	      "      --npm-cache DIR    check packages against this npm cache (its root,\n"
	      "                         ~/.npm, or its _cacache; default: the cache of\n"
	      "                         $npm_config_cache, else ~/.npm, when it exists)\n"
	      "      --no-npm-cache     use no npm cache (packages are not verified)\n"
	      "      --pnpm-store DIR   check pnpm installs against this pnpm store\n"
	      "      --yarn-cache DIR   check yarn installs against this yarn cache (v6, or\n"
	      "                         yarn 2+ zip archives)\n"
	      "      --bun-cache DIR    check bun installs against bun's cache (without\n"
	      "                         --npm-cache; ~/.bun/install/cache)\n"
	      "      --pip-cache DIR    check Python lockfile hashes against the wheels\n"
	      "                         in DIR (default: pip's, pipenv's and poetry's\n"
	      "                         caches below ~/.cache, when they exist)\n"
	      "      --no-pip-cache     use no wheel cache\n"
	      "      --env              record cairn-snap's own environment\n"
	      "      --pid PID          record the environment of process PID (repeatable)\n"
	      "      --env-key FILE     HMAC key for environment values (created 0600)\n"
	      "      --env-clear NAME   record this variable in clear (repeatable)\n"
	      "      --mcp-config PATH  record this MCP client config (repeatable)\n"
	      "      --mcp-discover     look for MCP client configs in the usual places\n"
	      "      --store REPO       commit the snapshot into git repository REPO\n"
	      "      --store-content    with --store: also store file contents\n"
	      "  -h, --help             this help\n"
	      "      --version          print the version\n"
	      "\n"
	      "Exit status: 0 snapshot written; 1 written, but some entries were\n"
	      "unreadable or changed while read; 2 trouble, nothing written.\n", f);
}

/* ------------------------------------------------------------ signals */

static void on_signal(int sig)
{
	(void)sig;
	cairn_snap_writer_cleanup_on_signal();
	_exit(130);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ------------------------------------------------------------ progress */

struct ui {
	int quiet;
	cairn_progress progress;
	uint64_t prev_bytes;      /* --reuse: size of the previous snapshot */
	uint64_t meter_base;      /* cairn_meter_get() when the scan began */
};

static void on_progress(void *ctx, const cairn_scan_stats *s, int final)
{
	struct ui *ui = ctx;
	double secs = cairn_progress_elapsed(&ui->progress);
	char total[32], rate[32];

	if (!ui->progress.enabled)
		return;
	cairn_cli_human_bytes(total, sizeof(total), (double)s->bytes);
	cairn_cli_human_bytes(rate, sizeof(rate),
			      secs > 0 ? (double)s->bytes_read / secs : 0);
	if (ui->prev_bytes && !final) {
		/* --reuse reads the previous snapshot in step with the walk
		 * (both in path order): the share of it read is the share of
		 * the tree done, which gives the total and the time left */
		double f = (double)(cairn_meter_get() - ui->meter_base) /
			   (double)ui->prev_bytes;
		double left = f > 0.01 && f < 1 ? secs * (1 - f) / f : 0;

		if (f > 0.01) {
			cairn_progress_show(&ui->progress, 0, "%llu of ~%.0f entries (%.0f%%), "
					    "%s, %s/s, ETA %d:%02d",
					    (unsigned long long)s->entries,
					    (double)s->entries / (f < 1 ? f : 1), 100 * (f < 1 ? f : 1),
					    total, rate, (int)left / 60, (int)left % 60);
			return;
		}
	}
	cairn_progress_show(&ui->progress, final,
			    "%llu entries, %llu files, %s, %s/s",
			    (unsigned long long)s->entries,
			    (unsigned long long)s->files, total, rate);
	if (final)
		cairn_progress_clear(&ui->progress);
}

static void on_warn(void *ctx, const char *msg)
{
	struct ui *ui = ctx;

	if (!ui->quiet)
		cairn_cli_warn("%s", msg);
}

/* ------------------------------------------------------------ snapshot */

struct strv {
	const char **v;
	size_t n;
};

static void strv_push(struct strv *s, const char *p)
{
	s->v = cairn_realloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = p;
}

/* Escape fnmatch metacharacters so that p matches only itself. */
static void glob_escape(cairn_buf *out, const char *p)
{
	for (; *p; p++) {
		if (strchr("*?[]\\", *p))
			cairn_buf_addch(out, '\\');
		cairn_buf_addch(out, *p);
	}
}

/*
 * When the output file lives inside the tree, leave it (and the writer's
 * temporary ".NAME.tmp.XXXXXX") out of the walk: otherwise the snapshot
 * would record itself half-written.
 */
static void skip_own_output(struct strv *skip, char **owned, const char *root,
			    const char *output)
{
	char *rroot = NULL, *rdir = NULL, *dircopy, *slash;
	const char *base;
	size_t rl;
	cairn_buf g = CAIRN_BUF_INIT;

	if (!strcmp(output, "-"))
		return;
	dircopy = cairn_strdup(output);
	slash = strrchr(dircopy, '/');
	if (slash) {
		*slash = '\0';
		base = output + (slash - dircopy) + 1;
		if (!*dircopy)
			strcpy(dircopy, "/");
	} else {
		strcpy(dircopy, ".");
		base = output;
	}
	rroot = realpath(root, NULL);
	rdir = realpath(dircopy, NULL);
	if (!rroot || !rdir || !*base)
		goto done;
	rl = strlen(rroot);
	if (!strcmp(rroot, "/"))
		rl = 0;
	if (strcmp(rdir, rroot) && !(strncmp(rdir, rroot, rl) == 0 && rdir[rl] == '/'))
		goto done;
	cairn_buf_addstr(&g, "");
	if (strcmp(rdir, rroot)) {
		glob_escape(&g, rdir + rl + 1);
		cairn_buf_addch(&g, '/');
	}
	{
		size_t prefix = g.len;
		char *exact, *tmp;

		glob_escape(&g, base);
		exact = cairn_strndup(g.data, g.len);
		g.len = prefix;
		cairn_buf_addch(&g, '.');
		glob_escape(&g, base);
		cairn_buf_addstr(&g, ".tmp.*");
		tmp = cairn_strndup(g.data, g.len);
		strv_push(skip, exact);
		strv_push(skip, tmp);
		owned[0] = exact;
		owned[1] = tmp;
	}
done:
	cairn_buf_release(&g);
	free(rroot);
	free(rdir);
	free(dircopy);
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	/* One descriptor per directory level plus one per file in flight. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The one-line coverage summary (docs/RECORDS.md §Coverage), and a warning
 * when a cache was used but held none of the tarballs. */
static void print_coverage(int quiet, const json_t *cov, const cairn_analyze_opts *o)
{
	const json_t *reasons = json_object_get(cov, "reasons");
	json_int_t pk = json_integer_value(json_object_get(cov, "packages"));
	json_int_t ok = json_integer_value(json_object_get(cov, "verified"));
	json_int_t miss = json_integer_value(json_object_get(reasons, "not_in_cache"));
	cairn_buf b = CAIRN_BUF_INIT;

	if (pk <= 0 || quiet)
		return;
	cairn_coverage_summary(&b, cov);
	cairn_cli_note(quiet, "%s", b.data);
	if (o->npm_cache && !ok && miss)
		cairn_cli_warn("the npm cache '%s' holds none of the %lld locked tarballs: "
			       "is it the cache that made the install? (npm config get cache)",
			       o->npm_cache, (long long)miss);
	cairn_buf_release(&b);
}

static int cmd_snapshot(int argc, char **argv)
{
	enum {
		OPT_EXCLUDE = 256, OPT_REUSE, OPT_PARANOID, OPT_PUBKEY, OPT_SIGN,
		OPT_NO_PACKAGES, OPT_NPM_CACHE, OPT_ENV, OPT_PID, OPT_ENV_KEY,
		OPT_ENV_CLEAR, OPT_MCP_CONFIG, OPT_MCP_DISCOVER, OPT_STORE,
		OPT_STORE_CONTENT, OPT_CREATED, OPT_NO_NPM_CACHE, OPT_VERSION, OPT_PNPM_STORE,
		OPT_YARN_CACHE, OPT_BUN_CACHE, OPT_PIP_CACHE, OPT_NO_PIP_CACHE
	};
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "one-file-system", no_argument, NULL, 'x' },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "reuse", required_argument, NULL, OPT_REUSE },
		{ "paranoid", no_argument, NULL, OPT_PARANOID },
		{ "pubkey", required_argument, NULL, OPT_PUBKEY },
		{ "sign", required_argument, NULL, OPT_SIGN },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-packages", no_argument, NULL, OPT_NO_PACKAGES },
		{ "npm-cache", required_argument, NULL, OPT_NPM_CACHE },
		{ "no-npm-cache", no_argument, NULL, OPT_NO_NPM_CACHE },
		{ "pnpm-store", required_argument, NULL, OPT_PNPM_STORE },
		{ "yarn-cache", required_argument, NULL, OPT_YARN_CACHE },
		{ "bun-cache", required_argument, NULL, OPT_BUN_CACHE },
		{ "pip-cache", required_argument, NULL, OPT_PIP_CACHE },
		{ "no-pip-cache", no_argument, NULL, OPT_NO_PIP_CACHE },
		{ "env", no_argument, NULL, OPT_ENV },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "env-key", required_argument, NULL, OPT_ENV_KEY },
		{ "env-clear", required_argument, NULL, OPT_ENV_CLEAR },
		{ "mcp-config", required_argument, NULL, OPT_MCP_CONFIG },
		{ "mcp-discover", no_argument, NULL, OPT_MCP_DISCOVER },
		{ "store", required_argument, NULL, OPT_STORE },
		{ "store-content", no_argument, NULL, OPT_STORE_CONTENT },
		{ "created", required_argument, NULL, OPT_CREATED },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *output = NULL, *reuse = NULL, *pubkey_path = NULL;
	const char *sign_path = NULL, *store = NULL, *root;
	int one_fs = 0, paranoid = 0, store_content = 0, no_npm_cache = 0, c, rc, status = 2;
	char *default_cache = NULL;
	unsigned jobs = 0;
	struct strv excludes = { NULL, 0 }, pids = { NULL, 0 };
	struct strv env_clear = { NULL, 0 }, mcp = { NULL, 0 }, skip = { NULL, 0 };
	char *skip_owned[2] = { NULL, NULL };
	cairn_analyze_opts aopts;
	cairn_analyzer *an = NULL;
	cairn_key *sign_key = NULL, *pubkey = NULL;
	cairn_snap_writer *w = NULL;
	cairn_scan_opts so;
	cairn_scan_stats st;
	json_t *reuse_info = NULL, *header = NULL, *extra = NULL, *analysis = NULL;
	struct timespec created;
	const char *created_arg = NULL;
	struct ui ui;

	memset(&aopts, 0, sizeof(aopts));
	aopts.packages = 1;
	/* for tests: a fixture system's dpkg database (docs/RECORDS.md) */
	aopts.dpkg_root = getenv("CAIRN_DPKG_ROOT");
	memset(&ui, 0, sizeof(ui));
	while ((c = getopt_long(argc, argv, "o:j:xqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'j':
			if (cairn_cli_parse_count(&jobs, optarg, 1, 256) < 0)
				return cairn_cli_usage_error(usage_line, "bad --jobs '%s' (1..256)", optarg);
			break;
		case 'x': one_fs = 1; break;
		case OPT_EXCLUDE: strv_push(&excludes, optarg); break;
		case OPT_REUSE: reuse = optarg; break;
		case OPT_PARANOID: paranoid = 1; break;
		case OPT_PUBKEY: pubkey_path = optarg; break;
		case OPT_SIGN: sign_path = optarg; break;
		case 'q': ui.quiet = 1; break;
		case OPT_NO_PACKAGES: aopts.packages = 0; break;
		case OPT_NPM_CACHE: aopts.npm_cache = optarg; no_npm_cache = 0; break;
		case OPT_NO_NPM_CACHE: no_npm_cache = 1; aopts.npm_cache = NULL; break;
		case OPT_PNPM_STORE: aopts.pnpm_store = optarg; break;
		case OPT_YARN_CACHE: aopts.yarn_cache = optarg; break;
		case OPT_BUN_CACHE: aopts.bun_cache = optarg; break;
		case OPT_PIP_CACHE: aopts.pip_cache = optarg; aopts.no_pip_cache = 0; break;
		case OPT_NO_PIP_CACHE: aopts.no_pip_cache = 1; aopts.pip_cache = NULL; break;
		case OPT_ENV: aopts.env_self = 1; break;
		case OPT_PID: strv_push(&pids, optarg); break;
		case OPT_ENV_KEY: aopts.env_key_path = optarg; break;
		case OPT_ENV_CLEAR: strv_push(&env_clear, optarg); break;
		case OPT_MCP_CONFIG: strv_push(&mcp, optarg); break;
		case OPT_MCP_DISCOVER: aopts.mcp_discover = 1; break;
		case OPT_STORE: store = optarg; break;
		case OPT_STORE_CONTENT: store_content = 1; break;
		case OPT_CREATED: created_arg = optarg; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: return cairn_cli_version();
		default: fputs(usage_line, stderr); return 2;
		}
	}
	if (optind + 1 != argc)
		return cairn_cli_usage_error(usage_line, "%s", optind >= argc ? "missing ROOT" :
				   "more than one ROOT");
	root = argv[optind];
	if (!output)
		return cairn_cli_usage_error(usage_line, "missing -o FILE.cairn");
	if (store_content && !store)
		return cairn_cli_usage_error(usage_line, "--store-content needs --store REPO");
	if (store && !strcmp(output, "-"))
		return cairn_cli_usage_error(usage_line, "--store needs a file, not '-o -'");
	if (pubkey_path && !reuse)
		return cairn_cli_usage_error(usage_line, "--pubkey (for a snapshot) needs --reuse");
	if (created_arg) {
		int64_t sec;
		long nsec;

		/* --reuse's racy check needs the real start of the run */
		if (reuse)
			return cairn_cli_usage_error(usage_line, "--created and --reuse exclude each other");
		if (cairn_rfc3339_parse(&sec, &nsec, created_arg) < 0)
			return cairn_cli_usage_error(usage_line, "--created: '%s' is not an RFC 3339 time",
						     created_arg);
		created.tv_sec = (time_t)sec;
		created.tv_nsec = nsec;
	}
	if (aopts.npm_cache) {
		struct stat cst;
		int bad = stat(aopts.npm_cache, &cst) != 0 ? errno : !S_ISDIR(cst.st_mode) ? ENOTDIR : 0;

		/* a cache named on the command line must be there: a typo would
		 * leave every package unverified */
		if (bad) {
			cairn_cli_error("--npm-cache '%s': %s", aopts.npm_cache, strerror(bad));
			goto done;
		}
		aopts.npm_cache_from = "option";
	} else if (no_npm_cache) {
		aopts.npm_cache_from = "off";
	} else if (aopts.packages || mcp.n || aopts.mcp_discover) {
		aopts.npm_cache = default_cache = cairn_npm_cache_default(&aopts.npm_cache_from);
	}
	aopts.pids = pids.v;
	aopts.pid_count = pids.n;
	aopts.env_clear = env_clear.v;
	aopts.env_clear_count = env_clear.n;
	aopts.mcp_configs = mcp.v;
	aopts.mcp_config_count = mcp.n;
	cairn_progress_init(&ui.progress, ui.quiet);
	raise_fd_limit();

	if (sign_path && cairn_key_load_private(&sign_key, sign_path) < 0)
		goto trouble;
	if (pubkey_path && cairn_key_load_public(&pubkey, pubkey_path) < 0)
		goto trouble;
	if (reuse && cairn_scan_reuse_info(&reuse_info, reuse, pubkey) < 0)
		goto trouble;
	if (reuse) {
		struct stat pst;

		if (stat(reuse, &pst) == 0 && S_ISREG(pst.st_mode))
			ui.prev_bytes = (uint64_t)pst.st_size;
	}
	skip_own_output(&skip, skip_owned, root, output);

	/* "created" is the start: --reuse's racy check relies on every
	 * recorded time before it having been seen by this run. */
	if (!created_arg)
		clock_gettime(CLOCK_REALTIME, &created);
	memset(&so, 0, sizeof(so));
	so.walk.one_file_system = one_fs;
	so.walk.excludes = excludes.v;
	so.walk.exclude_count = excludes.n;
	so.walk.skip_globs = skip.v;
	so.walk.skip_count = skip.n;
	so.jobs = jobs;
	so.reuse_path = reuse;
	so.reuse_pubkey = pubkey;
	so.paranoid = paranoid;
	so.observer = cairn_analyzer_observe;
	so.progress = on_progress;
	so.progress_ctx = &ui;
	so.warn = on_warn;
	so.warn_ctx = &ui;
	analysis = cairn_analyze_opts_json(&aopts);
	header = cairn_scan_header(PROG " " CAIRN_VERSION, root, &so, analysis,
				   reuse_info, (int64_t)created.tv_sec,
				   created.tv_nsec, created_arg != NULL);
	if (cairn_analyzer_new(&an, root, &aopts) < 0)
		goto trouble;
	install_signals();
	if (cairn_snap_writer_open(&w, output, header) < 0)
		goto trouble;

	so.observer_ctx = an;
	ui.meter_base = cairn_meter_get();
	if (cairn_scan_run(root, &so, w, &st) < 0)
		goto trouble;
	if (cairn_analyzer_finish(an, w) < 0)
		goto trouble;
	extra = cairn_scan_trailer_extra(&so, &st);
	if (cairn_analyzer_coverage(an))
		json_object_set(extra, "coverage", (json_t *)cairn_analyzer_coverage(an));
	rc = cairn_snap_writer_close(w, extra, sign_key);
	w = NULL;
	if (rc < 0)
		goto trouble;
	if (store) {
		char commit[41];
		char *branch = NULL;
		cairn_store_stats sst;

		if (cairn_store_commit(store, output, root, store_content, commit,
				       &sst, &branch) < 0)
			goto trouble;
		cairn_cli_note(ui.quiet, "stored as %s on %s", commit,
			       branch ? branch : "?");
		free(branch);
	}
	print_coverage(ui.quiet, cairn_analyzer_coverage(an), &aopts);
	status = st.errors || st.changed ? 1 : 0;
	if (status)
		cairn_cli_note(ui.quiet, "snapshot written, but %llu entries could not be "
			       "read and %llu changed while read",
			(unsigned long long)st.errors, (unsigned long long)st.changed);
	goto done;
trouble:
	cairn_cli_fail();
	status = 2;
done:
	cairn_snap_writer_abort(w);
	cairn_analyzer_free(an);
	cairn_key_free(sign_key);
	cairn_key_free(pubkey);
	json_decref(reuse_info);
	json_decref(header);
	json_decref(analysis);
	json_decref(extra);
	free(excludes.v);
	free(pids.v);
	free(env_clear.v);
	free(mcp.v);
	free(skip.v);
	free(skip_owned[0]);
	free(skip_owned[1]);
	free(default_cache);
	return status;
}

/* ------------------------------------------------------------ show */

static int dump_json(FILE *out, const json_t *j)
{
	return json_dumpf(j, out, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0 ||
	       fputc('\n', out) == EOF ? -1 : 0;
}

/* The verified listing to stdout; JSON through the terminal-safe filter
 * (records are stored with DEL and C1 controls raw). */
static int copy_out(FILE *tmp, int json)
{
	char buf[65536];
	size_t n;
	FILE *out = json ? cairn_json_safe_stream(stdout) : stdout;
	int rc = 0;

	if (!out)
		return -1;
	rewind(tmp);
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (json && fclose(out) != 0)
		rc = -1;
	return fflush(stdout) == 0 && !ferror(tmp) ? rc : -1;
}

static int cmd_show(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_PUBKEY, OPT_VERSION };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "pubkey", required_argument, NULL, OPT_PUBKEY },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *pubkey_path = NULL, *path;
	int json = 0, c, rc, status = 2;
	cairn_key *pubkey = NULL;
	cairn_snap_reader *r = NULL;
	cairn_record rec;
	FILE *tmp = NULL;
	unsigned long long others = 0;

	memset(&rec, 0, sizeof(rec));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = 1; break;
		case OPT_PUBKEY: pubkey_path = optarg; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: return cairn_cli_version();
		default: fputs(usage_line, stderr); return 2;
		}
	}
	if (optind + 1 != argc)
		return cairn_cli_usage_error(usage_line, "show needs exactly one FILE");
	path = argv[optind];
	if (pubkey_path && cairn_key_load_public(&pubkey, pubkey_path) < 0)
		goto trouble;
	/* Nothing reaches stdout before the trailer verified: the listing
	 * waits in an unnamed temporary file. */
	tmp = tmpfile();
	if (!tmp) {
		cairn_error_set(CAIRN_EIO, "cannot create a temporary file: %s",
				strerror(errno));
		goto trouble;
	}
	if (cairn_snap_reader_open(&r, path, pubkey) < 0)
		goto trouble;
	if (json)
		dump_json(tmp, cairn_snap_reader_header(r));
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0) {
		if (json) {
			/* the record exactly as stored (verified below) */
			fwrite(rec.line, 1, rec.line_len, tmp);
			fputc('\n', tmp);
		}
		else if (rec.kind == CAIRN_REC_ENTRY)
			cairn_render_snap_entry(tmp, &rec.entry);
		else
			others++;
	}
	if (rc < 0)
		goto trouble;
	if (json) {
		dump_json(tmp, cairn_snap_reader_trailer(r));
	} else {
		cairn_render_snap_summary(tmp, cairn_snap_reader_trailer(r), others,
					  pubkey != NULL);
	}
	if (ferror(tmp) || copy_out(tmp, json) < 0) {
		cairn_error_set(CAIRN_EIO, "cannot write the listing: %s",
				strerror(errno));
		goto trouble;
	}
	status = 0;
	goto done;
trouble:
	cairn_cli_fail();
done:
	if (tmp)
		fclose(tmp);
	cairn_snap_reader_free(r);
	cairn_key_free(pubkey);
	return status;
}

/* ------------------------------------------------------------ verify */

static int cmd_verify(int argc, char **argv)
{
	enum { OPT_PUBKEY = 256, OPT_VERSION };
	static const struct option longopts[] = {
		{ "pubkey", required_argument, NULL, OPT_PUBKEY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *pubkey_path = NULL, *path;
	int c, quiet = 0, status = 2;
	cairn_key *pubkey = NULL;
	json_t *trailer = NULL;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PUBKEY: pubkey_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: return cairn_cli_version();
		default: fputs(usage_line, stderr); return 2;
		}
	}
	if (optind + 1 != argc)
		return cairn_cli_usage_error(usage_line, "verify needs exactly one FILE");
	path = argv[optind];
	if (pubkey_path && cairn_key_load_public(&pubkey, pubkey_path) < 0)
		goto trouble;
	if (cairn_snap_verify(path, pubkey, &trailer) < 0)
		goto trouble;
	if (!quiet)
		cairn_render_snap_verified(stdout, path, trailer, pubkey != NULL);
	status = 0;
	goto done;
trouble:
	cairn_cli_fail();
done:
	json_decref(trailer);
	cairn_key_free(pubkey);
	return status;
}

/* ------------------------------------------------------------ keygen */

static int cmd_keygen(int argc, char **argv)
{
	enum { OPT_VERSION = 256 };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *base = "cairn";
	cairn_buf priv = CAIRN_BUF_INIT, pub = CAIRN_BUF_INIT;
	int c, status = 2;
	cairn_key *k = NULL;
	char kid[65];

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': base = optarg; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: return cairn_cli_version();
		default: fputs(usage_line, stderr); return 2;
		}
	}
	if (optind != argc)
		return cairn_cli_usage_error(usage_line, "keygen takes no operand (use -o BASENAME)");
	cairn_buf_addf(&priv, "%s.key", base);
	cairn_buf_addf(&pub, "%s.pub", base);
	if (access(pub.data, F_OK) == 0) {
		cairn_error_set(CAIRN_EUSAGE, "'%s' exists; not overwriting", pub.data);
		goto trouble;
	}
	if (cairn_key_generate(priv.data, pub.data) < 0)
		goto trouble;
	if (cairn_key_load_public(&k, pub.data) < 0)
		goto trouble;
	cairn_key_id(k, kid);
	printf("%s\n%s\nkey id %s\n", priv.data, pub.data, kid);
	status = 0;
	goto done;
trouble:
	cairn_cli_fail();
done:
	cairn_key_free(k);
	cairn_buf_release(&priv);
	cairn_buf_release(&pub);
	return status;
}

int main(int argc, char **argv)
{
	cairn_cli_init(PROG);
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "keygen"))
		return cmd_keygen(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "prune"))
		return cairn_snap_cmd_prune(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "export"))
		return cairn_snap_cmd_export(argc - 1, argv + 1);
	return cmd_snapshot(argc, argv);
}
