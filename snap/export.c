/*
 * export.c - cairn-snap export: a snapshot's packages in another format.
 *
 *   cairn-snap export --cyclonedx [--pubkey KEY.pub] [-o FILE] SNAPSHOT.cairn
 *
 * The snapshot is verified to its end (checksum, and the signature with
 * --pubkey) before anything is written; the output is written atomically.
 * Exit: 0 written; 2 trouble (nothing written).
 */
#include "cli.h"
#include "cyclonedx.h"
#include "jsonutil.h"
#include "keys.h"
#include "report.h"
#include "snap.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char export_usage[] =
	"usage: cairn-snap export --cyclonedx [--pubkey KEY.pub] [-o FILE] SNAPSHOT.cairn\n";

static void export_help(void)
{
	fputs(export_usage, stdout);
	fputs("\n"
	      "Writes the packages a snapshot recorded as an SBOM.\n\n"
	      "      --cyclonedx         CycloneDX 1.6 JSON: one component per package record\n"
	      "                          (npm, PyPI) with its purl, version, lockfile integrity\n"
	      "                          as a hash, install path and facts as properties, and\n"
	      "                          the dependencies of the lock graph\n"
	      "  -k, --pubkey FILE       require a valid signature by this key\n"
	      "  -o, --output FILE       write here, atomically (default: standard output)\n"
	      "  -h, --help              this help\n\n"
	      "Exit status: 0 written; 2 trouble (nothing written).\n", stdout);
}

int cairn_snap_cmd_export(int argc, char **argv)
{
	enum { OPT_CYCLONEDX = 256 };
	static const struct option longopts[] = {
		{ "cyclonedx", no_argument, NULL, OPT_CYCLONEDX },
		{ "pubkey", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *pubkey_path = NULL, *out_path = NULL;
	cairn_key *pubkey = NULL;
	cairn_report_snap snap;
	cairn_buf out = CAIRN_BUF_INIT;
	json_t *bom = NULL;
	int opt, cyclonedx = 0, have = 0, rc = 2;

	memset(&snap, 0, sizeof(snap));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_CYCLONEDX: cyclonedx = 1; break;
		case 'k': pubkey_path = optarg; break;
		case 'o': out_path = optarg; break;
		case 'h': export_help(); return 0;
		default: fputs(export_usage, stderr); return 2;
		}
	}
	if (!cyclonedx)
		return cairn_cli_usage_error(export_usage, "a format is required (--cyclonedx)");
	if (argc - optind != 1)
		return cairn_cli_usage_error(export_usage, "expected one snapshot");
	if (pubkey_path && cairn_key_load_public(&pubkey, pubkey_path) < 0)
		goto fail;
	if (cairn_report_snap_load(&snap, argv[optind], pubkey) < 0)
		goto fail;
	have = 1;
	cairn_cyclonedx_build(&bom, snap.header, snap.records, snap.sha256);
	if (cairn_json_dump(&out, bom, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		goto fail;
	cairn_buf_addch(&out, '\n');
	if (cairn_cli_emit(out_path && strcmp(out_path, "-") ? out_path : NULL, out.data,
			   out.len) != 0)
		goto done;
	rc = 0;
	goto done;
fail:
	cairn_cli_fail();
done:
	json_decref(bom);
	cairn_buf_release(&out);
	if (have)
		cairn_report_snap_release(&snap);
	cairn_key_free(pubkey);
	return rc;
}
