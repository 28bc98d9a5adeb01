/*
 * osv.c - OSV advisories: loading (folder, zip, file), the fast name
 * filter, range evaluation (OSV schema, "Evaluation"), severity.
 */
#include "osv.h"

#include "jsonutil.h"
#include "pep440.h"
#include "rules.h"
#include "semver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define DIR_DEPTH_MAX 32
#define VERSIONS_MAX 100000
#define SUMMARY_MAX 1000

enum ev_kind { EV_INTRODUCED, EV_FIXED, EV_LAST_AFFECTED };

struct event {
	int kind;
	char *v;
};

struct range {
	struct event *ev;
	size_t n;
};

struct adv {
	char *id, *summary, *source;
	int malicious, severity;
	const char *severity_from;
};

struct aff {
	size_t adv;               /* index into db->advs */
	char *key;                /* "<eco>\x1f<normalised name>" */
	struct range *ranges;
	size_t nranges;
	char **versions;
	size_t nversions;
	int eco;
};

struct cairn_osv_db {
	char **want;              /* keys, sorted once loading starts */
	size_t nwant, capwant;
	int want_sorted;
	struct adv *advs;
	size_t nadvs, capadvs;
	struct aff *affs;
	size_t naffs, capaffs;
	int affs_sorted;
	cairn_osv_stats st;
};

/* ------------------------------------------------------------ names */

int cairn_osv_ecosystem_parse(const char *name)
{
	if (name && !strcasecmp(name, "npm"))
		return CAIRN_OSV_NPM;
	if (name && !strcasecmp(name, "pypi"))
		return CAIRN_OSV_PYPI;
	return -1;
}

const char *cairn_osv_ecosystem_name(int eco)
{
	return eco == CAIRN_OSV_NPM ? "npm" : eco == CAIRN_OSV_PYPI ? "PyPI" : NULL;
}

void cairn_osv_name_normalize(cairn_buf *out, int eco, const char *name)
{
	cairn_buf_clear(out);
	if (eco == CAIRN_OSV_PYPI)
		cairn_pep440_name_normalize(out, name);
	else
		cairn_buf_addstr(out, name);
}

static char *make_key(int eco, const char *name)
{
	cairn_buf n = CAIRN_BUF_INIT, k = CAIRN_BUF_INIT;

	cairn_osv_name_normalize(&n, eco, name);
	cairn_buf_addf(&k, "%d\x1f%s", eco, n.data);
	cairn_buf_release(&n);
	return cairn_buf_detach(&k, NULL);
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int wanted(cairn_osv_db *db, const char *key)
{
	if (!db->nwant)
		return 1;
	if (!db->want_sorted) {
		qsort(db->want, db->nwant, sizeof(*db->want), strp_cmp);
		db->want_sorted = 1;
	}
	return bsearch(&key, db->want, db->nwant, sizeof(*db->want), strp_cmp) != NULL;
}

/* ------------------------------------------------------------ db */

int cairn_osv_db_new(cairn_osv_db **out)
{
	*out = cairn_calloc(1, sizeof(**out));
	return 0;
}

static void range_release(struct range *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->ev[i].v);
	free(r->ev);
}

static void aff_release(struct aff *a);

void cairn_osv_db_free(cairn_osv_db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->nwant; i++)
		free(db->want[i]);
	free(db->want);
	for (i = 0; i < db->nadvs; i++) {
		free(db->advs[i].id);
		free(db->advs[i].summary);
		free(db->advs[i].source);
	}
	free(db->advs);
	for (i = 0; i < db->naffs; i++)
		aff_release(&db->affs[i]);
	free(db->affs);
	free(db);
}

void cairn_osv_db_want(cairn_osv_db *db, int eco, const char *name)
{
	if (eco < 0 || eco >= CAIRN_OSV__ECOSYSTEMS || !name)
		return;
	if (db->nwant == db->capwant) {
		db->capwant = db->capwant ? 2 * db->capwant : 64;
		db->want = cairn_realloc(db->want, db->capwant * sizeof(*db->want));
	}
	db->want[db->nwant++] = make_key(eco, name);
	db->want_sorted = 0;
}

const cairn_osv_stats *cairn_osv_db_stats(const cairn_osv_db *db)
{
	return &db->st;
}

/* ------------------------------------------------------------ severity */

static int has_ci(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* CVSS v3.1 specification §7.1 Roundup: the smallest number, to one
 * decimal place, equal to or higher than its input, free of float noise. */
static double roundup1(double x)
{
	long long i = llround(x * 100000.0);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (floor((double)i / 10000.0) + 1) / 10.0;
}

int cairn_osv_cvss3_score10(const char *vector)
{
	/* metric letters and values in the order of the specification's §2 */
	static const char *const metrics[] = { "AV", "AC", "PR", "UI", "S", "C", "I", "A" };
	char val[8] = { 0 };
	const char *p;
	double av, ac, pr, ui, c, i, a, iss, impact, expl, base;
	int k, changed;

	if (!vector || (strncmp(vector, "CVSS:3.0/", 9) && strncmp(vector, "CVSS:3.1/", 9)))
		return -1;
	for (p = vector + 9; *p;) {
		const char *colon = strchr(p, ':'), *slash;
		size_t ml;

		if (!colon)
			return -1;
		ml = (size_t)(colon - p);
		slash = strchr(colon, '/');
		for (k = 0; k < 8; k++)
			if (strlen(metrics[k]) == ml && !strncmp(p, metrics[k], ml))
				break;
		if (k < 8) {
			if ((slash ? slash - colon : (long)strlen(colon)) != 2 || val[k])
				return -1;
			val[k] = colon[1];
		}
		p = slash ? slash + 1 : colon + strlen(colon);
	}
	for (k = 0; k < 8; k++)
		if (!val[k])
			return -1;
	changed = val[4] == 'C';
	if (!changed && val[4] != 'U')
		return -1;
	av = val[0] == 'N' ? 0.85 : val[0] == 'A' ? 0.62 : val[0] == 'L' ? 0.55 :
	     val[0] == 'P' ? 0.2 : -1;
	ac = val[1] == 'L' ? 0.77 : val[1] == 'H' ? 0.44 : -1;
	pr = val[2] == 'N' ? 0.85 : val[2] == 'L' ? (changed ? 0.68 : 0.62) :
	     val[2] == 'H' ? (changed ? 0.5 : 0.27) : -1;
	ui = val[3] == 'N' ? 0.85 : val[3] == 'R' ? 0.62 : -1;
#define CIA(x) ((x) == 'H' ? 0.56 : (x) == 'L' ? 0.22 : (x) == 'N' ? 0.0 : -1)
	c = CIA(val[5]);
	i = CIA(val[6]);
	a = CIA(val[7]);
#undef CIA
	if (av < 0 || ac < 0 || pr < 0 || ui < 0 || c < 0 || i < 0 || a < 0)
		return -1;
	iss = 1 - (1 - c) * (1 - i) * (1 - a);
	impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		return 0;
	base = changed ? roundup1(fmin(1.08 * (impact + expl), 10)) :
			 roundup1(fmin(impact + expl, 10));
	return (int)lround(base * 10);
}

static void grade(struct adv *adv, const json_t *o)
{
	const char *ds = cairn_json_str(json_object_get(o, "database_specific"), "severity");
	const json_t *sv = json_object_get(o, "severity");
	size_t k;

	if (adv->malicious) {
		adv->severity = CAIRN_SEV_CRITICAL;
		adv->severity_from = "malicious";
		return;
	}
	if (ds) {
		int s = !strcasecmp(ds, "critical") ? CAIRN_SEV_CRITICAL :
			!strcasecmp(ds, "high") ? CAIRN_SEV_HIGH :
			!strcasecmp(ds, "moderate") || !strcasecmp(ds, "medium") ? CAIRN_SEV_MEDIUM :
			!strcasecmp(ds, "low") ? CAIRN_SEV_LOW : -1;

		if (s >= 0) {
			adv->severity = s;
			adv->severity_from = "database_specific";
			return;
		}
	}
	for (k = 0; k < json_array_size(sv); k++) {
		const json_t *e = json_array_get(sv, k);
		const char *type = cairn_json_str(e, "type");
		int s10;

		if (!type || strcmp(type, "CVSS_V3"))
			continue;
		s10 = cairn_osv_cvss3_score10(cairn_json_str(e, "score"));
		if (s10 < 0)
			continue;
		adv->severity = s10 >= 90 ? CAIRN_SEV_CRITICAL : s10 >= 70 ? CAIRN_SEV_HIGH :
				s10 >= 40 ? CAIRN_SEV_MEDIUM : s10 > 0 ? CAIRN_SEV_LOW :
				CAIRN_SEV_INFO;
		adv->severity_from = "cvss_v3";
		return;
	}
	adv->severity = CAIRN_SEV_MEDIUM;
	adv->severity_from = "default";
}

static int is_malicious(const json_t *o)
{
	const char *id = cairn_json_str(o, "id");
	const json_t *aliases = json_object_get(o, "aliases");
	const json_t *cwes = json_object_get(json_object_get(o, "database_specific"), "cwe_ids");
	size_t k;

	if (id && !strncmp(id, "MAL-", 4))
		return 1;
	for (k = 0; k < json_array_size(aliases); k++) {
		const char *a = json_string_value(json_array_get(aliases, k));

		if (a && !strncmp(a, "MAL-", 4))
			return 1;
	}
	for (k = 0; k < json_array_size(cwes); k++) {
		const char *c = json_string_value(json_array_get(cwes, k));

		if (c && !strcmp(c, "CWE-506"))
			return 1;
	}
	return has_ci(cairn_json_str(o, "summary"), "malicious") ||
	       has_ci(cairn_json_str(o, "summary"), "malware");
}

/* ------------------------------------------------------------ parsing */

static int event_kind(const char *k)
{
	if (!strcmp(k, "introduced"))
		return EV_INTRODUCED;
	if (!strcmp(k, "fixed"))
		return EV_FIXED;
	if (!strcmp(k, "last_affected"))
		return EV_LAST_AFFECTED;
	return -1;   /* "limit" (git ranges) and unknown kinds */
}

/* 0 kept, -1 invalid (over a cap). */
static int take_range(struct aff *a, const json_t *r)
{
	const char *type = cairn_json_str(r, "type");
	const json_t *evs = json_object_get(r, "events");
	struct range rg = { NULL, 0 };
	size_t k;

	if (!type || (strcmp(type, "SEMVER") && strcmp(type, "ECOSYSTEM")))
		return 0;
	if (json_array_size(evs) > CAIRN_OSV_EVENTS_MAX)
		return -1;
	rg.ev = cairn_calloc(json_array_size(evs) + 1, sizeof(*rg.ev));
	for (k = 0; k < json_array_size(evs); k++) {
		const json_t *e = json_array_get(evs, k), *v;
		const char *name;

		json_object_foreach((json_t *)e, name, v) {
			int kind = event_kind(name);

			if (kind < 0 || !json_is_string(v))
				continue;
			rg.ev[rg.n].kind = kind;
			rg.ev[rg.n].v = cairn_strdup(json_string_value(v));
			rg.n++;
			break;   /* one event per object (schema) */
		}
	}
	a->ranges = cairn_realloc(a->ranges, (a->nranges + 1) * sizeof(*a->ranges));
	a->ranges[a->nranges++] = rg;
	return 0;
}

static void add_aff(cairn_osv_db *db, const struct aff *a)
{
	if (db->naffs == db->capaffs) {
		db->capaffs = db->capaffs ? 2 * db->capaffs : 64;
		db->affs = cairn_realloc(db->affs, db->capaffs * sizeof(*db->affs));
	}
	db->affs[db->naffs++] = *a;
	db->affs_sorted = 0;
}

static void aff_release(struct aff *a)
{
	size_t j;

	free(a->key);
	for (j = 0; j < a->nranges; j++)
		range_release(&a->ranges[j]);
	free(a->ranges);
	for (j = 0; j < a->nversions; j++)
		free(a->versions[j]);
	free(a->versions);
	memset(a, 0, sizeof(*a));
}

/* The summary cut to SUMMARY_MAX bytes on a character boundary (it is
 * valid UTF-8, as jansson checked: back off continuation bytes), so that
 * every JSON document it goes into stays valid. */
static char *cut_summary(const char *s)
{
	size_t n = strnlen(s, SUMMARY_MAX);

	if (s[n])
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	return cairn_strndup(s, n);
}

/* One advisory document. */
static void take_advisory(cairn_osv_db *db, const char *data, size_t len,
			  const char *source)
{
	json_error_t err;
	json_t *o = json_loadb(data, len, 0, &err);
	const json_t *affected;
	const char *id;
	size_t k, first_aff, advi;
	int bad = 0;

	if (!o || !json_is_object(o) || !(id = cairn_json_str(o, "id")) || !*id) {
		db->st.invalid++;
		if (!o && json_error_code(&err) == json_error_stack_overflow)
			db->st.too_deep++;
		else if (!o && json_error_code(&err) == json_error_invalid_utf8)
			db->st.bad_utf8++;
		json_decref(o);
		return;
	}
	db->st.parsed++;
	if (json_object_get(o, "withdrawn") && !json_is_null(json_object_get(o, "withdrawn"))) {
		db->st.withdrawn++;
		json_decref(o);
		return;
	}
	affected = json_object_get(o, "affected");
	first_aff = db->naffs;
	advi = db->nadvs;
	for (k = 0; k < json_array_size(affected) && !bad; k++) {
		const json_t *af = json_array_get(affected, k);
		const json_t *pkg = json_object_get(af, "package");
		const json_t *ranges = json_object_get(af, "ranges");
		const json_t *versions = json_object_get(af, "versions");
		int eco = cairn_osv_ecosystem_parse(cairn_json_str(pkg, "ecosystem"));
		const char *name = cairn_json_str(pkg, "name");
		struct aff a;
		size_t r;

		if (eco < 0 || !name || !*name)
			continue;
		memset(&a, 0, sizeof(a));
		a.key = make_key(eco, name);
		if (!wanted(db, a.key)) {
			free(a.key);
			continue;
		}
		a.adv = advi;
		a.eco = eco;
		for (r = 0; r < json_array_size(ranges); r++)
			if (take_range(&a, json_array_get(ranges, r)) < 0)
				bad = 1;
		if (json_array_size(versions) > VERSIONS_MAX)
			bad = 1;
		if (bad) {
			aff_release(&a);
			break;
		}
		a.versions = cairn_calloc(json_array_size(versions) + 1, sizeof(*a.versions));
		for (r = 0; r < json_array_size(versions); r++) {
			const char *v = json_string_value(json_array_get(versions, r));

			if (v)
				a.versions[a.nversions++] = cairn_strdup(v);
		}
		add_aff(db, &a);
	}
	if (bad) {
		while (db->naffs > first_aff)
			aff_release(&db->affs[--db->naffs]);
		db->st.invalid++;
		db->st.over_cap++;
	} else if (db->naffs > first_aff) {
		struct adv *adv;
		const char *summary = cairn_json_str_or(o, "summary", "");

		if (db->nadvs == db->capadvs) {
			db->capadvs = db->capadvs ? 2 * db->capadvs : 64;
			db->advs = cairn_realloc(db->advs, db->capadvs * sizeof(*db->advs));
		}
		adv = &db->advs[db->nadvs++];
		memset(adv, 0, sizeof(*adv));
		adv->id = cairn_strdup(id);
		adv->summary = cut_summary(summary);
		adv->source = cairn_strdup(source);
		adv->malicious = is_malicious(o);
		grade(adv, o);
		db->st.kept++;
	}
	json_decref(o);
}

/*
 * The fast filter: the "name" string values of the document's bytes.  A
 * file is parsed only when one of them is wanted, or when one holds an
 * escape (whose meaning the filter does not decode).
 */
static int maybe_wanted(cairn_osv_db *db, const char *p, size_t n)
{
	const char *end = p + n, *q = p;
	cairn_buf name = CAIRN_BUF_INIT;
	int hit = 0, eco;

	if (!db->nwant)
		return 1;
	while (!hit && (q = memmem(q, (size_t)(end - q), "\"name\"", 6)) != NULL) {
		const char *s, *e;

		q += 6;
		s = q;
		while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
			s++;
		if (s >= end || *s != ':')
			continue;
		s++;
		while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
			s++;
		if (s >= end || *s != '"')
			continue;
		s++;
		for (e = s; e < end && *e != '"' && *e != '\\'; e++)
			;
		if (e >= end || *e == '\\') {
			hit = 1;
			break;
		}
		cairn_buf_clear(&name);
		cairn_buf_add(&name, s, (size_t)(e - s));
		for (eco = 0; eco < CAIRN_OSV__ECOSYSTEMS && !hit; eco++) {
			char *key = make_key(eco, name.data);

			hit = wanted(db, key);
			free(key);
		}
	}
	cairn_buf_release(&name);
	return hit;
}

static void take_bytes(cairn_osv_db *db, const char *data, size_t len, const char *source)
{
	if (!maybe_wanted(db, data, len)) {
		db->st.skipped_fast++;
		return;
	}
	take_advisory(db, data, len, source);
}

/* ------------------------------------------------------------ loading */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static void load_dir(cairn_osv_db *db, int dfd, cairn_buf *path, int depth, cairn_buf *data)
{
	DIR *d;
	struct dirent *de;
	size_t plen = path->len;

	if (depth > DIR_DEPTH_MAX || !(d = fdopendir(dfd))) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL && db->st.files < CAIRN_OSV_FILES_MAX) {
		struct stat st;
		int fd, r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		path->len = plen;
		cairn_buf_addf(path, "/%s", de->d_name);
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd(d), de->d_name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				load_dir(db, fd, path, depth + 1, data);
		} else if (S_ISREG(st.st_mode) && ends_with(de->d_name, ".json")) {
			db->st.files++;
			fd = openat(dirfd(d), de->d_name,
				    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			/* a file that cannot be read is counted, not fatal: one
			 * bad advisory must not hide the rest of the set */
			r = fd < 0 ? -1 : cairn_read_fd(data, fd, CAIRN_OSV_FILE_MAX, "advisory",
							path->data);
			if (r < 0) {
				db->st.invalid++;
				db->st.too_big += r == CAIRN_ELIMIT;
			} else {
				take_bytes(db, data->data ? data->data : "", data->len, path->data);
			}
			if (fd >= 0)
				close(fd);
		}
	}
	path->len = plen;
	path->data[plen] = '\0';
	closedir(d);
}

static int load_zip(cairn_osv_db *db, const char *path, cairn_buf *data)
{
	int zerr = 0, rc = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	zip_int64_t n, i;
	cairn_buf label = CAIRN_BUF_INIT;
	struct stat st;
	uint64_t inflated = 0, budget;

	if (!z) {
		zip_error_t e;

		zip_error_init_with_code(&e, zerr);
		rc = cairn_error_set(CAIRN_EFORMAT, "advisories '%s': not a readable zip: %s",
				     path, zip_error_strerror(&e));
		zip_error_fini(&e);
		return rc;
	}
	/* the work a zip can cause is bounded by its size: each member
	 * stops at CAIRN_OSV_FILE_MAX, the members together at a ratio no
	 * real advisory set comes near */
	budget = (stat(path, &st) == 0 ? (uint64_t)st.st_size : 0) * CAIRN_OSV_ZIP_RATIO +
		 CAIRN_OSV_ZIP_SLACK;
	n = zip_get_num_entries(z, 0);
	for (i = 0; i < n && db->st.files < CAIRN_OSV_FILES_MAX; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		zip_file_t *f;
		zip_stat_t zs;
		char chunk[65536];
		zip_int64_t got;
		int over = 0;

		/* members are read, never written out: a "../" name is only a
		 * label here */
		if (!name || !ends_with(name, ".json"))
			continue;
		db->st.files++;
		/* a member that says it is too big is not inflated at all */
		zip_stat_init(&zs);
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &zs) == 0 &&
		    (zs.valid & ZIP_STAT_SIZE) && zs.size > CAIRN_OSV_FILE_MAX) {
			db->st.invalid++;
			db->st.too_big++;
			continue;
		}
		f = zip_fopen_index(z, (zip_uint64_t)i, 0);
		if (!f) {
			db->st.invalid++;
			continue;
		}
		cairn_buf_clear(data);
		/* the stored size may lie (a bomb): count what inflates */
		while ((got = zip_fread(f, chunk, sizeof(chunk))) > 0) {
			inflated += (uint64_t)got;
			if (data->len + (size_t)got > CAIRN_OSV_FILE_MAX) {
				over = 1;
				break;
			}
			cairn_buf_add(data, chunk, (size_t)got);
		}
		zip_fclose(f);
		if (inflated > budget) {
			rc = cairn_error_set(CAIRN_EFORMAT, "advisories '%s': member %lld inflates "
					     "the zip past %u times its size: refused as a zip bomb",
					     path, (long long)i + 1, CAIRN_OSV_ZIP_RATIO);
			break;
		}
		if (over || got < 0) {
			db->st.invalid++;
			db->st.too_big += over;
			continue;
		}
		/* the member's name labels its advisory: escaped unless UTF-8 */
		cairn_buf_clear(&label);
		cairn_buf_addf(&label, "%s:", path);
		if (cairn_utf8_valid(name, strlen(name)))
			cairn_buf_addstr(&label, name);
		else
			cairn_escape_bytes(&label, name, strlen(name));
		take_bytes(db, data->data ? data->data : "", data->len, label.data);
	}
	zip_discard(z);
	cairn_buf_release(&label);
	return rc;
}

void cairn_osv_db_load_mem(cairn_osv_db *db, const char *data, size_t len,
			   const char *label)
{
	db->st.files++;
	if (len > CAIRN_OSV_FILE_MAX)
		db->st.invalid++;
	else
		take_bytes(db, data, len, label);
}

int cairn_osv_db_load(cairn_osv_db *db, const char *path)
{
	cairn_buf data = CAIRN_BUF_INIT, p = CAIRN_BUF_INIT;
	struct stat st;
	int fd, r, rc = 0;

	if (stat(path, &st) < 0)
		return cairn_error_set(CAIRN_EIO, "advisories '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return cairn_error_set(CAIRN_EIO, "advisories '%s': %s", path,
					       strerror(errno));
		cairn_buf_addstr(&p, path);
		while (p.len > 1 && p.data[p.len - 1] == '/')
			p.data[--p.len] = '\0';
		load_dir(db, fd, &p, 0, &data);
	} else if (ends_with(path, ".zip")) {
		rc = load_zip(db, path, &data);
	} else {
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return cairn_error_set(CAIRN_EIO, "advisories '%s': %s", path,
					       strerror(errno));
		db->st.files++;
		r = cairn_read_fd(&data, fd, CAIRN_OSV_FILE_MAX, "advisories", path);
		if (r == CAIRN_ELIMIT)
			rc = cairn_error_set(CAIRN_EFORMAT, "advisories '%s': %lld bytes, over the "
					     "%u MiB of one advisory", path, (long long)st.st_size,
					     CAIRN_OSV_FILE_MAX >> 20);
		else if (r < 0)
			rc = cairn_error_set(CAIRN_EFORMAT,
					     "advisories '%s': not a regular file of at most %u bytes",
					     path, CAIRN_OSV_FILE_MAX);
		else
			take_bytes(db, data.data ? data.data : "", data.len, path);
		close(fd);
	}
	cairn_buf_release(&data);
	cairn_buf_release(&p);
	return rc;
}

/* ------------------------------------------------------------ matching */

static int aff_cmp(const void *a, const void *b)
{
	const struct aff *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : x->adv < y->adv ? -1 : x->adv > y->adv;
}

static int vcmp(int eco, int *out, const char *a, const char *b)
{
	return eco == CAIRN_OSV_PYPI ? cairn_pep440_cmp(out, a, b) :
				       cairn_semver_cmp(out, a, b);
}

struct sorted_ev {
	int kind;
	const char *v;   /* NULL: introduced "0", below every version */
};

static int ev_cmp(const void *a, const void *b, void *eco)
{
	const struct sorted_ev *x = a, *y = b;
	int c = 0;

	if (!x->v || !y->v)
		return (x->v != NULL) - (y->v != NULL);
	vcmp(*(const int *)eco, &c, x->v, y->v);
	return c;
}

/*
 * OSV schema, "Evaluation": the events sorted by version; walking them,
 * introduced (at or below v) sets affected, fixed (at or below v) and
 * last_affected (below v) clear it.  1 affected, 0 not, -1 undetermined.
 * *fixed: the first fixed version above v in this range.
 */
static int in_range(int eco, const struct range *r, const char *v, const char **fixed)
{
	struct sorted_ev *ev;
	size_t k;
	int affected = 0, c;

	*fixed = NULL;
	if (!r->n)
		return 0;
	if (vcmp(eco, &c, v, v) < 0)
		return -1;   /* not a version of this ecosystem's order */
	ev = cairn_calloc(r->n, sizeof(*ev));
	for (k = 0; k < r->n; k++) {
		ev[k].kind = r->ev[k].kind;
		ev[k].v = r->ev[k].kind == EV_INTRODUCED && !strcmp(r->ev[k].v, "0") ?
			  NULL : r->ev[k].v;
		if (ev[k].v && vcmp(eco, &c, ev[k].v, ev[k].v) < 0) {
			free(ev);
			return -1;
		}
	}
	qsort_r(ev, r->n, sizeof(*ev), ev_cmp, &eco);
	for (k = 0; k < r->n; k++) {
		if (ev[k].v)
			vcmp(eco, &c, v, ev[k].v);
		else
			c = 1;
		if (ev[k].kind == EV_INTRODUCED && c >= 0)
			affected = 1;
		else if (ev[k].kind == EV_FIXED && c >= 0)
			affected = 0;
		else if (ev[k].kind == EV_LAST_AFFECTED && c > 0)
			affected = 0;
		if (ev[k].kind == EV_FIXED && c < 0 && !*fixed)
			*fixed = ev[k].v;
	}
	free(ev);
	if (!affected)
		*fixed = NULL;
	return affected;
}

static int version_listed(int eco, const struct aff *a, const char *v)
{
	size_t k;
	int c;

	for (k = 0; k < a->nversions; k++) {
		if (!strcmp(a->versions[k], v))
			return 1;
		if (vcmp(eco, &c, a->versions[k], v) == 0 && c == 0)
			return 1;
	}
	return 0;
}

struct hit {
	size_t adv;
	const char *fixed, *why;
};

static int hit_cmp(const void *a, const void *b, void *db_)
{
	const cairn_osv_db *db = db_;
	const struct hit *x = a, *y = b;

	return strcmp(db->advs[x->adv].id, db->advs[y->adv].id);
}

int cairn_osv_db_match(const cairn_osv_db *db_c, int eco, const char *name,
		       const char *version, cairn_osv_match_fn fn, void *ctx,
		       unsigned *undetermined)
{
	cairn_osv_db *db = (cairn_osv_db *)db_c;   /* sorts its index once */
	struct aff probe;
	struct hit *hits = NULL;
	size_t lo, hi, nhits = 0, k, r;
	int rc = 0, called = 0;

	if (undetermined)
		*undetermined = 0;
	if (eco < 0 || eco >= CAIRN_OSV__ECOSYSTEMS || !name || !version || !db->naffs)
		return 0;
	if (!db->affs_sorted) {
		qsort(db->affs, db->naffs, sizeof(*db->affs), aff_cmp);
		db->affs_sorted = 1;
	}
	probe.key = make_key(eco, name);
	/* first aff with this key */
	lo = 0;
	hi = db->naffs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(db->affs[mid].key, probe.key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < db->naffs && !strcmp(db->affs[k].key, probe.key); k++) {
		const struct aff *a = &db->affs[k];
		const char *why = NULL, *fixed = NULL;

		if (version_listed(eco, a, version))
			why = "versions";
		for (r = 0; r < a->nranges; r++) {
			const char *f;
			int in = in_range(eco, &a->ranges[r], version, &f);

			if (in < 0 && undetermined)
				(*undetermined)++;
			if (in > 0) {
				if (!why)
					why = "range";
				if (f && !fixed)
					fixed = f;
			}
		}
		if (!why)
			continue;
		if (nhits && hits[nhits - 1].adv == a->adv)
			continue;   /* one advisory, several blocks */
		hits = cairn_realloc(hits, (nhits + 1) * sizeof(*hits));
		hits[nhits].adv = a->adv;
		hits[nhits].fixed = fixed;
		hits[nhits].why = why;
		nhits++;
	}
	free(probe.key);
	if (nhits)  /* qsort_r(NULL, 0, ...) is undefined (UBSan) */
		qsort_r(hits, nhits, sizeof(*hits), hit_cmp, db);
	for (k = 0; k < nhits && rc >= 0; k++) {
		const struct adv *adv = &db->advs[hits[k].adv];
		cairn_osv_match m;

		if (k && hits[k].adv == hits[k - 1].adv)
			continue;
		m.id = adv->id;
		m.summary = adv->summary;
		m.source = adv->source;
		m.malicious = adv->malicious;
		m.severity = adv->severity;
		m.severity_from = adv->severity_from;
		m.fixed = adv->malicious ? NULL : hits[k].fixed;
		m.why = hits[k].why;
		rc = fn(ctx, &m);
		if (rc >= 0)
			called++;
	}
	free(hits);
	return rc < 0 ? rc : called;
}
