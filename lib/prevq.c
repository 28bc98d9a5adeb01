/*
 * prevq.c - a snapshot's entries read on a thread of their own (prevq.h).
 */
#include "prevq.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREVQ_ITEMS 256
#define PREVQ_CHUNKS 8
/* A chunk ends once it holds this many bytes, and the thread waits while
 * this many are queued: a line may be as long as the reader allows (64
 * MiB), and a hostile snapshot of such lines must not fill memory. */
#define PREVQ_CHUNK_BYTES (256u << 10)
#define PREVQ_QUEUED_BYTES (2u << 20)
/* Chunks held for lines the caller uses in place (cairn_prevq_hold()): at
 * most this many, of at most this many bytes each; beyond, the caller
 * copies.  16 MiB at worst; a tree's --reuse holds 10-20 chunks of ~100 KB. */
#define PREVQ_HOLD_CHUNKS 32
#define PREVQ_HOLD_BYTES (512u << 10)

struct chunk {
	cairn_buf bytes;          /* the items' paths and lines */
	cairn_prevq_item item[PREVQ_ITEMS];
	size_t n;
	int end;                  /* no entry follows these */
	int rc;                   /* end: < 0, the snapshot could not be read */
	char msg[1024];
	uint64_t seq;             /* the consumer's numbering, from 1 */
	int held;                 /* lines in use past the consumer */
	struct chunk *next;
};

struct cairn_prevq {
	cairn_snap_reader *r;
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* a chunk filled or freed, or finished */
	struct chunk *full, *full_tail;
	struct chunk *spare;
	unsigned nfull;
	size_t queued;            /* bytes in the full chunks */
	int quit;
	int finished;             /* the reader reached the end (or failed) */
	int finish_rc;
	char finish_msg[1024];
	pthread_t thread;
	int threaded;
	/* the consumer's */
	struct chunk *cur;
	size_t i;
	uint64_t seq;             /* of cur */
	struct chunk *retired, *retired_tail;  /* held, passed, in seq order */
	unsigned nretired;
	uint64_t free_below;      /* atomic: holds of chunks before it are over */
};

/* Fill c with the next entries (producer). */
static void fill(cairn_prevq *q, struct chunk *c)
{
	size_t off[PREVQ_ITEMS][2], k;
	cairn_record rec;
	int rc;

	c->n = 0;
	c->end = 0;
	c->rc = 0;
	c->msg[0] = '\0';
	cairn_buf_clear(&c->bytes);
	while (c->n < PREVQ_ITEMS && c->bytes.len < PREVQ_CHUNK_BYTES) {
		cairn_prevq_item *it = &c->item[c->n];
		const char *path;
		size_t path_len;

		rc = cairn_snap_reader_next(q->r, &rec);
		if (rc < 0) {
			c->rc = rc;
			snprintf(c->msg, sizeof(c->msg), "%s", cairn_error_last());
		}
		if (rc <= 0 || rec.kind != CAIRN_REC_ENTRY) {
			/* rc == 0 cannot come before the entries end: the
			 * trailer is what ends them, or a record of another
			 * type, which the rest of the file follows */
			c->end = 1;
			break;
		}
		path = rec.raw ? rec.raw_path : rec.entry.path;
		path_len = rec.raw ? rec.raw_path_len : rec.entry.path_len;
		/* a framed entry's path is bytes of its line: kept once */
		if (rec.raw) {
			off[c->n][1] = c->bytes.len;
			off[c->n][0] = c->bytes.len + (size_t)(rec.raw_path - rec.line);
		} else {
			off[c->n][0] = c->bytes.len;
			cairn_buf_add(&c->bytes, path, path_len);
			off[c->n][1] = c->bytes.len;
		}
		cairn_buf_add(&c->bytes, rec.line, rec.line_len);
		it->path_len = path_len;
		it->line_len = rec.line_len;
		it->offset = rec.offset;
		it->number = rec.number;
		it->type = rec.raw ? rec.raw_type : rec.entry.type;
		it->raw = rec.raw;
		c->n++;
	}
	/* the buffer moved while it grew: pointers now */
	for (k = 0; k < c->n; k++) {
		c->item[k].path = c->bytes.data + off[k][0];
		c->item[k].line = c->bytes.data + off[k][1];
	}
	if (c->end && c->rc < 0) {
		q->finish_rc = c->rc;
		snprintf(q->finish_msg, sizeof(q->finish_msg), "%s", c->msg);
	}
}

/* After the entries: read the rest, so that the trailer is verified
 * (producer).  Sets finish_rc. */
static void drain(cairn_prevq *q)
{
	cairn_record rec;
	int rc;

	if (q->finish_rc < 0)
		return;
	while ((rc = cairn_snap_reader_next(q->r, &rec)) > 0)
		if (__atomic_load_n(&q->quit, __ATOMIC_RELAXED))
			return;
	if (rc < 0) {
		q->finish_rc = rc;
		snprintf(q->finish_msg, sizeof(q->finish_msg), "%s", cairn_error_last());
	}
}

static struct chunk *new_chunk(cairn_prevq *q)
{
	struct chunk *c = q->spare;

	if (c) {
		q->spare = c->next;
		return c;
	}
	c = cairn_calloc(1, sizeof(*c));
	cairn_buf_init(&c->bytes);
	return c;
}

static void *prevq_main(void *arg)
{
	cairn_prevq *q = arg;
	struct chunk *c;
	int end = 0;

	cairn_thread_batch();
	pthread_mutex_lock(&q->mu);
	while (!end) {
		while (!q->quit && (q->nfull >= PREVQ_CHUNKS ||
				    (q->nfull && q->queued >= PREVQ_QUEUED_BYTES)))
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->quit)
			break;
		c = new_chunk(q);
		pthread_mutex_unlock(&q->mu);
		fill(q, c);
		end = c->end;
		pthread_mutex_lock(&q->mu);
		c->next = NULL;
		if (q->full_tail)
			q->full_tail->next = c;
		else
			q->full = c;
		q->full_tail = c;
		q->nfull++;
		q->queued += c->bytes.len;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	if (end)
		drain(q);
	pthread_mutex_lock(&q->mu);
	q->finished = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

cairn_prevq *cairn_prevq_start(cairn_snap_reader *r)
{
	cairn_prevq *q = cairn_calloc(1, sizeof(*q));

	q->r = r;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->threaded = pthread_create(&q->thread, NULL, prevq_main, q) == 0;
	return q;
}

/* The next filled chunk (consumer). */
static struct chunk *next_chunk(cairn_prevq *q)
{
	struct chunk *c;

	if (!q->threaded) {
		c = new_chunk(q);
		fill(q, c);
		return c;
	}
	pthread_mutex_lock(&q->mu);
	while (!q->full)
		pthread_cond_wait(&q->cv, &q->mu);
	c = q->full;
	q->full = c->next;
	if (!q->full)
		q->full_tail = NULL;
	/* the producer waits for room: wake it once half the queue is free,
	 * not at every chunk */
	q->queued -= c->bytes.len;
	if (q->nfull-- == PREVQ_CHUNKS / 2 + 1 ||
	    (q->queued < PREVQ_QUEUED_BYTES / 2 &&
	     q->queued + c->bytes.len >= PREVQ_QUEUED_BYTES / 2))
		pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return c;
}

static void release(cairn_prevq *q, struct chunk *c)
{
	pthread_mutex_lock(&q->mu);
	c->next = q->spare;
	q->spare = c;
	pthread_mutex_unlock(&q->mu);
}

/* Held chunks whose holds are over go back to the reader (consumer). */
static void reclaim(cairn_prevq *q)
{
	uint64_t below = __atomic_load_n(&q->free_below, __ATOMIC_ACQUIRE);

	while (q->retired && q->retired->seq < below) {
		struct chunk *c = q->retired;

		q->retired = c->next;
		if (!q->retired)
			q->retired_tail = NULL;
		q->nretired--;
		c->held = 0;
		release(q, c);
	}
}

int cairn_prevq_peek(cairn_prevq *q, const cairn_prevq_item **out)
{
	for (;;) {
		if (q->cur && q->i < q->cur->n) {
			*out = &q->cur->item[q->i];
			return 1;
		}
		if (q->cur && q->cur->end)
			return q->cur->rc < 0 ? cairn_error_set(q->cur->rc, "%s", q->cur->msg) : 0;
		if (q->cur && q->cur->held) {
			q->cur->next = NULL;
			if (q->retired_tail)
				q->retired_tail->next = q->cur;
			else
				q->retired = q->cur;
			q->retired_tail = q->cur;
			q->nretired++;
		} else if (q->cur) {
			release(q, q->cur);
		}
		reclaim(q);
		q->cur = next_chunk(q);
		q->cur->seq = ++q->seq;
		q->i = 0;
	}
}

int cairn_prevq_hold(cairn_prevq *q, uint64_t *ticket)
{
	struct chunk *c = q->cur;

	if (!c || q->i >= c->n)
		return 0;
	if (!c->held && (c->bytes.cap > PREVQ_HOLD_BYTES || q->nretired >= PREVQ_HOLD_CHUNKS))
		return 0;
	c->held = 1;
	*ticket = c->seq;
	return 1;
}

void cairn_prevq_release_below(cairn_prevq *q, uint64_t ticket)
{
	__atomic_store_n(&q->free_below, ticket, __ATOMIC_RELEASE);
}

void cairn_prevq_pop(cairn_prevq *q)
{
	q->i++;
}

int cairn_prevq_finish(cairn_prevq *q)
{
	if (q->threaded) {
		pthread_mutex_lock(&q->mu);
		while (!q->finished)
			pthread_cond_wait(&q->cv, &q->mu);
		pthread_mutex_unlock(&q->mu);
	} else if (!q->finished) {
		drain(q);
		q->finished = 1;
	}
	return q->finish_rc < 0 ? cairn_error_set(q->finish_rc, "%s", q->finish_msg) : 0;
}

static void free_list(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;

		cairn_buf_release(&c->bytes);
		free(c);
		c = next;
	}
}

void cairn_prevq_free(cairn_prevq *q)
{
	if (!q)
		return;
	if (q->threaded) {
		pthread_mutex_lock(&q->mu);
		__atomic_store_n(&q->quit, 1, __ATOMIC_RELAXED);
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
	}
	free_list(q->full);
	free_list(q->spare);
	free_list(q->retired);
	if (q->cur) {
		q->cur->next = NULL;
		free_list(q->cur);
	}
	cairn_snap_reader_free(q->r);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}

cairn_snap_reader *cairn_prevq_reader(cairn_prevq *q)
{
	return q->r;
}
