/*
 * agentlog_out.c - the agent-log result as text for people and as the
 * "agent" object of cairn-capture's JSON (docs/capture-schema.json).
 * Every string from a log is attacker controlled: the text goes through
 * cairn_escape_display(), the JSON through jansson (strings the logs had
 * were valid UTF-8 JSON strings already).
 */
#include "agentlog_int.h"
#include "destscan.h"
#include "rfc3339.h"

#include <stdlib.h>
#include <string.h>

static const char *const item_kinds[] = { "tool", "prompt", "resource", "instructions" };

static void fmt_ms(char *out, size_t len, int64_t ns)
{
	char t[48];

	if (ns < 0) {
		snprintf(out, len, "-");
		return;
	}
	cairn_rfc3339_format(t, sizeof(t), ns / 1000000000LL, (long)(ns % 1000000000LL));
	/* "...:SS.mmmZ": milliseconds are what the logs carry */
	t[23] = 'Z';
	t[24] = '\0';
	snprintf(out, len, "%s", t);
}

static json_t *jtime(int64_t ns)
{
	char t[48];

	if (ns < 0)
		return json_null();
	cairn_rfc3339_format(t, sizeof(t), ns / 1000000000LL, (long)(ns % 1000000000LL));
	return json_string(t);
}

static json_t *jstr(const char *s)
{
	json_t *j;
	cairn_buf e = CAIRN_BUF_INIT;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	cairn_escape_bytes(&e, s, strlen(s));
	j = json_string(e.data ? e.data : "");
	cairn_buf_release(&e);
	return j;
}

static json_t *juint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static const char *dir_name(int d)
{
	return d == CAIRN_AGENTLOG_ARGS ? "arguments" : "result";
}

static const char *dest_kind(int k)
{
	return k == CAIRN_DEST_EMAIL ? "email-domain" : k == CAIRN_DEST_ADDR ? "address" : "name";
}

static json_t *jversion(const struct cairn_agentlog_version *v)
{
	json_t *o = json_object(), *hits = json_array();
	size_t i;

	json_object_set_new(o, "description_sha256", jstr(v->description_sha256));
	json_object_set_new(o, "input_schema_sha256", jstr(v->schema_sha256));
	json_object_set_new(o, "description_length", juint(v->description_length));
	json_object_set_new(o, "description", jstr(v->description));
	json_object_set_new(o, "first_seen", jtime(v->first_ns));
	json_object_set_new(o, "last_seen", jtime(v->last_ns));
	json_object_set_new(o, "listed", juint(v->listed));
	for (i = 0; i < v->hit_count; i++) {
		json_t *h = json_object();

		json_object_set_new(h, "rule", jstr(v->hits[i].rule));
		json_object_set_new(h, "where", jstr(v->hits[i].where));
		json_object_set_new(h, "offset", juint(v->hits[i].offset));
		json_object_set_new(h, "excerpt", jstr(v->hits[i].excerpt));
		json_array_append_new(hits, h);
	}
	json_object_set_new(o, "suspicious", hits);
	return o;
}

static json_t *jitem(const struct cairn_agentlog_item *it)
{
	json_t *o = json_object(), *vs = json_array();
	size_t i;

	json_object_set_new(o, "name", jstr(it->name));
	if (it->kind == CAIRN_AGENTLOG_TOOL) {
		json_object_set_new(o, "calls", juint(it->calls));
		json_object_set_new(o, "errors", juint(it->errors));
		json_object_set_new(o, "untimed_calls", juint(it->untimed_calls));
		json_object_set_new(o, "first_call", jtime(it->first_call_ns));
		json_object_set_new(o, "last_call", jtime(it->last_call_ns));
		json_object_set_new(o, "new", json_boolean(it->is_new));
		json_object_set_new(o, "expected", it->expected < 0 ? json_null() :
				    json_boolean(it->expected));
	}
	for (i = 0; i < it->version_count; i++)
		json_array_append_new(vs, jversion(&it->versions[i]));
	json_object_set_new(o, "versions", vs);
	json_object_set_new(o, "versions_dropped", juint(it->versions_dropped));
	return o;
}

json_t *cairn_agentlog_to_json(const cairn_agentlog_result *r)
{
	json_t *o = json_object(), *a, *st;
	size_t i, j, k, h;

	json_object_set_new(o, "window_seconds", json_integer((json_int_t)(r->window_ns / 1000000000LL)));
	json_object_set_new(o, "hmac_key", json_boolean(r->hmac_key));
	json_object_set_new(o, "snapshot_secrets", json_integer(r->watch_count));
	if (r->snapshot_given) {
		json_t *sm = json_object();

		json_object_set_new(sm, "secrets", json_integer(r->watch_count));
		json_object_set_new(sm, "refused", jstr(r->snapshot_refused));
		json_object_set_new(o, "snapshot_match", sm);
	} else {
		json_object_set_new(o, "snapshot_match", json_null());
	}
	json_object_set_new(o, "expect_applied", json_boolean(r->expect_applied));
	json_object_set_new(o, "allowlist_applied", json_boolean(r->allow_applied));
	st = json_object();
	json_object_set_new(st, "files", juint(r->stats.files));
	json_object_set_new(st, "lines", juint(r->stats.lines));
	json_object_set_new(st, "messages", juint(r->stats.messages));
	json_object_set_new(st, "malformed", juint(r->stats.malformed));
	json_object_set_new(st, "oversized", juint(r->stats.oversized));
	json_object_set_new(st, "calls", juint(r->stats.calls));
	json_object_set_new(st, "untimed_calls", juint(r->stats.untimed_calls));
	json_object_set_new(st, "results", juint(r->stats.results));
	json_object_set_new(st, "unpaired_results", juint(r->stats.unpaired_results));
	json_object_set_new(st, "builtin_calls", juint(r->stats.builtin_calls));
	json_object_set_new(st, "unbodied", juint(r->stats.unbodied));
	json_object_set_new(st, "dropped", juint(r->stats.dropped));
	json_object_set_new(st, "first_seen", jtime(r->stats.first_ns));
	json_object_set_new(st, "last_seen", jtime(r->stats.last_ns));
	json_object_set_new(o, "stats", st);

	a = json_array();
	for (i = 0; i < r->file_count; i++) {
		const struct cairn_agentlog_file *f = &r->files[i];
		json_t *x = json_object();

		json_object_set_new(x, "file", jstr(f->path));
		json_object_set_new(x, "kind", json_string(cairn_agentlog_kind_name(f->kind)));
		json_object_set_new(x, "lines", juint(f->lines));
		json_object_set_new(x, "messages", juint(f->messages));
		json_object_set_new(x, "malformed", juint(f->malformed));
		json_object_set_new(x, "oversized", juint(f->oversized));
		json_object_set_new(x, "other_lines", juint(f->other_lines));
		json_object_set_new(x, "unbodied", juint(f->unbodied));
		json_object_set_new(x, "duplicates", juint(f->duplicates));
		json_object_set_new(x, "untimed", juint(f->untimed));
		json_object_set_new(x, "cut_last_line", json_boolean(f->cut_last_line));
		json_object_set_new(x, "first_seen", jtime(f->first_ns));
		json_object_set_new(x, "last_seen", jtime(f->last_ns));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "files", a);

	a = json_array();
	for (i = 0; i < r->server_count; i++) {
		const struct cairn_agentlog_server *s = &r->servers[i];
		json_t *x = json_object(), *kinds = json_array(), *lists[4];

		json_object_set_new(x, "server", jstr(s->name));
		if (s->info_name || s->info_version) {
			json_t *info = json_object();

			json_object_set_new(info, "name", jstr(s->info_name));
			json_object_set_new(info, "version", jstr(s->info_version));
			json_object_set_new(x, "server_info", info);
		} else {
			json_object_set_new(x, "server_info", json_null());
		}
		for (k = 0; k < s->kind_count; k++)
			json_array_append_new(kinds, jstr(s->kinds[k]));
		json_object_set_new(x, "log_kinds", kinds);
		json_object_set_new(x, "listings", juint(s->listings));
		json_object_set_new(x, "unnamed_calls", juint(s->unnamed_calls));
		for (k = 0; k < 4; k++)
			lists[k] = json_array();
		for (j = 0; j < s->item_count; j++)
			json_array_append_new(lists[s->items[j].kind & 3], jitem(&s->items[j]));
		json_object_set_new(x, "tools", lists[CAIRN_AGENTLOG_TOOL]);
		json_object_set_new(x, "prompts", lists[CAIRN_AGENTLOG_PROMPT]);
		json_object_set_new(x, "resources", lists[CAIRN_AGENTLOG_RESOURCE]);
		json_object_set_new(x, "instructions", lists[CAIRN_AGENTLOG_INSTRUCTIONS]);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "servers", a);

	a = json_array();
	for (i = 0; i < r->change_count; i++) {
		const struct cairn_agentlog_change *c = &r->changes[i];
		json_t *x = json_object();

		json_object_set_new(x, "time", jtime(c->time_ns));
		json_object_set_new(x, "server", jstr(c->server));
		json_object_set_new(x, "kind", json_string(item_kinds[c->kind & 3]));
		json_object_set_new(x, "name", jstr(c->item));
		json_object_set_new(x, "old_description_sha256", jstr(c->old_description_sha256));
		json_object_set_new(x, "new_description_sha256", jstr(c->new_description_sha256));
		json_object_set_new(x, "old_input_schema_sha256", jstr(c->old_schema_sha256));
		json_object_set_new(x, "new_input_schema_sha256", jstr(c->new_schema_sha256));
		json_object_set_new(x, "description_diff", jstr(c->diff));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "manifest_changes", a);

	/* the hits again, flat, for readers that want the list */
	a = json_array();
	for (i = 0; i < r->server_count; i++)
		for (j = 0; j < r->servers[i].item_count; j++) {
			const struct cairn_agentlog_item *it = &r->servers[i].items[j];

			for (k = 0; k < it->version_count; k++)
				for (h = 0; h < it->versions[k].hit_count; h++) {
					const struct cairn_agentlog_version *v = &it->versions[k];
					json_t *x = json_object();

					json_object_set_new(x, "server", jstr(r->servers[i].name));
					json_object_set_new(x, "kind", json_string(item_kinds[it->kind & 3]));
					json_object_set_new(x, "name", jstr(it->name));
					json_object_set_new(x, "description_sha256", jstr(v->description_sha256));
					json_object_set_new(x, "first_seen", jtime(v->first_ns));
					json_object_set_new(x, "rule", jstr(v->hits[h].rule));
					json_object_set_new(x, "where", jstr(v->hits[h].where));
					json_object_set_new(x, "offset", juint(v->hits[h].offset));
					json_object_set_new(x, "excerpt", jstr(v->hits[h].excerpt));
					json_array_append_new(a, x);
				}
		}
	json_object_set_new(o, "suspicious", a);

	a = json_array();
	for (i = 0; i < r->window_count; i++) {
		const struct cairn_agentlog_window *w = &r->windows[i];
		json_t *x = json_object();

		json_object_set_new(x, "window_start", jtime(w->window_ns));
		json_object_set_new(x, "server", jstr(w->server));
		json_object_set_new(x, "tool", jstr(w->tool));
		json_object_set_new(x, "calls", juint(w->calls));
		json_object_set_new(x, "errors", juint(w->errors));
		json_object_set_new(x, "first_seen", jtime(w->first_ns));
		json_object_set_new(x, "last_seen", jtime(w->last_ns));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "windows", a);

	a = json_array();
	for (i = 0; i < r->secret_count; i++) {
		const struct cairn_agentlog_secret *s = &r->secrets[i];
		json_t *x = json_object(), *rules = json_array();

		json_object_set_new(x, "server", jstr(s->server));
		json_object_set_new(x, "tool", jstr(s->tool));
		json_object_set_new(x, "direction", json_string(dir_name(s->direction)));
		json_object_set_new(x, "where", jstr(s->where));
		json_object_set_new(x, "name", jstr(s->name));
		for (k = 0; k < s->rule_count; k++)
			json_array_append_new(rules, jstr(s->rules[k]));
		json_object_set_new(x, "rules", rules);
		json_object_set_new(x, "length", juint(s->length));
		json_object_set_new(x, "hmac_sha256", jstr(s->hmac_sha256));
		json_object_set_new(x, "count", juint(s->count));
		json_object_set_new(x, "first_seen", jtime(s->first_ns));
		json_object_set_new(x, "last_seen", jtime(s->last_ns));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "secrets", a);

	a = json_array();
	for (i = 0; i < r->host_count; i++) {
		const struct cairn_agentlog_host *hs = &r->hosts[i];
		json_t *x = json_object();

		json_object_set_new(x, "host", jstr(hs->host));
		json_object_set_new(x, "kind", json_string(dest_kind(hs->kind)));
		json_object_set_new(x, "server", jstr(hs->server));
		json_object_set_new(x, "tool", jstr(hs->tool));
		json_object_set_new(x, "direction", json_string(dir_name(hs->direction)));
		json_object_set_new(x, "count", juint(hs->count));
		json_object_set_new(x, "first_seen", jtime(hs->first_ns));
		json_object_set_new(x, "last_seen", jtime(hs->last_ns));
		json_object_set_new(x, "allowed", hs->allowed < 0 ? json_null() : json_boolean(hs->allowed));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "hosts", a);

	a = json_array();
	for (i = 0; i < r->warning_count; i++)
		json_array_append_new(a, jstr(r->warnings[i]));
	json_object_set_new(o, "warnings", a);
	return o;
}

/* ------------------------------------------------------------ text */

static void esc(cairn_buf *out, const char *s)
{
	if (!s) {
		cairn_buf_addch(out, '-');
		return;
	}
	cairn_escape_display(out, s, strlen(s));
}

static void tool_label(cairn_buf *out, const char *server, const char *tool)
{
	esc(out, server);
	cairn_buf_addch(out, '/');
	esc(out, tool ? tool : "?");
}

void cairn_agentlog_write_text(cairn_buf *out, const cairn_agentlog_result *r)
{
	char t1[48], t2[48];
	size_t i, j, k, h, n;

	cairn_buf_addf(out, "agent logs: %llu file%s, %llu messages, %llu tool calls",
		       (unsigned long long)r->stats.files, r->stats.files == 1 ? "" : "s",
		       (unsigned long long)r->stats.messages, (unsigned long long)r->stats.calls);
	if (r->stats.first_ns >= 0) {
		fmt_ms(t1, sizeof(t1), r->stats.first_ns);
		fmt_ms(t2, sizeof(t2), r->stats.last_ns);
		cairn_buf_addf(out, ", %s .. %s", t1, t2);
	}
	cairn_buf_addch(out, '\n');
	for (i = 0; i < r->file_count; i++) {
		const struct cairn_agentlog_file *f = &r->files[i];

		cairn_buf_addf(out, "  %-14s ", cairn_agentlog_kind_name(f->kind));
		esc(out, f->path);
		cairn_buf_addf(out, ": %llu lines, %llu messages", (unsigned long long)f->lines,
			       (unsigned long long)f->messages);
		if (f->malformed)
			cairn_buf_addf(out, ", %llu malformed", (unsigned long long)f->malformed);
		if (f->oversized)
			cairn_buf_addf(out, ", %llu over the line limit", (unsigned long long)f->oversized);
		if (f->duplicates)
			cairn_buf_addf(out, ", %llu duplicates of per-server logs",
				       (unsigned long long)f->duplicates);
		if (f->unbodied)
			cairn_buf_addf(out, ", %llu logged without content", (unsigned long long)f->unbodied);
		if (f->untimed)
			cairn_buf_addf(out, ", %llu without time", (unsigned long long)f->untimed);
		if (f->cut_last_line)
			cairn_buf_addstr(out, ", last line cut");
		cairn_buf_addch(out, '\n');
	}
	if (r->stats.builtin_calls)
		cairn_buf_addf(out, "  (%llu calls of the client's built-in tools not counted)\n",
			       (unsigned long long)r->stats.builtin_calls);
	if (r->stats.dropped)
		cairn_buf_addf(out, "  (%llu entries left out: a table reached its cap)\n",
			       (unsigned long long)r->stats.dropped);

	cairn_buf_addstr(out, "\nmanifests (sha256 of description / of input schema)\n");
	n = 0;
	for (i = 0; i < r->server_count; i++) {
		const struct cairn_agentlog_server *s = &r->servers[i];

		cairn_buf_addstr(out, "  ");
		esc(out, s->name);
		if (s->info_name) {
			cairn_buf_addstr(out, " (");
			esc(out, s->info_name);
			if (s->info_version) {
				cairn_buf_addch(out, ' ');
				esc(out, s->info_version);
			}
			cairn_buf_addch(out, ')');
		}
		cairn_buf_addf(out, ": %llu tools/list result%s", (unsigned long long)s->listings,
			       s->listings == 1 ? "" : "s");
		if (s->unnamed_calls)
			cairn_buf_addf(out, ", %llu calls whose tool was not logged",
				       (unsigned long long)s->unnamed_calls);
		cairn_buf_addch(out, '\n');
		for (j = 0; j < s->item_count; j++) {
			const struct cairn_agentlog_item *it = &s->items[j];

			if (!it->version_count) {
				cairn_buf_addf(out, "    %-12s ", item_kinds[it->kind & 3]);
				esc(out, it->name);
				cairn_buf_addstr(out, "  not listed in these logs\n");
				continue;
			}
			for (k = 0; k < it->version_count; k++) {
				const struct cairn_agentlog_version *v = &it->versions[k];

				fmt_ms(t1, sizeof(t1), v->first_ns);
				fmt_ms(t2, sizeof(t2), v->last_ns);
				cairn_buf_addf(out, "    %-12s ", item_kinds[it->kind & 3]);
				esc(out, it->name);
				if (it->version_count > 1)
					cairn_buf_addf(out, " (version %zu of %zu)", k + 1, it->version_count);
				cairn_buf_addf(out, "  %s .. %s, listed %llu\n      description %s\n"
					       "      schema      %s\n", t1, t2,
					       (unsigned long long)v->listed,
					       v->description_sha256 ? v->description_sha256 : "-",
					       v->schema_sha256 ? v->schema_sha256 : "-");
				n += v->hit_count;
			}
		}
	}

	if (r->change_count) {
		cairn_buf_addstr(out, "\nmanifest changes\n");
		for (i = 0; i < r->change_count; i++) {
			const struct cairn_agentlog_change *c = &r->changes[i];

			fmt_ms(t1, sizeof(t1), c->time_ns);
			cairn_buf_addf(out, "  %s  %s ", t1, item_kinds[c->kind & 3]);
			tool_label(out, c->server, c->item);
			if (c->old_description_sha256 != c->new_description_sha256 &&
			    (!c->old_description_sha256 || !c->new_description_sha256 ||
			     strcmp(c->old_description_sha256, c->new_description_sha256)))
				cairn_buf_addf(out, "\n    description %s\n             -> %s",
					       c->old_description_sha256 ? c->old_description_sha256 : "(none)",
					       c->new_description_sha256 ? c->new_description_sha256 : "(none)");
			if (c->old_schema_sha256 != c->new_schema_sha256 &&
			    (!c->old_schema_sha256 || !c->new_schema_sha256 ||
			     strcmp(c->old_schema_sha256, c->new_schema_sha256)))
				cairn_buf_addf(out, "\n    schema      %s\n             -> %s",
					       c->old_schema_sha256 ? c->old_schema_sha256 : "(none)",
					       c->new_schema_sha256 ? c->new_schema_sha256 : "(none)");
			if (c->diff) {
				cairn_buf_addstr(out, "\n    ");
				esc(out, c->diff);
			}
			cairn_buf_addch(out, '\n');
		}
	}

	if (n) {
		cairn_buf_addstr(out, "\nsuspicious descriptions\n");
		for (i = 0; i < r->server_count; i++)
			for (j = 0; j < r->servers[i].item_count; j++) {
				const struct cairn_agentlog_item *it = &r->servers[i].items[j];

				for (k = 0; k < it->version_count; k++)
					for (h = 0; h < it->versions[k].hit_count; h++) {
						const struct cairn_agentlog_hit *x = &it->versions[k].hits[h];

						cairn_buf_addf(out, "  %s ", item_kinds[it->kind & 3]);
						tool_label(out, r->servers[i].name, it->name);
						if (it->version_count > 1)
							cairn_buf_addf(out, " (version %zu)", k + 1);
						cairn_buf_addf(out, ": %s in ", x->rule);
						esc(out, x->where);
						cairn_buf_addf(out, " at %zu: \"", x->offset);
						esc(out, x->excerpt);
						cairn_buf_addstr(out, "\"\n");
					}
			}
	}

	cairn_buf_addf(out, "\ntool calls per window (%llds)\n", (long long)(r->window_ns / 1000000000LL));
	if (!r->window_count)
		cairn_buf_addstr(out, "  none with a time\n");
	for (i = 0; i < r->window_count; i++) {
		const struct cairn_agentlog_window *w = &r->windows[i];

		cairn_rfc3339_format(t1, sizeof(t1), w->window_ns / 1000000000LL, -1);
		cairn_buf_addf(out, "  %s  ", t1);
		tool_label(out, w->server, w->tool);
		fmt_ms(t1, sizeof(t1), w->first_ns);
		fmt_ms(t2, sizeof(t2), w->last_ns);
		cairn_buf_addf(out, "  %llu call%s", (unsigned long long)w->calls, w->calls == 1 ? "" : "s");
		if (w->errors)
			cairn_buf_addf(out, ", %llu error%s", (unsigned long long)w->errors,
				       w->errors == 1 ? "" : "s");
		cairn_buf_addf(out, "  %s .. %s\n", t1, t2);
	}
	if (r->stats.untimed_calls)
		cairn_buf_addf(out, "  %llu calls without a time (not in any window)\n",
			       (unsigned long long)r->stats.untimed_calls);
	for (i = 0, n = 0; i < r->server_count; i++)
		for (j = 0; j < r->servers[i].item_count; j++) {
			const struct cairn_agentlog_item *it = &r->servers[i].items[j];

			if (r->expect_applied ? it->expected != 0 : !it->is_new)
				continue;
			if (!n++)
				cairn_buf_addstr(out, r->expect_applied ?
						 "\ncalls outside --expect-tools\n" :
						 "\nnew tools (first called after the first window)\n");
			fmt_ms(t1, sizeof(t1), it->first_call_ns);
			cairn_buf_addstr(out, "  ");
			tool_label(out, r->servers[i].name, it->name);
			cairn_buf_addf(out, "  %llu call%s, first %s%s\n", (unsigned long long)it->calls,
				       it->calls == 1 ? "" : "s", t1,
				       r->expect_applied ? "  NOT EXPECTED" : "");
		}

	if (r->secret_count) {
		cairn_buf_addf(out, "\nsecrets in tool traffic (never shown: length and %s)\n",
			       r->hmac_key ? "HMAC-SHA256 under the env key" : "no env key, no HMAC");
		for (i = 0; i < r->secret_count; i++) {
			const struct cairn_agentlog_secret *s = &r->secrets[i];

			fmt_ms(t1, sizeof(t1), s->first_ns);
			cairn_buf_addf(out, "  %s  ", t1);
			tool_label(out, s->server, s->tool);
			cairn_buf_addch(out, ' ');
			esc(out, s->where);
			cairn_buf_addstr(out, "  ");
			if (s->name) {
				esc(out, s->name);
				cairn_buf_addstr(out, ": ");
			}
			for (k = 0; k < s->rule_count; k++) {
				if (k)
					cairn_buf_addstr(out, ", ");
				esc(out, s->rules[k]);
			}
			cairn_buf_addf(out, "  length %zu", s->length);
			if (s->hmac_sha256)
				cairn_buf_addf(out, "  hmac %s", s->hmac_sha256);
			if (s->count > 1)
				cairn_buf_addf(out, "  (%llu times)", (unsigned long long)s->count);
			cairn_buf_addch(out, '\n');
		}
	}
	if (r->host_count) {
		cairn_buf_addstr(out, "\nhosts in tool traffic\n");
		for (i = 0; i < r->host_count; i++) {
			const struct cairn_agentlog_host *hs = &r->hosts[i];

			fmt_ms(t1, sizeof(t1), hs->first_ns);
			cairn_buf_addstr(out, "  ");
			esc(out, hs->host);
			cairn_buf_addf(out, "%s  ", hs->kind == CAIRN_DEST_EMAIL ? " (e-mail)" : "");
			tool_label(out, hs->server, hs->tool);
			cairn_buf_addf(out, " %s  first %s", dir_name(hs->direction), t1);
			if (hs->count > 1)
				cairn_buf_addf(out, ", %llu times", (unsigned long long)hs->count);
			if (hs->allowed == 0)
				cairn_buf_addstr(out, hs->direction == CAIRN_AGENTLOG_ARGS ?
						 "  NOT ALLOWED" : "  not on the allowlist");
			else if (hs->allowed == 1)
				cairn_buf_addstr(out, "  allowed");
			cairn_buf_addch(out, '\n');
		}
	}
}
