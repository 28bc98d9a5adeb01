/*
 * check_env.c - environment records: values never in clear (only HMAC
 * under a 0600 key file), --env-clear, the secret-name table, /proc/PID of
 * a child process with a known environment.
 */
#include "envsnap.h"
#include "pkgtest.h"

#include <signal.h>
#include <sys/wait.h>

static char *tmp;

static void setup(void)
{
	tmp = pt_mkdtemp();
}

static void teardown(void)
{
	pt_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
}

static char *keypath(const char *name)
{
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_buf_addf(&b, "%s/%s", tmp, name);
	return cairn_buf_detach(&b, NULL);
}

START_TEST(test_env_secret_table)
{
	static const struct { const char *name, *rule; } t[] = {
		{ "OPENAI_API_KEY", "exact" }, { "DATABASE_URL", "exact" },
		{ "GITHUB_TOKEN", "exact" }, { "AWS_SECRET_ACCESS_KEY", "AWS_*" },
		{ "aws_access_key_id", "AWS_*" }, { "AWS_SESSION_TOKEN", "AWS_*" },
		{ "AWS_SECURITY_TOKEN", "AWS_*" }, { "AZURE_CLIENT_SECRET", "AZURE_*" },
		{ "AZURE_STORAGE_CONNECTION_STRING", "AZURE_*" }, { "GOOGLE_API_KEY", "GCP_*" },
		{ "GOOGLE_CREDENTIALS", "GCP_*" },
		/* a vendor's ordinary settings and the places of its credentials */
		{ "aws_profile", NULL }, { "AWS_REGION", NULL }, { "AWS_DEFAULT_REGION", NULL },
		{ "AWS_CA_BUNDLE", NULL }, { "AWS_CONFIG_FILE", NULL },
		{ "AWS_SHARED_CREDENTIALS_FILE", NULL }, { "AWS_WEB_IDENTITY_TOKEN_FILE", NULL },
		{ "AWS_ENDPOINT_URL", NULL }, { "AZURE_TENANT_ID", NULL },
		{ "AZURE_FEDERATED_TOKEN_FILE", NULL }, { "GOOGLE_CLOUD_PROJECT", NULL },
		{ "GCP_PROJECT", NULL },
		/* unknown vendor names still meet the generic rules */
		{ "AWS_MY_TOKEN", "*_TOKEN" }, { "AZURE_SEARCH_ADMIN_KEY", "*_KEY" },
		{ "STRIPE_KEY", "*_KEY" }, { "MY_API_KEY", "*_KEY" },
		{ "SLACK_BOT_TOKEN", "*_TOKEN" }, { "JWT_SECRET", "*_SECRET" },
		{ "DB_PASSWORD", "*PASSWORD*" }, { "SMTP_PASS", "*PASSWORD*" },
		{ "GOOGLE_APPLICATION_CREDENTIALS", "exact" }, { "AZURE_CLIENT_ID", NULL },
		{ "BASIC_AUTH", "*_AUTH" }, { "SSH_PRIVATE_KEY_FILE", "*PRIVATE*" },
		{ "PATH", NULL }, { "HOME", NULL }, { "NODE_ENV", NULL }, { "LANG", NULL },
		{ "KEYBOARD", NULL }, { "MONKEY", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = cairn_env_secret_rule(t[i].name);

		if (t[i].rule)
			ck_assert_msg(got && !strcmp(got, t[i].rule), "%s: got %s want %s",
				      t[i].name, got ? got : "(none)", t[i].rule);
		else
			ck_assert_msg(got == NULL, "%s classified %s", t[i].name, got);
	}
}
END_TEST

START_TEST(test_env_key_file)
{
	char *p = keypath("sub/dir/env.key"), *q = keypath("other.key"), *l = keypath("link.key");
	cairn_env_key *k1 = NULL, *k2 = NULL, *k3 = NULL;
	json_t *a, *b, *c;
	struct stat st;
	char id1[65], id2[65];

	ck_assert_int_eq(cairn_env_key_load(&k1, p), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 32);
	ck_assert_int_eq(cairn_env_key_load(&k2, p), 0);   /* same key reloaded */
	ck_assert_int_eq(cairn_env_key_load(&k3, q), 0);   /* another key */
	cairn_env_key_id(k1, id1);
	cairn_env_key_id(k2, id2);
	ck_assert_str_eq(id1, id2);
	a = cairn_env_redact(k1, "API_TOKEN", "s3cr3t", 6, 0);
	b = cairn_env_redact(k2, "API_TOKEN", "s3cr3t", 6, 0);
	c = cairn_env_redact(k3, "API_TOKEN", "s3cr3t", 6, 0);
	ck_assert_str_eq(json_string_value(json_object_get(a, "hmac_sha256")),
			 json_string_value(json_object_get(b, "hmac_sha256")));
	ck_assert_str_ne(json_string_value(json_object_get(a, "hmac_sha256")),
			 json_string_value(json_object_get(c, "hmac_sha256")));
	ck_assert_int_eq(json_integer_value(json_object_get(a, "length")), 6);
	ck_assert(json_is_true(json_object_get(a, "secret")));
	ck_assert_ptr_null(json_object_get(a, "value"));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	cairn_env_key_free(k1);
	cairn_env_key_free(k2);
	cairn_env_key_free(k3);
	/* a symlink or a file of the wrong size is refused */
	ck_assert_int_eq(symlink(p, l), 0);
	ck_assert_int_lt(cairn_env_key_load(&k1, l), 0);
	ck_assert_ptr_null(k1);
	pt_write(q, "short", 5);
	ck_assert_int_eq(cairn_env_key_load(&k1, q), CAIRN_EFORMAT);
	free(p);
	free(q);
	free(l);
}
END_TEST

/* What cairn-capture and cairn-report read secrets with: a named key
 * must exist; without one, the default key is used when it is there, and
 * its absence is no error (nothing is created). */
START_TEST(test_env_key_open_reader)
{
	char *named = keypath("named.key"), *xdg = keypath("xdg"), *dflt = keypath("xdg/cairn/env.key");
	const char *old = getenv("XDG_CONFIG_HOME");
	char *saved = old ? strdup(old) : NULL;
	cairn_env_key *k = NULL, *made = NULL;
	char id1[65], id2[65];
	struct stat st;

	ck_assert_int_eq(setenv("XDG_CONFIG_HOME", xdg, 1), 0);
	ck_assert_int_eq(cairn_env_key_open_reader(&k, named), CAIRN_ENOTFOUND);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(cairn_env_key_open_reader(&k, NULL), 0);
	ck_assert_ptr_null(k);
	ck_assert_str_eq(cairn_error_last(), "");
	ck_assert_int_ne(stat(dflt, &st), 0);              /* never created */
	ck_assert_int_eq(cairn_env_key_load(&made, dflt), 0);
	ck_assert_int_eq(cairn_env_key_open_reader(&k, NULL), 0);
	ck_assert_ptr_nonnull(k);
	cairn_env_key_id(made, id1);
	cairn_env_key_id(k, id2);
	ck_assert_str_eq(id1, id2);
	cairn_env_key_free(k);
	k = NULL;
	pt_write(named, "short", 5);
	ck_assert_int_eq(cairn_env_key_open_reader(&k, named), CAIRN_EFORMAT);
	ck_assert_ptr_null(k);
	if (saved)
		setenv("XDG_CONFIG_HOME", saved, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	free(saved);
	cairn_env_key_free(made);
	free(named);
	free(xdg);
	free(dflt);
}
END_TEST

/* The environment of a child with known values: /proc/PID is read, no
 * value appears in clear except under --env-clear. */
START_TEST(test_env_pid_never_clear)
{
	char *kp = keypath("k");
	cairn_env_key *k = NULL;
	cairn_recs recs;
	pid_t pid;
	char pidstr[32];
	int ready[2];
	size_t i;
	char c;

	ck_assert_int_eq(cairn_env_key_load(&k, kp), 0);
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *envp[] = { "OPENAI_API_KEY=sk-live-very-secret-value", "PATH=/usr/bin:/bin",
				 "DATABASE_URL=postgres://u:hunter2@db/x", "NODE_ENV=production", NULL };
		char *sh[] = { "sh", "-c", "echo >&3; while :; do sleep 1; done", "x",
			       "--password=hunter2", NULL };

		dup2(ready[1], 3);
		close(ready[0]);
		execve("/bin/sh", sh, envp);
		_exit(127);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	cairn_recs_init(&recs);
	{
		const char *clear[] = { "PATH" };

		ck_assert_int_eq(cairn_env_snapshot(&recs, k, pidstr, clear, 1), 0);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cairn_recs_sort(&recs);
	{
		int envs = 0, saw_path = 0, saw_proc = 0;

		for (i = 0; i < recs.n; i++) {
			json_t *r = recs.v[i].rec;
			char *s = json_dumps(r, JSON_COMPACT);
			const char *t = json_string_value(json_object_get(r, "type"));

			ck_assert_ptr_null(strstr(s, "sk-live-very-secret-value"));
			ck_assert_ptr_null(strstr(s, "hunter2"));
			ck_assert_ptr_null(strstr(s, "production"));
			if (!strcmp(t, "env")) {
				const char *name = json_string_value(json_object_get(r, "name"));

				envs++;
				if (!strcmp(name, "PATH")) {
					saw_path = 1;
					ck_assert_str_eq(json_string_value(json_object_get(r, "value")),
							 "/usr/bin:/bin");
				} else {
					ck_assert_ptr_null(json_object_get(r, "value"));
				}
				if (!strcmp(name, "OPENAI_API_KEY")) {
					ck_assert(json_is_true(json_object_get(r, "secret")));
					ck_assert_int_eq(json_integer_value(json_object_get(r, "length")), 25);
				}
			} else if (!strcmp(t, "process")) {
				saw_proc = 1;
				ck_assert_str_eq(json_string_value(json_object_get(r, "source")), recs.v[i].key);
				ck_assert_int_eq(json_integer_value(json_object_get(r, "env_count")), 4);
				ck_assert_int_eq(strlen(json_string_value(json_object_get(r, "exe_sha256"))), 64);
				ck_assert_ptr_nonnull(strstr(s, "--password=<redacted:hmac:"));
			}
			free(s);
		}
		ck_assert_int_eq(envs, 4);
		ck_assert(saw_path);
		ck_assert(saw_proc);
	}
	cairn_recs_release(&recs);
	cairn_env_key_free(k);
	free(kp);
}
END_TEST

START_TEST(test_env_self_and_bad_pid)
{
	char *kp = keypath("k");
	cairn_env_key *k = NULL;
	cairn_recs recs;
	json_t *proc = NULL;
	size_t i;

	setenv("CAIRN_TEST_SECRET_TOKEN", "tok-123456", 1);
	ck_assert_int_eq(cairn_env_key_load(&k, kp), 0);
	cairn_recs_init(&recs);
	ck_assert_int_eq(cairn_env_snapshot(&recs, k, NULL, NULL, 0), 0);
	for (i = 0; i < recs.n; i++) {
		char *s = json_dumps(recs.v[i].rec, JSON_COMPACT);

		ck_assert_ptr_null(strstr(s, "tok-123456"));
		if (strstr(s, "\"process\""))
			proc = recs.v[i].rec;
		free(s);
	}
	ck_assert_ptr_nonnull(proc);
	ck_assert_str_eq(json_string_value(json_object_get(proc, "source")), "self");
	ck_assert_int_eq(cairn_env_snapshot(&recs, k, "12ab", NULL, 0), CAIRN_EUSAGE);
	/* a pid that does not exist: recorded with its error, no crash */
	ck_assert_int_eq(cairn_env_snapshot(&recs, k, "2147483646", NULL, 0), 0);
	unsetenv("CAIRN_TEST_SECRET_TOKEN");
	cairn_recs_release(&recs);
	cairn_env_key_free(k);
	free(kp);
}
END_TEST

Suite *env_suite(void)
{
	Suite *s = suite_create("env");
	TCase *tc = tcase_create("env");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_env_secret_table);
	tcase_add_test(tc, test_env_key_file);
	tcase_add_test(tc, test_env_key_open_reader);
	tcase_add_test(tc, test_env_pid_never_clear);
	tcase_add_test(tc, test_env_self_and_bad_pid);
	suite_add_tcase(s, tc);
	return s;
}
