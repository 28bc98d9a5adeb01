/*
 * fuzz_pipverify.c - installed Python distributions verified end to end
 * on hostile metadata: the input's parts (separated by "#-#\n") become
 *   0  the RECORD of a .dist-info in a venv-like tree (files x/__init__.py,
 *      x/b.py, a bytecode file and a launcher bin/x beside it), and the
 *      RECORD of a Debian-installed .dist-info,
 *   1  installed-files.txt of an .egg-info,
 *   2  the md5sums of the dpkg package owning the Debian one,
 *   3  METADATA / PKG-INFO;
 *   4  the .dist-info's direct_url.json (PEP 610, recorded as found);
 * then the analyzer runs over both trees (RECORD verification with its
 * base64 hashes, launchers resolved from the site folder, dpkg ownership
 * and MD5 comparison) and every record is serialised.  .pth files go
 * through the same reading (python_pth: part 1 as a.pth, which part 0's
 * RECORD may list; part 3 as the venv's pyvenv.cfg beside virtualenv's
 * _virtualenv.pth; part 2 as a .pth dpkg owns).  Must never crash, leak
 * or write out of bounds.
 */
#include "fuzztree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SITE "venv/lib/python3.11/site-packages/"
#define DIST "sys/usr/lib/python3/dist-packages/"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[5];
	size_t len[5], n;
	cairn_analyze_opts o;
	char *sys;
	static const char meta[] = "Metadata-Version: 2.1\nName: x\nVersion: 1.0\n";

	n = ft_split(data, size, "#-#\n", part, len, 5);
	ft_reset("venv");
	ft_reset("sys");
	ft_write(SITE "x-1.0.dist-info/RECORD", part[0], len[0]);
	ft_write(SITE "x-1.0.dist-info/METADATA", n > 3 ? part[3] : (const uint8_t *)meta,
		 n > 3 ? len[3] : sizeof(meta) - 1);
	ft_writes(SITE "x-1.0.dist-info/INSTALLER", "pip\n");
	if (n > 4)
		ft_write(SITE "x-1.0.dist-info/direct_url.json", part[4], len[4]);
	ft_writes(SITE "x/__init__.py", "a = 1\n");
	ft_writes(SITE "x/b.py", "b = 2\n");
	ft_writes(SITE "x/__pycache__/b.cpython-311.pyc", "pyc");
	ft_writes("venv/bin/x", "#!/bin/sh\n");
	ft_write(SITE "y-1.0.egg-info/installed-files.txt", n > 1 ? part[1] : data, n > 1 ? len[1] : 0);
	ft_write(SITE "a.pth", n > 1 ? part[1] : data, n > 1 ? len[1] : 0);
	ft_writes(SITE "_virtualenv.pth", "import _virtualenv\n");
	ft_write("venv/pyvenv.cfg", n > 3 ? part[3] : data, n > 3 ? len[3] : 0);
	ft_write(SITE "y-1.0.egg-info/PKG-INFO", n > 3 ? part[3] : (const uint8_t *)meta,
		 n > 3 ? len[3] : sizeof(meta) - 1);

	ft_write(DIST "z-1.0.dist-info/RECORD", part[0], len[0]);
	ft_writes(DIST "z-1.0.dist-info/METADATA", meta);
	ft_writes(DIST "z/__init__.py", "a = 1\n");
	ft_writes(DIST "z/b.py", "b = 2\n");
	ft_write(DIST "zz.pth", n > 2 ? part[2] : data, n > 2 ? len[2] : 0);
	ft_writes("sys/var/lib/dpkg/info/python3-z.list",
		  "/.\n/usr/lib/python3/dist-packages\n"
		  "/usr/lib/python3/dist-packages/z-1.0.dist-info\n"
		  "/usr/lib/python3/dist-packages/z-1.0.dist-info/METADATA\n"
		  "/usr/lib/python3/dist-packages/z-1.0.dist-info/RECORD\n"
		  "/usr/lib/python3/dist-packages/z\n"
		  "/usr/lib/python3/dist-packages/zz.pth\n"
		  "/lib/python3/dist-packages/z/__init__.py\n");
	ft_write("sys/var/lib/dpkg/info/python3-z.md5sums", n > 2 ? part[2] : data, n > 2 ? len[2] : 0);
	ft_symlink("usr/lib", "sys/lib");

	o = ft_package_opts();
	ft_analyze("venv", &o);
	sys = ft_path("sys");
	o = ft_package_opts();
	o.dpkg_root = sys;   /* the tree's own dpkg database */
	ft_analyze("sys/usr/lib/python3/dist-packages", &o);
	free(sys);
	return 0;
}
