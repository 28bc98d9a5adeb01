/*
 * walk-floor - the least any stat-based incremental snapshot must do.
 *
 *   walk-floor DIR [THREADS]
 *
 * Lists every directory below DIR (getdents64) and lstat()s every entry,
 * on THREADS threads (default: online CPUs) sharing a stack of directories,
 * and does nothing else: no hashing, no output, no previous snapshot.  An
 * incremental run that reuses hashes the way git's index does (cairn-snap
 * --reuse, git status) has to learn every entry's inode, size, mtime and
 * ctime, so the time of this program bounds theirs from below.  bench/snap.sh
 * times it next to cairn-snap.  Prints the number of entries seen.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct job {
	char *path;              /* relative to the root descriptor */
	struct job *next;
};

static int root_fd;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct job *stack;
static unsigned busy;            /* threads listing a directory */
static unsigned long long seen;

static void push(char *path)
{
	struct job *j = malloc(sizeof(*j));

	if (!j) {
		perror("walk-floor");
		exit(2);
	}
	j->path = path;
	pthread_mutex_lock(&mu);
	j->next = stack;
	stack = j;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static int dot(const char *n)
{
	return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

/* List one directory, lstat its entries, push its subdirectories. */
static unsigned long long list(const char *path)
{
	char buf[65536];
	unsigned long long n = 0;
	size_t plen = strlen(path);
	int fd = openat(root_fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (;;) {
		long got = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		long off;

		if (got <= 0)
			break;
		for (off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);
			struct stat st;

			off += d->d_reclen;
			if (dot(d->d_name))
				continue;
			n++;
			if (fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode)) {
				size_t nlen = strlen(d->d_name);
				char *sub = malloc(plen + nlen + 2);

				if (!sub) {
					perror("walk-floor");
					exit(2);
				}
				memcpy(sub, path, plen);
				sub[plen] = '/';
				memcpy(sub + plen + 1, d->d_name, nlen + 1);
				push(sub);
			}
		}
	}
	close(fd);
	return n;
}

static void *worker(void *arg)
{
	unsigned long long mine = 0;

	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		struct job *j;

		while (!stack && busy)
			pthread_cond_wait(&cv, &mu);
		if (!stack)
			break;
		j = stack;
		stack = j->next;
		busy++;
		pthread_mutex_unlock(&mu);
		mine += list(j->path);
		free(j->path);
		free(j);
		pthread_mutex_lock(&mu);
		if (--busy == 0 && !stack)
			pthread_cond_broadcast(&cv);
	}
	seen += mine;
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	long threads = argc > 2 ? atol(argv[2]) : sysconf(_SC_NPROCESSORS_ONLN);
	long i;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: walk-floor DIR [THREADS]\n");
		return 2;
	}
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	root_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		perror(argv[1]);
		return 2;
	}
	push(strdup("."));
	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, worker, NULL) != 0) {
			fprintf(stderr, "walk-floor: cannot start a thread\n");
			return 2;
		}
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	printf("%llu entries\n", seen);
	return 0;
}
