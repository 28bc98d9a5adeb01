/*
 * findings.c - the findings list: add, sort, count, JSON.
 */
#include "rules.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const sev_names[CAIRN_SEV__COUNT] = {
	"info", "low", "medium", "high", "critical"
};

const char *cairn_severity_name(int sev)
{
	if (sev < 0 || sev >= CAIRN_SEV__COUNT)
		return "unknown";
	return sev_names[sev];
}

int cairn_severity_parse(const char *name)
{
	int i;

	for (i = 0; name && i < CAIRN_SEV__COUNT; i++)
		if (!strcasecmp(name, sev_names[i]))
			return i;
	return -1;
}

void cairn_findings_init(cairn_findings *f)
{
	f->items = NULL;
	f->count = 0;
	f->cap = 0;
}

void cairn_findings_release(cairn_findings *f)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		free(f->items[i].title);
		json_decref(f->items[i].evidence);
	}
	free(f->items);
	cairn_findings_init(f);
}

cairn_finding *cairn_findings_add(cairn_findings *f, const cairn_rule *rule,
				  json_t *evidence, const char *fmt, ...)
{
	cairn_finding *it;
	cairn_buf title = CAIRN_BUF_INIT;
	va_list ap;
	int n;

	if (f->count == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->items = cairn_realloc(f->items, f->cap * sizeof(*f->items));
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	cairn_buf_grow(&title, n > 0 ? (size_t)n : 0);
	va_start(ap, fmt);
	vsnprintf(title.data, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	title.len = n > 0 ? (size_t)n : 0;
	it = &f->items[f->count++];
	it->rule = rule;
	it->severity = rule->severity;
	it->title = cairn_buf_detach(&title, NULL);
	it->evidence = evidence ? evidence : json_array();
	return it;
}

static int finding_cmp(const void *pa, const void *pb)
{
	const cairn_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	c = strcmp(a->rule->id, b->rule->id);
	if (c)
		return c;
	return strcmp(a->title, b->title);
}

void cairn_findings_sort(cairn_findings *f)
{
	if (f->count > 1)
		qsort(f->items, f->count, sizeof(*f->items), finding_cmp);
}

int cairn_findings_max(const cairn_findings *f)
{
	int max = -1;
	size_t i;

	for (i = 0; i < f->count; i++)
		if (f->items[i].severity > max)
			max = f->items[i].severity;
	return max;
}

void cairn_findings_count(const cairn_findings *f, size_t counts[])
{
	size_t i;

	for (i = 0; i < CAIRN_SEV__COUNT; i++)
		counts[i] = 0;
	for (i = 0; i < f->count; i++)
		if (f->items[i].severity >= 0 &&
		    f->items[i].severity < CAIRN_SEV__COUNT)
			counts[f->items[i].severity]++;
}

json_t *cairn_findings_to_json(const cairn_findings *f)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < f->count; i++) {
		const cairn_finding *it = &f->items[i];

		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:O, s:s, s:s}",
			"id", it->rule->id,
			"rule", it->rule->slug,
			"severity", cairn_severity_name(it->severity),
			"title", it->title,
			"evidence", it->evidence,
			"why", it->rule->why,
			"fix", it->rule->fix));
	}
	return arr;
}
