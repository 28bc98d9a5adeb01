/*
 * report_inputs.h - the provenance of a report: each input it was made
 * from (snapshot, baseline, captures, capture JSON, allowlist, advisory
 * and indicator sets), with the SHA-256 of its bytes, whether it is
 * signed and one line of detail, in the order the report lists them.
 *
 *   cairn_report_inputs in = CAIRN_REPORT_INPUTS_INIT;
 *   cairn_report_inputs_add_snap(&in, "snapshot", path, &snap);
 *   cairn_report_inputs_add_capture(&in, pcap, 0, snap.records);
 *   ... opts.inputs = in.items; opts.input_count = in.count;
 *   cairn_report_inputs_release(&in);
 */
#ifndef CAIRN_REPORT_INPUTS_H
#define CAIRN_REPORT_INPUTS_H

#include "known.h"
#include "report.h"

typedef struct cairn_report_inputs {
	cairn_report_input *items;  /* count of them; strings owned */
	size_t count, alloc;
} cairn_report_inputs;

#define CAIRN_REPORT_INPUTS_INIT { NULL, 0, 0 }

/* A snapshot read for the report (role "snapshot" or "baseline"; label:
 * its file, or REPO@REV from a store): its hash and signature as read,
 * and "created T, N entries, M records", a time given with cairn-snap
 * --created said to be one.  Never fails. */
void cairn_report_inputs_add_snap(cairn_report_inputs *in, const char *role,
				  const char *label, const cairn_report_snap *s);

/* A file hashed here (role, its path, what is said of its signature,
 * detail or NULL).  0, or negative with the error set when it cannot be
 * read (nothing added). */
int cairn_report_inputs_add_file(cairn_report_inputs *in, const char *role,
				 const char *path, const char *signature,
				 const char *detail);

/* A --capture file, hashed.  agent_log: it is an MCP client's log, whose
 * detail compares it with what the snapshot (records) recorded of it
 * (cairn_agentlog_provenance()); otherwise a pcap or a sensor's log, told
 * by content.  0, or negative with the error set. */
int cairn_report_inputs_add_capture(cairn_report_inputs *in, const char *path,
				    int agent_log, const json_t *records);

/* The advisory sets and indicator lists of k (cairn_known_set_*()): a
 * file or zip hashed, a folder described by its counts.  0, or negative
 * with the error set. */
int cairn_report_inputs_add_known(cairn_report_inputs *in, const cairn_known *k);

/* The same sets as the "inputs" array of a sweep document (role, file,
 * detail; docs/FLEET.md).  New reference. */
json_t *cairn_report_inputs_known_json(const cairn_known *k);

/* Frees what the items hold; in is empty again.  NULL is a no-op. */
void cairn_report_inputs_release(cairn_report_inputs *in);

#endif
