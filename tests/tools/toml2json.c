/*
 * toml2json.c - test helper: read a TOML file with lib/toml.c and print it
 * as JSON (keys sorted, one line), to compare with Python's tomllib on the
 * same file.  Errors: the library's message on stderr, exit 2.
 *
 *   toml2json FILE
 */
#include "cairn.h"
#include "toml.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j;
	char chunk[65536];
	size_t n;
	FILE *f;
	int rc;

	if (argc != 2) {
		fputs("usage: toml2json FILE\n", stderr);
		return 2;
	}
	if (!(f = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 2;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cairn_buf_add(&b, chunk, n);
	fclose(f);
	rc = cairn_toml_parse(&j, b.data ? b.data : "", b.len, argv[1]);
	cairn_buf_release(&b);
	if (rc < 0) {
		fprintf(stderr, "toml2json: %s\n", cairn_error_last());
		return 2;
	}
	json_dumpf(j, stdout, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(j);
	return 0;
}
