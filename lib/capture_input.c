/*
 * capture_input.c - the kind of an evidence file, by content; gzip and
 * zstd undone on the fly through a stdio cookie, so every reader (libpcap
 * included) sees plain bytes.
 */
#include "capture_input.h"
#include "agentlog.h"
#include "meter.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* ---- decompressing FILE cookies ---- */

struct cairn_input_zin {
	int fd;
	int kind;               /* 0 plain, 1 gzip, 2 zstd */
	int metered;            /* file bytes read count in meter.h */
	z_off_t gz_raw;         /* gzip: compressed bytes counted so far */
	gzFile gz;
	ZSTD_DStream *zs;
	uint8_t *in;
	ZSTD_inBuffer ib;
	size_t last_ret;        /* zstd: 0 when a frame ended cleanly */
	int eof, truncated, failed;
	char err[128];
};

static ssize_t zin_read(void *cookie, char *buf, size_t size)
{
	struct cairn_input_zin *z = cookie;

	if (z->kind == 0) {
		ssize_t n = read(z->fd, buf, size);

		if (n < 0) {
			z->failed = 1;
			snprintf(z->err, sizeof(z->err), "%s", strerror(errno));
			return -1;
		}
		if (z->metered)
			cairn_meter_add((uint64_t)n);
		return n;
	}
	if (z->kind == 1) {
		int n;

		if (size > (1u << 30))
			size = 1u << 30;
		n = gzread(z->gz, buf, (unsigned)size);
		if (n >= 0 && z->metered) {
			/* gzoffset(): the compressed bytes taken from the file */
			z_off_t raw = gzoffset(z->gz);

			if (raw > z->gz_raw) {
				cairn_meter_add((uint64_t)(raw - z->gz_raw));
				z->gz_raw = raw;
			}
		}
		if (n > 0)
			return n;
		if (n == 0) {
			int code = 0;

			/* zlib ends a stream cut short with 0 and Z_BUF_ERROR */
			gzerror(z->gz, &code);
			if (code == Z_BUF_ERROR)
				z->truncated = 1;
			return 0;
		}
		{
			int code = 0;
			const char *m = gzerror(z->gz, &code);

			if (code == Z_BUF_ERROR) {
				z->truncated = 1;
				return 0;
			}
			z->failed = 1;
			snprintf(z->err, sizeof(z->err), "gzip: %s", m ? m : "error");
			errno = EIO;
			return -1;
		}
	}
	{
		ZSTD_outBuffer ob = { buf, size, 0 };

		while (ob.pos == 0) {
			size_t r;

			if (z->ib.pos == z->ib.size) {
				ssize_t n;

				if (z->eof) {
					if (z->last_ret != 0)
						z->truncated = 1;
					return 0;
				}
				n = read(z->fd, z->in, ZSTD_DStreamInSize());
				if (n < 0) {
					z->failed = 1;
					snprintf(z->err, sizeof(z->err), "%s", strerror(errno));
					return -1;
				}
				if (n == 0) {
					z->eof = 1;
					continue;
				}
				if (z->metered)
					cairn_meter_add((uint64_t)n);
				z->ib.src = z->in;
				z->ib.size = (size_t)n;
				z->ib.pos = 0;
			}
			r = ZSTD_decompressStream(z->zs, &ob, &z->ib);
			if (ZSTD_isError(r)) {
				z->failed = 1;
				snprintf(z->err, sizeof(z->err), "zstd: %s", ZSTD_getErrorName(r));
				errno = EIO;
				return -1;
			}
			z->last_ret = r;
		}
		return (ssize_t)ob.pos;
	}
}

static int zin_close(void *cookie)
{
	struct cairn_input_zin *z = cookie;

	if (z->gz)
		gzclose(z->gz); /* closes fd */
	else
		close(z->fd);
	ZSTD_freeDStream(z->zs);
	free(z->in);
	free(z);
	return 0;
}

static int input_open(struct cairn_input_stream *out, const char *path, int metered)
{
	struct stat st;
	uint8_t magic[4] = { 0 };
	ssize_t n;
	int fd;
	FILE *fp;
	struct cairn_input_zin *z;
	cookie_io_functions_t io = { zin_read, NULL, NULL, zin_close };

	out->fp = NULL;
	out->z = NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cairn_error_set(CAIRN_EIO, "'%s': not a regular file", path);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	n = pread(fd, magic, 4, 0);
	if (n < 0) {
		close(fd);
		return cairn_error_set(CAIRN_EIO, "cannot read '%s': %s", path, strerror(errno));
	}
	if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		z = cairn_calloc(1, sizeof(*z));
		z->fd = fd;
		z->kind = 1;
		z->gz = gzdopen(fd, "rb");
		if (!z->gz)
			cairn_oom();
		gzbuffer(z->gz, 1 << 17);
	} else if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
	           magic[3] == 0xfd) {
		z = cairn_calloc(1, sizeof(*z));
		z->fd = fd;
		z->kind = 2;
		z->zs = ZSTD_createDStream();
		if (!z->zs)
			cairn_oom();
		ZSTD_initDStream(z->zs);
		/* a window larger than 128 MiB is refused rather than allocated */
		ZSTD_DCtx_setParameter(z->zs, ZSTD_d_windowLogMax, 27);
		z->in = cairn_malloc(ZSTD_DStreamInSize());
		z->last_ret = 1;
	} else {
		z = cairn_calloc(1, sizeof(*z));
		z->fd = fd;
	}
	z->metered = metered;
	fp = fopencookie(z, "rb", io);
	if (!fp) {
		zin_close(z);
		return cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path, strerror(errno));
	}
	setvbuf(fp, NULL, _IOFBF, 1 << 18);
	out->z = z;
	out->fp = fp;
	return 0;
}

int cairn_input_open(struct cairn_input_stream *out, const char *path)
{
	return input_open(out, path, 1);
}

int cairn_input_open_peek(struct cairn_input_stream *out, const char *path)
{
	return input_open(out, path, 0);
}

int cairn_input_truncated(const struct cairn_input_stream *s)
{
	return s->z && s->z->truncated;
}

const char *cairn_input_error(const struct cairn_input_stream *s)
{
	return s->z && s->z->failed ? s->z->err : NULL;
}

/* ---- the sniffer ---- */

static const char *const kind_names[CAIRN_INPUT__COUNT] = {
	[CAIRN_INPUT_UNKNOWN] = "unknown",
	[CAIRN_INPUT_PCAP] = "pcap",
	[CAIRN_INPUT_PCAPNG] = "pcapng",
	[CAIRN_INPUT_ZEEK_TSV] = "zeek-tsv",
	[CAIRN_INPUT_ZEEK_JSON] = "zeek-json",
	[CAIRN_INPUT_SURICATA_EVE] = "suricata-eve",
	[CAIRN_INPUT_AGENT_DESKTOP] = "claude-desktop",
	[CAIRN_INPUT_AGENT_TRANSCRIPT] = "claude-code",
	[CAIRN_INPUT_AGENT_JSONRPC] = "jsonrpc",
};

const char *cairn_input_kind_name(enum cairn_input_kind k)
{
	return k >= 0 && k < CAIRN_INPUT__COUNT && kind_names[k] ? kind_names[k] : "unknown";
}

static int is_pcap_magic(const uint8_t *p)
{
	/* microsecond, nanosecond (a1b23c4d) and Kuznetzov's patched
	 * (a1b2cd34) savefiles, in either byte order */
	static const uint32_t magics[] = { 0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34 };
	uint32_t be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	uint32_t le = __builtin_bswap32(be);
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (be == magics[i] || le == magics[i])
			return 1;
	return 0;
}

/* The kind of one JSON log line (an object), or UNKNOWN. */
static enum cairn_input_kind json_line_kind(const char *line, size_t n)
{
	json_t *o = json_loadb(line, n, JSON_DISABLE_EOF_CHECK, NULL);
	enum cairn_input_kind k = CAIRN_INPUT_UNKNOWN;

	if (!json_is_object(o)) {
		json_decref(o);
		return k;
	}
	/* Suricata: every eve record has an event type and an ISO timestamp */
	if (json_is_string(json_object_get(o, "event_type")) &&
	    json_is_string(json_object_get(o, "timestamp")))
		k = CAIRN_INPUT_SURICATA_EVE;
	/* Zeek: "ts" and the connection's 4-tuple as dotted names (the
	 * default of LogAscii::use_json), on every row of conn, dns, ssl, http */
	else if (json_object_get(o, "ts") &&
	         (json_object_get(o, "id.orig_h") || json_object_get(o, "uid")))
		k = CAIRN_INPUT_ZEEK_JSON;
	json_decref(o);
	return k;
}

/* The agent-log kinds (lib/agentlog.h), or UNKNOWN. */
static enum cairn_input_kind agent_kind(const uint8_t *p, size_t n, int eof)
{
	switch (cairn_agentlog_sniff((const char *)p, n, eof)) {
	case CAIRN_AGENTLOG_DESKTOP:
		return CAIRN_INPUT_AGENT_DESKTOP;
	case CAIRN_AGENTLOG_TRANSCRIPT:
		return CAIRN_INPUT_AGENT_TRANSCRIPT;
	case CAIRN_AGENTLOG_JSONRPC:
		return CAIRN_INPUT_AGENT_JSONRPC;
	}
	return CAIRN_INPUT_UNKNOWN;
}

enum cairn_input_kind cairn_input_sniff_buf(const uint8_t *p, size_t n, int eof)
{
	size_t i = 0, e;
	enum cairn_input_kind k;

	if (n >= 4 && is_pcap_magic(p))
		return CAIRN_INPUT_PCAP;
	if (n >= 4 && !memcmp(p, "\x0a\x0d\x0d\x0a", 4))
		return CAIRN_INPUT_PCAPNG;
	/* Zeek's ASCII writer starts every log with its separator line */
	if (n >= 11 && !memcmp(p, "#separator ", 11))
		return CAIRN_INPUT_ZEEK_TSV;
	/* JSON lines: the first non-blank line decides */
	if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i >= n || p[i] != '{')
		return agent_kind(p, n, eof);
	for (e = i; e < n && p[e] != '\n'; e++)
		;
	if (e == n && !eof)
		return agent_kind(p, n, eof); /* a first line longer than we look at */
	k = json_line_kind((const char *)p + i, e - i);
	return k != CAIRN_INPUT_UNKNOWN ? k : agent_kind(p, n, eof);
}

/* pcapng §4.1: the Section Header Block is type, total length, byte-order
 * magic, version and section length (28 bytes at least), closed by the
 * total length again.  1 when the file ends before that. */
static int shb_truncated(const uint8_t *p, size_t n, int eof)
{
	uint32_t len, bom;

	if (n < 12)
		return 1;
	memcpy(&len, p + 4, 4);
	memcpy(&bom, p + 8, 4);
	if (bom == 0x4D3C2B1A) /* written on a host of the other byte order */
		len = __builtin_bswap32(len);
	if (len < 28)
		return n < 28;
	return eof && n < len;
}

int cairn_input_sniff(struct cairn_input_info *out, const char *path)
{
	struct cairn_input_stream s;
	uint8_t *buf;
	size_t n = 0, r, want = 4096;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = cairn_input_open_peek(&s, path);
	if (rc < 0)
		return rc;
	out->compression = s.z->kind;
	/* 4 KiB tell a capture and most logs; what they do not tell is read
	 * further, up to CAIRN_INPUT_SNIFF_MAX (a long first line) */
	buf = cairn_malloc(want);
	for (;;) {
		while (n < want && (r = fread(buf + n, 1, want - n, s.fp)) > 0)
			n += r;
		if (n < want || want == CAIRN_INPUT_SNIFF_MAX || ferror(s.fp) ||
		    cairn_input_sniff_buf(buf, n, 0) != CAIRN_INPUT_UNKNOWN)
			break;
		want *= 4;
		if (want > CAIRN_INPUT_SNIFF_MAX)
			want = CAIRN_INPUT_SNIFF_MAX;
		buf = cairn_realloc(buf, want);
	}
	if (ferror(s.fp)) {
		const char *e = cairn_input_error(&s);

		rc = cairn_error_set(e ? CAIRN_EFORMAT : CAIRN_EIO, "cannot read '%s': %s",
			path, e ? e : strerror(errno));
		goto done;
	}
	out->head_len = n;
	out->head_complete = n < want;
	out->kind = cairn_input_sniff_buf(buf, n, out->head_complete);
	if (out->kind == CAIRN_INPUT_PCAP)
		out->head_truncated = n < 24;
	else if (out->kind == CAIRN_INPUT_PCAPNG)
		out->head_truncated = shb_truncated(buf, n, out->head_complete);
done:
	free(buf);
	fclose(s.fp);
	return rc;
}
