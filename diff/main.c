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
#include "diff.h"
#include "gitdiff.h"
#include "jsonutil.h"
#include "ignore.h"
#include "pkgpatch.h"
#include "rules.h"
#include "snapshot.h"
#include "store.h"
#include "rfc3339.h"

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
	OPT_NPM_CACHE
};

struct opts {
	cairn_progress progress;  /* --live, --git: on a terminal, unless -q */
	const char *live, *store, *git, *rev, *path, *history, *pubkey, *npm_cache;
	int patch, gitignore, mtime, findings, json, quiet, color;
	int fail_on;              /* severity of --fail-on, -1 without */
	cairn_ignore *ignore;
};

/* ------------------------------------------------------------ output */

static int color_on;

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_BOLDRED "\033[1;31m"
#define C_BOLD "\033[1m"

static const char *col(const char *c)
{
	return color_on ? c : "";
}

static const char *reset(void)
{
	return color_on ? C_RESET : "";
}

static const char *short_hex(char out[13], const unsigned char *p)
{
	cairn_hex(out, p, 6);
	return out;
}

/* ------------------------------------------------------------ snapshot diff */

struct text_ctx {
	int kind;                 /* current section */
	cairn_buf b1, b2;
	cairn_store *store;       /* --patch */
	const char *old_commit, *new_commit;
	cairn_buf patches;        /* collected patches, printed at the end */
	json_t *patched;          /* paths with a stored patch: {path: true} */
};

static const char *const kind_mark[CAIRN_DIFF__KINDS] = { "+", "-", "~", "m", "!" };
static const char *const kind_color[CAIRN_DIFF__KINDS] = {
	C_GREEN, C_RED, C_YELLOW, C_CYAN, C_BOLDRED
};
static const char *const kind_title[CAIRN_DIFF__KINDS] = {
	"added", "removed", "modified", "metadata only", "became unreadable"
};

static void describe_entry(cairn_buf *out, const cairn_entry *e)
{
	char h[13];

	cairn_buf_addstr(out, cairn_entry_type_name(e->type));
	if (e->type == CAIRN_T_FILE) {
		cairn_buf_addf(out, ", %llu bytes", (unsigned long long)e->size);
		if (e->flags & CAIRN_EF_HASHED)
			cairn_buf_addf(out, ", sha256 %s..", short_hex(h, e->sha256));
	}
	cairn_buf_addf(out, ", mode %04o", e->mode & 07777);
	if (e->mode & 06000)
		cairn_buf_addstr(out, e->mode & 04000 ? " (set-uid)" : " (set-gid)");
	if (e->type == CAIRN_T_SYMLINK && e->target) {
		cairn_buf_addstr(out, " -> ");
		cairn_escape_display(out, e->target, e->target_len);
	}
}

static void describe_change(cairn_buf *out, const cairn_diff_change *c)
{
	const cairn_entry *a = c->old, *b = c->new;
	char h1[13], h2[13];

	if (c->what & CAIRN_DW_TYPE)
		cairn_buf_addf(out, "; type %s -> %s", cairn_entry_type_name(a->type),
			       cairn_entry_type_name(b->type));
	if (c->what & CAIRN_DW_CONTENT) {
		cairn_buf_addf(out, "; content: size %llu -> %llu",
			       (unsigned long long)a->size, (unsigned long long)b->size);
		if ((a->flags & CAIRN_EF_HASHED) && (b->flags & CAIRN_EF_HASHED))
			cairn_buf_addf(out, ", sha256 %s.. -> %s..", short_hex(h1, a->sha256),
				       short_hex(h2, b->sha256));
	}
	if (c->what & CAIRN_DW_MODE)
		cairn_buf_addf(out, "; mode %04o -> %04o", a->mode & 07777, b->mode & 07777);
	if (c->what & CAIRN_DW_OWNER)
		cairn_buf_addf(out, "; owner %u:%u -> %u:%u", a->uid, a->gid, b->uid, b->gid);
	if (c->what & CAIRN_DW_TARGET) {
		cairn_buf_addstr(out, "; target ");
		cairn_escape_display(out, a->target ? a->target : "", a->target_len);
		cairn_buf_addstr(out, " -> ");
		cairn_escape_display(out, b->target ? b->target : "", b->target_len);
	}
	if (c->what & CAIRN_DW_RDEV)
		cairn_buf_addf(out, "; device %llu -> %llu", (unsigned long long)a->rdev,
			       (unsigned long long)b->rdev);
	if (c->what & CAIRN_DW_XATTR)
		cairn_buf_addf(out, "; xattrs changed (%zu -> %zu)", a->xattr_count,
			       b->xattr_count);
	if (c->what & CAIRN_DW_MTIME) {
		char t1[48], t2[48];

		cairn_rfc3339_format(t1, sizeof(t1), a->mtime_sec, a->mtime_nsec);
		cairn_rfc3339_format(t2, sizeof(t2), b->mtime_sec, b->mtime_nsec);
		cairn_buf_addf(out, "; mtime %s -> %s", t1, t2);
	}
	if (c->what & CAIRN_DW_ERROR) {
		if (b->err)
			cairn_buf_addf(out, "; %s: %s", b->err_op ? b->err_op : "?",
				       strerror(b->err));
		else
			cairn_buf_addstr(out, "; readable again");
	}
}

/* Escape a patch line but keep its tabs: code is indented with them and a
 * tab cannot hide anything on a terminal. */
static void escape_keep_tabs(cairn_buf *out, const char *p, size_t n)
{
	size_t start = 0;

	while (start <= n) {
		const char *tab = memchr(p + start, '\t', n - start);
		size_t end = tab ? (size_t)(tab - p) : n;

		cairn_escape_display(out, p + start, end - start);
		if (!tab)
			break;
		cairn_buf_addch(out, '\t');
		start = end + 1;
	}
}

/* A patch for the terminal, line by line (it holds untrusted bytes),
 * coloured like git's. */
static void add_patch_lines(cairn_buf *out, const char *p, size_t n)
{
	size_t start = 0;

	while (start < n) {
		const char *nl = memchr(p + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - p) : n;
		const char *cc = "";

		if (p[start] == '+' && (end - start < 3 || memcmp(p + start, "+++", 3)))
			cc = col(C_GREEN);
		else if (p[start] == '-' && (end - start < 3 || memcmp(p + start, "---", 3)))
			cc = col(C_RED);
		else if (p[start] == '@')
			cc = col(C_CYAN);
		cairn_buf_addstr(out, cc);
		escape_keep_tabs(out, p + start, end - start);
		cairn_buf_addf(out, "%s\n", *cc ? reset() : "");
		start = end + 1;
	}
}

static void add_patch(struct text_ctx *t, const cairn_diff_change *c)
{
	cairn_buf p = CAIRN_BUF_INIT;
	const cairn_entry *e = c->new;
	int rc;

	if (!t->store || e->type != CAIRN_T_FILE)
		return;
	if (c->old && (c->old->type != CAIRN_T_FILE || !(c->what & CAIRN_DW_CONTENT)))
		return;
	rc = cairn_store_patch(t->store, t->old_commit, t->new_commit, e->path,
			       e->path_len, &p);
	if (rc >= 1 && t->patched)
		json_object_setn_new(t->patched, e->path, e->path_len, json_true());
	if (rc == 1) {
		add_patch_lines(&t->patches, p.data, p.len);
	} else if (rc == 2) {
		char h1[65], h2[65];

		cairn_hex(h2, e->sha256, 32);
		cairn_buf_addstr(&t->patches, "Binary file ");
		cairn_escape_display(&t->patches, e->path, e->path_len);
		if (c->old) {
			cairn_hex(h1, c->old->sha256, 32);
			cairn_buf_addf(&t->patches, ": size %llu -> %llu, sha256 %s -> %s\n",
				       (unsigned long long)c->old->size,
				       (unsigned long long)e->size, h1, h2);
		} else {
			cairn_buf_addf(&t->patches, " (new): size %llu, sha256 %s\n",
				       (unsigned long long)e->size, h2);
		}
	} else if (rc == 0) {
		cairn_buf_addstr(&t->patches, "Content not stored: ");
		cairn_escape_display(&t->patches, e->path, e->path_len);
		cairn_buf_addch(&t->patches, '\n');
	} else {
		cairn_buf_addstr(&t->patches, "Patch failed: ");
		cairn_escape_display(&t->patches, cairn_error_last(),
				     strlen(cairn_error_last()));
		cairn_buf_addch(&t->patches, '\n');
	}
	cairn_buf_release(&p);
}

static int print_change(void *ctx, const cairn_diff_change *c)
{
	struct text_ctx *t = ctx;
	const cairn_entry *e = c->new ? c->new : c->old;

	if (c->kind != t->kind) {
		t->kind = c->kind;
		printf("\n%s%s:%s\n", col(C_BOLD), kind_title[c->kind], reset());
	}
	cairn_buf_clear(&t->b2);
	if (c->kind == CAIRN_DIFF_ADDED || c->kind == CAIRN_DIFF_REMOVED)
		describe_entry(&t->b2, e);
	else
		describe_change(&t->b2, c);
	printf("  %s%s %s%s  %s\n", col(kind_color[c->kind]), kind_mark[c->kind],
	       cairn_cli_esc(&t->b1, e->path, e->path_len), reset(),
	       t->b2.data ? (t->b2.data[0] == ';' ? t->b2.data + 2 : t->b2.data) : "");
	if (c->kind == CAIRN_DIFF_MODIFIED || c->kind == CAIRN_DIFF_ADDED)
		add_patch(t, c);
	return 0;
}

static const char *rec_value(cairn_buf *b, const json_t *rec, const char *field)
{
	const json_t *v = rec ? json_object_get(rec, field) : NULL;
	char *s;

	cairn_buf_clear(b);
	if (!v || json_is_null(v)) {
		cairn_buf_addstr(b, "(none)");
	} else if (json_is_string(v)) {
		cairn_escape_display(b, json_string_value(v), json_string_length(v));
	} else {
		s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		if (s && strlen(s) > 200)
			strcpy(s + 197, "...");
		cairn_escape_display(b, s ? s : "?", s ? strlen(s) : 1);
		free(s);
	}
	return b->data;
}

static void print_records(const cairn_diff *d)
{
	const cairn_diff_record_change *rc;
	cairn_buf k = CAIRN_BUF_INIT, v1 = CAIRN_BUF_INIT, v2 = CAIRN_BUF_INIT;
	size_t i, n;

	rc = cairn_diff_records(d, &n);
	if (!n)
		return;
	printf("\n%spackages, environment and configs:%s\n", col(C_BOLD), reset());
	for (i = 0; i < n; i++) {
		const cairn_diff_record_change *c = &rc[i];
		const char *name_field = !strcmp(c->type, "package") ? "name" : NULL;
		const json_t *any = c->new ? c->new : c->old;

		printf("  %s%s%s %s %s", c->red_flag ? col(C_BOLDRED) : "",
		       c->red_flag ? "!!" : "  ", c->red_flag ? reset() : "",
		       c->type, cairn_cli_esc_str(&k, c->key));
		if (name_field && json_is_string(json_object_get(any, "name")))
			printf(" (%s)", rec_value(&v1, any, "name"));
		printf(": %s%s%s", c->red_flag ? col(C_BOLDRED) : "",
		       cairn_rec_change_name(c->change), c->red_flag ? reset() : "");
		switch (c->change) {
		case CAIRN_RC_VERSION_CHANGED:
			printf(" %s -> %s", rec_value(&v1, c->old, "version"),
			       rec_value(&v2, c->new, "version"));
			break;
		case CAIRN_RC_SAME_VERSION_DIFFERENT_CONTENT:
			printf(" %s:", rec_value(&k, c->new, "version"));
			printf(" integrity %s -> %s", rec_value(&v1, c->old, "integrity"),
			       rec_value(&v2, c->new, "integrity"));
			printf(", content %s -> %s", rec_value(&v1, c->old, "content_sha256"),
			       rec_value(&v2, c->new, "content_sha256"));
			break;
		case CAIRN_RC_RESOLVED_CHANGED:
			printf(" %s -> %s", rec_value(&v1, c->old, "resolved"),
			       rec_value(&v2, c->new, "resolved"));
			break;
		case CAIRN_RC_SCRIPTS_CHANGED:
			printf(" %s -> %s", rec_value(&v1, c->old, "scripts"),
			       rec_value(&v2, c->new, "scripts"));
			break;
		case CAIRN_RC_LOCK_DRIFT_APPEARED:
		case CAIRN_RC_FILES_MISMATCH_APPEARED:
			printf(" flags %s -> %s", rec_value(&v1, c->old, "flags"),
			       rec_value(&v2, c->new, "flags"));
			break;
		case CAIRN_RC_COMMAND_CHANGED:
			printf(" %s", rec_value(&k, c->old, "command"));
			printf(" %s ->", rec_value(&v1, c->old, "args"));
			printf(" %s", rec_value(&k, c->new, "command"));
			printf(" %s", rec_value(&v2, c->new, "args"));
			break;
		case CAIRN_RC_ADDED:
			if (c->new && json_object_get(c->new, "version"))
				printf(" %s", rec_value(&v1, c->new, "version"));
			break;
		case CAIRN_RC_CHANGED:
		case CAIRN_RC_VALUE_CHANGED: {
			json_t *f = json_pack("{s:O}", "f", c->fields);

			printf(" fields %s", rec_value(&v1, f, "f"));
			json_decref(f);
			break;
		}
		default:
			break;
		}
		printf("\n");
	}
	cairn_buf_release(&k);
	cairn_buf_release(&v1);
	cairn_buf_release(&v2);
}

static void print_side(cairn_buf *b, const char *which, const cairn_diff *d, int side)
{
	const json_t *h = cairn_diff_header(d, side);

	printf("%s: %s", which, cairn_cli_esc_str(b, cairn_diff_label(d, side)));
	if (json_is_true(json_object_get(h, "live"))) {
		printf(" (live tree)\n");
		return;
	}
	printf(" (host %s", cairn_cli_esc_str(b, json_string_value(json_object_get(h, "hostname")) ?
				    json_string_value(json_object_get(h, "hostname")) :
				    json_string_value(json_object_get(h, "host"))));
	printf(", root %s", cairn_cli_esc_str(b, json_string_value(json_object_get(h, "root"))));
	printf(", created %s)\n", cairn_cli_esc_str(b, json_string_value(json_object_get(h, "created"))));
}

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

static int print_findings_text(const cairn_findings *f)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	printf("\n%sfindings (%zu):%s\n", col(C_BOLD), f->count, reset());
	for (i = 0; i < f->count; i++) {
		const cairn_finding *x = &f->items[i];

		printf("  %s%-8s%s %s %s\n",
		       x->severity >= CAIRN_SEV_HIGH ? col(C_BOLDRED) : "",
		       cairn_severity_name(x->severity),
		       x->severity >= CAIRN_SEV_HIGH ? reset() : "", x->rule->id,
		       cairn_cli_esc_str(&b, x->title));
	}
	cairn_buf_release(&b);
	return 0;
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

static int eval_findings(cairn_findings *f, const cairn_diff *d, json_t *doc,
			 const json_t *patches)
{
	cairn_rules_input in;

	memset(&in, 0, sizeof(in));
	in.records = cairn_diff_side_records(d, 1);
	in.baseline_records = cairn_diff_side_records(d, 0);
	in.diff = doc;
	in.patches = patches;
	return cairn_rules_eval(f, &in);
}

/* The package patches, grouped under their origin (one per package and
 * kind), left out for paths whose stored content was shown. */
static void print_package_patches(const json_t *items, const json_t *patched)
{
	cairn_buf out = CAIRN_BUF_INIT, raw = CAIRN_BUF_INIT;
	const char *last = "";
	size_t i;

	for (i = 0; i < json_array_size(items); i++) {
		const json_t *it = json_array_get(items, i);
		const char *origin = cairn_json_str_or(it, "origin", "");
		const char *patch = cairn_json_str_or(it, "patch", "");

		if (patched && json_object_get(patched, cairn_json_str_or(it, "path", "")))
			continue;
		if (*origin && strcmp(origin, last)) {
			cairn_buf_addf(&out, "%s== ", col(C_BOLD));
			cairn_escape_display(&out, origin, strlen(origin));
			cairn_buf_addf(&out, "%s\n", reset());
			last = origin;
		}
		cairn_buf_clear(&raw);
		/* the bytes themselves, escaped once for the terminal */
		if (!json_is_true(json_object_get(it, "escaped")) ||
		    cairn_unescape_bytes(&raw, patch, strlen(patch)) < 0) {
			cairn_buf_clear(&raw);
			cairn_buf_addstr(&raw, patch);
		}
		if (!strcmp(cairn_json_str_or(it, "kind", ""), "note")) {
			escape_keep_tabs(&out, raw.data, raw.len);
			cairn_buf_addch(&out, '\n');
		} else {
			add_patch_lines(&out, raw.data, raw.len);
		}
	}
	if (out.len) {
		printf("\n%spackage patches:%s\n", col(C_BOLD), reset());
		fwrite(out.data, 1, out.len, stdout);
	}
	cairn_buf_release(&out);
	cairn_buf_release(&raw);
}

/* Package patches for --patch (and the rules): the npm cache, and the
 * installed bytes from the store, the live tree or the snapshot's root. */
static json_t *package_patches(const cairn_diff *d, const json_t *doc, const struct opts *o,
			       cairn_store *store, const char *new_commit, int for_rules,
			       int *trouble)
{
	cairn_pkgpatch_opts po;
	json_t *out;

	cairn_pkgpatch_opts_init(&po, for_rules);
	if (cairn_pkgpatch_use_cache(&po, o->npm_cache, cairn_diff_header(d, 1),
				     cairn_diff_header(d, 0)) < 0) {
		cairn_cli_fail();
		*trouble = 1;
		return NULL;
	}
	if (store) {
		po.store = store;
		po.new_commit = new_commit;
	}
	if (o->live)
		cairn_pkgpatch_use_root(&po, o->live, 1);
	else
		cairn_pkgpatch_use_root(&po, cairn_json_str(cairn_diff_header(d, 1),
							    "root_realpath"), 0);
	out = cairn_pkgpatch_json(doc, &po);
	cairn_pkgpatch_opts_release(&po);
	return out;
}

static int output_diff(cairn_diff *d, const struct opts *o, cairn_store *store,
		       const char *old_commit, const char *new_commit)
{
	const cairn_diff_counts *n = cairn_diff_get_counts(d);
	int changed = cairn_diff_has_changes(d), rc = 0, trouble = 0;
	int status = changed;      /* the exit status when nothing fails */
	cairn_findings findings = CAIRN_FINDINGS_INIT;
	json_t *doc = NULL, *pkg = NULL, *patches = NULL;

	if (o->quiet && o->fail_on < 0)
		return changed;
	if (o->findings || o->patch) {
		doc = cairn_diff_to_json(d);
		if (!doc) {
			cairn_cli_fail();
			return 2;
		}
		if (o->store) {
			json_object_set_new(doc, "mode", json_string("store"));
		}
	}
	/* the code of the packages that changed, from the npm cache */
	if (o->patch) {
		pkg = package_patches(d, doc, o, store, new_commit, o->json || o->findings, &trouble);
		if (trouble) {
			json_decref(doc);
			return 2;
		}
		patches = all_patches(doc, store, old_commit, new_commit, pkg);
	}
	if (o->findings) {
		eval_findings(&findings, d, doc, patches);
		/* the gate: findings at or above --fail-on, not mere differences */
		if (o->fail_on >= 0)
			status = cairn_findings_max(&findings) >= o->fail_on;
		if (o->quiet) {
			rc = status;
			goto done;
		}
	}
	if (o->json) {
		if (doc || o->store || o->patch) {
			if (!doc)
				doc = cairn_diff_to_json(d);
			if (!doc) {
				cairn_cli_fail();
				return 2;
			}
			if (o->store) {
				json_object_set_new(doc, "mode", json_string("store"));
				json_object_set_new(doc, "store", json_pack("{s:s,s:s,s:s}",
					"repository", o->store, "old_commit", old_commit,
					"new_commit", new_commit));
			}
			if (o->findings)
				json_object_set_new(doc, "findings",
						    cairn_findings_to_json(&findings));
			if (patches)
				json_object_set(doc, "patches", patches);
			rc = print_json_doc(doc);
			doc = NULL;
		} else {
			FILE *f = cairn_json_safe_stream(stdout);

			rc = f ? cairn_diff_write_json(d, f) : -1;
			if (f && fclose(f) != 0 && rc >= 0)
				rc = cairn_error_set(CAIRN_EIO, "cannot write the JSON output");
		}
		if (rc < 0) {
			cairn_cli_fail();
			rc = 2;
		} else {
			rc = status;
		}
		goto done;
	}
	{
		struct text_ctx t;
		cairn_buf b = CAIRN_BUF_INIT;
		int k;

		memset(&t, 0, sizeof(t));
		t.kind = -1;
		t.store = store;
		t.old_commit = old_commit;
		t.new_commit = new_commit;
		t.patched = json_object();
		print_side(&b, "old", d, 0);
		print_side(&b, "new", d, 1);
		if (store)
			printf("store: %s, commits %s -> %s\n", cairn_cli_esc_str(&b, o->store),
			       old_commit, new_commit);
		cairn_buf_release(&b);
		printf("%s", changed ? "" : "no differences; ");
		for (k = 0; k < CAIRN_DIFF__KINDS; k++)
			printf("%s%llu %s", k ? ", " : "",
			       (unsigned long long)n->kind[k], cairn_diff_kind_name(k));
		printf("; %llu package/env/config changes", (unsigned long long)n->records);
		if (n->ignored)
			printf("; %llu ignored", (unsigned long long)n->ignored);
		printf(" (%llu -> %llu entries)\n", (unsigned long long)n->old_entries,
		       (unsigned long long)n->new_entries);
		if (cairn_diff_foreach(d, print_change, &t) < 0) {
			cairn_cli_fail();
			rc = 2;
		}
		print_records(d);
		if (t.patches.len) {
			printf("\n%spatches:%s\n", col(C_BOLD), reset());
			fwrite(t.patches.data, 1, t.patches.len, stdout);
		}
		print_package_patches(pkg, t.patched);
		if (o->findings)
			print_findings_text(&findings);
		cairn_buf_release(&t.b1);
		cairn_buf_release(&t.b2);
		cairn_buf_release(&t.patches);
		json_decref(t.patched);
		if (!rc)
			rc = status;
	}
done:
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
	int rc;

	if (load_pubkey(&key, o->pubkey) < 0)
		return 2;
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
		rc = output_diff(d, o, NULL, NULL, NULL);
	}
	cairn_diff_free(d);
	cairn_key_free(key);
	return rc;
}

static int cmd_store(const char *old_rev, const char *new_rev, const struct opts *o)
{
	cairn_store *s = NULL;
	cairn_snap_reader *ro = NULL, *rn = NULL;
	cairn_diff_opts dopts;
	cairn_diff *d = NULL;
	cairn_key *key = NULL;
	void *da = NULL, *db = NULL;
	size_t la, lb;
	char ca[41], cb[41];
	cairn_buf na = CAIRN_BUF_INIT, nb = CAIRN_BUF_INIT;
	int rc = 2;

	if (load_pubkey(&key, o->pubkey) < 0)
		return 2;
	if (cairn_store_open(&s, o->store) < 0 ||
	    cairn_store_read(s, old_rev, &da, &la, ca) < 0 ||
	    cairn_store_read(s, new_rev, &db, &lb, cb) < 0) {
		cairn_cli_fail();
		goto done;
	}
	cairn_buf_addf(&na, "%s:%s", o->store, old_rev);
	cairn_buf_addf(&nb, "%s:%s", o->store, new_rev);
	if (cairn_snap_reader_open_mem(&ro, da, la, na.data, key) < 0 ||
	    cairn_snap_reader_open_mem(&rn, db, lb, nb.data, key) < 0) {
		cairn_cli_fail();
		goto done;
	}
	memset(&dopts, 0, sizeof(dopts));
	dopts.mtime = o->mtime;
	dopts.ignore = o->ignore;
	dopts.pubkey = key;
	if (cairn_diff_readers(&d, ro, na.data, rn, nb.data, &dopts) < 0) {
		cairn_cli_fail();
		goto done;
	}
	rc = output_diff(d, o, o->patch ? s : NULL, ca, cb);
done:
	cairn_diff_free(d);
	cairn_snap_reader_free(ro);
	cairn_snap_reader_free(rn);
	free(da);
	free(db);
	cairn_buf_release(&na);
	cairn_buf_release(&nb);
	cairn_store_close(s);
	cairn_key_free(key);
	return rc;
}

static const char *git_mode_str(char buf[16], unsigned mode)
{
	if (!mode)
		return "-";
	snprintf(buf, 16, "%06o", mode & 0777777);
	return buf;
}

static int cmd_git(const char *root, struct opts *o)
{
	static const char *const mark[CAIRN_GD__KINDS] = { "+", "-", "~", "m", "T", "!" };
	static const char *const colr[CAIRN_GD__KINDS] = {
		C_GREEN, C_RED, C_YELLOW, C_CYAN, C_YELLOW, C_BOLDRED
	};
	cairn_gitdiff_opts gopts;
	cairn_gitdiff *g = NULL;
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;
	int rc, k, any = 0, kind = -1;

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
	printf("git: %s", cairn_cli_esc_str(&b, g->repo));
	printf(" at %s", cairn_cli_esc_str(&b, g->rev));
	printf(" (commit %s)", g->commit);
	if (*g->subdir)
		printf(", folder %s", cairn_cli_esc_str(&b, g->subdir));
	printf("\ndisk: %s\n", cairn_cli_esc_str(&b, g->root));
	printf("%s", any ? "" : "no differences; ");
	for (k = 0; k < CAIRN_GD__KINDS; k++)
		printf("%s%llu %s", k ? ", " : "", (unsigned long long)g->counts[k],
		       cairn_gitdiff_kind_name(k));
	if (g->ignored)
		printf("; %llu ignored", (unsigned long long)g->ignored);
	printf(" (%llu files in the tree, %llu on disk)\n",
	       (unsigned long long)g->tree_files, (unsigned long long)g->disk_files);
	for (i = 0; i < g->n; i++) {
		const cairn_gitdiff_change *c = &g->v[i];
		char m1[16], m2[16];

		if (c->kind != kind) {
			kind = c->kind;
			printf("\n%s%s:%s\n", col(C_BOLD), cairn_gitdiff_kind_name(kind), reset());
		}
		printf("  %s%s %s%s", col(colr[c->kind]), mark[c->kind],
		       cairn_cli_esc(&b, c->path, c->path_len), reset());
		switch (c->kind) {
		case CAIRN_GD_ADDED:
			printf("  %s %.12s", git_mode_str(m2, c->new_mode), c->new_oid);
			break;
		case CAIRN_GD_REMOVED:
			printf("  %s %.12s", git_mode_str(m1, c->old_mode), c->old_oid);
			break;
		default:
			printf("  %s %.12s -> %s %.12s", git_mode_str(m1, c->old_mode),
			       c->old_oid, git_mode_str(m2, c->new_mode),
			       c->new_oid[0] ? c->new_oid : "-");
		}
		if (c->detail)
			printf(" (%s)", cairn_cli_esc_str(&b, c->detail));
		printf("\n");
	}
done:
	cairn_buf_release(&b);
	cairn_gitdiff_free(g);
	return rc;
}

static int cmd_history(const struct opts *o)
{
	cairn_history *h = NULL;
	cairn_buf b = CAIRN_BUF_INIT, b2 = CAIRN_BUF_INIT;
	size_t i, j;
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
	printf("history of %s", cairn_cli_esc_str(&b, h->file));
	printf(" in %s", cairn_cli_esc_str(&b, h->repo));
	printf(" from %s: %zu commits changed it\n", cairn_cli_esc_str(&b, h->rev), h->n);
	for (i = 0; i < h->n; i++) {
		const cairn_history_commit *c = &h->v[i];
		char when[48];

		cairn_rfc3339_format(when, sizeof(when), c->time, -1);
		printf("\n%scommit %s%s  %s\n", col(C_YELLOW), c->oid, reset(), when);
		printf("  author: %s", cairn_cli_esc_str(&b, c->author_name));
		printf(" <%s>\n", cairn_cli_esc_str(&b, c->author_email));
		printf("  %s\n", cairn_cli_esc_str(&b, c->summary));
		printf("  file %s", c->status);
		if (c->error)
			printf(" (cannot parse: %s)", cairn_cli_esc_str(&b, c->error));
		printf(", %zu package changes\n", c->n);
		for (j = 0; j < c->n; j++) {
			const cairn_history_change *x = &c->v[j];

			printf("    %s%s%s %s: %s", x->red_flag ? col(C_BOLDRED) : "",
			       x->red_flag ? "!!" : "  ", x->red_flag ? reset() : "",
			       cairn_cli_esc_str(&b, x->key), x->change);
			if (!strncmp(x->change, "install-script", 14)) {
				/* the versions it came (or went) with */
				printf(" (hasInstallScript) at %s\n",
				       cairn_cli_esc_str(&b, x->new_value ? x->new_value : "(none)"));
				continue;
			}
			if (x->old_value || x->new_value) {
				printf(" %s", cairn_cli_esc_str(&b, x->old_value ? x->old_value : "(none)"));
				printf(" -> %s", cairn_cli_esc_str(&b2, x->new_value ? x->new_value : "(none)"));
			}
			printf("\n");
		}
	}
done:
	cairn_buf_release(&b);
	cairn_buf_release(&b2);
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
	color_on = o.json ? 0 : cairn_cli_color_enabled(o.color, STDOUT_FILENO);
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
	return rc;
}
