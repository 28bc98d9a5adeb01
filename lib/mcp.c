/*
 * mcp.c - MCP client configs and Claude Code hooks (see mcp.h).
 *
 * Config shapes: "mcpServers": {name: {command, args, env, type, url,
 * headers}} (Claude Desktop, Claude Code .mcp.json, Cursor, Windsurf);
 * VS Code uses "servers" (and "inputs"); ~/.claude.json also has
 * "projects": {path: {"mcpServers": {...}}}.
 */
#include "mcp.h"

#include <ctype.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf) && (a == b || s[a - b - 1] == '/' || suf[0] == '/');
}

const char *cairn_mcp_config_client(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!strcmp(base, "claude_desktop_config.json"))
		return "claude_desktop";
	if (!strcmp(base, ".mcp.json") || !strcmp(base, ".claude.json"))
		return "claude_code";
	if (ends_with(path, ".cursor/mcp.json"))
		return "cursor";
	if (ends_with(path, ".vscode/mcp.json") || ends_with(path, "Code/User/mcp.json"))
		return "vscode";
	if (!strcmp(base, "mcp_config.json"))
		return "windsurf";
	return NULL;
}

const char *const *cairn_mcp_user_places(void)
{
	static const char *const places[] = {
		".config/Claude/claude_desktop_config.json",
		"Library/Application Support/Claude/claude_desktop_config.json",
		/* a Windows profile as $HOME: %APPDATA% is AppData/Roaming */
		"AppData/Roaming/Claude/claude_desktop_config.json",
		"AppData/Roaming/Code/User/mcp.json",
		".claude.json",
		".cursor/mcp.json",
		".codeium/windsurf/mcp_config.json",
		".config/Code/User/mcp.json",
		".vscode/mcp.json",
		".claude/settings.json",
		NULL
	};

	return places;
}

static int spec_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cairn_npx_cache_key(char *out, const char *const *specs, size_t n)
{
	const char **v = cairn_malloc((n ? n : 1) * sizeof(char *));
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[64];
	unsigned int dl = 0;
	char hex[129];
	size_t i;

	/* libnpmexec sorts with localeCompare('en'); for the ASCII specs npx
	 * takes this is byte order except for case, which we fold */
	memcpy(v, specs, n * sizeof(char *));
	if (n > 1)
		qsort(v, n, sizeof(char *), spec_cmp);
	EVP_DigestInit_ex(md, EVP_sha512(), NULL);
	for (i = 0; i < n; i++) {
		if (i)
			EVP_DigestUpdate(md, "\n", 1);
		EVP_DigestUpdate(md, v[i], strlen(v[i]));
	}
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	cairn_hex(hex, d, 64);
	memcpy(out, hex, 16);
	out[16] = '\0';
	free(v);
}

static int is_exact_semver(const char *v)
{
	const char *p = v;
	int parts = 0;

	if (*p == '=' || *p == 'v')
		p++;
	for (;;) {
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
		parts++;
		if (*p != '.')
			break;
		p++;
	}
	if (parts != 3)
		return 0;
	if (*p == '-' || *p == '+') {
		for (p++; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '+')
				return 0;
	}
	return *p == '\0';
}

const char *cairn_npm_spec_pin(const char *version)
{
	const char *p;

	if (!version || !*version)
		return "none";
	if (strchr(version, ':') || strchr(version, '/'))
		return "url";
	if (is_exact_semver(version))
		return "exact";
	for (p = version; *p; p++)
		if (strchr("^~<>=*| ", *p) || ((*p == 'x' || *p == 'X') && (p == version || p[-1] == '.')))
			return "range";
	if (isdigit((unsigned char)version[0]))
		return "range";   /* "1" or "1.2": any patch */
	return "tag";
}

static const char *arg_at(const json_t *args, size_t i)
{
	return json_string_value(json_array_get(args, i));
}

static void set_pkg(json_t *rec, const char *spec, const char *name,
		    const char *version, const char *pin)
{
	json_object_set_new(rec, "package", spec ? json_string(spec) : json_null());
	json_object_set_new(rec, "package_name", name ? json_string(name) : json_null());
	json_object_set_new(rec, "package_version", version ? json_string(version) : json_null());
	json_object_set_new(rec, "pin", pin ? json_string(pin) : json_null());
	json_object_set_new(rec, "pinned", json_boolean(pin && (!strcmp(pin, "exact") ||
							       !strcmp(pin, "digest"))));
}

static void npm_spec(json_t *rec, const char *spec)
{
	const char *at = spec[0] == '@' ? strchr(spec + 1, '@') : strchr(spec, '@');
	char *name = at ? cairn_strndup(spec, (size_t)(at - spec)) : cairn_strdup(spec);

	if (strchr(spec, ':') && !at) {
		set_pkg(rec, spec, NULL, NULL, "url");
	} else {
		set_pkg(rec, spec, name, at ? at + 1 : NULL, cairn_npm_spec_pin(at ? at + 1 : NULL));
	}
	free(name);
}

/*
 * The package a Python launcher runs (uvx / uv tool run, pipx run): the
 * value of its source option (uvx --from, pipx --spec) given before the
 * command, else the command, the first argument from i on that is neither
 * an option nor the value of one that takes a value (value_opts, NULL
 * ended); NULL when there is neither.
 */
static const char *python_run_spec(const json_t *args, size_t i, size_t n, const char *source_opt,
				   const char *const *value_opts)
{
	const char *source = NULL;
	size_t k;

	for (; i < n; i++) {
		const char *a = arg_at(args, i);
		int takes_value = 0;

		if (!a)
			continue;
		if (!strcmp(a, source_opt) && i + 1 < n) {
			source = arg_at(args, ++i);
			continue;
		}
		for (k = 0; value_opts[k]; k++)
			if (!strcmp(a, value_opts[k]))
				takes_value = 1;
		if (takes_value && i + 1 < n) {
			i++;
			continue;
		}
		if (a[0] == '-')
			continue;
		return source ? source : a;
	}
	return source;
}

static void pip_spec(json_t *rec, const char *spec)
{
	size_t n = strcspn(spec, "=<>!~@[ ;");
	char *name = cairn_strndup(spec, n);
	const char *rest = spec + n;
	const char *pin = "none", *ver = NULL;

	if (*rest == '[') {
		const char *e = strchr(rest, ']');

		rest = e ? e + 1 : rest + strlen(rest);
	}
	if (!strncmp(rest, "===", 3)) {
		ver = rest + 3;
		pin = "exact";
	} else if (!strncmp(rest, "==", 2)) {
		ver = rest + 2;
		pin = strchr(ver, '*') ? "range" : "exact";
	} else if (*rest == '@') {
		ver = rest + 1;
		pin = strchr(ver, ':') ? "url" : is_exact_semver(ver) || isdigit((unsigned char)*ver) ?
			"exact" : "tag";
	} else if (*rest) {
		ver = rest;
		pin = "range";
	}
	set_pkg(rec, spec, name, ver && *ver ? ver : NULL, pin);
	free(name);
}

static void docker_image(json_t *rec, const char *img)
{
	const char *at = strstr(img, "@sha256:");
	const char *slash = strrchr(img, '/');
	const char *colon = strrchr(slash ? slash : img, ':');
	char *name;

	if (at) {
		name = cairn_strndup(img, (size_t)(at - img));
		set_pkg(rec, img, name, at + 1, "digest");
	} else if (colon) {
		name = cairn_strndup(img, (size_t)(colon - img));
		set_pkg(rec, img, name, colon + 1, "tag");
	} else {
		name = cairn_strdup(img);
		set_pkg(rec, img, name, NULL, "none");
	}
	free(name);
}

static int docker_opt_takes_value(const char *o)
{
	static const char *const v[] = {
		"-e", "--env", "-v", "--volume", "-p", "--publish", "--name", "--network",
		"--mount", "-w", "--workdir", "-u", "--user", "--entrypoint", "--env-file",
		"-l", "--label", "--platform", "--cpus", "-m", "--memory", "--add-host",
		"--device", "--cap-add", "--cap-drop", "--security-opt", "--tmpfs",
		"--ulimit", "--pull", "--restart", "--log-driver", "-h", "--hostname",
		"--net", "--ipc", "--pid", "--gpus", "--shm-size", "--runtime", NULL
	};
	size_t i;

	for (i = 0; v[i]; i++)
		if (!strcmp(o, v[i]))
			return 1;
	return 0;
}

void cairn_mcp_launch(json_t *rec, const char *command, const json_t *args)
{
	const char *base;
	size_t n = json_array_size(args), i = 0;
	const char *launcher = "other";
	char key[17];

	json_object_set_new(rec, "npx_cache", json_null());
	if (!command) {
		json_object_set_new(rec, "launcher", json_null());
		set_pkg(rec, NULL, NULL, NULL, NULL);
		return;
	}
	base = strrchr(command, '/');
	base = base ? base + 1 : command;
	set_pkg(rec, NULL, NULL, NULL, NULL);
	if (!strcmp(base, "npx") || !strcmp(base, "npx.cmd") ||
	    (!strcmp(base, "npm") && n && (!strcmp(arg_at(args, 0) ? arg_at(args, 0) : "", "exec") ||
					  !strcmp(arg_at(args, 0) ? arg_at(args, 0) : "", "x")))) {
		const char *pkgs[64];
		size_t np = 0;
		const char *positional = NULL;

		launcher = strcmp(base, "npm") ? "npx" : "npm-exec";
		if (!strcmp(base, "npm"))
			i = 1;
		for (; i < n; i++) {
			const char *a = arg_at(args, i);

			if (!a)
				continue;
			if (!strcmp(a, "--"))  {
				if (i + 1 < n)
					positional = arg_at(args, i + 1);
				break;
			}
			if ((!strcmp(a, "-p") || !strcmp(a, "--package")) && i + 1 < n) {
				if (np < 64 && arg_at(args, i + 1))
					pkgs[np++] = arg_at(args, i + 1);
				i++;
				continue;
			}
			if (!strncmp(a, "--package=", 10)) {
				if (np < 64)
					pkgs[np++] = a + 10;
				continue;
			}
			if ((!strcmp(a, "-c") || !strcmp(a, "--call")) && i + 1 < n) {
				i++;
				continue;
			}
			if (a[0] == '-')
				continue;
			positional = a;
			break;
		}
		if (!np && positional)
			pkgs[np++] = positional;
		if (np) {
			npm_spec(rec, pkgs[0]);
			cairn_npx_cache_key(key, pkgs, np);
			json_object_set_new(rec, "npx_cache", json_string(key));
		}
	} else if (!strcmp(base, "bunx") ||
		   ((!strcmp(base, "pnpm") || !strcmp(base, "yarn")) && n &&
		    arg_at(args, 0) && !strcmp(arg_at(args, 0), "dlx"))) {
		launcher = !strcmp(base, "bunx") ? "bunx" : !strcmp(base, "pnpm") ? "pnpm-dlx" : "yarn-dlx";
		for (i = strcmp(base, "bunx") ? 1 : 0; i < n; i++) {
			const char *a = arg_at(args, i);

			if (a && a[0] != '-') {
				npm_spec(rec, a);
				break;
			}
		}
	} else if (!strcmp(base, "uvx") ||
		   (!strcmp(base, "uv") && n >= 2 && arg_at(args, 0) && arg_at(args, 1) &&
		    !strcmp(arg_at(args, 0), "tool") && !strcmp(arg_at(args, 1), "run"))) {
		static const char *const value_opts[] = {
			"--with", "-p", "--python", "--index", "--index-url", NULL
		};
		const char *spec;

		launcher = "uvx";
		spec = python_run_spec(args, strcmp(base, "uv") ? 0 : 2, n, "--from", value_opts);
		if (spec)
			pip_spec(rec, spec);
	} else if (!strcmp(base, "pipx") && n && arg_at(args, 0) && !strcmp(arg_at(args, 0), "run")) {
		/* pipx run's options that take a value (pipx 1.x) */
		static const char *const value_opts[] = {
			"--python", "--index-url", "-i", "--pip-args", NULL
		};
		const char *spec;

		launcher = "pipx";
		spec = python_run_spec(args, 1, n, "--spec", value_opts);
		if (spec)
			pip_spec(rec, spec);
	} else if ((!strcmp(base, "docker") || !strcmp(base, "podman")) && n &&
		   arg_at(args, 0) && !strcmp(arg_at(args, 0), "run")) {
		launcher = "docker";
		for (i = 1; i < n; i++) {
			const char *a = arg_at(args, i);

			if (!a)
				continue;
			if (a[0] == '-') {
				if (!strchr(a, '=') && docker_opt_takes_value(a))
					i++;
				continue;
			}
			docker_image(rec, a);
			break;
		}
	} else if (!strcmp(base, "node") || !strcmp(base, "deno") || !strcmp(base, "bun")) {
		launcher = "node";
	} else if (!strncmp(base, "python", 6) || !strcmp(base, "uv")) {
		launcher = "python";
	}
	json_object_set_new(rec, "launcher", json_string(launcher));
}

static int redacted_cmp(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "name"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "name"));

	return strcmp(x ? x : "", y ? y : "");
}

static json_t *redact_object(const cairn_env_key *key, const json_t *obj)
{
	json_t *arr = json_array(), **v;
	const char *k;
	json_t *val;
	size_t n = 0, i;

	if (!json_is_object(obj))
		return arr;
	v = cairn_malloc((json_object_size(obj) + 1) * sizeof(*v));
	json_object_foreach((json_t *)obj, k, val) {
		char *text;

		if (json_is_string(val))
			text = cairn_strndup(json_string_value(val), json_string_length(val));
		else
			text = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
		v[n++] = cairn_env_redact(key, k, text ? text : "", text ? strlen(text) : 0, 0);
		free(text);
	}
	qsort(v, n, sizeof(*v), redacted_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
	return arr;
}

static void one_server(cairn_recs *recs, const cairn_env_key *key, const char *label,
		       const char *client, const char *scope, const char *name,
		       const json_t *s, int npx_fd, const char *npx_label)
{
	json_t *rec = json_object(), *args = json_array();
	const char *command = json_string_value(json_object_get(s, "command"));
	const char *url = json_string_value(json_object_get(s, "url"));
	const char *type = json_string_value(json_object_get(s, "type"));
	const json_t *a = json_object_get(s, "args");
	size_t i;

	if (!url)
		url = json_string_value(json_object_get(s, "serverUrl"));  /* Windsurf */
	json_object_set_new(rec, "type", json_string("mcp_server"));
	cairn_json_set_bytes(rec, "config", label, strlen(label));
	json_object_set_new(rec, "client", json_string(client));
	cairn_json_set_bytes(rec, "scope", scope, strlen(scope));
	cairn_json_set_bytes(rec, "server", name, strlen(name));
	if (!type) {
		if (command)
			type = "stdio";
		else if (url) {
			size_t ul = strlen(url);

			type = (ul >= 4 && !strcmp(url + ul - 4, "/sse")) ? "sse" : "http";
		}
	}
	json_object_set_new(rec, "transport", type ? json_string(type) : json_null());
	json_object_set_new(rec, "command", command ? json_string(command) : json_null());
	for (i = 0; i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)))
			json_array_append(args, json_array_get(a, i));
	json_object_set_new(rec, "url", url ? json_string(url) : json_null());
	json_object_set_new(rec, "env", redact_object(key, json_object_get(s, "env")));
	json_object_set_new(rec, "headers", redact_object(key, json_object_get(s, "headers")));
	cairn_mcp_launch(rec, command, args);
	/* arguments carry keys as often as env does ("--api-key=sk-..."):
	 * recorded like a process's command line */
	for (i = 0; i < json_array_size(args); i++) {
		const json_t *x = json_array_get(args, i);

		json_array_set_new(args, i, cairn_env_redact_arg(key, json_string_value(x),
								  json_string_length(x)));
	}
	json_object_set_new(rec, "args", args);
	{
		const char *k = json_string_value(json_object_get(rec, "npx_cache"));
		int present = 0;

		if (k) {
			char *lbl = cairn_path_join(npx_label ? npx_label : "_npx", k);
			struct stat st;

			present = npx_fd >= 0 && fstatat(npx_fd, k, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				  S_ISDIR(st.st_mode);
			json_object_set_new(rec, "npx_cache", json_string(lbl));
			free(lbl);
		}
		json_object_set_new(rec, "npx_cache_present", json_boolean(present));
	}
	cairn_recs_add(recs, rec, cairn_recs_key(label, scope, name, (char *)NULL));
}

static int servers_of(cairn_recs *recs, const cairn_env_key *key, const char *label,
		      const char *client, const char *scope, const json_t *servers, int npx_fd,
		      const char *npx_label)
{
	const char *name;
	json_t *s;
	int n = 0;

	if (!json_is_object(servers))
		return 0;
	json_object_foreach((json_t *)servers, name, s) {
		if (!json_is_object(s))
			continue;
		one_server(recs, key, label, client, scope, name, s, npx_fd, npx_label);
		n++;
	}
	return n;
}

static json_t *load(cairn_recs *recs, const char *label, const char *analyzer,
		    const char *data, size_t len)
{
	json_error_t err;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);

	if (!j || !json_is_object(j)) {
		char msg[300];

		if (j)
			snprintf(msg, sizeof(msg), "not a JSON object");
		else
			snprintf(msg, sizeof(msg), "line %d column %d: %s", err.line, err.column, err.text);
		cairn_recs_parse_error(recs, label, analyzer, msg);
		json_decref(j);
		return NULL;
	}
	return j;
}

int cairn_mcp_parse(cairn_recs *recs, const cairn_env_key *key, const char *label,
		    const char *client, const char *data, size_t len, int npx_fd,
		    const char *npx_label)
{
	json_t *j = load(recs, label, "mcp", data, len);
	int n = 0;

	if (!j)
		return 0;
	if (!client)
		client = "unknown";
	n += servers_of(recs, key, label, client, "", json_object_get(j, "mcpServers"), npx_fd, npx_label);
	n += servers_of(recs, key, label, client, "", json_object_get(j, "servers"), npx_fd, npx_label);
	{
		const json_t *projects = json_object_get(j, "projects");
		const char *p;
		json_t *o;

		if (json_is_object(projects))
			json_object_foreach((json_t *)projects, p, o)
				n += servers_of(recs, key, label, client, p,
						json_object_get(o, "mcpServers"), npx_fd, npx_label);
	}
	json_decref(j);
	return n;
}

int cairn_claude_settings_parse(cairn_recs *recs, const char *label,
				const char *data, size_t len)
{
	json_t *j = load(recs, label, "mcp", data, len);
	const json_t *hooks;
	const char *event;
	json_t *groups;
	int n = 0;

	if (!j)
		return 0;
	hooks = json_object_get(j, "hooks");
	if (json_is_object(hooks)) {
		json_object_foreach((json_t *)hooks, event, groups) {
			size_t g, h;

			for (g = 0; g < json_array_size(groups); g++) {
				const json_t *grp = json_array_get(groups, g);
				const json_t *list = json_object_get(grp, "hooks");
				const char *matcher = json_string_value(json_object_get(grp, "matcher"));

				for (h = 0; h < json_array_size(list); h++) {
					const json_t *hk = json_array_get(list, h);
					json_t *rec = json_object();
					const char *cmd = json_string_value(json_object_get(hk, "command"));
					const char *type = json_string_value(json_object_get(hk, "type"));
					const json_t *to = json_object_get(hk, "timeout");
					char idx[48];

					snprintf(idx, sizeof(idx), "%zu.%zu", g, h);
					json_object_set_new(rec, "type", json_string("claude_hook"));
					cairn_json_set_bytes(rec, "config", label, strlen(label));
					cairn_json_set_bytes(rec, "event", event, strlen(event));
					json_object_set_new(rec, "matcher", matcher ? json_string(matcher) : json_null());
					json_object_set_new(rec, "index", json_string(idx));
					json_object_set_new(rec, "hook_type", type ? json_string(type) : json_null());
					json_object_set_new(rec, "command", cmd ? json_string(cmd) : json_null());
					json_object_set_new(rec, "timeout", json_is_number(to) ?
							    json_deep_copy(to) : json_null());
					snprintf(idx, sizeof(idx), "%010zu.%010zu", g, h);
					cairn_recs_add(recs, rec, cairn_recs_key(label, event, idx, (char *)NULL));
					n++;
				}
			}
		}
	}
	json_decref(j);
	return n;
}
