/*
 * agentlog_read.c - agent-log files into messages: kind detection by
 * content, streaming line reader, and the three line shapes
 * (agentlog.h).  Hand-written on purpose: the lines are attacker
 * controlled and a log can be hundreds of megabytes, so the reader never
 * holds more than one line (capped), never follows a symlink's target type
 * blindly (regular files only, O_NONBLOCK so a FIFO cannot block it) and
 * hands each line to jansson, which bounds nesting depth.
 */
#include "agentlog_int.h"
#include "capture_input.h"
#include "rfc3339.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SNIFF_MAX CAIRN_INPUT_SNIFF_MAX  /* what cairn_input_sniff saw */
#define CHUNK (1u << 20)
#define WARN_LINES 5     /* malformed lines named per file */

/* ------------------------------------------------------------ times */

int64_t al_parse_time_str(const char *s, size_t n)
{
	char buf[64];
	int64_t ns;

	if (n < 20 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (cairn_rfc3339_parse_ns(&ns, buf) < 0 || !al_time_ok(ns))
		return -1;
	return ns;
}

int64_t al_parse_time(const json_t *v)
{
	if (json_is_string(v))
		return al_parse_time_str(json_string_value(v), json_string_length(v));
	/* seconds, milliseconds, microseconds or nanoseconds since the
	 * epoch, told apart by size (all after 2001-09-09) */
	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);
		int64_t ns;

		if (x < 0)
			return -1;
		if (x >= 1000000000000000000LL)
			ns = x;
		else if (x >= 1000000000000000LL)
			ns = x * 1000;
		else if (x >= 1000000000000LL)
			ns = x * 1000000;
		else if (x < 4102444800LL)
			ns = x * 1000000000LL;
		else
			return -1;
		return al_time_ok(ns) ? ns : -1;
	}
	if (json_is_real(v)) {
		double x = json_real_value(v);

		if (x >= 1e15)
			return -1;   /* a float that large has lost its precision */
		if (x >= 1e12)
			x /= 1e3;
		if (!(x >= 0) || x >= 4102444800.0)
			return -1;
		return (int64_t)(x * 1e6 + 0.5) * 1000;
	}
	return -1;
}

/* ------------------------------------------------------------ Claude Desktop lines */

static int is_level(const char *p, size_t n)
{
	static const char *const levels[] = { "info", "warn", "warning", "error", "debug", "trace",
		"verbose", "log", "fatal", "notice", NULL };
	size_t i;

	for (i = 0; levels[i]; i++)
		if (strlen(levels[i]) == n && !strncasecmp(p, levels[i], n))
			return 1;
	return 0;
}

/* "2025-09-04T10:08:38.663Z" at the start of a line: its length, or 0 */
static size_t desktop_time(const char *p, size_t n)
{
	size_t i;

	if (n < 21)
		return 0;
	for (i = 0; i < 19; i++) {
		char c = p[i];

		if (i == 4 || i == 7) {
			if (c != '-')
				return 0;
		} else if (i == 10) {
			if (c != 'T')
				return 0;
		} else if (i == 13 || i == 16) {
			if (c != ':')
				return 0;
		} else if (!isdigit((unsigned char)c)) {
			return 0;
		}
	}
	if (i < n && p[i] == '.')
		for (i++; i < n && isdigit((unsigned char)p[i]) && i < 40; i++)
			;
	if (i >= n || p[i] != 'Z')
		return 0;
	return i + 1;
}

struct desktop_line {
	int64_t t;
	const char *server;
	size_t server_len;
	int per_server;        /* "[server] [level]" (a server's own log) */
	const char *rest;
	size_t rest_len;
};

/* "<time> [a] [b] rest": 1 when the line has that shape */
static int desktop_parse(struct desktop_line *d, const char *p, size_t n)
{
	size_t t = desktop_time(p, n), i;
	const char *a, *b;
	size_t al, bl;

	if (!t || t + 2 > n || p[t] != ' ' || p[t + 1] != '[')
		return 0;
	d->t = al_parse_time_str(p, t);
	i = t + 2;
	a = p + i;
	while (i < n && p[i] != ']')
		i++;
	if (i >= n)
		return 0;
	al = (size_t)(p + i - a);
	i++;
	if (i + 1 >= n || p[i] != ' ' || p[i + 1] != '[') {
		/* "<time> [level] text" (client lines of mcp.log) */
		d->server = NULL;
		d->server_len = 0;
		d->per_server = 0;
		d->rest = p + i + (i < n && p[i] == ' ');
		d->rest_len = n - (size_t)(d->rest - p);
		return is_level(a, al) ? 2 : 0;
	}
	i += 2;
	b = p + i;
	while (i < n && p[i] != ']')
		i++;
	if (i >= n)
		return 0;
	bl = (size_t)(p + i - b);
	i++;
	if (i < n && p[i] == ' ')
		i++;
	d->rest = p + i;
	d->rest_len = n - i;
	if (is_level(a, al)) {
		d->server = b;
		d->server_len = bl;
		d->per_server = 0;
	} else if (is_level(b, bl)) {
		d->server = a;
		d->server_len = al;
		d->per_server = 1;
	} else {
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ detection */

static int is_message(const json_t *o)
{
	return json_is_object(o) &&
	       (json_is_string(json_object_get(o, "jsonrpc")) ||
		json_is_string(json_object_get(o, "method")) ||
		(json_object_get(o, "id") &&
		 (json_object_get(o, "result") || json_object_get(o, "error"))));
}

static const char *const msg_keys[] = { "message", "msg", "data", "payload", "raw", "body",
	"json", "content", NULL };

static json_t *wrapped_message(const json_t *o, int *owned)
{
	size_t i;

	*owned = 0;
	for (i = 0; msg_keys[i]; i++) {
		json_t *m = json_object_get(o, msg_keys[i]);

		if (is_message(m) || (json_is_array(m) && is_message(json_array_get(m, 0))))
			return m;
		if (json_is_string(m) && json_string_length(m) < CAIRN_AGENTLOG_LINE_MAX) {
			json_t *x = json_loadb(json_string_value(m), json_string_length(m), 0, NULL);

			if (is_message(x) || (json_is_array(x) && is_message(json_array_get(x, 0)))) {
				*owned = 1;
				return x;
			}
			json_decref(x);
		}
	}
	return NULL;
}

static int is_transcript(const json_t *o)
{
	const char *type = json_string_value(json_object_get(o, "type"));

	if (!json_is_object(o))
		return 0;
	if (json_is_string(json_object_get(o, "sessionId")) || json_object_get(o, "parentUuid") ||
	    json_is_string(json_object_get(o, "leafUuid")))
		return 1;
	return type && (!strcmp(type, "user") || !strcmp(type, "assistant")) &&
	       json_is_object(json_object_get(o, "message")) &&
	       json_is_string(json_object_get(json_object_get(o, "message"), "role"));
}

static int classify(const json_t *o)
{
	int owned;
	json_t *m;

	if (json_is_array(o))
		return is_message(json_array_get(o, 0)) ? CAIRN_AGENTLOG_JSONRPC : CAIRN_AGENTLOG_NONE;
	if (is_transcript(o))
		return CAIRN_AGENTLOG_TRANSCRIPT;
	if (is_message(o))
		return CAIRN_AGENTLOG_JSONRPC;
	m = wrapped_message(o, &owned);
	if (owned)
		json_decref(m);
	return m ? CAIRN_AGENTLOG_JSONRPC : CAIRN_AGENTLOG_NONE;
}

static int contains(const char *p, size_t n, const char *lit)
{
	return memmem(p, n, lit, strlen(lit)) != NULL;
}

int cairn_agentlog_sniff(const char *head, size_t n, int eof)
{
	size_t pos = 0, lines = 0;

	if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < n && lines < 32) {
		const char *p = head + pos, *nl = memchr(p, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - p) : n - pos, b = 0;
		struct desktop_line d;

		pos += len + (nl ? 1 : 0);
		lines++;
		while (b < len && (p[b] == ' ' || p[b] == '\t' || p[b] == '\r'))
			b++;
		if (b == len)
			continue;
		if (desktop_parse(&d, p, len))
			return CAIRN_AGENTLOG_DESKTOP;
		if (p[b] == '{' || p[b] == '[') {
			json_t *j;
			int kind;

			j = nl || eof ? json_loadb(p, len, 0, NULL) : NULL;
			kind = classify(j);
			json_decref(j);
			if (kind != CAIRN_AGENTLOG_NONE || j)
				return kind;
			/* a line longer than what was read, or cut: its keys */
			if (contains(p, len, "\"sessionId\"") || contains(p, len, "\"parentUuid\""))
				return CAIRN_AGENTLOG_TRANSCRIPT;
			if (contains(p, len, "\"jsonrpc\""))
				return CAIRN_AGENTLOG_JSONRPC;
			if (!nl)
				return CAIRN_AGENTLOG_NONE;
			/* not JSON: keep looking */
		}
	}
	return CAIRN_AGENTLOG_NONE;
}

/* ------------------------------------------------------------ lines */

struct reader {
	struct al_stream s;
	int kind;
	uint64_t warned;
	int combined_desktop;  /* mcp.log: skip lines covered by per-server logs */
	int whole;             /* parse every line (the last one: is it cut?) */
	char *desktop_server;  /* a per-server log: its server */
};

static void malformed(struct reader *r, const char *why)
{
	r->s.f->malformed++;
	if (r->warned++ < WARN_LINES)
		al_warn(r->s.a, "'%s': line %llu: %s (line skipped)", r->s.label,
			(unsigned long long)r->s.line_no, why);
}

static void line_desktop(struct reader *r, const char *p, size_t n)
{
	struct desktop_line d;
	char server[AL_MAX_NAME + 1];
	int dir;
	const char *body;
	size_t bl;
	int shape = desktop_parse(&d, p, n);

	if (!shape || !d.server) {
		r->s.f->other_lines++;
		return;
	}
	if (d.rest_len > 21 && !memcmp(d.rest, "Message from client: ", 21))
		dir = AL_DIR_TO_SERVER;
	else if (d.rest_len > 21 && !memcmp(d.rest, "Message from server: ", 21))
		dir = AL_DIR_TO_CLIENT;
	else {
		r->s.f->other_lines++;
		return;
	}
	body = d.rest + 21;
	bl = d.rest_len - 21;
	memcpy(server, d.server, d.server_len < AL_MAX_NAME ? d.server_len : AL_MAX_NAME);
	server[d.server_len < AL_MAX_NAME ? d.server_len : AL_MAX_NAME] = '\0';
	if (!memchr(server, '\0', d.server_len < AL_MAX_NAME ? d.server_len : AL_MAX_NAME) &&
	    d.per_server && !r->desktop_server)
		r->desktop_server = cairn_strdup(server);
	if (r->combined_desktop && !d.per_server && d.t >= 0 && al_covered(r->s.a, server, d.t)) {
		r->s.f->duplicates++;
		return;
	}
	if (bl && (body[0] == '{' || body[0] == '[')) {
		json_error_t err;
		json_t *j = json_loadb(body, bl, 0, &err);
		size_t i;

		if (!j) {
			char why[200];

			snprintf(why, sizeof(why), "message is not JSON: %s", err.text);
			malformed(r, why);
			return;
		}
		if (json_is_array(j)) {
			for (i = 0; i < json_array_size(j); i++)
				al_jsonrpc(&r->s, server, dir, d.t, json_array_get(j, i));
		} else if (json_is_object(j)) {
			al_jsonrpc(&r->s, server, dir, d.t, j);
		} else {
			malformed(r, "message is not a JSON object");
		}
		json_decref(j);
		return;
	}
	/* newer builds: method="tools/call" id=3 params / id=3 result */
	{
		const char *m = memmem(body, bl, "method=\"", 8);
		char method[64] = "";

		if (m) {
			const char *e;

			m += 8;
			e = memchr(m, '"', bl - (size_t)(m - body));
			if (e && (size_t)(e - m) < sizeof(method)) {
				memcpy(method, m, (size_t)(e - m));
				method[e - m] = '\0';
			}
		}
		if (m || memmem(body, bl, "id=", 3))
			al_unbodied(&r->s, server, dir, d.t, method[0] ? method : NULL);
		else
			malformed(r, "message is neither JSON nor method=/id=");
	}
}

static int dir_of(const json_t *v)
{
	static const char *const to_server[] = { "client->server", "client_to_server",
		"client-to-server", "c2s", "send", "sent", "out", "outgoing", "outbound", "request",
		"to_server", "to-server", "->", ">", "client", "tx", NULL };
	static const char *const to_client[] = { "server->client", "server_to_client",
		"server-to-client", "s2c", "recv", "received", "in", "incoming", "inbound", "response",
		"to_client", "to-client", "<-", "<", "server", "rx", NULL };
	const char *s = json_string_value(v);
	size_t i;

	if (!s)
		return AL_DIR_UNKNOWN;
	for (i = 0; to_server[i]; i++)
		if (!strcasecmp(s, to_server[i]))
			return AL_DIR_TO_SERVER;
	for (i = 0; to_client[i]; i++)
		if (!strcasecmp(s, to_client[i]))
			return AL_DIR_TO_CLIENT;
	return AL_DIR_UNKNOWN;
}

static const json_t *first_of(const json_t *o, const char *const *keys)
{
	size_t i;

	for (i = 0; keys[i]; i++) {
		const json_t *v = json_object_get(o, keys[i]);

		if (v && !json_is_null(v))
			return v;
	}
	return NULL;
}

static void jsonrpc_batch(struct reader *r, const char *server, int dir, int64_t t, json_t *m)
{
	size_t i;

	if (json_is_array(m)) {
		for (i = 0; i < json_array_size(m); i++)
			if (json_is_object(json_array_get(m, i)))
				al_jsonrpc(&r->s, server, dir, t, json_array_get(m, i));
	} else {
		al_jsonrpc(&r->s, server, dir, t, m);
	}
}

static void line_json(struct reader *r, const char *p, size_t n)
{
	static const char *const time_keys[] = { "timestamp", "time", "ts", "@timestamp", "datetime",
		"date", NULL };
	static const char *const dir_keys[] = { "direction", "dir", "from", "sender", "source",
		"flow", NULL };
	static const char *const server_keys[] = { "server", "server_name", "serverName", "mcp_server",
		NULL };
	json_error_t err;
	json_t *j;

	/* most of a transcript's bytes answer the client's own tools */
	if (r->kind == CAIRN_AGENTLOG_TRANSCRIPT && !r->whole && al_transcript_skip(&r->s, p, n))
		return;
	j = json_loadb(p, n, 0, &err);
	if (!j) {
		char why[200];

		snprintf(why, sizeof(why), "not JSON: %s", err.text);
		malformed(r, why);
		return;
	}
	if (r->kind == CAIRN_AGENTLOG_TRANSCRIPT) {
		if (json_is_object(j))
			al_transcript(&r->s, j);
		else
			malformed(r, "not a JSON object");
	} else if (json_is_array(j) || is_message(j)) {
		jsonrpc_batch(r, NULL, AL_DIR_UNKNOWN, -1, j);
	} else if (json_is_object(j)) {
		int owned;
		json_t *m = wrapped_message(j, &owned);

		if (m) {
			const json_t *sv = first_of(j, server_keys);

			jsonrpc_batch(r, json_is_string(sv) && json_string_length(sv) ? json_string_value(sv) : NULL,
				      dir_of(first_of(j, dir_keys)), al_parse_time(first_of(j, time_keys)), m);
			if (owned)
				json_decref(m);
		} else {
			r->s.f->other_lines++;
		}
	} else {
		malformed(r, "not a JSON object");
	}
	json_decref(j);
}

static void line(struct reader *r, const char *p, size_t n)
{
	r->s.line_no++;
	r->s.f->lines++;
	if (n && p[n - 1] == '\r')
		n--;
	if (r->s.line_no == 1 && n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		p += 3;
		n -= 3;
	}
	if (!n)
		return;
	if (memchr(p, '\0', n)) {
		malformed(r, "NUL byte");
		return;
	}
	if (r->kind == CAIRN_AGENTLOG_DESKTOP)
		line_desktop(r, p, n);
	else
		line_json(r, p, n);
}

/* The last line had no newline: a writer was cut off (or the file was
 * copied while written).  Read it if it parses; say so if not. */
static void last_line(struct reader *r, const char *p, size_t n)
{
	uint64_t before = r->s.f->malformed, warned = r->warned;

	r->warned = WARN_LINES;   /* the cut is the warning, not "not JSON" */
	r->whole = 1;
	line(r, p, n);
	r->whole = 0;
	r->warned = warned;
	if (r->s.f->malformed > before) {
		r->s.f->malformed = before;
		r->s.f->cut_last_line = 1;
		al_warn(r->s.a, "'%s': last line cut (no newline, %zu bytes not read)", r->s.label, n);
	}
}

static void derive_server(struct al_stream *s, const char *path)
{
	const char *base = strrchr(path, '/');
	char *d;
	size_t n, i;
	static const char *const ext[] = { ".ndjson", ".jsonl", ".json", ".log", ".txt", NULL };

	base = base ? base + 1 : path;
	d = cairn_strdup(base);
	n = strlen(d);
	if (n > 3 && !strcasecmp(d + n - 3, ".gz"))
		d[n -= 3] = '\0';
	else if (n > 4 && !strcasecmp(d + n - 4, ".zst"))
		d[n -= 4] = '\0';
	for (i = 0; ext[i]; i++) {
		size_t l = strlen(ext[i]);

		if (n > l && !strcasecmp(d + n - l, ext[i])) {
			d[n - l] = '\0';
			break;
		}
	}
	s->default_server = d;
}

/* Stream one file (gzip/zstd undone by the capture input layer) line by
 * line; a line is held whole up to the line limit, past it skipped. */
static int read_file(cairn_agentlog *a, const char *path, int kind, int combined)
{
	struct reader r;
	cairn_buf ln = CAIRN_BUF_INIT;
	struct cairn_input_stream in;
	char *chunk;
	int skipping = 0, rc;
	uint64_t skipped_bytes = 0;

	rc = cairn_input_open(&in, path);
	if (rc < 0)
		return rc;
	chunk = cairn_malloc(CHUNK);

	memset(&r, 0, sizeof(r));
	al_stream_init(&r.s, a, kind, path);
	r.kind = kind;
	r.combined_desktop = combined;
	if (kind == CAIRN_AGENTLOG_JSONRPC)
		derive_server(&r.s, path);
	for (;;) {
		size_t got = fread(chunk, 1, CHUNK, in.fp), pos = 0;

		if (got == 0) {
			if (ferror(in.fp)) {
				const char *e = cairn_input_error(&in);

				rc = cairn_error_set(CAIRN_EIO, "cannot read '%s': %s", path,
						     e ? e : strerror(errno));
			} else if (cairn_input_truncated(&in)) {
				al_warn(a, "'%s': compressed stream cut short", path);
			}
			break;
		}
		while (pos < got) {
			char *nl = memchr(chunk + pos, '\n', got - pos);
			size_t take = nl ? (size_t)(nl - (chunk + pos)) : got - pos;

			if (skipping) {
				skipped_bytes += take;
			} else if (ln.len + take > CAIRN_AGENTLOG_LINE_MAX) {
				skipping = 1;
				skipped_bytes = ln.len + take;
				cairn_buf_release(&ln);
			} else if (nl && !ln.len) {
				/* the whole line is in the chunk: no copy */
				line(&r, chunk + pos, take);
			} else {
				cairn_buf_add(&ln, chunk + pos, take);
				if (nl) {
					line(&r, ln.data, ln.len);
					cairn_buf_clear(&ln);
				}
			}
			if (nl && skipping) {
				r.s.line_no++;
				r.s.f->lines++;
				r.s.f->oversized++;
				al_warn(a, "'%s': line %llu: %llu bytes, over the %u MiB line limit "
					"(line skipped)", path, (unsigned long long)r.s.line_no,
					(unsigned long long)skipped_bytes, CAIRN_AGENTLOG_LINE_MAX >> 20);
				skipping = 0;
				skipped_bytes = 0;
			}
			pos += take + (nl ? 1 : 0);
		}
	}
	if (rc == 0 && skipping) {
		r.s.line_no++;
		r.s.f->lines++;
		r.s.f->oversized++;
		r.s.f->cut_last_line = 1;
		al_warn(a, "'%s': last line cut and over the %u MiB line limit (%llu bytes not read)",
			path, CAIRN_AGENTLOG_LINE_MAX >> 20, (unsigned long long)skipped_bytes);
	} else if (rc == 0 && ln.len) {
		last_line(&r, ln.data, ln.len);
	}
	if (kind == CAIRN_AGENTLOG_DESKTOP && !combined && r.desktop_server && r.s.f->first_ns >= 0)
		al_cover(a, r.desktop_server, r.s.f->first_ns, r.s.f->last_ns);
	free(r.desktop_server);
	al_stream_release(&r.s);
	cairn_buf_release(&ln);
	free(chunk);
	fclose(in.fp);
	return rc;
}

void cairn_agentlog_feed(cairn_agentlog *a, int kind, const char *label, const char *data, size_t len)
{
	struct reader r;
	size_t pos = 0;

	memset(&r, 0, sizeof(r));
	al_stream_init(&r.s, a, kind, label);
	r.kind = kind;
	if (kind == CAIRN_AGENTLOG_JSONRPC)
		derive_server(&r.s, label);
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t take = nl ? (size_t)(nl - (data + pos)) : len - pos;

		if (take > CAIRN_AGENTLOG_LINE_MAX) {
			r.s.line_no++;
			r.s.f->lines++;
			r.s.f->oversized++;
		} else if (nl) {
			line(&r, data + pos, take);
		} else {
			last_line(&r, data + pos, take);
		}
		pos += take + (nl ? 1 : 0);
	}
	free(r.desktop_server);
	al_stream_release(&r.s);
}

/* ------------------------------------------------------------ files */

struct input {
	const char *path;
	int kind;
	int per_server;   /* a Claude Desktop mcp-server-<name>.log */
};

/* The kind of the file and, for Claude Desktop, which of its two logs it
 * is (per-server logs write "[server] [level]"). */
static int open_input(struct input *in)
{
	struct cairn_input_stream st;
	char *head;
	size_t got = 0, r, pos = 0;
	int rc = cairn_input_open_peek(&st, in->path);

	if (rc < 0)
		return rc;
	head = cairn_malloc(SNIFF_MAX);
	while (got < SNIFF_MAX && (r = fread(head + got, 1, SNIFF_MAX - got, st.fp)) > 0)
		got += r;
	in->kind = cairn_agentlog_sniff(head, got, got < SNIFF_MAX);
	if (in->kind == CAIRN_AGENTLOG_NONE)
		rc = cairn_error_set(CAIRN_EFORMAT, "'%s': not an agent log (Claude Desktop, "
				     "Claude Code transcript or JSON-RPC)", in->path);
	while (in->kind == CAIRN_AGENTLOG_DESKTOP && pos < got) {
		const char *nl = memchr(head + pos, '\n', got - pos);
		size_t len = nl ? (size_t)(nl - head - pos) : got - pos;
		struct desktop_line d;

		if (desktop_parse(&d, head + pos, len) == 1) {
			in->per_server = d.per_server;
			break;
		}
		pos += len + 1;
	}
	free(head);
	fclose(st.fp);
	return rc;
}

int cairn_agentlog_read(cairn_agentlog *a, const char *const *paths, size_t n)
{
	struct input *in = cairn_calloc(n ? n : 1, sizeof(*in));
	size_t i, pass;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		in[i].path = paths[i];
		rc = open_input(&in[i]);
	}
	/* per-server Claude Desktop logs first: they decide which lines of
	 * mcp.log are duplicates */
	for (pass = 0; pass < 2 && rc == 0; pass++)
		for (i = 0; i < n && rc == 0; i++) {
			int first = in[i].kind == CAIRN_AGENTLOG_DESKTOP && in[i].per_server;

			if (first != (pass == 0))
				continue;
			rc = read_file(a, in[i].path, in[i].kind,
				       in[i].kind == CAIRN_AGENTLOG_DESKTOP && !in[i].per_server);
		}
	free(in);
	return rc;
}
