/*
 * storesnap.c - snapshots read from a cairn store and compared
 * (storesnap.h).
 */
#include "storesnap.h"

#include <stdlib.h>
#include <string.h>

int cairn_storesnap_read(cairn_storesnap *out, cairn_store *s,
			 const char *repo, const char *rev)
{
	cairn_buf label = CAIRN_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = cairn_store_read(s, rev, &out->data, &out->len, out->commit);
	if (rc < 0) {
		cairn_storesnap_release(out);
		return rc;
	}
	cairn_buf_addf(&label, "%s@%s", repo, rev);
	out->label = cairn_buf_detach(&label, NULL);
	return 0;
}

void cairn_storesnap_release(cairn_storesnap *s)
{
	if (!s)
		return;
	free(s->data);
	free(s->label);
	memset(s, 0, sizeof(*s));
}

int cairn_storesnap_diff(cairn_diff **out, const cairn_storesnap *old_snap,
			 const cairn_storesnap *new_snap,
			 const cairn_diff_opts *opts)
{
	cairn_snap_reader *ro = NULL, *rn = NULL;
	int rc;

	*out = NULL;
	if ((rc = cairn_snap_reader_open_mem(&ro, old_snap->data, old_snap->len,
					     old_snap->label, opts->pubkey)) < 0 ||
	    (rc = cairn_snap_reader_open_mem(&rn, new_snap->data, new_snap->len,
					     new_snap->label, opts->pubkey)) < 0)
		goto done;
	rc = cairn_diff_readers(out, ro, old_snap->label, rn, new_snap->label, opts);
done:
	cairn_snap_reader_free(ro);
	cairn_snap_reader_free(rn);
	return rc;
}
