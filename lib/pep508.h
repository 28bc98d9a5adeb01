/*
 * pep508.h - PEP 508 environment markers ("python_version < '3.8' and
 * sys_platform == 'win32'"), parsed strictly and evaluated against what is
 * known of one Python environment, in three values: a variable whose value
 * is not known makes the comparisons that use it unknown, and and/or
 * combine as Kleene logic does (false and unknown is false, true or
 * unknown is true), so that an answer is given only when it does not
 * depend on what is not known.
 *
 * Grammar (PEP 508, "Environment Markers"; the packaging library's reading):
 *   marker = and ('or' and)* ;  and = expr ('and' expr)*
 *   expr   = '(' marker ')' | value op value
 *   value  = variable | "string" | 'string'   (no backslash, ASCII only)
 *   op     = < <= != == >= > ~= === in 'not in'
 * Variables: python_version, python_full_version, os_name, sys_platform,
 * platform_release, platform_system, platform_version, platform_machine,
 * platform_python_implementation, implementation_name,
 * implementation_version, extra (and packaging's legacy spellings
 * os.name, sys.platform, platform.version, platform.machine,
 * platform.python_implementation, python_implementation).
 *
 * Comparison (packaging's _eval_op): when op followed by the right-hand
 * string is a PEP 440 specifier and the left-hand value a version, the
 * version is matched against the specifier as packaging does, with
 * pre-releases allowed (cairn_pep440_spec_match: the exclusive < and >
 * exclude pre-/post-releases and local versions of the bound; ==/!=
 * with a ".*" prefix compare release numbers only; ~= V is >= V and the
 * release prefix of V without its last number); === compares the
 * strings case-insensitively; otherwise in / not in are substring tests
 * and the other operators compare the strings byte by byte, except ~=
 * which is then undefined (unknown, with the reason); a value that is
 * not a version compared with a specifier is compared as a string (where
 * packaging 23 raises InvalidVersion).  extra is compared after PEP 685
 * normalisation of both sides.
 */
#ifndef CAIRN_PEP508_H
#define CAIRN_PEP508_H

#include "cairn.h"

enum cairn_pep508_var {
	CAIRN_PEP508_PYTHON_VERSION,
	CAIRN_PEP508_PYTHON_FULL_VERSION,
	CAIRN_PEP508_OS_NAME,
	CAIRN_PEP508_SYS_PLATFORM,
	CAIRN_PEP508_PLATFORM_RELEASE,
	CAIRN_PEP508_PLATFORM_SYSTEM,
	CAIRN_PEP508_PLATFORM_VERSION,
	CAIRN_PEP508_PLATFORM_MACHINE,
	CAIRN_PEP508_PLATFORM_PYTHON_IMPLEMENTATION,
	CAIRN_PEP508_IMPLEMENTATION_NAME,
	CAIRN_PEP508_IMPLEMENTATION_VERSION,
	CAIRN_PEP508_EXTRA,
	CAIRN_PEP508_NVARS
};

/* What is known of an environment: v[var] is the value, NULL when not
 * known.  The caller owns the strings. */
typedef struct cairn_pep508_env {
	const char *v[CAIRN_PEP508_NVARS];
} cairn_pep508_env;

#define CAIRN_PEP508_FALSE   0
#define CAIRN_PEP508_TRUE    1
#define CAIRN_PEP508_UNKNOWN 2

/* Longest marker read, and deepest nesting of parentheses. */
#define CAIRN_PEP508_MAX_LEN   8192
#define CAIRN_PEP508_MAX_DEPTH 32

/* The PEP 508 name of a variable ("python_version"). */
const char *cairn_pep508_var_name(int var);

/*
 * Evaluate marker against env.  Returns 0 with *out one of
 * CAIRN_PEP508_FALSE/TRUE/UNKNOWN; when UNKNOWN and why is not NULL, the
 * reasons are appended to why, ", "-separated, each once ("platform_release
 * not known", "extra not known").  CAIRN_EFORMAT with a message
 * "LABEL: marker column N: ..." when marker is not a PEP 508 marker,
 * CAIRN_ELIMIT when longer than CAIRN_PEP508_MAX_LEN or nested deeper than
 * CAIRN_PEP508_MAX_DEPTH.
 */
int cairn_pep508_eval(int *out, const char *marker, const cairn_pep508_env *env, cairn_buf *why,
		      const char *label);

/* The host's own values (uname): os_name "posix", sys_platform "linux",
 * platform_system "Linux", platform_machine from uname(2) copied into
 * machine (at least 65 bytes); other variables left as they are. */
void cairn_pep508_env_host(cairn_pep508_env *env, char *machine, size_t machine_size);

#endif
