/*
 * fuzz_capture.c - cairn-capture's parsers of untrusted bytes.
 *
 * Input, by its first byte:
 *   'F'  the rest is a capture file (pcap, pcapng, gzip, zstd): read through
 *        cairn_capture_read() from a memfd, so libpcap, the decompressors and
 *        the pcapng block reader all see it;
 *   else a packet sequence: records of [link selector][len hi][len lo][bytes]
 *        fed to one analysis (so flows, TCP reassembly, DNS names and QUIC
 *        CRYPTO reassembly carry state from packet to packet).
 * Every input also goes whole through the DNS, TLS (client hello, server
 * certificate), HTTP and QUIC parsers.
 * The result is rendered as text, CSV and JSON.  Must never crash or hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "capture_engine.h"
#include "capture_int.h"
#include "capture_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[8] = {
	CAP_LT_EN10MB, CAP_LT_RAW, CAP_LT_SLL, CAP_LT_SLL2, CAP_LT_NULL, CAP_LT_LOOP,
	CAP_LT_IPV4, CAP_LT_IPV6
};

static void sink(void *ctx, uint64_t off, const uint8_t *d, size_t n)
{
	(void)ctx;
	(void)off;
	(void)d;
	(void)n;
}

static void render(cairn_capture *c)
{
	fz_capture_render(c, "*.example\n10.0.0.0/8\n2001:db8::/32\nx.test\n");
}

static void whole(const uint8_t *data, size_t size)
{
	static struct cap_dns_msg m;
	struct cap_hello_info h;
	struct cap_cert_chain ch;
	char host[CAP_DNS_NAME_MAX + 1];
	uint8_t dcid[CAP_QUIC_CID_MAX];
	size_t dl = 0;

	cap_dns_parse(&m, data, size);
	cap_tls_client_hello(&h, data, size);
	cap_tls_handshake_hello(&h, data, size);
	cap_tls_server_certs(&ch, data, size);
	cap_http_host(host, data, size);
	if (cap_quic_is_initial(data, size, dcid, &dl))
		cap_quic_client_initial(data, size, dcid, dl, sink, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cairn_capture_opts o = { 60LL * 1000000000LL, NULL, 0, 0 };
	cairn_capture *c;
	size_t off = 1;
	int64_t ts = 1767261600LL * 1000000000LL;

	whole(data, size);
	if (size < 1)
		return 0;
	o.all_flows = data[0] & 1;
	/* a file's own times may span days: hour windows keep the idle
	 * windows of a long connection (each rendered) to dozens per input,
	 * not thousands, through the same code */
	if (data[0] == 'F')
		o.window_ns = 3600LL * 1000000000LL;
	cairn_capture_new(&c, &o);
	if (data[0] == 'F') {
		int fd;
		char path[64];

		fd = memfd_create("fuzz-capture", 0);

		if (fd >= 0) {
			if (write(fd, data + 1, size - 1) == (ssize_t)(size - 1)) {
				const char *p[1] = { path };

				snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
				if (cairn_capture_read(c, p, 1) == 0)
					render(c);
			}
			close(fd);
		}
		cairn_capture_free(c);
		return 0;
	}
	while (off + 3 <= size) {
		int lt = links[data[off] & 7];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2];

		/* the selector's high bits move the clock: windows, idle spans */
		ts += (int64_t)(data[off] >> 3) * 7000000000LL;
		off += 3;
		if (len > size - off)
			len = size - off;
		cairn_capture_feed(c, lt, ts, data + off, len);
		off += len;
	}
	render(c);
	cairn_capture_free(c);
	return 0;
}
