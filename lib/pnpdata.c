/*
 * pnpdata.c - yarn Plug'n'Play's serialized state (pnpdata.h).
 *
 * The layout followed is yarn's own (packages/yarnpkg-pnp/sources/types.ts,
 * SerializedState; generatePnpScript.ts for how .pnp.cjs embeds it):
 *   dependencyTreeRoots: [{name, reference}]
 *   packageRegistryData: [[name|null, [[reference|null, {packageLocation,
 *       packageDependencies: [[name, reference | [alias, reference] | null]],
 *       packagePeers?: [name], linkType}]]]]
 * The null/null entry is the top-level locator, a copy of the root
 * workspace's dependencies: not a package, skipped.
 */
#include "pnpdata.h"
#include "pkgfs.h"

#include <stdlib.h>
#include <string.h>

typedef struct pnp_node {
	char *locator;     /* name@reference, virtual instances folded in */
	char *location;    /* packageLocation of its non-virtual instance (else the first) */
	int workspace;     /* reference "workspace:..." */
	int reached;
} pnp_node;

typedef struct pnp_edge {
	size_t from, to;   /* node indexes */
	char *name;        /* the name the dependent requires it by */
	int peer;          /* in the dependent's packagePeers */
} pnp_edge;

struct cairn_pnp {
	pnp_node *v;       /* sorted by locator */
	size_t n;
	pnp_edge *e;       /* sorted by to, from, name */
	size_t ne;
	json_t *lock;      /* resolution -> yarn.lock entry (cairn_pnp_attach_lock) */
};

/* an instance of a package in packageRegistryData */
typedef struct inst {
	char *locator;
	const char *location;
	const json_t *info;
	int is_virtual;
	size_t node;
} inst;

void cairn_pnp_free(cairn_pnp *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->v[i].locator);
		free(g->v[i].location);
	}
	for (i = 0; i < g->ne; i++)
		free(g->e[i].name);
	free(g->v);
	free(g->e);
	json_decref(g->lock);
	free(g);
}

size_t cairn_pnp_count(const cairn_pnp *g)
{
	return g ? g->n : 0;
}

/* yarn's devirtualizeLocator: "virtual:<hash>#<reference>" is <reference> */
static char *locator_of(const char *name, const char *reference, int *is_virtual)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *hash;

	*is_virtual = 0;
	if (!strncmp(reference, "virtual:", 8) && (hash = strchr(reference, '#'))) {
		reference = hash + 1;
		*is_virtual = 1;
	}
	cairn_buf_addf(&b, "%s@%s", name, reference);
	return cairn_buf_detach(&b, NULL);
}

static int node_cmp(const void *a, const void *b)
{
	return strcmp(((const pnp_node *)a)->locator, ((const pnp_node *)b)->locator);
}

static size_t find_node(const cairn_pnp *g, const char *locator)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->v[mid].locator, locator);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

static int edge_cmp(const void *a, const void *b)
{
	const pnp_edge *x = a, *y = b;

	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int edge_from_cmp(const void *a, const void *b)
{
	const pnp_edge *x = *(pnp_edge *const *)a, *y = *(pnp_edge *const *)b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/*
 * .pnp.cjs: the JSON text of `const RAW_RUNTIME_STATE = '...'` (decoded
 * into out), or the offset of the object after `return
 * hydrateRuntimeState(` (yarn 2, *inline_at).  CAIRN_ENOTFOUND when
 * neither is there.
 */
static int cjs_state(cairn_buf *out, size_t *inline_at, const char *data, size_t len,
		     const char *label)
{
	static const char decl[] = "const RAW_RUNTIME_STATE =";
	static const char ret[] = "return hydrateRuntimeState(";
	size_t i;

	*inline_at = (size_t)-1;
	for (i = 0; i + sizeof(decl) - 1 <= len; i++) {
		size_t p;

		if ((i && data[i - 1] != '\n') || memcmp(data + i, decl, sizeof(decl) - 1))
			continue;
		p = i + sizeof(decl) - 1;
		while (p < len && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r' || data[p] == '\n'))
			p++;
		if (p >= len || data[p] != '\'')
			return cairn_error_set(CAIRN_EFORMAT, "%s: RAW_RUNTIME_STATE is not a "
					       "single-quoted string (byte %zu)", label, p);
		/* generateStringLiteral: \ -> \\, ' -> \', newline -> \ newline */
		for (p++; p < len; p++) {
			unsigned char ch = (unsigned char)data[p];

			if (ch == '\'')
				return 0;
			if (ch == '\n' || ch == '\r')
				return cairn_error_set(CAIRN_EFORMAT, "%s: byte %zu: a line break inside "
						       "the RAW_RUNTIME_STATE string", label, p);
			if (ch != '\\') {
				cairn_buf_addch(out, ch);
				continue;
			}
			if (++p >= len)
				break;
			if (data[p] == '\\' || data[p] == '\'')
				cairn_buf_addch(out, data[p]);
			else if (data[p] == '\r' && p + 1 < len && data[p + 1] == '\n')
				p++;   /* a checkout with CRLF line ends */
			else if (data[p] != '\n')
				return cairn_error_set(CAIRN_EFORMAT, "%s: byte %zu: escape '\\%c' in "
						       "RAW_RUNTIME_STATE, which yarn does not write", label,
						       p - 1, data[p] >= 0x20 && data[p] < 0x7f ? data[p] : '?');
		}
		return cairn_error_set(CAIRN_EFORMAT, "%s: the RAW_RUNTIME_STATE string is not "
				       "terminated", label);
	}
	for (i = 0; i + sizeof(ret) - 1 <= len; i++) {
		size_t p;

		if (memcmp(data + i, ret, sizeof(ret) - 1))
			continue;
		p = i + sizeof(ret) - 1;
		while (p < len && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r' || data[p] == '\n'))
			p++;
		if (p < len && data[p] == '{') {
			*inline_at = p;
			return 0;
		}
	}
	return CAIRN_ENOTFOUND;
}

static int peer_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int bad(const char *label, const char *what)
{
	return cairn_error_set(CAIRN_EFORMAT, "%s: %s is not what yarn writes", label, what);
}

static int build(cairn_pnp *g, const json_t *root, const char *label)
{
	const json_t *reg = json_object_get(root, "packageRegistryData");
	const json_t *roots = json_object_get(root, "dependencyTreeRoots");
	inst *iv = NULL;
	size_t ni = 0, ci = 0, i, j, k, ce = 0;
	pnp_edge **byfrom = NULL;
	size_t *queue = NULL, qh = 0, qt = 0;
	int rc = 0;

	if (!json_is_object(root))
		return bad(label, "the state (not an object)");
	if (!json_is_array(reg))
		return bad(label, "packageRegistryData");
	if (!json_is_array(roots))
		return bad(label, "dependencyTreeRoots");
	for (i = 0; i < json_array_size(reg) && rc == 0; i++) {
		const json_t *pair = json_array_get(reg, i);
		const json_t *name = json_array_get(pair, 0), *refs = json_array_get(pair, 1);

		if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_array(refs) ||
		    !(json_is_string(name) || json_is_null(name))) {
			rc = bad(label, "a packageRegistryData entry");
			break;
		}
		for (j = 0; j < json_array_size(refs); j++) {
			const json_t *rp = json_array_get(refs, j);
			const json_t *ref = json_array_get(rp, 0), *info = json_array_get(rp, 1);
			const json_t *loc = json_object_get(info, "packageLocation");

			if (!json_is_array(rp) || json_array_size(rp) != 2 || !json_is_object(info) ||
			    !(json_is_string(ref) || json_is_null(ref)) || !json_is_string(loc) ||
			    !json_is_array(json_object_get(info, "packageDependencies"))) {
				rc = bad(label, "a package of packageRegistryData");
				break;
			}
			if (json_is_null(name) || json_is_null(ref))
				continue;   /* the top-level locator */
			if (ni >= CAIRN_PNP_MAX_PACKAGES) {
				rc = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u packages", label,
						     CAIRN_PNP_MAX_PACKAGES);
				break;
			}
			if (ni == ci) {
				ci = ci ? ci * 2 : 64;
				iv = cairn_realloc(iv, ci * sizeof(*iv));
			}
			iv[ni].locator = locator_of(json_string_value(name), json_string_value(ref),
						    &iv[ni].is_virtual);
			iv[ni].location = json_string_value(loc);
			iv[ni].info = info;
			ni++;
		}
	}
	if (rc < 0)
		goto done;
	/* one node per locator, its non-virtual instance's location */
	g->v = cairn_calloc(ni + 1, sizeof(*g->v));
	for (i = 0; i < ni; i++) {
		g->v[i].locator = cairn_strdup(iv[i].locator);
		g->v[i].location = NULL;
	}
	g->n = ni;
	if (ni > 1)
		qsort(g->v, ni, sizeof(*g->v), node_cmp);
	for (i = j = 0; i < g->n; i++) {
		if (j && !strcmp(g->v[j - 1].locator, g->v[i].locator)) {
			free(g->v[i].locator);
			continue;
		}
		g->v[j++] = g->v[i];
	}
	g->n = j;
	for (i = 0; i < ni; i++) {
		pnp_node *nd;
		const char *at;

		iv[i].node = find_node(g, iv[i].locator);
		nd = &g->v[iv[i].node];
		if (!nd->location || !iv[i].is_virtual) {
			free(nd->location);
			nd->location = cairn_strdup(iv[i].location);
		}
		at = strchr(nd->locator + 1, '@');
		nd->workspace = at && !strncmp(at + 1, "workspace:", 10);
	}
	/* edges: every packageDependencies entry that names a node */
	for (i = 0; i < ni && rc == 0; i++) {
		const json_t *deps = json_object_get(iv[i].info, "packageDependencies");
		const json_t *peers = json_object_get(iv[i].info, "packagePeers");
		const char **pv, *dname;
		size_t np = 0;

		if (peers && !json_is_array(peers)) {
			rc = bad(label, "packagePeers");
			break;
		}
		/* the peer names, sorted once: a scan of them for every
		 * dependency was quadratic (20000 of each: 6.9 s) */
		pv = cairn_calloc(json_array_size(peers) + 1, sizeof(*pv));
		for (k = 0; k < json_array_size(peers); k++)
			if (json_is_string(json_array_get(peers, k)))
				pv[np++] = json_string_value(json_array_get(peers, k));
		if (np > 1)
			qsort(pv, np, sizeof(*pv), peer_cmp);
		for (j = 0; j < json_array_size(deps); j++) {
			const json_t *d = json_array_get(deps, j);
			const json_t *dn = json_array_get(d, 0), *dv = json_array_get(d, 1);
			const char *tname, *tref;
			char *loc;
			size_t to;
			int virt, peer = 0;

			if (!json_is_array(d) || json_array_size(d) != 2 || !json_is_string(dn)) {
				rc = bad(label, "a packageDependencies entry");
				break;
			}
			if (json_is_null(dv))
				continue;   /* a peer nobody provides */
			if (json_is_string(dv)) {
				tname = json_string_value(dn);
				tref = json_string_value(dv);
			} else if (json_is_array(dv) && json_array_size(dv) == 2 &&
				   json_is_string(json_array_get(dv, 0)) &&
				   json_is_string(json_array_get(dv, 1))) {
				/* an alias: [target name, reference] */
				tname = json_string_value(json_array_get(dv, 0));
				tref = json_string_value(json_array_get(dv, 1));
			} else {
				rc = bad(label, "a packageDependencies reference");
				break;
			}
			loc = locator_of(tname, tref, &virt);
			to = find_node(g, loc);
			free(loc);
			/* a package lists itself (yarn adds the self-reference) */
			if (to == (size_t)-1 || to == iv[i].node)
				continue;
			dname = json_string_value(dn);
			peer = np && bsearch(&dname, pv, np, sizeof(*pv), peer_cmp) != NULL;
			if (g->ne >= CAIRN_PNP_MAX_EDGES) {
				rc = cairn_error_set(CAIRN_ELIMIT, "%s: more than %u dependencies", label,
						     CAIRN_PNP_MAX_EDGES);
				break;
			}
			if (g->ne == ce) {
				ce = ce ? ce * 2 : 128;
				g->e = cairn_realloc(g->e, ce * sizeof(*g->e));
			}
			g->e[g->ne].from = iv[i].node;
			g->e[g->ne].to = to;
			g->e[g->ne].name = cairn_strdup(json_string_value(dn));
			g->e[g->ne].peer = peer;
			g->ne++;
		}
		free(pv);
	}
	if (rc < 0)
		goto done;
	/* the virtual instances repeat their package's edges: once each */
	if (g->ne > 1)
		qsort(g->e, g->ne, sizeof(*g->e), edge_cmp);
	for (i = j = 0; i < g->ne; i++) {
		if (j && g->e[j - 1].to == g->e[i].to && g->e[j - 1].from == g->e[i].from &&
		    !strcmp(g->e[j - 1].name, g->e[i].name)) {
			g->e[j - 1].peer |= g->e[i].peer;
			free(g->e[i].name);
			continue;
		}
		g->e[j++] = g->e[i];
	}
	g->ne = j;
	/* what the roots reach, breadth first */
	byfrom = cairn_malloc((g->ne + 1) * sizeof(*byfrom));
	for (i = 0; i < g->ne; i++)
		byfrom[i] = &g->e[i];
	if (g->ne > 1)
		qsort(byfrom, g->ne, sizeof(*byfrom), edge_from_cmp);
	queue = cairn_malloc((g->n + 1) * sizeof(*queue));
	for (i = 0; i < json_array_size(roots); i++) {
		const json_t *r = json_array_get(roots, i);
		const json_t *rn = json_object_get(r, "name"), *rr = json_object_get(r, "reference");
		char *loc;
		size_t at;
		int virt;

		if (!json_is_string(rn) || !json_is_string(rr)) {
			rc = bad(label, "a dependencyTreeRoots entry");
			goto done;
		}
		loc = locator_of(json_string_value(rn), json_string_value(rr), &virt);
		at = find_node(g, loc);
		free(loc);
		if (at != (size_t)-1 && !g->v[at].reached) {
			g->v[at].reached = 1;
			queue[qt++] = at;
		}
	}
	while (qh < qt) {
		size_t from = queue[qh++], lo = 0, hi = g->ne;

		/* first edge from `from` */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (byfrom[mid]->from < from)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < g->ne && byfrom[lo]->from == from; lo++) {
			pnp_node *t = &g->v[byfrom[lo]->to];

			if (!t->reached) {
				t->reached = 1;
				queue[qt++] = byfrom[lo]->to;
			}
		}
	}
done:
	for (i = 0; i < ni; i++)
		free(iv[i].locator);
	free(iv);
	free(byfrom);
	free(queue);
	return rc;
}

int cairn_pnp_parse(cairn_pnp **out, const char *data, size_t len, enum cairn_pnp_kind kind,
		    const char *label)
{
	cairn_buf text = CAIRN_BUF_INIT;
	json_error_t jerr;
	json_t *root = NULL;
	cairn_pnp *g;
	size_t at = (size_t)-1;
	int rc;

	*out = NULL;
	if (kind == CAIRN_PNP_CJS) {
		rc = cjs_state(&text, &at, data, len, label);
		if (rc < 0) {
			cairn_buf_release(&text);
			return rc;
		}
		if (at != (size_t)-1)
			root = json_loadb(data + at, len - at, JSON_REJECT_DUPLICATES |
					  JSON_DISABLE_EOF_CHECK, &jerr);
		else
			root = json_loadb(text.data ? text.data : "", text.len,
					  JSON_REJECT_DUPLICATES, &jerr);
	} else {
		root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	}
	cairn_buf_release(&text);
	if (!root)
		return cairn_error_set(CAIRN_EFORMAT, "%s: %s state: line %d column %d: %s", label,
				       kind == CAIRN_PNP_CJS ? "the embedded" : "the",
				       jerr.line, jerr.column, jerr.text);
	g = cairn_calloc(1, sizeof(*g));
	rc = build(g, root, label);
	json_decref(root);
	if (rc < 0) {
		cairn_pnp_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

int cairn_pnp_has(const cairn_pnp *g, const char *locator)
{
	return g && locator && find_node(g, locator) != (size_t)-1;
}

int cairn_pnp_reached(const cairn_pnp *g, const char *locator)
{
	size_t at = g && locator ? find_node(g, locator) : (size_t)-1;

	return at != (size_t)-1 && g->v[at].reached;
}

void cairn_pnp_attach_lock(cairn_pnp *g, const json_t *lock)
{
	const char *key;
	json_t *o;

	if (!g || !json_is_object(lock))
		return;
	json_decref(g->lock);
	g->lock = json_object();
	json_object_foreach((json_t *)lock, key, o) {
		const char *res = json_string_value(json_object_get(o, "resolution"));

		if (res && !json_object_get(g->lock, res))
			json_object_set(g->lock, res, o);
	}
}

/* packageLocation "./packages/a/" as a folder of the project: "packages/a" */
static char *folder_of(const char *location)
{
	size_t n;

	if (!strncmp(location, "./", 2))
		location += 2;
	n = strlen(location);
	while (n && location[n - 1] == '/')
		n--;
	return cairn_strndup(location, n);
}

json_t *cairn_pnp_required_by(const cairn_pnp *g, const char *locator,
			      cairn_pnp_manifest_fn manifest, void *arg)
{
	json_t *out = json_array();
	json_t **items;
	size_t to, lo = 0, hi, i, n = 0;

	if (!g || !locator || (to = find_node(g, locator)) == (size_t)-1)
		return out;
	hi = g->ne;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->e[mid].to < to)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < g->ne && g->e[hi].to == to; hi++)
		;
	items = cairn_malloc((hi - lo + 1) * sizeof(*items));
	for (i = lo; i < hi; i++) {
		const pnp_edge *e = &g->e[i];
		const pnp_node *f = &g->v[e->from];
		const char *section = "dependencies";
		const json_t *range = NULL;
		json_t *item = json_object();

		if (f->workspace) {
			char *folder = folder_of(f->location);
			const json_t *m = manifest ? manifest(arg, folder) : NULL;
			const char *text, *declared_in = cairn_pkg_declared(m, e->name, &text);

			if (declared_in) {
				section = declared_in;
				range = json_object_get(json_object_get(m, section), e->name);
			}
			json_object_set_new(item, "from", json_string(folder));
			free(folder);
		} else {
			const json_t *le = json_object_get(g->lock, f->locator);
			const json_t *meta = json_object_get(json_object_get(le, "dependenciesMeta"), e->name);

			if (e->peer) {
				section = "peerDependencies";
				range = json_object_get(json_object_get(le, "peerDependencies"), e->name);
			} else {
				if (json_is_true(json_object_get(meta, "optional")))
					section = "optionalDependencies";
				range = json_object_get(json_object_get(le, "dependencies"), e->name);
			}
			json_object_set_new(item, "from", json_string(f->locator));
		}
		json_object_set_new(item, "range", json_is_string(range) ?
				    json_stringn(json_string_value(range), json_string_length(range)) :
				    json_null());
		json_object_set_new(item, "section", json_string(section));
		items[n++] = item;
	}
	if (n > 1)
		qsort(items, n, sizeof(*items), cairn_pkg_required_by_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(out, items[i]);
	free(items);
	return out;
}
