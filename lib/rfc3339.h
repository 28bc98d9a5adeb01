/*
 * rfc3339.h - the one parser and formatter of RFC 3339 times.
 *
 * Times come from files an attacker may have written (a previous
 * snapshot's "created", a capture's JSON, a log line), so the parser is
 * strict (RFC 3339 §5.6):
 *
 *   YYYY-MM-DD ("T" | "t") HH:MM:SS [ "." 1*DIGIT ] ( "Z" | "z" | ("+"|"-") HH:MM )
 *
 * with every field in range for its month (February 29 only in leap
 * years), no leap second (":60" is refused: cairn never writes one and
 * POSIX time has none), years 1970..9999 (of the time in UTC), fraction digits beyond the ninth
 * ignored (truncated, never rounded), nothing before or after.  The
 * formatter writes UTC with "Z" and, when asked, nine fraction digits, so
 * its output parses back to the same time.
 */
#ifndef CAIRN_RFC3339_H
#define CAIRN_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch and nanoseconds (0..999999999) of s; 0, or
 * CAIRN_EFORMAT (no message set: callers name the file and field). */
int cairn_rfc3339_parse(int64_t *out_sec, long *out_nsec, const char *s);
/* The same as nanoseconds since the epoch (years up to 2262, the end of
 * int64 nanoseconds; later is CAIRN_EFORMAT). */
int cairn_rfc3339_parse_ns(int64_t *out_ns, const char *s);

/* Longest output of cairn_rfc3339_format(), NUL included. */
#define CAIRN_RFC3339_MAX 40
/* UTC time as RFC 3339, e.g. "2026-11-22T11:48:14.123456789Z"; nsec < 0
 * leaves the fraction out.  outlen >= CAIRN_RFC3339_MAX. */
void cairn_rfc3339_format(char *out, size_t outlen, int64_t sec, long nsec);

#endif
