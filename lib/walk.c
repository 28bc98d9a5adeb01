/*
 * walk.c - the tree walker (see walk.h for the order and the rules).
 */
#include "walk.h"
#include "dirahead.h"
#include "hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* One name of a directory listing.  A subdirectory gives two items: its
 * entry (key "name") and its contents (key "name/"), so that sorting keys
 * gives the file order. */
struct item {
	char *key;             /* in the frame's names */
	size_t key_off;        /* key's offset there while the listing grows */
	size_t key_len;        /* name length + is_subtree */
	unsigned char is_subtree;
	unsigned char dtype;   /* DT_* from the listing */
	unsigned char blocked; /* subtree only: do not descend */
	size_t subtree;        /* entry item of a dir: index of its subtree item,
	                        * (size_t)-1 when none */
	uint64_t dev, ino;     /* subtree: identity seen at entry time */
	int fd;                /* subtree: the directory, still open from its
	                        * entry (-1: open it again when entered) */
	unsigned char fd_is_entry; /* fd is the descriptor the entry was
	                        * described from (its fstat): no check needed */
};

struct cairn_dirref {
	int fd;
	atomic_uint refs;
};

/* Subtree descriptors kept open from a directory's entry until its
 * contents come (names sorting between "x" and "x/", like "x.txt", may
 * delay that): at most this many, so that a hostile tree of "a", "a-",
 * "a--", ... cannot run the process out of descriptors. */
#define HELD_MAX 16

/* getdents64 buffer; a node_modules folder of thousands of names is read in
 * a few calls. */
#define DENTS_BUFSIZE (64u * 1024u)

struct frame {
	cairn_dirref *dir;     /* this directory (fd: dir->fd) */
	int fd;
	uint64_t dev, ino;     /* of this directory: loop detection */
	size_t prefix_len;     /* path bytes before this directory's names */
	struct item *items;
	cairn_buf names;       /* every key, NUL-terminated: one allocation
	                        * per directory, not two per name */
	size_t *order;
	size_t count, next;
};

struct cairn_walker {
	const cairn_walk_opts *opts;
	cairn_walk_opts no_opts;
	struct frame *frames;
	size_t depth, frames_cap;
	cairn_buf path;
	uint64_t root_dev;
	int defer;             /* cairn_walker_defer_files() */
	size_t held;           /* subtree descriptors kept open (HELD_MAX) */
	unsigned char *dents;  /* DENTS_BUFSIZE */
	/* last emitted entry: directory and name, for cairn_walker_open */
	cairn_dirref *cur_dir;
	int cur_dirfd;
	const char *cur_name;
	size_t cur_name_off;    /* cur_name's offset in the entry's path */
	int cur_type;
	int cur_deferred;
	uint64_t hidden;
	cairn_buf warning;
	int warning_pending;
	char *root;
	/* read-ahead of directories, started once the walk is seen waiting
	 * for the disk (see watch_cold()) */
	int root_fd;           /* the read-ahead's own; -1: none */
	cairn_dirahead *ahead; /* NULL until it starts */
	int ahead_on;          /* 1: started, -1: cannot */
	int ahead_files;       /* cairn_walker_read_ahead_files() */
	int ahead_now;         /* CAIRN_TEST_DIRAHEAD: start at once */
	unsigned dirs_since_check;
	long inblock;          /* this thread's block reads at the last check */
};

static void shown_path(cairn_buf *out, const char *p, size_t n)
{
	cairn_buf_clear(out);
	cairn_escape_display(out, p, n);
	if (!out->data)
		cairn_buf_addstr(out, "");
}

static void hidden_error(cairn_walker *w, const char *op, int err)
{
	cairn_buf shown = CAIRN_BUF_INIT;

	w->hidden++;
	shown_path(&shown, w->path.data ? w->path.data : "", w->path.len);
	cairn_buf_clear(&w->warning);
	cairn_buf_addf(&w->warning, "cannot %s '%s': %s", op, shown.data,
		       err ? strerror(err) : "changed during the walk");
	w->warning_pending = 1;
	cairn_buf_release(&shown);
}

static void set_err(cairn_entry *e, const char *op, int err)
{
	if (e->err)
		return;   /* keep the first failure */
	e->err = err;
	free(e->err_op);
	e->err_op = cairn_strdup(op);
}

static int item_cmp(const struct item *a, const struct item *b)
{
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

static int order_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct item *items = ctx;

	return item_cmp(&items[*(const size_t *)pa], &items[*(const size_t *)pb]);
}

static cairn_dirref *dirref_new(int fd)
{
	cairn_dirref *d = cairn_malloc(sizeof(*d));

	d->fd = fd;
	atomic_init(&d->refs, 1);
	return d;
}

int cairn_dirref_fd(const cairn_dirref *d)
{
	return d->fd;
}

void cairn_dirref_put(cairn_dirref *d)
{
	if (!d)
		return;
	/* acq_rel: whatever other holders did with the descriptor happens
	 * before the close */
	if (atomic_fetch_sub_explicit(&d->refs, 1, memory_order_acq_rel) != 1)
		return;
	close(d->fd);
	free(d);
}

static void item_close(cairn_walker *w, struct item *it)
{
	if (it->fd < 0)
		return;
	close(it->fd);
	it->fd = -1;
	w->held--;
}

static void frame_release(cairn_walker *w, struct frame *f)
{
	size_t i;

	/* Completions of deferred files may still use the directory: theirs
	 * is the last reference. */
	cairn_dirref_put(f->dir);
	for (i = 0; i < f->count; i++)
		item_close(w, &f->items[i]);
	cairn_buf_release(&f->names);
	free(f->items);
	free(f->order);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

static int excluded(const cairn_walker *w, const char *path, const char *name)
{
	size_t i;

	for (i = 0; i < w->opts->exclude_count; i++) {
		const char *g = w->opts->excludes[i];

		if (fnmatch(g, name, 0) == 0 ||
		    fnmatch(g, path, FNM_PATHNAME) == 0)
			return 1;
	}
	for (i = 0; i < w->opts->skip_count; i++)
		if (fnmatch(w->opts->skip_globs[i], path, FNM_PATHNAME) == 0)
			return 1;
	return 0;
}

/* Add a listed name to f (a subdirectory adds its subtree item too). */
static void frame_add(struct frame *f, size_t *cap, const char *name,
		      size_t len, unsigned char dt)
{
	struct item *it;

	if (f->count + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 32;
		f->items = cairn_realloc(f->items, *cap * sizeof(*f->items));
	}
	it = &f->items[f->count++];
	it->key = NULL;
	it->key_off = f->names.len;
	cairn_buf_add(&f->names, name, len);
	cairn_buf_addch(&f->names, '\0');
	it->key_len = len;
	it->is_subtree = 0;
	it->dtype = dt;
	it->blocked = 0;
	it->subtree = (size_t)-1;
	it->dev = it->ino = 0;
	it->fd = -1;
	it->fd_is_entry = 0;
	if (dt == DT_DIR) {
		struct item *s = &f->items[f->count];

		s->key = NULL;
		s->key_off = f->names.len;
		cairn_buf_add(&f->names, name, len);
		cairn_buf_add(&f->names, "/", 2);   /* and the NUL */
		s->key_len = len + 1;
		s->is_subtree = 1;
		s->dtype = dt;
		/* blocked until the entry proves it is a directory */
		s->blocked = 1;
		s->subtree = (size_t)-1;
		s->dev = s->ino = 0;
		s->fd = -1;
		s->fd_is_entry = 0;
		f->items[f->count - 1].subtree = f->count;
		f->count++;
	}
}

/*
 * List the directory open on fd into a new frame (takes fd).  Returns 0, or
 * the errno of a failed listing (the frame then holds what was read).
 * getdents64 on fd itself: readdir(3) would need a dup of it (fdopendir
 * takes its descriptor) and a smaller buffer.
 */
static int frame_fill(cairn_walker *w, struct frame *f, int fd,
		      size_t prefix_len)
{
	size_t cap = 0;
	int err = 0;
	size_t i, k;

	memset(f, 0, sizeof(*f));
	f->dir = dirref_new(fd);
	f->fd = fd;
	f->prefix_len = prefix_len;
	for (;;) {
		ssize_t n = getdents64(fd, w->dents, DENTS_BUFSIZE);
		ssize_t off;

		if (n < 0) {
			/* Like readdir(3): a directory removed while it is
			 * read ends there. */
			if (errno != ENOENT)
				err = errno;
			break;
		}
		if (n == 0)
			break;
		for (off = 0; off < n; ) {
			const struct dirent64 *de = (const void *)(w->dents + off);
			unsigned char dt;

			off += de->d_reclen;
			/* readdir(3) skips deleted records too */
			if (de->d_ino == 0)
				continue;
			if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
			    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
				continue;
			dt = de->d_type;
			if (dt == DT_UNKNOWN) {
				struct stat st;

				if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISDIR(st.st_mode))
					dt = DT_DIR;
			}
			frame_add(f, &cap, de->d_name, strlen(de->d_name), dt);
		}
	}
	f->order = cairn_malloc((f->count ? f->count : 1) * sizeof(*f->order));
	for (i = 0; i < f->count; i++) {
		f->items[i].key = f->names.data + f->items[i].key_off;
		f->order[i] = i;
	}
	qsort_r(f->order, f->count, sizeof(*f->order), order_cmp, f->items);
	/* Names are unique within a directory, so keys are too. */
	for (k = 1; k < f->count; k++)
		if (!item_cmp(&f->items[f->order[k - 1]], &f->items[f->order[k]]))
			return EINVAL;
	return err;
}

static struct frame *push_frame(cairn_walker *w)
{
	if (w->depth == w->frames_cap) {
		w->frames_cap = w->frames_cap ? w->frames_cap * 2 : 16;
		w->frames = cairn_realloc(w->frames,
					  w->frames_cap * sizeof(*w->frames));
	}
	return &w->frames[w->depth++];
}

static int ahead_skip(void *ctx, const char *path, const char *name)
{
	return excluded(ctx, path, name);
}

/* Block reads this thread made so far (RUSAGE_THREAD: the walk's own). */
static long thread_inblock(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) < 0)
		return -1;
	return ru.ru_inblock;
}

/*
 * Every 32 directories, until it starts: when the walk's own thread read
 * from the disk at least COLD_BLOCKS 512-byte blocks since the last look
 * (a cold directory costs a 4 KiB block at least: 8), the cache is cold,
 * and the directories still to come are queued for the read-ahead
 * (dirahead.h), the nearest on top.  Not at the first block: a warm walk
 * of the benchmark tree still reads a few hundred (720 in all for `find`
 * over 8,911 directories).  A warm walk costs one getrusage() per 32
 * directories and never starts a thread.
 */
#define COLD_EVERY 32
#define COLD_BLOCKS 128
static void watch_cold(cairn_walker *w)
{
	long now;
	size_t fi, k;

	if (w->ahead_on) {
		if (w->ahead_on > 0)
			cairn_dirahead_walked(w->ahead);
		return;
	}
	if (w->dirs_since_check++ % COLD_EVERY)
		return;
	now = thread_inblock();
	if (!w->ahead_now && (now < 0 || w->inblock < 0 ||
			      now - w->inblock < COLD_BLOCKS)) {
		w->inblock = now;
		return;
	}
	/* the root frame lives as long as the walk: a descriptor of the
	 * root for the read-ahead's openat2 */
	w->root_fd = fcntl(w->frames[0].fd, F_DUPFD_CLOEXEC, 0);
	if (w->root_fd < 0) {
		w->ahead_on = -1;
		return;
	}
	w->ahead = cairn_dirahead_new(w->root_fd, ahead_skip, w);
	w->ahead_on = 1;
	cairn_dirahead_files(w->ahead, w->ahead_files);
	/* bottom frames' directories come last: queued first */
	for (fi = 0; fi < w->depth; fi++) {
		const struct frame *f = &w->frames[fi];

		for (k = f->count; k > f->next; k--) {
			const struct item *it = &f->items[f->order[k - 1]];
			cairn_buf p = CAIRN_BUF_INIT;

			if (!it->is_subtree)
				continue;
			cairn_buf_add(&p, w->path.data, f->prefix_len);
			cairn_buf_add(&p, it->key, it->key_len - 1);
			if (!excluded(w, p.data, p.data + f->prefix_len))
				cairn_dirahead_push(w->ahead, p.data, p.len);
			cairn_buf_release(&p);
		}
	}
	cairn_dirahead_start(w->ahead);
}

int cairn_walker_new(cairn_walker **out, const char *root,
		     const cairn_walk_opts *opts)
{
	cairn_walker *w = cairn_calloc(1, sizeof(*w));
	struct stat st;
	struct frame *f;
	int fd, err;

	*out = NULL;
	w->opts = opts ? opts : &w->no_opts;
	w->cur_dirfd = -1;
	w->cur_type = -1;
	w->root_fd = -1;
	w->root = cairn_strdup(root);
	w->dents = cairn_malloc(DENTS_BUFSIZE);
	cairn_buf_init(&w->path);
	cairn_buf_init(&w->warning);
	cairn_buf_addstr(&w->path, "");
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		err = errno;
		cairn_walker_free(w);
		return cairn_error_set(err == ENOTDIR ? CAIRN_EUSAGE : CAIRN_EIO,
				       "cannot open directory '%s': %s",
				       root, strerror(err));
	}
	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		cairn_walker_free(w);
		return cairn_error_set(CAIRN_EIO, "cannot stat '%s': %s",
				       root, strerror(err));
	}
	w->root_dev = (uint64_t)st.st_dev;
	w->inblock = -1;
	w->ahead_now = getenv("CAIRN_TEST_DIRAHEAD") != NULL;
	f = push_frame(w);
	err = frame_fill(w, f, fd, 0);
	f->dev = (uint64_t)st.st_dev;
	f->ino = (uint64_t)st.st_ino;
	if (err) {
		cairn_walker_free(w);
		return cairn_error_set(CAIRN_EIO, "cannot list '%s': %s",
				       root, strerror(err));
	}
	*out = w;
	return 0;
}

void cairn_walker_free(cairn_walker *w)
{
	if (!w)
		return;
	cairn_dirahead_free(w->ahead);
	if (w->root_fd >= 0)
		close(w->root_fd);
	while (w->depth)
		frame_release(w, &w->frames[--w->depth]);
	free(w->frames);
	free(w->dents);
	cairn_buf_release(&w->path);
	cairn_buf_release(&w->warning);
	free(w->root);
	free(w);
}

uint64_t cairn_walker_hidden_errors(const cairn_walker *w)
{
	return w->hidden;
}

const char *cairn_walker_take_warning(cairn_walker *w)
{
	if (!w->warning_pending)
		return NULL;
	w->warning_pending = 0;
	return w->warning.data;
}

uint64_t cairn_walker_root_dev(const cairn_walker *w)
{
	return w->root_dev;
}

void cairn_walker_defer_files(cairn_walker *w, int on)
{
	w->defer = on != 0;
}

void cairn_walker_read_ahead_files(cairn_walker *w, int on)
{
	w->ahead_files = on != 0;
}

int cairn_walker_reading_files_ahead(const cairn_walker *w)
{
	return w->ahead && cairn_dirahead_reading_files(w->ahead);
}

size_t cairn_walker_read_ahead_listed(const cairn_walker *w)
{
	return w->ahead ? cairn_dirahead_listed(w->ahead) : 0;
}

size_t cairn_walker_name_offset(const cairn_walker *w)
{
	return w->cur_name_off;
}

cairn_dirref *cairn_walker_dirref(cairn_walker *w)
{
	if (!w->cur_dir || w->cur_type != CAIRN_T_FILE)
		return NULL;
	atomic_fetch_add_explicit(&w->cur_dir->refs, 1, memory_order_relaxed);
	return w->cur_dir;
}

/* /proc/self/fd usable for no-follow xattr lookups: checked once per
 * process, as completions run on any thread. */
static pthread_once_t proc_once = PTHREAD_ONCE_INIT;
static int proc_usable;

static void proc_check(void)
{
	proc_usable = access("/proc/self/fd", X_OK) == 0;
}

static int proc_ok(void)
{
	pthread_once(&proc_once, proc_check);
	return proc_usable;
}

static int xattr_cmp(const void *pa, const void *pb)
{
	const cairn_xattr *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

/*
 * Read xattr names and value digests.  fd >= 0: an open descriptor of the
 * object (f* calls).  Otherwise the object is dirfd/name, reached through
 * /proc/self/fd/DIRFD/NAME with the l* calls, which do not follow a final
 * symbolic link: nothing is opened, so FIFOs and devices are safe.
 */
static void read_xattrs(int fd, int dirfd, const char *name, cairn_entry *e)
{
	char procpath[64 + 256];
	char *names = NULL;
	ssize_t len;
	size_t cap = 0;
	const char *p, *end;
	unsigned char *val = NULL;
	size_t valcap = 0;

	if (fd < 0) {
		if (!proc_ok())
			return;
		snprintf(procpath, sizeof(procpath), "/proc/self/fd/%d/%s",
			 dirfd, name);
	}
	for (;;) {
		len = fd >= 0 ? flistxattr(fd, NULL, 0) : llistxattr(procpath, NULL, 0);
		if (len <= 0)
			break;
		if ((size_t)len > cap) {
			cap = (size_t)len;
			names = cairn_realloc(names, cap);
		}
		len = fd >= 0 ? flistxattr(fd, names, cap)
			      : llistxattr(procpath, names, cap);
		if (len >= 0 || errno != ERANGE)
			break;
	}
	if (len < 0) {
		if (errno != ENOTSUP && errno != ENOENT)
			set_err(e, "listxattr", errno);
		goto done;
	}
	p = names;
	end = names + len;
	while (p < end) {
		size_t nlen = strnlen(p, (size_t)(end - p));
		ssize_t vlen;
		cairn_xattr *x;

		if (nlen == 0) {
			p++;
			continue;
		}
		for (;;) {
			vlen = fd >= 0 ? fgetxattr(fd, p, NULL, 0)
				       : lgetxattr(procpath, p, NULL, 0);
			if (vlen < 0)
				break;
			if ((size_t)vlen + 1 > valcap) {
				valcap = (size_t)vlen + 1;
				val = cairn_realloc(val, valcap);
			}
			vlen = fd >= 0 ? fgetxattr(fd, p, val, valcap)
				       : lgetxattr(procpath, p, val, valcap);
			if (vlen >= 0 || errno != ERANGE)
				break;
		}
		if (vlen < 0) {
			if (errno != ENODATA && errno != ENOTSUP)
				set_err(e, "getxattr", errno);
			p += nlen + 1;
			continue;
		}
		e->xattrs = cairn_realloc(e->xattrs,
					  (e->xattr_count + 1) * sizeof(*e->xattrs));
		x = &e->xattrs[e->xattr_count++];
		memset(x, 0, sizeof(*x));
		x->name = cairn_strndup(p, nlen);
		x->size = (uint64_t)vlen;
		if (cairn_sha256_mem(x->sha256, val, (size_t)vlen) < 0)
			set_err(e, "getxattr", EIO);
		p += nlen + 1;
	}
	if (e->xattr_count > 1)
		qsort(e->xattrs, e->xattr_count, sizeof(*e->xattrs), xattr_cmp);
done:
	free(names);
	free(val);
}

static int type_of(mode_t m)
{
	if (S_ISREG(m))
		return CAIRN_T_FILE;
	if (S_ISDIR(m))
		return CAIRN_T_DIR;
	if (S_ISLNK(m))
		return CAIRN_T_SYMLINK;
	if (S_ISFIFO(m))
		return CAIRN_T_FIFO;
	if (S_ISSOCK(m))
		return CAIRN_T_SOCKET;
	if (S_ISCHR(m))
		return CAIRN_T_CHR;
	if (S_ISBLK(m))
		return CAIRN_T_BLK;
	return CAIRN_T_UNKNOWN;
}

static int type_of_dtype(unsigned char dt)
{
	switch (dt) {
	case DT_REG: return CAIRN_T_FILE;
	case DT_DIR: return CAIRN_T_DIR;
	case DT_LNK: return CAIRN_T_SYMLINK;
	case DT_FIFO: return CAIRN_T_FIFO;
	case DT_SOCK: return CAIRN_T_SOCKET;
	case DT_CHR: return CAIRN_T_CHR;
	case DT_BLK: return CAIRN_T_BLK;
	default: return CAIRN_T_UNKNOWN;
	}
}

static void fill_stat(cairn_entry *e, const struct stat *st)
{
	e->type = type_of(st->st_mode);
	e->mode = (uint32_t)(st->st_mode & 07777);
	e->uid = (uint32_t)st->st_uid;
	e->gid = (uint32_t)st->st_gid;
	e->size = (uint64_t)st->st_size;
	e->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	e->mtime_nsec = st->st_mtim.tv_nsec;
	e->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	e->ctime_nsec = st->st_ctim.tv_nsec;
	e->dev = (uint64_t)st->st_dev;
	e->ino = (uint64_t)st->st_ino;
	e->nlink = (uint64_t)st->st_nlink;
	e->rdev = (e->type == CAIRN_T_CHR || e->type == CAIRN_T_BLK)
		  ? (uint64_t)st->st_rdev : 0;
}

static void read_link(int dirfd, const char *name, const struct stat *st,
		      cairn_entry *e)
{
	size_t cap = st->st_size > 0 && st->st_size < 65536
		     ? (size_t)st->st_size + 1 : 256;

	for (;;) {
		char *buf = cairn_malloc(cap);
		ssize_t n = readlinkat(dirfd, name, buf, cap);

		if (n < 0) {
			set_err(e, "readlink", errno);
			free(buf);
			return;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			e->target = buf;
			e->target_len = (size_t)n;
			return;
		}
		free(buf);
		if (cap >= (1u << 20)) {
			set_err(e, "readlink", ENAMETOOLONG);
			return;
		}
		cap *= 2;
	}
}

/*
 * lstat dirfd/name into e, then what the lstat alone does not give: a
 * symbolic link's target, the xattrs of everything but regular files
 * (theirs come from the open descriptor, see cairn_walk_open_at()).  A
 * directory is opened for its xattrs: *dfd_out (when not NULL) receives
 * that descriptor, else it is closed.  fail_type: e->type when the lstat
 * fails.  1: e filled, 0: the name vanished since the listing.
 */
static int stat_entry(int dirfd, const char *name, int fail_type,
		      cairn_entry *e, int *dfd_out, unsigned char *dfd_is_entry,
		      const cairn_walk_opts *o)
{
	struct stat st;

	if (dfd_out) {
		*dfd_out = -1;
		*dfd_is_entry = 0;
	}
	/* A name listed as a directory is opened first (never following a
	 * link) and described from the descriptor: one system call fewer
	 * than lstat-then-open, and the listing that follows is of the very
	 * directory recorded, with no window for a swap between the two.
	 * Anything else (it became a link or a file, it cannot be opened)
	 * takes the lstat path below. */
	if (dfd_out && fail_type == CAIRN_T_DIR) {
		int dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				 O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

		if (dfd >= 0) {
			if (fstat(dfd, &st) == 0 && S_ISDIR(st.st_mode)) {
				fill_stat(e, &st);
				if (!o || !o->xattrs_none || !o->xattrs_none(o->xattrs_ctx, e))
					read_xattrs(dfd, -1, NULL, e);
				*dfd_out = dfd;
				*dfd_is_entry = 1;
				return 1;
			}
			close(dfd);
		}
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int err = errno;

		if (err == ENOENT)
			return 0;
		e->type = fail_type;
		set_err(e, "lstat", err);
		return 1;
	}
	fill_stat(e, &st);
	if (e->type == CAIRN_T_SYMLINK)
		read_link(dirfd, name, &st, e);
	if (e->type == CAIRN_T_DIR) {
		int dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				 O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

		if (dfd < 0) {
			set_err(e, "opendir", errno);
			read_xattrs(-1, dirfd, name, e);
			return 1;
		}
		read_xattrs(dfd, -1, NULL, e);
		if (dfd_out)
			*dfd_out = dfd;
		else
			close(dfd);
	} else if (e->type != CAIRN_T_FILE) {
		read_xattrs(-1, dirfd, name, e);
	}
	return 1;
}

/*
 * The directory entry e (open on dfd) may be descended into through its
 * subtree item sub: unblock it and keep dfd for the listing, which saves
 * opening the directory a second time (enter_subtree() still checks that
 * it is the directory of the entry).
 */
static void keep_subtree(cairn_walker *w, struct item *sub,
			 const cairn_entry *e, int dfd, unsigned char is_entry)
{
	if (w->opts->one_file_system && e->dev != w->root_dev) {
		close(dfd);
		return;
	}
	sub->blocked = 0;
	sub->dev = e->dev;
	sub->ino = e->ino;
	if (w->held >= HELD_MAX) {
		close(dfd);
		return;
	}
	sub->fd = dfd;
	sub->fd_is_entry = is_entry;
	w->held++;
}

/* Produce the entry of item it of frame f.  1 or CAIRN_WALK_DEFERRED: *e
 * filled, 0: skipped. */
static int emit_entry(cairn_walker *w, struct frame *f, struct item *it,
		      cairn_entry *e)
{
	struct item *sub = it->subtree != (size_t)-1 ? &f->items[it->subtree] : NULL;
	const char *name = it->key;
	int rc = 1, dfd = -1;
	unsigned char dfd_is_entry = 0;

	cairn_buf_add(&w->path, it->key, it->key_len);
	if (excluded(w, w->path.data, name))
		return 0;
	cairn_entry_release(e);
	/* the path first: opts->xattrs_none() looks the entry up by it */
	e->path = cairn_strndup(w->path.data, w->path.len);
	e->path_len = w->path.len;
	if (w->defer && it->dtype == DT_REG) {
		/* The lstat and all after it is the completer's job. */
		e->type = CAIRN_T_FILE;
		rc = CAIRN_WALK_DEFERRED;
	} else {
		if (!stat_entry(f->fd, name, type_of_dtype(it->dtype), e,
				sub ? &dfd : NULL, &dfd_is_entry, w->opts))
			return 0;
		if (dfd >= 0)
			keep_subtree(w, sub, e, dfd, dfd_is_entry);
	}
	w->cur_dir = f->dir;
	w->cur_dirfd = f->fd;
	w->cur_name = name;
	w->cur_name_off = f->prefix_len;
	w->cur_type = e->type;
	w->cur_deferred = rc == CAIRN_WALK_DEFERRED;
	return rc;
}

/* Descend into the subtree item it of frame f (the top frame). */
static void enter_subtree(cairn_walker *w, size_t fi, struct item *it)
{
	struct frame *f = &w->frames[fi];
	size_t name_len = it->key_len - 1;
	struct frame *nf;
	struct stat st;
	int fd, err, checked = 0;
	size_t prefix, k;

	if (it->blocked)
		return;
	if (it->fd >= 0) {
		fd = it->fd;
		checked = it->fd_is_entry;
		it->fd = -1;
		it->fd_is_entry = 0;
		w->held--;
	} else {
		/* it->key is "name/"; openat needs "name". */
		it->key[name_len] = '\0';
		fd = openat(f->fd, it->key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		it->key[name_len] = '/';
	}
	cairn_buf_add(&w->path, it->key, name_len);
	if (fd < 0) {
		if (errno != ENOENT)
			hidden_error(w, "open directory", errno);
		return;
	}
	/* A descriptor opened after the entry's lstat (or again now): list
	 * only the directory whose entry was recorded.  One the entry was
	 * described from is that directory. */
	if (!checked && (fstat(fd, &st) < 0 || (uint64_t)st.st_dev != it->dev ||
			 (uint64_t)st.st_ino != it->ino)) {
		hidden_error(w, "list directory", 0);
		close(fd);
		return;
	}
	/* A bind mount of an ancestor would make the walk endless. */
	for (k = 0; k < w->depth; k++)
		if (w->frames[k].dev == it->dev && w->frames[k].ino == it->ino) {
			hidden_error(w, "descend into", ELOOP);
			close(fd);
			return;
		}
	cairn_buf_addch(&w->path, '/');
	prefix = w->path.len;
	nf = push_frame(w);   /* may move w->frames: f is stale after this */
	err = frame_fill(w, nf, fd, prefix);
	nf->dev = it->dev;
	nf->ino = it->ino;
	watch_cold(w);
	if (err) {
		w->path.len = prefix - 1;
		w->path.data[w->path.len] = '\0';
		hidden_error(w, "list directory", err);
		/* keep what was read: those entries exist */
	}
}

int cairn_walker_next(cairn_walker *w, cairn_entry *e)
{
	w->cur_dir = NULL;
	w->cur_dirfd = -1;
	w->cur_name = NULL;
	w->cur_type = -1;
	w->cur_deferred = 0;
	while (w->depth) {
		size_t fi = w->depth - 1;
		struct frame *f = &w->frames[fi];
		struct item *it;
		int rc;

		if (f->next == f->count) {
			frame_release(w, f);
			w->depth--;
			continue;
		}
		it = &f->items[f->order[f->next++]];
		w->path.len = f->prefix_len;
		cairn_buf_add(&w->path, "", 0);
		if (w->path.data)
			w->path.data[w->path.len] = '\0';
		if (it->is_subtree) {
			enter_subtree(w, fi, it);
			continue;
		}
		if ((rc = emit_entry(w, f, it, e)))
			return rc;
	}
	return 0;
}

int cairn_walk_stat_at(int dirfd, const char *name, cairn_entry *e)
{
	return stat_entry(dirfd, name, e->type, e, NULL, NULL, NULL);
}

int cairn_walk_open_at(int dirfd, const char *name, cairn_entry *e,
		       int *fd_out)
{
	struct stat st;
	int fd;
	int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

	*fd_out = -1;
	/* O_NOATIME keeps the evidence's access times; only the owner or
	 * CAP_FOWNER may ask for it. */
	fd = openat(dirfd, name, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags);
	if (fd < 0) {
		set_err(e, "open", errno);
		/* Unreadable, yet its xattrs may still be listed. */
		read_xattrs(-1, dirfd, name, e);
		return 0;
	}
	if (fstat(fd, &st) < 0) {
		set_err(e, "fstat", errno);
		close(fd);
		return 0;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_dev != e->dev ||
	    (uint64_t)st.st_ino != e->ino) {
		e->flags |= CAIRN_EF_CHANGED;
		close(fd);
		return 0;
	}
	fill_stat(e, &st);
	read_xattrs(fd, -1, NULL, e);
	*fd_out = fd;
	return 0;
}

int cairn_walker_open(cairn_walker *w, cairn_entry *e, int *fd_out)
{
	*fd_out = -1;
	if (w->cur_dirfd < 0 || w->cur_type != CAIRN_T_FILE || w->cur_deferred)
		return cairn_error_set(CAIRN_EUSAGE,
				       "walker_open: last entry is not a file");
	return cairn_walk_open_at(w->cur_dirfd, w->cur_name, e, fd_out);
}

int cairn_walker_read_xattrs(cairn_walker *w, cairn_entry *e)
{
	if (w->cur_dirfd < 0 || w->cur_type != CAIRN_T_FILE || w->cur_deferred)
		return cairn_error_set(CAIRN_EUSAGE,
				       "walker_read_xattrs: last entry is not a file");
	read_xattrs(-1, w->cur_dirfd, w->cur_name, e);
	return 0;
}
