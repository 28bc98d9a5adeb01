/*
 * check_scan.c - the parallel pipeline: output independent of -j,
 * observer order, --reuse giving the same snapshot as a full run, the racy
 * case, changed files re-read, --paranoid (and its mismatch count), reuse
 * counters at any -j, a low descriptor limit.
 */
#include "scan.h"
#include "tcase.h"
#include "treeutil.h"
#include "rfc3339.h"
#include "prevq.h"

#include <check.h>
#include <openssl/evp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>

static char *tmp;
static char *tree;

static void setup(void)
{
	tmp = tu_mkdtemp();
	tree = tu_join(tmp, "tree");
	ck_assert_int_eq(mkdir(tree, 0755), 0);
}

static void teardown(void)
{
	tu_rm_rf(tmp);
	free(tmp);
	free(tree);
	tmp = tree = NULL;
}

/* A few hundred files of varied sizes (some larger than the hash buffer),
 * in nested folders. */
static unsigned build_tree(void)
{
	unsigned i, files = 0;
	int dfd = open(tree, O_RDONLY | O_DIRECTORY);
	unsigned char *buf = malloc(700000);
	uint32_t x = 12345;
	size_t k;

	ck_assert_int_ge(dfd, 0);
	ck_assert_ptr_nonnull(buf);
	for (k = 0; k < 700000; k++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		buf[k] = (unsigned char)x;
	}
	for (i = 0; i < 8; i++) {
		char d[16];
		int sub;
		unsigned j;

		snprintf(d, sizeof(d), "pkg%u", i);
		ck_assert_int_eq(mkdirat(dfd, d, 0755), 0);
		sub = openat(dfd, d, O_RDONLY | O_DIRECTORY);
		ck_assert_int_ge(sub, 0);
		for (j = 0; j < 40; j++) {
			char n[32];
			size_t len = (j * 7919u + i * 104729u) % 20000;

			if (j == 3)
				len = 300000 + i * 1000;
			snprintf(n, sizeof(n), "f%02u.js", j);
			tu_write_at(sub, n, buf + i * j, len);
			files++;
		}
		close(sub);
	}
	tu_write_at(dfd, "big.bin", buf, 700000);
	files++;
	ck_assert_int_eq(symlinkat("pkg0/f00.js", dfd, "link"), 0);
	close(dfd);
	free(buf);
	return files;
}

static json_t *fixed_header(const char *created)
{
	json_t *h = json_object();

	json_object_set_new(h, "tool", json_string("check_scan"));
	json_object_set_new(h, "created", json_string(created));
	return h;
}

struct obs {
	size_t n;
	int sorted;
	int hashed_files;
	cairn_buf last;
};

static void observer(void *ctx, const cairn_entry *e)
{
	struct obs *o = ctx;

	if (o->n && cairn_path_cmp(o->last.data, o->last.len, e->path, e->path_len) >= 0)
		o->sorted = 0;
	cairn_buf_clear(&o->last);
	cairn_buf_add(&o->last, e->path, e->path_len);
	if (e->type == CAIRN_T_FILE && (e->flags & CAIRN_EF_HASHED))
		o->hashed_files++;
	o->n++;
}

static int snap(const char *out, const char *created, unsigned jobs,
		const char *reuse, int paranoid, cairn_scan_stats *st,
		struct obs *ob)
{
	cairn_snap_writer *w = NULL;
	cairn_scan_opts o;
	json_t *h = fixed_header(created), *extra;
	int rc;

	memset(&o, 0, sizeof(o));
	o.jobs = jobs;
	o.reuse_path = reuse;
	o.paranoid = paranoid;
	if (ob) {
		o.observer = observer;
		o.observer_ctx = ob;
	}
	ck_assert_int_eq(cairn_snap_writer_open(&w, out, h), 0);
	json_decref(h);
	rc = cairn_scan_run(tree, &o, w, st);
	if (rc < 0) {
		cairn_snap_writer_abort(w);
		return rc;
	}
	extra = cairn_scan_trailer_extra(&o, st);
	rc = cairn_snap_writer_close(w, extra, NULL);
	json_decref(extra);
	return rc;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Every record but the trailer, as JSON text, one per line. */
static char *records_without_trailer(const char *path)
{
	cairn_snap_reader *r = NULL;
	cairn_record rec;
	cairn_buf b = CAIRN_BUF_INIT;
	char *s;
	int rc;

	memset(&rec, 0, sizeof(rec));
	ck_assert_msg(cairn_snap_reader_open(&r, path, NULL) == 0, "%s",
		      cairn_error_last());
	s = json_dumps(cairn_snap_reader_header(r), JSON_COMPACT | JSON_SORT_KEYS);
	cairn_buf_addstr(&b, s);
	cairn_buf_addch(&b, '\n');
	free(s);
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0) {
		cairn_buf_add(&b, rec.line, rec.line_len);
		cairn_buf_addch(&b, '\n');
	}
	ck_assert_msg(rc == 0, "%s", cairn_error_last());
	cairn_snap_reader_free(r);
	return cairn_buf_detach(&b, NULL);
}

static const char future[] = "2099-01-01T00:00:00.000000000Z";

START_TEST(test_scan_output_independent_of_jobs)
{
	char *a = tu_join(tmp, "j1.cairn"), *b = tu_join(tmp, "j4.cairn");
	char *c = tu_join(tmp, "j3.cairn");
	cairn_scan_stats s1, s4, s3;
	struct obs ob;
	char *da, *db, *dc;
	size_t la, lb, lc;
	unsigned files = build_tree();

	memset(&ob, 0, sizeof(ob));
	ob.sorted = 1;
	ck_assert_int_eq(snap(a, future, 1, NULL, 0, &s1, &ob), 0);
	ck_assert_int_eq(snap(b, future, 4, NULL, 0, &s4, NULL), 0);
	ck_assert_int_eq(snap(c, future, 3, NULL, 0, &s3, NULL), 0);
	da = slurp(a, &la);
	db = slurp(b, &lb);
	dc = slurp(c, &lc);
	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(da, db, la) == 0);
	ck_assert_uint_eq(la, lc);
	ck_assert(memcmp(da, dc, la) == 0);
	ck_assert_uint_eq(s1.files, files);
	ck_assert_uint_eq(s1.hashed, files);
	ck_assert_uint_eq(s4.hashed, files);
	ck_assert_uint_eq(s1.entries, files + 8 + 1);
	ck_assert_uint_eq(s1.errors, 0);
	ck_assert_uint_eq(ob.n, s1.entries);
	ck_assert(ob.sorted);
	ck_assert_int_eq(ob.hashed_files, (int)files);
	free(da);
	free(db);
	free(dc);
	cairn_buf_release(&ob.last);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* A --reuse run (on inc_jobs, 0: the default) over the tree just built,
 * every file reusable, writes the full run's records. */
static void reuse_equals_full(unsigned files, unsigned inc_jobs)
{
	char *prev = tu_join(tmp, "prev.cairn"), *inc = tu_join(tmp, "inc.cairn");
	char *full = tu_join(tmp, "full.cairn");
	char *ri, *rf;
	cairn_scan_stats sp, si, sf;

	/* prev "started" after every file was written: all reusable */
	ck_assert_int_eq(snap(prev, future, 2, NULL, 0, &sp, NULL), 0);
	ck_assert_int_eq(snap(inc, future, inc_jobs, prev, 0, &si, NULL), 0);
	ck_assert_int_eq(snap(full, future, 2, NULL, 0, &sf, NULL), 0);
	ck_assert_uint_eq(si.reused, files);
	ck_assert_uint_eq(si.hashed, 0);
	ck_assert_uint_eq(si.bytes_read, 0);
	ck_assert_uint_eq(sf.hashed, files);
	ri = records_without_trailer(inc);
	rf = records_without_trailer(full);
	ck_assert_str_eq(ri, rf);
	free(ri);
	free(rf);
	free(prev);
	free(inc);
	free(full);
}

START_TEST(test_scan_reuse_same_as_full)
{
	reuse_equals_full(build_tree(), 2);
}
END_TEST

/*
 * Enough entries that the previous snapshot's queue recycles its chunks
 * many times over while lines held in them are still in the ring (slots
 * point into the chunks: cairn_prevq_hold()): a chunk given back too soon
 * shows as a line that is not the full run's.
 */
START_TEST(test_scan_reuse_many_same_as_full)
{
	unsigned d, f;

	for (d = 0; d < 300; d++) {
		char dir[64];

		snprintf(dir, sizeof(dir), "%s/d%03u", tree, d);
		ck_assert_int_eq(mkdir(dir, 0755), 0);
		for (f = 0; f < 80; f++) {
			char path[96];
			int fd;

			snprintf(path, sizeof(path), "%s/f%02u", dir, f);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
			ck_assert_int_ge(fd, 0);
			ck_assert_int_eq(write(fd, path, d % 7), (ssize_t)(d % 7));
			close(fd);
		}
	}
	reuse_equals_full(300 * 80, 0);
}
END_TEST

/*
 * --reuse does not list the xattrs of a directory whose previous line is
 * the one its fstat gives, without xattrs (dir_xattrs_none()): one that
 * had xattrs keeps them, one given an xattr since (its ctime moved) shows
 * it, as in a full run.
 */
START_TEST(test_scan_reuse_dir_xattrs)
{
	char *prev = tu_join(tmp, "prev.cairn"), *inc = tu_join(tmp, "inc.cairn");
	char *full = tu_join(tmp, "full.cairn");
	char *a = tu_join(tree, "a"), *b = tu_join(tree, "b");
	char *ri, *rf, *at;
	cairn_scan_stats sp, si, sf;
	int n = 0;

	tu_mkdir(tree, "a");
	tu_mkdir(tree, "b");
	tu_mkdir(tree, "c");
	tu_write(tree, "a/f", "1");
	tu_write(tree, "b/f", "2");
	tu_write(tree, "c/f", "3");
	if (setxattr(a, "user.cairn.dir", "before", 6, 0) != 0) {
		fprintf(stderr, "scan: user xattrs not supported on %s (%s); "
			"dir xattr test skipped\n", tree, strerror(errno));
		goto out;
	}
	ck_assert_int_eq(snap(prev, future, 2, NULL, 0, &sp, NULL), 0);
	ck_assert_int_eq(setxattr(b, "user.cairn.dir", "after", 5, 0), 0);
	ck_assert_int_eq(snap(inc, future, 0, prev, 0, &si, NULL), 0);
	ck_assert_int_eq(snap(full, future, 2, NULL, 0, &sf, NULL), 0);
	ri = records_without_trailer(inc);
	rf = records_without_trailer(full);
	ck_assert_str_eq(ri, rf);
	for (at = rf; (at = strstr(at, "\"kind\":\"dir\"")); at++) {
		const char *x = strstr(at, "\"xattrs\""), *nl = strchr(at, '\n');

		if (x && (!nl || x < nl))
			n++;
	}
	ck_assert_int_eq(n, 2);   /* a and b */
	free(ri);
	free(rf);
out:
	free(a);
	free(b);
	free(prev);
	free(inc);
	free(full);
}
END_TEST

START_TEST(test_scan_reuse_rereads_changed_file)
{
	char *prev = tu_join(tmp, "prev.cairn"), *inc = tu_join(tmp, "inc.cairn");
	char *full = tu_join(tmp, "full.cairn"), *p0 = tu_join(tree, "pkg0");
	char *ri, *rf;
	cairn_scan_stats sp, si, sf;
	unsigned files = build_tree();

	ck_assert_int_eq(snap(prev, future, 2, NULL, 0, &sp, NULL), 0);
	tu_write(p0, "f05.js", "new content, new size\n");
	tu_write(tree, "added.txt", "added\n");
	ck_assert_int_eq(snap(inc, future, 2, prev, 0, &si, NULL), 0);
	ck_assert_int_eq(snap(full, future, 2, NULL, 0, &sf, NULL), 0);
	ck_assert_uint_eq(si.hashed, 2);
	ck_assert_uint_eq(si.reused, files - 1);
	ri = records_without_trailer(inc);
	rf = records_without_trailer(full);
	ck_assert_str_eq(ri, rf);
	free(ri);
	free(rf);
	free(p0);
	free(prev);
	free(inc);
	free(full);
}
END_TEST

START_TEST(test_scan_reuse_racy_rehashed)
{
	char *prev = tu_join(tmp, "prev.cairn"), *inc = tu_join(tmp, "inc.cairn");
	char *m = tu_join(tree, "marker");
	char created[64];
	struct stat st;
	cairn_scan_stats sp, si;
	unsigned files = build_tree();

	/* Every file but "marker" is older than the previous snapshot's
	 * start; marker's ctime equals it: not older, so racy. */
	usleep(50000);
	tu_write(tree, "marker", "m");
	ck_assert_int_eq(stat(m, &st), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, m, NULL, 0), 0);   /* mtime = ctime-ish */
	ck_assert_int_eq(stat(m, &st), 0);
	cairn_rfc3339_format(created, sizeof(created), st.st_ctim.tv_sec,
			   st.st_ctim.tv_nsec);
	ck_assert_int_eq(snap(prev, created, 2, NULL, 0, &sp, NULL), 0);
	ck_assert_int_eq(snap(inc, future, 2, prev, 0, &si, NULL), 0);
	ck_assert_uint_eq(si.racy, 1);
	ck_assert_uint_eq(si.reused, files);
	ck_assert_uint_eq(si.hashed, 1);

	/* A previous snapshot that started long ago: everything is racy. */
	ck_assert_int_eq(snap(prev, "1970-01-02T00:00:00Z", 2, NULL, 0, &sp, NULL), 0);
	ck_assert_int_eq(snap(inc, future, 2, prev, 0, &si, NULL), 0);
	ck_assert_uint_eq(si.racy, files + 1);
	ck_assert_uint_eq(si.reused, 0);
	ck_assert_uint_eq(si.hashed, files + 1);
	free(m);
	free(prev);
	free(inc);
}
END_TEST

START_TEST(test_scan_paranoid_reads_everything)
{
	char *prev = tu_join(tmp, "prev.cairn"), *inc = tu_join(tmp, "inc.cairn");
	cairn_scan_stats sp, si;
	json_t *info = NULL, *trailer = NULL;
	unsigned files = build_tree();

	ck_assert_int_eq(snap(prev, future, 2, NULL, 0, &sp, NULL), 0);
	ck_assert_int_eq(snap(inc, future, 2, prev, 1, &si, NULL), 0);
	ck_assert_uint_eq(si.reused, 0);
	ck_assert_uint_eq(si.hashed, files);
	ck_assert_uint_eq(si.mismatch, 0);
	ck_assert_uint_gt(si.bytes_read, 0);
	ck_assert_int_eq(cairn_scan_reuse_info(&info, prev, NULL), 0);
	ck_assert_str_eq(json_string_value(json_object_get(info, "prev_created")),
			 future);
	ck_assert_ptr_null(json_object_get(info, "prev_sha256"));
	json_decref(info);
	/* the checksum of prev, verified during the run, for the trailer */
	ck_assert_int_eq(cairn_snap_verify(prev, NULL, &trailer), 0);
	ck_assert_str_eq(si.prev_sha256,
			 json_string_value(json_object_get(trailer, "sha256")));
	json_decref(trailer);
	free(prev);
	free(inc);
}
END_TEST

START_TEST(test_scan_reuse_rejects_bad_previous)
{
	char *prev = tu_join(tmp, "prev.cairn"), *inc = tu_join(tmp, "inc.cairn");
	cairn_scan_stats sp, si;
	json_t *info = NULL;
	size_t len;
	char *data;
	FILE *f;

	build_tree();
	ck_assert_int_eq(snap(prev, future, 2, NULL, 0, &sp, NULL), 0);
	data = slurp(prev, &len);
	f = fopen(prev, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len / 2, f), len / 2);   /* truncated */
	fclose(f);
	/* The header may still read; the run streams the rest and must
	 * refuse before anything is written. */
	if (cairn_scan_reuse_info(&info, prev, NULL) < 0) {
		ck_assert_ptr_null(info);
		ck_assert_ptr_nonnull(strstr(cairn_error_last(), "prev.cairn"));
	}
	json_decref(info);
	ck_assert_int_lt(snap(inc, future, 2, prev, 0, &si, NULL), 0);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "prev.cairn"));
	ck_assert_int_ne(access(inc, F_OK), 0);
	/* Cut short of its header: refused up front. */
	f = fopen(prev, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, 8, f), 8);
	fclose(f);
	ck_assert_int_lt(cairn_scan_reuse_info(&info, prev, NULL), 0);
	ck_assert_ptr_null(info);
	ck_assert_ptr_nonnull(strstr(cairn_error_last(), "prev.cairn"));
	free(data);
	free(prev);
	free(inc);
}
END_TEST

START_TEST(test_scan_write_failure_is_fatal)
{
	char *full = tu_join(tmp, "full");
	pid_t pid;
	int status;

	build_tree();
	ck_assert_int_eq(mkdir(full, 0755), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* A one-page file system: the writer runs out of space while
		 * hashing threads still have entries in flight. */
		char *out = tu_join(full, "s.cairn");
		cairn_scan_stats st;
		DIR *d;
		struct dirent *de;
		int n = 0;

		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("cairn-test", full, "tmpfs", 0, "size=4k") != 0)
			_exit(3);
		cairn_snap_writer *w = NULL;
		cairn_scan_opts o;
		json_t *h = fixed_header(future);
		int i, dfd = open(tree, O_RDONLY | O_DIRECTORY);

		/* enough records for zstd to write blocks during the scan */
		for (i = 0; i < 3000; i++) {
			char name[32];

			snprintf(name, sizeof(name), "many-%04d", i);
			tu_write_at(dfd, name, name, strlen(name));
		}
		close(dfd);
		if (cairn_snap_writer_open(&w, out, h) < 0)
			_exit(9);
		memset(&o, 0, sizeof(o));
		o.jobs = 4;
		/* the failure must surface from the scan itself */
		if (cairn_scan_run(tree, &o, w, &st) >= 0)
			_exit(10);
		cairn_snap_writer_abort(w);
		json_decref(h);
		if (!strstr(cairn_error_last(), "s.cairn") &&
		    !strstr(cairn_error_last(), "No space"))
			_exit(11);
		/* nothing left behind, not even the temporary file */
		d = opendir(full);
		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				n++;
		if (!d || n)
			_exit(12);
		closedir(d);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 3)
		fprintf(stderr, "scan: cannot mount a tmpfs here; write failure "
			"test skipped\n");
	else
		ck_assert_msg(WEXITSTATUS(status) == 0, "write failure check %d",
			      WEXITSTATUS(status));
	free(full);
}
END_TEST

/* Records of a --reuse run against prev at jobs threads equal those of a
 * full run (full), with the given counters. */
static void check_reuse_run(const char *prev, const char *rf, unsigned jobs,
			    uint64_t reused, uint64_t hashed)
{
	char *inc = tu_join(tmp, "inc.cairn"), *ri;
	cairn_scan_stats si;

	ck_assert_int_eq(snap(inc, future, jobs, prev, 0, &si, NULL), 0);
	ck_assert_uint_eq(si.reused, reused);
	ck_assert_uint_eq(si.hashed, hashed);
	ck_assert_uint_eq(si.racy, 0);
	ck_assert_uint_eq(si.mismatch, 0);
	ck_assert_uint_eq(si.errors, 0);
	ri = records_without_trailer(inc);
	ck_assert_str_eq(ri, rf);
	free(ri);
	free(inc);
}

START_TEST(test_scan_reuse_counters_with_changes)
{
	char *prev = tu_join(tmp, "prev.cairn"), *full = tu_join(tmp, "full.cairn");
	char *p0 = tu_join(tree, "pkg0"), *touched = tu_join(tree, "pkg1/f07.js");
	char *gone = tu_join(tree, "pkg2/f09.js");
	char *rf;
	cairn_scan_stats sp, sf;
	unsigned files = build_tree(), jobs;

	ck_assert_int_eq(snap(prev, future, 2, NULL, 0, &sp, NULL), 0);
	tu_write(p0, "f05.js", "edited\n");                         /* hashed */
	ck_assert_int_eq(utimensat(AT_FDCWD, touched, NULL, 0), 0);  /* hashed */
	ck_assert_int_eq(unlink(gone), 0);                           /* gone */
	tu_write(tree, "added.txt", "added\n");                      /* hashed */
	ck_assert_int_eq(snap(full, future, 2, NULL, 0, &sf, NULL), 0);
	rf = records_without_trailer(full);
	/* the lstat and the decision run on the workers: any number of them
	 * must count the same */
	for (jobs = 1; jobs <= 4; jobs++)
		check_reuse_run(prev, rf, jobs, files - 3, 3);
	free(rf);
	free(p0);
	free(touched);
	free(gone);
	free(prev);
	free(full);
}
END_TEST

/* Copy snapshot src to dst with the sha256 of entry path changed. */
static void forge_digest(const char *src, const char *dst, const char *path)
{
	cairn_snap_reader *r = NULL;
	cairn_snap_writer *w = NULL;
	cairn_record rec;
	cairn_entry e;
	json_t *h = fixed_header(future);
	int rc, forged = 0;

	memset(&rec, 0, sizeof(rec));
	cairn_entry_init(&e);
	ck_assert_int_eq(cairn_snap_reader_open(&r, src, NULL), 0);
	ck_assert_int_eq(cairn_snap_writer_open(&w, dst, h), 0);
	while ((rc = cairn_snap_reader_next(r, &rec)) > 0) {
		ck_assert_int_eq(rec.kind, CAIRN_REC_ENTRY);
		cairn_snap_reader_take_entry(r, &e);
		if (!strcmp(e.path, path)) {
			e.sha256[0] ^= 0xff;
			forged = 1;
		}
		ck_assert_int_eq(cairn_snap_writer_entry(w, &e), 0);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert(forged);
	ck_assert_int_eq(cairn_snap_writer_close(w, NULL, NULL), 0);
	cairn_entry_release(&e);
	cairn_snap_reader_free(r);
	json_decref(h);
}

START_TEST(test_scan_paranoid_counts_mismatch)
{
	char *prev = tu_join(tmp, "prev.cairn"), *forged = tu_join(tmp, "forged.cairn");
	char *inc = tu_join(tmp, "inc.cairn"), *full = tu_join(tmp, "full.cairn");
	char *ri, *rf;
	cairn_scan_stats sp, si, sf;
	unsigned files = build_tree(), jobs;

	ck_assert_int_eq(snap(prev, future, 2, NULL, 0, &sp, NULL), 0);
	/* content "changed" behind unchanged metadata */
	forge_digest(prev, forged, "pkg3/f10.js");
	ck_assert_int_eq(snap(full, future, 2, NULL, 0, &sf, NULL), 0);
	rf = records_without_trailer(full);
	for (jobs = 1; jobs <= 4; jobs += 3) {
		ck_assert_int_eq(snap(inc, future, jobs, forged, 1, &si, NULL), 0);
		ck_assert_uint_eq(si.mismatch, 1);
		ck_assert_uint_eq(si.reused, 0);
		ck_assert_uint_eq(si.hashed, files);
		ri = records_without_trailer(inc);
		ck_assert_str_eq(ri, rf);
		free(ri);
		/* without --paranoid the metadata is trusted */
		ck_assert_int_eq(snap(inc, future, jobs, forged, 0, &si, NULL), 0);
		ck_assert_uint_eq(si.mismatch, 0);
		ck_assert_uint_eq(si.reused, files);
	}
	free(rf);
	free(prev);
	free(forged);
	free(inc);
	free(full);
}
END_TEST

/* snap() for a forked child: no check assertions, 0 or a failure code. */
static int child_snap(const char *out, unsigned jobs, cairn_scan_stats *st)
{
	cairn_snap_writer *w = NULL;
	cairn_scan_opts o;
	json_t *h = fixed_header(future), *extra;
	int rc;

	memset(&o, 0, sizeof(o));
	o.jobs = jobs;
	rc = cairn_snap_writer_open(&w, out, h);
	json_decref(h);
	if (rc < 0)
		return 20;
	if (cairn_scan_run(tree, &o, w, st) < 0) {
		fprintf(stderr, "scan: %s\n", cairn_error_last());
		cairn_snap_writer_abort(w);
		return 21;
	}
	extra = cairn_scan_trailer_extra(&o, st);
	rc = cairn_snap_writer_close(w, extra, NULL);
	json_decref(extra);
	return rc < 0 ? 22 : 0;
}

START_TEST(test_scan_low_descriptor_limit)
{
	char *full = tu_join(tmp, "full.cairn"), *low = tu_join(tmp, "low.cairn");
	char *rf, *rl;
	cairn_scan_stats sf;
	unsigned files = build_tree(), i;
	int dfd = open(tree, O_RDONLY | O_DIRECTORY), fd, status;
	pid_t pid;

	/* many small directories: many directory references in flight */
	ck_assert_int_ge(dfd, 0);
	for (i = 0; i < 200; i++) {
		char d[32];
		int sub;

		snprintf(d, sizeof(d), "many%03u", i);
		ck_assert_int_eq(mkdirat(dfd, d, 0755), 0);
		sub = openat(dfd, d, O_RDONLY | O_DIRECTORY);
		ck_assert_int_ge(sub, 0);
		tu_write_at(sub, "a", d, strlen(d));
		tu_write_at(sub, "b", "b", 1);
		close(sub);
	}
	/* first in file order and slow to hash: with one worker the walk
	 * runs ahead as far as the ring lets it */
	fd = openat(dfd, "0big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 64 << 20), 0);
	close(fd);
	close(dfd);
	files += 401;
	ck_assert_int_eq(snap(full, future, 4, NULL, 0, &sf, NULL), 0);
	ck_assert_uint_eq(sf.hashed, files);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl64;
		cairn_scan_stats st;
		int rc;

		/* The ring must fit the limit: nothing may fail with EMFILE. */
		if (getrlimit(RLIMIT_NOFILE, &rl64) != 0)
			_exit(2);
		rl64.rlim_cur = 64;
		if (setrlimit(RLIMIT_NOFILE, &rl64) != 0)
			_exit(3);
		if ((rc = child_snap(low, 1, &st)))
			_exit(rc);
		_exit(st.errors || st.hashed != files ? 30 : 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "low descriptor limit check %d",
		      WEXITSTATUS(status));
	rf = records_without_trailer(full);
	rl = records_without_trailer(low);
	ck_assert_str_eq(rl, rf);
	free(rf);
	free(rl);
	free(full);
	free(low);
}
END_TEST

/* docs/FORMAT.md "Header": the fields in the documented order; a pattern
 * that is not UTF-8 puts every pattern under "exclude_esc"; reuse is
 * copied, with "paranoid" added to the copy only. */
START_TEST(test_scan_header_fields_in_format_order)
{
	static const char *const order[] = {
		"tool", "hostname", "root", "root_realpath", "created",
		"created_set", "options", "hash_algorithms", "reuse"
	};
	const char *excl[] = { "a*", "b\xff" };
	cairn_scan_opts o;
	json_t *reuse = json_pack("{s:s}", "from", "prev.cairn");
	json_t *analysis = json_pack("{s:b}", "packages", 1);
	json_t *h, *v;
	const char *key;
	size_t i = 0;
	char *s;

	memset(&o, 0, sizeof(o));
	o.walk.excludes = excl;
	o.walk.exclude_count = 2;
	o.paranoid = 1;
	h = cairn_scan_header("cairn-snap 0", tree, &o, analysis, reuse,
			      1767225600, 5, 1);
	json_object_foreach(h, key, v) {
		ck_assert_uint_lt(i, sizeof(order) / sizeof(order[0]));
		ck_assert_str_eq(key, order[i]);
		i++;
	}
	ck_assert_uint_eq(i, sizeof(order) / sizeof(order[0]));
	ck_assert_str_eq(json_string_value(json_object_get(h, "created")),
			 "2026-01-01T00:00:00.000000005Z");
	s = json_dumps(json_object_get(h, "options"), JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(s, "{\"exclude_esc\":[\"a*\",\"b\\\\xff\"],"
			 "\"one_file_system\":false,\"packages\":true}");
	free(s);
	ck_assert(json_is_true(json_object_get(json_object_get(h, "reuse"), "paranoid")));
	ck_assert_ptr_null(json_object_get(reuse, "paranoid"));
	json_decref(h);
	json_decref(reuse);
	json_decref(analysis);
}
END_TEST

/*
 * The queue's holds (cairn_prevq_hold()): a held line stays intact while
 * the reader goes on filling recycled chunks far past it, holds stop at
 * the cap (the caller then copies), and chunks come back once released.
 */
START_TEST(test_scan_prevq_holds)
{
	char *snap = tu_join(tmp, "many.cairn");
	json_t *h = json_pack("{s:s}", "root", "/x");
	cairn_snap_writer *w;
	cairn_snap_reader *r;
	cairn_prevq *q;
	const cairn_prevq_item *it;
	char *kept[64];
	const char *at[64];
	size_t n_kept = 0, i, total = 0, refused = 0, after = 0;
	uint64_t ticket, last = 0;
	int rc;

	/* 40,000 entries: 157 chunks of 256 */
	ck_assert_int_eq(cairn_snap_writer_open(&w, snap, h), 0);
	for (i = 0; i < 40000; i++) {
		cairn_entry e;
		char path[32];

		cairn_entry_init(&e);
		snprintf(path, sizeof(path), "d/%06zu", i);
		e.path = path;
		e.path_len = strlen(path);
		e.type = CAIRN_T_FILE;
		e.flags = CAIRN_EF_HASHED;
		e.size = i;
		ck_assert_int_eq(cairn_snap_writer_entry(w, &e), 0);
	}
	ck_assert_int_eq(cairn_snap_writer_close(w, NULL, NULL), 0);
	json_decref(h);

	ck_assert_int_eq(cairn_snap_reader_open(&r, snap, NULL), 0);
	cairn_snap_reader_set_raw(r, 1);
	q = cairn_prevq_start(r);
	while ((rc = cairn_prevq_peek(q, &it)) > 0) {
		/* hold the first entry of every chunk until 20,000, never
		 * releasing: the cap must refuse some */
		if (total < 20000 && total % 256 == 0) {
			if (cairn_prevq_hold(q, &ticket)) {
				ck_assert_uint_gt(ticket, last);
				last = ticket;
				if (n_kept < 64) {
					kept[n_kept] = cairn_strndup(it->line, it->line_len);
					at[n_kept++] = it->line;
				}
			} else {
				refused++;
			}
		}
		if (total == 20000)
			cairn_prevq_release_below(q, UINT64_MAX);
		/* released: chunks come back, and holds are given again */
		if (total > 20000 + 2 * 256 && total % 256 == 0 && cairn_prevq_hold(q, &ticket)) {
			after++;
			cairn_prevq_release_below(q, ticket);
		}
		if (total < 20000)
			for (i = 0; i < n_kept; i++)
				ck_assert_msg(!strncmp(at[i], kept[i], strlen(kept[i])),
					      "held line %zu overwritten at entry %zu", i, total);
		cairn_prevq_pop(q);
		total++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(cairn_prevq_finish(q), 0);
	ck_assert_uint_eq(total, 40000);
	/* a hold in each of the 79 chunks before 20,000: 32 given (the cap),
	 * the other 47 refused */
	ck_assert_uint_eq(n_kept, 32);
	ck_assert_uint_eq(refused, 79 - 32);
	ck_assert_uint_gt(after, 70);
	cairn_prevq_free(q);
	for (i = 0; i < n_kept; i++)
		free(kept[i]);
	free(snap);
}
END_TEST

Suite *scan_suite(void);

Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");

	suite_add_tcase(s, tcase_one("jobs", test_scan_output_independent_of_jobs,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("reuse", test_scan_reuse_same_as_full, setup, teardown, 60));
	suite_add_tcase(s, tcase_one("reuse-many", test_scan_reuse_many_same_as_full,
					   setup, teardown, 120));
	suite_add_tcase(s, tcase_one("reuse-dir-xattrs", test_scan_reuse_dir_xattrs,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("reuse-changed", test_scan_reuse_rereads_changed_file,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("racy", test_scan_reuse_racy_rehashed, setup, teardown, 60));
	suite_add_tcase(s, tcase_one("paranoid", test_scan_paranoid_reads_everything,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("bad-previous", test_scan_reuse_rejects_bad_previous,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("reuse-counters", test_scan_reuse_counters_with_changes,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("paranoid-mismatch", test_scan_paranoid_counts_mismatch,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("low-fd-limit", test_scan_low_descriptor_limit,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("write-failure", test_scan_write_failure_is_fatal,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("header", test_scan_header_fields_in_format_order,
					   setup, teardown, 60));
	suite_add_tcase(s, tcase_one("prevq-holds", test_scan_prevq_holds, setup, teardown, 60));
	return s;
}
