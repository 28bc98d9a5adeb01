/*
 * report-render - test helper: render a report document (JSON, as written
 * by cairn-report --format json, or hand-made and hostile) as html, md or
 * sarif.
 * Usage: report-render html|md|sarif FILE.json
 */
#include "report.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *doc;
	cairn_buf out = CAIRN_BUF_INIT;

	if (argc != 3 || (strcmp(argv[1], "html") && strcmp(argv[1], "md") &&
			  strcmp(argv[1], "sarif"))) {
		fputs("usage: report-render html|md|sarif FILE.json\n", stderr);
		return 2;
	}
	doc = json_load_file(argv[2], 0, &err);
	if (!doc) {
		fprintf(stderr, "report-render: '%s': line %d: %s\n", argv[2], err.line, err.text);
		return 2;
	}
	if (!strcmp(argv[1], "html"))
		cairn_render_html(&out, doc);
	else if (!strcmp(argv[1], "sarif"))
		cairn_render_sarif(&out, doc);
	else
		cairn_render_md(&out, doc);
	fwrite(out.data, 1, out.len, stdout);
	cairn_buf_release(&out);
	json_decref(doc);
	return 0;
}
