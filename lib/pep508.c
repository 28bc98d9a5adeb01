/*
 * pep508.c - PEP 508 environment markers: a strict hand-written parser
 * (markers come from lockfiles an attacker may write) evaluated in three
 * values (pep508.h).
 */
#include "pep508.h"
#include "pep440.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

static const char *const var_names[CAIRN_PEP508_NVARS] = {
	"python_version", "python_full_version", "os_name", "sys_platform",
	"platform_release", "platform_system", "platform_version", "platform_machine",
	"platform_python_implementation", "implementation_name", "implementation_version",
	"extra",
};

/* packaging's legacy spellings, still accepted by it */
static const struct { const char *name; int var; } legacy[] = {
	{ "os.name", CAIRN_PEP508_OS_NAME },
	{ "sys.platform", CAIRN_PEP508_SYS_PLATFORM },
	{ "platform.version", CAIRN_PEP508_PLATFORM_VERSION },
	{ "platform.machine", CAIRN_PEP508_PLATFORM_MACHINE },
	{ "platform.python_implementation", CAIRN_PEP508_PLATFORM_PYTHON_IMPLEMENTATION },
	{ "python_implementation", CAIRN_PEP508_PLATFORM_PYTHON_IMPLEMENTATION },
};

const char *cairn_pep508_var_name(int var)
{
	return var >= 0 && var < CAIRN_PEP508_NVARS ? var_names[var] : "?";
}

enum op { OP_LT, OP_LE, OP_NE, OP_EQ, OP_GE, OP_GT, OP_COMPAT, OP_ARB, OP_IN, OP_NOT_IN };

typedef struct parser {
	const char *s;
	size_t pos, len;
	int depth;
	const cairn_pep508_env *env;
	cairn_buf *why;
	const char *label;
	int rc;             /* first error */
} parser;

typedef struct value {
	const char *p;      /* the string (into the marker, or the env's) */
	size_t n;
	int var;            /* -1 for a literal */
	int known;
} value;

static int fail(parser *ps, int code, const char *what)
{
	if (!ps->rc)
		ps->rc = cairn_error_set(code, "%s: marker column %zu: %s", ps->label, ps->pos + 1,
					 what);
	return ps->rc;
}

static void skip_ws(parser *ps)
{
	/* PEP 508: wsp = ' ' | '\t' */
	while (ps->pos < ps->len && (ps->s[ps->pos] == ' ' || ps->s[ps->pos] == '\t'))
		ps->pos++;
}

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

/* The keyword w at the position, as a whole word. */
static int keyword(parser *ps, const char *w)
{
	size_t n = strlen(w);

	if (ps->len - ps->pos < n || memcmp(ps->s + ps->pos, w, n) ||
	    (ps->pos + n < ps->len && ident_char(ps->s[ps->pos + n])))
		return 0;
	ps->pos += n;
	return 1;
}

static void why_add(parser *ps, const char *a, const char *b)
{
	cairn_buf t = CAIRN_BUF_INIT;
	const char *p;

	if (!ps->why)
		return;
	cairn_buf_addf(&t, "%s%s", a, b);
	/* each reason once */
	for (p = ps->why->data; p && (p = strstr(p, t.data)); p += t.len)
		if ((p == ps->why->data || p[-1] == ' ') && (p[t.len] == ',' || !p[t.len])) {
			cairn_buf_release(&t);
			return;
		}
	if (ps->why->len)
		cairn_buf_addstr(ps->why, ", ");
	cairn_buf_addstr(ps->why, t.data);
	cairn_buf_release(&t);
}

static int parse_value(parser *ps, value *v)
{
	size_t i;

	skip_ws(ps);
	if (ps->pos >= ps->len)
		return fail(ps, CAIRN_EFORMAT, "expected a variable or a string");
	if (ps->s[ps->pos] == '"' || ps->s[ps->pos] == '\'') {
		char q = ps->s[ps->pos];
		size_t start = ++ps->pos;

		for (; ps->pos < ps->len && ps->s[ps->pos] != q; ps->pos++) {
			unsigned char c = (unsigned char)ps->s[ps->pos];

			/* python_str_c: printable ASCII without backslash */
			if (c < 0x20 || c > 0x7e || c == '\\')
				return fail(ps, CAIRN_EFORMAT, "character not allowed in a string");
		}
		if (ps->pos >= ps->len)
			return fail(ps, CAIRN_EFORMAT, "unterminated string");
		v->p = ps->s + start;
		v->n = ps->pos - start;
		v->var = -1;
		v->known = 1;
		ps->pos++;
		return 0;
	}
	for (i = ps->pos; i < ps->len && ident_char(ps->s[i]); i++)
		;
	if (i == ps->pos)
		return fail(ps, CAIRN_EFORMAT, "expected a variable or a string");
	v->var = -1;
	for (int k = 0; k < CAIRN_PEP508_NVARS && v->var < 0; k++)
		if (strlen(var_names[k]) == i - ps->pos && !memcmp(ps->s + ps->pos, var_names[k], i - ps->pos))
			v->var = k;
	for (size_t k = 0; k < sizeof(legacy) / sizeof(legacy[0]) && v->var < 0; k++)
		if (strlen(legacy[k].name) == i - ps->pos &&
		    !memcmp(ps->s + ps->pos, legacy[k].name, i - ps->pos))
			v->var = legacy[k].var;
	if (v->var < 0)
		return fail(ps, CAIRN_EFORMAT, "not a marker variable");
	ps->pos = i;
	v->p = ps->env ? ps->env->v[v->var] : NULL;
	v->known = v->p != NULL;
	v->n = v->p ? strlen(v->p) : 0;
	return 0;
}

static int parse_op(parser *ps, enum op *op)
{
	static const struct { const char *t; enum op op; } ops[] = {
		{ "===", OP_ARB }, { "<=", OP_LE }, { "!=", OP_NE }, { "==", OP_EQ },
		{ ">=", OP_GE }, { "~=", OP_COMPAT }, { "<", OP_LT }, { ">", OP_GT },
	};
	size_t k;

	skip_ws(ps);
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (ps->len - ps->pos >= strlen(ops[k].t) &&
		    !memcmp(ps->s + ps->pos, ops[k].t, strlen(ops[k].t))) {
			ps->pos += strlen(ops[k].t);
			*op = ops[k].op;
			return 0;
		}
	if (keyword(ps, "in")) {
		*op = OP_IN;
		return 0;
	}
	if (keyword(ps, "not")) {
		size_t at = ps->pos;

		skip_ws(ps);
		if (ps->pos > at && keyword(ps, "in")) {
			*op = OP_NOT_IN;
			return 0;
		}
	}
	return fail(ps, CAIRN_EFORMAT, "expected a comparison operator");
}

/*
 * A comparison of two known strings: CAIRN_PEP508_TRUE/FALSE, or
 * UNKNOWN with the reason added (~= on something that is not a version).
 */
static int compare(parser *ps, const value *l, enum op op, const value *r)
{
	static const int spec_op[] = {
		[OP_LT] = CAIRN_PEP440_LT, [OP_LE] = CAIRN_PEP440_LE, [OP_NE] = CAIRN_PEP440_NE,
		[OP_EQ] = CAIRN_PEP440_EQ, [OP_GE] = CAIRN_PEP440_GE, [OP_GT] = CAIRN_PEP440_GT,
		[OP_COMPAT] = CAIRN_PEP440_COMPAT,
	};
	char *a = cairn_strndup(l->p, l->n), *b = cairn_strndup(r->p, r->n);
	cairn_buf na = CAIRN_BUF_INIT, nb = CAIRN_BUF_INIT;
	int res = -1, cmp;

	if (l->var == CAIRN_PEP508_EXTRA || r->var == CAIRN_PEP508_EXTRA) {
		/* PEP 685: extra names compare normalised as PEP 503 names */
		cairn_pep440_name_normalize(&na, a);
		cairn_pep440_name_normalize(&nb, b);
		free(a);
		free(b);
		a = cairn_strdup(na.data ? na.data : "");
		b = cairn_strdup(nb.data ? nb.data : "");
	}
	if (op == OP_IN || op == OP_NOT_IN) {
		res = (strstr(b, a) != NULL) == (op == OP_IN);
		goto done;
	}
	if (op == OP_ARB) {
		res = !strcasecmp(a, b);
		goto done;
	}
	/* packaging's _eval_op: op + b a PEP 440 specifier, a a version */
	if (cairn_pep440_spec_match(&cmp, spec_op[op], a, b) == 0) {
		res = cmp;
		goto done;
	}
	/* not versions: Python's string operators */
	cmp = strcmp(a, b);
	switch (op) {
	case OP_LT: res = cmp < 0; break;
	case OP_LE: res = cmp <= 0; break;
	case OP_NE: res = cmp != 0; break;
	case OP_EQ: res = cmp == 0; break;
	case OP_GE: res = cmp >= 0; break;
	case OP_GT: res = cmp > 0; break;
	default:
		why_add(ps, l->var >= 0 ? var_names[l->var] : r->var >= 0 ? var_names[r->var] : "a string",
			" compared with ~= is not a version");
		res = CAIRN_PEP508_UNKNOWN;
		break;
	}
done:
	free(a);
	free(b);
	cairn_buf_release(&na);
	cairn_buf_release(&nb);
	return res;
}

static int parse_or(parser *ps, int *out);

static int parse_expr(parser *ps, int *out)
{
	value l, r;
	enum op op = OP_EQ;

	skip_ws(ps);
	if (ps->pos < ps->len && ps->s[ps->pos] == '(') {
		if (++ps->depth > CAIRN_PEP508_MAX_DEPTH)
			return fail(ps, CAIRN_ELIMIT, "nested too deep");
		ps->pos++;
		if (parse_or(ps, out) < 0)
			return ps->rc;
		skip_ws(ps);
		if (ps->pos >= ps->len || ps->s[ps->pos] != ')')
			return fail(ps, CAIRN_EFORMAT, "expected ')'");
		ps->pos++;
		ps->depth--;
		return 0;
	}
	if (parse_value(ps, &l) < 0 || parse_op(ps, &op) < 0 || parse_value(ps, &r) < 0)
		return ps->rc;
	if (!l.known || !r.known) {
		why_add(ps, var_names[!l.known ? l.var : r.var], " not known");
		if (!l.known && !r.known && l.var != r.var)
			why_add(ps, var_names[r.var], " not known");
		*out = CAIRN_PEP508_UNKNOWN;
		return 0;
	}
	*out = compare(ps, &l, op, &r);
	return 0;
}

static int parse_and(parser *ps, int *out)
{
	int v;

	if (parse_expr(ps, out) < 0)
		return ps->rc;
	for (;;) {
		skip_ws(ps);
		if (!keyword(ps, "and"))
			return 0;
		if (parse_expr(ps, &v) < 0)
			return ps->rc;
		/* Kleene: false wins, then unknown */
		if (*out == CAIRN_PEP508_FALSE || v == CAIRN_PEP508_FALSE)
			*out = CAIRN_PEP508_FALSE;
		else if (*out == CAIRN_PEP508_UNKNOWN || v == CAIRN_PEP508_UNKNOWN)
			*out = CAIRN_PEP508_UNKNOWN;
	}
}

static int parse_or(parser *ps, int *out)
{
	int v;

	if (parse_and(ps, out) < 0)
		return ps->rc;
	for (;;) {
		skip_ws(ps);
		if (!keyword(ps, "or"))
			return 0;
		if (parse_and(ps, &v) < 0)
			return ps->rc;
		/* Kleene: true wins, then unknown */
		if (*out == CAIRN_PEP508_TRUE || v == CAIRN_PEP508_TRUE)
			*out = CAIRN_PEP508_TRUE;
		else if (*out == CAIRN_PEP508_UNKNOWN || v == CAIRN_PEP508_UNKNOWN)
			*out = CAIRN_PEP508_UNKNOWN;
	}
}

int cairn_pep508_eval(int *out, const char *marker, const cairn_pep508_env *env, cairn_buf *why,
		      const char *label)
{
	parser ps;
	cairn_buf reasons = CAIRN_BUF_INIT;
	int v = CAIRN_PEP508_UNKNOWN;

	*out = CAIRN_PEP508_UNKNOWN;
	memset(&ps, 0, sizeof(ps));
	ps.s = marker;
	ps.len = strnlen(marker, CAIRN_PEP508_MAX_LEN + 1);
	ps.env = env;
	ps.why = &reasons;
	ps.label = label ? label : "marker";
	if (ps.len > CAIRN_PEP508_MAX_LEN)
		return cairn_error_set(CAIRN_ELIMIT, "%s: marker longer than %u bytes", ps.label,
				       CAIRN_PEP508_MAX_LEN);
	if (parse_or(&ps, &v) == 0) {
		skip_ws(&ps);
		if (ps.pos < ps.len)
			fail(&ps, CAIRN_EFORMAT, ps.s[ps.pos] == ')' ? "unbalanced ')'" :
			     "expected 'and', 'or' or the end");
	}
	if (ps.rc) {
		cairn_buf_release(&reasons);
		return ps.rc;
	}
	*out = v;
	if (v == CAIRN_PEP508_UNKNOWN && why && reasons.len)
		cairn_buf_addstr(why, reasons.data);
	cairn_buf_release(&reasons);
	return 0;
}

void cairn_pep508_env_host(cairn_pep508_env *env, char *machine, size_t machine_size)
{
	struct utsname u;

	if (uname(&u) < 0 || strcmp(u.sysname, "Linux"))
		return;
	env->v[CAIRN_PEP508_OS_NAME] = "posix";
	env->v[CAIRN_PEP508_SYS_PLATFORM] = "linux";
	env->v[CAIRN_PEP508_PLATFORM_SYSTEM] = "Linux";
	if (machine && machine_size > strlen(u.machine)) {
		memcpy(machine, u.machine, strlen(u.machine) + 1);
		env->v[CAIRN_PEP508_PLATFORM_MACHINE] = machine;
	}
}
