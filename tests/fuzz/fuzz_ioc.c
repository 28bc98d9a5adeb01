/*
 * fuzz_ioc.c - one hostile indicator list through the strict parser and
 * on into matching: every line of the input is also asked of each
 * matcher (as a package name and version, a host, an address, a URL),
 * and the parsed set is run over recorded facts (package records with
 * URLs, an MCP config, a capture's hosts, DNS and tool-call hosts, a file
 * entry) through lib/known.c, findings included.  No crash, no leak; a
 * host: indicator that parsed always matches its own name.
 */
#include "cairn.h"
#include "ioc.h"
#include "known.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char records_json[] =
	"[{\"type\":\"package\",\"ecosystem\":\"npm\",\"project\":\"\",\"path\":\"node_modules/a\","
	"\"name\":\"a\",\"version\":\"1.0.0\",\"locked_version\":\"1.0.1\","
	"\"resolved\":\"https://evil.test/a/-/a-1.0.1.tgz\"},"
	"{\"type\":\"package\",\"ecosystem\":\"pypi\",\"project\":\"lib\",\"path\":\"b.dist-info\","
	"\"name\":\"B_c\",\"version\":\"2.0\"},"
	"{\"type\":\"requirement\",\"file\":\"requirements.txt\",\"line\":3,\"name\":\"x\","
	"\"spec\":\"==1.0\",\"pinned\":true},"
	"{\"type\":\"mcp_server\",\"config\":\".mcp.json\",\"launcher\":\"npx\",\"pin\":\"exact\","
	"\"package_name\":\"@s/m\",\"package_version\":\"1.0.16\",\"url\":\"http://10.0.0.1:8080/sse\","
	"\"args\":[\"-y\",\"https://c2.evil.test/x\"]}]";

static const char capture_json[] =
	"{\"totals\":[{\"host\":\"h.evil.test\",\"names\":[\"h.evil.test\",\"alias.test\"],"
	"\"addresses\":[\"203.0.113.7\",\"2001:db8::1\"]},{\"host\":\"198.51.100.9\",\"names\":[]}],"
	"\"dns\":[{\"name\":\"q.evil.test\",\"addresses\":[\"192.0.2.1\"]}],"
	"\"lookups\":[{\"sample\":[\"x.y.evil.test\"]}],"
	"\"agent\":{\"hosts\":[{\"host\":\"tool.evil.test\",\"direction\":\"arguments\"}]}}";

static int count_hit(void *ctx, const cairn_known_hit *h)
{
	(void)h;
	(*(int *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ioc_set *s;
	cairn_known *k;
	cairn_findings f = CAIRN_FINDINGS_INIT;
	cairn_known_input in;
	cairn_entry e;
	json_t *records, *capture;
	size_t off = 0;
	int hits = 0;

	if (size > 1 << 20)
		return 0;
	cairn_ioc_set_new(&s);
	if (cairn_ioc_set_parse(s, (const char *)data, size, "fuzz") < 0) {
		cairn_ioc_set_free(s);
		return 0;
	}
	/* every line, as whatever a matcher takes */
	while (off < size) {
		const char *p = (const char *)data + off;
		const char *nl = memchr(p, '\n', size - off);
		size_t n = nl ? (size_t)(nl - p) : size - off;
		char *line = cairn_strndup(p, n);
		const cairn_ioc *i;

		off += n + 1;
		cairn_ioc_match_package(s, "npm", line, "1.0.0");
		cairn_ioc_match_package(s, "pypi", line, line);
		cairn_ioc_match_host(s, line);
		cairn_ioc_match_ip(s, line);
		cairn_ioc_match_url(s, line);
		if (!strncmp(line, "host:", 5) && !strchr(line, '\t') && !strchr(line, ' ') &&
		    line[5] != '*' && !strchr(line, '\r')) {
			i = cairn_ioc_match_host(s, line + 5);
			if (!i)
				abort();   /* a host indicator misses its own name */
		}
		free(line);
	}
	cairn_ioc_set_free(s);

	/* and the same list through the known-bad check */
	if (cairn_known_new(&k) < 0)
		return 0;
	records = json_loads(records_json, 0, NULL);
	capture = json_loads(capture_json, 0, NULL);
	{
		char path[] = "/dev/shm/fuzz_ioc.XXXXXX";
		int fd = mkstemp(path);

		if (fd >= 0) {
			if (write(fd, data, size) == (ssize_t)size &&
			    cairn_known_load_ioc(k, path) == 0) {
				cairn_known_scan(k, records, count_hit, &hits, NULL, NULL);
				cairn_known_scan_capture(k, capture, count_hit, &hits);
				cairn_entry_init(&e);
				e.path = cairn_strdup("dir/\xff.js");
				e.path_len = strlen(e.path);
				e.flags = CAIRN_EF_HASHED;
				memset(e.sha256, 0xab, sizeof(e.sha256));
				cairn_known_scan_entry(k, &e, count_hit, &hits);
				cairn_entry_release(&e);
				memset(&in, 0, sizeof(in));
				in.records = records;
				in.capture = capture;
				cairn_known_eval(&f, k, &in);
				json_decref(cairn_findings_to_json(&f));
			}
			close(fd);
			unlink(path);
		}
	}
	cairn_findings_release(&f);
	json_decref(records);
	json_decref(capture);
	cairn_known_free(k);
	return 0;
}
