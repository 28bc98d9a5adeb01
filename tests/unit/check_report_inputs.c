/*
 * check_report_inputs.c - the provenance of a report's inputs: each file
 * named as given, hashed, said to be signed or not by what it is (told by
 * content), with its detail line; nothing half-added on a read error.
 */
#include "report_inputs.h"
#include "pkgtest.h"

static const char basic_sha256[] =
	"c6aef2867dd4e78634b22c76cb8f0c7148097e7ca969ac9115995e129141b30a";

START_TEST(test_report_inputs_snapshot_detail)
{
	cairn_report_inputs in = CAIRN_REPORT_INPUTS_INIT;
	cairn_report_snap s;

	memset(&s, 0, sizeof(s));
	s.header = json_pack("{s:s,s:b}", "created", "2026-11-22T14:03:07Z", "created_set", 1);
	s.records = json_pack("[{},{}]");
	s.entries = 1234;
	strcpy(s.sha256, basic_sha256);
	s.signature = "unsigned";
	cairn_report_inputs_add_snap(&in, "snapshot", "store@main~1", &s);
	json_object_del(s.header, "created_set");
	json_object_del(s.header, "created");
	cairn_report_inputs_add_snap(&in, "baseline", "old.cairn", &s);
	ck_assert_uint_eq(in.count, 2);
	ck_assert_str_eq(in.items[0].role, "snapshot");
	ck_assert_str_eq(in.items[0].path, "store@main~1");
	ck_assert_str_eq(in.items[0].sha256, basic_sha256);
	ck_assert_str_eq(in.items[0].signature, "unsigned");
	ck_assert_str_eq(in.items[0].detail, "created 2026-11-22T14:03:07Z (time given with "
			 "--created), 1234 entries, 2 records");
	ck_assert_str_eq(in.items[1].detail, "created ?, 1234 entries, 2 records");
	json_decref(s.header);
	json_decref(s.records);
	cairn_report_inputs_release(&in);
	ck_assert_uint_eq(in.count, 0);
	cairn_report_inputs_release(&in);
	cairn_report_inputs_release(NULL);
}
END_TEST

START_TEST(test_report_inputs_capture_by_content)
{
	cairn_report_inputs in = CAIRN_REPORT_INPUTS_INIT;
	char *pcap = pt_src("tests/fixtures/capture/basic.pcap");
	char *zeek = pt_src("tests/fixtures/logs/zeek/http-connect/conn.log");
	char *eve = pt_src("tests/fixtures/logs/suricata/eve-dns/eve.json");
	char *missing = pt_src("tests/fixtures/capture/no-such.pcap");
	json_t *records = json_array();

	ck_assert_int_eq(cairn_report_inputs_add_capture(&in, pcap, 0, records), 0);
	ck_assert_int_eq(cairn_report_inputs_add_capture(&in, zeek, 0, records), 0);
	ck_assert_int_eq(cairn_report_inputs_add_capture(&in, eve, 0, records), 0);
	/* an agent log the snapshot did not record: no detail */
	ck_assert_int_eq(cairn_report_inputs_add_capture(&in, eve, 1, records), 0);
	ck_assert_int_eq(cairn_report_inputs_add_file(&in, "allowlist", pcap, "not signed", NULL), 0);
	ck_assert_int_lt(cairn_report_inputs_add_capture(&in, missing, 0, records), 0);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "no-such.pcap"));
	ck_assert_int_lt(cairn_report_inputs_add_file(&in, "allowlist", missing, "x", NULL), 0);
	ck_assert_uint_eq(in.count, 5);
	ck_assert_str_eq(in.items[0].role, "capture");
	ck_assert_str_eq(in.items[0].path, pcap);
	ck_assert_str_eq(in.items[0].sha256, basic_sha256);
	ck_assert_str_eq(in.items[0].signature, "not signed (pcap)");
	ck_assert_ptr_null(in.items[0].detail);
	ck_assert_str_eq(in.items[1].signature, "not signed (Zeek log)");
	ck_assert_str_eq(in.items[2].signature, "not signed (Suricata log)");
	ck_assert_str_eq(in.items[3].signature, "not signed (agent log)");
	ck_assert_ptr_null(in.items[3].detail);
	ck_assert_str_eq(in.items[4].role, "allowlist");
	ck_assert_str_eq(in.items[4].sha256, basic_sha256);
	ck_assert_str_eq(in.items[4].signature, "not signed");
	cairn_report_inputs_release(&in);
	json_decref(records);
	free(pcap);
	free(zeek);
	free(eve);
	free(missing);
}
END_TEST

START_TEST(test_report_inputs_known_sets)
{
	cairn_report_inputs in = CAIRN_REPORT_INPUTS_INIT;
	char *dir = pt_src("tests/fixtures/known/advisories/malicious");
	char *ioc = pt_src("tests/fixtures/known/iocs.txt");
	cairn_known *k = NULL;
	json_t *j;

	const char *advs[] = { dir }, *iocs[] = { ioc, "/nonexistent/iocs.txt" };

	ck_assert_int_eq(cairn_known_new(&k), 0);
	/* the sets in the order given; the first that fails stops the load */
	ck_assert_int_eq(cairn_known_load_all(k, advs, 1, iocs, 1), 0);
	ck_assert_int_eq(cairn_known_load_all(k, NULL, 0, iocs + 1, 1), CAIRN_EIO);
	ck_assert_str_eq(cairn_error_last(),
			 "cannot open ioc '/nonexistent/iocs.txt': No such file or directory");
	ck_assert_int_eq(cairn_report_inputs_add_known(&in, k), 0);
	ck_assert_uint_eq(in.count, 2);
	/* a folder is described by its counts, not hashed; a file is hashed */
	ck_assert_str_eq(in.items[0].role, "advisories");
	ck_assert_str_eq(in.items[0].path, dir);
	ck_assert_ptr_null(in.items[0].sha256);
	ck_assert_ptr_nonnull(in.items[0].detail);
	ck_assert_str_eq(in.items[1].role, "indicators");
	ck_assert_uint_eq(strlen(in.items[1].sha256), 64);
	ck_assert_str_eq(in.items[1].signature, "not signed");
	j = cairn_report_inputs_known_json(k);
	ck_assert_uint_eq(json_array_size(j), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 1), "role")),
			 "indicators");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "file")), dir);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "detail")),
			 in.items[0].detail);
	json_decref(j);
	cairn_report_inputs_release(&in);
	cairn_known_free(k);
	free(dir);
	free(ioc);
}
END_TEST

Suite *report_inputs_suite(void);

Suite *report_inputs_suite(void)
{
	Suite *s = suite_create("report_inputs");
	TCase *c = tcase_create("snapshot");

	tcase_add_test(c, test_report_inputs_snapshot_detail);
	suite_add_tcase(s, c);
	c = tcase_create("capture");
	tcase_add_test(c, test_report_inputs_capture_by_content);
	suite_add_tcase(s, c);
	c = tcase_create("known");
	tcase_add_test(c, test_report_inputs_known_sets);
	suite_add_tcase(s, c);
	return s;
}
