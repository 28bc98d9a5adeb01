/*
 * diff.c - streaming merge of two path-sorted entry streams, and the
 * comparison of the non-entry records (see diff.h).
 *
 * Both snapshots list entries in cairn_path_cmp() order (docs/FORMAT.md),
 * so one pass with two cursors finds every addition, removal and change.
 * Changes go to one unlinked temporary file per kind; nothing is handed to
 * the caller before both inputs returned their verified end.
 */
#include "analyze.h"
#include "diff.h"
#include "hash.h"
#include "walk.h"

#include <errno.h>
#include <pthread.h>
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Non-entry records of one side held in memory: a hostile file could hold
 * millions, so cap them. */
#define MAX_RECORDS 400000

static const char *const kind_names[CAIRN_DIFF__KINDS] = {
	"added", "removed", "modified", "metadata", "unreadable"
};

static const char *const rec_change_names[CAIRN_RC__COUNT] = {
	"added", "removed", "version-changed", "same-version-different-content",
	"resolved-changed", "scripts-changed", "lock-drift-appeared",
	"files-mismatch-appeared", "value-changed", "command-changed", "changed"
};

static const char *const what_names[CAIRN_DW__COUNT] = {
	"content", "type", "mode", "owner", "target", "mtime", "xattr", "rdev",
	"error"
};

const char *cairn_diff_kind_name(int kind)
{
	if (kind < 0 || kind >= CAIRN_DIFF__KINDS)
		return NULL;
	return kind_names[kind];
}

static int name_index(const char *const *names, int count, const char *name)
{
	int i;

	for (i = 0; name && i < count; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

int cairn_diff_kind_parse(const char *name)
{
	return name_index(kind_names, CAIRN_DIFF__KINDS, name);
}

const char *cairn_rec_change_name(int change)
{
	if (change < 0 || change >= CAIRN_RC__COUNT)
		return NULL;
	return rec_change_names[change];
}

int cairn_rec_change_parse(const char *name)
{
	return name_index(rec_change_names, CAIRN_RC__COUNT, name);
}

const char *cairn_diff_what_name(unsigned bit)
{
	int i;

	for (i = 0; i < CAIRN_DW__COUNT; i++)
		if (bit == (1u << i))
			return what_names[i];
	return NULL;
}

struct rec_change {
	char *type, *key;
	int change;               /* enum cairn_rec_change */
	int red_flag;
	json_t *old, *new, *fields;
};

struct cairn_diff {
	char *label[2];
	json_t *header[2];
	json_t *records[2];             /* non-entry records of each side */
	int live;
	FILE *spool[CAIRN_DIFF__KINDS];
	cairn_diff_counts counts;
	cairn_diff_record_change *rc;   /* public view of recs */
	struct rec_change *recs;
	size_t rec_count, rec_cap;
	cairn_buf line, tmp;            /* spool_change()'s scratch */
};

/* ------------------------------------------------------------ entries */

static int xattrs_equal(const cairn_entry *a, const cairn_entry *b)
{
	size_t i;

	if (a->xattr_count != b->xattr_count)
		return 0;
	for (i = 0; i < a->xattr_count; i++)
		if (strcmp(a->xattrs[i].name, b->xattrs[i].name) ||
		    a->xattrs[i].size != b->xattrs[i].size ||
		    memcmp(a->xattrs[i].sha256, b->xattrs[i].sha256, 32))
			return 0;
	return 1;
}

unsigned cairn_diff_entries(const cairn_entry *old, const cairn_entry *new,
			    int report_mtime, int *kind)
{
	unsigned what = 0;

	if (old->type != new->type) {
		what |= CAIRN_DW_TYPE;
	} else if (old->type == CAIRN_T_FILE) {
		if (old->size != new->size)
			what |= CAIRN_DW_CONTENT;
		else if ((old->flags & CAIRN_EF_HASHED) && (new->flags & CAIRN_EF_HASHED) &&
			 memcmp(old->sha256, new->sha256, 32))
			what |= CAIRN_DW_CONTENT;
	} else if (old->type == CAIRN_T_SYMLINK) {
		if (old->target_len != new->target_len ||
		    (old->target_len && memcmp(old->target, new->target, old->target_len)))
			what |= CAIRN_DW_TARGET;
	} else if (old->type == CAIRN_T_CHR || old->type == CAIRN_T_BLK) {
		if (old->rdev != new->rdev)
			what |= CAIRN_DW_RDEV;
	}
	if ((old->mode & 07777) != (new->mode & 07777))
		what |= CAIRN_DW_MODE;
	if (old->uid != new->uid || old->gid != new->gid)
		what |= CAIRN_DW_OWNER;
	if (old->mtime_sec != new->mtime_sec || old->mtime_nsec != new->mtime_nsec)
		what |= CAIRN_DW_MTIME;
	if (!xattrs_equal(old, new))
		what |= CAIRN_DW_XATTR;
	if (!old->err != !new->err)
		what |= CAIRN_DW_ERROR;

	if (new->err && !old->err)
		*kind = CAIRN_DIFF_UNREADABLE;
	else if (what & (CAIRN_DW_TYPE | CAIRN_DW_CONTENT))
		*kind = CAIRN_DIFF_MODIFIED;
	else if (what & ~(unsigned)CAIRN_DW_MTIME)
		*kind = CAIRN_DIFF_METADATA;
	else if ((what & CAIRN_DW_MTIME) && report_mtime)
		*kind = CAIRN_DIFF_METADATA;
	else
		*kind = -1;
	return what;
}

static json_t *entry_json_bare(const cairn_entry *e)
{
	json_t *o = cairn_entry_to_json(e);

	json_object_del(o, "type");
	return o;
}

json_t *cairn_diff_change_json(int kind, unsigned what, const cairn_entry *old,
			       const cairn_entry *new)
{
	const cairn_entry *any = new ? new : old;
	json_t *o = json_object(), *w = json_array();
	int i;

	cairn_json_set_bytes(o, "path", any->path, any->path_len);
	json_object_set_new(o, "change", json_string(kind_names[kind]));
	for (i = 0; i < CAIRN_DW__COUNT; i++)
		if (what & (1u << i))
			json_array_append_new(w, json_string(what_names[i]));
	json_object_set_new(o, "what", w);
	json_object_set_new(o, "old", old ? entry_json_bare(old) : json_null());
	json_object_set_new(o, "new", new ? entry_json_bare(new) : json_null());
	return o;
}

/* ------------------------------------------------------------ sources */

struct source {
	const char *label;
	cairn_snap_reader *r;            /* snapshot side */
	cairn_walker *w;                 /* live side */
	cairn_hasher *h;
	cairn_analyzer *an;              /* live side: package records */
	cairn_entry live;
	cairn_entry cur;                 /* snapshot side: borrowed fields */
	json_t *records;                 /* array of non-entry records */
	uint64_t entries;
	int side;                        /* 0 old, 1 new */
	cairn_buf tmp;                   /* reading thread's scratch */
};

/*
 * One entry of a side as the merge sees it.  From a snapshot, the record's
 * line is kept (in the batch's arena) and most entries are not parsed yet:
 * two snapshots of one tree share most of their lines byte for byte, and an
 * identical line is an identical entry.  The merge parses a line only when
 * it needs the fields (item_parse()).
 */
struct item {
	cairn_entry e;            /* valid when parsed */
	int parsed;
	int checked;              /* line validated (or parsed) */
	int has_line;             /* line_off/line_len: the record's line */
	size_t line_off, line_len;
	size_t path_off, path_len;/* unparsed: the framed path, in the line */
	int type;                 /* the entry's type (framed or parsed) */
	long long number;         /* record number, for error messages */
};

/* Live side: the next walked (and hashed) entry into it. */
static int live_next(struct source *s, struct item *it)
{
	int rc, fd = -1;

	rc = cairn_walker_next(s->w, &s->live);
	if (rc <= 0)
		return rc;
	if (s->live.type == CAIRN_T_FILE && !s->live.err) {
		if ((rc = cairn_walker_open(s->w, &s->live, &fd)) < 0)
			return rc;
		if (fd >= 0) {
			/* a read error is recorded in the entry itself */
			cairn_hash_fd(s->h, fd, &s->live, NULL);
			close(fd);
		}
	}
	if (s->an)
		cairn_analyzer_observe(s->an, &s->live);
	s->entries++;
	cairn_entry_release(&it->e);
	it->e = s->live;              /* moves: the walker re-fills it */
	cairn_entry_init(&s->live);
	it->parsed = 1;
	it->checked = 1;
	it->has_line = 0;
	it->type = it->e.type;
	it->number = 0;
	return 1;
}

/* A parsed entry must be what its line was framed as (ordered and counted
 * by). */
static int framing_agrees(const struct source *s, const struct item *it,
			  const char *path, size_t len)
{
	if (it->e.type != it->type || it->e.path_len != len ||
	    memcmp(it->e.path, path, len))
		return cairn_error_set(CAIRN_EFORMAT, "snapshot '%s': record %lld: "
				       "path or kind is not what it seemed",
				       s->label, it->number);
	return 0;
}

/* A framed line that is not canonical: parse it now, for its error. */
static int check_framed(struct source *s, struct item *it, const cairn_buf *arena)
{
	int rc;

	rc = cairn_snap_parse_entry(&it->e, s->label, it->number,
				    arena->data + it->line_off, it->line_len, &s->tmp);
	if (rc < 0)
		return rc;
	it->parsed = it->checked = 1;
	return framing_agrees(s, it, arena->data + it->path_off, it->path_len);
}

/* Snapshot side: the next entry, its line copied to arena; non-entry
 * records are collected on the way. */
static int snapshot_next(struct source *s, struct item *it, cairn_buf *arena)
{
	cairn_record rec;
	int rc;

	for (;;) {
		rc = cairn_snap_reader_next(s->r, &rec);
		if (rc <= 0)
			return rc;
		if (rec.kind == CAIRN_REC_ENTRY)
			break;
		if (json_array_size(s->records) >= MAX_RECORDS)
			return cairn_error_set(CAIRN_ELIMIT, "snapshot '%s': more than %d "
					       "non-entry records", s->label, MAX_RECORDS);
		json_array_append(s->records, rec.json);
	}
	s->entries++;
	it->checked = 0;
	it->has_line = 1;
	it->line_off = arena->len;
	it->line_len = rec.line_len;
	it->number = rec.number;
	cairn_buf_add(arena, rec.line, rec.line_len);
	if (rec.raw) {
		if (it->parsed)
			cairn_entry_release(&it->e);
		it->parsed = 0;
		it->path_off = it->line_off + (size_t)(rec.raw_path - rec.line);
		it->path_len = rec.raw_path_len;
		it->type = rec.raw_type;
		/* Lines the same on both sides need validating once: each
		 * side's thread takes the paths of one hash parity, so that
		 * the work is split and the merge does none of it. */
		if ((XXH3_64bits(rec.raw_path, rec.raw_path_len) & 1) == (unsigned)s->side) {
			if (cairn_snap_entry_canonical(rec.line, rec.line_len, &s->tmp))
				it->checked = 1;
			else if ((rc = check_framed(s, it, arena)) < 0)
				return rc;
		}
	} else {
		/* the reader parsed it: the entry moves into the item */
		cairn_snap_reader_take_entry(s->r, &it->e);
		it->parsed = 1;
		it->checked = 1;
		it->type = it->e.type;
	}
	return 1;
}

/* ------------------------------------------------------------ prefetch */

/*
 * Each side is read on its own thread (decompression and SHA-256 are most
 * of the cost, and the two sides are independent); entries go in batches
 * to the merging thread through a small bounded queue, so memory stays
 * flat.  A failing side stores its message (the error message is per
 * thread) and the merge re-raises it.
 */
#define BATCH 512
#define QUEUE 4

struct batch {
	struct item it[BATCH];
	size_t n;
	cairn_buf arena;          /* the items' lines */
};

struct prefetch {
	struct source *src;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *q[QUEUE];   /* filled batches, FIFO */
	size_t q_head, q_len;
	struct batch *free_list[QUEUE + 2];
	size_t free_len;
	int done;                 /* producer finished (rc valid) */
	int stop;                 /* consumer gave up */
	int rc;
	char msg[1024];
	struct batch *cur;        /* consumer's batch */
	size_t pos;
	int started;
	cairn_buf tmp;            /* consumer's parsing scratch */
};

static void *prefetch_main(void *arg)
{
	struct prefetch *pf = arg;
	struct batch *b = NULL;
	int rc;

	for (;;) {
		if (!b) {
			pthread_mutex_lock(&pf->mu);
			while (!pf->free_len && !pf->stop)
				pthread_cond_wait(&pf->cv, &pf->mu);
			if (pf->stop) {
				pthread_mutex_unlock(&pf->mu);
				return NULL;
			}
			b = pf->free_list[--pf->free_len];
			pthread_mutex_unlock(&pf->mu);
			b->n = 0;
			cairn_buf_clear(&b->arena);
		}
		if (pf->src->r)
			rc = snapshot_next(pf->src, &b->it[b->n], &b->arena);
		else
			rc = live_next(pf->src, &b->it[b->n]);
		if (rc > 0)
			b->n++;
		if (rc <= 0 || b->n == BATCH) {
			pthread_mutex_lock(&pf->mu);
			while (pf->q_len == QUEUE && !pf->stop)
				pthread_cond_wait(&pf->cv, &pf->mu);
			if (pf->stop) {
				/* hand the batch back: prefetch_finish frees them all */
				pf->free_list[pf->free_len++] = b;
				pthread_mutex_unlock(&pf->mu);
				return NULL;
			}
			if (b->n) {
				pf->q[(pf->q_head + pf->q_len) % QUEUE] = b;
				pf->q_len++;
				b = NULL;
			}
			if (rc <= 0) {
				pf->rc = rc;
				if (rc < 0)
					snprintf(pf->msg, sizeof(pf->msg), "%s",
						 cairn_error_last());
				pf->done = 1;
			}
			pthread_cond_broadcast(&pf->cv);
			pthread_mutex_unlock(&pf->mu);
			if (rc <= 0) {
				if (b) {
					pthread_mutex_lock(&pf->mu);
					pf->free_list[pf->free_len++] = b;
					pthread_mutex_unlock(&pf->mu);
				}
				return NULL;
			}
		}
	}
}

static int prefetch_start(struct prefetch *pf, struct source *src)
{
	size_t i;

	memset(pf, 0, sizeof(*pf));
	pf->src = src;
	cairn_buf_init(&pf->tmp);
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->cv, NULL);
	for (i = 0; i < QUEUE + 1; i++)
		pf->free_list[pf->free_len++] = cairn_calloc(1, sizeof(struct batch));
	if (src->r)
		cairn_snap_reader_set_raw(src->r, 1);
	if (pthread_create(&pf->th, NULL, prefetch_main, pf) != 0)
		return cairn_error_set(CAIRN_EIO, "cannot start a reader "
				       "thread: %s", strerror(errno));
	pf->started = 1;
	return 0;
}

/* The next item from the queue: 1, 0 at the verified end, negative. */
static int prefetch_next(struct prefetch *pf, struct item **out)
{
	if (pf->cur && pf->pos < pf->cur->n) {
		*out = &pf->cur->it[pf->pos++];
		return 1;
	}
	pthread_mutex_lock(&pf->mu);
	if (pf->cur) {
		pf->free_list[pf->free_len++] = pf->cur;
		pf->cur = NULL;
		pthread_cond_broadcast(&pf->cv);
	}
	while (!pf->q_len && !pf->done)
		pthread_cond_wait(&pf->cv, &pf->mu);
	if (pf->q_len) {
		pf->cur = pf->q[pf->q_head];
		pf->q_head = (pf->q_head + 1) % QUEUE;
		pf->q_len--;
		pf->pos = 0;
		pthread_cond_broadcast(&pf->cv);
		pthread_mutex_unlock(&pf->mu);
		*out = &pf->cur->it[pf->pos++];
		return 1;
	}
	pthread_mutex_unlock(&pf->mu);
	if (pf->rc < 0)
		return cairn_error_set(pf->rc, "%s", pf->msg);
	return 0;
}

/* Items of the consumer's current batch: their line and path. */
static const char *item_line(const struct prefetch *pf, const struct item *it)
{
	return pf->cur->arena.data + it->line_off;
}

static const char *item_path(const struct prefetch *pf, const struct item *it,
			     size_t *len)
{
	if (it->parsed) {
		*len = it->e.path_len;
		return it->e.path;
	}
	*len = it->path_len;
	return pf->cur->arena.data + it->path_off;
}

/*
 * Parse an item's line (every check the reader would have made), and make
 * sure the fields it was ordered and counted by are what the parse found.
 */
static int item_parse(struct prefetch *pf, struct item *it)
{
	const char *path;
	size_t len;
	int rc;

	if (it->parsed)
		return 0;
	path = item_path(pf, it, &len);
	rc = cairn_snap_parse_entry(&it->e, pf->src->label, it->number,
				    item_line(pf, it), it->line_len, &pf->tmp);
	if (rc < 0)
		return rc;
	it->parsed = it->checked = 1;
	return framing_agrees(pf->src, it, path, len);
}

/* Validate an item's line without keeping the fields: a canonical line is
 * consistent with its framing by construction (the framing read the same
 * bytes); anything else gets the full parse and its cross-check. */
static int item_check(struct prefetch *pf, struct item *it)
{
	if (it->checked || cairn_snap_entry_canonical(item_line(pf, it), it->line_len,
						     &pf->tmp))
		return 0;
	return item_parse(pf, it);
}

/* Stop (if still running) and join the producer, free the batches. */
static void prefetch_finish(struct prefetch *pf)
{
	size_t i, k;

	if (pf->started) {
		pthread_mutex_lock(&pf->mu);
		pf->stop = 1;
		pthread_cond_broadcast(&pf->cv);
		pthread_mutex_unlock(&pf->mu);
		pthread_join(pf->th, NULL);
	}
	if (pf->cur)
		pf->free_list[pf->free_len++] = pf->cur;
	for (i = 0; i < pf->q_len; i++)
		pf->free_list[pf->free_len++] = pf->q[(pf->q_head + i) % QUEUE];
	for (i = 0; i < pf->free_len; i++) {
		for (k = 0; k < BATCH; k++)
			cairn_entry_release(&pf->free_list[i]->it[k].e);
		cairn_buf_release(&pf->free_list[i]->arena);
		free(pf->free_list[i]);
	}
	cairn_buf_release(&pf->tmp);
	if (pf->src)
		cairn_buf_release(&pf->src->tmp);
	pthread_mutex_destroy(&pf->mu);
	pthread_cond_destroy(&pf->cv);
}

/* ------------------------------------------------------------ result */

static cairn_diff *diff_new(const char *old_label, const char *new_label)
{
	cairn_diff *d = cairn_calloc(1, sizeof(*d));

	d->label[0] = cairn_strdup(old_label);
	d->label[1] = cairn_strdup(new_label);
	return d;
}

void cairn_diff_free(cairn_diff *d)
{
	size_t i;
	int k;

	if (!d)
		return;
	for (k = 0; k < 2; k++) {
		free(d->label[k]);
		json_decref(d->header[k]);
		json_decref(d->records[k]);
	}
	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		if (d->spool[k])
			fclose(d->spool[k]);
	for (i = 0; i < d->rec_count; i++) {
		free(d->recs[i].type);
		free(d->recs[i].key);
		json_decref(d->recs[i].old);
		json_decref(d->recs[i].new);
		json_decref(d->recs[i].fields);
	}
	free(d->recs);
	free(d->rc);
	cairn_buf_release(&d->line);
	cairn_buf_release(&d->tmp);
	free(d);
}

/* The entry's record without its "type" member, appended to b. */
static void add_bare_entry(cairn_buf *b, cairn_buf *tmp, const cairn_entry *e)
{
	static const char lead[] = "{\"type\":\"entry\",";

	cairn_buf_clear(tmp);
	cairn_entry_line(tmp, e);
	cairn_buf_addch(b, '{');
	cairn_buf_add(b, tmp->data + sizeof(lead) - 1, tmp->len - (sizeof(lead) - 1));
}

/*
 * One change as a JSON line in the kind's spool: what
 * cairn_diff_change_json() builds, written directly from the canonical
 * entry lines (building and dumping jansson objects cost more than the
 * rest of a large diff).
 */
static int spool_change(cairn_diff *d, int kind, unsigned what,
			const cairn_entry *old, const cairn_entry *new)
{
	const cairn_entry *any = new ? new : old;
	cairn_buf *b = &d->line;
	int i, first = 1;

	if (!d->spool[kind]) {
		d->spool[kind] = tmpfile();
		if (!d->spool[kind])
			return cairn_error_set(CAIRN_EIO, "cannot create a temporary "
					       "file for the diff: %s", strerror(errno));
	}
	cairn_buf_clear(b);
	cairn_buf_addch(b, '{');
	cairn_json_add_bytes(b, "path", any->path, any->path_len);
	cairn_buf_addf(b, ",\"change\":\"%s\",\"what\":[", kind_names[kind]);
	for (i = 0; i < CAIRN_DW__COUNT; i++)
		if (what & (1u << i)) {
			cairn_buf_addf(b, "%s\"%s\"", first ? "" : ",", what_names[i]);
			first = 0;
		}
	cairn_buf_addstr(b, "],\"old\":");
	if (old)
		add_bare_entry(b, &d->tmp, old);
	else
		cairn_buf_addstr(b, "null");
	cairn_buf_addstr(b, ",\"new\":");
	if (new)
		add_bare_entry(b, &d->tmp, new);
	else
		cairn_buf_addstr(b, "null");
	cairn_buf_addstr(b, "}\n");
	d->counts.kind[kind]++;
	if (fwrite(b->data, 1, b->len, d->spool[kind]) != b->len)
		return cairn_error_set(CAIRN_EIO, "cannot write the diff's "
				       "temporary file: %s", strerror(errno));
	return 0;
}

static int ignored(const cairn_diff_opts *o, const char *path, size_t len,
		   int is_dir)
{
	return o->ignore && cairn_ignore_match(o->ignore, path, len, is_dir);
}

/* Both sides hold the same path: same bytes, or compare the entries. */
static int merge_same(cairn_diff *d, struct prefetch *po, struct item *a,
		      struct prefetch *pn, struct item *b, const cairn_diff_opts *o)
{
	const char *path;
	size_t len;
	unsigned what;
	int kind, rc;

	path = item_path(po, a, &len);
	if (a->has_line && b->has_line && a->line_len == b->line_len &&
	    !memcmp(item_line(po, a), item_line(pn, b), a->line_len)) {
		/* Byte-identical: no change.  Parsing one side validates
		 * both; skip it when either already was. */
		if (!b->checked && (rc = item_check(po, a)) < 0)
			return rc;
		if (ignored(o, path, len, a->type == CAIRN_T_DIR))
			d->counts.ignored++;
		return 0;
	}
	if ((rc = item_parse(po, a)) < 0 || (rc = item_parse(pn, b)) < 0)
		return rc;
	if (ignored(o, path, len, a->type == CAIRN_T_DIR || b->type == CAIRN_T_DIR)) {
		d->counts.ignored++;
		return 0;
	}
	what = cairn_diff_entries(&a->e, &b->e, o->mtime, &kind);
	if (!o->mtime)
		what &= ~(unsigned)CAIRN_DW_MTIME;
	return kind >= 0 ? spool_change(d, kind, what, &a->e, &b->e) : 0;
}

/* Only one side holds this path. */
static int merge_one(cairn_diff *d, struct prefetch *pf, struct item *it,
		     int kind, const cairn_diff_opts *o)
{
	const char *path;
	size_t len;
	int rc;

	if ((rc = item_parse(pf, it)) < 0)
		return rc;
	path = item_path(pf, it, &len);
	if (ignored(o, path, len, it->type == CAIRN_T_DIR)) {
		d->counts.ignored++;
		return 0;
	}
	return spool_change(d, kind, 0, kind == CAIRN_DIFF_REMOVED ? &it->e : NULL,
			    kind == CAIRN_DIFF_ADDED ? &it->e : NULL);
}

static int merge(cairn_diff *d, struct prefetch *src_old, struct prefetch *src_new,
		 const cairn_diff_opts *o)
{
	struct item *a = NULL, *b = NULL;
	int a_done = 0, b_done = 0, rc;
	uint64_t compared = 0;

	for (;;) {
		const char *pa, *pb;
		size_t la, lb;
		int cmp;

		if (!a && !a_done) {
			rc = prefetch_next(src_old, &a);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				a_done = 1;
				a = NULL;
			}
		}
		if (!b && !b_done) {
			rc = prefetch_next(src_new, &b);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				b_done = 1;
				b = NULL;
			}
		}
		if (!a && !b)
			break;
		if (a && b) {
			pa = item_path(src_old, a, &la);
			pb = item_path(src_new, b, &lb);
			cmp = cairn_path_cmp(pa, la, pb, lb);
		} else {
			cmp = a ? -1 : 1;
		}
		if (cmp < 0)
			rc = merge_one(d, src_old, a, CAIRN_DIFF_REMOVED, o);
		else if (cmp > 0)
			rc = merge_one(d, src_new, b, CAIRN_DIFF_ADDED, o);
		else
			rc = merge_same(d, src_old, a, src_new, b, o);
		if (rc < 0)
			return rc;
		if (cmp <= 0)
			a = NULL;
		if (cmp >= 0)
			b = NULL;
		if (o->progress && !(++compared & 4095))
			o->progress(o->progress_ctx, compared, 0);
	}
	if (o->progress)
		o->progress(o->progress_ctx, compared, 1);
	d->counts.old_entries = src_old->src->entries;
	d->counts.new_entries = src_new->src->entries;
	return 0;
}

/* ------------------------------------------------------------ records */

/*
 * How records of one type are matched across the two sides: the fields
 * that identify one (docs/RECORDS.md).  Types not listed are matched by
 * their whole content (so they can only be added or removed).
 */
struct rec_kind {
	const char *type;
	const char *key_fields[4];
};

static const struct rec_kind rec_kinds[] = {
	{ "agent_log",    { "path", NULL } },
	{ "claude_hook",  { "config", "event", "index", NULL } },
	{ "coverage",     { "type", NULL } },   /* one per snapshot */
	{ "env",          { "source", "name", NULL } },
	{ "install_cmd",  { "file", "line", "index", NULL } },
	{ "mcp_server",   { "config", "scope", "server", NULL } },
	{ "npm_command",  { "log", NULL } },
	{ "npm_fetch",    { "key", "time_ms", NULL } },
	{ "npm_project",  { "project", NULL } },
	{ "npm_script",   { "log", "line", NULL } },
	{ "package",      { "ecosystem", "project", "path", NULL } },
	{ "process",      { "source", NULL } },
	{ "python_pth",   { "path", NULL } },
	{ "registry_config", { "config", NULL } },
	{ "requirement",  { "file", "name", NULL } },
	{ "vscode_task",  { "config", "task", NULL } },
};

static const struct rec_kind *rec_kind_of(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(rec_kinds) / sizeof(rec_kinds[0]); i++)
		if (!strcmp(rec_kinds[i].type, type))
			return &rec_kinds[i];
	return NULL;
}

static void key_part(cairn_buf *b, const json_t *v)
{
	if (json_is_string(v)) {
		cairn_buf_add(b, json_string_value(v), json_string_length(v));
	} else if (v) {
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

		if (s)
			cairn_buf_addstr(b, s);
		free(s);
	}
}

struct keyed {
	const char *type;
	char *key;
	char *canon;       /* tie-breaker: the whole record, canonical, less
	                    * the recorder's own fields */
	json_t *rec;
	int skip;          /* left out of the comparison */
};

/*
 * What describes cairn-snap's own run rather than the system it records
 * (docs/RECORDS.md §Keys): the --env process ("self") has the recorder's
 * pid, command line (which names the output file), working folder and
 * executable, and env_count counts the variables below; of its
 * environment, the variables a shell sets from the command it runs and the
 * folder it runs in.  They stay in the snapshot as evidence of how it was
 * made; the comparison leaves them out, or two snapshots of an unchanged
 * tree would always differ.
 */
static const char *const self_process_fields[] = {
	"pid", "cmdline", "cwd", "exe", "exe_sha256", "env_count", NULL
};
static const char *const self_env_names[] = { "_", "PWD", "OLDPWD", NULL };

static int str_in(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static int is_self(const json_t *rec)
{
	const char *src = json_string_value(json_object_get(rec, "source"));

	return src && !strcmp(src, "self");
}

/* Canonical text of rec as compared: without the recorder's own fields. */
/* Fields of rec the comparison leaves out: the recorder's own, and a
 * package's file_times (times of its files, which, like an entry's mtime
 * and ctime, are no difference by themselves; docs/RECORDS.md §Keys). */
static const char *const package_time_fields[] = { "file_times", NULL };

static const char *const *uncompared(const char *type, const json_t *rec)
{
	if (!strcmp(type, "process") && is_self(rec))
		return self_process_fields;
	if (!strcmp(type, "package"))
		return package_time_fields;
	return NULL;
}

static char *canon_of(const char *type, json_t *rec)
{
	const char *const *skip = uncompared(type, rec);
	json_t *copy = NULL;
	char *s;
	size_t i;

	if (skip) {
		copy = json_copy(rec);
		for (i = 0; skip[i]; i++)
			json_object_del(copy, skip[i]);
	}
	s = json_dumps(copy ? copy : rec, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	if (!s)
		cairn_oom();
	return s;
}

/* An MCP client's log that only grew (agent_log, both read whole) is
 * what a log does between two snapshots: not a difference.  One that
 * shrank, changed kind or became unreadable is. */
static int log_grew(const json_t *a, const json_t *b)
{
	const json_t *sa = json_object_get(a, "size"), *sb = json_object_get(b, "size");
	const char *t = json_string_value(json_object_get(a, "type"));

	return t && !strcmp(t, "agent_log") && json_is_integer(sa) && json_is_integer(sb) &&
	       json_integer_value(sb) >= json_integer_value(sa) &&
	       json_is_null(json_object_get(a, "error")) && json_is_null(json_object_get(b, "error"));
}

/* live: the new side is a tree walked now, whose process environments are
 * not read again (they belong to the moment of the snapshot). */
static void keyed_fill(struct keyed *k, json_t *rec, int live)
{
	const char *type = json_string_value(json_object_get(rec, "type"));
	const struct rec_kind *rk = rec_kind_of(type ? type : "");
	cairn_buf b = CAIRN_BUF_INIT;
	int i, any = 0;

	k->type = type ? type : "";
	k->rec = rec;
	k->canon = canon_of(k->type, rec);
	if (!strcmp(k->type, "env") || !strcmp(k->type, "process"))
		k->skip = live || (!strcmp(k->type, "env") && is_self(rec) &&
				   str_in(json_string_value(json_object_get(rec, "name")),
					  self_env_names));
	if (rk) {
		for (i = 0; rk->key_fields[i]; i++) {
			const json_t *v = json_object_get(rec, rk->key_fields[i]);

			if (!v)
				continue;
			if (b.len)
				cairn_buf_addch(&b, ':');
			key_part(&b, v);
			any = 1;
		}
	}
	if (!any)
		cairn_buf_addstr(&b, k->canon);
	k->key = cairn_buf_detach(&b, NULL);
}

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = strcmp(a->type, b->type);

	if (!c)
		c = strcmp(a->key, b->key);
	if (!c)
		c = strcmp(a->canon, b->canon);
	return c;
}

static struct keyed *keyed_array(json_t *records, int live, size_t *n)
{
	size_t i, count = json_array_size(records);
	struct keyed *k = cairn_calloc(count ? count : 1, sizeof(*k));

	for (i = 0; i < count; i++)
		keyed_fill(&k[i], json_array_get(records, i), live);
	qsort(k, count, sizeof(*k), keyed_cmp);
	*n = count;
	return k;
}

static void keyed_free(struct keyed *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(k[i].key);
		free(k[i].canon);
	}
	free(k);
}

static void add_rec_change(cairn_diff *d, const char *type, const char *key,
			   int change, int red_flag, json_t *old,
			   json_t *new, json_t *fields)
{
	struct rec_change *c;

	if (d->rec_count == d->rec_cap) {
		d->rec_cap = d->rec_cap ? 2 * d->rec_cap : 16;
		d->recs = cairn_realloc(d->recs, d->rec_cap * sizeof(*d->recs));
	}
	c = &d->recs[d->rec_count++];
	c->type = cairn_strdup(type);
	c->key = cairn_strdup(key);
	c->change = change;
	c->red_flag = red_flag;
	c->old = old ? json_incref(old) : NULL;
	c->new = new ? json_incref(new) : NULL;
	c->fields = fields ? fields : json_array();
	d->counts.records++;
}

static int field_differs(const json_t *a, const json_t *b, const char *f)
{
	const json_t *x = json_object_get(a, f), *y = json_object_get(b, f);

	if (!x && !y)
		return 0;
	if (!x || !y)
		return 1;
	return !json_equal((json_t *)x, (json_t *)y);
}

/* Both values present, non-null, and different. */
static int nonnull_differs(const json_t *a, const json_t *b, const char *f)
{
	const json_t *x = json_object_get(a, f), *y = json_object_get(b, f);

	return x && y && !json_is_null(x) && !json_is_null(y) &&
	       !json_equal((json_t *)x, (json_t *)y);
}

static int has_flag(const json_t *rec, const char *flag)
{
	const json_t *flags = json_object_get(rec, "flags"), *v;
	size_t i;

	json_array_foreach(flags, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), flag))
			return 1;
	return 0;
}

/* The package flag is in the new record and was not in the old one. */
static int flag_appeared(const json_t *a, const json_t *b, const char *flag)
{
	return !has_flag(a, flag) && has_flag(b, flag);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort an array of strings in place (field names: few). */
static void sort_names(json_t *arr)
{
	size_t i, n = json_array_size(arr);
	const char **v = cairn_calloc(n ? n : 1, sizeof(*v));
	json_t *copy = json_copy(arr);

	for (i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(copy, i));
	qsort(v, n, sizeof(*v), name_cmp);
	json_array_clear(arr);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	json_decref(copy);
	free(v);
}

/* The package runs code when installed: preinstall, install or
 * postinstall (prepare runs only for git/folder installs), or npm's
 * implicit node-gyp (has_install_script). */
static int runs_at_install(const json_t *rec)
{
	const json_t *sc = json_object_get(rec, "scripts");

	return json_is_true(json_object_get(rec, "has_install_script")) ||
	       json_object_get(sc, "preinstall") || json_object_get(sc, "install") ||
	       json_object_get(sc, "postinstall");
}

/* Classify a changed record pair; may add several changes. */
static void classify(cairn_diff *d, const struct keyed *a, const struct keyed *b)
{
	json_t *fields = json_array();
	const char *const *skip = uncompared(a->type, a->rec);
	const char *f;
	json_t *v;
	int added = 0;

	json_object_foreach(a->rec, f, v)
		if (field_differs(a->rec, b->rec, f) && !(skip && str_in(f, skip)))
			json_array_append_new(fields, json_string(f));
	json_object_foreach(b->rec, f, v)
		if (!json_object_get(a->rec, f) && !(skip && str_in(f, skip)))
			json_array_append_new(fields, json_string(f));
	sort_names(fields);
	if (!strcmp(a->type, "package")) {
		const json_t *ov = json_object_get(a->rec, "version");
		const json_t *nv = json_object_get(b->rec, "version");

#define PKG_CHANGE(name, red) do { add_rec_change(d, a->type, a->key, name, red, \
		a->rec, b->rec, json_incref(fields)); added = 1; } while (0)
		if (field_differs(a->rec, b->rec, "version")) {
			PKG_CHANGE(CAIRN_RC_VERSION_CHANGED, 0);
		} else if (json_is_string(ov) && json_is_string(nv) &&
			   (nonnull_differs(a->rec, b->rec, "integrity") ||
			    nonnull_differs(a->rec, b->rec, "content_sha256"))) {
			/* same version, other bytes: a republished or tampered
			 * package */
			PKG_CHANGE(CAIRN_RC_SAME_VERSION_DIFFERENT_CONTENT, 1);
		}
		/* a new version has a new tarball URL: only a URL that moves at
		 * the same version, or to another host, is news */
		if (field_differs(a->rec, b->rec, "resolved") &&
		    (!field_differs(a->rec, b->rec, "version") ||
		     flag_appeared(a->rec, b->rec, "resolved_other_host")))
			PKG_CHANGE(CAIRN_RC_RESOLVED_CHANGED,
				   flag_appeared(a->rec, b->rec, "resolved_other_host"));
		if (field_differs(a->rec, b->rec, "scripts") ||
		    field_differs(a->rec, b->rec, "has_install_script"))
			PKG_CHANGE(CAIRN_RC_SCRIPTS_CHANGED, runs_at_install(b->rec));
		if (flag_appeared(a->rec, b->rec, "version_mismatch") ||
		    flag_appeared(a->rec, b->rec, "not_locked") ||
		    flag_appeared(a->rec, b->rec, "install_script_not_in_lock"))
			PKG_CHANGE(CAIRN_RC_LOCK_DRIFT_APPEARED, 1);
		if (flag_appeared(a->rec, b->rec, "files_modified") ||
		    flag_appeared(a->rec, b->rec, "files_added") ||
		    flag_appeared(a->rec, b->rec, "files_missing") ||
		    flag_appeared(a->rec, b->rec, "record_mismatch") ||
		    flag_appeared(a->rec, b->rec, "record_missing") ||
		    flag_appeared(a->rec, b->rec, "record_unlisted"))
			PKG_CHANGE(CAIRN_RC_FILES_MISMATCH_APPEARED, 1);
#undef PKG_CHANGE
	} else if (!strcmp(a->type, "env")) {
		if (field_differs(a->rec, b->rec, "hmac_sha256") ||
		    field_differs(a->rec, b->rec, "length") ||
		    field_differs(a->rec, b->rec, "value")) {
			add_rec_change(d, a->type, a->key, CAIRN_RC_VALUE_CHANGED, 0, a->rec,
				       b->rec, json_incref(fields));
			added = 1;
		}
	} else if (!strcmp(a->type, "mcp_server")) {
		if (field_differs(a->rec, b->rec, "command") ||
		    field_differs(a->rec, b->rec, "args") ||
		    field_differs(a->rec, b->rec, "url") ||
		    field_differs(a->rec, b->rec, "package") ||
		    field_differs(a->rec, b->rec, "pin")) {
			add_rec_change(d, a->type, a->key, CAIRN_RC_COMMAND_CHANGED, 1, a->rec,
				       b->rec, json_incref(fields));
			added = 1;
		}
	}
	if (!added)
		add_rec_change(d, a->type, a->key, CAIRN_RC_CHANGED, 0, a->rec, b->rec,
			       json_incref(fields));
	json_decref(fields);
}

static int red_flag_added(const json_t *rec)
{
	const char *type = json_string_value(json_object_get(rec, "type"));

	/* a new package with install scripts runs code at install time */
	return type && !strcmp(type, "package") && runs_at_install(rec);
}

static void diff_records(cairn_diff *d, json_t *old_recs, json_t *new_recs,
			 int live)
{
	size_t na, nb, i = 0, j = 0;
	struct keyed *a = keyed_array(old_recs, live, &na);
	struct keyed *b = keyed_array(new_recs, live, &nb);

	while (i < na || j < nb) {
		int c;

		if (i < na && a[i].skip) {
			i++;
			continue;
		}
		if (j < nb && b[j].skip) {
			j++;
			continue;
		}
		if (i < na && j < nb) {
			c = strcmp(a[i].type, b[j].type);
			if (!c)
				c = strcmp(a[i].key, b[j].key);
		} else {
			c = i < na ? -1 : 1;
		}
		if (c < 0) {
			add_rec_change(d, a[i].type, a[i].key, CAIRN_RC_REMOVED, 0, a[i].rec,
				       NULL, NULL);
			i++;
		} else if (c > 0) {
			add_rec_change(d, b[j].type, b[j].key, CAIRN_RC_ADDED,
				       red_flag_added(b[j].rec), NULL, b[j].rec, NULL);
			j++;
		} else {
			if (strcmp(a[i].canon, b[j].canon) && !log_grew(a[i].rec, b[j].rec))
				classify(d, &a[i], &b[j]);
			i++;
			j++;
		}
	}
	keyed_free(a, na);
	keyed_free(b, nb);
}

static void publish_records(cairn_diff *d)
{
	size_t i;

	d->rc = cairn_calloc(d->rec_count ? d->rec_count : 1, sizeof(*d->rc));
	for (i = 0; i < d->rec_count; i++) {
		d->rc[i].type = d->recs[i].type;
		d->rc[i].key = d->recs[i].key;
		d->rc[i].change = d->recs[i].change;
		d->rc[i].red_flag = d->recs[i].red_flag;
		d->rc[i].old = d->recs[i].old;
		d->rc[i].new = d->recs[i].new;
		d->rc[i].fields = d->recs[i].fields;
	}
}

/* ------------------------------------------------------------ drivers */

/*
 * The analyzer writes its records through a snapshot writer: write them to
 * a private temporary snapshot, read them back (verified like any other),
 * and delete it.
 */
static int live_records(struct source *sn)
{
	const char *tmp = getenv("TMPDIR");
	cairn_snap_writer *w = NULL;
	cairn_snap_reader *r = NULL;
	cairn_record rec;
	cairn_buf dir = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	json_t *h = json_object();
	int rc;

	cairn_buf_addf(&dir, "%s/cairn-diff-live.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir.data)) {
		rc = cairn_error_set(CAIRN_EIO, "cannot create a temporary "
				     "folder in '%s': %s", tmp && *tmp ? tmp : "/tmp",
				     strerror(errno));
		goto done;
	}
	cairn_buf_addf(&path, "%s/records.cairn", dir.data);
	json_object_set_new(h, "root", json_string(sn->label));
	if ((rc = cairn_snap_writer_open(&w, path.data, h)) < 0)
		goto done;
	if ((rc = cairn_analyzer_finish(sn->an, w)) < 0) {
		cairn_snap_writer_abort(w);
		goto done;
	}
	if ((rc = cairn_snap_writer_close(w, NULL, NULL)) < 0)
		goto done;
	if ((rc = cairn_snap_reader_open(&r, path.data, NULL)) < 0)
		goto done;
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0)
		if (rec.kind == CAIRN_REC_OTHER)
			json_array_append(sn->records, rec.json);
done:
	cairn_snap_reader_free(r);
	if (path.data)
		unlink(path.data);
	if (dir.data)
		rmdir(dir.data);
	cairn_buf_release(&dir);
	cairn_buf_release(&path);
	json_decref(h);
	return rc;
}

static int run(cairn_diff **out, struct source *so, struct source *sn,
	       const cairn_diff_opts *opts)
{
	static const cairn_diff_opts none;
	cairn_diff *d;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &none;
	d = diff_new(so->label, sn->label);
	so->records = json_array();
	sn->records = json_array();
	if (so->r)
		d->header[0] = json_incref((json_t *)cairn_snap_reader_header(so->r));
	if (sn->r)
		d->header[1] = json_incref((json_t *)cairn_snap_reader_header(sn->r));
	{
		struct prefetch *po = cairn_malloc(sizeof(*po));
		struct prefetch *pn = cairn_malloc(sizeof(*pn));

		so->side = 0;
		sn->side = 1;
		rc = prefetch_start(po, so);
		if (rc == 0)
			rc = prefetch_start(pn, sn);
		else
			memset(pn, 0, sizeof(*pn));
		if (rc == 0)
			rc = merge(d, po, pn, opts);
		/* joins both threads: the records they collected are now ours */
		prefetch_finish(po);
		prefetch_finish(pn);
		free(po);
		free(pn);
	}
	if (rc == 0 && sn->an)
		rc = live_records(sn);
	if (rc == 0) {
		if (!sn->w || sn->an)
			diff_records(d, so->records, sn->records, sn->w != NULL);
		publish_records(d);
	}
	d->records[0] = so->records;
	d->records[1] = sn->records;
	so->records = sn->records = NULL;
	if (rc < 0) {
		cairn_diff_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int cairn_diff_readers(cairn_diff **out, cairn_snap_reader *old_r,
		       const char *old_label, cairn_snap_reader *new_r,
		       const char *new_label, const cairn_diff_opts *opts)
{
	struct source so, sn;

	memset(&so, 0, sizeof(so));
	memset(&sn, 0, sizeof(sn));
	so.r = old_r;
	so.label = old_label;
	sn.r = new_r;
	sn.label = new_label;
	return run(out, &so, &sn, opts);
}

int cairn_diff_files(cairn_diff **out, const char *old_path,
		     const char *new_path, const cairn_diff_opts *opts)
{
	cairn_snap_reader *ro = NULL, *rn = NULL;
	int rc;

	*out = NULL;
	if ((rc = cairn_snap_reader_open(&ro, old_path, opts ? opts->pubkey : NULL)) < 0)
		goto done;
	if ((rc = cairn_snap_reader_open(&rn, new_path, opts ? opts->pubkey : NULL)) < 0)
		goto done;
	rc = cairn_diff_readers(out, ro, old_path, rn, new_path, opts);
done:
	cairn_snap_reader_free(ro);
	cairn_snap_reader_free(rn);
	return rc;
}

int cairn_diff_live(cairn_diff **out, const char *old_path, const char *root,
		    const cairn_diff_opts *opts)
{
	cairn_snap_reader *ro = NULL;
	struct source so, sn;
	cairn_walk_opts wopts;
	const json_t *hopts, *excl;
	char **ex = NULL;
	const char **mcps = NULL;
	const json_t *mcp;
	cairn_analyze_opts aopts;
	size_t i, nex = 0;
	int rc, esc;

	*out = NULL;
	memset(&so, 0, sizeof(so));
	memset(&sn, 0, sizeof(sn));
	memset(&wopts, 0, sizeof(wopts));
	cairn_entry_init(&sn.live);
	if ((rc = cairn_snap_reader_open(&ro, old_path, opts ? opts->pubkey : NULL)) < 0)
		goto done;
	/* the walk options the snapshot was made with (docs/FORMAT.md header) */
	hopts = json_object_get(cairn_snap_reader_header(ro), "options");
	wopts.one_file_system = json_is_true(json_object_get(hopts, "one_file_system"));
	/* "exclude" holds the patterns, or "exclude_esc" when one of them is
	 * not UTF-8 (FORMAT.md §Names) */
	excl = json_object_get(hopts, "exclude");
	esc = !excl && (excl = json_object_get(hopts, "exclude_esc")) != NULL;
	if (json_is_array(excl) && json_array_size(excl)) {
		ex = cairn_calloc(json_array_size(excl), sizeof(*ex));
		for (i = 0; i < json_array_size(excl); i++) {
			const json_t *v = json_array_get(excl, i);
			cairn_buf b = CAIRN_BUF_INIT;

			if (!json_is_string(v))
				continue;
			if (esc) {
				if (cairn_unescape_bytes(&b, json_string_value(v),
							 json_string_length(v)) < 0) {
					cairn_buf_release(&b);
					rc = cairn_error_set(CAIRN_EFORMAT, "snapshot '%s': "
							     "bad exclude pattern in the header",
							     old_path);
					goto done;
				}
			} else {
				cairn_buf_addstr(&b, json_string_value(v));
			}
			ex[nex++] = cairn_buf_detach(&b, NULL);
		}
	}
	wopts.excludes = (const char *const *)ex;
	wopts.exclude_count = nex;
	if ((rc = cairn_walker_new(&sn.w, root, &wopts)) < 0)
		goto done;
	/* the analysis options that describe the tree itself (packages, npm
	 * cache, MCP configs); environments of processes are not re-read:
	 * they belong to the moment of the snapshot */
	memset(&aopts, 0, sizeof(aopts));
	aopts.packages = json_is_true(json_object_get(hopts, "packages"));
	aopts.npm_cache = json_string_value(json_object_get(hopts, "npm_cache"));
	/* where the cache came from decides what of it is kept (a default
	 * cache adds only what concerns this tree) */
	aopts.npm_cache_from = json_string_value(json_object_get(hopts, "npm_cache_from"));
	aopts.mcp_discover = json_is_true(json_object_get(hopts, "mcp_discover"));
	mcp = json_object_get(hopts, "mcp_configs");
	if (json_is_array(mcp) && json_array_size(mcp)) {
		mcps = cairn_calloc(json_array_size(mcp), sizeof(*mcps));
		for (i = 0; i < json_array_size(mcp); i++)
			if (json_is_string(json_array_get(mcp, i)))
				mcps[aopts.mcp_config_count++] =
					json_string_value(json_array_get(mcp, i));
		aopts.mcp_configs = mcps;
	}
	if ((aopts.packages || aopts.mcp_config_count || aopts.mcp_discover) &&
	    (rc = cairn_analyzer_new(&sn.an, root, &aopts)) < 0)
		goto done;
	if ((rc = cairn_hasher_new(&sn.h)) < 0)
		goto done;
	so.r = ro;
	so.label = old_path;
	sn.label = root;
	rc = run(out, &so, &sn, opts);
	if (rc == 0) {
		json_t *h = json_object();

		json_object_set_new(h, "root", json_string(root));
		json_object_set_new(h, "live", json_true());
		(*out)->header[1] = h;
		(*out)->live = 1;
	}
done:
	cairn_entry_release(&sn.live);
	cairn_analyzer_free(sn.an);
	free(mcps);
	cairn_walker_free(sn.w);
	cairn_hasher_free(sn.h);
	cairn_snap_reader_free(ro);
	for (i = 0; i < nex; i++)
		free(ex[i]);
	free(ex);
	return rc;
}

/* ------------------------------------------------------------ access */

const cairn_diff_counts *cairn_diff_get_counts(const cairn_diff *d)
{
	return &d->counts;
}

int cairn_diff_has_changes(const cairn_diff *d)
{
	int k;

	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		if (d->counts.kind[k])
			return 1;
	return d->counts.records != 0;
}

const json_t *cairn_diff_header(const cairn_diff *d, int new_side)
{
	return d->header[new_side ? 1 : 0];
}

const json_t *cairn_diff_side_records(const cairn_diff *d, int new_side)
{
	return d->records[new_side ? 1 : 0];
}

const char *cairn_diff_label(const cairn_diff *d, int new_side)
{
	return d->label[new_side ? 1 : 0];
}

const cairn_diff_record_change *cairn_diff_records(const cairn_diff *d,
						    size_t *count)
{
	*count = d->rec_count;
	return d->rc;
}

/* Read a spool back line by line: fn(ctx, line, len) per change. */
static int spool_replay(const cairn_diff *d, int kind,
			int (*fn)(void *ctx, int kind, const char *line, size_t len),
			void *ctx)
{
	FILE *f = d->spool[kind];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return 0;
	if (fflush(f) != 0 || fseeko(f, 0, SEEK_SET) != 0)
		return cairn_error_set(CAIRN_EIO, "cannot read back the diff's "
				       "temporary file: %s", strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if ((rc = fn(ctx, kind, line, (size_t)n)) != 0)
			break;
	}
	if (!rc && ferror(f))
		rc = cairn_error_set(CAIRN_EIO, "cannot read back the diff's "
				     "temporary file");
	free(line);
	fseeko(f, 0, SEEK_END);
	return rc;
}

struct foreach_ctx {
	cairn_diff_fn fn;
	void *ctx;
};

static int foreach_line(void *vctx, int kind, const char *line, size_t len)
{
	struct foreach_ctx *fc = vctx;
	cairn_diff_change c;
	cairn_entry old, new;
	json_t *j, *w, *v;
	size_t i;
	int rc;

	j = json_loadb(line, len, 0, NULL);
	if (!j)
		return cairn_error_set(CAIRN_EIO, "the diff's temporary file "
				       "is corrupt");
	memset(&c, 0, sizeof(c));
	cairn_entry_init(&old);
	cairn_entry_init(&new);
	c.kind = kind;
	c.json = j;
	w = json_object_get(j, "what");
	json_array_foreach(w, i, v) {
		int b;

		for (b = 0; b < CAIRN_DW__COUNT; b++)
			if (!strcmp(json_string_value(v), what_names[b]))
				c.what |= 1u << b;
	}
	v = json_object_get(j, "old");
	if (json_is_object(v)) {
		if ((rc = cairn_entry_from_json(&old, v)) < 0)
			goto done;
		c.old = &old;
	}
	v = json_object_get(j, "new");
	if (json_is_object(v)) {
		if ((rc = cairn_entry_from_json(&new, v)) < 0)
			goto done;
		c.new = &new;
	}
	rc = fc->fn(fc->ctx, &c);
done:
	cairn_entry_release(&old);
	cairn_entry_release(&new);
	json_decref(j);
	return rc;
}

int cairn_diff_foreach(const cairn_diff *d, cairn_diff_fn fn, void *ctx)
{
	struct foreach_ctx fc = { fn, ctx };
	int k, rc;

	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		if ((rc = spool_replay(d, k, foreach_line, &fc)) != 0)
			return rc;
	return 0;
}

/* ------------------------------------------------------------ JSON */

static json_t *side_json(const cairn_diff *d, int side)
{
	json_t *o = json_object();

	json_object_set_new(o, "label", json_string(d->label[side]));
	json_object_set(o, "header", d->header[side] ? d->header[side] : json_null());
	return o;
}

static json_t *summary_json(const cairn_diff *d)
{
	json_t *o = json_object();
	int k;

	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		json_object_set_new(o, kind_names[k],
				    json_integer((json_int_t)d->counts.kind[k]));
	json_object_set_new(o, "ignored", json_integer((json_int_t)d->counts.ignored));
	json_object_set_new(o, "records", json_integer((json_int_t)d->counts.records));
	json_object_set_new(o, "old_entries",
			    json_integer((json_int_t)d->counts.old_entries));
	json_object_set_new(o, "new_entries",
			    json_integer((json_int_t)d->counts.new_entries));
	json_object_set_new(o, "differences", json_boolean(cairn_diff_has_changes(d)));
	return o;
}

static json_t *records_json(const cairn_diff *d)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < d->rec_count; i++) {
		const struct rec_change *c = &d->recs[i];
		json_t *o = json_object();

		json_object_set_new(o, "type", json_string(c->type));
		json_object_set_new(o, "key", json_string(c->key));
		json_object_set_new(o, "change", json_string(rec_change_names[c->change]));
		json_object_set_new(o, "red_flag", json_boolean(c->red_flag));
		json_object_set(o, "fields", c->fields);
		json_object_set(o, "old", c->old ? c->old : json_null());
		json_object_set(o, "new", c->new ? c->new : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

static int collect_line(void *ctx, int kind, const char *line, size_t len)
{
	json_t *j = json_loadb(line, len, 0, NULL);

	(void)kind;
	if (!j)
		return cairn_error_set(CAIRN_EIO, "the diff's temporary file "
				       "is corrupt");
	json_array_append_new(ctx, j);
	return 0;
}

json_t *cairn_diff_to_json(const cairn_diff *d)
{
	json_t *o = json_object(), *changes = json_array();
	int k;

	json_object_set_new(o, "format", json_string("cairn-diff"));
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "mode", json_string(d->live ? "live" : "snapshot"));
	json_object_set_new(o, "old", side_json(d, 0));
	json_object_set_new(o, "new", side_json(d, 1));
	json_object_set_new(o, "summary", summary_json(d));
	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		if (spool_replay(d, k, collect_line, changes) < 0) {
			json_decref(changes);
			json_decref(o);
			return NULL;
		}
	json_object_set_new(o, "changes", changes);
	json_object_set_new(o, "records", records_json(d));
	return o;
}

struct write_ctx {
	FILE *f;
	int first;
};

static int write_line(void *ctx, int kind, const char *line, size_t len)
{
	struct write_ctx *w = ctx;

	(void)kind;
	if (!w->first)
		fputs(",\n", w->f);
	w->first = 0;
	fwrite(line, 1, len, w->f);
	return 0;
}

static void put_kv(FILE *f, const char *key, json_t *v, int comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", key);
	json_dumpf(v, f, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
}

int cairn_diff_write_json(const cairn_diff *d, FILE *f)
{
	struct write_ctx w = { f, 1 };
	int k, rc;

	fputc('{', f);
	put_kv(f, "format", json_string("cairn-diff"), 0);
	put_kv(f, "version", json_integer(1), 1);
	put_kv(f, "mode", json_string(d->live ? "live" : "snapshot"), 1);
	put_kv(f, "old", side_json(d, 0), 1);
	put_kv(f, "new", side_json(d, 1), 1);
	put_kv(f, "summary", summary_json(d), 1);
	fputs(",\"changes\":[\n", f);
	for (k = 0; k < CAIRN_DIFF__KINDS; k++)
		if ((rc = spool_replay(d, k, write_line, &w)) < 0)
			return rc;
	fputs("\n]", f);
	put_kv(f, "records", records_json(d), 1);
	fputs("}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return cairn_error_set(CAIRN_EIO, "cannot write the JSON "
				       "document: %s", strerror(errno));
	return 0;
}
