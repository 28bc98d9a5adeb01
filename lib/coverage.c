/*
 * coverage.c - per-package coverage, its counts and its summary
 * (coverage.h, docs/RECORDS.md §Coverage).
 */
#include "coverage.h"

#include <stdlib.h>
#include <string.h>

/* In code order (cairn_coverage_reason_find bisects). */
static const cairn_coverage_reason reasons[] = {
	{ "binary_lockfile", "binary lockfile not read",
	  "bun.lockb is binary and cairn does not run bun to read it: save a text lockfile "
	  "(bun install --save-text-lockfile, or saveTextLockfile in bunfig.toml), commit "
	  "bun.lock, and snapshot again." },
	{ "bundled", "bundled inside its parent's tarball",
	  "A bundled dependency came inside its parent package's tarball, not from its own: "
	  "compare the parent's folder with the parent's published tarball by hand (npm pack "
	  "PARENT@VERSION; tar -xzf; diff -r)." },
	{ "cache_corrupt", "cached tarball does not match its integrity",
	  "Keep a copy of the npm cache as evidence (its bytes do not match the integrity the "
	  "lockfile names, which is itself a sign of tampering), then run npm cache verify, "
	  "refetch with npm ci --ignore-scripts --cache DIR in a copy of the project, and "
	  "snapshot again." },
	{ "cache_shared", "installed files are hard links to bun's cache",
	  "bun linked the files from its cache, so the cache holds the same bytes, not a "
	  "reference: fetch the published tarballs into an npm cache without touching this "
	  "install (npm cache add NAME@VERSION --cache DIR, or bun install --backend=copyfile "
	  "in a copy of the project) and snapshot again with --npm-cache DIR." },
	{ "egg_info", "egg-info install, no hashes",
	  "Reinstall it as a wheel so that pip writes a RECORD with hashes: pip install "
	  "--force-reinstall --no-deps NAME==VERSION; then snapshot again." },
	{ "global_no_lockfile", "global install, nothing to look the tarball up by",
	  "npm keeps no lockfile for global installs: snapshot with --npm-cache pointing at the "
	  "cache that installed them (npm config get cache; usually --npm-cache ~/.npm), whose "
	  "index names each tarball by its URL; or reinstall them with npm install -g "
	  "NAME@VERSION and snapshot again." },
	{ "link", "linked local folder, nothing published",
	  "A workspace or file: dependency is local code with nothing published to compare "
	  "with: review it in version control (git status, git diff) instead." },
	{ "lockfile_unsupported", "lockfile format not read",
	  "cairn reads npm lockfiles (package-lock.json, npm-shrinkwrap.json, "
	  "node_modules/.package-lock.json): check this install with its own package manager "
	  "(pnpm install --frozen-lockfile --offline; yarn install --immutable "
	  "--immutable-cache --check-cache)." },
	{ "no_cache", "no npm cache",
	  "Snapshot again with --npm-cache pointing at the npm cache the install used (npm "
	  "config get cache; usually --npm-cache ~/.npm)." },
	{ "no_integrity", "no integrity in the lockfile",
	  "Regenerate the lockfile with a current npm so that every entry has an integrity "
	  "(npm install --package-lock-only), commit it, reinstall with npm ci, and snapshot "
	  "again." },
	{ "no_lockfile", "no lockfile",
	  "Commit a lockfile (npm install --package-lock-only), install with npm ci, and "
	  "snapshot the project folder (the one holding package.json and node_modules)." },
	{ "no_record", "no RECORD",
	  "Reinstall with pip so that it writes a RECORD with hashes: pip install "
	  "--force-reinstall --no-deps NAME==VERSION; then snapshot again." },
	{ "not_in_cache", "tarball not in cache",
	  "Put the locked tarballs in the cache without touching this install: run npm ci "
	  "--ignore-scripts --cache DIR in a copy of the project (npm checks every tarball "
	  "against the lockfile integrity), then snapshot again with --npm-cache DIR." },
	{ "not_in_store", "package not in the pnpm store",
	  "Put the locked packages in a store without touching this install: pnpm install "
	  "--frozen-lockfile --store-dir DIR in a copy of the project, then snapshot again "
	  "with --pnpm-store DIR." },
	{ "not_installed", "locked, not installed",
	  "Nothing on disk to verify: the lockfile names the package but it is not installed "
	  "(normal for optional, platform-specific packages); npm ci installs what the "
	  "lockfile requires." },
	{ "not_locked", "not in the lockfile",
	  "Reinstall from the committed lockfile (rm -rf node_modules; npm ci) and find out "
	  "what installed the package outside it." },
	{ "record_error", "RECORD unreadable",
	  "RECORD could not be read or parsed (its parse_error says why): reinstall with pip "
	  "so that it writes a fresh one (pip install --force-reinstall --no-deps "
	  "NAME==VERSION), after keeping the damaged one as evidence." },
	{ "store_index_bad", "pnpm store index unreadable",
	  "The store's index file for the package is not what pnpm writes (its parse_error "
	  "says why): keep it as evidence, run pnpm store prune and pnpm install "
	  "--frozen-lockfile in a copy of the project, and snapshot again." },
	{ "system_package", "managed by the system package manager",
	  "Verify it with the system package manager: dpkg -V PACKAGE (rpm -V PACKAGE on RPM "
	  "systems); reinstall the package if files differ." },
	{ "tar_refused", "tarball refused",
	  "The tarball in the cache could not be read safely (the package's files.message "
	  "says why): inspect it by hand (tar -tzvf) and refetch it." },
	{ "unknown", "not recorded",
	  "Snapshot again with this cairn-snap: the record predates coverage." },
	{ "wheel_not_in_cache", "locked wheel not in a cache",
	  "The lockfile pins the wheel's sha256, which cannot be recomputed from installed "
	  "files (RECORD is written at install time, on the same disk): put the locked wheels "
	  "in a folder without touching this install (pip download --no-deps --require-hashes "
	  "-r requirements.txt -d DIR, after poetry export / uv export / pipenv requirements "
	  "--hash if needed) and snapshot again with --pip-cache DIR, or with the cache that "
	  "installed them (pip cache dir)." },
	{ "zip_refused", "yarn archive refused",
	  "The yarn 2+ zip archive could not be read safely (files.message says why): "
	  "inspect it by hand (unzip -l) and refetch it (yarn cache clean; yarn install "
	  "--immutable)." },
};

#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

const cairn_coverage_reason *cairn_coverage_reasons(size_t *count)
{
	*count = NREASONS;
	return reasons;
}

const cairn_coverage_reason *cairn_coverage_reason_find(const char *code)
{
	size_t lo = 0, hi = NREASONS;

	while (code && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(reasons[mid].code, code);

		if (!c)
			return &reasons[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

json_t *cairn_coverage_package(int verified, const char *reason, const char *detail)
{
	json_t *o = json_object();

	json_object_set_new(o, "verified", json_boolean(verified));
	json_object_set_new(o, "reason", !verified && reason ? json_string(reason) : json_null());
	if (detail && cairn_utf8_valid(detail, strlen(detail))) {
		json_object_set_new(o, "detail", json_string(detail));
	} else if (detail) {
		/* prose about hostile names: shown escaped, never raw */
		cairn_buf b = CAIRN_BUF_INIT;

		cairn_escape_bytes(&b, detail, strlen(detail));
		json_object_set_new(o, "detail", json_stringn(b.data ? b.data : "", b.len));
		cairn_buf_release(&b);
	} else {
		json_object_set_new(o, "detail", json_null());
	}
	return o;
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int is_package(const json_t *rec)
{
	const char *t = jstr(rec, "type");

	return t && !strcmp(t, "package");
}

int cairn_coverage_of_package(const json_t *rec, int *verified, const char **reason)
{
	const json_t *cov, *files;
	const char *status, *eco;

	*verified = 0;
	*reason = NULL;
	if (!json_is_object(rec) || !is_package(rec))
		return -1;
	cov = json_object_get(rec, "coverage");
	if (json_is_object(cov)) {
		*verified = json_is_true(json_object_get(cov, "verified"));
		if (!*verified)
			*reason = jstr(cov, "reason") ? jstr(cov, "reason") : "unknown";
		return 0;
	}
	/* a record from before coverage: what "files" says */
	files = json_object_get(rec, "files");
	eco = jstr(rec, "ecosystem");
	if (json_is_null(files)) {
		*reason = eco && !strcmp(eco, "pypi") ? "no_record" : "no_cache";
		return 0;
	}
	if (!json_is_object(files))
		return -1;   /* malformed: counted nowhere rather than guessed */
	status = jstr(files, "status");
	if (status && !strcmp(status, "verified")) {
		*verified = 1;
		return 0;
	}
	*reason = status && cairn_coverage_reason_find(status) ? cairn_coverage_reason_find(status)->code
							       : "unknown";
	return 0;
}

/* counts of one scope: packages, verified, not_verified, not_installed,
 * reasons (an object kept with its codes sorted) */
static json_t *counts_new(void)
{
	json_t *o = json_object();

	json_object_set_new(o, "packages", json_integer(0));
	json_object_set_new(o, "verified", json_integer(0));
	json_object_set_new(o, "not_verified", json_integer(0));
	json_object_set_new(o, "not_installed", json_integer(0));
	json_object_set_new(o, "reasons", json_object());
	return o;
}

static void bump(json_t *o, const char *k)
{
	json_object_set_new(o, k, json_integer(json_integer_value(json_object_get(o, k)) + 1));
}

static void counts_add(json_t *o, int verified, const char *reason)
{
	if (!verified && reason && !strcmp(reason, "not_installed")) {
		bump(o, "not_installed");
		return;
	}
	bump(o, "packages");
	if (verified) {
		bump(o, "verified");
		return;
	}
	bump(o, "not_verified");
	bump(json_object_get(o, "reasons"), reason);
}

/* Rebuild an object with its keys in byte order (records are written in
 * insertion order). */
static json_t *sorted_object(const json_t *o)
{
	json_t *out = json_object();
	const char **keys = cairn_calloc(json_object_size(o) + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	size_t n = 0, i, j;

	json_object_foreach((json_t *)o, k, v)
		keys[n++] = k;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(o, keys[i]));
	free(keys);
	return out;
}

json_t *cairn_coverage_count(const json_t *records)
{
	json_t *all = counts_new(), *eco = json_object(), *sorted;
	size_t i;

	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const char *reason, *e;
		json_t *scope;
		int verified;

		if (cairn_coverage_of_package(r, &verified, &reason) < 0)
			continue;
		counts_add(all, verified, reason);
		e = jstr(r, "ecosystem") ? jstr(r, "ecosystem") : "unknown";
		scope = json_object_get(eco, e);
		if (!scope) {
			scope = counts_new();
			json_object_set_new(eco, e, scope);
		}
		counts_add(scope, verified, reason);
	}
	json_object_set_new(all, "reasons", sorted_object(json_object_get(all, "reasons")));
	sorted = sorted_object(eco);
	{
		const char *k;
		json_t *v;

		json_object_foreach(sorted, k, v)
			json_object_set_new(v, "reasons", sorted_object(json_object_get(v, "reasons")));
	}
	json_object_set_new(all, "ecosystems", sorted);
	json_decref(eco);
	return all;
}

static json_int_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* reasons of counts, most frequent first (then code order) */
static size_t reasons_by_count(const json_t *counts, const char **codes, json_int_t *n, size_t max)
{
	const json_t *r = json_object_get(counts, "reasons");
	const char *k;
	json_t *v;
	size_t cnt = 0, i, j;

	json_object_foreach((json_t *)r, k, v) {
		if (cnt == max || !json_is_integer(v) || json_integer_value(v) <= 0)
			continue;
		codes[cnt] = k;
		n[cnt++] = json_integer_value(v);
	}
	for (i = 1; i < cnt; i++)
		for (j = i; j > 0 && (n[j - 1] < n[j] ||
				      (n[j - 1] == n[j] && strcmp(codes[j - 1], codes[j]) > 0)); j--) {
			const char *tc = codes[j];
			json_int_t tn = n[j];

			codes[j] = codes[j - 1];
			n[j] = n[j - 1];
			codes[j - 1] = tc;
			n[j - 1] = tn;
		}
	return cnt;
}

static const char *words(const char *code)
{
	const cairn_coverage_reason *r = cairn_coverage_reason_find(code);

	return r ? r->words : code;
}

void cairn_coverage_summary(cairn_buf *out, const json_t *counts)
{
	json_int_t pk = jint(counts, "packages"), ok = jint(counts, "verified");
	json_int_t bad = jint(counts, "not_verified");
	const char *codes[32];
	json_int_t n[32];
	size_t cnt, i;

	if (pk <= 0) {
		cairn_buf_addstr(out, "no packages");
		return;
	}
	cairn_buf_addf(out, "%" JSON_INTEGER_FORMAT " package%s: %" JSON_INTEGER_FORMAT " verified",
		       pk, pk == 1 ? "" : "s", ok);
	if (bad <= 0)
		return;
	cairn_buf_addf(out, ", %" JSON_INTEGER_FORMAT " not verified", bad);
	cnt = reasons_by_count(counts, codes, n, 32);
	if (cnt == 1) {
		cairn_buf_addf(out, ": %s", words(codes[0]));
		return;
	}
	for (i = 0; i < cnt; i++)
		cairn_buf_addf(out, "%s%" JSON_INTEGER_FORMAT " %s", i ? ", " : ": ", n[i],
			       words(codes[i]));
}

/* The gaps: one per reason, with examples from the package records. */
static json_t *gaps(const json_t *counts, const json_t *records)
{
	json_t *out = json_array();
	const char *codes[32];
	json_int_t n[32];
	size_t cnt = reasons_by_count(counts, codes, n, 32), i, j;

	for (i = 0; i < cnt; i++) {
		const cairn_coverage_reason *r = cairn_coverage_reason_find(codes[i]);
		json_t *g = json_object(), *ex = json_array();
		const char *detail = NULL;

		for (j = 0; j < json_array_size(records); j++) {
			const json_t *rec = json_array_get(records, j);
			const char *reason, *name, *ver;
			cairn_buf b = CAIRN_BUF_INIT;
			int verified;

			if (cairn_coverage_of_package(rec, &verified, &reason) < 0 || verified ||
			    strcmp(reason, codes[i]))
				continue;
			if (!detail)
				detail = jstr(json_object_get(rec, "coverage"), "detail");
			if (json_array_size(ex) >= 3)
				break;
			name = jstr(rec, "name") ? jstr(rec, "name") : jstr(rec, "path");
			ver = jstr(rec, "version") ? jstr(rec, "version") : jstr(rec, "locked_version");
			cairn_buf_addf(&b, "%s@%s", name ? name : "?", ver ? ver : "?");
			json_array_append_new(ex, json_string(b.data));
			cairn_buf_release(&b);
		}
		json_object_set_new(g, "reason", json_string(codes[i]));
		json_object_set_new(g, "count", json_integer(n[i]));
		json_object_set_new(g, "words", json_string(r ? r->words : codes[i]));
		json_object_set_new(g, "fix", json_string(r ? r->fix : "Snapshot again with this cairn-snap."));
		json_object_set_new(g, "examples", ex);
		json_object_set_new(g, "detail", detail ? json_string(detail) : json_null());
		json_array_append_new(out, g);
	}
	return out;
}

static const json_t *coverage_record(const json_t *records)
{
	size_t i;

	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const char *t = jstr(r, "type");

		if (t && !strcmp(t, "coverage"))
			return r;
	}
	return NULL;
}

/*
 * The step that closes an unread input's gap, from what its parse_error
 * says: the size cap, a file that is not a regular file (a symlink or a
 * FIFO is never followed nor opened), or anything else.
 */
static const char *unread_fix(const char *message)
{
	if (strstr(message, "-byte cap"))
		return "The file is larger than cairn reads (docs/RECORDS.md §Caps): find out why "
		       "(a lockfile or manifest of this size is unusual, and padding can hide "
		       "entries), check what it lists with its own tool, or regenerate it from a "
		       "clean checkout, then snapshot again.";
	if (strstr(message, "not a regular file") || strstr(message, "symlink") ||
	    strstr(message, "FIFO"))
		return "The file is not a regular file (cairn follows no link and reads no FIFO): "
		       "look at what it points to or what feeds it, replace it with the regular "
		       "file its tool writes, then snapshot again.";
	return "Read the message, repair or regenerate the file with the tool that writes it, "
	       "then snapshot again; until then what it holds is not verified.";
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Is msg one of the sorted details, or the start of one ("msg; more")? */
static int detail_of(const char **details, size_t n, const char *msg, cairn_buf *tmp)
{
	size_t k = cairn_strv_lower_bound(details, n, msg);

	if (k < n && !strcmp(details[k], msg))
		return 1;
	cairn_buf_clear(tmp);
	cairn_buf_addf(tmp, "%s; ", msg);
	k = cairn_strv_lower_bound(details, n, tmp->data);
	return k < n && !strncmp(details[k], tmp->data, tmp->len);
}

/*
 * The parse_error records: inputs that could not be read.  One that is
 * an unverified package's coverage gap (its coverage detail is the
 * parse_error's message, or begins with it and "; ": a RECORD, a pnpm
 * store index, a tarball or zip refused, bun.lockb) is that package's gap,
 * counted and given its step once, there (CAIRN-C01), not again as an
 * unread input (CAIRN-C02).
 */
static json_t *unread(const json_t *records)
{
	json_t *out = json_array();
	const char **owned = NULL;
	size_t i, nowned = 0;
	cairn_buf tmp = CAIRN_BUF_INIT;

	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const char *reason, *detail;
		int verified;

		if (cairn_coverage_of_package(r, &verified, &reason) < 0 || verified ||
		    !(detail = jstr(json_object_get(r, "coverage"), "detail")))
			continue;
		if (!(nowned & (nowned + 1)))
			owned = cairn_realloc(owned, (nowned + 1) * 2 * sizeof(*owned));
		owned[nowned++] = detail;
	}
	if (nowned)
		qsort(owned, nowned, sizeof(*owned), str_cmp);
	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const char *t = jstr(r, "type"), *msg = jstr(r, "message");
		/* a message that is not UTF-8 is message_esc, escaped as
		 * the coverage detail is */
		const char *key = msg ? msg : jstr(r, "message_esc");
		json_t *u;

		if (!t || strcmp(t, "parse_error"))
			continue;
		if (key && detail_of(owned, nowned, key, &tmp))
			continue;
		u = json_object();
		json_object_set_new(u, "file", json_string(jstr(r, "file") ? jstr(r, "file") : "?"));
		json_object_set_new(u, "analyzer", json_string(jstr(r, "analyzer") ?
							      jstr(r, "analyzer") : "?"));
		json_object_set_new(u, "message", json_string(msg ? msg : "?"));
		json_object_set_new(u, "fix", json_string(unread_fix(msg ? msg : "")));
		json_array_append_new(out, u);
	}
	free(owned);
	cairn_buf_release(&tmp);
	return out;
}

json_t *cairn_coverage_section(const json_t *header, const json_t *records)
{
	json_t *un = unread(records);
	json_t *s = cairn_coverage_count(records);
	const json_t *rec = coverage_record(records);
	const json_t *opts = json_object_get(header, "options");
	json_int_t pk = jint(s, "packages"), ok = jint(s, "verified");
	const char *state;
	cairn_buf b = CAIRN_BUF_INIT;

	if (pk > 0)
		state = ok == pk ? "complete" : ok ? "partial" : "none";
	else if (json_is_false(json_object_get(opts, "packages")) ||
		 (rec && json_is_false(json_object_get(rec, "analysed"))))
		state = "not_analysed";
	else if (rec || json_is_true(json_object_get(opts, "packages")))
		state = "no_packages";
	else
		state = "unknown";
	json_object_set_new(s, "state", json_string(state));
	json_object_set_new(s, "source", json_string(rec ? "record" : "packages"));
	if (!strcmp(state, "not_analysed"))
		cairn_buf_addstr(&b, "packages not analysed (--no-packages)");
	else if (!strcmp(state, "unknown"))
		cairn_buf_addstr(&b, "package coverage unknown (the snapshot predates coverage records)");
	else
		cairn_coverage_summary(&b, s);
	if (json_array_size(un))
		cairn_buf_addf(&b, "; %zu input%s not read", json_array_size(un),
			       json_array_size(un) == 1 ? "" : "s");
	json_object_set_new(s, "summary", json_string(b.data));
	json_object_set_new(s, "gaps", gaps(s, records));
	/* only when there are any: older reports stay byte-identical */
	if (json_array_size(un))
		json_object_set_new(s, "unread", un);
	else
		json_decref(un);
	cairn_buf_release(&b);
	return s;
}
