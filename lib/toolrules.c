/*
 * toolrules.c - suspicious-description rules (toolrules.h).
 *
 * The text is cut into words (runs of ASCII letters, digits, '_', '-',
 * '\'') and sentences (ended by '.', '!', '?', ':', ';' followed by a
 * space, or a line break); the word rules look for their words in order
 * inside one sentence, a few words apart.  The byte rules (tags, paths,
 * invisible characters, base64) look at the bytes.  Everything is linear
 * in the text, bounded by CAIRN_TOOLRULES_MAX_TEXT.
 */
#include "toolrules.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cairn.h"

static const struct cairn_toolrule table[] = {
	{ "instruction-tag",
	  "Markup that frames text as instructions to the model: <IMPORTANT>, <system>, "
	  "<instructions>, <critical>, <admin>, <hidden>, <secret>, <sudo>, <override>, "
	  "[INST], <<SYS>>, <|im_start|> (opening or closing, any case)." },
	{ "conceal-from-user",
	  "Asks to keep something from the user: a negation (not, don't, never, without, "
	  "avoid) followed in the same sentence by tell, mention, inform, reveal, show, "
	  "notify, disclose, alert, warn or display and then user, human or operator." },
	{ "tool-reference",
	  "Gives orders about other tools' behaviour: \"when X is called/used/invoked/"
	  "executed/run\", \"instead of calling/using X\", \"before/after calling/using "
	  "X\"." },
	{ "secret-path",
	  "Names a place where credentials live: ~/.ssh, id_rsa, id_ed25519, id_ecdsa, "
	  ".aws/credentials, a .env file, .npmrc, .netrc, .pypirc, .git-credentials, "
	  ".docker/config.json, .kube/config, .gnupg, /etc/shadow, "
	  "claude_desktop_config.json, mcp.json." },
	{ "exfil-parameter",
	  "Asks to put file contents or credentials into a parameter: pass/send/include/"
	  "provide/put/add/append/attach/copy/insert/embed, then content(s), file, key(s), "
	  "token(s), password(s), secret(s), credential(s), conversation or history, then "
	  "parameter/param/argument/field or as 'name', in one sentence." },
	{ "prompt-override",
	  "Tries to replace the model's instructions: ignore/disregard/forget/override "
	  "followed by previous/prior/above/earlier/all/system and instructions/prompt/"
	  "rules, or \"system prompt\"." },
	{ "invisible-characters",
	  "Characters a reader does not see but a model reads: zero-width (U+200B-U+200F, "
	  "U+2060-U+2064, U+FEFF), bidi controls (U+202A-U+202E, U+2066-U+2069), Unicode "
	  "tags (U+E0000-U+E007F), and control characters other than tab and line breaks "
	  "(ANSI escapes)." },
	{ "base64-run",
	  "A run of 64 or more base64 characters with upper case, lower case and digits "
	  "(an encoded payload the reader cannot read)." },
};

enum {
	R_TAG, R_CONCEAL, R_TOOLREF, R_PATH, R_EXFIL, R_OVERRIDE, R_INVISIBLE, R_BASE64, R__N
};

#define MAX_HITS_PER_RULE 8
#define WORD_MAX 24
#define MAX_WORDS 65536

const struct cairn_toolrule *cairn_toolrules_table(size_t *count)
{
	*count = R__N;
	return table;
}

struct scan {
	const char *text;
	size_t n;
	cairn_toolrule_hit_fn *fn;
	void *ctx;
	unsigned hits[R__N];
	size_t total;
};

static void hit(struct scan *s, int rule, size_t off, size_t len)
{
	if (s->hits[rule] >= MAX_HITS_PER_RULE)
		return;
	s->hits[rule]++;
	s->total++;
	if (s->fn)
		s->fn(s->ctx, table[rule].id, off, len);
}

/* ------------------------------------------------------------ words */

struct word {
	size_t off, len;
	char lc[WORD_MAX + 1];  /* lowercase, cut at WORD_MAX */
	uint32_t sentence;
};

static int word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '\'';
}

static size_t words_of(struct word **out, const char *t, size_t n)
{
	struct word *v = NULL;
	size_t count = 0, cap = 0, i = 0, k;
	uint32_t sentence = 0;

	while (i < n && count < MAX_WORDS) {
		unsigned char c = (unsigned char)t[i];

		if (c == '\n' || c == '\r' ||
		    ((c == '.' || c == '!' || c == '?' || c == ':' || c == ';') &&
		     (i + 1 == n || t[i + 1] == ' ' || t[i + 1] == '\n'))) {
			sentence++;
			i++;
			continue;
		}
		if (!word_char(c) || c == '\'' || c == '-') {
			i++;
			continue;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 128;
			v = cairn_realloc(v, cap * sizeof(*v));
		}
		v[count].off = i;
		while (i < n && word_char((unsigned char)t[i]))
			i++;
		v[count].len = i - v[count].off;
		for (k = 0; k < v[count].len && k < WORD_MAX; k++)
			v[count].lc[k] = (char)tolower((unsigned char)t[v[count].off + k]);
		/* "user's" reads as "user" */
		if (k >= 2 && v[count].lc[k - 2] == '\'' && v[count].lc[k - 1] == 's')
			k -= 2;
		while (k && v[count].lc[k - 1] == '\'')
			k--;
		v[count].lc[k] = '\0';
		v[count].sentence = sentence;
		count++;
	}
	*out = v;
	return count;
}

static int in(const char *w, const char *const *list)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (!strcmp(w, list[i]))
			return 1;
	return 0;
}

/* Find list a, then within `gap` words list b, then within `gap` words
 * list c (c may be NULL), all in one sentence; report from a to the
 * last. */
static void seq3(struct scan *s, int rule, const struct word *w, size_t nw,
		 const char *const *a, const char *const *b, const char *const *c, size_t gap)
{
	size_t i, j, k;

	for (i = 0; i < nw; i++) {
		if (!in(w[i].lc, a))
			continue;
		for (j = i + 1; j < nw && j <= i + gap && w[j].sentence == w[i].sentence; j++) {
			if (!in(w[j].lc, b))
				continue;
			if (!c) {
				hit(s, rule, w[i].off, w[j].off + w[j].len - w[i].off);
				i = j;
				goto next;
			}
			for (k = j + 1; k < nw && k <= j + gap && w[k].sentence == w[i].sentence; k++) {
				if (in(w[k].lc, c)) {
					hit(s, rule, w[i].off, w[k].off + w[k].len - w[i].off);
					i = k;
					goto next;
				}
			}
		}
next:;
	}
}

static void word_rules(struct scan *s, const struct word *w, size_t nw)
{
	static const char *const neg[] = { "not", "don't", "dont", "never", "without", "avoid",
		"no", "nor", "mustn't", "shouldn't", NULL };
	static const char *const tell[] = { "tell", "telling", "mention", "mentioning", "inform",
		"informing", "reveal", "revealing", "show", "showing", "notify", "notifying",
		"disclose", "disclosing", "alert", "alerting", "warn", "warning", "display",
		"displaying", NULL };
	static const char *const user[] = { "user", "users", "human", "operator", NULL };
	static const char *const when[] = { "when", "whenever", "if", "once", NULL };
	static const char *const is[] = { "is", "gets", "get", "are", NULL };
	static const char *const called[] = { "called", "used", "invoked", "executed", "run",
		"triggered", NULL };
	static const char *const instead[] = { "instead", "rather", "before", "after", NULL };
	static const char *const calling[] = { "calling", "using", "invoking", "running",
		"executing", NULL };
	static const char *const pass[] = { "pass", "send", "include", "provide", "put", "add",
		"append", "attach", "copy", "insert", "embed", "forward", "supply", NULL };
	static const char *const content[] = { "content", "contents", "file", "key", "keys",
		"token", "tokens", "password", "passwords", "secret", "secrets", "credential",
		"credentials", "conversation", "history", "id_rsa", NULL };
	static const char *const param[] = { "parameter", "parameters", "param", "params",
		"argument", "arguments", "arg", "args", "field", NULL };
	static const char *const ignore[] = { "ignore", "disregard", "forget", "override", NULL };
	static const char *const previous[] = { "previous", "prior", "above", "earlier", "all",
		"system", "your", NULL };
	static const char *const instructions[] = { "instructions", "instruction", "prompt",
		"prompts", "rules", NULL };
	static const char *const sys[] = { "system", NULL };
	static const char *const prompt[] = { "prompt", NULL };
	size_t i, j;

	seq3(s, R_CONCEAL, w, nw, neg, tell, user, 6);
	/* "when send_email is called": any word between "when" and "is" */
	for (i = 0; i + 3 < nw; i++) {
		if (!in(w[i].lc, when))
			continue;
		for (j = i + 2; j < nw && j <= i + 4 && w[j].sentence == w[i].sentence; j++) {
			if (in(w[j].lc, is) && j + 1 < nw && w[j + 1].sentence == w[i].sentence &&
			    in(w[j + 1].lc, called)) {
				hit(s, R_TOOLREF, w[i].off, w[j + 1].off + w[j + 1].len - w[i].off);
				i = j + 1;
				break;
			}
		}
	}
	for (i = 0; i + 2 < nw; i++) {
		size_t k = i + 1;

		if (!in(w[i].lc, instead))
			continue;
		/* "instead of calling X", "rather than using X", "before using X" */
		if (k < nw && (!strcmp(w[k].lc, "of") || !strcmp(w[k].lc, "than")))
			k++;
		if (k + 1 < nw && in(w[k].lc, calling) && w[k + 1].sentence == w[i].sentence &&
		    (strchr(w[k + 1].lc, '_') || strchr(w[k + 1].lc, '-') ||
		     !strcmp(w[k + 1].lc, "any") || !strcmp(w[k + 1].lc, "other") ||
		     !strcmp(w[k + 1].lc, "another"))) {
			hit(s, R_TOOLREF, w[i].off, w[k + 1].off + w[k + 1].len - w[i].off);
			i = k + 1;
		}
	}
	seq3(s, R_EXFIL, w, nw, pass, content, param, 8);
	/* "... as 'query'" / as "query": a quoted name after "as" */
	for (i = 0; i < nw; i++) {
		if (!in(w[i].lc, pass))
			continue;
		for (j = i + 1; j < nw && j <= i + 10 && w[j].sentence == w[i].sentence; j++) {
			size_t q;

			if (!in(w[j].lc, content))
				continue;
			for (q = j + 1; q + 1 < nw && q <= j + 6 && w[q].sentence == w[i].sentence; q++) {
				size_t after = w[q].off + w[q].len;

				if (!strcmp(w[q].lc, "as") && after + 1 < s->n &&
				    (s->text[after + 1] == '\'' || s->text[after + 1] == '"' ||
				     s->text[after + 1] == '`')) {
					hit(s, R_EXFIL, w[i].off, w[q + 1].off + w[q + 1].len - w[i].off);
					i = q + 1;
					goto next;
				}
			}
		}
next:;
	}
	seq3(s, R_OVERRIDE, w, nw, ignore, previous, instructions, 3);
	seq3(s, R_OVERRIDE, w, nw, sys, prompt, NULL, 1);
}

/* ------------------------------------------------------------ bytes */

static int ci_prefix(const char *t, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !strncasecmp(t, lit, l);
}

static void tag_rule(struct scan *s)
{
	static const char *const tags[] = { "important", "system", "instructions", "instruction",
		"critical", "admin", "hidden", "secret", "sudo", "override", NULL };
	static const char *const literal[] = { "[inst]", "[/inst]", "<<sys>>", "<</sys>>",
		"<|im_start|>", "<|im_end|>", "<|system|>", NULL };
	const char *t = s->text;
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		if (t[i] != '<' && t[i] != '[')
			continue;
		for (k = 0; literal[k]; k++) {
			if (ci_prefix(t + i, s->n - i, literal[k])) {
				hit(s, R_TAG, i, strlen(literal[k]));
				goto next;
			}
		}
		if (t[i] == '<') {
			size_t j = i + 1;

			if (j < s->n && t[j] == '/')
				j++;
			for (k = 0; tags[k]; k++) {
				size_t l = strlen(tags[k]);

				if (ci_prefix(t + j, s->n - j, tags[k]) && j + l < s->n &&
				    (t[j + l] == '>' || t[j + l] == ' ')) {
					const char *gt = memchr(t + j + l, '>', s->n - j - l < 64 ? s->n - j - l : 64);

					if (gt) {
						hit(s, R_TAG, i, (size_t)(gt - (t + i)) + 1);
						break;
					}
				}
			}
		}
next:;
	}
}

static int path_boundary(const char *t, size_t n, size_t i)
{
	return i >= n || !(isalnum((unsigned char)t[i]) || t[i] == '_');
}

static void path_rule(struct scan *s)
{
	/* literal fragments; the ones starting with '.' need a non-name byte
	 * before them ("my.env_var" is not ".env") */
	static const char *const frag[] = { "~/.ssh", ".ssh/", "id_rsa", "id_ed25519", "id_ecdsa",
		"id_dsa", ".aws/credentials", "~/.aws", ".env", ".npmrc", ".netrc", ".pypirc",
		".git-credentials", ".docker/config.json", ".kube/config", ".gnupg",
		"/etc/shadow", "claude_desktop_config.json", "mcp.json", NULL };
	const char *t = s->text;
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		if (t[i] != '~' && t[i] != '.' && t[i] != 'i' && t[i] != '/' && t[i] != 'c' && t[i] != 'm')
			continue;
		for (k = 0; frag[k]; k++) {
			size_t l;

			if (t[i] != frag[k][0])
				continue;
			l = strlen(frag[k]);
			if (s->n - i < l || strncmp(t + i, frag[k], l))
				continue;
			if (i > 0 && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_') &&
			    frag[k][0] != '/')
				continue;
			/* ".env" ends a name: ".env", ".env.local", not ".envelope" */
			if (!strcmp(frag[k], ".env") && !path_boundary(t, s->n, i + l))
				continue;
			if ((!strcmp(frag[k], "id_rsa") || !strcmp(frag[k], "id_dsa")) &&
			    !path_boundary(t, s->n, i + l) && t[i + l] != '.')
				continue;
			/* one hit per path: "~/.ssh/id_rsa" is one place */
			while (i + l < s->n && !isspace((unsigned char)t[i + l]) && t[i + l] != '\'' &&
			       t[i + l] != '"' && t[i + l] != ',' && t[i + l] != ')' && t[i + l] != '`')
				l++;
			while (l > 1 && (t[i + l - 1] == '.' || t[i + l - 1] == ':' || t[i + l - 1] == ';'))
				l--;
			hit(s, R_PATH, i, l);
			i += l - 1;
			break;
		}
	}
}

/* UTF-8 decode at p (valid or not); returns the sequence length (1 for a
 * bad byte, cp = 0xfffd) */
static size_t decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0 && n >= 2 && (p[1] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		return 2;
	}
	if ((p[0] & 0xf0) == 0xe0 && n >= 3 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
		return 3;
	}
	if ((p[0] & 0xf8) == 0xf0 && n >= 4 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
		      ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

static int invisible(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f ||
	       (cp >= 0x80 && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

static void byte_rules(struct scan *s)
{
	const unsigned char *p = (const unsigned char *)s->text;
	size_t i = 0, run_start = 0, run = 0, inv_start = 0, inv_len = 0;
	int up = 0, lo = 0, dig = 0;

	while (i <= s->n) {
		uint32_t cp = 0;
		size_t k = i < s->n ? decode(p + i, s->n - i, &cp) : 1;
		int b64 = i < s->n && (isalnum(p[i]) || p[i] == '+' || p[i] == '/' || p[i] == '=' ||
				       p[i] == '_' || p[i] == '-');

		if (i < s->n && invisible(cp)) {
			if (!inv_len)
				inv_start = i;
			inv_len = i + k - inv_start;
		} else if (inv_len) {
			hit(s, R_INVISIBLE, inv_start, inv_len);
			inv_len = 0;
		}
		if (b64) {
			if (!run)
				run_start = i;
			run++;
			up |= isupper(p[i]) != 0;
			lo |= islower(p[i]) != 0;
			dig |= isdigit(p[i]) != 0;
		} else {
			if (run >= 64 && up && lo && dig)
				hit(s, R_BASE64, run_start, run);
			run = 0;
			up = lo = dig = 0;
		}
		i += k;
	}
}

size_t cairn_toolrules_scan(const char *text, size_t n, cairn_toolrule_hit_fn *fn, void *ctx)
{
	struct scan s;
	struct word *w = NULL;
	size_t nw;

	memset(&s, 0, sizeof(s));
	s.text = text;
	s.n = n > CAIRN_TOOLRULES_MAX_TEXT ? CAIRN_TOOLRULES_MAX_TEXT : n;
	s.fn = fn;
	s.ctx = ctx;
	tag_rule(&s);
	nw = words_of(&w, s.text, s.n);
	word_rules(&s, w, nw);
	free(w);
	path_rule(&s);
	byte_rules(&s);
	return s.total;
}

static int name_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

int cairn_toolrules_mentions(const char *text, size_t n, const char *tool, size_t *off)
{
	size_t l = strlen(tool), i;

	if (l < 4 || n < l)
		return 0;
	if (n > CAIRN_TOOLRULES_MAX_TEXT)
		n = CAIRN_TOOLRULES_MAX_TEXT;
	for (i = 0; i + l <= n; i++) {
		const char *m = memchr(text + i, tool[0], n - l - i + 1);

		if (!m)
			return 0;
		i = (size_t)(m - text);
		if (!memcmp(m, tool, l) && (i == 0 || !name_byte((unsigned char)text[i - 1])) &&
		    (i + l == n || !name_byte((unsigned char)text[i + l]))) {
			*off = i;
			return 1;
		}
	}
	return 0;
}
