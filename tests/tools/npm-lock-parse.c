/*
 * npm-lock-parse.c - bench helper: parse a package-lock.json N times
 * (default 1) with cairn_npm_lock_parse and print the entry count, so
 * that hyperfine measures the lockfile parser alone.
 *
 *   npm-lock-parse FILE [N]
 */
#include "npm.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_npm_lock *l = NULL;
	long n, i;
	int fd;

	if (argc < 2 || argc > 3) {
		fputs("usage: npm-lock-parse FILE [N]\n", stderr);
		return 2;
	}
	n = argc == 3 ? atol(argv[2]) : 1;
	fd = open(argv[1][0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY);
	if (fd < 0 || cairn_safe_read(&b, fd, argv[1], CAIRN_CAP_LOCKFILE, argv[1]) < 0) {
		fprintf(stderr, "npm-lock-parse: %s\n", cairn_error_last());
		return 2;
	}
	for (i = 0; i < n; i++) {
		cairn_npm_lock_free(l);
		l = NULL;
		if (cairn_npm_lock_parse(&l, b.data, b.len, argv[1]) < 0) {
			fprintf(stderr, "npm-lock-parse: %s\n", cairn_error_last());
			return 1;
		}
	}
	printf("%zu entries\n", l->n);
	cairn_npm_lock_free(l);
	cairn_buf_release(&b);
	close(fd);
	return 0;
}
