/*
 * report_tables.c - the report's tables, described once (report.h): every
 * renderer (HTML, Markdown) takes its columns, headings and which cells are
 * literals from here, so the formats cannot drift apart.
 */
#include "report.h"

const cairn_report_col cairn_report_table_packages[] = {
	{ "name", "Package", 1 }, { "ecosystem", "Ecosystem", 0 },
	{ "change", "Change", 0 }, { "old", "Before", 1 }, { "new", "After", 1 },
	{ "note", "Note", 0 }, { NULL, NULL, 0 }
};

const cairn_report_col cairn_report_table_files[] = {
	{ "path", "Path", 1 }, { "change", "Change", 0 }, { "detail", "Detail", 0 },
	{ NULL, NULL, 0 }
};

const cairn_report_col cairn_report_table_environment[] = {
	{ "where", "Where", 1 }, { "name", "Variable", 1 },
	{ "secret", "Secret-looking", 0 }, { "detail", "Detail", 0 }, { NULL, NULL, 0 }
};

const cairn_report_col cairn_report_table_mcp_servers[] = {
	{ "name", "Server", 1 }, { "config", "Config", 1 }, { "command", "Command", 1 },
	{ "pinned", "Pinned", 0 }, { "env", "Env names", 1 },
	{ "secrets", "Secrets in env", 0 }, { NULL, NULL, 0 }
};

const cairn_report_col cairn_report_table_egress[] = {
	{ "host", "Host", 1 }, { "status", "Allowlist", 0 }, { "addresses", "Addresses", 1 },
	{ "ports", "Ports", 1 }, { "connections", "Conns", 0 }, { "bytes_out", "Bytes out", 0 },
	{ "bytes_in", "Bytes in", 0 }, { "first", "First seen (UTC)", 0 }, { NULL, NULL, 0 }
};

const cairn_report_col cairn_report_table_windows[] = {
	{ "start", "Window start (UTC)", 0 }, { "known", "Allowed conns", 0 },
	{ "unknown", "Unknown conns", 0 }, { "unknown_hosts", "Unknown hosts", 1 },
	{ NULL, NULL, 0 }
};

const cairn_report_col cairn_report_table_events[] = {
	{ "time", "Time (UTC)", 0 }, { "label", "Event", 0 }, { NULL, NULL, 0 }
};

const cairn_report_col cairn_report_table_inputs[] = {
	{ "role", "Input", 0 }, { "file", "File", 1 }, { "sha256", "SHA-256", 1 },
	{ "signature", "Signature", 0 }, { "detail", "Detail", 0 }, { NULL, NULL, 0 }
};
