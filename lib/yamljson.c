/*
 * yamljson.c - strict YAML to jansson (see yamljson.h).
 *
 * libyaml's event API (yaml_parser_parse) is used instead of its document
 * loader: the loader resolves aliases into shared nodes and has no depth
 * limit, the event stream lets us refuse aliases and stop at a depth before
 * building anything (YAML 1.1 §3.2.2 events; libyaml 0.2.5).
 */
#include "yamljson.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct frame {
	json_t *node;       /* object or array being filled */
	char *key;          /* object: key waiting for its value */
	size_t key_len;
} frame;

static int plain_special(const yaml_event_t *ev, json_t **out)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	if ((n == 4 && !memcmp(v, "true", 4)) || (n == 4 && !memcmp(v, "True", 4)))
		*out = json_true();
	else if ((n == 5 && !memcmp(v, "false", 5)) || (n == 5 && !memcmp(v, "False", 5)))
		*out = json_false();
	else if (n == 0 || (n == 1 && v[0] == '~') || (n == 4 && !memcmp(v, "null", 4)))
		*out = json_null();
	else
		return 0;
	return 1;
}

int cairn_yaml_to_json(json_t **out, const char *data, size_t len, const char *label)
{
	yaml_parser_t p;
	yaml_event_t ev;
	frame stack[CAIRN_YAML_MAX_DEPTH + 1];
	size_t depth = 0, nodes = 0, i;
	json_t *root = NULL;
	int rc = 0, docs = 0, done = 0;

	*out = NULL;
	if (!yaml_parser_initialize(&p))
		return cairn_error_set(CAIRN_EEXTERNAL, "%s: libyaml: out of memory", label);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (!done) {
		json_t *value = NULL;
		int line, col;

		if (!yaml_parser_parse(&p, &ev)) {
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %lu column %lu: %s", label,
					     (unsigned long)p.problem_mark.line + 1,
					     (unsigned long)p.problem_mark.column + 1,
					     p.problem ? p.problem : "YAML error");
			break;
		}
		line = (int)ev.start_mark.line + 1;
		col = (int)ev.start_mark.column + 1;
		if (++nodes > CAIRN_YAML_MAX_NODES) {
			rc = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u YAML events", label,
					     CAIRN_YAML_MAX_NODES);
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d: more than one YAML document",
						     label, line);
			break;
		case YAML_ALIAS_EVENT:
			rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d column %d: YAML alias refused "
					     "(a lockfile has none)", label, line, col);
			break;
		case YAML_SCALAR_EVENT:
			if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length)) {
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d column %d: NUL byte in a scalar",
						     label, line, col);
				break;
			}
			if (depth && json_is_object(stack[depth - 1].node) && !stack[depth - 1].key) {
				stack[depth - 1].key = cairn_strndup((const char *)ev.data.scalar.value,
								     ev.data.scalar.length);
				stack[depth - 1].key_len = ev.data.scalar.length;
				if (json_object_get(stack[depth - 1].node, stack[depth - 1].key))
					rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d column %d: duplicate key",
							     label, line, col);
				break;
			}
			if (!plain_special(&ev, &value) &&
			    !(value = json_stringn((const char *)ev.data.scalar.value,
						   ev.data.scalar.length)))
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d column %d: scalar is not "
						     "valid UTF-8", label, line, col);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth && json_is_object(stack[depth - 1].node) && !stack[depth - 1].key) {
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d column %d: a mapping key "
						     "that is not a scalar", label, line, col);
				break;
			}
			if (depth == CAIRN_YAML_MAX_DEPTH) {
				rc = cairn_error_set(CAIRN_ELIMIT, "%s: line %d: nested deeper than %d",
						     label, line, CAIRN_YAML_MAX_DEPTH);
				break;
			}
			stack[depth].node = ev.type == YAML_MAPPING_START_EVENT ? json_object() : json_array();
			stack[depth].key = NULL;
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			/* libyaml pairs start and end events */
			value = stack[--depth].node;
			free(stack[depth].key);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc < 0) {
			json_decref(value);
			break;
		}
		if (!value)
			continue;
		if (!depth) {
			if (root) {
				json_decref(value);
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: more than one root node", label);
				break;
			}
			root = value;
		} else if (json_is_object(stack[depth - 1].node)) {
			frame *f = &stack[depth - 1];

			/* non-UTF-8 keys: jansson refuses them, so do we */
			if (json_object_setn_new(f->node, f->key, f->key_len, value) < 0) {
				rc = cairn_error_set(CAIRN_EFORMAT, "%s: line %d: key is not valid UTF-8",
						     label, line);
				free(f->key);
				f->key = NULL;
				break;
			}
			free(f->key);
			f->key = NULL;
		} else {
			json_array_append_new(stack[depth - 1].node, value);
		}
	}
	for (i = 0; i < depth; i++) {
		json_decref(stack[i].node);
		free(stack[i].key);
	}
	yaml_parser_delete(&p);
	if (rc < 0) {
		json_decref(root);
		return rc;
	}
	if (!root)
		root = json_null();
	*out = root;
	return 0;
}
