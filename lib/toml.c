/*
 * toml.c - strict TOML subset reader (toml.h says what is read and what
 * is refused).  Follows the TOML 1.0.0 specification (toml.io/en/v1.0.0)
 * for what it accepts; where it refuses, the message names the line.
 */
#include "toml.h"
#include "cairn.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A set of JSON nodes (by address): tables defined by a header or by
 * dotted keys, inline tables and static arrays (closed to additions),
 * arrays made by [[...]] headers. */
typedef struct nodeset {
	const json_t **v;
	size_t n, cap;
} nodeset;

typedef struct tp {
	const char *p, *end;
	const char *label;
	long line;
	int depth;
	size_t values;     /* made so far: at most CAIRN_TOML_MAX_VALUES */
	nodeset defined, closed, aot;
	int failed;
	int code;          /* of the first failure */
} tp;

static void set_add(nodeset *s, const json_t *j)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->v = cairn_realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = j;
}

/* Linear, newest first: lockfiles define tables in order and look up the
 * recent ones. */
static int set_has(const nodeset *s, const json_t *j)
{
	size_t i;

	for (i = s->n; i > 0; i--)
		if (s->v[i - 1] == j)
			return 1;
	return 0;
}

static int fail(tp *t, int code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (t->failed)
		return code;
	t->failed = 1;
	t->code = code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cairn_error_set(code, "%s: line %ld: %s", t->label, t->line, msg);
}

static int at(const tp *t, char c)
{
	return t->p < t->end && *t->p == c;
}

static int starts(const tp *t, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(t->end - t->p) >= n && !memcmp(t->p, s, n);
}

static void skip_ws(tp *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

/* A newline ("\n" or "\r\n") at p: its length, else 0. */
static int newline(const tp *t)
{
	if (at(t, '\n'))
		return 1;
	if (starts(t, "\r\n"))
		return 2;
	return 0;
}

/* Whitespace, then a comment, up to (not over) the end of the line. */
static int skip_comment(tp *t)
{
	skip_ws(t);
	if (!at(t, '#'))
		return 0;
	for (t->p++; t->p < t->end && *t->p != '\n'; t->p++) {
		unsigned char c = (unsigned char)*t->p;

		if (c == '\r' && newline(t))
			break;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(t, CAIRN_EFORMAT, "control character 0x%02x in a comment", c);
	}
	return 0;
}

/* The rest of a line after a header or a key/value: nothing but a comment. */
static int end_of_line(tp *t)
{
	int n;

	if (skip_comment(t) < 0)
		return -1;
	if (t->p == t->end)
		return 0;
	if (!(n = newline(t)))
		return fail(t, CAIRN_EFORMAT, "expected the end of the line");
	t->p += n;
	t->line++;
	return 0;
}

/* Whitespace, comments and newlines (inside arrays). */
static int skip_blank(tp *t)
{
	for (;;) {
		int n;

		if (skip_comment(t) < 0)
			return -1;
		if (!(n = newline(t)))
			return 0;
		t->p += n;
		t->line++;
	}
}

static void put_utf8(cairn_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	cairn_buf_add(b, u, n);
}

/* A backslash escape of a basic string (p at the backslash). */
static int escape(tp *t, cairn_buf *b)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *e;
	uint32_t cp = 0;
	int i, digits;

	t->p++;
	if (t->p == t->end)
		return fail(t, CAIRN_EFORMAT, "unterminated string");
	if ((e = strchr(from, *t->p)) && *t->p) {
		cairn_buf_addch(b, to[e - from]);
		t->p++;
		return 0;
	}
	if (*t->p != 'u' && *t->p != 'U')
		return fail(t, CAIRN_EFORMAT, "unknown escape \\%c in a string",
			    (unsigned char)*t->p >= 0x20 && (unsigned char)*t->p < 0x7f ? *t->p : '?');
	digits = *t->p == 'u' ? 4 : 8;
	t->p++;
	if (t->end - t->p < digits)
		return fail(t, CAIRN_EFORMAT, "short \\u escape");
	for (i = 0; i < digits; i++) {
		char c = t->p[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0)
			return fail(t, CAIRN_EFORMAT, "bad hex digit in a \\u escape");
		cp = cp * 16 + (uint32_t)v;
	}
	t->p += digits;
	/* NUL would cut the string short for every C reader after us */
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail(t, CAIRN_EFORMAT, "\\u escape is not a Unicode scalar value (or is NUL)");
	put_utf8(b, cp);
	return 0;
}

/*
 * A string at p (at its first quote): basic "...", literal '...', and
 * with multi = 1 also """...""" and '''...'''.  Input is valid UTF-8
 * (checked once); control characters other than tab are refused.
 */
static int string(tp *t, cairn_buf *b, int multi)
{
	char q = *t->p;
	int ml = multi && starts(t, q == '"' ? "\"\"\"" : "'''");
	long start = t->line;

	cairn_buf_clear(b);
	t->p += ml ? 3 : 1;
	if (ml) {
		int n = newline(t);

		/* a newline right after the opening delimiter is trimmed */
		if (n) {
			t->p += n;
			t->line++;
		}
	}
	for (;;) {
		unsigned char c;
		int n;

		if (t->p == t->end) {
			t->line = start;
			return fail(t, CAIRN_EFORMAT, "unterminated string");
		}
		c = (unsigned char)*t->p;
		if (c == (unsigned char)q) {
			if (!ml) {
				t->p++;
				return 0;
			}
			if (starts(t, q == '"' ? "\"\"\"" : "'''")) {
				/* up to two quotes of the content may touch the end */
				int extra = 0;

				while (extra < 2 && t->end - t->p > 3 + extra && t->p[3 + extra] == q)
					extra++;
				cairn_buf_add(b, t->p, (size_t)extra);
				t->p += 3 + extra;
				return 0;
			}
			cairn_buf_addch(b, (char)c);
			t->p++;
			continue;
		}
		if ((n = newline(t))) {
			if (!ml)
				return fail(t, CAIRN_EFORMAT, "newline in a one-line string");
			cairn_buf_addch(b, '\n');
			t->p += n;
			t->line++;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(t, CAIRN_EFORMAT, "control character 0x%02x in a string", c);
		if (c == '\\' && q == '"') {
			const char *save = t->p;

			if (ml) {
				/* line-ending backslash: drop it and the
				 * whitespace and newlines after it */
				t->p++;
				skip_ws(t);
				if (newline(t)) {
					while ((n = newline(t)) || at(t, ' ') || at(t, '\t')) {
						if (n) {
							t->p += n;
							t->line++;
						} else {
							t->p++;
						}
					}
					continue;
				}
				t->p = save;
			}
			if (escape(t, b) < 0)
				return -1;
			continue;
		}
		cairn_buf_addch(b, (char)c);
		t->p++;
	}
}

static int bare_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* A dotted key into parts (array of JSON strings). */
static int key_path(tp *t, json_t *parts)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc = 0;

	for (;;) {
		skip_ws(t);
		if (json_array_size(parts) >= CAIRN_TOML_MAX_DEPTH) {
			rc = fail(t, CAIRN_ELIMIT, "key with more than %d parts", CAIRN_TOML_MAX_DEPTH);
			break;
		}
		if (at(t, '"') || at(t, '\'')) {
			if ((rc = string(t, &b, 0)) < 0)
				break;
			json_array_append_new(parts, json_stringn(b.data ? b.data : "", b.len));
		} else {
			const char *s = t->p;

			while (t->p < t->end && bare_char(*t->p))
				t->p++;
			if (t->p == s) {
				rc = fail(t, CAIRN_EFORMAT, "expected a key");
				break;
			}
			json_array_append_new(parts, json_stringn(s, (size_t)(t->p - s)));
		}
		skip_ws(t);
		if (!at(t, '.'))
			break;
		t->p++;
	}
	cairn_buf_release(&b);
	return rc;
}

static int value(tp *t, json_t **out);

static int integer(tp *t, json_t **out)
{
	const char *s = t->p;
	int neg = 0, digits = 0;
	uint64_t v = 0;

	if (at(t, '+') || at(t, '-'))
		neg = *t->p++ == '-';
	if (starts(t, "inf") || starts(t, "nan"))
		return fail(t, CAIRN_EFORMAT, "floats are not read");
	if (starts(t, "0x") || starts(t, "0o") || starts(t, "0b"))
		return fail(t, CAIRN_EFORMAT, "hexadecimal, octal and binary integers are not read");
	if (at(t, '0') && t->end - t->p > 1 && t->p[1] >= '0' && t->p[1] <= '9')
		return fail(t, CAIRN_EFORMAT, "leading zero in an integer");
	while (t->p < t->end) {
		char c = *t->p;

		if (c == '_' && digits && t->end - t->p > 1 && t->p[1] >= '0' && t->p[1] <= '9') {
			t->p++;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		if (v > (UINT64_C(1) << 63) / 10)
			return fail(t, CAIRN_ELIMIT, "integer out of range");
		v = v * 10 + (uint64_t)(c - '0');
		digits++;
		t->p++;
	}
	if (!digits)
		return fail(t, CAIRN_EFORMAT, "expected a value");
	if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
		return fail(t, CAIRN_ELIMIT, "integer out of range");
	if (t->p < t->end && strchr(".eE:-T", *t->p))
		return fail(t, CAIRN_EFORMAT, "floats, dates and times are not read");
	(void)s;
	*out = json_integer(neg ? (json_int_t)(0 - v) : (json_int_t)v);
	return 0;
}

static int array(tp *t, json_t **out)
{
	json_t *a = json_array();

	t->p++;
	for (;;) {
		json_t *v;

		if (skip_blank(t) < 0)
			goto bad;
		if (at(t, ']'))
			break;
		if (value(t, &v) < 0)
			goto bad;
		json_array_append_new(a, v);
		if (skip_blank(t) < 0)
			goto bad;
		if (at(t, ','))
			t->p++;
		else if (!at(t, ']')) {
			fail(t, CAIRN_EFORMAT, "expected ',' or ']' in an array");
			goto bad;
		}
	}
	t->p++;
	*out = a;
	return 0;
bad:
	json_decref(a);
	return -1;
}

/* Walk/create the tables of parts[0..n-1) below tab for key/value pairs
 * (dotted keys): each must be a table open to additions. */
static json_t *dotted_parent(tp *t, json_t *tab, const json_t *parts, int in_inline)
{
	size_t i;

	for (i = 0; i + 1 < json_array_size(parts); i++) {
		const char *k = json_string_value(json_array_get(parts, i));
		json_t *next = json_object_get(tab, k);

		if (!next) {
			next = json_object();
			json_object_set_new(tab, k, next);
			set_add(&t->defined, next);
			if (in_inline)
				set_add(&t->closed, next);
		} else if (!json_is_object(next) || (set_has(&t->closed, next) && !in_inline)) {
			fail(t, CAIRN_EFORMAT, "key '%.64s' is already a value", k);
			return NULL;
		}
		tab = next;
	}
	return tab;
}

static int assign(tp *t, json_t *tab, const json_t *parts, json_t *v, int in_inline)
{
	const char *k = json_string_value(json_array_get(parts, json_array_size(parts) - 1));

	if (!(tab = dotted_parent(t, tab, parts, in_inline))) {
		json_decref(v);
		return -1;
	}
	if (json_object_get(tab, k)) {
		json_decref(v);
		return fail(t, CAIRN_EFORMAT, "duplicate key '%.64s'", k);
	}
	json_object_set_new(tab, k, v);
	return 0;
}

static int inline_table(tp *t, json_t **out)
{
	json_t *o = json_object(), *parts = NULL;

	set_add(&t->closed, o);
	t->p++;
	skip_ws(t);
	if (at(t, '}')) {
		t->p++;
		*out = o;
		return 0;
	}
	for (;;) {
		json_t *v;

		parts = json_array();
		if (newline(t) || t->p == t->end) {
			fail(t, CAIRN_EFORMAT, "newline in an inline table");
			goto bad;
		}
		if (key_path(t, parts) < 0)
			goto bad;
		if (!at(t, '=')) {
			fail(t, CAIRN_EFORMAT, "expected '=' after a key");
			goto bad;
		}
		t->p++;
		skip_ws(t);
		if (value(t, &v) < 0)
			goto bad;
		if (assign(t, o, parts, v, 1) < 0)
			goto bad;
		json_decref(parts);
		parts = NULL;
		skip_ws(t);
		if (at(t, '}'))
			break;
		if (!at(t, ',')) {
			fail(t, CAIRN_EFORMAT, newline(t) || t->p == t->end ?
			     "newline in an inline table" : "expected ',' or '}' in an inline table");
			goto bad;
		}
		t->p++;
		skip_ws(t);
	}
	t->p++;
	*out = o;
	return 0;
bad:
	json_decref(parts);
	json_decref(o);
	return -1;
}

static int value(tp *t, json_t **out)
{
	int rc;

	if (t->p == t->end || newline(t))
		return fail(t, CAIRN_EFORMAT, "expected a value");
	if (++t->values > CAIRN_TOML_MAX_VALUES)
		return fail(t, CAIRN_ELIMIT, "more than %u values", CAIRN_TOML_MAX_VALUES);
	if (at(t, '"') || at(t, '\'')) {
		cairn_buf b = CAIRN_BUF_INIT;

		rc = string(t, &b, 1);
		if (rc == 0)
			*out = json_stringn(b.data ? b.data : "", b.len);
		cairn_buf_release(&b);
		return rc;
	}
	if (at(t, '[') || at(t, '{')) {
		if (t->depth >= CAIRN_TOML_MAX_DEPTH)
			return fail(t, CAIRN_ELIMIT, "nested deeper than %d", CAIRN_TOML_MAX_DEPTH);
		t->depth++;
		rc = at(t, '[') ? array(t, out) : inline_table(t, out);
		t->depth--;
		if (rc == 0 && json_is_array(*out))
			set_add(&t->closed, *out);
		return rc;
	}
	if (starts(t, "true") || starts(t, "false")) {
		int v = *t->p == 't';

		t->p += v ? 4 : 5;
		if (t->p < t->end && bare_char(*t->p))
			return fail(t, CAIRN_EFORMAT, "expected a value");
		*out = json_boolean(v);
		return 0;
	}
	if ((*t->p >= '0' && *t->p <= '9') || at(t, '+') || at(t, '-'))
		return integer(t, out);
	if (starts(t, "inf") || starts(t, "nan"))
		return fail(t, CAIRN_EFORMAT, "floats are not read");
	return fail(t, CAIRN_EFORMAT, "expected a value");
}

/* [a.b] or [[a.b]]: the table key/value pairs go to next. */
static int header(tp *t, json_t *root, json_t **cur)
{
	int aot = starts(t, "[[");
	json_t *parts = json_array(), *tab = root, *next;
	const char *k;
	size_t i, n;
	int rc = -1;

	t->p += aot ? 2 : 1;
	if (key_path(t, parts) < 0)
		goto done;
	if (aot ? !starts(t, "]]") : !at(t, ']')) {
		fail(t, CAIRN_EFORMAT, "expected '%s' to close a table header", aot ? "]]" : "]");
		goto done;
	}
	t->p += aot ? 2 : 1;
	n = json_array_size(parts);
	for (i = 0; i + 1 < n; i++) {
		k = json_string_value(json_array_get(parts, i));
		next = json_object_get(tab, k);
		if (!next) {
			next = json_object();
			json_object_set_new(tab, k, next);
		} else if (json_is_array(next) && set_has(&t->aot, next)) {
			next = json_array_get(next, json_array_size(next) - 1);
		} else if (!json_is_object(next) || set_has(&t->closed, next)) {
			fail(t, CAIRN_EFORMAT, "key '%.64s' is already a value", k);
			goto done;
		}
		tab = next;
	}
	k = json_string_value(json_array_get(parts, n - 1));
	next = json_object_get(tab, k);
	if (aot) {
		json_t *o = json_object();

		if (!next) {
			next = json_array();
			json_object_set_new(tab, k, next);
			set_add(&t->aot, next);
		} else if (!json_is_array(next) || !set_has(&t->aot, next)) {
			json_decref(o);
			fail(t, CAIRN_EFORMAT, "[[%.64s]]: key is already a value", k);
			goto done;
		}
		json_array_append_new(next, o);
		*cur = o;
	} else {
		if (!next) {
			next = json_object();
			json_object_set_new(tab, k, next);
		} else if (!json_is_object(next) || set_has(&t->closed, next) ||
			   set_has(&t->defined, next)) {
			fail(t, CAIRN_EFORMAT, "table [%.64s] defined twice", k);
			goto done;
		}
		set_add(&t->defined, next);
		*cur = next;
	}
	rc = end_of_line(t);
done:
	json_decref(parts);
	return rc;
}

int cairn_toml_parse(json_t **out, const char *data, size_t len, const char *label)
{
	tp t;
	json_t *root = json_object(), *cur = root;
	int rc = 0;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	t.p = data;
	t.end = data + len;
	t.label = label;
	t.line = 1;
	if (len && memchr(data, '\0', len)) {
		const char *z = memchr(data, '\0', len);

		for (t.p = data; t.p < z; t.p++)
			if (*t.p == '\n')
				t.line++;
		rc = fail(&t, CAIRN_EFORMAT, "NUL byte");
		goto done;
	}
	if (!cairn_utf8_valid(data, len)) {
		const char *l = data, *nl;

		/* name the first line that is not */
		while ((nl = memchr(l, '\n', (size_t)(t.end - l))) &&
		       cairn_utf8_valid(l, (size_t)(nl - l))) {
			l = nl + 1;
			t.line++;
		}
		rc = fail(&t, CAIRN_EFORMAT, "not valid UTF-8");
		goto done;
	}
	/* a UTF-8 byte order mark is allowed at the start */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		t.p += 3;
	while (t.p < t.end) {
		if (skip_blank(&t) < 0) {
			rc = -1;
			break;
		}
		if (t.p == t.end)
			break;
		if (at(&t, '[')) {
			if ((rc = header(&t, root, &cur)) < 0)
				break;
		} else {
			json_t *parts = json_array(), *v;

			if ((rc = key_path(&t, parts)) == 0) {
				if (!at(&t, '='))
					rc = fail(&t, CAIRN_EFORMAT, "expected '=' after a key");
				else {
					t.p++;
					skip_ws(&t);
					if ((rc = value(&t, &v)) == 0)
						rc = assign(&t, cur, parts, v, 0);
				}
			}
			json_decref(parts);
			if (rc < 0 || (rc = end_of_line(&t)) < 0)
				break;
		}
	}
	if (rc < 0)
		rc = t.code ? t.code : CAIRN_EFORMAT;
done:
	free(t.defined.v);
	free(t.closed.v);
	free(t.aot.v);
	if (rc < 0) {
		json_decref(root);
		return rc;
	}
	*out = root;
	return 0;
}
