/*
 * snapshot.c - snapshot format v1 (docs/FORMAT.md): entry records, the
 * atomic zstd writer with its checksummed and optionally signed trailer,
 * and the streaming reader that verifies all of it.
 */
#include "snapshot.h"
#include "keys_int.h"
#include "meter.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#define LINE_MAX_BYTES (64u << 20)   /* no record is larger: cap hostile input */
#define ZSTD_LEVEL 1   /* fastest, and smallest on hash-heavy NDJSON (FORMAT.md) */

/*
 * Frames (docs/FORMAT.md): the header alone, then the records cut where
 * their content says, then the trailer alone.  A frame ends after the
 * first line, once it holds FRAME_MIN bytes, whose XXH3 has its low
 * FRAME_CUT_BITS bits clear (or at FRAME_MAX): the cuts depend on the
 * lines, not on where the frame began, so after an inserted, removed or
 * changed line the frames fall back in step with those of an earlier
 * snapshot at the next cut, and --reuse copies an unchanged frame's
 * compressed bytes instead of compressing it again.  64 KiB frames cost
 * nothing in size here: 100,000 entries were 6,621,952 bytes as one frame,
 * 6,644,240 as 64 KiB frames, 6,577,987 as 128 KiB ones.
 */
#define FRAME_MIN (64u << 10)
#define FRAME_MAX (1u << 20)
#define FRAME_CUT_BITS 4
#define SIG_DOMAIN "cairn-snapshot-v1"

static const char *const type_names[CAIRN_T__COUNT] = {
	"file", "dir", "symlink", "fifo", "socket", "char", "block", "unknown"
};
static const size_t type_name_len[CAIRN_T__COUNT] = { 4, 3, 7, 4, 6, 4, 5, 7 };

const char *cairn_entry_type_name(int type)
{
	if (type < 0 || type >= CAIRN_T__COUNT)
		return "unknown";
	return type_names[type];
}

int cairn_entry_type_parse(const char *name)
{
	int i;

	for (i = 0; i < CAIRN_T__COUNT; i++)
		if (!strcmp(name, type_names[i]))
			return i;
	return -1;
}

void cairn_entry_init(cairn_entry *e)
{
	memset(e, 0, sizeof(*e));
}

void cairn_entry_release(cairn_entry *e)
{
	size_t i;

	free(e->path);
	free(e->target);
	for (i = 0; i < e->xattr_count; i++)
		free(e->xattrs[i].name);
	free(e->xattrs);
	free(e->err_op);
	cairn_entry_init(e);
}

void cairn_entry_copy(cairn_entry *dst, const cairn_entry *src)
{
	size_t i;

	*dst = *src;
	dst->path = src->path ? cairn_strndup(src->path, src->path_len) : NULL;
	dst->target = src->target ? cairn_strndup(src->target, src->target_len) : NULL;
	dst->err_op = src->err_op ? cairn_strdup(src->err_op) : NULL;
	if (src->xattr_count) {
		dst->xattrs = cairn_calloc(src->xattr_count, sizeof(*dst->xattrs));
		for (i = 0; i < src->xattr_count; i++) {
			dst->xattrs[i] = src->xattrs[i];
			dst->xattrs[i].name = cairn_strdup(src->xattrs[i].name);
		}
	} else {
		dst->xattrs = NULL;
	}
}

int cairn_path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

void cairn_json_set_bytes(json_t *obj, const char *key, const char *p, size_t n)
{
	if (cairn_utf8_valid(p, n) && !memchr(p, '\0', n)) {
		json_object_set_new(obj, key, json_stringn(p, n));
	} else {
		cairn_buf esc = CAIRN_BUF_INIT;
		cairn_buf k = CAIRN_BUF_INIT;

		cairn_escape_bytes(&esc, p, n);
		cairn_buf_addf(&k, "%s_esc", key);
		json_object_set_new(obj, k.data, json_stringn(esc.data, esc.len));
		cairn_buf_release(&esc);
		cairn_buf_release(&k);
	}
}

json_t *cairn_json_bytes_item(const char *p, size_t n)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j;

	if (cairn_utf8_valid(p, n) && (j = json_stringn(p, n)) != NULL)
		return j;
	cairn_buf_addstr(&b, "esc:");
	cairn_escape_bytes(&b, p, n);
	j = json_stringn(b.data, b.len);
	cairn_buf_release(&b);
	return j;
}

int cairn_json_get_bytes(const json_t *obj, const char *key, cairn_buf *out)
{
	const json_t *v = json_object_get(obj, key);
	cairn_buf k = CAIRN_BUF_INIT;
	int rc;

	if (json_is_string(v)) {
		cairn_buf_add(out, json_string_value(v), json_string_length(v));
		return 0;
	}
	cairn_buf_addf(&k, "%s_esc", key);
	v = json_object_get(obj, k.data);
	cairn_buf_release(&k);
	if (!json_is_string(v))
		return CAIRN_ENOTFOUND;
	rc = cairn_unescape_bytes(out, json_string_value(v), json_string_length(v));
	return rc;
}

static int get_int(const json_t *o, const char *key, json_int_t lo, json_int_t hi,
		   json_int_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return cairn_error_set(CAIRN_EFORMAT, "field '%s' missing or not an integer", key);
	*out = json_integer_value(v);
	if (*out < lo || *out > hi)
		return cairn_error_set(CAIRN_EFORMAT, "field '%s' out of range", key);
	return 0;
}

static int get_hex(const json_t *o, const char *key, unsigned char *out, size_t n)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || json_string_length(v) != 2 * n ||
	    cairn_unhex(out, json_string_value(v), n) < 0)
		return cairn_error_set(CAIRN_EFORMAT, "field '%s' is not %zu hex bytes",
				       key, n);
	return 0;
}

static int parse_xattrs(cairn_entry *e, const json_t *arr)
{
	size_t i, n = json_array_size(arr);
	cairn_buf name = CAIRN_BUF_INIT;
	int rc = 0;

	if (!json_is_array(arr))
		return cairn_error_set(CAIRN_EFORMAT, "field 'xattrs' is not an array");
	e->xattrs = cairn_calloc(n, sizeof(*e->xattrs));
	for (i = 0; i < n; i++) {
		const json_t *x = json_array_get(arr, i);
		json_int_t size;

		cairn_buf_clear(&name);
		if (cairn_json_get_bytes(x, "name", &name) < 0) {
			rc = cairn_error_set(CAIRN_EFORMAT, "xattr without a name");
			break;
		}
		if ((rc = get_int(x, "size", 0, INT64_MAX, &size)) < 0 ||
		    (rc = get_hex(x, "sha256", e->xattrs[i].sha256, 32)) < 0)
			break;
		e->xattrs[i].name = cairn_strndup(name.data, name.len);
		e->xattrs[i].size = (uint64_t)size;
		e->xattr_count = i + 1;
	}
	cairn_buf_release(&name);
	return rc;
}

int cairn_entry_from_json(cairn_entry *e, const json_t *o)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const json_t *v;
	json_int_t n;
	unsigned long mode;
	char *end;
	int rc;

	cairn_entry_init(e);
	if (cairn_json_get_bytes(o, "path", &b) < 0 || b.len == 0) {
		rc = cairn_error_set(CAIRN_EFORMAT, "entry without a valid path");
		goto fail;
	}
	e->path_len = b.len;
	e->path = cairn_buf_detach(&b, NULL);
	v = json_object_get(o, "kind");
	if (!json_is_string(v) || (e->type = cairn_entry_type_parse(json_string_value(v))) < 0) {
		rc = cairn_error_set(CAIRN_EFORMAT, "entry with an unknown kind");
		goto fail;
	}
	v = json_object_get(o, "mode");
	if (!json_is_string(v) || (mode = strtoul(json_string_value(v), &end, 8), *end) ||
	    mode > 07777) {
		rc = cairn_error_set(CAIRN_EFORMAT, "field 'mode' is not octal");
		goto fail;
	}
	e->mode = (uint32_t)mode;
#define INT_FIELD(key, lo, hi, dst) \
	do { if ((rc = get_int(o, key, lo, hi, &n)) < 0) goto fail; dst = n; } while (0)
	INT_FIELD("uid", 0, UINT32_MAX, e->uid);
	INT_FIELD("gid", 0, UINT32_MAX, e->gid);
	INT_FIELD("size", 0, INT64_MAX, e->size);
	INT_FIELD("mtime", INT64_MIN, INT64_MAX, e->mtime_sec);
	INT_FIELD("mtime_ns", 0, 999999999, e->mtime_nsec);
	INT_FIELD("ctime", INT64_MIN, INT64_MAX, e->ctime_sec);
	INT_FIELD("ctime_ns", 0, 999999999, e->ctime_nsec);
	INT_FIELD("dev", INT64_MIN, INT64_MAX, e->dev);
	INT_FIELD("ino", INT64_MIN, INT64_MAX, e->ino);
	INT_FIELD("nlink", 0, INT64_MAX, e->nlink);
	if (json_object_get(o, "rdev"))
		INT_FIELD("rdev", INT64_MIN, INT64_MAX, e->rdev);
#undef INT_FIELD
	if (cairn_json_get_bytes(o, "target", &b) == 0) {
		e->target_len = b.len;
		e->target = cairn_buf_detach(&b, NULL);
	}
	if ((v = json_object_get(o, "xattrs")) && (rc = parse_xattrs(e, v)) < 0)
		goto fail;
	if (json_object_get(o, "sha256")) {
		if ((rc = get_hex(o, "sha256", e->sha256, 32)) < 0 ||
		    (rc = get_hex(o, "xxh128", e->xxh128, 16)) < 0)
			goto fail;
		e->flags |= CAIRN_EF_HASHED;
	}
	if (json_is_true(json_object_get(o, "changed_while_read")))
		e->flags |= CAIRN_EF_CHANGED;
	if ((v = json_object_get(o, "error"))) {
		const json_t *op = json_object_get(v, "op");

		if ((rc = get_int(v, "errno", 1, 4095, &n)) < 0)
			goto fail;
		e->err = (int)n;
		e->err_op = cairn_strdup(json_is_string(op) ? json_string_value(op) : "?");
	}
	return 0;
fail:
	cairn_buf_release(&b);
	cairn_entry_release(e);
	return rc;
}


/* ------------------------------------------------ canonical entry lines */

/*
 * Entries are the bulk of a snapshot, so they have a hand-written canonical
 * serializer and a parser for exactly that form (a 1M-entry snapshot reads
 * in a second instead of ten).  Anything the fast parser does not recognise
 * goes through jansson, which validates it fully, so the fast path can only
 * accept lines that jansson would parse to the same entry.
 */
static void canon_string(cairn_buf *b, const char *p, size_t n)
{
	size_t i, run = 0;

	cairn_buf_grow(b, n + 2);
	cairn_buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		const char *esc = NULL;
		char u[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		cairn_buf_add(b, p + run, i - run);
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			snprintf(u, sizeof(u), "\\u%04x", c);
			esc = u;
		}
		cairn_buf_addstr(b, esc);
		run = i + 1;
	}
	cairn_buf_add(b, p + run, n - run);
	cairn_buf_addch(b, '"');
}

void cairn_json_add_bytes(cairn_buf *b, const char *key, const char *p, size_t n)
{
	if (cairn_utf8_valid(p, n) && !memchr(p, '\0', n)) {
		/* no printf: every line's path goes through here */
		cairn_buf_addch(b, '"');
		cairn_buf_addstr(b, key);
		cairn_buf_addstr(b, "\":");
		canon_string(b, p, n);
	} else {
		cairn_buf esc = CAIRN_BUF_INIT;

		cairn_escape_bytes(&esc, p, n);
		cairn_buf_addch(b, '"');
		cairn_buf_addstr(b, key);
		cairn_buf_addstr(b, "_esc\":");
		canon_string(b, esc.data, esc.len);
		cairn_buf_release(&esc);
	}
}

static void canon_bytes(cairn_buf *b, const char *key, const char *p, size_t n)
{
	cairn_buf_addch(b, ',');
	cairn_json_add_bytes(b, key, p, n);
}

static void canon_hex(cairn_buf *b, const char *key, const unsigned char *p, size_t n)
{
	char hex[129];

	cairn_hex(hex, p, n);
	cairn_buf_addstr(b, ",\"");
	cairn_buf_addstr(b, key);
	cairn_buf_addstr(b, "\":\"");
	cairn_buf_add(b, hex, 2 * n);
	cairn_buf_addch(b, '"');
}

static void add_int(cairn_buf *b, const char *key, long long v)
{
	char tmp[24];
	int i = sizeof(tmp);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	cairn_buf_addstr(b, key);
	cairn_buf_add(b, tmp + i, sizeof(tmp) - (size_t)i);
}

/* The entry's JSON line (no newline) appended to b. */
void cairn_entry_line(cairn_buf *b, const cairn_entry *e)
{
	size_t i;

	cairn_buf_addstr(b, "{\"type\":\"entry\"");
	canon_bytes(b, "path", e->path, e->path_len);
	{
		char mode[8] = { '"', (char)('0' + ((e->mode >> 9) & 7)),
				 (char)('0' + ((e->mode >> 6) & 7)),
				 (char)('0' + ((e->mode >> 3) & 7)),
				 (char)('0' + (e->mode & 7)), '"', 0, 0 };

		cairn_buf_addstr(b, ",\"kind\":\"");
		cairn_buf_addstr(b, cairn_entry_type_name(e->type));
		cairn_buf_addstr(b, "\",\"mode\":");
		cairn_buf_add(b, mode, 6);
	}
	add_int(b, ",\"uid\":", e->uid);
	add_int(b, ",\"gid\":", e->gid);
	add_int(b, ",\"size\":", (long long)e->size);
	add_int(b, ",\"mtime\":", (long long)e->mtime_sec);
	add_int(b, ",\"mtime_ns\":", e->mtime_nsec);
	add_int(b, ",\"ctime\":", (long long)e->ctime_sec);
	add_int(b, ",\"ctime_ns\":", e->ctime_nsec);
	add_int(b, ",\"dev\":", (long long)e->dev);
	add_int(b, ",\"ino\":", (long long)e->ino);
	add_int(b, ",\"nlink\":", (long long)e->nlink);
	if (e->type == CAIRN_T_CHR || e->type == CAIRN_T_BLK)
		cairn_buf_addf(b, ",\"rdev\":%lld", (long long)e->rdev);
	if (e->target)
		canon_bytes(b, "target", e->target, e->target_len);
	if (e->xattr_count) {
		cairn_buf_addstr(b, ",\"xattrs\":[");
		for (i = 0; i < e->xattr_count; i++) {
			cairn_buf_addstr(b, i ? ",{" : "{");
			/* canon_bytes starts with a comma; skip it */
			{
				size_t mark = b->len;

				canon_bytes(b, "name", e->xattrs[i].name,
					    strlen(e->xattrs[i].name));
				memmove(b->data + mark, b->data + mark + 1, b->len - mark - 1);
				b->len--;
				b->data[b->len] = '\0';
			}
			cairn_buf_addf(b, ",\"size\":%lld", (long long)e->xattrs[i].size);
			canon_hex(b, "sha256", e->xattrs[i].sha256, 32);
			cairn_buf_addch(b, '}');
		}
		cairn_buf_addch(b, ']');
	}
	if (e->flags & CAIRN_EF_HASHED) {
		canon_hex(b, "sha256", e->sha256, 32);
		canon_hex(b, "xxh128", e->xxh128, 16);
	}
	if (e->flags & CAIRN_EF_CHANGED)
		cairn_buf_addstr(b, ",\"changed_while_read\":true");
	if (e->err) {
		const char *name = strerrorname_np(e->err);

		cairn_buf_addstr(b, ",\"error\":{\"op\":");
		canon_string(b, e->err_op ? e->err_op : "?", strlen(e->err_op ? e->err_op : "?"));
		cairn_buf_addf(b, ",\"errno\":%d,\"name\":\"%s\"}", e->err, name ? name : "E?");
	}
	cairn_buf_addch(b, '}');
}

typedef struct fast_cursor {
	const char *p, *end;
} fast_cursor;

#define fc_lit(c, lit) fc_litn(c, lit, sizeof(lit) - 1)

/* Inlined so that memcmp with a constant length becomes a few compares. */
static inline __attribute__((always_inline)) int fc_litn(fast_cursor *c,
							  const char *lit, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n))
		return 0;
	c->p += n;
	return 1;
}

/* A JSON string in the writer's escaping, decoded into out. */
static int fc_string(fast_cursor *c, cairn_buf *out)
{
	const char *s;

	cairn_buf_clear(out);
	if (c->p >= c->end || *c->p != '"')
		return 0;
	c->p++;
	/* Most strings need no unescaping: one scan, one copy. */
	for (s = c->p; s < c->end && (unsigned char)*s >= 0x20 && *s != '"' && *s != '\\'; s++)
		;
	if (s < c->end && *s == '"') {
		cairn_buf_add(out, c->p, (size_t)(s - c->p));
		c->p = s + 1;
		return cairn_utf8_valid(out->data ? out->data : "", out->len);
	}
	while (c->p < c->end) {
		const char *q = c->p;
		unsigned char ch;

		while (q < c->end && (unsigned char)*q >= 0x20 && *q != '"' && *q != '\\')
			q++;
		cairn_buf_add(out, c->p, (size_t)(q - c->p));
		c->p = q;
		if (q >= c->end)
			return 0;
		ch = (unsigned char)*q;
		if (ch == '"') {
			c->p++;
			return cairn_utf8_valid(out->data ? out->data : "", out->len);
		}
		if (ch != '\\' || q + 1 >= c->end)
			return 0;          /* raw control character: not canonical */
		switch (q[1]) {
		case '"': cairn_buf_addch(out, '"'); break;
		case '\\': cairn_buf_addch(out, '\\'); break;
		case 'b': cairn_buf_addch(out, '\b'); break;
		case 'f': cairn_buf_addch(out, '\f'); break;
		case 'n': cairn_buf_addch(out, '\n'); break;
		case 'r': cairn_buf_addch(out, '\r'); break;
		case 't': cairn_buf_addch(out, '\t'); break;
		case 'u': {
			unsigned char v;

			if (c->end - q < 6 || q[2] != '0' || q[3] != '0' ||
			    cairn_unhex(&v, q + 4, 1) < 0 || v == 0 || v >= 0x20)
				return 0;
			cairn_buf_addch(out, v);
			c->p += 4;
			break;
		}
		default:
			return 0;
		}
		c->p += 2;
	}
	return 0;
}

static int fc_int(fast_cursor *c, long long lo, long long hi, long long *out)
{
	const char *q = c->p, *digits;
	int neg = 0;
	unsigned long long v = 0;

	if (q < c->end && *q == '-') {
		neg = 1;
		q++;
	}
	digits = q;
	/* 19 digits cannot overflow 64 bits: check the count, not each step */
	while (q < c->end && (unsigned char)(*q - '0') < 10) {
		v = v * 10 + (unsigned)(*q - '0');
		q++;
	}
	if (q == digits || q - digits > 19 || (*digits == '0' && q - digits > 1))
		return 0;
	if (v > (unsigned long long)LLONG_MAX + neg)
		return 0;
	*out = neg ? (long long)(0 - v) : (long long)v;
	if (*out < lo || *out > hi)
		return 0;
	c->p = q;
	return 1;
}

/* A byte-string field, plain or "_esc"aped; into *out unless keep is 0
 * (validation only). */
static int fc_bytes(fast_cursor *c, const char *k1, size_t k1len, const char *k2,
		    size_t k2len, cairn_buf *tmp, char **out, size_t *out_len, int keep)
{
	if (fc_litn(c, k1, k1len)) {
		if (!fc_string(c, tmp) || memchr(tmp->data ? tmp->data : "", 0, tmp->len))
			return 0;
		*out_len = tmp->len;
		if (keep)
			*out = cairn_strndup(tmp->data ? tmp->data : "", tmp->len);
		return 1;
	}
	if (fc_litn(c, k2, k2len)) {
		cairn_buf raw = CAIRN_BUF_INIT;

		if (!fc_string(c, tmp) || cairn_unescape_bytes(&raw, tmp->data, tmp->len) < 0) {
			cairn_buf_release(&raw);
			return 0;
		}
		*out_len = raw.len;
		if (keep)
			*out = cairn_buf_detach(&raw, NULL);
		else
			cairn_buf_release(&raw);
		return 1;
	}
	return 0;
}

#define FC_BYTES(c, key, tmp, out, len, keep) \
	fc_bytes(c, ",\"" key "\":", sizeof(key) + 3, ",\"" key "_esc\":", sizeof(key) + 7, \
		 tmp, out, len, keep)

static int fc_hex(fast_cursor *c, const char *k, size_t klen, unsigned char *out, size_t n)
{
	if (!fc_litn(c, k, klen) || (size_t)(c->end - c->p) < 2 * n + 1 || c->p[2 * n] != '"')
		return 0;
	if (cairn_unhex_lower(out, c->p, n) < 0)
		return 0;                  /* the writer emits lowercase only */
	c->p += 2 * n + 1;
	return 1;
}

/*
 * 1 when line is a canonical entry (e filled), 0 otherwise (e released).
 * keep 0: validate only; e's byte strings are left NULL, nothing allocated.
 */
static int entry_parse_fast(cairn_entry *e, const char *line, size_t len,
			    cairn_buf *tmp, int keep)
{
	fast_cursor c = { line, line + len };
	long long v;
	int type;

	cairn_entry_init(e);
	if (!fc_lit(&c, "{\"type\":\"entry\"") ||
	    !FC_BYTES(&c, "path", tmp, &e->path, &e->path_len, keep) || !e->path_len)
		goto no;
	if (!fc_lit(&c, ",\"kind\":") || !fc_string(&c, tmp) ||
	    (type = cairn_entry_type_parse(tmp->data ? tmp->data : "")) < 0)
		goto no;
	e->type = type;
	if (!fc_lit(&c, ",\"mode\":\"") || c.end - c.p < 5 || c.p[4] != '"')
		goto no;
	for (int i = 0; i < 4; i++) {
		if (c.p[i] < '0' || c.p[i] > '7')
			goto no;
		e->mode = e->mode * 8 + (uint32_t)(c.p[i] - '0');
	}
	c.p += 5;
#define FAST_INT(lit, lo, hi, dst) \
	do { if (!fc_lit(&c, lit) || !fc_int(&c, lo, hi, &v)) goto no; dst = v; } while (0)
	FAST_INT(",\"uid\":", 0, UINT32_MAX, e->uid);
	FAST_INT(",\"gid\":", 0, UINT32_MAX, e->gid);
	FAST_INT(",\"size\":", 0, LLONG_MAX, e->size);
	FAST_INT(",\"mtime\":", LLONG_MIN, LLONG_MAX, e->mtime_sec);
	FAST_INT(",\"mtime_ns\":", 0, 999999999, e->mtime_nsec);
	FAST_INT(",\"ctime\":", LLONG_MIN, LLONG_MAX, e->ctime_sec);
	FAST_INT(",\"ctime_ns\":", 0, 999999999, e->ctime_nsec);
	FAST_INT(",\"dev\":", LLONG_MIN, LLONG_MAX, e->dev);
	FAST_INT(",\"ino\":", LLONG_MIN, LLONG_MAX, e->ino);
	FAST_INT(",\"nlink\":", 0, LLONG_MAX, e->nlink);
#undef FAST_INT
	if (fc_lit(&c, ",\"rdev\":")) {
		if (!fc_int(&c, LLONG_MIN, LLONG_MAX, &v))
			goto no;
		e->rdev = (uint64_t)v;
	}
	if (c.end - c.p > 8 && !memcmp(c.p, ",\"target", 8) &&
	    !FC_BYTES(&c, "target", tmp, &e->target, &e->target_len, keep))
		goto no;
	if (c.end - c.p > 9 && !memcmp(c.p, ",\"xattrs\"", 9))
		goto no;                   /* rare: let jansson do it */
	if (c.end - c.p > 9 && !memcmp(c.p, ",\"sha256\"", 9)) {
		if (!fc_hex(&c, ",\"sha256\":\"", 11, e->sha256, 32) ||
		    !fc_hex(&c, ",\"xxh128\":\"", 11, e->xxh128, 16))
			goto no;
		e->flags |= CAIRN_EF_HASHED;
	}
	if (fc_lit(&c, ",\"changed_while_read\":true"))
		e->flags |= CAIRN_EF_CHANGED;
	if (!fc_lit(&c, "}") || c.p != c.end)
		goto no;
	return 1;
no:
	cairn_entry_release(e);
	return 0;
}

/* ,"key":<v> at *pp, v written as the writer writes it (add_int()): no
 * sign but for a negative, no leading zero.  Reads the digits rather than
 * writing v's: half the time. */
static inline __attribute__((always_inline)) int match_int(const char **pp,
							    const char *end,
							    const char *key,
							    size_t klen,
							    long long v)
{
	const char *p = *pp, *d;
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	unsigned long long got = 0;

	if ((size_t)(end - p) < klen + 1 || memcmp(p, key, klen))
		return 0;
	p += klen;
	if (v < 0 && *p++ != '-')
		return 0;
	for (d = p; p < end && (unsigned char)(*p - '0') < 10 && p - d < 20; p++)
		got = got * 10 + (unsigned)(*p - '0');
	if (p == d || p - d > 19 || (*d == '0' && p - d > 1) || got != u)
		return 0;
	*pp = p;
	return 1;
}

#define MATCH_INT(pp, end, key, v) match_int(pp, end, key, sizeof(key) - 1, (long long)(v))

/*
 * The line a hashed regular file gets when only its digests are unknown:
 * e's path and metadata, then "sha256" and "xxh128" and nothing else, each
 * byte as the writer writes it (a directory's: its path and metadata, no
 * xattrs, nothing else).  A line equal to that is canonical (the
 * parser would take it and give back these very fields), so matching it
 * is a parse: nothing allocated, and every number compared with the one
 * it must be; the digests are the only fields left to decode.  Only a
 * path the writer leaves as it is (no escape, valid UTF-8) is compared.
 */
int cairn_entry_line_match(cairn_entry *out, const cairn_entry *e,
			   const char *line, size_t len)
{
	static const char pre[] = "{\"type\":\"entry\",\"path\":\"";
	static const char kind[] = "\",\"kind\":\"file\",\"mode\":\"";
	static const char dkind[] = "\",\"kind\":\"dir\",\"mode\":\"";
	static const char sha[] = ",\"sha256\":\"";
	static const char xxh[] = "\",\"xxh128\":\"";
	const char *p = line, *end = line + len;
	unsigned char sha256[32], xxh128[16];
	int high = 0, i, dir = e->type == CAIRN_T_DIR;

	if ((e->type != CAIRN_T_FILE && !dir) || e->err || e->flags || e->xattr_count ||
	    e->target || !e->path_len)
		return 0;
	for (size_t k = 0; k < e->path_len; k++) {
		unsigned char c = (unsigned char)e->path[k];

		if (c < 0x20 || c == '"' || c == '\\')
			return 0;
		high |= c >= 0x80;
	}
	if (high && !cairn_utf8_valid(e->path, e->path_len))
		return 0;
	if ((size_t)(end - p) < sizeof(pre) - 1 + e->path_len + sizeof(dkind) - 1 + 5 ||
	    memcmp(p, pre, sizeof(pre) - 1) ||
	    memcmp(p + sizeof(pre) - 1, e->path, e->path_len))
		return 0;
	p += sizeof(pre) - 1 + e->path_len;
	if (dir ? memcmp(p, dkind, sizeof(dkind) - 1) : memcmp(p, kind, sizeof(kind) - 1))
		return 0;
	p += dir ? sizeof(dkind) - 1 : sizeof(kind) - 1;
	for (i = 0; i < 4; i++)
		if (p[i] != (char)('0' + ((e->mode >> (9 - 3 * i)) & 7)))
			return 0;
	if (p[4] != '"')
		return 0;
	p += 5;
	if (!MATCH_INT(&p, end, ",\"uid\":", e->uid) ||
	    !MATCH_INT(&p, end, ",\"gid\":", e->gid) ||
	    !MATCH_INT(&p, end, ",\"size\":", e->size) ||
	    !MATCH_INT(&p, end, ",\"mtime\":", e->mtime_sec) ||
	    !MATCH_INT(&p, end, ",\"mtime_ns\":", e->mtime_nsec) ||
	    !MATCH_INT(&p, end, ",\"ctime\":", e->ctime_sec) ||
	    !MATCH_INT(&p, end, ",\"ctime_ns\":", e->ctime_nsec) ||
	    !MATCH_INT(&p, end, ",\"dev\":", e->dev) ||
	    !MATCH_INT(&p, end, ",\"ino\":", e->ino) ||
	    !MATCH_INT(&p, end, ",\"nlink\":", e->nlink))
		return 0;
	if (dir) {
		/* a directory's line ends there */
		if (end - p != 1 || *p != '}')
			return 0;
	} else {
		if ((size_t)(end - p) != sizeof(sha) - 1 + 64 + sizeof(xxh) - 1 + 32 + 2 ||
		    memcmp(p, sha, sizeof(sha) - 1) ||
		    cairn_unhex_lower(sha256, p + sizeof(sha) - 1, 32) < 0)
			return 0;
		p += sizeof(sha) - 1 + 64;
		if (memcmp(p, xxh, sizeof(xxh) - 1) ||
		    cairn_unhex_lower(xxh128, p + sizeof(xxh) - 1, 16) < 0)
			return 0;
		p += sizeof(xxh) - 1 + 32;
		if (p[0] != '"' || p[1] != '}')
			return 0;
		memcpy(out->sha256, sha256, 32);
		memcpy(out->xxh128, xxh128, 16);
		out->flags = CAIRN_EF_HASHED;
	}
	out->type = e->type;
	out->mode = e->mode;
	out->uid = e->uid;
	out->gid = e->gid;
	out->size = e->size;
	out->mtime_sec = e->mtime_sec;
	out->mtime_nsec = e->mtime_nsec;
	out->ctime_sec = e->ctime_sec;
	out->ctime_nsec = e->ctime_nsec;
	out->dev = e->dev;
	out->ino = e->ino;
	out->nlink = e->nlink;
	return 1;
}

json_t *cairn_entry_to_json(const cairn_entry *e)
{
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *j;

	cairn_entry_line(&b, e);
	j = json_loadb(b.data, b.len, 0, NULL);
	if (!j)
		cairn_oom();   /* our own canonical output always parses */
	cairn_buf_release(&b);
	return j;
}

/* ---------------------------------------------------------------- writer */

#define MAX_PENDING_TEMPS 16
static char *volatile pending_temps[MAX_PENDING_TEMPS];

void cairn_snap_writer_cleanup_on_signal(void)
{
	int i;

	for (i = 0; i < MAX_PENDING_TEMPS; i++)
		if (pending_temps[i])
			unlink(pending_temps[i]);
}

struct cairn_snap_writer {
	int fd;
	char *final_path;
	char *tmp_path;
	int temp_slot;
	ZSTD_CCtx *cctx;
	unsigned char *zout;
	size_t zout_size;
	EVP_MD_CTX *sha;
	cairn_buf last_path;
	int have_last;
	int in_records;
	uint64_t entries;
	uint64_t kind_counts[CAIRN_T__COUNT];
	json_t *record_counts;
	uint64_t errors;
	int failed;
	int in_place;      /* writing straight into a device or FIFO */
	cairn_buf line;
	/* The frame being filled: its lines go to SHA-256 and zstd in one
	 * call each when it ends (per line, the calls cost more than the
	 * hashing and compressing). */
	cairn_buf frame;
	unsigned char *zbuf;
	size_t zbuf_size;
	/* Frame copying (cairn_snap_writer_set_source()): the frame so far
	 * is the source's content [run_from, run_next), line for line. */
	const cairn_snap_frames *src;
	int run;
	uint64_t run_from, run_next;
	unsigned copy_checked;
	int copy_off;            /* a checked copy differed: never copy */
	uint64_t frames, copied;
	/* bytes written, and handed to writeback (WRITEBACK_EVERY) */
	uint64_t written, wb_from;
};

#define WRITE_BATCH (128 * 1024)
#define WRITEBACK_EVERY (1u << 20)

static int write_all(int fd, const void *p, size_t n, const char *name)
{
	const char *c = p;

	while (n) {
		ssize_t k = write(fd, c, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return cairn_error_set(CAIRN_EIO, "cannot write '%s': %s",
					       name, strerror(errno));
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Frames whose copy is checked against a fresh compression before copies
 * are trusted: a source written by another build of zstd may compress the
 * same lines otherwise, and the output must be what a full run writes. */
#define COPY_CHECK 2

/* The source's frame holding exactly the content [from, to), or NULL. */
static const cairn_snap_frame *source_frame(const cairn_snap_frames *f,
					    uint64_t from, uint64_t to)
{
	size_t lo = 0, hi = f->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->frame[mid].u_from < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->count && f->frame[lo].u_from == from && f->frame[lo].u_to == to)
		return &f->frame[lo];
	return NULL;
}

/* The frame compressed (or its compressed bytes copied from the source),
 * written. */
static int write_frame(cairn_snap_writer *w)
{
	const cairn_snap_frame *sf = NULL;
	const unsigned char *out;
	size_t n, bound;
	int rc;

	if (w->run && w->src && !w->copy_off)
		sf = source_frame(w->src, w->run_from, w->run_next);
	w->run = 0;
	w->frames++;
	if (sf && w->copy_checked >= COPY_CHECK) {
		out = w->src->mem + sf->c_from;
		n = sf->c_to - sf->c_from;
		w->copied++;
	} else {
		bound = ZSTD_compressBound(w->frame.len);
		if (bound > w->zbuf_size) {
			free(w->zbuf);
			w->zbuf = cairn_malloc(bound);
			w->zbuf_size = bound;
		}
		/* One call with the whole frame: its header records the
		 * content size (the source index needs it), and the bytes
		 * depend on the lines alone. */
		n = ZSTD_compress2(w->cctx, w->zbuf, w->zbuf_size, w->frame.data,
				   w->frame.len);
		if (ZSTD_isError(n)) {
			w->failed = 1;
			return cairn_error_set(CAIRN_EEXTERNAL, "zstd: %s",
					       ZSTD_getErrorName(n));
		}
		out = w->zbuf;
		if (sf) {
			w->copy_checked++;
			if (n != sf->c_to - sf->c_from ||
			    memcmp(out, w->src->mem + sf->c_from, n))
				w->copy_off = 1;
		}
	}
	w->frame.len = 0;
	rc = write_all(w->fd, out, n, w->final_path);
	if (rc < 0) {
		w->failed = 1;
		return rc;
	}
	w->written += n;
	/* The fsync at the end waits for every byte to reach the disk: start
	 * their writeback as they come, while the walk goes on (a 6.6 MB
	 * snapshot: the fsync took 6 ms of a 260 ms --reuse run).  A hint:
	 * durability is still the fsync's. */
	if (w->tmp_path && w->written - w->wb_from >= WRITEBACK_EVERY) {
		(void)sync_file_range(w->fd, (off_t)w->wb_from,
				      (off_t)(w->written - w->wb_from),
				      SYNC_FILE_RANGE_WRITE);
		w->wb_from = w->written;
	}
	return 0;
}

/* The frame's lines into the checksum, then out. */
static int end_frame(cairn_snap_writer *w)
{
	if (!w->frame.len)
		return 0;
	EVP_DigestUpdate(w->sha, w->frame.data, w->frame.len);
	return write_frame(w);
}

/*
 * One line into the frame, its newline added when nl (it is copied once,
 * straight into the frame); src_at: where the source holds the same bytes
 * (CAIRN_SNAP_NO_SOURCE: it does not).  Ends the frame at a cut (see
 * FRAME_MIN).
 */
static int emit_bytes_at(cairn_snap_writer *w, const char *p, size_t n,
			 int nl, uint64_t src_at)
{
	size_t at = w->frame.len;

	if (w->failed)
		return cairn_error_set(CAIRN_EUSAGE, "snapshot '%s': writer already failed",
				       w->final_path);
	if (!at) {
		w->run = src_at != CAIRN_SNAP_NO_SOURCE;
		w->run_from = w->run_next = src_at;
	}
	n += nl != 0;
	if (w->run && src_at == w->run_next)
		w->run_next += n;
	else
		w->run = 0;
	cairn_buf_add(&w->frame, p, n - (nl != 0));
	if (nl)
		cairn_buf_addch(&w->frame, '\n');
	if (w->frame.len >= FRAME_MAX ||
	    (w->frame.len >= FRAME_MIN &&
	     !(XXH3_64bits(w->frame.data + at, n) & ((1u << FRAME_CUT_BITS) - 1))))
		return end_frame(w);
	return 0;
}

static int emit_bytes(cairn_snap_writer *w, const char *p, size_t n)
{
	return emit_bytes_at(w, p, n, 0, CAIRN_SNAP_NO_SOURCE);
}

/* A record line: counted into the checksum, compressed, written. */
static int emit_line(cairn_snap_writer *w, const json_t *rec)
{
	char *s;
	size_t len;
	int rc;

	if (w->failed)
		return cairn_error_set(CAIRN_EUSAGE, "snapshot '%s': writer already failed",
				       w->final_path);
	s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s)
		cairn_oom();
	len = strlen(s);
	s = cairn_realloc(s, len + 2);
	s[len++] = '\n';
	rc = emit_bytes(w, s, len);
	free(s);
	return rc;
}

static void register_temp(cairn_snap_writer *w)
{
	int i;

	for (i = 0; i < MAX_PENDING_TEMPS; i++) {
		if (!pending_temps[i]) {
			pending_temps[i] = w->tmp_path;
			w->temp_slot = i;
			return;
		}
	}
	w->temp_slot = -1;
}

static void unregister_temp(cairn_snap_writer *w)
{
	if (w->temp_slot >= 0)
		pending_temps[w->temp_slot] = NULL;
	w->temp_slot = -1;
}

static void writer_free(cairn_snap_writer *w)
{
	unregister_temp(w);
	if (w->fd >= 0 && (w->tmp_path || w->in_place))
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	EVP_MD_CTX_free(w->sha);
	free(w->zbuf);
	free(w->final_path);
	free(w->tmp_path);
	cairn_buf_release(&w->last_path);
	cairn_buf_release(&w->line);
	cairn_buf_release(&w->frame);
	json_decref(w->record_counts);
	free(w);
}

int cairn_snap_writer_open(cairn_snap_writer **out, const char *path,
			   const json_t *header)
{
	cairn_snap_writer *w;
	json_t *h;
	const char *key;
	json_t *val;
	char version[16];
	struct stat st;
	int rc;

	*out = NULL;
	w = cairn_calloc(1, sizeof(*w));
	w->fd = -1;
	w->temp_slot = -1;
	w->final_path = cairn_strdup(path);
	if (!strcmp(path, "-")) {
		w->fd = STDOUT_FILENO;
	} else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device or FIFO (-o /dev/null, a pipe): write in place;
		 * renaming over it would replace the device node. */
		if (S_ISDIR(st.st_mode)) {
			rc = cairn_error_set(CAIRN_EUSAGE, "'%s' is a directory", path);
			writer_free(w);
			return rc;
		}
		w->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (w->fd < 0) {
			rc = cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path,
					     strerror(errno));
			writer_free(w);
			return rc;
		}
		w->in_place = 1;
	} else {
		char *dircopy = cairn_strdup(path), *basecopy = cairn_strdup(path);
		cairn_buf t = CAIRN_BUF_INIT;

		cairn_buf_addf(&t, "%s/.%s.tmp.XXXXXX", dirname(dircopy), basename(basecopy));
		free(dircopy);
		free(basecopy);
		w->tmp_path = cairn_buf_detach(&t, NULL);
		w->fd = mkostemp(w->tmp_path, O_CLOEXEC);
		if (w->fd < 0) {
			rc = cairn_error_set(CAIRN_EIO, "cannot create a temporary file for '%s': %s",
					     path, strerror(errno));
			free(w->tmp_path);
			w->tmp_path = NULL;
			writer_free(w);
			return rc;
		}
		register_temp(w);
		/* mkstemp makes 0600; a snapshot holds no secret values, so
		 * give it the mode any new file would get */
		{
			mode_t mask = umask(0);

			umask(mask);
			fchmod(w->fd, 0666 & ~mask);
		}
	}
	w->cctx = ZSTD_createCCtx();
	w->sha = EVP_MD_CTX_new();
	if (!w->cctx || !w->sha)
		cairn_oom();
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	EVP_DigestInit_ex(w->sha, EVP_sha256(), NULL);
	w->record_counts = json_object();

	h = json_object();
	json_object_set_new(h, "type", json_string("header"));
	json_object_set_new(h, "format", json_string(CAIRN_FORMAT_NAME));
	snprintf(version, sizeof(version), "%d.%d", CAIRN_FORMAT_MAJOR, CAIRN_FORMAT_MINOR);
	json_object_set_new(h, "version", json_string(version));
	json_object_foreach((json_t *)header, key, val) {
		if (strcmp(key, "type") && strcmp(key, "format") && strcmp(key, "version"))
			json_object_set(h, key, val);
	}
	/* the header alone: it differs from one run to the next */
	rc = emit_line(w, h);
	if (rc == 0)
		rc = end_frame(w);
	json_decref(h);
	if (rc < 0) {
		cairn_snap_writer_abort(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* Order and counting around one entry line (line NULL: serialise e). */
static int writer_entry(cairn_snap_writer *w, const cairn_entry *e,
			const char *line, size_t len, uint64_t src_at)
{
	int rc;

	if (w->in_records)
		return cairn_error_set(CAIRN_EUSAGE, "snapshot '%s': entry after other records",
				       w->final_path);
	if (!e->path_len || (w->have_last &&
	    cairn_path_cmp(w->last_path.data, w->last_path.len, e->path, e->path_len) >= 0))
		return cairn_error_set(CAIRN_EUSAGE, "snapshot '%s': entries out of order",
				       w->final_path);
	cairn_buf_clear(&w->last_path);
	cairn_buf_add(&w->last_path, e->path, e->path_len);
	w->have_last = 1;
	if (!line) {
		cairn_buf_clear(&w->line);
		cairn_entry_line(&w->line, e);
		line = w->line.data;
		len = w->line.len;
	}
	rc = emit_bytes_at(w, line, len, 1, src_at);
	if (rc == 0) {
		w->entries++;
		w->kind_counts[e->type < CAIRN_T__COUNT ? e->type : CAIRN_T_UNKNOWN]++;
		if (e->err)
			w->errors++;
	}
	return rc;
}

int cairn_snap_writer_entry(cairn_snap_writer *w, const cairn_entry *e)
{
	return writer_entry(w, e, NULL, 0, CAIRN_SNAP_NO_SOURCE);
}

int cairn_snap_writer_entry_line(cairn_snap_writer *w, const cairn_entry *e,
				 const char *line, size_t len, uint64_t src_at)
{
	return writer_entry(w, e, line, len, w->src ? src_at : CAIRN_SNAP_NO_SOURCE);
}

void cairn_snap_writer_set_source(cairn_snap_writer *w,
				  const cairn_snap_frames *src)
{
	/* the frame being filled was matched against the old source */
	w->run = 0;
	w->src = src && src->count ? src : NULL;
}

void cairn_snap_writer_frame_counts(const cairn_snap_writer *w,
				    uint64_t *frames, uint64_t *copied)
{
	*frames = w->frames;
	*copied = w->copied;
}

void cairn_snap_writer_count_error(cairn_snap_writer *w)
{
	w->errors++;
}

int cairn_snap_writer_record(cairn_snap_writer *w, const json_t *rec)
{
	const char *type = json_string_value(json_object_get(rec, "type"));
	json_t *c;

	if (!type || !strcmp(type, "header") || !strcmp(type, "entry") ||
	    !strcmp(type, "trailer"))
		return cairn_error_set(CAIRN_EUSAGE, "snapshot '%s': record without a valid type",
				       w->final_path);
	w->in_records = 1;
	c = json_object_get(w->record_counts, type);
	json_object_set_new(w->record_counts, type,
			    json_integer(c ? json_integer_value(c) + 1 : 1));
	return emit_line(w, rec);
}

/* The signed message: domain, digest of the body, digest of the canonical
 * trailer (sorted keys, without "signature"). */
static void signed_message(unsigned char msg[sizeof(SIG_DOMAIN) + 64],
			   const unsigned char body[32], const json_t *trailer)
{
	json_t *copy = json_deep_copy(trailer);
	char *canon;
	unsigned int n = 0;

	json_object_del(copy, "signature");
	canon = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	if (!canon)
		cairn_oom();
	memcpy(msg, SIG_DOMAIN, sizeof(SIG_DOMAIN));   /* includes the NUL */
	memcpy(msg + sizeof(SIG_DOMAIN), body, 32);
	EVP_Digest(canon, strlen(canon), msg + sizeof(SIG_DOMAIN) + 32, &n,
		   EVP_sha256(), NULL);
	free(canon);
	json_decref(copy);
}

static int fsync_dir_of(const char *path)
{
	char *copy = cairn_strdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	free(copy);
	if (fd < 0)
		return -1;
	fsync(fd);
	close(fd);
	return 0;
}

static json_t *trailer_counts(const uint64_t *kind_counts)
{
	json_t *c = json_object();
	int i;

	for (i = 0; i < CAIRN_T__COUNT; i++)
		json_object_set_new(c, type_names[i], json_integer((json_int_t)kind_counts[i]));
	return c;
}

int cairn_snap_writer_close(cairn_snap_writer *w, const json_t *extra,
			    const cairn_key *key)
{
	unsigned char digest[32], msg[sizeof(SIG_DOMAIN) + 64], sig[64];
	char hex[65];
	unsigned int dlen = 0;
	json_t *t;
	char *line;
	int rc = 0;

	if (w->failed || end_frame(w) < 0) {
		rc = cairn_error_set(CAIRN_EIO, "snapshot '%s': an earlier write failed",
				     w->final_path);
		goto fail;
	}
	EVP_DigestFinal_ex(w->sha, digest, &dlen);
	t = json_object();
	json_object_set_new(t, "type", json_string("trailer"));
	json_object_set_new(t, "entries", json_integer((json_int_t)w->entries));
	json_object_set_new(t, "counts", trailer_counts(w->kind_counts));
	json_object_set(t, "records", w->record_counts);
	json_object_set_new(t, "errors", json_integer((json_int_t)w->errors));
	if (extra) {
		const char *k;
		json_t *v;

		json_object_foreach((json_t *)extra, k, v)
			if (!json_object_get(t, k) && strcmp(k, "sha256") && strcmp(k, "signature"))
				json_object_set(t, k, v);
	}
	cairn_hex(hex, digest, 32);
	json_object_set_new(t, "sha256", json_string(hex));
	if (key) {
		char b64[100], kid[65];
		json_t *s;

		signed_message(msg, digest, t);
		if ((rc = cairn_key_sign(key, msg, sizeof(msg), sig)) < 0) {
			json_decref(t);
			goto fail;
		}
		EVP_EncodeBlock((unsigned char *)b64, sig, 64);
		cairn_key_id(key, kid);
		s = json_object();
		json_object_set_new(s, "alg", json_string("ed25519"));
		json_object_set_new(s, "key_id", json_string(kid));
		json_object_set_new(s, "value", json_string(b64));
		json_object_set_new(t, "signature", s);
	}
	line = json_dumps(t, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(t);
	if (!line)
		cairn_oom();
	/* the trailer alone, outside the checksum it carries */
	cairn_buf_addstr(&w->frame, line);
	cairn_buf_addch(&w->frame, '\n');
	w->run = 0;
	rc = write_frame(w);
	free(line);
	if (rc < 0)
		goto fail;
	if (w->tmp_path) {
		if (fsync(w->fd) != 0) {
			rc = cairn_error_set(CAIRN_EIO, "cannot fsync '%s': %s",
					     w->tmp_path, strerror(errno));
			goto fail;
		}
		if (close(w->fd) != 0) {
			w->fd = -1;
			rc = cairn_error_set(CAIRN_EIO, "cannot close '%s': %s",
					     w->tmp_path, strerror(errno));
			goto fail;
		}
		w->fd = -1;
		if (rename(w->tmp_path, w->final_path) != 0) {
			rc = cairn_error_set(CAIRN_EIO, "cannot rename '%s' to '%s': %s",
					     w->tmp_path, w->final_path, strerror(errno));
			goto fail;
		}
		fsync_dir_of(w->final_path);
		free(w->tmp_path);
		w->tmp_path = NULL;
	}
	writer_free(w);
	return 0;
fail:
	cairn_snap_writer_abort(w);
	return rc;
}

void cairn_snap_writer_abort(cairn_snap_writer *w)
{
	if (!w)
		return;
	if (w->tmp_path) {
		unlink(w->tmp_path);
		if (w->fd >= 0)
			close(w->fd);
		w->fd = -1;
	}
	writer_free(w);
}

/* ---------------------------------------------------------------- reader */

struct cairn_snap_reader {
	char *name;
	int fd;
	const unsigned char *mem;
	size_t mem_len;
	cairn_buf loaded;       /* cairn_snap_reader_load(): mem's owner */
	cairn_snap_frame *frame;
	cairn_snap_frames frames;
	ZSTD_DCtx *dctx;
	unsigned char *inbuf;
	size_t inbuf_size;
	ZSTD_inBuffer in;
	unsigned char *outbuf;
	size_t outbuf_size, out_pos, out_len;
	uint64_t out_base;      /* content offset of outbuf[0] */
	uint64_t loff;          /* content offset of the current line */
	size_t last_ret;        /* last ZSTD_decompressStream result: 0 = frame done */
	int input_done;
	cairn_buf line;         /* a line that spans two decompressed chunks */
	const char *lp;         /* the current line (see read_line) */
	size_t llen;
	int lp_in_out;          /* lp points into outbuf */
	size_t hash_from, hash_len;  /* run of outbuf not yet checksummed */
	int raw;                /* cairn_snap_reader_set_raw() */
	EVP_MD_CTX *sha;
	json_t *header, *trailer, *cur;
	cairn_entry entry;
	cairn_buf prev_path;
	int have_prev;
	int in_records;
	long long recno;
	uint64_t entries;
	uint64_t kind_counts[CAIRN_T__COUNT];
	json_t *record_counts;
	const cairn_key *pubkey;
	int done;
	int broken;
	int entry_json;
	cairn_buf tmp;
};

static int rd_fail(cairn_snap_reader *r, int code, const char *fmt, const char *detail)
{
	r->broken = 1;
	if (r->recno > 0)
		return cairn_error_set(code, "snapshot '%s': record %lld: %s%s", r->name,
				       r->recno, fmt, detail ? detail : "");
	return cairn_error_set(code, "snapshot '%s': %s%s", r->name, fmt, detail ? detail : "");
}

/* Refill the compressed input; 0 when no more input exists. */
static int refill_input(cairn_snap_reader *r)
{
	ssize_t n;

	if (r->input_done)
		return 0;
	if (r->mem) {
		r->in.src = r->mem;
		r->in.size = r->mem_len;
		r->in.pos = 0;
		r->input_done = 1;
		return r->mem_len > 0;
	}
	do {
		n = read(r->fd, r->inbuf, r->inbuf_size);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return cairn_error_set(CAIRN_EIO, "cannot read snapshot '%s': %s",
				       r->name, strerror(errno));
	if (n == 0) {
		r->input_done = 1;
		return 0;
	}
	r->in.src = r->inbuf;
	r->in.size = (size_t)n;
	r->in.pos = 0;
	return 1;
}

/* Decompress more output; 0 at a clean end, 1 with output, negative on error. */
static int refill_output(cairn_snap_reader *r)
{
	for (;;) {
		ZSTD_outBuffer out = { r->outbuf, r->outbuf_size, 0 };
		size_t ret;

		if (r->in.pos >= r->in.size) {
			int k = refill_input(r);

			if (k < 0)
				return rd_fail(r, CAIRN_EIO, cairn_error_last(), NULL);
			if (k == 0) {
				if (r->last_ret != 0)
					return rd_fail(r, CAIRN_EFORMAT,
						       "truncated (incomplete zstd frame)", NULL);
				return 0;
			}
		}
		{
			size_t in_before = r->in.pos;

			ret = ZSTD_decompressStream(r->dctx, &out, &r->in);
			cairn_meter_add(r->in.pos - in_before);   /* progress lines */
		}
		if (ZSTD_isError(ret))
			return rd_fail(r, CAIRN_EFORMAT, "corrupt or not zstd: ",
				       ZSTD_getErrorName(ret));
		r->last_ret = ret;
		if (out.pos) {
			r->out_base += r->out_len;
			r->out_pos = 0;
			r->out_len = out.pos;
			return 1;
		}
	}
}

/*
 * The trailer's checksum covers every byte before the trailer line.  Lines
 * are fed to SHA-256 in runs: consecutive lines that lie whole in the
 * decompression buffer are hashed with one update when the buffer is about
 * to be refilled (per-line updates of a few hundred bytes cost a third more
 * than the hashing itself).
 */
static void digest_flush(cairn_snap_reader *r)
{
	if (r->hash_len)
		EVP_DigestUpdate(r->sha, r->outbuf + r->hash_from, r->hash_len);
	r->hash_len = 0;
}

/* Add the current line and its newline to the checksum. */
static void digest_line(cairn_snap_reader *r)
{
	if (r->lp_in_out) {
		size_t off = (size_t)((const unsigned char *)r->lp - r->outbuf);

		if (r->hash_len && r->hash_from + r->hash_len == off) {
			r->hash_len += r->llen + 1;
			return;
		}
		digest_flush(r);
		r->hash_from = off;
		r->hash_len = r->llen + 1;
		return;
	}
	digest_flush(r);
	EVP_DigestUpdate(r->sha, r->lp, r->llen);
	EVP_DigestUpdate(r->sha, "\n", 1);
}

/*
 * One line without its newline: r->lp and r->llen point at it until the
 * next call, into the decompression buffer when it lies there whole (no
 * copy), else into r->line.  1, 0 at clean EOF, negative.
 */
static int read_line(cairn_snap_reader *r)
{
	int spanning = 0;

	cairn_buf_clear(&r->line);
	r->loff = r->out_base + r->out_pos;
	for (;;) {
		unsigned char *start = r->outbuf + r->out_pos;
		size_t avail = r->out_len - r->out_pos;
		unsigned char *nl = avail ? memchr(start, '\n', avail) : NULL;
		size_t take = nl ? (size_t)(nl - start) : avail;
		int k;

		if (nl && !spanning) {
			r->lp = (const char *)start;
			r->llen = take;
			r->lp_in_out = 1;
			r->out_pos += take + 1;
			return 1;
		}
		if (r->line.len + take > LINE_MAX_BYTES)
			return rd_fail(r, CAIRN_ELIMIT, "record longer than 64 MiB", NULL);
		if (take) {
			cairn_buf_add(&r->line, start, take);
			spanning = 1;
		}
		if (nl) {
			r->out_pos += take + 1;
			r->lp = r->line.data;
			r->llen = r->line.len;
			r->lp_in_out = 0;
			return 1;
		}
		r->out_pos = r->out_len;
		digest_flush(r);   /* the buffer is about to be overwritten */
		k = refill_output(r);
		if (k < 0)
			return k;
		if (k == 0) {
			if (r->line.len)
				return rd_fail(r, CAIRN_EFORMAT, "truncated (last record incomplete)",
					       NULL);
			return 0;
		}
	}
}

static int parse_line(cairn_snap_reader *r, json_t **out)
{
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	r->recno++;
	j = json_loadb(r->lp ? r->lp : "", r->llen, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return rd_fail(r, CAIRN_EFORMAT, "invalid JSON: ", jerr.text);
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "type"))) {
		json_decref(j);
		return rd_fail(r, CAIRN_EFORMAT, "record is not an object with a type", NULL);
	}
	*out = j;
	return 0;
}

static int check_header(cairn_snap_reader *r)
{
	const char *fmt = json_string_value(json_object_get(r->header, "format"));
	const char *ver = json_string_value(json_object_get(r->header, "version"));
	const char *type = json_string_value(json_object_get(r->header, "type"));
	int major = -1, minor = -1;

	if (!type || strcmp(type, "header") || !fmt || strcmp(fmt, CAIRN_FORMAT_NAME))
		return rd_fail(r, CAIRN_EFORMAT, "not a cairn snapshot (no header)", NULL);
	if (!ver || sscanf(ver, "%d.%d", &major, &minor) != 2 || major != CAIRN_FORMAT_MAJOR)
		return rd_fail(r, CAIRN_EFORMAT, "unsupported format version ",
			       ver ? ver : "(none)");
	return 0;
}

static int reader_start(cairn_snap_reader *r)
{
	int rc;

	r->dctx = ZSTD_createDCtx();
	r->sha = EVP_MD_CTX_new();
	if (!r->dctx || !r->sha)
		cairn_oom();
	EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL);
	r->outbuf_size = ZSTD_DStreamOutSize();
	r->outbuf = cairn_malloc(r->outbuf_size);
	r->record_counts = json_object();
	rc = read_line(r);
	if (rc == 0)
		return rd_fail(r, CAIRN_EFORMAT, "empty file, not a snapshot", NULL);
	if (rc < 0)
		return rc;
	if ((rc = parse_line(r, &r->header)) < 0)
		return rc;
	if ((rc = check_header(r)) < 0)
		return rc;
	digest_line(r);
	return 0;
}

static cairn_snap_reader *reader_new(const char *name, const cairn_key *pubkey)
{
	cairn_snap_reader *r = cairn_calloc(1, sizeof(*r));

	r->name = cairn_strdup(name);
	r->fd = -1;
	r->pubkey = pubkey;
	return r;
}

/* Open path for reading: a regular file, never blocking on a FIFO. */
static int open_snapshot(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), rc;

	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "cannot open snapshot '%s': %s",
				       path, strerror(errno));
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		rc = cairn_error_set(CAIRN_EIO, "snapshot '%s': not a regular file", path);
		close(fd);
		return rc;
	}
	return fd;
}

/* A reader streaming from fd (taken). */
static int reader_open_fd(cairn_snap_reader **out, int fd, const char *path,
			  const cairn_key *pubkey)
{
	cairn_snap_reader *r = reader_new(path, pubkey);
	int rc;

	r->fd = fd;
	r->inbuf_size = ZSTD_DStreamInSize();
	r->inbuf = cairn_malloc(r->inbuf_size);
	if ((rc = reader_start(r)) < 0) {
		cairn_snap_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int cairn_snap_reader_open(cairn_snap_reader **out, const char *path,
			   const cairn_key *pubkey)
{
	struct stat st;
	int fd;

	*out = NULL;
	if ((fd = open_snapshot(path, &st)) < 0)
		return fd;
	return reader_open_fd(out, fd, path, pubkey);
}

/*
 * The frames of r->mem, from their headers: each must say how much it
 * holds (one-call frames do; a snapshot written as one stream does not:
 * no index).  Skippable frames hold nothing and are left out.  Anything
 * malformed ends the index; the reader reports it when it gets there.  At
 * most one frame per 256 bytes of file (a writer's frame holds 64 KiB and
 * compresses to kilobytes): a hostile file of tiny frames would otherwise
 * make an index larger than itself.
 */
static void index_frames(cairn_snap_reader *r)
{
	size_t pos = 0, n = 0, cap = 0, most = r->mem_len / 256 + 16;
	uint64_t u = 0;

	while (pos < r->mem_len) {
		const unsigned char *p = r->mem + pos;
		size_t left = r->mem_len - pos;
		size_t cs = ZSTD_findFrameCompressedSize(p, left);
		unsigned long long us = ZSTD_getFrameContentSize(p, left);

		if (ZSTD_isError(cs) || us == ZSTD_CONTENTSIZE_UNKNOWN ||
		    us == ZSTD_CONTENTSIZE_ERROR || us > UINT64_MAX - u || n == most) {
			n = 0;
			break;
		}
		if (us) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				r->frame = cairn_realloc(r->frame, cap * sizeof(*r->frame));
			}
			r->frame[n].u_from = u;
			r->frame[n].u_to = u + us;
			r->frame[n].c_from = pos;
			r->frame[n].c_to = pos + cs;
			n++;
		}
		u += us;
		pos += cs;
	}
	r->frames.mem = r->mem;
	r->frames.frame = r->frame;
	r->frames.count = n;
}

int cairn_snap_reader_load(cairn_snap_reader **out, const char *path,
			   const cairn_key *pubkey, size_t max)
{
	cairn_snap_reader *r;
	struct stat st;
	int fd, rc;

	*out = NULL;
	if ((fd = open_snapshot(path, &st)) < 0)
		return fd;
	if (st.st_size < 0 || (uint64_t)st.st_size > max)
		return reader_open_fd(out, fd, path, pubkey);
	r = reader_new(path, pubkey);
	cairn_buf_grow(&r->loaded, (size_t)st.st_size + 1);
	rc = cairn_read_fd(&r->loaded, fd, max, "snapshot", path);
	if (rc == CAIRN_ELIMIT && lseek(fd, 0, SEEK_SET) == 0) {
		/* it grew past max while read: stream it */
		cairn_snap_reader_free(r);
		return reader_open_fd(out, fd, path, pubkey);
	}
	close(fd);
	if (rc < 0) {
		cairn_snap_reader_free(r);
		return rc;
	}
	r->mem = (const unsigned char *)r->loaded.data;
	r->mem_len = r->loaded.len;
	index_frames(r);
	if ((rc = reader_start(r)) < 0) {
		cairn_snap_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

const cairn_snap_frames *cairn_snap_reader_frames(const cairn_snap_reader *r)
{
	return r->frames.count ? &r->frames : NULL;
}

int cairn_snap_reader_open_mem(cairn_snap_reader **out, const void *data,
			       size_t len, const char *name,
			       const cairn_key *pubkey)
{
	cairn_snap_reader *r;
	int rc;

	*out = NULL;
	r = reader_new(name, pubkey);
	r->mem = data;
	r->mem_len = len;
	index_frames(r);
	if ((rc = reader_start(r)) < 0) {
		cairn_snap_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

const json_t *cairn_snap_reader_header(const cairn_snap_reader *r)
{
	return r->header;
}

const json_t *cairn_snap_reader_trailer(const cairn_snap_reader *r)
{
	return r->done ? r->trailer : NULL;
}

static int counts_match(const json_t *want, const json_t *have)
{
	return json_is_object(want) && json_equal((json_t *)want, (json_t *)have);
}

static int check_trailer(cairn_snap_reader *r, const unsigned char digest[32])
{
	const json_t *t = r->trailer;
	const char *hex = json_string_value(json_object_get(t, "sha256"));
	unsigned char want[32];
	json_t *kinds;
	int ok;

	if (!hex || strlen(hex) != 64 || cairn_unhex(want, hex, 32) < 0)
		return rd_fail(r, CAIRN_EFORMAT, "trailer without a sha256 checksum", NULL);
	if (memcmp(want, digest, 32))
		return rd_fail(r, CAIRN_EVERIFY,
			       "checksum mismatch: the snapshot was modified or corrupted", NULL);
	kinds = trailer_counts(r->kind_counts);
	ok = json_integer_value(json_object_get(t, "entries")) == (json_int_t)r->entries &&
	     counts_match(json_object_get(t, "counts"), kinds) &&
	     (!json_object_get(t, "records") ||
	      counts_match(json_object_get(t, "records"), r->record_counts));
	json_decref(kinds);
	if (!ok)
		return rd_fail(r, CAIRN_EVERIFY, "trailer counts do not match the records", NULL);
	if (r->pubkey) {
		const json_t *s = json_object_get(t, "signature");
		const char *b64 = json_string_value(json_object_get(s, "value"));
		unsigned char raw[100], msg[sizeof(SIG_DOMAIN) + 64];
		int n;

		if (!b64)
			return rd_fail(r, CAIRN_EVERIFY, "not signed, but a public key was given",
				       NULL);
		if (strlen(b64) != 88 ||
		    (n = EVP_DecodeBlock(raw, (const unsigned char *)b64, 88)) != 66)
			return rd_fail(r, CAIRN_EVERIFY, "malformed signature", NULL);
		signed_message(msg, digest, t);
		if (cairn_key_verify(r->pubkey, msg, sizeof(msg), raw) < 0)
			return rd_fail(r, CAIRN_EVERIFY,
				       "bad signature: not signed by the given key, or modified",
				       NULL);
	}
	return 0;
}

void cairn_snap_reader_set_entry_json(cairn_snap_reader *r, int on)
{
	r->entry_json = on;
}

void cairn_snap_reader_take_entry(cairn_snap_reader *r, cairn_entry *out)
{
	cairn_entry_release(out);
	*out = r->entry;
	cairn_entry_init(&r->entry);
}

void cairn_snap_reader_set_raw(cairn_snap_reader *r, int on)
{
	r->raw = on;
}

/*
 * Raw mode: frame an entry line the writer wrote without parsing it, that
 * is, find its path (when it needs no unescaping) and kind, the two fields
 * that order and count entries.  0 for anything else: the caller parses it.
 */
static int raw_frame(cairn_record *rec)
{
	static const char pre[] = "{\"type\":\"entry\",\"path\":\"";
	static const char mid[] = "\",\"kind\":\"";
	const char *p, *q, *end = rec->line + rec->line_len;
	size_t i, n;
	int t;

	if (rec->line_len < sizeof(pre) - 1 || memcmp(rec->line, pre, sizeof(pre) - 1))
		return 0;
	p = rec->line + sizeof(pre) - 1;
	q = memchr(p, '"', (size_t)(end - p));
	if (!q || q == p || (size_t)(end - q) < sizeof(mid) - 1 + 2 ||
	    memcmp(q, mid, sizeof(mid) - 1))
		return 0;
	/* Only a path that needs no unescaping is its own bytes: no
	 * backslash, no control character (the writer escapes those). */
	n = (size_t)(q - p);
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == '\\')
			return 0;
	rec->raw_path = p;
	rec->raw_path_len = n;
	p = q + sizeof(mid) - 1;
	q = memchr(p, '"', (size_t)(end - p));
	if (!q)
		return 0;
	n = (size_t)(q - p);
	for (t = 0; t < CAIRN_T__COUNT; t++)
		if (type_name_len[t] == n && !memcmp(type_names[t], p, n))
			break;
	if (t == CAIRN_T__COUNT)
		return 0;
	rec->raw_type = t;
	return 1;
}

/* Order and count a framed entry (the same checks as accept_entry). */
static int accept_raw(cairn_snap_reader *r, cairn_record *rec)
{
	if (r->in_records)
		return rd_fail(r, CAIRN_EFORMAT, "entry after other records", NULL);
	if (r->have_prev && cairn_path_cmp(r->prev_path.data, r->prev_path.len,
					   rec->raw_path, rec->raw_path_len) >= 0)
		return rd_fail(r, CAIRN_EFORMAT, "entries out of order", NULL);
	cairn_buf_clear(&r->prev_path);
	cairn_buf_add(&r->prev_path, rec->raw_path, rec->raw_path_len);
	r->have_prev = 1;
	r->entries++;
	r->kind_counts[rec->raw_type]++;
	rec->kind = CAIRN_REC_ENTRY;
	rec->raw = 1;
	return 1;
}

int cairn_snap_entry_canonical(const char *line, size_t len, cairn_buf *tmp)
{
	cairn_entry scratch;

	return entry_parse_fast(&scratch, line, len, tmp, 0);
}

int cairn_snap_parse_entry(cairn_entry *e, const char *label, long long number,
			   const char *line, size_t len, cairn_buf *tmp)
{
	json_error_t jerr;
	const char *type;
	json_t *j;
	int rc;

	if (entry_parse_fast(e, line, len, tmp, 1))
		return 0;
	j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return cairn_error_set(CAIRN_EFORMAT, "snapshot '%s': record %lld: "
				       "invalid JSON: %s", label, number, jerr.text);
	type = json_string_value(json_object_get(j, "type"));
	if (!json_is_object(j) || !type || strcmp(type, "entry")) {
		json_decref(j);
		return cairn_error_set(CAIRN_EFORMAT, "snapshot '%s': record %lld: "
				       "not an entry", label, number);
	}
	if ((rc = cairn_entry_from_json(e, j)) < 0) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", cairn_error_last());
		json_decref(j);
		return cairn_error_set(rc, "snapshot '%s': record %lld: %s", label,
				       number, msg);
	}
	json_decref(j);
	return 0;
}

static int accept_entry(cairn_snap_reader *r, cairn_record *rec)
{
	if (r->in_records)
		return rd_fail(r, CAIRN_EFORMAT, "entry after other records", NULL);
	if (r->have_prev && cairn_path_cmp(r->prev_path.data, r->prev_path.len,
					   r->entry.path, r->entry.path_len) >= 0)
		return rd_fail(r, CAIRN_EFORMAT, "entries out of order", NULL);
	cairn_buf_clear(&r->prev_path);
	cairn_buf_add(&r->prev_path, r->entry.path, r->entry.path_len);
	r->have_prev = 1;
	r->entries++;
	r->kind_counts[r->entry.type]++;
	rec->kind = CAIRN_REC_ENTRY;
	rec->entry = r->entry;
	return 1;
}

static int finish_trailer(cairn_snap_reader *r, json_t *j)
{
	unsigned char digest[32];
	unsigned int dlen = 0;
	int rc;

	r->trailer = j;
	digest_flush(r);
	EVP_DigestFinal_ex(r->sha, digest, &dlen);
	if ((rc = check_trailer(r, digest)) < 0)
		return rc;
	rc = read_line(r);
	if (rc > 0)
		return rd_fail(r, CAIRN_EFORMAT, "data after the trailer", NULL);
	if (rc < 0)
		return rc;
	r->done = 1;
	return 0;
}

int cairn_snap_reader_next(cairn_snap_reader *r, cairn_record *rec)
{
	const char *type;
	json_t *j;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (r->done)
		return 0;
	if (r->broken)
		return cairn_error_set(CAIRN_EFORMAT, "snapshot '%s': read after an error",
				       r->name);
	json_decref(r->cur);
	r->cur = NULL;
	if (r->entry.path || r->entry.target || r->entry.xattrs)
		cairn_entry_release(&r->entry);

	rc = read_line(r);
	if (rc == 0)
		return rd_fail(r, CAIRN_EFORMAT, "truncated (no trailer)", NULL);
	if (rc < 0)
		return rc;
	rec->line = r->lp ? r->lp : "";
	rec->line_len = r->llen;
	rec->offset = r->loff;
	if (r->raw && raw_frame(rec)) {
		r->recno++;
		rec->number = r->recno;
		digest_line(r);
		return accept_raw(r, rec);
	}
	if (!r->entry_json && entry_parse_fast(&r->entry, rec->line, rec->line_len, &r->tmp, 1)) {
		r->recno++;
		rec->number = r->recno;
		digest_line(r);
		return accept_entry(r, rec);
	}
	if ((rc = parse_line(r, &j)) < 0)
		return rc;
	type = json_string_value(json_object_get(j, "type"));
	if (!strcmp(type, "trailer"))
		return finish_trailer(r, j);
	digest_line(r);
	r->cur = j;
	rec->json = j;
	rec->number = r->recno;
	if (!strcmp(type, "header"))
		return rd_fail(r, CAIRN_EFORMAT, "second header", NULL);
	if (!strcmp(type, "entry")) {
		if ((rc = cairn_entry_from_json(&r->entry, j)) < 0) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", cairn_error_last());
			return rd_fail(r, rc, msg, NULL);
		}
		return accept_entry(r, rec);
	}
	{
		json_t *c = json_object_get(r->record_counts, type);

		r->in_records = 1;
		json_object_set_new(r->record_counts, type,
				    json_integer(c ? json_integer_value(c) + 1 : 1));
		rec->kind = CAIRN_REC_OTHER;
	}
	return 1;
}

void cairn_snap_reader_free(cairn_snap_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	EVP_MD_CTX_free(r->sha);
	free(r->inbuf);
	free(r->outbuf);
	free(r->name);
	free(r->frame);
	cairn_buf_release(&r->loaded);
	cairn_buf_release(&r->line);
	cairn_buf_release(&r->prev_path);
	cairn_buf_release(&r->tmp);
	json_decref(r->header);
	json_decref(r->trailer);
	json_decref(r->cur);
	json_decref(r->record_counts);
	cairn_entry_release(&r->entry);
	free(r);
}

int cairn_snap_verify(const char *path, const cairn_key *pubkey, json_t **trailer_out)
{
	cairn_snap_reader *r;
	cairn_record rec;
	int rc;

	if (trailer_out)
		*trailer_out = NULL;
	if ((rc = cairn_snap_reader_open(&r, path, pubkey)) < 0)
		return rc;
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0)
		;
	if (rc == 0 && trailer_out)
		*trailer_out = json_incref((json_t *)cairn_snap_reader_trailer(r));
	cairn_snap_reader_free(r);
	return rc;
}
