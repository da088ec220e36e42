/* fileio: sysbench 1.0.20's file I/O test (synchronous I/O mode), one event per pread, pwrite or
 * periodic fsync, over test_file.0 .. test_file.N-1 in --dir.
 *
 * Unlike sysbench, one invocation does prepare, run and cleanup (--phase all, the default),
 * because a container runs once; the prepare time is reported apart from the run. With
 * --phase all (and when a prepare fails) the files are removed on every exit path, signals
 * included; --phase prepare/run leave them for a later --phase cleanup, as sysbench does.
 *
 * With --validate=on every block carries content that can be checked when read back: a payload
 * generated from a per-write stamp and a trailer {magic, file, offset, stamp, check}. Blocks are
 * file-block-size units at block-aligned file offsets, so any mode (merged requests too) can
 * read what any other wrote, as long as --file-block-size is the same.
 *
 * This file is the workload (options, requests, events, reports); fileio/files.c makes, fills,
 * checks and removes the test files. */
#include "fileio/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const mode_names[] = {"seqwr", "seqrewr", "seqrd", "rndrd", "rndwr", "rndrw"};
static const char *const mode_long[] = {"sequential write (creation)",
                                        "sequential rewrite",
                                        "sequential read",
                                        "random read",
                                        "random write",
                                        "random r/w"};

struct fio_thread {
	unsigned char *buf;
	unsigned char *scratch; /* --validate: the block as it should read */
	struct fio_req req;
	bool busy; /* req is in flight (validation keeps threads off each other's blocks) */
	uint64_t reads, writes, fsyncs, bytes_read, bytes_written;
};

#define DIRECT_ALIGN 512u /* logical block size O_DIRECT wants for offsets and lengths */
#define BUF_ALIGN    4096u

struct fio_state fio = {.dirfd = -1};

static const struct wl_option fileio_options[] = {
    {"file-num", WL_OPT_INT, "128", NULL, "number of files to create", 1, 1000000},
    {"file-block-size", WL_OPT_SIZE, "16K", NULL, "block size to use in all IO operations", 1,
     1ull << 30},
    {"file-total-size", WL_OPT_SIZE, "2G", NULL, "total size of files to create", 1, 1ull << 50},
    {"file-test-mode", WL_OPT_STRING, NULL, NULL,
     "test mode {seqwr, seqrewr, seqrd, rndrd, rndwr, rndrw} (needed unless --phase cleanup)", 0,
     0},
    {"file-io-mode", WL_OPT_CHOICE, "sync", "sync", "file operations mode (only sync)", 0, 0},
    {"file-extra-flags", WL_OPT_FLAGS, "", "sync|dsync|direct",
     "list of additional flags to use to open files {sync,dsync,direct}; combinations work", 0, 0},
    {"file-fsync-freq", WL_OPT_INT, "100", NULL,
     "do fsync() after this number of requests (0 - don't use fsync())", 0, 0},
    {"file-fsync-all", WL_OPT_BOOL, "off", NULL, "do fsync() after each write operation", 0, 0},
    {"file-fsync-end", WL_OPT_BOOL, "on", NULL, "do fsync() at the end of test", 0, 0},
    {"file-fsync-mode", WL_OPT_CHOICE, "fsync", "fsync|fdatasync",
     "which method to use for synchronization", 0, 0},
    {"file-merged-requests", WL_OPT_INT, "0", NULL,
     "merge at most this number of IO requests if possible (0 - don't merge)", 0, 1 << 20},
    {"file-rw-ratio", WL_OPT_DOUBLE, "1.5", NULL, "reads/writes ratio for combined test", 0, 0},
    {"validate", WL_OPT_BOOL, "off", NULL,
     "write checkable content and verify every block read (prepare and run must agree)", 0, 0},
    {"dir", WL_OPT_STRING, ".", NULL, "directory for the test files", 0, 0},
    {"phase", WL_OPT_CHOICE, "all", "prepare|run|cleanup|all",
     "prepare, run, cleanup, or all three (files removed on every exit path)", 0, 0},
    {0},
};

static bool mode_writes(enum fio_mode m)
{
	return m == SEQWR || m == SEQREWR || m == RNDWR || m == RNDRW;
}

static bool mode_sequential(enum fio_mode m)
{
	return m == SEQWR || m == SEQREWR || m == SEQRD;
}

static int sync_fd(int fd)
{
	return fio.fdatasync ? fdatasync(fd) : fsync(fd);
}

/* ---- options ------------------------------------------------------------------------------ */

static int parse_mode(void)
{
	const char *s = wl_opt_str("file-test-mode");

	fio.mode_set = s != NULL && *s != '\0';
	if (!fio.mode_set) {
		if (fio.phase == PH_CLEANUP)
			return 0;
		return wl_usage_error("--file-test-mode: missing; one of seqwr, seqrewr, seqrd, "
		                      "rndrd, rndwr, rndrw");
	}
	for (unsigned i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (strcmp(s, mode_names[i]) == 0) {
			fio.mode = (enum fio_mode)i;
			return 0;
		}
	return wl_usage_error("--file-test-mode: '%s' is not one of seqwr, seqrewr, seqrd, rndrd, "
	                      "rndwr, rndrw",
	                      s);
}

static int parse_options(void)
{
	uint64_t total;
	int64_t merged;
	int ret;

	fio.phase = (enum fio_phase)wl_opt_choice("phase");
	ret = parse_mode();
	if (ret < 0)
		return ret;
	fio.nfiles = (unsigned)wl_opt_int("file-num");
	fio.block = wl_opt_size("file-block-size");
	total = wl_opt_size("file-total-size");
	fio.file_size = total / fio.nfiles;
	if (fio.file_size == 0)
		return wl_usage_error("--file-total-size: %" PRIu64
		                      " bytes leave nothing for each of "
		                      "--file-num=%u files (need at least one byte per file)",
		                      total, fio.nfiles);
	fio.blocks_per_file = (fio.file_size + fio.block - 1) / fio.block;
	merged = wl_opt_int("file-merged-requests");
	fio.req_size = merged > 0 ? fio.block * (uint64_t)merged : fio.block;
	fio.extra = wl_opt_choice("file-extra-flags");
	fio.open_flags = ((fio.extra & XF_SYNC) ? O_SYNC : 0) |
	                 ((fio.extra & XF_DSYNC) ? O_DSYNC : 0) |
	                 ((fio.extra & XF_DIRECT) ? O_DIRECT : 0);
	if ((fio.extra & XF_DIRECT) &&
	    (fio.block % DIRECT_ALIGN != 0 || fio.file_size % DIRECT_ALIGN != 0))
		return wl_usage_error("--file-extra-flags=direct: --file-block-size (%" PRIu64
		                      ") and the file size (--file-total-size / --file-num = "
		                      "%" PRIu64 ") must be multiples of %u",
		                      fio.block, fio.file_size, DIRECT_ALIGN);
	fio.fsync_freq = wl_opt_int("file-fsync-freq");
	fio.fsync_all = wl_opt_bool("file-fsync-all");
	fio.fsync_end = wl_opt_bool("file-fsync-end");
	/* As sysbench: fsync after every write makes the periodic and final ones moot. */
	if (fio.fsync_all) {
		fio.fsync_freq = 0;
		fio.fsync_end = false;
	}
	fio.fdatasync = wl_opt_choice("file-fsync-mode") == 1;
	fio.rw_ratio = wl_opt_double("file-rw-ratio");
	fio.validate = wl_opt_bool("validate");
	fio.dir = wl_opt_str("dir");
	if (fio.dir == NULL || *fio.dir == '\0')
		fio.dir = ".";
	fio.nthreads = (int)wl_opt_int("threads");
	/* Validating threads stay off each other's blocks, which needs a free one for each. */
	if (fio.validate && fio.nthreads > 1 &&
	    (uint64_t)fio.nfiles * fio.blocks_per_file <= (uint64_t)fio.nthreads)
		return wl_usage_error("--validate=on with --threads=%d needs more blocks than "
		                      "threads (%" PRIu64 " blocks of --file-block-size)",
		                      fio.nthreads, (uint64_t)fio.nfiles * fio.blocks_per_file);
	return 0;
}

/* ---- ops ---------------------------------------------------------------------------------- */

static void fileio_done(void);

static int fileio_init(void)
{
	int ret;

	memset(&fio, 0, sizeof(fio));
	fio.dirfd = -1;
	pthread_mutex_init(&fio.lock, NULL);
	ret = parse_options();
	if (ret < 0)
		return ret;

	fio.dirfd = open(fio.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fio.dirfd < 0)
		return wl_error_errno("--dir %s", fio.dir);
	/* Stamps differ between runs, so a rewrite changes what a block holds. */
	fio.stamp_next = mix64((uint64_t)wl_now_ns() ^ ((uint64_t)getpid() << 32));

	fio.th = calloc((size_t)fio.nthreads, sizeof(*fio.th));
	fio.fds = malloc(fio.nfiles * sizeof(int));
	if (fio.th == NULL || fio.fds == NULL) {
		fileio_done();
		return wl_error_errno("allocating state for %u files", fio.nfiles);
	}
	for (unsigned i = 0; i < fio.nfiles; i++)
		fio.fds[i] = -1;
	for (int i = 0; i < fio.nthreads; i++) {
		/* Aligned for O_DIRECT; zeroed because without --validate sysbench writes
		 * zeros. */
		if (posix_memalign((void **)&fio.th[i].buf, BUF_ALIGN, fio.req_size) != 0) {
			fileio_done();
			return wl_error("allocating a %" PRIu64 "-byte I/O buffer", fio.req_size);
		}
		memset(fio.th[i].buf, 0, fio.req_size);
		if (fio.validate && (fio.th[i].scratch = malloc(fio.block)) == NULL) {
			fileio_done();
			return wl_error_errno("allocating a %" PRIu64 "-byte buffer", fio.block);
		}
	}

	if (fio.phase == PH_CLEANUP) {
		ret = fio_remove_files(fio.nfiles, true);
	} else if (fio.phase == PH_PREPARE || fio.phase == PH_ALL) {
		fio.remove_at_done = fio.phase == PH_ALL;
		ret = fio_prepare_files(fio.th[0].buf);
		if (ret < 0 || wl_stop_requested()) {
			fio_remove_files(fio.nfiles, false);
			fio.remove_at_done = false;
		}
	}
	if (ret == 0 && wl_stop_requested())
		return 0; /* the harness skips the run, calls done() and exits 128+N */
	if (ret == 0 && (fio.phase == PH_RUN || fio.phase == PH_ALL)) {
		ret = fio_open_files();
		if (ret < 0 && fio.phase == PH_ALL)
			fio_remove_files(fio.nfiles, false);
	}
	if (ret < 0) {
		fio.remove_at_done = false;
		fileio_done();
		return ret;
	}
	return 0;
}

static int fileio_thread_init(struct wl_thread *t)
{
	t->priv = &fio.th[t->id];
	return 0;
}

/* Called with the lock held. Sysbench's periodic fsync: once `freq` requests have gone by since
 * a write made the files dirty, the next num-files events fsync each file in turn. */
static bool take_periodic_fsync(struct fio_req *r)
{
	if (fio.fsync_freq == 0 || !fio.dirty || fio.req_done % (uint64_t)fio.fsync_freq != 0)
		return false;
	r->op = OP_FSYNC;
	r->file = fio.fsync_file;
	r->pos = r->size = 0;
	if (++fio.fsync_file == fio.nfiles) {
		fio.fsync_file = 0;
		fio.dirty = false;
	}
	return true;
}

static void next_sequential(struct fio_req *r)
{
	r->op = fio.mode == SEQRD ? OP_READ : OP_WRITE;
	if (r->op == OP_WRITE && take_periodic_fsync(r))
		return;
	fio.req_done++;
	if (r->op == OP_WRITE)
		fio.dirty = true;
	/* After the last file, wrap round to the first one. */
	if (fio.seq_file == fio.nfiles) {
		fio.seq_file = 0;
		fio.seq_pos = 0;
	}
	r->file = fio.seq_file;
	r->pos = fio.seq_pos;
	r->size =
	    fio.file_size - fio.seq_pos < fio.req_size ? fio.file_size - fio.seq_pos : fio.req_size;
	fio.seq_pos += r->size;
	if (fio.seq_pos == fio.file_size) {
		fio.seq_file++;
		fio.seq_pos = 0;
	}
}

static bool block_taken(const struct fio_thread *me, const struct fio_req *r)
{
	for (int i = 0; i < fio.nthreads; i++)
		if (&fio.th[i] != me && __atomic_load_n(&fio.th[i].busy, __ATOMIC_ACQUIRE) &&
		    fio.th[i].req.file == r->file && fio.th[i].req.pos == r->pos)
			return true;
	return false;
}

static void pick_random_block(struct wl_thread *t, struct fio_req *r)
{
	uint64_t nblocks = (uint64_t)fio.nfiles * fio.blocks_per_file;
	uint64_t idx = (uint64_t)(wl_rand_unit(t) * (double)nblocks);

	if (idx >= nblocks)
		idx = nblocks - 1;
	r->file = (unsigned)(idx / fio.blocks_per_file);
	r->pos = (idx % fio.blocks_per_file) * fio.block;
	r->size = fio.file_size - r->pos < fio.block ? fio.file_size - r->pos : fio.block;
}

static void next_random(struct wl_thread *t, struct fio_thread *ft, struct fio_req *r)
{
	enum fio_mode m = fio.mode;

	if (m == RNDRW)
		m = ((double)ft->reads + 1.0) / ((double)ft->writes + 1.0) < fio.rw_ratio ? RNDRD
		                                                                          : RNDWR;
	if (take_periodic_fsync(r))
		return;
	r->op = m == RNDWR ? OP_WRITE : OP_READ;
	do
		pick_random_block(t, r);
	while (fio.validate && fio.nthreads > 1 && block_taken(ft, r));
	fio.req_done++;
	if (r->op == OP_WRITE)
		fio.dirty = true;
}

static int fileio_next(struct wl_thread *t)
{
	struct fio_thread *ft = t->priv;

	if (fio.phase != PH_RUN && fio.phase != PH_ALL)
		return 1;
	/* Random reads alone touch no shared state worth a lock. */
	if (fio.mode == RNDRD && !fio.validate) {
		ft->req.op = OP_READ;
		pick_random_block(t, &ft->req);
		return 0;
	}
	pthread_mutex_lock(&fio.lock);
	if (mode_sequential(fio.mode))
		next_sequential(&ft->req);
	else
		next_random(t, ft, &ft->req);
	ft->busy = true;
	pthread_mutex_unlock(&fio.lock);
	return 0;
}

static int io_error(const char *what, const struct fio_req *r, ssize_t n)
{
	if (n >= 0) /* short transfer: the file shrank or the disk filled */
		errno = r->op == OP_READ ? ENODATA : ENOSPC;
	if (errno == EINVAL && (fio.extra & XF_DIRECT))
		return wl_error_errno("%s %s/test_file.%u at offset %" PRIu64 " (%" PRIu64
		                      " bytes, O_DIRECT: alignment refused?)",
		                      what, fio.dir, r->file, r->pos, r->size);
	return wl_error_errno("%s %s/test_file.%u at offset %" PRIu64 " (%" PRIu64 " bytes)", what,
	                      fio.dir, r->file, r->pos, r->size);
}

static int do_fsync(struct fio_thread *ft, unsigned file)
{
	if (sync_fd(fio.fds[file]) < 0)
		return wl_error_errno("%s %s/test_file.%u", fio.fdatasync ? "fdatasync" : "fsync",
		                      fio.dir, file);
	ft->fsyncs++;
	return 0;
}

static int fileio_event(struct wl_thread *t)
{
	struct fio_thread *ft = t->priv;
	const struct fio_req *r = &ft->req;
	ssize_t n;
	int ret = 0;

	switch (r->op) {
	case OP_READ:
		n = pread(fio.fds[r->file], ft->buf, r->size, (off_t)r->pos);
		if (n != (ssize_t)r->size) {
			ret = io_error("read", r, n);
			break;
		}
		if (fio.validate)
			ret = fio_check_request(ft->buf, r, ft->scratch);
		ft->reads++;
		ft->bytes_read += r->size;
		break;
	case OP_WRITE:
		if (fio.validate)
			fio_fill_request(ft->buf, r, fio_next_stamp(fio.req_size / fio.block + 1));
		n = pwrite(fio.fds[r->file], ft->buf, r->size, (off_t)r->pos);
		if (n != (ssize_t)r->size) {
			ret = io_error("write", r, n);
			break;
		}
		ft->writes++;
		ft->bytes_written += r->size;
		if (fio.fsync_all)
			ret = do_fsync(ft, r->file);
		break;
	case OP_FSYNC:
		ret = do_fsync(ft, r->file);
		break;
	}
	__atomic_store_n(&ft->busy, false, __ATOMIC_RELEASE);
	return ret;
}

static int fileio_thread_done(struct wl_thread *t)
{
	struct fio_thread *ft = t->priv;

	if (fio.phase != PH_RUN && fio.phase != PH_ALL)
		return 0;
	/* As sysbench: each thread syncs every file at the end, inside the total time. */
	if (!fio.fsync_end || !mode_writes(fio.mode) || wl_stop_requested())
		return 0;
	for (unsigned i = 0; i < fio.nfiles; i++) {
		int ret = do_fsync(ft, i);
		if (ret < 0)
			return ret;
	}
	return 0;
}

struct fio_totals {
	uint64_t reads, writes, fsyncs, bytes_read, bytes_written;
	double secs;
};

static struct fio_totals totals(const struct wl_result *r)
{
	struct fio_totals s = {.secs = r->total_time_s};

	for (int i = 0; i < r->nthreads; i++) {
		const struct fio_thread *ft = r->threads[i].priv;
		if (ft == NULL)
			continue;
		s.reads += ft->reads;
		s.writes += ft->writes;
		s.fsyncs += ft->fsyncs;
		s.bytes_read += ft->bytes_read;
		s.bytes_written += ft->bytes_written;
	}
	return s;
}

static double per_sec(double v, double secs)
{
	return secs > 0 ? v / secs : 0.0;
}

static void fileio_report_text(FILE *out, const struct wl_result *r)
{
	struct fio_totals s = totals(r);
	const double mib = 1024.0 * 1024.0;

	fprintf(out, "Extra file open flags: %s%s%s%s\n", fio.extra == 0 ? "(none)" : "",
	        (fio.extra & XF_SYNC) ? "sync " : "", (fio.extra & XF_DSYNC) ? "dsync " : "",
	        (fio.extra & XF_DIRECT) ? "direct" : "");
	fprintf(out, "%u files, %.2fMiB each, %.2fMiB total, block size %" PRIu64 "B, in %s\n",
	        fio.nfiles, (double)fio.file_size / mib, (double)fio.file_size * fio.nfiles / mib,
	        fio.block, fio.dir);
	if (fio.phase == PH_CLEANUP) {
		fprintf(out, "Removed %u test files.\n\n", fio.removed);
		return;
	}
	if (fio.phase == PH_PREPARE || fio.phase == PH_ALL)
		fprintf(out, "Prepare: %" PRIu64 " bytes written in %.2f seconds (%.2f MiB/sec).\n",
		        fio.prepare_bytes, fio.prepare_s,
		        per_sec((double)fio.prepare_bytes / mib, fio.prepare_s));
	if (fio.phase == PH_PREPARE) {
		fputc('\n', out);
		return;
	}
	if (fio.fsync_freq > 0)
		fprintf(out, "Periodic FSYNC enabled, calling %s() each %" PRId64 " requests.\n",
		        fio.fdatasync ? "fdatasync" : "fsync", fio.fsync_freq);
	if (fio.fsync_end)
		fprintf(out, "Calling fsync() at the end of test, Enabled.\n");
	if (fio.fsync_all)
		fprintf(out, "Calling fsync() after each write operation.\n");
	if (fio.validate)
		fprintf(out, "Validating the content of every block read.\n");
	fprintf(out, "Doing %s test\n\n", mode_long[fio.mode]);
	fprintf(out, "File operations:\n");
	fprintf(out, "    reads/s:                      %.2f\n", per_sec((double)s.reads, s.secs));
	fprintf(out, "    writes/s:                     %.2f\n", per_sec((double)s.writes, s.secs));
	fprintf(out, "    fsyncs/s:                     %.2f\n\n",
	        per_sec((double)s.fsyncs, s.secs));
	fprintf(out, "Throughput:\n");
	fprintf(out, "    read, MiB/s:                  %.2f\n",
	        per_sec((double)s.bytes_read / mib, s.secs));
	fprintf(out, "    written, MiB/s:               %.2f\n\n",
	        per_sec((double)s.bytes_written / mib, s.secs));
}

static void fileio_report_json(struct wl_json *j, const struct wl_result *r)
{
	struct fio_totals s = totals(r);
	const double mib = 1024.0 * 1024.0;

	wl_json_str(j, "phase", (const char *[]){"prepare", "run", "cleanup", "all"}[fio.phase]);
	if (fio.mode_set)
		wl_json_str(j, "file_test_mode", mode_names[fio.mode]);
	else
		wl_json_null(j, "file_test_mode");
	wl_json_uint(j, "file_size", fio.file_size);
	wl_json_uint(j, "reads", s.reads);
	wl_json_uint(j, "writes", s.writes);
	wl_json_uint(j, "fsyncs", s.fsyncs);
	wl_json_uint(j, "bytes_read", s.bytes_read);
	wl_json_uint(j, "bytes_written", s.bytes_written);
	wl_json_double(j, "reads_per_sec", per_sec((double)s.reads, s.secs));
	wl_json_double(j, "writes_per_sec", per_sec((double)s.writes, s.secs));
	wl_json_double(j, "fsyncs_per_sec", per_sec((double)s.fsyncs, s.secs));
	wl_json_double(j, "read_mib_per_sec", per_sec((double)s.bytes_read / mib, s.secs));
	wl_json_double(j, "written_mib_per_sec", per_sec((double)s.bytes_written / mib, s.secs));
	wl_json_double(j, "prepare_s", fio.prepare_s);
	wl_json_uint(j, "prepare_bytes", fio.prepare_bytes);
}

static void fileio_done(void)
{
	fio_close_files();
	if (fio.remove_at_done && fio.dirfd >= 0)
		fio_remove_files(fio.nfiles, false);
	fio.remove_at_done = false;
	if (fio.th != NULL) {
		for (int i = 0; i < fio.nthreads; i++) {
			free(fio.th[i].buf);
			free(fio.th[i].scratch);
		}
		free(fio.th);
		fio.th = NULL;
	}
	if (fio.dirfd >= 0)
		close(fio.dirfd);
	fio.dirfd = -1;
}

const struct wl_workload fileio_workload = {
    .name = "fileio",
    .summary = "File I/O test (sysbench 1.0.20 fileio): prepare, run and cleanup in one go",
    .options = fileio_options,
    .init = fileio_init,
    .thread_init = fileio_thread_init,
    .next = fileio_next,
    .event = fileio_event,
    .thread_done = fileio_thread_done,
    .report_text = fileio_report_text,
    .report_json = fileio_report_json,
    .done = fileio_done,
};

WL_MAIN(fileio_workload)
