/*
 * destscan.h - destinations named in text: the hosts of URLs, e-mail
 * addresses and dotted names with a top-level domain
 * ("telemetry.acme-cdn.example").  One heuristic, used by cairn-report's
 * new-destination rule on added code lines (CAIRN-D05) and by the
 * agent-log reader on tool-call arguments and results.
 */
#ifndef CAIRN_DESTSCAN_H
#define CAIRN_DESTSCAN_H

#include <stddef.h>

enum cairn_dest_kind {
	CAIRN_DEST_NAME = 1,  /* a host name (from a URL or standing alone) */
	CAIRN_DEST_EMAIL = 2, /* user@domain: the whole address */
	CAIRN_DEST_ADDR = 3   /* an IPv4 address as the host of a URL ("//1.2.3.4") */
};

/* Called for each destination: text[off .. off + len). */
typedef void cairn_dest_fn(void *ctx, int kind, size_t off, size_t len);

/*
 * Find the destinations in text[0..n) (any bytes).  A name needs a dot and
 * an alphabetic top-level domain that is not a common file extension
 * ("index.js" is a file); a two-letter one (a ccTLD, or member access such
 * as "a.b.cd") also needs a '-', a second dot, an '@' or a preceding "//".
 * Names are at most 255 bytes.  Linear in n.
 */
void cairn_dest_scan(const char *text, size_t n, cairn_dest_fn *fn, void *ctx);

#endif
