/*
 * agentlog_int.h - internals shared by lib/agentlog*.c (not a public
 * header: tools use agentlog.h).
 *
 * agentlog_read.c cuts files into lines and lines into messages;
 * agentlog.c keeps what the messages say (manifests, calls, secrets,
 * hosts) in bounded tables; agentlog_out.c writes the result.
 */
#ifndef CAIRN_AGENTLOG_INT_H
#define CAIRN_AGENTLOG_INT_H

#include "agentlog.h"

#include <jansson.h>

/* Caps: what the tables keep at most (the result counts what they drop). */
#define AL_MAX_SERVERS 1024
#define AL_MAX_ITEMS 65536          /* tools, prompts, resources in all */
#define AL_MAX_VERSIONS 32          /* distinct listings per item */
#define AL_MAX_HITS 32              /* suspicious hits per version */
#define AL_MAX_TEXT_TOTAL (64u << 20) /* description texts kept for diffs */
#define AL_MAX_ROWS (1u << 20)      /* window rows */
#define AL_MAX_SECRETS 10000
#define AL_MAX_HOSTS 10000
#define AL_MAX_PENDING 65536        /* requests waiting for their result, per file */
#define AL_MAX_WARNINGS 200
#define AL_MAX_NAME 256             /* bytes of a server or tool name kept */
#define AL_MAX_NESTED (4u << 20)    /* JSON text inside a string parsed again */
#define AL_MAX_LIST 10000           /* entries read from one tools/list */

/* A byte-keyed open-addressing map to an index. */
struct al_map {
	uint64_t *hash;
	char **key;
	size_t *klen;
	uint32_t *val;
	size_t cap, n;
};

void al_map_init(struct al_map *m);
void al_map_release(struct al_map *m);
/* index of key, or -1 */
long al_map_get(const struct al_map *m, const void *key, size_t klen);
void al_map_put(struct al_map *m, const void *key, size_t klen, uint32_t val);

/* Direction of a message, when the log says it. */
enum al_dir { AL_DIR_UNKNOWN = -1, AL_DIR_TO_SERVER = 0, AL_DIR_TO_CLIENT = 1 };

/* What one file's reader keeps: stats and the requests in flight. */
struct al_stream {
	struct cairn_agentlog *a;
	struct cairn_agentlog_file *f;
	const char *label;
	char *default_server;   /* JSON-RPC: the file's base name */
	struct al_map pending;  /* "server\0dir\0id" -> pending index */
	struct al_pending *pend;
	size_t npend, cappend;
	size_t nanswered;      /* slots of pend[] whose request was answered */
	uint64_t line_no;
	/* Claude Desktop duplicate rule: servers whose lines to skip */
	int skip_dup;
};

struct al_pending {
	int used;
	int method;             /* AL_M_* */
	uint32_t server, item;  /* item valid for tools/call (UINT32_MAX: none) */
	int64_t t_ns;
};

enum al_method {
	AL_M_OTHER = 0, AL_M_INITIALIZE, AL_M_TOOLS_LIST, AL_M_TOOLS_CALL, AL_M_PROMPTS_LIST,
	AL_M_RESOURCES_LIST, AL_M_TEMPLATES_LIST
};

void al_stream_init(struct al_stream *s, struct cairn_agentlog *a, int kind, const char *label);
void al_stream_release(struct al_stream *s);

/* A JSON-RPC message (object) seen in a stream: a request, notification
 * or response.  server may be NULL (the stream's default).  t_ns < 0:
 * untimed. */
void al_jsonrpc(struct al_stream *s, const char *server, int dir, int64_t t_ns, json_t *msg);
/* Claude Desktop's summarized form: only a method name (or "result") */
void al_unbodied(struct al_stream *s, const char *server, int dir, int64_t t_ns,
	const char *method);
/* A Claude Code transcript line (object). */
void al_transcript(struct al_stream *s, json_t *line);
/* The same line still as text: 1 when it only answers the client's own
 * tools (or unknown calls) and was accounted for without parsing. */
int al_transcript_skip(struct al_stream *s, const char *line, size_t n);

/* Warnings (capped), with the file's label. */
void al_warn(struct cairn_agentlog *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is ns a time we place in a window (1970 .. 2099)? */
int al_time_ok(int64_t ns);
/* RFC 3339 with 'Z' or a numeric offset, or a number of seconds or
 * milliseconds since the epoch; -1 when unusable. */
int64_t al_parse_time(const json_t *v);
int64_t al_parse_time_str(const char *s, size_t n);

/* Desktop duplicate rule: a per-server log covers server over [lo, hi]. */
void al_cover(struct cairn_agentlog *a, const char *server, int64_t lo, int64_t hi);
int al_covered(const struct cairn_agentlog *a, const char *server, int64_t t_ns);

/* File records (the result's files, in reading order). */
struct cairn_agentlog_file *al_new_file(struct cairn_agentlog *a, const char *path, int kind);

#endif
