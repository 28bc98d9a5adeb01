/*
 * storesnap.h - snapshots read from a cairn store and compared: the flow
 * cairn-diff --store and cairn-report --store share.
 *
 * A stored snapshot is named "REPO@REV" (the repository as the user gave
 * it, '@', the revision as given): in messages ("snapshot
 * 'store.git@known-good': ..."), in the diff's old/new labels and in the
 * report's provenance.  '@' rather than ':' because REV:PATH is git's
 * syntax for a file at a revision, which a stored snapshot is not.
 */
#ifndef CAIRN_STORESNAP_H
#define CAIRN_STORESNAP_H

#include "diff.h"
#include "store.h"

typedef struct cairn_storesnap {
	void *data;          /* the snapshot's bytes, as stored */
	size_t len;
	char commit[41];     /* the commit it was read from (hex) */
	char *label;         /* "REPO@REV" */
} cairn_storesnap;

#define CAIRN_STORESNAP_INIT { NULL, 0, { 0 }, NULL }

/*
 * Read the snapshot stored at rev (any git revision syntax) of the open
 * store s; repo is the repository as the user named it, for the label.
 * The bytes are not verified here: the reader that opens them does that
 * (cairn_storesnap_diff(), cairn_report_snap_load_mem()).  0, or negative
 * with the error set (unknown revision, no snapshot in the commit); *out
 * then holds nothing.  Release with cairn_storesnap_release().
 */
int cairn_storesnap_read(cairn_storesnap *out, cairn_store *s,
			 const char *repo, const char *rev);

/* Free what s holds and make it empty; NULL and an empty s are fine. */
void cairn_storesnap_release(cairn_storesnap *s);

/*
 * Compare two stored snapshots, each verified as it is read (checksum, and
 * signature when opts->pubkey is set), labelled with their "REPO@REV".
 * As cairn_diff_readers(): *out is NULL on failure and the message names
 * the snapshot.
 */
int cairn_storesnap_diff(cairn_diff **out, const cairn_storesnap *old_snap,
			 const cairn_storesnap *new_snap,
			 const cairn_diff_opts *opts);

#endif
