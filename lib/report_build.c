/*
 * report_build.c - gather snapshots, diff, capture and findings into the
 * report document (docs/report-schema.json) that the renderers print.
 *
 * Everything here is deterministic: the document depends only on the
 * inputs (plus the optional generation time), arrays are built in input
 * order or sorted with total orders.
 */
#include "changetime.h"
#include "diff.h"
#include "jsonutil.h"
#include "report.h"
#include "coverage.h"
#include "rfc3339.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Caps on what the human-readable report lists (the JSON diff has all). */
#define MAX_FILES 200
#define MAX_EVENTS 36
#define MAX_ENV 200

int cairn_report_hash_file(char hex[65], const char *path)
{
	unsigned char buf[65536], md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int fd, rc = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path, strerror(errno));
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		rc = cairn_error_set(CAIRN_EEXTERNAL, "'%s': OpenSSL SHA-256 unavailable", path);
		goto done;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = cairn_error_set(CAIRN_EIO, "cannot read '%s': %s", path, strerror(errno));
			goto done;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	if (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != 32) {
		rc = cairn_error_set(CAIRN_EEXTERNAL, "'%s': SHA-256 failed", path);
		goto done;
	}
	cairn_hex(hex, md, 32);
done:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

void cairn_report_snap_release(cairn_report_snap *s)
{
	if (!s)
		return;
	json_decref(s->header);
	json_decref(s->trailer);
	json_decref(s->records);
	free(s->signature);
	memset(s, 0, sizeof(*s));
}

static int snap_read(cairn_report_snap *out, cairn_snap_reader *r,
		     const cairn_key *pubkey)
{
	cairn_record rec;
	const json_t *sig;
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	out->records = json_array();
	out->header = json_incref((json_t *)cairn_snap_reader_header(r));
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0) {
		if (rec.kind == CAIRN_REC_ENTRY)
			out->entries++;
		else
			json_array_append(out->records, rec.json);
	}
	if (rc < 0) {
		cairn_snap_reader_free(r);
		cairn_report_snap_release(out);
		return rc;
	}
	out->trailer = json_incref((json_t *)cairn_snap_reader_trailer(r));
	cairn_snap_reader_free(r);
	sig = json_object_get(out->trailer, "signature");
	if (pubkey) {
		char id[65];

		cairn_key_id(pubkey, id);
		cairn_buf_addf(&b, "valid, Ed25519 key %.16s", id);
	} else if (json_is_object(sig)) {
		const char *kid = json_string_value(json_object_get(sig, "key_id"));

		cairn_buf_addstr(&b, "signed by key ");
		cairn_escape_display(&b, kid ? kid : "?", kid ? strlen(kid) > 16 ? 16 : strlen(kid) : 1);
		cairn_buf_addstr(&b, ", not verified (no --pubkey)");
	} else {
		cairn_buf_addstr(&b, "unsigned (checksum verified)");
	}
	out->signature = cairn_buf_detach(&b, NULL);
	return 0;
}

int cairn_report_snap_load(cairn_report_snap *out, const char *path,
			   const cairn_key *pubkey)
{
	cairn_snap_reader *r = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cairn_report_hash_file(out->sha256, path)) < 0)
		return rc;
	if ((rc = cairn_snap_reader_open(&r, path, pubkey)) < 0)
		return rc;
	return snap_read(out, r, pubkey);
}

int cairn_report_snap_load_mem(cairn_report_snap *out, const void *data, size_t len,
			       const char *name, const cairn_key *pubkey)
{
	cairn_snap_reader *r = NULL;
	unsigned char md[32];
	unsigned int mdlen = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return cairn_error_set(CAIRN_EEXTERNAL, "'%s': SHA-256 failed", name);
	cairn_hex(out->sha256, md, 32);
	if ((rc = cairn_snap_reader_open_mem(&r, data, len, name, pubkey)) < 0)
		return rc;
	return snap_read(out, r, pubkey);
}

/* ---------------------------------------------------------------- helpers */

static const char *jstr(const json_t *o, const char *k)
{
	return cairn_json_str(o, k);
}

static const json_t *jarr(const json_t *o, const char *k)
{
	return cairn_json_arr(o, k);
}

static json_int_t jint(const json_t *o, const char *k, json_int_t def)
{
	return cairn_json_int(o, k, def);
}

static int type_is(const json_t *rec, const char *type)
{
	const char *t = jstr(rec, "type");

	return t && !strcmp(t, type);
}

/* json_string() refuses invalid UTF-8; record strings are valid (jansson
 * parsed them) but be safe: fall back to the reversible escaping. */
static json_t *jsafe(const char *s)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j;

	if (!s)
		return json_null();
	if (cairn_utf8_valid(s, strlen(s)))
		return json_string(s);
	cairn_escape_bytes(&b, s, strlen(s));
	j = json_string(b.data ? b.data : "");
	cairn_buf_release(&b);
	return j;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, jsafe(v));
}

/* ---------------------------------------------------------------- timeline */

struct range {
	int64_t lo, hi;
	int any;
};

static void range_add(struct range *r, int64_t t)
{
	if (!r->any || t < r->lo)
		r->lo = t;
	if (!r->any || t > r->hi)
		r->hi = t;
	r->any = 1;
}

/* The event added (borrowed), or NULL when time does not parse. */
static json_t *add_event(json_t *events, struct range *r, const char *time, const char *kind,
			 const char *label)
{
	int64_t ns;
	json_t *e;

	if (!time || cairn_rfc3339_parse_ns(&ns, time) < 0)
		return NULL;
	range_add(r, ns);
	e = json_object();
	json_object_set_new(e, "t_ns", json_integer(ns));
	set_str(e, "time", time);
	json_object_set_new(e, "kind", json_string(kind));
	set_str(e, "label", label);
	json_array_append_new(events, e);
	return e;
}

static int event_cmp(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
	json_int_t tx = jint(x, "t_ns", 0), ty = jint(y, "t_ns", 0);
	const char *lx = jstr(x, "label"), *ly = jstr(y, "label");

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(lx ? lx : "", ly ? ly : "");
}

static void sort_array(json_t *arr, int (*cmp)(const void *, const void *))
{
	size_t i, n = json_array_size(arr);
	json_t **v = cairn_calloc(n ? n : 1, sizeof(*v));

	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	qsort(v, n, sizeof(*v), cmp);
	json_array_clear(arr);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
}

/* Is integrity that of a package installed in this snapshot?  (A shared
 * npm cache holds other projects' tarballs too.) */
static int installed_integrity(const json_t *recs, const char *integrity)
{
	size_t i;

	for (i = 0; integrity && i < json_array_size(recs); i++) {
		const json_t *r = json_array_get(recs, i);
		const char *x = jstr(r, "integrity");

		if (type_is(r, "package") && x && !strcmp(x, integrity))
			return 1;
	}
	return 0;
}

/* Agent activity the capture's agent logs recorded: manifest changes,
 * secrets and unlisted destinations in calls, the first call of a tool
 * that was new or not expected.  At most MAX_AGENT_EVENTS, most telling
 * first (a session has many calls; the table of tool calls lists them). */
#define MAX_AGENT_EVENTS 12
static void agent_events(json_t *events, struct range *r, const json_t *ag,
			 const cairn_report_opts *o)
{
	const json_t *x;
	cairn_buf label = CAIRN_BUF_INIT;
	size_t i, j, n = 0;

	for (i = 0; n < MAX_AGENT_EVENTS && i < json_array_size(jarr(ag, "manifest_changes")); i++) {
		x = json_array_get(jarr(ag, "manifest_changes"), i);
		cairn_buf_clear(&label);
		cairn_buf_addf(&label, "%s/%s changed its %s", jstr(x, "server") ? jstr(x, "server") : "?",
			       jstr(x, "name") ? jstr(x, "name") : "?",
			       jstr(x, "description_diff") ? "description" : "listing");
		add_event(events, r, jstr(x, "time"), "tool", label.data);
		n++;
	}
	for (i = 0; n < MAX_AGENT_EVENTS && i < json_array_size(jarr(ag, "secrets")); i++) {
		const json_t *rs;
		const char *snap = NULL;

		x = json_array_get(jarr(ag, "secrets"), i);
		rs = jarr(x, "rules");
		for (j = 0; j < json_array_size(rs); j++) {
			const char *s = json_string_value(json_array_get(rs, j));

			if (s && !strncmp(s, "snapshot:", 9) && !snap)
				snap = s + 9;
		}
		/* look-alikes in results are in the findings; the timeline
		 * carries what the agent sent and what the snapshot proves */
		if (!snap && strcmp(jstr(x, "direction") ? jstr(x, "direction") : "", "arguments"))
			continue;
		cairn_buf_clear(&label);
		cairn_buf_addf(&label, "%s%s in the %s of %s/%s", snap ? "the value of " : "a secret",
			       snap ? snap : "", jstr(x, "direction") ? jstr(x, "direction") : "?",
			       jstr(x, "server") ? jstr(x, "server") : "?", jstr(x, "tool") ? jstr(x, "tool") : "?");
		add_event(events, r, jstr(x, "first_seen"), "tool", label.data);
		n++;
	}
	for (i = 0; n < MAX_AGENT_EVENTS && i < json_array_size(jarr(ag, "hosts")); i++) {
		int ok;

		x = json_array_get(jarr(ag, "hosts"), i);
		if (strcmp(jstr(x, "direction") ? jstr(x, "direction") : "", "arguments") || !jstr(x, "host"))
			continue;
		ok = o->rules_in && o->rules_in->allow ? o->rules_in->allow(o->rules_in->allow_ctx, jstr(x, "host")) :
		     json_is_true(json_object_get(x, "allowed")) || !json_is_boolean(json_object_get(x, "allowed"));
		if (ok)
			continue;
		cairn_buf_clear(&label);
		cairn_buf_addf(&label, "%s/%s was given %s (not on the allowlist)",
			       jstr(x, "server") ? jstr(x, "server") : "?", jstr(x, "tool") ? jstr(x, "tool") : "?",
			       jstr(x, "host"));
		add_event(events, r, jstr(x, "first_seen"), "tool", label.data);
		n++;
	}
	for (i = 0; i < json_array_size(jarr(ag, "servers")); i++) {
		const json_t *s = json_array_get(jarr(ag, "servers"), i), *tools = jarr(s, "tools");

		for (j = 0; n < MAX_AGENT_EVENTS && j < json_array_size(tools); j++) {
			x = json_array_get(tools, j);
			if (!json_is_false(json_object_get(x, "expected")) && !json_is_true(json_object_get(x, "new")))
				continue;
			cairn_buf_clear(&label);
			cairn_buf_addf(&label, "first call of %s/%s%s", jstr(s, "server") ? jstr(s, "server") : "?",
				       jstr(x, "name") ? jstr(x, "name") : "?",
				       json_is_false(json_object_get(x, "expected")) ? " (not expected)" : "");
			add_event(events, r, jstr(x, "first_call"), "tool", label.data);
			n++;
		}
	}
	cairn_buf_release(&label);
}

static json_t *build_timeline(const cairn_report_opts *o)
{
	json_t *tl = json_object(), *events = json_array(), *windows = json_array();
	struct range r = { 0, 0, 0 };
	const json_t *recs = o->snap->records;
	size_t i, n_cmd = 0, n_fetch = 0, n_files = 0;
	cairn_buf label = CAIRN_BUF_INIT;

	if (o->baseline)
		add_event(events, &r, jstr(o->baseline->header, "created"), "snapshot",
			  "baseline snapshot");
	add_event(events, &r, jstr(o->snap->header, "created"), "snapshot", "snapshot");
	/* Install activity the snapshot recorded from the npm cache. */
	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rec = json_array_get(recs, i);

		cairn_buf_clear(&label);
		if (type_is(rec, "npm_command") && n_cmd < 6) {
			const json_t *argv = jarr(rec, "argv");
			size_t j;

			cairn_buf_addstr(&label, "ran:");
			for (j = 0; j < json_array_size(argv) && j < 6; j++) {
				const char *a = json_string_value(json_array_get(argv, j));

				cairn_buf_addch(&label, ' ');
				cairn_buf_addstr(&label, a ? a : "?");
			}
			if (!json_array_size(argv))
				cairn_buf_addstr(&label, " npm");
			n_cmd++;
			add_event(events, &r, jstr(rec, "started"), "install", label.data);
		} else if (type_is(rec, "npm_fetch") && n_fetch < 8 &&
			   jstr(rec, "kind") && !strcmp(jstr(rec, "kind"), "tarball") &&
			   installed_integrity(recs, jstr(rec, "integrity"))) {
			const char *url = jstr(rec, "url");
			const char *base = url ? strrchr(url, '/') : NULL;

			cairn_buf_addf(&label, "fetched %s", base ? base + 1 : url ? url : "?");
			n_fetch++;
			add_event(events, &r, jstr(rec, "time"), "install", label.data);
		} else if (type_is(rec, "npm_script")) {
			cairn_buf_addf(&label, "%s %s ran", jstr(rec, "package") ? jstr(rec, "package") : "?",
				       jstr(rec, "event") ? jstr(rec, "event") : "script");
			add_event(events, &r, jstr(rec, "started"), "install", label.data);
		}
	}
	/* Content changes, placed by the ctime the snapshot recorded (bounded
	 * by the two snapshots' creation), the mtime beside it: an mtime can
	 * be set by anyone, a ctime only by the kernel (lib/changetime.h). */
	if (o->diff) {
		cairn_change_time *ct = NULL;
		size_t n = 0;

		cairn_change_times(&ct, &n, o->diff, NULL, NULL);
		for (i = 0; i < n && n_files < 8; i++) {
			char t[CAIRN_RFC3339_MAX], mt[CAIRN_RFC3339_MAX];
			const char *forged = cairn_forged_name(ct[i].forged);
			json_t *e;

			cairn_rfc3339_format(t, sizeof(t), ct[i].at_ns / 1000000000,
					     (long)(ct[i].at_ns % 1000000000));
			cairn_rfc3339_format(mt, sizeof(mt), ct[i].mtime_ns / 1000000000,
					     (long)(ct[i].mtime_ns % 1000000000));
			cairn_buf_clear(&label);
			cairn_buf_addf(&label, "%s %s (mtime %s%s%s)", ct[i].added ? "added" : "modified",
				       ct[i].path, mt, forged ? ", forged: " : "", forged ? forged : "");
			e = add_event(events, &r, t, "change", label.data);
			if (e) {
				set_str(e, "placed_by", ct[i].by_mtime ? "mtime" : "ctime");
				set_str(e, "mtime", mt);
				if (forged)
					set_str(e, "forged", forged);
			}
			n_files++;
		}
		free(ct);
	}
	if (o->capture && json_is_object(json_object_get(o->capture, "agent")))
		agent_events(events, &r, json_object_get(o->capture, "agent"), o);
	sort_array(events, event_cmp);
	while (json_array_size(events) > MAX_EVENTS)
		json_array_remove(events, json_array_size(events) - 1);

	/* Capture windows: rows are sorted by window, then host. */
	if (o->capture) {
		const json_t *rows = jarr(o->capture, "windows");
		json_int_t wsec = jint(o->capture, "window_seconds", 300);
		json_t *cur = NULL;
		const char *cur_start = NULL;

		if (wsec <= 0 || wsec > 366LL * 86400)
			wsec = 300;
		for (i = 0; i < json_array_size(rows); i++) {
			const json_t *h = json_array_get(rows, i);
			const char *ws = jstr(h, "window_start");
			int64_t ns;
			int allowed;

			if (!ws || cairn_rfc3339_parse_ns(&ns, ws) < 0)
				continue;
			if (!cur || strcmp(cur_start, ws)) {
				cur = json_object();
				json_object_set_new(cur, "start_ns", json_integer(ns));
				json_object_set_new(cur, "end_ns", json_integer(ns + wsec * 1000000000));
				set_str(cur, "start", ws);
				json_object_set_new(cur, "known", json_integer(0));
				json_object_set_new(cur, "unknown", json_integer(0));
				json_object_set_new(cur, "unknown_hosts", json_array());
				json_array_append_new(windows, cur);
				cur_start = ws;
				range_add(&r, ns);
				range_add(&r, ns + wsec * 1000000000);
			}
			allowed = o->rules_in ? cairn_rules_host_allowed(o->rules_in, h) :
				  json_is_true(json_object_get(h, "allowed")) ? 1 : 0;
			if (allowed == 0) {
				json_object_set_new(cur, "unknown", json_integer(jint(cur, "unknown", 0) +
							     jint(h, "connections", 1)));
				json_array_append_new(json_object_get(cur, "unknown_hosts"),
						      jsafe(jstr(h, "host")));
			} else {
				json_object_set_new(cur, "known", json_integer(jint(cur, "known", 0) +
							   jint(h, "connections", 1)));
			}
		}
	}
	json_object_set_new(tl, "start_ns", json_integer(r.any ? r.lo : 0));
	json_object_set_new(tl, "end_ns", json_integer(r.any ? r.hi : 0));
	json_object_set_new(tl, "events", events);
	json_object_set_new(tl, "windows", windows);
	cairn_buf_release(&label);
	return tl;
}

/* ---------------------------------------------------------------- tables */

static json_t *build_packages(const cairn_report_opts *o)
{
	json_t *rows = json_array();
	const json_t *recs = o->diff ? jarr(o->diff, "records") : NULL;
	size_t i;

	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rc = json_array_get(recs, i);
		const json_t *old = json_object_get(rc, "old"), *nw = json_object_get(rc, "new");
		const json_t *any = json_is_object(nw) ? nw : old;
		const char *change = jstr(rc, "change");
		json_t *row;
		cairn_buf note = CAIRN_BUF_INIT;

		if (!type_is(rc, "package"))
			continue;
		row = json_object();
		set_str(row, "name", jstr(any, "name") ? jstr(any, "name") : jstr(any, "path"));
		set_str(row, "ecosystem", jstr(any, "ecosystem"));
		set_str(row, "change", change);
		set_str(row, "old", jstr(old, "version"));
		set_str(row, "new", jstr(nw, "version"));
		if (change && !strcmp(change, "scripts-changed")) {
			const char *k;
			json_t *v;

			json_object_foreach(json_object_get(nw, "scripts"), k, v)
				cairn_buf_addf(&note, "%s%s: %s", note.len ? "; " : "", k,
					       json_is_string(v) ? json_string_value(v) : "?");
		} else if (change && !strcmp(change, "same-version-different-content")) {
			cairn_buf_addstr(&note, "content digest changed");
		}
		if (note.len)
			set_str(row, "note", note.data);
		json_object_set_new(row, "flag", json_boolean(json_is_true(json_object_get(rc, "red_flag"))));
		json_array_append_new(rows, row);
		cairn_buf_release(&note);
	}
	return rows;
}

/* Lockfiles change with every install; their patches come after code. */
static int lockfile_name(const char *path)
{
	static const char *const names[] = {
		"package-lock.json", ".package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
		"pnpm-lock.yaml", "poetry.lock", "Pipfile.lock", "uv.lock", NULL
	};
	const char *base = path ? strrchr(path, '/') : NULL;
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; base && names[i]; i++)
		if (!strcmp(base, names[i]))
			return 1;
	return 0;
}

/* The patch excerpts, code first, then lockfiles, each in diff order. */
static json_t *build_patches(const cairn_report_opts *o)
{
	json_t *out = json_array();
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < json_array_size(o->patches); i++) {
			const json_t *p = json_array_get(o->patches, i);
			json_t *row;

			if (!jstr(p, "path") || !jstr(p, "patch") || lockfile_name(jstr(p, "path")) != pass)
				continue;
			row = json_object();
			set_str(row, "path", jstr(p, "path"));
			set_str(row, "patch", jstr(p, "patch"));
			/* package patches (pkgpatch.h) say where both sides come from */
			if (jstr(p, "kind")) {
				set_str(row, "kind", jstr(p, "kind"));
				if (jstr(p, "package"))
					set_str(row, "package", jstr(p, "package"));
				if (jstr(p, "version"))
					set_str(row, "version", jstr(p, "version"));
				if (jstr(p, "origin"))
					set_str(row, "origin", jstr(p, "origin"));
				if (json_is_true(json_object_get(p, "escaped")))
					json_object_set_new(row, "escaped", json_true());
			}
			json_array_append_new(out, row);
		}
	}
	return out;
}

static json_t *build_files(const cairn_report_opts *o, json_int_t *omitted)
{
	json_t *rows = json_array();
	const json_t *changes = o->diff ? jarr(o->diff, "changes") : NULL;
	size_t i;

	*omitted = 0;
	for (i = 0; i < json_array_size(changes); i++) {
		const json_t *ch = json_array_get(changes, i);
		const json_t *what = jarr(ch, "what");
		json_t *row;
		cairn_buf d = CAIRN_BUF_INIT;
		size_t j;

		if (json_array_size(rows) >= MAX_FILES) {
			(*omitted)++;
			continue;
		}
		row = json_object();
		set_str(row, "path", jstr(ch, "path"));
		set_str(row, "change", jstr(ch, "change"));
		for (j = 0; j < json_array_size(what); j++) {
			const char *w = json_string_value(json_array_get(what, j));

			cairn_buf_addf(&d, "%s%s", j ? ", " : "", w ? w : "?");
		}
		if (d.len)
			set_str(row, "detail", d.data);
		json_array_append_new(rows, row);
		cairn_buf_release(&d);
	}
	return rows;
}

static json_t *build_env(const cairn_report_opts *o)
{
	json_t *rows = json_array();
	const json_t *recs = o->snap->records;
	size_t i, j, others = 0;

	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rec = json_array_get(recs, i);

		if (type_is(rec, "env")) {
			json_t *row;
			int secret = json_is_true(json_object_get(rec, "secret")) ||
				     (!json_object_get(rec, "secret") &&
				      cairn_rules_secret_name(jstr(rec, "name")));

			if (!secret || json_array_size(rows) >= MAX_ENV) {
				others++;
				continue;
			}
			row = json_object();
			set_str(row, "where", jstr(rec, "source"));
			set_str(row, "name", jstr(rec, "name"));
			json_object_set_new(row, "secret", json_true());
			set_str(row, "detail", jstr(rec, "rule"));
			json_array_append_new(rows, row);
		} else if (type_is(rec, "mcp_server")) {
			const json_t *env = jarr(rec, "env");
			cairn_buf where = CAIRN_BUF_INIT;

			cairn_buf_addf(&where, "MCP server %s (%s)",
				       jstr(rec, "server") ? jstr(rec, "server") : "?",
				       jstr(rec, "config") ? jstr(rec, "config") : "?");
			for (j = 0; j < json_array_size(env); j++) {
				const json_t *v = json_array_get(env, j);
				const char *name = jstr(v, "name");
				int secret = json_is_true(json_object_get(v, "secret")) ||
					     (!json_object_get(v, "secret") && cairn_rules_secret_name(name));
				json_t *row = json_object();

				set_str(row, "where", where.data);
				set_str(row, "name", name);
				json_object_set_new(row, "secret", json_boolean(secret));
				set_str(row, "detail", secret ? jstr(v, "rule") : "not secret-looking");
				json_array_append_new(rows, row);
			}
			cairn_buf_release(&where);
		}
	}
	if (others) {
		json_t *row = json_object();
		char msg[96];

		snprintf(msg, sizeof(msg), "%zu more process variables, not secret-looking "
			 "(values are never stored)", others);
		set_str(row, "where", "process environment");
		set_str(row, "name", "…");
		json_object_set_new(row, "secret", json_false());
		set_str(row, "detail", msg);
		json_array_append_new(rows, row);
	}
	return rows;
}

static json_t *build_mcp(const cairn_report_opts *o)
{
	json_t *rows = json_array();
	const json_t *recs = o->snap->records;
	size_t i, j;

	for (i = 0; i < json_array_size(recs); i++) {
		const json_t *rec = json_array_get(recs, i);
		const json_t *args = jarr(rec, "args"), *env = jarr(rec, "env");
		json_t *row, *names;
		cairn_buf cmd = CAIRN_BUF_INIT;
		json_int_t secrets = 0;
		int pinned;

		if (!type_is(rec, "mcp_server"))
			continue;
		row = json_object();
		set_str(row, "name", jstr(rec, "server"));
		set_str(row, "config", jstr(rec, "config"));
		cairn_buf_addstr(&cmd, jstr(rec, "command") ? jstr(rec, "command") :
				 jstr(rec, "url") ? jstr(rec, "url") : "");
		for (j = 0; j < json_array_size(args); j++) {
			const char *a = json_string_value(json_array_get(args, j));

			cairn_buf_addch(&cmd, ' ');
			cairn_buf_addstr(&cmd, a ? a : "?");
		}
		set_str(row, "command", cmd.data ? cmd.data : "");
		pinned = json_is_true(json_object_get(rec, "pinned"));
		if (jstr(rec, "pin"))
			json_object_set_new(row, "pinned", json_boolean(pinned));
		names = json_array();
		for (j = 0; j < json_array_size(env); j++) {
			const json_t *v = json_array_get(env, j);

			json_array_append_new(names, jsafe(jstr(v, "name") ? jstr(v, "name") : "?"));
			if (json_is_true(json_object_get(v, "secret")))
				secrets++;
		}
		json_object_set_new(row, "env", names);
		json_object_set_new(row, "secrets", json_integer(secrets));
		json_object_set_new(row, "flag", json_boolean(secrets || (jstr(rec, "pin") && !pinned)));
		json_array_append_new(rows, row);
		cairn_buf_release(&cmd);
	}
	return rows;
}

static json_t *build_egress(const cairn_report_opts *o)
{
	json_t *rows = json_array();
	const json_t *totals = o->capture ? jarr(o->capture, "totals") : NULL;
	size_t i;

	for (i = 0; i < json_array_size(totals); i++) {
		static const char *const status[] = {
			[CAIRN_ALLOW_UNJUDGED] = "no allowlist",
			[CAIRN_ALLOW_YES] = "allowed",
			[CAIRN_ALLOW_UNCONFIRMED] = "allowed (unconfirmed)",
			[CAIRN_ALLOW_NO] = "NOT ALLOWED",
			[CAIRN_ALLOW_CONTRADICTED] = "NOT ALLOWED (contradicted)",
		};
		static const cairn_rules_input marks_only; /* no allowlist: the capture's marks */
		const json_t *h = json_array_get(totals, i);
		int verdict = cairn_rules_host_verdict(o->rules_in ? o->rules_in : &marks_only, h);
		int allowed = verdict == CAIRN_ALLOW_UNJUDGED ? -1 :
			      verdict == CAIRN_ALLOW_YES || verdict == CAIRN_ALLOW_UNCONFIRMED;
		json_t *row = json_object();

		set_str(row, "host", jstr(h, "host"));
		json_object_set_new(row, "status", json_string(status[verdict]));
		json_object_set(row, "addresses", json_object_get(h, "addresses") ?
				json_object_get(h, "addresses") : json_array());
		json_object_set(row, "ports", json_object_get(h, "ports") ?
				json_object_get(h, "ports") : json_array());
		json_object_set_new(row, "connections", json_integer(jint(h, "connections", 0)));
		json_object_set_new(row, "bytes_out", json_integer(jint(h, "bytes_out", 0)));
		json_object_set_new(row, "bytes_in", json_integer(jint(h, "bytes_in", 0)));
		set_str(row, "first", jstr(h, "first_seen"));
		json_object_set_new(row, "flag", json_boolean(allowed == 0));
		json_array_append_new(rows, row);
	}
	/* a local-only capture: its flows, shown as not judged */
	totals = o->capture && json_is_true(json_object_get(o->capture, "local_only")) ?
		 jarr(o->capture, "local_flows") : NULL;
	for (i = 0; i < json_array_size(totals); i++) {
		const json_t *h = json_array_get(totals, i);
		json_t *row = json_object();

		set_str(row, "host", jstr(h, "host"));
		json_object_set_new(row, "status", json_string("not judged (local-only capture)"));
		json_object_set_new(row, "addresses", json_object_get(h, "addresses") ?
				    json_incref(json_object_get(h, "addresses")) : json_array());
		json_object_set_new(row, "ports", json_object_get(h, "ports") ?
				    json_incref(json_object_get(h, "ports")) : json_array());
		json_object_set_new(row, "connections", json_integer(jint(h, "connections", 0)));
		json_object_set_new(row, "bytes_out", json_integer(jint(h, "bytes_out", 0)));
		json_object_set_new(row, "bytes_in", json_integer(jint(h, "bytes_in", 0)));
		set_str(row, "first", jstr(h, "first_seen"));
		json_object_set_new(row, "flag", json_false());
		json_array_append_new(rows, row);
	}
	/* the resolvers asked: infrastructure, unless unusual (CAIRN-E05) */
	totals = o->capture ? jarr(o->capture, "resolvers") : NULL;
	for (i = 0; i < json_array_size(totals); i++) {
		const json_t *h = json_array_get(totals, i);
		const char *addr = jstr(h, "address");
		int unusual = json_is_true(json_object_get(h, "unusual")), ok;
		json_t *row;

		if (!addr)
			continue;
		ok = !unusual || (o->rules_in && o->rules_in->allow ?
				  o->rules_in->allow(o->rules_in->allow_ctx, addr) :
				  json_is_true(json_object_get(h, "allowed")));
		row = json_object();
		set_str(row, "host", addr);
		json_object_set_new(row, "status", json_string(!unusual ? "resolver" :
			ok ? "allowed (unusual resolver)" : "UNUSUAL RESOLVER"));
		json_object_set_new(row, "addresses", json_pack("[s]", addr));
		json_object_set_new(row, "ports", json_object_get(h, "ports") ?
				    json_incref(json_object_get(h, "ports")) : json_array());
		json_object_set_new(row, "connections", json_integer(jint(h, "connections", 0)));
		json_object_set_new(row, "bytes_out", json_integer(jint(h, "bytes_out", 0)));
		json_object_set_new(row, "bytes_in", json_integer(jint(h, "bytes_in", 0)));
		set_str(row, "first", jstr(h, "first_seen"));
		json_object_set_new(row, "flag", json_boolean(!ok));
		json_array_append_new(rows, row);
	}
	return rows;
}

/* ---------------------------------------------------------------- verdict */

static int has_rule(const cairn_findings *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		if (!strcmp(f->items[i].rule->id, id))
			return 1;
	return 0;
}

/*
 * The headline says what the absence of findings covers: a verdict below
 * high names how many packages were verified, and reads as clean only
 * about those (docs/RULES.md §Coverage).
 */
static void scoped_headline(cairn_buf *b, int max, const json_t *cov)
{
	static const char *const base[] = {
		"Informational findings only", "Minor findings", "Risky posture"
	};
	const char *state = json_string_value(json_object_get(cov, "state"));
	json_int_t pk = jint(cov, "packages", 0), ok = jint(cov, "verified", 0);
	json_int_t bad = jint(cov, "not_verified", 0);
	const char *lead = max < 0 ? "No findings" : base[max];

	if (!state)
		state = "unknown";
	if (!strcmp(state, "none")) {
		cairn_buf_addf(b, "Not verified: none of the %" JSON_INTEGER_FORMAT " installed "
			       "package%s could be checked against published bytes%s", pk,
			       pk == 1 ? "" : "s", max < 0 ? "" : "; findings below");
	} else if (!strcmp(state, "partial")) {
		cairn_buf_addf(b, "%s; no sign of compromise in the %" JSON_INTEGER_FORMAT " of %"
			       JSON_INTEGER_FORMAT " packages verified; %" JSON_INTEGER_FORMAT
			       " could not be verified", lead, ok, pk, bad);
	} else if (!strcmp(state, "complete")) {
		cairn_buf_addf(b, "%s; no sign of compromise in the %" JSON_INTEGER_FORMAT
			       " package%s verified", lead, pk, pk == 1 ? "" : "s");
	} else if (!strcmp(state, "not_analysed")) {
		cairn_buf_addf(b, "%s; packages not verified (snapshot made with --no-packages)", lead);
	} else if (!strcmp(state, "unknown")) {
		cairn_buf_addf(b, "%s; package coverage unknown (the snapshot predates coverage "
			       "records)", lead);
	} else if (json_array_size(json_object_get(cov, "unread"))) {
		/* no packages seen, and an input (a lockfile, a manifest) that
		 * could have listed some was not read: nothing reads as clean */
		cairn_buf_addf(b, "%s; no packages verified", lead);
	} else {
		/* no packages installed: the other inputs are all there is */
		cairn_buf_addstr(b, max < 0 ? "No findings on these inputs" :
				 max == CAIRN_SEV_MEDIUM ? "Risky posture, no sign of compromise in these inputs" :
				 base[max]);
	}
	if (json_array_size(json_object_get(cov, "unread")))
		cairn_buf_addf(b, "; %zu input%s could not be read (CAIRN-C02)",
			       json_array_size(json_object_get(cov, "unread")),
			       json_array_size(json_object_get(cov, "unread")) == 1 ? "" : "s");
}

static json_t *build_verdict(const cairn_report_opts *o, const json_t *cov)
{
	static const char *const headline[CAIRN_SEV__COUNT] = {
		"Informational findings only",
		"Minor findings",
		"Risky posture, no sign of compromise in these inputs",
		"High-risk findings: likely exposure, act today",
		"Compromise indicators found: act now",
	};
	const cairn_findings *f = o->findings;
	json_t *v = json_object(), *counts = json_object();
	size_t n[CAIRN_SEV__COUNT];
	int max = cairn_findings_max(f), s;
	cairn_buf b = CAIRN_BUF_INIT;
	int evidence_hard;

	cairn_findings_count(f, n);
	for (s = CAIRN_SEV__COUNT - 1; s >= 0; s--)
		json_object_set_new(counts, cairn_severity_name(s), json_integer((json_int_t)n[s]));
	json_object_set_new(v, "counts", counts);
	json_object_set_new(v, "highest", max < 0 ? json_null() : json_string(cairn_severity_name(max)));
	if (max >= CAIRN_SEV_HIGH) {
		json_object_set_new(v, "headline", json_string(headline[max]));
	} else {
		scoped_headline(&b, max, cov);
		json_object_set_new(v, "headline", json_string(b.data));
		cairn_buf_clear(&b);
	}
	set_str(v, "coverage", json_string_value(json_object_get(cov, "summary")));
	if (max < 0) {
		cairn_buf_addstr(&b, "No rule fired on the inputs given");
	} else {
		cairn_buf_addf(&b, "%zu finding%s", f->count, f->count == 1 ? "" : "s");
		cairn_buf_addstr(&b, " (");
		for (s = CAIRN_SEV__COUNT - 1; s >= 0; s--)
			if (n[s])
				cairn_buf_addf(&b, "%s%zu %s", b.data[b.len - 1] == '(' ? "" : ", ",
					       n[s], cairn_severity_name(s));
		cairn_buf_addstr(&b, "); most severe: ");
		cairn_buf_addstr(&b, f->items[0].title);
	}
	cairn_buf_addch(&b, '.');
	json_object_set_new(v, "summary", jsafe(b.data));
	cairn_buf_clear(&b);

	/* How sure: what kind of evidence stands behind the verdict. */
	evidence_hard = has_rule(f, "CAIRN-D01") || has_rule(f, "CAIRN-P10") ||
			has_rule(f, "CAIRN-X01") || has_rule(f, "CAIRN-D02") ||
			has_rule(f, "CAIRN-D05") || has_rule(f, "CAIRN-K01");
	if (evidence_hard)
		cairn_buf_addstr(&b, "High confidence: the critical evidence is recorded fact "
				 "(content hashes, scripts and connections from checksummed inputs), "
				 "not a heuristic.");
	else if (o->capture && json_is_true(json_object_get(o->capture, "local_only")))
		cairn_buf_addstr(&b, "The capture holds no flow from a local address to a remote "
				 "one (a local-only capture): egress was not examined; its local "
				 "flows are listed, not judged (cairn-report --all judges them).");
	else if (o->baseline && o->capture)
		cairn_buf_addstr(&b, "Checked against a baseline and a network capture: "
				 "nothing recorded points to a compromise beyond the findings listed.");
	else if (o->baseline)
		cairn_buf_addstr(&b, "Checked against a baseline; without a capture, egress "
				 "was not examined.");
	else if (o->capture)
		cairn_buf_addstr(&b, "Posture and egress only: without a baseline, changes "
				 "to the installed code cannot be seen.");
	else
		cairn_buf_addstr(&b, "Posture only: without a baseline or a capture this report "
				 "can show exposure, not confirm or rule out a compromise.");
	json_object_set_new(v, "confidence", json_string(b.data));
	if (f->count && !strcmp(f->items[0].rule->id, "CAIRN-C01") &&
	    json_string_value(json_object_get(json_array_get(json_object_get(cov, "gaps"), 0), "fix")))
		/* the step for the largest gap, not the whole list */
		json_object_set_new(v, "first_step", json_string(json_string_value(
			json_object_get(json_array_get(json_object_get(cov, "gaps"), 0), "fix"))));
	else if (f->count && !strcmp(f->items[0].rule->id, "CAIRN-C02") &&
		 json_string_value(json_object_get(json_array_get(json_object_get(cov, "unread"), 0), "fix")))
		/* the step for the first file not read */
		json_object_set_new(v, "first_step", json_string(json_string_value(
			json_object_get(json_array_get(json_object_get(cov, "unread"), 0), "fix"))));
	else if (f->count)
		json_object_set_new(v, "first_step", json_string(f->items[0].rule->fix));
	if (o->fail_on) {
		int fo = cairn_severity_parse(o->fail_on);

		json_object_set_new(v, "fail_on", json_string(cairn_severity_name(fo)));
		json_object_set_new(v, "fails", json_boolean(fo >= 0 && max >= fo));
	}
	cairn_buf_release(&b);
	return v;
}

int cairn_report_build(json_t **out, const cairn_report_opts *o)
{
	json_t *doc = json_object(), *pv, *inputs, *cov;
	json_int_t omitted = 0;
	size_t i;

	json_object_set_new(doc, "format", json_string("cairn-report"));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "tool", json_string("cairn-report " CAIRN_VERSION));
	if (o->generated)
		json_object_set_new(doc, "generated", json_string(o->generated));
	set_str(doc, "subject_host", jstr(o->snap->header, "host") ? jstr(o->snap->header, "host") :
		jstr(o->snap->header, "hostname"));
	set_str(doc, "subject_root", jstr(o->snap->header, "root"));
	json_object_set_new(doc, "has_baseline", json_boolean(o->baseline && o->diff));
	json_object_set_new(doc, "has_capture", json_boolean(o->capture != NULL));
	cov = cairn_coverage_section(o->snap->header, o->snap->records);
	json_object_set_new(doc, "verdict", build_verdict(o, cov));
	json_object_set_new(doc, "coverage", cov);
	json_object_set_new(doc, "findings", cairn_findings_to_json(o->findings));
	json_object_set_new(doc, "timeline", build_timeline(o));
	json_object_set_new(doc, "packages", build_packages(o));
	json_object_set_new(doc, "files", build_files(o, &omitted));
	json_object_set_new(doc, "files_omitted", json_integer(omitted));
	json_object_set_new(doc, "patches", build_patches(o));
	json_object_set_new(doc, "environment", build_env(o));
	json_object_set_new(doc, "mcp_servers", build_mcp(o));
	json_object_set_new(doc, "egress", build_egress(o));
	if (o->capture && json_is_true(json_object_get(o->capture, "local_only")))
		json_object_set_new(doc, "egress_note", json_string(
			"Local-only capture: no flow from a local address to a remote one. "
			"The flows below stay between local addresses and were not judged "
			"(cairn-report --all judges them); no outbound connection can be "
			"ruled out from this capture."));

	if (o->known)
		json_object_set(doc, "known", (json_t *)o->known);

	pv = json_object();
	inputs = json_array();
	for (i = 0; i < o->input_count; i++) {
		const cairn_report_input *in = &o->inputs[i];
		json_t *row = json_object();

		set_str(row, "role", in->role);
		set_str(row, "file", in->path);
		set_str(row, "sha256", in->sha256);
		set_str(row, "signature", in->signature);
		set_str(row, "detail", in->detail);
		json_array_append_new(inputs, row);
	}
	json_object_set_new(pv, "inputs", inputs);
	json_object_set_new(pv, "tool", json_string("cairn-report " CAIRN_VERSION));
	if (o->generated)
		json_object_set_new(pv, "generated", json_string(o->generated));
	json_object_set_new(doc, "provenance", pv);
	*out = doc;
	return 0;
}

