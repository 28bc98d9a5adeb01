/*
 * prune.c - retention for the snapshot store (see prune.h).
 *
 * Order of work, so that a failure leaves a usable store: read everything
 * and decide (refusing merges and signatures) before the first write; write
 * the new commits and tag objects (new objects only, nothing removed);
 * move the refs; drop the reflog entries of the replaced commits; then
 * collect: one pack of what the refs reach, written and complete before
 * any old pack or loose object is unlinked.  A crash before the last step
 * leaves garbage, never a missing object.
 */
#include "prune.h"
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const rule_names[CAIRN_PRUNE__RULES] = {
	"newest", "daily", "weekly", "monthly", "tagged"
};

const char *cairn_prune_rule_name(int rule)
{
	return rule >= 0 && rule < CAIRN_PRUNE__RULES ? rule_names[rule] : "?";
}

/* ------------------------------------------------------------ policy */

/* The bucket of t for rule 1 (day), 2 (ISO 8601 week) or 3 (month), UTC. */
static int64_t bucket(int rule, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[16];

	if (rule == 1)
		return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	if (!gmtime_r(&tt, &tm))
		return INT64_MIN;
	if (rule == 2) {
		/* %G and %V: the ISO week-numbering year and week */
		strftime(buf, sizeof(buf), "%G%V", &tm);
		return strtoll(buf, NULL, 10);
	}
	return (int64_t)tm.tm_year * 12 + tm.tm_mon;
}

void cairn_prune_select(unsigned *reasons, const int64_t *times,
			const unsigned char *tagged, size_t n,
			const cairn_prune_policy *p)
{
	unsigned budget[4] = { 0, p->keep_daily, p->keep_weekly, p->keep_monthly };
	int64_t last[4] = { 0, 0, 0, 0 };
	int have[4] = { 0, 0, 0, 0 };
	size_t i;
	int r;

	/* restic's rule: walking from the newest, a snapshot is kept by a
	 * rule when it opens a bucket the rule has not seen, while the rule
	 * has buckets left */
	for (i = 0; i < n; i++) {
		reasons[i] = i == 0 ? CAIRN_PRUNE_NEWEST : 0;
		if (tagged && tagged[i])
			reasons[i] |= CAIRN_PRUNE_TAGGED;
		for (r = 1; r <= 3; r++) {
			int64_t k;

			if (!budget[r])
				continue;
			k = bucket(r, times[i]);
			if (have[r] && k == last[r])
				continue;
			reasons[i] |= 1u << r;
			budget[r]--;
			last[r] = k;
			have[r] = 1;
		}
	}
}

/* ------------------------------------------------------------ helpers */

static int git_fail(const char *what, const char *name)
{
	const git_error *e = git_error_last();

	return cairn_error_set(CAIRN_EEXTERNAL, "%s '%s': %s", what, name,
			       e && e->message ? e->message : "libgit2 error");
}

/* Bytes of the files below path (objects/ of a store). */
static uint64_t du(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	uint64_t total = 0;
	cairn_buf p = CAIRN_BUF_INIT;
	struct stat st;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		cairn_buf_clear(&p);
		cairn_buf_addf(&p, "%s/%s", path, de->d_name);
		if (lstat(p.data, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			total += du(p.data);
		else if (S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	closedir(d);
	cairn_buf_release(&p);
	return total;
}

/* A set of object ids (sorted array, binary search). */
struct oidset {
	git_oid *v;
	size_t n, cap;
	int sorted;
};

static void oidset_add(struct oidset *s, const git_oid *id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = cairn_realloc(s->v, s->cap * sizeof(*s->v));
	}
	git_oid_cpy(&s->v[s->n++], id);
	s->sorted = 0;
}

static int oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

static int oidset_has(struct oidset *s, const git_oid *id)
{
	if (!s->n)
		return 0;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), oid_cmp);
		s->sorted = 1;
	}
	return bsearch(id, s->v, s->n, sizeof(*s->v), oid_cmp) != NULL;
}

/* old commit -> its replacement */
struct rewrite {
	git_oid from, to;
};

struct tag {
	char *ref;             /* refs/tags/NAME */
	git_oid target;        /* what the ref points at */
	git_oid commit;        /* peeled */
	int annotated, protects, is_commit;
};

struct prune {
	git_repository *repo;
	const char *path;
	const cairn_prune_policy *p;
	cairn_prune_result *res;
	struct tag *tags;
	size_t ntags;
	struct rewrite *rw;
	size_t nrw;
	struct oidset doomed;  /* commits that no ref will reach */
};

static int glob_match(const cairn_prune_policy *p, const char *name)
{
	size_t i;

	if (!p->keep_tags)
		return 1;
	for (i = 0; i < p->keep_tag_count; i++)
		if (fnmatch(p->keep_tags[i], name, 0) == 0)
			return 1;
	return 0;
}

static int signed_message(const char *m)
{
	return m && (strstr(m, "-----BEGIN PGP SIGNATURE-----") ||
		     strstr(m, "-----BEGIN SSH SIGNATURE-----"));
}

static int load_tags(struct prune *pr)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int rc = 0;

	if (git_reference_iterator_glob_new(&it, pr->repo, "refs/tags/*") < 0)
		return git_fail("cannot list the tags of store", pr->path);
	while ((rc = git_reference_next(&ref, it)) == 0) {
		git_object *obj = NULL, *peeled = NULL;
		git_reference *direct = NULL;
		struct tag *t;
		const char *name = git_reference_name(ref);

		if (git_reference_resolve(&direct, ref) < 0 ||
		    git_object_lookup(&obj, pr->repo, git_reference_target(direct),
				      GIT_OBJECT_ANY) < 0) {
			git_reference_free(direct);
			git_reference_free(ref);
			continue;          /* a broken tag: git fsck's business */
		}
		git_reference_free(direct);
		pr->tags = cairn_realloc(pr->tags, (pr->ntags + 1) * sizeof(*pr->tags));
		t = &pr->tags[pr->ntags++];
		memset(t, 0, sizeof(*t));
		t->ref = cairn_strdup(name);
		git_oid_cpy(&t->target, git_object_id(obj));
		t->annotated = git_object_type(obj) == GIT_OBJECT_TAG;
		if (t->annotated) {
			git_tag *tg = (git_tag *)obj;

			if (signed_message(git_tag_message(tg))) {
				rc = cairn_error_set(CAIRN_EFORMAT, "store '%s': tag '%s' is signed; "
						     "pruning would move it and void the "
						     "signature", pr->path, name);
				git_object_free(obj);
				git_reference_free(ref);
				break;
			}
			if (git_tag_target_type(tg) != GIT_OBJECT_COMMIT) {
				git_object_free(obj);
				git_reference_free(ref);
				continue;  /* a tag of a tag or a tree: never moved */
			}
		}
		if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
			t->is_commit = 1;
			git_oid_cpy(&t->commit, git_object_id(peeled));
			t->protects = glob_match(pr->p, name + strlen("refs/tags/"));
		}
		git_object_free(peeled);
		git_object_free(obj);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return rc == GIT_ITEROVER ? 0 : rc;
}

static const git_oid *rewritten(const struct prune *pr, const git_oid *from)
{
	size_t i;

	for (i = 0; i < pr->nrw; i++)
		if (git_oid_equal(&pr->rw[i].from, from))
			return &pr->rw[i].to;
	return NULL;
}

/* A copy of commit c with parent (NULL: none); its id in out. */
static int copy_commit(struct prune *pr, git_oid *out, git_commit *c,
		       git_commit *parent)
{
	git_tree *tree = NULL;
	int rc;

	if (git_commit_tree(&tree, c) < 0)
		return git_fail("cannot read a commit of store", pr->path);
	rc = git_commit_create(out, pr->repo, NULL, git_commit_author(c),
			       git_commit_committer(c), git_commit_message_encoding(c),
			       git_commit_message_raw(c), tree, parent ? 1 : 0,
			       (const git_commit **)&parent);
	git_tree_free(tree);
	return rc < 0 ? git_fail("cannot write a commit into store", pr->path) : 0;
}

/* ------------------------------------------------------------ one branch */

static int prune_branch(struct prune *pr, const char *refname)
{
	git_revwalk *walk = NULL;
	git_commit **commits = NULL;
	git_commit *parent = NULL;
	int64_t *times = NULL;
	unsigned char *tagged = NULL;
	unsigned *reasons = NULL;
	cairn_prune_branch *b;
	git_oid id, tip, newtip;
	size_t n = 0, cap = 0, i, k;
	int rc = 0, r;

	pr->res->branches = cairn_realloc(pr->res->branches,
					  (pr->res->branch_count + 1) * sizeof(*b));
	b = &pr->res->branches[pr->res->branch_count++];
	memset(b, 0, sizeof(*b));
	b->name = cairn_strdup(refname + strlen("refs/heads/"));

	if (git_reference_name_to_id(&tip, pr->repo, refname) < 0 ||
	    git_revwalk_new(&walk, pr->repo) < 0 ||
	    git_revwalk_push(walk, &tip) < 0) {
		rc = git_fail("cannot read branch", refname);
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL);
	git_revwalk_simplify_first_parent(walk);
	while ((r = git_revwalk_next(&id, walk)) == 0) {
		git_commit *c;

		if (git_commit_lookup(&c, pr->repo, &id) < 0) {
			rc = git_fail("cannot read a commit of branch", refname);
			goto done;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			commits = cairn_realloc(commits, cap * sizeof(*commits));
		}
		commits[n++] = c;
		if (git_commit_parentcount(c) > 1) {
			rc = cairn_error_set(CAIRN_EFORMAT, "store '%s': branch '%s' has a "
					     "merge commit; cairn branches are linear",
					     pr->path, b->name);
			goto done;
		}
		{
			git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
			int s = git_commit_extract_signature(&sig, &data, pr->repo, &id, NULL);

			git_buf_dispose(&sig);
			git_buf_dispose(&data);
			if (s == 0) {
				rc = cairn_error_set(CAIRN_EFORMAT, "store '%s': branch '%s' has "
						     "a signed commit; pruning would void it",
						     pr->path, b->name);
				goto done;
			}
		}
	}
	if (r != GIT_ITEROVER) {
		rc = git_fail("cannot walk branch", refname);
		goto done;
	}
	times = cairn_calloc(n ? n : 1, sizeof(*times));
	tagged = cairn_calloc(n ? n : 1, 1);
	reasons = cairn_calloc(n ? n : 1, sizeof(*reasons));
	for (i = 0; i < n; i++) {
		times[i] = (int64_t)git_commit_author(commits[i])->when.time;
		for (k = 0; k < pr->ntags; k++)
			if (pr->tags[k].protects &&
			    git_oid_equal(&pr->tags[k].commit, git_commit_id(commits[i])))
				tagged[i] = 1;
	}
	cairn_prune_select(reasons, times, tagged, n, pr->p);
	b->snapshots = cairn_calloc(n ? n : 1, sizeof(*b->snapshots));
	b->count = n;
	for (i = 0; i < n; i++) {
		cairn_prune_snapshot *s = &b->snapshots[i];

		git_oid_tostr(s->commit, sizeof(s->commit), git_commit_id(commits[i]));
		s->time = times[i];
		s->reasons = reasons[i];
		if (reasons[i])
			b->kept++;
		for (k = 0; k < CAIRN_PRUNE__RULES; k++)
			if (reasons[i] & (1u << k))
				b->by_rule[k]++;
	}
	if (pr->p->dry_run || b->kept == n)
		goto done;

	/* oldest to newest: a kept commit whose parent is unchanged keeps its
	 * id; from the first dropped one on, each is re-created on the last
	 * kept one */
	for (i = n; i-- > 0;) {
		git_commit *c = commits[i];
		const git_oid *orig = git_commit_parentcount(c) ? git_commit_parent_id(c, 0) : NULL;
		const git_oid *want = parent ? git_commit_id(parent) : NULL;
		git_commit *next;

		if (!reasons[i]) {
			oidset_add(&pr->doomed, git_commit_id(c));
			continue;
		}
		if ((!orig && !want) || (orig && want && git_oid_equal(orig, want))) {
			git_oid_cpy(&newtip, git_commit_id(c));
		} else {
			if ((rc = copy_commit(pr, &newtip, c, parent)) < 0)
				goto done;
			pr->rw = cairn_realloc(pr->rw, (pr->nrw + 1) * sizeof(*pr->rw));
			git_oid_cpy(&pr->rw[pr->nrw].from, git_commit_id(c));
			git_oid_cpy(&pr->rw[pr->nrw].to, &newtip);
			pr->nrw++;
			oidset_add(&pr->doomed, git_commit_id(c));
		}
		git_oid_tostr(b->snapshots[i].new_commit, 41, &newtip);
		if (git_commit_lookup(&next, pr->repo, &newtip) < 0) {
			rc = git_fail("cannot read a commit of store", pr->path);
			goto done;
		}
		git_commit_free(parent);
		parent = next;
	}
	{
		git_reference *ref = NULL;

		/* only if nobody moved the branch meanwhile (the lock keeps
		 * cairn-snap out; a git push is not) */
		if (git_reference_create_matching(&ref, pr->repo, refname, &newtip, 1, &tip,
						  "cairn: prune") < 0) {
			rc = git_fail("cannot move branch", refname);
			goto done;
		}
		git_reference_free(ref);
	}
done:
	for (i = 0; i < n; i++)
		git_commit_free(commits[i]);
	free(commits);
	git_commit_free(parent);
	git_revwalk_free(walk);
	free(times);
	free(tagged);
	free(reasons);
	return rc;
}

/* ------------------------------------------------------------ tags */

static int move_tag(struct prune *pr, struct tag *t, const git_oid *commit_id)
{
	git_reference *ref = NULL;
	git_oid target;
	const char *name = t->ref + strlen("refs/tags/");
	int rc = 0;

	if (t->annotated) {
		git_tag *old = NULL;
		git_object *commit = NULL;

		if (git_tag_lookup(&old, pr->repo, &t->target) < 0 ||
		    git_object_lookup(&commit, pr->repo, commit_id, GIT_OBJECT_COMMIT) < 0 ||
		    git_tag_annotation_create(&target, pr->repo, name, commit,
					      git_tag_tagger(old), git_tag_message(old)) < 0)
			rc = git_fail("cannot re-create tag", name);
		git_object_free(commit);
		git_tag_free(old);
		if (rc < 0)
			return rc;
	} else {
		git_oid_cpy(&target, commit_id);
	}
	if (git_reference_create_matching(&ref, pr->repo, t->ref, &target, 1, &t->target,
					  "cairn: prune") < 0)
		return git_fail("cannot move tag", name);
	git_reference_free(ref);
	/* the replaced tag object goes with the collection: so do the
	 * reflog entries that name it */
	if (t->annotated)
		oidset_add(&pr->doomed, &t->target);
	return 0;
}

static int fix_tags(struct prune *pr)
{
	size_t i;
	int rc;

	for (i = 0; i < pr->ntags; i++) {
		struct tag *t = &pr->tags[i];
		const git_oid *to;

		if (!t->is_commit)
			continue;
		if ((to = rewritten(pr, &t->commit))) {
			if ((rc = move_tag(pr, t, to)) < 0)
				return rc;
			pr->res->tags_moved++;
		} else if (oidset_has(&pr->doomed, &t->commit)) {
			/* a tag outside --keep-tag on a dropped snapshot: it
			 * keeps naming that snapshot, and only that */
			git_commit *c = NULL;
			git_oid copy;

			if (git_commit_lookup(&c, pr->repo, &t->commit) < 0)
				return git_fail("cannot read a commit of store", pr->path);
			rc = copy_commit(pr, &copy, c, NULL);
			git_commit_free(c);
			if (rc < 0 || (rc = move_tag(pr, t, &copy)) < 0)
				return rc;
			pr->res->tags_rerooted++;
		}
	}
	return 0;
}

/* Drop reflog entries that name a replaced commit or tag object: they
 * would point at nothing after the collection, which git fsck reports. */
static int clean_reflog(struct prune *pr, const char *name)
{
	git_reflog *log = NULL;
	size_t i;
	int changed = 0, rc = 0;

	if (git_reflog_read(&log, pr->repo, name) < 0)
		return 0;
	for (i = git_reflog_entrycount(log); i-- > 0;) {
		const git_reflog_entry *e = git_reflog_entry_byindex(log, i);

		if (oidset_has(&pr->doomed, git_reflog_entry_id_old(e)) ||
		    oidset_has(&pr->doomed, git_reflog_entry_id_new(e))) {
			git_reflog_drop(log, i, 1);
			changed = 1;
		}
	}
	if (changed && git_reflog_write(log) < 0)
		rc = git_fail("cannot rewrite the reflog of", name);
	git_reflog_free(log);
	return rc;
}

static int clean_reflogs(struct prune *pr)
{
	git_reference_iterator *it = NULL;
	const char *name;
	int rc;

	if ((rc = clean_reflog(pr, "HEAD")) < 0)
		return rc;
	if (git_reference_iterator_new(&it, pr->repo) < 0)
		return git_fail("cannot list the refs of store", pr->path);
	while (git_reference_next_name(&name, it) == 0)
		if ((rc = clean_reflog(pr, name)) < 0)
			break;
	git_reference_iterator_free(it);
	return rc;
}

/* ------------------------------------------------------------ collection */

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Every object a ref reaches, into pb: commits with their history, trees
 * and blobs (the walk); annotated tags and refs to trees or blobs too. */
static int fill_pack(struct prune *pr, git_packbuilder *pb)
{
	git_revwalk *walk = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int rc = 0;

	if (git_revwalk_new(&walk, pr->repo) < 0 ||
	    git_revwalk_push_glob(walk, "refs/*") < 0) {
		rc = git_fail("cannot walk store", pr->path);
		goto done;
	}
	git_revwalk_push_head(walk);   /* none in an empty store */
	if (git_packbuilder_insert_walk(pb, walk) < 0) {
		rc = git_fail("cannot pack store", pr->path);
		goto done;
	}
	if (git_reference_iterator_new(&it, pr->repo) < 0) {
		rc = git_fail("cannot list the refs of store", pr->path);
		goto done;
	}
	while (git_reference_next(&ref, it) == 0) {
		git_object *obj = NULL;

		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    git_object_lookup(&obj, pr->repo, git_reference_target(ref),
				      GIT_OBJECT_ANY) == 0 &&
		    git_object_type(obj) != GIT_OBJECT_COMMIT &&
		    git_packbuilder_insert_recur(pb, git_object_id(obj), NULL) < 0)
			rc = git_fail("cannot pack a ref of store", git_reference_name(ref));
		git_object_free(obj);
		git_reference_free(ref);
		if (rc < 0)
			break;
	}
done:
	git_reference_iterator_free(it);
	git_revwalk_free(walk);
	return rc;
}

/* a < b for two file-system times */
static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void unlink_loose(const char *objects, const struct timespec *start)
{
	DIR *d = opendir(objects), *sub;
	struct dirent *de, *se;
	cairn_buf p = CAIRN_BUF_INIT;
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t dirlen;

		if (strlen(de->d_name) != 2 || !strchr("0123456789abcdef", de->d_name[0]) ||
		    !strchr("0123456789abcdef", de->d_name[1]))
			continue;
		cairn_buf_clear(&p);
		cairn_buf_addf(&p, "%s/%s", objects, de->d_name);
		dirlen = p.len;
		if (!(sub = opendir(p.data)))
			continue;
		while ((se = readdir(sub))) {
			if (strlen(se->d_name) != 38)
				continue;
			p.len = dirlen;
			cairn_buf_addf(&p, "/%s", se->d_name);
			/* an object written after the prune began belongs to a
			 * writer the lock does not see (a git push): keep it */
			if (lstat(p.data, &st) == 0 && S_ISREG(st.st_mode) &&
			    ts_before(&st.st_mtim, start))
				unlink(p.data);
		}
		closedir(sub);
		p.len = dirlen;
		p.data[p.len] = '\0';
		rmdir(p.data);             /* when empty */
	}
	closedir(d);
	cairn_buf_release(&p);
}

static int collect(struct prune *pr)
{
	static const char *const exts[] = { ".pack", ".idx", ".rev", ".bitmap", ".mtimes",
					    ".promisor" };
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	cairn_buf dir = CAIRN_BUF_INIT, objects = CAIRN_BUF_INIT, f = CAIRN_BUF_INIT;
	char **old = NULL;
	size_t nold = 0, i, e;
	const char *newname = NULL;
	DIR *d;
	struct dirent *de;
	struct timespec start;
	int rc = 0;

	/* Every object written before this instant that a ref reaches goes
	 * into the new pack; one written after it (by a git push the lock does
	 * not stop) is left alone.  The kernel stamps files from its coarse
	 * clock, so a file written later never carries an earlier time. */
	clock_gettime(CLOCK_REALTIME_COARSE, &start);

	cairn_buf_addf(&objects, "%sobjects", git_repository_path(pr->repo));
	cairn_buf_addf(&dir, "%s/pack", objects.data);
	/* the packs there now (a pack with a .keep is kept, as git does) */
	if ((d = opendir(dir.data))) {
		while ((de = readdir(d))) {
			if (!has_suffix(de->d_name, ".pack"))
				continue;
			cairn_buf_clear(&f);
			cairn_buf_addf(&f, "%s/%.*s.keep", dir.data,
				       (int)(strlen(de->d_name) - 5), de->d_name);
			if (access(f.data, F_OK) == 0)
				continue;
			old = cairn_realloc(old, (nold + 1) * sizeof(*old));
			old[nold++] = cairn_strndup(de->d_name, strlen(de->d_name) - 5);
		}
		closedir(d);
	}
	if (git_packbuilder_new(&pb, pr->repo) < 0) {
		rc = git_fail("cannot pack store", pr->path);
		goto done;
	}
	if ((rc = fill_pack(pr, pb)) < 0)
		goto done;
	if (git_packbuilder_object_count(pb) > 0) {
		if (git_packbuilder_write(pb, dir.data, 0, NULL, NULL) < 0) {
			rc = git_fail("cannot write a pack into store", pr->path);
			goto done;
		}
		newname = git_packbuilder_name(pb);
	}
	/* the new pack is complete on disk: now the rest may go */
	for (i = 0; i < nold; i++) {
		if (newname && !strcmp(old[i] + strlen("pack-"), newname))
			continue;          /* the same objects, the same pack */
		for (e = 0; e < sizeof(exts) / sizeof(exts[0]); e++) {
			cairn_buf_clear(&f);
			cairn_buf_addf(&f, "%s/%s%s", dir.data, old[i], exts[e]);
			unlink(f.data);
		}
	}
	unlink_loose(objects.data, &start);
	/* caches of what the old packs held */
	cairn_buf_clear(&f);
	cairn_buf_addf(&f, "%s/info/commit-graph", objects.data);
	unlink(f.data);
	cairn_buf_clear(&f);
	cairn_buf_addf(&f, "%s/multi-pack-index", dir.data);
	unlink(f.data);
	if (git_repository_odb(&odb, pr->repo) == 0) {
		git_odb_refresh(odb);
		git_odb_free(odb);
	}
done:
	for (i = 0; i < nold; i++)
		free(old[i]);
	free(old);
	git_packbuilder_free(pb);
	cairn_buf_release(&dir);
	cairn_buf_release(&objects);
	cairn_buf_release(&f);
	return rc;
}

/* ------------------------------------------------------------ entry */

int cairn_store_prune(cairn_prune_result **out, const char *repo_path,
		      const cairn_prune_policy *policy)
{
	struct prune pr;
	git_reference_iterator *it = NULL;
	const char *name;
	char **branches = NULL;
	size_t nb = 0, i;
	cairn_buf objects = CAIRN_BUF_INIT;
	int lock = -1, rc = 0;

	*out = NULL;
	memset(&pr, 0, sizeof(pr));
	pr.path = repo_path;
	pr.p = policy;
	pr.res = cairn_calloc(1, sizeof(*pr.res));
	pr.res->dry_run = policy->dry_run;
	git_libgit2_init();
	if (git_repository_open_ext(&pr.repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = git_fail("cannot open git repository", repo_path);
		goto done;
	}
	lock = cairn_store_lock(git_repository_path(pr.repo), !policy->dry_run);
	if (lock < 0 && !policy->dry_run) {
		rc = cairn_error_set(CAIRN_EIO, "store '%s': cannot lock it: %s", repo_path,
				     strerror(errno));
		goto done;
	}
	cairn_buf_addf(&objects, "%sobjects", git_repository_path(pr.repo));
	pr.res->bytes_before = du(objects.data);
	if ((rc = load_tags(&pr)) < 0)
		goto done;
	/* the branch names first: prune_branch moves refs */
	if (git_reference_iterator_glob_new(&it, pr.repo, "refs/heads/cairn/*") < 0) {
		rc = git_fail("cannot list the branches of store", repo_path);
		goto done;
	}
	while (git_reference_next_name(&name, it) == 0) {
		branches = cairn_realloc(branches, (nb + 1) * sizeof(*branches));
		branches[nb++] = cairn_strdup(name);
	}
	git_reference_iterator_free(it);
	for (i = 0; i < nb; i++)
		if ((rc = prune_branch(&pr, branches[i])) < 0)
			goto done;
	if (!policy->dry_run) {
		if ((rc = fix_tags(&pr)) < 0 || (rc = clean_reflogs(&pr)) < 0 ||
		    (rc = collect(&pr)) < 0)
			goto done;
	}
	pr.res->bytes_after = policy->dry_run ? pr.res->bytes_before : du(objects.data);
done:
	if (rc < 0) {
		cairn_prune_result_free(pr.res);
		pr.res = NULL;
	}
	*out = pr.res;
	for (i = 0; i < nb; i++)
		free(branches[i]);
	free(branches);
	for (i = 0; i < pr.ntags; i++)
		free(pr.tags[i].ref);
	free(pr.tags);
	free(pr.rw);
	free(pr.doomed.v);
	cairn_buf_release(&objects);
	if (lock >= 0)
		close(lock);
	git_repository_free(pr.repo);
	git_libgit2_shutdown();
	return rc;
}

void cairn_prune_result_free(cairn_prune_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->branch_count; i++) {
		free(r->branches[i].name);
		free(r->branches[i].snapshots);
	}
	free(r->branches);
	free(r);
}

json_t *cairn_prune_result_json(const cairn_prune_result *r)
{
	json_t *doc = json_object(), *branches = json_array();
	size_t i, j;
	int k;

	json_object_set_new(doc, "dry_run", json_boolean(r->dry_run));
	for (i = 0; i < r->branch_count; i++) {
		const cairn_prune_branch *b = &r->branches[i];
		json_t *jb = json_object(), *by = json_object(), *list = json_array();

		json_object_set_new(jb, "branch", json_string(b->name));
		json_object_set_new(jb, "snapshots", json_integer((json_int_t)b->count));
		json_object_set_new(jb, "kept", json_integer((json_int_t)b->kept));
		json_object_set_new(jb, "dropped", json_integer((json_int_t)(b->count - b->kept)));
		for (k = 0; k < CAIRN_PRUNE__RULES; k++)
			json_object_set_new(by, rule_names[k], json_integer((json_int_t)b->by_rule[k]));
		json_object_set_new(jb, "kept_by", by);
		for (j = 0; j < b->count; j++) {
			const cairn_prune_snapshot *s = &b->snapshots[j];
			json_t *js = json_object(), *reasons = json_array();
			char when[32];
			struct tm tm;
			time_t t = (time_t)s->time;

			if (gmtime_r(&t, &tm))
				strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
			else
				strcpy(when, "?");
			json_object_set_new(js, "commit", json_string(s->commit));
			if (s->new_commit[0])
				json_object_set_new(js, "new_commit", json_string(s->new_commit));
			json_object_set_new(js, "created", json_string(when));
			json_object_set_new(js, "keep", json_boolean(s->reasons != 0));
			for (k = 0; k < CAIRN_PRUNE__RULES; k++)
				if (s->reasons & (1u << k))
					json_array_append_new(reasons, json_string(rule_names[k]));
			json_object_set_new(js, "reasons", reasons);
			json_array_append_new(list, js);
		}
		json_object_set_new(jb, "snapshots_list", list);
		json_array_append_new(branches, jb);
	}
	json_object_set_new(doc, "branches", branches);
	json_object_set_new(doc, "tags_moved", json_integer((json_int_t)r->tags_moved));
	json_object_set_new(doc, "tags_rerooted", json_integer((json_int_t)r->tags_rerooted));
	json_object_set_new(doc, "bytes_before", json_integer((json_int_t)r->bytes_before));
	json_object_set_new(doc, "bytes_after", json_integer((json_int_t)r->bytes_after));
	return doc;
}
