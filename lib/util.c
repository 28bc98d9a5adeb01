/*
 * util.c - errors, allocation, buffers, hex, UTF-8 and escaping.
 */
#include "cairn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static _Thread_local char error_msg[1024];

int cairn_error_set(int code, const char *fmt, ...)
{
	char msg[sizeof(error_msg)];
	va_list ap;

	/* Format aside first: callers add context to the message they got,
	 * passing cairn_error_last() itself as an argument. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(error_msg, msg, sizeof(error_msg));
	return code;
}

const char *cairn_error_last(void)
{
	return error_msg;
}

void cairn_error_clear(void)
{
	error_msg[0] = '\0';
}

void cairn_oom(void)
{
	static const char msg[] = "out of memory\n";

	/* write(2) rather than stdio: the heap may be what failed. */
	fwrite(msg, 1, sizeof(msg) - 1, stderr);
	abort();
}

/*
 * A helper thread of a pipeline (a hashing worker, the writer, a reader
 * ahead) wakes often for little work.  Under the default policy each
 * wake-up may preempt the thread that feeds the pipeline on its own CPU
 * (the walk: --reuse of 100,000 unchanged files on 2 cores preempted it
 * 470 times in a run, at the very pthread_cond_signal that woke the
 * helper).  SCHED_BATCH keeps the helper's share of the CPU and its nice
 * value but gives up that wake-up preemption: the woken helper runs on a
 * free CPU or at the feeder's next tick or sleep.  Unprivileged, per
 * thread; a kernel that refuses it leaves the policy as it was.
 */
void cairn_thread_batch(void)
{
	struct sched_param sp = { 0 };

	(void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
}

void *cairn_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		cairn_oom();
	return p;
}

void *cairn_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		cairn_oom();
	return p;
}

void *cairn_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		cairn_oom();
	return q;
}

char *cairn_strdup(const char *s)
{
	return cairn_strndup(s, strlen(s));
}

char *cairn_strndup(const char *s, size_t n)
{
	char *p = cairn_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t cairn_strv_lower_bound(const char *const *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void cairn_buf_init(cairn_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void cairn_buf_release(cairn_buf *b)
{
	free(b->data);
	cairn_buf_init(b);
}

void cairn_buf_clear(cairn_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void cairn_buf_grow(cairn_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		cairn_oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap && b->cap > SIZE_MAX / 2)
		cairn_oom();
	b->cap = b->cap ? b->cap * 2 : 64;
	if (b->cap < need)
		b->cap = need;
	b->data = cairn_realloc(b->data, b->cap);
}

void cairn_buf_add(cairn_buf *b, const void *p, size_t n)
{
	cairn_buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void cairn_buf_addstr(cairn_buf *b, const char *s)
{
	cairn_buf_add(b, s, strlen(s));
}

void cairn_buf_addch(cairn_buf *b, int c)
{
	char ch = (char)c;

	cairn_buf_add(b, &ch, 1);
}

void cairn_buf_addf(cairn_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	cairn_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *cairn_buf_detach(cairn_buf *b, size_t *len_out)
{
	char *p;

	if (!b->data)
		cairn_buf_grow(b, 0);
	p = b->data;
	if (len_out)
		*len_out = b->len;
	cairn_buf_init(b);
	return p;
}

void cairn_hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Lowercase-only variant on a table (value + 1; 0 = not a digit), for the
 * snapshot reader's hot path. */
static const unsigned char hex_lower[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13,
	['d'] = 14, ['e'] = 15, ['f'] = 16,
};

int cairn_unhex_lower(unsigned char *out, const char *in, size_t n)
{
	size_t i = 0;
	unsigned bad = 0;

#ifdef __SSE2__
	/* Every snapshot entry carries 48 bytes of hex: 16 digits per step
	 * (check both ranges, then nibble = (c & 15) + 9 for a-f).  Bytes
	 * >= 0x80 are negative as signed chars and fail both ranges. */
	for (; i + 8 <= n; i += 8) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(in + 2 * i));
		__m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
					    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
		__m128i let = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
					    _mm_cmplt_epi8(v, _mm_set1_epi8('f' + 1)));
		__m128i val, hi, lo;

		if (_mm_movemask_epi8(_mm_or_si128(dig, let)) != 0xffff)
			return CAIRN_EFORMAT;
		val = _mm_add_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0f)),
				   _mm_and_si128(let, _mm_set1_epi8(9)));
		hi = _mm_and_si128(val, _mm_set1_epi16(0x00ff)); /* first digit */
		lo = _mm_srli_epi16(val, 8);
		val = _mm_or_si128(_mm_slli_epi16(hi, 4), lo);
		_mm_storel_epi64((__m128i *)(void *)(out + i), _mm_packus_epi16(val, val));
	}
#endif
	/* No early exit: a branch per digit costs more than finishing. */
	for (; i < n; i++) {
		unsigned hi = hex_lower[(unsigned char)in[2 * i]];
		unsigned lo = hex_lower[(unsigned char)in[2 * i + 1]];

		bad |= (hi == 0) | (lo == 0);
		out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return bad ? CAIRN_EFORMAT : 0;
}

int cairn_unhex(unsigned char *out, const char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = hexval((unsigned char)in[2 * i]);
		int lo = hi < 0 ? -1 : hexval((unsigned char)in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return CAIRN_EFORMAT;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629 table 3-7), or 0
 * when the bytes there do not start one.
 */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned hi = c == 0xed ? 0x9f : 0xbf;

		if (n < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned hi = c == 0xf4 ? 0x8f : 0xbf;

		if (n < 4 || p[1] < lo || p[1] > hi ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

int cairn_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k;

		/* ASCII runs are the common case: 8 bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		k = utf8_seq_len(p + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

void cairn_escape_bytes(cairn_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k = utf8_seq_len(p + i, n - i);

		if (k == 1 && p[i] == '\\') {
			cairn_buf_add(out, "\\\\", 2);
		} else if (k && p[i] != '\0') {
			cairn_buf_add(out, p + i, k);
		} else {
			cairn_buf_addf(out, "\\x%02x", p[i]);
			k = 1;
		}
		i += k;
	}
}

int cairn_unescape_bytes(cairn_buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\') {
			cairn_buf_addch(out, s[i]);
			continue;
		}
		if (i + 1 < n && s[i + 1] == '\\') {
			cairn_buf_addch(out, '\\');
			i++;
		} else if (i + 3 < n && s[i + 1] == 'x') {
			unsigned char byte;

			if (cairn_unhex(&byte, s + i + 2, 1) < 0)
				return CAIRN_EFORMAT;
			cairn_buf_addch(out, byte);
			i += 3;
		} else {
			return CAIRN_EFORMAT;
		}
	}
	return 0;
}

/* Decode the code point of a valid k-byte sequence. */
static unsigned utf8_decode(const unsigned char *p, size_t k)
{
	switch (k) {
	case 1: return p[0];
	case 2: return (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
	case 3: return (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
	default:
		return (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 |
		       (p[2] & 0x3fu) << 6 | (p[3] & 0x3fu);
	}
}

void cairn_escape_display(cairn_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k = utf8_seq_len(p + i, n - i);
		unsigned cp;

		if (!k) {
			cairn_buf_addf(out, "\\x%02x", p[i]);
			i++;
			continue;
		}
		cp = utf8_decode(p + i, k);
		if (cp == '\n')
			cairn_buf_add(out, "\\n", 2);
		else if (cp == '\t')
			cairn_buf_add(out, "\\t", 2);
		else if (cp == '\r')
			cairn_buf_add(out, "\\r", 2);
		else if (cp == '\\')
			cairn_buf_add(out, "\\\\", 2);
		else if (cp < 0x20 || cp == 0x7f)
			cairn_buf_addf(out, "\\x%02x", cp);
		else if ((cp >= 0x80 && cp < 0xa0) || cp == 0x2028 ||
			 cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
			 (cp >= 0x2066 && cp <= 0x2069) ||
			 (cp >= 0x200b && cp <= 0x200f) ||
			 (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff ||
			 (cp >= 0xe0000 && cp <= 0xe007f))
			/* C1 controls, line separators, bidi overrides
			 * (Trojan Source), zero-width characters and Unicode
			 * tags (text hidden from a reader, seen by a model)
			 * can disguise what a name says. */
			cairn_buf_addf(out, "\\u{%04x}", cp);
		else
			cairn_buf_add(out, p + i, k);
		i += k;
	}
}

int cairn_read_fd(cairn_buf *out, int fd, size_t cap, const char *what, const char *path)
{
	struct stat st;

	cairn_buf_clear(out);
	if (fstat(fd, &st) < 0)
		return cairn_error_set(CAIRN_EIO, "cannot read %s '%s': %s", what, path,
				       strerror(errno));
	if (!S_ISREG(st.st_mode))
		return cairn_error_set(CAIRN_EFORMAT, "%s '%s': not a regular file", what, path);
	if ((uint64_t)st.st_size > cap)
		return cairn_error_set(CAIRN_ELIMIT, "%s '%s': larger than %zu bytes", what, path,
				       cap);
	for (;;) {
		ssize_t n;

		cairn_buf_grow(out, 65536);
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			cairn_buf_clear(out);
			return cairn_error_set(CAIRN_EIO, "cannot read %s '%s': %s", what, path,
					       strerror(err));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > cap) {
			cairn_buf_clear(out);
			return cairn_error_set(CAIRN_ELIMIT, "%s '%s': larger than %zu bytes", what,
					       path, cap);
		}
	}
	return 0;
}

int cairn_read_file(cairn_buf *out, const char *path, size_t cap, const char *what)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), rc;

	if (fd < 0) {
		int err = errno;

		cairn_buf_clear(out);
		return cairn_error_set(CAIRN_EIO, "cannot open %s '%s': %s", what, path,
				       strerror(err));
	}
	rc = cairn_read_fd(out, fd, cap, what, path);
	close(fd);
	return rc;
}

int cairn_write_file_atomic(const char *path, const void *data, size_t len)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	const char *slash = strrchr(path, '/');
	const char *p = data;
	mode_t mask;
	int fd, rc = 0;
	struct stat st;

	/* A device or a FIFO (/dev/null, /dev/stdout, a pipe) is written in
	 * place: renaming over it would replace the device node. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return cairn_error_set(CAIRN_EIO, "cannot write '%s': Is a directory", path);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path, strerror(errno));
		while (len) {
			ssize_t n = write(fd, p, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				rc = cairn_error_set(CAIRN_EIO, "cannot write '%s': %s", path, strerror(errno));
				break;
			}
			p += n;
			len -= (size_t)n;
		}
		close(fd);
		return rc;
	}

	/* A temporary name in the same folder, so rename() is atomic. */
	if (slash)
		cairn_buf_add(&tmp, path, (size_t)(slash - path) + 1);
	cairn_buf_addf(&tmp, ".%s.tmp.XXXXXX", slash ? slash + 1 : path);
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		rc = cairn_error_set(CAIRN_EIO, "cannot create a temporary file for '%s': %s",
				     path, strerror(errno));
		goto done;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0)
		goto fail;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.data, path) < 0)
		goto fail;
	goto done;
fail:
	rc = cairn_error_set(CAIRN_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp.data);
done:
	cairn_buf_release(&tmp);
	return rc;
}
