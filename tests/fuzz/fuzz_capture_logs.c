/*
 * fuzz_capture_logs.c - the Zeek and Suricata log readers and what uses
 * their records: the first byte picks the format (Zeek TSV, Zeek JSON,
 * Suricata eve.json), the rest is the file, read from a memfd into an
 * analysis that is then finished, judged by an allowlist and rendered as
 * text, CSV and JSON.  Must never crash, hang or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "capture_engine.h"
#include "capture_input.h"
#include "capture_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int kinds[3] = {
		CAIRN_INPUT_ZEEK_TSV, CAIRN_INPUT_ZEEK_JSON, CAIRN_INPUT_SURICATA_EVE
	};
	static const char allow[] = "*.example\n10.0.0.0/8\n2001:db8::/32\nwww.google.com\n";
	struct cairn_capture_opts o = { 60LL * 1000000000LL, NULL, 0, 0 };
	cairn_capture *c;
	char path[64];
	const char *p[1] = { path };
	int fd, kind;

	if (size < 1)
		return 0;
	kind = kinds[data[0] % 3];
	o.all_flows = (data[0] >> 2) & 1;
	fd = memfd_create("fuzz-logs", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cairn_capture_new(&c, &o);
	if (cap_logs_read(c, p, &kind, 1) == 0)
		fz_capture_render(c, allow);
	cairn_capture_free(c);
	close(fd);
	return 0;
}
