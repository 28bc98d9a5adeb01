/*
 * ioc.h - indicators of compromise, one a line (cairn-report --ioc FILE):
 *
 *   npm:name@version      npm:@scope/name@version   (npm:name: every version)
 *   pypi:name==version    (pypi:name: every version; PEP 503 names)
 *   sha256:<64 hex>       the contents of any file
 *   host:name             a host name; host:*.domain the domain and every
 *                         name under it
 *   ip:addr  ip:addr/len  an IPv4 or IPv6 address or CIDR block (lib/cidr.h)
 *   url:http(s)://...     a URL, byte for byte (scheme and host lowercased)
 *
 * '#' starts a comment line, blank lines are skipped, and an optional note
 * follows the indicator after a TAB (shown with every match).  The parser
 * is strict: a line it cannot read is an error naming the file and the
 * line (CAIRN_EFORMAT), never a skipped indicator, because an indicator
 * list that silently lost an entry would make a "clean" verdict wrong.
 * Lines are capped (8 KiB), as are the file (256 MiB) and the count (16M).
 * Memory: the strings in 1 MiB blocks, a 72-byte table entry an
 * indicator, sorted in place; while loading, also the file's bytes (a list
 * of 1,000,000 indicators, 37 MB: 187 MB peak for the whole cairn-report
 * run).  Lookups are binary searches (CIDR blocks shorter than a host
 * address: a linear scan).
 */
#ifndef CAIRN_IOC_H
#define CAIRN_IOC_H

#include "cairn.h"

#include <stddef.h>

#define CAIRN_IOC_LINE_MAX  8192
#define CAIRN_IOC_FILE_MAX  (256u << 20)
#define CAIRN_IOC_COUNT_MAX (16u << 20)

enum cairn_ioc_type {
	CAIRN_IOC_NPM = 0,
	CAIRN_IOC_PYPI,
	CAIRN_IOC_SHA256,
	CAIRN_IOC_HOST,
	CAIRN_IOC_IP,
	CAIRN_IOC_URL,
	CAIRN_IOC__TYPES
};

/* One indicator, as the set holds it (strings owned by the set). */
typedef struct cairn_ioc {
	int type;               /* enum cairn_ioc_type */
	const char *text;       /* the indicator as written ("host:*.evil.test") */
	const char *note;       /* after the TAB, "" when none */
	unsigned line;          /* 1-based line in its file */
} cairn_ioc;

typedef struct cairn_ioc_set cairn_ioc_set;

int cairn_ioc_set_new(cairn_ioc_set **out);
void cairn_ioc_set_free(cairn_ioc_set *s);
/* Read FILE (regular file, not followed through a FIFO).  0, or a
 * negative CAIRN_E* with "ioc 'FILE': line N: why". */
int cairn_ioc_set_load(cairn_ioc_set *s, const char *path);
/* The same over bytes in memory; label names them in errors. */
int cairn_ioc_set_parse(cairn_ioc_set *s, const char *data, size_t len, const char *label);
/* Indicators of a type (all types: CAIRN_IOC__TYPES). */
size_t cairn_ioc_set_count(const cairn_ioc_set *s, int type);

/*
 * Lookups: the first indicator that matches, or NULL.
 * package: eco is "npm" or "pypi"; version may be NULL (matches only
 * indicators without a version).  Versions compare by the ecosystem's
 * order (SemVer, PEP 440: "1.0" == "1.0.0"), else as bytes.
 * host: a name (case-insensitive, a trailing dot ignored) against host:
 * and host:*. indicators; an address literal goes to cairn_ioc_match_ip.
 * ip: an address literal (IPv4, IPv6, "[v6]").
 * url: exact, after lowercasing scheme and host.
 */
const cairn_ioc *cairn_ioc_match_package(const cairn_ioc_set *s, const char *eco,
					 const char *name, const char *version);
const cairn_ioc *cairn_ioc_match_sha256(const cairn_ioc_set *s, const unsigned char sha[32]);
const cairn_ioc *cairn_ioc_match_host(const cairn_ioc_set *s, const char *host);
const cairn_ioc *cairn_ioc_match_ip(const cairn_ioc_set *s, const char *addr);
const cairn_ioc *cairn_ioc_match_url(const cairn_ioc_set *s, const char *url);

#endif
