/*
 * capture_input.h - what kind of evidence a file holds, decided by its
 * content (never by its name), and a reader that undoes gzip and zstd.
 *
 * cairn-capture takes packet captures and the logs of network sensors and
 * of agent clients.  One sniffer says which one a file is; cairn_capture_read
 * hands each kind to its reader, and every reader feeds the same analysis.
 * A new kind of log plugs in at three places: an enum value below, a test in
 * cairn_input_sniff_buf (lib/capture_input.c), and a reader case in
 * cairn_capture_read (lib/capture_read.c).
 */
#ifndef CAIRN_CAPTURE_INPUT_H
#define CAIRN_CAPTURE_INPUT_H

#include "cairn.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cairn_input_kind {
	CAIRN_INPUT_UNKNOWN = 0,
	CAIRN_INPUT_PCAP,          /* libpcap savefile, any byte order, us or ns */
	CAIRN_INPUT_PCAPNG,        /* pcapng section(s) */
	CAIRN_INPUT_ZEEK_TSV,      /* Zeek ASCII log: "#separator", "#fields" */
	CAIRN_INPUT_ZEEK_JSON,     /* Zeek JSON log: one object a line, "id.orig_h" */
	CAIRN_INPUT_SURICATA_EVE,  /* Suricata eve.json: "event_type", "timestamp" */
	/* MCP clients' own logs (lib/agentlog.h) */
	CAIRN_INPUT_AGENT_DESKTOP,    /* Claude Desktop mcp.log, mcp-server-<name>.log */
	CAIRN_INPUT_AGENT_TRANSCRIPT, /* Claude Code session transcript (.jsonl) */
	CAIRN_INPUT_AGENT_JSONRPC,    /* JSON-RPC 2.0 NDJSON, bare or wrapped */
	CAIRN_INPUT__COUNT
};

/* How many bytes of the (decompressed) start of a file the sniffer reads:
 * enough for the first line of any log we know. */
#define CAIRN_INPUT_SNIFF_MAX (256u * 1024)

struct cairn_input_info {
	enum cairn_input_kind kind;
	int compression;       /* 0 none, 1 gzip, 2 zstd */
	size_t head_len;       /* decompressed bytes the sniffer saw */
	int head_complete;     /* 1: head_len is the whole (decompressed) file */
	int head_truncated;    /* a pcap without its whole global header, a
	                        * pcapng without one whole Section Header Block */
};

/* The kind of the bytes p[0..n) (the start of a decompressed file).  eof:
 * 1 when these are all the bytes there are.  Pure; never fails. */
enum cairn_input_kind cairn_input_sniff_buf(const uint8_t *p, size_t n, int eof);

/* Open path (a regular file: a FIFO or device is refused, never blocked
 * on), read its start through gzip/zstd and classify it.  The kind is
 * CAIRN_INPUT_UNKNOWN for anything else, with no error: the caller names
 * the problem.  CAIRN_EIO / CAIRN_EFORMAT with a message naming the file
 * when it cannot be opened or decompressed. */
int cairn_input_sniff(struct cairn_input_info *out, const char *path);

/* "pcap", "pcapng", "zeek-tsv", "zeek-json", "suricata-eve",
 * "claude-desktop", "claude-code", "jsonrpc", "unknown". */
const char *cairn_input_kind_name(enum cairn_input_kind k);

/*
 * A file opened for reading through its decompressor: fp reads the
 * decompressed bytes.  Close with fclose(fp) (it frees the decompressor
 * too, so libpcap may take fp over).  While fp is open:
 * cairn_input_truncated() says a compressed stream ended inside a frame,
 * cairn_input_error() gives the decompressor's message after a failed read
 * (NULL when there is none).
 */
struct cairn_input_zin;
struct cairn_input_stream {
	FILE *fp;
	struct cairn_input_zin *z;  /* the reader behind fp (plain, gzip or zstd) */
};

/* Open path (regular files only); CAIRN_EIO with a message naming it.
 * The bytes read from the file are counted in meter.h (progress lines);
 * _peek opens for a look at the head that is read again later, uncounted. */
int cairn_input_open(struct cairn_input_stream *out, const char *path);
int cairn_input_open_peek(struct cairn_input_stream *out, const char *path);
int cairn_input_truncated(const struct cairn_input_stream *s);
const char *cairn_input_error(const struct cairn_input_stream *s);

#endif
