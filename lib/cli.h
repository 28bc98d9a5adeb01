/*
 * cli.h - what the four tools share on the command line: one reporter,
 * usage and version lines, colour, TTY detection, a progress line.
 *
 * Reporter: like git's usage.c (vreportf), every message a tool prints on
 * stderr goes through one function that names the tool once
 * ("cairn-snap: ..."), makes the whole message safe for a terminal
 * (cairn_escape_display: file names, package names and hosts in a message
 * may come from an attacker), and takes its format at compile time.
 * Library messages (cairn_error_last()) carry no program prefix; the
 * reporter adds the tool's name.
 *
 * Progress: one line on stderr, redrawn in place, only when stderr is a
 * terminal and the tool was not asked to be quiet.  A message printed
 * while the line is shown first erases it.
 *
 * The reporter and the progress line share one lock, so a progress line
 * drawn by a meter thread (cairn_progress_meter_start) and a message from
 * the main thread never mix; the rest is for the main thread only.
 */
#ifndef CAIRN_CLI_H
#define CAIRN_CLI_H

#include "cairn.h"

#include <stdint.h>

/* Name the tool ("cairn-snap"); call first in main().  prog is borrowed
 * (a string literal). */
void cairn_cli_init(const char *prog);
const char *cairn_cli_prog(void);

/* "PROG: <message>" on stderr, escaped.  Returns 2 (the trouble status)
 * so that a caller can write `return cairn_cli_error(...)`. */
int cairn_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: warning: <message>" on stderr, escaped. */
void cairn_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note for people (a summary line, "stored as ..."): "PROG: <message>"
 * on stderr, escaped; silent when quiet is set. */
void cairn_cli_note(int quiet, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The library's last message through cairn_cli_error(); returns 2. */
int cairn_cli_fail(void);
/* A usage error: the message (if fmt is not NULL), then the usage text;
 * returns 2. */
int cairn_cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "PROG VERSION" on stdout; returns 0. */
int cairn_cli_version(void);

/*
 * Write a tool's output: to path atomically (cairn_write_file_atomic) when
 * path is not NULL, else to stdout (flushed).  Reports a failure itself and
 * returns 2; 0 on success.
 */
int cairn_cli_emit(const char *path, const char *data, size_t len);

/* A count option's value (--jobs, --keep-daily): a decimal number from
 * min to max into *out; -1 (no message: the caller's usage error names
 * the option and its bounds) when it is not one. */
int cairn_cli_parse_count(unsigned *out, const char *arg, unsigned min, unsigned max);

/* --color=WHEN: NULL or "always" -> 1, "never" -> 0, "auto" -> -1;
 * anything else CAIRN_EUSAGE with a message. */
int cairn_cli_color_parse(int *out, const char *arg);
/* Colour for fd: when = 1 or 0 as asked, -1 (auto): fd is a terminal and
 * NO_COLOR is unset or empty (https://no-color.org). */
int cairn_cli_color_enabled(int when, int fd);

/* ---- progress ---- */
typedef struct cairn_progress {
	int enabled;           /* stderr is a TTY and not quiet */
	int64_t start_ns;      /* CLOCK_MONOTONIC at init */
	int64_t last_ns;       /* last redraw */
	struct cairn_progress_meter *meter;  /* cairn_progress_meter_start() */
} cairn_progress;

void cairn_progress_init(cairn_progress *p, int quiet);
/* Seconds since init. */
double cairn_progress_elapsed(const cairn_progress *p);
/* Redraw the line (escaped, "PROG: " in front) at most every 100 ms,
 * unless force is set. */
void cairn_progress_show(cairn_progress *p, int force, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Erase the line if shown (before normal output or at the end). */
void cairn_progress_clear(cairn_progress *p);
/*
 * A meter thread: every 100 ms, "PROG: WHAT: <read> of <total> (<n>%)"
 * from the input bytes the library's readers consumed since this call
 * (meter.h); what is borrowed (a string literal).  Nothing when the line
 * is disabled.  Stop (and erase the line) with cairn_progress_meter_stop()
 * before printing the output.
 */
void cairn_progress_meter_start(cairn_progress *p, uint64_t total, const char *what);
void cairn_progress_meter_stop(cairn_progress *p);
/* Human-readable bytes ("1.2 GiB") into out. */
void cairn_cli_human_bytes(char *out, size_t n, double bytes);

/*
 * A one-line terminal-safe rendering of untrusted bytes into b (cleared
 * first); valid until the next call with the same buffer.  For text
 * output on stdout; messages on stderr are escaped by the reporter.
 */
const char *cairn_cli_esc(cairn_buf *b, const char *p, size_t n);
const char *cairn_cli_esc_str(cairn_buf *b, const char *s);

#endif
