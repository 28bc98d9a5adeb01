/*
 * gen-tree - make a node_modules-like tree for benchmarks and tests.
 *
 *   gen-tree DIR [FILES [SEED]]
 *
 * Creates DIR/node_modules with about FILES files (default 100000) in
 * packages (some scoped "@scope/name", some with nested node_modules), each
 * with package.json, README.md, lib/NAME.js, dist/NAME.js and the odd map
 * file.
 * Sizes are mostly 1-20 KB (log-uniform), about one file in 500 is 1-4 MB.
 * The output depends only on FILES and SEED.  Prints the number of files
 * and bytes written.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static unsigned char *pool;
#define POOL_SIZE (5u << 20)

/* snprintf that exits when the path does not fit */
static void fmt(char *out, size_t n, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

static void fmt(char *out, size_t n, const char *f, ...)
{
	va_list ap;
	int len;

	va_start(ap, f);
	len = vsnprintf(out, n, f, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n) {
		fprintf(stderr, "gen-tree: path too long\n");
		exit(2);
	}
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "gen-tree: %s '%s': %s\n", what, path, strerror(errno));
	exit(2);
}

static void mkdir_p(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die("cannot create", path);
}

static uint64_t total_bytes;
static unsigned long total_files;

static void write_file(const char *path, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t off = (size_t)(rnd() % (POOL_SIZE - size));

	if (fd < 0)
		die("cannot create", path);
	if (write(fd, pool + off, size) != (ssize_t)size)
		die("cannot write", path);
	close(fd);
	total_bytes += size;
	total_files++;
}

static size_t pick_size(void)
{
	if (rnd() % 500 == 0)
		return (size_t)(1u << 20) + (size_t)(rnd() % (3u << 20));
	/* log-uniform between 1 KB and 20 KB */
	{
		double u = (double)(rnd() % 1000000) / 1000000.0;
		double kb = 1.0;
		int i;

		/* 20^u without libm */
		for (i = 0; i < 1000; i++)
			if ((double)i / 1000.0 >= u)
				break;
		kb = 1.0 + 19.0 * ((double)i / 1000.0) * ((double)i / 1000.0);
		return (size_t)(kb * 1024.0);
	}
}

static void make_package(const char *dir, unsigned long files)
{
	char path[4096];
	unsigned long i;

	mkdir_p(dir);
	fmt(path, sizeof(path), "%s/lib", dir);
	mkdir_p(path);
	fmt(path, sizeof(path), "%s/dist", dir);
	mkdir_p(path);
	fmt(path, sizeof(path), "%s/package.json", dir);
	write_file(path, 600 + (size_t)(rnd() % 1500));
	fmt(path, sizeof(path), "%s/README.md", dir);
	write_file(path, pick_size());
	for (i = 2; i < files; i++) {
		const char *sub = i % 3 == 0 ? "dist" : "lib";
		const char *ext = i % 7 == 0 ? "js.map" : i % 5 == 0 ? "d.ts" : "js";

		fmt(path, sizeof(path), "%s/%s/m%lu.%s", dir, sub, i, ext);
		write_file(path, pick_size());
	}
}

int main(int argc, char **argv)
{
	unsigned long want = 100000, pkg = 0;
	char root[4096], dir[4096];
	size_t i;

	if (argc < 2 || argc > 4 || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout, "usage: gen-tree DIR [FILES [SEED]]\n");
		return argc < 2 ? 2 : 0;
	}
	if (argc > 2)
		want = strtoul(argv[2], NULL, 10);
	rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) | 1 : 88172645463325252ull;
	pool = malloc(POOL_SIZE);
	if (!pool)
		return 2;
	for (i = 0; i < POOL_SIZE; i++)
		pool[i] = (unsigned char)("abcdefghij klmnopqrstuvwxyz(){};=.\n"[rnd() % 36]);
	mkdir_p(argv[1]);
	fmt(root, sizeof(root), "%s/node_modules", argv[1]);
	mkdir_p(root);
	while (total_files < want) {
		unsigned long n = 5 + (unsigned long)(rnd() % 60);

		if (n > want - total_files)
			n = want - total_files < 2 ? 2 : want - total_files;
		if (pkg % 10 == 3) {
			fmt(dir, sizeof(dir), "%s/@scope%lu", root, pkg % 17);
			mkdir_p(dir);
			fmt(dir, sizeof(dir), "%s/@scope%lu/pkg-%lu", root, pkg % 17, pkg);
		} else if (pkg % 10 == 7 && pkg > 10) {
			fmt(dir, sizeof(dir), "%s/pkg-%lu/node_modules", root, pkg - 7);
			mkdir_p(dir);
			fmt(dir, sizeof(dir), "%s/pkg-%lu/node_modules/dep-%lu", root,
				 pkg - 7, pkg);
		} else {
			fmt(dir, sizeof(dir), "%s/pkg-%lu", root, pkg);
		}
		make_package(dir, n);
		pkg++;
	}
	printf("%lu files, %llu bytes\n", total_files, (unsigned long long)total_bytes);
	free(pool);
	return 0;
}
