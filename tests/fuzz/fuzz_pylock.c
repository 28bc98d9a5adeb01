/*
 * fuzz_pylock.c - a Python install with a hostile lockfile and a hostile
 * cached wheel, analysed as cairn-snap --pip-cache does.  The input is
 * "K<lockfile>\n====\n<cache file>[\n====\n<pyproject.toml>[\n====\n<pyvenv.cfg>]]":
 * K picks the lockfile (p poetry.lock,
 * u uv.lock, P Pipfile.lock, else requirements.txt) written at the
 * project's root; the cache file is stored in the wheel cache (a wheel, a
 * pip http-v2 body or a pip "cc=4," http cache file).  The project's venv
 * holds example 21.12 as pip installs it, so the input reaches the TOML,
 * JSON and requirements readers, the binding of entries to installed
 * distributions, the locked_missing records, the cache index (zip central
 * directory, cachecontrol frame), the hash check and the comparison of
 * each wheel member with the installed file; pyproject.toml (the roots of
 * a poetry.lock without markers) and pyvenv.cfg (the venv's Python) reach
 * the PEP 508 evaluation of every entry's and edge's markers and the walk
 * of the lock's graph.
 */
#include "fuzztree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SITE "app/.venv/lib/python3.11/site-packages/"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[4];
	size_t len[4], n;
	cairn_analyze_opts o;
	const char *lock = "app/requirements.txt";
	char *cache;

	n = ft_split(data, size, "\n====\n", part, len, 4);
	ft_reset("app");
	ft_reset("cache");
	if (len[0]) {
		lock = part[0][0] == 'p' ? "app/poetry.lock" : part[0][0] == 'u' ? "app/uv.lock" :
		       part[0][0] == 'P' ? "app/Pipfile.lock" : "app/requirements.txt";
		ft_write(lock, part[0] + 1, len[0] - 1);
	}
	ft_writes("cache/.keep", "");
	if (n > 1)
		ft_write("cache/w", part[1], len[1]);
	if (n > 2)
		ft_write("app/pyproject.toml", part[2], len[2]);
	if (n > 3)
		ft_write("app/.venv/pyvenv.cfg", part[3], len[3]);
	ft_writes(SITE "example/__init__.py", "def main():\n    return 'example'\n");
	ft_writes(SITE "example-21.12.dist-info/METADATA", "Metadata-Version: 2.1\nName: example\n"
		  "Version: 21.12\n");
	ft_writes(SITE "example-21.12.dist-info/INSTALLER", "pip\n");
	ft_writes(SITE "example-21.12.dist-info/RECORD",
		  "example/__init__.py,sha256=7zgBgsryxO9WvrUg7BuHr_5pkXJ-EbgOcahFidZ8RXo,33\n"
		  "example-21.12.dist-info/METADATA,,\n"
		  "example-21.12.dist-info/RECORD,,\n");
	cache = ft_path("cache");
	o = ft_package_opts();
	o.pip_cache = cache;
	ft_analyze("app", &o);
	free(cache);
	return 0;
}
