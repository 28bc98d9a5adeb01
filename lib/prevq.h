/*
 * prevq.h - a snapshot's entries read on a thread of their own.
 *
 * cairn-snap --reuse merges the walk with the previous snapshot, in path
 * order.  Reading that snapshot (decompressing, checksumming, framing each
 * line) was a quarter of the walking thread's time, and the walking thread
 * is what an incremental run waits for: here another thread reads it into
 * a short queue of chunks, each entry's line copied with its path, kind,
 * record number and offset in the content, and goes on to the end of the
 * file so that its checksum (and signature) are verified.  The walk takes
 * entries in order and never parses anything it does not use.
 *
 * Bounded: at most 8 chunks of 256 entries or 256 KiB each, and no new one
 * while 2 MiB are queued, are read ahead of the walk (a line is at most
 * the reader's 64 MiB cap); behind it, at most 32 chunks of up to 512 KiB
 * are held for lines still in use (cairn_prevq_hold()).
 */
#ifndef CAIRN_PREVQ_H
#define CAIRN_PREVQ_H

#include "snapshot.h"

typedef struct cairn_prevq cairn_prevq;

typedef struct cairn_prevq_item {
	const char *path;      /* raw bytes (unescaped) */
	size_t path_len;
	const char *line;      /* the record's line, no newline */
	size_t line_len;
	uint64_t offset;       /* the line's offset in the content */
	long long number;      /* record number, for messages */
	int type;              /* CAIRN_T_* */
	int raw;               /* framed, not parsed: validate before use */
} cairn_prevq_item;

/*
 * Start reading r's entries (r is past its header: just opened) on a new
 * thread.  r belongs to the queue until cairn_prevq_free().  Without a
 * thread the queue reads r on the caller's thread as it is asked for
 * entries: the result is the same.
 */
cairn_prevq *cairn_prevq_start(cairn_snap_reader *r);

/*
 * The next entry, valid until cairn_prevq_pop(): 1 with *out, 0 when no
 * entry is left, < 0 when the snapshot could not be read (message set).
 */
int cairn_prevq_peek(cairn_prevq *q, const cairn_prevq_item **out);
void cairn_prevq_pop(cairn_prevq *q);

/*
 * Keep the entry last peeked (its path and line) valid past its pop, for
 * use on any thread: 1 with a ticket, 0 when the queue will not (the
 * caller copies the line instead).  The holds of every ticket below t are
 * over once cairn_prevq_release_below(q, t) is called (on any thread, with
 * tickets that never decrease: tickets are given in order, so a pipeline
 * that finishes entries in order releases below the ticket of the last
 * one it finished).  Bounded: at most 32 chunks of 512 KiB held at once.
 */
int cairn_prevq_hold(cairn_prevq *q, uint64_t *ticket);
void cairn_prevq_release_below(cairn_prevq *q, uint64_t ticket);

/* Wait until the whole snapshot was read and verified: 0 or the error.
 * The entries not taken must have been popped. */
int cairn_prevq_finish(cairn_prevq *q);

/* Stop the thread (at once, if the snapshot is not finished) and free the
 * queue and its reader.  NULL is a no-op. */
void cairn_prevq_free(cairn_prevq *q);

/* The reader, for its header and (once finished) its trailer. */
cairn_snap_reader *cairn_prevq_reader(cairn_prevq *q);

#endif
