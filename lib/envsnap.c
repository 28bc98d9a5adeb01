/*
 * envsnap.c - process environments with values under HMAC (envsnap.h).
 */
#include "envsnap.h"
#include "secret.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

#define KEY_LEN 32
#define PROC_CAP (4u << 20)

struct cairn_env_key {
	unsigned char k[KEY_LEN];
};

char *cairn_env_default_key_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *h = getenv("HOME");
	cairn_buf b = CAIRN_BUF_INIT;

	if (x && *x)
		cairn_buf_addf(&b, "%s/cairn/env.key", x);
	else if (h && *h)
		cairn_buf_addf(&b, "%s/.config/cairn/env.key", h);
	else
		return NULL;
	return cairn_buf_detach(&b, NULL);
}

static void mkparents(const char *path)
{
	char *d = cairn_strdup(path), *p;

	for (p = d + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(d, 0700);
		*p = '/';
	}
	free(d);
}

static int key_load(cairn_env_key **out, const char *path, int create)
{
	cairn_env_key *k;
	struct stat st;
	int fd;
	ssize_t n;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !create)
		return cairn_error_set(CAIRN_ENOTFOUND, "env key '%s': no such file", path);
	if (fd < 0 && errno == ENOENT) {
		unsigned char buf[KEY_LEN];

		mkparents(path);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return cairn_error_set(CAIRN_EIO, "env key '%s': cannot create: %s",
					       path, strerror(errno));
		if (RAND_bytes(buf, KEY_LEN) != 1) {
			close(fd);
			unlink(path);
			return cairn_error_set(CAIRN_EEXTERNAL, "env key '%s': RAND_bytes failed", path);
		}
		if (write(fd, buf, KEY_LEN) != KEY_LEN || fsync(fd) < 0) {
			int err = errno;

			close(fd);
			unlink(path);
			OPENSSL_cleanse(buf, sizeof(buf));
			return cairn_error_set(CAIRN_EIO, "env key '%s': write: %s", path, strerror(err));
		}
		close(fd);
		k = cairn_malloc(sizeof(*k));
		memcpy(k->k, buf, KEY_LEN);
		OPENSSL_cleanse(buf, sizeof(buf));
		*out = k;
		return 0;
	}
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "env key '%s': %s", path,
				       errno == ELOOP ? "is a symlink" : strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != KEY_LEN) {
		close(fd);
		return cairn_error_set(CAIRN_EFORMAT, "env key '%s': not a regular file of %d bytes",
				       path, KEY_LEN);
	}
	k = cairn_malloc(sizeof(*k));
	n = read(fd, k->k, KEY_LEN);
	close(fd);
	if (n != KEY_LEN) {
		OPENSSL_cleanse(k, sizeof(*k));
		free(k);
		return cairn_error_set(CAIRN_EIO, "env key '%s': short read", path);
	}
	*out = k;
	return 0;
}

int cairn_env_key_load(cairn_env_key **out, const char *path)
{
	return key_load(out, path, 1);
}

int cairn_env_key_open(cairn_env_key **out, const char *path)
{
	return key_load(out, path, 0);
}

int cairn_env_key_open_reader(cairn_env_key **out, const char *path)
{
	char *p = path ? cairn_strdup(path) : cairn_env_default_key_path();
	int rc = 0;

	*out = NULL;
	if (p) {
		rc = cairn_env_key_open(out, p);
		if (rc == CAIRN_ENOTFOUND && !path) {
			cairn_error_clear();
			rc = 0;
		}
	}
	free(p);
	return rc;
}

void cairn_env_key_free(cairn_env_key *k)
{
	if (!k)
		return;
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

static void hmac_hex(const cairn_env_key *k, const void *p, size_t n, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;

	HMAC(EVP_sha256(), k->k, KEY_LEN, p, n, d, &dl);
	cairn_hex(out, d, 32);
}

void cairn_env_hmac(const cairn_env_key *k, const void *p, size_t n, char *out)
{
	hmac_hex(k, p, n, out);
}

void cairn_env_key_id(const cairn_env_key *k, char *out)
{
	static const char label[] = "cairn env key id";

	hmac_hex(k, label, sizeof(label) - 1, out);
}

/* docs/RECORDS.md §Secret names: the one table. */
static const char *const exact_names[] = {
	"DATABASE_URL", "REDIS_URL", "MONGODB_URI", "MONGO_URL", "POSTGRES_URL", "DSN",
	"SENTRY_DSN", "NPM_TOKEN", "NODE_AUTH_TOKEN", "GITHUB_TOKEN", "GH_TOKEN",
	"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS",
	"KUBECONFIG", "SSH_AUTH_SOCK", NULL
};

/*
 * The cloud vendors' credential variables, as their SDKs and CLIs document
 * them.  Only these: the same prefixes name ordinary settings that every
 * cloud user has in the environment (AWS_REGION, AWS_PROFILE,
 * AWS_CA_BUNDLE, AZURE_TENANT_ID, GOOGLE_CLOUD_PROJECT ...), and calling
 * them secrets raised a finding on every such environment.
 */
static const struct vendor {
	const char *rule, *prefixes[3], *names[9];
} vendors[] = {
	{ "AWS_*", { "AWS_" },
	  { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	    "AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY" } },
	{ "AZURE_*", { "AZURE_" },
	  { "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_PASSWORD",
	    "AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_ACCESS_KEY",
	    "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_SAS_TOKEN" } },
	{ "GCP_*", { "GCP_", "GOOGLE_" },
	  { "GOOGLE_API_KEY", "GOOGLE_CLIENT_SECRET", "GOOGLE_CREDENTIALS",
	    "GOOGLE_CLOUD_KEYFILE_JSON", "GOOGLE_OAUTH_ACCESS_TOKEN", "GCP_SERVICE_ACCOUNT_KEY",
	    "GCP_CREDENTIALS" } },
};

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* A vendor's setting that names where its credentials are, not what they
 * are (AWS_SHARED_CREDENTIALS_FILE, AWS_WEB_IDENTITY_TOKEN_FILE,
 * AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_CERTIFICATE_PATH): the words
 * CREDENTIALS and TOKEN in it do not make its value a secret. */
static int vendor_place(const char *up)
{
	size_t i, j;

	for (i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++)
		for (j = 0; j < 3 && vendors[i].prefixes[j]; j++)
			if (!strncmp(up, vendors[i].prefixes[j], strlen(vendors[i].prefixes[j])))
				return has_suffix(up, "_FILE") || has_suffix(up, "_PATH") ||
				       has_suffix(up, "_DIR");
	return 0;
}

/* The rule of an upper-case name. */
static const char *rule_of(const char *up)
{
	size_t i, j;

	for (i = 0; exact_names[i]; i++)
		if (!strcmp(up, exact_names[i]))
			return "exact";
	for (i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++)
		for (j = 0; j < 9 && vendors[i].names[j]; j++)
			if (!strcmp(up, vendors[i].names[j]))
				return vendors[i].rule;
	if (vendor_place(up))
		return NULL;
	if (has_suffix(up, "_KEY") || has_suffix(up, "_APIKEY") || has_suffix(up, "_API_KEY") ||
	    !strcmp(up, "APIKEY") || !strcmp(up, "API_KEY"))
		return "*_KEY";
	if (strstr(up, "TOKEN"))
		return "*_TOKEN";
	if (strstr(up, "SECRET"))
		return "*_SECRET";
	if (strstr(up, "PASSWORD") || strstr(up, "PASSWD") || has_suffix(up, "_PASS") ||
	    has_suffix(up, "_PWD"))
		return "*PASSWORD*";
	if (strstr(up, "CREDENTIAL"))
		return "*_CREDENTIALS";
	if (has_suffix(up, "_AUTH") || !strncmp(up, "AUTH_", 5) || !strcmp(up, "AUTHORIZATION"))
		return "*_AUTH";
	if (strstr(up, "PRIVATE"))
		return "*PRIVATE*";
	return NULL;
}

const char *cairn_env_secret_rule(const char *name)
{
	/* the whole name, however long: "<300 letters>_TOKEN" cut to a
	 * buffer's size would lose the part that makes it secret */
	char small[256], *up = small;
	const char *rule;
	size_t i, n = strlen(name);

	if (n >= sizeof(small))
		up = cairn_malloc(n + 1);
	for (i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[n] = '\0';
	rule = rule_of(up);
	if (up != small)
		free(up);
	return rule;
}

json_t *cairn_env_redact(const cairn_env_key *k, const char *name,
			 const char *value, size_t len, int clear)
{
	json_t *o = json_object();
	const char *rule = cairn_env_secret_rule(name);
	const char *shape = rule ? NULL : cairn_secret_shape(value, len);
	char hex[65], shape_rule[64];

	cairn_json_set_bytes(o, "name", name, strlen(name));
	json_object_set_new(o, "length", json_integer((json_int_t)len));
	if (k) {
		hmac_hex(k, value, len, hex);
		json_object_set_new(o, "hmac_sha256", json_string(hex));
	} else {
		json_object_set_new(o, "hmac_sha256", json_null());
	}
	/* a value with a credential's shape is secret whatever its name */
	if (shape) {
		snprintf(shape_rule, sizeof(shape_rule), "shape:%s", shape);
		rule = shape_rule;
	}
	json_object_set_new(o, "secret", json_boolean(rule != NULL));
	json_object_set_new(o, "rule", rule ? json_string(rule) : json_null());
	if (clear)
		cairn_json_set_bytes(o, "value", value, len);
	return o;
}

static int read_proc(cairn_buf *out, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	cairn_buf_clear(out);
	if (fd < 0)
		return cairn_error_set(CAIRN_EIO, "%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n;

		cairn_buf_grow(out, 65536);
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			return cairn_error_set(CAIRN_EIO, "%s: %s", path, strerror(err));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len > PROC_CAP) {
			close(fd);
			return cairn_error_set(CAIRN_ELIMIT, "%s: over %u bytes", path, PROC_CAP);
		}
	}
	out->data[out->len] = '\0';
	close(fd);
	return 0;
}

static int in_list(const char *name, const char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return 1;
	return 0;
}

static int env_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A command-line argument "--name=value" / "NAME=value" with a secret name
 * has its value replaced; one holding a token of a known shape
 * (secret.h) is replaced whole. */
json_t *cairn_env_redact_arg(const cairn_env_key *k, const char *arg, size_t len)
{
	const char *eq = memchr(arg, '=', len);

	if (eq && eq > arg) {
		/* the name whatever its length: a value is never kept in
		 * clear because its name was long */
		const char *n0 = arg;
		char *name;
		size_t nl, i;
		int secret;

		while (*n0 == '-' && n0 < eq)
			n0++;
		nl = (size_t)(eq - n0);
		name = cairn_strndup(n0, nl);   /* up to a NUL, if any */
		for (i = 0; name[i]; i++)
			if (name[i] == '-')
				name[i] = '_';
		secret = *name && cairn_env_secret_rule(name);
		free(name);
		if (secret) {
			cairn_buf b = CAIRN_BUF_INIT;
			char hex[65] = "-";
			json_t *j;

			if (k)
				hmac_hex(k, eq + 1, len - (size_t)(eq + 1 - arg), hex);
			cairn_buf_add(&b, arg, (size_t)(eq + 1 - arg));
			cairn_buf_addf(&b, "<redacted:hmac:%s>", hex);
			j = json_stringn(b.data, b.len);
			cairn_buf_release(&b);
			if (j)
				return j;
		}
	}
	/* "--api-key sk-...": a value with a credential's shape is replaced
	 * whole, whatever came before it */
	if (cairn_secret_shape(arg, len)) {
		char hex[65] = "-", buf[96];

		if (k)
			hmac_hex(k, arg, len, hex);
		snprintf(buf, sizeof(buf), "<redacted:hmac:%s>", hex);
		return json_string(buf);
	}
	return cairn_json_bytes_item(arg, len);
}

static int sha256_path(const char *path, char *hex)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	EVP_MD_CTX *md;
	unsigned char buf[65536], d[32];
	unsigned int dl = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(md, buf, (size_t)n);
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	close(fd);
	if (n < 0)
		return -1;
	cairn_hex(hex, d, 32);
	return 0;
}

json_t *cairn_env_parse_cmdline(const cairn_env_key *k, const char *data, size_t len)
{
	json_t *cmd = json_array();
	size_t off = 0;

	while (off < len) {
		size_t n = strnlen(data + off, len - off);

		json_array_append_new(cmd, cairn_env_redact_arg(k, data + off, n));
		off += n + 1;
	}
	return cmd;
}

/* One env record per "NAME=value" of vars (taken: wiped and freed), in
 * name order; returns nvars. */
static size_t env_records(cairn_recs *recs, const cairn_env_key *k, const char *source,
			  char **vars, size_t nvars, const char **clear, size_t clear_count)
{
	size_t i;

	if (nvars > 1)
		qsort(vars, nvars, sizeof(char *), env_cmp);
	for (i = 0; i < nvars; i++) {
		char *eq = strchr(vars[i], '=');
		const char *val = eq ? eq + 1 : "";
		json_t *rec;

		if (eq)
			*eq = '\0';
		rec = cairn_env_redact(k, vars[i], val, strlen(val),
				       in_list(vars[i], clear, clear_count));
		json_object_set_new(rec, "type", json_string("env"));
		cairn_json_set_bytes(rec, "source", source, strlen(source));
		cairn_recs_add(recs, rec, cairn_recs_key(source, vars[i], (char *)NULL));
		OPENSSL_cleanse(vars[i], strlen(vars[i]) + (eq ? strlen(val) + 1 : 0));
		free(vars[i]);
	}
	free(vars);
	return nvars;
}

size_t cairn_env_parse_block(cairn_recs *recs, const cairn_env_key *k, const char *source,
			     const char *data, size_t len, const char **clear,
			     size_t clear_count)
{
	char **vars = NULL;
	size_t nvars = 0, off = 0;

	while (off < len) {
		size_t n = strnlen(data + off, len - off);

		/* an empty string between two NULs is no variable */
		if (n) {
			vars = cairn_realloc(vars, (nvars + 1) * sizeof(char *));
			vars[nvars++] = cairn_strndup(data + off, n);
		}
		off += n + 1;
	}
	return env_records(recs, k, source, vars, nvars, clear, clear_count);
}

int cairn_env_snapshot(cairn_recs *recs, const cairn_env_key *k, const char *pid,
		       const char **clear, size_t clear_count)
{
	char source[64], path[128], link[4096], hex[65];
	cairn_buf b = CAIRN_BUF_INIT;
	json_t *proc = json_object(), *cmd = json_array();
	char **vars = NULL;
	size_t nvars = 0, i;
	char *err = NULL;
	const char *base;
	ssize_t ln;
	long pidn;
	char *end;

	if (pid) {
		pidn = strtol(pid, &end, 10);
		if (*pid == '\0' || *end || pidn <= 0) {
			json_decref(proc);
			json_decref(cmd);
			cairn_recs_parse_error(recs, pid, "env", "not a process id");
			return cairn_error_set(CAIRN_EUSAGE, "'%s' is not a process id", pid);
		}
		snprintf(source, sizeof(source), "pid:%ld", pidn);
		snprintf(path, sizeof(path), "/proc/%ld", pidn);
	} else {
		pidn = (long)getpid();
		snprintf(source, sizeof(source), "self");
		snprintf(path, sizeof(path), "/proc/self");
	}
	base = path;
	json_object_set_new(proc, "type", json_string("process"));
	json_object_set_new(proc, "source", json_string(source));
	json_object_set_new(proc, "pid", json_integer(pidn));
	snprintf(link, sizeof(link), "%s/exe", base);
	{
		char target[4096];

		ln = readlink(link, target, sizeof(target) - 1);
		if (ln >= 0) {
			cairn_json_set_bytes(proc, "exe", target, (size_t)ln);
		} else {
			json_object_set_new(proc, "exe", json_null());
			if (!err)
				err = cairn_strdup(strerror(errno));
		}
		if (sha256_path(link, hex) == 0)
			json_object_set_new(proc, "exe_sha256", json_string(hex));
		else
			json_object_set_new(proc, "exe_sha256", json_null());
		snprintf(link, sizeof(link), "%s/cwd", base);
		ln = readlink(link, target, sizeof(target) - 1);
		if (ln >= 0)
			cairn_json_set_bytes(proc, "cwd", target, (size_t)ln);
		else
			json_object_set_new(proc, "cwd", json_null());
	}
	snprintf(link, sizeof(link), "%s/cmdline", base);
	if (read_proc(&b, link) == 0) {
		json_decref(cmd);
		cmd = cairn_env_parse_cmdline(k, b.data, b.len);
	} else if (!err) {
		err = cairn_strdup(cairn_error_last());
	}
	json_object_set_new(proc, "cmdline", cmd);

	if (!pid) {
		for (i = 0; environ && environ[i]; i++) {
			vars = cairn_realloc(vars, (nvars + 1) * sizeof(char *));
			vars[nvars++] = cairn_strdup(environ[i]);
		}
		nvars = env_records(recs, k, source, vars, nvars, clear, clear_count);
	} else {
		snprintf(link, sizeof(link), "%s/environ", base);
		if (read_proc(&b, link) == 0)
			nvars = cairn_env_parse_block(recs, k, source, b.data, b.len,
						      clear, clear_count);
		else if (!err)
			err = cairn_strdup(cairn_error_last());
	}
	json_object_set_new(proc, "env_count", json_integer((json_int_t)nvars));
	json_object_set_new(proc, "error", err ? json_string(err) : json_null());
	free(err);
	if (b.data)
		OPENSSL_cleanse(b.data, b.cap);
	cairn_buf_release(&b);
	cairn_recs_add(recs, proc, cairn_recs_key(source, (char *)NULL));
	return 0;
}
