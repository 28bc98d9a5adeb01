/*
 * cli.c - the tools' reporter, usage/version, colour, progress line.
 */
#include "cli.h"
#include "meter.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *prog_name = "cairn";
/* A progress line is on the terminal: messages erase it first. */
static int line_shown;
/* Messages and the progress line: one writer at a time. */
static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

void cairn_cli_init(const char *prog)
{
	prog_name = prog;
}

const char *cairn_cli_prog(void)
{
	return prog_name;
}

static void erase_line(void)
{
	if (line_shown) {
		/* Only ever set when stderr is a terminal. */
		fputs("\r\033[K", stderr);
		line_shown = 0;
	}
}

/* The one place that writes a message: tool name, escaped text, newline. */
static void vreport(const char *kind, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void vreport(const char *kind, const char *fmt, va_list ap)
{
	cairn_buf raw = CAIRN_BUF_INIT, shown = CAIRN_BUF_INIT;
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n > 0) {
		cairn_buf_grow(&raw, (size_t)n + 1);
		vsnprintf(raw.data, (size_t)n + 1, fmt, ap);
		raw.len = (size_t)n;
	}
	cairn_escape_display(&shown, raw.data ? raw.data : "", raw.len);
	pthread_mutex_lock(&out_mu);
	erase_line();
	fprintf(stderr, "%s: %s%s\n", prog_name, kind,
		shown.data ? shown.data : "");
	fflush(stderr);
	pthread_mutex_unlock(&out_mu);
	cairn_buf_release(&raw);
	cairn_buf_release(&shown);
}

int cairn_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return 2;
}

void cairn_cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void cairn_cli_note(int quiet, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

int cairn_cli_fail(void)
{
	const char *m = cairn_error_last();

	return cairn_cli_error("%s", *m ? m : "failed (no message)");
}

int cairn_cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vreport("", fmt, ap);
		va_end(ap);
	}
	fputs(usage, stderr);
	return 2;
}

int cairn_cli_version(void)
{
	printf("%s %s\n", prog_name, CAIRN_VERSION);
	return 0;
}

int cairn_cli_emit(const char *path, const char *data, size_t len)
{
	if (path) {
		if (cairn_write_file_atomic(path, data ? data : "", len) < 0)
			return cairn_cli_fail();
		return 0;
	}
	if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0)
		return cairn_cli_error("cannot write to standard output: %s",
				       strerror(errno));
	return 0;
}

int cairn_cli_parse_count(unsigned *out, const char *arg, unsigned min, unsigned max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < (long)min || v > (long)max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cairn_cli_color_parse(int *out, const char *arg)
{
	if (!arg || !strcmp(arg, "always"))
		*out = 1;
	else if (!strcmp(arg, "never"))
		*out = 0;
	else if (!strcmp(arg, "auto"))
		*out = -1;
	else
		return cairn_error_set(CAIRN_EUSAGE,
			"--color: expected auto, always or never, not '%s'", arg);
	return 0;
}

int cairn_cli_color_enabled(int when, int fd)
{
	const char *nc;

	if (when >= 0)
		return when;
	nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return isatty(fd);
}

/* ------------------------------------------------------------ progress */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void cairn_progress_init(cairn_progress *p, int quiet)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->start_ns = now_ns();
	p->last_ns = 0;
	p->meter = NULL;
}

double cairn_progress_elapsed(const cairn_progress *p)
{
	return (double)(now_ns() - p->start_ns) / 1e9;
}

void cairn_progress_show(cairn_progress *p, int force, const char *fmt, ...)
{
	cairn_buf raw = CAIRN_BUF_INIT, shown = CAIRN_BUF_INIT;
	va_list ap;
	int64_t t;
	int n;

	if (!p->enabled)
		return;
	t = now_ns();
	if (!force && t - p->last_ns < 100000000)
		return;
	p->last_ns = t;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		cairn_buf_grow(&raw, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(raw.data, (size_t)n + 1, fmt, ap);
		va_end(ap);
		raw.len = (size_t)n;
	}
	cairn_escape_display(&shown, raw.data ? raw.data : "", raw.len);
	pthread_mutex_lock(&out_mu);
	fprintf(stderr, "\r\033[K%s: %s", prog_name, shown.data ? shown.data : "");
	fflush(stderr);
	line_shown = 1;
	pthread_mutex_unlock(&out_mu);
	cairn_buf_release(&raw);
	cairn_buf_release(&shown);
}

void cairn_progress_clear(cairn_progress *p)
{
	(void)p;
	pthread_mutex_lock(&out_mu);
	erase_line();
	fflush(stderr);
	pthread_mutex_unlock(&out_mu);
}

struct cairn_progress_meter {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	uint64_t base, total;
	const char *what;
	cairn_progress *p;
};

static void meter_draw(struct cairn_progress_meter *m, int force)
{
	uint64_t done = cairn_meter_get() - m->base;
	char a[32], b[32];

	if (done > m->total)
		done = m->total;     /* the total is what the run plans to read */
	cairn_cli_human_bytes(a, sizeof(a), (double)done);
	cairn_cli_human_bytes(b, sizeof(b), (double)m->total);
	cairn_progress_show(m->p, force, "%s: %s of %s (%.0f%%)", m->what, a, b,
			    m->total ? 100.0 * (double)done / (double)m->total : 100.0);
}

static void *meter_main(void *arg)
{
	struct cairn_progress_meter *m = arg;
	struct timespec until;

	pthread_mutex_lock(&m->mu);
	while (!m->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&m->cv, &m->mu, &until);
		if (!m->stop)
			meter_draw(m, 0);
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

void cairn_progress_meter_start(cairn_progress *p, uint64_t total, const char *what)
{
	struct cairn_progress_meter *m;

	if (!p->enabled || p->meter)
		return;
	m = cairn_calloc(1, sizeof(*m));
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	m->base = cairn_meter_get();
	m->total = total;
	m->what = what;
	m->p = p;
	if (pthread_create(&m->thread, NULL, meter_main, m) != 0) {
		pthread_mutex_destroy(&m->mu);
		pthread_cond_destroy(&m->cv);
		free(m);
		return;               /* no progress line: not worth failing for */
	}
	p->meter = m;
}

void cairn_progress_meter_stop(cairn_progress *p)
{
	struct cairn_progress_meter *m = p->meter;

	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->stop = 1;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->thread, NULL);
	meter_draw(m, 1);            /* the last figure, then away */
	cairn_progress_clear(p);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m);
	p->meter = NULL;
}

void cairn_cli_human_bytes(char *out, size_t n, double v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

const char *cairn_cli_esc(cairn_buf *b, const char *p, size_t n)
{
	cairn_buf_clear(b);
	cairn_escape_display(b, p, n);
	return b->data ? b->data : "";
}

const char *cairn_cli_esc_str(cairn_buf *b, const char *s)
{
	return cairn_cli_esc(b, s ? s : "", s ? strlen(s) : 0);
}
