/*
 * render_diff.c - cairn-diff's text output (render_diff.h).
 *
 * Lines for people, in the order cairn-diff(1) describes; colours like
 * git's (green added, red removed, cyan hunk headers).  Every untrusted
 * string goes through cairn_escape_display() once, on its way out.
 */
#include "render_diff.h"
#include "jsonutil.h"
#include "rfc3339.h"

#include <stdlib.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_BOLDRED "\033[1;31m"
#define C_BOLD "\033[1m"

struct out {
	FILE *f;
	int color;
};

static const char *col(const struct out *o, const char *c)
{
	return o->color ? c : "";
}

static const char *reset(const struct out *o)
{
	return o->color ? C_RESET : "";
}

static const char *esc_n(cairn_buf *b, const char *p, size_t n)
{
	cairn_buf_clear(b);
	cairn_escape_display(b, p, n);
	return b->data ? b->data : "";
}

static const char *esc(cairn_buf *b, const char *s)
{
	return esc_n(b, s ? s : "", s ? strlen(s) : 0);
}

static const char *short_hex(char out[13], const unsigned char *p)
{
	cairn_hex(out, p, 6);
	return out;
}

/* ------------------------------------------------------------ snapshot diff */

struct text_ctx {
	struct out *o;
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
static void add_patch_lines(const struct out *o, cairn_buf *out, const char *p,
			    size_t n)
{
	size_t start = 0;

	while (start < n) {
		const char *nl = memchr(p + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - p) : n;
		const char *cc = "";

		if (p[start] == '+' && (end - start < 3 || memcmp(p + start, "+++", 3)))
			cc = col(o, C_GREEN);
		else if (p[start] == '-' && (end - start < 3 || memcmp(p + start, "---", 3)))
			cc = col(o, C_RED);
		else if (p[start] == '@')
			cc = col(o, C_CYAN);
		cairn_buf_addstr(out, cc);
		escape_keep_tabs(out, p + start, end - start);
		cairn_buf_addf(out, "%s\n", *cc ? reset(o) : "");
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
		add_patch_lines(t->o, &t->patches, p.data, p.len);
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
	struct out *o = t->o;
	const cairn_entry *e = c->new ? c->new : c->old;

	if (c->kind != t->kind) {
		t->kind = c->kind;
		fprintf(o->f, "\n%s%s:%s\n", col(o, C_BOLD), kind_title[c->kind], reset(o));
	}
	cairn_buf_clear(&t->b2);
	if (c->kind == CAIRN_DIFF_ADDED || c->kind == CAIRN_DIFF_REMOVED)
		describe_entry(&t->b2, e);
	else
		describe_change(&t->b2, c);
	fprintf(o->f, "  %s%s %s%s  %s\n", col(o, kind_color[c->kind]), kind_mark[c->kind],
	       esc_n(&t->b1, e->path, e->path_len), reset(o),
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

/* "LABEL OLD -> NEW" of one field of a changed record. */
static void old_new(struct out *o, const cairn_diff_record_change *c, const char *label,
		    const char *field, cairn_buf *v1, cairn_buf *v2)
{
	fprintf(o->f, "%s %s -> %s", label, rec_value(v1, c->old, field),
		rec_value(v2, c->new, field));
}

static void print_records(struct out *o, const cairn_diff *d)
{
	const cairn_diff_record_change *rc;
	cairn_buf k = CAIRN_BUF_INIT, v1 = CAIRN_BUF_INIT, v2 = CAIRN_BUF_INIT;
	size_t i, n;

	rc = cairn_diff_records(d, &n);
	if (!n)
		return;
	fprintf(o->f, "\n%spackages, environment and configs:%s\n", col(o, C_BOLD), reset(o));
	for (i = 0; i < n; i++) {
		const cairn_diff_record_change *c = &rc[i];
		const char *name_field = !strcmp(c->type, "package") ? "name" : NULL;
		const json_t *any = c->new ? c->new : c->old;

		fprintf(o->f, "  %s%s%s %s %s", c->red_flag ? col(o, C_BOLDRED) : "",
		       c->red_flag ? "!!" : "  ", c->red_flag ? reset(o) : "",
		       c->type, esc(&k, c->key));
		if (name_field && json_is_string(json_object_get(any, "name")))
			fprintf(o->f, " (%s)", rec_value(&v1, any, "name"));
		fprintf(o->f, ": %s%s%s", c->red_flag ? col(o, C_BOLDRED) : "",
		       cairn_rec_change_name(c->change), c->red_flag ? reset(o) : "");
		switch (c->change) {
		case CAIRN_RC_VERSION_CHANGED:
			old_new(o, c, "", "version", &v1, &v2);
			break;
		case CAIRN_RC_SAME_VERSION_DIFFERENT_CONTENT:
			fprintf(o->f, " %s:", rec_value(&k, c->new, "version"));
			old_new(o, c, " integrity", "integrity", &v1, &v2);
			old_new(o, c, ", content", "content_sha256", &v1, &v2);
			break;
		case CAIRN_RC_RESOLVED_CHANGED:
			old_new(o, c, "", "resolved", &v1, &v2);
			break;
		case CAIRN_RC_SCRIPTS_CHANGED:
			old_new(o, c, "", "scripts", &v1, &v2);
			break;
		case CAIRN_RC_LOCK_DRIFT_APPEARED:
		case CAIRN_RC_FILES_MISMATCH_APPEARED:
			old_new(o, c, " flags", "flags", &v1, &v2);
			break;
		case CAIRN_RC_COMMAND_CHANGED:
			fprintf(o->f, " %s", rec_value(&k, c->old, "command"));
			fprintf(o->f, " %s ->", rec_value(&v1, c->old, "args"));
			fprintf(o->f, " %s", rec_value(&k, c->new, "command"));
			fprintf(o->f, " %s", rec_value(&v2, c->new, "args"));
			break;
		case CAIRN_RC_ADDED:
			if (c->new && json_object_get(c->new, "version"))
				fprintf(o->f, " %s", rec_value(&v1, c->new, "version"));
			break;
		case CAIRN_RC_CHANGED:
		case CAIRN_RC_VALUE_CHANGED: {
			json_t *f = json_pack("{s:O}", "f", c->fields);

			fprintf(o->f, " fields %s", rec_value(&v1, f, "f"));
			json_decref(f);
			break;
		}
		default:
			break;
		}
		fprintf(o->f, "\n");
	}
	cairn_buf_release(&k);
	cairn_buf_release(&v1);
	cairn_buf_release(&v2);
}

static void print_side(struct out *o, cairn_buf *b, const char *which,
		       const cairn_diff *d, int side)
{
	const json_t *h = cairn_diff_header(d, side);

	fprintf(o->f, "%s: %s", which, esc(b, cairn_diff_label(d, side)));
	if (json_is_true(json_object_get(h, "live"))) {
		fprintf(o->f, " (live tree)\n");
		return;
	}
	fprintf(o->f, " (host %s", esc(b, json_string_value(json_object_get(h, "hostname")) ?
				    json_string_value(json_object_get(h, "hostname")) :
				    json_string_value(json_object_get(h, "host"))));
	fprintf(o->f, ", root %s", esc(b, json_string_value(json_object_get(h, "root"))));
	fprintf(o->f, ", created %s)\n", esc(b, json_string_value(json_object_get(h, "created"))));
}

/* What the findings cover (docs/RULES.md §Coverage): the summary, then
 * each gap with the step that closes it. */
static void print_coverage(struct out *o, const json_t *cov)
{
	const json_t *gaps = json_object_get(cov, "gaps");
	const char *sum = json_string_value(json_object_get(cov, "summary"));
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	fprintf(o->f, "\n%scoverage:%s %s\n", col(o, C_BOLD), reset(o), esc(&b, sum ? sum : "unknown"));
	for (i = 0; i < json_array_size(gaps); i++) {
		const json_t *g = json_array_get(gaps, i);
		const char *words = json_string_value(json_object_get(g, "words"));
		const char *fix = json_string_value(json_object_get(g, "fix"));
		const char *detail = json_string_value(json_object_get(g, "detail"));
		const json_t *ex = json_object_get(g, "examples");
		json_int_t n = json_integer_value(json_object_get(g, "count"));
		size_t k;

		/* which packages and why, as the report's CAIRN-C01 evidence */
		fprintf(o->f, "  %lld not verified: %s", (long long)n, esc(&b, words ? words : "?"));
		for (k = 0; k < json_array_size(ex); k++) {
			const char *e = json_string_value(json_array_get(ex, k));

			fprintf(o->f, "%s%s", k ? ", " : " (", esc(&b, e ? e : "?"));
		}
		if (k)
			fprintf(o->f, "%s", n > (json_int_t)k ? ", ...)" : ")");
		if (detail)
			fprintf(o->f, ": %s", esc(&b, detail));
		fprintf(o->f, "; fix: %s\n", esc(&b, fix ? fix : "?"));
	}
	gaps = json_object_get(cov, "unread");
	for (i = 0; i < json_array_size(gaps); i++) {
		const json_t *u = json_array_get(gaps, i);
		const char *file = json_string_value(json_object_get(u, "file"));
		const char *msg = json_string_value(json_object_get(u, "message"));
		const char *fix = json_string_value(json_object_get(u, "fix"));

		fprintf(o->f, "  not read: %s", esc(&b, file ? file : "?"));
		fprintf(o->f, ": %s; fix: ", esc(&b, msg ? msg : "?"));
		fprintf(o->f, "%s\n", esc(&b, fix ? fix : "?"));
	}
	cairn_buf_release(&b);
}

static void print_findings(struct out *o, const cairn_findings *f, const json_t *cov)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	if (cov)
		print_coverage(o, cov);
	fprintf(o->f, "\n%sfindings (%zu):%s\n", col(o, C_BOLD), f->count, reset(o));
	for (i = 0; i < f->count; i++) {
		const cairn_finding *x = &f->items[i];

		fprintf(o->f, "  %s%-8s%s %s %s\n",
		       x->severity >= CAIRN_SEV_HIGH ? col(o, C_BOLDRED) : "",
		       cairn_severity_name(x->severity),
		       x->severity >= CAIRN_SEV_HIGH ? reset(o) : "", x->rule->id,
		       esc(&b, x->title));
	}
	cairn_buf_release(&b);
}

/* The package patches, grouped under their origin (one per package and
 * kind), left out for paths whose stored content was shown. */
static void print_package_patches(struct out *o, const json_t *items,
				  const json_t *patched)
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
			cairn_buf_addf(&out, "%s== ", col(o, C_BOLD));
			cairn_escape_display(&out, origin, strlen(origin));
			cairn_buf_addf(&out, "%s\n", reset(o));
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
			add_patch_lines(o, &out, raw.data, raw.len);
		}
	}
	if (out.len) {
		fprintf(o->f, "\n%spackage patches:%s\n", col(o, C_BOLD), reset(o));
		fwrite(out.data, 1, out.len, o->f);
	}
	cairn_buf_release(&out);
	cairn_buf_release(&raw);
}

int cairn_render_diff_json(FILE *out, const cairn_diff *d, json_t *doc,
			   const cairn_render_diff_opts *opts)
{
	json_t *own = NULL;
	int rc;

	if (!doc && !opts->store_label && !opts->findings && !opts->patches)
		return cairn_diff_write_json(d, out);
	if (!doc && !(doc = own = cairn_diff_to_json(d)))
		return -1;
	if (opts->store_label) {
		json_object_set_new(doc, "mode", json_string("store"));
		json_object_set_new(doc, "store", json_pack("{s:s,s:s,s:s}",
			"repository", opts->store_label, "old_commit", opts->old_commit,
			"new_commit", opts->new_commit));
	}
	if (opts->findings) {
		json_object_set(doc, "coverage", (json_t *)opts->coverage);
		json_object_set_new(doc, "findings", cairn_findings_to_json(opts->findings));
	}
	if (opts->patches)
		json_object_set(doc, "patches", (json_t *)opts->patches);
	rc = json_dumpf(doc, out, JSON_INDENT(1));
	if (fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
		rc = -1;
	json_decref(own);
	if (rc < 0)
		return cairn_error_set(CAIRN_EIO, "cannot write the JSON output");
	return 0;
}

int cairn_render_diff_text(FILE *f, const cairn_diff *d,
			   const cairn_render_diff_opts *opts)
{
	const cairn_diff_counts *n = cairn_diff_get_counts(d);
	struct out o = { f, opts->color };
	struct text_ctx t;
	cairn_buf b = CAIRN_BUF_INIT;
	int k, rc = 0;

	memset(&t, 0, sizeof(t));
	t.o = &o;
	t.kind = -1;
	t.store = opts->store;
	t.old_commit = opts->old_commit;
	t.new_commit = opts->new_commit;
	t.patched = json_object();
	print_side(&o, &b, "old", d, 0);
	print_side(&o, &b, "new", d, 1);
	if (opts->store)
		fprintf(f, "store: %s, commits %s -> %s\n", esc(&b, opts->store_label),
			opts->old_commit, opts->new_commit);
	cairn_buf_release(&b);
	fprintf(f, "%s", cairn_diff_has_changes(d) ? "" : "no differences; ");
	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		fprintf(f, "%s%llu %s", k ? ", " : "",
			(unsigned long long)n->kind[k], cairn_diff_kind_name(k));
	fprintf(f, "; %llu package/env/config changes", (unsigned long long)n->records);
	if (n->ignored)
		fprintf(f, "; %llu ignored", (unsigned long long)n->ignored);
	fprintf(f, " (%llu -> %llu entries)\n", (unsigned long long)n->old_entries,
		(unsigned long long)n->new_entries);
	if (cairn_diff_foreach(d, print_change, &t) < 0)
		rc = -1;
	print_records(&o, d);
	if (t.patches.len) {
		fprintf(f, "\n%spatches:%s\n", col(&o, C_BOLD), reset(&o));
		fwrite(t.patches.data, 1, t.patches.len, f);
	}
	print_package_patches(&o, opts->package_patches, t.patched);
	if (opts->findings)
		print_findings(&o, opts->findings, opts->coverage);
	cairn_buf_release(&t.b1);
	cairn_buf_release(&t.b2);
	cairn_buf_release(&t.patches);
	json_decref(t.patched);
	return rc;
}

/* ------------------------------------------------------------ git */

static const char *git_mode_str(char buf[16], unsigned mode)
{
	if (!mode)
		return "-";
	snprintf(buf, 16, "%06o", mode & 0777777);
	return buf;
}

void cairn_render_gitdiff_text(FILE *f, const cairn_gitdiff *g, int color)
{
	static const char *const mark[CAIRN_GD__KINDS] = { "+", "-", "~", "m", "T", "!" };
	static const char *const colr[CAIRN_GD__KINDS] = {
		C_GREEN, C_RED, C_YELLOW, C_CYAN, C_YELLOW, C_BOLDRED
	};
	struct out o = { f, color };
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;
	int k, any = 0, kind = -1;

	for (k = 0; k < CAIRN_GD__KINDS; k++)
		any |= g->counts[k] != 0;
	fprintf(f, "git: %s", esc(&b, g->repo));
	fprintf(f, " at %s", esc(&b, g->rev));
	fprintf(f, " (commit %s)", g->commit);
	if (*g->subdir)
		fprintf(f, ", folder %s", esc(&b, g->subdir));
	fprintf(f, "\ndisk: %s\n", esc(&b, g->root));
	fprintf(f, "%s", any ? "" : "no differences; ");
	for (k = 0; k < CAIRN_GD__KINDS; k++)
		fprintf(f, "%s%llu %s", k ? ", " : "", (unsigned long long)g->counts[k],
			cairn_gitdiff_kind_name(k));
	if (g->ignored)
		fprintf(f, "; %llu ignored", (unsigned long long)g->ignored);
	fprintf(f, " (%llu files in the tree, %llu on disk)\n",
		(unsigned long long)g->tree_files, (unsigned long long)g->disk_files);
	for (i = 0; i < g->n; i++) {
		const cairn_gitdiff_change *c = &g->v[i];
		char m1[16], m2[16];

		if (c->kind != kind) {
			kind = c->kind;
			fprintf(f, "\n%s%s:%s\n", col(&o, C_BOLD), cairn_gitdiff_kind_name(kind),
				reset(&o));
		}
		fprintf(f, "  %s%s %s%s", col(&o, colr[c->kind]), mark[c->kind],
			esc_n(&b, c->path, c->path_len), reset(&o));
		switch (c->kind) {
		case CAIRN_GD_ADDED:
			fprintf(f, "  %s %.12s", git_mode_str(m2, c->new_mode), c->new_oid);
			break;
		case CAIRN_GD_REMOVED:
			fprintf(f, "  %s %.12s", git_mode_str(m1, c->old_mode), c->old_oid);
			break;
		default:
			fprintf(f, "  %s %.12s -> %s %.12s", git_mode_str(m1, c->old_mode),
				c->old_oid, git_mode_str(m2, c->new_mode),
				c->new_oid[0] ? c->new_oid : "-");
		}
		if (c->detail)
			fprintf(f, " (%s)", esc(&b, c->detail));
		fprintf(f, "\n");
	}
	cairn_buf_release(&b);
}

void cairn_render_history_text(FILE *f, const cairn_history *h, int color)
{
	struct out o = { f, color };
	cairn_buf b = CAIRN_BUF_INIT, b2 = CAIRN_BUF_INIT;
	size_t i, j;

	fprintf(f, "history of %s", esc(&b, h->file));
	fprintf(f, " in %s", esc(&b, h->repo));
	fprintf(f, " from %s: %zu commits changed it\n", esc(&b, h->rev), h->n);
	for (i = 0; i < h->n; i++) {
		const cairn_history_commit *c = &h->v[i];
		char when[48];

		cairn_rfc3339_format(when, sizeof(when), c->time, -1);
		fprintf(f, "\n%scommit %s%s  %s\n", col(&o, C_YELLOW), c->oid, reset(&o), when);
		fprintf(f, "  author: %s", esc(&b, c->author_name));
		fprintf(f, " <%s>\n", esc(&b, c->author_email));
		fprintf(f, "  %s\n", esc(&b, c->summary));
		fprintf(f, "  file %s", c->status);
		if (c->error)
			fprintf(f, " (cannot parse: %s)", esc(&b, c->error));
		fprintf(f, ", %zu package changes\n", c->n);
		for (j = 0; j < c->n; j++) {
			const cairn_history_change *x = &c->v[j];

			fprintf(f, "    %s%s%s %s: %s", x->red_flag ? col(&o, C_BOLDRED) : "",
				x->red_flag ? "!!" : "  ", x->red_flag ? reset(&o) : "",
				esc(&b, x->key), x->change);
			if (!strncmp(x->change, "install-script", 14)) {
				/* the versions it came (or went) with */
				fprintf(f, " (hasInstallScript) at %s\n",
					esc(&b, x->new_value ? x->new_value : "(none)"));
				continue;
			}
			if (x->old_value || x->new_value) {
				fprintf(f, " %s", esc(&b, x->old_value ? x->old_value : "(none)"));
				fprintf(f, " -> %s", esc(&b2, x->new_value ? x->new_value : "(none)"));
			}
			fprintf(f, "\n");
		}
	}
	cairn_buf_release(&b);
	cairn_buf_release(&b2);
}
