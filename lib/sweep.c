/*
 * sweep.c - advisories and indicators across a store's history
 * (lib/sweep.h).  The walk is libgit2's: branches by glob, first-parent
 * history oldest first; each snapshot is verified (checksum, and the
 * signature with a key) before anything it says is used.
 */
#include "sweep.h"
#include "jsonutil.h"
#include "report.h"
#include "rfc3339.h"
#include "store.h"

#include <fnmatch.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Places kept per host and match (the first snapshot's). */
#define SWEEP_PLACES_MAX 10

struct branch {
	char *name;               /* "cairn/host/root-slug" */
	char *host, *root;        /* from the newest snapshot's header */
	size_t snapshots;
	char first_created[48], last_created[48];
	char newest_commit[41];
};

/* One match on one branch. */
struct presence {
	size_t branch;
	json_t *intervals;        /* closed ones */
	int open;                 /* present in the last snapshot read */
	char first_commit[41], first_created[48];
	char last_commit[41], last_created[48];
	size_t seen;              /* snapshot counter of the last sighting */
	json_t *places;
};

struct match {
	char *key;
	int indicator, severity, malicious;
	char *id, *summary, *fixed, *ecosystem, *name, *version;
	struct presence *pres;
	size_t npres;
};

struct sweep {
	cairn_known *k;
	const cairn_sweep_opts *o;
	const char *repo_path;
	git_repository *repo;
	struct branch *br;
	size_t nbr;
	struct match *m;
	size_t nm;
	/* the snapshot being read */
	size_t cur_branch, counter;
	const char *cur_commit, *cur_created;
	int want_only;
	size_t snapshots;
};

static int git_err(const char *what, const char *path)
{
	const git_error *e = git_error_last();

	return cairn_error_set(CAIRN_EEXTERNAL, "store '%s': %s: %s", path, what,
			       e && e->message ? e->message : "libgit2 error");
}

static int collect_ref(const char *name, void *payload)
{
	struct sweep *s = payload;
	const char *short_name = name + strlen("refs/heads/");
	const char *glob = s->o && s->o->branches ? s->o->branches : "cairn/*";

	if (fnmatch(glob, short_name, 0) != 0)
		return 0;
	s->br = cairn_realloc(s->br, (s->nbr + 1) * sizeof(*s->br));
	memset(&s->br[s->nbr], 0, sizeof(*s->br));
	s->br[s->nbr++].name = cairn_strdup(short_name);
	return 0;
}

static int branch_cmp(const void *a, const void *b)
{
	return strcmp(((const struct branch *)a)->name, ((const struct branch *)b)->name);
}

/* ---------------------------------------------------------- matching */

static struct match *match_for(struct sweep *s, const cairn_known_hit *h)
{
	cairn_buf key = CAIRN_BUF_INIT;
	struct match *m;
	size_t i;

	if (h->indicator)
		cairn_buf_addf(&key, "i\t%s", h->id);
	else
		cairn_buf_addf(&key, "a\t%s\t%s\t%s\t%s", h->id, h->ecosystem, h->name, h->version);
	for (i = 0; i < s->nm; i++)
		if (!strcmp(s->m[i].key, key.data)) {
			cairn_buf_release(&key);
			return &s->m[i];
		}
	s->m = cairn_realloc(s->m, (s->nm + 1) * sizeof(*s->m));
	m = &s->m[s->nm++];
	memset(m, 0, sizeof(*m));
	m->key = cairn_buf_detach(&key, NULL);
	m->indicator = h->indicator;
	m->severity = h->severity;
	m->malicious = h->malicious;
	m->id = cairn_strdup(h->id);
	m->summary = cairn_strdup(h->summary ? h->summary : "");
	m->fixed = h->fixed ? cairn_strdup(h->fixed) : NULL;
	if (!h->indicator) {
		m->ecosystem = cairn_strdup(h->ecosystem);
		m->name = cairn_strdup(h->name);
		m->version = cairn_strdup(h->version);
	}
	return m;
}

static json_t *place_json(const cairn_known_hit *h)
{
	json_t *p = json_object();

	if (h->where)
		json_object_set_new(p, "file", json_string(h->where));
	if (h->line > 0)
		json_object_set_new(p, "line", json_integer(h->line));
	if (h->name)
		json_object_set_new(p, "package", json_string(h->name));
	if (h->version)
		json_object_set_new(p, "version", json_string(h->version));
	if (h->host)
		json_object_set_new(p, "host", json_string(h->host));
	json_object_set_new(p, "detail", json_string(h->state ? h->state : ""));
	return p;
}

static int sweep_hit(void *ctx, const cairn_known_hit *h)
{
	struct sweep *s = ctx;
	struct match *m = match_for(s, h);
	struct presence *p = NULL;
	json_t *pl;
	size_t i;

	for (i = 0; i < m->npres; i++)
		if (m->pres[i].branch == s->cur_branch)
			p = &m->pres[i];
	if (!p) {
		m->pres = cairn_realloc(m->pres, (m->npres + 1) * sizeof(*m->pres));
		p = &m->pres[m->npres++];
		memset(p, 0, sizeof(*p));
		p->branch = s->cur_branch;
		p->intervals = json_array();
		p->places = json_array();
	}
	if (!p->open) {
		p->open = 1;
		snprintf(p->first_commit, sizeof(p->first_commit), "%s", s->cur_commit);
		snprintf(p->first_created, sizeof(p->first_created), "%s", s->cur_created);
		json_array_clear(p->places);
	}
	if (p->seen != s->counter) {
		p->seen = s->counter;
		snprintf(p->last_commit, sizeof(p->last_commit), "%s", s->cur_commit);
		snprintf(p->last_created, sizeof(p->last_created), "%s", s->cur_created);
	}
	/* the places of the interval's first snapshot */
	if (!strcmp(p->first_commit, s->cur_commit) &&
	    json_array_size(p->places) < SWEEP_PLACES_MAX) {
		pl = place_json(h);
		for (i = 0; i < json_array_size(p->places); i++)
			if (json_equal(json_array_get(p->places, i), pl))
				break;
		if (i < json_array_size(p->places))
			json_decref(pl);
		else
			json_array_append_new(p->places, pl);
	}
	return 0;
}

static json_t *point(const char *commit, const char *created)
{
	return json_pack("{s:s,s:s}", "commit", commit, "created", created);
}

/* Close the intervals of this branch that the snapshot just read (or the
 * end of the branch, gone_commit NULL) no longer shows. */
static void close_gone(struct sweep *s, const char *gone_commit, const char *gone_created)
{
	size_t i, j;

	for (i = 0; i < s->nm; i++)
		for (j = 0; j < s->m[i].npres; j++) {
			struct presence *p = &s->m[i].pres[j];
			json_t *iv;

			if (p->branch != s->cur_branch || !p->open)
				continue;
			if (gone_commit && p->seen == s->counter)
				continue;   /* still there */
			iv = json_pack("{s:o,s:o}", "first", point(p->first_commit, p->first_created),
				       "last", point(p->last_commit, p->last_created));
			json_object_set_new(iv, "gone", gone_commit ?
					    point(gone_commit, gone_created) : json_null());
			json_object_set_new(iv, "places", json_deep_copy(p->places));
			json_array_append_new(p->intervals, iv);
			p->open = 0;
		}
}

/* ------------------------------------------------------------- walking */

static int read_snapshot(struct sweep *s, const git_oid *id, void **data, size_t *len)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *te = NULL;
	git_blob *b = NULL;
	char hex[41];
	int rc = 0;

	git_oid_tostr(hex, sizeof(hex), id);
	*data = NULL;
	*len = 0;
	if (git_commit_lookup(&c, s->repo, id) < 0 || git_commit_tree(&t, c) < 0) {
		rc = git_err("cannot read commit", s->repo_path);
	} else if (git_tree_entry_bypath(&te, t, CAIRN_STORE_SNAPSHOT_NAME) < 0 ||
		   git_tree_entry_type(te) != GIT_OBJECT_BLOB ||
		   git_blob_lookup(&b, s->repo, git_tree_entry_id(te)) < 0) {
		rc = cairn_error_set(CAIRN_ENOTFOUND, "store '%s': commit %s holds no %s",
				     s->repo_path, hex, CAIRN_STORE_SNAPSHOT_NAME);
	} else {
		*len = (size_t)git_blob_rawsize(b);
		*data = cairn_malloc(*len ? *len : 1);
		memcpy(*data, git_blob_rawcontent(b), *len);
	}
	git_blob_free(b);
	git_tree_entry_free(te);
	git_tree_free(t);
	git_commit_free(c);
	return rc;
}

static int one_snapshot(struct sweep *s, struct branch *br, const git_oid *id)
{
	cairn_report_snap snap;
	cairn_buf label = CAIRN_BUF_INIT;
	void *data = NULL;
	size_t len = 0;
	char hex[41];
	const char *created;
	int rc;

	git_oid_tostr(hex, sizeof(hex), id);
	if ((rc = read_snapshot(s, id, &data, &len)) < 0)
		return rc;
	cairn_buf_addf(&label, "%s@%s", s->repo_path, hex);
	memset(&snap, 0, sizeof(snap));
	rc = cairn_report_snap_load_mem(&snap, data, len, label.data, s->o ? s->o->pubkey : NULL);
	if (rc < 0)
		goto done;
	created = cairn_json_str_or(snap.header, "created", "");
	if (s->o && s->o->since) {
		int64_t sec;
		long ns;

		if (cairn_rfc3339_parse(&sec, &ns, created) == 0 && sec < s->o->since) {
			cairn_report_snap_release(&snap);
			goto done;
		}
	}
	s->snapshots++;
	if (s->want_only) {
		cairn_known_want(s->k, snap.records);
		cairn_report_snap_release(&snap);
		goto done;
	}
	br->snapshots++;
	if (!br->first_created[0])
		snprintf(br->first_created, sizeof(br->first_created), "%s", created);
	snprintf(br->last_created, sizeof(br->last_created), "%s", created);
	snprintf(br->newest_commit, sizeof(br->newest_commit), "%s", hex);
	free(br->host);
	free(br->root);
	br->host = cairn_strdup(cairn_json_str_or(snap.header, "hostname",
						  cairn_json_str_or(snap.header, "host", "?")));
	br->root = cairn_strdup(cairn_json_str_or(snap.header, "root", "?"));
	s->counter++;
	s->cur_commit = hex;
	s->cur_created = created;
	rc = cairn_known_scan(s->k, snap.records, sweep_hit, s, NULL, NULL);
	if (rc >= 0 && cairn_known_ioc_hash_count(s->k)) {
		cairn_snap_reader *r = NULL;
		cairn_record rec;

		memset(&rec, 0, sizeof(rec));
		rc = cairn_snap_reader_open_mem(&r, data, len, label.data, NULL);
		while (rc >= 0 && (rc = cairn_snap_reader_next(r, &rec)) > 0)
			if (rec.kind == CAIRN_REC_ENTRY)
				cairn_known_scan_entry(s->k, &rec.entry, sweep_hit, s);
		cairn_snap_reader_free(r);
	}
	if (rc >= 0) {
		close_gone(s, hex, created);
		rc = 0;
	}
	cairn_report_snap_release(&snap);
done:
	free(data);
	cairn_buf_release(&label);
	return rc < 0 ? rc : 0;
}

static int walk_branch(struct sweep *s, size_t bi)
{
	struct branch *br = &s->br[bi];
	cairn_buf ref = CAIRN_BUF_INIT;
	git_revwalk *w = NULL;
	git_oid *ids = NULL, id;
	size_t n = 0, i;
	int rc = 0, r;

	cairn_buf_addf(&ref, "refs/heads/%s", br->name);
	if (git_revwalk_new(&w, s->repo) < 0 || git_revwalk_push_ref(w, ref.data) < 0) {
		rc = git_err("cannot walk", s->repo_path);
		goto done;
	}
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	git_revwalk_simplify_first_parent(w);
	/* the ids only (20 bytes a snapshot), then one snapshot at a time */
	while ((r = git_revwalk_next(&id, w)) == 0) {
		ids = cairn_realloc(ids, (n + 1) * sizeof(*ids));
		git_oid_cpy(&ids[n++], &id);
	}
	if (r != GIT_ITEROVER) {
		rc = git_err("cannot walk", s->repo_path);
		goto done;
	}
	s->cur_branch = bi;
	for (i = 0; i < n && rc >= 0; i++)
		rc = one_snapshot(s, br, &ids[i]);
	if (rc >= 0 && !s->want_only)
		close_gone(s, NULL, NULL);
done:
	free(ids);
	git_revwalk_free(w);
	cairn_buf_release(&ref);
	return rc;
}

static int walk(struct sweep *s)
{
	size_t i;
	int rc = 0, lock;

	git_libgit2_init();
	if (git_repository_open_ext(&s->repo, s->repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = git_err("cannot open git repository", s->repo_path);
		git_libgit2_shutdown();
		return rc;
	}
	/* shared with writers, excluded by prune (lib/store.h) */
	lock = cairn_store_lock(git_repository_path(s->repo), 0);
	if (git_reference_foreach_glob(s->repo, "refs/heads/cairn/*", collect_ref, s) < 0)
		rc = git_err("cannot list branches", s->repo_path);
	if (!rc && s->nbr)   /* qsort of no table: NULL base */
		qsort(s->br, s->nbr, sizeof(*s->br), branch_cmp);
	for (i = 0; !rc && i < s->nbr; i++)
		rc = walk_branch(s, i);
	if (lock >= 0)
		close(lock);
	git_repository_free(s->repo);
	s->repo = NULL;
	git_libgit2_shutdown();
	return rc;
}

static void sweep_release(struct sweep *s)
{
	size_t i, j;

	for (i = 0; i < s->nbr; i++) {
		free(s->br[i].name);
		free(s->br[i].host);
		free(s->br[i].root);
	}
	free(s->br);
	for (i = 0; i < s->nm; i++) {
		struct match *m = &s->m[i];

		for (j = 0; j < m->npres; j++) {
			json_decref(m->pres[j].intervals);
			json_decref(m->pres[j].places);
		}
		free(m->pres);
		free(m->key);
		free(m->id);
		free(m->summary);
		free(m->fixed);
		free(m->ecosystem);
		free(m->name);
		free(m->version);
	}
	free(s->m);
}

int cairn_sweep_want(cairn_known *k, const char *repo, const cairn_sweep_opts *o)
{
	struct sweep s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.k = k;
	s.o = o;
	s.repo_path = repo;
	s.want_only = 1;
	rc = walk(&s);
	sweep_release(&s);
	return rc < 0 ? rc : (int)s.snapshots;
}

/* Most severe first, then id, package, version: the same order every run. */
static int match_cmp(const void *a_, const void *b_)
{
	const struct match *a = a_, *b = b_;

	if (a->severity != b->severity)
		return b->severity - a->severity;
	return strcmp(a->key, b->key);
}

int cairn_sweep_run(json_t **out, cairn_known *k, const char *repo, const cairn_sweep_opts *o)
{
	struct sweep s;
	json_t *doc, *branches, *matches;
	size_t i, j, hosts_hit = 0, still = 0;
	char *hit_branch;
	int rc;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.k = k;
	s.o = o;
	s.repo_path = repo;
	rc = walk(&s);
	if (rc < 0) {
		sweep_release(&s);
		return rc;
	}
	if (s.nm)
		qsort(s.m, s.nm, sizeof(*s.m), match_cmp);
	hit_branch = cairn_calloc(s.nbr ? s.nbr : 1, 1);
	branches = json_array();
	for (i = 0; i < s.nbr; i++) {
		struct branch *b = &s.br[i];

		json_array_append_new(branches, json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s}",
			"branch", b->name, "host", b->host ? b->host : "?",
			"root", b->root ? b->root : "?", "snapshots", (json_int_t)b->snapshots,
			"first_created", b->first_created, "last_created", b->last_created,
			"newest_commit", b->newest_commit));
	}
	matches = json_array();
	for (i = 0; i < s.nm; i++) {
		struct match *m = &s.m[i];
		const cairn_rule *rule = cairn_rule_find(m->indicator ? "CAIRN-K03" :
							 m->malicious ? "CAIRN-K01" : "CAIRN-K02");
		json_t *mj, *hosts = json_array();

		for (j = 0; j < m->npres; j++) {
			struct presence *p = &m->pres[j];
			struct branch *b = &s.br[p->branch];
			const json_t *last = json_array_get(p->intervals,
							    json_array_size(p->intervals) - 1);
			int now = last && json_is_null(json_object_get(last, "gone"));

			hit_branch[p->branch] = 1;
			still += now;
			json_array_append_new(hosts, json_pack("{s:s,s:s,s:s,s:O,s:b}",
				"branch", b->name, "host", b->host ? b->host : "?",
				"root", b->root ? b->root : "?", "intervals", p->intervals,
				"still_present", now));
		}
		mj = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", m->indicator ? "indicator" : "advisory",
			       "id", m->id, "summary", m->summary,
			       "severity", cairn_severity_name(m->malicious ? CAIRN_SEV_CRITICAL : m->severity),
			       "rule", rule ? rule->id : "");
		if (!m->indicator) {
			json_object_set_new(mj, "ecosystem", json_string(m->ecosystem));
			json_object_set_new(mj, "package", json_string(m->name));
			json_object_set_new(mj, "version", json_string(m->version));
			json_object_set_new(mj, "fix", json_string(m->malicious || !m->fixed ? "remove" :
								   m->fixed));
		}
		json_object_set_new(mj, "hosts", hosts);
		json_array_append_new(matches, mj);
	}
	for (i = 0; i < s.nbr; i++)
		hosts_hit += hit_branch[i];
	free(hit_branch);
	doc = json_pack("{s:s,s:i,s:s,s:o,s:o}", "format", "cairn-sweep", "version", 1,
			"store", repo, "branches", branches, "matches", matches);
	json_object_set_new(doc, "verdict", json_pack("{s:I,s:I,s:I,s:I,s:I}",
		"snapshots", (json_int_t)s.snapshots, "branches", (json_int_t)s.nbr,
		"matches", (json_int_t)s.nm, "branches_affected", (json_int_t)hosts_hit,
		"still_present", (json_int_t)still));
	sweep_release(&s);
	*out = doc;
	return 0;
}

/* ------------------------------------------------------------ renderers */

static const char *point_str(const json_t *pt, const char *key, cairn_buf *b)
{
	const json_t *p = json_object_get(pt, key);

	cairn_buf_clear(b);
	if (!json_is_object(p)) {
		cairn_buf_addstr(b, "-");
		return b->data;
	}
	cairn_buf_addf(b, "%s (%.12s)", cairn_json_str_or(p, "created", "?"),
		       cairn_json_str_or(p, "commit", "?"));
	return b->data;
}

/* prose and table cells alike: '|' escaped everywhere */
static void md_str(cairn_buf *out, const char *s)
{
	cairn_esc_md_text(out, s ? s : "", s ? strlen(s) : 0, 1);
}

static void md_code(cairn_buf *out, const char *s, int table)
{
	cairn_esc_md_code(out, s ? s : "", s ? strlen(s) : 0, table);
}

void cairn_sweep_render_md(cairn_buf *out, const json_t *doc)
{
	const json_t *v = json_object_get(doc, "verdict"), *m, *h, *iv, *b;
	cairn_buf t = CAIRN_BUF_INIT;
	size_t i, j, k;

	cairn_buf_addf(out, "# cairn sweep: %lld match%s on %lld of %lld host branch%s\n\n",
		       (long long)cairn_json_int(v, "matches", 0),
		       cairn_json_int(v, "matches", 0) == 1 ? "" : "es",
		       (long long)cairn_json_int(v, "branches_affected", 0),
		       (long long)cairn_json_int(v, "branches", 0),
		       cairn_json_int(v, "branches", 0) == 1 ? "" : "es");
	cairn_buf_addstr(out, "Store ");
	md_code(out, cairn_json_str(doc, "store"), 0);
	cairn_buf_addf(out, ", %lld snapshots read, oldest to newest on each branch; "
		       "%lld still present in a branch's newest snapshot.\n\n",
		       (long long)cairn_json_int(v, "snapshots", 0),
		       (long long)cairn_json_int(v, "still_present", 0));
	json_array_foreach(json_object_get(doc, "matches"), i, m) {
		cairn_buf_addf(out, "## %zu. [%s] ", i + 1, cairn_json_str_or(m, "severity", "?"));
		md_str(out, cairn_json_str(m, "id"));
		if (cairn_json_str(m, "package")) {
			cairn_buf_addstr(out, ": ");
			md_str(out, cairn_json_str(m, "ecosystem"));
			cairn_buf_addch(out, ' ');
			md_str(out, cairn_json_str(m, "package"));
			cairn_buf_addch(out, ' ');
			md_str(out, cairn_json_str(m, "version"));
		}
		cairn_buf_addstr(out, "\n\n");
		if (*cairn_json_str_or(m, "summary", "")) {
			md_str(out, cairn_json_str(m, "summary"));
			cairn_buf_addstr(out, "\n\n");
		}
		cairn_buf_addstr(out, "Rule ");
		md_code(out, cairn_json_str(m, "rule"), 0);
		if (cairn_json_str(m, "fix")) {
			cairn_buf_addstr(out, "; fix: ");
			md_code(out, cairn_json_str(m, "fix"), 0);
		}
		cairn_buf_addstr(out, ".\n\n| Host | Root | First seen | Last seen | Gone by | Now |\n"
				 "| --- | --- | --- | --- | --- | --- |\n");
		json_array_foreach(json_object_get(m, "hosts"), j, h) {
			json_array_foreach(json_object_get(h, "intervals"), k, iv) {
				const json_t *gone = json_object_get(iv, "gone");

				cairn_buf_addstr(out, "| ");
				md_code(out, cairn_json_str(h, "host"), 1);
				cairn_buf_addstr(out, " | ");
				md_code(out, cairn_json_str(h, "root"), 1);
				cairn_buf_addstr(out, " | ");
				md_str(out, point_str(iv, "first", &t));
				cairn_buf_addstr(out, " | ");
				md_str(out, point_str(iv, "last", &t));
				cairn_buf_addstr(out, " | ");
				md_str(out, point_str(iv, "gone", &t));
				cairn_buf_addf(out, " | %s |\n", json_is_null(gone) ? "**still present**" :
					       "gone");
			}
		}
		cairn_buf_addch(out, '\n');
	}
	cairn_buf_addstr(out, "## Branches\n\n| Branch | Host | Root | Snapshots | From | To |\n"
			 "| --- | --- | --- | --- | --- | --- |\n");
	json_array_foreach(json_object_get(doc, "branches"), i, b) {
		cairn_buf_addstr(out, "| ");
		md_code(out, cairn_json_str(b, "branch"), 1);
		cairn_buf_addstr(out, " | ");
		md_code(out, cairn_json_str(b, "host"), 1);
		cairn_buf_addstr(out, " | ");
		md_code(out, cairn_json_str(b, "root"), 1);
		cairn_buf_addf(out, " | %lld | ", (long long)cairn_json_int(b, "snapshots", 0));
		md_str(out, cairn_json_str(b, "first_created"));
		cairn_buf_addstr(out, " | ");
		md_str(out, cairn_json_str(b, "last_created"));
		cairn_buf_addstr(out, " |\n");
	}
	cairn_buf_release(&t);
}

static void html_str(cairn_buf *out, const char *s)
{
	cairn_esc_html(out, s ? s : "", s ? strlen(s) : 0);
}

void cairn_sweep_render_html(cairn_buf *out, const json_t *doc)
{
	const json_t *v = json_object_get(doc, "verdict"), *m, *h, *iv;
	cairn_buf t = CAIRN_BUF_INIT;
	size_t i, j, k;

	cairn_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			 "<title>cairn sweep</title><style>body{font-family:sans-serif;margin:2em}"
			 "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}"
			 ".now{color:#b00;font-weight:bold}</style></head><body>\n");
	cairn_buf_addf(out, "<h1>cairn sweep: %lld matches on %lld of %lld host branches</h1>\n",
		       (long long)cairn_json_int(v, "matches", 0),
		       (long long)cairn_json_int(v, "branches_affected", 0),
		       (long long)cairn_json_int(v, "branches", 0));
	cairn_buf_addstr(out, "<p>Store <code>");
	html_str(out, cairn_json_str(doc, "store"));
	cairn_buf_addf(out, "</code>, %lld snapshots read; %lld still present.</p>\n",
		       (long long)cairn_json_int(v, "snapshots", 0),
		       (long long)cairn_json_int(v, "still_present", 0));
	json_array_foreach(json_object_get(doc, "matches"), i, m) {
		cairn_buf_addf(out, "<h2>%zu. [%s] ", i + 1, cairn_json_str_or(m, "severity", "?"));
		html_str(out, cairn_json_str(m, "id"));
		if (cairn_json_str(m, "package")) {
			cairn_buf_addstr(out, ": <code>");
			html_str(out, cairn_json_str(m, "package"));
			cairn_buf_addch(out, ' ');
			html_str(out, cairn_json_str(m, "version"));
			cairn_buf_addstr(out, "</code>");
		}
		cairn_buf_addstr(out, "</h2>\n<p>");
		html_str(out, cairn_json_str(m, "summary"));
		cairn_buf_addstr(out, "</p>\n<table><tr><th>Host</th><th>Root</th><th>First seen</th>"
				 "<th>Last seen</th><th>Gone by</th><th>Now</th></tr>\n");
		json_array_foreach(json_object_get(m, "hosts"), j, h) {
			json_array_foreach(json_object_get(h, "intervals"), k, iv) {
				int now = json_is_null(json_object_get(iv, "gone"));

				cairn_buf_addstr(out, "<tr><td><code>");
				html_str(out, cairn_json_str(h, "host"));
				cairn_buf_addstr(out, "</code></td><td><code>");
				html_str(out, cairn_json_str(h, "root"));
				cairn_buf_addstr(out, "</code></td><td>");
				html_str(out, point_str(iv, "first", &t));
				cairn_buf_addstr(out, "</td><td>");
				html_str(out, point_str(iv, "last", &t));
				cairn_buf_addstr(out, "</td><td>");
				html_str(out, point_str(iv, "gone", &t));
				cairn_buf_addf(out, "</td><td%s>%s</td></tr>\n", now ? " class=\"now\"" : "",
					       now ? "still present" : "gone");
			}
		}
		cairn_buf_addstr(out, "</table>\n");
	}
	cairn_buf_addstr(out, "</body></html>\n");
	cairn_buf_release(&t);
}
