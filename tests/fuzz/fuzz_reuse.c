/*
 * fuzz_reuse.c - cairn-snap --reuse's frame copying over an arbitrary
 * previous snapshot.  The input is the previous snapshot's file (its
 * frames are indexed from their headers, before anything is verified);
 * each of its records is written again as --reuse writes an unchanged
 * entry, line and source offset given, so that the writer copies whatever
 * frames it believes hold exactly those lines.  When the input reads to
 * its end and verifies, the new snapshot must verify too and hold the same
 * lines: a frame copied wrongly breaks its checksum.  Nothing may crash,
 * hang or leak.
 */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write every record of r again into w; 1 when r verified to its end. */
static int rewrite(cairn_snap_reader *r, cairn_snap_writer *w, cairn_buf *lines)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	cairn_record rec;
	cairn_entry e;
	int rc, ok = 0;

	cairn_snap_writer_set_source(w, cairn_snap_reader_frames(r));
	cairn_entry_init(&e);
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0) {
		if (rec.kind == CAIRN_REC_ENTRY) {
			if (cairn_snap_parse_entry(&e, "fuzz", rec.number, rec.line,
						   rec.line_len, &tmp) < 0 ||
			    cairn_snap_writer_entry_line(w, &e, rec.line, rec.line_len,
							 rec.offset) < 0)
				break;
			cairn_entry_release(&e);
			cairn_entry_init(&e);
			cairn_buf_add(lines, rec.line, rec.line_len);
			cairn_buf_addch(lines, '\n');
		} else if (cairn_snap_writer_record(w, rec.json) < 0) {
			break;
		}
	}
	ok = rc == 0;
	cairn_entry_release(&e);
	cairn_buf_release(&tmp);
	return ok;
}

/* The entries of the snapshot at path, each line and a newline. */
static int read_back(const char *path, cairn_buf *lines)
{
	cairn_snap_reader *r;
	cairn_record rec;
	int rc;

	if (cairn_snap_reader_open(&r, path, NULL) < 0)
		return -1;
	cairn_snap_reader_set_raw(r, 1);
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0) {
		if (rec.kind != CAIRN_REC_ENTRY)
			continue;
		cairn_buf_add(lines, rec.line, rec.line_len);
		cairn_buf_addch(lines, '\n');
	}
	cairn_snap_reader_free(r);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_buf in = CAIRN_BUF_INIT, out = CAIRN_BUF_INIT;
	cairn_snap_reader *r;
	cairn_snap_writer *w;
	char path[64];
	json_t *h;

	if (cairn_snap_reader_open_mem(&r, data, size, "fuzz", NULL) < 0)
		return 0;
	cairn_snap_reader_set_raw(r, 1);
	snprintf(path, sizeof(path), "/tmp/fuzz-reuse-%ld.cairn", (long)getpid());
	h = json_pack("{s:s}", "tool", "fuzz_reuse");
	if (cairn_snap_writer_open(&w, path, h) < 0)
		abort();
	if (!rewrite(r, w, &in)) {
		cairn_snap_writer_abort(w);
	} else {
		/* the copied frames belong to r's memory: out before it goes */
		if (cairn_snap_writer_close(w, NULL, NULL) < 0 || read_back(path, &out) < 0)
			abort();
		if (in.len != out.len || (in.len && memcmp(in.data, out.data, in.len)))
			abort();
		unlink(path);
	}
	cairn_snap_reader_free(r);
	json_decref(h);
	cairn_buf_release(&in);
	cairn_buf_release(&out);
	return 0;
}
