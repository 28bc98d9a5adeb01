/*
 * jsonutil.c - jansson getters and terminal-safe JSON output.
 */
#include "jsonutil.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

const char *cairn_json_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *cairn_json_str_or(const json_t *o, const char *key, const char *def)
{
	const char *s = cairn_json_str(o, key);

	return s ? s : def;
}

const json_t *cairn_json_arr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_array(v) ? v : NULL;
}

const json_t *cairn_json_obj(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_object(v) ? v : NULL;
}

long long cairn_json_int(const json_t *o, const char *key, long long def)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

int cairn_json_true(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/*
 * The filter keeps one byte of state: a 0xC2 lead byte whose continuation
 * decides between a C1 control (0x80..0x9F) and an ordinary character.
 */
struct safe_state {
	int pending_c2;
};

static void safe_feed(struct safe_state *st, cairn_buf *out, const char *p, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (st->pending_c2) {
			st->pending_c2 = 0;
			if (c >= 0x80 && c <= 0x9f) {
				cairn_buf_addf(out, "\\u%04x", c);
				run = i + 1;
				continue;
			}
			cairn_buf_addch(out, (char)0xc2);
		}
		if (c == 0x7f || c == 0xc2) {
			cairn_buf_add(out, p + run, i - run);
			run = i + 1;
			if (c == 0x7f)
				cairn_buf_addstr(out, "\\u007f");
			else
				st->pending_c2 = 1;
		}
	}
	if (run < n)
		cairn_buf_add(out, p + run, n - run);
}

static void safe_end(struct safe_state *st, cairn_buf *out)
{
	if (st->pending_c2)
		cairn_buf_addch(out, (char)0xc2);
	st->pending_c2 = 0;
}

void cairn_json_safe_append(cairn_buf *out, const char *p, size_t n)
{
	struct safe_state st = { 0 };

	safe_feed(&st, out, p, n);
	safe_end(&st, out);
}

int cairn_json_dump(cairn_buf *out, const json_t *j, size_t flags)
{
	char *s = json_dumps(j, flags);

	if (!s)
		return cairn_error_set(CAIRN_EEXTERNAL, "cannot encode JSON");
	cairn_json_safe_append(out, s, strlen(s));
	free(s);
	return 0;
}

/* ---- stream (fopencookie) ---- */

struct safe_cookie {
	FILE *dst;
	struct safe_state st;
	cairn_buf buf;
};

static ssize_t cookie_write(void *c_, const char *p, size_t n)
{
	struct safe_cookie *c = c_;

	cairn_buf_clear(&c->buf);
	safe_feed(&c->st, &c->buf, p, n);
	if (c->buf.len && fwrite(c->buf.data, 1, c->buf.len, c->dst) != c->buf.len)
		return -1;
	return (ssize_t)n;
}

static int cookie_close(void *c_)
{
	struct safe_cookie *c = c_;
	int rc = 0;

	cairn_buf_clear(&c->buf);
	safe_end(&c->st, &c->buf);
	if (c->buf.len && fwrite(c->buf.data, 1, c->buf.len, c->dst) != c->buf.len)
		rc = -1;
	if (fflush(c->dst) != 0)
		rc = -1;
	cairn_buf_release(&c->buf);
	free(c);
	return rc;
}

FILE *cairn_json_safe_stream(FILE *dst)
{
	static const cookie_io_functions_t io = {
		NULL, cookie_write, NULL, cookie_close
	};
	struct safe_cookie *c = cairn_calloc(1, sizeof(*c));
	FILE *f;

	c->dst = dst;
	f = fopencookie(c, "w", io);
	if (!f)
		free(c);
	return f;
}

static int string_cmp(const void *a, const void *b)
{
	const char *sa = json_string_value(*(json_t *const *)a);
	const char *sb = json_string_value(*(json_t *const *)b);

	return strcmp(sa ? sa : "", sb ? sb : "");
}

void cairn_json_sort_strings(json_t *arr)
{
	size_t n = json_array_size(arr), i;
	json_t **v;

	if (n < 2)
		return;
	v = cairn_malloc(n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	qsort(v, n, sizeof(*v), string_cmp);
	json_array_clear(arr);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
}

/* 1 when data[0..len) holds more than max_values values or nests arrays
 * and objects more than max_depth deep, counting outside strings only
 * (every value but the first follows a ',', '[' or ':'). */
static int json_over(const char *data, size_t len, size_t max_values, size_t max_depth)
{
	size_t i, n = 1, depth = 0;
	int in = 0;

	for (i = 0; i < len; i++) {
		char c = data[i];

		if (in) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in = 0;
			continue;
		}
		if (c == '"')
			in = 1;
		if ((c == ',' || c == '[' || c == ':') && ++n > max_values)
			return 1;
		if ((c == '[' || c == '{') && ++depth > max_depth)
			return 1;
		if ((c == ']' || c == '}') && depth)
			depth--;
	}
	return 0;
}

int cairn_json_too_many(const char *data, size_t len, size_t max)
{
	return json_over(data, len, max, SIZE_MAX);
}

int cairn_json_too_deep(const char *data, size_t len, size_t max)
{
	return json_over(data, len, SIZE_MAX, max);
}
