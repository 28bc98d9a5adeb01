/*
 * report_inputs.c - the provenance section's inputs (report_inputs.h).
 */
#include "report_inputs.h"

#include "agentlog_find.h"
#include "capture_input.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *dup_or_null(const char *s)
{
	return s ? cairn_strdup(s) : NULL;
}

static void add(cairn_report_inputs *in, const char *role, const char *path,
		const char *sha256, const char *signature, const char *detail)
{
	cairn_report_input *it;

	if (in->count == in->alloc) {
		in->alloc = in->alloc ? 2 * in->alloc : 8;
		in->items = cairn_realloc(in->items, in->alloc * sizeof(*in->items));
	}
	it = &in->items[in->count++];
	it->role = cairn_strdup(role);
	it->path = cairn_strdup(path);
	it->sha256 = dup_or_null(sha256);
	it->signature = dup_or_null(signature);
	it->detail = dup_or_null(detail);
}

void cairn_report_inputs_add_snap(cairn_report_inputs *in, const char *role,
				  const char *label, const cairn_report_snap *s)
{
	const char *created = json_string_value(json_object_get(s->header, "created"));
	cairn_buf d = CAIRN_BUF_INIT;

	cairn_buf_addf(&d, "created %s%s, %llu entries, %zu records", created ? created : "?",
		       json_is_true(json_object_get(s->header, "created_set")) ?
		       " (time given with --created)" : "",
		       (unsigned long long)s->entries, json_array_size(s->records));
	add(in, role, label, s->sha256, s->signature, d.data);
	cairn_buf_release(&d);
}

int cairn_report_inputs_add_file(cairn_report_inputs *in, const char *role,
				 const char *path, const char *signature,
				 const char *detail)
{
	char hex[65];
	int rc = cairn_report_hash_file(hex, path);

	if (rc < 0)
		return rc;
	add(in, role, path, hex, signature, detail);
	return 0;
}

/* What a capture file is: a sensor's log is not a pcap (told by content,
 * as cairn-capture tells it). */
static const char *capture_signature(const char *path)
{
	struct cairn_input_info ii;

	if (cairn_input_sniff(&ii, path) < 0)
		return "not signed (pcap)";
	switch (ii.kind) {
	case CAIRN_INPUT_ZEEK_TSV:
	case CAIRN_INPUT_ZEEK_JSON:
		return "not signed (Zeek log)";
	case CAIRN_INPUT_SURICATA_EVE:
		return "not signed (Suricata log)";
	default:
		return "not signed (pcap)";
	}
}

int cairn_report_inputs_add_capture(cairn_report_inputs *in, const char *path,
				    int agent_log, const json_t *records)
{
	cairn_buf d = CAIRN_BUF_INIT;
	char hex[65];
	int rc;

	if ((rc = cairn_report_hash_file(hex, path)) < 0)
		return rc;
	/* an agent log the snapshot recorded (--mcp-discover): is it still
	 * the log that was there? */
	if (agent_log && (rc = cairn_agentlog_provenance(&d, path, records)) < 0) {
		cairn_buf_release(&d);
		return rc;
	}
	add(in, "capture", path, hex,
	    agent_log ? "not signed (agent log)" : capture_signature(path),
	    d.len ? d.data : NULL);
	cairn_buf_release(&d);
	return 0;
}

int cairn_report_inputs_add_known(cairn_report_inputs *in, const cairn_known *k)
{
	size_t i;

	for (i = 0; i < cairn_known_set_count(k); i++) {
		const char *p = cairn_known_set_path(k, i);
		cairn_buf d = CAIRN_BUF_INIT;
		struct stat st;
		char hex[65] = "";
		int rc = 0;

		cairn_known_set_detail(&d, k, i);
		/* a zip or a file is hashed; a folder is described by its counts */
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			rc = cairn_report_hash_file(hex, p);
		if (rc == 0)
			add(in, cairn_known_set_is_ioc(k, i) ? "indicators" : "advisories", p,
			    hex[0] ? hex : NULL, "not signed", d.data);
		cairn_buf_release(&d);
		if (rc < 0)
			return rc;
	}
	return 0;
}

json_t *cairn_report_inputs_known_json(const cairn_known *k)
{
	json_t *inputs = json_array();
	size_t i;

	for (i = 0; i < cairn_known_set_count(k); i++) {
		cairn_buf d = CAIRN_BUF_INIT;

		cairn_known_set_detail(&d, k, i);
		json_array_append_new(inputs, json_pack("{s:s,s:s,s:s}", "role",
			cairn_known_set_is_ioc(k, i) ? "indicators" : "advisories",
			"file", cairn_known_set_path(k, i), "detail", d.data));
		cairn_buf_release(&d);
	}
	return inputs;
}

void cairn_report_inputs_release(cairn_report_inputs *in)
{
	size_t i;

	if (!in)
		return;
	for (i = 0; i < in->count; i++) {
		free((char *)in->items[i].role);
		free((char *)in->items[i].path);
		free((char *)in->items[i].sha256);
		free((char *)in->items[i].signature);
		free((char *)in->items[i].detail);
	}
	free(in->items);
	in->items = NULL;
	in->count = in->alloc = 0;
}
