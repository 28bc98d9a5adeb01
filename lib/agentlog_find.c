/*
 * agentlog_find.c - where the MCP clients keep their own logs, for
 * cairn-snap --mcp-discover: one agent_log record per file (path, size,
 * mtime, SHA-256; docs/RECORDS.md), never its content, so that a log
 * given to cairn-capture or cairn-report later can be shown to be the one
 * that was there (or not).
 */
#include "agentlog_find.h"
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LOGS 10000

struct place {
	const char *client;   /* as mcp_server records name it */
	const char *kind;     /* cairn_agentlog_kind_name() */
	const char *dir;      /* below $HOME */
	int projects;         /* Claude Code: <dir>/<project>/<session>.jsonl */
};

/* Claude Desktop: ~/Library/Logs/Claude (macOS), ~/.config/Claude/logs
 * (Linux builds), %APPDATA%\Claude\logs (Windows: the profile's
 * AppData/Roaming, found when $HOME is a Windows profile, a mounted disk
 * image's Users/<name>); Claude Code: ~/.claude/projects
 * (%USERPROFILE%\.claude\projects on Windows, the same below the
 * profile). */
static const struct place places[] = {
	{ "claude_desktop", "claude-desktop", "Library/Logs/Claude", 0 },
	{ "claude_desktop", "claude-desktop", ".config/Claude/logs", 0 },
	{ "claude_desktop", "claude-desktop", "AppData/Roaming/Claude/logs", 0 },
	{ "claude_code", "claude-code", ".claude/projects", 1 },
};

static int wanted(const struct place *p, const char *name)
{
	size_t n = strlen(name);

	if (p->projects)
		return n > 6 && !strcmp(name + n - 6, ".jsonl");
	/* mcp.log, mcp1.log, mcp-server-<name>.log */
	return !strncmp(name, "mcp", 3) && n > 4 && !strcmp(name + n - 4, ".log");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in the folder on fd (fd is consumed). */
static char **list(int fd, size_t *count)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	*count = 0;
	if (!d) {
		close(fd);
		return NULL;
	}
	while ((e = readdir(d)) && n < MAX_LOGS) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		v = cairn_realloc(v, (n + 1) * sizeof(*v));
		v[n++] = cairn_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), name_cmp);
	*count = n;
	return v;
}

static void record(cairn_recs *recs, const struct place *p, int dirfd, const char *rel,
		   const char *name)
{
	json_t *rec = json_object();
	char *label = cairn_path_join("~", rel);
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	const char *err = NULL;
	char errbuf[160], hex[65];
	unsigned char d[32];
	uint64_t size = 0;

	json_object_set_new(rec, "type", json_string("agent_log"));
	json_object_set_new(rec, "client", json_string(p->client));
	json_object_set_new(rec, "kind", json_string(p->kind));
	cairn_json_set_bytes(rec, "path", label, strlen(label));
	if (fd < 0) {
		snprintf(errbuf, sizeof(errbuf), "%s", errno == ELOOP ? "is a symlink (not followed)" :
			 strerror(errno));
		err = errbuf;
	} else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = "not a regular file";
	} else {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		unsigned char *buf = cairn_malloc(1 << 20);
		ssize_t got;
		unsigned int dl = 0;

		/* hash what is read: a log written meanwhile has the size
		 * and digest of the bytes read, which stay comparable */
		if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
			cairn_oom();
		while ((got = read(fd, buf, 1 << 20)) > 0 || (got < 0 && errno == EINTR)) {
			if (got < 0)
				continue;
			EVP_DigestUpdate(md, buf, (size_t)got);
			size += (uint64_t)got;
		}
		if (got < 0) {
			snprintf(errbuf, sizeof(errbuf), "read: %s", strerror(errno));
			err = errbuf;
		}
		EVP_DigestFinal_ex(md, d, &dl);
		EVP_MD_CTX_free(md);
		free(buf);
		cairn_hex(hex, d, 32);
		json_object_set_new(rec, "size", json_integer((json_int_t)size));
		json_object_set_new(rec, "mtime", json_integer((json_int_t)st.st_mtim.tv_sec));
		json_object_set_new(rec, "mtime_ns", json_integer((json_int_t)st.st_mtim.tv_nsec));
		json_object_set_new(rec, "sha256", err ? json_null() : json_string(hex));
	}
	if (fd >= 0)
		close(fd);
	if (!json_object_get(rec, "size")) {
		json_object_set_new(rec, "size", json_null());
		json_object_set_new(rec, "mtime", json_null());
		json_object_set_new(rec, "mtime_ns", json_null());
		json_object_set_new(rec, "sha256", json_null());
	}
	json_object_set_new(rec, "error", err ? json_string(err) : json_null());
	cairn_recs_add(recs, rec, cairn_recs_key(label, (char *)NULL));
	free(label);
}

static size_t files_in(cairn_recs *recs, const struct place *p, int dirfd, const char *rel,
		       size_t budget)
{
	size_t n, i, done = 0;
	char **names = list(dup(dirfd), &n);

	for (i = 0; i < n; i++) {
		if (done < budget && wanted(p, names[i])) {
			char *r = cairn_path_join(rel, names[i]);
			struct stat st;

			/* directories are not logs; symlinks are recorded as such */
			if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
				record(recs, p, dirfd, r, names[i]);
				done++;
			}
			free(r);
		}
		free(names[i]);
	}
	free(names);
	return done;
}

void cairn_agentlog_discover(cairn_recs *recs, int home)
{
	size_t k, total = 0;

	for (k = 0; k < sizeof(places) / sizeof(places[0]); k++) {
		const struct place *p = &places[k];
		int fd = cairn_safe_opendir(home, p->dir);

		if (fd < 0) {
			cairn_error_clear();
			continue;
		}
		if (!p->projects) {
			total += files_in(recs, p, fd, p->dir, MAX_LOGS - total);
		} else {
			size_t n, i;
			char **proj = list(dup(fd), &n);

			for (i = 0; i < n; i++) {
				int pfd = cairn_safe_opendir(fd, proj[i]);

				if (pfd >= 0) {
					char *rel = cairn_path_join(p->dir, proj[i]);

					total += files_in(recs, p, pfd, rel, MAX_LOGS - total);
					free(rel);
					close(pfd);
				}
				free(proj[i]);
			}
			free(proj);
		}
		close(fd);
		if (total >= MAX_LOGS) {
			cairn_recs_parse_error(recs, "~", "agent_log",
					       "more than 10000 agent logs: the rest not recorded");
			break;
		}
	}
}

/* SHA-256 (hex) of the first limit bytes of path (all when limit < 0);
 * *got: bytes hashed */
static int hash_prefix(char hex[65], uint64_t *got, const char *path, int64_t limit)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	EVP_MD_CTX *md;
	unsigned char *buf, d[32];
	unsigned int dl = 0;
	struct stat st;
	ssize_t n;

	*got = 0;
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cairn_error_set(CAIRN_EIO, "'%s': not a regular file", path);
	}
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		cairn_oom();
	buf = cairn_malloc(1 << 20);
	for (;;) {
		size_t want = 1 << 20;

		if (limit >= 0 && (uint64_t)limit - *got < want)
			want = (size_t)((uint64_t)limit - *got);
		if (!want)
			break;
		n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		EVP_DigestUpdate(md, buf, (size_t)n);
		*got += (uint64_t)n;
	}
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	free(buf);
	close(fd);
	cairn_hex(hex, d, 32);
	return 0;
}

int cairn_agentlog_provenance(cairn_buf *out, const char *path, const json_t *records)
{
	const char *base = strrchr(path, '/');
	size_t i;
	int said = 0;

	base = base ? base + 1 : path;
	for (i = 0; i < json_array_size(records); i++) {
		const json_t *r = json_array_get(records, i);
		const char *type = json_string_value(json_object_get(r, "type"));
		const char *rp = json_string_value(json_object_get(r, "path"));
		const char *rs = json_string_value(json_object_get(r, "sha256"));
		const json_t *size = json_object_get(r, "size");
		const char *rb;
		char hex[65];
		uint64_t got;

		if (!type || strcmp(type, "agent_log") || !rp || !rs || !json_is_integer(size))
			continue;
		rb = strrchr(rp, '/');
		rb = rb ? rb + 1 : rp;
		if (strcmp(rb, base))
			continue;
		if (hash_prefix(hex, &got, path, json_integer_value(size)) < 0)
			return CAIRN_EIO;
		cairn_buf_addf(out, "%sthe snapshot recorded %s (%" JSON_INTEGER_FORMAT " bytes): ",
			       said++ ? "; " : "", rp, json_integer_value(size));
		if (got == (uint64_t)json_integer_value(size) && !strcmp(hex, rs)) {
			uint64_t all;

			if (hash_prefix(hex, &all, path, -1) < 0)
				return CAIRN_EIO;
			cairn_buf_addstr(out, all == got ? "the same bytes" :
					 "this file starts with those bytes (it grew since)");
		} else {
			cairn_buf_addstr(out, "other bytes (not the log recorded)");
		}
	}
	return 0;
}
