/*
 * capture_read.c - capture files in, packets out, merged by time.
 *
 * Files are read with libpcap (pcap and pcapng, nanosecond timestamps),
 * through lib/capture_input.c, which undoes gzip and zstd on the fly so
 * libpcap never sees the difference.  libpcap 1.10 stops
 * on a pcapng file whose interfaces have different link types ("an
 * interface has a type ... different from the type of the first
 * interface"); such a file is then read again with the block reader below
 * (pcapng, draft-ietf-opsawg-pcapng §4), skipping the packets libpcap
 * already delivered.  A partial last record ends a file with a warning;
 * every other kind of damage is an error naming the file.
 */
#include "agentlog.h"
#include "capture.h"
#include "capture_input.h"
#include "capture_engine.h"
#include "capture_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NG_BLOCK_MAX (16u << 20)   /* larger blocks are bogus, not packets */
#define NG_MAX_IFACES 4096
#define SNAP_MAX 262144

void cap_warn(cairn_capture *c, const char *msg);
const char *cap_filter(const cairn_capture *c);

/* ---- pcapng block reader ---- */

struct ng_iface {
	int linktype;
	uint32_t snaplen;
	uint64_t units;         /* timestamp units per second */
	int64_t offset_s;
	pcap_t *dead;
	struct bpf_program prog;
	int have_prog;
};

struct ngreader {
	FILE *fp;
	int swap, have_shb;
	struct ng_iface *ifs;
	size_t nifs;
	uint8_t *blk;
	size_t blkcap;
	uint64_t offset;
};

static uint32_t ng32(const struct ngreader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t ng16(const struct ngreader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static void ng_reset_ifaces(struct ngreader *r)
{
	size_t i;

	for (i = 0; i < r->nifs; i++) {
		if (r->ifs[i].have_prog)
			pcap_freecode(&r->ifs[i].prog);
		if (r->ifs[i].dead)
			pcap_close(r->ifs[i].dead);
	}
	free(r->ifs);
	r->ifs = NULL;
	r->nifs = 0;
}

static void ng_free(struct ngreader *r)
{
	if (!r)
		return;
	ng_reset_ifaces(r);
	free(r->blk);
	free(r);
}

static int ng_iface(struct ngreader *r, const uint8_t *b, size_t len, const char *filter,
	const char *path)
{
	struct ng_iface *f;
	size_t off = 8;

	if (len < 8)
		return cairn_error_set(CAIRN_EFORMAT, "'%s': offset %llu: short interface block",
			path, (unsigned long long)r->offset);
	if (r->nifs >= NG_MAX_IFACES)
		return cairn_error_set(CAIRN_ELIMIT, "'%s': more than %d interfaces",
			path, NG_MAX_IFACES);
	r->ifs = cairn_realloc(r->ifs, (r->nifs + 1) * sizeof(*r->ifs));
	f = &r->ifs[r->nifs++];
	memset(f, 0, sizeof(*f));
	f->linktype = ng16(r, b);
	f->snaplen = ng32(r, b + 4);
	f->units = 1000000;
	while (off + 4 <= len) {
		uint16_t code = ng16(r, b + off), ol = ng16(r, b + off + 2);

		off += 4;
		if (code == 0 || off + ol > len)
			break;
		if (code == 9 && ol >= 1) { /* if_tsresol */
			uint8_t v = b[off], e = v & 0x7f, i;
			uint64_t u = 1;

			if (v & 0x80) {
				if (e > 63)
					return cairn_error_set(CAIRN_EFORMAT, "'%s': bad if_tsresol", path);
				u = (uint64_t)1 << e;
			} else {
				if (e > 19)
					return cairn_error_set(CAIRN_EFORMAT, "'%s': bad if_tsresol", path);
				for (i = 0; i < e; i++)
					u *= 10;
			}
			f->units = u;
		} else if (code == 14 && ol == 8) { /* if_tsoffset */
			uint64_t v;

			memcpy(&v, b + off, 8);
			f->offset_s = (int64_t)(r->swap ? __builtin_bswap64(v) : v);
			if (f->offset_s > 1000000000000LL || f->offset_s < -1000000000000LL)
				f->offset_s = 0; /* absurd: ignore rather than overflow */
		}
		off += ((size_t)ol + 3) & ~(size_t)3;
	}
	if (filter) {
		int dlt = f->linktype == CAP_LT_RAW ? CAP_LT_RAW_DLT12 : f->linktype;

		f->dead = pcap_open_dead(dlt, SNAP_MAX);
		if (!f->dead)
			cairn_oom();
		if (pcap_compile(f->dead, &f->prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
			return cairn_error_set(CAIRN_EUSAGE, "'%s': filter for link type %d: %s",
				path, f->linktype, pcap_geterr(f->dead));
		f->have_prog = 1;
	}
	return 0;
}

/* 1 packet, 0 end of file, 2 truncated end (warning), <0 error. */
static int ng_next(struct ngreader *r, const char *path, const char *filter, int *lt,
	int64_t *ts, const uint8_t **data, uint32_t *caplen)
{
	for (;;) {
		uint8_t hdr[12];
		size_t n = fread(hdr, 1, 8, r->fp);
		uint32_t type, len;
		const uint8_t *b;
		size_t blen;

		if (n == 0 && feof(r->fp))
			return 0;
		if (n < 8)
			return ferror(r->fp) ? cairn_error_set(CAIRN_EIO, "cannot read '%s'", path) : 2;
		memcpy(&type, hdr, 4);
		if (type == 0x0A0D0D0A) {
			uint32_t bom;

			if (fread(hdr + 8, 1, 4, r->fp) < 4)
				return 2;
			memcpy(&bom, hdr + 8, 4);
			if (bom == 0x1A2B3C4D)
				r->swap = 0;
			else if (bom == 0x4D3C2B1A)
				r->swap = 1;
			else
				return cairn_error_set(CAIRN_EFORMAT, "'%s': offset %llu: bad pcapng byte-order magic",
					path, (unsigned long long)r->offset);
			r->have_shb = 1;
			ng_reset_ifaces(r);
		} else if (!r->have_shb) {
			return cairn_error_set(CAIRN_EFORMAT, "'%s': not a pcapng file", path);
		}
		type = ng32(r, hdr);
		len = ng32(r, hdr + 4);
		if (len < 12 || len % 4 || len > NG_BLOCK_MAX)
			return cairn_error_set(CAIRN_EFORMAT, "'%s': offset %llu: bogus block length %u",
				path, (unsigned long long)r->offset, len);
		if (r->blkcap < len) {
			r->blkcap = len;
			r->blk = cairn_realloc(r->blk, r->blkcap);
		}
		memcpy(r->blk, hdr, type == 0x0A0D0D0A ? 12 : 8);
		{
			size_t have = type == 0x0A0D0D0A ? 12 : 8;

			if (fread(r->blk + have, 1, len - have, r->fp) < len - have)
				return ferror(r->fp) ? cairn_error_set(CAIRN_EIO, "cannot read '%s'", path) : 2;
		}
		if (ng32(r, r->blk + len - 4) != len)
			return cairn_error_set(CAIRN_EFORMAT, "'%s': offset %llu: block lengths differ",
				path, (unsigned long long)r->offset);
		r->offset += len;
		b = r->blk + 8;
		blen = len - 12;
		if (type == 1) {
			int rc = ng_iface(r, b, blen, filter, path);

			if (rc < 0)
				return rc;
			continue;
		}
		if (type == 6 || type == 2 || type == 3) {
			uint32_t ifn, cl;
			uint64_t t = 0;
			const uint8_t *pd;
			struct ng_iface *f;

			if (type == 3) { /* simple packet block: interface 0, no time */
				if (blen < 4)
					goto bad;
				ifn = 0;
				cl = ng32(r, b);
				pd = b + 4;
				if (cl > blen - 4)
					cl = (uint32_t)(blen - 4);
			} else {
				if (blen < 20)
					goto bad;
				ifn = type == 6 ? ng32(r, b) : ng16(r, b);
				t = (uint64_t)ng32(r, b + 4) << 32 | ng32(r, b + 8);
				cl = ng32(r, b + 12);
				pd = b + 20;
				if (cl > blen - 20)
					goto bad;
			}
			if (ifn >= r->nifs)
				return cairn_error_set(CAIRN_EFORMAT, "'%s': offset %llu: packet for undeclared interface %u",
					path, (unsigned long long)(r->offset - len), ifn);
			f = &r->ifs[ifn];
			if (f->snaplen && type == 3 && cl > f->snaplen)
				cl = f->snaplen;
			{
				__int128 ns = (__int128)(t / f->units) * 1000000000 +
					(__int128)(t % f->units) * 1000000000 / (__int128)f->units +
					(__int128)f->offset_s * 1000000000;

				/* out of range: -1, which the analysis counts as a
				 * bad timestamp instead of wrapping it around */
				*ts = ns >= 0 && ns < CAIRN_CAPTURE_TS_MAX ? (int64_t)ns : -1;
			}
			if (f->have_prog) {
				struct pcap_pkthdr h;

				memset(&h, 0, sizeof(h));
				h.caplen = cl;
				h.len = cl;
				if (!pcap_offline_filter(&f->prog, &h, pd))
					continue;
			}
			*lt = f->linktype;
			*data = pd;
			*caplen = cl;
			return 1;
		}
		continue; /* statistics, name resolution, custom ... */
bad:
		return cairn_error_set(CAIRN_EFORMAT, "'%s': offset %llu: packet block shorter than its header",
			path, (unsigned long long)(r->offset - len));
	}
}

/* ---- sources and the merge ---- */

struct source {
	const char *path;
	FILE *fp;
	struct cairn_input_stream in;
	enum cairn_input_kind kind;
	pcap_t *pcap;
	struct ngreader *ng;
	uint64_t delivered;
	int have;
	int linktype;
	int64_t ts;
	const uint8_t *data;
	uint32_t caplen;
};

static void source_close(struct source *s)
{
	if (s->pcap)
		pcap_close(s->pcap); /* closes fp */
	else if (s->fp)
		fclose(s->fp);
	s->pcap = NULL;
	s->fp = NULL;
	s->in.fp = NULL;
	s->in.z = NULL;
	ng_free(s->ng);
	s->ng = NULL;
}

static void truncated_warning(cairn_capture *c, struct source *s, const char *what)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "'%s': %s; read the %llu packets before it",
		s->path, what, (unsigned long long)s->delivered);
	cap_warn(c, msg);
}

static int source_fallback(cairn_capture *c, struct source *s);

static int source_open(cairn_capture *c, struct source *s)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	int rc;

	rc = cairn_input_open(&s->in, s->path);
	if (rc < 0)
		return rc;
	s->fp = s->in.fp;
	errbuf[0] = '\0';
	s->pcap = pcap_fopen_offline_with_tstamp_precision(s->fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!s->pcap) {
		int trunc = strstr(errbuf, "truncated") != NULL;
		char zerr[128] = "";

		/* fclose frees the decompressor: keep its message first */
		if (cairn_input_error(&s->in))
			snprintf(zerr, sizeof(zerr), "%s", cairn_input_error(&s->in));
		fclose(s->fp);
		s->fp = NULL;
		s->in.fp = NULL;
		s->in.z = NULL;
		if (zerr[0])
			return cairn_error_set(CAIRN_EFORMAT, "'%s': %s", s->path, zerr);
		/* an empty or cut header is no capture at all */
		if (trunc)
			return cairn_error_set(CAIRN_EFORMAT, "'%s': truncated capture header", s->path);
		/* a pcapng libpcap will not open: the block reader may */
		if (s->kind == CAIRN_INPUT_PCAPNG)
			return source_fallback(c, s);
		return cairn_error_set(CAIRN_EFORMAT, "'%s': not a pcap/pcapng capture (%s)",
			s->path, errbuf);
	}
	if (cap_filter(c)) {
		struct bpf_program prog;

		if (pcap_compile(s->pcap, &prog, cap_filter(c), 1, PCAP_NETMASK_UNKNOWN) < 0)
			return cairn_error_set(CAIRN_EUSAGE, "bad filter '%s': %s",
				cap_filter(c), pcap_geterr(s->pcap));
		rc = pcap_setfilter(s->pcap, &prog);
		pcap_freecode(&prog);
		if (rc < 0)
			return cairn_error_set(CAIRN_EEXTERNAL, "'%s': filter: %s",
				s->path, pcap_geterr(s->pcap));
	}
	return 0;
}

/* Switch a pcapng source to the block reader, skipping what was read. */
static int source_fallback(cairn_capture *c, struct source *s)
{
	uint64_t skip = s->delivered, i;
	int rc;

	if (s->pcap)
		pcap_close(s->pcap);
	s->pcap = NULL;
	s->fp = NULL;
	rc = cairn_input_open(&s->in, s->path);
	if (rc < 0)
		return rc;
	s->fp = s->in.fp;
	s->ng = cairn_calloc(1, sizeof(*s->ng));
	s->ng->fp = s->fp;
	for (i = 0; i < skip; i++) {
		rc = ng_next(s->ng, s->path, cap_filter(c), &s->linktype, &s->ts, &s->data, &s->caplen);
		if (rc != 1)
			return rc < 0 ? rc : cairn_error_set(CAIRN_EFORMAT,
				"'%s': pcapng reread ended early", s->path);
	}
	return 0;
}

/* Load the next packet of s into s->have/ts/data; <0 error. */
static int source_next(cairn_capture *c, struct source *s)
{
	s->have = 0;
	if (s->ng) {
		int rc = ng_next(s->ng, s->path, cap_filter(c), &s->linktype, &s->ts,
			&s->data, &s->caplen);

		if (rc == 1) {
			s->have = 1;
			s->delivered++;
			return 0;
		}
		if (rc == 2)
			truncated_warning(c, s, "partial last record");
		else if (rc == 0 && cairn_input_truncated(&s->in))
			truncated_warning(c, s, "compressed stream cut short");
		return rc < 0 ? rc : 0;
	}
	if (!s->pcap)
		return 0;
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *d;
		int rc = pcap_next_ex(s->pcap, &h, &d);

		if (rc == 1) {
			s->have = 1;
			s->delivered++;
			s->linktype = pcap_datalink(s->pcap);
			/* libpcap gives nanoseconds in tv_usec (opened with
			 * PCAP_TSTAMP_PRECISION_NANO); a time_t past the span
			 * the analysis takes is -1, counted as a bad timestamp */
			s->ts = h->ts.tv_sec >= 0 &&
				h->ts.tv_sec < CAIRN_CAPTURE_TS_MAX / 1000000000LL ?
				(int64_t)h->ts.tv_sec * 1000000000LL + h->ts.tv_usec : -1;
			s->data = d;
			s->caplen = h->caplen;
			return 0;
		}
		if (rc == PCAP_ERROR_BREAK) {
			if (cairn_input_truncated(&s->in))
				truncated_warning(c, s, "compressed stream cut short");
			return 0;
		}
		{
			const char *e = pcap_geterr(s->pcap);

			if (cairn_input_error(&s->in))
				return cairn_error_set(CAIRN_EFORMAT, "'%s': %s", s->path,
					cairn_input_error(&s->in));
			if (strstr(e, "truncated")) {
				truncated_warning(c, s, "partial last record");
				return 0;
			}
			if (strstr(e, "different from the type of the first interface")) {
				int frc = source_fallback(c, s);

				if (frc < 0)
					return frc;
				return source_next(c, s);
			}
			return cairn_error_set(CAIRN_EFORMAT, "'%s': after packet %llu: %s",
				s->path, (unsigned long long)s->delivered, e);
		}
	}
}

int cairn_capture_read(cairn_capture *c, const char *const *paths, size_t n)
{
	return cairn_capture_read_all(c, NULL, paths, n);
}

int cairn_capture_read_all(cairn_capture *c, cairn_agentlog *agent,
	const char *const *paths, size_t n)
{
	struct source *src = cairn_calloc(n ? n : 1, sizeof(*src));
	const char **logs = cairn_calloc(n ? n : 1, sizeof(*logs));
	const char **netlogs = cairn_calloc(n ? n : 1, sizeof(*netlogs));
	int *netkinds = cairn_calloc(n ? n : 1, sizeof(*netkinds));
	size_t i, nlogs = 0, nnet = 0, npcap = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct cairn_input_info info;

		src[i].path = paths[i];
		rc = cairn_input_sniff(&info, paths[i]);
		if (rc < 0)
			goto done;
		src[i].kind = info.kind;
		switch (info.kind) {
		case CAIRN_INPUT_PCAP:
		case CAIRN_INPUT_PCAPNG:
			/* a header cut short is no capture at all */
			if (info.head_truncated) {
				rc = cairn_error_set(CAIRN_EFORMAT, "'%s': truncated capture header",
					paths[i]);
				goto done;
			}
			rc = source_open(c, &src[i]);
			npcap++;
			break;
		case CAIRN_INPUT_ZEEK_TSV:
		case CAIRN_INPUT_ZEEK_JSON:
		case CAIRN_INPUT_SURICATA_EVE:
			/* what a sensor logged of the same traffic: flows, not packets */
			src[i].kind = CAIRN_INPUT_UNKNOWN;
			netkinds[nnet] = info.kind;
			netlogs[nnet++] = paths[i];
			break;
		case CAIRN_INPUT_AGENT_DESKTOP:
		case CAIRN_INPUT_AGENT_TRANSCRIPT:
		case CAIRN_INPUT_AGENT_JSONRPC:
			/* the MCP clients' logs feed their own analysis */
			if (!agent) {
				rc = cairn_error_set(CAIRN_EFORMAT, "'%s': an agent log (%s), "
					"not a packet capture", paths[i], cairn_input_kind_name(info.kind));
				break;
			}
			src[i].kind = CAIRN_INPUT_UNKNOWN;   /* no packets from here */
			logs[nlogs++] = paths[i];
			break;
		default:
			rc = cairn_error_set(CAIRN_EFORMAT,
				"'%s': not a pcap/pcapng capture, nor a Zeek or Suricata log, "
				"nor an MCP client log (Claude Desktop, Claude Code, JSON-RPC)%s",
				paths[i],
				info.head_len ? "" : " (empty file)");
			break;
		}
		if (rc < 0)
			goto done;
	}
	/* a sensor's logs and the packets it saw are the same traffic: read
	 * together they would count it twice */
	if (nnet && npcap) {
		rc = cairn_error_set(CAIRN_EUSAGE, "'%s': a %s log cannot be read together with "
			"packet captures (the same traffic would count twice); read them apart",
			netlogs[0], netkinds[0] == CAIRN_INPUT_SURICATA_EVE ? "Suricata" : "Zeek");
		goto done;
	}
	/* a BPF filter selects packets; a log has none to select from */
	if (nnet && cap_filter(c)) {
		rc = cairn_error_set(CAIRN_EUSAGE, "'%s': -f selects packets, a %s log has none; "
			"read the log without -f", netlogs[0],
			netkinds[0] == CAIRN_INPUT_SURICATA_EVE ? "Suricata" : "Zeek");
		goto done;
	}
	if (nlogs && (rc = cairn_agentlog_read(agent, logs, nlogs)) < 0)
		goto done;
	if (nnet && (rc = cap_logs_read(c, netlogs, netkinds, nnet)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (src[i].kind == CAIRN_INPUT_UNKNOWN)
			continue;
		rc = source_next(c, &src[i]);
		if (rc < 0)
			goto done;
	}
	/* one timeline: always the oldest pending packet next (ties: file order) */
	for (;;) {
		struct source *best = NULL;

		for (i = 0; i < n; i++)
			if (src[i].have && (!best || src[i].ts < best->ts))
				best = &src[i];
		if (!best)
			break;
		cairn_capture_feed(c, best->linktype, best->ts, best->data, best->caplen);
		rc = source_next(c, best);
		if (rc < 0)
			goto done;
	}
	rc = 0;
done:
	for (i = 0; i < n; i++)
		source_close(&src[i]);
	free(src);
	free(logs);
	free(netlogs);
	free(netkinds);
	return rc;
}
