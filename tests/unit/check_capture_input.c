/*
 * check_capture_input.c - the content sniffer: each kind of evidence file
 * by its bytes (never its name), compressed or not, and what it refuses.
 */
#include "capture_input.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "scratch.h"

SCRATCH_FIXTURE("cairn-input")

static void put(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static enum cairn_input_kind sniff_str(const char *s, int eof)
{
	return cairn_input_sniff_buf((const uint8_t *)s, strlen(s), eof);
}

START_TEST(test_capture_input_kinds_by_content)
{
	static const uint8_t pcap_le[] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	static const uint8_t pcap_be_ns[] = { 0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4 };
	static const uint8_t ng[] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0 };

	ck_assert_int_eq(cairn_input_sniff_buf(pcap_le, sizeof(pcap_le), 1), CAIRN_INPUT_PCAP);
	ck_assert_int_eq(cairn_input_sniff_buf(pcap_be_ns, sizeof(pcap_be_ns), 1), CAIRN_INPUT_PCAP);
	ck_assert_int_eq(cairn_input_sniff_buf(ng, sizeof(ng), 1), CAIRN_INPUT_PCAPNG);
	ck_assert_int_eq(sniff_str("#separator \\x09\n#set_separator\t,\n", 1), CAIRN_INPUT_ZEEK_TSV);
	ck_assert_int_eq(sniff_str("{\"ts\":1.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}\n", 1),
		CAIRN_INPUT_ZEEK_JSON);
	ck_assert_int_eq(sniff_str("\n\n{\"timestamp\":\"2026-01-01T00:00:00.000000+0000\","
		"\"flow_id\":1,\"event_type\":\"dns\"}\n{", 0), CAIRN_INPUT_SURICATA_EVE);
	/* the MCP clients' logs (lib/agentlog.c decides which) */
	ck_assert_int_eq(sniff_str("{\"jsonrpc\":\"2.0\",\"id\":1}\n", 1), CAIRN_INPUT_AGENT_JSONRPC);
	ck_assert_int_eq(sniff_str("2026-03-02T08:00:00.000Z [info] [memory] Message from client: {}\n", 1),
		CAIRN_INPUT_AGENT_DESKTOP);
	ck_assert_int_eq(sniff_str("{\"parentUuid\":null,\"sessionId\":\"s\",\"type\":\"user\"}\n", 1),
		CAIRN_INPUT_AGENT_TRANSCRIPT);
	ck_assert_str_eq(cairn_input_kind_name(CAIRN_INPUT_AGENT_TRANSCRIPT), "claude-code");
	/* JSON that is none of them, text, a first line longer than what was read */
	ck_assert_int_eq(sniff_str("{\"hello\":\"world\",\"id\":1}\n", 1), CAIRN_INPUT_UNKNOWN);
	ck_assert_int_eq(sniff_str("[1,2]\n", 1), CAIRN_INPUT_UNKNOWN);
	ck_assert_int_eq(sniff_str("# a README\n", 1), CAIRN_INPUT_UNKNOWN);
	ck_assert_int_eq(sniff_str("{\"ts\":1,\"uid\":\"C", 0), CAIRN_INPUT_UNKNOWN);
	ck_assert_int_eq(sniff_str("", 1), CAIRN_INPUT_UNKNOWN);
	ck_assert_str_eq(cairn_input_kind_name(CAIRN_INPUT_SURICATA_EVE), "suricata-eve");
	ck_assert_str_eq(cairn_input_kind_name((enum cairn_input_kind)99), "unknown");
}
END_TEST

static void write_gz(const char *path, const char *s)
{
	gzFile g = gzopen(path, "wb");

	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(gzwrite(g, s, (unsigned)strlen(s)), (int)strlen(s));
	ck_assert_int_eq(gzclose(g), Z_OK);
}

START_TEST(test_capture_input_files)
{
	struct cairn_input_info info;
	const char *p;
	static const uint8_t shb[28] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
		1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0 };

	/* a gzip'd Zeek log is sniffed through the decompressor */
	p = tpath("conn.log.gz");
	write_gz(p, "#separator \\x09\n#path\tconn\n");
	ck_assert_int_eq(cairn_input_sniff(&info, p), 0);
	ck_assert_int_eq(info.kind, CAIRN_INPUT_ZEEK_TSV);
	ck_assert_int_eq(info.compression, 1);
	/* a pcapng Section Header Block, whole and cut at 4, 8 and 27 bytes */
	p = tpath("a.pcapng");
	put(p, shb, sizeof(shb));
	ck_assert_int_eq(cairn_input_sniff(&info, p), 0);
	ck_assert_int_eq(info.kind, CAIRN_INPUT_PCAPNG);
	ck_assert_int_eq(info.head_truncated, 0);
	put(p, shb, 4);
	ck_assert_int_eq(cairn_input_sniff(&info, p), 0);
	ck_assert_int_eq(info.kind, CAIRN_INPUT_PCAPNG);
	ck_assert_int_eq(info.head_truncated, 1);
	put(p, shb, 8);
	ck_assert_int_eq(cairn_input_sniff(&info, p), 0);
	ck_assert_int_eq(info.head_truncated, 1);
	put(p, shb, 27);
	ck_assert_int_eq(cairn_input_sniff(&info, p), 0);
	ck_assert_int_eq(info.head_truncated, 1);
	/* a FIFO is refused, never waited on; a missing file names itself */
	p = tpath("fifo");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(cairn_input_sniff(&info, p), CAIRN_EIO);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "not a regular file"));
	p = tpath("missing");
	ck_assert_int_eq(cairn_input_sniff(&info, p), CAIRN_EIO);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "missing"));
}
END_TEST

Suite *capture_input_suite(void)
{
	Suite *s = suite_create("capture_input");
	TCase *tc = tcase_create("sniff");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_capture_input_kinds_by_content);
	tcase_add_test(tc, test_capture_input_files);
	suite_add_tcase(s, tc);
	return s;
}
