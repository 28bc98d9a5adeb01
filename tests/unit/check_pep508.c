/*
 * check_pep508.c - environment markers (lib/pep508.c): PEP 508's own
 * examples and those of the packaging library's tests, evaluated for a
 * CPython 3.11.2 on x86_64 Linux; three-valued results when a variable
 * is not known (platform_release, extra); what the strict parser refuses.
 */
#include "pep508.h"
#include "pkgtest.h"

static void env_linux(cairn_pep508_env *e)
{
	memset(e, 0, sizeof(*e));
	e->v[CAIRN_PEP508_PYTHON_VERSION] = "3.11";
	e->v[CAIRN_PEP508_PYTHON_FULL_VERSION] = "3.11.2";
	e->v[CAIRN_PEP508_OS_NAME] = "posix";
	e->v[CAIRN_PEP508_SYS_PLATFORM] = "linux";
	e->v[CAIRN_PEP508_PLATFORM_SYSTEM] = "Linux";
	e->v[CAIRN_PEP508_PLATFORM_MACHINE] = "x86_64";
	e->v[CAIRN_PEP508_PLATFORM_PYTHON_IMPLEMENTATION] = "CPython";
	e->v[CAIRN_PEP508_IMPLEMENTATION_NAME] = "cpython";
	e->v[CAIRN_PEP508_IMPLEMENTATION_VERSION] = "3.11.2";
}

static int eval(const char *m, const cairn_pep508_env *e, cairn_buf *why)
{
	int v = -1;

	ck_assert_msg(cairn_pep508_eval(&v, m, e, why, "t") == 0, "%s: %s", m, cairn_error_last());
	return v;
}

START_TEST(test_pep508_examples)
{
	static const struct { const char *m; int want; } cases[] = {
		/* PEP 508 */
		{ "python_version < \"2.7\"", CAIRN_PEP508_FALSE },
		{ "python_version<\"2.7\"", CAIRN_PEP508_FALSE },
		{ "os_name == \"posix\"", CAIRN_PEP508_TRUE },
		{ "python_version >= \"3.5\" and (sys_platform == \"linux\" or os_name == \"nt\")", CAIRN_PEP508_TRUE },
		{ "sys_platform == 'win32'", CAIRN_PEP508_FALSE },
		{ "platform_machine == 'x86_64'", CAIRN_PEP508_TRUE },
		{ "platform_machine == \"aarch64\" or platform_machine == \"arm64\"", CAIRN_PEP508_FALSE },
		{ "platform_python_implementation == 'CPython'", CAIRN_PEP508_TRUE },
		{ "implementation_name != 'PyPy'", CAIRN_PEP508_TRUE },
		{ "platform_system != \"Windows\"", CAIRN_PEP508_TRUE },
		/* uv.lock (mcp-server-fetch) */
		{ "python_full_version < '3.11'", CAIRN_PEP508_FALSE },
		{ "python_full_version >= '3.14' and sys_platform == 'win32'", CAIRN_PEP508_FALSE },
		{ "python_full_version < '3.14' and sys_platform != 'win32'", CAIRN_PEP508_TRUE },
		{ "python_full_version >= '3.11.1'", CAIRN_PEP508_TRUE },
		/* versions compare as versions, not as strings */
		{ "python_version > '3.9'", CAIRN_PEP508_TRUE },
		{ "python_version < '3.9'", CAIRN_PEP508_FALSE },
		{ "python_version == '3.11.0'", CAIRN_PEP508_TRUE },
		{ "python_full_version == '3.11.*'", CAIRN_PEP508_TRUE },
		{ "python_full_version != '3.11.*'", CAIRN_PEP508_FALSE },
		{ "python_full_version == '3.1.*'", CAIRN_PEP508_FALSE },
		{ "python_full_version ~= '3.11.0'", CAIRN_PEP508_TRUE },
		{ "python_full_version ~= '3.10'", CAIRN_PEP508_TRUE },
		{ "python_full_version ~= '3.11.3'", CAIRN_PEP508_FALSE },
		{ "python_version === '3.11'", CAIRN_PEP508_TRUE },
		/* the variable on the right */
		{ "'3.8' <= python_version", CAIRN_PEP508_TRUE },
		{ "'linux' in sys_platform", CAIRN_PEP508_TRUE },
		{ "'lin' in sys_platform", CAIRN_PEP508_TRUE },
		{ "'win' not in sys_platform", CAIRN_PEP508_TRUE },
		{ "sys_platform in 'linux2 darwin'", CAIRN_PEP508_TRUE },
		/* strings that are not versions compare as strings */
		{ "sys_platform < 'm'", CAIRN_PEP508_TRUE },
		/* packaging's legacy names */
		{ "os.name == 'posix' and sys.platform == 'linux'", CAIRN_PEP508_TRUE },
		{ "python_implementation == 'CPython'", CAIRN_PEP508_TRUE },
		/* precedence: and binds tighter than or */
		{ "os_name == 'nt' and sys_platform == 'win32' or os_name == 'posix'", CAIRN_PEP508_TRUE },
		{ "os_name == 'nt' and (sys_platform == 'win32' or os_name == 'posix')", CAIRN_PEP508_FALSE },
		{ "((((os_name == 'posix'))))", CAIRN_PEP508_TRUE },
		{ "  os_name\t==\t'posix'  ", CAIRN_PEP508_TRUE },
		{ "'a' == 'a'", CAIRN_PEP508_TRUE },
	};
	cairn_pep508_env e;
	size_t i;

	env_linux(&e);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(eval(cases[i].m, &e, NULL) == cases[i].want, "%s: got %d, want %d",
			      cases[i].m, eval(cases[i].m, &e, NULL), cases[i].want);
}
END_TEST

START_TEST(test_pep508_unknown)
{
	cairn_pep508_env e;
	cairn_buf why = CAIRN_BUF_INIT;

	env_linux(&e);
	/* not known, and the answer depends on it */
	ck_assert_int_eq(eval("platform_release >= '5.0'", &e, &why), CAIRN_PEP508_UNKNOWN);
	ck_assert_str_eq(why.data, "platform_release not known");
	cairn_buf_clear(&why);
	ck_assert_int_eq(eval("extra == 'socks' or platform_version == '1' or extra == 'x'", &e, &why),
			 CAIRN_PEP508_UNKNOWN);
	ck_assert_str_eq(why.data, "extra not known, platform_version not known");
	/* Kleene: decided without the unknown part */
	cairn_buf_clear(&why);
	ck_assert_int_eq(eval("sys_platform == 'win32' and platform_release >= '10'", &e, &why),
			 CAIRN_PEP508_FALSE);
	ck_assert_int_eq(eval("sys_platform == 'linux' or platform_release >= '10'", &e, &why),
			 CAIRN_PEP508_TRUE);
	ck_assert_int_eq(eval("sys_platform == 'linux' and platform_release >= '10'", &e, &why),
			 CAIRN_PEP508_UNKNOWN);
	/* extra known: PEP 685 normalised */
	e.v[CAIRN_PEP508_EXTRA] = "Socks_Proxy";
	ck_assert_int_eq(eval("extra == 'socks-proxy'", &e, NULL), CAIRN_PEP508_TRUE);
	/* python_full_version not known (no pyvenv.cfg) */
	e.v[CAIRN_PEP508_PYTHON_FULL_VERSION] = NULL;
	cairn_buf_clear(&why);
	ck_assert_int_eq(eval("python_full_version < '3.11'", &e, &why), CAIRN_PEP508_UNKNOWN);
	ck_assert_str_eq(why.data, "python_full_version not known");
	/* ~= on something that is not a version: undefined */
	cairn_buf_clear(&why);
	ck_assert_int_eq(eval("platform_machine ~= 'x86'", &e, &why), CAIRN_PEP508_UNKNOWN);
	ck_assert_str_eq(why.data, "platform_machine compared with ~= is not a version");
	/* nothing known at all */
	ck_assert_int_eq(eval("os_name == 'posix'", NULL, NULL), CAIRN_PEP508_UNKNOWN);
	cairn_buf_release(&why);
}
END_TEST

START_TEST(test_pep508_refuses)
{
	static const struct { const char *m; const char *msg; } bad[] = {
		{ "", "column 1: expected a variable or a string" },
		{ "python_version", "column 15: expected a comparison operator" },
		{ "python_version <", "column 17: expected a variable or a string" },
		{ "python_version < '3.8", "unterminated string" },
		{ "python_version < \"3.8'", "unterminated string" },
		{ "python_version < '3\\.8'", "character not allowed in a string" },
		{ "os_name == 'posix\x1b[31m'", "character not allowed in a string" },
		{ "os_name == 'p\xc3\xa9'", "character not allowed in a string" },
		{ "python_version < '3.8' and", "expected a variable or a string" },
		{ "python_version < '3.8' andos_name == 'x'", "column 24: expected 'and', 'or' or the end" },
		{ "python_version < '3.8' && os_name == 'x'", "expected 'and', 'or' or the end" },
		{ "(python_version < '3.8'", "expected ')'" },
		{ "python_version < '3.8')", "unbalanced ')'" },
		{ "pyton_version < '3.8'", "column 1: not a marker variable" },
		{ "__import__('os') == '1'", "not a marker variable" },
		{ "python_version = '3.8'", "expected a comparison operator" },
		{ "python_version notin '3.8'", "expected a comparison operator" },
		{ "python_version not'3.8'", "expected a comparison operator" },
		{ "os_name == 'posix' or", "expected a variable or a string" },
		{ "not os_name == 'posix'", "not a marker variable" },
	};
	cairn_pep508_env e;
	cairn_buf deep = CAIRN_BUF_INIT, big = CAIRN_BUF_INIT;
	size_t i;
	int v = 7;

	env_linux(&e);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(cairn_pep508_eval(&v, bad[i].m, &e, NULL, "uv.lock") == CAIRN_EFORMAT,
			      "accepted: %s", bad[i].m);
		ck_assert_msg(strstr(cairn_error_last(), bad[i].msg) &&
			      !strncmp(cairn_error_last(), "uv.lock: marker column ", 23),
			      "%s: got '%s', want '%s'", bad[i].m, cairn_error_last(), bad[i].msg);
	}
	/* 33 parentheses deep, and longer than 8 KiB */
	for (i = 0; i < CAIRN_PEP508_MAX_DEPTH + 1; i++)
		cairn_buf_addch(&deep, '(');
	cairn_buf_addstr(&deep, "os_name == 'posix'");
	for (i = 0; i < CAIRN_PEP508_MAX_DEPTH + 1; i++)
		cairn_buf_addch(&deep, ')');
	ck_assert_int_eq(cairn_pep508_eval(&v, deep.data, &e, NULL, "t"), CAIRN_ELIMIT);
	ck_assert_str_eq(cairn_error_last(), "t: marker column 33: nested too deep");
	/* 32 deep is accepted */
	memmove(deep.data, deep.data + 1, deep.len - 2);
	deep.len -= 2;
	deep.data[deep.len] = '\0';
	ck_assert_int_eq(cairn_pep508_eval(&v, deep.data, &e, NULL, "t"), 0);
	ck_assert_int_eq(v, CAIRN_PEP508_TRUE);
	cairn_buf_addstr(&big, "os_name == 'posix'");
	while (big.len <= CAIRN_PEP508_MAX_LEN)
		cairn_buf_addstr(&big, " or os_name == 'nt'");
	ck_assert_int_eq(cairn_pep508_eval(&v, big.data, &e, NULL, "t"), CAIRN_ELIMIT);
	ck_assert_str_eq(cairn_error_last(), "t: marker longer than 8192 bytes");
	cairn_buf_release(&deep);
	cairn_buf_release(&big);
}
END_TEST

START_TEST(test_pep508_host)
{
	cairn_pep508_env e;
	char machine[80];

	memset(&e, 0, sizeof(e));
	cairn_pep508_env_host(&e, machine, sizeof(machine));
	ck_assert_str_eq(e.v[CAIRN_PEP508_SYS_PLATFORM], "linux");
	ck_assert_str_eq(e.v[CAIRN_PEP508_PLATFORM_SYSTEM], "Linux");
	ck_assert_str_eq(e.v[CAIRN_PEP508_OS_NAME], "posix");
	ck_assert_ptr_nonnull(e.v[CAIRN_PEP508_PLATFORM_MACHINE]);
	ck_assert_ptr_null(e.v[CAIRN_PEP508_PLATFORM_RELEASE]);
	ck_assert_ptr_null(e.v[CAIRN_PEP508_PYTHON_VERSION]);
	ck_assert_str_eq(cairn_pep508_var_name(CAIRN_PEP508_EXTRA), "extra");
}
END_TEST

Suite *pep508_suite(void);

Suite *pep508_suite(void)
{
	Suite *s = suite_create("pep508");
	TCase *c = tcase_create("pep508");

	tcase_add_test(c, test_pep508_examples);
	tcase_add_test(c, test_pep508_unknown);
	tcase_add_test(c, test_pep508_refuses);
	tcase_add_test(c, test_pep508_host);
	suite_add_tcase(s, c);
	return s;
}
